"""Page budgets: how many pages each printed document of a pack may take, and the check
the build runs on the PDFs it has just rendered (before anything is written).

Budgets are for the default print, on A4 or Letter. Large print sets the same words half
as many to a page, so it doubles them (the answer key, set smaller, gets more); the dyslexia-friendly print (1.5 line spacing,
wider letter spacing) may take half as many pages again. They apply to PDFs only: a Word
file's pages depend on the word processor that opens it, so the Word twins
(worksheet.docx, lesson-plan.docx) are held to their PDFs' budgets, and the discussion
guide, which is only a Word file, is not checked by the build (the tests check it through
a PDF of the same markup).
"""

from __future__ import annotations

import math
import re
from typing import Iterable, Optional

from .errors import ContentError, Problem


class BudgetError(ContentError):
    """With --strict: documents over their page budget (one problem each)."""


ANY_BAND = "*"

# Pages a document may take, by document and band ("*": every other band).
PAGE_BUDGETS: dict[str, dict[str, int]] = {
    "worksheet": {"ks2": 2, "ks3": 2, ANY_BAND: 4},  # ks2, ks3: one sheet, both sides
    "answer-key": {ANY_BAND: 2},
    "lesson-plan": {ANY_BAND: 6},
    "discussion-guide": {ANY_BAND: 8},
    "feedback-form": {ANY_BAND: 1},  # four slips to a sheet: print as many as needed
    "certificate": {ANY_BAND: 1},  # two to a sheet (Key Stage 2 packs only)
}
LARGE_PRINT_FACTOR = 2.0
DYSLEXIA_FRIENDLY_FACTOR = 1.5
# Large print where doubling is not enough: the answer key is a teacher's document set at
# 11 pt, so at large print's 18 pt its words need about 2.7 times the room.
LARGE_PRINT_PAGES: dict[str, int] = {"answer-key": 5}

# reportlab writes the page tree as "<< /Count 4 /Kids [...] /Type /Pages >>", uncompressed.
_DICTIONARY = re.compile(rb"<<[^<>]*>>")
_PAGE_TREE = re.compile(rb"/Type\s*/Pages\b")
_COUNT = re.compile(rb"/Count\s+(\d+)")


def page_budget(document: str, band_id: str, large_print: bool = False,
                dyslexia_friendly: bool = False) -> Optional[int]:
    """The most pages `document` ("worksheet") may take for `band_id` in a print variant;
    None: no budget."""
    budgets = PAGE_BUDGETS.get(document)
    if budgets is None:
        return None
    pages = budgets.get(band_id, budgets.get(ANY_BAND))
    if pages is None:
        return None
    if large_print and document in LARGE_PRINT_PAGES:
        return LARGE_PRINT_PAGES[document]
    factor = (LARGE_PRINT_FACTOR if large_print else
              DYSLEXIA_FRIENDLY_FACTOR if dyslexia_friendly else 1.0)
    return math.ceil(pages * factor)


def pdf_page_count(data: bytes) -> int:
    """Pages in a PDF lessonpack wrote: the largest /Count of a page tree (the root's)."""
    counts = [int(count) for dictionary in _DICTIONARY.findall(data)
              if _PAGE_TREE.search(dictionary) for count in _COUNT.findall(dictionary)]
    if not counts:
        raise ValueError("not a PDF with a readable page tree")
    return max(counts)


def over_budget(rendered: Iterable[tuple[str, str, str, bytes]], *, large_print: bool = False,
                dyslexia_friendly: bool = False, strict: bool = False) -> list[Problem]:
    """A warning for each PDF over its budget, in file order; with `strict`, a BudgetError
    listing them.
    `rendered`: (file name in the output folder, document stem, band id, bytes) per document:
    the name, not the folder's path, so builds into two folders record the same warnings."""
    problems = []
    for path, document, band_id, data in sorted(rendered):
        if not path.endswith(".pdf"):
            continue
        budget = page_budget(document, band_id, large_print, dyslexia_friendly)
        if budget is None:
            continue
        pages = pdf_page_count(data)
        if pages > budget:
            problems.append(Problem(path, 0, f"{pages} pages, over its budget of {budget} "
                                             "pages", warning=not strict))
    if problems and strict:
        raise BudgetError(problems)
    return problems
