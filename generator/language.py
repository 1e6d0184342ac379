"""Language that safeguarding guidance asks lesson text to avoid, found in a piece of text.

Pure functions: the rules come in as model records (lessons/language.yaml's ``avoid`` and
``blaming`` lists, a band's ``excluded_terms``); nothing here reads files.

Matching rules (all case-insensitive; any apostrophe ' ’ ‘ ʼ matches any other; a space in
a rule matches any run of white space, including a line break):

* avoided terms match at the start of a word and run to the end of that word:
  "child porn" finds "child pornography", "sexting" finds "Sexting", "sex" would not find
  "Essex". A space or hyphen in the term matches spaces or hyphens ("self-generated"
  finds "self generated").
* blaming phrases match whole words at both ends ("asking for it" does not find "asking
  for items"); "n't" in a phrase also matches " not" ("you shouldn't have" finds "you
  should not have"; "can't" finds "cannot"; "won't" finds "will not"), and " have" also
  matches "'ve" ("should have known better" finds "should've known better").
* excluded terms match whole words, allowing a plural "s"/"es" or a possessive "'s":
  "nude" finds "nudes" and "semi-nudes", "sex" finds "Sex" but not "Essex", "sextant" or
  "sexual".

Each find_* function reports each rule once — its first match, as written in the text —
in the order the matches occur. find_excluded also reports each word once: "webcam sex"
is not reported again as "sex", and "nudes" is reported under "nudes" rather than "nude"
when a band lists both. Compiled patterns are cached per tuple of rules.
"""

from __future__ import annotations

import functools
import re
from typing import TYPE_CHECKING, Sequence, TypeVar

if TYPE_CHECKING:  # only for annotations: the rules are duck-typed (.term/.use, .phrase/.why)
    from .model import AvoidedTerm, BlamingPhrase

__all__ = [
    "find_avoided",
    "find_blaming",
    "find_excluded",
    "find_image_instructions",
    "avoided_message",
    "blaming_message",
    "excluded_message",
    "image_message",
    "hindsight_message",
    "request_message",
]

_APOSTROPHES = "'’‘ʼ`´"
_APOSTROPHE = "[" + _APOSTROPHES + "]"
_DASHES = "\\-‐‑‒–"  # hyphen-minus, hyphen, non-breaking hyphen, figure dash, en dash
_WORD_START = r"(?<!\w)"
_WORD_END = r"(?!\w)"


def _literal(words: str, joiner: str) -> str:
    """Regex for words: apostrophes interchangeable, each space/hyphen run → joiner."""
    out = []
    for piece in re.split(r"([\s" + _DASHES + r"]+|[" + _APOSTROPHES + r"])", words):
        if not piece:
            continue
        if piece in _APOSTROPHES:
            out.append(_APOSTROPHE)
        elif piece.strip(" \t\n\r\f\v" + _DASHES.replace("\\", "")) == "":
            out.append(joiner)
        else:
            out.append(re.escape(piece))
    return "".join(out)


@functools.lru_cache(maxsize=64)
def _avoid_patterns(terms: tuple[str, ...]) -> tuple[re.Pattern[str], ...]:
    joiner = r"[\s" + _DASHES + r"]+"
    return tuple(
        re.compile(_WORD_START + _literal(term.strip(), joiner) + r"\w*", re.IGNORECASE)
        for term in terms
    )


# Contractions a blaming phrase may be written with or without: "n't" / " not", " have" / "'ve".
_CONTRACTION = re.compile(r"(?i)\b(\w+)n[" + _APOSTROPHES + r"]t\b|(?<=\w)\s+have\b")


def _phrase_regex(phrase: str) -> str:
    """Regex for a blaming phrase; "n't" also matches " not", " have" also matches "'ve"."""
    parts, last = [], 0
    for m in _CONTRACTION.finditer(phrase):
        parts.append(_literal(phrase[last : m.start()], r"\s+"))
        last = m.end()
        if m.group(1) is None:  # should have / should've
            parts.append(r"(?:\s+have|" + _APOSTROPHE + r"ve)")
            continue
        stem = m.group(1).lower()
        if stem == "ca":  # can't / cannot / can not
            parts.append(r"can(?:" + _APOSTROPHE + r"t|\s*not)")
        elif stem == "wo":  # won't / will not
            parts.append(r"(?:won" + _APOSTROPHE + r"t|will\s+not)")
        else:  # shouldn't / should not
            parts.append(re.escape(m.group(1)) + r"(?:n" + _APOSTROPHE + r"t|\s+not)")
    parts.append(_literal(phrase[last:], r"\s+"))
    return "".join(parts)


