"""The pipeline: find papers, skip what is unchanged, load, validate, render, write. Prints nothing.

Per meeting: papers (in parallel processes when asked), then the budget workbook,
the agenda front sheet, and with ``pdf`` the PDFs and the published pack. A
manifest in each output folder makes rebuilds incremental and protects outputs
that a person has edited since we wrote them.
"""
from __future__ import annotations

import datetime as dt
import json
import gc
import os
import re
import shutil
import threading
from contextlib import ExitStack
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable, Literal

from .write.edits import edit_diff
from .errors import InputError, PapersError, Problem, TemplateProblem, errors_only, internal_problem
from .write.index import TreeIndex, Watch
from .write.manifest import (Entry, Manifest, bytes_hash, discard, file_hash, inputs_hash, keep_edited, load_digests,
                             locked, noting_reads, save_digests, write_output)
from .write.outputs import (LEGACY_NAMES, MEETING_JSON, WORKBOOK, MeetingOutputs, WriteError, meeting_outputs,
                            output_name_problem)
from .model import MEETING_FILE, ItemDetails, Meeting, MeetingInputs, Paper
from .publish.notice import council_file, printed_date
from .publish.record import (Publication, base_name, content_hash, release_of, revised_name,
                             revised_number)


# assemble (validation: pydantic, markdown-it), finance and the renderers are imported where they
# are used, so that a rebuild with nothing to do only hashes files.
DEFAULT_TEMPLATES = Path(__file__).resolve().parents[1] / "templates"
AGENDA_TEMPLATE = "agenda.docx"  # templates/docx/: the front sheet's template
# the meeting's own outputs are named after it (outputs.meeting_outputs): the agenda, the packs, the supplements
NOT_FOR_PUBLICATION = "NOT FOR PUBLICATION"

# removed: an out-of-date PDF (or pack) taken away by a build that could not make it again
# how the problem of an output edited by hand, and out of date since, begins (the report counts them apart)
STALE_EDIT = "edited since it was built: not overwritten, but"
Status = Literal["built", "checked", "failed", "unchanged", "skipped", "removed"]


class UsageError(PapersError):
    """The command was given something it cannot work on (exit status 2)."""

    exit_code = 2


@dataclass
class Options:
    out: Path = Path("outputs")
    templates: Path = DEFAULT_TEMPLATES
    strict: bool = False
    write: bool = True  # False for `papers check`
    force: bool = False  # rebuild everything; keep edited outputs aside first
    jobs: int = 1
    pdf: bool = False
    audit: bool = True  # check what was written for accessibility; findings are warnings
    lock_wait: float = 15.0  # seconds a build waits for another build writing into the same OUT


@dataclass
class PaperResult:
    source: Path
    status: Status
    output: Path | None = None
    problems: list[Problem] = field(default_factory=list)
    # the validated paper of `papers check`; a build returns only its manifest entry, which holds
    # what the meeting's outputs need (pickling whole papers back from workers costs more than they do)
    paper: Paper | None = None
    changed: bool = False  # the output's content differs from the previous build
    kept: Path | None = None  # where a person's edited copy was moved (--force)
    entry: Entry | None = None  # what the manifest should now say
    new: bool = False  # there was no previous build of this paper
    previous: Entry | None = None  # what the manifest said of its output before this build
    # an output skipped as edited: what the person changed, as a unified diff of paragraphs (a few lines)
    diff: list[str] = field(default_factory=list)

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.level == "warning"]


@dataclass
class OutputResult:
    """A meeting-level output: the workbook, the agenda, a PDF, the pack."""

    name: str
    status: Status
    message: str = ""
    diff: list[str] = field(default_factory=list)  # skipped as edited: what the person changed (cells, text)


@dataclass
class MeetingResult:
    folder: Path
    name: str
    papers: list[PaperResult] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)  # of meeting.yaml itself and meeting outputs
    outputs: list[OutputResult] = field(default_factory=list)
    names: MeetingOutputs | None = None  # of the meeting's own outputs (None: papers on their own)
    notes: list[str] = field(default_factory=list)  # what happened after publication (the supplement), in words

    @property
    def ok(self) -> bool:
        return (not any(p.level == "error" for p in self.problems)
                and all(r.status != "failed" for r in self.papers)
                # a paper skipped as edited and out of date carries an error without having failed
                and not any(q.level == "error" for r in self.papers for q in r.problems)
                and all(o.status != "failed" for o in self.outputs))

    def count(self, status: Status) -> int:
        """Papers of this meeting that ended with ``status``."""
        return sum(1 for p in self.papers if p.status == status)

    @property
    def warning_count(self) -> int:
        return sum(len(p.warnings) for p in self.papers) + sum(1 for p in self.problems if p.level == "warning")

    @property
    def error_count(self) -> int:
        return sum(1 for p in self.papers for q in p.problems if q.level == "error") + sum(
            1 for p in self.problems if p.level == "error")

    @property
    def written(self) -> list[str]:
        """The files this build wrote for the meeting (papers, workbook, agenda, PDFs, pack), by name."""
        return ([p.output.name for p in self.papers if p.status == "built" and p.output is not None]
                + [o.name for o in self.outputs if o.status == "built"])

    def failures(self, qualify: bool = False) -> list[str]:
        """The meeting's own reasons for a non-zero exit, in words (failed papers are counted apart);
        ``qualify`` puts the meeting's name before its files, for a build of several meetings."""
        errors: dict[str, int] = {}
        prefix = f"{self.name}/" if qualify else ""
        # outputs a person edited that no longer match their inputs (papers skipped with an error, or meeting's)
        stale = [f"{prefix}{p.file} out of date (edited by hand)" for r in self.papers if r.status == "skipped"
                 for p in r.problems if p.level == "error" and p.message.startswith(STALE_EDIT)]
        for p in self.problems:
            if p.level == "error" and p.message.startswith(STALE_EDIT):
                stale.append(f"{prefix}{p.file} out of date (edited by hand)")
            elif p.level == "error":
                errors[p.file] = errors.get(p.file, 0) + 1
        reasons = [f"{n} error{'s' if n != 1 else ''} in {prefix if '/' not in file else ''}{file}"
                   for file, n in errors.items()] + stale
        reasons += [f"{prefix}{o.name} " + ("not written" if o.message.startswith("not written") else "failed")
                    for o in self.outputs if o.status == "failed"]
        return reasons


@dataclass
class BuildReport:
    meetings: list[MeetingResult] = field(default_factory=list)
    out: Path | None = None  # the OUT folder, absolute (None for `papers check`)

    @property
    def papers(self) -> list[PaperResult]:
        return [p for m in self.meetings for p in m.papers]

    @property
    def ok(self) -> bool:
        return all(m.ok for m in self.meetings)

    def count(self, status: Status) -> int:
        """How many papers ended with ``status``."""
        return sum(m.count(status) for m in self.meetings)

    @property
    def warning_count(self) -> int:
        return sum(m.warning_count for m in self.meetings)

    def failures(self) -> list[str]:
        """Every reason for a non-zero exit besides failed papers: errors of meeting.yaml, of a folder, of a
        meeting output, and outputs not written."""
        return [reason for m in self.meetings for reason in m.failures(qualify=len(self.meetings) > 1)]


@dataclass
class Job:
    """A meeting folder (or the folder of a lone paper) and the papers to build in it."""

    folder: Path
    has_meeting: bool
    papers: list[Path]
    # found while looking for meetings (a misnamed or missing meeting.yaml): errors stop the folder's build
    problems: list[Problem] = field(default_factory=list)


# what people call the meeting file by mistake: meeting.yml, Meeting.yaml, MEETING.YAML, meeting.yaml.txt
_MEETING_LIKE = re.compile(r"\s*meetings?\s*\.\s*ya?ml(\.txt)?\s*", re.IGNORECASE)
# a paper that carries its own meeting: block can be built without meeting.yaml
_OWN_MEETING = re.compile(r"^meeting[ \t]*:", re.MULTILINE)


def _misnamed_meeting(path: Path) -> bool:
    return path.name != MEETING_FILE and bool(_MEETING_LIKE.fullmatch(path.name))


def _is_paper(path: Path, named: bool = False) -> bool:
    """A paper file: YAML, or Markdown (``named`` on the command line, or found in a folder: starting with
    front matter or named ``NN-name.md``, so that a folder's README.md is not taken for one)."""
    if path.suffix.lower() == ".md":
        return named or path.name[:1].isdigit() or _starts_with_front_matter(path)
    return path.suffix.lower() in (".yaml", ".yml") and path.name != MEETING_FILE and not _misnamed_meeting(path)


def _starts_with_front_matter(path: Path) -> bool:
    try:
        with path.open("rb") as f:
            return f.readline(64).removeprefix(b"\xef\xbb\xbf").strip() == b"---"
    except OSError:
        return False


def _has_own_meeting(paper: Path) -> bool:
    try:
        return bool(_OWN_MEETING.search(paper.read_text(encoding="utf-8", errors="replace")))
    except OSError:
        return False


def _folder_problems(folder: Path, papers: list[Path], in_tree: bool) -> list[Problem]:
    """Why a folder without meeting.yaml cannot be built as a meeting: its meeting file is misnamed, or (in a
    tree of meetings) it holds papers that need one. Papers that carry their own meeting: block are fine."""
    misnamed = sorted(p for p in folder.iterdir() if _misnamed_meeting(p) and p.is_file())
    if misnamed:
        return [Problem(str(m), None, None, f"the meeting file must be named exactly {MEETING_FILE} (lower case, "
                        f"ending .yaml): rename {m.name} to {MEETING_FILE}; nothing in {folder} was built")
                for m in misnamed[:1]]
    needing = [p for p in papers if not _has_own_meeting(p)]
    if in_tree and needing:
        names = ", ".join(p.name for p in needing[:3]) + (", ..." if len(needing) > 3 else "")
        count = f"{len(needing)} paper{'s' if len(needing) != 1 else ''}"
        return [Problem(str(folder), None, None, f"holds {count} ({names}) but no {MEETING_FILE}, so nothing in it "
                        f"was built: add its {MEETING_FILE} (see docs/input-format.md), or give each paper its own "
                        "meeting: block to build it on its own")]
    return []


def _folders(root: Path) -> list[Path]:
    """``root`` and every folder below it, hidden ones (.git, a build's temporary folders) left out."""
    found = []
    # os.walk tells folders from files by the directory entries' types, without a stat per file
    for top, folders, _ in os.walk(root, followlinks=True):
        folders[:] = [name for name in folders if not name.startswith(".")]
        found += [Path(top, name) for name in folders]
    return [root] + sorted(found)


_PAPER_SUFFIXES = (".md", ".yaml", ".yml")


def _folder_papers(folder: Path) -> tuple[list[Path], bool]:
    """The papers in ``folder``, in order, and whether it holds meeting.yaml (one listing of the folder)."""
    papers, has_meeting = [], False
    with os.scandir(folder) as entries:
        for entry in entries:
            if entry.name == MEETING_FILE:
                has_meeting = has_meeting or entry.is_file()
            elif os.path.splitext(entry.name)[1].lower() in _PAPER_SUFFIXES and entry.is_file():
                path = folder / entry.name
                if _is_paper(path):
                    papers.append(path)
    return sorted(papers), has_meeting


def discover(paths: list[Path]) -> list[Job]:
    """Meeting folders and papers named by the command line, in a stable order.

    A folder whose meeting file is misnamed, or that holds papers needing a meeting.yaml it does not have,
    is a job with an error instead of being passed over.
    """
    jobs: dict[Path, Job] = {}
    for path in paths:
        if path.is_file():
            if _misnamed_meeting(path):
                raise UsageError(f"{path}: the meeting file must be named exactly {MEETING_FILE}: rename it, "
                                 f"then build the folder ({path.parent})")
            if not _is_paper(path, named=True):
                raise UsageError(f"{path}: not a paper file (expected a .yaml or .md paper or a meeting folder)")
            folder = path.parent
            has_meeting = (folder / MEETING_FILE).is_file()
            job = jobs.setdefault(folder, Job(folder, has_meeting, [], [] if has_meeting else _folder_problems(
                folder, [], in_tree=False)))
            if path not in job.papers:
                job.papers.append(path)
        elif path.is_dir():
            found = 0
            for folder in _folders(path) if not (path / MEETING_FILE).is_file() else [path]:
                papers, has_meeting = _folder_papers(folder)
                if has_meeting:
                    jobs[folder] = Job(folder, True, papers)
                    found += 1
                    continue
                problems = _folder_problems(folder, papers, in_tree=True)
                if problems or papers:  # papers on their own (each with its meeting: block) build as such
                    jobs[folder] = Job(folder, False, papers, problems)
                    found += 1
            if not found:
                raise UsageError(f"{path}: no {MEETING_FILE} here or in any folder below")
        else:
            raise UsageError(f"{path}: no such file or folder")
    return list(jobs.values())


