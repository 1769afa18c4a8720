"""The workbook's own XML writers (issue 15) write what openpyxl wrote before them, byte for byte: the cells of a
generated sheet (render/xlsx.py _sheet_data) against openpyxl's worksheet writer given the same cells with
each formula's result set as the renderer set it before, and the bar charts (_bars_xml) against openpyxl's
chart objects. Hostile texts throughout: markup characters, quotes, control characters, spaces around, a
formula-like text, non-ASCII."""
from __future__ import annotations

import datetime as dt
import io
import zipfile
from copy import copy
from decimal import Decimal

import pytest
from lxml import etree
from openpyxl.chart import BarChart
from openpyxl.worksheet._writer import WorksheetWriter
from openpyxl.xml.functions import tostring

from generator.build import DEFAULT_TEMPLATES
from generator.render import xlsx

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
TEXTS = ["Housing", "A & B <c> \"q\" 'a'", "£000 — ü 😀", "tab\there", "cr\rhere", "two\nlines", " lead", "trail ",
         "=HYPERLINK(\"x\")", "+44", "-x", "@SUM(1)", "", "x" * 40_000, "\x01control"]
NUMBERS = [Decimal(0), Decimal(-1), Decimal("1.5"), Decimal("1E+20"), Decimal(123456789012345678), Decimal("-0.25")]


def _book() -> xlsx._Book:
    return xlsx._Book(xlsx._Template.fresh(DEFAULT_TEMPLATES / "xlsx" / "budget.xlsx"))


def _fill(book: xlsx._Book, title: str) -> xlsx._Grid:
    """A sheet of every kind of cell the renderer writes, with a comment, a taller row and an empty one."""
    ws = book.new_sheet(title, book.tpl.paper)
    for i, text in enumerate(TEXTS, start=1):
        book.text(ws, i, 1, text, xlsx.TEXT if i % 2 else xlsx.HEADER)
    for i, value in enumerate(NUMBERS, start=1):
        book.number(ws, i, 2, value, xlsx.AMOUNT, "#,##0.00" if i % 2 else None)
        book.formula(ws, i, 3, f"'{title.replace(chr(39), chr(39) * 2)}'!B{i}*2", value * 2, xlsx.TOTAL)
    book.formula(ws, 8, 4, "SUM(C1:C6)&\"<>\"", Decimal("7.125"), xlsx.AMOUNT, "0.000")
    book.number(ws, 9, 2, Decimal(3), xlsx.DISAGREES).comment = xlsx._comment("Variance stated (131) & <x>")
    ws.row_dimensions[30].height = 40  # a row with a height and no cells is written too
    ws.row_dimensions[2].height = 25.5
    return book.grids[title]


def _as_openpyxl_wrote_it(ws: xlsx.Worksheet, grid: xlsx._Grid) -> tuple[bytes, list[tuple[object, ...]]]:
    """The sheet's XML as the renderer wrote it before: openpyxl's cells, openpyxl's writer, then each
    formula's <v> set to its result in the re-parsed XML; and its comments."""
    for (row, col), cell in grid.items():
        made = ws.cell(row, col)
        made._style = copy(cell.style)
        if cell.kind == "s":
            made._value, made.data_type = cell.value, "s"
        elif cell.value is not None:
            made.value = cell.value
        if cell.comment is not None:
            made.comment = cell.comment
    writer = WorksheetWriter(ws, out=io.BytesIO())
    writer.write()
    root = etree.fromstring(writer.read())
    for c in root.iter(f"{{{MAIN}}}c"):
        if c.find(f"{{{MAIN}}}f") is not None:
            c.attrib.pop("t", None)
            c.find(f"{{{MAIN}}}v").text = xlsx._v_text(grid[ws[c.get('r')].row, ws[c.get('r')].column].result)
    comments = [(c.ref, c.author, c.text.t, c.width, c.height) for c in ws._comments]
    return xlsx.XML_DECLARATION + etree.tostring(root, encoding="UTF-8", xml_declaration=False), comments


@pytest.mark.parametrize("title", ["Paper", "O'Brien & Co <x>"])
def test_the_cells_of_a_sheet_are_written_as_openpyxl_wrote_them(title: str) -> None:
    book = _book()
    grid = _fill(book, title)
    wb = book.tpl.wb
    data = xlsx.workbook_bytes(wb, dt.datetime(2023, 1, 5), book.grids)
    ws = wb[title]
    new_comments = [(c.ref, c.author, c.text.t, c.width, c.height) for c in ws._comments]
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        written = package.read(ws.path[1:])
    before, comments = _as_openpyxl_wrote_it(ws, grid)
    assert written == before
    assert new_comments == comments and len(comments) == 1
    assert b'<f>SUM(C1:C6)&amp;"&lt;&gt;"</f><v>7.125</v>' in written and b'<row r="30" ht="40"' in written


def test_an_empty_sheet_has_the_empty_cells_openpyxl_writes() -> None:
    book = _book()
    ws = book.new_sheet("Empty", book.tpl.paper)
    data = xlsx.workbook_bytes(book.tpl.wb, dt.datetime(2023, 1, 5), book.grids)
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        written = package.read(ws.path[1:])
    assert written == _as_openpyxl_wrote_it(ws, book.grids["Empty"])[0]
    assert b"<sheetData/>" in written and b'<dimension ref="A1:A1"/>' in written


@pytest.mark.parametrize("series", [1, 2])
@pytest.mark.parametrize("rows", [1, 15])
def test_a_bar_chart_is_written_as_openpyxl_writes_it(series: int, rows: int) -> None:
    book = _book()
    checked = 0
    for sheet in ("Paper", "O'Brien & Co <x>"):
        ws = book.new_sheet(sheet, book.tpl.paper)
        for text in TEXTS:
            spec = xlsx._Bars(f"{text}: budget against forecast", text, text or "Amount",
                              tuple((2 + i, 4, 4 + rows) for i in range(series)), (1, 5, 4 + rows), series == 2)
            texts = (spec.title, spec.x_title, spec.y_title)
            if all(t and "\n" not in t and t == t.strip() and "\x01" not in t for t in texts):
                # what _add_bars writes with _bars_xml; openpyxl writes the rest itself
                assert xlsx._bars_xml(ws, spec) == tostring(spec.chart(ws)._write()), text
                checked += 1
    assert checked >= 2 * 8


def test_a_chart_text_the_made_xml_cannot_hold_is_drawn_by_openpyxl() -> None:
    book = _book()
    ws = book.new_sheet("Paper", book.tpl.paper)
    for text, drawn_by_openpyxl in [("Service", False), ("", True), ("two\nlines", True), (" lead", True),
                                    ("A & B", False)]:
        name = xlsx._add_bars(ws, xlsx._Bars("Budget", text, "£000", ((2, 4, 6), (3, 4, 6)), (1, 5, 6), True),
                              "H4", 16, 7.5)
        assert isinstance(ws._charts[-1], BarChart) is drawn_by_openpyxl
        assert name == "Budget" and ws._charts[-1].anchor == "H4" and ws._charts[-1].width == 16
    with pytest.raises(ValueError):  # a control character is refused, as openpyxl refuses it
        xlsx._add_bars(ws, xlsx._Bars("Budget", "\x01", "£000", ((2, 4, 6),), (1, 5, 6), False), "H4", 16, 7.5)
        xlsx.workbook_bytes(book.tpl.wb, dt.datetime(2023, 1, 5), book.grids)
