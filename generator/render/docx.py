"""Word renderer: one document in block markup -> the bytes of an editable .docx.

Every document starts from a *reference document* (templates/reference.docx, made by
scripts/make_reference_docx.py), as pandoc's --reference-doc does: its styles, page
set-up, header and footer pictures are kept, its body is thrown away. A force can
brand the reference in Word (fonts, colours, a logo in the header) without touching
code. Content is written with named styles only (Heading 1, List Bullet, Note, ...),
so a teacher editing the guide finds the usual Word styles.

Output is deterministic: the same markup gives byte-identical files (fixed document
dates, fixed zip timestamps and entry order).
"""

from __future__ import annotations

import copy
import functools
import io
import re
import zipfile
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import docx
from docx.enum.text import WD_BREAK, WD_TAB_ALIGNMENT, WD_TAB_LEADER
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt, Twips
from docx.table import _Cell
from docx.text.paragraph import Paragraph
from lxml.etree import SubElement

from ..errors import ReferenceDocError, display_path
from ..resources import bundled
from . import Assets, DocMeta, PageStyle
from . import markup as m

BUNDLED_REFERENCE = bundled("templates") / "reference.docx"

# Not "now" (two builds would differ) and not python-docx's 2013 default.
FIXED_DATE = datetime(2000, 1, 1, tzinfo=timezone.utc)
ZIP_DATE = (1980, 1, 1, 0, 0, 0)

# Styles the renderer applies; a reference document must define all of them.
REQUIRED_STYLES = (
    "Normal",
    "Heading 1",
    "Heading 2",
    "Heading 3",
    "List Bullet",
    "List Number",
    "Table Grid",
    "Answer",
    "Note",
    "Small",
    "Checklist",
    "Write-in Line",
    "Box",
)
# Used when present: a reference saved from Word may lack them, and plain text is fine.
OPTIONAL_STYLES = ("Header", "Footer")

PAPER_TWIPS = {"a4": (11906, 16838), "letter": (12240, 15840)}
BALLOT_BOX, BALLOT_BOX_X = "\u2610", "\u2612"  # ☐ ☒
SYMBOL_FONT = "Segoe UI Symbol"  # has the ballot boxes; Word/LibreOffice fall back if absent
HEADER_SHADING = "D9D9D9"  # light grey: readable in greyscale print
CREAM = "FFF8E7"  # page colour for the dyslexia-friendly option
LETTER_SPACING_TWIPS = 12  # +0.6 pt between letters for the dyslexia-friendly option
MAX_LINES = 60
AFTER_TABLE_PT = 8  # space between a table and the paragraph after it
LIST_END_PT = 8  # after a list's last item, as after a paragraph

LINE_BREAK = object()  # <br/> among the pieces of inline text

# XML 1.0 cannot hold these; python-docx would raise ValueError on them.
_ILLEGAL_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
# Markup whitespace (template indentation) collapses like HTML; no-break spaces survive.
_MARKUP_SPACE = re.compile("[ \t\r\n]+")


def render(nodes: m.Document, meta: DocMeta, page: PageStyle, assets: Assets, *,
           when: datetime = FIXED_DATE) -> bytes:
    """Render one block-markup document as .docx bytes, styled by the reference
    document in `assets`."""
    ref = _reference(assets.reference("reference.docx"))
    # A copy of the parsed reference: copying is about twice as fast as parsing again.
    doc = copy.deepcopy(ref.doc)
    _clear_body(doc)
    _apply_page_style(doc, page, meta.lang)
    writer = _Writer(doc, ref.style_ids, nodes.source)
    writer.blocks(nodes.blocks, doc, _text_width(doc.sections[0]))
    _write_headers_and_footers(doc, meta, ref.style_ids, assets.logo)
    _set_core_properties(doc, meta, when)
    return _zip_entries(_package_entries(doc))


# --- reference document ------------------------------------------------------------


@dataclass(frozen=True)
class _Reference:
    doc: object  # the parsed reference document: callers change a copy, never this one
    style_ids: dict[str, str]  # style name -> id, for the styles the renderer applies

def _reference(path: Path) -> _Reference:
    """The reference document, read and checked once per process (per version)."""
    path = Path(path)
    try:
        stat = path.stat()
    except OSError:
        raise ReferenceDocError(
            f"{display_path(path)}: the Word reference document was not found"
        ) from None
    return _load_reference(str(path), stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=8)
