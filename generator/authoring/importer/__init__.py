"""``papers import DRAFT.docx``: a Word draft turned into a Markdown paper ready to build.

read.py reads the .docx into neutral blocks, classify.py (with tables.py and inline.py) makes the paper's data
from them, write.py writes the Markdown paper with its finance CSVs and pictures.
"""
from __future__ import annotations

import glob
import re
from dataclasses import dataclass
from pathlib import Path

from ...errors import PapersError, Problem
from .classify import classify
from .read import read_docx
from .write import write


@dataclass(frozen=True)
class ImportResult:
    """What an import wrote, and what it could not place."""

    paper: Path
    files: list[Path]  # everything written, the paper first
    warnings: list[Problem]


def import_docx(draft: Path, out: Path | None = None, force: bool = False) -> ImportResult:
    """Import ``draft`` into ``out`` (default: the draft's folder) as ``<stem>.md``; PapersError when it cannot."""
    if draft.suffix.lower() == ".doc":
        raise PapersError(f"{draft.name}: a Word 97-2003 document (.doc) cannot be read: open it in Word and save "
                          "it as a Word Document (.docx) with File > Save As, then import that file")
    if not draft.is_file():
        raise PapersError(f"{draft}: no such file")
    folder = out if out is not None else draft.parent
    if folder.exists() and not folder.is_dir():
        raise PapersError(f"{folder}: not a folder: give -o the folder to write the paper into")
    stem = draft.stem
    slug = re.sub(r"[^A-Za-z0-9._-]+", "-", stem).strip("-") or "paper"
    # an appendix is found by the name papers build --pdf gives it, beside the imported paper or the draft
    # (then copied beside the paper, which needs it)
    appendices: dict[str, Path] = {}
    for place in (draft.parent, folder):
        if place.is_dir():
            appendices.update((p.name, p) for p in place.glob(f"{glob.escape(stem)}-appendix-*")
                              if p.suffix.lower() in (".pdf", ".docx", ".xlsx") and p.is_file())
    read = read_docx(draft)
    try:
        imported = classify(read, stem, slug, sorted(appendices))
    except RecursionError:  # a document nested beyond reason (tables in tables ...)
        raise PapersError(f"{draft.name}: the document is nested too deeply to import: paste its text into a new "
                          "document and import that") from None
    for name in imported.appendices:
        if appendices[name].parent.resolve() != folder.resolve():
            imported.copies.append((name, appendices[name].read_bytes()))
    written = write(imported, folder / f"{stem}.md", force)
    return ImportResult(written[0], written, imported.warnings)
