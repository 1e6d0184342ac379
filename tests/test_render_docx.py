"""The Word renderer, read back as a user (or Word) would see the file."""

from __future__ import annotations

import io
import runpy
import struct
import zlib
import xml.etree.ElementTree as ET
import zipfile
from dataclasses import replace
from datetime import datetime, timezone
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn
from lxml import etree

from generator.errors import ReferenceDocError, TemplateError, display_path
from generator.render import DocMeta, PageStyle
from generator.render.docx import BUNDLED_REFERENCE
from generator.render.markup import parse
from generator.render.registry import render
from generator.resources import assets, template_search_path

ASSETS = assets(template_search_path(None))


def render_docx(root: ET.Element, meta: DocMeta, page: PageStyle,
                reference: Path | None = None) -> bytes:
    """The Word renderer, reached the way the build reaches it: by format name."""
    used = replace(ASSETS, references=(("reference.docx", reference),)) if reference else ASSETS
    return render("docx", parse(root, "test.xml.j2"), meta, page, used)

ROOT = Path(__file__).resolve().parents[1]

MARKUP = """<document>
  <h1>Online blackmail: discussion guide</h1>
  <p>Read this with the <b>Designated Safeguarding Lead</b> first.</p>
  <h2>Learning objectives</h2>
  <ul>
    <li>I can identify warning signs.</li>
    <li>Click &lt;links&gt; from strangers? Think first &amp; ask.</li>
  </ul>
  <h3>Steps</h3>
  <ol><li>Stop contact.</li><li>Tell an adult.</li></ol>
  <ol><li>A second list.</li></ol>
  <table widths="25,75">
    <tr><th>Time</th><th>Activity</th></tr>
    <tr><td>5 min</td><td>Baseline</td></tr>
    <tr><td>10 min</td><td>Scenario</td></tr>
  </table>
  <note title="Remember"><p>It is never the young person's fault.</p></note>
  <box title="Activity 1"><p>Sort the cards.</p></box>
  <answer>The offender is responsible.</answer>
  <p class="small">Source: NCA, 2024.</p>
  <checklist><item checked="true">Ticked</item><item>Not ticked</item></checklist>
  <lines count="3"/>
  <pagebreak/>
  <h2>Signposting</h2>
  <p>Bad\x0bcontrol and "quotes" 'too' — café</p>
</document>"""

META = DocMeta(
    title="Online blackmail: discussion guide",
    subject="Online safety lesson for Key Stage 3 (ages 11–14)",
    author="Bedfordshire Police",
    header_left="Online blackmail",
    header_right="Key Stage 3 · Years 7–9",
    footer="Bedfordshire Police",
)


def markup() -> ET.Element:
    # \x0b cannot appear in XML: put it in after parsing, as a bad loader might.
    root = ET.fromstring(MARKUP.replace("\x0b", "VT"))
    last = root[-1]
    last.text = last.text.replace("VT", "\x0b")
    return root


@pytest.fixture(scope="module")
def rendered() -> bytes:
    return render_docx(markup(), META, PageStyle())


@pytest.fixture(scope="module")
def doc(rendered):
    return docx.Document(io.BytesIO(rendered))


def paragraphs_with_style(doc, style: str) -> list[str]:
    return [p.text for p in doc.paragraphs if p.style.name == style]


def test_headings_use_heading_styles(doc):
    assert paragraphs_with_style(doc, "Heading 1") == ["Online blackmail: discussion guide"]
    assert paragraphs_with_style(doc, "Heading 2") == ["Learning objectives", "Signposting"]
    assert paragraphs_with_style(doc, "Heading 3") == ["Steps"]


def test_lists_use_list_styles_and_each_numbered_list_restarts(doc):
    assert paragraphs_with_style(doc, "List Bullet")[0] == "I can identify warning signs."
    numbered = [p for p in doc.paragraphs if p.style.name == "List Number"]
    assert [p.text for p in numbered] == ["Stop contact.", "Tell an adult.", "A second list."]
    num_ids = [p._p.pPr.numPr.numId.val for p in numbered]
    assert num_ids[0] == num_ids[1] != num_ids[2]


