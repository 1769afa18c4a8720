"""Accessibility audit of published documents (.docx and .pdf) against the WCAG 2.2 AA points that
apply to documents under the Public Sector Bodies Accessibility Regulations 2018.

Domain code: returns findings, prints nothing. What is checked, and the decisions behind it:

- A folder is searched recursively for ``*.docx`` and ``*.pdf``. Skipped there: Word's lock
  files (``~$name.docx``: not documents), ``<name>.edited-<n>.docx`` copies (a person's edits
  kept aside by ``papers build --force``; not what is published) and anything under a hidden
  folder or named with a leading dot (a build's temporary files). A file named explicitly is
  always audited.
- Layout tables (the report cover) are recognised by their table style: a style whose name,
  or the name of a style it is based on, contains the word "Layout" (the templates' cover uses
  "Layout Table"). They need no header row and may merge cells; every other table is a data table.
- A link whose text is a bare web address is accepted: it says where it goes and survives
  printing, which committee papers are. Generic text ("click here", "read more", ...) is not.
- Text size (house style, 12 pt minimum) and contrast are checked for every run of text in the
  document body, table cells and text boxes included; headers, footers, footnotes and comments
  are not read (nor are their images). Superscript and subscript runs are exempt from the size rule. Sizes and colours resolve
  run -> character style -> paragraph style -> table style -> document defaults (based-on
  chains followed; the last value set wins). Contrast is measured against the run's, the
  paragraph's or the cell's shading when set directly, otherwise white; text of 18 pt, or 14 pt
  bold, needs 3:1, other text 4.5:1. "auto" colours are not checked.
- A "fake heading" is a paragraph outside tables, in a style that is neither a heading nor bold
  by design, whose text is all bold, at most 100 characters and not ending like a sentence.
  It is a heuristic, hence a warning; so are merged cells, which may be correct but need care.
- "paragraph N" counts the body's paragraphs in document order, table cells included, as
  ``body.iter(w:p)`` meets them; "table N" counts tables (the cover is table 1) the same way.
- Each repeated text-size or contrast problem is reported once per size or colour, at its first
  paragraph, with a count: one 10 pt document is one finding, not a hundred.
"""
from __future__ import annotations

import contextlib
import copy
import functools
import gc
import io
import os
import posixpath
import re
import threading
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Union

from ..errors import Level

Source = Union[Path, io.BytesIO]  # a document on disk, or its bytes in memory

# rule id -> (WCAG 2.2 success criteria it serves, what is checked)
RULES: dict[str, tuple[str, str]] = {
    "title": ("2.4.2", "the document has a title (Word: core property Title)"),
    "language": ("3.1.1", "the document's language is set (core property Language or the styles' language)"),
    "heading-order": ("1.3.1, 2.4.6", "headings use heading styles, start at level 1 and skip no level"),
    "empty-heading": ("2.4.6", "no heading is empty"),
    "fake-heading": ("1.3.1", "no short, wholly bold paragraph stands in for a heading (warning)"),
    "table-header": ("1.3.1", "every data table's first row is marked as a header row (repeats on each page)"),
    "table-header-text": ("1.3.1", "a data table's header row has text in every cell"),
    "merged-cells": ("1.3.1", "data tables have no merged cells (warning)"),
    "link-text": ("2.4.4", "link text says where the link goes (not \"click here\", \"read more\", ...)"),
    "image-alt": ("1.1.1", "every image has alternative text or is marked decorative"),
    "text-size": ("1.4.4", "body and table text is at least 12 pt (house style)"),
    "text-contrast": ("1.4.3", "text contrast is at least 4.5:1 (3:1 for large text)"),
    "typed-list": ("1.3.1", "lists use real bullets or numbering, not typed markers"),
    "pdf-tagged": ("1.3.1", "the PDF is tagged (/MarkInfo /Marked true and a structure tree)"),
    "pdf-title": ("2.4.2", "the PDF has a title and the viewer shows it (/DisplayDocTitle)"),
    "pdf-language": ("3.1.1", "the PDF's language is set (/Lang)"),
    "unreadable": ("-", "the file can be opened"),
}

MIN_HALF_POINTS = 24  # 12 pt
MIN_CONTRAST = 4.5
MIN_CONTRAST_LARGE = 3.0
FAKE_HEADING_MAX_CHARS = 100
GENERIC_LINK_TEXT = {
    "click here", "click", "here", "link", "this link", "click this link", "read more", "more", "more info",
    "more information", "find out more", "learn more", "see more", "this", "this page", "website", "web page",
}
# a typed list marker: a bullet-like glyph, or 1. 1) (1) a) (a), then a space or tab
TYPED_MARKER = re.compile(r"^\s*(?:[\u2022\u25cf\u25cb\u25aa\u25a0\u25e6\u2023\u2043\u2013\u2014\u2192\u27a2\u2713"
                          r"\u2714\-*>o\u00b7\uf0b7\uf0a7]|\(?\d{1,3}[.)]|\(?[a-z]\))[ \t\u00a0]")
URL = re.compile(r"^(?:(?:https?|ftp)://|www\.|mailto:)\S+$|^[\w.+-]+@[\w-]+\.[\w.-]+$", re.IGNORECASE)

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
WP = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
ADEC = "http://schemas.microsoft.com/office/drawing/2017/decorative"


@dataclass(frozen=True)
class Finding:
    """One accessibility problem in one published file."""

    file: Path
    where: str  # "document", "table 3", 'paragraph 12 "text…"', 'image 1 in paragraph 5'
    rule: str  # a key of RULES
    level: Level
    message: str
    fix: str

    def __str__(self) -> str:
        return f"{self.file.name}: {self.where}: {self.rule}: {self.level}: {self.message}; fix: {self.fix}"

    @property
    def criterion(self) -> str:
        """The WCAG 2.2 success criteria the rule serves."""
        return RULES[self.rule][0]


def find_documents(paths: list[Path]) -> list[Path]:
    """The .docx and .pdf files to audit: named files as given, folders searched recursively (sorted)."""
    out: list[Path] = []
    for path in paths:
        if path.is_dir():
            found = [f for f in path.rglob("*") if f.suffix.lower() in (".docx", ".pdf") and f.is_file()
                     and not _skipped(f.relative_to(path))]
            out.extend(sorted(found))
        elif path.suffix.lower() in (".docx", ".pdf"):
            out.append(path)
    return out


def _skipped(relative: Path) -> bool:
    name = relative.name
    return (name.startswith("~$") or ".edited-" in name
            or any(part.startswith(".") for part in relative.parts))


def audit_results(paths: list[Path]) -> list[tuple[str, list[Finding]]]:
    """Each document of ``paths`` (see :func:`find_documents`) with its findings."""
    return [(str(document), audit_file(document)) for document in find_documents(paths)]


def audit_paths(paths: list[Path]) -> list[Finding]:
    """Every finding in the documents of ``paths``, file by file."""
    return [finding for _, findings in audit_results(paths) for finding in findings]


