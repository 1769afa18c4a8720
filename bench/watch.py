"""Save-to-rebuilt time of `papers watch`: median of 5 saves of one paper of the shipped example.

    python bench/watch.py

Copies inputs/2022-12-08-corporate-os to a temporary folder, starts `papers watch` on it (no audit, one
process), then 5 times rewrites the briefing note with one word changed and times from the end of the write
to the line printed after the rebuild's report (the paper, workbook and agenda are written by then). Prints each
time and the median.
"""
from __future__ import annotations

import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "inputs" / "2022-12-08-corporate-os"
PAPER = "06-change-and-improvement.yaml"
SAVES = 5


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / EXAMPLE.name
        shutil.copytree(EXAMPLE, folder)
        proc = subprocess.Popen([sys.executable, "-m", "generator", "watch", str(folder), "-o", str(Path(tmp) / "out"),
                                 "-j", "1", "--no-audit", "--rebuilds", str(SAVES)], cwd=ROOT,
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        seen: list[tuple[float, str]] = []

        def read() -> None:
            assert proc.stdout is not None
            for line in proc.stdout:
                seen.append((time.perf_counter(), line))

        threading.Thread(target=read, daemon=True).start()

        def watching(count: int) -> float:
            while True:
                found = [t for t, line in seen if line.startswith("watching")]
                if len(found) >= count:
                    return found[count - 1]
                if proc.poll() is not None and len(found) < count:
                    raise SystemExit("".join(line for _, line in seen))
                time.sleep(0.005)

        watching(1)
        paper = folder / PAPER
        text = paper.read_text(encoding="utf-8")
        times = []
        for n in range(SAVES):
            time.sleep(0.5)
            paper.write_text(text.replace("Since taking on", f"Since taking on ({n})"), encoding="utf-8")
            saved = time.perf_counter()
            times.append(watching(n + 2) - saved)  # the line printed right after the rebuild's report
            rebuilt = sum(line.startswith(f"  built     {Path(PAPER).stem}.docx") for _, line in seen)
            assert rebuilt == n + 2, "".join(line for _, line in seen)  # the paper was made again
            print(f"save {n + 1}: {times[-1]:.3f} s")
        proc.wait(timeout=60)
        print(f"median save-to-rebuilt: {statistics.median(times):.3f} s")


if __name__ == "__main__":
    main()
