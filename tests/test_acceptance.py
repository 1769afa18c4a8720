"""Acceptance: two meetings unlike the shipped example (tests/acceptance/), built once with --pdf.

They use what the input format allows and the example does not: bodies mixing Markdown with
`kpis` (own headers, no direction column, `better` on the table and on rows), tables with and without
a header row, finance blocks with `label`, `units`, `total`, `stated_total`, CSV and .xlsx (named sheet)
sources, amounts written `(48)` and `1,234`, variances left out; three-level bullets, numbered lists
inside bullets, `###` headings, links with bold and italic text, e-mail and bare www. addresses,
`& < " {{ }} {% %}` and Unicode in text; an exempt report without introduction or recommendations,
agenda-only items, a meeting without time and venue, a paper that is not on the agenda, and a
briefing note built on its own (lone/: its own `meeting:` block, no meeting.yaml).
Expectations are written out here from the inputs, never taken from the generator.
"""
from __future__ import annotations

import datetime as dt
import re
import subprocess
from pathlib import Path

import openpyxl
import pytest
from docx.oxml.ns import qn
from pypdf import PdfReader

from conftest import ACCEPTANCE, LONE, run_papers
from generator.render.pdf import fixed_pdf
from wordread import W, body_items, cover_cells, level_format, norm, num_pr, open_docx

CORPORATE = "2023-03-14-corporate-os"
HOUSING = "2023-06-20-housing-os"
# the meetings' own outputs are named from their date and short name (the housing meeting has none: its committee)
CORPORATE_AS = "2023-03-14-corporate-os"
HOUSING_AS = "2023-06-20-housing-overview-and-scrutiny-committee"
NAMED = {CORPORATE: CORPORATE_AS, HOUSING: HOUSING_AS}
FINANCE = "05-finance"
HOUSING_NOTE = "06-housing-briefing"
EXEMPT = "10a-housing-investment"
HOMELESSNESS = "11-homelessness-briefing"
LATE = "13-late-note"


@pytest.fixture(scope="session")
def out(acceptance_build: tuple[Path, str]) -> Path:
    return acceptance_build[0]


def paragraphs(path: Path) -> list[tuple[str, str]]:
    """(style, text) of every non-empty paragraph outside tables, after the cover."""
    return [(i.style, norm(i.text)) for i in body_items(open_docx(path), skip_first_table=True)
            if norm(i.text) and not i.in_table]


def tables(path: Path) -> list:
    return open_docx(path).element.body.findall(qn("w:tbl"))


def cells(tbl) -> list[list[str]]:
    """Each row's cells, the lines of a cell joined by ' / '."""
    return [[" / ".join("".join(t.text or "" for t in p.iter(qn("w:t"))) for p in tc.findall(qn("w:p")))
             for tc in tr.findall(qn("w:tc"))] for tr in tbl.findall(qn("w:tr"))]


def table_with(path: Path, text: str):
    return next(t for t in tables(path) if text in "".join(x.text or "" for x in t.iter(qn("w:t"))))


def has_header_row(tbl) -> bool:
    first = tbl.find(qn("w:tr"))
    return first.find(f"{W}trPr/{W}tblHeader") is not None


# -- the build as a whole ---------------------------------------------------------------------

def test_both_meetings_build_with_only_the_unlisted_paper_warned_about(acceptance_build) -> None:
    out, output = acceptance_build
    assert "Traceback" not in output
    problems = [line.strip() for line in output.splitlines() if line.startswith(("      ", "  meeting"))]
    # located at `items:` (line 3 of the housing meeting.yaml), never without a line; the two-column table
    # written without a header row is label/value lines, a layout table, which the build's audit accepts
    # the housing meeting gives no time or venue: the front sheet cannot say when or where
    assert problems == ["meeting   meeting.yaml: warning: the front sheet has no time or venue: add time:, venue: to "
                        "meeting.yaml (docs/input-format.md)",
                        "meeting   meeting.yaml:3: items: warning: 13-late-note.yaml is not on the agenda"]
    for meeting, papers in ((CORPORATE, [FINANCE, HOUSING_NOTE]), (HOUSING, [EXEMPT, HOMELESSNESS, LATE])):
        names = {p.name for p in (out / meeting).iterdir()}
        for paper in papers:
            assert {f"{paper}.docx", f"{paper}.pdf"} <= names
        assert {f"{NAMED[meeting]}-agenda.docx", f"{NAMED[meeting]}-agenda.pdf", f"{NAMED[meeting]}-pack.pdf",
                "budget.xlsx"} <= names


