"""PDF renderer: one document in block markup -> print-ready PDF bytes (reportlab).

Layout follows the "Layout for readers" guidance: Atkinson Hyperlegible throughout,
left-aligned text in a column of at most ~70 characters, bold as the only emphasis,
light tints only (prints in greyscale), tick boxes and write-in lines drawn as shapes
because the font has no glyphs for them. Output is deterministic (reportlab invariant
mode, fixed creator/producer), so identical input gives identical bytes.
"""

from __future__ import annotations

import dataclasses
import functools
import io
import re
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab import rl_config
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT
from reportlab.lib.pagesizes import A4, LETTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm
from reportlab.rl_config import _FUZZ
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    KeepTogether,
    ListFlowable,
    ListItem,
    PageBreak,
    PageTemplate,
    Paragraph,
    Table,
    TableStyle,
)
from reportlab.platypus import paragraph as paragraph_module
from reportlab.platypus.doctemplate import FrameBreak
from reportlab.platypus.flowables import _listWrapOn

from ..fonts import fallback_chars
from . import Assets, DocMeta, FontFiles, PageStyle
from . import markup as m

__all__ = ["render", "render_pdf", "prepare"]

FONT = "AtkinsonHyperlegible"
FONT_BOLD = "AtkinsonHyperlegible-Bold"
FALLBACK_FONT = "NotoSans"  # for characters Atkinson Hyperlegible has no glyph for

# Dark ink and light tints only: everything stays legible when printed in greyscale.
INK = colors.HexColor("#1A1A1A")
ACCENT = colors.HexColor("#1D3557")  # headings, bars: navy that prints as near-black
MUTED = colors.HexColor("#3E4A59")  # header and footer text
RULE = colors.HexColor("#9AA5B1")  # hairlines, table grid
WRITE_LINE = colors.HexColor("#8C969F")  # pupils' write-in lines
TINT = colors.HexColor("#E8EEF4")  # note call-outs, table header rows
TINT_STRONG = colors.HexColor("#D5E0EA")  # activity box title strip
TINT_LIGHT = colors.HexColor("#F0F4F8")  # answers
CREAM = colors.HexColor("#FDF6E3")  # dyslexia-friendly page

MAX_CHARS_PER_LINE = 70
MIN_SIDE_MARGIN = 2 * cm
DYSLEXIA_TRACKING = 0.05  # extra letter spacing, as a fraction of the font size
HEADINGS = ("h1", "h2", "h3")


# --- fonts -----------------------------------------------------------------------------


def prepare(assets: Assets) -> None:
    """Do the once-per-process set-up now (before forking workers, so they share it)."""
    _register_fonts(assets.fonts)


def _same_frag(f, g, _compared=("fontName", "fontSize", "textColor", "rise", "us_lines", "link",
                                "backColor", "nobr")) -> bool:
    """Whether two words can share one run of text: reportlab's own pure-Python test
    (reportlab.lib.rl_accel). rl_accel 0.9's compiled one gives the same answers five
    times slower, and reportlab asks for every word of a paragraph with bold or a <br/>."""
    f, g = f.__dict__, g.__dict__
    if "cbDefn" in f or "lineBreak" in f or "cbDefn" in g or "lineBreak" in g:
        return False
    return [f.get(name) for name in _compared] == [g.get(name) for name in _compared]


_fallback_file: list = []  # the fallback font's file, once the main fonts are registered


@functools.cache
def _register_fonts(fonts: FontFiles) -> float:
    """Register Atkinson Hyperlegible (and set reportlab up) once per process; return
    its average character width in ems (used to size the text column)."""
    pdfmetrics.registerFont(TTFont(FONT, str(fonts.regular)))
    pdfmetrics.registerFont(TTFont(FONT_BOLD, str(fonts.bold)))
    _fallback_file[:] = [fonts.fallback]
    # Italic maps to upright: bold is the only emphasis we ever show.
    pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=FONT_BOLD, italic=FONT, boldItalic=FONT_BOLD)
    # Otherwise every page's preamble names an unembedded Helvetica.
    rl_config.canvas_basefontname = FONT
    paragraph_module.sameFrag = _same_frag
    sample = (
        "If someone online asks you for pictures or money, stop replying, keep the "
        "messages and tell an adult you trust. It is never your fault."
    )
    return pdfmetrics.stringWidth(sample, FONT, 1) / len(sample)


