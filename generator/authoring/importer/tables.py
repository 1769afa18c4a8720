"""A Word table as a paper's block: ``kpis`` (by its headers), ``finance`` (money columns, a units row, brackets
for negatives; its rows go to a CSV file) or ``table``."""
from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from .inline import clean
from .read import Table

_UNITS = re.compile(r"^\(?\s*£\s*(?:'?000s?|k|m|bn|0|millions?|thousands?)?\s*\)?$", re.IGNORECASE)
_UNITS_IN_HEADER = re.compile(r"\s*\(?\s*(£\s*(?:'?000s?|k|m|0)?)\s*\)?\s*$", re.IGNORECASE)
_AMOUNT = re.compile(r"^\(?-?\s*£?\s*-?\s*\d[\d,\s\u00a0\u2009]*(?:\.\d+)?\s*[km]?\)?-?$", re.IGNORECASE)
_DASHES = ("-", "–", "—", "nil")
_TOTAL = re.compile(r"^(grand\s+|net\s+)?totals?\b", re.IGNORECASE)

# KPI columns by words in their header (first match wins), after the title column
_KPI_COLUMNS = (
    ("target", ("target",)),
    ("performance", ("performance", "rag", "status", "achieved", "met")),
    ("direction", ("direction", "travel", "trend", "dot")),
    ("previous", ("previous", "outturn", "last year", "baseline", "prior", "20")),
    ("current", ("current", "ytd", "actual", "latest", "this year", "qtr", "quarter", "value")),
)
_DEFAULT_KPI_HEADERS = {"title": "KPI Title", "previous": "2016/17 Outturn", "current": "Qtr 1 YTD",
                        "target": "Qtr 1 Target", "performance": "Performance", "direction": "Direction of Travel"}
# finance column keys by words in their header
_MONEY_KEYS = (("variance", ("variance", "over/(under)", "over / (under)", "(under)")),
               ("forecast", ("forecast", "projected", "projection")),
               ("budget", ("budget",)),
               ("outturn", ("outturn", "actual", "spend", "last year")))


@dataclass
class Converted:
    """A table as a block; ``csv`` holds a finance table's rows for its source file."""

    block: dict[str, Any]
    csv: list[list[str]] | None = None
    note: str | None = None  # a warning about what changed on the way


def cell_text(cell: list[Any]) -> str:
    """A cell's text: its paragraphs joined by spaces."""
    return " ".join(clean(p.text).strip() for p in cell if clean(p.text).strip())


def grid(table: Table) -> list[list[str]]:
    """The table's text, rows of equal length (short rows padded)."""
    rows = [[cell_text(c) for c in row] for row in table.rows]
    rows = [r for r in rows if any(r)]
    width = max((len(r) for r in rows), default=0)
    return [r + [""] * (width - len(r)) for r in rows]


def amount(text: str) -> Decimal | None:
    """A money amount as finance tables print it (``1,234``, ``(48)``, ``£1,000``, ``-48``), or None."""
    value = text.strip()
    if value.lower() in _DASHES:
        return Decimal(0)
    if not value or not _AMOUNT.match(value):
        return None
    negative = value.startswith("(") and value.endswith(")") or "-" in value
    digits = re.sub(r"[^\d.]", "", value)
    try:
        number = Decimal(digits)
    except InvalidOperation:
        return None
    return -number if negative else number