def test_the_outputs_audit_clean(out: Path) -> None:
    # the table written without a header row has two columns: label/value lines, drawn as a layout table
    result = run_papers("audit", out)
    assert result.exit_code == 0, result.output
    # 19: the housing meeting's exempt paper is also in its members' exempt pack
    assert result.output.splitlines()[-1] == "19 files audited: 0 errors, 0 warnings", result.output


def test_a_second_build_gives_the_same_bytes(out: Path, tmp_path: Path) -> None:
    result = run_papers("build", ACCEPTANCE, "-o", tmp_path, "-j", "1")
    assert result.exit_code == 0, result.output
    for meeting in (CORPORATE, HOUSING):
        # the papers and the workbook (the agenda of a build without --pdf has no page numbers)
        written = sorted(p.name for p in (tmp_path / meeting).iterdir()
                         if p.suffix in (".docx", ".xlsx") and p.name != f"{NAMED[meeting]}-agenda.docx")
        assert len(written) == (3 if meeting == CORPORATE else 4)
        for name in written:
            assert (tmp_path / meeting / name).read_bytes() == (out / meeting / name).read_bytes(), name


def test_pdfs_carry_the_meeting_date_and_an_identifier_made_from_their_content(out: Path) -> None:
    dates = {CORPORATE: dt.date(2023, 3, 14), HOUSING: dt.date(2023, 6, 20), "lone": dt.date(2023, 7, 4)}
    # the PDFs LibreOffice made (the packs are joined by pypdf, which writes its own dates and no /ID)
    pdfs = [p for folder in dates for p in sorted((out / folder).glob("*.pdf"))
            if not p.name.endswith("-pack.pdf")]
    assert len(pdfs) == 8
    for pdf in pdfs:
        data = pdf.read_bytes()
        date = dates[pdf.parent.name]
        assert re.findall(rb"/CreationDate\s*\(D:(\d{14})", data) == [f"{date:%Y%m%d}000000".encode()], pdf.name
        assert fixed_pdf(data, date) == data
        # what another LibreOffice run changes (the time, the random identifier, the checksum) is made the same
        other = re.sub(rb"(/CreationDate\s*\(D:)\d{14}", rb"\g<1>20991231235959", data)
        other = re.sub(rb"(/ID\s*\[\s*<)[0-9A-F]{8}", rb"\g<1>DEADBEEF", other)
        other = re.sub(rb"(/DocChecksum\s*/)[0-9A-F]{8}", rb"\g<1>DEADBEEF", other)
        assert other != data
        assert fixed_pdf(other, date) == data
        assert len(PdfReader(pdf).pages) >= 1


# -- the portfolio report -----------------------------------------------------------------------

