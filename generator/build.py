"""The build as a plain function, in steps: load → check → views → render → write.

build() reads as those steps; build_packs() does views → render → write for the packs
a build (or one row of a batch) asks for. What can be skipped is decided in cache.py
(fingerprints derived from BuildOptions' fields); the processes come from pool.py; the
renderers are reached by format name through render/registry.py.

Everything is rendered in memory before anything is written, so a failure in any
document leaves the previous pack untouched; each file then replaces its old copy
atomically, and the manifest is written last (even when the build is interrupted
while writing, so it always names every file lessonpack wrote).

Two things keep it fast. A rebuild whose inputs (every content and template file, the
options, the tool's version) match the ones recorded in the manifest, and whose files
are still as written, stops before loading anything: it imports none of pydantic,
Jinja2, reportlab or python-docx. And the documents of a build are rendered in a pool
of forked processes, one per CPU core, after the content is loaded once; one more
process checks the words (language, reading level) meanwhile, starting while this one
still imports the renderers.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Optional

from . import __version__, budgets, cache, index, resources
from .errors import ContentError, LessonpackError, Problem
from .output import (MANIFEST, BuildRecord, Entry, Manifest, check_output_dir, check_overwrites,
                     edited_documents, file_sha256, sha256, write_atomic, write_documents)
from .pool import Background, Pool, can_fork, worker_count
from .render import DocMeta, PageStyle  # plain dataclasses: cheap to import
from .documents import Document, band_limited_note, select_documents
from .resources import effective_templates

if TYPE_CHECKING:  # the heavy modules are imported only when a build has work to do
    from .render import Assets
    from .render.markup import Document as Markup

    from .kit import KitView
    from .model import Library, Profile
    from .session import Session
    from .view import BandView


@dataclass(frozen=True)
class BuildOptions:
    lessons_dir: Path
    output_dir: Path
    templates: tuple[Path, ...]  # user template folders first, built-in last
    lesson_ids: tuple[str, ...] = ()
    band_ids: tuple[str, ...] = ()
    scenario_ids: tuple[str, ...] = ()
    profile_path: Optional[Path] = None
    session: Optional[Session] = None  # school, date, class, DSL; None for an unnamed pack
    paper: str = "a4"
    large_print: bool = False
    dyslexia_friendly: bool = False
    strict: bool = False
    force: bool = False
    keep_edited: bool = False  # keep documents changed since written; write the others
    today: dt.date = field(default_factory=dt.date.today)
    jobs: int = 0  # processes rendering documents at once; 0: one per CPU core
    documents: tuple[str, ...] = ()  # document names (Document.stem) to build; () for all


@dataclass
class BuildResult:
    written: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    entries: dict[str, Entry] = field(default_factory=dict)  # manifest entries of `written`
    rendered: list[tuple[str, bytes, Entry]] = field(default_factory=list)  # if not written
    kept: list[str] = field(default_factory=list)  # edited since written, so left as they are


def load_checked(lessons_dir: Path, today: dt.date, strict: bool) -> tuple[Library, list[Problem]]:
    """The library, or ContentError listing every problem. Returns the warnings."""
    from .validate import check_text

    library, problems = load_structure(lessons_dir, today, strict)
    return library, raise_errors(problems + check_text(library), strict)


def load_structure(lessons_dir: Path, today: dt.date, strict: bool) -> tuple[Library, list[Problem]]:
    """The library once it is sound enough to render (references, timings); its text is
    not checked yet. Raises ContentError, with every problem found, if it is not."""
    from .content.loader import load_library
    from .validate import check_structure, check_text

    library, problems = load_library(lessons_dir)
    problems += check_structure(library, today)
    if any(not p.warning or strict for p in problems):
        raise_errors(problems + check_text(library), strict)  # report everything at once
    return library, problems


def raise_errors(problems: list[Problem], strict: bool) -> list[Problem]:
    """Raise ContentError if any problem is an error (any at all, when strict); else
    return the problems, which are then all warnings."""
    if any(not p.warning or strict for p in problems):
        raise ContentError(problems if strict else [p for p in problems if not p.warning])
    return problems


def build(options: BuildOptions) -> BuildResult:
    """Load, check, make the views, render, write; or nothing, if nothing changed."""
    check_output_dir(options.output_dir)
    manifest = Manifest.read(options.output_dir, f"lessonpack {__version__}")
    key, inputs_digest = cache.build_fingerprint(options)
    record = None if options.force else manifest.unchanged_build(key, inputs_digest)
    if record is not None:  # nothing to do, and nothing heavy imported to find that out
        result = BuildResult(unchanged=list(record.files), warnings=list(record.warnings))
        if index.index_missing(options.output_dir, manifest):  # deleted: written again
            _write_index(options, manifest, {}, result)
            write_atomic(options.output_dir / MANIFEST, manifest.as_bytes())
        return result

    from .profile import load_profile

    library, warnings = _load_while_renderers_import(options)
    profile = load_profile(options.profile_path, options.lessons_dir)
    result = BuildResult(warnings=warnings)
    packs = _select(library, options)
    words = _check_words_in_background(library, options, packs)

    def check_words() -> None:  # runs while workers render; nothing is written before
        result.warnings = raise_errors(warnings + words.result(), options.strict)

    try:
        build_packs(options, library, profile, manifest, jobs=options.jobs, result=result,
                    meanwhile=check_words)
    except BaseException:  # a failure or Ctrl-C while writing: record what was written
        if result.entries:
            manifest.entries.update(result.entries)
            write_atomic(options.output_dir / MANIFEST, manifest.as_bytes())
        raise
    finally:
        words.cancel()
    result.warnings = (result.warnings + session_warnings(options.session)
                       + band_limited_warnings(options, packs))
    before = dict(manifest.index)
    _write_index(options, manifest, index.pack_infos(library, result.written + result.unchanged,
                                                     options.session), result)
    _record_build(options, manifest, key, inputs_digest, profile, result,
                  changed=manifest.index != before)
    return result


def _write_index(options: BuildOptions, manifest: Manifest, infos: dict,
                 result: BuildResult) -> None:
    """output/index.html (index.py), with a new thumbnail for each pack written to."""
    fresh = {name.rsplit("/", 1)[0] for name in result.written}
    manifest.entries.update(result.entries)
    try:
        warning = index.update_index(options.output_dir, manifest, infos, fresh,
                                     jobs=options.jobs)
    except BaseException:  # Ctrl-C, say: the documents written are still recorded
        write_atomic(options.output_dir / MANIFEST, manifest.as_bytes())
        raise
    if warning:
        result.warnings = result.warnings + [warning]


def _load_while_renderers_import(options: BuildOptions) -> tuple[Library, list[Problem]]:
    """load_structure's result, loaded in a forked process while this one imports and
    sets up the renderers: the two take about as long, and there is a core for each."""
    forked = worker_count(options.jobs) > 1 and can_fork()
    loading = Background(partial(load_structure, options.lessons_dir, options.today,
                                 options.strict), fork=forked)
    try:
        if forked:
            from . import model  # noqa: F401  the library arrives as its records: ready for it

            prepare_renderers(resources.assets(options.templates))  # the logo comes later
        return loading.result()
    finally:
        loading.cancel()


def _check_words_in_background(library: Library, options: BuildOptions,
                               packs: list[tuple[str, str]]) -> Background:
    """The words (language, reading level) checked on another core while this one
    imports the renderers and prepares the render jobs: every file's, or, when only some
    packs are built, those of the files they read."""
    from .library_texts import narrowed

    if options.lesson_ids or options.band_ids or options.scenario_ids:
        library = narrowed(library, packs)
    return Background(partial(_word_problems, library), fork=worker_count(options.jobs) > 1)


def _word_problems(library: Library) -> list[Problem]:
    """check_text's findings, kept on this machine for the exact files and code checked:
    a build for another school, or after a template change, does not check the same
    words again (about a quarter of a second of a core)."""
    from .machine_cache import remembered
    from .validate import check_text

    found = remembered("words", cache.words_key(library),
                       lambda: [(p.path, p.line, p.message, p.warning) for p in check_text(library)])
    return [Problem(*problem) for problem in found]


def _record_build(options: BuildOptions, manifest: Manifest, key: str, inputs_digest: str,
                  profile: Profile, result: BuildResult, changed: bool = False) -> None:
    """The manifest, with this build's fingerprint and files, so an unchanged rebuild is
    recognised next time."""
    manifest.entries.update(result.entries)
    files = {name: manifest.entries[name].sha256 for name in result.written + result.unchanged}
    extra = {profile.logo: file_sha256(profile.logo)} if profile.logo else {}
    record = BuildRecord(inputs_digest, files, tuple(result.warnings), extra)
    if result.written or changed or manifest.builds.get(key) != record:
        manifest.builds[key] = record
        write_atomic(options.output_dir / MANIFEST, manifest.as_bytes())


@dataclass(frozen=True)
class _Job:
    """One document that is due: where it goes and what it is made from."""

    name: str  # its path in the output folder
    inputs: tuple[str, ...]
    digest: str
    lesson_id: str
    band_id: str
    document: Document


def build_packs(options: BuildOptions, library: Library, profile: Profile,
                manifest: Manifest, *, jobs: int = 1,
                result: Optional[BuildResult] = None,
                meanwhile: Callable[[], None] = lambda: None,
                write: bool = True) -> BuildResult:
    """Render the selected packs' out-of-date documents and write them (or, if not
    `write`, return them in result.rendered for the caller to write). The manifest is
    only read: the caller records result.entries and writes it. `result`, when given, is
    filled in as each document is written, so the caller knows what was written even if
    writing is interrupted. `jobs` above 1 renders in that many forked processes (0: one
    per CPU core). `meanwhile` runs once rendering has started, before anything is
    written; if it raises, nothing is written."""
    if options.session is None:
        from .session import Session

        options = replace(options, session=Session())
    result = result if result is not None else BuildResult()
    due, current = _due(options, library, profile, manifest, result)
    if options.keep_edited and not options.force:
        result.kept = edited_documents(manifest, [job.name for job in due])
        due = [job for job in due if job.name not in result.kept]
    check_overwrites(manifest, [job.name for job in due], options.force)
    views = _views(options, library, profile, due)
    kits = _kits(library, views)
    rendered = _render(options, profile, views, due, jobs, meanwhile, kits)
    result.warnings += _over_budget(options, due, rendered, current)
    documents = [(job.name, data, Entry(sha256(data), job.inputs, job.digest))
                 for job, data in zip(due, rendered)]
    if not write:
        result.rendered = documents
        return result
    write_documents(options.output_dir, documents, result.entries)
    result.written += [job.name for job in due]
    return result


def _due(options: BuildOptions, library: Library, profile: Profile, manifest: Manifest,
         result: BuildResult) -> tuple[list[_Job], list[_Job]]:
    """The selected packs' documents whose recorded digest no longer matches, and the
    others (current), which are also added to result.unchanged."""
    digests = cache.InputDigests(options, library, profile)
    variant = variant_suffix(options)
    due, current = [], []
    chosen = select_documents(options.documents)
    for lesson_id, band_id in _select(library, options):
        folder = _pack_folder(options, lesson_id, band_id)
        inputs = digests.inputs_for(lesson_id, band_id)
        digest = digests.digest(inputs)
        for document in chosen:
            if not document.for_band(band_id):
                continue  # not in this band's packs (the ks2 certificate)
            name = f"{folder}/{document.stem}{variant}.{document.format}"
            job = _Job(name, inputs, digest, lesson_id, band_id, document)
            if manifest.is_current(name, digest) and not options.force:
                result.unchanged.append(name)
                current.append(job)
            else:
                due.append(job)
    if not due and not current:  # only band-limited documents, for other bands' packs
        note = band_limited_note(chosen, [b for _, b in _select(library, options)])
        raise LessonpackError(f"nothing to build: {note} ('lessonpack list' shows what "
                              "each pack holds)")
    return due, current


def band_limited_warnings(options: BuildOptions, packs: list[tuple[str, str]]) -> list[Problem]:
    """A note (never a failure) when --documents names a document some of the chosen
    (lesson, band) packs do not hold; a full build says nothing about it."""
    if not options.documents:
        return []
    note = band_limited_note(select_documents(options.documents), [b for _, b in packs])
    return [Problem("--documents", 0, note, warning=True)] if note else []


def _over_budget(options: BuildOptions, due: list[_Job], rendered: list[bytes],
                 current: list[_Job]) -> list[Problem]:
    """Warnings (errors with --strict) for PDFs over their page budget; the ones this
    build leaves unchanged count too, so --strict never passes on an older long file."""
    from .budgets import over_budget

    pages = [(job.name, job.document.stem, job.band_id, data)
             for job, data in zip(due, rendered) if job.document.format == "pdf"]
    pages += [(job.name, job.document.stem, job.band_id,
               (options.output_dir / job.name).read_bytes())
              for job in current if job.document.format == "pdf"]
    return over_budget(pages, large_print=options.large_print,
                       dyslexia_friendly=options.dyslexia_friendly, strict=options.strict)


def _views(options: BuildOptions, library: Library, profile: Profile,
           due: list[_Job]) -> dict[tuple[str, str], BandView]:
    """One view per pack with a document due: what its templates print."""
    from .view import band_view

    views: dict[tuple[str, str], BandView] = {}
    for job in due:
        if (job.lesson_id, job.band_id) not in views:
            views[job.lesson_id, job.band_id] = band_view(library, job.lesson_id, job.band_id,
                                                         profile, options.session)
    return views


def _kits(library: Library, views: dict[tuple[str, str], BandView]) -> dict[tuple[str, str], KitView]:
    """The session kit's data (cards, letter, briefing) for each pack with a document due."""
    from .kit import kit_view

    return {key: kit_view(library, *key) for key in views}


