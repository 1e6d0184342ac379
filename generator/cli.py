"""The lessonpack command line: thin Click commands over build.py and friends.

Errors are LessonpackError (a ClickException): Click prints the one-line message
and exits 1, so no command needs a try/except.
"""

from __future__ import annotations

import datetime as dt
import gc
from pathlib import Path

import click

from . import __version__
from .errors import display_path
from .resources import bundled, default_dir, template_search_path

LESSONS_HELP = "Content folder (default: ./lessons if present, else the built-in lessons)."


def lessons_option(f):
    return click.option("--lessons", "lessons_dir", type=click.Path(path_type=Path),
                        help=LESSONS_HELP)(f)


def pack_options(f):
    """Options every command that writes packs shares (build and batch)."""
    options = [
        lessons_option,
        click.option("--output", "output_dir", type=click.Path(path_type=Path),
                     default=Path("output"), show_default=True,
                     help="Folder the packs are written to."),
        click.option("--templates", "templates_dir",
                     type=click.Path(path_type=Path, file_okay=False),
                     help="Folder of your own templates; any file here replaces the built-in "
                          "one of the same name."),
        click.option("--profile", "profile_path", type=click.Path(path_type=Path, dir_okay=False),
                     help="Force profile (YAML): force name, officer, local contacts."),
        click.option("--paper", type=click.Choice(["a4", "letter"]), default="a4",
                     show_default=True),
        click.option("--large-print", is_flag=True, help="18 pt text and 1.5 line spacing."),
        click.option("--dyslexia-friendly", is_flag=True,
                     help="Cream pages, wider letter and line spacing."),
        click.option("--force", is_flag=True,
                     help="Replace documents that were edited after lessonpack wrote them."),
    ]
    for option in reversed(options):
        f = option(f)
    return f


def month_first_option(f):
    return click.option("--month-first", is_flag=True,
                        help="Read slashed dates as MM/DD/YYYY (US Excel), not DD/MM/YYYY.")(f)


def _not_blank(ctx, param, value):
    if value is not None and not value.strip():
        raise click.BadParameter("must not be empty; leave the option out instead")
    return value


def _document_names(ctx, param, value):
    """--documents "slides,worksheet" as a tuple of known document names."""
    if value is None:
        return ()
    from .documents import select_documents
    from .errors import LessonpackError

    names = tuple(dict.fromkeys(n.strip() for n in value.split(",") if n.strip()))
    if not names:
        raise click.BadParameter("name at least one document, e.g. --documents worksheet,cards")
    try:
        select_documents(names)
    except LessonpackError as err:
        raise click.BadParameter(err.message) from None
    return names


def _session_date(ctx, param, value):
    """--date as batch reads dates; a date in the past is a warning, not an error."""
    if value is None:
        return None
    from .errors import LessonpackError
    from .session import DateError, parse_date, past_date_warning

    try:
        date = parse_date(value)
    except DateError as err:
        raise LessonpackError(f"--date {err}") from None
    if warning := past_date_warning(date, dt.date.today()):
        click.echo(f"--date: warning: {warning}", err=True)
    return date


def _dsl(ctx, param, value):
    """--dsl as the documents will print it; a placeholder ("TBC") is a warning and names
    no one."""
    if value is None:
        return None
    from .errors import LessonpackError
    from .session import DslError, check_dsl

    try:
        name, warning = check_dsl(value)
    except DslError as err:
        raise LessonpackError(f"--dsl {err}") from None
    if warning:
        click.echo(f"--dsl: warning: {warning}", err=True)
    return name


def _class_band(class_name: str | None, band_ids: tuple[str, ...]) -> tuple[str, ...]:
    """The bands to build for a class: the one its year group is in. A class that
    names no year group needs --band; one that contradicts --band is an error."""
    if not class_name:
        return band_ids
    from .errors import LessonpackError
    from .session import ClassError, band_for_class

    try:
        band = band_for_class(class_name)
    except ClassError as err:
        raise LessonpackError(f"--class {err}") from None
    if band is None:
        if band_ids:
            return band_ids
        raise LessonpackError(f"--class '{class_name}' names no year group, so lessonpack "
                              "cannot tell which band to build; add the year (\"Year 8 "
                              f"{class_name}\") or --band ks2, ks3, ks4 or post16")
    if band_ids and band not in band_ids:
        raise LessonpackError(f"--class '{class_name}' is a {band} class but --band "
                              f"{' --band '.join(band_ids)} was given; drop --band (the "
                              "class chooses it) or correct the class")
    return (band,)


