"""``papers new``: starting files for a meeting and for a paper of each type, every field with a one-line comment.

What is written builds as it is (placeholders say what to write); optional fields are there commented out, so
that a clerk sees every field without the paper printing rows nobody filled in.
"""
from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from ..errors import PapersError
from ..inputs.load import load_yaml
from ..model import MEETING_FILE
from ..papers import NAMES

_MEETING = """\
# The meeting: its committee, date and agenda (see docs/input-format.md).
committee: {committee}          # the committee's full name, as printed on the papers
short_name: {short_name}          # the shorter name for the cover table (leave as it is if there is none)
date: {date}                    # the meeting's date, as YYYY-MM-DD
time: "19:00"                       # the start time, in quotes (optional: delete the line if not known)
venue: Council Chamber, Civic Offices   # where it meets (optional)
items: []                           # the agenda, in order; `papers new paper` adds its paper here
"""

_COMMON = """\
---
template: {template}             # the kind of paper (portfolio_report, briefing_note or committee_report)
title: {title}                   # the paper's title
status: public                      # public, or exempt (then give exempt_reason)
# exempt_reason: "Paragraph 3, Part 1 of Schedule 12A ..."   # why it is exempt (only when status: exempt)
# item: "7"                         # the item number (taken from meeting.yaml when it lists the paper)
"""

_COVER = """\
# wards: All                        # wards and communities affected (optional on this paper)
# key_decision: false               # true prints "Key", false "Non-key" (optional on this paper)
# forward_plan_ref: FP/2023/001     # the forward plan reference (optional)
# accountable_assistant_director: {name: A. Name, title: Assistant Director}   # optional
# accountable_director: {name: A. Name, title: Corporate Director}            # optional
"""

_PORTFOLIO = _COMMON + """\
report_of: Councillor A. Name, Cabinet Member for ...   # who presents the report
""" + _COVER + """\
recommendations:                    # each numbered 1.1, 1.2 ... under "1. Recommendation" ([] for none)
  - That the Committee note the report and ask the Cabinet Member any related questions.
# finance: {finance: {label: Service, units: "£000", columns: {budget: Budget, forecast: Forecast}, rows: [{service: Example, budget: 100, forecast: 100}]}}   # optional: the FINANCIAL INFORMATION table at the end
---

# Introduction by Cabinet Member

Write the Cabinet Member's introduction here. (A first heading starting "Introduction" is the introduction.)

# Service area

Each `# ` heading starts a section (one per service area); write its text below it.

## Review of previous 12 months

Sub-headings are `##` (and `###`); lists start with `- `.
"""

_BRIEFING = _COMMON + """\
committee: {committee}          # the committee printed at the top (optional: default the meeting's)
purpose: Provides a summary of ...  # one sentence: what the note is for
---

Write the opening paragraphs here (before the first heading: a section without a title).

# First topic

Each `# ` heading starts a section; its paragraphs are numbered 1.1, 1.2 ... through the note.
"""

_COMMITTEE = _COMMON + """\
report_of: Councillor A. Name, Cabinet Member for ...   # who presents the report
wards: All                          # wards and communities affected
key_decision: false                 # true: a key decision ("Key"); false: "Non-key"
# forward_plan_ref: FP/2023/001     # the forward plan reference (a key decision without one is a warning)
# accountable_assistant_director: {name: A. Name, title: Assistant Director}   # optional
accountable_director: {name: A. Name, title: Corporate Director}   # the accountable director
implications:                       # who verified each implication (until all three are: a draft, not published)
  financial: {}                     # add verified_by: {name: ..., title: ...} when Finance has verified it
  legal: {}                         # add verified_by: {name: ..., title: ...} when Legal has verified it
  diversity_and_equality: {}        # add verified_by: {name: ..., title: ...} when the equalities lead has
appendices: []                      # files beside the paper: - {title: ..., file: detail.xlsx}
report_author: {name: A. Name, title: Job title, service: Service}   # who wrote it
---

# Executive Summary

Optional: a short summary before section 1 (delete this section if there is none).

# Recommendation(s)

- That Cabinet note the report.

# Introduction and Background

Write section 2 here.

# Issues, Options and Analysis of Options

Write section 3 here.

# Reasons for Recommendation

Write section 4 here.

# Consultation

Write section 5 here (including Overview and Scrutiny, if applicable).

# Impact on corporate policies, priorities, performance and community impact

Write section 6 here.

# Financial implications

Write the financial implications here.

# Legal implications

Write the legal implications here.

# Diversity and Equality implications

Write the diversity and equality implications here.

# Background papers used in preparing the report

- Each paper used, one '- ' line each (leave the heading with no lines for "None").
"""

