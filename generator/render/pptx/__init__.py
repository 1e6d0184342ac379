"""Slides renderer: one deck in block markup -> the bytes of a 16:9 .pptx.

Every deck starts from a *reference deck* (templates/reference.pptx, made by
scripts/make_reference_pptx.py), as pandoc's --reference-doc does for PowerPoint: its
slide master, background and layouts are kept, and each slide is made from the layout
the markup names ("Title Slide", "Section Header", "Title and Content"). A force can
brand the reference in PowerPoint without touching code.

python-pptx cannot measure text, and a deck is shown in whatever fonts the presenting
PC has, so the text is set in Arial at fixed sizes (titles 40 pt, never below 36; body
24 pt, 28 for Key Stage 2) and measured against its box from Arial's metrics
(generator.render.metrics) before it is written. Text that does not fit is never
shrunk: the slide is split, and the next part is titled "… (continued)". Line
spacing, paragraph spacing and the box insets are written explicitly, so the
measured height is the height shown.

Each slide's speaker notes carry the facilitator's script for it. The title is the
first shape of every slide, so a screen reader reads title, then body. Output is
deterministic: fixed core properties and zip timestamps, sorted entries.

The package, by concern: deck (the plain records Para, SlideSpec and Box, the shared
constants, markup nodes made into records), measure (measuring and fitting text,
splitting slides), reference (reading the reference deck) and writer (the package
XML); generator.render.ooxml zips it.
"""

from __future__ import annotations

from datetime import datetime

from generator.errors import MarkupError
from generator.render import Assets, DocMeta, PageStyle
from generator.render import markup as m
from generator.render import metrics
from generator.render.ooxml import zip_entries

from .deck import BUNDLED_REFERENCE, FIXED_DATE, LAYOUTS, Box, Para, SlideSpec, _slide_spec
from .measure import body_size, fits, fit_title, layout_deck, split_body, title_size
from .reference import _reference
from .writer import _write_deck, package_bytes


def prepare(assets: Assets) -> None:
    """Read the reference deck and Arial's widths now, once, before workers are forked."""
    metrics.arial()
    _reference(assets.reference("reference.pptx"))


def render(nodes: m.Document, meta: DocMeta, page: PageStyle, assets: Assets, *,
           when: datetime = FIXED_DATE) -> bytes:
    """One deck (a <document> of <slide>s) as .pptx bytes, styled by reference.pptx."""
    specs = []
    for node in nodes.blocks:
        if not isinstance(node, m.Slide):
            raise m.unsupported(node, "slides", nodes.source)
        specs.append(_slide_spec(node))
    if not specs:
        raise MarkupError(f"{nodes.source}: a slides template must make at least one <slide>")
    ref = _reference(assets.reference("reference.pptx"))
    slides = layout_deck(specs, ref.boxes, page)
    return _write_deck(ref, slides, meta, when, assets.logo)


__all__ = ["render", "prepare", "layout_deck", "split_body", "fits", "title_size", "package_bytes",
           "LAYOUTS", "FIXED_DATE", "Box", "Para", "SlideSpec", "body_size", "fit_title",
           "zip_entries", "BUNDLED_REFERENCE"]
