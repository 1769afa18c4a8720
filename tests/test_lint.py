"""`papers lint-template`: the shipped templates lint clean, and each rule catches the breakage it is for.

Each failing case copies a shipped template into tmp_path and breaks one thing in its XML, the way an
edit in Word (or Excel) would. Where a rule claims what the generator would do, a test renders with
the broken template to show that the claim is true.
"""
from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path
from typing import Any, Callable

import pytest
from openpyxl import load_workbook
from openpyxl.workbook.defined_name import DefinedName

from conftest import EXAMPLE, ROOT, run_papers
from generator import build
from generator.checks import lint
from generator.assemble import load_meeting, load_paper
from generator.errors import TemplateProblem
from generator.checks.lint import Finding, default_files, lint_file, lint_paths
from generator.render import docx as docx_render
from generator.render.pdf import convert
from generator.render.columns import TableMetrics
from generator.render.metrics import Font
from generator.render.wordml import Numbering, Styles, WordML
from generator.inputs.schema import SCHEMAS

TEMPLATES = ROOT / "templates"
DOCX = TEMPLATES / "docx"
PAPERS = {"portfolio_report": EXAMPLE / "05-central-services.yaml",
          "briefing_note": EXAMPLE / "06-change-and-improvement.yaml",
          "committee_report": ROOT / "inputs" / "2023-01-18-cabinet" / "08-q2-budget-monitoring.yaml"}


def broken(folder: Path, template: str, part: str, old: str, new: str, count: int = 1,
           name: str | None = None) -> Path:
    """A copy of a shipped template in ``folder`` (under its own name, so its kind is known) with ``old``
    replaced in ``part``; the shipped template must hold ``old`` ``count`` times."""
    def replace(text: str) -> str:
        assert text.count(old) == count, f"{template}/{part} holds {old!r} {text.count(old)} times"
        return text.replace(old, new)

    return rewritten(folder, template, part, replace, name)


def last(old: str, new: str) -> Callable[[str], str]:
    """An edit replacing the last ``old`` in a part (the shipped template holds it more than once)."""
    def replace(text: str) -> str:
        head, found, tail = text.rpartition(old)
        assert found, f"{old!r} not found"
        return head + new + tail

    return replace


def rewritten(folder: Path, template: str, part: str, edit: Callable[[str], str], name: str | None = None) -> Path:
    """A copy of a shipped template in ``folder`` with ``edit`` applied to the XML of ``part``."""
    source = (DOCX if template.endswith(".docx") else TEMPLATES / "xlsx") / template
    folder.mkdir(parents=True, exist_ok=True)
    out = folder / (name or template)
    with zipfile.ZipFile(source) as zf:
        entries = [(info, zf.read(info.filename)) for info in zf.infolist()]
    assert part in [info.filename for info, _ in entries]
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for info, data in entries:
            if info.filename == part:
                data = edit(data.decode("utf-8")).encode("utf-8")
            zf.writestr(info, data)
    return out


def only(findings: list[Finding]) -> Finding:
    assert len(findings) == 1, "\n".join(map(str, findings))
    assert findings[0].rule in lint.RULES
    return findings[0]


def example_paper(template: str) -> Any:
    meeting, problems = load_meeting(EXAMPLE)
    # the example's meeting.yaml predates the front sheet's membership and contact: a warning, no error
    assert meeting is not None and [p.level for p in problems] == ["warning"]
    paper, problems = load_paper(PAPERS[template], meeting, TEMPLATES)
    assert paper is not None, problems
    return paper


def rendered_text(template: Path) -> str:
    """The body text of the example paper rendered with ``template`` by the generator."""
    data = docx_render.render_paper(example_paper(template.stem), template)
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        xml = zf.read("word/document.xml").decode("utf-8")
    return "".join(re.findall(r"<w:t(?: [^>]*)?>([^<]*)</w:t>", xml))


# -- the shipped templates and the names the lint relies on ---------------------------------------

def test_the_shipped_templates_lint_clean() -> None:
    files = default_files(TEMPLATES)
    assert [f.name for f in files] == ["agenda.docx", "briefing_note.docx", "committee_report.docx",
                                       "portfolio_report.docx", "budget.xlsx"]
    assert lint_paths(files) == []


