"""The shapes block markup needs beyond paragraphs and tables: panels (boxes, notes,
answers), tick boxes, write-in lines and fields, rules."""

from __future__ import annotations

from dataclasses import dataclass

from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Flowable, Paragraph

from .rl_private import _Para
from .styles import ACCENT, INK, MUTED, TINT_STRONG, WRITE_LINE
from .text import FONT, FONT_BOLD, _draw_text, _markup, _text_width, _wrap


@dataclass(frozen=True)
class _PanelStyle:
    fill: object = None
    stroke: object = None
    stroke_width: float = 0.0
    bar: object = None  # a bar down the left edge
    bar_width: float = 0.0
    strip: object = None  # fill behind the title
    radius: float = 0.0


class _Panel(Flowable):
    """Blocks inside a bordered or shaded panel, optionally titled.

    The panel moves whole to the next page when it does not fit; only a panel taller
    than a whole page is split (its second part titled "… (continued)"). A breakable
    panel (a long story) fills the rest of the page instead, if a few lines fit."""

    def __init__(self, content: list[Flowable], title: str | None, look: _PanelStyle,
                 st: dict[str, ParagraphStyle], pad: float, frame_height: float,
                 breakable: bool = False):
        super().__init__()
        self.content, self.title, self.look, self.st = content, title, look, st
        self.pad, self.frame_height, self.breakable = pad, frame_height, breakable
        self._title_para = _Para(_markup(title), st["title"]) if title else None

    def _inner_x(self) -> float:
        return self.look.bar_width + self.pad

    def _strip_height(self) -> float:
        return self._title_para.height + self.pad * 1.4  # title padded 0.7 pad above and below

    def _top(self, inner_w: float) -> float:
        """Distance from the panel's top edge to its first block."""
        if not self._title_para:
            return self.pad
        _, h = self._title_para.wrap(inner_w, 1e6)
        if self.look.strip:
            return self._strip_height() + self.pad
        return self.pad + h + self.pad * 0.35

    def wrap(self, availWidth, availHeight):
        if getattr(self, "width", None) == availWidth:
            return self.width, self.height  # children were wrapped at this width already
        inner_w = availWidth - self._inner_x() - self.pad
        self._inner_w = inner_w
        self._top_h = self._top(inner_w)
        self._heights = [f.wrapOn(self.canv, inner_w, 1e6)[1] for f in self.content]
        self.width = availWidth
        self.height = self._top_h + _stacked(self.content, self._heights) + self.pad
        return self.width, self.height

    def split(self, availWidth, availHeight):
        self.wrap(availWidth, availHeight)
        if self.height <= self.frame_height and not self.breakable:
            return []  # fits on a fresh page: move there whole
        room = availHeight - (self.height - _stacked(self.content, self._heights))
        if room < 3 * self.st["p"].leading:
            return []  # a sliver of a panel at a page foot helps nobody
        first, rest = _split_stack(self.canv, self.content, self._inner_w, room)
        if not first or not rest:
            return []
        title = self.title
        cont = title if not title or title.endswith(" (continued)") else f"{title} (continued)"
        args = (self.look, self.st, self.pad, self.frame_height, self.breakable)
        return [_Panel(first, title, *args), _Panel(rest, cont, *args)]

    def draw(self):
        c, lk, w, h = self.canv, self.look, self.width, self.height
        c.saveState()
        path = c.beginPath()
        path.roundRect(0, 0, w, h, lk.radius)
        if lk.fill:
            c.setFillColor(lk.fill)
            c.drawPath(path, stroke=0, fill=1)
        if self._title_para:
            th = self._title_para.height
            title_top = h - self.pad
            if lk.strip:
                strip_h = self._strip_height()
                title_top = h - self.pad * 0.7
                c.saveState()
                c.clipPath(path, stroke=0, fill=0)
                c.setFillColor(lk.strip)
                c.rect(0, h - strip_h, w, strip_h, stroke=0, fill=1)
                c.restoreState()
                if lk.stroke:
                    c.setStrokeColor(lk.stroke)
                    c.setLineWidth(lk.stroke_width * 0.75)
                    c.line(0, h - strip_h, w, h - strip_h)
            self._title_para.drawOn(c, self._inner_x(), title_top - th)
        if lk.bar:
            c.setFillColor(lk.bar)
            c.rect(0, 0, lk.bar_width, h, stroke=0, fill=1)
        if lk.stroke:
            c.setStrokeColor(lk.stroke)
            c.setLineWidth(lk.stroke_width)
            c.drawPath(path, stroke=1, fill=0)
        c.restoreState()
        y = h - self._top_h
        for i, (f, fh) in enumerate(zip(self.content, self._heights)):
            if i:
                y -= max(self.content[i - 1].getSpaceAfter(), f.getSpaceBefore())
            y -= fh
            f.drawOn(c, self._inner_x(), y)


