"""Headers and footers never lose text: with the longest realistic school, class, date,
force and logo, every word prints on every page of every document and print variant."""

from __future__ import annotations

from pathlib import Path

import docx
import pytest
from pypdf import PdfReader

from conftest import LESSONS, run_cli, squash

SCHOOL = "Ysgol Uwchradd Gymraeg Bro Morgannwg a Chanolfan Adnoddau Dysgu"  # 63 characters
CLASS = "Year 10 (Oak) and Year 11 (Ash)"
FORCE = "Heddlu Dyfed-Powys Police · Dyfed-Powys Police"
LESSON = "pressure-images-help"
VARIANTS = {
    "a4": (),
    "letter": ("--paper", "letter"),
    "large-print": ("--large-print",),
    "dyslexia-friendly": ("--dyslexia-friendly",),
}


@pytest.fixture(scope="module")
def packs(tmp_path_factory) -> dict[str, Path]:
    from PIL import Image

    folder = tmp_path_factory.mktemp("headers")
    Image.new("RGB", (300, 120), (20, 40, 90)).save(folder / "crest.png")
    (folder / "force.yaml").write_text(f"force_name: {FORCE}\nlogo: crest.png\n",
                                       encoding="utf-8")
    out = folder / "out"
    found = {}
    for name, args in VARIANTS.items():
        result = run_cli("build", "--lessons", str(LESSONS), "--output", str(out),
                         "--profile", str(folder / "force.yaml"), "--lesson", LESSON,
                         "--school", SCHOOL, "--class", CLASS, "--date", "12/01/2099", *args)
        assert result.exit_code == 0, result.output
        found[name] = next(out.glob(f"*/{LESSON}/ks4"))
    return found


def _title() -> str:
    from generator.content.loader import load_library

    library, _ = load_library(LESSONS)
    return library.lessons[LESSON].bands["ks4"].title  # the band's title heads its pages


def _files(folder: Path, variant: str, suffix: str) -> list[Path]:
    """The documents of one print variant: 'worksheet-letter.pdf'; for A4, 'worksheet.pdf'."""
    names = [p for p in sorted(folder.glob(f"*.{suffix}"))]
    if variant == "a4":
        return [p for p in names if not any(p.stem.endswith(f"-{v}") for v in VARIANTS)]
    return [p for p in names if p.stem.endswith(f"-{variant}")]


FOOTER = f"{FORCE} · {SCHOOL} · {CLASS} · 12 January 2099"


def _cut_up() -> set[str]:
    """Documents printed to be cut up and handed out (feedback slips, certificates): a
    page of their own, with no header or footer."""
    from generator.documents import DOCUMENTS

    return {d.stem for d in DOCUMENTS if not d.furniture}


@pytest.mark.parametrize("variant", VARIANTS)
def test_every_pdf_page_prints_the_whole_header_and_footer(packs, variant):
    title = _title()
    pdfs = _files(packs[variant], variant, "pdf")
    assert len(pdfs) >= 3
    cut_up = _cut_up()
    assert "feedback-form" in cut_up
    for pdf in pdfs:
        for number, page in enumerate(PdfReader(pdf).pages, 1):
            text = squash(page.extract_text())
            where = f"{pdf.name} page {number}"
            if any(pdf.stem.startswith(stem) for stem in cut_up):
                assert FOOTER not in text and "Page 1" not in text, where
                continue
            assert FOOTER in text, where
            assert title in text, where
            assert "…" not in text, where
            assert "Key Stage 4 · ages 14–16" in text, where


@pytest.mark.parametrize("variant", VARIANTS)
def test_the_word_files_header_and_footer_hold_every_word(packs, variant):
    docs = _files(packs[variant], variant, "docx")
    assert len(docs) >= 3
    for path in docs:
        section = docx.Document(str(path)).sections[0]
        header = squash(" ".join(p.text for p in section.header.paragraphs))
        footer = squash(" ".join(p.text for p in section.footer.paragraphs))
        assert _title() in header and "Key Stage 4" in header, path.name
        assert FOOTER in footer, path.name


