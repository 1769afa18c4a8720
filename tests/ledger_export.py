"""A ledger-shaped finance export (as Oracle Cloud's budget monitoring report writes one), made for tests."""
from __future__ import annotations

import csv
from pathlib import Path

from openpyxl import Workbook

SHEET = "Budget Monitoring"
HEADER = ["Cost Centre", "Cost Centre Description", "Annual Budget", "Forecast Out-turn", "Variance"]
# (row, code, label, budget, forecast): amounts as the export writes them; None is an empty cell
ROWS = [
    (7, 10110, "Legal Services", 120400.00, 118600.00),
    (8, 10120, None, 45000, 47000),  # its label is merged down from row 7
    (9, 10130, "Democratic Services", 230399.60, "231,600.40"),
    (10, None, "Total Corporate Services", 395799.60, 397200.40),
    (12, 20110, "Homelessness", 512345.67, 530100.20),
    (13, 20120, "Housing Strategy", "(1,945.67)", "1,500.20-"),  # brackets and a trailing minus
    (14, 20130, "Old Scheme (closed)", 10000, 9000),  # hidden
    (15, 20140, "Private Sector Housing", 88000.25, 87499.75),
    (16, None, None, 608400.25, 625099.75),  # an unlabelled subtotal: the sum of rows 12-15
    (18, None, "Grand Total", 1004199.85, 1022300.15),
]
HIDDEN_ROW = 14
MAP = [("code", "service"), ("10110", "Legal"), ("10120", "Legal"), ("10130", "Democratic Services"),
       ("20110", "Housing Needs"), ("20120", "Housing Needs"), ("20130", "Housing Needs"),
       ("20140", "Private Sector Housing")]
FOOTER = "Report run by J. Smith on 12/10/2023 09:14"

PAPER_HEAD = """\
template: portfolio_report
title: Report of the Cabinet Member for Finance
report_of: Councillor A. Tester, Cabinet Member for Finance
meeting: {committee: Test Committee, date: 2023-10-19}
sections:
  - title: Finance
    body: The quarter's monitoring.
finance:
"""
PAPER = PAPER_HEAD + """\
  title: Financial Information
  label: Service
  units: "£000"
  columns: {budget: Budget, forecast: Q2 Forecast, variance: Q2 Variance}
  total: true
  source:
    file: FILE
    SHEET
    header: Cost Centre
    label: Cost Centre Description
    amounts: {budget: Annual Budget, forecast: Forecast Out-turn}
    code: Cost Centre
    group: service-map.csv
    scale: 1000
"""


def write_export(path: Path, rows: list[tuple] | None = None, formula: str | None = None) -> Path:
    """The export as .xlsx: title rows (one merged), header on row 5, sections, subtotals, a hidden row,
    a grand total and a footer."""
    wb = Workbook()
    ws = wb.active
    ws.title = SHEET
    ws["A1"] = "Thurrock Council"
    ws.merge_cells("A1:E1")
    ws["A2"] = "Budget Monitoring Report: Period 6 2023/24"
    ws["A3"] = "Amounts in pounds"
    for col, text in enumerate(HEADER, start=1):
        ws.cell(5, col, text)
    ws["A6"] = "Corporate Services"
    ws["A11"] = "Housing"
    for row, code, label, budget, forecast in rows or ROWS:
        if code is not None:
            ws.cell(row, 1, code)
        if label is not None:
            ws.cell(row, 2, label)
        ws.cell(row, 3, budget)
        ws.cell(row, 4, forecast)
    ws.merge_cells("B7:B8")
    ws.row_dimensions[HIDDEN_ROW].hidden = True
    ws["A20"] = FOOTER
    if formula:
        ws["E9"] = formula
        ws["D9"] = formula
    wb.save(path)
    return path


def write_map(path: Path, rows: list[tuple[str, str]] | None = None) -> Path:
    with path.open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows(rows or MAP)
    return path


def write_paper(folder: Path, file: str, sheet: bool = True) -> Path:
    text = PAPER.replace("FILE", file).replace("    SHEET\n", f"    sheet: {SHEET}\n" if sheet else "")
    (folder / "05-finance.yaml").write_text(text, encoding="utf-8")
    return folder / "05-finance.yaml"