Stage = Literal["papers", "workbook", "agenda", "PDFs", "pack"]


@dataclass(frozen=True)
class Step:
    """Progress of a build: ``done`` of ``total`` in ``stage``; ``item`` names what was just finished, ``note``
    sums up what needed no work (papers unchanged). The papers stage counts every paper of the build; the
    other stages are per meeting (``meeting`` names it)."""

    stage: Stage
    done: int
    total: int
    meeting: str = ""
    item: str = ""
    note: str = ""


Progress = Callable[[Step], None]


def _agenda_record(agenda: MeetingInputs, digest: str, warnings: list[Problem]) -> dict[str, Any]:
    """meeting.yaml as validated, JSON for the manifest, valid while meeting.yaml hashes to ``digest``."""
    return {"inputs": digest, **agenda.meeting.to_record(), "items": [list(i) for i in agenda.items],
            "details": [d.to_record() for d in agenda.details],
            "items_line": agenda.items_line, "warnings": [asdict(w) for w in warnings]}


def _agenda_from_record(folder: Path, data: dict[str, Any]) -> MeetingInputs:
    """The validated meeting.yaml an :func:`_agenda_record` holds (KeyError/ValueError/TypeError if damaged)."""
    return MeetingInputs(folder, Meeting.from_record(data), [(str(n), f, t) for n, f, t in data["items"]],
                         data.get("items_line"), details=[ItemDetails(**d) for d in data["details"]])


def _load_agenda(folder: Path, manifest: Manifest | None, force: bool) -> tuple[MeetingInputs | None, list[Problem]]:
    """Validate meeting.yaml, or reuse what the manifest recorded of it when its bytes are unchanged.

    With errors, what could be salvaged of it comes back too (or None), for checking its papers."""
    # with the generator version (validation may change) and the council's bank holidays (the notice check)
    digest = inputs_hash([folder / MEETING_FILE, council_file(folder)])
    cached = manifest.meeting if manifest is not None and not force else None
    if cached is not None and cached.get("inputs") == digest:
        try:
            agenda, warnings = _agenda_from_record(folder, cached), [Problem(**w) for w in cached["warnings"]]
        except (KeyError, ValueError, TypeError):
            agenda = None
        # a paper file that has gone since is an error that validation reports: validate again then
        files = [f for _, f, _ in agenda.items if f] + [d.file for d in agenda.details if d.file] if agenda else []
        if agenda is not None and all((folder / f).is_file() for f in files):
            return agenda, warnings
    from .assemble import load_meeting

    try:
        meeting, problems = load_meeting(folder)
    except InputError as exc:
        return None, exc.problems
    if meeting is None:
        return None, problems
    if manifest is not None:  # saved with the manifest; only a meeting.yaml without errors is recorded
        ok = all(p.level == "warning" for p in problems)
        manifest.meeting = _agenda_record(meeting, digest, problems) if ok else None
    return meeting, problems


@dataclass
class _Task:
    """One paper to build, decided in the parent, run in a worker."""

    file: Path
    agenda: MeetingInputs | None  # its validated meeting.yaml (None: a paper on its own)
    output: Path
    previous: Entry | None
    keep_existing: bool  # an edited output is there and --force was given (or the state files were damaged)
    unknown: bool = False  # the state files were damaged: whether the output there was edited cannot be told
    check_only: bool = False  # meeting.yaml has errors: validate the paper, build nothing


@dataclass
class _Plan:
    job: Job
    result: MeetingResult
    agenda: MeetingInputs | None  # None: no (valid) meeting.yaml
    manifest: Manifest | None
    order: list[Path]
    tasks: list[_Task] = field(default_factory=list)
    done: dict[Path, PaperResult] = field(default_factory=dict)
    progress: Progress | None = None
    buildable: bool = True  # False: the folder's meeting.yaml is missing or has errors
    audited: dict[str, list[Problem]] = field(default_factory=dict)  # outputs audited before they were written
    watch: Watch | None = None  # built the long way: what the tree index is told when it had nothing to do
    replay: list[tuple[Stage, int, int, str]] | None = None  # taken from the tree index: its progress, shown again

    @property
    def publication(self) -> Publication | None:
        """What was published of the meeting (`papers publish`); None before, and in a build with --force, which
        makes the pack again."""
        if self.manifest is None or not self.manifest.published:
            return None
        return Publication([release_of(r) for r in self.manifest.published])

    @property
    def names(self) -> MeetingOutputs:
        """The names of the meeting's own outputs (the agenda, the packs): see outputs.meeting_outputs."""
        assert self.result.names is not None, "a meeting's outputs are named only once its meeting.yaml is read"
        return self.result.names

    def step(self, stage: Stage, done: int, total: int, item: str = "") -> None:
        """Report progress of one of the meeting's stages (workbook, agenda, PDFs, pack)."""
        if self.progress is not None:
            self.progress(Step(stage, done, total, self.result.name, item))

    def counter(self, stage: Stage, total: int, done: int = 0) -> Callable[[Path], None]:
        """Report ``done`` of ``total`` now, and one more each time the returned function is given a file."""
        count = [done]
        self.step(stage, done, total)

        def one(file: Path) -> None:
            count[0] += 1
            self.step(stage, count[0], total, file.name)
        return one


def build(paths: list[Path], options: Options, progress: Progress | None = None) -> BuildReport:
    """Build (or with ``options.write`` False, only check) every paper under ``paths``."""
    jobs = discover(paths)
    if options.write:
        _check_output_folders(jobs, options.out)
    index = None
    with ExitStack() as held:
        if options.write:  # held until every meeting is finished: builds into one OUT never interleave
            held.enter_context(locked(options.out, options.lock_wait))
            load_digests(options.out)
            held.callback(_save_digests, options.out)
            if not options.force:  # --force rebuilds everything: nothing is taken from the index
                index = TreeIndex(options.out, {"pdf": options.pdf, "strict": options.strict,
                                                "audit": options.audit}, options.templates)
                held.callback(index.save)
        return _build(jobs, options, progress, index)


def _save_digests(out: Path) -> None:
    try:
        save_digests(out)
    except WriteError:
        pass  # only what saves the next build reading its files again: it does


def _build(jobs: list[Job], options: Options, progress: Progress | None, index: TreeIndex | None = None
           ) -> BuildReport:
    plans = [_plan_indexed(job, options, index) for job in jobs]
    tasks = [(plan, task) for plan in plans for task in plan.tasks]
    waiting = {id(plan): len(plan.tasks) for plan in plans}
    for plan in plans:
        plan.progress = progress
    decided = sum(len(plan.done) for plan in plans)  # unchanged, skipped as edited, or not buildable
    unchanged = sum(r.status == "unchanged" for plan in plans for r in plan.done.values())
    if progress is not None:
        progress(Step("papers", decided, decided + len(tasks), note=f"{unchanged} unchanged" if unchanged else ""))
    report = BuildReport(out=options.out.resolve() if options.write else None)
    if options.pdf:  # one LibreOffice per worker: -j 2 converts two documents at once
        from .render.pdf import prestart, set_instances

        set_instances(options.jobs)
        if options.write and tasks:  # started now, it is up by the time the papers' Word files are made
            prestart(len(tasks) + 1)

    def finish_ready() -> None:
        # meetings in order, each as soon as its papers are done: with -j N the workbook and agenda
        # of one meeting are made while the workers go on with the papers of the next
        while len(report.meetings) < len(plans) and waiting[id(plans[len(report.meetings)])] == 0:
            plan = plans[len(report.meetings)]
            plan.result.papers = [plan.done[f] for f in plan.order if f in plan.done]
            if plan.replay is not None:  # taken from the tree index: nothing to do
                for stage, done, total, item in plan.replay:
                    plan.step(stage, done, total, item)
            elif options.write and plan.manifest is not None:
                _finish_watched(plan, options, index)
            elif not options.write and plan.buildable:
                _check_meeting(plan, options)
            report.meetings.append(plan.result)

    try:
        for done, (plan, result) in enumerate(_run(tasks, options), start=1):
            plan.done[result.source] = result
            waiting[id(plan)] -= 1
            if progress is not None:
                progress(Step("papers", decided + done, decided + len(tasks), plan.result.name, result.source.name))
            finish_ready()
        finish_ready()
    finally:
        if options.pdf:
            from .render.pdf import finish

            finish()
    return report


def _plan_indexed(job: Job, options: Options, index: TreeIndex | None) -> _Plan:
    """The plan of a meeting: the report the tree index recorded while its files are exactly as they were then,
    else made the long way (see _plan), watched so that the index can be told of it when it has nothing to do."""
    if index is None or job.problems:
        return _plan(job, options)
    out_dir = options.out / job.folder.name
    record = index.cached(job.folder, out_dir)
    plan = _from_record(job, out_dir, record) if record is not None else None
    if plan is not None:
        return plan
    watch = index.watch(job.folder, out_dir, [council_file(job.folder)])
    if watch is None:
        return _plan(job, options)
    with noting_reads(watch.reads):
        plan = _plan(job, options)
    plan.watch = watch
    return plan


def _job_key(job: Job) -> list[Any]:
    return [[p.name for p in job.papers], job.has_meeting]


def _from_record(job: Job, out_dir: Path, record: dict[str, Any]) -> _Plan | None:
    """A plan with nothing to do, from the report the tree index recorded (None if it is not of this job)."""
    try:
        if record["job"] != _job_key(job):
            return None
        papers = {p.name: p for p in job.papers}
        result = MeetingResult(job.folder, job.folder.name, problems=[Problem(**q) for q in record["problems"]],
                               outputs=[OutputResult(name, "unchanged") for name in record["outputs"]],
                               names=MeetingOutputs(record["names"]) if record["names"] is not None else None)
        plan = _Plan(job, result, None, None, [], replay=[(stage, done, total, item)
                                                           for stage, done, total, item in record["steps"]])
        for source, output, problems in record["papers"]:
            file = papers[source]
            plan.order.append(file)
            plan.done[file] = PaperResult(file, "unchanged", out_dir / output, [Problem(**q) for q in problems])
    except (KeyError, TypeError, ValueError):
        return None
    return plan


def _finish_watched(plan: _Plan, options: Options, index: TreeIndex | None) -> None:
    """Finish a meeting (_finish_meeting); one that had nothing to do is recorded in the tree index."""
    watch = plan.watch
    if index is None or watch is None or plan.tasks:
        _finish_meeting(plan, options)
        return
    steps: list[tuple[Stage, int, int, str]] = []
    shown = plan.progress

    def noted(step: Step) -> None:
        steps.append((step.stage, step.done, step.total, step.item))
        if shown is not None:
            shown(step)
    plan.progress = noted
    try:
        with noting_reads(watch.reads):
            _finish_meeting(plan, options)
    finally:
        plan.progress = shown
    record = _index_record(plan, steps)
    if record is not None:
        index.record(watch, record)


def _index_record(plan: _Plan, steps: list[tuple[Stage, int, int, str]]) -> dict[str, Any] | None:
    """What the tree index keeps of a meeting whose every output was unchanged (its report, as JSON); None when
    the build had something to do or to say besides warnings."""
    r = plan.result
    if plan.manifest is None or not plan.manifest.trusted or r.notes or not r.ok:
        return None
    if any(p.status != "unchanged" or p.output is None or p.diff or p.kept is not None
           or any(q.level != "warning" for q in p.problems) for p in r.papers):
        return None
    if any(o.status != "unchanged" or o.message or o.diff for o in r.outputs) or any(
            q.level != "warning" for q in r.problems):
        return None
    return {"job": _job_key(plan.job), "outputs": [o.name for o in r.outputs],
            "papers": [[p.source.name, p.output.name, [asdict(q) for q in p.problems]] for p in r.papers
                       if p.output is not None],
            "problems": [asdict(q) for q in r.problems], "names": r.names.stem if r.names is not None else None,
            "steps": steps}


