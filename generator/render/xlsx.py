"""Excel output: the one module that writes workbooks with openpyxl.

The look comes from the template (templates/xlsx/budget.xlsx): its named cell
styles ("papers title", "papers amount", ...) give every cell's font, fill,
border, alignment and number format, and its two model sheets, "Summary" and
"Paper", give each generated sheet its column widths, row heights (by the style
of a row's first cell), page setup, margins, header/footer and view settings.
The figures come from the validated FinanceTable that the Word tables are drawn
from. openpyxl writes formulas without results, so each formula's result,
computed here from the same Decimals, is written into the saved sheet XML as
its cached value: readers without a calculation engine see the numbers.
"""
from __future__ import annotations

import datetime as dt
import io
import pickle
import re
import warnings
from copy import copy, deepcopy
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from lxml import etree
from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.comments.comment_sheet import CommentRecord
from openpyxl.compat import safe_string
from openpyxl.styles.cell_style import StyleArray
from openpyxl.utils.exceptions import IllegalCharacterError
from openpyxl.chart import BarChart, Reference
from openpyxl.chart._chart import ChartBase
from openpyxl.chart.data_source import AxDataSource, StrRef
from openpyxl.comments import Comment
from openpyxl.packaging.core import DocumentProperties
from openpyxl.utils import column_index_from_string, get_column_letter
from openpyxl.worksheet.pagebreak import Break
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.xml.functions import tostring

from ..errors import TemplateProblem
from ..finance import disagrees, format_amount
from ..model import FinanceTable, Meeting, Paper
from ..write.outputs import fixed_zip

# named cell styles the renderer draws with; the template must define them all
TITLE = "papers title"
SUBTITLE = "papers subtitle"
TABLE_TITLE = "papers table title"
UNITS = "papers units"
HEADER = "papers header"
HEADER_AMOUNT = "papers header amount"
TEXT = "papers text"
AMOUNT = "papers amount"
TOTAL_LABEL = "papers total label"
TOTAL = "papers total"
DISAGREES = "papers disagreement"
REQUIRED_STYLES = (TITLE, SUBTITLE, TABLE_TITLE, UNITS, HEADER, HEADER_AMOUNT, TEXT, AMOUNT, TOTAL_LABEL, TOTAL,
                   DISAGREES)

# model sheets of the template: every generated sheet copies its setup from one of them
SUMMARY = "Summary"
PAPER_MODEL = "Paper"

DEFAULT_TABLE_TITLE = "Financial Information"  # as the Word papers print a finance block without a title
FORBIDDEN_IN_SHEET_NAMES = "[]:*?/\\"
MAX_SHEET_NAME = 31
MAX_CELL_TEXT = 32767
FORMULA_LEADS = ("=", "+", "-", "@", "\t", "\r")  # text a spreadsheet might take for a formula when re-entered

DRAWING_NS = "http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing"
XML_DECLARATION = b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'


def render_workbook(meeting: Meeting, papers: list[Paper], template: Path) -> bytes:
    """The meeting's budget workbook: a sheet per paper with finance blocks, and a Summary."""
    tpl = _Template.fresh(template)
    book = _Book(tpl, {ws.title.lower() for ws in tpl.extra_sheets})
    summary = book.new_sheet(sheet_name(SUMMARY, book.taken), tpl.summary)
    blocks: list[_Block] = []
    for paper in papers:
        tables = paper.finance_tables()
        if tables:
            blocks += book.paper_sheet(paper, tables)
    book.summary_sheet(summary, meeting, blocks)
    if any(b.table.source_rows for b in blocks):
        book.sources_sheet(blocks)
    for extra in tpl.extra_sheets:  # sheets an officer added to the template stay, after ours
        tpl.wb._add_sheet(extra)  # openpyxl has no public way to re-attach a removed sheet
    wb = tpl.wb
    wb.active = 0
    for ws in wb.worksheets:
        ws.sheet_view.tabSelected = ws is summary
    wb.calculation.fullCalcOnLoad = True  # Excel recomputes on open; the cached values serve other readers
    wb.template = False  # a template saved by Excel as .xltx must not make the output one
    stamp = dt.datetime.combine(meeting.date, dt.time(0, 0))
    wb.properties = DocumentProperties(
        title=f"Budget: {meeting.committee} {meeting.long_date}", subject=meeting.committee,
        creator=meeting.committee, lastModifiedBy="papers", description="Budget workbook made by papers from "
        "the finance inputs of the meeting's papers", language="en-GB", created=stamp, modified=stamp)
    return workbook_bytes(wb, stamp, book.grids, book.alt_texts)


def workbook_bytes(wb: Workbook, stamp: dt.datetime, grids: dict[str, "_Grid"] | None = None,
                   alt_texts: dict[str, list[str]] | None = None) -> bytes:
    """Save a workbook deterministically, the cells of the sheets in ``grids`` (sheet -> its cells, each
    formula with its result) written by _sheet_data, and ``alt_texts`` (sheet -> one per chart, in order)
    written into its charts' drawings."""
    entries = _saved(wb, grids or {})
    wb.properties.modified = stamp
    replace = {"docProps/core.xml": tostring(wb.properties.to_tree())}
    parts = dict(entries)
    for title, texts in (alt_texts or {}).items():
        if texts:
            drawing = wb[title]._drawing.path[1:]  # where _saved wrote the sheet's charts' drawing
            replace[drawing] = _with_alt_texts(parts[drawing], texts)
    return fixed_zip(entries, replace)


class _Entries(list[tuple[str, bytes | str]]):
    """What ExcelWriter writes into its zip archive, kept in order to be compressed once, by fixed_zip."""

    def writestr(self, name: str, data: bytes | str) -> None:
        self.append((name, data))

    def namelist(self) -> list[str]:
        return [name for name, _ in self]

    def close(self) -> None:
        pass


