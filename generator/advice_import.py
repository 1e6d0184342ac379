"""Turn a published advice article (markdown, optionally with YAML front matter) into a
draft advice file for lessons/advice/.

The draft is a starting point, not finished content: an officer restates every message
in the project's own words and brings the law, contacts and dates up to date. So the
importer is deliberately literal. It copies the article's own advice (each bullet or
numbered item, and each bold-headed paragraph) into one key message apiece, and fills
in placeholders rather than guessing when the article doesn't say something.
"""

from __future__ import annotations

import datetime as dt
import html
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from generator.errors import ContentError, Problem, display_path
from generator.model import Advice
from generator.naming import slugify

AREA_PLACEHOLDER = "Unknown — please fill in"
TITLE_PLACEHOLDER = "Title not found — please fill in"
SUMMARY_PLACEHOLDER = "Summary not found in the article — please write one."
NO_ADVICE = (
    "no advice found: the article needs a bullet list or bold-headed paragraphs of advice"
)
DATE_NOT_FOUND = "# date not found in the article: check it"

HEADER = """\
# Draft advice imported from {name} by `lessonpack import-advice`.
# Review it before saving it in lessons/advice/:
#  - restate the summary and every message in this project's own words rather than
#    copying the article;
#  - check the law, contact numbers and dates are still current, and say what you
#    brought up to date, and why, under updates;
#  - make sure no message blames the victim: the offender is responsible;
#  - make the message ids unique across lessons/advice/ and rename any that read badly.
"""


def import_advice(path: Path, *, today: dt.date | None = None) -> str:
    """Read the article at `path` and return the text of a draft advice YAML file.

    `today` is the date used when the article has none (tests pass a fixed one).
    Raises ContentError when the file is not UTF-8, its front matter is broken, or
    it contains no advice to import.
    """
    path = Path(path)
    where = display_path(path)
    text = read_text(path, where)
    meta, body = split_front_matter(text, where)
    blocks = parse_blocks(body)

    messages = extract_messages(blocks)
    if not messages:
        raise ContentError([Problem(where, 0, NO_ADVICE)])

    title = meta_text(meta, ("title",)) or find_title(blocks) or TITLE_PLACEHOLDER
    area = meta_text(meta, ("area",)) or AREA_PLACEHOLDER
    summary = (
        meta_text(meta, ("og", "description"), ("og:description",), ("description",))
        or find_summary(blocks, title)
        or SUMMARY_PLACEHOLDER
    )
    url = meta_text(meta, ("url",))

    raw_date = meta_value(meta, ("publish", "date"), ("date",), ("published",))
    date = parse_date(raw_date) if raw_date is not None else None
    if date is None:
        date_comment = (
            DATE_NOT_FOUND
            if raw_date is None
            else f"# date {str(raw_date)!r} in the article could not be read: check it"
        )
    else:
        date_comment = None

    source: dict[str, Any] = {
        "area": area,
        "title": title,
        "date": date or today or dt.date.today(),
    }
    if url:
        source["url"] = url
    advice = {
        "id": advice_id(area, title, date),
        "source": source,
        "summary": summary,
        "updates": [],
        "messages": [{"id": m_id, "text": m_text} for m_id, m_text in messages],
    }
    Advice.model_validate(advice)  # a bug here is ours, not the article's: let it raise
    return emit_yaml(advice, path.name, date_comment)


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

_DASH_FENCE = re.compile(r"^---\s*$")
_CODE_FENCE = re.compile(r"^```\s*(ya?ml)?\s*$", re.IGNORECASE)


class _FrontMatterLoader(yaml.SafeLoader):
    """Safe loading with dates left as text: parse_date reads them, and an impossible
    date such as 2018-02-30 is flagged for checking instead of stopping the import."""


_FrontMatterLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def split_front_matter(text: str, where: str) -> tuple[dict, str]:
    """Split off front matter fenced by `---` lines or a ```yaml code block.

    Returns (metadata, body). Without front matter the metadata is empty and the body
    is the whole text.
    """
    lines = text.splitlines()
    start = next((i for i, line in enumerate(lines) if line.strip()), None)
    if start is None:
        return {}, text
    opener = lines[start].strip()
    if _DASH_FENCE.match(opener):
        closers, tagged = {"---", "..."}, True
    elif match := _CODE_FENCE.match(opener):
        closers, tagged = {"```"}, bool(match.group(1))
    else:
        return {}, text
    end = next((j for j in range(start + 1, len(lines)) if lines[j].strip() in closers), None)
    if end is None:
        return {}, text

    try:
        meta = yaml.load("\n".join(lines[start + 1 : end]), Loader=_FrontMatterLoader)
    except yaml.YAMLError as err:
        if not tagged:  # a bare ``` block at the top is just code, not metadata
            return {}, text
        mark = getattr(err, "problem_mark", None)
        line = start + 2 + mark.line if mark else start + 1
        problem = getattr(err, "problem", None) or "it could not be read"
        message = f"the front matter is not valid YAML ({problem}): fix or remove it"
        raise ContentError([Problem(where, line, message)])
    if not isinstance(meta, dict):
        return {}, text
    return meta, "\n".join(lines[end + 1 :])


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

_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$")
# "-", "*" and "+" need a space after them so "**bold**" and "---" aren't items;
# pasted "•" bullets often have none.
_ITEM = re.compile(r"^\s*(?:[-*+]\s+|[•●▪]\s*|\d{1,2}[.)]\s+)(.*)$")
_BOLD_START = re.compile(r"^\s*(\*\*|__)(.+?)\1(.*)$")


