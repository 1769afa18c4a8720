"""Input text is data: XML specials and template syntax print as written, everywhere in the document."""
from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from lxml import etree

from conftest import run_papers
from wordread import body_items, cover_cells, norm, open_docx

TRICKY = '& < > " {{ title }} {% if x %}yes{% endif %} {_{ y }_} {_% z %_} %} }} {#c#} {{ 7*7 }}'
# the same in Markdown fields, where "_..._" is emphasis: escaped underscores print as "_"
TRICKY_MD = TRICKY.replace("_", "\\_")

PAPER = r'''meeting:
  committee: "Audit & <Standards> Committee {{ committee }}"
  short_name: "A&S {_{ x }_} {{ 7*7 }}"
  date: 2022-12-08
item: "7 & {{ 7*7 }}"
template: portfolio_report
title: "Title:\a TRICKY"
report_of: "Cllr O'Brien\v & <Partner> {{ report_of }} {_{ r }_}"
status: exempt
exempt_reason: "Paragraph 3 {% raw %} & <x> {_% z %_}"
introduction:
  title: "Intro {{ 7*7 }} & more"
  body:
    - |
      Body: TRICKY_MD &amp; 100%} <b>not bold</b>.

      - Bullet: TRICKY_MD {%p if y %} <i>x</i>
    - "Bell \a and vertical tab \v and form feed \f: {{ 7*7 }}"
recommendations:
  - "That {{ 7*7 }} & <x> {%- endfor %} {\\_{ w }\\_} is noted"
sections:
  - title: "Section <1> & {{ 7*7 }} {% for s in sections %}"
    body:
      - table:
          header: ["Name & <kind>", "{{ 7*7 }}"]
          rows:
            - ["{%tr for r in rows %}", "{_{ v }_}"]
      - kpis:
          rows:
            - title: "KPI: TRICKY"
              previous: "<5%"
              current: "{% x %}"
              target: ">85%"
              performance: "{{ 7*7 }}"
              direction: "{_{ d }_}"
finance:
  title: "Money & {{ 7*7 }}"
  label: "Service <area>"
  units: "£000 & {{ x }}"
  columns: {budget: "Budget {{ 7*7 }}", forecast: Forecast}
  rows:
    - service: "Legal & <Democratic> {_{ s }_} {{ 7*7 }}"
      budget: 1
      forecast: 2
'''.replace("TRICKY_MD", TRICKY_MD.replace('"', '\\"')).replace("TRICKY", TRICKY.replace('"', '\\"'))


