"""The committee report (issue 11): the example Cabinet meeting built, reopened and read back.

Expectations come from the input files (read here with plain PyYAML and a simple reading of their
Markdown), never from our own output: cover rows, numbering 2.1 ..., sign-off lines, background papers,
appendices, report author; the draft's header and its absence from the pack; the pack's appendices.
"""
from __future__ import annotations

import re
import shutil
import subprocess
import zipfile
from pathlib import Path
from typing import Any

import pytest
import yaml
from pypdf import PdfReader

from conftest import CABINET, CABINET_AS, ROOT, problems_under, run_papers, statuses
from test_pdfua import validate, verapdf  # noqa: F401  (verapdf: the validator fixture)
from wordread import body_items, cover_cells, level_format, markdown_blocks, norm, num_pr, open_docx

CLEARED = "08-q2-budget-monitoring"
UNCLEARED = "09-fees-and-charges"
SECTIONS = ["introduction", "issues_and_options", "reasons", "consultation", "impact"]


def paper(stem: str) -> dict[str, Any]:
    return yaml.safe_load((CABINET / f"{stem}.yaml").read_text(encoding="utf-8"))


def line_of(stem: str, pattern: str) -> int:
    """1-based line of the first line of a paper file matching ``pattern``."""
    lines = (CABINET / f"{stem}.yaml").read_text(encoding="utf-8").splitlines()
    return next(i for i, line in enumerate(lines, start=1) if re.search(pattern, line))


def pdf_text(pdf: Path, layout: bool = False) -> str:
    args = ["pdftotext"] + (["-layout"] if layout else []) + [str(pdf), "-"]
    return subprocess.run(args, capture_output=True, text=True, check=True).stdout


def officer(person: dict[str, str]) -> str:
    return f"{person['name']}, {person['title']}"



def numbered_paragraphs(docx: Path) -> list[str]:
    """Body paragraphs outside tables as Word numbers them ("2.1 text"), by their numbering definitions;
    bullets and unnumbered paragraphs as they are."""
    doc = open_docx(docx)
    counters: dict[int, list[int]] = {}
    out = []
    for item in body_items(doc, skip_first_table=True):
        if item.in_table or not item.text.strip():
            continue
        num = num_pr(doc, item.element)
        label = ""
        if num is not None:
            fmt, text, start = level_format(doc, *num)
            if fmt == "decimal":
                levels = counters.setdefault(num[0], [0] * 9)
                levels[num[1]] = levels[num[1]] + 1 if levels[num[1]] else start
                for deeper in range(num[1] + 1, 9):  # a level restarts after its parent level
                    levels[deeper] = 0
                label = re.sub(r"%(\d)", lambda m: str(levels[int(m.group(1)) - 1]), text) + " "
        out.append(label + norm(item.text))
    return out


def expected_numbering(data: dict[str, Any]) -> list[str]:
    """Section n's heading "n. ..." (the template's text, not checked here) and its paragraphs n.1, n.2 ..."""
    out = [f"1.{i} {norm(re.sub(r'[*]', '', r))}" for i, r in enumerate(data["recommendations"], start=1)]
    for n, name in enumerate(SECTIONS, start=2):
        body = data[name]
        texts = [body] if isinstance(body, str) else [b for b in body if isinstance(b, str)]
        paragraphs = [t for text in texts for kind, _, t in markdown_blocks(text) if kind == "p"
                      and not t.startswith("!")]  # a picture on its own ("![alt](file)") is not numbered
        out += [f"{n}.{i} {t}" for i, t in enumerate(paragraphs, start=1)]
    return out


# -- the cleared report, reopened with python-docx ---------------------------------------------

def test_the_cover_rows_come_from_the_input(cabinet: tuple[Path, str]) -> None:
    data = paper(CLEARED)
    cells = cover_cells(open_docx(cabinet[0] / f"{CLEARED}.docx"))
    exempt = data["appendices"][1]
    assert cells == [
        "18 January 2023", "ITEM: 8", "Cabinet", data["title"],
        f"Wards and communities affected:{data['wards']}",
        f"Key Decision:Key (Forward Plan reference {data['forward_plan_ref']})",
        f"Report of: {data['report_of']}",
        f"Accountable Assistant Director: {officer(data['accountable_assistant_director'])}",
        f"Accountable Director: {officer(data['accountable_director'])}",
        f"This report is public, except Appendix 2 ({exempt['title']}), which is exempt: {exempt['exempt_reason']}",
    ]