def _check_output_folders(jobs: list[Job], out: Path) -> None:
    """Outputs go to OUT/<folder name>: two folders of the same name (2023-03-14 under two committees'
    folders, say) would overwrite each other's agenda, workbook and manifest."""
    seen: dict[str, Path] = {}
    for job in jobs:
        if errors_only(job.problems):
            continue  # nothing of it is written
        first = seen.setdefault(job.folder.name, job.folder)
        if first != job.folder:
            raise UsageError(f"{first} and {job.folder} would both be written to {out / job.folder.name}: "
                             "build them one at a time with different -o folders, or rename one")


def _plan(job: Job, options: Options) -> _Plan:
    """Load meeting.yaml and decide, from hashes alone, which papers need building."""
    result = MeetingResult(job.folder, job.folder.name)
    agenda: MeetingInputs | None = None
    order = job.papers
    out_dir = options.out / job.folder.name
    manifest = Manifest(out_dir) if options.write else None
    if errors_only(job.problems):
        result.problems = list(job.problems)
        return _unbuilt(job, result, f"not built: the folder has no {MEETING_FILE} (see the meeting line below)")
    if job.has_meeting:
        agenda, result.problems = _load_agenda(job.folder, manifest, options.force)
        if agenda is not None and not agenda.partial:
            result.names = names_of(agenda.meeting, job.folder)
        if agenda is None or agenda.partial:
            # the papers are still checked (against what meeting.yaml gave) so that all problems come out in
            # one run, and none is built: a paper must not be published with a wrong date or committee
            from .assemble import unknown_meeting

            plan = _Plan(job, result, None, None, job.papers, buildable=False)
            plan.tasks = [_Task(paper, agenda or unknown_meeting(job.folder), out_dir / f"{paper.stem}.docx", None,
                                False, check_only=True) for paper in job.papers]
            return plan
        # a paper listed twice is an error of meeting.yaml (reported with it); it is built once
        listed = dict.fromkeys(job.folder / file for _, file, _ in agenda.items if file)  # in order; a set
        papers = set(job.papers)
        order = [p for p in listed if p in papers] + [p for p in job.papers if p not in listed]
        for paper in job.papers:
            if paper not in listed:
                result.problems.append(Problem(MEETING_FILE, agenda.items_line, "items",
                                               f"{paper.name} is not on the agenda", level="warning"))
    if manifest is not None:
        result.problems += manifest.damaged
        _remove_leftovers(out_dir)
    plan = _Plan(job, result, agenda, manifest, order)
    stems: dict[str, Path] = {}
    for file in order:
        output = out_dir / f"{file.stem}.docx"
        clash = output_name_problem(file.name, result.names)
        other = stems.setdefault(file.stem.lower(), file)
        if clash is None and other != file:
            clash = (f"'{file.name}' and '{other.name}' would both be built as {other.stem}.docx: rename one of "
                     "them (or remove the one not wanted)")
        if clash is not None:
            if agenda is not None and any(f == file.name for _, f, _ in agenda.items):
                clash = f"not built: its name is refused ({MEETING_FILE} says why, at its line)"
            plan.done[file] = PaperResult(file, "failed", problems=[Problem(file.name, None, None, clash)])
            continue
        if manifest is None:
            plan.tasks.append(_Task(file, agenda, output, None, False))
            continue
        previous = manifest.entries.get(output.name)
        try:
            state = manifest.state(output.name)
        except WriteError as exc:
            plan.done[file] = PaperResult(file, "failed", output, [fault_problem(exc)], previous=previous)
            continue
        current = previous is not None and previous.inputs == _paper_inputs(
            file, agenda is not None, previous.data_files, options)
        if state == "edited" and not options.force:
            # its last build's entry (title, finance) still describes the paper when its inputs are unchanged;
            # when they changed, it is out of date: _stale_papers says so once the meeting's outputs are made
            problems = [] if not current else [Problem(
                output.name, None, None, "edited since it was built: not overwritten (use --force to rebuild; "
                "the edited file is then kept as " + f"{file.stem}.edited-<n>.docx)", level="warning")]
            plan.done[file] = PaperResult(file, "skipped", output, problems, entry=previous if current else None,
                                          previous=previous,
                                          diff=edit_diff(out_dir, output.name, previous.output if previous else None))
            continue
        if not options.force and state == "ours" and current:
            assert previous is not None
            warnings = [Problem(**w) for w in previous.warnings]
            plan.done[file] = PaperResult(file, "unchanged", output, warnings, entry=previous, previous=previous)
            continue
        # unknown: the state files were damaged; rebuilt, and a file that differs is kept aside, never lost
        plan.tasks.append(_Task(file, agenda, output, previous, state in ("edited", "unknown"), state == "unknown"))
    return plan


def names_of(meeting: Meeting, folder: Path) -> MeetingOutputs:
    """The names of the outputs of the meeting in ``folder`` (outputs.meeting_outputs)."""
    return meeting_outputs(meeting.date, meeting.short_name, meeting.committee, folder.name)


def meeting_sources(folder: Path, templates: Path) -> dict[str, str]:
    """Every file a meeting's build reads, by its name in the meeting folder (``templates/...`` for the
    templates), with its sha256, and the generator's version: what `papers publish` compares with the build."""
    from .write.manifest import generator_version

    found: dict[str, str] = {}
    for base, prefix in ((folder, ""), (templates, "templates/")):
        for path in sorted(base.rglob("*")):
            parts = path.relative_to(base).parts
            # hidden files and folders, and Word's lock files (~$name.docx), are no one's input
            if path.is_file() and not any(part.startswith((".", "~$")) for part in parts):
                found[prefix + "/".join(parts)] = file_hash(path)
    council = council_file(folder)
    if council.is_file():
        found[f"../{council.name}"] = file_hash(council)
    found["generator"] = generator_version()
    return found


def _remove_renamed(plan: _Plan) -> None:
    """Meeting outputs under names this build no longer gives (agenda.pdf, pack.pdf of earlier versions; the
    names of an earlier date or committee name) are out of date: removed (a person's edit: kept aside), and
    said so, so that nobody publishes them for this build's."""
    manifest = plan.manifest
    assert manifest is not None
    for name in sorted(manifest.entries):
        if plan.names.stale(name):
            kind = LEGACY_NAMES.get(name) or _kind_of_stale(name)
            new = {"agenda": plan.names.agenda, "agenda PDF": plan.names.agenda_pdf, "pack": plan.names.pack,
                   "exempt pack": plan.names.exempt_pack}.get(kind or "")
            _retire(plan, name, "removed", f"the meeting's outputs are now named after it"
                    + (f" ({new} is this {kind})" if new else ""))


def _kind_of_stale(name: str) -> str | None:
    """What a meeting output of another name was ("pack"), from the end of its name."""
    for suffix, kind in (("-exempt-pack.pdf", "exempt pack"), ("-pack.pdf", "pack"), ("-agenda.docx", "agenda"),
                         ("-agenda.pdf", "agenda PDF")):
        if name.endswith(suffix) and "-supplement-" not in name:
            return kind
    return None


def _remove_leftovers(out_dir: Path) -> None:
    """Remove what killed builds left: half-written temporary files and LibreOffice's working folders
    (safe: OUT is locked, so no other build is using them)."""
    if not out_dir.is_dir():
        return
    for stale in [*out_dir.glob(".*.tmp"), *out_dir.glob(".papers-built/.*.tmp")]:
        try:
            stale.unlink(missing_ok=True)
        except OSError:
            pass  # a read-only folder: the build reports what it cannot write
    for folder in out_dir.glob(".papers-pdf-*"):
        if folder.is_dir() and not folder.is_symlink():
            shutil.rmtree(folder, ignore_errors=True)


def _kept_unknown(name: str, kept: Path) -> Problem:
    return Problem(name, None, None, f"the previous file was kept as {kept.name}: the build's record of what it "
                   "wrote was damaged, so whether someone edited it cannot be told (delete the copy if nobody did)",
                   "warning")


def fault_problem(exc: WriteError) -> Problem:
    """A file the file system refused, as the problem the report prints."""
    return Problem(str(exc.path), None, None, f"could not be {exc.verb}: {exc.reason}")


MEETING_HAS_ERRORS = "not built: meeting.yaml has errors (see the meeting lines below)"


def _unbuilt(job: Job, result: MeetingResult, reason: str) -> _Plan:
    """The plan of a folder none of whose papers can be built: each fails for ``reason``."""
    plan = _Plan(job, result, None, None, job.papers, buildable=False)
    for paper in job.papers:
        plan.done[paper] = PaperResult(paper, "failed", problems=[Problem(MEETING_FILE, None, None, reason)])
    return plan


def _paper_inputs(file: Path, in_meeting: bool, data_files: list[str], options: Options) -> str:
    """Hash of everything a paper's document is made from (without parsing anything)."""
    files = [file] + ([file.parent / MEETING_FILE] if in_meeting else [])
    files += [file.parent / d for d in data_files]
    files += _docx_templates(options.templates / "docx", _mtime(options.templates / "docx"))
    return inputs_hash(files)


def _mtime(folder: Path) -> int:
    try:
        return folder.stat().st_mtime_ns
    except OSError:
        return 0


@lru_cache(maxsize=8)
def _docx_templates(folder: Path, mtime: int) -> list[Path]:
    """The Word templates (listed once per build, not per paper; a template added or removed changes
    the folder's ``mtime``)."""
    return sorted(folder.glob("*.docx"))


def _run(tasks: list[tuple[_Plan, _Task]], options: Options):  # type: ignore[no-untyped-def]
    """Results of the tasks as they finish, in worker processes when there is more than one to do."""
    jobs = max(1, min(options.jobs, len(tasks)))
    if jobs == 1:
        for plan, task in tasks:
            yield plan, _build_paper(task, options)
        return
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    # imported once here, shared by the forked workers
    from . import assemble as _preload_assemble  # noqa: F401
    from .render import docx as _preload_docx  # noqa: F401
    from .render.lifeline import pool_worker

    context = multiprocessing.get_context("fork" if "fork" in multiprocessing.get_all_start_methods() else None)
    # what the build holds by now is kept out of the garbage collector's passes while the workers run: a forked
    # worker's collections would otherwise visit every object it inherits, and so copy its memory page by page
    # (at -j 2, 6% more CPU and a fifth more memory); the workers are all forked at the first submit
    gc.freeze()
    try:
        # the workers die with the build however it ends (lifeline.py); Ctrl-C is the build's alone
        pool = ProcessPoolExecutor(max_workers=jobs, mp_context=context, initializer=pool_worker,
                                   initargs=(os.getpid(),))
        try:
            futures = [(plan, pool.submit(_build_paper, task, options)) for plan, task in tasks]
            for plan, future in futures:
                yield plan, future.result()
        except BaseException:  # interrupted (Ctrl-C, an error, the generator closed): the papers being built go too
            for process in list(getattr(pool, "_processes", {}).values()):  # no public way to stop a running task
                process.kill()
            pool.shutdown(wait=False, cancel_futures=True)
            raise
        pool.shutdown()
    finally:
        gc.unfreeze()  # collected as usual again (a process that builds again, as the tests do)


def _build_paper(task: _Task, options: Options) -> PaperResult:
    """Build one paper; a fault of ours fails that paper alone, in words, and the others still build."""
    try:
        return _build_one(task, options)
    except Exception as exc:  # noqa: BLE001 - a bug must not cost the clerk the rest of the meeting
        return PaperResult(task.file, "failed", problems=[internal_problem(task.file.name, exc)])


