"""`papers audit`: the shipped example audits clean, and each rule catches one deliberately bad document."""
from __future__ import annotations

import re
import struct
import subprocess
import zlib
from pathlib import Path
from typing import Callable

import pytest
from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.style import WD_STYLE_TYPE
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import qn
from docx.shared import Pt, RGBColor
from pypdf import PdfReader, PdfWriter
from pypdf.generic import NameObject, TextStringObject

from conftest import EXAMPLE_AS, run_papers
from generator.checks.audit import RULES, audit_file, audit_paths, contrast, find_documents

Found = list[tuple[str, str, str]]  # (where, rule, level)


def found(path: Path) -> Found:
    return [(f.where, f.rule, f.level) for f in audit_file(path)]


def good_doc() -> DocumentObject:
    """A small document that passes every rule: titled, 12 pt, black headings, a table with a header row."""
    doc = Document()
    doc.core_properties.title = "Test paper"
    doc.core_properties.language = "en-GB"
    doc.styles["Normal"].font.size = Pt(12)
    for level in (1, 2, 3):
        doc.styles[f"Heading {level}"].font.color.rgb = RGBColor(0, 0, 0)
        doc.styles[f"Heading {level}"].font.size = Pt(14)
    doc.add_heading("Background", 1)  # paragraph 1
    doc.add_paragraph("Some text about the service.")  # paragraph 2
    data_table(doc, [["Service", "Budget"], ["Libraries", "1,200"]])
    return doc


def data_table(doc: DocumentObject, rows: list[list[str]], header: bool = True, style: str = "Table Grid"):
    table = doc.add_table(rows=len(rows), cols=len(rows[0]))
    table.style = style
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            table.cell(r, c).text = value
    if header:
        table.rows[0]._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))
    return table


def save(doc: DocumentObject, tmp_path: Path, name: str = "paper.docx") -> Path:
    path = tmp_path / name
    doc.save(str(path))
    return path


def add_link(paragraph, text: str, url: str) -> None:
    rid = paragraph.part.relate_to(url, RT.HYPERLINK, is_external=True)
    link = OxmlElement("w:hyperlink")
    link.set(qn("r:id"), rid)
    run = OxmlElement("w:r")
    t = OxmlElement("w:t")
    t.text = text
    run.append(t)
    link.append(run)
    paragraph._p.append(link)


