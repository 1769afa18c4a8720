"""A Word document (.docx) read into neutral blocks: paragraphs with their style, list level, inline runs and
what could not be placed (text boxes, comments, tracked changes, images), and tables of such paragraphs.

python-docx opens the file and resolves styles and relationships; the paragraph's own XML (lxml) is walked for
what python-docx does not expose: hyperlinks with their runs, tracked insertions and deletions, text boxes,
drawings with their alt text, page breaks and list numbering.
"""
from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator, Union

from ...errors import PapersError

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
WP = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
A = "http://schemas.openxmlformats.org/drawingml/2006/main"
MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
V = "urn:schemas-microsoft-com:vml"
WPS = "http://schemas.microsoft.com/office/word/2010/wordprocessingShape"


def _w(tag: str) -> str:
    return f"{{{W}}}{tag}"


@dataclass
class Run:
    """A piece of a paragraph's text with the formatting the Markdown form keeps."""

    text: str
    bold: bool = False
    italic: bool = False
    caps: bool = False
    link: str | None = None  # the hyperlink's target
    size: float | None = None  # points, when set on the run


@dataclass
class Picture:
    """A picture in a paragraph: its alt text (may be empty) and its bytes."""

    alt: str
    blob: bytes | None
    ext: str


@dataclass
class Para:
    """One paragraph: where it is, its style, its text as runs, and its list numbering."""

    index: int  # 1-based, counting the body's paragraphs in document order, table cells included
    style: str
    runs: list[Run] = field(default_factory=list)
    outline: int | None = None  # 1-based heading level, from the style (Heading N, outline level)
    list_level: int | None = None  # 0-based level of Word list numbering (numPr), direct or by style
    list_ordered: bool = False
    numbered_level: int | None = None  # 0-based level of Word's paragraph numbering (1. / 2.1 / 2.1.1 ...)
    multilevel: bool = False  # the list is a multi-level numbering (1. then 1.1): its level 0 may be headings
    page_break_before: bool = False  # the paragraph starts a page (pageBreakBefore)
    breaks: list[int] = field(default_factory=list)  # offsets in the text of page breaks (typed or rendered)
    style_bold: bool = False
    style_caps: bool = False
    size: float | None = None  # points: the style's size
    pictures: list[Picture] = field(default_factory=list)
    unplaced: list[str] = field(default_factory=list)  # what could not be imported, in words
    in_table: bool = False
    indent: int = 0  # twips: the paragraph's left indent, set on it

    @property
    def text(self) -> str:
        """The paragraph's plain text."""
        return "".join(r.text for r in self.runs)

    @property
    def break_before(self) -> bool:
        """Whether a page break comes before any of the paragraph's text."""
        text = self.text
        return self.page_break_before or any(not text[:o].strip() for o in self.breaks)

    @property
    def break_after(self) -> bool:
        """Whether a page break comes after all of the paragraph's text."""
        text = self.text
        return any(not text[o:].strip() for o in self.breaks)


@dataclass
class Table:
    """A table: rows of cells, each cell a list of paragraphs (merged cells appear once)."""

    index: int  # 1-based count of tables in document order
    style: str
    rows: list[list[list[Para]]]
    first_para: int
    header_rows: int = 0  # leading rows marked to repeat as a header


Block = Union[Para, Table]


@dataclass
class Draft:
    """What a .docx holds for the importer: its blocks and core properties."""

    name: str
    blocks: list[Block]
    title: str
    subject: str
    author: str
    created: Any
    styles: set[str]


def read_docx(path: Path) -> Draft:
    """The blocks of the Word document at ``path`` (PapersError when it is not a readable .docx)."""
    import docx  # python-docx: only the importer and the tests read Word files this way

    name = path.name
    with open(path, "rb") as f:
        head = f.read(8)
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise PapersError(f"{name}: this is a Word 97-2003 document (.doc) or a password-protected one, which "
                          "cannot be read: open it in Word, remove any password, and save it as a Word Document "
                          "(.docx) with File > Save As, then import that file")
    if not zipfile.is_zipfile(path):
        raise PapersError(f"{name}: not a Word document (.docx): open it in Word and save it as a Word Document "
                          "(.docx), then import that file")
    try:
        document = docx.Document(str(path))
    except Exception as exc:  # python-docx raises KeyError, ValueError, lxml errors ... for damaged packages
        raise PapersError(f"{name}: the Word document is damaged and cannot be read: open "
                          "it in Word (which may repair it), save it again as .docx, then import that file") from None
    try:
        return _Reader(document, name).read()
    except (ValueError, KeyError, TypeError, AttributeError) as exc:  # XML Word would not write (bad values)
        raise PapersError(f"{name}: part of the Word document is damaged and cannot be read ({exc}): open it in "
                          "Word, save it again as .docx, then import that file") from None


