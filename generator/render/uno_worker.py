"""Keeps one LibreOffice running and converts files on request (run by render/pdf.py, not imported).

It runs under the Python that has LibreOffice's UNO bridge (Debian's python3 with python3-uno), not
the project's virtualenv, so it uses the standard library and ``uno`` only. Protocol: after
LibreOffice answers, one line ``{"ready": true}``; then, for each JSON request line on stdin
(``src``, ``dst``, ``filter``, ``data``: the export filter's options), one JSON reply line
(``ok``, and ``error`` when it failed). End of input (or the parent dying) stops LibreOffice.

    python3 uno_worker.py SOFFICE PROFILE_DIR PIPE_NAME
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import uno  # type: ignore[import-not-found]
from com.sun.star.beans import PropertyValue  # type: ignore[import-not-found]
from com.sun.star.connection import NoConnectException  # type: ignore[import-not-found]

CONNECT_SECONDS = 60


def prop(name: str, value: object) -> PropertyValue:
    """A UNO property."""
    p = PropertyValue()
    p.Name = name
    p.Value = value
    return p


def connect(soffice: str, profile: str, pipe: str) -> tuple[subprocess.Popen, object]:
    """Start LibreOffice listening on a named pipe and return it with its Desktop."""
    office = subprocess.Popen(
        [soffice, f"-env:UserInstallation={Path(profile).as_uri()}", "--headless", "--invisible", "--norestore",
         "--nolockcheck", "--nodefault", f"--accept=pipe,name={pipe};urp;StarOffice.ComponentContext"],
        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        env={**os.environ, "SAL_USE_VCLPLUGIN": "svp"})
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
    deadline = time.monotonic() + CONNECT_SECONDS
    while True:
        try:
            ctx = resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
            break
        except NoConnectException:
            if office.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("LibreOffice did not start") from None
            time.sleep(0.05)
    desktop = ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
    return office, desktop


def export(desktop: object, request: dict) -> None:
    """Open ``src`` hidden and read-only, store it through the export filter as ``dst``, close it."""
    doc = desktop.loadComponentFromURL(Path(request["src"]).as_uri(), "_blank", 0,  # type: ignore[attr-defined]
                                       (prop("Hidden", True), prop("ReadOnly", True)))
    if doc is None:
        raise RuntimeError("LibreOffice could not open it")
    try:
        data = uno.Any("[]com.sun.star.beans.PropertyValue",
                       tuple(prop(k, v) for k, v in request.get("data", {}).items()))
        args = (prop("FilterName", request["filter"]), prop("FilterData", data))
        uno.invoke(doc, "storeToURL", (Path(request["dst"]).as_uri(), args))
    finally:
        doc.close(True)


def main() -> None:
    soffice, profile, pipe = sys.argv[1:4]
    try:
        office, desktop = connect(soffice, profile, pipe)
    except Exception as exc:  # noqa: BLE001 - told to the parent, which falls back to soffice --convert-to
        print(json.dumps({"ready": False, "error": str(exc)}), flush=True)
        return
    print(json.dumps({"ready": True}), flush=True)
    try:
        for line in sys.stdin:
            try:
                export(desktop, json.loads(line))
                reply: dict = {"ok": True}
            except Exception as exc:  # noqa: BLE001 - one file failing does not stop the others
                reply = {"ok": False, "error": str(exc)}
            print(json.dumps(reply), flush=True)
    finally:
        try:
            desktop.terminate()  # type: ignore[attr-defined]
        except Exception:  # noqa: BLE001 - the bridge goes down with LibreOffice: expected
            pass
        try:
            office.wait(timeout=30)
        except subprocess.TimeoutExpired:
            office.kill()


if __name__ == "__main__":
    main()
