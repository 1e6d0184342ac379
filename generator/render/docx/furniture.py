"""Page furniture: the header (title, band, logo), the footer ("Page X of Y" fields)."""

from __future__ import annotations

from pathlib import Path

from docx.enum.text import WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt, Twips
from lxml.etree import SubElement

from .. import DocMeta
from .reference import _text_width
from .wordxml import _PPR, _PSTYLE, _VAL, _add_run, _clean
from .docx_private import xml


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
        if not any(next(xml(para).iter(tag), None) is not None for tag in keep):
            xml(para).getparent().remove(xml(para))
    para = part.add_paragraph()
    if style in style_ids:
        SubElement(SubElement(xml(para), _PPR), _PSTYLE).set(_VAL, style_ids[style])
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
