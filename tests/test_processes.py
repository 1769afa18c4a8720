"""Processes die with their build: worker processes, the UNO worker and LibreOffice never outlive a killed
`papers build`, and a LibreOffice that hangs is stopped after the per-file time limit, with all it started.

The builds run as real processes (`python -m generator`), with TMPDIR in the test's folder so that their
temporary folders can be checked.
"""
from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import EXAMPLE, EXAMPLE_AS, ROOT

SETTLE_SECONDS = 10  # how long a killed build's processes may take to go


def parents() -> dict[int, int]:
    """{pid: parent pid} of every process (from /proc)."""
    out = {}
    # not Path.glob: a process that ends while it looks raises ESRCH, which pathlib does not ignore
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            fields = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        out[int(entry)] = int(fields[1])
    return out


def descendants(pid: int) -> set[int]:
    """Every process started, directly or not, by ``pid`` (and still its descendant)."""
    tree = parents()
    found, todo = set(), [pid]
    while todo:
        parent = todo.pop()
        for child, ppid in tree.items():
            if ppid == parent and child not in found:
                found.add(child)
                todo.append(child)
    return found


def running(pid: int) -> bool:
    """Whether ``pid`` is a process that has not ended (a zombie has)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def name(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/comm").read_text().strip()
    except OSError:
        return ""


def still_running(pids: set[int]) -> set[int]:
    """Those of ``pids`` still running after SETTLE_SECONDS at most."""
    deadline = time.monotonic() + SETTLE_SECONDS
    while time.monotonic() < deadline:
        left = {p for p in pids if running(p)}
        if not left:
            return left
        time.sleep(0.1)
    return {p for p in pids if running(p)}


def kill_all(pids: set[int]) -> None:
    for pid in pids:
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass


def start_build(args: list[str], tmp: Path, **env: str) -> subprocess.Popen:
    (tmp / "tmp").mkdir(exist_ok=True)
    return subprocess.Popen([sys.executable, "-m", "generator", "build", *args], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            env={**os.environ, "TMPDIR": str(tmp / "tmp"), **env})


def wait_for(build: subprocess.Popen, found: "callable[[set[int]], bool]", seconds: float = 60) -> set[int]:
    """The build's descendants, once ``found`` says they are what the test waits for."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        children = descendants(build.pid)
        if found(children):
            return children
        assert build.poll() is None, f"the build ended before the test could kill it:\n{build.stdout.read()}"
        time.sleep(0.02)
    raise AssertionError("the build never started what the test waits for")


@pytest.fixture()
def many_papers(tmp_path: Path) -> Path:
    """The example meeting with 16 more papers (copies of its report): a -j 2 build that takes a while."""
    folder = tmp_path / "in" / EXAMPLE.name
    shutil.copytree(EXAMPLE, folder)
    for n in range(10, 26):
        shutil.copy(folder / "05-central-services.yaml", folder / f"{n}-copy.yaml")
    return folder


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM, signal.SIGINT], ids=["KILL", "TERM", "INT"])
def test_killing_the_parent_of_a_parallel_build_ends_its_workers(many_papers: Path, tmp_path: Path,
                                                                 sig: signal.Signals) -> None:
    build = start_build([str(many_papers), "-o", str(tmp_path / "out"), "-j", "2"], tmp_path)
    workers = wait_for(build, lambda children: len(children) >= 2)
    try:
        build.send_signal(sig)  # the parent only, as `kill PID` does
        build.wait(timeout=SETTLE_SECONDS)
        assert still_running(workers) == set(), [name(p) for p in workers]
    finally:
        kill_all(workers)


@pytest.mark.libreoffice
@pytest.mark.parametrize("uno", ["uno", "convert-to"])
def test_killing_a_pdf_build_ends_libreoffice_and_leaves_no_temporary_folder(tmp_path: Path, uno: str) -> None:
    out = tmp_path / "out"
    # through the UNO worker, and through soffice --convert-to (where the UNO bridge is missing)
    env = {"PAPERS_NO_UNO": "1"} if uno == "convert-to" else {}
    build = start_build([str(EXAMPLE), "-o", str(out), "--pdf", "-j", "1"], tmp_path, **env)
    # LibreOffice starts while the papers are made: killed once it runs and the papers are there to convert
    written = out / EXAMPLE.name / "06-change-and-improvement.docx"
    started = wait_for(build, lambda children: "soffice.bin" in {name(p) for p in children} and written.exists())
    try:
        build.kill()
        build.wait()
        started |= descendants(build.pid)
        assert still_running(started) == set(), [name(p) for p in started if running(p)]
        assert [p.name for p in (out / EXAMPLE.name).iterdir() if p.name.startswith(".papers-pdf")] == []
        if uno == "convert-to":
            return
        # the next build removes what the killed one could not, and builds
        again = start_build([str(EXAMPLE), "-o", str(out), "--pdf", "-j", "1"], tmp_path)
        assert again.wait(timeout=120) == 0, again.stdout.read()
        assert list((tmp_path / "tmp").iterdir()) == []
        assert {p.name for p in (out / EXAMPLE.name).glob("*.pdf")} == {
            "05-central-services.pdf", "06-change-and-improvement.pdf", f"{EXAMPLE_AS}-agenda.pdf", f"{EXAMPLE_AS}-pack.pdf"}
    finally:
        kill_all(started)


