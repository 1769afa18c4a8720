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
import stat
import time
import types
import typing
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Literal

from ..errors import PapersError, Problem
from .outputs import WriteError, append_line, write_atomic

MANIFEST = ".papers-manifest.json"
# A second copy of the manifest, written with it: a manifest damaged outside the build (a disk
# error, a sync tool, a person) is replaced by it instead of every output looking edited.
BACKUP = ".papers-manifest.backup.json"
# Outputs about to be written, appended before each write: a build killed before it saved the
# manifest leaves files that are ours, and this file says so (else they would look edited).
PENDING = ".papers-pending"
# In OUT itself: held for the whole of a build, so two builds into one folder never interleave.
LOCK = ".papers-lock"
FORMAT = 1
# The inputs hash of an output an interrupted build wrote: ours, but made from inputs nobody
# recorded, so never "unchanged" (it may hold figures its inputs no longer give).
INTERRUPTED = "interrupted"

# missing: not there; ours: exactly what we last wrote; edited: changed since; unknown: the state
# files were damaged, so whether a person changed it cannot be told
OutputState = Literal["missing", "ours", "edited", "unknown"]
_HEX64 = re.compile(r"[0-9a-f]{64}")


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
    exempt_reason: str | None = None  # its Schedule 12A paragraph, quoted by the agenda's exclusion item
    draft: bool = False  # a paper not cleared for publication (committee report sign-off): left out of the pack
    appendices: list[dict[str, Any]] = field(default_factory=list)  # a paper's (model.Appendix.to_record)


# what each field of an entry holds: a manifest entry of any other shape is damage, not data
_HINTS = typing.get_type_hints(Entry)


def _checker(hint: Any) -> Callable[[object], bool]:
    """Whether a value read from JSON is of the type an Entry field declares (containers: their own type), as
    a function made once per field: a rebuild checks every entry of every manifest."""
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        checks = [_checker(arg) for arg in typing.get_args(hint)]
        return lambda value: any(check(value) for check in checks)
    if hint is type(None):
        return lambda value: value is None
    if hint is Any:
        return lambda value: True
    if origin is not None:
        return lambda value: isinstance(value, origin)
    if hint is bool:
        return lambda value: isinstance(value, bool)
    return lambda value: isinstance(value, hint) and not isinstance(value, bool)


_CHECKS = {name: _checker(hint) for name, hint in _HINTS.items()}


_PROBLEM_FIELDS = {"file", "line", "field", "message", "level", "column"}


class Damaged(ValueError):
    """A state file that cannot be trusted; the message says how it is damaged."""


def _plain_name(name: object) -> bool:
    return isinstance(name, str) and bool(name) and "/" not in name and "\\" not in name and name not in (".", "..")


def _entry(name: object, value: object) -> Entry:
    """An entry of the manifest file, checked field by field (Damaged if it is not one we wrote)."""
    if not _plain_name(name) or not isinstance(value, dict):
        raise Damaged(f"an entry for {name!r} is not one the build writes")
    known = {f: x for f, x in value.items() if f in _CHECKS}  # fields a later version adds are dropped
    for f, x in known.items():
        if not _CHECKS[f](x):
            raise Damaged(f"the entry for {name} has a {f} of the wrong kind")
    if "inputs" not in known or "output" not in known:
        raise Damaged(f"the entry for {name} lacks its hashes")
    if not all(isinstance(d, str) for d in known.get("data_files", [])) or not all(
            isinstance(w, dict) and set(w) <= _PROBLEM_FIELDS and isinstance(w.get("file"), str)
            and isinstance(w.get("message"), str) for w in known.get("warnings", [])) or not all(
            isinstance(a, dict) and {"number", "title", "file", "exempt"} <= set(a) and _plain_name(a["file"])
            for a in known.get("appendices", [])):
        raise Damaged(f"the entry for {name} is not one the build writes")
    return Entry(**known)


Parsed = tuple[dict[str, Entry], dict[str, Any] | None, dict[str, Any] | None, list[dict[str, Any]]]


def _parse(raw: bytes) -> Parsed:
    """The entries, meeting record, pending release and publications of a manifest file's bytes (Damaged when
    they are not a manifest)."""
    try:
        data = json.loads(raw.decode("utf-8"))
    except ValueError:
        raise Damaged("not valid JSON: cut short, or overwritten") from None
    if not isinstance(data, dict) or not isinstance(data.get("outputs"), dict):
        raise Damaged("not a manifest the build writes")
    if data.get("format") != FORMAT:
        raise Damaged(f"format {data.get('format')!r}, not {FORMAT}: written by another version")
    meeting = data.get("meeting")
    pending = data.get("pending")
    published = data.get("published", [])
    from ..publish.record import well_formed

    if not well_formed(published):  # the record of what the council published must never be guessed at
        raise Damaged("its record of what was published is not one `papers publish` writes")
    return ({k: _entry(k, v) for k, v in data["outputs"].items()}, meeting if isinstance(meeting, dict) else None,
            pending if isinstance(pending, dict) else None, published)


