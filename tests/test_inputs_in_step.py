"""The shipped example, inputs/2022-12-08-corporate-os, is a copy of ../shared/examples/ kept in step."""
from __future__ import annotations

import pytest

from conftest import EXAMPLE, ROOT

SHARED = ROOT.parent / "shared" / "examples" / EXAMPLE.name


def files(folder):  # type: ignore[no-untyped-def]
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())


@pytest.mark.skipif(not SHARED.is_dir(), reason=f"{SHARED} is not here (a clone without the shared folder)")
def test_example_input_equals_the_shared_example_file_by_file() -> None:
    assert files(EXAMPLE) == files(SHARED)
    different = [name for name in files(SHARED) if (EXAMPLE / name).read_bytes() != (SHARED / name).read_bytes()]
    assert not different, f"inputs/{EXAMPLE.name} differs from {SHARED}: {different}"
