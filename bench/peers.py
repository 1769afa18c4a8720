"""Benchmark: the same papers rendered by plain docxtpl, docxtemplater, Carbone and papers, side by side (issue 15).

    .venv/bin/python bench/peers.py [--runs 3] [--meetings 10] [--json FILE]

The cycle of bench/synth.py (10 meetings x 20 papers of about 18 pages) is rendered, in one run and
interleaved (each round runs every renderer once, the order turning from round to round), by:

- plain docxtpl: bench/baseline.py, one Python process (template loaded per paper, body XML pre-built);
- docxtemplater (npm, free core): bench/peers/render.js, one node process, the same templates' styles
  with docxtemplater tags; the bodies are the same pre-built WordprocessingML, inserted with its raw XML
  tag ``{@body}``;
- Carbone (npm, community edition, offline: no LibreOffice is used to make a .docx): one node process,
  a structured template (a loop over the sections, each drawn from named fields: headings, paragraphs,
  bullets, the KPI table's rows in a table loop, the finance table). What it cannot draw in that
  template, it draws plainer: a paragraph's bold and italic words print as plain text, and the bullets
  take a fixed pattern of levels (the first two and the fifth and sixth at level 1, the third and fourth
  at level 2) where the inputs vary the fourth's and sixth's;
- papers: ``papers build`` of the same cycle from its YAML, Markdown and CSV inputs, cold (a fresh
  output folder), at -j 1 and -j 2: validation, Markdown, the audit, the budget workbooks, the
  agendas and the manifest included, which the others do not do.

Every figure is a whole process per paper, median of --runs rounds. The machine's load average is
taken before and after, and /proc/stat's busy share of all CPUs during the run, with the share that
other processes than the benchmark's took (the benchmark's own CPU time from its children's usage).
"""
from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import time
import zipfile
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

import common  # noqa: E402
import synth  # noqa: E402

PAPERS = Path(sys.executable).parent / "papers"
PYCACHE: Path | None = None  # set with the work folder: the bytecode of every measured Python process
PEERS = HERE / "peers"
TEMPLATES = ROOT / "templates" / "docx"
NAMES = {"baseline": "plain docxtpl (Python loop)", "docxtemplater": "docxtemplater 3 (raw XML bodies)",
         "carbone": "Carbone 3 (structured template)", "papers-j1": "papers build -j 1", "papers-j2": "papers build -j 2"}


# -- the peers' templates: our templates' styles, numbering and footer, with the peer's tags in the body ----

def _p(style: str | None, text: str) -> str:
    ppr = f'<w:pPr><w:pStyle w:val="{style}"/></w:pPr>' if style else ""
    return f'<w:p>{ppr}<w:r><w:t xml:space="preserve">{text}</w:t></w:r></w:p>'


