"""Papers written as Markdown documents (NN-name.md) and `papers convert`: the same document either way."""
from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from tests.conftest import ACCEPTANCE, LONE, ROOT, run_papers

MEETINGS = [*sorted((ROOT / "inputs").glob("*/meeting.yaml")), *sorted(ACCEPTANCE.glob("*/meeting.yaml"))]


def _to_markdown(folder: Path) -> list[str]:
    """Convert every paper of a copied meeting folder with `papers convert`, drop the YAML, point the agenda
    at the .md files; the names converted."""
    names = []
    for paper in sorted(folder.glob("*.yaml")):
        if paper.name == "meeting.yaml":
            continue
        result = run_papers("convert", paper)
        assert result.exit_code == 0, result.output
        text = paper.with_suffix(".md").read_text(encoding="utf-8")
        # the bodies are '#' sections of the document, not YAML kept in the front matter
        assert "\n# " in text and not re.search(r"^(sections|introduction|issues_and_options):", text, re.M)
        paper.unlink()
        names.append(paper.stem)
    meeting = folder / "meeting.yaml"
    if meeting.is_file():
        text = meeting.read_text(encoding="utf-8")
        meeting.write_text(re.sub(r"(paper:\s*\S+)\.yaml", r"\1.md", text), encoding="utf-8")
    return names


@pytest.mark.parametrize("meeting", MEETINGS, ids=lambda p: p.parent.name)
def test_every_example_paper_converted_builds_the_same_docx(meeting: Path, tmp_path: Path) -> None:
    yaml_dir, md_dir = tmp_path / "yaml" / meeting.parent.name, tmp_path / "md" / meeting.parent.name
    shutil.copytree(meeting.parent, yaml_dir)
    shutil.copytree(meeting.parent, md_dir)
    names = _to_markdown(md_dir)
    assert names and not list(md_dir.glob("0*.yaml")) and not list(md_dir.glob("1*.yaml"))
    for src, out in ((yaml_dir, tmp_path / "out-yaml"), (md_dir, tmp_path / "out-md")):
        result = run_papers("build", src, "-o", out, "--no-audit", "-j", "1")
        assert result.exit_code == 0, result.output
    built = tmp_path / "out-yaml" / meeting.parent.name
    for name in names:
        assert (built / f"{name}.docx").read_bytes() == \
            (tmp_path / "out-md" / meeting.parent.name / f"{name}.docx").read_bytes(), name
    agendas = sorted(p.name for p in built.glob("*-agenda.docx"))  # the front sheet, named after the meeting
    assert len(agendas) == 1 and agendas[0].startswith(meeting.parent.name[:10]), agendas
    assert (built / agendas[0]).read_bytes() == (tmp_path / "out-md" / meeting.parent.name / agendas[0]).read_bytes()


def test_the_lone_paper_converted_builds_the_same_docx(tmp_path: Path) -> None:
    shutil.copy(LONE, tmp_path / LONE.name)
    result = run_papers("convert", tmp_path / LONE.name)
    assert result.exit_code == 0, result.output
    md = tmp_path / LONE.with_suffix(".md").name
    for paper, out in ((tmp_path / LONE.name, tmp_path / "a"), (md, tmp_path / "b")):
        result = run_papers("build", paper, "-o", out, "--no-audit", "-j", "1")
        assert result.exit_code == 0, result.output
    docx = f"{LONE.stem}.docx"
    assert (tmp_path / "a" / tmp_path.name / docx).read_bytes() == (tmp_path / "b" / tmp_path.name / docx).read_bytes()


def test_convert_refuses_to_overwrite_without_force(tmp_path: Path) -> None:
    paper = tmp_path / LONE.name
    shutil.copy(LONE, paper)
    (tmp_path / LONE.with_suffix(".md").name).write_text("mine", encoding="utf-8")
    result = run_papers("convert", paper)
    assert result.exit_code == 1
    assert "already exists" in result.output and "--force" in result.output
    assert (tmp_path / LONE.with_suffix(".md").name).read_text(encoding="utf-8") == "mine"
    assert run_papers("convert", paper, "--force").exit_code == 0
    assert (tmp_path / LONE.with_suffix(".md").name).read_text(encoding="utf-8").startswith("---\ntemplate:")


MEETING = "committee: Cabinet\ndate: 2023-01-18\nitems:\n  - number: 7\n    paper: {paper}\n"
PORTFOLIO = """---
template: portfolio_report
title: Report of the Cabinet Member for Housing
report_of: Councillor A. Example
recommendations:
  - That the Committee note the report.
---

# Introduction by Cabinet Member

I am pleased to present this report.

# Repairs

Repairs & voids <fast>.

> a quote

```kpis
rows:
  - title: Repairs on time
    current: 97%
    target: 95%
    better: higher
    bogus: 1
```

| Area | Homes |
|---|---|
| North | 10 |
"""


def _meeting(tmp_path: Path, name: str, text: str) -> Path:
    folder = tmp_path / "2023-01-18-cabinet"
    folder.mkdir()
    (folder / "meeting.yaml").write_text(MEETING.format(paper=name), encoding="utf-8")
    (folder / name).write_text(text, encoding="utf-8")
    (folder / "README.md").write_text("# Notes for the clerk\n\nNot a paper.\n", encoding="utf-8")
    return folder