@functools.cache
def _main_chars() -> frozenset[int]:
    """Code points both weights of Atkinson Hyperlegible have (registered by then)."""
    regular, bold = (pdfmetrics.getFont(name).face.charToGlyph for name in (FONT, FONT_BOLD))
    return frozenset(regular.keys() & bold.keys())


@functools.cache
def _not_main() -> re.Pattern:
    """Matches a character Atkinson Hyperlegible lacks (a regex: most text is searched
    once, at C speed, and holds none)."""
    ranges, codes = [], sorted(_main_chars())
    start = previous = codes[0]
    for code in codes[1:] + [-1]:
        if code != previous + 1:
            ranges.append(f"{re.escape(chr(start))}-{re.escape(chr(previous))}")
            start = code
        previous = code
    return re.compile(f"[^{''.join(ranges)}]")


@functools.cache
def _fallback_chars() -> frozenset[int]:
    """Register the fallback font, the first time a text needs it; its code points."""
    font = TTFont(FALLBACK_FONT, str(_fallback_file[0]))
    pdfmetrics.registerFont(font)
    # One weight: bold text it sets is regular, which beats a gap.
    pdfmetrics.registerFontFamily(FALLBACK_FONT, normal=FALLBACK_FONT, bold=FALLBACK_FONT,
                                  italic=FALLBACK_FONT, boldItalic=FALLBACK_FONT)
    return fallback_chars(font.face.charToGlyph)


def _runs(text: str) -> list[tuple[bool, str]]:
    """`text` as runs of (set in the fallback font?, characters). Characters neither
    font has stay in the main font's runs: they print as nothing (validate warns)."""
    if _not_main().search(text) is None:
        return [(False, text)]
    main, fallback = _main_chars(), _fallback_chars()
    runs: list[tuple[bool, str]] = []
    for char in text:
        use_fallback = ord(char) not in main and ord(char) in fallback
        if runs and runs[-1][0] == use_fallback:
            runs[-1] = (use_fallback, runs[-1][1] + char)
        else:
            runs.append((use_fallback, char))
    return runs


def _markup(text: str) -> str:
    """Plain text as reportlab paragraph markup: escaped, and with the characters
    Atkinson Hyperlegible lacks set in the fallback font."""
    return "".join(f'<font face="{FALLBACK_FONT}">{escape(run)}</font>' if fallback
                   else escape(run) for fallback, run in _runs(text))


def _text_width(text: str, font: str, size: float) -> float:
    return sum(pdfmetrics.stringWidth(run, FALLBACK_FONT if fallback else font, size)
               for fallback, run in _runs(text))


def _draw_text(canv: Canvas, x: float, y: float, text: str, font: str, size: float) -> None:
    """canv.drawString in `font`, which the caller has set, with any characters it
    lacks in the fallback font."""
    runs = _runs(text)
    if len(runs) == 1 and not runs[0][0]:
        canv.drawString(x, y, text)
        return
    line = canv.beginText(x, y)  # one text object, so "Tŷ" is copied as one word
    for fallback, run in runs:
        line.setFont(FALLBACK_FONT if fallback else font, size)
        line.textOut(run)
    canv.drawText(line)


# --- styles ----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Look:
    """Measurements and paragraph styles for one PageStyle."""

    size: float
    leading: float
    tracking: float
    page_size: tuple[float, float]
    side_margin: float
    top: float  # frame top, from the page bottom
    bottom: float  # frame bottom
    chrome_size: float  # header and footer text
    styles: dict[str, ParagraphStyle]

    @property
    def measure(self) -> float:
        return self.page_size[0] - 2 * self.side_margin

    @property
    def frame_height(self) -> float:
        return self.top - self.bottom


@functools.lru_cache(maxsize=16)
def _look(page: PageStyle, fonts: FontFiles) -> _Look:
    """The same object for the same PageStyle: its paragraph styles key the parse cache."""
    em_per_char = _register_fonts(fonts)
    size = float(page.body_size)
    ratio = max(page.leading, 1.2)
    if page.large_print or page.dyslexia_friendly:
        ratio = max(ratio, 1.5)
    leading = size * ratio
    tracking = DYSLEXIA_TRACKING * size if page.dyslexia_friendly else 0.0
    page_size = LETTER if page.paper == "letter" else A4
    # Narrow the column to ~70 characters; large sizes are limited by the paper instead.
    measure = min(MAX_CHARS_PER_LINE * em_per_char * size, page_size[0] - 2 * MIN_SIDE_MARGIN)
    side = (page_size[0] - measure) / 2
    chrome = max(10.0, round(size * 0.75, 1))
    top = page_size[1] - 1.3 * cm - 2.4 * chrome
    bottom = 1.2 * cm + 2.6 * chrome
    return _Look(size, leading, tracking, page_size, side, top, bottom, chrome,
                 _styles(size, leading, tracking))


