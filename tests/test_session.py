"""A session's details as the officer types them: the class chooses the band, dates as
batch reads them, and the pack goes into the session's own folder."""

from __future__ import annotations

import datetime as dt

import pytest

from generator.session import ClassError, band_for_class, class_years

from conftest import LESSONS, PER_PACK, per_pack, run_cli

ONE_LESSON = ("--lesson", "whos-really-there")


@pytest.mark.parametrize("class_name, years, band", [
    ("Year 5", [5], "ks2"),
    ("Year 6 (Oak)", [6], "ks2"),
    ("Year 7", [7], "ks3"),
    ("Y8", [8], "ks3"),
    ("Yr 8", [8], "ks3"),
    ("8B" , [], None),
    ("S2", [9], "ks3"),
    ("P7 Rowan", [7], "ks3"),
    ("Blwyddyn 8", [8], "ks3"),
    ("Year 9", [9], "ks3"),
    ("Year 10 (Oak) and Year 11 (Ash)", [10, 11], "ks4"),
    ("Years 10 and 11", [10, 11], "ks4"),
    ("Y10/11", [10, 11], "ks4"),
    ("Year 12", [12], "post16"),
    ("Yr 13 tutor group", [13], "post16"),
    ("Oak", [], None),
])
def test_a_class_name_gives_its_band(class_name, years, band):
    assert class_years(class_name) == years
    assert band_for_class(class_name) == band


@pytest.mark.parametrize("class_name, message", [
    ("Year 9 and Year 10", "'Year 9 and Year 10' spans two age bands (ks3 and ks4); build "
                           "each year group as its own session"),
    ("Year 3", "'Year 3': Year 3 is in no age band (lessonpack's bands cover Years 5 to 13); "
               "check the class"),
])
def test_a_class_in_no_band_or_two_is_refused(class_name, message):
    with pytest.raises(ClassError) as err:
        band_for_class(class_name)
    assert str(err.value) == message


def build(tmp_path, *args):
    return run_cli("build", "--lessons", str(LESSONS), "--output", str(tmp_path / "output"),
                   *args)


def test_the_class_chooses_the_band_and_the_folder_is_named(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = run_cli("build", "--lessons", str(LESSONS), *ONE_LESSON,
                     "--school", "St Mary's C of E Primary", "--class", "Year 6 Oak",
                     "--date", "12/01/2099")
    assert result.exit_code == 0, result.output
    assert result.stdout == (f"Wrote {per_pack('ks2')} documents to "
                             "output/2099-01-12-st-marys-c-of-e-primary-year-6-oak/\n")
    folder = tmp_path / "output" / "2099-01-12-st-marys-c-of-e-primary-year-6-oak"
    assert [p.name for p in (folder / "whos-really-there").iterdir()] == ["ks2"]
    assert sorted(p.name for p in (tmp_path / "output").iterdir()) == [
        "2099-01-12-st-marys-c-of-e-primary-year-6-oak", "_index", "index.html",
        "manifest.json"]


def test_a_class_alone_never_writes_the_generic_pack(tmp_path):
    result = build(tmp_path, *ONE_LESSON, "--class", "Y8")
    assert result.exit_code == 0, result.output
    assert f"Wrote {PER_PACK} documents to {tmp_path / 'output' / 'y8'}/" in result.stdout
    assert not (tmp_path / "output" / "whos-really-there").exists()
    assert (tmp_path / "output" / "y8" / "whos-really-there" / "ks3").is_dir()


@pytest.mark.parametrize("args, message", [
    (("--class", "Year 10", "--band", "ks3"),
     "--class 'Year 10' is a ks4 class but --band ks3 was given; drop --band (the class "
     "chooses it) or correct the class"),
    (("--class", "Oak"),
     "--class 'Oak' names no year group, so lessonpack cannot tell which band to build; add "
     "the year (\"Year 8 Oak\") or --band ks2, ks3, ks4 or post16"),
    (("--class", "Year 9 and Year 10"),
     "--class 'Year 9 and Year 10' spans two age bands (ks3 and ks4); build each year group "
     "as its own session"),
    (("--date", "31/02/2099"), "--date '31/02/2099': 31 February 2099 does not exist; check "
                               "the day"),
    (("--date", "2099-31-01"), "--date '2099-31-01' has no month 31; write it as YYYY-MM-DD "
                               "(e.g. 2027-01-12) or DD/MM/YYYY (e.g. 12/01/2027)"),
    (("--date", "next tuesday"), "--date 'next tuesday' is not a date lessonpack reads; write "
                                 "it as YYYY-MM-DD (e.g. 2027-01-12) or DD/MM/YYYY "
                                 "(e.g. 12/01/2027)"),
])
def test_bad_session_details_are_one_line_and_write_nothing(tmp_path, args, message):
    result = build(tmp_path, *ONE_LESSON, *args)
    assert result.exit_code == 1
    assert result.output == message + "\n"
    assert not (tmp_path / "output").exists()


def test_a_band_is_kept_when_the_class_names_no_year(tmp_path):
    result = build(tmp_path, *ONE_LESSON, "--class", "Oak", "--band", "ks4")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "output" / "oak" / "whos-really-there" / "ks4").is_dir()


