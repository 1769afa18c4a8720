"""The command line contract: help with examples, one line per paper and a summary, check writes nothing."""
from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import click
import pytest

from click.testing import CliRunner
from conftest import EXAMPLE, run_papers, statuses
from generator.cli import main


def commands(group: click.Group, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    """Every command path of a click group, the group itself first."""
    out = [prefix]
    for name, cmd in sorted(group.commands.items()):
        if isinstance(cmd, click.Group):
            out += commands(cmd, prefix + (name,))
        else:
            out.append(prefix + (name,))
    return out


def help_problems(group: click.Group) -> list[str]:
    """Commands (and options) whose help lacks text or an example."""
    problems = []
    for path in commands(group):
        cmd: click.Command = group
        for name in path:
            cmd = cmd.commands[name]  # type: ignore[attr-defined]
        label = " ".join(("papers",) + path)
        if not (cmd.help or "").strip():
            problems.append(f"{label}: no help text")
        elif "Example" not in cmd.help:
            problems.append(f"{label}: no example in its help")
        for param in cmd.params:
            if isinstance(param, click.Option) and not param.hidden and not (param.help or "").strip() \
                    and param.name != "help":
                problems.append(f"{label} {param.opts[0]}: option without help")
    return problems


def test_every_command_has_help_with_an_example() -> None:
    assert len(commands(main)) >= 3  # papers, build, check
    assert help_problems(main) == []


def test_the_help_check_fails_for_a_command_without_help() -> None:
    @click.group()
    def cli() -> None:
        """A group. Example: cli quiet"""

    @cli.command()
    @click.option("--loud")
    def quiet(loud: str) -> None:  # no docstring, no option help
        pass

    assert help_problems(cli) == ["papers quiet: no help text", "papers quiet --loud: option without help"]


@pytest.mark.parametrize("path", commands(main), ids=lambda p: " ".join(("papers",) + p))
def test_help_prints_text_and_an_example(path: tuple[str, ...]) -> None:
    result = run_papers(*path, "--help")
    assert result.exit_code == 0, result.output
    assert result.output.startswith("Usage: ")
    assert "Example" in result.output
    example = result.output.split("Example", 1)[1]
    assert "papers " + (path[0] if path else "") in example


def test_build_prints_one_line_per_paper_and_a_summary(example_build) -> None:  # type: ignore[no-untyped-def]
    out, result = example_build
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    lines = result.stdout.splitlines()  # the report; progress goes to stderr
    assert lines[0] == EXAMPLE.name
    status = [line.split()[:2] for line in lines if line.startswith("  ") and not line.startswith("      ")]
    papers = [s for s in status if s[1].startswith(("05-", "06-"))]
    assert papers == [["built", "05-central-services.docx"], ["built", "06-change-and-improvement.docx"]]
    assert lines[-1] == "2 papers: 2 built, 0 failed, 2 warnings"  # the finance one, the front sheet's
    # the published Customer Services variance is inconsistent: a warning, located in the CSV
    assert ("      05-central-services-finance.csv:4: rows[2].variance: warning: Customer Services: variance "
            "stated (131), computed (129) (forecast 965 - budget 1,094)") in lines
    assert (out / EXAMPLE.name / "05-central-services.docx").is_file()


def test_check_writes_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    meeting = tmp_path / "inputs" / EXAMPLE.name
    shutil.copytree(EXAMPLE, meeting)
    before = {p: (p.stat().st_mtime_ns, p.read_bytes()) for p in tmp_path.rglob("*") if p.is_file()}
    monkeypatch.chdir(tmp_path)
    result = run_papers("check")  # default PATH is inputs/; build would write outputs/
    assert result.exit_code == 0, result.output
    assert "2 papers: 2 checked, 0 failed, 2 warnings" in result.output
    after = {p: (p.stat().st_mtime_ns, p.read_bytes()) for p in tmp_path.rglob("*") if p.is_file()}
    assert after == before
    assert sorted(os.listdir(tmp_path)) == ["inputs"]


def test_strict_turns_the_variance_warning_into_an_error(tmp_path: Path) -> None:
    result = run_papers("check", EXAMPLE / "05-central-services.yaml", "--strict")
    assert result.exit_code == 1, result.output
    assert ("05-central-services-finance.csv:4: rows[2].variance: Customer Services: variance stated (131), "
            "computed (129) (forecast 965 - budget 1,094)") in result.output


ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


def test_without_a_terminal_progress_is_one_plain_line_per_stage_on_stderr(tmp_path: Path) -> None:
    first = run_papers("build", EXAMPLE, "-o", tmp_path, "-j", "1")
    assert first.exit_code == 0, first.output
    assert first.stderr.splitlines() == ["papers: 2/2", f"{EXAMPLE.name}: workbook 1/1",
                                         f"{EXAMPLE.name}: agenda 1/1"]
    assert first.stdout.splitlines()[0] == EXAMPLE.name  # the report itself has no progress in it
    again = run_papers("build", EXAMPLE, "-o", tmp_path, "-j", "1")
    assert again.stderr.splitlines()[0] == "papers: 2/2 (2 unchanged)"  # something, when nothing is rebuilt
    check = run_papers("check", EXAMPLE)  # check makes the documents in memory: the same stages
    assert check.stderr.splitlines() == ["papers: 2/2", f"{EXAMPLE.name}: workbook 1/1", f"{EXAMPLE.name}: agenda 1/1"]


def test_a_terminal_gets_a_bar_per_stage_that_fits_its_width(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    plain = run_papers("build", EXAMPLE, "-o", tmp_path / "plain", "-j", "1")
    monkeypatch.setattr("generator.cli._on_terminal", lambda: True)
    monkeypatch.setenv("COLUMNS", "60")
    on_terminal = run_papers("build", EXAMPLE, "-o", tmp_path / "tty", "-j", "1")
    assert on_terminal.exit_code == 0, on_terminal.output
    drawn = [ANSI.sub("", line) for line in re.split(r"[\r\n]", on_terminal.stderr)]
    drawn = [line for line in drawn if line.strip()]
    stages = {line.split()[0] for line in drawn}
    assert stages == {"papers", "workbook", "agenda"}, drawn
    assert max(len(line) for line in drawn) <= 60, drawn  # no line wraps into a trail of bars
    assert any(re.match(r"papers +━+ 0/2 +building…", line) for line in drawn), drawn  # a word from the start
    assert any(re.match(r"papers +[━╺╸]+ 1/2 +05-central-services.yaml", line) for line in drawn), drawn
    assert any(re.match(r"papers +━+ 2/2 +06-change-and-improvement", line) for line in drawn), drawn
    # the agenda just written, by its name (the meeting's date and committee), cut to the width
    assert any(re.match(r"agenda +━+ 1/1 +2022-12-08-corporate-os-a", line) for line in drawn), drawn
    # the bars are cleared once the build is done: the report is the same as without a terminal
    same = on_terminal.stdout.replace(str(tmp_path / "tty"), str(tmp_path / "plain"))
    assert same == plain.stdout


def test_a_fault_of_ours_in_one_paper_fails_that_paper_in_words_and_the_others_build(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from generator import build as build_module

    real = build_module.render

    def render(paper, templates, *rest):  # a bug in papers, met on one paper only
        if paper.template == "briefing_note":
            raise ZeroDivisionError("division by zero")
        return real(paper, templates, *rest)

    monkeypatch.setattr(build_module, "render", render)
    result = run_papers("build", EXAMPLE, "-o", tmp_path, "-j", "1")
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert statuses(result.output)["05-central-services.docx"] == "built"
    assert ("06-change-and-improvement.yaml: papers could not handle this file because of a fault in papers itself "
            "(ZeroDivisionError: division by zero); nothing was written for it" in result.output)
    assert not (tmp_path / EXAMPLE.name / "06-change-and-improvement.docx").exists()


def test_a_fault_of_ours_outside_any_paper_is_said_in_words(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def build(*args, **kwargs):
        raise KeyError("pages")

    monkeypatch.setattr("generator.cli.build", build)
    monkeypatch.delenv("PAPERS_DEBUG", raising=False)
    result = CliRunner().invoke(main, ["build", str(EXAMPLE), "-o", str(tmp_path)])
    assert result.exit_code == 1
    assert "a fault in papers itself stopped this command (KeyError: 'pages')" in result.output
    assert "Traceback" not in result.output and not isinstance(result.exception, KeyError)


def test_a_lone_papers_workbook_is_counted_as_a_workbook(tmp_path: Path) -> None:
    folder = tmp_path / "lone"
    folder.mkdir()
    shutil.copy(EXAMPLE / "05-central-services-finance.csv", folder)
    paper = (EXAMPLE / "05-central-services.yaml").read_text(encoding="utf-8")
    (folder / "05-central-services.yaml").write_text(
        "meeting: {committee: Corporate Overview and Scrutiny Committee, date: 2022-12-08}\n" + paper, encoding="utf-8")
    result = run_papers("build", folder / "05-central-services.yaml", "-o", tmp_path / "out")
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (tmp_path / "out" / "lone").iterdir() if not p.name.startswith(".")) == [
        "05-central-services.docx", "budget.xlsx"]
    assert "2 files (1 Word paper, 1 workbook)" in result.output
