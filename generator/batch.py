"""Batch builds: a term's bookings (a CSV, one row per session) built in one command.

The content is loaded and validated once. Every row is checked before anything is
built; a bad row is reported with its spreadsheet row number and the others still
build. Each row is one personalised pack rendered by build_packs(), in a process pool
when more than one job is asked for. Workers only render; this process writes each
row's documents as they arrive and records them in manifest.json, so rows rendering in
parallel never race on it, and a batch stopped part way (Ctrl-C) still records every
document it wrote.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import sys
from contextlib import nullcontext
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path
from typing import Optional

import click

from . import __version__
from .pool import Pool
from .build import (BuildOptions, BuildResult, build_packs, load_checked, prepare_renderers,
                    session_warnings)
from .errors import LessonpackError, OutputError, display_path
from .model import Library, Profile, Session
from .naming import session_folder, slugify
from .output import MANIFEST, Manifest, check_output_dir, write_atomic, write_documents
from .profile import load_profile

REQUIRED = ("school", "date", "band", "lesson")
OPTIONAL = ("class",)
COLUMNS_HELP = "school, date, band, lesson and optionally class"
DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y")  # as typed, and as Excel (UK) saves a date


@dataclass(frozen=True)
class Booking:
    row: int  # as the spreadsheet numbers it: the header is row 1
    school: str
    date: dt.date
    band: str
    lesson: str
    class_name: Optional[str]

    @property
    def session(self) -> Session:
        return Session(school=self.school, date=self.date, class_name=self.class_name)

    @property
    def label(self) -> str:
        return f"{self.date.isoformat()} {slugify(self.school)} {self.lesson} {self.band}"


@dataclass
class BatchResult:
    total: int = 0  # bookings in the file
    built: int = 0
    written: int = 0  # documents
    unchanged: int = 0
    failures: list[str] = field(default_factory=list)  # "bookings.csv:row 7: ..."

    @property
    def failed(self) -> int:
        return self.total - self.built


def run_batch(bookings_path: Path, base: BuildOptions, jobs: int) -> BatchResult:
    """Build one pack per booking into base.output_dir, reporting progress as it goes:
    a bar on a terminal, otherwise one line per booking."""
    library, warnings = load_checked(base.lessons_dir, base.today, base.strict)
    for problem in warnings:
        click.echo(str(problem), err=True)
    profile = load_profile(base.profile_path, base.lessons_dir)
    bookings, problems = read_bookings(bookings_path, library)
    check_output_dir(base.output_dir)
    manifest = Manifest.read(base.output_dir, f"lessonpack {__version__}")

    where = display_path(bookings_path)
    result = BatchResult(total=len(bookings) + len({row for row, _ in problems}))
    for row, message in problems:
        result.failures.append(f"{where}:row {row}: {message}")
        click.echo(result.failures[-1], err=True)
    for booking in bookings:
        for problem in session_warnings(booking.session):
            column = {"--school": "school", "--class": "class"}[problem.path]
            click.echo(f"{where}:row {booking.row}: warning: {column}: {problem.message}",
                       err=True)

    tasks = [(b, replace(base, lesson_ids=(b.lesson,), band_ids=(b.band,), session=b.session))
             for b in bookings]
    terminal = sys.stdout.isatty() and bool(tasks)
    bar = click.progressbar(length=len(tasks), label="Building packs", file=sys.stderr) \
        if terminal else nullcontext()
    held: list[str] = []  # failures shown once the bar is finished, not across it
    wrote_any = False
    try:
        loaded = (library, profile, manifest)
        rows = [partial(_build_row, task, loaded) for task in tasks]
        with bar, Pool(rows, jobs, setup=partial(prepare_renderers, None)) as results:
            for done, (booking, outcome) in enumerate(results, 1):
                if isinstance(outcome, BuildResult):
                    wrote_any = wrote_any or bool(outcome.rendered)
                    write_documents(base.output_dir, outcome.rendered, manifest.entries)
                    outcome.written = [name for name, _, _ in outcome.rendered]
                    result.built += 1
                    result.written += len(outcome.written)
                    result.unchanged += len(outcome.unchanged)
                    if not terminal:
                        click.echo(f"[{done}/{len(tasks)}] {booking.label}: "
                                   f"{_documents(outcome)}")
                else:
                    failure = "\n".join(f"{where}:row {booking.row}: {line}"
                                        for line in outcome.splitlines())
                    result.failures.append(failure)
                    if terminal:
                        held.append(failure)
                    else:
                        click.echo(failure, err=True)
                if terminal:
                    bar.update(1)
    finally:  # even when stopped part way, record every document that was written
        if wrote_any:
            write_atomic(base.output_dir / MANIFEST, manifest.as_bytes())
    for failure in held:
        click.echo(failure, err=True)
    return result


def _documents(outcome: BuildResult) -> str:
    """'6 documents', or '0 documents (6 unchanged)' on a rebuild."""
    unchanged = f" ({len(outcome.unchanged)} unchanged)" if outcome.unchanged else ""
    return f"{len(outcome.written)} documents{unchanged}"


def read_bookings(path: Path, library: Library) -> tuple[list[Booking], list[tuple[int, str]]]:
    """The good bookings, and (row, message) for every problem in a bad one.

    A header row naming the columns is required, in any order and any case. A missing
    column or an unreadable file is one LessonpackError, raised before anything builds."""
    where = display_path(path)
    rows = _read_rows(path)
    if not rows or not any(cell.strip() for cell in rows[0]):
        raise LessonpackError(f"{where}: the first row must name the columns: {COLUMNS_HELP}")
    columns = _columns(where, rows[0])

    bookings, problems, seen = [], [], {}  # seen: pack folder -> first row that builds it
    for row, cells in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in cells):
            continue  # blank rows, as Excel leaves below the data
        booking, row_problems = _booking(row, cells, columns, library)
        if booking:
            folder = f"{session_folder(booking.session)}/{booking.lesson}/{booking.band}"
            if folder in seen:
                row_problems.append(
                    f"same school, date, lesson and band as row {seen[folder]}, so both would "
                    f"be written to {folder}/; delete the repeated row, or build it from "
                    "another bookings file with another --output folder")
            seen.setdefault(folder, row)
        problems += [(row, message) for message in row_problems]
        if not row_problems:
            bookings.append(booking)
    if not bookings and not problems:
        raise LessonpackError(f"{where}: no bookings below the header row; add one row per "
                              f"session with its {COLUMNS_HELP}")
    return bookings, problems


def _read_rows(path: Path) -> list[list[str]]:
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")  # with or without the BOM Excel's "CSV UTF-8" adds
    except UnicodeDecodeError:
        try:
            text = data.decode("cp1252")  # Excel's plain "CSV (Comma delimited)" on Windows
        except UnicodeDecodeError:
            raise LessonpackError(f"{display_path(path)}: not UTF-8 text; in Excel, save it "
                                  "as \"CSV UTF-8 (Comma delimited)\"") from None
    first_line = text.split("\n", 1)[0]
    # Excel in some locales separates with semicolons.
    delimiter = ";" if ";" in first_line and "," not in first_line else ","
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))


def _columns(where: str, header: list[str]) -> dict[str, int]:
    """Column name -> index, for the columns lessonpack reads; others are ignored."""
    names = [cell.strip().lower() for cell in header]
    repeated = sorted({n for n in names if n in REQUIRED + OPTIONAL and names.count(n) > 1})
    if repeated:
        names_text = ", ".join(repr(n) for n in repeated)
        raise LessonpackError(f"{where}: the header row names {names_text} more than once; "
                              "keep one column of each")
    missing = [n for n in REQUIRED if n not in names]
    if missing:
        found = ", ".join(n for n in names if n) or "nothing"
        raise LessonpackError(
            f"{where}: the header row has no {' or '.join(repr(n) for n in missing)} column; "
            f"the first row must name the columns: {COLUMNS_HELP} (found: {found})")
    return {n: names.index(n) for n in REQUIRED + OPTIONAL if n in names}


def _booking(row: int, cells: list[str], columns: dict[str, int],
             library: Library) -> tuple[Optional[Booking], list[str]]:
    values = {name: _clean(cells[i]) if i < len(cells) else "" for name, i in columns.items()}
    problems = [f"empty {name}; fill it in (every booking needs a school, date, band and "
                "lesson)" for name in REQUIRED if not values[name]]
    band, lesson = values["band"].lower(), values["lesson"].lower()
    if band and band not in library.band_ids():
        problems.append(f"unknown band '{values['band']}'; known: {', '.join(library.band_ids())}")
    if lesson and lesson not in library.lessons:
        problems.append(f"unknown lesson '{values['lesson']}'; "
                        f"known: {', '.join(sorted(library.lessons))}")
    elif lesson and band in library.band_ids() and band not in library.lessons[lesson].bands:
        problems.append(f"lesson '{lesson}' has no plan for band '{band}'; "
                        f"it has: {', '.join(library.lessons[lesson].bands)}")
    date = _parse_date(values["date"])
    if values["date"] and date is None:
        problems.append(f"bad date '{values['date']}'; write it as YYYY-MM-DD "
                        "(e.g. 2026-03-04) or DD/MM/YYYY")
    if problems:
        return None, problems
    return Booking(row, values["school"], date, band, lesson, values.get("class") or None), []


def _clean(value: str) -> str:
    """Trimmed, one line: Word files cannot hold control characters, and a line break
    typed into a spreadsheet cell is not meant for the page."""
    return " ".join("".join(c if c.isprintable() else " " for c in value).split())


def _parse_date(text: str) -> Optional[dt.date]:
    for fmt in DATE_FORMATS:
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            pass
    return None


# --- building rows, in this process or in a pool ------------------------------------------

Loaded = tuple[Library, Profile, Manifest]  # what every row is built from
Task = tuple[Booking, BuildOptions]


def _build_row(task: Task, loaded: Loaded):
    """(booking, BuildResult), or (booking, message) when the row cannot be written. Any
    other error (a broken template, say) would fail every row, so it stops the batch.
    Runs in a pool worker, which inherits the loaded content when it is forked."""
    booking, options = task
    try:
        return booking, build_packs(options, *loaded, write=False)
    except OutputError as err:  # e.g. a teacher edited this pack's worksheet
        return booking, err.message
