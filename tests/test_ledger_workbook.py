"""The workbook finance hands on: a Sources sheet that audits the mapping and the rounding, native charts,
and a print layout where wrapped labels, block titles and Summary rows read as they should."""
from __future__ import annotations

import re
import shutil
import zipfile
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from lxml import etree

from conftest import run_papers
from ledger_export import write_export, write_map, write_paper
from test_workbook_libreoffice import SENTINEL, poisoned, recalculate
from test_workbook import formula_cells

SHEET = "05-finance"
CHART_NS = {"c": "http://schemas.openxmlformats.org/drawingml/2006/chart",
            "a": "http://schemas.openxmlformats.org/drawingml/2006/main",
            "xdr": "http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing"}
# the rows read from the export (row 14 is hidden and left out), as the test export writes them
SOURCE_ROWS = [
    (7, "10110", "Legal Services", 120400, 118600, "Legal", 1),
    (8, "10120", "Legal Services", 45000, 47000, "Legal", 1),  # its label merged down from row 7
    (9, "10130", "Democratic Services", 230399.6, 231600.4, "Democratic Services", 2),
    (12, "20110", "Homelessness", 512345.67, 530100.2, "Housing Needs", 3),
    (13, "20120", "Housing Strategy", -1945.67, -1500.2, "Housing Needs", 3),
    (15, "20140", "Private Sector Housing", 88000.25, 87499.75, "Private Sector Housing", 4),
]
# per table row: budget unrounded / printed, forecast unrounded / printed (see test_ledger.py for the sums)
RECONCILED = [("Legal", "165.4", 166, "165.6", 166), ("Democratic Services", "230.3996", 230, "231.6004", 232),
              ("Housing Needs", "510.4", 510, "528.6", 528),
              ("Private Sector Housing", "88.00025", 88, "87.49975", 87)]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The budget workbook of the ledger paper (built twice, into two folders, to compare bytes)."""
    tmp = tmp_path_factory.mktemp("ledger-book")
    folder = tmp / "ledger"
    folder.mkdir()
    write_export(folder / "ledger-q2.xlsx")
    write_map(folder / "service-map.csv")
    write_paper(folder, "ledger-q2.xlsx")
    for out in ("out", "again"):
        result = run_papers("build", folder / "05-finance.yaml", "-o", tmp / out, "-j", "1", "--no-audit")
        assert result.exit_code == 0, result.output
    return tmp / "out" / "ledger" / "budget.xlsx"


def rows_of(ws, first: int, width: int) -> list[tuple]:
    out = []
    for row in ws.iter_rows(min_row=first, max_col=width, values_only=True):
        if row[0] is None:
            break
        out.append(row)
    return out


def find(ws, text: str, col: int = 1) -> int:
    return next(c.row for c in ws.iter_rows(min_col=col, max_col=col) for c in c if c.value == text)


def test_the_sources_sheet_lists_every_row_read_and_its_service(built: Path) -> None:
    ws = openpyxl.load_workbook(built)["Sources"]
    assert ws["A4"].value == "Report of the Cabinet Member for Finance: Financial Information (from ledger-q2.xlsx)"
    header = find(ws, "Row")
    assert [c.value for c in ws[header]][:7] == ["Row", "Code", "Label", "Budget", "Q2 Forecast", "Service",
                                                  "Table row"]
    rows = rows_of(ws, header + 1, 7)
    assert [(r[0], r[1], r[2], r[5], r[6]) for r in rows] == [(n, c, lab, s, t) for n, c, lab, _, _, s, t in
                                                              SOURCE_ROWS]
    assert [pytest.approx((r[3], r[4])) for r in rows] == [(b, f) for _, _, _, b, f, _, _ in SOURCE_ROWS]


def test_the_reconciliation_sums_the_rows_with_sumif_and_shows_each_adjustment(built: Path) -> None:
    book, cached = openpyxl.load_workbook(built), openpyxl.load_workbook(built, data_only=True)
    ws, values = book["Sources"], cached["Sources"]
    top = find(ws, "Table row")
    assert [c.value for c in ws[top]][2:9] == ["Service", "Budget: unrounded", "Budget: printed",
                                               "Budget: rounding adjustment", "Q2 Forecast: unrounded",
                                               "Q2 Forecast: printed", "Q2 Forecast: rounding adjustment"]
    paper = cached[SHEET]
    paper_first = find(book[SHEET], "Legal")
    for i, (service, budget, printed_budget, forecast, printed_forecast) in enumerate(RECONCILED):
        r = top + 1 + i
        assert values[f"C{r}"].value == service
        assert re.fullmatch(r"SUMIF\(\$G\$\d+:\$G\$\d+,\$A\d+,D\$\d+:D\$\d+\)/1000", ws[f"D{r}"].value[1:])
        assert ws[f"E{r}"].value == f"='{SHEET}'!B{paper_first + i}"
        assert values[f"D{r}"].value == pytest.approx(float(budget))
        assert values[f"E{r}"].value == printed_budget == paper[f"B{paper_first + i}"].value
        assert values[f"F{r}"].value == pytest.approx(printed_budget - float(budget))
        assert values[f"G{r}"].value == pytest.approx(float(forecast))
        assert values[f"H{r}"].value == printed_forecast
    total = top + 1 + len(RECONCILED)
    assert values[f"A{total}"].value == "Total"
    assert values[f"D{total}"].value == pytest.approx(994.19985)  # the unrounded sum; 994 printed
    assert values[f"E{total}"].value == 994
    assert values[f"F{total}"].value == pytest.approx(994 - 994.19985)


def chart_parts(path: Path) -> dict[str, etree._Element]:
    with zipfile.ZipFile(path) as package:
        return {n: etree.fromstring(package.read(n)) for n in package.namelist()
                if n.startswith(("xl/charts/chart", "xl/drawings/drawing")) and n.endswith(".xml")}


def test_each_paper_sheet_and_the_summary_have_titled_charts_with_alt_text(built: Path) -> None:
    parts = chart_parts(built)
    charts = {n: x for n, x in parts.items() if n.startswith("xl/charts/")}
    assert len(charts) == 2  # one per finance block, one on the Summary
    by_title = {"".join(x.xpath("//c:chart/c:title//a:t/text()", namespaces=CHART_NS)): x for x in charts.values()}
    assert set(by_title) == {"Financial Information: budget against forecast", "Variance by paper"}
    bars = by_title["Financial Information: budget against forecast"]
    assert bars.xpath("//c:barChart/c:barDir/@val", namespaces=CHART_NS) == ["bar"]
    assert bars.xpath("//c:barChart/c:grouping/@val", namespaces=CHART_NS) == ["clustered"]
    first = find(openpyxl.load_workbook(built)[SHEET], "Legal")
    last = first + 3
    assert bars.xpath("//c:ser/c:val/c:numRef/c:f/text()", namespaces=CHART_NS) == [
        f"'{SHEET}'!$B${first}:$B${last}", f"'{SHEET}'!$C${first}:$C${last}"]
    assert bars.xpath("//c:ser/c:cat/c:strRef/c:f/text()", namespaces=CHART_NS) == [
        f"'{SHEET}'!$A${first}:$A${last}"] * 2
    assert bars.xpath("//c:ser/c:tx/c:strRef/c:f/text()", namespaces=CHART_NS) == [
        f"'{SHEET}'!B{first - 1}", f"'{SHEET}'!C{first - 1}"]
    axes = [t for ax in ("catAx", "valAx") for t in bars.xpath(f"//c:{ax}/c:title//a:t/text()", namespaces=CHART_NS)]
    assert axes == ["Service", "£000"]
    variance = by_title["Variance by paper"]
    assert variance.xpath("//c:ser/c:val/c:numRef/c:f/text()", namespaces=CHART_NS) == ["'Summary'!$F$5"]
    frames = [f for n, x in parts.items() if n.startswith("xl/drawings/")
              for f in x.xpath("//xdr:graphicFrame/xdr:nvGraphicFramePr/xdr:cNvPr", namespaces=CHART_NS)]
    described = sorted(f.get("descr") for f in frames)
    assert described == [
        "Bar chart: Budget and Q2 Forecast by service, £000, from the table 'Financial Information' beside it: "
        "Legal 166 and 166; Democratic Services 230 and 232; Housing Needs 510 and 528; Private Sector Housing "
        "88 and 87",
        "Bar chart: the variance of each paper in the summary table beside it: Report of the Cabinet Member for "
        "Finance 19"]
    assert sorted(f.get("title") for f in frames) == ["Financial Information: budget against forecast",
                                                       "Variance by paper"]


def test_the_workbook_is_byte_identical_when_built_again(built: Path) -> None:
    again = built.parents[2] / "again" / "ledger" / "budget.xlsx"
    assert built.read_bytes() == again.read_bytes()


@pytest.mark.libreoffice
def test_libreoffice_recalculates_the_ledger_workbook_to_the_cached_values(built: Path, tmp_path: Path) -> None:
    data, count = poisoned(built.read_bytes())
    formulas = formula_cells(openpyxl.load_workbook(built))
    assert count == len(formulas) and any("SUMIF" in f for f in formulas.values())
    inputs = tmp_path / "in"
    inputs.mkdir()
    (inputs / "ledger.xlsx").write_bytes(data)
    theirs = recalculate([inputs / "ledger.xlsx"], tmp_path / "converted", tmp_path / "profile")[inputs / "ledger.xlsx"]
    assert theirs is not None, "LibreOffice could not open the workbook"
    cached = openpyxl.load_workbook(built, data_only=True)
    recomputed = openpyxl.load_workbook(theirs, data_only=True)
    for sheet, ref in formulas:
        value = recomputed[sheet][ref].value
        assert value != int(SENTINEL), f"{sheet}!{ref}: LibreOffice did not recalculate"
        assert value == pytest.approx(cached[sheet][ref].value, abs=1e-9), f"{sheet}!{ref}: {formulas[sheet, ref]}"
    assert shutil.which("soffice")


# -- print layout ---------------------------------------------------------------------------------

LONG = ("Adult Social Care commissioning, safeguarding and the integrated community equipment service "
        "jointly provided with the NHS")
MANY_BLOCKS = """\
template: portfolio_report
title: Portfolio Holder Report
report_of: Councillor A. Tester, Cabinet Member for Finance
meeting: {committee: Test Committee, date: 2023-10-19}
sections:
SECTIONS
"""
BLOCK = """\
      - finance:
          title: Financial Information 2017/18
          label: Service Area With A Long Header Label
          columns: {budget: Budget 2017/18 (approved by Council), forecast: Forecast outturn at the end of Q2}
          total: true
          rows:
ROWS
"""


def many_blocks(folder: Path) -> Path:
    """A paper with six blocks of the same title: two in each of three sections; the first has 40 rows and
    a long label, so the second would start at the foot of a printed page."""
    sections = []
    for s, name in enumerate(["Adult Services", "Housing", "Environment"]):
        blocks = []
        for b in range(2):
            count = 40 if (s, b) == (0, 0) else 3
            rows = "\n".join(f"            - {{service: '{LONG if i == 0 else f'Service {i}'}', budget: {i + 1}, "
                             f"forecast: {i + 2}}}" for i in range(count))
            blocks.append(BLOCK.replace("ROWS", rows))
        sections.append(f"  - title: {name}\n    body:\n      - Text.\n" + "".join(blocks))
    folder.mkdir()
    path = folder / "07-portfolio.yaml"
    path.write_text(MANY_BLOCKS.replace("SECTIONS\n", "".join(sections)), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def layout(tmp_path_factory: pytest.TempPathFactory) -> openpyxl.Workbook:
    tmp = tmp_path_factory.mktemp("layout")
    paper = many_blocks(tmp / "m")
    result = run_papers("build", paper, "-o", tmp / "out", "-j", "1", "--no-audit")
    assert result.exit_code == 0, result.output
    return openpyxl.load_workbook(tmp / "out" / "m" / "budget.xlsx")


def test_a_wrapped_label_gets_a_row_tall_enough_for_its_text(layout: openpyxl.Workbook) -> None:
    ws = layout["07-portfolio"]
    row = find(ws, LONG)
    width = ws.column_dimensions["A"].width
    assert ws[f"A{row}"].alignment.wrap_text
    # 10 pt Arial fits some 1.3-1.45 characters per unit of width: 122 characters in a column 34 wide take at
    # least 122 / (34 * 1.45) -> 3 lines
    assert width == 34 and len(LONG) == 122
    assert ws.row_dimensions[row].height >= 3 * 12.75
    assert ws.row_dimensions[row + 1].height in (None, 12.75) or ws.row_dimensions[row + 1].height < 3 * 12.75


def test_headers_wrap_in_rows_tall_enough(layout: openpyxl.Workbook) -> None:
    ws = layout["07-portfolio"]
    header = find(ws, "Service Area With A Long Header Label")
    assert all(c.alignment.wrap_text for c in ws[header][:3])
    # "Budget 2017/18 (approved by Council)": 36 characters in a column 13 wide (at most 19 a line): 2 lines,
    # 3 once the words wrap ("Budget 2017/18" / "(approved by" / "Council)")
    assert ws.row_dimensions[header].height >= 3 * 12.75


def test_a_blocks_title_is_kept_on_the_page_with_its_table(layout: openpyxl.Workbook) -> None:
    ws = layout["07-portfolio"]
    titles = [c.row for c in ws["A"] if c.value == "Financial Information 2017/18"]
    assert len(titles) == 6
    breaks = [b.id for b in ws.row_breaks.brk]
    assert breaks, "the second block starts at the foot of the first page and must move to the next"
    assert all(b + 1 in titles for b in breaks)  # breaks fall only just before a block's title


def test_summary_rows_say_which_paper_and_which_block(layout: openpyxl.Workbook) -> None:
    ws = layout["Summary"]
    rows = [(ws[f"A{r}"].value, ws[f"B{r}"].value) for r in range(5, 11)]
    assert {paper for paper, _ in rows} == {"Portfolio Holder Report"}
    tables = [t for _, t in rows]
    assert len(set(tables)) == 6
    assert tables[0].startswith("Adult Services: Financial Information 2017/18 (table 1 of 6, row ")
    assert tables[2].startswith("Housing: Financial Information 2017/18 (table 3 of 6, row ")


def test_a_rebuild_drawn_from_the_manifest_gives_the_same_workbook_as_a_fresh_build(tmp_path: Path) -> None:
    """The workbook of an unchanged ledger paper comes from its manifest record: Sources sheet included."""
    folder = tmp_path / "meeting"
    folder.mkdir()
    write_export(folder / "ledger-q2.xlsx")
    write_map(folder / "service-map.csv")
    write_paper(folder, "ledger-q2.xlsx")
    (folder / "meeting.yaml").write_text("committee: Test Committee\ndate: 2023-10-19\nitems:\n"
                                         "  - number: 5\n    paper: 05-finance.yaml\n"
                                         "  - number: 6\n    paper: 06-other.yaml\n", encoding="utf-8")
    other = ("template: portfolio_report\ntitle: Another report\nreport_of: Councillor B\nsections:\n"
             "  - title: S\n    body: Text.\nfinance:\n  columns: {budget: Budget, forecast: Forecast}\n"
             "  rows:\n    - {service: Parks, budget: BUDGET, forecast: 12}\n")
    (folder / "06-other.yaml").write_text(other.replace("BUDGET", "10"), encoding="utf-8")
    result = run_papers("build", folder, "-o", tmp_path / "out", "-j", "1", "--no-audit")
    assert result.exit_code == 0, result.output
    (folder / "06-other.yaml").write_text(other.replace("BUDGET", "11"), encoding="utf-8")
    result = run_papers("build", folder, "-o", tmp_path / "out", "-j", "1", "--no-audit")
    assert result.exit_code == 0, result.output
    assert "unchanged 05-finance.docx" in " ".join(result.output.split())
    fresh = run_papers("build", folder, "-o", tmp_path / "fresh", "-j", "1", "--no-audit")
    assert fresh.exit_code == 0, fresh.output
    rebuilt = tmp_path / "out" / "meeting" / "budget.xlsx"
    assert rebuilt.read_bytes() == (tmp_path / "fresh" / "meeting" / "budget.xlsx").read_bytes()
    assert "Sources" in openpyxl.load_workbook(rebuilt).sheetnames
