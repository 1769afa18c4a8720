"""A whole meeting in one command: briefing numbering, agenda and pack, incremental and safe rebuilds."""
from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

from docx import Document
from lxml import etree
from pypdf import PdfReader

from conftest import EXAMPLE, EXAMPLE_AS, ROOT, run_papers, statuses

BRIEFING = "06-change-and-improvement"
REPORT = "05-central-services"


def pdf_text(pdf: Path, first: int | None = None, last: int | None = None) -> str:
    """Text of a PDF (or of pages first..last) as pdftotext lays it out."""
    args = ["pdftotext", "-layout"]
    if first:
        args += ["-f", str(first), "-l", str(last or first)]
    return subprocess.run(args + [str(pdf), "-"], capture_output=True, text=True, check=True).stdout


# -- briefing notes ----------------------------------------------------------------

def test_briefing_paragraphs_use_one_continuous_word_numbering(built_example: Path) -> None:
    doc = Document(str(built_example / f"{BRIEFING}.docx"))
    numbered = [p for p in doc.paragraphs if p.style.name == "Numbered Paragraph"]
    assert len(numbered) == 43
    assert numbered[0].text.startswith("Since taking on the important and exciting portfolio")
    assert numbered[1].text.startswith("Significant steps have been taken over the past year")
    assert numbered[-1].text.startswith("Going forward, the priorities and actions for the service include")
    # numbering comes from the style (one w:num for the whole note), never typed into the text
    assert not any(re.match(r"\d+\.\d+", p.text) for p in numbered)
    style_numpr = doc.styles["Numbered Paragraph"].element.pPr.numPr
    assert style_numpr is not None and all(p._p.pPr is None or p._p.pPr.numPr is None for p in numbered)
    numbering = doc.part.numbering_part.element
    abstract_id = next(n.abstractNumId.val for n in numbering.num_lst if n.numId == style_numpr.numId.val)
    abstract = next(a for a in numbering.findall(
        "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}abstractNum")
        if a.get("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}abstractNumId") == str(abstract_id))
    assert 'w:val="1.%1"' in etree.tostring(abstract).decode()
    # list items under a numbered paragraph are bullets, not numbered
    bullets = [p for p in doc.paragraphs if p.style.name.startswith("List Bullet")]
    assert bullets and bullets[0].text.startswith("Key messages to staff via an aligned communications campaign")


def test_briefing_numbers_1_1_to_1_43_in_the_rendered_pdf(example_pdfs: dict[str, Path]) -> None:
    text = pdf_text(example_pdfs[BRIEFING])
    numbers = [int(m.group(1)) for m in re.finditer(r"^\s*1\.(\d+)\s+\S", text, re.MULTILINE)]
    assert numbers == list(range(1, 44))
    flat = " ".join(text.split())
    assert re.search(r"1\.1 Since taking on the important", flat)
    assert re.search(r"Corporate Plan and PMAF 1\.2 Significant steps", flat)
    assert re.search(r"1\.43 Going forward, the priorities", flat)


# -- agenda and pack ---------------------------------------------------------------------

def agenda_rows(path: Path) -> list[list[str]]:
    table = Document(str(path)).tables[0]
    return [[c.text for c in row.cells] for row in table.rows]


def first_page(pages: str) -> int:
    """The first page of an agenda row's range ("5 - 24", or "5" for one page)."""
    return int(pages.split("-")[0])


def test_agenda_lists_every_item_with_the_pages_it_spans_in_the_pack(pdf_build: Path) -> None:
    rows = agenda_rows(pdf_build / f"{EXAMPLE_AS}-agenda.docx")
    assert rows[0] == ["Item", "Title", "Pages"]
    assert [r[:2] for r in rows[1:]] == [
        ["5", "Report of the Cabinet Member for Central Services"],
        ["6", "Briefing Note: Report of Cabinet Member for Overall Change and Improvement Agenda"],
        ["7", "Work Programme"],
    ]
    agenda_pages = len(PdfReader(pdf_build / f"{EXAMPLE_AS}-agenda.pdf").pages)
    report_pages = len(PdfReader(pdf_build / f"{REPORT}.pdf").pages)
    briefing_pages = len(PdfReader(pdf_build / f"{BRIEFING}.pdf").pages)
    assert rows[1][2] == f"{agenda_pages + 1} - {agenda_pages + report_pages}"
    last = agenda_pages + report_pages + briefing_pages
    assert rows[2][2] == (f"{agenda_pages + report_pages + 1} - {last}" if briefing_pages > 1 else str(last))
    assert rows[3][2] == ""  # agenda-only item: no paper in the pack
    pack = pdf_build / f"{EXAMPLE_AS}-pack.pdf"
    assert pdf_text(pack, first_page(rows[1][2])).count("ITEM: 5") == 1
    assert "Briefing Note: Report of Cabinet Member" in pdf_text(pack, first_page(rows[2][2]))
    agenda_text = " ".join(pdf_text(pdf_build / f"{EXAMPLE_AS}-agenda.pdf").split())
    assert "Corporate Overview and Scrutiny Committee" in agenda_text
    assert "The meeting will be held at 7.00 pm on 8 December 2022" in agenda_text
    assert "Work Programme" in agenda_text


