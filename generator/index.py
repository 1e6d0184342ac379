"""output/index.html: every pack in the output folder on one page, for an officer to
open from a USB stick or a shared drive with no server and no network.

The page is a matrix per section (the generic packs, then one section per booking's
session folder): lessons down, bands across, each cell a first-page thumbnail and a link
to every document of the pack. Links are relative; thumbnails are PNG files beside the
page in output/_index/. What a cell shows (the lesson's title, the band's name, the
school) is kept in output/_index/packs.json, so the page can be written again without
loading the content. Every text is escaped (html.escape): a school's name is text, never
markup.

index.html, packs.json and the thumbnails are recorded in manifest.json under "index"
(name -> sha256), apart from the documents: they are lessonpack's own, replaced on every
build that writes documents, and never count as a pack's files. A file of that name that
lessonpack did not write is left alone.

Only the standard library is imported here; pypdfium2 (thumbnails) only when a build has
written a pack whose thumbnail is due.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from html import escape
from pathlib import Path
from typing import Callable, Iterable, Optional
from urllib.parse import quote

from .errors import Problem, display_path
from .output import file_sha256, sha256, write_atomic

INDEX = "index.html"
INDEX_DIR = "_index"
PACKS = f"{INDEX_DIR}/packs.json"
# The document whose first page stands for the pack, best first.
THUMBNAIL_FROM = ("worksheet", "lesson-plan")
# Pack order of the documents (as `lessonpack list` shows them); others after, by name.
DOCUMENT_ORDER = ("lesson-plan", "worksheet", "answer-key", "discussion-guide", "slides",
                  "cards", "parent-letter", "school-briefing", "evaluation-record",
                  "feedback-form", "certificate", "email-to-school")
THUMBNAIL_WIDTH = 180  # pixels


@dataclass(frozen=True)
class PackInfo:
    """What the index says about one pack folder."""

    folder: str  # "online-blackmail/ks3" or "2027-01-12-hillside/online-blackmail/ks3"
    lesson: str
    lesson_title: str
    band: str
    band_name: str
    band_order: int = 0
    school: str = ""
    date: str = ""  # YYYY-MM-DD
    class_name: str = ""

    @property
    def section(self) -> str:
        """The session folder, or "" for the generic packs."""
        return self.folder.rsplit("/", 2)[0] if self.folder.count("/") >= 2 else ""

    def as_json(self) -> dict:
        return {k: getattr(self, k) for k in ("lesson", "lesson_title", "band", "band_name",
                                               "band_order", "school", "date", "class_name")}


@dataclass
class Pack:
    info: PackInfo
    documents: list[str] = field(default_factory=list)  # names relative to the output folder
    thumbnail: Optional[str] = None  # name relative to the output folder


def pack_infos(library, names: Iterable[str], session=None) -> dict[str, PackInfo]:
    """The PackInfo of each pack folder among document `names` (written or unchanged)."""
    order = {band.id: i for i, band in enumerate(library.bands)}
    names_of_bands = {band.id: band.name for band in library.bands}
    infos = {}
    for name in names:
        folder = name.rsplit("/", 1)[0]
        if folder in infos:
            continue
        lesson_id, band_id = folder.split("/")[-2:]
        lesson = library.lessons.get(lesson_id)
        infos[folder] = PackInfo(
            folder, lesson_id, lesson.title if lesson else lesson_id, band_id,
            names_of_bands.get(band_id, band_id), order.get(band_id, 99),
            school=(session.school or "") if session else "",
            date=session.date.isoformat() if session and session.date else "",
            class_name=(session.class_name or "") if session else "")
    return infos


def _read_packs(root: Path) -> dict[str, PackInfo]:
    try:
        data = json.loads((root / PACKS).read_text(encoding="utf-8"))
        return {folder: PackInfo(folder, **values) for folder, values in data.items()}
    except (OSError, ValueError, TypeError):
        return {}


def thumbnail_name(folder: str) -> str:
    return f"{INDEX_DIR}/{folder.replace('/', '--')}.png"


def _documents_by_folder(names: Iterable[str]) -> dict[str, list[str]]:
    folders: dict[str, list[str]] = {}
    for name in names:
        if "/" in name:
            folders.setdefault(name.rsplit("/", 1)[0], []).append(name)
    for documents in folders.values():
        documents.sort(key=_document_key)
    return folders


def _document_key(name: str) -> tuple:
    file = name.rsplit("/", 1)[-1]
    stem = next((s for s in DOCUMENT_ORDER if file.startswith(s)), None)
    rank = DOCUMENT_ORDER.index(stem) if stem else len(DOCUMENT_ORDER)
    return (rank, not file.endswith(".pdf"), file)  # a PDF before its Word twin


def collect_packs(root: Path, document_names: Iterable[str]) -> list[Pack]:
    """Every pack with documents on disk, from packs.json and the manifest's names."""
    infos = _read_packs(root)
    packs = []
    for folder, documents in _documents_by_folder(document_names).items():
        present = [d for d in documents if (root / d).is_file()]
        if not present or folder not in infos:
            continue
        thumb = thumbnail_name(folder)
        packs.append(Pack(infos[folder], present, thumb if (root / thumb).is_file() else None))
    return packs


