"""Renderers: turn one document, written in lessonpack's block markup, into bytes.

The Jinja2 templates in templates/ produce *block markup*: a small XML vocabulary,
rendered with autoescaping so that no content text can ever add structure. It is
parsed once, by markup.parse, into typed nodes (attributes checked and converted),
and the nodes are handed to the renderer of each format the document is made in:

    registry.render("pdf", nodes, meta, page, assets)  -> bytes   (pdf: reportlab)
    registry.render("docx", nodes, meta, page, assets) -> bytes   (docx: python-docx)

Renderers never read content files, nor look for any file: everything they print
arrives in the nodes or in DocMeta, and the files they use (fonts, the Word reference
document, the force's logo) arrive in Assets, resolved by generator/resources.py.
How to add a node or a format: see the docstring of markup.py.

Block markup
------------
<document>                      root
  <h1>, <h2>, <h3>              headings (inline content)
  <p>                           paragraph (inline content)
  <p class="small">             smaller print (sources, notes)
  <answer>                      an answer in the answer key (inline content)
  <ul><li>…</li></ul>           bullet list (inline content in each li)
  <ol><li>…</li></ol>           numbered list
  <table widths="30,70">        table; widths are per cent of the text width (optional)
    <tr><th>…</th></tr>         a row of <th> cells is a header row, repeated on each page
    <tr><td>…</td></tr>         body rows; cells hold inline content
    <td><tick label="True"/></td>  a cell holding a drawn tick box (true/false grids) and
                                nothing else; label is required;
                                add checked="true" to tick it (answer key). The PDF
                                draws the box alone, centred under its column header;
                                Word writes a ballot-box glyph followed by the label,
                                so a screen reader says what the box is for
  <box title="…">…</box>        an activity box: never split across pages; holds blocks
  <box title="…" breakable="true">  a box that may continue on the next page (a long
                                story to read); its second part is titled "(continued)"
  <note title="…">…</note>      a shaded call-out (safeguarding, "Remember"); holds blocks
  <checklist>                   tick boxes drawn as shapes
    <item>…</item>              an empty box and its text
    <item checked="true">…</item>  a ticked box (answer key)
  </checklist>
  <lines count="3"/>            write-in lines for pupils; count (1 to 60) is required
  <fields>                      one row of labelled write-in fields (a worksheet cover)
    <field label="Name"/>       a label (required) and a ruled line to write on; equal widths
    <field label="Date">4 March 2026</field>  text already filled in on the line
  </fields>
  <columns>                      blocks side by side (a tick list per story): 2 or 3
    <column>…</column>          <column>s of equal width, each holding blocks (no
    <column>…</column>          <columns>, <pagebreak/> or <cards>). Read column by
  </columns>                    column: the PDF sets them side by side and moves them
                                whole to the next page unless taller than a page (or
                                breakable="true": then each column continues overleaf);
                                Word writes a borderless table of one row, a cell a
                                column, so a screen reader reads column 1, then column 2
  <pagebreak/>
  <slide title="…" layout="…">  one slide of a .pptx deck (the only block a deck holds);
                                layout is "Title Slide", "Section Header" or "Title and
                                Content" (the default), by name from reference.pptx;
                                body-size="28" sets its text size (24 pt at least)
    <p>, <ul>, <ol>             what the slide shows; too much for one slide continues
                                on "(continued)" slides, never in smaller type
    <notes>…</notes>            the speaker notes: <p>, <ul> and <ol>
  </slide>
  <cards columns="2">           cards to cut out (PDF only): a grid, columns (1 to 4)
    <card title="…">…</card>    across, dashed cut lines round every card; a card holds
  </cards>                      <p>, lists, tables, <checklist>, <lines/> and <fields>
                                under its bold title (a feedback slip); never split.
                                min-width="18": no card narrower than 18 font sizes, so
                                large print sets fewer columns; fill="true": the cards
                                repeated, in whole rows, to fill the page (slips to hand
                                out, as many as a sheet holds at any print size)
  <certificate copies="2">      a certificate (PDF only) filling the page inside a double
    <h1>, <p>, <fields>         border, its headings and paragraphs centred; copies (1 or
  </certificate>                2) to a sheet, one above the other, a dashed line between
Inline content: text, <b>…</b> (bold is the only emphasis; never italics) and <br/>
(a line break, e.g. between a phone number and a web address).

Values: checked and breakable are "true" or "false" (also yes/no, 1/0), the same in
every format; widths are positive numbers, one per column. Any other tag, attribute or
value is an error naming the template (markup.py checks it all, once, for every format).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Optional


@dataclass(frozen=True)
class DocMeta:
    """What goes in a document's properties, header and footer."""

    title: str  # e.g. "Online blackmail: worksheet"
    subject: str  # e.g. "Online safety lesson for Key Stage 3 (ages 11–14)"
    author: str  # the force, e.g. "Bedfordshire Police"
    header_left: str  # the band's title for the lesson
    header_right: str  # band, e.g. "Key Stage 3 · Years 7–9"
    footer: str  # force name (and school/date when personalised)
    lang: str = "en-GB"


@dataclass(frozen=True)
class PageStyle:
    """Print options chosen on the command line."""

    paper: str = "a4"  # "a4" or "letter"
    body_size: float = 12.0  # points; 14 for ks2, 18 for large print
    leading: float = 1.35  # line spacing as a multiple of the font size
    large_print: bool = False
    dyslexia_friendly: bool = False  # cream page, wider letter and line spacing
    max_chars: int = 70  # characters a line at most (more for cards and staff briefings)
    furniture: bool = True  # header and footer on every page (not on a certificate)


@dataclass(frozen=True)
class FontFiles:
    """The typefaces the PDFs embed (see generator/fonts.py)."""

    regular: Path
    bold: Path
    fallback: Path  # for characters the main typeface lacks


@dataclass(frozen=True)
class Assets:
    """The files renderers use, found once by generator/resources.assets()."""

    fonts: FontFiles
    logo: Optional[Path] = None  # the force's logo (PNG or JPEG), drawn in the header
    references: tuple[tuple[str, Path], ...] = ()  # ("reference.docx", its path), ...

    def reference(self, name: str) -> Path:
        """The reference file `name` (the renderer reports it if it does not exist)."""
        return dict(self.references)[name]