def _row(cells: list[str], style: str, header: bool = False) -> str:
    width = 9026 // len(cells)
    trpr = "<w:trPr><w:tblHeader/></w:trPr>" if header else ""
    return f"<w:tr>{trpr}" + "".join(
        f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/></w:tcPr>{_p(style, c)}</w:tc>' for c in cells) + "</w:tr>"


def _table(header: list[str], row: list[str], next_row: list[str]) -> str:
    """A table with a header row and a row loop (the row, and the next one that marks the loop's end)."""
    width = 9026 // len(header)
    grid = "".join(f'<w:gridCol w:w="{width}"/>' for _ in header)
    return (f'<w:tbl><w:tblPr><w:tblStyle w:val="CouncilTable"/><w:tblW w:w="{width * len(header)}" w:type="dxa"/>'
            f'</w:tblPr><w:tblGrid>{grid}</w:tblGrid>{_row(header, "TableHeading", True)}'
            f'{_row(row, "TableText")}{_row(next_row, "TableText")}</w:tbl>')


def _bullets(path: str) -> str:
    styles = ["ListBullet", "ListBullet", "ListBullet2", "ListBullet2", "ListBullet", "ListBullet"]
    return "".join(_p(s, f"{{{path}.b{k}}}") for k, s in enumerate(styles))


KPI_KEYS = ["title", "previous", "current", "target", "performance", "direction"]
KPI_HEADER = ["KPI Title", "2016/17 Outturn", "Qtr 1 YTD", "Qtr 1 Target", "Performance", "Direction of Travel"]


def _carbone_body(template: str) -> str:
    if template == "portfolio_report":
        s = "d.sections[i]"
        kpi = [f"{{{s}.kpis[i].{k}}}" for k in KPI_KEYS]
        fin = ["{d.finance.rows[i].service}", *(f"{{d.finance.rows[i].{c}}}" for c in synth.COLUMNS)]
        return "".join([
            _p("CoverText", "{d.meeting_date}"), _p("CoverText", "ITEM: {d.item}"),
            _p("CoverText", "{d.committee_short_name}"), _p("CoverText", "{d.title}"), _p("CoverText", "{d.report_of}"),
            _p("Heading1", "{d.introduction.title}"), _p(None, "{d.introduction.p1}"), _bullets("d.introduction"),
            _p("Heading1", "Recommendation:"), _p("Recommendation", "{d.recommendations[i].text}"),
            _p("Recommendation", "{d.recommendations[i+1].text}"),
            _p("Heading1", f"{{{s}.title}}"), _p("Heading2", "Service overview"), _p(None, f"{{{s}.p1}}"),
            _p(None, f"{{{s}.p2}}"), _p("Heading2", "Review of previous 12 months"), _p(None, f"{{{s}.p3}}"),
            _bullets(s), _p(None, f"{{{s}.kpis:ifNEM:showBegin}}"), _p("Heading3", "Performance"),
            _table(KPI_HEADER, kpi, [c.replace("kpis[i]", "kpis[i+1]") for c in kpi]), _p(None, f"{{{s}.kpis:showEnd}}"),
            _p("Heading2", "Future"), _p(None, f"{{{s}.p4}}"), _p("Heading1", "{d.sections[i+1].title}"),
            _p("Heading2", "{d.finance.title}"),
            _table(["Service", *synth.COLUMNS.values()], fin, [c.replace("rows[i]", "rows[i+1]") for c in fin]),
        ])
    s = "d.sections[i]"
    grid = [f"{{{s}.grid[i].service}}", f"{{{s}.grid[i].calls}}"]
    return "".join([
        _p("CommitteeName", "{d.committee}"), _p("Title", "{d.title}"),
        _p(None, "Purpose of the briefing note: {d.purpose}"),
        _p("NumberedParagraph", "{d.intro.p1}"), _p("NumberedParagraph", "{d.intro.p2}"),
        _p("Heading1", f"{{{s}.title}}"), _p("NumberedParagraph", f"{{{s}.p1}}"),
        _p("NumberedParagraph", f"{{{s}.p2}}"), _bullets(s), _p("NumberedParagraph", f"{{{s}.p3}}"),
        _p(None, f"{{{s}.grid:ifNEM:showBegin}}"),
        _table(["Service", "Calls down"], grid, [c.replace("grid[i]", "grid[i+1]") for c in grid]),
        _p(None, f"{{{s}.grid:showEnd}}"), _p("Heading1", "{d.sections[i+1].title}"),
    ])


def _docxtemplater_body(template: str) -> str:
    if template == "portfolio_report":
        return "".join([
            _p("CoverText", "{meeting_date}"), _p("CoverText", "ITEM: {item}"), _p("CoverText", "{committee_short_name}"),
            _p("CoverText", "{title}"), _p("CoverText", "{report_of}"),
            _p(None, "{#introduction}"), _p("Heading1", "{title}"), _p(None, "{@body}"), _p(None, "{/introduction}"),
            _p("Heading1", "Recommendation:"), _p(None, "{#recommendations}"), _p("Recommendation", "{.}"),
            _p(None, "{/recommendations}"),
            _p(None, "{#sections}"), _p("Heading1", "{title}"), _p(None, "{@body}"), _p(None, "{/sections}"),
            _p(None, "{#finance}"), _p("Heading2", "{title}"), _p(None, "{@body}"), _p(None, "{/finance}"),
        ])
    return "".join([
        _p("CommitteeName", "{committee}"), _p("Title", "{title}"), _p(None, "Purpose of the briefing note: {purpose}"),
        _p(None, "{#sections}"), _p(None, "{#title}"), _p("Heading1", "{title}"), _p(None, "{/title}"),
        _p(None, "{@body}"), _p(None, "{/sections}"),
    ])


def make_template(template: str, engine: str, folder: Path) -> Path:
    """Our template ``template`` (styles, numbering, footer, page set-up) with ``engine``'s tags as its body."""
    source = TEMPLATES / f"{template}.docx"
    out = folder / f"{template}-{engine}.docx"
    with zipfile.ZipFile(source) as zin:
        document = zin.read("word/document.xml").decode("utf-8")
        body = re.search(r"<w:body>(.*)(<w:sectPr.*</w:sectPr>)\s*</w:body>", document, re.S)
        assert body, f"{source}: no body and section properties"
        new = (_carbone_body if engine == "carbone" else _docxtemplater_body)(template)
        document = document[:body.start(1)] + new + body.group(2) + document[body.end(2):]
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
            for item in zin.infolist():
                zout.writestr(item, document if item.filename == "word/document.xml" else zin.read(item.filename))
    return out


# -- the peers' data, from the same paper specs as the baseline's --------------------------------------------

def _plain(text: synth.Text) -> str:
    return "".join(piece[0] for piece in text.pieces).strip()


def _texts(blocks: list[Any]) -> list[str]:
    return [_plain(b) for b in blocks if isinstance(b, synth.Text)]


def _bullet_texts(blocks: list[Any]) -> dict[str, str]:
    found = next(b for b in blocks if isinstance(b, synth.Bullets))
    return {f"b{k}": _plain(t) for k, (_, t) in enumerate(found.items)}


def carbone_context(m: synth.MeetingSpec, p: synth.PaperSpec) -> dict[str, Any]:
    """The structured data of a Carbone template: named fields, lists for the loops."""
    if p.template == "portfolio_report":
        assert p.introduction is not None
        sections = []
        for s in p.sections:
            texts = _texts(s.blocks)
            kpis = next((b.rows for b in s.blocks if isinstance(b, synth.Kpis)), [])
            sections.append({"title": s.title, "p1": texts[0], "p2": texts[1], "p3": texts[2], "p4": texts[3],
                             "kpis": kpis, **_bullet_texts(s.blocks)})
        return {"meeting_date": f"{m.date.day} {m.date:%B %Y}", "committee_short_name": m.short_name,
                "item": p.item, "title": p.title, "report_of": p.report_of,
                "introduction": {"title": p.introduction.title, "p1": _texts(p.introduction.blocks)[0],
                                 **_bullet_texts(p.introduction.blocks)},
                "recommendations": [{"text": r} for r in p.recommendations], "sections": sections,
                "finance": {"title": "Financial Information",
                            "rows": [{"service": r["service"], **{k: synth._amount(r[k]) for k in synth.COLUMNS}}
                                     for r in p.finance_rows]}}
    first, *rest = p.sections
    sections = []
    for s in rest:
        texts = _texts(s.blocks)
        grid = next((b.rows for b in s.blocks if isinstance(b, synth.GridTable)), [])
        sections.append({"title": s.title, "p1": texts[0], "p2": texts[1], "p3": texts[2],
                         **_bullet_texts(s.blocks), "grid": [{"service": a, "calls": b} for a, b in grid]})
    intro = _texts(first.blocks)
    return {"committee": m.committee, "title": p.title, "purpose": p.purpose,
            "intro": {"p1": intro[0], "p2": intro[1]}, "sections": sections}


def docxtemplater_context(m: synth.MeetingSpec, p: synth.PaperSpec) -> dict[str, Any]:
    """The baseline's context (bodies as pre-built WordprocessingML), recommendations as text."""
    ctx = synth.baseline_context(m, p)
    if p.template == "portfolio_report":
        ctx["recommendations"] = list(p.recommendations)
    return ctx


# -- running -------------------------------------------------------------------------------------------------

def _timed(args: list[str], cwd: Path = ROOT) -> tuple[float, str]:
    """(wall seconds, output) of one whole process."""
    start = time.perf_counter()
    proc = subprocess.run(args, cwd=cwd, capture_output=True, text=True, check=False,
                          env=common.measured_env(PYCACHE))
    wall = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"bench: {' '.join(args)} failed (exit {proc.returncode}):\n{(proc.stdout + proc.stderr)[-3000:]}")
    return wall, proc.stdout