def _saved(wb: Workbook, grids: dict[str, "_Grid"]) -> _Entries:
    """What ``wb.save()`` writes, as entries in memory: openpyxl writes each worksheet to a temporary file and
    deletes it (a third of the time of saving a meeting's workbook), and compresses every entry, which
    fixed_zip does once, afterwards (with core.xml, whose `modified` openpyxl would stamp with the time,
    rewritten). Same entries, in the same order.

    The cells of a sheet in ``grids`` are written by _sheet_data, not by openpyxl (which builds each cell's
    XML in Python, element by element): the same XML, with each formula's result in it, as lxml writes it."""
    from openpyxl.drawing.spreadsheet_drawing import SpreadsheetDrawing
    from openpyxl.worksheet._writer import WorksheetWriter
    from openpyxl.worksheet.dimensions import SheetDimension
    from openpyxl.writer.excel import ExcelWriter

    class GridWriter(WorksheetWriter):  # type: ignore[misc]
        """openpyxl's writer for all but the cells, which it leaves out (an empty sheetData)."""

        def __init__(self, ws: Worksheet, grid: _Grid) -> None:
            self.grid = grid
            super().__init__(ws, out=io.BytesIO())

        def write_dimensions(self) -> None:
            self.xf.send(SheetDimension(self.grid.dimension()).to_tree())

        def write_rows(self) -> None:
            xf = self.xf.send(True)
            with xf.element("sheetData"):
                pass
            self.xf.send(None)
            self.ws._comments = self.grid.comments(self.ws)  # as openpyxl's write_rows collects them

    class Writer(ExcelWriter):  # type: ignore[misc]
        def write_worksheet(self, ws: Worksheet) -> None:
            if self.workbook.write_only:  # pragma: no cover - not a mode the renderer uses
                return super().write_worksheet(ws)
            ws._drawing = SpreadsheetDrawing()  # as ExcelWriter.write_worksheet, but into memory
            ws._drawing.charts = ws._charts
            ws._drawing.images = ws._images
            grid = grids.get(ws.title)
            writer = WorksheetWriter(ws, out=io.BytesIO()) if grid is None else GridWriter(ws, grid)
            writer.write()
            ws._rels = writer._rels
            xml = writer.read()
            if grid is not None:  # as lxml writes the rest of the sheet (openpyxl's own XML is not what lxml writes)
                rest = etree.tostring(etree.fromstring(xml), encoding="UTF-8", xml_declaration=False)
                xml = XML_DECLARATION + _spliced(rest, _sheet_data(ws, grid))
            self._archive.writestr(ws.path[1:], xml)
            self.manifest.append(ws)

        def _write_charts(self) -> None:  # as ExcelWriter's, with the XML of the charts made beforehand
            if len(self._charts) != len(set(self._charts)):  # pragma: no cover - ours are made once each
                raise ValueError("The same chart cannot be used in more than one worksheet")
            for chart in self._charts:
                xml = chart.xml if isinstance(chart, _ChartXML) else tostring(chart._write())
                self._archive.writestr(chart.path[1:], xml)
                self.manifest.append(chart)

    entries = _Entries()
    Writer(wb, entries).save()
    return entries


def sheet_name(base: str, taken: set[str]) -> str:
    """A valid, unique (case-insensitively, against ``taken``) Excel sheet name made from ``base``."""
    name = "".join(c for c in base if c not in FORBIDDEN_IN_SHEET_NAMES and c.isprintable())
    name = name.strip().strip("'").strip() or "Paper"
    if name.lower() == "history":  # reserved by Excel
        name = "History (paper)"
    candidate, n = _clip(name, MAX_SHEET_NAME).rstrip().rstrip("'"), 1
    while candidate.lower() in taken:
        n += 1
        suffix = f" ({n})"
        candidate = _clip(name, MAX_SHEET_NAME - len(suffix)).rstrip().rstrip("'") + suffix
    taken.add(candidate.lower())
    return candidate


def _clip(text: str, limit: int) -> str:
    """At most ``limit`` UTF-16 code units (Excel counts in those), never splitting a character."""
    out, used = [], 0
    for ch in text:
        used += 2 if ord(ch) > 0xFFFF else 1
        if used > limit:
            break
        out.append(ch)
    return "".join(out)


# -- the template ---------------------------------------------------------------------

def open_template(blob: bytes) -> Workbook:
    """The workbook template, as the renderer reads it (openpyxl's exceptions pass through)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # e.g. "DrawingML support is incomplete": not ours to report
        return load_workbook(io.BytesIO(blob), rich_text=False)


def missing_parts(wb: Workbook) -> tuple[list[str], list[str]]:
    """The model sheets and the named cell styles the renderer needs that a template lacks."""
    return ([s for s in (SUMMARY, PAPER_MODEL) if s not in wb.sheetnames],
            [s for s in REQUIRED_STYLES if s not in wb.named_styles])


@dataclass
class _Template:
    wb: Workbook
    summary: Worksheet  # model sheets, detached from the workbook
    paper: Worksheet
    extra_sheets: list[Worksheet]
    styles: dict[str, object]  # named style -> the style array its cells get

    @classmethod
    def fresh(cls, path: Path) -> "_Template":
        """A template of its own for one workbook (rendering changes it), read and checked once per process
        and content: unpickling the checked template is a thirtieth of the time of parsing the file again."""
        try:
            blob = path.read_bytes()
        except OSError as exc:
            raise TemplateProblem(f"{path.name}: cannot read the template ({exc.strerror})") from None
        key = str(path.resolve())
        kept = _PARSED.get(key)
        if kept is None or kept[0] != blob:
            kept = _PARSED[key] = (blob, pickle.dumps(cls.load(path, blob), pickle.HIGHEST_PROTOCOL))
        return pickle.loads(kept[1])  # a problem raised above is raised again on the next call: not kept

    @classmethod
    def load(cls, path: Path, blob: bytes) -> "_Template":
        """Parse and check the template's bytes; every problem is a TemplateProblem naming it."""
        try:
            wb = open_template(blob)
        except Exception as exc:  # noqa: BLE001  # a damaged file fails inside openpyxl in many ways
            raise TemplateProblem(f"{path.name}: not a usable Excel workbook ({exc})") from None
        missing_sheets, missing_styles = missing_parts(wb)
        if missing_sheets or missing_styles:
            parts = []
            if missing_sheets:
                parts.append("the model sheet" + ("s " if len(missing_sheets) > 1 else " ")
                             + ", ".join(repr(s) for s in missing_sheets))
            if missing_styles:
                parts.append("the cell style" + ("s " if len(missing_styles) > 1 else " ")
                             + ", ".join(repr(s) for s in missing_styles))
            raise TemplateProblem(f"{path.name}: the template lacks {' and '.join(parts)}")
        summary, paper = wb[SUMMARY], wb[PAPER_MODEL]
        styles = {}
        for name in REQUIRED_STYLES:
            probe = Cell(paper)
            probe.style = name
            styles[name] = probe._style
        extra = [ws for ws in wb.worksheets if ws not in (summary, paper)]
        for ws in list(wb._sheets):
            wb.remove(ws)  # the detached model sheets keep their settings; their styles stay in the workbook
        for name, defined in list(wb.defined_names.items()):
            text = defined.attr_text or ""
            if any(f"{sheet}!" in text or f"'{sheet}'!" in text for sheet in (SUMMARY, PAPER_MODEL)):
                del wb.defined_names[name]  # it would point at a removed model sheet (or at our Summary)
        return cls(wb, summary, paper, [ws for ws in extra if isinstance(ws, Worksheet)], styles)