def test_the_variable_lists_are_exactly_what_the_generator_provides(monkeypatch: pytest.MonkeyPatch) -> None:
    styles = Styles(heading={1: "H1", 2: "H2", 3: "H3"}, bullet=["B"] * 3, number=["N"] * 3, cont=["C"] * 3,
                    numbered_paragraph="NP", table="T", table_heading="TH", table_text="TT", hyperlink="HL",
                    metrics=TableMetrics(Font("Arial", 24), Font("Arial", 24, True), 216, 9026), paragraph_after=200)
    wordml = WordML(styles, Numbering(1, 2, lambda a, l, s: 9), lambda url: "rId9")
    for template in PAPERS:
        assert tuple(docx_render.paper_context(example_paper(template), wordml)) == docx_render.PAPER_VARIABLES

    seen: dict[str, Any] = {}

    class Capture:
        def render(self, build_context: Any, props: Any) -> bytes:
            seen.update(build_context(None))
            return b""

    monkeypatch.setattr(docx_render, "renderer", lambda path: Capture())
    meeting, _ = load_meeting(EXAMPLE)
    assert meeting is not None
    docx_render.render_agenda(meeting.meeting, [{"number": "5", "title": "x", "page": ""}], DOCX / "agenda.docx")
    assert tuple(seen) == docx_render.AGENDA_VARIABLES


def test_required_variables_cover_every_template_kind_and_are_all_provided() -> None:
    assert lint.AGENDA_TEMPLATE + ".docx" == build.AGENDA_TEMPLATE
    assert lint.WORKBOOK_TEMPLATE == build.WORKBOOK
    assert set(lint.REQUIRED_VARIABLES) == set(SCHEMAS) | {lint.AGENDA_TEMPLATE}
    for kind, groups in lint.REQUIRED_VARIABLES.items():
        provided = docx_render.AGENDA_VARIABLES if kind == lint.AGENDA_TEMPLATE else docx_render.PAPER_VARIABLES
        assert {name for group in groups for name in group} <= set(provided), kind


def test_the_readme_describes_every_rule() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("### Checking an edited template", 1)[1].split("\n## ", 1)[0]
    assert [rule for rule in lint.RULES if f"| `{rule}` |" not in section] == []


def test_a_finding_is_one_line() -> None:
    finding = Finding("portfolio_report.docx", 'paragraph 2 "x"', "jinja-syntax", "error", "unexpected '}'")
    assert str(finding) == 'portfolio_report.docx: paragraph 2 "x": jinja-syntax: error: unexpected \'}\''
    assert str(Finding("budget.xlsx", "", "missing-sheet", "error", "m")) == "budget.xlsx: missing-sheet: error: m"


# -- jinja-syntax ---------------------------------------------------------------------------

def test_a_tag_not_closed_is_a_syntax_error_in_its_table_cell(tmp_path: Path) -> None:
    path = broken(tmp_path, "portfolio_report.docx", "word/document.xml", "ITEM: {{ item }}", "ITEM: {{ item }")
    f = only(lint_file(path))
    assert (f.where, f.rule, f.level) == ('paragraph 2 (table 1, row 1, cell 2) "{% if item %}ITEM: {{ item '
                                          '}{% endif %}"', "jinja-syntax", "error")
    assert f.message.startswith("unexpected '}': the tag \"{{ item }{% endif %}\" is not closed with }}; fix:")


def test_a_block_never_closed_is_reported_where_it_opens(tmp_path: Path) -> None:
    path = broken(tmp_path, "briefing_note.docx", "word/document.xml", "{%p endfor %}", "")
    f = only(lint_file(path))
    assert (f.where, f.rule) == ('paragraph 7 "{%p for section in sections %}"', "jinja-syntax")
    assert f.message.startswith("unexpected end of template: the {% for %} opened here has no {% endfor %}")


def test_a_misspelt_tag_gets_a_suggestion(tmp_path: Path) -> None:
    path = rewritten(tmp_path, "briefing_note.docx", "word/document.xml", last("{%p endif %}", "{%p endiff %}"))
    f = only(lint_file(path))
    assert (f.where, f.rule) == ('paragraph 10 "{%p endiff %}"', "jinja-syntax")
    assert f.message == "encountered unknown tag 'endiff' in \"{% endiff %}\"; fix: did you mean 'endif'?"


