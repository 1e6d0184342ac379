"""Block-markup nodes written into a Word document body (or a table cell) with the
reference document's named styles."""

from __future__ import annotations

import re

from docx.enum.text import WD_BREAK, WD_TAB_ALIGNMENT, WD_TAB_LEADER
from docx.oxml.ns import qn
from docx.shared import Pt, Twips

from .. import markup as m
from .docx_private import is_cell, xml
from .wordxml import (_P, _TBL, _add_paragraph, _add_row, _add_run, _block_parent, _cell_margin,
                      _clean, _fix_table_width, _has_numbering, _keep_with_next,
                      _last_block_tag, _row_flag, _set_num, _shade)


BALLOT_BOX, BALLOT_BOX_X = "\u2610", "\u2612"  # ☐ ☒
SYMBOL_FONT = "Segoe UI Symbol"  # has the ballot boxes; Word/LibreOffice fall back if absent
HEADER_SHADING = "D9D9D9"  # light grey: readable in greyscale print
AFTER_TABLE_PT = 8  # space between a table and the paragraph after it
LIST_END_PT = 8  # after a list's last item, as after a paragraph

COLUMN_CELL_MARGIN = 108  # twips each side of a column's cell (Word's default)

LINE_BREAK = object()  # <br/> among the pieces of inline text

# Markup whitespace (template indentation) collapses like HTML; no-break spaces survive.
_MARKUP_SPACE = re.compile("[ \t\r\n]+")


# --- body --------------------------------------------------------------------------


