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
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from pathlib import Path
from xml.etree.ElementTree import Element

from generator.errors import ReferenceDocError, TemplateError, display_path
from generator.render import DocMeta, PageStyle
from generator.render import metrics

BUNDLED_REFERENCE = Path(__file__).resolve().parents[2] / "templates" / "reference.pptx"
LAYOUTS = ("Title Slide", "Section Header", "Title and Content")

FIXED_DATE = datetime(2000, 1, 1, tzinfo=timezone.utc)
ZIP_DATE = (1980, 1, 1, 0, 0, 0)

FONT = "Arial"
TITLE_PT, MIN_TITLE_PT = 40.0, 36.0
BODY_PT = 24.0  # the markup may ask for more (Key Stage 2: 28)
LARGE_PRINT_PT = 32.0
LINE = 1.2  # line spacing, as a multiple of the font size, written as exact points
SPACE_BEFORE = 0.4  # before each paragraph but a box's first, as a multiple of the size
INDENT = {"bullet": 0.75, "number": 1.2}  # text indent of a list item, in em
INSET_X, INSET_Y = 91440, 45720  # box insets, EMU (PowerPoint's defaults: 0.1", 0.05")
SAFETY = 0.99  # measure against 99% of the width: rounding and renderer differences
EMU_PER_PT = 12700
A_NS = "http://schemas.openxmlformats.org/drawingml/2006/main"
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


@dataclass(frozen=True)
class Box:
    width: float  # points, inside the insets
    height: float


# --- entry point ---------------------------------------------------------------------


def render_pptx(root: Element, meta: DocMeta, page: PageStyle,
                reference: Path | None = None, *, when: datetime = FIXED_DATE) -> bytes:
    """Render one block-markup deck (<document> holding <slide>s) as .pptx bytes."""
    if root.tag != "document":
        raise TemplateError(f"block markup must start with <document>, not <{root.tag}>")
    body_pt = float(root.get("body-size") or BODY_PT)
    if page.large_print:
        body_pt = max(body_pt, LARGE_PRINT_PT)
    specs = [_slide_spec(el) for el in root if el.tag == "slide"]
    if not specs:
        raise TemplateError("a slides template must produce at least one <slide>")
    ref = _reference(reference or BUNDLED_REFERENCE)
    prs = ref.open()
    slides = layout_deck(specs, ref.boxes, body_pt)
    for spec in slides:
        _add_slide(prs, ref, spec, body_pt)
    _set_core_properties(prs, meta, when)
    return package_bytes(prs)


def layout_deck(specs: list[SlideSpec], boxes: dict[str, tuple[Box, Box | None]],
                body_pt: float) -> list[SlideSpec]:
    """The slides as shown: each split into parts that fit, with unique titles."""
    out: list[SlideSpec] = []
    seen: set[str] = set()
    for spec in specs:
        if spec.layout not in boxes:
            known = ", ".join(f'"{n}"' for n in LAYOUTS)
            raise TemplateError(f'slide "{spec.where}": no layout "{spec.layout}" in the '
                                f"reference deck; use one of {known}")
        title_box, body_box = boxes[spec.layout]
        if body_box is None and spec.body:
            raise TemplateError(f'slide "{spec.where}": layout "{spec.layout}" has no text box '
                                "for its body")
        parts = split_body(spec.body, body_box, body_pt) if body_box else [[]]
        for n, body in enumerate(parts):
            title = spec.title if n == 0 else f"{spec.title} (continued)"
            if n > 1:
                title = f"{spec.title} (continued, part {n + 1})"
            base, k = title, 2
            while title in seen:  # two slides the markup titled alike
                title, k = f"{base} ({k})", k + 1
            seen.add(title)
            last = n == len(parts) - 1
            notes = spec.notes if last else [Para((
                ("This slide continues on the next one; the notes for it are there.", False),))]
            out.append(SlideSpec(title, spec.layout, body, notes, spec.where))
    for spec in out:
        title_size(spec.title, boxes[spec.layout][0], spec.where)  # raises if it cannot fit
    return out


# --- measuring -------------------------------------------------------------------------


def line_height(size: float) -> float:
    return round(size * LINE, 1)


def para_lines(para: Para, width: float, size: float) -> list[list[tuple[str, bool]]]:
    indent = size * INDENT.get(para.list, 0.0)
    return metrics.wrap(list(para.runs), size, (width - indent) * SAFETY)


def para_height(lines: int, size: float, first: bool) -> float:
    return lines * line_height(size) + (0.0 if first else size * SPACE_BEFORE)


def split_body(body: list[Para], box: Box, size: float) -> list[list[Para]]:
    """Paragraphs grouped into slides whose box they fit at `size`; a paragraph taller
    than a whole box is split between lines."""
    parts: list[list[Para]] = [[]]
    used = 0.0
    for para in body:
        lines = para_lines(para, box.width, size)
        height = para_height(len(lines), size, not parts[-1])
        if parts[-1] and used + height > box.height:
            parts.append([])
            used = 0.0
            height = para_height(len(lines), size, True)
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
            used = para_height(len(chunk), size, True)
    return [p for p in parts if p] or [[]]


