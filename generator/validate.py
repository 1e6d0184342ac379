"""Checks across the whole library: references, timings, safeguarding language and
reading levels. Every problem is collected; nothing stops at the first.

Works on the loaded Library plus the parsed files (for line numbers); reads no files.
"""

from __future__ import annotations

import datetime as dt
import re

from . import fonts, language, readability
from .errors import Problem
from .library_texts import band_texts as _band_texts, strings, unknown as _unknown
from .model import Library
from .review_checks import _check_characters, _check_pack_references, _check_safeguarding_words

CONTACT_MAX_AGE = dt.timedelta(days=365)
MIN_SCENARIOS_PER_BAND = 2
KEY_WORDS = (6, 10)  # the key-word cards pre-teach this many words a band
KEY_WORD_CARD_WORDS = 30  # the most words a meaning may take on its card

# Fields pupils read, as key patterns ("*" is any list index). Their reading level
# must meet the band target; everything else is written for the facilitator.
PUPIL_SCENARIO_FIELDS = [
    ("title",), ("characters", "*", "about"), ("scenes", "*", "narration"),
    ("scenes", "*", "dialogue", "*", "says"), ("warning_signs", "*", "sign"),
    ("not_warning_signs", "*", "statement"), ("decisions", "*", "prompt"),
    ("decisions", "*", "options", "*", "choice"), ("decisions", "*", "options", "*", "outcome"),
    ("questions", "*", "ask"),
]
PUPIL_PLAN_FIELDS = [
    ("title",), ("outcomes", "*"), ("key_words", "*", "word"), ("key_words", "*", "meaning"),
    ("true_or_false", "*", "statement"), ("who_can_help", "*", "situation"), ("remember", "*"),
]


def validate(library: Library, today: dt.date) -> list[Problem]:
    return check_structure(library, today) + check_text(library)


def check_structure(library: Library, today: dt.date) -> list[Problem]:
    """References, timings and dates: what must hold before a pack can be put together."""
    if not library.bands:
        return []  # the loader already said why
    return (_check_references(library) + _check_plans(library) + _check_scenarios(library)
            + _check_contacts_age(library, today) + _check_pack_references(library)
            + _check_characters(library))


def check_text(library: Library) -> list[Problem]:
    """Language, reading level and printable characters: the slower checks of the words
    themselves, which a build runs while its first documents render."""
    if not library.bands:
        return []
    return (_check_language(library) + _check_safeguarding_words(library)
            + _check_reading(library) + _check_printable(library))


# ------------------------------------------------------------------ references


def _check_references(lib: Library) -> list[Problem]:
    problems = []
    band_ids = [b.id for b in lib.bands]
    # A file that failed to load was reported already; references into it are not again.
    advice_broken = any(folder == "advice" for folder, _ in lib.broken)
    contacts_broken = ("file", "contacts") in lib.broken
    messages = set()
    for advice_id, advice in lib.advice.items():
        file = lib.sources[("advice", advice_id)]
        for i, message in enumerate(advice.messages):
            if message.id in messages:
                problems.append(file.problem(("messages", i, "id"),
                                             f"duplicate key message id '{message.id}'"))
            messages.add(message.id)

    contacts_file = lib.sources.get(("file", "contacts.yaml"))
    for i, contact in enumerate(lib.contacts.values()):
        for j, band in enumerate(contact.bands):
            if band not in band_ids:
                problems.append(contacts_file.problem(("contacts", i, "bands", j),
                                                      _unknown("band", band, band_ids)))

    for scenario_id, scenario in lib.scenarios.items():
        file = lib.sources[("scenarios", scenario_id)]
        if scenario.lowest_band not in band_ids:
            problems.append(file.problem(("lowest_band",),
                                         _unknown("band", scenario.lowest_band, band_ids)))
        for i, message in enumerate(scenario.teaches):
            if message not in messages and not advice_broken:
                problems.append(file.problem(("teaches", i), _unknown("key message", message, messages)))

    for lesson_id, lesson in lib.lessons.items():
        file = lib.sources[("specs", lesson_id)]
        for i, advice in enumerate(lesson.advice):
            if advice not in lib.advice and ("advice", advice) not in lib.broken:
                problems.append(file.problem(("advice", i), _unknown("advice file", advice, lib.advice)))
        for band_id, plan in lesson.bands.items():
            at = ("bands", band_id)
            if band_id not in band_ids:
                problems.append(file.problem(at, _unknown("band", band_id, band_ids)))
                continue
            for i, scenario in enumerate(plan.scenarios):
                if scenario not in lib.scenarios and ("scenarios", scenario) not in lib.broken:
                    problems.append(file.problem(at + ("scenarios", i),
                                                 _unknown("scenario", scenario, lib.scenarios)))
            for i, message in enumerate(plan.key_messages):
                if message not in messages and not advice_broken:
                    problems.append(file.problem(at + ("key_messages", i),
                                                 _unknown("key message", message, messages)))
            refs = [(("contacts", i), c) for i, c in enumerate(plan.contacts)]
            refs += [(("who_can_help", i, "contacts", j), c)
                     for i, item in enumerate(plan.who_can_help) for j, c in enumerate(item.contacts)]
            for key, contact in refs:
                if contact not in lib.contacts:
                    if not contacts_broken:
                        problems.append(file.problem(at + key,
                                                     _unknown("contact", contact, lib.contacts)))
                elif band_id not in lib.contacts[contact].bands:
                    problems.append(file.problem(at + key, f"contact '{contact}' is not for {band_id} "
                                                 "(see its 'bands' in contacts.yaml); choose another"))
    return problems


