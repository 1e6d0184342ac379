"""Who a pack is for: a plain record, so naming a school costs no import of the content
model (an unchanged, personalised rebuild stays fast). Also how the officer writes a
session's date, class and the school's safeguarding lead: one date parser for `build
--date` and `batch`, the age band a class name ("Year 8", "Y8", "S2", "Blwyddyn 8")
stands for, and one check of a DSL's name for `build --dsl` and the `dsl` column."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Optional


@dataclass(frozen=True)
class Session:
    """School, date and class, printed on covers and footers when given, and the
    school's Designated Safeguarding Lead, named where pupils, parents and staff are
    told whom to go to."""

    school: Optional[str] = None
    date: Optional[dt.date] = None
    class_name: Optional[str] = None
    dsl: Optional[str] = None  # e.g. "Mrs A. Patel"

    @property
    def date_text(self) -> Optional[str]:
        return f"{self.date.day} {self.date:%B %Y}" if self.date else None

    @property
    def given(self) -> bool:
        """Any detail given: such a pack goes in its own session folder."""
        return bool(self.school or self.date or self.class_name or self.dsl)


# ------------------------------------------------------------------ safeguarding lead

# Characters: a title, first name and a double-barrelled surname ("Mrs Angharad
# Llewellyn-Pritchard" is 32); the letter home and the briefing keep to their page
# with a name this long.
DSL_MOST = 40
# What a spreadsheet holds where a name is not yet known: not a name to print.
_PLACEHOLDERS = {"tbc", "tba", "tbd", "to be confirmed", "to be agreed", "n/a", "na",
                 "none", "unknown", "not known", "dsl", "?"}


class DslError(ValueError):
    """A DSL's name that cannot be printed as given; the message says what to write."""


def check_dsl(text: str) -> tuple[Optional[str], Optional[str]]:
    """(the safeguarding lead's name as it will be printed, None): one line, spaces
    tidied. For a placeholder ("TBC", "n/a", "-"), (None, a warning saying so): the pack
    then names no one, as when no name is given. Raises DslError for an empty or
    overlong value. `build --dsl` and batch's `dsl` column both read a name this way."""
    name = " ".join("".join(c if c.isprintable() else " " for c in text).split())
    if not name:
        raise DslError("is empty; give the school's Designated Safeguarding Lead's name "
                       "(e.g. \"Mrs A. Patel\"), or leave it out")
    if len(name) > DSL_MOST:
        raise DslError(f"'{name[:30]}…' is {len(name)} characters long; give the lead's "
                       f"name alone, at most {DSL_MOST} characters (e.g. \"Mrs A. Patel\"), "
                       "so the letter home keeps to one page")
    if name.lower().strip(" .") in _PLACEHOLDERS or not any(c.isalpha() for c in name):
        return None, (f"'{text.strip()}' is not a name, so the pack names no safeguarding "
                      "lead (it says \"the Designated Safeguarding Lead\"); give the name "
                      "when it is known and build again")
    return name, None


# ------------------------------------------------------------------------------ dates

DATE_HELP = "write it as YYYY-MM-DD (e.g. 2027-01-12) or DD/MM/YYYY (e.g. 12/01/2027)"
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_SLASHED = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")


class DateError(ValueError):
    """A date that cannot be read; the message says why and what to write instead."""


def parse_date(text: str, month_first: bool = False) -> dt.date:
    """'2027-01-12' or '12/01/2027' (or '01/12/2027' when `month_first`, as US Excel
    saves dates). Raises DateError saying whether the date is written wrongly or does
    not exist (31/02/2027)."""
    text = text.strip()
    if m := _ISO.match(text):
        year, month, day = (int(g) for g in m.groups())
    elif m := _SLASHED.match(text):
        first, second, year = (int(g) for g in m.groups())
        day, month = (second, first) if month_first else (first, second)
    else:
        raise DateError(f"'{text}' is not a date lessonpack reads; {DATE_HELP}")
    try:
        return dt.date(year, month, day)
    except ValueError:
        pass
    if not 1 <= month <= 12:
        if _SLASHED.match(text) and not month_first and 1 <= day <= 12 and month <= 31:
            raise DateError(f"'{text}' has no month {month}: it looks month first (as US "
                            f"Excel writes dates); write it as YYYY-MM-DD, or DD/MM/YYYY")
        if month_first and _SLASHED.match(text):
            raise DateError(f"'{text}' has no month {month}: with --month-first, write it as "
                            "MM/DD/YYYY (e.g. 01/12/2027) or YYYY-MM-DD")
        raise DateError(f"'{text}' has no month {month}; {DATE_HELP}")
    month_name = dt.date(2000, month, 1).strftime("%B")
    raise DateError(f"'{text}': {day} {month_name} {year} does not exist; check the day")


