"""One test per private hook of a library the generator relies on (an override, a private method or
attribute): each fails naming the hook when the library's behaviour under it is not what our code assumes,
so a new release that would break every build on a fresh machine fails here first, by name."""
from __future__ import annotations

import inspect
import io
import zipfile
from copy import copy
from pathlib import Path
from typing import Any

import jinja2
import pytest
from docx import Document
from lxml import etree

from conftest import ROOT

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
BODY = f'<w:document xmlns:w="{W}"><w:body>{{}}</w:body></w:document>'


def params(func: Any) -> list[str]:
    """The parameter names of a function, as our override or call passes them."""
    return list(inspect.signature(func).parameters)


def hook(name: str, ok: bool, why: str) -> None:
    """Fail loudly, naming the hook and what our code assumes of it."""
    assert ok, f"library hook {name}: {why}"


@pytest.fixture(scope="module")
def docx_blob() -> bytes:
    """A small Word document with a Jinja tag split over two runs, as Word splits tags."""
    doc = Document()
    para = doc.add_paragraph()
    para.add_run("Hello {{ na")
    para.add_run("me }}!")
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


# -- docxtpl --------------------------------------------------------------------------------------

def test_docxtpl_render_calls_the_methods_we_override(docx_blob: bytes) -> None:
    from docxtpl import DocxTemplate

    calls: dict[str, list[Any]] = {"patch_xml": [], "fix_tables": [], "resolve_listing": [], "from_string": [],
                                   "render_properties": []}

    class Env(jinja2.Environment):
        def from_string(self, source: Any, globals: Any = None, template_class: Any = None) -> jinja2.Template:
            calls["from_string"].append((type(source), globals, template_class))
            return super().from_string(source, globals, template_class)

    class Spy(DocxTemplate):
        def patch_xml(self, src_xml: str) -> str:
            calls["patch_xml"].append(src_xml)
            return super().patch_xml(src_xml)

        def fix_tables(self, xml: str) -> Any:
            calls["fix_tables"].append(xml)
            return super().fix_tables(xml)

        def resolve_listing(self, xml: str) -> str:
            calls["resolve_listing"].append(xml)
            return super().resolve_listing(xml)

        def render_properties(self, context: Any, jinja_env: Any = None) -> None:
            calls["render_properties"].append(context)
            return super().render_properties(context, jinja_env)

    tpl = Spy(io.BytesIO(docx_blob))
    tpl.render({"name": "Grays"}, Env(autoescape=True), autoescape=True)
    for name, seen in calls.items():
        hook(f"docxtpl DocxTemplate.render -> {name}", bool(seen), "render no longer calls it, so our override "
             "(render/docx.py _Template / _Environment) is silently bypassed")
    hook("docxtpl DocxTemplate.render -> jinja env from_string",
         all(kind is str and g is None and t is None for kind, g, t in calls["from_string"]),
         "docxtpl now passes globals or a template class (or not a str); _Environment caches only plain sources")
    text = "".join(p.text for p in tpl.docx.paragraphs)
    hook("docxtpl DocxTemplate.render", "Hello Grays!" in text, f"the split tag was not rendered: {text!r}")


@pytest.mark.parametrize("comments", ["", "Plain & <kept>", "{{ name }} & co", "ends with a newline\n",
                                      "a\r\nWindows line"])
