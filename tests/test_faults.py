"""Faults a user can cause or suffer: an interrupted build, an output folder that cannot
or must not be written, hostile content files, and a skipped rebuild that must never be
stale. Each leaves earlier packs intact, no temporary files behind, and says what is
wrong in one clear message.

The bundled content's smallest pack (one lesson, one band: seven documents) keeps these
quick; test_build.py covers the full build."""

from __future__ import annotations

import hashlib
import signal
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import LESSONS, ROOT, interrupt_cli_when_paused, pdf_text, per_pack, run_cli, squash
from generator.build import BuildOptions, build
from generator.errors import ContentError

ONE_PACK = ("--lesson", "whos-really-there", "--band", "ks2")
PACK = Path("whos-really-there") / "ks2"
PER_PACK = per_pack("ks2")  # the files of that pack (a Key Stage 2 pack has a certificate)
HEAVY = ("reportlab", "docx", "pptx", "pydantic", "jinja2", "yaml", "pypdfium2", "PIL")


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in folder.rglob("*") if p.is_file()}


def temp_files(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if p.name.endswith(".tmp") or ".lessonpack-" in p.name]


def manifest_files(out: Path) -> dict:
    return json.loads((out / "manifest.json").read_text(encoding="utf-8"))["files"]


@pytest.fixture(scope="module")
def first_build(tmp_path_factory) -> Path:
    """One pack built once; tests copy it (with the content it came from)."""
    out = tmp_path_factory.mktemp("first") / "output"
    result = run_cli("build", "--lessons", str(LESSONS), "--output", str(out), *ONE_PACK)
    assert result.exit_code == 0, result.output
    return out


@pytest.fixture
def site(tmp_path, first_build) -> Path:
    """A working folder with lessons/, an empty templates/ of the user's own and output/
    holding the pack, built (so recorded) from exactly these paths."""
    shutil.copytree(LESSONS, tmp_path / "lessons")
    (tmp_path / "templates").mkdir()
    shutil.copytree(first_build, tmp_path / "output")
    assert "Wrote 0 documents" in build_site(tmp_path).output  # nothing rendered
    return tmp_path


def build_site(site: Path, *extra: str):
    return run_cli("build", "--lessons", str(site / "lessons"), "--templates",
                   str(site / "templates"), "--output", str(site / "output"), *ONE_PACK, *extra)


def change_force_name(lessons: Path, name: str = "Changed Police") -> None:
    profile = lessons / "profile.yaml"
    text = profile.read_text(encoding="utf-8")
    assert "Bedfordshire Police" in text
    profile.write_text(text.replace("Bedfordshire Police", name), encoding="utf-8")


# --- interrupted builds -------------------------------------------------------------------

def interrupt_when_paused(site: Path, module: str, name: str, nth: int, *args: str):
    """Start a build that stops at module.name's nth call, then press Ctrl-C (SIGINT)."""
    return interrupt_cli_when_paused(
        site / "paused", module, name, nth,
        "build", "--lessons", str(site / "lessons"), "--templates", str(site / "templates"),
        "--output", str(site / "output"), *ONE_PACK, *args)


@pytest.mark.parametrize("module, name, nth, jobs", [
    ("generator.build", "render_document", 3, "1"),
    ("generator.build", "render_document", 3, "2"),  # in a worker process
    # The word check runs in a forked process of its own. communicate() would wait for
    # it if the build left it running, since it holds the same stdout and stderr.
    ("generator.validate", "check_text", 1, "2"),
], ids=["rendering", "rendering-in-workers", "checking-words-in-the-background"])
def test_ctrl_c_while_building_leaves_the_previous_pack(site, module, name, nth, jobs,
                                                      monkeypatch):
    # An empty cache: the words are checked, not read back from an earlier build's check.
    monkeypatch.setenv("XDG_CACHE_HOME", str(site / "cache"))
    before = snapshot(site / "output")
    change_force_name(site / "lessons")  # every document is due again
    code, _, stderr = interrupt_when_paused(site, module, name, nth, "--jobs", jobs)
    assert code == 1
    assert "Aborted!" in stderr and "Traceback" not in stderr
    assert snapshot(site / "output") == before
    assert temp_files(site) == []


