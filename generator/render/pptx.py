"""Slides renderer: one deck in block markup -> the bytes of a 16:9 .pptx.

Every deck starts from a *reference deck* (templates/reference.pptx, made by
scripts/make_reference_pptx.py), as pandoc's --reference-doc does for PowerPoint: its
slide master, background and layouts are kept, and each slide is made from the layout
the markup names ("Title Slide", "Section Header", "Title and Content"). A force can
brand the reference in PowerPoint without touching code.

python-pptx cannot measure text, and a deck is shown in whatever fonts the presenting
PC has, so the text is set in Arial at fixed sizes (titles 40 pt, never below 36; body
24 pt, 28 for Key Stage 2) and measured against its box from Arial's metrics
(generator.render.metrics) before it is written. Text that does not fit is never
shrunk: the slide is split, and the next part is titled "… (continued)". Line
spacing, paragraph spacing and the box insets are written explicitly, so the
measured height is the height shown.

Each slide's speaker notes carry the facilitator's script for it. The title is the
first shape of every slide, so a screen reader reads title, then body. Output is
deterministic: fixed core properties and zip timestamps, sorted entries.
"""

from __future__ import annotations

import functools
import io
import re
import zipfile
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from pathlib import Path

from generator.errors import MarkupError, ReferenceDocError, TemplateError, display_path
from generator.render import Assets, DocMeta, PageStyle
from generator.render import markup as m
from generator.render import metrics

BUNDLED_REFERENCE = Path(__file__).resolve().parents[2] / "templates" / "reference.pptx"
LAYOUTS = m.SLIDE_LAYOUTS  # picked by name from the reference deck

FIXED_DATE = datetime(2000, 1, 1, tzinfo=timezone.utc)
ZIP_DATE = (1980, 1, 1, 0, 0, 0)

FONT = "Arial"
TITLE_PT, MIN_TITLE_PT = 40.0, 36.0
BODY_PT = 24.0  # the markup may ask for more (Key Stage 2: 28)
LARGE_PRINT_PT = 32.0
LINE = 1.15  # line spacing, as a multiple of the size (Arial's own is 1.149), exact points
# Space before each paragraph but a box's first, as a multiple of the size: list items
# closer together, so a ten-item tick list stays on one slide.
SPACE_BEFORE = {"": 0.4, "bullet": 0.25, "number": 0.25}
INDENT = {"bullet": 0.75, "number": 1.2}  # text indent of a list item, in em
INSET_X, INSET_Y = 91440, 45720  # box insets, EMU (PowerPoint's defaults: 0.1", 0.05")
SAFETY = 0.99  # measure against 99% of the width: rounding and renderer differences
EMU_PER_PT = 12700
A_NS = "http://schemas.openxmlformats.org/drawingml/2006/main"
P_NS = "http://schemas.openxmlformats.org/presentationml/2006/main"
_ILLEGAL_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
_MARKUP_SPACE = re.compile("[ \t\r\n]+")


# --- the deck as plain records -------------------------------------------------------


@dataclass(frozen=True)
class Para:
    runs: tuple[tuple[str, bool], ...]  # (text, bold); "\n" is a line break
    list: str = ""  # "", "bullet" or "number"
    number: int = 0  # its number in a numbered list


@dataclass
class SlideSpec:
    title: str
    layout: str
    body: list[Para]
    notes: list[Para]
    where: str = ""  # for error messages: the slide's title as the markup gave it
    size: float | None = None  # body text size in points


@dataclass(frozen=True)
class Box:
    width: float  # points, inside the insets
    height: float


# --- entry point ---------------------------------------------------------------------


def prepare(assets: Assets) -> None:
    """Read the reference deck and Arial's widths now, once, before workers are forked."""
    metrics.arial()
    _reference(assets.reference("reference.pptx"))


def render(nodes: m.Document, meta: DocMeta, page: PageStyle, assets: Assets, *,
           when: datetime = FIXED_DATE) -> bytes:
    """One deck (a <document> of <slide>s) as .pptx bytes, styled by reference.pptx."""
    specs = []
    for node in nodes.blocks:
        if not isinstance(node, m.Slide):
            raise m.unsupported(node, "slides", nodes.source)
        specs.append(_slide_spec(node))
    if not specs:
        raise MarkupError(f"{nodes.source}: a slides template must make at least one <slide>")
    ref = _reference(assets.reference("reference.pptx"))
    slides = layout_deck(specs, ref.boxes, page)
    return _write_deck(ref, slides, meta, when, assets.logo)


