"""`lessonpack batch`: a bookings CSV in, one personalised pack per row out."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from generator.profile import sample_note

from conftest import (LESSONS, PER_PACK, interrupt_cli_when_paused, pack_files, pdf_text, per_pack,
                      run_cli, squash)

BOOKINGS = Path(__file__).resolve().parent / "fixtures" / "bookings"
GOOD_PACKS = ("2026-03-04-hillside-academy-year-8/online-blackmail/ks3",
              "2026-03-11-oak-tree-primary-year-6/whos-really-there/ks2")
KS2 = per_pack("ks2")  # a Key Stage 2 pack's files: PER_PACK and its certificate


def batch(bookings: Path, output: Path, *args: str):
    return run_cli("batch", str(bookings), "--lessons", str(LESSONS), "--output", str(output),
                   *args)


def files(output: Path) -> dict[str, bytes]:
    return {p.relative_to(output).as_posix(): p.read_bytes()
            for p in sorted(output.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def one_bad_row(tmp_path_factory):
    """one-bad-row.csv built one row at a time: (Click result, output folder)."""
    output = tmp_path_factory.mktemp("batch") / "output"
    return batch(BOOKINGS / "one-bad-row.csv", output, "--jobs", "1"), output


def test_good_rows_build_and_the_bad_row_is_named(one_bad_row):
    result, output = one_bad_row
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0].endswith(
        "one-bad-row.csv:row 3: unknown band 'ks5'; write a band (ks2, ks3, ks4, post16), "
        "a key stage (KS3) or a year group (Year 8)")
    assert result.stderr.splitlines()[-1] == "Built 2 of 3 bookings; 1 failed"
    assert result.stdout.splitlines() == [
        f"[1/2] 2026-03-04 hillside-academy online-blackmail ks3: {PER_PACK} documents",
        f"[2/2] 2026-03-11 oak-tree-primary whos-really-there ks2: {KS2} documents",
        f"Wrote {PER_PACK + KS2} documents to {output}/",
    ]
    for pack, school, class_name in zip(GOOD_PACKS, ("Hillside Academy", "Oak Tree Primary"),
                                        ("Year 8", "Year 6")):
        band = pack.rsplit("/", 1)[-1]
        assert sorted(p.name for p in (output / pack).iterdir()) == sorted(pack_files(band))
        worksheet = squash(pdf_text(output / pack / "worksheet.pdf"))
        assert f"{school} · {class_name}" in worksheet
    assert not any("riverside" in p.name for p in output.iterdir())
    manifest = json.loads((output / "manifest.json").read_text())
    assert sorted(manifest["files"]) == sorted(f"{pack}/{name}" for pack in GOOD_PACKS
                                               for name in pack_files(pack.rsplit("/", 1)[-1]))


def test_rerun_skips_unchanged_documents(one_bad_row, tmp_path):
    _, first = one_bad_row
    output = tmp_path / "output"
    shutil.copytree(first, output)
    before = {p: p.stat().st_mtime_ns for p in output.rglob("*")}
    result = batch(BOOKINGS / "one-bad-row.csv", output, "--jobs", "1")
    assert result.stdout.splitlines() == [
        f"[1/2] 2026-03-04 hillside-academy online-blackmail ks3: 0 documents ({PER_PACK} unchanged)",
        f"[2/2] 2026-03-11 oak-tree-primary whos-really-there ks2: 0 documents ({KS2} unchanged)",
        f"Wrote 0 documents to {output}/ ({PER_PACK + KS2} unchanged)",
    ]
    assert {p: p.stat().st_mtime_ns for p in output.rglob("*")} == before


def test_two_jobs_give_the_same_bytes_as_one(one_bad_row, tmp_path):
    _, one_job = one_bad_row
    result = batch(BOOKINGS / "one-bad-row.csv", tmp_path / "output", "--jobs", "2")
    assert result.exit_code == 1
    assert result.stderr.splitlines()[-1] == "Built 2 of 3 bookings; 1 failed"
    assert files(tmp_path / "output") == files(one_job)


def test_an_edited_document_is_kept_and_the_rest_of_its_booking_is_written(one_bad_row,
                                                                         tmp_path):
    _, first = one_bad_row
    output = tmp_path / "output"
    shutil.copytree(first, output)
    edited = output / GOOD_PACKS[1] / "worksheet.docx"
    edited.write_bytes(b"a teacher's own version")
    plan = output / GOOD_PACKS[1] / "lesson-plan.pdf"
    plan.unlink()  # so one of the others must be written again
    result = batch(BOOKINGS / "one-bad-row.csv", output, "--jobs", "2")
    assert result.exit_code == 1
    assert (f"one-bad-row.csv:row 4: kept {edited} as it is (changed since lessonpack wrote "
            f"it, so it still has the old details); the booking's other {KS2 - 1} documents "
            f"are up to date (1 written, {KS2 - 2} unchanged). Save your copy elsewhere and "
            "run again, or use "
            "--force to replace it") in result.stderr
    assert result.stderr.splitlines()[-1] == (
        "Built 2 of 3 bookings; 1 edited document kept as they were (named above); 1 failed")
    assert edited.read_bytes() == b"a teacher's own version"
    assert plan.is_file()


def test_a_booking_whose_details_changed_writes_all_but_the_edited_document(tmp_path):
    bookings = tmp_path / "bookings.csv"
    bookings.write_text("school,date,band,lesson,class\n"
                        "Oak Tree Primary,2099-03-11,ks2,whos-really-there,Year 6\n",
                        encoding="utf-8")
    output = tmp_path / "output"
    assert batch(bookings, output, "--jobs", "1").exit_code == 0
    pack = output / "2099-03-11-oak-tree-primary-year-6" / "whos-really-there" / "ks2"
    edited = pack / "answer-key.pdf"
    edited.write_bytes(b"a teacher's own key")
    # The school's name corrected: the same folder, new details on every document.
    bookings.write_text(bookings.read_text().replace("Oak Tree Primary", "Oak Tree primary"),
                        encoding="utf-8")
    result = batch(bookings, output, "--jobs", "1")
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == (
        f"{bookings}:row 2: kept {edited} as it is (changed since lessonpack wrote it, so it "
        f"still has the old details); the booking's other {KS2 - 1} documents were written. Save "
        "your copy elsewhere and run again, or use --force to replace it")
    assert result.stderr.splitlines()[-1] == (
        "Built 1 of 1 bookings; 1 edited document kept as they were (named above)")
    assert edited.read_bytes() == b"a teacher's own key"
    assert "Oak Tree primary" in squash(pdf_text(pack / "worksheet.pdf"))


def test_band_and_lesson_as_an_officer_writes_them(tmp_path):
    bookings = tmp_path / "bookings.csv"
    bookings.write_text("school,date,band,lesson,class\n"
                        "Oak Tree Primary,2099-03-11,Year 6,Who's really there?,Oak\n"
                        "Hillside Academy,2099-03-12,KS3,Online blackmail,8B\n"
                        "Hillside Academy,2099-03-13,ks3,online-blackmail,Year 10\n"
                        "Riverside School,2099-03-14,,online-blackmail,Year 12 (Elm)\n",
                        encoding="utf-8")
    result = batch(bookings, tmp_path / "output", "--jobs", "1")
    assert result.stdout.splitlines()[:3] == [
        f"[1/3] 2099-03-11 oak-tree-primary whos-really-there ks2: {KS2} documents",
        f"[2/3] 2099-03-12 hillside-academy online-blackmail ks3: {PER_PACK} documents",
        f"[3/3] 2099-03-14 riverside-school online-blackmail post16: {PER_PACK} documents"]
    assert result.stderr.splitlines()[0] == (
        f"{bookings}:row 4: class 'Year 10' is a ks4 class but band is ks3; correct the band "
        "or the class")


def test_missing_column_stops_before_anything_builds(tmp_path):
    result = batch(BOOKINGS / "missing-column.csv", tmp_path / "output")
    assert result.exit_code == 1
    assert result.stderr.endswith(
        "missing-column.csv: the header row has no 'band' column; the first row must name "
        "the columns: school, date, band, lesson and optionally class and dsl "
        "(found: school, date, lesson, class)\n")
    assert "Traceback" not in result.output
    assert not (tmp_path / "output").exists()


def test_every_bad_value_is_named_with_its_row(tmp_path, monkeypatch):
    monkeypatch.chdir(BOOKINGS)
    result = batch(Path("bad-values.csv"), tmp_path / "output")
    assert result.exit_code == 1
    where = "bad-values.csv"
    assert result.stderr.splitlines() == [
        f"{where}:row 2: unknown lesson 'online-scams'; write a lesson's id or title; ids: "
        "online-blackmail, pressure-images-help, whos-really-there",
        f"{where}:row 3: date '2026-02-30': 30 February 2026 does not exist; check the day",
        f"{where}:row 4: empty school; fill it in (every booking needs a school, date, band "
        "and lesson; a class with its year group, such as Year 8, gives the band)",
        f"{where}:row 5: empty lesson; fill it in (every booking needs a school, date, band "
        "and lesson; a class with its year group, such as Year 8, gives the band)",
        f"{where}:row 7: same school, date, lesson and band as row 6, so both would be written "
        "to 2026-03-11-oak-tree-primary/whos-really-there/ks2/; delete the repeated row, or "
        "build it from another bookings file with another --output folder",
        f"{where}:row 6: warning: date: 11 March 2026 is in the past; the documents will carry "
        "that date (check the year)",
        sample_note(LESSONS),
        "Built 1 of 6 bookings; 5 failed",
    ]


@pytest.mark.parametrize("name", ["excel-utf8.csv", "excel-windows.csv"])
def test_csv_saved_by_excel(tmp_path, name):
    """BOM or Windows-1252, CRLF, UK dates, capitalised and reordered columns, an extra
    column, and (UTF-8) the blank rows Excel leaves below the data."""
    output = tmp_path / "output"
    result = batch(BOOKINGS / name, output)
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[-1] == "Built 1 of 1 bookings"
    pack = output / "2026-03-18-st-marys-c-of-e-primary-year-5" / "pressure-images-help" / "ks2"
    worksheet = squash(pdf_text(pack / "worksheet.pdf"))
    assert "St Mary’s C of E Primary · Year 5 · 18 March 2026" in worksheet


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_ctrl_c_part_way_records_what_was_written_and_a_rerun_finishes(tmp_path, jobs):
    output = tmp_path / "output"
    # Stopped while writing the first pack's tenth document: nine are on disk.
    code, _, stderr = interrupt_cli_when_paused(
        tmp_path / "paused", "generator.output", "write_atomic", 10,
        "batch", str(BOOKINGS / "one-bad-row.csv"), "--lessons", str(LESSONS),
        "--output", str(output), "--jobs", jobs)
    assert code == 1
    assert "Aborted!" in stderr and "Traceback" not in stderr
    on_disk = sorted(name for name in files(output) if name != "manifest.json")
    assert len(on_disk) == 9
    assert sorted(json.loads((output / "manifest.json").read_text())["files"]) == on_disk
    rerun = batch(BOOKINGS / "one-bad-row.csv", output, "--jobs", jobs)
    assert rerun.stdout.splitlines()[-1] == (f"Wrote {PER_PACK + KS2 - 9} documents to {output}/ "
                                             "(9 unchanged)")


def test_a_school_name_the_pdfs_cannot_print_whole_is_a_warning_for_its_row(tmp_path):
    bookings = tmp_path / "bookings.csv"
    bookings.write_text("school,date,band,lesson,class\n"
                        "Ysgol Tŷ Coch,2026-03-04,ks2,whos-really-there,Blwyddyn 6\n"
                        "北京 School,2026-03-05,ks2,whos-really-there,Year 6\n", encoding="utf-8")
    result = batch(bookings, tmp_path / "output", "--jobs", "1")
    assert result.exit_code == 0
    assert result.stderr.splitlines() == [  # row 2's Tŷ prints: no warning for it
        f"{bookings}:row 2: warning: date: 4 March 2026 is in the past; the documents will "
        "carry that date (check the year)",
        f"{bookings}:row 3: warning: date: 5 March 2026 is in the past; the documents will "
        "carry that date (check the year)",
        f"{bookings}:row 3: warning: school: the PDF fonts cannot print 北 (U+5317) 京 (U+4EAC); "
        "the PDFs will leave them out (the Word files keep them): use other characters, or "
        "accept that they are missing from the PDFs",
        sample_note(LESSONS)]


def _longer_ks3_answer_key(tmp_path: Path) -> Path:
    """A templates folder whose answer key runs over its page budget for ks3 only, as a
    school's own marking notes might."""
    from conftest import TEMPLATES

    folder = tmp_path / "templates"
    folder.mkdir()
    source = (TEMPLATES / "answer-key.xml.j2").read_text(encoding="utf-8")
    notes = ('{% if v.band.id == "ks3" %}{% for i in range(80) %}'
             "<p>Marking note {{ i }} for the class teacher.</p>{% endfor %}{% endif %}\n")
    (folder / "answer-key.xml.j2").write_text(source.replace("</document>",
                                                             notes + "</document>"),
                                              encoding="utf-8")
    return folder