def test_a_nesting_mistake_is_reported_at_the_wrong_end_tag(tmp_path: Path) -> None:
    def swap(xml: str) -> str:  # the endif of "if section.title" and the endfor of the loop change places
        assert xml.count("{%p endif %}") == 2 and xml.count("{%p endfor %}") == 1
        xml = last("{%p endif %}", "@")(xml)
        return xml.replace("{%p endfor %}", "{%p endif %}").replace("@", "{%p endfor %}")

    f = only(lint_file(rewritten(tmp_path, "briefing_note.docx", "word/document.xml", swap)))
    assert (f.where, f.rule) == ('paragraph 10 "{%p endfor %}"', "jinja-syntax")
    assert f.message.startswith("encountered unknown tag 'endfor'. You probably made a nesting mistake")


def test_an_else_with_a_condition_is_reported_on_its_own_paragraph(tmp_path: Path) -> None:
    venue_end = '{{ venue }}</w:t></w:r></w:p><w:p><w:r><w:t xml:space="preserve">{%p endif %}'
    path = broken(tmp_path, "agenda.docx", "word/document.xml", venue_end, venue_end.replace("endif", "else if venue"))
    found = lint_file(path)
    # the 11th paragraph: council (3: if, text, endif), committee, supplement (3), the time line, venue (if, text, endif)
    assert [(f.where, f.rule) for f in found] == [('paragraph 11 "{%p else if venue %}"', "jinja-syntax")]
    assert found[0].message == "'else' takes nothing after it in \"{% else if venue %}\"; fix: correct the tag"


def test_an_unknown_filter_is_a_syntax_error(tmp_path: Path) -> None:
    path = broken(tmp_path, "briefing_note.docx", "word/document.xml", "{{ purpose }}", "{{ purpose|uper }}")
    f = only(lint_file(path))
    assert f.rule == "jinja-syntax" and f.message.startswith("no filter named 'uper'")


def test_syntax_errors_in_the_footer_and_core_properties_name_the_part(tmp_path: Path) -> None:
    path = broken(tmp_path, "agenda.docx", "word/footer1.xml", "Page </w:t>", "Page {{ committee </w:t>")
    f = only(lint_file(path))
    assert f.where.startswith('footer1, paragraph 1 "Page {{ committee')
    assert f.rule == "jinja-syntax"
    core = broken(tmp_path, "briefing_note.docx", "docProps/core.xml", "</dc:title>", " {% if %}</dc:title>")
    f = only(lint_file(core))
    assert (f.where, f.rule) == ("core property 'title'", "jinja-syntax")
    assert f.message.startswith("expected an expression")


def test_a_row_tag_outside_a_table_is_an_error(tmp_path: Path) -> None:
    path = broken(tmp_path, "briefing_note.docx", "word/document.xml", "{%p if section.title %}",
                  "{%tr if section.title %}")
    f = only(lint_file(path))
    assert (f.where, f.rule) == ('paragraph 8 "{%tr if section.title %}"', "jinja-syntax")
    assert "is not inside a table row" in f.message


# -- split-tag: what docxtpl re-joins and what it cannot ------------------------------------

BOLD_TITLE = '<w:r><w:rPr><w:b/><w:bCs/></w:rPr><w:t xml:space="preserve">{{ title }}</w:t></w:r>'
TITLE_WHERE = 'paragraph 4 (table 1, row 3, cell 1) "{{ title }}"'


def test_braces_split_across_runs_around_proofing_marks_are_rejoined_by_docxtpl(tmp_path: Path) -> None:
    # Word splits "{{ title }}" like this when the officer retypes one brace; docxtpl's patching joins it
    split = ('<w:r><w:t>{</w:t></w:r><w:proofErr w:type="spellStart"/><w:bookmarkStart w:id="0" w:name="b"/>'
             '<w:r><w:rPr><w:b/></w:rPr><w:t xml:space="preserve">{ ti</w:t></w:r><w:bookmarkEnd w:id="0"/>'
             '<w:r><w:t>tle }</w:t></w:r><w:proofErr w:type="spellEnd"/><w:r><w:t>}</w:t></w:r>')
    path = broken(tmp_path, "portfolio_report.docx", "word/document.xml", BOLD_TITLE, split)
    assert lint_file(path) == []
    assert "Report of the Cabinet Member for Central Services" in rendered_text(path)


def test_braces_separated_by_a_tracked_deletion_are_not_a_tag(tmp_path: Path) -> None:
    split = ('<w:r><w:t>{</w:t></w:r><w:del w:id="1" w:author="Officer"><w:r><w:delText>x</w:delText></w:r>'
             '</w:del><w:r><w:t>{ title }}</w:t></w:r>')
    path = broken(tmp_path, "portfolio_report.docx", "word/document.xml", BOLD_TITLE, split)
    f = only(lint_file(path))
    assert (f.where, f.rule, f.level) == (TITLE_WHERE, "split-tag", "error")
    assert f.message.startswith('Word shows "{{ title }}" but docxtpl will not read it as a tag')
    assert "{ title }}" in rendered_text(path)  # the generator prints the tag instead of the title