def _render(options: BuildOptions, profile: Profile, views: dict[tuple[str, str], BandView],
            due: list[_Job], jobs: int, meanwhile: Callable[[], None],
            kits: dict[tuple[str, str], KitView]) -> list[bytes]:
    """The bytes of each due document, in order. One render job per pack and template:
    its markup is made once, in the worker, and feeds both the PDF and its Word twin.
    Jobs with two documents go first, so the last job to finish is a short one and no
    worker sits idle at the end."""
    from .templating import preload

    preload(options.templates, [name for name in effective_templates(options.templates)
                                if name.endswith(".xml.j2")])
    assets = resources.assets(options.templates, profile.logo)
    groups: dict[tuple[str, str, str], list[int]] = {}
    for position, job in enumerate(due):
        groups.setdefault((job.lesson_id, job.band_id, job.document.template), []).append(position)
    order = sorted(groups, key=lambda key: -len(groups[key]))
    renders = [partial(render_group, views[key[:2]], key[2], [due[i].document for i in groups[key]],
                       options, assets, kits[key[:2]]) for key in order]
    rendered: list[bytes] = [b""] * len(due)
    for key, documents in zip(order, render_all(renders, jobs, meanwhile, assets)):
        for position, data in zip(groups[key], documents):
            rendered[position] = data
    return rendered


