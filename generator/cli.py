"""The `papers` command: parse options, call the pipeline, print its report."""
from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from .build import DEFAULT_TEMPLATES, BuildReport, MeetingResult, Options, PaperResult, build, default_jobs

PATHS = click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
STRICT = click.option("--strict", is_flag=True, help="Treat warnings (e.g. a stated variance that does not "
                                                     "match forecast - budget) as errors.")
TEMPLATES = click.option("--templates", type=click.Path(file_okay=False, path_type=Path),
                         default=DEFAULT_TEMPLATES, show_default="the project's templates/",
                         envvar="PAPERS_TEMPLATES",
                         help="Folder holding docx/ and xlsx/ templates.")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="papers")
def main() -> None:
    """Build a council's committee papers from structured inputs.

    \b
    Example:
        papers build inputs/ -o outputs/
        papers check inputs/2022-12-08-corporate-os
    """


@main.command("build")
@PATHS
@click.option("-o", "--out", type=click.Path(file_okay=False, path_type=Path), default=Path("outputs"),
              show_default=True, help="Folder to write into: OUT/<meeting folder>/<paper>.docx.")
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=None,
              help="Papers built in parallel processes  [default: the number of cores]")
@click.option("--force", is_flag=True, help="Rebuild everything, even unchanged papers; an output edited by "
                                            "a person is first kept as <name>.edited-<n>.docx.")
@click.option("--pdf", is_flag=True, help="Also write each paper and the agenda as tagged PDF, and pack.pdf "
                                          "(agenda then papers, bookmarked). Needs LibreOffice.")
@STRICT
@TEMPLATES
def build_command(paths: tuple[Path, ...], out: Path, jobs: int | None, force: bool, pdf: bool, strict: bool,
                  templates: Path) -> None:
    """Build the papers of meeting folders or single paper files.

    PATHS may be a meeting folder (holding meeting.yaml), a folder of meeting
    folders, or paper .yaml files; the default is inputs/. Writes
    OUT/<meeting>/<paper>.docx, budget.xlsx (the finance blocks of the
    meeting) and agenda.docx. Unchanged papers are skipped; an output someone
    edited is never overwritten without --force. A paper with errors
    produces no file; the other papers still build. Exit status: 0 when all
    papers built, 1 when any failed, 2 for usage errors.

    \b
    Example:
        papers build inputs/2022-12-08-corporate-os -o outputs/
        papers build inputs/ --pdf -j 2
    """
    options = Options(out=out, templates=templates, strict=strict, force=force, pdf=pdf,
                      jobs=jobs or default_jobs())
    report = build(list(paths) or [Path("inputs")], options, progress=_progress())
    _print(report, "built")


@main.command("check")
@PATHS
@STRICT
@TEMPLATES
def check_command(paths: tuple[Path, ...], strict: bool, templates: Path) -> None:
    """Validate inputs and print every problem; writes nothing.

    \b
    Example:
        papers check inputs/2022-12-08-corporate-os/05-central-services.yaml
    """
    report = build(list(paths) or [Path("inputs")], Options(templates=templates, strict=strict, write=False))
    _print(report, "checked")


class _progress:
    """A progress bar on a terminal; nothing otherwise (the report follows)."""

    def __init__(self) -> None:
        self.bar: Any = None
        self.tty = sys.stdout.isatty()

    def __call__(self, meeting: MeetingResult, paper: PaperResult, done: int, total: int) -> None:
        if not self.tty:
            return
        if self.bar is None:
            self.bar = click.progressbar(length=total, label="building", show_pos=True)
            self.bar.__enter__()
        self.bar.update(1)
        if done == total:
            self.bar.__exit__(None, None, None)


def _print(report: BuildReport, done: str) -> None:
    for meeting in report.meetings:
        click.echo(meeting.name)
        for paper in meeting.papers:
            name = paper.output.name if paper.output is not None else paper.source.name
            note = "  (new)" if paper.new else "  (content changed)" if paper.changed else ""
            note += f"  (your edited copy kept as {paper.kept.name})" if paper.kept else ""
            click.echo(f"  {paper.status:<10}{name}{note}")
            for problem in paper.problems:
                click.echo(f"      {problem}")
        for output in meeting.outputs:
            click.echo(f"  {output.status:<10}{output.name}" + (f"  {output.message}" if output.message else ""))
        for problem in meeting.problems:  # the meeting's own: meeting.yaml, workbook, agenda, pack
            click.echo(f"  {'meeting':<10}{problem}")
    if done == "built":
        _summary_table(report)
    failed = report.count("failed")
    total = len(report.papers)
    summary = f"{total} paper{'s' if total != 1 else ''}: {report.count(done)} {done}"
    for status, label in (("unchanged", "unchanged"), ("skipped", "skipped (edited)")):
        if report.count(status):  # type: ignore[arg-type]
            summary += f", {report.count(status)} {label}"  # type: ignore[arg-type]
    summary += f", {failed} failed"
    summary += f", {report.warning_count} warning{'s' if report.warning_count != 1 else ''}"
    click.echo(summary)
    if not report.ok:
        raise SystemExit(1)


def _summary_table(report: BuildReport) -> None:
    width = max([len(m.name) for m in report.meetings] + [7])
    click.echo(f"{'meeting':<{width}}  built  unchanged  skipped  failed  warnings  errors")
    for m in report.meetings:
        click.echo(f"{m.name:<{width}}  {m.count('built'):>5}  {m.count('unchanged'):>9}  {m.count('skipped'):>7}"
                   f"  {m.count('failed'):>6}  {m.warning_count:>8}  {m.error_count:>6}")
    changed = [f"{m.name}/{p.output.name}" for m in report.meetings for p in m.papers
               if p.changed and not p.new and p.output is not None]
    click.echo("content changed since the previous build: " + (", ".join(changed) if changed else "none"))
