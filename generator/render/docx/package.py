"""Document properties and the .docx package: fixed dates and a deterministic zip."""

from __future__ import annotations

import io
import zipfile
from datetime import datetime, timezone

from .. import DocMeta
from .wordxml import _clean


# Not "now" (two builds would differ) and not python-docx's 2013 default.
FIXED_DATE = datetime(2000, 1, 1, tzinfo=timezone.utc)
ZIP_DATE = (1980, 1, 1, 0, 0, 0)


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