@pytest.mark.libreoffice
@pytest.mark.parametrize("uno", ["uno", "convert-to"])
def test_a_hung_libreoffice_is_stopped_after_the_time_limit_with_everything_it_started(tmp_path: Path,
                                                                                     uno: str) -> None:
    fake = tmp_path / "bin" / "soffice"
    fake.parent.mkdir()
    pids = tmp_path / "soffice-pids"
    fake.write_text(f"#!/bin/sh\necho $$ >> '{pids}'\nexec sleep 600\n")  # a LibreOffice that never answers
    fake.chmod(0o755)
    began = time.monotonic()
    build = start_build([str(EXAMPLE), "-o", str(tmp_path / "out"), "--pdf", "-j", "1"], tmp_path,
                        PATH=f"{fake.parent}{os.pathsep}{os.environ['PATH']}", PAPERS_PDF_TIMEOUT="1",
                        **({"PAPERS_NO_UNO": "1"} if uno == "convert-to" else {}))
    try:
        output, _ = build.communicate(timeout=60)
        elapsed = time.monotonic() - began
        started = {int(line) for line in pids.read_text().split()}
        assert started  # the fake was used
        assert build.returncode == 1, output
        for paper in ("05-central-services", "06-change-and-improvement"):
            assert (f"failed    {paper}.pdf  LibreOffice did not finish converting {paper}.docx within 1 s; "
                    "it was stopped") in output, output
        assert elapsed < 20, elapsed
        assert still_running(started) == set()
        # nothing the build started is left: no process names the build's temporary folder
        left = [p for p in parents() if str(tmp_path) in _cmdline(p)]
        assert left == [], [_cmdline(p) for p in left]
        assert list((tmp_path / "tmp").iterdir()) == []
    finally:
        build.kill()
        if pids.exists():
            kill_all({int(line) for line in pids.read_text().split()})


@pytest.mark.libreoffice
def test_a_conversion_over_its_time_limit_stops_the_real_libreoffice_and_its_worker(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from generator.render import pdf

    monkeypatch.setenv("TMPDIR", str(tmp_path))
    monkeypatch.setattr(pdf.tempfile, "tempdir", None)  # tempfile reads TMPDIR again
    office = pdf._Office(60)
    monkeypatch.setattr(pdf, "_offices", [office])
    started = descendants(office.proc.pid) | {office.proc.pid}
    try:
        assert "soffice.bin" in {name(p) for p in started}
        docx = tmp_path / "paper.docx"
        shutil.copy(ROOT / "templates" / "docx" / "briefing_note.docx", docx)
        # no LibreOffice converts a document in a millisecond: it is stopped as a hung one would be
        result = office.convert([docx], tmp_path / "pdf", 0.001)
        assert result == {docx: "LibreOffice did not finish converting paper.docx within 0.001 s; it was stopped"}
        assert still_running(started) == set(), [name(p) for p in started if running(p)]
        assert not Path(office.work.name).exists()
        assert pdf._offices == []
    finally:
        kill_all(started)
        pdf.finish()


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


def test_a_build_removes_the_temporary_folders_older_killed_builds_left_in_out(tmp_path: Path) -> None:
    from conftest import run_papers

    out = tmp_path / "out"
    assert run_papers("build", EXAMPLE, "-o", out).exit_code == 0
    for n in range(3):  # as earlier versions left them, one per killed --pdf build
        (out / EXAMPLE.name / f".papers-pdf-{n}abc" / "pdf").mkdir(parents=True)
        (out / EXAMPLE.name / f".papers-pdf-{n}abc" / "pdf" / "05-central-services.pdf").write_bytes(b"%PDF-half")
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "keep.txt").write_text("not ours")
    (out / EXAMPLE.name / ".papers-pdf-link").symlink_to(outside)
    result = run_papers("build", EXAMPLE, "-o", out)
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (out / EXAMPLE.name).iterdir() if p.name.startswith(".papers-pdf")) == [
        ".papers-pdf-link"]  # a link is not followed
    assert (outside / "keep.txt").read_text() == "not ours"


