"""Writing outputs: atomically, so a reader sees the old file or the new one, never half; what the
file system refuses (a full disk, a read-only folder, a name too long) becomes one clear message. And the
names outputs take: a meeting's own outputs are named after it (:func:`meeting_outputs`)."""
from __future__ import annotations

import datetime as dt
import errno
import io
import os
import re
import unicodedata
import zipfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from ..errors import PapersError


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


# The names earlier versions gave a meeting's own outputs, in every meeting's folder alike: a paper still
# cannot take them (an old output folder may hold them), and a rebuild removes them as stale (build.py).
LEGACY_NAMES = {"agenda.docx": "agenda", "agenda.pdf": "agenda PDF", "pack.pdf": "pack",
                "exempt-pack.pdf": "exempt pack"}
WORKBOOK = "budget.xlsx"  # for the finance officers, not published: its name stays as it was
MEETING_JSON = "meeting.json"  # beside the pack, at the name a council website looks for
# Output names a paper cannot take: the meeting's own outputs would overwrite the paper's, or it theirs; and
# the names earlier versions gave them, still in the output folders those built (a rebuild removes those
# files as the meeting's, so a paper's outputs must never be called so).
RESERVED_STEMS = {"budget": "its outputs would take the place of the budget workbook (budget.xlsx), which the "
                            "build makes for every meeting",
                  "agenda": "earlier versions gave that name to the agenda front sheet (agenda.docx, agenda.pdf), "
                            "which output folders they built still hold",
                  "pack": "earlier versions gave that name to the published pack (pack.pdf), which output "
                          "folders they built still hold",
                  "exempt-pack": "earlier versions gave that name to the members' pack of exempt papers "
                                 "(exempt-pack.pdf), which output folders they built still hold"}
# names the build gives to what it makes of another paper: "<paper>-appendix-<n>.pdf", "<paper>-revised-<n>.pdf"
_DERIVED_STEM = re.compile(r"-(appendix|revised)-(\d+)$", re.IGNORECASE)
# The longest name a paper's file may have: its outputs' names add up to 32 bytes to the stem
# (".<stem>.docx.XXXXXXXX.tmp", "<stem>.edited-<n>.docx"), and most file systems allow 255.
MAX_STEM_BYTES = 200
_SLUG_MAX = 40  # characters of the committee's name in the outputs' names: enough to tell committees apart
# what a meeting output's name ends with after "<date>-<slug>" (supplements: "-supplement-<n>[-agenda]")
_MEETING_SUFFIX = re.compile(r"-(agenda\.docx|agenda\.pdf|pack\.pdf|exempt-pack\.pdf|"
                             r"supplement-\d+\.pdf|supplement-\d+-agenda\.(docx|pdf))$")


def slug(text: str) -> str:
    """``text`` as a file-name part: ASCII, lower case, words joined by hyphens ("Corporate O&S" -> "corporate-os")."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    # "&" and apostrophes join what they stand between ("O&S" -> "os", "Children's" -> "childrens")
    words = re.sub(r"[&'`]", "", ascii_text)
    out = re.sub(r"[^a-z0-9]+", "-", words).strip("-")
    if len(out) > _SLUG_MAX:  # cut at a word's end, so that a long committee name stays readable
        out = out[:_SLUG_MAX + 1].rsplit("-", 1)[0] if "-" in out[:_SLUG_MAX + 1] else out[:_SLUG_MAX]
    return out


@dataclass(frozen=True)
class MeetingOutputs:
    """The names of a meeting's own outputs, each starting with the meeting's date and committee
    ("2022-12-08-corporate-os-pack.pdf"), so that a file downloaded or e-mailed still says which meeting
    it belongs to."""

    stem: str  # "2022-12-08-corporate-os"

    @property
    def agenda(self) -> str:
        return f"{self.stem}-agenda.docx"

    @property
    def agenda_pdf(self) -> str:
        return f"{self.stem}-agenda.pdf"

    @property
    def pack(self) -> str:
        return f"{self.stem}-pack.pdf"

    @property
    def exempt_pack(self) -> str:
        return f"{self.stem}-exempt-pack.pdf"

    workbook: str = WORKBOOK
    meeting_json: str = MEETING_JSON

    def supplement(self, n: int) -> str:
        """Supplement ``n``'s pack: its front sheet, then the revised and late papers."""
        return f"{self.stem}-supplement-{n}.pdf"

    def supplement_agenda(self, n: int, pdf: bool = False) -> str:
        """Supplement ``n``'s front sheet ("Supplementary agenda n"), as Word or PDF."""
        return f"{self.stem}-supplement-{n}-agenda.{'pdf' if pdf else 'docx'}"

    def supplement_number(self, name: str) -> int | None:
        """Which supplement ``name`` (its pack or front sheet) belongs to; None: it is not one."""
        found = re.fullmatch(re.escape(self.stem) + r"-supplement-(\d+)(-agenda\.(docx|pdf)|\.pdf)", name)
        return int(found.group(1)) if found else None

    def kind(self, name: str) -> str | None:
        """What a meeting output is, for the build's count of files written (None: not a meeting output)."""
        kinds = {self.agenda: "agenda", self.agenda_pdf: "agenda PDF", self.pack: "pack",
                 self.exempt_pack: "exempt pack", self.workbook: "workbook", self.meeting_json: "open data file"}
        if name in kinds:
            return kinds[name]
        found = re.fullmatch(re.escape(self.stem) + r"-supplement-\d+(-agenda)?\.(docx|pdf)", name)
        if found:
            return ("supplement" if not found.group(1) else "supplementary agenda" if found.group(2) == "docx"
                    else "supplementary agenda PDF")
        return None

    def stale(self, name: str) -> bool:
        """Whether ``name`` is a meeting output of earlier versions or of this meeting under another date or
        committee name, which a rebuild removes (a paper's output never is: papers cannot take such names)."""
        if name in LEGACY_NAMES:
            return True
        return (_MEETING_SUFFIX.search(name) is not None and re.match(r"\d{4}-\d{2}-\d{2}-", name) is not None
                and not name.startswith(self.stem + "-") and self.kind(name) is None)

    def reserved(self) -> dict[str, str]:
        """The output stems a paper of this meeting cannot take, with why."""
        made = "which the build makes for the meeting"
        return {f"{self.stem}-agenda": f"its outputs would take the place of the agenda front sheet ({self.agenda}), "
                                       f"{made}",
                f"{self.stem}-pack": f"its outputs would take the place of the published pack ({self.pack}), {made}",
                f"{self.stem}-exempt-pack": "its outputs would take the place of the members' pack of exempt papers "
                                            f"({self.exempt_pack}), {made}"}


