"""generator.language: avoided terms, blaming phrases, band-excluded words and messages."""

from __future__ import annotations

import pytest

from generator.language import (
    avoided_message,
    blaming_message,
    excluded_message,
    find_avoided,
    find_blaming,
    find_excluded,
)
from generator.model import AvoidedTerm, BlamingPhrase

SEXTING = AvoidedTerm(term="sexting", use="sharing nudes and semi-nudes")
CHILD_PORN = AvoidedTerm(term="child porn", use="child sexual abuse images")
SELF_GENERATED = AvoidedTerm(
    term="self-generated", use="images a young person was tricked or pressured into taking"
)
SEX = AvoidedTerm(term="sex", use="a test-only rule")
AVOID = (SEXTING, CHILD_PORN, SELF_GENERATED)

SHOULDNT = BlamingPhrase(
    phrase="you shouldn't have", why="it tells the young person the harm is their doing"
)
ASKING = BlamingPhrase(phrase="asking for it", why="the responsibility lies with the offender")
KNOWN_BETTER = BlamingPhrase(
    phrase="should have known better",
    why="offenders are skilled at manipulation; hindsight blames the victim",
)
BLAMING = (SHOULDNT, ASKING, KNOWN_BETTER)

KS2_EXCLUDED = (
    "sex", "sexual", "nude", "nudes", "naked", "intimate", "porn", "sextortion",
    "webcam sex", "explicit",
)


# ------------------------------------------------------------------ avoided


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Sexting is common.", [(SEXTING, "Sexting")]),
        ("They call it SEXTING.", [(SEXTING, "SEXTING")]),
        ("so-called child pornography", [(CHILD_PORN, "child pornography")]),
        ("child\n  porn", [(CHILD_PORN, "child\n  porn")]),
        ("self generated images", [(SELF_GENERATED, "self generated")]),
        ("self‐generated images", [(SELF_GENERATED, "self‐generated")]),  # U+2010 hyphen
        ("Self-generated; then sexting.",
         [(SELF_GENERATED, "Self-generated"), (SEXTING, "sexting")]),
    ],
)
def test_avoided_matches_at_the_start_of_a_word(text, expected):
    assert find_avoided(text, AVOID) == expected


@pytest.mark.parametrize(
    "text", ["Essex police", "Middlesex and Sussex", "unsexting", "a childish porn-free text", ""]
)
def test_avoided_does_not_match_inside_words(text):
    assert find_avoided(text, AVOID + (SEX,)) == []


def test_avoided_start_of_word_rule_does_catch_longer_words():
    # the documented rule: an avoided term is matched at the start of a word
    assert find_avoided("a sextant", (SEX,)) == [(SEX, "sextant")]


def test_avoided_reports_each_term_once_in_text_order():
    text = "Child porn is wrong. Sexting, sexting, sexting. More child porn."
    assert find_avoided(text, AVOID) == [(CHILD_PORN, "Child porn"), (SEXTING, "Sexting")]
    assert find_avoided(text, ()) == []


def test_avoided_messages():
    assert avoided_message(SEXTING) == (
        'avoid "sexting": write "sharing nudes and semi-nudes" instead'
    )
    assert avoided_message(SEXTING, "Sexting") == (
        'avoid "sexting": write "sharing nudes and semi-nudes" instead'
    )
    assert avoided_message(CHILD_PORN, "child pornography") == (
        'avoid "child porn" (found "child pornography"): write "child sexual abuse images" instead'
    )


# ------------------------------------------------------------------ blaming


@pytest.mark.parametrize(
    "text, found",
    [
        ("You shouldn't have sent it.", "You shouldn't have"),
        ("You shouldn’t have sent it.", "You shouldn’t have"),  # curly apostrophe
        ("you  shouldn't\nhave sent it", "you  shouldn't\nhave"),  # extra spaces, line break
        ("You should not have sent it.", "You should not have"),
        ("you shouldn’t’ve", "you shouldn’t’ve"),
    ],
)
def test_blaming_tolerates_apostrophes_spaces_and_contractions(text, found):
    assert find_blaming(text, BLAMING) == [(SHOULDNT, found)]


