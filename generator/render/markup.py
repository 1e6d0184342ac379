"""Block markup, parsed once: the templates' XML as typed, frozen nodes.

How to add a node (a new tag, e.g. <slide> or <cards>)
------------------------------------------------------
1. Write a frozen dataclass for it in generator/render/nodes.py, subclassing Block,
   with its attributes already converted (bool, int, tuple of numbers) and its
   children as nodes.
2. Write its parser, decorated with @block("tag"): it receives the element and the
   Parser, reads attributes with `p.attrs(el, required=..., optional=...)` and the
   converters (p.boolean, p.whole_number, p.numbers), and its children with
   p.blocks(el) (blocks), p.inline(el) (text, <b>, <br/>) or p.children(el, "item").
   Every mistake is raised with p.fail(el, "what is wrong"), which names the template.
3. Teach each renderer that should print it (its dispatch on the node's type); a
   renderer meeting a node it has no use for raises MarkupError via `unsupported()`.
4. Document the tag in the vocabulary in generator/render/__init__.py.

How to add a format (e.g. "pptx")
---------------------------------
1. Write generator/render/<format>.py (or a package) with
   `render(nodes: Document, meta: DocMeta, page: PageStyle, assets: Assets) -> bytes`
   and, optionally, `prepare(assets)` for once-per-process set-up done before workers
   are forked. It never opens files: everything it needs arrives in `assets`
   (resolved by generator/resources.py).
2. Add one line to FORMATS in generator/render/registry.py. If it needs a reference
   file from templates/ (like reference.docx), name it there: resources resolves it.
3. Add its documents (stem, format, template) to DOCUMENTS in generator/documents.py and
   write the templates. The tests that loop over the registry (bad markup for every
   format) cover it from then on.

Parsing
-------
`parse(root, source, template_text)` turns the root <document> element into a
Document. `source` is the template file as the user should see it; every error reads
"<source>:<line>: <tag>: <what is wrong and how to fix it>" (the line where the tag is
written in the template, when it is written there literally) and is a MarkupError (a
TemplateError, so the command line prints one line and exits 1).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from typing import Callable, Iterable, Optional, Union

from ..errors import MarkupError

from .nodes import (  # noqa: F401  (the node types are part of this module's names)
    Bold, Break, BREAK, InlineItem, Inline, plain_text, Block, Heading, Paragraph, Answer,
    ListBlock, Tick, Cell, Row, Table, Box, Note, CheckItem, Checklist, Lines, Field,
    Fields, PageBreak, Card, Cards, Certificate, Columns, Document, MAX_LINES,
    MAX_CARD_COLUMNS, MAX_CERTIFICATE_COPIES, MIN_COLUMNS, MAX_COLUMNS, TRUE_WORDS,
    FALSE_WORDS,
)

# --- the parser ------------------------------------------------------------------------

BlockParser = Callable[["Parser", ET.Element], Block]
BLOCKS: dict[str, BlockParser] = {}  # tag -> parser of that block; @block adds to it


def block(*tags: str):
    """Register the decorated function as the parser of blocks with these tags."""

    def register(fn: BlockParser) -> BlockParser:
        for tag in tags:
            BLOCKS[tag] = fn
        return fn

    return register


def parse(root: ET.Element, source: str = "template",
          template_text: Union[str, Callable[[], str]] = "") -> Document:
    """The Document a template produced; MarkupError naming `source` if it is not
    valid block markup. `template_text`, the template's own source (or a function that
    reads it, called only for an error), lets the error give the line where the
    offending tag is written, when it is written there literally."""
    parser = Parser(source, template_text)
    if root.tag != "document":
        parser.fail(root, "block markup must start with <document>")
    parser.attrs(root)
    return Document(parser.blocks(root), source)


def unsupported(node: object, fmt: str, source: str = "template") -> MarkupError:
    """The error a renderer raises for a node its format cannot print."""
    return MarkupError(f"{source}: {type(node).__name__.lower()} blocks cannot be made "
                       f"in a {fmt} document; remove them from this template")


_SPACE = re.compile(r"\S")


class Parser:
    def __init__(self, source: str, template_text: Union[str, Callable[[], str]] = ""):
        self.source = source
        self.template_text = template_text

    def fail(self, el: ET.Element, what: str):
        line = _line_of(el, self.template_text)
        where = f"{self.source}:{line}" if line else self.source
        raise MarkupError(f"{where}: {_shown(el)}: {what}")

    # -- attributes --

    def attrs(self, el: ET.Element, required: Iterable[str] = (),
              optional: Iterable[str] = ()) -> dict[str, str]:
        """The element's attributes, after checking that every required one is there
        and no unknown one is."""
        if not el.attrib and not required:
            return {}
        required, optional = tuple(required), tuple(optional)
        for name in required:
            if name not in el.attrib:
                self.fail(el, f'needs a {name}="…" attribute')
        allowed = required + optional
        for name in el.attrib:
            if name not in allowed:
                known = (f"it takes {', '.join(allowed)}" if allowed
                         else "it takes no attributes")
                self.fail(el, f"unknown attribute {name}; {known}")
        return dict(el.attrib)

    def boolean(self, el: ET.Element, name: str, default: bool = False) -> bool:
        value = el.get(name)
        if value is None:
            return default
        word = value.strip().lower()
        if word in TRUE_WORDS:
            return True
        if word in FALSE_WORDS:
            return False
        self.fail(el, f'{name} must be "true" or "false", not {value!r}')

    def whole_number(self, el: ET.Element, name: str, low: int, high: int) -> int:
        value = el.get(name, "")
        try:
            number = int(value.strip())
        except ValueError:
            number = None
        if number is None or not low <= number <= high:
            self.fail(el, f"{name} must be a whole number from {low} to {high}, "
                          f"not {value!r}")
        return number

    def numbers(self, el: ET.Element, name: str) -> tuple[float, ...]:
        value = el.get(name, "")
        try:
            numbers = tuple(float(part) for part in value.split(","))
        except ValueError:
            numbers = ()
        if not numbers or any(not n > 0 or n == float("inf") for n in numbers):
            self.fail(el, f'{name} must be positive numbers separated by commas, '
                          f'e.g. {name}="30,70", not {value!r}')
        return numbers

    # -- children --

    def blocks(self, parent: ET.Element) -> tuple[Block, ...]:
        """The blocks inside `parent` (no text may sit between them)."""
        self.no_text(parent)
        out = []
        for child in parent:
            parse_block = BLOCKS.get(child.tag)
            if parse_block is None:
                where = "" if parent.tag == "document" else f" inside <{parent.tag}>"
                self.fail(child, f"unknown block{where}; known blocks: "
                                 f"{', '.join(sorted(BLOCKS))}")
            out.append(parse_block(self, child))
        return tuple(out)

    def children(self, parent: ET.Element, tag: str) -> list[ET.Element]:
        """`parent`'s children, which must all be <tag> (and no text between them)."""
        self.no_text(parent)
        for child in parent:
            if child.tag != tag:
                self.fail(child, f"not allowed inside <{parent.tag}>, which holds only <{tag}>")
        return list(parent)

    def no_text(self, parent: ET.Element) -> None:
        for text in (parent.text, *(child.tail for child in parent)):
            if text and _SPACE.search(text):
                self.fail(parent, f"text {' '.join(text.split())[:40]!r} outside a "
                                  "paragraph; put it in <p>…</p>")

    def inline_text(self, el: ET.Element) -> bool:
        """Whether el holds any non-blank text of its own."""
        return any(t and _SPACE.search(t) for t in (el.text, *(c.tail for c in el)))

    def inline(self, el: ET.Element) -> Inline:
        """Text, <b>…</b> and <br/> inside `el`."""
        out: list[InlineItem] = []
        if el.text:
            out.append(el.text)
        for child in el:
            if child.tag == "br":
                self.attrs(child)
                if len(child) or child.text:
                    self.fail(child, "<br/> holds nothing")
                out.append(BREAK)
            elif child.tag == "b":
                self.attrs(child)
                out.append(Bold(self.inline(child)))
            else:
                self.fail(child, f"not allowed inside <{el.tag}>: text here may hold "
                                 "only <b>…</b> and <br/>")
            if child.tail:
                out.append(child.tail)
        return tuple(out)