def _stacked(flowables: list[Flowable], heights: list[float]) -> float:
    """Height of flowables stacked with collapsed spacing (none outside the first/last)."""
    total = sum(heights)
    for a, b in zip(flowables, flowables[1:]):
        total += max(a.getSpaceAfter(), b.getSpaceBefore())
    return total


def _split_stack(canv, flowables: list[Flowable], width: float, room: float):
    """Split a list of flowables so the first part fits in `room` points."""
    used = 0.0
    for i, f in enumerate(flowables):
        gap = max(flowables[i - 1].getSpaceAfter(), f.getSpaceBefore()) if i else 0.0
        _, h = f.wrapOn(canv, width, room - used - gap)
        if used + gap + h <= room:
            used += gap + h
            continue
        left = room - used - gap
        parts = f.splitOn(canv, width, left) if left > 0 else []
        if len(parts) == 2 and parts[0].wrapOn(canv, width, left)[1] <= left:
            return flowables[:i] + parts[:1], parts[1:] + flowables[i + 1:]
        if len(parts) >= 2:  # a list that may split anywhere (its items): those that fit
            first, rest = _split_stack(canv, parts, width, left)
            if first:
                return flowables[:i] + first, rest + flowables[i + 1:]
        return flowables[:i], flowables[i:]
    return flowables, []


class _CheckItem(Flowable):
    """A checklist item: a drawn square (ticked when checked) and its wrapped text."""

    def __init__(self, para: Paragraph, size: float, checked: bool):
        super().__init__()
        self.para, self.size, self.checked = para, size, checked
        self.box = size * 1.05
        self.indent = self.box + size * 0.7
        self.spaceBefore, self.spaceAfter = size * 0.25, size * 0.45

    def wrap(self, availWidth, availHeight):
        _, self.height = self.para.wrap(availWidth - self.indent, availHeight)
        self.width = availWidth
        return self.width, self.height

    def split(self, availWidth, availHeight):
        return []  # one item is short; move it whole

    def draw(self):
        self.para.drawOn(self.canv, self.indent, 0)
        _draw_tick_box(self.canv, 0.0, self.height, self.size, self.checked)


class _TickCell(Flowable):
    """A tick box alone in a table cell, level with the first line of its row."""

    def __init__(self, size: float, leading: float, checked: bool):
        super().__init__()
        self.size, self.checked = size, checked
        self.width, self.height = size * 1.05, leading

    def wrap(self, availWidth, availHeight):
        return self.width, self.height

    def draw(self):
        _draw_tick_box(self.canv, 0.0, self.height, self.size, self.checked)


def _draw_tick_box(c, x: float, top: float, s: float, checked: bool) -> None:
    """A square sized for a pen (ticked when checked), centred on the lowercase letters
    of a first line of text whose top is at `top`."""
    b = s * 1.05
    baseline = top - s  # reportlab puts the first baseline one font size down
    y = baseline + 0.36 * s - b / 2
    c.saveState()
    c.setStrokeColor(INK)
    c.setLineWidth(max(0.9, s * 0.07))
    c.setFillColor(colors.white)
    c.rect(x, y, b, b, stroke=1, fill=1)
    if checked:
        c.setLineWidth(max(1.4, s * 0.13))
        c.setLineCap(1)
        c.setLineJoin(1)
        tick = c.beginPath()
        tick.moveTo(x + b * 0.2, y + b * 0.52)
        tick.lineTo(x + b * 0.42, y + b * 0.26)
        tick.lineTo(x + b * 0.82, y + b * 0.8)
        c.drawPath(tick, stroke=1, fill=0)
    c.restoreState()


