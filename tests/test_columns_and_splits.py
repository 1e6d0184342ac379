"""Blocks side by side (<columns>), in the PDF and its Word twin, and where lists and
tables may break across pages: never one item or one table row alone on a page."""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET

import docx
import pytest
from docx.oxml.ns import qn
from pypdf import PdfReader

from generator.errors import MarkupError
from generator.render import DocMeta, PageStyle
from generator.render.markup import Columns, parse
from generator.render.registry import render as render_format
from generator.resources import assets, template_search_path

ASSETS = assets(template_search_path(None))
META = DocMeta("Worksheet", "Online safety", "Bedfordshire Police", "Online blackmail",
               "Key Stage 2", "Bedfordshire Police")

TWO_STORIES = """<document>
<h2>Part A: Spot the warning signs</h2>
<columns>
<column>
<h3>Story 1: Bella</h3>
<checklist><item>Alpha asks for a selfie.</item><item>Alpha says keep it secret.</item></checklist>
</column>
<column>
<h3>Story 2: Cody</h3>
<checklist><item>Gamma asks for a code.</item><item>Gamma moves the chat.</item></checklist>
</column>
</columns>
<p>After the columns.</p>
</document>"""


def render(fmt: str, markup: str, page: PageStyle = PageStyle()) -> bytes:
    return render_format(fmt, parse(ET.fromstring(markup), "test.xml.j2"), META, page, ASSETS)


def positions(pdf: bytes) -> list[dict[str, tuple[float, float]]]:
    """Per page: each line of text and where it starts (x, y from the page foot)."""
    pages = []
    for page in PdfReader(io.BytesIO(pdf)).pages:
        found: dict[str, tuple[float, float]] = {}

        def visit(text, cm, tm, font, size):
            if text.strip():
                found.setdefault(" ".join(text.split()),
                                 (cm[4] + tm[4] * cm[0], cm[5] + tm[5] * cm[3]))

        page.extract_text(visitor_text=visit)
        pages.append(found)
    return pages


