"""Fingerprints: every build option that can change the output is in the build's key
(a new option is, unless it is listed with a reason), and the options listed as not
changing the output really do not."""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import replace
from pathlib import Path

import pytest

from conftest import LESSONS, TEMPLATES
from generator import cache
from generator.build import BuildOptions, build
from generator.session import Session

TODAY = dt.date.today()


def base(output_dir: Path = Path("out")) -> BuildOptions:
    return BuildOptions(lessons_dir=LESSONS, output_dir=output_dir, templates=(TEMPLATES,),
                        lesson_ids=("whos-really-there",), band_ids=("ks2",), today=TODAY,
                        jobs=1)


# A different value for every option. A new option without one fails
# test_every_option_has_a_variant, so whoever adds it decides where it belongs.
VARIANTS = {
    "lessons_dir": Path("elsewhere/lessons"),
    "output_dir": Path("elsewhere/output"),
    "templates": (Path("my-templates"), TEMPLATES),
    "lesson_ids": ("online-blackmail",),
    "band_ids": ("ks3",),
    "scenario_ids": ("some-scenario",),
    "profile_path": Path("force.yaml"),
    "session": Session(school="Hillside Academy", date=dt.date(2026, 3, 4), class_name="8B"),
    "paper": "letter",
    "large_print": True,
    "dyslexia_friendly": True,
    "strict": True,
    "force": True,
    "keep_edited": True,
    "today": TODAY - dt.timedelta(days=1),
    "jobs": 2,
    "documents": ("cards", "parent-letter"),
}
FIELDS = [f.name for f in dataclasses.fields(BuildOptions)]
OUTPUT_CHANGING = [name for name in FIELDS if name not in cache.NOT_AFFECTING_OUTPUT]
IN_DOCUMENTS = [name for name in OUTPUT_CHANGING if name not in cache.NOT_IN_DOCUMENTS]


def test_every_option_has_a_variant():
    assert sorted(VARIANTS) == sorted(FIELDS)


def test_the_lists_name_real_options():
    assert set(cache.NOT_AFFECTING_OUTPUT) <= set(FIELDS)
    assert set(cache.NOT_IN_DOCUMENTS) <= set(FIELDS)
    assert not set(cache.NOT_AFFECTING_OUTPUT) & set(cache.NOT_IN_DOCUMENTS)


@pytest.mark.parametrize("name", OUTPUT_CHANGING)
def test_every_option_that_can_change_the_output_changes_the_build_key(name):
    assert cache.build_key(replace(base(), **{name: VARIANTS[name]})) != cache.build_key(base())


def test_the_same_options_give_the_same_key():
    assert cache.build_key(base()) == cache.build_key(base())


@pytest.mark.parametrize("name", IN_DOCUMENTS)
def test_every_option_that_changes_a_document_changes_its_digest(name):
    changed = replace(base(), **{name: VARIANTS[name]})
    assert cache.document_options_key(changed) != cache.document_options_key(base())


@pytest.mark.parametrize("name", sorted(cache.NOT_IN_DOCUMENTS))
def test_options_that_only_choose_packs_leave_the_document_digest(name):
    changed = replace(base(), **{name: VARIANTS[name]})
    assert cache.document_options_key(changed) == cache.document_options_key(base())


def documents(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and p.name != "manifest.json"}


@pytest.fixture(scope="module")
def base_build(tmp_path_factory) -> dict[str, bytes]:
    out = tmp_path_factory.mktemp("base") / "output"
    build(base(out))
    return documents(out)


@pytest.mark.parametrize("name", sorted(cache.NOT_AFFECTING_OUTPUT))
def test_options_listed_as_not_affecting_output_do_not(name, base_build, tmp_path):
    out = tmp_path / "output"
    options = replace(base(out), **{name: VARIANTS[name]})
    if name == "output_dir":
        options = replace(options, output_dir=tmp_path / VARIANTS[name])
        out = options.output_dir
    assert cache.build_key(options) == cache.build_key(base(options.output_dir))
    build(options)
    assert documents(out) == base_build


def test_lessonpacks_own_code_is_part_of_every_key(monkeypatch):
    before = cache.build_key(base()), cache.document_options_key(base())
    monkeypatch.setattr(cache, "code_digest", lambda: "an upgraded lessonpack")
    after = cache.build_key(base()), cache.document_options_key(base())
    assert before[0] != after[0] and before[1] != after[1]


def test_force_renders_every_document_again(tmp_path):
    from conftest import LESSONS, PER_PACK, run_cli

    args = ("build", "--lessons", str(LESSONS), "--output", str(tmp_path / "out"),
            "--lesson", "online-blackmail", "--band", "ks3")
    assert run_cli(*args).exit_code == 0
    assert f"Wrote 0 documents to {tmp_path / 'out'}/ ({PER_PACK} unchanged)" in run_cli(*args).output
    assert f"Wrote {PER_PACK} documents" in run_cli(*args, "--force").output
