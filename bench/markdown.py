"""Benchmark: the Markdown pass, old (markdown-it-py reading everything) against new (the fast path of
generator/inputs/markdown_fast.py, linkify-it reading from the first possible address), issue 15.

    .venv/bin/python bench/markdown.py               # both parts, 5 rounds each
    .venv/bin/python bench/markdown.py --rounds 9 --keep DIR   # more rounds; keep the cycle in DIR

1. texts: every body text, recommendation and cell that a build of bench/synth.py's 200-paper cycle
   parses (recorded from a `papers check` of it, in order, with the heading level each follows), parsed
   in one process by the old code path (markdown._parse_slow / _parse_inline_slow) and by the new one
   (markdown.parse / parse_inline), interleaved A, B, A, B...: median seconds of each and the median of
   the per-round ratios. Both return the same blocks (checked here on every text; tests/test_markdown_fast.py
   checks thousands of others).
2. build: a cold `-j 1` build of the cycle in one process (generator.build.build, a fresh output folder
   each run), with parse/parse_inline timed in place; the old path is the new build with the old
   functions put in their place. Each run is its own process, old and new alternating.

The machine may be shared: compare the ratios, not the seconds; the load average is printed.
"""
from __future__ import annotations

import argparse
import json
import os
import pickle
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

import synth  # noqa: E402
from common import load_average, work_folder  # noqa: E402


def _functions(variant: str):  # type: ignore[no-untyped-def]
    from generator.inputs import markdown
    if variant == "old":
        return markdown._parse_slow, markdown._parse_inline_slow
    return markdown.parse, markdown.parse_inline


def record(cycle: Path, calls_file: Path) -> None:
    """Every parse of a `papers check` of the cycle, as (kind, text, under), into ``calls_file``."""
    from generator.build import Options, build
    from generator.inputs import markdown
    calls: list[tuple[str, str, int | None]] = []
    parse, parse_inline = markdown.parse, markdown.parse_inline

    def recorded(text: str, under: int | None = None):  # type: ignore[no-untyped-def]
        calls.append(("p", text, under))
        return parse(text, under)

    def recorded_inline(text: str):  # type: ignore[no-untyped-def]
        calls.append(("i", text, None))
        return parse_inline(text)

    markdown.parse, markdown.parse_inline = recorded, recorded_inline  # type: ignore[assignment]
    build(sorted(p for p in cycle.iterdir() if p.is_dir()), Options(write=False, jobs=1))
    calls_file.write_bytes(pickle.dumps(calls))


def time_texts(calls_file: Path, rounds: int) -> dict[str, object]:
    calls = pickle.loads(calls_file.read_bytes())
    old, new = _functions("old"), _functions("new")
    for kind, text, under in calls:  # the same results, and everything imported and compiled before timing
        same = old[0](text, under) == new[0](text, under) if kind == "p" else old[1](text) == new[1](text)
        if not same:
            raise SystemExit(f"old and new differ on {text[:200]!r}")

    def once(functions) -> float:  # type: ignore[no-untyped-def]
        parse, parse_inline = functions
        start = time.perf_counter()
        for kind, text, under in calls:
            if kind == "p":
                parse(text, under)
            else:
                parse_inline(text)
        return time.perf_counter() - start

    times: dict[str, list[float]] = {"old": [], "new": []}
    for r in range(rounds):
        for variant in (("old", "new") if r % 2 == 0 else ("new", "old")):
            times[variant].append(once(old if variant == "old" else new))
    ratios = [n / o for n, o in zip(times["new"], times["old"])]
    return {"calls": len(calls), "distinct": len({c[1] for c in calls}), "old": times["old"], "new": times["new"],
            "ratio": statistics.median(ratios)}