def test_ctrl_c_works_when_the_tests_run_with_sigint_ignored(site):
    """A shell's `&` starts the suite with SIGINT ignored: the build under test must
    still get Ctrl-C as a user's terminal gives it."""
    change_force_name(site / "lessons")  # every document is due again
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        code, _, stderr = interrupt_when_paused(site, "generator.build", "render_document", 1,
                                                "--jobs", "1")
    finally:
        signal.signal(signal.SIGINT, previous)
    assert code == 1
    assert "Aborted!" in stderr and "Traceback" not in stderr


def test_ctrl_c_while_writing_keeps_each_file_whole_and_recorded(site):
    before = snapshot(site / "output")
    change_force_name(site / "lessons")
    # The third document's temporary file is written; Ctrl-C comes before it is moved.
    code, _, stderr = interrupt_when_paused(site, "os", "replace", 3)
    assert code == 1 and "Traceback" not in stderr
    assert temp_files(site) == []
    after = snapshot(site / "output")
    replaced = {name for name in before if after[name] != before[name]} - {"manifest.json"}
    assert len(replaced) == 2  # two documents were written before the interruption
    for name, entry in manifest_files(site / "output").items():  # the manifest knows them
        assert hashlib.sha256(after[name]).hexdigest() == entry["sha256"], name
    result = build_site(site)  # and the next build finishes the job without complaint
    assert result.exit_code == 0, result.output
    assert f"Wrote {PER_PACK - 2} documents" in result.output and "(2 unchanged)" in result.output


def test_a_disk_error_while_writing_is_one_clear_line(site, monkeypatch):
    import generator.output as output

    before = snapshot(site / "output")
    change_force_name(site / "lessons")
    real, calls = output._replace_file, []

    def disk_full_on_third(path, data):
        calls.append(path)
        if len(calls) == 3:
            raise OSError(28, "No space left on device")
        real(path, data)

    monkeypatch.setattr(output, "_replace_file", disk_full_on_third)
    result = build_site(site)
    assert result.exit_code == 1
    assert result.output == (f"{calls[2]}: cannot write it (No space left on device); check "
                             "that the disk has space and that you may write to that folder, "
                             "or choose another folder\n")
    assert temp_files(site) == []
    after = snapshot(site / "output")
    assert sum(after[n] != before[n] for n in before if n != "manifest.json") == 2
    monkeypatch.undo()
    result = build_site(site)
    assert f"Wrote {PER_PACK - 2} documents" in result.output and "(2 unchanged)" in result.output


# --- where the output goes ----------------------------------------------------------------


def test_output_inside_a_file_is_refused(tmp_path):
    (tmp_path / "notes.txt").write_text("mine")
    target = tmp_path / "notes.txt" / "packs"
    result = run_cli("build", "--lessons", str(LESSONS), "--output", str(target), *ONE_PACK)
    assert result.exit_code == 1
    assert result.output == (f"{target}: cannot make this folder, because "
                             f"{tmp_path / 'notes.txt'} is a file; choose another --output "
                             "folder\n")
    assert (tmp_path / "notes.txt").read_text() == "mine"


def test_output_the_system_will_not_let_anyone_write_is_refused():
    target = Path("/sys/lessonpack-test-output")  # sysfs: not even root may add a folder
    if not Path("/sys").is_dir():
        pytest.skip("needs Linux's /sys, where no one may create a folder")
    try:
        target.mkdir()
    except OSError:
        pass
    else:
        target.rmdir()
        pytest.skip("this system lets us create folders in /sys")
    result = run_cli("build", "--lessons", str(LESSONS), "--output", str(target), *ONE_PACK)
    assert result.exit_code == 1
    assert result.output.startswith(f"{target}: cannot write to this folder (")
    assert result.output.endswith("); choose another --output folder\n")


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0,
                    reason="root may write to a read-only folder; the /sys test covers root")
def test_a_read_only_output_folder_is_refused(tmp_path):
    folder = tmp_path / "read-only"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        result = run_cli("build", "--lessons", str(LESSONS), "--output", str(folder / "out"),
                         *ONE_PACK)
    finally:
        folder.chmod(0o755)
    assert result.exit_code == 1
    assert result.output == (f"{folder / 'out'}: cannot write to this folder (Permission "
                             "denied); choose another --output folder\n")


def test_a_folder_holding_other_files_is_refused(tmp_path):
    out = tmp_path / "Documents"
    (out / "photos").mkdir(parents=True)
    (out / "notes.txt").write_text("mine")
    before = snapshot(out)
    result = run_cli("build", "--lessons", str(LESSONS), "--output", str(out), *ONE_PACK)
    assert result.exit_code == 1
    assert result.output == (f"{out}: already holds files lessonpack did not write (notes.txt, "
                             "photos) and no manifest.json; choose a new or empty --output "
                             "folder\n")
    assert snapshot(out) == before and sorted(os.listdir(out)) == ["notes.txt", "photos"]