PAPERS = {"portfolio_report": _PORTFOLIO, "briefing_note": _BRIEFING, "committee_report": _COMMITTEE}
_NUMBER = re.compile(r"^(\d+)([a-z]?)")


def new_meeting(folder: Path, committee: str, date: dt.date, short_name: str | None = None) -> Path:
    """Write ``folder/meeting.yaml`` (the folder is made); refuses to overwrite one."""
    target = folder / MEETING_FILE
    if target.exists():
        raise PapersError(f"{target} already exists: it is not overwritten")
    folder.mkdir(parents=True, exist_ok=True)
    _write(target, _fill(_MEETING, committee=_yaml_text(committee), short_name=_yaml_text(short_name or committee),
                         date=date.isoformat()))
    return target


def new_paper(folder: Path, name: str, template: str) -> Path:
    """Write ``folder/<name>.md``, a paper of type ``template``, and list it on the meeting's agenda."""
    if template not in PAPERS:
        raise PapersError(f"no paper type '{template}': use one of {', '.join(NAMES)}")
    stem = name.removesuffix(".md")
    if not stem or Path(stem).name != stem:
        raise PapersError(f"'{name}': give the paper's file name without a folder, e.g. 07-housing")
    target = folder / f"{stem}.md"
    if target.exists() or (folder / f"{stem}.yaml").exists():
        raise PapersError(f"{target if target.exists() else folder / (stem + '.yaml')} already exists: it is not "
                          "overwritten")
    meeting = folder / MEETING_FILE
    committee = "Committee name"
    if meeting.is_file():
        data = load_yaml(meeting).data
        if isinstance(data, dict) and isinstance(data.get("committee"), str):
            committee = data["committee"]
    title = stem.split("-", 1)[-1].replace("-", " ").capitalize() or "Title"
    _write(target, _fill(PAPERS[template], template=template, title=_yaml_text(title),
                         committee=_yaml_text(committee)))
    if meeting.is_file():
        _add_item(meeting, target.name, stem)
    return target


def _add_item(meeting: Path, file: str, stem: str) -> None:
    """List the paper on the agenda when ``items`` is the file's last field (appending keeps its comments)."""
    doc = load_yaml(meeting)
    data = doc.data
    if not isinstance(data, dict) or list(data)[-1:] != ["items"]:
        raise PapersError(f"wrote {file}; add it to the agenda in {meeting} (items: - number: ..., paper: {file})")
    items = data.get("items") or []
    match = _NUMBER.match(stem)
    number = (str(int(match.group(1))) + match.group(2)) if match else str(len(items) + 1)
    text = meeting.read_text(encoding="utf-8")
    if re.search(r"^items:\s*\[\]\s*(#.*)?$", text, re.M):
        text = re.sub(r"^items:\s*\[\]", "items:", text, count=1, flags=re.M)
    _write(meeting, text.rstrip("\n") + f"\n  - number: {_yaml_text(number)}\n    paper: {file}\n")


def _fill(text: str, **values: str) -> str:
    """``text`` with each ``{name}`` replaced (not str.format: the files hold YAML's own braces)."""
    for name, value in values.items():
        text = text.replace("{" + name + "}", value)
    return text


def _yaml_text(value: str) -> str:
    """``value`` as a YAML scalar on one line (quoted when YAML would read it otherwise)."""
    from .convert import dump_yaml

    return dump_yaml(value).removesuffix("\n...\n").strip()


def _write(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text, encoding="utf-8", newline="\n")
    tmp.replace(path)