def _styles(size: float, leading: float, tracking: float) -> dict[str, ParagraphStyle]:
    def style(name: str, **kw) -> ParagraphStyle:
        kw.setdefault("fontName", FONT)
        kw.setdefault("fontSize", size)
        kw.setdefault("leading", kw["fontSize"] * leading / size)
        kw.setdefault("textColor", INK)
        kw.setdefault("alignment", TA_LEFT)
        st = ParagraphStyle(name, bulletFontName=FONT,
                            allowWidows=0, allowOrphans=0, **kw)
        st.lpTracking = tracking * kw["fontSize"] / size
        return st

    small = max(10.0, size * 0.85)
    head_ratio = max(1.2, leading / size * 0.9)
    return {
        "p": style("p", spaceAfter=size * 0.6),
        "small": style("small", fontSize=small, textColor=MUTED, spaceAfter=size * 0.5),
        "h1": style("h1", fontName=FONT_BOLD, fontSize=size * 2, leading=size * 2 * head_ratio,
                    textColor=ACCENT, spaceAfter=size * 0.35),
        "h2": style("h2", fontName=FONT_BOLD, fontSize=size * 1.45, leading=size * 1.45 * head_ratio,
                    textColor=ACCENT, spaceBefore=size * 1.3, spaceAfter=size * 0.45),
        "h3": style("h3", fontName=FONT_BOLD, fontSize=size * 1.15, leading=size * 1.15 * head_ratio,
                    textColor=ACCENT, spaceBefore=size * 1.0, spaceAfter=size * 0.3),
        "li": style("li", spaceAfter=size * 0.3),
        "cell": style("cell"),
        "th": style("th", fontName=FONT_BOLD),
        "th_centre": style("th_centre", fontName=FONT_BOLD, alignment=TA_CENTER),
        "title": style("title", fontName=FONT_BOLD, fontSize=size * 1.1, leading=size * 1.1 * head_ratio,
                       textColor=ACCENT),
        "item": style("item"),
    }


# --- flowables -------------------------------------------------------------------------


# What Paragraph.wrap (and breakLines, which turns frags into a word list) leaves behind.
_WRAP_STATE = ("width", "height", "blPara", "_wrapWidths", "frags", "_width_max",
               "_splitLongWordCount", "_hyphenations")


# Parsed paragraph markup by (markup, style): a pack prints the same safeguarding notes,
# contacts and stories in several documents. Bounded for long batch runs.
_PARSED: dict[tuple[str, ParagraphStyle], tuple] = {}
_PARSED_MAX = 4096