# --- thumbnails ---------------------------------------------------------------------------

def thumbnail_source(documents: list[str]) -> Optional[str]:
    """The PDF whose first page stands for the pack: the worksheet, else the plan."""
    for stem in THUMBNAIL_FROM:
        for name in sorted(documents, key=len):
            file = name.rsplit("/", 1)[-1]
            if file.startswith(stem) and file.endswith(".pdf"):
                return name
    return next((n for n in documents if n.endswith(".pdf")), None)


def render_page_png(pdf: bytes | Path, index: int = 0, width: int = THUMBNAIL_WIDTH,
                    optimize: bool = True) -> bytes:
    """One page of a PDF as PNG bytes, `width` pixels wide (pypdfium2, imported here);
    `optimize` makes the file smaller and takes longer."""
    import io

    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(pdf if isinstance(pdf, bytes) else str(pdf))
    try:
        page = document[index]
        scale = width / page.get_width()
        image = page.render(scale=scale).to_pil()
        buffer = io.BytesIO()
        image.save(buffer, format="PNG", optimize=optimize)
        page.close()
        return buffer.getvalue()
    finally:
        document.close()


# --- the page -----------------------------------------------------------------------------

STYLE = """
body{font-family:system-ui,-apple-system,"Segoe UI",Arial,sans-serif;margin:1.5rem;color:#1b1b1b;
background:#fafafa;line-height:1.4}
h1{font-size:1.6rem;margin:.2rem 0 1rem}h2{font-size:1.25rem;margin:2rem 0 .5rem}
table.matrix{border-collapse:collapse;background:#fff}
.matrix th,.matrix td{border:1px solid #ccc;padding:.5rem;vertical-align:top;text-align:left}
.matrix thead th{background:#eef1f5}
.matrix td img{display:block;width:180px;border:1px solid #999;margin-bottom:.3rem;background:#fff}
.matrix ul{margin:0;padding-left:1.1rem;font-size:.9rem}
.empty{color:#888}
.problems{background:#fff4f4;border:1px solid #d33;padding:.6rem 1rem;white-space:pre-wrap;
font-family:ui-monospace,Consolas,monospace;font-size:.9rem}
.warnings{background:#fffbe6;border-color:#c90}
.ok{background:#eefaf0;border:1px solid #3a3;padding:.5rem 1rem}
.pages{display:flex;flex-wrap:wrap;gap:1rem;align-items:flex-start}
.pages figure{margin:0;width:min(100%,440px)}
.pages img{display:block;width:100%;height:auto;border:1px solid #999;background:#fff;
box-shadow:0 1px 3px #0003}
.pages pre{white-space:pre-wrap;font-size:.8rem}
.doc{margin:1.5rem 0}
ul.inline{list-style:none;padding:0;display:flex;flex-wrap:wrap;gap:.3rem 1.4rem}
"""


