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
import threading
from collections import deque
from collections.abc import Callable
from pathlib import Path

from ..errors import PapersError
from .lifeline import TIMED_OUT, kill_group, kill_groups_running_with

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
    """Remove the work folders of builds that are no longer running (killed before they could), and stop any
    LibreOffice still running on one: a build killed while it started an instance can leave it behind."""
    for folder in Path(tempfile.gettempdir()).glob(f"{WORK_PREFIX}*-*"):
        pid = folder.name[len(WORK_PREFIX):].split("-")[0]
        if pid.isdigit() and int(pid) != os.getpid() and not _alive(int(pid)):
            kill_groups_running_with(str(folder))
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
OnPdf = Callable[[Path, Path], None]  # called with an input and its PDF as soon as it is converted


def convert(files: list[Path], outdir: Path, target: str = "pdf",
            on_file: OnFile | None = None) -> dict[Path, Path | None]:
    """Convert files with the build's LibreOffice; map each input to its output (None if it failed)."""
    return {f: out if isinstance(out, Path) else None
            for f, out in convert_all(files, outdir, target, on_file).items()}


def convert_all(files: list[Path], outdir: Path, target: str = "pdf", on_file: OnFile | None = None,
                on_pdf: OnPdf | None = None) -> dict[Path, Path | str]:
    """Convert files with the build's LibreOffice instances; map each input to its output, or to why it failed.

    ``target`` is a LibreOffice --convert-to argument: "pdf" (tagged PDF/UA for Writer documents, converted
    by up to :func:`set_instances` LibreOffice instances at once, each file by one of them), or e.g. "xlsx"
    to have Calc load, recalculate and save a workbook. Each file has :func:`per_file_seconds`; a
    LibreOffice that takes longer is stopped, with all it started, and the file reported as not converted.
    ``on_file`` is called with each input once LibreOffice is done with it; ``on_pdf``, where LibreOffice runs
    over UNO, with each input and its PDF as soon as that is made, in the thread that converted it, while
    the other instances go on converting (for work on the PDF that can overlap theirs; it must not raise).
    The result is in the order of ``files``.
    """
    if not files:
        return {}
    outdir.mkdir(parents=True, exist_ok=True)
    seconds = per_file_seconds()
    if target != "pdf":
        return _convert_to(files, outdir, target, seconds, on_file)
    results: dict[Path, Path | str] = {}
    left = files
    # a round ends early only when every instance was stopped (hung): the files left get new ones (started
    # here, in the build's thread), until LibreOffice no longer starts
    while left and (offices := _offices_for(len(left), seconds)):
        results.update(_convert_on(offices, left, outdir, seconds, on_file, on_pdf))
        left = [f for f in left if f not in results]
    if left:
        results.update(_without_uno(left, outdir, seconds, on_file))
    return {f: results[f] for f in files}


def _without_uno(files: list[Path], outdir: Path, seconds: float, on_file: OnFile | None) -> dict[Path, Path | str]:
    """PDFs where no LibreOffice over UNO runs: none if it did not even start (no file of this build is tried
    again), else through ``soffice --convert-to``."""
    if _hung is not None:
        for f in files if on_file is not None else []:
            on_file(f)
        return {f: not_finished(f, _hung) + " (it did not start)" for f in files}
    return _convert_to(files, outdir, "pdf", seconds, on_file)


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


def _convert_on(offices: list[_Office], files: list[Path], outdir: Path, seconds: float,
                on_file: OnFile | None, on_pdf: OnPdf | None = None) -> dict[Path, Path | str]:
    """Convert ``files`` on ``offices``, one thread per instance, each taking the next file when it is done.

    A file that takes longer than ``seconds`` (or whose LibreOffice dies) stops that instance, with all it
    started, and is reported as not converted; the other instances go on with the rest. Files that no
    instance took (all were stopped) are left out of the result."""
    todo = deque(files)
    results: dict[Path, Path | str] = {}
    lock = threading.Lock()  # guards todo and results, and keeps on_file (progress) calls one at a time

    def take() -> Path | None:
        with lock:
            return todo.popleft() if todo else None

    def done(file: Path, result: Path | str) -> None:
        with lock:
            results[file] = result
            if on_file is not None:
                on_file(file)

    def work(office: _Office) -> None:
        while (file := take()) is not None:
            result = office.convert_one(file, outdir, seconds)
            if result is None:  # hung or gone: it is stopped, and the others go on
                gone = office.proc.poll() is not None
                _retire(office)
                done(file, "LibreOffice stopped while converting it" if gone else not_finished(file, seconds))
                return
            if on_pdf is not None and isinstance(result, Path):
                on_pdf(file, result)
            done(file, result)

    threads = [threading.Thread(target=work, args=(office,), name="papers-pdf", daemon=True)
               for office in offices[1:]]
    for thread in threads:
        thread.start()
    work(offices[0])
    for thread in threads:
        thread.join()
    return results


