"""`papers import DRAFT.docx`: our own papers round-trip; an author's plain Word draft becomes a structured paper."""
from __future__ import annotations

import csv
from pathlib import Path

import pytest

from conftest import CABINET, EXAMPLE, run_papers
from wordread import body_items, cover_cells, norm, open_docx


def _sequence(path: Path) -> list[tuple[str, str]]:
    """(style name, text) of every body paragraph and table cell, in order."""
    return [(item.style, norm(item.text)) for item in body_items(open_docx(path))]


def _import_and_build(docx: Path, tmp_path: Path) -> tuple[Path, str]:
    """Import ``docx`` into a folder of its own and build the result there: (the rebuilt .docx, import output)."""
    folder = tmp_path / docx.stem
    result = run_papers("import", docx, "-o", folder)
    assert result.exit_code == 0, result.output
    md = folder / f"{docx.stem}.md"
    built = run_papers("build", md, "-o", tmp_path / "out")
    assert built.exit_code == 0, built.output
    rebuilt = next((tmp_path / "out").rglob(f"{docx.stem}.docx"))
    return rebuilt, result.output


def _example_papers(meeting: Path) -> list[str]:
    return sorted(p.stem for p in meeting.iterdir() if p.suffix == ".yaml" and p.name != "meeting.yaml")


@pytest.mark.parametrize("stem", _example_papers(EXAMPLE))
def test_every_corporate_os_paper_round_trips(stem: str, built_example: Path, tmp_path: Path) -> None:
    original = built_example / f"{stem}.docx"
    rebuilt, _ = _import_and_build(original, tmp_path)
    assert _sequence(rebuilt) == _sequence(original)
    if (doc := open_docx(original)).tables and doc.tables[0].style.name == "Layout Table":
        assert cover_cells(open_docx(rebuilt)) == cover_cells(doc)


@pytest.mark.parametrize("stem", _example_papers(CABINET))
def test_every_cabinet_paper_round_trips(stem: str, cabinet: tuple[Path, str], tmp_path: Path) -> None:
    original = cabinet[0] / f"{stem}.docx"
    rebuilt, output = _import_and_build(original, tmp_path)
    assert _sequence(rebuilt) == _sequence(original)
    if (doc := open_docx(original)).tables and doc.tables[0].style.name == "Layout Table":
        assert cover_cells(open_docx(rebuilt)) == cover_cells(doc)
    assert f"{stem}.docx: imported, 0 warnings" in output


def test_a_file_that_is_not_a_word_document_is_a_clear_error(tmp_path: Path) -> None:
    text = tmp_path / "notes.docx"
    text.write_text("just text\n")
    result = run_papers("import", text)
    assert result.exit_code == 1
    assert "notes.docx: not a Word document (.docx): open it in Word and save it as a Word Document" in result.output
    assert "Traceback" not in result.output
    old = tmp_path / "old.doc"
    old.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(100))
    result = run_papers("import", old)
    assert result.exit_code == 1 and "old.doc: a Word 97-2003 document (.doc) cannot be read" in result.output
    damaged = tmp_path / "damaged.docx"
    import zipfile
    with zipfile.ZipFile(damaged, "w") as z:
        z.writestr("word/other.xml", "<x/>")
    result = run_papers("import", damaged)
    assert result.exit_code == 1 and "damaged.docx: the Word document is damaged and cannot be read" in result.output
    assert not list(tmp_path.glob("*.md"))


def test_an_existing_paper_is_not_replaced_without_force(built_example: Path, tmp_path: Path) -> None:
    draft = built_example / "05-central-services.docx"
    (tmp_path / "05-central-services-finance-1.csv").write_text("mine\n")
    result = run_papers("import", draft, "-o", tmp_path)
    assert result.exit_code == 1
    assert "05-central-services-finance-1.csv already exists: nothing was written" in result.output
    assert "add --force to replace it" in result.output
    assert not (tmp_path / "05-central-services.md").exists()
    assert (tmp_path / "05-central-services-finance-1.csv").read_text() == "mine\n"
    result = run_papers("import", draft, "-o", tmp_path, "--force")
    assert result.exit_code == 0, result.output
    rows = list(csv.reader((tmp_path / "05-central-services-finance-1.csv").open()))
    assert rows[0] == ["service", "outturn", "budget", "forecast", "variance"]
    assert rows[3] == ["Customer Services", "702", "1094", "965", "-131"]  # printed (131) in the paper