def _note_sample_profile(profile_path: Path | None, lessons: Path) -> None:
    """One line when the documents will carry the sample force's details."""
    if profile_path is None:
        from .profile import sample_note

        if note := sample_note(lessons):
            click.echo(note, err=True)


def _lessons(lessons_dir: Path | None) -> Path:
    return lessons_dir or default_dir("lessons")


def _echo_warnings(warnings) -> None:
    for problem in warnings:
        click.echo(str(problem), err=True)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="lessonpack")
def main() -> None:
    """Generate online-safety session packs for every age band.

    \b
    Each pack holds a lesson plan, a pupil worksheet and its answer key (PDF),
    a discussion guide the facilitator can edit and Word twins of the plan and
    worksheet for screen readers.

    \b
    Example:
      lessonpack build                 # every lesson, every band, into ./output
      lessonpack validate --strict     # check the content before a release
    """


@main.result_callback()
def _before_exit(*_results, **_options) -> None:
    # What a command built lives until the process ends. Frozen, it is not walked by the
    # collections the interpreter runs while shutting down: 0.3 s saved after a full build.
    gc.freeze()


@main.command()
@pack_options
@click.option("--lesson", "lesson_ids", multiple=True, metavar="ID",
              help="Build only this lesson (repeatable).")
@click.option("--band", "band_ids", multiple=True, metavar="ID",
              help="Build only this age band: ks2, ks3, ks4 or post16 (repeatable).")
@click.option("--scenario", "scenario_ids", multiple=True, metavar="ID",
              help="Build only the packs that use this scenario (repeatable).")
@click.option("--school", callback=_not_blank, help="School name, printed on every document.")
@click.option("--date", "session_date", callback=_session_date,
              help="Session date, YYYY-MM-DD or DD/MM/YYYY.")
@click.option("--class", "class_name", callback=_not_blank,
              help='Class, e.g. "Year 8 Oak"; its year group chooses the band.')
@click.option("--dsl", callback=_dsl, metavar="NAME",
              help='The school\'s Designated Safeguarding Lead, e.g. "Mrs A. Patel": named on '
                   "the slides, cards, letter, plan and briefing.")
@click.option("--strict", is_flag=True, help="Treat content warnings as errors.")
@click.option("--jobs", type=click.IntRange(min=1), metavar="N",
              help="Render N documents at once (default: one per CPU core).")
@click.option("--documents", callback=_document_names, metavar="NAMES",
              help="Build only these documents, e.g. slides,worksheet ('lessonpack list' "
                   "names them).")
def build(lessons_dir, output_dir, templates_dir, lesson_ids, band_ids, scenario_ids,
          profile_path, school, session_date, class_name, dsl, paper, large_print,
          dyslexia_friendly, strict, force, jobs, documents):
    """Build session packs: lesson plan, worksheet, answer key, discussion guide.

    \b
    Examples:
      lessonpack build
      lessonpack build --lesson online-blackmail --band ks3
      lessonpack build --school "Hillside Academy" --date 2026-03-04 --class "Year 8"
      lessonpack build --school "Hillside Academy" --class "Year 8" --dsl "Mrs A. Patel"
    """
    from .build import BuildOptions, build as run_build

    session = None  # not personalised
    if school or session_date or class_name or dsl:
        from .session import Session

        session = Session(school=school, date=session_date, class_name=class_name, dsl=dsl)
        band_ids = _class_band(class_name, band_ids)
    lessons = _lessons(lessons_dir)
    templates = template_search_path(templates_dir)
    options = BuildOptions(
        lessons_dir=lessons, output_dir=output_dir, templates=templates,
        lesson_ids=lesson_ids, band_ids=band_ids, scenario_ids=scenario_ids,
        profile_path=profile_path, session=session,
        paper=paper, large_print=large_print, dyslexia_friendly=dyslexia_friendly,
        strict=strict, force=force, jobs=jobs or 0, documents=documents,
    )
    result = run_build(options)
    _echo_warnings(result.warnings)
    where = output_dir
    if session is not None:
        from .naming import session_folder

        where = output_dir / session_folder(session)
    click.echo(f"Wrote {len(result.written)} documents to {where}/"
               + (f" ({len(result.unchanged)} unchanged)" if result.unchanged else ""))
    _note_sample_profile(profile_path, lessons)


