"""LibreOffice's PDF structure tree, corrected where it tells screen readers something untrue.

LibreOffice tags every Word table as a data table (Table, TR, TD); a layout table (the report cover,
in a "Layout ..." table style) then reads as a data table without header cells. Its elements are
re-tagged as layout (Div), in place, so the rest of the file is LibreOffice's own bytes. The tree is
read with pikepdf (qpdf): a few milliseconds for a 20-page paper.
"""
from __future__ import annotations

import io
import re

import pikepdf
from pikepdf import Array, Dictionary, Name

from .pdf import edited, object_offsets

TABLE_PARTS = {"/TR", "/TH", "/TD", "/THead", "/TBody", "/TFoot"}
_TYPE = re.compile(rb"/S\s*/(Table|TR|TH|TD|THead|TBody|TFoot)(?=[\s/<>\[\]()])")


def tag_layout_tables(data: bytes, layout: list[bool]) -> bytes:
    """``data`` (a LibreOffice PDF) with the tables that ``layout`` marks (one flag per table of the
    document, in document order) tagged Div instead of Table/TR/TD. Unchanged when the PDF's tables do
    not match the document's one for one."""
    if not any(layout):
        return data
    offsets = object_offsets(data)
    if offsets is None:  # objects in object streams: LibreOffice writes none; leave the tables as they are
        return data
    with pikepdf.open(io.BytesIO(data), inherit_page_attributes=False) as pdf:  # no page is read
        root = pdf.Root.get("/StructTreeRoot")
        if root is None:
            return data
        tables = [e for e in _elements(root) if e.get("/S") == Name.Table]
        if len(tables) != len(layout):
            return data
        targets: list[int] = []
        for table, is_layout in zip(tables, layout):
            if is_layout:
                targets += [table.objgen[0]] + [part.objgen[0] for part in _table_parts(table)]
    edits = []
    for number in targets:
        start = offsets.get(number)
        if start is None:
            return data
        end = data.find(b"endobj", start)
        m = _TYPE.search(data, start, end)
        if m is None:
            return data
        edits.append((m.start(1) - 1, m.end(1), b"/Div"))
    return edited(data, sorted(edits))


def _kids(element: pikepdf.Object) -> list[pikepdf.Object]:
    kids = element.get("/K")
    if kids is None:
        return []
    return list(kids) if isinstance(kids, Array) else [kids]


def _is_element(kid: pikepdf.Object) -> bool:
    # marked-content ids (numbers) and inline references (MCR, OBJR dictionaries) are no elements
    return isinstance(kid, Dictionary) and kid.is_indirect and "/S" in kid


def _elements(node: pikepdf.Object) -> list[pikepdf.Object]:
    """The structure elements below ``node`` in document order (pre-order)."""
    out: list[pikepdf.Object] = []
    stack = list(reversed(_kids(node)))
    while stack:
        kid = stack.pop()
        if _is_element(kid):
            out.append(kid)
            stack.extend(reversed(_kids(kid)))
    return out


def _table_parts(table: pikepdf.Object) -> list[pikepdf.Object]:
    """The rows, cells and row groups of a table, not those of a table nested in one of its cells."""
    out: list[pikepdf.Object] = []
    stack = _kids(table)
    while stack:
        kid = stack.pop()
        if _is_element(kid) and str(kid.get("/S")) in TABLE_PARTS:
            out.append(kid)
            stack.extend(_kids(kid))
    return out