def could_be_month_first(text: str) -> bool:
    """A slashed date that is impossible day first but a real date month first
    ('12/31/2026')."""
    m = _SLASHED.match(text.strip())
    if not m:
        return False
    first, second, year = (int(g) for g in m.groups())
    try:
        dt.date(year, second, first)
        return False
    except ValueError:
        pass
    try:
        dt.date(year, first, second)
        return True
    except ValueError:
        return False


def past_date_warning(date: dt.date, today: dt.date) -> Optional[str]:
    if date < today:
        return (f"{date.day} {date:%B %Y} is in the past; the documents will carry that "
                "date (check the year)")
    return None


# ---------------------------------------------------------------------- class -> band

# Year group (England and Wales numbering) -> age band; bands.yaml gives the same years.
YEAR_BANDS = {5: "ks2", 6: "ks2", 7: "ks3", 8: "ks3", 9: "ks3", 10: "ks4", 11: "ks4",
              12: "post16", 13: "post16"}
_JOIN = r"\s*(?:,|/|&|\+|-|–|—|to|and|a|ac)\s*"  # "Years 10 and 11", "Y10/11", "Bl 7 a 8"
_YEAR = re.compile(
    r"(?<![a-z])(?:years?|yrs?|y|blwyddyn|bl)\.?\s*(\d{1,2})((?:" + _JOIN + r"\d{1,2}(?!\d))*)",
    re.IGNORECASE)
# Scotland: P7 sits with Year 7, S1 with Year 8 ... S6 with Year 13.
_SCOTTISH = re.compile(r"(?<![a-z0-9])([ps])\s?([1-7])(?![0-9])", re.IGNORECASE)


class ClassError(ValueError):
    """A class name whose year groups fall in no band, or in two."""


def class_years(class_name: str) -> list[int]:
    """The year groups a class name names, in England's numbering: 'Year 10 (Oak) and
    Year 11 (Ash)' -> [10, 11]; 'S2' -> [9]; 'Blwyddyn 8' -> [8]; 'Oak' -> []."""
    years: list[int] = []
    for m in _YEAR.finditer(class_name):
        years.append(int(m.group(1)))
        years += [int(n) for n in re.findall(r"\d{1,2}", m.group(2))]
        if re.search(r"-|–|—|\bto\b", m.group(2)) and len(years) >= 2:
            years += list(range(years[-2] + 1, years[-1]))  # "Years 7-9": 8 too
    if not years:
        for m in _SCOTTISH.finditer(class_name):
            stage, number = m.group(1).lower(), int(m.group(2))
            years.append(number if stage == "p" else number + 7)
    return sorted(set(years))


def band_for_class(class_name: str) -> Optional[str]:
    """The band a class is in, None when its name gives no year group. Raises
    ClassError for year groups in no band or in two."""
    years = class_years(class_name)
    if not years:
        return None
    outside = [y for y in years if y not in YEAR_BANDS]
    if outside:
        raise ClassError(f"'{class_name}': Year {outside[0]} is in no age band "
                         "(lessonpack's bands cover Years 5 to 13); check the class")
    bands = sorted({YEAR_BANDS[y] for y in years}, key=list(YEAR_BANDS.values()).index)
    if len(bands) > 1:
        raise ClassError(f"'{class_name}' spans two age bands ({' and '.join(bands)}); "
                         "build each year group as its own session")
    return bands[0]
