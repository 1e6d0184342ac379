"""Render every discussion guide with lessonpack, timing only the Word rendering, and
write the same content as Markdown for pandoc. Prints the seconds spent rendering.

    python bench/guides.py MARKDOWN_FOLDER DOCX_FOLDER
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from markdown import to_markdown

import generator.render.docx  # noqa: F401  imported before the clock starts
from generator.build import DOCUMENTS, BuildOptions, load_checked, render_document
from generator.model import Session
from generator.profile import load_profile
from generator.resources import bundled
from generator.templating import render_markup
from generator.view import band_view


def main(markdown_folder: Path, docx_folder: Path) -> None:
    lessons = bundled("lessons")
    options = BuildOptions(lessons_dir=lessons, output_dir=docx_folder,
                           templates=(bundled("templates"),), session=Session())
    library, _ = load_checked(lessons, options.today, strict=False)
    profile = load_profile(None, lessons)
    guide = next(d for d in DOCUMENTS if d.stem == "discussion-guide")
    markdown_folder.mkdir(parents=True, exist_ok=True)
    docx_folder.mkdir(parents=True, exist_ok=True)
    spent = 0.0
    for lesson_id in sorted(library.lessons):
        for band_id in library.lessons[lesson_id].bands:
            view = band_view(library, lesson_id, band_id, profile, options.session)
            root = render_markup(options.templates, guide.template, v=view, answers=False)
            name = f"{lesson_id}-{band_id}"
            (markdown_folder / f"{name}.md").write_text(to_markdown(root), encoding="utf-8")
            start = time.perf_counter()
            data = render_document(root, view, guide, options)
            spent += time.perf_counter() - start
            (docx_folder / f"{name}.docx").write_bytes(data)
    print(f"{spent:.3f}")


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