@main.command()
@click.argument("bookings", type=click.Path(path_type=Path, dir_okay=False, exists=True))
@pack_options
@click.option("--jobs", type=click.IntRange(min=1), metavar="N",
              help="Build N packs at once (default: one per CPU core).")
@month_first_option
@click.option("--strict", is_flag=True,
              help="Treat content warnings as errors; a booking with a document over its "
                   "page budget fails, and the others still build.")
def batch(bookings, lessons_dir, output_dir, templates_dir, profile_path, jobs, paper,
          large_print, dyslexia_friendly, force, month_first, strict):
    """Build a personalised pack for every booking in a CSV file: a term in one go.

    \b
    BOOKINGS needs a header row naming its columns: school, date, band, lesson
    and optionally class and dsl (the school's Designated Safeguarding Lead,
    e.g. Mrs A. Patel, named in the pack). Dates are YYYY-MM-DD or
    DD/MM/YYYY (--month-first for MM/DD/YYYY, as US Excel saves them). A
    band is its id, a key stage (KS3) or a year group (Year 8), and may be
    left empty when the class names its year group; a lesson is its id or
    its title. A bad row is reported with its row number; the other rows
    still build. A document a teacher has edited is kept, and the rest of
    its pack is written. A document over its page budget is named with its
    row (with --strict, its booking fails and the others still build).

    \b
    Example:
      lessonpack batch spring-term.csv --jobs 4
    """
    from .pool import cpu_count
    from .batch import run_batch
    from .build import BuildOptions
    from .errors import LessonpackError

    templates = template_search_path(templates_dir)
    options = BuildOptions(
        lessons_dir=_lessons(lessons_dir), output_dir=output_dir, templates=templates,
        profile_path=profile_path, paper=paper, large_print=large_print,
        dyslexia_friendly=dyslexia_friendly, force=force, strict=strict,
    )
    result = run_batch(bookings, options, jobs or cpu_count(), month_first)
    click.echo(f"Wrote {result.written} documents to {output_dir}/"
               + (f" ({result.unchanged} unchanged)" if result.unchanged else ""))
    _note_sample_profile(profile_path, options.lessons_dir)
    summary = f"Built {result.built} of {result.total} bookings"
    if result.kept:
        summary += (f"; {len(result.kept)} edited document{'s' if len(result.kept) > 1 else ''}"
                    " kept as they were (named above)")
    if result.warnings:
        many = len(result.warnings) > 1
        summary += (f"; {len(result.warnings)} document{'s' if many else ''} over "
                    f"{'their' if many else 'its'} page budget (named above)")
    if result.failed:
        summary += f"; {result.failed} failed"
    if result.failed or result.kept:
        raise LessonpackError(summary)
    click.echo(summary)


@main.command()
@pack_options
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True,
              help="Port to serve on (0: any free one).")
@click.option("--host", default=None, metavar="ADDRESS",
              help="Address to serve on (default 127.0.0.1: this computer only).")
@click.option("--no-browser", is_flag=True, help="Do not open the browser.")
@click.option("--lesson", "lesson_ids", multiple=True, metavar="ID",
              help="Show only this lesson (repeatable).")
@click.option("--band", "band_ids", multiple=True, metavar="ID",
              help="Show only this age band (repeatable).")
