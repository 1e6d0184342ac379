"""Authoring and customising: `lessonpack new scenario`, `build --scenario` and
`--templates` overrides, checked through the files and messages a user sees."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from conftest import LESSONS, TEMPLATES, pdf_text, per_pack, run_cli, squash

LESSON = "whos-really-there"
SPEC_LINE = "    scenarios: [profile-says-shes-fourteen, profile-fan-group]\n"  # its ks3 plan


def new(lessons: Path, *args: str):
    return run_cli("new", "scenario", *args, "--lessons", str(lessons))


def spec_path(lessons: Path) -> Path:
    return lessons / "specs" / f"{LESSON}.yaml"


def ks3_scenarios(lessons: Path) -> list[str]:
    data = yaml.safe_load(spec_path(lessons).read_text(encoding="utf-8"))
    return data["bands"]["ks3"]["scenarios"]


# ---------------------------------------------------------------- new scenario


def test_new_scenario_writes_a_starter_and_lists_it(lessons_copy):
    before = spec_path(lessons_copy).read_text(encoding="utf-8")
    result = new(lessons_copy, "my-story", "--band", "ks3", "--lesson", LESSON)
    assert result.exit_code == 0, result.output
    path = lessons_copy / "scenarios" / "my-story.yaml"
    starter = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert starter["id"] == "my-story" and starter["lowest_band"] == "ks3"
    assert ks3_scenarios(lessons_copy) == ["profile-says-shes-fourteen", "profile-fan-group",
                                           "my-story"]
    # One line of the spec changed; every comment and every other line is as it was.
    after = spec_path(lessons_copy).read_text(encoding="utf-8")
    changed = [(a, b) for a, b in zip(before.splitlines(), after.splitlines()) if a != b]
    assert changed == [(SPEC_LINE.rstrip("\n"), SPEC_LINE.rstrip("\n")[:-1] + ", my-story]")]
    assert len(after.splitlines()) == len(before.splitlines())
    line = before.splitlines().index(SPEC_LINE.rstrip("\n")) + 1
    assert f"Listed it in {spec_path(lessons_copy)}:{line} (ks3 scenarios)." in result.output


@pytest.mark.parametrize("band", ["ks2", "ks3", "ks4", "post16"])
def test_the_starter_validates_and_builds_as_it_stands(lessons_copy, tmp_path, band):
    assert new(lessons_copy, "my-story", "--band", band, "--lesson", LESSON).exit_code == 0
    checked = run_cli("validate", "--lessons", str(lessons_copy))
    assert checked.exit_code == 0, checked.output
    assert "my-story" not in checked.output  # no warning about it either
    out = tmp_path / "out"
    result = run_cli("build", "--lessons", str(lessons_copy), "--output", str(out),
                     "--scenario", "my-story")
    assert result.exit_code == 0, result.output
    assert [p.name for p in (out / LESSON).iterdir()] == [band]
    worksheet = squash(pdf_text(out / LESSON / band / "worksheet.pdf"))
    assert "Story 3: Sam and the new player" in worksheet
    assert "Jo_Racer asks Sam to keep a secret." in worksheet


def test_every_field_of_the_starter_is_explained(lessons_copy):
    assert new(lessons_copy, "my-story", "--band", "ks2", "--lesson", LESSON).exit_code == 0
    lines = (lessons_copy / "scenarios" / "my-story.yaml").read_text(encoding="utf-8").splitlines()
    seen = set()
    for number, line in enumerate(lines):
        match = re.match(r"^[ -]*([a-z_]+):", line)
        if not match or match.group(1) in seen:
            continue
        seen.add(match.group(1))
        assert lines[number - 1].lstrip().startswith("# "), f"no comment above: {line}"
    assert seen >= {"id", "title", "lowest_band", "summary", "characters", "name", "about",
                    "scenes", "narration", "dialogue", "speaker", "says", "warning_signs",
                    "sign", "why", "not_warning_signs", "statement", "decisions", "prompt",
                    "options", "choice", "outcome", "safest", "questions", "ask", "draw_out",
                    "teaches"}
    text = "\n".join(lines)
    assert "ks2 reading target: Flesch-Kincaid grade 4" in text
    assert "Words a ks2 story must never use: sex," in text
    assert text.count("[pupils]") >= 10


def test_block_style_list_keeps_its_comments_and_indentation(lessons_copy):
    path = spec_path(lessons_copy)
    text = path.read_text(encoding="utf-8")
    block = ("    scenarios:  # the stories, in the order they are taught\n"
             "      - profile-says-shes-fourteen\n"
             "      # online blackmail second\n"
             "      - profile-fan-group  # Imogen\n")
    path.write_text(text.replace(SPEC_LINE, block), encoding="utf-8")
    assert new(lessons_copy, "my-story", "--band", "ks3", "--lesson", LESSON).exit_code == 0
    assert path.read_text(encoding="utf-8") == text.replace(
        SPEC_LINE, block + "      - my-story\n")


def test_windows_line_endings_are_kept(lessons_copy):
    path = spec_path(lessons_copy)
    text = path.read_text(encoding="utf-8")
    path.write_bytes(text.replace("\n", "\r\n").encode("utf-8"))
    assert new(lessons_copy, "my-story", "--band", "ks3", "--lesson", LESSON).exit_code == 0
    edited = text.replace(SPEC_LINE, SPEC_LINE[:-2] + ", my-story]\n")
    assert path.read_bytes() == edited.replace("\n", "\r\n").encode("utf-8")


def test_a_list_it_cannot_edit_safely_is_left_alone_with_the_line_to_add(lessons_copy):
    path = spec_path(lessons_copy)
    odd = "    scenarios: profile-says-shes-fourteen\n"  # text, not a list: validate reports it
    path.write_text(path.read_text(encoding="utf-8").replace(SPEC_LINE, odd), encoding="utf-8")
    before = path.read_bytes()
    result = new(lessons_copy, "my-story", "--band", "ks3", "--lesson", LESSON)
    assert result.exit_code == 0, result.output
    assert path.read_bytes() == before
    assert (lessons_copy / "scenarios" / "my-story.yaml").is_file()
    assert (f"Could not edit {path} safely; in its ks3 plan, change the scenarios line to:\n"
            "    scenarios: [my-story]\n") in result.output


@pytest.mark.parametrize("args, message", [
    (("profile-fake-child", "--band", "ks3", "--lesson", LESSON),
     "{lessons}/scenarios/profile-fake-child.yaml: already exists; choose another id or edit "
     "that file"),
    (("My Story", "--band", "ks3", "--lesson", LESSON),
     "'My Story' is not a simple id: use lower-case letters, digits and single hyphens, like "
     "'gaming-gift-trap'"),
    (("my-story", "--band", "ks5", "--lesson", LESSON),
     "unknown band 'ks5'; known: ks2, ks3, ks4, post16"),
    (("my-story", "--band", "ks3", "--lesson", "whos-there"),
     "unknown lesson 'whos-there'; known: online-blackmail, pressure-images-help, "
     "whos-really-there"),
])
def test_new_scenario_refuses_bad_requests_and_writes_nothing(lessons_copy, args, message):
    before = {p: p.read_bytes() for p in lessons_copy.rglob("*") if p.is_file()}
    result = new(lessons_copy, *args)
    assert result.exit_code == 1
    assert result.output == message.format(lessons=lessons_copy) + "\n"
    assert {p: p.read_bytes() for p in lessons_copy.rglob("*") if p.is_file()} == before


def test_a_lesson_without_that_band_is_refused(lessons_copy):
    path = spec_path(lessons_copy)
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    del data["bands"]["post16"]
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    result = new(lessons_copy, "my-story", "--band", "post16", "--lesson", LESSON)
    assert result.exit_code == 1
    assert result.output == (f"{path}: lesson '{LESSON}' has no post16 plan (it has: ks2, ks3, "
                             "ks4); choose one of those bands\n")
    assert not (lessons_copy / "scenarios" / "my-story.yaml").exists()


def test_new_needs_a_content_folder(tmp_path):
    result = run_cli("new", "scenario", "my-story", "--band", "ks3", "--lesson", LESSON,
                     cwd=tmp_path)
    assert result.exit_code == 1
    assert result.output == ("lessons: no content folder here (bands.yaml is missing); run "
                             "'lessonpack init DIR' or pass --lessons DIR\n")


def test_new_has_help_with_an_example():
    for args in (("new", "--help"), ("new", "scenario", "--help")):
        result = run_cli(*args)
        assert result.exit_code == 0 and "Example" in result.output


# ------------------------------------------------------------ build --scenario


def test_build_scenario_builds_only_the_packs_that_use_it(tmp_path):
    out = tmp_path / "out"
    result = run_cli("build", "--lessons", str(LESSONS), "--output", str(out),
                     "--scenario", "profile-fake-child")
    assert result.exit_code == 0, result.output
    packs = sorted(str(p.parent.relative_to(out)) for p in out.rglob("worksheet.pdf"))
    assert packs == [f"{LESSON}/ks2"]  # each story is told to one band only
    assert f"Wrote {per_pack('ks2')} documents" in result.output
    assert "Is Lottie really 11?" in squash(pdf_text(out / LESSON / "ks2" / "worksheet.pdf"))


def test_build_unknown_scenario_names_the_known_ones(tmp_path):
    result = run_cli("build", "--lessons", str(LESSONS), "--output", str(tmp_path / "out"),
                     "--scenario", "profile-fake-kid")
    assert result.exit_code == 1
    assert result.output.startswith("unknown scenario 'profile-fake-kid'; known: "
                                    "blackmail-deepfake-threat, ")
    assert not (tmp_path / "out").exists()


# ------------------------------------------------------------------ --templates


def build_with(templates: Path, out: Path):
    return run_cli("build", "--lessons", str(LESSONS), "--output", str(out),
                   "--templates", str(templates), "--lesson", LESSON, "--band", "ks2")


def test_an_override_template_changes_the_output(tmp_path):
    mine = tmp_path / "templates"
    mine.mkdir()
    worksheet = (TEMPLATES / "worksheet.xml.j2").read_text(encoding="utf-8")
    (mine / "worksheet.xml.j2").write_text(worksheet.replace(
        "</document>", "<p>Ask for PC Patel at the school office.</p>\n</document>"),
        encoding="utf-8")
    out = tmp_path / "out"
    result = build_with(mine, out)
    assert result.exit_code == 0, result.output
    pack = out / LESSON / "ks2"
    assert "Ask for PC Patel at the school office." in squash(pdf_text(pack / "worksheet.pdf"))
    # Every other template still comes from the built-in set.
    for name in ("lesson-plan.pdf", "answer-key.pdf"):
        assert "Ask for PC Patel" not in squash(pdf_text(pack / name))
    assert "Spot the warning signs" in squash(pdf_text(pack / "worksheet.pdf"))


@pytest.mark.parametrize("expression, refused", [
    ("v.__class__.__mro__", "access to attribute '__class__' of 'BandView' object is unsafe."),
    ("''.__class__.__subclasses__()", "access to attribute '__class__' of 'str' object is unsafe."),
    ('"{0.__class__}".format(v)', "access to attribute '__class__' of 'BandView' object is unsafe."),
])
def test_a_template_cannot_reach_python_internals(tmp_path, expression, refused):
    mine = tmp_path / "templates"
    mine.mkdir()
    template = mine / "worksheet.xml.j2"
    template.write_text("<document>\n<h1>{{ v.plan.title }}</h1>\n<p>{{ " + expression
                        + " }}</p>\n</document>\n", encoding="utf-8")
    result = build_with(mine, tmp_path / "out")
    assert result.exit_code == 1
    assert result.output == f"{template}:3: not allowed in a template: {refused}\n"
    assert not (tmp_path / "out").exists()


def test_a_template_syntax_error_names_the_file_and_line(tmp_path):
    mine = tmp_path / "templates"
    mine.mkdir()
    macros = (TEMPLATES / "_macros.xml.j2").read_text(encoding="utf-8")
    (mine / "_macros.xml.j2").write_text("{# my macros #}\n{% for c in %}{% endfor %}\n" + macros,
                                         encoding="utf-8")
    result = build_with(mine, tmp_path / "out")
    assert result.exit_code == 1
    assert result.output.startswith(f"{mine / '_macros.xml.j2'}:2: template syntax error: ")
    assert len(result.output.splitlines()) == 1


def test_a_misspelt_name_in_a_template_names_the_file_and_line(tmp_path):
    mine = tmp_path / "templates"
    mine.mkdir()
    template = mine / "worksheet.xml.j2"
    template.write_text("<document>\n<h1>{{ v.plan.title }}</h1>\n<p>{{ v.plan.titel }}</p>\n"
                        "</document>\n", encoding="utf-8")
    result = build_with(mine, tmp_path / "out")
    assert result.exit_code == 1
    assert result.output == (f"{template}:3: template error: 'generator.model.BandPlan "
                             "object' has no attribute 'titel'\n")


def test_the_authoring_guide_lists_every_resource_a_step_may_use():
    import typing

    from generator.model import Resource

    guide = (LESSONS.parent / "docs" / "authoring.md").read_text(encoding="utf-8")
    table = guide[guide.index("| in `uses` |"):]
    table = table[:table.index("\n\n")]
    listed = set(re.findall(r"`([a-z-]+)`", table.split("\n", 2)[2]))
    assert listed == set(typing.get_args(Resource))
