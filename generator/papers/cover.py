"""The cover rows a council's reports share (wards, key decision, accountable officers): one set of fields,
used by every paper type that prints them (committee_report, portfolio_report)."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..inputs.schema import Label, Strict, Text
from .base import plain

if TYPE_CHECKING:
    from ..assemble import Context
    from ..model import Paper


class Officer(Strict):
    name: Label
    title: Label


class CoverFields(Strict):
    """Optional cover rows; a type that requires some redeclares them."""

    wards: Text | None = None
    key_decision: bool | None = None
    forward_plan_ref: Text | None = None
    accountable_assistant_director: Officer | None = None
    accountable_director: Officer | None = None


# template variables, with their value where a paper does not give them
VARIABLES: dict[str, Any] = {"wards": plain(None), "key_decision": plain(None), "forward_plan_ref": plain(None),
                             "accountable_assistant_director": plain(None), "accountable_director": plain(None)}


def officer(person: Any) -> str:
    """``J. Smith, Assistant Director Finance``, as the cover prints an officer."""
    return f"{person.name}, {person.title}" if person is not None else ""


def assemble(parsed: CoverFields, ctx: "Context", paper: "Paper") -> dict[str, str]:
    """The cover rows as text; a key decision without its Forward Plan reference is a warning."""
    if parsed.key_decision and not (parsed.forward_plan_ref or "").strip():
        ctx.problems.append(ctx.doc.problem(("forward_plan_ref",), "missing: a key decision must be on the "
                                            "Forward Plan; give its reference (forward_plan_ref: FP/2022/041)",
                                            level="warning", where=("key_decision",)))
    return {
        "wards": parsed.wards or "",
        "key_decision": "" if parsed.key_decision is None else ("Key" if parsed.key_decision else "Non-key"),
        "forward_plan_ref": (parsed.forward_plan_ref or "").strip(),
        "accountable_assistant_director": officer(parsed.accountable_assistant_director),
        "accountable_director": officer(parsed.accountable_director),
    }


def context(rows: dict[str, str] | None) -> dict[str, Any]:
    """The cover variables of a paper (empty text for rows it does not have)."""
    return {key: plain((rows or {}).get(key)) for key in VARIABLES}