class _Fields(Flowable):
    """Labelled write-in fields ("Name", "Class", "Date") in a row; a field's text, when
    given, is printed on its line. Fields share the row's width by what they hold, a
    blank one keeping room to write in; fields that do not fit go on to another row,
    and a text too long for a whole row wraps, so every word prints."""

    def __init__(self, fields: list[tuple[str, str]], size: float, gap: float):
        super().__init__()
        self.fields, self.size, self.gap = fields, size, gap
        self.spaceBefore, self.spaceAfter = size * 0.2, size * 0.8

    def _rows(self, width: float) -> list[list[tuple[int, float]]]:
        """The fields, by index, in rows, each with the width it needs."""
        s = self.size
        rows: list[list[tuple[int, float]]] = [[]]
        for i, (label, value) in enumerate(self.fields):
            need = _text_width(f"{label}:", FONT_BOLD, s) + s * 0.6 + (
                _text_width(value, FONT, s) + s * 0.4 if value else s * 4)
            row = rows[-1]
            if row and sum(n for _, n in row) + s * 1.2 * len(row) + need > width:
                rows.append(row := [])
            row.append((i, need))
        return rows

    def _layout(self, width: float) -> list[list[tuple[int, float, float, list[str]]]]:
        """Each row's (field index, x, room, value lines)."""
        s, layout = self.size, []
        for row in self._rows(width):
            gaps = s * 1.2 * (len(row) - 1)
            spare = max(0.0, width - gaps - sum(n for _, n in row)) / len(row)
            cells, x = [], 0.0
            for position, (i, need) in enumerate(row):
                room = min(need + spare, width - gaps) if len(row) > 1 else width
                label, value = self.fields[i]
                inner = max(room - _text_width(f"{label}:", FONT_BOLD, s) - s * 0.6, s * 2)
                cells.append((i, x, room, _wrap(value, FONT, s, inner) if value else []))
                x += room + (s * 1.2 if position < len(row) - 1 else 0)
            layout.append(cells)
        return layout

    def _row_height(self, cells) -> float:
        return self.gap + max([len(lines) - 1 for *_, lines in cells] + [0]) * self.size * 1.25

    def wrap(self, availWidth, availHeight):
        self.width = availWidth
        self.layout = self._layout(availWidth)
        self.height = sum(self._row_height(cells) for cells in self.layout)
        return self.width, self.height

    def draw(self):
        c, s = self.canv, self.size
        c.saveState()
        top_of_row = self.height
        for cells in self.layout:
            top_of_row -= self._row_height(cells)
            baseline = top_of_row + s * 0.35  # of the write-in line's text
            for i, x, room, lines in cells:
                label = f"{self.fields[i][0]}:"
                top = baseline + max(len(lines) - 1, 0) * s * 1.25
                c.setFillColor(INK)
                c.setFont(FONT_BOLD, s)
                _draw_text(c, x, top, label, FONT_BOLD, s)
                start = x + _text_width(label, FONT_BOLD, s) + s * 0.4
                c.setFont(FONT, s)
                for number, line in enumerate(lines):
                    _draw_text(c, start + s * 0.2, top - number * s * 1.25, line, FONT, s)
                c.setStrokeColor(WRITE_LINE)
                c.setLineWidth(0.75)
                c.line(start, baseline - s * 0.25, x + room, baseline - s * 0.25)
        c.restoreState()


