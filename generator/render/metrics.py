"""Text measured from font metrics: how many lines a paragraph takes in a box.

Slides are shown in the fonts the presenting PC has, so they are set in Arial, which
every school PC has (LibreOffice shows it as the metric-compatible Liberation Sans).
Arial itself cannot be shipped; Arimo (SIL Open Font License, from the fontpkg-arimo
package) has the same advance width for every character, regular and bold, so its
widths stand in for Arial's. Arimo is one variable font: its bold widths are its
regular ones plus its HVAR deltas at weight 700. The few tables that takes (head, hhea,
hmtx, cmap, fvar, avar, HVAR) are read here with struct, once per process.

Lines are broken as PowerPoint and Impress break them, greedily at spaces (they also
break after hyphens, which can only make a line hold more), so the count here is
never below theirs.
"""

from __future__ import annotations

import struct
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
    """Arial's widths, read from Arimo's tables (about 10 ms, once per process)."""
    data = font_file().read_bytes()
    tables = _tables(data)
    units = struct.unpack_from(">H", data, tables["head"][0] + 18)[0]
    count = struct.unpack_from(">H", data, tables["hhea"][0] + 34)[0]
    advances = struct.unpack_from(f">{count * 2}H", data, tables["hmtx"][0])[::2]
    cmap = _cmap(data, tables["cmap"][0])
    delta = _deltas(data, tables["HVAR"][0], _normalised(data, tables, b"wght", 700))

    def advance(glyph: int) -> int:  # glyphs past the last metric share its advance
        return advances[min(glyph, count - 1)]

    def bold_of(code: int) -> float:
        glyph = cmap[code]
        return (advance(glyph) + delta(glyph)) / units

    return Widths({code: advance(glyph) / units for code, glyph in cmap.items()}, bold_of)


# --- OpenType tables, read with struct (the few a width needs) ---------------------------


def _tables(data: bytes) -> dict[str, tuple[int, int]]:
    count = struct.unpack_from(">H", data, 4)[0]
    out = {}
    for n in range(count):
        tag, _, offset, length = struct.unpack_from(">4sIII", data, 12 + 16 * n)
        out[tag.decode("latin-1")] = (offset, length)
    return out


def _cmap(data: bytes, base: int) -> dict[int, int]:
    count = struct.unpack_from(">H", data, base + 2)[0]
    records = {}
    for n in range(count):
        platform, encoding, offset = struct.unpack_from(">HHI", data, base + 4 + 8 * n)
        records[(platform, encoding)] = base + offset
    out: dict[int, int] = {}
    for key in ((3, 10), (0, 4), (3, 1), (0, 3)):
        sub = records.get(key)
        if sub is None:
            continue
        kind = struct.unpack_from(">H", data, sub)[0]
        if kind == 12:
            groups = struct.unpack_from(">I", data, sub + 12)[0]
            for g in range(groups):
                start, end, glyph = struct.unpack_from(">III", data, sub + 16 + 12 * g)
                for code in range(start, end + 1):
                    out[code] = glyph + code - start
            return out
        if kind == 4:
            segs = struct.unpack_from(">H", data, sub + 6)[0] // 2
            ends = struct.unpack_from(f">{segs}H", data, sub + 14)
            starts_at = sub + 16 + 2 * segs
            starts = struct.unpack_from(f">{segs}H", data, starts_at)
            deltas = struct.unpack_from(f">{segs}h", data, starts_at + 2 * segs)
            ranges_at = starts_at + 4 * segs
            ranges = struct.unpack_from(f">{segs}H", data, ranges_at)
            for s in range(segs):
                for code in range(starts[s], ends[s] + 1):
                    if code == 0xFFFF:
                        continue
                    if ranges[s] == 0:
                        glyph = (code + deltas[s]) & 0xFFFF
                    else:
                        at = ranges_at + 2 * s + ranges[s] + 2 * (code - starts[s])
                        glyph = struct.unpack_from(">H", data, at)[0]
                        if glyph:
                            glyph = (glyph + deltas[s]) & 0xFFFF
                    if glyph:
                        out[code] = glyph
            return out
    return out


