"""The audit's fast walk finds exactly what the audit found before it (issue 15): every finding, message,
fix, place and order the same, compared with a frozen copy of the audit as it was (tests/audit_reference.py),
on the example meetings' built documents, synthetic papers (bench/synth.py), the authors' Word files the
tests ship, and documents made here to trip every check and to have every shape the fast walk leaves to the
general one. The build's own audit (of the document it rendered, in memory) is compared too, and must equal
`papers audit` of the written file."""
from __future__ import annotations

import shutil
import sys
import zipfile
from pathlib import Path
from typing import Callable

import pytest
from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import parse_xml
from docx.shared import Pt

import audit_reference as before
from conftest import ACCEPTANCE, CABINET, CASES, EXAMPLE, LONE, ROOT, run_papers
from generator.checks import audit as now
from test_audit import png

sys.path.insert(0, str(ROOT / "bench"))
import synth  # noqa: E402

Seen = list[tuple[str, str, str, str, str, str]]


def seen(findings: list) -> Seen:  # type: ignore[type-arg]
    """Everything a finding says, in the order given (the two modules' Finding classes are not the same class)."""
    return [(str(f.file), f.where, f.rule, f.level, f.message, f.fix) for f in findings]


def fast(path: Path) -> bool:
    """Whether the fast walk reads the document (False: the general walk does)."""
    doc = now._Docx(path, now._read_docx(path))
    try:
        doc._scan(doc.parts.body)
    except now._Complex:
        return False
    return True


def assert_same(path: Path) -> Seen:
    """The audit of ``path`` equals the reference's, read from the file, from its bytes (`papers check`), and
    held by python-docx (as the build audits what it rendered); the last also equals `papers audit` of the file.
    Returns the findings."""
    found = seen(now.audit_file(path))
    assert found == seen(before.audit_file(path)), path
    data = path.read_bytes()
    assert seen(now.audit_file(path, data)) == seen(before.audit_file(path, data)), path
    try:
        doc = Document(str(path))
    except Exception:  # noqa: BLE001 - python-docx cannot hold it: there is no in-memory audit of it either
        return found
    held = seen(now.audit_document(path, doc))
    assert held == seen(before.audit_document(path, doc)), path
    assert held == found, path
    return found


def built(tmp_path: Path, *inputs: Path) -> list[Path]:
    out = tmp_path / "out"
    result = run_papers("build", *inputs, "-o", out, "-j", "1")
    assert result.exit_code == 0, result.output
    documents = sorted(out.rglob("*.docx"))
    assert documents
    return documents


def test_the_example_meetings_and_acceptance_papers_audit_the_same(tmp_path: Path) -> None:
    documents = built(tmp_path, EXAMPLE, CABINET, ACCEPTANCE, LONE)
    for path in documents:
        assert_same(path)
        assert fast(path), f"{path.name}: the build's own paper was read by the general walk"
    # the authors' drafts the examples and cases ship (appendices, minutes) are arbitrary Word files
    drafts = sorted(CABINET.glob("*.docx")) + sorted(CASES.rglob("*.docx")) + sorted(ACCEPTANCE.rglob("*.docx"))
    assert drafts
    for path in drafts:
        assert_same(path)


def test_synthetic_papers_audit_the_same(tmp_path: Path) -> None:
    synth.write_cycle(synth.make_cycle(meetings=2), tmp_path / "in")
    documents = built(tmp_path, tmp_path / "in")
    assert len(documents) == 2 * (synth.PAPERS_PER_MEETING + 1)  # each meeting's papers and its agenda
    for path in documents:
        assert_same(path)
        assert fast(path), path.name