def _join_lines(lines: list[list[tuple[str, bool]]]) -> tuple[tuple[str, bool], ...]:
    runs: list[tuple[str, bool]] = []
    for line in lines:
        runs += line
    return tuple(runs)


def fits(paras: list[Para], box: Box, size: float) -> bool:
    """Whether `paras` fit in `box` at `size` (what the renderer guarantees)."""
    total = sum(para_height(len(para_lines(p, box.width, size)), size, i == 0)
                for i, p in enumerate(paras))
    return total <= box.height + 0.01


def title_size(title: str, box: Box, where: str = "") -> float:
    """40 pt, or 36 if it needs it to fit; TemplateError if neither fits."""
    for size in (TITLE_PT, MIN_TITLE_PT):
        if fits([Para(((title, True),))], box, size):
            return size
    raise TemplateError(f'slide "{where or title}": the title "{title}" does not fit its box '
                        f"even at {MIN_TITLE_PT:g} pt; shorten it")


# --- markup ----------------------------------------------------------------------------


def _slide_spec(el: Element) -> SlideSpec:
    title = _clean(el.get("title") or "").strip()
    if not title:
        raise TemplateError("every <slide> needs a title attribute")
    layout = el.get("layout") or "Title and Content"
    body: list[Para] = []
    notes: list[Para] = []
    for child in el:
        if child.tag == "notes":
            for block in child:
                notes += _paras(block, title)
        else:
            body += _paras(child, title)
    return SlideSpec(title, layout, body, notes, title)


def _paras(el: Element, where: str) -> list[Para]:
    if el.tag == "p":
        return [Para(_inline(el))]
    if el.tag in ("ul", "ol"):
        kind = "bullet" if el.tag == "ul" else "number"
        return [Para(_inline(li), kind, n) for n, li in enumerate(el, 1) if li.tag == "li"]
    raise TemplateError(f'slide "{where}": <{el.tag}> cannot go on a slide; use <p>, <ul> or '
                        "<ol> (with <b> and <br/> inside)")


def _inline(el: Element, bold: bool = False) -> tuple[tuple[str, bool], ...]:
    runs: list[tuple[str, bool]] = []

    def add(text: str | None, b: bool) -> None:
        if text:
            text = _MARKUP_SPACE.sub(" ", _clean(text))
            if runs and runs[-1][1] == b:
                runs[-1] = (runs[-1][0] + text, b)
            else:
                runs.append((text, b))

    def walk(node: Element, b: bool) -> None:
        add(node.text, b)
        for child in node:
            if child.tag == "br":
                add("\n", b)
            else:
                walk(child, b or child.tag == "b")
            add(child.tail, b)

    walk(el, bold)
    # Trim the markup's leading and trailing whitespace, and around line breaks.
    text = "".join(t for t, _ in runs)
    out: list[tuple[str, bool]] = []
    lead = len(text) - len(text.lstrip(" "))
    end = len(text.rstrip(" "))
    pos = 0
    for t, b in runs:
        start, stop = max(lead - pos, 0), min(end - pos, len(t))
        piece = t[start:stop] if stop > start else ""
        piece = piece.replace(" \n", "\n").replace("\n ", "\n")
        if piece:
            out.append((piece, b))
        pos += len(t)
    return tuple(out)


def _clean(text: str) -> str:
    return _ILLEGAL_XML.sub("", text)


# --- the reference deck ----------------------------------------------------------------


@dataclass(frozen=True)
class _Reference:
    data: bytes
    boxes: dict[str, tuple[Box, Box | None]]  # layout -> (title box, body box or None)
    body_idx: dict[str, int | None]  # layout -> idx of its body placeholder

    def open(self):
        from pptx import Presentation

        return Presentation(io.BytesIO(self.data))


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
    """Read and check the reference deck once per process (per version of the file)."""
    from pptx import Presentation

    shown = display_path(path)
    data = Path(path).read_bytes()
    try:
        prs = Presentation(io.BytesIO(data))
    except Exception as exc:  # python-pptx raises several types for a bad package
        raise ReferenceDocError(f"{shown}: not a PowerPoint deck (.pptx); save it from "
                                f"PowerPoint as 'PowerPoint Presentation' ({type(exc).__name__}: "
                                f"{exc})") from None
    if len(prs.slides):
        raise ReferenceDocError(f"{shown}: the reference deck must have no slides, only its "
                                "master and layouts; delete its slides and save it again")
    boxes, body_idx = {}, {}
    layouts = {layout.name: layout for layout in prs.slide_layouts}
    missing = [name for name in LAYOUTS if name not in layouts]
    if missing:
        names = ", ".join(f'"{n}"' for n in missing)
        raise ReferenceDocError(f"{shown}: the reference deck has no slide layout named {names}; "
                                "name its layouts in the slide master view")
    for name in LAYOUTS:
        title, body = None, None
        for ph in layouts[name].placeholders:
            idx = ph.placeholder_format.idx
            if idx == 0:
                title = ph
            elif body is None and ph.placeholder_format.type is not None and idx < 10 \
                    and _is_text(ph):
                body = ph
        if title is None:
            raise ReferenceDocError(f'{shown}: layout "{name}" has no title placeholder')
        boxes[name] = (_box(title), _box(body) if body is not None else None)
        body_idx[name] = body.placeholder_format.idx if body is not None else None
    return _Reference(data, boxes, body_idx)


