"""The build as a plain function: load → validate → view → render → write.

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
import hashlib
import json
import os
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Optional

from . import __version__
from .background import Background, can_fork, cpu_count, ignore_interrupts
from .errors import ContentError, LessonpackError, Problem
from .output import (MANIFEST, BuildRecord, Entry, Manifest, check_output_dir, check_overwrites,
                     file_sha256, sha256, write_atomic, write_documents)
from .render import DocMeta, PageStyle  # plain dataclasses: cheap to import

if TYPE_CHECKING:  # the heavy modules are imported only when a build has work to do
    import xml.etree.ElementTree as ET

    from .model import Library, Profile
    from .session import Session
    from .view import BandView


@dataclass(frozen=True)
class Document:
    """One kind of document in every pack."""

    stem: str  # e.g. "worksheet"; the file is "<stem><variant>.<format>"
    format: str  # "pdf" or "docx"
    template: str
    title: str  # e.g. "worksheet", for the document title


DOCUMENTS = (
    Document("lesson-plan", "pdf", "lesson-plan.xml.j2", "lesson plan"),
    Document("lesson-plan", "docx", "lesson-plan.xml.j2", "lesson plan"),  # accessible twin
    Document("worksheet", "pdf", "worksheet.xml.j2", "worksheet"),
    Document("worksheet", "docx", "worksheet.xml.j2", "worksheet"),  # accessible twin
    Document("answer-key", "pdf", "answer-key.xml.j2", "answer key"),
    Document("discussion-guide", "docx", "discussion-guide.xml.j2", "discussion guide"),
)


@dataclass(frozen=True)
class BuildOptions:
    lessons_dir: Path
    output_dir: Path
    templates: tuple[Path, ...]  # user template folders first, built-in last
    lesson_ids: tuple[str, ...] = ()
    band_ids: tuple[str, ...] = ()
    scenario_ids: tuple[str, ...] = ()
    profile_path: Optional[Path] = None
    session: Optional[Session] = None  # school, date and class; None for an unnamed pack
    paper: str = "a4"
    large_print: bool = False
    dyslexia_friendly: bool = False
    strict: bool = False
    force: bool = False
    today: dt.date = field(default_factory=dt.date.today)
    jobs: int = 0  # processes rendering documents at once; 0: one per CPU core


@dataclass
class BuildResult:
    written: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    entries: dict[str, Entry] = field(default_factory=dict)  # manifest entries of `written`
    rendered: list[tuple[str, bytes, Entry]] = field(default_factory=list)  # if not written


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
    check_output_dir(options.output_dir)
    manifest = Manifest.read(options.output_dir, f"lessonpack {__version__}")
    key, inputs_digest = build_fingerprint(options)
    record = manifest.unchanged_build(key, inputs_digest)
    if record is not None:  # nothing to do, and nothing heavy imported to find that out
        return BuildResult(unchanged=list(record.files), warnings=list(record.warnings))

    from .profile import load_profile
    from .validate import check_text

    library, warnings = load_structure(options.lessons_dir, options.today, options.strict)
    profile = load_profile(options.profile_path, options.lessons_dir)
    result = BuildResult(warnings=warnings)
    # The words are checked on another core while this one prepares the render jobs.
    words_checked = Background(partial(check_text, library),
                               fork=worker_count(options.jobs) > 1 and can_fork())

    def check_words() -> None:  # runs while worker processes render; nothing is written before
        result.warnings = raise_errors(warnings + words_checked.result(), options.strict)

    try:
        build_packs(options, library, profile, manifest, jobs=options.jobs, result=result,
                    meanwhile=check_words)
    except BaseException:  # a failure or Ctrl-C while writing: record what was written
        if result.entries:
            manifest.entries.update(result.entries)
            write_atomic(options.output_dir / MANIFEST, manifest.as_bytes())
        raise
    finally:
        words_checked.cancel()
    warnings = result.warnings = result.warnings + session_warnings(options.session)
    manifest.entries.update(result.entries)
    files = {name: manifest.entries[name].sha256 for name in result.written + result.unchanged}
    extra = {profile.logo: file_sha256(profile.logo)} if profile.logo else {}
    record = BuildRecord(inputs_digest, files, tuple(warnings), extra)
    if result.written or manifest.builds.get(key) != record:
        manifest.builds[key] = record
        write_atomic(options.output_dir / MANIFEST, manifest.as_bytes())
    return result


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
    pairs = _select(library, options)
    digests = _InputDigests(options, library, profile)
    variant = variant_suffix(options)
    todo = []  # (output name, inputs, digest, lesson id, band id, document)
    kept = []  # (output name, band id, document) of the unchanged documents
    for lesson_id, band_id in pairs:
        folder = _pack_folder(options, lesson_id, band_id)
        inputs = digests.inputs_for(lesson_id, band_id)
        digest = digests.digest(inputs)
        for document in DOCUMENTS:
            name = f"{folder}/{document.stem}{variant}.{document.format}"
            if manifest.is_current(name, digest):
                result.unchanged.append(name)
                kept.append((name, band_id, document))
            else:
                todo.append((name, inputs, digest, lesson_id, band_id, document))
    check_overwrites(manifest, [job[0] for job in todo], options.force)

    from .templating import preload
    from .view import band_view

    preload(options.templates, [name for name in effective_templates(options.templates)
                                if name.endswith(".xml.j2")])
    # One render job per pack and template: its markup is made once, in the worker, and
    # feeds both the PDF and its Word twin. Jobs with two documents go first, so the
    # last job to finish is a short one and no worker sits idle at the end.
    views: dict[tuple[str, str], BandView] = {}
    groups: dict[tuple[str, str, str], list[int]] = {}
    for index, (_, _, _, lesson_id, band_id, document) in enumerate(todo):
        if (lesson_id, band_id) not in views:
            views[(lesson_id, band_id)] = band_view(library, lesson_id, band_id, profile,
                                                   options.session)
        groups.setdefault((lesson_id, band_id, document.template), []).append(index)
    order = sorted(groups, key=lambda key: -len(groups[key]))
    renders = [partial(render_group, views[key[:2]], key[2], [todo[i][5] for i in groups[key]],
                       options) for key in order]
    rendered: list[bytes] = [b""] * len(todo)
    for key, documents in zip(order, render_all(renders, jobs, meanwhile)):
        for index, data in zip(groups[key], documents):
            rendered[index] = data

    from .budgets import over_budget

    pages = [(name, document.stem, band_id, data)  # unchanged PDFs are counted too
             for (name, _, _, _, band_id, document), data in zip(todo, rendered)]
    pages += [(name, document.stem, band_id, (options.output_dir / name).read_bytes())
              for name, band_id, document in kept if document.format == "pdf"]
    result.warnings += over_budget(pages, large_print=options.large_print,
                                   dyslexia_friendly=options.dyslexia_friendly,
                                   strict=options.strict)
    documents = [(name, data, Entry(sha256(data), inputs, digest))
                 for (name, inputs, digest, *_), data in zip(todo, rendered)]
    if not write:
        result.rendered = documents
        return result
    write_documents(options.output_dir, documents, result.entries)
    result.written += [job[0] for job in todo]
    return result


def session_warnings(session: Optional[Session]) -> list[Problem]:
    """A warning for a school or class name the PDFs cannot print whole (--strict is
    about the content, so these never fail a build)."""
    from .fonts import cannot_print

    fields = (("--school", session.school), ("--class", session.class_name)) if session else ()
    return [Problem(option, 0, message, warning=True)
            for option, text in fields if text and (message := cannot_print(text))]


def build_fingerprint(options: BuildOptions) -> tuple[str, str]:
    """(options key, inputs digest): a hash of the options a build was asked for, and one
    over every file it could read. Equal to a recorded pair means equal output."""
    session = options.session
    chosen = {
        "version": __version__,
        "cwd": os.getcwd(),  # warnings name files relative to it
        "lessons": str(options.lessons_dir), "templates": [str(t) for t in options.templates],
        "profile": str(options.profile_path), "lesson_ids": list(options.lesson_ids),
        "band_ids": list(options.band_ids), "scenario_ids": list(options.scenario_ids),
        "session": [str(getattr(session, name, None))
                    for name in ("school", "date", "class_name")],
        "paper": options.paper, "large_print": options.large_print,
        "dyslexia_friendly": options.dyslexia_friendly, "strict": options.strict,
        "today": options.today.isoformat(),  # contacts' ages are checked against it
    }
    key = sha256(json.dumps(chosen, sort_keys=True).encode())
    digest = hashlib.sha256()
    folders = (options.lessons_dir, *options.templates)
    files = [options.profile_path] if options.profile_path else []
    for folder in folders:
        for parent, dirs, names in os.walk(folder):
            dirs.sort()
            files += [os.path.join(parent, name) for name in sorted(names)]
    for path in files:
        digest.update(f"{path}\0{file_sha256(path)}\0".encode())
    return key, digest.hexdigest()


# What forked workers render: inherited with the parent's memory, never pickled.
_pending: list[Callable[[], list[bytes]]] = []


def render_all(renders: list[Callable[[], list[bytes]]], jobs: int = 1,
               meanwhile: Callable[[], None] = lambda: None) -> list[list[bytes]]:
    """Each render's bytes, in order: in this process, or in `jobs` forked ones while
    this one runs `meanwhile` (which, if it raises, stops them)."""
    import multiprocessing

    jobs = min(worker_count(jobs), len(renders))
    if jobs <= 1 or not can_fork():
        meanwhile()
        return [render() for render in renders]
    global _pending
    from .render import docx, pdf  # noqa: F401  imported once, before the fork

    pdf.prepare()  # fonts registered once, shared by every worker
    _pending = renders
    try:
        with multiprocessing.get_context("fork").Pool(jobs, ignore_interrupts) as pool:
            pending = pool.map_async(_render_pending, range(len(renders)), chunksize=1)
            meanwhile()
            return pending.get()
    finally:
        _pending = []


def _render_pending(index: int) -> list[bytes]:
    return _pending[index]()


def worker_count(jobs: int) -> int:
    """Processes to render in: `jobs`, or one per core for 0."""
    return jobs or cpu_count()


def variant_suffix(options: BuildOptions) -> str:
    """'-letter-large-print' and so on: each print variant gets its own file names."""
    parts = ["letter"] if options.paper == "letter" else []
    parts += ["large-print"] if options.large_print else []
    parts += ["dyslexia-friendly"] if options.dyslexia_friendly else []
    return "".join(f"-{p}" for p in parts)


def render_group(view: BandView, template: str, documents: list[Document],
                 options: BuildOptions) -> list[bytes]:
    """The documents one template makes for one pack (a PDF and its Word twin)."""
    from .templating import render_markup

    root = render_markup(options.templates, template, v=view, answers=False)
    return [render_document(root, view, document, options) for document in documents]


def render_document(root: ET.Element, view: BandView, document: Document,
                    options: BuildOptions) -> bytes:
    meta = DocMeta(
        title=f"{view.plan.title}: {document.title}",
        subject=f"{view.lesson.title}: online safety lesson for {view.band.name} "
                f"(ages {view.band.ages})",
        author=view.profile.force_name,
        header_left=view.lesson.title,
        header_right=f"{view.band.name} · ages {view.band.ages}",
        footer=view.footer,
        logo=Path(view.profile.logo) if view.profile.logo else None,
    )
    page = page_style(view.band.id, options)
    if document.format == "docx":
        from .render.docx import render_docx  # imported only when a Word file is rendered

        return render_docx(root, meta, page, _find_template_file(options.templates, "reference.docx"))
    from .render.pdf import render_pdf

    return render_pdf(root, meta, page)


def page_style(band_id: str, options: BuildOptions) -> PageStyle:
    # 12 pt for every band: a ks2 or ks3 worksheet fits one sheet, both sides.
    style = PageStyle(paper=options.paper, body_size=12.0)
    if options.large_print:
        style = replace(style, body_size=18.0, leading=1.5, large_print=True)
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
    if session.school or session.date:
        from .naming import session_folder

        return f"{session_folder(session)}/{lesson_id}/{band_id}"
    return f"{lesson_id}/{band_id}"


def _find_template_file(search_path: tuple[Path, ...], name: str) -> Path:
    for folder in search_path:
        if (folder / name).is_file():
            return folder / name
    return search_path[-1] / name  # the renderer reports it missing


def effective_templates(search_path: tuple[Path, ...]) -> dict[str, Path]:
    """Each template file name with the file that wins for it (the first folder that has it)."""
    found: dict[str, Path] = {}
    for folder in search_path:
        for path in sorted(folder.rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                found.setdefault(path.relative_to(folder).as_posix(), path)
    return dict(sorted(found.items()))


class _InputDigests:
    """Which files each pack is made from, and one hash over them and the options, so
    an unchanged document can be recognised and skipped."""

    def __init__(self, options: BuildOptions, library: Library, profile: Profile):
        self.options = options
        self.library = library
        self._hashes: dict[str, str] = {}  # input label -> sha256 of its bytes
        shared = [options.lessons_dir / name for name in
                  ("bands.yaml", "contacts.yaml", "language.yaml", "safeguarding.yaml")]
        if options.profile_path:
            shared.append(options.profile_path)
        elif (options.lessons_dir / "profile.yaml").exists():
            shared.append(options.lessons_dir / "profile.yaml")
        if profile.logo:
            shared.append(Path(profile.logo))
        self.shared = tuple(shared) + tuple(effective_templates(options.templates).values())
        opts = {k: str(v) for k, v in vars(options).items()
                if k in ("paper", "large_print", "dyslexia_friendly", "session")}
        self.options_key = json.dumps(opts, sort_keys=True) + __version__

    def inputs_for(self, lesson_id: str, band_id: str) -> tuple[str, ...]:
        """The pack's input files, named relative to their folder ("lessons/specs/x.yaml")."""
        lib, lessons = self.library, self.options.lessons_dir
        plan = lib.lessons[lesson_id].bands[band_id]
        files = [lessons / "specs" / f"{lesson_id}.yaml"]
        files += [lessons / "scenarios" / f"{s}.yaml" for s in plan.scenarios]
        files += [lessons / "advice" / f"{a}.yaml" for a in lib.lessons[lesson_id].advice]
        return tuple(self._label(p) for p in (*files, *self.shared))

    def digest(self, inputs: tuple[str, ...]) -> str:
        h = hashlib.sha256(self.options_key.encode())
        for label in inputs:
            h.update(label.encode() + b"\0" + self._hashes[label].encode())
        return h.hexdigest()

    def _label(self, path: Path) -> str:
        roots = [(self.options.lessons_dir, "lessons")]
        roots += [(folder, "templates") for folder in self.options.templates
                  if path.is_relative_to(folder)][:1]
        label = f"profile/{path.name}"
        for root, name in roots:
            if path.is_relative_to(root):
                label = f"{name}/{path.relative_to(root).as_posix()}"
                break
        if label not in self._hashes:
            self._hashes[label] = sha256(path.read_bytes())
        return label