def _load_reference(path: str, _mtime_ns: int, _size: int):
    # mtime and size are in the key so an edited reference is read again.
    shown = display_path(path)
    data = Path(path).read_bytes()
    try:
        doc = docx.Document(io.BytesIO(data))
    except Exception as exc:  # python-docx raises several types for a bad package
        raise ReferenceDocError(
            f"{shown}: not a Word document (.docx); save it from Word as 'Word Document'"
            f" ({type(exc).__name__}: {exc})"
        ) from None
    missing = [name for name in REQUIRED_STYLES if name not in doc.styles]
    if missing:
        names = ", ".join(f"'{name}'" for name in missing)
        plural, it = ("styles", "them") if len(missing) > 1 else ("style", "it")
        raise ReferenceDocError(
            f"{shown}: the Word reference document has no {plural} {names}; add {it} in"
            " Word (or start again from the bundled templates/reference.docx)"
        )
    # Looked up once: python-docx finds a style by name by scanning every style.
    present = [name for name in OPTIONAL_STYLES if name in doc.styles]
    return _Reference(doc, {name: doc.styles[name].style_id
                            for name in (*REQUIRED_STYLES, *present)})


def _clear_body(doc) -> None:
    """Drop the reference's sample content; keep the final sectPr (page set-up, headers)."""
    body = doc.element.body
    for child in list(body):
        if child.tag != qn("w:sectPr"):
            body.remove(child)


def _apply_page_style(doc, page: PageStyle, lang: str) -> None:
    """Paper, body size, line spacing, language and the dyslexia-friendly options."""
    width, height = PAPER_TWIPS[page.paper]
    for section in doc.sections:
        section.page_width, section.page_height = Twips(width), Twips(height)

    styles_el = doc.styles.element
    _scale_font_sizes(styles_el, page.body_size / _base_size(doc) if page.body_size else 1)
    defaults_ppr = _doc_defaults(styles_el, "w:pPrDefault", "w:pPr")
    _set_line_spacing(defaults_ppr, page.leading)
    normal_ppr = doc.styles["Normal"].element.pPr
    if normal_ppr is not None and normal_ppr.find(qn("w:spacing")) is not None:
        _set_line_spacing(normal_ppr, page.leading)

    defaults_rpr = _doc_defaults(styles_el, "w:rPrDefault", "w:rPr")
    lang_el = defaults_rpr.find(qn("w:lang"))
    if lang_el is None:
        lang_el = OxmlElement("w:lang")
        defaults_rpr.append(lang_el)  # w:lang is last but for eastAsianLayout/specVanish
    lang_el.set(qn("w:val"), lang)

    if page.dyslexia_friendly:
        spacing = defaults_rpr.find(qn("w:spacing"))
        if spacing is None:
            spacing = OxmlElement("w:spacing")
            defaults_rpr.insert_element_before(
                spacing, "w:w", "w:kern", "w:position", "w:sz", "w:szCs", "w:highlight",
                "w:u", "w:effect", "w:bdr", "w:shd", "w:fitText", "w:vertAlign", "w:rtl",
                "w:cs", "w:em", "w:lang", "w:eastAsianLayout", "w:specVanish", "w:oMath",
            )
        spacing.set(qn("w:val"), str(LETTER_SPACING_TWIPS))
        _set_page_colour(doc, CREAM)


def _base_size(doc) -> float:
    """The reference's body size in points: Normal's, else the defaults', else Word's 10."""
    for rpr in (doc.styles["Normal"].element.rPr,
                _doc_defaults(doc.styles.element, "w:rPrDefault", "w:rPr")):
        sz = rpr.find(qn("w:sz")) if rpr is not None else None
        if sz is not None:
            return int(sz.get(qn("w:val"))) / 2
    return 10.0


def _scale_font_sizes(styles_el, factor: float) -> None:
    """Scale every size in the styles so headings keep their proportion to the body."""
    if abs(factor - 1) < 1e-6:
        return
    for tag in ("w:sz", "w:szCs"):
        for el in styles_el.iter(qn(tag)):
            el.set(qn("w:val"), str(max(2, round(int(el.get(qn("w:val"))) * factor))))


def _doc_defaults(styles_el, outer: str, inner: str):
    """w:docDefaults/<outer>/<inner>, created if the reference lacks it."""
    defaults = styles_el.find(qn("w:docDefaults"))
    if defaults is None:
        defaults = OxmlElement("w:docDefaults")
        styles_el.insert(0, defaults)
    holder = defaults.find(qn(outer))
    if holder is None:
        holder = OxmlElement(outer)
        if outer == "w:rPrDefault":
            defaults.insert(0, holder)
        else:
            defaults.append(holder)
    el = holder.find(qn(inner))
    if el is None:
        el = OxmlElement(inner)
        holder.append(el)
    return el