def _column_widths(model: Worksheet) -> dict[int, float]:
    widths: dict[int, float] = {}
    for dim in model.column_dimensions.values():
        if dim.width and dim.customWidth and dim.min is not None:
            for col in range(dim.min, (dim.max or dim.min) + 1):
                widths[col] = dim.width
    return widths


def _row_heights(model: Worksheet, styles: dict[str, object]) -> dict[str, float]:
    """Row height by the named style of the row's first cell (e.g. a taller header row)."""
    heights: dict[str, float] = {}
    for row in model.iter_rows(max_col=1):
        cell = row[0]
        height = model.row_dimensions[cell.row].height if cell.row in model.row_dimensions else None
        name = _style_of(cell, styles)
        if height and name is not None and name not in heights:
            heights[name] = height
    return heights


def _style_of(cell: Cell, styles: dict[str, object]) -> str | None:
    """Which of our named styles a model sheet's cell has, judged by its look first.

    openpyxl misnumbers the named styles of a file saved by LibreOffice (whose
    cellStyleXfs hold unnamed entries), so ``cell.style`` may be wrong or fail there.
    """
    if not cell.has_style:
        return None
    look = tuple(cell._style)[:-1]  # everything but xfId
    for name, array in styles.items():
        if tuple(array)[:-1] == look:  # type: ignore[call-overload]
            return name
    try:
        name = cell.style
    except IndexError:
        return None
    return name if name in styles else None


def _copy_setup(ws: Worksheet, model: Worksheet, kept: dict[int, bytes]) -> None:
    """Everything about a sheet that is not its cells: print setup, margins, view, default sizes. ``kept``
    holds each model's copied parts pickled (unpickling them is several times faster than copying again)."""
    if id(model) not in kept:
        props = deepcopy(model.sheet_properties)
        props.codeName = None  # VBA code names must be unique per sheet
        kept[id(model)] = pickle.dumps((model.sheet_format, props, model.page_margins, model.print_options,
                                        model.HeaderFooter), pickle.HIGHEST_PROTOCOL)
    ws.sheet_format, ws.sheet_properties, ws.page_margins, ws.print_options, ws.HeaderFooter = pickle.loads(
        kept[id(model)])
    for attr in model.page_setup.__attrs__:
        setattr(ws.page_setup, attr, getattr(model.page_setup, attr))
    view, source = ws.sheet_view, model.sheet_view
    for attr in ("showGridLines", "showRowColHeaders", "showZeros", "rightToLeft", "showRuler",
                 "showOutlineSymbols", "defaultGridColor", "showWhiteSpace", "view", "colorId", "zoomScale",
                 "zoomScaleNormal", "zoomScalePageLayoutView", "zoomScaleSheetLayoutView"):
        setattr(view, attr, getattr(source, attr))


_PARSED: dict[str, tuple[bytes, bytes]] = {}  # template path -> its bytes, and the checked _Template pickled


# -- writing the workbook ---------------------------------------------------------------

@dataclass
class _Block:
    """Where a finance block landed, for the Summary's formulas."""

    paper: Paper
    table: FinanceTable
    sheet: str
    columns: dict[str, str]  # key -> column letter
    first: int  # first and last service rows (first > last when there are none)
    last: int
    total_row: int | None
    top: int = 0  # the block's title row


@dataclass(slots=True)
class _Cell:
    """A cell of a generated sheet, held as openpyxl's Cell would hold it (its value, data type and style
    array), with a formula's computed result: _sheet_data writes it."""

    value: Any  # str, int, float or None; a formula is "=" and its text, as openpyxl keeps one
    kind: str  # openpyxl's data type: "s" text, "n" a number or nothing, "f" a formula
    style: StyleArray  # shared by the cells of a look: never changed once cells have it
    result: Decimal = Decimal(0)  # a formula's
    comment: Comment | None = None


class _Grid(dict[tuple[int, int], _Cell]):
    """The cells of a generated sheet by (row, column), in the order they were made."""

    def dimension(self) -> str:
        """The range the cells span, as Worksheet.calculate_dimension gives it."""
        if not self:
            return "A1:A1"
        rows = {r for r, _ in self}
        cols = {c for _, c in self}
        return f"{get_column_letter(min(cols))}{min(rows)}:{get_column_letter(max(cols))}{max(rows)}"

    def comments(self, ws: Worksheet) -> list[CommentRecord]:
        """The comments of the cells, row by row, as openpyxl's worksheet writer collects them."""
        records = []
        for (row, col), cell in sorted(self.items()):
            if cell.comment is not None:
                probe = Cell(ws, row=row, column=col)
                probe.comment = cell.comment
                records.append(CommentRecord.from_cell(probe))
        return records


