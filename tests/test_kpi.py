"""KPI tables that check themselves: figures read as numbers, verdicts computed and checked."""
from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from textwrap import dedent

import pytest

from conftest import ROOT, run_papers
from generator import kpi
from generator.assemble import load_meeting, load_paper
from generator.errors import Problem
from generator.kpi import Figure, parse_figure
from generator.inputs.load import load_yaml
from generator.inputs.schema import KpiTable, validate
from wordread import norm, open_docx

# -- reading figures ---------------------------------------------------------------------------


@pytest.mark.parametrize("text, figure", [
    ("97.68%", Figure(Decimal("97.68"), "percent")),
    ("51", Figure(Decimal(51), "amount")),
    ("10.43", Figure(Decimal("10.43"), "amount")),
    ("56,700", Figure(Decimal(56700), "amount")),
    ("-3", Figure(Decimal(-3), "amount")),
    ("\u22123", Figure(Decimal(-3), "amount")),
    ("(48)", Figure(Decimal(-48), "amount")),
    ("+2.5%", Figure(Decimal("2.5"), "percent")),
    ("(3%)", Figure(Decimal(-3), "percent")),
    ("£9,828,491", Figure(Decimal(9828491), "amount")),
    ("-£48", Figure(Decimal(-48), "amount")),
    ("(£48)", Figure(Decimal(-48), "amount")),
    ("£1.2m", Figure(Decimal(1200000), "amount")),
    ("£500k", Figure(Decimal(500000), "amount")),
    ("6:53", Figure(Decimal(6 * 60 + 53), "time")),
    ("1:02:03", Figure(Decimal(3723), "time")),
    ("<10:00", Figure(Decimal(600), "time", "<")),
    (">= 95%", Figure(Decimal(95), "percent", ">=")),
    ("≤ 5", Figure(Decimal(5), "amount", "<=")),
    ("≥£1,000", Figure(Decimal(1000), "amount", ">=")),
    ("  85% ", Figure(Decimal(85), "percent")),
])
def test_numbers_are_read_as_numbers(text: str, figure: Figure) -> None:
    assert parse_figure(text) == figure


@pytest.mark.parametrize("text", [None, "", "n/a", "Reduction", "TBC", "5 days", "1,00", "6:75", "(-48)",
                                  "£-£4", "<", "97.68%%", "1.2m", "Q1"])
def test_text_stays_text(text: str | None) -> None:
    assert parse_figure(text) is None


# -- the rules ---------------------------------------------------------------------------------


def complete(yaml_text: str, tmp_path: Path) -> tuple[list[dict[str, str]], list[Problem]]:
    """kpi.complete on a kpis block written as YAML (validated like a paper's)."""
    file = tmp_path / "kpis.yaml"
    file.write_text(dedent(yaml_text), encoding="utf-8")
    doc = load_yaml(file)
    table, problems = validate(doc, KpiTable)
    assert problems == [], problems
    return kpi.complete(table, doc, ())


def verdicts(rows: list[dict[str, str]], field: str) -> list[str]:
    return [r[field] for r in rows]


def test_performance_is_computed_when_better_is_higher(tmp_path: Path) -> None:
    rows, problems = complete("""\
        better: higher
        rows:
          - {title: Above, current: 97%, target: 85%}
          - {title: Equal, current: 85%, target: 85%}
          - {title: Below, current: 84.9%, target: 85%}
          - {title: Money, current: "£9,828,491", target: "10000000"}
        """, tmp_path)
    assert verdicts(rows, "performance") == ["ACHIEVED", "ACHIEVED", "FAILED", "FAILED"]
    assert problems == []


def test_performance_is_computed_when_better_is_lower(tmp_path: Path) -> None:
    rows, _ = complete("""\
        better: lower
        rows:
          - {title: Quick, current: "4:30", target: "5:00"}
          - {title: Equal, current: "5:00", target: "5:00"}
          - {title: Slow, current: "6:53", target: "5:00"}
        """, tmp_path)
    assert verdicts(rows, "performance") == ["ACHIEVED", "ACHIEVED", "FAILED"]


def test_a_bound_target_is_judged_by_its_bound(tmp_path: Path) -> None:
    rows, _ = complete("""\
        better: lower
        rows:
          - {title: Under, current: "9:59", target: "<10:00"}
          - {title: At strict bound, current: "10:00", target: "<10:00"}
          - {title: At bound, current: "10:00", target: "<= 10:00"}
          - {title: Over, current: "10:01", target: "<=10:00"}
          - {title: At least, current: 95%, target: ">= 95%", better: higher}
          - {title: More than, current: 95%, target: "> 95%", better: higher}
          - {title: Small, current: "4", target: "≤ 5"}
        """, tmp_path)
    assert verdicts(rows, "performance") == ["ACHIEVED", "FAILED", "ACHIEVED", "FAILED", "ACHIEVED", "FAILED",
                                             "ACHIEVED"]


