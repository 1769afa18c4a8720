"""PDF (and recalculated copies) through LibreOffice headless: one start for many files."""
from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from ..errors import PapersError

# Writer's PDF export: tagged (accessibility) and showing the document title in the viewer.
PDF_FILTER = ('pdf:writer_pdf_Export:{"UseTaggedPDF":{"type":"boolean","value":"true"},'
              '"DisplayPDFDocumentTitle":{"type":"boolean","value":"true"},'
              '"ExportBookmarks":{"type":"boolean","value":"true"}}')
PER_FILE_SECONDS = 60


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
            per_file_seconds: int = PER_FILE_SECONDS) -> dict[Path, Path | None]:
    """Convert files with a single LibreOffice start; map each input to its output (None if it failed).

    ``target`` is a LibreOffice --convert-to argument: "pdf" (tagged PDF for Writer
    documents), or e.g. "xlsx" to have Calc load, recalculate and save a workbook.
    """
    if not files:
        return {}
    outdir.mkdir(parents=True, exist_ok=True)
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
    suffix = "." + target.split(":")[0]
    return {f: (outdir / f"{f.stem}{suffix}" if (outdir / f"{f.stem}{suffix}").is_file() else None) for f in files}


def _filter(target: str, sample: Path) -> str:
    if target == "pdf" and sample.suffix.lower() == ".docx":
        return PDF_FILTER
    if target == "pdf" and sample.suffix.lower() == ".xlsx":
        return "pdf:calc_pdf_Export"
    return target


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
