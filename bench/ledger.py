"""Build time of a paper whose finance table comes from a 5,000-row ledger export (`make bench-ledger`).

The export is made here as Oracle Cloud's budget monitoring report writes one: three title rows (one
merged), the header on row 5, 5,000 cost-centre lines in pounds and pence under 20 directorate
headings each closed by a "Total ..." subtotal, 25 hidden lines, a grand total and a "Report run by"
footer; a map groups the 250 cost centres into 12 services; `scale: 1000` prints £000. It is written
as .xlsx (openpyxl) and as a Windows-1252 CSV, and each is built in a fresh `papers` process (median
of 3, a fresh OUT each time). `--rows N` changes the size.
"""
from __future__ import annotations

import argparse
import csv
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from openpyxl import Workbook

ROOT = Path(__file__).resolve().parents[1]
PAPERS = [sys.executable, "-m", "generator"]
RUNS = 3
SERVICES = ["Legal", "Democratic Services", "Finance", "Revenues & Benefits", "Housing Needs", "Homelessness",
            "Waste", "Parks", "Planning", "Highways", "Libraries", "Customer Services"]
PAPER = """\
template: portfolio_report
title: Report of the Cabinet Member for Finance
report_of: Councillor A. Tester, Cabinet Member for Finance
meeting: {{committee: Benchmark Committee, date: 2023-10-19}}
sections:
  - title: Finance
    body: The quarter's monitoring.
finance:
  title: Financial Information
  units: "£000"
  columns: {{budget: Budget, forecast: Q2 Forecast, variance: Q2 Variance}}
  total: true
  source:
    file: {file}
    header: Cost Centre
    label: Cost Centre Description
    amounts: {{budget: Annual Budget, forecast: Forecast Out-turn}}
    code: Cost Centre
    group: service-map.csv
    scale: 1000
"""


def export_rows(count: int, seed: int = 13) -> list[list[object]]:
    """The export's rows from the header on: [code, label, budget, forecast, hidden]."""
    rng = random.Random(seed)
    rows: list[list[object]] = []
    per_section = count // 20
    grand = [0.0, 0.0]
    for section in range(20):
        rows.append(["", f"Directorate {section + 1}", None, None, False])
        sub = [0.0, 0.0]
        for i in range(per_section):
            code = 10000 + (section * per_section + i) % 250
            budget = round(rng.uniform(-5000, 250000), 2)
            forecast = round(budget * rng.uniform(0.9, 1.1), 2)
            sub = [sub[0] + budget, sub[1] + forecast]
            rows.append([code, f"Cost centre {code} line {i}", budget, forecast, rng.random() < 25 / count])
        rows.append(["", f"Total Directorate {section + 1}", round(sub[0], 2), round(sub[1], 2), False])
        grand = [grand[0] + sub[0], grand[1] + sub[1]]
    rows.append(["", "Grand Total", round(grand[0], 2), round(grand[1], 2), False])
    return rows


def write_inputs(folder: Path, count: int) -> None:
    rows = export_rows(count)
    wb = Workbook()
    ws = wb.active
    ws.title = "Budget Monitoring"
    ws["A1"] = "Benchmark Council"
    ws.merge_cells("A1:D1")
    ws["A2"] = "Budget Monitoring Report: Period 6"
    ws["A3"] = "Amounts in pounds"
    ws.append([])
    ws.append(["Cost Centre", "Cost Centre Description", "Annual Budget", "Forecast Out-turn"])
    for code, label, budget, forecast, hidden in rows:
        ws.append([code or None, label, budget, forecast])
        if hidden:
            ws.row_dimensions[ws.max_row].hidden = True
    ws.append([])
    ws.append(["Report run by J. Smith on 12/10/2023 09:14"])
    wb.save(folder / "ledger.xlsx")
    with (folder / "ledger.csv").open("w", newline="", encoding="cp1252") as fh:
        out = csv.writer(fh)
        out.writerows([["Benchmark Council"], ["Budget Monitoring Report: Period 6"], ["Amounts in £"], [],
                       ["Cost Centre", "Cost Centre Description", "Annual Budget", "Forecast Out-turn"]])
        for code, label, budget, forecast, hidden in rows:  # a CSV has no hidden rows: the totals count them
            out.writerow([code, label, "" if budget is None else f"{budget:,.2f}",
                          "" if forecast is None else f"{forecast:,.2f}"])
        out.writerows([[], ["Report run by J. Smith on 12/10/2023 09:14"]])
    with (folder / "service-map.csv").open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows([["code", "service"]] + [[10000 + c, SERVICES[c % 12]] for c in range(250)])
    for name in ("ledger.xlsx", "ledger.csv"):
        (folder / f"05-{Path(name).suffix[1:]}.yaml").write_text(PAPER.format(file=name), encoding="utf-8")


def run(paper: Path, out: Path) -> float:
    start = time.perf_counter()
    subprocess.run([*PAPERS, "build", str(paper), "-o", str(out), "-j", "1"], cwd=ROOT, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=5000)
    rows = parser.parse_args().rows
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "ledger"
        folder.mkdir()
        write_inputs(folder, rows)
        for kind in ("xlsx", "csv"):
            times = [run(folder / f"05-{kind}.yaml", Path(tmp) / f"out-{kind}-{n}") for n in range(RUNS)]
            print(f"papers build, a {rows:,}-row ledger export as .{kind:<5} {statistics.median(times):6.2f} s  "
                  f"({min(times):.2f}-{max(times):.2f}, median of {RUNS})")


if __name__ == "__main__":
    main()
