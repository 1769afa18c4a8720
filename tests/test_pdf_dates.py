"""PDF dates are the meeting date at midnight UTC, in the Info dictionary and the XMP metadata alike,
whatever the build machine's time zone or season; any year keeps the file valid."""
from __future__ import annotations

import datetime as dt
import io
import re
import time
from pathlib import Path

import pytest
from pypdf import PdfReader

from conftest import EXAMPLE, run_papers
from generator.render.pdf import fixed_pdf

MEETING = dt.datetime(2022, 12, 8, tzinfo=dt.timezone.utc)  # the example's meeting.yaml: date: 2022-12-08


def xmp_dates(pdf: bytes) -> list[bytes]:
    return re.findall(rb"<xmp:(?:CreateDate|ModifyDate|MetadataDate)>([^<]*)<", pdf)


@pytest.mark.libreoffice
def test_every_pdf_is_dated_midnight_utc_of_the_meeting(pdf_build: Path) -> None:
    pdfs = sorted(pdf_build.glob("*.pdf"))
    assert len(pdfs) == 4
    for pdf in pdfs:
        reader = PdfReader(pdf)
        assert reader.metadata is not None and reader.metadata.creation_date == MEETING, pdf.name
        dates = xmp_dates(pdf.read_bytes())
        assert dates and set(dates) == {b"2022-12-08T00:00:00Z"}, (pdf.name, dates)


@pytest.mark.libreoffice
def test_winter_and_summer_builds_give_the_same_bytes(pdf_build: Path, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    # London in January is UTC+0, in July UTC+1: the machine's date cannot be moved, so the other build
    # runs under the fixed offset (POSIX TZ) that differs from this machine's now
    at_utc = time.localtime().tm_gmtoff == 0
    monkeypatch.setenv("TZ", "BST-1" if at_utc else "GMT0")
    result = run_papers("build", EXAMPLE, "-o", tmp_path, "--pdf", "-j", "1", "--no-audit")
    assert result.exit_code == 0, result.output
    other = {p.name: p.read_bytes() for p in (tmp_path / EXAMPLE.name).glob("*.pdf")}
    assert len(other) == 4
    for pdf in pdf_build.glob("*.pdf"):
        assert other[pdf.name] == pdf.read_bytes(), pdf.name


@pytest.mark.libreoffice
@pytest.mark.parametrize("date", [dt.date(222, 12, 8), dt.date(1, 1, 1), dt.date(9999, 12, 31)])
def test_any_year_keeps_the_cross_reference_table_right(pdf_build: Path, date: dt.date) -> None:
    data = (pdf_build / "05-central-services.pdf").read_bytes()
    fixed = fixed_pdf(data, date)
    reader = PdfReader(io.BytesIO(fixed), strict=True)
    assert reader.metadata is not None
    assert reader.metadata["/CreationDate"].startswith(f"D:{date.year:04d}{date.month:02d}{date.day:02d}000000")
    assert xmp_dates(fixed) == [f"{date.year:04d}-{date.month:02d}-{date.day:02d}T00:00:00Z".encode()]
    # each object the table points at starts where it says
    table = fixed[fixed.rindex(b"\nxref") + 1:]
    first, count = map(int, table.split(b"\n")[1].split())
    rows = table.split(b"\n")[2:2 + count]
    for number, row in enumerate(rows, start=first):
        offset, _, kind = row.split()[:3]
        if kind == b"n":
            assert fixed[int(offset):].startswith(f"{number} 0 obj".encode()), number


def small_pdf(info: bytes) -> bytes:
    """A one-page PDF with a classic cross-reference table, written as LibreOffice writes one."""
    objects = [b"<</Type/Catalog/Pages 2 0 R>>", b"<</Type/Pages/Kids[3 0 R]/Count 1>>",
               b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 100 100]/Tabs(S)>>", info]
    out, offsets = b"%PDF-1.6\n", []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    table = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    return out + b"trailer\n<</Size 5/Root 1 0 R/Info 4 0 R>>\nstartxref\n%d\n%%%%EOF\n" % table


def test_an_offset_in_a_date_becomes_utc_and_a_tab_order_string_a_name() -> None:
    # what LibreOffice writes where TZ is not pinned: the build machine's offset
    data = small_pdf(b"<</CreationDate(D:20260701120000+01'00')/ModDate(D:20260701120000-05'00')>>")
    fixed = fixed_pdf(data, dt.date(2022, 12, 8))
    assert b"/CreationDate(D:20221208000000Z)/ModDate(D:20221208000000Z)" in fixed
    reader = PdfReader(io.BytesIO(fixed), strict=True)
    assert reader.metadata is not None
    assert reader.metadata.creation_date == reader.metadata.modification_date == MEETING
    assert reader.pages[0]["/Tabs"] == "/S"
