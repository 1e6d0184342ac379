"""Build templates/reference.pptx, the slide master every slides.pptx starts from.

    python scripts/make_reference_pptx.py [OUTPUT]     (default: templates/reference.pptx)

The reference deck holds the look of every deck lessonpack writes: a 16:9 page, the
background, colours, and three slide layouts the renderer picks by name:

    "Title Slide"         the deck's first slide: title and subtitle
    "Section Header"      the start of a story: title and a short line under it
    "Title and Content"   every other slide: title and one text box

The renderer takes each layout's title and text boxes (position and size) from here
and fills them with text it has measured against those boxes, in Arial (every school
PC has it) at fixed sizes: titles 40 pt, body 24 pt (28 pt for Key Stage 2). It keeps
the master's background, colours and any pictures on it (a logo, say).

A force can brand it: open it in PowerPoint or LibreOffice Impress, edit the slide
master (background, colours, a logo, where the title and text boxes sit), keep the
three layout names, save as .pptx and put it first in the template search path (as
with reference.docx). Run this script again to get the original back; the output is
byte-identical on every run.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from lxml import etree  # noqa: E402
from pptx import Presentation  # noqa: E402
from pptx.oxml.ns import qn  # noqa: E402
from pptx.util import Emu, Inches  # noqa: E402

from generator.render.pptx import FIXED_DATE, LAYOUTS, package_bytes  # noqa: E402
from generator.render.pptx.reference import APP_XML  # noqa: E402  (the renderer's own)

FONT = "Arial"
TEXT = "1A1A1A"  # near black
HEADING = "1F2A44"  # dark navy: reads as black in greyscale
ACCENT = "1F2A44"
WIDTH, HEIGHT = Emu(12192000), Emu(6858000)  # 13.333 x 7.5 inches: 16:9
SIDE = Inches(0.5)
CONTENT_W = WIDTH - 2 * SIDE

# layout name -> {placeholder idx: (left, top, width, height)}; idx 0 is the title.
GEOMETRY = {
    "Title Slide": {0: (SIDE, Inches(1.6), CONTENT_W, Inches(2.2)),
                    1: (SIDE, Inches(4.0), CONTENT_W, Inches(2.6))},
    "Section Header": {0: (SIDE, Inches(2.0), CONTENT_W, Inches(1.6)),
                       1: (SIDE, Inches(3.8), CONTENT_W, Inches(2.6))},
    "Title and Content": {0: (SIDE, Inches(0.3), CONTENT_W, Inches(1.3)),
                          1: (SIDE, Inches(1.7), CONTENT_W, Inches(5.5))},
}
A = "http://schemas.openxmlformats.org/drawingml/2006/main"


def main(argv: list[str]) -> int:
    out = Path(argv[1]) if len(argv) > 1 else ROOT / "templates" / "reference.pptx"
    prs = Presentation()  # python-pptx's own template: a master and eleven layouts
    prs.slide_width, prs.slide_height = WIDTH, HEIGHT
    drop_unused_parts(prs)
    set_presentation(prs)
    master = prs.slide_master
    keep_layouts(prs, master)
    set_theme_fonts(master)
    style_master(master)
    for layout in master.slide_layouts:
        place(layout, GEOMETRY[layout.name], clear_styles=True)
        for rpr in layout._element.iter(qn("a:rPr"), qn("a:endParaRPr")):
            rpr.set("lang", "en-GB")
    place(master, {0: GEOMETRY["Title and Content"][0], 1: GEOMETRY["Title and Content"][1]})
    add_rule(master)
    prs.notes_master  # noqa: B018  created now, so every deck's notes share it
    props = prs.core_properties
    props.title = "lessonpack reference slides"
    props.subject = "Slide master for lessonpack slides"
    props.author = props.last_modified_by = "lessonpack"
    props.keywords = props.comments = props.category = ""
    props.language = "en-GB"
    props.created = props.modified = FIXED_DATE
    props.revision = 1
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(package_bytes(prs))
    print(f"wrote {out}")
    return 0


def drop_unused_parts(prs) -> None:
    """No thumbnail of python-pptx's sample slide, no printer settings."""
    for rels in (prs.part.package._rels, prs.part._rels):
        for rid, rel in list(rels.items()):
            if rel.reltype.endswith(("/thumbnail", "/printerSettings")):
                rels.pop(rid)