def _line_of(el: ET.Element, template_text) -> int | None:
    """The first line of the template where `el` is written with all its attributes as
    they are (none when a template expression makes the tag or a value)."""
    if callable(template_text):
        template_text = template_text()
    if not template_text:
        return None
    patterns = [re.compile(rf"<{re.escape(el.tag)}(?=[\s/>])")]
    patterns += [re.compile(rf"\b{re.escape(k)}\s*=\s*([\"']){re.escape(v)}\1")
                 for k, v in el.attrib.items()]
    for number, line in enumerate(template_text.splitlines(), 1):
        if all(pattern.search(line) for pattern in patterns):
            return number
    return None


def _shown(el: ET.Element) -> str:
    attrs = "".join(f' {k}="{v}"' for k, v in el.attrib.items())
    return f"<{el.tag}{attrs}>"


# --- the vocabulary --------------------------------------------------------------------


@block("h1", "h2", "h3")
def _heading(p: Parser, el: ET.Element) -> Heading:
    p.attrs(el)
    return Heading(int(el.tag[1]), p.inline(el))


@block("p")
def _paragraph(p: Parser, el: ET.Element) -> Paragraph:
    p.attrs(el, optional=("class",))
    kind = el.get("class")
    if kind not in (None, "small"):
        p.fail(el, f'class may only be "small", not {kind!r}')
    return Paragraph(p.inline(el), small=kind == "small")


