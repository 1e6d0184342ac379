"""Low-level WordprocessingML: paragraphs, runs, rows and cells made with lxml directly."""

from __future__ import annotations

import re

from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Twips
from docx.text.paragraph import Paragraph
from lxml.etree import SubElement

from .docx_private import body_of, is_cell, new_cell, xml

# XML 1.0 cannot hold these; python-docx would raise ValueError on them.
_ILLEGAL_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def _block_parent(container):
    """The XML element holding a document body's or a table cell's blocks."""
    return xml(container) if is_cell(container) else container.element.body


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
    if is_cell(container):
        parent, owner = xml(container), container
    else:
        parent, owner = container.element.body, body_of(container)
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
    r = SubElement(xml(para), _R)
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
    ppr = xml(para).get_or_add_pPr()
    num_pr = ppr.makeelement(_NUM_PR)
    ppr.insert(sum(1 for child in ppr if child.tag in _BEFORE_NUM_PR), num_pr)
    SubElement(num_pr, _ILVL).set(_VAL, "0")
    SubElement(num_pr, _NUM_ID).set(_VAL, str(num_id))


def _fix_table_width(table, col_widths: list[int]) -> None:
    """Full text width, fixed layout: Word reads tcW, LibreOffice reads gridCol."""
    table.autofit = False
    tbl_pr = xml(table).tblPr
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
    tr_pr = xml(row).get_or_add_trPr()
    if tr_pr.find(qn(tag)) is None:
        tr_pr.insert_element_before(
            OxmlElement(tag),
            *(("w:tblHeader",) if tag == "w:cantSplit" else ()),
            "w:tblCellSpacing", "w:jc", "w:hidden", "w:ins", "w:del", "w:trPrChange",
        )


def _add_row(table, col_widths: list[int], header: bool) -> list:
    """A row that never splits across pages (a header row repeats on each), one cell per
    column, each cell of its column's width and holding one empty paragraph."""
    tr = SubElement(xml(table), _TR)
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
        cells.append(new_cell(tc, table))
    return cells


def _shade(cell, fill: str) -> None:
    """Cell shading; the cell's properties hold only its width (w:tcW) before it."""
    shd = SubElement(xml(cell).tcPr, _SHD)
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
