"""`papers check --publish`: which papers of a meeting are not ready to publish, and why."""
from __future__ import annotations

from dataclasses import dataclass, field

from ..build import BuildReport, PaperResult
from ..errors import Problem
from ..papers.committee_report import NOT_PUBLISHABLE


@dataclass
class NotReady:
    """A paper that must not be published yet: its reasons in a clerk's words, and the problems behind them."""

    result: PaperResult
    reasons: list[str]
    problems: list[Problem] = field(default_factory=list)


def _reason(problem: Problem) -> str:
    where = problem.field or ""
    if problem.message.startswith(NOT_PUBLISHABLE):
        return "uncleared: its implications are not all written and verified"
    if "exempt_reason" in problem.message:
        return "exempt without a reason"
    if problem.level == "warning" and ".kpis" in f".{where}":
        return "a KPI contradiction"
    if problem.level == "warning" and (".finance" in f".{where}" or problem.file.lower().endswith((".csv", ".xlsx"))):
        return "a finance disagreement"
    return "errors in its inputs" if problem.level == "error" else "warnings to resolve"


def not_ready(report: BuildReport) -> list[NotReady]:
    """Every paper of a checked build that is not ready to publish: it failed, is a draft, or has a warning."""
    found = []
    for result in report.papers:
        draft = result.paper is not None and result.paper.draft
        problems = list(result.problems)
        if result.status == "failed" or draft or problems:
            reasons = list(dict.fromkeys(_reason(p) for p in problems))
            if draft and not any(r.startswith("uncleared") for r in reasons):
                reasons.insert(0, "uncleared: its sign-off is incomplete")
            found.append(NotReady(result, reasons or ["it has errors"], problems))
    return found


def only_warnings(entry: NotReady) -> bool:
    """Whether a paper is held back by warnings alone (a figure that disagrees, say), which a clerk may publish
    despite; a paper that failed, is uncleared or has an error never is."""
    draft = entry.result.paper is not None and entry.result.paper.draft
    return (entry.result.status != "failed" and not draft and bool(entry.problems)
            and all(p.level == "warning" for p in entry.problems))
