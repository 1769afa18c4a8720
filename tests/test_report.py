"""What the build report tells a clerk: folders it could not build, agendas it will not publish, and a
summary that states every reason for the exit status, how much was written and where."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import EXAMPLE, EXAMPLE_AS, ROOT, run_papers, statuses

REPORT = "05-central-services"
BRIEFING = "06-change-and-improvement"
LONE = ROOT / "tests" / "acceptance" / "lone" / "08-planning-briefing.yaml"


def _tree(tmp_path: Path, *names: str) -> Path:
    """inputs/ holding a copy of the example meeting under each name."""
    inputs = tmp_path / "inputs"
    for name in names:
        shutil.copytree(EXAMPLE, inputs / name)
    return inputs


# -- 9.5: a meeting folder whose meeting.yaml is misnamed or missing -----------------------

@pytest.mark.parametrize("wrong", ["meeting.yml", "Meeting.yaml", "MEETING.YAML", "meeting.yaml.txt"])
def test_a_misnamed_meeting_file_is_an_error_naming_the_folder_and_the_file(tmp_path: Path, wrong: str) -> None:
    inputs = _tree(tmp_path, "2022-12-08-corporate-os", "2023-01-12-corporate-os")
    misnamed = inputs / "2023-01-12-corporate-os"
    (misnamed / "meeting.yaml").rename(misnamed / wrong)
    result = run_papers("build", inputs, "-o", tmp_path / "out", "-j", "1")
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    lines = result.output.splitlines()
    assert (f"  meeting   {misnamed / wrong}: the meeting file must be named exactly meeting.yaml (lower case, "
            f"ending .yaml): rename {wrong} to meeting.yaml; nothing in {misnamed} was built") in lines
    # its papers are listed as not built, with the reason; the other meeting builds as before
    assert ("      meeting.yaml: not built: the folder has no meeting.yaml (see the meeting line below)"
            in lines)
    assert not (tmp_path / "out" / misnamed.name).exists()
    assert (tmp_path / "out" / "2022-12-08-corporate-os" / f"{EXAMPLE_AS}-agenda.docx").is_file()
    assert lines[-1] == (f"4 papers: 2 built, 2 failed, 2 warnings; build failed: 1 error in {misnamed / wrong}")


def test_the_misnamed_meeting_folder_named_on_its_own_is_reported_too(tmp_path: Path) -> None:
    folder = _tree(tmp_path, "2023-01-12-corporate-os") / "2023-01-12-corporate-os"
    (folder / "meeting.yaml").rename(folder / "meeting.yml")
    result = run_papers("check", folder)
    assert result.exit_code == 1, result.output
    assert f"{folder / 'meeting.yml'}: the meeting file must be named exactly meeting.yaml" in result.output
    # naming the misnamed file itself: it is not taken for a paper
    named = run_papers("check", folder / "meeting.yml")
    assert named.exit_code == 2, named.output
    assert f"{folder / 'meeting.yml'}: the meeting file must be named exactly meeting.yaml: rename it" in named.output


def test_a_folder_of_papers_without_meeting_yaml_in_a_tree_of_meetings_is_an_error(tmp_path: Path) -> None:
    inputs = _tree(tmp_path, "2022-12-08-corporate-os", "2023-01-12-corporate-os")
    missing = inputs / "2023-01-12-corporate-os"
    (missing / "meeting.yaml").unlink()
    result = run_papers("build", inputs, "-o", tmp_path / "out", "-j", "1")
    assert result.exit_code == 1, result.output
    assert (f"  meeting   {missing}: holds 2 papers ({REPORT}.yaml, {BRIEFING}.yaml) but no meeting.yaml, so "
            "nothing in it was built: add its meeting.yaml (see docs/input-format.md), or give each paper its own "
            "meeting: block to build it on its own") in result.output.splitlines()
    assert result.output.splitlines()[-1].endswith(f"build failed: 1 error in {missing}")


def test_papers_carrying_their_own_meeting_in_a_tree_build_on_their_own(tmp_path: Path) -> None:
    inputs = _tree(tmp_path, "2022-12-08-corporate-os")
    (inputs / "lone").mkdir()
    shutil.copy(LONE, inputs / "lone")
    result = run_papers("build", inputs, "-o", tmp_path / "out", "-j", "1")
    assert result.exit_code == 0, result.output
    assert statuses(result.output)["08-planning-briefing.docx"] == "built"
    assert (tmp_path / "out" / "lone" / "08-planning-briefing.docx").is_file()


# -- 9.6: an agenda listing a paper that does not exist (or whose title is not known) ----------

def test_an_agenda_listing_a_missing_paper_is_not_written(tmp_path: Path) -> None:
    folder = _tree(tmp_path, EXAMPLE.name) / EXAMPLE.name
    meeting = folder / "meeting.yaml"
    meeting.write_text(meeting.read_text(encoding="utf-8").replace(f"paper: {BRIEFING}.yaml",
                                                                   "paper: 06-change-and-improvment.yaml"))
    result = run_papers("build", folder, "-o", tmp_path / "out", "-j", "1")
    assert result.exit_code == 1, result.output
    lines = result.output.splitlines()
    assert "  meeting   meeting.yaml:10: items[1].paper: paper file not found: 06-change-and-improvment.yaml" in lines
    assert (f"  failed    {EXAMPLE_AS}-agenda.docx  not written while meeting.yaml has errors (fix them and build "
            "again)") in lines
    assert not (tmp_path / "out" / EXAMPLE.name / f"{EXAMPLE_AS}-agenda.docx").exists()
    assert lines[-1] == ("2 papers: 2 built, 0 failed, 3 warnings; build failed: 1 error in meeting.yaml, "
                         f"{EXAMPLE_AS}-agenda.docx not written")

    # after a good build, the agenda left in OUT is said to be the previous build's
    meeting.write_text(meeting.read_text(encoding="utf-8").replace("06-change-and-improvment.yaml", f"{BRIEFING}.yaml"))
    assert run_papers("build", folder, "-o", tmp_path / "out", "-j", "1").exit_code == 0
    meeting.write_text(meeting.read_text(encoding="utf-8").replace(f"{BRIEFING}.yaml", "06-change-and-improvment.yaml"))
    again = run_papers("build", folder, "-o", tmp_path / "out", "-j", "1")
    assert (f"  failed    {EXAMPLE_AS}-agenda.docx  not written while meeting.yaml has errors (fix them and build "
            f"again); {EXAMPLE_AS}-agenda.docx in the output folder is the previous build's") in again.output.splitlines()


def test_an_agenda_item_whose_paper_has_errors_is_not_published_under_its_file_name(tmp_path: Path) -> None:
    folder = _tree(tmp_path, EXAMPLE.name) / EXAMPLE.name
    paper = folder / f"{BRIEFING}.yaml"
    paper.write_text(paper.read_text(encoding="utf-8").replace("template: briefing_note", "template: briefing"))
    result = run_papers("build", folder, "-o", tmp_path / "out", "-j", "1")
    assert result.exit_code == 1, result.output
    assert (f"  failed    {EXAMPLE_AS}-agenda.docx  not written: item 6's paper {BRIEFING}.yaml has errors, so its title is "
            "not known (fix the paper and build again)") in result.output.splitlines()
    assert not (tmp_path / "out" / EXAMPLE.name / f"{EXAMPLE_AS}-agenda.docx").exists()


# -- 9.7: the summary -------------------------------------------------------------------------

def test_the_summary_counts_every_output_says_where_they_went_and_lists_new_papers(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _tree(tmp_path, EXAMPLE.name)
    monkeypatch.chdir(tmp_path)
    first = run_papers("build", "inputs", "-j", "1")  # -o defaults to outputs/ under the current folder
    assert first.exit_code == 0, first.output
    lines = first.output.splitlines()
    where = tmp_path.resolve() / "outputs" / EXAMPLE.name
    assert f"outputs written to {where}: 4 files (2 Word papers, 1 workbook, 1 agenda)" in lines
    assert "content changed since the previous build: first build (2 new papers)" in lines
    assert lines[-1] == "2 papers: 2 built, 0 failed, 2 warnings"  # the finance one, the front sheet's

    again = run_papers("build", "inputs", "-j", "1")
    assert f"nothing written to {where}: every output there is up to date" in again.output.splitlines()
    assert "content changed since the previous build: none" in again.output.splitlines()

    # a paper added to the meeting: listed as new among the changes, beside the agenda it changes
    added = tmp_path / "inputs" / EXAMPLE.name / "07-late-briefing.yaml"
    shutil.copy(tmp_path / "inputs" / EXAMPLE.name / f"{BRIEFING}.yaml", added)
    meeting = tmp_path / "inputs" / EXAMPLE.name / "meeting.yaml"
    meeting.write_text(meeting.read_text(encoding="utf-8").replace(
        "  - number: 7\n", "  - number: 7\n    paper: 07-late-briefing.yaml\n  - number: 8\n"))
    late = run_papers("build", "inputs", "-j", "1")
    assert late.exit_code == 0, late.output
    lines = late.output.splitlines()
    # meeting.yaml changed, so every paper is rebuilt (their cover shows the meeting); only the new one differs
    assert f"content changed since the previous build: {EXAMPLE.name}/07-late-briefing.docx (new)" in lines
    assert f"outputs written to {where}: 4 files (3 Word papers, 1 agenda)" in lines


# -- 9.10: progress of every stage, PDFs included -----------------------------------------------

@pytest.mark.libreoffice
def test_progress_names_each_stage_and_each_pdf_as_libreoffice_converts_it(tmp_path: Path) -> None:
    from generator.build import Options, Step, build

    steps: list[Step] = []
    report = build([EXAMPLE], Options(out=tmp_path, pdf=True, audit=False), progress=steps.append)
    assert report.ok
    stages = list(dict.fromkeys(s.stage for s in steps))
    assert stages == ["papers", "workbook", "PDFs", "agenda", "pack"]
    pdfs = [(s.done, s.total, s.item) for s in steps if s.stage == "PDFs"]
    # the two papers and a provisional agenda (for its length), one at a time, then the final agenda
    assert pdfs == [(0, 3, ""), (1, 3, f"{REPORT}.docx"), (2, 3, f"{BRIEFING}.docx"), (3, 3, f"{EXAMPLE_AS}-agenda.docx"),
                    (3, 4, ""), (4, 4, f"{EXAMPLE_AS}-agenda.docx")]
    assert all(s.meeting == EXAMPLE.name for s in steps if s.stage != "papers")


# -- 9.8: `papers check` reports every warning `papers build` would -----------------------------

def _warnings(output: str) -> list[str]:
    """The warning lines of a report (under a paper or output, or the meeting's own), without indentation."""
    return sorted(line.strip() for line in output.splitlines() if ": warning: " in line)


def _click_here(folder: Path) -> None:
    paper = folder / f"{BRIEFING}.yaml"
    paper.write_text(paper.read_text(encoding="utf-8").replace(
        "      Since taking on", "      For the plan [click here](https://www.thurrock.gov.uk/plan). Since taking on"))


def _invalid_finance_paper(folder: Path) -> None:
    paper = folder / f"{REPORT}.yaml"
    paper.write_text(paper.read_text(encoding="utf-8").replace("report_of:", "reported_of:"))


@pytest.mark.parametrize("source, edit", [
    (EXAMPLE, None), (EXAMPLE, _click_here), (EXAMPLE, _invalid_finance_paper),
    (ROOT / "tests" / "acceptance" / "2023-06-20-housing-os", None),
], ids=["example", "example-link-text", "example-invalid-paper", "acceptance-2023-06-20"])
def test_check_reports_every_warning_that_build_does(tmp_path: Path, source: Path,
                                                     edit) -> None:  # type: ignore[no-untyped-def]
    folder = tmp_path / "in" / source.name
    shutil.copytree(source, folder)
    if edit is not None:
        edit(folder)
    before = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*"))
    check = run_papers("check", folder)
    assert sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*")) == before  # check writes nothing
    build = run_papers("build", folder, "-o", tmp_path / "out", "-j", "1")
    assert check.exit_code == build.exit_code, (check.output, build.output)
    assert _warnings(build.output), build.output  # each case has something to warn of
    assert _warnings(check.output) == _warnings(build.output), (check.output, build.output)


def test_check_names_the_accessibility_warning_of_the_document_it_would_write(tmp_path: Path) -> None:
    folder = tmp_path / EXAMPLE.name
    shutil.copytree(EXAMPLE, folder)
    _click_here(folder)
    result = run_papers("check", folder)
    assert result.exit_code == 0, result.output
    assert (f'      {BRIEFING}.docx: paragraph 4 "For the plan click here. Since taking o…": warning: accessibility '
            '(link-text): the link text "click here" does not say where the link goes '
            '(https://www.thurrock.gov.uk/plan); fix: make the link text name its destination (e.g. "the '
            'council\'s awards page"), not "click here"') in result.output.splitlines()
    assert f"  checked   {EXAMPLE_AS}-agenda.docx" in result.output.splitlines()
    assert result.output.splitlines()[-1] == "2 papers: 2 checked, 0 failed, 3 warnings"


@pytest.mark.libreoffice
def test_with_pdf_an_agenda_not_written_means_no_pack_but_the_papers_pdfs(tmp_path: Path) -> None:
    folder = _tree(tmp_path, EXAMPLE.name) / EXAMPLE.name
    meeting = folder / "meeting.yaml"
    meeting.write_text(meeting.read_text(encoding="utf-8").replace("  - number: 7\n", "  - number: 6\n"))
    result = run_papers("build", folder, "-o", tmp_path / "out", "-j", "1", "--pdf")
    assert result.exit_code == 1, result.output
    lines = result.output.splitlines()
    assert (f"  failed    {EXAMPLE_AS}-agenda.docx  not written while meeting.yaml has errors (fix them and build "
            "again)") in lines
    assert f"  failed    {EXAMPLE_AS}-pack.pdf  not written: the agenda was not written" in lines
    written = sorted(p.name for p in (tmp_path / "out" / EXAMPLE.name).iterdir() if not p.name.startswith("."))
    assert written == [f"{REPORT}.docx", f"{REPORT}.pdf", f"{BRIEFING}.docx", f"{BRIEFING}.pdf", "budget.xlsx"]
    assert lines[-1].endswith(f"build failed: 1 error in meeting.yaml, {EXAMPLE_AS}-agenda.docx not written, "
                              f"{EXAMPLE_AS}-pack.pdf not written")