# -- an author's draft: plain Word, everything in Normal with direct formatting --------------------------------

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
PICTURE = CABINET / "q2-variance-chart.png"


def _para(doc, text: str = "", bold: bool = False, size: float | None = None, font: str | None = None):
    from docx.shared import Pt

    p = doc.add_paragraph()
    if text:
        run = p.add_run(text)
        run.bold = bold or None
        if size:
            run.font.size = Pt(size)
        if font:
            run.font.name = font
    return p


def _xml(p, xml: str) -> None:
    """Append raw WordprocessingML (one element) to paragraph ``p``."""
    from lxml import etree

    p._p.append(etree.fromstring(xml))


def _hyperlink(p, text: str, url: str) -> None:
    from docx.opc.constants import RELATIONSHIP_TYPE as RT

    rid = p.part.relate_to(url, RT.HYPERLINK, is_external=True)
    _xml(p, f'<w:hyperlink xmlns:w="{W_NS}" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/'
            f'relationships" r:id="{rid}"><w:r><w:t>{text}</w:t></w:r></w:hyperlink>')


def _list_item(doc, text: str, level: int) -> None:
    """A Normal paragraph in Word's own bullet list (numPr with ilvl), as Word's bullet button makes it."""
    p = _para(doc, text)
    num_id = doc.styles["List Bullet"].element.pPr.numPr.numId.val
    _xml(p, f'<w:pPr xmlns:w="{W_NS}"><w:numPr><w:ilvl w:val="{level}"/><w:numId w:val="{num_id}"/></w:numPr>'
            '</w:pPr>')
    p._p.insert(0, p._p[-1])  # pPr first