def session_warnings(session: Optional[Session]) -> list[Problem]:
    """A warning for a school, class or DSL name the PDFs cannot print whole (--strict is
    about the content, so these never fail a build)."""
    from .fonts import cannot_print

    fields = (("--school", session.school), ("--class", session.class_name),
              ("--dsl", session.dsl)) if session else ()
    return [Problem(option, 0, message, warning=True)
            for option, text in fields if text and (message := cannot_print(text))]


def render_all(renders: list[Callable[[], list[bytes]]], jobs: int = 1,
               meanwhile: Callable[[], None] = lambda: None,
               assets: Optional[Assets] = None) -> list[list[bytes]]:
    """Each render's bytes, in order: in this process, or in `jobs` forked ones (0: one
    per core) while this one runs `meanwhile` (which, if it raises, stops them)."""
    jobs = min(worker_count(jobs), len(renders))
    fork = jobs > 1 and can_fork()
    if fork:
        prepare_renderers(assets)  # imported and set up once, before the fork
    with Pool(renders, jobs, fork=fork) as pool:
        meanwhile()
        return pool.results()


def variant_suffix(options: BuildOptions) -> str:
    """'-letter-large-print' and so on: each print variant gets its own file names."""
    parts = ["letter"] if options.paper == "letter" else []
    parts += ["large-print"] if options.large_print else []
    parts += ["dyslexia-friendly"] if options.dyslexia_friendly else []
    return "".join(f"-{p}" for p in parts)


