"""Domain errors and the problems they carry; only the CLI turns them into output."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import click

Level = Literal["error", "warning"]


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input, located as precisely as we can."""

    file: str
    line: int | None
    field: str | None
    message: str
    level: Level = "error"
    column: int | None = None

    def __str__(self) -> str:
        where = self.file
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        parts = [where]
        if self.field:
            parts.append(self.field)
        prefix = "warning: " if self.level == "warning" else ""
        return ": ".join(parts) + ": " + prefix + self.message


class PapersError(click.ClickException):
    """Base of every error a user can cause; the CLI prints it without a traceback."""

    exit_code = 1


class InputError(PapersError):
    """An input is invalid; carries every problem found, not just the first."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


class TemplateProblem(PapersError):
    """A template cannot be used (missing, unreadable, or its tags are broken)."""


def errors_only(problems: list[Problem]) -> list[Problem]:
    """The error-level problems of a list."""
    return [p for p in problems if p.level == "error"]


def internal_problem(file: str, exc: BaseException) -> Problem:
    """A fault in papers itself met while handling ``file``, said as such (never a traceback)."""
    return Problem(file, None, None, f"papers could not handle this file because of a fault in papers itself "
                   f"({type(exc).__name__}: {exc}); nothing was written for it. Please report it with this file; "
                   "until it is fixed, changing the part of the file last edited may avoid it")
