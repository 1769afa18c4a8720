"""A synthetic committee cycle, shaped like the example papers, from a fixed seed.

Content is generated once as plain structures (``PaperSpec``) and then written two
ways: as the YAML/Markdown/CSV inputs `papers` reads (``write_cycle``), and as the
pre-built context a plain-docxtpl user would hand to the same templates
(``baseline_context``, used by bench/baseline.py).
"""
from __future__ import annotations

import csv
import datetime as dt
import random
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import yaml

SEED = 20221208
MEETINGS = 10
PAPERS_PER_MEETING = 20
BRIEFINGS_PER_MEETING = 3  # the rest are portfolio reports
SECTIONS = 10
PARAGRAPHS = 4
PARAGRAPH_WORDS = 80
BULLETS = 6
FINANCE_ROWS = 15
# share of paragraphs ending with a web address: about one per paper, as in the example report
# (one link in 40 pages); every paragraph still goes through linkify's checks
LINK_SHARE = 0.04

WORDS = """
council service residents delivery programme budget review performance strategy digital customer
team partnership improvement savings contract housing planning transformation governance scrutiny
committee cabinet member portfolio outcomes target quarter forecast outturn variance capital revenue
project investment community support staff training workforce assets property procurement policy
consultation engagement resilience safeguarding adult children education highways waste recycling
libraries leisure culture heritage regeneration economy business growth skills employment transport
parking licensing enforcement environment climate energy carbon efficiency technology systems data
information security compliance risk audit assurance finance treasury income collection council-tax
benefits payments requests complaints enquiries members officers directors leadership framework
priorities objectives milestones metrics reporting monitoring accountability transparency openness
local national regional statutory annual monthly weekly quarterly additional significant successful
continued improved reduced increased delivered completed launched introduced developed implemented
approved agreed planned ongoing new key major further wider corporate public private voluntary
""".split()
SERVICES = """Information Technology|Information Governance|Transformation|Human Resources|Communications
|Customer Services|Legal Services|Democratic Services|Electoral Services|Member Services|Registrars
|Revenues and Benefits|Procurement|Property Services|Internal Audit|Health and Safety|Emergency Planning
|Strategy and Policy|Performance|Payroll|Insurance|Fraud Investigation|Facilities|Estates""".replace("\n", "").split("|")
PORTFOLIOS = ["Central Services", "Finance", "Housing", "Regeneration", "Environment", "Highways", "Adult Social Care",
              "Children's Services", "Education", "Communities", "Public Health", "Leisure and Culture",
              "Planning", "Transport", "Economic Development", "Waste", "Digital", "Heritage", "Youth", "Climate"]
COMMITTEES = ["Corporate Overview and Scrutiny Committee", "Cleaner Greener Safer Overview and Scrutiny Committee",
              "Housing Overview and Scrutiny Committee", "Planning, Transport, Regeneration Overview and Scrutiny "
              "Committee", "Children's Services Overview and Scrutiny Committee", "Health and Wellbeing Overview "
              "and Scrutiny Committee", "Standards and Audit Committee", "General Services Committee",
              "Lower Thames Crossing Task Force", "Hidden and Extreme Harms Prevention Committee"]
SURNAMES = ["Duffin", "Huelin", "Johnson", "Coxshall", "Kent", "Maney", "Mayes", "Spillman", "Watson", "Halden"]
KPI_NAMES = ["Customer Service call quality", "Calls answered within 60 seconds", "FOI requests within 20 days",
             "Member enquiries answered on time", "Average days lost to sickness", "Complaints upheld",
             "Council tax collected", "Business rates collected", "Invoices paid within 30 days",
             "Web transactions completed online", "Staff turnover", "Apprentices in post"]


@dataclass
class Text:
    """A paragraph: list of (text, bold, italic, url) pieces."""

    pieces: list[tuple[str, bool, bool, str | None]]


@dataclass
class Bullets:
    items: list[tuple[int, Text]]  # (depth, text), depth 0..2


@dataclass
class Heading:
    level: int
    text: str


@dataclass
class Kpis:
    rows: list[dict[str, str]]