class Manifest:
    """The manifest of one output folder."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.path = folder / MANIFEST
        self.entries: dict[str, Entry] = {}
        # meeting.yaml as last validated (with the hash it was validated at): a rebuild that finds
        # it unchanged uses this instead of validating it again, which would import pydantic
        self.meeting: dict[str, Any] | None = None
        # what `papers publish` would record of the last --pdf build (its files, pages, items and the hashes of
        # every input it was made from), and what it has recorded: the pack (0), then each supplement
        self.pending: dict[str, Any] | None = None
        self.published: list[dict[str, Any]] = []
        # a warning per damaged state file, for the report: what was wrong and what the build does about it
        self.damaged: list[Problem] = []
        # False when the record of what we wrote is lost (manifest and backup, or the journal, damaged):
        # an output that does not match its entry is then "unknown", never blamed on a person
        self.trusted = True
        # the bytes of the manifest file as read, to skip rewriting it unchanged (bytes, not their data parsed
        # again: a build plans every meeting before building any, and holds all their manifests meanwhile)
        self._saved: bytes | None = None
        self._backup_ok = False  # the backup holds the same bytes as the manifest
        self._load()
        self._fold_pending()

    def _load(self) -> None:
        texts: dict[Path, bytes | None] = {}
        reasons: dict[Path, str] = {}
        for path in (self.path, self.folder / BACKUP):
            try:
                texts[path] = path.read_bytes()
            except FileNotFoundError:
                texts[path] = None
            except OSError as exc:
                texts[path], reasons[path] = None, f"unreadable: {exc.strerror}"
        main, backup = texts[self.path], texts[self.folder / BACKUP]
        if main is None and backup is None and not reasons:
            return  # a first build here (or state removed on purpose): existing files count as edited
        for path, raw in ((self.path, main), (self.folder / BACKUP, backup)):
            if raw is None:
                reasons.setdefault(path, "missing")
                continue
            try:
                self.entries, self.meeting, self.pending, self.published = _parse(raw)
            except Damaged as exc:
                reasons[path] = str(exc)
                continue
            self._saved = raw
            self._backup_ok = main == backup
            if path != self.path:
                state = "missing" if reasons[self.path] == "missing" else f"damaged ({reasons[self.path]})"
                self._damage(self.path, f"{state}: not trusted; this build uses its backup copy {BACKUP} (both are "
                             "written again at its end)")
            return
        self.trusted = False
        self._damage(self.path, f"damaged ({reasons[self.path]}; its backup copy {BACKUP}: "
                     f"{reasons[self.folder / BACKUP]}): not trusted; every output is built again, and a file that "
                     "differs from what its inputs make now is first kept aside as <name>.edited-<n> (whether "
                     "someone edited it cannot be told)")

    def _damage(self, path: Path, message: str) -> None:
        self.damaged.append(Problem(str(path), None, None, message, "warning"))

    def _fold_pending(self) -> None:
        """Record the outputs an interrupted build wrote (noted in the journal) as ours, made from inputs not
        known: they are rebuilt, never taken as current or as a person's edit."""
        journal = self.folder / PENDING
        try:
            raw = journal.read_bytes()
        except FileNotFoundError:
            return
        except OSError as exc:
            raw, bad = b"", f"unreadable: {exc.strerror}"
        else:
            bad = ""
        pending: dict[str, set[str]] = {}
        unreadable = 0
        for line in raw.split(b"\n"):
            try:
                name, digest = line.decode("utf-8").split("\t")
            except ValueError:
                unreadable += bool(line.strip())
                continue
            if not _plain_name(name) or not _HEX64.fullmatch(digest):
                unreadable += 1
                continue
            pending.setdefault(name, set()).add(digest)
        if unreadable and not bad:
            bad = f"{unreadable} line{'s' if unreadable != 1 else ''} not written by the build"
        if bad and self.trusted:
            self.trusted = False
            self._damage(journal, f"damaged ({bad}): not trusted; an output that differs from what the build last "
                         "recorded is built again, and first kept aside as <name>.edited-<n> (whether someone "
                         "edited it cannot be told)")
        for name, digests in sorted(pending.items()):
            entry = self.entries.get(name)
            try:
                digest = file_hash(self.folder / name)
            except OSError:
                continue
            if digest in digests and (entry is None or entry.output != digest):
                self.entries[name] = Entry(inputs=INTERRUPTED, output=digest,
                                           data_files=entry.data_files if entry is not None else [])

    def state(self, name: str) -> OutputState:
        """Whether ``name`` is absent, exactly what we last wrote, or changed since (or unknown)."""
        path = self.folder / name
        try:
            digest = file_hash(path)
        except FileNotFoundError:
            return "missing"
        except OSError as exc:
            raise WriteError(path, exc, "read") from None
        entry = self.entries.get(name)
        if entry is not None and digest == entry.output:
            return "ours"
        return "edited" if self.trusted else "unknown"

    def save(self) -> None:
        """Write the manifest and its backup atomically (sorted, so it diffs cleanly), then drop the journal;
        a no-op rebuild touches nothing. Raises WriteError."""
        self._fold_pending()  # what workers noted but no result recorded (an interrupted meeting)
        # the entries hold only JSON types: vars() serialises them as asdict() would, without its deep copy
        data: dict[str, Any] = {"format": FORMAT, "outputs": {k: vars(v) for k, v in sorted(self.entries.items())}}
        if self.meeting is not None:
            data["meeting"] = self.meeting
        if self.pending is not None:
            data["pending"] = self.pending
        if self.published:
            data["published"] = self.published
        # equal data would serialise to the bytes already there
        if not self._backup_ok or self._saved is None or data != json.loads(self._saved):
            text = (json.dumps(data, indent=1, sort_keys=True) + "\n").encode("utf-8")
            # the backup first: whichever write a kill interrupts, one of the two is whole and the journal stays
            for path in (self.folder / BACKUP, self.path):
                try:
                    same = path.read_bytes() == text
                except OSError:
                    same = False
                if not same:
                    write_atomic(path, text)
            self._saved = text
            self._backup_ok = True
            from .edits import forget_others

            forget_others(self.folder, set(self.entries))
        try:
            (self.folder / PENDING).unlink(missing_ok=True)
        except OSError as exc:
            raise WriteError(self.folder / PENDING, exc, "removed") from None
        self.damaged.clear()
        self.trusted = True