def _two_bookings(tmp_path: Path) -> Path:
    bookings = tmp_path / "bookings.csv"
    bookings.write_text("school,date,band,lesson,class\n"
                        "Hillside Academy,2099-03-04,ks3,online-blackmail,Year 8\n"
                        "Oak Tree Primary,2099-03-11,ks2,whos-really-there,Year 6\n",
                        encoding="utf-8")
    return bookings


HILLSIDE_KEY = "2099-03-04-hillside-academy-year-8/online-blackmail/ks3/answer-key.pdf"
OAK_TREE = "2099-03-11-oak-tree-primary-year-6/whos-really-there/ks2"


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_document_over_its_page_budget_is_named_with_its_booking(tmp_path, jobs):
    from pypdf import PdfReader

    from generator.budgets import page_budget

    bookings, output = _two_bookings(tmp_path), tmp_path / "output"
    result = batch(bookings, output, "--templates", str(_longer_ks3_answer_key(tmp_path)),
                   "--jobs", jobs)
    assert result.exit_code == 0, result.output
    pages = len(PdfReader(output / HILLSIDE_KEY).pages)
    budget = page_budget("answer-key", "ks3")
    assert pages > budget
    assert result.stderr.splitlines()[0] == (
        f"{bookings}:row 2: warning: Hillside Academy: {HILLSIDE_KEY}: {pages} pages, over "
        f"its budget of {budget} pages")
    assert not [line for line in result.stderr.splitlines() if ":row 3:" in line]
    assert result.stdout.splitlines()[-1] == (
        "Built 2 of 2 bookings; 1 document over its page budget (named above)")
    # The other booking's key is within its budget, and both packs are whole.
    assert len(PdfReader(output / OAK_TREE / "answer-key.pdf").pages) <= page_budget(
        "answer-key", "ks2")
    assert sorted(p.name for p in (output / HILLSIDE_KEY).parent.iterdir()) == sorted(
        pack_files("ks3"))
    # A rerun that writes nothing still names it.
    rerun = batch(bookings, output, "--templates", str(tmp_path / "templates"), "--jobs", jobs)
    assert rerun.stderr.splitlines()[0] == result.stderr.splitlines()[0]


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_strict_fails_the_booking_over_budget_and_builds_the_others(tmp_path, jobs):
    from generator.budgets import page_budget

    bookings, output = _two_bookings(tmp_path), tmp_path / "output"
    result = batch(bookings, output, "--templates", str(_longer_ks3_answer_key(tmp_path)),
                   "--strict", "--jobs", jobs)
    assert result.exit_code == 1
    budget = page_budget("answer-key", "ks3")
    failure = [line for line in result.stderr.splitlines() if line.startswith(f"{bookings}:")]
    assert len(failure) == 1
    assert failure[0].startswith(f"{bookings}:row 2: Hillside Academy: {HILLSIDE_KEY}: ")
    assert failure[0].endswith(f" pages, over its budget of {budget} pages (--strict: nothing "
                               "of this booking is written)")
    assert result.stderr.splitlines()[-1] == "Built 1 of 2 bookings; 1 failed"
    assert "Traceback" not in result.output
    assert not (output / HILLSIDE_KEY).parent.parent.parent.exists()
    assert sorted(p.name for p in (output / OAK_TREE).iterdir()) == sorted(pack_files("ks2"))
    manifest = json.loads((output / "manifest.json").read_text())
    assert sorted(manifest["files"]) == sorted(f"{OAK_TREE}/{name}"
                                               for name in pack_files("ks2"))