def test_docxtpl_render_properties_is_what_our_override_writes(docx_blob: bytes, comments: str) -> None:
    from docxtpl import DocxTemplate

    from generator.render.docx import _RENDERED_PROPERTIES, _Template

    hook("docxtpl DocxTemplate.render_properties", params(DocxTemplate.render_properties)
         == ["self", "context", "jinja_env"], f"signature is now {params(DocxTemplate.render_properties)}")
    source = inspect.getsource(DocxTemplate.render_properties)
    rendered = [name for name in ("author", "category", "comments", "content_status", "identifier", "keywords",
                                  "language", "last_modified_by", "subject", "title", "version")
                if f'"{name}",' in source and f'# "{name}"' not in source and f"# '{name}'" not in source]
    hook("docxtpl DocxTemplate.render_properties", tuple(rendered) == _RENDERED_PROPERTIES,
         f"renders {rendered}, not the properties render/docx.py _RENDERED_PROPERTIES lists")
    doc = Document(io.BytesIO(docx_blob))
    doc.core_properties.comments = comments
    doc.core_properties.title = "Title {{ name }}"
    buf = io.BytesIO()
    doc.save(buf)
    theirs, ours = DocxTemplate(io.BytesIO(buf.getvalue())), _Template(buf.getvalue(), {})
    for tpl in (theirs, ours):
        tpl.init_docx()
        tpl.render_properties({"name": "Grays"}, jinja2.Environment(autoescape=True))
    core = [tpl.docx.core_properties._element for tpl in (theirs, ours)]
    hook("docxtpl DocxTemplate.render_properties", etree.tostring(core[0]) == etree.tostring(core[1]),
         "writes other core properties than _Template.render_properties, which skips Jinja for text without a tag")
    assert ours.docx.core_properties.title == "Title Grays"


def test_docxtpl_patch_xml_is_a_pure_function_of_the_xml() -> None:
    from docxtpl import DocxTemplate

    from generator.render.docx import patch_xml

    hook("docxtpl DocxTemplate.patch_xml", params(DocxTemplate.patch_xml) == ["self", "src_xml"],
         f"signature is now {params(DocxTemplate.patch_xml)}")
    split = BODY.format('<w:p><w:r><w:t>{{ ti</w:t></w:r><w:r><w:rPr><w:b/></w:rPr><w:t>tle }}</w:t></w:r></w:p>')
    once = patch_xml(split)  # called on a throw-away DocxTemplate(io.BytesIO()): it must use nothing of it
    hook("docxtpl DocxTemplate.patch_xml", "{{ title }}" in once, "no longer re-joins a tag split across runs")
    again = DocxTemplate.patch_xml(DocxTemplate(io.BytesIO()), split)
    hook("docxtpl DocxTemplate.patch_xml", once == again, "gives different XML for the same input: the per-template "
         "cache of _Template.patch_xml would be wrong")


def _table(grid: int, cells: int) -> str:
    cols = "".join('<w:gridCol w:w="2000"/>' for _ in range(grid))
    row = "".join("<w:tc><w:p/></w:tc>" for _ in range(cells))
    return BODY.format(f"<w:tbl><w:tblGrid>{cols}</w:tblGrid><w:tr>{row}</w:tr></w:tbl>")


@pytest.mark.parametrize("grid, cells", [(2, 2), (2, 3), (3, 2)])
def test_docxtpl_fix_tables_changes_only_the_tables_we_say_it_does(grid: int, cells: int) -> None:
    from docxtpl import DocxTemplate

    from generator.render.docx import _grid_needs_fixing

    hook("docxtpl DocxTemplate.fix_tables", params(DocxTemplate.fix_tables) == ["self", "xml"],
         f"signature is now {params(DocxTemplate.fix_tables)}")
    xml = _table(grid, cells)
    fixed = DocxTemplate.fix_tables(DocxTemplate(io.BytesIO()), xml)
    hook("docxtpl DocxTemplate.fix_tables", isinstance(fixed, etree._Element),
         f"returns {type(fixed).__name__}, not the lxml tree our override returns when nothing needs fixing")
    changed = etree.tostring(fixed) != etree.tostring(etree.fromstring(xml))
    hook("docxtpl DocxTemplate.fix_tables", changed == _grid_needs_fixing(etree.fromstring(xml)),
         f"a table of {grid} grid columns and {cells} cells is {'changed' if changed else 'left alone'} by docxtpl, "
         "which render/docx.py _grid_needs_fixing does not predict: our shortcut would give different output")


