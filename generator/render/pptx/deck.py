"""The deck as plain records (Para, SlideSpec, Box), the constants every part of the
slides renderer shares, and a slide's markup nodes made into those records."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from generator.render import markup as m

BUNDLED_REFERENCE = Path(__file__).resolve().parents[3] / "templates" / "reference.pptx"
LAYOUTS = m.SLIDE_LAYOUTS  # picked by name from the reference deck

FIXED_DATE = datetime(2000, 1, 1, tzinfo=timezone.utc)

FONT = "Arial"
TITLE_PT, MIN_TITLE_PT = 40.0, 36.0
BODY_PT = 24.0  # the markup may ask for more (Key Stage 2: 28)
LARGE_PRINT_PT = 32.0
LINE = 1.15  # line spacing, as a multiple of the size (Arial's own is 1.149), exact points
# Space before each paragraph but a box's first, as a multiple of the size: list items
# closer together, so a ten-item tick list stays on one slide.
SPACE_BEFORE = {"": 0.4, "bullet": 0.25, "number": 0.25}
INDENT = {"bullet": 0.75, "number": 1.2}  # text indent of a list item, in em
INSET_X, INSET_Y = 91440, 45720  # box insets, EMU (PowerPoint's defaults: 0.1", 0.05")
SAFETY = 0.99  # measure against 99% of the width: rounding and renderer differences
EMU_PER_PT = 12700
A_NS = "http://schemas.openxmlformats.org/drawingml/2006/main"
P_NS = "http://schemas.openxmlformats.org/presentationml/2006/main"
_ILLEGAL_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
_MARKUP_SPACE = re.compile("[ \t\r\n]+")


@dataclass(frozen=True)
class Para:
    runs: tuple[tuple[str, bool], ...]  # (text, bold); "\n" is a line break
    list: str = ""  # "", "bullet" or "number"
    number: int = 0  # its number in a numbered list


@dataclass
class SlideSpec:
    title: str
    layout: str
    body: list[Para]
    notes: list[Para]
    where: str = ""  # for error messages: the slide's title as the markup gave it
    size: float | None = None  # body text size in points


@dataclass(frozen=True)
class Box:
    width: float  # points, inside the insets
    height: float


# --- nodes to paragraphs --------------------------------------------------------------


def _slide_spec(node: m.Slide) -> SlideSpec:
    return SlideSpec(_clean(node.title), node.layout, _paras(node.blocks), _paras(node.notes),
                     node.title, node.body_size)


def _paras(blocks: tuple[m.Block, ...]) -> list[Para]:
    out: list[Para] = []
    for block in blocks:
        if isinstance(block, m.Paragraph):
            out.append(Para(_runs(block.content)))
        elif isinstance(block, m.ListBlock):
            kind = "number" if block.numbered else "bullet"
            out += [Para(_runs(item), kind, n) for n, item in enumerate(block.items, 1)]
    return out


def _runs(content: m.Inline) -> tuple[tuple[str, bool], ...]:
    """Inline content as (text, bold) runs, markup whitespace collapsed and trimmed."""
    runs: list[tuple[str, bool]] = []

    def add(text: str, bold: bool) -> None:
        if runs and runs[-1][1] == bold:
            runs[-1] = (runs[-1][0] + text, bold)
        else:
            runs.append((text, bold))

    def walk(items: m.Inline, bold: bool) -> None:
        for item in items:
            if isinstance(item, str):
                add(_MARKUP_SPACE.sub(" ", _clean(item)), bold)
            elif isinstance(item, m.Break):
                add("\n", bold)
            else:
                walk(item.content, True)

    walk(content, False)
    text = "".join(t for t, _ in runs)
    lead, end = len(text) - len(text.lstrip(" ")), len(text.rstrip(" "))
    out, pos = [], 0
    for t, b in runs:
        piece = t[max(lead - pos, 0):max(min(end - pos, len(t)), 0)]
        piece = re.sub(" *\n *", "\n", piece)
        if piece:
            out.append((piece, b))
        pos += len(t)
    return tuple(out)


def _clean(text: str) -> str:
    return _ILLEGAL_XML.sub("", text)
