"""Write the first version of the Excel template, templates/xlsx/budget.xlsx.

The committed .xlsx is the source of truth: a finance officer restyles it in
Excel. The look of a budget workbook lives there, not in Python:

- the cell styles named "papers ..." (Home > Cell Styles > Modify) give every
  cell its font, fill, borders, alignment and number format;
- the sheet "Paper" is the model of every paper's sheet and "Summary" of the
  summary sheet: their column widths (the last one repeats for further money
  columns), the height of a row whose first cell has a given style, page setup
  (orientation, paper size, fit to width), margins, header/footer and view
  settings are copied. Their sample cells only show the styles. The Sources sheet (the rows of
  finance exports and their rounding) is set up like "Paper"; charts are drawn by code.

This script records how the first version was made and recreates it
(overwriting edits), byte for byte the same each time:

    python tools/make_xlsx_template.py
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from openpyxl import Workbook
from openpyxl.packaging.core import DocumentProperties
from openpyxl.styles import Alignment, Border, Font, NamedStyle, PatternFill, Side
from openpyxl.worksheet.worksheet import Worksheet

from generator.finance import EXCEL_NUMBER_FORMAT
from generator.render import xlsx as names
from generator.render.xlsx import workbook_bytes

OUT = Path(__file__).resolve().parents[1] / "templates" / "xlsx" / "budget.xlsx"
STAMP = dt.datetime(2022, 1, 1)

FONT = "Arial"
NAVY = "1F3864"
RULE = Side(style="thin", color="BFBFBF")
DARK_RULE = Side(style="thin", color="000000")


def styles() -> list[NamedStyle]:
    """The named cell styles the renderer draws with."""
    text = dict(font=Font(name=FONT, size=10), border=Border(bottom=RULE),
                alignment=Alignment(vertical="top", wrap_text=True))
    amount = dict(font=Font(name=FONT, size=10), border=Border(bottom=RULE),
                  alignment=Alignment(horizontal="right", vertical="top"), number_format=EXCEL_NUMBER_FORMAT)
    header = dict(font=Font(name=FONT, size=10, bold=True, color="FFFFFF"),
                  fill=PatternFill("solid", fgColor=NAVY), border=Border(bottom=DARK_RULE))
    total_border = Border(top=DARK_RULE, bottom=Side(style="double", color="000000"))
    return [
        NamedStyle(names.TITLE, font=Font(name=FONT, size=14, bold=True, color=NAVY)),
        NamedStyle(names.SUBTITLE, font=Font(name=FONT, size=10, italic=True, color="595959")),
        NamedStyle(names.TABLE_TITLE, font=Font(name=FONT, size=12, bold=True, color=NAVY)),
        NamedStyle(names.UNITS, font=Font(name=FONT, size=9, italic=True, color="595959")),
        NamedStyle(names.HEADER, **header, alignment=Alignment(vertical="bottom", wrap_text=True)),
        NamedStyle(names.HEADER_AMOUNT, **header,
                   alignment=Alignment(horizontal="right", vertical="bottom", wrap_text=True)),
        NamedStyle(names.TEXT, **text),
        NamedStyle(names.AMOUNT, **amount),
        NamedStyle(names.TOTAL_LABEL, font=Font(name=FONT, size=10, bold=True), border=total_border),
        NamedStyle(names.TOTAL, font=Font(name=FONT, size=10, bold=True), border=total_border,
                   alignment=Alignment(horizontal="right"), number_format=EXCEL_NUMBER_FORMAT),
        NamedStyle(names.DISAGREES, font=Font(name=FONT, size=10, bold=True, color="9C0006"),
                   fill=PatternFill("solid", fgColor="FFC7CE"), border=Border(bottom=RULE),
                   alignment=Alignment(horizontal="right", vertical="top"), number_format=EXCEL_NUMBER_FORMAT),
    ]


def page_setup(ws: Worksheet) -> None:
    """Landscape A4, one page wide (as many tall as needed), sheet name and page in the footer."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_margins.left = ws.page_margins.right = 0.5
    ws.page_margins.top = ws.page_margins.bottom = 0.75
    ws.page_margins.header = ws.page_margins.footer = 0.3
    ws.oddFooter.left.text = "&A"
    ws.oddFooter.left.font = FONT
    ws.oddFooter.left.size = 8
    ws.oddFooter.right.text = "Page &P of &N"
    ws.oddFooter.right.font = FONT
    ws.oddFooter.right.size = 8
    ws.sheet_view.showGridLines = False  # the styles draw the rules that matter


def put(ws: Worksheet, ref: str, value: object, style: str | None = None) -> None:
    ws[ref] = value
    if style:
        ws[ref].style = style