def test_docxtpl_resolve_listing_leaves_xml_without_listing_characters_alone() -> None:
    from docxtpl import DocxTemplate

    hook("docxtpl DocxTemplate.resolve_listing", params(DocxTemplate.resolve_listing) == ["self", "xml"],
         f"signature is now {params(DocxTemplate.resolve_listing)}")
    tpl = DocxTemplate(io.BytesIO())
    plain = BODY.format('<w:p><w:r><w:t xml:space="preserve">Grays &amp; Tilbury</w:t></w:r></w:p>')
    hook("docxtpl DocxTemplate.resolve_listing", DocxTemplate.resolve_listing(tpl, plain) == plain,
         "changes XML without \\t \\a \\n \\f, which _Template.resolve_listing skips")
    broken = BODY.format('<w:p><w:r><w:t xml:space="preserve">Grays\nTilbury</w:t></w:r></w:p>')
    hook("docxtpl DocxTemplate.resolve_listing", "<w:br/>" in DocxTemplate.resolve_listing(tpl, broken),
         "no longer turns a newline into a line break: the characters it handles have changed")


def test_docxtpl_template_errors_carry_the_docx_context() -> None:
    from docxtpl import DocxTemplate

    doc = Document()
    doc.add_paragraph("Hello {{ name }!")
    buf = io.BytesIO()
    doc.save(buf)
    tpl = DocxTemplate(io.BytesIO(buf.getvalue()))
    with pytest.raises(jinja2.TemplateSyntaxError) as caught:
        tpl.render({}, jinja2.Environment(autoescape=True), autoescape=True)
    hook("docxtpl TemplateError.docx_context", hasattr(caught.value, "docx_context"),
         "template errors no longer carry docx_context, which render/docx.py puts in its message")


# -- python-docx ----------------------------------------------------------------------------------

def test_python_docx_package_writer_writes_what_save_does(docx_blob: bytes) -> None:
    from docx.opc.pkgwriter import PackageWriter
    from docxtpl import DocxTemplate

    from generator.write.outputs import normalise_zip
    from generator.render.docx import _package_bytes

    for name, want in (("_write_content_types_stream", ["phys_writer", "parts"]),
                       ("_write_pkg_rels", ["phys_writer", "pkg_rels"]), ("_write_parts", ["phys_writer", "parts"])):
        hook(f"python-docx PackageWriter.{name}", hasattr(PackageWriter, name) and params(getattr(PackageWriter, name))
             == want, "missing or with another signature: render/docx.py _package_bytes falls back to saving twice")
    tpl = DocxTemplate(io.BytesIO(docx_blob))
    tpl.render({"name": "Grays"})
    ours = _package_bytes(tpl)
    buf = io.BytesIO()
    tpl.save(buf)

    def entries(data: bytes) -> list[tuple[str, bytes]]:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            return [(info.filename, package.read(info)) for info in package.infolist()]

    hook("python-docx PackageWriter._write_*", entries(ours) == entries(normalise_zip(buf.getvalue())),
         "writing the parts ourselves no longer gives the parts save() writes, in its order")


def test_python_docx_part_classes_are_what_the_audit_reads_without_it() -> None:
    from docx.opc.part import PartFactory

    from generator.checks.audit import _docx_classes, _read_docx_directly, _read_docx_with_python_docx

    names = _docx_classes()
    for attr in ("part_type_for", "default_part_type"):
        hook(f"python-docx PartFactory.{attr}", hasattr(PartFactory, attr),
             "gone: audit.py _read_docx_directly cannot tell which parts python-docx parses")
    built = ROOT / "templates" / "docx" / "agenda.docx"
    direct = _read_docx_directly(built)
    hook("python-docx part classes (audit._read_docx_directly)", direct is not None,
         "a plain Word document is no longer recognised as one python-docx only reads: every audit goes the slow way")
    assert direct is not None
    reference = _read_docx_with_python_docx(built)
    hook("python-docx part classes (audit._read_docx_directly)",
         (direct.title, direct.language, len(direct.body)) == (reference.title, reference.language,
                                                                len(reference.body)),
         "reading the package directly no longer gives what python-docx's Document() gives")
    hook("python-docx XmlPart.load", names["parsed"] is not None, "no plain function behind XmlPart.load")


