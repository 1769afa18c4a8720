"""The published agenda pack: PDFs joined in agenda order, one bookmark per item (pypdf)."""
from __future__ import annotations

import io
from pathlib import Path

from pypdf import PdfReader, PdfWriter
from pypdf.generic import NameObject, TextStringObject


def page_count(pdf: Path) -> int:
    """Number of pages of a PDF."""
    return len(PdfReader(pdf).pages)


def join(parts: list[tuple[str, Path]], title: str) -> bytes:
    """One PDF of ``parts`` (bookmark text, file) in order, each part bookmarked at its first page."""
    writer = PdfWriter()
    for label, pdf in parts:
        start = len(writer.pages)
        writer.append(str(pdf), import_outline=False)
        writer.add_outline_item(title=label, page_number=start)
    writer.add_metadata({"/Title": title})
    writer.create_viewer_preferences()
    if writer.viewer_preferences is not None:
        writer.viewer_preferences.display_doctitle = True
    writer.page_mode = "/UseOutlines"
    writer._root_object[NameObject("/Lang")] = TextStringObject("en-GB")
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue()
