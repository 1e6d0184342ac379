"""Measuring text against its box and fitting it: slides split into parts that fit,
titles at 40 pt or 36, shortened with "…" when even 36 pt does not fit."""

from __future__ import annotations

from dataclasses import replace

from generator.errors import ReferenceDocError, TemplateError
from generator.render import PageStyle
from generator.render import metrics

from .deck import (BODY_PT, INDENT, LARGE_PRINT_PT, LAYOUTS, LINE, MIN_TITLE_PT, SAFETY,
                   SPACE_BEFORE, TITLE_PT, Box, Para, SlideSpec)


def body_size(spec_size: float | None, page: PageStyle) -> float:
    """The slide's text size: as the markup asks (24 pt at least), 32 for large print."""
    size = max(spec_size or BODY_PT, BODY_PT)
    return max(size, LARGE_PRINT_PT) if page.large_print else size


def layout_deck(specs: list[SlideSpec], boxes: dict[str, tuple[Box, Box | None]],
                page: PageStyle = PageStyle()) -> list[SlideSpec]:
    """The slides as shown: each split into parts that fit, with unique titles. A title
    too long for its box even at 36 pt is shortened there ("…") and given whole, in
    bold, as the first line of the slide."""
    out: list[SlideSpec] = []
    seen: set[str] = set()
    for spec in specs:
        if spec.layout not in boxes:
            known = ", ".join(f'"{n}"' for n in LAYOUTS)
            raise TemplateError(f'slide "{spec.where}": no layout "{spec.layout}" in the '
                                f"reference deck; use one of {known}")
        title_box, body_box = boxes[spec.layout]
        body = spec.body
        if not _title_fits(spec.title, title_box) and body_box is not None:
            body = [Para(((spec.title, True),)), *body]
        if body_box is None and body:
            raise TemplateError(f'slide "{spec.where}": layout "{spec.layout}" has no text box '
                                "for its body")
        size = body_size(spec.size, page)
        parts = split_body(body, body_box, size) if body_box else [[]]
        for n, part in enumerate(parts):
            suffix = "" if n == 0 else " (continued)" if n == 1 else f" (continued, part {n + 1})"
            title, k = fit_title(spec.title, suffix, title_box), 2
            while title in seen:  # two slides the markup titled alike
                title, k = fit_title(spec.title, f"{suffix} ({k})", title_box), k + 1
            seen.add(title)
            last = n == len(parts) - 1
            notes = spec.notes if last else [Para((
                ("This slide continues on the next one; the notes for it are there.", False),))]
            out.append(SlideSpec(title, spec.layout, part, notes, spec.where, size))
    return out


def line_height(size: float) -> float:
    return round(size * LINE, 1)


def para_lines(para: Para, width: float, size: float) -> list[list[tuple[str, bool]]]:
    indent = size * INDENT.get(para.list, 0.0)
    return metrics.wrap(list(para.runs), size, (width - indent) * SAFETY)


def space_before(para: Para, size: float, first: bool) -> float:
    return 0.0 if first else round(size * SPACE_BEFORE[para.list], 2)


def para_height(para: Para, lines: int, size: float, first: bool) -> float:
    return lines * line_height(size) + space_before(para, size, first)


def split_body(body: list[Para], box: Box, size: float) -> list[list[Para]]:
    """Paragraphs grouped into slides whose box they fit at `size`; a paragraph taller
    than a whole box is split between lines."""
    parts: list[list[Para]] = [[]]
    used = 0.0
    for para in body:
        lines = para_lines(para, box.width, size)
        height = para_height(para, len(lines), size, not parts[-1])
        if parts[-1] and used + height > box.height:
            parts.append([])
            used = 0.0
            height = para_height(para, len(lines), size, True)
        if height <= box.height:
            parts[-1].append(para)
            used += height
            continue
        per_box = max(1, int(box.height // line_height(size)))
        chunks = [lines[i:i + per_box] for i in range(0, len(lines), per_box)]
        for i, chunk in enumerate(chunks):
            if i:
                parts.append([])
            runs = _join_lines(chunk)
            parts[-1].append(replace(para, runs=runs, list=para.list if i == 0 else ""))
            used = para_height(para, len(chunk), size, True)
    return [p for p in parts if p] or [[]]


def _join_lines(lines: list[list[tuple[str, bool]]]) -> tuple[tuple[str, bool], ...]:
    runs: list[tuple[str, bool]] = []
    for line in lines:
        runs += line
    return tuple(runs)


def fits(paras: list[Para], box: Box, size: float) -> bool:
    """Whether `paras` fit in `box` at `size` (what the renderer guarantees)."""
    total = sum(para_height(p, len(para_lines(p, box.width, size)), size, i == 0)
                for i, p in enumerate(paras))
    return total <= box.height + 0.01


def title_size(title: str, box: Box) -> float:
    """40 pt, or 36 if it needs it to fit (fit_title makes sure one of them does)."""
    return TITLE_PT if fits([Para(((title, True),))], box, TITLE_PT) else MIN_TITLE_PT


def _title_fits(title: str, box: Box) -> bool:
    return fits([Para(((title, True),))], box, MIN_TITLE_PT)


def fit_title(base: str, suffix: str, box: Box) -> str:
    """`base` + `suffix`, or as much of `base` as fits before "…" and the suffix."""
    if _title_fits(base + suffix, box):
        return base + suffix
    words = base.split(" ")
    while len(words) > 1:
        words.pop()
        shown = " ".join(words).rstrip(" ,;:·-") + "…" + suffix
        if _title_fits(shown, box):
            return shown
    word = words[0]
    while word:  # one long word: cut it between letters
        word = word[:-1]
        if _title_fits(word + "…" + suffix, box):
            return word + "…" + suffix
    raise ReferenceDocError("the reference deck's title boxes are too small for a 36 pt "
                            "title; make them larger in its slide master")