def body_size(spec_size: float | None, page: PageStyle) -> float:
    """The slide's text size: as the markup asks (24 pt at least), 32 for large print."""
    size = max(spec_size or BODY_PT, BODY_PT)
    return max(size, LARGE_PRINT_PT) if page.large_print else size


def layout_deck(specs: list[SlideSpec], boxes: dict[str, tuple[Box, Box | None]],
                page: PageStyle = PageStyle()) -> list[SlideSpec]:
    """The slides as shown: each split into parts that fit, with unique titles. A title
    too long for its box even at 36 pt is shortened there ("…") and given whole, in
    bold, as the first line of the slide."""
    out: list[SlideSpec] = []
    seen: set[str] = set()
    for spec in specs:
        if spec.layout not in boxes:
            known = ", ".join(f'"{n}"' for n in LAYOUTS)
            raise TemplateError(f'slide "{spec.where}": no layout "{spec.layout}" in the '
                                f"reference deck; use one of {known}")
        title_box, body_box = boxes[spec.layout]
        body = spec.body
        if not _title_fits(spec.title, title_box) and body_box is not None:
            body = [Para(((spec.title, True),)), *body]
        if body_box is None and body:
            raise TemplateError(f'slide "{spec.where}": layout "{spec.layout}" has no text box '
                                "for its body")
        size = body_size(spec.size, page)
        parts = split_body(body, body_box, size) if body_box else [[]]
        for n, part in enumerate(parts):
            suffix = "" if n == 0 else " (continued)" if n == 1 else f" (continued, part {n + 1})"
            title, k = fit_title(spec.title, suffix, title_box), 2
            while title in seen:  # two slides the markup titled alike
                title, k = fit_title(spec.title, f"{suffix} ({k})", title_box), k + 1
            seen.add(title)
            last = n == len(parts) - 1
            notes = spec.notes if last else [Para((
                ("This slide continues on the next one; the notes for it are there.", False),))]
            out.append(SlideSpec(title, spec.layout, part, notes, spec.where, size))
    return out


# --- measuring -------------------------------------------------------------------------


def line_height(size: float) -> float:
    return round(size * LINE, 1)


def para_lines(para: Para, width: float, size: float) -> list[list[tuple[str, bool]]]:
    indent = size * INDENT.get(para.list, 0.0)
    return metrics.wrap(list(para.runs), size, (width - indent) * SAFETY)


def space_before(para: Para, size: float, first: bool) -> float:
    return 0.0 if first else round(size * SPACE_BEFORE[para.list], 2)


def para_height(para: Para, lines: int, size: float, first: bool) -> float:
    return lines * line_height(size) + space_before(para, size, first)


