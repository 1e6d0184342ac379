"""The force profile (--profile FILE, else lessons/profile.yaml): the force's name and
local contacts on every document of a pack, and a clear message for a bad profile."""

from __future__ import annotations

from pathlib import Path

import docx
import pytest
from pypdf import PdfReader

from conftest import LESSONS, docx_text, pdf_text, per_pack, run_cli, squash

PROFILE = """\
force_name: Testshire Constabulary
officer_name: PC Ada Example
local_contacts:
  - name: Testshire Youth Line
    phone: 01632 960555
    details: Talk to the Testshire schools team.
"""
FILES = ("lesson-plan.pdf", "lesson-plan.docx", "worksheet.pdf", "worksheet.docx",
         "answer-key.pdf", "discussion-guide.docx")


def docx_with_footer(path: Path) -> str:
    footer = docx.Document(str(path)).sections[0].footer
    return docx_text(path) + "\n" + "\n".join(p.text for p in footer.paragraphs)


@pytest.fixture(scope="module")
def pack(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("profile")
    (folder / "testshire.yaml").write_text(PROFILE, encoding="utf-8")
    out = folder / "out"
    result = run_cli("build", "--lessons", str(LESSONS), "--output", str(out), "--profile",
                     str(folder / "testshire.yaml"), "--lesson", "online-blackmail",
                     "--band", "ks3")
    assert result.exit_code == 0, result.output
    return out / "online-blackmail" / "ks3"


@pytest.mark.parametrize("name", FILES)
def test_force_name_and_local_number_are_in_every_document(pack, name):
    path = pack / name
    text = squash(pdf_text(path) if path.suffix == ".pdf" else docx_with_footer(path))
    assert "Testshire Constabulary" in text
    if name.startswith(("worksheet", "lesson-plan")):  # the documents with signposting
        assert "Testshire Youth Line" in text and "01632 960555" in text
    # The bundled profile is replaced, not added to (its force still appears where its
    # advice is credited as a source).
    assert "ask for the Children and Young People team" not in text


@pytest.mark.parametrize("name", [f for f in FILES if f.endswith(".pdf")])
def test_every_pdf_page_names_the_force(pack, name):
    reader = PdfReader(pack / name)
    assert reader.metadata.author == "Testshire Constabulary"
    for number, page in enumerate(reader.pages, 1):
        assert "Testshire Constabulary" in page.extract_text(), f"page {number}"


def test_the_lesson_plan_names_the_officer(pack):
    assert "PC Ada Example" in squash(pdf_text(pack / "lesson-plan.pdf"))


def test_without_profile_the_bundled_one_is_used(built):
    text = squash(pdf_text(built / "online-blackmail" / "ks3" / "worksheet.pdf"))
    assert "Bedfordshire Police" in text


def build_with_profile(tmp_path: Path, text: str):
    profile = tmp_path / "force.yaml"
    profile.write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    result = run_cli("build", "--lessons", str(LESSONS), "--output", str(out),
                     "--profile", str(profile), "--lesson", "online-blackmail", "--band", "ks3")
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert not out.exists()  # nothing written
    return profile, result.output


def test_unknown_profile_field_names_file_line_and_nearest_field(tmp_path):
    profile, output = build_with_profile(tmp_path, PROFILE.replace("officer_name", "oficer_name"))
    assert output == f"{profile}:2: unknown field 'oficer_name'; did you mean 'officer_name'?\n"


def test_wrong_type_in_a_profile_names_file_and_line(tmp_path):
    profile, output = build_with_profile(
        tmp_path, PROFILE.replace("  - name: Testshire Youth Line", "  - name: [Testshire]"))
    assert output == f"{profile}:4: 'name' should be text, not a list\n"


def test_every_profile_problem_is_listed(tmp_path):
    profile, output = build_with_profile(
        tmp_path, "officer_name: PC Ada Example\nlocal_contact: []\n")
    assert output == (f"{profile}:1: missing required field 'force_name'\n"
                      f"{profile}:2: unknown field 'local_contact'; did you mean "
                      "'local_contacts'?\n")


def test_a_missing_profile_file_is_named(tmp_path):
    missing = tmp_path / "nowhere.yaml"
    result = run_cli("build", "--lessons", str(LESSONS), "--output", str(tmp_path / "out"),
                     "--profile", str(missing))
    assert result.exit_code == 1
    assert result.output == f"{missing}: no such file\n"


def _logo(path: Path) -> Path:
    from PIL import Image

    Image.new("RGB", (120, 60), (20, 40, 90)).save(path)
    return path


def test_a_profile_logo_is_printed_in_every_header(tmp_path):
    _logo(tmp_path / "crest.png")
    profile = tmp_path / "force.yaml"
    profile.write_text("force_name: Testshire Constabulary\nlogo: crest.png\n", encoding="utf-8")
    out = tmp_path / "out"
    result = run_cli("build", "--lessons", str(LESSONS), "--output", str(out), "--profile",
                     str(profile), "--lesson", "whos-really-there", "--band", "ks2")
    assert result.exit_code == 0, result.output
    pack = out / "whos-really-there" / "ks2"
    from generator.documents import DOCUMENTS

    # The slips to cut up have no header, so no logo; the certificate has it in a corner.
    no_logo = {d.stem for d in DOCUMENTS if not d.furniture} - {"certificate"}
    assert "feedback-form" in no_logo
    for pdf in pack.glob("*.pdf"):
        for page in PdfReader(pdf).pages:
            assert bool(page.images) != (pdf.stem in no_logo), f"{pdf.name}: logo or not"
    for path in pack.glob("*.docx"):
        header = docx.Document(str(path)).sections[0].header
        assert header._element.xpath(".//pic:pic"), f"{path.name}: no logo in the header"
    # A new logo is a changed input: the pack is rendered again.
    from PIL import Image

    Image.new("RGB", (120, 60), (90, 20, 20)).save(tmp_path / "crest.png")
    again = run_cli("build", "--lessons", str(LESSONS), "--output", str(out), "--profile",
                    str(profile), "--lesson", "whos-really-there", "--band", "ks2")
    assert again.output.startswith(f"Wrote {per_pack('ks2')} documents"), again.output


def test_a_missing_logo_is_named_with_its_line(tmp_path):
    profile = tmp_path / "force.yaml"
    profile.write_text("force_name: Testshire Constabulary\nlogo: crest.png\n", encoding="utf-8")
    result = run_cli("build", "--lessons", str(LESSONS), "--output", str(tmp_path / "out"),
                     "--profile", str(profile), "--lesson", "whos-really-there", "--band", "ks2")
    assert result.exit_code == 1
    assert result.output == (f"{profile}:2: logo 'crest.png' not found (looked for "
                             f"{tmp_path / 'crest.png'}); put the image beside the profile or "
                             "fix the path\n")


# ------------------------------------------------ no silent default, init, field list


def _fields(record) -> set[str]:
    return set(record.model_fields)


def test_init_writes_a_profile_showing_every_field_with_a_comment(tmp_path):
    import yaml

    from generator.model import LocalContact, Profile, SchoolContact

    result = run_cli("init", str(tmp_path / "force"))
    assert result.exit_code == 0, result.output
    path = tmp_path / "force" / "lessons" / "profile.yaml"
    assert f"Put your force's details in {path}" in result.output
    text = path.read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    assert set(data) == _fields(Profile)
    assert set(data["school_contact"]) == _fields(SchoolContact)
    assert set(data["local_contacts"][0]) == _fields(LocalContact)
    lines = text.splitlines()
    for number, line in enumerate(lines):
        if line and not line.startswith((" ", "#")):  # a top-level field
            assert lines[number - 1].startswith("#"), f"no comment above '{line}'"


def test_the_authoring_guide_lists_exactly_the_profile_fields():
    import re

    from generator.model import Profile

    guide = (Path(__file__).resolve().parent.parent / "docs" / "authoring.md").read_text()
    section = guide[guide.index("## Force profile"):guide.index("## Your own templates")]
    listed = set(re.findall(r"^\| `(\w+)` \|", section, re.MULTILINE))
    assert listed == _fields(Profile)


def _build(tmp_path, *args, cwd=None):
    return run_cli("build", "--output", str(tmp_path / "out"), "--lesson", "online-blackmail",
                   "--band", "ks3", *args, cwd=cwd)


def test_a_build_with_the_sample_profile_says_whose_details_it_used(tmp_path):
    assert run_cli("init", str(tmp_path / "force")).exit_code == 0
    result = _build(tmp_path, cwd=tmp_path / "force")
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines() == [
        "No profile given: the documents carry Bedfordshire Police's details, from the sample "
        "lessons/profile.yaml; set your own with --profile FILE (lessonpack init DIR writes "
        "one to fill in)."]


def test_a_build_with_no_profile_at_all_says_so(tmp_path):
    import shutil

    shutil.copytree(LESSONS, tmp_path / "lessons")
    (tmp_path / "lessons" / "profile.yaml").unlink()
    result = _build(tmp_path, "--lessons", str(tmp_path / "lessons"))
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines() == [
        "No profile: the documents say 'Your local police force' and list no local contacts; "
        "set your own with --profile FILE (lessonpack init DIR writes one to fill in)."]


def test_your_own_profile_builds_without_a_note(tmp_path):
    assert run_cli("init", str(tmp_path / "force")).exit_code == 0
    profile = tmp_path / "force" / "lessons" / "profile.yaml"
    profile.write_text(profile.read_text().replace("Bedfordshire Police\n",
                                                   "Northshire Police\n", 1))
    result = _build(tmp_path, cwd=tmp_path / "force")
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    own = tmp_path / "own.yaml"
    own.write_text(PROFILE)
    result = _build(tmp_path, "--lessons", str(LESSONS), "--profile", str(own), "--force")
    assert result.stderr == ""


def test_new_profile_fields_are_read(tmp_path):
    from generator.profile import load_profile

    path = tmp_path / "force.yaml"
    path.write_text(PROFILE + "email: ada.example@testshire.police.uk\nphone: 01632 960000\n"
                    "school_contact:\n  name: Testshire Schools Team\n  email: schools@t.uk\n",
                    encoding="utf-8")
    profile = load_profile(path, LESSONS)
    assert (profile.email, profile.phone) == ("ada.example@testshire.police.uk", "01632 960000")
    assert profile.school_contact.name == "Testshire Schools Team"


@pytest.mark.parametrize("field, hint", [
    ("e-mail", "did you mean 'email'?"),
    ("emial", "did you mean 'email'?"),
    ("force", "did you mean 'force_name'?"),
    ("mobile", "expected one of: force_name, officer_role, officer_name, local_contacts, logo, "
               "email, phone, school_contact"),
])
def test_did_you_mean_suggests_only_near_names(tmp_path, field, hint):
    profile, output = build_with_profile(tmp_path, PROFILE + f"{field}: x\n")
    assert output == f"{profile}:7: unknown field '{field}'; {hint}\n"


def test_a_local_contact_field_that_is_near_nothing_is_not_matched_to_details(tmp_path):
    profile, output = build_with_profile(
        tmp_path, PROFILE + "    mobile: 07700 900000\n")
    assert output == (f"{profile}:7: unknown field 'mobile'; expected one of: name, phone, "
                      "web, details, email\n")


def test_the_advice_is_credited_to_the_force_that_published_it(pack):
    text = squash(docx_text(pack / "discussion-guide.docx"))  # the guide carries the sources
    assert "Based on published police advice (Bedfordshire Police, 6 February 2018)" in text
    assert "Testshire Constabulary" not in text.split("Based on published police advice")[1]
