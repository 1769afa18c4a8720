"""Text stamped on every page of a pack ("Page 5", "NOT FOR PUBLICATION"), drawn with pikepdf.

Each stamp is its own content stream after the page's own (which is wrapped in q/Q so that nothing it
leaves set moves the stamp), marked as a pagination Artifact so that PDF/UA readers skip it, in a
subset of the font fontconfig gives for Arial (Liberation Sans on Debian), embedded, since PDF/UA
wants every font embedded. The subset is made from the same file every time: the pack stays
byte-identical.
"""
from __future__ import annotations

import io
import threading
import zlib
from functools import lru_cache

import pikepdf
from pikepdf import Array, Dictionary, Name, Pdf

from ..errors import PapersError
from .metrics import font_file

FONT = "/PapersStamp"
SIZE = 9  # points: small, in the page's top margin, clear of every header and footer a paper prints
MARGIN = 20  # points from the top edge to the baseline
FIRST, LAST = 32, 126  # the printable ASCII range: the stamps' text is ours


class StampError(PapersError):
    """The stamp's font cannot be found or read."""


_making = threading.Lock()


def prepare() -> None:
    """Make the stamps' font subset now (a fifth of a second; in a thread while LibreOffice converts)."""
    _font()


def _font() -> tuple[bytes, list[int], int, tuple[int, int, int, int], int, int]:
    """The subset font file, widths (1/1000 em) of FIRST..LAST, and the descriptor's metrics (made once)."""
    with _making:  # made once, whichever thread asks first
        return _made_font()


@lru_cache(maxsize=None)
def _made_font() -> tuple[bytes, list[int], int, tuple[int, int, int, int], int, int]:
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


def _font_dict(pdf: Pdf) -> Dictionary:
    data, widths, ascent, bbox, descent, _ = _font()
    file = pikepdf.Stream(pdf, zlib.compress(data, 9))
    file.Filter, file.Length1 = Name.FlateDecode, len(data)
    descriptor = Dictionary(Type=Name.FontDescriptor, FontName=Name.LiberationSans, Flags=32, FontBBox=Array(bbox),
                            ItalicAngle=0, Ascent=ascent, Descent=descent, CapHeight=ascent, StemV=80,
                            FontFile2=pdf.make_indirect(file))
    return Dictionary(Type=Name.Font, Subtype=Name.TrueType, BaseFont=Name.LiberationSans, FirstChar=FIRST,
                      LastChar=LAST, Widths=Array(widths), Encoding=Name.WinAnsiEncoding,
                      FontDescriptor=pdf.make_indirect(descriptor))


def text_width(text: str) -> float:
    """Width in points of ``text`` in the stamp's font and size."""
    widths = _font()[1]
    return sum(widths[ord(c) - FIRST] for c in text) * SIZE / 1000


def stamp_pages(pdf: Pdf, texts: list[tuple[str, str]]) -> None:
    """Stamp page i of ``pdf`` with ``texts[i]`` = (top right text, top left text; either may be empty)."""
    font = pdf.make_indirect(_font_dict(pdf))
    save = pdf.make_indirect(pikepdf.Stream(pdf, b"q\n"))  # one for every page: it is the same bytes
    for page, (right, left) in zip(pdf.pages, texts):
        box = [float(v) for v in page.mediabox]
        width, top = max(box[0], box[2]), max(box[1], box[3])
        lines = []
        for text, x in ((right, width - 36 - text_width(right)), (left, min(box[0], box[2]) + 36)):
            if text:
                escaped = text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
                lines.append(f"BT {FONT} {SIZE} Tf 0 g {_number(x)} {_number(top - MARGIN)} Td ({escaped}) Tj ET")
        if not lines:
            continue
        page.add_resource(font, Name.Font, Name(FONT))  # into the page's own resources (inherited ones copied)
        stamp = pikepdf.Stream(pdf, ("Q\n/Artifact <</Type /Pagination /Subtype /Header>> BDC\n" + "\n".join(lines)
                                     + "\nEMC\n").encode("latin-1"))
        contents = page.obj.get("/Contents")
        own = list(contents) if isinstance(contents, Array) else [] if contents is None else [contents]
        page.obj.Contents = Array([save, *own, pdf.make_indirect(stamp)])


def _number(value: float) -> str:
    """A PDF number: at most four decimals, no trailing zeros (the same text for the same value)."""
    text = f"{value:.4f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text
