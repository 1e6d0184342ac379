"""Render every discussion guide with lessonpack, timing only the Word rendering, and
write the same content as Markdown for pandoc. Prints the seconds spent rendering.

    python bench/guides.py MARKDOWN_FOLDER DOCX_FOLDER
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

# Import this checkout's generator even when lessonpack is not installed (or installed
# from another clone), as run.py does with `python -m generator` from the root.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from markdown import to_markdown  # noqa: E402

import generator.render.docx  # noqa: F401, E402  imported before the clock starts
from generator.build import BuildOptions, load_checked, render_document  # noqa: E402
from generator.documents import DOCUMENTS  # noqa: E402
from generator.model import Session  # noqa: E402
from generator.profile import load_profile  # noqa: E402
from generator.resources import assets, bundled  # noqa: E402
from generator.templating import render_markup  # noqa: E402
from generator.view import band_view  # noqa: E402


def main(markdown_folder: Path, docx_folder: Path) -> None:
    lessons = bundled("lessons")
    options = BuildOptions(lessons_dir=lessons, output_dir=docx_folder,
                           templates=(bundled("templates"),), session=Session())
    library, _ = load_checked(lessons, options.today, strict=False)
    profile = load_profile(None, lessons)
    guide = next(d for d in DOCUMENTS if d.stem == "discussion-guide")
    files = assets(options.templates, profile.logo)
    markdown_folder.mkdir(parents=True, exist_ok=True)
    docx_folder.mkdir(parents=True, exist_ok=True)
    spent = 0.0
    for lesson_id in sorted(library.lessons):
        for band_id in library.lessons[lesson_id].bands:
            view = band_view(library, lesson_id, band_id, profile, options.session)
            nodes = render_markup(options.templates, guide.template, v=view, answers=False)
            name = f"{lesson_id}-{band_id}"
            (markdown_folder / f"{name}.md").write_text(to_markdown(nodes), encoding="utf-8")
            start = time.perf_counter()
            data = render_document(nodes, view, guide, options, files)
            spent += time.perf_counter() - start
            (docx_folder / f"{name}.docx").write_bytes(data)
    print(f"{spent:.3f}")


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
