"""`papers new meeting` and `papers new paper`: starting files that build as they are."""
from __future__ import annotations

from pathlib import Path

from generator.papers import NAMES
from tests.conftest import run_papers


def test_a_new_meeting_and_a_paper_of_each_type_build_as_they_are(tmp_path: Path) -> None:
    folder = tmp_path / "inputs" / "2023-01-18-cabinet"
    result = run_papers("new", "meeting", folder, "--committee", "Cabinet", "--date", "2023-01-18")
    assert result.exit_code == 0, result.output
    meeting = (folder / "meeting.yaml").read_text(encoding="utf-8")
    assert "committee: Cabinet" in meeting and "date: 2023-01-18" in meeting
    names = {"portfolio_report": "07-housing", "briefing_note": "08-homelessness", "committee_report": "09-fees"}
    assert set(names) == set(NAMES)  # a new paper type needs its starting file too
    for template, name in names.items():
        result = run_papers("new", "paper", folder, name, "--type", template)
        assert result.exit_code == 0, result.output
        text = (folder / f"{name}.md").read_text(encoding="utf-8")
        assert text.startswith(f"---\ntemplate: {template}")
        front = text.split("---\n")[1]
        # every field is explained: each line of the front matter carries a comment
        assert all("#" in line for line in front.splitlines() if line.strip() and not line.startswith("  - ")), front
    meeting = (folder / "meeting.yaml").read_text(encoding="utf-8")
    assert "  - number: 7\n    paper: 07-housing.md\n  - number: 8\n    paper: 08-homelessness.md\n" in meeting
    result = run_papers("build", folder, "-o", tmp_path / "out", "--no-audit")
    assert result.exit_code == 0, result.output
    for name in names.values():
        assert f"built     {name}.docx" in result.output
    assert "built     2023-01-18-cabinet-agenda.docx" in result.output  # its date and short name


def test_new_refuses_to_overwrite(tmp_path: Path) -> None:
    folder = tmp_path / "m"
    assert run_papers("new", "meeting", folder, "--committee", "Cabinet", "--date", "2023-01-18").exit_code == 0
    again = run_papers("new", "meeting", folder, "--committee", "Other", "--date", "2023-01-19")
    assert again.exit_code == 1 and "already exists" in again.output
    assert "committee: Cabinet" in (folder / "meeting.yaml").read_text(encoding="utf-8")
    assert run_papers("new", "paper", folder, "07-housing", "--type", "briefing_note").exit_code == 0
    (folder / "07-housing.md").write_text("mine", encoding="utf-8")
    again = run_papers("new", "paper", folder, "07-housing", "--type", "briefing_note")
    assert again.exit_code == 1 and "already exists" in again.output
    assert (folder / "07-housing.md").read_text(encoding="utf-8") == "mine"
