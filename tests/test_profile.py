"""The force profile (--profile FILE, else lessons/profile.yaml): the force's name and
local contacts on every document of a pack, and a clear message for a bad profile."""

from __future__ import annotations

from pathlib import Path

import docx
import pytest
from pypdf import PdfReader

from conftest import LESSONS, docx_text, pdf_text, run_cli, squash

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
    for pdf in pack.glob("*.pdf"):
        for page in PdfReader(pdf).pages:
            assert page.images, f"{pdf.name}: a page without the logo"
    for path in pack.glob("*.docx"):
        header = docx.Document(str(path)).sections[0].header
        assert header._element.xpath(".//pic:pic"), f"{path.name}: no logo in the header"
    # A new logo is a changed input: the pack is rendered again.
    from PIL import Image

    Image.new("RGB", (120, 60), (90, 20, 20)).save(tmp_path / "crest.png")
    again = run_cli("build", "--lessons", str(LESSONS), "--output", str(out), "--profile",
                    str(profile), "--lesson", "whos-really-there", "--band", "ks2")
    assert again.output.startswith("Wrote 6 documents"), again.output


def test_a_missing_logo_is_named_with_its_line(tmp_path):
    profile = tmp_path / "force.yaml"
    profile.write_text("force_name: Testshire Constabulary\nlogo: crest.png\n", encoding="utf-8")
    result = run_cli("build", "--lessons", str(LESSONS), "--output", str(tmp_path / "out"),
                     "--profile", str(profile), "--lesson", "whos-really-there", "--band", "ks2")
    assert result.exit_code == 1
    assert result.output == (f"{profile}:2: logo 'crest.png' not found (looked for "
                             f"{tmp_path / 'crest.png'}); put the image beside the profile or "
                             "fix the path\n")