def test_a_manifest_another_tool_wrote_is_refused(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "manifest.json").write_text('{"tool": "webpack", "files": {}}')
    result = run_cli("build", "--lessons", str(LESSONS), "--output", str(out), *ONE_PACK)
    assert result.exit_code == 1
    assert result.output == (f"{out / 'manifest.json'}: not a lessonpack manifest (it cannot "
                             "be read); move it away or choose another --output folder\n")
    assert os.listdir(out) == ["manifest.json"]


def test_a_teachers_own_files_beside_the_pack_survive_a_rebuild(site):
    notes = site / "output" / PACK / "my-notes.docx"
    notes.write_bytes(b"a teacher's notes")
    change_force_name(site / "lessons")
    result = build_site(site)
    assert f"Wrote {PER_PACK} documents" in result.output
    assert notes.read_bytes() == b"a teacher's notes"


def test_a_symlinked_document_is_replaced_not_written_through(site, tmp_path):
    teachers = tmp_path / "teachers-worksheet.pdf"
    teachers.write_bytes(b"the teacher's own worksheet")
    worksheet = site / "output" / PACK / "worksheet.pdf"
    worksheet.unlink()
    worksheet.symlink_to(teachers)
    change_force_name(site / "lessons")
    result = build_site(site)
    assert result.exit_code == 1
    assert f"{worksheet}: has been changed since lessonpack wrote it" in result.output
    assert build_site(site, "--force").exit_code == 0
    assert teachers.read_bytes() == b"the teacher's own worksheet"
    assert not worksheet.is_symlink() and "Changed Police" in pdf_text(worksheet)


# --- hostile content ----------------------------------------------------------------------


@pytest.mark.parametrize("content, message", [
    ("# " + "x" * 1_000_100 + "\n", "file is 1,000,103 bytes, over the 1,000,000-byte limit"),
    ('a: &a ["x","x"]\nb: &b [*a,*a]\nc: &c [*b,*b]\nd: [*c,*c]\n',
     "YAML anchors and aliases (& and *) are not allowed"),
])
def test_a_build_refuses_hostile_content_and_writes_nothing(lessons_copy, tmp_path, content,
                                                            message):
    path = lessons_copy / "scenarios" / "profile-fake-child.yaml"
    path.write_text(content, encoding="utf-8")
    out = tmp_path / "out"
    result = run_cli("build", "--lessons", str(lessons_copy), "--output", str(out), *ONE_PACK)
    assert result.exit_code == 1
    assert result.output.startswith(f"{path}:") and message in result.output
    assert len(result.output.splitlines()) == 1
    assert not out.exists()


# --- a skipped rebuild is never stale -----------------------------------------------------


def test_an_unchanged_rebuild_imports_no_heavy_library(site):
    command = [sys.executable, "-X", "importtime", "-m", "generator", "build",
               "--lessons", str(site / "lessons"), "--templates", str(site / "templates"),
               "--output", str(site / "output"), *ONE_PACK]
    done = subprocess.run(command, cwd=os.getcwd(), capture_output=True, text=True, check=True)
    assert done.stdout == f"Wrote 0 documents to {site / 'output'}/ ({PER_PACK} unchanged)\n"
    imported = {line.split("|")[-1].strip().split(".")[0] for line in done.stderr.splitlines()
                if line.startswith("import time:")}
    assert "generator" in imported  # the check can see imports
    assert imported.isdisjoint(HEAVY), imported & set(HEAVY)


def edit_scenario(site: Path, scenario: str = "profile-fake-child") -> None:
    path = site / "lessons" / "scenarios" / f"{scenario}.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("\ntitle: ", "\ntitle: Changed ", 1), encoding="utf-8")


def edit_template(site: Path) -> None:
    original = (ROOT / "templates" / "worksheet.xml.j2").read_text(encoding="utf-8")
    changed = original.replace("</document>", "<p>Template changed</p>\n</document>")
    assert changed != original
    (site / "templates" / "worksheet.xml.j2").write_text(changed, encoding="utf-8")