def test_blaming_should_have_matches_should_ve():
    assert find_blaming("He should’ve known better.", BLAMING) == [
        (KNOWN_BETTER, "should’ve known better")
    ]


def test_blaming_curly_apostrophe_in_the_rule_matches_straight_in_the_text():
    curly = BlamingPhrase(phrase="you shouldn’t have", why="x")
    assert find_blaming("you shouldn't have", (curly,)) == [(curly, "you shouldn't have")]


@pytest.mark.parametrize(
    "text",
    [
        "You should have told someone sooner if you could.",  # no "not"
        "They were asking for items in the shop.",  # whole words only
        "you shouldn't halve it",
        "",
    ],
)
def test_blaming_non_matches(text):
    assert find_blaming(text, BLAMING) == []


def test_blaming_cant_and_wont():
    cant = BlamingPhrase(phrase="you can't", why="x")
    wont = BlamingPhrase(phrase="you won't", why="y")
    assert find_blaming("You cannot.", (cant,)) == [(cant, "You cannot")]
    assert find_blaming("you can not", (cant,)) == [(cant, "you can not")]
    assert find_blaming("you will not", (wont,)) == [(wont, "you will not")]
    assert find_blaming("you won’t", (wont,)) == [(wont, "you won’t")]


def test_blaming_messages():
    assert blaming_message(SHOULDNT) == (
        "blaming phrase \"you shouldn't have\": it tells the young person the harm is their "
        "doing; put the responsibility on the offender"
    )
    # curly apostrophe and extra space count as the same phrase: no "(found …)"
    assert blaming_message(SHOULDNT, "You  shouldn’t have") == blaming_message(SHOULDNT)
    assert blaming_message(SHOULDNT, "you should not\nhave") == (
        "blaming phrase \"you shouldn't have\" (found \"you should not have\"): it tells the "
        "young person the harm is their doing; put the responsibility on the offender"
    )
    # a why that already names the offender isn't followed by the same advice again
    assert blaming_message(ASKING) == (
        'blaming phrase "asking for it": the responsibility lies with the offender'
    )


# ----------------------------------------------------------------- excluded


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Sex is not in this lesson.", [("sex", "Sex")]),
        ("sexes", [("sex", "sexes")]),  # plural allowed
        ("the semi-nudes", [("nudes", "nudes")]),  # after a hyphen is a word start
        ("a nude photo", [("nude", "nude")]),
        ("Webcam  sex", [("webcam sex", "Webcam  sex")]),  # not again as "sex"
        ("webcam sex, then sex", [("webcam sex", "webcam sex"), ("sex", "sex")]),
        ("Sextortion’s cost", [("sextortion", "Sextortion’s")]),  # possessive, curly
        ("NAKED", [("naked", "NAKED")]),
    ],
)
def test_excluded_whole_words(text, expected):
    assert find_excluded(text, KS2_EXCLUDED) == expected


@pytest.mark.parametrize(
    "text",
    ["Essex Police", "a sextant at sea", "Sussex", "pornographic", "nudest", "inexplicit", ""],
)
def test_excluded_non_matches(text):
    assert find_excluded(text, KS2_EXCLUDED) == []


def test_excluded_word_is_reported_once_under_the_closest_term():
    # "nude" (plural allowed) and "nudes" both match "nudes": one report, under "nudes"
    assert find_excluded("nudes", ("nude", "nudes")) == [("nudes", "nudes")]
    assert find_excluded("nudes", ("nude",)) == [("nude", "nudes")]


def test_excluded_messages():
    assert excluded_message("sex", "Sex", "ks2") == (
        '"sex" is excluded for ks2: say it another way or move it to an older band'
    )
    assert excluded_message("nude", "nudes", "ks2") == (
        '"nude" is excluded for ks2 (found "nudes"): say it another way or move it to an '
        "older band"
    )
    assert excluded_message("nude") == (
        '"nude" is excluded for this band: say it another way or move it to an older band'
    )


def test_patterns_are_compiled_once_per_rule_tuple():
    from generator import language

    language._avoid_patterns.cache_clear()
    for _ in range(3):
        find_avoided("sexting", AVOID)
    info = language._avoid_patterns.cache_info()
    assert (info.misses, info.hits) == (1, 2)
