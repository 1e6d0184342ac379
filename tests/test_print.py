"""Print-ready documents, read back as a teacher, a pupil or a checker would: fonts,
type sizes, page counts, the worksheet cover, print variants and the Word twins."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn
from docx.text.paragraph import Paragraph
from pypdf import PdfReader

from generator.profile import sample_note
from conftest import LESSONS, TEMPLATES, pack_files, pdf_text, per_pack, run_cli, squash

BANDS = ("ks2", "ks3", "ks4", "post16")
# Body text size per band (points): the size most of a document's letters are set in.
# 12 pt throughout (the guidance allows 12-14): a ks2 worksheet fits one sheet, both sides.
BODY_SIZE = {"ks2": 12, "ks3": 12, "ks4": 12, "post16": 12}
SMALL_PRINT_FLOOR = 10  # sources, header and footer: never smaller than this
# Documents for adults that must fit their pages (the letter home, the school's briefing,
# the officer's record, the teacher's answer key) are set at 10 to 11 pt, never below the floor.
ADULT_DOCUMENTS = ("parent-letter", "school-briefing", "evaluation-record", "answer-key")


def packs(built: Path) -> list[Path]:
    return sorted(p for p in built.glob("*/*") if p.is_dir())


def font_sizes(path: Path) -> Counter:
    """Characters set at each font size (rounded to 0.1 pt), over every page."""
    sizes: Counter = Counter()

    def visit(text, cm, tm, font_dict, font_size):
        scale = abs(tm[3] * cm[3]) or 1
        if text.strip():
            sizes[round(font_size * scale, 1)] += len(text.strip())

    for page in PdfReader(path).pages:
        page.extract_text(visitor_text=visit)
    return sizes


def body_size(path: Path) -> float:
    return font_sizes(path).most_common(1)[0][0]


def docx_headings(path: Path) -> list[str]:
    """Every heading in a Word document, table cells (activity boxes) included."""
    document = docx.Document(str(path))
    body = document.element.body
    out = []
    for p in body.iter(qn("w:p")):
        style = p.find(f"{qn('w:pPr')}/{qn('w:pStyle')}")
        if style is not None and style.get(qn("w:val")).startswith("Heading"):
            out.append("".join(t.text or "" for t in p.iter(qn("w:t"))))
    return out


# --- fonts and sizes ---------------------------------------------------------------


def test_every_pdf_uses_only_embedded_atkinson_hyperlegible(built):
    for pdf in sorted(built.rglob("*.pdf")):
        reader = PdfReader(pdf)
        for number, page in enumerate(reader.pages, 1):
            fonts = page["/Resources"]["/Font"]
            for ref in fonts.values():
                font = ref.get_object()
                name = font["/BaseFont"]
                assert "AtkinsonHyperlegible" in name, f"{pdf} page {number}: {name}"
                assert "/FontFile2" in font["/FontDescriptor"], f"{pdf}: {name} not embedded"


@pytest.mark.parametrize("band", BANDS)
def test_body_text_size_per_band(built, band):
    for pdf in sorted(built.glob(f"*/{band}/*.pdf")):
        sizes = font_sizes(pdf)
        body = SMALL_PRINT_FLOOR if pdf.stem in ADULT_DOCUMENTS else BODY_SIZE[band]
        assert sizes.most_common(1)[0][0] >= body, pdf
        assert min(sizes) >= SMALL_PRINT_FLOOR, f"{pdf}: {min(sizes)} pt text"


# --- the worksheet -----------------------------------------------------------------


def test_worksheet_cover_has_title_band_and_write_in_fields(built):
    for pack in packs(built):
        first = squash(PdfReader(pack / "worksheet.pdf").pages[0].extract_text())
        assert re.search(r"Worksheet for (Key Stage \d|Post-16) \(Years", first), pack
        for label in ("Name:", "Class:", "Date:"):
            assert label in first, pack


def test_true_or_false_is_a_grid_with_a_true_and_a_false_column(built):
    text = squash(pdf_text(built / "online-blackmail" / "ks3" / "worksheet.pdf"))
    assert "Tick true or false for each statement. True False 1." in text
    # Not a two-item checklist under every statement any more.
    assert "True False True False" not in text


def test_web_addresses_in_signposting_are_never_broken(built, tmp_path):
    large = tmp_path / "out"
    result = run_cli("build", "--lessons", str(LESSONS), "--output", str(large),
                     "--lesson", "online-blackmail", "--large-print", "--dyslexia-friendly")
    assert result.exit_code == 0, result.output
    documents = [*built.glob("online-blackmail/*/*.pdf"), *large.rglob("*.pdf")]
    for pdf in documents:
        lines = [line.strip() for line in pdf_text(pdf).splitlines()]
        for address in ("childline.org.uk", "ceop.police.uk/Safety-Centre", "bedfordshire.police.uk"):
            if any(address[:8] in line for line in lines):
                assert any(address in line for line in lines), f"{pdf}: {address} broken"


@pytest.mark.parametrize("school, class_name", [
    ("Hillside Academy", "Year 8"),
    ("Ysgol Tŷ Coch", "Blwyddyn 8 Ŵyn"),  # Welsh ŵ and ŷ: not in Atkinson Hyperlegible
])
def test_session_details_are_printed_on_the_worksheet_cover(tmp_path, school, class_name):
    out = tmp_path / "out"
    result = run_cli("build", "--lessons", str(LESSONS), "--output", str(out),
                     "--lesson", "whos-really-there", "--band", "ks3",
                     "--school", school, "--class", class_name, "--date", "2026-03-04")
    assert result.exit_code == 0, result.output
    sheet = next(out.rglob("worksheet.pdf"))
    pages = [squash(page.extract_text()) for page in PdfReader(sheet).pages]
    assert school in pages[0]
    assert f"Class: {class_name}" in pages[0]
    assert "Date: 4 March 2026" in pages[0]
    assert all(f"{school} · {class_name}" in page for page in pages)  # every footer


def test_a_school_name_the_pdfs_cannot_print_whole_is_a_warning(tmp_path):
    out = tmp_path / "out"
    args = ("build", "--lessons", str(LESSONS), "--output", str(out), "--lesson",
            "whos-really-there", "--band", "ks2", "--school", "Ysgol 北京 Tŷ", "--strict")
    warning = ("--school: warning: the PDF fonts cannot print 北 (U+5317) 京 (U+4EAC); the "
               "PDFs will leave them out (the Word files keep them): use other characters, or "
               "accept that they are missing from the PDFs")
    first = run_cli(*args)
    assert first.exit_code == 0  # --strict is about the content, not a school's name
    assert first.stderr.splitlines() == [warning, sample_note(LESSONS)]
    again = run_cli(*args)  # nothing to render: the warning is still given
    assert f"({per_pack('ks2')} unchanged)" in again.stdout
    assert again.stderr.splitlines() == [warning, sample_note(LESSONS)]


# --- print variants ----------------------------------------------------------------


@pytest.mark.parametrize("options, suffix", [
    (("--large-print",), "-large-print"),
    (("--dyslexia-friendly",), "-dyslexia-friendly"),
    (("--paper", "letter"), "-letter"),
    (("--paper", "letter", "--large-print", "--dyslexia-friendly"),
     "-letter-large-print-dyslexia-friendly"),
])
def test_print_variants_build_under_their_own_names(tmp_path, options, suffix):
    out = tmp_path / "out"
    result = run_cli("build", "--lessons", str(LESSONS), "--output", str(out),
                     "--lesson", "online-blackmail", "--band", "ks2", *options)
    assert result.exit_code == 0, result.output
    pack = out / "online-blackmail" / "ks2"
    names = sorted(p.name for p in pack.iterdir())
    assert names == sorted(name.replace(".", f"{suffix}.") for name in pack_files("ks2"))
    sheet = pack / f"worksheet{suffix}.pdf"
    width, height = PdfReader(sheet).pages[0].mediabox[2:]
    expected = (612, 792) if "letter" in suffix else (595.3, 841.9)
    assert (round(float(width), 1), round(float(height), 1)) == pytest.approx(expected, abs=0.1)
    if "large-print" in suffix:
        assert body_size(sheet) >= 18
        assert body_size(pack / f"lesson-plan{suffix}.pdf") >= 18


# --- Word ----------------------------------------------------------------------------


def test_reference_docx_lacking_a_style_is_one_clear_message(tmp_path):
    templates = tmp_path / "my-templates"
    templates.mkdir()
    reference = docx.Document(str(TEMPLATES / "reference.docx"))
    note = reference.styles["Note"].element
    note.getparent().remove(note)
    reference.save(str(templates / "reference.docx"))

    result = run_cli("build", "--lessons", str(LESSONS), "--output", str(tmp_path / "out"),
                     "--templates", str(templates), "--lesson", "online-blackmail",
                     "--band", "ks3")
    assert result.exit_code == 1
    assert "the Word reference document has no style 'Note'" in result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize("stem", ["worksheet", "lesson-plan"])
def test_word_twins_hold_the_same_headings_as_their_pdfs(built, stem):
    for pack in packs(built):
        headings = docx_headings(pack / f"{stem}.docx")
        pdf = squash(pdf_text(pack / f"{stem}.pdf"))
        assert headings, pack
        for heading in headings:
            assert squash(heading) in pdf, f"{pack}/{stem}: {heading!r}"
        if stem == "worksheet":  # the lettered parts are headings a screen reader can jump to
            signs = "Spot the warning signs" if pack.name in ("ks2", "ks3") else "Warning signs"
            assert [h for h in headings if h.startswith("Part ")] == [
                f"Part A: {signs}", "Part B: What could they do?",
                "Part C: True or false?", "Part D: Who can help?"]


def test_worksheet_twin_reads_well_with_a_screen_reader(built):
    document = docx.Document(str(built / "online-blackmail" / "ks3" / "worksheet.docx"))
    headings = docx_headings(built / "online-blackmail" / "ks3" / "worksheet.docx")
    assert headings[0].startswith("Online blackmail")
    assert "Part A: Spot the warning signs" in headings
    assert "Part C: True or false?" in headings

    body = document.element.body  # tables inside activity boxes too
    texts = [Paragraph(p, None).text for p in body.iter(qn("w:p"))]
    # Each tick box is a glyph followed by what it is for.
    assert "\u2610 True" in texts and "\u2610 False" in texts
    assert any(t.startswith("\u2610\t") for t in texts)
    # Every data table repeats its header row on each page.
    grid = document.styles["Table Grid"].style_id

    def style_of(table):
        style = table.find(f"{qn('w:tblPr')}/{qn('w:tblStyle')}")
        return None if style is None else style.get(qn("w:val"))

    grids = [t for t in body.iter(qn("w:tbl")) if style_of(t) == grid]
    assert len(grids) >= 1  # true or false
    for table in grids:
        assert table.find(f"{qn('w:tr')}/{qn('w:trPr')}/{qn('w:tblHeader')}") is not None
    # Side-by-side columns are a borderless layout table with no header row, read cell by
    # cell: story 1's tick list, then story 2's.
    layouts = [t for t in body.iter(qn("w:tbl")) if style_of(t) is None]
    assert layouts
    for table in layouts:
        assert table.find(f"{qn('w:tr')}/{qn('w:trPr')}/{qn('w:tblHeader')}") is None
    assert texts.index(next(t for t in texts if t.startswith("Story 1:"))) < \
        texts.index(next(t for t in texts if t.startswith("Story 2:")))
    # Document language and properties.
    defaults = document.styles.element.find(qn("w:docDefaults"))
    assert defaults.find(f".//{qn('w:lang')}").get(qn("w:val")) == "en-GB"
    props = document.core_properties
    assert props.title.endswith(": worksheet") and props.author and props.subject


@pytest.fixture(scope="module")
def large_print(tmp_path_factory) -> Path:
    """Every lesson and band's worksheet and answer key in large print."""
    out = tmp_path_factory.mktemp("large") / "out"
    result = run_cli("build", "--lessons", str(LESSONS), "--output", str(out), "--large-print",
                     "--documents", "worksheet,answer-key")
    assert result.exit_code == 0, result.output
    return out


