"""One lesson as one age band sees it: everything a template needs, already chosen,
ordered and joined, so templates only lay things out."""

from __future__ import annotations

import datetime as dt

import hashlib
import re
from dataclasses import dataclass, field
from typing import Optional

from .model import (Advice, Band, BandPlan, Contact, Decision, KeyMessage, LessonSpec, Library,
                    Profile, Question, SafeguardingFile, Scenario, Scene, Session, Step)


@dataclass(frozen=True)
class Section:
    """One part of the worksheet. Its letter comes from its place in WORKSHEET_SECTIONS,
    so the worksheet, the answer key and the plan's "Worksheet part B" always agree."""

    id: str
    letter: str
    title: str

    @property
    def label(self) -> str:
        return f"Part {self.letter}: {self.title}"


# The worksheet's parts, in the order they are printed (a plan step's `worksheet:` names one),
# with their titles; YOUNGER_TITLES words a part for ks2 and ks3.
WORKSHEET_SECTIONS = (
    ("warning-signs", "Warning signs"),
    ("decisions", "What could they do?"),
    ("true-or-false", "True or false?"),
    ("who-can-help", "Who can help?"),
)
YOUNGER_TITLES = {"warning-signs": "Spot the warning signs"}
YOUNGER_BANDS = ("ks2", "ks3")

# What a step's `uses:` names, as the plan prints it.
RESOURCE_NAMES = {
    "slides": "slides", "worksheet": "worksheet", "answer-key": "answer key",
    "discussion-guide": "discussion guide", "scene-cards": "scene cards",
    "tactics-cards": "tactics cards", "feelings-cards": "feelings cards",
    "help-cards": "who-can-help cards", "question-box": "question box",
    "parent-letter": "parent and carer letter", "school-briefing": "school briefing",
    "evaluation-record": "evaluation record", "key-word-cards": "key-word cards",
    "feedback-form": "feedback slips", "certificate": "certificates",
}

# What to get ready of each, for the plan's "Resources" ({pupil}: "pupil" or "student").
RESOURCE_PREPARATION = {
    "slides": "slides (and a projector)",
    "worksheet": "a worksheet for each {pupil} (both sides)",
    "answer-key": "the answer key",
    "discussion-guide": "the discussion guide",
    "scene-cards": "scene cards",
    "tactics-cards": "tactics cards",
    "feelings-cards": "feelings cards",
    "help-cards": "who-can-help cards",
    "key-word-cards": "key-word cards (taught the day before)",
    "question-box": "the question box (the school sets it up)",
    "parent-letter": "the letter home (sent before the visit)",
    "school-briefing": "the school briefing (sent before the visit)",
    "evaluation-record": "the evaluation record",
    "feedback-form": "a feedback slip for each {pupil}, and an envelope for them",
    "certificate": "a certificate for each {pupil}",
}
CARD_SETS = ("scene-cards", "tactics-cards", "feelings-cards", "help-cards")

# How each band's worksheet talks to its readers: ks2 gets the reassurance younger
# pupils need; older pupils get plainer instructions (never the ks2 format).
WORKSHEET_WORDS = {
    "ks2": {
        "intro": "Your teacher will tell you the stories. There are no silly answers.",
        "why": "why did you choose it?",
        "answer": "Best choice",
        "true_false": "Tick true or false for each sentence.",
        "help": "Who could help?",
    },
    "ks3": {
        "intro": "",
        "why": "why did you choose it?",
        "answer": "Safest",
        "true_false": "Tick true or false for each statement.",
        "help": "Who could help, and how?",
    },
}
_OLDER_WORDS = {
    "intro": "",
    "why": "explain your choice.",
    "answer": "Safest",
    "true_false": "Decide whether each statement is true or false.",
    "help": "Who could help, and what could they do?",
}

_SENTENCE_END = re.compile(r"[.!?](?=\s|$)")


ONE_SHEET_MOST_LINES = 2


def lines_for(answer: str, most: int = 4) -> int:
    """Write-in lines for an answer: one a sentence of the answer the key gives (1..most)."""
    return max(1, min(most, len(_SENTENCE_END.findall(answer.strip()))))


OPTION_LETTERS = "ABCDEFGH"


