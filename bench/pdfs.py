"""Benchmark: `papers build --pdf` of one 20-paper meeting, the pack's join, and plain soffice beside them (issue 15).

    .venv/bin/python bench/pdfs.py [--runs 3] [--json FILE]

One meeting of bench/synth.py's cycle (17 portfolio reports of about 18 pages, 3 briefing notes) is built
from scratch (a fresh output folder each run), interleaved round by round:

- ``papers build --pdf -j 2``: the papers, the workbook, the agenda, every PDF (two LibreOffice instances),
  the pack and meeting.json: its wall time per paper is the target (<= 0.30 s);
- ``papers build --pdf -j 1`` (one LibreOffice instance) and ``papers build -j 2`` without --pdf: what
  the second instance gives, and what the PDF work adds to the build;
- plain ``soffice --convert-to pdf`` of the same 20 Word files, two instances side by side, each with a
  fresh profile of its own and half the files, as a script would run it: untagged-to-PDF/UA fixes,
  dates, layout-table tags, the agenda (converted twice: once to learn its length) and the pack are ours
  alone.

Then the pack is joined again from the built PDFs, each time in a fresh Python process (imports not
counted; the stamps' font subset, made once per process, is): its target is under 1 s. After every
--pdf build, no LibreOffice process of it may be left running.
"""
from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

import common  # noqa: E402
import synth  # noqa: E402

PAPERS = Path(sys.executable).parent / "papers"
TARGET_PER_PAPER_S = 0.30
TARGET_JOIN_S = 1.0

JOIN = """
import sys, time
from pathlib import Path
from generator.render import pack
folder = Path(sys.argv[1])
agenda = next(folder.glob("*agenda.pdf"))
parts = [("Agenda", agenda)] + [(stem, folder / f"{stem}.pdf") for stem in sys.argv[2:]]
start = time.perf_counter()
data = pack.join(parts, "Agenda pack", None)
print(time.perf_counter() - start, len(data), sum(pack.page_count(p) for _, p in parts))
"""


PYCACHE: Path | None = None  # set with the work folder: the bytecode of every measured Python process


def _env() -> dict[str, str]:
    return common.measured_env(PYCACHE)


CPU: dict[str, list[float]] = {}  # CPU seconds of each measured process tree, by step


def _run(args: list[str], env: dict[str, str] | None = None, step: str = "") -> tuple[float, str]:
    start = time.perf_counter()
    with tempfile.TemporaryFile("w+") as output:
        proc = subprocess.Popen(args, cwd=ROOT, stdout=output, stderr=subprocess.STDOUT, text=True,
                                env=env or _env())
        cpu = common.TreeCpu(proc.pid)
        cpu.start()
        proc.wait()
        wall = time.perf_counter() - start
        cpu.stop.set()
        cpu.join()
        output.seek(0)
        text = output.read()
    CPU.setdefault(step, []).append(cpu.seconds())
    if proc.returncode != 0:
        raise SystemExit(f"bench: {' '.join(map(str, args))} failed (exit {proc.returncode}):\n{text[-3000:]}")
    return wall, text


def _office_left(marker: str) -> list[str]:
    """Command lines of running LibreOffice processes whose command line names ``marker`` (our work folder)."""
    left = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            text = cmdline.read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if "soffice" in text and marker in text:
            left.append(text)
    return left


def _plain_soffice(docx: list[Path], out: Path, work: Path) -> float:
    """Wall time of two `soffice --convert-to pdf` side by side (own profiles, half the files each)."""
    halves = [docx[0::2], docx[1::2]]
    start = time.perf_counter()
    procs = []
    for k, files in enumerate(halves):
        profile = work / f"plain-profile-{k}"
        shutil.rmtree(profile, ignore_errors=True)
        procs.append(subprocess.Popen(
            ["soffice", f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore", "--nolockcheck",
             "--convert-to", "pdf", "--outdir", str(out), *map(str, files)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env={**_env(), "SAL_USE_VCLPLUGIN": "svp"}))
    cpu = common.TreeCpu(*(p.pid for p in procs))
    cpu.start()
    for proc in procs:
        proc.wait()
    wall = time.perf_counter() - start
    cpu.stop.set()
    cpu.join()
    CPU.setdefault("soffice", []).append(cpu.seconds())
    if len(list(out.glob("*.pdf"))) != len(docx):
        raise SystemExit("bench: plain soffice --convert-to did not convert every file")
    return wall


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=3, help="interleaved rounds (default 3)")
    ap.add_argument("--json", type=Path, help="write the section for bench/run_all.py here")
    ap.add_argument("--keep", type=Path, help="work in this folder and keep it")
    opts = ap.parse_args()
    before = common.load_average()
    if not shutil.which("soffice"):
        raise SystemExit("bench: LibreOffice (soffice) is not installed (make bench installs it)")
    with common.work_folder(opts.keep, "papers-pdfs-") as work:
        rows, extra = _bench(work, opts)
    common.write_section(opts.json, "pdf", before, rows, extra)
    common.print_rows(rows)


