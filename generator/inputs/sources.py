"""Read the cells of a finance data file (.csv, .xlsx, .xls, .ods), bounded against hostile files.

Every reader returns a :class:`Grid`: the rows with their numbers as the officer sees them (CSV
lines, spreadsheet rows), which rows and columns are hidden, the merged ranges and the formula
cells that hold no calculated value. Nothing here interprets the table (finance.py and ledger.py
do). A file is refused, with the limit named, before it can use unbounded memory or time: its
size on disk and unpacked, its rows, columns and cells. openpyxl, python-calamine and xlrd are
imported only when a workbook of their kind is read.
"""
from __future__ import annotations

import codecs
import csv
import io
import posixpath
import re
import warnings
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

from lxml import etree

from .load import clean_text

# Bounds: far above any real finance export (a council's whole ledger is some 100,000 rows of a
# dozen columns), far below what would exhaust the machine. A file beyond them is refused at once.
MAX_FILE_BYTES = 256 * 2**20  # on disk
MAX_UNPACKED_BYTES = 256 * 2**20  # a workbook's parts once unzipped (a "zip bomb" is tiny on disk)
MAX_ROWS = 250_000
MAX_COLUMNS = 1_000
MAX_CELLS = 3_000_000  # cells that hold something
MAX_MERGED_CELLS = 100_000  # cells covered by merged ranges: a title merged across a row is a handful

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")
CALAMINE_SUFFIXES = (".xls", ".ods")
SUFFIXES = (".csv", *WORKBOOK_SUFFIXES, *CALAMINE_SUFFIXES)

MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
ODS_TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
ODS_OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"


class SourceError(Exception):
    """A data file cannot be read at all (the message says why and what to do)."""


@dataclass
class Grid:
    """The cells of one sheet (or CSV file), 1-based row numbers, each row's cells from column A."""

    rows: list[tuple[int, list[Any]]]
    hidden_rows: set[int] = field(default_factory=set)
    hidden_columns: set[int] = field(default_factory=set)  # 1-based
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)  # min_row, min_col, max_row, max_col
    uncalculated: set[tuple[int, int]] = field(default_factory=set)  # (row, column) formulas without a value
    encoding: str | None = None  # a CSV file's text encoding when it was not UTF-8
    workbook: bool = False  # rows and columns are a spreadsheet's (not a CSV file's lines)


def read_grid(path: Path, sheet: str | None = None) -> Grid:
    """The cells of a data file (of one sheet of a workbook: default the first)."""
    suffix = path.suffix.lower()
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise SourceError(exc.strerror or str(exc)) from None
    if size > MAX_FILE_BYTES:
        raise SourceError(f"the file is {_mib(size)}, larger than the {_mib(MAX_FILE_BYTES)} papers reads "
                          "from one data file")
    if suffix == ".csv":
        if sheet is not None:
            raise SourceError("a CSV file has no sheets: leave 'sheet' out")
        return read_csv(path)
    if suffix in WORKBOOK_SUFFIXES:
        return _read_xlsx(path, sheet)
    if suffix == ".ods":
        return _read_ods(path, sheet)
    if suffix == ".xls":
        return _read_xls(path, sheet)
    raise SourceError(f"unsupported data file type '{path.suffix}': use {', '.join(SUFFIXES)}")


def _mib(size: int) -> str:
    return f"{size / 2**20:,.0f} MB" if size >= 2**20 else f"{size:,} bytes"


def _too_many_rows(count: int, what: str) -> SourceError:
    return SourceError(f"{what} has more than {MAX_ROWS:,} rows, the most papers reads from one data file "
                       f"(row {count:,} found)")


# -- CSV ------------------------------------------------------------------------------------

