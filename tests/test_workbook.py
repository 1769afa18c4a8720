"""Budget workbooks: layout, live formulas with correct cached values, text kept as text, Word and Excel agree."""
from __future__ import annotations

import csv
import datetime as dt
import importlib.util
import io
import re
import shutil
import zipfile
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from docx import Document
from openpyxl.workbook.workbook import Workbook

from conftest import EXAMPLE, ROOT, run_papers
from generator.errors import TemplateProblem
from generator.finance import EXCEL_NUMBER_FORMAT, format_amount
from generator.model import Meeting
from generator.render.xlsx import render_workbook, sheet_name

REPORT = "05-central-services"
SHEET = REPORT  # the paper's sheet is named after its file
CSV_ROWS = list(csv.DictReader((EXAMPLE / f"{REPORT}-finance.csv").open(encoding="utf-8")))
INJECTIONS = ['=HYPERLINK("http://x","y")', "+1", "-x", "@SUM(1)"]


def load(path: Path, data_only: bool = False) -> Workbook:
    return openpyxl.load_workbook(path, data_only=data_only)


@pytest.fixture(scope="module")
def workbook(built_example: Path) -> Workbook:
    return load(built_example / "budget.xlsx")


@pytest.fixture(scope="module")
def cached(built_example: Path) -> Workbook:
    """The example workbook as a reader without a calculation engine sees it."""
    return load(built_example / "budget.xlsx", data_only=True)


@pytest.fixture(scope="module")
def second_build(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, Path]:
    """Another build of the example, into another folder: (report printed, OUT/<meeting>)."""
    out = tmp_path_factory.mktemp("again")
    result = run_papers("build", EXAMPLE, "-o", out, "-j", "1")
    assert result.exit_code == 0, result.output
    return result.output, out / EXAMPLE.name


# -- a meeting written by a test -----------------------------------------------------------

MEETING = """\
committee: Test Committee
short_name: Test
date: 2023-01-05
items:
  - number: 3
    paper: 03-awkward.yaml
"""


def _yaml_str(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def write_case(folder: Path) -> Path:
    """A meeting whose one paper has two finance blocks (inline rows, CSV rows) with formula-like names."""
    folder.mkdir(parents=True)
    (folder / "meeting.yaml").write_text(MEETING, encoding="utf-8")
    rows = "\n".join(f"            - {{service: {_yaml_str(name)}, budget: {10 * i}, forecast: {10 * i + i}}}"
                     for i, name in enumerate(INJECTIONS, start=1))
    (folder / "03-awkward.yaml").write_text(f"""\
template: portfolio_report
title: "Finance: awkward names [draft]"
report_of: Councillor Test, Cabinet Member for Tests
sections:
  - title: Figures
    body:
      - |
        Inline figures first.
      - finance:
          title: Inline block
          label: "=1+1"
          columns:
            budget: Budget
            forecast: Forecast
            variance: Variance
          rows:
{rows}
            - {{service: Rounded, budget: 10, forecast: 20, variance: 11}}
            - {{service: Agrees, budget: 5, forecast: 7, variance: 2}}
finance:
  finance:
    title: From the CSV
    units: "£0"
    columns:
      budget: Budget
      forecast: Forecast
    source: names.csv
    total: true
    stated_total: {{budget: 99}}
""", encoding="utf-8")
    with (folder / "names.csv").open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["service", "budget", "forecast"])
        for i, name in enumerate(INJECTIONS, start=1):
            writer.writerow([name, 100 * i, f"({i})"])
    return folder


@pytest.fixture(scope="module")
def case_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """OUT/<meeting> of the written meeting."""
    base = tmp_path_factory.mktemp("case")
    folder = write_case(base / "in" / "2023-01-05-test")
    result = run_papers("build", folder, "-o", base / "out", "-j", "1")
    assert result.exit_code == 0, result.output
    assert "stated total of 'Budget' 99 but the rows sum to 1,000" in result.output
    return base / "out" / folder.name


# -- checking formulas independently ---------------------------------------------------------

REF = r"(?:'(?P<sheet>(?:[^']|'')+)'!)?\$?(?P<col>[A-Z]{1,3})\$?(?P<row>\d+)"


def formula_cells(wb: Workbook) -> dict[tuple[str, str], str]:
    """(sheet, cell) -> formula text, for every formula in the workbook."""
    return {(ws.title, c.coordinate): c.value for ws in wb.worksheets for row in ws.iter_rows() for c in row
            if c.data_type == "f"}


