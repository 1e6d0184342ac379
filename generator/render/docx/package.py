"""Document properties: fixed dates (the deterministic zip is generator.render.ooxml)."""

from __future__ import annotations

from datetime import datetime, timezone

from .. import DocMeta
from .wordxml import _clean


# Not "now" (two builds would differ) and not python-docx's 2013 default.
FIXED_DATE = datetime(2000, 1, 1, tzinfo=timezone.utc)


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
