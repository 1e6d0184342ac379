"""Block-markup nodes -> reportlab flowables."""

from __future__ import annotations

from reportlab.lib.units import cm
from reportlab.platypus import (
    Flowable,
    ListFlowable,
    ListItem,
    PageBreak,
    Table,
    TableStyle,
)

from .. import markup as m
from .flowables import (
    MIN_ITEMS_EACH_SIDE,
    _Repeated,
    _Certificate,
    _CheckItem,
    _Columns,
    _Fields,
    _Items,
    _Panel,
    _PanelStyle,
    _Rule,
    _TickCell,
    _WriteLines,
)
from .rl_private import _KeepWithNext, _Para
from .styles import ACCENT, MIN_SIDE_MARGIN, MUTED, RULE, TINT, TINT_LIGHT, TINT_STRONG, _Look
from .text import FONT, FONT_BOLD, _markup, _text_width

CUT_DASH = (4, 3)  # dashed cut lines round cards: 4 pt on, 3 pt off
COLUMN_GAP = 1.5  # between columns, in font sizes


class _Table(Table):
    """A table that splits only between rows and keeps at least MIN_ITEMS_EACH_SIDE body
    rows on each page: never a header with one row under it, never a last row alone.
    (Only a table taller than a page that cannot be split so splits where it must.)"""

    _frame_height = float("inf")
    spread = 0.0  # how far it may reach into the right margin

    def wrap(self, availWidth, availHeight):
        width, height = super().wrap(availWidth + self.spread, availHeight)
        return min(width, availWidth), height

    def split(self, availWidth, availHeight):
        parts = super().split(availWidth + self.spread, availHeight)
        for part in parts:
            if isinstance(part, _Table):
                part._frame_height, part.spread = self._frame_height, self.spread
        return parts

    def _getFirstPossibleSplitRowPosition(self, availHeight, ignoreSpans=0):
        n = super()._getFirstPossibleSplitRowPosition(availHeight, ignoreSpans)
        rows = len(self._rowHeights)
        if n >= rows:
            return n
        header = self.repeatRows if isinstance(self.repeatRows, int) else max(self.repeatRows) + 1
        least = MIN_ITEMS_EACH_SIDE
        n = min(n, rows - least)
        if n - header < least:
            if sum(self._rowHeights) > self._frame_height:
                return super()._getFirstPossibleSplitRowPosition(availHeight, ignoreSpans)
            return 0  # too few rows fit here: the table moves to the next page
        return n


# --- block markup -> flowables ---------------------------------------------------------


def _inline(content: m.Inline) -> str:
    """Inline content as reportlab markup: all text escaped, only <b> and <br/> let through."""
    out = []
    for item in content:
        if isinstance(item, str):
            out.append(_markup(item))
        elif isinstance(item, m.Break):
            out.append("<br/>")
        else:
            out.append(f"<b>{_inline(item.content)}</b>")
    return "".join(out)


