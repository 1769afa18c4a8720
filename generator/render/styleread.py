"""The formatting a template's styles give, resolved as Word does: a paragraph style and the styles it is
based on, then the table style, then the document defaults. Plain lxml over the styles part."""
from __future__ import annotations

from typing import Any, Iterator

from lxml import etree

from .metrics import Font

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
WORD_DEFAULT_FONT = "Times New Roman"  # what Word uses when neither the styles nor the defaults name a font
WORD_DEFAULT_SIZE = 20  # half-points (10 pt), likewise
WORD_CELL_MARGIN = 108  # twips, Word's "Normal Table" left and right cell margin


class StyleSheet:
    """Looks up effective properties in a template's ``w:styles`` element (and its theme's fonts)."""

    def __init__(self, styles: Any, theme_xml: bytes | None = None) -> None:
        self.styles = styles
        self._by_id = {s.get(f"{W}styleId"): s for s in styles.iter(f"{W}style")}
        self.defaults = styles.find(f"{W}docDefaults")
        self.theme: dict[str, str] = {}
        if theme_xml:
            try:
                theme = etree.fromstring(theme_xml)
            except etree.XMLSyntaxError:
                theme = None
            for kind in ("major", "minor"):
                latin = theme.find(f".//{A}{kind}Font/{A}latin") if theme is not None else None
                if latin is not None and latin.get("typeface"):
                    self.theme[kind] = latin.get("typeface")

    def chain(self, style_id: str | None) -> Iterator[Any]:
        """The style and those it is based on, nearest first."""
        seen: set[str] = set()
        while style_id and style_id not in seen and style_id in self._by_id:
            seen.add(style_id)
            style = self._by_id[style_id]
            yield style
            based = style.find(f"{W}basedOn")
            style_id = based.get(f"{W}val") if based is not None else None

    def default_paragraph_style(self) -> str | None:
        """The id of the paragraph style used when a paragraph names none (Normal)."""
        for style_id, style in self._by_id.items():
            if style.get(f"{W}type") == "paragraph" and style.get(f"{W}default") in ("1", "true", "on"):
                return style_id
        return None

    def _props(self, kind: str, *style_ids: str | None) -> Iterator[Any]:
        """Every ``w:rPr`` or ``w:pPr`` that applies, nearest first, ending with the document defaults."""
        for style_id in style_ids:
            for style in self.chain(style_id):
                props = style.find(f"{W}{kind}")
                if props is not None:
                    yield props
        if self.defaults is not None:
            found = self.defaults.find(f"{W}{kind}Default/{W}{kind}")
            if found is not None:
                yield found

    def font(self, para_style: str | None, table_style: str | None = None) -> Font:
        """The font of text in a paragraph style (inside a table in ``table_style``)."""
        family = size = bold = None
        for rpr in self._props("rPr", para_style, table_style):
            fonts = rpr.find(f"{W}rFonts")
            if family is None and fonts is not None:
                theme = fonts.get(f"{W}asciiTheme")
                family = fonts.get(f"{W}ascii") or (self.theme.get("major" if theme.startswith("major") else "minor")
                                                    if theme else None)
            sz = rpr.find(f"{W}sz")
            if size is None and sz is not None and (sz.get(f"{W}val") or "").isdigit():
                size = int(sz.get(f"{W}val"))
            b = rpr.find(f"{W}b")
            if bold is None and b is not None:
                bold = b.get(f"{W}val", "1").lower() not in ("0", "false", "off")
        return Font(family or WORD_DEFAULT_FONT, size or WORD_DEFAULT_SIZE, bool(bold))

    def space_after(self, para_style: str | None) -> int | None:
        """A paragraph style's space after, in twips (None: not set anywhere)."""
        for ppr in self._props("pPr", para_style):
            spacing = ppr.find(f"{W}spacing")
            value = spacing.get(f"{W}after") if spacing is not None else None
            if value is not None and value.isdigit():
                return int(value)
        return None

    def cell_margins(self, table_style: str | None) -> int:
        """Left plus right cell margin (twips) of a table style."""
        found: dict[str, int] = {}
        for style in self.chain(table_style):
            margins = style.find(f"{W}tblPr/{W}tblCellMar")
            for side, names in (("left", ("left", "start")), ("right", ("right", "end"))):
                for name in names:
                    el = margins.find(f"{W}{name}") if margins is not None else None
                    if side not in found and el is not None and (el.get(f"{W}w") or "").isdigit():
                        found[side] = int(el.get(f"{W}w"))
        return found.get("left", WORD_CELL_MARGIN) + found.get("right", WORD_CELL_MARGIN)