class _Writer:
    """Writes block markup into a document body or a table cell (a box)."""

    def __init__(self, doc, style_ids: dict[str, str], source: str = "template"):
        self.doc = doc
        self.source = source
        self.numbering = doc.part.numbering_part.element if _has_numbering(doc) else None
        self.page_break_pending = False
        self.style_ids = style_ids
        self._styles: dict[str, object] = {}

    def style(self, name: str):
        """A style by name, looked up once (python-docx scans every style to find it)."""
        if name not in self._styles:
            self._styles[name] = self.doc.styles[name]
        return self._styles[name]

    # Each block handler takes (node, container, width in twips, inside a note?);
    # the container is the document body or a table cell (python-docx BlockItemContainer).
    def blocks(self, nodes: tuple[m.Block, ...], container, width: int,
               in_note: bool = False) -> None:
        for i, node in enumerate(nodes):
            handler = self._HANDLERS.get(type(node))
            if handler is None:
                raise m.unsupported(node, "Word", self.source)
            handler(self, node, container, width, in_note)
            if i + 1 < len(nodes) and isinstance(nodes[i + 1], m.Lines):
                # A question stays on the page of the lines its answer is written on.
                last = next((el for el in reversed(_block_parent(container))
                             if el.tag in (_P, _TBL)), None)
                if last is not None and last.tag == _P:
                    _keep_with_next(last)

    def paragraph(self, container, style: str):
        follows_table = _last_block_tag(container) == _TBL
        para = _add_paragraph(container, self.style_ids[style])
        if self.page_break_pending and container is self.doc:
            para.paragraph_format.page_break_before = True
            self.page_break_pending = False
        if follows_table and not style.startswith("Heading") and style != "Note":
            para.paragraph_format.space_before = Pt(AFTER_TABLE_PT)  # text touching a table's rule
        return para

    def heading(self, node: m.Heading, container, width, in_note):
        _inline(self.paragraph(container, f"Heading {node.level}"), node.content)

    def para(self, node: m.Paragraph, container, width, in_note):
        style = "Note" if in_note else ("Small" if node.small else "Normal")
        para = self.paragraph(container, style)
        runs = _inline(para, node.content)
        text = "".join("\n" if run is LINE_BREAK else run for run, _ in runs)
        lead_in = text.endswith(":") or (runs and all(b and r is not LINE_BREAK for r, b in runs))
        if lead_in and not is_cell(container):
            # "Points to draw out:" or a bold question introduces what follows:
            # never leave it alone at the foot of a page.
            _keep_with_next(xml(para))

    def answer(self, node: m.Answer, container, width, in_note):
        _inline(self.paragraph(container, "Answer"), node.content)

    def listing(self, node: m.ListBlock, container, width, in_note):
        style = "List Number" if node.numbered else "List Bullet"
        num_id = self._restarted_num(style) if node.numbered else None
        for li in node.items:
            para = self.paragraph(container, "Note" if in_note else style)
            if in_note:  # a list inside a shaded note: Note look, the list's numbering
                # Same indents as the Note paragraphs (the numbering's own would shift
                # this paragraph), so Word and LibreOffice draw one shaded box.
                num_id = num_id or self._style_num_id(style)
                note_format = self.style("Note").paragraph_format
                para.paragraph_format.left_indent = note_format.left_indent or Twips(0)
                para.paragraph_format.first_line_indent = Twips(0)
            if num_id is not None:
                _set_num(para, num_id)
            _inline(para, li)
        if not in_note and node.items:
            para.paragraph_format.space_after = Pt(LIST_END_PT)  # list items sit closer

    def table(self, node: m.Table, container, width, in_note):
        ncols = node.columns
        if not ncols:
            return
        self._flush_page_break(container)
        col_widths = _column_widths(node.widths, ncols, width)
        table = container.add_table(rows=0, cols=ncols)
        xml(table).tblPr.style = self.style_ids["Table Grid"]
        _fix_table_width(table, col_widths)
        heading_rows = True
        for row in node.rows:
            heading_rows = heading_rows and row.is_header  # header rows repeat on each page
            cells = _add_row(table, col_widths, header=heading_rows)
            for cell, content in zip(cells, row.cells):
                para = cell.paragraphs[0]
                if content.tick:
                    # The glyph and its label: a screen reader says what the box is for.
                    _tick(para, content.tick.checked)
                    _add_run(para, " " + _clean(content.tick.label))
                    continue
                _inline(para, content.content, bold=content.header)
                if content.header:
                    _shade(cell, HEADER_SHADING)

    def box(self, node: m.Box, container, width, in_note):
        """An activity box: a one-cell table whose row may not split across pages.
        A breakable box (a long story) is a titled run of paragraphs instead: word
        processors move a table whole to the next page after a kept-with-next heading."""
        if node.breakable:
            if node.title:
                _add_run(self.paragraph(container, "Heading 3"), _clean(node.title))
            self.blocks(node.blocks, container, width, in_note)
            return
        self._flush_page_break(container)
        table = container.add_table(rows=1, cols=1)
        xml(table).tblPr.style = self.style_ids["Box"]
        _fix_table_width(table, [width])
        _row_flag(table.rows[0], "w:cantSplit")
        cell = table.cell(0, 0)
        cell.width = Twips(width)
        first = xml(cell).find(_P)
        if node.title:
            title = self.paragraph(cell, "Heading 3")
            _add_run(title, _clean(node.title))
            title.paragraph_format.space_before = Twips(0)
        self.blocks(node.blocks, cell, width - 2 * _cell_margin(self.style("Box")), in_note)
        xml(cell).remove(first)  # the empty paragraph every new cell starts with
        if xml(cell)[-1].tag != qn("w:p"):
            cell.add_paragraph()  # Word requires a cell to end with a paragraph
        for p in xml(cell).findall(_P)[:-1]:
            _keep_with_next(p)

    def note(self, node: m.Note, container, width, in_note):
        start = len(_block_parent(container).findall(_P))
        if node.title:
            title = self.paragraph(container, "Note")
            _add_run(title, _clean(node.title), bold=True)
        self.blocks(node.blocks, container, width, in_note=True)
        for p in _block_parent(container).findall(_P)[start:-1]:
            _keep_with_next(p)  # a call-out reads as one piece

    def checklist(self, node: m.Checklist, container, width, in_note):
        for item in node.items:
            para = self.paragraph(container, "Checklist")
            _tick(para, item.checked)
            _add_run(para, "\t")
            _inline(para, item.content)

    def fields(self, node: m.Fields, container, width, in_note):
        """"Name: ____  Class: ____": each label, its text, then a tab whose underscore
        leader draws the line to write on; a screen reader reads the labels."""
        para = self.paragraph(container, "Normal")
        fields = node.fields or (m.Field("Name"),)
        gap = 340  # twips between one field's line and the next label
        for i, field in enumerate(fields):
            stop = round(width * (i + 1) / len(fields)) - (gap if i < len(fields) - 1 else 0)
            para.paragraph_format.tab_stops.add_tab_stop(
                Twips(stop), WD_TAB_ALIGNMENT.LEFT, WD_TAB_LEADER.LINES)
            if i:
                _add_run(para, "\u00a0" * 3)  # clear of the previous line
            _add_run(para, _clean(field.label) + ":", bold=True)
            value = _MARKUP_SPACE.sub(" ", _clean(field.value)).strip()
            _add_run(para, f" {value}\t" if value else " \t")
        para.paragraph_format.space_before = Pt(6)
        para.paragraph_format.space_after = Pt(10)

    def lines(self, node: m.Lines, container, width, in_note):
        """Write-in lines, kept together on one page (each keeps with the next)."""
        count = max(0, min(node.count, m.MAX_LINES))
        for i in range(count):
            para = self.paragraph(container, "Write-in Line")
            if i < count - 1:
                _keep_with_next(xml(para))

    def columns(self, node: m.Columns, container, width, in_note):
        """A borderless table of one row, a cell a column: read in order, the whole of
        column 1, then column 2, as a screen reader reads a table's cells. The row
        never splits across pages unless the columns are breakable."""
        self._flush_page_break(container)
        count = len(node.columns)
        col_widths = [width // count] * count
        table = container.add_table(rows=0, cols=count)
        _no_borders(xml(table).tblPr)
        _fix_table_width(table, col_widths)
        cells = _add_row(table, col_widths, header=False)
        if node.breakable:
            tr_pr = xml(table.rows[0]).trPr
            tr_pr.remove(tr_pr.find(qn("w:cantSplit")))
        margin = 2 * COLUMN_CELL_MARGIN
        for cell, blocks in zip(cells, node.columns):
            first = xml(cell).find(_P)
            self.blocks(blocks, cell, width // count - margin, in_note)
            xml(cell).remove(first)  # the empty paragraph every new cell starts with
            if xml(cell)[-1].tag != qn("w:p"):
                cell.add_paragraph()  # Word requires a cell to end with a paragraph

    def pagebreak(self, node: m.PageBreak, container, width, in_note):
        if container is self.doc:  # a break inside a box or table cell means nothing
            self.page_break_pending = True  # on the next paragraph: no stray empty line

    def _flush_page_break(self, container) -> None:
        """Before a table. A table cannot carry page-break-before: give it a paragraph
        holding the break. Two tables with nothing between them are joined into one by
        Word and LibreOffice (boxes that may not split become one box that cannot fit a
        page): a thin empty paragraph keeps them apart."""
        if self.page_break_pending and container is self.doc:
            self.page_break_pending = False
            self.doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
        elif _last_block_tag(container) == _TBL:
            spacer = _add_paragraph(container, self.style_ids["Normal"]).paragraph_format
            spacer.space_before, spacer.space_after = Pt(0), Pt(0)
            spacer.line_spacing = Pt(6)

    def _style_num_id(self, style: str) -> int | None:
        num_pr = self.style(style).element.pPr
        num_pr = num_pr.find(qn("w:numPr")) if num_pr is not None else None
        num_id = num_pr.find(qn("w:numId")) if num_pr is not None else None
        return int(num_id.get(qn("w:val"))) if num_id is not None else None

    def _restarted_num(self, style: str) -> int | None:
        """A new w:num for one <ol>, so every numbered list starts again at 1."""
        base = self._style_num_id(style)
        if base is None or self.numbering is None:
            return None
        try:
            num = self.numbering.num_having_numId(base)
        except KeyError:  # a hand-made reference may point at a missing definition
            return None
        new = self.numbering.add_num(num.abstractNumId.val)
        new.add_lvlOverride(ilvl=0).add_startOverride(1)
        return new.numId

    _HANDLERS = {
        m.Heading: heading, m.Paragraph: para, m.Answer: answer, m.ListBlock: listing,
        m.Table: table, m.Box: box, m.Note: note, m.Checklist: checklist, m.Lines: lines,
        m.Fields: fields, m.PageBreak: pagebreak, m.Columns: columns,
    }  # fmt: skip


def _inline(para, content: m.Inline, bold: bool = False) -> list[tuple[object, bool]]:
    """Add inline content (text, bold, line breaks) as runs, whitespace collapsed like
    HTML. Returns the runs written: (text or LINE_BREAK, bold)."""
    pieces: list[tuple[str, bool]] = []

    def walk(items: m.Inline, is_bold: bool) -> None:
        for item in items:
            if isinstance(item, str):
                pieces.append((item, is_bold))
            elif isinstance(item, m.Break):
                pieces.append((LINE_BREAK, is_bold))
            else:
                walk(item.content, True)

    walk(content, bold)
    text_so_far = ""
    runs: list[list] = []
    for raw, is_bold in pieces:
        if raw is LINE_BREAK:
            text_so_far = text_so_far.rstrip(" ") + "\n"
            if runs and runs[-1][0] is not LINE_BREAK:
                runs[-1][0] = runs[-1][0].rstrip(" ")
            runs.append([LINE_BREAK, is_bold])
            continue
        text = _MARKUP_SPACE.sub(" ", _clean(raw))
        if text.startswith(" ") and (not text_so_far or text_so_far.endswith((" ", "\n"))):
            text = text[1:]
        if not text:
            continue
        text_so_far += text
        if runs and runs[-1][1] == is_bold and runs[-1][0] is not LINE_BREAK:
            runs[-1][0] += text
        else:
            runs.append([text, is_bold])
    if runs and runs[-1][0] is not LINE_BREAK:
        runs[-1][0] = runs[-1][0].rstrip(" ")
    written = [(text, is_bold) for text, is_bold in runs if text]
    for text, is_bold in written:
        _add_run(para, "\n" if text is LINE_BREAK else text, bold=is_bold and text is not LINE_BREAK)
    return written


def _no_borders(tbl_pr) -> None:
    """No borders on a layout table (columns), whatever its default style draws."""
    from docx.oxml import OxmlElement

    borders = OxmlElement("w:tblBorders")
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        el = OxmlElement(f"w:{side}")
        el.set(qn("w:val"), "nil")
        borders.append(el)
    tbl_pr.insert_element_before(
        borders, "w:shd", "w:tblLayout", "w:tblCellMar", "w:tblLook", "w:tblCaption",
        "w:tblDescription")


def _tick(para, checked: bool) -> None:
    _add_run(para, BALLOT_BOX_X if checked else BALLOT_BOX, font=SYMBOL_FONT)


def _column_widths(spec: tuple[float, ...] | None, ncols: int, width: int) -> list[int]:
    """Per-cent widths (checked by the markup parser) as twips; equal columns if absent."""
    parts = list(spec) if spec and len(spec) == ncols else [1.0] * ncols
    total = sum(parts)
    return [round(width * p / total) for p in parts]
