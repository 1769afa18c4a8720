"""The published agenda pack: PDFs joined in agenda order, one bookmark per item (pikepdf, on qpdf).

The parts are tagged PDFs (LibreOffice's export), and the pack keeps their structure trees: every
part becomes a ``/Part`` element under one ``/Document``, and the parent-tree keys of its pages and
annotations are shifted so they stay unique in the pack. qpdf copies each part's objects once (a
structure element's page is the page already copied into the pack), in C++: joining a 20-paper
meeting takes a fraction of a second where pypdf's object-by-object cloning took seconds. When any
part is untagged the pack is left untagged (and the audit says so) rather than claiming a structure
it lacks. The same parts give byte-identical packs (qpdf numbers objects in the order it writes
them; the file identifier is derived from the content).
"""
from __future__ import annotations

import datetime as dt
import io
from contextlib import ExitStack
from pathlib import Path
from xml.sax.saxutils import escape

import pikepdf
from pikepdf import Array, Dictionary, Name, OutlineItem, Pdf, String

from .pdf import pdf_date, xmp_date
from .stamp import stamp_pages

Part = tuple[str, Path] | tuple[str, Path, bool]


def page_count(pdf: Path) -> int:
    """Number of pages of a PDF."""
    with _open(pdf) as opened:
        return len(opened.pages)


def _open(path: Path) -> Pdf:
    """A PDF, opened without pushing inherited page attributes down to every page first (pikepdf's default):
    30 times faster, and qpdf pushes them down itself when it copies a page into the pack."""
    return pikepdf.open(path, inherit_page_attributes=False)


def join(parts: list[Part], title: str, date: dt.date | None = None, marking: str = "",
         first_page: int = 1) -> bytes:
    """One PDF of ``parts`` (bookmark text, file) in order, each part bookmarked at its first page, dated
    ``date`` (midnight UTC) as its parts are; a part given as (text, file, True), an appendix, is bookmarked
    under the part before it. Every page is stamped "Page N" (N counting through the pack) at its top
    right, and with ``marking`` ("NOT FOR PUBLICATION") at its top left when given; N starts at ``first_page``
    (a supplement's pages continue from the pack's)."""
    pack = pikepdf.new()
    with ExitStack() as held:  # qpdf reads a part's streams when the pack is written: they stay open till then
        sources = [(part[0], held.enter_context(_open(part[1])), len(part) > 2 and bool(part[2]))
                   for part in parts]
        tags = _Tags(pack) if sources and all(_tagged(source) for _, source, _ in sources) else None
        starts = []
        for label, source, _ in sources:
            starts.append(len(pack.pages))
            pack.pages.extend(source.pages)
            if tags is not None:
                tags.add(source, starts[-1], label)
        if tags is not None:
            tags.finish()
        with pack.open_outline() as outline:
            parent: OutlineItem | None = None
            for (label, _, nested), start in zip(sources, starts):
                item = OutlineItem(label, start)
                if nested and parent is not None:
                    parent.children.append(item)
                else:
                    outline.root.append(item)
                    parent = item
        stamp_pages(pack, [(f"Page {n}", marking) for n in range(first_page, first_page + len(pack.pages))])
        info = Dictionary(Title=String(title))
        if date is not None:
            info.CreationDate = info.ModDate = String(pdf_date(date))
        pack.trailer.Info = pack.make_indirect(info)
        # PDF/UA-1 (ISO 14289-1 7.1-8): an XMP metadata stream with the title, declaring the part of the standard
        metadata = pikepdf.Stream(pack, _xmp(title, date))
        metadata.Type, metadata.Subtype = Name.Metadata, Name.XML
        root = pack.Root
        root.Metadata = pack.make_indirect(metadata)
        root.ViewerPreferences = Dictionary(DisplayDocTitle=True)
        root.PageMode = Name.UseOutlines
        root.Lang = String("en-GB")
        versions = [source.pdf_version for _, source, _ in sources]
        buf = io.BytesIO()
        # no XMP rewrite (fix_metadata_version) and an /ID from the content: the same parts, the same bytes
        pack.save(buf, deterministic_id=True, fix_metadata_version=False, object_stream_mode=pikepdf.ObjectStreamMode.generate,
                  min_version=max(versions, key=_version_key) if versions else "1.4")
    return buf.getvalue()