def prepare_renderers(assets: Optional[Assets]) -> None:
    """Import the renderers of every format the build makes and set them up, so
    processes forked afterwards share the work."""
    from .render import registry

    registry.prepare(sorted({d.format for d in select_documents(())}),
                     assets or resources.assets(resources.template_search_path(None)))


def render_group(view: BandView, template: str, documents: list[Document],
                 options: BuildOptions, assets: Assets,
                 kit: Optional[KitView] = None) -> list[bytes]:
    """The documents one template makes for one pack (a PDF and its Word twin).
    Templates see the band's view as `v`, the session kit's data as `k`, and whether the
    print is large (`large_print`: fewer words a line, so fewer blocks side by side)."""
    from .kit import KitView
    from .templating import render_markup

    nodes = render_markup(options.templates, template, v=view, k=kit or KitView(),
                          answers=False, large_print=options.large_print)
    return [render_document(nodes, view, document, options, assets) for document in documents]


def render_document(nodes: Markup, view: BandView, document: Document,
                    options: BuildOptions, assets: Assets) -> bytes:
    from .render import registry

    meta = DocMeta(
        title=f"{view.plan.title}: {document.title}",
        subject=f"{view.lesson.title}: online safety lesson for {view.band.name} "
                f"(ages {view.band.ages})",
        author=view.profile.force_name,
        header_left=view.plan.title,  # the band's own title: ks2 pupils never read "blackmail"
        header_right=f"{view.band.name} · ages {view.band.ages}",
        footer=view.footer,
    )
    page = page_style(view.band.id, options, document)
    data = registry.render(document.format, nodes, meta, page, assets)
    while (document.format == "pdf" and document.max_pages and not options.large_print
           and page.body_size - 0.5 >= document.smallest
           and budgets.pdf_page_count(data) > document.max_pages):
        page = replace(page, body_size=page.body_size - 0.5)
        data = registry.render(document.format, nodes, meta, page, assets)
    return data


