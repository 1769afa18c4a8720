"""Finance straight from the ledger: an Oracle-style export in pounds becomes a £000 table that adds up."""
from __future__ import annotations

import csv
import subprocess
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from docx import Document

from conftest import problems_under, run_papers
from generator.finance import parse_amount, round_to_total
from ledger_export import HIDDEN_ROW, MAP, PAPER_HEAD, ROWS, SHEET, write_export, write_map, write_paper

# The export's rows per service of the map, in pounds (row 14, code 20130, is hidden and left out):
#   Legal                  budget 120,400.00 + 45,000.00 = 165,400.00   forecast 118,600.00 + 47,000.00 = 165,600.00
#   Democratic Services    budget 230,399.60                            forecast 231,600.40
#   Housing Needs          budget 512,345.67 - 1,945.67 = 510,400.00    forecast 530,100.20 - 1,500.20 = 528,600.00
#   Private Sector Housing budget 88,000.25                             forecast 87,499.75
# In £000 the budgets are 165.4, 230.3996, 510.4, 88.00025: total 994.19985, printed 994. Their floors
# (165, 230, 510, 88) sum to 993, so one unit goes to the largest remainder: .4 (Legal, first of the two
# .4s). The forecasts 165.6, 231.6004, 528.6, 87.49975 total 1,013.30015, printed 1,013; the floors sum to
# 1,011, so two units go to .6004 (Democratic) and .6 (Legal, before Housing). Rounding each row on its
# own would print budgets summing to 993 and forecasts summing to 1,014 under totals of 994 and 1,013.
EXPECTED = [
    ["Service", "Budget", "Q2 Forecast", "Q2 Variance"],
    ["", "£000", "£000", "£000"],  # the units row
    ["Legal", "166", "166", "0"],
    ["Democratic Services", "230", "232", "2"],
    ["Housing Needs", "510", "528", "18"],
    ["Private Sector Housing", "88", "87", "(1)"],
    ["Total", "994", "1,013", "19"],
]
LEFT_OUT = ("ledger-q2.xlsx: warning: the subtotals (rows 10, 16) and the export's total (row 18) were left out "
            "of the table, which adds up its own total")
HIDDEN = "ledger-q2.xlsx: warning: row 14 is hidden in Excel and was left out; set hidden: include to use it"


def build(folder: Path, out: Path) -> tuple[str, list[list[str]]]:
    """Build the paper in ``folder``; (the build report, the finance table's cells)."""
    result = run_papers("build", folder / "05-finance.yaml", "-o", out, "-j", "1")
    assert result.exit_code == 0, result.output
    doc = Document(str(out / folder.name / "05-finance.docx"))
    return result.output, [[c.text for c in row.cells] for row in doc.tables[-1].rows]


def ledger_folder(tmp_path: Path, name: str = "ledger", **export) -> Path:
    folder = tmp_path / name
    folder.mkdir()
    write_export(folder / "ledger-q2.xlsx", **export)
    write_map(folder / "service-map.csv")
    write_paper(folder, "ledger-q2.xlsx")
    return folder


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, list[list[str]], Path]:
    tmp = tmp_path_factory.mktemp("ledger")
    folder = ledger_folder(tmp)
    report, table = build(folder, tmp / "out")
    return report, table, tmp / "out" / folder.name


def test_the_word_table_holds_the_figures_computed_by_hand(built: tuple[str, list[list[str]], Path]) -> None:
    _, table, _ = built
    assert table == EXPECTED


def test_printed_rows_add_up_to_the_printed_total_in_every_column(built: tuple[str, list[list[str]], Path]) -> None:
    _, table, _ = built
    *rows, total = table[2:]
    assert total[0] == "Total"
    for col in range(1, 4):
        assert sum(parse_amount(r[col]) for r in rows) == parse_amount(total[col])


def test_the_hidden_row_is_left_out_and_said(built: tuple[str, list[list[str]], Path]) -> None:
    report, table, _ = built
    warnings = problems_under(report, "05-finance.docx")
    assert HIDDEN in warnings
    # with row 14 (10,000 / 9,000) Housing Needs would print 520 / 538
    assert ["Housing Needs", "510", "528", "18"] in table


def test_subtotals_are_left_out_once_and_the_exports_total_agrees(built: tuple[str, list[list[str]], Path]) -> None:
    report, _, _ = built
    warnings = problems_under(report, "05-finance.docx")
    assert warnings.count(LEFT_OUT) == 1
    assert not [w for w in warnings if "the export's total of" in w]
    assert len(warnings) == 2, warnings


