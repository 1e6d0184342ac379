"""The files renderers use are resolved, and checked, once, before anything renders: a
force logo that is not an image the PDFs can draw is one line, and nothing is written."""

from __future__ import annotations

import pytest

from conftest import LESSONS, run_cli
from generator.errors import display_path


@pytest.mark.parametrize("content, problem", [
    (b"not an image at all", "is not a PNG or JPEG image"),
    (b"\x89PNG\r\n\x1a\n" + b"\x00" * 20, "cannot be read (cannot identify image file"),
], ids=["text", "broken-png"])
def test_a_logo_that_is_not_an_image_is_one_line(tmp_path, content, problem):
    logo = tmp_path / "crest.png"
    logo.write_bytes(content)
    profile = tmp_path / "profile.yaml"
    profile.write_text("force_name: Testshire Constabulary\nlogo: crest.png\n", encoding="utf-8")
    out = tmp_path / "out"
    result = run_cli("build", "--lessons", str(LESSONS), "--output", str(out),
                     "--profile", str(profile), "--lesson", "online-blackmail", "--band", "ks3")
    assert result.exit_code == 1
    assert result.output.startswith(f"{display_path(logo)}: the force's logo {problem}")
    assert result.output.endswith("; save it again from an image editor as PNG or JPEG\n")
    assert result.output.count("\n") == 1 and "Traceback" not in result.output
    assert not out.exists() or not any(out.rglob("*.pdf"))