def author_draft(path: Path) -> Path:
    """A draft as an author sends it: a label/value cover, bold lines for headings, typed bullets and numbers."""
    from docx import Document
    from docx.shared import Inches

    doc = Document()
    cover = doc.add_table(rows=0, cols=2)
    for label, value in (("Date", "18 January 2023"), ("Item", "7"), ("Committee", "Housing Overview and Scrutiny "
                         "Committee"), ("Title", "Housing Repairs & Voids Update"),
                         ("Report of", "Councillor B. Author, Cabinet Member for Housing"), ("Public or exempt",
                                                                                              "Public")):
        cells = cover.add_row().cells
        cells[0].text, cells[1].text = label, value
    _para(doc, "1. INTRODUCTION", bold=True)
    _para(doc, "1.1\tThis report updates the Committee on repairs & voids.")
    p = _para(doc, "1.2 The repairs service has improved its response times across")
    _xml(p, f'<w:r xmlns:w="{W_NS}"><w:br w:type="page"/></w:r>')
    _para(doc, "all areas of the borough.")
    _para(doc, "2. RECOMMENDATIONS", bold=True)
    _para(doc, "2.1 That the Committee note the report.")
    _para(doc, "3. REPAIRS", bold=True)
    _para(doc, "Repairs performance", bold=True)
    _para(doc, "The main changes this year were:")
    _para(doc, "•\tNew contractor in place")
    _para(doc, "o\tNorth area from April")
    _para(doc, "–\tA call centre open longer")
    _para(doc, "\uf0b7\tVoids turned round faster", font="Symbol")
    _para(doc, "a) first lettered point")
    _para(doc, "(i) a roman sub-point")
    _para(doc, "b) second lettered point")
    _list_item(doc, "Word list top", 0)
    _list_item(doc, "Word list nested", 1)
    p = _para(doc, "Details are on the ")
    _hyperlink(p, "council website", "https://www.example.gov.uk/repairs")
    p.add_run(".")
    kpi = doc.add_table(rows=3, cols=5)
    for r, values in enumerate((("KPI", "2021/22 Outturn", "Qtr 2 YTD", "Qtr 2 Target", "Performance"),
                                ("Repairs on time", "91%", "95%", "90%", "ACHIEVED"),
                                ("Average days to relet", "40", "35", "30", "FAILED"))):
        for c, value in enumerate(values):
            kpi.cell(r, c).text = value
    _para(doc, "Financial Information", bold=True)
    money = doc.add_table(rows=5, cols=4)
    for r, values in enumerate((("Service", "Budget", "Forecast", "Variance"), ("", "£000", "£000", "£000"),
                                ("Repairs", "1,200", "1,152", "(48)"), ("Voids", "£300", "330", "30"),
                                ("Total", "1,500", "1,482", "(18)"))):
        for c, value in enumerate(values):
            money.cell(r, c).text = value
    _para(doc, "4. RISKS", bold=True)
    p = _para(doc, "The council will monitor the contract monthly.")
    _xml(p, f'<w:r xmlns:w="{W_NS}"><w:pict><v:shape xmlns:v="urn:schemas-microsoft-com:vml"><v:textbox>'
            f'<w:txbxContent><w:p><w:r><w:t>Key facts box</w:t></w:r></w:p></w:txbxContent></v:textbox></v:shape>'
            '</w:pict></w:r>')
    p = _para(doc, "Spending is ")
    _xml(p, f'<w:del xmlns:w="{W_NS}" w:id="1" w:author="A" w:date="2023-01-01T00:00:00Z"><w:r><w:delText>over'
            '</w:delText></w:r></w:del>')
    _xml(p, f'<w:ins xmlns:w="{W_NS}" w:id="2" w:author="A" w:date="2023-01-01T00:00:00Z"><w:r><w:t>within'
            '</w:t></w:r></w:ins>')
    p.add_run(" budget.")
    p = _para(doc, "")
    run = p.add_run("Fewer complaints this year.")
    doc.add_comment(run, text="Check this figure", author="Editor")
    doc.add_picture(str(PICTURE), width=Inches(2))  # no alt text
    doc.add_picture(str(PICTURE), width=Inches(2))
    doc.paragraphs[-1]._p.xpath(".//wp:docPr")[0].set("descr", "Bar chart of repairs by month")
    path.parent.mkdir(parents=True, exist_ok=True)
    doc.save(str(path))
    return path


def _paragraph_numbers(docx: Path) -> dict[str, int]:
    """Text -> number of each paragraph of a .docx, counting body.iter(w:p) as papers audit does."""
    from docx.oxml.ns import qn

    body = open_docx(docx).element.body
    return {"".join(t.text or "" for t in p.xpath("./w:r/w:t | ./w:ins/w:r/w:t | ./w:hyperlink/w:r/w:t")): n
            for n, p in enumerate(body.iter(qn("w:p")), 1)}


def _front_and_body(md: Path) -> tuple[dict, str]:
    import yaml

    text = md.read_text(encoding="utf-8")
    _, front, body = text.split("---\n", 2)
    return yaml.safe_load(front), body


def _imported(draft: Path) -> tuple[dict, str, "CliRunner.invoke"]:
    """`papers import` a draft into its own folder: the paper's front matter, its body, and the command's result."""
    result = run_papers("import", draft)
    assert result.exit_code == 0, result.output
    front, body = _front_and_body(draft.with_suffix(".md"))
    return front, body, result