def _build_one(task: _Task, options: Options) -> PaperResult:
    from .assemble import load_paper

    file = task.file
    meeting = task.agenda
    try:
        paper, problems = load_paper(file, meeting, options.templates)
    except InputError as exc:
        return PaperResult(file, "failed", problems=exc.problems)
    if options.strict:
        problems = [Problem(p.file, p.line, p.field, p.message, "error", p.column) for p in problems]
    if paper is None or any(p.level == "error" for p in problems):
        return PaperResult(file, "failed", problems=problems)
    if task.check_only:
        return PaperResult(file, "failed", problems=problems + [
            Problem(MEETING_FILE, None, None, MEETING_HAS_ERRORS)])
    found: list[Problem] = []
    audit: Callable[[Any], None] | None = None
    if options.audit:  # the document as rendered, in memory: the same findings as the file read back
        from .checks.audit import audit_document

        def audit_rendered(doc: Any) -> None:
            found.extend(_audit_warnings(task.output, audit_document(task.output, doc)))
        audit = audit_rendered
    try:
        data = render(paper, options.templates, audit)
    except TemplateProblem as exc:
        return PaperResult(file, "failed", problems=problems + [Problem(file.name, None, "template", exc.message)])
    if not options.write:  # papers check: what the build would warn of, from the document made in memory
        return PaperResult(file, "checked", problems=problems + found, paper=paper)
    from .finance import workbook_record

    kept = None
    notes: list[Problem] = []  # of this build only: not shown again when the paper is next unchanged
    try:
        # --force, or damaged state: a file that differs from the new one is kept aside, never lost
        if task.keep_existing and task.output.exists() and file_hash(task.output) != bytes_hash(data):
            kept = keep_edited(task.output)
            if task.unknown:  # not a person's edit as far as anyone knows: said so, not "your edited copy"
                notes.append(_kept_unknown(task.output.name, kept))
                kept = None
        digest = write_output(task.output, data)
    except (WriteError, OSError) as exc:
        fault = exc if isinstance(exc, WriteError) else WriteError(task.output, exc)
        return PaperResult(file, "failed", problems=problems + notes + [fault_problem(fault)], kept=kept)
    if options.audit:
        from .inputs.markdown import SKIPPED_HEADING

        if any(SKIPPED_HEADING in p.message for p in problems):  # already reported at its line of the input
            found = [p for p in found if not ("(heading-order)" in p.message and "Heading 3 follows Heading 1"
                                              in p.message)]
        problems = problems + found
    entry = Entry(inputs=_paper_inputs(file, task.agenda is not None, paper.data_files(), options), output=digest,
                  data_files=paper.data_files(), title=paper.title,
                  warnings=[asdict(p) for p in problems if p.level == "warning"], workbook=workbook_record(paper),
                  exempt=paper.status == "exempt", exempt_reason=paper.exempt_reason, draft=paper.draft,
                  appendices=[a.to_record() for a in paper.appendices])
    changed = task.previous is None or task.previous.output != digest
    return PaperResult(file, "built", task.output, problems + notes, None, changed, kept, entry,
                       new=task.previous is None)


def audit_problems(path: Path, data: bytes | None = None) -> list[Problem]:
    """The accessibility findings of a written .docx or .pdf (or of ``data``, what would be written there), as
    warnings located by file and place."""
    from .checks.audit import audit_file

    return _audit_warnings(path, audit_file(path, data))


def _audit_warnings(path: Path, findings: list[Any]) -> list[Problem]:
    """Audit findings as the warnings the report prints."""
    return [Problem(path.name, None, f.where, f"accessibility ({f.rule}): {f.message}; fix: {f.fix}", "warning")
            for f in findings]


def render(paper: Paper, templates: Path, inspect: Callable[[Any], None] | None = None) -> bytes:
    """The Word document of a paper (``inspect``: handed the document as rendered, see render.docx)."""
    from .render.docx import render_paper  # docxtpl is loaded only when something is rendered

    return render_paper(paper, templates / "docx" / f"{paper.template}.docx", inspect)


# -- meeting outputs -----------------------------------------------------------------

def _finish_meeting(plan: _Plan, options: Options) -> None:
    manifest = plan.manifest
    assert manifest is not None
    previous = {t.file: t.previous for t in plan.tasks}
    for r in plan.result.papers:
        if r.previous is None:
            r.previous = previous.get(r.source)
        if r.status == "built" and r.entry is not None and r.output is not None:
            manifest.entries[r.output.name] = r.entry
    try:
        if plan.agenda is not None:
            _remove_renamed(plan)
            if options.force and manifest.published:
                _unpublish(plan)
            if options.pdf:
                manifest.pending = None  # until this build has made everything that would be published
        _load_unrecorded(plan, options)
        _workbook(plan, options)
        agenda_items = _agenda_items(plan, options) if plan.agenda is not None else None
        if agenda_items is not None:
            if options.pdf:
                _pdfs(plan, options, agenda_items)
            else:
                _outputs_without_pdf(plan, options, agenda_items)
        else:
            if options.pdf:  # papers built on their own, or an agenda not written: their PDFs alone
                _lone_pdfs(plan, options)
            else:
                _remove_stale_pdfs(plan)
            if plan.publication is not None:  # a supplement made before would not match the papers now
                _retire_unpublished(plan, "the supplement cannot be made while a paper has errors", revisions=False)
            elif plan.agenda is not None:  # the agenda was not written: the pack made with the previous one goes
                _retire(plan, plan.names.pack, "failed" if options.pdf else "removed",
                        f"{'not written: ' if options.pdf else ''}the agenda was not written")
        _stale_papers(plan)
        if options.pdf and manifest.pending is not None:
            if plan.result.ok:  # what the build was made from: `papers publish` refuses once any of it changes
                manifest.pending["sources"] = meeting_sources(plan.job.folder, options.templates)
            else:
                manifest.pending = None
        if options.audit:  # the papers were audited as they were built
            for output in plan.result.outputs:
                if output.status == "built" and output.name.endswith((".docx", ".pdf")):
                    found = plan.audited.get(output.name)
                    plan.result.problems += audit_problems(manifest.folder / output.name) if found is None else found
    except OSError as exc:  # what the writers did not already report (LibreOffice's working folder, say)
        plan.result.problems.append(fault_problem(WriteError(manifest.folder, exc)))
    finally:
        try:
            manifest.save()
        except WriteError as exc:
            plan.result.problems.append(Problem(str(exc.path), None, None, f"could not be {exc.verb}: {exc.reason} "
                                                "(the next build checks every output again)"))


def _stale_papers(plan: _Plan) -> None:
    """A paper skipped as edited whose inputs changed since is out of date: an error naming the outputs that
    now show its new content while the Word file shows the old, and what to do."""
    status = {o.name: o.status for o in plan.result.outputs}
    for r in plan.result.papers:
        if r.status != "skipped" or r.entry is not None or r.output is None:
            continue
        ahead = []
        before = r.previous
        record = _workbook_record(r)
        if (status.get(WORKBOOK) in ("built", "unchanged") and record is not None and record["tables"]
                and (before is None or before.workbook is None or before.workbook["tables"] != record["tables"])):
            ahead.append(f"{WORKBOOK} shows its new figures")
        if (status.get(plan.names.agenda) in ("built", "unchanged") and r.paper is not None
                and (before is None or before.title != r.paper.title)):
            ahead.append(f"{plan.names.agenda} its new title")
        disagreement = f": {' and '.join(ahead)}, {r.output.name} the old" if ahead else ""
        r.problems.append(Problem(
            r.output.name, None, None, f"{STALE_EDIT} what it is made from "
            f"({r.source.name} or a file it uses) has changed since, so it is out of date{disagreement}. Carry "
            f"your edit{' (shown below)' if r.diff else ''} into {r.source.name}, then build with --force (your "
            f"edited copy is then kept as {r.source.stem}.edited-<n>.docx)"))


def _write_output(plan: _Plan, name: str, inputs: str, make: Callable[[], bytes], options: Options,
                  made_from: str = "", **entry: object) -> Status:
    """Write a meeting-level output unless unchanged or edited by a person; record it.

    ``made_from`` says what the output is drawn from, for the message when a person edited it and
    that has changed since (the output is then out of date, an error).
    """
    manifest = plan.manifest
    assert manifest is not None
    path = manifest.folder / name
    previous = manifest.entries.get(name)
    kept: Path | None = None
    try:
        state = manifest.state(name)
        if state == "edited" and not options.force:
            diff = edit_diff(manifest.folder, name, previous.output if previous is not None else None)
            edit = "edited since it was built: not overwritten"
            aside = f"{path.stem}.edited-<n>{path.suffix}"
            if previous is not None and previous.inputs == inputs:
                plan.result.problems.append(Problem(name, None, None, f"{edit} (use --force to rebuild; the edited "
                                                    f"file is then kept as {aside})", level="warning"))
            else:
                plan.result.problems.append(Problem(name, None, None, (
                    f"{STALE_EDIT} what it is made from{f' ({made_from})' if made_from else ''} has changed since, "
                    f"so it is out of date. Carry your edit{' (shown above)' if diff else ''} into the inputs, then "
                    f"build with --force (your edited copy is then kept as {aside})")))
            plan.result.outputs.append(OutputResult(name, "skipped", diff=diff))
            return "skipped"
        if state == "ours" and previous is not None and previous.inputs == inputs and not options.force:
            plan.result.outputs.append(OutputResult(name, "unchanged"))
            return "unchanged"
        data = make()
        # edited (--force), or unknown (damaged state): kept aside unless it is what we would write anyway
        if state == "edited" or (state == "unknown" and file_hash(path) != bytes_hash(data)):
            kept = keep_edited(path)
            if state == "unknown":
                plan.result.problems.append(_kept_unknown(name, kept))
        manifest.entries[name] = Entry(inputs=inputs, output=write_output(path, data), **entry)  # type: ignore[arg-type]
    except WriteError as exc:
        note = f"; the previous file is kept as {kept.name}" if kept is not None else ""
        changed = previous is not None and previous.inputs != inputs and path.exists()
        stale = f"; the previous {name} stays, out of date ({made_from})" if made_from and changed else ""
        plan.result.outputs.append(OutputResult(name, "failed", f"{exc}{note}{stale}"))
        return "failed"
    note = f"(your edited copy kept as {kept.name})" if kept is not None and state == "edited" else ""
    plan.result.outputs.append(OutputResult(name, "built", note))
    return "built"


def _retire(plan: _Plan, name: str, status: Status, why: str) -> None:
    """Take an out-of-date output away (ours: removed; a person's edit: kept aside) and report it: ``why``
    it failed (status failed), or why it is out of date (status removed)."""
    manifest = plan.manifest
    assert manifest is not None
    path = manifest.folder / name
    publication = plan.publication
    if publication is not None and name in publication.files:  # kept as published, whatever happens after
        if status == "failed":
            plan.result.outputs.append(OutputResult(name, status, f"{why}; the file as published on "
                                                    f"{publication.when(name)} is kept"))
        return
    try:
        state = manifest.state(name) if name in manifest.entries else "edited" if os.path.lexists(path) else "missing"
        manifest.entries.pop(name, None)
        if state == "missing":
            if status == "failed":
                plan.result.outputs.append(OutputResult(name, status, why))
            return
        if state == "ours":
            discard(path)
            note = f"the previous {name} was removed"
        else:
            note = f"the previous {name}, edited by someone, was kept as {keep_edited(path).name}"
    except WriteError as exc:
        plan.result.outputs.append(OutputResult(name, "failed", f"out of date ({why}), and {exc}"))
        return
    plan.result.outputs.append(OutputResult(name, status, f"{why}; {note}" if status == "failed"
                                            else f"out of date: {why}; {note}"))


def _pdf_current(plan: _Plan, pdf: str, source: Path) -> bool:
    """Whether the PDF ``pdf`` is ours and was made from ``source`` as it is now."""
    manifest = plan.manifest
    assert manifest is not None
    entry = manifest.entries.get(pdf)
    try:
        return (entry is not None and manifest.state(pdf) == "ours" and source.is_file()
                and entry.inputs == file_hash(source))
    except (WriteError, OSError):
        return False


def _remove_stale_pdfs(plan: _Plan) -> list[str]:
    """Without --pdf: each paper's PDF that no longer shows its Word file is taken away; returns their names."""
    manifest = plan.manifest
    assert manifest is not None
    removed = []
    for r in plan.result.papers:
        if r.output is None or r.status not in ("built", "unchanged"):
            continue  # a failed paper's PDF still shows its (old) Word file; an edited one's shows what we built
        pdf = r.output.with_suffix(".pdf").name
        publication = plan.publication
        if publication is not None and pdf in publication.files:
            continue  # kept as published: a revision goes into a supplement, made with --pdf
        if pdf in manifest.entries and not _pdf_current(plan, pdf, r.output):
            _retire(plan, pdf, "removed", f"{r.output.name} was rebuilt; build with --pdf to make it again")
            removed.append(pdf)
    return removed


