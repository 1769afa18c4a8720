"""Paper model blocks -> WordprocessingML, drawn only in the template's own styles.

Pure string building: no docxtpl, no python-docx. Every piece of input text goes
through :func:`text` so it stays data (escaped, XML-safe, inert to docxtpl).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable

from ..model import Block, Heading, Image, Inline, LineBreak, Link, ListBlock, ListItem, Paragraph, Run, Table

# Characters XML 1.0 forbids; they can arrive from pasted text and would corrupt the file.
_INVALID_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_ESCAPES = str.maketrans({
    "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;",
    # docxtpl rewrites "{_{", "%_}" ... in rendered XML; character references keep braces inert
    "{": "&#123;", "}": "&#125;",
    # whitespace docxtpl would turn into breaks/tabs (its "Listing" feature)
    "\t": " ", "\n": " ", "\r": " ",
})

TEXT_WIDTH = 9026  # twips between A4 margins of 2.54 cm
EMU_PER_TWIP = 635
# DrawingML namespaces, declared on the picture itself: the templates' document element need not know them
_WP = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
_A = "http://schemas.openxmlformats.org/drawingml/2006/main"
_PIC = "http://schemas.openxmlformats.org/drawingml/2006/picture"


def text(value: str) -> str:
    """Escape input text for a ``w:t`` element or attribute."""
    return _INVALID_XML.sub("", value).translate(_ESCAPES)


@dataclass(frozen=True)
class Styles:
    """Style ids of the template, looked up by style name when the template loads."""

    heading: dict[int, str]
    bullet: list[str]
    number: list[str]
    cont: list[str]
    numbered_paragraph: str
    table: str
    table_heading: str
    table_text: str
    hyperlink: str


@dataclass(frozen=True)
class Numbering:
    """Numbering of the template: the bullet list ids and a way to start a new numbered list."""

    bullet_num: int
    number_abstract: int
    new_num: Callable[[int, int, int], int]  # (abstract id, level, start) -> fresh numId


class WordML:
    """Draws blocks for one document; link ids and new lists are allocated through callbacks."""

    def __init__(self, styles: Styles, numbering: Numbering, link_id: Callable[[str], str],
                 image_id: Callable[[str], str] | None = None) -> None:
        self.styles = styles
        self.numbering = numbering
        self.link_id = link_id
        self.image_id = image_id  # picture file -> relationship id of its image part
        self.pictures = 0  # drawing ids must be unique in a document

    # -- inline -------------------------------------------------------------------
    def runs(self, inlines: list[Inline], bold: bool = False) -> str:
        """Runs (and hyperlinks) for a paragraph's content."""
        out = []
        for item in inlines:
            if isinstance(item, Run):
                out.append(self._run(item, bold=bold))
            elif isinstance(item, Link):
                rid = self.link_id(item.url)
                inner = "".join(self._run(r, style=self.styles.hyperlink, bold=bold) for r in item.runs)
                out.append(f'<w:hyperlink r:id="{rid}" w:history="1">{inner}</w:hyperlink>')
            elif isinstance(item, LineBreak):
                out.append("<w:r><w:br/></w:r>")
            elif isinstance(item, Image) and item.path and self.image_id is not None:
                out.append(self.picture(item))
        return "".join(out)

    def picture(self, image: Image) -> str:
        """An inline picture scaled to the text width, its alt text as the drawing's description."""
        rid = self.image_id(image.path) if self.image_id is not None else ""
        self.pictures += 1
        n = self.pictures
        cx = TEXT_WIDTH * EMU_PER_TWIP
        cy = round(cx * image.height / image.width)
        alt = text(image.alt)
        return (f'<w:r><w:drawing><wp:inline xmlns:wp="{_WP}" distT="0" distB="0" distL="0" distR="0">'
                f'<wp:extent cx="{cx}" cy="{cy}"/><wp:effectExtent l="0" t="0" r="0" b="0"/>'
                f'<wp:docPr id="{n}" name="Picture {n}" descr="{alt}"/>'
                f'<wp:cNvGraphicFramePr><a:graphicFrameLocks xmlns:a="{_A}" noChangeAspect="1"/></wp:cNvGraphicFramePr>'
                f'<a:graphic xmlns:a="{_A}"><a:graphicData uri="{_PIC}"><pic:pic xmlns:pic="{_PIC}">'
                f'<pic:nvPicPr><pic:cNvPr id="{n}" name="Picture {n}" descr="{alt}"/><pic:cNvPicPr/></pic:nvPicPr>'
                f'<pic:blipFill><a:blip r:embed="{rid}"/><a:stretch><a:fillRect/></a:stretch></pic:blipFill>'
                f'<pic:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="{cx}" cy="{cy}"/></a:xfrm>'
                f'<a:prstGeom prst="rect"><a:avLst/></a:prstGeom></pic:spPr></pic:pic></a:graphicData></a:graphic>'
                f"</wp:inline></w:drawing></w:r>")

    def _run(self, run: Run, style: str | None = None, bold: bool = False) -> str:
        if not run.text:
            return ""
        props = ""
        if style:
            props += f'<w:rStyle w:val="{style}"/>'
        if run.bold or bold:
            props += "<w:b/><w:bCs/>"
        if run.italic:
            props += "<w:i/><w:iCs/>"
        rpr = f"<w:rPr>{props}</w:rPr>" if props else ""
        return f'<w:r>{rpr}<w:t xml:space="preserve">{text(run.text)}</w:t></w:r>'

    def paragraph(self, inlines: list[Inline], style: str | None = None, num: tuple[int, int] | None = None,
                  align: str | None = None, bold: bool = False) -> str:
        """One ``w:p`` in a style, optionally with direct list numbering (numId, level)."""
        ppr = ""
        if style:
            ppr += f'<w:pStyle w:val="{style}"/>'
        if num is not None:
            ppr += f'<w:numPr><w:ilvl w:val="{num[1]}"/><w:numId w:val="{num[0]}"/></w:numPr>'
        if align:
            ppr += f'<w:jc w:val="{align}"/>'
        ppr = f"<w:pPr>{ppr}</w:pPr>" if ppr else ""
        return f"<w:p>{ppr}{self.runs(inlines, bold=bold)}</w:p>"

    # -- blocks -------------------------------------------------------------------
    def blocks(self, blocks: list[Block], numbered_paragraphs: bool = False) -> str:
        """Body XML for a list of blocks; briefing notes number their top-level paragraphs."""
        out = []
        for i, block in enumerate(blocks):
            if isinstance(block, Table) and i and isinstance(blocks[i - 1], Table):
                out.append("<w:p/>")  # Word merges two adjacent tables into one
            if isinstance(block, Paragraph):
                # a picture on its own is not a numbered paragraph of the text
                pictured = all(isinstance(i, Image) for i in block.inlines) and bool(block.inlines)
                style = self.styles.numbered_paragraph if numbered_paragraphs and not pictured else None
                out.append(self.paragraph(block.inlines, style))
            elif isinstance(block, Heading):
                out.append(self.paragraph(block.inlines, self.styles.heading[block.level]))
            elif isinstance(block, ListBlock):
                out.append(self._list(block, 0))
            elif isinstance(block, Table):
                out.append(self.table(block))
        return "".join(out)

    def _list(self, block: ListBlock, depth: int) -> str:
        styles = self.styles.number if block.ordered else self.styles.bullet
        style = styles[min(depth, len(styles) - 1)]
        cont = self.styles.cont[min(depth, len(self.styles.cont) - 1)]
        num: tuple[int, int] | None
        if block.ordered:
            # every numbered list restarts: a w:num of its own (pitfall: docxtpl #425)
            num = (self.numbering.new_num(self.numbering.number_abstract, depth, block.start), depth)
        elif depth >= len(styles):
            num = (self.numbering.bullet_num, depth)
        else:
            num = None  # the style carries the bullet numbering
        out = []
        for item in block.items:
            out.append(self._item(item, style, cont, num, depth))
        return "".join(out)

    def _item(self, item: ListItem, style: str, cont: str, num: tuple[int, int] | None, depth: int) -> str:
        first, *rest = item.content  # the first is a paragraph (markdown.py makes sure)
        assert isinstance(first, list)
        out = [self.paragraph(first, style, num)]
        for part in rest:  # further paragraphs and nested lists, in the order written
            out.append(self._list(part, depth + 1) if isinstance(part, ListBlock) else self.paragraph(part, cont))
        return "".join(out)

    def table(self, table: Table) -> str:
        """A table in the template's table style; the header row repeats on every page."""
        ncols = len(table.align)
        widths = _fit_words(_widths(table.kind, ncols), _longest_words(table))
        # w:val is the same flags as a bit mask (firstRow 0x20, noHBand 0x200, noVBand 0x400), which LibreOffice
        # and Word 2007 read instead of the attributes: they must agree, or a table without a header row is
        # drawn with its first row formatted as one
        look = '<w:tblLook w:val="{:04X}" w:firstRow="{}" w:lastRow="0" w:firstColumn="0" w:lastColumn="0" ' \
               'w:noHBand="1" w:noVBand="1"/>'.format(0x620 if table.header else 0x600, 1 if table.header else 0)
        caption = f'<w:tblCaption w:val="{text(table.caption)}"/>' if table.caption else ""
        out = [f'<w:tbl><w:tblPr><w:tblStyle w:val="{self.styles.table}"/><w:tblW w:w="{sum(widths)}" '
               f'w:type="dxa"/><w:tblLayout w:type="fixed"/>{look}{caption}</w:tblPr><w:tblGrid>'
               + "".join(f'<w:gridCol w:w="{w}"/>' for w in widths) + "</w:tblGrid>"]
        if table.header:
            cells = "".join(
                self._cell(widths[i], [self.paragraph([Run(line)], self.styles.table_heading,
                                                      align=_jc(table.align[i])) for line in lines])
                for i, lines in enumerate(table.header))
            out.append(f"<w:tr><w:trPr><w:cantSplit/><w:tblHeader/></w:trPr>{cells}</w:tr>")
        first_total = len(table.rows) - table.total_rows
        for r, row in enumerate(table.rows):
            bold = r >= first_total
            cells = "".join(
                self._cell(widths[i], [self.paragraph([Run(value)] if value else [], self.styles.table_text,
                                                      align=_jc(table.align[i]), bold=bold)])
                for i, value in enumerate(row))
            out.append(f"<w:tr><w:trPr><w:cantSplit/></w:trPr>{cells}</w:tr>")
        out.append("</w:tbl>")
        return "".join(out)

    @staticmethod
    def _cell(width: int, paragraphs: list[str]) -> str:
        return f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/></w:tcPr>{"".join(paragraphs)}</w:tc>'


