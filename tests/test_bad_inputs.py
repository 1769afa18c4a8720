"""Bad input: every problem reported at once, exactly, located in the file; no file for a bad paper.

Each folder under tests/cases/ is one kind of error: a meeting (meeting.yaml, a good paper
01-good.yaml and a bad one 02-bad.yaml, with their data files), or lone papers carrying
their own `meeting:` block. `expected.txt` holds the exact problem lines, in order.
"""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import CASES, problems_under, run_papers

CASE_DIRS = sorted(d for d in CASES.iterdir() if (d / "expected.txt").is_file())


def case_args(case: Path) -> list[Path]:
    """A meeting folder is passed as itself; lone papers file by file."""
    if (case / "meeting.yaml").is_file():
        return [case]
    return sorted(case.glob("*.yaml"))


WORKBOOK_NOT_WRITTEN = ("budget.xlsx: warning: not written: a paper of the meeting has errors, and the workbook "
                        "would lack its figures")


def problem_lines(output: str) -> list[str]:
    """The problem lines of a report: indented under their paper, or labelled as the meeting's own; without
    the note that the workbook is not written, which build and check both add when a paper with finance fails."""
    return [line.strip().removeprefix("meeting").strip() for line in output.splitlines()
            if line.startswith(("      ", "  meeting  ")) and line.strip() != f"meeting   {WORKBOOK_NOT_WRITTEN}"]


def expected(case: Path) -> list[str]:
    return [line for line in (case / "expected.txt").read_text(encoding="utf-8").splitlines() if line.strip()]


def test_there_is_a_case_for_every_kind_of_error() -> None:
    kinds = {d.name for d in CASE_DIRS}
    assert {"unknown-field", "missing-field", "wrong-type", "yaml-syntax", "duplicate-key", "finance-tbc-yaml",
            "finance-tbc-csv", "missing-csv", "csv-missing-column", "unknown-template", "markdown-unplaceable",
            "exempt-without-reason", "unknown-block", "several-problems", "csv-duplicate-column",
            "csv-unquoted-thousands", "csv-semicolons", "sheet-with-csv", "amount-too-large", "yaml-control-character",
            "yaml-tab-indent", "empty-and-null-values", "exempt-with-blank-reason", "committee-missing-appendix",
            "committee-image-without-alt", "committee-key-decision-without-forward-plan",
            "committee-unknown-implication", "committee-verified-by-without-name", "ledger-header-not-found",
            "ledger-amount-column-not-found", "ledger-unmapped-code", "ledger-formula-not-calculated",
            "ledger-map-duplicate-code"} <= kinds


def warnings_only(case: Path) -> bool:
    """A case whose expected problems are all warnings: the paper still builds (`--strict` fails it)."""
    return all(": warning: " in line for line in expected(case))


ERROR_CASES = [d for d in CASE_DIRS if not warnings_only(d)]
WARNING_CASES = [d for d in CASE_DIRS if warnings_only(d)]


@pytest.mark.parametrize("case", ERROR_CASES, ids=lambda d: d.name)
def test_check_reports_exactly_the_expected_problems(case: Path) -> None:
    result = run_papers("check", *case_args(case))
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    assert problem_lines(result.output) == expected(case), result.output
    assert "  failed    02-bad.yaml" in result.output.splitlines()
    assert "  checked   01-good.yaml" in result.output.splitlines()
    # nothing is written beside the inputs (a case's own appendix files are inputs)
    assert not any(p.suffix in (".docx", ".xlsx", ".pdf") and p.stem in ("01-good", "02-bad", "budget", "agenda")
                   for p in case.iterdir())


