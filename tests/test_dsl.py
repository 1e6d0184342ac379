"""The school's Designated Safeguarding Lead, named per visit (`build --dsl`, a bookings
file's `dsl` column): where pupils, parents and staff are told whom to go to, the name is
printed; without it the documents say "the Designated Safeguarding Lead"."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from conftest import LESSONS, PER_PACK, docx_text, pdf_text, run_cli, squash
from generator import cache
from generator.build import BuildOptions
from generator.session import Session

LONG = "Mrs Angharad Llewellyn-Pritchard"  # 32 characters
ONE_LESSON = ("--lesson", "whos-really-there")


def build(output: Path, *args: str):
    return run_cli("build", "--lessons", str(LESSONS), "--output", str(output), *ONE_LESSON,
                   *args)


def help_slide(deck: Path):
    """(text, notes) of the deck's "Where to get help" slide."""
    from pptx import Presentation

    for slide in Presentation(str(deck)).slides:
        if slide.shapes.title.text_frame.text == "Where to get help":
            text = "\n".join(shape.text_frame.text for shape in slide.shapes
                             if shape.has_text_frame)
            return text, slide.notes_slide.notes_text_frame.text
    pytest.fail(f"{deck} has no 'Where to get help' slide")


def pages(path: Path) -> int:
    from pypdf import PdfReader

    return len(PdfReader(path).pages)


@pytest.fixture(scope="module")
def named(tmp_path_factory) -> dict[str, Path]:
    """Packs for a ks2 and a ks3 class whose school names its DSL: band -> pack folder."""
    output = tmp_path_factory.mktemp("dsl") / "output"
    packs = {}
    for band, class_name, school in (("ks2", "Year 6", "Oak Tree Primary"),
                                     ("ks3", "Year 8", "Hillside Academy")):
        result = build(output, "--school", school, "--date", "2099-01-12",
                       "--class", class_name, "--dsl", LONG)
        assert result.exit_code == 0, result.output
        folder = f"2099-01-12-{school.lower().replace(' ', '-')}-{class_name.lower().replace(' ', '-')}"
        packs[band] = output / folder / "whos-really-there" / band
    return packs


def test_the_signposting_slide_names_the_dsl_in_the_bands_words(named):
    text, notes = help_slide(named["ks2"] / "slides.pptx")
    assert (f"At school, you can talk to {LONG}: keeping children safe is their job."
            in text.splitlines())
    assert "Designated Safeguarding Lead" not in text  # ks2: the job, not the title
    text, notes = help_slide(named["ks3"] / "slides.pptx")
    assert (f"Or talk to an adult you trust, such as a parent or carer, or {LONG}, the "
            "Designated Safeguarding Lead here." in text.splitlines())
    assert f"including {LONG}, the Designated Safeguarding Lead, are there to help" in notes


def test_the_letter_names_the_dsl_on_one_page(named):
    for band, pack in named.items():
        line = f"the school's Designated Safeguarding Lead, {LONG}."
        assert line in squash(pdf_text(pack / "parent-letter.pdf")), band
        assert line in squash(docx_text(pack / "parent-letter.docx")), band
        assert pages(pack / "parent-letter.pdf") == 1, band


def test_the_briefing_says_who_hears_a_disclosure_on_two_pages(named):
    for band, pack in named.items():
        text = squash(pdf_text(pack / "school-briefing.pdf"))
        assert f"between the DSL ({LONG}), the class teacher and the officer" in text, band
        assert (f"Whoever hears it, the officer included, writes down what was said, in the "
                f"pupil's words, with the date and time, and tells {LONG} at once" in text), band
        assert pages(pack / "school-briefing.pdf") == 2, band


def test_the_trusted_adult_card_and_the_plan_name_the_dsl(named):
    ks2 = squash(pdf_text(named["ks2"] / "cards.pdf"))
    assert f"At school: {LONG}, whose job is keeping children safe" in ks2
    ks3 = squash(pdf_text(named["ks3"] / "cards.pdf"))
    assert f"At school: {LONG}, the Designated Safeguarding Lead" in ks3
    plan = squash(pdf_text(named["ks3"] / "lesson-plan.pdf"))
    assert f"DSL today: {LONG}" in plan


def test_without_a_dsl_the_wording_is_generic(built):
    pack = built / "whos-really-there" / "ks3"
    text, notes = help_slide(pack / "slides.pptx")
    assert ("Or talk to a trusted adult: a parent or carer, a teacher, or another adult you "
            "feel safe with." in text.splitlines())
    assert "Designated Safeguarding Lead here" not in text
    assert "school staff, including the Designated Safeguarding Lead, are there" in notes
    letter = squash(pdf_text(pack / "parent-letter.pdf"))
    assert "the school's Designated Safeguarding Lead. The school's RSHE policy" in letter
    briefing = squash(pdf_text(pack / "school-briefing.pdf"))
    assert "between the DSL, the class teacher and the officer" in briefing
    assert "Whoever hears it writes down what was said" in briefing
    assert "and tells the DSL at once" in briefing
    assert "At school:" not in squash(pdf_text(pack / "cards.pdf"))
    assert "DSL today: ______________" in squash(pdf_text(pack / "lesson-plan.pdf"))