def _set_line_spacing(ppr, leading: float) -> None:
    spacing = ppr.find(qn("w:spacing"))
    if spacing is None:
        spacing = OxmlElement("w:spacing")
        ppr.insert_element_before(
            spacing, "w:ind", "w:contextualSpacing", "w:mirrorIndents", "w:suppressOverlap",
            "w:jc", "w:textDirection", "w:textAlignment", "w:textboxTightWrap",
            "w:outlineLvl", "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr", "w:pPrChange",
        )
    spacing.set(qn("w:line"), str(round(240 * leading)))
    spacing.set(qn("w:lineRule"), "auto")


def _set_page_colour(doc, colour: str) -> None:
    """A page background (w:background) that Word shows once displayBackgroundShape is on."""
    document = doc.element
    background = document.find(qn("w:background"))
    if background is None:
        background = OxmlElement("w:background")
        document.insert(0, background)
    background.set(qn("w:color"), colour)
    settings = doc.settings.element
    if settings.find(qn("w:displayBackgroundShape")) is None:
        settings.insert_element_before(
            OxmlElement("w:displayBackgroundShape"),
            *[f"w:{t}" for t in _SETTINGS_AFTER_BACKGROUND],
        )


# CT_Settings children that follow displayBackgroundShape (schema order matters to Word).
_SETTINGS_AFTER_BACKGROUND = (
    "printPostScriptOverText printFractionalCharacterWidth printFormsData embedTrueTypeFonts "
    "embedSystemFonts saveSubsetFonts saveFormsData mirrorMargins alignBordersAndEdges "
    "bordersDoNotSurroundHeader bordersDoNotSurroundFooter gutterAtTop hideSpellingErrors "
    "hideGrammaticalErrors activeWritingStyle proofState formsDesign attachedTemplate "
    "linkStyles stylePaneFormatFilter stylePaneSortMethod documentType mailMerge "
    "revisionView trackRevisions doNotTrackMoves doNotTrackFormatting documentProtection "
    "autoFormatOverride styleLockTheme styleLockQFSet defaultTabStop"
).split()


def _text_width(section) -> int:
    """Width between the margins, in twips."""
    return int((section.page_width - section.left_margin - section.right_margin) / 635)


# --- body --------------------------------------------------------------------------