def png(tmp_path: Path) -> Path:
    """A 1x1 PNG."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    path = tmp_path / "dot.png"
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0))
                     + chunk(b"IDAT", zlib.compress(b"\x00\x00")) + chunk(b"IEND", b""))
    return path


def marked_content(element) -> set[tuple[int, int]]:
    """(page object number, MCID) of the marked content a structure element holds directly."""
    page = element.raw_get("/Pg").idnum if "/Pg" in element else None
    kids = element.get("/K")
    out = set()
    for kid in kids if isinstance(kids, list) else [kids]:
        if isinstance(kid, int):
            out.add((page, int(kid)))
        elif isinstance(kid.get_object(), dict) and kid.get_object().get("/Type") == "/MCR":
            mcr = kid.get_object()
            out.add((mcr.raw_get("/Pg").idnum if "/Pg" in mcr else page, int(mcr["/MCID"])))
    return out


# -- the shipped example ---------------------------------------------------------------------------

@pytest.mark.libreoffice
def test_the_shipped_example_with_pdfs_audits_clean(pdf_build: Path) -> None:
    files = find_documents([pdf_build])
    assert sorted(f.name for f in files) == [
        "05-central-services.docx", "05-central-services.pdf", "06-change-and-improvement.docx",
        "06-change-and-improvement.pdf", f"{EXAMPLE_AS}-agenda.docx", f"{EXAMPLE_AS}-agenda.pdf", f"{EXAMPLE_AS}-pack.pdf"]
    assert [str(f) for f in audit_paths([pdf_build])] == []


@pytest.mark.libreoffice
def test_the_pack_keeps_every_part_tagged(pdf_build: Path) -> None:
    reader = PdfReader(pdf_build / f"{EXAMPLE_AS}-pack.pdf")
    root = reader.root_object
    assert bool(root["/MarkInfo"]["/Marked"]) is True
    tree = root["/StructTreeRoot"].get_object()
    document = tree["/K"][0].get_object()
    assert document["/S"] == "/Document"
    parts = [kid.get_object() for kid in document["/K"]]
    assert [p["/S"] for p in parts] == ["/Part"] * 3
    assert [p["/T"] for p in parts] == [o.title for o in reader.outline]  # one Part per bookmark
    assert all(p.raw_get("/P").idnum == tree["/K"][0].idnum for p in parts)
    nums = tree["/ParentTree"].get_object()["/Nums"]
    keys = dict(zip(nums[::2], nums[1::2]))
    page_ids = {page.indirect_reference.idnum for page in reader.pages}
    for page in reader.pages:  # marked content i of a page maps to an element holding content i of that page
        elements = keys[page["/StructParents"]].get_object()
        assert elements, "a page with no tagged content"
        for mcid, element in enumerate(elements):
            assert (page.indirect_reference.idnum, mcid) in marked_content(element.get_object())
    annots = [a.get_object() for page in reader.pages for a in page.get("/Annots", [])]
    assert annots, "the example has a web link"
    for annot in annots:  # the link's structure element points back at this very annotation
        element = keys[annot["/StructParent"]].get_object()
        assert element["/S"] == "/Link"
        objects = [k.get_object() for k in element["/K"] if isinstance(k.get_object(), dict)]
        assert any(o.get("/Type") == "/OBJR" and o.raw_get("/Obj").idnum == annot.indirect_reference.idnum
                   for o in objects)
    assert int(tree["/ParentTreeNextKey"]) > max(keys)
    assert len(page_ids) == len(reader.pages)


@pytest.mark.libreoffice
def test_poppler_reads_each_part_of_the_pack_as_its_own_pdf(pdf_build: Path) -> None:
    """An independent reader (poppler) walks the pack's structure tree: each Part holds what its PDF held."""
    def structure(pdf: Path) -> list[str]:
        out = subprocess.run(["pdfinfo", "-struct-text", str(pdf)], capture_output=True, text=True, check=True).stdout
        # annotation object numbers differ between a part and the pack; everything else must not. An element's
        # attributes are a dictionary, whose entries have no order (ISO 32000-1 7.3.7): compared as a set
        lines = [line.strip() for line in out.splitlines() if not re.fullmatch(r"\s*Object \d+ \d+", line)]
        merged: list[str] = []
        for line in lines:
            if line.startswith("/") and merged and merged[-1].startswith("/"):
                merged[-1] = "\n".join(sorted([*merged[-1].split("\n"), line]))
            else:
                merged.append(line)
        return merged

    pack = structure(pdf_build / f"{EXAMPLE_AS}-pack.pdf")
    assert pack[0] == "Document"
    parts: dict[str, list[str]] = {}
    for line in pack[1:]:
        label = re.fullmatch(r'Part "(.*)"', line)
        if label:
            parts[label.group(1)] = []
        else:
            parts[list(parts)[-1]].append(line)
    sources = {"Agenda": f"{EXAMPLE_AS}-agenda.pdf", "Item 5: Report of the Cabinet Member for Central Services":
               "05-central-services.pdf", "Item 6: Briefing Note: Report of Cabinet Member for Overall Change and "
               "Improvement Agenda": "06-change-and-improvement.pdf"}
    assert list(parts) == list(sources)
    for label, pdf in sources.items():
        own = structure(pdf_build / pdf)
        assert own[0] == "Document"
        assert parts[label] == own[1:], label


@pytest.mark.libreoffice
def test_cli_audit_of_the_example_exits_0(pdf_build: Path) -> None:
    result = run_papers("audit", pdf_build)
    assert result.exit_code == 0, result.output
    assert result.output == "7 files audited: 0 errors, 0 warnings\n"


# -- Word rules, one bad document each ------------------------------------------------------------

def test_a_good_document_has_no_findings(tmp_path: Path) -> None:
    assert found(save(good_doc(), tmp_path)) == []


def test_no_title(tmp_path: Path) -> None:
    doc = good_doc()
    doc.core_properties.title = ""
    assert found(save(doc, tmp_path)) == [("document", "title", "error")]


def test_placeholder_title(tmp_path: Path) -> None:
    doc = good_doc()
    doc.core_properties.title = "Document1"
    [finding] = audit_file(save(doc, tmp_path))
    assert (finding.rule, finding.message) == ("title", 'the title "Document1" is a placeholder, not the '
                                                        "document's title")


