"""Reading an advice article: the file as text, its front matter and dates, and its
markdown as blocks (headings, list items, paragraphs) with their article lines."""

from __future__ import annotations

import datetime as dt
import html
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from generator.errors import ContentError, Problem


# ------------------------------------------------------------------ reading


def read_text(path: Path, where: str) -> str:
    """The file as text; a clear, fixable error if it isn't UTF-8 or can't be read."""
    try:
        data = path.read_bytes()
    except OSError as err:
        raise ContentError([Problem(where, 0, f"cannot read the article: {err.strerror}")])
    try:
        return data.decode("utf-8-sig")  # -sig: Windows editors often add a BOM
    except UnicodeDecodeError as err:
        line = data.count(b"\n", 0, err.start) + 1
        bad = data[err.start]
        raise ContentError(
            [
                Problem(
                    where,
                    line,
                    f"the article is not UTF-8 text (byte 0x{bad:02x} cannot be read): "
                    "open it in a text editor and save it as UTF-8",
                )
            ]
        )


# ------------------------------------------------------------- front matter


class _FrontMatterLoader(yaml.SafeLoader):
    """Safe loading with dates left as text: parse_date reads them, and an impossible
    date such as 2018-02-30 is flagged for checking instead of stopping the import."""


_FrontMatterLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _markdown():
    from markdown_it import MarkdownIt
    from mdit_py_plugins.front_matter import front_matter_plugin

    return MarkdownIt("commonmark").use(front_matter_plugin)


def _front_matter(tokens, where: str) -> tuple[dict, int]:
    """(metadata, tokens it used): a `---` block (markdown-it's front-matter plugin) or
    a fenced ```yaml block first in the article. A bare ``` block that does not read
    as a mapping is just code."""
    if not tokens or tokens[0].type not in ("front_matter", "fence"):
        return {}, 0
    token = tokens[0]
    tagged = token.type == "front_matter" or token.info.strip().lower() in ("yaml", "yml")
    if token.type == "fence" and token.info.strip() and not tagged:
        return {}, 0
    try:
        meta = yaml.load(token.content, Loader=_FrontMatterLoader)
    except yaml.YAMLError as err:
        if not tagged:
            return {}, 0
        mark = getattr(err, "problem_mark", None)
        line = token.map[0] + 2 + mark.line if mark else token.map[0] + 1
        problem = getattr(err, "problem", None) or "it could not be read"
        message = f"the front matter is not valid YAML ({problem}): fix or remove it"
        raise ContentError([Problem(where, line, message)])
    return (meta, 1) if isinstance(meta, dict) else ({}, 0)


def meta_value(meta: dict, *keys: tuple[str, ...]) -> Any:
    """The first of several key paths present in the front matter; keys ignore case."""
    for path in keys:
        value: Any = meta
        for key in path:
            if not isinstance(value, dict):
                value = None
                break
            value = {str(k).lower(): v for k, v in value.items()}.get(key)
        if value not in (None, ""):
            return value
    return None


def meta_text(meta: dict, *keys: tuple[str, ...]) -> str | None:
    value = meta_value(meta, *keys)
    if value is None:
        return None
    return clean_markdown(str(value)) or None


# -------------------------------------------------------------------- dates

_ORDINAL = re.compile(r"\b(\d{1,2})(st|nd|rd|th)\b", re.IGNORECASE)
_WEEKDAY = re.compile(r"\b(mon|tues?|wed(nes)?|thu(rs)?|fri|sat(ur)?|sun)(day)?\b\.?", re.I)
_DATE_FORMATS = (
    "%d %b %Y",  # 6 Feb 2018
    "%d %B %Y",  # 6 February 2018
    "%B %d %Y",  # February 6 2018 (comma removed)
    "%b %d %Y",
    "%Y-%m-%d",  # 2018-02-06
    "%d/%m/%Y",  # 06/02/2018: UK forces write the day first
    "%d.%m.%Y",
    "%d-%m-%Y",
)


def parse_date(value: Any) -> dt.date | None:
    """A publication date, or None if it can't be read.

    Text is tried against the shapes forces publish; numeric dates are read day first
    (UK). Date objects pass through.
    """
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    try:
        return dt.datetime.fromisoformat(text.replace("Z", "+00:00")).date()
    except ValueError:
        pass
    text = _ORDINAL.sub(r"\1", _WEEKDAY.sub("", text))
    text = re.sub(r"\bsept\b", "Sep", text, flags=re.IGNORECASE)
    text = " ".join(text.replace(",", " ").split())
    for fmt in _DATE_FORMATS:
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


# --------------------------------------------------------- markdown cleaning

_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")  # [text](url) and ![alt](src)
_EMPHASIS = re.compile(r"(?<!\\)(\*\*|__|\*|`)")
_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!>])")