class _Reader:
    def __init__(self, document: Any, name: str) -> None:
        self.document = document
        self.name = name
        self.part = document.part
        self.paragraphs = 0
        self.tables = 0
        self.numbering = _NumberingInfo(document)
        self.comments = _comments(document)
        self.field_link: str | None = None  # the address of a HYPERLINK field being read
        self.field_code: list[str] | None = None
        self._char_styles: dict[str, tuple[bool, bool]] = {}

    def read(self) -> Draft:
        body = self.document.element.body
        blocks = list(self.blocks(body))
        core = self.document.core_properties
        styles = {s.name for s in self.document.styles if s.name}
        return Draft(self.name, blocks, core.title or "", core.subject or "", core.author or "", core.created, styles)

    def blocks(self, parent: Any) -> Iterator[Block]:
        for child in parent.iterchildren():
            tag = child.tag
            if tag == _w("p"):
                yield self.paragraph(child)
            elif tag == _w("tbl"):
                yield self.table(child)
            elif tag in (_w("sdt"), _w("customXml")):  # content controls: their content is the document's
                content = child.find(_w("sdtContent")) if tag == _w("sdt") else child
                if content is not None:
                    yield from self.blocks(content)

    def table(self, tbl: Any) -> Table:
        self.tables += 1
        index = self.tables
        style = ""
        style_el = tbl.find(f"{_w('tblPr')}/{_w('tblStyle')}")
        if style_el is not None:
            style = self._style_name(style_el.get(_w("val")), "table")
        first = self.paragraphs + 1
        rows: list[list[list[Para]]] = []
        header_rows = 0
        for tr in tbl.iterchildren(_w("tr")):
            if len(rows) == header_rows and tr.find(f"{_w('trPr')}/{_w('tblHeader')}") is not None:
                header_rows += 1
            row: list[list[Para]] = []
            for tc in tr.iterchildren(_w("tc")):
                merge = tc.find(f"{_w('tcPr')}/{_w('vMerge')}")
                cell: list[Para] = []
                for p in tc.iter(_w("p")):
                    if any(a.tag == _w("p") for a in p.iterancestors()):
                        continue  # a text box's paragraph: counted, and warned about, with its own
                    para = self.paragraph(p, in_table=True)
                    cell.append(para)
                if merge is not None and merge.get(_w("val")) != "restart":
                    continue  # a cell merged with the one above: its text is there
                row.append(cell)
            rows.append(row)
        return Table(index, style, rows, first, header_rows)

    def _style_name(self, style_id: str | None, kind: str) -> str:
        if not style_id:
            return ""
        for style in self.document.styles:
            if style.style_id == style_id:
                return style.name or style_id
        return style_id

    def paragraph(self, p: Any, in_table: bool = False) -> Para:
        from docx.text.paragraph import Paragraph

        self.paragraphs += 1
        paragraph = Paragraph(p, self.document.part)
        style = paragraph.style
        para = Para(self.paragraphs, style.name if style is not None else "Normal", in_table=in_table)
        para.outline = _outline(style, p)
        level, kind, multilevel = self.numbering.level(p, style)
        para.multilevel = multilevel
        if kind == "paragraph":
            para.numbered_level = level
        elif level is not None:
            para.list_level, para.list_ordered = level, kind not in ("bullet", "none")
        font = style.font if style is not None else None
        para.style_bold = bool(font is not None and _inherited(style, "bold"))
        para.style_caps = bool(font is not None and _inherited(style, "all_caps"))
        size = _inherited(style, "size") if style is not None else None
        para.size = size.pt if size is not None else None
        ind = p.find(f"{_w('pPr')}/{_w('ind')}")
        if ind is not None:
            value = ind.get(_w("left")) or ind.get(_w("start")) or "0"
            para.indent = int(value) if value.lstrip("-").isdigit() else 0
        ppr = p.find(_w("pPr"))
        if ppr is not None and _on(ppr.find(_w("pageBreakBefore"))):
            para.page_break_before = True
        self.inline(p, para, link=None)
        # text boxes' paragraphs come next in document order (as papers audit counts paragraphs)
        self.paragraphs += sum(1 for _ in p.iter(_w("p"))) - 1
        if para.runs and para.runs[0].text == "" and len(para.runs) == 1:
            para.runs = []
        return para

    def inline(self, parent: Any, para: Para, link: str | None, inserted: bool = False) -> None:
        for child in parent.iterchildren():
            tag = child.tag
            if tag == _w("r"):
                self.run(child, para, link)
            elif tag == _w("hyperlink"):
                target = None
                rid = child.get(f"{{{R}}}id")
                if rid and rid in self.part.rels:
                    rel = self.part.rels[rid]
                    target = rel.target_ref if rel.is_external else None
                self.inline(child, para, target or link)
            elif tag in (_w("ins"), _w("moveTo")):
                text = "".join(t.text or "" for t in child.iter(_w("t")))
                para.unplaced.append(f"a tracked insertion (\"{_short(text)}\"): it was kept, as if the change "
                                     "were accepted; check it, then accept or reject the change in Word")
                self.inline(child, para, link, inserted=True)
            elif tag in (_w("del"), _w("moveFrom")):
                text = "".join(t.text or "" for t in child.iter(_w("delText"))) or \
                    "".join(t.text or "" for t in child.iter(_w("t")))
                para.unplaced.append(f"a tracked deletion (\"{_short(text)}\"): it was left out, as if the change "
                                     "were accepted; check it, then accept or reject the change in Word")
            elif tag in (_w("smartTag"), _w("customXml"), _w("fldSimple"), _w("sdt"), _w("sdtContent")):
                self.inline(child, para, link)
            elif tag == _w("commentRangeStart"):
                self.comment(child, para)
            elif tag == _w("pPr"):
                if child.find(f"{_w('rPr')}/{_w('ins')}") is not None:
                    pass  # an inserted paragraph mark: the paragraph itself is kept
            elif tag == f"{{{MC}}}AlternateContent":
                choice = child.find(f"{{{MC}}}Choice")
                if choice is not None:
                    self.inline(choice, para, link)

    def run(self, r: Any, para: Para, link: str | None) -> None:
        rpr = r.find(_w("rPr"))
        bold = italic = caps = False
        size = None
        if rpr is not None:
            char_style = rpr.find(_w("rStyle"))
            if char_style is not None:  # a character style (Strong, Emphasis) gives its bold and italic
                bold, italic = self.char_style(char_style.get(_w("val")) or "")
            if rpr.find(_w("b")) is not None:
                bold = _on(rpr.find(_w("b")))
            if rpr.find(_w("i")) is not None:
                italic = _on(rpr.find(_w("i")))
            caps = _on(rpr.find(_w("caps")))
            sz = rpr.find(_w("sz"))
            if sz is not None and (sz.get(_w("val")) or "").isdigit():
                size = int(sz.get(_w("val"))) / 2
            if rpr.find(_w("vanish")) is not None and _on(rpr.find(_w("vanish"))):
                return  # hidden text is not part of the paper
        text: list[str] = []

        def flush() -> None:
            if text:
                para.runs.append(Run("".join(text), bold, italic, caps, link or self.field_link, size))
                text.clear()

        for child in r.iterchildren():
            tag = child.tag
            if tag == _w("t"):
                text.append(child.text or "")
            elif tag == _w("tab"):
                text.append("\t")
            elif tag in (_w("br"), _w("cr")):
                if child.get(_w("type")) == "page":
                    para.breaks.append(len(para.text) + len("".join(text)))
                elif child.get(_w("type")) != "column":
                    text.append("\n")
            elif tag == _w("lastRenderedPageBreak"):
                para.breaks.append(len(para.text) + len("".join(text)))
            elif tag == _w("noBreakHyphen"):
                text.append("-")
            elif tag == _w("softHyphen"):
                pass
            elif tag == _w("sym"):
                code = child.get(_w("char")) or ""
                try:
                    text.append(chr(int(code, 16)))
                except ValueError:
                    pass
            elif tag == _w("drawing"):
                flush()
                self.drawing(child, para)
            elif tag == _w("pict") or tag == _w("object"):
                flush()
                self.vml(child, para)
            elif tag == f"{{{MC}}}AlternateContent":
                flush()
                choice = child.find(f"{{{MC}}}Choice")
                if choice is not None and choice.find(f".//{_w('drawing')}") is not None:
                    for d in choice.iter(_w("drawing")):
                        self.drawing(d, para)
                else:
                    fallback = child.find(f"{{{MC}}}Fallback")
                    if fallback is not None:
                        self.vml(fallback, para)
            elif tag == _w("commentReference"):
                self.comment(child, para)
            elif tag == _w("fldChar"):
                kind = child.get(_w("fldCharType"))
                if kind == "begin":
                    self.field_code = []
                elif kind == "separate" and self.field_code is not None:
                    code = re.match(r'\s*HYPERLINK\s+"([^"]+)"', "".join(self.field_code))
                    flush()
                    self.field_link = code.group(1) if code else None
                    self.field_code = None
                elif kind == "end":
                    flush()
                    self.field_link = None
                    self.field_code = None
            elif tag == _w("instrText"):
                if self.field_code is not None:
                    self.field_code.append(child.text or "")
            elif tag == _w("footnoteReference") or tag == _w("endnoteReference"):
                kind = "footnote" if tag == _w("footnoteReference") else "endnote"
                para.unplaced.append(f"a {kind}: its text was not imported; put it in the paragraph's text by hand")
        flush()

    def char_style(self, style_id: str) -> tuple[bool, bool]:
        """(bold, italic) of a character style."""
        if style_id not in self._char_styles:
            style = next((s for s in self.document.styles if s.style_id == style_id), None)
            self._char_styles[style_id] = (bool(_inherited(style, "bold")), bool(_inherited(style, "italic"))) \
                if style is not None else (False, False)
        return self._char_styles[style_id]

    def comment(self, element: Any, para: Para) -> None:
        cid = element.get(_w("id")) or ""
        if any(u.startswith("a comment") and f"#{cid}" in u for u in para.unplaced):
            return
        text, author = self.comments.get(cid, ("", ""))
        said = f' ("{_short(text)}"' + (f", by {author}" if author else "") + ")" if text else ""
        para.unplaced.append(f"a comment{said}: it was not imported; read it in Word and act on it in the paper"
                             + f"\x00#{cid}")

    def drawing(self, drawing: Any, para: Para) -> None:
        if drawing.find(f".//{{{WPS}}}txbx") is not None or drawing.find(f".//{_w('txbxContent')}") is not None:
            para.unplaced.append(self._textbox(drawing))
            return
        doc_pr = drawing.find(f".//{{{WP}}}docPr")
        alt = (doc_pr.get("descr") or "").strip() if doc_pr is not None else ""
        blip = drawing.find(f".//{{{A}}}blip")
        blob, ext = None, "png"
        if blip is not None:
            rid = blip.get(f"{{{R}}}embed")
            if rid and rid in self.part.rels and not self.part.rels[rid].is_external:
                image = self.part.rels[rid].target_part
                blob = image.blob
                ext = Path(str(image.partname)).suffix.lstrip(".").lower() or "png"
        if blob is None and blip is None:
            para.unplaced.append("a drawing or chart: it was not imported; add it as a PNG picture with alt text "
                                 "(![what it shows](file.png))")
            return
        para.pictures.append(Picture(alt, blob, ext))
        para.runs.append(Run("\x00"))  # where the picture stands in the text

    def vml(self, pict: Any, para: Para) -> None:
        if pict.find(f".//{{{V}}}textbox") is not None or pict.find(f".//{_w('txbxContent')}") is not None:
            para.unplaced.append(self._textbox(pict))
        elif pict.find(f".//{{{V}}}imagedata") is not None:
            para.unplaced.append("an old-style (VML) picture: it was not imported; insert it again as a picture "
                                 "with alt text, or add it to the paper as ![what it shows](file.png)")
        elif pict.tag == _w("object"):
            para.unplaced.append("an embedded object: it was not imported; copy what it shows into the paper")

    def _textbox(self, element: Any) -> str:
        text = " ".join("".join(t.text or "" for t in p.iter(_w("t"))) for p in element.iter(_w("p"))).strip()
        shown = f" (\"{_short(text)}\")" if text else ""
        return f"a text box{shown}: its text was not imported; copy it into the paper by hand"