@dataclass
class _Book:
    tpl: _Template
    taken: set[str] = field(default_factory=set)
    grids: dict[str, _Grid] = field(default_factory=dict)  # sheet -> its cells
    alt_texts: dict[str, list[str]] = field(default_factory=dict)  # sheet -> title, description per chart
    formats: dict[tuple[str, str], StyleArray] = field(default_factory=dict)  # (style, number format) -> its array
    quoted: dict[str, StyleArray] = field(default_factory=dict)  # style -> its array with a quote prefix
    setups: dict[int, bytes] = field(default_factory=dict)  # see _copy_setup

    def new_sheet(self, title: str, model: Worksheet) -> Worksheet:
        ws = self.tpl.wb.create_sheet(title)
        _copy_setup(ws, model, self.setups)
        self.grids[title] = _Grid()
        return ws

    # cells: every text is forced to a string, every formula records its result
    def text(self, ws: Worksheet, row: int, col: int, value: str, style: str) -> _Cell:
        value = ILLEGAL_CHARACTERS_RE.sub("\ufffd", value)[:MAX_CELL_TEXT]
        if not value:  # a styled empty cell (an empty inline string is not worth the risk)
            cell = self.grids[ws.title][row, col] = _Cell(None, "n", self.tpl.styles[style])
            return cell
        look = self.tpl.styles[style]
        if value.startswith(FORMULA_LEADS):  # Excel then keeps it text when someone edits the cell
            if style not in self.quoted:
                self.quoted[style] = copy(look)
                self.quoted[style].quotePrefix = 1
            look = self.quoted[style]
        cell = self.grids[ws.title][row, col] = _Cell(value, "s", look)  # never a formula, whatever it starts with
        return cell

    def look(self, ws: Worksheet, style: str, fmt: str | None) -> StyleArray:
        """The style array of a named style, with another number format when ``fmt`` is given (made once:
        a Sources sheet may hold a hundred thousand such cells)."""
        if fmt is None:
            return self.tpl.styles[style]
        if (style, fmt) not in self.formats:
            probe = Cell(ws)
            probe._style = copy(self.tpl.styles[style])
            probe.number_format = fmt
            self.formats[style, fmt] = probe._style
        return self.formats[style, fmt]

    def number(self, ws: Worksheet, row: int, col: int, value: Decimal, style: str, fmt: str | None = None) -> _Cell:
        cell = self.grids[ws.title][row, col] = _Cell(_number(value), "n", self.look(ws, style, fmt))
        return cell

    def formula(self, ws: Worksheet, row: int, col: int, formula: str, result: Decimal, style: str,
                fmt: str | None = None) -> _Cell:
        text = ("=" + formula)[:MAX_CELL_TEXT]  # as openpyxl's Cell takes a formula
        if ILLEGAL_CHARACTERS_RE.search(text):  # pragma: no cover - formulas are made of names we cleaned
            raise IllegalCharacterError(f"{text} cannot be used in worksheets.")
        cell = self.grids[ws.title][row, col] = _Cell(text, "f", self.look(ws, style, fmt), result)
        return cell

    def paper_sheet(self, paper: Paper, tables: list[FinanceTable]) -> list[_Block]:
        """A sheet holding each finance block of a paper as its own table."""
        model = self.tpl.paper
        ws = self.new_sheet(sheet_name(paper.stem, self.taken), model)
        heights = _row_heights(model, self.tpl.styles)
        self.text(ws, 1, 1, _paper_heading(paper), TITLE)
        self.text(ws, 2, 1, f"{paper.meeting.committee}, {paper.meeting.long_date}", SUBTITLE)
        blocks, row = [], 4
        for table in tables:
            block = self._block(ws, paper, table, row)
            blocks.append(block)
            row = (block.total_row or block.last) + 2  # one empty row between tables
        width = 1 + max(len(t.columns) for t in tables)
        grid = self.grids[ws.title]
        _apply_sizes(ws, grid, model, width, heights, self.tpl.styles)
        _fit_rows(ws, grid)
        _keep_blocks_on_a_page(ws, grid, [(b.top, b.first + min(3, b.last - b.first + 1) - 1) for b in blocks],
                               2 if len(blocks) > 1 else blocks[0].first - 1)
        for block in blocks:
            self.chart(ws, block, width + 2)
        header = blocks[0].first - 1
        # one block: its header stays in view and repeats on every printed page; with more
        # blocks the first one's header would mislabel the others, so only the paper heading does
        if len(blocks) == 1:
            ws.freeze_panes = f"B{header + 1}"
            ws.print_title_rows = f"1:{header}"
        else:
            ws.freeze_panes = "A3"
            ws.print_title_rows = "1:2"
        return blocks

    def _block(self, ws: Worksheet, paper: Paper, table: FinanceTable, top: int) -> _Block:
        self.text(ws, top, 1, table.title or DEFAULT_TABLE_TITLE, TABLE_TITLE)
        if table.units:
            self.text(ws, top + 1, 1, f"Figures in {table.units}", UNITS)
        header = top + 2
        self.text(ws, header, 1, table.label, HEADER)
        letters = {}
        for i, (key, label) in enumerate(table.columns, start=2):
            self.text(ws, header, i, label, HEADER_AMOUNT)
            letters[key] = get_column_letter(i)
        first = header + 1
        for r, row in enumerate(table.rows, start=first):
            self.text(ws, r, 1, row.service, TEXT)
            for i, key in enumerate(table.keys, start=2):
                value = row.values[key]
                if key == "variance" and "budget" in letters and "forecast" in letters:
                    computed = row.values["forecast"] - row.values["budget"]
                    if value == computed:  # computed, or stated and agreeing: a live formula
                        self.formula(ws, r, i, f"{letters['forecast']}{r}-{letters['budget']}{r}", value, AMOUNT)
                        continue
                    # a stated figure that differs is printed in the paper: keep it, flag a real disagreement
                    if disagrees(value, computed):
                        cell = self.number(ws, r, i, value, DISAGREES)
                        cell.comment = _comment(
                            f"Variance stated {format_amount(value)}, computed {format_amount(computed)} "
                            f"(forecast {format_amount(row.values['forecast'])} - budget "
                            f"{format_amount(row.values['budget'])}). The stated figure is kept, as in the paper.")
                        continue
                self.number(ws, r, i, value, AMOUNT)
        last = first + len(table.rows) - 1
        total_row = None
        if table.has_total_row:
            total_row = last + 1
            self.text(ws, total_row, 1, "Total", TOTAL_LABEL)
            for i, key in enumerate(table.keys, start=2):
                total = table.column_total(key)
                if table.rows:
                    col = letters[key]
                    cell = self.formula(ws, total_row, i, f"SUM({col}{first}:{col}{last})", total, TOTAL)
                else:
                    cell = self.number(ws, total_row, i, total, TOTAL)
                stated = (table.stated_total or {}).get(key)
                if stated is not None and disagrees(stated, total):
                    cell.comment = _comment(f"Total stated {format_amount(stated)}, the rows sum to "
                                            f"{format_amount(total)}.")
        return _Block(paper, table, ws.title, letters, first, last, total_row, top)

    def chart(self, ws: Worksheet, block: _Block, column: int) -> None:
        """Budget against forecast by service, clustered bars beside the block's table (when it has both)."""
        table = block.table
        keys = [k for k in ("budget", "forecast") if k in block.columns]
        if len(keys) < 2 or block.first > block.last:
            return
        title = table.title or DEFAULT_TABLE_TITLE
        spec = _Bars(f"{title}: budget against forecast", table.label, table.units or "Amount",
                     tuple((column_index_from_string(block.columns[key]), block.first - 1, block.last)
                           for key in keys),
                     (1, block.first, block.last), True)
        # horizontal bars: service names read across, however many
        name = _add_bars(ws, spec, f"{get_column_letter(column)}{block.top}",
                         16, max(7.5, 0.9 * (block.last - block.first + 1) + 3.5))  # cm
        labels = dict(table.columns)
        self.alt_texts.setdefault(ws.title, []).append(name)
        self.alt_texts[ws.title].append(
            f"Bar chart: {labels['budget']} and {labels['forecast']} by {table.label.lower()}, "
            f"{table.units or 'amounts'}, from the table '{title}' beside it: "
            + "; ".join(f"{r.service} {format_amount(r.values['budget'])} and {format_amount(r.values['forecast'])}"
                        for r in table.rows[:12]) + ("; ..." if len(table.rows) > 12 else ""))

    def summary_sheet(self, ws: Worksheet, meeting: Meeting, blocks: list[_Block]) -> None:
        """One row per finance block with its totals as cross-sheet formulas, and grand totals per units."""
        model = self.tpl.summary
        heights = _row_heights(model, self.tpl.styles)
        keys: list[str] = []
        labels: dict[str, list[str]] = {}
        for block in blocks:
            for key, label in block.table.columns:
                if key not in keys:
                    keys.append(key)
                if label not in labels.setdefault(key, []):
                    labels[key].append(label)
        self.text(ws, 1, 1, "Budget summary", TITLE)
        self.text(ws, 2, 1, f"{meeting.committee}, {meeting.long_date}", SUBTITLE)
        header = 4
        for col, label in enumerate(["Paper", "Table", "Units"], start=1):
            self.text(ws, header, col, label, HEADER)
        first_money = 4
        for i, key in enumerate(keys, start=first_money):
            self.text(ws, header, i, " / ".join(labels[key]), HEADER_AMOUNT)
        groups: dict[str, list[tuple[int, _Block]]] = {}
        row = header
        names = _block_names(blocks)
        for row, block in enumerate(blocks, start=header + 1):
            table = block.table
            self.text(ws, row, 1, _paper_heading(block.paper), TEXT)
            self.text(ws, row, 2, names[row - header - 1], TEXT)
            self.text(ws, row, 3, table.units, TEXT)
            groups.setdefault(table.units, []).append((row, block))
            sheet = _quoted(block.sheet)
            for i, key in enumerate(keys, start=first_money):
                if key not in block.columns:
                    self.text(ws, row, i, "", AMOUNT)  # this table has no such column: a styled blank
                    continue
                col = block.columns[key]
                total = table.column_total(key)
                if block.total_row is not None:
                    self.formula(ws, row, i, f"{sheet}!{col}{block.total_row}", total, AMOUNT)
                elif block.first <= block.last:
                    self.formula(ws, row, i, f"SUM({sheet}!{col}{block.first}:{col}{block.last})", total, AMOUNT)
                else:
                    self.number(ws, row, i, total, AMOUNT)
        # figures in different units cannot be added up: one grand total per units
        for units, members in groups.items():
            row += 1
            self.text(ws, row, 1, "Grand total" if len(groups) == 1 else f"Grand total ({units})", TOTAL_LABEL)
            for col in (2, 3):
                self.text(ws, row, col, units if col == 3 else "", TOTAL_LABEL)
            for i, key in enumerate(keys, start=first_money):
                rows = [r for r, b in members if key in b.columns]
                if not rows:
                    self.text(ws, row, i, "", TOTAL)
                    continue
                letter = get_column_letter(i)
                value = sum((b.table.column_total(key) for _, b in members if key in b.columns), Decimal(0))
                self.formula(ws, row, i, _sum_of(letter, rows), value, TOTAL)
        width = max(3, first_money - 1 + len(keys))
        _apply_sizes(ws, self.grids[ws.title], model, width, heights, self.tpl.styles)
        _fit_rows(ws, self.grids[ws.title])
        ws.freeze_panes = f"A{header + 1}"
        ws.print_title_rows = f"1:{header}"
        if "variance" in keys and len(groups) == 1 and blocks:
            self.summary_chart(ws, blocks, header, first_money + keys.index("variance"), width + 2)

    def summary_chart(self, ws: Worksheet, blocks: list[_Block], header: int, column: int, at: int) -> None:
        """Variance by paper (by table when a paper has several), bars below the Summary's table's right."""
        last = header + len(blocks)
        several = len({id(b.paper) for b in blocks}) < len(blocks)
        spec = _Bars("Variance by paper", "Table" if several else "Paper",
                     f"Variance, {blocks[0].table.units}" if blocks[0].table.units else "Variance",
                     ((column, header, last),), (2 if several else 1, header + 1, last), False)  # one series: no legend
        name = _add_bars(ws, spec, f"{get_column_letter(at)}{header}", 16, max(6.0, 1.2 * len(blocks) + 3))
        names = _block_names(blocks)
        self.alt_texts.setdefault(ws.title, []).append(name)
        self.alt_texts[ws.title].append(
            "Bar chart: the variance of each " + ("table" if several else "paper") + " in the summary table beside "
            "it: " + "; ".join(f"{names[i] if several else _paper_heading(b.paper)} "
                               f"{format_amount(b.table.column_total('variance'))}"
                               for i, b in enumerate(blocks) if "variance" in b.columns))

    def sources_sheet(self, blocks: list[_Block]) -> None:
        """Every row read from a finance export, the service it went into, and per table row the unrounded sum
        (SUMIF over those rows), the printed figure (from the paper's sheet) and the rounding adjustment."""
        ws = self.new_sheet(sheet_name("Sources", self.taken), self.tpl.paper)
        self.text(ws, 1, 1, "Sources: the rows of the finance exports", TITLE)
        self.text(ws, 2, 1, "Every row read from each export, the service it was summed into, and how each "
                            "printed figure was rounded", SUBTITLE)
        row, width, services = 4, 3, set()
        for block in blocks:
            if block.table.source_rows:
                row, used = self._source_block(ws, block, row)
                width = max(width, used)
                services.add(4 + len([k for k in block.table.keys if k in block.table.source_rows[0].amounts]))
                row += 2
        for col in range(1, width + 1):
            ws.column_dimensions[get_column_letter(col)].width = {1: 10, 2: 12, 3: 34}.get(col, 15)
        for col in services:
            ws.column_dimensions[get_column_letter(col)].width = 26
        _fit_rows(ws, self.grids[ws.title])
        ws.freeze_panes = "A3"
        ws.print_title_rows = "1:2"

    def _source_block(self, ws: Worksheet, block: _Block, top: int) -> tuple[int, int]:
        """One export's rows and its reconciliation, from row ``top``; (the last row written, columns used)."""
        table = block.table
        labels = dict(table.columns)
        exported = [k for k in table.keys if k in table.source_rows[0].amounts]
        self.text(ws, top, 1, f"{_paper_heading(block.paper)}: {table.title or DEFAULT_TABLE_TITLE} "
                              f"(from {table.source})", TABLE_TITLE)
        rule = (f"the table divides them by {table.scale:,} and rounds each column so that its rows add up to its "
                "total (largest remainder)" if table.scale else "the table prints them as they are")
        self.text(ws, top + 1, 1, f"Amounts as exported; {rule}"
                                  + (f"; services from {table.group}" if table.group else ""), UNITS)
        header = top + 2
        heads = ["Row", "Code", "Label"] + [labels[k] for k in exported] + ["Service", "Table row"]
        for col, text in enumerate(heads, start=1):
            self.text(ws, header, col, text, HEADER if col in (1, 2, 3, len(heads) - 1) else HEADER_AMOUNT)
        positions = {}
        for i, r in enumerate(table.rows, start=1):
            positions.setdefault(r.service, i)
        first = header + 1
        pence = "#,##0.00;(#,##0.00);0"
        for n, source in enumerate(table.source_rows, start=first):
            self.number(ws, n, 1, Decimal(source.row), TEXT)
            self.text(ws, n, 2, source.code, TEXT)
            self.text(ws, n, 3, source.label, TEXT)
            for col, key in enumerate(exported, start=4):
                self.number(ws, n, col, source.amounts[key], AMOUNT, pence)
            self.text(ws, n, 4 + len(exported), source.service, TEXT)
            self.number(ws, n, 5 + len(exported), Decimal(positions[source.service]), AMOUNT)
        last = first + len(table.source_rows) - 1
        row_col = get_column_letter(5 + len(exported))
        # the reconciliation: per table row, unrounded / printed / adjustment for each money column
        recon = last + 2
        self.text(ws, recon, 1, "Table row", HEADER)
        self.text(ws, recon, 2, "", HEADER)
        self.text(ws, recon, 3, "Service", HEADER)
        digits = 2 + len(str(table.scale or 1)) - 1
        exact = "#,##0." + "0" * digits + ";(#,##0." + "0" * digits + ");0"
        columns: dict[str, tuple[int, int, int]] = {}
        col = 4
        for key in table.keys:
            columns[key] = (col, col + 1, col + 2)
            for offset, what in enumerate(("unrounded", "printed", "rounding adjustment")):
                self.text(ws, recon, col + offset, f"{labels[key]}: {what}", HEADER_AMOUNT)
            col += 3
        divide = f"/{table.scale}" if table.scale else ""
        for i, frow in enumerate(table.rows):
            r = recon + 1 + i
            self.number(ws, r, 1, Decimal(i + 1), TEXT)
            self.text(ws, r, 2, "", TEXT)
            self.text(ws, r, 3, frow.service, TEXT)
            unrounded = frow.unrounded if frow.unrounded is not None else frow.values
            for key, (u, pr, adj) in columns.items():
                u_l, pr_l = get_column_letter(u), get_column_letter(pr)
                if key in exported:
                    amount = get_column_letter(4 + exported.index(key))
                    formula = (f"SUMIF(${row_col}${first}:${row_col}${last},$A{r},"
                               f"{amount}${first}:{amount}${last}){divide}")
                else:  # a computed variance
                    fu, bu = (get_column_letter(columns[k][0]) for k in ("forecast", "budget"))
                    formula = f"{fu}{r}-{bu}{r}"
                self.formula(ws, r, u, formula, unrounded[key], AMOUNT, exact)
                self.formula(ws, r, pr, f"{_quoted(block.sheet)}!{block.columns[key]}{block.first + i}",
                             frow.values[key], AMOUNT)
                self.formula(ws, r, adj, f"{pr_l}{r}-{u_l}{r}", frow.values[key] - unrounded[key], AMOUNT,
                             exact)
        total = recon + 1 + len(table.rows)
        self.text(ws, total, 1, "Total", TOTAL_LABEL)
        self.text(ws, total, 2, "", TOTAL_LABEL)
        self.text(ws, total, 3, "", TOTAL_LABEL)
        for key, cols in columns.items():
            values = [sum(((r.unrounded if r.unrounded is not None else r.values)[key] for r in table.rows),
                          Decimal(0)), table.column_total(key)]
            values.append(values[1] - values[0])
            for c, value in zip(cols, values):
                letter = get_column_letter(c)
                self.formula(ws, total, c, f"SUM({letter}{recon + 1}:{letter}{total - 1})" if table.rows else "0",
                             value, TOTAL, exact if c != cols[1] else None)
        return total, max(5 + len(exported), col - 1)


