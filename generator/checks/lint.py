"""`papers lint-template`: is a Word or Excel template, as someone edited it, still one the generator can use?

Word templates are read the way docxtpl reads them when the generator renders: each part (the body,
headers, footers, footnotes and the core properties docxtpl fills in) goes through docxtpl's own
XML patching (render/docx.py's ``patch_xml``) and is then parsed by Jinja. A finding points at the
paragraph (and table cell, header or footer part) an officer has to fix in Word. The workbook
template is loaded with openpyxl as render/xlsx.py loads it. Nothing is printed here: the CLI does.
"""
from __future__ import annotations

import html
import io
import re
import warnings
import zipfile
from collections.abc import Iterable, Iterator
from copy import deepcopy
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2
from jinja2 import meta
from lxml import etree

from .. import build, papers
from ..errors import Level
from ..render import docx as docx_render

# The rules, as README.md describes them; every Finding carries one of these names.
RULES = {
    "unreadable": "the file is not a Word/Excel file the generator can open",
    "unknown-template": "the generator uses no template of that name, so its variables are not checked",
    "jinja-syntax": "a Jinja tag the template engine cannot parse",
    "split-tag": "a tag Word split (across paragraphs, or around a field, tracked change or hyperlink) that "
                 "docxtpl cannot re-join",
    "unknown-variable": "a variable the generator does not provide: every paper would fail",
    "missing-variable": "a variable carrying the paper's content is never used: it would be left out silently",
    "missing-style": "a style (Word) or named cell style (Excel) the generator draws with is missing",
    "style-type": "a style the generator needs exists with the wrong type (e.g. a paragraph style for a table)",
    "list-numbering": "a list style has no list numbering attached",
    "lost-text": "text beside a {%p %}, {{p }} or {%tr %} tag, which docxtpl removes with the paragraph or row",
    "missing-sheet": "a model sheet of the workbook template is missing",
    "broken-reference": "a formula or defined name refers to a sheet that does not exist (or to #REF!)",
}

# Template names the generator reads for the agenda and the workbook; papers name theirs
# (generator/papers/) in `template:`.
AGENDA_TEMPLATE = Path(build.AGENDA_TEMPLATE).stem
WORKBOOK_TEMPLATE = build.WORKBOOK

# What each kind of Word template must print: the variables that carry the content of a paper's (or
# meeting's) input, which would otherwise be left out of every document without any error. Each entry
# is a group of alternatives: the agenda may print the date as meeting_day or as meeting_date.
# Cosmetic variables (committee_short_name, item, meeting_date on a paper, has_pages) may be dropped.
REQUIRED_VARIABLES: dict[str, tuple[tuple[str, ...], ...]] = {
    **{name: papers.paper_type(name).REQUIRED_VARIABLES for name in papers.NAMES},
    AGENDA_TEMPLATE: (("committee",), ("meeting_day", "meeting_date"), ("time",), ("venue",), ("items",)),
}

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
MARK = f"{{{W}}}lintp"  # our paragraph number, put on each w:p to find it again in docxtpl's output
HEADER_RT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/header"
FOOTER_RT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer"
FOOTNOTES_CT = "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"
# the core properties docxtpl renders as Jinja templates (DocxTemplate.render_properties)
CORE_PROPERTIES = ("author", "comments", "identifier", "language", "subject", "title")

# Statement tags that only make sense with their partner (checked when the whole part is parsed), and
# docxtpl's own cell tags, which its patching turns into XML before Jinja sees them.
PARTNER_TAGS = {"else", "elif", "endfor", "endif", "endmacro", "endcall", "endfilter", "endset", "endwith",
                "endblock", "endautoescape", "endraw", "endtrans", "pluralize", "vm", "hm", "colspan", "cellbg"}
JINJA_TAGS = sorted(PARTNER_TAGS | {"for", "if", "set", "macro", "call", "filter", "with", "block", "include",
                                    "import", "from", "extends", "autoescape", "raw", "print"})
# what Word puts inside a tag that docxtpl cannot strip, by element name, for the message
SPLITTERS = {"instrText": "a field code", "fldChar": "a field", "fldSimple": "a field", "delText": "a tracked deletion",
             "del": "a tracked deletion", "hyperlink": "a hyperlink", "sdt": "a content control",
             "sdtContent": "a content control", "smartTag": "a smart tag", "commentRangeStart": "a comment",
             "commentRangeEnd": "a comment", "customXml": "a custom XML element"}
