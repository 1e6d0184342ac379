"""The PDF renderer, read back with pypdf the way a user or a checker would see it."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET
from dataclasses import replace

import pytest
from pypdf import PdfReader

from generator.errors import MarkupError
from generator.render import DocMeta, PageStyle
from generator.render.markup import parse
from generator.render.registry import render as render_format
from generator.resources import assets, template_search_path

ASSETS = assets(template_search_path(None))

META = DocMeta(
    title="Online blackmail: worksheet",
    subject="Online safety lesson for Key Stage 3 (ages 11–14)",
    author="Bedfordshire Police",
    header_left="Online blackmail",
    header_right="Key Stage 3 · Years 7–9",
    footer="Bedfordshire Police",
)

WORKSHEET = """<document>
<h1>Online blackmail: worksheet</h1>
<p>Someone might threaten to share pictures unless you send <b>money</b>.</p>
<box title="Activity 1: What would you do?">
  <p>Tick every warning sign.</p>
  <checklist>
    <item>They will not video call.</item>
    <item checked="true">They ask you to keep it a <b>secret</b>.</item>
  </checklist>
  <lines count="3"/>
</box>
<table widths="30,70">
  <tr><th>Who</th><th>How they can help</th></tr>
  <tr><td>Childline</td><td>Call 0800 1111. It is free.</td></tr>