def _outputs_without_pdf(plan: _Plan, options: Options, items: list[dict[str, str]]) -> None:
    """The agenda of a build without --pdf, and the PDFs it leaves consistent: a paper's PDF that no longer
    shows its Word file is taken away, and so are the agenda's PDF and the pack when they no longer match;
    the agenda keeps the pack's page numbers while the pack is still right."""
    manifest = plan.manifest
    assert manifest is not None
    removed = _remove_stale_pdfs(plan)
    if plan.publication is not None:  # the agenda and pack stay as published; a supplement needs --pdf
        if removed or any(r.status == "built" for r in plan.result.papers):
            _retire_unpublished(plan, "a paper was rebuilt; build with --pdf to make the supplement again")
        return
    parts, pages, blockers = _pack_parts(plan, items, _known_agenda_pages(plan, options, items))
    _agenda(plan, options, items, pages if not blockers else None)
    folder = manifest.folder
    names = plan.names
    if names.agenda_pdf in manifest.entries and not _pdf_current(plan, names.agenda_pdf, folder / names.agenda):
        _retire(plan, names.agenda_pdf, "removed", f"{names.agenda} was rebuilt; build with --pdf to make it again")
        removed.append(names.agenda_pdf)
    pack = manifest.entries.get(plan.names.pack)
    if pack is not None and (removed or blockers or pack.inputs != _pack_inputs(parts)):
        why = f"{', '.join(removed)} changed" if removed else "; ".join(blockers) or "what it joins has changed"
        _retire(plan, plan.names.pack, "removed", f"{why}; build with --pdf to make it again")
    if MEETING_JSON in manifest.entries and plan.names.pack not in manifest.entries:  # it describes the pack that went
        _retire(plan, MEETING_JSON, "removed", "the pack is out of date; build with --pdf to make it again")
    if names.exempt_pack in manifest.entries and removed:  # it may hold a paper whose PDF went: made again with --pdf
        _retire(plan, names.exempt_pack, "removed", f"{', '.join(removed)} changed; build with --pdf to make it again")


def _known_agenda_pages(plan: _Plan, options: Options, items: list[dict[str, str]]) -> int | None:
    """The agenda PDF's length from the last build, while it is ours and its rows (but page numbers) are the same."""
    manifest = plan.manifest
    assert manifest is not None
    entry = manifest.entries.get(plan.names.agenda_pdf)
    layout = _agenda_inputs(plan, options, _agenda_rows(items, {}))
    try:
        ours = manifest.state(plan.names.agenda_pdf) == "ours"
    except WriteError:
        ours = False
    return entry.pages if entry is not None and entry.layout == layout and ours and not options.force else None


def _pack_parts(plan: _Plan, items: list[dict[str, str]], agenda_pages: int | None
                ) -> tuple[PackParts, dict[str, tuple[int, int]], list[str]]:
    """The pack's parts (label, PDF) in agenda order, the pages each item's paper or document (with its
    appendices) spans in it, by item number, and why the pack cannot be made now (a paper failed, is out
    of date, or has no current PDF: the pack would show an old version of it)."""
    manifest = plan.manifest
    assert manifest is not None
    folder = manifest.folder
    blockers = [] if agenda_pages is not None else ["the agenda's PDF could not be made"]
    page = (agenda_pages or 0) + 1
    pages: dict[str, tuple[int, int]] = {}
    parts: PackParts = [("Agenda", folder / plan.names.agenda_pdf)]
    by_stem = {r.source.stem: r for r in plan.result.papers}
    for item in items:
        sources = _item_sources(plan, item, by_stem)
        if isinstance(sources, str):
            blockers.append(sources)
            continue
        first = page
        page = _add_parts(plan, sources or [], parts, page, blockers)
        if sources:
            pages[item["number"]] = (first, page - 1)
    return parts, pages, blockers


@dataclass(frozen=True)
class _Source:
    """A PDF an agenda item puts in the pack: bookmark, output name, the file it is made from and that file's
    hash (what the PDF's manifest entry records as its inputs), and whether it is an appendix (nested)."""

    label: str
    name: str
    path: Path
    digest: str
    nested: bool = False


def _item_sources(plan: _Plan, item: dict[str, str], by_stem: dict[str, PaperResult]) -> list[_Source] | str | None:
    """The PDFs an item puts in the published pack, in order; a reason (text) when it cannot be published now
    (its paper has errors, or is out of date); None when it puts nothing in the pack (no paper or document,
    Part 2, exempt, uncleared)."""
    manifest = plan.manifest
    assert manifest is not None
    if item["part"] == "2":
        return None  # exempt business: for members only, never in the published pack
    label = f"Item {item['number']}: {item['title']}"
    if item.get("document"):  # an attached document (the previous minutes): as it is, in the pack
        source = plan.job.folder / item["file"]
        try:
            return [_Source(label, item["document"], source, file_hash(source))]
        except OSError:
            return f"{item['file']} cannot be read"
    r = by_stem.get(item["paper"]) if item["paper"] else None
    if r is None:
        return None  # a title-only item, or a listed file that is not there (meeting.yaml's error)
    if r.status == "failed":
        return f"{r.source.name} has errors"
    # the pack is published: an exempt paper (Schedule 12A) has its own PDF for members, but is not in it
    if _maybe_exempt(r):
        return None
    docx = manifest.entries.get(f"{item['paper']}.docx")
    if (r.status == "skipped" and r.entry is None) or docx is None or r.output is None:
        return f"{r.output.name if r.output else r.source.name} is out of date (edited by hand)"
    # the PDF shows the Word file as we built it (a paper skipped as edited is published as built)
    sources = [_Source(label, f"{item['paper']}.pdf", r.output, docx.output)]
    for appendix in docx.appendices:  # its public appendices follow it; an exempt one is for members only
        if appendix["exempt"]:
            continue
        path = r.source.parent / appendix["file"]
        try:
            digest = file_hash(path)
        except OSError:
            return f"{appendix['file']} cannot be read"
        sources.append(_Source(f"Appendix {appendix['number']}: {appendix['title']}",
                               appendix_pdf(item["paper"], appendix["number"]), path, digest, True))
    return sources


def _add_parts(plan: _Plan, sources: list[_Source], parts: PackParts, page: int, blockers: list[str]) -> int:
    """Add an item's PDFs to a pack's ``parts`` (a blocker for each that is not current); returns the page
    after them."""
    assert plan.manifest is not None
    for source in sources:
        entry = _current_pdf(plan, source.name, source.digest)
        if entry is None or entry.pages is None:
            blockers.append(f"{source.name} is not up to date")
            continue
        page += entry.pages
        path = plan.manifest.folder / source.name
        parts.append((source.label, path, True) if source.nested else (source.label, path))
    return page


def _current_pdf(plan: _Plan, name: str, digest: str) -> Entry | None:
    """The manifest entry of the PDF ``name`` when it is ours, counted, and made from the file of hash ``digest``."""
    manifest = plan.manifest
    assert manifest is not None
    entry = manifest.entries.get(name)
    try:
        ours = entry is not None and manifest.state(name) == "ours"
    except WriteError:
        ours = False
    return entry if ours and entry is not None and entry.pages is not None and entry.inputs == digest else None


PackParts = list[tuple[str, Path] | tuple[str, Path, bool]]  # (bookmark, PDF[, nested under the one before])


def _pack_inputs(parts: PackParts) -> str:
    return inputs_hash([part[1] for part in parts], [part[0] + ("\0" if len(part) > 2 else "") for part in parts])


def _check_meeting(plan: _Plan, options: Options) -> None:
    """`papers check`: the meeting's workbook and agenda made in memory and audited as a build would, so that
    check reports what build does; nothing is written."""
    _workbook(plan, options)
    items = _agenda_items(plan, options) if plan.agenda is not None else None
    if items is not None:
        _agenda(plan, options, items, pages=None)


def _output(plan: _Plan, name: str, inputs: str, make: Callable[[], bytes], options: Options,
            made_from: str = "") -> Status:
    """A meeting-level output: written (see _write_output), or for `papers check` made, audited and dropped."""
    if plan.manifest is not None:
        return _write_output(plan, name, inputs, make, options, made_from)
    data = make()
    if options.audit and name.endswith(".docx"):
        plan.result.problems += audit_problems(Path(name), data)
    plan.result.outputs.append(OutputResult(name, "checked"))
    return "checked"


def _load_unrecorded(plan: _Plan, options: Options) -> None:
    """Load the papers whose manifest entry does not say what the meeting's outputs need (title, finance).

    Only a paper skipped as edited whose inputs changed since, or an entry of an older manifest, lacks it.
    """
    todo = [r for r in plan.result.papers if r.status != "failed" and r.paper is None
            and (r.entry is None or r.entry.workbook is None)]
    if not todo:
        return
    from .assemble import load_paper

    meeting = plan.agenda
    for r in todo:
        try:
            r.paper, _ = load_paper(r.source, meeting, options.templates)
        except InputError:
            pass  # r.paper stays None: the workbook is not written (a skipped paper's errors are not reported)


def _workbook_record(result: PaperResult) -> dict[str, Any] | None:
    """What the workbook draws from a paper (see finance.workbook_record); None if it is invalid."""
    if result.entry is not None and result.entry.workbook is not None:
        return result.entry.workbook
    if result.paper is None:
        return None
    from .finance import workbook_record

    return workbook_record(result.paper)


_FINANCE_KEY = re.compile(r"^[ \t-]*finance[ \t]*:", re.MULTILINE)


def _has_finance(result: PaperResult) -> bool:
    """Whether a failed paper has finance blocks, as far as its text says."""
    try:
        return bool(_FINANCE_KEY.search(result.source.read_text(encoding="utf-8", errors="replace")))
    except OSError:
        return True


def _workbook(plan: _Plan, options: Options) -> None:
    """The meeting's budget workbook, from the finance records of its papers (no paper is loaded again)."""
    failed = [r for r in plan.result.papers if r.status == "failed"]
    if any(_has_finance(r) for r in failed):
        plan.result.problems.append(Problem(WORKBOOK, None, None, "not written: a paper of the meeting has "
                                            "errors, and the workbook would lack its figures", level="warning"))
        return
    records: WorkbookRecords = []
    for r in plan.result.papers:
        if r.status == "failed":
            continue  # it has no finance blocks (see above)
        record = _workbook_record(r)
        if record is None:
            return
        if record["tables"]:
            records.append((r.source, record))
    if not records:
        return
    template = options.templates / "xlsx" / WORKBOOK
    # the records are everything the workbook is drawn from, besides the template and the generator:
    # a paper whose figures, title and item are unchanged leaves the workbook unchanged
    inputs = inputs_hash([template], [json.dumps([[f.stem, rec] for f, rec in records], sort_keys=True)])

    plan.step("workbook", 0, 1)
    try:
        ahead = [r.output.name for r in plan.result.papers if r.status == "built" and r.output is not None
                 and r.entry is not None and r.entry.workbook is not None and r.entry.workbook["tables"]
                 and (r.previous is None or r.previous.workbook != r.entry.workbook)]
        made_from = "the papers' figures" + (f": {', '.join(ahead)} {'shows' if len(ahead) == 1 else 'show'} the new "
                                             f"ones, {WORKBOOK} the old" if ahead else "")
        _output(plan, WORKBOOK, inputs, lambda: render_workbook(records, template), options, made_from)
    except TemplateProblem as exc:
        plan.result.outputs.append(OutputResult(WORKBOOK, "failed", exc.message))
    plan.step("workbook", 1, 1, WORKBOOK)


WorkbookRecords = list[tuple[Path, dict[str, Any]]]  # (paper file, finance.workbook_record) in agenda order


def render_workbook(records: WorkbookRecords, template: Path) -> bytes:
    """The budget workbook drawn from the workbook records of a meeting's papers."""
    from .finance import paper_from_record
    from .render.xlsx import render_workbook as render  # openpyxl is loaded only when a workbook is written

    papers = [paper_from_record(f, rec) for f, rec in records]
    return render(papers[0].meeting, papers, template)


