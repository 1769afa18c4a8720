"""A paragraph's runs as inline Markdown (bold, italic, links), its text escaped so that it reads back as written."""
from __future__ import annotations

import re
from urllib.parse import quote

from ...inputs.markdown import ALLOWED_SCHEMES
from .read import Run

# ASCII punctuation CommonMark would read as markup inside a line
_SPECIAL = re.compile(r"([\\`*_\[\]<>])")
_ENTITY = re.compile(r"&(?=#?\w+;)")
# what would start a block at the beginning of a line: a heading, a quote, a list marker, a rule, a fence
_LINE_START = re.compile(r"^(\s*)(#|>|[-+*](?=\s|$)|=+\s*$|~~~|\d{1,9}(?=[.)](\s|$))|\|)")


def escape(text: str) -> str:
    """Text as Markdown that prints exactly that text."""
    text = _ENTITY.sub("\\&", _SPECIAL.sub(r"\\\1", text))
    match = _LINE_START.match(text)
    if match:
        head = match.group(2)
        if head[0].isdigit():  # "2022. A year ..." is no numbered list
            pos = match.end(2)
            text = text[:pos] + "\\" + text[pos:]
        else:
            text = text[:match.start(2)] + "\\" + text[match.start(2):]
    return text


def clean(text: str) -> str:
    """Tabs and line breaks inside a paragraph as spaces (the paper's paragraphs are one line each)."""
    return text.replace("\t", " ").replace("\n", " ").replace("\x00", "")


def link_target(target: str | None) -> str | None:
    """A hyperlink's address as a Markdown link destination, or None when the paper cannot link to it."""
    if not target:
        return None
    target = target.strip()
    scheme = target.split(":", 1)[0].lower() if ":" in target else ""
    if scheme not in ALLOWED_SCHEMES:
        return None
    return quote(target, safe="/:?#[]@!$&'*+,;=%~.-_")


def markdown(runs: list[Run]) -> str:
    """Inline Markdown of runs: ``**bold**``, ``*italic*``, ``[text](address)``."""
    groups: list[tuple[tuple[bool, bool, str | None], str]] = []
    for run in runs:
        text = clean(run.text)
        if not text:
            continue
        key = (run.bold, run.italic, link_target(run.link))
        if groups and groups[-1][0] == key:
            groups[-1] = (key, groups[-1][1] + text)
        else:
            groups.append((key, text))
    out: list[str] = []
    for (bold, italic, link), text in groups:
        core = text.strip()
        if not core:
            out.append(text)
            continue
        lead = text[:len(text) - len(text.lstrip())]
        trail = text[len(text.rstrip()):]
        piece = escape(core) if not out or "".join(out).strip() else escape(core)
        if italic:
            piece = f"*{piece}*"
        if bold:
            piece = f"**{piece}**"
        if link:
            piece = f"[{piece}]({link})"
        out.append(lead + piece + trail)
    text = "".join(out).strip()
    return text