def test_python_docx_numbering_elements_restart_a_list_as_wordml_draws_it() -> None:
    from docx.oxml.ns import qn

    doc = Document(str(ROOT / "templates" / "docx" / "briefing_note.docx"))
    numbering = doc.part.numbering_part.element
    abstract = int(numbering.findall(qn("w:abstractNum"))[0].get(qn("w:abstractNumId")))
    for name in ("add_num",):
        hook(f"python-docx CT_Numbering.{name}", hasattr(numbering, name),
             "gone: render/docx.py cannot give a numbered list its own w:num to restart at its start")
    num = numbering.add_num(abstract)
    num.add_lvlOverride(ilvl=0).add_startOverride(3)
    xml = etree.tostring(num).decode()
    hook("python-docx CT_Num.add_lvlOverride / add_startOverride",
         int(num.numId) > 0 and 'w:ilvl="0"' in xml and '<w:startOverride w:val="3"/>' in xml
         and f'<w:abstractNumId w:val="{abstract}"/>' in xml,
         f"a new w:num is no longer drawn as render/docx.py expects: {xml}")


def test_python_docx_style_names_are_found_as_word_shows_them() -> None:
    from docx.styles import BabelFish

    from generator.render.docx import find_style

    hook("python-docx BabelFish.ui2internal", BabelFish.ui2internal("Heading 1") == "heading 1",
         "no longer maps Word's shown style names to the stored ones: find_style cannot find LibreOffice's")
    doc = Document(str(ROOT / "templates" / "docx" / "briefing_note.docx"))
    style = find_style(doc, "Heading 1")
    hook("python-docx CT_Style.name_val", (style.element.name_val or "").lower() == "heading 1",
         "the style element no longer gives its stored name as name_val")


# -- openpyxl -------------------------------------------------------------------------------------

def _reopen(wb: Any) -> Any:
    from openpyxl import load_workbook

    buf = io.BytesIO()
    wb.save(buf)
    return load_workbook(io.BytesIO(buf.getvalue()))


def test_openpyxl_add_sheet_reattaches_a_removed_sheet() -> None:
    from openpyxl import Workbook

    hook("openpyxl Workbook._add_sheet", params(Workbook._add_sheet)[:2] == ["self", "sheet"],
         f"signature is now {params(Workbook._add_sheet)}")
    wb = Workbook()
    wb.active.title = "Summary"
    notes = wb.create_sheet("Notes")
    notes["A1"] = "kept"
    hook("openpyxl Workbook._sheets", list(wb._sheets) == wb.worksheets, "no longer the list of the sheets")
    wb.remove(notes)
    wb.create_sheet("Paper")
    wb._add_sheet(notes)
    again = _reopen(wb)
    hook("openpyxl Workbook._add_sheet", again.sheetnames == ["Summary", "Paper", "Notes"]
         and again["Notes"]["A1"].value == "kept", f"the re-attached sheet is not saved last: {again.sheetnames}")


