"""The build's accessibility audit, per paper: today's audit against the audit as it was before the fast walk
(the frozen copy tests/audit_reference.py), interleaved, on the synthetic cycle's built papers (issue 15).

    .venv/bin/python bench/audit.py                    # 2 meetings (40 papers, 2 agendas), 9 rounds
    .venv/bin/python bench/audit.py --meetings 10 --rounds 5 --keep DIR
    .venv/bin/python bench/audit.py --meetings 10 --rounds 4 --in-build   # the whole build's view, see below

Builds the meetings of bench/synth.py (`papers build -j 2`), opens every .docx written with python-docx once
(the build audits the python-docx Document it rendered: ``audit_document``), then times, in rounds of
alternating order, the audit of every document by each implementation, and `papers audit`'s reading of the
written files (``audit_file``). Times are CPU seconds of this process (time.process_time), so other processes
on a shared machine disturb them less than wall time; each ratio is of the old to the new in the same round;
the table gives medians. Also checks that both find the same (the test suite does so on more documents).

With --in-build: cold `papers build -j 1` of the meetings in this process instead, once with each audit per
round (alternating order, a fresh output folder each), giving each build's CPU seconds and those spent in
``audit_document``, the build's own audit of every paper it renders.
"""
from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, Callable

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

import audit_reference as before  # noqa: E402
import synth  # noqa: E402
from common import load_average, work_folder  # noqa: E402
from docx import Document  # noqa: E402

from generator.checks import audit as now  # noqa: E402
from generator.cli import main as papers  # noqa: E402


def per_document(audit: Callable[..., Any], items: list[tuple[Any, ...]]) -> float:
    """CPU milliseconds per document of ``audit(*item)`` over ``items``."""
    start = time.process_time()
    for item in items:
        audit(*item)
    return (time.process_time() - start) / len(items) * 1000


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--meetings", type=int, default=2)
    ap.add_argument("--rounds", type=int, default=9)
    ap.add_argument("--keep", type=Path, help="work in this folder and keep it")
    ap.add_argument("--in-build", action="store_true", help="time cold -j 1 builds in this process instead")
    opts = ap.parse_args()
    with work_folder(opts.keep, "papers-bench-audit-") as work:
        synth.write_cycle(synth.make_cycle(meetings=opts.meetings), work / "in")
        if opts.in_build:
            in_build(work, opts.meetings, opts.rounds)
            return
        subprocess.run([sys.executable, "-m", "generator", "build", str(work / "in"), "-o", str(work / "out"),
                        "-j", "2"], check=True, capture_output=True, cwd=ROOT)
        files = sorted((work / "out").rglob("*.docx"))
        held = [(path, Document(str(path))) for path in files]
        on_disk = [(path,) for path in files]
        for path, doc in held:
            found = [(f.where, f.rule, f.message) for f in now.audit_document(path, doc)]
            assert found == [(f.where, f.rule, f.message) for f in before.audit_document(path, doc)], path
        load = load_average()
        times: dict[str, list[float]] = {"old build": [], "new build": [], "old file": [], "new file": []}
        for n in range(opts.rounds):
            runs = [("old build", before.audit_document, held), ("new build", now.audit_document, held),
                    ("old file", before.audit_file, on_disk), ("new file", now.audit_file, on_disk)]
            for name, audit, items in runs if n % 2 == 0 else runs[::-1]:
                times[name].append(per_document(audit, items))
    print(f"{len(files)} documents ({opts.meetings} meetings of bench/synth.py), {opts.rounds} rounds, "
          f"load average {load} before, {load_average()} after; CPU ms per document, median (min-max)")
    for kind in ("build", "file"):
        old, new = times[f"old {kind}"], times[f"new {kind}"]
        ratios = [o / n for o, n in zip(old, new)]
        what = ("the build's audit (python-docx Document in memory)" if kind == "build"
                else "`papers audit` (the written .docx)")
        print(f"{what}: before {statistics.median(old):.3f} ({min(old):.3f}-{max(old):.3f}), "
              f"now {statistics.median(new):.3f} ({min(new):.3f}-{max(new):.3f}); "
              f"x{statistics.median(ratios):.2f} faster ({min(ratios):.2f}-{max(ratios):.2f})")


def in_build(work: Path, meetings: int, rounds: int) -> None:
    """Cold -j 1 builds in this process, with the audit before and now (see the module docstring)."""
    from click.testing import CliRunner

    spent = [0.0]

    def timed(audit: Callable[..., Any]) -> Callable[..., Any]:
        def audit_document(path: Path, doc: Any) -> Any:
            start = time.process_time()
            try:
                return audit(path, doc)
            finally:
                spent[0] += time.process_time() - start
        return audit_document

    real = now.audit_document
    audits = {"before": timed(before.audit_document), "now": timed(real)}
    load = load_average()
    seen: dict[str, list[tuple[float, float]]] = {"before": [], "now": []}
    try:
        for n in range(rounds):
            for name in ("before", "now") if n % 2 == 0 else ("now", "before"):
                now.audit_document = audits[name]  # the build imports it from the module when it audits
                spent[0] = 0.0
                start = time.process_time()
                result = CliRunner().invoke(papers, ["build", str(work / "in"), "-o", str(work / f"out-{n}-{name}"),
                                                     "-j", "1"], catch_exceptions=False)
                assert result.exit_code == 0, result.output
                seen[name].append((time.process_time() - start, spent[0]))
    finally:
        now.audit_document = real
    papers_n = meetings * synth.PAPERS_PER_MEETING
    print(f"cold `papers build -j 1` of {papers_n} papers in this process, {rounds} rounds, load average {load} "
          f"before, {load_average()} after; CPU seconds, median")
    for name, runs in seen.items():
        build, audit = statistics.median(r[0] for r in runs), statistics.median(r[1] for r in runs)
        print(f"audit {name}: build {build:.2f} s, of which audit_document {audit:.3f} s "
              f"({audit / papers_n * 1000:.2f} ms/paper, {audit / build:.0%} of the build)")


if __name__ == "__main__":
    main()