def test_an_author_draft_in_plain_word_becomes_a_structured_paper(tmp_path: Path) -> None:
    draft = author_draft(tmp_path / "drafts" / "07-housing.docx")
    out = tmp_path / "meeting"
    result = run_papers("import", draft, "-o", out)
    assert result.exit_code == 0, result.output
    front, body = _front_and_body(out / "07-housing.md")
    # the cover table's fields
    assert front["template"] == "portfolio_report"
    assert front["title"] == "Housing Repairs & Voids Update"
    assert front["report_of"] == "Councillor B. Author, Cabinet Member for Housing"
    assert str(front["item"]) == "7" and front["status"] == "public"
    assert front["meeting"] == {"committee": "Housing Overview and Scrutiny Committee",
                                "date": __import__("datetime").date(2023, 1, 18)}
    # bold lines: '1. INTRODUCTION' a section, 'Repairs performance' a sub-heading; '2. RECOMMENDATIONS' the list
    assert front["recommendations"] == ["That the Committee note the report."]
    headings = [line for line in body.splitlines() if line.startswith("#")]
    assert headings == ["# INTRODUCTION", "# REPAIRS", "## Repairs performance", "# RISKS"]
    # typed numbers dropped; the paragraph a page break split is one again
    assert "\nThis report updates the Committee on repairs & voids.\n" in body
    assert "1.1" not in body and "1.2" not in body
    assert "\nThe repairs service has improved its response times across all areas of the borough.\n" in body
    # typed bullets (•, o nested, –, the Symbol-font bullet), lettered and roman points, Word's own list levels
    for line in ("- New contractor in place", "  - North area from April", "- A call centre open longer",
                 "- Voids turned round faster", "1. first lettered point", "   1. a roman sub-point",
                 "1. second lettered point", "- Word list top", "  - Word list nested"):
        assert f"\n{line}\n" in body, line
    assert "[council website](https://www.example.gov.uk/repairs)" in body
    assert "```kpis\n" in body and "title: Repairs on time" in body and "performance: FAILED" in body
    assert "title: Financial Information" in body and "source: 07-housing-finance-1.csv" in body
    assert "total: true" in body
    with (out / "07-housing-finance-1.csv").open(encoding="utf-8") as f:
        assert list(csv.reader(f)) == [["service", "budget", "forecast", "variance"],
                                       ["Repairs", "1200", "1152", "-48"], ["Voids", "300", "330", "30"]]
    assert "![Bar chart of repairs by month](07-housing-image-2.png)" in body
    assert (out / "07-housing-image-2.png").read_bytes() == PICTURE.read_bytes()
    # what could not be placed, each naming its paragraph (counted as papers audit counts them)
    n = _paragraph_numbers(draft)
    assert n["The council will monitor the contract monthly."] == 69
    assert (f'07-housing.docx: paragraph {n["The council will monitor the contract monthly."]} ("The council will monitor the contract mo…"): warning: a text box '
            '("Key facts box"): its text was not imported; copy it into the paper by hand') in result.output
    assert (f'paragraph {n["Spending is within budget."]} ("Spending is within budget."): warning: a tracked deletion ("over"): it was left out, as '
            'if the change were accepted') in result.output
    assert 'warning: a tracked insertion ("within"): it was kept, as if the change were accepted' in result.output
    assert (f'paragraph {n["Fewer complaints this year."]} ("Fewer complaints this year."): warning: a comment ("Check this figure", by Editor): it was '
            'not imported; read it in Word and act on it in the paper') in result.output
    assert (f"paragraph {n['Fewer complaints this year.'] + 1}: warning: an image without alt text: it was not placed in the paper; it was saved as "
            "07-housing-image-1.png") in result.output
    assert "joined with paragraph 16, which a page break split off mid-sentence" in result.output
    assert "07-housing.docx: imported, 6 warnings" in result.output
    assert "Over" not in body and "over budget" not in body
    # and it builds on its own
    built = run_papers("build", out / "07-housing.md", "-o", tmp_path / "out")
    assert built.exit_code == 0, built.output
    docx = next((tmp_path / "out").rglob("07-housing.docx"))
    items = [(i.style, norm(i.text)) for i in body_items(open_docx(docx))]
    assert ("List Bullet 2", "North area from April") in items
    assert ("List Number 2", "a roman sub-point") in items
    assert ("Heading 2", "Repairs performance") in items
    assert ("Table Text", "(48)") in items
    assert cover_cells(open_docx(docx))[:2] == ["18 January 2023", "ITEM: 7"]