def test_errors_name_the_line_of_the_markdown_file_front_matter_and_fenced_blocks_included(tmp_path: Path) -> None:
    folder = _meeting(tmp_path, "07-housing.md", PORTFOLIO.replace("report_of: Councillor A. Example\n", ""))
    result = run_papers("build", folder, "-o", tmp_path / "out", "--no-audit")
    assert result.exit_code == 1
    # counted by hand in the text above (report_of removed: every line after it moves up one)
    assert "07-housing.md:16: sections[0].body[0]: a block quote ('>') cannot be placed" in result.output
    assert "07-housing.md:24: sections[0].body[1].kpis.rows[0]: unknown field 'bogus'" in result.output
    assert re.search(r"07-housing\.md:\d+: .*report_of", result.output), result.output
    assert "README" not in result.output
    assert not (tmp_path / "out" / folder.name / "07-housing.docx").exists()


def test_a_markdown_paper_builds_with_its_sections_tables_and_kpis(tmp_path: Path) -> None:
    from docx import Document

    text = PORTFOLIO.replace("> a quote\n", "").replace("    bogus: 1\n", "")
    folder = _meeting(tmp_path, "07-housing.md", text)
    result = run_papers("build", folder, "-o", tmp_path / "out", "--no-audit")
    assert result.exit_code == 0, result.output
    assert "07-housing.docx" in result.output and "README" not in result.output
    doc = Document(str(tmp_path / "out" / folder.name / "07-housing.docx"))
    paragraphs = [p.text for p in doc.paragraphs]
    assert "Introduction by Cabinet Member" in paragraphs
    assert any(p.strip().lower() == "repairs" for p in paragraphs)
    assert "Repairs & voids <fast>." in paragraphs
    cells = [[c.text for c in row.cells] for table in doc.tables for row in table.rows]
    assert ["Area", "Homes"] in cells and ["North", "10"] in cells
    assert any("Repairs on time" in row and "97%" in row for row in cells)
    again = run_papers("build", folder, "-o", tmp_path / "out", "--no-audit")
    assert "unchanged 07-housing.docx" in again.output


COMMITTEE = """---
template: committee_report
title: Fees and Charges 2023/24
report_of: Councillor A. Example
wards: All
key_decision: false
accountable_director: {name: K. Jones, title: Corporate Director of Resources}
implications:
  financial: {verified_by: {name: L. Patel, title: Strategic Lead Finance}}
report_author: {name: S. Green, title: Accountant}
---

# 1. Recommendation(s)

- That Cabinet approve the fees
  set out in section 3.

# 2. Introduction and Background

The introduction.

# Issues, Options and Analysis of Options

The options.

# reasons

The reasons.

# Consultation

The consultation.

# Impact on corporate policies, priorities, performance and community impact

The impact.

# Financial implications

The money.
"""


def test_committee_report_headings_name_its_sections_by_title_or_key(tmp_path: Path) -> None:
    from generator.inputs.load import load_paper_file

    folder = _meeting(tmp_path, "07-fees.md", COMMITTEE)
    doc = load_paper_file(folder / "07-fees.md")
    assert doc.data["introduction"] == "The introduction.\n"
    assert doc.data["reasons"] == "The reasons.\n"
    assert doc.data["implications"]["financial"] == {"verified_by": {"name": "L. Patel",
                                                                     "title": "Strategic Lead Finance"},
                                                     "body": "The money.\n"}
    assert doc.data["recommendations"] == ["That Cabinet approve the fees set out in section 3."]
    assert doc.line_of(("recommendations", 0)) == 15
    assert doc.line_of(("implications", "financial", "body")) == 38  # its heading
    assert doc.text_lines[("implications", "financial", "body")] == 40  # its first line of text
    result = run_papers("build", folder, "-o", tmp_path / "out", "--no-audit")
    assert result.exit_code == 0, result.output  # uncleared sign-off: a draft, with warnings
    bad = COMMITTEE.replace("# reasons", "# Reasoning")
    (folder / "07-fees.md").write_text(bad, encoding="utf-8")
    result = run_papers("check", folder)
    assert result.exit_code == 1
    assert "07-fees.md:26: '# Reasoning' is not a section of a committee report" in result.output


def test_a_markdown_paper_without_front_matter_is_an_error_at_line_1(tmp_path: Path) -> None:
    folder = _meeting(tmp_path, "07-housing.md", "# Repairs\n\nText.\n")
    result = run_papers("check", folder)
    assert result.exit_code == 1
    assert "07-housing.md:1: a Markdown paper starts with its front matter" in result.output
    assert "Traceback" not in result.output


def test_a_committee_report_list_section_takes_only_list_items(tmp_path: Path) -> None:
    bad = COMMITTEE.replace("- That Cabinet approve the fees\n", "That Cabinet approve the fees\n")
    folder = _meeting(tmp_path, "07-fees.md", bad)
    result = run_papers("check", folder)
    assert result.exit_code == 1
    assert "07-fees.md:15: under '# Recommendation(s)' each one is a list item: start the line with '- '" \
        in result.output