def test_a_tag_split_around_a_field_code_is_reported(tmp_path: Path) -> None:
    split = '<w:r><w:t>{{ ti</w:t></w:r><w:r><w:instrText>tle }}</w:instrText></w:r>'
    path = broken(tmp_path, "portfolio_report.docx", "word/document.xml", BOLD_TITLE, split)
    f = only(lint_file(path))
    assert (f.where, f.rule) == ('paragraph 4 (table 1, row 3, cell 1) "{{ ti"', "split-tag")
    assert f.message.startswith('Word split the tag "{{ title }}" around a field code; docxtpl cannot re-join it')


def test_a_tag_cut_by_a_hyperlink_would_corrupt_the_document(tmp_path: Path) -> None:
    split = '<w:hyperlink w:anchor="top"><w:r><w:t>{</w:t></w:r></w:hyperlink><w:r><w:t>{ title }}</w:t></w:r>'
    path = broken(tmp_path, "portfolio_report.docx", "word/document.xml", BOLD_TITLE, split)
    f = only(lint_file(path))
    assert (f.where, f.rule) == (TITLE_WHERE, "split-tag")
    assert "cuts through a hyperlink, field or content control" in f.message


def test_a_tag_across_two_paragraphs_is_reported(tmp_path: Path) -> None:
    path = broken(tmp_path, "briefing_note.docx", "word/document.xml", "{{ title }}</w:t></w:r></w:p>",
                  "{{ ti</w:t></w:r></w:p><w:p><w:r><w:t>tle }}</w:t></w:r></w:p>")
    f = only(lint_file(path))
    assert (f.where, f.rule) == ('paragraph 2 "{{ ti"', "split-tag")
    assert f.message.startswith('the tag "{{ ti" ends in the next paragraph')


# -- variables ------------------------------------------------------------------------------

def test_an_unknown_variable_is_an_error_and_does_fail_every_paper(tmp_path: Path) -> None:
    path = broken(tmp_path, "portfolio_report.docx", "word/document.xml", "{{ title }}", "{{ titel }}")
    f = only(lint_file(path))
    assert (f.where, f.rule, f.level) == ('paragraph 4 (table 1, row 3, cell 1) "{{ titel }}"', "unknown-variable",
                                          "error")
    assert f.message.endswith("so every document would fail; fix: did you mean 'title'?")
    with pytest.raises(TemplateProblem, match="titel"):
        rendered_text(path)


def test_an_unused_required_variable_is_an_error_though_the_generator_is_silent(tmp_path: Path) -> None:
    path = broken(tmp_path, "briefing_note.docx", "word/document.xml", "{{ purpose }}", "")
    f = only(lint_file(path))
    assert (f.where, f.rule, f.level) == ("", "missing-variable", "error")
    assert f.message.startswith("the template never uses 'purpose', so that part of every briefing note")
    assert "Provides a summary" not in rendered_text(path)  # built without a word of warning


def test_the_agenda_may_print_its_date_either_way(tmp_path: Path) -> None:
    either = broken(tmp_path, "agenda.docx", "word/document.xml", "{{ meeting_date }}", "{{ meeting_day }}")
    assert lint_file(either) == []
    neither = broken(tmp_path / "neither", "agenda.docx", "word/document.xml", "{{ meeting_date }}", "")
    f = only(lint_file(neither))
    assert f.rule == "missing-variable" and "'meeting_day' or 'meeting_date'" in f.message


def test_an_unknown_template_name_is_a_warning_and_its_variables_are_not_checked(tmp_path: Path) -> None:
    path = broken(tmp_path, "briefing_note.docx", "word/document.xml", "{{ purpose }}", "{{ anything }}",
                  name="committee_minutes.docx")
    f = only(lint_file(path))
    assert (f.rule, f.level) == ("unknown-template", "warning")


# -- styles ---------------------------------------------------------------------------------

def test_a_missing_style_is_an_error_and_does_fail_every_paper(tmp_path: Path) -> None:
    path = broken(tmp_path, "portfolio_report.docx", "word/styles.xml", '<w:name w:val="List Number 2"/>',
                  '<w:name w:val="Numbered List Two"/>')
    f = only(lint_file(path))
    assert (f.where, f.rule, f.level) == ("", "missing-style", "error")
    assert f.message.startswith("the template lacks the style 'List Number 2'")
    with pytest.raises(TemplateProblem, match="List Number 2"):
        rendered_text(path)