def _block_names(blocks: list[_Block]) -> list[str]:
    """What the Summary calls each block: its title, after the section it stands in, and which of its paper's
    tables it is when that still leaves two alike."""
    names = []
    for b in blocks:
        title = b.table.title or DEFAULT_TABLE_TITLE
        context = (b.table.context or "").strip()
        names.append(f"{context}: {title}" if context and context.casefold() != title.casefold() else title)
    plain = list(names)
    for i, b in enumerate(blocks):
        if sum(1 for j, o in enumerate(blocks) if o.paper is b.paper and plain[j] == plain[i]) > 1:
            mine = [j for j, o in enumerate(blocks) if o.paper is b.paper]
            names[i] += f" (table {mine.index(i) + 1} of {len(mine)}, row {b.top} of its sheet)"
    return names


def _paper_heading(paper: Paper) -> str:
    return f"Item {paper.item}: {paper.title}" if paper.item else paper.title


def _quoted(sheet: str) -> str:
    """A sheet name as formulas refer to it: always quoted, quotes doubled."""
    return "'" + sheet.replace("'", "''") + "'"


def _sum_of(letter: str, rows: list[int]) -> str:
    """SUM of the given rows of one column: a range when they are contiguous."""
    if rows == list(range(rows[0], rows[-1] + 1)):
        return f"SUM({letter}{rows[0]}:{letter}{rows[-1]})"
    refs = [f"{letter}{r}" for r in rows]
    chunks = [refs[i:i + 255] for i in range(0, len(refs), 255)]  # Excel takes at most 255 arguments
    return "+".join(f"SUM({','.join(c)})" for c in chunks)


