"""Page furniture: header (title, band, logo), footer ("Page x of y"), cream page."""

from __future__ import annotations

import functools
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen.canvas import Canvas

from .. import DocMeta
from .styles import CREAM, MUTED, RULE, _Look
from .text import FONT, FONT_BOLD, _draw_text, _text_width


# --- pages -----------------------------------------------------------------------------


def _fit(text: str, font: str, size: float, width: float) -> str:
    """Shorten text with an ellipsis so it fits `width` points."""
    if _text_width(text, font, size) <= width:
        return text
    while text and _text_width(text + "\u2026", font, size) > width:
        text = text[:-1]
    return text.rstrip() + "\u2026"


@functools.lru_cache(maxsize=4)
def _logo_width(path: str, height: float) -> float:
    """The width that keeps the logo's proportions at `height`."""
    from reportlab.lib.utils import ImageReader

    w, h = ImageReader(path).getSize()
    return height * w / h


def _decorate(look: _Look, meta: DocMeta, logo: Path | None):
    """Header and footer for one page, drawn once the page count is known."""
    width, height = look.page_size
    left, right = look.side_margin, width - look.side_margin
    size = look.chrome_size
    head_y = look.top + size * 1.5
    foot_y = look.bottom - size * 2.3

    def draw(canv: Canvas, number: int, total: int) -> None:
        canv.saveState()
        canv.setFillColor(MUTED)
        page_label = f"Page {number} of {total}"
        right_text = meta.header_right
        canv.setFont(FONT, size)
        right_width = _text_width(right_text, FONT, size)
        room = look.measure - right_width - size * 2
        text_x = left
        if logo:  # the force's logo, as tall as two header lines, left of the title
            logo_h = size * 2.2
            logo_w = _logo_width(str(logo), logo_h)
            canv.drawImage(str(logo), left, head_y - size * 0.35, width=logo_w,
                           height=logo_h, mask="auto")
            text_x, room = left + logo_w + size, room - logo_w - size
        canv.setFont(FONT_BOLD, size)
        _draw_text(canv, text_x, head_y, _fit(meta.header_left, FONT_BOLD, size, room),
                   FONT_BOLD, size)
        canv.setFont(FONT, size)
        _draw_text(canv, right - right_width, head_y, right_text, FONT, size)
        room = look.measure - pdfmetrics.stringWidth(page_label, FONT, size) - size * 2
        _draw_text(canv, left, foot_y, _fit(meta.footer, FONT, size, room), FONT, size)
        canv.drawRightString(right, foot_y, page_label)
        canv.setStrokeColor(RULE)
        canv.setLineWidth(0.6)
        canv.line(left, head_y - size * 0.6, right, head_y - size * 0.6)
        canv.line(left, foot_y + size * 1.2, right, foot_y + size * 1.2)
        canv.restoreState()

    return draw


def _background(canv: Canvas, doc) -> None:
    """Cream page for dyslexia-friendly packs, drawn before any content."""
    canv.saveState()
    canv.setFillColor(CREAM)
    canv.rect(0, 0, doc.pagesize[0], doc.pagesize[1], stroke=0, fill=1)
    canv.restoreState()