def test_a_list_style_without_numbering_is_an_error(tmp_path: Path) -> None:
    path = broken(tmp_path, "agenda.docx", "word/styles.xml",
                  '<w:name w:val="List Bullet"/><w:basedOn w:val="Normal"/><w:qFormat/><w:pPr><w:numPr>'
                  '<w:ilvl w:val="0"/><w:numId w:val="1"/></w:numPr>',
                  '<w:name w:val="List Bullet"/><w:basedOn w:val="Normal"/><w:qFormat/><w:pPr>')
    f = only(lint_file(path))
    assert (f.rule, f.level) == ("list-numbering", "error")
    assert f.message.startswith("the style 'List Bullet' has no list numbering, so lists would fail to build")


def test_a_table_style_made_a_paragraph_style_is_an_error(tmp_path: Path) -> None:
    path = broken(tmp_path, "agenda.docx", "word/styles.xml", '<w:style w:type="table" w:styleId="CouncilTable">',
                  '<w:style w:type="paragraph" w:styleId="CouncilTable">')
    f = only(lint_file(path))
    assert (f.rule, f.message.split(";")[0]) == ("style-type", "'Council Table' must be a table style, the "
                                                               "template has a paragraph style")


def test_text_beside_a_paragraph_tag_is_a_warning(tmp_path: Path) -> None:
    path = broken(tmp_path, "briefing_note.docx", "word/document.xml", "{%p if section.title %}",
                  "Section: {%p if section.title %}")
    f = only(lint_file(path))
    assert (f.where, f.rule, f.level) == ('paragraph 8 "Section: {%p if section.title %}"', "lost-text", "warning")
    assert f.message.startswith('"Section:" is removed with the paragraph of "{%p if section.title %}"')
    # a warning does not stop the variables being checked
    also = broken(tmp_path / "also", "briefing_note.docx", "word/document.xml", "{%p if section.title %}",
                  "Section: {%p if section_title %}")
    assert [(f.rule, f.level) for f in lint_file(also)] == [("lost-text", "warning"), ("unknown-variable", "error")]


def test_a_template_saved_by_libreoffice_still_lints_clean_and_builds(tmp_path: Path) -> None:
    # LibreOffice stores built-in style names capitalised ("Heading 1" for Word's "heading 1")
    saved = convert([DOCX / "portfolio_report.docx"], tmp_path / "lo", "docx")[DOCX / "portfolio_report.docx"]
    assert saved is not None, "LibreOffice did not save the template"
    assert [str(f) for f in lint_file(saved) if f.level == "error"] == []
    text = rendered_text(saved)
    assert "Report of:" in text


# -- not a template at all ------------------------------------------------------------------

def test_files_that_are_not_templates_are_findings_not_tracebacks(tmp_path: Path) -> None:
    (tmp_path / "notes.docx").write_text("just text")
    (tmp_path / "budget.xlsx").write_text("just text")
    (tmp_path / "minutes.txt").write_text("just text")
    (tmp_path / "agenda.docx").write_bytes((TEMPLATES / "xlsx" / "budget.xlsx").read_bytes())
    found = lint_paths([tmp_path / "notes.docx", tmp_path / "budget.xlsx", tmp_path / "minutes.txt",
                        tmp_path / "agenda.docx", tmp_path / "missing.docx"])
    assert [(f.file, f.rule, f.level) for f in found] == [
        ("notes.docx", "unreadable", "error"), ("budget.xlsx", "unreadable", "error"),
        ("minutes.txt", "unreadable", "error"), ("agenda.docx", "unreadable", "error"),
        ("missing.docx", "unreadable", "error")]
    assert found[0].message.startswith("not a Word document (the file is not a .docx package)")
    assert found[1].message.startswith("not an Excel workbook the generator can open")
    assert found[2].message.startswith("not a .docx or .xlsx file")
    assert found[3].message.startswith("not a Word document the generator can open")
    assert found[4].message == "cannot read the file (No such file or directory)"


# -- the workbook template ------------------------------------------------------------------

def test_a_workbook_without_a_named_style_is_an_error(tmp_path: Path) -> None:
    path = broken(tmp_path, "budget.xlsx", "xl/styles.xml", 'name="papers total"', 'name="papers totals"')
    f = only(lint_file(path))
    assert (f.where, f.rule, f.level) == ("", "missing-style", "error")
    assert f.message.startswith("the template lacks the cell style 'papers total'")


