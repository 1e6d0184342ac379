"""Make the pictures in README.md from a fresh build of the default packs.

    python scripts/make_pictures.py

Builds the bundled lessons into a temporary folder and writes
docs/images/worksheet.png (the first page of a worksheet),
docs/images/parent-letter.png (the letter home) and
docs/images/discussion-guide.png (a page of a discussion guide, opened in
LibreOffice as a teacher would open it in a word processor) and docs/images/slide.png
(a story's first scene from slides.pptx, shown by LibreOffice Impress). Needs pdftoppm
(poppler-utils) and soffice (LibreOffice) on the PATH.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
IMAGES = ROOT / "docs" / "images"
PACK = ("online-blackmail", "ks3")  # the lesson and band pictured
DPI = "60"


def main() -> int:
    IMAGES.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "output"
        run(sys.executable, "-m", "generator", "build", "--lessons", str(ROOT / "lessons"),
            "--output", str(out), "--lesson", PACK[0], "--band", PACK[1])
        pack = out.joinpath(*PACK)
        page_png(pack / "worksheet.pdf", 1, IMAGES / "worksheet.png")
        page_png(pack / "parent-letter.pdf", 1, IMAGES / "parent-letter.png")
        run("soffice", "--headless", "--convert-to", "pdf", "--outdir", tmp,
            str(pack / "discussion-guide.docx"))
        page_png(Path(tmp) / "discussion-guide.pdf", 3, IMAGES / "discussion-guide.png")
        run("soffice", "--headless", "--convert-to", "pdf", "--outdir", tmp,
            str(pack / "slides.pptx"))
        page_png(Path(tmp) / "slides.pdf", first_scene(pack / "slides.pptx"),
                 IMAGES / "slide.png")
    return 0


def first_scene(deck: Path) -> int:
    """The page number of the deck's first "Scene 1" slide."""
    from pptx import Presentation

    titles = [s.shapes.title.text_frame.text for s in Presentation(str(deck)).slides]
    return next(n for n, title in enumerate(titles, 1) if title.startswith("Scene 1:"))


def page_png(pdf: Path, page: int, target: Path) -> None:
    """One page of a PDF as a PNG at `target`."""
    stem = target.with_suffix("")
    run("pdftoppm", "-png", "-r", DPI, "-f", str(page), "-l", str(page), "-singlefile",
        str(pdf), str(stem))
    print(f"wrote {target.relative_to(ROOT)}")


def run(*args: str) -> None:
    subprocess.run(args, check=True, cwd=ROOT, stdout=subprocess.DEVNULL)


if __name__ == "__main__":
    sys.exit(main())
