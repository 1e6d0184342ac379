"""The online-blackmail lesson keeps to the pack design its four readers signed off:
one band per story, characters of the band's age named from the lesson's own letters,
decisions asked before the story answers them, every worksheet section used, content
that fits the page budgets, and the safeguarding wording that matters most."""

from __future__ import annotations

import re

import pytest
import yaml

from conftest import LESSONS, pdf_text, squash

LESSON = "online-blackmail"
BANDS = ("ks2", "ks3", "ks4", "post16")
SECTIONS = {"warning-signs", "decisions", "true-or-false", "who-can-help"}
ROLES = {"Mum", "Dad", "Gran"}
TITLE = re.compile(r"^(?:Mr|Mrs|Ms|Miss|PC)\s+")
# Per band: stories, tick items a story, decisions a story, true-or-false, who can help
LIMITS = {"ks2": (2, 6, 1, 5, 3), "ks3": (2, 6, 1, 5, 3),
          "ks4": (3, 8, 2, 6, 4), "post16": (3, 8, 2, 6, 4)}


def load(path):
    return yaml.safe_load(path.read_text(encoding="utf-8"))


PLANS = load(LESSONS / "specs" / f"{LESSON}.yaml")["bands"]
AGES = {b["id"]: tuple(int(n) for n in re.findall(r"\d+", b["ages"]))
        for b in load(LESSONS / "bands.yaml")["bands"]}


def story(scenario_id: str) -> dict:
    return load(LESSONS / "scenarios" / f"{scenario_id}.yaml")


def scene_text(scene: dict) -> str:
    return " ".join([scene.get("narration") or ""] + [d["says"] for d in scene.get("dialogue", [])])


def test_each_story_is_written_for_one_band_and_its_ages():
    seen = {}
    for band, plan in PLANS.items():
        low, high = AGES[band]
        for scenario_id in plan["scenarios"]:
            assert scenario_id not in seen, f"{scenario_id} is used by {seen[scenario_id]} and {band}"
            seen[scenario_id] = band
            data = story(scenario_id)
            assert data["lowest_band"] == band
            for character in data["characters"]:
                age = character.get("age")
                if age is not None and age < 18:
                    assert low <= age <= high, (scenario_id, character["name"], age)


def test_names_start_a_to_g_and_belong_to_one_story():
    owners = {}
    for path in sorted((LESSONS / "scenarios").glob("*.yaml")):
        for character in load(path)["characters"]:
            if character["name"] not in ROLES:
                owners.setdefault(character["name"], []).append(path.stem)
    for plan in PLANS.values():
        for scenario_id in plan["scenarios"]:
            for character in story(scenario_id)["characters"]:
                name = character["name"]
                if name in ROLES:
                    continue
                assert TITLE.sub("", name)[0] in "ABCDEFG", name
                assert owners[name] == [scenario_id], (name, owners[name])


@pytest.mark.parametrize("band", BANDS)
def test_decisions_come_before_the_story_answers_them(band):
    for scenario_id in PLANS[band]["scenarios"]:
        data = story(scenario_id)
        scenes = data["scenes"]
        assert 4 <= len(scenes) <= 6
        for decision in data["decisions"]:
            after = decision["after_scene"]
            assert 1 <= after < len(scenes)
            told = " ".join(scene_text(s) for s in scenes[:after])
            for answer in ("Report Remove", "Take It Down", "safeguarding lead", "block"):
                assert answer not in told, (scenario_id, answer)
            assert sum(bool(o.get("safest")) for o in decision["options"]) == 1
        for question in data["questions"]:
            assert 1 <= question["scene"] <= len(scenes)


@pytest.mark.parametrize("band", BANDS)
def test_every_worksheet_section_is_used_by_a_timed_step(band):
    plan = PLANS[band]
    steps = [plan["introduction"], plan["baseline"], *plan["activities"], plan["assessment"],
             plan["plenary"]]
    used = {s["worksheet"] for s in steps if s.get("worksheet")}
    assert used == SECTIONS
    for step in steps:
        if step.get("worksheet"):
            assert "worksheet" in step["uses"], step["title"]
    # The baseline is revisited at the end with the same section.
    assert plan["baseline"]["worksheet"] == plan["assessment"]["worksheet"] == "true-or-false"
    assert "time out" in squash(plan["introduction"]["what"])
    assert "after the visit" in squash(plan["plenary"]["what"])


