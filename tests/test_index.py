"""output/index.html: every build and batch writes a page of all its packs, which works
from the file system (a USB stick) with relative links and thumbnails beside it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from conftest import LESSONS, run_cli

ONE_PACK = ("--lesson", "whos-really-there", "--band", "ks2")
SCHOOL = "<script>alert(1)</script>"


class Page(HTMLParser):
    """The links, images, scripts and visible text of a page."""

    def __init__(self, html: str):
        super().__init__()
        self.links: list[str] = []
        self.images: list[str] = []
        self.scripts = 0
        self.text: list[str] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and "href" in attrs:
            self.links.append(attrs["href"])
        if tag == "img":
            self.images.append(attrs["src"])
        if tag == "script":
            self.scripts += 1

    def handle_data(self, data):
        self.text.append(data)


def target(output: Path, url: str) -> Path:
    parts = urlsplit(url)
    assert not parts.scheme and not parts.netloc and not url.startswith("/"), url
    return output / unquote(parts.path)


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    output = tmp_path_factory.mktemp("index") / "output"
    result = run_cli("build", "--lessons", str(LESSONS), "--output", str(output), *ONE_PACK)
    assert result.exit_code == 0, result.output
    return output


def test_every_link_and_picture_resolves_to_a_file_beside_the_page(built):
    page = Page((built / "index.html").read_text(encoding="utf-8"))
    pack = sorted(p.name for p in (built / "whos-really-there" / "ks2").iterdir())
    linked = [target(built, url) for url in page.links]
    assert all(path.is_file() for path in linked)
    # every document of the pack is linked from its cell
    assert {p.name for p in linked if p.parent.name == "ks2"} == set(pack)
    assert page.scripts == 0  # works with no server, no network, nothing to run
    assert "Who's really there?" in "".join(page.text)
    assert "Key Stage 2" in "".join(page.text)


def test_the_thumbnail_is_the_worksheets_first_page_as_png(built):
    page = Page((built / "index.html").read_text(encoding="utf-8"))
    assert len(page.images) == 1
    thumbnail = target(built, page.images[0])
    assert thumbnail.parent.name == "_index"
    data = thumbnail.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width = int.from_bytes(data[16:20], "big")
    height = int.from_bytes(data[20:24], "big")
    assert width == 180 and height > width  # a portrait page


def test_the_manifest_records_the_index_apart_from_the_documents(built):
    manifest = json.loads((built / "manifest.json").read_text(encoding="utf-8"))
    assert set(manifest["index"]) == {"index.html", "_index/packs.json",
                                      "_index/whos-really-there--ks2.png"}
    assert not any(name.startswith("_index") or name == "index.html"
                   for name in manifest["files"])


def test_a_deleted_index_comes_back_without_loading_anything(built, tmp_path):
    import shutil

    output = tmp_path / "output"
    shutil.copytree(built, output)
    before = (output / "index.html").read_bytes()
    (output / "index.html").unlink()
    command = [sys.executable, "-X", "importtime", "-m", "generator", "build", "--lessons",
               str(LESSONS), "--output", str(output), *ONE_PACK]
    done = subprocess.run(command, cwd=os.getcwd(), capture_output=True, text=True, check=True)
    assert "Wrote 0 documents" in done.stdout
    imported = {line.split("|")[-1].strip().split(".")[0] for line in done.stderr.splitlines()
                if line.startswith("import time:")}
    assert imported.isdisjoint({"pypdfium2", "PIL", "reportlab", "jinja2", "pydantic"})
    assert (output / "index.html").read_bytes() == before


def test_someone_elses_index_html_is_left_alone(tmp_path):
    output = tmp_path / "output"
    assert run_cli("build", "--lessons", str(LESSONS), "--output", str(output), *ONE_PACK,
                   "--documents", "worksheet").exit_code == 0
    (output / "index.html").write_text("my own page", encoding="utf-8")
    result = run_cli("build", "--lessons", str(LESSONS), "--output", str(output), *ONE_PACK,
                     "--documents", "worksheet", "--paper", "letter")
    assert result.exit_code == 0
    assert (output / "index.html").read_text(encoding="utf-8") == "my own page"
    assert (f"{output / 'index.html'}: warning: not written by lessonpack, so left as it is"
            in result.output)


def test_a_batch_has_one_section_per_booking_and_escapes_every_name(tmp_path):
    bookings = tmp_path / "bookings.csv"
    bookings.write_text("school,date,band,lesson,class\n"
                        f'"{SCHOOL}",2099-01-12,ks2,whos-really-there,Year 6 "Oak" & Ash\n'
                        "Hillside Academy,2099-01-13,ks2,whos-really-there,\n",
                        encoding="utf-8")
    output = tmp_path / "output"
    result = run_cli("batch", str(bookings), "--lessons", str(LESSONS), "--output",
                     str(output), "--jobs", "1")
    assert result.exit_code == 0, result.output
    html = (output / "index.html").read_text(encoding="utf-8")
    assert "<script" not in html  # the name is text, never markup
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    page = Page(html)
    assert page.scripts == 0
    headings = [t for t in page.text if "2099-01-1" in t]
    assert headings == [f'{SCHOOL} · Year 6 "Oak" & Ash · 2099-01-12',
                        "Hillside Academy · 2099-01-13"]
    assert all(target(output, url).is_file() for url in page.links + page.images)
    assert len(page.images) == 2  # a thumbnail for each booking's pack


def test_ctrl_c_while_making_the_index_still_records_every_document(tmp_path):
    from conftest import interrupt_cli_when_paused

    output = tmp_path / "output"
    code, _, stderr = interrupt_cli_when_paused(
        tmp_path / "paused", "generator.index", "render_page_png", 1,
        "build", "--lessons", str(LESSONS), "--output", str(output), *ONE_PACK)
    assert code == 1 and "Aborted!" in stderr and "Traceback" not in stderr
    manifest = json.loads((output / "manifest.json").read_text(encoding="utf-8"))
    on_disk = sorted(p.relative_to(output).as_posix() for p in output.rglob("*")
                     if p.is_file() and p.parent != output and p.parent.name != "_index")
    assert sorted(manifest["files"]) == on_disk and len(on_disk) >= 11
    assert not list(output.rglob("*.tmp"))
    rerun = run_cli("build", "--lessons", str(LESSONS), "--output", str(output), *ONE_PACK)
    assert rerun.exit_code == 0 and "Wrote 0 documents" in rerun.output
    assert (output / "index.html").exists()
    assert (output / "_index" / "whos-really-there--ks2.png").exists()
