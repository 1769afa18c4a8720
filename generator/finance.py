"""Finance blocks: read rows (inline, CSV, XLSX), check the sums, format amounts.

Word tables and workbook cells are both drawn from the :class:`FinanceTable`
built here, and every printed amount goes through :func:`format_amount`.
"""
from __future__ import annotations

import csv
import difflib
import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import Problem
from .load import Located, PathKey, clean_text
from .model import FinanceRow, FinanceTable, Meeting, Paper, Section, Table
from .paths import DataFileError, resolve_data_file

if TYPE_CHECKING:  # schema imports pydantic, which the renderers (render.docx imports us) never need
    from .schema import FinanceBlock

TOLERANCE = Decimal(1)  # published figures are rounded to the unit
_AMOUNT = re.compile(r"^[+-]?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?$")
MAX_DIGITS = 15  # digits of a whole amount that Excel (a double) holds exactly; more cannot be a real figure


def disagrees(stated: Decimal, computed: Decimal) -> bool:
    """Whether a stated figure differs from the computed one by more than rounding explains."""
    return abs(stated - computed) > TOLERANCE


def _amount_text(raw: Any) -> str:
    return str(raw).strip().replace("\u2212", "-").replace("£", "").replace(" ", "")


def parse_amount(raw: Any) -> Decimal | None:
    """``1,234`` / ``-48`` / ``(48)`` / ``£1,234`` -> Decimal; None when not an amount."""
    if isinstance(raw, bool) or raw is None:
        return None
    if isinstance(raw, (int, Decimal, float)):  # from a workbook
        value = Decimal(raw) if not isinstance(raw, float) else Decimal(repr(raw))
        return value if value.is_finite() and not _too_large(value) else None
    text = _amount_text(raw)
    negative = text.startswith("(") and text.endswith(")")
    if negative:
        text = text[1:-1]
    if not _AMOUNT.match(text):
        return None
    if negative and text[0] in "+-":
        return None
    try:
        value = Decimal(text.replace(",", ""))
    except InvalidOperation:  # pragma: no cover - the pattern admits only numbers
        return None
    if _too_large(value):
        return None
    return -value if negative else value


def _too_large(value: Decimal) -> bool:
    return value.is_finite() and value.adjusted() >= MAX_DIGITS


def not_an_amount(raw: Any) -> str:
    """Why ``raw`` is not an amount (``parse_amount`` gave None), as a message."""
    if isinstance(raw, (int, float, Decimal)) and not isinstance(raw, bool):  # a workbook's number
        too_large = Decimal(repr(raw) if isinstance(raw, float) else raw).is_finite()
    else:  # written like an amount, so rejected only for its size
        too_large = _AMOUNT.match(_amount_text(raw).strip("()")) is not None
    if too_large:
        return f"the amount {_shown(raw)} is too large (at most {MAX_DIGITS} digits)"
    return f"expected a number, got {_shown(raw)}"


def format_amount(value: Decimal) -> str:
    """The printed form of an amount: ``1,234``, ``(48)``, ``0``; whole units as in Excel."""
    whole = value.quantize(Decimal(1), rounding=ROUND_HALF_UP)
    if whole == 0:
        return "0"
    text = f"{abs(whole):,.0f}"
    return f"({text})" if whole < 0 else text


EXCEL_NUMBER_FORMAT = "#,##0;(#,##0);0"  # the same rule as format_amount, for Excel


def resolve(block: FinanceBlock, doc: Located, path: PathKey,
            base_dir: Path) -> tuple[FinanceTable | None, list[Problem]]:
    """Turn a validated finance block into a FinanceTable, collecting every problem."""
    problems: list[Problem] = []
    keys = list(block.columns)
    if "service" in keys:
        problems.append(doc.problem(path + ("columns", "service"),
                                    "'service' is the row label, not a money column"))
    if block.rows is not None:
        rows = _rows_from_yaml(block.rows, keys, doc, path + ("rows",), problems)
    else:
        rows = _rows_from_source(block, keys, doc, path, base_dir, problems)
    table = FinanceTable(block.title, block.label, block.units, list(block.columns.items()), rows, block.total,
                         source=block.source)
    if block.stated_total is not None:
        table.stated_total = _stated_total(block.stated_total, keys, doc, path + ("stated_total",), problems)
    if any(p.level == "error" for p in problems):
        return None, problems
    _check_variances(table, problems)
    _check_totals(table, doc, path + ("stated_total",), problems)
    return table, problems