def _is_text(ph) -> bool:
    from pptx.enum.shapes import PP_PLACEHOLDER

    return ph.placeholder_format.type in (PP_PLACEHOLDER.BODY, PP_PLACEHOLDER.OBJECT,
                                          PP_PLACEHOLDER.SUBTITLE)


def _box(shape) -> Box:
    width = (shape.width - 2 * INSET_X) / EMU_PER_PT
    height = (shape.height - 2 * INSET_Y) / EMU_PER_PT
    return Box(width, height)


# --- writing ---------------------------------------------------------------------------


def _add_slide(prs, ref: _Reference, spec: SlideSpec, body_pt: float) -> None:
    layout = next(lo for lo in prs.slide_layouts if lo.name == spec.layout)
    slide = prs.slides.add_slide(layout)
    tree = slide.shapes._spTree
    title_shape, body_shape = None, None
    for ph in list(slide.placeholders):
        idx = ph.placeholder_format.idx
        if idx == 0:
            title_shape = ph
        elif idx == ref.body_idx[spec.layout] and spec.body:
            body_shape = ph
        else:  # an empty placeholder would show "Click to add text" while editing
            tree.remove(ph._element)
    title_box = ref.boxes[spec.layout][0]
    _fill(title_shape.text_frame, [Para(((spec.title, True),))],
          title_size(spec.title, title_box, spec.where), anchor=None)
    tree.remove(title_shape._element)  # the title first: reading order is title, then body
    tree.insert(2, title_shape._element)
    if body_shape is not None:
        _fill(body_shape.text_frame, spec.body, body_pt, anchor="t")
    notes = slide.notes_slide.notes_text_frame
    _fill_notes(notes, spec.notes)


def _fill(frame, paras: list[Para], size: float, anchor: str | None) -> None:
    from lxml import etree

    body = frame._txBody
    pr = body.find(f"{{{A_NS}}}bodyPr")
    for child in list(pr):
        pr.remove(child)
    pr.attrib.clear()
    pr.set("wrap", "square")
    for side, value in (("lIns", INSET_X), ("tIns", INSET_Y), ("rIns", INSET_X),
                        ("bIns", INSET_Y)):
        pr.set(side, str(value))
    if anchor:
        pr.set("anchor", anchor)
    etree.SubElement(pr, f"{{{A_NS}}}noAutofit")
    for p in body.findall(f"{{{A_NS}}}p"):
        body.remove(p)
    for n, para in enumerate(paras):
        body.append(_paragraph(para, size, first=n == 0))


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
    before.set("val", "0" if first else str(round(size * SPACE_BEFORE * 100)))
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


def _fill_notes(frame, paras: list[Para]) -> None:
    """Speaker notes: plain paragraphs in the notes page's own style; lists as "• "."""
    from lxml import etree

    a = f"{{{A_NS}}}"
    body = frame._txBody
    for p in body.findall(f"{a}p"):
        body.remove(p)
    for para in paras or [Para((("", False),))]:
        p = etree.SubElement(body, f"{a}p")
        prefix = {"bullet": "\u2022 ", "number": f"{para.number}. "}.get(para.list, "")
        runs = [(prefix, False)] if prefix else []
        for text, bold in [*runs, *para.runs]:
            for i, piece in enumerate(text.split("\n")):
                if i:
                    _rpr(etree.SubElement(p, f"{a}br"), None, bold)
                if piece:
                    r = etree.SubElement(p, f"{a}r")
                    _rpr(r, None, bold)
                    etree.SubElement(r, f"{a}t").text = piece
        etree.SubElement(p, f"{a}endParaRPr", lang="en-GB")


def _set_core_properties(prs, meta: DocMeta, when: datetime) -> None:
    props = prs.core_properties
    props.title = meta.title
    props.subject = meta.subject
    props.author = props.last_modified_by = meta.author
    props.keywords = props.comments = props.category = ""
    props.language = meta.lang
    props.created = props.modified = when
    props.revision = 1


def package_bytes(prs) -> bytes:
    """The deck as a .pptx: fixed timestamps, sorted entries, fixed compression."""
    buf = io.BytesIO()
    prs.save(buf)
    with zipfile.ZipFile(io.BytesIO(buf.getvalue())) as src:
        entries = {info.filename: src.read(info) for info in src.infolist()}
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


__all__ = ["render_pptx", "layout_deck", "split_body", "fits", "title_size", "package_bytes",
           "LAYOUTS", "FIXED_DATE", "Box", "Para", "SlideSpec"]
