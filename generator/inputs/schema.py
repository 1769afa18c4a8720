"""The input contract (docs/input-format.md) as declarative models.

Validation collects every problem of a file; ``validate`` turns pydantic's
errors into located :class:`Problem` objects with messages a clerk can act on.
"""
from __future__ import annotations

import calendar
import datetime as dt
import difflib
import re
from functools import lru_cache
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from pydantic import (
    AfterValidator,
    BeforeValidator,
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    Tag,
    ValidationError,
    model_validator,
)
from pydantic_core import PydanticCustomError

from ..errors import Problem
from .load import Located, PathKey

Text = Annotated[str, Field(strict=True)]


def _not_blank(value: str) -> str:
    if not value.strip():
        raise PydanticCustomError("blank", "must not be empty")
    return value


# text printed as a title or heading: an empty one would print an empty heading, which no reader can
# use (table header cells may be blank, as in published tables: the build's audit warns about those)
Label = Annotated[str, Field(strict=True), AfterValidator(_not_blank)]
Better = Literal["higher", "lower"]


FIRST_YEAR, LAST_YEAR = 1900, 2100  # a meeting date outside these years is a typing mistake


def _date(value: Any) -> Any:
    """A meeting date: ISO ``2022-12-08``, a real day of a year in range (PDF dates need one too)."""
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str):
        return value  # pydantic says what it expected
    match = re.fullmatch(r"\s*(\d{1,4})-(\d{1,2})-(\d{1,2})\s*", value)
    if match is None:
        raise PydanticCustomError("bad_date", "expected a date like 2022-12-08, got {got}", {"got": repr(value)})
    year, month, day = (int(g) for g in match.groups())
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise PydanticCustomError("bad_date", "the year {year} is not a meeting year: give a date between "
                                  "{first} and {last}, like 2022-12-08",
                                  {"year": year, "first": FIRST_YEAR, "last": LAST_YEAR})
    if not 1 <= month <= 12:
        raise PydanticCustomError("bad_date", "{got}: there is no month {month} (the form is year-month-day, "
                                  "like 2022-12-08)", {"got": value.strip(), "month": month})
    try:
        return dt.date(year, month, day)
    except ValueError:
        days = calendar.monthrange(year, month)[1]
        raise PydanticCustomError("bad_date", "{got}: that date does not exist ({month} {year} has {days} days)",
                                  {"got": value.strip(), "month": calendar.month_name[month], "year": year,
                                   "days": days}) from None


Date = Annotated[dt.date, BeforeValidator(_date)]


def _choices(annotation: Any) -> frozenset[str]:
    """The values of a ``Literal`` of text inside ``annotation`` (through ``| None`` and ``Annotated``)."""
    if get_origin(annotation) is Literal:
        return frozenset(a for a in get_args(annotation) if isinstance(a, str))
    return frozenset(v for arg in get_args(annotation) for v in _choices(arg))


class Strict(BaseModel):
    """Unknown fields are errors: a misspelt field must never be silently ignored."""

    # each model's validator is built when first used, not on import: a rebuild of one paper builds only the
    # models a paper needs (not meeting.yaml's, which the manifest keeps as validated)
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    @model_validator(mode="before")
    @classmethod
    def _any_case(cls, data: Any) -> Any:
        """Choices (``status: Exempt``, ``better: Higher``) are accepted in any case, for every model."""
        if not isinstance(data, dict):
            return data
        folded = None
        for name, values in _choice_fields(cls).items():
            value = data.get(name)
            if isinstance(value, str) and value not in values:
                canonical = values.get(value.strip().casefold())
                if canonical is not None:
                    folded = folded or dict(data)
                    folded[name] = canonical
        return data if folded is None else folded


@lru_cache(maxsize=None)
def _choice_fields(model: type[BaseModel]) -> dict[str, dict[str, str]]:
    """Fields of ``model`` whose value is one of a few words: {field: {word in lower case: the word}}."""
    found = {name: _choices(f.annotation) for name, f in model.model_fields.items()}
    return {name: {v.casefold(): v for v in values} for name, values in found.items()
            if values and len({v.casefold() for v in values}) == len(values)}