def _jc(align: str) -> str | None:
    return None if align == "left" else align


def _widths(kind: str, ncols: int) -> list[int]:
    """Column widths (twips) filling the text width; the first column holds the labels."""
    if ncols == 1:
        return [TEXT_WIDTH]
    first_share = {"kpi": 0.30, "finance": 0.32}.get(kind, 1 / ncols)
    first = int(TEXT_WIDTH * first_share)
    rest = (TEXT_WIDTH - first) // (ncols - 1)
    return [TEXT_WIDTH - rest * (ncols - 1)] + [rest] * (ncols - 1)


# Widths of Arial's characters in 1/1000 em (regular; bold is about 7% wider): enough to tell whether a
# word fits a column. A column narrower than its longest word makes Word and LibreOffice break the word
# inside ("Perform-ance", "ACHIEV-ED"), which the six columns of a KPI table did at equal shares.
_CHAR_WIDTHS = {**dict.fromkeys("ijlI.,;:'!|", 222), **dict.fromkeys("ftJ/ ", 278), **dict.fromkeys("r()-[]", 333),
                **dict.fromkeys("mM", 833), **dict.fromkeys("wW%", 889), **dict.fromkeys("cksvxyz", 500)}
_CELL_MARGINS = 2 * 108 + 40  # twips: the table style's left and right cell margins, and a little air
_TWIPS_PER_EM = 240  # 12 pt, the house size of table text


