"""Reading built .docx files back for the tests: python-docx plus plain WordprocessingML, no generator code."""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from docx import Document
from docx.document import Document as DocumentObject
from docx.oxml.ns import qn
from docx.text.paragraph import Paragraph

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


@dataclass(frozen=True)
class Item:
    """One paragraph of the body in reading order: its style name, text, and where it sits."""

    style: str
    text: str
    in_table: bool
    element: object  # the w:p element


def open_docx(path: Path) -> DocumentObject:
    return Document(str(path))


def norm(text: str) -> str:
    """Whitespace collapsed, ends stripped."""
    return " ".join(text.split())


def body_items(doc: DocumentObject, skip_first_table: bool = False) -> list[Item]:
    """Every paragraph of the body in order, table cells row by row (merged cells once)."""
    out: list[Item] = []
    tables = 0
    for el in doc.element.body.iterchildren():
        if el.tag == qn("w:p"):
            p = Paragraph(el, doc._body)
            out.append(Item(p.style.name, p.text, False, el))
        elif el.tag == qn("w:tbl"):
            tables += 1
            if skip_first_table and tables == 1:
                continue
            for tc in el.iter(qn("w:tc")):
                for pel in tc.iterchildren(qn("w:p")):
                    p = Paragraph(pel, doc._body)
                    out.append(Item(p.style.name, p.text, True, pel))
    return out


def cover_cells(doc: DocumentObject) -> list[str]:
    """Texts of the cells of the first table (the cover), each merged cell once."""
    tbl = doc.element.body.find(qn("w:tbl"))
    return [norm("".join(t.text or "" for t in tc.iter(qn("w:t")))) for tc in tbl.iter(qn("w:tc"))]


def _style_chain(doc: DocumentObject, style_id: str | None):
    """Style elements from the given style up its basedOn chain."""
    seen = set()
    while style_id and style_id not in seen:
        seen.add(style_id)
        el = doc.styles.element.find(f"{W}style[@{W}styleId='{style_id}']")
        if el is None:
            return
        yield el
        based = el.find(f"{W}basedOn")
        style_id = based.get(qn("w:val")) if based is not None else None


def num_pr(doc: DocumentObject, p_el) -> tuple[int, int] | None:
    """(numId, ilvl) of a paragraph: direct numPr first, else through its style chain."""
    ppr = p_el.find(qn("w:pPr"))
    num_id = ilvl = None
    if ppr is not None and ppr.find(qn("w:numPr")) is not None:
        np_ = ppr.find(qn("w:numPr"))
        if np_.find(qn("w:numId")) is not None:
            num_id = int(np_.find(qn("w:numId")).get(qn("w:val")))
        if np_.find(qn("w:ilvl")) is not None:
            ilvl = int(np_.find(qn("w:ilvl")).get(qn("w:val")))
    style = ppr.find(qn("w:pStyle")).get(qn("w:val")) if ppr is not None and ppr.find(qn("w:pStyle")) is not None \
        else None
    for st in _style_chain(doc, style):
        snp = st.find(f"{W}pPr/{W}numPr")
        if snp is None:
            continue
        if num_id is None and snp.find(qn("w:numId")) is not None:
            num_id = int(snp.find(qn("w:numId")).get(qn("w:val")))
        if ilvl is None and snp.find(qn("w:ilvl")) is not None:
            ilvl = int(snp.find(qn("w:ilvl")).get(qn("w:val")))
    if num_id is None or num_id == 0:
        return None
    return num_id, ilvl or 0


def level_format(doc: DocumentObject, num_id: int, ilvl: int) -> tuple[str, str, int]:
    """(numFmt, lvlText, start) that a numId/level resolves to in numbering.xml (overrides included)."""
    numbering = doc.part.numbering_part.element
    num = numbering.find(f"{W}num[@{W}numId='{num_id}']")
    assert num is not None, f"numId {num_id} is not defined in numbering.xml"
    abstract_id = num.find(f"{W}abstractNumId").get(qn("w:val"))
    start_override = None
    for ov in num.findall(f"{W}lvlOverride"):
        if ov.get(qn("w:ilvl")) == str(ilvl) and ov.find(f"{W}startOverride") is not None:
            start_override = int(ov.find(f"{W}startOverride").get(qn("w:val")))
    abstract = numbering.find(f"{W}abstractNum[@{W}abstractNumId='{abstract_id}']")
    assert abstract is not None, f"abstractNum {abstract_id} is missing"
    lvl = abstract.find(f"{W}lvl[@{W}ilvl='{ilvl}']")
    assert lvl is not None, f"abstractNum {abstract_id} has no level {ilvl}"
    fmt = lvl.find(f"{W}numFmt").get(qn("w:val"))
    text = lvl.find(f"{W}lvlText").get(qn("w:val"))
    start_el = lvl.find(f"{W}start")
    start = start_override if start_override is not None else (
        int(start_el.get(qn("w:val"))) if start_el is not None else 0)
    return fmt, text, start


def paragraph_align(doc: DocumentObject, p_el) -> str | None:
    """Alignment of a paragraph: direct w:jc, else its style's."""
    jc = p_el.find(f"{W}pPr/{W}jc")
    if jc is not None:
        return jc.get(qn("w:val"))
    ps = p_el.find(f"{W}pPr/{W}pStyle")
    for st in _style_chain(doc, ps.get(qn("w:val")) if ps is not None else None):
        jc = st.find(f"{W}pPr/{W}jc")
        if jc is not None:
            return jc.get(qn("w:val"))
    return None


# -- an independent, simple reading of the Markdown inputs -------------------------------

_BULLET = re.compile(r"^( *)[-*+] +(.*)$")
_NUMBER = re.compile(r"^( *)\d+[.)] +(.*)$")
_HEADING = re.compile(r"^(#{1,6}) +(.*?)\s*#*$")


def inline_text(md: str) -> str:
    """Visible text of inline Markdown: links to their text, emphasis markers dropped."""
    md = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", md)
    md = md.replace("**", "").replace("__", "")
    md = re.sub(r"(?<![\w*])\*(?=\S)(.+?)(?<=\S)\*(?![\w*])", r"\1", md)
    return norm(md)


def markdown_blocks(text: str) -> list[tuple[str, int, str]]:
    """(kind, depth, text) per paragraph, heading and list item, by blank lines and line markers.

    kind is 'p', 'h2', 'h3', 'bullet' or 'number'; depth counts list nesting by two-space indents.
    """
    out: list[tuple[str, int, str]] = []
    for chunk in re.split(r"\n[ \t]*\n", text.strip("\n")):
        current: list | None = None
        for line in chunk.splitlines():
            if not line.strip():
                continue
            h = _HEADING.match(line)
            b = _BULLET.match(line)
            n = _NUMBER.match(line)
            if h:
                current = [f"h{len(h.group(1))}", 0, h.group(2)]
            elif b:
                current = ["bullet", len(b.group(1)) // 2, b.group(2)]
            elif n:
                current = ["number", len(n.group(1)) // 2, n.group(2)]
            elif current is not None:
                current[2] += " " + line.strip()
                continue
            else:
                current = ["p", 0, line.strip()]
            out.append(current)  # type: ignore[arg-type]
    return [(kind, depth, inline_text(t)) for kind, depth, t in out]
