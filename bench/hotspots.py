"""Time the three cold-build costs that are neither Markdown nor the audit, in one process (issue 15).

    .venv/bin/python bench/hotspots.py                       # this tree, 5 rounds
    .venv/bin/python bench/hotspots.py --against OLD_SRC     # interleaved with another source tree

On bench/synth.py's cycle (10 meetings x 20 papers, generated once into a temporary folder and built once,
cold, -j 1, in this process, to get the meetings' workbook records), each round times:

- ``xlsx``: build.render_workbook of each meeting from its papers' workbook records (as a build does);
- ``yaml``: inputs.load.load_yaml of every meeting.yaml and paper file;

(these two in CPU seconds of the process, which other processes on a shared machine move least; the rest
in wall seconds)
- ``zip``: render/docx.py's ``_package_bytes`` in a cold -j 1 build, ``yaml_in_build`` its load_yaml calls (the
  build is timed in all as ``build``, its CPU seconds as ``build_cpu``).

``--against OLD_SRC`` (a checkout of the generator before a change, e.g. ``git archive REV | tar -x -C DIR``)
runs one round per process, alternating between OLD_SRC and this tree (``--rounds`` rounds of each), and
prints per part the median time of each and the median of the new / old ratios of neighbouring rounds.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Callable

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

PARTS = ("xlsx", "yaml", "zip", "yaml_in_build", "build", "build_cpu")
_CPU: list[float] = []  # CPU seconds of each cold build in this process


def _timed(owner: Any, name: str, spent: list[float]) -> Callable[[], None]:
    """Wrap ``owner.name`` (and every module's name for it, imported with ``from ... import``) so that its
    calls add their seconds to ``spent``; returns the undo."""
    original = getattr(owner, name)

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        start = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            spent.append(time.perf_counter() - start)

    holders = [m for m in list(sys.modules.values()) if getattr(m, name, None) is original] + [owner]
    for holder in holders:
        setattr(holder, name, wrapper)
    return lambda: [setattr(holder, name, original) for holder in holders] and None


def _cold_build(inputs: Path, out: Path) -> tuple[float, float, float]:
    """Seconds of a cold -j 1 build in this process, of its _package_bytes calls and of its load_yaml calls."""
    from generator import build as b
    from generator.inputs import load
    from generator.render import docx

    if out.exists():
        shutil.rmtree(out)
    zipped: list[float] = []
    loaded: list[float] = []
    undo = [_timed(docx, "_package_bytes", zipped), _timed(load, "load_yaml", loaded)]
    try:
        start, cpu = time.perf_counter(), time.process_time()
        report = b.build([inputs], b.Options(out=out, jobs=1))
        seconds = time.perf_counter() - start
        _CPU.append(time.process_time() - cpu)
    finally:
        for step in undo:
            step()
    if any(r.status == "failed" for m in report.meetings for r in m.papers):
        raise SystemExit("hotspots: the synthetic cycle did not build")
    return seconds, sum(zipped), sum(loaded)


def _records(inputs: Path, out: Path) -> list[list[tuple[Path, dict[str, Any]]]]:
    """Each meeting's workbook records, in agenda order, from the manifests of a build."""
    meetings = []
    for folder in sorted(p for p in out.iterdir() if p.is_dir()):
        outputs = json.loads((folder / ".papers-manifest.json").read_text(encoding="utf-8"))["outputs"]
        records = [(inputs / folder.name / (Path(name).stem + ".yaml"), entry["workbook"])
                   for name, entry in outputs.items() if isinstance(entry.get("workbook"), dict)
                   and entry["workbook"].get("tables")]
        meetings.append(records)
    return meetings


def one_round(work: Path, parts: tuple[str, ...] = PARTS) -> dict[str, float]:
    """One timing of each of ``parts``, in seconds; the first call for ``work`` also generates and builds the
    cycle."""
    from generator import build as b
    from generator.inputs.load import load_yaml

    inputs, out = work / "inputs", work / "out"
    if not inputs.exists():
        import synth

        synth.write_cycle(synth.make_cycle(), inputs)
    if not out.exists():
        _cold_build(inputs, out)  # warm-up: imports, templates read, files in the page cache
    result: dict[str, float] = {}
    template = b.DEFAULT_TEMPLATES / "xlsx" / "budget.xlsx"
    if "xlsx" in parts:
        meetings = _records(inputs, out)
        b.render_workbook(meetings[0], template)  # openpyxl imported, as in every build that writes workbooks
        start = time.process_time()
        for records in meetings:
            b.render_workbook(records, template)
        result["xlsx"] = time.process_time() - start
    if "yaml" in parts:
        files = sorted(inputs.rglob("*.yaml"))
        start = time.process_time()
        for file in files:
            load_yaml(file)
        result["yaml"] = time.process_time() - start
    if {"zip", "yaml_in_build", "build", "build_cpu"} & set(parts):
        result["build"], result["zip"], result["yaml_in_build"] = _cold_build(inputs, work / "cold")
        result["build_cpu"] = _CPU[-1]
    return {part: result[part] for part in parts}


def main() -> None:
    """Print the timings (or the interleaved comparison with --against)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--against", type=Path, help="an older source tree to compare with, interleaved")
    parser.add_argument("--parts", default=",".join(PARTS), help=f"which of {', '.join(PARTS)} (default all)")
    parser.add_argument("--work", type=Path, help=argparse.SUPPRESS)  # a child's shared folder
    parser.add_argument("--json", action="store_true", help=argparse.SUPPRESS)  # a child's one round
    opts = parser.parse_args()
    parts = tuple(p for p in PARTS if p in opts.parts.split(","))
    if opts.json:
        print(json.dumps(one_round(opts.work, parts)))
        return
    work = opts.work or Path(tempfile.mkdtemp(prefix="hotspots-"))
    try:
        if opts.against is None:
            rounds = [one_round(work, parts) for _ in range(opts.rounds)]
            for part in parts:
                values = [r[part] for r in rounds]
                print(f"{part:<6} median {statistics.median(values):.3f} s "
                      f"({min(values):.3f}-{max(values):.3f}) of {len(values)}")
            return
        trees = {"old": opts.against.resolve(), "new": ROOT}
        runs: dict[str, list[dict[str, float]]] = {"old": [], "new": []}
        for i in range(-1, opts.rounds):  # round -1 generates and builds the cycle for each tree: not counted
            for label in (("old", "new") if i % 2 == 0 else ("new", "old")):
                env = dict(os.environ, PYTHONPATH=str(trees[label]))
                done = subprocess.run([sys.executable, __file__, "--json", "--work", str(work / label),
                                       "--parts", ",".join(parts)],
                                      env=env, capture_output=True, text=True, check=False)
                if done.returncode != 0:
                    raise SystemExit(f"hotspots: the {label} round failed:\n{done.stderr[-3000:]}")
                if i >= 0:
                    runs[label].append(json.loads(done.stdout.splitlines()[-1]))
        for part in parts:
            old = [r[part] for r in runs["old"]]
            new = [r[part] for r in runs["new"]]
            ratios = [n / o for n, o in zip(new, old)]
            print(f"{part:<6} old {statistics.median(old):.3f} s  new {statistics.median(new):.3f} s  "
                  f"new/old x{statistics.median(ratios):.2f} ({min(ratios):.2f}-{max(ratios):.2f}) "
                  f"of {len(ratios)} interleaved rounds")
    finally:
        if opts.work is None:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
