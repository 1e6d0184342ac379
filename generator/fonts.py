"""The typeface the PDFs embed, and which characters it can print.

Atkinson Hyperlegible (designed for low-vision readers, SIL Open Font License) comes
from the fontpkg-atkinson-hyperlegible package, so pip alone installs it.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path


def font_file(weight: str = "Regular") -> Path:
    """Path of the TTF for `weight`: "Regular" or "Bold"."""
    import fontpkg_atkinson_hyperlegible

    files = Path(fontpkg_atkinson_hyperlegible.__file__).parent / "files"
    return files / f"AtkinsonHyperlegible-{weight}.ttf"


@lru_cache(maxsize=1)
def printable() -> frozenset[int]:
    """Code points the PDF font has a glyph for (read from its cmap, ~70 ms, once)."""
    from reportlab.pdfbase.ttfonts import TTFontFile

    return frozenset(TTFontFile(str(font_file())).charToGlyph)


def unprintable(text: str) -> list[str]:
    """Characters in `text` the PDF font cannot draw, in order of first appearance.
    Plain ASCII is answered without opening the font."""
    if text.isascii():
        return []
    have = printable()
    missing: dict[str, None] = {}
    for char in text:
        if ord(char) > 0x7F and ord(char) not in have and not char.isspace():
            missing[char] = None
    return list(missing)