def test_a_draft_with_word_headings_and_no_cover_says_what_to_fill_in(tmp_path: Path) -> None:
    from docx import Document

    doc = Document()
    doc.add_paragraph("Tenant Engagement", style="Title")
    doc.add_heading("Background", level=1)
    doc.add_paragraph("Tenants were asked about repairs.")
    doc.add_heading("Findings", level=2)
    doc.add_paragraph("Most were satisfied.", style="List Number")
    doc.add_paragraph("Some were not.", style="List Number")
    doc.add_heading("Next steps", level=1)
    doc.add_paragraph("A survey follows in spring.")
    draft = tmp_path / "engagement.docx"
    doc.save(str(draft))
    front, body, result = _imported(draft)
    assert front["title"] == "Tenant Engagement"
    assert [line for line in body.splitlines() if line.startswith("#")] == ["# Background", "## Findings",
                                                                            "# Next steps"]
    assert "\n1. Most were satisfied.\n1. Some were not.\n" in body
    assert "warning: no committee found on the cover" in result.output
    assert "warning: no meeting date found on the cover" in result.output
    assert "report_of is the document's author, 'python-docx'" in result.output
    assert run_papers("build", tmp_path / "engagement.md", "-o", tmp_path / "out").exit_code == 0


def committee_draft(path: Path) -> Path:
    """An author's committee report: a label/value cover, numbered bold headings, 'Implications verified by'."""
    from docx import Document

    doc = Document()
    cover = doc.add_table(rows=0, cols=2)
    for label, value in (("Meeting", "Cabinet, Wednesday 18th January 2023"), ("Agenda item", "10"),
                         ("Report title", "Housing Allocations Policy"),
                         ("Wards and communities affected", "All"), ("Key Decision", "Key (FP/2022/077)"),
                         ("Report of", "Councillor C. Writer, Cabinet Member for Housing"),
                         ("Accountable Director", "D. Lead, Corporate Director of Housing"),
                         ("Status", "Part 2 – exempt: paragraph 3 of Part 1 of Schedule 12A")):
        cells = cover.add_row().cells
        cells[0].text, cells[1].text = label, value
    heads = ("Recommendation(s)", "Introduction and Background", "Issues, Options and Analysis of Options",
             "Reasons for Recommendation", "Consultation (including Overview and Scrutiny, if applicable)",
             "Impact on corporate policies, priorities, performance and community impact")
    for n, head in enumerate(heads, 1):
        _para(doc, f"{n}. {head}", bold=True)
        _para(doc, f"{n}.1 Text of section {n}.")
    _para(doc, "7. Implications", bold=True)
    for n, (head, who) in enumerate((("Financial", "E. Money, Finance Manager"), ("Legal", "F. Law, Solicitor"),
                                     ("Diversity and Equality", "G. Fair, Equalities Officer")), 1):
        _para(doc, f"7.{n} {head}", bold=True)
        _para(doc, f"The {head.lower()} implications are small.")
        _para(doc, f"Implications verified by: {who}")
    p = _para(doc, "See the ")
    _xml(p, f'<w:r xmlns:w="{W_NS}"><w:fldChar w:fldCharType="begin"/></w:r>')
    _xml(p, f'<w:r xmlns:w="{W_NS}"><w:instrText xml:space="preserve"> HYPERLINK "https://www.example.gov.uk/'
            'allocations" </w:instrText></w:r>')
    _xml(p, f'<w:r xmlns:w="{W_NS}"><w:fldChar w:fldCharType="separate"/></w:r>')
    _xml(p, f'<w:r xmlns:w="{W_NS}"><w:t>allocations policy</w:t></w:r>')
    _xml(p, f'<w:r xmlns:w="{W_NS}"><w:fldChar w:fldCharType="end"/></w:r>')
    p.add_run(".")
    _para(doc, "8. Background papers used in preparing the report", bold=True)
    _para(doc, "None")
    _para(doc, "9. Appendices to the report", bold=True)
    _para(doc, "None")
    _para(doc, "Report Author:", bold=True)
    _para(doc, "H. Author")
    _para(doc, "Housing Strategy Manager")
    path.parent.mkdir(parents=True, exist_ok=True)
    doc.save(str(path))
    return path


