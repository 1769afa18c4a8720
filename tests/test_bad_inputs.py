"""Bad input: every problem reported at once, exactly, located in the file; no file for a bad paper.

Each folder under tests/cases/ is one kind of error: a meeting (meeting.yaml, a good paper
01-good.yaml and a bad one 02-bad.yaml, with their data files), or lone papers carrying
their own `meeting:` block. `expected.txt` holds the exact problem lines, in order.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from conftest import CASES, problems_under, run_papers

CASE_DIRS = sorted(d for d in CASES.iterdir() if (d / "expected.txt").is_file())


def case_args(case: Path) -> list[Path]:
    """A meeting folder is passed as itself; lone papers file by file."""
    if (case / "meeting.yaml").is_file():
        return [case]
    return sorted(case.glob("*.yaml"))


def problem_lines(output: str) -> list[str]:
    """The problem lines of a report: indented under their paper, or labelled as the meeting's own."""
    return [line.strip().removeprefix("meeting").strip() for line in output.splitlines()
            if line.startswith(("      ", "  meeting  "))]


def expected(case: Path) -> list[str]:
    return [line for line in (case / "expected.txt").read_text(encoding="utf-8").splitlines() if line.strip()]


def test_there_is_a_case_for_every_kind_of_error() -> None:
    kinds = {d.name for d in CASE_DIRS}
    assert {"unknown-field", "missing-field", "wrong-type", "yaml-syntax", "duplicate-key", "finance-tbc-yaml",
            "finance-tbc-csv", "missing-csv", "csv-missing-column", "unknown-template", "markdown-unplaceable",
            "exempt-without-reason", "unknown-block", "several-problems"} <= kinds


@pytest.mark.parametrize("case", CASE_DIRS, ids=lambda d: d.name)
def test_check_reports_exactly_the_expected_problems(case: Path) -> None:
    result = run_papers("check", *case_args(case))
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    assert problem_lines(result.output) == expected(case), result.output
    assert "  failed    02-bad.yaml" in result.output.splitlines()
    assert "  checked   01-good.yaml" in result.output.splitlines()
    assert not any(p.suffix in (".docx", ".xlsx", ".pdf") for p in case.iterdir())


@pytest.mark.parametrize("case", CASE_DIRS, ids=lambda d: d.name)
def test_build_reports_the_same_and_writes_no_file_for_the_bad_paper(case: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = run_papers("build", *case_args(case), "-o", out, "-j", "1")
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    # the paper's own problems, exactly; meeting-level notes (e.g. about the workbook) may follow them
    want = expected(case)
    got = problems_under(result.output, "02-bad.yaml")
    assert got[:len(want)] == want, result.output
    assert not [line for line in got[len(want):] if line.startswith("02-bad")], result.output
    assert problems_under(result.output, "01-good.docx") == []
    assert "  failed    02-bad.yaml" in result.output.splitlines()
    written = out / case.name
    assert (written / "01-good.docx").is_file(), "the good paper of the meeting still builds"
    names = sorted(p.name for p in written.iterdir())
    assert not [n for n in names if n.startswith("02-bad") or n.startswith(".02-bad")], names
    assert not [n for n in names if n.endswith(".tmp")], names
    assert "1 failed" in result.output.splitlines()[-1]


def test_a_folder_without_expected_problems_is_not_a_case() -> None:
    stray = [d.name for d in CASES.iterdir() if d.is_dir() and not (d / "expected.txt").is_file()]
    assert not stray, f"case folders without expected.txt: {stray}"


# -- usage errors ------------------------------------------------------------------------

@pytest.mark.parametrize("command", ["build", "check"])
def test_a_path_that_does_not_exist_is_a_usage_error(command: str, tmp_path: Path) -> None:
    missing = tmp_path / "no-such-meeting"
    result = run_papers(command, missing, *(["-o", tmp_path / "out"] if command == "build" else []))
    assert result.exit_code == 2, result.output
    assert f"{missing}: no such file or folder" in result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("args", [["build", "--no-such-option"], ["check", "-j", "2"], ["nonsense"]])
def test_bad_options_are_usage_errors(args: list[str]) -> None:
    result = run_papers(*args)
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output


def test_a_folder_without_meetings_and_a_non_paper_file_are_usage_errors(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("not a paper")
    for target, message in ((tmp_path, "no meeting.yaml here or in any folder below"),
                            (tmp_path / "notes.txt", "not a paper file")):
        result = run_papers("check", target)
        assert result.exit_code == 2, result.output
        assert message in result.output
        assert "Traceback" not in result.output


# -- inputs that are not what they seem ---------------------------------------------------

@pytest.mark.parametrize("content, line", [
    (b"\xff\xfe not utf-8", "02-bad.yaml: not UTF-8 text (invalid start byte)"),
    (b"- a list\n- not a mapping\n", "02-bad.yaml:1: a paper must be a mapping of fields"),
    (b"", "02-bad.yaml: missing required field 'template'"),
    (b"template: [portfolio_report]\n", "02-bad.yaml:1: template: expected a template name, got a list"),
    (b"template: portfolio_report\n<<: {title: merged}\n", "02-bad.yaml:2: YAML merge keys ('<<') are not supported"),
    # no "did you mean" that names the same field
    (b"template: portfolio_report\nfinance: {finance: {columns: {budget: B}, rows: []}, extra: 1}\n",
     "02-bad.yaml:2: finance: unknown field 'finance'"),
    (b"template: portfolio_report\nsections: [{title: a, body: [{table: {rows: []}}]}]\n",
     "02-bad.yaml:2: sections[0].body[0].table.rows: a table needs at least one column"),
])
def test_odd_files_are_reported_not_crashed_on(tmp_path: Path, content: bytes, line: str) -> None:
    paper = tmp_path / "02-bad.yaml"
    paper.write_bytes(content)
    result = run_papers("check", paper)
    assert result.exit_code == 1, result.output
    assert line in problem_lines(result.output), result.output
    assert "Traceback" not in result.output


def test_a_broken_meeting_yaml_fails_every_paper_with_its_problems(tmp_path: Path) -> None:
    case = CASES / "unknown-field"
    meeting = tmp_path / "meeting"
    meeting.mkdir()
    (meeting / "01-good.yaml").write_bytes((case / "01-good.yaml").read_bytes())
    (meeting / "meeting.yaml").write_text("committee: Corporate O&S\ndate: 8 December 2022\ndate: 2022-12-08\n"
                                          "items:\n  - number: 1\n    paper: 01-good.yaml\n  - number: 2\n"
                                          "    paper: 02-missing.yaml\n")
    result = run_papers("build", meeting, "-o", tmp_path / "out", "-j", "1")
    assert result.exit_code == 1, result.output
    lines = problem_lines(result.output)
    assert "meeting.yaml:2: date: expected a date like 2022-12-08, got '8 December 2022'" in lines
    assert "meeting.yaml:3: date: duplicate field 'date' (first given on line 2)" in lines
    assert not (tmp_path / "out" / "meeting" / "01-good.docx").exists()
    assert "Traceback" not in result.output