@pytest.mark.parametrize("case", WARNING_CASES, ids=lambda d: d.name)
def test_a_warning_case_builds_with_its_warnings_and_fails_with_strict(case: Path, tmp_path: Path) -> None:
    result = run_papers("build", *case_args(case), "-o", tmp_path / "out", "-j", "1")
    assert result.exit_code == 0, result.output
    assert problems_under(result.output, "02-bad.docx") == expected(case), result.output
    assert (tmp_path / "out" / case.name / "02-bad.docx").is_file()
    strict = run_papers("check", "--strict", *case_args(case))
    assert strict.exit_code == 1, strict.output
    assert problem_lines(strict.output) == [line.replace(": warning: ", ": ") for line in expected(case)]
    assert "  failed    02-bad.yaml" in strict.output.splitlines()


@pytest.mark.parametrize("case", ERROR_CASES, ids=lambda d: d.name)
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
    # 0x81 and 0x8D are in no Windows-1252 text: no encoding we read fits
    (b"template: x\ntitle: \x81\x8d\n", "02-bad.yaml:2: not UTF-8 text, nor Windows-1252 or UTF-16: save the file "
                                          "as UTF-8 (in Notepad: Save As, Encoding UTF-8)"),
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


# -- meeting.yaml: problems of the agenda itself --------------------------------------------

AGENDA_HEAD = "committee: Corporate Overview and Scrutiny Committee\ndate: 2022-12-08\nitems:\n"


@pytest.mark.parametrize("items, line", [
    ("  - number: 1\n    paper: 01-good.yaml\n  - number: 2\n    paper: 01-good.yaml\n",
     "meeting.yaml:7: items[1].paper: 01-good.yaml is already on the agenda as item 1 (line 5)"),
    ("  - number: 1\n    paper: 01-good.yaml\n  - number: 1\n    title: Work Programme\n",
     "meeting.yaml:6: items[1].number: item 1 is already on the agenda (items[0], line 4)"),
    ("  - number: 1\n    paper: 01-good.yaml\n  - number: 2\n    paper: meeting.yaml\n",
     "meeting.yaml:7: items[1].paper: 'meeting.yaml' is not a paper: a paper is a .yaml file beside meeting.yaml"),
    ("  - number: 1\n    paper: 01-good.yaml\n  - number: 2\n    paper: 01-good.csv\n",
     "meeting.yaml:7: items[1].paper: '01-good.csv' is not a paper: a paper is a .yaml file beside meeting.yaml"),
    ("  - number: 1\n    paper: 01-good.yaml\n  - number: 2\n    paper: papers/02.yaml\n",
     "meeting.yaml:7: items[1].paper: 'papers/02.yaml': give the file name of a paper in this folder, without a "
     "folder"),
    ("  - number:\n    paper: 01-good.yaml\n", "meeting.yaml:4: items[0].number: expected text, got nothing"),
], ids=["paper-listed-twice", "number-twice", "meeting-yaml-as-paper", "csv-as-paper", "paper-in-a-folder",
        "number-empty"])
def test_agenda_problems_are_located_in_meeting_yaml(tmp_path: Path, items: str, line: str) -> None:
    meeting = tmp_path / "meeting"
    meeting.mkdir()
    (meeting / "01-good.yaml").write_bytes((CASES / "unknown-field" / "01-good.yaml").read_bytes())
    (meeting / "01-good.csv").write_text("service,budget\n", encoding="utf-8")
    (meeting / "meeting.yaml").write_text(AGENDA_HEAD + items, encoding="utf-8")
    result = run_papers("build", meeting, "-o", tmp_path / "out", "-j", "1")
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    assert line in problem_lines(result.output), result.output
    # a paper listed twice is still built, once
    assert [s for s in result.output.splitlines() if "01-good" in s and s.split()[:1] in (["built"], ["failed"])
            ] == (["  built     01-good.docx  (new)"] if "number:\n" not in items else ["  failed    01-good.yaml"])


