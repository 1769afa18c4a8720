"""Inputs that YAML, Word or Notepad change behind the author's back, and hostile inputs: each is a
message at its line (issues 9, 14 and 16); expectations are written from the inputs below."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from conftest import CASES, problems_under, run_papers
from test_bad_inputs import problem_lines

GOOD = (CASES / "unknown-field" / "01-good.yaml").read_text(encoding="utf-8")
BARE_MEETING = ("committee: Corporate Overview and Scrutiny Committee\nshort_name: Corporate O&S\ndate: 2022-12-08\n"
                "items:\n  - number: 1\n    paper: 01-good.yaml\n  - number: 2\n    paper: 02-paper.yaml\n")
# with the front sheet's fields (else a warning), after the items so that the lines above keep their numbers
MEETING = BARE_MEETING + ('time: "19:00"\nvenue: Council Chamber\nmembership: [{name: Councillor A. Member}]\n'
                          "contact: {name: A. Clerk}\n")
PAPER = """\
template: portfolio_report
title: Report of the Cabinet Member for Testing
report_of: Councillor A. Tester, Cabinet Member for Testing
sections:
  - title: Information Technology
    body: |
      The IT department provides the technical infrastructure.
"""


def meeting_with(folder: Path, paper: str | bytes, meeting: str = MEETING) -> Path:
    """A meeting folder with a good paper and ``paper`` as 02-paper.yaml."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "meeting.yaml").write_text(meeting, encoding="utf-8")
    (folder / "01-good.yaml").write_text(GOOD, encoding="utf-8")
    target = folder / "02-paper.yaml"
    target.write_bytes(paper if isinstance(paper, bytes) else paper.encode("utf-8"))
    return folder


# -- encodings (9.9) -------------------------------------------------------------------------

@pytest.mark.parametrize("codec, bom, message", [
    ("cp1252", b"", "02-paper.yaml:2: warning: not UTF-8 text: read as Windows-1252 (as Excel and Notepad save it); "
                    "check the characters on this line and save the file as UTF-8"),
    ("utf-16-le", b"\xff\xfe", "02-paper.yaml: warning: saved as UTF-16 text, read as such: save it as UTF-8 "
                               "(in Notepad: Save As, Encoding UTF-8)"),
    ("utf-16-be", b"\xfe\xff", "02-paper.yaml: warning: saved as UTF-16 text, read as such: save it as UTF-8 "
                               "(in Notepad: Save As, Encoding UTF-8)"),
    ("utf-8", b"\xef\xbb\xbf", None),  # UTF-8 with a BOM (Notepad) is UTF-8: no warning
])
def test_files_saved_by_windows_editors_are_read_with_a_warning(tmp_path: Path, codec: str, bom: bytes,
                                                               message: str | None) -> None:
    paper = PAPER.replace("Testing\nreport_of", "Testing – £2m café\nreport_of")
    folder = meeting_with(tmp_path / "m", bom + paper.encode(codec))
    result = run_papers("build", folder, "-o", tmp_path / "out", "-j", "1")
    assert result.exit_code == 0, result.output
    assert problems_under(result.output, "02-paper.docx") == ([message] if message else [])
    from docx import Document

    body = Document(tmp_path / "out" / "m" / "02-paper.docx").element.body
    assert "Report of the Cabinet Member for Testing – £2m café" in "".join(body.itertext())


# -- choices in any case (9.9) ------------------------------------------------------------------

def test_choices_are_accepted_in_any_case(tmp_path: Path) -> None:
    paper = PAPER.replace("template: portfolio_report", "template: Portfolio_Report") + (
        "status: Exempt\nexempt_reason: Paragraph 3 of Schedule 12A\n"
        "  - kpis:\n".replace("  - kpis:\n", ""))
    paper = paper.replace("""    body: |
      The IT department provides the technical infrastructure.
""", """    body:
      - kpis:
          better: Higher
          rows:
            - title: Calls answered
              current: 97%
              target: 85%
            - title: Complaints
              better: LOWER
              current: "12"
              target: "10"
""")
    result = run_papers("check", meeting_with(tmp_path / "m", paper))
    assert result.exit_code == 0, result.output
    assert "  checked   02-paper.yaml" in result.output.splitlines()