class MeetingInfo(Strict):
    committee: Label
    short_name: Text | None = None
    date: Date
    time: Text | None = None
    venue: Text | None = None


def _part(value: Any) -> Any:
    # YAML scalars arrive as text: `part: 2` is "2"
    return int(value.strip()) if isinstance(value, str) and value.strip() in ("1", "2") else value


Part = Annotated[Literal[1, 2], BeforeValidator(_part)]


class AgendaItem(Strict):
    number: Label
    paper: Text | None = None
    title: Text | None = None
    description: Text | None = None  # printed under the title on the front sheet
    file: Text | None = None  # a document (.pdf or .docx) beside meeting.yaml that goes into the pack
    part: Part = 1  # 2: exempt business, taken after the exclusion of the press and public

    @model_validator(mode="after")
    def _paper_or_title(self) -> "AgendaItem":
        if not self.paper and not self.title:
            raise ValueError("an agenda item needs a 'paper' or a 'title'")
        return self


class Member(Strict):
    name: Label
    role: Text | None = None


class Contact(Strict):
    name: Label
    title: Text | None = None
    email: Text | None = None


class MeetingFile(MeetingInfo):
    council: Text | None = None
    published: Date | None = None
    membership: list[Member] = []
    substitutes: list[Label] = []
    contact: Contact | None = None
    items: list[AgendaItem] = []


class CouncilFile(Strict):
    bank_holidays: list[Date] = []


class KpiHeaders(Strict):
    title: Text = "KPI Title"
    previous: Text = "2016/17 Outturn"
    current: Text = "Qtr 1 YTD"
    target: Text = "Qtr 1 Target"
    performance: Text = "Performance"
    direction: Text = "Direction of Travel"


class KpiRow(Strict):
    title: Text
    previous: Text | None = None
    current: Text | None = None
    target: Text | None = None
    performance: Text | None = None
    direction: Text | None = None
    better: Better | None = None


class KpiTable(Strict):
    headers: KpiHeaders = KpiHeaders()
    direction: bool = True
    better: Better | None = None
    rows: list[KpiRow]


class LedgerSource(Strict):
    """A finance export (ledger report) as a source: where its table is and how to read it."""

    file: Text
    sheet: Text | None = None
    header: Text | None = None  # the text of a cell of the header row, or the row's number
    label: Text | None = None
    amounts: dict[str, Text] | None = None
    code: Text | None = None
    group: Text | None = None
    scale: Annotated[int, Field(ge=1)] | None = None
    hidden: Literal["exclude", "include"] = "exclude"

    @model_validator(mode="after")
    def _group_needs_code(self) -> "LedgerSource":
        if self.group is not None and self.code is None:
            raise ValueError("'group' maps codes to services: name the export's code column with 'code'")
        return self


def _source_tag(value: Any) -> str | None:
    if isinstance(value, str):
        return "file"
    if isinstance(value, dict):
        return "ledger"
    return None


Source = Annotated[
    Union[Annotated[Text, Tag("file")], Annotated[LedgerSource, Tag("ledger")]],
    Discriminator(_source_tag, custom_error_type="source",
                  custom_error_message="expected a file name or a mapping with 'file'"),
]


class FinanceBlock(Strict):
    """Metadata of a finance table; rows are checked against ``columns`` in finance.py."""

    title: Text | None = None
    label: Text = "Service"
    units: Text = "£000"
    columns: dict[str, Text]
    rows: list[Any] | None = None
    source: Source | None = None
    sheet: Text | None = None
    total: bool = False
    stated_total: dict[str, Any] | None = None

    @model_validator(mode="after")
    def _rows_or_source(self) -> "FinanceBlock":
        if (self.rows is None) == (self.source is None):
            raise ValueError("give either 'rows' or 'source' (a CSV or XLSX file), not both or neither")
        if self.sheet is not None and self.source is None:
            raise ValueError("'sheet' only applies with an XLSX 'source'")
        if self.sheet is not None and isinstance(self.source, LedgerSource):
            raise ValueError("give the sheet inside 'source' (source.sheet), not beside it")
        if not self.columns:
            raise ValueError("'columns' must name at least one money column")
        return self