def clean_markdown(text: str) -> str:
    """Plain text: links become their text, emphasis and code marks go, whitespace is
    collapsed. Curly quotes and dashes are kept as they are."""
    text = _LINK.sub(r"\1", text)
    text = _EMPHASIS.sub("", text)
    text = _ESCAPE.sub(r"\1", text)  # html2text-style escapes such as "1\."
    text = html.unescape(text)  # scraped pages often keep &rsquo; and &nbsp;
    # Pasted text carries invisible characters (zero-width spaces, soft hyphens, stray
    # controls) that content files refuse; whitespace ones are collapsed below.
    text = "".join(
        ch for ch in text if ch.isspace() or unicodedata.category(ch) not in ("Cc", "Cf")
    )
    return " ".join(text.split())


# ---------------------------------------------------------------- structure

# Pasted "•" bullets are not markdown lists: each such line is an item.
_PASTED_ITEM = re.compile(r"^\s*[•●▪]\s*(.*)$")
_BOLD_START = re.compile(r"^\s*(\*\*|__)(.+?)\1(.*)$")


@dataclass
class Block:
    """A heading, a list item or a paragraph, with the article line it starts on."""

    kind: str  # "heading", "item" or "para"
    lines: list[str] = field(default_factory=list)
    line: int = 0  # first line, counted from 1 in the article file
    quoted: bool = False  # inside a > blockquote

    @property
    def text(self) -> str:
        return " ".join(line.strip() for line in self.lines)

    def line_of(self, sentence: str) -> int:
        """The article line a sentence of this block starts on."""
        words = " ".join(sentence.split()[:4])
        for offset, raw in enumerate(self.lines):
            if words and words in clean_markdown(raw):
                return self.line + offset
        return self.line


def parse_article(text: str, where: str) -> tuple[dict, list[Block]]:
    """Front matter and the article's blocks: headings, list items and paragraphs.

    Each list item is one block. A paragraph is split where a line starts in bold
    (pasted advice often puts bold-headed paragraphs on consecutive lines) or with a
    pasted bullet character.
    """
    tokens = _markdown().parse(text)
    meta, used = _front_matter(tokens, where)
    blocks: list[Block] = []
    in_item = quoted = 0
    for index, token in enumerate(tokens[used:], used):
        if token.type == "list_item_open":
            in_item += 1
        elif token.type == "list_item_close":
            in_item -= 1
        elif token.type == "blockquote_open":
            quoted += 1
        elif token.type == "blockquote_close":
            quoted -= 1
        elif token.type == "inline" and token.map:
            opener = tokens[index - 1]
            first = token.map[0] + 1
            lines = token.content.splitlines() or [""]
            if opener.type == "heading_open":
                blocks.append(Block("heading", lines, first))
            elif in_item:
                blocks.append(Block("item", lines, first, bool(quoted)))
            else:
                blocks += _split_paragraph(lines, first, bool(quoted))
    return meta, blocks


def _split_paragraph(lines: list[str], first: int, quoted: bool) -> list[Block]:
    blocks: list[Block] = []
    current: Block | None = None
    for offset, line in enumerate(lines):
        if match := _PASTED_ITEM.match(line):
            current = Block("item", [match.group(1)], first + offset, quoted)
            blocks.append(current)
        elif current is None or (current.kind == "para" and _BOLD_START.match(line)):
            current = Block("para", [line], first + offset, quoted)
            blocks.append(current)
        else:
            current.lines.append(line)
    return blocks


def split_bold_head(block: Block) -> tuple[str, str] | None:
    """(heading, rest) when the block opens with a bold heading, cleaned of markdown.

    "**Don't pay**" followed by a sentence on the same line or the next is a heading.
    A bold word running into a lower-case sentence ("**Never** pay anyone") is just
    emphasis, so it is not split off.
    """
    match = _BOLD_START.match(block.lines[0])
    if not match:
        return None
    head = clean_markdown(match.group(2))
    same_line = clean_markdown(match.group(3))
    next_lines = clean_markdown(" ".join(block.lines[1:]))
    if not head:
        return None
    if same_line and not (
        head[-1] in ".:!?" or same_line[0] in ":-–—" or same_line[0].isupper()
        or same_line[0].isdigit()
    ):
        return None
    rest = " ".join(part for part in (same_line, next_lines) if part)
    return head, rest


def join_head(head: str, rest: str) -> str:
    """"Don't pay" + "Paying rarely…" -> "Don't pay: Paying rarely…"."""
    rest = rest.lstrip(":-–— ")
    if not rest:
        return head
    if head[-1] in ".:!?":
        return f"{head} {rest}"
    return f"{head}: {rest}"


def is_bold_only(block: Block) -> bool:
    """A one-line paragraph that is entirely bold: a heading or a bold lead line."""
    match = _BOLD_START.match(block.lines[0])
    return len(block.lines) == 1 and bool(match) and not clean_markdown(match.group(3))