def evaluate(wb: Workbook, sheet: str, formula: str) -> float:
    """Evaluate the formulas papers writes (refs, A-B, SUM of ranges or lists, cross-sheet) from the inputs up."""
    def value(sheet_name: str, ref: str) -> float:
        cell = wb[sheet_name][ref]
        if cell.data_type == "f":
            return evaluate(wb, sheet_name, cell.value)
        assert cell.value is None or isinstance(cell.value, (int, float)), f"{sheet_name}!{ref}: {cell.value!r}"
        return float(cell.value or 0)

    def target(m: re.Match[str]) -> str:
        return m.group("sheet").replace("''", "'") if m.group("sheet") else sheet

    def sum_args(m: re.Match[str]) -> str:
        total = 0.0
        for arg in re.finditer(REF + r"(?::\$?(?P<col2>[A-Z]{1,3})\$?(?P<row2>\d+))?", m.group(1)):
            where = target(arg)
            if arg.group("col2"):
                for row in wb[where].iter_rows(min_row=int(arg.group("row")), max_row=int(arg.group("row2")),
                                               min_col=openpyxl.utils.column_index_from_string(arg.group("col")),
                                               max_col=openpyxl.utils.column_index_from_string(arg.group("col2"))):
                    total += sum(value(where, c.coordinate) for c in row)
            else:
                total += value(where, arg.group("col") + arg.group("row"))
        return repr(total)

    assert formula.startswith("=")
    expr = re.sub(r"SUM\(([^()]*)\)", sum_args, formula[1:])
    expr = re.sub(REF, lambda m: repr(value(target(m), m.group("col") + m.group("row"))), expr)
    assert re.fullmatch(r"[-+0-9.e ()]+", expr), f"unexpected formula {formula!r} -> {expr!r}"
    return float(eval(expr, {"__builtins__": {}}))  # noqa: S307  # only numbers and + - remain


def assert_cached_values_are_right(path: Path) -> int:
    """Every formula's cached value equals what the formula computes; returns how many formulas."""
    formulas, values = load(path), load(path, data_only=True)
    found = formula_cells(formulas)
    for (sheet, ref), formula in found.items():
        cached = values[sheet][ref].value
        assert isinstance(cached, (int, float)), f"{sheet}!{ref} {formula}: no cached value ({cached!r})"
        assert cached == pytest.approx(evaluate(formulas, sheet, formula), abs=1e-9), f"{sheet}!{ref} {formula}"
    return len(found)


def blocks(ws) -> list[dict]:  # type: ignore[no-untyped-def]
    """The finance tables of a sheet: header row (style 'papers header' in column A), units, rows below it."""
    found = []
    for row in ws.iter_rows(min_col=1, max_col=1):
        cell = row[0]
        if cell.style != "papers header" or ws.title == "Summary":
            continue
        units = ws.cell(cell.row - 1, 1).value
        width = max(c.column for c in ws[cell.row] if c.value is not None)
        body, r = [], cell.row + 1
        while ws.cell(r, 1).value is not None:
            body.append([ws.cell(r, c).value for c in range(1, width + 1)])
            r += 1
        found.append({"title": ws.cell(cell.row - 2, 1).value, "units": units.removeprefix("Figures in "),
                      "header": [ws.cell(cell.row, c).value for c in range(1, width + 1)], "rows": body,
                      "header_row": cell.row})
    return found


def word_finance_tables(docx: Path) -> list[list[list[str]]]:
    """Tables of a paper with a units row under the money headers (how finance tables are drawn): the header
    row, the units row, then the body."""
    tables = []
    for table in Document(str(docx)).tables:
        rows = [[c.text for c in row.cells] for row in table.rows]
        if len(rows) > 1 and len(rows[1]) > 1 and rows[1][0] == "" and all(u and u == rows[1][1] for u in rows[1][1:]):
            tables.append(rows)
    return tables


