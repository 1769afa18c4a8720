"""The front sheet's notice rules: clear days before a meeting, the council's bank holidays, times as printed."""
from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from ..errors import Problem

COUNCIL_FILE = "council.yaml"  # the council's settings, in the folder that holds the meeting folders
CLEAR_DAYS = 5  # Local Government Act 1972 s.100B(3): an agenda is open to inspection five clear days before


def council_file(meeting_folder: Path) -> Path:
    """Where the council settings of a meeting are: ``council.yaml`` beside its meeting folder."""
    return meeting_folder.resolve().parent / COUNCIL_FILE


def bank_holidays(meeting_folder: Path) -> tuple[frozenset[dt.date], list[Problem]]:
    """The bank holidays of the council's settings file (none when there is no such file), and its problems."""
    from ..inputs.load import load_yaml  # pydantic is loaded only when a meeting is validated
    from ..inputs.schema import CouncilFile, validate

    path = council_file(meeting_folder)
    if not path.is_file():
        return frozenset(), []
    doc = load_yaml(path)
    parsed, problems = validate(doc, CouncilFile)
    problems = doc.problems + problems
    return (frozenset(parsed.bank_holidays) if parsed is not None else frozenset()), problems


def clear_days(published: dt.date, meeting: dt.date, holidays: frozenset[dt.date]) -> int:
    """Working days strictly between publication and the meeting (weekends and bank holidays not counted)."""
    days = 0
    day = published + dt.timedelta(days=1)
    while day < meeting:
        if day.weekday() < 5 and day not in holidays:
            days += 1
        day += dt.timedelta(days=1)
    return days


def printed_time(time: str | None) -> str | None:
    """``19:00`` as a council prints it, ``7.00 pm``; a time not written as hh:mm is printed as written."""
    if time is None:
        return None
    match = re.fullmatch(r"\s*(\d{1,2})[:.](\d{2})\s*", time)
    if match is None or int(match.group(1)) > 23 or int(match.group(2)) > 59:
        return time
    hour, minute = int(match.group(1)), int(match.group(2))
    return f"{(hour - 1) % 12 + 1}.{minute:02d} {'am' if hour < 12 else 'pm'}"


def printed_date(date: dt.date) -> str:
    """``30 November 2022``."""
    return f"{date.day} {date:%B %Y}"
