"""`make bench`: every benchmark of issue 15 in its own process, one table, and bench/results.json (not committed).

    .venv/bin/python bench/run_all.py [--quick]

Runs, one after the other (each with ``--json FILE``, the section format of bench/common.py):

- cycle.py: the 200-paper cycle built cold at -j 1 and -j 2 against the plain docxtpl loop, rebuilds and
  memory (its --pdf figure is left to pdfs.py);
- scale.py: 2,000 papers (100 meetings): cold build linear, no-op and one-paper rebuilds, tree memory;
- pdfs.py: one 20-paper meeting built with --pdf at -j 2 and -j 1, the pack's join, plain soffice;
- peers.py: the same 200 papers by plain docxtpl, docxtemplater, Carbone and papers, interleaved.

then prints every row (what, value, detail, target, met) and the machine's load before and after each
part. The machine may be shared: ratios measured side by side are what to compare across runs, and each
part says how busy the machine was while it ran. ``--quick`` runs each part with fewer rounds (a check
that everything runs, not figures to report).
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

import common  # noqa: E402

RESULTS = HERE / "results.json"
# (section, script and its arguments, the arguments of a --quick run)
PARTS = [
    ("cycle", ["cycle.py", "--no-pdf"], ["--runs", "1"]),
    ("scale", ["scale.py"], ["--meetings", "12", "--runs", "1"]),
    ("pdf", ["pdfs.py"], ["--runs", "1"]),
    ("peers", ["peers.py"], ["--runs", "1", "--meetings", "2"]),
]


def run_part(name: str, args: list[str]) -> dict[str, Any]:
    """Run one bench script with --json; its section (or one saying how it failed)."""
    with tempfile.TemporaryDirectory(prefix="papers-bench-") as folder:
        out = Path(folder) / f"{name}.json"
        start = time.perf_counter()
        print(f"== {name}: {' '.join(args)}", flush=True)
        proc = subprocess.run([sys.executable, str(HERE / args[0]), *args[1:], "--json", str(out)], cwd=ROOT,
                              check=False)
        wall = time.perf_counter() - start
        if proc.returncode != 0 or not out.is_file():
            return {"section": name, "error": f"exit status {proc.returncode}", "wall_s": round(wall, 1),
                    "load": {"before": [], "after": common.load_average()}, "rows": []}
        section = json.loads(out.read_text(encoding="utf-8"))
    section["wall_s"] = round(wall, 1)
    return section


def table(sections: list[dict[str, Any]]) -> list[str]:
    """The one table: every section's rows, then the load each part ran under."""
    rows = [(s["section"], r) for s in sections for r in s["rows"]]
    lines = []
    if rows:
        what = max(len(r["what"]) for _, r in rows)
        value = max(len(_value(r)) for _, r in rows)
        detail = max(len(r["detail"]) for _, r in rows)
        target = max([len(r["target"] or "") for _, r in rows] + [6])
        lines.append(f"{'':<6} {'what':<{what}}  {'value':>{value}}  {'detail':<{detail}}  {'target':<{target}}  met")
        for name, r in rows:
            met = {True: "met", False: "NOT met", None: ""}[r["met"]]
            lines.append(f"{name:<6} {r['what']:<{what}}  {_value(r):>{value}}  {r['detail']:<{detail}}  "
                         f"{r['target'] or '':<{target}}  {met}".rstrip())
    lines.append("")
    for s in sections:
        load = s.get("load", {})
        cpu = s.get("cpu")
        busy = (f"; CPUs busy {cpu['busy_share'] * 100:.0f}% (others than the benchmark {cpu['others_share'] * 100:.0f}%"
                f" of {cpu['cpus']})") if cpu else ""
        error = f"  FAILED: {s['error']}" if "error" in s else ""
        lines.append(f"load {s['section']:<6} before {_load(load.get('before'))}, after {_load(load.get('after'))}"
                     f"{busy}; {s.get('wall_s', 0):.0f} s{error}")
    met = [r["met"] for _, r in rows if r["met"] is not None]
    lines.append(f"targets: {met.count(True)} of {len(met)} met")
    return lines


def _value(r: dict[str, Any]) -> str:
    v = r["value"]
    text = f"{v:.3f}" if r["unit"] in ("s", "x") else f"{v:.1f}" if r["unit"] == "ms/paper" else f"{v:.0f}"
    return f"{text} {r['unit']}"


def _load(values: list[float] | None) -> str:
    return " ".join(f"{v:.2f}" for v in values) if values else "?"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="one round of each part: a check that all of it runs")
    opts = ap.parse_args()
    start = time.perf_counter()
    before = common.load_average()
    sections = [run_part(name, args + (quick if opts.quick else [])) for name, args, quick in PARTS]
    results = {"machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                           "platform": platform.platform()},
               "load": {"before": before, "after": common.load_average()},
               "wall_s": round(time.perf_counter() - start, 1), "quick": opts.quick, "sections": sections}
    RESULTS.write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
    print()
    print("\n".join(table(sections)))
    print(f"whole run {results['wall_s']:.0f} s; load before {_load(before)}, after {_load(results['load']['after'])};"
          f" written {RESULTS.relative_to(ROOT)}")
    if any("error" in s for s in sections):
        sys.exit(1)


if __name__ == "__main__":
    main()
