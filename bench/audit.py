"""The build's accessibility audit, per paper: today's audit against the audit as it was before the fast walk
(the frozen copy tests/audit_reference.py), interleaved, on the synthetic cycle's built papers (issue 15).

    .venv/bin/python bench/audit.py                    # 2 meetings (40 papers, 2 agendas), 9 rounds
    .venv/bin/python bench/audit.py --meetings 10 --rounds 5 --keep /tmp/bench-audit

Builds the meetings of bench/synth.py (`papers build -j 2`), opens every .docx written with python-docx once
(the build audits the python-docx Document it rendered: ``audit_document``), then times, in rounds of
alternating order, the audit of every document by each implementation, and `papers audit`'s reading of the
written files (``audit_file``). Times are CPU seconds of this process (time.process_time), so other processes
on a shared machine disturb them less than wall time; each ratio is of the old to the new in the same round;
the table gives medians. Also checks that both find the same (the test suite does so on more documents).
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
    opts = ap.parse_args()
    with work_folder(opts.keep, "papers-bench-audit-") as work:
        synth.write_cycle(synth.make_cycle(meetings=opts.meetings), work / "in")
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


if __name__ == "__main__":
    main()
