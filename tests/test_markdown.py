"""generator/inputs/markdown.py: CommonMark bodies to paper blocks, and how those lists and links come out in Word."""
from __future__ import annotations

from pathlib import Path

import pytest
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml.ns import qn

from conftest import run_papers
from generator.inputs.markdown import parse, parse_inline
from generator.model import LineBreak, Link, ListBlock, Paragraph, Run
from wordread import body_items, level_format, norm, num_pr, open_docx


def runs_text(inlines) -> str:  # type: ignore[no-untyped-def]
    out = ""
    for i in inlines:
        if isinstance(i, Run):
            out += i.text
        elif isinstance(i, Link):
            out += "".join(r.text for r in i.runs)
        elif isinstance(i, LineBreak):
            out += "\n"
    return out


def only(text: str):  # type: ignore[no-untyped-def]
    blocks, problems = parse(text)
    assert problems == []
    return blocks


# -- lists --------------------------------------------------------------------------------

def test_bullets_nest_three_levels() -> None:
    [top] = only("- a\n  - b\n    - c\n- d\n")
    assert isinstance(top, ListBlock) and not top.ordered
    assert [runs_text(i.paragraphs[0]) for i in top.items] == ["a", "d"]
    [second] = top.items[0].children
    assert [runs_text(i.paragraphs[0]) for i in second.items] == ["b"]
    [third] = second.items[0].children
    assert [runs_text(i.paragraphs[0]) for i in third.items] == ["c"]
    assert third.items[0].children == []


def test_numbered_lists_keep_their_start_and_are_separate_blocks() -> None:
    first, para, second = only("1. one\n2. two\n\nBetween.\n\n3. three\n4. four\n")
    assert isinstance(first, ListBlock) and first.ordered and first.start == 1
    assert isinstance(para, Paragraph)
    assert isinstance(second, ListBlock) and second.ordered and second.start == 3


def test_a_list_item_may_hold_several_paragraphs() -> None:
    [lst] = only("- first\n\n  more of the first\n- second\n")
    assert [[runs_text(p) for p in i.paragraphs] for i in lst.items] == [["first", "more of the first"], ["second"]]


# -- links --------------------------------------------------------------------------------

def links(text: str) -> list[tuple[str, str]]:
    [para] = only(text)
    return [(i.url, runs_text(i.runs)) for i in para.inlines if isinstance(i, Link)]


def test_bare_www_https_and_email_addresses_become_links() -> None:
    assert links("See www.thurrock.gov.uk, https://example.org/x?a=1. Mail foo.bar@thurrock.gov.uk today.") == [
        ("http://www.thurrock.gov.uk", "www.thurrock.gov.uk"),
        ("https://example.org/x?a=1", "https://example.org/x?a=1"),
        ("mailto:foo.bar@thurrock.gov.uk", "foo.bar@thurrock.gov.uk"),
    ]


@pytest.mark.parametrize("text", [
    "the use of mod.gov software",
    "thurrock.gov.uk without www",
    "e.g. this, i.e. that",
    "version 1.2.3 of the plan",
])
def test_domain_like_running_text_is_not_linked(text: str) -> None:
    [para] = only(text)
    assert links(text) == []
    assert runs_text(para.inlines) == text


def test_explicit_links_keep_their_text_and_address() -> None:
    assert links("A [full list](http://www.thurrock.gov.uk/awards) of awards.") == [
        ("http://www.thurrock.gov.uk/awards", "full list")]


# -- inline formats -----------------------------------------------------------------------

def test_bold_and_italic() -> None:
    [para] = only("**bold** and *italic* and ***both*** and _u_ and __b__")
    runs = [(r.text, r.bold, r.italic) for r in para.inlines if isinstance(r, Run)]
    assert runs == [("bold", True, False), (" and ", False, False), ("italic", False, True),
                    (" and ", False, False), ("both", True, True), (" and ", False, False),
                    ("u", False, True), (" and ", False, False), ("b", True, False)]


def test_text_is_data_not_html() -> None:
    [para] = only("Fish &amp; chips &copy; <b>not bold</b> & 5 < 6 {{ x }}")
    assert runs_text(para.inlines) == "Fish &amp; chips &copy; <b>not bold</b> & 5 < 6 {{ x }}"


