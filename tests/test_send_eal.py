"""SEND and EAL support, as a PSHE lead would look for it: key-word cards in every pack,
the plan's "Key words and adapting the session", the school briefing's request to
pre-teach the words, and one clear line for a bad key word or adaptation."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from pypdf import PdfReader

from conftest import LESSONS, pdf_text, run_cli, squash

BANDS = ("ks2", "ks3", "ks4", "post16")
LESSON_IDS = tuple(sorted(p.stem for p in (LESSONS / "specs").glob("*.yaml")))
SPEC = "specs/online-blackmail.yaml"


def plan_of(lessons: Path, lesson: str, band: str) -> dict:
    spec = yaml.safe_load((lessons / "specs" / f"{lesson}.yaml").read_text(encoding="utf-8"))
    return spec["bands"][band]


def line_of(path: Path, needle: str, after: int = 0) -> int:
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if number > after and needle in line:
            return number
    raise AssertionError(f"{needle!r} not in {path}")


def band_line(path: Path, band: str) -> int:
    return line_of(path, f"  {band}:")


def validate(lessons: Path):
    return run_cli("validate", "--lessons", str(lessons))


def output_lines(result) -> list[str]:
    assert "Traceback" not in result.output
    return [line for line in result.output.splitlines() if line]


# --- key-word cards ----------------------------------------------------------------------


@pytest.mark.parametrize("lesson", LESSON_IDS)
@pytest.mark.parametrize("band", BANDS)
def test_every_pack_has_key_word_cards_last_with_each_word_and_its_meaning(built, lesson,
                                                                         band):
    plan = plan_of(LESSONS, lesson, band)
    assert 6 <= len(plan["key_words"]) <= 10
    pages = [squash(page.extract_text()) for page in
             PdfReader(built / lesson / band / "cards.pdf").pages]
    first = next(i for i, page in enumerate(pages) if "Key-word cards" in page)
    cards = " ".join(pages[first:])
    # Last, on sheets of their own: no other card set after them.
    for other in ("Story 1 · Scene 1", "Tactics cards", "Feelings cards", "Who can help cards"):
        assert other not in cards, other
    for key_word in plan["key_words"]:
        assert f"{key_word['word']} {squash(key_word['meaning'])} In my language:" in cards
    assert cards.count("In my language:") == len(plan["key_words"])
    # The step that puts them up lists them in `uses:`, and the cards name it.
    assert "key-word-cards" in plan["introduction"]["uses"]
    assert f"For: {plan['introduction']['title']} " in cards


def test_key_word_cards_are_printed_even_when_no_step_lists_them(lessons_copy, tmp_path):
    """The plan has them taught the day before, so every pack has them; a step that puts
    them up in the lesson is named on them."""
    path = lessons_copy / SPEC
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("uses: [slides, question-box, key-word-cards]",
                                 "uses: [slides, question-box]")
                    .replace(" Put the key-word cards up where all can see them.", "")
                    .replace(" Put the\n        key-word cards up where all can see them.", "")
                    .replace(" Put the key-word cards up\n        where all can see them.", "")
                    .replace(" Put the key-word cards up where all\n        can see them.", ""),
                    encoding="utf-8")
    assert "key-word-cards" not in path.read_text(encoding="utf-8")
    out = tmp_path / "out"
    result = run_cli("build", "--lessons", str(lessons_copy), "--output", str(out), "--lesson",
                     "online-blackmail", "--band", "ks3", "--documents", "cards", "--strict")
    assert result.exit_code == 0, result.output
    cards = squash(pdf_text(out / "online-blackmail" / "ks3" / "cards.pdf"))
    assert "Key-word cards" in cards and "online blackmail When someone threatens" in cards
    assert "For: Introduction" not in cards


def test_ks2_key_word_cards_avoid_the_ks2_excluded_words():
    bands = yaml.safe_load((LESSONS / "bands.yaml").read_text(encoding="utf-8"))["bands"]
    excluded = next(b["excluded_terms"] for b in bands if b["id"] == "ks2")
    for lesson in LESSON_IDS:
        for key_word in plan_of(LESSONS, lesson, "ks2")["key_words"]:
            words = set(re.findall(r"[a-z]+", f"{key_word['word']} {key_word['meaning']}".lower()))
            assert not words & set(excluded), (lesson, key_word)


# --- the plan and the briefing --------------------------------------------------------


@pytest.mark.parametrize("lesson", LESSON_IDS)
@pytest.mark.parametrize("band", BANDS)
def test_plan_lists_the_key_words_and_how_to_adapt_the_session(built, lesson, band):
    plan = plan_of(LESSONS, lesson, band)
    text = squash(pdf_text(built / lesson / band / "lesson-plan.pdf"))
    start = text.index("Key words and adapting the session")
    section = text[start:text.index("The lesson, step by step", start)]
    words = " · ".join(k["word"] for k in plan["key_words"])
    who = "the tutor" if band == "post16" else "the class teacher"
    assert (f"Pre-teach. The day before, {who} teaches the key words with the key-word "
            f"cards to {'students' if band == 'post16' else 'pupils'} learning English or "
            f"who need them first: {words}.") in section
    assert ("Print. Ask the officer for large-print or dyslexia-friendly copies (cream paper, "
            "wider spacing).") in section
    assert "lessonpack" not in section  # teachers read the plan: no commands
    assert "Less writing." in section and "scene cards" in section
    assert "EAL. Pairs may use their first language" in section
    assert f"Close to home. Ask {who.replace('the class ', 'the ')} and DSL who may find this hard" \
        in section
    # The meanings are on the cards, not repeated in the plan.
    assert squash(plan["key_words"][0]["meaning"]) not in section
    # The introduction puts the cards up, and says so.
    intro = text[text.index(f"{plan['introduction']['title']} Uses: "):]
    assert intro.startswith(f"{plan['introduction']['title']} Uses: slides, ")
    assert "key-word cards." in intro[:120]
    assert "Put the key-word cards up where all can see them." in intro


def test_plan_leaves_out_an_adaptation_whose_resources_it_does_not_use(lessons_copy,
                                                                     tmp_path):
    """A kit item that `needs` tactics cards is printed only in plans whose steps use them
    (online-blackmail ks2 uses none; ks3 does)."""
    kit = lessons_copy / "kit.yaml"
    kit.write_text(kit.read_text(encoding="utf-8") + (
        "  - lead: Tactics first.\n"
        "    text: Sort the tactics cards with a partner before the lesson.\n"
        "    bands: [ks2, ks3]\n"
        "    needs: [tactics-cards]\n"), encoding="utf-8")
    out = tmp_path / "out"
    result = run_cli("build", "--lessons", str(lessons_copy), "--output", str(out), "--lesson",
                     "online-blackmail", "--band", "ks2", "--band", "ks3", "--documents",
                     "lesson-plan", "--strict")
    assert result.exit_code == 0, result.output
    assert "tactics-cards" not in str(plan_of(lessons_copy, "online-blackmail", "ks2"))
    assert "tactics-cards" in str(plan_of(lessons_copy, "online-blackmail", "ks3"))
    ks2 = squash(pdf_text(out / "online-blackmail" / "ks2" / "lesson-plan.pdf"))
    ks3 = squash(pdf_text(out / "online-blackmail" / "ks3" / "lesson-plan.pdf"))
    assert "Tactics first." not in ks2 and "Close to home." in ks2
    assert "Tactics first. Sort the tactics cards with a partner before the lesson." in ks3


@pytest.mark.parametrize("lesson", LESSON_IDS)
@pytest.mark.parametrize("band", BANDS)
def test_school_briefing_asks_the_school_to_pre_teach_the_key_words(built, lesson, band):
    path = built / lesson / band / "school-briefing.pdf"
    assert len(PdfReader(path).pages) <= 2
    assert ("SEND and EAL: please pre-teach the key words with the key-word cards the day "
            "before.") in squash(pdf_text(path))


# --- bad key words and adaptations: one line each ------------------------------------------


def test_a_key_word_without_its_meaning(lessons_copy):
    path = lessons_copy / SPEC
    text = path.read_text(encoding="utf-8")
    old = ("      - word: secret\n        meaning: Something you are asked not to tell. If a "
           "secret worries you, tell a trusted adult.\n")
    assert old in text
    path.write_text(text.replace(old, "      - word: secret\n", 1), encoding="utf-8")
    result = validate(lessons_copy)
    assert result.exit_code == 1
    assert output_lines(result) == [
        f"{path}:{line_of(path, '- word: secret')}: missing required field 'meaning'"]


def test_too_few_key_words_is_a_warning_and_strict_refuses_it(lessons_copy):
    path = lessons_copy / SPEC
    text = path.read_text(encoding="utf-8")
    start = text.index("  ks2:")
    words = text.index("    key_words:\n", start)
    end = text.index("    resources:", words)
    three = "".join(text[words:end].splitlines(keepends=True)[:7])  # heading + 3 words
    path.write_text(text[:words] + three + text[end:], encoding="utf-8")
    line = line_of(path, "    key_words:", after=band_line(path, "ks2"))
    message = (f"{path}:{line}: warning: ks2 has 3 key words; the key-word cards pre-teach 6 "
               "to 10: add the words pupils need to follow the lesson")
    result = validate(lessons_copy)
    assert result.exit_code == 0 and message in output_lines(result)
    strict = run_cli("validate", "--lessons", str(lessons_copy), "--strict")
    assert strict.exit_code == 1 and message in output_lines(strict)


def test_a_key_word_listed_twice(lessons_copy):
    path = lessons_copy / SPEC
    text = path.read_text(encoding="utf-8")
    start = text.index("  ks3:")
    at = text.index("      - word: block\n", start)
    path.write_text(text[:at] + "      - word: Flattery\n" +
                    text[at + len("      - word: block\n"):], encoding="utf-8")
    line = line_of(path, "- word: Flattery", after=band_line(path, "ks3"))
    assert output_lines(validate(lessons_copy)) == [
        f"{path}:{line}: key word 'Flattery' is listed twice for ks3; keep one"]


def test_a_meaning_too_long_for_its_card(lessons_copy):
    path = lessons_copy / SPEC
    text = path.read_text(encoding="utf-8")
    old = "        meaning: To stop someone sending you messages in a game or app.\n"
    assert old in text
    long = ("To stop someone sending you messages in a game or app. It means they cannot see "
            "your page. They cannot send you things. They cannot add you again. You can do it "
            "at any time.")
    path.write_text(text.replace(old, f"        meaning: {long}\n", 1), encoding="utf-8")
    line = line_of(path, "meaning: To stop someone sending you messages in a game or app. It")
    assert output_lines(validate(lessons_copy)) == [
        f"{path}:{line}: the meaning of 'block' is 35 words; a key-word card holds at most "
        "30: say it in fewer, shorter sentences"]


def test_an_adaptation_for_an_unknown_band(lessons_copy):
    path = lessons_copy / "kit.yaml"
    text = path.read_text(encoding="utf-8")
    old = ("    text: Ask the officer for large-print or dyslexia-friendly copies (cream paper, "
           "wider spacing).\n    bands: [ks2, ks3,")
    assert old in text
    path.write_text(text.replace(old, old.replace("[ks2, ks3,", "[ks2, ks5,")), encoding="utf-8")
    line = line_of(path, "bands: [ks2, ks5,")
    assert output_lines(validate(lessons_copy)) == [
        f"{path}:{line}: unknown band 'ks5'; did you mean 'ks4'?"]


def test_plan_text_may_name_key_word_cards_but_not_word_cards(lessons_copy):
    path = lessons_copy / "specs" / "whos-really-there.yaml"
    text = path.read_text(encoding="utf-8")
    old = "Put the key-word cards up where all can see them."
    assert old in text
    path.write_text(text.replace(old, "Put the word cards up where all can see them.", 1),
                    encoding="utf-8")
    lines = path.read_text(encoding="utf-8").splitlines()
    at = line_of(path, "Put the word cards up")
    line = max(n for n in range(1, at) if lines[n - 1].strip() == "what: >-")  # the field's line
    assert output_lines(validate(lessons_copy)) == [
        f"{path}:{line}: 'word cards' are not in the pack; its cards are scene, tactics, "
        "feelings, who-can-help and key-word cards"]


def test_an_adaptation_naming_cards_it_does_not_need(lessons_copy):
    """An item that talks about scene cards must say it needs them, or a plan without
    them would name cards its pack lacks."""
    path = lessons_copy / "kit.yaml"
    text = path.read_text(encoding="utf-8")
    old = "      Pair pupils with a buddy; they can order the scene cards"
    assert old in text
    start = text.index(old)
    end = text.index("    needs: [scene-cards]\n", start)
    path.write_text(text[:end] + text[end + len("    needs: [scene-cards]\n"):],
                    encoding="utf-8")
    line = line_of(path, old) - 1  # the item's `text: >-`
    assert output_lines(validate(lessons_copy)) == [
        f"{path}:{line}: this item names the scene cards; add 'scene-cards' to its 'needs', "
        "so a plan that doesn't use them leaves it out"]
