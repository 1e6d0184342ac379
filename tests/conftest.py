"""Shared fixtures: the bundled content, a full default build (made once), and helpers
to read generated documents back as a user would see them."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.cli import main

ROOT = Path(__file__).resolve().parent.parent
LESSONS = ROOT / "lessons"
TEMPLATES = ROOT / "templates"
# What every pack holds (lessonpack list names them), and how many files that is.
PACK_FILES = ("lesson-plan.pdf", "lesson-plan.docx", "worksheet.pdf", "worksheet.docx",
              "answer-key.pdf", "discussion-guide.docx", "cards.pdf", "parent-letter.pdf",
              "parent-letter.docx", "school-briefing.pdf", "evaluation-record.pdf",
              "slides.pptx", "feedback-form.pdf", "email-to-school.txt")
PER_PACK = len(PACK_FILES)
# What only some bands' packs hold as well: the Key Stage 2 certificate.
BAND_FILES = {"ks2": ("certificate.pdf",)}


def pack_files(band: str) -> tuple[str, ...]:
    """The files of one band's pack."""
    return PACK_FILES + BAND_FILES.get(band, ())


def per_pack(band: str) -> int:
    return len(pack_files(band))


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


# Runs the CLI with one function made to stop, on its nth call, until it is interrupted.
PAUSE_AT_NTH_CALL = """
import importlib, sys, time
from pathlib import Path
ready, module, name, nth = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
owner = importlib.import_module(module)
real, calls = getattr(owner, name), []
def paused(*args, **kwargs):
    calls.append(1)
    if len(calls) == nth:
        Path(ready).write_text("paused")
        time.sleep(600)
    return real(*args, **kwargs)
setattr(owner, name, paused)
from generator.cli import main
main(sys.argv[5:], prog_name="lessonpack")
"""


def restore_ctrl_c() -> None:
    """In a child about to start: Ctrl-C as a terminal gives it. A shell's `&` starts the
    test suite with SIGINT ignored, and children inherit that; Python installs its
    KeyboardInterrupt handler only when SIGINT is not ignored at start-up."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def interrupt_cli_when_paused(ready: Path, module: str, name: str, nth: int, *cli_args: str):
    """Run lessonpack with `cli_args` in a new process that stops at module.name's nth
    call, then press Ctrl-C (SIGINT). Returns (exit code, stdout, stderr)."""
    command = [sys.executable, "-c", PAUSE_AT_NTH_CALL, str(ready), module, name, str(nth),
               *cli_args]
    process = subprocess.Popen(command, cwd=os.getcwd(), stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True,
                               preexec_fn=restore_ctrl_c)
    try:
        while not ready.exists():  # waiting for a state, not timing anything
            if process.poll() is not None:
                pytest.fail(f"lessonpack ended before it paused: {process.communicate()}")
            time.sleep(0.05)
        process.send_signal(signal.SIGINT)
        stdout, stderr = process.communicate(timeout=120)
    finally:
        process.kill()
    return process.returncode, stdout, stderr


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
