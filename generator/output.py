"""Writing packs to disk without ever losing a good one.

Every document is written to a temporary file beside its target and moved into
place (os.replace), so a reader sees the old file or the new one, never half of
each. The manifest (output/manifest.json) records every file lessonpack wrote with
its sha256 and inputs; it is what lets a rebuild skip unchanged documents and what
stops lessonpack overwriting a file it did not write, or one a teacher has edited.
It also records each build's fingerprint (options and input files) with the files it
produced, so an unchanged rebuild is recognised without loading anything.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

from .errors import OutputError, Problem, display_path

MANIFEST = "manifest.json"


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def file_sha256(path: Path | str) -> str:
    """The file's sha256, or "" when it cannot be read (missing: never equal to a real one)."""
    try:
        return sha256(Path(path).read_bytes())
    except OSError:
        return ""


@dataclass(frozen=True)
class Entry:
    sha256: str
    inputs: tuple[str, ...]
    inputs_digest: str

    def as_json(self) -> dict:
        return {"sha256": self.sha256, "inputs": list(self.inputs),
                "inputs_digest": self.inputs_digest}


@dataclass(frozen=True)
class BuildRecord:
    """What one set of build options produced from one set of input files."""

    inputs_digest: str
    files: dict[str, str]  # name -> sha256 as written
    warnings: tuple[Problem, ...]  # shown again when the rebuild is skipped
    # Files read from outside the content and template folders (a profile's logo),
    # path -> sha256: the skip check cannot know them without loading the profile.
    extra_inputs: dict[str, str] = field(default_factory=dict)

    def as_json(self) -> dict:
        return {"inputs_digest": self.inputs_digest, "files": dict(sorted(self.files.items())),
                "warnings": [[w.path, w.line, w.message, w.warning] for w in self.warnings],
                "extra_inputs": dict(sorted(self.extra_inputs.items()))}

    @classmethod
    def from_json(cls, data: dict) -> "BuildRecord":
        return cls(data["inputs_digest"], dict(data["files"]),
                   tuple(Problem(*w) for w in data["warnings"]),
                   dict(data.get("extra_inputs", {})))


class Manifest:
    def __init__(self, root: Path, tool: str, entries: dict[str, Entry],
                 builds: Optional[dict[str, BuildRecord]] = None, strangers: tuple[str, ...] = (),
                 index: Optional[dict[str, str]] = None):
        self.root = root
        self.tool = tool
        self.entries = entries
        self.builds = builds if builds is not None else {}  # options key -> its last build
        self.strangers = strangers  # what a folder without a manifest already held
        # index.html and its thumbnails (index.py), name -> sha256: lessonpack's own files,
        # apart from the documents
        self.index = index if index is not None else {}

    @classmethod
    def read(cls, root: Path, tool: str) -> "Manifest":
        path = root / MANIFEST
        if not path.exists():
            held = sorted(p.name for p in root.iterdir() if not p.name.startswith(".")) \
                if root.is_dir() else []
            return cls(root, tool, {}, strangers=tuple(held))
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            if not str(data["tool"]).startswith("lessonpack"):
                raise ValueError("written by another tool")
            entries = {name: Entry(e["sha256"], tuple(e["inputs"]), e["inputs_digest"])
                       for name, e in data["files"].items()}
            builds = {key: BuildRecord.from_json(b) for key, b in data.get("builds", {}).items()}
            index = {str(name): str(digest) for name, digest in data.get("index", {}).items()}
        except (ValueError, KeyError, TypeError, AttributeError):
            raise OutputError(f"{display_path(path)}: not a lessonpack manifest (it cannot be "
                              "read); move it away or choose another --output folder") from None
        return cls(root, tool, entries, builds, index=index)

    def is_current(self, name: str, inputs_digest: str) -> bool:
        """True when `name` was built from these inputs and is still as lessonpack wrote it."""
        entry = self.entries.get(name)
        if entry is None or entry.inputs_digest != inputs_digest:
            return False
        return file_sha256(self.root / name) == entry.sha256

    def unchanged_build(self, key: str, inputs_digest: str) -> Optional[BuildRecord]:
        """The record of a build with these options and inputs whose files are all still
        as written, or None. Each file is checked against the record, not the entry: a
        later build with other options may have replaced it."""
        record = self.builds.get(key)
        if record is None or record.inputs_digest != inputs_digest:
            return None
        if any(file_sha256(self.root / name) != sha for name, sha in record.files.items()):
            return None
        if any(file_sha256(Path(path)) != sha for path, sha in record.extra_inputs.items()):
            return None
        return record

    def as_bytes(self) -> bytes:
        files = {name: self.entries[name].as_json() for name in sorted(self.entries)}
        builds = {key: self.builds[key].as_json() for key in sorted(self.builds)}
        index = dict(sorted(self.index.items()))
        return (json.dumps({"tool": self.tool, "files": files, "builds": builds, "index": index},
                           indent=2,
                           ensure_ascii=False) + "\n").encode("utf-8")