class _Para(Paragraph):
    """A Paragraph with optional letter spacing (PDF Tc operator; reportlab's
    ParagraphStyle has no charSpace). Wraps narrower so tracked lines still fit.
    Markup seen before is not parsed again: the new paragraph gets copies of the frags."""

    def __init__(self, text, style=None, bulletText=None, frags=None, **kwargs):
        if frags is not None or bulletText is not None or kwargs or style is None:
            super().__init__(text, style, bulletText, frags, **kwargs)  # a split's parts
            return
        parsed = _PARSED.get((text, style))
        if parsed is None:
            super().__init__(text, style)
            if len(_PARSED) >= _PARSED_MAX:
                _PARSED.clear()
            _PARSED[text, style] = (self.text, self.style, [f.clone() for f in self.frags])
            return
        clean_text, parsed_style, frags = parsed
        # Each paragraph owns its frags (ABag.clone copies the attributes): reportlab
        # may change a paragraph's frags as it lays it out.
        super().__init__(clean_text, parsed_style, frags=[f.clone() for f in frags])

    def _tracking(self) -> float:
        return getattr(self.style, "lpTracking", 0.0)

    def beginText(self, x, y):
        tx = self.canv.beginText(x, y)
        if self._tracking():
            tx.setCharSpace(self._tracking())
        return tx

    def wrap(self, availWidth, availHeight):
        # Platypus measures a paragraph many times at the same width (keep-with-next,
        # panels, table rows, the frame, split); its lines depend on the width alone, so
        # breaking them once per width is enough. The state kept is what wrap() sets.
        if availWidth < _FUZZ:
            return super().wrap(availWidth, availHeight)
        wraps = self.__dict__.setdefault("_wraps", {})
        if availWidth in wraps:
            size, state = wraps[availWidth]
            self.__dict__.update(state)
            return size
        size = self._wrap(availWidth, availHeight)
        wraps[availWidth] = size, {k: self.__dict__[k] for k in _WRAP_STATE if k in self.__dict__}
        return size

    def _wrap(self, availWidth, availHeight):
        cs = self._tracking()
        if not cs:
            return super().wrap(availWidth, availHeight)
        width = availWidth
        for _ in range(6):  # each pass narrows by the overflow; converges in 1-2 passes
            _, height = super().wrap(width, availHeight)
            over = self._widest_tracked_line(cs) - availWidth
            if over <= 0.01:
                break
            width -= over
        self.width = availWidth
        return availWidth, height

    def _widest_tracked_line(self, cs: float) -> float:
        bl = self.blPara
        widest = 0.0
        for line in bl.lines:
            if bl.kind == 0:
                extra, words = line
                chars = sum(len(w) for w in words) + max(len(words) - 1, 0)
            else:
                extra = line.extraSpace
                chars = sum(len(getattr(w, "text", "")) for w in line.words)
            widest = max(widest, self.width - extra + chars * cs)
        return widest


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
        parts = f.splitOn(canv, width, room - used - gap) if room - used - gap > 0 else []
        if len(parts) >= 2:
            return flowables[:i] + parts[:1], parts[1:] + flowables[i + 1:]
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
    """One row of labelled write-in fields ("Name", "Class", "Date"); a field's text,
    when given, is printed on its line. Fields share the width by what they hold; a
    text too long for its field wraps onto more lines, so every word prints."""

    def __init__(self, fields: list[tuple[str, str]], size: float, gap: float):
        super().__init__()
        self.fields, self.size, self.gap = fields, size, gap
        self.spaceBefore, self.spaceAfter = size * 0.2, size * 0.8

    def _layout(self, width: float) -> list[tuple[float, float, list[str]]]:
        """(x, room, value lines) for each field."""
        s, n = self.size, len(self.fields)
        labels = [_text_width(f"{label}:", FONT_BOLD, s) + s * 0.6 for label, _ in self.fields]
        values = [_text_width(value, FONT, s) + s * 0.4 if value else 0.0
                  for _, value in self.fields]
        gaps = [s * 1.2 if i < n - 1 else 0.0 for i in range(n)]
        needs = [lab + val + gap for lab, val, gap in zip(labels, values, gaps)]
        if sum(needs) <= width:  # all fit on one line: share out the spare width
            rooms = [need + (width - sum(needs)) / n for need in needs]
        else:
            rooms = [width / n] * n
        layout, x = [], 0.0
        for (label, value), room, lab, gap in zip(self.fields, rooms, labels, gaps):
            inner = max(room - lab - gap - s * 0.2, s * 2)
            lines = _wrap(value, FONT, s, inner) if value else []
            layout.append((x, room, lines))
            x += room
        return layout

    def wrap(self, availWidth, availHeight):
        self.width = availWidth
        self.layout = self._layout(availWidth)
        extra = max([len(lines) - 1 for _, _, lines in self.layout] + [0])
        self.height = self.gap + extra * self.size * 1.25
        return self.width, self.height

    def draw(self):
        c, s = self.canv, self.size
        baseline = s * 0.35  # of the write-in line's text
        c.saveState()
        for i, ((label, _), (x, room, lines)) in enumerate(zip(self.fields, self.layout)):
            label = f"{label}:"
            top = baseline + max(len(lines) - 1, 0) * s * 1.25
            c.setFillColor(INK)
            c.setFont(FONT_BOLD, s)
            _draw_text(c, x, top, label, FONT_BOLD, s)
            start = x + _text_width(label, FONT_BOLD, s) + s * 0.4
            end = x + room - (s * 1.2 if i < len(self.fields) - 1 else 0)
            c.setFont(FONT, s)
            for number, line in enumerate(lines):
                _draw_text(c, start + s * 0.2, top - number * s * 1.25, line, FONT, s)
            c.setStrokeColor(WRITE_LINE)
            c.setLineWidth(0.75)
            c.line(start, baseline - s * 0.25, end, baseline - s * 0.25)
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


