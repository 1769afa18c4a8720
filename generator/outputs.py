"""Writing outputs: atomically, so a reader sees the old file or the new one, never half."""
from __future__ import annotations

import io
import os
import zipfile
from collections.abc import Mapping
from pathlib import Path


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


_UMASK = _umask()


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` via a temporary file in the same folder and a rename.

    The rename makes a killed build safe; we do not fsync (power loss is not the
    risk here, and it would cost milliseconds per paper in batch rebuilds).
    """
    import tempfile  # not at the top: a rebuild with nothing to do writes nothing

    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.chmod(tmp, 0o666 & ~_UMASK)  # mkstemp makes 0600; outputs are ordinary shared files
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


FIXED_ZIP_TIME = (1980, 1, 1, 0, 0, 0)


def normalise_zip(data: bytes, replace: Mapping[str, bytes] | None = None) -> bytes:
    """Rewrite a package with fixed entry times so equal content gives equal bytes.

    ``replace`` gives new contents for some entries (by name), e.g. post-processed XML.
    """
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = replace.get(info.filename) if replace else None
            dst.writestr(fixed_zip_entry(info.filename), body if body is not None else src.read(info.filename))
    return out.getvalue()


def fixed_zip_entry(name: str) -> zipfile.ZipInfo:
    """A zip entry that does not depend on when or where it was written."""
    info = zipfile.ZipInfo(name, FIXED_ZIP_TIME)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    return info