def write_output(path: Path, data: bytes) -> str:
    """Note the output as pending in its folder, keep the text we built (for showing a person their edit
    later), then write it atomically; returns its hash. Raises WriteError."""
    from .edits import remember

    digest = bytes_hash(data)
    append_line(path.parent / PENDING, f"{path.name}\t{digest}\n")
    remember(path.parent, path.name, data, digest)
    write_atomic(path, data)
    return digest


@contextmanager
def locked(out: Path, wait: float) -> Iterator[None]:
    """Hold OUT's lock for a build: a second build into the same folder waits up to ``wait`` seconds for
    the first to finish, then refuses (PapersError). Raises WriteError when OUT cannot be written."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover  (Windows: no flock; builds are not serialised there)
        yield
        return
    try:
        out.mkdir(parents=True, exist_ok=True)
        fd = os.open(out / LOCK, os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0), 0o666)
    except OSError as exc:
        raise WriteError(out / LOCK, exc) from None
    try:
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    holder = os.pread(fd, 20, 0).decode("ascii", "replace").strip()
                    raise PapersError(
                        f"{out}: another papers build{f' (process {holder})' if holder.isdigit() else ''} is "
                        "writing into this folder: wait for it to finish, then build again (or build into "
                        "another folder with -o)") from None
                time.sleep(0.05)
            except OSError:  # a file system without locks (some network shares): build unserialised
                break
        try:
            os.ftruncate(fd, 0)
            os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)  # named in the second build's message
        except OSError:
            pass
        yield
    finally:
        os.close(fd)  # releases the lock


def file_hash(path: Path) -> str:
    """SHA-256 of a file's bytes (no parsing; OSError when it cannot be read)."""
    return _file_digest(path).hex()


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


# Content digests of files (inputs and outputs), by (path, inode, size, mtime, ctime): every paper's inputs
# include the templates and meeting.yaml, which are then read once per process, not once per paper; and a
# build keeps them in OUT (DIGESTS), so that a rebuild reads only the files that changed since. A file that is
# written, or has its mtime set back, gets a new ctime, so an edited input or output is always read again.
_DIGESTS: dict[tuple[str, int, int, int, int], bytes] = {}
# A file modified this recently could change again within one tick of the file system's clock,
# keeping its size and times: its digest is not remembered, here or in DIGESTS (git's "racy" rule)
_RACY_NS = 2_000_000_000
DIGESTS = ".papers-digests"  # in OUT: one line per file, "<digest> <inode> <size> <mtime> <ctime> <path>"
_loaded: set[tuple[str, int, int, int, int]] = set()  # what DIGESTS held when read


FileStatus = tuple[int, int, int, int, int, int] | None  # see status_key; None: not there
# The files whose digests are taken while a meeting is planned and finished, each with its status then, for the
# tree index (index.py); None when nobody is noting them
_reads: list[tuple[str, FileStatus]] | None = None