def test_an_exempt_paper_in_capitals_still_needs_its_reason(tmp_path: Path) -> None:
    result = run_papers("check", meeting_with(tmp_path / "m", PAPER + "status: EXEMPT\n"))
    assert result.exit_code == 1, result.output
    assert problem_lines(result.output) == ["02-paper.yaml:8: status: 'status: exempt' requires 'exempt_reason'"]


# -- data files stay inside the meeting folder (16.4) ---------------------------------------------

FINANCE = """finance:
  finance:
    columns:
      budget: Budget
    source: {source}
"""


def test_a_link_to_a_file_outside_the_folder_is_refused_without_reading_it(tmp_path: Path) -> None:
    secret = tmp_path / "elsewhere" / "salaries.csv"
    secret.parent.mkdir()
    secret.write_text("service,budget\nChief Executive SECRET-SALARY,180000\n", encoding="utf-8")
    folder = meeting_with(tmp_path / "m", PAPER + FINANCE.format(source="finance.csv"))
    os.symlink(secret, folder / "finance.csv")
    result = run_papers("build", folder, "-o", tmp_path / "out", "-j", "1")
    assert result.exit_code == 1, result.output
    assert problems_under(result.output, "02-paper.yaml") == [
        "02-paper.yaml:12: finance.finance.source: finance.csv is outside the meeting folder: put the file beside "
        "the paper and give its file name"]
    assert "SECRET" not in result.output and "Chief Executive" not in result.output
    assert not (tmp_path / "out" / "m" / "02-paper.docx").exists()


def test_a_link_inside_the_folder_and_a_subfolder_are_fine(tmp_path: Path) -> None:
    folder = meeting_with(tmp_path / "m", PAPER + FINANCE.format(source="data/finance.csv"))
    (folder / "data").mkdir()
    (folder / "data" / "q2.csv").write_text("service,budget\nStrategy,330\n", encoding="utf-8")
    os.symlink(folder / "data" / "q2.csv", folder / "data" / "finance.csv")
    result = run_papers("check", folder)
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize("source", ["../salaries.csv", "C:\\Finance\\salaries.csv", "\\\\fileserver\\finance\\q2.csv",
                                    "data/../../salaries.csv"])
def test_paths_that_leave_a_lone_papers_folder_are_refused(tmp_path: Path, source: str) -> None:
    (tmp_path / "salaries.csv").write_text("service,budget\nSECRET,1\n", encoding="utf-8")
    paper = tmp_path / "lone" / "02-paper.yaml"
    paper.parent.mkdir()
    paper.write_text(PAPER + "meeting:\n  committee: Cabinet\n  date: 2023-01-18\n"
                     + FINANCE.format(source=f"'{source}'"), encoding="utf-8")
    result = run_papers("check", paper)
    assert result.exit_code == 1, result.output
    assert problem_lines(result.output) == [
        f"02-paper.yaml:15: finance.finance.source: {source} is outside the paper's folder: put the file beside "
        "the paper and give its file name"]
    assert "SECRET" not in result.output


def test_a_data_file_in_another_case_is_suggested(tmp_path: Path) -> None:
    folder = meeting_with(tmp_path / "m", PAPER + FINANCE.format(source="finance.csv"))
    (folder / "Finance.CSV").write_text("service,budget\nStrategy,330\n", encoding="utf-8")
    result = run_papers("check", folder)
    assert problem_lines(result.output) == [
        "02-paper.yaml:12: finance.finance.source: data file not found: finance.csv (did you mean Finance.CSV?)"]


# -- hostile YAML (16.6) -----------------------------------------------------------------------

def billion_laughs() -> str:
    text = 'title: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
    previous = "a"
    for name in "bcdefghij":
        text += f"{name}: &{name} [" + ",".join(["*" + previous] * 9) + "]\n"
        previous = name
    return "template: portfolio_report\n" + text


def test_an_alias_bomb_is_refused_at_its_lines(tmp_path: Path) -> None:
    result = run_papers("check", meeting_with(tmp_path / "m", billion_laughs()))
    assert result.exit_code == 1, result.output
    lines = problem_lines(result.output)
    assert lines[0] == ("02-paper.yaml:2: '&a' is a YAML anchor: papers do not use anchors and aliases; remove it, "
                        "or put a value that starts with '&' in quotes")
    assert lines[1] == ("02-paper.yaml:3: '&b' is a YAML anchor: papers do not use anchors and aliases; remove it, "
                        "or put a value that starts with '&' in quotes")
    assert lines[2] == ("02-paper.yaml:3: '*a' is a YAML alias (a repeat of another part of the file): papers do not "
                        "use aliases; write the text out in full, or put a value that starts with '*' in quotes")
    assert len(lines) == 20  # the first twenty of thousands


