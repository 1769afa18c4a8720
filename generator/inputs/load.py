"""Read YAML inputs keeping where every value was written.

Scalars are kept as the text the author wrote (only nulls become ``None``):
the validation layer coerces numbers, dates and booleans, and fields that are
printed (KPI values, times) print exactly as written.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

import yaml

from ..errors import InputError, Level, Problem

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


MAX_BYTES = 2_000_000  # a paper's text is tens of kilobytes; a larger file is the wrong file (or an attack)
MAX_DEPTH = 40  # papers nest a dozen levels at most; deeper is a mistake or an attack (RecursionError)
# Windows editors save these; each is named in a warning so that the author knows what was guessed
_BOMS = ((b"\xef\xbb\xbf", "utf-8-sig", None), (b"\xff\xfe\x00\x00", "utf-32-le", "UTF-32"),
         (b"\x00\x00\xfe\xff", "utf-32-be", "UTF-32"), (b"\xff\xfe", "utf-16-le", "UTF-16"),
         (b"\xfe\xff", "utf-16-be", "UTF-16"))
# YAML's line breaks (1.1 counts NEL, LS and PS too), so that our line numbers are the parser's
_LINE_BREAK = re.compile("\r\n|[\r\n\x85\u2028\u2029]")
_CURLY = {"\u201c": "\u201d", "\u2018": "\u2019", "\u201e": "\u201d"}
_NBSP = "\u00a0"


def decode(data: bytes, name: str) -> tuple[str, list[Problem]]:
    """Text of an input file: UTF-8 (with or without a BOM), else UTF-16/32 with a BOM, else Windows-1252;
    a warning names any encoding that is not UTF-8, an InputError says when none fits."""
    for bom, codec, label in _BOMS:
        if data.startswith(bom):
            try:
                text = data.decode(codec)
            except UnicodeDecodeError:
                break
            text = text.removeprefix("\ufeff")
            if label is None:
                return text, []
            return text, [Problem(name, None, None, f"saved as {label} text, read as such: save it as UTF-8 "
                                  "(in Notepad: Save As, Encoding UTF-8)", "warning")]
    try:
        return data.decode("utf-8"), []
    except UnicodeDecodeError as exc:
        bad = exc.start
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        line = data.count(b"\n", 0, bad) + 1
        raise InputError([Problem(name, line, None, "not UTF-8 text, nor Windows-1252 or UTF-16: save the file "
                                  "as UTF-8 (in Notepad: Save As, Encoding UTF-8)")]) from None
    line = data.count(b"\n", 0, bad) + 1
    return text, [Problem(name, line, None, "not UTF-8 text: read as Windows-1252 (as Excel and Notepad save "
                          "it); check the characters on this line and save the file as UTF-8", "warning")]


def load_yaml(file: Path) -> Located:
    """Load one YAML file, raising InputError with the file and line when it cannot be read.

    Duplicate or unusable keys, and text that YAML would silently change, do not stop loading: they
    are in ``Located.problems``.
    """
    text, warnings = read_input(file)
    doc = parse_yaml(text, file)
    doc.problems[:0] = warnings
    return doc


def load_paper_file(file: Path) -> Located:
    """Load a paper, written as YAML or as a Markdown document (``.md``), as the same located data."""
    if file.suffix.lower() != ".md":
        return load_yaml(file)
    from .mdpaper import parse_markdown_paper

    text, warnings = read_input(file)
    doc = parse_markdown_paper(text, file)
    doc.problems[:0] = warnings
    return doc


def read_input(file: Path) -> tuple[str, list[Problem]]:
    """The text of an input file and the warnings about its encoding (InputError when it cannot be read)."""
    try:
        size = file.stat().st_size
        if size > MAX_BYTES:
            raise InputError([Problem(file.name, None, None, f"the file is {size / 1e6:.1f} MB: a paper or "
                                      f"meeting.yaml may be at most {MAX_BYTES // 1_000_000} MB (is it the right "
                                      "file?)")])
        data = file.read_bytes()
    except FileNotFoundError:
        raise InputError([Problem(file.name, None, None, "file not found")]) from None
    except IsADirectoryError:
        raise InputError([Problem(file.name, None, None, "is a folder, not a file")]) from None
    except OSError as exc:
        raise InputError([Problem(file.name, None, None, f"cannot read: {exc.strerror}")]) from None
    return decode(data[:MAX_BYTES], file.name)


def parse_yaml(text: str, file: Path, first_line: int = 1) -> Located:
    """Load YAML text (read from ``file``, starting on line ``first_line`` of it) as :func:`load_yaml` does."""
    lines = split_lines(text)
    problems = _nbsp_problems(file.name, lines, first_line) if _NBSP in text else []
    if problems:  # retyped as spaces, so that the rest of the file is still read and checked
        lines = [_respace(line) if i + first_line in {p.line for p in problems} else line
                 for i, line in enumerate(lines)]
        text = "\n".join(lines)
    node = compose(text, file, lines, first_line, problems)
    doc = Located(file, None)
    doc.problems.extend(problems)
    walk = _Walk(doc, lines, first_line, "&" in text)  # an anchor is written with '&': none, no alias
    doc.data = walk.convert(node, (), 0, None, False) if node is not None else {}
    if walk.repeated:
        raise InputError(doc.problems + _alias_problems(text, file.name, first_line))
    return doc


def compose(text: str, file: Path, lines: list[str], first_line: int, problems: list[Problem]) -> yaml.Node | None:
    """The node tree of YAML text (``lines``, as split_lines gives them); an InputError with ``problems`` and
    what is wrong, said for a clerk, when it is not valid YAML."""
    try:
        return yaml.compose(text, Loader=_Loader)  # type: ignore[no-any-return]
    except yaml.MarkedYAMLError as exc:
        found = _syntax_problem(exc, file.name, lines, first_line)
        mark = exc.problem_mark or exc.context_mark
        opened = _unclosed_quote(lines, mark.line) if mark is not None and "quote" not in found.message else None
        if opened is not None:  # closed by the quote of a later value, so YAML stumbles further down
            line, quote = opened
            problems.append(Problem(file.name, line + first_line, None, f"the quote {quote} opened here is not closed "
                                    f"on this line: if the text ends here, add a closing {quote}"))
            # what YAML then says is a consequence: give it plainly, not a guess at the indentation
            found = Problem(file.name, found.line, None, f"invalid YAML: {exc.problem or exc.context} (after the "
                            f"quote opened on line {line + first_line})")
        raise InputError(problems + [found]) from None
    except yaml.reader.ReaderError as exc:
        # a character YAML does not allow in a file (a control character pasted from elsewhere); the reader
        # counts characters, not lines
        line = text.count("\n", 0, exc.position) + first_line if isinstance(exc.position, int) else None
        what = f"U+{exc.character:04X}" if isinstance(exc.character, int) else repr(exc.character)
        raise InputError(problems + [Problem(file.name, line, None, f"invalid YAML: the character {what} is not "
                                             "allowed in YAML text: remove it")]) from None
    except yaml.YAMLError as exc:
        raise InputError(problems + [Problem(file.name, None, None, f"invalid YAML: {exc}")]) from None


def split_lines(text: str) -> list[str]:
    """The lines of ``text`` as YAML counts them (``_LINE_BREAK``); most files have only ``\n``, which
    str.split finds many times faster than the regular expression."""
    if "\r" in text or "\x85" in text or "\u2028" in text or "\u2029" in text:
        return _LINE_BREAK.split(text)
    return text.split("\n")


def _respace(line: str) -> str:
    return line.replace(_NBSP, " ")


# a key line: indentation, optional "- ", a field name, the colon (what a non-breaking space can break)
_KEY_LINE = re.compile("^([ \u00a0]*)((?:-[ \u00a0]+)*)([A-Za-z_][A-Za-z0-9_ ]*?)?([ \u00a0]*):([ \u00a0]|$)")
# a line that starts a block scalar: its indented lines below are text, where a non-breaking space is text
_BLOCK_START = re.compile(r"[:-][ \t]*[|>][0-9+-]*[ \t]*(#.*)?$")


def _structure(lines: list[str]) -> Iterator[tuple[int, str, int]]:
    """(index, line, indentation) of the lines that are YAML structure, not the text of a block scalar."""
    block_indent: int | None = None  # indentation of the line that opened a block scalar
    for i, line in enumerate(lines):
        stripped = line.lstrip(" " + _NBSP)
        indent = len(line) - len(stripped)
        if block_indent is not None:
            if not stripped.strip() or indent > block_indent:
                continue
            block_indent = None
        yield i, line, indent
        if _BLOCK_START.search(line):
            block_indent = indent


# a value that starts with a quote: after "key:", "- " or both
_QUOTED_VALUE = re.compile(r"^[ \t]*(?:-[ \t]+)*(?:[^\s\"'#][^:#]*:[ \t]+)?([\"'])")


def _unclosed_quote(lines: list[str], upto: int) -> tuple[int, str] | None:
    """The first line before ``upto`` whose value opens a quote that the line does not close."""
    for i, line, _ in _structure(lines[:upto]):
        match = _QUOTED_VALUE.match(line)
        if match is None:
            continue
        quote, rest = match.group(1), line[match.end():]
        closed = (re.search(r'(?<!\\)(\\\\)*"', rest) is not None if quote == '"'
                  else "'" in rest.replace("''", ""))
        if not closed:
            return i, quote
    return None


def _nbsp_problems(name: str, lines: list[str], first_line: int) -> list[Problem]:
    """Non-breaking spaces (pasted from Word) where YAML needs a space: in the indentation or around a key."""
    problems = []
    for i, line, indent in _structure(lines):
        match = _KEY_LINE.match(line)
        where = ""
        if _NBSP in line[:indent]:
            where = "at the start of the line"
        elif match and _NBSP in match.group(0):
            where = "beside the field name" if match.group(3) else "after the '-'"
        if where:
            problems.append(Problem(name, i + first_line, None, f"a non-breaking space (U+00A0, pasted from Word) {where}: "
                                    "YAML does not read it as a space; delete the spaces there and type them "
                                    "again"))
    return problems


def _syntax_problem(exc: yaml.MarkedYAMLError, name: str, lines: list[str], first_line: int) -> Problem:
    """What a YAML syntax error means for a clerk, at the line where it can be fixed."""
    mark = exc.problem_mark or exc.context_mark
    line = mark.line if mark else None
    column = mark.column if mark else 0
    problem = exc.problem or exc.context or ""
    text = lines[line] if line is not None and line < len(lines) else ""

    def at(index: int | None, message: str) -> Problem:
        return Problem(name, None if index is None else index + first_line, None, message)

    if "tab character" in problem:
        return at(line, f"invalid YAML: {problem}"
                  + (f" ({exc.context} on line {exc.context_mark.line + first_line})"
                     if exc.context and exc.context_mark and exc.context_mark.line != line else "")
                  + ": indent with spaces, not tabs")
    if exc.context == "while scanning a quoted scalar" and exc.context_mark is not None:
        opened = exc.context_mark
        quote = lines[opened.line][opened.column] if opened.column < len(lines[opened.line]) else '"'
        return at(opened.line, f"the quote {quote} opened here is never closed: add a closing {quote} at the end of the text"
                  + (" (an apostrophe inside '...' ends the text: write it twice ('') or use double quotes)"
                     if quote == "'" else ""))
    key = _KEY_LINE.match(text)
    field = key.group(3) if key and key.group(3) else None
    value = text[key.end():].strip() if key else re.sub(r"^(-\s+)+", "", text.strip())
    if 0 < column < len(text) and text[column - 1] == "'" and (text[column].isalnum() or text[column] in "'"):
        # 'Leader's report': the apostrophe closed the quotes and the rest of the text is left over
        example = value[1:-1] if value.startswith("'") and value.endswith("'") else value
        return at(line, (f"{field}: " if field else "") + "an apostrophe inside '...' ends the text: write it "
                  "twice ('') or use double quotes: " + (f"{field}: " if field else "") + _quoted(example))
    curly = _curly_hint(text)
    if line is not None and _heading_in_plain_body(lines, line):
        return at(line, "body: a '#' heading in a body that does not start with | is read by YAML as a comment, "
                        "and the text after it as more fields: start the body with | (body: |) and indent the text "
                        "below it")
    if "mapping values are not allowed" in problem:
        if field == "body":  # text of several lines (a list, a colon at a line's end) belongs in a block
            return at(line, "body: ': ' inside a body that does not start with | (YAML reads it as a new "
                            "field): start the body with | (body: |) and indent the text below it" + curly)
        if field and value:
            return at(line, f"{field}: ': ' inside a value that is not in quotes (YAML reads it as a new field): "
                            f"put the {field} in quotes: {field}: {_quoted(value)}" + curly)
        return at(line, "invalid YAML: ': ' inside a value that is not in quotes: put the value in quotes" + curly)
    if "undefined alias" in problem or exc.context == "while scanning an alias":
        return at(line, "a value that starts with '*' is read by YAML as an alias: put the text in quotes"
                        + (f": {_quoted(text.split(': ', 1)[-1].strip())}" if ": " in text else ""))
    flow = exc.context in ("while parsing a flow sequence", "while parsing a flow mapping") and exc.context_mark
    if flow or (field and value[:1] in ("[", "{") and not _closed_flow(value)):
        # `title: [Draft] Budget` or `title: {unclosed`: YAML reads a value that starts with [ or { as a list
        # or a set of fields, not as text
        where = exc.context_mark.line if flow and exc.context_mark else line
        opening = lines[where] if where is not None and where < len(lines) else text
        found = _KEY_LINE.match(opening)
        key_name = found.group(3) if found and found.group(3) else None
        written = opening[found.end():].strip() if found else opening.strip().lstrip("- ")
        bracket = (written[0] if written[:1] in ("[", "{")
                   else "{" if exc.context == "while parsing a flow mapping" else "[")
        what = "a list" if bracket == "[" else "a set of fields"
        return at(where, f"{key_name + ': ' if key_name else ''}a value that starts with {bracket} is read by "
                         f"YAML as {what}, not as text: put the text in quotes"
                         + (f": {key_name}: {_quoted(written)}" if key_name else "") + curly)
    if "expected '-' indicator" in problem or "expected key" in problem or "block end" in problem:
        if text.lstrip().startswith("- ") and exc.context_mark is not None and "collection" in (exc.context or ""):
            return at(line, "this '-' is not lined up with the '-' of the items above it: indent it by "
                            f"{exc.context_mark.column} spaces, as they are")
        if exc.context_mark is not None and exc.context_mark.line != line:
            return at(line, "invalid YAML: this line is not lined up with the lines above it (indent it as the "
                            f"fields above it, from line {exc.context_mark.line + first_line})" + curly)
    if "maximum nesting depth" in problem:
        return at(line, f"lists or mappings nested more than {MAX_DEPTH} deep: a paper needs only a few levels")
    msg = f"invalid YAML: {problem}"
    if exc.problem and exc.context and exc.context_mark and exc.context_mark.line != line:
        msg += f" ({exc.context} on line {exc.context_mark.line + first_line})"
    return at(line, msg + curly)


def _closed_flow(value: str) -> bool:
    """Whether a value written as a YAML list or mapping (``[a, b]``, ``{name: x}``) ends where it should."""
    return (value.startswith("[") and value.endswith("]")) or (value.startswith("{") and value.endswith("}"))


def _heading_in_plain_body(lines: list[str], line: int) -> bool:
    """Whether ``line`` follows a '#' line within a ``body:`` whose text is not a block (a Markdown heading
    that YAML took for a comment)."""
    comment = False
    for index in range(line - 1, -1, -1):
        text = lines[index]
        if text.lstrip().startswith("#"):
            comment = True
            continue
        key = _KEY_LINE.match(text)
        if key and key.group(3):
            value = text[key.end():].strip()
            return comment and key.group(3) == "body" and value[:1] not in ("", "|", ">", '"', "'", "[", "{")
    return False


def _curly_hint(text: str) -> str:
    found = [c for c in "\u201c\u201d\u2018\u2019\u201e" if c in text]
    if not found:
        return ""
    return (f" (the curly quotes {' '.join(found)} on this line, pasted from Word, are not quotes to YAML: "
            "type straight quotes \" or ')")


def _quoted(value: str) -> str:
    """``value`` as a double-quoted YAML scalar, shortened for a message."""
    for open_, close in _CURLY.items():
        if value.startswith(open_) and value.endswith(close):
            value = value[1:-1]
    value = value.replace("\\", "\\\\").replace('"', '\\"')
    if len(value) > 60:
        value = value[:57] + "…"
    return f'"{value}"'


def _alias_problems(text: str, name: str, first_line: int) -> list[Problem]:
    """Every anchor and alias of a file (which papers never need; expanded, they can be a "billion laughs")."""
    problems = []
    for event in yaml.parse(text, Loader=_Loader):
        if isinstance(event, yaml.AliasEvent):
            problems.append(Problem(name, event.start_mark.line + first_line, None,
                                    f"'*{event.anchor}' is a YAML alias (a repeat of another part of the file): "
                                    "papers do not use aliases; write the text out in full, or put a value that "
                                    "starts with '*' in quotes"))
        elif getattr(event, "anchor", None):
            problems.append(Problem(name, event.start_mark.line + first_line, None,
                                    f"'&{event.anchor}' is a YAML anchor: papers do not use anchors and aliases; "
                                    "remove it, or put a value that starts with '&' in quotes"))
        if len(problems) >= 20:  # a bomb has thousands: the first twenty say enough
            break
    return problems


# a Markdown list item, heading or numbered line, which only a block scalar ('|') keeps on its own line
_LINE_START = re.compile(r"([-*+\u2022\u2013]|\d{1,3}[.)])\s")


_SCALAR, _SEQUENCE, _MAPPING = yaml.ScalarNode, yaml.SequenceNode, yaml.MappingNode


class _Walk:
    """Node tree -> plain data, recording lines and the text YAML changed without a word."""

    def __init__(self, doc: Located, lines: list[str], first_line: int, anchored: bool = True) -> None:
        self.doc = doc
        self.anchored = anchored  # whether the text may have anchors, so aliases: the same node twice
        self.lines = lines
        self.first = first_line
        self.seen: set[int] = set()
        self.repeated = False

    def problem(self, index: int, path: PathKey, message: str, level: Level = "error") -> None:
        self.doc.problems.append(Problem(self.doc.name, index + self.first, format_path(path) or None, message,
                                         level))

    def convert(self, node: yaml.Node, path: PathKey, depth: int, parent: str | None, in_body: bool) -> Any:
        """The plain data of ``node`` at ``path`` (``in_body``: "body" is one of its keys), its lines recorded.

        This runs for every node of every input (60,000 for 200 papers): checks are ordered so that the
        common case costs least, and what may be a problem is handed to check_scalar, which decides."""
        doc = self.doc
        if self.anchored:
            if id(node) in self.seen:  # an alias: the same node again (expanding them is the "billion laughs")
                self.repeated = True
                return None
            self.seen.add(id(node))
        kind = type(node)
        if kind is _SCALAR:
            return self.scalar(node, path, depth, parent, in_body)
        if depth > MAX_DEPTH:
            self.too_deep(node)
        if path not in doc.lines:
            doc.lines[path] = node.start_mark.line + self.first
        # a scalar child is read at once (most nodes are), unless it may be an alias
        direct = not self.anchored
        if kind is _SEQUENCE:
            return [self.scalar(child, path + (i,), depth + 1, "item", in_body)
                    if direct and type(child) is _SCALAR else
                    self.convert(child, path + (i,), depth + 1, "item", in_body) for i, child in enumerate(node.value)]
        if kind is _MAPPING:
            out: dict[str, Any] = {}
            for key_node, value_node in node.value:
                key = self.key(key_node, path, out)
                if key is None:
                    continue
                child = path + (key,)
                doc.lines[child] = key_node.start_mark.line + self.first
                if direct and type(value_node) is _SCALAR:
                    out[key] = self.scalar(value_node, child, depth + 1, key, in_body or key == "body")
                else:
                    out[key] = self.convert(value_node, child, depth + 1, key, in_body or key == "body")
            return out
        return None  # pragma: no cover - compose yields only the three node kinds

    def key(self, node: yaml.Node, path: PathKey, out: dict[str, Any]) -> str | None:
        """The field name of a mapping entry; None, the problem recorded, for one that cannot be used (the
        entry is then skipped)."""
        doc = self.doc
        line = node.start_mark.line + self.first
        if type(node) is not _SCALAR:
            doc.problems.append(Problem(doc.name, line, format_path(path) or None, "a key must be plain text"))
            return None
        key: str = node.value
        if key == "<<":
            doc.problems.append(Problem(doc.name, line, format_path(path) or None,
                                        "YAML merge keys ('<<') are not supported"))
            return None
        if key in out:
            doc.problems.append(Problem(doc.name, line, format_path(path + (key,)),
                                        f"duplicate field '{key}' (first given on line {doc.lines[path + (key,)]})"))
            return None
        return key

    def scalar(self, node: yaml.ScalarNode, path: PathKey, depth: int, parent: str | None, in_body: bool) -> Any:
        """A scalar's text (None for a null), its lines recorded and its text checked."""
        if depth > MAX_DEPTH:
            self.too_deep(node)
        doc = self.doc
        start = node.start_mark.line + self.first
        if path not in doc.lines:
            doc.lines[path] = start
        style = node.style
        value = node.value
        if style == "|" or style == ">":
            doc.text_lines[path] = start + 1
        else:
            doc.text_lines[path] = start
            if self.may_be_a_problem(node, style, value, in_body):
                self.check_scalar(node, path, parent)
            # a plain scalar's style is None in PyYAML's Python composer and '' in libyaml's
            if not style and value in _NULLS:
                return None
        return value if value.isprintable() else clean_text(value)  # printable: nothing to remove

    def too_deep(self, node: yaml.Node) -> None:
        doc = self.doc
        raise InputError(doc.problems + [Problem(doc.name, node.start_mark.line + self.first, None,
                                                 f"lists or mappings nested more than {MAX_DEPTH} deep: a "
                                                 "paper needs only a few levels")])

    def may_be_a_problem(self, node: yaml.ScalarNode, style: str | None, value: str, in_body: bool) -> bool:
        """Whether check_scalar could find anything in a scalar that is not a block: False only when none of
        its checks can apply (most scalars: one line, no ' #' after it, no curly quotes, no '#' line below)."""
        start, end = node.start_mark, node.end_mark
        if end.line != start.line:
            return True
        if style:
            return False
        lines = self.lines
        if end.line < len(lines) and lines[end.line].startswith("#", end.column + 1):
            return True
        if value[:1] in _CURLY:
            return True
        if in_body:  # check_after_body: the first line with text below it starts with '#'
            for index in range(end.line + (1 if end.column else 0), len(lines)):
                text = lines[index].lstrip()
                if text:
                    return text.startswith("#")
        return False

    def check_scalar(self, node: yaml.ScalarNode, path: PathKey, parent: str | None) -> None:
        """Text that YAML reads differently from how it looks: a comment, joined lines, curly quotes."""
        start, end = node.start_mark, node.end_mark
        plain = not node.style
        what = "body" if "body" in path else ("item" if parent == "item" else str(parent or "value"))
        if plain and end.line < len(self.lines):
            rest = self.lines[end.line][end.column:]
            comment = re.match(r"([ \t])#", rest)
            if comment:
                # "report #3": one space before '#' is how text is written (a note has two, as the examples
                # write them)
                lost = rest[1:].strip()
                whole = f"{node.value} {lost}"
                self.problem(end.line, path, f"the text after ' #' is dropped (YAML reads ' #' as the start of a "
                                             f"comment): put the text in quotes: {_quoted(whole)}"
                             + _curly_hint(whole))
        if plain and node.value[:1] in _CURLY and node.value.endswith(_CURLY[node.value[0]]):
            self.problem(start.line, path, f"the text is inside curly quotes {node.value[0]}…"
                                           f"{_CURLY[node.value[0]]} (pasted from Word), which YAML prints as "
                                           "part of the text: type straight quotes \" instead", "warning")
        if plain and "body" in path:
            self.check_after_body(node, path)
        if end.line == start.line or node.style in ("|", ">"):
            return
        last = end.line if end.column > 0 else end.line - 1
        for index in range(start.line + 1, min(last, len(self.lines) - 1) + 1):
            line = self.lines[index].strip()
            if plain and parent == "item" and line.startswith("- "):
                self.problem(index, path, "this item is joined to the one above (its '-' is indented further, so "
                                          "YAML reads it as more of that item's text): line up its '-' with the "
                                          "'-' above")
                return
            if not line or _LINE_START.match(line):
                start_with = "start the item with | (- |)" if what == "item" else f"start the {what} with | ({what}: |)"
                joined = ("the paragraph below is joined to the one above" if not line else
                          "this list item is joined to the text above")
                self.problem(index, path, f"{joined} (YAML joins the lines of a value that does not start with "
                                          f"|): {start_with} and indent the text below it")
                return

    def check_after_body(self, node: yaml.ScalarNode, path: PathKey) -> None:
        """A '#' line indented under a body without '|' is a Markdown heading to the author and a comment,
        dropped, to YAML."""
        start = self.lines[node.start_mark.line]
        indent = len(start) - len(start.lstrip())
        for index in range(node.end_mark.line + (1 if node.end_mark.column else 0), len(self.lines)):
            text = self.lines[index]
            if not text.strip():
                continue
            if text.lstrip().startswith("#") and len(text) - len(text.lstrip()) > indent:
                self.problem(index, path, "this '#' line is dropped (in a body that does not start with |, YAML "
                                          "reads it as a comment): start the body with | (body: |) and indent the "
                                          "text below it")
            return

