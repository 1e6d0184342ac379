"""`lessonpack validate` catches what the schools' reviewers caught by eye: one sentence
too long for its band, blame in questions and in trusted adults' words, requests about
bodies in ks2 stories, evidence wording that copies an image, a name in two stories, an
age outside the band, and a plan that names a worksheet section, scene, resource or
character its pack lacks. Each check fires on a crafted bad file, at its line."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from conftest import run_cli


def problems(lessons: Path) -> list[str]:
    result = run_cli("validate", "--lessons", str(lessons))
    assert "Traceback" not in result.output
    return [line for line in result.output.splitlines() if line]


def insert_after(path: Path, pattern: str, new_line: str) -> int:
    """Add `new_line` after the first line matching `pattern`; return its line number."""
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    index = next(i for i, line in enumerate(lines) if re.search(pattern, line))
    lines.insert(index + 1, new_line + "\n")
    path.write_text("".join(lines), encoding="utf-8")
    return index + 2


def plan_using(lessons: Path, band: str) -> tuple[Path, str]:
    """A spec with a plan for `band`, and the first scenario that plan uses."""
    for spec in sorted((lessons / "specs").glob("*.yaml")):
        plan = yaml.safe_load(spec.read_text(encoding="utf-8"))["bands"].get(band)
        if plan:
            return spec, plan["scenarios"][0]
    raise AssertionError(f"no plan for {band}")


def scenario_for(lessons: Path, band: str) -> Path:
    return lessons / "scenarios" / f"{plan_using(lessons, band)[1]}.yaml"


def line_of(path: Path, pattern: str) -> int:
    text = path.read_text(encoding="utf-8")
    return text.count("\n", 0, re.search(pattern, text, re.M).start()) + 1


def test_one_sentence_far_over_the_band_target_is_reported(lessons_copy):
    path = scenario_for(lessons_copy, "ks2")
    long = ("Mia and her best friend play a game in the park after school on a sunny day "
            "and then they go home to have tea with her mum and her little cat.")
    line = insert_after(path, r"^  - narration: >-$", f"      {long}")
    assert (f"{path}:{line - 1}: a sentence of 32 words for ks2, where one sentence may have at "
            f'most 24 (twice the 12-word mean target): "{long[:75]}…"; split it'
            ) in problems(lessons_copy)


def test_hindsight_in_a_trusted_adults_words(lessons_copy):
    path = scenario_for(lessons_copy, "ks3")
    text = path.read_text(encoding="utf-8")
    text = text.replace("characters:\n", "characters:\n  - name: Mr Nowak\n    about: The "
                        "form teacher.\n", 1)
    text = text.replace("    dialogue:\n", "    dialogue:\n      - speaker: Mr Nowak\n"
                        "        says: Why did you send it to him?\n", 1)
    path.write_text(text, encoding="utf-8")
    line = line_of(path, r"says: Why did you send it")
    assert (f'{path}:{line}: "why did you" in Mr Nowak\'s words: asking '
            "why they did it puts the blame on the young person; ask what could help now, or "
            "what the offender did") in problems(lessons_copy)


def test_hindsight_in_a_discussion_question(lessons_copy):
    path = scenario_for(lessons_copy, "ks4")
    line = insert_after(path, r"^questions:$", "  - ask: What were you thinking when you "
                        "replied?\n    draw_out: [Nothing.]")
    assert (f'{path}:{line}: "what were you thinking" in a question: it shames the young '
            "person instead of helping; ask what could help now, or what the offender did"
            ) in problems(lessons_copy)


def test_a_ks2_story_never_asks_about_bodies_or_clothing(lessons_copy):
    path = scenario_for(lessons_copy, "ks2")
    line = insert_after(path, r"^  - narration: >-$", "      The player says: take your top off.")
    assert (f'{path}:{line - 1}: "take your top off" asks about a body or clothing, which ks2 '
            "stories never do: keep requests to secrets, a photo of a face, money or codes"
            ) in problems(lessons_copy)


def test_evidence_wording_that_keeps_an_image(lessons_copy):
    path = scenario_for(lessons_copy, "ks4")
    line = insert_after(path, r"^questions:$", "  - ask: Should he keep the photo as proof?"
                        "\n    draw_out: [Screenshot everything first.]")
    found = problems(lessons_copy)
    advice = ("tells someone to copy or keep an image: evidence is screenshots of the messages, "
              "the username and the payment details, never the picture")
    assert f'{path}:{line}: "keep the photo" {advice}' in found
    assert f'{path}:{line + 1}: "Screenshot everything" {advice}' in found


def test_evidence_wording_that_says_never_the_picture_passes(lessons_copy):
    path = scenario_for(lessons_copy, "ks4")
    line = insert_after(path, r"^questions:$", "  - ask: What counts as evidence?\n    draw_out: "
                        "[Screenshot the messages, the username and the payment details, never "
                        "the picture.]")
    assert not [p for p in problems(lessons_copy) if p.startswith(f"{path}:{line + 1}:")]


def test_a_name_in_two_stories(lessons_copy):
    first = scenario_for(lessons_copy, "ks2")
    second = scenario_for(lessons_copy, "ks4")
    name = yaml.safe_load(first.read_text(encoding="utf-8"))["characters"][0]["name"]
    line = insert_after(second, r"^characters:$", f"  - name: {name}\n    about: A cousin.")
    earlier, later = sorted([first, second], key=lambda p: p.name)
    shown = [p for p in problems(lessons_copy)
             if f"the name '{name}'" in p and p.startswith(f"{later}:")]
    at = line if later == second else line_of(first, rf"^  - name: {name}$")
    assert shown == [f"{later}:{at}: the name '{name}' is also a character in {earlier}; give "
                     "each story its own names, so a name never means a victim in one story "
                     "and someone else in another"]


def test_a_characters_age_outside_the_band(lessons_copy):
    path = scenario_for(lessons_copy, "post16")
    line = insert_after(path, r"^characters:$", "  - name: Quill\n    about: A younger "
                        "brother.\n    age: 15") + 2
    assert (f"{path}:{line}: Quill is 15, but this story is read by post16 (ages 16–18); make "
            "them an age in that band") in problems(lessons_copy)


def test_a_story_used_by_two_bands(lessons_copy):
    spec, ks3_story = plan_using(lessons_copy, "ks3")
    text = spec.read_text(encoding="utf-8")
    ks4 = text.index("  ks4:")
    match = re.compile(r"    scenarios: \[").search(text, ks4)
    spec.write_text(text[:match.end()] + ks3_story + ", " + text[match.end():], encoding="utf-8")
    path = lessons_copy / "scenarios" / f"{ks3_story}.yaml"
    assert (f"{path}:{line_of(path, '^lowest_band:')}: this story is used by ks3 and ks4; a "
            "story is written for one year group: copy it for the older band and rewrite it "
            "for that age") in problems(lessons_copy)


def test_a_decision_after_a_scene_the_story_lacks(lessons_copy):
    path = scenario_for(lessons_copy, "ks3")
    scenes = len(yaml.safe_load(path.read_text(encoding="utf-8"))["scenes"])
    text = path.read_text(encoding="utf-8")
    match = re.search(r"^    after_scene: \d+$", text, re.M)
    path.write_text(text[:match.start()] + f"    after_scene: {scenes + 1}" + text[match.end():],
                    encoding="utf-8")
    line = text.count("\n", 0, match.start()) + 1
    assert (f"{path}:{line}: after_scene is {scenes + 1} but the story has {scenes} scenes; "
            "give the scene the class hears before deciding") in problems(lessons_copy)


def plan_line(spec: Path, band: str, field: str) -> int:
    text = spec.read_text(encoding="utf-8")
    start = text.index(f"  {band}:")
    return text.count("\n", 0, text.index(f"    {field}:", start)) + 1


def test_a_step_naming_a_worksheet_section_that_does_not_exist(lessons_copy):
    spec, _ = plan_using(lessons_copy, "ks3")
    text = spec.read_text(encoding="utf-8")
    start = text.index("  ks3:")
    at = text.index("    plenary:\n", start) + len("    plenary:\n")
    spec.write_text(text[:at] + "      worksheet: true-false\n" + text[at:], encoding="utf-8")
    line = text.count("\n", 0, at) + 1
    assert (f"{spec}:{line}: unknown worksheet section 'true-false'; did you mean "
            "'true-or-false'?") in problems(lessons_copy)


def test_a_step_handing_out_certificates_a_ks3_pack_lacks(lessons_copy):
    spec, _ = plan_using(lessons_copy, "ks3")
    text = spec.read_text(encoding="utf-8")
    start = text.index("  ks3:")
    at = text.index("    plenary:\n", start)
    uses = text.index("      uses: [", at)
    line = text.count("\n", 0, uses) + 1
    spec.write_text(text[:uses] + "      uses: [certificate, " + text[uses + len("      uses: ["):],
                    encoding="utf-8")
    assert (f"{spec}:{line}: 'certificate' is made for ks2 packs only, so a ks3 pack has none; "
            "take it out of this step's uses") in problems(lessons_copy)


def test_plan_text_naming_what_the_pack_lacks(lessons_copy):
    spec, _ = plan_using(lessons_copy, "ks2")
    line = insert_after(spec, r"^    sensitivities: >-$", "      Show the poster, hand out "
                        "the emoji cards and stop after scene 9.")
    found = problems(lessons_copy)
    assert (f"{spec}:{line - 1}: 'poster' is not in the pack; name one of its resources (slides, "
            "worksheet, answer key, discussion guide, scene, tactics, feelings, who-can-help or "
            "key-word cards, parent letter, school briefing)") in found
    assert any(p.startswith(f"{spec}:{line - 1}: 'emoji") for p in found)
    assert any(p.startswith(f"{spec}:{line - 1}: 'scene 9' does not exist: this plan's longest "
                            "story has ") for p in found)


def test_plan_text_naming_another_lessons_character(lessons_copy):
    spec, _ = plan_using(lessons_copy, "ks2")
    others = [s for s in sorted((lessons_copy / "specs").glob("*.yaml")) if s != spec]
    other_story = yaml.safe_load(others[0].read_text(encoding="utf-8"))["bands"]["ks4"]
    name = yaml.safe_load((lessons_copy / "scenarios" / f"{other_story['scenarios'][0]}.yaml")
                          .read_text(encoding="utf-8"))["characters"][0]["name"]
    line = insert_after(spec, r"^    sensitivities: >-$", f"      What could {name} do?")
    assert (f"{spec}:{line - 1}: '{name}' is a character in another lesson's story, not in "
            "this plan's; use a character from this lesson") in problems(lessons_copy)