OPENER = re.compile(r"\{[{%#]")
CLOSER = {"{": "}}", "%": "%}", "#": "#}"}
MARKUP = re.compile(r"</?[A-Za-z][\w.-]*:([A-Za-z][\w.-]*)")
TAG_PREFIX = re.compile(r"^(tr|tc|p|r) ")  # docxtpl's {%p ..%}, {{r ..}} forms: no space before the letters
XML_PARSER = etree.XMLParser(remove_blank_text=True, resolve_entities=False)  # as python-docx parses parts
FIX_RETYPE = "fix: delete the whole tag in Word and type it again in one go, with Track Changes off"


@dataclass(frozen=True)
class Finding:
    """One problem of a template, located as an officer finds it in Word or Excel."""

    file: str
    where: str
    rule: str
    level: Level
    message: str

    def __str__(self) -> str:
        return ": ".join([self.file] + ([self.where] if self.where else []) + [self.rule, self.level, self.message])


def default_files(templates: Path) -> list[Path]:
    """The templates the generator reads from a templates folder: docx/*.docx and xlsx/*.xlsx."""
    return [p for p in sorted((templates / "docx").glob("*.docx")) + sorted((templates / "xlsx").glob("*.xlsx"))
            if not _lock_file(p)]


def template_files(paths: Iterable[Path]) -> list[Path]:
    """The files to lint: each file given, and the .docx/.xlsx files below each folder given."""
    out: list[Path] = []
    for path in paths:
        if path.is_dir():
            out += sorted(p for p in path.rglob("*") if p.suffix.lower() in (".docx", ".xlsx") and p.is_file()
                          and not _lock_file(p))
        else:
            out.append(path)
    return out


def display_names(files: list[Path]) -> list[str]:
    """How findings name each file: its name, or its path where two files share a name."""
    names = [f.name for f in files]
    return [f.name if names.count(f.name) == 1 else str(f) for f in files]


def lint_results(files: list[Path]) -> list[tuple[str, list[Finding]]]:
    """Each template file, by the name it is shown under, with its findings."""
    return [(name, lint_file(f, name)) for f, name in zip(files, display_names(files))]


def lint_paths(paths: Iterable[Path]) -> list[Finding]:
    """Every finding of every template under ``paths``, file by file in the order given."""
    return [finding for _, findings in lint_results(template_files(paths)) for finding in findings]


def _lock_file(path: Path) -> bool:
    return path.name.startswith("~$")  # ~$name.docx: the lock file Word/Excel keep beside an open file


def lint_file(path: Path, name: str | None = None) -> list[Finding]:
    """The findings of one template file; ``name`` is how findings name it (default: the file name)."""
    label = name or path.name
    suffix = path.suffix.lower()
    if suffix not in (".docx", ".xlsx"):
        return [Finding(label, "", "unreadable", "error", "not a .docx or .xlsx file: Word templates are "
                        "templates/docx/*.docx and the workbook template is templates/xlsx/budget.xlsx")]
    try:
        blob = path.read_bytes()
    except OSError as exc:
        return [Finding(label, "", "unreadable", "error", f"cannot read the file ({exc.strerror})")]
    try:
        if suffix == ".docx":
            return _DocxLint(label, path.stem, blob).run()
        return _lint_xlsx(label, blob)
    except Exception as exc:  # noqa: BLE001  # a file damaged in a way no rule foresaw: a finding, not a traceback
        return [Finding(label, "", "unreadable", "error", f"could not be checked ({type(exc).__name__}: {exc}); "
                        "fix: open it in Word or Excel and save it again")]


# -- Word templates ---------------------------------------------------------------------------

@dataclass
class _Para:
    """A paragraph of a part: where it is, what Word shows, and the tags docxtpl sees in it."""

    index: int
    where: str
    visible: str
    xml: str  # docxtpl's patching of this paragraph alone
    tags: list[str]  # tags in ``xml``
    element: Any


@dataclass
class _Part:
    label: str  # "" for the body, "footer1" ..., "core property 'title'"
    paragraphs: list[_Para] = field(default_factory=list)
    source: str = ""  # what Jinja parses, our paragraph marks included
    failed: bool = False  # a tag finding or a parse error: the part's variables are unknown