@pytest.fixture(scope="module")
def tricky_docx(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("tricky")
    paper = folder / "paper.yaml"
    paper.write_text(PAPER, encoding="utf-8")
    result = run_papers("build", paper, "-o", folder / "out", "-j", "1")
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    return folder / "out" / folder.name / "paper.docx"


def test_the_document_is_well_formed_xml(tricky_docx: Path) -> None:
    with zipfile.ZipFile(tricky_docx) as z:
        for name in z.namelist():
            if name.endswith(".xml") or name.endswith(".rels"):
                etree.fromstring(z.read(name))  # strict parser: no recovery


def test_cover_prints_the_values_as_written(tricky_docx: Path) -> None:
    assert cover_cells(open_docx(tricky_docx)) == [
        "8 December 2022",
        "ITEM: 7 & {{ 7*7 }}",
        "A&S {_{ x }_} {{ 7*7 }}",
        norm(f"Title: {TRICKY}"),
        "Report of: Cllr O'Brien & <Partner> {{ report_of }} {_{ r }_}",
        "This report is exempt: Paragraph 3 {% raw %} & <x> {_% z %_}",
    ]


def test_body_prints_the_text_as_written(tricky_docx: Path) -> None:
    got = [(i.style, norm(i.text)) for i in body_items(open_docx(tricky_docx), skip_first_table=True)
           if norm(i.text)]
    assert got == [
        ("Heading 1", "Intro {{ 7*7 }} & more"),
        ("Normal", norm(f"Body: {TRICKY} &amp; 100%}} <b>not bold</b>.")),
        ("List Bullet", norm(f"Bullet: {TRICKY} {{%p if y %}} <i>x</i>")),
        # characters XML cannot hold are left out; the rest of the text stays
        ("Normal", "Bell and vertical tab and form feed : {{ 7*7 }}"),
        ("Heading 1", "Recommendation:"),
        ("Recommendation", "That {{ 7*7 }} & <x> {%- endfor %} {_{ w }_} is noted"),
        ("Heading 1", "Section <1> & {{ 7*7 }} {% for s in sections %}"),
        ("Table Heading", "Name & <kind>"), ("Table Heading", "{{ 7*7 }}"),
        ("Table Text", "{%tr for r in rows %}"), ("Table Text", "{_{ v }_}"),
        ("Table Heading", "KPI Title"), ("Table Heading", "2016/17 Outturn"), ("Table Heading", "Qtr 1 YTD"),
        ("Table Heading", "Qtr 1 Target"), ("Table Heading", "Performance"),
        ("Table Heading", "Direction of Travel"),
        ("Table Text", norm(f"KPI: {TRICKY}")), ("Table Text", "<5%"), ("Table Text", "{% x %}"),
        ("Table Text", ">85%"), ("Table Text", "{{ 7*7 }}"), ("Table Text", "{_{ d }_}"),
        ("Heading 2", "Money & {{ 7*7 }}"),
        ("Table Heading", "Service <area>"), ("Table Heading", "Budget {{ 7*7 }}"), ("Table Heading", "Forecast"),
        ("Table Heading", "£000 & {{ x }}"), ("Table Heading", "£000 & {{ x }}"),
        ("Table Text", "Legal & <Democratic> {_{ s }_} {{ 7*7 }}"), ("Table Text", "1"), ("Table Text", "2"),
    ]


def test_core_properties_hold_the_text_as_written(tricky_docx: Path) -> None:
    props = open_docx(tricky_docx).core_properties
    assert props.title == f"Title: {TRICKY}"
    assert props.author == "Cllr O'Brien & <Partner> {{ report_of }} {_{ r }_}"


def test_template_expressions_in_input_are_never_evaluated(tricky_docx: Path) -> None:
    with zipfile.ZipFile(tricky_docx) as z:
        texts = []
        for name in z.namelist():
            if name.endswith(".xml"):
                root = etree.fromstring(z.read(name))
                texts += [t for t in root.itertext()]
                texts += [v for el in root.iter() for v in el.attrib.values()]
    joined = "\n".join(texts)
    assert "{{ 7*7 }}" in joined
    assert "49" not in joined


def test_data_files_are_data_too(tmp_path: Path) -> None:
    (tmp_path / "paper.yaml").write_text("""\
meeting: {committee: Audit Committee, date: 2022-12-08}
item: 3
template: portfolio_report
title: Figures from a file
report_of: Councillor A. Tester
sections: []
finance:
  title: Financial Information
  columns: {budget: Budget, forecast: Forecast}
  source: figures.csv
""", encoding="utf-8")
    (tmp_path / "figures.csv").write_bytes(
        b'service,budget,forecast\r\n"Legal & <Democratic>\x07 {{ 7*7 }} {_{ s }_}",1094,965\r\n=SUM(A1),1,2\r\n')
    result = run_papers("build", tmp_path / "paper.yaml", "-o", tmp_path / "out", "-j", "1")
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    doc = open_docx(tmp_path / "out" / tmp_path.name / "paper.docx")
    cells = [norm(i.text) for i in body_items(doc, skip_first_table=True) if i.style == "Table Text"]
    assert cells == ["Legal & <Democratic> {{ 7*7 }} {_{ s }_}", "1,094", "965", "=SUM(A1)", "1", "2"]


def test_text_drops_every_character_xml_forbids_and_keeps_the_rest() -> None:
    from generator.render.wordml import text

    # XML 1.0's Char: #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF]
    forbidden = [chr(c) for c in range(0x20) if c not in (0x9, 0xA, 0xD)] + ["\ufffe", "\uffff"]
    assert text("a" + "".join(forbidden) + "b") == "ab"
    assert text("tab\tline\nreturn\r") == "tab line return "  # docxtpl would make breaks of these
    assert text("\ufffd \ue000 \U0001f600 é £") == "\ufffd \ue000 \U0001f600 é £"
    assert text('& < > " {{ x }}') == "&amp; &lt; &gt; &quot; &#123;&#123; x &#125;&#125;"
