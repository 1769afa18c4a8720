"""Keeps one LibreOffice running and converts files on request (run by render/pdf.py, not imported).

It runs under the Python that has LibreOffice's UNO bridge (Debian's python3 with python3-uno), not
the project's virtualenv, so it uses the standard library and ``uno`` only. Protocol: after
LibreOffice answers, one line ``{"ready": true}``; then, for each JSON request line on stdin
(``src``, ``dst``, ``filter``, ``data``: the export filter's options), one JSON reply line
(``ok``, and ``error`` when it failed). End of input stops LibreOffice; so do SIGTERM and the parent
dying (render/lifeline.py), which also remove WORK_DIR. LibreOffice runs in a process group of its own,
with its profile and temporary files in WORK_DIR, so that ending the group ends all of it.

    python3 uno_worker.py SOFFICE WORK_DIR PIPE_NAME PARENT_PID START_SECONDS
"""
from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import lifeline  # beside this file (sys.path[0] when run as a script)

import uno  # type: ignore[import-not-found]
from com.sun.star.beans import PropertyValue  # type: ignore[import-not-found]
from com.sun.star.connection import NoConnectException  # type: ignore[import-not-found]

_office: subprocess.Popen | None = None
_work = ""


def stop_office() -> None:
    """End LibreOffice (its whole process group) and remove its work folder."""
    if _office is not None:
        lifeline.kill_group(_office.pid)
    if _work:
        shutil.rmtree(_work, ignore_errors=True)


def _terminated(*_: object) -> None:
    stop_office()
    os._exit(1)


def prop(name: str, value: object) -> PropertyValue:
    """A UNO property."""
    p = PropertyValue()
    p.Name = name
    p.Value = value
    return p


def connect(soffice: str, work: str, pipe: str, seconds: float) -> tuple[subprocess.Popen, object]:
    """Start LibreOffice listening on a named pipe and return it with its Desktop."""
    global _office
    profile, tmp = Path(work) / "profile", Path(work) / "tmp"
    tmp.mkdir(parents=True, exist_ok=True)
    # environment: see render/pdf.py office_env (TZ=UTC, the headless plug-in); TMPDIR inside WORK_DIR
    _office = office = lifeline.start_in_group(
        [soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--invisible", "--norestore",
         "--nolockcheck", "--nodefault", f"--accept=pipe,name={pipe};urp;StarOffice.ComponentContext"],
        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        env={**os.environ, "TMPDIR": str(tmp)})
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
    deadline = time.monotonic() + seconds
    while True:
        try:
            ctx = resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
            break
        except NoConnectException:
            if office.poll() is not None:
                raise RuntimeError("LibreOffice did not start") from None
            if time.monotonic() > deadline:
                raise TimeoutError("LibreOffice did not start in time") from None
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
    global _work
    soffice, _work, pipe, parent, seconds = sys.argv[1:6]
    signal.signal(signal.SIGTERM, _terminated)
    lifeline.die_with_parent(int(parent), stop_office, signal.SIGTERM)
    try:
        office, desktop = connect(soffice, _work, pipe, float(seconds))
    except Exception as exc:  # noqa: BLE001 - told to the parent, which falls back to soffice --convert-to
        stop_office()
        print(json.dumps({"ready": False, "error": str(exc), "timeout": isinstance(exc, TimeoutError)}),
              flush=True)
        return
    print(json.dumps({"ready": True, "office": office.pid}), flush=True)
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
            pass
        stop_office()  # soffice.bin, should oosplash have left it behind, and the work folder


if __name__ == "__main__":
    main()