def test_the_total_check_fails_when_one_amount_is_altered(tmp_path: Path) -> None:
    rows = [(9, 10130, "Democratic Services", 230499.60, "231,600.40") if r[0] == 9 else r for r in ROWS]
    report, table = build(ledger_folder(tmp_path, rows=rows), tmp_path / "out")
    assert (
        "ledger-q2.xlsx:18: amounts.budget: warning: the export's total of 'Annual Budget' is 1,004,199.85 but its "
        "rows sum to 1,004,299.85 (a difference of (100)): a row may be missing from the export or a subtotal not "
        "recognised; check the export") in problems_under(report, "05-finance.docx")
    assert table[3] == ["Democratic Services", "231", "232", "1"]  # 230.4996 now rounds up (and the rows still add)


def test_hidden_include_publishes_the_hidden_row(tmp_path: Path) -> None:
    folder = ledger_folder(tmp_path)
    paper = folder / "05-finance.yaml"
    paper.write_text(paper.read_text(encoding="utf-8") + "    hidden: include\n", encoding="utf-8")
    report, table = build(folder, tmp_path / "out")
    assert HIDDEN not in problems_under(report, "05-finance.docx")
    # Housing Needs 520.4 / 537.6 (row 14 added). Forecasts 165.6, 231.6004, 537.6, 87.49975 total 1,022.30015
    # -> 1,022; the floors sum to 1,020, so the two units go to .6004 (Democratic) and .6 (Legal, the first .6)
    assert table[4] == ["Housing Needs", "520", "537", "17"]
    assert table[-1] == ["Total", "1,004", "1,022", "18"]


def test_without_a_map_each_row_is_labelled_by_the_export(tmp_path: Path) -> None:
    folder = ledger_folder(tmp_path)
    paper = folder / "05-finance.yaml"
    paper.write_text(paper.read_text(encoding="utf-8").replace("    group: service-map.csv\n", ""),
                     encoding="utf-8")
    _, table = build(folder, tmp_path / "out")
    # row 8's label is merged down from row 7; 120.4 + 45.0 + 230.3996 + 512.34567 - 1.94567 + 88.00025 = 994.19985
    assert [r[0] for r in table[2:]] == ["Legal Services", "Legal Services", "Democratic Services", "Homelessness",
                                         "Housing Strategy", "Private Sector Housing", "Total"]
    assert [r[1] for r in table[2:]] == ["121", "45", "230", "512", "(2)", "88", "994"]


@pytest.mark.parametrize("text, value", [
    ("1,234.56", "1234.56"), ("(1,234.56)", "-1234.56"), ("1,234.56-", "-1234.56"), ("£ 1,000", "1000"),
    ("1 000", "1000"), ("1\u00a0000", "1000"), ("-48", "-48"), (1234.5, "1234.5"), ("12-3", None), ("--1", None),
    ("(1,234-)", None)])
def test_amounts_as_finance_systems_write_them(text: object, value: str | None) -> None:
    assert parse_amount(text) == (Decimal(value) if value is not None else None)


@pytest.mark.parametrize("values, rounded", [
    (["1.4", "1.4", "1.4"], [2, 1, 1]),  # 4.2 -> 4: naive rounding prints 3
    (["1.6", "1.6", "1.6"], [2, 2, 1]),  # 4.8 -> 5: naive rounding prints 6
    (["-1.5", "2.6", "0.5"], [-1, 3, 0]),  # 1.6 -> 2; floors -2, 2, 0: the two largest remainders get a unit
    (["0.5", "0.5"], [1, 0]),  # a tie goes to the earlier row
])
def test_largest_remainder_rounding_adds_up(values: list[str], rounded: list[int]) -> None:
    out = round_to_total([Decimal(v) for v in values])
    assert out == [Decimal(r) for r in rounded]
    assert sum(out) == sum(Decimal(v) for v in values).quantize(Decimal(1), rounding="ROUND_HALF_UP")


# -- the same export in the other formats ----------------------------------------------------