REPORT_PARAGRAPHS = [
    ("Heading 1", "Introduction by the Cabinet Member – Finance"),
    ("Normal", "I am pleased to present my report to Corporate Overview & Scrutiny Committee. The council’s budget "
               "for 2023/24 is £9,828,491 < £10m, agreed by Full Council on 22 February."),
    ("Normal", "The key points of the past quarter are:"),
    ("List Bullet", "the Medium Term Financial Strategy was refreshed:"),
    ("List Bullet 2", "savings of £1.2m were identified across directorates;"),
    ("List Bullet 3", "of which £400k are from procurement and contract reviews;"),
    ("List Bullet 3", "and £800k from the digital efficiency review;"),
    ("List Bullet 2", "a further review is planned for the summer."),
    ("List Bullet", "the Statement of Accounts was published, see www.thurrock.gov.uk/accounts, in three steps:"),
    ("List Number 2", "the draft accounts in May;"),
    ("List Number 2", "the audit opinion in November:"),
    ("List Bullet 3", "unqualified;"),
    ("List Number 2", "the final accounts in December."),
    ("List Continue", "External audit is by Smith & Co <LLP>."),  # after the nested list, as written
    ("List Bullet", "queries can be sent to finance@thurrock.gov.uk or via https://www.thurrock.gov.uk/contact."),
    ("Normal", "Figures in the table above are provisional & subject to audit."),
    ("Heading 1", "Recommendation:"),
    ("Recommendation", "That Corporate Overview & Scrutiny Committee note the report and the budget papers."),
    ("Recommendation", "That the Committee comment on the “{{ savings }}” proposals & {% raw %} tags, as set out in "
                       "section 3."),
    ("Heading 1", "Revenues, Benefits, Council Tax Support, Business Rates, Debt Recovery, Corporate Fraud and the "
                  "Collection Fund: Performance in 2022/23 and Priorities for 2023/24 – {{ summary }}"),
    ("Heading 2", "Service overview"),
    ("Normal", "The service collects £120m of council tax & business rates each year."),
    ("Heading 3", "Collection performance"),
    ("Normal", "Collection has improved on last year:"),
    ("List Number", "council tax collection is 98.1%;"),
    ("List Number", "business rates collection is 97.4%:"),
    ("List Bullet 2", "of which 60% is paid by direct debit;"),
    ("List Bullet 2", "and 40% by other means;"),
    ("List Number", "arrears fell by 12%."),
    ("Normal", "Further detail is in the Collection Fund report ({{ link }})."),
    # a finance block's title is the heading above its table, a ► sub-heading as in the published papers
    ("Heading 2", "Revenue budget monitoring – Quarter 3"),
    ("Heading 1", "Procurement"),
    ("Heading 1", "Capital Programme"),
    ("Normal", 'The capital programme for 2023/24 is set out below. Items marked "TBC" are subject to Cabinet '
               "approval."),
    ("List Number", "Highways maintenance"),
    ("List Number", "School expansion"),
    ("List Number 2", "Primary places"),
    ("List Number 2", "Secondary places"),
    ("List Bullet 3", "phase one"),
    ("List Bullet 3", "phase two"),
    ("List Number", "Civic Offices refurbishment"),
    ("Heading 2", "FINANCIAL INFORMATION"),
]


def test_report_text_in_order_and_style(out: Path) -> None:
    got = paragraphs(out / CORPORATE / f"{FINANCE}.docx")
    for i, (g, w) in enumerate(zip(got, REPORT_PARAGRAPHS)):
        assert g == w, f"paragraph {i}: got {g!r}, expected {w!r}"
    assert len(got) == len(REPORT_PARAGRAPHS), got[len(REPORT_PARAGRAPHS):] or REPORT_PARAGRAPHS[len(got):]


def test_report_cover_and_document_properties(out: Path) -> None:
    doc = open_docx(out / CORPORATE / f"{FINANCE}.docx")
    title = "Report of the Cabinet Member for Finance & Resources: “Budget 2023/24”"
    assert cover_cells(doc) == ["14 March 2023", "ITEM: 5", "Corporate O&S", title,
                                "Report of: Councillor Jane Ashford, Cabinet Member for Finance & Resources",
                                "This report is public"]
    assert doc.core_properties.title == title
    assert doc.core_properties.language == "en-GB"


def test_only_the_spacers_are_empty_paragraphs(out: Path) -> None:
    items = body_items(open_docx(out / CORPORATE / f"{FINANCE}.docx"))
    empty = [n for n, i in enumerate(items) if not i.in_table and not i.text.strip()]
    # only the one that keeps two adjacent tables apart (the cover is followed by its first heading)
    assert len(empty) == 1
    before, after = items[empty[0] - 1], items[empty[0] + 1]
    assert before.in_table and after.in_table
    assert (norm(before.text), norm(after.text)) == ("n/a", "Council tax")


