"""PDF (and recalculated copies) through LibreOffice headless: one start for many files."""
from __future__ import annotations

import atexit
import datetime as dt
import hashlib
import json
import os
import re
import select
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from ..errors import PapersError
from .lifeline import TIMED_OUT, kill_group

# Writer's PDF export: tagged, PDF/UA-1 (XMP metadata, standard structure types not mapped to themselves)
# and showing the document title in the viewer.
PDF_FILTER_DATA = {"UseTaggedPDF": True, "PDFUACompliance": True, "DisplayPDFDocumentTitle": True,
                   "ExportBookmarks": True}
PER_FILE_SECONDS = 60
# the time limit for one file (and for LibreOffice to start), in seconds: e.g. higher on a slow machine
TIMEOUT_VARIABLE = "PAPERS_PDF_TIMEOUT"
# the Python with LibreOffice's UNO bridge (Debian: python3-uno), which the virtualenv's may not be
UNO_PYTHON = os.environ.get("PAPERS_UNO_PYTHON", "/usr/bin/python3")
# LibreOffice's work (profile, temporary files, converted files) goes to folders named so that the next
# build can remove those of a build that was killed: never into the output folder
WORK_PREFIX = "papers-pdf-"
_HERE = Path(__file__).resolve().parent


class LibreOfficeMissing(PapersError):
    """LibreOffice is needed (for --pdf) but not installed."""


def soffice() -> str:
    """Path of the LibreOffice binary, or a clear error."""
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if not found:
        raise LibreOfficeMissing("LibreOffice is not installed: apt-get install libreoffice-writer-nogui "
                                 "libreoffice-calc-nogui (or build without --pdf)")
    return found


def per_file_seconds() -> float:
    """The time limit of one conversion: $PAPERS_PDF_TIMEOUT seconds, else 60."""
    try:
        return max(0.1, float(os.environ.get(TIMEOUT_VARIABLE, "")))
    except ValueError:
        return PER_FILE_SECONDS


def office_env() -> dict[str, str]:
    """LibreOffice's environment: headless, and in UTC, so that the dates it writes into a PDF (pinned
    afterwards, in place) take as many bytes whatever the build machine's time zone or season."""
    return {**os.environ, "SAL_USE_VCLPLUGIN": "svp", "TZ": "UTC"}


def work_folder() -> tempfile.TemporaryDirectory:
    """A temporary folder for LibreOffice's work, outside the output folder (removed by the next build
    when this one is killed)."""
    _remove_leftovers()
    return tempfile.TemporaryDirectory(prefix=f"{WORK_PREFIX}{os.getpid()}-")


