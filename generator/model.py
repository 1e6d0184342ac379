"""The content model: what lessons/ holds, as frozen, validated records.

Every class mirrors one YAML shape in lessons/ (documented in docs/authoring.md).
Loading, line numbers and cross-file references live elsewhere; these classes only
say which fields exist, which are required and what type each has.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal, Optional

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from .naming import SLUG  # the shape of an id, beside the project's slug function
from .session import Session  # noqa: F401  (part of the model's public names)


def _slug(value: str) -> str:
    if not SLUG.match(value):
        raise ValueError(
            f"'{value}' is not a simple id: use lower-case letters, digits and single hyphens, "
            "like 'online-blackmail'"
        )
    return value


Id = Annotated[str, AfterValidator(_slug)]
Text = Annotated[str, Field(min_length=1)]
Minutes = Annotated[int, Field(ge=1, le=240)]


class Record(BaseModel):
    """Base for every content record: unknown fields are errors, records never change."""

    model_config = ConfigDict(extra="forbid", frozen=True, coerce_numbers_to_str=True)


# ---------------------------------------------------------------- bands.yaml


class ReadingTarget(Record):
    fk_grade_max: float
    sentence_words_max: float


class Band(Record):
    id: Id
    name: Text  # "Key Stage 2"
    ages: Text  # "9–11"
    years: Text  # "Years 5–6"
    duration_minutes: Minutes
    reading: ReadingTarget
    scope: Text  # what this band may cover, for the facilitator
    excluded_terms: tuple[Text, ...] = ()  # words pupil text in this band must never use
    # requests about bodies or clothing that this band's stories never show
    excluded_requests: tuple[Text, ...] = ()


class BandsFile(Record):
    bands: tuple[Band, ...]


# ------------------------------------------------------------- contacts.yaml


class Contact(Record):
    id: Id
    name: Text
    phone: Optional[Text] = None
    web: Optional[Text] = None
    email: Optional[Text] = None
    details: Optional[Text] = None  # opening hours, chat, cost
    who: Text  # who the service is for
    bands: tuple[Id, ...]  # which bands' signposting lists it
    source: Text  # where the details were checked
    last_verified: dt.date


class ContactsFile(Record):
    contacts: tuple[Contact, ...]


# ------------------------------------------------------------- language.yaml


class AvoidedTerm(Record):
    term: Text  # matched case-insensitively at the start of a word
    use: Text  # what to write instead


class BlamingPhrase(Record):
    phrase: Text
    why: Text


class ImageWords(Record):
    """Evidence wording: none of `verbs` may take one of `nouns` as its object, unless
    negated ("screenshot the messages, never the picture")."""

    verbs: tuple[Text, ...] = ()  # screenshot, save, forward…
    nouns: tuple[Text, ...] = ()  # image, picture, photo…
    always: tuple[Text, ...] = ()  # phrases wrong whatever follows ("screenshot everything")


class LanguageFile(Record):
    avoid: tuple[AvoidedTerm, ...] = ()
    blaming: tuple[BlamingPhrase, ...] = ()
    # questions and hindsight that blame, checked in trusted adults' words and in prompts
    hindsight: tuple[BlamingPhrase, ...] = ()
    images: ImageWords = ImageWords()
    # character names that are roles, which may recur across stories (Mum, Dad, Gran)
    role_names: tuple[Text, ...] = ()


# --------------------------------------------------------- safeguarding.yaml


class SafeguardingFile(Record):
    """Facilitator guidance shared by every lesson plan and discussion guide."""

    ground_rules: tuple[Text, ...]
    distancing: Text
    dsl_note: Text
    question_box: Text
    disclosure_steps: tuple[Text, ...]
    after_the_session: tuple[Text, ...] = ()


# ------------------------------------------------------------ advice/*.yaml


class AdviceSource(Record):
    area: Text  # the force or body that published it
    title: Text
    date: dt.date
    url: Optional[Text] = None


class KeyMessage(Record):
    id: Id
    text: Text


class Advice(Record):
    id: Id
    source: AdviceSource
    summary: Text
    updates: tuple[Text, ...] = ()  # what was brought up to date, and why
    messages: tuple[KeyMessage, ...]


# --------------------------------------------------------- scenarios/*.yaml


class Character(Record):
    name: Text  # belongs to this one story in the whole programme
    about: Text
    age: Optional[Annotated[int, Field(ge=1, le=99)]] = None  # within the band's ages


class Line(Record):
    speaker: Text
    says: Text


class Scene(Record):
    narration: Optional[Text] = None
    dialogue: tuple[Line, ...] = ()


class Sign(Record):
    sign: Text  # pupil-facing: the thing that happens in the story
    why: Text  # answer key: why it is a warning sign


class NotASign(Record):
    statement: Text  # pupil-facing: something in the story that is not a warning sign
    why: Text


class Option(Record):
    choice: Text
    outcome: Text
    safest: bool = False


class Decision(Record):
    prompt: Text
    # Scenes told before the class decides (1-based); later scenes may show the answer,
    # so slides, cards and the guide stop the story here until the class has decided.
    after_scene: Optional[Annotated[int, Field(ge=1)]] = None
    options: tuple[Option, ...] = Field(min_length=2)
    why: Text  # answer key: why the safest option is safest


class Question(Record):
    ask: Text
    scene: Optional[Annotated[int, Field(ge=1)]] = None  # the scene it is asked after (1-based)
    draw_out: tuple[Text, ...] = Field(min_length=1)


class Scenario(Record):
    id: Id
    title: Text
    lowest_band: Id
    summary: Text  # one or two sentences for the facilitator
    characters: tuple[Character, ...] = Field(min_length=1)
    scenes: tuple[Scene, ...] = Field(min_length=1)
    warning_signs: tuple[Sign, ...] = Field(min_length=2)
    not_warning_signs: tuple[NotASign, ...] = ()
    decisions: tuple[Decision, ...] = Field(min_length=1)
    questions: tuple[Question, ...] = Field(min_length=1)
    teaches: tuple[Id, ...] = Field(min_length=1)  # key message ids


# ------------------------------------------------------------- specs/*.yaml


class KeyWord(Record):
    word: Text
    meaning: Text


# What a timed step may hand out or show: every one of these is a file or a part of
# one in the pack, so a plan never names a resource the pack lacks.
Resource = Literal["slides", "worksheet", "answer-key", "discussion-guide", "scene-cards",
                   "tactics-cards", "feelings-cards", "help-cards", "question-box",
                   "parent-letter", "school-briefing", "evaluation-record",
                   "key-word-cards", "feedback-form", "certificate"]


class Step(Record):
    title: Text
    minutes: Minutes
    what: Text  # what the facilitator and pupils do
    adapt: Optional[Text] = None  # how to adapt it (support, stretch, SEND)
    worksheet: Optional[Id] = None  # the worksheet section this step uses, by its id
    uses: tuple[Resource, ...] = ()  # what it shows or hands out


class TrueOrFalse(Record):
    statement: Text
    answer: bool
    why: Text


class WhoCanHelp(Record):
    situation: Text
    answer: Text
    contacts: tuple[Id, ...] = ()


class BandPlan(Record):
    """One lesson as taught to one age band."""

    title: Text
    objective: Text
    outcomes: tuple[Text, ...] = Field(min_length=2)
    key_words: tuple[KeyWord, ...] = Field(min_length=1)
    resources: tuple[Text, ...] = Field(min_length=1)
    sensitivities: Text
    scenarios: tuple[Id, ...] = Field(min_length=1)
    key_messages: tuple[Id, ...] = Field(min_length=1)
    introduction: Optional[Step] = None  # the officer's introduction and ground rules, timed
    baseline: Step
    activities: tuple[Step, ...] = Field(min_length=1)
    assessment: Step  # revisits the baseline
    plenary: Step
    extension: Text
    true_or_false: tuple[TrueOrFalse, ...] = Field(min_length=2)
    who_can_help: tuple[WhoCanHelp, ...] = Field(min_length=1)
    remember: tuple[Text, ...] = Field(min_length=1)  # pupil-facing take-aways
    contacts: tuple[Id, ...] = Field(min_length=1)  # signposting, in order

    def steps(self) -> tuple[Step, ...]:
        """The timed steps in lesson order (the introduction first, when there is one)."""
        first = (self.introduction,) if self.introduction else ()
        return (*first, self.baseline, *self.activities, self.assessment, self.plenary)


class LessonSpec(Record):
    id: Id
    title: Text
    summary: Text
    advice: tuple[Id, ...] = Field(min_length=1)
    bands: dict[Id, BandPlan]


# ------------------------------------------------------------- profile.yaml


class LocalContact(Record):
    name: Text
    phone: Optional[Text] = None
    web: Optional[Text] = None
    details: Optional[Text] = None
    email: Optional[Text] = None


class SchoolContact(Record):
    """Who a school (its DSL, its PSHE lead, a parent) contacts about a visit."""

    name: Text  # a person or a team: "Schools team, Children and Young People Unit"
    email: Optional[Text] = None
    phone: Optional[Text] = None


class Profile(Record):
    """A force's details, printed on every document and added to the signposting."""

    force_name: Text
    officer_role: Text = "Children and Young People Development Officer"
    officer_name: Optional[Text] = None
    local_contacts: tuple[LocalContact, ...] = ()
    logo: Optional[Text] = None  # image path, relative to the profile file
    email: Optional[Text] = None  # the officer's work email, for the school
    phone: Optional[Text] = None  # the officer's work phone, for the school
    school_contact: Optional[SchoolContact] = None  # when not the officer: a team, say