def test_lists_restart_and_nest_with_the_right_numbering(out: Path) -> None:
    doc = open_docx(out / CORPORATE / f"{FINANCE}.docx")
    items = [i for i in body_items(doc) if not i.in_table and i.style.startswith("List")]
    by_text = {norm(i.text): i for i in items}

    def fmt(text: str) -> tuple[str, str, int, int]:
        num = num_pr(doc, by_text[text].element)
        assert num is not None, text
        f, lvl_text, start = level_format(doc, *num)
        return f, lvl_text, start, num[1]

    assert fmt("of which £400k are from procurement and contract reviews;")[::3] == ("bullet", 2)
    assert fmt("the draft accounts in May;") == ("lowerLetter", "%2)", 1, 1)  # numbered inside a bullet
    assert fmt("unqualified;")[::3] == ("bullet", 2)
    assert fmt("council tax collection is 98.1%;") == ("decimal", "%1.", 1, 0)
    assert fmt("Highways maintenance") == ("decimal", "%1.", 1, 0)
    assert fmt("Primary places") == ("lowerLetter", "%2)", 1, 1)
    # each numbered list is a list of its own: the capital programme starts at 1 again
    first = num_pr(doc, by_text["council tax collection is 98.1%;"].element)
    second = num_pr(doc, by_text["Highways maintenance"].element)
    assert first[0] != second[0]
    assert num_pr(doc, by_text["External audit is by Smith & Co <LLP>."].element) is None
    assert not any(norm(i.text).startswith(("•", "-", "1.", "a)")) for i in items)


def test_links_keep_their_bold_and_italic_and_bare_addresses_link(out: Path) -> None:
    doc = open_docx(out / CORPORATE / f"{FINANCE}.docx")
    targets = {r.rId: r.target_ref for r in doc.part.rels.values() if r.reltype.endswith("/hyperlink")}
    links = []
    for link in doc.element.body.iter(qn("w:hyperlink")):
        runs = [(r.findtext(qn("w:t")), r.find(f"{W}rPr/{W}b") is not None, r.find(f"{W}rPr/{W}i") is not None)
                for r in link.findall(qn("w:r"))]
        links.append((targets[link.get(qn("r:id"))], runs))
    assert links == [
        ("https://www.thurrock.gov.uk/budget", [("digital", True, False), (" ", False, False),
                                                ("efficiency", False, True), (" review", False, False)]),
        ("http://www.thurrock.gov.uk/accounts", [("www.thurrock.gov.uk/accounts", False, False)]),
        ("mailto:finance@thurrock.gov.uk", [("finance@thurrock.gov.uk", False, False)]),
        ("https://www.thurrock.gov.uk/contact", [("https://www.thurrock.gov.uk/contact", False, False)]),
        ("https://www.thurrock.gov.uk/budget", [("budget papers", False, False)]),
    ]


def test_kpi_tables_compute_verdicts_and_follow_their_headers(out: Path) -> None:
    path = out / CORPORATE / f"{FINANCE}.docx"
    intro = table_with(path, "Council tax collected")
    assert cells(intro) == [
        ["KPI Title", "2016/17 Outturn", "Qtr 1 YTD", "Qtr 1 Target", "Performance", "Direction of Travel"],
        ["Council tax collected", "97.68%", "98.1%", "97%", "ACHIEVED", "Better"],
        # the row's better: lower wins over the table's higher
        ["Average days to pay invoices", "12", "9", "10", "ACHIEVED", "Better"],
    ]
    own = table_with(path, "Business rates collected")
    assert cells(own) == [  # no Direction of Travel column (direction: false)
        ["Measure", "2021/22 Outturn", "Q3 2022/23", "Q3 Target", "Status"],
        ["Business rates collected", "96.2%", "97.4%", "97%", "ACHIEVED"],
        ["Average call wait", "6:53", "4:10", "<5:00", "ACHIEVED"],
        ["New claims processed", "1,120", "n/a", "TBC", "n/a"],
    ]
    assert has_header_row(intro) and has_header_row(own)


def test_no_table_column_is_narrower_than_its_longest_word(out: Path) -> None:
    # LibreOffice's rendering: a too narrow column breaks "Performance" into "Perform" / "ance"
    text = subprocess.run(["pdftotext", "-layout", str(out / CORPORATE / f"{FINANCE}.pdf"), "-"],
                          capture_output=True, text=True, check=True).stdout
    assert re.search(r"\bPerformance\b", text) and re.search(r"\bDirection\b", text)
    assert len(re.findall(r"\bACHIEVED\b", text)) == 4
    widths = [int(g.get(qn("w:w"))) for g in table_with(out / CORPORATE / f"{FINANCE}.docx",
                                                         "Council tax collected").iter(qn("w:gridCol"))]
    assert sum(widths) == 9026 and widths[4] >= 1700


