"""Equal inputs give byte-identical Word files: no "now" in zip entries or core properties."""
from __future__ import annotations

import zipfile
from pathlib import Path

from conftest import EXAMPLE, run_papers


def test_two_builds_give_byte_identical_docx(built_example: Path, tmp_path: Path) -> None:
    # the second build runs in one process (-j 1); the session's build used the default workers
    result = run_papers("build", EXAMPLE, "-o", tmp_path, "-j", "1")
    assert result.exit_code == 0, result.output
    first = sorted(p.name for p in built_example.glob("*.docx"))
    second = sorted(p.name for p in (tmp_path / EXAMPLE.name).glob("*.docx"))
    assert first == second and {"05-central-services.docx", "06-change-and-improvement.docx"} <= set(first)
    for name in first:
        a = (built_example / name).read_bytes()
        b = (tmp_path / EXAMPLE.name / name).read_bytes()
        assert a == b, f"{name} differs between two builds"


def test_no_build_time_in_the_package(built_example: Path) -> None:
    path = built_example / "05-central-services.docx"
    with zipfile.ZipFile(path) as z:
        assert {info.date_time for info in z.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        core = z.read("docProps/core.xml").decode()
    assert "2022-12-08T00:00:00Z" in core
    assert core.count("dcterms:W3CDTF") == 2  # created and modified, both the meeting date
