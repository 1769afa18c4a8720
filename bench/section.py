"""The results format every bench script writes with ``--json FILE`` (one section of `make bench`'s table):

    {"section": "<name>", "load": {"before": [1, 5, 15 min load], "after": [...]},
     "rows": [{"what": "...", "value": <number>, "unit": "s|x|MB|ms/paper", "detail": "median (min-max) of N",
               "target": "<= 0.6x" or null, "met": true|false|null}]}
"""
from __future__ import annotations

import json
import os
import statistics
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


def load() -> list[float]:
    """The machine's 1, 5 and 15 minute load averages (what else was running while we measured)."""
    return [round(x, 2) for x in os.getloadavg()]


def spread(values: list[float], digits: int = 3) -> str:
    """``median (min-max) of N``, the detail of a timed row."""
    if len(values) == 1:
        return "1 run"
    return (f"median ({min(values):.{digits}f}-{max(values):.{digits}f}) of {len(values)}")


@dataclass
class Section:
    """One section of results: its rows, and the load before and after measuring them."""

    name: str
    before: list[float] = field(default_factory=load)
    rows: list[dict[str, Any]] = field(default_factory=list)

    def add(self, what: str, value: float, unit: str, detail: str = "", target: str | None = None,
            met: bool | None = None) -> None:
        """A row; ``target`` as the table prints it ("<= 0.6x"), ``met`` None when there is no target."""
        self.rows.append({"what": what, "value": round(value, 4), "unit": unit, "detail": detail,
                          "target": target, "met": met if target is not None else None})

    def add_timed(self, what: str, values: list[float], unit: str = "s", target: str | None = None,
                  limit: float | None = None, digits: int = 3) -> float:
        """A row of the median of ``values``; met when the median is at most ``limit`` (when given)."""
        median = statistics.median(values)
        self.add(what, median, unit, spread(values, digits), target, None if limit is None else median <= limit)
        return median

    def data(self) -> dict[str, Any]:
        return {"section": self.name, "load": {"before": self.before, "after": load()}, "rows": self.rows}

    def write(self, path: Path) -> None:
        """Write the section as JSON (the load after is taken now)."""
        path.write_text(json.dumps(self.data(), indent=1) + "\n", encoding="utf-8")

    def print(self) -> None:
        """The section as a table, as the script prints it when run alone."""
        data = self.data()
        print(f"\n{self.name} (load before {data['load']['before']}, after {data['load']['after']})")
        width = max((len(r["what"]) for r in self.rows), default=10)
        for r in self.rows:
            value = f"{r['value']:.3f}" if isinstance(r["value"], float) and r["unit"] != "MB" else f"{r['value']:.0f}" \
                if r["unit"] == "MB" else str(r["value"])
            verdict = "" if r["target"] is None else f"target {r['target']}: {'met' if r['met'] else 'NOT met'}"
            print(f"  {r['what']:<{width}}  {value:>9} {r['unit']:<9} {r['detail']:<26} {verdict}")