def _apply_sizes(ws: Worksheet, grid: _Grid, model: Worksheet, width: int, heights: dict[str, float],
                 styles: dict[str, object]) -> None:
    """Column widths from the model sheet (its last one for further columns), row heights by style."""
    widths = _column_widths(model)
    last = max(widths) if widths else None
    for col in range(1, max(width, max(widths, default=0)) + 1):
        value = widths.get(col, widths[last] if last is not None and col > last else None)
        if value is not None:
            ws.column_dimensions[get_column_letter(col)].width = value
    if heights:
        names: dict[int, str | None] = {}  # id of a style array -> its named style
        for (row, col), cell in grid.items():
            if col != 1:
                continue
            if id(cell.style) not in names:
                probe = Cell(ws)
                probe._style = cell.style
                names[id(cell.style)] = _style_of(probe, styles)
            name = names[id(cell.style)]
            if name in heights:
                ws.row_dimensions[row].height = heights[name]


LINE_HEIGHT = 12.75  # points per line of 10 pt text, as Excel sets a row of it
CHARS_PER_WIDTH = 1.3  # characters of 10 pt Arial per unit of column width (a "0" of the default font), erring
# on the narrow side: a row a little too tall is better than text printed over the row below


def _lines(text: str, width: float) -> int:
    """Lines a wrapped cell's text takes in a column ``width`` wide (greedy word wrap, long words broken)."""
    per_line = max(1, int(width * CHARS_PER_WIDTH))
    lines = 0
    for paragraph in text.split("\n"):
        used = 0
        lines += 1
        for word in paragraph.split():
            while len(word) > per_line:  # a word longer than the column breaks over lines
                if used:
                    lines += 1
                lines, used, word = lines + 1, 0, word[per_line:]
            need = len(word) + (1 if used else 0)
            if used + need > per_line:
                lines, used = lines + 1, len(word)
            else:
                used += need
    return max(1, lines)


