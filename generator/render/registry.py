"""The formats lessonpack can write, by name: the one place a format is chosen.

A format is a module with `render(nodes, meta, page, assets) -> bytes` (and optionally
`prepare(assets)`, run once per process before workers are forked). The build, the
batch and the command line name formats ("pdf", "docx"), never renderer modules;
modules are imported only when a document of that format is rendered, so looking a
format up costs nothing. To add a format, add one line to FORMATS (see the docstring of
generator/render/markup.py for the whole recipe).
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable, Optional

if TYPE_CHECKING:
    from . import Assets, DocMeta, PageStyle
    from .markup import Document

Renderer = Callable[["Document", "DocMeta", "PageStyle", "Assets"], bytes]


@dataclass(frozen=True)
class Format:
    name: str  # also the file extension: "<stem>.<name>"
    module: str  # the renderer module, imported on first use
    reference: Optional[str] = None  # a file from the template folders it styles itself by


FORMATS: dict[str, Format] = {f.name: f for f in (
    Format("pdf", "generator.render.pdf"),
    Format("docx", "generator.render.docx", reference="reference.docx"),
    Format("pptx", "generator.render.pptx", reference="reference.pptx"),
    Format("txt", "generator.render.txt"),
)}


def format_named(name: str) -> Format:
    try:
        return FORMATS[name]
    except KeyError:
        raise ValueError(f"no renderer for format {name!r}; known: {', '.join(FORMATS)}") from None


def renderer(name: str) -> Renderer:
    """The render function of format `name` (its module is imported now)."""
    return importlib.import_module(format_named(name).module).render


def render(name: str, nodes: "Document", meta: "DocMeta", page: "PageStyle",
           assets: "Assets") -> bytes:
    return renderer(name)(nodes, meta, page, assets)


def prepare(names, assets: "Assets") -> None:
    """Import the renderers of these formats and do their once-per-process set-up now,
    so processes forked afterwards share it."""
    for name in dict.fromkeys(names):
        module = importlib.import_module(format_named(name).module)
        if hasattr(module, "prepare"):
            module.prepare(assets)