class _Writer:
    """Writes block markup into a document body or a table cell (a box)."""

    def __init__(self, doc, style_ids: dict[str, str], source: str = "template"):
        self.doc = doc
        self.source = source
        self.numbering = doc.part.numbering_part.element if _has_numbering(doc) else None
        self.page_break_pending = False
        self.style_ids = style_ids
        self._styles: dict[str, object] = {}

    def style(self, name: str):
        """A style by name, looked up once (python-docx scans every style to find it)."""
        if name not in self._styles:
            self._styles[name] = self.doc.styles[name]
        return self._styles[name]

    # Each block handler takes (node, container, width in twips, inside a note?);
    # the container is the document body or a table cell (python-docx BlockItemContainer).
    def blocks(self, nodes: tuple[m.Block, ...], container, width: int,
               in_note: bool = False) -> None:
        for node in nodes:
            handler = self._HANDLERS.get(type(node))
            if handler is None:
                raise m.unsupported(node, "Word", self.source)
            handler(self, node, container, width, in_note)

    def paragraph(self, container, style: str):
        follows_table = _last_block_tag(container) == _TBL
        para = _add_paragraph(container, self.style_ids[style])
        if self.page_break_pending and container is self.doc:
            para.paragraph_format.page_break_before = True
            self.page_break_pending = False
        if follows_table and not style.startswith("Heading") and style != "Note":
            para.paragraph_format.space_before = Pt(AFTER_TABLE_PT)  # text touching a table's rule
        return para

    def heading(self, node: m.Heading, container, width, in_note):
        _inline(self.paragraph(container, f"Heading {node.level}"), node.content)

    def para(self, node: m.Paragraph, container, width, in_note):
        style = "Note" if in_note else ("Small" if node.small else "Normal")
        para = self.paragraph(container, style)
        runs = _inline(para, node.content)
        text = "".join("\n" if run is LINE_BREAK else run for run, _ in runs)
        lead_in = text.endswith(":") or (runs and all(b and r is not LINE_BREAK for r, b in runs))
        if lead_in and not isinstance(container, _Cell):
            # "Points to draw out:" or a bold question introduces what follows:
            # never leave it alone at the foot of a page.
            _keep_with_next(para._p)

    def answer(self, node: m.Answer, container, width, in_note):
        _inline(self.paragraph(container, "Answer"), node.content)

    def listing(self, node: m.ListBlock, container, width, in_note):
        style = "List Number" if node.numbered else "List Bullet"
        num_id = self._restarted_num(style) if node.numbered else None
        for li in node.items:
            para = self.paragraph(container, "Note" if in_note else style)
            if in_note:  # a list inside a shaded note: Note look, the list's numbering
                # Same indents as the Note paragraphs (the numbering's own would shift
                # this paragraph), so Word and LibreOffice draw one shaded box.
                num_id = num_id or self._style_num_id(style)
                note_format = self.style("Note").paragraph_format
                para.paragraph_format.left_indent = note_format.left_indent or Twips(0)
                para.paragraph_format.first_line_indent = Twips(0)
            if num_id is not None:
                _set_num(para, num_id)
            _inline(para, li)
        if not in_note and node.items:
            para.paragraph_format.space_after = Pt(LIST_END_PT)  # list items sit closer

    def table(self, node: m.Table, container, width, in_note):
        ncols = node.columns
        if not ncols:
            return
        self._flush_page_break(container)
        col_widths = _column_widths(node.widths, ncols, width)
        table = container.add_table(rows=0, cols=ncols)
        table._tbl.tblPr.style = self.style_ids["Table Grid"]
        _fix_table_width(table, col_widths)
        heading_rows = True
        for row in node.rows:
            heading_rows = heading_rows and row.is_header  # header rows repeat on each page
            cells = _add_row(table, col_widths, header=heading_rows)
            for cell, content in zip(cells, row.cells):
                para = cell.paragraphs[0]
                if content.tick:
                    # The glyph and its label: a screen reader says what the box is for.
                    _tick(para, content.tick.checked)
                    _add_run(para, " " + _clean(content.tick.label))
                    continue
                _inline(para, content.content, bold=content.header)
                if content.header:
                    _shade(cell, HEADER_SHADING)

    def box(self, node: m.Box, container, width, in_note):
        """An activity box: a one-cell table whose row may not split across pages.
        A breakable box (a long story) is a titled run of paragraphs instead: word
        processors move a table whole to the next page after a kept-with-next heading."""
        if node.breakable:
            if node.title:
                _add_run(self.paragraph(container, "Heading 3"), _clean(node.title))
            self.blocks(node.blocks, container, width, in_note)
            return
        self._flush_page_break(container)
        table = container.add_table(rows=1, cols=1)
        table._tbl.tblPr.style = self.style_ids["Box"]
        _fix_table_width(table, [width])
        _row_flag(table.rows[0], "w:cantSplit")
        cell = table.cell(0, 0)
        cell.width = Twips(width)
        first = cell._tc.find(_P)
        if node.title:
            title = self.paragraph(cell, "Heading 3")
            _add_run(title, _clean(node.title))
            title.paragraph_format.space_before = Twips(0)
        self.blocks(node.blocks, cell, width - 2 * _cell_margin(self.style("Box")), in_note)
        cell._tc.remove(first)  # the empty paragraph every new cell starts with
        if cell._tc[-1].tag != qn("w:p"):
            cell.add_paragraph()  # Word requires a cell to end with a paragraph
        for p in cell._tc.findall(_P)[:-1]:
            _keep_with_next(p)

    def note(self, node: m.Note, container, width, in_note):
        start = len(_block_parent(container).findall(_P))
        if node.title:
            title = self.paragraph(container, "Note")
            _add_run(title, _clean(node.title), bold=True)
        self.blocks(node.blocks, container, width, in_note=True)
        for p in _block_parent(container).findall(_P)[start:-1]:
            _keep_with_next(p)  # a call-out reads as one piece

    def checklist(self, node: m.Checklist, container, width, in_note):
        for item in node.items:
            para = self.paragraph(container, "Checklist")
            _tick(para, item.checked)
            _add_run(para, "\t")
            _inline(para, item.content)

    def fields(self, node: m.Fields, container, width, in_note):
        """"Name: ____  Class: ____": each label, its text, then a tab whose underscore
        leader draws the line to write on; a screen reader reads the labels."""
        para = self.paragraph(container, "Normal")
        fields = node.fields or (m.Field("Name"),)
        gap = 340  # twips between one field's line and the next label
        for i, field in enumerate(fields):
            stop = round(width * (i + 1) / len(fields)) - (gap if i < len(fields) - 1 else 0)
            para.paragraph_format.tab_stops.add_tab_stop(
                Twips(stop), WD_TAB_ALIGNMENT.LEFT, WD_TAB_LEADER.LINES)
            if i:
                _add_run(para, "\u00a0" * 3)  # clear of the previous line
            _add_run(para, _clean(field.label) + ":", bold=True)
            value = _MARKUP_SPACE.sub(" ", _clean(field.value)).strip()
            _add_run(para, f" {value}\t" if value else " \t")
        para.paragraph_format.space_before = Pt(6)
        para.paragraph_format.space_after = Pt(10)

    def lines(self, node: m.Lines, container, width, in_note):
        for _ in range(max(0, min(node.count, MAX_LINES))):
            self.paragraph(container, "Write-in Line")

    def pagebreak(self, node: m.PageBreak, container, width, in_note):
        if container is self.doc:  # a break inside a box or table cell means nothing
            self.page_break_pending = True  # on the next paragraph: no stray empty line

    def _flush_page_break(self, container) -> None:
        """A table cannot carry page-break-before: give it a paragraph holding the break."""
        if self.page_break_pending and container is self.doc:
            self.page_break_pending = False
            self.doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)

    def _style_num_id(self, style: str) -> int | None:
        num_pr = self.style(style).element.pPr
        num_pr = num_pr.find(qn("w:numPr")) if num_pr is not None else None
        num_id = num_pr.find(qn("w:numId")) if num_pr is not None else None
        return int(num_id.get(qn("w:val"))) if num_id is not None else None

    def _restarted_num(self, style: str) -> int | None:
        """A new w:num for one <ol>, so every numbered list starts again at 1."""
        base = self._style_num_id(style)
        if base is None or self.numbering is None:
            return None
        try:
            num = self.numbering.num_having_numId(base)
        except KeyError:  # a hand-made reference may point at a missing definition
            return None
        new = self.numbering.add_num(num.abstractNumId.val)
        new.add_lvlOverride(ilvl=0).add_startOverride(1)
        return new.numId

    _HANDLERS = {
        m.Heading: heading, m.Paragraph: para, m.Answer: answer, m.ListBlock: listing,
        m.Table: table, m.Box: box, m.Note: note, m.Checklist: checklist, m.Lines: lines,
        m.Fields: fields, m.PageBreak: pagebreak,
    }  # fmt: skip


