"""Checks across the whole library: references, timings, safeguarding language and
reading levels. Every problem is collected; nothing stops at the first.

Works on the loaded Library plus the parsed files (for line numbers); reads no files.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Iterator

from . import fonts, language, readability
from .content.yamlfile import YamlFile
from .errors import Problem
from .model import Library

CONTACT_MAX_AGE = dt.timedelta(days=365)
MIN_SCENARIOS_PER_BAND = 2

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


def _unknown(kind: str, value: str, known) -> str:
    import difflib

    close = difflib.get_close_matches(value, list(known), n=1, cutoff=0.6)
    hint = f"did you mean '{close[0]}'?" if close else (
        f"known: {', '.join(sorted(known))}" if known else f"no {kind}s are defined")
    return f"unknown {kind} '{value}'; {hint}"


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
            if len(plan.scenarios) < MIN_SCENARIOS_PER_BAND:
                problems.append(file.problem(at + ("scenarios",), (
                    f"{band_id} uses {len(plan.scenarios)} scenario; a lesson band should use at "
                    f"least {MIN_SCENARIOS_PER_BAND} so pupils meet more than one situation"),
                    warning=True))
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


def _band_texts(lib: Library, band_id: str) -> Iterator[tuple[YamlFile, tuple, str]]:
    """Every text that can appear in a band's pack: its plans and the scenarios it may use."""
    rank = lib.band_rank(band_id)
    bands_file = lib.sources[("file", "bands.yaml")]
    index = lib.band_ids().index(band_id)
    yield bands_file, ("bands", index, "scope"), lib.band(band_id).scope  # printed in the plan
    for scenario_id, scenario in lib.scenarios.items():
        if scenario.lowest_band in lib.band_ids() and lib.band_rank(scenario.lowest_band) <= rank:
            file = lib.sources[("scenarios", scenario_id)]
            for key, text in strings(file.data):
                yield file, key, text
    messages = lib.messages()
    for lesson_id, lesson in lib.lessons.items():
        if band_id in lesson.bands:
            file = lib.sources[("specs", lesson_id)]
            for key, text in strings(file.data["bands"][band_id], ("bands", band_id)):
                yield file, key, text
            for i, message_id in enumerate(lesson.bands[band_id].key_messages):
                if message_id in messages:  # the plan prints the message's text
                    yield file, ("bands", band_id, "key_messages", i), messages[message_id][0].text


def strings(data, key: tuple = ()) -> Iterator[tuple[tuple, str]]:
    """Every text value in parsed YAML, with its key path."""
    if isinstance(data, str):
        yield key, data
    elif isinstance(data, dict):
        for k, v in data.items():
            yield from strings(v, key + (k,))
    elif isinstance(data, list):
        for i, v in enumerate(data):
            yield from strings(v, key + (i,))


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


# ------------------------------------------------- what reviewers caught by eye

# Who a trusted adult is in a story: a role name ("Mum"), a title ("Mr Shah"), or an
# about that names a trusted role and no pretence.
_TITLE = re.compile(r"^(?:Mr|Mrs|Ms|Miss|Mx|Dr|PC|DC|Sergeant|Sgt|Coach)\.?\s")
_TRUSTED_ROLE = re.compile(r"(?i)\b(?:teacher|parent|mum|dad|mother|father|carer|coach|officer|"
                           r"police|head of year|safeguarding lead|grandparent|gran|grandad|"
                           r"aunt|uncle|youth worker|counsellor|nurse)\b")
_PRETENCE = re.compile(r"(?i)\b(?:pretend\w*|fake|claims?|offender|scam\w*|says (?:he|she|they)"
                       r"(?: is| are|'s|'re))\b")


def _is_trusted_adult(character, role_names) -> bool:
    if character.name in role_names or _TITLE.match(character.name):
        return True
    if character.age is not None and character.age < 18:
        return False
    return bool(_TRUSTED_ROLE.search(character.about)) and not _PRETENCE.search(character.about)