class _WriteLines(Flowable):
    """Ruled write-in lines, spaced for a child's handwriting. An answer space is kept
    on one page unless it is taller than a page."""

    def __init__(self, count: int, gap: float, space_after: float, frame_height: float):
        super().__init__()
        self.count, self.gap, self.frame_height = count, gap, frame_height
        self.spaceBefore, self.spaceAfter = gap * 0.15, space_after

    def wrap(self, availWidth, availHeight):
        self.width, self.height = availWidth, self.count * self.gap + 1
        return self.width, self.height

    def split(self, availWidth, availHeight):
        fits = int((availHeight - 1) // self.gap)
        if self.count * self.gap + 1 <= self.frame_height or not 1 <= fits < self.count:
            return []
        return [_WriteLines(fits, self.gap, 0, self.frame_height),
                _WriteLines(self.count - fits, self.gap, self.spaceAfter, self.frame_height)]

    def draw(self):
        c = self.canv
        c.saveState()
        c.setStrokeColor(WRITE_LINE)
        c.setLineWidth(0.75)
        for i in range(1, self.count + 1):
            y = self.height - i * self.gap
            c.line(0, y, self.width, y)
        c.restoreState()


class _Rule(Flowable):
    """A horizontal rule (under the document title)."""

    def __init__(self, thickness: float, color, space_after: float):
        super().__init__()
        self.thickness, self.color, self.spaceAfter = thickness, color, space_after

    def wrap(self, availWidth, availHeight):
        self.width, self.height = availWidth, self.thickness
        return self.width, self.height

    def draw(self):
        self.canv.setFillColor(self.color)
        self.canv.rect(0, 0, self.width, self.thickness, stroke=0, fill=1)


def _is_heading(f: Flowable) -> bool:
    style = getattr(f, "style", None)
    return getattr(style, "name", "") in ("h1", "h2", "h3", "title")


class _Columns(Flowable):
    """Stacks of flowables side by side, in columns of equal width `gap` apart, as tall
    as the tallest. Moves whole to the next page when it does not fit, unless it is
    taller than a page or breakable: then each column is split at the same height
    (a heading never left at the foot of a column) and continues overleaf.

    `spread`: how far the columns may reach into the right margin. The text column is
    kept to ~70 characters a line for reading; columns' lines are far shorter, so on
    the page (not inside a box) they may use the width up to the least margin."""

    def __init__(self, columns: list[list[Flowable]], gap: float, frame_height: float,
                 min_room: float, breakable: bool = False, spread: float = 0.0):
        super().__init__()
        self.columns, self.gap, self.frame_height = columns, gap, frame_height
        self.min_room, self.breakable, self.spread = min_room, breakable, spread
        firsts = [col[0] for col in columns if col]
        lasts = [col[-1] for col in columns if col]
        self.spaceBefore = max((f.getSpaceBefore() for f in firsts), default=0.0)
        self.spaceAfter = max((f.getSpaceAfter() for f in lasts), default=0.0)

    def _column_width(self, availWidth: float) -> float:
        n = len(self.columns)
        return (availWidth + self.spread - self.gap * (n - 1)) / n

    def wrap(self, availWidth, availHeight):
        if getattr(self, "width", None) == availWidth:
            return self.width, self.height
        inner = self._column_width(availWidth)
        self._inner = inner
        self._heights = [[f.wrapOn(self.canv, inner, 1e6)[1] for f in col]
                         for col in self.columns]
        self.width = availWidth
        self.height = max((_stacked(col, hs) for col, hs in zip(self.columns, self._heights)),
                          default=0.0)
        return self.width, self.height

    def split(self, availWidth, availHeight):
        self.wrap(availWidth, availHeight)
        if (self.height <= self.frame_height and not self.breakable) or availHeight < self.min_room:
            return []
        firsts, rests = [], []
        for col in self.columns:
            first, rest = _split_stack(self.canv, col, self._inner, availHeight)
            while first and rest and _is_heading(first[-1]):
                rest.insert(0, first.pop())  # a heading goes on with what it heads
            # An ended column's place holder is no progress: without this, a column that
            # cannot start here beside one that has ended would split the same way forever.
            firsts.append([f for f in first if not isinstance(f, _Nothing)])
            rests.append([f for f in rest if not isinstance(f, _Nothing)])
        if not any(firsts) or not any(rests):
            return []
        args = (self.gap, self.frame_height, self.min_room, self.breakable, self.spread)
        first = _Columns([c or [_Nothing()] for c in firsts], *args)
        rest = _Columns([c or [_Nothing()] for c in rests], *args)
        # The frame made room for this block's space before, not its first part's own.
        first.spaceBefore, first.spaceAfter = self.spaceBefore, 0.0
        rest.spaceBefore, rest.spaceAfter = 0.0, self.spaceAfter
        return [first, rest]

    def draw(self):
        for n, (col, hs) in enumerate(zip(self.columns, self._heights)):
            x, y = n * (self._inner + self.gap), self.height
            for i, (f, fh) in enumerate(zip(col, hs)):
                if i:
                    y -= max(col[i - 1].getSpaceAfter(), f.getSpaceBefore())
                y -= fh
                f.drawOn(self.canv, x, y)


class _Nothing(Flowable):
    """An empty place: a column that has ended while its neighbour continues."""

    def wrap(self, availWidth, availHeight):
        return availWidth, 0.0

    def draw(self):
        pass


MIN_ITEMS_EACH_SIDE = 2  # a list or table split leaves at least this many on each page


class _Items(Flowable):
    """A run of list items (a bulleted or numbered list, a tick list) that splits only
    between items and keeps at least MIN_ITEMS_EACH_SIDE of them on each side, so no
    item is stranded alone at a page foot or head: a list too short to split that way
    moves whole to the next page. Only a list taller than a page that cannot be split
    so falls back to splitting anywhere the page allows."""

    def __init__(self, items: list[Flowable], frame_height: float,
                 space_before: float | None = None, space_after: float | None = None):
        """Space before and after: as given, else the first item's and the last's."""
        super().__init__()
        self.items, self.frame_height = items, frame_height
        self.spaceBefore = (space_before if space_before is not None
                            else items[0].getSpaceBefore() if items else 0.0)
        self.spaceAfter = (space_after if space_after is not None
                           else items[-1].getSpaceAfter() if items else 0.0)

    def wrap(self, availWidth, availHeight):
        self._heights = [f.wrapOn(self.canv, availWidth, 1e6)[1] for f in self.items]
        self.width, self.height = availWidth, _stacked(self.items, self._heights)
        return self.width, self.height

    def split(self, availWidth, availHeight):
        self.wrap(availWidth, availHeight)
        n, least = len(self.items), MIN_ITEMS_EACH_SIDE
        fits, used = 0, 0.0
        for i, (f, h) in enumerate(zip(self.items, self._heights)):
            gap = max(self.items[i - 1].getSpaceAfter(), f.getSpaceBefore()) if i else 0.0
            if used + gap + h > availHeight:
                break
            used += gap + h
            fits += 1
        k = min(fits, n - least)
        if k < least:
            if self.height > self.frame_height:
                return list(self.items)  # cannot keep the rule: let the page decide
            return []
        return [_Items(self.items[:k], self.frame_height, self.spaceBefore, 0.0),
                _Items(self.items[k:], self.frame_height, 0.0, self.spaceAfter)]

    def draw(self):
        y = self.height
        for i, (f, h) in enumerate(zip(self.items, self._heights)):
            if i:
                y -= max(self.items[i - 1].getSpaceAfter(), f.getSpaceBefore())
            y -= h
            f.drawOn(self.canv, 0, y)


class _Certificate(Flowable):
    """`copies` certificates filling the rest of the page, one above the other, each
    inside a double border (a thick line and a thin one, with a star in each corner:
    clean in black and white), its blocks centred across and down; a dashed line
    between two copies shows where to cut. The same flowables are drawn in each."""

    GAP = 2.2  # between two copies, in font sizes

    def __init__(self, content: list[Flowable], copies: int, size: float,
                 cut_dash: tuple[float, float], logo=None):
        super().__init__()
        self.content, self.copies, self.size, self.cut_dash = content, copies, size, cut_dash
        self.logo = logo  # the force's logo, in the top left corner in place of a star

    def _inset(self) -> float:
        return self.size * 2.6  # from the outer border to the text, at the sides

    def _inset_y(self) -> float:
        return self.size * 1.4  # above and below (the stars sit in the corners, clear of it)

    def wrap(self, availWidth, availHeight):
        self.width, self.height = availWidth, availHeight
        inner = availWidth - 2 * self._inset()
        self.text_width = inner * 0.88
        self.sizes = [f.wrap(self.text_width, availHeight) for f in self.content]
        return self.width, self.height

    def _content_height(self) -> float:
        heights = [h for _, h in self.sizes]
        return _stacked(self.content, heights)

    def _fitting_copies(self) -> int:
        """As many copies as asked for, if the text fits inside each (large print may
        need the whole page for one)."""
        for copies in range(self.copies, 1, -1):
            each = (self.height - self.size * self.GAP * (copies - 1)) / copies
            if self._content_height() <= each - 2 * self._inset_y():
                return copies
        return 1

    def draw(self):
        c, s = self.canv, self.size
        copies = self._fitting_copies()
        gap = s * self.GAP  # the cut line runs through it
        each = (self.height - gap * (copies - 1)) / copies
        c.saveState()
        for i in range(copies):
            bottom = self.height - (i + 1) * each - i * gap
            self._draw_one(c, bottom, each)
            if i:  # the cut line, half way between this copy and the one above
                y = bottom + each + gap / 2
                c.setStrokeColor(MUTED)
                c.setLineWidth(0.8)
                c.setDash(*self.cut_dash)
                c.line(-s, y, self.width + s, y)
                c.setDash()
        c.restoreState()

    def _draw_one(self, c, bottom: float, height: float) -> None:
        s, width = self.size, self.width
        c.setStrokeColor(ACCENT)
        c.setLineWidth(s * 0.25)
        c.rect(0, bottom, width, height, stroke=1, fill=0)
        edge = s * 0.6
        c.setLineWidth(0.9)
        c.rect(edge, bottom + edge, width - 2 * edge, height - 2 * edge, stroke=1, fill=0)
        star = s * 0.75
        for x in (edge + star * 1.6, width - edge - star * 1.6):
            for y in (bottom + edge + star * 1.6, bottom + height - edge - star * 1.6):
                if self.logo and x < width / 2 and y > bottom + height / 2:
                    continue  # the logo's corner
                _draw_star(c, x, y, star)
        if self.logo:
            from .page import _logo_width

            aspect = _logo_width(str(self.logo), 1.0)  # width over height
            logo_w = min(s * 2.4 * aspect, s * 4)  # as tall as two lines, or 4 sizes wide
            logo_h = logo_w / aspect
            c.drawImage(str(self.logo), edge + s * 0.5, bottom + height - edge - s * 0.5 - logo_h,
                        width=logo_w, height=logo_h, mask="auto")
        # The blocks, centred down the border and across it.
        top = bottom + height - (height - self._content_height()) / 2
        x = (width - self.text_width) / 2
        previous = None
        for f, (w, h) in zip(self.content, self.sizes):
            if previous is not None:
                top -= max(previous.getSpaceAfter(), f.getSpaceBefore())
            f.drawOn(c, x, top - h)
            top -= h
            previous = f


def _draw_star(c, x: float, y: float, radius: float) -> None:
    """A five-pointed star centred on (x, y): outlined, lightly tinted."""
    import math

    path = c.beginPath()
    for k in range(10):
        r = radius if k % 2 == 0 else radius * 0.42
        angle = math.pi / 2 + k * math.pi / 5
        point = (x + r * math.cos(angle), y + r * math.sin(angle))
        path.moveTo(*point) if k == 0 else path.lineTo(*point)
    path.close()
    c.saveState()
    c.setFillColor(TINT_STRONG)
    c.setStrokeColor(ACCENT)
    c.setLineWidth(0.9)
    c.setLineJoin(1)
    c.drawPath(path, stroke=1, fill=1)
    c.restoreState()


class _Repeated(Flowable):
    """As many rows of a grid as fit the room left on the page (at least one): `make(n)`
    gives the grid of n rows (feedback slips, as many as a sheet holds). Never split."""

    def __init__(self, make):
        super().__init__()
        self.make = make
        one = make(1)
        self.spaceBefore, self.spaceAfter = one.getSpaceBefore(), one.getSpaceAfter()

    def wrap(self, availWidth, availHeight):
        one = self.make(1)
        _, row = one.wrap(availWidth, availHeight)
        rows = max(1, int(availHeight // row)) if row else 1
        self.grid = one if rows == 1 else self.make(rows)
        self.width, self.height = self.grid.wrap(availWidth, availHeight)
        return self.width, self.height

    def split(self, availWidth, availHeight):
        return []

    def draw(self):
        self.grid.drawOn(self.canv, 0, 0)
