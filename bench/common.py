"""What every bench script shares: the machine's load, and the section it writes for bench/run_all.py.

A section (``--json FILE``) is ``{"section": name, "load": {"before": [1, 5, 15], "after": [...]},
"rows": [{"what", "value", "unit", "detail", "target", "met"}]}``: ``unit`` is one of s, x, MB, ms/paper;
``target`` a text such as "<= 0.30 s/paper", or None; ``met`` True, False or None (no target).
"""
from __future__ import annotations

import json
import os
import shutil
import statistics
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@contextmanager
def work_folder(keep: Path | None, prefix: str) -> Iterator[Path]:
    """The benchmark's folder: ``keep`` (emptied first, kept after), else a temporary one, removed after."""
    work = keep or Path(tempfile.mkdtemp(prefix=prefix))
    if keep and work.exists():
        shutil.rmtree(work)
    work.mkdir(parents=True, exist_ok=True)
    try:
        yield work
    finally:
        if not keep:
            shutil.rmtree(work, ignore_errors=True)


def measured_env(pycache: Path | None) -> dict[str, str]:
    """The environment of a measured process: Python's default bytecode caching, as a user has it
    (PYTHONDONTWRITEBYTECODE, set in some sandboxes, would recompile the generator in every process),
    into ``pycache`` (kept out of the tree); no PAPERS_* settings."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("PAPERS_") and k not in ("PYTHONPROFILEIMPORTTIME", "PYTHONDONTWRITEBYTECODE")}
    if pycache is not None:
        env["PYTHONPYCACHEPREFIX"] = str(pycache)
    return env


def load_average() -> list[float]:
    """The 1, 5 and 15 minute load averages."""
    return [round(v, 2) for v in os.getloadavg()]


def _cpu_ticks() -> tuple[int, int]:
    """(busy, total) clock ticks of all CPUs since boot, from /proc/stat (0, 0 where there is none)."""
    try:
        with open("/proc/stat", encoding="ascii") as fh:
            fields = [int(v) for v in fh.readline().split()[1:]]
    except (OSError, ValueError):
        return 0, 0
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)  # idle and iowait
    total = sum(fields[:8])  # guest time is already counted in user
    return total - idle, total


@dataclass
class CpuMeter:
    """The machine's busy share between start and stop, and how much of it was ours (``ours`` CPU seconds,
    added by the caller from its children's resource usage)."""

    start: tuple[int, int] = field(default_factory=_cpu_ticks)
    ours: float = 0.0

    def shares(self) -> tuple[float, float]:
        """(busy share of all CPUs, share taken by other processes than the benchmark's), 0..1."""
        busy, total = _cpu_ticks()
        dbusy, dtotal = busy - self.start[0], total - self.start[1]
        if dtotal <= 0:
            return 0.0, 0.0
        ticks = os.sysconf("SC_CLK_TCK")
        others = max(0.0, dbusy - self.ours * ticks)
        return dbusy / dtotal, others / dtotal


def median_detail(values: list[float], unit: str = "s", scale: float = 1.0, digits: int = 3) -> str:
    """"median (min-max) of N" in ``unit`` (values multiplied by ``scale``)."""
    v = [x * scale for x in values]
    if len(v) == 1:
        return f"{v[0]:.{digits}f} {unit}, 1 run"
    return f"median {statistics.median(v):.{digits}f} ({min(v):.{digits}f}-{max(v):.{digits}f}) {unit} of {len(v)}"


def row(what: str, value: float, unit: str, detail: str, target: str | None = None,
        met: bool | None = None) -> dict[str, Any]:
    """One row of a section."""
    return {"what": what, "value": round(value, 4), "unit": unit, "detail": detail, "target": target,
            "met": met if target is not None else None}


def write_section(path: Path | None, name: str, before: list[float], rows: list[dict[str, Any]],
                  extra: dict[str, Any] | None = None) -> dict[str, Any]:
    """The section as run_all.py reads it, written to ``path`` when given."""
    section = {"section": name, "load": {"before": before, "after": load_average()}, "rows": rows,
               **(extra or {})}
    if path is not None:
        path.write_text(json.dumps(section, indent=1) + "\n", encoding="utf-8")
    return section


def print_rows(rows: list[dict[str, Any]]) -> None:
    """The rows as a table (what, value, detail, target, met)."""
    if not rows:
        return
    width = max(len(r["what"]) for r in rows)
    for r in rows:
        value = f"{r['value']:g} {r['unit']}"
        target = r["target"] or ""
        met = {True: "met", False: "NOT met", None: ""}[r["met"]]
        print(f"{r['what']:<{width}}  {value:>14}  {r['detail']:<44}  {target:<18} {met}")


def _ppid_and_cpu(pid: str) -> tuple[int, int] | None:
    try:
        with open(f"/proc/{pid}/stat", "rb") as fh:
            stat = fh.read()
    except OSError:
        return None
    fields = stat[stat.rindex(b")") + 2:].split()
    return int(fields[1]), int(fields[11]) + int(fields[12])  # ppid; utime + stime in clock ticks


class TreeCpu(threading.Thread):
    """The CPU time of every process started under ``pids`` (sampled from /proc every ``interval`` seconds: a
    process killed rather than waited for, such as a LibreOffice its build stops, counts too, up to its last
    sample)."""

    def __init__(self, *pids: int, interval: float = 0.05) -> None:
        super().__init__(daemon=True)
        self.roots, self.interval = set(pids), interval
        self.stop = threading.Event()
        self.ticks: dict[int, int] = {}
        self.known: set[int] = set(pids)

    def run(self) -> None:
        while not self.stop.is_set():
            self.sample()
            self.stop.wait(self.interval)
        self.sample()

    def sample(self) -> None:
        stats = {}
        for entry in os.scandir("/proc"):
            if entry.name.isdigit():
                found = _ppid_and_cpu(entry.name)
                if found is not None:
                    stats[int(entry.name)] = found
        grew = True
        while grew:  # descendants: once known, a process stays ours even when its parent dies first
            grew = False
            for pid, (ppid, _) in stats.items():
                if pid not in self.known and ppid in self.known:
                    self.known.add(pid)
                    grew = True
        for pid in self.known & stats.keys():
            self.ticks[pid] = max(self.ticks.get(pid, 0), stats[pid][1])

    def seconds(self) -> float:
        """CPU seconds of the whole tree so far."""
        return sum(self.ticks.values()) / os.sysconf("SC_CLK_TCK")


@dataclass
class Section:
    """A section being measured: its rows, and the load before (the load after is taken when it is written)."""

    name: str
    before: list[float] = field(default_factory=load_average)
    rows: list[dict[str, Any]] = field(default_factory=list)

    def add(self, what: str, value: float, unit: str, detail: str = "", target: str | None = None,
            met: bool | None = None) -> None:
        """A row (see :func:`row`)."""
        self.rows.append(row(what, value, unit, detail, target, met))

    def add_timed(self, what: str, values: list[float], unit: str = "s", target: str | None = None,
                  limit: float | None = None) -> float:
        """A row of the median of ``values``, met when the median is at most ``limit`` (when given)."""
        median = statistics.median(values)
        self.add(what, median, unit, median_detail(values, unit), target, None if limit is None else median <= limit)
        return median

    def write(self, path: Path) -> None:
        """Write the section (:func:`write_section`)."""
        write_section(path, self.name, self.before, self.rows)

    def print(self) -> None:
        """The rows as a table, under the section's name and load."""
        print(f"\n{self.name} (load before {self.before}, after {load_average()})")
        print_rows(self.rows)