def test_tables_with_and_without_a_header_row(out: Path) -> None:
    path = out / CORPORATE / f"{FINANCE}.docx"
    plain = table_with(path, "Arrears & write-offs")
    assert cells(plain) == [["Council tax", "98.1%"], ["Business rates", "97.4%"], ["Arrears & write-offs", "<£1m"]]
    assert not has_header_row(plain)
    pr = plain.find(qn("w:tblPr"))
    # no header row and two columns: label/value lines, in the layout style (no first-row formatting in either
    # tblLook form)
    assert pr.find(qn("w:tblStyle")).get(qn("w:val")) == "LayoutLines"
    look = pr.find(qn("w:tblLook"))
    assert (look.get(qn("w:firstRow")), int(look.get(qn("w:val")), 16) & 0x20) == ("0", 0)
    contracts = table_with(path, "Waste collection vehicles")
    assert cells(contracts) == [["Contract", "Supplier", "Value"],
                                ["Waste collection vehicles", "Smith & Sons Ltd", "£2.1m"],
                                ["Agency staff", "Café Résumé <Holdings>", "£450k"],
                                ["Insurance", "", "£1.3m"]]  # ~ is YAML's null: an empty cell
    assert has_header_row(contracts)
    assert contracts.find(f"{W}tblPr/{W}tblStyle").get(qn("w:val")) == "CouncilTable"
    look = contracts.find(f"{W}tblPr/{W}tblLook")
    assert (look.get(qn("w:firstRow")), int(look.get(qn("w:val")), 16) & 0x20) == ("1", 0x20)
    # the section whose body is only a table: the table follows its title directly
    items = body_items(open_docx(path))
    at = next(n for n, i in enumerate(items) if not i.in_table and norm(i.text) == "Procurement")
    assert (items[at + 1].in_table, norm(items[at + 1].text)) == (True, "Contract")


def test_finance_tables_from_csv_xlsx_and_yaml(out: Path) -> None:
    path = out / CORPORATE / f"{FINANCE}.docx"
    assert cells(table_with(path, "Corporate Finance")) == [
        ["Service Area", "Budget", "Q3 Forecast", "Q3 Variance"], ["", "£0", "£0", "£0"],  # the units: a row
        ["Corporate Finance", "1,234", "1,250", "16"],
        ["Revenues & Benefits", "2,605", "2,557", "(48)"],
        ["Procurement <Central>", "512", "512", "0"],  # variance left empty: computed
        ["Internal Audit – “shared”", "389", "1,001", "612"],
        ["Total", "4,740", "5,320", "580"],
    ]
    assert cells(table_with(path, "Highways maintenance")) == [  # the sheet 'Q3 Capital' of the workbook
        ["Scheme", "Budget", "Forecast", "Variance"], ["", "£000", "£000", "£000"],
        ["Highways maintenance", "4,200", "4,350", "150"],
        ["School expansion", "6,140", "6,100", "(40)"],
        ["Civic Offices refurbishment", "2,500", "2,562", "62"],
        ["Total", "12,840", "13,012", "172"],
    ]
    top = tables(path)[-1]
    assert cells(top) == [
        ["Service", "2021/22 Outturn", "2022/23 Budget", "Q3 Forecast", "Q3 Variance"],
        ["", "£000", "£000", "£000", "£000"],
        ["Corporate Finance", "1,199", "1,234", "1,250", "16"],
        ["Revenues & Benefits", "2,690", "2,605", "2,557", "(48)"],
        ["Procurement", "(12)", "0", "(5)", "(5)"],
        ["Total", "3,877", "3,839", "3,802", "(37)"],
    ]
    last = top.findall(qn("w:tr"))[-1]
    assert all(r.find(f"{W}rPr/{W}b") is not None for r in last.iter(qn("w:r")))


# -- the briefing notes --------------------------------------------------------------------------