class _DocxLint:
    def __init__(self, name: str, stem: str, blob: bytes) -> None:
        self.name, self.stem, self.blob = name, stem, blob
        self.kind = stem if stem in REQUIRED_VARIABLES else None
        self.env = jinja2.Environment(autoescape=True)  # the generator's syntax and filters
        self.findings: list[Finding] = []

    def add(self, where: str, rule: str, message: str, level: Level = "error") -> None:
        self.findings.append(Finding(self.name, where, rule, level, message))

    def run(self) -> list[Finding]:
        doc = self._open()
        if doc is None:
            return self.findings
        if self.kind is None:
            self.add("", "unknown-template", f"the generator uses no Word template named '{self.stem}' (papers name "
                     f"{', '.join(k for k in REQUIRED_VARIABLES if k != AGENDA_TEMPLATE)} in `template:`, meetings "
                     f"use {AGENDA_TEMPLATE}.docx): its variables are not checked", "warning")
        parts = list(self._parts(doc))
        used: dict[str, str] = {}  # variable -> where first used
        for part in parts:
            self._lint_part(part, used)
        self._check_variables(parts, used)
        self._check_styles(doc)
        return self.findings

    def _open(self) -> Any:
        """The template opened as the generator opens it (python-docx), or None with a finding."""
        import docx  # python-docx, as docxtpl uses it

        try:
            with zipfile.ZipFile(io.BytesIO(self.blob)):
                pass
        except zipfile.BadZipFile:
            self.add("", "unreadable", "not a Word document (the file is not a .docx package); fix: open it in "
                     "Word and save it as Word Document (.docx)")
            return None
        try:
            return docx.Document(io.BytesIO(self.blob))
        except Exception as exc:  # noqa: BLE001  # a damaged package fails inside python-docx in many ways
            self.add("", "unreadable", f"not a Word document the generator can open ({exc}); fix: open it in "
                     "Word and save it as Word Document (.docx)")
            return None

    def _parts(self, doc: Any) -> Iterator[_Part]:
        """The parts docxtpl renders, in its order: body, headers, footers, core properties, footnotes."""
        body = deepcopy(doc.element.body)  # marks go on a copy
        yield self._xml_part("", body)
        for reltype, word in ((HEADER_RT, "header"), (FOOTER_RT, "footer")):
            for rel in doc.part.rels.values():
                if rel.reltype == reltype and not rel.is_external and rel.target_part.blob:
                    yield self._xml_part(_part_label(rel.target_part.partname, word), rel.target_part.blob)
        core = doc.core_properties
        for prop in CORE_PROPERTIES:
            part = _Part(f"core property '{prop}'")
            part.source = getattr(core, prop) or ""
            yield part
        for part in doc.part.package.parts:
            if part.content_type == FOOTNOTES_CT:
                yield self._xml_part("footnotes", part.blob)

    def _xml_part(self, label: str, xml: Any) -> _Part:
        part = _Part(label)
        try:
            root = etree.fromstring(xml, XML_PARSER) if isinstance(xml, bytes) else xml
        except etree.XMLSyntaxError as exc:
            self.add(label, "unreadable", f"the XML of this part is damaged ({exc}); fix: open the file in Word "
                     "and save it again")
            part.failed = True
            return part
        tables = {t: n for n, t in enumerate(root.iter(f"{{{W}}}tbl"), start=1)}  # elements kept alive as keys
        for n, p in enumerate(root.iter(f"{{{W}}}p"), start=1):
            p.set(MARK, str(n))
        for p in root.iter(f"{{{W}}}p"):
            n = int(p.get(MARK))
            alone = deepcopy(p)
            for inner in list(alone.iter(f"{{{W}}}p"))[1:]:  # a text box's paragraphs are paragraphs of their own
                inner.getparent().remove(inner)
            xml_alone = docx_render.patch_xml(etree.tostring(alone, encoding="unicode"))
            visible = "".join(t.text or "" for t in p.iter(f"{{{W}}}t")
                              if next(t.iterancestors(f"{{{W}}}p")) is p)
            part.paragraphs.append(_Para(n, _where(label, n, p, tables, visible), visible, xml_alone,
                                         _tags(xml_alone)[0], p))
        # docxtpl's own view of the whole part; render_xml_part starts a line at each paragraph
        source = docx_render.patch_xml(etree.tostring(root, encoding="unicode"))
        part.source = re.sub(r"<w:p([ >])", r"\n<w:p\1", source)
        return part

    # -- tags and syntax --------------------------------------------------------------------

    def _lint_part(self, part: _Part, used: dict[str, str]) -> None:
        before = len(self.findings)
        for i, para in enumerate(part.paragraphs):
            following = part.paragraphs[i + 1].visible if i + 1 < len(part.paragraphs) else ""
            self._lint_paragraph(para, following)
        if part.failed:
            return
        if any(f.level == "error" for f in self.findings[before:]):
            part.failed = True  # the whole-part error would repeat what is reported
            return
        try:
            ast = self.env.parse(part.source)
            self.env.compile(ast)  # unknown filters and tests fail here, as in the generator's from_string
        except jinja2.TemplateSyntaxError as exc:
            part.failed = True
            where, opener = self._locate(part, exc)
            message = _message(exc)
            if opener:  # Jinja reports the end of the part; the officer needs the tag that opened the block
                message = f"unexpected end of template: the {{% {opener} %}} opened here has no {{% end{opener} %}}"
            self.add(where, "jinja-syntax", f"{message}; fix: {_syntax_fix(exc)}")
            return
        for name in sorted(meta.find_undeclared_variables(ast)):
            used.setdefault(name, self._first_use(part, name))

    def _lint_paragraph(self, para: _Para, following: str) -> None:
        where = para.where
        for tag in para.tags:  # markup docxtpl could not strip is left inside the tag Jinja parses
            names = [m.group(1) for m in MARKUP.finditer(tag)]
            if names:
                inside = sorted({SPLITTERS[n] for n in names if n in SPLITTERS}) or ["other Word content"]
                self.add(where, "split-tag", f"Word split the tag {_quote(_text_of(tag))} around "
                         f"{' and '.join(inside)}; docxtpl cannot re-join it; {FIX_RETYPE}")
                return
        shown, unclosed = _tags(para.visible)
        if unclosed is not None:
            closer = CLOSER[unclosed[1]]
            next_tag = OPENER.search(following)
            if closer in following[:next_tag.start() if next_tag else None]:  # the tag goes on in the next one
                self.add(where, "split-tag", f"the tag {_quote(unclosed)} ends in the next paragraph: a tag must "
                         "sit within one paragraph (docxtpl would merge the two); fix: join the paragraphs "
                         "(Delete at the end of this one) or retype the tag")
            else:
                problem = _parse_problem(self.env, unclosed)
                self.add(where, "jinja-syntax", f"{problem or 'unexpected end of template'}: the tag "
                         f"{_quote(unclosed)} is not closed with {closer}; fix: end it with {closer}")
            return
        seen = [_normal(t) for t in para.tags]
        for tag in shown:
            if _normal(tag) not in seen:
                self.add(where, "split-tag", f"Word shows {_quote(tag)} but docxtpl will not read it as a tag: "
                         "its characters are separated by hidden content (a tracked deletion, field or comment); "
                         + FIX_RETYPE)
                return
        try:
            etree.fromstring(f"<lint>{_without_tags(para.xml)}</lint>")  # a {%p %} paragraph leaves no element
        except etree.XMLSyntaxError:
            self.add(where, "split-tag", "docxtpl's re-joining of a tag here cuts through a hyperlink, field or "
                     "content control and would corrupt every document; " + FIX_RETYPE
                     + " outside the hyperlink or field")
            return
        for tag in para.tags:
            opener, prefix, inner = _parts_of(tag)
            if prefix in ("tr", "tc") and next(para.element.iterancestors(f"{{{W}}}{prefix}"), None) is None:
                self.add(where, "jinja-syntax", f"{_quote(tag)} is not inside a table "
                         f"{'row' if prefix == 'tr' else 'cell'}: docxtpl leaves it to Jinja, which knows no tag "
                         f"'{prefix}'; fix: move it into the table or use {opener}p ...")
                continue
            problem = _tag_problem(self.env, opener, inner)
            if problem:
                close = _close_match(_statement(tag), JINJA_TAGS) if "unknown tag" in problem else None
                self.add(where, "jinja-syntax", f"{problem} in {_quote(tag)}; fix: "
                         + (f"did you mean '{close}'?" if close else "correct the tag"))
        self._lost_text(para, shown)

    def _lost_text(self, para: _Para, shown: list[str]) -> None:
        """Text beside a tag that makes docxtpl replace its whole paragraph (or table row) is lost."""
        by_prefix = {_parts_of(t)[1]: t for t in shown}  # docxtpl's view has them resolved
        for prefix, element in (("tr", f"{{{W}}}tr"), ("p", f"{{{W}}}p")):
            if prefix not in by_prefix:
                continue
            scope = para.element if prefix == "p" else next(para.element.iterancestors(element), None)
            if scope is None:
                continue
            text = "".join(t.text or "" for t in scope.iter(f"{{{W}}}t"))
            rest = _without_tags(text).strip()
            if rest:
                self.add(para.where, "lost-text", f"{_quote(rest)} is removed with the "
                         f"{'paragraph' if prefix == 'p' else 'table row'} of {_quote(by_prefix[prefix])}, so it "
                         "never appears in a document; fix: move it to a paragraph of its own", "warning")

    def _locate(self, part: _Part, exc: jinja2.TemplateSyntaxError) -> tuple[str, str]:
        """The paragraph a whole-part syntax error comes from, and the block tag left open there, if that is it."""
        message = exc.message or ""
        if message.startswith("Unexpected end of template"):  # Jinja points at the end: name the opening tag
            unclosed = _innermost_unclosed(part.paragraphs)
            if unclosed is not None:
                return unclosed[1].where, unclosed[0]
        # each paragraph starts a line of the source, unless docxtpl replaced it by its tag ({%p %}, {%tr %}):
        # then that tag ends the line of the paragraph before
        on_line, line = [], 1
        for para in part.paragraphs:
            at = part.source.find(f' w:lintp="{para.index}"')
            if at >= 0:
                line = part.source.count("\n", 0, at) + 1
            if line == exc.lineno:
                on_line.append(para)
        unknown = re.match(r"Encountered unknown tag '(\w+)'", message)
        if unknown:
            named = [p for p in on_line or part.paragraphs if any(_statement(t) == unknown.group(1) for t in p.tags)]
            on_line = named or on_line
        return (on_line[0].where if on_line else part.label or "document body"), ""

    def _first_use(self, part: _Part, name: str) -> str:
        word = re.compile(rf"(?<![\w.]){re.escape(name)}\b")
        for para in part.paragraphs:
            if any(word.search(_parts_of(t)[2]) for t in para.tags):
                return para.where
        return part.label or "document body"

    # -- variables --------------------------------------------------------------------------

    def _check_variables(self, parts: list[_Part], used: dict[str, str]) -> None:
        if self.kind is None:
            return
        provided = docx_render.AGENDA_VARIABLES if self.kind == AGENDA_TEMPLATE else docx_render.PAPER_VARIABLES
        meant = set()  # a misspelt variable: the one it should be is not reported missing as well
        for name, where in used.items():
            if name not in provided:
                close = _close_match(name, provided)
                if close:
                    meant.add(close)
                self.add(where, "unknown-variable", f"'{name}' is not a variable the generator provides for "
                         f"{self.stem}.docx, so every document would fail"
                         + (f"; fix: did you mean '{close}'?" if close else
                            f"; fix: use one of {', '.join(sorted(provided))}"))
        if any(p.failed for p in parts):
            return  # a part that does not parse hides what it uses
        for group in REQUIRED_VARIABLES[self.kind]:
            if not any(name in used or name in meant for name in group):
                self.add("", "missing-variable", f"the template never uses {' or '.join(repr(g) for g in group)}, "
                         f"so that part of every {self.stem.replace('_', ' ')} would be left out; fix: put "
                         f"{{{{ {group[0]} }}}} (or the shipped template's block for it) back")

    # -- styles -----------------------------------------------------------------------------

    def _check_styles(self, doc: Any) -> None:
        from docx.enum.style import WD_STYLE_TYPE

        types = {"paragraph": WD_STYLE_TYPE.PARAGRAPH, "character": WD_STYLE_TYPE.CHARACTER,
                 "table": WD_STYLE_TYPE.TABLE, "numbering": WD_STYLE_TYPE.LIST}
        type_names = {v: k for k, v in types.items()}
        styles: dict[str, Any] = {}
        for name in docx_render.REQUIRED_STYLES:
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                try:
                    style = docx_render.find_style(doc, name)
                except KeyError:
                    self.add("", "missing-style", _missing_style(name))
                    continue
            if caught:  # python-docx found it by its id only: someone renamed the style
                self.add("", "missing-style", f"the style '{name}' was renamed to '{style.name}'; the generator "
                         f"still finds it by its id '{style.style_id}'; fix: rename it back to '{name}'", "warning")
            styles[name] = style
            expected = docx_render.STYLE_TYPES.get(name, "paragraph")
            if style.type != types[expected]:
                self.add("", "style-type", f"'{name}' must be a {expected} style, the template has a "
                         f"{type_names.get(style.type, 'other')} style; fix: delete it and create "
                         f"it again as a {expected} style")
        try:  # optional: without it, label/value lines are drawn in 'Council Table'
            lines = docx_render.find_style(doc, docx_render.LAYOUT_LINES_STYLE)
        except KeyError:
            lines = None
        if lines is not None and lines.type != WD_STYLE_TYPE.TABLE:
            self.add("", "style-type", f"'{docx_render.LAYOUT_LINES_STYLE}' must be a table style, the template has "
                     f"a {type_names.get(lines.type, 'other')} style, so two-column tables without a header are "
                     f"drawn as data tables; fix: delete it and create it again as a table style", "warning")
        nums = _numbering(doc)
        # List Bullet and List Number: the generator reads their numbering (render/docx.py _list_numbering);
        # the deeper bullet levels and briefing notes' numbered paragraphs get theirs from the style in Word
        own = ["List Bullet", "List Number"]
        numbered = self.kind in papers.NAMES and papers.paper_type(self.kind).NUMBERED_PARAGRAPHS
        inherited = ["List Bullet 2", "List Bullet 3"] + (["Numbered Paragraph"] if numbered else [])
        for name in own + inherited:
            style = styles.get(name)
            if style is None or style.type != WD_STYLE_TYPE.PARAGRAPH:
                continue
            num = _style_num(style, inherit=name in inherited)
            if num is None or num not in nums:
                what = "has no list numbering" if num is None else f"refers to list numbering {num}, which is missing"
                self.add("", "list-numbering", f"the style '{name}' {what}, so lists would "
                         + ("fail to build" if name in own else "lose their bullets or numbers")
                         + f"; fix: Modify Style > Format > Numbering in Word, or copy '{name}' from the shipped "
                         "template")


