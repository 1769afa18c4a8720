"""``papers convert``: a YAML paper rewritten as the Markdown document that gives the same paper.

Short fields go into the front matter; section bodies become ``# Heading`` sections of the body, table blocks
fenced ```` ```kpis ```` / ```` ```finance ```` blocks or pipe tables. Whatever the Markdown form cannot say
exactly (a part it would read differently) stays in the front matter as YAML, so that the Markdown file is
always read back as the data the YAML file holds: :func:`to_markdown` checks this before writing.
"""
from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import yaml

from ..errors import InputError, PapersError, Problem
from ..inputs.load import _NULLS, load_yaml
from ..inputs.mdpaper import _DELIMITER, _FENCE, _HEADING, COMMITTEE_SECTIONS, FENCE_BLOCKS, INTRODUCTION_WORD, \
    LIST_SECTIONS, parse_markdown_paper


class _Dumper(yaml.SafeDumper):
    """Text of several lines as a literal block (``|``), as people write bodies; text unquoted wherever the
    loader reads it back as text (it keeps ``true`` and ``12`` as written: only nulls are not text)."""

    def resolve(self, kind: type, value: object, implicit: object) -> str:
        if kind is yaml.ScalarNode and implicit == (True, False):
            return "tag:yaml.org,2002:null" if value in _NULLS else "tag:yaml.org,2002:str"
        return super().resolve(kind, value, implicit)  # type: ignore[no-any-return]


def _str(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|" if "\n" in value else None)


_Dumper.add_representer(str, _str)


def dump_yaml(data: Any) -> str:
    """``data`` as block YAML, keys in their order, text as written (quoted where YAML needs it)."""
    return yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=10_000,
                     default_flow_style=False)


def convert_file(source: Path, force: bool = False) -> Path:
    """Write ``source``'s Markdown form beside it (``X.yaml`` -> ``X.md``); the path written."""
    target = source.with_suffix(".md")
    if target.exists() and not force:
        raise PapersError(f"{target} already exists: it is not overwritten (add --force to replace it)")
    doc = load_yaml(source)
    errors = [p for p in doc.problems if p.level == "error"]
    if errors:
        raise InputError(errors)
    if not isinstance(doc.data, dict):
        raise InputError([Problem(doc.name, 1, None, "a paper must be a mapping of fields")])
    text = to_markdown(doc.data, target)
    tmp = target.with_name(f".{target.name}.tmp")
    tmp.write_text(text, encoding="utf-8", newline="\n")
    tmp.replace(target)
    return target


def to_markdown(data: dict[str, Any], file: Path) -> str:
    """The Markdown document of a paper's data, read back as the same data (else all of it as front matter)."""
    text = _render(data)
    try:
        if _same(parse_markdown_paper(text, file).data, data):
            return text
    except InputError:
        pass
    return "---\n" + dump_yaml(data) + "---\n"  # always read back as written: the YAML as it is


def _render(data: dict[str, Any]) -> str:
    front = copy.deepcopy(data)
    template = str(data.get("template") or "").strip().lower()
    parts: list[tuple[str, Any]] = []  # (heading, body) in order
    if template == "committee_report":
        for key, (path, title) in COMMITTEE_SECTIONS.items():
            value = _get(front, path)
            if key in LIST_SECTIONS:
                if isinstance(value, list) and value and all(_item_ok(v) for v in value):
                    parts.append((title, "".join(f"- {v}\n" for v in value)))
                    _pop(front, path)
            elif value is not None and _writable(value):
                parts.append((title, value))
                _pop(front, path)
    else:
        sections = front.get("sections")
        intro = front.get("introduction")
        titled = template != "briefing_note"
        if template == "portfolio_report" and isinstance(intro, dict) and set(intro) == {"title", "body"} \
                and _title_ok(intro["title"]) and intro["title"].lower().startswith(INTRODUCTION_WORD) \
                and _writable(intro["body"]):
            parts.append((intro["title"], intro["body"]))
            del front["introduction"]
        if isinstance(sections, list) and _sections_ok(sections, titled):
            if template == "portfolio_report" and "introduction" not in data and sections \
                    and str(sections[0]["title"]).lower().startswith(INTRODUCTION_WORD):
                front["introduction"] = None  # so that the first section is not read as the introduction
            parts += [(s.get("title"), s["body"]) for s in sections]
            del front["sections"]
    out = ["---\n", dump_yaml(front) if front else "", "---\n"]
    for title, body in parts:
        out.append("\n" + (f"# {title}\n\n" if title is not None else "") + _body(body))
    return "".join(out)