def test_briefing_note_numbers_paragraphs_not_bullets(out: Path) -> None:
    path = out / CORPORATE / f"{HOUSING_NOTE}.docx"
    doc = open_docx(path)
    got = paragraphs(path)
    assert got[:3] == [
        ("Committee Name", "Corporate Overview and Scrutiny Committee"),
        ("Title", "Briefing Note: Housing Portfolio – Repairs, Voids & “Temporary Accommodation”"),
        ("Normal", "Purpose of the briefing note: Provides an update on housing repairs, empty homes (voids) & "
                   "temporary accommodation, as requested by the Committee on 31 January 2023."),
    ]
    # the first section has no title: its paragraphs come straight after the purpose, numbered
    assert got[3:] == [
        ("Numbered Paragraph", "The Housing service manages 10,000 council homes. This note responds to the "
                               "Committee’s questions about repairs & voids."),
        ("Numbered Paragraph", "Residents can report repairs at www.thurrock.gov.uk/repairs or by e-mail to "
                               "housing.repairs@thurrock.gov.uk."),
        ("Heading 1", "Repairs"),
        ("Numbered Paragraph", "The repairs contract was re-procured in 2022. Since then:"),
        ("List Bullet", "the average time to complete a routine repair fell to 14 days;"),
        ("List Bullet", "92% of emergency repairs were completed within 24 hours;"),
        ("List Bullet 2", "the target is 95%;"),
        ("List Bullet 3", "this was missed in December because of the cold weather."),
        ("Numbered Paragraph", "Satisfaction with repairs is 84%."),
        ("Heading 1", "Empty homes (voids)"),
        ("Numbered Paragraph", "The number of empty homes at the end of each quarter was:"),
        ("Numbered Paragraph", "The service aims to re-let homes within 28 days."),
        ("List Number", "Inspections are made within 2 days of a tenancy ending."),
        ("List Number", "Works are ordered the same week."),
        ("Heading 1", "Next steps"),
        ("Heading 2", "Temporary accommodation"),
        ("Heading 3", "Bed & breakfast"),
        ("Numbered Paragraph", "The use of bed & breakfast accommodation for families is < 6 weeks in every case, "
                               "as the law requires."),
        ("Numbered Paragraph", "Officers will report again in September."),
    ]
    numbered = [i for i in body_items(doc) if i.style == "Numbered Paragraph"]
    nums = {num_pr(doc, i.element) for i in numbered}
    assert len(numbered) == 8 and len(nums) == 1, "one list: 1.1 to 1.8 across the section titles"
    assert level_format(doc, *nums.pop())[:2] == ("decimal", "1.%1")
    for item in body_items(doc):
        if item.style.startswith("List Bullet"):
            assert level_format(doc, *num_pr(doc, item.element))[0] == "bullet"
    voids = table_with(path, "Q1 2022/23")
    assert cells(voids) == [["Quarter", "Empty homes", "Average days to re-let"], ["Q1 2022/23", "112", "38"],
                            ["Q2 2022/23", "96", "35"], ["Q3 2022/23", "81", "31"]]
    assert has_header_row(voids)


def test_briefing_note_with_a_table_in_its_untitled_first_section(out: Path) -> None:
    path = out / HOUSING / f"{HOMELESSNESS}.docx"
    items = [(i.style, norm(i.text), i.in_table) for i in body_items(open_docx(path)) if norm(i.text)]
    # the committee comes from meeting.yaml; nothing says exempt
    assert items[0] == ("Committee Name", "Housing Overview and Scrutiny Committee", False)
    assert not any("exempt" in text for _, text, _ in items)
    start = items.index(("Numbered Paragraph", "Homelessness approaches rose by 18% in 2022/23.", False))
    assert [t for _, t, in_table in items[start + 1:start + 10] if in_table] == [
        "Reason for approach", "2021/22", "2022/23", "Family or friends no longer willing to accommodate", "310",
        "352", "End of private rented tenancy", "205", "266"]
    assert items[start + 13] == ("Numbered Paragraph", "The main reasons are set out above.", False)


# -- the exempt report, the agenda and the pack --------------------------------------------------