def test_soft_breaks_are_spaces_and_hard_breaks_are_line_breaks() -> None:
    [para] = only("one\ntwo  \nthree")
    assert runs_text(para.inlines) == "one two\nthree"


def test_inline_fields_join_paragraphs_and_refuse_blocks() -> None:
    inlines, problems = parse_inline("**That** the committee\n\nnotes it")
    assert problems == [] and runs_text(inlines) == "That the committee\nnotes it"
    _, problems = parse_inline("- a list")
    assert [p.message for p in problems] == ["only inline formatting is allowed here"]


# -- what cannot be placed, with the line it is on ------------------------------------------

@pytest.mark.parametrize("text, line, message", [
    ("Intro.\n\n# Title\n", 2, "a '#' heading cannot be placed"),
    ("#### Deep\n", 0, "a level-4 heading cannot be placed"),
    ("A paragraph\nwith ![](x.png) on line two.\n", 1, "an image needs alt text saying what it shows"),
    ("Code:\n\n```\nx = 1\n```\n", 2, "a fenced code block cannot be placed"),
    ("Para.\n\n    indented\n", 2, "an indented code block cannot be placed"),
    ("Para.\n\n> quoted\n", 2, "a block quote ('>') cannot be placed"),
    ("Para.\n\n---\n", 2, "a horizontal rule cannot be placed"),
    ("Para.\n\n| a | b |\n|---|---|\n| 1 | 2 |\n", 2,
     "a Markdown table cannot be placed in a paper: use a 'table' block"),
    ("- item\n\n  ## heading in item\n", 2, "a heading cannot be placed inside a list item"),
])
def test_unplaceable_markdown_is_reported_on_its_line(text: str, line: int, message: str) -> None:
    blocks, problems = parse(text)
    assert len(problems) == 1, problems
    assert problems[0].line == line
    assert problems[0].message.startswith(message)


# -- in Word ------------------------------------------------------------------------------

PAPER = """\
meeting:
  committee: Corporate Overview and Scrutiny Committee
  date: 2022-12-08
item: 1
template: portfolio_report
title: Markdown in Word
report_of: Councillor A. Tester
sections:
  - title: Lists
    body: |
      - level one
        - level two
          - level three
      - level one again

      1. first list, one
      2. first list, two
         1. nested numbered, one

      Between the lists.

      1. second list, one
      2. second list, two

      Then one more.

      3. third list, three

      See www.thurrock.gov.uk or https://example.org/a, write to clerk@thurrock.gov.uk; mod.gov is software.

      **Bold** and *italic*.
"""