def test_pack_joins_agenda_then_papers_with_a_bookmark_per_item(pdf_build: Path) -> None:
    reader = PdfReader(pdf_build / f"{EXAMPLE_AS}-pack.pdf")
    parts = [f"{EXAMPLE_AS}-agenda", REPORT, BRIEFING]
    assert len(reader.pages) == sum(len(PdfReader(pdf_build / f"{p}.pdf").pages) for p in parts)
    marks = [(o.title, reader.get_destination_page_number(o) + 1) for o in reader.outline]
    rows = agenda_rows(pdf_build / f"{EXAMPLE_AS}-agenda.docx")
    assert marks == [
        ("Agenda", 1),
        ("Item 5: Report of the Cabinet Member for Central Services", first_page(rows[1][2])),
        ("Item 6: Briefing Note: Report of Cabinet Member for Overall Change and Improvement Agenda",
         first_page(rows[2][2])),
    ]
    assert reader.metadata.title.startswith("Agenda pack: Corporate Overview and Scrutiny Committee")


def test_paper_pdfs_are_tagged_with_title_and_language(example_pdfs: dict[str, Path]) -> None:
    for stem in (REPORT, BRIEFING, f"{EXAMPLE_AS}-agenda"):
        reader = PdfReader(example_pdfs[stem])
        root = reader.trailer["/Root"]
        assert "/StructTreeRoot" in root, f"{stem}.pdf is not tagged"
        assert str(root.get("/Lang", "")).lower().startswith("en"), stem
        assert reader.metadata.title


# -- incremental, safe rebuilds ----------------------------------------------------------