def check_output_dir(root: Path) -> None:
    if root.exists() and not root.is_dir():
        raise OutputError(f"{display_path(root)}: --output names a file, not a folder; "
                          "choose a folder")
    probe = root if root.exists() else next(p for p in root.absolute().parents if p.exists())
    if not probe.is_dir():
        raise OutputError(f"{display_path(root)}: cannot make this folder, because "
                          f"{display_path(probe)} is a file; choose another --output folder")
    try:  # really try: os.access says yes to root even where the system says no
        os.rmdir(tempfile.mkdtemp(prefix=".lessonpack-probe-", dir=probe))
    except OSError as err:
        raise OutputError(f"{display_path(root)}: cannot write to this folder "
                          f"({err.strerror or err}); choose another --output folder") from None


def check_overwrites(manifest: Manifest, names: list[str], force: bool) -> None:
    """Refuse to replace a file lessonpack did not write, or one changed since it did."""
    problems = []
    for name in names:
        path = manifest.root / name
        if not path.exists():
            continue
        if path.is_dir():
            problems.append(f"{display_path(path)}: a folder is in the way of a document; move it")
            continue
        entry = manifest.entries.get(name)
        if entry is None:
            problems.append(f"{display_path(path)}: exists but was not written by lessonpack; "
                            "move it or choose another --output folder")
        elif not force and file_sha256(path) != entry.sha256:
            problems.append(f"{display_path(path)}: has been changed since lessonpack wrote it; "
                            "save your copy elsewhere, or use --force to replace it")
    if not problems and manifest.strangers and names:
        shown = ", ".join(manifest.strangers[:3]) + (", ..." if len(manifest.strangers) > 3 else "")
        problems.append(f"{display_path(manifest.root)}: already holds files lessonpack did not "
                        f"write ({shown}) and no {MANIFEST}; choose a new or empty --output folder")
    if problems:
        raise OutputError("\n".join(problems))


def edited_documents(manifest: Manifest, names: list[str]) -> list[str]:
    """The names among `names` whose files lessonpack wrote and someone changed since (a
    teacher's edit): a batch keeps them and writes the rest of the pack."""
    edited = []
    for name in names:
        path = manifest.root / name
        entry = manifest.entries.get(name)
        if entry is not None and path.is_file() and file_sha256(path) != entry.sha256:
            edited.append(name)
    return edited


def write_documents(root: Path, documents: list[tuple[str, bytes, Entry]],
                    written: dict[str, Entry]) -> None:
    """Write each (name, bytes, entry), adding its entry to `written` once it is in place,
    so that a caller interrupted midway still knows what to record in the manifest."""
    for name, data, entry in documents:
        write_atomic(root / name, data)
        written[name] = entry


def write_atomic(path: Path, data: bytes) -> None:
    """Replace `path` with `data` in one step. OutputError, naming the file, if it cannot."""
    try:
        _replace_file(path, data)
    except OSError as err:  # e.g. a read-only or full disk: one clear line, not a traceback
        raise OutputError(f"{display_path(path)}: cannot write it ({err.strerror or err}); "
                          "check that the disk has space and that you may write to that "
                          "folder, or choose another folder") from None


def _replace_file(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:  # including KeyboardInterrupt: never leave a temp file behind
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
