"""Table column widths fitted to their content, measured in the template's own fonts.

Amounts and other figures never wrap; headings wrap between words, never inside one; the label column
(the first of a finance or KPI table) takes what is left, and breaks a word only when the word alone is
wider than that. Widths are whole twips computed from the text alone, so rebuilds are byte-identical.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import lru_cache

from ..model import Table
from .metrics import Font

# a figure: an amount, a percentage, a count, a time or a bounded target ("1,094", "(131)", "97.68%",
# "£1.2m", "<10:00", ">= 95%"); printed on one line whatever the column width
_FIGURE = re.compile(r"[<>≤≥=~]{0,2}\s?[-+−(]?[£$€]?[-+−(]?\d[\d,.:]*\)?\s?(%|[kKmM]|bn)?\)?")
_ZEROS = str.maketrans("123456789", "000000000")
LABEL_FLOOR = 1440  # twips (1 inch): the narrowest a label column is made before its words break
HEADING_LINES = (2, 1)  # the heading rows are made this many lines high at most, in turn, when there is room
AIR = 30  # twips beyond the measured text, for the renderer's rounding of glyph positions


@dataclass(frozen=True)
class TableMetrics:
    """What column widths depend on in a template: its table fonts, cell margins and text width."""

    text: Font  # the Table Text paragraph style's font
    heading: Font  # the Table Heading style's font
    margins: int  # twips: a cell's left plus right margin in the table style
    width: int  # twips between the page margins


def is_figure(value: str) -> bool:
    """Whether a cell holds a single figure, which must stay on one line."""
    return _FIGURE.fullmatch(value.strip()) is not None


def fit(table: Table, metrics: TableMetrics, fill: bool = True, margins: int | None = None) -> list[int]:
    """Column widths (twips) of a table; they add up to the text width when ``fill``. ``margins``: the
    cells' left plus right margin when the table is not in the style ``metrics`` were read from."""
    ncols = len(table.align)
    total = metrics.width
    if ncols == 1:
        return [total]
    values = _value_columns(table)
    bold = replace(metrics.text, bold=True)
    first_total = len(table.rows) - table.total_rows
    least, data = [0] * ncols, [0] * ncols
    heads: list[dict[int, int]] = [{} for _ in range(ncols)]  # lines -> the width headings need for them
    pad = (metrics.margins if margins is None else margins) + AIR

    def need(text: str, font: Font) -> int:
        width = font.width(text)
        return width + width // 50 + pad  # 2%: glyph positions rounded to the device

    for row in table.header or []:
        for i, value in enumerate(row):
            least[i] = max([least[i]] + [need(w, metrics.heading) for w in value.split()])
            for lines in HEADING_LINES:
                width = need_lines(value, metrics.heading, lines)
                heads[i][lines] = max(heads[i].get(lines, 0), width + width // 50 + pad)
    # each distinct text and word measured once (a table may have 100,000 rows)
    distinct: list[dict[bool, set[str]]] = [{False: set(), True: set()} for _ in range(ncols)]
    for r, row in enumerate(table.rows):
        for i, value in enumerate(row):
            distinct[i][r >= first_total].add(value)
    for i in range(ncols):
        for is_bold, texts in distinct[i].items():
            font = bold if is_bold else metrics.text
            if font.tabular_figures:  # as wide as any other text of the same shape: measure each shape once
                texts = set("\x00".join(texts).translate(_ZEROS).split("\x00"))  # one pass: NUL is never printed
            words: set[str] = set()
            for value in texts:
                one_line = need(value, font)
                data[i] = max(data[i], one_line)
                if values[i] and is_figure(value):
                    least[i] = max(least[i], one_line)
                else:
                    words.update(value.split())
            least[i] = max([least[i]] + [need(w, font) for w in words])
    labels = [i for i in range(ncols) if not values[i]]
    if sum(least) > total:
        return _squeeze(least, labels, total)
    widths = list(least)
    spare = total - sum(widths)
    # in order: figures and short values on one line, labels on one line, headings on one line
    # (a cell that gets only part of what it lacks still wraps: values and headings are served whole,
    # those that lack least first; labels of several lines share in proportion)
    spare = _grow(widths, [data[i] if values[i] else widths[i] for i in range(ncols)], spare, whole=True)
    spare = _grow(widths, [max(data[i], widths[i]) for i in range(ncols)], spare)
    for lines in HEADING_LINES:  # headings on two lines at most, then on one
        spare = _grow(widths, [max(heads[i].get(lines, 0), widths[i]) for i in range(ncols)], spare, whole=True)
    if fill and spare:
        if table.kind in ("finance", "kpi"):
            widths[0] += spare  # the label column takes what is left
        else:
            _grow(widths, [w * 2 for w in widths], spare)  # in proportion to what each has
    return widths


@lru_cache(maxsize=4096)  # the same headings head the tables of every paper
def need_lines(text: str, font: Font, lines: int) -> int:
    """The narrowest width (twips, text only) at which ``text`` wraps between words onto at most ``lines``."""
    words = text.split()
    if len(words) <= lines:
        return max((font.width(w) for w in words), default=0)
    if len(words) > 12:  # a long heading: no search, one line
        return font.width(" ".join(words))
    best: dict[tuple[int, int], int] = {}  # (first word, lines left) -> narrowest width for the rest

    def narrowest(start: int, left: int) -> int:
        if (start, left) not in best:
            if left == 1:
                best[start, left] = font.width(" ".join(words[start:]))
            else:
                best[start, left] = min(max(font.width(" ".join(words[start:end])), narrowest(end, left - 1))
                                        for end in range(start + 1, len(words) - left + 2))
        return best[start, left]

    return narrowest(0, lines)


def _value_columns(table: Table) -> list[bool]:
    """Which columns hold values (kept whole) rather than labels: all but the first of finance and KPI tables,
    and, in other tables, a column whose every cell is a figure."""
    ncols = len(table.align)
    if table.kind in ("finance", "kpi"):
        return [False] + [True] * (ncols - 1)
    out = []
    for i in range(ncols):
        cells = [row[i] for row in table.rows if row[i].strip()]
        out.append(bool(cells) and all(is_figure(c) for c in cells))
    return out


def _grow(widths: list[int], targets: list[int], spare: int, whole: bool = False) -> int:
    """Widen columns toward their targets with the spare width, in proportion to what each lacks (``whole``:
    each column fully or not at all, those lacking least first); returns what is left."""
    lack = [max(0, t - w) for w, t in zip(widths, targets)]
    wanted = sum(lack)
    if wanted == 0 or spare <= 0:
        return spare
    if wanted <= spare:
        for i, n in enumerate(lack):
            widths[i] += n
        return spare - wanted
    if whole:
        for i in sorted(range(len(lack)), key=lambda i: (lack[i], i)):
            if 0 < lack[i] <= spare:
                widths[i] += lack[i]
                spare -= lack[i]
        return spare
    given = [spare * n // wanted for n in lack]
    for i in sorted(range(len(lack)), key=lambda i: (-lack[i], i))[:spare - sum(given)]:
        given[i] += 1  # the rounding's twips, to the columns that lack most (deterministic)
    for i, g in enumerate(given):
        widths[i] += g
    return 0


def _squeeze(least: list[int], labels: list[int], total: int) -> list[int]:
    """Widths when the content cannot fit on one line per word: label columns give way first (their long
    words break inside), then the widest value columns; value columns that fit keep their width."""
    values = [i for i in range(len(least)) if i not in labels]
    widths = list(least)
    floors = {i: min(least[i], LABEL_FLOOR) for i in labels}
    room = total - sum(least[i] for i in values)
    if labels and room >= sum(floors.values()):
        for i, w in zip(labels, _water_fill([least[i] for i in labels], room)):
            widths[i] = w
        return widths
    for i in labels:
        widths[i] = floors[i]
    for i, w in zip(values, _water_fill([least[i] for i in values], total - sum(floors.values()))):
        widths[i] = w
    return widths


def _water_fill(wanted: list[int], total: int) -> list[int]:
    """Widths adding up to ``total`` (at least one twip each): the narrow keep what they want, the widest
    share the rest equally."""
    total = max(total, len(wanted))
    order = sorted(range(len(wanted)), key=lambda i: (wanted[i], i))
    out = [0] * len(wanted)
    left, count = total, len(wanted)
    for n, i in enumerate(order):
        share = left // (count - n)
        if wanted[i] <= share:
            out[i] = wanted[i]
            left -= wanted[i]
        else:  # this and every wider column get an equal share of what is left
            rest = order[n:]
            for k, j in enumerate(rest):
                out[j] = left // len(rest) + (1 if k < left % len(rest) else 0)
            return out
    out[order[-1]] += left  # everything fits: the widest takes the remainder
    return out