def paper_sheet(ws: Worksheet) -> None:
    """The model paper sheet: a sample table in every style, and a note on how the template is used."""
    put(ws, "A1", "Item 5: Report of the Cabinet Member for Central Services", names.TITLE)
    put(ws, "A2", "Corporate Overview and Scrutiny Committee, 8 December 2022", names.SUBTITLE)
    put(ws, "A4", "Financial Information", names.TABLE_TITLE)
    put(ws, "A5", "Figures in £000", names.UNITS)
    for col, label in zip("ABCDE", ["Service", "Last year outturn", "Budget", "Q1 Forecast", "Q1 Variance"]):
        put(ws, f"{col}6", label, names.HEADER if col == "A" else names.HEADER_AMOUNT)
    rows = [("Strategy", 333, 330, 330, 0), ("Customer Services", 702, 1094, 965, -131),
            ("Legal Services", 2013, 1890, 1939, 49)]
    for r, (service, *amounts) in enumerate(rows, start=7):
        put(ws, f"A{r}", service, names.TEXT)
        for col, amount in zip("BCDE", amounts):
            put(ws, f"{col}{r}", amount, names.AMOUNT)
    ws["E8"].style = names.DISAGREES  # a stated variance that disagrees with forecast - budget
    put(ws, "A10", "Total", names.TOTAL_LABEL)
    for col, amount in zip("BCDE", [3048, 3314, 3234, -82]):
        put(ws, f"{col}10", amount, names.TOTAL)
    notes = [
        "How this template is used (this sheet is not copied into budget workbooks):",
        "Cell looks come from the cell styles named \"papers ...\": change them with Home > Cell Styles > Modify.",
        "Every paper's sheet copies this sheet's column widths (the last one repeats for more money columns), "
        "the height of the rows whose first cell has a given style, page setup, margins, footer and view.",
        "The Summary sheet copies the same from the sheet \"Summary\".",
        "The charts, and the sheet \"Sources\" (the rows of finance exports, set up like this sheet), are drawn "
        "by papers on every build: charts added here are not kept.",
    ]
    for r, note in enumerate(notes, start=13):
        ws[f"A{r}"] = note
    ws.row_dimensions[1].height = 21
    ws.row_dimensions[4].height = 18
    ws.row_dimensions[6].height = 30  # two lines of header text
    ws.column_dimensions["A"].width = 34
    for col in "BCDEF":
        ws.column_dimensions[col].width = 13
    page_setup(ws)


def summary_sheet(ws: Worksheet) -> None:
    """The model summary sheet."""
    put(ws, "A1", "Budget summary", names.TITLE)
    put(ws, "A2", "Corporate Overview and Scrutiny Committee, 8 December 2022", names.SUBTITLE)
    for col, label in zip("ABCDEFG", ["Paper", "Table", "Units", "Last year outturn", "Budget", "Q1 Forecast",
                                       "Q1 Variance"]):
        put(ws, f"{col}4", label, names.HEADER if col in "ABC" else names.HEADER_AMOUNT)
    put(ws, "A5", "Item 5: Report of the Cabinet Member for Central Services", names.TEXT)
    put(ws, "B5", "Financial Information", names.TEXT)
    put(ws, "C5", "£000", names.TEXT)
    for col, amount in zip("DEFG", [9293, 10884, 10722, -164]):
        put(ws, f"{col}5", amount, names.AMOUNT)
    for col, value in zip("ABC", ["Grand total", "", "£000"]):
        put(ws, f"{col}6", value, names.TOTAL_LABEL)
    for col, amount in zip("DEFG", [9293, 10884, 10722, -164]):
        put(ws, f"{col}6", amount, names.TOTAL)
    ws.row_dimensions[1].height = 21
    ws.row_dimensions[4].height = 30
    ws.column_dimensions["A"].width = 46
    ws.column_dimensions["B"].width = 24
    ws.column_dimensions["C"].width = 8
    for col in "DEFGH":
        ws.column_dimensions[col].width = 13
    page_setup(ws)


def make() -> bytes:
    """The template's bytes (the same every time)."""
    wb = Workbook()
    for style in styles():
        wb.add_named_style(style)
    summary = wb.active
    summary.title = names.SUMMARY
    summary_sheet(summary)
    paper_sheet(wb.create_sheet(names.PAPER_MODEL))
    wb.properties = DocumentProperties(title="Budget workbook template (papers)", creator="papers",
                                       lastModifiedBy="papers", created=STAMP, modified=STAMP,
                                       description="Restyle the 'papers' cell styles and the model sheets; "
                                       "see the note on the sheet 'Paper'.")
    return workbook_bytes(wb, STAMP)


def main() -> None:
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_bytes(make())
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