def test_the_worksheet_class_field_prints_the_whole_class(packs):
    first = squash(PdfReader(packs["large-print"] / "worksheet-large-print.pdf")
                   .pages[0].extract_text())
    assert f"Class: {CLASS}" in first
    assert "Date: 12 January 2099" in first


def test_wrapping_keeps_every_word_and_every_letter():
    from generator.render.pdf.text import _wrap

    assert _wrap("Bedfordshire Police", "Helvetica", 10, 400) == ["Bedfordshire Police"]
    assert _wrap("a b c", "Helvetica", 10, 12) == ["a", "b", "c"]
    long = "Llanfairpwllgwyngyllgogerychwyrndrobwllllantysiliogogogoch"
    lines = _wrap(long, "Helvetica", 10, 100)
    assert len(lines) > 1 and "".join(lines) == long  # broken, never cut off


def test_a_footer_breaks_between_its_parts_not_inside_a_date():
    from generator.render.pdf.text import _wrap_parts

    footer = "Bedfordshire Police · St Mary's C of E Primary School · Year 6 (Oak) · 12 January 2027"
    lines = _wrap_parts(footer, "Helvetica", 10, 300)
    assert " ".join(lines) == footer
    for part in ("Year 6 (Oak)", "12 January 2027"):
        assert any(part in line for line in lines), (part, lines)


def test_a_footers_later_lines_may_be_wider_than_its_first():
    from generator.render.pdf.text import _text_width, _wrap_parts

    footer = "Bedfordshire Police · St Mary's C of E Primary and Nursery School · Year 6 · 12 January 2027"
    lines = _wrap_parts(footer, "Helvetica", 10, 150, later_width=400)
    assert lines == ["Bedfordshire Police ·",
                     "St Mary's C of E Primary and Nursery School · Year 6 · 12 January 2027"]
    assert _text_width(lines[0], "Helvetica", 10) <= 150 < _text_width(lines[1], "Helvetica", 10)


PAGES = ("lesson-plan.pdf", "worksheet.pdf", "answer-key.pdf", "cards.pdf", "parent-letter.pdf",
         "school-briefing.pdf", "evaluation-record.pdf")


@pytest.mark.parametrize("year, band", [("Year 6", "ks2"), ("Year 8", "ks3"),
                                        ("Year 10", "ks4"), ("Year 12", "post16")])
def test_a_long_school_name_moves_no_page_break(tmp_path, year, band):
    """Personalising never costs paper: the school, class and date fill the footer's
    second line, in the margin, and one row of fields, so each PDF has as many pages as
    the generic pack's (the worksheet is printed thirty times)."""
    lesson = "online-blackmail"  # the fullest pages
    generic = run_cli("build", "--lessons", str(LESSONS), "--output", str(tmp_path / "generic"),
                      "--lesson", lesson, "--band", band, "--documents",
                      ",".join(p.removesuffix(".pdf") for p in PAGES))
    assert generic.exit_code == 0, generic.output
    school = "St Mary's C of E Primary and Nursery School"
    personal = run_cli("build", "--lessons", str(LESSONS), "--output", str(tmp_path / "school"),
                       "--lesson", lesson, "--school", school, "--class", year,
                       "--date", "12/01/2099", "--documents",
                       ",".join(p.removesuffix(".pdf") for p in PAGES))
    assert personal.exit_code == 0, personal.output
    assert "warning" not in personal.output
    folder = next((tmp_path / "school").glob(f"*/{lesson}/{band}"))
    for name in PAGES:
        pages = len(PdfReader(folder / name).pages)
        assert pages == len(PdfReader(tmp_path / "generic" / lesson / band / name).pages), name
    first = squash(PdfReader(folder / "worksheet.pdf").pages[0].extract_text())
    assert f"Class: {year} Date: 12 January 2099" in first  # one row with the name