def test_a_new_dsl_renders_the_pack_again_in_the_same_folder(tmp_path):
    output = tmp_path / "output"
    args = ("--school", "Hillside Academy", "--class", "Year 8", "--date", "2099-01-12")
    folder = output / "2099-01-12-hillside-academy-year-8"
    assert build(output, *args, "--dsl", "Mrs A. Patel").exit_code == 0
    again = build(output, *args, "--dsl", "Mrs A. Patel")
    assert f"Wrote 0 documents to {folder}/ ({PER_PACK} unchanged)" in again.stdout
    changed = build(output, *args, "--dsl", "Mr B. Okafor")
    assert f"Wrote {PER_PACK} documents to {folder}/\n" in changed.stdout
    letter = squash(pdf_text(folder / "whos-really-there" / "ks3" / "parent-letter.pdf"))
    assert "Mr B. Okafor" in letter and "Patel" not in letter
    assert sorted(p.name for p in output.iterdir()) == [
        "2099-01-12-hillside-academy-year-8", "_index", "index.html", "manifest.json"]


def test_the_dsl_is_in_the_build_key_and_every_document_digest():
    base = BuildOptions(lessons_dir=LESSONS, output_dir=Path("out"), templates=(),
                        session=Session(school="Hillside Academy"))
    other = dataclasses.replace(base, session=Session(school="Hillside Academy",
                                                      dsl="Mrs A. Patel"))
    assert cache.build_key(other) != cache.build_key(base)
    assert cache.document_options_key(other) != cache.document_options_key(base)


def test_a_dsl_alone_never_writes_the_generic_pack(tmp_path):
    result = build(tmp_path / "output", "--band", "ks4", "--dsl", "Mrs A. Patel")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "output" / "dsl-mrs-a-patel" / "whos-really-there" / "ks4").is_dir()
    assert not (tmp_path / "output" / "whos-really-there").exists()


@pytest.mark.parametrize("value, message", [
    ("", "--dsl is empty; give the school's Designated Safeguarding Lead's name "
         "(e.g. \"Mrs A. Patel\"), or leave it out"),
    ("  ", "--dsl is empty; give the school's Designated Safeguarding Lead's name "
           "(e.g. \"Mrs A. Patel\"), or leave it out"),
    ("Mrs Angharad Llewellyn-Pritchard, Deputy Head",
     "--dsl 'Mrs Angharad Llewellyn-Pritcha…' is 45 characters long; give the lead's name "
     "alone, at most 40 characters (e.g. \"Mrs A. Patel\"), so the letter home keeps to one "
     "page"),
])
def test_a_bad_dsl_is_one_line_and_writes_nothing(tmp_path, value, message):
    result = build(tmp_path / "output", "--class", "Year 8", "--dsl", value)
    assert result.exit_code == 1
    assert result.output == message + "\n"
    assert not (tmp_path / "output").exists()


def test_a_placeholder_names_no_one_with_a_warning(tmp_path):
    result = build(tmp_path / "output", "--class", "Year 8", "--dsl", "TBC",
                   "--documents", "parent-letter")
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines()[0] == (
        "--dsl: warning: 'TBC' is not a name, so the pack names no safeguarding lead (it says "
        "\"the Designated Safeguarding Lead\"); give the name when it is known and build again")
    letter = squash(pdf_text(tmp_path / "output" / "year-8" / "whos-really-there" / "ks3"
                             / "parent-letter.pdf"))
    assert "the school's Designated Safeguarding Lead. The school's RSHE policy" in letter


def test_the_bookings_dsl_column(tmp_path):
    bookings = tmp_path / "bookings.csv"
    bookings.write_text(
        "School,Date,Band,Lesson,Class,DSL\n"
        "Hillside Academy,2099-03-04,ks3,whos-really-there,Year 8,Mr B. Okafor\n"
        "Oak Tree Primary,2099-03-11,ks2,whos-really-there,Year 6,\n"
        "Elm Primary,2099-03-12,ks2,whos-really-there,Year 5,tbc\n"
        f"Riverside School,2099-03-12,ks4,whos-really-there,Year 10,{LONG} (Deputy Head)\n",
        encoding="utf-8")
    output = tmp_path / "output"
    result = run_cli("batch", str(bookings), "--lessons", str(LESSONS), "--output",
                     str(output), "--jobs", "1")
    assert result.exit_code == 1
    assert result.stderr.splitlines()[:2] == [
        f"{bookings}:row 5: dsl 'Mrs Angharad Llewellyn-Pritcha…' is 46 characters long; give "
        "the lead's name alone, at most 40 characters (e.g. \"Mrs A. Patel\"), so the letter "
        "home keeps to one page",
        f"{bookings}:row 4: warning: dsl: 'tbc' is not a name, so the pack names no "
        "safeguarding lead (it says \"the Designated Safeguarding Lead\"); give the name when "
        "it is known and build again",
    ]
    assert result.stderr.splitlines()[-1] == "Built 3 of 4 bookings; 1 failed"

    def letter(folder: str, band: str) -> str:
        return squash(pdf_text(output / folder / "whos-really-there" / band
                               / "parent-letter.pdf"))

    assert ("the school's Designated Safeguarding Lead, Mr B. Okafor."
            in letter("2099-03-04-hillside-academy-year-8", "ks3"))
    for folder in ("2099-03-11-oak-tree-primary-year-6", "2099-03-12-elm-primary-year-5"):
        assert ("the school's Designated Safeguarding Lead. The school's RSHE policy"
                in letter(folder, "ks2"))
    assert not any("riverside" in p.name for p in output.iterdir())


def test_the_report_reads_a_bookings_file_whatever_its_dsl_column_holds(tmp_path):
    bookings = tmp_path / "bookings.csv"
    bookings.write_text(
        "school,date,band,lesson,dsl\n"
        f"Riverside School,2099-03-12,ks4,whos-really-there,{LONG} (Deputy Head)\n",
        encoding="utf-8")
    result = run_cli("report", str(bookings), "--lessons", str(LESSONS), "-o",
                     str(tmp_path / "report"))
    assert result.exit_code == 0, result.output