def test_sections_are_numbered_by_word_multilevel_numbering(cabinet: tuple[Path, str]) -> None:
    docx = cabinet[0] / f"{CLEARED}.docx"
    lines = numbered_paragraphs(docx)
    headings = [line for line in lines if re.match(r"^\d+\. ", line)]
    assert [h.split(" ", 1)[0] for h in headings] == [f"{n}." for n in range(1, 10)]
    numbered = [line for line in lines if re.match(r"^\d+\.\d+ ", line) and not re.match(r"^7\.\d ", line)]
    assert numbered == expected_numbering(paper(CLEARED))
    # one list definition: "%1." for the headings, "%1.%2" for the paragraphs, which Word restarts per section
    doc = open_docx(docx)
    first = next(i for i in body_items(doc, skip_first_table=True) if i.text == "Introduction and Background")
    num = num_pr(doc, first.element)
    assert num is not None and level_format(doc, num[0], 0)[1] == "%1." and level_format(doc, num[0], 1)[1] == "%1.%2"


def test_bullets_under_a_paragraph_are_not_numbered(cabinet: tuple[Path, str]) -> None:
    lines = numbered_paragraphs(cabinet[0] / f"{CLEARED}.docx")
    bullets = [t for kind, _, t in markdown_blocks(paper(CLEARED)["issues_and_options"][2]) if kind == "bullet"]
    assert bullets and all(b in lines for b in bullets)


def test_each_implication_ends_with_who_verified_it(cabinet: tuple[Path, str]) -> None:
    data = paper(CLEARED)
    lines = numbered_paragraphs(cabinet[0] / f"{CLEARED}.docx")
    verified = [line for line in lines if line.startswith("Implications verified by:")]
    assert verified == [f"Implications verified by: {officer(data['implications'][k]['verified_by'])}"
                        for k in ("financial", "legal", "diversity_and_equality")]
    assert [line for line in lines if re.match(r"^7\.\d ", line)] == [
        "7.1 Financial", "7.2 Legal", "7.3 Diversity and Equality", "7.4 Other implications"]


def test_background_papers_appendices_and_author_close_the_report(cabinet: tuple[Path, str]) -> None:
    data = paper(CLEARED)
    lines = numbered_paragraphs(cabinet[0] / f"{CLEARED}.docx")
    end = lines[lines.index("8. Background papers used in preparing the report"):]
    author = data["report_author"]
    assert end == ["8. Background papers used in preparing the report", *data["background_papers"],
                   "9. Appendices to the report",
                   f"Appendix 1 – {data['appendices'][0]['title']}", f"Appendix 2 – {data['appendices'][1]['title']} (exempt)",
                   "Report Author", author["name"], author["title"], author["service"]]
    # none of either, as the uncleared report has: "None" under each heading
    draft = numbered_paragraphs(cabinet[0] / f"{UNCLEARED}.docx")
    tail = draft[draft.index("8. Background papers used in preparing the report"):]
    assert tail[:4] == ["8. Background papers used in preparing the report", "None", "9. Appendices to the report",
                        "None"]


def test_the_picture_is_placed_at_the_text_width_with_its_alt_text(cabinet: tuple[Path, str]) -> None:
    doc = open_docx(cabinet[0] / f"{CLEARED}.docx")
    pictures = list(doc.element.body.iter("{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}"
                                          "inline"))
    assert len(pictures) == 1
    markdown = paper(CLEARED)["issues_and_options"][2]
    alt = re.search(r"!\[([^\]]*)\]\(([^)]*)\)", markdown)
    assert alt is not None
    doc_pr = pictures[0].find("{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}docPr")
    assert doc_pr.get("descr") == alt.group(1)
    section = doc.sections[-1]
    text_width = section.page_width - section.left_margin - section.right_margin
    extent = pictures[0].find("{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}extent")
    assert abs(int(extent.get("cx")) - text_width) < 635  # within a twip
    png = (CABINET / alt.group(2)).read_bytes()
    width, height = int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
    assert abs(int(extent.get("cy")) - int(extent.get("cx")) * height / width) < 2
    images = [p for p in doc.part.package.parts if p.partname.startswith("/word/media/")]
    assert [p.blob for p in images] == [png]
    with zipfile.ZipFile(cabinet[0] / f"{CLEARED}.docx") as package:  # a picture is not deflated again
        kinds = {info.filename: info.compress_type for info in package.infolist()}
    assert kinds["word/media/image1.png"] == zipfile.ZIP_STORED and kinds["word/document.xml"] == zipfile.ZIP_DEFLATED