def _maybe_exempt(result: PaperResult) -> bool:
    """Whether a paper is, or may be, exempt or a draft (not cleared for publication): one whose status is
    not known now (skipped as edited with its inputs changed, and invalid) is kept out of the published
    pack rather than risk publishing it."""
    if result.paper is not None:
        return result.paper.status == "exempt" or result.paper.draft
    if result.entry is not None:
        return result.entry.exempt or result.entry.draft
    return result.status == "skipped"


def appendix_pdf(paper_stem: str, number: int) -> str:
    """The output name of a paper's appendix as PDF."""
    return f"{paper_stem}-appendix-{number}.pdf"


def is_appendix_pdf(name: str) -> bool:
    """Whether an output name is one :func:`appendix_pdf` gives (or a revision of one, publish/record.py)."""
    return re.search(r"-appendix-\d+(-revised-\d+)?\.pdf$", name) is not None  # or its revision after publication


def document_pdf(number: str, file: str) -> str:
    """The output name of the PDF of a document an agenda item attaches (the previous minutes)."""
    return f"item-{re.sub(r'[^A-Za-z0-9.-]', '-', number)}-{Path(file).stem}.pdf"


def _attachments(plan: _Plan) -> list[tuple[str, Path, str]]:
    """Every file that goes into the pack as it is or converted: the built papers' appendices and the agenda
    items' documents, as (output PDF, file, name as written)."""
    found = []
    for r in plan.result.papers:
        if r.status in ("built", "unchanged") and r.entry is not None:
            found += [(appendix_pdf(r.source.stem, a["number"]), r.source.parent / a["file"], a["file"])
                      for a in r.entry.appendices]
    if plan.agenda is not None:
        for index, (number, _, _) in enumerate(plan.agenda.items):
            file = plan.agenda.detail(index).file
            if file:
                found.append((document_pdf(number, file), plan.job.folder / file, file))
    return found


def _appendix_pdfs(plan: _Plan, options: Options, tmpdir: Path) -> dict[Path, str]:
    """Write the PDF appendices and documents as they are; return copies of the Word and Excel ones to
    convert, named as their PDFs will be, each with the hash of its file (what its PDF records as its
    input, so that a changed file, and only that, is converted again)."""
    from .render import pack

    manifest = plan.manifest
    assert manifest is not None
    todo: dict[Path, str] = {}
    for name, source, written in _attachments(plan):
        try:
            digest = file_hash(source)
        except OSError:
            plan.result.outputs.append(OutputResult(name, "failed", f"cannot read {written}"))
            continue
        name = _pdf_name(plan, name, digest)  # after publication, a revised appendix gets a name of its own
        entry = manifest.entries.get(name)
        if not options.force and entry is not None and manifest.state(name) == "ours" and entry.inputs == digest:
            plan.result.outputs.append(OutputResult(name, "unchanged"))
        elif source.suffix.lower() == ".pdf":
            _write_output(plan, name, digest, source.read_bytes, options, pages=pack.page_count(source))
        else:
            copy = tmpdir / "appendices" / (Path(name).stem + source.suffix.lower())
            copy.parent.mkdir(exist_ok=True)
            copy.write_bytes(source.read_bytes())
            todo[copy] = digest
    # LibreOffice 7.4 tags no Calc PDF: a workbook goes to PDF as the web page Calc saves of it, which
    # Writer exports tagged (its tables as tables), as every other part of the pack is
    workbooks = [c for c in todo if c.suffix == ".xlsx"]
    if workbooks:
        from .render.pdf import convert

        pages = convert(workbooks, tmpdir / "appendices-html", "html")
        for copy, page in pages.items():
            digest = todo.pop(copy)
            if page is not None:
                todo[page] = digest
            if page is None:
                plan.result.outputs.append(OutputResult(copy.with_suffix(".pdf").name, "failed",
                                                        "LibreOffice could not read the workbook"))
    return todo


def _agenda_items(plan: _Plan, options: Options) -> list[dict[str, str]] | None:
    """Agenda rows in order: number, title (the paper's own title for papers), paper stem.

    None, with the agenda (and pack) reported as not written, while meeting.yaml has errors or an item's
    title is not known (its paper is missing or has errors): such an agenda is not published.
    """
    assert plan.agenda is not None
    by_name = {r.source.name: r for r in plan.result.papers}
    items = []
    reason = ""
    if any(p.level == "error" and p.file == MEETING_FILE for p in plan.result.problems):
        reason = f"not written while {MEETING_FILE} has errors (fix them and build again)"
    for index, (number, file, title) in enumerate(plan.agenda.items):
        detail = plan.agenda.detail(index)
        result = by_name.get(file or "")
        paper_title = None
        # a paper left out of this run (one paper of the meeting built): the agenda lists the Word file that
        # is in the output folder, so its title is the one recorded when that file was built
        outside = _built_before(plan, file) if file and result is None else None
        if result is not None:
            # a failed paper's Word file is the one last built: its title is the one that build recorded
            known = result.entry or result.previous
            paper_title = result.paper.title if result.paper else (known.title if known else None)
        elif outside is not None:
            paper_title = outside.title
        if not (title or paper_title) and not reason:
            reason = (f"not written: item {number}'s paper {file} has errors, so its title is not known "
                      "(fix the paper and build again)" if result is not None else
                      f"not written: item {number}'s paper {file} was not part of this run and has not been "
                      f"built before, so its title is not known (build the meeting folder {plan.result.name} "
                      "to make the agenda)")
        items.append({"number": number, "title": title or paper_title or "", "paper": Path(file).stem if file else "",
                      "description": detail.description or "", "part": str(detail.part), "file": detail.file or "",
                      "document": document_pdf(number, detail.file) if detail.file else ""})
        if detail.part == 2:
            known = result.entry if result is not None else outside
            items[-1]["exempt_reason"] = ((result.paper.exempt_reason if result is not None and result.paper
                                           else known.exempt_reason if known else None) or "")
            if not items[-1]["exempt_reason"] and not reason:  # the exclusion item cannot quote its paragraph
                plan.result.problems.append(Problem(
                    MEETING_FILE, None, f"items[{index}].part",
                    f"item {number} is Part 2, but {'its paper gives' if file else 'it has'} no Schedule 12A "
                    "paragraph: the exclusion of the press and public cannot say why; give the paper status: exempt "
                    "and its exempt_reason", "warning"))
    if reason and plan.publication is not None:  # the agenda stays as published: the supplement cannot be made
        plan.result.outputs.append(OutputResult(plan.names.supplement(plan.publication.next_number), "failed",
                                                f"{reason}; the published agenda and pack are left as published"))
        return None
    if reason:
        folder = plan.manifest.folder if plan.manifest is not None else None
        left = [n for n in (plan.names.agenda, plan.names.agenda_pdf, plan.names.pack)
                if folder is not None and (folder / n).exists()]
        if left:  # say so: a clerk must not take the previous build's agenda for this one's
            verb = "are" if len(left) > 1 else "is"
            reason += f"; {' and '.join(left)} in the output folder {verb} the previous build's"
        plan.result.outputs.append(OutputResult(plan.names.agenda, "failed", reason))
        return None
    return _with_exclusion(items)


def _built_before(plan: _Plan, file: str) -> Entry | None:
    """The manifest entry of a paper's Word file in the output folder, if an earlier build wrote it."""
    if plan.manifest is None:
        return None
    return plan.manifest.entries.get(Path(file).stem + ".docx")


EXCLUSION = "Exclusion of the press and public"


def _with_exclusion(items: list[dict[str, str]]) -> list[dict[str, str]]:
    """The items with the resolution to exclude the press and public before the first Part 2 item, quoting
    the Schedule 12A paragraph of each exempt item (Local Government Act 1972 s.100A(4))."""
    exempt = [i for i in items if i["part"] == "2"]
    if not exempt:
        return items
    reasons = "; ".join(f"item {i['number']} ({i['title']}): {i.get('exempt_reason') or 'exempt information'}"
                        for i in exempt)
    word = "items" if len(exempt) > 1 else "item"
    description = (f"To agree that the press and public be excluded from the meeting for the following {word}, "
                   "as it is likely that exempt information as defined in Schedule 12A of the Local Government "
                   f"Act 1972 would be disclosed: {reasons}.")
    numbers = [i["number"] for i in items]
    first = items.index(exempt[0])
    last = max((int(i["number"]) for i in items[:first] if i["number"].isdigit()), default=0)
    number = str(last + 1) if all(n.isdigit() for n in numbers) and str(last + 1) not in numbers else ""
    exclusion = {"number": number, "title": EXCLUSION, "paper": "", "description": description, "part": "1",
                 "file": "", "document": ""}
    public = [i for i in items if i["part"] != "2"]
    return public[:first] + [exclusion] + public[first:] + exempt


def _agenda_rows(items: list[dict[str, str]], pages: dict[str, tuple[int, int]] | None) -> list[dict[str, str]]:
    """The front sheet's rows: number, title, description, part and the pages in the pack ("5 - 24")."""
    def span(number: str) -> str:
        if pages is None or number not in pages:
            return ""
        first, last = pages[number]
        return str(first) if first == last else f"{first} - {last}"
    return [{"number": i["number"], "title": i["title"], "description": i.get("description", ""),
             "part": i.get("part", "1"), "page": span(i["number"])} for i in items]


def _agenda_bytes(plan: _Plan, options: Options, rows: list[dict[str, str]]) -> bytes:
    from .render.docx import render_agenda

    assert plan.agenda is not None
    return render_agenda(plan.agenda.meeting, rows, options.templates / "docx" / AGENDA_TEMPLATE)


def _agenda_inputs(plan: _Plan, options: Options, rows: list[dict[str, str]], kind: str = "") -> str:
    extra = [kind] + [f"{r['number']}\0{r['title']}\0{r['page']}\0{r['description']}\0{r['part']}" for r in rows]
    return inputs_hash([plan.job.folder / MEETING_FILE, options.templates / "docx" / AGENDA_TEMPLATE], extra)


def _agenda(plan: _Plan, options: Options, items: list[dict[str, str]], pages: dict[str, int] | None) -> Status:
    """Write the agenda front sheet (page numbers when the pack's are known)."""
    rows = _agenda_rows(items, pages)
    plan.step("agenda", 0, 1)
    try:
        return _output(plan, plan.names.agenda, _agenda_inputs(plan, options, rows),
                       lambda: _agenda_bytes(plan, options, rows), options,
                       f"{MEETING_FILE}, the papers' titles and the pack's page numbers")
    except TemplateProblem as exc:
        plan.result.outputs.append(OutputResult(plan.names.agenda, "failed", exc.message))
        return "failed"
    finally:
        plan.step("agenda", 1, 1, plan.names.agenda)


def _stale_pdfs(plan: _Plan, options: Options) -> list[PaperResult]:
    """The papers whose PDF is missing, not ours, or not made from their present .docx."""
    manifest = plan.manifest
    assert manifest is not None
    stale = []
    for r in plan.result.papers:
        if r.status not in ("built", "unchanged") or r.output is None:
            continue
        digest = file_hash(r.output)
        pdf = _pdf_name(plan, r.output.with_suffix(".pdf").name, digest)
        entry = manifest.entries.get(pdf)
        if options.force or entry is None or manifest.state(pdf) != "ours" or entry.inputs != digest:
            stale.append(r)
    return stale


def _write_pdf(plan: _Plan, options: Options, source: Path, pdf: Path | str, date: dt.date | None,
               inputs: str | None = None, made: tuple[bytes, int] | None = None) -> None:
    """Write LibreOffice's PDF of ``source`` (a message: why it failed), dated ``date`` as the Word files are;
    ``inputs`` is what it was made from (default: the hash of ``source``); ``made``: the PDF as published and
    its page count, when worked out already (:func:`_publishing`)."""
    from .render import pack

    if isinstance(pdf, str):  # the previous PDF shows the previous Word file: it goes
        _retire(plan, source.with_suffix(".pdf").name, "failed", pdf)
        return

    def data() -> bytes:
        return made[0] if made is not None else _published_pdf(pdf, source, date)

    digest = inputs or file_hash(source)
    # after publication, a revised paper's PDF gets a name of its own: the published one stays as it is
    _write_output(plan, _pdf_name(plan, pdf.name, digest), digest, data, options, source.name,
                  pages=made[1] if made is not None else pack.page_count(pdf))


