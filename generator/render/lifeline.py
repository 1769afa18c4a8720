"""Processes that die with their build: worker processes and LibreOffice never outlive the ``papers`` that
started them, however it ends (Ctrl-C, SIGTERM, SIGKILL).

Standard library only: the UNO worker (run by LibreOffice's Python, not the virtualenv's) imports it too.
Run as a script it supervises one command (``soffice --convert-to``) in a process group of its own:

    python3 lifeline.py PARENT_PID SECONDS COMMAND ...

ends the whole group when PARENT_PID dies or SECONDS pass (exit status 124 then), and otherwise exits with
the command's status.
"""
from __future__ import annotations

import ctypes
import os
import signal
import subprocess
import sys
import threading
import time
from typing import Callable

PR_SET_PDEATHSIG = 1  # <linux/prctl.h>
TIMED_OUT = 124  # the exit status of coreutils' timeout(1), for the same thing
_POLL_SECONDS = 0.5


def parent_death_signal(sig: int) -> None:
    """Ask Linux to send ``sig`` to this process when its parent dies (nothing elsewhere)."""
    if not sys.platform.startswith("linux"):
        return
    try:
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, int(sig), 0, 0, 0)
    except (OSError, AttributeError):
        pass  # the watchdog of die_with_parent still notices


def die_with_parent(parent: int, on_death: Callable[[], None] | None = None, sig: int = signal.SIGKILL) -> None:
    """End this process (after ``on_death``, when given) as soon as process ``parent`` is gone.

    Linux delivers ``sig`` at once (prctl PR_SET_PDEATHSIG); a watchdog thread checking the parent's pid
    covers other systems and a parent that died before this was set.
    """
    parent_death_signal(sig)

    def end() -> None:
        if on_death is not None:
            on_death()
        os._exit(1)

    if os.getppid() != parent:
        end()

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(_POLL_SECONDS)
        end()

    threading.Thread(target=watch, name="lifeline", daemon=True).start()


def kill_group(pgid: int) -> None:
    """SIGKILL every process of a process group (one that is gone already is no error)."""
    try:
        os.killpg(pgid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def kill_groups_running_with(marker: str) -> None:
    """SIGKILL the process group of every process whose command line holds ``marker`` (a LibreOffice's own
    profile folder), but never our own group: how a LibreOffice whose group was not yet told to us is ended."""
    if not os.path.isdir("/proc"):
        return
    needle = marker.encode()
    own = os.getpgrp()
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/cmdline", "rb") as f:
                if needle not in f.read():
                    continue
            group = os.getpgid(int(entry))
        except OSError:  # ended meanwhile
            continue
        if group != own:
            kill_group(group)


def pool_worker(parent: int) -> None:
    """Initializer of the build's worker processes: die with the build; Ctrl-C is the build's to handle."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    die_with_parent(parent)


def start_in_group(args: list[str], **popen: object) -> subprocess.Popen:
    """Start ``args`` as the leader of a new session, so that everything it starts can be ended with it."""
    return subprocess.Popen(args, start_new_session=True, **popen)  # type: ignore[call-overload]


def main(argv: list[str]) -> int:
    """Supervise one command (see the module's docstring)."""
    parent, seconds, command = int(argv[0]), float(argv[1]), argv[2:]
    proc = start_in_group(command, stdin=subprocess.DEVNULL)

    def stop(*_: object) -> None:
        kill_group(proc.pid)
        os._exit(1)

    signal.signal(signal.SIGTERM, stop)
    die_with_parent(parent, lambda: kill_group(proc.pid), signal.SIGTERM)
    try:
        status = proc.wait(timeout=seconds)
    except subprocess.TimeoutExpired:
        kill_group(proc.pid)
        proc.wait()
        return TIMED_OUT
    kill_group(proc.pid)  # what the command left running (LibreOffice's soffice.bin after oosplash)
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