@pytest.fixture(scope="module")
def lists_docx(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("md")
    (folder / "paper.yaml").write_text(PAPER, encoding="utf-8")
    result = run_papers("build", folder / "paper.yaml", "-o", folder / "out", "-j", "1")
    assert result.exit_code == 0, result.output
    return folder / "out" / folder.name / "paper.docx"


def test_three_levels_of_bullets_in_word(lists_docx: Path) -> None:
    doc = open_docx(lists_docx)
    bullets = [(i.style, norm(i.text), num_pr(doc, i.element)) for i in body_items(doc)
               if i.style.startswith("List Bullet")]
    assert [(s, t) for s, t, _ in bullets] == [("List Bullet", "level one"), ("List Bullet 2", "level two"),
                                               ("List Bullet 3", "level three"), ("List Bullet", "level one again")]
    for _, text, num in bullets:
        assert num is not None, text
        assert level_format(doc, *num)[0] == "bullet"
    assert [num[1] for _, _, num in bullets] == [0, 1, 2, 0]


def test_each_numbered_list_restarts_with_a_numbering_of_its_own(lists_docx: Path) -> None:
    doc = open_docx(lists_docx)
    numbered = [(i.style, norm(i.text), num_pr(doc, i.element)) for i in body_items(doc)
                if i.style.startswith("List Number")]
    assert [t for _, t, _ in numbered] == ["first list, one", "first list, two", "nested numbered, one",
                                           "second list, one", "second list, two", "third list, three"]
    first, second, third = numbered[0][2], numbered[3][2], numbered[5][2]
    assert numbered[1][2] == first and numbered[4][2] == second
    assert len({first[0], second[0], third[0]}) == 3, "each list needs its own w:num to restart"
    assert level_format(doc, *first)[:1] == ("decimal",) and level_format(doc, *first)[2] == 1
    assert level_format(doc, *second)[2] == 1
    assert level_format(doc, *third)[2] == 3  # "3." starts at 3, as written
    nested = numbered[2]
    assert nested[0] == "List Number 2" and nested[2][1] == 1 and level_format(doc, *nested[2])[2] == 1
    assert not any(t[:1].isdigit() for _, t, _ in numbered)  # numbers come from Word, not typed


def test_autolinks_are_external_hyperlinks_in_word(lists_docx: Path) -> None:
    doc = open_docx(lists_docx)
    found = []
    for h in doc.element.body.iter(qn("w:hyperlink")):
        rel = doc.part.rels[h.get(qn("r:id"))]
        assert rel.reltype == RT.HYPERLINK and rel.is_external
        found.append(("".join(t.text for t in h.iter(qn("w:t"))), rel.target_ref))
    assert found == [("www.thurrock.gov.uk", "http://www.thurrock.gov.uk"),
                     ("https://example.org/a", "https://example.org/a"),
                     ("clerk@thurrock.gov.uk", "mailto:clerk@thurrock.gov.uk")]


def test_bold_and_italic_runs_in_word(lists_docx: Path) -> None:
    doc = open_docx(lists_docx)
    para = next(p for p in doc.paragraphs if p.text.startswith("Bold"))
    assert [(r.text, bool(r.bold), bool(r.italic)) for r in para.runs] == [
        ("Bold", True, False), (" and ", False, False), ("italic", False, True), (".", False, False)]


# -- typed bullets pasted from Word (issue 9.4) ------------------------------------------------

def items(block) -> list[str]:  # type: ignore[no-untyped-def]
    return [runs_text(i.paragraphs[0]) for i in block.items]


def test_typed_bullets_are_list_items() -> None:
    intro, lst = only("The service:\n\n• answered calls\n–\tresolved complaints\n· kept its promises\n"
                      "\uf0b7 pasted from Word\n")
    assert runs_text(intro.inlines) == "The service:"
    assert isinstance(lst, ListBlock) and not lst.ordered
    assert items(lst) == ["answered calls", "resolved complaints", "kept its promises", "pasted from Word"]


def test_typed_bullets_straight_after_a_paragraph_line_start_a_list() -> None:
    intro, lst = only("The service:\n• one\n• two\n")
    assert runs_text(intro.inlines) == "The service:"
    assert items(lst) == ["one", "two"]


def test_words_second_and_third_level_bullets_nest() -> None:
    [top] = only("• first\no under the first\n▪ under that\n◦ second level again\n• second\n")
    assert items(top) == ["first", "second"]
    [second] = top.items[0].children
    assert items(second) == ["under the first", "second level again"]
    [third] = second.items[0].children
    assert items(third) == ["under that"]


@pytest.mark.parametrize("text", [
    "o is not a bullet when no list is above it",
    "Costs – as before – are shown below.",
    "–1 is a negative number written with a dash",
])
def test_text_that_only_looks_like_a_typed_bullet_stays_text(text: str) -> None:
    [para] = only(text + "\n")
    assert isinstance(para, Paragraph) and runs_text(para.inlines) == text


def test_a_typed_bullet_in_a_recommendation_is_text() -> None:
    inlines, problems = parse_inline("• That the committee note the report.")
    assert problems == [] and runs_text(inlines) == "• That the committee note the report."


def lone_paper(folder: Path, name: str, head: str, sections: str) -> Path:
    """A paper built on its own (with its meeting block) in ``folder``."""
    paper = folder / name
    paper.parent.mkdir()
    paper.write_text(head + "meeting:\n  committee: Cabinet\n  date: 2023-01-18\nsections:\n" + sections,
                     encoding="utf-8")
    return paper


def test_typed_bullets_are_a_real_word_list(tmp_path: Path) -> None:
    paper = lone_paper(tmp_path / "in", "05-typed.yaml",
                       "template: briefing_note\ntitle: Typed bullets\npurpose: Pasted from Word.\n",
                       "  - title: Services\n    body: |\n      The service:\n      •\tanswered calls\n"
                       "      o\tin two minutes\n      •\tresolved complaints\n")
    result = run_papers("build", paper, "-o", tmp_path / "out")
    assert result.exit_code == 0, result.output
    assert "typed-list" not in result.output  # the build's audit finds no typed marker
    doc = open_docx(tmp_path / "out" / "in" / "05-typed.docx")
    found = {norm(i.text): i for i in body_items(doc)}
    for text, level in (("answered calls", 0), ("in two minutes", 1), ("resolved complaints", 0)):
        item = found[text]
        num = num_pr(doc, item.element)
        assert num is not None and num[1] == level, text
        assert level_format(doc, *num)[0] == "bullet"


# -- link schemes (issue 16.7) -------------------------------------------------------------------

@pytest.mark.parametrize("url", ["https://www.thurrock.gov.uk", "http://example.org", "mailto:it@thurrock.gov.uk",
                                 "tel:+441375652652", "HTTPS://WWW.THURROCK.GOV.UK"])
def test_web_mail_and_phone_links_are_allowed(url: str) -> None:
    assert links(f"[text]({url})")[0][1] == "text"


@pytest.mark.parametrize("url, message", [
    ("ms-msdt:/id", "the link to 'ms-msdt:/id' cannot be placed: 'ms-msdt:' links can open programs or files on the "
                    "reader's computer; only https://, http://, mailto: and tel: links are allowed"),
    ("<search-ms:query=x>", "the link to 'search-ms:query=x' cannot be placed: 'search-ms:' links can open programs "
                            "or files on the reader's computer; only https://, http://, mailto: and tel: links are "
                            "allowed"),
    ("C:\\Finance\\q2.xlsx", "the link to 'C:\\Finance\\q2.xlsx' points to a file on a computer or network folder, "
                             "which readers cannot open: give the full https:// address where the file is published, "
                             "or write the text without a link"),
    ("../appendix.pdf", "the link to '../appendix.pdf' is not a web address: give the full https:// address where it "
                        "is published, or write the text without a link"),
])
def test_other_links_are_refused_at_their_line(url: str, message: str) -> None:
    text = f"[text]({url})" if not url.startswith("<") else url
    _, problems = parse("First line.\n" + text + "\n")
    assert [(p.line, p.message) for p in problems] == [(1, message)]


# -- heading levels (issue 9.8) ------------------------------------------------------------------

SKIP = ("'###' straight under the section title skips a heading level: use '##' for a sub-heading under a "
        "section title ('###' is a minor heading under a '##' one)")


def test_a_minor_heading_straight_under_the_section_title_is_a_warning_at_its_line() -> None:
    _, problems = parse("Text.\n\n### Tilbury\n\n## Sub\n\n### Minor\n", under=1)
    assert [(p.line, p.level, p.message) for p in problems] == [(2, "warning", SKIP)]


def test_heading_levels_are_not_checked_where_the_heading_above_is_unknown() -> None:
    assert parse("### Tilbury\n")[1] == []


def test_the_skip_is_reported_at_the_input_line_by_check_and_build_once(tmp_path: Path) -> None:
    paper = lone_paper(tmp_path / "in", "05-skip.yaml", "template: portfolio_report\ntitle: Skips\nreport_of: A\n",
                       "  - title: Housing\n    body:\n      - |\n        Text.\n\n        ### Tilbury\n      - |\n"
                       "        ## Grays\n\n        ### Minor\n")
    warning = f"05-skip.yaml:13: sections[0].body[0]: warning: {SKIP}"
    check = run_papers("check", paper)
    assert check.exit_code == 0, check.output
    assert [s.strip() for s in check.output.splitlines() if "05-skip.yaml:" in s] == [warning]
    build = run_papers("build", paper, "-o", tmp_path / "out")
    assert build.exit_code == 0, build.output
    assert [s.strip() for s in build.output.splitlines() if s.startswith("      ")] == [warning]
