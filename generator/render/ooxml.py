"""A deterministic Office Open XML zip: fixed timestamps, [Content_Types].xml first,
sorted entries, fixed compression. Shared by the .docx and .pptx renderers, so two
builds of the same document are the same bytes."""

from __future__ import annotations

import io
import zipfile

ZIP_DATE = (1980, 1, 1, 0, 0, 0)


def deterministic_zip(data: bytes) -> bytes:
    """Rewrite a zip package with fixed timestamps, sorted entries and fixed compression."""
    with zipfile.ZipFile(io.BytesIO(data)) as src:
        return zip_entries({info.filename: src.read(info) for info in src.infolist()})


def zip_entries(entries: dict[str, bytes]) -> bytes:
    """A zip of `entries` with fixed timestamps, sorted entries and fixed compression."""
    # [Content_Types].xml first, as Word and PowerPoint write it; then a stable order.
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
