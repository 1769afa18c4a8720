"""The audit's document walk as it was before the fast walk (issue 15): the class _Docx of
generator/checks/audit.py frozen, with the two entry points that make one, and every helper it uses taken
from the audit itself (they were not changed by the fast walk). tests/test_audit_same.py compares today's
audit with it, finding for finding. Do not edit _Docx to follow the audit: a change of findings is a
change of the audit, made there and tested there.

The module docstring of the time follows.

Accessibility audit of published documents (.docx and .pdf) against the WCAG 2.2 AA points that
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

import io
import re
from pathlib import Path
from typing import Any, Callable, Iterable

from generator.errors import Level
from generator.checks.audit import (  # unchanged by the fast walk: the helpers of both walks
    V_SHAPE, W_BASEDON, W_NAME, W_NUMID, W_NUMPR, W_OUTLINE,
    W_P, W_PPR, W_PSTYLE, W_R, W_RPR, W_RSTYLE,
    W_T, W_TBL, W_TBLHEADER, W_TBLPR, W_TBLSTYLE, W_TC,
    W_TCPR, W_TR, W_TRPR, W_VAL,
    FAKE_HEADING_MAX_CHARS, Finding, GENERIC_LINK_TEXT, MIN_CONTRAST, MIN_CONTRAST_LARGE, R,
    Source, TYPED_MARKER, URL, WP_DOCPR, W_HYPERLINK, _NO_TABLE,
    _Para, _Verdict, _WALK_TAGS, _WordParts, _audit_pdf, _contrast,
    _document_parts, _fill, _find_path, _first, _image_info, _is_hex,
    _on, _on_attr, _outline, _read_docx, _rpr_props, _snippet,
    _unreadable, _verdict, _w, _where, _xpath,
)


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


def audit_document(path: Path, doc: Any) -> list[Finding]:
    """The findings of a Word document held by python-docx (the build audits the document it rendered, before
    saving it as ``path``): the same as :func:`audit_file` finds in the saved file, without reading it back."""
    try:
        return _Docx(path, _document_parts(doc)).audit()
    except Exception as exc:  # noqa: BLE001 - as audit_file: reported, not raised
        return [_unreadable(path, exc)]


class _Docx:
    """One Word document being audited: its styles indexed once, then one pass over the body."""

    def __init__(self, path: Path, parts: _WordParts) -> None:
        self.path = path
        self.parts = parts
        styles = parts.styles
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
        self._verdicts: dict[tuple[str | None, str | None, str | None], _Verdict] = {}
        self._levels: dict[str | None, int | None] = {}
        self._numbering: dict[str | None, Any] = {}
        self._layout: dict[str | None, bool] = {}
        self.findings: list[tuple[int, Finding]] = []

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
        paragraphs, tables = self._walk(body)
        self._paragraphs(paragraphs)
        self._tables(tables)
        self.findings.sort(key=lambda pf: pf[0])  # stable: document order, then check order
        return [f for _, f in self.findings]

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

    def _paragraphs(self, paragraphs: list[_Para]) -> None:
        last_heading: tuple[int, str] | None = None
        size_seen: dict[int, list[Any]] = {}  # half-points -> [pos, where, paragraphs]
        colour_seen: dict[tuple[str, str], list[Any]] = {}
        images = 0
        default_para = self.default_style["paragraph"]
        levels = self._levels
        for _, index, cell, table_style, ppr, text, runs, rare in paragraphs:
            if table_style is _NO_TABLE:
                raise StopIteration  # what looking for the cell's table found: nothing (unreadable, as before)
            more_pprs = rare[3] if rare is not None else ()
            ps = direct = None
            if ppr is not None:
                for child in ppr:  # ppr.find(pStyle) and p.find("pPr/outlineLvl"), in one look
                    tag = child.tag
                    if tag == W_PSTYLE:
                        ps = child if ps is None else ps
                    elif tag == W_OUTLINE:
                        direct = child if direct is None else direct
                if direct is None:
                    for other in more_pprs:
                        direct = _first(other, W_OUTLINE)
                        if direct is not None:
                            break
            para_style = ps.get(W_VAL) if ps is not None else default_para
            stripped = text.strip()
            where: str | None = None  # made when a finding needs it

            if direct is not None:
                level = _outline(direct)
            else:
                level = levels[para_style] if para_style in levels else self.style_level(para_style)
            if level is not None and level <= 9:
                if not stripped:
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
            plain = self.style_verdict((table_style, para_style, None))  # for runs without a w:rPr
            for run, has_text, rpr in runs:
                if not has_text:
                    continue
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
                            fill = _fill(ppr) or (_fill(_first(cell, W_TCPR)) if cell is not None else None) \
                                or "FFFFFF"
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
                    and not self.numbered(ppr, more_pprs, para_style) and len(stripped) <= FAKE_HEADING_MAX_CHARS
                    and not text.rstrip().endswith((".", ",", ";"))):
                where = where or _where(index, text)
                self.add(index, where, "fake-heading",
                         f'a short, wholly bold paragraph in the "{self.style_name(para_style)}" style looks like '
                         f"a heading but is not one", "apply a Heading style (Home > Styles) instead of bold",
                         level="warning")

            if level is None and TYPED_MARKER.match(text) and not self.numbered(ppr, more_pprs, para_style):
                marker = stripped.split()[0]
                where = where or _where(index, text)
                self.add(index, where, "typed-list",
                         f'the list marker "{marker}" is typed, so it is not a list to a screen reader',
                         "use Home > Bullets or Numbering (or a List Bullet / List Number style) and delete the "
                         "typed marker")

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
            rows = [row for row in tbl if row.tag == W_TR]
            if not rows:
                continue
            header = rows[0]
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
            merged_rows = set(_xpath("merged_rows")(tbl))  # one call, not a look at every cell
            merged = [r for r, row in enumerate(rows, start=1) if row in merged_rows] if merged_rows else []
            if merged:
                rows_text = ", ".join(map(str, merged[:5])) + (", ..." if len(merged) > 5 else "")
                self.add(pos, where, "merged-cells",
                         f"the table has merged cells (row{'s' if len(merged) > 1 else ''} {rows_text}), which "
                         f"screen readers often misread", "split the cells (Table Layout > Split Cells) so each "
                         "cell has one row and one column heading", level="warning")