def _block_parent(container):
    """The XML element holding a document body's or a table cell's blocks."""
    return container._tc if isinstance(container, _Cell) else container.element.body


def _last_block_tag(container) -> str | None:
    """Tag of the last paragraph or table in a document body or table cell."""
    for child in reversed(_block_parent(container)):
        if child.tag in _BLOCK_TAGS:
            return child.tag
    return None


def _has_numbering(doc) -> bool:
    try:
        doc.part.numbering_part
    except NotImplementedError:
        return False
    return True


def _inline(para, content: m.Inline, bold: bool = False) -> list[tuple[object, bool]]:
    """Add inline content (text, bold, line breaks) as runs, whitespace collapsed like
    HTML. Returns the runs written: (text or LINE_BREAK, bold)."""
    pieces: list[tuple[str, bool]] = []

    def walk(items: m.Inline, is_bold: bool) -> None:
        for item in items:
            if isinstance(item, str):
                pieces.append((item, is_bold))
            elif isinstance(item, m.Break):
                pieces.append((LINE_BREAK, is_bold))
            else:
                walk(item.content, True)

    walk(content, bold)
    text_so_far = ""
    runs: list[list] = []
    for raw, is_bold in pieces:
        if raw is LINE_BREAK:
            text_so_far = text_so_far.rstrip(" ") + "\n"
            if runs and runs[-1][0] is not LINE_BREAK:
                runs[-1][0] = runs[-1][0].rstrip(" ")
            runs.append([LINE_BREAK, is_bold])
            continue
        text = _MARKUP_SPACE.sub(" ", _clean(raw))
        if text.startswith(" ") and (not text_so_far or text_so_far.endswith((" ", "\n"))):
            text = text[1:]
        if not text:
            continue
        text_so_far += text
        if runs and runs[-1][1] == is_bold and runs[-1][0] is not LINE_BREAK:
            runs[-1][0] += text
        else:
            runs.append([text, is_bold])
    if runs and runs[-1][0] is not LINE_BREAK:
        runs[-1][0] = runs[-1][0].rstrip(" ")
    written = [(text, is_bold) for text, is_bold in runs if text]
    for text, is_bold in written:
        _add_run(para, "\n" if text is LINE_BREAK else text, bold=is_bold and text is not LINE_BREAK)
    return written