def assert_word_and_excel_agree(out: Path) -> int:
    """Every amount of every Word finance table equals the workbook's value; returns amounts compared."""
    values = load(out / "budget.xlsx", data_only=True)
    compared = 0
    for docx in sorted(out.glob("*.docx")):
        if docx.name.endswith("-agenda.docx"):  # the front sheet (<date>-<committee>-agenda.docx)
            continue
        word = word_finance_tables(docx)
        excel = blocks(values[docx.stem]) if docx.stem in values.sheetnames else []
        assert len(word) == len(excel), f"{docx.name}: {len(word)} Word finance tables, {len(excel)} in the workbook"
        for w, x in zip(word, excel):
            assert w[0] == x["header"]
            assert w[1] == [""] + [x["units"]] * (len(x["header"]) - 1)
            assert len(w) == 2 + len(x["rows"])
            for w_row, x_row in zip(w[2:], x["rows"]):
                assert w_row[0] == x_row[0]
                for text, number in zip(w_row[1:], x_row[1:]):
                    assert isinstance(number, (int, float)), f"{docx.name} {x_row[0]}: {number!r}"
                    assert text == format_amount(Decimal(repr(number)))
                    compared += 1
    return compared


# -- the example meeting ---------------------------------------------------------------------

def test_a_summary_then_a_sheet_per_paper_with_finance(workbook: Workbook) -> None:
    assert workbook.sheetnames == ["Summary", SHEET]  # the briefing note has no finance block
    ws = workbook[SHEET]
    assert ws["A1"].value == "Item 5: Report of the Cabinet Member for Central Services"
    assert ws["A2"].value == "Corporate Overview and Scrutiny Committee, 8 December 2022"
    [block] = blocks(ws)
    assert block["title"] == "Financial Information"
    assert block["units"] == "£000"
    assert block["header"] == ["Service", "Last year outturn", "Budget", "Q1 Forecast", "Q1 Variance"]
    assert [r[0] for r in block["rows"]] == [r["service"] for r in CSV_ROWS]
    assert len(block["rows"]) == 10
    for row, source in zip(block["rows"], CSV_ROWS):
        assert row[1:4] == [int(source["outturn"]), int(source["budget"]), int(source["forecast"])]


def test_variance_cells_are_formulas_except_a_stated_figure_that_disagrees(workbook: Workbook) -> None:
    ws = workbook[SHEET]
    first = blocks(ws)[0]["header_row"] + 1
    for r, source in enumerate(CSV_ROWS, start=first):
        assert ws[f"A{r}"].value == source["service"]
        cell = ws[f"E{r}"]
        if source["service"] == "Customer Services":
            assert cell.data_type == "n" and cell.value == -131
            assert cell.style == "papers disagreement"
            assert "stated (131)" in cell.comment.text and "computed (129)" in cell.comment.text
        else:
            assert cell.value == f"=D{r}-C{r}"
            assert cell.comment is None and cell.style == "papers amount"


def test_amounts_use_the_shared_number_format_and_the_template_styles(workbook: Workbook) -> None:
    amounts = [c for ws in workbook.worksheets for row in ws.iter_rows() for c in row
               if c.data_type in ("n", "f") and c.value is not None]
    assert len(amounts) > 40
    assert {c.number_format for c in amounts} == {EXCEL_NUMBER_FORMAT}
    ws = workbook[SHEET]
    header = blocks(ws)[0]["header_row"]
    assert [c.style for c in ws[header]] == ["papers header"] + ["papers header amount"] * 4
    assert ws[f"B{header}"].alignment.horizontal == "right"
    assert ws["A1"].style == "papers title"
    assert ws.column_dimensions["A"].width > ws.column_dimensions["B"].width > 8


def test_frozen_headers_and_landscape_print_setup_one_page_wide(workbook: Workbook) -> None:
    ws = workbook[SHEET]
    header = blocks(ws)[0]["header_row"]
    assert ws.freeze_panes == f"B{header + 1}"
    assert ws.print_title_rows == f"$1:${header}"
    assert workbook["Summary"].freeze_panes == "A5"
    assert workbook["Summary"].print_title_rows == "$1:$4"
    for sheet in workbook.worksheets:
        assert sheet.page_setup.orientation == "landscape"
        assert sheet.sheet_properties.pageSetUpPr.fitToPage
        assert (sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight) == (1, 0)


def test_summary_refers_to_each_block_with_cross_sheet_formulas(workbook: Workbook, cached: Workbook) -> None:
    ws = workbook["Summary"]
    assert [c.value for c in ws[4]] == ["Paper", "Table", "Units", "Last year outturn", "Budget", "Q1 Forecast",
                                        "Q1 Variance"]
    assert [c.value for c in ws[5]][:3] == ["Item 5: Report of the Cabinet Member for Central Services",
                                             "Financial Information", "£000"]
    first = blocks(workbook[SHEET])[0]["header_row"] + 1
    assert [c.value for c in ws[5]][3:] == [f"=SUM('{SHEET}'!{col}{first}:{col}{first + 9})" for col in "BCDE"]
    assert [c.value for c in ws[6]][0] == "Grand total"
    assert [c.value for c in ws[6]][3:] == [f"=SUM({col}5:{col}5)" for col in "DEFG"]
    sums = [sum(int(r[k]) for r in CSV_ROWS) for k in ("outturn", "budget", "forecast", "variance")]
    assert sums == [9293, 10884, 10722, -164]
    assert [c.value for c in cached["Summary"][5]][3:] == sums
    assert [c.value for c in cached["Summary"][6]][3:] == sums


