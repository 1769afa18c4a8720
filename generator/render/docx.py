"""Word output: the one module that talks to docxtpl.

A template is read once per process; each render starts from its bytes. The body
of a paper is drawn as WordprocessingML in the template's own styles (render/wordml.py)
and handed to docxtpl as markup, so input text never reaches Jinja as template code.
"""
from __future__ import annotations

import datetime as dt
import io
import zipfile
import zlib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable

import jinja2
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.enum.style import WD_STYLE_TYPE
from docx.styles import BabelFish
from docxtpl import DocxTemplate
from lxml import etree
from markupsafe import Markup

from ..errors import TemplateProblem
from ..model import Meeting, Paper
from ..write.outputs import fixed_zip_entry, normalise_zip
from ..papers.base import plain as _plain
from .columns import TableMetrics
from .styleread import StyleSheet
from .wordml import Numbering, Styles, WordML

# styles the generator draws with; a template must define them all (by name)
REQUIRED_STYLES = [
    "Heading 1", "Heading 2", "Heading 3",
    "List Bullet", "List Bullet 2", "List Bullet 3",
    "List Number", "List Number 2", "List Number 3",
    "List Continue", "List Continue 2", "List Continue 3",
    "Numbered Paragraph", "Council Table", "Table Heading", "Table Text", "Hyperlink",
]
# the Word style type of each of those that is not a paragraph style (a table style drawn as a paragraph
# style, say, is silently ignored by Word)
STYLE_TYPES = {"Council Table": "table", "Hyperlink": "character"}
# the table style of label/value lines (a `table` of two columns without a header); optional: without it
# such a table is drawn in "Council Table" as before
LAYOUT_LINES_STYLE = "Layout Lines"
TEXT_WIDTH = 9026  # twips between A4 margins of 2.54 cm, when the template's section does not say


@dataclass(frozen=True)
class CoreProperties:
    title: str
    author: str
    subject: str
    date: dt.date
    language: str = "en-GB"


class _Environment(jinja2.Environment):
    """Compiles each template source once: docxtpl calls ``from_string`` on every render, with the
    same XML each time for one template (the body, the footer, each core property)."""

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self._compiled: dict[str, jinja2.Template] = {}

    def from_string(self, source: Any, globals: Any = None, template_class: Any = None) -> jinja2.Template:
        if globals is not None or template_class is not None or not isinstance(source, str):
            return super().from_string(source, globals, template_class)
        template = self._compiled.get(source)
        if template is None:  # a syntax error raises here and is not cached
            template = self._compiled[source] = super().from_string(source)
        return template


class _Template(DocxTemplate):
    """docxtpl without the work that gives the same result on every render of one template."""

    def __init__(self, blob: bytes, patched: dict[str, str]) -> None:
        super().__init__(io.BytesIO(blob))
        self._patched = patched  # shared by the renders of one template

    def patch_xml(self, src_xml: str) -> str:
        # a pure function of the template's own XML, which is the same on every render
        patched = self._patched.get(src_xml)
        if patched is None:
            patched = self._patched[src_xml] = super().patch_xml(src_xml)
        return patched

    def fix_tables(self, xml: str) -> Any:
        # docxtpl re-balances a table's grid when {%tc %} tags changed its cells per row, walking every
        # cell in Python; the tables drawn by wordml.py never need it, so check first (same result)
        tree = etree.fromstring(xml, parser=etree.XMLParser(recover=True))
        return super().fix_tables(xml) if _grid_needs_fixing(tree) else tree

    def render_properties(self, context: dict[str, Any], jinja_env: Any = None) -> None:
        # docxtpl renders each core property through Jinja; one without a tag (ours: they are set after the
        # render) would come out as it is, so it is only written back, as docxtpl writes every one of them
        core = self.docx.core_properties
        for prop in _RENDERED_PROPERTIES:
            value = getattr(core, prop)
            if "{" in value or "\r" in value or value.endswith("\n"):  # what Jinja would change
                value = (jinja_env or jinja2.Environment()).from_string(value).render(context)
            setattr(core, prop, value)

    def resolve_listing(self, xml: str) -> str:
        # docxtpl's "Listing" turns \t \a \n \f inside text into tabs and breaks, with regexes over the
        # whole rendered XML; wordml.text() never lets them through, so usually there is nothing to do
        if "\t" in xml or "\a" in xml or "\n" in xml or "\f" in xml:
            return super().resolve_listing(xml)
        return xml


# the core properties docxtpl's render_properties renders (docxtpl 0.18-0.20)
_RENDERED_PROPERTIES = ("author", "comments", "identifier", "language", "subject", "title")