def test_dates_are_read_as_batch_reads_them_and_a_past_date_is_a_warning(tmp_path):
    result = build(tmp_path, *ONE_LESSON, "--class", "Year 6", "--date", "04/03/2026")
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines()[0] == (
        "--date: warning: 4 March 2026 is in the past; the documents will carry that date "
        "(check the year)")
    assert (tmp_path / "output" / "2026-03-04-year-6").is_dir()
    future = dt.date.today() + dt.timedelta(days=30)
    result = build(tmp_path, *ONE_LESSON, "--class", "Year 6", "--date", future.isoformat())
    assert "in the past" not in result.output


def month_first(tmp_path):
    bookings = tmp_path / "us.csv"
    bookings.write_text("school,date,band,lesson\n"
                        "Hillside Academy,12/31/2099,ks3,whos-really-there\n"
                        "Oak Tree Primary,01/04/2099,ks2,whos-really-there\n", encoding="utf-8")
    return bookings


def test_a_bookings_file_written_month_first_is_refused_and_names_the_option(tmp_path):
    bookings = month_first(tmp_path)
    result = run_cli("batch", str(bookings), "--lessons", str(LESSONS),
                     "--output", str(tmp_path / "output"))
    assert result.exit_code == 1
    assert result.output == (
        f"{bookings}:row 2: the dates are written month first ('12/31/2099' has no month 31), "
        "as US Excel saves them; run again with --month-first to read every date that way, "
        "or write them as YYYY-MM-DD\n")
    assert not (tmp_path / "output").exists()


def test_month_first_reads_them(tmp_path):
    bookings = month_first(tmp_path)
    result = run_cli("batch", str(bookings), "--lessons", str(LESSONS), "--jobs", "1",
                     "--output", str(tmp_path / "output"), "--month-first")
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (tmp_path / "output").iterdir()) == [
        "2099-01-04-oak-tree-primary", "2099-12-31-hillside-academy", "_index", "index.html",
        "manifest.json"]


def test_with_month_first_a_day_first_date_is_named(tmp_path):
    bookings = month_first(tmp_path)
    bookings.write_text(bookings.read_text() + "Riverside School,25/12/2099,ks4,"
                        "whos-really-there\n", encoding="utf-8")
    result = run_cli("batch", str(bookings), "--lessons", str(LESSONS), "--jobs", "1",
                     "--output", str(tmp_path / "output"), "--month-first")
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == (
        f"{bookings}:row 4: date '25/12/2099' has no month 25: with --month-first, write it "
        "as MM/DD/YYYY (e.g. 01/12/2027) or YYYY-MM-DD")
