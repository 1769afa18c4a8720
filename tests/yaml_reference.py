"""The YAML walk as it was before it was made faster (issue 15), kept to test the fast one against: the
lines split with the regular expression, the non-breaking-space scan on every text, every node converted by
one recursive function.

tests/test_yaml_walk.py loads the same texts with this and with generator/inputs/load.py and asserts that
the data, every line and text line, and every problem (or the InputError) are the same.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from generator.errors import InputError, Problem
from generator.inputs.load import (_LINE_BREAK, _NULLS, MAX_DEPTH, Located, PathKey, _alias_problems,
                                   _nbsp_problems, _respace, _Walk, clean_text, compose, format_path)


def reference_parse_yaml(text: str, file: Path, first_line: int = 1) -> Located:
    """Load YAML text (read from ``file``, starting on line ``first_line`` of it) as :func:`load_yaml` does."""
    lines = _LINE_BREAK.split(text)
    problems = _nbsp_problems(file.name, lines, first_line)
    if problems:  # retyped as spaces, so that the rest of the file is still read and checked
        lines = [_respace(line) if i + first_line in {p.line for p in problems} else line
                 for i, line in enumerate(lines)]
        text = "\n".join(lines)
    node = compose(text, file, lines, first_line, problems)
    doc = Located(file, None)
    doc.problems.extend(problems)
    walk = _ReferenceWalk(doc, lines, first_line)
    doc.data = walk.convert(node, (), 0, None) if node is not None else {}
    if walk.repeated:
        raise InputError(doc.problems + _alias_problems(text, file.name, first_line))
    return doc


class _ReferenceWalk:
    """Node tree -> plain data, recording lines and the text YAML changed without a word."""

    def __init__(self, doc: Located, lines: list[str], first_line: int) -> None:
        self.doc = doc
        self.lines = lines
        self.first = first_line
        self.seen: set[int] = set()
        self.repeated = False

    def convert(self, node: yaml.Node, path: PathKey, depth: int, parent: str | None) -> Any:
        doc = self.doc
        if id(node) in self.seen:  # an alias: the same node again (expanding them is the "billion laughs")
            self.repeated = True
            return None
        self.seen.add(id(node))
        if depth > MAX_DEPTH:
            raise InputError(doc.problems + [Problem(doc.name, node.start_mark.line + self.first, None,
                                                     f"lists or mappings nested more than {MAX_DEPTH} deep: a "
                                                     "paper needs only a few levels")])
        doc.lines.setdefault(path, node.start_mark.line + self.first)
        if isinstance(node, yaml.ScalarNode):
            if node.style in ("|", ">"):
                doc.text_lines[path] = node.start_mark.line + self.first + 1
            else:
                doc.text_lines[path] = node.start_mark.line + self.first
                self.check_scalar(node, path, parent)
            # a plain scalar's style is None in PyYAML's Python composer and '' in libyaml's
            if not node.style and node.value in _NULLS:
                return None
            return clean_text(node.value)
        if isinstance(node, yaml.SequenceNode):
            return [self.convert(child, path + (i,), depth + 1, "item") for i, child in enumerate(node.value)]
        if isinstance(node, yaml.MappingNode):
            out: dict[str, Any] = {}
            for key_node, value_node in node.value:
                key = self.key(key_node, path, out)
                if key is None:
                    continue
                line = key_node.start_mark.line + self.first
                doc.lines[path + (key,)] = line
                out[key] = self.convert(value_node, path + (key,), depth + 1, key)
            return out
        return None  # pragma: no cover - compose yields only the three node kinds

    # which keys are refused, what each scalar is checked for and how problems are told are unchanged:
    # shared with the fast walk
    problem = _Walk.problem
    key = _Walk.key
    check_scalar = _Walk.check_scalar
    check_after_body = _Walk.check_after_body