@dataclass
class GridTable:
    header: list[str]
    rows: list[list[str]]


Block = Any  # Text | Bullets | Heading | Kpis | GridTable


@dataclass
class SectionSpec:
    title: str | None
    blocks: list[Block]


@dataclass
class PaperSpec:
    stem: str
    template: str
    item: str
    title: str
    report_of: str = ""
    purpose: str = ""
    introduction: SectionSpec | None = None
    recommendations: list[str] = field(default_factory=list)
    sections: list[SectionSpec] = field(default_factory=list)
    finance_rows: list[dict[str, int]] = field(default_factory=list)  # service -> amounts
    finance_csv: bool = False


@dataclass
class MeetingSpec:
    folder: str
    committee: str
    short_name: str
    date: dt.date
    papers: list[PaperSpec]


class _Gen:
    def __init__(self, seed: int) -> None:
        self.r = random.Random(seed)

    def words(self, n: int) -> str:
        return " ".join(self.r.choice(WORDS) for _ in range(n))

    def sentence(self, n: int) -> str:
        s = self.words(n)
        return s[0].upper() + s[1:] + "."

    def text(self, words: int, rich: bool = True) -> Text:
        pieces: list[tuple[str, bool, bool, str | None]] = []
        left = words
        while left > 0:
            n = min(left, self.r.randint(9, 18))
            left -= n
            pieces.append((self.sentence(n) + " ", False, False, None))
        if rich and self.r.random() < 0.4:
            i = self.r.randrange(len(pieces))
            pieces.insert(i, (self.words(3), self.r.random() < 0.5, True, None))
            pieces.insert(i + 1, (" ", False, False, None))
        if rich and self.r.random() < LINK_SHARE:
            pieces.append(("More at ", False, False, None))
            if self.r.random() < 0.5:  # a bare address (linkified) or a Markdown link, as in the example
                pieces.append(("www.thurrock.gov.uk", False, False, "http://www.thurrock.gov.uk"))
            else:
                pieces.append(("the council's website", False, False, "https://www.thurrock.gov.uk/news"))
        return Text(pieces)

    def bullets(self) -> Bullets:
        # six items with nesting: 0, 0, 1, 1, 0, 2-deep chain sometimes
        depths = [0, 0, 1, 1, 0, self.r.choice([0, 1])]
        if self.r.random() < 0.3:
            depths[3] = 2
        return Bullets([(d, self.text(self.r.randint(12, 28), rich=False)) for d in depths])

    def kpis(self) -> Kpis:
        rows = []
        for name in self.r.sample(KPI_NAMES, 6):
            prev, cur, tgt = (self.r.randint(600, 999) / 10 for _ in range(3))
            rows.append({"title": name, "previous": f"{prev}%", "current": f"{cur}%", "target": f"{tgt}%",
                         "performance": "ACHIEVED" if cur >= tgt else "FAILED",
                         "direction": "Better" if cur > prev else ("Worse" if cur < prev else "In line")})
        return Kpis(rows)

    def report_section(self, title: str, with_kpis: bool) -> SectionSpec:
        blocks: list[Block] = [Heading(2, "Service overview"), self.text(PARAGRAPH_WORDS),
                               self.text(PARAGRAPH_WORDS), Heading(2, "Review of previous 12 months"),
                               self.text(PARAGRAPH_WORDS), self.bullets()]
        if with_kpis:
            blocks += [Heading(3, "Performance"), self.kpis()]
        blocks += [Heading(2, "Future"), self.text(PARAGRAPH_WORDS)]
        return SectionSpec(title, blocks)

    def finance(self) -> list[dict[str, int]]:
        rows = []
        for service in self.r.sample(SERVICES, FINANCE_ROWS):
            budget = self.r.randint(150, 4500)
            forecast = budget + self.r.randint(-150, 150)
            rows.append({"service": service, "outturn": self.r.randint(150, 4500), "budget": budget,
                         "forecast": forecast, "variance": forecast - budget})
        return rows

    def report(self, stem: str, item: str, portfolio: str, member: str, csv_finance: bool) -> PaperSpec:
        intro = SectionSpec("Introduction by Cabinet Member", [self.text(PARAGRAPH_WORDS), self.bullets()])
        services = self.r.sample(SERVICES, SECTIONS)
        return PaperSpec(
            stem=stem, template="portfolio_report", item=item,
            title=f"Report of the Cabinet Member for {portfolio}",
            report_of=f"Councillor {member}, Cabinet Member for {portfolio}",
            introduction=intro,
            recommendations=["That the Committee note the report and ask the Cabinet Member any related questions.",
                             self.sentence(20)],
            sections=[self.report_section(s.upper(), i % 2 == 0) for i, s in enumerate(services)],
            finance_rows=self.finance(), finance_csv=csv_finance)

    def briefing(self, stem: str, item: str, portfolio: str) -> PaperSpec:
        sections = [SectionSpec(None, [self.text(PARAGRAPH_WORDS), self.text(PARAGRAPH_WORDS)])]
        for s in self.r.sample(SERVICES, 5):
            blocks: list[Block] = [self.text(PARAGRAPH_WORDS), self.text(PARAGRAPH_WORDS), self.bullets(),
                                   self.text(PARAGRAPH_WORDS // 2)]
            if len(sections) == 2:
                blocks.append(GridTable(["Service", "Calls down"],
                                        [[x, f"{self.r.randint(5, 60)}%"] for x in self.r.sample(SERVICES, 5)]))
            sections.append(SectionSpec(s, blocks))
        return PaperSpec(stem=stem, template="briefing_note", item=item,
                         title=f"Briefing Note: Report of Cabinet Member for {portfolio}",
                         purpose="Provides a summary of the main activity and achievements relating to services "
                                 "within the portfolio.", sections=sections)


def make_cycle(seed: int = SEED, meetings: int = MEETINGS, papers: int = PAPERS_PER_MEETING) -> list[MeetingSpec]:
    g = _Gen(seed)
    out = []
    for m in range(meetings):
        date = dt.date(2023, 1, 12) + dt.timedelta(days=14 * m)
        committee = COMMITTEES[m % len(COMMITTEES)]
        folder = f"{date.isoformat()}-meeting-{m + 1:02d}"
        specs = []
        for p in range(papers):
            item = str(p + 3)
            portfolio = PORTFOLIOS[p % len(PORTFOLIOS)]
            stem = f"{p + 3:02d}-{portfolio.lower().replace(' ', '-').replace(chr(39), '')}"
            if p >= papers - BRIEFINGS_PER_MEETING:
                specs.append(g.briefing(stem, item, portfolio))
            else:
                member = f"{g.r.choice('ABCDEFGHJKLMNPRSTW')}. {g.r.choice(SURNAMES)}"
                specs.append(g.report(stem, item, portfolio, member, csv_finance=p % 2 == 1))
        out.append(MeetingSpec(folder, committee, committee.split(" Overview")[0][:30] + " O&S", date, specs))
    return out


# -- as papers inputs ---------------------------------------------------------------------

def _md_text(t: Text) -> str:
    out = []
    for s, bold, italic, url in t.pieces:
        if url and url.endswith(s):
            out.append(s)  # a bare www. address: linkified
        elif url:
            out.append(f"[{s}]({url})")
        elif bold and italic:
            out.append(f"***{s}***")
        elif bold:
            out.append(f"**{s}**")
        elif italic:
            out.append(f"*{s}*")
        else:
            out.append(s)
    return "".join(out).strip()


def _md(blocks: list[Block]) -> str:
    parts = []
    for b in blocks:
        if isinstance(b, Text):
            parts.append(_md_text(b))
        elif isinstance(b, Heading):
            parts.append("#" * b.level + " " + b.text)
        elif isinstance(b, Bullets):
            parts.append("\n".join("  " * d + "- " + _md_text(t) for d, t in b.items))
    return "\n\n".join(parts) + "\n"


def _body(blocks: list[Block]) -> Any:
    """A Markdown string, or a list of Markdown strings and table blocks."""
    if not any(isinstance(b, (Kpis, GridTable)) for b in blocks):
        return _md(blocks)
    out: list[Any] = []
    run: list[Block] = []
    for b in blocks:
        if isinstance(b, Kpis):
            out += ([_md(run)] if run else []) + [{"kpis": {"rows": b.rows}}]
            run = []
        elif isinstance(b, GridTable):
            out += ([_md(run)] if run else []) + [{"table": {"header": b.header, "rows": b.rows}}]
            run = []
        else:
            run.append(b)
    return out + ([_md(run)] if run else [])


COLUMNS = {"outturn": "Last year outturn", "budget": "Budget", "forecast": "Q1 Forecast", "variance": "Q1 Variance"}


def paper_yaml(p: PaperSpec) -> dict[str, Any]:
    if p.template == "briefing_note":
        return {"template": p.template, "title": p.title, "purpose": p.purpose,
                "sections": [({"title": s.title} if s.title else {}) | {"body": _body(s.blocks)}
                             for s in p.sections]}
    finance: dict[str, Any] = {"title": "Financial Information", "units": "£000", "columns": COLUMNS}
    if p.finance_csv:
        finance["source"] = f"{p.stem}-finance.csv"
    else:
        finance["rows"] = [{k: str(v) for k, v in r.items()} for r in p.finance_rows]
    assert p.introduction is not None
    return {"template": p.template, "title": p.title, "report_of": p.report_of, "status": "public",
            "introduction": {"title": p.introduction.title, "body": _body(p.introduction.blocks)},
            "recommendations": p.recommendations,
            "sections": [{"title": s.title, "body": _body(s.blocks)} for s in p.sections],
            "finance": {"finance": finance}}


class _Dumper(getattr(yaml, "CSafeDumper", yaml.SafeDumper)):  # type: ignore[misc]
    pass


def _str(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|" if "\n" in value else None)


_Dumper.add_representer(str, _str)


def write_cycle(cycle: list[MeetingSpec], root: Path) -> list[Path]:
    """Write every meeting folder under ``root``; returns the paper files."""
    files = []
    for m in cycle:
        folder = root / m.folder
        folder.mkdir(parents=True)
        items: list[dict[str, str]] = [{"number": "1", "title": "Apologies for Absence"},
                                       {"number": "2", "title": "Minutes"}]
        items += [{"number": p.item, "paper": f"{p.stem}.yaml"} for p in m.papers]
        items.append({"number": str(len(m.papers) + 3), "title": "Work Programme"})
        meeting = {"committee": m.committee, "short_name": m.short_name, "date": m.date.isoformat(),
                   "time": "19:00", "venue": "Council Chamber, Civic Offices, New Road, Grays, Essex, RM17 6SL",
                   "items": items}
        (folder / "meeting.yaml").write_text(yaml.dump(meeting, Dumper=_Dumper, sort_keys=False, width=1000,
                                                       allow_unicode=True), encoding="utf-8")
        for p in m.papers:
            path = folder / f"{p.stem}.yaml"
            path.write_text(yaml.dump(paper_yaml(p), Dumper=_Dumper, sort_keys=False, width=1000,
                                      allow_unicode=True), encoding="utf-8")
            files.append(path)
            if p.finance_csv:
                with open(folder / f"{p.stem}-finance.csv", "w", newline="", encoding="utf-8") as fh:
                    w = csv.writer(fh)
                    w.writerow(["service", *COLUMNS])
                    for r in p.finance_rows:
                        w.writerow([r["service"], *(r[k] for k in COLUMNS)])
    return files


# -- as a plain docxtpl context (the baseline) -------------------------------------------------
# The plain-docxtpl way to put paragraphs, bullet lists and tables into a `{{p ...}}` tag of a
# template is pre-built WordprocessingML (docxtpl inserts a Markup string as it is); RichText
# cannot make lists or tables, and a Subdoc per section would be slower than this baseline.
# The XML uses the template's own style ids, like ours.

def _x_runs(t: Text) -> str:
    out = []
    for s, bold, italic, _url in t.pieces:
        props = ("<w:b/>" if bold else "") + ("<w:i/>" if italic else "")
        rpr = f"<w:rPr>{props}</w:rPr>" if props else ""
        out.append(f'<w:r>{rpr}<w:t xml:space="preserve">{escape(s)}</w:t></w:r>')
    return "".join(out)


def _x_p(inner: str, style: str | None = None, jc: str | None = None) -> str:
    ppr = (f'<w:pStyle w:val="{style}"/>' if style else "") + (f'<w:jc w:val="{jc}"/>' if jc else "")
    return f"<w:p>{'<w:pPr>' + ppr + '</w:pPr>' if ppr else ''}{inner}</w:p>"


def _x_table(header: list[str], rows: list[list[str]]) -> str:
    n = len(header)
    width = 9026 // n
    def cell(text: str, style: str, jc: str | None) -> str:
        run = f'<w:r><w:t xml:space="preserve">{escape(text)}</w:t></w:r>' if text else ""
        return f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/></w:tcPr>{_x_p(run, style, jc)}</w:tc>'
    out = [f'<w:tbl><w:tblPr><w:tblStyle w:val="CouncilTable"/><w:tblW w:w="{width * n}" w:type="dxa"/>'
           f'</w:tblPr><w:tblGrid>{"".join(f"<w:gridCol w:w={chr(34)}{width}{chr(34)}/>" for _ in header)}'
           f'</w:tblGrid>']
    out.append("<w:tr><w:trPr><w:tblHeader/></w:trPr>" + "".join(
        cell(h, "TableHeading", None if i == 0 else "center") for i, h in enumerate(header)) + "</w:tr>")
    for row in rows:
        out.append("<w:tr>" + "".join(cell(v, "TableText", None if i == 0 else "center")
                                      for i, v in enumerate(row)) + "</w:tr>")
    return "".join(out) + "</w:tbl>"


def _amount(v: int) -> str:
    return "0" if v == 0 else (f"({abs(v):,})" if v < 0 else f"{v:,}")


def _x_blocks(blocks: list[Block], numbered: bool) -> str:
    out = []
    for b in blocks:
        if isinstance(b, Text):
            out.append(_x_p(_x_runs(b), "NumberedParagraph" if numbered else None))
        elif isinstance(b, Heading):
            out.append(_x_p(f'<w:r><w:t xml:space="preserve">{escape(b.text)}</w:t></w:r>', f"Heading{b.level}"))
        elif isinstance(b, Bullets):
            out.extend(_x_p(_x_runs(t), "ListBullet" + ("" if d == 0 else str(d + 1))) for d, t in b.items)
        elif isinstance(b, Kpis):
            keys = ["title", "previous", "current", "target", "performance", "direction"]
            out.append(_x_table(["KPI Title", "2016/17 Outturn", "Qtr 1 YTD", "Qtr 1 Target", "Performance",
                                 "Direction of Travel"], [[r[k] for k in keys] for r in b.rows]))
        elif isinstance(b, GridTable):
            out.append(_x_table(b.header, b.rows))
    return "".join(out)


def baseline_context(m: MeetingSpec, p: PaperSpec) -> dict[str, Any]:
    """The context a plain-docxtpl user passes: plain strings, body XML pre-built (str; wrap in Markup)."""
    numbered = p.template == "briefing_note"
    ctx: dict[str, Any] = {
        "meeting_date": f"{m.date.day} {m.date:%B %Y}", "committee": m.committee,
        "committee_short_name": m.short_name, "item": p.item, "title": p.title, "report_of": p.report_of,
        "exempt": False, "exempt_reason": "", "purpose": p.purpose,
        "sections": [{"title": s.title or "", "body": _x_blocks(s.blocks, numbered)} for s in p.sections],
    }
    if p.template == "portfolio_report":
        assert p.introduction is not None
        ctx["introduction"] = {"title": p.introduction.title, "body": _x_blocks(p.introduction.blocks, False)}
        ctx["recommendations"] = [f'<w:r><w:t xml:space="preserve">{escape(r)}</w:t></w:r>'
                                  for r in p.recommendations]
        rows = [[r["service"], *(_amount(r[k]) for k in COLUMNS)] for r in p.finance_rows]
        ctx["finance"] = {"title": "Financial Information", "body": _x_table(["Service", *COLUMNS.values()], rows)}
    return ctx
