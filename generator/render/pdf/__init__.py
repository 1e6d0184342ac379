"""PDF renderer: one document in block markup -> print-ready PDF bytes (reportlab).

Layout follows the "Layout for readers" guidance: Atkinson Hyperlegible throughout,
left-aligned text in a column of at most ~70 characters, bold as the only emphasis,
light tints only (prints in greyscale), tick boxes and write-in lines drawn as shapes
because the font has no glyphs for them. Output is deterministic (reportlab invariant
mode, fixed creator/producer), so identical input gives identical bytes.
"""

from __future__ import annotations

import dataclasses
import functools
import io

from reportlab.platypus import (
    BaseDocTemplate,
    Frame,
    PageTemplate,
)

from .. import Assets, DocMeta, PageStyle
from .. import markup as m
from .builder import _Builder
from .page import _background, _chrome, _decorate
from .rl_private import _NumberedCanvas
from .styles import _look
from .text import FONT, _register_fonts

__all__ = ["render", "render_pdf", "prepare"]


def prepare(assets: Assets) -> None:
    """Do the once-per-process set-up now (before forking workers, so they share it)."""
    _register_fonts(assets.fonts)


def render(nodes: m.Document, meta: DocMeta, page: PageStyle, assets: Assets) -> bytes:
    """Render one block-markup document as PDF bytes."""
    look = _look(page, assets.fonts)
    chrome = _chrome(look, meta, assets.logo)
    if not page.furniture:  # no header or footer: the page is the document's own
        look = dataclasses.replace(look, top=look.page_size[1] - look.side_margin,
                                   bottom=look.side_margin)
        decorate = _no_decoration
    else:
        if chrome.extra_top or chrome.extra_bottom:  # a long header or footer: a shorter frame
            look = dataclasses.replace(look, top=look.top - chrome.extra_top,
                                       bottom=look.bottom + chrome.extra_bottom)
        decorate = _decorate(look, meta, assets.logo, chrome)
    story = _Builder(look, nodes.source, assets.logo).blocks(nodes.blocks, top=True)
    buf = io.BytesIO()
    frame = Frame(look.side_margin, look.bottom, look.measure, look.frame_height,
                  leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0, id="body")
    template = PageTemplate("page", [frame])
    if page.dyslexia_friendly:
        template.onPage = _background
    doc = BaseDocTemplate(
        buf,
        pagesize=look.page_size,
        pageTemplates=[template],
        title=meta.title,
        author=meta.author,
        subject=meta.subject,
        creator="lessonpack",
        producer="lessonpack",
        lang=meta.lang,
        displayDocTitle=1,
        invariant=1,
        pageCompression=1,
        initialFontName=FONT,
        initialFontSize=look.size,
    )
    doc.build(story, canvasmaker=functools.partial(_NumberedCanvas, decorate=decorate))
    return buf.getvalue()


def _no_decoration(canv, number: int, total: int) -> None:
    """A page without header or footer."""


render_pdf = render
