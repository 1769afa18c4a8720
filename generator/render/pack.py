"""The published agenda pack: PDFs joined in agenda order, one bookmark per item (pypdf).

The parts are tagged PDFs (LibreOffice's export); pypdf's ``append`` copies pages but
drops the structure tree, so the pack would no longer be accessible. :class:`_Tags`
carries each part's structure tree over: every part becomes a ``/Part`` element under
one ``/Document``, and the parent-tree keys of its pages and annotations are shifted so
they stay unique in the pack. When any part is untagged the pack is left untagged (and
the audit says so) rather than claiming a structure it lacks.
"""
from __future__ import annotations

import datetime as dt
import io
from xml.sax.saxutils import escape
from pathlib import Path
from typing import Any

from pypdf import PdfReader, PdfWriter
from pypdf.generic import (ArrayObject, BooleanObject, DictionaryObject, IndirectObject, NameObject, NumberObject,
                           StreamObject, TextStringObject)

from .pdf import pdf_date, xmp_date
from .stamp import stamp_pages


def page_count(pdf: Path) -> int:
    """Number of pages of a PDF."""
    return len(PdfReader(pdf).pages)


def join(parts: list[tuple[str, Path] | tuple[str, Path, bool]], title: str, date: dt.date | None = None,
         marking: str = "", first_page: int = 1) -> bytes:
    """One PDF of ``parts`` (bookmark text, file) in order, each part bookmarked at its first page, dated
    ``date`` (midnight UTC) as its parts are; a part given as (text, file, True), an appendix, is bookmarked
    under the part before it. Every page is stamped "Page N" (N counting through the pack) at its top
    right, and with ``marking`` ("NOT FOR PUBLICATION") at its top left when given; N starts at ``first_page``
    (a supplement's pages continue from the pack's)."""
    writer = PdfWriter()
    readers = [(part[0], PdfReader(part[1]), len(part) > 2 and bool(part[2])) for part in parts]
    tags = _Tags(writer) if readers and all(_tagged(reader) for _, reader, _ in readers) else None
    parent = None
    for label, reader, nested in readers:
        start = len(writer.pages)
        writer.append(reader, import_outline=False)
        bookmark = writer.add_outline_item(title=label, page_number=start, parent=parent if nested else None)
        if not nested:
            parent = bookmark
        if tags is not None:
            tags.add(reader, start, label)
    if tags is not None:
        tags.finish()
    stamp_pages(writer, [(f"Page {n}", marking) for n in range(first_page, first_page + len(writer.pages))])
    info = {"/Title": title}
    if date is not None:
        info["/CreationDate"] = info["/ModDate"] = pdf_date(date)
    writer.add_metadata(info)
    # PDF/UA-1 (ISO 14289-1 7.1-8): an XMP metadata stream with the title, declaring the part of the standard
    metadata = StreamObject()
    metadata[NameObject("/Type")] = NameObject("/Metadata")
    metadata[NameObject("/Subtype")] = NameObject("/XML")
    metadata.set_data(_xmp(title, date))
    writer._root_object[NameObject("/Metadata")] = writer._add_object(metadata)
    writer.create_viewer_preferences()
    if writer.viewer_preferences is not None:
        writer.viewer_preferences.display_doctitle = True
    writer.page_mode = "/UseOutlines"
    writer._root_object[NameObject("/Lang")] = TextStringObject("en-GB")
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue()


def _xmp(title: str, date: dt.date | None) -> bytes:
    """The pack's XMP packet: title, PDF/UA part 1, and the date when there is one."""
    dated = (f'  <rdf:Description rdf:about="" xmlns:xmp="http://ns.adobe.com/xap/1.0/">\n'
             f'   <xmp:CreateDate>{xmp_date(date)}</xmp:CreateDate>\n'
             f'   <xmp:ModifyDate>{xmp_date(date)}</xmp:ModifyDate>\n  </rdf:Description>\n') if date else ""
    return (f'<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>\n'
            f'<x:xmpmeta xmlns:x="adobe:ns:meta/">\n <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">\n'
            f'  <rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/">\n'
            f'   <dc:title><rdf:Alt><rdf:li xml:lang="x-default">{escape(title)}</rdf:li></rdf:Alt></dc:title>\n'
            f'  </rdf:Description>\n'
            f'  <rdf:Description rdf:about="" xmlns:pdfuaid="http://www.aiim.org/pdfua/ns/id/">\n'
            f'   <pdfuaid:part>1</pdfuaid:part>\n  </rdf:Description>\n{dated}'
            f' </rdf:RDF>\n</x:xmpmeta>\n<?xpacket end="w"?>').encode()