def _version_key(version: str) -> tuple[int, ...]:
    return tuple(int(n) for n in version.split(".") if n.isdigit())


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

    def __init__(self, pack: Pdf) -> None:
        self.pack = pack
        self.root = pack.make_indirect(Dictionary(Type=Name.StructTreeRoot))
        self.document = pack.make_indirect(Dictionary(Type=Name.StructElem, S=Name.Document, P=self.root,
                                                      K=Array()))
        self.nums: list[tuple[int, pikepdf.Object]] = []
        self.next_key = 0
        self.role_map = Dictionary()
        self.class_map = Dictionary()

    def add(self, source: Pdf, start: int, label: str) -> None:
        """Carry over the structure of a tagged part whose pages begin at ``start`` in the pack."""
        # the part's whole tree, copied once; its elements' pages and annotations are the ones already copied
        tree = self.pack.copy_foreign(source.Root.StructTreeRoot)
        offset = self.next_key
        highest = -1
        for page in self.pack.pages[start:start + len(source.pages)]:
            if "/StructParents" in page.obj:
                key = int(page.obj.StructParents)
                page.obj.StructParents = key + offset
                highest = max(highest, key)
            for annot in page.obj.get("/Annots", Array()):
                if isinstance(annot, Dictionary) and "/StructParent" in annot:
                    key = int(annot.StructParent)
                    annot.StructParent = key + offset
                    highest = max(highest, key)
        kids = _as_list(tree.get("/K"))
        if len(kids) == 1 and isinstance(kids[0], Dictionary) and kids[0].get("/S") == Name.Document:
            part = kids[0]  # the part's own /Document element becomes its /Part: its children keep their /P
        else:
            part = self.pack.make_indirect(Dictionary(Type=Name.StructElem, K=Array(kids)))
            for kid in kids:
                if isinstance(kid, Dictionary) and "/S" in kid:
                    kid.P = part
        part.S, part.T, part.P = Name.Part, String(label), self.document
        self.document.K.append(part)
        for key, value in _number_tree(tree.get("/ParentTree")):
            self.nums.append((key + offset, value))
            highest = max(highest, key)
        for name, target in tree.get("/RoleMap", Dictionary()).items():
            if name not in self.role_map:
                self.role_map[name] = target
        for name, target in tree.get("/ClassMap", Dictionary()).items():
            if name not in self.class_map:
                self.class_map[name] = target
        self.next_key = max(self.next_key, offset + highest + 1, int(tree.get("/ParentTreeNextKey", 0)) + offset)

    def finish(self) -> None:
        """Attach the tree to the catalog and mark the pack as tagged."""
        nums = Array()
        for key, value in sorted(self.nums, key=lambda kv: kv[0]):
            nums.append(key)
            nums.append(value)
        self.root.K = Array([self.document])
        self.root.ParentTree = self.pack.make_indirect(Dictionary(Nums=nums))
        self.root.ParentTreeNextKey = self.next_key
        if len(self.role_map):
            self.root.RoleMap = self.role_map
        if len(self.class_map):
            self.root.ClassMap = self.class_map
        self.pack.Root.StructTreeRoot = self.root
        self.pack.Root.MarkInfo = Dictionary(Marked=True)


def _tagged(pdf: Pdf) -> bool:
    """Whether a PDF is tagged: marked, with a structure tree."""
    root = pdf.Root
    mark = root.get("/MarkInfo")
    return ("/StructTreeRoot" in root and isinstance(mark, Dictionary) and bool(mark.get("/Marked", False)))


def _as_list(value: pikepdf.Object | None) -> list[pikepdf.Object]:
    if value is None:
        return []
    return list(value) if isinstance(value, Array) else [value]


def _number_tree(node: pikepdf.Object | None) -> list[tuple[int, pikepdf.Object]]:
    """The (key, value) pairs of a PDF number tree, leaves in order."""
    if not isinstance(node, Dictionary):
        return []
    out: list[tuple[int, pikepdf.Object]] = []
    nums = node.get("/Nums")
    if isinstance(nums, Array):
        out.extend((int(nums[i]), nums[i + 1]) for i in range(0, len(nums) - 1, 2))
    for kid in node.get("/Kids", Array()):
        out.extend(_number_tree(kid))
    return out
