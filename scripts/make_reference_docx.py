"""Build templates/reference.docx, the Word reference document every .docx starts from.

    python scripts/make_reference_docx.py [OUTPUT]     (default: templates/reference.docx)

The reference document holds the look of every Word file lessonpack writes: page
set-up (A4, 2.5 cm side margins, room at the top for the header), fonts, sizes,
spacing and the named styles the renderer applies (generator.render.docx.REQUIRED_STYLES).
The renderer keeps its styles, page set-up and any pictures in its header/footer,
and replaces its body and the sample text of its header and footer.

Layout follows the British Dyslexia Association style guide: Arial (installed
everywhere), body 12 pt, line spacing 1.3, left-aligned, bold for emphasis and never
italics, near-black text and grey shading that print well in greyscale. The proofing
language is British English (w:lang en-GB in the style defaults).

A force can brand it: open it in Word, change styles (Modify Style), put a logo in the
header, save as .docx, and pass it to lessonpack. Run this script again to get the
original back; the output is byte-identical on every run.
"""

from __future__ import annotations

import io
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import docx  # noqa: E402
from docx.oxml import parse_xml  # noqa: E402
from docx.oxml.ns import nsdecls, qn  # noqa: E402
from docx.shared import Twips  # noqa: E402

from generator.render.docx import FIXED_DATE, add_field, deterministic_zip  # noqa: E402

FONT = "Arial"
TEXT = "1A1A1A"  # near black
HEADING = "1F2A44"  # dark navy: reads as black in greyscale
RULE = "595959"  # borders
NOTE_FILL = "F2F2F2"  # light grey shading

# A4, in twips (1 cm = 567 twips).
PAGE_W, PAGE_H = 11906, 16838
MARGIN_SIDE, MARGIN_TOP, MARGIN_BOTTOM = 1418, 1701, 1418
HEADER_DIST = FOOTER_DIST = 709

W = nsdecls("w")


def ppr(inner: str) -> str:
    return f"<w:pPr {W}>{inner}</w:pPr>"


def rpr(inner: str) -> str:
    return f"<w:rPr {W}>{inner}</w:rPr>"


def font(size_pt: float, colour: str = TEXT, bold: bool = False) -> str:
    """Run properties in schema order: fonts, bold, colour, size."""
    b = "<w:b/><w:bCs/>" if bold else ""
    half = round(size_pt * 2)
    return (
        f'<w:rFonts w:ascii="{FONT}" w:hAnsi="{FONT}" w:cs="{FONT}" w:eastAsia="{FONT}"/>'
        f'{b}<w:color w:val="{colour}"/><w:sz w:val="{half}"/><w:szCs w:val="{half}"/>'
    )


def border(side: str, size: int = 6, space: int = 4, colour: str = RULE) -> str:
    return f'<w:{side} w:val="single" w:sz="{size}" w:space="{space}" w:color="{colour}"/>'


