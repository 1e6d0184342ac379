"""Turn a published advice article (markdown, optionally with YAML front matter) into a
draft advice file for lessons/advice/.

The draft is a starting point, not finished content: an officer restates every message
in the project's own words and brings the law, contacts and dates up to date. So the
importer is deliberately literal. markdown-it-py parses the article (front matter by
its front-matter plugin, or a ```yaml block at the top); the importer copies the
article's own advice into one key message apiece, wherever it is: each bullet or
numbered item, each bold-headed paragraph, and each sentence of advice in plain
paragraphs, in quoted officer speech and in a closing "Remember…" paragraph (an
instruction such as "Block the account", or "you should / never / don't / talk to /
call / report"). Each message notes the article line it came from. Placeholders are
filled in rather than guesses when the article doesn't say something.
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
    "no advice found: no list item, bold-headed paragraph or sentence of advice (an "
    "instruction such as 'Block the account', or 'you should…') in the article; check it "
    "is the advice page, or write the advice file by hand"
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
    meta, blocks = parse_article(text, where)

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
        "messages": [{"id": m_id, "text": m_text} for m_id, m_text, _ in messages],
    }
    Advice.model_validate(advice)  # a bug here is ours, not the article's: let it raise
    lines = {m_id: line for m_id, _, line in messages}
    return emit_yaml(advice, path.name, date_comment, lines)


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


# ----------------------------------------------------------------- messages


def message_text(block: Block) -> tuple[str, str] | None:
    """(text, words for the id) of a list item or bold-headed paragraph, or None."""
    headed = split_bold_head(block)
    if block.kind == "item":
        if headed and headed[1]:
            return join_head(*headed), headed[0]
        text = clean_markdown(block.text)
        return (text, text) if text else None
    if block.kind == "para" and headed and headed[1]:
        return join_head(*headed), headed[0]
    return None


# Words an instruction starts with ("Block the account", "Never pay", "Remember, …").
_IMPERATIVE = set("""
    always avoid ask be block call change check choose consider contact cover delete do
    don't dont find follow get go ignore install keep know leave let limit listen look
    make never note only protect reach read record refuse remember report reply
    screenshot seek set speak stay stop switch take talk tell text think trust try turn
    update use visit walk
""".split())
_LEAD_CLAUSE = re.compile(
    r"^(?:(?:if|when|whenever|once|before|after|whatever|wherever|as soon as|while|"
    r"even if)\b[^,]*,\s*|(?:please|and|so|finally|above all|also|again|first|"
    r"most importantly|importantly|lastly|crucially|instead),?\s+)", re.IGNORECASE)
_YOU_ADVISED = re.compile(
    r"\byou\s+(?:(?:really|also|always)\s+)?(?:should|must|need to|ought to|never|don't|"
    r"don’t|do not|"
    r"can (?:always )?(?:call|talk|speak|report|contact|ask|tell|get|block|use|text|ring|"
    r"visit|go))\b", re.IGNORECASE)
_URGED = re.compile(r"\b(?:urge|urges|encourage|encourages|advise|advises|remind|reminds|"
                    r"recommend|recommends|ask|asks)\b[^.!?]*\b(?:to|against)\b",
                    re.IGNORECASE)
_HELP_VERB = re.compile(r"\b(?:can|could|should|must|may)\s+(?:always\s+|also\s+)?"
                        r"(?:talk to|speak to|call|ring|text|contact|report)\b",
                        re.IGNORECASE)
_ANYONE = re.compile(r"\b(?:you|your|anyone|anybody|someone|young people|children|"
                     r"parents|carers|victims?)\b", re.IGNORECASE)
_WE = re.compile(r"^(?:we|i|our|officers?|police|the police|the team)\b", re.IGNORECASE)
_QUOTE = re.compile(r"[\"“]([^\"“”]+)[\"”]")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[\"'“‘(]?[A-Z0-9])")


def is_advice(sentence: str) -> bool:
    """An instruction, or a "you should / never / don't / talk to / call / report"
    sentence; not a question, nor the force speaking of itself ("We take every report
    seriously")."""
    text = sentence.strip().strip("\"'“”‘’ ")
    if not text or text.endswith("?"):
        return False
    if _URGED.search(text):  # "We would urge anyone … to report it"
        return True
    if _WE.match(text):
        return False
    if _YOU_ADVISED.search(text):
        return True
    rest = text
    while (match := _LEAD_CLAUSE.match(rest)) and match.end() < len(rest):
        rest = rest[match.end():]
    first = re.sub(r"[^a-z']", "", rest.split()[0].lower().replace("’", "'")) if rest else ""
    if first in _IMPERATIVE:
        return True
    return bool(_HELP_VERB.search(text) and _ANYONE.search(text))


def _sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE_END.split(text) if s.strip()]


def _as_sentence(text: str) -> str:
    """A quoted sentence as it stands alone: '…trust,' -> '…trust.'."""
    text = text.strip().rstrip(",;: ")
    return text if text[-1:] in ".!?" else text + "."


def prose_advice(block: Block) -> list[tuple[str, int]]:
    """(text, line) for each run of advice in a plain paragraph: an advice sentence and
    the sentences after it that explain it, up to the next advice sentence. Quoted
    speech is read on its own, without its "said PC …" attribution."""
    text = clean_markdown(block.text)
    parts: list[str] = []
    last = 0
    for match in _QUOTE.finditer(text):
        parts.append(text[last:match.start()])
        parts.append(_as_sentence(match.group(1)))
        last = match.end()
    rest = text[last:]
    opened = max(rest.find('"'), rest.find("“"))
    if opened >= 0:  # a quotation running on into the next paragraph: '… said: "We…'
        parts += [rest[:opened], rest[opened + 1:]]
    else:
        parts.append(rest)
    runs: list[tuple[str, int]] = []
    for part in parts:
        current: list[str] = []
        for sentence in _sentences(part):
            if is_advice(sentence):
                if current:
                    runs.append((" ".join(current), block.line_of(current[0])))
                current = [sentence.strip("\"“”")]
            elif current and not _WE.match(sentence):
                current.append(sentence)
        if current:
            runs.append((" ".join(current), block.line_of(current[0])))
    return runs


def extract_messages(blocks: list[Block]) -> list[tuple[str, str, int]]:
    """(id, text, line) for every list item, bold-headed paragraph and run of advice in
    prose, in article order."""
    messages: list[tuple[str, str, int]] = []
    used: set[str] = set()
    for block in blocks:
        found = message_text(block)
        if found:
            text, id_words = found
            messages.append((unique(short_slug(id_words), used), text, block.line))
        elif block.kind == "para" and not is_bold_only(block):
            for text, line in prose_advice(block):
                messages.append((unique(short_slug(text), used), text, line))
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
    """The first plain paragraph: not the title, advice or a bold section heading."""
    for block in blocks:
        if block.kind != "para" or message_text(block) or prose_advice(block):
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


def emit_yaml(advice: dict, article_name: str, date_comment: str | None,
              lines: dict[str, int] | None = None) -> str:
    """The header comment and the advice as YAML, key order kept; each message's id
    line notes the article line it came from."""
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
    for message_id, line in (lines or {}).items():
        body = re.sub(rf"^  - id: {re.escape(message_id)}$",
                      lambda m: f"{m.group(0)}  # {article_name}, line {line}", body,
                      count=1, flags=re.M)
    return HEADER.format(name=article_name) + body
