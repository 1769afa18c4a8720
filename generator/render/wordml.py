"""Paper model blocks -> WordprocessingML, drawn only in the template's own styles.

Pure string building: no docxtpl, no python-docx. Every piece of input text goes
through :func:`text` so it stays data (escaped, XML-safe, inert to docxtpl).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from ..model import Block, Heading, Image, Inline, LineBreak, Link, ListBlock, ListItem, Paragraph, Run, Table
from .columns import TableMetrics, fit

_ESCAPES = str.maketrans({
    "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;",
    # docxtpl rewrites "{_{", "%_}" ... in rendered XML; character references keep braces inert
    "{": "&#123;", "}": "&#125;",
    # whitespace docxtpl would turn into breaks/tabs (its "Listing" feature)
    "\t": " ", "\n": " ", "\r": " ",
    # and the characters XML 1.0 forbids (pasted text brings them; they would corrupt the file) are dropped,
    # in the same pass: one C call per text, and a paper has thousands
    **{chr(c): None for c in [*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0xFFFE, 0xFFFF]},
})

EMU_PER_TWIP = 635
# DrawingML namespaces, declared on the picture itself: the templates' document element need not know them
_WP = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
_A = "http://schemas.openxmlformats.org/drawingml/2006/main"
_PIC = "http://schemas.openxmlformats.org/drawingml/2006/picture"


def text(value: str) -> str:
    """Escape input text for a ``w:t`` element or attribute."""
    return value.translate(_ESCAPES)


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
    metrics: TableMetrics  # the table fonts, cell margins and text width, for fitting columns
    paragraph_after: int  # twips: the space under a body paragraph (the Normal style's spacing after)
    layout: str | None = None  # a table style named "Layout Lines", for label/value lines (absent: `table`)
    layout_margins: int = 0  # twips: that style's left plus right cell margin


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
        cx = self.styles.metrics.width * EMU_PER_TWIP  # the template's text width
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
                  align: str | None = None, bold: bool = False, keep_next: bool = False,
                  before: int | None = None, after: int | None = None, outline: int | None = None) -> str:
        """One ``w:p`` in a style, optionally with direct list numbering (numId, level), kept with the next
        paragraph, with space before/after (twips) or an outline level (1-9) of its own."""
        ppr = ""
        if style:
            ppr += f'<w:pStyle w:val="{style}"/>'
        if keep_next:
            ppr += "<w:keepNext/>"
        if num is not None:
            ppr += f'<w:numPr><w:ilvl w:val="{num[1]}"/><w:numId w:val="{num[0]}"/></w:numPr>'
        if before is not None or after is not None:
            ppr += ("<w:spacing" + (f' w:before="{before}"' if before is not None else "")
                    + (f' w:after="{after}"' if after is not None else "") + "/>")
        if align:
            ppr += f'<w:jc w:val="{align}"/>'
        if outline is not None:
            ppr += f'<w:outlineLvl w:val="{outline - 1}"/>'
        ppr = f"<w:pPr>{ppr}</w:pPr>" if ppr else ""
        return f"<w:p>{ppr}{self.runs(inlines, bold=bold)}</w:p>"

    # -- blocks -------------------------------------------------------------------
    def blocks(self, blocks: list[Block], numbered_paragraphs: bool = False) -> str:
        """Body XML for a list of blocks; briefing notes number their top-level paragraphs."""
        out = []
        # the template's space between two paragraphs, put where the styles alone leave too little: after a
        # list's last item (list styles space their items closer) and between a table and the text under it
        gap = self.styles.paragraph_after
        for i, block in enumerate(blocks):
            after_table = i > 0 and isinstance(blocks[i - 1], Table)
            following = blocks[i + 1] if i + 1 < len(blocks) else None
            if isinstance(block, Table) and after_table:
                out.append("<w:p/>")  # Word merges two adjacent tables into one
            if isinstance(block, Paragraph):
                # a picture on its own is not a numbered paragraph of the text
                pictured = all(isinstance(i, Image) for i in block.inlines) and bool(block.inlines)
                style = self.styles.numbered_paragraph if numbered_paragraphs and not pictured else None
                out.append(self.paragraph(block.inlines, style, keep_next=_leads_in(block.inlines, following),
                                          before=gap if after_table else None))
            elif isinstance(block, Heading):
                look = block.look or block.level
                out.append(self.paragraph(block.inlines, self.styles.heading[look],
                                          outline=block.level if look != block.level else None))
            elif isinstance(block, ListBlock):
                paragraphs = self._list(block, 0)
                paragraphs[-1]["after"] = gap
                if after_table:
                    paragraphs[0]["before"] = gap
                out.extend(self.paragraph(**p) for p in paragraphs)
            elif isinstance(block, Table):
                out.append(self.table(block))
        return "".join(out)

    def _list(self, block: ListBlock, depth: int) -> list[dict[str, Any]]:
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
            out.extend(self._item(item, style, cont, num, depth))
        return out

    def _item(self, item: ListItem, style: str, cont: str, num: tuple[int, int] | None,
              depth: int) -> list[dict[str, Any]]:
        """The paragraphs of a list item, as keyword arguments of :meth:`paragraph`."""
        out: list[dict[str, Any]] = []
        for n, part in enumerate(item.content):  # paragraphs and nested lists, in the order written
            following = item.content[n + 1] if n + 1 < len(item.content) else None
            if isinstance(part, ListBlock):
                out.extend(self._list(part, depth + 1))
            else:  # the first is a paragraph (markdown.py makes sure): the one beside the bullet or number
                lead_in = isinstance(following, ListBlock) and _ends_with_colon(part)
                out.append({"inlines": part, "style": style if n == 0 else cont, "num": num if n == 0 else None,
                            "keep_next": lead_in})
        return out

    def table(self, table: Table) -> str:
        """A table in the template's table style; its header rows repeat on every page and stay with the
        first row. A two-column table without a header is label/value lines: a layout table."""
        layout = table.kind == "table" and not table.header and len(table.align) == 2 and self.styles.layout
        widths = fit(table, self.styles.metrics, fill=not layout,
                     margins=self.styles.layout_margins if layout else None)
        header = bool(table.header)
        # w:val is the same flags as a bit mask (firstRow 0x20, noHBand 0x200, noVBand 0x400), which LibreOffice
        # and Word 2007 read instead of the attributes: they must agree, or a table without a header row is
        # drawn with its first row formatted as one
        look = '<w:tblLook w:val="{:04X}" w:firstRow="{}" w:lastRow="0" w:firstColumn="0" w:lastColumn="0" ' \
               'w:noHBand="1" w:noVBand="1"/>'.format(0x620 if header else 0x600, 1 if header else 0)
        caption = f'<w:tblCaption w:val="{text(table.caption)}"/>' if table.caption else ""
        style = layout or self.styles.table
        out = [f'<w:tbl><w:tblPr><w:tblStyle w:val="{style}"/><w:tblW w:w="{sum(widths)}" '
               f'w:type="dxa"/><w:tblLayout w:type="fixed"/>{look}{caption}</w:tblPr><w:tblGrid>'
               + "".join(f'<w:gridCol w:w="{w}"/>' for w in widths) + "</w:tblGrid>"]
        # each cell is the paragraph() of its text in the column's style, alignment and weight: the parts
        # that are the same down a column are drawn once (a table may have 100,000 rows)
        if table.header:
            # headings sit at the foot of their cells, on the units row; keepNext holds them with the first row
            heads = [(f'<w:tc><w:tcPr><w:tcW w:w="{widths[i]}" w:type="dxa"/><w:vAlign w:val="bottom"/></w:tcPr>'
                      + self._cell_ppr(self.styles.table_heading, align, keep_next=True))
                     for i, align in enumerate(table.align)]
            for row in table.header:
                cells = "".join(head + _cell_run(value, "") for head, value in zip(heads, row))
                out.append(f"<w:tr><w:trPr><w:cantSplit/><w:tblHeader/></w:trPr>{cells}</w:tr>")
        first_total = len(table.rows) - table.total_rows
        starts = [f'<w:tc><w:tcPr><w:tcW w:w="{widths[i]}" w:type="dxa"/></w:tcPr>'
                  + self._cell_ppr(self.styles.table_text, align) for i, align in enumerate(table.align)]
        for r, row in enumerate(table.rows):
            rpr = _BOLD if r >= first_total else ""
            cells = "".join(start + _cell_run(value, rpr) for start, value in zip(starts, row))
            out.append(f"<w:tr><w:trPr><w:cantSplit/></w:trPr>{cells}</w:tr>")
        out.append("</w:tbl>")
        return "".join(out)

    def _cell_ppr(self, style: str, align: str, keep_next: bool = False) -> str:
        """The start of a table cell's paragraph, as :meth:`paragraph` draws it, up to its run."""
        drawn = self.paragraph([], style, align=_jc(align), keep_next=keep_next)
        assert drawn.endswith("</w:p>")
        return drawn[:-len("</w:p>")]



_BOLD = "<w:rPr><w:b/><w:bCs/></w:rPr>"


def _cell_run(value: str, rpr: str) -> str:
    """A cell's text as :meth:`WordML._run` draws it, closing the cell's paragraph and the cell."""
    if not value:
        return "</w:p></w:tc>"
    return f'<w:r>{rpr}<w:t xml:space="preserve">{text(value)}</w:t></w:r></w:p></w:tc>'


def _ends_with_colon(inlines: list[Inline]) -> bool:
    """Whether a paragraph's text ends with a colon: a lead-in to what follows it."""
    words = "".join(i.text if isinstance(i, Run) else "".join(r.text for r in i.runs) if isinstance(i, Link) else ""
                    for i in inlines)
    return words.rstrip().endswith(":")


def _leads_in(inlines: list[Inline], following: Block | None) -> bool:
    """A paragraph ending in a colon right before a list or table stays on the page of its first item."""
    return isinstance(following, (ListBlock, Table)) and _ends_with_colon(inlines)


def _jc(align: str) -> str | None:
    return None if align == "left" else align
