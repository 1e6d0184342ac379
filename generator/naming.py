"""Folder names for personalised packs: '<date>-<school-slug>[-<class-slug>]'."""

from __future__ import annotations

import re
import unicodedata

from .session import Session


def slugify(text: str) -> str:
    """'St Mary's C of E Primary' -> 'st-marys-c-of-e-primary'."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    ascii_text = re.sub(r"['’]", "", ascii_text.lower())
    return re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-") or "unnamed"


def session_folder(session: Session) -> str:
    # The class is part of the name so two classes booked on one day get separate packs.
    parts = [session.date.isoformat() if session.date else None,
             slugify(session.school) if session.school else None,
             slugify(session.class_name) if session.class_name else None]
    return "-".join(p for p in parts if p)