def test_only_like_is_compared_with_like(tmp_path: Path) -> None:
    rows, _ = complete("""\
        better: higher
        rows:
          - {title: Percent vs number, current: 97%, target: "85"}
          - {title: Time vs number, current: "6:53", target: "5"}
          - {title: Text target, current: "51", target: Reduction}
          - {title: Bounded current, current: "<5", target: "4"}
          - {title: Money vs plain, current: "£90", target: "85"}
        """, tmp_path)
    assert verdicts(rows, "performance") == ["", "", "", "", "ACHIEVED"]


def test_direction_is_computed_from_previous_and_current(tmp_path: Path) -> None:
    rows, _ = complete("""\
        rows:
          - {title: Up is good, previous: 80%, current: 82%, better: higher}
          - {title: Up is bad, previous: "6:00", current: "6:53", better: lower}
          - {title: Down is good, previous: "56", current: "51", better: lower}
          - {title: Same, previous: "£1,000", current: "1000", better: higher}
          - {title: Incomparable, previous: 80%, current: "82", better: higher}
          - {title: No better, previous: "1", current: "2"}
        """, tmp_path)
    assert verdicts(rows, "direction") == ["Better", "Worse", "Better", "In line", "", ""]


def test_direction_is_not_computed_when_the_column_is_hidden(tmp_path: Path) -> None:
    rows, problems = complete("""\
        better: higher
        direction: false
        rows:
          - {title: Hidden, previous: "1", current: "2", target: "2", direction: Worse}
        """, tmp_path)
    assert rows[0]["direction"] == "Worse" and rows[0]["performance"] == "ACHIEVED"
    assert problems == []


def test_the_row_overrides_the_table(tmp_path: Path) -> None:
    rows, _ = complete("""\
        better: higher
        rows:
          - {title: Table rule, current: "6", target: "5"}
          - {title: Own rule, current: "6", target: "5", better: lower}
        """, tmp_path)
    assert verdicts(rows, "performance") == ["ACHIEVED", "FAILED"]


def test_computed_verdicts_follow_the_tables_own_spelling(tmp_path: Path) -> None:
    rows, _ = complete("""\
        better: higher
        rows:
          - {title: A, previous: "1", current: "2", target: "1", performance: Achieved, direction: IMPROVED}
          - {title: B, previous: "2", current: "1", target: "2"}
          - {title: C, previous: "2", current: "2", target: "2"}
        """, tmp_path)
    # "Achieved" sets the casing of the default pair; "IMPROVED" brings its own opposite, in capitals
    assert verdicts(rows, "performance") == ["Achieved", "Failed", "Achieved"]
    assert verdicts(rows, "direction") == ["IMPROVED", "WORSENED", "IN LINE"]


def test_a_tables_own_words_are_reused(tmp_path: Path) -> None:
    rows, _ = complete("""\
        better: higher
        rows:
          - {title: A, current: "1", target: "2", performance: Not met}
          - {title: B, current: "3", target: "2"}
          - {title: C, current: "1", target: "2"}
          - {title: D, previous: "1", current: "1", direction: Same}
          - {title: E, previous: "1", current: "2"}
        """, tmp_path)
    assert verdicts(rows, "performance") == ["Not met", "Met", "Not met", "", ""]
    assert verdicts(rows, "direction") == ["", "", "", "Same", "Better"]


def test_defaults_without_stated_verdicts(tmp_path: Path) -> None:
    rows, _ = complete("""\
        better: higher
        rows:
          - {title: A, previous: "1", current: "2", target: "3", performance: n/a, direction: More}
        """, tmp_path)
    # free text sets no spelling and is printed as written
    assert rows[0]["performance"] == "n/a" and rows[0]["direction"] == "More"
    rows, _ = complete("""\
        better: higher
        rows:
          - {title: A, previous: "1", current: "2", target: "3"}
        """, tmp_path)
    assert rows[0]["performance"] == "FAILED" and rows[0]["direction"] == "Better"


def test_without_better_nothing_is_computed_or_checked(tmp_path: Path) -> None:
    rows, problems = complete("""\
        rows:
          - {title: A, previous: "9", current: "1", target: "2", performance: ACHIEVED, direction: Better}
          - {title: B, previous: "1", current: "2", target: "3"}
        """, tmp_path)
    assert problems == []
    assert rows == [
        {"title": "A", "previous": "9", "current": "1", "target": "2", "performance": "ACHIEVED",
         "direction": "Better"},
        {"title": "B", "previous": "1", "current": "2", "target": "3", "performance": "", "direction": ""},
    ]