def audit_file(path: Path, data: bytes | None = None) -> list[Finding]:
    """The findings of one .docx or .pdf file (an unreadable file is one error finding); with ``data``, of those
    bytes as if they were the file ``path`` (`papers check` audits what a build would write, in memory)."""
    suffix = path.suffix.lower()
    if suffix not in (".pdf", ".docx"):
        return []
    source: Source = io.BytesIO(data) if data is not None else path
    try:
        return _audit_pdf(path, source) if suffix == ".pdf" else _Docx(path, _read_docx(source)).audit()
    except Exception as exc:  # noqa: BLE001 - a damaged part a reader could not use either: report it, go on
        return [_unreadable(path, exc)]


def _unreadable(path: Path, exc: Exception) -> Finding:
    return Finding(path, "document", "unreadable", "error", f"cannot be read ({type(exc).__name__}: {exc})",
                   "re-save or rebuild the file")


def audit_document(path: Path, doc: Any) -> list[Finding]:
    """The findings of a Word document held by python-docx (the build audits the document it rendered, before
    saving it as ``path``): the same as :func:`audit_file` finds in the saved file, without reading it back."""
    try:
        return _Docx(path, _document_parts(doc)).audit()
    except Exception as exc:  # noqa: BLE001 - as audit_file: reported, not raised
        return [_unreadable(path, exc)]


def layout_tables(path: Path) -> list[bool]:
    """For each table of a .docx, in document order ("table N" of the findings), whether it is a layout table."""
    parts = _read_docx(path)
    if parts.body is None:
        return []
    doc = _Docx(path, parts)
    return [doc.is_layout_table(style) for _, _, style in doc._read(parts.body)[1]]


# -- PDF -----------------------------------------------------------------------------------------

def _audit_pdf(path: Path, source: Source) -> list[Finding]:
    from pypdf import PdfReader  # imported here: auditing only Word files does not pay for it

    reader = PdfReader(source)
    root = reader.trailer["/Root"].get_object()  # no catalog: unreadable (raises), not merely untagged
    out: list[Finding] = []

    def add(rule: str, message: str, fix: str) -> None:
        out.append(Finding(path, "document", rule, "error", message, fix))

    mark = root.get("/MarkInfo")
    marked = bool(mark.get_object().get("/Marked", False)) if mark is not None else False
    if not marked or root.get("/StructTreeRoot") is None:
        missing = " and ".join(m for m, ok in (("/MarkInfo /Marked true", marked),
                                              ("a structure tree", root.get("/StructTreeRoot") is not None)) if not ok)
        add("pdf-tagged", f"the PDF is not tagged (no {missing}), so screen readers get no headings, lists or tables",
            'export it again as a tagged PDF (Word: Save as PDF > Options > "Document structure tags for '
            'accessibility"; LibreOffice: "Tagged PDF")')
    title = ""
    try:
        info = reader.metadata
        title = str(info.title or "").strip() if info is not None else ""
        if not title and reader.xmp_metadata is not None:
            title = " ".join((reader.xmp_metadata.dc_title or {}).values()).strip()
    except Exception:  # noqa: BLE001 - a damaged /Info or XMP packet counts as no title
        title = ""
    prefs = root.get("/ViewerPreferences")
    shows = bool(prefs.get_object().get("/DisplayDocTitle", False)) if prefs is not None else False
    if not title:
        add("pdf-title", "the PDF has no title in its metadata",
            "set the document title (Word: File > Info > Title) and export again")
    elif not shows:
        add("pdf-title", "the viewer shows the file name, not the title (/DisplayDocTitle is not true)",
            'export with "Display document title" (LibreOffice PDF options > Initial View > Window)')
    if not str(root.get("/Lang", "") or "").strip():
        add("pdf-language", "the PDF's language is not set (/Lang), so screen readers may mispronounce it",
            "set the document language (Word: Review > Language) and export again")
    return out


# -- Word ----------------------------------------------------------------------------------------
#
# Speed: every build audits every paper it writes, so a .docx must take a few milliseconds. Hence:
# - the parts the audit reads are parsed straight from the zip; python-docx's Document() builds an object
#   for every part and costs more than the whole audit. Whatever is unusual about a package (no styles or
#   core properties part, odd content types, a damaged part...) is left to python-docx, which then reads
#   it, or fails to, exactly as it always did: the findings, "unreadable" messages included, do not change;
# - the body is walked once and each paragraph's text, runs, links and images are gathered on the way,
#   instead of searching every paragraph's subtree (and its ancestors, for its table cell) again;
# - children are found by a plain loop: lxml's el.find() goes through ElementPath, ~2 us a call;
# - whatever depends only on styles (heading level, numbering, resolved run properties and what the text
#   checks make of them) is worked out once per style combination, not once per paragraph or run, and kept
#   for the next document with the same styles part (a build's papers share their template's);
# - a body of the usual shape (paragraphs in the body or in the cells of its tables, runs in paragraphs or
#   their hyperlinks, text in runs: every paper a build writes) is read by a fast walk that stops only at
#   the elements the checks read and at each knows its paragraph and run as the last ones met; the general
#   walk, which works out for every element which paragraphs, runs, cells and tables hold it, reads any
#   other body. Both give the checks the same records (tests/test_audit_same.py compares the findings with
#   the audit as it was before the fast walk, on documents of either shape). Creating lxml's Python objects
#   for the elements met is most of what is left: a walk costs about as much per element as it meets;
# - Python's cyclic garbage collector is paused while a document is audited (see _collector_paused).


def _w(tag: str) -> str:
    return f"{{{W}}}{tag}"


W_P, W_R, W_T, W_TBL, W_TR, W_TC, W_VAL = _w("p"), _w("r"), _w("t"), _w("tbl"), _w("tr"), _w("tc"), _w("val")
W_PPR, W_RPR, W_PSTYLE, W_RSTYLE, W_OUTLINE = _w("pPr"), _w("rPr"), _w("pStyle"), _w("rStyle"), _w("outlineLvl")
W_NUMPR, W_NUMID, W_SHD, W_FILL, W_TCPR = _w("numPr"), _w("numId"), _w("shd"), _w("fill"), _w("tcPr")
W_TBLPR, W_TBLSTYLE, W_TRPR, W_TBLHEADER = _w("tblPr"), _w("tblStyle"), _w("trPr"), _w("tblHeader")
W_HYPERLINK = _w("hyperlink")
W_SZ, W_COLOR, W_B, W_VANISH, W_VERTALIGN = _w("sz"), _w("color"), _w("b"), _w("vanish"), _w("vertAlign")
W_DOCUMENT, W_BODY, W_NAME, W_BASEDON = _w("document"), _w("body"), _w("name"), _w("basedOn")
WP_DOCPR = f"{{{WP}}}docPr"
ADEC_DECORATIVE = f"{{{ADEC}}}decorative"
V_SHAPE, V_IMAGEDATA = "{urn:schemas-microsoft-com:vml}shape", "{urn:schemas-microsoft-com:vml}imagedata"
W_GRIDSPAN, W_VMERGE, W_HMERGE = _w("gridSpan"), _w("vMerge"), _w("hMerge")
# what the body walk stops at
_WALK_TAGS = (W_P, W_PPR, W_R, W_RPR, W_T, W_TC, W_TBL, W_HYPERLINK, WP_DOCPR, V_SHAPE)
# what the fast walk (_Docx._scan) stops at: no w:tc, but the w:pStyle, w:outlineLvl and w:rPr the checks read
_SCAN_TAGS = (W_P, W_PSTYLE, W_OUTLINE, W_RPR, W_T, W_TBL, W_HYPERLINK, WP_DOCPR, V_SHAPE)
# what a merged cell is made with (a table without any has none)
_MERGE_TAGS = (W_GRIDSPAN, W_VMERGE, W_HMERGE)