def test_a_recursive_alias_is_refused(tmp_path: Path) -> None:
    result = run_papers("check", meeting_with(tmp_path / "m", "template: portfolio_report\nsections: &s [*s]\n"))
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    assert problem_lines(result.output)[-1].startswith("02-paper.yaml:2: '*s' is a YAML alias")


@pytest.mark.parametrize("depth, line", [(41, 2), (900, 2), (5000, 2)])
def test_deep_nesting_is_refused_naming_the_limit(tmp_path: Path, depth: int, line: int) -> None:
    paper = "template: portfolio_report\nsections: " + "[" * depth + "]" * depth + "\n"
    result = run_papers("check", meeting_with(tmp_path / "m", paper))
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    assert problem_lines(result.output) == [
        f"02-paper.yaml:{line}: lists or mappings nested more than 40 deep: a paper needs only a few levels"]


def test_deep_block_nesting_is_refused(tmp_path: Path) -> None:
    paper = "template: portfolio_report\nsections:\n" + "".join(" " * i + "- \n" for i in range(60))
    result = run_papers("check", meeting_with(tmp_path / "m", paper))
    assert result.exit_code == 1, result.output
    assert problem_lines(result.output)[0].endswith("lists or mappings nested more than 40 deep: a paper needs "
                                                    "only a few levels")


def test_a_huge_file_is_refused_by_its_size(tmp_path: Path) -> None:
    paper = PAPER + "# " + "x" * 2_100_000 + "\n"
    result = run_papers("check", meeting_with(tmp_path / "m", paper))
    assert result.exit_code == 1, result.output
    assert problem_lines(result.output) == [
        "02-paper.yaml: the file is 2.1 MB: a paper or meeting.yaml may be at most 2 MB (is it the right file?)"]


# -- meeting.yaml: all problems in one run (16.11) ------------------------------------------------

def test_a_wrong_meeting_date_hides_neither_its_other_problems_nor_the_papers(tmp_path: Path) -> None:
    folder = meeting_with(tmp_path / "m", PAPER + FINANCE.format(source="finance.csv"),
                          meeting=BARE_MEETING.replace("2022-12-08", "2022-12-32").replace("short_name", "shortname")
                          + "  - number: 3\n    paper: 03-missing.yaml\n")
    (folder / "finance.csv").write_text("service,budget\nStrategy,TBC\n", encoding="utf-8")
    result = run_papers("build", folder, "-o", tmp_path / "out", "-j", "1")
    assert result.exit_code == 1, result.output
    lines = problem_lines(result.output)
    assert "meeting.yaml:2: unknown field 'shortname' (did you mean 'short_name'?)" in lines
    assert "meeting.yaml:3: date: 2022-12-32: that date does not exist (December 2022 has 31 days)" in lines
    assert "meeting.yaml:10: items[2].paper: paper file not found: 03-missing.yaml" in lines
    assert "finance.csv:2:2: budget: expected a number, got 'TBC'" in problems_under(result.output, "02-paper.yaml")
    assert "meeting.yaml: not built: meeting.yaml has errors (see the meeting lines below)" in problems_under(result.output,
                                                                                          "01-good.yaml")
    assert not (tmp_path / "out" / "m").exists() or not list((tmp_path / "out" / "m").glob("*.docx"))


def test_an_unreadable_meeting_yaml_still_lets_the_papers_be_checked(tmp_path: Path) -> None:
    folder = meeting_with(tmp_path / "m", PAPER + "titel: typo\n", meeting='committee: "Cabinet\ndate: 2022-12-08\n')
    result = run_papers("check", folder)
    assert result.exit_code == 1, result.output
    lines = problem_lines(result.output)
    assert 'meeting.yaml:1: the quote " opened here is never closed: add a closing " at the end of the text' in lines
    assert "02-paper.yaml:8: unknown field 'titel' (did you mean 'title'?)" in lines
    # the paper is in a meeting folder: it is not asked for a meeting block of its own
    assert not [line for line in lines if "missing required field 'meeting'" in line]


