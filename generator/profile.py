"""Reading a force profile: the force's name, officer and local contacts."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Optional

from .errors import ContentError, Problem, display_path

if TYPE_CHECKING:
    from .model import Profile

DEFAULT_FORCE = "Your local police force"
SET_YOUR_OWN = "set your own with --profile FILE (lessonpack init DIR writes one to fill in)"


def default_profile() -> Profile:
    from .model import Profile

    return Profile(force_name=DEFAULT_FORCE)


def load_profile(path: Optional[Path], lessons_dir: Path) -> Profile:
    """--profile FILE if given, else lessons/profile.yaml if present, else a neutral default."""
    from .content.loader import parse_file
    from .model import Profile

    if path is None:
        path = lessons_dir / "profile.yaml"
        if not path.exists():
            return default_profile()
    profile, problems = parse_file(path, Profile)
    errors = [p for p in problems if not p.warning]
    if errors or profile is None:
        raise ContentError(errors or problems)
    if profile.logo:
        profile = profile.model_copy(update={"logo": str(_checked_logo(path, profile.logo))})
    return profile


def sample_note(lessons_dir: Path) -> Optional[str]:
    """One line saying whose details a build without --profile uses, when they are not
    the officer's own: the sample profile as shipped, or no profile at all. Reads one
    small file, so even a build with nothing to do can say it."""
    from .resources import bundled

    path = lessons_dir / "profile.yaml"
    if not path.is_file():
        return (f"No profile: the documents say '{DEFAULT_FORCE}' and list no local "
                f"contacts; {SET_YOUR_OWN}.")
    sample = bundled("lessons") / "profile.yaml"
    data = path.read_bytes()
    if not sample.is_file() or data != sample.read_bytes():
        return None  # the officer's own (or edited) profile
    match = re.search(r"^force_name:[ \t]*(.+?)[ \t]*$", data.decode("utf-8"), re.MULTILINE)
    force = match.group(1).strip("'\"") if match else "the sample force"
    return (f"No profile given: the documents carry {force}'s details, from the sample "
            f"{display_path(path)}; {SET_YOUR_OWN}.")


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