def test_table_header_row_repeats_and_is_bold(doc):
    table = doc.tables[0]
    assert table.style.name == "Table Grid"
    rows = table.rows
    assert rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
    assert all(r._tr.trPr.find(qn("w:tblHeader")) is None for r in rows[1:])
    assert all(run.bold for cell in rows[0].cells for run in cell.paragraphs[0].runs)
    assert [c.text for c in rows[1].cells] == ["5 min", "Baseline"]
    widths = [int(c.width) for c in rows[1].cells]
    assert widths[1] == pytest.approx(3 * widths[0], rel=0.01)


def test_header_and_footer_text_with_page_fields(doc):
    section = doc.sections[0]
    assert section.header.paragraphs[-1].text == "Online blackmail\tKey Stage 3 · Years 7–9"
    footer_xml = section.footer._element.xml
    assert "Bedfordshire Police" in footer_xml
    instructions = [t.text.strip() for t in section.footer._element.iter(qn("w:instrText"))]
    assert instructions == ["PAGE", "NUMPAGES"]
    # The reference's sample header text is gone.
    assert "lessonpack writes this" not in section.header._element.xml


def test_core_properties_are_set_and_fixed(doc):
    props = doc.core_properties
    assert (props.title, props.subject, props.author) == (META.title, META.subject, META.author)
    assert props.author != "python-docx" and props.comments != "generated by python-docx"
    assert props.language == "en-GB"
    assert props.last_modified_by == "lessonpack"
    assert props.revision == 1
    fixed = datetime(2000, 1, 1, tzinfo=timezone.utc)
    assert props.created == props.modified == fixed


def test_spelling_language_is_british_english_in_style_defaults(rendered):
    styles = etree.fromstring(zipfile.ZipFile(io.BytesIO(rendered)).read("word/styles.xml"))
    lang = styles.find(f"{qn('w:docDefaults')}/{qn('w:rPrDefault')}/{qn('w:rPr')}/{qn('w:lang')}")
    assert lang.get(qn("w:val")) == "en-GB"


def test_content_text_round_trips_literally(doc):
    texts = [p.text for p in doc.paragraphs]
    assert "Click <links> from strangers? Think first & ask." in texts
    assert "Badcontrol and \"quotes\" 'too' — café" in texts  # \x0b dropped, not an error
    assert "Read this with the Designated Safeguarding Lead first." in texts
    bold = [r.text for p in doc.paragraphs for r in p.runs if r.bold]
    assert "Designated Safeguarding Lead" in bold


def test_block_styles(doc):
    assert paragraphs_with_style(doc, "Answer") == ["The offender is responsible."]
    note = ["Remember", "It is never the young person's fault."]
    assert paragraphs_with_style(doc, "Note") == note
    assert paragraphs_with_style(doc, "Small") == ["Source: NCA, 2024."]
    assert paragraphs_with_style(doc, "Checklist") == ["\u2612\tTicked", "\u2610\tNot ticked"]
    assert len(paragraphs_with_style(doc, "Write-in Line")) == 3
    box = doc.tables[1]
    assert box.style.name == "Box"
    assert [p.text for p in box.cell(0, 0).paragraphs] == ["Activity 1", "Sort the cards."]
    assert box.rows[0]._tr.trPr.find(qn("w:cantSplit")) is not None
    signposting = next(p for p in doc.paragraphs if p.text == "Signposting")
    assert signposting.paragraph_format.page_break_before


def test_reference_sample_body_is_cleared(doc):
    assert not any(p.text.startswith("Normal: body text") for p in doc.paragraphs)
    assert len(doc.tables) == 2  # ours only: the session table and the box


def test_two_renders_are_byte_identical(rendered):
    again = render_docx(markup(), META, PageStyle())
    assert again == rendered
    infos = zipfile.ZipFile(io.BytesIO(rendered)).infolist()
    assert {i.date_time for i in infos} == {(1980, 1, 1, 0, 0, 0)}
    assert infos[0].filename == "[Content_Types].xml"


def test_page_style_paper_and_body_size():
    page = PageStyle(paper="letter", body_size=18)
    doc = docx.Document(io.BytesIO(render_docx(markup(), META, page)))
    assert doc.sections[0].page_width.inches == pytest.approx(8.5)
    body = doc.styles.element.find(f".//{qn('w:rPrDefault')}//{qn('w:sz')}")
    assert body.get(qn("w:val")) == "36"  # half-points
    assert doc.styles["Heading 1"].font.size.pt == 33  # 22 pt in the reference, kept in scale