@pytest.mark.parametrize("change, extra, written, shows", [
    (edit_scenario, (), PER_PACK, ("worksheet.pdf", "Changed")),
    (lambda site: change_force_name(site / "lessons"), (), PER_PACK,
     ("worksheet.pdf", "Changed Police")),
    (edit_template, (), PER_PACK, ("worksheet.pdf", "Template changed")),
    (lambda site: None, ("--paper", "letter"), PER_PACK,
     ("worksheet-letter.pdf", "Where to get help")),
    (lambda site: None, ("--school", "Hillside"), PER_PACK, None),
    (lambda site: (site / "output" / PACK / "answer-key.pdf").unlink(), (), 1, None),
    (lambda site: edit_scenario(site, "share-the-edited-photo"), (), 0, None),  # not in this pack
], ids=["content", "profile", "template", "paper", "school", "deleted document",
        "content of another pack"])
def test_a_rebuild_notices_every_change(site, change, extra, written, shows):
    change(site)
    result = build_site(site, *extra)
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"Wrote {written} documents")
    if shows:
        name, text = shows
        pack = next((site / "output").rglob(name))
        assert text in squash(pdf_text(pack))


def test_a_rebuild_by_a_newer_lessonpack_renders_again(site, monkeypatch):
    options = BuildOptions(lessons_dir=site / "lessons", output_dir=site / "output",
                           templates=(site / "templates", ROOT / "templates"),
                           lesson_ids=("whos-really-there",), band_ids=("ks2",))
    assert len(build(options).unchanged) == PER_PACK
    monkeypatch.setattr("generator.build.__version__", "99.0")
    monkeypatch.setattr("generator.cache.__version__", "99.0")
    assert len(build(options).written) == PER_PACK


def test_an_edited_document_is_still_protected(site):
    guide = site / "output" / PACK / "discussion-guide.docx"
    guide.write_bytes(guide.read_bytes() + b" ")
    result = build_site(site)
    assert result.exit_code == 1
    assert f"{guide}: has been changed since lessonpack wrote it" in result.output


def test_a_skipped_rebuild_repeats_the_warnings_and_checks_them_each_day(site):
    contacts = site / "lessons" / "contacts.yaml"
    text = contacts.read_text(encoding="utf-8")
    first = text.index("last_verified: ") + len("last_verified: ")
    contacts.write_text(text[:first] + "2020-01-01" + text[first + 10:], encoding="utf-8")
    first, second = build_site(site), build_site(site)
    assert second.stdout.startswith("Wrote 0 documents")
    built, skipped = first.stderr.splitlines(), second.stderr.splitlines()
    assert built == skipped and "last verified on 01 January 2020" in built[0]
    options = BuildOptions(lessons_dir=site / "lessons", output_dir=site / "output",
                           templates=(site / "templates", ROOT / "templates"),
                           lesson_ids=("whos-really-there",), band_ids=("ks2",), strict=True)
    with pytest.raises(ContentError, match="last_verified"):
        build(options)  # --strict turns today's warning into an error, skipped or not


def test_a_build_with_other_options_cannot_make_a_skip_stale(site):
    """Files recorded by one build and since replaced by another are built again."""
    edit_scenario(site)
    assert f"Wrote {PER_PACK} documents" in build_site(site, "--scenario", "profile-fake-child").output
    shutil.copy(LESSONS / "scenarios" / "profile-fake-child.yaml",
                site / "lessons" / "scenarios")  # back to the content of the first build
    result = build_site(site)
    assert result.output.startswith(f"Wrote {PER_PACK} documents")
    assert "Changed" not in squash(pdf_text(site / "output" / PACK / "worksheet.pdf"))


def test_an_unchanged_personalised_rebuild_imports_no_heavy_library(site):
    personal = ("--school", "Hillside Academy", "--date", "2026-03-04", "--class", "Year 6")
    assert f"Wrote {PER_PACK} documents" in build_site(site, *personal).output
    command = [sys.executable, "-X", "importtime", "-m", "generator", "build",
               "--lessons", str(site / "lessons"), "--templates", str(site / "templates"),
               "--output", str(site / "output"), *ONE_PACK, *personal]
    done = subprocess.run(command, cwd=os.getcwd(), capture_output=True, text=True, check=True)
    assert done.stdout == (f"Wrote 0 documents to {site / 'output'}/"
                           f"2026-03-04-hillside-academy-year-6/ ({PER_PACK} unchanged)\n")
    imported = {line.split("|")[-1].strip().split(".")[0] for line in done.stderr.splitlines()
                if line.startswith("import time:")}
    assert imported.isdisjoint(HEAVY), imported & set(HEAVY)
