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
from .budgets import BudgetError
from .build import (BuildOptions, BuildResult, build_packs, load_checked, prepare_renderers,
                    session_warnings)
from .errors import LessonpackError, OutputError, display_path
from .index import pack_infos, update_index
from .model import Library, Profile, Session
from .naming import session_folder, slugify
from .output import MANIFEST, Manifest, check_output_dir, write_atomic, write_documents
from .profile import load_profile

REQUIRED = ("school", "date", "band", "lesson")
OPTIONAL = ("class", "dsl")
COLUMNS_HELP = "school, date, band, lesson and optionally class and dsl"


@dataclass(frozen=True)
class Booking:
    row: int  # as the spreadsheet numbers it: the header is row 1
    school: str
    date: dt.date
    band: str
    lesson: str
    class_name: Optional[str]
    extra: dict = field(default_factory=dict, compare=False)  # other columns asked for
    dsl: Optional[str] = None  # the school's Designated Safeguarding Lead
    warnings: tuple[str, ...] = field(default=(), compare=False)  # "dsl: 'TBC' is not a name..."

    @property
    def session(self) -> Session:
        return Session(school=self.school, date=self.date, class_name=self.class_name,
                       dsl=self.dsl)

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
    kept: list[str] = field(default_factory=list)  # edited documents left as they were
    warnings: list[str] = field(default_factory=list)  # "bookings.csv:row 7: warning: ..."

    @property
    def failed(self) -> int:
        return self.total - self.built


def run_batch(bookings_path: Path, base: BuildOptions, jobs: int,
              month_first: bool = False) -> BatchResult:
    """Build one pack per booking into base.output_dir, reporting progress as it goes:
    a bar on a terminal, otherwise one line per booking."""
    library, warnings = load_checked(base.lessons_dir, base.today, base.strict)
    for problem in warnings:
        click.echo(str(problem), err=True)
    profile = load_profile(base.profile_path, base.lessons_dir)
    bookings, problems = read_bookings(bookings_path, library, month_first)
    check_output_dir(base.output_dir)
    manifest = Manifest.read(base.output_dir, f"lessonpack {__version__}")

    where = display_path(bookings_path)
    result = BatchResult(total=len(bookings) + len({row for row, _ in problems}))
    for row, message in problems:
        result.failures.append(f"{where}:row {row}: {message}")
        click.echo(result.failures[-1], err=True)
    from .session import past_date_warning

    for booking in bookings:
        if warning := past_date_warning(booking.date, base.today):
            click.echo(f"{where}:row {booking.row}: warning: date: {warning}", err=True)
        for warning in booking.warnings:
            click.echo(f"{where}:row {booking.row}: warning: {warning}", err=True)
        for problem in session_warnings(booking.session):
            column = {"--school": "school", "--class": "class", "--dsl": "dsl"}[problem.path]
            click.echo(f"{where}:row {booking.row}: warning: {column}: {problem.message}",
                       err=True)

    tasks = [(b, replace(base, lesson_ids=(b.lesson,), band_ids=(b.band,), session=b.session,
                         keep_edited=True))
             for b in bookings]
    terminal = sys.stdout.isatty() and bool(tasks)
    bar = click.progressbar(length=len(tasks), label="Building packs", file=sys.stderr) \
        if terminal else nullcontext()
    held: list[str] = []  # failures shown once the bar is finished, not across it
    wrote_any = False
    infos, fresh = {}, set()  # for index.html: every pack built, and those written to
    try:
        loaded = (library, profile, manifest)
        rows = [partial(_build_row, task, loaded) for task in tasks]
        with bar, Pool(rows, jobs, setup=partial(prepare_renderers, None)) as results:
            for done, (booking, outcome) in enumerate(results, 1):
                if isinstance(outcome, BuildResult):
                    wrote_any = wrote_any or bool(outcome.rendered)
                    write_documents(base.output_dir, outcome.rendered, manifest.entries)
                    outcome.written = [name for name, _, _ in outcome.rendered]
                    infos.update(pack_infos(library, outcome.written + outcome.unchanged
                                            + outcome.kept, booking.session))
                    fresh.update(name.rsplit("/", 1)[0] for name in outcome.written)
                    result.built += 1
                    result.written += len(outcome.written)
                    result.unchanged += len(outcome.unchanged)
                    if not terminal:
                        click.echo(f"[{done}/{len(tasks)}] {booking.label}: "
                                   f"{_documents(outcome)}")
                    for problem in outcome.warnings:  # e.g. a document over its page budget
                        result.warnings.append(_row_warning(where, booking, problem))
                        (held.append if terminal else _echo_err)(result.warnings[-1])
                    for name in outcome.kept:
                        result.kept.append(_kept(where, booking, base.output_dir / name,
                                                 outcome))
                        (held.append if terminal else _echo_err)(result.kept[-1])
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
        index_before = dict(manifest.index)
        if warning := update_index(base.output_dir, manifest, infos, fresh, jobs=jobs):
            held.append(str(warning))
        wrote_any = wrote_any or manifest.index != index_before
    finally:  # even when stopped part way, record every document that was written
        if wrote_any:
            write_atomic(base.output_dir / MANIFEST, manifest.as_bytes())
    for failure in held:
        click.echo(failure, err=True)
    return result


