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