def page_texts(pdf: bytes) -> list[str]:
    return [" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(pdf)).pages]


# --- <columns> in the PDF -----------------------------------------------------------------


def test_columns_sit_side_by_side_and_read_column_by_column():
    pdf = render("pdf", TWO_STORIES)
    (where,) = positions(pdf)
    x1, y1 = where["Story 1: Bella"]
    x2, y2 = where["Story 2: Cody"]
    assert abs(y1 - y2) < 1  # level with each other
    assert x2 - x1 > 150  # the second column starts far to the right
    assert where["Gamma asks for a code."][0] > x2 - 1 > where["Alpha asks for a selfie."][0]
    # What follows the columns starts under both, back at the left edge.
    after_x, after_y = where["After the columns."]
    assert abs(after_x - x1) < 1
    assert after_y < min(where["Alpha says keep it secret."][1], where["Gamma moves the chat."][1])
    # Text order: the whole of column 1, then column 2.
    (text,) = page_texts(pdf)
    order = [text.index(s) for s in ("Story 1: Bella", "Alpha asks", "Alpha says",
                                     "Story 2: Cody", "Gamma asks", "Gamma moves", "After the")]
    assert order == sorted(order)


def test_columns_on_the_page_may_reach_into_the_right_margin_but_not_inside_a_box():
    wide = positions(render("pdf", TWO_STORIES))[0]
    boxed = TWO_STORIES.replace("<columns>", '<box title="Part A"><columns>').replace(
        "</columns>", "</columns></box>")
    narrow = positions(render("pdf", boxed))[0]
    gap_on_page = wide["Story 2: Cody"][0] - wide["Story 1: Bella"][0]
    gap_in_box = narrow["Story 2: Cody"][0] - narrow["Story 1: Bella"][0]
    assert gap_on_page > gap_in_box + 20


def test_columns_that_do_not_fit_move_whole_to_the_next_page():
    filler = "".join(f"<p>Filler line {i}.</p>" for i in range(34))
    pdf = render("pdf", TWO_STORIES.replace("<h2>", filler + "<h2>", 1))
    texts = page_texts(pdf)
    assert len(texts) == 2
    for item in ("Alpha asks", "Alpha says", "Gamma asks", "Gamma moves"):
        assert item not in texts[0] and item in texts[1]


def test_breakable_columns_taller_than_a_page_continue_overleaf_side_by_side():
    items = "".join(f"<item>Sign number {i}.</item>" for i in range(1, 41))
    markup = (f'<document><columns breakable="true"><column><checklist>{items}</checklist>'
              f'</column><column><checklist>{items.replace("Sign", "Clue")}</checklist>'
              "</column></columns></document>")
    pages = positions(render("pdf", markup))
    assert len(pages) == 2
    for where in pages:
        signs = [xy for text, xy in where.items() if text.startswith("Sign number")]
        clues = [xy for text, xy in where.items() if text.startswith("Clue number")]
        assert signs and clues  # both columns on each page
        assert max(x for x, _ in signs) < min(x for x, _ in clues)
    texts = " ".join(page_texts(render("pdf", markup)))
    assert all(f"Sign number {i}." in texts and f"Clue number {i}." in texts for i in range(1, 41))



def test_breakable_columns_whose_rest_cannot_start_beside_an_ended_column_go_overleaf():
    """A long column's last items that cannot start at the page foot, beside a column that
    has ended: they go overleaf (this once split the same way forever, and the build hung)."""
    import signal

    def give_up(*_):
        raise TimeoutError("the columns never finished laying out")

    long_item = ("Sign number {} is a long item that runs over more than one line in a "
                 "half-width column of the page.")
    previous = signal.signal(signal.SIGALRM, give_up)
    try:
        for count in range(4, 30):  # the column ends lower down the page each time
            items = "".join(f"<item>{long_item.format(i)}</item>" for i in range(1, count))
            markup = (f'<document><columns breakable="true"><column><h3>Left</h3><checklist>'
                      f"{items}</checklist></column><column><h3>Right</h3><checklist>"
                      "<item>Clue one.</item><item>Clue two.</item></checklist></column>"
                      "</columns><p>After the columns.</p></document>")
            signal.alarm(20)
            pdf = render("pdf", markup)
            signal.alarm(0)
            text = " ".join(page_texts(pdf))
            assert all(f"Sign number {i} is" in text for i in range(1, count)), count
            assert text.count("Clue one.") == 1 and "After the columns." in text
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def test_tall_tick_items_in_columns_split_where_they_fit_in_large_print():
    """Columns taller than a page of tick items each several lines long, starting lower
    down the page each time: every item prints, and the layout never fails (an item too
    tall for the room left was once placed anyway, or its space before forgotten)."""
    words = " ".join(["because this reason runs on"] * 4)
    large = PageStyle(body_size=18.0, leading=1.5, large_print=True)
    for lines in range(0, 16):
        filler = "".join(f"<p>Filler line {i}.</p>" for i in range(lines))
        for count in (5, 7, 9):
            items = "".join(f"<item>Sign {i}. {words}.</item>" for i in range(1, count))
            markup = (f'<document>{filler}<columns breakable="true"><column><checklist>'
                      f"{items}</checklist></column><column><checklist>"
                      f'{items.replace("Sign", "Clue")}</checklist></column></columns>'
                      "<p>After the columns.</p></document>")
            text = " ".join(page_texts(render("pdf", markup, large)))
            for i in range(1, count):
                assert f"Sign {i}." in text and f"Clue {i}." in text, (lines, count, i)
            assert "After the columns." in text

# --- <columns> in Word ----------------------------------------------------------------------


def test_word_columns_are_a_borderless_one_row_table_read_column_by_column():
    document = docx.Document(io.BytesIO(render("docx", TWO_STORIES)))
    (table,) = document.tables
    assert len(table.rows) == 1 and len(table.columns) == 2
    first, second = table.rows[0].cells
    assert "Story 1: Bella" in first.text and "Alpha says keep it secret." in first.text
    assert "Story 2: Cody" in second.text and "Gamma moves the chat." in second.text
    borders = table._tbl.tblPr.find(qn("w:tblBorders"))
    assert borders is not None
    assert {b.get(qn("w:val")) for b in borders} == {"nil"}
    assert table.rows[0]._tr.trPr.find(qn("w:cantSplit")) is not None  # kept on one page
    # Reading order of the whole body: heading, column 1, column 2, the paragraph after.
    body = [" ".join(p.text.split()) for p in document.paragraphs]
    assert body[0] == "Part A: Spot the warning signs" and body[-1] == "After the columns."
    cells = [" ".join(p.text.split()) for cell in (first, second) for p in cell.paragraphs]
    assert [c for c in cells if c.startswith("Story")] == ["Story 1: Bella", "Story 2: Cody"]


def test_word_question_keeps_with_its_lines_and_the_lines_stay_together():
    markup = ('<document><p>Why is it the safest choice?</p><lines count="3"/>'
              "<p>Next question.</p></document>")
    document = docx.Document(io.BytesIO(render("docx", markup)))
    paragraphs = document.paragraphs
    keep = [p.paragraph_format.keep_with_next for p in paragraphs]
    styles = [p.style.name for p in paragraphs]
    assert styles[1:4] == ["Write-in Line"] * 3
    # The question and every line but the last keep with the next; the next question is free.
    assert keep[:5] == [True, True, True, None, None]


# --- markup errors --------------------------------------------------------------------------


@pytest.mark.parametrize("body, message", [
    ("<columns><column><p>Only one.</p></column></columns>",
     "holds 1 <column>; it takes 2 to 3"),
    ("<columns><column><p>a</p></column><column><columns><column><p>b</p></column>"
     "<column><p>c</p></column></columns></column></columns>",
     "not allowed inside <column>: columns cannot be nested"),
    ("<columns><column/><column><p>b</p></column></columns>",
     "holds no blocks; leave the column out instead"),
    ("<columns><p>a</p></columns>", "not allowed inside <columns>, which holds only <column>"),
])
def test_bad_columns_markup_is_one_clear_error(body, message):
    with pytest.raises(MarkupError, match=re.escape(message)):
        parse(ET.fromstring(f"<document>{body}</document>"), "worksheet.xml.j2")


def test_columns_parse_to_their_blocks():
    (columns, _) = parse(ET.fromstring(TWO_STORIES), "t").blocks[1:]
    assert isinstance(columns, Columns) and len(columns.columns) == 2 and not columns.breakable


# --- splits: at least two items or rows on each side ------------------------------------------


def _rows_per_page(pdf: bytes, label: str) -> list[int]:
    return [len(re.findall(rf"{label} \d+\.", text)) for text in page_texts(pdf)]


@pytest.mark.parametrize("block, label", [
    ("<ul>{}</ul>", "Bullet"),
    ("<ol>{}</ol>", "Step"),
    ("<checklist>{}</checklist>", "Tick"),
])
def test_a_list_split_across_pages_keeps_at_least_two_items_on_each_side(block, label):
    tag = "item" if "checklist" in block else "li"
    items = "".join(f"<{tag}>{label} {i}.</{tag}>" for i in range(1, 7))
    seen_split = False
    for lines in range(24, 46):  # the list starts lower down the first page each time
        filler = "".join(f"<p>Filler line {i}.</p>" for i in range(lines))
        pdf = render("pdf", f"<document>{filler}{block.format(items)}</document>")
        counts = [n for n in _rows_per_page(pdf, label) if n]
        assert sum(counts) == 6
        assert all(n >= 2 for n in counts), (lines, counts)
        seen_split = seen_split or len(counts) == 2
    assert seen_split  # the loop did put the list across a page break


def test_a_table_split_across_pages_keeps_at_least_two_body_rows_on_each_side():
    rows = "".join(f"<tr><td>Row {i}.</td><td><tick label=\"True\"/></td></tr>"
                   for i in range(1, 7))
    table = f'<table widths="80,20"><tr><th>Statement</th><th>True</th></tr>{rows}</table>'
    seen_split = False
    for lines in range(22, 46):
        filler = "".join(f"<p>Filler line {i}.</p>" for i in range(lines))
        pdf = render("pdf", f"<document>{filler}{table}</document>")
        counts = [n for n in _rows_per_page(pdf, "Row") if n]
        assert sum(counts) == 6
        assert all(n >= 2 for n in counts), (lines, counts)
        # The header row is repeated above the rows on each page.
        assert all("Statement" in text for text in page_texts(pdf) if "Row" in text)
        seen_split = seen_split or len(counts) == 2
    assert seen_split


def test_a_tick_columns_header_word_is_never_broken_even_in_large_print():
    table = ('<document><table widths="76,12,12"><tr><th>Tick true or false.</th><th>True</th>'
             '<th>False</th></tr><tr><td>People online are always who they say.</td>'
             '<td><tick label="True"/></td><td><tick label="False"/></td></tr></table></document>')
    large = PageStyle(body_size=18, leading=1.5, large_print=True)
    (where,) = positions(render("pdf", table, large))
    assert "False" in where and "Fals" not in where  # one word on one line
    true_x, true_y = where["True"]
    false_x, false_y = where["False"]
    assert abs(true_y - false_y) < 1 and false_x > true_x