def _children_cpu() -> float:
    usage = os.times()
    return usage.children_user + usage.children_system


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=3, help="interleaved rounds (default 3)")
    ap.add_argument("--meetings", type=int, default=synth.MEETINGS, help="meetings of 20 papers (default 10)")
    ap.add_argument("--json", type=Path, help="write the section for bench/run_all.py here")
    ap.add_argument("--keep", type=Path, help="work in this folder and keep it")
    opts = ap.parse_args()
    before = common.load_average()
    node = shutil.which("node")
    if node is None:
        raise SystemExit("bench: node is not installed (Node 20 and npm: apt-get install nodejs npm)")
    if not (PEERS / "node_modules" / "carbone").is_dir() or not (PEERS / "node_modules" / "docxtemplater").is_dir():
        raise SystemExit("bench: the peers are not installed: run `npm ci` in bench/peers (make bench does)")
    with common.work_folder(opts.keep, "papers-peers-") as work:
        rows, extra = _bench(work, opts, node, before)
    common.write_section(opts.json, "peers", before, rows, extra)
    common.print_rows(rows)


def _bench(work: Path, opts: argparse.Namespace, node: str, before: list[float]) -> tuple[list[dict], dict]:
    global PYCACHE
    PYCACHE = work / "pycache"
    cycle = synth.make_cycle(meetings=opts.meetings)
    inputs = work / "inputs"
    synth.write_cycle(cycle, inputs)
    papers = [(m, p) for m in cycle for p in m.papers]
    n = len(papers)
    templates = {(t, e): make_template(t, e, work) for t in ("portfolio_report", "briefing_note")
                 for e in ("docxtemplater", "carbone")}
    jobs: dict[str, Path] = {}
    for engine, context in (("baseline", synth.baseline_context), ("docxtemplater", docxtemplater_context),
                            ("carbone", carbone_context)):
        out = work / f"out-{engine}"
        listed = [{"template": str(TEMPLATES / f"{p.template}.docx") if engine == "baseline"
                   else str(templates[(p.template, engine)]), "out": str(out / f"{k:03d}.docx"),
                   "context": context(m, p)} for k, (m, p) in enumerate(papers)]
        jobs[engine] = work / f"{engine}.json"
        jobs[engine].write_text(json.dumps(listed), encoding="utf-8")
        (work / f"warm-{engine}.json").write_text(json.dumps(
            [dict(j, out=str(work / "warm" / f"{engine}-{k}.docx")) for k, j in enumerate(listed[:3])]),
            encoding="utf-8")
    commands = {
        "baseline": [sys.executable, str(HERE / "baseline.py"), str(jobs["baseline"])],
        "docxtemplater": [node, str(PEERS / "render.js"), "docxtemplater", str(jobs["docxtemplater"])],
        "carbone": [node, str(PEERS / "render.js"), "carbone", str(jobs["carbone"])],
        "papers-j1": [str(PAPERS), "build", str(inputs), "-o", str(work / "out-papers-j1"), "-j", "1"],
        "papers-j2": [str(PAPERS), "build", str(inputs), "-o", str(work / "out-papers-j2"), "-j", "2"],
    }
    # warm-up, not measured: bytecode compiled, node modules and templates in the page cache
    (work / "warm").mkdir()
    for engine in ("baseline", "docxtemplater", "carbone"):
        _timed([*commands[engine][:-1], str(work / f"warm-{engine}.json")])
    _timed([str(PAPERS), "build", str(inputs / cycle[0].folder), "-o", str(work / "warm"), "-j", "2"])
    order = list(commands)
    times: dict[str, list[float]] = {k: [] for k in order}
    meter = common.CpuMeter()
    cpu_before = _children_cpu()
    for r in range(opts.runs):
        for engine in order[r % len(order):] + order[:r % len(order)]:  # the order turns each round
            out = work / f"out-{engine}"
            shutil.rmtree(out, ignore_errors=True)
            out.mkdir()
            wall, text = _timed(commands[engine])
            if engine.startswith("papers") and not re.search(rf"^{n} papers: {n} built, 0 failed", text, re.M):
                raise SystemExit(f"bench: {engine} did not build every paper:\n{text[-2000:]}")
            written = len(list(out.rglob("*.docx")))
            expected = n + (len(cycle) if engine.startswith("papers") else 0)  # papers also write each agenda
            if written != expected:
                raise SystemExit(f"bench: {engine} wrote {written} .docx, {expected} expected")
            times[engine].append(wall)
            print(f"  round {r + 1} {engine:<14} {wall:6.2f} s", flush=True)
    meter.ours = _children_cpu() - cpu_before
    busy, others = meter.shares()
    per = {k: [t / n for t in v] for k, v in times.items()}
    rows = []
    for engine in order:
        ms = statistics.median(per[engine]) * 1000
        rows.append(common.row(f"{NAMES[engine]}, per paper", ms, "ms/paper",
                               common.median_detail(per[engine], "ms", 1000, 1)))
    for engine in order[1:]:
        ratios = [a / b for a, b in zip(per[engine], per["baseline"])]  # each round against its own baseline
        rows.append(common.row(f"{NAMES[engine]} / plain docxtpl", statistics.median(ratios), "x",
                               common.median_detail(ratios, "x", 1, 2)))
    j2_carbone = [a / b for a, b in zip(per["papers-j2"], per["carbone"])]
    rows.append(common.row("papers -j 2 / Carbone (ahead of Carbone)", statistics.median(j2_carbone), "x",
                           common.median_detail(j2_carbone, "x", 1, 2), "< 1.0",
                           statistics.median(j2_carbone) < 1.0))
    extra = {"papers": n, "cpu": {"busy_share": round(busy, 3), "others_share": round(others, 3),
                                  "cpus": os.cpu_count()}}
    return rows, extra


if __name__ == "__main__":
    main()