def _grid_needs_fixing(tree: Any) -> bool:
    """Whether docxtpl's fix_tables would change a table: a row with more cells than grid columns, or
    more grid columns than the widest row spans."""
    w = tree.nsmap.get("w")
    if w is None:
        return True  # let docxtpl deal with it as it does
    tbl, grid, col, tr, tc, span = (f"{{{w}}}{n}" for n in ("tbl", "tblGrid", "gridCol", "tr", "tc", "gridSpan"))
    for t in tree.iter(tbl):
        tbl_grid = t.find(grid)
        if tbl_grid is None:
            return True
        columns = len(tbl_grid.findall(col))
        spans = t.find(f".//{span}") is not None
        widest = 0
        for row in t.iter(tr):
            cells = row.findall(tc)
            if len(cells) > columns:
                return True
            if spans:  # as docxtpl counts: a cell spans its gridSpan, else 1
                width = sum(int(s.get(f"{{{w}}}val")) if (s := c.find(f"{{{w}}}tcPr/{span}")) is not None else 1
                            for c in cells)
            else:
                width = len(cells)
            widest = max(widest, width)
        if columns > widest:
            return True
    return False


# parts that are compressed already (pictures): deflating them again costs about 5 ms per 300 KB and saves
# nothing, so they are stored
_STORED = (".png", ".jpg", ".jpeg", ".gif")
# zlib's fastest level for the XML parts: half the time of the default level 6 (0.6 ms a paper: 117 instead
# of 250 ms for the 210 documents of bench/synth.py's cycle), the documents about 17% larger (21.7 KB
# instead of 18.6 KB a paper)
_XML_LEVEL = 1


class _FixedTimeZip:
    """python-docx's physical package writer, writing entries with fixed times, pictures stored and the XML
    deflated at _XML_LEVEL."""

    def __init__(self, zf: zipfile.ZipFile) -> None:
        self.zf = zf

    def write(self, pack_uri: Any, blob: bytes) -> None:
        name = pack_uri.membername
        if name.lower().endswith(_STORED):
            self.zf.writestr(fixed_zip_entry(name), blob, compress_type=zipfile.ZIP_STORED)
        else:
            self.zf.writestr(fixed_zip_entry(name), blob, compresslevel=_XML_LEVEL)


def _package_bytes(tpl: DocxTemplate) -> bytes:
    """The document's package, as ``tpl.save()`` writes its parts, with fixed entry times (see _FixedTimeZip),
    in one pass: every part is compressed once, not twice."""
    try:
        from docx.opc.pkgwriter import PackageWriter

        write_types = PackageWriter._write_content_types_stream
        write_rels = PackageWriter._write_pkg_rels
        write_parts = PackageWriter._write_parts
    except (ImportError, AttributeError):  # pragma: no cover - another python-docx: the plain way
        buf = io.BytesIO()
        tpl.save(buf)
        return normalise_zip(buf.getvalue())
    package = tpl.docx.part.package
    parts = package.parts
    for part in parts:  # as OpcPackage.save; docxtpl's save adds only picture/media replacement, unused here
        part.before_marshal()
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        writer = _FixedTimeZip(zf)
        write_types(writer, parts)
        write_rels(writer, package.rels)
        write_parts(writer, parts)
    return out.getvalue()


