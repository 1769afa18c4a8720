"""The portfolio holder report: a Cabinet Member's introduction, recommendations, one section per service
area and the portfolio's financial table."""
from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

from markupsafe import Markup
from pydantic import BeforeValidator

from ..inputs.schema import Body, FinanceItem, Label, PaperCommon, Section, Strict, Text, TopFinance
from . import cover
from .base import body, plain
from .cover import CoverFields

if TYPE_CHECKING:
    from ..assemble import Context
    from ..model import Paper
    from ..render.wordml import WordML


class Introduction(Strict):
    title: Label = "Introduction by Cabinet Member"
    body: Body


class Schema(PaperCommon, CoverFields):
    report_of: Label
    introduction: Introduction | None = None
    # "recommendations:" left empty means none, as leaving the field out does
    recommendations: Annotated[list[Text], BeforeValidator(lambda v: [] if v is None else v)] = []
    sections: list[Section]
    finance: TopFinance | None = None


# the template variables of this type, with their value in papers of other types
VARIABLES: dict[str, Any] = {**cover.VARIABLES, "introduction": None, "recommendations": list, "sections": list,
                             "finance": None}
# what the template must print (papers lint-template: missing-variable)
REQUIRED_VARIABLES = (("title",), ("report_of",), ("introduction",), ("recommendations",), ("sections",),
                      ("finance",), ("exempt",), ("exempt_reason",))
NUMBERED_PARAGRAPHS = False


def assemble(parsed: Schema, ctx: "Context", paper: "Paper") -> None:
    """Fill ``paper`` from the validated input."""
    paper.details = cover.assemble(parsed, ctx, paper)
    if parsed.introduction is not None:
        paper.introduction = ctx.section(parsed.introduction.title, parsed.introduction.body,
                                         ("introduction", "body"))
    paper.recommendations = [ctx.inline(r, ("recommendations", i)) for i, r in enumerate(parsed.recommendations)]
    paper.sections = [ctx.section(s.title, s.body, ("sections", i, "body")) for i, s in enumerate(parsed.sections)]
    if parsed.finance is not None:
        wrapped = isinstance(parsed.finance, FinanceItem)
        block = parsed.finance.finance if wrapped else parsed.finance
        paper.finance = ctx.finance(block, ("finance", "finance") if wrapped else ("finance",))


def check_parts(data: dict[str, Any], ctx: "Context") -> None:
    """Check the bodies, recommendations and finance of an input whose fields have errors."""
    if isinstance(data.get("introduction"), dict):
        ctx.check_body(data["introduction"].get("body"), ("introduction", "body"))
    ctx.check_sections(data.get("sections"))
    recommendations = data.get("recommendations")
    for i, text in enumerate(recommendations if isinstance(recommendations, list) else []):
        if isinstance(text, str):
            ctx.inline(text, ("recommendations", i))
    if isinstance(data.get("finance"), dict):
        ctx.check_top_finance(data["finance"], ("finance",))


def context(paper: "Paper", wordml: "WordML") -> dict[str, Any]:
    """The template variables of a portfolio holder report."""
    return {
        **cover.context(paper.details),
        "introduction": ({"title": plain(paper.introduction.title), "body": body(wordml, paper.introduction)}
                         if paper.introduction else None),
        "recommendations": [Markup(wordml.runs(r)) for r in paper.recommendations],
        "sections": [{"title": plain(s.title), "body": body(wordml, s)} for s in paper.sections],
        "finance": _finance(wordml, paper.finance) if paper.finance else None,
    }


def _finance(wordml: "WordML", table: Any) -> dict[str, Any]:
    from ..finance import finance_table

    return {"title": plain(table.title or "Financial Information"), "body": Markup(wordml.table(finance_table(table)))}
