"""The committee report: the standard report for a decision, with the mandatory implications each verified by
a named officer (its sign-off), background papers and appendices.

Its sections' headings are text in templates/docx/committee_report.docx; this module provides their content.
A report is *cleared* when the financial, legal and diversity and equality implications each have a body and
a ``verified_by``; an uncleared one builds as a draft (DRAFT header, left out of the published pack) and each
missing item is a warning at its line (``--strict``: an error).
"""
from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

from markupsafe import Markup
from pydantic import BeforeValidator

from ..model import Appendix as AppendixFile
from ..model import Inline, Section
from ..inputs.schema import Body, Label, PaperCommon, Strict, Text
from . import cover
from .base import body, plain
from .cover import CoverFields, Officer

if TYPE_CHECKING:
    from ..assemble import Context
    from ..model import Paper
    from ..render.wordml import WordML

_NONE_MEANS_EMPTY = BeforeValidator(lambda v: [] if v is None else v)


class Implication(Strict):
    body: Body | None = None
    verified_by: Officer | None = None


class Implications(Strict):
    financial: Implication | None = None
    legal: Implication | None = None
    diversity_and_equality: Implication | None = None
    other: Body | None = None  # risk, health, sustainability, crime and disorder, staff: no sign-off


class Appendix(Strict):
    title: Label
    file: Label
    exempt: bool = False
    exempt_reason: Text | None = None


class Author(Strict):
    name: Label
    title: Label
    service: Text | None = None


class Schema(PaperCommon, CoverFields):
    report_of: Label
    wards: Label
    key_decision: bool
    accountable_director: Officer
    executive_summary: Body | None = None
    recommendations: Annotated[list[Text], _NONE_MEANS_EMPTY]
    introduction: Body
    issues_and_options: Body
    reasons: Body
    consultation: Body
    impact: Body
    implications: Implications = Implications()  # absent: a draft, each missing implication reported
    background_papers: Annotated[list[Text], _NONE_MEANS_EMPTY] = []
    appendices: Annotated[list[Appendix], _NONE_MEANS_EMPTY] = []
    report_author: Author


# the numbered sections with a body, in order (their headings are in the template)
SECTIONS = ("introduction", "issues_and_options", "reasons", "consultation", "impact")
# the implications that must be verified before the report is published, and who verifies each
SIGN_OFF = {"financial": "Finance", "legal": "Legal", "diversity_and_equality": "the equalities lead"}
# how every sign-off problem starts (papers check --publish tells them from other warnings by it)
NOT_PUBLISHABLE = "missing: the report cannot be published"
APPENDIX_TYPES = {".pdf": "a PDF", ".docx": "a Word document (.docx)", ".xlsx": "an Excel workbook (.xlsx)"}

VARIABLES: dict[str, Any] = {
    **cover.VARIABLES, "draft": False, "exempt_appendices": list, "executive_summary": None,
    "recommendations": list, **{name: None for name in SECTIONS}, "implications": None,
    "background_papers": list, "appendices": list, "report_author": None,
}
REQUIRED_VARIABLES = (("title",), ("report_of",), ("wards",), ("key_decision",), ("accountable_director",),
                      ("exempt",), ("exempt_reason",), ("exempt_appendices",), ("draft",), ("executive_summary",),
                      ("recommendations",), *((name,) for name in SECTIONS), ("implications",),
                      ("background_papers",), ("appendices",), ("report_author",))
NUMBERED_PARAGRAPHS = True  # the top-level paragraphs of sections 1-6 are numbered 2.1, 2.2 ...


@dataclass
class Details:
    """What a committee report adds to the paper model."""

    cover: dict[str, str]
    executive_summary: Section | None
    sections: dict[str, Section]
    implications: dict[str, tuple[Section | None, str]]  # key -> (body, "verified by" text)
    other: Section | None
    background_papers: list[list[Inline]]
    author: tuple[str, str, str]


def assemble(parsed: Schema, ctx: "Context", paper: "Paper") -> None:
    """Fill ``paper`` from the validated input, and check its sign-off."""
    rows = cover.assemble(parsed, ctx, paper)
    summary = (ctx.section("executive_summary", parsed.executive_summary, ("executive_summary",))
               if parsed.executive_summary is not None else None)
    paper.recommendations = [ctx.inline(r, ("recommendations", i)) for i, r in enumerate(parsed.recommendations)]
    sections = {name: ctx.section(name, getattr(parsed, name), (name,)) for name in SECTIONS}
    implications: dict[str, tuple[Section | None, str]] = {}
    for key in SIGN_OFF:
        given = getattr(parsed.implications, key)
        text = given.body if given is not None else None
        section = ctx.section(key, text, ("implications", key, "body")) if text is not None else None
        implications[key] = (section, cover.officer(given.verified_by) if given is not None else "")
    other = parsed.implications.other
    other_section = ctx.section("other", other, ("implications", "other")) if other is not None else None
    papers = [ctx.inline(p, ("background_papers", i)) for i, p in enumerate(parsed.background_papers)]
    appendices = [_appendix(ctx, n, a) for n, a in enumerate(parsed.appendices)]
    author = parsed.report_author
    paper.appendices = [a for a in appendices if a is not None]
    paper.details = Details(rows, summary, sections, implications, other_section, papers,
                            (author.name, author.title, author.service or ""))
    paper.sections = [s for s in [summary, *sections.values(), *(b for b, _ in implications.values()), other_section]
                      if s is not None]
    paper.draft = bool(sign_off_problems(ctx, parsed.implications))


