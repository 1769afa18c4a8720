"""``papers watch``: build, then build again whatever changed each time a file is saved (watchfiles).

The build is incremental (its manifest), so a rebuild after a save makes only the papers, workbook and agenda
that the change touches. Errors do not stop the watch: each build's report is handed back as it is.
"""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from watchfiles import Change, DefaultFilter, watch

from ..build import BuildReport, Options, build
from ..errors import PapersError

# how long a burst of saves is waited out (an editor writes a file, renames it, touches its folder)
STEP_MS = 50
# how often the watcher wakes up when nothing changed: the first wake-up starts the first build, once the
# watcher is in place (so that a file saved during that build is rebuilt next)
TICK_MS = 200


class _Inputs(DefaultFilter):
    """Changes to inputs: not in the output folder, not hidden or temporary files (ours are '.name.tmp')."""

    def __init__(self, out: Path) -> None:
        super().__init__()
        self.out = out.resolve()

    def __call__(self, change: Change, path: str) -> bool:
        file = Path(path)
        if file.name.startswith(".") or file.resolve().is_relative_to(self.out):
            return False
        return super().__call__(change, path)


def watch_builds(paths: list[Path], options: Options, rebuilds: int | None = None) -> Iterator[BuildReport
                                                                                             | PapersError]:
    """The first build's report, then one after each batch of saved changes; ``rebuilds``: stop after that
    many rebuilds (None: until interrupted)."""
    # a paper's folder rather than the file: editors save by writing a new file and renaming it over the old
    roots = sorted({p.parent if p.is_file() else p for p in (*paths, options.templates) if p.exists()})
    done = -1  # the first build is not a rebuild
    for changes in watch(*roots, watch_filter=_Inputs(options.out), step=STEP_MS, rust_timeout=TICK_MS,
                         yield_on_timeout=True, raise_interrupt=False):
        if changes or done < 0:
            try:
                yield build(paths, options)
            except PapersError as exc:  # a folder or file removed while watching: said, and the watch goes on
                yield exc
            done += 1
            if rebuilds is not None and done >= rebuilds:
                return