def _normalised(data: bytes, tables, axis_tag: bytes, value: float) -> list[float]:
    fvar = tables["fvar"][0]
    axes_at, axis_count, axis_size = struct.unpack_from(">HHHH", data, fvar + 4)[0], \
        struct.unpack_from(">H", data, fvar + 8)[0], struct.unpack_from(">H", data, fvar + 10)[0]
    coords = []
    for n in range(axis_count):
        tag, low, default, high = struct.unpack_from(">4siii", data, fvar + axes_at + n * axis_size)
        low, default, high = low / 65536, default / 65536, high / 65536
        v = value if tag == axis_tag else default
        v = min(max(v, low), high)
        if v < default:
            c = (v - default) / (default - low) if default != low else 0.0
        elif v > default:
            c = (v - default) / (high - default) if high != default else 0.0
        else:
            c = 0.0
        coords.append(c)
    if "avar" in tables:
        at = tables["avar"][0] + 8
        for n in range(axis_count):
            pairs = struct.unpack_from(">H", data, at)[0]
            maps = [tuple(x / 16384 for x in struct.unpack_from(">hh", data, at + 2 + 4 * k))
                    for k in range(pairs)]
            at += 2 + 4 * pairs
            c = coords[n]
            for (f0, t0), (f1, t1) in zip(maps, maps[1:]):
                if f0 <= c <= f1:
                    coords[n] = t0 + (t1 - t0) * (c - f0) / (f1 - f0) if f1 != f0 else t0
                    break
    return coords


def _deltas(data: bytes, base: int, coords: list[float]):
    """HVAR (horizontal metrics variations): a function from a glyph id to its advance
    width's delta at `coords` (an item variation store, reached through a delta-set
    index map when there is one)."""
    store_at, map_at = struct.unpack_from(">II", data, base + 4)
    store = base + store_at
    regions_at, data_count = struct.unpack_from(">IH", data, store + 2)
    data_offsets = struct.unpack_from(f">{data_count}I", data, store + 8)
    regions = store + regions_at
    axis_count, region_count = struct.unpack_from(">HH", data, regions)
    scalars = []
    for r in range(region_count):
        scalar = 1.0
        for a in range(axis_count):
            start, peak, end = (x / 16384 for x in struct.unpack_from(
                ">hhh", data, regions + 4 + 6 * (r * axis_count + a)))
            c = coords[a]
            if peak == 0 or c == peak:
                continue
            if start > peak or peak > end or (start < 0 < end):
                continue
            if c <= start or c >= end:
                scalar = 0.0
                break
            scalar *= (c - start) / (peak - start) if c < peak else (end - c) / (end - peak)
        scalars.append(scalar)
    stores = []
    for offset in data_offsets:
        at = store + offset
        items, word_count, index_count = struct.unpack_from(">HHH", data, at)
        long_words, words = bool(word_count & 0x8000), word_count & 0x7FFF
        indexes = struct.unpack_from(f">{index_count}H", data, at + 6)
        big, small = (">i", 4), (">h", 2)
        if not long_words:
            big, small = (">h", 2), (">b", 1)
        row = words * big[1] + (index_count - words) * small[1]
        stores.append((at + 6 + 2 * index_count, row, words, indexes, big, small))

    def delta(outer: int, inner: int) -> float:
        rows_at, row, words, indexes, big, small = stores[outer]
        at, total = rows_at + inner * row, 0.0
        for k, region in enumerate(indexes):
            if k < words:
                value = struct.unpack_from(big[0], data, at)[0]
                at += big[1]
            else:
                value = struct.unpack_from(small[0], data, at)[0]
                at += small[1]
            total += scalars[region] * value
        return total

    if map_at:
        m = base + map_at
        fmt, entry = struct.unpack_from(">BB", data, m)
        count = struct.unpack_from(">H" if fmt == 0 else ">I", data, m + 2)[0]
        first = m + (4 if fmt == 0 else 6)
        size, inner_bits = ((entry >> 4) & 3) + 1, (entry & 0xF) + 1

        def mapped(glyph: int) -> float:
            n = min(glyph, count - 1)
            value = int.from_bytes(data[first + n * size:first + (n + 1) * size], "big")
            return delta(value >> inner_bits, value & ((1 << inner_bits) - 1))
        return mapped
    return lambda glyph: delta(0, glyph)



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