@dataclass
class Block:
    """A heading, a list item or a paragraph."""

    kind: str  # "heading", "item" or "para"
    lines: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return " ".join(line.strip() for line in self.lines)


def parse_blocks(body: str) -> list[Block]:
    """Split markdown into headings, list items and paragraphs.

    A blank line ends a block. An item or paragraph runs on over following lines,
    except that a new item, a heading, or a line starting in bold begins a new block
    (pasted advice often puts bold-headed paragraphs on consecutive lines).
    """
    blocks: list[Block] = []
    current: Block | None = None
    for line in body.splitlines():
        if not line.strip():
            current = None
        elif match := _HEADING.match(line):
            blocks.append(Block("heading", [match.group(1)]))
            current = None
        elif match := _ITEM.match(line):
            current = Block("item", [match.group(1)])
            blocks.append(current)
        elif current is None or (current.kind == "para" and _BOLD_START.match(line)):
            current = Block("para", [line])
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


# ----------------------------------------------------------------- messages


def message_text(block: Block) -> tuple[str, str] | None:
    """(text, words for the id) of one piece of advice, or None if the block isn't one."""
    headed = split_bold_head(block)
    if block.kind == "item":
        if headed and headed[1]:
            return join_head(*headed), headed[0]
        text = clean_markdown(block.text)
        return (text, text) if text else None
    if block.kind == "para" and headed and headed[1]:
        return join_head(*headed), headed[0]
    return None


def extract_messages(blocks: list[Block]) -> list[tuple[str, str]]:
    """(id, text) for every list item and bold-headed paragraph, in article order."""
    messages: list[tuple[str, str]] = []
    used: set[str] = set()
    for block in blocks:
        found = message_text(block)
        if found:
            text, id_words = found
            messages.append((unique(short_slug(id_words), used), text))
    return messages


# ------------------------------------------------------------ title, summary


def find_title(blocks: list[Block]) -> str | None:
    """The first `# heading`, else the first line that is entirely bold."""
    headings = [b for b in blocks if b.kind == "heading"]
    bold_lines = [b for b in blocks if b.kind == "para" and is_bold_only(b)]
    for block in headings + bold_lines:
        text = clean_markdown(block.text)
        if text:
            return text
    return None


def find_summary(blocks: list[Block], title: str) -> str | None:
    """The first plain paragraph: not the title, a message or a bold section heading."""
    for block in blocks:
        if block.kind != "para" or message_text(block):
            continue
        text = clean_markdown(block.text)
        if not text or text == title:
            continue
        if is_bold_only(block) and text[-1] not in ".!?":  # "**Protect yourself**"
            continue
        return text
    return None


# ---------------------------------------------------------------------- ids

# Words that make an id read badly when it stops on them ("never-transfer-money-or").
_FILLER_WORDS = {
    "a", "an", "and", "are", "as", "at", "be", "before", "by", "for", "from", "if",
    "in", "is", "of", "on", "or", "so", "that", "the", "to", "with", "you", "your",
}


# Where the first clause ends: "Don't pay. Paying rarely…" gives the id "dont-pay".
_CLAUSE_END = re.compile(r"[.:;!?–—]| - ")


def short_slug(text: str, words: int = 4) -> str:
    """An id from the first few words of the first clause, not ending on a filler word."""
    parts = slugify(_CLAUSE_END.split(text, maxsplit=1)[0] or text, "").split("-")[:words]
    while len(parts) > 1 and parts[-1] in _FILLER_WORDS:
        parts.pop()
    return "-".join(p for p in parts if p) or "message"


def title_slug(title: str, words: int = 4) -> str:
    """The title's first few words that aren't filler: "advice-being-blackmailed-online"."""
    parts = [p for p in slugify(title, "").split("-") if p and p not in _FILLER_WORDS]
    return "-".join(parts[:words])


def unique(slug: str, used: set[str]) -> str:
    """`slug`, or slug-2, slug-3… if it is already taken."""
    candidate, n = slug, 1
    while candidate in used:
        n += 1
        candidate = f"{slug}-{n}"
    used.add(candidate)
    return candidate


def advice_id(area: str, title: str, date: dt.date | None) -> str:
    """"bedfordshire-2018": the area and year, or the title's first words if no area."""
    if area != AREA_PLACEHOLDER:
        base = slugify(area, "")
    elif title != TITLE_PLACEHOLDER:
        base = title_slug(title)
    else:
        base = ""
    base = base or "imported-advice"
    return f"{base}-{date.year}" if date else base


# --------------------------------------------------------------------- YAML


class _Dumper(yaml.SafeDumper):
    """Block style like the hand-written advice files: list items indented under their
    key, and long text folded (>-) so it wraps readably."""

    def increase_indent(self, flow: bool = False, indentless: bool = False):
        return super().increase_indent(flow, False)


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    # fold long prose only: a URL has no spaces to fold at
    style = ">" if len(value) > 60 and " " in value and "\n" not in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _represent_str)


def emit_yaml(advice: dict, article_name: str, date_comment: str | None) -> str:
    """The header comment and the advice as YAML, key order kept."""
    body = yaml.dump(
        advice,
        Dumper=_Dumper,
        sort_keys=False,
        allow_unicode=True,
        width=80,  # folding breaks after the word that crosses it: lines stay under ~88
        default_flow_style=False,
    )
    if date_comment:
        # source comes first, so the first "  date:" line is the source date
        body = re.sub(
            r"^  date: .*$", lambda m: f"{m.group(0)}  {date_comment}", body, count=1, flags=re.M
        )
    return HEADER.format(name=article_name) + body
