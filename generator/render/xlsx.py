"""Excel output: the one module that writes workbooks with openpyxl (issue 3: in progress)."""
from __future__ import annotations

from pathlib import Path

from ..errors import TemplateProblem
from ..model import Meeting, Paper


def render_workbook(meeting: Meeting, papers: list[Paper], template: Path) -> bytes:
    """The meeting's budget workbook: a sheet per paper with finance blocks, and a Summary."""
    raise TemplateProblem(f"{template.name}: budget workbooks are not implemented yet")