def _fit_rows(ws: Worksheet, grid: _Grid) -> None:
    """Rows tall enough for their wrapped text (labels, headers): never lower than the model's height."""
    widths: dict[int, float] = {}
    needed: dict[int, float] = {}
    default = ws.sheet_format.defaultRowHeight or LINE_HEIGHT
    looks: dict[tuple[int, int], float | None] = {}  # (alignment, font) -> text size / 10 when it wraps
    for (row, col), cell in grid.items():
        if not isinstance(cell.value, str):
            continue
        look = (cell.style.alignmentId, cell.style.fontId)
        if look not in looks:  # a style's alignment and font are looked up once, not per cell
            probe = Cell(ws)
            probe._style = cell.style
            looks[look] = (probe.font.sz or 10) / 10 if probe.alignment.wrap_text else None
        size = looks[look]
        if size is None:
            continue
        if col not in widths:
            widths[col] = ws.column_dimensions[get_column_letter(col)].width or 8.43
        height = _lines(cell.value, widths[col] / size) * LINE_HEIGHT * size + 2
        needed[row] = max(needed.get(row, 0), height)
    for row, height in needed.items():
        current = ws.row_dimensions[row].height or default
        if height > current:
            ws.row_dimensions[row].height = round(height, 2)


A4_POINTS = (595.0, 842.0)  # width, height in portrait


def _keep_blocks_on_a_page(ws: Worksheet, grid: _Grid, spans: list[tuple[int, int]], title_rows: int) -> None:
    """A page break before a block whose title, header and first rows would otherwise be split over two
    pages (``spans``: each block's title row and the last row that must stay with it). Pages are measured as
    printed: A4 in the sheet's orientation, its margins, fitted to the width of its columns."""
    width, height = A4_POINTS if ws.page_setup.orientation != "landscape" else A4_POINTS[::-1]
    margins = ws.page_margins
    printable_w = width - ((margins.left or 0.7) + (margins.right or 0.7)) * 72
    printable_h = height - ((margins.top or 0.75) + (margins.bottom or 0.75)) * 72
    used_cols = max((c for _, c in grid), default=1)
    sheet_w = sum(((ws.column_dimensions[get_column_letter(c)].width or 8.43) * 7 + 5) * 0.75
                  for c in range(1, used_cols + 1))
    scale = min(1.0, printable_w / sheet_w) if ws.sheet_properties.pageSetUpPr.fitToPage else 1.0
    page = printable_h / scale  # in the sheet's own points
    default = ws.sheet_format.defaultRowHeight or LINE_HEIGHT

    def h(row: int) -> float:
        return ws.row_dimensions[row].height or default

    repeated = sum(h(r) for r in range(1, title_rows + 1))
    starts = dict(spans)
    y = 0.0
    last = max((r for r, _ in grid), default=0)
    for row in range(1, last + 1):
        if row in starts and y > repeated:
            keep = sum(h(r) for r in range(row, starts[row] + 1))
            if y + keep > page:
                ws.row_breaks.append(Break(id=row - 1))
                y = repeated
        y += h(row)
        if y > page:
            y = repeated + h(row)


@dataclass(frozen=True)
class _Bars:
    """A clustered horizontal bar chart of a sheet's columns: what chart() and summary_chart() draw."""

    title: str
    x_title: str
    y_title: str
    data: tuple[tuple[int, int, int], ...]  # per series: column, its header row, its last row
    categories: tuple[int, int, int]  # column, first and last row of the category labels
    legend: bool  # at the bottom; none for one series, which the title names

    def chart(self, ws: Worksheet) -> BarChart:
        """The chart as openpyxl's objects."""
        chart = BarChart()
        chart.type, chart.grouping = "bar", "clustered"
        chart.title = self.title
        chart.x_axis.title = self.x_title
        chart.y_axis.title = self.y_title
        for col, header, last in self.data:
            chart.add_data(Reference(ws, min_col=col, min_row=header, max_row=last), titles_from_data=True)
        col, first, last = self.categories
        _text_categories(chart, Reference(ws, min_col=col, min_row=first, max_row=last))
        chart.x_axis.delete = chart.y_axis.delete = False  # openpyxl 3.1 hides both axes by default
        if self.legend:
            chart.legend.position = "b"
        else:
            chart.legend = None
        return chart

    def refs(self, ws: Worksheet) -> dict[str, str]:
        """What the chart's XML refers to, as openpyxl's add_data and _text_categories write it."""
        found = {}
        for i, (col, header, last) in enumerate(self.data):
            values = Reference(ws, min_col=col, min_row=header, max_row=last)
            cell = values.pop()  # as SeriesFactory takes a series' title from its first cell
            found[f"S{i}"], found[f"V{i}"] = f"{values.sheetname}!{cell}", str(values)
        col, first, last = self.categories
        found["C"] = str(Reference(ws, min_col=col, min_row=first, max_row=last))
        return found


class _ChartXML(ChartBase):  # type: ignore[misc]
    """A chart whose XML is made already: the drawing places it as openpyxl does a chart, _saved writes it."""

    def __init__(self, xml: bytes, title: str) -> None:  # ChartBase's own state is never used
        self.xml = xml
        self.text = title


_MARK = re.compile(rb"PAPERSx([A-Z0-9]+)x")
_BARS_XML: dict[tuple[int, bool], list[bytes]] = {}  # (series, legend) -> chart XML split at _MARK's names


