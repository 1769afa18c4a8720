"""A workbook's cells as text lines (sheet, cell, value or formula), to show what a person changed."""
from __future__ import annotations

from io import BytesIO

from openpyxl import load_workbook


def cell_lines(data: bytes) -> list[str]:
    """``'Sheet'!B4: value`` for every cell with something in it, sheet by sheet, row by row; a formula
    is shown as written (its figures are in the cells it refers to)."""
    workbook = load_workbook(BytesIO(data))
    lines = []
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.value is not None and cell.value != "":
                    lines.append(f"'{sheet.title}'!{cell.coordinate}: {cell.value}")
    return lines
