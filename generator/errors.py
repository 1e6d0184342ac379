"""Errors a user can act on. Each is a ClickException, so the CLI prints the message
(no traceback) and exits 1 without any try/except of its own."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import click


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with one content file, at one line."""

    path: str
    line: int
    message: str
    warning: bool = False

    def __str__(self) -> str:
        kind = "warning: " if self.warning else ""
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {kind}{self.message}"


class LessonpackError(click.ClickException):
    """Base class: a failure the user can fix. Exit code 1."""

    exit_code = 1

    def format_message(self) -> str:
        return self.message

    def show(self, file=None) -> None:  # one clean line on stderr, no "Error:" prefix
        click.echo(self.format_message(), err=True)


class ContentError(LessonpackError):
    """One or more problems in lessons/: every problem is listed, one per line."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(problems)
        super().__init__("\n".join(str(p) for p in self.problems))

    def __reduce__(self):  # raised in a forked process, raised again in the parent
        return type(self), (self.problems,)


class TemplateError(LessonpackError):
    """A template failed to load or render; names the template file and line."""


class MarkupError(TemplateError):
    """A template produced block markup that is not valid: an unknown tag, a missing
    attribute or a bad value. Names the template file and what is wrong."""


class ReferenceDocError(LessonpackError):
    """The Word reference document is missing or lacks a style the guides need."""


class AssetError(LessonpackError):
    """A file the renderers use (the force's logo) cannot be used."""


class OutputError(LessonpackError):
    """The output folder cannot be written safely."""


def display_path(path: Path | str) -> str:
    """A path as the user should see it: relative to the working folder when inside it."""
    path = Path(path)
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)