# styleId -> (pPr inner XML, rPr inner XML). Existing built-in styles are restyled in
# place (keeping their names and links); the rest are added as custom styles.
BUILT_IN = {
    "Normal": ("", ""),
    "Title": (
        '<w:keepNext/><w:spacing w:before="0" w:after="240" w:line="240" w:lineRule="auto"/>',
        font(26, HEADING, bold=True),
    ),
    "Heading1": (
        '<w:keepNext/><w:keepLines/><w:spacing w:before="0" w:after="200"'
        ' w:line="264" w:lineRule="auto"/><w:outlineLvl w:val="0"/>',
        font(22, HEADING, bold=True),
    ),
    "Heading2": (
        '<w:keepNext/><w:keepLines/><w:spacing w:before="360" w:after="120"'
        ' w:line="264" w:lineRule="auto"/><w:outlineLvl w:val="1"/>',
        font(16, HEADING, bold=True),
    ),
    "Heading3": (
        '<w:keepNext/><w:keepLines/><w:spacing w:before="240" w:after="80"'
        ' w:line="264" w:lineRule="auto"/><w:outlineLvl w:val="2"/>',
        font(13, HEADING, bold=True),
    ),
    "ListBullet": ('<w:numPr><w:numId w:val="1"/></w:numPr><w:spacing w:after="80"/>', ""),
    "ListNumber": ('<w:numPr><w:numId w:val="5"/></w:numPr><w:spacing w:after="80"/>', ""),
    "Header": (
        f'<w:pBdr>{border("bottom", 4, 4)}</w:pBdr><w:tabs><w:tab w:val="right"'
        f' w:pos="{PAGE_W - 2 * MARGIN_SIDE}"/></w:tabs>'
        '<w:spacing w:after="0" w:line="240" w:lineRule="auto"/>',
        font(10, "404040"),
    ),
    "Footer": (
        f'<w:pBdr>{border("top", 4, 4)}</w:pBdr><w:tabs><w:tab w:val="right"'
        f' w:pos="{PAGE_W - 2 * MARGIN_SIDE}"/></w:tabs>'
        '<w:spacing w:after="0" w:line="240" w:lineRule="auto"/>',
        font(10, "404040"),
    ),
}

# styleId -> (name, pPr inner, rPr inner)
CUSTOM = {
    "Answer": (
        "Answer",
        f'<w:pBdr>{border("left", 18, 8, HEADING)}</w:pBdr><w:spacing w:after="160"/>'
        '<w:ind w:left="284"/>',
        font(12, HEADING),
    ),
    "Note": (
        "Note",
        f'<w:pBdr>{border("top")}{border("left", 6, 6)}{border("bottom")}'
        f'{border("right", 6, 6)}</w:pBdr><w:shd w:val="clear" w:color="auto"'
        f' w:fill="{NOTE_FILL}"/><w:spacing w:before="0" w:after="0"/>'
        '<w:ind w:left="170" w:right="170"/>',
        "",
    ),
    "Small": ("Small", '<w:spacing w:after="120"/>', font(10, "333333")),
    "Checklist": (
        "Checklist",
        '<w:tabs><w:tab w:val="left" w:pos="454"/></w:tabs><w:spacing w:after="100"/>'
        '<w:ind w:left="454" w:hanging="454"/>',
        "",
    ),
    "WriteinLine": (
        "Write-in Line",
        f'<w:pBdr>{border("bottom", 4, 1, "7F7F7F")}{border("between", 4, 1, "7F7F7F")}'
        '</w:pBdr><w:spacing w:before="0" w:after="0" w:line="500" w:lineRule="exact"/>',
        "",
    ),
}


def main(argv: list[str]) -> int:
    out = Path(argv[1]) if len(argv) > 1 else ROOT / "templates" / "reference.docx"
    doc = docx.Document()  # python-docx's own template: all built-in styles, numbering
    drop_unused_parts(doc)
    set_defaults(doc)
    restyle(doc)
    set_list_indents(doc)
    set_page(doc)
    write_samples(doc)
    set_properties(doc)
    buf = io.BytesIO()
    doc.save(buf)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(deterministic_zip(buf.getvalue()))
    print(f"wrote {out}")
    return 0


def drop_unused_parts(doc) -> None:
    """Keep the reference small, so every render parses less.

    The thumbnail shows python-docx's sample page; stylesWithEffects.xml is a Word 2010
    copy of the styles that newer Word ignores; the 140 table styles other than Table
    Grid are never applied (Word still offers its built-in ones).
    """
    for rels in (doc.part.package.rels, doc.part.rels):
        for rid, rel in list(rels.items()):
            if rel.reltype.endswith(("/thumbnail", "/stylesWithEffects")):
                del rels[rid]
    styles = doc.styles.element
    for style in list(styles.iterfind(qn("w:style"))):
        if style.get(qn("w:type")) == "table" and style.get(qn("w:styleId")) not in (
            "TableNormal",
            "TableGrid",
        ):
            styles.remove(style)