def test_an_author_committee_report_draft_becomes_a_committee_report(tmp_path: Path) -> None:
    draft = committee_draft(tmp_path / "10-allocations.docx")
    front, body, result = _imported(draft)
    assert front["template"] == "committee_report"
    assert front["meeting"] == {"committee": "Cabinet", "date": __import__("datetime").date(2023, 1, 18)}
    assert str(front["item"]) == "10" and front["title"] == "Housing Allocations Policy"
    assert front["wards"] == "All" and front["key_decision"] is True and front["forward_plan_ref"] == "FP/2022/077"
    assert front["accountable_director"] == {"name": "D. Lead", "title": "Corporate Director of Housing"}
    assert front["status"] == "exempt"
    assert front["exempt_reason"] == "paragraph 3 of Part 1 of Schedule 12A"
    assert front["report_author"] == {"name": "H. Author", "title": "Housing Strategy Manager"}
    assert front["implications"]["legal"]["verified_by"] == {"name": "F. Law", "title": "Solicitor"}
    assert front["background_papers"] == []
    assert [line for line in body.splitlines() if line.startswith("#")] == [
        "# Recommendation(s)", "# Introduction and Background", "# Issues, Options and Analysis of Options",
        "# Reasons for Recommendation", "# Consultation (including Overview and Scrutiny, if applicable)",
        "# Impact on corporate policies, priorities, performance and community impact",
        "# Financial implications", "# Legal implications", "# Diversity and Equality implications"]
    assert "- Text of section 1.\n" in body and "\nText of section 4.\n" in body and "4.1" not in body
    assert "[allocations policy](https://www.example.gov.uk/allocations)" in body
    built = run_papers("build", tmp_path / "10-allocations.md", "-o", tmp_path / "out")
    assert built.exit_code == 0, built.output
    items = [(i.style, norm(i.text)) for i in body_items(open_docx(next((tmp_path / "out").rglob("*.docx"))))]
    assert ("Normal", "Implications verified by: E. Money, Finance Manager") in items
    assert ("Numbered Paragraph", "Text of section 1.") in items


def test_an_author_briefing_note_with_its_fields_as_lines(tmp_path: Path) -> None:
    from docx import Document

    doc = Document()
    _para(doc, "Briefing Note: Library Opening Hours", bold=True, size=16)
    _para(doc, "Committee: Cleaner, Greener and Safer Overview and Scrutiny Committee")
    _para(doc, "Date: 12/03/2023")
    _para(doc, "Purpose: To update Members on the new opening hours.")
    _para(doc, "Background", bold=True)
    _para(doc, "Libraries open later on Thursdays.")
    _para(doc, "Next steps", bold=True)
    _para(doc, "- Review in June")
    _para(doc, "- Report back in September")
    draft = tmp_path / "libraries.docx"
    doc.save(str(draft))
    front, body, result = _imported(draft)
    assert front["template"] == "briefing_note"
    assert front["title"] == "Briefing Note: Library Opening Hours"
    assert front["committee"] == "Cleaner, Greener and Safer Overview and Scrutiny Committee"
    assert front["purpose"] == "To update Members on the new opening hours."
    assert front["meeting"]["date"] == __import__("datetime").date(2023, 3, 12)
    assert [line for line in body.splitlines() if line.startswith("#")] == ["# Background", "# Next steps"]
    assert "\n- Review in June\n- Report back in September\n" in body
    assert "libraries.docx: imported, 0 warnings" in result.output
    assert run_papers("build", tmp_path / "libraries.md", "-o", tmp_path / "out").exit_code == 0