def test_openpyxl_cell_style_array_and_value_are_what_the_workbook_writer_sets() -> None:
    from openpyxl import Workbook
    from openpyxl.styles.cell_style import StyleArray

    wb = Workbook()
    cell = wb.active.cell(1, 1)
    cell.style = "Normal"  # as render/xlsx.py reads a named style's look from a probe cell
    hook("openpyxl Cell._style", isinstance(cell._style, StyleArray), "is no longer a StyleArray")
    numbered = StyleArray(list(range(1, len(StyleArray()) + 1)))
    hook("openpyxl StyleArray", numbered.xfId == tuple(numbered)[-1] and numbered.quotePrefix not in (None, 0),
         "xfId is no longer its last field (render/xlsx.py compares looks as tuple(_style)[:-1]), or no quotePrefix")
    cell._style = copy(cell._style)
    cell._style.quotePrefix = 1
    cell._value = "=SUM(A2:A3)"  # a service named like a formula: text, never a formula
    cell.data_type = "s"
    wb.active.cell(2, 1).value = 3
    hook("openpyxl Worksheet._cells", set(wb.active._cells) == {(1, 1), (2, 1)},
         "no longer a dict of the cells by (row, column)")
    back = _reopen(wb).active["A1"]
    hook("openpyxl Cell._value", (back.value, back.data_type) == ("=SUM(A2:A3)", "s"),
         f"text set through _value came back as {back.value!r} ({back.data_type}), not text")
    hook("openpyxl Cell._style.quotePrefix", back.quotePrefix, "the quote prefix is not saved")


def test_openpyxl_page_setup_lists_its_attributes() -> None:
    from openpyxl import Workbook

    setup = Workbook().active.page_setup
    hook("openpyxl PageSetup.__attrs__", "orientation" in getattr(setup, "__attrs__", ()),
         "render/xlsx.py copies the model sheet's page setup attribute by attribute from __attrs__")


# -- PyYAML ---------------------------------------------------------------------------------------

def test_pyyaml_composer_takes_tags_from_our_resolve_override() -> None:
    import yaml

    from generator.inputs.load import _Base, _Loader

    hook("PyYAML BaseResolver.resolve", params(yaml.resolver.BaseResolver.resolve) == ["self", "kind", "value",
                                                                                      "implicit"],
         f"signature is now {params(yaml.resolver.BaseResolver.resolve)}")
    hook("PyYAML CSafeLoader", _Base is getattr(yaml, "CSafeLoader", None),
         "PyYAML has no C loader: papers load several times slower")
    text = "a: 1\nb: true\nc: [2023-02-28]\n"
    plain = yaml.compose(text, Loader=_Base)
    ours = yaml.compose(text, Loader=_Loader)
    hook("PyYAML resolve (plain loader)", plain.value[0][1].tag == "tag:yaml.org,2002:int",
         "the plain loader no longer resolves 1 to an int tag: this test no longer tells the override apart")
    scalars = [ours.value[0][1], ours.value[1][1], ours.value[2][1].value[0]]
    hook("PyYAML CSafeLoader.resolve override (load.py _Loader)",
         all(node.tag == yaml.resolver.BaseResolver.DEFAULT_SCALAR_TAG for node in scalars)
         and ours.tag == yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG,
         f"the C composer no longer asks resolve() for tags: {[n.tag for n in scalars]}")
    hook("PyYAML node marks", (ours.value[1][1].start_mark.line, ours.value[1][1].style or None) == (1, None),
         "scalar nodes no longer carry the line and style load.py reads")


# -- the standard library -------------------------------------------------------------------------

def test_process_pool_keeps_its_worker_processes() -> None:
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(max_workers=1) as pool:
        pool.submit(int, "1").result()
        processes = getattr(pool, "_processes", None)
        hook("concurrent.futures ProcessPoolExecutor._processes",
             isinstance(processes, dict) and processes and all(hasattr(p, "kill") for p in processes.values()),
             "no longer a dict of the worker processes: an interrupted build (build._run) cannot stop its workers")



def test_a_forking_process_pool_forks_every_worker_at_its_first_submit() -> None:
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    # build._run freezes the garbage collector's view of the parent just before the pool forks its workers: a
    # worker forked later (once the parent has moved on) would inherit objects the freeze does not cover
    with ProcessPoolExecutor(max_workers=2, mp_context=multiprocessing.get_context("fork")) as pool:
        pool.submit(int, "1")
        hook("concurrent.futures ProcessPoolExecutor (fork)", len(getattr(pool, "_processes", {})) == 2,
             "no longer forks all its workers at the first submit")
