"""The paper model: validated, template-independent content that renderers draw."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal, Union

MEETING_FILE = "meeting.yaml"  # the file that makes a folder a meeting


@dataclass(frozen=True)
class Run:
    """A stretch of text with one set of character formats."""

    text: str
    bold: bool = False
    italic: bool = False
    code: bool = False


@dataclass(frozen=True)
class Link:
    """A hyperlink; ``runs`` is the visible text."""

    url: str
    runs: tuple[Run, ...]


@dataclass(frozen=True)
class LineBreak:
    """A hard line break inside a paragraph."""


@dataclass(frozen=True)
class Image:
    """A picture (``![alt](file.png)``): ``src`` as written, ``line`` within its Markdown text; once checked
    (assemble.py), ``path`` is the file and ``width``/``height`` its size in pixels."""

    src: str
    alt: str
    line: int = 0
    path: str = ""
    width: int = 0
    height: int = 0


Inline = Union[Run, Link, LineBreak, Image]


@dataclass
class Paragraph:
    inlines: list[Inline]


@dataclass
class Heading:
    level: int  # 2: service sub-heading, 3: minor heading (1 is the section title)
    inlines: list[Inline]
    look: int | None = None  # drawn in the style of this level instead (a table title: the sub-heading's)


@dataclass
class ListItem:
    """A list item: its paragraphs and nested lists in the order written; the first part is a paragraph
    (the text beside the bullet or number, empty when the item starts with a nested list)."""

    content: list[Union[list[Inline], "ListBlock"]]

    @property
    def paragraphs(self) -> list[list[Inline]]:
        return [c for c in self.content if isinstance(c, list)]

    @property
    def children(self) -> list["ListBlock"]:
        return [c for c in self.content if isinstance(c, ListBlock)]


@dataclass
class ListBlock:
    ordered: bool
    items: list[ListItem]
    start: int = 1


CellAlign = Literal["left", "right", "center"]


@dataclass
class Table:
    """A table ready to draw: header rows (each a list of cell texts; all repeat on every page), body rows."""

    kind: Literal["kpi", "finance", "table"]
    header: list[list[str]] | None
    rows: list[list[str]]
    align: list[CellAlign]
    total_rows: int = 0  # how many trailing rows are totals (drawn bold)
    caption: str | None = None


Block = Union[Paragraph, Heading, ListBlock, Table]


@dataclass(frozen=True)
class Meeting:
    committee: str
    short_name: str
    date: dt.date
    time: str | None = None
    venue: str | None = None
    # the front sheet's fields (meeting.yaml only; a paper's own `meeting:` block has none of them)
    council: str | None = None
    published: dt.date | None = None
    membership: list[tuple[str, str | None]] = field(default_factory=list)  # (name, role)
    substitutes: list[str] = field(default_factory=list)
    contact: dict[str, str | None] | None = None  # name, title, email

    @property
    def long_date(self) -> str:
        """``8 December 2022``, as printed on council papers."""
        return f"{self.date.day} {self.date:%B %Y}"

    def to_record(self) -> dict[str, Any]:
        """JSON-able fields, as the manifest keeps them."""
        return {"committee": self.committee, "short_name": self.short_name, "date": self.date.isoformat(),
                "time": self.time, "venue": self.venue, "council": self.council,
                "published": self.published.isoformat() if self.published else None,
                "membership": [list(m) for m in self.membership], "substitutes": list(self.substitutes),
                "contact": self.contact}

    @classmethod
    def from_record(cls, data: dict) -> "Meeting":
        """The meeting a :meth:`to_record` holds (KeyError/ValueError/TypeError when it is damaged)."""
        published = data.get("published")
        return cls(data["committee"], data["short_name"], dt.date.fromisoformat(data["date"]), data["time"],
                   data["venue"], data.get("council"), dt.date.fromisoformat(published) if published else None,
                   [(str(n), r) for n, r in data.get("membership", [])], list(data.get("substitutes", [])),
                   data.get("contact"))


@dataclass
class ItemDetails:
    """What an agenda item carries beyond its number, paper and title."""

    description: str | None = None
    file: str | None = None  # a document beside meeting.yaml (the previous minutes) that goes into the pack
    part: int = 1  # 2: exempt business

    def to_record(self) -> dict[str, Any]:
        """JSON-able fields, as the manifest keeps them."""
        return {"description": self.description, "file": self.file, "part": self.part}


@dataclass
class MeetingInputs:
    """A meeting folder's ``meeting.yaml``, validated."""

    folder: Path
    meeting: Meeting
    items: list[tuple[str, str | None, str | None]]  # (number, paper file, title)
    items_line: int | None = None  # where `items:` is written (for problems about the agenda as a whole)
    partial: bool = False  # salvaged from a meeting.yaml with errors: for validating its papers, not for building
    details: list[ItemDetails] = field(default_factory=list)  # one per item, in the same order

    def detail(self, index: int) -> ItemDetails:
        """The details of the item at ``index`` (none recorded: an item with none)."""
        return self.details[index] if index < len(self.details) else ItemDetails()

    def item_of(self, paper: Path) -> str | None:
        """Agenda number of a paper file, if the agenda lists it."""
        for number, file, _ in self.items:
            if file == paper.name:
                return number
        return None