@block("answer")
def _answer(p: Parser, el: ET.Element) -> Answer:
    p.attrs(el)
    return Answer(p.inline(el))


@block("ul", "ol")
def _list(p: Parser, el: ET.Element) -> ListBlock:
    p.attrs(el)
    items = []
    for li in p.children(el, "li"):
        p.attrs(li)
        items.append(p.inline(li))
    return ListBlock(tuple(items), numbered=el.tag == "ol")


@block("table")
def _table(p: Parser, el: ET.Element) -> Table:
    p.attrs(el, optional=("widths", "wide"))
    rows = []
    for tr in p.children(el, "tr"):
        p.attrs(tr)
        p.no_text(tr)
        cells = []
        for cell in tr:
            if cell.tag not in ("th", "td"):
                p.fail(cell, "not allowed inside <tr>, which holds only <th> and <td> cells")
            p.attrs(cell)
            cells.append(_cell(p, cell))
        rows.append(Row(tuple(cells)))
    table = Table(tuple(rows), wide=p.boolean(el, "wide"))
    if el.get("widths") is not None:
        widths = p.numbers(el, "widths")
        if len(widths) != table.columns:
            p.fail(el, f"widths gives {len(widths)} column widths but the table has "
                       f"{table.columns} columns")
        table = Table(table.rows, widths, table.wide)
    return table


def _cell(p: Parser, cell: ET.Element) -> Cell:
    header = cell.tag == "th"
    ticks = [child for child in cell if child.tag == "tick"]
    if not ticks:
        return Cell(header, p.inline(cell))
    tick = ticks[0]
    if len(cell) > 1 or p.inline_text(cell):
        p.fail(cell, "a cell with a <tick/> holds nothing else; its label says what it is")
    p.attrs(tick, required=("label",), optional=("checked",))
    if len(tick) or tick.text:
        p.fail(tick, "<tick/> holds nothing; its label says what it is")
    return Cell(header, (), Tick(tick.get("label"), p.boolean(tick, "checked")))


@block("box")
def _box(p: Parser, el: ET.Element) -> Box:
    p.attrs(el, optional=("title", "breakable"))
    return Box(el.get("title"), p.blocks(el), p.boolean(el, "breakable"))


@block("note")
def _note(p: Parser, el: ET.Element) -> Note:
    p.attrs(el, optional=("title",))
    return Note(el.get("title"), p.blocks(el))


@block("checklist")
def _checklist(p: Parser, el: ET.Element) -> Checklist:
    p.attrs(el)
    items = []
    for item in p.children(el, "item"):
        p.attrs(item, optional=("checked",))
        items.append(CheckItem(p.inline(item), p.boolean(item, "checked")))
    return Checklist(tuple(items))


@block("lines")
def _lines(p: Parser, el: ET.Element) -> Lines:
    p.attrs(el, required=("count",))
    if len(el) or (el.text or "").strip():
        p.fail(el, "<lines/> holds nothing")
    return Lines(p.whole_number(el, "count", 1, MAX_LINES))


@block("fields")
def _fields(p: Parser, el: ET.Element) -> Fields:
    p.attrs(el)
    fields = []
    for field in p.children(el, "field"):
        p.attrs(field, required=("label",))
        if len(field):
            p.fail(field[0], "not allowed inside <field>, which holds only plain text")
        fields.append(Field(field.get("label"), field.text or ""))
    return Fields(tuple(fields) or (Field("Name"),))


# Blocks that make no sense in a column: page-wide layout.
_NOT_IN_A_COLUMN = {"columns": "columns cannot be nested", "pagebreak": "a page break "
                    "inside a column means nothing", "cards": "cards set their own columns",
                    "slide": "slides belong to a deck, not a page",
                    "certificate": "a certificate fills the page"}


@block("columns")
def _columns(p: Parser, el: ET.Element) -> Columns:
    p.attrs(el, optional=("breakable",))
    columns = []
    for column in p.children(el, "column"):
        p.attrs(column)
        for child in column:
            if child.tag in _NOT_IN_A_COLUMN:
                p.fail(child, f"not allowed inside <column>: {_NOT_IN_A_COLUMN[child.tag]}")
        blocks = p.blocks(column)
        if not blocks:
            p.fail(column, "holds no blocks; leave the column out instead")
        columns.append(blocks)
    if not MIN_COLUMNS <= len(columns) <= MAX_COLUMNS:
        p.fail(el, f"holds {len(columns)} <column>; it takes {MIN_COLUMNS} to {MAX_COLUMNS} "
                   "(one column: write its blocks without <columns>)")
    return Columns(tuple(columns), p.boolean(el, "breakable"))