class GenericTable(Strict):
    header: list[Text] | None = None
    rows: list[list[Text | None]]


class KpisItem(Strict):
    kpis: KpiTable


class FinanceItem(Strict):
    finance: FinanceBlock


class TableItem(Strict):
    table: GenericTable


def _block_tag(value: Any) -> str | None:
    if isinstance(value, str):
        return "markdown"
    if isinstance(value, dict) and len(value) == 1:
        key = next(iter(value))
        if key in ("kpis", "finance", "table"):
            return key
    return None


BodyItem = Annotated[
    Union[
        Annotated[Text, Tag("markdown")],
        Annotated[KpisItem, Tag("kpis")],
        Annotated[FinanceItem, Tag("finance")],
        Annotated[TableItem, Tag("table")],
    ],
    Discriminator(_block_tag, custom_error_type="block",
                  custom_error_message="expected Markdown text or one of the blocks 'kpis', 'finance', 'table'"),
]


def _body_tag(value: Any) -> str | None:
    if isinstance(value, str):
        return "markdown"
    if isinstance(value, list):
        return "blocks"
    return None


Body = Annotated[
    Union[Annotated[Text, Tag("markdown")], Annotated[list[BodyItem], Tag("blocks")]],
    Discriminator(_body_tag, custom_error_type="body",
                  custom_error_message="expected Markdown text or a list of blocks"),
]


def _finance_tag(value: Any) -> str | None:
    if isinstance(value, dict):
        return "wrapped" if set(value) == {"finance"} else "bare"
    return None


TopFinance = Annotated[
    Union[Annotated[FinanceItem, Tag("wrapped")], Annotated[FinanceBlock, Tag("bare")]],
    Discriminator(_finance_tag, custom_error_type="finance",
                  custom_error_message="expected a finance block"),
]


class Section(Strict):
    title: Label
    body: Body


class PaperCommon(Strict):
    template: Text
    meeting: MeetingInfo | None = None
    item: Text | None = None
    title: Label
    status: Literal["public", "exempt"] = "public"
    exempt_reason: Text | None = None
    report_of: Text | None = None


def __getattr__(name: str) -> Any:
    # the input model of each paper type lives with its type (generator/papers/); SCHEMAS is kept for readers
    if name == "SCHEMAS":
        from ..papers import schemas

        return schemas()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


_TYPE_NAMES = {dict: "a mapping", list: "a list", str: "text", type(None): "nothing"}


def _got(value: Any) -> str:
    if isinstance(value, str):
        return repr(value)
    return _TYPE_NAMES.get(type(value), type(value).__name__)


def _strip_tags(raw: tuple[Any, ...]) -> PathKey:
    """Drop the union tags pydantic puts into error locations."""
    out: list[Any] = []
    for i, part in enumerate(raw):
        nxt = raw[i + 1] if i + 1 < len(raw) else None
        if part in _UNION_ONLY_TAGS or (part in _BLOCK_TAGS and nxt == part):
            continue
        out.append(part)
    return tuple(out)


def _message(err: dict[str, Any], model: type[BaseModel] | None) -> tuple[PathKey, PathKey, str]:
    """Translate one pydantic error into (field to name, field to locate, message)."""
    loc = _strip_tags(tuple(err["loc"]))
    kind = err["type"]
    value = err.get("input")
    if kind == "extra_forbidden":
        name = str(loc[-1])
        known = _known_fields(model, loc[:-1])
        hint = difflib.get_close_matches(name, [k for k in known if k != name], n=1, cutoff=0.6)
        msg = f"unknown field '{name}'" + (f" (did you mean '{hint[0]}'?)" if hint else "")
        return loc[:-1], loc, msg
    if kind == "missing":
        return loc[:-1], loc[:-1], f"missing required field '{loc[-1]}'"
    path, msg = _value_message(kind, err, loc, value)
    return path, path, msg