def meeting_outputs(date: dt.date, short_name: str, committee: str, folder: str) -> MeetingOutputs:
    """The names of a meeting's outputs: its date, then a slug of its short name (else of its committee, else
    of its folder's name without a leading date), e.g. 2022-12-08 + "Corporate O&S" -> "2022-12-08-corporate-os"."""
    folder_name = re.sub(r"^\d{4}-\d{2}-\d{2}[-_ ]*", "", folder)
    name = slug(short_name) or slug(committee) or slug(folder_name) or "meeting"
    return MeetingOutputs(f"{date.isoformat()}-{name}")


def output_name_problem(file_name: str, meeting: MeetingOutputs | None = None) -> str | None:
    """Why a paper file of this name cannot be built into the meeting's output folder, or None."""
    stem = Path(file_name).stem
    reserved = {**RESERVED_STEMS, **(meeting.reserved() if meeting is not None else {})}
    supplement = meeting is not None and re.fullmatch(re.escape(meeting.stem) + r"-supplement-\d+(-agenda)?",
                                                       stem.lower())
    if stem.lower() in reserved or supplement:
        why = reserved.get(stem.lower(), "its outputs would take the place of a supplement to the published agenda, "
                                         "which the build makes for the meeting")
        return (f"'{file_name}': a paper cannot be called '{stem}': {why}; rename the paper, "
                f"e.g. to '{stem}-paper{Path(file_name).suffix}'")
    derived = _DERIVED_STEM.search(stem)
    if derived is not None:
        base, kind = stem[:derived.start()], derived.group(1).lower()
        why = (f"the build gives that name to the PDF of appendix {int(derived.group(2))} of a paper '{base}'"
               if kind == "appendix"
               else f"its PDF would be taken for the revised copy of {base}.pdf that a supplement publishes")
        return (f"'{file_name}': a paper cannot be called '{stem}': {why}; rename the paper, e.g. to "
                f"'{stem}-paper{Path(file_name).suffix}'")
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
    with zipfile.ZipFile(io.BytesIO(data)) as src:
        return fixed_zip(((info.filename, src.read(info.filename)) for info in src.infolist()), replace)


def fixed_zip(entries: Iterable[tuple[str, bytes | str]], replace: Mapping[str, bytes] | None = None) -> bytes:
    """A package of ``entries`` (name, content), in their order, as normalise_zip writes one."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for name, body in entries:
            new = replace.get(name) if replace else None
            dst.writestr(fixed_zip_entry(name), new if new is not None else body)
    return out.getvalue()


def fixed_zip_entry(name: str) -> zipfile.ZipInfo:
    """A zip entry that does not depend on when or where it was written."""
    info = zipfile.ZipInfo(name, FIXED_ZIP_TIME)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    return info