def _bars_xml(ws: Worksheet, spec: _Bars) -> bytes:
    """The XML openpyxl writes for ``spec``'s chart, made from its XML for a chart of the same shape whose
    texts and references are marks (building and serialising openpyxl's chart objects is most of the time
    of writing a meeting's workbook)."""
    shape = (len(spec.data), spec.legend)
    if shape not in _BARS_XML:
        model = _Bars("PAPERSxTx", "PAPERSxXx", "PAPERSxYx", spec.data, spec.categories, spec.legend).chart(ws)
        for i, series in enumerate(model.series):
            series.tx.strRef.f, series.val.numRef.f, series.cat.strRef.f = f"PAPERSxS{i}x", f"PAPERSxV{i}x", "PAPERSxCx"
        _BARS_XML[shape] = _MARK.split(tostring(model._write()))
    pieces = _BARS_XML[shape]
    values = {"T": spec.title, "X": spec.x_title, "Y": spec.y_title, **spec.refs(ws)}
    return b"".join(piece if i % 2 == 0 else _text(values[piece.decode()]).encode("utf-8")
                    for i, piece in enumerate(pieces))


def _add_bars(ws: Worksheet, spec: _Bars, anchor: str, width: float, height: float) -> str:
    """Put ``spec``'s chart on the sheet at ``anchor``, ``width`` by ``height`` cm; returns its title as text."""
    texts = (spec.title, spec.x_title, spec.y_title)
    if all(isinstance(t, str) and t and "\n" not in t and t == t.strip() and not ILLEGAL_CHARACTERS_RE.search(t)
           for t in texts):
        chart: ChartBase = _ChartXML(_bars_xml(ws, spec), spec.title)
    else:  # openpyxl writes an empty text, one of several lines or one with spaces around it otherwise (and
        # refuses a control character, as before)
        chart = spec.chart(ws)
    chart.width, chart.height = width, height
    ws.add_chart(chart, anchor)
    return chart.text if isinstance(chart, _ChartXML) else chart_title(chart)


def _text_categories(chart: BarChart, ref: Reference) -> None:
    """Category labels read as text (openpyxl's set_categories refers to them as numbers)."""
    for series in chart.series:
        series.cat = AxDataSource(strRef=StrRef(f=str(ref)))


def chart_title(chart: BarChart) -> str:
    """A chart's title as plain text."""
    return "".join(run.t for p in chart.title.tx.rich.p for run in (p.r or []))


def _with_alt_texts(xml: bytes, texts: list[str]) -> bytes:
    """The drawing with each chart's frame titled and described (alt text): ``texts`` holds a title and a
    description per chart, in the order the charts were added."""
    root = etree.fromstring(xml)
    frames = root.findall(f".//{{{DRAWING_NS}}}graphicFrame/{{{DRAWING_NS}}}nvGraphicFramePr/{{{DRAWING_NS}}}cNvPr")
    if 2 * len(frames) != len(texts):
        raise AssertionError(f"{len(frames)} charts in the drawing, {len(texts) // 2} alt texts")
    for i, frame in enumerate(frames):
        frame.set("title", ILLEGAL_CHARACTERS_RE.sub("", texts[2 * i]))
        frame.set("descr", ILLEGAL_CHARACTERS_RE.sub("", texts[2 * i + 1]))
    return XML_DECLARATION + etree.tostring(root, encoding="UTF-8", xml_declaration=False)


def _comment(text: str) -> Comment:
    comment = Comment(text, "papers")
    comment.width, comment.height = 260, 90  # points; room for two lines of explanation
    return comment


def _number(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


# -- the cells of a generated sheet, as XML --------------------------------------------------

def _sheet_data(ws: Worksheet, grid: _Grid) -> bytes:
    """The sheetData element of a sheet's cells, as openpyxl's worksheet writer and lxml would write it (rows
    in order, with their row_dimensions; a row with a dimension and no cells too), each formula with its
    result as its cached value."""
    rows: dict[int, list[tuple[int, _Cell]]] = {}
    for (row, col), cell in sorted(grid.items()):
        rows.setdefault(row, []).append((col, cell))
    for row in ws.row_dimensions.keys() - rows.keys():
        rows[row] = []
    if not rows:
        return b"<sheetData/>"
    cell_styles = ws.parent._cell_styles
    ids: dict[int, str] = {}  # id of a style array -> its s="..." (or "" when unstyled), added in order of use
    letters: dict[int, str] = {}
    out = ["<sheetData>"]
    dims = ws.row_dimensions
    for row in sorted(rows):
        attrs = {"r": f"{row}"}
        attrs.update(dims.get(row, {}))
        head = "<row" + "".join(f' {k}="{_attr(v)}"' for k, v in attrs.items())
        cells = rows[row]
        if not cells:
            out.append(head + "/>")
            continue
        out.append(head + ">")
        for col, cell in cells:
            letter = letters.get(col) or letters.setdefault(col, get_column_letter(col))
            key = id(cell.style)
            if key not in ids:
                ids[key] = f' s="{cell_styles.add(cell.style)}"' if any(cell.style) else ""
            start = f'<c r="{letter}{row}"{ids[key]}'
            value, kind = cell.value, cell.kind
            if kind == "s":
                space = ' xml:space="preserve"' if value != value.strip() else ""
                out.append(f'{start} t="inlineStr"><is><t{space}>{_text(value)}</t></is></c>')
            elif kind == "f":
                out.append(f"{start}><f>{_text(value[1:])}</f><v>{_v_text(cell.result)}</v></c>")
            elif value is None:
                out.append(f'{start} t="n"/>')
            else:
                text = safe_string(value)
                out.append(f'{start} t="n"><v>{text}</v></c>' if text else f'{start} t="n"><v/></c>')
        out.append("</row>")
    out.append("</sheetData>")
    return "".join(out).encode("utf-8")


_EMPTY_SHEET_DATA = b"<sheetData/>"


def _spliced(xml: bytes, sheet_data: bytes) -> bytes:
    """A worksheet's XML, written with an empty sheetData, with ``sheet_data`` in its place."""
    at = xml.index(_EMPTY_SHEET_DATA)  # the first: nothing before the cells can hold one
    return xml[:at] + sheet_data + xml[at + len(_EMPTY_SHEET_DATA):]


def _text(value: str) -> str:
    """Text as lxml writes it in an element."""
    if "&" in value:
        value = value.replace("&", "&amp;")
    if "<" in value:
        value = value.replace("<", "&lt;")
    if ">" in value:
        value = value.replace(">", "&gt;")
    if "\r" in value:
        value = value.replace("\r", "&#13;")
    return value


def _attr(value: str) -> str:
    """An attribute value as lxml writes it."""
    return (_text(value).replace('"', "&quot;").replace("\n", "&#10;").replace("\t", "&#9;"))


def _v_text(value: Decimal) -> str:
    number = _number(value)
    return str(number) if isinstance(number, int) else repr(number)