def _stored(blob: bytes) -> bytes:
    """The template's package with its parts stored, not deflated: opened for every paper, it is then not
    inflated every time (a package that cannot be read is left as it is, to be refused when opened)."""
    out = io.BytesIO()
    try:
        with zipfile.ZipFile(io.BytesIO(blob)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as dst:
            for info in src.infolist():
                dst.writestr(info, src.read(info), compress_type=zipfile.ZIP_STORED)
    except (zipfile.BadZipFile, zlib.error, OSError, EOFError, RuntimeError, ValueError, NotImplementedError):
        return blob
    return out.getvalue()


class DocxRenderer:
    """Renders papers with one Word template; keep one per template per process.

    What depends on the template alone is worked out once: its XML as patched by docxtpl,
    the compiled Jinja templates, the style ids and list numbering.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            self.blob = _stored(path.read_bytes())
        except OSError as exc:
            raise TemplateProblem(f"{path.name}: cannot read the template ({exc.strerror})") from None
        self.env = _Environment(autoescape=True, undefined=jinja2.StrictUndefined)
        self._patched: dict[str, str] = {}
        self._layout: tuple[Styles, int, int] | None = None  # styles, bullet numId, number abstractNumId

    def _open(self) -> DocxTemplate:
        tpl = _Template(self.blob, self._patched)
        try:
            tpl.init_docx()
        except (zipfile.BadZipFile, KeyError, ValueError) as exc:
            raise TemplateProblem(f"{self.path.name}: not a Word document ({exc})") from None
        return tpl

    def render(self, build_context: Callable[[WordML], dict[str, Any]], props: CoreProperties,
               inspect: Callable[[Any], None] | None = None) -> bytes:
        """Render one document; ``build_context`` draws the body with the template's styles; ``inspect``, if
        given, is handed the python-docx Document as saved (the build audits it without reading it back)."""
        tpl = self._open()
        doc = tpl.docx
        numbering_el = doc.part.numbering_part.element
        if self._layout is None:
            styles = _styles(doc, self.path.name)
            self._layout = (styles, *_list_numbering(doc, numbering_el, self.path.name))
        styles, bullet_num, number_abstract = self._layout

        def new_num(abstract_id: int, ilvl: int, start: int) -> int:
            num = numbering_el.add_num(abstract_id)
            num.add_lvlOverride(ilvl=ilvl).add_startOverride(start)
            return int(num.numId)

        def link_id(url: str) -> str:
            return doc.part.relate_to(url, RT.HYPERLINK, is_external=True)

        def image_id(path: str) -> str:
            return doc.part.get_or_add_image(path)[0]

        wordml = WordML(styles, Numbering(bullet_num, number_abstract, new_num), link_id, image_id)
        context = build_context(wordml)
        try:
            tpl.render(context, self.env, autoescape=True)
        except jinja2.TemplateError as exc:
            where = " ".join(" ".join(getattr(exc, "docx_context", []) or []).split())
            raise TemplateProblem(f"{self.path.name}: template error: {exc.message or exc}"
                                  + (f" near: {where[:120]}" if where else "")) from None
        _set_core_properties(doc, props)
        data = _package_bytes(tpl)
        if inspect is not None:
            inspect(doc)
        return data


def find_style(doc: Any, name: str) -> Any:
    """A style by the name Word shows (KeyError if absent), also when saved by LibreOffice."""
    try:
        return doc.styles[name]
    except KeyError:
        # LibreOffice stores Word's built-in names capitalised ("Heading 1" for "heading 1"); python-docx
        # matches the stored name exactly
        wanted = BabelFish.ui2internal(name).lower()
        for style in doc.styles:
            if (style.element.name_val or "").lower() == wanted:
                return style
        raise


def _styles(doc: Any, template: str) -> Styles:
    ids: dict[str, str] = {}
    missing = []
    for name in REQUIRED_STYLES:
        try:
            ids[name] = find_style(doc, name).style_id
        except KeyError:
            missing.append(name)
    if missing:
        raise TemplateProblem(f"{template}: the template lacks the style"
                              f"{'s' if len(missing) > 1 else ''} {', '.join(repr(m) for m in missing)}")
    sheet = _style_sheet(doc)
    layout = _optional_style(doc, LAYOUT_LINES_STYLE, WD_STYLE_TYPE.TABLE)
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
        metrics=_table_metrics(doc, sheet, ids["Table Heading"], ids["Table Text"], ids["Council Table"]),
        paragraph_after=sheet.space_after(sheet.default_paragraph_style()),
        layout=layout,
        layout_margins=sheet.cell_margins(layout),
    )


def _table_metrics(doc: Any, sheet: StyleSheet, heading: str, text: str, table: str) -> TableMetrics:
    """The fonts of table headings and text, the cell margins and the text width, as the template sets them."""
    section = doc.sections[-1] if len(doc.sections) else None
    width = TEXT_WIDTH
    if section is not None and section.page_width is not None:
        # python-docx lengths are EMU: 635 to the twip
        width = (section.page_width - (section.left_margin or 0) - (section.right_margin or 0)) // 635
    return TableMetrics(text=sheet.font(text, table), heading=sheet.font(heading, table),
                        margins=sheet.cell_margins(table), width=int(width) if width > 1440 else TEXT_WIDTH)


def _style_sheet(doc: Any) -> StyleSheet:
    theme = next((rel.target_part.blob for rel in doc.part.rels.values()
                  if rel.reltype == RT.THEME and not rel.is_external), None)
    return StyleSheet(doc.styles.element, theme)


def _optional_style(doc: Any, name: str, kind: Any) -> str | None:
    """The id of a style the generator uses when the template has it (older templates may not)."""
    try:
        style = find_style(doc, name)
    except KeyError:
        return None
    return style.style_id if style.type == kind else None


def _list_numbering(doc: Any, numbering: Any, template: str) -> tuple[int, int]:
    """The bullet list's numId and the numbered list's abstractNumId, found through the list styles."""
    def num_of(style_name: str) -> int:
        ppr = find_style(doc, style_name).element.pPr
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


@lru_cache(maxsize=None)
def renderer(path: Path) -> DocxRenderer:
    """The process-wide renderer of a template file."""
    return DocxRenderer(path)


# the names each kind of template can use: exactly the keys of paper_context() and of render_agenda()'s
# context (tests/test_lint.py checks both), for `papers lint-template`; PAPER_VARIABLES (every paper
# type's, from generator/papers/) is given by __getattr__ below, so that importing this module loads no type
AGENDA_VARIABLES = ("council", "committee", "committee_short_name", "meeting_date", "meeting_day", "time", "venue",
                    "membership", "substitutes", "contact", "published", "items", "exempt_items", "has_pages",
                    "supplement")


def __getattr__(name: str) -> Any:
    if name == "PAPER_VARIABLES":
        from ..papers import paper_variables

        return paper_variables()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def patch_xml(xml: str) -> str:
    """A template part's XML as docxtpl hands it to Jinja: runs inside tags re-joined, {%p %} forms resolved."""
    return DocxTemplate.patch_xml(DocxTemplate(io.BytesIO()), xml)  # uses nothing of the instance


def paper_context(paper: Paper, wordml: WordML) -> dict[str, Any]:
    """Template variables of a paper: the common ones, then its type's (generator/papers/)."""
    from .. import papers

    context: dict[str, Any] = {
        "meeting_date": _plain(paper.meeting.long_date),
        "committee": _plain(paper.committee or paper.meeting.committee),
        "committee_short_name": _plain(paper.meeting.short_name),
        "item": _plain(paper.item),
        "title": _plain(paper.title),
        "report_of": _plain(paper.report_of),
        "exempt": paper.status == "exempt",
        "exempt_reason": _plain(paper.exempt_reason),
    }
    context.update(papers.empty_variables())
    context.update(papers.paper_type(paper.template).context(paper, wordml))
    return context


def render_paper(paper: Paper, template: Path, inspect: Callable[[Any], None] | None = None) -> bytes:
    """The .docx bytes of a paper (``inspect``: see DocxRenderer.render)."""
    props = CoreProperties(title=paper.title, author=paper.report_of or paper.meeting.committee,
                           subject=paper.meeting.committee, date=paper.meeting.date)
    return renderer(template).render(lambda wordml: paper_context(paper, wordml), props, inspect)


def render_agenda(meeting: Meeting, items: list[dict[str, str]], template: Path, supplement: int = 0) -> bytes:
    """The agenda front sheet: ``items`` hold number, title, description, part and pages (blank without a pack);
    Part 2 items are listed apart, as ``exempt_items``. With ``supplement`` n, the front sheet of supplement n
    ("Supplementary agenda n"), listing the revised and late items."""
    from ..publish.notice import printed_date, printed_time

    def row(item: dict[str, str]) -> dict[str, str]:
        return {key: _plain(str(value)) for key, value in item.items()}

    contact = meeting.contact
    context = {
        "council": _plain(meeting.council),
        "committee": _plain(meeting.committee),
        "committee_short_name": _plain(meeting.short_name),
        "meeting_date": _plain(meeting.long_date),
        "meeting_day": _plain(f"{meeting.date:%A} {meeting.long_date}"),
        "time": _plain(printed_time(meeting.time)),
        "venue": _plain(meeting.venue),
        "membership": [{"name": _plain(name), "role": _plain(role)} for name, role in meeting.membership],
        "substitutes": [_plain(name) for name in meeting.substitutes],
        "contact": ({key: _plain(contact.get(key)) for key in ("name", "title", "email")} if contact else None),
        "published": _plain(printed_date(meeting.published)) if meeting.published else "",
        "items": [row(i) for i in items if i.get("part", "1") != "2"],
        "exempt_items": [row(i) for i in items if i.get("part", "1") == "2"],
        "has_pages": any(i.get("page") for i in items),
        "supplement": f"Supplementary agenda {supplement}" if supplement else "",
    }
    kind = f"Supplementary agenda {supplement}" if supplement else "Agenda"
    props = CoreProperties(title=f"{kind}: {meeting.committee}, {meeting.long_date}", author=meeting.committee,
                           subject=meeting.committee, date=meeting.date)
    return renderer(template).render(lambda wordml: context, props)
