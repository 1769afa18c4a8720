"""Builds killed at random moments (kill -9), each followed by a normal build that must give exactly
what a clean build of the same inputs gives, byte for byte (issue 16.1's kill loop)."""
from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import EXAMPLE, EXAMPLE_AS, ROOT, run_papers, statuses

NAME = EXAMPLE.name
REPORT = "05-central-services"
BRIEFING = "06-change-and-improvement"

# Three versions of the meeting's inputs: the example, new figures and text in both papers, and a new title
# too (the agenda and the pack's bookmarks change). A killed build goes from one to another; the build
# after it carries on to the same inputs, or the clerk has reverted them.
CHANGES: dict[str, list[tuple[str, str, str]]] = {
    "A": [],
    "B": [(f"{REPORT}-finance.csv", "Strategy,333", "Strategy,334"),
          (f"{REPORT}.yaml", "I am delighted", "I am pleased"),
          (f"{BRIEFING}.yaml", "Since taking on", "Since starting")],
    "C": [(f"{REPORT}-finance.csv", "Legal Services,2013", "Legal Services,2113"),
          (f"{REPORT}.yaml", "title: Report of", "title: Revised report of"),
          (f"{BRIEFING}.yaml", "Since taking on", "Since taking up")],
}


def _variants(root: Path) -> dict[str, Path]:
    """Each version of the inputs in its own folder, all named as the example (OUT/<name> is the same)."""
    folders = {}
    for key, changes in CHANGES.items():
        folder = root / key / NAME
        shutil.copytree(EXAMPLE, folder)
        for file, old, new in changes:
            text = (folder / file).read_text(encoding="utf-8")
            assert old in text, (file, old)
            (folder / file).write_text(text.replace(old, new, 1), encoding="utf-8")
        folders[key] = folder
    return folders


def _outputs(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file() and not p.name.startswith(".")}


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp") or p.name.startswith(".papers-pdf-")
                  or p.name == ".papers-pending")


def _build(inputs: Path, out: Path, extra: tuple[str, ...]) -> str:
    result = run_papers("build", inputs, "-o", out, "-j", "1", *extra)
    assert result.exit_code == 0, result.output
    return result.output


def _kill_loop(variants: dict[str, Path], out: Path, references: dict[str, dict[str, bytes]], kills: int,
               extra: tuple[str, ...], rng: random.Random) -> int:
    """Kill ``kills`` builds at random moments, checking the build after each; returns how many were killed
    while writing (after their first output was written, before they recorded what they wrote)."""
    keys = sorted(references)
    current = keys[0]
    command = [sys.executable, "-m", "generator", "build", "-o", str(out), *extra]
    journal = out / NAME / ".papers-pending"
    # how long a whole build takes, and its writing (from its first output to the end), to kill within them
    started = time.monotonic()
    first = subprocess.Popen(command + [str(variants[current]), "-j", "1"], cwd=ROOT, stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL)
    while not journal.exists() and first.poll() is None:
        time.sleep(0.002)
    writing = time.monotonic()
    assert first.wait() == 0
    duration = time.monotonic() - started
    writing = time.monotonic() - writing
    landed = 0
    for n in range(kills):
        target = rng.choice([k for k in keys if k != current])
        # its own process group, as a terminal's job: the kill takes the workers (-j 2) with it
        proc = subprocess.Popen(command + [str(variants[target]), "-j", rng.choice(["1", "2"])], cwd=ROOT,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        begun = time.monotonic()
        if n % 2:  # every other kill at a random moment of the writing (the rest: of the whole build)
            while not journal.exists() and proc.poll() is None and time.monotonic() - begun < 2 * duration:
                time.sleep(0.002)
            time.sleep(rng.uniform(0.0, 0.5) * writing)
        else:
            time.sleep(rng.uniform(0.0, 1.0) * duration)
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        landed += journal.exists()  # it had written outputs it had not yet recorded
        then = rng.choice([target, current])  # carry on with the same inputs, or the clerk reverted them
        report = _build(variants[then], out, extra)
        assert "skipped" not in statuses(report).values() and "edited" not in report, f"kill {n}: {report}"
        got = _outputs(out / NAME)
        assert sorted(got) == sorted(references[then]), f"kill {n}"
        for name in got:
            assert got[name] == references[then][name], f"kill {n} (to {target}, then {then}): {name} differs"
        assert _leftovers(out / NAME) == [], f"kill {n}"
        current = then
    print(f"kill loop {extra}: {landed} of {kills} kills landed while writing; a whole build took {duration:.1f} s, "
          f"its writing {writing:.1f} s")
    return landed


def test_builds_killed_at_random_moments_leave_what_a_clean_build_gives(tmp_path: Path) -> None:
    variants = _variants(tmp_path / "in")
    references = {key: _outputs(_clean(folder, tmp_path / f"ref-{key}", ())) for key, folder in variants.items()}
    landed = _kill_loop(variants, tmp_path / "out", references, 16, (), random.Random(16))
    assert landed >= 5, f"only {landed} of 16 kills landed while the build was writing"


@pytest.mark.libreoffice
def test_pdf_builds_killed_at_random_moments_leave_what_a_clean_build_gives(tmp_path: Path, pdf_build: Path) -> None:
    variants = _variants(tmp_path / "in")
    del variants["C"]  # two versions are enough for the slower --pdf builds
    # the session's clean --pdf build of the example is version A's
    references = {"A": _outputs(pdf_build), "B": _outputs(_clean(variants["B"], tmp_path / "ref-B", ("--pdf",)))}
    assert {f"{EXAMPLE_AS}-pack.pdf", f"{EXAMPLE_AS}-agenda.pdf", f"{REPORT}.pdf"} <= set(references["A"])
    landed = _kill_loop(variants, tmp_path / "out", references, 4, ("--pdf",), random.Random(9))
    assert landed >= 1, f"only {landed} of 4 kills landed while the build was writing"  # with the 16 above: 20


def _clean(inputs: Path, out: Path, extra: tuple[str, ...]) -> Path:
    """A clean build of ``inputs`` into ``out``; returns OUT/<meeting>."""
    _build(inputs, out, extra)
    return out / NAME