def _remove_leftovers() -> None:
    """Remove the work folders of builds that are no longer running (killed before they could)."""
    for folder in Path(tempfile.gettempdir()).glob(f"{WORK_PREFIX}*-*"):
        pid = folder.name[len(WORK_PREFIX):].split("-")[0]
        if pid.isdigit() and int(pid) != os.getpid() and not _alive(int(pid)):
            shutil.rmtree(folder, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # another user's process
    return True


def not_finished(file: Path, seconds: float) -> str:
    """The message for a conversion that ran out of time."""
    return f"LibreOffice did not finish converting {file.name} within {seconds:g} s; it was stopped"


OnFile = Callable[[Path], None]  # called with each input once LibreOffice is done with it (for progress)


def convert(files: list[Path], outdir: Path, target: str = "pdf",
            on_file: OnFile | None = None) -> dict[Path, Path | None]:
    """Convert files with a single LibreOffice start; map each input to its output (None if it failed)."""
    return {f: out if isinstance(out, Path) else None
            for f, out in convert_all(files, outdir, target, on_file).items()}


def convert_all(files: list[Path], outdir: Path, target: str = "pdf",
                on_file: OnFile | None = None) -> dict[Path, Path | str]:
    """Convert files with a single LibreOffice start; map each input to its output, or to why it failed.

    ``target`` is a LibreOffice --convert-to argument: "pdf" (tagged PDF/UA for Writer
    documents), or e.g. "xlsx" to have Calc load, recalculate and save a workbook. Each file has
    :func:`per_file_seconds`; a LibreOffice that takes longer is stopped, with all it started.
    ``on_file`` is called with each input once LibreOffice is done with it.
    """
    if not files:
        return {}
    outdir.mkdir(parents=True, exist_ok=True)
    seconds = per_file_seconds()
    office = _office(seconds) if target == "pdf" else None
    if office is not None:
        return office.convert(files, outdir, seconds, on_file)
    if _hung is not None and target == "pdf":  # it did not even start: no file of this build is tried again
        for f in files if on_file is not None else []:
            on_file(f)
        return {f: not_finished(f, _hung) + " (it did not start)" for f in files}
    return _convert_to(files, outdir, target, seconds, on_file)


def _convert_to(files: list[Path], outdir: Path, target: str, seconds: float,
                on_file: OnFile | None) -> dict[Path, Path | str]:
    """``soffice --convert-to`` for a batch (no UNO bridge), run by lifeline.py: ended when it takes longer
    than its files' time limits (and one more for its start) or when this build dies."""
    with work_folder() as work:
        # a private profile: concurrent builds and a user's open LibreOffice never collide
        args = [soffice(), f"-env:UserInstallation={Path(work, 'profile').as_uri()}", "--headless", "--norestore",
                "--nolockcheck", "--convert-to", _filter(target, files[0]), "--outdir", str(outdir)]
        limit = seconds * (len(files) + 1)
        status = subprocess.run([sys.executable, str(_HERE / "lifeline.py"), str(os.getpid()), str(limit),
                                 *args, *map(str, files)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                check=False, env={**office_env(), "TMPDIR": work}).returncode
    for f in files if on_file is not None else []:  # one soffice run converts them all
        on_file(f)
    suffix = "." + target.split(":")[0]
    out: dict[Path, Path | str] = {}
    for f in files:
        done = outdir / f"{f.stem}{suffix}"
        out[f] = done if done.is_file() else (not_finished(f, seconds) if status == TIMED_OUT
                                              else "LibreOffice could not convert it")
    return out


class _Office:
    """One LibreOffice kept running for the whole build, driven by uno_worker.py: every conversion of
    a build (the papers, then the agenda once their page numbers are known) shares one start.

    The worker and LibreOffice die with the build (lifeline.py); a file that takes longer than its
    time limit stops both, and the build goes on without them."""

    def __init__(self, seconds: float) -> None:
        self.owner = os.getpid()
        self.work = work_folder()
        self.office: int | None = None  # LibreOffice's process group, once it is up
        # a private profile and pipe: concurrent builds and a user's open LibreOffice never collide
        pipe = f"papers-{os.getpid()}-{os.path.basename(self.work.name)}"
        self.proc = subprocess.Popen(
            [UNO_PYTHON, str(_HERE / "uno_worker.py"), soffice(), self.work.name, pipe, str(os.getpid()),
             str(seconds)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
            env=office_env(), start_new_session=True)  # its own group: not stopped half-way by a Ctrl-C
        ready = self._reply(seconds + 5)
        if not (ready or {}).get("ready"):
            self.kill()
            if ready is None or ready.get("timeout"):  # LibreOffice hangs: another start would hang too
                raise _NotStarted(seconds)
            raise OSError("LibreOffice over UNO is not available")
        self.office = ready.get("office") if ready else None

    def _reply(self, seconds: float) -> dict | None:
        assert self.proc.stdout is not None
        readable, _, _ = select.select([self.proc.stdout], [], [], seconds)
        line = self.proc.stdout.readline() if readable else ""
        try:
            return json.loads(line) if line else None
        except ValueError:
            return None

    def convert(self, files: list[Path], outdir: Path, seconds: float,
                on_file: OnFile | None = None) -> dict[Path, Path | str]:
        out: dict[Path, Path | str] = {}
        for n, f in enumerate(files):
            dst = outdir / f"{f.stem}.pdf"
            pdf_filter, data = _pdf_export(f)
            request = {"src": str(f.resolve()), "dst": str(dst.resolve()), "filter": pdf_filter, "data": data}
            assert self.proc.stdin is not None
            try:
                self.proc.stdin.write(json.dumps(request) + "\n")
                self.proc.stdin.flush()
                reply = self._reply(seconds)
            except OSError:
                reply = None
            if reply is None:  # hung or gone: stop it; the rest go through soffice --convert-to
                gone = self.proc.poll() is not None
                _give_up()
                out[f] = "LibreOffice stopped while converting it" if gone else not_finished(f, seconds)
                if on_file is not None:
                    on_file(f)
                out.update(convert_all(files[n + 1:], outdir, "pdf", on_file))
                return out
            out[f] = dst if reply.get("ok") and dst.is_file() else "LibreOffice could not convert it"
            if on_file is not None:
                on_file(f)
        return out

    def kill(self) -> None:
        """Stop the worker and LibreOffice at once, however they are (hung, say)."""
        if self.office:
            kill_group(self.office)
        kill_group(self.proc.pid)
        self.proc.wait()
        self.work.cleanup()

    def close(self) -> None:
        if os.getpid() != self.owner:  # a forked copy of the build process: the parent owns it
            return
        if self.proc.poll() is None:
            try:
                assert self.proc.stdin is not None
                self.proc.stdin.close()  # the worker then stops LibreOffice
                self.proc.wait(timeout=30)
            except (OSError, subprocess.TimeoutExpired):
                pass
        self.kill()


class _NotStarted(OSError):
    """LibreOffice did not start within the time limit (and was stopped)."""

    def __init__(self, seconds: float) -> None:
        super().__init__(seconds)
        self.seconds = seconds


_running: _Office | None = None
_unavailable = False
_hung: float | None = None  # the time limit LibreOffice did not start within, in this build


def _office(seconds: float) -> _Office | None:
    """The build's LibreOffice over UNO, started on first use; None where UNO cannot be used."""
    global _running, _unavailable, _hung
    if _running is None and not _unavailable:
        if os.environ.get("PAPERS_NO_UNO") or not os.access(UNO_PYTHON, os.X_OK):
            _unavailable = True
            return None
        try:
            _running = _Office(seconds)
            atexit.register(_stop_office)
        except _NotStarted as exc:
            _unavailable, _hung = True, exc.seconds
        except OSError:
            _unavailable = True  # soffice --convert-to then starts once per batch
    return _running


def _stop_office() -> None:
    global _running
    if _running is not None:
        office, _running = _running, None
        office.close()


def _give_up() -> None:
    global _unavailable, _running
    _unavailable = True
    if _running is not None:
        office, _running = _running, None
        office.kill()


def finish() -> None:
    """Stop the LibreOffice a build started (at the end of the build); the next build tries UNO again."""
    global _unavailable, _hung
    _stop_office()
    _unavailable, _hung = False, None


def _pdf_export(source: Path) -> tuple[str, dict[str, bool]]:
    """LibreOffice's PDF export filter for a file and its options (tagged, showing the title, for Writer)."""
    if source.suffix.lower() == ".xlsx":
        return "calc_pdf_Export", {}
    if source.suffix.lower() == ".html":  # a workbook appendix, as Calc saved it: tagged, unlike Calc's own PDF
        return "writer_web_pdf_Export", PDF_FILTER_DATA
    return "writer_pdf_Export", PDF_FILTER_DATA


def _filter(target: str, sample: Path) -> str:
    """A --convert-to argument: for PDF, the export filter and its options in soffice's JSON form."""
    if target != "pdf":
        return target
    name, data = _pdf_export(sample)
    if not data:
        return f"pdf:{name}"
    options = {key: {"type": "boolean", "value": str(value).lower()} for key, value in data.items()}
    return f"pdf:{name}:{json.dumps(options, separators=(',', ':'))}"


# an Info dictionary date, D:YYYYMMDDHHmmSS and the offset LibreOffice writes after it (Z', +01'00' ...)
_PDF_DATE = re.compile(rb"(/(?:CreationDate|ModDate)\s*\()(D:[0-9Z+\-']*)(\))")
# an XMP date (PDFUACompliance writes xmp:CreateDate, the time of the conversion) and its offset
_XMP_DATE = re.compile(rb"(<xmp:(?:CreateDate|ModifyDate|MetadataDate)>)(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d"
                       rb"(Z|[+-]\d\d:\d\d)?)(</xmp:)")
# a page's tab order written as a string; PDF/UA (ISO 14289-1 7.18.3) wants the name /S
_TABS_STRING = re.compile(rb"(/Tabs\s*)(\(S\))()")
# the trailer's file identifier (random) and LibreOffice's /DocChecksum (of the bytes with the time in them)
_PDF_ID = re.compile(rb"/ID\s*\[\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>|/DocChecksum\s*/([0-9A-Fa-f]+)")
_STARTXREF = re.compile(rb"startxref\s+(\d+)\s+%%EOF\s*$")
_XREF_ROW = re.compile(rb"(\d{10}) (\d{5}) ([nf])")


def pdf_date(date: dt.date) -> str:
    """``date`` at midnight UTC as a PDF date string (D:YYYYMMDDHHmmSSZ), the year always four digits."""
    return f"D:{date.year:04d}{date.month:02d}{date.day:02d}000000Z"


def xmp_date(date: dt.date) -> str:
    """``date`` at midnight UTC as an XMP date (ISO 8601), the year always four digits."""
    return f"{date.year:04d}-{date.month:02d}-{date.day:02d}T00:00:00Z"


def fixed_pdf(data: bytes, date: dt.date) -> bytes:
    """A LibreOffice PDF made reproducible and PDF/UA-clean: its dates (Info and XMP) set to midnight UTC of
    ``date``, whatever the build machine's time zone; its file identifier and checksum derived from its
    content instead of the time of the conversion; page tab orders written as the name /S.

    The cross-reference table is rewritten to match (LibreOffice writes one classic table).
    """
    edits = [(m.start(2), m.end(2), pdf_date(date).encode()) for m in _PDF_DATE.finditer(data)]
    edits += [(m.start(2), m.end(2), b"/S") for m in _TABS_STRING.finditer(data)]
    # the XMP packet is a stream of a stated /Length: its dates keep their length (+01:00 becomes +00:00)
    iso = xmp_date(date)[:19].encode()
    edits += [(m.start(2), m.end(2), iso + re.sub(rb"\d", b"0", (m.group(3) or b"").replace(b"-", b"+")))
              for m in _XMP_DATE.finditer(data)]
    data = edited(data, sorted(edits))
    spans = [m.span(g) for m in _PDF_ID.finditer(data) for g in (1, 2, 3) if m.start(g) != -1]
    if not spans:
        return data
    out = bytearray(data)
    for start, end in spans:
        out[start:end] = b"0" * (end - start)
    digest = hashlib.md5(bytes(out), usedforsecurity=False).hexdigest().upper().encode()
    for start, end in spans:
        out[start:end] = (digest * (1 + (end - start) // len(digest)))[:end - start]
    return bytes(out)


def object_offsets(data: bytes) -> dict[int, int] | None:
    """Where each object (of generation 0) of a PDF starts, from its one classic cross-reference table (as
    LibreOffice writes); None for a PDF that has none (a cross-reference stream, or updates appended)."""
    xref = _STARTXREF.search(data)
    table = int(xref.group(1)) if xref else -1
    if table < 0 or not data.startswith(b"xref", table) or b"/Prev" in data[table:]:
        return None
    end = data.find(b"trailer", table)
    offsets: dict[int, int] = {}
    number = 0
    for line in data[table + 4:end].splitlines():
        fields = line.split()
        if len(fields) == 2:  # a subsection: its first object number and its length
            number = int(fields[0])
        elif len(fields) == 3:
            if fields[2] == b"n" and fields[1] == b"00000":
                offsets[number] = int(fields[0])
            number += 1
    return offsets


def edited(data: bytes, edits: list[tuple[int, int, bytes]]) -> bytes:
    """``data`` with each (start, end, new bytes) replaced, and the offsets of its cross-reference table
    (and startxref) moved by what the edits before them added; only edits of the same length where the
    file has no single classic table to rewrite."""
    xref = _STARTXREF.search(data)
    table = int(xref.group(1)) if xref else -1
    classic = table >= 0 and data.startswith(b"xref", table) and b"/Prev" not in data[table:]
    if not classic:
        edits = [e for e in edits if e[1] - e[0] == len(e[2])]
    if not edits:
        return data

    def moved(offset: int) -> int:
        return offset + sum(len(new) - (end - start) for start, end, new in edits if end <= offset)

    out, last = [], 0
    for start, end, new in edits:
        out += [data[last:start], new]
        last = end
    out.append(data[last:])
    result = b"".join(out)
    if not classic:
        return result
    assert xref is not None
    new_table = moved(table)
    trailer = result.index(b"trailer", new_table)
    rows = _XREF_ROW.sub(lambda m: (b"%010d" % moved(int(m.group(1))) if m.group(3) == b"n" else m.group(1))
                         + b" " + m.group(2) + b" " + m.group(3), result[new_table:trailer])
    tail = result[trailer:]
    tail = _STARTXREF.sub(lambda m: m.group(0).replace(m.group(1), str(new_table).encode()), tail)
    return result[:new_table] + rows + tail