def set_defaults(doc) -> None:
    """Arial 12 pt, 1.3 lines, British English, for everything that says nothing else."""
    styles = doc.styles.element
    old = styles.find(qn("w:docDefaults"))
    lang = '<w:lang w:val="en-GB"/>'
    new = parse_xml(
        f"<w:docDefaults {W}><w:rPrDefault>{rpr(font(12) + lang)}"
        '</w:rPrDefault><w:pPrDefault><w:pPr><w:spacing w:after="160" w:line="312"'
        ' w:lineRule="auto"/></w:pPr></w:pPrDefault></w:docDefaults>'
    )
    styles.replace(old, new)
    theme_lang = doc.settings.element.find(qn("w:themeFontLang"))
    if theme_lang is not None:
        theme_lang.set(qn("w:val"), "en-GB")
        theme_lang.attrib.pop(qn("w:eastAsia"), None)


def restyle(doc) -> None:
    styles = doc.styles.element
    for style in styles.iterfind(qn("w:style")):
        sanitise(style)
    for style_id, (p, r) in BUILT_IN.items():
        style = styles.find(f"{qn('w:style')}[@{qn('w:styleId')}='{style_id}']")
        replace_props(style, p, r)
    for style_id, (name, p, r) in CUSTOM.items():
        style = parse_xml(
            f'<w:style {W} w:type="paragraph" w:customStyle="1" w:styleId="{style_id}">'
            f'<w:name w:val="{name}"/><w:basedOn w:val="Normal"/>'
            '<w:next w:val="Normal"/><w:uiPriority w:val="10"/><w:qFormat/>'
            f"{ppr(p)}{rpr(r)}</w:style>"
        )
        styles.append(style)
    # The activity box: a one-cell bordered table; keeps body spacing inside.
    styles.append(
        parse_xml(
            f'<w:style {W} w:type="table" w:customStyle="1" w:styleId="Box">'
            '<w:name w:val="Box"/><w:basedOn w:val="TableNormal"/><w:uiPriority w:val="10"/>'
            f'<w:tblPr><w:tblBorders>{border("top", 12, 0)}{border("left", 12, 0)}'
            f'{border("bottom", 12, 0)}{border("right", 12, 0)}</w:tblBorders>'
            '<w:tblCellMar><w:top w:w="142" w:type="dxa"/><w:left w:w="198" w:type="dxa"/>'
            '<w:bottom w:w="57" w:type="dxa"/><w:right w:w="198" w:type="dxa"/>'
            "</w:tblCellMar></w:tblPr></w:style>"
        )
    )
    # Table Grid: grey rules, a little air in the cells.
    grid = styles.find(f"{qn('w:style')}[@{qn('w:styleId')}='TableGrid']")
    cell_spacing = '<w:spacing w:before="40" w:after="40" w:line="264" w:lineRule="auto"/>'
    replace_props(grid, cell_spacing, "")
    for side in grid.iter():
        if side.get(qn("w:val")) == "single":
            side.set(qn("w:color"), RULE)
    for margin in ("top", "bottom"):
        el = grid.find(f".//{qn('w:tblCellMar')}/{qn('w:' + margin)}")
        el.set(qn("w:w"), "57")


def sanitise(style) -> None:
    """No italics, no theme fonts or colours: every style prints dark, in Arial."""
    for tag in ("w:i", "w:iCs"):
        for el in list(style.iter(qn(tag))):
            el.getparent().remove(el)
    if style.get(qn("w:type")) == "table":
        return
    for rfonts in list(style.iter(qn("w:rFonts"))):
        rfonts.getparent().remove(rfonts)  # the defaults' Arial applies instead
    for colour in style.iter(qn("w:color")):
        colour.attrib.clear()
        colour.set(qn("w:val"), TEXT)


