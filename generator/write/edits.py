"""Showing a person what they changed in an output: a copy of the bytes we built is kept beside it, and
its text compared with the file as it is now (paragraphs of a Word file, cell values of a workbook)."""
from __future__ import annotations

import difflib
import json
import os
import zipfile
from io import BytesIO
from pathlib import Path

from .outputs import write_atomic

# In the output folder: one file per output, a copy of the bytes we last wrote. Their text is read only when
# an edit is found: working it out for every output as it is written (parsing each document again, loading each
# workbook with openpyxl) cost more than the build's own audit
SNAPSHOTS = ".papers-built"
KEPT = ".built"  # the copy's suffix (not .docx/.xlsx: the copies are not outputs, nothing lists them as such)
LEGACY = ".json"  # what earlier versions kept: {"output": hash, "lines": [the text]}
MAX_DIFF_LINES = 12  # of a diff in the report: enough to see the edit, not a page of text
MAX_LINE = 160
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def text_lines(name: str, data: bytes) -> list[str] | None:
    """What a person sees of an output, one line per paragraph or cell; None for other kinds of file
    (or a file that cannot be read as its kind)."""
    try:
        if name.endswith(".docx"):
            return _paragraphs(data)
        if name.endswith(".xlsx"):
            from ..render.xlsx_cells import cell_lines

            return cell_lines(data)
    except Exception:  # noqa: BLE001  # a file a person saved can be damaged in many ways: no text then
        return None
    return None


def _paragraphs(data: bytes) -> list[str]:
    """The text of each paragraph of a Word document's body, tables included, in order."""
    from lxml import etree

    with zipfile.ZipFile(BytesIO(data)) as package:
        root = etree.fromstring(package.read("word/document.xml"))
    lines = []
    for p in root.iter(f"{_W}p"):
        text = "".join(node.text or "" if node.tag == f"{_W}t" else "\t" for node in p.iter(f"{_W}t", f"{_W}tab"))
        if text.strip():
            lines.append(text)
    return lines


def remember(folder: Path, name: str, data: bytes, digest: str) -> None:
    """Keep a copy of an output we are about to write, for its text later (WriteError when it cannot be
    written). ``digest``: the hash of ``data``, which the manifest records."""
    if not name.endswith((".docx", ".xlsx")):
        return
    write_atomic(folder / SNAPSHOTS / f"{name}{KEPT}", data)
    try:
        os.unlink(folder / SNAPSHOTS / f"{name}{LEGACY}")  # an earlier version's: it describes older bytes
    except OSError:
        pass


def _built_lines(folder: Path, name: str, built: str | None) -> list[str] | None:
    """The text of the output as built, when what is kept is of the bytes hashing to ``built``."""
    from .manifest import bytes_hash

    try:
        kept = (folder / SNAPSHOTS / f"{name}{KEPT}").read_bytes()
    except OSError:
        kept = None
    if kept is not None:
        return text_lines(name, kept) if bytes_hash(kept) == built else None
    try:
        legacy = json.loads((folder / SNAPSHOTS / f"{name}{LEGACY}").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(legacy, dict) or legacy.get("output") != built:
        return None
    return [line for line in legacy.get("lines", []) if isinstance(line, str)]


def edit_diff(folder: Path, name: str, built: str | None) -> list[str]:
    """A short unified diff of an output as built (bytes hashing to ``built``) against the file now;
    empty when the built text is not kept or the file cannot be read."""
    before = _built_lines(folder, name, built)
    try:
        now = text_lines(name, (folder / name).read_bytes()) if before is not None else None
    except OSError:
        return []
    if before is None or now is None:
        return []
    lines = _clipped(list(difflib.unified_diff(before, now, f"{name} as built", f"{name} now", n=0, lineterm="")))
    if len(lines) > MAX_DIFF_LINES:
        lines = lines[:MAX_DIFF_LINES] + [f"... ({len(lines) - MAX_DIFF_LINES} more lines)"]
    return lines


def _clipped(lines: list[str]) -> list[str]:
    """Long paragraphs of a diff cut to the stretch around the change (a removed line and the added line
    that replaces it are cut at the same place, so the changed words show)."""
    out = lines[:2]  # the two file lines
    i = 2
    while i < len(lines):
        if lines[i].startswith("@@"):
            out.append(lines[i])
            i += 1
            continue
        minus = [line[1:] for line in _run(lines, i, "-")]
        i += len(minus)
        plus = [line[1:] for line in _run(lines, i, "+")]
        i += len(plus)
        if not minus and not plus:  # context (none with n=0): as it is
            out.append(lines[i])
            i += 1
        for sign, block, others in (("-", minus, plus), ("+", plus, minus)):
            for j, line in enumerate(block):
                other = others[j] if j < len(others) else ""
                out.append(sign + _clip(line, _first_difference(line, other)))
    return out


def _run(lines: list[str], start: int, sign: str) -> list[str]:
    end = start
    while end < len(lines) and lines[end].startswith(sign):
        end += 1
    return lines[start:end]


def _first_difference(a: str, b: str) -> int:
    n = 0
    for x, y in zip(a, b):
        if x != y:
            break
        n += 1
    return n


def _clip(line: str, at: int) -> str:
    """``line`` cut to MAX_LINE characters around position ``at``."""
    if len(line) <= MAX_LINE:
        return line
    start = max(0, min(at - MAX_LINE // 3, len(line) - MAX_LINE + 2))
    text = line[start:start + MAX_LINE - 2]
    return ("…" if start else "") + text + ("…" if start + len(text) < len(line) else "")


def forget_others(folder: Path, names: set[str]) -> None:
    """Remove the kept copies of outputs the manifest no longer lists."""
    try:
        kept = os.listdir(folder / SNAPSHOTS)
    except OSError:
        return
    for file in kept:
        suffix = next((s for s in (KEPT, LEGACY) if file.endswith(s)), None)
        if suffix is not None and file[:-len(suffix)] not in names:
            try:
                os.unlink(folder / SNAPSHOTS / file)
            except OSError:
                pass
