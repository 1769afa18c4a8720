"""What we last wrote into an output folder, so rebuilds skip work and never clobber a person's edits.

Each output folder holds ``.papers-manifest.json``: for every output file, a hash
of everything that went into it (input files, template, generator version) and a
hash of the bytes we wrote. An output whose bytes differ from what we wrote has
been edited by someone and is not overwritten unless the build is forced.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import time
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable, Literal

from .outputs import write_atomic

MANIFEST = ".papers-manifest.json"
# Outputs about to be written, appended before each write: a build killed before it saved the
# manifest leaves files that are ours, and this file says so (else they would look edited).
PENDING = ".papers-pending"
FORMAT = 1

OutputState = Literal["missing", "ours", "edited"]


@dataclass
class Entry:
    inputs: str  # hash of everything the output was made from
    output: str  # hash of the bytes we wrote
    data_files: list[str] = field(default_factory=list)  # files the paper referred to (relative)
    title: str | None = None
    pages: int | None = None  # of the PDF, for the agenda and pack
    layout: str | None = None  # agenda PDF: hash of what decides its length (all but page numbers)
    warnings: list[dict[str, Any]] = field(default_factory=list)  # shown again when the paper is unchanged
    # a paper: what the budget workbook draws from it (finance.workbook_record), so that the workbook
    # is rebuilt without loading unchanged papers again; None when not recorded
    workbook: dict[str, Any] | None = None
    exempt: bool = False  # a paper with `status: exempt`: left out of the published pack
    draft: bool = False  # a paper not cleared for publication (committee report sign-off): left out of the pack
    appendices: list[dict[str, Any]] = field(default_factory=list)  # a paper's (model.Appendix.to_record)


class Manifest:
    """The manifest of one output folder."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.path = folder / MANIFEST
        self.entries: dict[str, Entry] = {}
        # meeting.yaml as last validated (with the hash it was validated at): a rebuild that finds
        # it unchanged uses this instead of validating it again, which would import pydantic
        self.meeting: dict[str, Any] | None = None
        self.pending: set[tuple[str, str]] = set()
        try:
            lines = (folder / PENDING).read_text(encoding="utf-8").splitlines()
            self.pending = {tuple(line.split("\t", 1)) for line in lines if "\t" in line}  # type: ignore[misc]
        except OSError:
            pass
        self._saved: Any = None  # the data of the manifest file as read, to skip rewriting it unchanged
        try:
            raw = json.loads(self.path.read_text(encoding="utf-8"))
            if raw.get("format") == FORMAT:
                known = set(Entry.__dataclass_fields__)  # fields a later version adds are dropped, not fatal
                self.entries = {k: Entry(**{f: x for f, x in v.items() if f in known})
                                for k, v in raw.get("outputs", {}).items()}
                meeting = raw.get("meeting")
                self.meeting = meeting if isinstance(meeting, dict) else None
                self._saved = raw
        except (OSError, ValueError, TypeError, AttributeError):
            pass  # no manifest (or an unreadable one): every existing output counts as edited

    def state(self, name: str) -> OutputState:
        """Whether ``name`` is absent, exactly what we last wrote, or changed since."""
        path = self.folder / name
        if not path.exists():
            return "missing"
        entry = self.entries.get(name)
        digest = file_hash(path)
        if (entry is not None and digest == entry.output) or (name, digest) in self.pending:
            return "ours"
        return "edited"

    def save(self) -> None:
        """Write the manifest atomically (sorted, so it diffs cleanly); a no-op rebuild touches nothing."""
        # the entries hold only JSON types: vars() serialises them as asdict() would, without its deep copy
        data: dict[str, Any] = {"format": FORMAT, "outputs": {k: vars(v) for k, v in sorted(self.entries.items())}}
        if self.meeting is not None:
            data["meeting"] = self.meeting
        if data != self._saved:  # equal data would serialise to the bytes already there
            text = (json.dumps(data, indent=1, sort_keys=True) + "\n").encode("utf-8")
            try:
                same = self.path.read_bytes() == text
            except OSError:
                same = False
            if not same:
                write_atomic(self.path, text)
            self._saved = json.loads(text)  # a copy: entries may change after this save
        (self.folder / PENDING).unlink(missing_ok=True)
        self.pending.clear()


def write_output(path: Path, data: bytes) -> str:
    """Note the output as pending in its folder, then write it atomically; returns its hash."""
    digest = bytes_hash(data)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path.parent / PENDING, "a", encoding="utf-8") as fh:  # O_APPEND: safe across workers
        fh.write(f"{path.name}\t{digest}\n")
    write_atomic(path, data)
    return digest


def file_hash(path: Path) -> str:
    """SHA-256 of a file's bytes (no parsing)."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def bytes_hash(data: bytes) -> str:
    """SHA-256 of bytes."""
    return hashlib.sha256(data).hexdigest()


def inputs_hash(files: Iterable[Path], extra: Iterable[str] = ()) -> str:
    """One hash over input files (name and content) and extra strings, plus the generator version."""
    h = hashlib.sha256(generator_version().encode())
    for item in extra:
        h.update(b"\0s" + item.encode("utf-8"))
    for path in files:
        digest = _content_digest(path)
        h.update(b"\0f" + path.name.encode("utf-8") + b"\0" + (digest if digest is not None else b"\0missing"))
    return h.hexdigest()


# Content digests of input files, by (path, inode, size, mtime): every paper's inputs include the
# templates and meeting.yaml, which are then read once per process, not once per paper.
_DIGESTS: dict[tuple[str, int, int, int], bytes] = {}
# A file modified this recently could change again within one tick of the file system's clock,
# keeping its size and mtime: its digest is not remembered (git's "racy" rule).
_RACY_NS = 2_000_000_000


def _content_digest(path: Path) -> bytes | None:
    """SHA-256 of a file's bytes (None when it cannot be read)."""
    try:
        with open(path, "rb") as fh:
            st = os.fstat(fh.fileno())
            key = (os.fspath(path), st.st_ino, st.st_size, st.st_mtime_ns)
            digest = _DIGESTS.get(key)
            if digest is None:
                digest = hashlib.sha256(fh.read()).digest()
                if time.time_ns() - st.st_mtime_ns > _RACY_NS:
                    _DIGESTS[key] = digest
    except OSError:
        return None
    return digest


@lru_cache(maxsize=1)
def generator_version() -> str:
    """Package version plus a hash of the generator's own source, so a code change rebuilds."""
    package = Path(__file__).resolve().parent
    h = hashlib.sha256()
    try:
        # a source tree or an editable install: the project file gives the version (and its bytes, hashed
        # too, the dependencies), without importlib.metadata, a fifth of a rebuild with nothing to do
        project = (package.parent / "pyproject.toml").read_bytes()
        found = re.search(rb'^version\s*=\s*"([^"]+)"', project, re.MULTILINE)
        version = found[1].decode() if found else "0"
        h.update(project)
    except OSError:  # an installed package
        from importlib import metadata

        try:
            version = metadata.version("papers")
        except metadata.PackageNotFoundError:  # pragma: no cover
            version = "0"
    h.update(version.encode())
    for source in sorted(package.rglob("*.py")):
        h.update(source.relative_to(package).as_posix().encode() + b"\0" + source.read_bytes())
    return f"{version}+{h.hexdigest()[:16]}"


def keep_edited(path: Path) -> Path:
    """Move an edited output aside as ``<name>.edited-<n><ext>`` and return the new path."""
    n = 1
    while True:
        kept = path.with_name(f"{path.stem}.edited-{n}{path.suffix}")
        if not kept.exists():
            path.rename(kept)
            return kept
        n += 1