def _publishing(plan: _Plan, options: Options, date: dt.date | None,
                skip: Path) -> tuple[dict[Path, tuple[bytes, int]], Callable[[Path, Path], None]]:
    """Where each converted PDF's published bytes and page count go, and the function that works them out (and
    audits them, into ``plan.audited``) as LibreOffice hands the PDF over, while its other instances convert the
    next files; the PDF of ``skip`` is left alone. A PDF that cannot be worked out there is worked out again,
    and its error reported, when it is written."""
    from .render import pack

    made: dict[Path, tuple[bytes, int]] = {}

    def work(source: Path, pdf: Path) -> None:
        if source == skip:
            return
        try:
            data = _published_pdf(pdf, source, date)
            if options.audit:
                plan.audited[pdf.name] = audit_problems(Path(pdf.name), data)
            made[source] = (data, pack.page_count(pdf))
        except Exception:  # noqa: BLE001 - in a conversion thread: _write_pdf does it again and reports it
            plan.audited.pop(pdf.name, None)
    return made, work


def _published_pdf(pdf: Path, source: Path, date: dt.date | None) -> bytes:
    """LibreOffice's PDF of ``source`` as published: layout tables tagged as layout, dated ``date``."""
    from .checks.audit import layout_tables
    from .render.pdf import fixed_pdf
    from .render.pdftags import tag_layout_tables

    data = pdf.read_bytes()
    if source.suffix.lower() == ".docx":
        data = tag_layout_tables(data, layout_tables(source))
    return fixed_pdf(data, date) if date is not None else data


def _lone_pdfs(plan: _Plan, options: Options) -> None:
    """PDF of each paper of a folder without meeting.yaml (one LibreOffice start for all)."""
    from .render.pdf import convert_all, work_folder

    assert plan.manifest is not None
    todo = {r.output: r for r in _stale_pdfs(plan, options) if r.output is not None}
    if not todo:
        return
    with work_folder() as tmp:
        for source, pdf in convert_all(list(todo), Path(tmp), on_file=plan.counter("PDFs", len(todo))).items():
            record = todo[source].entry.workbook if todo[source].entry is not None else None
            date = dt.date.fromisoformat(record["meeting"]["date"]) if record else None  # each paper's own meeting
            _write_pdf(plan, options, source, pdf, date)


def _pdfs(plan: _Plan, options: Options, items: list[dict[str, str]]) -> None:
    """PDF of each paper and the agenda (one LibreOffice start for all), then the bookmarked pack; after
    publication, the supplement instead (the agenda and pack stay as published)."""
    from .render import pack
    from .render.pdf import convert_all, work_folder
    from .render.stamp import prepare as stamp_font

    manifest = plan.manifest
    assert manifest is not None and plan.agenda is not None
    folder = manifest.folder
    date = plan.agenda.meeting.date  # the PDFs' dates, as the Word files'
    todo = [r.output for r in _stale_pdfs(plan, options) if r.output is not None]
    publication = plan.publication
    # The agenda's length must be known before its page numbers are: it comes from the last build
    # when the agenda's rows are the same, else from a provisional copy converted with the papers.
    # So does a supplementary agenda's.
    layout = _agenda_inputs(plan, options, _agenda_rows(items, {}))
    agenda_pages = _known_agenda_pages(plan, options, items) if publication is None else 0
    changes = _changes(plan, items) if publication is not None else None
    front_pages = None
    if changes is not None and changes.changed and not changes.blockers:
        assert publication is not None
        number = publication.next_number
        when = printed_date(publication.first.date)
        front_layout = _agenda_inputs(plan, options, _supplement_rows(changes, when, {}), f"supplement {number}")
        front_pages = _known_supplement_pages(plan, options, number, front_layout)
    with work_folder() as tmp:
        tmpdir = Path(tmp)
        provisional = tmpdir / "provisional" / plan.names.agenda
        appendices = _appendix_pdfs(plan, options, tmpdir)
        batch = list(todo) + list(appendices)
        if agenda_pages is None:
            provisional.parent.mkdir()
            placeholder = {i["number"]: (999, 9999) for i in items if i["paper"] or i["document"]}
            provisional.write_bytes(_agenda_bytes(plan, options, _agenda_rows(items, placeholder)))
            batch.append(provisional)
        elif changes is not None and changes.changed and not changes.blockers and front_pages is None:
            provisional.parent.mkdir()
            placeholder = {c.item["number"]: (9999, 99999) for c in changes.changed}
            provisional.write_bytes(_supplement_agenda_bytes(plan, options, number,
                                                             _supplement_rows(changes, when, placeholder)))
            batch.append(provisional)
        threading.Thread(target=stamp_font, name="papers-stamp-font", daemon=True).start()  # for the pack
        published, publish = _publishing(plan, options, date, provisional)
        converted = convert_all(batch, tmpdir / "pdf", on_file=plan.counter("PDFs", len(batch)),
                                on_pdf=publish) if batch else {}
        agenda_error = None
        for source, pdf in converted.items():
            if source == provisional:
                if isinstance(pdf, Path):
                    if publication is None:
                        agenda_pages = pack.page_count(pdf)
                    else:
                        front_pages = pack.page_count(pdf)
                else:
                    agenda_error = pdf
            else:
                _write_pdf(plan, options, source, pdf, date, appendices.get(source), published.get(source))
        if changes is not None:
            if agenda_error is not None:
                changes.blockers.append(f"the supplementary agenda's PDF could not be made ({agenda_error})")
            _supplement(plan, options, items, changes, front_pages, tmpdir, date)
            _exempt_pack(plan, options, items, date)
            return
        # the pack and the agenda's page numbers only when every paper in the pack is current
        parts, pages, blockers = _pack_parts(plan, items, agenda_pages)
        status = _agenda(plan, options, items, None if blockers else pages)
        agenda_pdf = manifest.entries.get(plan.names.agenda_pdf)
        if status == "failed":
            blockers.append(f"{plan.names.agenda} could not be written")
        elif agenda_error is not None:  # the front sheet is written without page numbers; its PDF is not
            _retire(plan, plan.names.agenda_pdf, "failed", agenda_error)
        elif agenda_pdf is None or agenda_pdf.inputs != file_hash(folder / plan.names.agenda) or options.force:
            on_file = plan.counter("PDFs", len(batch) + 1, len(batch))
            agenda_docx = folder / plan.names.agenda
            final = convert_all([agenda_docx], tmpdir / "agenda", on_file=on_file)[agenda_docx]
            if isinstance(final, str):
                _retire(plan, plan.names.agenda_pdf, "failed", final)
                blockers.append("the agenda's PDF could not be made")
            else:
                _write_output(plan, plan.names.agenda_pdf, file_hash(folder / plan.names.agenda),
                              lambda: _published_pdf(final, agenda_docx, date), options, plan.names.agenda,
                              pages=pack.page_count(final), layout=layout)
        else:
            plan.result.outputs.append(OutputResult(plan.names.agenda_pdf, "unchanged"))
    if blockers:
        _retire(plan, plan.names.pack, "failed", f"not written: {'; '.join(dict.fromkeys(blockers))}, so it would not "
                                      "match the papers")
        if MEETING_JSON in manifest.entries:  # it describes the pack that went
            _retire(plan, MEETING_JSON, "removed", "the pack was not written")
        return
    meeting = plan.agenda.meeting
    title = f"Agenda pack: {meeting.committee}, {meeting.long_date}"
    plan.step("pack", 0, 1)
    status = _write_output(plan, plan.names.pack, _pack_inputs(parts), lambda: pack.join(parts, title, date), options,
                           "the papers' PDFs")
    plan.step("pack", 1, 1, plan.names.pack)
    if status in ("built", "unchanged"):
        documents = _documents(plan, items, parts, 1, plan.names.pack, title, 0)
        by_stem = {r.source.stem: r for r in plan.result.papers}
        published = {}  # what `papers publish` records of each item: the hash of what its PDFs are made from
        for item in items:
            sources = _item_sources(plan, item, by_stem)
            if isinstance(sources, list) and sources:
                published[_item_key(item)] = content_hash([source.digest for source in sources])
        manifest.pending = {"number": 0, "documents": [asdict(d) for d in documents], "items": published,
                            "first_page": 1, "last_page": documents[-1].last_page}
        _meeting_json(plan, options, items, documents)
    elif MEETING_JSON in manifest.entries:
        _retire(plan, MEETING_JSON, "removed", "the pack was not written")
    _exempt_pack(plan, options, items, date)


def _documents(plan: _Plan, items: list[dict[str, str]], parts: PackParts, first_page: int, pack_name: str,
               title: str, supplement: int) -> list[Any]:
    """The published PDFs of a pack (``parts``, then the pack itself), with their pages in it and the agenda
    item each belongs to (opendata.Document)."""
    from .publish.opendata import Document
    from .render import pack

    manifest = plan.manifest
    assert manifest is not None
    by_stem = {r.source.stem: r for r in plan.result.papers}
    owner: dict[str, str] = {}  # which item each PDF of the pack belongs to
    for item in items:
        sources = _item_sources(plan, item, by_stem)
        for source in sources if isinstance(sources, list) else []:
            owner[source.name] = owner[_pdf_name(plan, source.name, source.digest)] = item["number"]
    documents = []
    page = first_page
    for part in parts:
        path = part[1]
        # a part in the output folder is current (the pack is made only then): its page count is recorded
        entry = manifest.entries.get(path.name) if path.parent == manifest.folder else None
        count = entry.pages if entry is not None and entry.pages else pack.page_count(path)
        documents.append(Document(part[0], path.name, file_hash(path), page, page + count - 1, owner.get(path.name),
                                  pack_name, supplement, base_name(path.name)))
        page += count
    documents.append(Document(title, pack_name, file_hash(manifest.folder / pack_name), first_page, page - 1, None,
                              pack_name, supplement, pack_name))
    return documents


def _meeting_json(plan: _Plan, options: Options, items: list[dict[str, str]], documents: list[Any]) -> None:
    """``meeting.json`` beside the pack: the meeting and the PDFs it publishes (the pack's, and after publication
    the supplements'), with their pages."""
    from .publish.opendata import meeting_json

    assert plan.agenda is not None
    digest = inputs_hash([plan.job.folder / MEETING_FILE], [f"{d.file}\0{d.sha256}\0{d.first_page}\0{d.item}"
                                                           for d in documents] + [json.dumps(items, sort_keys=True)])
    _write_output(plan, MEETING_JSON, digest, lambda: meeting_json(plan.agenda.meeting, items, documents), options,
                  "the pack and meeting.yaml")


def _exempt_pack(plan: _Plan, options: Options, items: list[dict[str, str]], date: dt.date | None) -> None:
    """``exempt-pack.pdf`` for members: every exempt paper (Part 2, or `status: exempt`) with its appendices, the
    Part 2 items' documents and the public papers' exempt appendices, in agenda order, each page stamped
    NOT FOR PUBLICATION; none when the meeting has no exempt business (a previous one goes)."""
    from .render import pack

    manifest = plan.manifest
    assert manifest is not None and plan.agenda is not None
    folder = manifest.folder
    by_stem = {r.source.stem: r for r in plan.result.papers}
    parts: PackParts = []
    blockers: list[str] = []

    def add(label: str, name: str, source: Path, nested: bool = False) -> None:
        entry = manifest.entries.get(name)
        if entry is None or entry.pages is None or not _pdf_current(plan, name, source):
            blockers.append(f"{name} is not up to date")
        else:
            parts.append((label, folder / name, True) if nested else (label, folder / name))

    for item in items:
        label = f"Item {item['number']}: {item['title']}"
        if item.get("document"):
            if item["part"] == "2":
                add(label, item["document"], plan.job.folder / item["file"])
            continue
        r = by_stem.get(item["paper"]) if item["paper"] else None
        if r is None or r.status == "failed" or r.output is None:
            continue
        exempt = item["part"] == "2" or (r.paper.status == "exempt" if r.paper is not None
                                         else r.entry is not None and r.entry.exempt)
        if exempt:
            add(label, f"{item['paper']}.pdf", r.output)
        docx = manifest.entries.get(f"{item['paper']}.docx")
        for appendix in docx.appendices if docx is not None else []:
            if exempt or appendix["exempt"]:
                appendix_label = f"Appendix {appendix['number']}: {appendix['title']}"
                add(appendix_label if exempt else f"{label}, {appendix_label}",
                    appendix_pdf(item["paper"], appendix["number"]), r.source.parent / appendix["file"], exempt)
    exempt_pack = plan.names.exempt_pack
    if not parts or blockers:
        if exempt_pack in manifest.entries or blockers:
            why = ("not written: " + "; ".join(dict.fromkeys(blockers)) if blockers
                   else "the meeting has no exempt business now")
            _retire(plan, plan.names.exempt_pack, "failed" if blockers else "removed", why)
        return
    meeting = plan.agenda.meeting
    title = f"Exempt papers, {NOT_FOR_PUBLICATION.lower()}: {meeting.committee}, {meeting.long_date}"
    _write_output(plan, plan.names.exempt_pack, _pack_inputs(parts) + "exempt",
                  lambda: pack.join(parts, title, date, marking=NOT_FOR_PUBLICATION), options, "the exempt papers' PDFs")