class _Builder:
    def __init__(self, look: _Look, source: str = "template", logo=None):
        self.look = look
        self.source = source
        self.logo = logo  # the force's logo: a certificate, having no header, carries it
        self.st = look.styles
        s = look.size
        self.pad = s * 0.85
        self.box = _PanelStyle(stroke=ACCENT, stroke_width=1.2, strip=TINT_STRONG, radius=s * 0.35)
        self.note = _PanelStyle(fill=TINT, bar=ACCENT, bar_width=s * 0.35)
        self.answer = _PanelStyle(fill=TINT_LIGHT, bar=MUTED, bar_width=s * 0.25)
        self.width = look.measure  # the width blocks are set in (narrower on a card)

    def blocks(self, nodes: tuple[m.Block, ...], top: bool) -> list[Flowable]:
        """Flowables for a sequence of blocks. At the top level, headings and a block
        followed by write-in lines are kept with what follows them."""
        out: list[Flowable] = []
        pending: list[Flowable] = []
        for i, node in enumerate(nodes):
            flowables = self.block(node)
            if top and (isinstance(node, m.Columns) or isinstance(node, m.Table) and node.wide):
                # On the page (not in a box), columns and a wide table may reach into the
                # right margin, to the least margin: their lines are short.
                for f in flowables:
                    f.spread = self._spread()
            if not flowables:
                continue
            nxt = nodes[i + 1] if i + 1 < len(nodes) else None
            sticky = isinstance(node, m.Heading) or isinstance(nxt, m.Lines)
            if top and sticky and nxt is not None:
                pending += flowables
            elif top and pending:
                out.append(_KeepWithNext(pending, flowables))
                pending = []
            else:
                out += flowables
        return out + pending

    def block(self, node: m.Block) -> list[Flowable]:
        st, s = self.st, self.look.size
        if isinstance(node, m.Heading):
            tag = f"h{node.level}"
            para = _Para(_inline(node.content), st[tag])
            if node.level == 1:
                return [para, _Rule(max(1.5, s * 0.14), ACCENT, s * 0.9)]
            return [para]
        if isinstance(node, m.Paragraph):
            return [_Para(_inline(node.content), st["small" if node.small else "p"])]
        if isinstance(node, m.Answer):
            return [self._panel([_Para(_inline(node.content), st["p"])], None, self.answer,
                                s * 0.6)]
        if isinstance(node, m.ListBlock):
            return [self._list(node)]
        if isinstance(node, m.Table):
            table = self._table(node)
            return [table] if table else []
        if isinstance(node, m.Box):
            return [self._panel(self.blocks(node.blocks, top=False), node.title, self.box,
                                s * 0.9, node.breakable)]
        if isinstance(node, m.Note):
            return [self._panel(self.blocks(node.blocks, top=False), node.title, self.note,
                                s * 0.6)]
        if isinstance(node, m.Checklist):
            return [_Items([_CheckItem(_Para(_inline(item.content), st["item"]), s, item.checked)
                            for item in node.items], self.look.frame_height)]
        if isinstance(node, m.Columns):
            columns = [self.blocks(column, top=False) for column in node.columns]
            return [_Columns(columns, s * COLUMN_GAP, self.look.frame_height,
                             3 * st["p"].leading, node.breakable)]
        if isinstance(node, m.Lines):
            return [_WriteLines(max(1, node.count), self._write_gap(), s * 0.6,
                                self.look.frame_height)]
        if isinstance(node, m.Fields):
            fields = [(f.label, " ".join(f.value.split())) for f in node.fields]
            return [_Fields(fields or [("Name", "")], s, self._write_gap())]
        if isinstance(node, m.PageBreak):
            return [PageBreak()]
        if isinstance(node, m.Cards):
            return [self._cards(node)]
        if isinstance(node, m.Certificate):
            return [self._certificate(node)]
        raise m.unsupported(node, "PDF", self.source)

    def _certificate(self, node: m.Certificate) -> _Certificate:
        """Its headings and paragraphs centred (styles "certificate_h1" and so on), its
        fields as on a worksheet cover."""
        content: list[Flowable] = []
        for block in node.blocks:
            if isinstance(block, m.Heading):
                style = f"certificate_h{block.level}"
            elif isinstance(block, m.Paragraph):
                style = "certificate_small" if block.small else "certificate_p"
            else:
                content += self.block(block)
                continue
            content.append(_Para(_inline(block.content), self.st[style]))
        return _Certificate(content, node.copies, self.look.size, CUT_DASH, self.logo)

    def _card_columns(self, node: m.Cards) -> int:
        s, columns = self.look.size, node.columns
        while columns > 1 and self.look.measure / columns - 2 * s * 0.7 < node.min_width * s:
            columns -= 1  # large print: fewer, wider cards
        return columns

    def _cards(self, node: m.Cards) -> Flowable:
        """A grid of cards, `columns` across, each row as tall as its tallest card and
        never split; dashed lines round every card show where to cut. With `fill`, the
        cards are repeated, in whole rows, for as many rows as the page has room for."""
        if node.fill:
            columns = self._card_columns(node)
            return _Repeated(lambda rows: self._card_grid(node, rows * columns))
        return self._card_grid(node, len(node.cards))

    def _card_grid(self, node: m.Cards, count: int) -> Table:
        """`count` cards, going round node.cards as often as that takes."""
        s, columns = self.look.size, self._card_columns(node)
        pad = s * 0.7
        cells = []
        inner = self.look.measure / columns - 2 * pad
        self.width, measure = inner, self.width  # what a table on a card is set in
        for i in range(count):
            card = node.cards[i % len(node.cards)]
            content = [_Para(_markup(card.title), self.st["card_title"])]
            for block in card.blocks:
                content += self.block(block)
            cells.append(content)
        self.width = measure
        count = len(cells)
        # A card taller than a page (a long scene in large print) may continue overleaf;
        # every other card stays whole.
        tallest = max((sum(f.wrap(inner, self.look.frame_height)[1] + f.getSpaceAfter()
                           for f in content) for content in cells), default=0)
        split = 1 if tallest + 2 * pad > self.look.frame_height * 0.9 else 0
        cells += [""] * (-count % columns)
        rows = [cells[i:i + columns] for i in range(0, len(cells), columns)]
        # A dashed box round each card (not round the empty places after the last one):
        # op, cells, width, colour, cap, dash pattern.
        cuts = [("BOX", (i % columns, i // columns), (i % columns, i // columns), 0.8, MUTED,
                 None, CUT_DASH) for i in range(count)]
        table = Table(rows, colWidths=[f"{100 / columns:.4f}%"] * columns, splitInRow=split,
                      hAlign="LEFT", style=TableStyle([
                          ("FONT", (0, 0), (-1, -1), FONT, s),
                          ("VALIGN", (0, 0), (-1, -1), "TOP"),
                          ("LEFTPADDING", (0, 0), (-1, -1), pad),
                          ("RIGHTPADDING", (0, 0), (-1, -1), pad),
                          ("TOPPADDING", (0, 0), (-1, -1), pad),
                          ("BOTTOMPADDING", (0, 0), (-1, -1), pad),
                          *cuts,
                      ]))
        table.spaceBefore, table.spaceAfter = s * 0.3, s * 0.9
        return table

    def _spread(self) -> float:
        return max(0.0, self.look.side_margin - MIN_SIDE_MARGIN)

    def _write_gap(self) -> float:
        return max(1.0 * cm, self.look.size * 2.2)  # ~1 cm for 12 pt, wider for large print

    def _panel(self, content, title, look, space_after, breakable=False):
        panel = _Panel(content, title, look, self.st, self.pad, self.look.frame_height,
                       breakable)
        panel.spaceBefore, panel.spaceAfter = self.look.size * 0.3, space_after
        return panel

    def _list(self, node: m.ListBlock) -> _Items:
        """The list's items, bullets or numbers drawn by reportlab, in a run that splits
        only between items, at least two on each side."""
        s = self.look.size
        items = [ListItem(_Para(_inline(li), self.st["li"])) for li in node.items]
        numbered = node.numbered
        flowable = ListFlowable(
            items,
            bulletType="1" if numbered else "bullet",
            start=None if numbered else "\u2022",
            bulletFormat="%s." if numbered else None,
            bulletFontName=FONT_BOLD if numbered else FONT,
            bulletFontSize=s,
            bulletColor=ACCENT,
            leftIndent=s * (2.0 if numbered else 1.5),
            bulletDedent=s * (1.6 if numbered else 1.1),
        )
        return _Items(list(flowable.split(self.look.measure, self.look.frame_height)),
                      self.look.frame_height, space_after=s * 0.6)

    def _table(self, node: m.Table) -> Table | None:
        rows = node.rows
        ncols = node.columns
        if not ncols:
            return None
        # Columns of tick boxes are centred, headers included.
        tick_cols = {i for row in rows for i, cell in enumerate(row.cells) if cell.tick}
        data, header_rows = [], 0
        for r, row in enumerate(rows):
            cells = []
            for i, cell in enumerate(row.cells):
                if cell.tick:
                    cells.append(_TickCell(self.look.size, self.look.leading, cell.tick.checked))
                    continue
                style = "th" if cell.header else "cell"
                if cell.header and i in tick_cols:
                    style = "th_centre"
                cells.append(_Para(_inline(cell.content), self.st[style]))
            cells += [""] * (ncols - len(cells))
            data.append(cells)
            if r == header_rows and row.cells and row.is_header:
                header_rows += 1
        pad = self.look.size * 0.5
        percents = _percentages(node.widths, ncols)
        if tick_cols and len(tick_cols) < ncols:
            # A tick column is at least as wide as its header word ("False" in large
            # print), never broken mid-word; the widest other column gives up the room.
            need = {i: 100 * (max((_text_width(text, FONT_BOLD, self.look.size)
                                   + len(text) * self.look.tracking
                                   for row in rows if i < len(row.cells)
                                   for text in [m.plain_text(row.cells[i].content)]),
                                  default=0)
                              + 2 * pad + 1) / self.width
                    for i in tick_cols}
            for i, least in sorted(need.items()):
                if percents[i] < least:
                    widest = max((j for j in range(ncols) if j not in tick_cols),
                                 key=lambda j: percents[j])
                    percents[widest] -= least - percents[i]
                    percents[i] = least
        # Per-cent strings: reportlab resolves them against the width a table gets, in a box too.
        widths = [f"{p:.4f}%" for p in percents]
        commands = [
            ("FONT", (0, 0), (-1, -1), FONT, self.look.size),  # else cells set an unembedded Helvetica
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            *[("ALIGN", (i, 0), (i, -1), "CENTER") for i in sorted(tick_cols)],
            ("LEFTPADDING", (0, 0), (-1, -1), pad),
            ("RIGHTPADDING", (0, 0), (-1, -1), pad),
            # 0.25 and 0.4 of the font size above and below a row's text: rows read
            # apart, and a plan's timings table leaves page 1 room for the rest of the
            # crib sheet.
            ("TOPPADDING", (0, 0), (-1, -1), pad * 0.5),
            ("BOTTOMPADDING", (0, 0), (-1, -1), pad * 0.8),
            ("GRID", (0, 0), (-1, -1), 0.6, RULE),
            ("BOX", (0, 0), (-1, -1), 1, ACCENT),
        ]
        if header_rows:
            commands += [
                ("BACKGROUND", (0, 0), (-1, header_rows - 1), TINT),
                ("LINEBELOW", (0, header_rows - 1), (-1, header_rows - 1), 1.2, ACCENT),
            ]
        table = _Table(data, colWidths=widths, repeatRows=header_rows, splitInRow=0,
                       hAlign="LEFT", style=TableStyle(commands))
        table._frame_height = self.look.frame_height
        table.spaceBefore, table.spaceAfter = self.look.size * 0.3, self.look.size * 0.9
        return table


def _percentages(widths: tuple[float, ...] | None, ncols: int) -> list[float]:
    """Column widths in per cent (checked by the markup parser); equal columns if absent."""
    if not widths or len(widths) != ncols:
        return [100 / ncols] * ncols
    total = sum(widths)
    return [v * 100 / total for v in widths]
