"""The reference deck (templates/reference.pptx or a force's own): read once per
process, checked, and reduced to its package entries and the boxes of its layouts."""

from __future__ import annotations

import functools
import io
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

from generator.errors import ReferenceDocError, display_path

from .deck import A_NS, EMU_PER_PT, INSET_X, INSET_Y, LAYOUTS, P_NS, Box

APP_XML = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"'
    b' xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
    b"<Application>lessonpack</Application><PresentationFormat>Widescreen</PresentationFormat>"
    b"</Properties>"
)


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