# ------------------------------------------------------------ lesson plans


def _check_plans(lib: Library) -> list[Problem]:
    problems = []
    band_ids = [b.id for b in lib.bands]
    for lesson_id, lesson in lib.lessons.items():
        file = lib.sources[("specs", lesson_id)]
        for band_id, plan in lesson.bands.items():
            if band_id not in band_ids:
                continue
            at = ("bands", band_id)
            band = lib.band(band_id)
            steps = plan.steps()
            total = sum(step.minutes for step in steps)
            if total != band.duration_minutes:
                problems.append(file.problem(at, (
                    f"timings add up to {total} minutes but a {band_id} lesson lasts "
                    f"{band.duration_minutes}; adjust the minutes of the baseline, activities, "
                    "assessment and plenary")))
            for i, scenario_id in enumerate(plan.scenarios):
                scenario = lib.scenarios.get(scenario_id)
                if scenario and scenario.lowest_band in band_ids and \
                        lib.band_rank(scenario.lowest_band) > lib.band_rank(band_id):
                    problems.append(file.problem(at + ("scenarios", i), (
                        f"scenario '{scenario_id}' is for {scenario.lowest_band} and older, "
                        f"so it cannot be used with {band_id}; choose a scenario written for "
                        f"{band_id} or younger")))
            problems += _check_key_words(file, at, band_id, plan)
            if len(plan.scenarios) < MIN_SCENARIOS_PER_BAND:
                problems.append(file.problem(at + ("scenarios",), (
                    f"{band_id} uses {len(plan.scenarios)} scenario; a lesson band should use at "
                    f"least {MIN_SCENARIOS_PER_BAND} so pupils meet more than one situation"),
                    warning=True))
    return problems


def _check_key_words(file, at, band_id, plan) -> list[Problem]:
    """The key-word cards: 6 to 10 words a band, each once, each meaning short enough for
    its card."""
    problems = []
    low, high = KEY_WORDS
    count = len(plan.key_words)
    if not low <= count <= high:
        fix = ("add the words pupils need to follow the lesson" if count < low else
               f"keep the {high} pupils most need")
        problems.append(file.problem(at + ("key_words",), (
            f"{band_id} has {count} key word{'s' if count != 1 else ''}; the key-word cards "
            f"pre-teach {low} to {high}: {fix}"), warning=True))
    seen: set[str] = set()
    for i, key_word in enumerate(plan.key_words):
        word = " ".join(key_word.word.lower().split())
        if word in seen:
            problems.append(file.problem(at + ("key_words", i, "word"), (
                f"key word '{key_word.word}' is listed twice for {band_id}; keep one")))
        seen.add(word)
        words = len(key_word.meaning.split())
        if words > KEY_WORD_CARD_WORDS:
            problems.append(file.problem(at + ("key_words", i, "meaning"), (
                f"the meaning of '{key_word.word}' is {words} words; a key-word card holds "
                f"at most {KEY_WORD_CARD_WORDS}: say it in fewer, shorter sentences")))
    return problems


# --------------------------------------------------------------- scenarios


def _check_scenarios(lib: Library) -> list[Problem]:
    problems = []
    for scenario_id, scenario in lib.scenarios.items():
        file = lib.sources[("scenarios", scenario_id)]
        names = {c.name for c in scenario.characters}
        for s, scene in enumerate(scenario.scenes):
            for d, line in enumerate(scene.dialogue):
                if line.speaker not in names:
                    problems.append(file.problem(("scenes", s, "dialogue", d, "speaker"), (
                        f"speaker '{line.speaker}' is not one of the characters "
                        f"({', '.join(sorted(names))}); add them to 'characters' or fix the name")))
        for i, decision in enumerate(scenario.decisions):
            safest = sum(option.safest for option in decision.options)
            if safest != 1:
                problems.append(file.problem(("decisions", i, "options"), (
                    f"a decision needs exactly one option marked 'safest: true' (found {safest})")))
    return problems


# -------------------------------------------------------- safeguarding language


