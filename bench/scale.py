"""Benchmark: a council's year on one machine, 2,000 papers (issue 15).

    .venv/bin/python bench/scale.py                  # 100 meetings x 20 papers
    .venv/bin/python bench/scale.py --meetings 30 --runs 3 --json scale.json

Generates (fixed seed, bench/synth.py) --meetings meetings of 20 papers, then times whole `papers build`
processes as a user runs them (bench/cycle.py's runner: bytecode cached as Python does, after a warm-up):

- cold build at -j 2 of the first 10 meetings (200 papers, --runs runs) and of all of them (one run, its
  process tree sampled every 20 ms for memory): linear when the ms per paper of the whole is at most 1.15x
  that of the 200 (the runs interleaved, so that other load weighs on both alike);
- the first rebuild after the cold build, with nothing changed: it reads every output once, as the build's
  digests (OUT/.papers-digests) do not yet hold the files just written, and records each meeting in the tree
  index (OUT/.papers-index);
- no-op rebuilds (nothing changed: every meeting answered from the tree index) and rebuilds after one paper's
  text changed (a different report in a different meeting each run: that meeting is built the long way, the
  others come from the index), --runs each, default -j;
- peak memory of the cold build at -j 2: the summed RSS of the whole process tree (the papers process and
  its workers: pages the forked workers share are counted once per process, the strictest reading).
"""
from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import cycle  # noqa: E402
import synth  # noqa: E402
from common import Section, median_detail  # noqa: E402

TARGET_NOOP_S = 0.5
TARGET_ONE_S = 0.6
TARGET_RSS_MB = 300
LINEAR = 1.15  # ms per paper of the whole cycle over that of 200 papers
SMALL = 10  # meetings of the small build the whole is compared with


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--meetings", type=int, default=100, help="meetings of 20 papers (default 100: 2,000 papers)")
    ap.add_argument("--runs", type=int, default=5, help="runs of each timed rebuild (default 5)")
    ap.add_argument("--json", type=Path, metavar="FILE", help="also write the results as one section of "
                    "`make bench`'s table (bench/common.py)")
    ap.add_argument("--keep", type=Path, help="work in this folder and keep it (default: a temporary folder)")
    opts = ap.parse_args()
    if not cycle.PAPERS.exists():
        raise SystemExit(f"bench: {cycle.PAPERS} not found (run `make bench`, which installs the venv)")
    section = Section("scale")
    wall = time.perf_counter()
    work = opts.keep or Path(tempfile.mkdtemp(prefix="papers-scale-"))
    if opts.keep and work.exists():
        shutil.rmtree(work)
    work.mkdir(parents=True, exist_ok=True)
    try:
        _bench(work, opts, section)
    finally:
        if not opts.keep:
            shutil.rmtree(work, ignore_errors=True)
    section.print()
    if opts.json:
        section.write(opts.json)
        print(f"written {opts.json}", end="; ")
    print(f"bench wall time {time.perf_counter() - wall:.1f} s")