def _plain(number: Decimal) -> str:
    text = format(number, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text if text not in ("-0", "") else "0"


def convert(table: Table, csv_name: str) -> Converted | None:
    """The block a table becomes; None for a table without text."""
    rows = grid(table)
    if not rows:
        return None
    header_rows = table.header_rows or (1 if _bold_first_row(table) else 0)
    kpis = _kpis(rows)
    if kpis is not None:
        return Converted({"kpis": kpis})
    finance = _finance(rows, csv_name)
    if finance is not None:
        return finance
    width = len(rows[0]) if rows else 0
    if header_rows == 0 and width == 2:
        return Converted({"table": {"rows": [[c or None for c in r] for r in rows]}})  # label/value lines
    header, body = rows[0], rows[1:]
    note = None
    if header_rows == 0:
        note = "its first row was taken as the header row naming the columns: check it"
    if not all(header):
        header = [h or f"Column {i + 1}" for i, h in enumerate(header)]
        note = "a header cell was empty: it was named 'Column N': give it its name"
    return Converted({"table": {"header": header, "rows": [[c or None for c in r] for r in body]}}, note=note)


def _bold_first_row(table: Table) -> bool:
    if not table.rows:
        return False
    runs = [r for cell in table.rows[0] for p in cell for r in p.runs if r.text.strip()]
    styles = {p.style for cell in table.rows[0] for p in cell}
    return bool(runs) and (all(r.bold for r in runs) or "Table Heading" in styles)


def _kpis(rows: list[list[str]]) -> dict[str, Any] | None:
    if len(rows) < 2 or len(rows[0]) < 3:
        return None
    header = [h.strip() for h in rows[0]]
    low = [h.lower() for h in header]
    if not any(w in low[0] for w in ("kpi", "indicator", "measure", "performance indicator")) \
            or not any("target" in h for h in low[1:]):
        return None
    keys: list[str | None] = ["title"]
    for h in low[1:]:
        key = next((k for k, words in _KPI_COLUMNS if k not in keys and any(w in h for w in words)), None)
        keys.append(key)
    for i, key in enumerate(keys):  # columns not recognised: previous then current, in order
        if key is None:
            keys[i] = next((k for k in ("previous", "current") if k not in keys), None)
    if None in keys:
        return None
    out: dict[str, Any] = {}
    headers = {k: header[i] for i, k in enumerate(keys) if header[i] != _DEFAULT_KPI_HEADERS[str(k)]}
    if headers:
        out["headers"] = headers
    if "direction" not in keys:
        out["direction"] = False
    out["rows"] = [{k: r[i] for i, k in enumerate(keys) if r[i] or k == "title"} for r in rows[1:]]
    if any(not r["title"] for r in out["rows"]):
        return None
    return out


def _money_key(header: str, taken: list[str]) -> str:
    low = header.lower()
    for key, words in _MONEY_KEYS:
        if key not in taken and any(w in low for w in words):
            return key
    base = re.sub(r"[^a-z0-9]+", "_", low).strip("_") or "amount"
    if base[0].isdigit():
        base = "c_" + base
    key, n = base, 2
    while key in taken or key == "service":
        key, n = f"{base}_{n}", n + 1
    return key


def _finance(rows: list[list[str]], csv_name: str) -> Converted | None:
    if len(rows) < 2 or len(rows[0]) < 2:
        return None
    header = rows[0]
    units = None
    body = rows[1:]
    first = body[0] if body else []
    if first and any(c.strip() for c in first[1:]) \
            and all(not c.strip() or _UNITS.match(c.strip()) for c in first[1:]) \
            and (not first[0].strip() or _UNITS.match(first[0].strip())):
        units = next(c.strip() for c in first[1:] if c.strip())  # a units row: "£000" under the money columns
        body = body[1:]
    labels = []
    for h in header[1:]:
        match = _UNITS_IN_HEADER.search(h) if "£" in h else None
        if match and match.start() > 0:
            units = units or match.group(1).replace(" ", "")
            h = h[:match.start()].strip()
        labels.append(h)
    if not body or not all(labels):
        return None
    money_cells = [c for r in body for c in r[1:]]
    if not all(amount(c) is not None for c in money_cells if c.strip()) or not any(c.strip() for c in money_cells):
        return None
    money_words = any(w in " ".join(labels).lower() for _, words in _MONEY_KEYS for w in words)
    if units is None and not money_words and not any("£" in c for c in money_cells):
        return None
    if not all(r[0].strip() for r in body):
        return None
    keys: list[str] = []
    for label in labels:
        keys.append(_money_key(label, keys))
    total = None
    if _TOTAL.match(body[-1][0].strip()) and len(body) > 1:
        total, body = body[-1], body[:-1]
    block: dict[str, Any] = {}
    if header[0].strip() and header[0].strip() != "Service":
        block["label"] = header[0].strip()
    block["units"] = units or ("£" if any("£" in c for c in money_cells) else "£000")
    block["columns"] = dict(zip(keys, labels))
    block["source"] = csv_name
    csv = [["service", *keys]]
    for r in body:
        csv.append([r[0].strip(), *[_plain(amount(c)) if c.strip() else "" for c in r[1:]]])  # type: ignore[arg-type]
    note = None
    if total is not None:
        block["total"] = True
        sums = [sum((amount(c) or Decimal(0) for c in col), Decimal(0)) for col in zip(*[r[1:] for r in body])]
        stated = [amount(c) for c in total[1:]]
        if any(s is not None and abs(s - t) > 1 for s, t in zip(stated, sums)):
            block["stated_total"] = {k: _plain(s) for k, s in zip(keys, stated) if s is not None}
    return Converted({"finance": block}, csv=csv, note=note)
