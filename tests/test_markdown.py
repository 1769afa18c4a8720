"""generator/markdown.py: CommonMark bodies to paper blocks, and how those lists and links come out in Word."""
from __future__ import annotations

from pathlib import Path

import pytest
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml.ns import qn

from conftest import run_papers
from generator.markdown import parse, parse_inline
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
