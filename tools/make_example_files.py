"""Write the binary files of the example Cabinet meeting (inputs/2023-01-18-cabinet): a bar chart (PNG,
drawn pixel by pixel, no imaging library), a public .xlsx appendix, an exempt .docx appendix and the
minutes of the previous meeting (.docx, item 2's document).

The committed files are the example; this script records how they were made and can recreate them:

    .venv/bin/python tools/make_example_files.py
"""
from __future__ import annotations

import datetime as dt
import struct
import zipfile
import zlib
from pathlib import Path
from typing import Any

OUT = Path(__file__).resolve().parents[1] / "inputs" / "2023-01-18-cabinet"
STAMP = dt.datetime(2023, 1, 4)

# forecast variance by directorate, £000 (the figures of 08-q2-budget-monitoring.yaml)
BARS = [("Adults", 1850), ("Children's", 2400), ("Place", -320), ("Resources", 410)]


def png(width: int, height: int, pixel: "callable") -> bytes:
    """A truecolour PNG of ``pixel(x, y) -> (r, g, b)``."""
    rows = b"".join(b"\0" + b"".join(bytes(pixel(x, y)) for x in range(width)) for y in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows, 9)) + chunk(b"IEND", b"")


def chart() -> bytes:
    """Bars above and below a zero line: dark blue overspends, grey underspends."""
    width, height, zero = 480, 240, 180
    scale = 160 / max(v for _, v in BARS)
    slots = width // len(BARS)

    def pixel(x: int, y: int) -> tuple[int, int, int]:
        if y == zero:
            return (0, 0, 0)
        bar = x // slots
        left = bar * slots + slots // 5
        if bar < len(BARS) and left <= x < left + slots * 3 // 5:
            top = zero - round(BARS[bar][1] * scale)
            if min(top, zero) <= y <= max(top, zero):
                return (31, 56, 100) if BARS[bar][1] > 0 else (118, 118, 118)
        return (255, 255, 255)

    return png(width, height, pixel)


def detail_workbook(path: Path) -> None:
    """Appendix 1: service budget detail (public)."""
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Service detail"
    ws.append(["Service", "Budget £000", "Forecast £000", "Variance £000"])
    for service, budget, forecast in [("Adult Social Care", 48200, 50050), ("Children's Social Care", 39100, 41500),
                                      ("Highways", 12400, 12080), ("Finance and IT", 9800, 10210)]:
        ws.append([service, budget, forecast, forecast - budget])
    ws.column_dimensions["A"].width = 28
    wb.properties.title = "Quarter 2 service budget detail"
    wb.properties.language = "en-GB"
    wb.properties.creator = "Corporate Finance"
    wb.properties.created = wb.properties.modified = STAMP
    wb.save(path)


def savings_document(path: Path) -> None:
    """Appendix 2: savings tracker (exempt: it names contract terms)."""
    import docx

    document = docx.Document()
    document.add_heading("Savings tracker: commercially sensitive lines", level=1)
    document.add_paragraph("Contract renegotiation savings by supplier, as agreed in principle. Not for publication.")
    table = document.add_table(rows=1, cols=2)
    table.rows[0].cells[0].text, table.rows[0].cells[1].text = "Supplier", "Saving £000"
    for supplier, saving in [("Supplier A", "240"), ("Supplier B", "115")]:
        cells = table.add_row().cells
        cells[0].text, cells[1].text = supplier, saving
    _save_docx(document, path, "Savings tracker", "Corporate Finance")


def minutes_document(path: Path) -> None:
    """Item 2's document: the minutes of the previous meeting, attached to the agenda."""
    import docx

    document = docx.Document()
    document.add_heading("Minutes of the meeting of Cabinet held on 14 December 2022", level=1)
    document.add_paragraph("Present: Councillors Mark Coxshall (Chair), Deborah Huelin (Deputy Leader), "
                           "Jack Duffin and Andrew Jefferies.")
    document.add_heading("Minutes", level=2)
    document.add_paragraph("The minutes of the meeting held on 9 November 2022 were approved as a correct record.")
    document.add_heading("Quarter 1 Revenue Budget Monitoring 2022/23", level=2)
    document.add_paragraph("Cabinet noted the forecast outturn position and agreed the recommendations.")
    _save_docx(document, path, "Minutes of Cabinet, 14 December 2022", "Democratic Services")


def _save_docx(document: Any, path: Path, title: str, author: str) -> None:
    """Save with a title and language (the audit asks for both) and fixed dates, so the files are reproducible."""
    props = document.core_properties
    props.title, props.language, props.author = title, "en-GB", author
    props.created = props.modified = STAMP
    props.revision = 1
    document.save(path)


def _pin_zip_times(path: Path) -> None:
    """Rewrite a saved .docx/.xlsx with fixed entry times, so the committed files are reproducible."""
    with zipfile.ZipFile(path) as zf:
        entries = [(info.filename, zf.read(info.filename)) for info in zf.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in entries:
            zf.writestr(zipfile.ZipInfo(name, (1980, 1, 1, 0, 0, 0)), data, compress_type=zipfile.ZIP_DEFLATED)


if __name__ == "__main__":
    (OUT / "q2-variance-chart.png").write_bytes(chart())
    detail_workbook(OUT / "q2-detail.xlsx")
    savings_document(OUT / "savings.docx")
    minutes_document(OUT / "minutes-2022-12-14.docx")
    for name in ("q2-detail.xlsx", "savings.docx", "minutes-2022-12-14.docx"):
        _pin_zip_times(OUT / name)
    print(f"wrote the example files to {OUT}")
