"""Hostile and huge finance sources end in a clear message naming the limit; large real ones still build."""
from __future__ import annotations

import re
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest
from docx import Document
from openpyxl import Workbook

from conftest import run_papers
from generator.inputs import sources
from ledger_export import PAPER_HEAD

LONE = PAPER_HEAD + """\
  units: "£000"
  columns: {budget: Budget, forecast: Forecast}
  total: true
  source: SOURCE
"""


def paper(folder: Path, source: str) -> Path:
    folder.mkdir(exist_ok=True)
    path = folder / "05-finance.yaml"
    path.write_text(LONE.replace("SOURCE", source), encoding="utf-8")
    return path


def check(path: Path) -> list[str]:
    result = run_papers("check", path)
    assert "Traceback" not in result.output
    return [line.strip() for line in result.output.splitlines() if line.startswith("      ")]


def small_workbook(path: Path) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.append(["service", "budget", "forecast"])
    ws.append(["Strategy", 330, 330])
    wb.save(path)
    return path


def rewrite_part(path: Path, part: str, change) -> None:
    """Rewrite one part of a zip package (the others copied as they are)."""
    with zipfile.ZipFile(path) as src:
        items = [(i, src.read(i.filename)) for i in src.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for info, data in items:
            dst.writestr(info.filename, change(data) if info.filename == part else data)


def test_a_sparse_workbook_with_a_cell_at_the_last_row_and_column_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "sparse"
    folder.mkdir()
    wb = Workbook()
    ws = wb.active
    ws.append(["service", "budget", "forecast"])
    ws.append(["Strategy", 330, 330])
    ws["XFD1048576"] = 1
    wb.save(folder / "sparse.xlsx")
    assert (folder / "sparse.xlsx").stat().st_size < 10_000
    assert check(paper(folder, "sparse.xlsx")) == [
        "05-finance.yaml:12: finance.source: cannot read sparse.xlsx: the sheet has a cell at XFD1048576, beyond "
        "the 250,000 rows papers reads: delete the rows below the table (Ctrl+End shows the last cell Excel "
        "keeps) or copy the table to a new sheet"]


def test_a_huge_dimension_reference_is_not_believed(tmp_path: Path) -> None:
    folder = tmp_path / "dimension"
    folder.mkdir()
    book = small_workbook(folder / "dim.xlsx")
    rewrite_part(book, "xl/worksheets/sheet1.xml",
                 lambda xml: re.sub(rb'<dimension ref="[^"]*"/>', b'<dimension ref="A1:XFD1048576"/>', xml))
    assert b"XFD1048576" in zipfile.ZipFile(book).read("xl/worksheets/sheet1.xml")
    assert check(paper(folder, "dim.xlsx")) == []  # only the cells that exist are read


def test_a_merged_range_over_the_whole_sheet_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "merged"
    folder.mkdir()
    book = small_workbook(folder / "merged.xlsx")
    rewrite_part(book, "xl/worksheets/sheet1.xml", lambda xml: xml.replace(
        b"</sheetData>", b'</sheetData><mergeCells count="1"><mergeCell ref="D1:XFD1048576"/></mergeCells>'))
    assert check(paper(folder, "merged.xlsx")) == [
        "05-finance.yaml:12: finance.source: cannot read merged.xlsx: the sheet's merged cells cover more than "
        "100,000 cells (up to XFD1048576): unmerge them (Home > Merge & Center)"]


def test_a_zip_bomb_is_refused_before_it_is_unpacked(tmp_path: Path) -> None:
    folder = tmp_path / "bomb"
    folder.mkdir()
    book = small_workbook(folder / "bomb.xlsx")
    with zipfile.ZipFile(book) as src:
        items = [(i.filename, src.read(i.filename)) for i in src.infolist()]
    with zipfile.ZipFile(book, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as dst:
        for name, data in items:
            if name != "xl/worksheets/sheet1.xml":
                dst.writestr(name, data)
                continue
            with dst.open(name, "w", force_zip64=True) as part:  # valid XML padded with 257 MB of spaces
                head, tail = data.split(b"<sheetData>")
                part.write(head + b"<sheetData>")
                block = b" " * 2**20
                for _ in range(257):
                    part.write(block)
                part.write(tail)
    assert book.stat().st_size < 2_000_000
    assert check(paper(folder, "bomb.xlsx")) == [
        "05-finance.yaml:12: finance.source: cannot read bomb.xlsx: the file would unpack to 257 MB, more than the "
        "256 MB papers unpacks from one workbook (a damaged or hostile file?)"]


def test_a_part_longer_than_it_says_is_a_damaged_file(tmp_path: Path) -> None:
    folder = tmp_path / "liar"
    folder.mkdir()
    book = small_workbook(folder / "liar.xlsx")
    data = bytearray(book.read_bytes())
    with zipfile.ZipFile(book) as package:
        info = package.getinfo("xl/worksheets/sheet1.xml")
    # the central directory claims the sheet unpacks to 10 bytes: Python's zipfile stops there
    at = data.rfind(info.filename.encode()) - 46
    assert data[at:at + 4] == b"PK\x01\x02"
    data[at + 24:at + 28] = (10).to_bytes(4, "little")
    book.write_bytes(bytes(data))
    problems = check(paper(folder, "liar.xlsx"))
    assert len(problems) == 1 and problems[0].startswith("05-finance.yaml:12: finance.source: cannot read "
                                                         "liar.xlsx: the workbook is damaged"), problems


def test_rows_beyond_the_bound_are_refused(tmp_path: Path) -> None:
    folder = tmp_path / "long"
    folder.mkdir()
    with (folder / "long.csv").open("w", encoding="utf-8") as fh:
        fh.write("service,budget,forecast\n")
        fh.write("x,1,1\n" * sources.MAX_ROWS)
    assert check(paper(folder, "long.csv")) == [
        "05-finance.yaml:12: finance.source: cannot read long.csv: the file has more than 250,000 rows, the most "
        "papers reads from one data file (row 250,001 found)"]


def test_a_100000_row_csv_prints_no_100000_row_table(tmp_path: Path) -> None:
    folder = tmp_path / "plain"
    folder.mkdir()
    with (folder / "big.csv").open("w", encoding="utf-8") as fh:
        fh.write("service,budget,forecast\n")
        fh.writelines(f"Cost centre {i},{i},{i + 1}\n" for i in range(100_000))
    assert check(paper(folder, "big.csv")) == [
        "05-finance.yaml:12: finance.source: the table would print 100,000 rows, more than the 1,000 a paper's "
        "finance table holds: sum the export's rows into services with source: {file, code, group} (see "
        "docs/input-format.md)"]


def test_a_100000_row_ledger_export_builds_grouped_by_its_map(tmp_path: Path) -> None:
    folder = tmp_path / "ledger"
    folder.mkdir()
    services = ["Legal", "Finance", "Housing", "Waste", "Parks"]
    with (folder / "gl.csv").open("w", encoding="utf-8") as fh:
        fh.write("Budget monitoring\n\nCost Centre,Description,Annual Budget,Forecast\n")
        fh.writelines(f"{1000 + i % 500},Line {i},\"{i % 997 * 10:,}.25\",{i % 991 * 10}.75\n" for i in range(100_000))
        fh.write("\nReport run by J. Smith\n")
    with (folder / "map.csv").open("w", encoding="utf-8") as fh:
        fh.writelines(f"{1000 + c},{services[c % 5]}\n" for c in range(500))
    path = paper(folder, "{file: gl.csv, header: Cost Centre, label: Description, code: Cost Centre, "
                         "group: map.csv, scale: 1000, amounts: {budget: Annual Budget, forecast: Forecast}}")
    result = run_papers("build", path, "-o", tmp_path / "out", "-j", "1", "--no-audit")
    assert result.exit_code == 0, result.output
    rows = [[c.text for c in r.cells] for r in Document(str(tmp_path / "out" / folder.name / "05-finance.docx"))
            .tables[-1].rows]
    assert [r[0] for r in rows[2:]] == services + ["Total"]  # below the header and units rows
    # the budget total by hand: sum of (i % 997) * 10 + 0.25 over the rows, in £000, rounded half up
    budget = sum(Decimal(i % 997 * 10) + Decimal("0.25") for i in range(100_000)) / 1000
    assert rows[-1][1] == f"{budget.quantize(Decimal(1), rounding='ROUND_HALF_UP'):,}"
    assert sum(int(r[1].replace(",", "")) for r in rows[2:-1]) == int(rows[-1][1].replace(",", ""))


@pytest.mark.parametrize("data, message", [
    (b"service,budget,forecast\nStrategy,\xa3330,330\n", "warning: read as Windows-1252 text (not UTF-8)"),
    (b"\xef\xbb\xbfservice,budget,forecast\nStrategy,\xc2\xa3330,330\n", None),
    (b"service,budget,forecast\nStrategy,\x81330,330\n", "neither UTF-8 nor Windows-1252 text (byte 0x81"),
])
def test_csv_encodings(tmp_path: Path, data: bytes, message: str | None) -> None:
    folder = tmp_path / "enc"
    folder.mkdir()
    (folder / "enc.csv").write_bytes(data)
    problems = check(paper(folder, "enc.csv"))
    if message is None:
        assert problems == []
    else:
        assert len(problems) == 1 and message in problems[0], problems


ODS_CONTENT = """<?xml version="1.0" encoding="UTF-8"?>
<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"
 xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"
 xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">
<office:body><office:spreadsheet><table:table table:name="Sheet1">
<table:table-row><table:table-cell office:value-type="string"><text:p>service</text:p></table:table-cell>
<table:table-cell office:value-type="string"><text:p>budget</text:p></table:table-cell>
<table:table-cell office:value-type="string"><text:p>forecast</text:p></table:table-cell></table:table-row>
<table:table-row table:number-rows-repeated="99998"><table:table-cell/></table:table-row>
<table:table-row><table:table-cell table:number-columns-repeated="99"/>
<table:table-cell office:value-type="float" office:value="1"><text:p>1</text:p></table:table-cell></table:table-row>
</table:table></office:spreadsheet></office:body></office:document-content>"""


def test_a_sparse_ods_is_refused_before_calamine_fills_its_rectangle(tmp_path: Path) -> None:
    folder = tmp_path / "ods"
    folder.mkdir()
    with zipfile.ZipFile(folder / "sparse.ods", "w") as package:
        package.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        package.writestr("content.xml", ODS_CONTENT)
    assert check(paper(folder, "sparse.ods")) == [
        "05-finance.yaml:12: finance.source: cannot read sparse.ods: the sheet's cells reach CV100000: a rectangle "
        "of more than 3,000,000 cells, the most papers reads from one sheet; delete what lies beyond the table "
        "(Ctrl+End shows the last cell) or copy the table to a new sheet"]
