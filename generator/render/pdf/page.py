"""Page furniture: header (title, band, logo), footer ("Page x of y"), cream page."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen.canvas import Canvas

from .. import DocMeta
from .styles import CREAM, MIN_SIDE_MARGIN, MUTED, RULE, _Look
from .text import FONT, FONT_BOLD, _draw_text, _text_width, _wrap_parts


# --- pages -----------------------------------------------------------------------------


@functools.lru_cache(maxsize=4)
def _logo_width(path: str, height: float) -> float:
    """The width that keeps the logo's proportions at `height`."""
    from reportlab.lib.utils import ImageReader

    w, h = ImageReader(path).getSize()
    return height * w / h


# Footer lines that fit in the bottom margin: a school, class and date that wrap the
# footer onto a second line cost the body nothing, so personalising a pack never moves
# its page breaks (or pushes a worksheet onto a third side). Only a third line does.
FOOTER_LINES_IN_MARGIN = 2


@dataclass(frozen=True)
class _Chrome:
    """Header and footer lines for one document: as many as its texts need."""

    header: tuple[str, ...]
    footer: tuple[str, ...]
    header_x: float  # where the header text starts (after the logo)
    line_height: float

    @property
    def extra_top(self) -> float:  # room the frame gives up to a header of several lines
        return (len(self.header) - 1) * self.line_height

    @property
    def extra_bottom(self) -> float:
        return max(0, len(self.footer) - FOOTER_LINES_IN_MARGIN) * self.line_height


def _chrome_margin(look: _Look) -> float:
    """Header and footer run the paper's width less its least margins, wider than a body
    column narrowed for reading: a school's name and date stay on one footer line, so a
    personalised pack has the same room for its text as the generic one."""
    return min(look.side_margin, MIN_SIDE_MARGIN)


def _chrome(look: _Look, meta: DocMeta, logo: Path | None) -> _Chrome:
    """Lay out the header (lesson title left, band right, the logo before them) and the
    footer (force, school, class, date; "Page x of y" right) so every word prints: a
    text too long for its line wraps onto more lines, and the body frame gives way."""
    size = look.chrome_size
    margin = _chrome_margin(look)
    measure = look.page_size[0] - 2 * margin
    right_width = _text_width(meta.header_right, FONT, size)
    room = measure - right_width - size * 2
    text_x = margin
    if logo:
        logo_w = _logo_width(str(logo), size * 2.2)
        text_x, room = text_x + logo_w + size, room - logo_w - size
    header = _wrap_parts(meta.header_left, FONT_BOLD, size, max(room, measure / 4))
    widest_label = pdfmetrics.stringWidth("Page 88 of 88", FONT, size)
    footer = _wrap_parts(meta.footer, FONT, size, measure - widest_label - size * 2,
                         later_width=measure)
    return _Chrome(tuple(header), tuple(footer), text_x, size * 1.25)


def _decorate(look: _Look, meta: DocMeta, logo: Path | None, chrome: _Chrome):
    """Header and footer for one page, drawn once the page count is known."""
    width, height = look.page_size
    left, right = _chrome_margin(look), width - _chrome_margin(look)
    size = look.chrome_size
    # `look` is the page as laid out, its frame already moved for extra lines.
    head_y = look.top + chrome.extra_top + size * 1.5  # the first header line
    top_line = look.bottom - size * 2.3  # the footer's first line; the rest go below it
    step = chrome.line_height

    def draw(canv: Canvas, number: int, total: int) -> None:
        canv.saveState()
        canv.setFillColor(MUTED)
        page_label = f"Page {number} of {total}"
        right_text = meta.header_right
        if logo:  # the force's logo, as tall as two header lines, left of the title
            logo_h = size * 2.2
            logo_w = _logo_width(str(logo), logo_h)
            canv.drawImage(str(logo), left, head_y - size * 0.35, width=logo_w,
                           height=logo_h, mask="auto")
        canv.setFont(FONT_BOLD, size)
        for index, line in enumerate(chrome.header):
            _draw_text(canv, chrome.header_x, head_y - index * step, line, FONT_BOLD, size)
        canv.setFont(FONT, size)
        _draw_text(canv, right - _text_width(right_text, FONT, size), head_y, right_text,
                   FONT, size)
        for index, line in enumerate(chrome.footer):
            _draw_text(canv, left, top_line - index * step, line, FONT, size)
        canv.drawRightString(right, top_line, page_label)
        canv.setStrokeColor(RULE)
        canv.setLineWidth(0.6)
        rule_y = head_y - chrome.extra_top - size * 0.6
        canv.line(left, rule_y, right, rule_y)
        canv.line(left, top_line + size * 1.2, right, top_line + size * 1.2)
        canv.restoreState()

    return draw


def _background(canv: Canvas, doc) -> None:
    """Cream page for dyslexia-friendly packs, drawn before any content."""
    canv.saveState()
    canv.setFillColor(CREAM)
    canv.rect(0, 0, doc.pagesize[0], doc.pagesize[1], stroke=0, fill=1)
    canv.restoreState()
