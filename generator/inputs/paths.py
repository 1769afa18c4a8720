"""Files a paper names (finance data, images, appendices): found inside its folder only."""
from __future__ import annotations

import difflib
import re
from pathlib import Path, PurePosixPath, PureWindowsPath

from ..model import MEETING_FILE

# C:\..., \\server\share, //server/share: a place on some machine, never beside the paper
_ELSEWHERE = re.compile(r"^([A-Za-z]:|[\\/]{2})")


class DataFileError(Exception):
    """A named file cannot be used; the message says why and what to do (it never quotes the file)."""


def resolve_data_file(base: Path, name: str, suffixes: tuple[str, ...] = (), what: str = "data file") -> Path:
    """The file ``name`` in the folder ``base`` (a meeting's, or a lone paper's), or DataFileError.

    The file must be inside ``base`` once links are followed: a path that leads out of the folder (``..``,
    an absolute or network path, a link to a file elsewhere) would publish files the author never meant to.
    ``suffixes`` (lower case, with the dot) are the kinds of file expected, for "did you mean" hints;
    ``what`` names the file in messages ("image", "appendix file").
    """
    folder = "the meeting folder" if (base / MEETING_FILE).is_file() else "the paper's folder"
    outside = DataFileError(f"{name} is outside {folder}: put the file beside the paper and give its file name")
    if (_ELSEWHERE.match(name) or PurePosixPath(name).is_absolute() or PureWindowsPath(name).is_absolute()
            or ".." in PureWindowsPath(name).parts):
        raise outside
    root = base.resolve()
    path = base / name
    try:
        real = path.resolve()
    except (OSError, RuntimeError):  # a loop of links
        raise outside from None
    if not real.is_relative_to(root):
        raise outside
    if real.is_dir():
        raise DataFileError(f"{name} is a folder, not a {what}")
    if not real.is_file():
        raise DataFileError(f"{what} not found: {name}" + _did_you_mean(path, suffixes))
    return path  # as named, so that messages about its rows name the file the author wrote


def _did_you_mean(path: Path, suffixes: tuple[str, ...]) -> str:
    """A hint naming the file beside ``path`` whose name is closest (a typo, or another case)."""
    try:
        names = [p.name for p in path.parent.iterdir()
                 if p.is_file() and (not suffixes or p.suffix.lower() in suffixes)]
    except OSError:
        return ""
    same = [n for n in names if n.lower() == path.name.lower()]
    close = same or difflib.get_close_matches(path.name, names, n=1, cutoff=0.6)
    return f" (did you mean {close[0]}?)" if close else ""