def _echo_err(line: str) -> None:
    click.echo(line, err=True)


def _row_warning(where: str, booking: Booking, problem) -> str:
    """A warning about one booking's document, naming its row and school."""
    return (f"{where}:row {booking.row}: warning: {booking.school}: {problem.path}: "
            f"{problem.message}")


def _kept(where: str, booking: Booking, path: Path, outcome: BuildResult) -> str:
    """One line for a document a teacher edited: kept, and what became of the rest."""
    others = len(outcome.written) + len(outcome.unchanged) + len(outcome.kept) - 1
    if outcome.kept[1:]:
        rest = (f"the booking's other documents ({len(outcome.written)} written, "
                f"{len(outcome.unchanged)} unchanged) are up to date")
    elif outcome.unchanged:
        rest = (f"the booking's other {others} documents are up to date "
                f"({len(outcome.written)} written, {len(outcome.unchanged)} unchanged)")
    else:
        rest = f"the booking's other {others} documents were written"
    return (f"{where}:row {booking.row}: kept {display_path(path)} as it is (changed since "
            f"lessonpack wrote it, so it still has the old details); {rest}. Save your copy "
            "elsewhere and run again, or use --force to replace it")


def _documents(outcome: BuildResult) -> str:
    """'6 documents', or '0 documents (6 unchanged)' on a rebuild."""
    unchanged = f" ({len(outcome.unchanged)} unchanged)" if outcome.unchanged else ""
    return f"{len(outcome.written)} documents{unchanged}"


def read_bookings(path: Path, library: Library, month_first: bool = False,
                  optional: tuple[str, ...] = (),
                  dsl: bool = True) -> tuple[list[Booking], list[tuple[int, str]]]:
    """The good bookings, and (row, message) for every problem in a bad one.

    A header row naming the columns is required, in any order and any case. A missing
    column, an unreadable file or dates written month first (without `month_first`) is
    one LessonpackError, raised before anything builds. `optional` names more columns
    to read into Booking.extra (the report's tallies). Without `dsl` the dsl column is
    not read (the report counts sessions; a name it would refuse to print is batch's
    concern)."""
    where = display_path(path)
    rows = _read_rows(path)
    if not rows or not any(cell.strip() for cell in rows[0]):
        raise LessonpackError(f"{where}: the first row must name the columns: {COLUMNS_HELP}")
    columns = _columns(where, rows[0], optional)
    if not dsl:
        columns.pop("dsl", None)
    if not month_first:
        _check_not_month_first(where, rows, columns["date"])

    bookings, problems, seen = [], [], {}  # seen: pack folder -> first row that builds it
    for row, cells in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in cells):
            continue  # blank rows, as Excel leaves below the data
        booking, row_problems = _booking(row, cells, columns, library, month_first)
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


def _check_not_month_first(where: str, rows: list[list[str]], column: int) -> None:
    """A file whose slashed dates all read month first, and some only that way
    (12/31/2026), was saved by US Excel: say so rather than fail every row."""
    from .session import could_be_month_first, parse_date, DateError

    dates = [(row, _clean(cells[column])) for row, cells in enumerate(rows[1:], start=2)
             if column < len(cells) and "/" in cells[column]]
    only = [(row, text) for row, text in dates if could_be_month_first(text)]
    if not only:
        return
    for _, text in dates:
        try:
            parse_date(text, month_first=True)
        except DateError:
            return  # mixed up, not month first throughout: each bad row is named
    row, text = only[0]
    raise LessonpackError(
        f"{where}:row {row}: the dates are written month first ('{text}' has no month "
        f"{text.split('/')[1].lstrip('0')}), as US Excel saves them; run again with "
        "--month-first to read every date that way, or write them as YYYY-MM-DD")


def _columns(where: str, header: list[str], optional: tuple[str, ...] = ()) -> dict[str, int]:
    """Column name -> index, for the columns lessonpack reads; others are ignored."""
    names = [cell.strip().lower() for cell in header]
    wanted = REQUIRED + OPTIONAL + optional
    repeated = sorted({n for n in names if n in wanted and names.count(n) > 1})
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
    return {n: names.index(n) for n in wanted if n in names}