@functools.lru_cache(maxsize=64)
def _blaming_patterns(phrases: tuple[str, ...]) -> tuple[re.Pattern[str], ...]:
    return tuple(
        re.compile(_WORD_START + _phrase_regex(p.strip()) + _WORD_END, re.IGNORECASE)
        for p in phrases
    )


@functools.lru_cache(maxsize=64)
def _excluded_patterns(terms: tuple[str, ...]) -> tuple[re.Pattern[str], ...]:
    return tuple(
        re.compile(
            _WORD_START
            + _literal(term.strip(), r"\s+")
            + r"(?:e?s|" + _APOSTROPHE + r"s)?"
            + _WORD_END,
            re.IGNORECASE,
        )
        for term in terms
    )


R = TypeVar("R")


def _first_matches(
    text: str, rules: Sequence[R], patterns: Sequence[re.Pattern[str]]
) -> list[tuple[R, str, int, int]]:
    found = []
    for rule, pattern in zip(rules, patterns):
        m = pattern.search(text)
        if m:
            found.append((rule, m.group(), m.start(), m.end()))
    found.sort(key=lambda f: f[2])  # stable: rules matching at one place keep their order
    return found


def find_avoided(text: str, avoid: Sequence[AvoidedTerm]) -> list[tuple[AvoidedTerm, str]]:
    """Avoided terms used in text, each with the word(s) as written ("child pornography")."""
    if not text or not avoid:
        return []
    found = _first_matches(text, avoid, _avoid_patterns(tuple(a.term for a in avoid)))
    return [(rule, matched) for rule, matched, _, _ in found]


def find_blaming(
    text: str, blaming: Sequence[BlamingPhrase]
) -> list[tuple[BlamingPhrase, str]]:
    """Victim-blaming phrases used in text, each with the phrase as written."""
    if not text or not blaming:
        return []
    found = _first_matches(text, blaming, _blaming_patterns(tuple(b.phrase for b in blaming)))
    return [(rule, matched) for rule, matched, _, _ in found]


def find_excluded(text: str, terms: Sequence[str]) -> list[tuple[str, str]]:
    """A band's excluded terms used in text as whole words, each with the word as written."""
    if not text or not terms:
        return []
    patterns = _excluded_patterns(tuple(terms))
    # Longest terms first, and a word already reported under one term is not reported again
    # under a shorter one inside it: "webcam sex" once (not also "sex"); "nudes" under
    # "nudes" rather than "nude".
    claimed: list[tuple[int, int]] = []
    found: list[tuple[int, str, str]] = []
    for index in sorted(range(len(terms)), key=lambda i: -len(terms[i])):
        for m in patterns[index].finditer(text):
            if not any(start <= m.start() and m.end() <= end for start, end in claimed):
                claimed.append(m.span())
                found.append((m.start(), terms[index], m.group()))
                break
    found.sort(key=lambda f: f[0])
    return [(term, matched) for _, term, matched in found]


# ------------------------------------------------------------------ messages


def _same(a: str, b: str) -> bool:
    """Equal but for case, apostrophe style and spacing."""

    def norm(s: str) -> str:
        return " ".join(re.sub(_APOSTROPHE, "'", s).casefold().split())

    return norm(a) == norm(b)


def _found(rule_text: str, found: str | None) -> str:
    if found is None or _same(rule_text, found):
        return ""
    return f' (found "{" ".join(found.split())}")'


def avoided_message(term: AvoidedTerm, found: str | None = None) -> str:
    """avoid "sexting": write "sharing nudes and semi-nudes" instead

    With found unlike the term (not just in case): avoid "child porn" (found "child
    pornography"): write "child sexual abuse images" instead
    """
    return f'avoid "{term.term}"{_found(term.term, found)}: write "{term.use}" instead'


