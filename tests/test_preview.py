"""`lessonpack preview`: a server on 127.0.0.1 over a copy of the content, asked as a
browser would ask it (urllib, and http.client for paths a browser would tidy up)."""

from __future__ import annotations

import http.client
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pytest

from conftest import LESSONS, restore_ctrl_c

SCENARIO = "profile-drawing-friend"  # used by whos-really-there for ks2
TITLE = "Isla's new drawing friend"
PACK = "/_pack/whos-really-there/ks2"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Preview:
    """A running `lessonpack preview` in its own process."""

    def __init__(self, site: Path, *extra: str, env: dict | None = None):
        self.site = site
        self.port = free_port()
        self.log = site / "preview.log"
        command = [sys.executable, "-m", "generator", "preview", "--no-browser", "--port",
                   str(self.port), "--lessons", str(site / "lessons"), "--output",
                   str(site / "output"), "--lesson", "whos-really-there", "--band", "ks2",
                   *extra]
        with open(self.log, "w") as log:
            self.process = subprocess.Popen(command, cwd=site, stdout=log,
                                            stderr=subprocess.STDOUT, env=env,
                                            preexec_fn=restore_ctrl_c)
        self.url = f"http://127.0.0.1:{self.port}"
        self.wait_for("/", 'name="generation" content="1"', timeout=180)

    def get(self, path: str) -> tuple[int, str]:
        """Status and text of a path sent exactly as written (no tidying of '..')."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        try:
            connection.request("GET", path)
            response = connection.getresponse()
            return response.status, response.read().decode("utf-8", "replace")
        finally:
            connection.close()

    def wait_for(self, path: str, text: str, timeout: float = 120) -> str:
        deadline = time.monotonic() + timeout
        body = ""
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(f"preview ended: {self.log.read_text()}")
            try:
                status, body = self.get(path)
                if status == 200 and text in body:
                    return body
            except OSError:
                pass  # not listening yet
            time.sleep(0.3)
        pytest.fail(f"{text!r} never appeared at {path} within {timeout} s; last page:\n"
                    f"{body[:3000]}\nlog:\n{self.log.read_text()}")

    def stop(self) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                return self.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
                pytest.fail("preview did not stop on Ctrl-C within 60 s")
        return self.process.returncode


def make_site(folder: Path) -> Path:
    shutil.copytree(LESSONS, folder / "lessons")
    return folder


@pytest.fixture(scope="module")
def preview(tmp_path_factory):
    server = Preview(make_site(tmp_path_factory.mktemp("preview")))
    yield server
    server.stop()


def edit_title(site: Path, old: str, new: str) -> None:
    path = site / "lessons" / "scenarios" / f"{SCENARIO}.yaml"
    text = path.read_text(encoding="utf-8")
    assert f"title: {old}\n" in text
    path.write_text(text.replace(f"title: {old}\n", f"title: {new}\n", 1), encoding="utf-8")


def test_the_matrix_links_every_pack_and_shows_the_build(preview):
    status, html = preview.get("/")
    assert status == 200
    assert "Who&#x27;s really there?" in html and "Key Stage 2" in html
    assert f'href="{PACK}"' in html
    assert re.search(r'<p class="ok">Wrote \d+ documents to ', html)  # the build's summary
    status, page = preview.get(PACK)
    assert status == 200
    for name in ("worksheet.pdf", "lesson-plan.pdf", "discussion-guide.docx", "cards.pdf"):
        assert f'href="/whos-really-there/ks2/{name}" download' in page
    assert '<img src="/_page/whos-really-there/ks2/worksheet.pdf/1.png' in page
    assert TITLE.replace("'", "&#x27;") in page  # the worksheet's text, beside its image
    with urllib.request.urlopen(preview.url + "/_page/whos-really-there/ks2/worksheet.pdf/1.png",
                                timeout=60) as response:
        assert response.read(8) == b"\x89PNG\r\n\x1a\n"
    with urllib.request.urlopen(preview.url + "/whos-really-there/ks2/worksheet.pdf",
                                timeout=60) as response:
        assert response.read(5) == b"%PDF-"
    # The email to the school is shown as the text to paste, not sent to LibreOffice.
    assert '<pre class="page-text">Subject: Online safety lesson for [class] on [date]' in page
    assert "/_convert/whos-really-there/ks2/email-to-school.txt" not in page


@pytest.mark.parametrize("path", [
    "/../../etc/passwd", "/%2e%2e/%2e%2e/etc/passwd", "/whos-really-there/../../../etc/passwd",
    "/%2E%2E%2F%2E%2E%2Fetc%2Fpasswd", "//etc/passwd", "/_page/..%2F..%2Fetc%2Fpasswd/1.png",
    "/_convert/%2e%2e/%2e%2e/etc/passwd", "/_pack/..%2F..%2Fetc",
    "/manifest.json/../../lessons/bands.yaml",
    "/preview.log",  # beside the output folder, not in it
])
def test_nothing_outside_the_output_folder_is_served(preview, path):
    status, body = preview.get(path)
    assert status == 404
    assert "root:" not in body


def test_a_file_in_the_output_folder_the_build_did_not_write_is_not_served(preview):
    stray = preview.site / "output" / "notes.txt"
    stray.write_text("private", encoding="utf-8")
    try:
        assert preview.get("/notes.txt")[0] == 404
    finally:
        stray.unlink()


def test_a_saved_title_shows_on_the_pack_page_after_the_rebuild(preview):
    edit_title(preview.site, TITLE, "Isla and the drawing app")
    try:
        preview.wait_for(PACK, "Isla and the drawing app")
    finally:
        edit_title(preview.site, "Isla and the drawing app", TITLE)
    preview.wait_for(PACK, TITLE.replace("'", "&#x27;"))


def test_a_yaml_error_shows_its_file_and_line_above_the_last_good_pages(preview):
    path = preview.site / "lessons" / "scenarios" / f"{SCENARIO}.yaml"
    good = path.read_text(encoding="utf-8")
    lines = good.count("\n")
    path.write_text(good + "summary: [never closed\n", encoding="utf-8")
    try:
        page = preview.wait_for(PACK, f"{SCENARIO}.yaml:{lines + 1}: YAML syntax error")
        assert "The build failed, so no file changed" in page
        assert "Problems in this pack" in page
        assert '<img src="/_page/whos-really-there/ks2/worksheet.pdf/1.png' in page
        matrix = preview.wait_for("/", f"{SCENARIO}.yaml:{lines + 1}: YAML syntax error")
        assert 'href="/_pack/whos-really-there/ks2"' in matrix
    finally:
        path.write_text(good, encoding="utf-8")
    page = preview.wait_for(PACK, "Wrote")
    assert "YAML syntax error" not in page


def test_ctrl_c_stops_it_cleanly(tmp_path):
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    server = Preview(make_site(tmp_path), env={**os.environ, "TMPDIR": str(scratch)})
    # a Word file being converted (when LibreOffice is installed) as Ctrl-C comes
    converting = threading.Thread(target=lambda: _quietly(
        server.get, "/_convert/whos-really-there/ks2/discussion-guide.docx"), daemon=True)
    converting.start()
    time.sleep(3)  # LibreOffice has started and made its temporary files
    assert server.stop() == 0
    assert list(scratch.iterdir()) == []  # its scratch folder is gone
    log = server.log.read_text(encoding="utf-8")
    assert "Traceback" not in log and log.rstrip().endswith("Stopped.")
    leftovers = [p for p in (tmp_path / "output").rglob("*") if p.name.endswith(".tmp")]
    assert leftovers == []
    with pytest.raises(OSError):
        server.get("/")


def _quietly(call, *args):
    try:
        call(*args)
    except OSError:
        pass


def test_another_host_is_served_only_with_a_warning(tmp_path):
    server = Preview(make_site(tmp_path), "--host", "127.0.0.1")
    try:
        assert "warning: serving on 127.0.0.1: anyone who can reach this computer" in \
            server.log.read_text(encoding="utf-8")
    finally:
        server.stop()
