"""KPI tables that check themselves: read figures as numbers, compute and check verdicts.

Values always print exactly as written; this module only fills in a missing
``performance`` or ``direction`` (when ``better`` says which way is good) and
warns when a stated verdict contradicts the figures. Pure: no I/O.
"""
from __future__ import annotations

import operator
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Callable, Literal

from .errors import Problem
from .inputs.load import Located, PathKey
from .inputs.schema import Better, KpiRow, KpiTable

Kind = Literal["percent", "time", "amount"]  # money and plain numbers are both amounts: they compare
Bound = Literal["<", "<=", ">", ">="]
Performance = Literal["achieved", "failed"]
Direction = Literal["better", "worse", "in line"]


@dataclass(frozen=True)
class Figure:
    """A KPI value read as a number: ``value`` in its kind's unit (seconds for times)."""

    value: Decimal
    kind: Kind
    bound: Bound | None = None  # a target such as "<10:00": the bound, not the better-direction, decides


# -- reading figures -------------------------------------------------------------------------

_BOUND = re.compile(r"^(<=|>=|=<|=>|≤|≥|<|>)\s*")
_BOUNDS: dict[str, Bound] = {"<": "<", "<=": "<=", "=<": "<=", "≤": "<=", ">": ">", ">=": ">=", "=>": ">=",
                             "≥": ">="}
_NUMBER = r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?"
_PLAIN = re.compile(rf"^([+-]?)({_NUMBER})$")
_PERCENT = re.compile(rf"^([+-]?)({_NUMBER})\s*%$")
# the sign may come before or after the pound sign: -£48, £-48; k/m/bn as printed in council papers
_MONEY = re.compile(rf"^([+-]?)£\s*([+-]?)({_NUMBER})\s*(k|m|bn)?$", re.IGNORECASE)
_SCALE = {"": 1, "k": 1_000, "m": 1_000_000, "bn": 1_000_000_000}
_TIME = re.compile(r"^(\d+):([0-5]\d)(?::([0-5]\d))?$")  # mm:ss, or h:mm:ss


def parse_figure(text: str | None) -> Figure | None:
    """``97.68%``, ``51``, ``£9,828,491``, ``6:53``, ``<10:00``, ``(48)`` -> Figure; None for text."""
    if text is None:
        return None
    s = text.replace("\u2212", "-").replace("\u00a0", " ").strip()
    bound: Bound | None = None
    m = _BOUND.match(s)
    if m:
        bound = _BOUNDS[m.group(1)]
        s = s[m.end():]
    found = _time(s) or _signed(s)
    if found is None:
        return None
    value, kind = found
    return Figure(value, kind, bound)


def _time(s: str) -> tuple[Decimal, Kind] | None:
    m = _TIME.match(s)
    if not m:
        return None
    a, b, c = m.groups()
    seconds = int(a) * 3600 + int(b) * 60 + int(c) if c is not None else int(a) * 60 + int(b)
    return Decimal(seconds), "time"


def _signed(s: str) -> tuple[Decimal, Kind] | None:
    """A plain number, percentage or amount of money; ``(48)`` is -48 as in finance tables."""
    bracketed = s.startswith("(") and s.endswith(")")
    if bracketed:
        s = s[1:-1].strip()
    found = _unsigned(s)
    if found is None:
        return None
    value, kind, signed = found
    if bracketed:
        if signed:  # "(-48)" is no way of writing a number
            return None
        value = -value
    return value, kind


def _unsigned(s: str) -> tuple[Decimal, Kind, bool] | None:
    m = _PERCENT.match(s) or _PLAIN.match(s)
    if m:
        kind: Kind = "percent" if s.endswith("%") else "amount"
        sign, digits = m.groups()
        value = Decimal(digits.replace(",", ""))
        return (-value if sign == "-" else value), kind, bool(sign)
    m = _MONEY.match(s)
    if m:
        before, after, digits, scale = m.groups()
        if before and after:
            return None
        sign = before or after
        value = Decimal(digits.replace(",", "")) * _SCALE[(scale or "").lower()]
        return (-value if sign == "-" else value), "amount", bool(sign)
    return None


