"""The baseline a user would otherwise write: one process, a loop over papers with plain docxtpl.

    python bench/baseline.py CONTEXTS.json

CONTEXTS.json holds [{"template": path, "out": path, "context": {...}}, ...] made by
bench/synth.py: plain strings, with the bodies (paragraphs, bullet lists, tables) as
pre-built WordprocessingML in the template's own styles. Per paper the loop loads the
template, renders it and saves the .docx: no validation, no Markdown, no manifest, no
workbook. Prints the seconds spent in the loop (the process is timed from outside).
"""
from __future__ import annotations

import json
import sys
import time

from docxtpl import DocxTemplate
from markupsafe import Markup

def _markup(ctx: dict) -> dict:
    """Body XML goes in as Markup (inserted as is); every other string is escaped by autoescape."""
    for part in [ctx.get("introduction"), ctx.get("finance"), *ctx.get("sections", [])]:
        if part:
            part["body"] = Markup(part["body"])
    ctx["recommendations"] = [Markup(r) for r in ctx.get("recommendations", [])]
    return ctx


def main() -> None:
    with open(sys.argv[1], encoding="utf-8") as fh:
        jobs = json.load(fh)
    for job in jobs:
        _markup(job["context"])
    start = time.perf_counter()
    for job in jobs:
        tpl = DocxTemplate(job["template"])
        tpl.render(job["context"], autoescape=True)
        tpl.save(job["out"])
    print(f"{time.perf_counter() - start:.3f}")


if __name__ == "__main__":
    main()