def test_exempt_report_without_introduction_or_recommendations(out: Path) -> None:
    path = out / HOUSING / f"{EXEMPT}.docx"
    doc = open_docx(path)
    assert cover_cells(doc) == [
        "20 June 2023", "ITEM: 10a", "Housing Overview and Scrutiny Committee",
        "Housing Revenue Account – Investment Programme 2023/24",
        "Report of: Councillor Tom Reeve, Cabinet Member for Housing",
        "This report is exempt: Paragraph 3, Part 1 of Schedule 12A of the Local Government Act 1972: information "
        "about the financial or business affairs of any particular person (including the authority holding that "
        "information)."]
    got = paragraphs(path)
    assert [t for s, t in got if s == "Heading 1"] == ["Transforming Homes", "Programme performance"]
    assert got[1] == ("Normal", "The Transforming Homes programme improves the council's homes. It is funded from "
                                "the Housing Revenue Account (HRA).")
    assert got[-1] == ("Heading 2", "HRA capital programme")
    numbered = [i for i in body_items(doc) if i.style == "List Number"]
    assert [norm(i.text) for i in numbered] == ["Kitchens and bathrooms", "Windows and doors", "Roofs"]
    assert level_format(doc, *num_pr(doc, numbered[0].element))[2] == 3  # "3." as written
    brk = [p for p in doc.element.body.iter(qn("w:p")) if p.find(f".//{W}br") is not None]
    assert len(brk) == 1  # the hard line break (two trailing spaces)
    assert cells(tables(path)[-1])[2:] == [["Kitchens & bathrooms", "3,450", "3,300", "(150)"],
                                           ["Windows & doors", "1,200", "1,275", "75"], ["Roofs", "800", "800", "0"]]


def test_agendas_list_every_item_in_order(out: Path) -> None:
    corporate = [(i.style, norm(i.text)) for i in body_items(open_docx(out / CORPORATE / f"{CORPORATE_AS}-agenda.docx"))]
    assert ("Normal", "The meeting will be held at 7.00 pm on 14 March 2023") in corporate
    assert ("Normal", "Committee Room 1, Civic Offices, New Road, Grays, Essex, RM17 6SL") in corporate
    agenda = len(PdfReader(out / CORPORATE / f"{CORPORATE_AS}-agenda.pdf").pages)
    finance = len(PdfReader(out / CORPORATE / f"{FINANCE}.pdf").pages)
    briefing = len(PdfReader(out / CORPORATE / f"{HOUSING_NOTE}.pdf").pages)

    def span(first: int, count: int) -> str:
        return str(first) if count == 1 else f"{first} - {first + count - 1}"
    assert cells(tables(out / CORPORATE / f"{CORPORATE_AS}-agenda.docx")[0]) == [
        ["Item", "Title", "Pages"],
        ["4", "Minutes of the meeting held on 31 January 2023 & matters arising", ""],
        ["5", "Report of the Cabinet Member for Finance & Resources: “Budget 2023/24”", span(agenda + 1, finance)],
        ["6", "Briefing Note: Housing Portfolio – Repairs, Voids & “Temporary Accommodation”",
         span(agenda + finance + 1, briefing)],
        ["7", "Work Programme 2022/23 – “{{ draft }}” <v2>", ""],
    ]
    housing = [norm(i.text) for i in body_items(open_docx(out / HOUSING / f"{HOUSING_AS}-agenda.docx")) if not i.in_table]
    assert "The meeting will be held on 20 June 2023" in housing  # no time
    assert "Committee Room 1, Civic Offices, New Road, Grays, Essex, RM17 6SL" not in housing  # no venue
    agenda = len(PdfReader(out / HOUSING / f"{HOUSING_AS}-agenda.pdf").pages)
    briefing = len(PdfReader(out / HOUSING / "11-homelessness-briefing.pdf").pages)
    assert cells(tables(out / HOUSING / f"{HOUSING_AS}-agenda.docx")[0]) == [
        ["Item", "Title", "Pages"], ["1", "Apologies for Absence", ""], ["2", "Declaration of Interests", ""],
        ["10a", "Housing Revenue Account – Investment Programme 2023/24", ""],  # exempt: not in the pack
        ["11", "Briefing Note: Homelessness Prevention", span(agenda + 1, briefing)],
        ["12", "Exclusion of the Public and Press", ""],
    ]


def test_the_published_pack_leaves_out_exempt_and_unlisted_papers(out: Path) -> None:
    corporate = PdfReader(out / CORPORATE / f"{CORPORATE_AS}-pack.pdf")
    assert [o.title for o in corporate.outline] == [
        "Agenda", "Item 5: Report of the Cabinet Member for Finance & Resources: “Budget 2023/24”",
        "Item 6: Briefing Note: Housing Portfolio – Repairs, Voids & “Temporary Accommodation”"]
    assert len(corporate.pages) == 1 + len(PdfReader(out / CORPORATE / f"{FINANCE}.pdf").pages) + len(
        PdfReader(out / CORPORATE / f"{HOUSING_NOTE}.pdf").pages)
    housing = PdfReader(out / HOUSING / f"{HOUSING_AS}-pack.pdf")
    assert [o.title for o in housing.outline] == ["Agenda", "Item 11: Briefing Note: Homelessness Prevention"]
    text = "".join(page.extract_text() for page in housing.pages)
    assert "Homelessness approaches rose" in text
    assert "Transforming Homes" not in text and "Schedule 12A" not in text and "Damp and Mould" not in text