class _NumberingInfo:
    """Which Word lists are numbered (decimal, letters) rather than bulleted, by numId and level."""

    def __init__(self, document: Any) -> None:
        self.formats: dict[tuple[str, int], str] = {}
        try:
            numbering = document.part.numbering_part.element
        except (KeyError, NotImplementedError, AttributeError):
            return
        abstract: dict[str, dict[int, str]] = {}
        for an in numbering.iterchildren(_w("abstractNum")):
            levels = {}
            for lvl in an.iterchildren(_w("lvl")):
                fmt = lvl.find(_w("numFmt"))
                text = lvl.find(_w("lvlText"))
                kind = fmt.get(_w("val")) if fmt is not None else "decimal"
                if text is not None and (text.get(_w("val")) or "").count("%") > 1:
                    kind = "paragraph"  # 2.1, 2.1.3: numbered paragraphs, which the template numbers itself
                levels[int(lvl.get(_w("ilvl")) or 0)] = kind
            abstract[an.get(_w("abstractNumId")) or ""] = levels
        for num in numbering.iterchildren(_w("num")):
            ref = num.find(_w("abstractNumId"))
            levels = abstract.get(ref.get(_w("val")) if ref is not None else "", {})
            for level, fmt in levels.items():
                self.formats[(num.get(_w("numId")) or "", level)] = fmt

    def level(self, p: Any, style: Any) -> tuple[int | None, str, bool]:
        """(list level, number format, multi-level) of a paragraph; level None when it is no list item."""
        num_pr = p.find(f"{_w('pPr')}/{_w('numPr')}")
        style_el = style
        while num_pr is None and style_el is not None:
            ppr = style_el.element.find(_w("pPr"))
            num_pr = ppr.find(_w("numPr")) if ppr is not None else None
            style_el = style_el.base_style
        if num_pr is None:
            return None, "", False
        num_id = num_pr.find(_w("numId"))
        ilvl = num_pr.find(_w("ilvl"))
        nid = num_id.get(_w("val")) if num_id is not None else None
        if nid in (None, "0"):
            return None, "", False  # numbering removed
        level = int(ilvl.get(_w("val")) or 0) if ilvl is not None else 0
        fmt = self.formats.get((nid or "", level), "bullet")
        return level, fmt, self.formats.get((nid or "", 1)) == "paragraph"


