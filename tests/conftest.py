"""Shared fixtures: the example meeting is built once per session, converted once by LibreOffice."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.cli import main

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "inputs" / "2022-12-08-corporate-os"
CASES = Path(__file__).resolve().parent / "cases"


def run_papers(*args: str) -> "CliRunner.invoke":
    """Run the `papers` command in-process; returns click's Result (exit_code, output)."""
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


@pytest.fixture(scope="session")
def built_example(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """OUT/<meeting> folder of one build of the shipped example (do not modify it)."""
    out = tmp_path_factory.mktemp("out")
    result = run_papers("build", EXAMPLE, "-o", out)
    assert result.exit_code == 0, result.output
    return out / EXAMPLE.name


@pytest.fixture(scope="session")
def example_pdfs(built_example: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """PDFs of every built .docx of the example, from one LibreOffice run: {stem: pdf}."""
    from generator.render.pdf import convert

    assert shutil.which("soffice"), "LibreOffice is required: run the tests with `make test`"
    docs = sorted(built_example.glob("*.docx"))
    pdfs = convert(docs, tmp_path_factory.mktemp("pdf"))
    missing = [d.name for d, p in pdfs.items() if p is None]
    assert not missing, f"LibreOffice failed to convert {missing}"
    return {d.stem: p for d, p in pdfs.items() if p is not None}
