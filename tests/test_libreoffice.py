"""LibreOffice, an independent reader, opens every built .docx and lays it out as the council's papers.

One `papers build --pdf` of the example per session (the `example_pdfs` fixture); never skipped:
`make test` installs LibreOffice and poppler-utils.
"""
from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import EXAMPLE_AS

REPORT = "05-central-services"
BRIEFING = "06-change-and-improvement"


def pdf_pages(pdf: Path) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    return int(re.search(r"^Pages:\s+(\d+)", info, re.MULTILINE).group(1))


def pdf_text(pdf: Path, first: int | None = None, last: int | None = None, layout: bool = True) -> str:
    args = ["pdftotext"] + (["-layout"] if layout else [])
    if first:
        args += ["-f", str(first), "-l", str(last or first)]
    return subprocess.run(args + [str(pdf), "-"], capture_output=True, text=True, check=True).stdout


def flat(text: str) -> str:
    return " ".join(text.split())


def test_every_docx_converts_to_a_pdf(example_pdfs: dict[str, Path]) -> None:
    assert {REPORT, BRIEFING, f"{EXAMPLE_AS}-agenda"} <= set(example_pdfs)
    for stem, pdf in example_pdfs.items():
        assert pdf.read_bytes()[:5] == b"%PDF-", stem
        assert pdf_pages(pdf) >= 1, stem


@pytest.mark.parametrize("stem, low, high", [(REPORT, 12, 30), (BRIEFING, 5, 15), (f"{EXAMPLE_AS}-agenda", 1, 3)])
def test_page_counts_are_sane(example_pdfs: dict[str, Path], stem: str, low: int, high: int) -> None:
    assert low <= pdf_pages(example_pdfs[stem]) <= high


def test_first_page_shows_the_cover_table(example_pdfs: dict[str, Path]) -> None:
    page1 = flat(pdf_text(example_pdfs[REPORT], 1, 1))
    for text in ("8 December 2022", "ITEM: 5", "Corporate O&S", "Report of the Cabinet Member for Central Services",
                 "Report of: Councillor Jack Duffin, Cabinet Member for Central Services", "This report is public"):
        assert text in page1, text
    # the cover comes before the body
    assert page1.index("This report is public") < page1.index("Introduction by Cabinet Member")


def test_recommendations_are_numbered_1_1(example_pdfs: dict[str, Path]) -> None:
    text = flat(pdf_text(example_pdfs[REPORT], layout=False))
    assert re.search(r"\b1\. Recommendation: 1\.1 That Corporate Overview & Scrutiny Committee note the report", text)
    assert text.count("1.1 That Corporate Overview") == 1


def test_sub_headings_render_upper_case_with_the_marker(example_pdfs: dict[str, Path]) -> None:
    text = pdf_text(example_pdfs[REPORT])
    headings = re.findall(r"^\s*►\s+(.+?)\s*$", text, re.MULTILINE)
    assert headings[:3] == ["REVIEW OF PREVIOUS 12 MONTHS", "FUTURE", "SERVICE OVERVIEW"]
    assert all(h == h.upper() for h in headings)
    assert "Review of previous 12 months" not in text  # the style, not the input, sets the case


def test_bullets_render_with_their_glyphs(example_pdfs: dict[str, Path]) -> None:
    text = pdf_text(example_pdfs[REPORT])
    assert text.count("•") >= 50  # Word list numbering drawn by LibreOffice, not typed


def test_finance_table_renders_the_published_figures(example_pdfs: dict[str, Path]) -> None:
    text = pdf_text(example_pdfs[REPORT])
    row = next(line for line in text.splitlines() if line.strip().startswith("Customer Services")
               and "1,094" in line)
    assert row.split()[-4:] == ["702", "1,094", "965", "(131)"]
    assert "£000" in text


def test_one_libreoffice_start_for_a_whole_build_and_the_same_pdfs_without_it(
        pdf_build: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from conftest import EXAMPLE, EXAMPLE_AS, run_papers

    from generator.render import pdf as pdf_module

    started: list[list[str]] = []
    popen, run = subprocess.Popen, subprocess.run

    def spy_popen(args, *a, **k):  # type: ignore[no-untyped-def]
        if any(str(arg).endswith("uno_worker.py") for arg in args):
            started.append(["uno", *map(str, args)])
        return popen(args, *a, **k)  # (subprocess.run comes here too)

    def spy_run(args, *a, **k):  # type: ignore[no-untyped-def]
        if "--convert-to" in args:
            started.append(["convert-to", *map(str, args)])
        return run(args, *a, **k)

    monkeypatch.setattr(pdf_module.subprocess, "Popen", spy_popen)
    monkeypatch.setattr(pdf_module.subprocess, "run", spy_run)
    # two meetings: the example twice over, under other folder names
    for name in ("meeting-a", "meeting-b"):
        shutil.copytree(EXAMPLE, tmp_path / "in" / name)
    result = run_papers("build", tmp_path / "in", "-o", tmp_path / "out", "--pdf", "-j", "1")
    assert result.exit_code == 0, result.output
    assert [s[0] for s in started] == ["uno"], started  # papers and agendas of both meetings: one start
    assert started[0][2].endswith("uno_worker.py")
    for name in ("meeting-a", "meeting-b"):
        assert {p.name for p in (tmp_path / "out" / name).glob("*.pdf")} == {
            f"{REPORT}.pdf", f"{BRIEFING}.pdf", f"{EXAMPLE_AS}-agenda.pdf", f"{EXAMPLE_AS}-pack.pdf"}
    # the fallback, soffice --convert-to (twice per meeting), writes the very same files
    started.clear()
    monkeypatch.setenv("PAPERS_NO_UNO", "1")
    monkeypatch.setattr(pdf_module, "_unavailable", False)
    fallback = run_papers("build", EXAMPLE, "-o", tmp_path / "fallback", "--pdf", "-j", "1")
    assert fallback.exit_code == 0, fallback.output
    assert [s[0] for s in started] == ["convert-to", "convert-to"]
    for pdf in sorted(pdf_build.glob("*.pdf")):
        assert (tmp_path / "fallback" / EXAMPLE.name / pdf.name).read_bytes() == pdf.read_bytes(), pdf.name
        assert (tmp_path / "out" / "meeting-a" / pdf.name).read_bytes() == pdf.read_bytes(), pdf.name