def _word_twips(word: str, bold: bool) -> int:
    units = sum(_CHAR_WIDTHS.get(c, 667 if c.isupper() else 556) for c in word)
    return int(units * _TWIPS_PER_EM / 1000 * (1.08 if bold else 1.0)) + 1


def _longest_words(table: Table) -> list[int]:
    """Per column, the width (twips) of its widest word, cell margins included."""
    ncols = len(table.align)
    longest = [0] * ncols
    first_total = len(table.rows) - table.total_rows
    cells = [(i, line, True) for i, lines in enumerate(table.header or []) for line in lines]  # headings: bold
    cells += [(i, value, r >= first_total) for r, row in enumerate(table.rows) for i, value in enumerate(row)]
    for i, value, bold in cells:
        for word in value.split():
            longest[i] = max(longest[i], _word_twips(word, bold) + _CELL_MARGINS)
    return longest


def _fit_words(widths: list[int], needed: list[int]) -> list[int]:
    """Widen columns narrower than their longest word, taking the width from columns with room to spare."""
    short = sum(max(0, n - w) for w, n in zip(widths, needed))
    if short == 0:
        return widths
    spare = [max(0, w - n) for w, n in zip(widths, needed)]
    if sum(spare) < short:  # not every word can fit: share the width in proportion to the words
        total = sum(needed)
        out = [TEXT_WIDTH * n // total for n in needed]
    else:
        out = [max(w, n) - (short * room // sum(spare) if room else 0) for w, n, room in zip(widths, needed, spare)]
    out[0] += TEXT_WIDTH - sum(out)  # rounding: the first column takes the odd twips
    return out