@block("pagebreak")
def _pagebreak(p: Parser, el: ET.Element) -> PageBreak:
    p.attrs(el)
    if len(el) or (el.text or "").strip():
        p.fail(el, "<pagebreak/> holds nothing")
    return PageBreak()


# --- slides (the pptx format) ------------------------------------------------------------


@dataclass(frozen=True)
class Slide(Block):
    """One projected slide: a title, the layout of the reference deck it is made from,
    its text (paragraphs and lists) and the speaker notes for it."""

    title: str
    layout: str  # a layout name in templates/reference.pptx, e.g. "Title and Content"
    blocks: tuple[Block, ...]  # Paragraph and ListBlock only
    notes: tuple[Block, ...] = ()  # Paragraph and ListBlock only
    body_size: Optional[float] = None  # points; None for the renderer's default


SLIDE_LAYOUTS = ("Title Slide", "Section Header", "Title and Content")
_SLIDE_TEXT = (Paragraph, ListBlock)


@block("slide")
def _slide(p: Parser, el: ET.Element) -> Slide:
    p.attrs(el, required=("title",), optional=("layout", "body-size"))
    title = " ".join(el.get("title").split())
    if not title:
        p.fail(el, "a slide's title cannot be empty")
    layout = el.get("layout", "Title and Content")
    if layout not in SLIDE_LAYOUTS:
        p.fail(el, f"layout must be one of {', '.join(SLIDE_LAYOUTS)}, not {layout!r}")
    size = None
    if el.get("body-size") is not None:
        size = float(p.whole_number(el, "body-size", 24, 60))  # 24 pt is the floor
    p.no_text(el)
    blocks: list[Block] = []
    notes: Optional[tuple[Block, ...]] = None
    for child in el:
        if child.tag == "notes":
            if notes is not None:
                p.fail(child, "a slide has one <notes>")
            p.attrs(child)
            notes = p.blocks(child)
            for node, sub in zip(notes, child):
                if not isinstance(node, _SLIDE_TEXT):
                    p.fail(sub, "speaker notes hold only <p>, <ul> and <ol>")
            continue
        parse_block = BLOCKS.get(child.tag)
        node = parse_block(p, child) if parse_block else None
        if not isinstance(node, _SLIDE_TEXT):
            p.fail(child, "not allowed on a slide, which holds only <p>, <ul>, <ol> and "
                          "<notes>")
        blocks.append(node)
    return Slide(title, layout, tuple(blocks), notes or (), size)
_ON_A_CARD = (Paragraph, ListBlock, Table, Checklist, Lines, Fields)


@block("cards")
def _cards(p: Parser, el: ET.Element) -> Cards:
    p.attrs(el, optional=("columns", "min-width", "fill"))
    columns = p.whole_number(el, "columns", 1, MAX_CARD_COLUMNS) if "columns" in el.attrib else 2
    min_width = float(p.whole_number(el, "min-width", 1, 100)) if "min-width" in el.attrib else 0.0
    cards = []
    for card in p.children(el, "card"):
        p.attrs(card, required=("title",))
        blocks = p.blocks(card)
        for node in blocks:
            if not isinstance(node, _ON_A_CARD):
                p.fail(card, "a card holds only <p> paragraphs, lists, tables, <checklist>, "
                             "<lines/> and <fields>")
        cards.append(Card(card.get("title"), blocks))
    if not cards:
        p.fail(el, "holds no <card>; leave the cards out instead")
    return Cards(tuple(cards), columns, min_width, p.boolean(el, "fill"))


_ON_A_CERTIFICATE = (Heading, Paragraph, Fields)


@block("certificate")
def _certificate(p: Parser, el: ET.Element) -> Certificate:
    p.attrs(el, optional=("copies",))
    copies = (p.whole_number(el, "copies", 1, MAX_CERTIFICATE_COPIES)
              if "copies" in el.attrib else 1)
    blocks = p.blocks(el)
    for node, child in zip(blocks, el):
        if not isinstance(node, _ON_A_CERTIFICATE):
            p.fail(child, "not allowed inside <certificate>, which holds only headings, "
                          "<p> and <fields>")
    if not blocks:
        p.fail(el, "holds no blocks; write what the certificate says inside it")
    return Certificate(blocks, copies)