def write_csv(path: Path, encoding: str) -> Path:
    """The export as a finance system writes it to CSV: the sheet's rows, amounts as text with thousands
    separators, merged labels repeated, and no hidden rows (CSV has none: row 14 is not written, and the
    subtotal and total below it, rows 16 and 18, are without its 10,000 / 9,000)."""
    ws = openpyxl.load_workbook(write_export(path.with_suffix(".xlsx")))[SHEET]
    for row in (16, 18):
        ws.cell(row, 3).value -= 10000
        ws.cell(row, 4).value -= 9000
    lines = []
    for row in ws.iter_rows(min_row=1, max_row=ws.max_row, max_col=4):
        if row[0].row == HIDDEN_ROW:
            continue
        cells = ["" if c.value is None else f"{c.value:,.2f}" if isinstance(c.value, float) else str(c.value)
                 for c in row]
        if row[0].row == 3:
            cells[0] = "Amounts in £"
        if row[0].row == 8:
            cells[1] = "Legal Services"
        lines.append(cells)
    path.with_suffix(".xlsx").unlink()
    with path.open("w", newline="", encoding=encoding) as fh:
        csv.writer(fh).writerows(lines)
    return path


def test_a_windows_1252_csv_gives_the_same_table(tmp_path: Path) -> None:
    folder = tmp_path / "csv"
    folder.mkdir()
    data = write_csv(folder / "ledger-q2.csv", "cp1252")
    assert b"\xa3" in data.read_bytes()  # the pound sign as Excel writes it in the UK
    write_map(folder / "service-map.csv")
    write_paper(folder, "ledger-q2.csv", sheet=False)
    report, table = build(folder, tmp_path / "out")
    assert table == EXPECTED
    warnings = problems_under(report, "05-finance.docx")
    assert "ledger-q2.csv: warning: read as Windows-1252 text (not UTF-8); it is best saved from Excel as " \
           "'CSV UTF-8'" in warnings
    # the hidden row is not in the CSV: the rows below it are one line up
    assert "ledger-q2.csv: warning: the subtotals (rows 10, 15) and the export's total (row 17) were left " \
           "out of the table, which adds up its own total" in warnings


def test_a_utf8_csv_with_bom_is_read_without_a_warning(tmp_path: Path) -> None:
    folder = tmp_path / "bom"
    folder.mkdir()
    write_csv(folder / "ledger-q2.csv", "utf-8-sig")
    write_map(folder / "service-map.csv")
    write_paper(folder, "ledger-q2.csv", sheet=False)
    report, table = build(folder, tmp_path / "out")
    assert table == EXPECTED
    assert not [w for w in problems_under(report, "05-finance.docx") if "read as" in w]


@pytest.mark.libreoffice
@pytest.mark.parametrize("fmt", ["ods", "xls"])
def test_the_same_export_as_ods_and_xls_gives_the_same_table(tmp_path: Path, fmt: str) -> None:
    from generator.render.pdf import soffice

    folder = tmp_path / fmt
    folder.mkdir()
    source = write_export(tmp_path / "ledger-q2.xlsx")
    filters = {"ods": "ods", "xls": "xls:MS Excel 97"}
    subprocess.run([soffice(), f"-env:UserInstallation=file://{tmp_path / 'profile'}", "--headless",
                    "--norestore", "--convert-to", filters[fmt], "--outdir", str(folder), str(source)],
                   check=True, capture_output=True, timeout=180)
    assert (folder / f"ledger-q2.{fmt}").is_file()
    write_map(folder / "service-map.csv")
    write_paper(folder, f"ledger-q2.{fmt}")
    report, table = build(folder, tmp_path / "out")
    assert table == EXPECTED
    assert f"ledger-q2.{fmt}: warning: row 14 is hidden in Excel and was left out; set hidden: include to use " \
           "it" in problems_under(report, "05-finance.docx")


# -- the other rules of the reader ------------------------------------------------------------

def test_header_by_row_number_and_amounts_by_column_label(tmp_path: Path) -> None:
    folder = ledger_folder(tmp_path)
    paper = folder / "05-finance.yaml"
    text = paper.read_text(encoding="utf-8").replace("header: Cost Centre", "header: 5")
    # without `amounts`, the export's headers are the columns' own labels
    text = text.replace("columns: {budget: Budget, forecast: Q2 Forecast, variance: Q2 Variance}",
                        "columns: {budget: Annual Budget, forecast: FORECAST  out-turn}")
    text = text.replace("    amounts: {budget: Annual Budget, forecast: Forecast Out-turn}\n", "")
    paper.write_text(text, encoding="utf-8")
    _, table = build(folder, tmp_path / "out")
    assert [r[:3] for r in table[2:]] == [r[:3] for r in EXPECTED[2:]]


