"""The PDF renderer's uses of reportlab internals (not its public API), kept in this one
module so a reportlab upgrade is checked in one place. Each, and why:

- rl_config._FUZZ: reportlab's own "no width at all" tolerance, so _Para.wrap hands
  such widths back to reportlab exactly where it would treat them specially.
- platypus.paragraph.sameFrag, swapped for _same_frag: the same answers (tested
  against reportlab's in tests/test_render_pdf.py), five times faster.
- Paragraph's frags, blPara, _wrapWidths and beginText (_Para): parsed markup and line
  breaks reused per width (speed), and letter spacing, which ParagraphStyle lacks.
- KeepTogether's _content, _H, _H0, _wrapInfo and the frame's _atTop, and
  flowables._listWrapOn (_KeepWithNext): a heading moves on with the start of its block.
- Canvas._startPage, _pageNumber and its state (_NumberedCanvas): pages are held back
  until the end so each can say "Page x of y".
"""

from __future__ import annotations

from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, KeepTogether, Paragraph
from reportlab.platypus import paragraph as paragraph_module
from reportlab.platypus.doctemplate import FrameBreak
from reportlab.platypus.flowables import _listWrapOn
from reportlab.rl_config import _FUZZ


def _same_frag(f, g, _compared=("fontName", "fontSize", "textColor", "rise", "us_lines", "link",
                                "backColor", "nobr")) -> bool:
    """Whether two words can share one run of text: reportlab's own pure-Python test
    (reportlab.lib.rl_accel). rl_accel 0.9's compiled one gives the same answers five
    times slower, and reportlab asks for every word of a paragraph with bold or a <br/>."""
    f, g = f.__dict__, g.__dict__
    if "cbDefn" in f or "lineBreak" in f or "cbDefn" in g or "lineBreak" in g:
        return False
    return [f.get(name) for name in _compared] == [g.get(name) for name in _compared]


def use_fast_same_frag() -> None:
    """Swap reportlab.platypus.paragraph.sameFrag (a module global reportlab looks up for
    every word) for _same_frag: the same answers, five times faster."""
    paragraph_module.sameFrag = _same_frag


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
        kept = self.__dict__.get("_kept")
        if kept is not None and kept[0] == availWidth:
            # The first part of a split keeps the lines its paragraph was broken into (and
            # the height the split measured): broken again from its own words, letter-spaced
            # text could take a line more and no longer fit where the split put it.
            _, self.blPara, self.height = kept
            self.width = availWidth
            return availWidth, self.height
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

    def split(self, availWidth, availHeight):
        parts = super().split(availWidth, availHeight)
        if self._tracking() and len(parts) == 2 and isinstance(parts[0], _Para):
            first = parts[0]
            lines = self.blPara.lines[:len(first.blPara.lines)]  # as this paragraph's
            first._kept = (availWidth, self.blPara.clone(lines=lines), first.height)
        return parts

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
            from .flowables import _Panel  # (flowables imports this module)

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