def test_unknown_element_is_a_template_error():
    with pytest.raises(TemplateError, match="<blink>"):
        render_docx(ET.fromstring("<document><blink>hi</blink></document>"), META, PageStyle())


def without_styles(src: Path, dest: Path, names: set[str]) -> Path:
    """A copy of src whose styles.xml lacks the named styles (as a Word-saved file may)."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dest, "w") as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename == "word/styles.xml":
                styles = etree.fromstring(data)
                for style in styles.findall(qn("w:style")):
                    name = style.find(qn("w:name")).get(qn("w:val"))
                    if name in names:
                        styles.remove(style)
                data = etree.tostring(styles, xml_declaration=True, encoding="UTF-8")
            zout.writestr(info, data)
    return dest


def test_reference_without_heading_2_names_it(tmp_path):
    bad = without_styles(BUNDLED_REFERENCE, tmp_path / "force.docx", {"heading 2"})
    with pytest.raises(ReferenceDocError) as caught:
        render_docx(markup(), META, PageStyle(), bad)
    assert caught.value.message == (
        f"{display_path(bad)}: the Word reference document has no style 'Heading 2'; add it"
        " in Word (or start again from the bundled templates/reference.docx)"
    )


def test_reference_missing_several_styles_names_them_all(tmp_path):
    bad = without_styles(BUNDLED_REFERENCE, tmp_path / "force.docx", {"heading 2", "Answer"})
    with pytest.raises(ReferenceDocError, match="no styles 'Heading 2', 'Answer'; add them"):
        render_docx(markup(), META, PageStyle(), bad)


def test_missing_or_broken_reference_is_a_clear_error(tmp_path):
    with pytest.raises(ReferenceDocError, match="was not found"):
        render_docx(markup(), META, PageStyle(), tmp_path / "nowhere.docx")
    broken = tmp_path / "broken.docx"
    broken.write_text("not a zip")
    with pytest.raises(ReferenceDocError, match="not a Word document"):
        render_docx(markup(), META, PageStyle(), broken)


def test_committed_reference_matches_its_script(tmp_path):
    out = tmp_path / "reference.docx"
    script = runpy.run_path(str(ROOT / "scripts" / "make_reference_docx.py"))
    assert script["main"](["make_reference_docx.py", str(out)]) == 0
    assert out.read_bytes() == BUNDLED_REFERENCE.read_bytes()


def tiny_png() -> bytes:
    """A 1x1 grey PNG, enough to stand for a force logo."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(b"\x00\x80")) + chunk(b"IEND", b""))


def test_logo_in_reference_header_is_kept(tmp_path):
    branded = docx.Document(str(BUNDLED_REFERENCE))
    logo = branded.sections[0].header.add_paragraph()
    logo.add_run().add_picture(io.BytesIO(tiny_png()))
    path = tmp_path / "branded.docx"
    branded.save(str(path))
    rendered = render_docx(markup(), META, PageStyle(), path)
    header = docx.Document(io.BytesIO(rendered)).sections[0].header
    assert header._element.find(f".//{qn('w:drawing')}") is not None
    assert [p.text for p in header.paragraphs] == ["", "Online blackmail\tKey Stage 3 · Years 7–9"]


def test_boxes_one_after_another_stay_separate_tables():
    """Word and LibreOffice join two tables with nothing between them into one: boxes
    that may not split would become one box too tall for a page (a worksheet's part B
    ran to a page of its own, with blank pages before it)."""
    root = ET.fromstring("""<document>
      <box title="Story 1: What could Seb do?"><p>A. Tell an adult.</p></box>
      <box title="Story 1: What could Yara do?"><p>B. Stay off school.</p></box>
      <table widths="50,50"><tr><th>A</th><th>B</th></tr></table>
    </document>""")
    body = docx.Document(io.BytesIO(render_docx(root, META, PageStyle()))).element.body
    blocks = [child.tag for child in body if child.tag in (qn("w:p"), qn("w:tbl"))]
    assert blocks.count(qn("w:tbl")) == 3
    assert all(not (a == b == qn("w:tbl")) for a, b in zip(blocks, blocks[1:]))