def _complete_row(service: str, amounts: dict[str, Decimal], keys: list[str], where: str,
                  missing: list[str]) -> FinanceRow:
    """Compute a missing variance; report other missing amounts through ``missing``."""
    stated: set[str] = set()
    if "variance" in keys:
        computable = "budget" in amounts and "forecast" in amounts
        if "variance" not in amounts and computable:
            amounts["variance"] = amounts["forecast"] - amounts["budget"]
        elif "variance" in amounts and computable:
            stated.add("variance")
    # a variance that cannot be computed is not reported: the missing or invalid budget/forecast is
    computed_from = {"budget", "forecast"} <= set(keys)
    missing.extend(k for k in keys if k not in amounts and not (k == "variance" and computed_from))
    return FinanceRow(service, amounts, frozenset(stated), where)


def _rows_from_yaml(raw_rows: list[Any], keys: list[str], doc: Located, path: PathKey,
                    problems: list[Problem]) -> list[FinanceRow]:
    rows = []
    allowed = ["service", *keys]
    for i, raw in enumerate(raw_rows):
        here = path + (i,)
        if not isinstance(raw, dict):
            problems.append(doc.problem(here, "expected a mapping with 'service' and the money columns"))
            continue
        service = raw.get("service")
        if not isinstance(service, str) or not service.strip():
            problems.append(doc.problem(here, "missing required field 'service'"))
            service = ""
        amounts: dict[str, Decimal] = {}
        for key, value in raw.items():
            if key == "service":
                continue
            if key not in keys:
                hint = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
                problems.append(doc.problem(here, f"unknown field '{key}'"
                                            + (f" (did you mean '{hint[0]}'?)" if hint else "")
                                            + f"; the columns are: {', '.join(allowed)}", where=here + (key,)))
                continue
            amount = parse_amount(value)
            if amount is None:
                problems.append(doc.problem(here + (key,), not_an_amount(value)))
            else:
                amounts[key] = amount
        missing: list[str] = []
        row = _complete_row(service, amounts, keys, f"{doc.name}:{doc.line_of(here)}", missing)
        for key in missing:
            if key not in raw:
                problems.append(doc.problem(here, f"missing amount '{key}'"))
        rows.append(row)
    return rows


def _shown(value: Any) -> str:
    if isinstance(value, (list, dict)):
        return "a list" if isinstance(value, list) else "a mapping"
    return "nothing" if value is None else repr(str(value))


def _rows_from_source(block: FinanceBlock, keys: list[str], doc: Located, path: PathKey,
                      base_dir: Path, problems: list[Problem]) -> list[FinanceRow]:
    assert block.source is not None
    here = path + ("source",)
    try:
        source = resolve_data_file(base_dir, block.source, (".csv", ".xlsx", ".xlsm"))
    except DataFileError as exc:
        problems.append(doc.problem(here, str(exc)))
        return []
    try:
        if source.suffix.lower() == ".csv":
            if block.sheet is not None:
                problems.append(doc.problem(path + ("sheet",), f"'sheet' only applies to an .xlsx source; "
                                            f"{block.source} is a CSV file"))
                return []
            table = _read_csv(source)
        elif source.suffix.lower() in (".xlsx", ".xlsm"):
            from .sources import read_xlsx  # openpyxl is imported only when a paper needs it

            table = read_xlsx(source, block.sheet)
        else:
            problems.append(doc.problem(here, f"unsupported data file type '{source.suffix}': use .csv or .xlsx"))
            return []
    except SourceError as exc:
        problems.append(doc.problem(here, f"cannot read {block.source}: {exc}"))
        return []
    return _rows_from_table(table, keys, source.name, problems, csv_file=source.suffix.lower() == ".csv")