def child_build(variant: str, cycle: Path, out: Path) -> None:
    """One cold -j 1 build in this process; prints {"build", "parse", "calls"} as JSON."""
    from generator.build import Options, build
    from generator.inputs import markdown
    parse, parse_inline = _functions(variant)
    spent = [0.0, 0]

    def timed(text: str, under: int | None = None):  # type: ignore[no-untyped-def]
        start = time.perf_counter()
        try:
            return parse(text, under)
        finally:
            spent[0] += time.perf_counter() - start
            spent[1] += 1

    def timed_inline(text: str):  # type: ignore[no-untyped-def]
        start = time.perf_counter()
        try:
            return parse_inline(text)
        finally:
            spent[0] += time.perf_counter() - start
            spent[1] += 1

    markdown.parse, markdown.parse_inline = timed, timed_inline  # type: ignore[assignment]
    start = time.perf_counter()
    report = build(sorted(p for p in cycle.iterdir() if p.is_dir()), Options(out=out, jobs=1))
    seconds = time.perf_counter() - start
    if report.count("built") != len(report.papers):
        raise SystemExit(f"{variant}: not every paper was built")
    print(json.dumps({"build": seconds, "parse": spent[0], "calls": spent[1]}))


def time_builds(cycle: Path, work: Path, rounds: int) -> dict[str, list[dict[str, float]]]:
    runs: dict[str, list[dict[str, float]]] = {"old": [], "new": []}
    for r in range(rounds):
        for variant in (("old", "new") if r % 2 == 0 else ("new", "old")):
            out = work / f"out-{variant}-{r}"
            done = subprocess.run([sys.executable, __file__, "--child", variant, "--cycle", str(cycle),
                                   "--out", str(out)], capture_output=True, text=True, check=True)
            runs[variant].append(json.loads(done.stdout.strip().splitlines()[-1]))
    return runs


def _med(values: list[float]) -> str:
    return f"{statistics.median(values):.3f} s ({min(values):.3f}-{max(values):.3f})"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--keep", type=Path, help="work in this folder and keep it")
    ap.add_argument("--part", choices=["texts", "build", "both"], default="both")
    ap.add_argument("--child", choices=["old", "new"], help=argparse.SUPPRESS)
    ap.add_argument("--cycle", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        child_build(args.child, args.cycle, args.out)
        return
    print(f"load average before: {load_average()}  ({os.cpu_count()} CPUs)")
    with work_folder(args.keep, "papers-md-bench-") as work:
        cycle = work / "cycle"
        synth.write_cycle(synth.make_cycle(), cycle)
        if args.part in ("texts", "both"):
            calls_file = work / "calls.pkl"
            record(cycle, calls_file)
            t = time_texts(calls_file, args.rounds)
            print(f"texts: {t['calls']} parses ({t['distinct']} distinct texts), {args.rounds} rounds interleaved")
            print(f"  old (markdown-it-py)   {_med(t['old'])}")  # type: ignore[arg-type]
            print(f"  new (fast path)        {_med(t['new'])}")  # type: ignore[arg-type]
            print(f"  new / old              x{t['ratio']:.3f} (median of the rounds' ratios; "
                  f"{1 / t['ratio']:.2f} times faster)")  # type: ignore[operator]
        if args.part in ("build", "both"):
            runs = time_builds(cycle, work, args.rounds)
            print(f"cold -j 1 build of the cycle in one process, {args.rounds} runs each, alternating")
            for variant in ("old", "new"):
                rs = runs[variant]
                print(f"  {variant}: build {_med([r['build'] for r in rs])}, of which parse "
                      f"{_med([r['parse'] for r in rs])} ({rs[0]['calls']:.0f} calls)")
            ratio = [n["parse"] / o["parse"] for n, o in zip(runs["new"], runs["old"])]
            build = [n["build"] / o["build"] for n, o in zip(runs["new"], runs["old"])]
            print(f"  parse new / old x{statistics.median(ratio):.3f}; build new / old x{statistics.median(build):.3f}")
    print(f"load average after: {load_average()}")


if __name__ == "__main__":
    main()