def test_bullets_nested_by_indent_headings_bold_by_character_style_and_rendered_page_breaks(tmp_path: Path) -> None:
    from docx import Document
    from docx.shared import Twips

    doc = Document()
    for label, value in (("Date", "1 March 2023"), ("Committee", "Planning Committee"), ("Title", "Enforcement"),
                         ("Report of", "Head of Planning")):
        row = doc.add_table(rows=1, cols=2).rows[0] if not doc.tables else doc.tables[0].add_row()
        row.cells[0].text, row.cells[1].text = label, value
    doc.add_paragraph().add_run("Cases this year", style="Strong")
    for text, indent in (("\u2022\tNew cases", 720), ("\u2022\tFrom complaints", 1440), ("\u2022\tClosed", 720)):
        doc.add_paragraph(text).paragraph_format.left_indent = Twips(indent)
    _para(doc, "Most cases were closed within the eight weeks the service aims")
    p = _para(doc, "")
    _xml(p, f'<w:r xmlns:w="{W_NS}"><w:lastRenderedPageBreak/><w:t>for, and none went to appeal.</w:t></w:r>')
    draft = tmp_path / "enforcement.docx"
    doc.save(str(draft))
    front, body, result = _imported(draft)
    assert front["title"] == "Enforcement" and front["meeting"]["committee"] == "Planning Committee"
    assert body.lstrip().startswith("# Cases this year\n")
    assert "\n- New cases\n  - From complaints\n- Closed\n" in body
    assert "\nMost cases were closed within the eight weeks the service aims for, and none went to appeal.\n" in body
    assert "a page break split off mid-sentence" in result.output


def test_a_lone_top_heading_is_the_title_and_a_picture_in_a_table_is_a_warning(tmp_path: Path) -> None:
    from docx import Document

    doc = Document()
    doc.add_heading("Street Lighting Review", level=1)
    doc.add_heading("Background", level=2)
    doc.add_paragraph("Lamps were replaced with LEDs.")
    p = doc.add_paragraph("See ")
    _hyperlink(p, "the survey", "file:///S:/Lighting/survey.pdf")
    doc.add_heading("Costs", level=2)
    table = doc.add_table(rows=1, cols=1)
    table.cell(0, 0).paragraphs[0].add_run().add_picture(str(PICTURE))
    draft = tmp_path / "lighting.docx"
    doc.save(str(draft))
    front, body, result = _imported(draft)
    assert front["title"] == "Street Lighting Review"
    assert [line for line in body.splitlines() if line.startswith("#")] == ["# Background", "# Costs"]
    assert "\nSee the survey\n" in body
    n = _paragraph_numbers(draft)
    assert (f'lighting.docx: paragraph {n["See the survey"]} ("See the survey"): warning: a link to '
            "'file:///S:/Lighting/survey.pdf': readers of the published paper cannot open it") in result.output
    assert f"lighting.docx: paragraph {n[''] }: warning: a picture inside a table: it was not imported" \
        in result.output


def test_a_report_whose_only_heading_is_introduction_keeps_its_text_as_the_section(tmp_path: Path) -> None:
    from docx import Document

    doc = Document()
    doc.add_paragraph("Adult Social Care Update", style="Title")
    doc.add_heading("Introduction", level=1)
    doc.add_paragraph("The service supports 3,200 adults.")
    draft = tmp_path / "care.docx"
    doc.save(str(draft))
    rebuilt, output = _import_and_build(draft, tmp_path)
    assert "no text found under the cover" not in output
    text = [p.text for p in Document(str(rebuilt)).paragraphs]
    assert "The service supports 3,200 adults." in text
    assert "To follow." not in text  # no placeholder section beside the author's text