def test_readers_without_a_calculation_engine_see_the_right_numbers(built_example: Path, cached: Workbook) -> None:
    assert assert_cached_values_are_right(built_example / "budget.xlsx") == 9 + 4 + 4
    ws = cached[SHEET]
    first = blocks(ws)[0]["header_row"] + 1
    assert [ws[f"E{r}"].value for r in range(first, first + 10)] == [int(r["variance"]) for r in CSV_ROWS]


def test_every_amount_in_the_word_tables_equals_the_workbook(built_example: Path) -> None:
    assert assert_word_and_excel_agree(built_example) == 10 * 4


def test_core_properties_and_pinned_times(workbook: Workbook, built_example: Path) -> None:
    props = workbook.properties
    assert props.title == "Budget: Corporate Overview and Scrutiny Committee 8 December 2022"
    assert props.creator == "Corporate Overview and Scrutiny Committee"
    assert props.created == props.modified == dt.datetime(2022, 12, 8)
    with zipfile.ZipFile(built_example / "budget.xlsx") as package:
        assert {i.date_time for i in package.infolist()} == {(1980, 1, 1, 0, 0, 0)}


def test_two_builds_give_the_same_bytes(built_example: Path, second_build: tuple[str, Path]) -> None:
    _, again = second_build
    assert (again / "budget.xlsx").read_bytes() == (built_example / "budget.xlsx").read_bytes()


def test_the_example_prints_exactly_one_finance_warning(second_build: tuple[str, Path]) -> None:
    output, _ = second_build
    # the other: the example's meeting.yaml predates the front sheet's membership and contact
    warnings = [line.strip() for line in output.splitlines() if "warning:" in line and "front sheet" not in line]
    assert len(warnings) == 1, output
    assert "Customer Services" in warnings[0]
    assert "stated (131), computed (129)" in warnings[0]
    assert re.search(r"^  built\s+budget\.xlsx$", output, re.MULTILINE)


# -- text is data, several blocks, units, totals -----------------------------------------------

def test_text_that_looks_like_a_formula_is_stored_as_text(case_build: Path) -> None:
    wb = load(case_build / "budget.xlsx")
    ws = wb["03-awkward"]
    inline, from_csv = blocks(ws)
    assert inline["header"][0] == "=1+1"
    for block in (inline, from_csv):
        assert [r[0] for r in block["rows"][:4]] == INJECTIONS
    names = [c for row in ws.iter_rows(min_col=1, max_col=1) for c in row if c.value in INJECTIONS + ["=1+1"]]
    assert len(names) == 9
    for cell in names:
        assert cell.data_type == "s"
        assert cell.quotePrefix  # Excel keeps it text even when someone edits the cell
    with zipfile.ZipFile(case_build / "budget.xlsx") as package:
        xml = "".join(package.read(n).decode() for n in package.namelist() if n.startswith("xl/worksheets/sheet"))
    formulas = re.findall(r"<f>(.*?)</f>", xml)
    assert formulas and not any("HYPERLINK" in f or "SUM(1)" in f or f in ("1", "1+1") for f in formulas)
    values = load(case_build / "budget.xlsx", data_only=True)["03-awkward"]
    assert [values[c.coordinate].value for c in names] == [c.value for c in names]


