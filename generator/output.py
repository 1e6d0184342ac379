"""Writing packs to disk without ever losing a good one.

Every document is written to a temporary file beside its target and moved into
place (os.replace), so a reader sees the old file or the new one, never half of
each. The manifest (output/manifest.json) records every file lessonpack wrote with
its sha256 and inputs; it is what lets a rebuild skip unchanged documents and what
stops lessonpack overwriting a file it did not write, or one a teacher has edited.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from .errors import OutputError, display_path

MANIFEST = "manifest.json"


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclass(frozen=True)
class Entry:
    sha256: str
    inputs: tuple[str, ...]
    inputs_digest: str

    def as_json(self) -> dict:
        return {"sha256": self.sha256, "inputs": list(self.inputs),
                "inputs_digest": self.inputs_digest}


class Manifest:
    def __init__(self, root: Path, tool: str, entries: dict[str, Entry]):
        self.root = root
        self.tool = tool
        self.entries = entries

    @classmethod
    def read(cls, root: Path, tool: str) -> "Manifest":
        path = root / MANIFEST
        if not path.exists():
            return cls(root, tool, {})
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            entries = {name: Entry(e["sha256"], tuple(e["inputs"]), e["inputs_digest"])
                       for name, e in data["files"].items()}
        except (ValueError, KeyError, TypeError, AttributeError):
            raise OutputError(f"{display_path(path)}: not a lessonpack manifest (it cannot be "
                              "read); move it away or choose another --output folder") from None
        return cls(root, tool, entries)

    def is_current(self, name: str, inputs_digest: str) -> bool:
        """True when `name` was built from these inputs and is still as lessonpack wrote it."""
        entry = self.entries.get(name)
        if entry is None or entry.inputs_digest != inputs_digest:
            return False
        path = self.root / name
        try:
            return sha256(path.read_bytes()) == entry.sha256
        except OSError:
            return False

    def as_bytes(self) -> bytes:
        files = {name: self.entries[name].as_json() for name in sorted(self.entries)}
        return (json.dumps({"tool": self.tool, "files": files}, indent=2, ensure_ascii=False)
                + "\n").encode("utf-8")


def check_output_dir(root: Path) -> None:
    if root.exists() and not root.is_dir():
        raise OutputError(f"{display_path(root)}: --output names a file, not a folder; "
                          "choose a folder")
    probe = root if root.exists() else next((p for p in root.parents if p.exists()), None)
    if probe is None or not os.access(probe, os.W_OK | os.X_OK):
        raise OutputError(f"{display_path(root)}: cannot write to this folder (permission "
                          "denied); choose another --output folder")


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
        elif not force and sha256(path.read_bytes()) != entry.sha256:
            problems.append(f"{display_path(path)}: has been changed since lessonpack wrote it; "
                            "save your copy elsewhere, or use --force to replace it")
    if problems:
        raise OutputError("\n".join(problems))


def write_atomic(path: Path, data: bytes) -> None:
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
