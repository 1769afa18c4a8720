"""LibreOffice, an independent reader, opens our workbooks and its recalculation equals our cached values."""
from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import openpyxl
import pytest

from conftest import EXAMPLE, ROOT, run_papers
from generator.render.pdf import soffice
from test_workbook import (INJECTIONS, assert_cached_values_are_right, assert_word_and_excel_agree, blocks,
                           formula_cells, write_case)

pytestmark = pytest.mark.libreoffice
SENTINEL = "987654321"  # replaces our cached results, so a value LibreOffice did not compute cannot pass

# Calc trusts the cached results of an .xlsx by default; this profile setting makes it recalculate on load
ALWAYS_RECALCULATE = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" \
xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse">\
<value>0</value></prop></item>
</oor:items>
"""


def recalculate(files: list[Path], outdir: Path, profile: Path) -> dict[Path, Path | None]:
    """Have one headless LibreOffice load (recalculating every formula) and save each workbook as .xlsx."""
    (profile / "user").mkdir(parents=True)
    (profile / "user" / "registrymodifications.xcu").write_text(ALWAYS_RECALCULATE, encoding="utf-8")
    subprocess.run([soffice(), f"-env:UserInstallation=file://{profile}", "--headless", "--norestore",
                    "--nolockcheck", "--convert-to", "xlsx", "--outdir", str(outdir), *map(str, files)],
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=180, check=False,
                   env={**os.environ, "SAL_USE_VCLPLUGIN": "svp"})
    return {f: outdir / f.name if (outdir / f.name).is_file() else None for f in files}


def poisoned(data: bytes) -> tuple[bytes, int]:
    """The workbook with every formula's cached value replaced by the sentinel; and how many were."""
    out, count = io.BytesIO(), 0
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename.startswith("xl/worksheets/sheet"):
                body, n = re.subn(rb"(</f>)<v>[^<]*</v>", rb"\1<v>" + SENTINEL.encode() + b"</v>", body)
                count += n
            dst.writestr(info, body)
    return out.getvalue(), count


@pytest.fixture(scope="module")
def recalculated(built_example: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, Path]]:
    """{name: (our workbook, LibreOffice's recalculated copy)}, all converted by one LibreOffice run."""
    assert shutil.which("soffice"), "LibreOffice is required: run the tests with `make test`"
    base = tmp_path_factory.mktemp("lo")
    case = write_case(base / "in" / "2023-01-05-test")
    result = run_papers("build", case, "-o", base / "out", "-j", "1")
    assert result.exit_code == 0, result.output
    ours = {"example": built_example / "budget.xlsx", "case": base / "out" / case.name / "budget.xlsx"}
    inputs = base / "inputs"
    inputs.mkdir()
    shutil.copy(ours["example"], inputs / "as-built.xlsx")
    shutil.copy(ROOT / "templates" / "xlsx" / "budget.xlsx", inputs / "template.xlsx")  # as an officer re-saves it
    for name, path in ours.items():
        data, count = poisoned(path.read_bytes())
        assert count == len(formula_cells(openpyxl.load_workbook(path)))
        (inputs / f"{name}.xlsx").write_bytes(data)
    files = sorted(inputs.iterdir())
    converted = recalculate(files, base / "converted", base / "profile")
    assert all(converted.values()), f"LibreOffice could not open {[f.name for f, o in converted.items() if not o]}"
    pairs = {f.stem: (ours.get(f.stem, ours["example"]), out) for f, out in converted.items()}
    assert set(pairs) == {"as-built", "example", "case", "template"}
    return pairs  # type: ignore[return-value]


def test_libreoffice_opens_the_workbook_as_built(recalculated: dict[str, tuple[Path, Path]]) -> None:
    ours, theirs = recalculated["as-built"]
    mine, read = openpyxl.load_workbook(ours, data_only=True), openpyxl.load_workbook(theirs, data_only=True)
    assert read.sheetnames == mine.sheetnames
    for ws in mine.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert read[ws.title][cell.coordinate].value == cell.value, f"{ws.title}!{cell.coordinate}"


@pytest.mark.parametrize("name", ["example", "case"])
def test_libreoffice_recalculation_equals_our_cached_values(recalculated: dict[str, tuple[Path, Path]],
                                                            name: str) -> None:
    ours, theirs = recalculated[name]
    formulas = formula_cells(openpyxl.load_workbook(ours))
    cached = openpyxl.load_workbook(ours, data_only=True)
    recomputed = openpyxl.load_workbook(theirs, data_only=True)
    assert len(formulas) >= 16
    for sheet, ref in formulas:
        value = recomputed[sheet][ref].value
        assert value != int(SENTINEL), f"{sheet}!{ref}: LibreOffice did not recalculate"
        assert value == pytest.approx(cached[sheet][ref].value, abs=1e-9), f"{sheet}!{ref}: {formulas[sheet, ref]}"


def test_libreoffice_reads_formula_like_names_as_text(recalculated: dict[str, tuple[Path, Path]]) -> None:
    _, theirs = recalculated["case"]
    ws = openpyxl.load_workbook(theirs)["03-awkward"]
    texts = [c for row in ws.iter_rows(min_col=1, max_col=1) for c in row if c.value in INJECTIONS]
    assert sorted(c.value for c in texts) == sorted(INJECTIONS * 2)
    assert all(c.data_type == "s" for c in texts)


def test_a_template_resaved_in_libreoffice_still_gives_the_look(recalculated: dict[str, tuple[Path, Path]],
                                                                tmp_path: Path) -> None:
    _, resaved = recalculated["template"]
    templates = tmp_path / "templates"
    shutil.copytree(ROOT / "templates", templates)
    shutil.copy(resaved, templates / "xlsx" / "budget.xlsx")
    result = run_papers("build", EXAMPLE, "-o", tmp_path / "out", "--templates", templates, "-j", "1")
    assert result.exit_code == 0, result.output
    out = tmp_path / "out" / EXAMPLE.name
    ws = openpyxl.load_workbook(out / "budget.xlsx")["05-central-services"]
    header = blocks(ws)[0]["header_row"]
    assert [c.style for c in ws[header]] == ["papers header"] + ["papers header amount"] * 4
    assert ws[f"A{header}"].fill.fgColor.rgb.endswith("1F3864") and ws[f"A{header}"].font.b
    assert ws.row_dimensions[header].height == 30  # the model sheet's header row height
    assert ws[f"E{header + 3}"].style == "papers disagreement"
    assert ws.page_setup.orientation == "landscape" and ws.sheet_properties.pageSetUpPr.fitToPage
    assert assert_cached_values_are_right(out / "budget.xlsx") == 17
    assert assert_word_and_excel_agree(out) == 40