@pytest.mark.libreoffice
def test_a_parallel_pdf_build_converts_with_one_libreoffice_per_worker_and_leaves_none(pdf_build: Path,
                                                                                     tmp_path: Path) -> None:
    out = tmp_path / "out"
    build = start_build([str(EXAMPLE), "-o", str(out), "--pdf", "-j", "2"], tmp_path)
    profiles: dict[int, str] = {}  # each LibreOffice seen, and the profile it runs with
    try:
        while build.poll() is None:
            for pid in descendants(build.pid):
                found = re.search(r"-env:UserInstallation=(\S+)", _cmdline(pid)) if name(pid) == "soffice.bin" else None
                if found:
                    profiles[pid] = found.group(1)
            time.sleep(0.02)
        output = build.stdout.read()
        assert build.returncode == 0, output
        assert len(set(profiles.values())) == 2, profiles  # two instances at -j 2, each with its own profile
        assert still_running(set(profiles)) == set(), [name(p) for p in profiles if running(p)]
        assert [_cmdline(p) for p in parents() if str(tmp_path) in _cmdline(p)] == []
        assert list((tmp_path / "tmp").iterdir()) == []
        for pdf in sorted(pdf_build.glob("*.pdf")):  # the very bytes of a build with one LibreOffice
            assert (out / EXAMPLE.name / pdf.name).read_bytes() == pdf.read_bytes(), pdf.name
    finally:
        build.kill()
        kill_all(set(profiles))


class _FakeOffice:
    """An instance that hangs on one file name and converts the others (writes a stand-in PDF)."""

    def __init__(self, hangs_on: str) -> None:
        self.hangs_on, self.killed, self.converted = hangs_on, False, []
        self.proc = type("Proc", (), {"poll": staticmethod(lambda: None)})()

    def convert_one(self, file: Path, outdir: Path, seconds: float) -> Path | None:
        if file.name == self.hangs_on:
            time.sleep(0.05)
            return None
        pdf = outdir / f"{file.stem}.pdf"
        pdf.write_bytes(b"%PDF-1.6 " + file.name.encode())
        self.converted.append(file.name)
        return pdf

    def kill(self) -> None:
        self.killed = True


def test_a_hung_conversion_fails_alone_and_the_other_instance_converts_the_rest(tmp_path: Path) -> None:
    from generator.render import pdf

    files = [tmp_path / f"{n:02d}-paper.docx" for n in range(1, 9)]
    offices = [_FakeOffice("03-paper.docx"), _FakeOffice("03-paper.docx")]
    seen: list[str] = []
    result = pdf._convert_on(offices, files, tmp_path, 7, lambda f: seen.append(f.name))  # type: ignore[arg-type]
    assert result[files[2]] == "LibreOffice did not finish converting 03-paper.docx within 7 s; it was stopped"
    assert [o.killed for o in offices].count(True) == 1  # the one that hung, and only it
    hung = next(o for o in offices if o.killed)
    other = next(o for o in offices if not o.killed)
    assert "03-paper.docx" not in other.converted
    for f in files[:2] + files[3:]:  # everything else converted, most of it by the instance still running
        assert result[f] == tmp_path / f"{f.stem}.pdf" and result[f].read_bytes().endswith(f.name.encode())
    assert len(other.converted) >= 5 and set(hung.converted + other.converted) == {f.name for f in files} - {
        "03-paper.docx"}
    assert sorted(seen) == sorted(f.name for f in files)  # progress: every file once


@pytest.mark.libreoffice
def test_a_libreoffice_stopped_before_it_is_up_is_not_left_running() -> None:
    from generator.render import pdf

    # the build stops instances it started ahead of their first file; one may not yet have said which
    # LibreOffice it started (it says so once LibreOffice answers)
    office = pdf._Office(60, wait=False)
    profile = office.work.name
    deadline = time.monotonic() + 30
    started: set[int] = set()
    try:
        while time.monotonic() < deadline and not started:
            started = {p for p in parents() if name(p) in ("oosplash", "soffice.bin") and profile in _cmdline(p)}
            time.sleep(0.01)
        assert started, "LibreOffice did not start"
        assert office.office is None  # not up yet: its process group is not known to the build
        office.kill()
        time.sleep(1)
        assert [p for p in parents() if profile in _cmdline(p) and running(p)] == []
    finally:
        kill_all(started)


def test_a_libreoffice_a_killed_build_left_running_is_stopped_by_the_next(tmp_path: Path) -> None:
    import tempfile

    from generator.render import pdf

    # a build killed while it started LibreOffice can leave an instance running on its work folder: the next
    # build that converts finds it by that folder (whose name holds the dead build's process id) and ends it
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()  # a process id no build holds any more
    folder = Path(tempfile.gettempdir()) / f"{pdf.WORK_PREFIX}{gone.pid}-leftover"
    (folder / "profile").mkdir(parents=True)
    left = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)",
                             f"-env:UserInstallation={(folder / 'profile').as_uri()}"], start_new_session=True)
    try:
        assert running(left.pid)
        with pdf.work_folder():  # what a build with --pdf makes first
            pass
        left.wait(timeout=SETTLE_SECONDS)
        assert not running(left.pid) and left.returncode == -signal.SIGKILL
        assert not folder.exists()
    finally:
        kill_all({left.pid})
        shutil.rmtree(folder, ignore_errors=True)
