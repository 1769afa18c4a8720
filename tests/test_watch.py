"""`papers watch`: a save rebuilds what changed, errors do not stop it (driven in a subprocess, --rebuilds)."""
from __future__ import annotations

import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

from tests.conftest import EXAMPLE, ROOT

BRIEFING = "06-change-and-improvement.yaml"


class _Watch:
    """`papers watch` running in a subprocess, its output read line by line."""

    def __init__(self, folder: Path, out: Path, rebuilds: int) -> None:
        self.lines: list[str] = []
        self.proc = subprocess.Popen([sys.executable, "-m", "generator", "watch", str(folder), "-o", str(out),
                                      "-j", "1", "--no-audit", "--rebuilds", str(rebuilds)], cwd=ROOT,
                                     stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.append(line.rstrip("\n"))

    def wait_for(self, text: str, count: int = 1, timeout: float = 60) -> None:
        end = time.monotonic() + timeout
        while sum(text in line for line in self.lines) < count:
            assert self.proc.poll() is None or self.reader.is_alive(), "\n".join(self.lines)
            assert time.monotonic() < end, "\n".join(self.lines)
            time.sleep(0.05)

    def finish(self) -> int:
        try:
            code = self.proc.wait(timeout=60)
        finally:
            if self.proc.poll() is None:
                self.proc.kill()
        self.reader.join(timeout=10)
        return code


def test_a_saved_paper_is_rebuilt_and_an_error_does_not_stop_the_watch(tmp_path: Path) -> None:
    folder = tmp_path / EXAMPLE.name
    shutil.copytree(EXAMPLE, folder)
    watcher = _Watch(folder, tmp_path / "out", rebuilds=2)
    watcher.wait_for("watching")
    assert "  built     06-change-and-improvement.docx  (new)" in watcher.lines
    paper = folder / BRIEFING
    good = paper.read_text(encoding="utf-8")
    paper.write_text(good.replace("purpose:", "purpos:"), encoding="utf-8")  # a mistake: the rebuild fails
    watcher.wait_for("watching", count=2)
    assert "  failed    06-change-and-improvement.yaml" in watcher.lines
    assert any("06-change-and-improvement.yaml:4:" in line and "purpos" in line for line in watcher.lines)
    paper.write_text(good.replace("Since taking on", "Since starting"), encoding="utf-8")
    assert watcher.finish() == 0, "\n".join(watcher.lines)
    rebuilt = watcher.lines[watcher.lines.index("  failed    06-change-and-improvement.yaml"):]
    assert any(line.startswith("  built     06-change-and-improvement.docx") for line in rebuilt), rebuilt
    assert "  unchanged 05-central-services.docx" in rebuilt  # only what changed is made again
    assert (tmp_path / "out" / EXAMPLE.name / "06-change-and-improvement.docx").is_file()
