"""Validated inputs -> the paper model (Markdown parsed, tables resolved, problems located)."""
from __future__ import annotations

import datetime as dt
import difflib
from pathlib import Path
from typing import Any

from pydantic import TypeAdapter, ValidationError

from . import finance, kpi, papers
from .inputs import markdown, paths
from .errors import Problem, errors_only
from .inputs.load import Located, PathKey, format_path, load_paper_file, load_yaml
from .model import (MEETING_FILE, Block, FinanceTable, Heading, Image, ItemDetails, ListBlock, Meeting, MeetingInputs,
                    Paper, Paragraph, Run, Section, Table)
from .write.outputs import meeting_outputs, output_name_problem
from .inputs.schema import (
    AgendaItem,
    BodyItem,
    FinanceBlock,
    FinanceItem,
    GenericTable,
    KpisItem,
    KpiTable,
    MeetingFile,
    MeetingInfo,
    TableItem,
    TopFinance,
    validate,
)


def _meeting(info: MeetingInfo) -> Meeting:
    if not isinstance(info, MeetingFile):  # a paper's own `meeting:` block
        return Meeting(info.committee, info.short_name or info.committee, info.date, info.time, info.venue)
    contact = info.contact.model_dump() if info.contact is not None else None
    return Meeting(info.committee, info.short_name or info.committee, info.date, info.time, info.venue,
                   info.council, info.published, [(m.name, m.role) for m in info.membership],
                   list(info.substitutes), contact)


ITEM_FILE_SUFFIXES = (".pdf", ".docx")


def _front_sheet_warnings(doc: Located, folder: Path, meeting: Meeting) -> list[Problem]:
    """What the front sheet lacks (time, venue, membership, contact), and a publication date too late."""
    from .publish.notice import CLEAR_DAYS, bank_holidays, clear_days, council_file, printed_date

    missing = [name for name, absent in (("time", not meeting.time), ("venue", not meeting.venue),
                                          ("membership", not meeting.membership), ("contact", meeting.contact is None))
               if absent]
    found = []
    if missing:  # one line: an older meeting.yaml lacks several at once
        names = ", ".join(missing[:-1]) + (" or " if len(missing) > 1 else "") + missing[-1]
        found.append(Problem(doc.name, None, None, f"the front sheet has no {names}: add "
                             f"{', '.join(f'{n}:' for n in missing)} to {MEETING_FILE} (docs/input-format.md)",
                             "warning"))
    if meeting.published is not None:
        holidays, problems = bank_holidays(folder)
        found += problems
        days = clear_days(meeting.published, meeting.date, holidays)
        if days < CLEAR_DAYS:
            where = council_file(folder).name
            found.append(doc.problem(("published",), f"publishing on {printed_date(meeting.published)} gives "
                                     f"{days} clear day{'s' if days != 1 else ''} before the meeting on "
                                     f"{meeting.long_date}, fewer than the {CLEAR_DAYS} the law requires (the day "
                                     "of publication, the day of the meeting, weekends and the bank holidays in "
                                     f"{where} are not counted): publish earlier or move the meeting", "warning"))
    return found


