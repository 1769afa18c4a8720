"""Word output: the one module that talks to docxtpl.

A template is read once per process; each render starts from its bytes. The body
of a paper is drawn as WordprocessingML in the template's own styles (render/wordml.py)
and handed to docxtpl as markup, so input text never reaches Jinja as template code.
"""
from __future__ import annotations

import datetime as dt
import io
import zipfile
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable

import jinja2
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docxtpl import DocxTemplate
from markupsafe import Markup

from ..errors import TemplateProblem
from ..finance import finance_table
from ..model import FinanceTable, Meeting, Paper, Section
from .wordml import Numbering, Styles, WordML

FIXED_ZIP_TIME = (1980, 1, 1, 0, 0, 0)

# styles the generator draws with; a template must define them all (by name)
REQUIRED_STYLES = [
    "Heading 1", "Heading 2", "Heading 3",
    "List Bullet", "List Bullet 2", "List Bullet 3",
    "List Number", "List Number 2", "List Number 3",
    "List Continue", "List Continue 2", "List Continue 3",
    "Numbered Paragraph", "Council Table", "Table Heading", "Table Text", "Hyperlink",
]


@dataclass(frozen=True)
class CoreProperties:
    title: str
    author: str
    subject: str
    date: dt.date
    language: str = "en-GB"


class DocxRenderer:
    """Renders papers with one Word template; keep one per template per process."""

    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            self.blob = path.read_bytes()
        except OSError as exc:
            raise TemplateProblem(f"{path.name}: cannot read the template ({exc.strerror})") from None
        self.env = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined)

    def _open(self) -> DocxTemplate:
        tpl = DocxTemplate(io.BytesIO(self.blob))
        try:
            tpl.init_docx()
        except (zipfile.BadZipFile, KeyError, ValueError) as exc:
            raise TemplateProblem(f"{self.path.name}: not a Word document ({exc})") from None
        return tpl

    def render(self, build_context: Callable[[WordML], dict[str, Any]], props: CoreProperties) -> bytes:
        """Render one document; ``build_context`` draws the body with the template's styles."""
        tpl = self._open()
        doc = tpl.docx
        styles = _styles(doc, self.path.name)
        numbering_el = doc.part.numbering_part.element
        bullet_num, number_abstract = _list_numbering(doc, numbering_el, self.path.name)

        def new_num(abstract_id: int, ilvl: int, start: int) -> int:
            num = numbering_el.add_num(abstract_id)
            num.add_lvlOverride(ilvl=ilvl).add_startOverride(start)
            return int(num.numId)

        def link_id(url: str) -> str:
            return doc.part.relate_to(url, RT.HYPERLINK, is_external=True)

        wordml = WordML(styles, Numbering(bullet_num, number_abstract, new_num), link_id)
        context = build_context(wordml)
        try:
            tpl.render(context, self.env, autoescape=True)
        except jinja2.TemplateError as exc:
            where = " ".join(" ".join(getattr(exc, "docx_context", []) or []).split())
            raise TemplateProblem(f"{self.path.name}: template error: {exc.message or exc}"
                                  + (f" near: {where[:120]}" if where else "")) from None
        _set_core_properties(doc, props)
        buf = io.BytesIO()
        tpl.save(buf)
        return normalise_zip(buf.getvalue())


def _styles(doc: Any, template: str) -> Styles:
    ids: dict[str, str] = {}
    missing = []
    for name in REQUIRED_STYLES:
        try:
            ids[name] = doc.styles[name].style_id
        except KeyError:
            missing.append(name)
    if missing:
        raise TemplateProblem(f"{template}: the template lacks the style"
                              f"{'s' if len(missing) > 1 else ''} {', '.join(repr(m) for m in missing)}")
    return Styles(
        heading={1: ids["Heading 1"], 2: ids["Heading 2"], 3: ids["Heading 3"]},
        bullet=[ids["List Bullet"], ids["List Bullet 2"], ids["List Bullet 3"]],
        number=[ids["List Number"], ids["List Number 2"], ids["List Number 3"]],
        cont=[ids["List Continue"], ids["List Continue 2"], ids["List Continue 3"]],
        numbered_paragraph=ids["Numbered Paragraph"],
        table=ids["Council Table"],
        table_heading=ids["Table Heading"],
        table_text=ids["Table Text"],
        hyperlink=ids["Hyperlink"],
    )