@dataclass(frozen=True)
class CheckItem:
    """One line of the "spot the warning signs" tick list."""

    text: str
    is_sign: bool
    why: str
    # Words that say where to turn ("trusted adult", "999", a service's name): a why
    # whose later sentences use one is never cut short.
    help_words: tuple[str, ...] = ()

    @property
    def reason(self) -> str:
        """The answer key's short reason, beside the item: the why's first sentence, or
        all of it when the rest says where to turn (a teacher marking a sign of distress
        keeps the advice on who can help)."""
        first, *rest = re.split(r"(?<=[.!?])\s+", self.why.strip(), maxsplit=1)
        if rest and any(re.search(rf"\b{re.escape(w)}\b", rest[0]) for w in self.help_words):
            return self.why
        return first


@dataclass(frozen=True)
class SceneView:
    """One numbered scene, with what the facilitator does after it."""

    number: int
    scene: Scene
    questions: tuple[Question, ...]  # asked after this scene
    decisions: tuple[Decision, ...]  # the class decides after this scene


@dataclass(frozen=True)
class ScenarioView:
    scenario: Scenario
    checklist: tuple[CheckItem, ...]
    number: int = 1  # its place in the lesson: "Story 1"

    def __getattr__(self, name):  # templates read scenario fields directly
        return getattr(self.scenario, name)

    @property
    def scene_views(self) -> tuple[SceneView, ...]:
        """Scenes numbered from 1; a question or decision without a scene number
        follows the last scene."""
        last = len(self.scenario.scenes)

        def at(item) -> int:
            number = getattr(item, "scene", None) or getattr(item, "after_scene", None)
            return min(number, last) if number else last

        return tuple(
            SceneView(n, scene, tuple(q for q in self.scenario.questions if at(q) == n),
                      tuple(d for d in self.scenario.decisions if at(d) == n))
            for n, scene in enumerate(self.scenario.scenes, 1))

    def stop_after(self, decision: Decision) -> int:
        """The scene the story stops after for this decision."""
        return min(decision.after_scene or len(self.scenario.scenes), len(self.scenario.scenes))


@dataclass(frozen=True)
class MessageView:
    number: int
    message: KeyMessage
    advice: Advice


