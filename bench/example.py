"""Whole-process times of the shipped example meeting, as the issues' notes report them (`make bench-example`).

Each figure is the median (min-max) of 5 runs of the `papers` command in a fresh process:
a fresh build, a fresh build with --pdf, a rebuild with nothing changed (with and without
--pdf), a rebuild after one finance figure changed (the report and budget.xlsx are rebuilt),
and `papers audit` of the --pdf output. Then the page counts LibreOffice rendered.
"""
from __future__ import annotations

import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "inputs" / "2022-12-08-corporate-os"
PAPERS = [sys.executable, "-m", "generator"]
RUNS = 5


def run(*args: object) -> float:
    """Seconds one `papers` process takes (it must succeed)."""
    start = time.perf_counter()
    subprocess.run([*PAPERS, *map(str, args)], cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def measure(label: str, before: Callable[[int], None], *args: object) -> None:
    times = []
    for n in range(RUNS):
        before(n)
        times.append(run(*args))
    print(f"{label:<44} {statistics.median(times):6.2f} s  ({min(times):.2f}-{max(times):.2f})")


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        out, pdf_out = work / "out", work / "pdf"
        meeting = work / "in" / EXAMPLE.name
        shutil.copytree(EXAMPLE, meeting)
        csv = meeting / "05-central-services-finance.csv"

        def fresh(folder: Path) -> Callable[[int], None]:
            return lambda n: shutil.rmtree(folder, ignore_errors=True)

        def new_figure(n: int) -> None:
            csv.write_text(re.sub(r"^Strategy,\d+,", f"Strategy,{340 + n},", csv.read_text(), flags=re.M))

        def nothing(n: int) -> None:
            pass

        print(f"papers, the example meeting ({EXAMPLE.name}); whole processes, median (min-max) of {RUNS} runs")
        measure("fresh build", fresh(out), "build", meeting, "-o", out)
        measure("rebuild, nothing changed", nothing, "build", meeting, "-o", out)
        measure("rebuild after a finance figure changed", new_figure, "build", meeting, "-o", out)
        measure("fresh build --pdf", fresh(pdf_out), "build", meeting, "-o", pdf_out, "--pdf")
        measure("rebuild --pdf, nothing changed", nothing, "build", meeting, "-o", pdf_out, "--pdf")
        measure("papers audit of the --pdf output", nothing, "audit", pdf_out)
        pages = []
        for pdf in sorted((pdf_out / EXAMPLE.name).glob("*.pdf")):
            info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
            count = re.search(r"^Pages:\s+(\d+)", info, re.M)
            pages.append(f"{pdf.name} {count[1] if count else '?'}")
        print("pages rendered by LibreOffice: " + ", ".join(pages))


if __name__ == "__main__":
    main()