def load_meeting(folder: Path) -> tuple[MeetingInputs | None, list[Problem]]:
    """Load and validate ``folder/meeting.yaml``: every problem of the file, and what can be salvaged of it.

    The meeting comes back even when the file has errors (check the problems): its papers are then still
    validated against it, so that one mistake in meeting.yaml does not hide theirs: it is ``partial`` when
    the fields have errors (committee empty and date :data:`UNKNOWN_DATE` where those are wrong). None only
    when the file is not a mapping.
    """
    doc = load_yaml(folder / MEETING_FILE)
    parsed, problems = validate(doc, MeetingFile)
    problems = sorted(doc.problems + problems, key=_order)
    data = doc.data
    if not isinstance(data, dict):
        return None, problems
    if parsed is not None:
        info = _meeting(parsed)
        agenda = list(enumerate(parsed.items))
    else:
        info = _salvage_meeting(data)
        agenda = []
        for n, raw in enumerate(data.get("items") if isinstance(data.get("items"), list) else []):
            try:
                agenda.append((n, AgendaItem.model_validate(raw)))
            except ValidationError:
                pass  # reported by the validation of the whole file
    items = [(i.number, i.paper, i.title) for _, i in agenda]
    details = [ItemDetails(i.description, i.file, i.part) for _, i in agenda]
    for n, item in agenda:
        if item.file is None:
            continue
        try:
            paths.resolve_data_file(folder, item.file, ITEM_FILE_SUFFIXES, "document")
        except paths.DataFileError as exc:
            problems.append(doc.problem(("items", n, "file"), str(exc)))
            continue
        if Path(item.file).suffix.lower() not in ITEM_FILE_SUFFIXES:
            problems.append(doc.problem(("items", n, "file"), f"'{item.file}' is not a document the pack can "
                                        "hold: give a .pdf or .docx file"))
        if item.paper:
            problems.append(doc.problem(("items", n, "file"), "an item has a paper or a document, not both: "
                                        "give the document its own item"))
    if parsed is not None:
        problems += _front_sheet_warnings(doc, folder, info)
    numbers: dict[str, int] = {}
    papers: dict[str, int] = {}
    names = meeting_outputs(info.date, info.short_name, info.committee, folder.name) if parsed is not None else None
    for n, item in agenda:
        number, file = item.number, item.paper
        first = numbers.setdefault(number.strip(), n)
        if first != n:
            problems.append(doc.problem(("items", n, "number"), f"item {number} is already on the agenda "
                                        f"(items[{first}], line {doc.line_of(('items', first, 'number'))})"))
        if not file:
            continue
        where = ("items", n, "paper")
        if Path(file).name != file or file in (".", ".."):
            problems.append(doc.problem(where, f"'{file}': give the file name of a paper in this folder, "
                                               "without a folder"))
        elif file == MEETING_FILE or Path(file).suffix.lower() not in (".yaml", ".yml", ".md"):
            problems.append(doc.problem(where, f"'{file}' is not a paper: a paper is a .yaml or .md file beside "
                                               f"{MEETING_FILE}"))
        elif (clash := output_name_problem(file, names)) is not None:
            problems.append(doc.problem(where, clash))
        elif not (folder / file).is_file():
            problems.append(doc.problem(where, f"paper file not found: {file}"))
        else:
            first = papers.setdefault(file, n)
            if first != n:
                problems.append(doc.problem(where, f"{file} is already on the agenda as item "
                                            f"{dict(agenda)[first].number} "
                                            f"(line {doc.line_of(('items', first, 'paper'))})"))
    return MeetingInputs(folder, info, items, doc.line_of(("items",)), partial=parsed is None,
                         details=details), problems


UNKNOWN_DATE = dt.date(1900, 1, 1)  # the date of a meeting whose meeting.yaml gives no valid one


def unknown_meeting(folder: Path) -> MeetingInputs:
    """A meeting whose meeting.yaml cannot be read at all: its papers are validated, nothing is built."""
    return MeetingInputs(folder, Meeting("", "", UNKNOWN_DATE, None, None), [], None, partial=True)


def _salvage_meeting(data: dict[str, Any]) -> Meeting:
    """The fields of a meeting.yaml with errors that are valid on their own (for validating its papers)."""
    fields: dict[str, Any] = {}
    for name, info in MeetingInfo.model_fields.items():
        try:
            fields[name] = TypeAdapter(info.annotation).validate_python(data.get(name))
        except ValidationError:
            fields[name] = None
    committee = fields["committee"] or ""
    return Meeting(committee, fields["short_name"] or committee, fields["date"] or UNKNOWN_DATE, fields["time"],
                   fields["venue"])