def _sections_ok(sections: list[Any], titled: bool) -> bool:
    for n, section in enumerate(sections):
        if not isinstance(section, dict) or not set(section) <= {"title", "body"} or "body" not in section:
            return False
        title = section.get("title")
        if (title is None and (titled or n > 0)) or (title is not None and not _title_ok(title)):
            return False
        if not _writable(section["body"]):
            return False
    return True


def _item_ok(value: Any) -> bool:
    """A list item that reads back as it is: one line of text, no surrounding spaces."""
    return isinstance(value, str) and bool(value) and value == value.strip() and "\n" not in value


def _title_ok(title: Any) -> bool:
    if not isinstance(title, str) or not title.strip() or "\n" in title:
        return False
    match = _HEADING.match(f"# {title}")
    return match is not None and match.group(1) == title


def _writable(body: Any) -> bool:
    """Whether a body reads back from Markdown as it is."""
    if isinstance(body, str):
        return bool(body.strip()) and _plain_text(body)
    if not isinstance(body, list) or not body:
        return False
    previous_text = False
    for item in body:
        if isinstance(item, str):
            if previous_text or not _plain_text(item) or not item.strip():
                return False
            previous_text = True
        elif isinstance(item, dict) and len(item) == 1 and next(iter(item)) in FENCE_BLOCKS:
            previous_text = False
        else:
            return False
    return True


def _plain_text(text: str) -> bool:
    """Markdown text with nothing the Markdown form reads otherwise: a '#' heading, a pipe table, a block fence."""
    lines = text.split("\n")
    for i, line in enumerate(lines):
        if _HEADING.match(line) or line.strip() in ("---", "..."):
            return False
        fence = _FENCE.match(line)
        if fence and fence.group(2).lower() in FENCE_BLOCKS:
            return False
        if "|" in line and i + 1 < len(lines) and _DELIMITER.match(lines[i + 1]) and "-" in lines[i + 1]:
            return False
    return True


def _body(body: Any) -> str:
    if isinstance(body, str):
        return body.rstrip("\n") + "\n"
    chunks = []
    for item in body:
        if isinstance(item, str):
            chunks.append(item.rstrip("\n") + "\n")
        else:
            kind, value = next(iter(item.items()))
            pipe = _pipe_table(value) if kind == "table" else None
            chunks.append(pipe or f"```{kind}\n{dump_yaml(value) if value is not None else ''}```\n")
    return "\n".join(chunks)


def _pipe_table(table: Any) -> str | None:
    """A table block as a GFM pipe table, when it has a header and plain one-line cells."""
    if not isinstance(table, dict) or set(table) != {"header", "rows"}:
        return None
    header, rows = table["header"], table["rows"]
    if not isinstance(header, list) or not header or not isinstance(rows, list) or not rows:
        return None
    cells = [header, *rows]
    if not all(isinstance(r, list) and len(r) == len(header) for r in cells):
        return None
    if not all(isinstance(c, str) and c and c == c.strip() and "\n" not in c for c in header):
        return None
    if not all(c is None or (isinstance(c, str) and c and c == c.strip() and "\n" not in c and "\\" not in c)
               for r in rows for c in r):
        return None
    if any("\\" in c for c in header):
        return None

    def row(values: list[str | None]) -> str:
        return "| " + " | ".join((v or "").replace("|", "\\|") for v in values) + " |\n"

    return row(header) + "|" + "|".join("---" for _ in header) + "|\n" + "".join(row(r) for r in rows)


def _same(a: Any, b: Any) -> bool:
    """Equal data, text compared without its final line break (a body's '|' keeps one; Markdown ignores it)."""
    if isinstance(a, str) and isinstance(b, str):
        return a.rstrip("\n") == b.rstrip("\n")
    if isinstance(a, dict) and isinstance(b, dict):
        return set(a) == set(b) and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    return a == b


def _get(data: Any, path: tuple[Any, ...]) -> Any:
    for key in path:
        if not isinstance(data, dict):
            return None
        data = data.get(key)
    return data


def _pop(data: dict[str, Any], path: tuple[Any, ...]) -> None:
    """Remove ``path``, and the mappings it leaves empty."""
    parents = [data]
    for key in path[:-1]:
        parents.append(parents[-1][key])
    del parents[-1][path[-1]]
    for depth in range(len(path) - 1, 0, -1):
        if parents[depth] == {}:
            del parents[depth - 1][path[depth - 1]]