def test_several_blocks_units_and_total_rows(case_build: Path) -> None:
    wb = load(case_build / "budget.xlsx")
    assert wb.sheetnames == ["Summary", "03-awkward"]
    ws = wb["03-awkward"]
    inline, from_csv = blocks(ws)
    assert (inline["units"], from_csv["units"]) == ("£000", "£0")
    # with two tables on a sheet only the paper heading is frozen and repeated when printed
    assert ws.freeze_panes == "A3" and ws.print_title_rows == "$1:$2"
    total_row = from_csv["header_row"] + 5
    assert ws[f"A{total_row}"].value == "Total"
    first = from_csv["header_row"] + 1
    assert [ws.cell(total_row, c).value for c in (2, 3)] == [f"=SUM(B{first}:B{first + 3})",
                                                            f"=SUM(C{first}:C{first + 3})"]
    assert "Total stated 99, the rows sum to 1,000" in ws[f"B{total_row}"].comment.text
    # a stated variance within the rounding tolerance stays as printed, unflagged; an agreeing one is live
    rounded, agrees = inline["header_row"] + 5, inline["header_row"] + 6
    assert [ws[f"A{rounded}"].value, ws[f"D{rounded}"].value] == ["Rounded", 11]
    assert ws[f"D{rounded}"].comment is None and ws[f"D{rounded}"].style == "papers amount"
    assert ws[f"D{agrees}"].value == f"=C{agrees}-B{agrees}"
    summary = wb["Summary"]
    assert [c.value for c in summary[4]][3:] == ["Budget", "Forecast", "Variance"]
    assert [summary.cell(r, 1).value for r in range(5, 9)] == [
        "Item 3: Finance: awkward names [draft]", "Item 3: Finance: awkward names [draft]",
        "Grand total (£000)", "Grand total (£0)"]
    assert summary["D6"].value == f"='03-awkward'!B{total_row}"  # a block with a Total row: that cell
    assert summary["D7"].value == "=SUM(D5:D5)" and summary["D8"].value == "=SUM(D6:D6)"
    assert summary["F8"].value is None  # the CSV block has no variance column
    assert assert_cached_values_are_right(case_build / "budget.xlsx") == 5 + 2 + 3 + 2 + 3 + 2
    values = load(case_build / "budget.xlsx", data_only=True)["Summary"]
    assert [values.cell(8, c).value for c in (4, 5)] == [1000, -10]


def test_word_and_excel_agree_for_several_blocks(case_build: Path) -> None:
    assert assert_word_and_excel_agree(case_build) == 6 * 3 + 5 * 2


# -- finance rows from an Excel source ---------------------------------------------------------

def write_xlsx_source(folder: Path, rows: list[list[object]]) -> None:
    wb = Workbook()
    wb.active.title = "Notes"
    wb.active["A1"] = "figures are on the next sheet"
    ws = wb.create_sheet("Figures")
    ws.append(["Service", "Budget", "Forecast"])
    for row in rows:
        ws.append(row)
    wb.save(folder / "data.xlsx")


XLSX_PAPER = """\
template: portfolio_report
title: Excel figures
report_of: Councillor Test
meeting: {committee: Excel Committee, short_name: Excel, date: 2023-02-01}
sections:
  - title: Figures
    body: Some text.
finance:
  finance:
    label: Service Area
    columns: {budget: Budget, forecast: Forecast, variance: Variance}
    source: data.xlsx
    sheet: Figures
    total: true
"""


def test_finance_rows_from_an_xlsx_source_sheet(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "paper.yaml").write_text(XLSX_PAPER, encoding="utf-8")
    write_xlsx_source(folder, [["Parks", 1200, "1,250"], ["Libraries", 800, "(20)"]])
    result = run_papers("build", folder / "paper.yaml", "-o", tmp_path / "out", "-j", "1")
    assert result.exit_code == 0, result.output
    out = tmp_path / "out" / "in"
    ws = load(out / "budget.xlsx", data_only=True)["paper"]
    [block] = blocks(ws)
    assert block["header"] == ["Service Area", "Budget", "Forecast", "Variance"]
    assert block["rows"] == [["Parks", 1200, 1250, 50], ["Libraries", 800, -20, -820], ["Total", 2000, 1230, -770]]
    assert assert_word_and_excel_agree(out) == 3 * 3


def test_a_non_numeric_amount_in_an_xlsx_source_is_located_by_row_and_column(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "paper.yaml").write_text(XLSX_PAPER, encoding="utf-8")
    write_xlsx_source(folder, [["Parks", 1200, 1250], ["Libraries", "n/a", 10]])
    result = run_papers("build", folder / "paper.yaml", "-o", tmp_path / "out", "-j", "1")
    assert result.exit_code == 1
    assert "data.xlsx:3:2: budget: expected a number, got 'n/a'" in result.output
    assert not (tmp_path / "out" / "in" / "budget.xlsx").exists()


# -- sheet names, the template ---------------------------------------------------------------