@pytest.mark.parametrize("date, message", [
    ("2022-12-08 19:00", "expected a date like 2022-12-08, got '2022-12-08 19:00'"),
    ("8/12/2022", "expected a date like 2022-12-08, got '8/12/2022'"),
    ("2022-13-01", "2022-13-01: there is no month 13 (the form is year-month-day, like 2022-12-08)"),
    ("2023-02-30", "2023-02-30: that date does not exist (February 2023 has 28 days)"),
    ("2024-02-30", "2024-02-30: that date does not exist (February 2024 has 29 days)"),
    ("2023-04-31", "2023-04-31: that date does not exist (April 2023 has 30 days)"),
    ("0222-12-08", "the year 222 is not a meeting year: give a date between 1900 and 2100, like 2022-12-08"),
    ("2202-12-08", "the year 2202 is not a meeting year: give a date between 1900 and 2100, like 2022-12-08"),
])
def test_an_impossible_meeting_date_is_reported_at_its_line(tmp_path: Path, date: str, message: str) -> None:
    meeting = tmp_path / "meeting"
    meeting.mkdir()
    (meeting / "01-good.yaml").write_bytes((CASES / "unknown-field" / "01-good.yaml").read_bytes())
    (meeting / "meeting.yaml").write_text(AGENDA_HEAD.replace("2022-12-08", date)
                                          + "  - number: 1\n    paper: 01-good.yaml\n", encoding="utf-8")
    result = run_papers("check", meeting)
    assert result.exit_code == 1, result.output
    assert f"meeting.yaml:2: date: {message}" in problem_lines(result.output)
    assert "Traceback" not in result.output


def test_an_xlsx_source_without_the_named_sheet(tmp_path: Path) -> None:
    import openpyxl

    meeting = tmp_path / "meeting"
    shutil.copytree(CASES / "csv-missing-column", meeting)
    (meeting / "02-bad-finance.csv").unlink()
    (meeting / "expected.txt").unlink()
    wb = openpyxl.Workbook()
    wb.active.title = "Q2"
    wb.active.append(["service", "budget", "forecast", "variance"])
    wb.create_sheet("Notes")
    wb.save(meeting / "02-bad-finance.xlsx")
    paper = meeting / "02-bad.yaml"
    text = paper.read_text(encoding="utf-8")
    paper.write_text(text.replace("source: 02-bad-finance.csv", "source: 02-bad-finance.xlsx\n    sheet: Q3"),
                     encoding="utf-8")
    result = run_papers("check", meeting)
    assert result.exit_code == 1, result.output
    assert problem_lines(result.output) == [
        "02-bad.yaml:15: finance.finance.source: cannot read 02-bad-finance.xlsx: no sheet named 'Q3' "
        "(sheets: Q2, Notes)"]
    # as build does, check says the workbook would lack the paper's figures
    assert f"  meeting   {WORKBOOK_NOT_WRITTEN}" in result.output.splitlines()


def test_two_meeting_folders_of_the_same_name_are_a_usage_error(tmp_path: Path) -> None:
    # outputs go to OUT/<meeting folder name>: they would overwrite each other's agenda and workbook
    for committee in ("corporate", "housing"):
        meeting = tmp_path / "in" / committee / "2023-03-14"
        meeting.mkdir(parents=True)
        (meeting / "01-good.yaml").write_bytes((CASES / "unknown-field" / "01-good.yaml").read_bytes())
        (meeting / "meeting.yaml").write_text(AGENDA_HEAD + "  - number: 1\n    paper: 01-good.yaml\n",
                                              encoding="utf-8")
    result = run_papers("build", tmp_path / "in", "-o", tmp_path / "out")
    assert result.exit_code == 2, result.output
    assert (f"{tmp_path / 'in' / 'corporate' / '2023-03-14'} and {tmp_path / 'in' / 'housing' / '2023-03-14'} "
            f"would both be written to {tmp_path / 'out' / '2023-03-14'}") in result.output
    assert not (tmp_path / "out").exists()
    assert run_papers("check", tmp_path / "in").exit_code == 0  # checking writes nothing: no clash
