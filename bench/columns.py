"""Time render/columns.fit on a 100,000-row finance table (the column widths of a very large source).

    .venv/bin/python bench/columns.py
"""
from __future__ import annotations

import time

from generator.model import Table
from generator.render.columns import TableMetrics, fit
from generator.render.metrics import Font


def main() -> None:
    """Print the widths and the median of 5 timings."""
    rows = [[f"Service number {i} of the council", f"{i * 7:,}", f"{i * 5:,}", f"({i:,})", "0"] for i in range(100_000)]
    table = Table("finance", [["Service", "Last year outturn", "Budget", "Q1 Forecast", "Q1 Variance"],
                              ["", "£000", "£000", "£000", "£000"]], rows, ["left"] + ["right"] * 4)
    metrics = TableMetrics(Font("Arial", 24), Font("Arial", 24, True), 216, 9026)
    times = []
    for _ in range(5):
        start = time.perf_counter()
        widths = fit(table, metrics)
        times.append(time.perf_counter() - start)
    print(f"widths {widths}; fit of 100,000 rows x 5 columns: median {sorted(times)[2]:.2f} s "
          f"(font measured: {metrics.text.measured})")


if __name__ == "__main__":
    main()
