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

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator, Literal

Level = Literal["error", "warning"]

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


def _w(tag: str) -> str:
    return f"{{{W}}}{tag}"


W_P, W_R, W_T, W_TBL, W_TR, W_TC, W_VAL = _w("p"), _w("r"), _w("t"), _w("tbl"), _w("tr"), _w("tc"), _w("val")


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


def audit_paths(paths: list[Path]) -> list[Finding]:
    """Every finding in the documents of ``paths`` (see :func:`find_documents`), file by file."""
    return [finding for document in find_documents(paths) for finding in audit_file(document)]


def audit_file(path: Path) -> list[Finding]:
    """The findings of one .docx or .pdf file (an unreadable file is one error finding)."""
    suffix = path.suffix.lower()
    if suffix not in (".pdf", ".docx"):
        return []
    try:
        return _audit_pdf(path) if suffix == ".pdf" else _Docx(path).audit()
    except Exception as exc:  # noqa: BLE001 - a damaged part a reader could not use either: report it, go on
        return [Finding(path, "document", "unreadable", "error", f"cannot be read ({type(exc).__name__}: {exc})",
                        "re-save or rebuild the file")]


# -- PDF -----------------------------------------------------------------------------------------

def _audit_pdf(path: Path) -> list[Finding]:
    from pypdf import PdfReader  # imported here: auditing only Word files does not pay for it

    reader = PdfReader(path)
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
        if tag == _w("sz"):
            try:
                props["sz"] = int(child.get(W_VAL))
            except (TypeError, ValueError):
                pass
        elif tag == _w("color"):
            props["color"] = (child.get(W_VAL) or "auto").upper()
        elif tag == _w("b"):
            props["b"] = _on(child)
        elif tag == _w("vanish"):
            props["vanish"] = _on(child)
        elif tag == _w("vertAlign"):
            props["vertAlign"] = child.get(W_VAL)
        elif tag == _w("shd"):
            props["shd"] = (child.get(_w("fill")) or "auto").upper()
    return props


def _fill(parent: Any, props_tag: str) -> str | None:
    """A direct w:shd fill of a paragraph (w:pPr) or cell (w:tcPr), if any."""
    pr = parent.find(props_tag)
    shd = pr.find(_w("shd")) if pr is not None else None
    fill = (shd.get(_w("fill")) or "auto").upper() if shd is not None else None
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


def _snippet(text: str, width: int = 40) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[:width - 1].rstrip() + "…"


