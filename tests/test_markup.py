"""Block markup is parsed once, into typed nodes, for every format: a template with a
mistake in its markup is one line naming the template and the mistake, whichever
format the document is made in."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from conftest import LESSONS, run_cli
from generator.documents import DOCUMENTS
from generator.errors import MarkupError, display_path
from generator.render import markup as m
from generator.render.registry import FORMATS

# (markup inside <document>, what the error says after "<template>: ")
BAD_MARKUP = [
    ("<video/>", "<video>: unknown block; known blocks: " + ", ".join(sorted(m.BLOCKS))),
    ('<lines count="many"/>', "<lines count=\"many\">: count must be a whole number from 1 "
                              "to 60, not 'many'"),
    ('<lines count="0"/>', "<lines count=\"0\">: count must be a whole number from 1 to 60, "
                           "not '0'"),
    ("<lines/>", '<lines>: needs a count="…" attribute'),
    ('<checklist><item checked="maybe">Secrets</item></checklist>',
     '<item checked="maybe">: checked must be "true" or "false", not \'maybe\''),
    ('<table><tr><td><tick label="True" checked="maybe"/></td></tr></table>',
     '<tick label="True" checked="maybe">: checked must be "true" or "false", not \'maybe\''),
    ("<table><tr><td><tick/></td></tr></table>", '<tick>: needs a label="…" attribute'),
    ('<box title="Story" breakable="perhaps"><p>Text</p></box>',
     '<box title="Story" breakable="perhaps">: breakable must be "true" or "false", '
     "not 'perhaps'"),
    ('<table widths="30,many"><tr><td>a</td><td>b</td></tr></table>',
     '<table widths="30,many">: widths must be positive numbers separated by commas, '
     "e.g. widths=\"30,70\", not '30,many'"),
    ('<table widths="30,70,10"><tr><td>a</td><td>b</td></tr></table>',
     '<table widths="30,70,10">: widths gives 3 column widths but the table has 2 columns'),
    ('<box titel="Story"><p>Text</p></box>',
     '<box titel="Story">: unknown attribute titel; it takes title, breakable'),
    ("<p>Never <i>italics</i></p>",
     "<i>: not allowed inside <p>: text here may hold only <b>…</b> and <br/>"),
    ('<p class="huge">Big</p>', "<p class=\"huge\">: class may only be \"small\", not 'huge'"),
    ("<ul><p>Not an item</p></ul>", "<p>: not allowed inside <ul>, which holds only <li>"),
    ("<note title='Remember'>loose text</note>",
     "<note title=\"Remember\">: text 'loose text' outside a paragraph; put it in <p>…</p>"),
    ("<fields><field/></fields>", '<field>: needs a label="…" attribute'),
]


def one_document_per_format() -> list[tuple[str, str]]:
    """(format, template) for each registered format: a document made in it."""
    chosen = {}
    for document in DOCUMENTS:
        chosen.setdefault(document.format, document.template)
    return [(fmt, chosen.get(fmt)) for fmt in FORMATS]


def test_every_registered_format_has_a_document():
    assert all(template for _, template in one_document_per_format())


@pytest.mark.parametrize("fmt, template", one_document_per_format())
@pytest.mark.parametrize("bad, message", BAD_MARKUP, ids=[b for b, _ in BAD_MARKUP])
def test_bad_markup_in_a_user_template_is_one_line(tmp_path, fmt, template, bad, message):
    mine = tmp_path / "templates"
    mine.mkdir()
    path = mine / template
    path.write_text(f"<document>\n<h1>Title</h1>\n{bad}\n</document>\n", encoding="utf-8")
    out = tmp_path / "out"
    result = run_cli("build", "--lessons", str(LESSONS), "--output", str(out),
                     "--templates", str(mine), "--lesson", "online-blackmail", "--band", "ks3",
                     "--jobs", "1")
    assert result.exit_code == 1
    assert result.output == f"{display_path(path)}:3: {message}\n"  # the line it is on
    assert not any(p.suffix == f".{fmt}" for p in out.rglob("*"))  # nothing half-written


def test_a_mistake_made_by_an_expression_names_the_template_without_a_line(tmp_path):
    mine = tmp_path / "templates"
    mine.mkdir()
    path = mine / "worksheet.xml.j2"
    path.write_text('<document>\n<lines count="{{ 2 * 100 }}"/>\n</document>\n',
                    encoding="utf-8")
    result = run_cli("build", "--lessons", str(LESSONS), "--output", str(tmp_path / "out"),
                     "--templates", str(mine), "--lesson", "online-blackmail", "--band", "ks3",
                     "--jobs", "1")
    assert result.exit_code == 1
    assert result.output == (f"{display_path(path)}: <lines count=\"200\">: count must be a "
                             "whole number from 1 to 60, not '200'\n")


def parse(text: str) -> m.Document:
    return m.parse(ET.fromstring(text), "t.xml.j2")


def test_attributes_arrive_converted():
    doc = parse('<document><table widths="30,70"><tr><th>A</th><th>B</th></tr>'
                '<tr><td><tick label="True" checked="TRUE"/></td><td>x <b>y</b><br/>z</td></tr>'
                '</table><checklist><item checked="false">a</item><item checked="true">b</item>'
                '</checklist><lines count="2"/><box title="T" breakable="true"><p>p</p></box>'
                '<fields><field label="Name"/><field label="Date">4 March</field></fields>'
                "</document>")
    table, checklist, lines, box, fields = doc.blocks
    assert table.widths == (30.0, 70.0) and table.columns == 2
    assert table.rows[0].is_header and not table.rows[1].is_header
    assert table.rows[1].cells[0].tick == m.Tick("True", True)
    assert table.rows[1].cells[1].content == ("x ", m.Bold(("y",)), m.BREAK, "z")
    assert [item.checked for item in checklist.items] == [False, True]
    assert lines == m.Lines(2)
    assert box.breakable and box.title == "T" and box.blocks == (m.Paragraph(("p",)),)
    assert fields.fields == (m.Field("Name"), m.Field("Date", "4 March"))


def test_nodes_are_frozen():
    doc = parse('<document><lines count="2"/></document>')
    with pytest.raises(AttributeError):
        doc.blocks[0].count = 3


def test_the_root_must_be_document():
    with pytest.raises(MarkupError) as caught:
        parse("<page><p>x</p></page>")
    assert caught.value.message == "t.xml.j2: <page>: block markup must start with <document>"


def test_a_new_node_is_one_registered_parser():
    """How the slide and card nodes are added: a dataclass and an @block parser."""
    from dataclasses import dataclass

    @dataclass(frozen=True)
    class Shout(m.Block):
        content: m.Inline
        loud: bool

    @m.block("shout")
    def _shout(p, el):
        p.attrs(el, optional=("loud",))
        return Shout(p.inline(el), p.boolean(el, "loud"))

    try:
        doc = parse('<document><shout loud="yes">Hi</shout></document>')
        assert doc.blocks == (Shout(("Hi",), True),)
    finally:
        del m.BLOCKS["shout"]
