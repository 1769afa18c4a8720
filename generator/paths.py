"""Files a paper names (images, appendices, data files): found beside it, never outside its folder."""
from __future__ import annotations

from pathlib import Path


class OutsideFolder(ValueError):
    """A file name that points outside the paper's folder (its message says so in a clerk's words)."""


def beside(folder: Path, name: str) -> Path:
    """The file ``name`` in ``folder`` (the paper's folder, the meeting folder); OutsideFolder when it is
    absolute or leads out of the folder (``..``, or a link), since a meeting's papers are published together."""
    if not name.strip():
        raise OutsideFolder("no file named")
    candidate = Path(name)
    if candidate.is_absolute() or candidate.drive:
        raise OutsideFolder(f"'{name}': give the name of a file in the paper's folder, not a full path")
    path = folder / candidate
    try:
        path.resolve().relative_to(folder.resolve())
    except ValueError:
        raise OutsideFolder(f"'{name}' is outside the paper's folder: put the file beside the paper") from None
    return path