# -- the budget workbooks ------------------------------------------------------------------------

def test_workbook_values_and_formulas(out: Path) -> None:
    wb = openpyxl.load_workbook(out / CORPORATE / "budget.xlsx")
    cached = openpyxl.load_workbook(out / CORPORATE / "budget.xlsx", data_only=True)
    assert wb.sheetnames == ["Summary", FINANCE]
    ws, values = wb[FINANCE], cached[FINANCE]
    rows: dict[str, int] = {}  # first row of each label
    for r in range(1, ws.max_row + 1):
        rows.setdefault(ws.cell(r, 1).value, r)
    assert [ws.cell(r, 1).value for r in (4, 5, 6)] == ["Revenue budget monitoring – Quarter 3", "Figures in £0",
                                                         "Service Area"]
    r = rows["Revenues & Benefits"]
    assert [ws.cell(r, c).value for c in (2, 3, 4)] == [2605, 2557, f"=C{r}-B{r}"]  # (48) as stated = computed
    assert values.cell(r, 4).value == -48
    assert [values.cell(rows["Procurement <Central>"], c).value for c in (2, 3, 4)] == [512, 512, 0]
    total = rows["Total"]  # the first Total row: the CSV block
    assert ws.cell(total, 2).value == f"=SUM(B7:B{total - 1})"
    assert [values.cell(total, c).value for c in (2, 3, 4)] == [4740, 5320, 580]
    capital = rows["Highways maintenance"]
    assert [values.cell(capital + 1, c).value for c in (1, 2, 3, 4)] == ["School expansion", 6140, 6100, -40]
    assert ws.cell(rows["Procurement"], 2).value == -12
    summary = wb["Summary"]
    units = {summary.cell(r, 1).value: r for r in range(1, summary.max_row + 1)}
    assert "Grand total (£0)" in units and "Grand total (£000)" in units  # £0 and £000 are not added up
    assert cached["Summary"].cell(units["Grand total (£000)"], 4).value == 12840 + 3839


def test_workbook_of_the_exempt_meeting(out: Path) -> None:
    wb = openpyxl.load_workbook(out / HOUSING / "budget.xlsx", data_only=True)
    assert wb.sheetnames == ["Summary", EXEMPT]
    ws = wb[EXEMPT]
    assert [[c.value for c in row] for row in ws.iter_rows(min_row=7, max_row=9, max_col=4)] == [
        ["Kitchens & bathrooms", 3450, 3300, -150], ["Windows & doors", 1200, 1275, 75], ["Roofs", 800, 800, 0]]


# -- a paper built on its own ------------------------------------------------------------------

def test_a_lone_paper_gets_its_pdf_and_uses_its_own_meeting(out: Path) -> None:
    folder = out / "lone"
    assert sorted(p.name for p in folder.iterdir() if not p.name.startswith(".")) == [
        f"{LONE.stem}.docx", f"{LONE.stem}.pdf"]  # no agenda, pack or workbook without a meeting.yaml
    text = "".join(page.extract_text() for page in PdfReader(folder / f"{LONE.stem}.pdf").pages)
    assert "Planning, Transport and Regeneration Overview and Scrutiny Committee" in text
    assert "Stanford-le-Hope Library" in text
    got = paragraphs(folder / f"{LONE.stem}.docx")
    assert got[3:] == [
        ("Numbered Paragraph", "The consultation opened on 3 July 2023 & runs for 12 weeks. Details are at "
                               "www.thurrock.gov.uk/localplan."),
        ("Heading 1", "Drop-in events"),
        ("Numbered Paragraph", "Events will be held across the borough:"),
        ("List Bullet", "Officers will attend every event."),
        ("List Bullet", "Residents can also respond online."),
    ]