def _booking(row: int, cells: list[str], columns: dict[str, int], library: Library,
             month_first: bool = False) -> tuple[Optional[Booking], list[str]]:
    from .session import DateError, parse_date

    values = {name: _clean(cells[i]) if i < len(cells) else "" for name, i in columns.items()}
    class_name = values.get("class") or None
    if not values["band"] and class_name:  # "Year 8 Oak" says the band
        from .session import ClassError, band_for_class

        try:
            values["band"] = band_for_class(class_name) or ""
        except ClassError:
            pass  # named below, as the class's own problem
    problems = [f"empty {name}; fill it in (every booking needs a school, date, band and "
                "lesson; a class with its year group, such as Year 8, gives the band)"
                for name in REQUIRED if not values[name]]
    band, band_problem = resolve_band(values["band"], library) if values["band"] else (None, None)
    lesson, lesson_problem = (resolve_lesson(values["lesson"], library) if values["lesson"]
                              else (None, None))
    problems += [p for p in (band_problem, lesson_problem) if p]
    if class_name and band:
        problems += _class_problems(class_name, band)
    if lesson and band and band not in library.lessons[lesson].bands:
        problems.append(f"lesson '{lesson}' has no plan for band '{band}'; "
                        f"it has: {', '.join(library.lessons[lesson].bands)}")
    date = None
    if values["date"]:
        try:
            date = parse_date(values["date"], month_first)
        except DateError as err:
            problems.append(f"date {err}")
    dsl, warnings = _dsl(values.get("dsl", ""), problems)
    if problems:
        return None, problems
    extra = {name: values[name] for name in columns if name not in REQUIRED + OPTIONAL}
    return Booking(row, values["school"], date, band, lesson, class_name, extra, dsl,
                   warnings), []


def _dsl(text: str, problems: list[str]) -> tuple[Optional[str], tuple[str, ...]]:
    """The dsl column's name (None when the cell is empty or holds "TBC" and the like,
    which is a warning); a name that cannot be printed is added to `problems`."""
    from .session import DslError, check_dsl

    if not text:
        return None, ()
    try:
        name, warning = check_dsl(text)
    except DslError as err:
        problems.append(f"dsl {err}")
        return None, ()
    return name, ((f"dsl: {warning}",) if warning else ())


def _key(text: str) -> str:
    """'Key Stage 3', 'KS3', 'ks-3' -> 'keystage3' / 'ks3': case, spaces and dashes aside."""
    return "".join(c for c in text.lower() if c.isalnum())


def resolve_band(text: str, library: Library) -> tuple[Optional[str], Optional[str]]:
    """(band id, None), or (None, problem): a band written as its id ('ks3'), 'KS3',
    its name ('Key Stage 3') or a year group ('Year 8', 'Y8', 'S2')."""
    from .session import ClassError, band_for_class

    names = {_key(b.id): b.id for b in library.bands}
    names.update({_key(b.name): b.id for b in library.bands})
    names.update({"sixthform": "post16", "post16": "post16"} if "post16" in names.values() else {})
    if _key(text) in names:
        return names[_key(text)], None
    try:
        band = band_for_class(text)
    except ClassError as err:
        return None, f"band {err}"
    if band in library.band_ids():
        return band, None
    return None, (f"unknown band '{text}'; write a band ({', '.join(library.band_ids())}), "
                  "a key stage (KS3) or a year group (Year 8)")


def resolve_lesson(text: str, library: Library) -> tuple[Optional[str], Optional[str]]:
    """(lesson id, None), or (None, problem): a lesson written as its id or its title."""
    by_slug = {slugify(lesson.title): lesson.id for lesson in library.lessons.values()}
    by_slug.update({lesson_id: lesson_id for lesson_id in library.lessons})
    if slugify(text) in by_slug:
        return by_slug[slugify(text)], None
    known = ", ".join(sorted(library.lessons))
    return None, f"unknown lesson '{text}'; write a lesson's id or title; ids: {known}"


def _class_problems(class_name: str, band: str) -> list[str]:
    from .session import ClassError, band_for_class

    try:
        class_band = band_for_class(class_name)
    except ClassError as err:
        return [f"class {err}"]
    if class_band and class_band != band:
        return [f"class '{class_name}' is a {class_band} class but band is {band}; correct "
                "the band or the class"]
    return []


def _clean(value: str) -> str:
    """Trimmed, one line: Word files cannot hold control characters, and a line break
    typed into a spreadsheet cell is not meant for the page."""
    return " ".join("".join(c if c.isprintable() else " " for c in value).split())


# --- building rows, in this process or in a pool ------------------------------------------

Loaded = tuple[Library, Profile, Manifest]  # what every row is built from
Task = tuple[Booking, BuildOptions]


def _build_row(task: Task, loaded: Loaded):
    """(booking, BuildResult), or (booking, message) when the row cannot be written, and
    none of it is: a teacher edited its worksheet, say, or (--strict) a document is over
    its page budget. Any other error (a broken template, say) would fail every row, so it
    stops the batch. Runs in a pool worker, which inherits the loaded content when it is
    forked."""
    booking, options = task
    try:
        return booking, build_packs(options, *loaded, write=False)
    except OutputError as err:
        return booking, err.message
    except BudgetError as err:
        return booking, "\n".join(f"{booking.school}: {problem} (--strict: nothing of this "
                                  "booking is written)" for problem in err.problems)
