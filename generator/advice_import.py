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

This module puts the draft together and writes it as YAML; advice_article.py reads
the article and advice_find.py finds its advice.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import yaml

from generator.advice_article import (  # noqa: F401  clean_markdown: imported from here too
    clean_markdown, meta_text, meta_value, parse_article, parse_date, read_text)
from generator.advice_find import (  # noqa: F401  is_advice: imported from here too
    FILLER_WORDS, extract_messages, find_summary, find_title, is_advice)
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


# ---------------------------------------------------------------------- ids


def title_slug(title: str, words: int = 4) -> str:
    """The title's first few words that aren't filler: "advice-being-blackmailed-online"."""
    parts = [p for p in slugify(title, "").split("-") if p and p not in FILLER_WORDS]
    return "-".join(parts[:words])


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
