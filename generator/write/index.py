"""A tree-level index of the meetings whose last build had nothing to do: a rebuild checks each of them with a
few stats instead of reading its manifest and hashing its files (issue 15).

``OUT/.papers-index`` holds, per meeting folder, the status (type, device, inode, size, modification and change
times) of every file and folder in the meeting folder and in its output folder, and of every other file the build
read for it (the council's settings, the templates), with the report that build gave. A later build with the same
options, generator and templates that finds every one of them exactly so gives that report again, opening nothing.

Only a meeting whose build wrote nothing and reported every output unchanged is recorded, and only when none of
its files changed while it was built, nor less than 2 seconds before (the digests' racy rule: a file changed
within one tick of the file system's clock could change again keeping its times). Every record is sealed with a
hash of itself and of the statuses it was made at, so that a damaged or missing index only makes the build read
the manifests as before; a killed build leaves the previous index, whose records no longer match any meeting it
wrote into.
"""
from __future__ import annotations

import hashlib
import json
import os
import stat
import time
from pathlib import Path
from typing import Any

from . import manifest
from .manifest import FileStatus, generator_version, status_key
from .outputs import WriteError, write_atomic

INDEX = ".papers-index"
FORMAT = 1
# the copies edits.py keeps of what was built: read only when an output was edited, which is never recorded
_NOT_SCANNED = (".papers-built",)


class _Unsure(Exception):
    """A folder whose state cannot be told from statuses alone (a symbolic link in it, an unreadable entry)."""


def _status(path: str) -> FileStatus:
    """The status of ``path`` (None when nothing is there; _Unsure when it cannot be told)."""
    try:
        return status_key(os.stat(path))
    except (FileNotFoundError, NotADirectoryError):
        return None
    except OSError:
        raise _Unsure(path) from None


def _join(root: str, rel: str) -> str:
    return os.path.join(root, rel) if rel else root


def _scan(root: str) -> dict[str, FileStatus]:
    """``root`` ("") and everything below it, by path relative to it (_Unsure at a symbolic link, which may
    lead anywhere)."""
    if os.path.islink(root):
        raise _Unsure(root)
    found = {"": _status(root)}
    if found[""] is None or not stat.S_ISDIR(found[""][0]):
        return found
    todo = [("", root)]
    try:
        while todo:
            rel, path = todo.pop()
            with os.scandir(path) as entries:
                for entry in entries:
                    if entry.is_symlink():
                        raise _Unsure(entry.path)
                    name = os.path.join(rel, entry.name) if rel else entry.name
                    found[name] = status_key(entry.stat(follow_symlinks=False))
                    if entry.is_dir(follow_symlinks=False) and not (not rel and entry.name in _NOT_SCANNED):
                        todo.append((name, entry.path))
    except OSError:
        raise _Unsure(root) from None
    return found


class Watch:
    """A meeting being built the long way: its folders as they were before, and the files read for it since."""

    def __init__(self, folder: Path, out: Path, extra: list[Path]) -> None:
        self.folder = os.path.abspath(folder)
        self.out = os.path.abspath(out)
        self.started = time.time_ns()
        self.trees = (_scan(self.folder), _scan(self.out))
        self.extra = {os.path.abspath(p): _status(os.path.abspath(p)) for p in extra}
        self.reads: list[tuple[str, FileStatus]] = []  # manifest.noting_reads

    def _unchanged(self) -> dict[str, FileStatus] | None:
        """Every file outside the two folders that was read, with its status, when nothing read or scanned has
        changed since the scan and nothing was changed less than 2 seconds before it; else None."""
        extra = dict(self.extra)
        for name, status in self.reads:
            for root, tree in zip((self.folder, self.out), self.trees):
                if name.startswith(root + os.sep):
                    if tree.get(name[len(root) + 1:]) != status:  # not as scanned (absent: not there then)
                        return None
                    break
            else:
                if extra.setdefault(name, status) != status:
                    return None
        try:
            now = [_status(_join(root, rel)) == status
                   for root, tree in zip((self.folder, self.out), self.trees) for rel, status in tree.items()]
            now += [_status(name) == status for name, status in extra.items()]
        except _Unsure:
            return None
        if not all(now):
            return None
        recent = self.started - manifest._RACY_NS
        statuses = [s for tree in self.trees for s in tree.values()] + list(extra.values())
        if any(s is not None and max(s[4], s[5]) >= recent for s in statuses):
            return None
        return extra