# ------------------------------------------------------------------ the library


class Library(BaseModel):
    """Everything read from one lessons/ folder. `sources` maps (kind, id) to the parsed
    file, so checks can report the line a problem is on."""

    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True)

    bands: tuple[Band, ...]
    contacts: dict[str, Contact]
    language: LanguageFile
    safeguarding: Optional[SafeguardingFile]
    advice: dict[str, Advice]
    scenarios: dict[str, Scenario]
    lessons: dict[str, LessonSpec]
    # The session kit's data (kit.yaml, question-box.yaml, curriculum.yaml); None when absent.
    kit: Optional["KitFile"] = None
    question_box: Optional["QuestionBoxFile"] = None
    curriculum: Optional["CurriculumFile"] = None
    sources: dict = Field(default_factory=dict, repr=False)
    broken: frozenset[tuple[str, str]] = frozenset()  # (folder, id) of files that failed to load

    @classmethod
    def empty(cls) -> "Library":
        return cls(bands=(), contacts={}, language=LanguageFile(), safeguarding=None,
                   advice={}, scenarios={}, lessons={})

    def band(self, band_id: str) -> Band:
        return next(b for b in self.bands if b.id == band_id)

    def band_ids(self) -> list[str]:
        return [b.id for b in self.bands]

    def band_rank(self, band_id: str) -> int:
        """0 for the youngest band; used to compare 'lowest band' constraints."""
        return self.band_ids().index(band_id)

    def messages(self) -> dict[str, tuple[KeyMessage, Advice]]:
        """Every key message by id, with the advice it comes from (for its source)."""
        return {m.id: (m, advice) for advice in self.advice.values() for m in advice.messages}


