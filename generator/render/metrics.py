"""How wide a text is in a template's font, for fitting table columns to their content.

The font is measured from the file LibreOffice itself would draw it with: fontconfig's choice for the
family (``fc-match``; on Debian, Arial resolves to Liberation Sans, which has Arial's metrics), read
with fontTools. Glyph advances are summed; kerning is ignored, which can only overestimate a width.

Without fontconfig or a readable font file the widths are an approximation, stated here so that it can
be checked: every character counts 0.6 em (bold 0.65 em), wider than the average letter of the common
sans-serif fonts, so columns come out slightly wide rather than too narrow.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
from dataclasses import dataclass
from functools import lru_cache
from itertools import repeat
from pathlib import Path

APPROX_EM = 600  # the fallback's width of any character, in 1/1000 em
APPROX_BOLD_EM = 650


@dataclass(frozen=True)
class Font:
    """A family at a size (half-points, as ``w:sz``), regular or bold."""

    family: str
    half_points: int
    bold: bool = False

    def width(self, text: str) -> int:
        """Width of ``text`` on one line, in twips (rounded up)."""
        # the same words and figure shapes come back in every table of every paper: measured once each
        known = _measured(self.family, self.half_points, self.bold)
        width = known.get(text)
        if width is None:
            if len(known) >= _MEASURED_MAX:  # a 100,000-row table of distinct texts: memory stays bounded
                known.clear()
            width = known[text] = self._width(text)
        return width

    def _width(self, text: str) -> int:
        advances = _advances(self.family, self.bold)
        twips_per_em = self.half_points * 10  # 1 pt = 20 twips, half-points / 2 * 20
        if advances is None:
            em = APPROX_BOLD_EM if self.bold else APPROX_EM
            return -(-len(text) * em * twips_per_em // 1000)
        widths, default, units_per_em = advances
        units = sum(map(widths.get, map(ord, text), repeat(default)))  # (C speed: 100,000-row tables)
        return -(-units * twips_per_em // units_per_em)

    @property
    def tabular_figures(self) -> bool:
        """Whether every digit has one width (so "1,094" and "8,888" are as wide): true of the approximation."""
        return _tabular_figures(self.family, self.bold)

    @property
    def measured(self) -> bool:
        """Whether widths come from a font file (False: the documented approximation)."""
        return _advances(self.family, self.bold) is not None


def font_file(family: str, bold: bool = False) -> tuple[str, int] | None:
    """(file, face index) fontconfig gives for a family, as LibreOffice would find it; None without fontconfig."""
    fc_match = shutil.which("fc-match")
    if fc_match is None:
        return None
    pattern = f"{family}:bold" if bold else family
    try:
        found = subprocess.run([fc_match, "-f", "%{file}|%{index}", pattern], capture_output=True, text=True,
                               timeout=20, check=False).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    path, _, index = found.partition("|")
    return (path, int(index or 0)) if path else None


_MEASURED_MAX = 50_000


def forget_fonts() -> None:
    """Drop what was read and measured of the fonts (the next width looks the font up again)."""
    for cached in (_advances, _measured, _tabular_figures):
        cached.cache_clear()


@lru_cache(maxsize=None)
def _measured(family: str, half_points: int, bold: bool) -> dict[str, int]:
    """The widths measured so far in one font at one size: text -> twips."""
    return {}


@lru_cache(maxsize=None)
def _tabular_figures(family: str, bold: bool) -> bool:
    advances = _advances(family, bold)
    return advances is None or len({advances[0].get(ord(d), advances[1]) for d in "0123456789"}) == 1


Advances = tuple[dict[int, int], int, int]  # {code point: advance}, a missing glyph's advance, units per em


@lru_cache(maxsize=None)
def _advances(family: str, bold: bool) -> Advances | None:
    """{code point: advance}, the advance of a missing glyph, and units per em; None when no file can be read."""
    found = font_file(family, bold)
    if found is None:
        return None
    path, index = found
    kept = _kept_file(path, index)
    if kept is not None:
        known = _read_kept(kept)
        if known is not None:
            return known
    read = read_advances(path, index)
    if read is not None and kept is not None:
        _keep(kept, read)
    return read


def read_advances(path: str, index: int) -> Advances | None:
    """The advances of a font file, read with fontTools (None: not a TrueType or OpenType font)."""
    from fontTools.ttLib import TTFont, TTLibError

    try:
        font = TTFont(path, fontNumber=index, lazy=True)
        metrics = font["hmtx"].metrics
        cmap = font.getBestCmap() or {}
        units_per_em = int(font["head"].unitsPerEm)
    except (OSError, TTLibError, KeyError, AssertionError, ValueError):
        return None  # a bitmap or Type 1 font: fontTools reads only TrueType and OpenType
    missing = metrics.get(".notdef", (units_per_em // 2, 0))[0]
    return {code: metrics[name][0] for code, name in cmap.items() if name in metrics}, missing, units_per_em


# Reading a font with fontTools costs every process about 20 ms (most of a one-paper rebuild's font work), so
# what was read is kept, as fontconfig keeps its own cache: in the user's cache folder, one file per font
# file, named after the file's path and status, so that a font installed over it is read again.
KEPT_FORMAT = 1


def cache_folder() -> Path:
    """Where papers keeps what it can read again: $XDG_CACHE_HOME/papers, else ~/.cache/papers."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "papers"


def _kept_file(path: str, index: int) -> Path | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    key = f"{KEPT_FORMAT}|{os.path.abspath(path)}|{index}|{st.st_dev}|{st.st_ino}|{st.st_size}|{st.st_mtime_ns}"
    return cache_folder() / f"font-{hashlib.sha256(key.encode('utf-8')).hexdigest()[:32]}.json"


def _read_kept(kept: Path) -> Advances | None:
    """What :func:`_keep` wrote; None when it is missing or not whole (then the font is read again)."""
    try:
        data = json.loads(kept.read_bytes())
        codes, widths = data["codes"], data["widths"]
        missing, units_per_em = data["missing"], data["units_per_em"]
        if (data["format"] != KEPT_FORMAT or len(codes) != len(widths) or not all(
                isinstance(v, int) and not isinstance(v, bool) for v in (*codes, *widths, missing, units_per_em))
                or units_per_em <= 0):
            return None
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return dict(zip(codes, widths)), missing, units_per_em


def _keep(kept: Path, advances: Advances) -> None:
    widths, missing, units_per_em = advances
    data = {"format": KEPT_FORMAT, "missing": missing, "units_per_em": units_per_em,
            "codes": list(widths), "widths": list(widths.values())}
    try:
        kept.parent.mkdir(parents=True, exist_ok=True)
        tmp = kept.with_name(f".{kept.name}.{os.getpid()}.tmp")
        tmp.write_text(json.dumps(data, separators=(",", ":")), encoding="utf-8")
        os.replace(tmp, kept)  # whole or not there: a build killed while writing leaves no half file
    except OSError:
        pass  # a read-only home: the font is read each time, as before