def test_a_workbook_without_a_model_sheet_is_an_error(tmp_path: Path) -> None:
    wb = load_workbook(TEMPLATES / "xlsx" / "budget.xlsx")
    wb.remove(wb["Paper"])
    wb.save(tmp_path / "budget.xlsx")
    f = only(lint_file(tmp_path / "budget.xlsx"))
    assert (f.rule, f.level) == ("missing-sheet", "error")
    assert f.message.startswith("the template lacks the model sheet 'Paper'")


def test_formulas_and_names_referring_to_missing_sheets_are_found(tmp_path: Path) -> None:
    wb = load_workbook(TEMPLATES / "xlsx" / "budget.xlsx")
    notes = wb.create_sheet("Notes")
    notes["A1"] = "=SUM('Old figures'!B2:B9)"
    notes["A2"] = "=#REF!B2"
    notes["A3"] = "=Summary!D5"  # fine: the built workbook has a Summary
    notes["A4"] = "=Paper!B7"  # the model sheet is not in built workbooks
    wb.defined_names["Rates"] = DefinedName("Rates", attr_text="Gone!$A$1:$A$4")
    wb.save(tmp_path / "budget.xlsx")
    found = [(f.where, f.rule, f.level) for f in lint_file(tmp_path / "budget.xlsx")]
    assert found == [("sheet 'Notes' cell A1", "broken-reference", "error"),
                     ("sheet 'Notes' cell A2", "broken-reference", "error"),
                     ("sheet 'Notes' cell A4", "broken-reference", "warning"),
                     ("defined name 'Rates'", "broken-reference", "error")]


# -- the command ----------------------------------------------------------------------------

def test_the_command_lints_the_shipped_templates_by_default() -> None:
    result = run_papers("lint-template")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == ["agenda.docx: ok", "briefing_note.docx: ok", "committee_report.docx: ok",
                                          "portfolio_report.docx: ok", "budget.xlsx: ok",
                                          "5 templates linted: 0 errors, 0 warnings"]


def test_the_command_prints_findings_by_file_and_fails_on_an_error(tmp_path: Path) -> None:
    bad = broken(tmp_path, "portfolio_report.docx", "word/document.xml", "{{ title }}", "{{ titel }}")
    warned = broken(tmp_path, "briefing_note.docx", "word/document.xml", "{%p if section.title %}",
                    "Section: {%p if section.title %}")
    result = run_papers("lint-template", bad, warned, DOCX / "agenda.docx")
    assert result.exit_code == 1, result.output
    lines = result.output.splitlines()
    assert [line.split(": ")[0] for line in lines[:-1]] == ["portfolio_report.docx", "briefing_note.docx",
                                                            "agenda.docx"]
    assert lines[0].startswith('portfolio_report.docx: paragraph 4 (table 1, row 3, cell 1) "{{ titel }}": '
                               "unknown-variable: error: ")
    assert lines[1].startswith('briefing_note.docx: paragraph 8 "Section: {%p if section.title %}": lost-text: '
                               "warning: ")
    assert lines[2] == "agenda.docx: ok"
    assert lines[3] == "3 templates linted: 1 error, 1 warning"


def test_warnings_alone_pass_and_a_folder_is_searched(tmp_path: Path) -> None:
    broken(tmp_path, "briefing_note.docx", "word/document.xml", "{%p if section.title %}",
           "Section: {%p if section.title %}")
    (tmp_path / "~$iefing_note.docx").write_bytes(b"Word's lock file")
    result = run_papers("lint-template", tmp_path)
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[-1] == "1 template linted: 0 errors, 1 warning"


def test_the_templates_option_and_an_empty_folder(tmp_path: Path) -> None:
    (tmp_path / "docx").mkdir()
    broken(tmp_path / "docx", "agenda.docx", "word/document.xml", "{{ venue }}", "{{ venue }")
    result = run_papers("lint-template", "--templates", tmp_path)
    assert result.exit_code == 1
    assert result.output.splitlines()[-1] == "1 template linted: 1 error, 0 warnings"
    empty = run_papers("lint-template", "--templates", tmp_path / "docx" / "nothing-here")
    assert empty.exit_code == 1
    assert empty.output.splitlines() == ["no .docx or .xlsx templates found", "0 templates linted: 0 errors, "
                                         "0 warnings"]