class TreeIndex:
    """OUT's index of meetings that need no work while their files stay exactly as they were."""

    def __init__(self, out: Path, options: dict[str, Any], templates: Path) -> None:
        self.path = out / INDEX
        self.templates = os.path.abspath(templates)
        try:
            self._templates = _scan(self.templates)
        except _Unsure:
            self._templates = None
        self.key = hashlib.sha256(json.dumps([FORMAT, generator_version(), options, self.templates,
                                              sorted(self._templates.items()) if self._templates else None],
                                             sort_keys=True).encode()).hexdigest()
        self.started = time.time_ns()
        self.old: dict[str, list[str]] = {}
        self.kept: dict[str, list[str]] = {}  # checked in this build: still right
        self.new: dict[str, list[str]] = {}
        self.seen: set[str] = set()  # the meeting folders of this build
        try:
            data = json.loads(self.path.read_bytes())
        except (OSError, ValueError):
            return  # none yet, or damaged: every meeting is built the long way
        if (isinstance(data, dict) and data.get("key") == self.key and isinstance(data.get("meetings"), dict)):
            self.old = {k: v for k, v in data["meetings"].items() if isinstance(v, list) and len(v) == 3
                        and all(isinstance(x, str) for x in v)}

    def _seal(self, folder: str, out: str, paths: str, record: str, statuses: list[FileStatus]) -> str:
        return hashlib.sha256("\0".join([self.key, folder, out, paths, record, repr(statuses)]).encode()).hexdigest()

    def cached(self, folder: Path, out: Path) -> dict[str, Any] | None:
        """The report recorded for the meeting in ``folder`` (output folder ``out``) while every file it
        depends on is exactly as recorded; else None."""
        name, out_name = os.path.abspath(folder), os.path.abspath(out)
        self.seen.add(name)
        entry = self.old.get(name)
        if entry is None:
            return None
        seal, paths, record = entry
        try:
            files = json.loads(paths)
            statuses = ([_status(_join(name, rel)) for rel in files["in"]]
                        + [_status(_join(out_name, rel)) for rel in files["out"]]
                        + [_status(extra) for extra in files["extra"]])
        except (ValueError, KeyError, TypeError, _Unsure):
            return None
        if seal != self._seal(name, out_name, paths, record, statuses):
            return None
        try:
            found = json.loads(record)
        except ValueError:
            return None
        if not isinstance(found, dict):
            return None
        self.kept[name] = entry
        return found

    def watch(self, folder: Path, out: Path, extra: list[Path]) -> Watch | None:
        """Start watching a meeting built the long way (None: its folders cannot be told by statuses)."""
        try:
            return Watch(folder, out, extra)
        except _Unsure:
            return None

    def record(self, watch: Watch, record: dict[str, Any]) -> None:
        """Record the report of a meeting whose build had nothing to do, if its files stayed as they were."""
        self.kept.pop(watch.folder, None)
        extra = watch._unchanged()
        if extra is None:
            return
        files = {"in": sorted(watch.trees[0]), "out": sorted(watch.trees[1]), "extra": sorted(extra)}
        statuses = ([watch.trees[0][r] for r in files["in"]] + [watch.trees[1][r] for r in files["out"]]
                    + [extra[e] for e in files["extra"]])
        paths = json.dumps(files, separators=(",", ":"))
        text = json.dumps(record, separators=(",", ":"), sort_keys=True)
        self.new[watch.folder] = [self._seal(watch.folder, watch.out, paths, text, statuses), paths, text]

    def save(self) -> None:
        """Write the index (atomically) when it says something new; never when the templates changed during the
        build, or less than 2 seconds before it (its records could then be of either version)."""
        try:
            templates = _scan(self.templates)
        except _Unsure:
            return
        if self._templates is None or templates != self._templates or any(
                s is not None and max(s[4], s[5]) >= self.started - manifest._RACY_NS for s in templates.values()):
            return
        # a meeting of this build not kept nor recorded had work to do: its record is dropped; those of meetings
        # not in this build stay while their folders are there (each is checked when next built)
        meetings = {k: v for k, v in self.old.items() if k not in self.seen and os.path.isdir(k)}
        meetings.update(self.kept)
        meetings.update(self.new)
        if meetings == self.old:
            return
        data = json.dumps({"format": FORMAT, "key": self.key, "meetings": dict(sorted(meetings.items()))},
                          separators=(",", ":"))
        try:
            write_atomic(self.path, data.encode("utf-8") + b"\n")
        except WriteError:
            pass  # the next build checks its meetings the long way
