"""Golden content: the built example papers, reopened with python-docx, hold the input text in order and style.

Expectations come from the inputs read independently (yaml.safe_load, the CSV module, and a
simple split of the Markdown by blank lines and line markers), never from the generator's parser.
"""
from __future__ import annotations

import csv
import datetime as dt
import shutil
from pathlib import Path

import pytest
import yaml
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml.ns import qn

from conftest import EXAMPLE, run_papers
from wordread import (
    W,
    body_items,
    cover_cells,
    level_format,
    markdown_blocks,
    norm,
    num_pr,
    open_docx,
    paragraph_align,
)

REPORT = "05-central-services"
BRIEFING = "06-change-and-improvement"
MEETING = yaml.safe_load((EXAMPLE / "meeting.yaml").read_text(encoding="utf-8"))
BLOCK_STYLE = {"h2": "Heading 2", "h3": "Heading 3"}
BULLET_STYLES = ["List Bullet", "List Bullet 2", "List Bullet 3"]
NUMBER_STYLES = ["List Number", "List Number 2", "List Number 3"]
GLYPHS = ("•", "►", "▪", "◦", "o ", "- ", "* ")


def load(name: str) -> dict:
    return yaml.safe_load((EXAMPLE / f"{name}.yaml").read_text(encoding="utf-8"))


def amount(raw: str) -> str:
    """Published form of a whole amount: thousands separated, negatives in brackets."""
    value = int(raw)
    text = f"{abs(value):,}"
    return f"({text})" if value < 0 else text


def expected_body(body, paragraph_style: str = "Normal") -> list[tuple[str, str]]:
    """(style, text) of every paragraph a body (Markdown, or a list of Markdown strings) should produce."""
    out = []
    for part in ([body] if isinstance(body, str) else body):
        assert isinstance(part, str), "the example has only Markdown blocks in bodies"
        for kind, depth, text in markdown_blocks(part):
            if kind == "p":
                out.append((paragraph_style, text))
            elif kind == "bullet":
                out.append((BULLET_STYLES[depth], text))
            elif kind == "number":
                out.append((NUMBER_STYLES[depth], text))
            else:
                out.append((BLOCK_STYLE[kind], text))
    return out