class SourceError(Exception):
    """A data file cannot be read at all."""


def _read_csv(source: Path) -> list[tuple[int, list[Any]]]:
    """Rows of a CSV file with their 1-based line numbers."""
    try:
        with source.open(newline="", encoding="utf-8-sig") as fh:
            reader = csv.reader(fh)
            return [(reader.line_num, [clean_text(c) for c in row]) for row in reader]
    except UnicodeDecodeError as exc:
        raise SourceError(f"not UTF-8 text ({exc.reason})") from None
    except csv.Error as exc:
        raise SourceError(str(exc)) from None
    except OSError as exc:
        raise SourceError(exc.strerror or str(exc)) from None


def _rows_from_table(table: list[tuple[int, list[Any]]], keys: list[str], name: str,
                     problems: list[Problem], csv_file: bool = False) -> list[FinanceRow]:
    """Rows from a grid whose first non-empty row is the header.

    In a CSV file a row longer than the header is an error: it is what an unquoted 1,234 makes, which
    would shift every amount after it by a column (a workbook may have notes beside its table)."""
    body = [(n, cells) for n, cells in table if any(str(c).strip() for c in cells if c is not None)]
    if not body:
        problems.append(Problem(name, None, None, "the file has no header row"))
        return []
    header_line, header = body[0]
    names = [str(c).strip().lower() if c is not None else "" for c in header]
    required = ["service", *[k for k in keys if k != "variance"]]
    absent = [k for k in required if k not in names]
    if absent:
        found = ", ".join(n for n in names if n) or "none"
        separator = next((s for s in (";", "\t", "|") if len(names) == 1 and s in names[0]), None)
        hint = (f": the file is separated by {'tabs' if separator == chr(9) else repr(separator)}; "
                "save it as CSV separated by commas") if separator else ""
        problems.append(Problem(name, header_line, None,
                                f"missing column{'s' if len(absent) > 1 else ''} "
                                f"{', '.join(repr(a) for a in absent)} (found: {found}){hint}"))
        return []
    twice = [[i + 1 for i, n in enumerate(names) if n == key] for key in ["service", *keys] if names.count(key) > 1]
    for columns in twice:  # which of them would be read?
        problems.append(Problem(name, header_line, None, f"the column '{names[columns[0] - 1]}' is given "
                                f"{len(columns)} times (columns {', '.join(map(str, columns))})", column=columns[1]))
    if twice:
        return []
    width = max(i + 1 for i, n in enumerate(names) if n)
    index = {k: names.index(k) for k in ["service", *keys] if k in names}
    rows = []
    for line, cells in body[1:]:
        extra = [i + 1 for i, c in enumerate(cells) if csv_file and i >= width and str(c).strip()]
        if extra:
            problems.append(Problem(name, line, None, f"this row has {len(cells)} cells but the header names "
                                    f"{width} columns (an amount like 1,234 must be in quotes: \"1,234\")",
                                    column=extra[0]))
            continue

        def cell(key: str) -> Any:
            col = index.get(key)
            if col is None or col >= len(cells):
                return None
            value = cells[col]
            return None if isinstance(value, str) and not value.strip() else value

        service = cell("service")
        if service is None:
            problems.append(Problem(name, line, None, "missing 'service'", column=index["service"] + 1))
        amounts: dict[str, Decimal] = {}
        for key in keys:
            value = cell(key)
            if value is None:
                continue
            amount = parse_amount(value)
            if amount is None:
                problems.append(Problem(name, line, key, not_an_amount(value), column=index[key] + 1))
            else:
                amounts[key] = amount
        missing: list[str] = []
        row = _complete_row(str(service or "").strip(), amounts, keys, f"{name}:{line}", missing)
        for key in missing:
            if cell(key) is None:
                col = index.get(key)
                problems.append(Problem(name, line, key, "missing amount",
                                        column=col + 1 if col is not None else None))
        rows.append(row)
    return rows