def test_stated_values_are_never_changed(tmp_path: Path) -> None:
    rows, problems = complete("""\
        better: higher
        rows:
          - {title: A, previous: "9", current: "1", target: "2", performance: " achieved ", direction: better}
        """, tmp_path)
    assert rows[0]["performance"] == " achieved " and rows[0]["direction"] == "better"
    assert len(problems) == 2  # both contradict the figures, and both are still printed as written


@pytest.mark.parametrize("stated", ["ACHIEVED", "Met", "on target", "On-target.", "Target met"])
def test_a_stated_achievement_that_the_figures_contradict_is_a_warning(stated: str, tmp_path: Path) -> None:
    _, problems = complete(f"""\
        rows:
          - title: Average call wait
            current: "6:53"
            target: "<5:00"
            performance: {stated}
            better: lower
        """, tmp_path)
    assert problems == [Problem("kpis.yaml", 5, "rows[0].performance",
                                f"Average call wait: performance stated {stated.strip()}, but current 6:53 is worse "
                                f"than target <5:00 (better: lower)", "warning")]


@pytest.mark.parametrize("stated", ["FAILED", "Not met", "Missed", "not achieved", "Off target"])
def test_a_stated_failure_that_the_figures_contradict_is_a_warning(stated: str, tmp_path: Path) -> None:
    _, problems = complete(f"""\
        better: higher
        rows:
          - {{title: Call quality, current: 97%, target: 85%, performance: {stated}}}
        """, tmp_path)
    assert [str(p) for p in problems] == [
        f"kpis.yaml:3: rows[0].performance: warning: Call quality: performance stated {stated}, "
        f"but current 97% meets target 85% (better: higher)"]


def test_failing_a_strict_bound_by_equality_is_not_called_worse(tmp_path: Path) -> None:
    _, problems = complete("""\
        better: lower
        rows:
          - {title: Wait, current: "10:00", target: "<10:00", performance: Achieved}
        """, tmp_path)
    assert [p.message for p in problems] == [
        "Wait: performance stated Achieved, but current 10:00 does not meet target <10:00 (better: lower)"]


def test_a_stated_direction_that_the_figures_contradict_is_a_warning(tmp_path: Path) -> None:
    _, problems = complete("""\
        better: lower
        rows:
          - title: Complaints
            previous: "56"
            current: "51"
            direction: Worse
          - title: Sickness days
            previous: "8.1"
            current: "9.4"
            direction: Improved
        """, tmp_path)
    assert [str(p) for p in problems] == [
        "kpis.yaml:6: rows[0].direction: warning: Complaints: direction stated Worse, but current 51 is better "
        "than previous 56 (better: lower)",
        "kpis.yaml:10: rows[1].direction: warning: Sickness days: direction stated Improved, but current 9.4 is "
        "worse than previous 8.1 (better: lower)",
    ]


@pytest.mark.parametrize("stated", ["Fewer", "More", "Up", "Down", "n/a", "In line", "Exceeded", "TBC"])
def test_only_clear_contradictions_are_flagged(stated: str, tmp_path: Path) -> None:
    _, problems = complete(f"""\
        better: higher
        rows:
          - {{title: A, previous: "1", current: "2", target: "3", performance: {stated}, direction: {stated}}}
        """, tmp_path)
    assert problems == []


def test_consistent_verdicts_give_no_warning(tmp_path: Path) -> None:
    _, problems = complete("""\
        better: lower
        rows:
          - {title: A, previous: "6:53", current: "4:10", target: "<5:00", performance: ACHIEVED, direction: Better}
          - {title: B, previous: "4:10", current: "6:53", target: "<5:00", performance: Missed, direction: WORSE}
        """, tmp_path)
    assert problems == []


# -- through the schema and the whole paper ----------------------------------------------------

MEETING = """\
committee: Corporate Overview and Scrutiny Committee
date: 2022-12-08
items:
  - number: "5"
    paper: 05-kpis.yaml
time: "19:00"
venue: Council Chamber
membership: [{name: Councillor A. Member}]
contact: {name: A. Clerk}
"""

PAPER = """\
template: portfolio_report
title: Report of the Cabinet Member for Testing
report_of: Councillor A. Tester, Cabinet Member for Testing
sections:
  - title: Performance
    body:
      - |
        ## Key performance indicators
      - kpis:
          better: higher
          rows:
            - title: Customer Service call quality
              previous: 97.68%
              current: 97%
              target: 85%
              performance: Achieved
              direction: In line
            - title: Average call wait
              previous: 6:53
              current: 4:41
              target: <5:00
              better: lower
            - title: Income collected
              previous: £9,500,000
              current: £9,828,491
              target: £10,000,000
            - title: Complaints
              previous: 56
              current: 51
              target: Reduction
              better: lower
"""

CONTRADICTION = """\
            - title: Staff sickness
              current: 9.4
              target: 8
              better: lower
              performance: Achieved
"""


