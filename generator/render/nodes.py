"""The block-markup tree: frozen, typed nodes, one class per tag (generator/render/
markup.py parses the templates' XML into them; every renderer walks them)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional, Union

# --- inline content --------------------------------------------------------------------


@dataclass(frozen=True)
class Bold:
    content: "Inline"


@dataclass(frozen=True)
class Break:
    """<br/>: a line break inside a paragraph."""


BREAK = Break()

# Text exactly as the template wrote it (whitespace included: each renderer collapses
# it its own way), bold spans and line breaks. Empty strings are left out.
InlineItem = Union[str, Bold, Break]
Inline = tuple[InlineItem, ...]


def plain_text(content: Inline) -> str:
    """The text of inline content, bold dropped, a line break as a newline."""
    return "".join(item if isinstance(item, str) else "\n" if isinstance(item, Break)
                   else plain_text(item.content) for item in content)


# --- blocks ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Block:
    """Base class of every block node."""


@dataclass(frozen=True)
class Heading(Block):
    level: int  # 1, 2 or 3
    content: Inline


@dataclass(frozen=True)
class Paragraph(Block):
    content: Inline
    small: bool = False  # <p class="small">: sources, notes


@dataclass(frozen=True)
class Answer(Block):
    content: Inline


@dataclass(frozen=True)
class ListBlock(Block):
    items: tuple[Inline, ...]
    numbered: bool  # <ol> rather than <ul>


@dataclass(frozen=True)
class Tick:
    """A drawn tick box alone in a table cell (a true/false grid)."""

    label: str  # what the box means ("True"): Word prints it, a screen reader says it
    checked: bool


@dataclass(frozen=True)
class Cell:
    header: bool  # <th> rather than <td>
    content: Inline  # empty when the cell holds a tick box
    tick: Optional[Tick] = None


@dataclass(frozen=True)
class Row:
    cells: tuple[Cell, ...]

    @property
    def is_header(self) -> bool:
        return all(cell.header for cell in self.cells)


@dataclass(frozen=True)
class Table(Block):
    rows: tuple[Row, ...]
    widths: Optional[tuple[float, ...]] = None  # per cent of the text width, one per column
    wide: bool = False  # PDF: may reach into the right margin, as columns do

    @property
    def columns(self) -> int:
        return max((len(row.cells) for row in self.rows), default=0)


@dataclass(frozen=True)
class Box(Block):
    """An activity box; `breakable` lets a long one continue on the next page."""

    title: Optional[str]
    blocks: tuple[Block, ...]
    breakable: bool = False


@dataclass(frozen=True)
class Note(Block):
    """A shaded call-out."""

    title: Optional[str]
    blocks: tuple[Block, ...]


@dataclass(frozen=True)
class CheckItem:
    content: Inline
    checked: bool = False


@dataclass(frozen=True)
class Checklist(Block):
    items: tuple[CheckItem, ...]


@dataclass(frozen=True)
class Lines(Block):
    count: int  # write-in lines, 1 to MAX_LINES


@dataclass(frozen=True)
class Field:
    label: str
    value: str = ""  # text already on the line, as written (whitespace not collapsed)


@dataclass(frozen=True)
class Fields(Block):
    fields: tuple[Field, ...]


@dataclass(frozen=True)
class PageBreak(Block):
    pass


@dataclass(frozen=True)
class Card:
    """One card to cut out: a title and what is printed under it."""

    title: str
    blocks: tuple[Block, ...]


@dataclass(frozen=True)
class Cards(Block):
    """Cards to print and cut out, `columns` across, with dashed cut lines between."""

    cards: tuple[Card, ...]
    columns: int = 2
    min_width: float = 0.0  # a card's least width, in font sizes: fewer columns in large print
    fill: bool = False  # repeat the cards, in whole rows, to fill the page (slips)


@dataclass(frozen=True)
class Certificate(Block):
    """A certificate filling the page inside a double border, its blocks centred;
    `copies` of it to a sheet, one above the other, with a dashed line to cut along."""

    blocks: tuple[Block, ...]  # Heading, Paragraph and Fields only
    copies: int = 1


@dataclass(frozen=True)
class Columns(Block):
    """Blocks set side by side in 2 or 3 columns of equal width (short tick lists, two
    stories' decisions). They are read column by column: all of the first, then the
    second. The columns move whole to the next page unless they are taller than a page
    or `breakable`, when each column continues overleaf."""

    columns: tuple[tuple[Block, ...], ...]
    breakable: bool = False


@dataclass(frozen=True)
class Document:
    """The parsed root element: the blocks of one document."""

    blocks: tuple[Block, ...]
    source: str = ""  # the template, as the user should see it, for error messages


MAX_LINES = 60
MAX_CARD_COLUMNS = 4
MAX_CERTIFICATE_COPIES = 2  # to a sheet: two A5 certificates on A4
MIN_COLUMNS, MAX_COLUMNS = 2, 3  # <column>s in a <columns> block
TRUE_WORDS, FALSE_WORDS = ("true", "yes", "1"), ("false", "no", "0")