def _tick(para, checked: bool) -> None:
    _add_run(para, BALLOT_BOX_X if checked else BALLOT_BOX, font=SYMBOL_FONT)


def _clean(text: str) -> str:
    return _ILLEGAL_XML.sub("", text)


# Paragraphs and runs are built with lxml directly: python-docx's generic element API
# looks up every possible sibling in schema order on each insert, and its run-text
# setter handles one character at a time. A document is thousands of these; the XML is
# exactly what python-docx writes.
_P, _PPR, _PSTYLE, _R, _RPR, _B, _RFONTS, _T, _TAB, _BR, _SECTPR, _VAL, _XML_SPACE = (
    qn(tag) for tag in ("w:p", "w:pPr", "w:pStyle", "w:r", "w:rPr", "w:b", "w:rFonts", "w:t",
                        "w:tab", "w:br", "w:sectPr", "w:val", "xml:space")
)
_TR, _TRPR, _CANT_SPLIT, _TBL_HEADER, _TC, _TCPR, _TCW, _SHD, _W, _TYPE, _COLOR, _FILL = (
    qn(tag) for tag in ("w:tr", "w:trPr", "w:cantSplit", "w:tblHeader", "w:tc", "w:tcPr",
                        "w:tcW", "w:shd", "w:w", "w:type", "w:color", "w:fill")
)
_KEEP_NEXT, _TBL, _NUM_PR, _ILVL, _NUM_ID = (
    qn(tag) for tag in ("w:keepNext", "w:tbl", "w:numPr", "w:ilvl", "w:numId"))
_BLOCK_TAGS = (_P, _TBL)
# pPr children that come before w:numPr, in schema order.
_BEFORE_NUM_PR = frozenset(qn(f"w:{tag}") for tag in (
    "pStyle", "keepNext", "keepLines", "pageBreakBefore", "framePr", "widowControl"))
