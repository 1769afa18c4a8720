"""An imported paper written out: the Markdown paper (convert's canonical writer), its finance CSVs and its
pictures, all or nothing, never over an existing file unless asked to."""
from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

from ..convert import to_markdown
from ...errors import PapersError
from .classify import Imported


def targets(imported: Imported, md: Path) -> list[Path]:
    """Every file the import writes, the Markdown paper first."""
    folder = md.parent
    return [md] + [folder / name for name, _ in imported.csvs] + [folder / name for name, _ in imported.images] \
        + [folder / name for name, _ in imported.copies]


def write(imported: Imported, md: Path, force: bool) -> list[Path]:
    """Write the paper and its files; the paths written. Refuses to replace a file unless ``force``."""
    paths = targets(imported, md)
    if not force:
        existing = [p for p in paths if p.exists()]
        if existing:
            names = ", ".join(p.name for p in existing)
            raise PapersError(f"{existing[0]} already exists: nothing was written (the import would replace "
                              f"{names}); add --force to replace {'them' if len(existing) > 1 else 'it'}, or "
                              "import into another folder with -o")
    md.parent.mkdir(parents=True, exist_ok=True)
    contents: list[bytes] = [to_markdown(_as_text(imported.data), md).encode("utf-8")]
    for _, rows in imported.csvs:
        buffer = io.StringIO()
        csv.writer(buffer, lineterminator="\n").writerows(rows)
        contents.append(buffer.getvalue().encode("utf-8"))
    contents += [blob for _, blob in imported.images] + [blob for _, blob in imported.copies]
    temps = []
    try:
        for path, content in zip(paths, contents):
            tmp = path.with_name(f".{path.name}.tmp")
            tmp.write_bytes(content)
            temps.append((tmp, path))
        for tmp, path in temps:
            tmp.replace(path)
    except OSError as exc:
        for tmp, _ in temps:
            tmp.unlink(missing_ok=True)
        raise PapersError(f"{md.parent}: could not be written ({exc.strerror or exc}): check the folder exists and "
                          "you may write there, then import again") from None
    return paths


def _as_text(data: Any) -> Any:
    """The data as a YAML paper's loader gives it: every scalar as text (``true``, ``8``)."""
    if isinstance(data, dict):
        return {k: _as_text(v) for k, v in data.items()}
    if isinstance(data, list):
        return [_as_text(v) for v in data]
    if isinstance(data, bool):
        return "true" if data else "false"
    if isinstance(data, (int, float)):
        return str(data)
    return data