def href(name: str, prefix: str = "") -> str:
    """A relative URL for an output file's name: each part quoted, then escaped."""
    return escape(prefix + quote(name, safe="/"), quote=True)


def section_heading(info: PackInfo) -> str:
    parts = [info.school or "no school named", info.class_name, info.date]
    return " · ".join(p for p in parts if p)


def matrix_html(packs: list[Pack], pack_link: Optional[Callable[[Pack], str]] = None,
                prefix: str = "") -> str:
    """The matrices, one per section: a table of lessons (rows) and bands (columns).
    `pack_link`, if given, makes each cell's heading a link (the preview's pack page);
    `prefix` goes before every file link."""
    if not packs:
        return '<p class="empty">No packs yet.</p>'
    sections: dict[str, list[Pack]] = {}
    for pack in sorted(packs, key=lambda p: (p.info.section != "", p.info.date, p.info.section)):
        sections.setdefault(pack.info.section, []).append(pack)
    out = []
    for section, members in sections.items():
        heading = "Packs" if not section else section_heading(members[0].info)
        out.append(f'<section><h2 id="{escape(section or "packs", quote=True)}">'
                   f"{escape(heading)}</h2>")
        bands = sorted({(p.info.band_order, p.info.band, p.info.band_name) for p in members})
        lessons = sorted({(p.info.lesson_title, p.info.lesson) for p in members})
        cells = {(p.info.lesson, p.info.band): p for p in members}
        out.append('<table class="matrix"><thead><tr><th scope="col">Lesson</th>')
        out += [f'<th scope="col">{escape(name)} ({escape(band)})</th>' for _, band, name in bands]
        out.append("</tr></thead><tbody>")
        for title, lesson in lessons:
            out.append(f'<tr><th scope="row">{escape(title)}</th>')
            for _, band, name in bands:
                pack = cells.get((lesson, band))
                out.append(_cell(pack, pack_link, prefix) if pack else
                           '<td class="empty">no pack</td>')
            out.append("</tr>")
        out.append("</tbody></table></section>")
    return "\n".join(out)


def _cell(pack: Pack, pack_link, prefix: str) -> str:
    info = pack.info
    label = f"{info.lesson_title}, {info.band_name}"
    first = thumbnail_source(pack.documents) or pack.documents[0]
    target = pack_link(pack) if pack_link else href(first, prefix)
    parts = ["<td>"]
    if pack.thumbnail:
        parts.append(f'<a href="{target}"><img src="{href(pack.thumbnail, prefix)}" '
                     f'alt="First page of {escape(label, quote=True)}" '
                     f'width="{THUMBNAIL_WIDTH}"></a>')
    if pack_link:
        parts.append(f'<a href="{target}">Open the pack</a>')
    parts.append("<ul>")
    parts += [f'<li><a href="{href(name, prefix)}">{escape(name.rsplit("/", 1)[-1])}</a></li>'
              for name in pack.documents]
    parts.append("</ul></td>")
    return "".join(parts)


def problems_html(problems: Iterable[Problem | str], css: str = "problems") -> str:
    lines = [str(p) for p in problems]
    if not lines:
        return ""
    return f'<div class="{css}" role="alert">{escape(chr(10).join(lines))}</div>'


def page(title: str, body: str, head: str = "") -> str:
    return ("<!DOCTYPE html>\n<html lang=\"en-GB\"><head><meta charset=\"utf-8\">"
            f"<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">"
            f"<title>{escape(title)}</title><style>{STYLE}</style>{head}</head>"
            f"<body>{body}</body></html>\n")


