"""Rebuilds from what the manifest recorded: the workbook from recorded finance, meeting.yaml validated once."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path


from conftest import EXAMPLE, EXAMPLE_AS, ROOT, run_papers, statuses
from generator.build import render_workbook

REPORT = "05-central-services"
BRIEFING = "06-change-and-improvement"


def edit(path: Path, old: str, new: str) -> None:
    """Replace the first ``old`` in a file by ``new`` (it must be there)."""
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path.name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_the_workbook_follows_the_finance_and_matches_a_fresh_build_byte_for_byte(meeting: Path,
                                                                                  tmp_path: Path) -> None:
    out = tmp_path / "out"
    build = ("build", meeting, "-o", out, "-j", "2")
    assert run_papers(*build).exit_code == 0

    # text only: the paper is rebuilt, its figures are the recorded ones, so the workbook stays
    edit(meeting / f"{REPORT}.yaml", "I am delighted", "I am pleased")
    text = run_papers(*build)
    assert statuses(text.output)[f"{REPORT}.docx"] == "built"
    assert statuses(text.output)["budget.xlsx"] == "unchanged"
    assert statuses(text.output)[f"{EXAMPLE_AS}-agenda.docx"] == "unchanged"

    # a figure in the data file: the workbook is rebuilt, the other paper's finance coming from the manifest
    edit(meeting / f"{REPORT}-finance.csv", "Strategy,333", "Strategy,334")
    figures = run_papers(*build)
    assert statuses(figures.output)["budget.xlsx"] == "built"
    assert statuses(figures.output)[f"{BRIEFING}.docx"] == "unchanged"

    # a title: on the agenda and on the report's sheet
    edit(meeting / f"{REPORT}.yaml", "title: ", "title: Revised ")
    titled = run_papers(*build)
    assert statuses(titled.output)["budget.xlsx"] == "built"
    assert statuses(titled.output)[f"{EXAMPLE_AS}-agenda.docx"] == "built"

    fresh = tmp_path / "fresh"
    assert run_papers("build", meeting, "-o", fresh, "-j", "2").exit_code == 0
    names = sorted(p.name for p in (fresh / meeting.name).iterdir() if not p.name.startswith("."))
    assert {"budget.xlsx", f"{EXAMPLE_AS}-agenda.docx", f"{REPORT}.docx"} <= set(names)
    for name in names:
        assert (out / meeting.name / name).read_bytes() == (fresh / meeting.name / name).read_bytes(), name


HEAVY = ("pydantic", "markdown_it", "docxtpl", "openpyxl")
PROBE = """
import sys
from generator.cli import main
try:
    main(sys.argv[1:], standalone_mode=False)
finally:
    print("imported:", *sorted(m for m in {heavy!r} if m in sys.modules))
"""


def _imported(*args: object) -> list[str]:
    """Heavy packages a `papers` process imported (run as its own process: the tests import them all)."""
    proc = subprocess.run([sys.executable, "-c", PROBE.format(heavy=HEAVY), *map(str, args)],
                          capture_output=True, text=True, cwd=ROOT, check=True)
    return proc.stdout.rsplit("imported:", 1)[1].split()


def test_a_rebuild_loads_only_what_changed(meeting: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert run_papers("build", meeting, "-o", out, "-j", "1").exit_code == 0
    assert _imported("build", meeting, "-o", out) == []  # nothing changed: files are only hashed
    edit(meeting / f"{BRIEFING}.yaml", "Since taking on", "Since starting")
    # one paper changed, no figure: validated and rendered, but the workbook is not opened
    assert _imported("build", meeting, "-o", out) == ["docxtpl", "markdown_it", "pydantic"]


def test_meeting_yaml_is_validated_again_when_it_or_the_papers_it_lists_change(meeting: Path,
                                                                               tmp_path: Path) -> None:
    out = tmp_path / "out"
    build = ("build", meeting, "-o", out, "-j", "1")
    assert run_papers(*build).exit_code == 0

    briefing = meeting / f"{BRIEFING}.yaml"
    kept = briefing.read_bytes()
    briefing.unlink()  # meeting.yaml is unchanged, but it now names a missing file
    missing = run_papers(*build)
    assert missing.exit_code == 1
    assert f"paper file not found: {BRIEFING}.yaml" in missing.output
    briefing.write_bytes(kept)

    edit(meeting / "meeting.yaml", "venue: Council Chamber", "venue: Committee Room 1")
    moved = run_papers(*build)
    assert moved.exit_code == 0, moved.output
    assert {statuses(moved.output)[n] for n in (f"{REPORT}.docx", f"{BRIEFING}.docx", f"{EXAMPLE_AS}-agenda.docx")} == {"built"}

    edit(meeting / "meeting.yaml", "date: 2022-12-08", "date: 2022-13-08")
    invalid = run_papers(*build)
    assert invalid.exit_code == 1
    assert "meeting.yaml:" in invalid.output and "date" in invalid.output


def _records(built: Path) -> list[tuple[Path, dict]]:
    """The workbook records a build left in its manifest, in file order."""
    entries = json.loads((built / ".papers-manifest.json").read_text(encoding="utf-8"))["outputs"]
    return [(EXAMPLE / f"{Path(name).stem}.yaml", entry["workbook"]) for name, entry in sorted(entries.items())
            if entry.get("workbook") and entry["workbook"]["tables"]]


def test_the_workbook_drawn_from_recorded_finance_is_the_built_one(built_example: Path) -> None:
    records = _records(built_example)
    template = ROOT / "templates" / "xlsx" / "budget.xlsx"
    assert render_workbook(records, template) == (built_example / "budget.xlsx").read_bytes()