class _Office:
    """One LibreOffice kept running for the whole build, driven by uno_worker.py: every conversion it is
    given (papers, then the agenda once their page numbers are known) shares its one start. A build runs
    up to :func:`set_instances` of them, each with its own profile, work folder and pipe.

    The worker and LibreOffice die with the build (lifeline.py); a file that takes longer than its
    time limit stops both, and the build goes on without them."""

    def __init__(self, seconds: float, wait: bool = True) -> None:
        self.owner = os.getpid()
        self.work = work_folder()
        self.office: int | None = None  # LibreOffice's process group, once it is up
        # a private profile and pipe: concurrent builds, instances and a user's open LibreOffice never collide
        pipe = f"papers-{os.getpid()}-{os.path.basename(self.work.name)}"
        self.proc = subprocess.Popen(
            [UNO_PYTHON, str(_HERE / "uno_worker.py"), soffice(), self.work.name, pipe, str(os.getpid()),
             str(seconds)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
            env=office_env(), start_new_session=True)  # its own group: not stopped half-way by a Ctrl-C
        if wait:
            self.wait_ready(seconds)

    def wait_ready(self, seconds: float) -> None:
        """Wait until LibreOffice answers (its start has ``seconds``, and 5 more for the worker's own)."""
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

    def convert_one(self, file: Path, outdir: Path, seconds: float) -> Path | str | None:
        """Convert one file: its PDF, why LibreOffice could not convert it, or None when LibreOffice did not
        answer within ``seconds`` (hung) or is gone (the caller stops it)."""
        dst = outdir / f"{file.stem}.pdf"
        pdf_filter, data = _pdf_export(file)
        request = {"src": str(file.resolve()), "dst": str(dst.resolve()), "filter": pdf_filter, "data": data}
        assert self.proc.stdin is not None
        try:
            self.proc.stdin.write(json.dumps(request) + "\n")
            self.proc.stdin.flush()
            reply = self._reply(seconds)
        except OSError:
            reply = None
        if reply is None:
            return None
        return dst if reply.get("ok") and dst.is_file() else "LibreOffice could not convert it"

    def convert(self, files: list[Path], outdir: Path, seconds: float,
                on_file: OnFile | None = None) -> dict[Path, Path | str]:
        """Convert ``files`` one after the other on this instance (see :func:`_convert_on`)."""
        return _convert_on([self], files, outdir, seconds, on_file)

    def kill(self) -> None:
        """Stop the worker and LibreOffice at once, however they are (hung, say)."""
        if self.office:
            kill_group(self.office)
        kill_group(self.proc.pid)
        self.proc.wait()
        if not self.office:  # stopped before it said which LibreOffice it started: found by its profile
            kill_groups_running_with(self.work.name)
        self.work.cleanup()


class _NotStarted(OSError):
    """LibreOffice did not start within the time limit (and was stopped)."""

    def __init__(self, seconds: float) -> None:
        super().__init__(seconds)
        self.seconds = seconds


_instances = 1  # how many LibreOffice instances may convert at once (set_instances: the build's -j)
_offices: list[_Office] = []  # the running instances, started on first use
_pending: list[_Office] = []  # started ahead of their first file (prestart), not yet known to be up
_start_failed = False  # an instance did not start in this build: no more are started alongside the others
_unavailable = False  # no UNO in this build: soffice --convert-to converts
_hung: float | None = None  # the time limit LibreOffice did not start within, in this build
_pool_lock = threading.Lock()
_registered = False


def set_instances(count: int) -> None:
    """Let up to ``count`` LibreOffice instances convert at once (the build's -j), each started on first use,
    with its own profile: one instance converts one document at a time."""
    global _instances
    _instances = max(1, count)


def prestart(files: int) -> None:
    """Start the instances that ``files`` conversions will use now, without waiting for them: LibreOffice's
    start (seconds, most of it waiting) goes on while the build makes the Word files. Nothing when UNO
    cannot be used or LibreOffice is not installed (the conversion then says so)."""
    global _registered
    with _pool_lock:
        if _unavailable or _start_failed or os.environ.get("PAPERS_NO_UNO") or not os.access(UNO_PYTHON, os.X_OK) \
                or not (shutil.which("soffice") or shutil.which("libreoffice")):
            return
        missing = min(_instances, files) - len(_offices) - len(_pending)
        _pending.extend(_Office(per_file_seconds(), wait=False) for _ in range(missing))
        if _pending and not _registered:
            atexit.register(finish)
            _registered = True


def _offices_for(files: int, seconds: float) -> list[_Office]:
    """The instances to convert ``files`` files with, started (side by side) up to what is allowed and useful;
    none where UNO cannot be used or LibreOffice does not start."""
    global _unavailable
    with _pool_lock:
        if _unavailable:
            return []
        if os.environ.get("PAPERS_NO_UNO") or not os.access(UNO_PYTHON, os.X_OK):
            _unavailable = True
            return []
        wanted = min(_instances, files)
        pending = list(_pending)
        _pending.clear()
        missing = 0 if _start_failed and _offices else wanted - len(_offices) - len(pending)  # no second try
    _add(_confirmed(pending, seconds) + _start(missing, seconds))
    with _pool_lock:
        return list(_offices[:wanted])


def _start(count: int, seconds: float) -> list[_Office | OSError]:
    """Start ``count`` instances side by side: each, or why it failed.

    Started from the calling thread, which must outlive them: Linux's parent-death signal, which ends an
    instance when its build dies (lifeline.py), is sent when the *thread* that started it ends."""
    if count <= 0:
        return []
    soffice()  # LibreOffice not installed: said at once
    return _confirmed([_Office(seconds, wait=False) for _ in range(count)], seconds)


def _confirmed(spawned: list[_Office], seconds: float) -> list[_Office | OSError]:
    """Each of ``spawned`` once it is up, or why it did not start."""
    results: list[_Office | OSError] = []
    for office in spawned:  # they all start meanwhile: waiting for one after the other costs nothing
        try:
            office.wait_ready(seconds)
            results.append(office)
        except OSError as exc:
            results.append(exc)
    return results


def _add(started: list[_Office | OSError]) -> None:
    """Take started instances into the build's; when none runs and one failed, UNO is given up on."""
    global _unavailable, _hung, _registered, _start_failed
    with _pool_lock:
        _offices.extend(s for s in started if isinstance(s, _Office))
        if _offices and not _registered:
            atexit.register(finish)
            _registered = True
        failures = [s for s in started if not isinstance(s, _Office)]
        _start_failed = _start_failed or bool(failures)
        if failures and not _offices:
            # hung at start: another start would hang too; else soffice --convert-to starts once per batch
            hung = [f.seconds for f in failures if isinstance(f, _NotStarted)]
            _unavailable, _hung = True, (hung[0] if hung else None)


def _retire(office: _Office) -> None:
    """Stop an instance (hung, say) and take it out of the build's."""
    with _pool_lock:
        if office in _offices:
            _offices.remove(office)
    office.kill()


def finish() -> None:
    """Stop the LibreOffice instances a build started (at the end of the build); the next build tries UNO
    again."""
    global _unavailable, _hung, _start_failed
    with _pool_lock:
        offices, pending = list(_offices), list(_pending)
        _offices.clear()
        _pending.clear()
    # stopped at once, not asked to quit: their profiles and files are thrown away with their work folders,
    # and a LibreOffice that quits takes a third of a second
    for office in pending + offices:
        if office.owner == os.getpid():  # not from a forked copy of the build: the parent's own go with it
            office.kill()
    with _pool_lock:
        _unavailable, _hung, _start_failed = False, None, False


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
