"""The pipeline: find papers, load and validate them, render, write. Prints nothing."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from .assemble import MEETING_FILE, MeetingInputs, load_meeting, load_paper
from .errors import InputError, PapersError, Problem, TemplateProblem
from .model import Paper
from .outputs import write_atomic

DEFAULT_TEMPLATES = Path(__file__).resolve().parents[1] / "templates"

Status = Literal["built", "checked", "failed"]


class UsageError(PapersError):
    """The command was given something it cannot work on (exit status 2)."""

    exit_code = 2


@dataclass
class Options:
    out: Path = Path("outputs")
    templates: Path = DEFAULT_TEMPLATES
    strict: bool = False
    write: bool = True  # False for `papers check`


@dataclass
class PaperResult:
    source: Path
    status: Status
    output: Path | None = None
    problems: list[Problem] = field(default_factory=list)

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.level == "warning"]


@dataclass
class MeetingResult:
    folder: Path
    name: str
    papers: list[PaperResult] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)  # of meeting.yaml itself

    @property
    def ok(self) -> bool:
        return not any(p.level == "error" for p in self.problems) and all(
            r.status != "failed" for r in self.papers)


@dataclass
class BuildReport:
    meetings: list[MeetingResult] = field(default_factory=list)

    @property
    def papers(self) -> list[PaperResult]:
        return [p for m in self.meetings for p in m.papers]

    @property
    def ok(self) -> bool:
        return all(m.ok for m in self.meetings)

    def count(self, status: Status) -> int:
        """How many papers ended with ``status``."""
        return sum(1 for p in self.papers if p.status == status)

    @property
    def warning_count(self) -> int:
        return sum(len(p.warnings) for p in self.papers) + sum(
            1 for m in self.meetings for p in m.problems if p.level == "warning")


@dataclass
class Job:
    """A meeting folder (or the folder of a lone paper) and the papers to build in it."""

    folder: Path
    has_meeting: bool
    papers: list[Path]


def _is_paper(path: Path) -> bool:
    return path.suffix.lower() in (".yaml", ".yml") and path.name != MEETING_FILE


def discover(paths: list[Path]) -> list[Job]:
    """Meeting folders and papers named by the command line, in a stable order."""
    jobs: dict[Path, Job] = {}
    for path in paths:
        if path.is_file():
            if not _is_paper(path):
                raise UsageError(f"{path}: not a paper file (expected a .yaml paper or a meeting folder)")
            folder = path.parent
            job = jobs.setdefault(folder, Job(folder, (folder / MEETING_FILE).is_file(), []))
            if path not in job.papers:
                job.papers.append(path)
        elif path.is_dir():
            folders = [path] if (path / MEETING_FILE).is_file() else sorted(
                m.parent for m in path.rglob(MEETING_FILE))
            if not folders:
                raise UsageError(f"{path}: no {MEETING_FILE} here or in any folder below")
            for folder in folders:
                jobs[folder] = Job(folder, True, sorted(p for p in folder.iterdir() if _is_paper(p)))
        else:
            raise UsageError(f"{path}: no such file or folder")
    return list(jobs.values())


def _agenda_order(job: Job, meeting: MeetingInputs | None) -> list[Path]:
    if meeting is None:
        return job.papers
    listed = [job.folder / file for _, file, _ in meeting.items if file]
    return [p for p in listed if p in job.papers] + [p for p in job.papers if p not in listed]


def build(paths: list[Path], options: Options) -> BuildReport:
    """Build (or with ``options.write`` False, only check) every paper under ``paths``."""
    report = BuildReport()
    for job in discover(paths):
        report.meetings.append(_build_meeting(job, options))
    return report


def _build_meeting(job: Job, options: Options) -> MeetingResult:
    result = MeetingResult(job.folder, job.folder.name)
    meeting: MeetingInputs | None = None
    if job.has_meeting:
        try:
            meeting, result.problems = load_meeting(job.folder)
        except InputError as exc:
            result.problems = exc.problems
        if meeting is None:
            for paper in job.papers:
                result.papers.append(PaperResult(paper, "failed", problems=[
                    Problem(MEETING_FILE, None, None, "meeting.yaml has errors (see above)")]))
            return result
        listed = {file for _, file, _ in meeting.items if file}
        for paper in job.papers:
            if paper.name not in listed:
                result.problems.append(Problem(MEETING_FILE, None, "items",
                                               f"{paper.name} is not on the agenda", level="warning"))
    for paper_file in _agenda_order(job, meeting):
        result.papers.append(_build_paper(paper_file, meeting, options))
    return result


def _build_paper(file: Path, meeting: MeetingInputs | None, options: Options) -> PaperResult:
    try:
        paper, problems = load_paper(file, meeting, options.templates)
    except InputError as exc:
        return PaperResult(file, "failed", problems=exc.problems)
    if options.strict:
        problems = [Problem(p.file, p.line, p.field, p.message, "error", p.column) for p in problems]
    if paper is None or any(p.level == "error" for p in problems):
        return PaperResult(file, "failed", problems=problems)
    if not options.write:
        return PaperResult(file, "checked", problems=problems)
    output = options.out / file.parent.name / f"{file.stem}.docx"
    try:
        data = render(paper, options.templates)
    except TemplateProblem as exc:
        return PaperResult(file, "failed", problems=problems + [Problem(file.name, None, "template", exc.message)])
    write_atomic(output, data)
    return PaperResult(file, "built", output, problems)


def render(paper: Paper, templates: Path) -> bytes:
    """The Word document of a paper."""
    from .render.docx import render_paper  # docxtpl is loaded only when something is rendered

    return render_paper(paper, templates / "docx" / f"{paper.template}.docx")
