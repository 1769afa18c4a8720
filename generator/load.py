"""Read YAML inputs keeping where every value was written.

Scalars are kept as the text the author wrote (only nulls become ``None``):
the validation layer coerces numbers, dates and booleans, and fields that are
printed (KPI values, times) print exactly as written.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .errors import InputError, Problem

try:  # the C composer is several times faster and keeps the same marks
    _Base: type = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - PyYAML built without libyaml
    _Base = yaml.SafeLoader

_DEFAULT_TAGS = {yaml.ScalarNode: yaml.resolver.BaseResolver.DEFAULT_SCALAR_TAG,
                 yaml.SequenceNode: yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG,
                 yaml.MappingNode: yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG}


class _Loader(_Base):  # type: ignore[misc, valid-type]
    """Composes nodes without resolving implicit tags: _convert reads a node's text and style, never
    its tag, and the resolver's regexes over every scalar are a fifth of the time spent loading."""

    def resolve(self, kind: type, value: object, implicit: object) -> str:
        return _DEFAULT_TAGS[kind]

PathKey = tuple[str | int, ...]
_NULLS = {"", "~", "null", "Null", "NULL"}
# Characters XML 1.0 forbids. YAML carries them in double-quoted escapes ("\a", "\x0b", "\ud800") and CSV
# files as bytes; they would stop the build (lxml refuses them in core properties) or corrupt a .docx.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def clean_text(value: str) -> str:
    """Input text without the characters no Word or Excel file can hold."""
    return _NOT_XML.sub("", value)


@dataclass
class Located:
    """A loaded document: plain data plus the line of every key and value."""

    file: Path
    data: Any
    lines: dict[PathKey, int] = field(default_factory=dict)
    # first line of a block scalar's content (for locating Markdown problems)
    text_lines: dict[PathKey, int] = field(default_factory=dict)
    # problems that still leave usable data (duplicate keys: the first value is kept), reported
    # with the validation problems so that a file's problems all come out in one run
    problems: list[Problem] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.file.name

    def line_of(self, path: PathKey) -> int | None:
        """Line of the nearest located ancestor of ``path``."""
        for end in range(len(path), -1, -1):
            line = self.lines.get(tuple(path[:end]))
            if line is not None:
                return line
        return None

    def problem(self, path: PathKey, message: str, level: str = "error",
                where: PathKey | None = None) -> Problem:
        """A problem about the field ``path``, on the line of ``where`` (default: ``path``)."""
        line = self.line_of(path if where is None else where)
        return Problem(self.name, line, format_path(path) or None, message, level)  # type: ignore[arg-type]


def format_path(path: PathKey) -> str:
    """``('sections', 2, 'body')`` -> ``sections[2].body``."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


def load_yaml(file: Path) -> Located:
    """Load one YAML file, raising InputError with the file and line when it cannot be read.

    Duplicate or unusable keys do not stop loading: they are in ``Located.problems``.
    """
    try:
        text = file.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError([Problem(file.name, None, None, "file not found")]) from None
    except UnicodeDecodeError as exc:
        raise InputError([Problem(file.name, None, None, f"not UTF-8 text ({exc.reason})")]) from None
    except OSError as exc:
        raise InputError([Problem(file.name, None, None, f"cannot read: {exc.strerror}")]) from None
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        msg = f"invalid YAML: {exc.problem or exc.context}"
        if exc.problem and exc.context and exc.context_mark and exc.context_mark.line + 1 != line:
            # e.g. an unclosed quote is found at the end of the file: name where it started
            msg += f" ({exc.context} on line {exc.context_mark.line + 1})"
        if "tab character" in msg:
            msg += ": indent with spaces, not tabs"
        raise InputError([Problem(file.name, line, None, msg)]) from None
    except yaml.reader.ReaderError as exc:
        # a character YAML does not allow in a file (a control character pasted from elsewhere); the reader
        # counts characters, not lines
        line = text.count("\n", 0, exc.position) + 1 if isinstance(exc.position, int) else None
        what = f"U+{exc.character:04X}" if isinstance(exc.character, int) else repr(exc.character)
        raise InputError([Problem(file.name, line, None, f"invalid YAML: the character {what} is not allowed "
                                                         "in YAML text: remove it")]) from None
    except yaml.YAMLError as exc:
        raise InputError([Problem(file.name, None, None, f"invalid YAML: {exc}")]) from None
    doc = Located(file, None)
    doc.data = _convert(node, (), doc, doc.problems) if node is not None else {}
    return doc


def _convert(node: yaml.Node, path: PathKey, doc: Located, problems: list[Problem]) -> Any:
    doc.lines.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.ScalarNode):
        if node.style in ("|", ">"):
            doc.text_lines[path] = node.start_mark.line + 2
        else:
            doc.text_lines[path] = node.start_mark.line + 1
        # a plain scalar's style is None in PyYAML's Python composer and '' in libyaml's
        if not node.style and node.value in _NULLS:
            return None
        return clean_text(node.value)
    if isinstance(node, yaml.SequenceNode):
        return [_convert(child, path + (i,), doc, problems) for i, child in enumerate(node.value)]
    if isinstance(node, yaml.MappingNode):
        out: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                problems.append(Problem(doc.name, key_node.start_mark.line + 1, format_path(path) or None,
                                        "a key must be plain text"))
                continue
            key = key_node.value
            if key == "<<":
                problems.append(Problem(doc.name, key_node.start_mark.line + 1, format_path(path) or None,
                                        "YAML merge keys ('<<') are not supported"))
                continue
            if key in out:
                problems.append(Problem(doc.name, key_node.start_mark.line + 1, format_path(path + (key,)),
                                        f"duplicate field '{key}' (first given on line {doc.lines[path + (key,)]})"))
                continue
            doc.lines[path + (key,)] = key_node.start_mark.line + 1
            out[key] = _convert(value_node, path + (key,), doc, problems)
        return out
    return None  # pragma: no cover - compose yields only the three node kinds