def read_csv(path: Path) -> Grid:
    """Rows of a CSV file with their 1-based line numbers: UTF-8 (with or without BOM) or Windows-1252."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise SourceError(exc.strerror or str(exc)) from None
    text, encoding = _decode(data)
    rows = []
    try:
        reader = csv.reader(io.StringIO(text, newline=""))
        for row in reader:
            if len(rows) >= MAX_ROWS:
                raise _too_many_rows(reader.line_num, "the file")
            if len(row) > MAX_COLUMNS:
                raise SourceError(f"line {reader.line_num} has {len(row):,} cells, more than the {MAX_COLUMNS:,} "
                                  "columns papers reads")
            rows.append((reader.line_num, [clean_text(c) for c in row]))
    except csv.Error as exc:
        raise SourceError(str(exc)) from None
    return Grid(rows, encoding=encoding)


def _decode(data: bytes) -> tuple[str, str | None]:
    """The text of a CSV file and the encoding used when it was not UTF-8 (Excel's CSV in the UK is
    Windows-1252, where £ is the byte 0xA3; its "Unicode text" is UTF-16)."""
    if data.startswith(codecs.BOM_UTF8):
        try:
            return data[len(codecs.BOM_UTF8):].decode("utf-8"), None
        except UnicodeDecodeError as exc:
            raise SourceError(f"marked as UTF-8 but it is not ({exc.reason} at position {exc.start + 3})") from None
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16"), "UTF-16"
        except UnicodeDecodeError as exc:
            raise SourceError(f"not readable UTF-16 text ({exc.reason})") from None
    if _utf8(data):
        return data.decode("utf-8"), None
    return _cp1252(data), "Windows-1252"


def _utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _cp1252(data: bytes) -> str:
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError as exc:
        raise SourceError(f"neither UTF-8 nor Windows-1252 text (byte 0x{data[exc.start]:02X} at position "
                          f"{exc.start}): save it from Excel as 'CSV UTF-8'") from None


# -- zip packages (.xlsx, .ods) ---------------------------------------------------------------

def _open_package(path: Path, kind: str) -> zipfile.ZipFile:
    """The zip package, refused when its parts would unpack beyond the bound (Python's zipfile
    never inflates a part beyond its declared size: a larger stream fails its check)."""
    try:
        package = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise SourceError(f"not a readable {kind} file ({exc})") from None
    unpacked = sum(i.file_size for i in package.infolist())
    if unpacked > MAX_UNPACKED_BYTES:
        package.close()
        raise SourceError(f"the file would unpack to {_mib(unpacked)}, more than the {_mib(MAX_UNPACKED_BYTES)} "
                          "papers unpacks from one workbook (a damaged or hostile file?)")
    return package


def _iterparse(stream: Any, tags: tuple[str, ...]) -> Iterator[Any]:
    """Elements of an XML stream as each ends, cleared behind us (memory stays flat); no entities, no network."""
    context = etree.iterparse(stream, events=("end",), tag=tags, resolve_entities=False, no_network=True,
                              huge_tree=False, load_dtd=False)
    try:
        for _, elem in context:
            yield elem
            elem.clear(keep_tail=False)
    except etree.XMLSyntaxError as exc:
        raise SourceError(f"the workbook's XML is damaged ({exc})") from None
    except (zipfile.BadZipFile, zlib.error, EOFError) as exc:  # e.g. a part longer than its declared size
        raise SourceError(f"the workbook is damaged ({exc})") from None


def sheet_parts(package: zipfile.ZipFile) -> dict[str, str]:
    """Sheet title -> the zip entry holding that worksheet, from workbook.xml and its relationships."""
    book = etree.fromstring(package.read("xl/workbook.xml"))
    rels = etree.fromstring(package.read("xl/_rels/workbook.xml.rels"))
    targets = {r.get("Id"): r.get("Target") for r in rels.iter(f"{{{PKG_REL_NS}}}Relationship")}
    parts = {}
    for sheet in book.iter(f"{{{MAIN_NS}}}sheet"):
        target = targets.get(sheet.get(f"{{{REL_NS}}}id")) or ""
        parts[sheet.get("name")] = target.lstrip("/") if target.startswith("/") else posixpath.normpath(
            posixpath.join("xl", target))
    return parts


def _pick(names: list[str], sheet: str | None) -> str:
    if not names:
        raise SourceError("the workbook has no sheets")
    if sheet is None:
        return names[0]
    if sheet in names:
        return sheet
    folded = [n for n in names if n.strip().casefold() == sheet.strip().casefold()]
    if len(folded) == 1:
        return folded[0]
    raise SourceError(f"no sheet named '{sheet}' (sheets: {', '.join(names)})")


_REF = re.compile(r"^\$?([A-Za-z]{1,3})\$?(\d+)$")


def _ref(ref: str) -> tuple[int, int]:
    """``B7`` -> (7, 2)."""
    m = _REF.match(ref)
    if not m:
        raise SourceError(f"the workbook's XML names a cell '{ref}' that is not a cell reference")
    col = 0
    for ch in m.group(1).upper():
        col = col * 26 + ord(ch) - 64
    return int(m.group(2)), col


def column_letter(col: int) -> str:
    """``28`` -> ``AB``."""
    letters = ""
    while col:
        col, rem = divmod(col - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def _where(row: int, col: int) -> str:
    return f"{column_letter(col)}{row}"


@dataclass
class _Extent:
    """What a scan of a sheet found, checked against the bounds as it goes."""

    cells: int = 0
    merged_cells: int = 0
    uncalculated: set[tuple[int, int]] = field(default_factory=set)
    last_row: int = 0
    last_col: int = 0

    def rectangle(self) -> None:
        """Refuse a sheet whose used rectangle (which calamine fills in full) holds too many cells."""
        if self.last_row * self.last_col > MAX_CELLS:
            raise SourceError(f"the sheet's cells reach {_where(self.last_row, self.last_col)}: a rectangle of "
                              f"more than {MAX_CELLS:,} cells, the most papers reads from one sheet; delete what "
                              "lies beyond the table (Ctrl+End shows the last cell) or copy the table to a new "
                              "sheet")

    def cell(self, row: int, col: int, repeat_rows: int = 1, repeat_cols: int = 1) -> None:
        last_row, last_col = row + repeat_rows - 1, col + repeat_cols - 1
        self.last_row, self.last_col = max(self.last_row, last_row), max(self.last_col, last_col)
        if last_row > MAX_ROWS:
            raise SourceError(f"the sheet has a cell at {_where(last_row, min(last_col, 16384))}, beyond the "
                              f"{MAX_ROWS:,} rows papers reads: delete the rows below the table (Ctrl+End shows "
                              "the last cell Excel keeps) or copy the table to a new sheet")
        if last_col > MAX_COLUMNS:
            raise SourceError(f"the sheet has a cell at {_where(last_row, last_col)}, beyond the {MAX_COLUMNS:,} "
                              "columns papers reads: delete the columns right of the table (Ctrl+End shows "
                              "the last cell Excel keeps) or copy the table to a new sheet")
        self.cells += repeat_rows * repeat_cols
        if self.cells > MAX_CELLS:
            raise SourceError(f"the sheet has more than {MAX_CELLS:,} cells with content, the most papers reads "
                              "from one sheet")

    def merge(self, min_row: int, min_col: int, max_row: int, max_col: int) -> None:
        self.merged_cells += (max_row - min_row + 1) * (max_col - min_col + 1)
        if self.merged_cells > MAX_MERGED_CELLS:
            raise SourceError(f"the sheet's merged cells cover more than {MAX_MERGED_CELLS:,} cells "
                              f"(up to {_where(max_row, max_col)}): unmerge them (Home > Merge & Center)")


# -- .xlsx (openpyxl, normal mode: hidden rows and merged cells matter) -------------------------

def _scan_xlsx(package: zipfile.ZipFile, part: str) -> _Extent:
    """Bounds of one worksheet part, and its formula cells without a cached value, before openpyxl reads it."""
    extent = _Extent()
    c, f, v, row_tag, merge = (f"{{{MAIN_NS}}}{t}" for t in ("c", "f", "v", "row", "mergeCell"))
    is_ = f"{{{MAIN_NS}}}is"
    row_no = 0
    with package.open(part) as stream:
        for elem in _iterparse(stream, (c, row_tag, merge)):
            if elem.tag == c:
                ref = elem.get("r")
                r, col = _ref(ref) if ref else (max(row_no, 1), 1)
                formula, value = elem.find(f), elem.find(v)
                if formula is not None and (value is None or not (value.text or "").strip()):
                    extent.uncalculated.add((r, col))
                if formula is not None or value is not None or elem.find(is_) is not None:
                    extent.cell(r, col)
            elif elem.tag == row_tag:
                row_no = int(elem.get("r") or row_no + 1)
                if row_no > MAX_ROWS and len(elem):
                    extent.cell(row_no, 1)
            else:
                first, _, last = (elem.get("ref") or "").partition(":")
                (r1, c1), (r2, c2) = _ref(first), _ref(last or first)
                extent.merge(min(r1, r2), min(c1, c2), max(r1, r2), max(c1, c2))
    return extent


def _read_xlsx(path: Path, sheet: str | None) -> Grid:
    with _open_package(path, ".xlsx") as package:
        try:
            parts = sheet_parts(package)
        except (KeyError, etree.XMLSyntaxError) as exc:
            raise SourceError(f"not a readable .xlsx workbook ({exc})") from None
        title = _pick(list(parts), sheet)
        if parts[title] not in package.namelist():
            raise SourceError(f"the sheet '{title}' is missing from the file (a damaged workbook?)")
        extent = _scan_xlsx(package, parts[title])
    import openpyxl  # deferred: most builds never read a workbook

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # e.g. "Data Validation extension is not supported": not the officer's
            wb = openpyxl.load_workbook(path, data_only=True, rich_text=False, keep_links=False)
    except Exception as exc:  # noqa: BLE001  # a damaged file fails inside openpyxl in many ways
        raise SourceError(f"not a readable .xlsx workbook ({exc})") from None
    try:
        ws = wb[title]
        cells: dict[int, dict[int, Any]] = {}
        for (r, col), cell in ws._cells.items():  # the cells that exist, never the whole rectangle
            if cell.value is not None:
                cells.setdefault(r, {})[col] = cell.value
        hidden_rows = {r for r, dim in ws.row_dimensions.items() if dim.hidden}
        hidden_columns: set[int] = set()
        for dim in ws.column_dimensions.values():
            if dim.hidden and dim.min:
                hidden_columns.update(range(dim.min, min(dim.max or dim.min, MAX_COLUMNS) + 1))
        merged = [(m.min_row, m.min_col, m.max_row, m.max_col) for m in ws.merged_cells.ranges]
    finally:
        wb.close()
    return Grid(_rows_of(cells), hidden_rows, hidden_columns, merged, extent.uncalculated, workbook=True)


def _rows_of(cells: dict[int, dict[int, Any]]) -> list[tuple[int, list[Any]]]:
    rows = []
    for r in sorted(cells):
        found = cells[r]
        line: list[Any] = [None] * max(found)
        for col, value in found.items():
            line[col - 1] = clean_text(value) if isinstance(value, str) else value
        rows.append((r, line))
    return rows


# -- .ods and .xls (python-calamine; hidden rows from the file itself) --------------------------

def _scan_ods(package: zipfile.ZipFile, sheet: str | None) -> tuple[str, _Extent, set[int], set[int],
                                                                   list[tuple[int, int, int, int]]]:
    """(table name, its extent, hidden rows, hidden columns, merged ranges) of one table of content.xml, its extent
    bounded on the way: calamine reports no row visibility for .ods, and fills a dense rectangle."""
    table, row_tag, cell_tag, column_tag = (f"{{{ODS_TABLE}}}{t}" for t in (
        "table", "table-row", "table-cell", "table-column"))

    def attr(elem: Any, name: str, default: str | None = None) -> str | None:
        return elem.get(f"{{{ODS_TABLE}}}{name}", default)

    names: list[str] = []
    title: str | None = None
    extent, hidden_rows, hidden_columns, merged = _Extent(), set(), set(), []
    with package.open("content.xml") as stream:
        context = etree.iterparse(stream, events=("start", "end"), resolve_entities=False, no_network=True,
                                  load_dtd=False)
        inside, row, col = False, 0, 0
        try:
            for event, elem in context:
                if elem.tag == table:
                    if event == "start":
                        name = attr(elem, "name") or ""
                        names.append(name)
                        wanted = title is None and (sheet is None or name.strip().casefold() ==
                                                    sheet.strip().casefold())
                        if wanted:
                            title, inside = name, True
                    else:
                        inside = False
                        elem.clear(keep_tail=False)
                    continue
                if event != "end" or elem.tag not in (row_tag, column_tag):
                    continue
                if inside and elem.tag == column_tag:
                    repeat = int(attr(elem, "number-columns-repeated", "1") or 1)
                    if attr(elem, "visibility") in ("collapse", "filter"):
                        hidden_columns.update(range(col + 1, min(col + repeat, MAX_COLUMNS) + 1))
                    col += repeat
                elif inside:
                    repeat = int(attr(elem, "number-rows-repeated", "1") or 1)
                    c = 0
                    for cell in elem:
                        span = int(attr(cell, "number-columns-repeated", "1") or 1)
                        if cell.tag == cell_tag and (len(cell) or cell.get(f"{{{ODS_OFFICE}}}value-type")):
                            extent.cell(row + 1, c + 1, repeat, span)
                            rows_spanned = int(attr(cell, "number-rows-spanned", "1") or 1)
                            cols_spanned = int(attr(cell, "number-columns-spanned", "1") or 1)
                            if rows_spanned > 1 or cols_spanned > 1:
                                merged.append((row + 1, c + 1, row + rows_spanned, c + cols_spanned))
                                extent.merge(*merged[-1])
                        c += span
                    if attr(elem, "visibility") in ("collapse", "filter") and row < MAX_ROWS:
                        hidden_rows.update(range(row + 1, min(row + repeat, MAX_ROWS) + 1))
                    row += repeat
                elem.clear(keep_tail=False)
        except etree.XMLSyntaxError as exc:
            raise SourceError(f"the file's XML is damaged ({exc})") from None
        except (zipfile.BadZipFile, zlib.error, EOFError) as exc:
            raise SourceError(f"the file is damaged ({exc})") from None
    if title is None:
        _pick(names, sheet)  # raises, naming the sheets there are
    assert title is not None
    return title, extent, hidden_rows, hidden_columns, merged


def _read_ods(path: Path, sheet: str | None) -> Grid:
    with _open_package(path, ".ods") as package:
        if "content.xml" not in package.namelist():
            raise SourceError("not a readable .ods file (it has no content.xml)")
        title, extent, hidden_rows, hidden_columns, merged = _scan_ods(package, sheet)
    extent.rectangle()
    return Grid(_calamine_rows(path, title), hidden_rows, hidden_columns, merged, workbook=True)


def _read_xls(path: Path, sheet: str | None) -> Grid:
    import xlrd  # row and column visibility of an .xls (calamine reads its values, not its formatting)

    try:
        book = xlrd.open_workbook(str(path), formatting_info=True, on_demand=True, ragged_rows=True,
                                  logfile=io.StringIO())
    except Exception as exc:  # noqa: BLE001  # a damaged file fails inside xlrd in many ways
        raise SourceError(f"not a readable .xls workbook ({exc})") from None
    try:
        title = _pick(book.sheet_names(), sheet)
        ws = book.sheet_by_name(title)
        if ws.nrows > MAX_ROWS:
            raise _too_many_rows(ws.nrows, "the sheet")
        extent = _Extent()
        for r in range(ws.nrows):
            length = ws.row_len(r)
            if length:
                extent.cell(r + 1, length)
        hidden_rows = {r + 1 for r, info in ws.rowinfo_map.items() if info.hidden}
        hidden_columns = {c + 1 for c, info in ws.colinfo_map.items() if info.hidden}
        merged = [(r1 + 1, c1 + 1, r2, c2) for r1, r2, c1, c2 in ws.merged_cells]
        for m in merged:
            extent.merge(*m)
        extent.rectangle()
    finally:
        book.release_resources()
    return Grid(_calamine_rows(path, title), hidden_rows, hidden_columns, merged, workbook=True)


def _calamine_rows(path: Path, title: str) -> list[tuple[int, list[Any]]]:
    """The values of one sheet, as calamine reads them (its extent was bounded by the caller)."""
    import python_calamine

    try:
        with python_calamine.CalamineWorkbook.from_path(str(path)) as book:
            values = book.get_sheet_by_name(title).to_python(skip_empty_area=False)
    except python_calamine.CalamineError as exc:
        raise SourceError(f"not a readable {path.suffix} workbook ({exc})") from None
    rows = []
    for r, line in enumerate(values, start=1):
        cells = [None if v == "" else clean_text(v) if isinstance(v, str) else v for v in line]
        while cells and cells[-1] is None:
            cells.pop()
        if cells:
            rows.append((r, cells))
    return rows
