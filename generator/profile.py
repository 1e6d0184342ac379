"""Reading a force profile: the force's name, officer and local contacts."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

from .content.loader import parse_file
from .errors import ContentError, Problem, display_path
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
    if profile.logo:
        profile = profile.model_copy(update={"logo": str(_checked_logo(path, profile.logo))})
    return profile


def _checked_logo(profile_path: Path, logo: str) -> Path:
    """The logo's absolute path (it is written relative to the profile file)."""
    path = (profile_path.parent / logo).resolve()
    line = next((n for n, text in enumerate(profile_path.read_text(encoding="utf-8").splitlines(), 1)
                 if text.startswith("logo:")), 1)
    if not path.is_file():
        problem = f"logo '{logo}' not found (looked for {path}); put the image beside the profile or fix the path"
    elif path.suffix.lower() not in (".png", ".jpg", ".jpeg"):
        problem = f"logo '{logo}' is not a PNG or JPEG image; save it as .png or .jpg"
    else:
        return path
    raise ContentError([Problem(display_path(profile_path), line, problem)])