def _stated_total(raw: dict[str, Any], keys: list[str], doc: Located, path: PathKey,
                  problems: list[Problem]) -> dict[str, Decimal]:
    out = {}
    for key, value in raw.items():
        if key not in keys:
            problems.append(doc.problem(path, f"unknown column '{key}' (the columns are: {', '.join(keys)})",
                                        where=path + (key,)))
            continue
        amount = parse_amount(value)
        if amount is None:
            problems.append(doc.problem(path + (key,), not_an_amount(value)))
        else:
            out[key] = amount
    return out


def _where(row: FinanceRow) -> tuple[str, int | None]:
    name, _, line = row.where.rpartition(":")
    return name, int(line) if line.isdigit() else None


def _check_variances(table: FinanceTable, problems: list[Problem]) -> None:
    for i, row in enumerate(table.rows):
        if "variance" not in row.stated:
            continue
        stated = row.values["variance"]
        computed = row.values["forecast"] - row.values["budget"]
        if disagrees(stated, computed):
            name, line = _where(row)
            problems.append(Problem(
                name, line, f"rows[{i}].variance",
                f"{row.service}: variance stated {format_amount(stated)}, computed {format_amount(computed)} "
                f"(forecast {format_amount(row.values['forecast'])} - budget {format_amount(row.values['budget'])})",
                level="warning"))


def _check_totals(table: FinanceTable, doc: Located, path: PathKey, problems: list[Problem]) -> None:
    for key, stated in (table.stated_total or {}).items():
        computed = table.column_total(key)
        if disagrees(stated, computed):
            label = dict(table.columns)[key]
            problems.append(doc.problem(path + (key,), f"stated total of '{label}' {format_amount(stated)} but the "
                                        f"rows sum to {format_amount(computed)}", level="warning"))


def finance_table(table: FinanceTable) -> Table:
    """A finance block as a Word table: amounts formatted by the one shared rule."""
    # the units ("£000") are a header row of their own, so they line up across the money columns
    header = [[table.label] + [label for _, label in table.columns]]
    if table.units.strip():
        header.append([""] + [table.units] * len(table.columns))
    rows = [[r.service] + [format_amount(r.values[k]) for k in table.keys] for r in table.rows]
    totals = 0
    if table.has_total_row:
        rows.append(["Total"] + [format_amount(table.column_total(k)) for k in table.keys])
        totals = 1
    return Table("finance", header, rows, ["left"] + ["right"] * len(table.keys), total_rows=totals,
                 caption=table.title)


# -- what the budget workbook takes from a paper, as JSON for the manifest ----------------------
# A rebuild writes the meeting's workbook from these records of unchanged papers instead of
# loading and validating every paper again; they hold exactly what render/xlsx.py draws.

def workbook_record(paper: Paper) -> dict[str, Any]:
    """The part of a paper the budget workbook is drawn from, as JSON-able data (amounts as exact strings)."""
    return {"item": paper.item, "title": paper.title, "meeting": paper.meeting.to_record(),
            "tables": [_table_record(t) for t in paper.finance_tables()]}


def _table_record(t: FinanceTable) -> dict[str, Any]:
    return {"title": t.title, "label": t.label, "units": t.units, "columns": [list(c) for c in t.columns],
            "rows": [[r.service, {k: str(v) for k, v in r.values.items()}] for r in t.rows], "total": t.total,
            "stated_total": None if t.stated_total is None else {k: str(v) for k, v in t.stated_total.items()}}


def paper_from_record(source: Path, record: dict[str, Any]) -> Paper:
    """A paper holding only what :func:`workbook_record` kept: enough to draw its workbook sheet."""
    meeting = Meeting.from_record(record["meeting"])
    tables = [FinanceTable(t["title"], t["label"], t["units"], [(k, label) for k, label in t["columns"]],
                           [FinanceRow(service, {k: Decimal(v) for k, v in values.items()})
                            for service, values in t["rows"]], t["total"],
                           None if t["stated_total"] is None else {k: Decimal(v) for k, v in t["stated_total"].items()})
              for t in record["tables"]]
    return Paper(source=source, template="", meeting=meeting, item=record["item"], title=record["title"],
                 status="", exempt_reason=None, report_of=None, sections=[Section(None, [], tables)])