# -- judging -----------------------------------------------------------------------------------

_OPS: dict[Bound, Callable[[Decimal, Decimal], bool]] = {
    "<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge}


def _measured(a: Figure | None, b: Figure | None) -> bool:
    """Both figures are numbers of the same kind, and ``a`` is a measurement (no bound)."""
    return a is not None and b is not None and a.bound is None and a.kind == b.kind


def judge_performance(current: Figure | None, target: Figure | None, better: Better) -> Performance | None:
    """Achieved when current meets the target (a bound target: satisfies the bound); None when incomparable."""
    if not _measured(current, target):
        return None
    assert current is not None and target is not None
    if target.bound is not None:
        met = _OPS[target.bound](current.value, target.value)
    else:
        met = current.value >= target.value if better == "higher" else current.value <= target.value
    return "achieved" if met else "failed"


def judge_direction(previous: Figure | None, current: Figure | None, better: Better) -> Direction | None:
    """Better / worse / in line from previous to current; None when incomparable."""
    if not _measured(current, previous) or previous is None or previous.bound is not None:
        return None
    assert current is not None
    if current.value == previous.value:
        return "in line"
    up = current.value > previous.value
    return "better" if up == (better == "higher") else "worse"


def _worse(a: Figure, b: Figure, better: Better) -> bool:
    return a.value < b.value if better == "higher" else a.value > b.value


# -- stated verdicts and their spelling --------------------------------------------------------

# Only words with one meaning whatever the direction of good: "exceeded", "below target", "up",
# "fewer" or "more" are left unjudged (exceeding a limit is bad, fewer complaints is good).
_PERFORMANCE_WORDS: dict[str, Performance] = {
    **dict.fromkeys(["achieved", "met", "on target", "target met", "target achieved", "achieved target"],
                    "achieved"),
    **dict.fromkeys(["failed", "not met", "missed", "not achieved", "off target", "target missed",
                     "target not met", "target not achieved", "target failed"], "failed"),
}
_DIRECTION_WORDS: dict[str, Direction] = {
    **dict.fromkeys(["better", "improved", "improving", "improvement"], "better"),
    **dict.fromkeys(["worse", "worsened", "worsening", "deteriorated", "deteriorating", "deterioration"],
                    "worse"),
    **dict.fromkeys(["in line", "inline", "same", "unchanged", "no change", "stable", "static", "steady",
                     "maintained"], "in line"),
}
# the opposite word of a table's own vocabulary: a table saying "Met" gets "Not met", not "FAILED"
_COUNTERPART = {"achieved": "failed", "failed": "achieved", "not achieved": "achieved", "met": "not met",
                "not met": "met", "on target": "off target", "off target": "on target",
                "better": "worse", "worse": "better", "improved": "worsened", "worsened": "improved",
                "improving": "worsening", "worsening": "improving"}
_DEFAULT_PERFORMANCE = {"achieved": "ACHIEVED", "failed": "FAILED"}  # as printed in the example papers
_DEFAULT_DIRECTION = {"better": "Better", "worse": "Worse", "in line": "In line"}


def _words(text: str) -> str:
    return " ".join(text.lower().replace("-", " ").split()).rstrip(".!")


def stated_performance(text: str | None) -> Performance | None:
    """The verdict a stated performance means (``Met`` -> achieved); None for free text."""
    return _PERFORMANCE_WORDS.get(_words(text)) if text else None


def stated_direction(text: str | None) -> Direction | None:
    """The verdict a stated direction means (``Improved`` -> better); None for free text."""
    return _DIRECTION_WORDS.get(_words(text)) if text else None


def cased(phrase: str, like: str) -> str:
    """``phrase`` in the casing of ``like``: UPPER, lower, Title Case or Sentence case."""
    letters = [c for c in like if c.isalpha()]
    if letters and all(c.isupper() for c in letters):
        return phrase.upper()
    if letters and all(c.islower() for c in letters):
        return phrase.lower()
    words = like.split()
    if len(words) > 1 and all(w[:1].isupper() for w in words):
        return " ".join(w[:1].upper() + w[1:].lower() for w in phrase.split())
    return phrase[:1].upper() + phrase[1:].lower()


def spell(verdict: str, stated: list[tuple[str, str]], defaults: dict[str, str]) -> str:
    """How the table itself writes ``verdict``, given its stated (verdict, text) pairs in row order."""
    for meaning, text in stated:
        if meaning == verdict:
            return text
    for meaning, text in stated:
        other = _COUNTERPART.get(_words(text))
        if other is not None and _meaning(other) == verdict:
            return cased(other, text)
    if stated:
        return cased(defaults[verdict], stated[0][1])
    return defaults[verdict]


def _meaning(words: str) -> str | None:
    return _PERFORMANCE_WORDS.get(words) or _DIRECTION_WORDS.get(words)


# -- a whole table -----------------------------------------------------------------------------

def complete(kpis: KpiTable, doc: Located, path: PathKey) -> tuple[list[dict[str, str]], list[Problem]]:
    """Each row's printed cells with computed verdicts filled in, and a warning per contradicted verdict."""
    perf_stated = [(v, (r.performance or "").strip()) for r in kpis.rows
                   if (v := stated_performance(r.performance)) is not None]
    dir_stated = [(v, (r.direction or "").strip()) for r in kpis.rows
                  if (v := stated_direction(r.direction)) is not None]
    rows: list[dict[str, str]] = []
    problems: list[Problem] = []
    for i, row in enumerate(kpis.rows):
        cells = {f: getattr(row, f) or "" for f in ("title", "previous", "current", "target", "performance",
                                                    "direction")}
        better = row.better or kpis.better
        if better is not None:  # without it nothing is computed or checked: files stay as they were
            here = path + ("rows", i)
            performance = _performance(row, better, here, doc, problems)
            if row.performance is None and performance is not None:
                cells["performance"] = spell(performance, perf_stated, _DEFAULT_PERFORMANCE)
            if kpis.direction:  # a hidden column is neither printed nor worth checking
                direction = _direction(row, better, here, doc, problems)
                if row.direction is None and direction is not None:
                    cells["direction"] = spell(direction, dir_stated, _DEFAULT_DIRECTION)
        rows.append(cells)
    return rows, problems


def _performance(row: KpiRow, better: Better, here: PathKey, doc: Located,
                 problems: list[Problem]) -> Performance | None:
    current, target = parse_figure(row.current), parse_figure(row.target)
    verdict = judge_performance(current, target, better)
    stated = stated_performance(row.performance)
    if verdict is not None and stated is not None and stated != verdict:
        assert current is not None and target is not None
        if verdict == "achieved":
            relation = "meets"
        else:
            relation = "is worse than" if _worse(current, target, better) else "does not meet"
        problems.append(doc.problem(
            here + ("performance",),
            f"{row.title}: performance stated {(row.performance or '').strip()}, but current {row.current} {relation} "
            f"target {row.target} (better: {better})", level="warning"))
    return verdict


def _direction(row: KpiRow, better: Better, here: PathKey, doc: Located,
               problems: list[Problem]) -> Direction | None:
    verdict = judge_direction(parse_figure(row.previous), parse_figure(row.current), better)
    stated = stated_direction(row.direction)
    # only opposites are contradictions: "In line" is the author's call of what a small change is
    if {verdict, stated} == {"better", "worse"}:
        problems.append(doc.problem(
            here + ("direction",),
            f"{row.title}: direction stated {(row.direction or '').strip()}, but current {row.current} is "
            f"{verdict} than previous {row.previous} (better: {better})", level="warning"))
    return verdict