def test_no_language(tmp_path: Path) -> None:
    doc = good_doc()
    doc.core_properties.language = ""
    for lang in doc.styles.element.iter(qn("w:lang")):
        lang.getparent().remove(lang)
    assert found(save(doc, tmp_path)) == [("document", "language", "error")]


def test_language_in_the_styles_is_enough(tmp_path: Path) -> None:
    doc = good_doc()
    doc.core_properties.language = ""
    assert doc.styles.element.find(f"{qn('w:docDefaults')}/{qn('w:rPrDefault')}/{qn('w:rPr')}/{qn('w:lang')}") \
        is not None
    assert found(save(doc, tmp_path)) == []


def test_heading_level_skipped(tmp_path: Path) -> None:
    doc = good_doc()
    doc.add_heading("Detail", 3)
    path = save(doc, tmp_path)
    [finding] = audit_file(path)
    assert (finding.rule, finding.level) == ("heading-order", "error")
    assert finding.where.endswith('"Detail"')
    assert finding.message == 'Heading 3 follows Heading 1 "Background": level 2 is skipped'


def test_first_heading_not_level_1(tmp_path: Path) -> None:
    doc = Document()
    doc.core_properties.title = "T"
    doc.styles["Normal"].font.size = Pt(12)
    doc.styles["Heading 2"].font.color.rgb = RGBColor(0, 0, 0)
    doc.styles["Heading 2"].font.size = Pt(14)
    doc.add_heading("Start", 2)
    assert found(save(doc, tmp_path)) == [('paragraph 1 "Start"', "heading-order", "error")]
    message = audit_file(tmp_path / "paper.docx")[0].message
    assert message == "the first heading is Heading 2; headings start at Heading 1"


def test_empty_heading(tmp_path: Path) -> None:
    doc = good_doc()
    doc.add_heading("", 2)
    paragraphs = len(doc.element.body.findall(f".//{qn('w:p')}"))
    assert found(save(doc, tmp_path)) == [(f"paragraph {paragraphs}", "empty-heading", "error")]


def test_bold_fake_heading(tmp_path: Path) -> None:
    doc = good_doc()
    doc.add_paragraph().add_run("Financial summary").bold = True
    doc.add_paragraph().add_run("This whole sentence is bold for emphasis.").bold = True  # a sentence: not flagged
    p = doc.add_paragraph()  # partly bold: a label, not a heading
    p.add_run("Note: ").bold = True
    p.add_run("budgets are in thousands")
    n = len(doc.element.body.findall(f".//{qn('w:p')}")) - 2
    assert found(save(doc, tmp_path)) == [(f'paragraph {n} "Financial summary"', "fake-heading", "warning")]


def test_table_without_header_row(tmp_path: Path) -> None:
    doc = good_doc()
    data_table(doc, [["Service", "Budget"], ["Parks", "300"]], header=False)
    assert found(save(doc, tmp_path)) == [("table 2", "table-header", "error")]


def test_table_with_empty_header_row(tmp_path: Path) -> None:
    doc = good_doc()
    data_table(doc, [["", ""], ["Parks", "300"]])
    assert found(save(doc, tmp_path)) == [("table 2", "table-header-text", "error")]


def test_table_with_one_empty_header_cell(tmp_path: Path) -> None:
    doc = good_doc()
    data_table(doc, [["", "Budget"], ["Parks", "300"]])
    [finding] = audit_file(save(doc, tmp_path))
    assert (finding.where, finding.rule, finding.level, finding.message) == (
        "table 2", "table-header-text", "error", "header cell 1 has no text")


def test_merged_cells(tmp_path: Path) -> None:
    doc = good_doc()
    table = data_table(doc, [["Service", "Budget"], ["Parks", "300"], ["Total", ""]])
    table.cell(2, 0).merge(table.cell(2, 1))
    assert found(save(doc, tmp_path)) == [("table 2", "merged-cells", "warning")]


def test_a_layout_table_needs_no_header_and_may_merge(tmp_path: Path) -> None:
    doc = good_doc()
    doc.styles.add_style("Layout Table", WD_STYLE_TYPE.TABLE)
    table = data_table(doc, [["8 December 2022", "ITEM: 5"], ["Report", ""]], header=False, style="Layout Table")
    table.cell(1, 0).merge(table.cell(1, 1))
    assert found(save(doc, tmp_path)) == []


