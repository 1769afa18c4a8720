"""``meeting.json``: the published meeting as open data, in the shape of an Open Civic Data Event.

Open Civic Data (https://open-civic-data.readthedocs.io, OCDEP 4: Events) describes a meeting as an
event with a name, a start time with its offset, a location, a status, participants, agenda items
(order, description, related entities) and documents (note, media type, links). We follow it and add
what a council site needs to list the pack without reading PDFs: each document's file, sha256 and
pages in the pack (after publication, the supplements' documents too, with the supplement they are in and
its pages, which continue the pack's). Only what is published goes in: exempt papers are never named among the documents.
docs/meeting.schema.json is its JSON Schema.
"""
from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from ..model import Meeting

TIMEZONE = "Europe/London"


@dataclass
class Document:
    """A published PDF: what it is, its file, its bytes' hash and where it lies in the pack."""

    note: str
    file: str
    sha256: str
    first_page: int
    last_page: int
    item: str | None = None  # the agenda item it belongs to (None: the agenda, the pack)
    pack: str = ""  # the pack whose pages first_page and last_page are (the main pack, or a supplement)
    supplement: int = 0  # 0: the pack as first published; n: supplement n
    base: str = ""  # the output it stands for (a revised paper's PDF: the published one it replaces)


def start(meeting: Meeting) -> tuple[str, bool]:
    """The start as ISO 8601 with the UK offset of that day (GMT or BST), and whether it is all day (no time)."""
    match = re.fullmatch(r"\s*(\d{1,2})[:.](\d{2})\s*", meeting.time or "")
    if match is None or int(match.group(1)) > 23 or int(match.group(2)) > 59:
        return meeting.date.isoformat(), True
    when = dt.datetime.combine(meeting.date, dt.time(int(match.group(1)), int(match.group(2))), ZoneInfo(TIMEZONE))
    return when.isoformat(), False


def meeting_json(meeting: Meeting, items: list[dict[str, str]], documents: list[Document]) -> bytes:
    """The meeting as an Open Civic Data Event (UTF-8 JSON, keys in a fixed order: deterministic)."""
    start_date, all_day = start(meeting)
    participants: list[dict[str, Any]] = [{"entity_type": "organization", "name": meeting.committee,
                                           "note": "host"}]
    participants += [{"entity_type": "person", "name": name, "note": role or "member"}
                     for name, role in meeting.membership]
    participants += [{"entity_type": "person", "name": name, "note": "substitute"} for name in meeting.substitutes]
    by_item: dict[str, list[Document]] = {}
    for document in documents:
        if document.item is not None:
            by_item.setdefault(document.item, []).append(document)
    agenda = []
    for order, item in enumerate(items, start=1):
        related = [{"entity_type": "document", "name": d.note, "note": d.file} for d in by_item.get(item["number"], [])]
        agenda.append({
            "order": str(order),
            "number": item["number"],
            "description": item["title"],
            "notes": [item["description"]] if item.get("description") else [],
            "classification": ["exempt"] if item.get("part") == "2" else ["public"],
            "related_entities": related,
        })
    event: dict[str, Any] = {
        "name": f"{meeting.committee}, {meeting.long_date}",
        "classification": "committee-meeting",
        "start_date": start_date,
        "timezone": TIMEZONE,
        "all_day": all_day,
        "status": "confirmed",
        "location": {"name": meeting.venue or "", "note": ""},
        "organization": meeting.council or "",
        "participants": participants,
        "agenda": agenda,
        "documents": [{"note": d.note, "file": d.file, "media_type": "application/pdf", "sha256": d.sha256,
                       "date": (meeting.published or meeting.date).isoformat(),
                       "links": [{"media_type": "application/pdf", "url": d.file}],
                       "pages": {"first": d.first_page, "last": d.last_page},
                       "pack": d.pack, **({"supplement": d.supplement} if d.supplement else {})}
                      for d in documents],
    }
    return (json.dumps(event, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