class _Tags:
    """The pack's structure tree, built part by part from the parts' own trees."""

    def __init__(self, writer: PdfWriter) -> None:
        self.writer = writer
        self.root = DictionaryObject({NameObject("/Type"): NameObject("/StructTreeRoot")})
        self.root_ref = writer._add_object(self.root)
        self.document = DictionaryObject({NameObject("/Type"): NameObject("/StructElem"),
                                          NameObject("/S"): NameObject("/Document"),
                                          NameObject("/P"): self.root_ref, NameObject("/K"): ArrayObject()})
        self.document_ref = writer._add_object(self.document)
        self.nums: list[tuple[int, Any]] = []
        self.next_key = 0
        self.role_map = DictionaryObject()
        self.class_map = DictionaryObject()

    def add(self, reader: PdfReader, start: int, label: str) -> None:
        """Carry over the structure of a tagged part whose pages begin at ``start``."""
        source = reader.root_object["/StructTreeRoot"].get_object()
        offset = self.next_key
        # pypdf drops /StructParents from copied pages; restore them, shifted into the pack's key space
        highest = -1
        for index, page in enumerate(reader.pages):
            copy = self.writer.pages[start + index]
            if "/StructParents" in page:
                key = int(page["/StructParents"])
                copy[NameObject("/StructParents")] = NumberObject(key + offset)
                highest = max(highest, key)
            for annot in copy.get("/Annots", []):
                annot = annot.get_object()
                if "/StructParent" in annot:
                    key = int(annot["/StructParent"])
                    annot[NameObject("/StructParent")] = NumberObject(key + offset)
                    highest = max(highest, key)
        # /P is left out of every clone (it would drag the part's own root along) and rebuilt below
        part = DictionaryObject({NameObject("/Type"): NameObject("/StructElem"), NameObject("/S"): NameObject("/Part"),
                                 NameObject("/T"): TextStringObject(label), NameObject("/P"): self.document_ref,
                                 NameObject("/K"): ArrayObject()})
        part_ref = self.writer._add_object(part)
        kids = source.get("/K", ArrayObject())
        kids = kids.get_object()
        for kid in kids if isinstance(kids, ArrayObject) else [kids]:
            element = kid.get_object()
            if isinstance(element, DictionaryObject) and element.get("/S") == "/Document":
                # a part's own /Document element: its children go straight into the /Part
                for grandchild in _as_list(element.get("/K")):
                    part["/K"].append(_clone(grandchild, self.writer))
            else:
                part["/K"].append(_clone(kid, self.writer))
        _set_parents(part, part_ref)
        self.document["/K"].append(part_ref)
        for key, value in _number_tree(source.get("/ParentTree")):
            self.nums.append((key + offset, _clone(value, self.writer)))
            highest = max(highest, key)
        for name, target in (source.get("/RoleMap") or DictionaryObject()).get_object().items():
            self.role_map.setdefault(NameObject(name), target)
        for name, target in (source.get("/ClassMap") or DictionaryObject()).get_object().items():
            self.class_map.setdefault(NameObject(name), _clone(target, self.writer))
        self.next_key = max(self.next_key, offset + highest + 1, int(source.get("/ParentTreeNextKey", 0)) + offset)

    def finish(self) -> None:
        """Attach the tree to the catalog and mark the pack as tagged."""
        nums = ArrayObject()
        for key, value in sorted(self.nums, key=lambda kv: kv[0]):
            nums.extend([NumberObject(key), value])
        self.root[NameObject("/K")] = ArrayObject([self.document_ref])
        self.root[NameObject("/ParentTree")] = self.writer._add_object(DictionaryObject({NameObject("/Nums"): nums}))
        self.root[NameObject("/ParentTreeNextKey")] = NumberObject(self.next_key)
        if self.role_map:
            self.root[NameObject("/RoleMap")] = self.role_map
        if self.class_map:
            self.root[NameObject("/ClassMap")] = self.class_map
        catalog = self.writer._root_object
        catalog[NameObject("/StructTreeRoot")] = self.root_ref
        catalog[NameObject("/MarkInfo")] = DictionaryObject({NameObject("/Marked"): BooleanObject(True)})


def _tagged(reader: PdfReader) -> bool:
    """Whether a PDF is tagged: marked, with a structure tree."""
    root = reader.root_object
    mark = root.get("/MarkInfo")
    return root.get("/StructTreeRoot") is not None and mark is not None and bool(mark.get_object().get("/Marked"))


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    resolved = value.get_object() if isinstance(value, IndirectObject) else value
    return list(resolved) if isinstance(resolved, ArrayObject) else [value]


def _clone(value: Any, writer: PdfWriter) -> Any:
    """A copy in the pack; objects already copied (pages, annotations, elements) are reused, not duplicated."""
    if hasattr(value, "clone"):
        return value.clone(writer, False, ("/P",))
    return value


def _set_parents(element: DictionaryObject, ref: IndirectObject) -> None:
    """Give every structure element below ``element`` its /P again (left out when cloning)."""
    stack = [(element, ref)]
    while stack:
        parent, parent_ref = stack.pop()
        for kid in _as_list(parent.get("/K")):
            if not isinstance(kid, IndirectObject):
                continue  # marked-content ids and inline MCR/OBJR dicts have no /P
            child = kid.get_object()
            if isinstance(child, DictionaryObject) and "/S" in child \
                    and child.get("/Type", "/StructElem") == "/StructElem":
                child[NameObject("/P")] = parent_ref
                stack.append((child, kid))


def _number_tree(node: Any) -> list[tuple[int, Any]]:
    """The (key, value) pairs of a PDF number tree, leaves in order."""
    if node is None:
        return []
    node = node.get_object()
    out: list[tuple[int, Any]] = []
    nums = node.get("/Nums")
    if nums is not None:
        nums = nums.get_object()
        out.extend((int(nums[i]), nums[i + 1]) for i in range(0, len(nums) - 1, 2))
    for kid in (node.get("/Kids") or ArrayObject()).get_object():
        out.extend(_number_tree(kid))
    return out
