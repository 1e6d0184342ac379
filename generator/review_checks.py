"""What reviewers caught by eye: safeguarding words, characters' names and ages, and what a plan names that its pack holds."""

from __future__ import annotations

import re

from . import language
from .errors import Problem
from .library_texts import band_texts, strings, unknown
from .model import Library

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
            for file, key, text in band_texts(lib, band.id):
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
               "key-word",
               "a", "the", "these", "their", "your", "each", "story", "of", "and", "or", "two",
               # cards in the stories, not handed out
               "gift", "bank", "debit", "credit", "payment", "game", "sim", "memory", "store"}
_SCENE_REF = re.compile(r"(?i)\bscenes?\s+(\d+)(?:\s*(?:–|-|to|and)\s*(\d+))?")


def _not_in_band(resource: str, band_id: str) -> str:
    """Why a band's pack lacks a resource a step uses (the ks2 certificate), or ""."""
    from .documents import DOCUMENTS

    bands = next((d.bands for d in DOCUMENTS if d.stem == resource), ())
    if bands and band_id not in bands:
        return (f"'{resource}' is made for {', '.join(bands)} packs only, so a {band_id} pack "
                "has none; take it out of this step's uses")
    return ""


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
                for i, resource in enumerate(step.uses if step else ()):
                    problem = _not_in_band(resource, band_id)
                    if problem:
                        key_path = key if isinstance(key, tuple) else (key,)
                        problems.append(file.problem(at + key_path + ("uses", i), problem))
                if step is None or step.worksheet is None:
                    continue
                key = key if isinstance(key, tuple) else (key,)
                used.add(step.worksheet)
                if step.worksheet not in WORKSHEET_SECTIONS:
                    problems.append(file.problem(at + key + ("worksheet",),
                                                 unknown("worksheet section", step.worksheet,
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
            # One pattern for every name from other lessons' stories, longest first. Only
            # names as names are written (capitalised, more than one letter) are looked
            # for, so "false" in "true or false" or the "t" of "don't" is never a name.
            words = sorted((n for n in others if len(n) > 1 and n[0].isupper()),
                           key=lambda n: (-len(n), n))
            names_elsewhere = re.compile(r"(?<![\w'’])(?:" + "|".join(map(re.escape, words))
                                         + r")(?![\w'’])" if words else r"(?!x)x")
            for key, text in strings(file.data["bands"][band_id], at):
                missing = list(_NOT_IN_PACK.finditer(text))
                for match in missing:
                    problems.append(file.problem(key, (
                        f"'{match.group()}' is not in the pack; name one of its resources "
                        "(slides, worksheet, answer key, discussion guide, scene, tactics, "
                        "feelings, who-can-help or key-word cards, parent letter, school "
                        "briefing)")))
                for match in _CARDS.finditer(text):
                    inside = any(m.start() <= match.start() < m.end() for m in missing)
                    if match.group(1).lower() not in _CARD_KINDS and not inside:
                        problems.append(file.problem(key, (
                            f"'{match.group()}' are not in the pack; its cards are scene, "
                            "tactics, feelings, who-can-help and key-word cards")))
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