@pytest.mark.parametrize("band", BANDS)
def test_content_fits_the_page_budgets(band):
    stories, ticks, decisions, true_false, who = LIMITS[band]
    plan = PLANS[band]
    assert 2 <= len(plan["scenarios"]) <= stories
    assert len(plan["true_or_false"]) <= true_false and len(plan["who_can_help"]) <= who
    assert 2 <= len(plan["outcomes"]) <= 4
    assert all(o.startswith("I can ") for o in plan["outcomes"])
    for scenario_id in plan["scenarios"]:
        data = story(scenario_id)
        assert len(data["warning_signs"]) + len(data.get("not_warning_signs", [])) <= ticks
        assert len(data["decisions"]) <= decisions


@pytest.mark.parametrize("band", BANDS)
def test_distancing_uses_a_character_of_this_lesson(band):
    plan = PLANS[band]
    asked = re.search(r'"What could (\w+) do\?"', plan["introduction"]["what"]).group(1)
    names = {c["name"] for s in plan["scenarios"] for c in story(s)["characters"]}
    assert asked in names


@pytest.mark.parametrize("band", BANDS)
def test_evidence_never_includes_the_picture(built, band):
    text = squash(pdf_text(built / LESSON / band / "answer-key.pdf")).lower()
    assert "screenshot everything" not in text and "untraceable" not in text
    if band in ("ks4", "post16"):
        assert "the messages, the username and the payment details, never the" in text


@pytest.mark.parametrize("band", ("ks4", "post16"))
def test_older_bands_say_an_ai_made_image_of_an_under_18_is_illegal(built, band):
    # The worksheet asks the true-or-false question; the answer key gives the law.
    assert "AI-made sexual" in squash(pdf_text(built / LESSON / band / "worksheet.pdf"))
    assert "pseudo-photograph" in squash(pdf_text(built / LESSON / band / "answer-key.pdf"))


def test_ks4_crisis_situation_signposts_samaritans_and_shout(built):
    text = squash(pdf_text(built / LESSON / "ks4" / "worksheet.pdf"))
    assert "can't see a way out" in text
    assert "Samaritans" in text and "116 123" in text and "85258" in text


@pytest.mark.parametrize("band", BANDS)
def test_tick_lists_name_only_people_met_before_the_stop(band):
    # The class ticks the list before it decides, so no item may come from a later scene
    # ("Bella shows Gran the chat" would answer the decision that follows).
    for scenario_id in PLANS[band]["scenarios"]:
        data = story(scenario_id)
        stop = min(d["after_scene"] for d in data["decisions"])
        told = " ".join(scene_text(s) + " " + " ".join(d["speaker"] for d in s.get("dialogue", []))
                        for s in data["scenes"][:stop])
        items = [w["sign"] for w in data["warning_signs"]]
        items += [n["statement"] for n in data.get("not_warning_signs", [])]
        for item in items:
            for character in data["characters"]:
                if character["name"] in item:
                    assert character["name"] in told, (scenario_id, item)


def test_the_safest_choice_is_not_always_in_the_same_place_or_the_longest():
    places = []
    for plan in PLANS.values():
        for scenario_id in plan["scenarios"]:
            for decision in story(scenario_id)["decisions"]:
                options = decision["options"]
                safest = next(i for i, o in enumerate(options) if o.get("safest"))
                places.append(safest)
                others = max(len(o["choice"]) for o in options if not o.get("safest"))
                assert len(options[safest]["choice"]) <= others + 5, (scenario_id, decision["prompt"])
    assert set(places) == {0, 1, 2}


@pytest.mark.parametrize("band", BANDS)
def test_who_can_help_never_puts_the_pupil_in_the_victims_place(band):
    for row in PLANS[band]["who_can_help"]:
        situation = row["situation"]
        assert not re.match(r"You\b", situation), situation
        assert not re.search(r"\b(of you|your selfie|unless you)\b", situation), situation


def test_ks4_key_messages_present_the_law_as_protection(built):
    # The points to remember are on the key-messages slide (not the worksheet, where
    # they would answer its true-or-false part).
    from pptx import Presentation

    deck = Presentation(str(built / LESSON / "ks4" / "slides.pptx"))
    text = squash(" ".join(shape.text_frame.text for slide in deck.slides
                           for shape in slide.shapes if shape.has_text_frame))
    assert "is the one doing wrong. The law is there to protect you." in text
    assert "breaking the law" not in text
    key = squash(pdf_text(built / LESSON / "ks4" / "answer-key.pdf"))
    assert "has money an offender can demand" not in key
    assert "The offender chose to target him." in key
