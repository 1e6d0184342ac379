"""One lesson as one age band sees it: everything a template needs, already chosen,
ordered and joined, so templates only lay things out."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Optional

from .model import (Advice, Band, BandPlan, Contact, KeyMessage, LessonSpec, Library, Profile,
                    SafeguardingFile, Scenario, Session)


@dataclass(frozen=True)
class CheckItem:
    """One line of the "spot the warning signs" tick list."""

    text: str
    is_sign: bool
    why: str


@dataclass(frozen=True)
class ScenarioView:
    scenario: Scenario
    checklist: tuple[CheckItem, ...]

    def __getattr__(self, name):  # templates read scenario fields directly
        return getattr(self.scenario, name)


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
    timings: tuple = ()  # (start minute, step) for the plan's timeline

    @property
    def band_label(self) -> str:
        return f"{self.band.name} · {self.band.years} · ages {self.band.ages}"

    @property
    def footer(self) -> str:
        parts = [self.profile.force_name]
        parts += [p for p in (self.session.school, self.session.class_name,
                              self.session.date_text) if p]
        return " · ".join(parts)


def band_view(library: Library, lesson_id: str, band_id: str, profile: Profile,
              session: Optional[Session] = None) -> BandView:
    lesson = library.lessons[lesson_id]
    plan = lesson.bands[band_id]
    messages = library.messages()
    steps = [plan.introduction] if plan.introduction else []
    steps += [plan.baseline, *plan.activities, plan.assessment, plan.plenary]
    starts, minute = [], 0
    for step in steps:
        starts.append((minute, step))
        minute += step.minutes
    return BandView(
        lesson=lesson,
        band=library.band(band_id),
        plan=plan,
        scenarios=tuple(_scenario_view(library.scenarios[s]) for s in plan.scenarios),
        messages=tuple(MessageView(n, *messages[m]) for n, m in enumerate(plan.key_messages, 1)),
        contacts=tuple(library.contacts[c] for c in plan.contacts),
        advice=tuple(library.advice[a] for a in lesson.advice),
        safeguarding=library.safeguarding,
        profile=profile,
        session=session or Session(),
        timings=tuple(starts),
    )


def _scenario_view(scenario: Scenario) -> ScenarioView:
    items = [CheckItem(s.sign, True, s.why) for s in scenario.warning_signs]
    items += [CheckItem(n.statement, False, n.why) for n in scenario.not_warning_signs]
    # A fixed shuffle, so signs and non-signs are mixed but every build prints the same order.
    items.sort(key=lambda item: hashlib.sha256((scenario.id + item.text).encode()).digest())
    return ScenarioView(scenario, tuple(items))
