"""The session kit's data for one pack (cards, the letter home, the school's briefing),
and the checks that its files name real bands, lessons, contacts and frameworks.

kit.yaml, question-box.yaml and curriculum.yaml each tag their records with the bands
(and, where it matters, the lessons) they are for; kit_view picks one pack's records in
file order, so templates only lay them out.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from typing import Optional

from . import language
from .errors import Problem
from .model import (Adaptation, BoxQuestion, Contact, Feeling, Framework, Library, Mapping,
                    ParentResource, Tactic)

MIN_BOX_QUESTIONS = 8  # the briefing's answer bank, for every lesson and band
MIN_OWN_QUESTIONS = 2  # of them, written for that lesson (so banks differ by lesson)


@dataclass(frozen=True)
class FrameworkView:
    framework: Framework
    mappings: tuple[Mapping, ...]


@dataclass(frozen=True)
class KitView:
    """What one lesson's kit holds for one band."""

    tactics: tuple[Tactic, ...] = ()
    feelings: tuple[Feeling, ...] = ()
    trusted_adult: str = ""
    talk_at_home: tuple[str, ...] = ()
    parent_contacts: tuple[tuple[Contact, str], ...] = ()  # (contact, what it offers parents)
    parent_resources: tuple[ParentResource, ...] = ()
    questions: tuple[BoxQuestion, ...] = ()
    curriculum: tuple[FrameworkView, ...] = ()
    for_parents: Optional[str] = None  # what the lesson covers, for the letter home
    adapting: tuple[Adaptation, ...] = ()  # SEND and EAL, for whoever plans the session


def _for(record, band_id: str, lesson_id: str | None = None) -> bool:
    lessons = getattr(record, "lessons", ())
    return band_id in record.bands and (not lessons or lesson_id in lessons)


def kit_view(library: Library, lesson_id: str, band_id: str) -> KitView:
    kit, box, curriculum = library.kit, library.question_box, library.curriculum
    view = KitView()
    if kit is not None:
        view = KitView(
            tactics=tuple(t for t in kit.tactics if _for(t, band_id)),
            feelings=tuple(f for f in kit.feelings if _for(f, band_id)),
            trusted_adult=next((t.text for t in kit.trusted_adult if _for(t, band_id)), ""),
            talk_at_home=tuple(t.text for t in kit.talk_at_home if _for(t, band_id)),
            parent_contacts=tuple((library.contacts[c.contact], c.why)
                                  for c in kit.parent_contacts if c.contact in library.contacts),
            parent_resources=kit.parent_resources,
            adapting=tuple(a for a in kit.adapting if _for(a, band_id)),
        )
    # The lesson's own questions first, then those every lesson shares (file order in each).
    found = [q for q in box.questions if _for(q, band_id, lesson_id)] if box else []
    questions = tuple(sorted(found, key=lambda q: not q.lessons))
    frameworks: tuple[FrameworkView, ...] = ()
    for_parents = None
    if curriculum is not None:
        frameworks = tuple(
            FrameworkView(f, found) for f in curriculum.frameworks
            if (found := tuple(m for m in curriculum.mappings
                               if m.framework == f.id and _for(m, band_id, lesson_id))))
        for_parents = next((s.for_parents for s in curriculum.summaries
                            if s.lesson == lesson_id and s.band == band_id), None)
    return KitView(view.tactics, view.feelings, view.trusted_adult, view.talk_at_home,
                   view.parent_contacts, view.parent_resources, questions, frameworks,
                   for_parents, adapting=view.adapting)


# ------------------------------------------------------------------------ checks