def split_body(body: list[Para], box: Box, size: float) -> list[list[Para]]:
    """Paragraphs grouped into slides whose box they fit at `size`; a paragraph taller
    than a whole box is split between lines."""
    parts: list[list[Para]] = [[]]
    used = 0.0
    for para in body:
        lines = para_lines(para, box.width, size)
        height = para_height(para, len(lines), size, not parts[-1])
        if parts[-1] and used + height > box.height:
            parts.append([])
            used = 0.0
            height = para_height(para, len(lines), size, True)
        if height <= box.height:
            parts[-1].append(para)
            used += height
            continue
        per_box = max(1, int(box.height // line_height(size)))
        chunks = [lines[i:i + per_box] for i in range(0, len(lines), per_box)]
        for i, chunk in enumerate(chunks):
            if i:
                parts.append([])
            runs = _join_lines(chunk)
            parts[-1].append(replace(para, runs=runs, list=para.list if i == 0 else ""))
            used = para_height(para, len(chunk), size, True)
    return [p for p in parts if p] or [[]]


def _join_lines(lines: list[list[tuple[str, bool]]]) -> tuple[tuple[str, bool], ...]:
    runs: list[tuple[str, bool]] = []
    for line in lines:
        runs += line
    return tuple(runs)


def fits(paras: list[Para], box: Box, size: float) -> bool:
    """Whether `paras` fit in `box` at `size` (what the renderer guarantees)."""
    total = sum(para_height(p, len(para_lines(p, box.width, size)), size, i == 0)
                for i, p in enumerate(paras))
    return total <= box.height + 0.01


def title_size(title: str, box: Box) -> float:
    """40 pt, or 36 if it needs it to fit (fit_title makes sure one of them does)."""
    return TITLE_PT if fits([Para(((title, True),))], box, TITLE_PT) else MIN_TITLE_PT


def _title_fits(title: str, box: Box) -> bool:
    return fits([Para(((title, True),))], box, MIN_TITLE_PT)


def fit_title(base: str, suffix: str, box: Box) -> str:
    """`base` + `suffix`, or as much of `base` as fits before "…" and the suffix."""
    if _title_fits(base + suffix, box):
        return base + suffix
    words = base.split(" ")
    while len(words) > 1:
        words.pop()
        shown = " ".join(words).rstrip(" ,;:·-") + "…" + suffix
        if _title_fits(shown, box):
            return shown
    word = words[0]
    while word:  # one long word: cut it between letters
        word = word[:-1]
        if _title_fits(word + "…" + suffix, box):
            return word + "…" + suffix
    raise ReferenceDocError("the reference deck's title boxes are too small for a 36 pt "
                            "title; make them larger in its slide master")


# --- nodes to paragraphs --------------------------------------------------------------


def _slide_spec(node: m.Slide) -> SlideSpec:
    return SlideSpec(_clean(node.title), node.layout, _paras(node.blocks), _paras(node.notes),
                     node.title, node.body_size)


def _paras(blocks: tuple[m.Block, ...]) -> list[Para]:
    out: list[Para] = []
    for block in blocks:
        if isinstance(block, m.Paragraph):
            out.append(Para(_runs(block.content)))
        elif isinstance(block, m.ListBlock):
            kind = "number" if block.numbered else "bullet"
            out += [Para(_runs(item), kind, n) for n, item in enumerate(block.items, 1)]
    return out


def _runs(content: m.Inline) -> tuple[tuple[str, bool], ...]:
    """Inline content as (text, bold) runs, markup whitespace collapsed and trimmed."""
    runs: list[tuple[str, bool]] = []

    def add(text: str, bold: bool) -> None:
        if runs and runs[-1][1] == bold:
            runs[-1] = (runs[-1][0] + text, bold)
        else:
            runs.append((text, bold))

    def walk(items: m.Inline, bold: bool) -> None:
        for item in items:
            if isinstance(item, str):
                add(_MARKUP_SPACE.sub(" ", _clean(item)), bold)
            elif isinstance(item, m.Break):
                add("\n", bold)
            else:
                walk(item.content, True)

    walk(content, False)
    text = "".join(t for t, _ in runs)
    lead, end = len(text) - len(text.lstrip(" ")), len(text.rstrip(" "))
    out, pos = [], 0
    for t, b in runs:
        piece = t[max(lead - pos, 0):max(min(end - pos, len(t)), 0)]
        piece = re.sub(" *\n *", "\n", piece)
        if piece:
            out.append((piece, b))
        pos += len(t)
    return tuple(out)


def _clean(text: str) -> str:
    return _ILLEGAL_XML.sub("", text)


# --- the reference deck ----------------------------------------------------------------


@dataclass(frozen=True)
class _Layout:
    partname: str  # e.g. "/ppt/slideLayouts/slideLayout2.xml"
    title: Box
    body: Box | None
    title_ph: str  # the <p:ph> element a slide's title points at its layout with
    body_ph: str | None


@dataclass(frozen=True)
class _Reference:
    """The reference deck, read once: its package entries (every part but the slides,
    which it has none of), and what each layout offers."""

    entries: dict[str, bytes]  # zip entry name -> bytes, as written to every deck
    layouts: dict[str, _Layout]
    presentation: str  # zip entry name of the presentation part
    notes_master: str  # partname of the notes master
    content_types: bytes
    next_rid: int  # first free rId number in the presentation part's relationships
    slide_width: int  # EMU

    @property
    def boxes(self) -> dict[str, tuple[Box, Box | None]]:
        return {name: (lo.title, lo.body) for name, lo in self.layouts.items()}


def _reference(path: Path) -> _Reference:
    path = Path(path)
    try:
        stat = path.stat()
    except OSError:
        raise ReferenceDocError(
            f"{display_path(path)}: the reference slide deck was not found") from None
    return _load_reference(str(path), stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=4)
def _load_reference(path: str, _mtime_ns: int, _size: int) -> _Reference:
    """Read and check the reference deck once per process (per version of the file).
    Its parts are read straight from the package (python-pptx is only imported for a
    deck without a notes master or document properties, to add them)."""
    shown = display_path(path)
    data = Path(path).read_bytes()
    try:
        return _read_reference(data, shown)
    except _NeedsParts:
        return _read_reference(_add_missing_parts(data, shown), shown)


class _NeedsParts(Exception):
    """The deck lacks a notes master or core properties, which every deck needs."""


def _read_reference(data: bytes, shown: str) -> _Reference:
    from lxml import etree

    def bad(why: str) -> ReferenceDocError:
        return ReferenceDocError(f"{shown}: not a PowerPoint deck (.pptx); save it from "
                                 f"PowerPoint as 'PowerPoint Presentation' ({why})")

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            entries = {info.filename: package.read(info) for info in package.infolist()}
    except (zipfile.BadZipFile, OSError) as exc:
        raise bad(str(exc)) from None

    def xml(name: str):
        try:
            return etree.fromstring(entries[name])
        except KeyError:
            raise bad(f"it has no {name}") from None
        except etree.XMLSyntaxError as exc:
            raise bad(f"{name}: {exc}") from None

    def related(source: str, kind: str) -> list[str]:
        """Entry names of the parts `source` relates to with relationship type `kind`."""
        import posixpath

        rels_name = _rels_name(source) if source else "_rels/.rels"
        if rels_name not in entries:
            return []
        folder = "/" + source.rpartition("/")[0]
        out = []
        for rel in xml(rels_name):
            if rel.get("Type", "").rsplit("/", 1)[-1] == kind and rel.get("TargetMode") != "External":
                target = rel.get("Target", "")
                full = target if target.startswith("/") else posixpath.join(folder, target)
                out.append(posixpath.normpath(full).lstrip("/"))
        return out

    presentation = next(iter(related("", "officeDocument")), None)
    if presentation is None:
        raise bad("it has no presentation part")
    pres = xml(presentation)
    if pres.find(f"{{{P_NS}}}sldIdLst/{{{P_NS}}}sldId") is not None:
        raise ReferenceDocError(f"{shown}: the reference deck must have no slides, only its "
                                "master and layouts; delete its slides and save it again")
    notes_masters = related(presentation, "notesMaster")
    if not notes_masters or not related("", "core-properties"):
        raise _NeedsParts()
    masters = related(presentation, "slideMaster")
    if not masters:
        raise bad("it has no slide master")
    master = xml(masters[0])
    found = {}
    for layout in related(masters[0], "slideLayout"):
        name = xml(layout).find(f"{{{P_NS}}}cSld").get("name", "")
        found.setdefault(name, layout)
    missing = [name for name in LAYOUTS if name not in found]
    if missing:
        names = ", ".join(f'"{n}"' for n in missing)
        raise ReferenceDocError(f"{shown}: the reference deck has no slide layout named {names}; "
                                "name its layouts in the slide master view")
    layouts = {}
    for name in LAYOUTS:
        title, body = None, None
        for shape, ph in _placeholders(xml(found[name])):
            kind = ph.get("type", "obj")
            if kind in ("title", "ctrTitle"):
                title = title if title is not None else (shape, ph)
            elif kind in ("body", "subTitle", "obj") and body is None:
                body = (shape, ph)
        if title is None:
            raise ReferenceDocError(f'{shown}: layout "{name}" has no title placeholder')
        layouts[name] = _Layout("/" + found[name], _geometry(title, master, name, shown),
                                _geometry(body, master, name, shown) if body else None,
                                _ph_xml(title[1]), _ph_xml(body[1]) if body else None)
    size = pres.find(f"{{{P_NS}}}sldSz")
    for old in pres.findall(f"{{{P_NS}}}sldIdLst"):  # an empty list: slides go in a new one
        pres.remove(old)
    if pres.find(f"{{{P_NS}}}sldSz") is None:
        raise bad("it has no slide size")
    entries[presentation] = etree.tostring(pres, xml_declaration=True, encoding="UTF-8",
                                           standalone=True)
    numbers = [int(m.group(1)) for rel in xml(_rels_name(presentation))
               if (m := re.fullmatch(r"rId(\d+)", rel.get("Id", "")))]
    entries["docProps/app.xml"] = APP_XML
    return _Reference(entries, layouts, presentation, "/" + notes_masters[0],
                      entries.pop("[Content_Types].xml"), max(numbers, default=0) + 1,
                      int(size.get("cx")))


def _placeholders(part):
    """(shape, its <p:ph>) for each placeholder on a layout or master."""
    for shape in part.iter(f"{{{P_NS}}}sp"):
        ph = shape.find(f"./{{{P_NS}}}nvSpPr/{{{P_NS}}}nvPr/{{{P_NS}}}ph")
        if ph is not None:
            yield shape, ph


def _geometry(placeholder, master, layout: str, shown: str) -> Box:
    """The box of a layout's placeholder, from its own position or, when it has none,
    from the master's placeholder of the same kind."""
    shape, ph = placeholder
    ext = shape.find(f"./{{{P_NS}}}spPr/{{{A_NS}}}xfrm/{{{A_NS}}}ext")
    if ext is None:
        kind = "title" if ph.get("type") in ("title", "ctrTitle") else "body"
        for other, other_ph in _placeholders(master):
            if other_ph.get("type", "obj") == kind or (kind == "body" and
                                                       other_ph.get("idx") == ph.get("idx")):
                ext = other.find(f"./{{{P_NS}}}spPr/{{{A_NS}}}xfrm/{{{A_NS}}}ext")
                if ext is not None:
                    break
    if ext is None:
        raise ReferenceDocError(f'{shown}: layout "{layout}": a text box has no size, on the '
                                "layout or on the slide master")
    width = (int(ext.get("cx")) - 2 * INSET_X) / EMU_PER_PT
    height = (int(ext.get("cy")) - 2 * INSET_Y) / EMU_PER_PT
    return Box(width, height)


def _add_missing_parts(data: bytes, shown: str) -> bytes:
    """The deck with a notes master and document properties (python-pptx adds them)."""
    from pptx import Presentation

    try:
        prs = Presentation(io.BytesIO(data))
    except Exception as exc:  # python-pptx raises several types for a bad package
        raise ReferenceDocError(f"{shown}: not a PowerPoint deck (.pptx); save it from "
                                f"PowerPoint as 'PowerPoint Presentation' ({type(exc).__name__}: "
                                f"{exc})") from None
    prs.notes_master  # noqa: B018  made now if the deck has none
    prs.core_properties  # noqa: B018  likewise
    buf = io.BytesIO()
    prs.save(buf)
    return buf.getvalue()


def _ph_xml(ph) -> str:
    attrs = "".join(f' {k}="{v}"' for k, v in sorted(ph.attrib.items()) if k in ("type", "idx"))
    return f"<p:ph{attrs}/>"


def _rels_name(entry: str) -> str:
    folder, _, name = entry.rpartition("/")
    return f"{folder}/_rels/{name}.rels" if folder else f"_rels/{name}.rels"


# --- writing ---------------------------------------------------------------------------

NS = ('xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
      'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" '
      'xmlns:p="http://schemas.openxmlformats.org/presentationml/2006/main"')
XML_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
CT_SLIDE = "application/vnd.openxmlformats-officedocument.presentationml.slide+xml"
CT_NOTES = "application/vnd.openxmlformats-officedocument.presentationml.notesSlide+xml"
APP_XML = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"'
    b' xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
    b"<Application>lessonpack</Application><PresentationFormat>Widescreen</PresentationFormat>"
    b"</Properties>"
)
_EMPTY_GROUP = ('<p:nvGrpSpPr><p:cNvPr id="1" name=""/><p:cNvGrpSpPr/><p:nvPr/></p:nvGrpSpPr>'
                '<p:grpSpPr/>')


def _write_deck(ref: _Reference, slides: list[SlideSpec], meta: DocMeta,
                when: datetime, logo: Path | None = None) -> bytes:
    entries = dict(ref.entries)
    overrides, sld_ids, pres_rels = [], [], []
    picture = _logo(logo, meta.author, ref.slide_width) if logo else None
    defaults = ""
    if picture:
        entries[f"ppt/media/logo.{picture.extension}"] = picture.data
        if f'Extension="{picture.extension}"' not in ref.content_types.decode("utf-8"):
            defaults = (f'<Default Extension="{picture.extension}" '
                        f'ContentType="{picture.content_type}"/>')
    for n, spec in enumerate(slides, 1):
        slide, notes = f"ppt/slides/slide{n}.xml", f"ppt/notesSlides/notesSlide{n}.xml"
        layout = ref.layouts[spec.layout]
        on_it = picture if n == 1 else None  # the force's logo on the first slide
        entries[slide] = _slide_xml(spec, layout, on_it)
        entries[_rels_name(slide)] = _rels([
            ("rId1", "slideLayout", _relative(slide, layout.partname)),
            ("rId2", "notesSlide", f"../notesSlides/notesSlide{n}.xml"),
            *([("rId3", "image", f"../media/logo.{on_it.extension}")] if on_it else [])])
        entries[notes] = _notes_xml(spec.notes)
        entries[_rels_name(notes)] = _rels([
            ("rId1", "notesMaster", _relative(notes, ref.notes_master)),
            ("rId2", "slide", f"../slides/slide{n}.xml")])
        overrides.append(f'<Override PartName="/{slide}" ContentType="{CT_SLIDE}"/>'
                         f'<Override PartName="/{notes}" ContentType="{CT_NOTES}"/>')
        rid = f"rId{ref.next_rid + n - 1}"
        sld_ids.append(f'<p:sldId id="{255 + n}" r:id="{rid}"/>')
        pres_rels.append(f'<Relationship Id="{rid}" Type="{REL}/slide" '
                         f'Target="{_relative(ref.presentation, "/" + slide)}"/>')
    pres = entries[ref.presentation].decode("utf-8")
    at = pres.index("<p:sldSz")
    entries[ref.presentation] = (pres[:at] + "<p:sldIdLst>" + "".join(sld_ids) + "</p:sldIdLst>"
                                 + pres[at:]).encode("utf-8")
    rels_name = _rels_name(ref.presentation)
    rels = entries[rels_name].decode("utf-8")
    at = rels.rindex("</Relationships>")
    entries[rels_name] = (rels[:at] + "".join(pres_rels) + rels[at:]).encode("utf-8")
    types = ref.content_types.decode("utf-8")
    at = types.rindex("</Types>")
    entries["[Content_Types].xml"] = (types[:at] + defaults + "".join(overrides)
                                      + types[at:]).encode()
    entries["docProps/core.xml"] = _core_xml(meta, when)
    return zip_entries(entries)


@dataclass(frozen=True)
class _Picture:
    data: bytes
    extension: str  # "png" or "jpeg"
    content_type: str
    width: int  # EMU, at its place on the title slide
    height: int
    alt: str
    left: int

    def xml(self, shape_id: int) -> str:
        from xml.sax.saxutils import quoteattr

        left = self.left
        return (f'<p:pic><p:nvPicPr><p:cNvPr id="{shape_id}" name="Logo" '
                f'descr={quoteattr(self.alt)}/><p:cNvPicPr><a:picLocks noChangeAspect="1"/>'
                '</p:cNvPicPr><p:nvPr/></p:nvPicPr><p:blipFill><a:blip r:embed="rId3"/>'
                '<a:stretch><a:fillRect/></a:stretch></p:blipFill><p:spPr><a:xfrm>'
                f'<a:off x="{left}" y="{LOGO_MARGIN}"/><a:ext cx="{self.width}" '
                f'cy="{self.height}"/></a:xfrm><a:prstGeom prst="rect"><a:avLst/></a:prstGeom>'
                "</p:spPr></p:pic>")


LOGO_MARGIN = 342900  # 0.375 inch from the top and right edges
LOGO_HEIGHT = 914400  # one inch tall
LOGO_MAX_WIDTH = 2743200  # three inches at most


def _logo(path: Path, force: str, slide_width: int) -> _Picture | None:
    """The force's logo (PNG or JPEG) for the title slide, sized to keep its shape."""
    from PIL import Image

    data = Path(path).read_bytes()
    with Image.open(io.BytesIO(data)) as image:
        kind = (image.format or "").lower()
        w, h = image.size
    if kind not in ("png", "jpeg") or not w or not h:
        return None
    height = LOGO_HEIGHT
    width = round(height * w / h)
    if width > LOGO_MAX_WIDTH:
        width, height = LOGO_MAX_WIDTH, round(LOGO_MAX_WIDTH * h / w)
    return _Picture(data, kind, f"image/{kind}", width, height, f"{_clean(force)} logo",
                    slide_width - LOGO_MARGIN - width)


def _relative(source_entry: str, target_partname: str) -> str:
    import posixpath

    return posixpath.relpath(target_partname, "/" + source_entry.rpartition("/")[0])


def _rels(rels: list[tuple[str, str, str]]) -> bytes:
    body = "".join(f'<Relationship Id="{rid}" Type="{REL}/{kind}" Target="{target}"/>'
                   for rid, kind, target in rels)
    return f'{XML_HEAD}<Relationships xmlns="{PKG_REL}">{body}</Relationships>'.encode()


def _slide_xml(spec: SlideSpec, layout: _Layout, logo: "_Picture | None" = None) -> bytes:
    shapes = [_shape(2, "Title 1", layout.title_ph, [Para(((spec.title, True),))],
                     title_size(spec.title, layout.title), None)]
    if spec.body:  # the title first: reading order is title, then body
        shapes.append(_shape(3, "Text 2", layout.body_ph, spec.body, spec.size, "t"))
    if logo:  # last in reading order: title, text, then the logo
        shapes.append(logo.xml(4))
    xml = (f"{XML_HEAD}<p:sld {NS}><p:cSld><p:spTree>{_EMPTY_GROUP}{''.join(shapes)}"
           "</p:spTree></p:cSld><p:clrMapOvr><a:masterClrMapping/></p:clrMapOvr></p:sld>")
    return xml.encode("utf-8")


def _shape(shape_id: int, name: str, ph: str, paras: list[Para], size: float,
           anchor: str | None) -> str:
    from lxml import etree

    insets = f'lIns="{INSET_X}" tIns="{INSET_Y}" rIns="{INSET_X}" bIns="{INSET_Y}"'
    anchor_attr = f' anchor="{anchor}"' if anchor else ""
    text = "".join(etree.tostring(_paragraph(p, size, first=n == 0), encoding="unicode")
                   for n, p in enumerate(paras))
    return (f'<p:sp><p:nvSpPr><p:cNvPr id="{shape_id}" name="{name}"/><p:cNvSpPr>'
            f'<a:spLocks noGrp="1"/></p:cNvSpPr><p:nvPr>{ph}</p:nvPr></p:nvSpPr><p:spPr/>'
            f'<p:txBody><a:bodyPr wrap="square" {insets}{anchor_attr}><a:noAutofit/></a:bodyPr>'
            f"<a:lstStyle/>{_strip_ns(text)}</p:txBody></p:sp>")


def _strip_ns(xml: str) -> str:
    """lxml repeats the namespace declaration on each serialised paragraph; the slide's
    root declares it once."""
    return xml.replace(f' xmlns:a="{A_NS}"', "")


def _notes_xml(paras: list[Para]) -> bytes:
    from lxml import etree

    text = "".join(etree.tostring(_notes_paragraph(p), encoding="unicode")
                   for p in paras or [Para((("", False),))])
    xml = (f"{XML_HEAD}<p:notes {NS}><p:cSld><p:spTree>{_EMPTY_GROUP}"
           '<p:sp><p:nvSpPr><p:cNvPr id="2" name="Slide Image 1"/><p:cNvSpPr>'
           '<a:spLocks noGrp="1" noRot="1" noChangeAspect="1"/></p:cNvSpPr><p:nvPr>'
           '<p:ph type="sldImg"/></p:nvPr></p:nvSpPr><p:spPr/></p:sp>'
           '<p:sp><p:nvSpPr><p:cNvPr id="3" name="Notes 2"/><p:cNvSpPr><a:spLocks noGrp="1"/>'
           '</p:cNvSpPr><p:nvPr><p:ph type="body" idx="1"/></p:nvPr></p:nvSpPr><p:spPr/>'
           f"<p:txBody><a:bodyPr/><a:lstStyle/>{_strip_ns(text)}</p:txBody></p:sp>"
           "</p:spTree></p:cSld><p:clrMapOvr><a:masterClrMapping/></p:clrMapOvr></p:notes>")
    return xml.encode("utf-8")


def _notes_paragraph(para: Para):
    """Speaker notes: plain paragraphs in the notes page's own style; lists as "• "."""
    from lxml import etree

    a = f"{{{A_NS}}}"
    p = etree.Element(f"{a}p")
    prefix = {"bullet": "\u2022 ", "number": f"{para.number}. "}.get(para.list, "")
    for text, bold in [*([(prefix, False)] if prefix else []), *para.runs]:
        for i, piece in enumerate(text.split("\n")):
            if i:
                _rpr(etree.SubElement(p, f"{a}br"), None, bold)
            if piece:
                r = etree.SubElement(p, f"{a}r")
                _rpr(r, None, bold)
                etree.SubElement(r, f"{a}t").text = piece
    etree.SubElement(p, f"{a}endParaRPr", lang="en-GB")
    return p


def _paragraph(para: Para, size: float, first: bool):
    from lxml import etree

    a = f"{{{A_NS}}}"
    p = etree.Element(f"{a}p")
    ppr = etree.SubElement(p, f"{a}pPr")
    indent = round(size * INDENT.get(para.list, 0.0) * EMU_PER_PT)
    ppr.set("marL", str(indent))
    ppr.set("indent", str(-indent))
    ln = etree.SubElement(etree.SubElement(ppr, f"{a}lnSpc"), f"{a}spcPts")
    ln.set("val", str(round(line_height(size) * 100)))
    before = etree.SubElement(etree.SubElement(ppr, f"{a}spcBef"), f"{a}spcPts")
    before.set("val", str(round(space_before(para, size, first) * 100)))
    if para.list:
        etree.SubElement(ppr, f"{a}buFont", typeface=FONT)
        if para.list == "bullet":
            etree.SubElement(ppr, f"{a}buChar", char="\u2022")
        else:
            etree.SubElement(ppr, f"{a}buAutoNum", type="arabicPeriod",
                             startAt=str(para.number))
    else:
        etree.SubElement(ppr, f"{a}buNone")
    for text, bold in para.runs:
        for i, piece in enumerate(text.split("\n")):
            if i:
                _rpr(etree.SubElement(p, f"{a}br"), size, bold)
            if piece:
                r = etree.SubElement(p, f"{a}r")
                _rpr(r, size, bold)
                etree.SubElement(r, f"{a}t").text = piece
    end = etree.SubElement(p, f"{a}endParaRPr")
    end.set("lang", "en-GB")
    end.set("sz", str(round(size * 100)))
    return p


def _rpr(parent, size: float | None, bold: bool) -> None:
    from lxml import etree

    a = f"{{{A_NS}}}"
    rpr = etree.SubElement(parent, f"{a}rPr", lang="en-GB")
    if size:
        rpr.set("sz", str(round(size * 100)))
    rpr.set("b", "1" if bold else "0")
    rpr.set("dirty", "0")
    etree.SubElement(rpr, f"{a}latin", typeface=FONT)
    etree.SubElement(rpr, f"{a}cs", typeface=FONT)


def _core_xml(meta: DocMeta, when: datetime) -> bytes:
    from xml.sax.saxutils import escape

    stamp = when.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    xml = (
        f"{XML_HEAD}<cp:coreProperties "
        'xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
        'xmlns:dcmitype="http://purl.org/dc/dcmitype/" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        f"<dc:title>{escape(_clean(meta.title))}</dc:title>"
        f"<dc:subject>{escape(_clean(meta.subject))}</dc:subject>"
        f"<dc:creator>{escape(_clean(meta.author))}</dc:creator>"
        f"<cp:lastModifiedBy>{escape(_clean(meta.author))}</cp:lastModifiedBy>"
        f"<dc:language>{escape(meta.lang)}</dc:language><cp:revision>1</cp:revision>"
        f'<dcterms:created xsi:type="dcterms:W3CDTF">{stamp}</dcterms:created>'
        f'<dcterms:modified xsi:type="dcterms:W3CDTF">{stamp}</dcterms:modified>'
        "</cp:coreProperties>"
    )
    return xml.encode("utf-8")


def package_bytes(prs) -> bytes:
    """A python-pptx Presentation as .pptx bytes: fixed timestamps, sorted entries."""
    buf = io.BytesIO()
    prs.save(buf)
    with zipfile.ZipFile(io.BytesIO(buf.getvalue())) as src:
        return zip_entries({info.filename: src.read(info) for info in src.infolist()})


def zip_entries(entries: dict[str, bytes]) -> bytes:
    """A zip of `entries` with fixed timestamps, sorted entries and fixed compression."""
    names = sorted(entries, key=lambda name: (name != "[Content_Types].xml", name))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as dst:
        for name in names:
            info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 0
            info.external_attr = 0
            dst.writestr(info, entries[name], compresslevel=6)
    return out.getvalue()


__all__ = ["render", "prepare", "layout_deck", "split_body", "fits", "title_size", "package_bytes",
           "LAYOUTS", "FIXED_DATE", "Box", "Para", "SlideSpec"]
