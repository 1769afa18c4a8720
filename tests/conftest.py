"""Shared fixtures: the example meeting is built once per session, converted once by LibreOffice."""
from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from generator.cli import main

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "inputs" / "2022-12-08-corporate-os"
CABINET = ROOT / "inputs" / "2023-01-18-cabinet"  # committee reports, appendices, the full front sheet
CASES = Path(__file__).resolve().parent / "cases"
ACCEPTANCE = Path(__file__).resolve().parent / "acceptance"
LONE = ACCEPTANCE / "lone" / "08-planning-briefing.yaml"
# A meeting's own outputs are named after it (README): "<date>-<short name as a file name>-pack.pdf". Written out
# here from each meeting.yaml (date, short_name), not computed by the code under test.
EXAMPLE_AS = "2022-12-08-corporate-os"  # date: 2022-12-08, short_name: Corporate O&S
CABINET_AS = "2023-01-18-cabinet"  # date: 2023-01-18, short_name: Cabinet


@pytest.fixture(scope="session", autouse=True)
def _own_cache_folder(tmp_path_factory: pytest.TempPathFactory) -> None:
    """What papers keeps between runs (the fonts' metrics) goes to a folder of this session, not the user's."""
    import os

    os.environ["XDG_CACHE_HOME"] = str(tmp_path_factory.mktemp("cache"))


def run_papers(*args: str) -> "CliRunner.invoke":
    """Run the `papers` command in-process; returns click's Result (exit_code, output)."""
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


@pytest.fixture(scope="session")
def example_build(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, "CliRunner.invoke"]:
    """One `papers build` of the shipped example: (OUT folder, click Result with exit_code and output)."""
    out = tmp_path_factory.mktemp("out")
    return out, run_papers("build", EXAMPLE, "-o", out)


@pytest.fixture(scope="session")
def built_example(example_build: tuple[Path, "CliRunner.invoke"]) -> Path:
    """OUT/<meeting> folder of one build of the shipped example (do not modify it)."""
    out, result = example_build
    assert result.exit_code == 0, result.output
    return out / EXAMPLE.name


@pytest.fixture(scope="session")
def pdf_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """OUT/<meeting> folder of one `papers build --pdf` of the example (papers, agenda, PDFs, pack)."""
    assert shutil.which("soffice"), "LibreOffice is required: run the tests with `make test`"
    out = tmp_path_factory.mktemp("pdfout")
    result = run_papers("build", EXAMPLE, "-o", out, "--pdf", "-j", "1")
    assert result.exit_code == 0, result.output
    return out / EXAMPLE.name