# the package (OPC) names python-docx reads a .docx by
_CT_TYPES = "{http://schemas.openxmlformats.org/package/2006/content-types}Types"
_CT_OVERRIDE = "{http://schemas.openxmlformats.org/package/2006/content-types}Override"
_CT_DEFAULT = "{http://schemas.openxmlformats.org/package/2006/content-types}Default"
_PR_RELATIONSHIPS = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationships"
_PR_RELATIONSHIP = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"
_CP_CORE = "{http://schemas.openxmlformats.org/package/2006/metadata/core-properties}coreProperties"
_DC_TITLE, _DC_LANGUAGE = "{http://purl.org/dc/elements/1.1/}title", "{http://purl.org/dc/elements/1.1/}language"


def _first(el: Any, tag: str) -> Any:
    """``el.find(tag)`` for a plain tag (the first such child, or None), without ElementPath's cost."""
    for child in el:
        if child.tag == tag:
            return child
    return None


def _find_path(el: Any, tags: tuple[str, ...]) -> Any:
    """``el.find("a/b/...")``: the first match of the last step under the first earlier match that has one."""
    if len(tags) == 1:
        return _first(el, tags[0])
    for child in el:
        if child.tag == tags[0]:
            found = _find_path(child, tags[1:])
            if found is not None:
                return found
    return None


def _on(el: Any) -> bool:
    """A WordprocessingML on/off property: present means on unless w:val says otherwise."""
    return el.get(W_VAL, "true").lower() not in ("0", "false", "off", "none")


def _rpr_props(rpr: Any) -> dict[str, Any]:
    """The run properties the audit needs, as set (only keys present) by one w:rPr."""
    props: dict[str, Any] = {}
    if rpr is None:
        return props
    for child in rpr:
        tag = child.tag
        if tag == W_SZ:
            try:
                props["sz"] = int(child.get(W_VAL))
            except (TypeError, ValueError):
                pass
        elif tag == W_COLOR:
            props["color"] = (child.get(W_VAL) or "auto").upper()
        elif tag == W_B:
            props["b"] = _on(child)
        elif tag == W_VANISH:
            props["vanish"] = _on(child)
        elif tag == W_VERTALIGN:
            props["vertAlign"] = child.get(W_VAL)
        elif tag == W_SHD:
            props["shd"] = (child.get(W_FILL) or "auto").upper()
    return props


def _fill(pr: Any) -> str | None:
    """The direct w:shd fill of a paragraph's w:pPr or a cell's w:tcPr (None: not given, or given as auto)."""
    shd = _first(pr, W_SHD) if pr is not None else None
    fill = (shd.get(W_FILL) or "auto").upper() if shd is not None else None
    return fill if fill and fill != "AUTO" else None


def _luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i:i + 2], 16) / 255 for i in (0, 2, 4)]
    lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def contrast(foreground: str, background: str = "FFFFFF") -> float:
    """WCAG contrast ratio of two RRGGBB colours."""
    a, b = _luminance(foreground), _luminance(background)
    return (max(a, b) + 0.05) / (min(a, b) + 0.05)


_HEX = re.compile(r"^[0-9A-F]{6}$")


# a document uses a handful of colours, each on thousands of runs: test each one, and each pair, once
@functools.lru_cache(maxsize=4096)
def _is_hex(value: str) -> bool:
    return _HEX.match(value) is not None


_contrast = functools.lru_cache(maxsize=4096)(contrast)

# what the text checks need from a run's resolved properties:
# (hidden, bold, size in half-points if below the minimum, text colour if RRGGBB, shading if RRGGBB, large)
_Verdict = tuple[bool, bool, "int | None", "str | None", "str | None", bool]


def _verdict(props: dict[str, Any]) -> _Verdict:
    """The text checks' view of a run's resolved properties (see _Verdict)."""
    size = props.get("sz", 20)  # Word's own default when nothing sets a size: 10 pt
    small = size if size < MIN_HALF_POINTS and props.get("vertAlign") not in ("superscript", "subscript") else None
    colour, shading = props.get("color", "AUTO"), props.get("shd", "AUTO")
    return (bool(props.get("vanish")), bool(props.get("b")), small, colour if _is_hex(colour) else None,
            shading if _is_hex(shading) else None, bool(size >= 36 or (size >= 28 and props.get("b"))))


def _snippet(text: str, width: int = 40) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[:width - 1].rstrip() + "…"


def _where(index: int, text: str) -> str:
    """How a finding names paragraph ``index``: built only when there is a finding, not for every paragraph."""
    return f'paragraph {index} "{_snippet(text)}"' if text.strip() else f"paragraph {index}"


# -- reading the package ------------------------------------------------------------------------

@dataclass
class _WordParts:
    """What the audit reads from a .docx, however the package was opened."""

    styles: Any  # root of the styles part
    title: str  # core property Title, "" if not set
    language: str  # core property Language, "" if not set
    body: Any  # the document's w:body (None if it has none)
    link_target: Callable[[str | None], str | None]  # hyperlink r:id -> its target as python-docx gives it, or ""


class _Unusual(Exception):
    """The package is not a plain one: python-docx reads it instead (see _read_docx)."""


_local = threading.local()


def _xml(data: bytes) -> Any:
    """An XML part parsed as python-docx parses it (same options, hence the same tree, or the same error)."""
    from lxml import etree

    parser = getattr(_local, "parser", None)
    if parser is None:  # lxml parsers are not to be shared between threads
        parser = _local.parser = etree.XMLParser(remove_blank_text=True, resolve_entities=False)
    return etree.fromstring(data, parser)


_XPATHS = {
    # the rows (w:tr children of a w:tbl) with a merged cell: one of its w:tc children's first w:tcPr has a
    # first w:gridSpan that spans, or has a w:vMerge or w:hMerge
    "merged_rows": "w:tr[w:tc[w:tcPr[1][w:gridSpan[1][@w:val != '1' and @w:val != '0'] or w:vMerge or w:hMerge]]]",
}


def _xpath(name: str) -> Any:
    """A compiled XPath of _XPATHS, per thread (lxml's evaluators are not to be shared between threads)."""
    compiled = getattr(_local, "xpaths", None)
    if compiled is None:
        from lxml import etree

        compiled = _local.xpaths = {key: etree.XPath(expr, namespaces={"w": W}) for key, expr in _XPATHS.items()}
    return compiled[name]


