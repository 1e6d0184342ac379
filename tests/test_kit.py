"""The session kit in every pack: cards to cut out, the letter home, the school's briefing
and the officer's evaluation record, read back as their readers would see them."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from pypdf import PdfReader

from conftest import LESSONS, PACK_FILES, docx_text, pdf_text, run_cli, squash

BANDS = ("ks2", "ks3", "ks4", "post16")
LESSON_IDS = tuple(sorted(p.stem for p in (LESSONS / "specs").glob("*.yaml")))
KIT = ("cards.pdf", "parent-letter.pdf", "parent-letter.docx", "school-briefing.pdf",
       "evaluation-record.pdf")
PROFILE = """\
force_name: Testshire Constabulary
officer_name: PC Jo Test
local_contacts:
  - name: Testshire Youth Line
    phone: 01632 960555
    web: testshire.example/youth
    details: Talk to the Testshire schools team.
"""


def load(path: Path):
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def pages(path: Path) -> int:
    return len(PdfReader(path).pages)


def text_sizes(path: Path) -> list[tuple[float, str]]:
    """(font size in points, text) of every run of text in the page body, header and
    footer left out."""
    runs = []
    for page in PdfReader(path).pages:
        height = float(page.mediabox.height)

        def visit(text, cm, tm, font, size):
            y = tm[5] * cm[3] + cm[5]
            if text.strip() and 80 < y < height - 80:
                runs.append((round(size * tm[0] * cm[0], 2), text.strip()))

        page.extract_text(visitor_text=visit)
    return runs


@pytest.fixture(scope="module")
def testshire(tmp_path_factory) -> Path:
    """One ks2 pack for a named school, with a force profile of its own."""
    root = tmp_path_factory.mktemp("testshire")
    profile = root / "testshire.yaml"
    profile.write_text(PROFILE, encoding="utf-8")
    out = root / "out"
    result = run_cli("build", "--lessons", str(LESSONS), "--output", str(out), "--profile",
                     str(profile), "--lesson", "whos-really-there", "--band", "ks2",
                     "--school", "Hillside Primary", "--class", "Year 6 (Oak)",
                     "--date", "2027-01-12")
    assert result.exit_code == 0, result.output
    return next(out.rglob("parent-letter.pdf")).parent


# --- every pack has the kit, within its page limits ------------------------------------


@pytest.mark.parametrize("lesson", LESSON_IDS)
@pytest.mark.parametrize("band", BANDS)
def test_every_pack_has_the_kit_within_its_page_limits(built, lesson, band):
    pack = built / lesson / band
    for name in KIT:
        assert (pack / name).is_file(), name
    assert pages(pack / "parent-letter.pdf") == 1
    assert pages(pack / "school-briefing.pdf") <= 2
    assert pages(pack / "evaluation-record.pdf") == 1


def test_the_manifest_lists_the_kit(built):
    import json

    files = json.loads((built / "manifest.json").read_text())["files"]
    for lesson in LESSON_IDS:
        for band in BANDS:
            for name in KIT:
                assert f"{lesson}/{band}/{name}" in files
    entry = files[f"online-blackmail/ks2/school-briefing.pdf"]
    assert {"lessons/question-box.yaml", "lessons/curriculum.yaml",
            "templates/school-briefing.xml.j2"} <= set(entry["inputs"])


# --- the letter home -----------------------------------------------------------------


def test_letter_is_from_the_force_and_school_with_local_help(testshire):
    for text in (squash(pdf_text(testshire / "parent-letter.pdf")),
                 squash(docx_text(testshire / "parent-letter.docx"))):
        assert "Testshire Constabulary" in text
        assert "01632 960555" in text  # the profile's local number
        assert "Hillside Primary" in text and "Year 6 (Oak)" in text
        assert "12 January 2027" in text
        assert "0808 800 5000" in text  # NSPCC helpline
        assert "CEOP" in text and "thinkuknow.co.uk/parents" in text
        assert "RSHE policy" in text
        assert "withdraw" not in text.lower()  # no claim about withdrawing a child
        assert "Designated Safeguarding Lead" in text and "class teacher" in text


def test_letter_is_dated_when_sent_and_signed_by_teacher_and_officer(testshire, built):
    text = squash(pdf_text(testshire / "parent-letter.pdf"))
    top = text.split("Dear parent or carer")[0]
    assert "Hillside Primary · Date: ____" in top  # dated when it is sent
    assert "12 January 2027" not in top  # the lesson's date is in the first paragraph
    assert "On 12 January 2027, Year 6 (Oak)" in text
    assert "Class teacher:" in text and "Officer: PC Jo Test" in text
    post16 = squash(pdf_text(built / "online-blackmail" / "post16" / "parent-letter.pdf"))
    assert "Students may take a break" in post16 and "Pupils may" not in post16


@pytest.mark.parametrize("name", ("parent-letter.pdf", "cards.pdf"))
def test_a_local_force_on_101_joins_the_police_entry(built, name):
    """The sample profile's force is on 101: the help cards give 101 once, and the letter
    joins the force to its police line (never a second entry for it), whose words then
    say what each number is for."""
    text = squash(pdf_text(built / "pressure-images-help" / "ks4" / name))
    assert text.count("bedfordshire.police.uk") == 1, text
    if name == "cards.pdf":
        assert text.count("101") == 1, text
    else:
        assert ("Police (Bedfordshire Police), bedfordshire.police.uk: 999 if a child is in "
                "danger now; 101 to report anything else.") in text
        assert text.count("999") == 1, text


def test_letter_sends_parents_to_999_only_for_danger_now(testshire):
    """A force not on 101 (Testshire's own number) is listed on its own; the police line
    still gives 101 for anything that is not an emergency, such as a past crime."""
    text = squash(pdf_text(testshire / "parent-letter.pdf"))
    assert "Police: 999 if a child is in danger now; 101 to report anything else." in text
    assert "crime that has happened" not in text


@pytest.mark.parametrize("lesson", LESSON_IDS)
def test_ks2_letter_uses_no_excluded_word(built, lesson):
    ks2 = next(b for b in load(LESSONS / "bands.yaml")["bands"] if b["id"] == "ks2")
    words = re.compile(r"\b(" + "|".join(map(re.escape, ks2["excluded_terms"])) + r")\b", re.I)
    for name in ("parent-letter.pdf", "parent-letter.docx"):
        path = built / lesson / "ks2" / name
        text = pdf_text(path) if name.endswith(".pdf") else docx_text(path)
        assert words.search(text) is None, (name, words.search(text))


def test_letter_names_what_the_lesson_covers_for_its_band(built):
    summaries = load(LESSONS / "curriculum.yaml")["summaries"]
    for summary in summaries:
        pack = built / summary["lesson"] / summary["band"]
        if pack.is_dir():
            assert squash(summary["for_parents"]) in squash(pdf_text(pack / "parent-letter.pdf"))


# --- the school's briefing -----------------------------------------------------------


@pytest.mark.parametrize("band", BANDS)
def test_briefing_answers_at_least_eight_questions_and_maps_the_curriculum(built, band):
    text = squash(pdf_text(built / "online-blackmail" / band / "school-briefing.pdf"))
    asked = re.findall(r"\b\d+\. “[^”]+”", text)
    assert len(asked) >= 8, asked
    for framework in ("Statutory RSHE guidance (DfE, July 2025)",
                      "PSHE Association Programme of Study",
                      "Education for a Connected World (UKCIS, 2020)"):
        assert framework in text
    for heading in ("What pupils will see and hear", "Safeguarding arrangements",
                    "Opt-out and time-out", "Question box", "disclosure"):
        assert heading in text
    assert "Bedfordshire Police" in text and "101" in text  # the local contact


def briefing_questions(built, lesson, band) -> list[str]:
    text = squash(pdf_text(built / lesson / band / "school-briefing.pdf"))
    bank = text.split("Question box: likely questions and answers")[1].split("Curriculum mapping")[0]
    return re.findall(r"\b\d+\. “([^”]+)”", bank)


@pytest.mark.parametrize("band", BANDS)
def test_each_lesson_has_its_own_question_bank(built, band):
    banks = {lesson: briefing_questions(built, lesson, band) for lesson in LESSON_IDS}
    for lesson, bank in banks.items():
        assert len(bank) >= 8, (lesson, bank)
        others = set().union(*(set(b) for other, b in banks.items() if other != lesson))
        own = [q for q in bank if q not in others]
        assert len(own) >= 2, (lesson, band, bank)
    # Questions every lesson of the band shares come after those written for the lesson.
    common = set.intersection(*(set(b) for b in banks.values()))
    for bank in banks.values():
        first_common = min(i for i, q in enumerate(bank) if q in common)
        assert set(bank[first_common:]) <= common, bank


def test_question_banks_fit_their_lessons_stories(built):
    assert "What if someone from online wants to meet me?" in briefing_questions(
        built, "whos-really-there", "ks2")
    assert "Someone posted a funny photo of me and I hate it. What can I do?" in (
        briefing_questions(built, "pressure-images-help", "ks2"))
    assert 'I sent a friend\'s "new account" my login code. What now?' in (
        briefing_questions(built, "whos-really-there", "ks4"))


@pytest.mark.parametrize("lesson", LESSON_IDS)
@pytest.mark.parametrize("band", ("ks3", "ks4", "post16"))
def test_banks_from_ks3_answer_a_friend_in_crisis(built, lesson, band):
    assert "My friend says they can't see a way out. What do I do?" in briefing_questions(
        built, lesson, band)
    text = squash(pdf_text(built / lesson / band / "school-briefing.pdf"))
    answer = text.split("My friend says they can't see a way out. What do I do?”")[1]
    assert "Samaritans (116 123) and Shout (text SHOUT to 85258)" in answer.split("”")[0]


def test_briefing_says_report_remove_acts_on_images_online(built):
    text = squash(pdf_text(built / "online-blackmail" / "ks4" / "school-briefing.pdf"))
    assert ("if it is online, Report Remove (Childline with the IWF) can help get it taken "
            "down while they are under 18; it can't reach private chats") in text


def test_each_lesson_maps_its_own_curriculum(built):
    def mapping(lesson):
        text = squash(pdf_text(built / lesson / "ks2" / "school-briefing.pdf"))
        return text.split("Curriculum mapping")[1]

    pih = mapping("pressure-images-help")
    assert pih != mapping("online-blackmail")
    assert "Asking before sharing a photo of someone" in pih
    assert "Online reputation, ages 7–11" in pih
    for heading in ("Relationships Education (primary): Online relationships",
                    "Relationships Education (primary): Being safe",
                    "Key Stage 2, Relationships: Safe relationships"):
        assert heading in pih
    ks4 = squash(pdf_text(built / "whos-really-there" / "ks4" / "school-briefing.pdf"))
    assert "Relationships and Sex Education (secondary): Online and media; Being safe" in ks4
    assert "ages 11–14" not in ks4


def test_briefing_answers_removal_by_age_in_the_image(built):
    text = squash(pdf_text(built / "online-blackmail" / "post16" / "school-briefing.pdf"))
    assert "your age in the picture when it was taken" in text
    assert "StopNCII" in text


def test_briefing_carries_the_session(testshire):
    text = squash(pdf_text(testshire / "school-briefing.pdf"))
    assert "12 January 2027" in text and "Year 6 (Oak), Hillside Primary" in text
    assert "PC Jo Test" in text and "Testshire Youth Line" in text


# --- the evaluation record -----------------------------------------------------------


def test_evaluation_record_fields_match_the_report_columns(testshire):
    text = squash(pdf_text(testshire / "evaluation-record.pdf"))
    for column in ("pupils", "baseline_confident", "end_confident"):
        assert column in text
    assert "Questions raised" in text and "Referrals made" in text
    assert "no pupil names" in text.lower() or "write no pupil names" in text.lower()
    assert "Hillside Primary" in text and "PC Jo Test" in text
    assert pages(testshire / "evaluation-record.pdf") == 1


@pytest.mark.parametrize("lesson", LESSON_IDS)
def test_evaluation_record_counts_a_show_of_hands_at_the_plans_own_steps(built, lesson):
    """The confident counts are taken at the steps the plan has (the true-or-false
    baseline and its second go), not at a tally no plan takes."""
    for band in ("ks2", "ks4"):
        plan = load(LESSONS / "specs" / f"{lesson}.yaml")["bands"][band]
        text = squash(pdf_text(built / lesson / band / "evaluation-record.pdf"))
        assert "show of hands" in text
        assert "would you know what to do and who to tell?" in text
        assert f'At the baseline ("{plan["baseline"]["title"]}")' in text
        assert f'at the end ("{plan["assessment"]["title"]}")' in text
        assert "tally" not in text
        for column, counts in (("baseline_confident", "Hands up for the question at the baseline"),
                               ("end_confident", "Hands up for the same question at the end")):
            assert f"{column} {counts}" in text


# --- cards ---------------------------------------------------------------------------


def test_cards_have_dashed_cut_lines(built):
    page = PdfReader(built / "whos-really-there" / "ks3" / "cards.pdf").pages[0]
    assert re.search(rb"\[\s*[\d.]+\s+[\d.]+\s*\]\s*[\d.]+\s+d", page.get_contents().get_data())


@pytest.mark.parametrize("lesson", LESSON_IDS)
def test_ks2_card_text_is_at_least_18_point(built, lesson):
    runs = text_sizes(built / lesson / "ks2" / "cards.pdf")
    assert runs
    small = [(size, text) for size, text in runs if size < 18]
    assert small == []


CARD_SETS = {"scene-cards": "Story 1", "tactics-cards": "Tactics cards",
             "feelings-cards": "Feelings cards", "help-cards": "Who can help cards"}


def plan_uses(plan: dict) -> set[str]:
    steps = [plan.get("introduction"), plan["baseline"], *plan["activities"],
             plan["assessment"], plan["plenary"]]
    return {use for step in steps if step for use in step.get("uses", ())}


def first_stop(scenario: dict) -> int:
    """The scene the story first stops after for a vote (its last scene: no stop)."""
    last = len(scenario["scenes"])
    stops = [min(d.get("after_scene") or last, last) for d in scenario["decisions"]]
    return min(stops)


@pytest.mark.parametrize("lesson", LESSON_IDS)
def test_cards_hold_every_scene_and_the_card_sets_the_plan_uses(built, lesson):
    spec = load(LESSONS / "specs" / f"{lesson}.yaml")
    for band in BANDS:
        plan = spec["bands"][band]
        text = squash(pdf_text(built / lesson / band / "cards.pdf"))
        uses = plan_uses(plan)
        for card_set, heading in CARD_SETS.items():
            assert (heading in text) == (card_set in uses), (band, card_set)
        if "scene-cards" not in uses:
            continue
        for number, scenario_id in enumerate(plan["scenarios"], 1):
            scenario = load(LESSONS / "scenarios" / f"{scenario_id}.yaml")
            scenes = len(scenario["scenes"])
            assert f"Story {number} · Scene {scenes}" in text
            assert f"Story {number} · Scene {scenes + 1}" not in text
        if "help-cards" in uses:
            for heading in ("A trusted adult", "Childline", "0800 1111"):
                assert heading in text


@pytest.mark.parametrize("lesson", LESSON_IDS)
@pytest.mark.parametrize("band", ("ks2", "ks4"))
def test_scene_cards_keep_each_ending_back_until_the_class_decides(built, lesson, band):
    """Scenes after a story's first stop are printed after the "After the class decides"
    heading, each card marked, so they are kept back; scenes before it come first."""
    plan = load(LESSONS / "specs" / f"{lesson}.yaml")["bands"][band]
    path = built / lesson / band / "cards.pdf"
    text = " ".join(squash(page.extract_text()) for page in PdfReader(path).pages)
    heading = "After the class decides: keep these cards back until the class has voted"
    stops = {}
    for number, scenario_id in enumerate(plan["scenarios"], 1):
        scenario = load(LESSONS / "scenarios" / f"{scenario_id}.yaml")
        stops[number] = (first_stop(scenario), len(scenario["scenes"]))
    if all(stop == last for stop, last in stops.values()):
        assert heading not in text
        return
    assert text.count(heading) == 1
    before, later = text.split(heading)
    assert "After the class decides" not in before.replace(
        '"After the class decides"', "")  # only named in the instructions
    for number, (stop, last) in stops.items():
        for scene in range(1, last + 1):
            title = f"Story {number} · Scene {scene}"
            if scene <= stop:
                assert title in before and title not in later, title
            else:
                assert title in later and title not in before, title
                assert f"{title} After the class decides" in later, title
    assert text.count("Story 1 · Scene 1 ") == 1


def test_feelings_cards_are_words(built):
    lesson, band = next((lesson, band) for lesson in LESSON_IDS for band in ("ks3", "ks4")
                        if "feelings-cards" in plan_uses(
                            load(LESSONS / "specs" / f"{lesson}.yaml")["bands"][band]))
    text = pdf_text(built / lesson / band / "cards.pdf")
    for word in ("Worried", "Scared", "Ashamed", "Relieved"):
        assert word in text
    assert not re.search("[\U0001F300-\U0001FAFF]", text)  # no emoji


def test_report_remove_card_says_what_it_can_reach(built, testshire):
    text = squash(pdf_text(built / "pressure-images-help" / "ks4" / "cards.pdf"))
    assert ("Report Remove childline.org.uk/remove Childline with the IWF. If a nude or "
            "semi-nude image of you is online, it can help get it taken down while you are "
            "under 18. It can't reach private chats.") in text
    assert "Gets a nude" not in text


def test_help_cards_carry_the_forces_local_contact(testshire):
    plan = load(LESSONS / "specs" / "whos-really-there.yaml")["bands"]["ks2"]
    assert "help-cards" in plan_uses(plan)
    help_cards = squash(pdf_text(testshire / "cards.pdf"))
    assert "Testshire Youth Line" in help_cards and "01632 960555" in help_cards


# --- building only some documents; what a pack holds ---------------------------------


def test_documents_option_builds_only_those(tmp_path):
    out = tmp_path / "out"
    result = run_cli("build", "--lessons", str(LESSONS), "--output", str(out), "--lesson",
                     "online-blackmail", "--band", "ks3", "--documents", "cards,parent-letter")
    assert result.exit_code == 0, result.output
    assert result.output.startswith("Wrote 3 documents")
    pack = out / "online-blackmail" / "ks3"
    assert sorted(p.name for p in pack.iterdir()) == ["cards.pdf", "parent-letter.docx",
                                                    "parent-letter.pdf"]
    # The rest of the pack later: what was built stays as it was.
    before = (pack / "cards.pdf").stat().st_mtime_ns
    result = run_cli("build", "--lessons", str(LESSONS), "--output", str(out), "--lesson",
                     "online-blackmail", "--band", "ks3")
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in pack.iterdir()) == sorted(PACK_FILES)
    assert (pack / "cards.pdf").stat().st_mtime_ns == before


def test_documents_option_names_an_unknown_document(tmp_path):
    result = run_cli("build", "--lessons", str(LESSONS), "--output", str(tmp_path / "o"),
                     "--documents", "slide,worksheet")
    assert result.exit_code == 2
    assert "Invalid value for '--documents': unknown document 'slide'" in result.output
    assert not (tmp_path / "o").exists()


def test_list_shows_what_a_pack_holds():
    result = run_cli("list", "--lessons", str(LESSONS))
    assert result.exit_code == 0
    listing = result.output.split("Documents in each pack")[1]
    for name in ("lesson-plan", "worksheet", "answer-key", "discussion-guide", "cards",
                 "parent-letter", "school-briefing", "evaluation-record"):
        assert re.search(rf"^  {name} ", listing, re.M), name
    assert "parent-letter.pdf, parent-letter.docx" in listing


# --- deterministic -------------------------------------------------------------------


def test_two_builds_give_identical_kit_bytes(tmp_path):
    outs = []
    for n in (1, 2):
        out = tmp_path / f"out{n}"
        result = run_cli("build", "--lessons", str(LESSONS), "--output", str(out),
                         "--lesson", "online-blackmail", "--documents",
                         "cards,parent-letter,school-briefing,evaluation-record")
        assert result.exit_code == 0, result.output
        outs.append({p.relative_to(out): p.read_bytes() for p in out.rglob("*")
                     if p.is_file() and p.name != "manifest.json"})
    # the kit's documents; index.html, its list of packs and a thumbnail for each pack
    assert len(outs[0]) == 4 * 5 + 2 + 4
    assert outs[0] == outs[1]


# --- the kit's data files ------------------------------------------------------------


def test_kit_data_with_an_unknown_band_is_one_line_naming_file_and_line(lessons_copy):
    path = lessons_copy / "question-box.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("    bands: [ks2]\n", "    bands: [ks5]\n", 1), encoding="utf-8")
    line = text.split("    bands: [ks2]\n")[0].count("\n") + 1
    result = run_cli("validate", "--lessons", str(lessons_copy))
    assert result.exit_code == 1
    assert f"question-box.yaml:{line}: unknown band 'ks5'; did you mean" in result.output
    assert len(result.output.splitlines()) == 1
    assert "Traceback" not in result.output


def test_ks2_card_text_with_an_excluded_word_is_an_error(lessons_copy):
    path = lessons_copy / "kit.yaml"
    text = path.read_text(encoding="utf-8")
    old = "means: They say nice things so you like them and trust them fast."
    assert old in text
    path.write_text(text.replace(old, "means: They ask for a naked photo."), encoding="utf-8")
    line = text.split(old)[0].count("\n") + 1
    result = run_cli("validate", "--lessons", str(lessons_copy))
    assert result.exit_code == 1
    assert f"kit.yaml:{line}: " in result.output and '"naked" is excluded' in result.output


def test_a_lesson_missing_from_the_question_box_is_a_warning(lessons_copy):
    path = lessons_copy / "question-box.yaml"
    data = load(path)
    kept = [q for q in data["questions"] if "ks2" not in q["bands"]]
    path.write_text(yaml.safe_dump({"questions": kept}, allow_unicode=True), encoding="utf-8")
    result = run_cli("validate", "--lessons", str(lessons_copy))
    assert result.exit_code == 0, result.output
    assert "only 0 questions are for online-blackmail ks2" in result.output
    strict = run_cli("validate", "--lessons", str(lessons_copy), "--strict")
    assert strict.exit_code == 1


def test_a_bank_with_no_questions_of_the_lessons_own_is_a_warning(lessons_copy):
    path = lessons_copy / "question-box.yaml"
    data = load(path)
    for question in data["questions"]:
        question.pop("lessons", None)
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    result = run_cli("validate", "--lessons", str(lessons_copy))
    assert result.exit_code == 0, result.output
    assert ("only 0 questions are written for online-blackmail ks2; add at least 2 whose "
            "'lessons' include online-blackmail") in result.output
    assert run_cli("validate", "--lessons", str(lessons_copy), "--strict").exit_code == 1
