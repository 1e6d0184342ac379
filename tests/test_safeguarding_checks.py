"""`lessonpack validate` catches content that would be unsafe or unsuitable to teach:
each check fires on a crafted bad file and stays quiet on the bundled content."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from conftest import run_cli

SCENARIO = "scenarios/profile-fake-child.yaml"  # a ks2 scenario
SPEC = "specs/whos-really-there.yaml"


def validate(lessons: Path, *options: str):
    return run_cli("validate", "--lessons", str(lessons), *options)


def lines(result) -> list[str]:
    assert "Traceback" not in result.output
    return [line for line in result.output.splitlines() if line]


def replace_once(path: Path, pattern: str, new: str) -> int:
    """Replace the first match of `pattern`; return the line it was on."""
    text = path.read_text(encoding="utf-8")
    match = re.search(pattern, text, re.M)
    assert match, pattern
    path.write_text(text[: match.start()] + match.expand(new) + text[match.end():],
                    encoding="utf-8")
    return text.count("\n", 0, match.start()) + 1


def test_bundled_content_passes_strict_validation(lessons_copy):
    result = validate(lessons_copy, "--strict")
    assert result.exit_code == 0, result.output
    scenarios = len(list((lessons_copy / "scenarios").glob("*.yaml")))
    assert lines(result) == [f"{lessons_copy}: 3 lessons, {scenarios} scenarios, 4 bands: no errors"]


def test_avoided_term_names_its_replacement(lessons_copy):
    path = lessons_copy / SPEC
    line = replace_once(path, r"^(    sensitivities: >-\n)", r"\1      Pupils may have heard of sexting.\n")
    result = validate(lessons_copy)
    assert result.exit_code == 1
    assert f'{path}:{line}: avoid "sexting": write "sharing nudes and semi-nudes" instead' \
        in lines(result)


def test_blaming_phrase(lessons_copy):
    path = lessons_copy / SPEC
    line = replace_once(path, r"^(    sensitivities: >-\n)",
                        r"\1      Explain that you shouldn't have trusted a stranger.\n")
    result = validate(lessons_copy)
    assert result.exit_code == 1
    assert (f'{path}:{line}: blaming phrase "you shouldn\'t have": it tells the young person the '
            "harm is their doing; put the responsibility on the offender") in lines(result)


def test_terms_to_avoid_are_data_an_officer_can_extend(lessons_copy):
    language = lessons_copy / "language.yaml"
    language.write_text(language.read_text(encoding="utf-8").replace(
        "avoid:\n", "avoid:\n  - term: stranger danger\n    use: people you don't know\n", 1),
        encoding="utf-8")
    path = lessons_copy / SPEC
    line = replace_once(path, r"^(    sensitivities: >-\n)", r"\1      Stranger danger is real.\n")
    assert f'{path}:{line}: avoid "stranger danger": write "people you don\'t know" instead' \
        in lines(validate(lessons_copy))


def test_ks2_text_must_have_no_sexual_detail(lessons_copy):
    path = lessons_copy / SCENARIO
    line = replace_once(path, r"^(summary: >-\n)", r"\1  Ellie asks for nudes.\n")
    assert f'{path}:{line}: "nudes" is excluded for ks2: say it another way or move it to an ' \
           "older band" in lines(validate(lessons_copy))


def test_scenario_used_below_its_lowest_band(lessons_copy):
    path = lessons_copy / SPEC
    text = path.read_text(encoding="utf-8")
    ks2_list = re.search(r"    scenarios: \[(profile-[a-z-]+)", text)
    path.write_text(text.replace(ks2_list.group(0), "    scenarios: [profile-cloned-friend", 1),
                    encoding="utf-8")
    line = text.count("\n", 0, ks2_list.start()) + 1
    result = lines(validate(lessons_copy))
    assert (f"{path}:{line}: scenario 'profile-cloned-friend' is for ks4 and older, so it "
            "cannot be used with ks2; choose a scenario written for ks2 or younger") in result


def test_pupil_text_above_the_reading_target_names_the_hardest_sentence(lessons_copy):
    path = lessons_copy / SCENARIO
    hard = ("Notwithstanding considerable organisational uncertainty, institutional "
            "responsibilities necessitate comprehensive, interdisciplinary communication.")
    line = replace_once(path, r"^title: .*$", "title: " + " ".join([hard] * 12))
    result = lines(validate(lessons_copy))
    assert len(result) == 1
    assert result[0].startswith(f"{path}:{line}: reading level too hard for ks2: "
                                "Flesch–Kincaid grade ")
    assert f'hardest sentence: "{hard[:60]}' in result[0]
    assert result[0].endswith("shorten sentences and use shorter words")


def test_timings_that_do_not_fill_the_lesson(lessons_copy):
    path = lessons_copy / SPEC
    text = path.read_text(encoding="utf-8")
    match = re.search(r"(    baseline:\n(?:.*\n)*?      minutes: )(\d+)", text)
    minutes = int(match.group(2))
    path.write_text(text[: match.start(2)] + str(minutes + 1) + text[match.end(2):],
                    encoding="utf-8")
    ks2_line = text.count("\n", 0, text.index("  ks2:")) + 1
    assert (f"{path}:{ks2_line}: timings add up to 46 minutes but a ks2 lesson lasts 45; adjust "
            "the minutes of the baseline, activities, assessment and plenary") \
        in lines(validate(lessons_copy))


def test_lesson_plan_missing_a_required_section(lessons_copy):
    path = lessons_copy / SPEC
    text = path.read_text(encoding="utf-8")
    start = text.index("    extension:")
    end = re.compile(r"^    \w", re.M).search(text, start + 5).start()
    path.write_text(text[:start] + text[end:], encoding="utf-8")
    ks2_line = text.count("\n", 0, text.index("  ks2:")) + 1
    assert f"{path}:{ks2_line}: missing required field 'extension'" in lines(
        validate(lessons_copy))


def test_stale_contact_is_a_warning_and_strict_makes_it_fail(lessons_copy):
    path = lessons_copy / "contacts.yaml"
    old = (dt.date.today() - dt.timedelta(days=400))
    line = replace_once(path, r"last_verified: [0-9-]+", f"last_verified: {old.isoformat()}")
    warning = (f"{path}:{line}: warning: Childline's details were last verified on "
               f"{old:%d %B %Y}, over 12 months ago; check them against the source and update "
               "last_verified")
    result = validate(lessons_copy)
    assert result.exit_code == 0
    assert warning in lines(result)
    strict = validate(lessons_copy, "--strict")
    assert strict.exit_code == 1
    assert warning in lines(strict)


@pytest.mark.parametrize("jobs", ["1", "2"])  # the words are checked here, or in a fork
def test_build_refuses_content_with_safeguarding_errors(lessons_copy, tmp_path, jobs):
    line = replace_once(lessons_copy / SPEC, r"^(    sensitivities: >-\n)",
                        r"\1      Sexting happens.\n")
    result = run_cli("build", "--lessons", str(lessons_copy), "--output", str(tmp_path / "out"),
                     "--jobs", jobs)
    assert result.exit_code == 1
    assert lines(result) == [
        f'{lessons_copy / SPEC}:{line}: avoid "sexting": write "sharing nudes and semi-nudes" instead',
    ]
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_one_pack_is_checked_for_the_words_it_prints(lessons_copy, tmp_path, jobs):
    """An officer building one pack the evening before a visit is not stopped by another
    lesson's wording; the pack's own lesson still is, and so is a build of everything."""
    line = replace_once(lessons_copy / SPEC, r"^(    sensitivities: >-\n)",
                        r"\1      Sexting happens.\n")
    refused = f'{lessons_copy / SPEC}:{line}: avoid "sexting": write "sharing nudes and semi-nudes" instead'

    other = run_cli("build", "--lessons", str(lessons_copy), "--output", str(tmp_path / "other"),
                    "--lesson", "online-blackmail", "--band", "ks3", "--jobs", jobs)
    assert other.exit_code == 0, other.output
    assert (tmp_path / "other" / "online-blackmail" / "ks3" / "worksheet.pdf").is_file()

    own = run_cli("build", "--lessons", str(lessons_copy), "--output", str(tmp_path / "own"),
                  "--lesson", "whos-really-there", "--band", "ks3", "--jobs", jobs)
    assert own.exit_code == 1
    assert lines(own) == [refused]
    assert not (tmp_path / "own").exists()

    everything = run_cli("build", "--lessons", str(lessons_copy), "--output",
                         str(tmp_path / "all"), "--jobs", jobs)
    assert everything.exit_code == 1
    assert lines(everything) == [refused]
