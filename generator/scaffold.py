"""`lessonpack new scenario`: a commented starter story, listed in a lesson's band plan.

The lesson spec is edited as text, one insertion, so the author's comments and layout
survive; the result is parsed again and must differ only by the new list item. When
that cannot be done safely, nothing in the spec changes and the caller is given the
exact line to add by hand.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

import yaml

from .content.loader import parse_file
from .content.yamlfile import read_yaml
from .errors import ContentError, LessonpackError, display_path
from .model import SLUG, Band, BandsFile
from .output import write_atomic
from .resources import bundled

STARTER = "starter-scenario.yaml.j2"


@dataclass(frozen=True)
class NewScenario:
    path: Path  # the scenario file written
    spec: Path  # the lesson spec that should list it
    listed_at: Optional[int]  # line of the spec's edited list, or None if not edited
    line_to_add: str  # what the author adds by hand when listed_at is None


def new_scenario(lessons_dir: Path, scenario_id: str, band_id: str, lesson_id: str) -> NewScenario:
    """Write lessons/scenarios/ID.yaml and add ID to the lesson's band plan `scenarios:`."""
    if not SLUG.match(scenario_id):
        raise LessonpackError(f"'{scenario_id}' is not a simple id: use lower-case letters, "
                              "digits and single hyphens, like 'gaming-gift-trap'")
    if not (lessons_dir / "bands.yaml").is_file():
        raise LessonpackError(f"{display_path(lessons_dir)}: no content folder here (bands.yaml "
                              "is missing); run 'lessonpack init DIR' or pass --lessons DIR")
    band = _band(lessons_dir, band_id)
    spec_path = lessons_dir / "specs" / f"{lesson_id}.yaml"
    if not spec_path.is_file():
        known = sorted(p.stem for p in (lessons_dir / "specs").glob("*.yaml"))
        raise LessonpackError(f"unknown lesson '{lesson_id}'; known: {', '.join(known)}")
    target = lessons_dir / "scenarios" / f"{scenario_id}.yaml"
    if target.exists():
        raise LessonpackError(f"{display_path(target)}: already exists; choose another id "
                              "or edit that file")

    spec = read_yaml(spec_path)
    if any(not p.warning for p in spec.problems):
        raise ContentError([p for p in spec.problems if not p.warning])
    plan = _plan(spec, lesson_id, band_id)
    teaches = [m for m in plan.get("key_messages") or [] if isinstance(m, str) and SLUG.match(m)]
    if not teaches:
        raise LessonpackError(f"{spec.shown}:{spec.line(('bands', band_id))}: the {band_id} plan "
                              "lists no key_messages for the story to teach; add them first")

    starter = render_starter(scenario_id, band, lesson_id, teaches[:2])
    key = ("bands", band_id, "scenarios")
    raw = spec_path.read_bytes().decode("utf-8")
    edited = None if scenario_id in (plan.get("scenarios") or []) else \
        append_to_list(raw, key, scenario_id)

    write_atomic(target, starter.encode("utf-8"))
    if edited is not None:
        write_atomic(spec_path, edited.encode("utf-8"))
    listed = edited is not None or scenario_id in (plan.get("scenarios") or [])
    return NewScenario(target, spec_path, spec.line(key) if listed else None,
                       _line_to_add(plan.get("scenarios"), scenario_id))


def render_starter(scenario_id: str, band: Band, lesson_id: str, teaches: list[str]) -> str:
    import jinja2  # our own template, not a user's: no sandbox needed

    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(bundled("templates"))),
                             undefined=jinja2.StrictUndefined, trim_blocks=True,
                             lstrip_blocks=True, keep_trailing_newline=True)
    return env.get_template(STARTER).render(
        id=scenario_id, band=band, lesson_id=lesson_id, teaches=teaches,
        grade=f"{band.reading.fk_grade_max:g}", words=f"{band.reading.sentence_words_max:g}")


def append_to_list(text: str, key: tuple, item: str) -> Optional[str]:
    """`text` with `item` added to the YAML list at `key`, touching nothing else, or None
    when the list is not a plain flow (`[a, b]`) or block (`- a`) sequence."""
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        before = yaml.safe_load(text)
    except yaml.YAMLError:
        return None
    for part in key:
        if not isinstance(node, yaml.MappingNode):
            return None
        node = next((v for k, v in reversed(node.value) if k.value == part), None)
    if not isinstance(node, yaml.SequenceNode):
        return None

    if node.flow_style:
        if node.value:
            at, insert = node.value[-1].end_mark.index, f", {item}"
        else:
            at, insert = node.start_mark.index + 1, item  # just after "["
    else:
        newline = "\r\n" if "\r\n" in text else "\n"
        last = node.value[-1]
        line_start = text.rfind("\n", 0, last.start_mark.index) + 1
        dash = text[line_start:last.start_mark.index]  # "      - "
        if dash.strip() != "-":
            return None
        at = text.find(newline, last.end_mark.index)
        at = len(text) if at == -1 else at
        insert = f"{newline}{dash}{item}"
    after = text[:at] + insert + text[at:]

    expected = copy.deepcopy(before)  # the only change must be the new item
    target = expected
    for part in key:
        target = target[part]
    target.append(item)
    try:
        return after if yaml.safe_load(after) == expected else None
    except yaml.YAMLError:
        return None


def _band(lessons_dir: Path, band_id: str) -> Band:
    bands, problems = parse_file(lessons_dir / "bands.yaml", BandsFile)
    if bands is None:
        raise ContentError([p for p in problems if not p.warning] or problems)
    for band in bands.bands:
        if band.id == band_id:
            return band
    raise LessonpackError(f"unknown band '{band_id}'; known: "
                          f"{', '.join(b.id for b in bands.bands)}")


def _plan(spec, lesson_id: str, band_id: str) -> dict:
    bands = spec.data.get("bands") if isinstance(spec.data, dict) else None
    plan = bands.get(band_id) if isinstance(bands, dict) else None
    if not isinstance(plan, dict):
        has = ", ".join(bands) if isinstance(bands, dict) else "none"
        raise LessonpackError(f"{spec.shown}: lesson '{lesson_id}' has no {band_id} plan "
                              f"(it has: {has}); choose one of those bands")
    return plan


def _line_to_add(current, scenario_id: str) -> str:
    ids = [s for s in current if isinstance(s, str)] if isinstance(current, list) else []
    ids.append(scenario_id)
    return f"scenarios: [{', '.join(ids)}]"