def test_click_here_link(tmp_path: Path) -> None:
    doc = good_doc()
    p = doc.add_paragraph("Our awards are listed online: ")
    add_link(p, "click here", "https://www.thurrock.gov.uk/awards")
    n = len(doc.element.body.findall(f".//{qn('w:p')}"))
    [finding] = audit_file(save(doc, tmp_path))
    assert (finding.where, finding.rule, finding.level) == (f'paragraph {n} "Our awards are listed online: click here"',
                                                            "link-text", "error")
    assert finding.message == 'the link text "click here" does not say where the link goes ' \
                              "(https://www.thurrock.gov.uk/awards)"


def test_bare_url_and_descriptive_links_are_accepted(tmp_path: Path) -> None:
    doc = good_doc()
    add_link(doc.add_paragraph("See "), "www.thurrock.gov.uk/how-we-are-doing/awards", "https://www.thurrock.gov.uk")
    add_link(doc.add_paragraph("See "), "the council's awards page", "https://www.thurrock.gov.uk")
    assert found(save(doc, tmp_path)) == []


def test_image_without_alt_text(tmp_path: Path) -> None:
    doc = good_doc()
    doc.add_picture(str(png(tmp_path)))
    n = len(doc.element.body.findall(f".//{qn('w:p')}"))
    assert found(save(doc, tmp_path)) == [(f"image 1 in paragraph {n}", "image-alt", "error")]


def test_image_with_alt_text_or_decorative(tmp_path: Path) -> None:
    doc = good_doc()
    doc.add_picture(str(png(tmp_path)))
    doc.element.body.findall(f".//{qn('wp:docPr')}")[0].set("descr", "The council's logo")
    assert found(save(doc, tmp_path)) == []
    doc.element.body.findall(f".//{qn('wp:docPr')}")[0].set("descr", "")
    ext = ('<a:extLst xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"><a:ext '
           'uri="{C183D7F6-B498-43B3-948B-1728B52AA6E4}"><adec:decorative '
           'xmlns:adec="http://schemas.microsoft.com/office/drawing/2017/decorative" val="1"/></a:ext></a:extLst>')
    doc.element.body.findall(f".//{qn('wp:docPr')}")[0].append(parse_xml(ext))
    assert found(save(doc, tmp_path, "decorative.docx")) == []


def test_10_pt_body_text(tmp_path: Path) -> None:
    doc = good_doc()
    doc.add_paragraph().add_run("Small print.").font.size = Pt(10)
    doc.add_paragraph().add_run("More small print.").font.size = Pt(10)
    n = len(doc.element.body.findall(f".//{qn('w:p')}")) - 1
    [finding] = audit_file(save(doc, tmp_path))
    assert (finding.where, finding.rule, finding.level) == (f'paragraph {n} "Small print."', "text-size", "error")
    assert finding.message == "text is 10 pt, below the 12 pt minimum (here and in 1 more paragraph)"


def test_superscript_may_be_small(tmp_path: Path) -> None:
    doc = good_doc()
    run = doc.add_paragraph("Footnote").add_run("1")
    run.font.size = Pt(8)
    run.font.superscript = True
    assert found(save(doc, tmp_path)) == []


def test_size_comes_from_the_style_chain(tmp_path: Path) -> None:
    doc = good_doc()
    small = doc.styles.add_style("Small Body", WD_STYLE_TYPE.PARAGRAPH)
    small.base_style = doc.styles["Normal"]
    small.font.size = Pt(9)
    derived = doc.styles.add_style("Derived Body", WD_STYLE_TYPE.PARAGRAPH)
    derived.base_style = small  # 9 pt inherited through basedOn
    doc.add_paragraph("Inherited size.", style="Derived Body")
    n = len(doc.element.body.findall(f".//{qn('w:p')}"))
    assert found(save(doc, tmp_path)) == [(f'paragraph {n} "Inherited size."', "text-size", "error")]


