"""What was published of a meeting, as the manifest records it (`papers publish`), and what a later build may
still change: the main pack (release 0) and each supplement (release 1, 2 ...), each file with its hash, pages
and the date it was published. Nothing here reads or writes files: build.py and publish/command.py do.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# a revised paper's PDF after publication: the published file keeps its name and bytes
_REVISED = re.compile(r"-revised-(\d+)\.pdf$")


def revised_name(name: str, number: int) -> str:
    """The name of the PDF that replaces the published ``name`` in supplement ``number``:
    05-central-services.pdf -> 05-central-services-revised-1.pdf."""
    return f"{Path(name).stem}-revised-{number}.pdf"


def revised_number(name: str) -> int | None:
    """The supplement a revised PDF was made for (None: the name is not one :func:`revised_name` gives)."""
    found = _REVISED.search(name)
    return int(found.group(1)) if found else None


def base_name(name: str) -> str:
    """The output a revised PDF stands for: 05-central-services-revised-1.pdf -> 05-central-services.pdf."""
    return _REVISED.sub(".pdf", name)


def content_hash(sources: list[str]) -> str:
    """One hash of what an agenda item's PDFs are made from (the paper's Word file, its appendices' files, an
    attached document): equal while none of them changes."""
    return hashlib.sha256("\0".join(sources).encode("ascii")).hexdigest()


@dataclass(frozen=True)
class Release:
    """One publication: the main pack (number 0) or supplement ``number``."""

    number: int
    date: dt.date
    documents: list[dict[str, Any]]  # note, file, base, sha256, pages, first, last, item, pack
    items: dict[str, str]  # agenda item key (paper stem, or attached file) -> content_hash
    first_page: int
    last_page: int


def release_of(record: dict[str, Any]) -> Release:
    """A release as the manifest holds it (KeyError/TypeError/ValueError when damaged)."""
    return Release(int(record["number"]), dt.date.fromisoformat(record["date"]), list(record["documents"]),
                   dict(record["items"]), int(record["first_page"]), int(record["last_page"]))


def well_formed(records: object) -> bool:
    """Whether the manifest's record of publications is one `papers publish` writes."""
    if not isinstance(records, list):
        return False
    try:
        releases = [release_of(r) for r in records]
    except (KeyError, TypeError, ValueError, AttributeError):
        return False
    return [r.number for r in releases] == list(range(len(releases))) and all(
        isinstance(d, dict) and isinstance(d.get("file"), str) for r in releases for d in r.documents)


@dataclass(frozen=True)
class Publication:
    """Everything published of a meeting so far."""

    releases: list[Release]

    @property
    def first(self) -> Release:
        return self.releases[0]

    @property
    def next_number(self) -> int:
        """The number the next supplement takes."""
        return len(self.releases)

    @property
    def last_page(self) -> int:
        """The last page number stamped in what was published: a supplement's pages follow it."""
        return self.releases[-1].last_page

    @property
    def files(self) -> set[str]:
        """Every file published: kept as published (byte-identical) by later builds."""
        return {d["file"] for r in self.releases for d in r.documents}

    @property
    def items(self) -> dict[str, str]:
        """Each published agenda item's content hash, as last published (a supplement's revision wins)."""
        merged: dict[str, str] = {}
        for release in self.releases:
            merged.update(release.items)
        return merged

    def latest(self, base: str) -> str:
        """The published file that now stands for the output ``base`` (05-central-services.pdf, or its
        revision 05-central-services-revised-1.pdf once a supplement has published that)."""
        found = base
        for release in self.releases:
            for document in release.documents:
                if document.get("base", document["file"]) == base:
                    found = document["file"]
        return found

    def when(self, name: str) -> dt.date | None:
        """The date ``name`` was published."""
        for release in self.releases:
            if any(d["file"] == name for d in release.documents):
                return release.date
        return None
