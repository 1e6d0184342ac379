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
from datetime import datetime

from .. import Assets, DocMeta, PageStyle
from .. import markup as m
from ..ooxml import deterministic_zip, zip_entries
from .furniture import _write_headers_and_footers, add_field
from .docx_private import package_entries
from .package import FIXED_DATE, _set_core_properties
from .reference import BUNDLED_REFERENCE, REQUIRED_STYLES, _apply_page_style, _clear_body, _reference, _text_width
from .writer import _Writer


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
    return zip_entries(package_entries(doc))


render_docx = render

__all__ = ["render", "render_docx", "deterministic_zip", "add_field", "BUNDLED_REFERENCE",
           "REQUIRED_STYLES", "FIXED_DATE"]