def _bench(work: Path, opts: argparse.Namespace) -> tuple[list[dict], dict]:
    global PYCACHE
    PYCACHE = work / "pycache"
    cycle = synth.make_cycle(meetings=1)
    synth.write_cycle(cycle, work / "inputs")
    meeting = work / "inputs" / cycle[0].folder
    n = len(cycle[0].papers)
    tmp = work / "tmp"  # the builds' TMPDIR: LibreOffice's work folders are there, so ours are told apart
    tmp.mkdir()

    def build(name: str, *args: str) -> float:
        out = work / name
        shutil.rmtree(out, ignore_errors=True)
        wall, text = _run([str(PAPERS), "build", str(meeting), "-o", str(out), *args],
                          env={**_env(), "TMPDIR": str(tmp)}, step=name)
        if not re.search(rf"^{n} papers: {n} built, 0 failed", text, re.M):
            raise SystemExit(f"bench: papers build {' '.join(args)} did not build every paper:\n{text[-2000:]}")
        if "--pdf" in args:
            pdfs = list((out / meeting.name).glob("*.pdf"))
            if len(pdfs) != n + 2:  # papers, agenda, pack
                raise SystemExit(f"bench: --pdf wrote {len(pdfs)} PDFs, {n + 2} expected:\n{text[-2000:]}")
            time.sleep(0.2)
            left = _office_left(str(tmp))
            if left:
                raise SystemExit(f"bench: LibreOffice left running after the build: {left}")
        return wall

    build("warm-up", "-j", "2", "--pdf")  # bytecode, page cache, fontconfig's cache: not measured
    stems = [p.stem for p in cycle[0].papers]
    docx = [work / "warm-up" / meeting.name / f"{stem}.docx" for stem in stems]
    times: dict[str, list[float]] = {"pdf2": [], "pdf1": [], "plain2": [], "soffice2": []}
    steps = {"pdf2": lambda: build("pdf-j2", "-j", "2", "--pdf"), "pdf1": lambda: build("pdf-j1", "-j", "1", "--pdf"),
             "plain2": lambda: build("plain-j2", "-j", "2"),
             "soffice2": lambda: _plain_soffice(docx, _fresh(work / "soffice"), work)}
    order = list(steps)
    meter = common.CpuMeter()
    for r in range(opts.runs):
        for step in order[r % len(order):] + order[:r % len(order)]:
            times[step].append(steps[step]())
            print(f"  round {r + 1} {step:<9} {times[step][-1]:6.2f} s", flush=True)
    joins, pages = [], 0
    for _ in range(opts.runs):
        _, text = _run([sys.executable, "-c", JOIN, str(work / "pdf-j2" / meeting.name), *stems])
        seconds, _, pages_text = text.strip().splitlines()[-1].split()
        joins.append(float(seconds))
        pages = int(pages_text)
    meter.ours = sum(sum(v) for v in CPU.values())
    busy, others = meter.shares()

    def med(key: str) -> float:
        return statistics.median(times[key])

    per2 = [t / n for t in times["pdf2"]]
    pdf_work = [(a - b) / n for a, b in zip(times["pdf2"], times["plain2"])]
    vs_plain = [(a - b) / c for a, b, c in zip(times["pdf2"], times["plain2"], times["soffice2"])]
    speedup = [a / b for a, b in zip(times["pdf1"], times["pdf2"])]
    rows = [
        common.row(f"--pdf -j 2, {n}-paper meeting, wall time per paper (pack included)", statistics.median(per2), "s",
                   common.median_detail(per2, "s"), f"<= {TARGET_PER_PAPER_S:.2f} s/paper",
                   statistics.median(per2) <= TARGET_PER_PAPER_S),
        common.row(f"--pdf -j 1, same meeting, per paper", med("pdf1") / n, "s",
                   common.median_detail([t / n for t in times["pdf1"]], "s")),
        common.row("--pdf -j 1 / -j 2 (the second LibreOffice)", statistics.median(speedup), "x",
                   common.median_detail(speedup, "x", 1, 2)),
        common.row("PDF work per paper at -j 2 (--pdf minus the same build without)", statistics.median(pdf_work), "s",
                   common.median_detail(pdf_work, "s")),
        common.row(f"plain soffice --convert-to, 2 instances, {n} files", med("soffice2"), "s",
                   common.median_detail(times["soffice2"], "s")),
        # CPU time does not depend on how busy the machine is as wall time does: / 2 cores, the quiet wall time
        common.row("CPU time per paper, --pdf -j 2 build (whole process tree)", statistics.median(CPU["pdf-j2"]) / n,
                   "s", common.median_detail([c / n for c in CPU["pdf-j2"]], "s")),
        common.row("CPU time per paper, same build without --pdf", statistics.median(CPU["plain-j2"]) / n, "s",
                   common.median_detail([c / n for c in CPU["plain-j2"]], "s")),
        common.row("CPU time per paper, plain 2-instance soffice --convert-to", statistics.median(CPU["soffice"]) / n,
                   "s", common.median_detail([c / n for c in CPU["soffice"]], "s")),
        common.row("our PDF work / plain 2-instance soffice --convert-to", statistics.median(vs_plain), "x",
                   common.median_detail(vs_plain, "x", 1, 2)),
        common.row(f"pack join, {n + 1} tagged PDFs ({pages} pages), fresh process", statistics.median(joins), "s",
                   common.median_detail(joins, "s"), f"< {TARGET_JOIN_S:.0f} s", statistics.median(joins) < TARGET_JOIN_S),
    ]
    extra = {"papers": n, "seconds": times, "join_s": joins,
             "cpu": {"busy_share": round(busy, 3), "others_share": round(others, 3), "cpus": os.cpu_count()}}
    return rows, extra


def _fresh(folder: Path) -> Path:
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir()
    return folder


if __name__ == "__main__":
    main()