# -- after publication: supplements ----------------------------------------------------------------


@dataclass
class _Change:
    """An agenda item that differs from what was published: revised, or late (not published at all)."""

    item: dict[str, str]
    kind: Literal["Revised", "Late item"]
    key: str  # the paper's stem, or the attached document's file
    digest: str  # content_hash of its sources
    sources: list[_Source]  # under the names they take after publication


@dataclass
class _Changes:
    changed: list[_Change] = field(default_factory=list)
    blockers: list[str] = field(default_factory=list)


def _pdf_name(plan: _Plan, name: str, digest: str) -> str:
    """The name the PDF ``name`` made from the file of hash ``digest`` takes: its own; after publication, the
    published file that shows that file (kept as published), or when none does, a revision of its own
    (``<stem>-revised-<n>.pdf``, n the supplement it is made for)."""
    publication = plan.publication
    if publication is None or name not in publication.files:
        return name
    latest = publication.latest(name)
    manifest = plan.manifest
    assert manifest is not None
    entry = manifest.entries.get(latest)
    if entry is not None and entry.inputs == digest:
        return latest
    return revised_name(name, publication.next_number)


def _item_key(item: dict[str, str]) -> str:
    """What identifies an agenda item's content across builds: its paper's stem, or its document's file."""
    return item["paper"] or item["file"]


def _changes(plan: _Plan, items: list[dict[str, str]]) -> _Changes:
    """The items that differ from what was published (revised, or late), in agenda order; and a warning for
    each published item that is no longer on the agenda, which no supplement can withdraw."""
    publication = plan.publication
    assert publication is not None
    published = publication.items
    by_stem = {r.source.stem: r for r in plan.result.papers}
    found = _Changes()
    present = set()
    for item in items:
        key = _item_key(item)
        if key:
            present.add(key)
        sources = _item_sources(plan, item, by_stem)
        if isinstance(sources, str):
            found.blockers.append(sources)
            continue
        if not sources:
            continue
        digest = content_hash([s.digest for s in sources])
        if published.get(key) == digest:
            continue
        named = [_Source(s.label, _pdf_name(plan, s.name, s.digest), s.path, s.digest, s.nested) for s in sources]
        found.changed.append(_Change(item, "Late item" if key not in published else "Revised", key, digest, named))
    for key in published:
        if key not in present:
            when = printed_date(next(r.date for r in reversed(publication.releases) if key in r.items))
            plan.result.problems.append(Problem(MEETING_FILE, None, "items", (
                f"'{key}', published on {when}, is no longer on the agenda: a supplement cannot withdraw what was "
                "published, and the published pack still holds it; announce its withdrawal at the meeting (or "
                "build with --force to make the pack again without it, then publish that)"), "warning"))
    return found


def _supplement_rows(changes: _Changes, when: str, pages: dict[str, tuple[int, int]] | None
                     ) -> list[dict[str, str]]:
    """The supplementary agenda's rows: each revised or late item, marked, with its pages (None: not known)."""
    rows = []
    for change in changes.changed:
        mark = (f"Revised: replaces the version published on {when}." if change.kind == "Revised"
                else f"Late item: not available when the agenda was published on {when}.")
        rows.append({**change.item, "description": " ".join(filter(None, [mark, change.item.get("description")]))})
    return _agenda_rows(rows, pages)


def _supplement_agenda_bytes(plan: _Plan, options: Options, number: int, rows: list[dict[str, str]]) -> bytes:
    from .render.docx import render_agenda

    assert plan.agenda is not None
    return render_agenda(plan.agenda.meeting, rows, options.templates / "docx" / AGENDA_TEMPLATE,
                         supplement=number)


def _known_supplement_pages(plan: _Plan, options: Options, number: int, layout: str) -> int | None:
    """The supplementary agenda PDF's length from the last build, while its rows (but page numbers) are the same."""
    manifest = plan.manifest
    assert manifest is not None
    name = plan.names.supplement_agenda(number, pdf=True)
    entry = manifest.entries.get(name)
    try:
        ours = manifest.state(name) == "ours"
    except WriteError:
        ours = False
    return entry.pages if entry is not None and entry.layout == layout and ours and not options.force else None


def _unpublish(plan: _Plan) -> None:
    """--force after publication: the agenda and pack are made again from the papers as they are now, so the
    record of what was published no longer describes them; it is cleared (publish again), and so are the
    supplements not yet published."""
    manifest = plan.manifest
    assert manifest is not None
    publication = plan.publication
    assert publication is not None
    when = publication.first.date
    plan.result.problems.append(Problem(plan.names.pack, None, None, (
        f"published on {when}: --force makes the agenda and the pack again from the papers as they are now, "
        f"so the record of that publication was cleared; run `papers publish {plan.job.folder}` to publish "
        "them again"), "warning"))
    manifest.published = []
    _retire_unpublished(plan, "--force made the pack again, with the papers as they are now")


def _retire_unpublished(plan: _Plan, why: str, keep: set[str] | frozenset[str] = frozenset(),
                        revisions: bool = True) -> None:
    """Take away supplement outputs not yet published and not in ``keep``, and the revised PDFs too unless
    ``revisions`` is False (they show their papers as they are): they would contradict what the inputs now
    give."""
    manifest = plan.manifest
    assert manifest is not None
    publication = plan.publication
    done = publication.next_number if publication is not None else 1
    for name in sorted(manifest.entries):
        number = plan.names.supplement_number(name) or (revised_number(name) if revisions else None)
        if number is not None and number >= done and name not in keep:
            _retire(plan, name, "removed", why)


def _supplement(plan: _Plan, options: Options, items: list[dict[str, str]], changes: _Changes,
                front_pages: int | None, tmpdir: Path, date: dt.date) -> None:
    """After publication: the published agenda, pack and PDFs are left as published; the revised and late
    items go into supplement n (its front sheet "Supplementary agenda n", then their PDFs), stamped with page
    numbers that continue from the last page published; meeting.json lists it with what was published."""
    from .publish.opendata import Document
    from .render import pack
    from .render.pdf import convert_all

    manifest = plan.manifest
    publication = plan.publication
    assert manifest is not None and publication is not None and plan.agenda is not None
    names, folder, number = plan.names, manifest.folder, publication.next_number
    meeting = plan.agenda.meeting
    when = printed_date(publication.first.date)
    for name in (names.agenda, names.agenda_pdf, names.pack):
        plan.result.outputs.append(OutputResult(name, "unchanged", f"published on {publication.first.date}: left as "
                                                "published (build with --force to make it again)"
                                   if name == names.pack else ""))
    published = [Document(**d) for r in publication.releases for d in r.documents]
    if changes.blockers or not changes.changed:
        if changes.blockers:
            why = f"not written: {'; '.join(dict.fromkeys(changes.blockers))}, so it would not match the papers"
            # the revised and late papers' PDFs show their papers as they are: they stay for the next build
            _retire_unpublished(plan, why, {names.supplement(number)}, revisions=False)
            _retire(plan, names.supplement(number), "failed", why)
        else:
            _retire_unpublished(plan, "the papers are as published again")
            last = publication.releases[-1]
            what = f"supplement {last.number}" if last.number else "the agenda and pack"
            plan.result.notes.append(f"{what} published on {last.date}; no paper changed or was added since, so "
                                     "there is no supplement")
            manifest.pending = {"number": None}
        _meeting_json(plan, options, items, published)
        return
    start = publication.last_page + 1
    page = start + (front_pages or 0)
    pages: dict[str, tuple[int, int]] = {}
    agenda_pdf = names.supplement_agenda(number, pdf=True)
    parts: PackParts = [(f"Supplementary agenda {number}", folder / agenda_pdf)]
    blockers = [] if front_pages is not None else ["the supplementary agenda's PDF could not be made"]
    for change in changes.changed:
        first = page
        page = _add_parts(plan, change.sources, parts, page, blockers)
        pages[change.item["number"]] = (first, page - 1)
    rows = _supplement_rows(changes, when, pages if not blockers else None)
    docx = names.supplement_agenda(number)
    layout = _agenda_inputs(plan, options, _supplement_rows(changes, when, {}), f"supplement {number}")
    try:
        status = _output(plan, docx, _agenda_inputs(plan, options, rows, f"supplement {number}"),
                         lambda: _supplement_agenda_bytes(plan, options, number, rows), options,
                         f"{MEETING_FILE} and the revised and late papers")
    except TemplateProblem as exc:
        plan.result.outputs.append(OutputResult(docx, "failed", exc.message))
        status = "failed"
    if status == "failed":
        blockers.append(f"{docx} could not be written")
    else:
        entry = manifest.entries.get(agenda_pdf)
        if entry is None or entry.inputs != file_hash(folder / docx) or options.force:
            final = convert_all([folder / docx], tmpdir / "supplement")[folder / docx]
            if isinstance(final, str):
                _retire(plan, agenda_pdf, "failed", final)
                blockers.append("the supplementary agenda's PDF could not be made")
            else:
                _write_output(plan, agenda_pdf, file_hash(folder / docx),
                              lambda: _published_pdf(final, folder / docx, date), options, docx,
                              pages=pack.page_count(final), layout=layout)
        else:
            plan.result.outputs.append(OutputResult(agenda_pdf, "unchanged"))
    name = names.supplement(number)
    if blockers:
        why = f"not written: {'; '.join(dict.fromkeys(blockers))}, so it would not match the papers"
        _retire_unpublished(plan, why, {docx, agenda_pdf, name} | {s.name for c in changes.changed for s in c.sources})
        _retire(plan, name, "failed", why)
        _meeting_json(plan, options, items, published)
        return
    title = f"Supplementary agenda {number}: {meeting.committee}, {meeting.long_date}"
    status = _write_output(plan, name, _pack_inputs(parts) + f"\0{start}",
                           lambda: pack.join(parts, title, date, first_page=start), options,
                           "the revised and late papers' PDFs")
    keep = {docx, agenda_pdf, name} | {s.name for c in changes.changed for s in c.sources}
    _retire_unpublished(plan, "no longer part of the supplement", keep)
    if status not in ("built", "unchanged"):
        _meeting_json(plan, options, items, published)
        return
    documents = _documents(plan, items, parts, start, name, title, number)
    revised = sum(c.kind == "Revised" for c in changes.changed)
    late = len(changes.changed) - revised
    count = len(changes.changed)
    plan.result.notes.append(
        f"supplement {number}: {count} item{'s' if count != 1 else ''} ({revised} revised, {late} late): {name}, "
        f"pages {start}-{page - 1}")
    plan.result.notes.append(f"published on {publication.first.date}: {names.agenda_pdf}, {names.pack} and the "
                             "papers' PDFs as published were left as they are")
    for change in changes.changed:
        for source in change.sources:
            base = base_name(source.name)
            if base != source.name and revised_number(source.name) == number:
                plan.result.notes.append(f"{base} as published was left as it is; its revision is {source.name}")
    manifest.pending = {"number": number, "documents": [asdict(d) for d in documents],
                        "items": {c.key: c.digest for c in changes.changed}, "first_page": start,
                        "last_page": page - 1}
    _meeting_json(plan, options, items, published + documents)


def default_jobs() -> int:
    """Worker processes by default: the machine's cores."""
    return os.cpu_count() or 1
