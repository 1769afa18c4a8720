"""Showing a person what they changed in an output: the text we built is kept beside it, and compared
with the file as it is now (paragraphs of a Word file, cell values of a workbook)."""
from __future__ import annotations

import difflib
import json
import os
import zipfile
from io import BytesIO
from pathlib import Path

from .outputs import write_atomic

# In the output folder: one file per output, the text of the bytes we last wrote, with their hash
SNAPSHOTS = ".papers-built"
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
            from .render.xlsx_cells import cell_lines

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
    """Keep the text of an output we are about to write (WriteError when it cannot be written)."""
    lines = text_lines(name, data)
    if lines is None:
        return
    write_atomic(folder / SNAPSHOTS / f"{name}.json",
                 json.dumps({"output": digest, "lines": lines}, ensure_ascii=False).encode("utf-8"))


def edit_diff(folder: Path, name: str, built: str | None) -> list[str]:
    """A short unified diff of an output as built (bytes hashing to ``built``) against the file now;
    empty when the built text is not kept or the file cannot be read."""
    try:
        kept = json.loads((folder / SNAPSHOTS / f"{name}.json").read_text(encoding="utf-8"))
        now = text_lines(name, (folder / name).read_bytes())
    except (OSError, ValueError):
        return []
    if not isinstance(kept, dict) or kept.get("output") != built or now is None:
        return []
    before = [line for line in kept.get("lines", []) if isinstance(line, str)]
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
    """Remove the kept text of outputs the manifest no longer lists."""
    try:
        kept = os.listdir(folder / SNAPSHOTS)
    except OSError:
        return
    for file in kept:
        if file.endswith(".json") and file[:-5] not in names:
            try:
                os.unlink(folder / SNAPSHOTS / file)
            except OSError:
                pass