class Context:
    """Where we are in a paper: its document, its folder, and the problems so far. Paper type modules
    (generator/papers/) assemble their content through it."""

    def __init__(self, doc: Located, base: Path) -> None:
        self.doc = doc
        self.base = base  # the paper's folder: data files are found beside it
        self.problems: list[Problem] = []
        self.files: set[str] = set()  # images and appendices named, relative to the paper's folder

    def markdown(self, text: str, path: PathKey, under: int | None = None) -> list[Block]:
        """Markdown text as blocks (following a heading of level ``under``); its problems (and its pictures')
        located at their lines."""
        blocks, problems = markdown.parse(text, under)
        first = self.doc.text_lines.get(path) or self.doc.line_of(path)
        for p in problems:
            line = first + p.line if first is not None else None
            self.problems.append(Problem(self.doc.name, line, format_path(path), p.message, p.level))
        for inlines in _inline_lists(blocks):
            self._images(inlines, path, lambda image: first + image.line if first is not None else None)
        return blocks

    def inline(self, text: str, path: PathKey) -> list[Any]:
        """One line of Markdown (a recommendation, say) as inlines."""
        inlines, problems = markdown.parse_inline(text)
        for p in problems:
            self.problems.append(self.doc.problem(path, p.message))
        self._images(inlines, path, lambda image: self.doc.line_of(path))
        return inlines

    def file(self, name: str, path: PathKey, what: str, suffixes: tuple[str, ...] = ()) -> Path | None:
        """A file the paper names, inside its folder; None (and the problem at ``path``) when it cannot be used."""
        try:
            found = paths.resolve_data_file(self.base, name, suffixes, what)
        except paths.DataFileError as exc:
            self.problems.append(self.doc.problem(path, str(exc)))
            return None
        self.files.add(name)
        return found

    def _images(self, inlines: list[Any], path: PathKey, line_of: Any) -> None:
        """Check each picture's file and put its size in; a problem at the picture's line otherwise."""
        for i, item in enumerate(inlines):
            if not isinstance(item, Image):
                continue
            line = line_of(item)
            problems_before = len(self.problems)
            found = self.file(item.src, path, "image", tuple(f".{s}" for s in _IMAGE_TYPES)) if item.src else None
            if not item.src:
                self.problems.append(self.doc.problem(path, "an image needs a file: ![alt text](chart.png)"))
            elif found is not None:
                size = _image_size(found)
                if isinstance(size, str):
                    self.problems.append(self.doc.problem(path, f"image {item.src}: {size}"))
                else:
                    inlines[i] = Image(item.src, item.alt, item.line, str(found), *size)
            # located at the picture's own line, not the body's first
            self.problems[problems_before:] = [Problem(p.file, line, p.field, p.message, p.level)
                                              for p in self.problems[problems_before:]]

    def section(self, title: str | None, body: Any, path: PathKey) -> Section:
        """A validated body (Markdown or a list of blocks) as a section."""
        return _section(self, title, body, path, self.base)

    def finance(self, block: FinanceBlock, path: PathKey) -> FinanceTable | None:
        """A validated finance block with its rows resolved (None when they have errors)."""
        return _finance(self, block, path, self.base)

    # -- parts of an input whose fields have errors, checked on their own --------------------

    def check_body(self, body: Any, path: PathKey) -> None:
        """Check a raw body's Markdown and valid blocks (the rest is reported by the whole paper's validation)."""
        if isinstance(body, str):
            _section(self, None, body, path, self.base)
        elif isinstance(body, list):
            _section(self, None, [_valid(_BODY_ITEM, item) for item in body], path, self.base)

    def check_sections(self, sections: Any) -> None:
        """Check the body of each raw ``sections`` entry."""
        for i, section in enumerate(sections if isinstance(sections, list) else []):
            if isinstance(section, dict):
                self.check_body(section.get("body"), ("sections", i, "body"))

    def check_top_finance(self, value: Any, path: PathKey) -> None:
        """Check a raw finance field (a finance block, or one wrapped in ``finance:``)."""
        top = _valid(_TOP_FINANCE, value)
        if top is not None:
            wrapped = isinstance(top, FinanceItem)
            _finance(self, top.finance if wrapped else top, path + ("finance",) if wrapped else path, self.base)


