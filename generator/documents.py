"""The documents of a pack: what each is made from, for whom, and how it is set.

One `Document` line per file a pack holds; build, batch, list and the checks all read
this table, and nothing here imports more than the standard library.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from .errors import LessonpackError


@dataclass(frozen=True)
class Document:
    """One kind of document in every pack."""

    stem: str  # e.g. "worksheet"; the file is "<stem><variant>.<format>"
    format: str  # a format in render/registry.py: "pdf", "docx", "pptx"
    template: str
    title: str  # e.g. "worksheet", for the document title
    about: str = ""  # who it is for and what it is (lessonpack list)
    # Body text size in points by band ("*": any other band), where the document's
    # readers need other than the band's usual size (cards to cut out, letters home).
    sizes: tuple[tuple[str, float], ...] = ()
    max_chars: int = 70  # characters a line at most; more spreads cards or tables across the page
    leading: Optional[float] = None  # line spacing (at least 1.2), when not the usual 1.35
    # A page limit (PDF): text that would run past it is set smaller, half a point at a
    # time down to `smallest` (never below 10 pt), so a longer story does not push a
    # letter onto a second page.
    max_pages: int = 0
    smallest: float = 0.0
    # The bands whose packs hold it (the ks2 certificate); () for every band. Other
    # bands' packs simply lack it: nothing reports it missing.
    bands: tuple[str, ...] = ()
    # Header and footer on every page (PDF); a certificate is a page of its own.
    furniture: bool = True

    def for_band(self, band_id: str) -> bool:
        return not self.bands or band_id in self.bands


DOCUMENTS = (
    Document("lesson-plan", "pdf", "lesson-plan.xml.j2", "lesson plan",
             "the officer: at-a-glance page, timed activities, safeguarding"),
    Document("lesson-plan", "docx", "lesson-plan.xml.j2", "lesson plan"),  # accessible twin
    Document("worksheet", "pdf", "worksheet.xml.j2", "worksheet",
             "pupils: one each; the .docx is its screen-reader twin"),
    Document("worksheet", "docx", "worksheet.xml.j2", "worksheet"),  # accessible twin
    Document("answer-key", "pdf", "answer-key.xml.j2", "answer key",
             "the teacher: the worksheet's answers and why",
             sizes=(("*", 11.0),), max_chars=85),  # the teacher's: each sign's reason too
    Document("discussion-guide", "docx", "discussion-guide.xml.j2", "discussion guide",
             "the facilitator: the stories scene by scene, questions, points to draw out"),
    Document("cards", "pdf", "cards.xml.j2", "cards",
             "to print and cut out: scene, tactics, feelings, who-can-help and key-word cards",
             sizes=(("ks2", 18.0), ("*", 14.0)), max_chars=200),
    Document("parent-letter", "pdf", "parent-letter.xml.j2", "letter to parents and carers",
             "parents and carers: one page from the school and the force",
             sizes=(("*", 10.5),), max_chars=85, leading=1.25, max_pages=1, smallest=10.0),
    # Word cannot be measured here: its letter is set a little smaller to fit one page.
    Document("parent-letter", "docx", "parent-letter.xml.j2", "letter to parents and carers",
             sizes=(("*", 10.0),), leading=1.2),
    Document("school-briefing", "pdf", "school-briefing.xml.j2", "school briefing",
             "the DSL and class teacher, before the visit: safeguarding, question-box "
             "answers, curriculum mapping", sizes=(("*", 10.0),), max_chars=200, leading=1.2,
             max_pages=2, smallest=10.0),
    Document("evaluation-record", "pdf", "evaluation-record.xml.j2", "evaluation record",
             "the officer, on the day: tallies and referrals, no pupil names",
             sizes=(("*", 10.5),), max_chars=85, max_pages=1, smallest=10.0),
    Document("slides", "pptx", "slides.xml.j2", "slides",
             "the officer, to project: the stories scene by scene, decisions, signposting"),
    Document("feedback-form", "pdf", "feedback-form.xml.j2", "feedback slips",
             "pupils, at the end: four anonymous slips a sheet to cut out, for the question box",
             max_chars=200, furniture=False),
    Document("certificate", "pdf", "certificate.xml.j2", "certificate",
             "pupils, to take home: two to a sheet, a name to write in",
             sizes=(("*", 14.0),), max_chars=200, bands=("ks2",), furniture=False),
    # Plain text, to paste into an email: every mail program takes it as it is.
    Document("email-to-school", "txt", "email-to-school.xml.j2", "email to the school",
             "the officer: the email to the DSL and class teacher before the visit"),
)


def document_names() -> list[str]:
    """What --documents accepts: each kind of document once, in pack order."""
    return list(dict.fromkeys(d.stem for d in DOCUMENTS))


def select_documents(names: tuple[str, ...]) -> list[Document]:
    """The documents --documents names (every one when none are named)."""
    known = document_names()
    unknown = [name for name in names if name not in known]
    if unknown:
        import difflib

        close = difflib.get_close_matches(unknown[0], known, n=1, cutoff=0.6)
        hint = f"did you mean '{close[0]}'?" if close else f"known: {', '.join(known)}"
        raise LessonpackError(f"unknown document '{unknown[0]}'; {hint} "
                              "('lessonpack list' shows what a pack holds)")
    return [d for d in DOCUMENTS if not names or d.stem in names]


def band_limited_note(chosen: list[Document], band_ids: list[str]) -> str:
    """What --documents asked for that the chosen bands' packs do not hold: "the
    certificate is made for ks2 packs only, not for ks3, ks4". "" if nothing."""
    notes = []
    for stem in dict.fromkeys(d.stem for d in chosen if d.bands):
        bands = next(d.bands for d in chosen if d.stem == stem)
        missing = [b for b in dict.fromkeys(band_ids) if b not in bands]
        if missing:
            notes.append(f"the {stem} is made for {', '.join(bands)} packs only, not for "
                         f"{', '.join(missing)}")
    return "; ".join(notes)