def test_every_large_print_worksheet_is_within_its_budget(large_print):
    from generator.budgets import page_budget

    sheets = sorted(large_print.glob("*/*/worksheet-large-print.pdf"))
    assert len(sheets) == 12
    for sheet in sheets:
        band = sheet.parent.name
        pages = len(PdfReader(sheet).pages)
        assert pages <= page_budget("worksheet", band, large_print=True), (sheet, pages)
        assert body_size(sheet) >= 18


def test_every_large_print_answer_key_is_within_its_budget(large_print):
    """The key is set at 11 pt for teachers and 18 pt in large print: five pages at most."""
    from generator.budgets import page_budget

    keys = sorted(large_print.glob("*/*/answer-key-large-print.pdf"))
    assert len(keys) == 12
    for key in keys:
        band = key.parent.name
        assert page_budget("answer-key", band, large_print=True) == 5
        assert len(PdfReader(key).pages) <= 5, key


def test_large_print_key_sets_each_story_at_the_full_width(large_print):
    """In large print a half-page column holds a few words of a reason a line: the key's
    tick lists go one under the other, each item starting at the same left edge."""
    key = large_print / "whos-really-there" / "ks3" / "answer-key-large-print.pdf"
    starts = Counter()
    for page in PdfReader(key).pages:
        def visit(text, cm, tm, font, size):
            if text.strip() and (size * cm[0] >= 17.5 or size * tm[0] >= 17.5):
                starts[round(cm[4] + tm[4] * cm[0])] += 1

        page.extract_text(visitor_text=visit)
    left = min(starts)
    # Nothing starts half way across the page, where a second column would.
    width = float(PdfReader(key).pages[0].mediabox[2])
    assert not [x for x in starts if width * 0.4 < x < width * 0.6], sorted(starts)
    assert left < width * 0.2


@pytest.mark.parametrize("school, class_name", [("Oak Tree Primary", "Year 6"),
                                                ("Hillside Academy", "Year 8")])
def test_a_personalised_pack_keeps_to_its_page_budgets(tmp_path, school, class_name):
    """The school, class and date on the cover and in every footer take no room the
    generic pack needs: --strict fails on any document over its budget."""
    out = tmp_path / "out"
    result = run_cli("build", "--lessons", str(LESSONS), "--output", str(out), "--strict",
                     "--school", school, "--class", class_name, "--date", "2099-03-04",
                     "--documents", "worksheet,answer-key,lesson-plan")
    assert result.exit_code == 0, result.output
    sheets = list(out.rglob("worksheet.pdf"))
    assert len(sheets) == 3
    for sheet in sheets:
        first = squash(PdfReader(sheet).pages[0].extract_text())
        assert f"Class: {class_name}" in first and "Date: 4 March 2099" in first
        assert f"{school} · {class_name}" in first  # its footer