def status_key(st: os.stat_result) -> tuple[int, int, int, int, int, int]:
    """What tells one state of a file from another without reading it: type and mode, device, inode, size,
    modification and change times (writing a file, or setting its times back, gives it a new change time)."""
    return (st.st_mode, st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)


@contextmanager
def noting_reads(into: list[tuple[str, FileStatus]]) -> Iterator[None]:
    """Note into ``into`` every file whose digest is taken meanwhile (absolute path, status_key then)."""
    global _reads
    before, _reads = _reads, into
    try:
        yield
    finally:
        _reads = before


def _file_digest(path: Path) -> bytes:
    """SHA-256 of a file's bytes (OSError when it cannot be read), remembered by its stat."""
    if _unread is not None:
        _read_digests()
    name = os.path.abspath(path)
    try:
        st = os.stat(name)  # a remembered file is not opened: a rebuild with nothing to do stats each file once
    except OSError:
        if _reads is not None:
            _reads.append((name, None))
        raise
    digest = _DIGESTS.get((name, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns))
    if digest is not None and stat.S_ISREG(st.st_mode):
        if _reads is not None:
            _reads.append((name, status_key(st)))
        return digest
    try:
        fh = open(name, "rb")
    except OSError:
        if _reads is not None:
            _reads.append((name, None))  # not what its status says: the tree index sees the difference
        raise
    with fh:
        st = os.fstat(fh.fileno())  # of the file read
        if _reads is not None:
            _reads.append((name, status_key(st)))
        key = (name, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)
        digest = _DIGESTS.get(key)
        if digest is None:
            digest = hashlib.sha256(fh.read()).digest()
            if time.time_ns() - max(st.st_mtime_ns, st.st_ctime_ns) > _RACY_NS:
                _DIGESTS[key] = digest
    return digest


def _content_digest(path: Path) -> bytes | None:
    """SHA-256 of a file's bytes (None when it cannot be read)."""
    try:
        return _file_digest(path)
    except OSError:
        return None


# OUT, while the digests it keeps are not yet read: they are read when a digest is first wanted, so that a build
# whose every meeting comes from the tree index (index.py) reads none
_unread: Path | None = None


def load_digests(out: Path) -> None:
    """Remember the file digests a previous build into ``out`` kept (a damaged or missing file: none), once a
    file's digest is first wanted."""
    global _unread
    _unread = out


def _read_digests() -> None:
    global _unread
    out, _unread = _unread, None
    assert out is not None
    try:
        raw = (out / DIGESTS).read_bytes()
    except OSError:
        return
    for line in raw.split(b"\n"):
        fields = line.split(b" ", 5)
        if len(fields) != 6:
            continue
        try:
            key = (os.fsdecode(fields[5]), int(fields[1]), int(fields[2]), int(fields[3]), int(fields[4]))
            digest = bytes.fromhex(fields[0].decode("ascii"))
        except ValueError:
            continue
        if len(digest) == 32:
            _DIGESTS[key] = digest
            _loaded.add(key)


def save_digests(out: Path) -> None:
    """Keep, for the next build into ``out``, the digests this process remembers of files that are still as they
    were; nothing is written when they are those it found. Raises WriteError."""
    global _unread
    if _unread is not None:  # no digest was wanted: the kept ones are as they were
        _unread = None
        return
    keep = {}
    for key, digest in _DIGESTS.items():
        try:
            st = os.stat(key[0])
        except OSError:
            continue
        if (st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns) == key[1:]:
            keep[key] = digest
    if set(keep) == _loaded:
        return
    lines = [f"{d.hex()} {k[1]} {k[2]} {k[3]} {k[4]} ".encode("ascii") + os.fsencode(k[0])
             for k, d in sorted(keep.items()) if "\n" not in k[0]]
    write_atomic(out / DIGESTS, b"\n".join(lines) + b"\n")
    _loaded.clear()
    _loaded.update(keep)


@lru_cache(maxsize=1)
def generator_version() -> str:
    """Package version plus a hash of the generator's own source, so a code change rebuilds."""
    package = Path(__file__).resolve().parents[1]
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
    """Move an edited output aside as ``<name>.edited-<n><ext>`` and return the new path (WriteError)."""
    n = 1
    while True:
        kept = path.with_name(f"{path.stem}.edited-{n}{path.suffix}")
        if not os.path.lexists(kept):
            try:
                path.rename(kept)
            except OSError as exc:
                raise WriteError(path, exc, "moved aside") from None
            return kept
        n += 1


def discard(path: Path) -> None:
    """Remove an output of ours that is out of date (WriteError when the file system refuses)."""
    try:
        path.unlink(missing_ok=True)
    except OSError as exc:
        raise WriteError(path, exc, "removed") from None
