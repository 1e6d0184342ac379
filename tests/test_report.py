"""`lessonpack report`: the term's reach from the bookings file, as a table, report.csv
and report.pdf; spreadsheet formulas neutralised; a bad row named and nothing written."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from pypdf import PdfReader

from conftest import LESSONS, run_cli, squash

TERM = """\
school,date,band,lesson,class,pupils,baseline_confident,end_confident
St Mary's C of E Primary School and Nursery,12/01/2027,Year 6,Who's really there?,Year 6 (Oak),28,9,22
Hillside Academy,2027-01-14,KS3,online-blackmail,Year 8,30,,
Ysgol Gymraeg Tŷ Coch,2027-02-02,ks4,online-blackmail,Year 10 (Oak) and Year 11 (Ash),52,20,41
Hillside Academy,2027-02-09,ks3,whos-really-there,8B,,,
"""


def report(tmp_path: Path, text: str, *args: str):
    bookings = tmp_path / "term.csv"
    bookings.write_text(text, encoding="utf-8")
    result = run_cli("report", str(bookings), "--lessons", str(LESSONS),
                     "-o", str(tmp_path / "report"), *args)
    return bookings, result


@pytest.fixture(scope="module")
def term(tmp_path_factory):
    folder = tmp_path_factory.mktemp("report")
    bookings, result = report(folder, TERM)
    assert result.exit_code == 0, result.output
    return folder / "report", result


def test_the_terminal_table_counts_sessions_schools_pupils_and_confidence(term):
    _, result = term
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["Sessions", "Schools", "Pupils", "Confident", "before",
                                "Confident", "after"]
    table = {line.strip().rsplit(None, 5)[0]: line.split()[-5:] for line in lines[1:]
             if len(line.split()) > 5}
    assert table["All sessions"] == ["4", "3", "110", "36%", "79%"]
    assert table["Online blackmail"] == ["2", "2", "82", "38%", "79%"]
    assert table["Who's really there?"] == ["2", "2", "28", "32%", "79%"]
    assert table["ks3 (Key Stage 3)"] == ["2", "1", "30", "-", "-"]
    assert table["January 2027"] == ["2", "2", "58", "32%", "79%"]
    assert table["February 2027"] == ["2", "2", "52", "38%", "79%"]
    assert table["Ysgol Gymraeg Tŷ Coch"] == ["1", "1", "52", "38%", "79%"]
    assert "Pupils counted at 3 of 4 sessions" in result.stdout
    assert lines[-1] == (f"Wrote {term[0] / 'report.csv'} and {term[0] / 'report.pdf'}")


def test_report_csv_has_one_line_per_group(term):
    folder, _ = term
    rows = list(csv.reader(io.StringIO((folder / "report.csv").read_text("utf-8-sig"))))
    assert rows[0] == ["group", "name", "sessions", "schools", "pupils",
                       "confident_before_percent", "confident_after_percent"]
    assert ["total", "All sessions", "4", "3", "110", "36", "79"] in rows
    assert ["band", "ks3 (Key Stage 3)", "2", "1", "30", "", ""] in rows
    assert ["school", "Hillside Academy", "2", "1", "30", "", ""] in rows
    assert [r[0] for r in rows[1:]] == (["total"] + ["lesson"] * 2 + ["band"] * 3
                                        + ["month"] * 2 + ["school"] * 3)


def test_report_pdf_has_the_tables_and_charts(term):
    folder, _ = term
    reader = PdfReader(folder / "report.pdf")
    text = squash(" ".join(page.extract_text() for page in reader.pages))
    for words in ("the term's reach", "4 sessions in 3 schools, 110 pupils", "By lesson",
                  "By band", "By month", "By school", "Ysgol Gymraeg Tŷ Coch",
                  "St Mary's C of E Primary School and Nursery",
                  "Pupils reached by month", "Pupils reached by lesson",
                  "Pupils confident before and after (%), by lesson"):
        assert words in text, words
    assert len(reader.pages) <= 3


@pytest.mark.parametrize("school", ['=HYPERLINK("http://example.com","Click")', "+44 1632",
                                    "-2+3", "@SUM(A1)", "\tTabbed", "\rReturn"])
def test_a_cell_a_spreadsheet_would_run_is_neutralised(tmp_path, school):
    out = io.StringIO()
    csv.writer(out).writerows([["school", "date", "band", "lesson", "pupils"],
                               [school, "2027-01-14", "ks3", "online-blackmail", "30"]])
    text = out.getvalue()
    _, result = report(tmp_path, text)
    assert result.exit_code == 0, result.output
    rows = list(csv.reader(io.StringIO((tmp_path / "report" / "report.csv")
                                       .read_text("utf-8-sig"))))
    names = [row[1] for row in rows if row[0] == "school"]
    cleaned = " ".join(school.split())  # as the bookings reader cleans every cell
    assert names == ["'" + cleaned] if cleaned[0] in "=+-@" else names == [cleaned]
    assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r"))
                   for row in rows for cell in row)


def test_neutralise_follows_owasp():
    from generator.report import neutralise

    assert [neutralise(c) for c in ("=1+2", "+1", "-1", "@x", "\tx", "\rx", "Hillside", 5)] \
        == ["'=1+2", "'+1", "'-1", "'@x", "'\tx", "'\rx", "Hillside", 5]


@pytest.mark.parametrize("row, message", [
    ("Hillside,2027-01-14,ks3,online-blackmail,twenty,,",
     "row 2: pupils 'twenty' is not a whole number; write the number of pupils present "
     "(e.g. 28), or leave it empty"),
    ("Hillside,2027-01-14,ks3,online-blackmail,20,25,",
     "row 2: baseline_confident is 25, more than the 20 pupils present; write at most 20"),
    ("Hillside,2027-01-14,ks3,online-blackmail,,5,",
     "row 2: baseline_confident is 5 but pupils is empty; fill in the number of pupils "
     "present, so the share can be worked out"),
    ("Hillside,2027-01-14,ks3,online-blackmail,20,5,-3",
     "row 2: end_confident '-3' is not a whole number; write the number of pupils counted "
     "for end_confident (e.g. 28), or leave it empty"),
    ("Hillside,2027-01-14,ks5,online-blackmail,20,,",
     "row 2: unknown band 'ks5'; write a band (ks2, ks3, ks4, post16), a key stage (KS3) or "
     "a year group (Year 8)"),
])
def test_a_bad_row_is_named_and_nothing_is_written(tmp_path, row, message):
    old = tmp_path / "report" / "report.csv"
    old.parent.mkdir()
    old.write_bytes(b"last term's report")
    bookings, result = report(
        tmp_path, "school,date,band,lesson,pupils,baseline_confident,end_confident\n"
                  f"{row}\n")
    assert result.exit_code == 1
    assert result.output == f"{bookings}:{message}\n"
    assert old.read_bytes() == b"last term's report"
    assert sorted(p.name for p in old.parent.iterdir()) == ["report.csv"]


def test_every_bad_row_is_listed_in_row_order(tmp_path):
    bookings, result = report(
        tmp_path, "school,date,band,lesson,pupils\n"
                  "Hillside,2027-01-14,ks3,online-blackmail,lots\n"
                  "Hillside,31/02/2027,ks3,online-blackmail,20\n")
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        f"{bookings}:row 2: pupils 'lots' is not a whole number; write the number of pupils "
        "present (e.g. 28), or leave it empty",
        f"{bookings}:row 3: date '31/02/2027': 31 February 2027 does not exist; check the day"]
    assert not (tmp_path / "report").exists()


def test_an_output_that_is_a_file_is_refused(tmp_path):
    (tmp_path / "report").write_text("not a folder")
    _, result = report(tmp_path, TERM)
    assert result.exit_code == 1
    assert result.output.splitlines()[-1] == (
        f"{tmp_path / 'report'}: is a file, not a folder; choose another -o/--output folder")
