"""Read a paper written as a Markdown document (``NN-name.md``) into the data a YAML paper gives.

The document is YAML front matter between ``---`` lines (the short fields), then a Markdown body where each
``# Heading`` starts a section. Fenced ```` ```kpis ````, ```` ```finance ```` and ```` ```table ```` blocks hold
the YAML of today's blocks and GFM pipe tables become ``table`` blocks. The result is a :class:`Located` whose
lines are counted in the .md file, so that validation, assembly and every message are the YAML paper's own.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from ..errors import InputError, Problem
from .load import Located, PathKey, parse_yaml

FENCE_BLOCKS = ("kpis", "finance", "table")
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})[ \t]*([^`\s]*)[^`]*$")
_HEADING = re.compile(r"^ {0,3}#(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$")
_DELIMITER = re.compile(r"^ {0,3}\|?[ \t]*:?-+:?[ \t]*(\|[ \t]*:?-+:?[ \t]*)*\|?[ \t]*$")
_LINE_BREAK = re.compile("\r\n|[\r\n\x85\u2028\u2029]")

# the committee report's sections a '# ' heading may name: key -> field path and the template's title
# (recommendations and background papers are lists: one '- ' item each)
COMMITTEE_SECTIONS: dict[str, tuple[PathKey, str]] = {
    "executive_summary": (("executive_summary",), "Executive Summary"),
    "recommendations": (("recommendations",), "Recommendation(s)"),
    "introduction": (("introduction",), "Introduction and Background"),
    "issues_and_options": (("issues_and_options",), "Issues, Options and Analysis of Options"),
    "reasons": (("reasons",), "Reasons for Recommendation"),
    "consultation": (("consultation",), "Consultation (including Overview and Scrutiny, if applicable)"),
    "impact": (("impact",), "Impact on corporate policies, priorities, performance and community impact"),
    "financial": (("implications", "financial", "body"), "Financial implications"),
    "legal": (("implications", "legal", "body"), "Legal implications"),
    "diversity_and_equality": (("implications", "diversity_and_equality", "body"),
                               "Diversity and Equality implications"),
    "other": (("implications", "other"), "Other implications"),
    "background_papers": (("background_papers",), "Background papers used in preparing the report"),
}
LIST_SECTIONS = ("recommendations", "background_papers")
_ITEM = re.compile(r"^ {0,3}[-*+][ \t]+(.*)$")
# portfolio reports: a first '# ' heading starting with this word is the Cabinet Member's introduction
INTRODUCTION_WORD = "introduction"


def is_markdown(path: Path) -> bool:
    """Whether ``path`` names a Markdown paper file (by its extension)."""
    return path.suffix.lower() == ".md"


def _words(title: str) -> str:
    """A heading reduced for matching: no numbering, brackets, punctuation or case."""
    title = re.sub(r"^\s*\d+(\.\d+)*\.?\s*", "", title)
    title = re.sub(r"\([^)]*\)", " ", title)
    return " ".join(re.sub(r"[^0-9a-z]+", " ", title.lower().replace("_", " ")).split())


_COMMITTEE_NAMES: dict[str, str] = {"recommendations": "recommendations", "background papers": "background_papers"}
for _key, (_path, _title) in COMMITTEE_SECTIONS.items():
    _COMMITTEE_NAMES[_words(_key)] = _key
    _COMMITTEE_NAMES[_words(_title)] = _key
    _COMMITTEE_NAMES[_words(_title).removesuffix(" implications")] = _key


def committee_section(title: str) -> str | None:
    """The committee report section a heading names (by its key or template title), or None."""
    return _COMMITTEE_NAMES.get(_words(title))


def parse_markdown_paper(text: str, file: Path) -> Located:
    """A Markdown paper's text as the located data of the equivalent YAML paper (InputError if unreadable)."""
    lines = _LINE_BREAK.split(text)
    if not lines or lines[0].strip() != "---":
        raise InputError([Problem(file.name, 1, None, "a Markdown paper starts with its front matter: a line "
                                  "'---', the fields (template: ..., title: ...), then another '---' line")])
    end = next((i for i in range(1, len(lines)) if lines[i].rstrip() in ("---", "...")), None)
    if end is None:
        raise InputError([Problem(file.name, 1, None, "the front matter opened by '---' on this line is never "
                                  "closed: add a line '---' after the fields, before the text")])
    doc = parse_yaml("\n".join(lines[1:end]), file, first_line=2)
    if not isinstance(doc.data, dict):
        raise InputError(doc.problems + [Problem(file.name, 2, None, "the front matter must be fields "
                                                 "(template: ..., title: ...), one a line")])
    _Body(doc, lines, end + 1).read()
    return doc