class _KeepWithNext(KeepTogether):
    """Headings (or a question) and the block after them. They move to the next page
    unless the start of that block fits here too, so nothing is stranded at a page foot;
    a long following block is still allowed to continue overleaf."""

    def __init__(self, head: list[Flowable], body: list[Flowable]):
        super().__init__(head + body)
        self._head, self._body = head, body
        self._measured: dict[float, tuple] = {}

    def wrap(self, aW, aH):
        # The heights depend on the width alone; reportlab's measuring also deep-copies
        # the frame each time, so measure once per width.
        if aW not in self._measured:
            width, _ = super().wrap(aW, aH)
            self._measured[aW] = width, self._H, self._H0
        width, self._H, self._H0 = self._measured[aW]
        self._wrapInfo = aW, aH
        return width, 0xFFFFFF  # as KeepTogether: always asks to be split

    def split(self, aW, aH):
        content = self._content[:]
        frame = getattr(self, "_frame", None)
        self.wrap(aW, aH)
        if frame is None or getattr(frame, "_atTop", False):
            if self._H > aH and isinstance(self._body[0], _Panel):
                # Heading and box are taller than a page: the box breaks, or the
                # heading would be left alone at the foot of this one.
                self._body[0].breakable = True
            return content
        if self._H <= aH:
            return content
        head_h = _listWrapOn(self._head, aW, self.canv)[1]
        first = self._body[0]
        room = aH - head_h - max(self._head[-1].getSpaceAfter(), first.getSpaceBefore())
        starts_here = room > 0 and (first.wrapOn(self.canv, aW, room)[1] <= room
                                    or len(first.splitOn(self.canv, aW, room)) >= 2)
        return content if starts_here else [FrameBreak()] + content


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
    def __init__(self, look: _Look, source: str = "template"):
        self.look = look
        self.source = source
        self.st = look.styles
        s = look.size
        self.pad = s * 0.85
        self.box = _PanelStyle(stroke=ACCENT, stroke_width=1.2, strip=TINT_STRONG, radius=s * 0.35)
        self.note = _PanelStyle(fill=TINT, bar=ACCENT, bar_width=s * 0.35)
        self.answer = _PanelStyle(fill=TINT_LIGHT, bar=MUTED, bar_width=s * 0.25)

    def blocks(self, nodes: tuple[m.Block, ...], top: bool) -> list[Flowable]:
        """Flowables for a sequence of blocks. At the top level, headings and a block
        followed by write-in lines are kept with what follows them."""
        out: list[Flowable] = []
        pending: list[Flowable] = []
        for i, node in enumerate(nodes):
            flowables = self.block(node)
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
            return [_CheckItem(_Para(_inline(item.content), st["item"]), s, item.checked)
                    for item in node.items]
        if isinstance(node, m.Lines):
            return [_WriteLines(max(1, node.count), self._write_gap(), s * 0.6,
                                self.look.frame_height)]
        if isinstance(node, m.Fields):
            fields = [(f.label, " ".join(f.value.split())) for f in node.fields]
            return [_Fields(fields or [("Name", "")], s, self._write_gap())]
        if isinstance(node, m.PageBreak):
            return [PageBreak()]
        raise m.unsupported(node, "PDF", self.source)

    def _write_gap(self) -> float:
        return max(1.0 * cm, self.look.size * 2.2)  # ~1 cm for 12 pt, wider for large print

    def _panel(self, content, title, look, space_after, breakable=False):
        panel = _Panel(content, title, look, self.st, self.pad, self.look.frame_height,
                       breakable)
        panel.spaceBefore, panel.spaceAfter = self.look.size * 0.3, space_after
        return panel

    def _list(self, node: m.ListBlock) -> ListFlowable:
        s = self.look.size
        items = [ListItem(_Para(_inline(li), self.st["li"])) for li in node.items]
        numbered = node.numbered
        return ListFlowable(
            items,
            bulletType="1" if numbered else "bullet",
            start=None if numbered else "\u2022",
            bulletFormat="%s." if numbered else None,
            bulletFontName=FONT_BOLD if numbered else FONT,
            bulletFontSize=s,
            bulletColor=ACCENT,
            leftIndent=s * (2.0 if numbered else 1.5),
            bulletDedent=s * (1.6 if numbered else 1.1),
            spaceAfter=s * 0.6,
        )

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
        # Per-cent strings: reportlab resolves them against the width a table gets, in a box too.
        widths = [f"{p:.4f}%" for p in _percentages(node.widths, ncols)]
        pad = self.look.size * 0.5
        commands = [
            ("FONT", (0, 0), (-1, -1), FONT, self.look.size),  # else cells set an unembedded Helvetica
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            *[("ALIGN", (i, 0), (i, -1), "CENTER") for i in sorted(tick_cols)],
            ("LEFTPADDING", (0, 0), (-1, -1), pad),
            ("RIGHTPADDING", (0, 0), (-1, -1), pad),
            ("TOPPADDING", (0, 0), (-1, -1), pad * 0.6),
            ("BOTTOMPADDING", (0, 0), (-1, -1), pad),
            ("GRID", (0, 0), (-1, -1), 0.6, RULE),
            ("BOX", (0, 0), (-1, -1), 1, ACCENT),
        ]
        if header_rows:
            commands += [
                ("BACKGROUND", (0, 0), (-1, header_rows - 1), TINT),
                ("LINEBELOW", (0, header_rows - 1), (-1, header_rows - 1), 1.2, ACCENT),
            ]
        table = Table(data, colWidths=widths, repeatRows=header_rows, splitInRow=0,
                        hAlign="LEFT", style=TableStyle(commands))
        table.spaceBefore, table.spaceAfter = self.look.size * 0.3, self.look.size * 0.9
        return table


