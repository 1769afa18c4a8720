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
    # the skipped level is reported once, at its line of the input, in the input's terms (issue 9.8)
    line = next(n for n, text in enumerate((EXAMPLE / f"{REPORT}.yaml").read_text(encoding="utf-8").splitlines(),
                                           start=1) if "The IT department provides the technical infrastructure" in text)
    assert (f"{REPORT}.yaml:{line}: sections[0].body: warning: '###' straight under the section title skips a "
            "heading level: use '##' for a sub-heading under a section title ('###' is a minor heading under a "
            "'##' one)") in problems_under(result.output, f"{REPORT}.docx"), result.output
    found = [line for line in problems_under(result.output, f"{REPORT}.docx") if "accessibility" in line]
    assert len(found) == 1, result.output
    assert found[0].startswith(f'{REPORT}.docx: paragraph ')
    assert ': warning: accessibility (link-text): the link text "Click here" does not say where the link goes' \
        in found[0]
    assert "; fix: " in found[0]
    # an unchanged rebuild still reports them (they are kept with the output's record)
    again = run_papers("build", meeting, "-o", tmp_path / "out", "-j", "1")
    assert [line for line in problems_under(again.output, f"{REPORT}.docx") if "accessibility" in line] == found
    quiet = run_papers("build", meeting, "-o", tmp_path / "quiet", "-j", "1", "--no-audit")
    assert "accessibility" not in quiet.output