# ------------------------------------------- kit.yaml, question-box.yaml, curriculum.yaml
# The session kit: cards, the letter home, the school's briefing. Each record names the
# bands (and, where it matters, the lessons) it is for; the loader checks those names.


class Tactic(Record):
    """A tactics card: one trick offenders use, in words pupils of its bands can read."""

    id: Id
    name: Text  # "Flattery"
    says: Text  # an example of what the offender might say
    means: Text  # what the trick is, in one or two short sentences
    bands: tuple[Id, ...] = Field(min_length=1)


class Feeling(Record):
    """A feelings card: a word (never an emoji) and what it can feel like."""

    word: Text
    means: Text
    bands: tuple[Id, ...] = Field(min_length=1)


class BandText(Record):
    text: Text
    bands: tuple[Id, ...] = Field(min_length=1)


class ParentResource(Record):
    """Help for parents and carers that is not in contacts.yaml (it is not for pupils)."""

    name: Text
    web: Optional[Text] = None
    phone: Optional[Text] = None
    details: Text
    source: Text


class ParentContact(Record):
    """A contacts.yaml entry as the letter home describes it to parents and carers."""

    contact: Id
    why: Text  # what it offers a parent or carer


class Adaptation(Record):
    """One way to adapt the session for pupils with SEND or learning English (EAL), for
    whoever plans it: the lesson plan prints those of its band as bullets."""

    lead: Text  # a few bold words: "Pre-teach the key words."
    text: Text  # what to do, in a sentence or two
    bands: tuple[Id, ...] = Field(min_length=1)
    needs: tuple[Resource, ...] = ()  # printed only in packs whose plan uses these
    lists_key_words: bool = False  # the plan lists the lesson's key words after its text


class KitFile(Record):
    tactics: tuple[Tactic, ...] = Field(min_length=1)
    feelings: tuple[Feeling, ...] = Field(min_length=1)
    trusted_adult: tuple[BandText, ...] = Field(min_length=1)  # the first "who can help" card
    talk_at_home: tuple[BandText, ...] = Field(min_length=1)  # the letter's tips, without blame
    parent_contacts: tuple[ParentContact, ...] = Field(min_length=1)  # for the letter
    parent_resources: tuple[ParentResource, ...] = ()
    adapting: tuple[Adaptation, ...] = ()  # the plan's SEND and EAL bullets


class BoxQuestion(Record):
    """A question pupils are likely to post in the anonymous box, with the answer the
    school can give after the visit."""

    ask: Text
    answer: Text
    bands: tuple[Id, ...] = Field(min_length=1)
    lessons: tuple[Id, ...] = ()  # every lesson when empty


class QuestionBoxFile(Record):
    questions: tuple[BoxQuestion, ...] = Field(min_length=1)


class Framework(Record):
    id: Id
    name: Text
    short: Text  # the name in the briefing's table
    publisher: Text
    edition: Text


class Mapping(Record):
    """Which part of a framework some lessons cover for some bands, in our own words."""

    framework: Id
    theme: Text  # the framework's strand or section, and the key stage
    covers: Text  # what the lesson teaches towards it
    bands: tuple[Id, ...] = Field(min_length=1)
    lessons: tuple[Id, ...] = ()  # every lesson when empty


class LessonSummary(Record):
    """What one lesson covers for one band, written for parents and carers in words that
    suit that band (the letter home)."""

    lesson: Id
    band: Id
    for_parents: Text


class CurriculumFile(Record):
    frameworks: tuple[Framework, ...] = Field(min_length=1)
    mappings: tuple[Mapping, ...] = Field(min_length=1)
    summaries: tuple[LessonSummary, ...] = ()


Library.model_rebuild()  # its kit fields name the classes above
