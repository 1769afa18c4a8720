"""LibreOffice's PDF structure tree, corrected where it tells screen readers something untrue.

LibreOffice tags every Word table as a data table (Table, TR, TD); a layout table (the report cover,
in a "Layout ..." table style) then reads as a data table without header cells. Its elements are
re-tagged as layout (Div), in place, so the rest of the file is LibreOffice's own bytes.
"""
from __future__ import annotations

import io
import re
from typing import Any

from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

from .pdf import edited

TABLE_PARTS = {"/TR", "/TH", "/TD", "/THead", "/TBody", "/TFoot"}
_TYPE = re.compile(rb"/S\s*/(Table|TR|TH|TD|THead|TBody|TFoot)(?=[\s/<>\[\]()])")


def tag_layout_tables(data: bytes, layout: list[bool]) -> bytes:
    """``data`` (a LibreOffice PDF) with the tables that ``layout`` marks (one flag per table of the
    document, in document order) tagged Div instead of Table/TR/TD. Unchanged when the PDF's tables do
    not match the document's one for one."""
    if not any(layout):
        return data
    reader = PdfReader(io.BytesIO(data))
    root = reader.root_object.get("/StructTreeRoot")
    if root is None:
        return data
    tables = [ref for ref in _elements(root.get_object()) if ref.get_object().get("/S") == "/Table"]
    if len(tables) != len(layout):
        return data
    targets: list[IndirectObject] = []
    for ref, is_layout in zip(tables, layout):
        if is_layout:
            targets.append(ref)
            targets += _table_parts(ref)
    offsets = reader.xref.get(0, {})
    edits = []
    for ref in targets:
        start = offsets.get(ref.idnum)
        if start is None:  # in an object stream: LibreOffice writes none; leave the table as it is
            return data
        end = data.find(b"endobj", start)
        m = _TYPE.search(data, start, end)
        if m is None:
            return data
        edits.append((m.start(1) - 1, m.end(1), b"/Div"))
    return edited(data, sorted(edits))


def _kids(element: DictionaryObject) -> list[Any]:
    kids = element.get("/K")
    if kids is None:
        return []
    resolved = kids.get_object()
    return list(resolved) if isinstance(resolved, ArrayObject) else [kids]


def _elements(node: DictionaryObject) -> list[IndirectObject]:
    """The structure elements below ``node`` in document order (pre-order), as references."""
    out: list[IndirectObject] = []
    stack = list(reversed(_kids(node)))
    while stack:
        kid = stack.pop()
        if not isinstance(kid, IndirectObject):
            continue  # marked-content ids and inline references are no elements
        element = kid.get_object()
        if isinstance(element, DictionaryObject) and "/S" in element:
            out.append(kid)
            stack.extend(reversed(_kids(element)))
    return out


def _table_parts(table: IndirectObject) -> list[IndirectObject]:
    """The rows, cells and row groups of a table, not those of a table nested in one of its cells."""
    out: list[IndirectObject] = []
    stack = list(_kids(table.get_object()))
    while stack:
        kid = stack.pop()
        if not isinstance(kid, IndirectObject):
            continue
        element = kid.get_object()
        if isinstance(element, DictionaryObject) and element.get("/S") in TABLE_PARTS:
            out.append(kid)
            stack.extend(_kids(element))
    return out