@functools.lru_cache(maxsize=1)
def _docx_classes() -> dict[str, Any]:
    """python-docx's package names and part classes, imported once (the import is slow; lookups are not)."""
    from docx.opc.constants import CONTENT_TYPE as CT
    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from docx.opc.part import Part, PartFactory, XmlPart
    from docx.opc.parts.coreprops import CorePropertiesPart
    from docx.parts.document import DocumentPart
    from docx.parts.image import ImagePart
    from docx.parts.styles import StylesPart

    return {"CT_DOCUMENT": CT.WML_DOCUMENT_MAIN, "RT_DOCUMENT": RT.OFFICE_DOCUMENT, "RT_STYLES": RT.STYLES,
            "RT_CORE": RT.CORE_PROPERTIES, "PartFactory": PartFactory, "DocumentPart": DocumentPart,
            "StylesPart": StylesPart, "CorePropertiesPart": CorePropertiesPart,
            "parsed": XmlPart.load.__func__, "unparsed": (Part.load.__func__, ImagePart.load.__func__)}


def _read_docx(path: Source) -> _WordParts:
    """The parts of a .docx the audit needs: read directly when the package is plain, else by python-docx."""
    try:
        parts = _read_docx_directly(path)
    except Exception:  # noqa: BLE001 - damaged: python-docx, below, fails on it and says how, as it always did
        parts = None
    return parts if parts is not None else _read_docx_with_python_docx(path)


def _read_docx_with_python_docx(path: Source) -> _WordParts:
    """Through python-docx: the reference for what a package means, used for any package that is not plain."""
    from docx import Document

    if isinstance(path, io.BytesIO):
        path.seek(0)
    return _document_parts(Document(path if isinstance(path, io.BytesIO) else str(path)))


def _document_parts(doc: Any) -> _WordParts:
    """The parts the audit reads, from a python-docx Document."""
    styles = doc.styles.element  # creates default styles if the package has none, raises if it has two
    core = doc.core_properties  # likewise
    title, language = core.title, core.language
    body = doc.element.body
    rels = doc.part.rels

    def link_target(rid: str | None) -> str | None:
        return rels[rid].target_ref if rid and rid in rels else ""

    return _WordParts(styles, title, language, body, link_target)


def _read_docx_directly(path: Source) -> _WordParts | None:
    """The parts the audit needs, read from the zip as python-docx's Document() would read them; None when
    python-docx would do more than read (make a default styles or core part, read an unzipped folder) or
    would fail. python-docx opens every part its relationships reach and parses every part it has a class
    for, so this does too: a package it rejects (a missing or damaged part) must not pass here."""
    if not isinstance(path, io.BytesIO) and os.path.isdir(path):
        return None
    names = _docx_classes()
    factory = names["PartFactory"]
    with zipfile.ZipFile(path) as package:
        types = _xml(package.read("[Content_Types].xml"))
        if types.tag != _CT_TYPES:
            return None
        overrides = {o.get("PartName").lower(): o.get("ContentType") for o in types.iterchildren(_CT_OVERRIDE)}
        defaults = {d.get("Extension").lower(): d.get("ContentType") for d in types.iterchildren(_CT_DEFAULT)}

        def rels_of(partname: str) -> list[tuple[str | None, str | None, str | None, bool]]:
            """(Id, Type, Target, external) of each relationship of a part ("/": the package)."""
            folder, name = posixpath.split(partname)
            try:
                data = package.read(posixpath.join(folder, "_rels", name + ".rels")[1:])
            except KeyError:
                return []
            root = _xml(data)
            if root.tag != _PR_RELATIONSHIPS:
                raise _Unusual(partname)
            return [(rel.get("Id"), rel.get("Type"), rel.get("Target"), rel.get("TargetMode", "Internal") == "External")
                    for rel in root.iterchildren(_PR_RELATIONSHIP)]

        # partname -> (content type, type of the relationship it was first reached by, data, its relationships)
        parts: dict[str, tuple[str | None, str | None, bytes, list[Any]]] = {}

        def walk(folder: str, rels: list[Any]) -> None:  # depth first, in python-docx's order
            for _, reltype, target, external in rels:
                if external:
                    continue
                partname = posixpath.abspath(posixpath.join(folder, target))
                if partname in parts:
                    continue
                part_rels = rels_of(partname)
                data = package.read(partname[1:])
                if partname.lower() in overrides:
                    content_type = overrides[partname.lower()]
                else:
                    ext = posixpath.splitext(partname)[1]
                    content_type = defaults[(ext[1:] if ext.startswith(".") else ext).lower()]
                parts[partname] = (content_type, reltype, data, part_rels)
                walk(posixpath.split(partname)[0], part_rels)

        package_rels = rels_of("/")
        walk("/", package_rels)

    classes: dict[str, Any] = {}
    elements: dict[str, Any] = {}
    selector = getattr(factory, "part_class_selector", None)
    for partname, (content_type, reltype, data, _) in parts.items():
        cls = selector(content_type, reltype) if selector is not None else None
        if cls is None:
            cls = factory.part_type_for[content_type] if content_type in factory.part_type_for \
                else factory.default_part_type
        load = getattr(cls.load, "__func__", None)
        if load is names["parsed"]:
            elements[partname] = _xml(data)
        elif load not in names["unparsed"]:
            return None  # a part class of its own: only python-docx knows what loading it does
        classes[partname] = cls

    def related(rels: list[Any], reltype: str, folder: str) -> str:
        """The one part of that relationship type, as python-docx's part_related_by finds it."""
        by_id = {rid: (kind, target, external) for rid, kind, target, external in rels}  # a repeated Id: the last
        found = [rel for rel in by_id.values() if rel[0] == reltype]
        if len(found) != 1 or found[0][2]:
            raise _Unusual(reltype)  # none (python-docx would make one), several or external (it raises)
        return posixpath.abspath(posixpath.join(folder, found[0][1]))

    main = related(package_rels, names["RT_DOCUMENT"], "/")
    if parts[main][0] != names["CT_DOCUMENT"] or classes[main] is not names["DocumentPart"] \
            or elements[main].tag != W_DOCUMENT:
        return None
    folder = posixpath.split(main)[0]
    styles = related(parts[main][3], names["RT_STYLES"], folder)
    core = related(package_rels, names["RT_CORE"], "/")
    if classes[styles] is not names["StylesPart"] or classes[core] is not names["CorePropertiesPart"] \
            or elements[core].tag != _CP_CORE:
        return None
    title, language = _first(elements[core], _DC_TITLE), _first(elements[core], _DC_LANGUAGE)
    links = {rid: (target, external) for rid, _, target, external in parts[main][3]}

    def link_target(rid: str | None) -> str | None:
        if not rid or rid not in links:
            return ""
        target, external = links[rid]
        if external:
            return target
        partname = posixpath.abspath(posixpath.join(folder, target))  # as python-docx: relative to the document
        return partname[1:] if folder == "/" else posixpath.relpath(partname, folder)

    return _WordParts(elements[styles], (title.text if title is not None else None) or "",
                      (language.text if language is not None else None) or "", _first(elements[main], W_BODY),
                      link_target)


# -- auditing it --------------------------------------------------------------------------------

_NO_TABLE = object()  # a paragraph in a w:tc that no w:tbl holds
_LATER = object()  # a paragraph's w:pPr children, not looked for yet (see _pprs)