def set_presentation(prs) -> None:
    """A widescreen page, British English as the default language, and application
    properties that do not claim PowerPoint 2011 on a Mac made the file."""
    size = prs.part._element.find(qn("p:sldSz"))
    size.attrib.pop("type", None)
    for rpr in prs.part._element.iter(qn("a:defRPr")):
        rpr.set("lang", "en-GB")
    for part in prs.part.package.iter_parts():
        if str(part.partname) == "/docProps/app.xml":
            part._blob = APP_XML




def keep_layouts(prs, master) -> None:
    """Only the layouts the renderer uses, in the order of LAYOUTS."""
    id_list = master._element.find(qn("p:sldLayoutIdLst"))
    for entry in list(id_list):
        rid = entry.get(qn("r:id"))
        layout = master.part.related_part(rid)
        if layout.slide_layout.name not in LAYOUTS:
            id_list.remove(entry)
            master.part.drop_rel(rid)


def set_theme_fonts(master) -> None:
    """Arial for headings and body, in the theme (what a new text box uses)."""
    from pptx.opc.constants import RELATIONSHIP_TYPE as RT

    theme = master.part.part_related_by(RT.THEME)
    root = etree.fromstring(theme.blob)
    for tag in ("majorFont", "minorFont"):
        latin = root.find(f".//{{{A}}}{tag}/{{{A}}}latin")
        latin.set("typeface", FONT)
    name = root.find(f".//{{{A}}}fontScheme")
    name.set("name", "lessonpack")
    theme._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def style_master(master) -> None:
    """Text styles: Arial, near-black body, navy bold titles, left-aligned, en-GB."""
    styles = master._element.find(qn("p:txStyles"))
    title = styles.find(qn("p:titleStyle")).find(qn("a:lvl1pPr"))
    title.set("algn", "l")
    _run_defaults(title, 4000, HEADING, bold=True)
    for level in styles.find(qn("p:bodyStyle")):
        if level.tag.endswith("pPr"):
            size = {"lvl1pPr": 2400}.get(etree.QName(level).localname, 2000)
            _run_defaults(level, size, TEXT)
    for level in styles.find(qn("p:otherStyle")):
        if level.tag.endswith("pPr"):
            _run_defaults(level, None, TEXT)


def _run_defaults(ppr, size, colour, bold=False) -> None:
    rpr = ppr.find(qn("a:defRPr"))
    if size:
        rpr.set("sz", str(size))
    rpr.set("lang", "en-GB")
    if bold:
        rpr.set("b", "1")
    for child in list(rpr):
        rpr.remove(child)
    fill = etree.SubElement(rpr, qn("a:solidFill"))
    etree.SubElement(fill, qn("a:srgbClr"), val=colour)
    etree.SubElement(rpr, qn("a:latin"), typeface=FONT)
    etree.SubElement(rpr, qn("a:cs"), typeface=FONT)


def place(owner, boxes: dict[int, tuple], clear_styles: bool = False) -> None:
    """Move the title and text boxes; drop the date, footer and slide-number boxes."""
    for shape in list(owner.placeholders):
        idx = shape.placeholder_format.idx
        if idx in boxes:
            shape.left, shape.top, shape.width, shape.height = (Emu(v) for v in boxes[idx])
            styles = shape._element.find(f".//{qn('a:lstStyle')}")
            if styles is not None and clear_styles:  # the master's text styles apply
                for child in list(styles):
                    styles.remove(child)
        else:
            shape._element.getparent().remove(shape._element)


def add_rule(master) -> None:
    """A navy band along the foot of every slide: decoration on the master, so it is
    never in a slide's reading order."""
    from pptx.oxml import parse_xml
    from pptx.oxml.ns import nsdecls

    top, height = HEIGHT - Inches(0.18), Inches(0.18)
    band = parse_xml(
        f'<p:sp {nsdecls("p", "a")}><p:nvSpPr><p:cNvPr id="100" name="Decoration: foot band"/>'
        '<p:cNvSpPr/><p:nvPr userDrawn="1"/></p:nvSpPr><p:spPr>'
        f'<a:xfrm><a:off x="0" y="{top}"/><a:ext cx="{WIDTH}" cy="{height}"/></a:xfrm>'
        '<a:prstGeom prst="rect"><a:avLst/></a:prstGeom>'
        f'<a:solidFill><a:srgbClr val="{ACCENT}"/></a:solidFill><a:ln><a:noFill/></a:ln>'
        '</p:spPr></p:sp>'
    )
    master.shapes._spTree.insert(2, band)  # behind everything else on the master


if __name__ == "__main__":
    sys.exit(main(sys.argv))