# -- the same, as LibreOffice prints it ----------------------------------------------------------

@pytest.mark.libreoffice
def test_libreoffice_prints_the_cover_numbering_and_sign_off(cabinet: tuple[Path, str]) -> None:
    data = paper(CLEARED)
    text = pdf_text(cabinet[0] / f"{CLEARED}.pdf", layout=True)
    flat = norm(text)
    for row in ("Wards and communities affected:", "Key Decision:", f"Report of: {data['report_of']}",
                f"Accountable Director: {officer(data['accountable_director'])}"):
        assert row in flat
    for line in expected_numbering(data):
        number, words = line.split(" ", 1)
        assert re.search(rf"^\s*{re.escape(number)}\s+{re.escape(words[:30])}", text, re.MULTILINE), line
    for key in ("financial", "legal", "diversity_and_equality"):
        assert f"Implications verified by: {officer(data['implications'][key]['verified_by'])}" in flat
    for number, heading in (("7.1", "Financial"), ("7.2", "Legal"), ("7.3", "Diversity and Equality")):
        assert re.search(rf"^\s*{re.escape(number)}\s+{heading}\s*$", text, re.MULTILINE), heading
    assert "Appendix 2 – Savings tracker (exempt)" in flat
    assert f"Report Author {data['report_author']['name']}" in flat
    assert "DRAFT" not in flat


# -- sign-off: the uncleared report -----------------------------------------------------------

def test_the_uncleared_report_lists_what_is_missing_at_its_lines(cabinet: tuple[Path, str]) -> None:
    legal = line_of(UNCLEARED, r"^  legal:")
    equality = line_of(UNCLEARED, r"^  diversity_and_equality:")
    want = [f"{UNCLEARED}.yaml:{legal}: implications.legal.verified_by: warning: missing: the report cannot be "
            "published until Legal verifies its implications",
            f"{UNCLEARED}.yaml:{equality}: implications.diversity_and_equality.body: warning: missing: the report "
            "cannot be published until its diversity and equality implications are written"]
    assert problems_under(cabinet[1], f"{UNCLEARED}.docx")[:2] == want
    assert problems_under(cabinet[1], f"{CLEARED}.docx") == []
    strict = run_papers("check", "--strict", CABINET)
    assert strict.exit_code == 1, strict.output
    assert f"  failed    {UNCLEARED}.yaml" in strict.output.splitlines()
    assert f"  checked   {CLEARED}.yaml" in strict.output.splitlines()


def test_a_report_without_implications_is_a_draft_missing_all_three(tmp_path: Path) -> None:
    folder = tmp_path / CABINET.name
    shutil.copytree(CABINET, folder)
    source = folder / f"{UNCLEARED}.yaml"
    text = source.read_text(encoding="utf-8")
    source.write_text(text[:text.index("implications:")] + text[text.index("background_papers:"):], encoding="utf-8")
    result = run_papers("build", folder, "-o", tmp_path / "out", "-j", "1")
    assert result.exit_code == 0, result.output
    missing = [line for line in problems_under(result.output, f"{UNCLEARED}.docx") if "cannot be published" in line]
    assert [line.split(": ")[1] for line in missing] == [
        "implications.financial", "implications.legal", "implications.diversity_and_equality"]
    doc = open_docx(tmp_path / "out" / CABINET.name / f"{UNCLEARED}.docx")
    assert [p.text for p in doc.paragraphs].count("Implications verified by: not yet verified") == 3
    assert [p.text for p in doc.sections[0].header.paragraphs] == ["DRAFT – not for publication"]


def test_the_uncleared_report_says_draft_in_its_header_and_stays_out_of_the_pack(cabinet: tuple[Path, str]) -> None:
    folder = cabinet[0]
    draft = open_docx(folder / f"{UNCLEARED}.docx")
    assert [p.text for p in draft.sections[0].header.paragraphs] == ["DRAFT – not for publication"]
    cleared = open_docx(folder / f"{CLEARED}.docx")
    assert [p.text for p in cleared.sections[0].header.paragraphs] == [""]
    pages = pdf_text(folder / f"{UNCLEARED}.pdf").split("\f")
    assert all("DRAFT – not for publication" in page for page in pages if page.strip())
    pack = norm(pdf_text(folder / f"{CABINET_AS}-pack.pdf"))
    # the agenda lists the item; the report itself is not in the published pack
    assert norm(paper(UNCLEARED)["executive_summary"]) not in pack
    assert norm(paper(UNCLEARED)["introduction"]) not in pack
    assert norm(paper(CLEARED)["reasons"]) in pack


