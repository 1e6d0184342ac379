"""Finding an article's advice: its key messages (items, bold-headed paragraphs and
sentences of advice), its title and summary, and a short unique id for each message."""

from __future__ import annotations

import re

from generator.advice_article import Block, clean_markdown, is_bold_only, join_head, split_bold_head
from generator.naming import slugify


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
FILLER_WORDS = {
    "a", "an", "and", "are", "as", "at", "be", "before", "by", "for", "from", "if",
    "in", "is", "of", "on", "or", "so", "that", "the", "to", "with", "you", "your",
}


# Where the first clause ends: "Don't pay. Paying rarely…" gives the id "dont-pay".
_CLAUSE_END = re.compile(r"[.:;!?–—]| - ")


def short_slug(text: str, words: int = 4) -> str:
    """An id from the first few words of the first clause, not ending on a filler word."""
    parts = slugify(_CLAUSE_END.split(text, maxsplit=1)[0] or text, "").split("-")[:words]
    while len(parts) > 1 and parts[-1] in FILLER_WORDS:
        parts.pop()
    return "-".join(p for p in parts if p) or "message"


def unique(slug: str, used: set[str]) -> str:
    """`slug`, or slug-2, slug-3… if it is already taken."""
    candidate, n = slug, 1
    while candidate in used:
        n += 1
        candidate = f"{slug}-{n}"
    used.add(candidate)
    return candidate
