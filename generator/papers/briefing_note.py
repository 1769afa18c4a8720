"""The briefing note: a committee, a purpose, and sections whose paragraphs are numbered 1.1, 1.2 ... throughout."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..inputs.schema import Body, Label, PaperCommon, Strict, Text
from .base import body, plain

if TYPE_CHECKING:
    from ..assemble import Context
    from ..model import Paper
    from ..render.wordml import WordML


class BriefingSection(Strict):
    title: Text | None = None
    body: Body


class Schema(PaperCommon):
    committee: Text | None = None
    purpose: Label
    sections: list[BriefingSection]


VARIABLES: dict[str, Any] = {"purpose": plain(None), "sections": list}
REQUIRED_VARIABLES = (("committee",), ("title",), ("purpose",), ("sections",))
NUMBERED_PARAGRAPHS = True  # its top-level paragraphs are numbered by the Numbered Paragraph style


def assemble(parsed: Schema, ctx: "Context", paper: "Paper") -> None:
    """Fill ``paper`` from the validated input."""
    paper.committee = parsed.committee or paper.meeting.committee
    paper.purpose = parsed.purpose
    paper.sections = [ctx.section(s.title, s.body, ("sections", i, "body")) for i, s in enumerate(parsed.sections)]


def check_parts(data: dict[str, Any], ctx: "Context") -> None:
    """Check the section bodies of an input whose fields have errors."""
    ctx.check_sections(data.get("sections"))


def context(paper: "Paper", wordml: "WordML") -> dict[str, Any]:
    """The template variables of a briefing note."""
    return {
        "purpose": plain(paper.purpose),
        "sections": [{"title": plain(s.title), "body": body(wordml, s, numbered=True)} for s in paper.sections],
    }