def expected_finance_cells(block: dict) -> list[tuple[str, str]]:
    columns = block["columns"]
    out = [("Table Heading", block.get("label", "Service"))] + [("Table Heading", label) for label in columns.values()]
    # the units ("£000") are a header row of their own, under the money columns (the label's cell is empty)
    out += [("Table Heading", block.get("units", "£000")) for _ in columns]
    with (EXAMPLE / block["source"]).open(newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            out.append(("Table Text", row["service"]))
            out += [("Table Text", amount(row[key])) for key in columns]
    return out


def actual(path: Path) -> list[tuple[str, str]]:
    """(style, text) of every non-empty body paragraph after the cover table."""
    return [(i.style, norm(i.text)) for i in body_items(open_docx(path), skip_first_table=True) if norm(i.text)]


# -- the portfolio report ---------------------------------------------------------------

def test_report_body_holds_every_input_paragraph_once_in_order(built_example: Path) -> None:
    paper = load(REPORT)
    want = [("Heading 1", paper["introduction"]["title"])] + expected_body(paper["introduction"]["body"])
    # the published heading, "1. Recommendation:" (the template's text)
    want += [("Heading 1", "Recommendation:")] + [("Recommendation", norm(r)) for r in paper["recommendations"]]
    for section in paper["sections"]:
        want += [("Heading 1", section["title"])] + expected_body(section["body"])
    block = paper["finance"]["finance"]
    # the finance title is a ► sub-heading, as published ("► FINANCIAL INFORMATION")
    want += [("Heading 2", block["title"])] + expected_finance_cells(block)
    got = actual(built_example / f"{REPORT}.docx")
    assert len(want) > 250  # the reading of the input found the whole paper
    for i, (g, w) in enumerate(zip(got, want)):
        assert g == w, f"body paragraph {i}: got {g!r}, expected {w!r}"
    assert len(got) == len(want), f"extra: {got[len(want):][:3]}, missing: {want[len(got):][:3]}"


def test_report_has_no_stray_empty_paragraphs(built_example: Path) -> None:
    items = body_items(open_docx(built_example / f"{REPORT}.docx"))
    empty = [n for n, i in enumerate(items) if not i.in_table and not i.text.strip()]
    # none: not even a spacer under the cover table (the first heading's space before is the gap)
    assert empty == []
    assert not items[0].in_table or items[6].style == "Heading 1"  # the five cover rows' six cells, then it


def test_report_cover_table(built_example: Path) -> None:
    paper = load(REPORT)
    assert cover_cells(open_docx(built_example / f"{REPORT}.docx")) == [
        "8 December 2022", "ITEM: 5", MEETING["short_name"], paper["title"],
        f"Report of: {paper['report_of']}", "This report is public"]


def test_report_styles_are_the_templates_named_styles(built_example: Path) -> None:
    doc = open_docx(built_example / f"{REPORT}.docx")
    styles = {i.style for i in body_items(doc, skip_first_table=True) if i.text.strip()}
    assert styles == {"Heading 1", "Heading 2", "Heading 3", "Normal", "List Bullet", "List Bullet 2",
                      "Recommendation", "Table Heading", "Table Text"}


def test_bullets_are_real_word_list_numbering_without_typed_glyphs(built_example: Path) -> None:
    for name in (REPORT, BRIEFING):
        doc = open_docx(built_example / f"{name}.docx")
        bullets = [i for i in body_items(doc) if i.style.startswith("List Bullet")]
        assert bullets
        levels = set()
        for item in bullets:
            num = num_pr(doc, item.element)
            assert num is not None, f"{item.text[:40]!r} has no list numbering"
            fmt, _, _ = level_format(doc, *num)
            assert fmt == "bullet", f"{item.text[:40]!r} resolves to {fmt}"
            assert num[1] == (1 if item.style == "List Bullet 2" else 0)
            levels.add(num[1])
            assert not item.text.lstrip().startswith(GLYPHS), item.text[:40]
        if name == REPORT:
            assert levels == {0, 1}  # nested bullets drawn at the second list level
    for item in body_items(open_docx(built_example / f"{REPORT}.docx")):
        assert not item.text.lstrip().startswith(("•", "►", "▪")), item.text[:40]


def test_sub_headings_are_drawn_upper_case_with_the_marker_by_the_style(built_example: Path) -> None:
    doc = open_docx(built_example / f"{REPORT}.docx")
    h2 = [i for i in body_items(doc) if i.style == "Heading 2"]
    # as written: the style makes it upper case and draws the marker
    assert [norm(i.text) for i in h2[:2]] == ["Review of previous 12 months", "Future"]
    style = doc.styles["Heading 2"]
    assert style.font.all_caps is True
    for item in h2:
        num = num_pr(doc, item.element)
        assert num is not None
        assert level_format(doc, *num)[:2] == ("bullet", "►")
    h3 = [norm(i.text) for i in body_items(doc) if i.style == "Heading 3"]
    assert h3[:2] == ["Projects", "Smarter Working"]


def test_recommendations_are_numbered_by_the_recommendation_style(built_example: Path) -> None:
    doc = open_docx(built_example / f"{REPORT}.docx")
    items = body_items(doc)
    heading = next(i for i in items if i.style == "Heading 1" and norm(i.text) == "Recommendation:")
    recs = [i for i in items if i.style == "Recommendation"]
    assert [norm(i.text) for i in recs] == [
        "That Corporate Overview & Scrutiny Committee note the report and ask the Cabinet Member any related "
        "questions."]
    h_num = num_pr(doc, heading.element)
    r_num = num_pr(doc, recs[0].element)
    assert recs[0].element.find(f"{W}pPr/{W}numPr") is None, "numbered by the style, not direct formatting"
    assert doc.styles["Recommendation"].element.find(f"{W}pPr/{W}numPr") is not None
    assert h_num is not None and r_num is not None
    assert h_num[0] == r_num[0], "heading '1.' and recommendations '1.n' share one list"
    assert level_format(doc, *h_num)[:2] == ("decimal", "%1.")
    assert level_format(doc, *r_num)[:2] == ("decimal", "%1.%2")
    assert not norm(recs[0].text).startswith("1")


# -- tables -------------------------------------------------------------------------------

def finance_table(doc):
    tables = doc.element.body.findall(qn("w:tbl"))
    return next(t for t in tables if "Customer Services" in "".join(x.text or "" for x in t.iter(qn("w:t"))))


def rows_of(tbl) -> list[list[list[str]]]:
    """Each row, each cell, the text of each paragraph."""
    return [[["".join(t.text or "" for t in p.iter(qn("w:t"))) for p in tc.findall(qn("w:p"))]
             for tc in tr.findall(qn("w:tc"))] for tr in tbl.findall(qn("w:tr"))]


def test_finance_table_header_row_repeats_and_carries_the_units(built_example: Path) -> None:
    doc = open_docx(built_example / f"{REPORT}.docx")
    tbl = finance_table(doc)
    trs = tbl.findall(qn("w:tr"))
    # the column headings, then the units as a row of their own: both repeat on every page
    assert all(tr.find(f"{W}trPr/{W}tblHeader") is not None for tr in trs[:2])
    assert all(tr.find(f"{W}trPr/{W}tblHeader") is None for tr in trs[2:])
    assert rows_of(tbl)[:2] == [[["Service"], ["Last year outturn"], ["Budget"], ["Q1 Forecast"], ["Q1 Variance"]],
                                [[""], ["£000"], ["£000"], ["£000"], ["£000"]]]


def test_finance_amounts_are_right_aligned_bracketed_and_separated(built_example: Path) -> None:
    doc = open_docx(built_example / f"{REPORT}.docx")
    tbl = finance_table(doc)
    rows = {r[0][0]: [c[0] for c in r[1:]] for r in rows_of(tbl)[2:]}
    assert rows["Customer Services"] == ["702", "1,094", "965", "(131)"]
    assert rows["Information Technology"] == ["3,385", "4,010", "4,010", "0"]
    assert rows["Corporate Programme Team"][-1] == "(141)"
    assert len(rows) == 10  # no Total row: the block has none
    for tr in tbl.findall(qn("w:tr")):
        cells = tr.findall(qn("w:tc"))
        assert paragraph_align(doc, cells[0].find(qn("w:p"))) in (None, "left", "start")
        for tc in cells[1:]:
            for p in tc.findall(qn("w:p")):
                assert paragraph_align(doc, p) in ("right", "end")


def test_finance_table_comes_last_under_its_title(built_example: Path) -> None:
    doc = open_docx(built_example / f"{REPORT}.docx")
    children = [c for c in doc.element.body.iterchildren() if c.tag in (qn("w:p"), qn("w:tbl"))]
    last_table = max(n for n, c in enumerate(children) if c.tag == qn("w:tbl"))
    assert children[last_table] is finance_table(doc)
    title = children[last_table - 1]
    assert "".join(t.text for t in title.iter(qn("w:t"))) == "Financial Information"
    assert all(not "".join(t.text or "" for t in c.iter(qn("w:t"))).strip() for c in children[last_table + 1:])


# -- document properties and page -------------------------------------------------------

@pytest.mark.parametrize("name", [REPORT, BRIEFING])
def test_core_properties(built_example: Path, name: str) -> None:
    paper = load(name)
    props = open_docx(built_example / f"{name}.docx").core_properties
    assert props.title == paper["title"]
    assert props.language == "en-GB"
    if name == REPORT:
        assert props.author == paper["report_of"]
    created = props.created
    assert created is not None and created.date() == dt.date(2022, 12, 8)
    assert props.modified is not None and props.modified.date() == dt.date(2022, 12, 8)


@pytest.mark.parametrize("name", [REPORT, BRIEFING])
def test_a4_arial_12_and_page_number_in_footer(built_example: Path, name: str) -> None:
    doc = open_docx(built_example / f"{name}.docx")
    section = doc.sections[-1]
    assert abs(section.page_width.mm - 210) < 1 and abs(section.page_height.mm - 297) < 1
    rpr = doc.styles.element.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr")
    assert rpr.find(f"{W}rFonts").get(qn("w:ascii")) == "Arial"
    assert rpr.find(f"{W}sz").get(qn("w:val")) == "24"
    normal = doc.styles["Normal"].font
    assert normal.name in (None, "Arial") and normal.size in (None, 152400)
    footer = section.footer._element
    instr = " ".join(t.text or "" for t in footer.iter(qn("w:instrText")))
    instr += " ".join(f.get(qn("w:instr")) or "" for f in footer.iter(qn("w:fldSimple")))
    assert "PAGE" in instr.split()


def test_web_address_is_a_real_external_hyperlink(built_example: Path) -> None:
    doc = open_docx(built_example / f"{REPORT}.docx")
    links = [h for h in doc.element.body.iter(qn("w:hyperlink"))
             if "www.thurrock.gov.uk" in "".join(t.text or "" for t in h.iter(qn("w:t")))]
    assert len(links) == 1
    rel = doc.part.rels[links[0].get(qn("r:id"))]
    assert rel.reltype == RT.HYPERLINK and rel.is_external
    assert rel.target_ref == "http://www.thurrock.gov.uk/how-we-are-doing/awards"
    # "mod.gov software" in the briefing note is running text, not a link
    brief = open_docx(built_example / f"{BRIEFING}.docx")
    linked = ["".join(t.text or "" for t in h.iter(qn("w:t"))) for h in brief.element.body.iter(qn("w:hyperlink"))]
    assert not any("mod.gov" in t for t in linked)


# -- the briefing note ------------------------------------------------------------------

def test_briefing_body_holds_every_input_paragraph_once_in_order(built_example: Path) -> None:
    paper = load(BRIEFING)
    want = [("Committee Name", paper["committee"]), ("Title", paper["title"]),
            ("Normal", f"Purpose of the briefing note: {paper['purpose']}")]
    for section in paper["sections"]:
        if section.get("title"):
            want.append(("Heading 1", section["title"]))
        want += expected_body(section["body"], paragraph_style="Numbered Paragraph")
    got = actual(built_example / f"{BRIEFING}.docx")
    assert len(want) > 80
    for i, (g, w) in enumerate(zip(got, want)):
        assert g == w, f"body paragraph {i}: got {g!r}, expected {w!r}"
    assert len(got) == len(want), f"extra: {got[len(want):][:3]}, missing: {want[len(got):][:3]}"


def test_bold_runs_keep_their_text_and_drop_the_markers(built_example: Path) -> None:
    doc = open_docx(built_example / f"{BRIEFING}.docx")
    bold = [r.text for p in doc.paragraphs for r in p.runs if r.bold]
    assert "New Digital Strategy:" in bold
    assert not any("**" in p.text for p in doc.paragraphs)


def test_an_exempt_briefing_note_says_so_under_its_purpose(tmp_path: Path, built_example: Path) -> None:
    meeting = tmp_path / EXAMPLE.name
    shutil.copytree(EXAMPLE, meeting)
    source = (EXAMPLE / "06-change-and-improvement.yaml").read_text(encoding="utf-8")
    (meeting / "06-change-and-improvement.yaml").write_text(
        source.replace("template: briefing_note\n", "template: briefing_note\nstatus: exempt\n"
                       "exempt_reason: Paragraph 3 & <commercial>\n", 1), encoding="utf-8")
    result = run_papers("build", meeting, "-o", tmp_path / "out", "-j", "1")
    assert result.exit_code == 0, result.output
    doc = open_docx(tmp_path / "out" / EXAMPLE.name / "06-change-and-improvement.docx")
    texts = [p.text for p in doc.paragraphs]
    purpose = next(i for i, t in enumerate(texts) if t.startswith("Purpose of the briefing note:"))
    assert texts[purpose + 1] == "This briefing note is exempt: Paragraph 3 & <commercial>"
    # the public example does not
    public = [p.text for p in open_docx(built_example / f"{BRIEFING}.docx").paragraphs]
    assert not any("exempt" in t for t in public)
    assert public == texts[:purpose + 1] + texts[purpose + 2:]


def test_recommendations_left_empty_mean_none(meeting: Path, tmp_path: Path) -> None:
    paper = meeting / f"{REPORT}.yaml"
    text = paper.read_text(encoding="utf-8")
    start = text.index("recommendations:\n")
    end = text.index("\n", text.index("  - ", start))
    paper.write_text(text[:start] + "recommendations:" + text[end:], encoding="utf-8")
    result = run_papers("build", meeting, "-o", tmp_path / "out", "-j", "1")
    assert result.exit_code == 0, result.output
    texts = [p.text for p in open_docx(tmp_path / "out" / EXAMPLE.name / f"{REPORT}.docx").paragraphs]
    assert "Recommendation" not in texts
    assert not any(t.startswith("That Corporate Overview") for t in texts)
