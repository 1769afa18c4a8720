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
import signal
import subprocess
import tempfile
from collections.abc import Callable
from pathlib import Path

from ..errors import PapersError

# Writer's PDF export: tagged (accessibility) and showing the document title in the viewer.
PDF_FILTER_DATA = {"UseTaggedPDF": True, "DisplayPDFDocumentTitle": True, "ExportBookmarks": True}
PER_FILE_SECONDS = 60
# the Python with LibreOffice's UNO bridge (Debian: python3-uno), which the virtualenv's may not be
UNO_PYTHON = os.environ.get("PAPERS_UNO_PYTHON", "/usr/bin/python3")


class LibreOfficeMissing(PapersError):
    """LibreOffice is needed (for --pdf) but not installed."""


def soffice() -> str:
    """Path of the LibreOffice binary, or a clear error."""
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if not found:
        raise LibreOfficeMissing("LibreOffice is not installed: apt-get install libreoffice-writer-nogui "
                                 "libreoffice-calc-nogui (or build without --pdf)")
    return found


def convert(files: list[Path], outdir: Path, target: str = "pdf",
            per_file_seconds: int = PER_FILE_SECONDS,
            on_file: Callable[[Path], None] | None = None) -> dict[Path, Path | None]:
    """Convert files with a single LibreOffice start; map each input to its output (None if it failed).

    ``target`` is a LibreOffice --convert-to argument: "pdf" (tagged PDF for Writer
    documents), or e.g. "xlsx" to have Calc load, recalculate and save a workbook.
    ``on_file`` is called with each input once LibreOffice is done with it (for progress).
    """
    if not files:
        return {}
    outdir.mkdir(parents=True, exist_ok=True)
    office = _office() if target == "pdf" else None
    if office is not None:
        return office.convert(files, outdir, per_file_seconds, on_file)
    with tempfile.TemporaryDirectory(prefix="papers-lo-") as profile:
        # a private profile: concurrent builds and a user's open LibreOffice never collide
        args = [soffice(), f"-env:UserInstallation=file://{profile}", "--headless", "--norestore",
                "--nolockcheck", "--convert-to", _filter(target, files[0]), "--outdir", str(outdir)]
        try:
            subprocess.run(args + [str(f) for f in files], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                           timeout=per_file_seconds * len(files) + 30, check=False,
                           env={**os.environ, "SAL_USE_VCLPLUGIN": "svp"})
        except subprocess.TimeoutExpired:
            pass  # whatever was converted stands; the rest is reported as failed
    for f in files if on_file is not None else []:  # one soffice run converts them all
        on_file(f)
    suffix = "." + target.split(":")[0]
    return {f: (outdir / f"{f.stem}{suffix}" if (outdir / f"{f.stem}{suffix}").is_file() else None) for f in files}


class _Office:
    """One LibreOffice kept running for the whole build, driven by uno_worker.py: every conversion of
    a build (the papers, then the agenda once their page numbers are known) shares one start."""

    def __init__(self) -> None:
        self.owner = os.getpid()
        self.profile = tempfile.TemporaryDirectory(prefix="papers-lo-")
        # a private profile and pipe: concurrent builds and a user's open LibreOffice never collide
        pipe = f"papers-{os.getpid()}-{os.path.basename(self.profile.name)}"
        self.proc = subprocess.Popen(
            [UNO_PYTHON, str(Path(__file__).with_name("uno_worker.py")), soffice(), self.profile.name, pipe],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
            start_new_session=True)  # its own process group: a timeout kills LibreOffice with it
        ready = self._reply(90)
        if not (ready or {}).get("ready"):
            self.close()
            raise OSError("LibreOffice over UNO is not available")

    def _reply(self, seconds: float) -> dict | None:
        assert self.proc.stdout is not None
        readable, _, _ = select.select([self.proc.stdout], [], [], seconds)
        line = self.proc.stdout.readline() if readable else ""
        try:
            return json.loads(line) if line else None
        except ValueError:
            return None

    def convert(self, files: list[Path], outdir: Path, per_file_seconds: int,
                on_file: Callable[[Path], None] | None = None) -> dict[Path, Path | None]:
        out: dict[Path, Path | None] = {}
        for n, f in enumerate(files):
            dst = outdir / f"{f.stem}.pdf"
            pdf_filter, data = _pdf_export(f)
            request = {"src": str(f.resolve()), "dst": str(dst.resolve()), "filter": pdf_filter, "data": data}
            assert self.proc.stdin is not None
            try:
                self.proc.stdin.write(json.dumps(request) + "\n")
                self.proc.stdin.flush()
                reply = self._reply(per_file_seconds)
            except OSError:
                reply = None
            if reply is None:  # hung or gone: stop it; the rest go through soffice --convert-to
                _give_up()
                out[f] = None
                if on_file is not None:
                    on_file(f)
                out.update(convert(files[n + 1:], outdir, "pdf", per_file_seconds, on_file))
                return out
            out[f] = dst if reply.get("ok") and dst.is_file() else None
            if on_file is not None:
                on_file(f)
        return out

    def close(self) -> None:
        if os.getpid() != self.owner:  # a forked copy of the build process: the parent owns it
            return
        if self.proc.poll() is None:
            try:
                assert self.proc.stdin is not None
                self.proc.stdin.close()  # the worker then stops LibreOffice
                self.proc.wait(timeout=30)
            except (OSError, subprocess.TimeoutExpired):
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        self.profile.cleanup()


_running: _Office | None = None
_unavailable = False


def _office() -> _Office | None:
    """The build's LibreOffice over UNO, started on first use; None where UNO cannot be used."""
    global _running, _unavailable
    if _running is None and not _unavailable:
        if os.environ.get("PAPERS_NO_UNO") or not os.access(UNO_PYTHON, os.X_OK):
            _unavailable = True
            return None
        try:
            _running = _Office()
            atexit.register(_stop_office)
        except OSError:
            _unavailable = True  # soffice --convert-to then starts once per batch
    return _running


def _stop_office() -> None:
    global _running
    if _running is not None:
        office, _running = _running, None
        office.close()


def _give_up() -> None:
    global _unavailable
    _unavailable = True
    _stop_office()


def finish() -> None:
    """Stop the LibreOffice a build started (at the end of the build)."""
    _stop_office()


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


_PDF_DATE = re.compile(rb"(/(?:CreationDate|ModDate)\s*\(D:)(\d{14})")
# the trailer's file identifier (random) and LibreOffice's /DocChecksum (of the bytes with the time in them)
_PDF_ID = re.compile(rb"/ID\s*\[\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>|/DocChecksum\s*/([0-9A-Fa-f]+)")


def fixed_pdf(data: bytes, date: dt.date) -> bytes:
    """A LibreOffice PDF made reproducible: its dates set to ``date`` (as the Word files' are) and its file
    identifier and checksum derived from its content, instead of the time of the conversion.

    Everything is rewritten in place with as many bytes, so the cross-reference offsets stay right.
    """
    stamp = f"{date:%Y%m%d}000000".encode()
    data = _PDF_DATE.sub(lambda m: m.group(1) + stamp, data)
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