def blaming_message(phrase: BlamingPhrase, found: str | None = None) -> str:
    """blaming phrase "you shouldn't have": <why>; put the responsibility on the offender

    The closing advice is left out when why already names the offender. found is shown
    when it differs from the phrase by more than case, spacing and apostrophe style:
    blaming phrase "you shouldn't have" (found "you should not have"): ...
    """
    why = phrase.why.strip().rstrip(".")
    advice = "" if "offender" in why.lower() else "; put the responsibility on the offender"
    return f'blaming phrase "{phrase.phrase}"{_found(phrase.phrase, found)}: {why}{advice}'


def excluded_message(term: str, found: str | None = None, band: str | None = None) -> str:
    """"nude" is excluded for ks2 (found "nudes"): say it another way or move it to an older band

    Without band: "nude" is excluded for this band: ...
    """
    where = f"for {band}" if band else "for this band"
    return (
        f'"{term}" is excluded {where}{_found(term, found)}: '
        "say it another way or move it to an older band"
    )


# ------------------------------------------------------- images and evidence

_MODAL = re.compile(r"(?i)(?<!\w)(?:can|could|will|would|may|might)\s+$")
_NEGATION = re.compile(r"(?i)(?<!\w)(?:never|not|no|without|nor|don" + _APOSTROPHE
                       + r"t|n" + _APOSTROPHE + r"t)(?!\w)")


@functools.lru_cache(maxsize=16)
def _image_patterns(verbs: tuple[str, ...], nouns: tuple[str, ...],
                    always: tuple[str, ...]) -> tuple[re.Pattern[str], ...]:
    verb = "|".join(_literal(v.strip(), r"[\s" + _DASHES + r"]+") for v in verbs)
    noun = "|".join(_literal(n.strip(), r"[\s" + _DASHES + r"]+") for n in nouns)
    # A verb, then within four words (no clause break) one of the nouns, not followed by
    # "of the chat" and the like (a picture of the chat is a screenshot of the messages).
    instruction = re.compile(
        _WORD_START + r"(?:" + verb + r")" + _WORD_END + r"(?!\s+of\b)"  # not "a copy of"
        + r"(?:\s+[^\s.,!?;:]+){0,4}?\s+"
        + r"(?:" + noun + r")(?:e?s)?" + _WORD_END
        + r"(?!\s+of\s+(?:the\s+|a\s+|their\s+|his\s+|her\s+)?(?:chats?|messages?|"
        r"conversations?|usernames?|profiles?|accounts?|texts?)\b)"
        r"(?!\s+(?:removed|taken\s+down|deleted)\b)", re.IGNORECASE)  # "get images removed"
    phrases = [re.compile(_WORD_START + _literal(a.strip(), r"\s+") + _WORD_END, re.IGNORECASE)
               for a in always]
    return (instruction, *phrases)


def find_image_instructions(text: str, images) -> list[str]:
    """Words in text that tell someone to screenshot, save, forward or look at an image
    ("keep the photo", "screenshot everything"); a negation between the verb and the
    image, or just before the verb, makes it advice not to ("never the picture")."""
    if not text or not (images.verbs and images.nouns or images.always):
        return []
    instruction, *always = _image_patterns(tuple(images.verbs), tuple(images.nouns),
                                           tuple(images.always))
    found = []
    for m in instruction.finditer(text):
        # the sentence before the verb, as far as 40 characters back ("never save, …")
        before = re.split(r"[.!?;:]", text[max(0, m.start() - 40):m.start()])[-1]
        described = _MODAL.search(before)  # "anyone can copy a photo" says what happens
        if not (_NEGATION.search(m.group()) or _NEGATION.search(before) or described):
            found.append(" ".join(m.group().split()))
    found += [" ".join(m.group().split()) for p in always for m in p.finditer(text)]
    return found


def image_message(found: str) -> str:
    return (f'"{found}" tells someone to copy or keep an image: evidence is screenshots of '
            "the messages, the username and the payment details, never the picture")


def hindsight_message(phrase: BlamingPhrase, found: str | None, whose: str) -> str:
    why = phrase.why.strip().rstrip(".")
    return (f'"{phrase.phrase}"{_found(phrase.phrase, found)} in {whose}: {why}; ask what '
            "could help now, or what the offender did")


def request_message(term: str, found: str | None, band: str) -> str:
    return (f'"{term}"{_found(term, found)} asks about a body or clothing, which {band} '
            "stories never do: keep requests to secrets, a photo of a face, money or codes")