def _check_safeguarding_words(lib: Library) -> list[Problem]:
    """Evidence wording, blame in questions and trusted adults' words, and requests about
    bodies or clothing in the stories of a band that excludes them."""
    problems = []
    rules = lib.language
    for file in lib.sources.values():
        if file.path.name == "language.yaml":
            continue
        for key, text in strings(file.data):
            for found in language.find_image_instructions(text, rules.images):
                problems.append(file.problem(key, language.image_message(found)))
    for scenario_id, scenario in lib.scenarios.items():
        file = lib.sources[("scenarios", scenario_id)]
        trusted = {c.name for c in scenario.characters if _is_trusted_adult(c, rules.role_names)}
        texts = [(("questions", i, "ask"), q.ask, "a question") for i, q in enumerate(scenario.questions)]
        texts += [(("decisions", i, "prompt"), d.prompt, "a prompt")
                  for i, d in enumerate(scenario.decisions)]
        texts += [(("scenes", s, "dialogue", d, "says"), line.says, f"{line.speaker}'s words")
                  for s, scene in enumerate(scenario.scenes)
                  for d, line in enumerate(scene.dialogue) if line.speaker in trusted]
        for key, text, whose in texts:
            for phrase, found in language.find_blaming(text, rules.hindsight):
                problems.append(file.problem(key, language.hindsight_message(phrase, found, whose)))
    for lesson_id, lesson in lib.lessons.items():
        file = lib.sources[("specs", lesson_id)]
        for key, text in strings(file.data):
            for phrase, found in language.find_blaming(text, rules.hindsight):
                problems.append(file.problem(key, language.hindsight_message(
                    phrase, found, "a lesson plan")))
    for band in lib.bands:
        if band.excluded_requests:
            for file, key, text in _band_texts(lib, band.id):
                if file.path.parent.name == "scenarios":
                    for term, found in language.find_excluded(text, band.excluded_requests):
                        problems.append(file.problem(key, language.request_message(term, found,
                                                                                   band.id)))
    return problems


def _ages(band) -> tuple[int, int]:
    numbers = [int(n) for n in re.findall(r"\d+", band.ages)]
    return (numbers[0], numbers[-1]) if numbers else (0, 99)


_STATED_AGE = re.compile(r"(?i)\b(?:is|aged|age)\s+(\d{1,2})\b")


def _age(character) -> int | None:
    if character.age is not None:
        return character.age
    match = _STATED_AGE.search(character.about)
    return int(match.group(1)) if match else None


def _check_characters(lib: Library) -> list[Problem]:
    """Each name belongs to one story; young characters' ages fit the band reading
    about them; each story is written for one band."""
    problems = []
    users: dict[str, list[str]] = {}  # scenario id -> the bands whose plans use it
    for lesson in lib.lessons.values():
        for band_id, plan in lesson.bands.items():
            for scenario_id in plan.scenarios:
                users.setdefault(scenario_id, []).append(band_id)
    first_use: dict[str, str] = {}  # name -> the scenario that has it first
    band_ids = lib.band_ids()
    for scenario_id, scenario in sorted(lib.scenarios.items()):
        file = lib.sources[("scenarios", scenario_id)]
        bands = sorted(set(users.get(scenario_id, ())) & set(band_ids), key=band_ids.index)
        if len(bands) > 1:
            problems.append(file.problem(("lowest_band",), (
                f"this story is used by {' and '.join(bands)}; a story is written for one year "
                "group: copy it for the older band and rewrite it for that age")))
        for i, character in enumerate(scenario.characters):
            owner = first_use.setdefault(character.name, scenario_id)
            if owner != scenario_id and character.name not in lib.language.role_names:
                other = lib.sources[("scenarios", owner)].shown
                problems.append(file.problem(("characters", i, "name"), (
                    f"the name '{character.name}' is also a character in {other}; give each "
                    "story its own names, so a name never means a victim in one story and "
                    "someone else in another")))
            age = _age(character)
            if age is None or age >= 18:
                continue
            for band_id in bands:
                low, high = _ages(lib.band(band_id))
                if not low <= age <= high:
                    key = ("characters", i, "age") if character.age is not None else (
                        "characters", i, "about")
                    problems.append(file.problem(key, (
                        f"{character.name} is {age}, but this story is read by {band_id} (ages "
                        f"{lib.band(band_id).ages}); make them an age in that band")))
    return problems


# The worksheet's sections, by the id a plan step names in `worksheet:`.
WORKSHEET_SECTIONS = ("warning-signs", "decisions", "true-or-false", "who-can-help")

# Things a plan may name that a pack never holds. Every document, card set and slide a
# pack has is one of model.Resource; stationery (paper, pens, sticky notes) is fine.
_NOT_IN_PACK = re.compile(
    r"(?i)\b(?:posters?|leaflets?|handouts?|(?:show|play)\s+(?:a|the)\s+(?:video|film|clip)|"
    r"emoji\w*|(?:rating\s+)?scales?|"
    r"(?:parent(?:\s+and\s+carer)?|carer)\s+notes?|red,\s+amber\s+and\s+green\s+cards|"
    r"traffic[-\s]light\s+cards)\b")
_CARDS = re.compile(r"(?i)\b([\w-]+(?:\s+can\s+help)?)\s+cards\b")  # a set handed out
_CARD_KINDS = {"scene", "tactics", "tactic", "feelings", "feeling", "who can help", "help",
               "a", "the", "these", "their", "your", "each", "story", "of", "and", "or", "two",
               # cards in the stories, not handed out
               "gift", "bank", "debit", "credit", "payment", "game", "sim", "memory", "store"}