def _list_numbering(doc: Any, numbering: Any, template: str) -> tuple[int, int]:
    """The bullet list's numId and the numbered list's abstractNumId, found through the list styles."""
    def num_of(style_name: str) -> int:
        ppr = doc.styles[style_name].element.pPr
        num_pr = ppr.numPr if ppr is not None else None
        if num_pr is None or num_pr.numId is None:
            raise TemplateProblem(f"{template}: the style '{style_name}' has no list numbering")
        return int(num_pr.numId.val)

    bullet = num_of("List Bullet")
    number = num_of("List Number")
    for num in numbering.num_lst:
        if int(num.numId) == number:
            return bullet, int(num.abstractNumId.val)
    raise TemplateProblem(f"{template}: the numbering of 'List Number' is missing")


def _set_core_properties(doc: Any, props: CoreProperties) -> None:
    core = doc.core_properties
    stamp = dt.datetime.combine(props.date, dt.time(0, 0))
    core.title = props.title
    core.author = props.author
    core.subject = props.subject
    core.language = props.language
    core.last_modified_by = "papers"
    core.created = stamp
    core.modified = stamp
    core.revision = 1


def normalise_zip(data: bytes) -> bytes:
    """Rewrite a package with fixed entry times so equal content gives equal bytes."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, FIXED_ZIP_TIME)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            dst.writestr(fixed, src.read(info.filename))
    return out.getvalue()


@lru_cache(maxsize=None)
def renderer(path: Path) -> DocxRenderer:
    """The process-wide renderer of a template file."""
    return DocxRenderer(path)


def _body(wordml: WordML, section: Section, numbered: bool = False) -> Markup:
    return Markup(wordml.blocks(section.blocks, numbered_paragraphs=numbered))


def _finance(wordml: WordML, table: FinanceTable) -> dict[str, Any]:
    return {"title": table.title or "Financial Information", "body": Markup(wordml.table(finance_table(table)))}


def paper_context(paper: Paper, wordml: WordML) -> dict[str, Any]:
    """Template variables of a paper (the names the shipped templates use)."""
    numbered = paper.template == "briefing_note"
    return {
        "meeting_date": paper.meeting.long_date,
        "committee": paper.committee or paper.meeting.committee,
        "committee_short_name": paper.meeting.short_name,
        "item": paper.item or "",
        "title": paper.title,
        "report_of": paper.report_of or "",
        "exempt": paper.status == "exempt",
        "exempt_reason": paper.exempt_reason or "",
        "purpose": paper.purpose or "",
        "introduction": ({"title": paper.introduction.title, "body": _body(wordml, paper.introduction)}
                         if paper.introduction else None),
        "recommendations": [Markup(wordml.runs(r)) for r in paper.recommendations],
        "sections": [{"title": s.title or "", "body": _body(wordml, s, numbered)} for s in paper.sections],
        "finance": _finance(wordml, paper.finance) if paper.finance else None,
    }


def render_paper(paper: Paper, template: Path) -> bytes:
    """The .docx bytes of a paper."""
    props = CoreProperties(title=paper.title, author=paper.report_of or paper.meeting.committee,
                           subject=paper.meeting.committee, date=paper.meeting.date)
    return renderer(template).render(lambda wordml: paper_context(paper, wordml), props)


def render_agenda(meeting: Meeting, items: list[dict[str, str]], template: Path) -> bytes:
    """The agenda front sheet: ``items`` hold number, title and page (blank without a pack)."""
    context = {
        "committee": meeting.committee,
        "committee_short_name": meeting.short_name,
        "meeting_date": meeting.long_date,
        "meeting_day": f"{meeting.date:%A} {meeting.long_date}",
        "time": meeting.time or "",
        "venue": meeting.venue or "",
        "items": items,
        "has_pages": any(i.get("page") for i in items),
    }
    props = CoreProperties(title=f"Agenda: {meeting.committee}, {meeting.long_date}", author=meeting.committee,
                           subject=meeting.committee, date=meeting.date)
    return renderer(template).render(lambda wordml: context, props)
