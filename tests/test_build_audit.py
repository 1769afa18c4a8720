"""`papers build` audits what it writes: accessibility findings are printed as warnings under the output."""
from __future__ import annotations

import shutil
from pathlib import Path

from conftest import EXAMPLE, problems_under, run_papers

REPORT = "05-central-services"


def meeting_with(tmp_path: Path, old: str, new: str) -> Path:
    """A copy of the example meeting with ``old`` replaced by ``new`` in the portfolio report."""
    meeting = tmp_path / "in" / EXAMPLE.name
    shutil.copytree(EXAMPLE, meeting)
    paper = meeting / f"{REPORT}.yaml"
    text = paper.read_text(encoding="utf-8")
    assert old in text
    paper.write_text(text.replace(old, new, 1), encoding="utf-8")
    return meeting


def test_a_clean_build_has_no_accessibility_warnings(example_build) -> None:  # type: ignore[no-untyped-def]
    _, result = example_build
    assert "accessibility" not in result.output


def test_generic_link_text_and_a_skipped_heading_level_are_warned_about(tmp_path: Path) -> None:
    meeting = meeting_with(tmp_path, "The IT department provides the technical infrastructure",
                           "### Detail\n\n      [Click here](https://www.thurrock.gov.uk) for more.\n\n"
                           "      The IT department provides the technical infrastructure")
    result = run_papers("build", meeting, "-o", tmp_path / "out", "-j", "1")
    assert result.exit_code == 0, result.output  # warnings do not fail a build
    found = [line for line in problems_under(result.output, f"{REPORT}.docx") if "accessibility" in line]
    assert len(found) == 2, result.output
    assert found[0].startswith(f'{REPORT}.docx: paragraph ')
    assert '"Detail": warning: accessibility (heading-order): Heading 3 follows Heading 1 "INFORMATION' in found[0]
    assert ': warning: accessibility (link-text): the link text "Click here" does not say where the link goes' \
        in found[1]
    assert "; fix: " in found[1]
    # an unchanged rebuild still reports them (they are kept with the output's record)
    again = run_papers("build", meeting, "-o", tmp_path / "out", "-j", "1")
    assert [line for line in problems_under(again.output, f"{REPORT}.docx") if "accessibility" in line] == found
    quiet = run_papers("build", meeting, "-o", tmp_path / "quiet", "-j", "1", "--no-audit")
    assert "accessibility" not in quiet.output