def _bench(work: Path, opts: argparse.Namespace, section: Section) -> None:
    cycle.PYCACHE = work / "pycache"
    notes = cycle.Notes()
    inputs = work / "inputs"
    t = time.perf_counter()
    meetings = synth.make_cycle(meetings=opts.meetings)
    files = synth.write_cycle(meetings, inputs)
    n_papers, n_small = len(files), sum(len(m.papers) for m in meetings[:SMALL])
    print(f"generated {len(meetings)} meetings, {n_papers} papers, in {time.perf_counter() - t:.1f} s under {work}",
          flush=True)
    small = [str(inputs / m.folder) for m in meetings[:SMALL]]
    papers = str(cycle.PAPERS)

    warm = cycle.run([papers, "build", small[0], "-o", str(work / "warm-up"), "-j", "2"])  # bytecode, page cache
    cycle.check_build(warm, None, notes)
    shutil.rmtree(work / "warm-up")

    # cold builds: the small one before and after the whole, so that both see the machine as it was
    small_runs = []
    out = work / "out"

    def cold_small(i: int) -> None:
        folder = work / f"small-{i}"
        r = cycle.run([papers, "build", *small, "-o", str(folder), "-j", "2"])
        cycle.check_build(r, folder, notes, expect_built=n_small, expect_papers=n_small)
        small_runs.append(r.seconds)
        shutil.rmtree(folder)

    rounds = max(2, opts.runs // 2)
    for i in range(rounds // 2):
        cold_small(i)
    whole = cycle.run([papers, "build", str(inputs), "-o", str(out), "-j", "2"], sample=True)
    cycle.check_build(whole, out, notes, expect_built=n_papers, expect_papers=n_papers)
    print(f"  cold build, {n_papers} papers, -j 2: {whole.seconds:.1f} s", flush=True)
    for i in range(rounds // 2, rounds):
        cold_small(i)
    per_small = statistics.median(small_runs) / n_small * 1000
    per_whole = whole.seconds / n_papers * 1000
    section.add(f"cold build -j 2, {n_small} papers", statistics.median(small_runs), "s",
                median_detail(small_runs))
    section.add(f"cold build -j 2, {n_papers} papers", whole.seconds, "s", "1 run")
    section.add(f"cold build -j 2, per paper: {n_papers} / {n_small} papers", per_whole / per_small, "x",
                f"{per_whole:.1f} / {per_small:.1f} ms/paper", f"<= {LINEAR}x (linear)", per_whole / per_small <= LINEAR)
    tree = max(whole.maxrss_mb, whole.tree_rss_mb or 0)
    section.add(f"peak RSS, cold -j 2, {n_papers} papers, whole process tree", tree, "MB",
                f"sum over {whole.max_procs} processes (PSS {whole.tree_pss_mb:.0f} MB; largest {whole.maxrss_mb:.0f})",
                f"< {TARGET_RSS_MB} MB", tree < TARGET_RSS_MB)

    first = cycle.run([papers, "build", str(inputs), "-o", str(out)])
    cycle.check_build(first, None, notes, expect_built=0, expect_papers=n_papers)
    section.add("first rebuild after the cold build, nothing changed", first.seconds, "s",
                "1 run; reads every output once")

    def rebuilds(label: str, expect_built: int, before=None) -> tuple[list[float], list[float]]:
        """Wall and CPU seconds of ``opts.runs`` rebuilds, each after ``before(run)`` (an edit), if given."""
        wall, cpu = [], []
        for i in range(opts.runs):
            if before is not None:
                before(i)
            r = cycle.run([papers, "build", str(inputs), "-o", str(out)])
            cycle.check_build(r, None, notes, expect_built=expect_built, expect_papers=n_papers)
            wall.append(r.seconds)
            cpu.append(r.cpu_s)
        print(f"  {label} " + " ".join(f"{s:.2f}" for s in wall), flush=True)
        return wall, cpu

    noop, noop_cpu = rebuilds("no-op rebuild", expect_built=0)
    section.add_timed("no-op rebuild (default -j)", noop, target=f"< {TARGET_NOOP_S} s", limit=TARGET_NOOP_S)
    section.add_timed("no-op rebuild, CPU seconds (what load moves least)", noop_cpu)

    reports = cycle.service_reports(files)

    def revise(i: int) -> None:
        cycle.revise_report(reports[(i * 397 + 11) % len(reports)], i)

    one, one_cpu = rebuilds("one paper changed", expect_built=1, before=revise)
    section.add_timed("one paper changed (default -j)", one, target=f"< {TARGET_ONE_S} s", limit=TARGET_ONE_S)
    section.add_timed("one paper changed, CPU seconds of the process tree", one_cpu)
    for note in notes.items:
        print("note: " + note)


if __name__ == "__main__":
    main()