@pytest.mark.libreoffice
def test_the_pack_holds_the_public_appendix_bookmarked_under_its_item(cabinet: tuple[Path, str]) -> None:
    folder = cabinet[0]
    reader = PdfReader(folder / f"{CABINET_AS}-pack.pdf")
    outline = reader.outline
    titles = [o.title for o in outline if not isinstance(o, list)]
    # item 2 attaches the previous minutes; item 12 is exempt (Part 2), item 9 not cleared: neither is in it
    assert titles == ["Agenda", "Item 2: Minutes", f"Item 8: {paper(CLEARED)['title']}"]
    nested = [o for o in outline if isinstance(o, list)]
    assert [[o.title for o in n] for n in nested] == [["Appendix 1: Service budget detail"]]
    parts = [f"{CABINET_AS}-agenda.pdf", "item-2-minutes-2022-12-14.pdf", f"{CLEARED}.pdf", f"{CLEARED}-appendix-1.pdf"]
    sizes = [len(PdfReader(folder / p).pages) for p in parts]
    assert len(reader.pages) == sum(sizes)
    assert reader.get_destination_page_number(nested[0][0]) == sizes[0] + sizes[1] + sizes[2]
    text = pdf_text(folder / f"{CABINET_AS}-pack.pdf")
    assert "Adult Social Care" in text  # the workbook appendix, printed
    assert "commercially sensitive" not in text  # the exempt appendix is for members only
    assert "commercially sensitive" in pdf_text(folder / f"{CLEARED}-appendix-2.pdf")


def test_check_publish_lists_each_paper_not_ready_and_why() -> None:
    result = run_papers("check", "--publish", CABINET, ROOT / "inputs" / "2022-12-08-corporate-os")
    assert result.exit_code == 1, result.output
    lines = result.output.splitlines()
    assert f"  ready     {CLEARED}.yaml" in lines
    assert f"  not ready {UNCLEARED}.yaml: uncleared: its implications are not all written and verified" in lines
    assert "  not ready 05-central-services.yaml: a finance disagreement" in lines
    assert "  ready     06-change-and-improvement.yaml" in lines
    assert lines[-1] == "2 of 5 papers not ready to publish"  # 12, exempt, is ready for members
    ready = run_papers("check", "--publish", CABINET / f"{CLEARED}.yaml")
    assert ready.exit_code == 0, ready.output


