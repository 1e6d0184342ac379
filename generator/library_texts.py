"""Every text in the library's parsed files, with its key path, and the hint for an unknown id."""

from __future__ import annotations

from typing import Iterator

from .content.yamlfile import YamlFile
from .model import Library


def band_texts(lib: Library, band_id: str) -> Iterator[tuple[YamlFile, tuple, str]]:
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


def narrowed(lib: Library, packs: list[tuple[str, str]]) -> Library:
    """The part of the library the given (lesson, band) packs read: those plans, the
    scenarios they tell and every shared file. A build of one pack checks the words of
    what it prints, not of every lesson in the folder."""
    plans = {}
    for lesson_id, band_id in packs:
        plans.setdefault(lesson_id, {})[band_id] = lib.lessons[lesson_id].bands[band_id]
    lessons = {lesson_id: lib.lessons[lesson_id].model_copy(update={"bands": bands})
               for lesson_id, bands in plans.items()}
    told = {scenario_id for bands in plans.values() for plan in bands.values()
            for scenario_id in plan.scenarios}
    scenarios = {i: s for i, s in lib.scenarios.items() if i in told}
    sources = {(kind, i): file for (kind, i), file in lib.sources.items()
               if (kind != "specs" or i in lessons) and (kind != "scenarios" or i in told)}
    return lib.model_copy(update={"lessons": lessons, "scenarios": scenarios,
                                  "sources": sources})


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


def unknown(kind: str, value: str, known) -> str:
    import difflib

    close = difflib.get_close_matches(value, list(known), n=1, cutoff=0.6)
    hint = f"did you mean '{close[0]}'?" if close else (
        f"known: {', '.join(sorted(known))}" if known else f"no {kind}s are defined")
    return f"unknown {kind} '{value}'; {hint}"