def _comments(document: Any) -> dict[str, tuple[str, str]]:
    """Comment id -> (its text, its author), from the comments part when there is one."""
    out: dict[str, tuple[str, str]] = {}
    for rel in document.part.rels.values():
        if rel.reltype.endswith("/comments") and not rel.is_external:
            from lxml import etree

            try:
                root = etree.fromstring(rel.target_part.blob)
            except etree.XMLSyntaxError:
                return out
            for comment in root.iter(_w("comment")):
                text = " ".join("".join(t.text or "" for t in p.iter(_w("t"))) for p in comment.iter(_w("p")))
                out[comment.get(_w("id")) or ""] = (text.strip(), comment.get(_w("author")) or "")
    return out


def _outline(style: Any, p: Any) -> int | None:
    """The heading level a paragraph has by its style (Heading N, Title) or an outline level."""
    ppr = p.find(_w("pPr"))
    level = ppr.find(_w("outlineLvl")) if ppr is not None else None
    s = style
    while level is None and s is not None:
        name = (s.name or "").lower()
        if name.startswith("heading ") and name[8:].strip().isdigit():
            return int(name[8:].strip())
        spp = s.element.find(_w("pPr"))
        level = spp.find(_w("outlineLvl")) if spp is not None else None
        s = s.base_style
    if level is not None and (level.get(_w("val")) or "").isdigit() and int(level.get(_w("val"))) < 9:
        return int(level.get(_w("val"))) + 1
    return None


def _inherited(style: Any, attribute: str) -> Any:
    while style is not None:
        value = getattr(style.font, attribute, None)
        if value is not None:
            return value
        style = style.base_style
    return None


def _on(element: Any) -> bool:
    """Whether a toggle property (w:b, w:i ...) is on."""
    if element is None:
        return False
    return (element.get(_w("val")) or "true").lower() not in ("0", "false", "off")


def _short(text: str, limit: int = 40) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit].rstrip() + "…"
