"""Text stamped on every page of a pack ("Page 5", "NOT FOR PUBLICATION"), drawn with pypdf.

Each stamp is its own content stream after the page's own (which is wrapped in q/Q so that nothing it
leaves set moves the stamp), marked as a pagination Artifact so that PDF/UA readers skip it, in a
subset of the font fontconfig gives for Arial (Liberation Sans on Debian), embedded, since PDF/UA
wants every font embedded. The subset is made from the same file every time: the pack stays
byte-identical.
"""
from __future__ import annotations

import io
from functools import lru_cache

from pypdf import PdfWriter
from pypdf.generic import (ArrayObject, DecodedStreamObject, DictionaryObject, FloatObject, NameObject, NumberObject,
                           StreamObject)

from ..errors import PapersError
from .metrics import font_file

FONT = "/PapersStamp"
SIZE = 9  # points: small, in the page's top margin, clear of every header and footer a paper prints
MARGIN = 20  # points from the top edge to the baseline
FIRST, LAST = 32, 126  # the printable ASCII range: the stamps' text is ours


class StampError(PapersError):
    """The stamp's font cannot be found or read."""


@lru_cache(maxsize=None)
def _font() -> tuple[bytes, list[int], int, tuple[int, int, int, int], int, int]:
    """The subset font file, widths (1/1000 em) of FIRST..LAST, and the descriptor's metrics."""
    from fontTools import subset
    from fontTools.ttLib import TTFont

    found = font_file("Arial")
    if found is None:
        raise StampError("no font for the pack's page numbers: install fontconfig and fonts-liberation2")
    path, index = found
    try:
        font = TTFont(path, fontNumber=index, recalcTimestamp=False)  # else "now" goes into the subset
    except Exception as exc:  # fontTools raises many kinds for a file it cannot read
        raise StampError(f"cannot read the font {path} for the pack's page numbers: {exc}") from None
    options = subset.Options()
    options.notdef_outline = True
    options.name_IDs = ["*"]
    options.hinting = False
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=range(FIRST, LAST + 1))
    subsetter.subset(font)
    units = font["head"].unitsPerEm
    cmap = font.getBestCmap()
    metrics = font["hmtx"].metrics
    widths = [round(metrics[cmap[c]][0] * 1000 / units) if c in cmap else 0 for c in range(FIRST, LAST + 1)]
    head, hhea = font["head"], font["hhea"]
    bbox = tuple(round(v * 1000 / units) for v in (head.xMin, head.yMin, head.xMax, head.yMax))
    buf = io.BytesIO()
    font.save(buf)
    return (buf.getvalue(), widths, round(hhea.ascent * 1000 / units),
            bbox, round(hhea.descent * 1000 / units), 0)  # type: ignore[return-value]


def _font_dict(writer: PdfWriter) -> DictionaryObject:
    data, widths, ascent, bbox, descent, _ = _font()
    file = StreamObject()
    file._data = data
    file[NameObject("/Length1")] = NumberObject(len(data))
    compressed = file.flate_encode()
    descriptor = DictionaryObject({
        NameObject("/Type"): NameObject("/FontDescriptor"), NameObject("/FontName"): NameObject("/LiberationSans"),
        NameObject("/Flags"): NumberObject(32), NameObject("/FontBBox"): ArrayObject(NumberObject(v) for v in bbox),
        NameObject("/ItalicAngle"): NumberObject(0), NameObject("/Ascent"): NumberObject(ascent),
        NameObject("/Descent"): NumberObject(descent), NameObject("/CapHeight"): NumberObject(ascent),
        NameObject("/StemV"): NumberObject(80), NameObject("/FontFile2"): writer._add_object(compressed)})
    return DictionaryObject({
        NameObject("/Type"): NameObject("/Font"), NameObject("/Subtype"): NameObject("/TrueType"),
        NameObject("/BaseFont"): NameObject("/LiberationSans"), NameObject("/FirstChar"): NumberObject(FIRST),
        NameObject("/LastChar"): NumberObject(LAST), NameObject("/Widths"): ArrayObject(NumberObject(w) for w in widths),
        NameObject("/Encoding"): NameObject("/WinAnsiEncoding"),
        NameObject("/FontDescriptor"): writer._add_object(descriptor)})


def text_width(text: str) -> float:
    """Width in points of ``text`` in the stamp's font and size."""
    widths = _font()[1]
    return sum(widths[ord(c) - FIRST] for c in text) * SIZE / 1000


def stamp_pages(writer: PdfWriter, texts: list[tuple[str, str]]) -> None:
    """Stamp page i of ``writer`` with ``texts[i]`` = (top right text, top left text; either may be empty)."""
    font = writer._add_object(_font_dict(writer))
    for page, (right, left) in zip(writer.pages, texts):
        box = page.mediabox
        width, top = float(box.right), float(box.top)
        lines = []
        for text, x in ((right, width - 36 - text_width(right)), (left, float(box.left) + 36)):
            if text:
                escaped = text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
                lines.append(f"BT {FONT} {SIZE} Tf 0 g {FloatObject(x)} {FloatObject(top - MARGIN)} Td "
                             f"({escaped}) Tj ET")
        if not lines:
            continue
        resources = page.get("/Resources")
        resources = resources.get_object() if resources is not None else DictionaryObject()
        fonts = resources.get("/Font")
        fonts = fonts.get_object() if fonts is not None else DictionaryObject()
        fonts[NameObject(FONT)] = font
        resources[NameObject("/Font")] = fonts
        page[NameObject("/Resources")] = resources
        before, after = DecodedStreamObject(), DecodedStreamObject()
        before.set_data(b"q\n")
        after.set_data(("Q\n/Artifact <</Type /Pagination /Subtype /Header>> BDC\n" + "\n".join(lines)
                        + "\nEMC\n").encode("latin-1"))
        contents = page.get("/Contents")
        own = contents.get_object() if contents is not None else ArrayObject()
        parts = list(own) if isinstance(own, ArrayObject) else [contents]
        page[NameObject("/Contents")] = ArrayObject([writer._add_object(before), *parts,
                                                     writer._add_object(after)])