def load_paper(file: Path, meeting: MeetingInputs | None, templates: Path) -> tuple[Paper | None, list[Problem]]:
    """Load, validate and assemble one paper; ``Paper`` is None when it has errors."""
    doc = load_paper_file(file)
    data = doc.data
    if not isinstance(data, dict):
        return None, doc.problems + [Problem(doc.name, 1, None, "a paper must be a mapping of fields")]
    template = data.get("template")
    if not isinstance(template, str):
        return None, sorted(doc.problems + [doc.problem((), "missing required field 'template'") if template is None
                                            else doc.problem(("template",), "expected a template name, got "
                                                             + ("a list" if isinstance(template, list)
                                                                else "a mapping"))], key=_order)
    if template.strip().lower() in papers.NAMES:  # names of templates, like every choice, in any case
        template = template.strip().lower()
    problems: list[Problem] = []
    if template not in papers.NAMES or not (templates / "docx" / f"{template}.docx").is_file():
        names = sorted(p.stem for p in (templates / "docx").glob("*.docx") if p.stem in papers.NAMES)
        close = difflib.get_close_matches(template, names, n=1, cutoff=0.6)
        hint = f" (did you mean '{close[0]}'?)" if close else ""
        return None, sorted(doc.problems + [doc.problem(("template",), f"no template '{template}'{hint}; "
                                                        f"templates/docx/ has: {', '.join(names) or 'none'}")],
                            key=_order)
    kind = papers.paper_type(template)
    parsed, problems = validate(doc, kind.Schema)
    problems = doc.problems + problems + _exempt_problems(doc) + (kind.raw_problems(doc) if hasattr(kind, "raw_problems")
                                                                 else [])
    if meeting is None and parsed is not None and parsed.meeting is None:
        problems.append(doc.problem((), "missing required field 'meeting' (the paper is not in a folder "
                                        "with a meeting.yaml)"))
    if parsed is None or errors_only(problems):
        problems += _check_parts(doc, kind, file.parent, problems)
        return None, sorted(problems, key=_order)
    ctx = Context(doc, file.parent)
    if meeting is not None:
        info = meeting.meeting
        item = meeting.item_of(file) or parsed.item
    else:
        info = _meeting(parsed.meeting)
        item = parsed.item
    paper = Paper(source=file, template=template, meeting=info, item=item, title=parsed.title,
                  status=parsed.status, exempt_reason=parsed.exempt_reason, report_of=parsed.report_of,
                  sections=[])
    kind.assemble(parsed, ctx, paper)
    paper.files = sorted(ctx.files)
    problems = sorted(problems + ctx.problems, key=_order)
    if errors_only(problems):
        return None, problems
    return paper, problems


def _order(p: Problem) -> tuple[str, int, int]:
    return (p.file, p.line or 0, p.column or 0)


_BODY_ITEM: TypeAdapter[Any] = TypeAdapter(BodyItem)
_TOP_FINANCE: TypeAdapter[Any] = TypeAdapter(TopFinance)


_IMAGE_TYPES = {"png": "PNG", "jpg": "JPEG", "jpeg": "JPEG"}


def _image_size(path: Path) -> tuple[int, int] | str:
    """A PNG or JPEG picture's size in pixels, or what is wrong with the file."""
    from docx.image.exceptions import UnrecognizedImageError  # python-docx reads the headers, no imaging library
    from docx.image.image import Image as DocxImage

    if path.suffix.lower().lstrip(".") not in _IMAGE_TYPES:
        return f"a picture must be a .png or .jpg file, not '{path.suffix}'"
    try:
        image = DocxImage.from_file(str(path))
    except (UnrecognizedImageError, OSError, ValueError, IndexError) as exc:
        return f"not a readable PNG or JPEG picture ({exc.__class__.__name__})"
    if image.content_type not in ("image/png", "image/jpeg") or not image.px_width or not image.px_height:
        return "not a readable PNG or JPEG picture"
    return image.px_width, image.px_height


def _inline_lists(blocks: list[Any]) -> list[list[Any]]:
    """Every list of inlines in the blocks (paragraphs, headings, list items at any depth)."""
    out: list[list[Any]] = []
    for block in blocks:
        if isinstance(block, (Paragraph, Heading)):
            out.append(block.inlines)
        elif isinstance(block, ListBlock):
            for item in block.items:
                for part in item.content:
                    out += [part] if isinstance(part, list) else _inline_lists([part])
    return out


def _valid(adapter: TypeAdapter[Any], value: Any) -> Any:
    try:
        return adapter.validate_python(value)
    except ValidationError:
        return None  # reported by the validation of the whole paper