def test_sheet_names_follow_excels_rules_and_are_unique() -> None:
    taken = {"summary"}
    assert sheet_name("Summary", taken) == "Summary (2)"
    assert sheet_name("a[b]c:d*e?f/g\\h", taken) == "abcdefgh"
    long = "05-central-services-and-the-rest-of-it"
    first, second = sheet_name(long, taken), sheet_name(long, taken)
    assert first == long[:31] and len(second) == 31 and second.endswith(" (2)") and first != second
    assert sheet_name("ABCDEFGH", taken) == "ABCDEFGH (2)"  # Excel compares names case-insensitively
    assert sheet_name("'quoted'", taken) == "quoted"
    assert sheet_name("History", taken) == "History (paper)"
    assert sheet_name("[]", taken) == "Paper"
    assert len(sheet_name("😀" * 20, taken).encode("utf-16-le")) <= 62  # 31 UTF-16 units


MEETING_ONLY = Meeting("Committee", "C", dt.date(2023, 1, 1))


def test_an_unusable_template_is_a_template_problem(tmp_path: Path) -> None:
    bad = tmp_path / "budget.xlsx"
    bad.write_bytes(b"not a zip")
    with pytest.raises(TemplateProblem, match="budget.xlsx: not a usable Excel workbook"):
        render_workbook(MEETING_ONLY, [], bad)
    with pytest.raises(TemplateProblem, match="cannot read the template"):
        render_workbook(MEETING_ONLY, [], tmp_path / "missing.xlsx")
    wb = load(ROOT / "templates" / "xlsx" / "budget.xlsx")
    wb._named_styles = type(wb._named_styles)([s for s in wb._named_styles if s.name != "papers total"])
    del wb["Paper"]
    lacking = tmp_path / "lacking.xlsx"
    wb.save(lacking)
    with pytest.raises(TemplateProblem, match=r"lacks the model sheet 'Paper' and the cell style 'papers total'"):
        render_workbook(MEETING_ONLY, [], lacking)


def test_the_look_comes_from_the_template(tmp_path: Path) -> None:
    templates = tmp_path / "templates"
    shutil.copytree(ROOT / "templates", templates)
    wb = load(templates / "xlsx" / "budget.xlsx")
    header = next(s for s in wb._named_styles if s.name == "papers header")
    header.fill = openpyxl.styles.PatternFill("solid", fgColor="FF0000")
    amount = next(s for s in wb._named_styles if s.name == "papers amount")
    amount.number_format = "#,##0.0;[Red]-#,##0.0"
    wb["Paper"].column_dimensions["A"].width = 55
    wb["Paper"].page_setup.paperSize = wb["Paper"].PAPERSIZE_A3
    wb["Paper"].oddFooter.center.text = "OFFICIAL"
    wb.create_sheet("Notes")["A1"] = "Our own notes"  # an officer's extra sheet is kept, after ours
    wb.save(templates / "xlsx" / "budget.xlsx")
    result = run_papers("build", EXAMPLE, "-o", tmp_path / "out", "--templates", templates, "-j", "1")
    assert result.exit_code == 0, result.output
    made = load(tmp_path / "out" / EXAMPLE.name / "budget.xlsx")
    assert made.sheetnames == ["Summary", SHEET, "Notes"] and made["Notes"]["A1"].value == "Our own notes"
    ws = made[SHEET]
    header_row = blocks(ws)[0]["header_row"]
    assert ws[f"A{header_row}"].fill.fgColor.rgb == "00FF0000"
    assert ws[f"B{header_row + 1}"].number_format == "#,##0.0;[Red]-#,##0.0"
    assert ws.column_dimensions["A"].width == 55
    assert int(ws.page_setup.paperSize) == 8  # A3
    assert ws.oddFooter.center.text == "OFFICIAL"


def test_the_template_tool_is_deterministic_and_the_template_has_what_the_renderer_needs() -> None:
    spec = importlib.util.spec_from_file_location("make_xlsx_template", ROOT / "tools" / "make_xlsx_template.py")
    assert spec and spec.loader
    tool = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tool)
    made = tool.make()
    assert made == tool.make()
    wb = openpyxl.load_workbook(io.BytesIO(made))
    assert wb.sheetnames == ["Summary", "Paper"]
    assert {s for s in wb.named_styles if s.startswith("papers ")} == {
        "papers title", "papers subtitle", "papers table title", "papers units", "papers header",
        "papers header amount", "papers text", "papers amount", "papers total label", "papers total",
        "papers disagreement"}
    assert next(s for s in wb._named_styles if s.name == "papers amount").number_format == EXCEL_NUMBER_FORMAT