def page_style(band_id: str, options: BuildOptions,
               document: Optional[Document] = None) -> PageStyle:
    size = 12.0  # every band: a ks2 or ks3 worksheet fits one sheet, both sides
    sizes = dict(document.sizes) if document else {}
    size = sizes.get(band_id, sizes.get("*", size))
    style = PageStyle(paper=options.paper, body_size=size,
                      max_chars=document.max_chars if document else 70,
                      furniture=document.furniture if document else True)
    if document and document.leading:
        style = replace(style, leading=max(1.2, document.leading))
    if options.large_print:
        style = replace(style, body_size=max(18.0, size), leading=1.5, large_print=True)
    if options.dyslexia_friendly:
        style = replace(style, leading=max(style.leading, 1.5), dyslexia_friendly=True)
    return style


def _select(library: Library, options: BuildOptions) -> list[tuple[str, str]]:
    unknown = [f"unknown lesson '{i}'; known: {', '.join(sorted(library.lessons))}"
               for i in options.lesson_ids if i not in library.lessons]
    unknown += [f"unknown band '{i}'; known: {', '.join(library.band_ids())}"
                for i in options.band_ids if i not in library.band_ids()]
    unknown += [f"unknown scenario '{i}'; known: {', '.join(sorted(library.scenarios))}"
                for i in options.scenario_ids if i not in library.scenarios]
    if unknown:
        raise LessonpackError("\n".join(unknown))
    pairs = []
    for lesson_id in sorted(library.lessons):
        if options.lesson_ids and lesson_id not in options.lesson_ids:
            continue
        lesson = library.lessons[lesson_id]
        for band_id in library.band_ids():
            plan = lesson.bands.get(band_id)
            if plan is None or (options.band_ids and band_id not in options.band_ids):
                continue
            if options.scenario_ids and not set(plan.scenarios) & set(options.scenario_ids):
                continue
            pairs.append((lesson_id, band_id))
    if not pairs:
        raise LessonpackError("nothing to build: no lesson and band match the options given")
    return pairs


def _pack_folder(options: BuildOptions, lesson_id: str, band_id: str) -> str:
    session = options.session
    if session.given:  # class alone included: never the generic pack
        from .naming import session_folder

        return f"{session_folder(session)}/{lesson_id}/{band_id}"
    return f"{lesson_id}/{band_id}"
