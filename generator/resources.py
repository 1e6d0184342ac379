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
