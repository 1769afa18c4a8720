"""Read finance rows from an Excel workbook (the only reader of .xlsx inputs)."""
from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any

from .finance import SourceError


def read_xlsx(path: Path, sheet: str | None) -> list[tuple[int, list[Any]]]:
    """Rows of one worksheet (default: the first) with their 1-based row numbers."""
    import openpyxl  # deferred: most builds never read a workbook

    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise SourceError(f"not a readable .xlsx workbook ({exc})") from None
    try:
        if sheet is None:
            ws = wb.worksheets[0]
        elif sheet in wb.sheetnames:
            ws = wb[sheet]
        else:
            raise SourceError(f"no sheet named '{sheet}' (sheets: {', '.join(wb.sheetnames)})")
        return [(i, list(row)) for i, row in enumerate(ws.iter_rows(values_only=True), start=1)]
    finally:
        wb.close()
