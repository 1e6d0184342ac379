"""Read one YAML content file safely, remembering the line of every key and item.

Safe loading only; anchors and aliases are refused (content never needs them, and
they make "billion laughs" bombs possible); files over MAX_BYTES are refused before
they are read. Every failure becomes a Problem naming the file and line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ..errors import Problem, display_path

MAX_BYTES = 1_000_000
RAW_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

Key = tuple  # a path into the data: ("scenes", 0, "narration")


@dataclass
class YamlFile:
    path: Path
    data: Any = None
    lines: dict[Key, int] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    @property
    def shown(self) -> str:
        return display_path(self.path)

    def line(self, key: Key) -> int:
        """The line of `key`, or of the nearest enclosing item when it is absent."""
        key = tuple(key)
        while key not in self.lines and key:
            key = key[:-1]
        return self.lines.get(key, 1)

    def problem(self, key: Key, message: str, warning: bool = False) -> Problem:
        return Problem(self.shown, self.line(key), message, warning)


def read_yaml(path: Path) -> YamlFile:
    file = YamlFile(path)
    text = _read_text(file)
    if text is None:
        return file
    try:
        loader = Loader(text)
        try:
            node = loader.get_single_node()
            if node is not None:
                _map_lines(node, (), file.lines, set())
                file.data = loader.construct_document(node)
        finally:
            loader.dispose()
    except _AliasFound as found:
        file.problems.append(Problem(
            file.shown, found.line,
            "YAML anchors and aliases (& and *) are not allowed in content files; "
            "write the text out in full",
        ))
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        what = err.problem or "not valid YAML"
        if err.context_mark and err.problem_mark and err.problem_mark.index >= len(text.rstrip()):
            # Ran off the end of the file: point at what was left open, not at the end.
            mark, what = err.context_mark, f"{err.context} that is never closed"
        line = mark.line + 1 if mark else 1
        file.problems.append(Problem(
            file.shown, line,
            f"YAML syntax error: {what}; check the indentation and quoting on this line "
            "(text containing ': ' or starting with a quote needs to be quoted)",
        ))
    except yaml.YAMLError as err:
        file.problems.append(Problem(file.shown, 1, f"YAML error: {err}"))
    if file.data is not None and not file.problems:
        file.data = _clean_strings(file, file.data, ())
    return file


def _read_text(file: YamlFile) -> str | None:
    try:
        size = file.path.stat().st_size
        if size > MAX_BYTES:
            file.problems.append(Problem(
                file.shown, 0,
                f"file is {size:,} bytes, over the {MAX_BYTES:,}-byte limit for a content file; "
                "split it into smaller files",
            ))
            return None
        raw = file.path.read_bytes()
    except OSError as err:
        file.problems.append(Problem(file.shown, 0, f"cannot be read: {err.strerror}"))
        return None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as err:
        line = raw[: err.start].count(b"\n") + 1
        file.problems.append(Problem(
            file.shown, line,
            f"not UTF-8 text (byte 0x{raw[err.start]:02x}); save the file as UTF-8",
        ))
        return None
    text = text.removeprefix("\ufeff")
    bad = RAW_CONTROL.search(text)
    if bad:
        line = text.count("\n", 0, bad.start()) + 1
        file.problems.append(Problem(
            file.shown, line,
            f"control character U+{ord(bad.group()):04X} is not allowed; delete it "
            "(it often comes in when text is pasted from another program)",
        ))
        return None
    return text


class _AliasFound(Exception):
    def __init__(self, line: int):
        self.line = line


def _map_lines(node: yaml.Node, key: Key, lines: dict, seen: set) -> None:
    """Record the line of every mapping key and sequence item; refuse shared nodes."""
    if id(node) in seen:  # the composer shares a node only where an alias points at it
        raise _AliasFound(node.start_mark.line + 1)
    seen.add(id(node))
    lines[key] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                raise _AliasFound(key_node.start_mark.line + 1)
            child = key + (key_node.value,)
            _map_lines(value_node, child, lines, seen)
            lines[child] = key_node.start_mark.line + 1
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _map_lines(item, key + (index,), lines, seen)


def _clean_strings(file: YamlFile, value: Any, key: Key) -> Any:
    """Remove control characters that arrived through escapes ("\\x0b"); warn about each."""
    if isinstance(value, str):
        if RAW_CONTROL.search(value):
            file.problems.append(file.problem(
                key, "control characters removed from this text; delete the escape codes",
                warning=True,
            ))
            return RAW_CONTROL.sub("", value)
        return value
    if isinstance(value, dict):
        return {k: _clean_strings(file, v, key + (k,)) for k, v in value.items()}
    if isinstance(value, list):
        return [_clean_strings(file, v, key + (i,)) for i, v in enumerate(value)]
    return value
