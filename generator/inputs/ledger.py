"""A finance export as the finance system writes it (title rows, subtotals, a grand total, hidden rows,
a footer) -> the rows of a finance table, grouped by a code map when one is given.

Nothing here scales or rounds (finance.py does): amounts stay in the export's units.
"""
from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from ..errors import Problem
from ..model import SourceRow
from .sources import Grid, column_letter

if TYPE_CHECKING:
    from .schema import LedgerSource

TOLERANCE = Decimal(1)  # one unit of the export (a pound): sums of amounts in pence agree to far less
# "Total", "Sub-total", "Subtotal", "Grand Total", "Totals", "Total Corporate Services" (not "Totally")
_TOTAL = re.compile(r"(?i)(?:^|[^a-z])(?:sub[\s-]?|grand[\s-]?)?totals?(?:$|[^a-z])")
_GRAND = re.compile(r"(?i)^\W*(?:grand[\s-]*)?totals?\W*$|grand[\s-]*total")
FORMULA_FIX = ("never calculated (the file was written by a program, not saved by Excel): open the file in "
               "Excel, save it, and build again")


def uncalculated_problem(name: str, cells: list[tuple[int, int]]) -> Problem:
    """One error for the formula cells that hold no calculated value (row, column), in order."""
    cells = sorted(cells)
    shown = ", ".join(f"{column_letter(c)}{r}" for r, c in cells[:8])
    more = f" and {len(cells) - 8} more" if len(cells) > 8 else ""
    several = len(cells) > 1
    return Problem(name, cells[0][0], None, f"the cell{'s' if several else ''} {shown}{more} "
                   f"{'hold formulas that were' if several else 'holds a formula that was'} {FORMULA_FIX}",
                   column=cells[0][1])


def normalise(text: Any) -> str:
    """A header as compared: case and spacing ignored (``Cost  Centre`` = ``cost centre`` = ``CostCentre``)."""
    return re.sub(r"\s+", "", str(text)).casefold()