@dataclass
class FinanceRow:
    service: str
    values: dict[str, Decimal]
    stated: frozenset[str] = frozenset()  # keys whose value was given although computable
    where: str = ""  # e.g. "05-central-services-finance.csv:4" for messages
    unrounded: dict[str, Decimal] | None = None  # with a source's `scale`: the values before rounding


@dataclass
class SourceRow:
    """One row of a finance export as read (the workbook's Sources sheet lists them all)."""

    row: int  # the export's row (or CSV line) number
    code: str
    label: str
    amounts: dict[str, Decimal]  # as exported, before any scale
    service: str  # the table row it was summed into


@dataclass
class FinanceTable:
    """A validated finance block: the single source of Word tables and workbook cells."""

    title: str | None
    label: str
    units: str
    columns: list[tuple[str, str]]  # (key, header label), in order
    rows: list[FinanceRow]
    total: bool
    stated_total: dict[str, Decimal] | None = None
    source: str | None = None  # data file the rows came from, relative to the paper's folder
    group: str | None = None  # the code map the source's rows were grouped by (a data file too)
    scale: int | None = None  # the source's amounts were divided by this, then rounded to add up
    source_rows: list[SourceRow] = field(default_factory=list)
    context: str | None = None  # where in its paper the block stands (the section title), for the workbook

    @property
    def keys(self) -> list[str]:
        return [k for k, _ in self.columns]

    def column_total(self, key: str) -> Decimal:
        """Sum of a money column as printed (stated figures included)."""
        return sum((r.values.get(key, Decimal(0)) for r in self.rows), Decimal(0))

    @property
    def has_total_row(self) -> bool:
        return self.total or self.stated_total is not None


@dataclass
class Section:
    title: str | None
    blocks: list[Block]
    finance: list[FinanceTable] = field(default_factory=list)


@dataclass(frozen=True)
class Appendix:
    """A file printed after its paper in the pack (Appendix 1, 2 ...); an exempt one is left out of it."""

    number: int
    title: str
    file: str  # relative to the paper's folder: a .pdf, .docx or .xlsx
    exempt: bool = False
    exempt_reason: str | None = None

    def to_record(self) -> dict[str, Any]:
        """JSON-able fields, as the manifest keeps them."""
        return {"number": self.number, "title": self.title, "file": self.file, "exempt": self.exempt}


@dataclass
class Paper:
    """One paper of a meeting, ready to render with its template."""

    source: Path
    template: str
    meeting: Meeting
    item: str | None
    title: str
    status: str
    exempt_reason: str | None
    report_of: str | None
    sections: list[Section]
    introduction: Section | None = None
    recommendations: list[list[Inline]] = field(default_factory=list)
    finance: FinanceTable | None = None
    committee: str | None = None
    purpose: str | None = None
    # not cleared for publication (a committee report without its sign-off): DRAFT header, out of the pack
    draft: bool = False
    details: Any = None  # what a paper type (generator/papers/) adds beyond the fields above
    files: list[str] = field(default_factory=list)  # other files it is made from (images, appendices)
    appendices: list[Appendix] = field(default_factory=list)

    @property
    def stem(self) -> str:
        return self.source.stem

    def data_files(self) -> list[str]:
        """Data files the paper is made from: finance sources and code maps, images, appendices (relative to its
        folder)."""
        return sorted({f for t in self.finance_tables() for f in (t.source, t.group) if f} | set(self.files))

    def finance_tables(self) -> list[FinanceTable]:
        """Every finance block of the paper, in document order."""
        found = [t for s in ([self.introduction] if self.introduction else []) + self.sections for t in s.finance]
        return found + ([self.finance] if self.finance else [])
