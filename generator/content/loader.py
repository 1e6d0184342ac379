"""Read a lessons/ folder into a Library, collecting every problem instead of stopping.

Each file is parsed (yamlfile), then checked against its model (pydantic); a
schema error is translated into one plain-English line at the right line number.
Cross-file checks (references, timings, language) are validate.py's job.
"""

from __future__ import annotations

import difflib
import typing
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from .. import model
from ..errors import Problem, display_path
from .yamlfile import YamlFile, read_yaml

# Single files at the top of lessons/, and folders of one record per file.
SINGLE_FILES = {
    "bands.yaml": model.BandsFile,
    "contacts.yaml": model.ContactsFile,
    "language.yaml": model.LanguageFile,
    "safeguarding.yaml": model.SafeguardingFile,
    # The session kit: cards, the letter home and the school's briefing (see kit.py).
    "kit.yaml": model.KitFile,
    "question-box.yaml": model.QuestionBoxFile,
    "curriculum.yaml": model.CurriculumFile,
}
FOLDERS = {
    "advice": model.Advice,
    "scenarios": model.Scenario,
    "specs": model.LessonSpec,
}


def content_files(lessons_dir: Path) -> list[Path]:
    """Every file the library is read from, in a stable order."""
    files = [lessons_dir / name for name in SINGLE_FILES]
    for folder in FOLDERS:
        files += sorted((lessons_dir / folder).glob("*.yaml"))
    return files


def load_library(lessons_dir: Path) -> tuple[model.Library, list[Problem]]:
    problems: list[Problem] = []
    if not lessons_dir.is_dir():
        problems.append(Problem(display_path(lessons_dir), 0,
                                "no such content folder; run 'lessonpack init DIR' to make one"))
        return model.Library.empty(), problems

    singles: dict[str, Any] = {}
    sources: dict[tuple[str, str], YamlFile] = {}
    for name, cls in SINGLE_FILES.items():
        path = lessons_dir / name
        if not path.exists():
            problems.append(Problem(display_path(path), 0,
                                    f"missing: every content folder needs {name}; "
                                    "copy it from 'lessonpack init'"))
            continue
        file = read_yaml(path)
        singles[name] = _parse(file, cls, problems)
        sources[("file", name)] = file

    records: dict[str, dict[str, Any]] = {folder: {} for folder in FOLDERS}
    broken: set[tuple[str, str]] = {("file", name.removesuffix(".yaml")) for name in SINGLE_FILES
                                    if singles.get(name) is None}
    for folder, cls in FOLDERS.items():
        for path in sorted((lessons_dir / folder).glob("*.yaml")):
            file = read_yaml(path)
            record = _parse(file, cls, problems)
            if record is None:
                broken.add((folder, path.stem))  # so references to it add no second error
                continue
            if record.id != path.stem:
                problems.append(file.problem(("id",), f"id '{record.id}' does not match the "
                                             f"file name; rename the file to {record.id}.yaml "
                                             "or change the id"))
            if record.id in records[folder]:
                other = sources[(folder, record.id)]
                problems.append(file.problem(("id",), f"duplicate id '{record.id}' "
                                             f"(also in {other.shown})"))
                continue
            records[folder][record.id] = record
            sources[(folder, record.id)] = file

    bands = singles.get("bands.yaml")
    contacts = singles.get("contacts.yaml")
    library = model.Library(
        bands=bands.bands if bands else (),
        contacts={c.id: c for c in contacts.contacts} if contacts else {},
        language=singles.get("language.yaml") or model.LanguageFile(),
        safeguarding=singles.get("safeguarding.yaml"),
        advice=records["advice"],
        scenarios=records["scenarios"],
        lessons=records["specs"],
        kit=singles.get("kit.yaml"),
        question_box=singles.get("question-box.yaml"),
        curriculum=singles.get("curriculum.yaml"),
        sources=sources,
        broken=frozenset(broken),
    )
    for name, items in (("bands.yaml", library.bands),
                        ("contacts.yaml", tuple(contacts.contacts) if contacts else ())):
        _check_unique_ids(sources.get(("file", name)), items, problems)
    from ..kit import check_kit

    problems += check_kit(library)
    return library, problems


def parse_file(path: Path, cls: type[BaseModel]):
    """Read and check one file on its own (a profile, say): (record or None, problems)."""
    problems: list[Problem] = []
    if not path.is_file():
        return None, [Problem(display_path(path), 0, "no such file")]
    return _parse(read_yaml(path), cls, problems), problems


def _check_unique_ids(file: YamlFile | None, items, problems: list[Problem]) -> None:
    seen: set[str] = set()
    top = next(iter(file.data)) if file and isinstance(file.data, dict) and file.data else None
    for index, item in enumerate(items):
        if item.id in seen:
            problems.append(file.problem((top, index, "id"), f"duplicate id '{item.id}'"))
        seen.add(item.id)