def test_a_plain_workbook_source_leaves_hidden_rows_out_with_a_warning(tmp_path: Path) -> None:
    folder = tmp_path / "plain"
    folder.mkdir()
    wb = openpyxl.Workbook()
    ws = wb.active
    for row in [["service", "budget", "forecast"], ["Strategy", 330, 330], ["Old", 99, 99], ["Legal", 1890, 1939]]:
        ws.append(row)
    ws.row_dimensions[3].hidden = True
    wb.save(folder / "plain.xlsx")
    (folder / "05-finance.yaml").write_text(
        PAPER_HEAD + "  units: \"£000\"\n  columns: {budget: Budget, forecast: Forecast}\n  total: true\n"
        "  source: plain.xlsx\n", encoding="utf-8")
    report, table = build(folder, tmp_path / "out")
    assert "plain.xlsx: warning: row 3 is hidden in Excel and was left out; unhide it in Excel, or give the " \
           "source as a mapping with hidden: include to use it" in problems_under(report, "05-finance.docx")
    assert [r[0] for r in table[2:]] == ["Strategy", "Legal", "Total"]


@pytest.mark.parametrize("rows, units, scale, warning", [
    # pence in an unscaled source
    ([["Strategy", "330.50", "330"]], "£0", None,
     "05-finance-data.csv:2: budget: warning: Strategy: the amount 330.50 has pence but the table prints whole "
     "£0: give the source a scale (scale: 1000 for pounds in a £000 table, scale: 1 to round whole pounds so "
     "that the rows add up)"),
    # pounds under £000: a median of 250,000 and more
    ([["Strategy", "250000", "260000"], ["Legal", "1890000", "1939000"]], "£000", None,
     "05-finance-data.csv: warning: the amounts look like pounds (half of them are 100,000 or more) but the "
     "table is in £000: set scale: 1000 if the export is in pounds, or scale: 1 if it is in £000 already"),
    ([["Strategy", "250000", "260000"], ["Legal", "1890000", "1939000"]], "£000", 1, None),  # said to be £000
    ([["Strategy", "330", "330"], ["Legal", "1890", "1939"]], "£000", None, None),  # plausible £000
])
def test_plausibility_of_an_unscaled_source(tmp_path: Path, rows: list[list[str]], units: str, scale: int | None,
                                            warning: str | None) -> None:
    folder = tmp_path / "plausible"
    folder.mkdir()
    with (folder / "05-finance-data.csv").open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows([["Service", "Budget", "Forecast"], *rows])
    source = ("{file: 05-finance-data.csv, header: Service" + (f", scale: {scale}" if scale else "") + "}")
    (folder / "05-finance.yaml").write_text(
        PAPER_HEAD + f"  units: \"{units}\"\n  columns: {{budget: Budget, forecast: Forecast}}\n"
        f"  source: {source}\n", encoding="utf-8")
    report, _ = build(folder, tmp_path / "out")
    found = [w for w in problems_under(report, "05-finance.docx") if "pence" in w or "look like pounds" in w]
    assert found == ([warning] if warning else [])


def test_a_hidden_column_named_by_the_block_is_an_error(tmp_path: Path) -> None:
    folder = ledger_folder(tmp_path)
    book = openpyxl.load_workbook(folder / "ledger-q2.xlsx")
    book[SHEET].column_dimensions["D"].hidden = True
    book.save(folder / "ledger-q2.xlsx")
    result = run_papers("check", folder / "05-finance.yaml")
    assert result.exit_code == 1
    assert "ledger-q2.xlsx:5:4: amounts.forecast: the column 'Forecast Out-turn' (column D) is hidden in Excel: " \
           "unhide it, or set hidden: include to use hidden rows and columns" in result.output


def test_a_code_missing_from_the_map_is_an_error_naming_it(tmp_path: Path) -> None:
    folder = ledger_folder(tmp_path)
    write_map(folder / "service-map.csv", [m for m in MAP if m[0] != "10130"])
    result = run_papers("check", folder / "05-finance.yaml")
    assert result.exit_code == 1
    lines = [line.strip() for line in result.output.splitlines() if line.startswith("      ")]
    assert "ledger-q2.xlsx: code: 1 code is not in service-map.csv: 10130 (row 9); add each to the map with its " \
           "service" in lines


def test_a_map_code_without_rows_is_a_warning_and_its_service_prints_zero(tmp_path: Path) -> None:
    folder = ledger_folder(tmp_path)
    write_map(folder / "service-map.csv", MAP + [("99999", "Regeneration")])
    report, table = build(folder, tmp_path / "out")
    assert "service-map.csv:9: warning: the code 99999 (line 9) has no rows in ledger-q2.xlsx" in \
        problems_under(report, "05-finance.docx")
    assert table[-2] == ["Regeneration", "0", "0", "0"]
    assert table[-1] == EXPECTED[-1]
