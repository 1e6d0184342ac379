"""`lessonpack report BOOKINGS.csv`: the term's reach from the bookings file batch reads.

Sessions, schools and pupils reached, by lesson, band, month and school; and where the
evaluation record's tallies are given (`pupils`, `baseline_confident`, `end_confident`,
the fields of each pack's evaluation-record.pdf), the share of pupils confident before
and after. Written three ways: a table on the terminal, report.csv (for a spreadsheet:
cells that a spreadsheet would run as a formula are neutralised) and report.pdf (the
tables and bar charts, drawn with reportlab's own charts).

Every problem in the file is found before anything is written; then both files are
made in memory and each replaces its old copy atomically.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

from .errors import LessonpackError, OutputError, display_path

TALLIES = ("pupils", "baseline_confident", "end_confident")
SECTIONS = (("total", "All sessions"), ("lesson", "By lesson"), ("band", "By band"),
            ("month", "By month"), ("school", "By school"))
CSV_HEADER = ("group", "name", "sessions", "schools", "pupils", "confident_before_percent",
              "confident_after_percent")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")  # OWASP: CSV injection


@dataclass(frozen=True)
class Delivered:
    """One booking row as the report reads it."""

    row: int
    school: str
    date: dt.date
    lesson: str  # title
    band: str  # "ks3 (Key Stage 3)"
    pupils: Optional[int]
    baseline: Optional[int]
    end: Optional[int]


@dataclass
class Line:
    """One line of the report: a lesson, a band, a month, a school, or all of them."""

    group: str
    name: str
    sessions: int = 0
    schools: set = field(default_factory=set)
    pupils: int = 0
    counted: int = 0  # sessions whose pupils were counted
    before: list = field(default_factory=lambda: [0, 0])  # confident, pupils asked
    after: list = field(default_factory=lambda: [0, 0])

    def add(self, s: Delivered) -> None:
        self.sessions += 1
        self.schools.add(s.school.casefold())
        self.pupils += s.pupils or 0
        self.counted += s.pupils is not None
        if s.baseline is not None:
            self.before[0] += s.baseline
            self.before[1] += s.pupils
        if s.end is not None:
            self.after[0] += s.end
            self.after[1] += s.pupils

    @staticmethod
    def _share(pair) -> Optional[int]:
        return round(100 * pair[0] / pair[1]) if pair[1] else None

    @property
    def confident_before(self) -> Optional[int]:
        return self._share(self.before)

    @property
    def confident_after(self) -> Optional[int]:
        return self._share(self.after)

    @property
    def pupils_shown(self) -> Optional[int]:
        return self.pupils if self.counted else None

    def cells(self) -> tuple:
        return (self.group, self.name, self.sessions, len(self.schools), self.pupils_shown,
                self.confident_before, self.confident_after)


@dataclass
class Report:
    source: str
    sessions: list[Delivered]
    lines: list[Line]

    def section(self, group: str) -> list[Line]:
        return [line for line in self.lines if line.group == group]

    @property
    def has_tallies(self) -> bool:
        return any(line.before[1] or line.after[1] for line in self.lines)


# ------------------------------------------------------------------------- reading


def read_report(bookings: Path, lessons_dir: Path, month_first: bool = False) -> Report:
    """The report of a bookings file; LessonpackError listing every bad row otherwise."""
    from .batch import read_bookings
    from .content.loader import load_library
    from .errors import ContentError

    library, problems = load_library(lessons_dir)
    if any(not p.warning for p in problems):
        raise ContentError([p for p in problems if not p.warning])
    where = display_path(bookings)
    found, row_problems = read_bookings(bookings, library, month_first, optional=TALLIES,
                                        dsl=False)
    messages = [f"{where}:row {row}: {message}" for row, message in row_problems]
    sessions = []
    for booking in found:
        tallies, problems = _tallies(booking.extra)
        messages += [f"{where}:row {booking.row}: {p}" for p in problems]
        band = library.band(booking.band)
        sessions.append(Delivered(booking.row, booking.school, booking.date,
                                  library.lessons[booking.lesson].title,
                                  f"{band.id} ({band.name})", *tallies))
    if messages:
        raise LessonpackError("\n".join(sorted(messages, key=_row_order)))
    return Report(where, sessions, _lines(sessions))


def _row_order(message: str) -> int:
    return int(message.split(":row ", 1)[1].split(":", 1)[0])


def _tallies(values: dict) -> tuple[tuple, list[str]]:
    """(pupils, baseline, end) as numbers, and what is wrong with them."""
    numbers, problems = {}, []
    for name in TALLIES:
        text = values.get(name, "").replace(",", "")
        if not text:
            numbers[name] = None
        elif text.isdigit():
            numbers[name] = int(text)
        else:
            what = "pupils present" if name == "pupils" else f"pupils counted for {name}"
            problems.append(f"{name} '{values[name]}' is not a whole number; write the number "
                            f"of {what} (e.g. 28), or leave it empty")
            numbers[name] = None
    pupils = numbers["pupils"]
    if pupils == 0 and not problems:
        problems.append("pupils is 0; write the number of pupils present, or leave it empty "
                        "if the session did not take place")
    for name in TALLIES[1:]:
        count = numbers[name]
        if count is None:
            continue
        if pupils is None:
            if not any(p.startswith("pupils ") for p in problems):
                problems.append(f"{name} is {count} but pupils is empty; fill in the number "
                                "of pupils present, so the share can be worked out")
        elif count > pupils:
            problems.append(f"{name} is {count}, more than the {pupils} pupils present; "
                            f"write at most {pupils}")
    return (pupils, numbers["baseline_confident"], numbers["end_confident"]), problems


def _lines(sessions: list[Delivered]) -> list[Line]:
    keys = {
        "total": lambda s: "All sessions",
        "lesson": lambda s: s.lesson,
        "band": lambda s: s.band,
        "month": lambda s: f"{s.date:%B %Y}",
        "school": lambda s: s.school,
    }
    order = {
        "total": lambda s: 0,
        "lesson": lambda s: s.lesson.casefold(),
        "band": lambda s: s.band,  # ks2, ks3, ks4, post16: youngest first
        "month": lambda s: (s.date.year, s.date.month),
        "school": lambda s: s.school.casefold(),
    }
    lines: list[Line] = []
    for group, _ in SECTIONS:
        found: dict[str, tuple] = {}
        for s in sorted(sessions, key=order[group]):
            name = keys[group](s)
            if group == "school":
                name = next((k for k in found if k.casefold() == name.casefold()), name)
            if name not in found:
                found[name] = (order[group](s), Line(group, name))
            found[name][1].add(s)
        lines += [line for _, line in found.values()]
    return lines


# ------------------------------------------------------------------------- writing


def percent(value: Optional[int]) -> str:
    return "" if value is None else f"{value}%"


def terminal_table(report: Report) -> str:
    """The report as a plain-text table."""
    header = ("", "Sessions", "Schools", "Pupils", "Confident before", "Confident after")
    rows: list[tuple] = []
    for group, title in SECTIONS:
        lines = report.section(group)
        if group != "total":
            rows.append((title,))
        for line in lines:
            rows.append(("  " * (group != "total") + line.name, line.sessions,
                         len(line.schools), _shown(line.pupils_shown),
                         percent(line.confident_before) or "-",
                         percent(line.confident_after) or "-"))
    width = max(len(str(r[0])) for r in rows + [header])
    columns = [len(h) for h in header[1:]]

    def format_row(cells) -> str:
        if len(cells) == 1:
            return str(cells[0])
        return (f"{cells[0]:<{width}}" + "".join(f"  {str(c):>{w}}"
                                                  for c, w in zip(cells[1:], columns)))
    return "\n".join([format_row(header)] + [format_row(r) for r in rows]
                     + [_counted_note(report)])


def _shown(value: Optional[int]) -> str:
    return "-" if value is None else str(value)


def _counted_note(report: Report) -> str:
    total = report.section("total")[0]
    if total.counted == total.sessions:
        return f"Pupils counted at all {total.sessions} sessions."
    return (f"Pupils counted at {total.counted} of {total.sessions} sessions (fill in the "
            "pupils column from each evaluation record to count the rest).")


def neutralise(cell):
    """A text cell a spreadsheet would run as a formula (=, +, -, @, tab or carriage
    return first) starts with a quote instead, as OWASP advises; numbers stay numbers."""
    if isinstance(cell, str) and cell.startswith(FORMULA_STARTS):
        return "'" + cell
    return cell


def report_csv(report: Report) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(CSV_HEADER)
    for line in report.lines:
        writer.writerow([neutralise("" if c is None else c) for c in line.cells()])
    return ("\ufeff" + out.getvalue()).encode("utf-8")  # the BOM tells Excel it is UTF-8


def report_pdf(report: Report, today: dt.date) -> bytes:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import (KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table,
                                    TableStyle)
    from xml.sax.saxutils import escape

    font = _font()
    body = ParagraphStyle("body", fontName=font, fontSize=10, leading=13)
    heading = ParagraphStyle("heading", parent=body, fontSize=14, leading=18, spaceBefore=8,
                             spaceAfter=4)
    title = ParagraphStyle("title", parent=body, fontSize=20, leading=24, spaceAfter=6)
    cell = ParagraphStyle("cell", parent=body, fontSize=9, leading=11)

    dates = sorted(s.date for s in report.sessions)
    total = report.section("total")[0]
    story = [
        Paragraph("Online safety sessions: the term's reach", title),
        Paragraph(escape(f"{total.sessions} sessions in {len(total.schools)} schools, "
                         f"{total.pupils} pupils, from {dates[0].day} {dates[0]:%B %Y} to "
                         f"{dates[-1].day} {dates[-1]:%B %Y}. Made from {report.source} on "
                         f"{today.day} {today:%B %Y}. {_counted_note(report)}"), body),
    ]
    if report.has_tallies:
        story.append(Paragraph(
            "Confident before and after: the share of pupils present who said they were "
            "confident at the baseline and at the end, over the sessions where the tally was "
            "recorded on the evaluation record.", body))
    header = ["", "Sessions", "Schools", "Pupils", "Confident before", "Confident after"]
    width = A4[0] - 36 * mm
    for group, heading_text in SECTIONS[1:]:
        lines = report.section(group)
        rows = [[Paragraph(h, cell) for h in header]]
        rows += [[Paragraph(escape(line.name), cell), line.sessions, len(line.schools),
                  _shown(line.pupils_shown), percent(line.confident_before) or "–",
                  percent(line.confident_after) or "–"] for line in lines]
        table = Table(rows, colWidths=[width * 0.40] + [width * 0.12] * 5, repeatRows=1)
        table.setStyle(TableStyle([
            ("FONT", (0, 0), (-1, -1), font, 9),
            ("ALIGN", (1, 1), (-1, -1), "RIGHT"),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#dde6f0")),
            ("GRID", (0, 0), (-1, -1), 0.5, colors.HexColor("#8899aa")),
        ]))
        story += [KeepTogether([Paragraph(heading_text, heading), table])]
    story.append(Paragraph("Charts", heading))
    story.append(_bar_chart("Pupils reached by month", report.section("month"),
                            [("pupils", lambda line: line.pupils)], font, width))
    story.append(Spacer(1, 6 * mm))
    story.append(_bar_chart("Pupils reached by lesson", report.section("lesson"),
                            [("pupils", lambda line: line.pupils)], font, width))
    story.append(Spacer(1, 6 * mm))
    story.append(_bar_chart("Pupils reached by band", report.section("band"),
                            [("pupils", lambda line: line.pupils)], font, width))
    if report.has_tallies:
        story.append(Spacer(1, 6 * mm))
        story.append(_bar_chart(
            "Pupils confident before and after (%), by lesson",
            [line for line in report.section("lesson") if line.before[1] or line.after[1]],
            [("before", lambda line: line.confident_before or 0),
             ("after", lambda line: line.confident_after or 0)], font, width, top=100))

    out = io.BytesIO()
    doc = SimpleDocTemplate(out, pagesize=A4, leftMargin=18 * mm, rightMargin=18 * mm,
                            topMargin=18 * mm, bottomMargin=18 * mm, invariant=1, lang="en-GB",
                            title="Online safety sessions: the term's reach",
                            author="lessonpack", creator="lessonpack")
    doc.build(story)
    return out.getvalue()


def _bar_chart(title: str, lines: list[Line], series: list, font: str, width: float,
               top: Optional[int] = None):
    """A horizontal bar chart, one bar (or one per series) for each line, its name at
    the left: long lesson titles print whole."""
    from reportlab.graphics.charts.barcharts import HorizontalBarChart
    from reportlab.graphics.charts.legends import Legend
    from reportlab.graphics.shapes import Drawing, String
    from reportlab.lib import colors
    from reportlab.pdfbase.pdfmetrics import stringWidth

    palette = [colors.HexColor("#2b5b84"), colors.HexColor("#e0a030")]
    names = [line.name for line in lines]
    label_width = min(max(stringWidth(n, font, 8) for n in names) + 8, width * 0.5)
    bar_room = 14 * len(series) + 8
    height = 40 + bar_room * len(lines) + (16 if len(series) > 1 else 0)
    drawing = Drawing(width, height)
    drawing.add(String(0, height - 12, title, fontName=font, fontSize=11))
    chart = HorizontalBarChart()
    chart.x = label_width
    chart.y = 20 + (16 if len(series) > 1 else 0)
    chart.width = width - label_width - 30
    chart.height = bar_room * len(lines)
    # The first line at the top, as in the table; within a line, the first series on
    # top too (the chart stacks series upwards, so they go in last first).
    chart.data = [[fn(line) for line in reversed(lines)] for _, fn in reversed(series)]
    chart.categoryAxis.categoryNames = list(reversed(names))
    chart.categoryAxis.labels.fontName = font
    chart.categoryAxis.labels.fontSize = 8
    chart.categoryAxis.labels.boxAnchor = "e"
    chart.categoryAxis.labels.dx = -4
    chart.valueAxis.labels.fontName = font
    chart.valueAxis.labels.fontSize = 8
    chart.valueAxis.valueMin = 0
    if top:
        chart.valueAxis.valueMax = top
        chart.valueAxis.valueStep = 20
    chart.barLabelFormat = "%d"
    chart.barLabels.fontName = font
    chart.barLabels.fontSize = 7
    chart.barLabels.boxAnchor = "w"
    chart.barLabels.dx = 3
    for index in range(len(series)):
        chart.bars[len(series) - 1 - index].fillColor = palette[index % len(palette)]
    drawing.add(chart)
    if len(series) > 1:
        legend = Legend()
        legend.x, legend.y = label_width, 8
        legend.fontName, legend.fontSize = font, 8
        legend.alignment = "right"
        legend.columnMaximum = 1
        legend.colorNamePairs = [(palette[i], name) for i, (name, _) in enumerate(series)]
        drawing.add(legend)
    return drawing


def _font() -> str:
    """Noto Sans: it prints every school's name, Welsh ones included."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    from .fonts import fallback_font_file

    name = "LessonpackReport"
    if name not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(name, str(fallback_font_file())))
    return name


def write_report(report: Report, output_dir: Path, today: dt.date) -> list[Path]:
    """report.csv and report.pdf in output_dir, both made before either is written."""
    from .output import write_atomic

    if output_dir.exists() and not output_dir.is_dir():
        raise OutputError(f"{display_path(output_dir)}: is a file, not a folder; choose "
                          "another -o/--output folder")
    files = {output_dir / "report.csv": report_csv(report),
             output_dir / "report.pdf": report_pdf(report, today)}
    for path, data in files.items():
        write_atomic(path, data)
    return list(files)