</table>
<note title="Remember"><p>It is never your fault.</p></note>
<ul><li>Stop replying.</li><li>Tell an adult you trust.</li></ul>
<ol><li>Save the messages.</li></ol>
<answer>Stop replying and tell a trusted adult.</answer>
<p class="small">Source: Childline.</p>
</document>"""


def render(markup: str, page: PageStyle = PageStyle(), meta: DocMeta = META) -> bytes:
    return render_format("pdf", parse(ET.fromstring(markup), "test.xml.j2"), meta, page, ASSETS)


def read(pdf: bytes) -> PdfReader:
    return PdfReader(io.BytesIO(pdf))


def page_texts(pdf: bytes) -> list[str]:
    return [p.extract_text() for p in read(pdf).pages]


def squash(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture(scope="module")
def worksheet() -> bytes:
    return render(WORKSHEET)


def test_all_content_text_reads_back(worksheet):
    text = squash("\n".join(page_texts(worksheet)))
    for expected in [
        "Online blackmail: worksheet",
        "unless you send money.",
        "Activity 1: What would you do?",
        "They ask you to keep it a secret.",
        "How they can help",
        "Call 0800 1111. It is free.",
        "Remember",
        "It is never your fault.",
        "Tell an adult you trust.",
        "Stop replying and tell a trusted adult.",
        "Source: Childline.",
    ]:
        assert expected in text


def test_markup_characters_in_content_are_printed_literally():
    pdf = render(
        "<document><p>click &lt;links&gt; &amp; win</p>"
        "<p>a &lt;b&gt;not bold&lt;/b&gt; &amp;amp; &quot;quoted&quot;</p>"
        "<table><tr><td>x &lt; y &amp; z</td></tr></table>"
        "<box title='Tom &amp; Jerry &lt;3'><p>ok</p></box></document>"
    )
    text = squash(page_texts(pdf)[0])
    assert "click <links> & win" in text
    assert 'a <b>not bold</b> &amp; "quoted"' in text
    assert "x < y & z" in text
    assert "Tom & Jerry <3" in text


def test_unicode_text_reads_back():
    text = squash(page_texts(render("<document><p>£5 – café “quotes” it’s</p></document>"))[0])
    assert "£5 – café “quotes” it’s" in text


def test_every_font_is_embedded_atkinson(worksheet):
    seen = set()
    for page in read(worksheet).pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            name = str(font["/BaseFont"])
            seen.add(name.split("+")[-1])
            assert "Helvetica" not in name
            assert "AtkinsonHyperlegible" in name
            assert "/FontFile2" in font["/FontDescriptor"], f"{name} is not embedded"
    assert seen == {"AtkinsonHyperlegible-Regular", "AtkinsonHyperlegible-Bold"}


@pytest.mark.parametrize(("paper", "size"), [("a4", (595.3, 841.9)), ("letter", (612, 792))])
def test_paper_size(paper, size):
    box = read(render("<document><p>x</p></document>", PageStyle(paper=paper))).pages[0].mediabox
    assert (float(box.width), float(box.height)) == pytest.approx(size, abs=0.5)


def test_metadata_language_and_viewer_preferences(worksheet):
    reader = read(worksheet)
    info = reader.metadata
    assert info.title == META.title
    assert info.author == META.author
    assert info.subject == META.subject
    assert info.creator == "lessonpack"
    assert info.producer == "lessonpack"
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "en-GB"
    assert bool(root["/ViewerPreferences"]["/DisplayDocTitle"])


def test_header_and_page_x_of_y_on_every_page():
    texts = page_texts(render("<document><p>one</p><pagebreak/><p>two</p></document>"))
    assert len(texts) == 2
    for number, text in enumerate(texts, start=1):
        assert f"Page {number} of 2" in text
        assert "Online blackmail" in text
        assert "Key Stage 3 · Years 7–9" in text
        assert "Bedfordshire Police" in text


def test_identical_input_gives_identical_bytes(worksheet):
    assert render(WORKSHEET) == worksheet


def font_sizes(pdf: bytes) -> dict[str, float]:
    """The font size each piece of text was set in (first page)."""
    sizes: dict[str, float] = {}

    def visit(text, cm, tm, font_dict, font_size):
        if text.strip():
            sizes[text.strip()] = font_size * tm[0] * cm[0]

    read(pdf).pages[0].extract_text(visitor_text=visit)
    return sizes


@pytest.mark.parametrize("size", [12, 14, 18])
def test_body_text_is_set_at_the_requested_size(size):
    pdf = render(
        "<document><p>Body words here.</p><p class='small'>Small print.</p></document>",
        PageStyle(body_size=size, leading=1.5 if size == 18 else 1.35, large_print=size == 18),
    )
    sizes = font_sizes(pdf)
    body = next(v for k, v in sizes.items() if "Body words" in k)
    small = next(v for k, v in sizes.items() if "Small print" in k)
    assert body == pytest.approx(size)
    assert 10 <= small < body


def test_dyslexia_friendly_pages_are_cream_and_letter_spaced():
    pdf = render(WORKSHEET, PageStyle(dyslexia_friendly=True))
    reader = read(pdf)
    content = reader.pages[0].get_contents().get_data().decode("latin-1")
    assert "Tc" in content  # letter spacing
    assert ".992157 .964706 .890196 rg" in content  # #FDF6E3 page fill
    # letter spacing must not break words apart when text is copied or read aloud
    text = squash("\n".join(page_texts(pdf)))
    assert "Someone might threaten to share pictures unless you send money." in text


def test_large_print_renders_with_more_pages(worksheet):
    pdf = render(WORKSHEET, PageStyle(body_size=18, leading=1.5, large_print=True))
    assert len(read(pdf).pages) > len(read(worksheet).pages)
    assert "Stop replying and tell a trusted adult." in squash("\n".join(page_texts(pdf)))


def test_table_header_row_repeats_on_each_page():
    rows = "".join(f"<tr><td>Row {i}</td><td>Some help text</td></tr>" for i in range(60))
    texts = page_texts(render(f"<document><table><tr><th>Who</th><th>Help</th></tr>{rows}</table></document>"))
    assert len(texts) > 1
    for text in texts:
        assert "Who Help" in squash(text)


def test_heading_is_not_stranded_at_the_page_foot():
    # Write-in lines fill most of page 1; the box after the heading cannot fit there.
    pdf = render(
        "<document><lines count='21'/><h2>Stranded heading</h2>"
        "<box title='Activity'><p>one</p><p>two</p><p>three</p><p>four</p></box></document>"
    )
    first, second = page_texts(pdf)
    assert "Stranded heading" not in first
    assert "Stranded heading" in second and "Activity" in second


def test_box_taller_than_a_page_splits_instead_of_failing():
    paras = "".join(f"<p>Paragraph number {i} of a very long activity.</p>" for i in range(80))
    texts = page_texts(render(f"<document><box title='Long activity'>{paras}</box></document>"))
    assert len(texts) > 1
    joined = squash("\n".join(texts))
    assert "Long activity (continued)" in joined
    assert "Paragraph number 79 of a very long activity." in joined


def test_checklist_draws_boxes_instead_of_glyphs(worksheet):
    text = "\n".join(page_texts(worksheet))
    assert not any(ch in text for ch in "✓☐☑□")


def test_unknown_markup_is_refused():
    with pytest.raises(MarkupError) as caught:
        render("<document><p>no <i>italics</i></p></document>")
    assert caught.value.message == ("test.xml.j2: <i>: not allowed inside <p>: text here may "
                                    "hold only <b>…</b> and <br/>")
    with pytest.raises(MarkupError, match="^test.xml.j2: <video>: unknown block; known blocks"):
        render("<document><video/></document>")


def test_question_stays_with_its_write_in_lines():
    pdf = render("<document><lines count='21'/><p>Question two?</p><lines count='4'/></document>")
    first, second = page_texts(pdf)
    assert "Question two?" not in first
    assert "Question two?" in second



def test_our_same_frag_answers_as_reportlabs_compiled_one():
    # The renderer swaps rl_accel's slow compiled sameFrag for reportlab's Python one;
    # both must agree on every pair of fragments a paragraph can hold.
    from reportlab.lib.rl_accel import sameFrag
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Paragraph

    from generator.render.pdf.rl_private import _same_frag
    from generator.render.pdf.text import _register_fonts

    _register_fonts(ASSETS.fonts)
    style = ParagraphStyle("p", fontName="AtkinsonHyperlegible")
    frags = [f for markup in ("plain", "<b>bold</b> and not", "one<br/>two",
                              "<font color='red'>red</font> <b>b</b><br/>x")
             for f in Paragraph(markup, style).frags]
    assert len(frags) >= 8
    assert [[_same_frag(f, g) for g in frags] for f in frags] == \
           [[bool(sameFrag(f, g)) for g in frags] for f in frags]


def embedded_fonts(pdf: bytes) -> set[str]:
    """Base names of the fonts the pages use, each checked to be embedded."""
    names = set()
    for page in read(pdf).pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            assert "/FontFile2" in font["/FontDescriptor"], font["/BaseFont"]
            names.add(str(font["/BaseFont"]).split("+")[-1])
    return names


def test_letters_atkinson_lacks_print_in_noto_sans():
    # Welsh ŵ and ŷ (and Cyrillic, Greek) are not in Atkinson Hyperlegible: a Welsh
    # school's name must still print whole, in the text, the header and the footer.
    markup = ("<document><h1>Ysgol Tŷ Coch</h1><p><b>Ŵyn:</b> Привет, Ελλάδα.</p>"
              "<box title='Dosbarth Tŷ'><p>Ẃ ẁ ỳ</p></box>"
              "<fields><field label='Ysgol'>Ysgol Tŷ Coch</field></fields></document>")
    # The footer ends in ŷ, and the page number is drawn after it.
    meta = replace(META, header_left="Tŷ Coch", header_right="Blwyddyn 6 · Tŷ",
                   footer="Heddlu · Ysgol Tŷ")
    pdf = render(markup, meta=meta)
    text = squash(" ".join(page_texts(pdf)))
    for shown in ("Ysgol Tŷ Coch", "Ŵyn: Привет, Ελλάδα.", "Dosbarth Tŷ", "Ẃ ẁ ỳ",
                  "Ysgol: Ysgol Tŷ Coch", "Tŷ Coch", "Blwyddyn 6 · Tŷ",
                  "Heddlu · Ysgol Tŷ Page 1 of 1"):
        assert shown in text
    assert embedded_fonts(pdf) == {"AtkinsonHyperlegible-Regular", "AtkinsonHyperlegible-Bold",
                                   "NotoSans-Regular"}


def test_text_atkinson_covers_uses_no_other_font(worksheet):
    assert embedded_fonts(worksheet) == {"AtkinsonHyperlegible-Regular",
                                         "AtkinsonHyperlegible-Bold"}


def test_a_letter_beyond_u_ffff_leaves_the_text_map_readable(caplog):
    # Noto Sans has U+10795, but reportlab would write it into the PDF's text map as an
    # odd-length hex string that readers reject: such letters are left out instead.
    pdf = render("<document><p>Tŷ \U00010795 Coch</p></document>")
    with caplog.at_level("WARNING", logger="pypdf"):
        text = squash(" ".join(page_texts(pdf)))
    assert "Tŷ" in text and "Coch" in text
    assert not [r for r in caplog.records if "hex" in r.getMessage()]


# --- tick boxes, found as drawn shapes on the page ---------------------------------------

TICKS = """<document>
<checklist>
  <item>They will not video call.</item>
  <item checked="true">They ask you to keep it a secret.</item>
  <item>They like the same music.</item>
