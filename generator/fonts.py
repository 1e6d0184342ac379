"""The typefaces the PDFs embed, and which characters they can print.

Atkinson Hyperlegible (designed for low-vision readers, SIL Open Font License) sets
all the text. It has no Welsh ŵ and ŷ, Cyrillic or most of Greek, so characters it
lacks are set in Noto Sans (SIL Open Font License) instead: "Ysgol Tŷ Coch" prints
whole. Both come from fontpkg packages, so pip alone installs them.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

# Scripts Noto Sans holds but reportlab cannot set correctly without text shaping
# (conjuncts, reordered vowel signs): they are left out, and validate warns about them.
NEEDS_SHAPING = (range(0x0900, 0x0980), range(0x1CD0, 0x1D00), range(0xA8E0, 0xA900))


def font_file(weight: str = "Regular") -> Path:
    """Path of Atkinson Hyperlegible's TTF for `weight`: "Regular" or "Bold"."""
    import fontpkg_atkinson_hyperlegible

    files = Path(fontpkg_atkinson_hyperlegible.__file__).parent / "files"
    return files / f"AtkinsonHyperlegible-{weight}.ttf"


def fallback_font_file() -> Path:
    """Path of Noto Sans (a variable font: reportlab uses its regular instance)."""
    import fontpkg_noto_sans

    return Path(fontpkg_noto_sans.__file__).parent / "files" / "NotoSans[wdth,wght].ttf"


def fallback_chars(cmap) -> frozenset[int]:
    """The code points of the fallback font's `cmap` that it may set: not control
    characters, nor scripts that need shaping, nor any beyond U+FFFF (reportlab writes
    those into the PDF's text map wrongly, so they could not be copied or searched)."""
    return frozenset(c for c in cmap if 0x20 <= c < 0x10000 and not 0x7F <= c < 0xA0
                     and not any(c in r for r in NEEDS_SHAPING))


def fonts_stamp() -> str:
    """Which fonts are installed (each file's path, size and time): what decides which
    characters print, for results kept between runs."""
    from .machine_cache import file_stamp

    files = (font_file("Regular"), font_file("Bold"), fallback_font_file())
    return "\n".join(file_stamp(f) for f in files) + repr(NEEDS_SHAPING)


@lru_cache(maxsize=1)
def printable() -> frozenset[int]:
    """Code points the PDFs can print: read from the fonts' cmaps (~60 ms) once per
    machine and set of fonts, then from the cache."""
    from .machine_cache import remembered

    return remembered("printable", fonts_stamp(), _read_printable)


def _read_printable() -> frozenset[int]:
    from reportlab.pdfbase.ttfonts import TTFontFile

    main = set(TTFontFile(str(font_file("Regular"))).charToGlyph)
    main &= set(TTFontFile(str(font_file("Bold"))).charToGlyph)
    return frozenset(main) | fallback_chars(TTFontFile(str(fallback_font_file())).charToGlyph)


def unprintable(text: str) -> list[str]:
    """Characters in `text` the PDFs cannot draw, in order of first appearance.
    Plain ASCII is answered without opening the fonts."""
    if text.isascii():
        return []
    have = printable()
    missing: dict[str, None] = {}
    for char in text:
        if ord(char) > 0x7F and ord(char) not in have and not char.isspace():
            missing[char] = None
    return list(missing)


def cannot_print(text: str) -> str | None:
    """What to tell the user about characters in `text` the PDFs cannot print, or None."""
    missing = unprintable(text)
    if not missing:
        return None
    shown = " ".join(f"{c} (U+{ord(c):04X})" for c in missing[:5])
    return (f"the PDF fonts cannot print {shown}{' …' if len(missing) > 5 else ''}; the PDFs "
            "will leave them out (the Word files keep them): use other characters, or accept "
            "that they are missing from the PDFs")
