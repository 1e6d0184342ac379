"""Text measured from font metrics: how many lines a paragraph takes in a box.

Slides are shown in the fonts the presenting PC has, so they are set in Arial, which
every school PC has (LibreOffice shows it as the metric-compatible Liberation Sans).
Arial itself cannot be shipped; Arimo (SIL Open Font License, from the fontpkg-arimo
package) has the same advance width for every character, regular and bold, so its
widths stand in for Arial's. Arimo is one variable font: its bold widths are its
regular ones plus the HVAR deltas at weight 700, read once per process with fontTools.

Lines are broken as PowerPoint and Impress break them, greedily at spaces (they also
break after hyphens, which can only make a line hold more), so the count here is
never below theirs.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path


class Widths:
    """Advance widths in em, by code point, for the regular and bold weights. Bold
    widths are worked out from the font's variations the first time a character is
    measured in bold (most of the font's 3,000 characters never are)."""

    def __init__(self, regular: dict[int, float], bold_of, fallback: float = 1.0):
        self.regular = regular
        self.bold: dict[int, float] = {}
        self._bold_of = bold_of  # code point -> bold width in em
        self.fallback = fallback  # a character the font lacks (a CJK one is about 1 em)

    def width(self, text: str, size: float, bold: bool = False) -> float:
        fallback = self.fallback
        if not bold:
            table = self.regular
            return size * sum(table.get(ord(c), fallback) for c in text)
        table, total = self.bold, 0.0
        for char in text:
            code = ord(char)
            width = table.get(code)
            if width is None:
                width = table[code] = (self._bold_of(code) if code in self.regular
                                       else fallback)
            total += width
        return size * total


def font_file() -> Path:
    import fontpkg_arimo

    return Path(fontpkg_arimo.__file__).parent / "files" / "Arimo[wght].ttf"


@lru_cache(maxsize=1)
def arial() -> Widths:
    """Arial's widths, measured from Arimo (about 60 ms, once per process)."""
    from fontTools.ttLib import TTFont
    from fontTools.varLib.models import normalizeLocation
    from fontTools.varLib.varStore import VarStoreInstancer

    font = TTFont(str(font_file()), lazy=True)
    units = font["head"].unitsPerEm
    cmap = font.getBestCmap()
    metrics = font["hmtx"].metrics
    axes = font["fvar"].axes
    location = normalizeLocation({"wght": 700},
                                 {a.axisTag: (a.minValue, a.defaultValue, a.maxValue)
                                  for a in axes})
    hvar = font["HVAR"].table
    deltas = VarStoreInstancer(hvar.VarStore, axes, location)
    mapping = hvar.AdvWidthMap.mapping if hvar.AdvWidthMap else None
    order = font.getReverseGlyphMap()
    regular = {code: metrics[glyph][0] / units for code, glyph in cmap.items()}

    def bold_of(code: int) -> float:
        glyph = cmap[code]
        index = mapping[glyph] if mapping else order[glyph]
        return (metrics[glyph][0] + deltas[index]) / units

    return Widths(regular, bold_of)


Run = tuple[str, bool]  # (text, bold)


def wrap(runs: list[Run], size: float, width: float, widths: Widths | None = None
         ) -> list[list[Run]]:
    """`runs` broken into lines no wider than `width` points at `size` points: each
    line a list of runs. "\\n" in a run forces a line break. A word wider than the line
    is broken between letters, as PowerPoint does."""
    widths = widths or arial()
    lines: list[list[Run]] = []
    for piece in _split_breaks(runs):
        lines += _wrap_piece(piece, size, width, widths)
    return lines


def _split_breaks(runs: list[Run]) -> list[list[Run]]:
    pieces: list[list[Run]] = [[]]
    for text, bold in runs:
        parts = text.split("\n")
        for n, part in enumerate(parts):
            if n:
                pieces.append([])
            if part:
                pieces[-1].append((part, bold))
    return pieces


def _words(runs: list[Run]) -> list[list[Run]]:
    """Runs split into words at spaces; each word keeps its trailing spaces."""
    words: list[list[Run]] = [[]]
    for text, bold in runs:
        start = 0
        for i, char in enumerate(text):
            if char == " " and (i + 1 == len(text) or text[i + 1] != " "):
                words[-1].append((text[start:i + 1], bold))
                words.append([])
                start = i + 1
        if start < len(text):
            words[-1].append((text[start:], bold))
    return [w for w in words if w]


def _wrap_piece(runs: list[Run], size: float, width: float, widths: Widths) -> list[list[Run]]:
    lines: list[list[Run]] = []
    line: list[Run] = []
    used = 0.0  # width of the line so far, trailing spaces included
    for word in _words(runs):
        ink = sum(widths.width(t.rstrip(" "), size, b) for t, b in word[-1:]) + sum(
            widths.width(t, size, b) for t, b in word[:-1])
        full = sum(widths.width(t, size, b) for t, b in word)
        if line and used + ink > width:
            lines.append(line)
            line, used = [], 0.0
        if not line and ink > width:  # one word wider than the line: break it
            for chunk in _break_word(word, size, width, widths):
                lines.append(chunk)
            line = lines.pop()
            used = sum(widths.width(t, size, b) for t, b in line)
            continue
        line += word
        used += full
    lines.append(line)
    return lines


def _break_word(word: list[Run], size: float, width: float, widths: Widths) -> list[list[Run]]:
    chunks: list[list[Run]] = [[]]
    used = 0.0
    for text, bold in word:
        for char in text:
            w = widths.width(char, size, bold)
            if chunks[-1] and used + w > width and char != " ":
                chunks.append([])
                used = 0.0
            chunks[-1].append((char, bold))
            used += w
    return chunks


def line_text(line: list[Run]) -> str:
    return "".join(t for t, _ in line)


def line_width(line: list[Run], size: float, widths: Widths | None = None) -> float:
    """The width of a line's ink: its trailing spaces do not count."""
    widths = widths or arial()
    text = line_text(line)
    trail = len(text) - len(text.rstrip(" "))
    return sum(widths.width(t, size, b) for t, b in line) - widths.width(" " * trail, size)
