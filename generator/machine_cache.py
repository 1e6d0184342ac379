"""Results worth keeping between runs on this machine, in the user's cache folder
(~/.cache/lessonpack, or $XDG_CACHE_HOME/lessonpack): work that depends only on
installed files, such as a dictionary's syllable counts, done once instead of in every
build. Losing the folder only costs time; a folder that cannot be written is not used.
"""

from __future__ import annotations

import hashlib
import marshal
import os
import sys
from pathlib import Path
from typing import Callable, Optional, TypeVar

T = TypeVar("T")


def folder(name: str) -> Optional[Path]:
    """The cache's sub-folder `name`, made if need be; None where it cannot be written."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    path = Path(base, "lessonpack", name)
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    return path if os.access(path, os.W_OK) else None


def file_stamp(path: Path | str) -> str:
    """What identifies an installed file's version cheaply: its path, size and time."""
    try:
        status = os.stat(path)
    except OSError:
        return f"{path}:missing"
    return f"{path}:{status.st_size}:{status.st_mtime_ns}"


KEPT_PER_NAME = 32  # results kept under one name; the oldest go first


def remembered(name: str, key: str, compute: Callable[[], T]) -> T:
    """compute()'s result, read back from the cache when it was kept under this `name`
    and `key` (plain data only: marshal, whose format is tied to the Python version,
    which is part of the key). At most KEPT_PER_NAME results are kept under a name."""
    where = folder("data")
    if where is None:
        return compute()
    digest = hashlib.sha256(f"{key}\0{sys.version}".encode()).hexdigest()[:20]
    path = where / f"{name}-{digest}.marshal"
    try:
        return marshal.loads(path.read_bytes())
    except (OSError, EOFError, ValueError, TypeError):  # not kept yet, or damaged
        pass
    value = compute()
    temporary = path.with_name(f".{path.name}.{os.getpid()}")
    try:
        temporary.write_bytes(marshal.dumps(value))
        os.replace(temporary, path)  # whole or not at all, even with two builds at once
    except (OSError, ValueError):
        temporary.unlink(missing_ok=True)
    _forget_oldest(where, name)
    return value


def _forget_oldest(where: Path, name: str) -> None:
    kept = []
    for path in where.glob(f"{name}-*.marshal"):
        try:
            kept.append((path.stat().st_mtime_ns, path))
        except OSError:  # removed meanwhile by another build
            pass
    for _, path in sorted(kept)[:-KEPT_PER_NAME]:
        path.unlink(missing_ok=True)
