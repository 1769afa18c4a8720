"""How much of each example paper survives `papers import` then `papers build`: for each built example paper,
the word-sequence ratio (difflib.SequenceMatcher over the words of every paragraph and table cell, in order) of
the rebuilt document against the original, and the warnings the importer printed.

Run from the repository root: .venv/bin/python bench/import_ratio.py
"""
from __future__ import annotations

import difflib
import sys
import tempfile
from pathlib import Path

from click.testing import CliRunner
from docx import Document
from docx.oxml.ns import qn

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from generator.cli import main  # noqa: E402

MEETINGS = [ROOT / "inputs" / "2022-12-08-corporate-os", ROOT / "inputs" / "2023-01-18-cabinet"]


def words(path: Path) -> list[str]:
    """Every word of the body's paragraphs and table cells, in document order."""
    body = Document(str(path)).element.body
    return [w for p in body.iter(qn("w:p")) for w in "".join(t.text or "" for t in p.iter(qn("w:t"))).split()]


def run(*args: object) -> str:
    result = CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)
    return result.output


def main_() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        out, imported, rebuilt = Path(tmp, "out"), Path(tmp, "imported"), Path(tmp, "rebuilt")
        for meeting in MEETINGS:
            run("build", meeting, "-o", out, "--pdf")  # --pdf: the appendix PDFs the importer finds
        print(f"{'paper':<36} {'words':>6} {'ratio':>7}  warnings")
        papers = [out / m.name / f"{p.stem}.docx" for m in MEETINGS for p in sorted(m.glob("[0-9]*.yaml"))]
        for docx in papers:
            target = imported / docx.parent.name
            report = run("import", docx, "-o", target)
            warnings = [line.strip() for line in report.splitlines() if line.startswith("      ")]
            run("build", target / f"{docx.stem}.md", "-o", rebuilt / docx.parent.name)
            again = rebuilt / docx.parent.name / target.name / f"{docx.stem}.docx"
            again = again if again.exists() else next((rebuilt / docx.parent.name).rglob(f"{docx.stem}.docx"))
            a, b = words(docx), words(again)
            ratio = difflib.SequenceMatcher(None, a, b, autojunk=False).ratio()
            print(f"{docx.name:<36} {len(a):>6} {ratio:>7.4f}  {len(warnings)}")
            for warning in warnings:
                print(f"    {warning}")


if __name__ == "__main__":
    main_()