@dataclass(frozen=True)
class BandView:
    lesson: LessonSpec
    band: Band
    plan: BandPlan
    scenarios: tuple[ScenarioView, ...]
    messages: tuple[MessageView, ...]
    contacts: tuple[Contact, ...]
    advice: tuple[Advice, ...]
    safeguarding: SafeguardingFile
    profile: Profile
    session: Session = field(default_factory=Session)
    timings: tuple = ()  # (start minute, step) for the plan's timeline, introduction first
    sections: tuple[Section, ...] = ()  # the worksheet's parts, in order

    @property
    def band_label(self) -> str:
        return f"{self.band.name} · {self.band.years} · ages {self.band.ages}"

    @property
    def footer(self) -> str:
        parts = [self.profile.force_name]
        parts += [p for p in (self.session.school, self.session.class_name,
                              self.session.date_text) if p]
        return " · ".join(parts)

    @property
    def total_minutes(self) -> int:
        return sum(step.minutes for _, step in self.timings)

    @property
    def words(self) -> dict[str, str]:
        """The worksheet's instructions, worded for this band."""
        return WORKSHEET_WORDS.get(self.band.id, _OLDER_WORDS)

    @property
    def young(self) -> bool:
        """ks2: the youngest pupils' format (reassurance, "trusted adult" explained)."""
        return self.band.id == "ks2"

    @property
    def one_sheet(self) -> bool:
        """The worksheet must fit one sheet, both sides (ks2, ks3): it leaves the
        "remember" points to the slides."""
        from .budgets import page_budget

        return (page_budget("worksheet", self.band.id) or 4) <= 2

    @property
    def contacts_checked(self) -> tuple[tuple[str, tuple[str, ...]], ...]:
        """When the contacts were last checked, by month ("October 2026"), newest first,
        with the contacts checked that month."""
        months: dict[tuple[int, int], list[str]] = {}
        for c in self.contacts:
            months.setdefault((c.last_verified.year, c.last_verified.month), []).append(c.name)
        return tuple((dt.date(y, m, 1).strftime("%B %Y"), tuple(names))
                     for (y, m), names in sorted(months.items(), reverse=True))

    @property
    def preparation(self) -> str:
        """What to get ready from the pack, as one sentence: everything the plan's steps
        use, in the order the lesson first needs it, with how many of each."""
        pupil = "student" if self.band.id == "post16" else "pupil"
        used = list(dict.fromkeys(u for step in self.plan.steps() for u in step.uses))
        cards = [u for u in used if u in CARD_SETS]
        items = []
        for u in used:
            if u in CARD_SETS:
                if u == cards[0]:  # the card sets together, where the first is needed
                    names = [RESOURCE_PREPARATION[c] for c in cards]
                    listed = ", ".join(names[:-1]) + " and " + names[-1] if len(names) > 1 else names[0]
                    items.append(f"{listed} (a set for each group)")
            elif u in RESOURCE_PREPARATION:
                items.append(RESOURCE_PREPARATION[u].format(pupil=pupil))
        return "; ".join(items)

    @property
    def letters(self) -> str:
        """A decision's options are lettered A, B, C… in their order, the same on the
        slides, the worksheet, the answer key and the guide ("vote for B")."""
        return OPTION_LETTERS

    @property
    def decisions(self) -> tuple[tuple[ScenarioView, Decision], ...]:
        """Every decision of the lesson, in story order, with its story."""
        return tuple((s, d) for s in self.scenarios for d in s.decisions)

    def section(self, section_id: str) -> Optional[Section]:
        return next((s for s in self.sections if s.id == section_id), None)

    def step_section(self, step: Step) -> Optional[Section]:
        return self.section(step.worksheet) if step.worksheet else None

    def uses(self, step: Step) -> list[str]:
        """What a step shows or hands out, as words ("slides", "scene cards")."""
        return [RESOURCE_NAMES.get(u, u) for u in step.uses]

    def lines(self, answer: str) -> int:
        """Write-in lines for an answer; two at most on a one-sheet worksheet (ks2, ks3),
        whose pupils answer in a few words."""
        return lines_for(answer, ONE_SHEET_MOST_LINES if self.one_sheet else 4)


def band_view(library: Library, lesson_id: str, band_id: str, profile: Profile,
              session: Optional[Session] = None) -> BandView:
    lesson = library.lessons[lesson_id]
    plan = lesson.bands[band_id]
    messages = library.messages()
    steps = plan.steps()
    starts, minute = [], 0
    for step in steps:
        starts.append((minute, step))
        minute += step.minutes
    return BandView(
        lesson=lesson,
        band=library.band(band_id),
        plan=plan,
        scenarios=tuple(_scenario_view(library.scenarios[s], n, _help_words(library))
                        for n, s in enumerate(plan.scenarios, 1)),
        messages=tuple(MessageView(n, *messages[m]) for n, m in enumerate(plan.key_messages, 1)),
        contacts=tuple(library.contacts[c] for c in plan.contacts),
        advice=tuple(library.advice[a] for a in lesson.advice),
        safeguarding=library.safeguarding,
        profile=profile,
        session=session or Session(),
        timings=tuple(starts),
        sections=tuple(
            Section(sid, chr(ord("A") + i),
                    YOUNGER_TITLES.get(sid, title) if band_id in YOUNGER_BANDS else title)
            for i, (sid, title) in enumerate(WORKSHEET_SECTIONS)),
    )


def _help_words(library: Library) -> tuple[str, ...]:
    """What says where to turn: a trusted adult, 999, or a service the lessons list."""
    return ("trusted adult", "999", *(c.name for c in library.contacts.values()))


def _scenario_view(scenario: Scenario, number: int = 1,
                   help_words: tuple[str, ...] = ()) -> ScenarioView:
    items = [CheckItem(s.sign, True, s.why, help_words) for s in scenario.warning_signs]
    items += [CheckItem(n.statement, False, n.why) for n in scenario.not_warning_signs]
    # A fixed shuffle, so signs and non-signs are mixed but every build prints the same order.
    items.sort(key=lambda item: hashlib.sha256((scenario.id + item.text).encode()).digest())
    return ScenarioView(scenario, tuple(items), number)
