"""`papers import DRAFT.docx`: our own papers round-trip; an author's plain Word draft becomes a structured paper."""
from __future__ import annotations

import csv
from pathlib import Path

import pytest

from conftest import CABINET, EXAMPLE, run_papers
from wordread import body_items, cover_cells, norm, open_docx


def _sequence(path: Path) -> list[tuple[str, str]]:
    """(style name, text) of every body paragraph and table cell, in order."""
    return [(item.style, norm(item.text)) for item in body_items(open_docx(path))]


def _import_and_build(docx: Path, tmp_path: Path) -> tuple[Path, str]:
    """Import ``docx`` into a folder of its own and build the result there: (the rebuilt .docx, import output)."""
    folder = tmp_path / docx.stem
    result = run_papers("import", docx, "-o", folder)
    assert result.exit_code == 0, result.output
    md = folder / f"{docx.stem}.md"
    built = run_papers("build", md, "-o", tmp_path / "out")
    assert built.exit_code == 0, built.output
    rebuilt = next((tmp_path / "out").rglob(f"{docx.stem}.docx"))
    return rebuilt, result.output


def _example_papers(meeting: Path) -> list[str]:
    return sorted(p.stem for p in meeting.iterdir() if p.suffix == ".yaml" and p.name != "meeting.yaml")


@pytest.mark.parametrize("stem", _example_papers(EXAMPLE))
def test_every_corporate_os_paper_round_trips(stem: str, built_example: Path, tmp_path: Path) -> None:
    original = built_example / f"{stem}.docx"
    rebuilt, _ = _import_and_build(original, tmp_path)
    assert _sequence(rebuilt) == _sequence(original)
    if (doc := open_docx(original)).tables and doc.tables[0].style.name == "Layout Table":
        assert cover_cells(open_docx(rebuilt)) == cover_cells(doc)


@pytest.mark.parametrize("stem", _example_papers(CABINET))
def test_every_cabinet_paper_round_trips(stem: str, cabinet: tuple[Path, str], tmp_path: Path) -> None:
    original = cabinet[0] / f"{stem}.docx"
    rebuilt, output = _import_and_build(original, tmp_path)
    assert _sequence(rebuilt) == _sequence(original)
    if (doc := open_docx(original)).tables and doc.tables[0].style.name == "Layout Table":
        assert cover_cells(open_docx(rebuilt)) == cover_cells(doc)
    assert f"{stem}.docx: imported, 0 warnings" in output


def test_a_file_that_is_not_a_word_document_is_a_clear_error(tmp_path: Path) -> None:
    text = tmp_path / "notes.docx"
    text.write_text("just text\n")
    result = run_papers("import", text)
    assert result.exit_code == 1
    assert "notes.docx: not a Word document (.docx): open it in Word and save it as a Word Document" in result.output
    assert "Traceback" not in result.output
    old = tmp_path / "old.doc"
    old.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(100))
    result = run_papers("import", old)
    assert result.exit_code == 1 and "old.doc: a Word 97-2003 document (.doc) cannot be read" in result.output
    damaged = tmp_path / "damaged.docx"
    import zipfile
    with zipfile.ZipFile(damaged, "w") as z:
        z.writestr("word/other.xml", "<x/>")
    result = run_papers("import", damaged)
    assert result.exit_code == 1 and "damaged.docx: the Word document is damaged and cannot be read" in result.output
    assert not list(tmp_path.glob("*.md"))


def test_an_existing_paper_is_not_replaced_without_force(built_example: Path, tmp_path: Path) -> None:
    draft = built_example / "05-central-services.docx"
    (tmp_path / "05-central-services-finance-1.csv").write_text("mine\n")
    result = run_papers("import", draft, "-o", tmp_path)
    assert result.exit_code == 1
    assert "05-central-services-finance-1.csv already exists: nothing was written" in result.output
    assert "add --force to replace it" in result.output
    assert not (tmp_path / "05-central-services.md").exists()
    assert (tmp_path / "05-central-services-finance-1.csv").read_text() == "mine\n"
    result = run_papers("import", draft, "-o", tmp_path, "--force")
    assert result.exit_code == 0, result.output
    rows = list(csv.reader((tmp_path / "05-central-services-finance-1.csv").open()))
    assert rows[0] == ["service", "outturn", "budget", "forecast", "variance"]
    assert rows[3] == ["Customer Services", "702", "1094", "965", "-131"]  # printed (131) in the paper
