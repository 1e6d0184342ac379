"""The build as a plain function: load → validate → view → render → write.

Everything is rendered in memory before anything is written, so a failure in any
document leaves the previous pack untouched; each file then replaces its old copy
atomically, and the manifest is written last.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Optional

from . import __version__
from .content.loader import load_library
from .errors import ContentError, LessonpackError, Problem
from .model import Library, Profile, Session
from .output import Entry, Manifest, check_output_dir, check_overwrites, sha256, write_atomic
from .profile import load_profile
from .render import DocMeta, PageStyle
from .templating import render_markup
from .validate import validate
from .view import BandView, band_view


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
    session: Session = field(default_factory=Session)
    paper: str = "a4"
    large_print: bool = False
    dyslexia_friendly: bool = False
    strict: bool = False
    force: bool = False
    today: dt.date = field(default_factory=dt.date.today)


@dataclass
class BuildResult:
    written: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    entries: dict[str, Entry] = field(default_factory=dict)  # manifest entries of `written`


def load_checked(lessons_dir: Path, today: dt.date, strict: bool) -> tuple[Library, list[Problem]]:
    """The library, or ContentError listing every problem. Returns the warnings."""
    library, problems = load_library(lessons_dir)
    problems += validate(library, today)
    errors = [p for p in problems if not p.warning or strict]
    if errors:
        raise ContentError(problems if strict else errors)
    return library, problems


def build(options: BuildOptions) -> BuildResult:
    library, warnings = load_checked(options.lessons_dir, options.today, options.strict)
    profile = load_profile(options.profile_path, options.lessons_dir)
    check_output_dir(options.output_dir)
    manifest = Manifest.read(options.output_dir, f"lessonpack {__version__}")
    result = build_packs(options, library, profile, manifest)
    result.warnings = warnings
    manifest.entries.update(result.entries)
    if result.written or not (options.output_dir / "manifest.json").exists():
        write_atomic(options.output_dir / "manifest.json", manifest.as_bytes())
    return result


def build_packs(options: BuildOptions, library: Library, profile: Profile,
                manifest: Manifest) -> BuildResult:
    """Render the selected packs' out-of-date documents and write them. The manifest is
    only read: the caller records result.entries and writes it, so a batch building packs
    in parallel writes it once."""
    pairs = _select(library, options)
    digests = _InputDigests(options, library)
    variant = variant_suffix(options)
    jobs = []  # (output name, inputs, digest, lesson id, band id, document)
    for lesson_id, band_id in pairs:
        folder = _pack_folder(options, lesson_id, band_id)
        inputs = digests.inputs_for(lesson_id, band_id)
        digest = digests.digest(inputs)
        for document in DOCUMENTS:
            name = f"{folder}/{document.stem}{variant}.{document.format}"
            jobs.append((name, inputs, digest, lesson_id, band_id, document))

    result = BuildResult()
    todo = [job for job in jobs if not manifest.is_current(job[0], job[2])]
    result.unchanged = [job[0] for job in jobs if job not in todo]
    check_overwrites(manifest, [job[0] for job in todo], options.force)

    rendered: dict[str, bytes] = {}
    views: dict[tuple[str, str], BandView] = {}
    markup: dict[tuple[str, str, str], ET.Element] = {}  # a PDF and its Word twin share it
    for name, _, _, lesson_id, band_id, document in todo:
        key = (lesson_id, band_id)
        if key not in views:
            views[key] = band_view(library, lesson_id, band_id, profile, options.session)
        if key + (document.template,) not in markup:
            markup[key + (document.template,)] = render_markup(
                options.templates, document.template, v=views[key], answers=False)
        rendered[name] = render_document(markup[key + (document.template,)], views[key],
                                         document, options)

    for name, inputs, digest, *_ in todo:
        write_atomic(options.output_dir / name, rendered[name])
        result.entries[name] = Entry(sha256(rendered[name]), inputs, digest)
        result.written.append(name)
    return result


def variant_suffix(options: BuildOptions) -> str:
    """'-letter-large-print' and so on: each print variant gets its own file names."""
    parts = ["letter"] if options.paper == "letter" else []
    parts += ["large-print"] if options.large_print else []
    parts += ["dyslexia-friendly"] if options.dyslexia_friendly else []
    return "".join(f"-{p}" for p in parts)


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
    )
    page = page_style(view.band.id, options)
    if document.format == "docx":
        from .render.docx import render_docx  # imported only when a Word file is rendered

        return render_docx(root, meta, page, _find_template_file(options.templates, "reference.docx"))
    from .render.pdf import render_pdf

    return render_pdf(root, meta, page)


def page_style(band_id: str, options: BuildOptions) -> PageStyle:
    style = PageStyle(paper=options.paper, body_size=14.0 if band_id == "ks2" else 12.0)
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


class _InputDigests:
    """Which files each pack is made from, and one hash over them and the options, so
    an unchanged document can be recognised and skipped."""

    def __init__(self, options: BuildOptions, library: Library):
        self.options = options
        self.library = library
        self._hashes: dict[str, str] = {}  # input label -> sha256 of its bytes
        shared = [options.lessons_dir / name for name in
                  ("bands.yaml", "contacts.yaml", "language.yaml", "safeguarding.yaml")]
        if options.profile_path:
            shared.append(options.profile_path)
        elif (options.lessons_dir / "profile.yaml").exists():
            shared.append(options.lessons_dir / "profile.yaml")
        templates = sorted({p for folder in options.templates for p in folder.rglob("*")
                            if p.is_file()})
        self.shared = tuple(shared) + tuple(templates)
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
        roots += [(folder, "templates") for folder in self.options.templates]
        label = f"profile/{path.name}"
        for root, name in roots:
            if path.is_relative_to(root):
                label = f"{name}/{path.relative_to(root).as_posix()}"
                break
        if label not in self._hashes:
            self._hashes[label] = sha256(path.read_bytes())
        return label