_FONT_ATTRS = tuple(qn(attr) for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"))
_RUN_SPECIALS = re.compile("([\t\r\n])")  # a tab, or a line break, as its own element


def _add_paragraph(container, style_id: str) -> Paragraph:
    """A new styled paragraph at the end of a document body (before its sectPr) or cell."""
    if isinstance(container, _Cell):
        parent, owner = container._tc, container
    else:
        parent, owner = container.element.body, container._body
    p = parent.makeelement(_P)
    if len(parent) and parent[-1].tag == _SECTPR:
        parent[-1].addprevious(p)
    else:
        parent.append(p)
    SubElement(SubElement(p, _PPR), _PSTYLE).set(_VAL, style_id)
    return Paragraph(p, owner)


def _keep_with_next(p) -> None:
    """w:keepNext on paragraph element p, in schema order: right after its style, if any."""
    ppr = p.get_or_add_pPr()
    if ppr.find(_KEEP_NEXT) is None:
        style = ppr.find(_PSTYLE)
        if style is not None:
            style.addnext(ppr.makeelement(_KEEP_NEXT))
        else:
            ppr.insert(0, ppr.makeelement(_KEEP_NEXT))


def _add_run(para, text: str = "", *, bold: bool = False, font: str | None = None):
    """Append a run holding `text` (tabs and line breaks as w:tab and w:br) to a paragraph."""
    r = SubElement(para._p, _R)
    if bold or font:
        rpr = SubElement(r, _RPR)
        if font:
            rfonts = SubElement(rpr, _RFONTS)
            for attr in _FONT_ATTRS:
                rfonts.set(attr, font)
        if bold:
            SubElement(rpr, _B)
    for piece in _RUN_SPECIALS.split(text) if _RUN_SPECIALS.search(text) else (text,):
        if piece == "\t":
            SubElement(r, _TAB)
        elif piece in ("\r", "\n"):
            SubElement(r, _BR)
        elif piece:
            t = SubElement(r, _T)
            t.text = piece
            if len(piece.strip()) < len(piece):  # as python-docx: keep edge whitespace
                t.set(_XML_SPACE, "preserve")
    return r


def _set_num(para, num_id: int) -> None:
    """w:numPr (level 0 of list num_id) on a new paragraph, in schema order."""
    ppr = para._p.get_or_add_pPr()
    num_pr = ppr.makeelement(_NUM_PR)
    ppr.insert(sum(1 for child in ppr if child.tag in _BEFORE_NUM_PR), num_pr)
    SubElement(num_pr, _ILVL).set(_VAL, "0")
    SubElement(num_pr, _NUM_ID).set(_VAL, str(num_id))


def _column_widths(spec: tuple[float, ...] | None, ncols: int, width: int) -> list[int]:
    """Per-cent widths (checked by the markup parser) as twips; equal columns if absent."""
    parts = list(spec) if spec and len(spec) == ncols else [1.0] * ncols
    total = sum(parts)
    return [round(width * p / total) for p in parts]


def _fix_table_width(table, col_widths: list[int]) -> None:
    """Full text width, fixed layout: Word reads tcW, LibreOffice reads gridCol."""
    table.autofit = False
    tbl_pr = table._tbl.tblPr
    tbl_w = tbl_pr.find(qn("w:tblW"))
    if tbl_w is None:
        tbl_w = OxmlElement("w:tblW")
        tbl_pr.insert_element_before(
            tbl_w, "w:jc", "w:tblCellSpacing", "w:tblInd", "w:tblBorders", "w:shd",
            "w:tblLayout", "w:tblCellMar", "w:tblLook", "w:tblCaption", "w:tblDescription",
        )
    tbl_w.set(qn("w:w"), str(sum(col_widths)))
    tbl_w.set(qn("w:type"), "dxa")
    for col, w in zip(table.columns, col_widths):
        col.width = Twips(w)


def _row_flag(row, tag: str) -> None:
    """Set an on/off row property (w:cantSplit, w:tblHeader), in schema order."""
    tr_pr = row._tr.get_or_add_trPr()
    if tr_pr.find(qn(tag)) is None:
        tr_pr.insert_element_before(
            OxmlElement(tag),
            *(("w:tblHeader",) if tag == "w:cantSplit" else ()),
            "w:tblCellSpacing", "w:jc", "w:hidden", "w:ins", "w:del", "w:trPrChange",
        )


def _add_row(table, col_widths: list[int], header: bool) -> list[_Cell]:
    """A row that never splits across pages (a header row repeats on each), one cell per
    column, each cell of its column's width and holding one empty paragraph."""
    tr = SubElement(table._tbl, _TR)
    tr_pr = SubElement(tr, _TRPR)
    SubElement(tr_pr, _CANT_SPLIT)
    if header:
        SubElement(tr_pr, _TBL_HEADER)
    cells = []
    for width in col_widths:
        tc = SubElement(tr, _TC)
        tc_w = SubElement(SubElement(tc, _TCPR), _TCW)
        tc_w.set(_TYPE, "dxa")
        tc_w.set(_W, str(width))
        SubElement(tc, _P)
        cells.append(_Cell(tc, table))
    return cells


def _shade(cell, fill: str) -> None:
    """Cell shading; the cell's properties hold only its width (w:tcW) before it."""
    shd = SubElement(cell._tc.tcPr, _SHD)
    shd.set(_VAL, "clear")
    shd.set(_COLOR, "auto")
    shd.set(_FILL, fill)


def _cell_margin(table_style) -> int:
    """The larger left/right cell margin a table style sets, in twips (Word's 108 default)."""
    margins = table_style.element.find(f"{qn('w:tblPr')}/{qn('w:tblCellMar')}")
    values = [108]
    if margins is not None:
        for side in ("w:left", "w:right", "w:start", "w:end"):
            el = margins.find(qn(side))
            if el is not None and el.get(qn("w:w"), "").isdigit():
                values.append(int(el.get(qn("w:w"))))
    return max(values)


# --- header, footer, properties ------------------------------------------------------


def _write_headers_and_footers(doc, meta: DocMeta, style_ids: dict[str, str],
                               logo: Path | None) -> None:
    """Header: left and right text; footer: force name and "Page X of Y".

    Text paragraphs in the reference's header/footer are replaced (they are samples);
    paragraphs holding a picture (a force logo) and tables are kept.
    """
    for section in doc.sections:
        width = _text_width(section)
        for header, footer in _used_header_footer_pairs(doc, section):
            para = _replace_text_paragraphs(doc, header, "Header", width, style_ids)
            if logo:  # the force's logo, about two lines tall, before the title
                para.add_run().add_picture(str(logo), height=Pt(20))
                _add_run(para, " ")
            _add_run(para, _clean(meta.header_left))
            _add_run(para, "\t")
            _add_run(para, _clean(meta.header_right))
            para = _replace_text_paragraphs(doc, footer, "Footer", width, style_ids)
            _add_run(para, _clean(meta.footer))
            _add_run(para, "\tPage ")
            add_field(para, "PAGE")
            _add_run(para, " of ")
            add_field(para, "NUMPAGES")


def _used_header_footer_pairs(doc, section):
    """The default header/footer, plus first-page and even-page ones the reference uses."""
    pairs = [(section.header, section.footer)]
    if section.different_first_page_header_footer:
        pairs.append((section.first_page_header, section.first_page_footer))
    if doc.settings.odd_and_even_pages_header_footer:
        pairs.append((section.even_page_header, section.even_page_footer))
    return pairs


def _replace_text_paragraphs(doc, part, style: str, width: int, style_ids: dict[str, str]):
    part.is_linked_to_previous = False
    keep = (qn("w:drawing"), qn("w:pict"), qn("w:object"))
    for para in part.paragraphs:
        if not any(next(para._p.iter(tag), None) is not None for tag in keep):
            para._p.getparent().remove(para._p)
    para = part.add_paragraph()
    if style in style_ids:
        SubElement(SubElement(para._p, _PPR), _PSTYLE).set(_VAL, style_ids[style])
    tabs = para.paragraph_format.tab_stops
    if style in style_ids:  # the style's own tab stops would catch our one tab
        style_tabs = doc.styles[style].paragraph_format.tab_stops
        for stop in style_tabs:
            if stop.position != Twips(width) or stop.alignment != WD_TAB_ALIGNMENT.RIGHT:
                tabs.add_tab_stop(stop.position, WD_TAB_ALIGNMENT.CLEAR)
        if any(stop.position == Twips(width) and stop.alignment == WD_TAB_ALIGNMENT.RIGHT
               for stop in style_tabs):
            return para
    tabs.add_tab_stop(Twips(width), WD_TAB_ALIGNMENT.RIGHT)
    return para


def add_field(para, instruction: str, placeholder: str = "1") -> None:
    """A Word field (PAGE, NUMPAGES, ...) as begin/instr/separate/result/end runs."""

    def run_with(child):
        _add_run(para).append(child)

    begin = OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    run_with(begin)
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = f" {instruction} "
    run_with(instr)
    separate = OxmlElement("w:fldChar")
    separate.set(qn("w:fldCharType"), "separate")
    run_with(separate)
    _add_run(para, placeholder)  # shown until Word updates the field
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    run_with(end)


def _set_core_properties(doc, meta: DocMeta, when: datetime) -> None:
    props = doc.core_properties
    props.title = _clean(meta.title)
    props.subject = _clean(meta.subject)
    props.author = _clean(meta.author)
    props.language = meta.lang
    props.created = when
    props.modified = when
    props.last_modified_by = "lessonpack"
    props.revision = 1
    # Whatever the reference's own properties said does not describe this document.
    props.keywords = props.comments = props.category = props.content_status = ""
    props.identifier = props.version = ""


def deterministic_zip(data: bytes) -> bytes:
    """Rewrite a zip package with fixed timestamps, sorted entries and fixed compression."""
    with zipfile.ZipFile(io.BytesIO(data)) as src:
        return _zip_entries({info.filename: src.read(info) for info in src.infolist()})


def _package_entries(doc) -> dict[str, bytes]:
    """What doc.save() would zip, by zip entry name: python-docx's own package writer
    steps, handed a collector instead of a zip file, so the entries are not compressed
    only to be read back by deterministic_zip."""
    from docx.opc.pkgwriter import PackageWriter

    entries: dict[str, bytes] = {}

    class Collector:
        def write(self, pack_uri, blob: bytes) -> None:
            entries[pack_uri.membername] = blob

    package, collector = doc.part.package, Collector()
    for part in package.parts:
        part.before_marshal()
    PackageWriter._write_content_types_stream(collector, package.parts)
    PackageWriter._write_pkg_rels(collector, package.rels)
    PackageWriter._write_parts(collector, package.parts)
    return entries


def _zip_entries(entries: dict[str, bytes]) -> bytes:
    """A zip of `entries` with fixed timestamps, sorted entries and fixed compression."""
    # [Content_Types].xml first, as Word writes it; then a stable order.
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


render_docx = render

__all__ = ["render", "render_docx", "deterministic_zip", "add_field", "REQUIRED_STYLES", "FIXED_DATE"]
