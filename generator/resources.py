"""Where the built-in content and templates are: inside the installed package
(generator/bundled/, copied in at build time) or, in a source checkout, beside it."""

from __future__ import annotations

from pathlib import Path

PACKAGE = Path(__file__).resolve().parent


def bundled(name: str) -> Path:
    """`name` is "lessons" or "templates"."""
    for candidate in (PACKAGE / "bundled" / name, PACKAGE.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"the built-in {name} folder is missing from this installation")


def default_dir(name: str) -> Path:
    """./lessons or ./templates when the working folder has one, else the built-in one."""
    local = Path.cwd() / name
    return local if local.is_dir() else bundled(name)


def template_search_path(user_dir: Path | None) -> tuple[Path, ...]:
    """Where templates are looked up, first match wins: --templates, then ./templates,
    then the built-in ones, so a customised folder only needs the files it changes."""
    folders = [user_dir] if user_dir else []
    folders += [default_dir("templates"), bundled("templates")]
    unique: list[Path] = []
    for folder in folders:
        if folder.resolve() not in [f.resolve() for f in unique]:
            unique.append(folder)
    return tuple(unique)


def find_template_file(search_path: tuple[Path, ...], name: str) -> Path:
    """The file `name` from the first template folder that has it; if none has, where
    the built-in one should be (whoever opens it reports it missing)."""
    for folder in search_path:
        if (folder / name).is_file():
            return folder / name
    return search_path[-1] / name


def assets(search_path: tuple[Path, ...], logo: Path | str | None = None):
    """Every file the renderers use, resolved once: the PDF fonts, each format's
    reference document from the template folders (the same lookup in an editable and
    an installed copy), and the force's logo."""
    from .fonts import fallback_font_file, font_file
    from .render import Assets, FontFiles
    from .render.registry import FORMATS

    fonts = FontFiles(font_file("Regular"), font_file("Bold"), fallback_font_file())
    references = tuple((f.reference, find_template_file(search_path, f.reference))
                       for f in FORMATS.values() if f.reference)
    return Assets(fonts, Path(logo) if logo else None, references)
