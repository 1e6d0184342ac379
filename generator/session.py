"""Who a pack is for: a plain record, so naming a school costs no import of the content
model (an unchanged, personalised rebuild stays fast)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Optional


@dataclass(frozen=True)
class Session:
    """School, date and class, printed on covers and footers when given."""

    school: Optional[str] = None
    date: Optional[dt.date] = None
    class_name: Optional[str] = None

    @property
    def date_text(self) -> Optional[str]:
        return f"{self.date.day} {self.date:%B %Y}" if self.date else None