def write_meeting(folder: Path, paper: str) -> Path:
    folder.mkdir(parents=True)
    (folder / "meeting.yaml").write_text(MEETING, encoding="utf-8")
    (folder / "05-kpis.yaml").write_text(paper, encoding="utf-8")
    return folder


def kpi_rows(docx: Path) -> list[list[str]]:
    """Cell texts of the KPI table (the table after the cover)."""
    tables = open_docx(docx).tables
    return [[norm(c.text) for c in row.cells] for row in tables[1].rows]


def test_the_built_paper_shows_the_computed_verdicts(tmp_path: Path) -> None:
    meeting = write_meeting(tmp_path / "kpi-meeting", PAPER)
    result = run_papers("build", meeting, "-o", tmp_path / "out", "-j", "1", "--strict")
    assert result.exit_code == 0, result.output
    assert "0 warnings" in result.output
    rows = kpi_rows(tmp_path / "out" / "kpi-meeting" / "05-kpis.docx")
    assert rows[1:] == [
        ["Customer Service call quality", "97.68%", "97%", "85%", "Achieved", "In line"],
        ["Average call wait", "6:53", "4:41", "<5:00", "Achieved", "Better"],
        ["Income collected", "£9,500,000", "£9,828,491", "£10,000,000", "Failed", "Better"],
        ["Complaints", "56", "51", "Reduction", "", "Better"],
    ]


def test_a_contradiction_is_a_located_warning_and_fails_under_strict(tmp_path: Path) -> None:
    meeting = write_meeting(tmp_path / "kpi-meeting", PAPER + CONTRADICTION)
    line = (PAPER + CONTRADICTION).splitlines().index("              performance: Achieved", 30) + 1
    warning = (f"05-kpis.yaml:{line}: sections[0].body[1].kpis.rows[4].performance: warning: Staff sickness: "
               f"performance stated Achieved, but current 9.4 is worse than target 8 (better: lower)")

    result = run_papers("build", meeting, "-o", tmp_path / "out", "-j", "1")
    assert result.exit_code == 0, result.output
    assert warning in [s.strip() for s in result.output.splitlines()], result.output
    docx = tmp_path / "out" / "kpi-meeting" / "05-kpis.docx"
    assert kpi_rows(docx)[5] == ["Staff sickness", "", "9.4", "8", "Achieved", ""]  # printed as written

    strict = run_papers("build", meeting, "-o", tmp_path / "strict", "-j", "1", "--strict")
    assert strict.exit_code == 1, strict.output
    assert warning.replace("warning: ", "") in [s.strip() for s in strict.output.splitlines()], strict.output
    assert not (tmp_path / "strict" / "kpi-meeting" / "05-kpis.docx").exists()


def test_the_paper_model_carries_the_warning(tmp_path: Path) -> None:
    meeting = write_meeting(tmp_path / "kpi-meeting", PAPER + CONTRADICTION)
    inputs, meeting_problems = load_meeting(meeting)
    assert inputs is not None and meeting_problems == []
    paper, problems = load_paper(meeting / "05-kpis.yaml", inputs, ROOT / "templates")
    assert paper is not None  # a warning does not stop the paper
    assert [(p.level, p.field) for p in problems] == [("warning", "sections[0].body[1].kpis.rows[4].performance")]


def test_an_unknown_better_is_a_located_error(tmp_path: Path) -> None:
    bad = PAPER.replace("              better: lower\n", "              better: up\n", 1) \
        .replace("          better: higher\n", "          better: Higher\n")
    meeting = write_meeting(tmp_path / "kpi-meeting", bad)
    row_line = bad.splitlines().index("              better: up") + 1
    table_line = bad.splitlines().index("          better: Higher") + 1
    result = run_papers("check", meeting)
    assert result.exit_code == 1, result.output
    lines = [s.strip() for s in result.output.splitlines()]
    # a choice in another case is the same choice (issue 9.9): only 'up' is wrong
    assert not [s for s in lines if f"05-kpis.yaml:{table_line}:" in s], result.output
    assert [s for s in lines if s.startswith("05-kpis.yaml:")] == [
        f"05-kpis.yaml:{row_line}: sections[0].body[1].kpis.rows[1].better: expected 'higher' or 'lower', "
        f"got 'up'"], result.output


def test_a_table_without_better_builds_as_before(tmp_path: Path) -> None:
    plain = "\n".join(line for line in PAPER.splitlines() if "better:" not in line) + "\n"
    meeting = write_meeting(tmp_path / "kpi-meeting", plain)
    result = run_papers("build", meeting, "-o", tmp_path / "out", "-j", "1", "--strict")
    assert result.exit_code == 0, result.output
    rows = kpi_rows(tmp_path / "out" / "kpi-meeting" / "05-kpis.docx")
    assert [r[4:] for r in rows[1:]] == [["Achieved", "In line"], ["", ""], ["", ""], ["", ""]]