@pytest.mark.libreoffice
def test_a_changed_appendix_rebuilds_its_pdf_and_the_pack_only(cabinet: tuple[Path, str], tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    import openpyxl

    from generator.render import pdf as pdf_module

    inputs = tmp_path / "in" / CABINET.name
    shutil.copytree(CABINET, inputs)
    out = tmp_path / "out"
    shutil.copytree(cabinet[0], out / CABINET.name)
    converted: list[str] = []
    real = pdf_module.convert_all

    def counting(files: list[Path], *args: Any, **kwargs: Any) -> Any:
        converted.extend(f.name for f in files)
        return real(files, *args, **kwargs)

    monkeypatch.setattr(pdf_module, "convert_all", counting)
    again = run_papers("build", inputs, "-o", out, "--pdf", "-j", "1")
    assert again.exit_code == 0, again.output
    assert set(statuses(again.output).values()) == {"unchanged"}, again.output
    assert converted == []  # nothing given to LibreOffice when nothing changed
    wb = openpyxl.load_workbook(inputs / "q2-detail.xlsx")
    wb.active["A2"] = "Adult Social Care and Health"
    wb.save(inputs / "q2-detail.xlsx")
    result = run_papers("build", inputs, "-o", out, "--pdf", "-j", "1")
    assert result.exit_code == 0, result.output
    changed = {name for name, status in statuses(result.output).items() if status == "built"}
    assert {f"{CLEARED}-appendix-1.pdf", f"{CABINET_AS}-pack.pdf"} <= changed, result.output
    assert not changed & {f"{UNCLEARED}.docx", f"{UNCLEARED}.pdf", f"{CLEARED}-appendix-2.pdf"}, result.output
    assert "Adult Social Care and Health" in pdf_text(out / CABINET.name / f"{CABINET_AS}-pack.pdf")


def test_the_portfolio_report_prints_the_same_optional_cover_rows(tmp_path: Path) -> None:
    example = ROOT / "inputs" / "2022-12-08-corporate-os"
    folder = tmp_path / "in" / example.name
    shutil.copytree(example, folder)
    source = folder / "05-central-services.yaml"
    text = source.read_text(encoding="utf-8")
    source.write_text(text.replace("status: public\n", "status: public\nwards: Grays Riverside\nkey_decision: false\n"
                                   "accountable_director: {name: K. Jones, title: Corporate Director}\n", 1),
                      encoding="utf-8")
    result = run_papers("build", folder, "-o", tmp_path / "out", "-j", "1")
    assert result.exit_code == 0, result.output
    cells = cover_cells(open_docx(tmp_path / "out" / example.name / "05-central-services.docx"))
    assert "Wards and communities affected:Grays Riverside" in cells
    assert "Key Decision:Non-key" in cells
    assert "Accountable Director: K. Jones, Corporate Director" in cells
    assert not [c for c in cells if c.startswith("Accountable Assistant Director")]


def test_the_new_example_audits_clean(cabinet: tuple[Path, str]) -> None:
    result = run_papers("audit", cabinet[0])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[-1].endswith(": 0 errors, 0 warnings"), result.output


def test_an_image_outside_the_meeting_folder_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "meeting"
    shutil.copytree(CABINET, folder)
    shutil.copy(CABINET / "q2-variance-chart.png", tmp_path / "chart.png")
    source = folder / f"{CLEARED}.yaml"
    source.write_text(source.read_text(encoding="utf-8").replace("(q2-variance-chart.png)", "(../chart.png)"),
                      encoding="utf-8")
    result = run_papers("check", source)
    assert result.exit_code == 1, result.output
    line = line_of(CLEARED, r"!\[")
    assert (f"{CLEARED}.yaml:{line}: issues_and_options[2]: ../chart.png is outside the meeting folder: put the file "
            "beside the paper and give its file name") in result.output, result.output


@pytest.mark.libreoffice
def test_every_pdf_of_the_cabinet_meeting_passes_pdf_ua_1(cabinet: tuple[Path, str], verapdf: list[str]) -> None:
    # the appendices too: a workbook printed through Writer, a Word appendix, and the pack that joins them
    pdfs = sorted(cabinet[0].glob("*.pdf"))
    assert {f"{CLEARED}-appendix-1.pdf", f"{CLEARED}-appendix-2.pdf", f"{CABINET_AS}-pack.pdf"} <= {p.name for p in pdfs}
    results = validate(verapdf, pdfs)
    assert set(results) == {p.name for p in pdfs}, results
    assert {name: rules for name, rules in results.items() if rules} == {}


def test_check_publish_names_a_kpi_contradiction(tmp_path: Path) -> None:
    folder = tmp_path / CABINET.name
    shutil.copytree(CABINET, folder)
    source = folder / f"{CLEARED}.yaml"
    row = "{title: Business rates collected, previous: 96.4%, current: 53.0%, target: 56.0%}"
    text = source.read_text(encoding="utf-8")
    assert row in text  # 53.0% is below the 56.0% target, and better is higher: stating ACHIEVED contradicts it
    source.write_text(text.replace(row, row[:-1] + ", performance: ACHIEVED}"), encoding="utf-8")
    result = run_papers("check", "--publish", source)
    assert result.exit_code == 1, result.output
    assert f"  not ready {CLEARED}.yaml: a KPI contradiction" in result.output.splitlines(), result.output
    line = line_of(CLEARED, re.escape(row))
    assert any(l.strip().startswith(f"{CLEARED}.yaml:{line}: ") and "performance stated ACHIEVED" in l
               for l in result.output.splitlines()), result.output


def test_check_publish_names_an_exempt_paper_without_its_reason() -> None:
    case = ROOT / "tests" / "cases" / "exempt-without-reason"
    result = run_papers("check", "--publish", *sorted(case.glob("*.yaml")))
    assert result.exit_code == 1, result.output
    assert "  not ready 02-bad.yaml: exempt without a reason" in result.output.splitlines(), result.output
    assert "  ready     01-good.yaml" in result.output.splitlines(), result.output