def test_light_grey_text(tmp_path: Path) -> None:
    doc = good_doc()
    doc.add_paragraph().add_run("Hard to read.").font.color.rgb = RGBColor(0xAA, 0xAA, 0xAA)
    n = len(doc.element.body.findall(f".//{qn('w:p')}"))
    [finding] = audit_file(save(doc, tmp_path))
    assert (finding.where, finding.rule, finding.level) == (f'paragraph {n} "Hard to read."', "text-contrast", "error")
    assert finding.message == "text colour #AAAAAA on #FFFFFF has contrast 2.32:1, below 4.5:1"


def test_contrast_threshold() -> None:
    assert round(contrast("767676"), 2) == 4.54  # the lightest grey that passes on white
    assert round(contrast("000000"), 1) == 21.0
    assert contrast("0563C1") >= 4.5  # the templates' Hyperlink colour


def test_typed_bullet(tmp_path: Path) -> None:
    doc = good_doc()
    doc.add_paragraph("\u2022 first point")
    doc.add_paragraph("2022 was a good year.")  # a number, not a typed "1." marker
    n = len(doc.element.body.findall(f".//{qn('w:p')}")) - 1
    [finding] = audit_file(save(doc, tmp_path))
    assert (finding.where, finding.rule, finding.level) == (f'paragraph {n} "\u2022 first point"', "typed-list",
                                                            "error")
    assert finding.message == 'the list marker "\u2022" is typed, so it is not a list to a screen reader'


def test_typed_number_but_real_list_styles_pass(tmp_path: Path) -> None:
    doc = good_doc()
    doc.add_paragraph("a real bullet", style="List Bullet")
    doc.add_paragraph("1. typed number")
    n = len(doc.element.body.findall(f".//{qn('w:p')}"))
    assert found(save(doc, tmp_path)) == [(f'paragraph {n} "1. typed number"', "typed-list", "error")]


def test_finding_line_format(tmp_path: Path) -> None:
    doc = good_doc()
    data_table(doc, [["Service", "Budget"], ["Parks", "300"]], header=False)
    [finding] = audit_file(save(doc, tmp_path, "05-central-services.docx"))
    assert str(finding) == ('05-central-services.docx: table 2: table-header: error: the table has no header row '
                            'marked to repeat; fix: in Word, Table Properties > Row > "Repeat as header row at the top '
                            'of each page"')
    assert finding.criterion == "1.3.1"


# -- PDF rules ----------------------------------------------------------------------------------

def blank_pdf(tmp_path: Path, name: str, edit: Callable[[PdfWriter], None] = lambda w: None) -> Path:
    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    edit(writer)
    path = tmp_path / name
    with path.open("wb") as fh:
        writer.write(fh)
    return path


def test_untagged_pdf_without_title_or_language(tmp_path: Path) -> None:
    path = blank_pdf(tmp_path, "plain.pdf")
    assert found(path) == [("document", "pdf-tagged", "error"), ("document", "pdf-title", "error"),
                           ("document", "pdf-language", "error")]


def test_pdf_title_not_displayed(tmp_path: Path) -> None:
    def edit(writer: PdfWriter) -> None:
        writer.add_metadata({"/Title": "Agenda"})
        writer._root_object[NameObject("/Lang")] = TextStringObject("en-GB")

    tagged, title = audit_file(blank_pdf(tmp_path, "titled.pdf", edit))
    assert tagged.rule == "pdf-tagged"
    assert (title.rule, title.message) == (
        "pdf-title", "the viewer shows the file name, not the title (/DisplayDocTitle is not true)")


def test_a_pack_of_untagged_parts_is_not_claimed_tagged(tmp_path: Path) -> None:
    from generator.render.pack import join

    parts = [("Agenda", blank_pdf(tmp_path, "a.pdf")), ("Item 1", blank_pdf(tmp_path, "b.pdf"))]
    pack = tmp_path / f"{EXAMPLE_AS}-pack.pdf"
    pack.write_bytes(join(parts, "Agenda pack"))
    assert "/StructTreeRoot" not in PdfReader(pack).root_object
    assert found(pack) == [("document", "pdf-tagged", "error")]  # titled and in English, but honestly untagged