# One w:p as the body walk met it, with what its checks need from its subtree (text boxes' included). A list,
# not an object, and as few lists in it as will do: there is one per paragraph, and building it (and the
# garbage collector's passes over what it holds) is part of the per-paragraph cost.
#   [w:p, its number, its w:tc (or None), table style id (None outside tables, _NO_TABLE), its first w:pPr,
#    the text of its w:t elements, [[w:r, has a w:t with visible text, the run's w:rPr], ...],
#    rare things (None, or [[w:hyperlink], [wp:docPr], [v:shape], [its further w:pPr]])]
_Para = list
# What the paragraph checks read of one w:p, made by the fast walk (_Docx._scan) or from a _Para:
#   [w:p, its number, its w:tc, table style id, its first w:pPr (or _LATER), its text, [the w:rPr (or None)
#    of each run with visible text, in order], rare things (as _Para's), its paragraph style id, the first
#    w:outlineLvl of its w:pPr (or None), whether any run has a w:rPr]
_Record = list


def _pprs(record: _Record) -> tuple[Any, Iterable[Any]]:
    """A paragraph's first w:pPr (or None) and its further ones, looked for when a check first needs them."""
    if record[4] is _LATER:
        found = [child for child in record[0] if child.tag == W_PPR]
        record[4] = found[0] if found else None
        if len(found) > 1:
            _rare(record)[3].extend(found[1:])
    rare = record[7]
    return record[4], rare[3] if rare is not None else ()


class _Complex(Exception):
    """The body is not of the shape the fast walk follows (see _Docx._scan): the general walk reads it."""


def _rare(record: _Record) -> list[list[Any]]:
    """A record's rare things, made when the first is met."""
    if record[7] is None:
        record[7] = [[], [], [], []]
    return record[7]


def _record(para: _Para, default_style: str | None) -> _Record:
    """A _Para of the general walk as the paragraph checks read it (``default_style``: the default paragraph
    style's id)."""
    _, index, cell, table_style, ppr, text, runs, rare = para
    ps = direct = None
    if ppr is not None:
        for child in ppr:  # ppr.find(pStyle) and p.find("pPr/outlineLvl"), in one look
            tag = child.tag
            if tag == W_PSTYLE:
                ps = child if ps is None else ps
            elif tag == W_OUTLINE:
                direct = child if direct is None else direct
        if direct is None:
            for other in rare[3] if rare is not None else ():
                direct = _first(other, W_OUTLINE)
                if direct is not None:
                    break
    texts = [rpr for _, has_text, rpr in runs if has_text]
    return [para[0], index, cell, table_style, ppr, text, texts, rare,
            ps.get(W_VAL) if ps is not None else default_style, direct, any(rpr is not None for rpr in texts)]


# A styles part's index and what the checks made of it so far, shared by every document whose styles part
# serialises to the same bytes: a build's papers have their template's, and working it out again for each
# paper cost more than its body's checks. Everything in it depends on the styles part alone.
_StylesIndex = tuple[dict[str, Any], dict[str, "str | None"], dict[str, Any], str, dict[Any, Any], dict[Any, Any],
                     dict[Any, Any], dict[Any, Any], dict[Any, Any], dict[Any, Any]]
_STYLES_KEPT = 8  # distinct styles parts kept (per thread): a build uses a few templates


def _styles_index(styles: Any) -> _StylesIndex:
    """The index of a styles part (see _StylesIndex), made once per distinct part."""
    from lxml import etree

    kept: dict[bytes, _StylesIndex] | None = getattr(_local, "styles", None)
    if kept is None:
        kept = _local.styles = {}
    key = etree.tostring(styles)
    found = kept.get(key)
    if found is not None:
        return found
    styles = copy.deepcopy(styles)  # the index's own: a caller may change its document's styles after the audit
    by_id: dict[str, Any] = {s.get(_w("styleId")): s for s in styles.iter(_w("style"))}
    default_style: dict[str, str | None] = {"paragraph": None, "table": None}
    for sid, style in by_id.items():  # the first default of each type wins, as in Word
        kind = style.get(_w("type"))
        if _on_attr(style.get(_w("default"))) and default_style.get(kind, "") is None:
            default_style[kind] = sid
    defaults = styles.find(f"{_w('docDefaults')}/{_w('rPrDefault')}/{_w('rPr')}")
    lang = defaults.find(_w("lang")) if defaults is not None else None
    found = (by_id, default_style, _rpr_props(defaults), (lang.get(W_VAL) or "") if lang is not None else "",
             {}, {}, {}, {}, {}, {})
    if len(kept) >= _STYLES_KEPT:
        kept.pop(next(iter(kept)))
    kept[key] = found
    return found


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector paused: an audit makes thousands of short-lived objects and no
    cycles (reference counting frees them all), and the collector's passes over them, and over all else the
    process holds, cost about a tenth of the audit."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