class _Body:
    """The Markdown body after the front matter, split into sections and blocks into ``doc``."""

    def __init__(self, doc: Located, lines: list[str], start: int) -> None:
        self.doc = doc
        self.lines = lines
        self.start = start  # index of the body's first line

    def problem(self, index: int, field: str | None, message: str) -> None:
        self.doc.problems.append(Problem(self.doc.name, index + 1, field, message))

    def read(self) -> None:
        """Fill the paper's sections (or a committee report's fields) from the body."""
        sections = self.split()
        if not sections:
            return
        template = self.doc.data.get("template")
        kind = template.strip().lower() if isinstance(template, str) else ""
        if kind == "committee_report":
            self.committee(sections)
        else:
            self.sectioned(sections, kind == "briefing_note", kind == "portfolio_report")

    def split(self) -> list[tuple[int | None, str | None, int, int]]:
        """(heading line, title, first, end) of each part of the body; a part before any heading has none."""
        parts: list[tuple[int | None, str | None, int, int]] = []
        heading: int | None = None
        title: str | None = None
        first = self.start
        fence: str | None = None
        for i in range(self.start, len(self.lines)):
            line = self.lines[i]
            match = _FENCE.match(line)
            if fence is not None:
                if _closes(line, fence):
                    fence = None
                continue
            if match:
                fence = match.group(1)
                continue
            head = _HEADING.match(line)
            if head:
                parts.append((heading, title, first, i))
                heading, title, first = i, (head.group(1) or "").strip(), i + 1
        parts.append((heading, title, first, len(self.lines)))
        if parts[0][0] is None and not any(self.lines[j].strip() for j in range(parts[0][2], parts[0][3])):
            parts.pop(0)
        return parts

    def taken(self, path: PathKey, index: int) -> bool:
        """Whether the front matter already gives ``path`` (then a heading giving it again is an error)."""
        data: Any = self.doc.data
        for key in path:
            if not isinstance(data, dict) or key not in data:
                return False
            data = data[key]
        line = self.doc.line_of(path)
        self.problem(index, ".".join(str(p) for p in path), f"given twice: in the front matter (line {line}) and "
                     "as this '#' section: keep one")
        return True

    def sectioned(self, parts: list[tuple[int | None, str | None, int, int]], untitled_first: bool,
                  introduction: bool) -> None:
        data = self.doc.data
        for heading, title, first, end in parts:
            if heading is not None and not title:
                self.problem(heading, None, "a '#' heading without text: write the section's title after '# '")
        if parts[0][0] is None and not untitled_first:
            self.problem(parts[0][2] + _first_text(self.lines, parts[0][2], parts[0][3]), None,
                         "text before the first '#' heading: start the section with '# ' and its title")
            parts = parts[1:]
        if introduction and parts and "introduction" not in data and parts[0][1] \
                and parts[0][1].lower().startswith(INTRODUCTION_WORD):
            heading, title, first, end = parts[0]
            data["introduction"] = {"title": title, "body": None}
            self.doc.lines[("introduction",)] = heading + 1  # type: ignore[operator]
            self.doc.lines[("introduction", "title")] = heading + 1  # type: ignore[operator]
            self.body(("introduction", "body"), first, end, heading)
            parts = parts[1:]
        if not parts or self.taken(("sections",), parts[0][0] if parts[0][0] is not None else parts[0][2]):
            return
        data["sections"] = []
        self.doc.lines[("sections",)] = (parts[0][0] if parts[0][0] is not None else parts[0][2]) + 1
        for n, (heading, title, first, end) in enumerate(parts):
            section: dict[str, Any] = {} if heading is None else {"title": title}
            data["sections"].append(section)
            where = heading if heading is not None else first
            self.doc.lines[("sections", n)] = where + 1
            if heading is not None:
                self.doc.lines[("sections", n, "title")] = heading + 1
            section["body"] = None
            self.body(("sections", n, "body"), first, end, where)

    def committee(self, parts: list[tuple[int | None, str | None, int, int]]) -> None:
        names = ", ".join(f"'{title}'" for _, title in COMMITTEE_SECTIONS.values())
        for heading, title, first, end in parts:
            if heading is None:
                self.problem(first + _first_text(self.lines, first, end), None,
                             "text before the first '#' heading: a committee report's text goes under the '#' "
                             f"headings of its sections ({names})")
                continue
            key = committee_section(title or "")
            if key is None:
                self.problem(heading, None, f"'# {title}' is not a section of a committee report: use one of "
                             f"{names} (or its field name, e.g. '# issues_and_options'); a sub-heading is '##'")
                continue
            path = COMMITTEE_SECTIONS[key][0]
            if self.taken(path, heading):
                continue
            parent: Any = self.doc.data
            for depth, part in enumerate(path[:-1]):
                if not isinstance(parent.get(part), dict):
                    if parent.get(part) is not None:
                        self.problem(heading, ".".join(map(str, path[:depth + 1])), "expected fields here "
                                     "(financial:, legal: ...) in the front matter")
                        break
                    parent[part] = {}
                    self.doc.lines.setdefault(path[:depth + 1], heading + 1)
                parent = parent[part]
            else:
                parent[path[-1]] = None
                self.doc.lines[path] = heading + 1
                if key in LIST_SECTIONS:
                    self.items(path, first, end, heading, COMMITTEE_SECTIONS[key][1])
                else:
                    self.body(path, first, end, heading)

    def items(self, path: PathKey, first: int, end: int, heading: int, title: str) -> None:
        """A list section (recommendations, background papers): one '- ' item each, a line or more."""
        items: list[str] = []
        for i in range(first, end):
            line = self.lines[i]
            item = _ITEM.match(line)
            if item:
                self.doc.lines[path + (len(items),)] = i + 1
                self.doc.text_lines[path + (len(items),)] = i + 1
                items.append(item.group(1).strip())
            elif line.strip() and items and line[:1] in " \t":  # the item goes on, indented
                items[-1] += " " + line.strip()
            elif line.strip():
                self.problem(i, None, f"under '# {title}' each one is a list item: start the line with '- '")
        _set(self.doc.data, path, items)

    def body(self, path: PathKey, first: int, end: int, heading: int) -> None:
        """The text from ``first`` to ``end`` as a body at ``path``: Markdown text, or a list of blocks."""
        items: list[Any] = []
        text_start: int | None = None
        text: list[str] = []

        def flush() -> None:
            nonlocal text_start
            if text_start is not None:
                while text and not text[-1].strip():
                    text.pop()
                if text:
                    self.doc.text_lines[path + (len(items),)] = text_start + 1
                    self.doc.lines[path + (len(items),)] = text_start + 1
                    items.append("\n".join(text) + "\n")
            text_start = None
            text.clear()

        i = first
        while i < end:
            line = self.lines[i]
            fence = _FENCE.match(line)
            if fence and fence.group(2).lower() in FENCE_BLOCKS:
                close = next((j for j in range(i + 1, end) if _closes(self.lines[j], fence.group(1))), None)
                if close is None:
                    self.problem(i, None, f"the ```{fence.group(2)} block opened here is never closed: add a line "
                                 f"{fence.group(1)} after its fields")
                    return
                flush()
                self.fenced(path + (len(items),), fence.group(2).lower(), i, close, items)
                i = close + 1
                continue
            if fence:  # another fence: Markdown text (the Markdown checks report it); skip to its end
                close = next((j for j in range(i + 1, end) if _closes(self.lines[j], fence.group(1))), end - 1)
                if text_start is None:
                    text_start = i
                text.extend(self.lines[i:close + 1])
                i = close + 1
                continue
            if "|" in line and i + 1 < end and _DELIMITER.match(self.lines[i + 1]) and "-" in self.lines[i + 1]:
                flush()
                i = self.pipe_table(path + (len(items),), i, end, items)
                continue
            if text_start is None:
                if not line.strip():
                    i += 1
                    continue
                text_start = i
            text.append(line)
            i += 1
        flush()
        value: Any = items[0] if len(items) == 1 and isinstance(items[0], str) else items
        if isinstance(value, str):
            self.doc.text_lines[path] = self.doc.text_lines.pop(path + (0,))
            self.doc.lines.pop(path + (0,), None)
        elif not value:
            value = ""
            self.doc.text_lines[path] = heading + 1
        self.doc.lines.setdefault(path, heading + 1)
        _set(self.doc.data, path, value)

    def fenced(self, path: PathKey, kind: str, opening: int, close: int, items: list[Any]) -> None:
        """A ```kpis / ```finance / ```table block: its YAML, located in the .md file."""
        inner = parse_yaml("\n".join(self.lines[opening + 1:close]), self.doc.file, first_line=opening + 2)
        self.doc.problems.extend(inner.problems)
        self.doc.lines[path] = opening + 1
        self.doc.lines[path + (kind,)] = opening + 1
        for key, line in inner.lines.items():
            if key:
                self.doc.lines[path + (kind,) + key] = line
        for key, line in inner.text_lines.items():
            self.doc.text_lines[path + (kind,) + key] = line
        items.append({kind: inner.data if inner.data != {} or close > opening + 1 else None})

    def pipe_table(self, path: PathKey, first: int, end: int, items: list[Any]) -> int:
        """A GFM pipe table as a ``table`` block; the index of the line after it."""
        header = _cells(self.lines[first])
        rows: list[list[str | None]] = []
        self.doc.lines[path] = first + 1
        self.doc.lines[path + ("table",)] = first + 1
        self.doc.lines[path + ("table", "header")] = first + 1
        i = first + 2
        while i < end and self.lines[i].strip() and "|" in self.lines[i]:
            self.doc.lines[path + ("table", "rows", len(rows))] = i + 1
            rows.append([c if c else None for c in _cells(self.lines[i])])
            i += 1
        self.doc.lines[path + ("table", "rows")] = first + 3
        if not any(header):
            self.problem(first, None, "a table needs a header row naming its columns: write them in the first "
                         "row, above the '---' line")
        items.append({"table": {"header": header, "rows": rows}})
        return i


def _cells(line: str) -> list[str]:
    """The cells of a pipe table row (``\\|`` is a '|' inside a cell)."""
    line = line.strip()
    if line.startswith("|"):
        line = line[1:]
    if line.endswith("|") and not line.endswith("\\|"):
        line = line[:-1]
    return [cell.strip().replace("\\|", "|") for cell in re.split(r"(?<!\\)\|", line)]


def _closes(line: str, opener: str) -> bool:
    """Whether ``line`` closes a fence opened with ``opener`` (the same character, at least as many)."""
    stripped = line.strip()
    return len(stripped) >= len(opener) and set(stripped) == {opener[0]}


def _first_text(lines: list[str], first: int, end: int) -> int:
    return next((j - first for j in range(first, end) if lines[j].strip()), 0)


def _set(data: dict[str, Any], path: PathKey, value: Any) -> None:
    for key in path[:-1]:
        data = data[key]  # type: ignore[index]
    data[path[-1]] = value  # type: ignore[index]