def replace_props(style, p: str, r: str) -> None:
    """Replace a style's pPr and rPr with ours, in schema order (before trPr/tcPr/...)."""
    for tag in ("w:pPr", "w:rPr"):
        old = style.find(qn(tag))
        if old is not None:
            style.remove(old)
    anchor = next(
        (c for c in style if c.tag in (qn("w:tblPr"), qn("w:trPr"), qn("w:tcPr"),
                                       qn("w:tblStylePr"))),
        None,
    )
    for el in (parse_xml(ppr(p)) if p else None, parse_xml(rpr(r)) if r else None):
        if el is None:
            continue
        if anchor is None:
            style.append(el)
        else:
            anchor.addprevious(el)


def set_list_indents(doc) -> None:
    """Bullets and numbers 0.3 cm in, text at 1 cm: easy to follow, not too deep."""
    numbering = doc.part.numbering_part.element
    for lvl in numbering.iter(qn("w:lvl")):
        if lvl.get(qn("w:ilvl")) != "0":
            continue
        ind = lvl.find(f"{qn('w:pPr')}/{qn('w:ind')}")
        tab = lvl.find(f"{qn('w:pPr')}/{qn('w:tabs')}/{qn('w:tab')}")
        if ind is not None and ind.get(qn("w:left")) == "360":
            ind.set(qn("w:left"), "567")
            ind.set(qn("w:hanging"), "397")
            if tab is not None:
                tab.set(qn("w:pos"), "567")


def set_page(doc) -> None:
    section = doc.sections[0]
    section.page_width, section.page_height = Twips(PAGE_W), Twips(PAGE_H)
    section.left_margin = section.right_margin = Twips(MARGIN_SIDE)
    section.top_margin, section.bottom_margin = Twips(MARGIN_TOP), Twips(MARGIN_BOTTOM)
    section.header_distance, section.footer_distance = Twips(HEADER_DIST), Twips(FOOTER_DIST)
    header = section.header.paragraphs[0]
    header.style = doc.styles["Header"]
    header.add_run("Lesson title (lessonpack writes this)\tAge band")
    footer = section.footer.paragraphs[0]
    footer.style = doc.styles["Footer"]
    footer.add_run("Force name\tPage ")
    add_field(footer, "PAGE")
    footer.add_run(" of ")
    add_field(footer, "NUMPAGES")


def write_samples(doc) -> None:
    """One paragraph per style, so whoever restyles this in Word sees each one."""
    doc.add_paragraph("Heading 1: the document title", style="Heading 1")
    doc.add_paragraph(
        "Normal: body text. lessonpack replaces everything in this body with the"
        " document's own content; only the styles, page set-up, header and footer stay.",
        style="Normal",
    )
    doc.add_paragraph("Heading 2: a section", style="Heading 2")
    doc.add_paragraph("List Bullet: a bullet point", style="List Bullet")
    doc.add_paragraph("List Number: a numbered step", style="List Number")
    doc.add_paragraph("Heading 3: a subsection or activity title", style="Heading 3")
    doc.add_paragraph("Answer: an answer in the answer key", style="Answer")
    doc.add_paragraph("Note: a shaded call-out, such as a safeguarding reminder", style="Note")
    doc.add_paragraph("Small: sources and small print", style="Small")
    doc.add_paragraph("\u2610\tChecklist: a tick-box item", style="Checklist")
    doc.add_paragraph("", style="Write-in Line")
    doc.add_paragraph("", style="Write-in Line")
    table = doc.add_table(rows=2, cols=2, style="Table Grid")
    table.cell(0, 0).text, table.cell(0, 1).text = "Table Grid", "header row"
    table.cell(1, 0).text, table.cell(1, 1).text = "body", "cells"
    box = doc.add_table(rows=1, cols=1, style="Box")
    box.cell(0, 0).text = "Box: an activity, kept on one page"


def set_properties(doc) -> None:
    props = doc.core_properties
    props.title = "lessonpack reference document"
    props.subject = "Styles for lessonpack Word documents"
    props.author = "lessonpack"
    props.last_modified_by = "lessonpack"
    props.comments = ""
    props.language = "en-GB"
    props.created = props.modified = FIXED_DATE
    props.revision = 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