def test_a_part_whose_pages_inherit_their_resources_and_size_keeps_them_in_the_pack(tmp_path: Path) -> None:
    import pikepdf
    from pikepdf import Array, Dictionary, Name

    from generator.render.pack import join

    # a PDF (as some tools write one) whose page takes its font and its size from the page tree above it
    made = pikepdf.new()
    font = made.make_indirect(Dictionary(Type=Name.Font, Subtype=Name.Type1, BaseFont=Name.Helvetica))
    page = made.make_indirect(Dictionary(Type=Name.Page, Contents=made.make_indirect(
        pikepdf.Stream(made, b"BT /F1 12 Tf 72 700 Td (Inherited) Tj ET"))))
    made.Root.Pages = made.make_indirect(Dictionary(Type=Name.Pages, Kids=Array([page]), Count=1,
                                                    MediaBox=Array([0, 0, 300, 400]),
                                                    Resources=Dictionary(Font=Dictionary(F1=font))))
    page.Parent = made.Root.Pages
    inherits = tmp_path / "inherits.pdf"
    made.save(inherits)
    pack = tmp_path / "pack.pdf"
    pack.write_bytes(join([("Agenda", blank_pdf(tmp_path, "a.pdf")), ("Item 1", inherits)], "Agenda pack"))
    reader = PdfReader(pack)
    second = reader.pages[1]
    assert [float(v) for v in second.mediabox] == [0, 0, 300, 400]
    assert "/F1" in second["/Resources"]["/Font"] and "/PapersStamp" in second["/Resources"]["/Font"]
    text = second.extract_text()
    assert "Inherited" in text and "Page 2" in text


# -- which files -------------------------------------------------------------------------------

def test_folders_skip_lock_files_edited_copies_and_hidden_folders(tmp_path: Path) -> None:
    good = save(good_doc(), tmp_path, "paper.docx")
    (tmp_path / "~$paper.docx").write_bytes(b"lock")
    (tmp_path / "paper.edited-1.docx").write_bytes(good.read_bytes())
    (tmp_path / ".papers-pdf-x").mkdir()
    (tmp_path / ".papers-pdf-x" / "paper.pdf").write_bytes(b"half")
    (tmp_path / "budget.xlsx").write_bytes(b"not audited")
    assert find_documents([tmp_path]) == [good]
    assert find_documents([tmp_path / "paper.edited-1.docx"]) == [tmp_path / "paper.edited-1.docx"]


def test_an_unreadable_file_is_one_error(tmp_path: Path) -> None:
    path = tmp_path / "broken.docx"
    path.write_bytes(b"not a zip")
    assert found(path) == [("document", "unreadable", "error")]
    cut = tmp_path / "cut.pdf"
    cut.write_bytes(b"%PDF-1.7\n1 0 obj")
    assert found(cut) == [("document", "unreadable", "error")]


def test_every_rule_names_its_wcag_criterion() -> None:
    assert all(sc for sc, _ in RULES.values())
    assert RULES["image-alt"][0] == "1.1.1" and RULES["pdf-title"][0] == "2.4.2"


# -- the command -----------------------------------------------------------------------------

def test_cli_reports_each_finding_on_one_line_and_exits_1(tmp_path: Path) -> None:
    doc = good_doc()
    doc.core_properties.title = ""
    save(doc, tmp_path, "bad.docx")
    save(good_doc(), tmp_path, "good.docx")
    blank_pdf(tmp_path, "plain.pdf", lambda w: w.add_metadata({"/Title": "Plain"}))
    result = run_papers("audit", tmp_path)
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert lines[0] == str(tmp_path / "bad.docx")
    assert lines[1] == ("  bad.docx: document: title: error: the document has no title, so readers announce the file "
                        "name; fix: in Word, File > Info > Properties > Title")
    assert lines[2] == str(tmp_path / "plain.pdf")
    assert [line.split(": ")[2] for line in lines[3:-1]] == ["pdf-tagged", "pdf-title", "pdf-language"]
    assert lines[-1] == "3 files audited: 4 errors, 0 warnings"


def test_cli_warnings_alone_exit_0(tmp_path: Path) -> None:
    doc = good_doc()
    doc.add_paragraph().add_run("Financial summary").bold = True
    save(doc, tmp_path)
    result = run_papers("audit", tmp_path / "paper.docx")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[-1] == "1 file audited: 0 errors, 1 warning"


def test_cli_audit_help_has_an_example() -> None:
    result = run_papers("audit", "--help")
    assert result.exit_code == 0
    assert "Example:" in result.output and "papers audit outputs/" in result.output
