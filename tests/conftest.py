"""Shared fixtures: the bundled content, a full default build (made once), and helpers
to read generated documents back as a user would see them."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.cli import main

ROOT = Path(__file__).resolve().parent.parent
LESSONS = ROOT / "lessons"
TEMPLATES = ROOT / "templates"


def run_cli(*args: str, cwd: Path | None = None):
    """Run the lessonpack CLI in-process; returns Click's Result."""
    runner = CliRunner()
    if cwd is None:
        return runner.invoke(main, list(args), catch_exceptions=False)
    previous = os.getcwd()
    os.chdir(cwd)
    try:
        return runner.invoke(main, list(args), catch_exceptions=False)
    finally:
        os.chdir(previous)


@pytest.fixture(scope="session")
def built(tmp_path_factory) -> Path:
    """The default packs, built once for every test that only reads them."""
    out = tmp_path_factory.mktemp("build") / "output"
    result = run_cli("build", "--lessons", str(LESSONS), "--output", str(out))
    assert result.exit_code == 0, result.output
    return out


@pytest.fixture
def lessons_copy(tmp_path) -> Path:
    """A private copy of the bundled content for a test to break."""
    target = tmp_path / "lessons"
    shutil.copytree(LESSONS, target)
    return target


def pdf_text(path: Path) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() or "" for page in PdfReader(path).pages)


def docx_text(path: Path) -> str:
    import docx

    document = docx.Document(str(path))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts += [cell.text for cell in row.cells]
    return "\n".join(parts)


def squash(text: str) -> str:
    """Text with all runs of white space made single spaces (PDF lines wrap anywhere)."""
    return " ".join(text.split())
