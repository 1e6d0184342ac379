"""Slugs: the project's one slug function, the shape of an id, and the folder names of
personalised packs ('<date>-<school-slug>[-<class-slug>]')."""

from __future__ import annotations

import re
import unicodedata

from .session import Session


# An id: lower-case letters and digits in words joined by single hyphens.
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def slugify(text: str, empty: str = "unnamed") -> str:
    """'St Mary's C of E Primary' -> 'st-marys-c-of-e-primary': lower-case ASCII words
    joined by single hyphens, apostrophes dropped ("don't" -> "dont"); `empty` when
    nothing is left (a name in Chinese, say). The result always matches SLUG, or is
    `empty`."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    ascii_text = re.sub(r"['’]", "", ascii_text.lower())
    return "-".join(re.findall(r"[a-z0-9]+", ascii_text)) or empty


def session_folder(session: Session) -> str:
    # The class is part of the name so two classes booked on one day get separate packs.
    # The safeguarding lead is not: naming them (or a new one) updates the same session's
    # pack; only when nothing else is given does the name make the folder's.
    parts = [session.date.isoformat() if session.date else None,
             slugify(session.school) if session.school else None,
             slugify(session.class_name) if session.class_name else None]
    if not any(parts) and session.dsl:
        parts = [f"dsl-{slugify(session.dsl)}"]
    return "-".join(p for p in parts if p)