def _percentages(widths: tuple[float, ...] | None, ncols: int) -> list[float]:
    """Column widths in per cent (checked by the markup parser); equal columns if absent."""
    if not widths or len(widths) != ncols:
        return [100 / ncols] * ncols
    total = sum(widths)
    return [v * 100 / total for v in widths]


# --- pages -----------------------------------------------------------------------------


class _NumberedCanvas(Canvas):
    """Holds pages back until the end so each can say "Page x of y"."""

    def __init__(self, *args, decorate=None, **kwargs):
        super().__init__(*args, **kwargs)
        self._decorate = decorate
        self._held: list[dict] = []

    def showPage(self):
        self._held.append(dict(self.__dict__))
        self._startPage()

    def save(self):
        total = len(self._held)
        for state in self._held:
            self.__dict__.update(state)
            self._decorate(self, self._pageNumber, total)
            super().showPage()
        super().save()


@functools.lru_cache(maxsize=4)
def _logo_width(path: str, height: float) -> float:
    """The width that keeps the logo's proportions at `height`."""
    from reportlab.lib.utils import ImageReader

    w, h = ImageReader(path).getSize()
    return height * w / h


def _wrap(text: str, font: str, size: float, width: float) -> list[str]:
    """`text` in lines no wider than `width`, broken between words (a word wider than
    the whole line gets a line of its own and is broken between letters): every word
    is printed, none is cut off."""
    lines: list[str] = []
    for word in text.split():
        if lines and _text_width(f"{lines[-1]} {word}", font, size) <= width:
            lines[-1] = f"{lines[-1]} {word}"
            continue
        while _text_width(word, font, size) > width and len(word) > 1:
            cut = max(1, next((n for n in range(len(word), 0, -1)
                               if _text_width(word[:n], font, size) <= width), 1))
            lines.append(word[:cut])
            word = word[cut:]
        lines.append(word)
    return lines or [""]


@dataclass(frozen=True)
class _Chrome:
    """Header and footer lines for one document: as many as its texts need."""

    header: tuple[str, ...]
    footer: tuple[str, ...]
    header_x: float  # where the header text starts (after the logo)
    line_height: float

    @property
    def extra_top(self) -> float:  # room the frame gives up to a header of several lines
        return (len(self.header) - 1) * self.line_height

    @property
    def extra_bottom(self) -> float:
        return (len(self.footer) - 1) * self.line_height