def preview(lessons_dir, output_dir, templates_dir, profile_path, paper, large_print,
            dyslexia_friendly, force, port, host, no_browser, lesson_ids, band_ids):
    """Build, show the packs in the browser, and rebuild on every save.

    \b
    Serves the programme matrix and each pack's documents, page by page, on
    http://127.0.0.1:8000/ with the build's problems on top. Saving a file in
    the content or templates folder (or the profile) builds the packs again and
    the open page shows the result. Ctrl-C stops it.

    \b
    Example:
      lessonpack preview --port 8080
    """
    from .preview import serve

    lessons = _lessons(lessons_dir)
    args = ["--lessons", str(lessons), "--output", str(output_dir), "--paper", paper]
    args += ["--templates", str(templates_dir)] if templates_dir else []
    args += ["--profile", str(profile_path)] if profile_path else []
    args += [flag for flag, on in (("--large-print", large_print),
                                   ("--dyslexia-friendly", dyslexia_friendly),
                                   ("--force", force)) if on]
    args += [arg for lesson in lesson_ids for arg in ("--lesson", lesson)]
    args += [arg for band in band_ids for arg in ("--band", band)]
    watch = [lessons] + ([templates_dir] if templates_dir else []) \
        + ([profile_path] if profile_path else [])
    if host is None:
        host = "127.0.0.1"
    else:
        click.echo(f"warning: serving on {host}: anyone who can reach this computer on that "
                   "network can see the packs; leave out --host to serve this computer only",
                   err=True)
    serve(args, output_dir, watch, host, port, not no_browser, click.echo)


@main.command()
@click.argument("bookings", type=click.Path(path_type=Path, dir_okay=False, exists=True))
@lessons_option
@click.option("-o", "--output", "output_dir", type=click.Path(path_type=Path),
              default=Path("report"), show_default=True,
              help="Folder report.csv and report.pdf are written to.")
@month_first_option
def report(bookings, lessons_dir, output_dir, month_first):
    """Report the term's reach from a bookings file: sessions, schools and pupils by
    lesson, band, month and school.

    \b
    BOOKINGS is the file batch reads, with optional columns from each pack's
    evaluation record: pupils, baseline_confident and end_confident (how many
    pupils said they were confident at the start and at the end). Where they
    are given, the report shows the share confident before and after. Prints a
    table and writes report.csv and report.pdf (tables and bar charts).

    \b
    Example:
      lessonpack report spring-term.csv -o reports/spring
    """
    from .report import read_report, terminal_table, write_report

    result = read_report(bookings, _lessons(lessons_dir), month_first)
    click.echo(terminal_table(result))
    written = write_report(result, output_dir, dt.date.today())
    click.echo(f"Wrote {' and '.join(display_path(p) for p in written)}")


@main.command()
@lessons_option
@click.option("--strict", is_flag=True, help="Fail on warnings too.")
def validate(lessons_dir, strict):
    """Check all content and report every problem as path:line: message.

    \b
    Example:
      lessonpack validate --lessons my-lessons --strict
    """
    from .build import load_checked

    lessons = _lessons(lessons_dir)
    library, warnings = load_checked(lessons, dt.date.today(), strict)
    _echo_warnings(warnings)
    click.echo(f"{display_path(lessons)}: {len(library.lessons)} lessons, {len(library.scenarios)} scenarios, "
               f"{len(library.bands)} bands: no errors"
               + (f", {len(warnings)} warnings" if warnings else ""))


@main.command("list")
@lessons_option
def list_content(lessons_dir):
    """List the lessons, scenarios, age bands and the documents in every pack.

    \b
    Example:
      lessonpack list
    """
    from .content.loader import load_library

    library, _ = load_library(_lessons(lessons_dir))
    click.echo("Lessons:")
    for lesson in library.lessons.values():
        click.echo(f"  {lesson.id:28} {lesson.title}  [{', '.join(lesson.bands)}]")
    click.echo("Scenarios:")
    for scenario in library.scenarios.values():
        click.echo(f"  {scenario.id:28} {scenario.title}  (from {scenario.lowest_band})")
    click.echo("Bands:")
    for band in library.bands:
        click.echo(f"  {band.id:28} {band.name}, {band.years}, ages {band.ages}, "
                   f"{band.duration_minutes} minutes")
    from .documents import DOCUMENTS, document_names

    click.echo("Documents in each pack (build only some with --documents NAME,NAME):")
    for name in document_names():
        kinds = [d for d in DOCUMENTS if d.stem == name]
        files = ", ".join(f"{name}.{d.format}" for d in kinds)
        about = next((d.about for d in kinds if d.about), "")
        only = next((d.bands for d in kinds if d.bands), ())
        if only:
            about += f" [{', '.join(only)} packs only]"
        click.echo(f"  {name:28} {files}: {about}")


