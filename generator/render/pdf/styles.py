"""Colours, measurements and paragraph styles for one PageStyle."""

from __future__ import annotations

import functools
from dataclasses import dataclass

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT
from reportlab.lib.pagesizes import A4, LETTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm

from .. import FontFiles, PageStyle
from .text import FONT, FONT_BOLD, _register_fonts


# Dark ink and light tints only: everything stays legible when printed in greyscale.
INK = colors.HexColor("#1A1A1A")
ACCENT = colors.HexColor("#1D3557")  # headings, bars: navy that prints as near-black
MUTED = colors.HexColor("#3E4A59")  # header and footer text
RULE = colors.HexColor("#9AA5B1")  # hairlines, table grid
WRITE_LINE = colors.HexColor("#8C969F")  # pupils' write-in lines
TINT = colors.HexColor("#E8EEF4")  # note call-outs, table header rows
TINT_STRONG = colors.HexColor("#D5E0EA")  # activity box title strip
TINT_LIGHT = colors.HexColor("#F0F4F8")  # answers
CREAM = colors.HexColor("#FDF6E3")  # dyslexia-friendly page

MAX_CHARS_PER_LINE = 70
MIN_SIDE_MARGIN = 2 * cm
WIDE_SIDE_MARGIN = 1.5 * cm  # margins of a column wider than MAX_CHARS_PER_LINE
DYSLEXIA_TRACKING = 0.05  # extra letter spacing, as a fraction of the font size
HEADINGS = ("h1", "h2", "h3")


# --- styles ----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Look:
    """Measurements and paragraph styles for one PageStyle."""

    size: float
    leading: float
    tracking: float
    page_size: tuple[float, float]
    side_margin: float
    top: float  # frame top, from the page bottom
    bottom: float  # frame bottom
    chrome_size: float  # header and footer text
    styles: dict[str, ParagraphStyle]

    @property
    def measure(self) -> float:
        return self.page_size[0] - 2 * self.side_margin

    @property
    def frame_height(self) -> float:
        return self.top - self.bottom


@functools.lru_cache(maxsize=16)
def _look(page: PageStyle, fonts: FontFiles) -> _Look:
    """The same object for the same PageStyle: its paragraph styles key the parse cache."""
    em_per_char = _register_fonts(fonts)
    size = float(page.body_size)
    ratio = max(page.leading, 1.2)
    if page.large_print or page.dyslexia_friendly:
        ratio = max(ratio, 1.5)
    leading = size * ratio
    tracking = DYSLEXIA_TRACKING * size if page.dyslexia_friendly else 0.0
    page_size = LETTER if page.paper == "letter" else A4
    # Narrow the column to ~70 characters; large sizes are limited by the paper instead.
    chars, least = page.max_chars or MAX_CHARS_PER_LINE, MIN_SIDE_MARGIN
    if chars > MAX_CHARS_PER_LINE or page.large_print:  # a wider column may use narrower margins
        least = WIDE_SIDE_MARGIN
    measure = min(chars * em_per_char * size, page_size[0] - 2 * least)
    side = (page_size[0] - measure) / 2
    chrome = max(10.0, round(size * 0.75, 1))
    top = page_size[1] - 1.3 * cm - 2.4 * chrome
    bottom = 1.2 * cm + 2.6 * chrome
    return _Look(size, leading, tracking, page_size, side, top, bottom, chrome,
                 _styles(size, leading, tracking))


def _styles(size: float, leading: float, tracking: float) -> dict[str, ParagraphStyle]:
    def style(name: str, **kw) -> ParagraphStyle:
        kw.setdefault("fontName", FONT)
        kw.setdefault("fontSize", size)
        kw.setdefault("leading", kw["fontSize"] * leading / size)
        kw.setdefault("textColor", INK)
        kw.setdefault("alignment", TA_LEFT)
        st = ParagraphStyle(name, bulletFontName=FONT,
                            allowWidows=0, allowOrphans=0, **kw)
        st.lpTracking = tracking * kw["fontSize"] / size
        return st

    small = max(10.0, size * 0.85)
    head_ratio = max(1.2, leading / size * 0.9)
    return {
        "p": style("p", spaceAfter=size * 0.6),
        "small": style("small", fontSize=small, textColor=MUTED, spaceAfter=size * 0.5),
        "h1": style("h1", fontName=FONT_BOLD, fontSize=size * 2, leading=size * 2 * head_ratio,
                    textColor=ACCENT, spaceAfter=size * 0.35),
        "h2": style("h2", fontName=FONT_BOLD, fontSize=size * 1.45, leading=size * 1.45 * head_ratio,
                    textColor=ACCENT, spaceBefore=size * 1.3, spaceAfter=size * 0.45),
        "h3": style("h3", fontName=FONT_BOLD, fontSize=size * 1.15, leading=size * 1.15 * head_ratio,
                    textColor=ACCENT, spaceBefore=size * 1.0, spaceAfter=size * 0.3),
        "li": style("li", spaceAfter=size * 0.3),
        "cell": style("cell"),
        "th": style("th", fontName=FONT_BOLD),
        "th_centre": style("th_centre", fontName=FONT_BOLD, alignment=TA_CENTER),
        "title": style("title", fontName=FONT_BOLD, fontSize=size * 1.1, leading=size * 1.1 * head_ratio,
                       textColor=ACCENT),
        "item": style("item"),
        "card_title": style("card_title", fontName=FONT_BOLD, textColor=ACCENT,
                            spaceAfter=size * 0.4),
        # A certificate's lines, centred: a large title, the lesson's name, its message.
        "certificate_h1": style("certificate_h1", fontName=FONT_BOLD, fontSize=size * 2.4,
                                leading=size * 2.4 * head_ratio, textColor=ACCENT,
                                alignment=TA_CENTER, spaceAfter=size * 0.5),
        "certificate_h2": style("certificate_h2", fontName=FONT_BOLD, fontSize=size * 1.45,
                                leading=size * 1.45 * head_ratio, textColor=ACCENT,
                                alignment=TA_CENTER, spaceBefore=size * 0.2,
                                spaceAfter=size * 0.5),
        "certificate_h3": style("certificate_h3", fontName=FONT_BOLD, fontSize=size * 1.15,
                                leading=size * 1.15 * head_ratio, textColor=ACCENT,
                                alignment=TA_CENTER, spaceAfter=size * 0.4),
        "certificate_p": style("certificate_p", alignment=TA_CENTER, spaceAfter=size * 0.3),
        "certificate_small": style("certificate_small", fontSize=small, textColor=MUTED,
                                   alignment=TA_CENTER, spaceAfter=size * 0.3),
    }
