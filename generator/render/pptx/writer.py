"""Writing the deck: the slides, their notes, the logo and the document properties as
package XML, added to the reference deck's own entries and zipped deterministically."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from generator.render import DocMeta
from generator.render.ooxml import deterministic_zip, zip_entries

from .deck import A_NS, EMU_PER_PT, FONT, INDENT, INSET_X, INSET_Y, Para, SlideSpec, _clean
from .measure import line_height, space_before, title_size
from .reference import _Layout, _Reference, _rels_name

NS = ('xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
      'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" '
      'xmlns:p="http://schemas.openxmlformats.org/presentationml/2006/main"')
XML_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
CT_SLIDE = "application/vnd.openxmlformats-officedocument.presentationml.slide+xml"
CT_NOTES = "application/vnd.openxmlformats-officedocument.presentationml.notesSlide+xml"
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
    return deterministic_zip(buf.getvalue())