def index_page(packs: list[Pack], warnings: Iterable[Problem] = ()) -> str:
    count = len(packs)
    body = (f"<h1>Session packs</h1><p>{count} pack{'s' if count != 1 else ''}. Each cell "
            "links to every document of its pack; the picture is its first page.</p>"
            + problems_html(warnings, "problems warnings") + matrix_html(packs))
    return page("Session packs", body)


# --- writing it ---------------------------------------------------------------------------

def _write_own(root: Path, manifest, name: str, data: bytes) -> bool:
    """Write one of the index's files unless a file there is not lessonpack's; record it.
    True if it was written (or already held these bytes)."""
    path = root / name
    recorded = manifest.index.get(name)
    if path.exists() and (recorded is None or file_sha256(path) != recorded):
        return False  # someone else's file (or edited since): left alone
    digest = sha256(data)
    if recorded != digest or not path.exists():
        write_atomic(path, data)
    manifest.index[name] = digest
    return True


def _thumbnail(pdf: Path) -> Optional[bytes]:
    try:
        return render_page_png(pdf, optimize=False)  # optimize: 3 times as long
    except Exception:  # pdfium cannot read it: the cell goes without a picture
        return None


def _thumbnails(pdfs: list[Path], jobs: int) -> list[Optional[bytes]]:
    """The first page of each PDF as a thumbnail; a batch's many at once in `jobs`
    forked processes (0: one per core)."""
    from functools import partial

    from .pool import Pool, worker_count

    if len(pdfs) < 4:
        return [_thumbnail(pdf) for pdf in pdfs]
    import PIL.PngImagePlugin  # noqa: F401  imported once, before the fork
    import pypdfium2  # noqa: F401

    with Pool([partial(_thumbnail, pdf) for pdf in pdfs], worker_count(jobs)) as pool:
        return list(pool.results())


def update_index(root: Path, manifest, infos: dict[str, PackInfo], fresh: Iterable[str],
                 warnings: Iterable[Problem] = (), jobs: int = 0) -> Optional[Problem]:
    """Write index.html (and packs.json, and a thumbnail for each pack folder in `fresh`,
    whose documents this build wrote, or among `infos` without one yet) from the manifest's documents; record them in the
    manifest (the caller writes it). Returns a warning when a file of the index's is
    someone else's and was left alone. `jobs`: processes making thumbnails at once."""
    packs_data = {folder: info.as_json() for folder, info in _read_packs(root).items()}
    packs_data.update({folder: info.as_json() for folder, info in infos.items()})
    skipped = []
    data = json.dumps(dict(sorted(packs_data.items())), indent=1, ensure_ascii=False)
    if not _write_own(root, manifest, PACKS, data.encode("utf-8")):
        skipped.append(PACKS)
    by_folder = _documents_by_folder(manifest.entries)
    due = []  # (thumbnail, the PDF it shows)
    missing = {folder for folder in infos if not (root / thumbnail_name(folder)).exists()}
    for folder in sorted(set(fresh) | missing):
        source = thumbnail_source([d for d in by_folder.get(folder, []) if (root / d).is_file()])
        if source:
            due.append((thumbnail_name(folder), root / source))
    for (thumb, _), png in zip(due, _thumbnails([source for _, source in due], jobs)):
        if png is not None and not _write_own(root, manifest, thumb, png):
            skipped.append(thumb)
    html = index_page(collect_packs(root, manifest.entries), warnings)

    if not _write_own(root, manifest, INDEX, html.encode("utf-8")):
        skipped.append(INDEX)
    if skipped:
        return Problem(display_path(root / skipped[-1]), 0, "not written by lessonpack, so "
                       "left as it is; move it away to get the index page of every pack",
                       warning=True)
    return None


def index_missing(root: Path, manifest) -> bool:
    """True when the index page is gone (or was never written) and can be written again."""
    return not (root / INDEX).exists() and (root / PACKS).exists()