def _check_parts(doc: Located, kind: Any, base: Path, known: list[Problem]) -> list[Problem]:
    """When a paper's fields have errors, still check the parts that are valid on their own
    (Markdown, finance data), so that every problem of the file is reported in one run."""
    ctx = Context(doc, base)
    kind.check_parts(doc.data, ctx)
    return [p for p in ctx.problems if p not in known]


def _exempt_problems(doc: Located) -> list[Problem]:
    """An exempt paper must say why (checked on the raw data, so it is reported whatever else is wrong)."""
    data = doc.data
    reason = data.get("exempt_reason")
    status = data.get("status")
    exempt = isinstance(status, str) and status.strip().lower() == "exempt"  # choices are read in any case
    if exempt and not (reason.strip() if isinstance(reason, str) else reason):
        return [doc.problem(("status",), "'status: exempt' requires 'exempt_reason'")]
    return []


def _section(ctx: Context, title: str | None, body: Any, path: PathKey, base: Path) -> Section:
    section = Section(title, [])
    items = [body] if isinstance(body, str) else body
    for i, item in enumerate(items):
        here = path if isinstance(body, str) else path + (i,)
        if isinstance(item, str):
            # the heading it follows: the last one of the section so far, else the section title (level 1)
            under = next((b.level for b in reversed(section.blocks) if isinstance(b, Heading)), 1 if title else None)
            section.blocks.extend(ctx.markdown(item, here, under))
        elif isinstance(item, KpisItem):
            section.blocks.append(kpi_table(item.kpis, ctx.doc, here + ("kpis",), ctx.problems))
        elif isinstance(item, TableItem):
            table = _generic_table(ctx, item.table, here + ("table",))
            if table is not None:
                section.blocks.append(table)
        elif isinstance(item, FinanceItem):
            resolved = _finance(ctx, item.finance, here + ("finance",), base)
            if resolved is not None:
                section.finance.append(resolved)
                if resolved.title and resolved.title.strip():
                    # the spec's "heading above the table", printed as the published papers do: a ► sub-heading
                    # ("► FINANCIAL INFORMATION 2017/18"); a level 2 heading, or 1 when no heading is above it
                    # (so that no level is skipped)
                    above = bool(title) or any(isinstance(b, Heading) for b in section.blocks)
                    section.blocks.append(Heading(2 if above else 1, [Run(resolved.title.strip())], look=2))
                section.blocks.append(finance.finance_table(resolved))
    return section


def _finance(ctx: Context, block: FinanceBlock, path: PathKey, base: Path) -> FinanceTable | None:
    table, problems = finance.resolve(block, ctx.doc, path, base)
    ctx.problems.extend(problems)
    return table


def kpi_table(kpis: KpiTable, doc: Located, path: PathKey, problems: list[Problem]) -> Table:
    """A KPI block as a table: values as written, missing verdicts computed where ``better`` is set."""
    fields = ["title", "previous", "current", "target", "performance"] + (["direction"] if kpis.direction else [])
    header = [[getattr(kpis.headers, f) for f in fields]]
    cells, warnings = kpi.complete(kpis, doc, path)
    # warnings go to the caller's list (as finance problems do) so that the CLI prints them and --strict fails
    problems.extend(warnings)
    rows = [[row[f] for f in fields] for row in cells]
    return Table("kpi", header, rows, ["left"] + ["center"] * (len(fields) - 1))


def _generic_table(ctx: Context, table: GenericTable, path: PathKey) -> Table | None:
    width = len(table.header) if table.header else (len(table.rows[0]) if table.rows else 0)
    if width == 0:
        where = path + ("header",) if table.header is not None else path + ("rows",)
        ctx.problems.append(ctx.doc.problem(where, "a table needs at least one column"))
        return None
    ok = True
    for i, row in enumerate(table.rows):
        if len(row) != width:
            ctx.problems.append(ctx.doc.problem(path + ("rows", i), f"this row has {len(row)} cell"
                                                f"{'s' if len(row) != 1 else ''} but "
                                                f"{'the header has' if table.header else 'the first row has'} {width}"))
            ok = False
    if not ok:
        return None
    header = [list(table.header)] if table.header else None
    return Table("table", header, [[c or "" for c in r] for r in table.rows], ["left"] * width)
