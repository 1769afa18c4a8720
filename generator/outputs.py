"""Writing outputs: atomically, so a reader sees the old file or the new one, never half; what the
file system refuses (a full disk, a read-only folder, a name too long) becomes one clear message."""
from __future__ import annotations

import errno
import io
import os
import zipfile
from collections.abc import Mapping
from pathlib import Path

from .errors import PapersError


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


_UMASK = _umask()

# What a clerk can do about each refusal of the file system (by errno).
_FIXES = {
    errno.ENOSPC: "the disk is full: free some space (or build into another folder with -o), then build again",
    errno.EDQUOT: "the disk quota is used up: free some space (or build into another folder with -o), "
                  "then build again",
    errno.EACCES: "permission denied: the file or its folder is read-only, or the file is open in another "
                  "program; close it (or make the folder writable, or build into another folder with -o), "
                  "then build again",
    errno.EROFS: "the disk is read-only: build into another folder with -o",
    errno.ENAMETOOLONG: "the name is too long for the file system: shorten the paper's file name or the "
                        "folder names",
    errno.ELOOP: "it is a symbolic link, and outputs are never written through links: remove the link, "
                 "then build again",
    errno.EISDIR: "a folder of that name is in the way: move it, then build again",
    errno.ENOTDIR: "a file stands where a folder should be: move it, then build again",
}
_FIXES[errno.EPERM] = _FIXES[errno.EACCES]


class WriteError(PapersError):
    """An output (or the build's own state file) could not be written or read."""

    def __init__(self, path: Path, exc: OSError, verb: str = "written") -> None:
        self.path = path
        self.errno = exc.errno
        fix = _FIXES.get(exc.errno or 0, f"{exc.strerror or exc}: fix that, then build again")
        self.verb = verb
        self.reason = fix
        super().__init__(f"{path}: could not be {verb}: {fix}")


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` via a temporary file in the same folder and a rename.

    The rename makes a killed build safe (and replaces a symbolic link planted at ``path``
    instead of writing through it); we do not fsync (power loss is not the risk here, and
    it would cost milliseconds per paper in batch rebuilds). Raises :class:`WriteError`.
    """
    import tempfile  # not at the top: a rebuild with nothing to do writes nothing

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise WriteError(path, exc) from None
    try:
        with os.fdopen(fd, "wb") as fh:
            write_all(fh, data, path)
        os.chmod(tmp, 0o666 & ~_UMASK)  # mkstemp makes 0600; outputs are ordinary shared files
        os.replace(tmp, path)
    except BaseException as exc:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        if isinstance(exc, OSError):
            raise WriteError(path, exc) from None
        raise


def write_all(fh: io.BufferedWriter, data: bytes, target: Path) -> None:
    """Write the bytes of ``target`` to its open temporary file (where a full disk shows itself; the tests
    simulate one here)."""
    fh.write(data)


def append_line(path: Path, line: str) -> None:
    """Append one line to a journal file without following a symbolic link planted in its place."""
    flags = os.O_WRONLY | os.O_APPEND | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, flags, 0o666)
        try:
            os.write(fd, line.encode("utf-8"))  # O_APPEND: one write, safe across worker processes
        finally:
            os.close(fd)
    except OSError as exc:
        raise WriteError(path, exc) from None


# Output names a paper cannot take: the meeting's own outputs would overwrite the paper's, or it theirs.
RESERVED_STEMS = {"agenda": "the agenda front sheet (agenda.docx, agenda.pdf)",
                  "pack": "the published pack (pack.pdf)", "budget": "the budget workbook (budget.xlsx)",
                  "exempt-pack": "the members' pack of exempt papers (exempt-pack.pdf)"}
# The longest name a paper's file may have: its outputs' names add up to 32 bytes to the stem
# (".<stem>.docx.XXXXXXXX.tmp", "<stem>.edited-<n>.docx"), and most file systems allow 255.
MAX_STEM_BYTES = 200


def output_name_problem(file_name: str) -> str | None:
    """Why a paper file of this name cannot be built into the meeting's output folder, or None."""
    stem = Path(file_name).stem
    if stem.lower() in RESERVED_STEMS:
        return (f"'{file_name}': a paper cannot be called '{stem}': its outputs would take the place of "
                f"{RESERVED_STEMS[stem.lower()]}, which the build makes for every meeting; rename the paper, "
                f"e.g. to '{stem}-paper{Path(file_name).suffix}'")
    size = len(stem.encode("utf-8"))
    if size > MAX_STEM_BYTES:
        return (f"'{file_name[:40]}...': the file name is too long ({len(stem)} characters): its outputs' names "
                f"would be longer than the file system allows; shorten it to at most {MAX_STEM_BYTES} "
                "characters (fewer with accented letters)")
    return None


FIXED_ZIP_TIME = (1980, 1, 1, 0, 0, 0)


def normalise_zip(data: bytes, replace: Mapping[str, bytes] | None = None) -> bytes:
    """Rewrite a package with fixed entry times so equal content gives equal bytes.

    ``replace`` gives new contents for some entries (by name), e.g. post-processed XML.
    """
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = replace.get(info.filename) if replace else None
            dst.writestr(fixed_zip_entry(info.filename), body if body is not None else src.read(info.filename))
    return out.getvalue()


def fixed_zip_entry(name: str) -> zipfile.ZipInfo:
    """A zip entry that does not depend on when or where it was written."""
    info = zipfile.ZipInfo(name, FIXED_ZIP_TIME)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    return info
