"""Reading a force profile: the force's name, officer and local contacts."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

from .content.loader import parse_file
from .errors import ContentError
from .model import Profile

DEFAULT = Profile(force_name="Your local police force")


def load_profile(path: Optional[Path], lessons_dir: Path) -> Profile:
    """--profile FILE if given, else lessons/profile.yaml if present, else a neutral default."""
    if path is None:
        path = lessons_dir / "profile.yaml"
        if not path.exists():
            return DEFAULT
    profile, problems = parse_file(path, Profile)
    errors = [p for p in problems if not p.warning]
    if errors or profile is None:
        raise ContentError(errors or problems)
    return profile
