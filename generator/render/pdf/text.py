"""Typefaces and text: Atkinson Hyperlegible registered once per process, and the
characters it lacks set in Noto Sans instead (text runs, widths, drawing)."""

from __future__ import annotations

import functools
import re
from xml.sax.saxutils import escape

from reportlab import rl_config
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from ...fonts import fallback_chars
from .. import FontFiles
from .rl_private import use_fast_same_frag


FONT = "AtkinsonHyperlegible"
FONT_BOLD = "AtkinsonHyperlegible-Bold"
FALLBACK_FONT = "NotoSans"  # for characters Atkinson Hyperlegible has no glyph for


_fallback_file: list = []  # the fallback font's file, once the main fonts are registered


@functools.cache
def _register_fonts(fonts: FontFiles) -> float:
    """Register Atkinson Hyperlegible (and set reportlab up) once per process; return
    its average character width in ems (used to size the text column)."""
    pdfmetrics.registerFont(TTFont(FONT, str(fonts.regular)))
    pdfmetrics.registerFont(TTFont(FONT_BOLD, str(fonts.bold)))
    _fallback_file[:] = [fonts.fallback]
    # Italic maps to upright: bold is the only emphasis we ever show.
    pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=FONT_BOLD, italic=FONT, boldItalic=FONT_BOLD)
    # Otherwise every page's preamble names an unembedded Helvetica.
    rl_config.canvas_basefontname = FONT
    use_fast_same_frag()
    sample = (
        "If someone online asks you for pictures or money, stop replying, keep the "
        "messages and tell an adult you trust. It is never your fault."
    )
    return pdfmetrics.stringWidth(sample, FONT, 1) / len(sample)


@functools.cache
def _main_chars() -> frozenset[int]:
    """Code points both weights of Atkinson Hyperlegible have (registered by then)."""
    regular, bold = (pdfmetrics.getFont(name).face.charToGlyph for name in (FONT, FONT_BOLD))
    return frozenset(regular.keys() & bold.keys())


@functools.cache
def _not_main() -> re.Pattern:
    """Matches a character Atkinson Hyperlegible lacks (a regex: most text is searched
    once, at C speed, and holds none)."""
    ranges, codes = [], sorted(_main_chars())
    start = previous = codes[0]
    for code in codes[1:] + [-1]:
        if code != previous + 1:
            ranges.append(f"{re.escape(chr(start))}-{re.escape(chr(previous))}")
            start = code
        previous = code
    return re.compile(f"[^{''.join(ranges)}]")


@functools.cache
def _fallback_chars() -> frozenset[int]:
    """Register the fallback font, the first time a text needs it; its code points."""
    font = TTFont(FALLBACK_FONT, str(_fallback_file[0]))
    pdfmetrics.registerFont(font)
    # One weight: bold text it sets is regular, which beats a gap.
    pdfmetrics.registerFontFamily(FALLBACK_FONT, normal=FALLBACK_FONT, bold=FALLBACK_FONT,
                                  italic=FALLBACK_FONT, boldItalic=FALLBACK_FONT)
    return fallback_chars(font.face.charToGlyph)


def _runs(text: str) -> list[tuple[bool, str]]:
    """`text` as runs of (set in the fallback font?, characters). Characters neither
    font has stay in the main font's runs: they print as nothing (validate warns)."""
    if _not_main().search(text) is None:
        return [(False, text)]
    main, fallback = _main_chars(), _fallback_chars()
    runs: list[tuple[bool, str]] = []
    for char in text:
        use_fallback = ord(char) not in main and ord(char) in fallback
        if runs and runs[-1][0] == use_fallback:
            runs[-1] = (use_fallback, runs[-1][1] + char)
        else:
            runs.append((use_fallback, char))
    return runs


def _markup(text: str) -> str:
    """Plain text as reportlab paragraph markup: escaped, and with the characters
    Atkinson Hyperlegible lacks set in the fallback font."""
    return "".join(f'<font face="{FALLBACK_FONT}">{escape(run)}</font>' if fallback
                   else escape(run) for fallback, run in _runs(text))


def _text_width(text: str, font: str, size: float) -> float:
    return sum(pdfmetrics.stringWidth(run, FALLBACK_FONT if fallback else font, size)
               for fallback, run in _runs(text))


def _draw_text(canv: Canvas, x: float, y: float, text: str, font: str, size: float) -> None:
    """canv.drawString in `font`, which the caller has set, with any characters it
    lacks in the fallback font."""
    runs = _runs(text)
    if len(runs) == 1 and not runs[0][0]:
        canv.drawString(x, y, text)
        return
    line = canv.beginText(x, y)  # one text object, so "Tŷ" is copied as one word
    for fallback, run in runs:
        line.setFont(FALLBACK_FONT if fallback else font, size)
        line.textOut(run)
    canv.drawText(line)


def _wrap(text: str, font: str, size: float, width: float) -> list[str]:
    """`text` in lines no wider than `width`, broken between words (a word wider than
    the whole line gets a line of its own and is broken between letters): every word
    is printed, none is cut off."""
    lines: list[str] = []
    for word in text.split():
        if lines and _text_width(f"{lines[-1]} {word}", font, size) <= width:
            lines[-1] = f"{lines[-1]} {word}"
            continue
        while _text_width(word, font, size) > width and len(word) > 1:
            cut = max(1, next((n for n in range(len(word), 0, -1)
                               if _text_width(word[:n], font, size) <= width), 1))
            lines.append(word[:cut])
            word = word[cut:]
        lines.append(word)
    return lines or [""]


def _wrap_parts(text: str, font: str, size: float, width: float, sep: str = " · ",
                later_width: float | None = None) -> list[str]:
    """Like _wrap, but lines break between the parts `sep` joins ("St Mary's · Year 6
    (Oak) · 12 January 2027"), so a date or a class is never split across lines unless
    it is wider than a line by itself. Lines after the first may be `later_width` wide
    (the footer's first line shares its width with "Page x of y")."""
    lines: list[str] = []

    def room(index: int) -> float:  # the width of line `index`
        return width if index == 0 or later_width is None else later_width

    for part in text.split(sep):
        if lines and _text_width(f"{lines[-1]}{sep}{part}", font, size) <= room(len(lines) - 1):
            lines[-1] = f"{lines[-1]}{sep}{part}"
            continue
        if lines:  # the separator stays, at the end of the line it follows
            lines[-1] += sep.rstrip()
        if _text_width(part, font, size) <= room(len(lines)):
            lines.append(part)
        else:
            lines += _wrap(part, font, size, room(len(lines)))
    return lines or [""]