def sign_off_problems(ctx: "Context", implications: Implications) -> list[Any]:
    """A warning at its line for each implication body or verification the report still lacks."""
    found = []
    for key, who in SIGN_OFF.items():
        given = getattr(implications, key)
        path: tuple[Any, ...] = ("implications", key)
        words = key.replace("_", " ")
        if given is None:
            found.append(ctx.doc.problem(path, f"{NOT_PUBLISHABLE} without its {words} implications, verified by "
                                               f"{who}", level="warning"))
            continue
        if given.body is None:
            found.append(ctx.doc.problem(path + ("body",), f"{NOT_PUBLISHABLE} until its {words} implications are "
                                                           "written", level="warning"))
        if given.verified_by is None:
            found.append(ctx.doc.problem(path + ("verified_by",), f"{NOT_PUBLISHABLE} until {who} verifies its "
                                                                  "implications", level="warning"))
    ctx.problems.extend(found)
    return found


def _appendix(ctx: "Context", n: int, appendix: Appendix) -> AppendixFile | None:
    path: tuple[Any, ...] = ("appendices", n)
    suffix = Path(appendix.file).suffix.lower()
    if suffix not in APPENDIX_TYPES:
        ctx.problems.append(ctx.doc.problem(path + ("file",), f"'{appendix.file}': an appendix must be "
                                            f"{', '.join(APPENDIX_TYPES.values())}"))
        return None
    found = ctx.file(appendix.file, path + ("file",), "appendix file", tuple(APPENDIX_TYPES))
    if found is None:
        return None
    unreadable = _unreadable(found)
    if unreadable:
        ctx.problems.append(ctx.doc.problem(path + ("file",), f"cannot read {appendix.file}: {unreadable}"))
        return None
    # an exempt appendix without its reason is reported by check_appendices, on the raw data
    return AppendixFile(n + 1, appendix.title, appendix.file, appendix.exempt,
                        appendix.exempt_reason)


def _unreadable(path: Path) -> str | None:
    """Why LibreOffice could not print an appendix file, or None when it looks like what its name says."""
    suffix = path.suffix.lower()
    try:
        if suffix == ".pdf":
            from pypdf import PdfReader
            from pypdf.errors import PyPdfError

            try:
                return None if len(PdfReader(path).pages) else "the PDF has no pages"
            except (PyPdfError, ValueError, KeyError) as exc:
                return f"not a readable PDF ({exc.__class__.__name__})"
        part = {".docx": "word/document.xml", ".xlsx": "xl/workbook.xml"}[suffix]
        with zipfile.ZipFile(path) as zf:
            if part not in zf.namelist():
                return f"not {APPENDIX_TYPES[suffix]}"
    except zipfile.BadZipFile:
        return f"not {APPENDIX_TYPES[suffix]} (perhaps an older format: save it as {suffix} in Office)"
    except OSError as exc:
        return exc.strerror or str(exc)
    return None


def check_parts(data: dict[str, Any], ctx: "Context") -> None:
    """Check the bodies of an input whose fields have errors."""
    for name in ("executive_summary", *SECTIONS):
        ctx.check_body(data.get(name), (name,))
    implications = data.get("implications")
    if isinstance(implications, dict):
        for key in SIGN_OFF:
            if isinstance(implications.get(key), dict):
                ctx.check_body(implications[key].get("body"), ("implications", key, "body"))
        ctx.check_body(implications.get("other"), ("implications", "other"))
    for name in ("recommendations", "background_papers"):
        items = data.get(name)
        for i, text in enumerate(items if isinstance(items, list) else []):
            if isinstance(text, str):
                ctx.inline(text, (name, i))


def _is_true(value: Any) -> bool:
    """Whether a raw value is one the schema reads as true (``true``, ``yes`` ... in any case)."""
    from pydantic import TypeAdapter, ValidationError

    try:
        return TypeAdapter(bool).validate_python(value) is True
    except ValidationError:
        return False


def raw_problems(doc: Any) -> list[Any]:
    """An exempt appendix must say why (checked on the raw data, as a paper's own exemption is)."""
    found = []
    appendices = doc.data.get("appendices")
    for i, a in enumerate(appendices if isinstance(appendices, list) else []):
        if isinstance(a, dict) and _is_true(a.get("exempt")):
            reason = a.get("exempt_reason")
            if not (reason.strip() if isinstance(reason, str) else reason):
                found.append(doc.problem(("appendices", i, "exempt"), "'exempt: true' requires 'exempt_reason' "
                                         "(the paragraph of Schedule 12A that applies)"))
    return found


def context(paper: "Paper", wordml: "WordML") -> dict[str, Any]:
    """The template variables of a committee report."""
    d: Details = paper.details
    numbered = {name: {"body": body(wordml, section, numbered=True)} for name, section in d.sections.items()}
    return {
        **cover.context(d.cover),
        "draft": paper.draft,
        "exempt_appendices": [{"number": a.number, "title": plain(a.title), "reason": plain(a.exempt_reason)}
                              for a in paper.appendices if a.exempt],
        "executive_summary": body(wordml, d.executive_summary) if d.executive_summary is not None else None,
        "recommendations": [Markup(wordml.runs(r)) for r in paper.recommendations],
        **numbered,
        "implications": {
            **{key: {"body": body(wordml, section) if section is not None else None, "verified_by": plain(who)}
               for key, (section, who) in d.implications.items()},
            "other": body(wordml, d.other) if d.other is not None else None,
        },
        "background_papers": [Markup(wordml.runs(p)) for p in d.background_papers],
        "appendices": [{"number": a.number, "title": plain(a.title), "exempt": a.exempt} for a in paper.appendices],
        "report_author": {"name": plain(d.author[0]), "title": plain(d.author[1]), "service": plain(d.author[2])},
    }
