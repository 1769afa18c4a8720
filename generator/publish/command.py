"""`papers publish <meeting>`: record in the meeting's manifest what is published (each file's name, sha256,
pages and the date), after checking that the papers are ready and that OUT holds a current --pdf build."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from ..build import Options, UsageError, meeting_sources
from ..errors import PapersError
from ..write.manifest import Manifest, file_hash, locked
from ..model import MEETING_FILE
from .record import release_of


class NotPublished(PapersError):
    """The meeting cannot be published now; the message says why and what to do."""


@dataclass
class Published:
    """What `papers publish` recorded: the release (0: the pack, n: supplement n), its date and files."""

    number: int
    date: dt.date
    files: list[tuple[str, str, int | None]] = field(default_factory=list)  # name, sha256, pages
    manifest: Path | None = None
    already: bool = False  # nothing new: that release was published before (on ``date``)


def publish(folder: Path, options: Options, on: dt.date) -> Published:
    """Record what OUT holds of the meeting in ``folder`` as published on ``on`` (NotPublished when it cannot
    be: no --pdf build, a build out of date with the inputs, outputs edited since). The readiness of the papers
    (`papers check --publish`) is checked by the caller first."""
    from ..assemble import load_meeting

    if not (folder / MEETING_FILE).is_file():
        raise UsageError(f"{folder}: not a meeting folder (no {MEETING_FILE}): give the folder of the meeting")
    meeting, _ = load_meeting(folder)
    if meeting is None or meeting.partial:
        raise NotPublished(f"{folder / MEETING_FILE} has errors: fix them, build with --pdf, then publish")
    out = options.out / folder.name
    build_again = f"build it with `papers build {folder} --pdf -o {options.out}`, then publish"
    with locked(options.out, options.lock_wait):
        manifest = Manifest(out)
        if manifest.damaged and not manifest.trusted:
            raise NotPublished(f"{out}: the build's record of what it wrote is damaged: {build_again}")
        pending = manifest.pending
        if pending is None or "sources" not in pending:
            raise NotPublished(f"{out} holds no complete --pdf build of {folder.name} (no pack, or a build with "
                               f"errors): {build_again}")
        changed = _changed_inputs(pending["sources"], meeting_sources(folder, options.templates))
        if changed:
            raise NotPublished(f"the build in {out} is out of date: {', '.join(changed)} changed since it was built; "
                               f"{build_again}")
        if pending.get("number") is None or pending["number"] < len(manifest.published):
            # published, and nothing changed since (or this very release was published before)
            last = release_of(manifest.published[-1])
            return Published(last.number, last.date, manifest=manifest.path, already=True)
        files = []
        for document in pending["documents"]:
            name = document["file"]
            path = out / name
            try:
                state = manifest.state(name)
            except PapersError:
                state = "missing"
            # what is published must be what the build wrote and described (its hash is in the record)
            if state != "ours" or file_hash(path) != document["sha256"]:
                raise NotPublished(f"{path}: {'missing' if state == 'missing' else 'edited since it was built'}: "
                                   f"{build_again}")
            files.append((name, document["sha256"], document["last_page"] - document["first_page"] + 1))
        release = {key: value for key, value in pending.items() if key != "sources"}
        release["date"] = on.isoformat()
        manifest.published.append(release)
        manifest.save()
    return Published(int(pending["number"]), on, files, manifest.path)


def _changed_inputs(built: dict[str, str], now: dict[str, str]) -> list[str]:
    """The inputs that differ between two :func:`meeting_sources` (added, removed or changed), by name."""
    names = sorted(set(built) | set(now))
    changed = [n for n in names if built.get(n) != now.get(n)]
    return [("the generator (papers was updated)" if n == "generator" else n) for n in changed[:5]] + (
        [f"{len(changed) - 5} more"] if len(changed) > 5 else [])