class _Docx:
    """One Word document being audited: its styles indexed once, then one pass over the body."""

    def __init__(self, path: Path) -> None:
        from docx import Document

        self.path = path
        self.doc = Document(str(path))
        styles = self.doc.styles.element
        self.styles: dict[str, Any] = {s.get(_w("styleId")): s for s in styles.iter(_w("style"))}
        self.default_style: dict[str, str | None] = {"paragraph": None, "table": None}
        for sid, style in self.styles.items():  # the first default of each type wins, as in Word
            kind = style.get(_w("type"))
            if _on_attr(style.get(_w("default"))) and self.default_style.get(kind, "") is None:
                self.default_style[kind] = sid
        defaults = styles.find(f"{_w('docDefaults')}/{_w('rPrDefault')}/{_w('rPr')}")
        self.defaults = _rpr_props(defaults)
        lang = defaults.find(_w("lang")) if defaults is not None else None
        self.styles_lang = (lang.get(W_VAL) or "") if lang is not None else ""
        self._chains: dict[str | None, list[Any]] = {}
        self._props: dict[tuple[str | None, str | None, str | None], dict[str, Any]] = {}
        self.findings: list[tuple[int, Finding]] = []

    # -- styles ------------------------------------------------------------------------------
    def chain(self, style_id: str | None) -> list[Any]:
        """The style and the styles it is based on, nearest first."""
        if style_id not in self._chains:
            out, seen = [], set()
            sid = style_id
            while sid and sid not in seen and sid in self.styles:
                seen.add(sid)
                out.append(self.styles[sid])
                based = self.styles[sid].find(_w("basedOn"))
                sid = based.get(W_VAL) if based is not None else None
            self._chains[style_id] = out
        return self._chains[style_id]

    def style_props(self, table_style: str | None, para_style: str | None, char_style: str | None) -> dict[str, Any]:
        """Run properties from the document defaults and the styles, lowest priority first."""
        key = (table_style, para_style, char_style)
        if key not in self._props:
            props = dict(self.defaults)
            for sid in (table_style, para_style, char_style):
                for style in reversed(self.chain(sid)):
                    props.update(_rpr_props(style.find(_w("rPr"))))
            self._props[key] = props
        return self._props[key]

    def style_name(self, style_id: str | None) -> str:
        chain = self.chain(style_id)
        name = chain[0].find(_w("name")) if chain else None
        return (name.get(W_VAL) if name is not None else style_id) or ""

    def heading_level(self, p: Any, para_style: str | None) -> int | None:
        """1-9 for a heading (outline level, else a "heading N" style name), None for body text."""
        direct = p.find(f"{_w('pPr')}/{_w('outlineLvl')}")
        if direct is not None:
            return _outline(direct)
        for style in self.chain(para_style):
            lvl = style.find(f"{_w('pPr')}/{_w('outlineLvl')}")
            if lvl is not None:
                return _outline(lvl)
        for style in self.chain(para_style):
            name = style.find(_w("name"))
            m = re.fullmatch(r"heading ([1-9])", (name.get(W_VAL) or "").lower()) if name is not None else None
            if m:
                return int(m.group(1))
        return None

    def numbered(self, p: Any, para_style: str | None) -> bool:
        """Whether the paragraph has list numbering (direct or through its style); numId 0 switches it off."""
        num = p.find(f"{_w('pPr')}/{_w('numPr')}/{_w('numId')}")
        if num is None:
            for style in self.chain(para_style):
                num = style.find(f"{_w('pPr')}/{_w('numPr')}/{_w('numId')}")
                if num is not None:
                    break
        return num is not None and num.get(W_VAL) not in (None, "0")

    def is_layout_table(self, tbl: Any) -> bool:
        """A layout table is one in a table style named "... Layout ..." (see the module docstring)."""
        style = tbl.find(f"{_w('tblPr')}/{_w('tblStyle')}")
        sid = style.get(W_VAL) if style is not None else self.default_style["table"]
        for st in self.chain(sid):
            name = st.find(_w("name"))
            if name is not None and re.search(r"\blayout\b", name.get(W_VAL) or "", re.IGNORECASE):
                return True
        return False

    # -- the audit -----------------------------------------------------------------------------
    def add(self, pos: int, where: str, rule: str, message: str, fix: str, level: Level = "error") -> None:
        self.findings.append((pos, Finding(self.path, where, rule, level, message, fix)))

    def audit(self) -> list[Finding]:
        core = self.doc.core_properties
        title = (core.title or "").strip()
        if not title:
            self.add(-1, "document", "title", "the document has no title, so readers announce the file name",
                     "in Word, File > Info > Properties > Title")
        elif re.fullmatch(r"(document|doc)\s*\d*|.*\.(docx?|pdf)", title, re.IGNORECASE):
            self.add(-1, "document", "title", f'the title "{title}" is a placeholder, not the document\'s title',
                     "in Word, File > Info > Properties > Title")
        if not (core.language or "").strip() and not self.styles_lang.strip():
            self.add(-1, "document", "language", "the document's language is not set",
                     "in Word, select all text, Review > Language > Set Proofing Language; and set the Normal "
                     "style's language")
        body = self.doc.element.body
        self._paragraphs(body)
        self._tables(body)
        self.findings.sort(key=lambda pf: pf[0])  # stable: document order, then check order
        return [f for _, f in self.findings]

    def _paragraphs(self, body: Any) -> None:
        last_heading: tuple[int, str] | None = None
        size_seen: dict[int, list[Any]] = {}  # half-points -> [pos, where, paragraphs]
        colour_seen: dict[tuple[str, str], list[Any]] = {}
        images = 0
        for index, p in enumerate(body.iter(W_P), start=1):
            ppr = p.find(_w("pPr"))
            ps = ppr.find(_w("pStyle")) if ppr is not None else None
            para_style = ps.get(W_VAL) if ps is not None else self.default_style["paragraph"]
            cell = next(p.iterancestors(W_TC), None)
            table_style = None
            if cell is not None:
                tbl = next(p.iterancestors(W_TBL))
                ts = tbl.find(f"{_w('tblPr')}/{_w('tblStyle')}")
                table_style = ts.get(W_VAL) if ts is not None else self.default_style["table"]
            text = "".join(t.text or "" for t in p.iter(W_T))
            where = f'paragraph {index} "{_snippet(text)}"' if text.strip() else f"paragraph {index}"

            level = self.heading_level(p, para_style)
            if level is not None and level <= 9:
                if not text.strip():
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
                        self.add(index, where, "heading-order", message,
                                 f"use Heading {previous + 1} here, or restructure so no heading level is skipped")
                    last_heading = (level, text)

            fill = _fill(p, _w("pPr")) or (_fill(cell, _w("tcPr")) if cell is not None else None) or "FFFFFF"
            runs = [r for r in p.iter(W_R) if any((t.text or "").strip() for t in r.iter(W_T))]
            style_props = self.style_props(table_style, para_style, None)
            all_bold = bool(runs)
            for run in runs:
                rpr = run.find(_w("rPr"))
                rs = rpr.find(_w("rStyle")) if rpr is not None else None
                props = dict(self.style_props(table_style, para_style, rs.get(W_VAL) if rs is not None else None))
                props.update(_rpr_props(rpr))
                if props.get("vanish"):
                    continue
                all_bold = all_bold and bool(props.get("b"))
                size = props.get("sz", 20)  # Word's own default when nothing sets a size: 10 pt
                if size < MIN_HALF_POINTS and props.get("vertAlign") not in ("superscript", "subscript"):
                    seen = size_seen.setdefault(size, [index, where, set()])
                    seen[2].add(index)
                colour = props.get("color", "AUTO")
                background = props.get("shd", "AUTO")
                background = background if _HEX.match(background) else fill
                if _HEX.match(colour) and _HEX.match(background):
                    large = size >= 36 or (size >= 28 and props.get("b"))
                    ratio = contrast(colour, background)
                    if ratio < (MIN_CONTRAST_LARGE if large else MIN_CONTRAST):
                        seen = colour_seen.setdefault((colour, background), [index, where, set(), ratio, large])
                        seen[2].add(index)

            if (cell is None and level is None and all_bold and not style_props.get("b")
                    and not self.numbered(p, para_style) and len(text.strip()) <= FAKE_HEADING_MAX_CHARS
                    and not text.rstrip().endswith((".", ",", ";"))):
                self.add(index, where, "fake-heading",
                         f'a short, wholly bold paragraph in the "{self.style_name(para_style)}" style looks like '
                         f"a heading but is not one", "apply a Heading style (Home > Styles) instead of bold",
                         level="warning")

            if level is None and TYPED_MARKER.match(text) and not self.numbered(p, para_style):
                marker = text.strip().split()[0]
                self.add(index, where, "typed-list",
                         f'the list marker "{marker}" is typed, so it is not a list to a screen reader',
                         "use Home > Bullets or Numbering (or a List Bullet / List Number style) and delete the "
                         "typed marker")

            for link in p.iter(_w("hyperlink")):
                self._link(index, where, link)

            for drawing, name, alt, decorative in _images(p):
                images += 1
                if not alt and not decorative:
                    self.add(index, f"image {images} in paragraph {index}", "image-alt",
                             f'the image "{name}" has no alternative text' if name else
                             "the image has no alternative text",
                             'right-click the image > View Alt Text: describe it, or tick "Mark as decorative"')

        for size, (pos, where, paragraphs) in size_seen.items():
            more = len(paragraphs) - 1
            self.add(pos, where, "text-size",
                     f"text is {size / 2:g} pt, below the 12 pt minimum"
                     + (f" (here and in {more} more paragraph{'s' if more != 1 else ''})" if more else ""),
                     "use at least 12 pt: change the style's size rather than single runs")
        for (colour, background), (pos, where, paragraphs, ratio, large) in colour_seen.items():
            more = len(paragraphs) - 1
            self.add(pos, where, "text-contrast",
                     f"text colour #{colour} on #{background} has contrast {ratio:.2f}:1, below "
                     f"{MIN_CONTRAST_LARGE if large else MIN_CONTRAST:g}:1"
                     + (f" (here and in {more} more paragraph{'s' if more != 1 else ''})" if more else ""),
                     "use a darker text colour (black, or at most #767676 on white)")

    def _link(self, index: int, where: str, link: Any) -> None:
        text = " ".join("".join(t.text or "" for t in link.iter(W_T)).split())
        plain = re.sub(r"[^\w\s]", "", text).strip().lower()
        rid = link.get(f"{{{R}}}id")
        target = ""
        if rid and rid in self.doc.part.rels:
            target = self.doc.part.rels[rid].target_ref
        if not text:
            if any(alt for _, _, alt, _ in _images(link)):
                return  # an image link named by its alt text
            self.add(index, where, "link-text", f"a link{' to ' + target if target else ''} has no text",
                     "give the link text that says where it goes")
        elif plain in GENERIC_LINK_TEXT and not URL.match(text):
            self.add(index, where, "link-text",
                     f'the link text "{text}" does not say where the link goes'
                     + (f" ({target})" if target else ""),
                     'make the link text name its destination (e.g. "the council\'s awards page"), not '
                     '"click here"')

    def _tables(self, body: Any) -> None:
        # a table's position is the index of its first paragraph, so its findings sort in document order
        positions: dict[Any, int] = {}
        counter = 0
        for el in body.iter(W_P, W_TBL):
            if el.tag == W_P:
                counter += 1
                continue
            positions[el] = counter + 1
        for number, tbl in enumerate(body.iter(W_TBL), start=1):
            if self.is_layout_table(tbl):
                continue
            pos = positions.get(tbl, 0)
            where = f"table {number}"
            rows = tbl.findall(W_TR)
            if not rows:
                continue
            header = rows[0]
            marker = header.find(f"{_w('trPr')}/{_w('tblHeader')}")
            if marker is None or not _on(marker):
                self.add(pos, where, "table-header", "the table has no header row marked to repeat",
                         'in Word, Table Properties > Row > "Repeat as header row at the top of each page"')
            else:
                cells = header.findall(W_TC)
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
            merged = []
            for r, row in enumerate(rows, start=1):
                for tc in row.findall(W_TC):
                    tcpr = tc.find(_w("tcPr"))
                    if tcpr is None:
                        continue
                    span = tcpr.find(_w("gridSpan"))
                    if (span is not None and span.get(W_VAL, "1") not in ("1", "0")) \
                            or tcpr.find(_w("vMerge")) is not None or tcpr.find(_w("hMerge")) is not None:
                        merged.append(r)
                        break
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


def _images(el: Any) -> Iterator[tuple[Any, str, str, bool]]:
    """(element, name, alt text, decorative) of each image (DrawingML or VML) under ``el``."""
    for doc_pr in el.iter(f"{{{WP}}}docPr"):
        decorative = any(_on_attr(d.get("val")) for d in doc_pr.iter(f"{{{ADEC}}}decorative"))
        alt = (doc_pr.get("descr") or "").strip()  # what screen readers read; Word's old "Title" is not
        yield doc_pr, doc_pr.get("name") or "", alt, decorative
    for shape in el.iter("{urn:schemas-microsoft-com:vml}shape"):
        if shape.find("{urn:schemas-microsoft-com:vml}imagedata") is None:
            continue
        yield shape, shape.get("id") or "", (shape.get("alt") or "").strip(), False