def _missing_style(name: str) -> str:
    return (f"the template lacks the style '{name}', which the generator draws with, so every document built "
            "from it would fail; fix: create it in Word (Styles pane > New Style) or copy it from the shipped "
            "template (Organizer)")


def _part_label(partname: str, word: str) -> str:
    return partname.rsplit("/", 1)[-1].rsplit(".", 1)[0] or word  # /word/footer1.xml -> footer1


def _where(label: str, n: int, p: Any, tables: dict[Any, int], visible: str) -> str:
    cell = next(p.iterancestors(f"{{{W}}}tc"), None)
    place = ""
    if cell is not None:
        row = cell.getparent()
        table = row.getparent()
        rows = [r for r in table if r.tag == f"{{{W}}}tr"]
        cells = [c for c in row if c.tag == f"{{{W}}}tc"]
        place = (f" (table {tables.get(table, '?')}, row {rows.index(row) + 1 if row in rows else '?'}, "
                 f"cell {cells.index(cell) + 1})")
    return (f"{label}, " if label else "") + f"paragraph {n}{place} {_quote(visible)}"


def _quote(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return '"' + (text if len(text) <= limit else text[:limit - 3] + "...") + '"'


def _tags(text: str) -> tuple[list[str], str | None]:
    """The {{ }}, {% %} and {# #} tags of a text, and the unclosed rest after an opener without a closer."""
    tags, at = [], 0
    while (m := OPENER.search(text, at)) is not None:
        end = text.find(CLOSER[m.group()[1]], m.end())
        if end < 0:
            return tags, text[m.start():]
        tags.append(text[m.start():end + 2])
        at = end + 2
    return tags, None


def _parts_of(tag: str) -> tuple[str, str, str]:
    """(opener, docxtpl prefix or "", the Jinja inside) of a tag."""
    opener, inner = tag[:2], tag[2:-2]
    inner = inner[1:] if inner[:1] in "-+" else inner  # whitespace control
    inner = inner[:-1] if inner[-1:] in "-+" else inner
    m = TAG_PREFIX.match(inner)
    prefix = m.group(1) if m else ""
    return opener, prefix, html.unescape(inner[m.end():] if m else inner).strip()


def _normal(tag: str) -> str:
    opener, _, inner = _parts_of(tag)
    for curly, plain in (("\u201c", '"'), ("\u201d", '"'), ("\u2018", "'"), ("\u2019", "'")):
        inner = inner.replace(curly, plain)  # as docxtpl's clean_tags
    return opener + " ".join(inner.split())


def _statement(tag: str) -> str:
    opener, _, inner = _parts_of(tag)
    return inner.split()[0] if opener == "{%" and inner.split() else ""


def _text_of(xml: str) -> str:
    return re.sub(r"<[^>]*>", "", xml)


def _without_tags(xml: str) -> str:
    return re.sub(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", "", xml, flags=re.DOTALL)


def _parse_problem(env: jinja2.Environment, source: str) -> str | None:
    try:
        env.compile(env.parse(source))
    except jinja2.TemplateSyntaxError as exc:
        return _message(exc)
    return None


def _tag_problem(env: jinja2.Environment, opener: str, inner: str) -> str | None:
    """Jinja's complaint about one tag on its own; a block opener without its end is fine here."""
    if opener == "{#":
        return None
    if opener == "{%":
        words = inner.split()
        name = words[0] if words else ""
        if name == "elif":
            return _parse_problem(env, "{% if True %}{% " + inner + " %}{% endif %}")
        if (name == "else" or name.startswith("end") and name != "endblock") and len(words) > 1:
            return f"'{name}' takes nothing after it"
        if name in PARTNER_TAGS:
            return None  # where it belongs is checked with the whole part
        try:
            env.compile(env.parse("{% " + inner + " %}"))
        except jinja2.TemplateSyntaxError as exc:
            return None if (exc.message or "").startswith("Unexpected end of template") else _message(exc)
        return None
    return _parse_problem(env, "{{ " + inner + " }}")


def _innermost_unclosed(paragraphs: list[_Para]) -> tuple[str, _Para] | None:
    """The innermost block tag that is never closed, and its paragraph."""
    stack: list[tuple[str, _Para]] = []
    for para in paragraphs:
        for tag in para.tags:
            name = _statement(tag)
            if name in ("for", "if", "macro", "call", "filter", "with", "block", "autoescape", "raw", "trans") or (
                    name == "set" and "=" not in tag):
                stack.append((name, para))
            elif name.startswith("end") and stack and stack[-1][0] == name[3:]:
                stack.pop()
    return stack[-1] if stack else None


def _message(exc: jinja2.TemplateSyntaxError) -> str:
    message = " ".join((exc.message or str(exc)).split()).rstrip(".")
    return message[:1].lower() + message[1:]


def _syntax_fix(exc: jinja2.TemplateSyntaxError) -> str:
    message = exc.message or ""
    if message.startswith("Unexpected end of template"):
        return "add the missing end tag (e.g. {%p endfor %}, {%p endif %}) in its own paragraph"
    if "unknown tag" in message:
        return "check the spelling of the tag and that each end tag matches its opening tag"
    if "filter" in message:
        return "use one of Jinja's built-in filters"
    return "correct the tag"


def _close_match(name: str, names: Iterable[str]) -> str | None:
    import difflib

    close = difflib.get_close_matches(name, list(names), n=1, cutoff=0.7)
    return close[0] if close else None


def _numbering(doc: Any) -> set[int]:
    """numIds defined in the numbering part whose abstract numbering exists."""
    try:
        root = doc.part.numbering_part.element
    except (KeyError, NotImplementedError):
        return set()
    abstract = {a.get(f"{{{W}}}abstractNumId") for a in root.iter(f"{{{W}}}abstractNum")}
    out = set()
    for num in root.iter(f"{{{W}}}num"):
        ref = num.find(f"{{{W}}}abstractNumId")
        if ref is not None and ref.get(f"{{{W}}}val") in abstract:
            out.add(int(num.get(f"{{{W}}}numId")))
    return out


def _style_num(style: Any, inherit: bool) -> int | None:
    """The numId a paragraph style's numbering uses (0 or none: no numbering), from its base styles if asked."""
    seen = set()
    while style is not None and style.style_id not in seen:
        seen.add(style.style_id)
        ppr = style.element.pPr
        num_pr = ppr.numPr if ppr is not None else None
        if num_pr is not None and num_pr.numId is not None:
            num = int(num_pr.numId.val)
            return num or None
        style = style.base_style if inherit else None
    return None


# -- the workbook template ----------------------------------------------------------------------

def _lint_xlsx(name: str, blob: bytes) -> list[Finding]:
    from openpyxl.formula import Tokenizer

    from ..render import xlsx as xlsx_render  # openpyxl: only when a workbook is linted

    findings: list[Finding] = []

    def add(where: str, rule: str, message: str, level: Level = "error") -> None:
        findings.append(Finding(name, where, rule, level, message))

    try:
        wb = xlsx_render.open_template(blob)
    except Exception as exc:  # noqa: BLE001  # a damaged file fails inside openpyxl in many ways
        return [Finding(name, "", "unreadable", "error", f"not an Excel workbook the generator can open ({exc}); "
                        "fix: open it in Excel and save it as Excel Workbook (.xlsx)")]
    if Path(name).name != WORKBOOK_TEMPLATE:
        add("", "unknown-template", f"the generator reads only templates/xlsx/{WORKBOOK_TEMPLATE}", "warning")
    missing_sheets, missing_styles = xlsx_render.missing_parts(wb)
    for sheet in missing_sheets:
        add("", "missing-sheet", f"the template lacks the model sheet '{sheet}', whose layout every "
            f"{'summary' if sheet == xlsx_render.SUMMARY else 'paper'} sheet copies; fix: add a sheet named "
            f"'{sheet}' (or copy it from the shipped template)")
    for style in missing_styles:
        add("", "missing-style", f"the template lacks the cell style '{style}', which the generator draws "
            "with, so no workbook would be built; fix: create it with Home > Cell Styles > New Cell Style")
    sheets = {s.lower() for s in wb.sheetnames}

    def check(where: str, formula: str, from_model: bool) -> None:
        try:
            tokens = Tokenizer(formula if formula.startswith("=") else "=" + formula).items
        except Exception:  # noqa: BLE001  # openpyxl's tokenizer rejects some malformed formulas
            return
        for token in tokens:
            if token.type == "OPERAND" and "#REF!" in token.value.upper():
                add(where, "broken-reference", f"{formula} refers to a deleted cell or sheet (#REF!); fix: "
                    "correct or delete the formula")
                return
            if token.type != "OPERAND" or token.subtype != "RANGE":
                continue
            for sheet in _sheets_of(token.value):
                if sheet.lower() not in sheets:
                    add(where, "broken-reference", f"{formula} refers to the sheet '{sheet}', which the template "
                        "does not have; fix: correct the sheet name or delete the formula")
                    return
                if sheet == xlsx_render.PAPER_MODEL and not from_model:
                    add(where, "broken-reference", f"{formula} refers to the model sheet '{sheet}', which is not "
                        "in the workbooks the generator builds (#REF! there); fix: refer to cells of this sheet",
                        "warning")
                    return

    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                value = cell.value
                text = getattr(value, "text", value)  # an ArrayFormula keeps its formula in .text
                if cell.data_type == "f" and isinstance(text, str):
                    check(f"sheet '{ws.title}' cell {cell.coordinate}", text,
                          ws.title in (xlsx_render.SUMMARY, xlsx_render.PAPER_MODEL))
    for defined_name, defined in wb.defined_names.items():
        # the generator drops names that point at its model sheets; any other is kept as it is
        check(f"defined name '{defined_name}'", defined.attr_text or "", True)
    for ws in wb.worksheets:
        for defined_name, defined in getattr(ws, "defined_names", {}).items():
            check(f"sheet '{ws.title}' defined name '{defined_name}'", defined.attr_text or "", True)
    return findings


def _sheets_of(ref: str) -> list[str]:
    """The sheets a range operand names: 'It''s'!A1 -> It's; Jan:Mar!A1 -> Jan, Mar; external refs: none."""
    if "!" not in ref or ref.startswith("["):
        return []
    sheet = ref[:ref.rindex("!")]
    if sheet.startswith("'") and sheet.endswith("'"):
        sheet = sheet[1:-1].replace("''", "'")
    if sheet.startswith("["):  # '[1]Sheet'!A1: another workbook
        return []
    return sheet.split(":")  # Jan:Mar!A1 spans sheets; ':' is never part of a sheet name