</checklist>
<table widths="70,15,15">
  <tr><th>Statement</th><th>True</th><th>False</th></tr>
  <tr><td>It is never your fault.</td><td><tick label="True" checked="true"/></td><td><tick label="False"/></td></tr>
  <tr><td>Paying makes it stop.</td><td><tick label="True"/></td><td><tick label="False"/></td></tr>
</table>
</document>"""


def drawn_shapes(pdf: bytes, page: int = 0):
    """The squares (x, y, side) drawn with the `re` operator and the open paths (lists
    of points) stroked with `S` on one page, in page coordinates."""
    from pypdf.generic import ContentStream

    reader = read(pdf)
    content = ContentStream(reader.pages[page].get_contents(), reader)
    ctm, stack = (1, 0, 0, 1, 0, 0), []
    squares, paths, current = [], [], []

    def apply(m, x, y):
        a, b, c, d, e, f = m
        return a * x + c * y + e, b * x + d * y + f

    for operands, op in content.operations:
        values = [float(v) for v in operands if isinstance(v, (int, float)) or hasattr(v, "as_numeric")]
        if op == b"q":
            stack.append(ctm)
        elif op == b"Q":
            ctm = stack.pop()
        elif op == b"cm":
            a, b, c, d, e, f = values
            a0, b0, c0, d0, e0, f0 = ctm
            ctm = (a * a0 + b * c0, a * b0 + b * d0, c * a0 + d * c0, c * b0 + d * d0,
                   e * a0 + f * c0 + e0, e * b0 + f * d0 + f0)
        elif op == b"re":
            x, y, w, h = values
            (x0, y0), (x1, y1) = apply(ctm, x, y), apply(ctm, x + w, y + h)
            if abs(abs(x1 - x0) - abs(y1 - y0)) < 0.01:
                squares.append((min(x0, x1), min(y0, y1), abs(x1 - x0)))
        elif op in (b"m", b"l"):
            if op == b"m":
                current = []
            current.append(apply(ctm, *values))
        elif op == b"S":
            if len(current) >= 3:
                paths.append(current)
            current = []
    return squares, paths


def ticked(square, paths) -> bool:
    x, y, side = square
    return any(all(x < px < x + side and y < py < y + side for px, py in path)
               for path in paths)


def test_tick_boxes_are_drawn_squares_and_ticked_ones_hold_a_tick():
    size = 12.0
    squares, paths = drawn_shapes(render(TICKS))
    boxes = sorted((s for s in squares if abs(s[2] - size * 1.05) < 0.01),
                   key=lambda s: (-round(s[1]), s[0]))  # top to bottom, left to right
    assert len(boxes) == 3 + 4  # three checklist items, four true/false boxes
    assert [ticked(box, paths) for box in boxes] == [
        False, True, False,  # the checklist, in order
        True, False,  # "never your fault": True ticked
        False, False,  # "paying makes it stop": nothing ticked
    ]
    assert len(paths) == 2  # no stray tick anywhere else


def test_tick_boxes_are_empty_on_the_pupils_copy():
    squares, paths = drawn_shapes(render(TICKS.replace(' checked="true"', "")))
    assert len([s for s in squares if abs(s[2] - 12.6) < 0.01]) == 7
    assert paths == []


def test_a_letter_spaced_paragraph_split_across_pages_keeps_its_lines():
    """Dyslexia-friendly print spaces letters: the part of a paragraph left at a page foot
    keeps the lines (and the height) the split measured, so it always fits there (it once
    measured a line's trailing space again, took a line more and stopped the build)."""
    from reportlab.lib.styles import ParagraphStyle

    from generator.render.pdf.rl_private import _Para
    from generator.render.pdf.text import _register_fonts

    _register_fonts(ASSETS.fonts)
    style = ParagraphStyle("p", fontName="AtkinsonHyperlegible", fontSize=18, leading=27)
    style.lpTracking = 0.9  # as large print with --dyslexia-friendly
    text = ("<b>Worksheet part B: What could they do?</b> <b>Uses: slides, worksheet.</b> Read "
            "the Story 1 decision. Meeting him and asking friends to leave the chat both feel "
            "like handling it quietly; ask why they might tempt someone. Students tick one and "
            "write why. Tell scenes 3 and 4.<br/><b>Adapt:</b> Support: discuss in pairs first. "
            "Stretch: list the evidence Amara can give the police.")
    width = 481.88976377952764
    for room in (60.0, 90.0, 117.67, 150.0):
        paragraph = _Para(text, style)
        _, height = paragraph.wrap(width, 10_000)
        parts = paragraph.split(width, room)
        assert len(parts) == 2, room
        first, rest = (part.wrap(width, 10_000)[1] for part in parts)
        assert first <= room, (room, first)  # it fits where the split put it
        assert first + rest >= height, room  # and no line is lost