def _value_message(kind: str, err: dict[str, Any], loc: PathKey, value: Any) -> tuple[PathKey, str]:
    if kind in ("float_parsing", "int_parsing", "decimal_parsing", "float_type", "int_type"):
        return loc, f"expected a number, got {_got(value)}"
    if kind == "bool_parsing" or kind == "bool_type":
        return loc, f"expected true or false, got {_got(value)}"
    if kind == "bad_date":  # ours (_date): the message is already the clerk's
        return loc, str(err["msg"])
    if kind.startswith("date"):
        return loc, f"expected a date like 2022-12-08, got {_got(value)}"
    if kind in ("string_type",):
        return loc, f"expected text, got {_got(value)}"
    if kind in ("list_type",):
        return loc, f"expected a list, got {_got(value)}"
    if kind in ("model_type", "dict_type", "model_attributes_type"):
        return loc, f"expected a mapping of fields, got {_got(value)}"
    if kind == "literal_error":
        expected = err.get("ctx", {}).get("expected", "")
        return loc, f"expected {expected}, got {_got(value)}"
    if kind == "blank":
        return loc, "must not be empty"
    if kind == "value_error":
        return loc, str(err["msg"]).removeprefix("Value error, ")
    if kind == "source":
        return loc, f"{err['msg']}, got {_got(value)}"
    if kind in ("block", "body", "finance"):
        if isinstance(value, dict) and len(value) == 1:
            name = next(iter(value))
            hint = difflib.get_close_matches(str(name), ["kpis", "finance", "table"], n=1, cutoff=0.6)
            return loc, f"unknown block '{name}'" + (f" (did you mean '{hint[0]}'?)" if hint else "") \
                + ": expected Markdown text or one of 'kpis', 'finance', 'table'"
        return loc, f"{err['msg']}, got {_got(value)}"
    return loc, str(err["msg"])


_UNION_ONLY_TAGS = {"markdown", "blocks", "wrapped", "bare", "file", "ledger"}
_BLOCK_TAGS = {"kpis", "finance", "table"}


def _known_fields(model: type[BaseModel] | None, loc: PathKey) -> list[str]:
    """Field names allowed at ``loc`` (for "did you mean" hints); every branch of a union counts."""
    current: list[Any] = [model] if model is not None else []
    for part in loc:
        if isinstance(part, int):
            continue
        found = []
        for m in current:
            field = getattr(m, "model_fields", {}).get(part)
            if field is not None:
                found += _models_in(field.annotation)
        if not found and part in _BLOCK_TAGS:
            found = [{"kpis": KpiTable, "finance": FinanceBlock, "table": GenericTable}[part]]
        current = found
    names: list[str] = []
    for m in current:
        names += [n for n in m.model_fields if n not in names]
    return names


def _models_in(annotation: Any) -> list[Any]:
    """The BaseModels inside an annotation such as ``list[KpiRow] | None`` or a union of blocks."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    found: list[Any] = []
    for arg in getattr(annotation, "__args__", ()) or ():
        found += [m for m in _models_in(arg) if m not in found]
    origin = getattr(annotation, "__origin__", None)
    if origin is not None and origin is not annotation:
        found += [m for m in _models_in(origin) if m not in found]
    return found


def validate(doc: Located, model: type[BaseModel], data: Any = None,
             base: PathKey = ()) -> tuple[Any, list[Problem]]:
    """Validate ``data`` (default: the whole document) against ``model``."""
    try:
        return model.model_validate(doc.data if data is None else data), []
    except ValidationError as exc:
        problems = []
        for err in exc.errors(include_url=False):
            path, where, msg = _message(err, model)
            problems.append(doc.problem(base + path, msg, where=base + where))
        return None, _dedupe(problems)


def _dedupe(problems: list[Problem]) -> list[Problem]:
    seen: set[Problem] = set()
    out = []
    for p in problems:
        if p not in seen:
            seen.add(p)
            out.append(p)
    return out