def test_unchanged_papers_are_skipped_and_changes_rebuild_just_what_they_touch(meeting: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    templates = tmp_path / "templates"
    shutil.copytree(ROOT / "templates", templates)
    build = ("build", meeting, "-o", out, "--templates", templates, "-j", "1")
    first = run_papers(*build)
    assert first.exit_code == 0, first.output
    assert statuses(first.output)[f"{REPORT}.docx"] == "built"
    folder = out / meeting.name
    before = {p.name: p.stat().st_mtime_ns for p in folder.iterdir()}

    again = run_papers(*build)
    assert statuses(again.output) == {f"{REPORT}.docx": "unchanged", f"{BRIEFING}.docx": "unchanged",
                                      "budget.xlsx": "unchanged", f"{EXAMPLE_AS}-agenda.docx": "unchanged"}
    assert "warning: Customer Services" in again.output  # warnings are not forgotten on a no-op rebuild
    assert {p.name: p.stat().st_mtime_ns for p in folder.iterdir() if p.name in before} == before

    # the paper itself
    paper = meeting / f"{BRIEFING}.yaml"
    paper.write_text(paper.read_text(encoding="utf-8").replace("Since taking on", "Since starting"), encoding="utf-8")
    changed = run_papers(*build)
    assert statuses(changed.output)[f"{BRIEFING}.docx"] == "built"
    assert statuses(changed.output)[f"{REPORT}.docx"] == "unchanged"
    assert f"content changed since the previous build: {meeting.name}/{BRIEFING}.docx" in changed.output

    # a data file of a paper
    csv = meeting / f"{REPORT}-finance.csv"
    csv.write_text(csv.read_text(encoding="utf-8").replace("Strategy,333", "Strategy,334"), encoding="utf-8")
    data = run_papers(*build)
    assert statuses(data.output)[f"{REPORT}.docx"] == "built"
    assert statuses(data.output)["budget.xlsx"] == "built"
    assert statuses(data.output)[f"{BRIEFING}.docx"] == "unchanged"

    # a template
    template = templates / "docx" / "briefing_note.docx"
    _rezip_with(template, "docProps/app.xml", b"<!-- restyled -->")
    tpl = run_papers(*build)
    assert statuses(tpl.output)[f"{BRIEFING}.docx"] == "built"

    forced = run_papers(*build, "--force")
    assert set(statuses(forced.output).values()) == {"built"}


def _rezip_with(path: Path, member: str, suffix: bytes) -> None:
    """Change one member of a zip package (as re-saving a template would)."""
    with zipfile.ZipFile(path) as src:
        items = [(info, src.read(info.filename)) for info in src.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for info, data in items:
            dst.writestr(info, data + suffix if info.filename == member else data)


def test_an_output_edited_by_a_person_is_never_overwritten_without_force(meeting: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert run_papers("build", meeting, "-o", out, "-j", "1").exit_code == 0
    target = out / meeting.name / f"{REPORT}.docx"
    edited = Document(str(target))
    edited.add_paragraph("A note the clerk typed into the paper.")
    edited.save(str(target))
    edited_bytes = target.read_bytes()

    paper = meeting / f"{REPORT}.yaml"
    paper.write_text(paper.read_text(encoding="utf-8").replace("I am delighted", "I am pleased"), encoding="utf-8")
    result = run_papers("build", meeting, "-o", out, "-j", "1")
    assert result.exit_code == 1, result.output  # its inputs changed since: it is out of date (issue 9.1)
    assert statuses(result.output)[f"{REPORT}.docx"] == "skipped"
    assert "edited since it was built: not overwritten" in result.output
    assert target.read_bytes() == edited_bytes

    forced = run_papers("build", meeting, "-o", out, "-j", "1", "--force")
    assert statuses(forced.output)[f"{REPORT}.docx"] == "built"
    kept = out / meeting.name / f"{REPORT}.edited-1.docx"
    assert kept.read_bytes() == edited_bytes
    assert "I am pleased" in "\n".join(p.text for p in Document(str(target)).paragraphs)


def test_parallel_build_gives_the_same_bytes_as_serial(meeting: Path, tmp_path: Path) -> None:
    serial, parallel = tmp_path / "j1", tmp_path / "j2"
    assert run_papers("build", meeting, "-o", serial, "-j", "1").exit_code == 0
    assert run_papers("build", meeting, "-o", parallel, "-j", "2").exit_code == 0
    names = sorted(p.name for p in (serial / meeting.name).iterdir() if not p.name.startswith("."))
    assert names == sorted(p.name for p in (parallel / meeting.name).iterdir() if not p.name.startswith("."))
    assert {f"{REPORT}.docx", f"{BRIEFING}.docx", f"{EXAMPLE_AS}-agenda.docx", "budget.xlsx"} <= set(names)
    for name in names:
        assert (serial / meeting.name / name).read_bytes() == (parallel / meeting.name / name).read_bytes(), name


def _big_meeting(folder: Path, papers: int, marker: str) -> None:
    """A meeting of many briefing-note papers whose text carries ``marker``."""
    folder.mkdir(parents=True, exist_ok=True)
    source = (EXAMPLE / f"{BRIEFING}.yaml").read_text(encoding="utf-8")
    items = []
    for n in range(papers):
        (folder / f"{n:02d}-note.yaml").write_text(source.replace("Since taking on", f"{marker} {n}: since"),
                                                  encoding="utf-8")
        items.append(f"  - number: {n}\n    paper: {n:02d}-note.yaml\n")
    (folder / "meeting.yaml").write_text(
        "committee: Corporate Overview and Scrutiny Committee\ndate: 2022-12-08\nitems:\n" + "".join(items),
        encoding="utf-8")


def test_killing_a_build_leaves_each_output_old_or_new_and_the_next_build_completes(tmp_path: Path) -> None:
    old_in, new_in = tmp_path / "old" / "m", tmp_path / "new" / "m"
    _big_meeting(old_in, 24, "OLD")
    _big_meeting(new_in, 24, "NEW")
    out, reference = tmp_path / "out", tmp_path / "reference"
    assert run_papers("build", old_in, "-o", out, "-j", "1").exit_code == 0
    assert run_papers("build", new_in, "-o", reference, "-j", "1").exit_code == 0
    old = {p.name: p.read_bytes() for p in (out / "m").glob("*.docx")}
    new = {p.name: p.read_bytes() for p in (reference / "m").glob("*.docx")}

    proc = subprocess.Popen([sys.executable, "-m", "generator", "build", str(new_in), "-o", str(out), "-j", "1"],
                            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if (out / "m" / ".papers-pending").exists():
            written = (out / "m" / ".papers-pending").read_text().count("\n")
            if written >= 3:
                break
        time.sleep(0.005)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()

    after = {p.name: p.read_bytes() for p in (out / "m").glob("*.docx")}
    assert set(after) == set(old)
    mixed = {name: ("new" if data == new[name] else "old" if data == old[name] else "torn")
             for name, data in after.items()}
    assert "torn" not in mixed.values(), mixed
    assert "new" in mixed.values() and "old" in mixed.values(), "the kill did not land mid-build"

    resumed = run_papers("build", new_in, "-o", out, "-j", "1")
    assert resumed.exit_code == 0, resumed.output
    assert "skipped" not in statuses(resumed.output).values()  # our own half-finished work is not "edited"
    assert {p.name: p.read_bytes() for p in (out / "m").glob("*.docx") if p.name in new} == new
    assert not list((out / "m").glob(".*.tmp"))
    manifest = json.loads((out / "m" / ".papers-manifest.json").read_text())
    assert set(new) <= set(manifest["outputs"])


def test_report_is_plain_lines_with_a_summary_table_when_not_a_terminal(meeting: Path, tmp_path: Path) -> None:
    result = run_papers("build", meeting, "-o", tmp_path / "out", "-j", "1")
    assert "\r" not in result.output
    lines = result.output.splitlines()
    header = next(i for i, line in enumerate(lines) if line.startswith("meeting "))
    assert lines[header].split() == ["meeting", "built", "unchanged", "skipped", "failed", "warnings", "errors"]
    # the finance disagreement, and the front sheet's missing membership and contact
    assert lines[header + 1].split() == [meeting.name, "2", "0", "0", "0", "2", "0"]


def test_an_exempt_paper_stays_out_of_the_pack_when_edited_by_hand_and_changed(meeting: Path, tmp_path: Path) -> None:
    paper = meeting / f"{BRIEFING}.yaml"
    paper.write_text(paper.read_text(encoding="utf-8").replace(
        "template: briefing_note\n", "template: briefing_note\nstatus: exempt\nexempt_reason: Paragraph 3\n", 1),
        encoding="utf-8")
    out = tmp_path / "out"
    first = run_papers("build", meeting, "-o", out, "--pdf", "-j", "1")
    assert first.exit_code == 0, first.output

    def bookmarks() -> list[str]:
        return [o.title for o in PdfReader(out / EXAMPLE.name / f"{EXAMPLE_AS}-pack.pdf").outline]

    assert bookmarks() == ["Agenda", "Item 5: Report of the Cabinet Member for Central Services"]
    # a person edits the exempt paper's .docx, and its inputs change: it is skipped, and still not published
    docx = out / EXAMPLE.name / f"{BRIEFING}.docx"
    docx.write_bytes(docx.read_bytes() + b"\0")
    paper.write_text(paper.read_text(encoding="utf-8").replace("Since taking on", "Since taking up", 1),
                     encoding="utf-8")
    second = run_papers("build", meeting, "-o", out, "--pdf", "-j", "1")
    assert statuses(second.output)[f"{BRIEFING}.docx"] == "skipped"
    assert bookmarks() == ["Agenda", "Item 5: Report of the Cabinet Member for Central Services"]


def test_building_one_paper_of_a_meeting_lists_the_others_as_last_built(meeting: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    alone = run_papers("build", meeting / f"{REPORT}.yaml", "-o", out)
    # the briefing note was never built: the agenda cannot name it, and says why in those words
    assert statuses(alone.output)[f"{REPORT}.docx"] == "built"
    assert (f"item 6's paper {BRIEFING}.yaml was not part of this run and has not been built before"
            in " ".join(alone.output.split()))
    assert "has errors" not in alone.output

    assert run_papers("build", meeting, "-o", out).exit_code == 0
    paper = meeting / f"{REPORT}.yaml"
    paper.write_text(paper.read_text(encoding="utf-8").replace(
        "title: Report of the Cabinet Member for Central Services", "title: Central Services & Assets"),
        encoding="utf-8")
    again = run_papers("build", paper, "-o", out)
    assert again.exit_code == 0, again.output
    assert statuses(again.output)[f"{EXAMPLE_AS}-agenda.docx"] == "built"
    front = out / meeting.name / f"{EXAMPLE_AS}-agenda.docx"
    agenda = "\n".join(p.text for p in Document(str(front)).paragraphs)
    agenda += "\n".join(c.text for t in Document(str(front)).tables
                        for row in t.rows for c in row.cells)
    assert "Central Services & Assets" in agenda
    assert "Report of Cabinet Member for Overall Change and Improvement Agenda" in agenda