@pytest.mark.parametrize("date, message", [
    ("2023-02-29", "2023-02-29: that date does not exist (February 2023 has 28 days)"),
    ("222-12-08", "the year 222 is not a meeting year: give a date between 1900 and 2100, like 2022-12-08"),
])
def test_a_lone_papers_meeting_date_is_checked_too(tmp_path: Path, date: str, message: str) -> None:
    paper = tmp_path / "02-paper.yaml"
    paper.write_text(PAPER + f"meeting:\n  committee: Cabinet\n  date: {date}\n", encoding="utf-8")
    result = run_papers("check", paper)
    assert problem_lines(result.output) == [f"02-paper.yaml:10: meeting.date: {message}"]


# -- YAML mistakes named where they can be fixed (9.9, 14) ------------------------------------------

@pytest.mark.parametrize("paper, lines", [
    # a Markdown heading in a body without '|'; the heading is the last line of the body: YAML drops it without an error
    ("template: portfolio_report\ntitle: T\nreport_of: A\nsections:\n  - title: A\n    body: Intro text\n"
     "      ## Heading\n  # a note of the author's, not indented under the body\n",
     ["02-paper.yaml:7: sections[0].body: this '#' line is dropped (in a body that does not start with |, YAML "
      "reads it as a comment): start the body with | (body: |) and indent the text below it"]),
    # text follows the heading: YAML then stops at it
    ("template: portfolio_report\ntitle: T\nreport_of: A\nsections:\n  - title: A\n    body: Intro text\n"
     "      ## Heading\n      More text\n",
     ["02-paper.yaml:8: body: a '#' heading in a body that does not start with | is read by YAML as a comment, and "
      "the text after it as more fields: start the body with | (body: |) and indent the text below it"]),
    # a quote closed only by the quote of a later value: YAML stumbles further down
    ('template: portfolio_report\ntitle: "Report of the Cabinet Member\nreport_of: A\nsections:\n'
     '  - title: "Information Technology"\n    body: x\n',
     ['02-paper.yaml:2: the quote " opened here is not closed on this line: if the text ends here, add a closing "',
      "02-paper.yaml:5: invalid YAML: did not find expected key (after the quote opened on line 2)"]),
    ("template: portfolio_report\nsections:\n  - title: A\n    body: x\n   - title: B\n    body: y\n",
     ["02-paper.yaml:5: this '-' is not lined up with the '-' of the items above it: indent it by 2 spaces, "
      "as they are"]),
    ("template: portfolio_report\nrecommendations:\n  - 'That the Leader's report be noted'\n",
     ["02-paper.yaml:3: an apostrophe inside '...' ends the text: write it twice ('') or use double quotes: "
      "\"That the Leader's report be noted\""]),
    ("template: portfolio_report\ntitle: \u201cBudget: 2023\u201d\n",
     ["02-paper.yaml:2: title: ': ' inside a value that is not in quotes (YAML reads it as a new field): put the "
      "title in quotes: title: \"Budget: 2023\" (the curly quotes \u201c \u201d on this line, pasted from Word, are "
      "not quotes to YAML: type straight quotes \" or ')"]),
    ("template: portfolio_report\ntitle: *Draft* report\n",
     ["02-paper.yaml:2: a value that starts with '*' is read by YAML as an alias: put the text in quotes: "
      "\"*Draft* report\""]),
])
def test_yaml_mistakes_are_named_at_the_line_to_fix(tmp_path: Path, paper: str, lines: list[str]) -> None:
    result = run_papers("check", meeting_with(tmp_path / "m", paper))
    assert result.exit_code == 1, result.output
    assert problem_lines(result.output) == lines


def test_every_choice_of_every_model_is_read_in_any_case() -> None:
    from typing import Literal

    from generator.inputs.schema import Strict

    class Decision(Strict):  # a choice whose words are not lower case, as a paper type may add
        kind: Literal["Key", "Non-key"]
        hidden: Literal["exclude", "include"] | None = None

    assert Decision.model_validate({"kind": " non-KEY", "hidden": "Include"}) == Decision(kind="Non-key",
                                                                                       hidden="include")