def test_the_build_finds_in_what_it_rendered_what_papers_audit_finds_in_the_file(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    rendered: dict[str, tuple[Seen, Seen]] = {}  # output -> (findings, the reference's), of the document in memory
    audit_document = now.audit_document

    def recording(path: Path, doc) -> list:  # type: ignore[no-untyped-def, type-arg]
        found = audit_document(path, doc)
        rendered[str(path)] = (seen(found), seen(before.audit_document(path, doc)))
        return found

    monkeypatch.setattr(now, "audit_document", recording)  # the build imports it when it audits (-j 1: here)
    synth.write_cycle(synth.make_cycle(meetings=1), tmp_path / "in")
    example = tmp_path / "in" / EXAMPLE.name  # with a generic link under a skipped heading level, as an author may
    shutil.copytree(EXAMPLE, example)
    report = example / "05-central-services.yaml"
    text = report.read_text(encoding="utf-8")
    old = "The IT department provides the technical infrastructure"
    assert old in text
    report.write_text(text.replace(old, "### Detail\n\n      [Click here](https://www.thurrock.gov.uk) for more.\n\n"
                                        "      " + old, 1), encoding="utf-8")
    written = {str(path): path for path in built(tmp_path, CABINET, tmp_path / "in")}
    assert len(rendered) == 2 + 3 + synth.PAPERS_PER_MEETING  # every paper (agendas are audited from their bytes)
    assert {rule for found, _ in rendered.values() for _, _, rule, *_ in found} >= {"link-text", "heading-order"}
    for output, (found, reference) in rendered.items():
        assert found == reference, output
        assert found == seen(now.audit_file(written[output])), output


NS = ('xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
      'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" '
      'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
      'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
      'xmlns:v="urn:schemas-microsoft-com:vml" '
      'xmlns:m="http://schemas.openxmlformats.org/officeDocument/2006/math" '
      'xmlns:adec="http://schemas.microsoft.com/office/drawing/2017/decorative"')


def p(text: str, style: str | None = None, rpr: str = "", ppr: str = "") -> str:
    """A one-run paragraph."""
    props = (f'<w:pStyle w:val="{style}"/>' if style else "") + ppr
    return (f"<w:p>{f'<w:pPr>{props}</w:pPr>' if props else ''}<w:r>{f'<w:rPr>{rpr}</w:rPr>' if rpr else ''}"
            f'<w:t xml:space="preserve">{text}</w:t></w:r></w:p>')


def tbl(rows: list[list[str]], style: str | None = "TableGrid", header: str | None = "<w:tblHeader/>",
        tcpr: str = "") -> str:
    """A table of one-paragraph cells; ``header`` is the first row's w:trPr content (None: no w:trPr)."""
    body = "".join(f"<w:tr>{f'<w:trPr>{header}</w:trPr>' if r == 0 and header is not None else ''}"
                   + "".join(f"<w:tc>{f'<w:tcPr>{tcpr}</w:tcPr>' if tcpr else ''}{p(c)}</w:tc>" for c in row)
                   + "</w:tr>" for r, row in enumerate(rows))
    table_style = f'<w:tblStyle w:val="{style}"/>' if style else ""
    return f"<w:tbl><w:tblPr>{table_style}</w:tblPr>{body}</w:tbl>"


DRAWING = ('<w:drawing><wp:inline><wp:extent cx="9525" cy="9525"/><wp:docPr id="{id}" name="{name}"{descr}>'
           '{ext}</wp:docPr></wp:inline></w:drawing>')
DECORATIVE = ('<a:extLst><a:ext uri="{C183D7F6-B498-43B3-948B-1728B52AA6E4}"><adec:decorative val="1"/></a:ext>'
              '</a:extLst>')


def image(n: int, descr: str = "", decorative: bool = False) -> str:
    return DRAWING.format(id=n, name=f"Picture {n}", descr=f' descr="{descr}"' if descr else "",
                          ext=DECORATIVE if decorative else "")


# Body contents of the usual shape (the fast walk reads them) that trip, or carefully do not trip, each check.
USUAL = {
    "headings": p("Background", "Heading1") + p("Detail", "Heading3") + p("", "Heading2")
    + p("  ", "Heading2") + p("Back to two", "Heading2") + p("Outline", ppr='<w:outlineLvl w:val="0"/>')
    + p("Body level", "Heading1", ppr='<w:outlineLvl w:val="9"/>') + p("Odd level", ppr='<w:outlineLvl w:val="x"/>'),
    "first heading at 2": p("Start", "Heading2") + p("Then one", "Heading1"),
    "fake headings": p("Budget summary", rpr="<w:b/>") + p("A sentence in bold.", rpr="<w:b/>")
    + p("Not bold", rpr='<w:b w:val="0"/>') + p("Title style", "Title", rpr="<w:b/>")
    + "<w:p><w:r><w:rPr><w:b/></w:rPr><w:t>Half </w:t></w:r><w:r><w:t>bold</w:t></w:r></w:p>"
    + "<w:p><w:r><w:rPr><w:b/></w:rPr><w:t>All </w:t></w:r><w:r><w:rPr><w:b/></w:rPr><w:t>bold</w:t></w:r></w:p>"
    + p("x" * 101, rpr="<w:b/>") + tbl([["Bold in a cell"]], header=None),
    "typed lists": p("\u2022 first point") + p("1. numbered") + p("(a) lettered") + p("- dash")
    + p("2) real list", ppr='<w:numPr><w:ilvl w:val="0"/><w:numId w:val="1"/></w:numPr>')
    + p("3) switched off", ppr='<w:numPr><w:ilvl w:val="0"/><w:numId w:val="0"/></w:numPr>')
    + p("\u2022 list style", "ListBullet") + p("1.5 million is not a list"),
    "small text": p("ten", rpr='<w:sz w:val="20"/>') + p("ten again", rpr='<w:sz w:val="20"/>')
    + p("nine", rpr='<w:sz w:val="18"/>') + p("raised", rpr='<w:sz w:val="16"/><w:vertAlign w:val="superscript"/>')
    + p("hidden", rpr='<w:sz w:val="10"/><w:vanish/>') + p("odd size", rpr='<w:sz w:val="big"/>')
    + "<w:p><w:r><w:t>late </w:t><w:rPr><w:sz w:val=\"14\"/></w:rPr></w:r><w:r><w:t>plain</w:t></w:r></w:p>"
    + "<w:p><w:r><w:rPr><w:sz w:val=\"12\"/></w:rPr><w:t xml:space=\"preserve\"> </w:t></w:r>"
    "<w:r><w:rPr><w:sz w:val=\"22\"/></w:rPr><w:t>seen</w:t></w:r><w:r><w:t>plain</w:t></w:r></w:p>"
    + tbl([["Small", "cells"], ["a", "b"]], tcpr="", style="SmallTable"),
    "contrast": p("grey", rpr='<w:color w:val="AAAAAA"/>') + p("grey again", rpr='<w:color w:val="aaaaaa"/>')
    + p("on shading", rpr='<w:color w:val="777777"/>', ppr='<w:shd w:val="clear" w:fill="DDDDDD"/>')
    + p("run shading", rpr='<w:color w:val="FFFFFF"/><w:shd w:val="clear" w:fill="EEEEEE"/>')
    + p("large bold", rpr='<w:color w:val="888888"/><w:b/><w:sz w:val="28"/>')
    + p("auto", rpr='<w:color w:val="auto"/>') + p("not hex", rpr='<w:color w:val="red"/>')
    + tbl([["Header"], ["cell text"]], tcpr='<w:shd w:val="clear" w:fill="333333"/>'),
    "tables": tbl([["A", "B"], ["1", "2"]], header=None) + tbl([["", ""], ["1", "2"]])
    + tbl([["A", ""], ["1", "2"]]) + tbl([["A", "", ""], ["1", "2", "3"]])
    + tbl([["A"], ["1"]], header='<w:tblHeader w:val="0"/>')
    + tbl([["A", "B"], ["1", "2"]], style=None)
    + tbl([["A", "B"], ["merged", "x"]], tcpr='<w:gridSpan w:val="2"/>')
    + tbl([["A"], ["1"]], tcpr='<w:gridSpan w:val="1"/>') + tbl([["A"], ["1"]], tcpr="<w:vMerge/>")
    + tbl([["A"], ["1"], ["2"], ["3"], ["4"], ["5"], ["6"]], tcpr='<w:hMerge w:val="restart"/>')
    + tbl([["Cover", "layout"], ["merged", "too"]], style="LayoutTable", header=None,
          tcpr='<w:gridSpan w:val="2"/>')
    + "<w:tbl><w:tblPr/></w:tbl>",
    "images": f"<w:p><w:r>{image(1)}</w:r></w:p><w:p><w:r>{image(2, 'A chart of spend')}</w:r></w:p>"
    f"<w:p><w:r>{image(3, decorative=True)}</w:r><w:r>{image(4, '  ')}</w:r></w:p>"
    '<w:p><w:r><w:pict><v:shape id="vml1"><v:imagedata/></v:shape></w:pict></w:r></w:p>'
    '<w:p><w:r><w:pict><v:shape id="vml2" alt="A map"><v:imagedata/></v:shape><v:shape id="line"/></w:pict>'
    "</w:r></w:p>",
    "odd but usual": "<w:p/><w:p><w:pPr/></w:p><w:p><w:r/></w:p><w:p><w:r><w:t/></w:r></w:p>"
    + '<w:p><w:pPr><w:pStyle/></w:pPr><w:r><w:rPr><w:b/></w:rPr><w:t>No style id</w:t></w:r></w:p>'
    + '<w:p><w:pPr><w:pStyle w:val="Missing"/></w:pPr><w:r><w:t>\u2022 unknown style</w:t></w:r></w:p>'
    + '<w:p><w:pPr><w:pStyle w:val="Heading1"/></w:pPr><w:pPr><w:outlineLvl w:val="2"/></w:pPr>'
    "<w:r><w:t>Two</w:t></w:r></w:p>"
    + '<w:p><w:pPr><w:jc w:val="left"/></w:pPr><w:pPr><w:numPr><w:numId w:val="3"/></w:numPr></w:pPr>'
    '<w:r><w:t>(b) numbered in the second</w:t></w:r></w:p>'
    + '<w:p><w:pPr><w:pStyle w:val="Normal"/><w:pPrChange w:id="1" w:author="a"><w:pPr>'
    '<w:pStyle w:val="Heading3"/></w:pPr></w:pPrChange></w:pPr><w:r><w:t>Was a heading</w:t></w:r></w:p>'
    + '<w:p><w:pPr><w:pPrChange w:id="4" w:author="a"><w:pPr><w:pStyle w:val="Heading5"/></w:pPr></w:pPrChange>'
    '</w:pPr><w:r><w:t>Was a heading too</w:t></w:r></w:p>'
    + '<w:p><w:r><w:rPr><w:rStyle w:val="Strong"/></w:rPr><w:t>Strong text</w:t></w:r></w:p>'
    + '<w:p><w:r><w:rPr><w:b/></w:rPr><w:rPr><w:sz w:val="8"/></w:rPr><w:t>two rPr</w:t></w:r></w:p>'
    + '<w:p><w:r><w:t>tab</w:t><w:tab/><w:t>bed</w:t><w:br/></w:r><m:oMath><m:r><m:t>x</m:t></m:r></m:oMath></w:p>'
    + "<w:p><w:r><w:t>a<!-- a comment in the text -->b</w:t></w:r></w:p>",
}

# Shapes the fast walk leaves to the general walk (which may find a damaged document unreadable, as before).
UNUSUAL = {
    "text box": '<w:p><w:r><w:pict><v:shape id="tb"><v:textbox><w:txbxContent>' + p("Boxed", rpr="<w:b/>")
    + p("\u2022 boxed list") + "</w:txbxContent></v:textbox></v:shape></w:pict></w:r><w:r><w:t>outer</w:t></w:r></w:p>",
    "content controls": "<w:sdt><w:sdtContent>" + p("\u2022 in a control") + p("Control heading", "Heading3")
    + "</w:sdtContent></w:sdt><w:p><w:sdt><w:sdtContent><w:r><w:t>inline</w:t></w:r></w:sdtContent></w:sdt></w:p>",
    "tracked changes": '<w:p><w:ins w:id="2" w:author="a"><w:r><w:rPr><w:sz w:val="16"/></w:rPr><w:t>inserted</w:t>'
    '</w:r></w:ins><w:del w:id="3" w:author="a"><w:r><w:delText>gone</w:delText></w:r></w:del></w:p>',
    "fields": '<w:p><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText>PAGE</w:instrText></w:r>'
    '<w:r><w:t>1</w:t></w:r></w:p><w:p><w:fldSimple w:instr="PAGE"><w:r><w:t>2</w:t></w:r></w:fldSimple></w:p>',
    "smart tag": '<w:p><w:smartTag w:uri="u" w:element="e"><w:r><w:rPr><w:b/></w:rPr><w:t>Tagged</w:t></w:r>'
    "</w:smartTag></w:p>",
    "nested table": "<w:tbl><w:tblPr/><w:tr><w:tc>" + tbl([["Inner"], ["1"]], header=None) + p("after")
    + "</w:tc></w:tr></w:tbl>",
    "row in a control": '<w:tbl><w:tblPr><w:tblStyle w:val="TableGrid"/></w:tblPr><w:sdt><w:sdtContent><w:tr><w:tc>'
    + p("A") + "</w:tc></w:tr></w:sdtContent></w:sdt></w:tbl>",
    "pPr after a run": '<w:p><w:r><w:t>Late properties</w:t></w:r><w:pPr><w:pStyle w:val="Heading2"/></w:pPr></w:p>',
    "paragraph in a paragraph": "<w:p>" + p("inner", "Heading2") + "<w:r><w:t>outer</w:t></w:r></w:p>",
    "loose text": "<w:p><w:t>loose</w:t></w:p><w:t>in the body</w:t>",
    "run in the body": "<w:r><w:t>body run</w:t></w:r>",
    "link outside a paragraph": "<w:hyperlink><w:r><w:t>click here</w:t></w:r></w:hyperlink>",
    "image outside a paragraph": image(9),
    "cell without a table": "<w:tc>" + p("lonely") + "</w:tc>",
    "row without a table": "<w:tr><w:tc>" + p("lonely row") + "</w:tc></w:tr>",
}


def document(tmp_path: Path, name: str, body: str, edit: Callable[..., None] | None = None) -> Path:
    """A .docx with python-docx's default styles, a few more (a table style "Layout Table", a small one), a
    title and a language, whose body is ``body`` (then ``edit(doc)``, if given)."""
    doc = Document()
    doc.core_properties.title = "Audit test"
    doc.core_properties.language = "en-GB"
    doc.styles["Normal"].font.size = Pt(12)
    layout = doc.styles.add_style("Layout Table", WD_STYLE_TYPE.TABLE)
    layout.element.set("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}styleId", "LayoutTable")
    small = doc.styles.add_style("Small Table", WD_STYLE_TYPE.TABLE)
    small.element.set("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}styleId", "SmallTable")
    small.font.size = Pt(9)
    sect = doc.element.body[-1]
    for child in parse_xml(f"<w:body {NS}>{body}</w:body>"):
        sect.addprevious(child)
    if edit is not None:
        edit(doc)
    path = tmp_path / f"{name.replace(' ', '-')}.docx"
    doc.save(str(path))
    return path


def links(doc) -> None:  # type: ignore[no-untyped-def]
    """Hyperlinks with a relationship: generic text, a bare address, no text, an image, a good one."""
    body = doc.element.body
    for text in ("click here", "https://www.thurrock.gov.uk/", "", "IMAGE", "the council's awards page", "Read more!"):
        rid = doc.part.relate_to("https://example.org/awards", RT.HYPERLINK, is_external=True)
        inner = (f"<w:r>{image(7, 'The awards logo')}</w:r>" if text == "IMAGE"
                 else f"<w:r><w:t>{text}</w:t></w:r>" if text else "<w:r><w:t/></w:r>")
        body[-1].addprevious(parse_xml(f'<w:p {NS}><w:r><w:t>See </w:t></w:r><w:hyperlink r:id="{rid}">{inner}'
                                       "</w:hyperlink></w:p>"))
    body[-1].addprevious(parse_xml(f'<w:p {NS}><w:hyperlink r:id="rIdNone"><w:r><w:t>here</w:t></w:r></w:hyperlink>'
                                   '<w:hyperlink w:anchor="top"><w:r><w:t>more</w:t></w:r></w:hyperlink></w:p>'))


@pytest.mark.parametrize("name", sorted(USUAL))
def test_a_document_of_the_usual_shape_audits_the_same(tmp_path: Path, name: str) -> None:
    path = document(tmp_path, name, USUAL[name])
    assert fast(path)
    assert assert_same(path)  # each trips at least one check


def test_every_usual_shape_together_audits_the_same(tmp_path: Path) -> None:
    # one document: heading order, repeated sizes and colours counted across all of them
    path = document(tmp_path, "all", "".join(USUAL[name] for name in sorted(USUAL)), links)
    assert fast(path)
    rules = {rule for _, _, rule, *_ in assert_same(path)}
    assert rules == set(now.RULES) - {"title", "language", "unreadable"} - {r for r in now.RULES if r.startswith("pdf")}


@pytest.mark.parametrize("name", sorted(UNUSUAL))
def test_a_document_of_another_shape_audits_the_same(tmp_path: Path, name: str) -> None:
    path = document(tmp_path, name, USUAL["fake headings"] + UNUSUAL[name] + USUAL["small text"])
    assert not fast(path)
    assert_same(path)


def test_documents_without_title_language_body_or_content_audit_the_same(tmp_path: Path) -> None:
    empty = Document()
    for paragraph in list(empty.element.body.iterchildren()):
        if paragraph.tag.endswith("}p"):
            empty.element.body.remove(paragraph)
    empty.core_properties.title = "report.docx"  # a placeholder
    for lang in empty.styles.element.iter("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}lang"):
        lang.getparent().remove(lang)  # nor a language in the styles (python-docx's template has one)
    empty.save(str(tmp_path / "empty.docx"))
    assert [rule for _, _, rule, *_ in assert_same(tmp_path / "empty.docx")] == ["title", "language"]
    bare = document(tmp_path, "bare", "")
    body_less = tmp_path / "no-body.docx"
    with zipfile.ZipFile(bare) as source, zipfile.ZipFile(body_less, "w") as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "word/document.xml":
                data = data.split(b"<w:body>")[0] + b"</w:document>"
            target.writestr(item, data)
    assert [rule for _, _, rule, *_ in assert_same(body_less)] == ["unreadable"]
    pictured = Document()
    pictured.add_picture(str(png(tmp_path)))  # python-docx gives it no alternative text
    pictured.save(str(tmp_path / "picture.docx"))
    assert "image-alt" in [rule for _, _, rule, *_ in assert_same(tmp_path / "picture.docx")]
    lonely = document(tmp_path, "unreadable cell", UNUSUAL["cell without a table"])
    assert [rule for _, _, rule, *_ in assert_same(lonely)] == ["unreadable"]


def test_a_document_changed_after_its_audit_changes_nothing_for_the_next(tmp_path: Path) -> None:
    # the audit keeps what it made of a styles part for the next document with the same one (a build's papers
    # share their template's): changing the first document's styles afterwards must not reach the second
    first_path = document(tmp_path, "first", p("Only body text"))
    second_path = document(tmp_path, "second", p("A heading", "Heading1") + p("And its text"))
    first = Document(str(first_path))
    assert seen(now.audit_document(first_path, first)) == []
    first.styles["Heading 1"].font.size = Pt(8)  # a style the first document does not use, changed after its audit
    second = Document(str(second_path))
    assert seen(now.audit_document(second_path, second)) == seen(before.audit_document(second_path, second)) == []