def cell_text(value: Any) -> str:
    """A label or code cell as text: a whole number without ``.0`` (a code typed as a number)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def rows_text(numbers: list[int]) -> str:
    """``row 7`` / ``rows 7, 9, 12-15``."""
    numbers = sorted(set(numbers))
    parts: list[str] = []
    i = 0
    while i < len(numbers):
        j = i
        while j + 1 < len(numbers) and numbers[j + 1] == numbers[j] + 1:
            j += 1
        parts.append(f"{numbers[i]}-{numbers[j]}" if j - i >= 2 else ", ".join(map(str, numbers[i:j + 1])))
        i = j + 1
    return ("row " if len(numbers) == 1 else "rows ") + ", ".join(parts)


def hidden_note(name: str, rows: list[int], fix: str) -> Problem:
    """The warning for hidden rows left out of a table."""
    text = rows_text(rows)
    verb = "is" if len(rows) == 1 else "are"
    if len(rows) == 1:
        fix = fix.replace(" them", " it")
    return Problem(name, None, None, f"{text} {verb} hidden in Excel and {'was' if len(rows) == 1 else 'were'} "
                   f"left out; {fix}", level="warning")


@dataclass
class _Row:
    number: int
    label: str
    code: str
    amounts: dict[str, Decimal]
    hidden: bool
    total: bool  # labelled as a total or subtotal


@dataclass
class Ledger:
    """What an export gave: table rows (service, amounts in the export's units, where) and every source row."""

    rows: list[tuple[str, dict[str, Decimal], str]]
    source_rows: list[SourceRow] = field(default_factory=list)


class _Columns:
    """The header row and the columns the block names, found ignoring case and spacing."""

    def __init__(self, grid: Grid, spec: LedgerSource, name: str, problems: list[Problem]) -> None:
        self.grid, self.spec, self.name, self.problems = grid, spec, name, problems
        self.hidden = grid.hidden_columns if spec.hidden == "exclude" else set()

    def header_row(self) -> tuple[int, dict[int, str]] | None:
        spec, grid = self.spec, self.grid
        wanted: str | int | None = spec.header if spec.header is not None else (spec.label or spec.code)
        if isinstance(wanted, str) and wanted.strip().isdigit():
            wanted = int(wanted)
        if isinstance(wanted, int):
            for number, cells in grid.rows:
                if number == wanted:
                    return number, self._cells(cells)
            self.problems.append(Problem(self.name, None, "header", f"row {wanted} is empty: give the number of "
                                         "the row holding the column headers, or its first header's text"))
            return None
        if wanted is None:  # nothing says where the table starts: the first non-empty row
            if not grid.rows:
                self.problems.append(Problem(self.name, None, None, "the file has no rows"))
                return None
            number, cells = grid.rows[0]
            return number, self._cells(cells)
        key = normalise(wanted)
        seen: dict[str, tuple[str, int]] = {}
        for number, cells in grid.rows:
            row = self._cells(cells)
            if any(normalise(t) == key for t in row.values()):
                return number, row
            for text in row.values():
                seen.setdefault(normalise(text), (text, number))
        close = difflib.get_close_matches(key, list(seen), n=1, cutoff=0.75)
        hint = f" (did you mean '{seen[close[0]][0]}', in row {seen[close[0]][1]}?)" if close else ""
        field_name = "header" if spec.header is not None else ("label" if spec.label else "code")
        self.problems.append(Problem(self.name, None, field_name,
                                     f"no row has a cell '{wanted}'{hint}: '{field_name}' names a cell of the "
                                     "export's header row (give the text as the export writes it, or the "
                                     "row's number as header)"))
        return None

    def _cells(self, cells: list[Any]) -> dict[int, str]:
        return {i: str(c).strip() for i, c in enumerate(cells, start=1) if c is not None and str(c).strip()}

    def find(self, number: int, header: dict[int, str], field_name: str, wanted: str) -> int | None:
        """The column whose header is ``wanted``; None (and a problem naming the header's cells) when absent."""
        key = normalise(wanted)
        matches = [col for col, text in header.items() if normalise(text) == key]
        visible = [col for col in matches if col not in self.hidden]
        if len(visible) > 1:
            self.problems.append(Problem(self.name, number, field_name, f"the header row has '{wanted}' "
                                         f"{len(visible)} times (columns "
                                         f"{', '.join(column_letter(c) for c in visible)}): rename one in the "
                                         "export", column=visible[1]))
            return None
        if visible:
            return visible[0]
        if matches:
            self.problems.append(Problem(self.name, number, field_name, f"the column '{wanted}' (column "
                                         f"{column_letter(matches[0])}) is hidden in Excel: unhide it, or set "
                                         "hidden: include to use hidden rows and columns", column=matches[0]))
            return None
        shown = {normalise(t): t for c, t in header.items() if c not in self.hidden}
        close = difflib.get_close_matches(key, list(shown), n=1, cutoff=0.6)
        hint = f" (did you mean '{shown[close[0]]}'?)" if close else ""
        self.problems.append(Problem(self.name, None, field_name,
                                     f"no column '{wanted}'{hint}; the header row (row {number}) has: "
                                     + ", ".join(t for c, t in sorted(header.items()) if c not in self.hidden)))
        return None


def read(grid: Grid, spec: LedgerSource, wanted: dict[str, str], name: str, problems: list[Problem],
         parse: Any, not_an_amount: Any, code_map: tuple[Grid, str] | None = None) -> Ledger | None:
    """The table rows of an export; ``wanted`` maps each amount key to the export's header text.

    ``parse``/``not_an_amount`` are finance's amount reader (passed in: finance imports this module)."""
    before = len(problems)
    columns = _Columns(grid, spec, name, problems)
    found = columns.header_row()
    if found is None:
        return None
    header_number, header = found
    label_col = code_col = None
    if spec.label is not None:
        label_col = columns.find(header_number, header, "label", spec.label)
    elif spec.header is not None and not spec.header.strip().isdigit() and spec.code is None:
        label_col = columns.find(header_number, header, "header", spec.header)
    if spec.code is not None:
        code_col = columns.find(header_number, header, "code", spec.code)
    amount_cols = {k: columns.find(header_number, header, f"amounts.{k}", text) for k, text in wanted.items()}
    if len(problems) > before:
        return None
    if label_col is None and code_col is None:
        problems.append(Problem(name, None, "label", "name the column that labels each row with 'label' "
                                "(or the code column with 'code')"))
        return None
    text_cols = [c for c in (label_col, code_col) if c is not None]
    filled = _merged_fill(grid, header_number, text_cols)
    hidden_rows = grid.hidden_rows if spec.hidden == "exclude" else set()
    uncalculated: list[tuple[int, int]] = []
    rows: list[_Row] = []
    for number, cells in grid.rows:
        if number <= header_number:
            continue

        def value(col: int | None) -> Any:
            if col is None:
                return None
            if (number, col) in filled:
                return filled[number, col]
            v = cells[col - 1] if col <= len(cells) else None
            return None if isinstance(v, str) and not v.strip() else v

        used = [c for c in (*text_cols, *amount_cols.values()) if c is not None]
        uncalculated += [(number, c) for c in used if (number, c) in grid.uncalculated]
        label, code = cell_text(value(label_col)), cell_text(value(code_col))
        raw = {k: value(col) for k, col in amount_cols.items()}
        if all(v is None for v in raw.values()):
            continue  # a blank row, a heading between sections, a title or the footer (no amounts: no effect)
        total = bool(_TOTAL.search(label) or _TOTAL.search(code))
        amounts: dict[str, Decimal] = {}
        for key, v in raw.items():
            if v is None:
                amounts[key] = Decimal(0)  # finance systems leave zero blank
                continue
            amount = parse(v)
            if amount is None:
                if (number, amount_cols[key]) not in grid.uncalculated:
                    problems.append(Problem(name, number, key, not_an_amount(v), column=amount_cols[key]))
                amounts[key] = Decimal(0)
            else:
                amounts[key] = amount
        rows.append(_Row(number, label, code, amounts, number in hidden_rows, total))
    if uncalculated:
        problems.append(uncalculated_problem(name, uncalculated))
    if len(problems) > before:
        return None
    data, left_out, grand = _split_totals(rows)
    _check_grand_total(grand, data, name, wanted, problems)
    if left_out or grand is not None:
        parts = []
        if left_out:
            parts.append(f"the subtotals ({rows_text([r.number for r in left_out])})")
        if grand is not None:
            parts.append(f"the export's total (row {grand.number})")
        problems.append(Problem(name, None, None, f"{' and '.join(parts)} "
                                f"{'were' if len(left_out) + (grand is not None) > 1 else 'was'} left out of the "
                                "table, which adds up its own total", level="warning"))
    hidden = [r.number for r in data if r.hidden]
    if hidden:
        problems.append(hidden_note(name, hidden, "set hidden: include to use them"))
    kept = [r for r in data if not r.hidden]
    if code_map is not None:
        return _grouped(kept, {r.code for r in data}, code_map, name, wanted, label_col is not None, problems)
    out = Ledger([])
    for r in kept:
        text = r.label or r.code
        if not text:
            problems.append(Problem(name, r.number, "label", "this row has amounts but no label",
                                    column=label_col))
            continue
        out.rows.append((text, dict(r.amounts), f"{name}:{r.number}"))
        out.source_rows.append(SourceRow(r.number, r.code, r.label, dict(r.amounts), text))
    return None if any(p.level == "error" for p in problems[before:]) else out


def _merged_fill(grid: Grid, header: int, cols: list[int]) -> dict[tuple[int, int], Any]:
    """Merged label (and code) cells below the header: each covered cell takes the range's value."""
    values = {(n, c): cells[c - 1] for n, cells in grid.rows for c in cols if c <= len(cells)}
    filled = {}
    for r1, c1, r2, c2 in grid.merged:
        if r2 <= header:
            continue
        top = values.get((r1, c1))
        if top is None:
            continue
        for col in cols:
            if c1 <= col <= c2:
                for r in range(max(r1, header + 1), r2 + 1):
                    filled[r, col] = top
    return filled


def _split_totals(rows: list[_Row]) -> tuple[list[_Row], list[_Row], _Row | None]:
    """(data rows, subtotal rows, the export's grand total) of an export's rows in order.

    A subtotal is labelled as a total, or equals the sum of the two or more rows above it since the
    previous subtotal; the grand total is the last total after every data row that says it is the total
    (or equals the sum of every row)."""
    data: list[_Row] = []
    subtotals: list[_Row] = []
    run, sums, everything_sums = 0, {}, {}  # rows since the last subtotal, their sums, the sums of all rows
    for row in rows:
        if row.total:
            subtotals.append(row)
            run, sums = 0, {}
            continue
        if run >= 2 and any(row.amounts.values()) and all(row.amounts[k] == sums[k] for k in row.amounts):
            subtotals.append(row)
            run, sums = 0, {}
            continue
        data.append(row)
        run += 1
        for k, v in row.amounts.items():
            sums[k] = sums.get(k, Decimal(0)) + v
            everything_sums[k] = everything_sums.get(k, Decimal(0)) + v
    grand = None
    if subtotals and (not data or subtotals[-1].number > data[-1].number):
        last = subtotals[-1]
        everything = all(last.amounts[k] == everything_sums.get(k, Decimal(0)) for k in last.amounts)
        if _GRAND.search(last.label) or _GRAND.search(last.code) or everything:
            grand = subtotals.pop()
    return data, subtotals, grand


def _check_grand_total(grand: _Row | None, data: list[_Row], name: str, wanted: dict[str, str],
                       problems: list[Problem]) -> None:
    """The export's own total against the sum of its rows (hidden ones too: the export counted them)."""
    if grand is None:
        return
    for key, header in wanted.items():
        computed = sum((r.amounts[key] for r in data), Decimal(0))
        stated = grand.amounts[key]
        if abs(stated - computed) > TOLERANCE:
            problems.append(Problem(name, grand.number, f"amounts.{key}", f"the export's total of '{header}' is "
                                    f"{export_amount(stated)} but its rows sum to {export_amount(computed)} "
                                    f"(a difference of {export_amount(stated - computed)}): a row may be missing "
                                    "from the export or a subtotal not recognised; check the export",
                                    level="warning"))


def export_amount(value: Decimal) -> str:
    """An amount in the export's own units, pence kept: ``1,234.56``, ``(48.10)``."""
    pence = value != value.to_integral_value()
    text = f"{abs(value):,.2f}" if pence else f"{abs(value):,.0f}"
    return f"({text})" if value < 0 else text


def _grouped(rows: list[_Row], used: set[str], code_map: tuple[Grid, str], name: str, wanted: dict[str, str],
             labelled: bool, problems: list[Problem]) -> Ledger | None:
    """Rows summed per service of the map, in the map's order (``used``: the codes of every row, hidden
    ones too, which are warned about on their own)."""
    grid, map_name = code_map
    mapping: dict[str, tuple[str, int]] = {}
    services: list[str] = []
    before = len(problems)
    for number, cells in grid.rows:
        code, service = cell_text(cells[0] if cells else None), cell_text(cells[1] if len(cells) > 1 else None)
        if not code and not service:
            continue
        if not mapping and normalise(code) == "code" and normalise(service) == "service":
            continue  # the map's header row
        if not code or not service:
            problems.append(Problem(map_name, number, None, "expected a code and the service it belongs to "
                                    "(two columns: code,service)"))
            continue
        if code in mapping:
            first_service, line = mapping[code]
            problems.append(Problem(map_name, number, None, f"the code '{code}' is already mapped on line {line} "
                                    f"(to '{first_service}'): a code belongs to one service"))
            continue
        mapping[code] = (service, number)
        if service not in services:
            services.append(service)
    if not mapping and len(problems) == before:
        problems.append(Problem(map_name, None, None, "the map has no codes (expected lines of code,service)"))
    missing: dict[str, int] = {}
    for r in rows:
        if not r.code:
            problems.append(Problem(name, r.number, "code", "this row has amounts but no code, so the map "
                                    "cannot place it"))
        elif r.code not in mapping:
            missing.setdefault(r.code, r.number)
    if missing:
        listed = ", ".join(f"{code} (row {number})" for code, number in missing.items())
        problems.append(Problem(name, None, "code", f"{len(missing)} code{'s are' if len(missing) > 1 else ' is'} "
                                f"not in {map_name}: {listed}; add each to the map with its service"))
    if len(problems) > before:
        return None
    unused = [(code, line) for code, (_, line) in mapping.items() if code not in used]
    if unused:
        listed = ", ".join(f"{code} (line {line})" for code, line in unused)
        problems.append(Problem(map_name, unused[0][1], None, f"{'codes' if len(unused) > 1 else 'the code'} "
                                f"{listed} {'have' if len(unused) > 1 else 'has'} no rows in {name}",
                                level="warning"))
    sums = {s: {k: Decimal(0) for k in wanted} for s in services}
    first: dict[str, int] = {}
    out = Ledger([])
    for r in rows:
        service = mapping[r.code][0]
        for k in wanted:
            sums[service][k] += r.amounts[k]
        first.setdefault(service, r.number)
        out.source_rows.append(SourceRow(r.number, r.code, r.label if labelled else "", dict(r.amounts), service))
    for service in services:
        out.rows.append((service, sums[service], f"{name}:{first.get(service, '')}"))
    return out
