"""The `papers` command: parse options, call the pipeline, print its report."""
from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import click

from .build import DEFAULT_TEMPLATES, BuildReport, Options, Step, build, default_jobs, is_appendix_pdf
from .errors import PapersError
from .write.outputs import WORKBOOK

PATHS = click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
OUT = click.option("-o", "--out", type=click.Path(file_okay=False, path_type=Path), default=Path("outputs"),
                   show_default=True, help="Folder to write into: OUT/<meeting folder>/<paper>.docx.")
JOBS = click.option("-j", "--jobs", type=click.IntRange(min=1), default=None,
                    help="Papers built in parallel processes  [default: the number of cores]")
STRICT = click.option("--strict", is_flag=True, help="Treat warnings (e.g. a stated variance that does not "
                                                     "match forecast - budget) as errors.")
TEMPLATES = click.option("--templates", type=click.Path(file_okay=False, path_type=Path),
                         default=DEFAULT_TEMPLATES, show_default="the project's templates/",
                         envvar="PAPERS_TEMPLATES",
                         help="Folder holding docx/ and xlsx/ templates.")


class _Papers(click.Group):
    """The command group: a fault in papers itself is said in words, not as a Python traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except Exception as exc:
            if os.environ.get("PAPERS_DEBUG"):  # for whoever fixes it: the traceback
                raise
            # every output is written to a temporary file and renamed: none is left half-written
            raise PapersError(f"a fault in papers itself stopped this command ({type(exc).__name__}: {exc}). "
                              "Every file in the output folder is whole: from this run or from the one before. "
                              "Please report it with the inputs; PAPERS_DEBUG=1 shows the details") from None


@click.group(cls=_Papers, context_settings={"help_option_names": ["-h", "--help"]})
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
@OUT
@JOBS
@click.option("--force", is_flag=True, help="Rebuild everything, even unchanged papers; an output edited by "
                                            "a person is first kept as <name>.edited-<n>.docx.")
@click.option("--pdf", is_flag=True, help="Also write each paper and the agenda as tagged PDF, and the pack "
                                          "(agenda then papers, bookmarked). Needs LibreOffice.")
@click.option("--no-audit", "no_audit", is_flag=True, help="Skip the accessibility check of what was written "
                                                           "(see `papers audit`).")
@STRICT
@TEMPLATES
def build_command(paths: tuple[Path, ...], out: Path, jobs: int | None, force: bool, pdf: bool, no_audit: bool,
                  strict: bool, templates: Path) -> None:
    """Build the papers of meeting folders or single paper files.

    PATHS may be a meeting folder (holding meeting.yaml), a folder of meeting
    folders, or paper .yaml files; the default is inputs/. Writes
    OUT/<meeting>/<paper>.docx, budget.xlsx (the finance blocks of the
    meeting) and the agenda, named after the meeting
    (2022-12-08-corporate-os-agenda.docx). Unchanged papers are skipped; an output someone
    edited is never overwritten without --force. Everything written is
    checked for accessibility as `papers audit` does; findings are
    warnings (--no-audit skips the check). A paper with errors
    produces no file; the other papers still build. Exit status: 0 when all
    papers built, 1 when any failed, 2 for usage errors.

    \b
    Example:
        papers build inputs/2022-12-08-corporate-os -o outputs/
        papers build inputs/ --pdf -j 2
    """
    options = Options(out=out, templates=templates, strict=strict, force=force, pdf=pdf,
                      jobs=jobs or default_jobs(), audit=not no_audit)
    with _progress() as progress:
        report = build(list(paths) or [Path("inputs")], options, progress=progress)
    _print(report, "built")


@main.command("check")
@PATHS
@STRICT
@TEMPLATES
@click.option("--publish", is_flag=True, help="List every paper that is not ready to publish and why (uncleared "
                                              "sign-off, exempt without a reason, a KPI contradiction, a finance "
                                              "disagreement); exit 1 if any.")
def check_command(paths: tuple[Path, ...], strict: bool, templates: Path, publish: bool) -> None:
    """Validate inputs and print every problem; writes nothing.

    \b
    Example:
        papers check inputs/2022-12-08-corporate-os/05-central-services.yaml
        papers check --publish inputs/2023-01-18-cabinet
    """
    with _progress() as progress:  # check makes every document in memory: it takes a while too
        report = build(list(paths) or [Path("inputs")], Options(templates=templates, strict=strict, write=False),
                       progress=progress)
    if publish:
        if not _print_not_ready(report):
            raise SystemExit(1)
        return
    _print(report, "checked")


def _print_not_ready(report: BuildReport, despite_warnings: bool = False) -> bool:
    """Print each meeting's papers, ready or not and why; returns whether everything is ready (with
    ``despite_warnings``, papers held back by warnings alone count as ready, and are listed with them)."""
    from .publish.ready import not_ready, only_warnings

    found = not_ready(report)
    allowed = {id(n.result) for n in found if despite_warnings and only_warnings(n)}
    held = [n for n in found if id(n.result) not in allowed]
    listed = {id(n.result): n for n in found}
    for meeting in report.meetings:
        click.echo(meeting.name)
        for paper in meeting.papers:
            entry = listed.get(id(paper))
            if entry is None:
                click.echo(f"  {'ready':<10}{paper.source.name}")
                continue
            label = "warnings" if id(paper) in allowed else "not ready"
            click.echo(f"  {label:<10}{paper.source.name}: {'; '.join(entry.reasons)}"
                       + (" (published despite them: --despite-warnings)" if id(paper) in allowed else ""))
            for problem in entry.problems:
                click.echo(f"      {problem}")
        for problem in meeting.problems:
            click.echo(f"  {'meeting':<10}{problem}")
    total = len(report.papers)
    click.echo(f"{len(held)} of {total} paper{'s' if total != 1 else ''} not ready to publish"
               + (f" ({len(allowed)} with warnings, published despite them)" if allowed else ""))
    # the meeting's own errors (meeting.yaml) stop publication too; its outputs are not the question here
    return not (held or any(p.level == "error" for m in report.meetings for p in m.problems))


@main.command("publish")
@click.argument("meeting", type=click.Path(exists=True, file_okay=False, path_type=Path))
@OUT
@TEMPLATES
@click.option("--date", "on", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="The date of publication (YYYY-MM-DD)  [default: today]")
@click.option("--despite-warnings", is_flag=True,
              help="Publish papers held back by warnings alone (a finance disagreement, a KPI contradiction) as "
                   "they are; papers with errors or an incomplete sign-off are still held back.")
def publish_command(meeting: Path, out: Path, templates: Path, on: Any, despite_warnings: bool) -> None:
    """Record what OUT holds of MEETING as published: each file's name, sha256, pages, and the date.

    First runs `papers check --publish` (every paper must be ready), then checks that OUT holds a
    current `papers build --pdf` of the meeting. After publication the agenda, the pack and the papers'
    PDFs stay as published: a build in which papers changed or were added makes a supplement
    (Supplementary agenda 1, <date>-<committee>-supplement-1.pdf), which `papers publish` then records.

    \b
    Example:
        papers build inputs/2022-12-08-corporate-os --pdf -o outputs/
        papers publish inputs/2022-12-08-corporate-os -o outputs/ --date 2022-11-30
    """
    import datetime as dt

    from .publish.command import NotPublished, publish

    with _progress() as progress:
        report = build([meeting], Options(templates=templates, write=False), progress=progress)
    if not _print_not_ready(report, despite_warnings):
        raise NotPublished(f"{meeting.name} was not published: every paper must be ready (see above), then build "
                           "with --pdf, then publish" + ("" if despite_warnings else
                                                         "; papers held back only by warnings can be published "
                                                         "as they are with --despite-warnings"))
    when = on.date() if on is not None else dt.date.today()
    done = publish(meeting, Options(out=out, templates=templates), when)
    what = f"supplement {done.number}" if done.number else "the agenda and pack"
    if done.already:
        click.echo(f"nothing new to publish: {what} of {meeting.name} was published on {done.date}, and nothing "
                   "has changed since")
        return
    for name, sha256, pages in done.files:
        click.echo(f"  published {name}  {_plural(pages, 'page') if pages else ''}  sha256 {sha256[:12]}")
    click.echo(f"published {what} of {meeting.name} on {done.date}: {_plural(len(done.files), 'file')} recorded "
               f"in {done.manifest}")


@main.command("audit")
@click.argument("outs", nargs=-1, type=click.Path(exists=True, path_type=Path))
def audit_command(outs: tuple[Path, ...]) -> None:
    """Audit published papers (.docx, .pdf) for accessibility (WCAG 2.2 AA).

    OUTS are output folders (searched recursively) or files; the default is
    outputs/. Checks titles, language, headings, table headers, link text,
    alt text, text size and contrast, typed lists, and PDF tagging. Prints
    each finding on one line, grouped by file, then a summary. Exit status:
    1 when any finding is an error, 0 otherwise (warnings allowed).

    \b
    Example:
        papers audit outputs/2022-12-08-corporate-os
        papers audit outputs/2022-12-08-corporate-os/2022-12-08-corporate-os-pack.pdf
    """
    from .checks.audit import audit_results  # only this command needs python-docx/pypdf readers

    if not outs and not Path("outputs").exists():
        raise click.UsageError("no OUT given, and there is no outputs/ folder here")
    results = audit_results(list(outs) or [Path("outputs")])
    errors = _print_findings(results, "file", "audited", "no .docx or .pdf files found", grouped=True)
    if errors:
        raise SystemExit(1)


@main.command("lint-template")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@TEMPLATES
def lint_template_command(paths: tuple[Path, ...], templates: Path) -> None:
    """Check Word and Excel templates after someone edited them; changes nothing.

    PATHS are .docx/.xlsx files or folders; the default is docx/*.docx and
    xlsx/*.xlsx of the templates folder. Word templates are read as docxtpl
    reads them: Jinja syntax, tags Word split so that docxtpl cannot re-join
    them, variables the generator does not provide or that a template must
    print, and the styles and list numbering the generator draws with. The
    workbook template must have the model sheets and the "papers ..." cell
    styles, and no formula referring to a missing sheet. Prints each finding
    on one line, grouped by file, then a summary. Exit status: 1 when any
    finding is an error or no template was found, 0 otherwise (warnings
    allowed).

    \b
    Example:
        papers lint-template
        papers lint-template templates/docx/*.docx templates/xlsx/*.xlsx
    """
    from .checks.lint import default_files, lint_results, template_files  # only this command needs them

    files = template_files(paths) if paths else default_files(templates)
    results = lint_results(files)
    errors = _print_findings(results, "template", "linted", "no .docx or .xlsx templates found", grouped=False)
    if errors or not files:
        raise SystemExit(1)


@main.command("convert")
@click.argument("papers", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Replace an existing X.md.")
def convert_command(papers: tuple[Path, ...], force: bool) -> None:
    """Write a YAML paper as a Markdown paper: X.yaml gives X.md beside it.

    The Markdown paper builds the same document (the YAML file is kept;
    build one or the other, not both, since both would be built as X.docx).
    An existing X.md is not overwritten without --force.

    \b
    Example:
        papers convert inputs/2022-12-08-corporate-os/05-central-services.yaml
    """
    from .authoring.convert import convert_file

    for paper in papers:
        written = convert_file(paper, force=force)
        click.echo(f"wrote {written}: the same paper as {paper.name}; keep one of the two in the meeting folder "
                   f"(both would be built as {paper.stem}.docx) and name it in meeting.yaml (paper: {written.name})")


@main.command("import")
@click.argument("draft", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("-o", "--out", "out", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="The folder to write the paper into (default: the draft's folder).")
@click.option("--force", is_flag=True, help="Replace the paper and its files when they exist.")
def import_command(draft: Path, out: Path | None, force: bool) -> None:
    """Turn a Word draft into a Markdown paper: DRAFT.docx gives DIR/DRAFT.md.

    Headings (Word's, or short bold or capital lines), lists (Word's, or
    typed bullets), tables (KPI, finance into DRAFT-finance-N.csv, others),
    links, pictures with alt text and the cover's fields are kept; typed
    paragraph numbers are dropped (the template numbers paragraphs). What
    cannot be placed (text boxes, comments, tracked changes, pictures
    without alt text) is listed as warnings. Exit status 0 (warnings
    allowed), 1 on error.

    \b
    Example:
        papers import drafts/07-housing.docx -o inputs/2023-01-18-cabinet
    """
    from .authoring.importer import import_docx

    result = import_docx(draft, out, force=force)
    others = [p.name for p in result.files[1:]]
    click.echo(f"wrote {result.paper}" + (f" (and {', '.join(others)})" if others else "")
               + f": build it with papers build {result.paper}")
    for problem in result.warnings:
        click.echo(f"      {problem}")
    count = len(result.warnings)
    click.echo(f"{draft.name}: imported, {count} warning{'s' if count != 1 else ''}")


@main.group("new")
def new_group() -> None:
    """Start a meeting folder or a paper from a file with every field explained.

    \b
    Example:
        papers new meeting inputs/2023-01-18-cabinet --committee "Cabinet" --date 2023-01-18
        papers new paper inputs/2023-01-18-cabinet 07-housing --type portfolio_report
    """


@new_group.command("meeting")
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
@click.option("--committee", required=True, help="The committee's full name.")
@click.option("--date", "date", required=True, type=click.DateTime(formats=["%Y-%m-%d"]),
              help="The meeting's date, YYYY-MM-DD.")
@click.option("--short-name", default=None, help="The committee's short name for the cover table.")
def new_meeting_command(folder: Path, committee: str, date: Any, short_name: str | None) -> None:
    """Write FOLDER/meeting.yaml (the folder is made); an existing one is kept.

    \b
    Example:
        papers new meeting inputs/2023-01-18-cabinet --committee "Cabinet" --date 2023-01-18
    """
    from .authoring.new import new_meeting

    click.echo(f"wrote {new_meeting(folder, committee, date.date(), short_name)}")


@new_group.command("paper")
@click.argument("meeting", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.argument("name")
@click.option("--type", "template", required=True, type=click.Choice(["portfolio_report", "briefing_note",
                                                                      "committee_report"]),
              help="The kind of paper.")
def new_paper_command(meeting: Path, name: str, template: str) -> None:
    """Write MEETING/NAME.md, a Markdown paper of every field, and list it on the agenda.

    The paper builds as it is; replace the placeholder text. An existing
    paper of that name is kept.

    \b
    Example:
        papers new paper inputs/2023-01-18-cabinet 07-housing --type portfolio_report
    """
    from .authoring.new import new_paper

    click.echo(f"wrote {new_paper(meeting, name, template)}")


@main.command("watch")
@PATHS
@OUT
@JOBS
@click.option("--pdf", is_flag=True, help="Also write PDFs and the pack at each build. Needs LibreOffice.")
@click.option("--no-audit", "no_audit", is_flag=True, help="Skip the accessibility check of what was written.")
@click.option("--rebuilds", type=click.IntRange(min=1), default=None,
              help="Stop after this many rebuilds (for scripts and tests); default: until Ctrl+C.")
@STRICT
@TEMPLATES
def watch_command(paths: tuple[Path, ...], out: Path, jobs: int | None, pdf: bool, no_audit: bool,
                  rebuilds: int | None, strict: bool, templates: Path) -> None:
    """Build, then rebuild whatever changed each time a file is saved.

    PATHS and the default are those of `papers build`; the templates folder
    is watched too. Each build prints what `papers build` prints (one line
    per paper, its warnings and errors); a build with errors does not stop
    the watch. Stop it with Ctrl+C. Exit status: that of the last build.

    \b
    Example:
        papers watch inputs/2022-12-08-corporate-os -o outputs/
    """
    from .authoring.watch import watch_builds

    targets = list(paths) or [Path("inputs")]
    options = Options(out=out, templates=templates, strict=strict, pdf=pdf, jobs=jobs or default_jobs(),
                      audit=not no_audit)
    failed = False
    try:
        for outcome in watch_builds(targets, options, rebuilds):
            if isinstance(outcome, PapersError):
                click.echo(f"Error: {outcome.format_message()}")
                failed = True
            else:
                try:
                    _print(outcome, "built")
                    failed = False
                except SystemExit:  # a failed build: reported above, and the watch goes on
                    failed = True
            click.echo(f"watching {', '.join(str(p) for p in targets)} for saved changes (Ctrl+C to stop)",
                       err=True)
    except KeyboardInterrupt:  # Ctrl+C during a build: it wrote nothing half-made (outputs are replaced whole)
        click.echo("stopped", err=True)
    if failed:
        raise SystemExit(1)


def _print_findings(results: list[tuple[str, list[Any]]], noun: str, verb: str, none_found: str,
                    grouped: bool) -> int:
    """Print findings per file (under a file line when ``grouped``, else ``name: ok`` for clean files)
    and a summary; returns the number of errors."""
    errors = warnings = 0
    for name, findings in results:
        if grouped and findings:
            click.echo(name)
        elif not grouped and not findings:
            click.echo(f"{name}: ok")
        for finding in findings:
            click.echo(f"  {finding}" if grouped else str(finding))
            errors += finding.level == "error"
            warnings += finding.level == "warning"
    if not results:
        click.echo(none_found)
    count = len(results)
    click.echo(f"{count} {noun}{'s' if count != 1 else ''} {verb}: {errors} error{'s' if errors != 1 else ''}, "
               f"{warnings} warning{'s' if warnings != 1 else ''}")
    return errors


def _on_terminal() -> bool:
    return sys.stderr.isatty()


# what a stage is doing before its first item is done (LibreOffice takes seconds to start)
_WORKING = {"papers": "building…", "workbook": "writing…", "agenda": "writing…",
            "PDFs": "LibreOffice converting…", "pack": "joining the PDFs…"}


class _progress:
    """Each stage of the build as it runs, on stderr. On a terminal: one line per stage (papers, workbook,
    agenda, PDFs, pack) with a bar, counts and what was just finished, fitted to the terminal's width and
    gone when the report prints. Otherwise (a log, CI): one plain line per stage once it is done."""

    def __init__(self) -> None:
        self.tty = _on_terminal()
        self.bars: Any = None
        self.tasks: dict[str, Any] = {}
        self.meeting = ""  # the meeting whose stages are being reported (plain lines)
        self.last: dict[str, Step] = {}  # its stages' last steps, in order (plain lines)

    def __enter__(self) -> "_progress":
        if self.tty:
            from rich.console import Console  # only a terminal needs rich
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
            from rich.table import Column

            console = Console(file=sys.stderr, force_terminal=True)
            self.bars = Progress(TextColumn("{task.description}", table_column=Column(width=8, no_wrap=True)),
                                 BarColumn(bar_width=20), MofNCompleteColumn(),
                                 TextColumn("{task.fields[item]}",
                                            table_column=Column(no_wrap=True, overflow="ellipsis", ratio=1)),
                                 console=console, transient=True, auto_refresh=False, expand=True)
            self.bars.start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self.bars is not None:
            self.bars.stop()
        self._flush()

    def __call__(self, step: Step) -> None:
        if self.bars is not None:
            item = step.item or step.note or (_WORKING[step.stage] if step.done < step.total else "")
            if step.stage != "papers" and step.meeting:  # which meeting, after what (cut first when narrow)
                item = f"{item}  {step.meeting}" if item else step.meeting
            if step.stage not in self.tasks:
                self.tasks[step.stage] = self.bars.add_task(step.stage, total=step.total, item=item)
            self.bars.update(self.tasks[step.stage], completed=step.done, total=max(step.total, 1), item=item)
            self.bars.refresh()
        elif step.stage == "papers":
            if step.done == step.total:
                click.echo(f"papers: {step.done}/{step.total}" + (f" ({step.note})" if step.note else ""), err=True)
        else:
            if step.meeting != self.meeting:
                self._flush()
                self.meeting = step.meeting
            self.last[step.stage] = step

    def _flush(self) -> None:
        """The plain lines of the stages of the meeting just finished."""
        for step in self.last.values():
            click.echo(f"{step.meeting}: {step.stage} {step.done}/{step.total}", err=True)
        self.last = {}


def _print(report: BuildReport, done: str) -> None:
    # one write of the whole report: a line at a time (a flush each) was a tenth of a rebuild with nothing to do
    out: list[str] = []
    for meeting in report.meetings:
        out.append(meeting.name)
        for paper in meeting.papers:
            name = paper.output.name if paper.output is not None else paper.source.name
            note = "  (new)" if paper.new else "  (content changed)" if paper.changed else ""
            note += f"  (your edited copy kept as {paper.kept.name})" if paper.kept else ""
            out.append(f"  {paper.status:<10}{name}{note}")
            for problem in paper.problems:
                out.append(f"      {problem}")
            _print_diff(paper.diff, out)
        for output in meeting.outputs:
            out.append(f"  {output.status:<10}{output.name}" + (f"  {output.message}" if output.message else ""))
            _print_diff(output.diff, out)
        for problem in meeting.problems:  # the meeting's own: meeting.yaml, workbook, agenda, pack
            out.append(f"  {'meeting':<10}{problem}")
        for note in meeting.notes:  # after publication: the supplement, and what was left as published
            out.append(f"  {note}")
    if done == "built":
        _summary_table(report, out)
        _written(report, out)
    out.append(_last_line(report, done))
    click.echo("\n".join(out))
    if not report.ok:
        raise SystemExit(1)


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'s' if count != 1 else ''}"


def _last_line(report: BuildReport, done: str) -> str:
    """The summary: papers by status, warnings, then every other reason the exit status is 1."""
    summary = f"{_plural(len(report.papers), 'paper')}: {report.count(done)} {done}"  # type: ignore[arg-type]
    for status, label in (("unchanged", "unchanged"), ("skipped", "skipped (edited)")):
        if report.count(status):  # type: ignore[arg-type]
            summary += f", {report.count(status)} {label}"  # type: ignore[arg-type]
    summary += f", {report.count('failed')} failed, {_plural(report.warning_count, 'warning')}"
    reasons = report.failures()
    if reasons:
        summary += f"; {'build' if done == 'built' else 'check'} failed: " + ", ".join(reasons)
    return summary




def _written(report: BuildReport, out: list[str]) -> None:
    """Where the outputs went (full paths) and how many files of each kind were written there."""
    assert report.out is not None
    for m in report.meetings:
        folder = report.out / m.name
        if not m.papers and not m.outputs or not (m.written or folder.is_dir()):
            continue  # nothing of it could be built (its problems are listed above)
        names = m.written
        if not names:
            out.append(f"nothing written to {folder}" + (": every output there is up to date" if m.ok else ""))
            continue
        kinds: dict[str, int] = {}
        for name in names:
            # a meeting output (the agenda, the packs; a lone paper has only the workbook), else a paper's file
            kind = (m.names.kind(name) if m.names is not None else "workbook" if name == WORKBOOK else None) or (
                "Word paper" if name.endswith(".docx") else "appendix PDF" if is_appendix_pdf(name) else "paper PDF")
            kinds[kind] = kinds.get(kind, 0) + 1
        order = ["Word paper", "workbook", "agenda", "paper PDF", "appendix PDF", "agenda PDF", "pack", "exempt pack",
                 "supplementary agenda", "supplementary agenda PDF", "supplement", "open data file"]
        parts = [_plural(kinds[k], k) if kinds[k] > 1 else f"1 {k}" for k in order if k in kinds]
        out.append(f"outputs written to {folder}: {_plural(len(names), 'file')} ({', '.join(parts)})")


def _print_diff(lines: list[str], out: list[str]) -> None:
    """What a person changed in an output skipped as edited (a short unified diff), under it."""
    if lines:
        out.append("      what was changed by hand, against what the build made:")
    for line in lines:
        out.append(f"        {line}")


def _summary_table(report: BuildReport, out: list[str]) -> None:
    width = max([len(m.name) for m in report.meetings] + [7])
    out.append(f"{'meeting':<{width}}  built  unchanged  skipped  failed  warnings  errors")
    for m in report.meetings:
        out.append(f"{m.name:<{width}}  {m.count('built'):>5}  {m.count('unchanged'):>9}  {m.count('skipped'):>7}"
                   f"  {m.count('failed'):>6}  {m.warning_count:>8}  {m.error_count:>6}")
    changed: list[str] = []
    for m in report.meetings:
        built = [p for p in m.papers if p.status == "built" and p.output is not None]
        if built and all(p.new for p in built) and m.count("unchanged") + m.count("skipped") == 0:
            first = f"first build ({_plural(len(built), 'new paper')})"
            changed.append(f"{m.name}: {first}" if len(report.meetings) > 1 else first)
            continue
        changed += [f"{m.name}/{p.output.name}" + (" (new)" if p.new else "") for p in built if p.changed]
    out.append("content changed since the previous build: " + (", ".join(changed) if changed else "none"))