def _chrome(look: _Look, meta: DocMeta, logo: Path | None) -> _Chrome:
    """Lay out the header (lesson title left, band right, the logo before them) and the
    footer (force, school, class, date; "Page x of y" right) so every word prints: a
    text too long for its line wraps onto more lines, and the body frame gives way."""
    size = look.chrome_size
    right_width = _text_width(meta.header_right, FONT, size)
    room = look.measure - right_width - size * 2
    text_x = look.side_margin
    if logo:
        logo_w = _logo_width(str(logo), size * 2.2)
        text_x, room = text_x + logo_w + size, room - logo_w - size
    header = _wrap(meta.header_left, FONT_BOLD, size, max(room, look.measure / 4))
    widest_label = pdfmetrics.stringWidth("Page 88 of 88", FONT, size)
    footer = _wrap(meta.footer, FONT, size, look.measure - widest_label - size * 2)
    return _Chrome(tuple(header), tuple(footer), text_x, size * 1.25)


def _decorate(look: _Look, meta: DocMeta, logo: Path | None, chrome: _Chrome):
    """Header and footer for one page, drawn once the page count is known."""
    width, height = look.page_size
    left, right = look.side_margin, width - look.side_margin
    size = look.chrome_size
    # `look` is the page as laid out, its frame already moved for extra lines.
    head_y = look.top + chrome.extra_top + size * 1.5  # the first header line
    foot_y = look.bottom - chrome.extra_bottom - size * 2.3  # the last footer line
    step = chrome.line_height

    def draw(canv: Canvas, number: int, total: int) -> None:
        canv.saveState()
        canv.setFillColor(MUTED)
        page_label = f"Page {number} of {total}"
        right_text = meta.header_right
        if logo:  # the force's logo, as tall as two header lines, left of the title
            logo_h = size * 2.2
            logo_w = _logo_width(str(logo), logo_h)
            canv.drawImage(str(logo), left, head_y - size * 0.35, width=logo_w,
                           height=logo_h, mask="auto")
        canv.setFont(FONT_BOLD, size)
        for index, line in enumerate(chrome.header):
            _draw_text(canv, chrome.header_x, head_y - index * step, line, FONT_BOLD, size)
        canv.setFont(FONT, size)
        _draw_text(canv, right - _text_width(right_text, FONT, size), head_y, right_text,
                   FONT, size)
        top_line = foot_y + chrome.extra_bottom
        for index, line in enumerate(chrome.footer):
            _draw_text(canv, left, top_line - index * step, line, FONT, size)
        canv.drawRightString(right, top_line, page_label)
        canv.setStrokeColor(RULE)
        canv.setLineWidth(0.6)
        rule_y = head_y - chrome.extra_top - size * 0.6
        canv.line(left, rule_y, right, rule_y)
        canv.line(left, top_line + size * 1.2, right, top_line + size * 1.2)
        canv.restoreState()

    return draw


def _background(canv: Canvas, doc) -> None:
    """Cream page for dyslexia-friendly packs, drawn before any content."""
    canv.saveState()
    canv.setFillColor(CREAM)
    canv.rect(0, 0, doc.pagesize[0], doc.pagesize[1], stroke=0, fill=1)
    canv.restoreState()


def render(nodes: m.Document, meta: DocMeta, page: PageStyle, assets: Assets) -> bytes:
    """Render one block-markup document as PDF bytes."""
    look = _look(page, assets.fonts)
    chrome = _chrome(look, meta, assets.logo)
    if chrome.extra_top or chrome.extra_bottom:  # a long header or footer: a shorter frame
        look = dataclasses.replace(look, top=look.top - chrome.extra_top,
                                   bottom=look.bottom + chrome.extra_bottom)
    story = _Builder(look, nodes.source).blocks(nodes.blocks, top=True)
    buf = io.BytesIO()
    frame = Frame(look.side_margin, look.bottom, look.measure, look.frame_height,
                  leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0, id="body")
    template = PageTemplate("page", [frame])
    if page.dyslexia_friendly:
        template.onPage = _background
    doc = BaseDocTemplate(
        buf,
        pagesize=look.page_size,
        pageTemplates=[template],
        title=meta.title,
        author=meta.author,
        subject=meta.subject,
        creator="lessonpack",
        producer="lessonpack",
        lang=meta.lang,
        displayDocTitle=1,
        invariant=1,
        pageCompression=1,
        initialFontName=FONT,
        initialFontSize=look.size,
    )
    doc.build(story, canvasmaker=functools.partial(_NumberedCanvas,
                                                   decorate=_decorate(look, meta, assets.logo, chrome)))
    return buf.getvalue()


render_pdf = render
