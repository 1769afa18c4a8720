"""The shape most body texts have (paragraphs, ``-``/``*``/``+`` and numbered lists nested by indentation,
``##``/``###`` headings, bold and italic) read directly, as markdown-it-py reads it, in a tenth of its time.

:func:`scan` reads the blocks and returns None on any line it is not certain to read exactly as
markdown-it-py does (quotes, code, rules, tables, setext underlines, tabs, lazy continuation lines, a
heading in a list...): markdown.py then parses the whole text with markdown-it-py. :func:`inlines` reads
one paragraph's text with bold and italic; it returns None for anything else (links, addresses, code,
escapes, ambiguous ``*``/``_``), and that paragraph alone goes to markdown-it-py's inline parser.
tests/test_markdown_fast.py compares both ways over a large generated corpus.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from markdown_it.common.utils import isMdAsciiPunct, isPunctChar, isWhiteSpace

from ..model import Block, Heading, Inline, LineBreak, ListBlock, ListItem, Paragraph, Run

# Every text is first sorted by its characters: the ASCII ones that cannot matter are deleted from its
# UTF-8 bytes (one C call), and what is left (other ASCII, and every non-ASCII character) is looked at.
# Anywhere in the text, a NUL or CR (markdown-it rewrites them), a tab or any whitespace but space and newline
# (tabs count columns, and Python's and CommonMark's whitespace differ) or a table's pipe send it to
# markdown-it, as does the "]:" every reference definition has (it changes how brackets elsewhere read).
_BLOCK_BAD = re.compile(r"[\x00|]|[^\S \n]")
# what markdown-it's inline rules besides emphasis and line breaks react to: escapes, code, links and
# images, autolinks (linkify's pretest is checked apart: markdown.py's _maybe_link)
_INLINE_SPECIAL = re.compile(r"[\\`\[\]<]")
_INERT = bytes(b for b in range(128) if b == 10 or (b >= 32 and chr(b) not in "|\\`[]<"))
# a line that is only these is a rule, a setext underline or an empty list item
_MARKS_LINE = re.compile(r"[-*_+= ]*$")
_ORDERED = re.compile(r"[0-9]{1,9}[.)]")
_HEADING = re.compile(r"(#{1,6})(?: ([^#]*))?")
_DELIMS = re.compile(r"[*_]+")  # (one class: four times faster than "\*+|_+"; runs are split after)
MAX_DEPTH = 6  # lists nested deeper go to markdown-it (its nesting limit cuts a text short at 10)

# line kinds
_TEXT, _HEAD, _ITEM = 0, 1, 2
_PLAIN = (_TEXT, None)
_STARTS = frozenset("-*+_=#>`~0123456789")  # a line starting otherwise is text


class Job:
    """One paragraph's or heading's text, to be read as inlines into ``target``."""

    __slots__ = ("target", "lines", "line", "heading")

    def __init__(self, target: list[Inline] | None, lines: list[str], line: int, heading: int = 0) -> None:
        self.target = target  # None: a heading that is not placed (its level is reported)
        self.lines = lines  # the text's lines as markdown-it's getLines cuts them (block indentation removed)
        self.line = line  # its first line within the text
        self.heading = heading  # the heading's level; 0 for a paragraph

    def content(self) -> str:
        """The inline content exactly as markdown-it hands it to its inline parser."""
        return "\n".join(self.lines).strip(" \n")


@dataclass
class Scan:
    blocks: list[Block]
    jobs: list[Job]  # in the order of the text
    headings: list[tuple[int, int]]  # (level, line) of every heading
    special: bool  # the text has a character an inline rule other than emphasis reacts to


class _Box:
    """A container: the text itself or a list item; ``col``: the column its content starts at."""

    __slots__ = ("col", "content", "open_list", "open_marker")

    def __init__(self, col: int, content: list) -> None:  # type: ignore[type-arg]
        self.col = col
        self.content = content  # Block objects for the text; inline lists and ListBlocks for an item
        self.open_list: ListBlock | None = None  # the list that is its last block, while it goes on
        self.open_marker = ""


def _classify(line: str, at: int) -> tuple[int, object] | None:
    """What ``line`` starts at ``at`` (its first character that is not a space): None when the fast path cannot
    be sure. An item comes with (its marker's character, its number, where its text starts)."""
    first = line[at]
    if first in _STARTS:
        if first in ">`~=" or _MARKS_LINE.match(line, at) is not None:
            return None
        if first == "#":
            match = _HEADING.fullmatch(line, at)
            return (_HEAD, match) if match is not None else None
        if first in "-*+":
            if line[at + 1] == " ":
                return _item(line, at, at + 1)
        elif first != "_":
            match = _ORDERED.match(line, at)
            if match is not None:
                end = match.end()
                if end == len(line):
                    return None  # an empty item
                if line[end] == " ":
                    return _item(line, at, end)
    return _PLAIN


def _item(line: str, at: int, marker_end: int) -> tuple[int, object] | None:
    text = marker_end
    size = len(line)
    while text < size and line[text] == " ":
        text += 1
    if text == size or text - marker_end > 4:
        return None  # empty, or its text indented as code
    if line[text] in _STARTS and _classify(line, text) is not _PLAIN:
        return None  # a heading or a list on the item's own line, or what cannot be read here
    number = int(line[at:marker_end - 1]) if marker_end - at > 1 else 1
    return _ITEM, (line[marker_end - 1], number, text)


def scan(text: str) -> Scan | None:
    """Blocks of ``text``, their inline parts left as jobs; None when markdown-it must read it."""
    left = text.encode("utf-8", "surrogatepass").translate(None, _INERT)
    special = False
    if left:
        odd = left.decode("utf-8", "surrogatepass")
        if _BLOCK_BAD.search(odd) is not None or ("]" in odd and "]:" in text):
            return None
        special = _INLINE_SPECIAL.search(odd) is not None
    top = _Box(0, [])
    stack = [top]  # open containers, outermost first
    jobs: list[Job] = []
    headings: list[tuple[int, int]] = []
    para: Job | None = None  # the open paragraph (always in the innermost container)
    for n, line in enumerate(text.split("\n")):
        rest = line.lstrip(" ")
        if not rest:
            para = None
            continue
        ind = len(line) - len(rest)
        box = stack[-1]
        if para is not None and ind >= box.col:
            if ind - box.col >= 4:  # a paragraph cannot be interrupted by indented code
                para.lines.append(line[box.col:])
                continue
            kind = _classify(line, ind) if rest[0] in _STARTS else _PLAIN
            if kind is None:
                return None
            if kind is _PLAIN or (kind[0] == _ITEM and kind[1][0] in ".)" and kind[1][1] != 1):  # type: ignore[index]
                para.lines.append(line[box.col:])  # a numbered list interrupts a paragraph only from 1
                continue
        else:
            kind = _classify(line, ind) if rest[0] in _STARTS else _PLAIN
            if kind is None:
                return None
            if para is not None and kind[0] == _TEXT:
                return None  # a lazy continuation line
            while ind < stack[-1].col:
                stack.pop()
            box = stack[-1]
            if ind - box.col >= 4:
                return None  # indented code
        para = None
        if kind[0] == _HEAD:
            if len(stack) > 1 or ind:
                return None  # a heading in a list item, or indented
            match = kind[1]
            level = len(match.group(1))  # type: ignore[union-attr]
            headings.append((level, n))
            top.open_list = None
            target: list[Inline] | None = None
            if level in (2, 3):
                target = []
                top.content.append(Heading(level, target))
            jobs.append(Job(target, [match.group(2) or ""], n, level))  # type: ignore[union-attr]
        elif kind[0] == _TEXT:
            target = []
            box.content.append(Paragraph(target) if box is top else target)
            box.open_list = None
            para = Job(target, [line[box.col:]], n)
            jobs.append(para)
        else:
            marker, start, text_at = kind[1]  # type: ignore[misc]
            lst = box.open_list
            if lst is None or box.open_marker != marker:
                lst = ListBlock(marker in ".)", [], start)
                box.content.append(lst)
                box.open_list, box.open_marker = lst, marker
            if len(stack) > MAX_DEPTH:
                return None
            target = []
            lst.items.append(ListItem(content=[target]))
            stack.append(_Box(text_at, lst.items[-1].content))
            para = Job(target, [line[text_at:]], n)
            jobs.append(para)
    return Scan(top.content, jobs, headings, special)


def _char_class(ch: str) -> int:
    """markdown-it's reading of a character beside a ``*``/``_`` run: 1 whitespace, 2 punctuation, 0 other."""
    code = ord(ch)
    if isWhiteSpace(code):
        return 1
    return 2 if isMdAsciiPunct(code) or isPunctChar(ch) else 0


_ASCII_CLASS = [_char_class(chr(code)) for code in range(128)]


def inlines(lines: list[str], checked: bool = False) -> list[Inline] | None:
    """One paragraph's lines as runs with bold and italic, as markdown-it reads them; None when the text
    holds anything else markdown-it's inline rules react to (``checked``: the caller knows it holds none of
    _INLINE_SPECIAL; linkify's pretest is the caller's to check)."""
    if len(lines) == 1:
        text = lines[0].strip(" ")
        if not checked and _INLINE_SPECIAL.search(text) is not None:
            return None
        if "*" not in text and "_" not in text:
            return [Run(text)] if text else []
        hard: list[bool] = []
    else:
        # markdown-it drops the spaces that start a line; one or no space ending a line is a soft break,
        # two or more a hard break (both dropped); the paragraph's ends are trimmed
        if not checked and _INLINE_SPECIAL.search("\n".join(lines)) is not None:
            return None
        hard = []
        parts = []
        for line in lines:
            line = line.lstrip(" ")
            cut = line.rstrip(" ")
            hard.append(len(line) - len(cut) >= 2)
            parts.append(cut)
        text = "\n".join(parts)
    if "*" not in text and "_" not in text:
        spans: list[tuple[int, int, bool, bool]] = [(0, len(text), False, False)]
    else:
        found = _emphasis(text)
        if found is None:
            return None
        spans = found
    out: list[Inline] = []
    buf: list[str] = []
    fmt = (False, False)
    breaks = iter(hard)
    for start, end, bold, italic in spans:
        if start == end:
            continue
        if (bold, italic) != fmt:
            if buf:
                _flush(buf, fmt, out)
            fmt = (bold, italic)
        piece = text[start:end]
        if "\n" not in piece:
            buf.append(piece)
            continue
        first, *more = piece.split("\n")
        buf.append(first)
        for after in more:
            if next(breaks):
                _flush(buf, fmt, out)
                out.append(LineBreak())
            else:
                buf.append(" ")
            buf.append(after)
    _flush(buf, fmt, out)
    return out


def _flush(buf: list[str], fmt: tuple[bool, bool], out: list[Inline]) -> None:
    joined = "".join(buf)
    if joined:
        out.append(Run(joined, fmt[0], fmt[1]))
    buf.clear()


def _same_char_runs(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """``text[start:end]`` (only ``*`` and ``_``) as runs of one character, as markdown-it's scanDelims counts them."""
    if text.count(text[start], start, end) == end - start:
        return [(start, end)]
    runs = []
    while start < end:
        stop = start + 1
        while stop < end and text[stop] == text[start]:
            stop += 1
        runs.append((start, stop))
        start = stop
    return runs


def _delimiter_run(text: str, start: int, end: int, size: int, runs: list[tuple[int, int, int]],
                   stack: list[int]) -> bool:
    """Add the run ``text[start:end]`` to ``runs`` as an opener, a closer or text; False when it is none of
    these plainly (it could both open and close, it is longer than 3, it closes another than the innermost)."""
    table = _ASCII_CLASS
    # as markdown-it's scanDelims: the text's ends count as spaces
    last = text[start - 1] if start > 0 else " "
    nxt = text[end] if end < size else " "
    before = table[ord(last)] if last < "\x80" else _char_class(last)
    after = table[ord(nxt)] if nxt < "\x80" else _char_class(nxt)
    left = not (after == 1 or (after == 2 and before == 0))
    right = not (before == 1 or (before == 2 and after == 0))
    star = text[start] == "*"
    can_open = left and (star or not right or before == 2)
    can_close = right and (star or not left or after == 2)
    if can_open and can_close:
        return False
    if end - start > 3 and (can_open or can_close):
        return False
    if can_open:
        stack.append(len(runs))
        runs.append((start, end, 1))
    elif can_close and stack:
        o_start, o_end, _ = runs[stack[-1]]
        if text[o_start] != text[start] or o_end - o_start != end - start:
            return False
        stack.pop()
        runs.append((start, end, -1))
    else:
        runs.append((start, end, 0))
    return True


def _emphasis(text: str) -> list[tuple[int, int, bool, bool]] | None:
    """``text`` cut into spans with their formats; None unless every ``*``/``_`` run is plainly an opener,
    a closer matching the innermost open one (same character, same length, at most 3) or neither."""
    runs: list[tuple[int, int, int]] = []  # start, end, role: 1 opens, -1 closes, 0 is text
    stack: list[int] = []  # indexes into runs of the openers not closed yet
    size = len(text)
    for m in _DELIMS.finditer(text):
        span_start, span_end = m.span()
        for start, end in _same_char_runs(text, span_start, span_end):
            if not _delimiter_run(text, start, end, size, runs, stack):
                return None
    for i in stack:  # openers never closed are text
        runs[i] = (runs[i][0], runs[i][1], 0)
    spans: list[tuple[int, int, bool, bool]] = []
    bold = italic = 0
    pos = 0
    for start, end, role in runs:
        if role == 0:
            continue
        spans.append((pos, start, bold > 0, italic > 0))
        length = end - start  # 1: italic, 2: bold, 3: both
        bold += role if length >= 2 else 0
        italic += role if length != 2 else 0
        pos = end
    spans.append((pos, size, bold > 0, italic > 0))
    return spans