@main.command()
@click.argument("directory", type=click.Path(path_type=Path, file_okay=False))
def init(directory: Path):
    """Copy the built-in lessons and templates into DIRECTORY to customise, with a
    lessons/profile.yaml to fill in with your force's details.

    \b
    Example:
      lessonpack init my-force && cd my-force && lessonpack build
    """
    import shutil

    from .errors import OutputError

    for name in ("lessons", "templates"):
        target = directory / name
        if target.exists():
            raise OutputError(f"{target}: already exists; choose an empty folder")
    for name in ("lessons", "templates"):
        shutil.copytree(bundled(name), directory / name,
                        ignore=shutil.ignore_patterns("__pycache__"))
    click.echo(f"Copied lessons/ and templates/ into {directory}/. Put your force's details "
               f"in {directory / 'lessons' / 'profile.yaml'} (every field is explained there), "
               f"then run 'lessonpack build' inside {directory}. Each visit's details go to "
               "the build (--school, --date, --class, --dsl) or to a bookings file's columns "
               "(school, date, band, lesson, class, dsl) for 'lessonpack batch'.")


@main.command("import-advice")
@click.argument("article", type=click.Path(path_type=Path, dir_okay=False, exists=True))
@click.option("-o", "--output", "output_path", type=click.Path(path_type=Path, dir_okay=False),
              help="Write the advice file here (default: print it).")
def import_advice_command(article: Path, output_path: Path | None):
    """Turn a published advice article (markdown) into an advice file to edit.

    \b
    Advice is found wherever the article gives it: list items, bold-headed
    paragraphs, and sentences of advice in plain paragraphs, quoted officer
    speech or a closing "Remember..." paragraph. Each message notes the
    article line it came from.

    \b
    Example:
      lessonpack import-advice press-release.md -o lessons/advice/my-force-2026.yaml
    """
    from .advice_import import import_advice
    from .output import write_atomic

    text = import_advice(article)
    if output_path is None:
        click.echo(text, nl=False)
    else:
        write_atomic(output_path, text.encode("utf-8"))
        click.echo(f"Wrote {output_path}: restate each message in your own words, check it, "
                   "then run 'lessonpack validate'.", err=True)


@main.group()
def new():
    """Start a new content file from a commented template.

    \b
    Example:
      lessonpack new scenario gaming-gift-trap --band ks3 --lesson whos-really-there
    """


@new.command("scenario")
@click.argument("scenario_id", metavar="ID")
@click.option("--band", "band_id", required=True, metavar="ID",
              help="The youngest band the story is for: ks2, ks3, ks4 or post16.")
@click.option("--lesson", "lesson_id", required=True, metavar="ID",
              help="The lesson whose plan for that band will use the story.")
@click.option("--lessons", "lessons_dir", type=click.Path(path_type=Path, file_okay=False),
              default=Path("lessons"), show_default=True, help="Content folder to write into.")
def new_scenario_command(scenario_id, band_id, lesson_id, lessons_dir):
    """Write lessons/scenarios/ID.yaml, a commented starter story, and add ID to the
    lesson's plan for that band.

    \b
    Example:
      lessonpack new scenario gaming-gift-trap --band ks3 --lesson whos-really-there
      lessonpack validate && lessonpack build --scenario gaming-gift-trap
    """
    from .scaffold import new_scenario

    made = new_scenario(lessons_dir, scenario_id, band_id, lesson_id)
    click.echo(f"Wrote {display_path(made.path)}: a starter story for {band_id} and older.")
    if made.listed_at:
        click.echo(f"Listed it in {display_path(made.spec)}:{made.listed_at} "
                   f"({band_id} scenarios).")
    else:
        click.echo(f"Could not edit {display_path(made.spec)} safely; in its {band_id} plan, "
                   f"change the scenarios line to:\n    {made.line_to_add}")
    click.echo(f"Next: replace the story with your own, then run 'lessonpack validate' and "
               f"'lessonpack build --scenario {scenario_id}'.")