def _check_language(lib: Library) -> list[Problem]:
    problems = []
    rules = lib.language
    for file in lib.sources.values():
        if file.path.name == "language.yaml":
            continue  # it names the terms on purpose
        for key, text in strings(file.data):
            for term, found in language.find_avoided(text, rules.avoid):
                problems.append(file.problem(key, language.avoided_message(term, found)))
            for phrase, found in language.find_blaming(text, rules.blaming):
                problems.append(file.problem(key, language.blaming_message(phrase, found)))
    for band in lib.bands:
        if band.excluded_terms:
            for file, key, text in _band_texts(lib, band.id):
                for term, found in language.find_excluded(text, band.excluded_terms):
                    problems.append(file.problem(key, language.excluded_message(term, found,
                                                                                band.id)))
    return problems


# -------------------------------------------------------------- reading level


def _check_reading(lib: Library) -> list[Problem]:
    problems = []
    band_ids = lib.band_ids()
    for scenario_id, scenario in lib.scenarios.items():
        if scenario.lowest_band in band_ids:
            file = lib.sources[("scenarios", scenario_id)]
            found = _reading_problems(lib, file, (), PUPIL_SCENARIO_FIELDS, scenario.lowest_band)
            problems += [problem for problem in found if problem]
    for lesson_id, lesson in lib.lessons.items():
        file = lib.sources[("specs", lesson_id)]
        for band_id in lesson.bands:
            if band_id in band_ids:
                found = _reading_problems(lib, file, ("bands", band_id), PUPIL_PLAN_FIELDS, band_id)
                problems += [problem for problem in found if problem]
    return problems


def _reading_problems(lib, file, root, patterns, band_id) -> tuple[Problem | None, ...]:
    """Pupil text under `root` against the band's target: its longest sentence, and its
    level overall, reported at the hardest sentence."""
    node = file.data
    for part in root:
        node = node[part]
    pieces = [(root + key, _as_sentence(text)) for key, text in strings(node)
              if any(_matches(key, pattern) for pattern in patterns)]
    return _long_sentence(file, pieces, band_id, lib.band(band_id).reading.sentence_words_max), \
        _level_problem(lib, file, root, pieces, band_id)


def _level_problem(lib, file, root, pieces, band_id) -> Problem | None:
    text = " ".join(sentence for _, sentence in pieces)
    target = lib.band(band_id).reading
    message = readability.check_reading(text, target.fk_grade_max, target.sentence_words_max,
                                        label=band_id)
    if not message:
        return None
    level = readability.reading_level(text)
    quoted = [s[:40] for s in (level.heaviest_sentence, level.longest_sentence) if s]
    key = next((k for k, t in pieces if any(q in t for q in quoted)), root)
    return file.problem(key, message)


# A mean under target can hide one sentence a reader cannot follow: one sentence may be
# at most this many times the band's mean sentence length.
LONGEST_SENTENCE_FACTOR = 2


def _long_sentence(file, pieces, band_id: str, mean_max: float) -> Problem | None:
    """The first pupil sentence far longer than the band's mean target, if any."""
    limit = int(mean_max * LONGEST_SENTENCE_FACTOR)
    for key, text in pieces:
        for sentence in readability.split_sentences(text):
            count = len(readability.words(sentence))
            if count > limit:
                return file.problem(key, (
                    f"a sentence of {count} words for {band_id}, where one sentence may have at "
                    f"most {limit} (twice the {mean_max:g}-word mean target): "
                    f"{readability.quote(sentence)}; split it"))
    return None


def _matches(key: tuple, pattern: tuple) -> bool:
    return len(key) == len(pattern) and all(p == "*" and isinstance(k, int) or p == k
                                            for k, p in zip(key, pattern))


def _as_sentence(text: str) -> str:
    """Titles and list items have no full stop; give them one so they count as sentences."""
    text = re.sub(r"\s+", " ", text).strip()
    return text if re.search(r"[.!?…][\"'’”)]*$", text) else text + "."


# ------------------------------------------------------------------- contacts


def _check_contacts_age(lib: Library, today: dt.date) -> list[Problem]:
    file = lib.sources.get(("file", "contacts.yaml"))
    problems = []
    for i, contact in enumerate(lib.contacts.values()):
        if today - contact.last_verified > CONTACT_MAX_AGE:
            problems.append(file.problem(("contacts", i, "last_verified"), (
                f"{contact.name}'s details were last verified on {contact.last_verified:%d %B %Y}, "
                "over 12 months ago; check them against the source and update last_verified"),
                warning=True))
    return problems


# --------------------------------------------------------------- printable text


def _check_printable(lib: Library) -> list[Problem]:
    """Warn where the PDF fonts have no glyph: that text would print as nothing."""
    problems = []
    for file in lib.sources.values():
        for key, text in strings(file.data):
            message = fonts.cannot_print(text)
            if message:
                problems.append(file.problem(key, message, warning=True))
    return problems