@pytest.fixture(scope="session")
def acceptance_build(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """One `papers build --pdf` of both acceptance meetings and the lone paper: (OUT folder, the report printed)."""
    assert shutil.which("soffice"), "LibreOffice is required: run the tests with `make test`"
    out = tmp_path_factory.mktemp("acceptance")
    result = run_papers("build", ACCEPTANCE, LONE, "-o", out, "--pdf")
    assert result.exit_code == 0, result.output
    return out, result.output


@pytest.fixture(scope="session")
def cabinet(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """One `papers build --pdf` of the example Cabinet meeting: (its OUT folder, the report printed; do not
    modify them)."""
    out = tmp_path_factory.mktemp("cabinet")
    result = run_papers("build", CABINET, "-o", out, "--pdf", "-j", "1")
    assert result.exit_code == 0, result.output
    return out / CABINET.name, result.output


@pytest.fixture(scope="session")
def example_pdfs(pdf_build: Path) -> dict[str, Path]:
    """PDFs (rendered by LibreOffice) of every paper and the agenda of the example: {stem: pdf}."""
    pdfs = {p.stem: p for p in pdf_build.glob("*.pdf") if p.name != f"{EXAMPLE_AS}-pack.pdf"}
    docs = {d.stem for d in pdf_build.glob("*.docx")}
    assert docs == set(pdfs), f"LibreOffice did not convert {sorted(docs - set(pdfs))}"
    return pdfs

@pytest.fixture()
def meeting(tmp_path: Path) -> Path:
    """A private copy of the example meeting (inputs may be edited by the test)."""
    folder = tmp_path / "in" / EXAMPLE.name
    shutil.copytree(EXAMPLE, folder)
    return folder


def statuses(output: str) -> dict[str, str]:
    """{output name: status} from the build report."""
    found = re.findall(r"^  (built|unchanged|skipped|failed)\s+(\S+)", output, re.MULTILINE)
    return {name: status for status, name in found}


def problems_under(output: str, name: str) -> list[str]:
    """The problem lines printed under one output's status line of a build report."""
    lines = output.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("  ") and line.split()[1:2] == [name])
    out = []
    for line in lines[start + 1:]:
        if not line.startswith("      "):
            break
        out.append(line.strip())
    return out


@pytest.fixture(scope="session")
def publication(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The example meeting (its stated variance corrected, so that it is ready) built with --pdf, published,
    then a figure changed and a late paper added, built (supplement 1), published, a paper changed again,
    built (supplement 2), and at last built with --force; the reports of each step and copies of the PDFs
    after each build, by step: "published", "supplement-1", "supplement-2", "forced" (do not modify them)."""
    assert shutil.which("soffice"), "LibreOffice is required: run the tests with `make test`"
    base = tmp_path_factory.mktemp("publication")
    meeting = base / "in" / EXAMPLE.name
    shutil.copytree(EXAMPLE, meeting)
    finance = meeting / "05-central-services-finance.csv"

    def edit(path: Path, old: str, new: str) -> None:
        text = path.read_text(encoding="utf-8")
        assert old in text, old
        path.write_text(text.replace(old, new), encoding="utf-8")

    out = base / "out"
    folder = out / EXAMPLE.name
    steps: dict[str, Any] = {"meeting": meeting, "out": out, "folder": folder, "reports": {}}

    def step(name: str, *args: str, status: int = 0) -> None:
        result = run_papers(*args)
        assert result.exit_code == status, result.output
        steps["reports"][name] = result.output
        if args[0] == "build":
            copy = base / "copies" / name
            copy.mkdir(parents=True)
            for output in [*folder.glob("*.pdf"), folder / "meeting.json"]:
                shutil.copy(output, copy / output.name)
            steps[name] = copy

    edit(finance, "Customer Services,702,1094,965,-131", "Customer Services,702,1094,965,-129")
    step("built", "build", meeting, "-o", out, "--pdf", "-j", "1")
    step("published", "publish", meeting, "-o", out, "--date", "2022-11-30")
    # one figure changed (Legal Services' forecast), and a late paper
    edit(finance, "Legal Services,2013,1890,1939,49", "Legal Services,2013,1890,1941,51")
    late = (meeting / "06-change-and-improvement.yaml").read_text(encoding="utf-8")
    late = re.sub(r"^title: .*$", "title: Late Briefing on Customer Services", late, count=1, flags=re.MULTILINE)
    (meeting / "07-late-briefing.yaml").write_text(late, encoding="utf-8")
    with (meeting / "meeting.yaml").open("a", encoding="utf-8") as f:
        f.write("  - number: 8\n    paper: 07-late-briefing.yaml\n")
    step("supplement-1", "build", meeting, "-o", out, "--pdf", "-j", "1")
    (folder / f"{EXAMPLE_AS}-supplement-1.pdf").unlink()  # made again from the same PDFs: the same bytes
    step("rejoined", "build", meeting, "-o", out, "--pdf", "-j", "1")
    # a paper saved after the build: publishing that build is refused until it is built again (or undone)
    saved = (meeting / "07-late-briefing.yaml").read_text(encoding="utf-8")
    (meeting / "07-late-briefing.yaml").write_text(saved + "# saved again\n", encoding="utf-8")
    step("stale", "publish", meeting, "-o", out, status=1)
    (meeting / "07-late-briefing.yaml").write_text(saved, encoding="utf-8")
    step("published-1", "publish", meeting, "-o", out, "--date", "2022-12-02")
    # a late paper with an error: no supplement is made (and nothing published is touched) until it is fixed
    (meeting / "09-broken.yaml").write_text("template: briefing_note\ntitle: [unclosed\n", encoding="utf-8")
    with (meeting / "meeting.yaml").open("a", encoding="utf-8") as f:
        f.write("  - number: 9\n    paper: 09-broken.yaml\n")
    step("broken", "build", meeting, "-o", out, "--pdf", "-j", "1", status=1)
    (meeting / "09-broken.yaml").unlink()
    edit(meeting / "meeting.yaml", "  - number: 9\n    paper: 09-broken.yaml\n", "")
    edit(meeting / "07-late-briefing.yaml", "title: Late Briefing on Customer Services",
         "title: Late Briefing on Customer Services and Complaints")
    step("supplement-2", "build", meeting, "-o", out, "--pdf", "-j", "1")
    # item 6 taken off the agenda after publication: a warning (the published pack still holds it)
    edit(meeting / "meeting.yaml", "  - number: 6\n    paper: 06-change-and-improvement.yaml\n", "")
    step("withdrawn", "build", meeting, "-o", out, "--pdf", "-j", "1")
    step("forced", "build", meeting, "-o", out, "--pdf", "-j", "1", "--force")
    return steps