def check_kit(lib: Library) -> list[Problem]:
    """Every band, lesson, contact and framework the kit files name exists; every pack
    gets its answer bank (with questions of its lesson's own), curriculum mapping and
    letter summary; no band's text uses a word that band excludes."""
    if not lib.bands:
        return []  # the loader already said why
    problems: list[Problem] = []
    band_ids = lib.band_ids()
    broken_lessons = any(folder == "specs" for folder, _ in lib.broken)

    def refs(file, key, bands=(), lessons=()):
        for i, band in enumerate(bands):
            if band not in band_ids:
                problems.append(file.problem(key + ("bands", i), _unknown("band", band, band_ids)))
        for i, lesson in enumerate(lessons):
            if lesson not in lib.lessons and not broken_lessons:  # unused, so a warning
                problems.append(file.problem(key + ("lessons", i), _unknown(
                    "lesson", lesson, lib.lessons) + " (this item is never used)", warning=True))

    kit_file = lib.sources.get(("file", "kit.yaml"))
    if lib.kit is not None:
        kit = lib.kit
        for field in ("tactics", "feelings", "trusted_adult", "talk_at_home", "adapting"):
            for i, record in enumerate(getattr(kit, field)):
                refs(kit_file, (field, i), record.bands)
        for band in band_ids:
            for field in ("tactics", "feelings", "trusted_adult", "talk_at_home"):
                if not any(band in r.bands for r in getattr(kit, field)):
                    problems.append(kit_file.problem((field,), (
                        f"nothing in '{field}' is for {band}; add {band} to the 'bands' of "
                        "at least one item")))
        for i, item in enumerate(kit.parent_contacts):
            if item.contact not in lib.contacts and ("file", "contacts") not in lib.broken:
                problems.append(kit_file.problem(("parent_contacts", i, "contact"),
                                                 _unknown("contact", item.contact, lib.contacts)))
        for i, item in enumerate(kit.adapting):
            for match in _NAMED_CARDS.finditer(item.text):
                resource = _CARD_RESOURCES[match.group(1).lower()]
                if resource not in item.needs:
                    problems.append(kit_file.problem(("adapting", i, "text"), (
                        f"this item names the {match.group(0)}; add '{resource}' to its "
                        "'needs', so a plan that doesn't use them leaves it out")))
        seen: set[str] = set()
        for i, tactic in enumerate(kit.tactics):
            if tactic.id in seen:
                problems.append(kit_file.problem(("tactics", i, "id"),
                                                 f"duplicate tactic id '{tactic.id}'"))
            seen.add(tactic.id)

    box_file = lib.sources.get(("file", "question-box.yaml"))
    if lib.question_box is not None:
        for i, question in enumerate(lib.question_box.questions):
            refs(box_file, ("questions", i), question.bands, question.lessons)

    cur_file = lib.sources.get(("file", "curriculum.yaml"))
    curriculum = lib.curriculum
    if curriculum is not None:
        framework_ids = [f.id for f in curriculum.frameworks]
        for i, mapping in enumerate(curriculum.mappings):
            refs(cur_file, ("mappings", i), mapping.bands, mapping.lessons)
            if mapping.framework not in framework_ids:
                problems.append(cur_file.problem(("mappings", i, "framework"),
                                                 _unknown("framework", mapping.framework,
                                                          framework_ids)))
        for i, summary in enumerate(curriculum.summaries):
            refs(cur_file, ("summaries", i), (summary.band,), (summary.lesson,))

    # Every pack the lessons define gets a full kit; a gap is a warning (the document
    # still builds, with that part left out).
    for lesson_id, lesson in sorted(lib.lessons.items()):
        for band_id in lesson.bands:
            if band_id not in band_ids:
                continue
            view = kit_view(lib, lesson_id, band_id)
            if box_file is not None and len(view.questions) < MIN_BOX_QUESTIONS:
                problems.append(box_file.problem(("questions",), (
                    f"only {len(view.questions)} questions are for {lesson_id} {band_id}; the "
                    f"school briefing needs at least {MIN_BOX_QUESTIONS}: add questions whose "
                    f"'bands' include {band_id}"), warning=True))
            own = sum(1 for q in view.questions if q.lessons)
            if box_file is not None and own < MIN_OWN_QUESTIONS:
                problems.append(box_file.problem(("questions",), (
                    f"only {own} questions are written for {lesson_id} {band_id}; add at "
                    f"least {MIN_OWN_QUESTIONS} whose 'lessons' include {lesson_id}, so the "
                    "answer bank fits the lesson's stories"), warning=True))
            if cur_file is not None and not view.curriculum:
                problems.append(cur_file.problem(("mappings",), (
                    f"no mapping is for {lesson_id} {band_id}; add one so the school "
                    "briefing can say what the lesson covers"), warning=True))
            if cur_file is not None and view.for_parents is None:
                problems.append(cur_file.problem(("summaries",), (
                    f"no summary for {lesson_id} {band_id}; add one ('lesson', 'band', "
                    "'for_parents') for the letter home"), warning=True))

    problems += _check_excluded(lib)
    return problems


def _check_excluded(lib: Library) -> list[Problem]:
    """Text for a band (cards, answers, the letter) uses none of that band's excluded words."""
    problems = []
    texts = []  # (file, key, band ids, text)
    if lib.kit is not None:
        file = lib.sources[("file", "kit.yaml")]
        for field, names in (("tactics", ("name", "says", "means")),
                             ("feelings", ("word", "means")),
                             ("trusted_adult", ("text",)), ("talk_at_home", ("text",))):
            for i, record in enumerate(getattr(lib.kit, field)):
                texts += [(file, (field, i, name), record.bands, getattr(record, name))
                          for name in names]
    if lib.question_box is not None:
        file = lib.sources[("file", "question-box.yaml")]
        for i, q in enumerate(lib.question_box.questions):
            texts += [(file, ("questions", i, name), q.bands, getattr(q, name))
                      for name in ("ask", "answer")]
    if lib.curriculum is not None:
        file = lib.sources[("file", "curriculum.yaml")]
        texts += [(file, ("summaries", i, "for_parents"), (s.band,), s.for_parents)
                  for i, s in enumerate(lib.curriculum.summaries)]
    excluded = {b.id: b.excluded_terms for b in lib.bands if b.excluded_terms}
    for file, key, bands, text in texts:
        for band in bands:
            for term, found in language.find_excluded(text, excluded.get(band, ())):
                problems.append(file.problem(key, language.excluded_message(term, found, band)))
    return problems


# Card sets an adaptation may name, and the resource a plan step lists for each (key-word
# cards are in every pack).
_CARD_RESOURCES = {"scene": "scene-cards", "tactics": "tactics-cards",
                   "feelings": "feelings-cards", "who-can-help": "help-cards",
                   "who can help": "help-cards", "help": "help-cards"}
_NAMED_CARDS = re.compile(r"(?i)\b(scene|tactics|feelings|who-can-help|who can help|help)\s+cards\b")


def _unknown(kind: str, value: str, known) -> str:
    close = difflib.get_close_matches(value, list(known), n=1, cutoff=0.6)
    hint = f"did you mean '{close[0]}'?" if close else (
        f"known: {', '.join(sorted(known))}" if known else f"no {kind}s are defined")
    return f"unknown {kind} '{value}'; {hint}"
