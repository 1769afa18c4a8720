"""What is read of a font is kept between processes (the user's cache folder), and read again when unsure."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from generator.render import metrics

SAMPLE = "Budget £1,234 (97.68%) Ŵelsh ﬁ"
MEASURE = (
    "import sys, json\n"
    "from generator.render import metrics\n"
    "font = metrics.Font('Arial', 24)\n"
    f"widths = [font.width({SAMPLE!r}), metrics.Font('Arial', 24, bold=True).width({SAMPLE!r})]\n"
    "print(json.dumps({'widths': widths, 'fonttools': 'fontTools' in sys.modules}))\n"
)


def _measure(cache: Path) -> dict:
    env = {**os.environ, "XDG_CACHE_HOME": str(cache)}
    out = subprocess.run([sys.executable, "-c", MEASURE], env=env, capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


def test_a_second_process_measures_the_same_from_what_the_first_kept(tmp_path: Path) -> None:
    first = _measure(tmp_path)
    assert first["fonttools"]  # read from the font file itself
    kept = sorted((tmp_path / "papers").glob("font-*.json"))
    assert len(kept) == 2  # regular and bold are two files
    second = _measure(tmp_path)
    assert second == {"widths": first["widths"], "fonttools": False}
    # and what it kept is what fontTools reads: the advance of every character of the sample, summed by hand
    path, index = metrics.font_file("Arial")
    widths, missing, units = metrics.read_advances(path, index)
    units_sum = sum(widths.get(ord(c), missing) for c in SAMPLE)
    assert first["widths"][0] == -(-units_sum * 240 // units)


@pytest.mark.parametrize("damage", ["cut short", "not json", "wrong shape", "negative units"])
def test_a_damaged_kept_file_is_ignored_and_the_font_read_again(tmp_path: Path, damage: str) -> None:
    first = _measure(tmp_path)
    for kept in (tmp_path / "papers").glob("font-*.json"):
        text = kept.read_text(encoding="utf-8")
        data = json.loads(text)
        kept.write_text({"cut short": text[: len(text) // 2],
                         "not json": "\x00garbage",
                         "wrong shape": json.dumps({**data, "codes": data["codes"][:-1]}),
                         "negative units": json.dumps({**data, "units_per_em": -1})}[damage], encoding="utf-8")
    again = _measure(tmp_path)
    assert again == {"widths": first["widths"], "fonttools": True}
    assert _measure(tmp_path)["fonttools"] is False  # and kept whole again


def test_a_font_file_changed_since_is_read_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path, index = metrics.font_file("Arial")
    copy = tmp_path / "font.ttf"
    shutil.copy(path, copy)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setattr(metrics, "font_file", lambda family, bold=False: (str(copy), index))
    reads: list[str] = []
    real = metrics.read_advances
    monkeypatch.setattr(metrics, "read_advances", lambda p, i: reads.append(p) or real(p, i))
    metrics.forget_fonts()
    try:
        width = metrics.Font("Arial", 24).width(SAMPLE)
        metrics.forget_fonts()
        assert metrics.Font("Arial", 24).width(SAMPLE) == width and len(reads) == 1  # from what was kept
        os.utime(copy, ns=(os.stat(copy).st_atime_ns, os.stat(copy).st_mtime_ns + 10**9))  # a font installed over it
        metrics.forget_fonts()
        assert metrics.Font("Arial", 24).width(SAMPLE) == width and len(reads) == 2
    finally:
        monkeypatch.undo()
        metrics.forget_fonts()


def test_a_cache_folder_that_cannot_be_written_only_costs_time(tmp_path: Path) -> None:
    blocked = tmp_path / "file-not-folder"
    blocked.write_text("x", encoding="utf-8")  # "papers" cannot be made under a file
    first = _measure(blocked)
    assert first["fonttools"] and _measure(blocked) == first