def _parse(file: YamlFile, cls: type[BaseModel], problems: list[Problem]):
    problems.extend(file.problems)
    if any(not p.warning for p in file.problems):
        return None
    if file.data is None:
        problems.append(Problem(file.shown, 1, "the file is empty"))
        return None
    try:
        return cls.model_validate(file.data)
    except ValidationError as err:
        errors = err.errors()
        for error in errors:
            if error["type"] == "too_short" and _has_inner_error(error, errors):
                continue  # the list is short only because an item in it is wrong
            problems.append(file.problem(error["loc"], _explain(cls, error)))
        return None


def _has_inner_error(error: dict, errors: list[dict]) -> bool:
    loc = error["loc"]
    return any(len(e["loc"]) > len(loc) and e["loc"][: len(loc)] == loc for e in errors)


# ------------------------------------------------------ schema errors in plain English

_TYPE_WORDS = {
    "int_parsing": "a whole number", "int_type": "a whole number", "int_from_float": "a whole number",
    "float_parsing": "a number", "float_type": "a number",
    "string_type": "text", "bool_parsing": "true or false", "bool_type": "true or false",
    "date_parsing": "a date like 2026-10-01", "date_type": "a date like 2026-10-01",
    "date_from_datetime_parsing": "a date like 2026-10-01",
    "list_type": "a list (lines starting with '- ')", "tuple_type": "a list (lines starting with '- ')",
    "dict_type": "a set of 'field: value' lines", "model_type": "a set of 'field: value' lines",
    "model_attributes_type": "a set of 'field: value' lines",
}


def near_names(name: str, allowed: list[str]) -> list[str]:
    """The allowed names a misspelt `name` is near: a slip of a letter or two
    ('oficer_name', 'e-mail') or a part of the name ('force' for 'force_name'); not
    merely a name sharing some letters ('email' is not near 'details')."""
    def key(text: str) -> str:
        return text.lower().replace("-", "_").replace(" ", "_")

    wanted = key(name)
    close = difflib.get_close_matches(wanted, [key(a) for a in allowed], n=3, cutoff=0.8)
    if not close and len(wanted) >= 4:
        parts = [key(a) for a in allowed if wanted in key(a).split("_") or key(a) in wanted]
        close = parts if len(parts) == 1 else []  # 'name' could be any of three
    return [next(a for a in allowed if key(a) == c) for c in close[:1]]


def _explain(cls: type[BaseModel], error: dict) -> str:
    loc = error["loc"]
    kind = error["type"]
    name = _describe(loc)
    if kind == "extra_forbidden":
        allowed = _field_names(cls, loc[:-1])
        close = near_names(str(loc[-1]), allowed)
        hint = f"did you mean '{close[0]}'?" if close else f"expected one of: {', '.join(allowed)}"
        return f"unknown field '{loc[-1]}'; {hint}"
    if kind == "missing":
        return f"missing required field '{loc[-1]}'"
    if kind in _TYPE_WORDS:
        return f"{name} should be {_TYPE_WORDS[kind]}, not {_shown_value(error.get('input'))}"
    if kind == "too_short":
        least = error.get("ctx", {}).get("min_length", 1)
        if isinstance(error.get("input"), str):
            return f"{name} should not be empty"
        return f"{name} needs at least {least} item{'s' if least != 1 else ''}"
    if kind == "string_too_short":
        return f"{name} should not be empty"
    if kind == "value_error":
        return f"{name}: {error['ctx']['error']}"
    return f"{name}: {error['msg']}"


def _describe(loc: tuple) -> str:
    fields = [str(part) for part in loc if not isinstance(part, int)]
    return f"'{fields[-1]}'" if fields else "the file"


def _shown_value(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, (dict, list)):
        return "a list" if isinstance(value, list) else "a set of fields"
    text = str(value)
    return repr(text if len(text) <= 40 else text[:37] + "...")


def _field_names(cls: type[BaseModel], loc: tuple) -> list[str]:
    """The fields allowed at `loc`, following the model's annotations down the path."""
    current: Any = cls
    for part in loc:
        current = _strip(current)
        args = typing.get_args(current)
        if typing.get_origin(current) in (tuple, list, dict):  # the part is an index or key
            current = args[-1] if typing.get_origin(current) is dict else args[0]
        elif isinstance(current, type) and issubclass(current, BaseModel):
            field = current.model_fields.get(part)
            current = field.annotation if field else None
    current = _strip(current)
    if isinstance(current, type) and issubclass(current, BaseModel):
        return list(current.model_fields)
    return []


def _strip(annotation: Any) -> Any:
    """Remove Annotated[...] and Optional[...] wrappers."""
    while typing.get_origin(annotation) in (typing.Annotated, typing.Union):
        args = typing.get_args(annotation)
        annotation = args[0] if typing.get_origin(annotation) is typing.Annotated else next(
            a for a in args if a is not type(None))
    return annotation