class _Docx:
    """One Word document being audited: its styles indexed once, then one pass over the body."""

    def __init__(self, path: Path, parts: _WordParts) -> None:
        self.path = path
        self.parts = parts
        self.findings: list[tuple[int, Finding]] = []
        (self.styles, self.default_style, self.defaults, self.styles_lang, self._chains, self._props,
         self._verdicts, self._levels, self._numbering, self._layout) = _styles_index(parts.styles)

    # -- styles (each answer depends on style ids only: cached) ---------------------------------
    def chain(self, style_id: str | None) -> list[Any]:
        """The style and the styles it is based on, nearest first."""
        if style_id not in self._chains:
            out, seen = [], set()
            sid = style_id
            while sid and sid not in seen and sid in self.styles:
                seen.add(sid)
                out.append(self.styles[sid])
                based = self.styles[sid].find(W_BASEDON)
                sid = based.get(W_VAL) if based is not None else None
            self._chains[style_id] = out
        return self._chains[style_id]

    def style_props(self, table_style: str | None, para_style: str | None, char_style: str | None) -> dict[str, Any]:
        """Run properties from the document defaults and the styles, lowest priority first (do not modify)."""
        key = (table_style, para_style, char_style)
        if key not in self._props:
            props = dict(self.defaults)
            for sid in (table_style, para_style, char_style):
                for style in reversed(self.chain(sid)):
                    props.update(_rpr_props(style.find(W_RPR)))
            self._props[key] = props
        return self._props[key]

    def style_verdict(self, key: tuple[str | None, str | None, str | None]) -> _Verdict:
        """The text checks' view of a run that sets none of the properties they read itself."""
        verdict = self._verdicts.get(key)
        if verdict is None:
            verdict = self._verdicts[key] = _verdict(self.style_props(*key))
        return verdict

    def style_name(self, style_id: str | None) -> str:
        chain = self.chain(style_id)
        name = chain[0].find(W_NAME) if chain else None
        return (name.get(W_VAL) if name is not None else style_id) or ""

    def style_level(self, para_style: str | None) -> int | None:
        """The heading level a paragraph style gives (outline level, else a "heading N" name), None for body text."""
        if para_style not in self._levels:
            self._levels[para_style] = self._style_level(para_style)
        return self._levels[para_style]

    def _style_level(self, para_style: str | None) -> int | None:
        for style in self.chain(para_style):
            lvl = _find_path(style, (W_PPR, W_OUTLINE))
            if lvl is not None:
                return _outline(lvl)
        for style in self.chain(para_style):
            name = style.find(W_NAME)
            m = re.fullmatch(r"heading ([1-9])", (name.get(W_VAL) or "").lower()) if name is not None else None
            if m:
                return int(m.group(1))
        return None

    def numbered(self, ppr: Any, more_pprs: Iterable[Any], para_style: str | None) -> bool:
        """Whether a paragraph (its w:pPr children given) has list numbering, direct or through its style;
        numId 0 switches it off."""
        num = None
        for pr in (ppr, *more_pprs) if ppr is not None else ():  # p.find("pPr/numPr/numId")
            num = _find_path(pr, (W_NUMPR, W_NUMID))
            if num is not None:
                break
        if num is None:
            if para_style not in self._numbering:
                found = None
                for style in self.chain(para_style):
                    found = _find_path(style, (W_PPR, W_NUMPR, W_NUMID))
                    if found is not None:
                        break
                self._numbering[para_style] = found
            num = self._numbering[para_style]
        return num is not None and num.get(W_VAL) not in (None, "0")

    def is_layout_table(self, table_style: str | None) -> bool:
        """A layout table is one in a table style named "... Layout ..." (see the module docstring)."""
        if table_style not in self._layout:
            self._layout[table_style] = any(
                name is not None and re.search(r"\blayout\b", name.get(W_VAL) or "", re.IGNORECASE)
                for name in (st.find(W_NAME) for st in self.chain(table_style)))
        return self._layout[table_style]

    # -- the audit -----------------------------------------------------------------------------
    def add(self, pos: int, where: str, rule: str, message: str, fix: str, level: Level = "error") -> None:
        self.findings.append((pos, Finding(self.path, where, rule, level, message, fix)))

    def audit(self) -> list[Finding]:
        with _collector_paused():
            return self._audit()

    def _audit(self) -> list[Finding]:
        title = (self.parts.title or "").strip()
        if not title:
            self.add(-1, "document", "title", "the document has no title, so readers announce the file name",
                     "in Word, File > Info > Properties > Title")
        elif re.fullmatch(r"(document|doc)\s*\d*|.*\.(docx?|pdf)", title, re.IGNORECASE):
            self.add(-1, "document", "title", f'the title "{title}" is a placeholder, not the document\'s title',
                     "in Word, File > Info > Properties > Title")
        if not (self.parts.language or "").strip() and not self.styles_lang.strip():
            self.add(-1, "document", "language", "the document's language is not set",
                     "in Word, select all text, Review > Language > Set Proofing Language; and set the Normal "
                     "style's language")
        body = self.parts.body
        if body is None:  # no w:body: python-docx gives None, and the audit failed on it with this message
            raise AttributeError("'NoneType' object has no attribute 'iter'")
        records, tables = self._read(body)
        self._paragraphs(records)
        self._tables(tables)
        self.findings.sort(key=lambda pf: pf[0])  # stable: document order, then check order
        return [f for _, f in self.findings]

    def _read(self, body: Any) -> tuple[list[_Record], list[tuple[Any, int, str | None]]]:
        """The body's paragraphs as the checks read them, and its tables (see _walk): by the fast walk when the
        body has the usual shape, else by the general walk (which also raises what a damaged body raises)."""
        try:
            return self._scan(body)
        except Exception:  # noqa: BLE001 - _Complex, or anything odd: the general walk reads it, as it always did
            paragraphs, tables = self._walk(body)
            return [_record(para, self.default_style["paragraph"]) for para in paragraphs], tables

    def _scan(self, body: Any) -> tuple[list[_Record], list[tuple[Any, int, str | None]]]:
        """The fast walk: what :meth:`_walk` gathers, for a body of the usual shape, from the few elements the
        checks read (no w:r, w:pPr or w:tc: a run is found from its w:t or w:rPr, a w:pPr from its w:pStyle,
        the rest when a check needs it). It follows the usual shape only and raises _Complex at anything else:
        a paragraph neither in the body nor in a cell of a table in the body (text boxes, content controls,
        nested tables), a w:t not in a run of a paragraph or of its hyperlink (tracked changes, fields, smart
        tags), a hyperlink or image outside a paragraph, a w:pStyle in a w:pPr that is not its paragraph's
        first child. In that shape a w:t belongs to one paragraph and one run, the ones last met, which is what
        _walk works out; any other shape _walk reads (see _read)."""
        records: list[_Record] = []
        tables: list[tuple[Any, int, str | None]] = []
        rows: dict[Any, str | None] = {}  # w:tr of a table in the body -> the table's style id
        table_of: dict[Any, str | None] = {}  # table in the body -> its style id
        default_table, default_para = self.default_style["table"], self.default_style["paragraph"]
        rec: _Record = []
        p = run = rpr = link = None
        counted = False  # the run in hand already has a w:t with visible text
        style_known = False  # the paragraph in hand's w:pStyle was met
        for el in body.iter(_SCAN_TAGS):
            tag = el.tag
            if tag == W_T:
                parent = el.getparent()
                if parent is not run:  # the first w:t of a run without a w:rPr
                    owner = parent.getparent()
                    if owner is not p and owner is not link or parent.tag != W_R:  # (a parent is never None)
                        raise _Complex
                    run, rpr, counted = parent, None, False
                text = el.text
                if text:
                    rec[5] += text
                    if not counted and not text.isspace():  # (text.strip(), without copying the text)
                        rec[6].append(rpr)
                        counted = True
            elif tag == W_P:
                parent = el.getparent()
                if parent is body:
                    cell = table_style = None
                elif parent.tag == W_TC:
                    row = parent.getparent()
                    if row in rows:
                        table_style = rows[row]
                    else:
                        table = row.getparent() if row.tag == W_TR else None
                        if table not in table_of:
                            raise _Complex
                        table_style = rows[row] = table_of[table]
                    cell = parent
                else:
                    raise _Complex
                rec = [el, len(records) + 1, cell, table_style, _LATER, "", [], None, default_para, None, False]
                records.append(rec)
                p, run, link, style_known = el, None, None, False
            elif tag == W_PSTYLE:
                ppr = el.getparent()
                if not style_known and ppr.getparent() is p and p is not None and ppr.tag == W_PPR:
                    if p[0] is not ppr:  # a w:pPr after other children: is it the first? _walk knows
                        raise _Complex
                    rec[8], style_known = el.get(W_VAL), True
            elif tag == W_RPR:
                parent = el.getparent()
                if parent is run:
                    if rpr is None:
                        rpr = el
                        rec[10] = True
                        if counted:  # the run's text came before its properties
                            rec[6][-1] = el
                elif parent.tag == W_R and p is not None and parent.getparent() in (p, link):
                    run, rpr, counted = parent, el, False
                    rec[10] = True
            elif tag == W_OUTLINE:
                if rec and rec[9] is None:
                    parent = el.getparent()
                    if parent.tag == W_PPR and parent.getparent() is p:
                        rec[9] = el
            elif tag == W_TBL:
                if el.getparent() is not body:
                    raise _Complex
                style = _find_path(el, (W_TBLPR, W_TBLSTYLE))
                table_style = table_of[el] = style.get(W_VAL) if style is not None else default_table
                tables.append((el, len(records) + 1, table_style))
                p = run = link = None
            elif tag == W_HYPERLINK:
                if el.getparent() is not p:
                    raise _Complex
                link = el
                _rare(rec)[0].append(el)
            else:  # wp:docPr, v:shape: somewhere in a run
                if p is None or next(el.iterancestors(W_P), None) is not p:
                    raise _Complex
                _rare(rec)[1 if tag == WP_DOCPR else 2].append(el)
        return records, tables

    def _walk(self, body: Any) -> tuple[list[_Para], list[tuple[Any, int, str | None]]]:
        """One pass over the body: its paragraphs in document order ("paragraph N" is the N-th w:p met, table
        cells and text boxes included) with what each holds (see _Para), and its tables as (w:tbl, position,
        style id), a table's position being the number of the first paragraph after its start.

        The walk meets elements in document order, and knows which of the paragraphs, runs, cells and tables
        it met are still open (ancestors of the element in hand) by climbing from the element to the nearest
        one: an element's parent is nearly always the innermost open one, so that is one step."""
        paragraphs: list[_Para] = []
        tables: list[tuple[Any, int, str | None]] = []
        open_paras: list[_Para] = []  # the paragraphs the walk is inside (more than one in a text box)
        open_runs: list[list[Any]] = []
        cells: list[Any] = []
        table_styles: list[str | None] = []  # of the tables the walk is inside
        # the open elements, outermost first, each inside the one before it, with what leaving it takes
        stack: list[tuple[Any, Callable[[], Any]]] = []
        depth: dict[Any, int] = {body: 0}  # open element -> how many stack entries up to it (the body: 0)
        top = body  # the innermost open element
        default_table = self.default_style["table"]
        for el in body.iter(_WALK_TAGS):
            parent = el.getparent()
            if parent is not top:  # leave the open elements el is not inside
                ancestor = parent
                while ancestor not in depth:
                    ancestor = ancestor.getparent()
                keep = depth[ancestor]
                while len(stack) > keep:
                    gone, closer = stack.pop()
                    del depth[gone]
                    closer()
                top = ancestor
            tag = el.tag
            if tag == W_T:
                if open_paras:
                    text = el.text
                    if text:
                        for para in open_paras:
                            para[5] += text
                    if open_runs and text and text.strip():
                        for run in open_runs:
                            run[1] = True
            elif tag == W_R:
                run = [el, False, None]
                for para in open_paras:
                    para[6].append(run)
                open_runs.append(run)
                stack.append((el, open_runs.pop))
                depth[el] = len(stack)
                top = el
            elif tag == W_P:
                cell = cells[-1] if cells else None
                table_style = (table_styles[-1] if table_styles else _NO_TABLE) if cell is not None else None
                para = [el, len(paragraphs) + 1, cell, table_style, None, "", [], None]
                paragraphs.append(para)
                open_paras.append(para)
                stack.append((el, open_paras.pop))
                depth[el] = len(stack)
                top = el
            elif tag == W_PPR:
                if open_paras and parent is open_paras[-1][0]:  # not a w:pPrChange's old w:pPr
                    para = open_paras[-1]
                    if para[4] is None:
                        para[4] = el
                    else:  # a second w:pPr: malformed, but p.find("pPr/outlineLvl") would look in it
                        if para[7] is None:
                            para[7] = [[], [], [], []]
                        para[7][3].append(el)
            elif tag == W_RPR:
                if open_runs and parent is open_runs[-1][0] and open_runs[-1][2] is None:  # r.find(rPr)
                    open_runs[-1][2] = el
            elif tag == W_TC:
                cells.append(el)
                stack.append((el, cells.pop))
                depth[el] = len(stack)
                top = el
            elif tag == W_TBL:
                style = _find_path(el, (W_TBLPR, W_TBLSTYLE))
                table_style = style.get(W_VAL) if style is not None else default_table
                tables.append((el, len(paragraphs) + 1, table_style))
                table_styles.append(table_style)
                stack.append((el, table_styles.pop))
                depth[el] = len(stack)
                top = el
            else:  # hyperlink, wp:docPr, v:shape
                kind = 0 if tag == W_HYPERLINK else 1 if tag == WP_DOCPR else 2
                for para in open_paras:
                    if para[7] is None:
                        para[7] = [[], [], [], []]
                    para[7][kind].append(el)
        return paragraphs, tables

    def _paragraphs(self, records: list[_Record]) -> None:
        last_heading: tuple[int, str] | None = None
        size_seen: dict[int, list[Any]] = {}  # half-points -> [pos, where, paragraphs]
        colour_seen: dict[tuple[str, str], list[Any]] = {}
        images = 0
        levels = self._levels
        plains: dict[tuple[str | None, str | None], _Verdict] = {}
        for record in records:
            _, index, cell, table_style, _, text, runs, _, para_style, direct, run_props = record
            if table_style is _NO_TABLE:
                raise StopIteration  # what looking for the cell's table found: nothing (unreadable, as before)
            blank = not text or text.isspace()  # (not text.strip(), without copying the text)
            where: str | None = None  # made when a finding needs it

            if direct is not None:
                level = _outline(direct)
            else:
                level = levels[para_style] if para_style in levels else self.style_level(para_style)
            if level is not None and level <= 9:
                if blank:
                    self.add(index, f"paragraph {index}", "empty-heading",
                             f"an empty Heading {level} (screen readers list it as a blank heading)",
                             "delete the empty heading paragraph, or give it text")
                else:
                    previous = last_heading[0] if last_heading else 0
                    if level > previous + 1:
                        if last_heading is None:
                            message = f"the first heading is Heading {level}; headings start at Heading 1"
                        else:
                            skipped = ", ".join(str(n) for n in range(previous + 1, level))
                            message = (f'Heading {level} follows Heading {previous} "{_snippet(last_heading[1])}": '
                                       f"level {skipped} is skipped")
                        where = where or _where(index, text)
                        self.add(index, where, "heading-order", message,
                                 f"use Heading {previous + 1} here, or restructure so no heading level is skipped")
                    last_heading = (level, text)

            fill: str | None = None  # the paragraph's background, worked out if a run's contrast needs it
            text_runs = 0
            all_bold = True
            plain = plains.get((table_style, para_style))  # for runs without a w:rPr
            if plain is None:
                plain = plains[(table_style, para_style)] = self.style_verdict((table_style, para_style, None))
            # runs without a w:rPr all get `plain`, and a verdict met again changes nothing: one will do
            for rpr in runs if run_props else runs[:1]:
                text_runs += 1
                if rpr is None:
                    verdict = plain
                else:
                    rs = _first(rpr, W_RSTYLE)
                    key = (table_style, para_style, rs.get(W_VAL) if rs is not None else None)
                    own = _rpr_props(rpr)
                    verdict = _verdict({**self.style_props(*key), **own}) if own else self.style_verdict(key)
                hidden, bold, small, colour, shading, large = verdict
                if hidden:
                    continue
                all_bold = all_bold and bold
                if small is not None:
                    seen = size_seen.get(small)
                    if seen is None:
                        where = where or _where(index, text)
                        seen = size_seen[small] = [index, where, set()]
                    seen[2].add(index)
                if colour is not None:
                    background = shading
                    if background is None:
                        if fill is None:
                            fill = _fill(_pprs(record)[0]) \
                                or (_fill(_first(cell, W_TCPR)) if cell is not None else None) or "FFFFFF"
                        background = fill
                    if _is_hex(background):
                        ratio = _contrast(colour, background)
                        if ratio < (MIN_CONTRAST_LARGE if large else MIN_CONTRAST):
                            seen = colour_seen.get((colour, background))
                            if seen is None:
                                where = where or _where(index, text)
                                seen = colour_seen[(colour, background)] = [index, where, set(), ratio, large]
                            seen[2].add(index)
            all_bold = all_bold and text_runs > 0

            if (cell is None and level is None and all_bold and not self.style_props(None, para_style, None).get("b")
                    and not self.numbered(*_pprs(record), para_style) and len(text.strip()) <= FAKE_HEADING_MAX_CHARS
                    and not text.rstrip().endswith((".", ",", ";"))):
                where = where or _where(index, text)
                self.add(index, where, "fake-heading",
                         f'a short, wholly bold paragraph in the "{self.style_name(para_style)}" style looks like '
                         f"a heading but is not one", "apply a Heading style (Home > Styles) instead of bold",
                         level="warning")

            if level is None and TYPED_MARKER.match(text) and not self.numbered(*_pprs(record), para_style):
                marker = text.split()[0]
                where = where or _where(index, text)
                self.add(index, where, "typed-list",
                         f'the list marker "{marker}" is typed, so it is not a list to a screen reader',
                         "use Home > Bullets or Numbering (or a List Bullet / List Number style) and delete the "
                         "typed marker")

            rare = record[7]
            if rare is None:
                continue
            links, doc_prs, shapes, _ = rare
            for link in links:
                where = where or _where(index, text)
                self._link(index, where, link)

            for name, alt, decorative in _image_info(doc_prs, shapes):
                images += 1
                if not alt and not decorative:
                    self.add(index, f"image {images} in paragraph {index}", "image-alt",
                             f'the image "{name}" has no alternative text' if name else
                             "the image has no alternative text",
                             'right-click the image > View Alt Text: describe it, or tick "Mark as decorative"')

        for size, (pos, where_, paragraphs_) in size_seen.items():
            more = len(paragraphs_) - 1
            self.add(pos, where_, "text-size",
                     f"text is {size / 2:g} pt, below the 12 pt minimum"
                     + (f" (here and in {more} more paragraph{'s' if more != 1 else ''})" if more else ""),
                     "use at least 12 pt: change the style's size rather than single runs")
        for (colour, background), (pos, where_, paragraphs_, ratio, large) in colour_seen.items():
            more = len(paragraphs_) - 1
            self.add(pos, where_, "text-contrast",
                     f"text colour #{colour} on #{background} has contrast {ratio:.2f}:1, below "
                     f"{MIN_CONTRAST_LARGE if large else MIN_CONTRAST:g}:1"
                     + (f" (here and in {more} more paragraph{'s' if more != 1 else ''})" if more else ""),
                     "use a darker text colour (black, or at most #767676 on white)")

    def _link(self, index: int, where: str, link: Any) -> None:
        text = " ".join("".join(t.text or "" for t in link.iter(W_T)).split())
        plain = re.sub(r"[^\w\s]", "", text).strip().lower()
        target = self.parts.link_target(link.get(f"{{{R}}}id"))
        if not text:
            if any(alt for _, alt, _ in _image_info(link.iter(WP_DOCPR), link.iter(V_SHAPE))):
                return  # an image link named by its alt text
            self.add(index, where, "link-text", f"a link{' to ' + target if target else ''} has no text",
                     "give the link text that says where it goes")
        elif plain in GENERIC_LINK_TEXT and not URL.match(text):
            self.add(index, where, "link-text",
                     f'the link text "{text}" does not say where the link goes'
                     + (f" ({target})" if target else ""),
                     'make the link text name its destination (e.g. "the council\'s awards page"), not '
                     '"click here"')

    def _tables(self, tables: list[tuple[Any, int, str | None]]) -> None:
        for number, (tbl, pos, table_style) in enumerate(tables, start=1):
            if self.is_layout_table(table_style):
                continue
            where = f"table {number}"
            header = next(tbl.iterchildren(W_TR), None)
            if header is None:
                continue
            marker = _find_path(header, (W_TRPR, W_TBLHEADER))
            if marker is None or not _on(marker):
                self.add(pos, where, "table-header", "the table has no header row marked to repeat",
                         'in Word, Table Properties > Row > "Repeat as header row at the top of each page"')
            else:
                cells = [tc for tc in header if tc.tag == W_TC]
                texts = ["".join(t.text or "" for t in tc.iter(W_T)).strip() for tc in cells]
                empty = [i + 1 for i, t in enumerate(texts) if not t]
                if empty and len(empty) == len(texts):
                    self.add(pos, where, "table-header-text", "the header row has no text",
                             "type a heading into every header cell (or use a Layout Table style if it only "
                             "lays out the page)")
                elif empty:
                    self.add(pos, where, "table-header-text",
                             f"header cell{'s' if len(empty) > 1 else ''} {', '.join(map(str, empty))} "
                             f"{'have' if len(empty) > 1 else 'has'} no text",
                             "type a heading into every header cell")
            # one call, not a look at every cell; none at all in a table without a merging element
            merged_rows = set(_xpath("merged_rows")(tbl)) if next(tbl.iter(_MERGE_TAGS), None) is not None else ()
            merged = [r for r, row in enumerate(tbl.iterchildren(W_TR), start=1) if row in merged_rows] \
                if merged_rows else []
            if merged:
                rows_text = ", ".join(map(str, merged[:5])) + (", ..." if len(merged) > 5 else "")
                self.add(pos, where, "merged-cells",
                         f"the table has merged cells (row{'s' if len(merged) > 1 else ''} {rows_text}), which "
                         f"screen readers often misread", "split the cells (Table Layout > Split Cells) so each "
                         "cell has one row and one column heading", level="warning")


def _on_attr(value: str | None) -> bool:
    return value is not None and value.lower() in ("1", "true", "on")


def _outline(el: Any) -> int | None:
    try:
        value = int(el.get(W_VAL))
    except (TypeError, ValueError):
        return None
    return value + 1 if 0 <= value < 9 else None  # 9 is "body text"


def _image_info(doc_prs: Iterable[Any], shapes: Iterable[Any]) -> Iterator[tuple[str, str, bool]]:
    """(name, alt text, decorative) of each image: the DrawingML ones (wp:docPr) first, then the VML ones."""
    for doc_pr in doc_prs:
        decorative = any(_on_attr(d.get("val")) for d in doc_pr.iter(ADEC_DECORATIVE))
        alt = (doc_pr.get("descr") or "").strip()  # what screen readers read; Word's old "Title" is not
        yield doc_pr.get("name") or "", alt, decorative
    for shape in shapes:
        if _first(shape, V_IMAGEDATA) is None:
            continue
        yield shape.get("id") or "", (shape.get("alt") or "").strip(), False
