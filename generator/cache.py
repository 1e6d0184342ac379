"""When work can be skipped: the fingerprints a build records in its manifest.

Two levels, both derived from BuildOptions' fields, so a new option is part of them
unless it is listed below with the reason it cannot change what is written:

- the *build key* (every option that can change the output, plus the tool's version)
  with an *inputs digest* (every file the build could read): both equal to a recorded
  pair means nothing to do, found without importing any heavy library;
- each document's *digest*: the files that pack is made from and the options that can
  change the bytes of one document.

Both also hold lessonpack's own code (its modules' bytes), so a changed or upgraded
lessonpack, or a document added to the pack, never leaves an old file as "unchanged".

A third key, `words_key`, lets a build reuse the word checks' findings for content it has
checked before on this machine (another school's packs, a changed template).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import hashlib
import json
import os
from pathlib import Path
from typing import TYPE_CHECKING

from . import __version__
from .output import file_sha256, sha256
from .resources import effective_templates

if TYPE_CHECKING:
    from .build import BuildOptions
    from .model import Library, Profile

# Options that cannot change what a build writes, and why.
NOT_AFFECTING_OUTPUT = {
    "output_dir": "where the files go, not what is in them",
    "force": "whether edited files may be replaced (and all re-rendered), not their bytes",
    "jobs": "how many processes render; the bytes are the same",
    "keep_edited": "whether edited files are kept, not what replaces the others",
}

# Options that change which packs are built, or which of their problems stop a build,
# but never the bytes of one document (their files' contents are in its digest).
NOT_IN_DOCUMENTS = {
    "lessons_dir": "its files are in each document's digest",
    "templates": "the template files that win are in each document's digest",
    "profile_path": "the profile file is in each document's digest",
    "lesson_ids": "chooses packs",
    "band_ids": "chooses packs",
    "scenario_ids": "chooses packs",
    "strict": "decides whether warnings stop the build",
    "documents": "chooses which documents of a pack are built",
    "today": "contacts' ages are checked against it; nothing prints it",
}


def plain(value):
    """An option's value as JSON: paths and dates as text, records as dicts."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, (Path, dt.date)):
        return str(value)
    if isinstance(value, (tuple, list)):
        return [plain(v) for v in value]
    if dataclasses.is_dataclass(value):
        return {f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    raise TypeError(f"cannot fingerprint a build option of type {type(value).__name__}; "
                    "teach cache.plain() about it")


def _options(options: BuildOptions, leave_out) -> dict:
    return {f.name: plain(getattr(options, f.name)) for f in dataclasses.fields(options)
            if f.name not in leave_out}


@functools.lru_cache(maxsize=1)
def code_digest() -> str:
    """A hash of lessonpack's own modules: what turns the inputs into documents."""
    package = Path(__file__).resolve().parent
    digest = hashlib.sha256()
    for path in sorted(package.rglob("*.py")):
        digest.update(path.relative_to(package).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def build_key(options: BuildOptions) -> str:
    """A hash of every option that can change what the build writes."""
    chosen = _options(options, NOT_AFFECTING_OUTPUT)
    chosen["version"] = __version__
    chosen["code"] = code_digest()
    chosen["cwd"] = os.getcwd()  # warnings name files relative to it
    return sha256(json.dumps(chosen, sort_keys=True).encode())


def build_fingerprint(options: BuildOptions) -> tuple[str, str]:
    """(build key, inputs digest): a hash of the options a build was asked for, and one
    over every file it could read. Equal to a recorded pair means equal output."""
    digest = hashlib.sha256()
    folders = (options.lessons_dir, *options.templates)
    files = [options.profile_path] if options.profile_path else []
    for folder in folders:
        for parent, dirs, names in os.walk(folder):
            dirs.sort()
            files += [os.path.join(parent, name) for name in sorted(names)]
    for path in files:
        digest.update(f"{path}\0{file_sha256(path)}\0".encode())
    return build_key(options), digest.hexdigest()


def document_options_key(options: BuildOptions) -> str:
    """What, of the options, goes into every document's digest."""
    chosen = _options(options, {**NOT_AFFECTING_OUTPUT, **NOT_IN_DOCUMENTS})
    return json.dumps(chosen, sort_keys=True) + __version__ + code_digest()


def words_key(library: Library) -> str:
    """A hash of everything the word checks (validate.check_text) read: the bytes of the
    files the library was loaded from (only the chosen packs' when it is narrowed), which
    plans it holds, lessonpack's code, the fonts (which characters print) and the working
    folder (problems name files relative to it)."""
    from .fonts import fonts_stamp

    digest = hashlib.sha256()
    for (kind, name), file in sorted(library.sources.items()):
        digest.update(f"{kind}\0{name}\0{file.path}\0{file_sha256(file.path)}\0".encode())
    plans = sorted((lesson_id, sorted(lesson.bands)) for lesson_id, lesson in library.lessons.items())
    digest.update(json.dumps([plans, fonts_stamp(), code_digest(), os.getcwd()]).encode())
    return digest.hexdigest()


class InputDigests:
    """Which files each pack is made from, and one hash over them and the options, so
    an unchanged document can be recognised and skipped."""

    def __init__(self, options: BuildOptions, library: Library, profile: Profile):
        self.options = options
        self.library = library
        self._hashes: dict[str, str] = {}  # input label -> sha256 of its bytes
        # Every data file beside the lessons' folders (bands, contacts, safeguarding, the
        # profile, and any added later) may be printed in any pack.
        shared = sorted(options.lessons_dir.glob("*.yaml"))
        if options.profile_path and options.profile_path not in shared:
            shared.append(options.profile_path)
        if profile.logo:
            shared.append(Path(profile.logo))
        self.shared = tuple(shared) + tuple(effective_templates(options.templates).values())
        self.options_key = document_options_key(options)

    def inputs_for(self, lesson_id: str, band_id: str) -> tuple[str, ...]:
        """The pack's input files, named relative to their folder ("lessons/specs/x.yaml")."""
        lib, lessons = self.library, self.options.lessons_dir
        plan = lib.lessons[lesson_id].bands[band_id]
        files = [lessons / "specs" / f"{lesson_id}.yaml"]
        files += [lessons / "scenarios" / f"{s}.yaml" for s in plan.scenarios]
        files += [lessons / "advice" / f"{a}.yaml" for a in lib.lessons[lesson_id].advice]
        return tuple(self._label(p) for p in (*files, *self.shared))

    def digest(self, inputs: tuple[str, ...]) -> str:
        h = hashlib.sha256(self.options_key.encode())
        for label in inputs:
            h.update(label.encode() + b"\0" + self._hashes[label].encode())
        return h.hexdigest()

    def _label(self, path: Path) -> str:
        roots = [(self.options.lessons_dir, "lessons")]
        roots += [(folder, "templates") for folder in self.options.templates
                  if path.is_relative_to(folder)][:1]
        label = f"profile/{path.name}"
        for root, name in roots:
            if path.is_relative_to(root):
                label = f"{name}/{path.relative_to(root).as_posix()}"
                break
        if label not in self._hashes:
            self._hashes[label] = sha256(path.read_bytes())
        return label
