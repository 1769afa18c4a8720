"""The `papers` command: parse options, call the pipeline, print its report."""
from __future__ import annotations

from pathlib import Path

import click

from .build import DEFAULT_TEMPLATES, BuildReport, Options, build

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
@STRICT
@TEMPLATES
def build_command(paths: tuple[Path, ...], out: Path, strict: bool, templates: Path) -> None:
    """Build Word papers for meeting folders or single paper files.

    PATHS may be a meeting folder (holding meeting.yaml), a folder of meeting
    folders, or paper .yaml files; the default is inputs/. A paper with errors
    produces no file; the other papers still build. Exit status: 0 when all
    papers built, 1 when any failed, 2 for usage errors.

    \b
    Example:
        papers build inputs/2022-12-08-corporate-os -o outputs/
    """
    report = build(list(paths) or [Path("inputs")], Options(out=out, templates=templates, strict=strict))
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


def _print(report: BuildReport, done: str) -> None:
    for meeting in report.meetings:
        for problem in meeting.problems:
            click.echo(f"  {meeting.name}/{problem}")
        for paper in meeting.papers:
            shown = paper.output if paper.output is not None else Path(meeting.name) / paper.source.name
            click.echo(f"{paper.status:<8}{shown}")
            for problem in paper.problems:
                click.echo(f"  {problem}")
    failed = report.count("failed")
    total = len(report.papers)
    summary = f"{total} paper{'s' if total != 1 else ''}: {report.count(done)} {done}, {failed} failed"
    summary += f", {report.warning_count} warning{'s' if report.warning_count != 1 else ''}"
    click.echo(summary)
    if not report.ok:
        raise SystemExit(1)