_SCENE_REF = re.compile(r"(?i)\bscenes?\s+(\d+)(?:\s*(?:–|-|to|and)\s*(\d+))?")


def _check_pack_references(lib: Library) -> list[Problem]:
    """Plan ↔ worksheet sections, scene numbers, and what a plan's text names: every
    resource, scene and character must be in the pack."""
    problems = []
    names_by_scenario = {sid: {c.name for c in s.characters} for sid, s in lib.scenarios.items()}
    for scenario_id, scenario in lib.scenarios.items():
        file = lib.sources[("scenarios", scenario_id)]
        count = len(scenario.scenes)
        for i, decision in enumerate(scenario.decisions):
            if decision.after_scene is not None and decision.after_scene > count:
                problems.append(file.problem(("decisions", i, "after_scene"), (
                    f"after_scene is {decision.after_scene} but the story has {count} scenes; "
                    "give the scene the class hears before deciding")))
        for i, question in enumerate(scenario.questions):
            if question.scene is not None and question.scene > count:
                problems.append(file.problem(("questions", i, "scene"), (
                    f"scene {question.scene} does not exist: the story has {count} scenes")))
    for lesson_id, lesson in lib.lessons.items():
        file = lib.sources[("specs", lesson_id)]
        for band_id, plan in lesson.bands.items():
            at = ("bands", band_id)
            stories = [lib.scenarios[s] for s in plan.scenarios if s in lib.scenarios]
            steps = [("introduction", plan.introduction), ("baseline", plan.baseline),
                     *((("activities", i), a) for i, a in enumerate(plan.activities)),
                     ("assessment", plan.assessment), ("plenary", plan.plenary)]
            used = set()
            for key, step in steps:
                if step is None or step.worksheet is None:
                    continue
                key = key if isinstance(key, tuple) else (key,)
                used.add(step.worksheet)
                if step.worksheet not in WORKSHEET_SECTIONS:
                    problems.append(file.problem(at + key + ("worksheet",),
                                                 _unknown("worksheet section", step.worksheet,
                                                          WORKSHEET_SECTIONS)))
            unused = [s for s in WORKSHEET_SECTIONS if s not in used]
            if unused and any(step and step.worksheet for _, step in steps):
                problems.append(file.problem(at, (
                    f"the worksheet's {', '.join(unused)} section"
                    f"{'s are' if len(unused) > 1 else ' is'} used by no timed step; set "
                    "'worksheet:' on the step that uses it, so pupils are never given a page "
                    "nobody asks them to fill in")))
            mine = set().union(*(names_by_scenario[s] for s in plan.scenarios
                                 if s in names_by_scenario))
            others = set().union(*names_by_scenario.values()) - mine - set(lib.language.role_names)
            most_scenes = max((len(s.scenes) for s in stories), default=0)
            # One pattern for every name from other lessons' stories (one-letter names
            # and names inside "don't" never match), longest first.
            words = sorted((n for n in others if len(n) > 1), key=lambda n: (-len(n), n))
            names_elsewhere = re.compile(r"(?<![\w'’])(?:" + "|".join(map(re.escape, words))
                                         + r")(?![\w'’])" if words else r"(?!x)x")
            for key, text in strings(file.data["bands"][band_id], at):
                missing = list(_NOT_IN_PACK.finditer(text))
                for match in missing:
                    problems.append(file.problem(key, (
                        f"'{match.group()}' is not in the pack; name one of its resources "
                        "(slides, worksheet, answer key, discussion guide, scene, tactics, "
                        "feelings or who-can-help cards, parent letter, school briefing)")))
                for match in _CARDS.finditer(text):
                    inside = any(m.start() <= match.start() < m.end() for m in missing)
                    if match.group(1).lower() not in _CARD_KINDS and not inside:
                        problems.append(file.problem(key, (
                            f"'{match.group()}' are not in the pack; its cards are scene, "
                            "tactics, feelings and who-can-help cards")))
                for match in _SCENE_REF.finditer(text):
                    numbers = [int(n) for n in match.groups() if n]
                    if max(numbers) > most_scenes:
                        problems.append(file.problem(key, (
                            f"'{match.group()}' does not exist: this plan's longest story has "
                            f"{most_scenes} scenes")))
                for name in sorted({m.group() for m in names_elsewhere.finditer(text)}):
                    problems.append(file.problem(key, (
                        f"'{name}' is a character in another lesson's story, not in this "
                        "plan's; use a character from this lesson")))
    return problems
