"""CommonMark body text -> paper model blocks (markdown_fast.py for the common shape, markdown-it-py for the rest)."""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any
from urllib.parse import unquote

from markdown_it import MarkdownIt
from markdown_it.token import Token

from ..errors import Level
from ..model import Block, Heading, Image, Inline, LineBreak, Link, ListBlock, ListItem, Paragraph, Run
from . import markdown_fast

# Only these bare addresses become links (the spec); linkify's fuzzy matching
# would otherwise turn "mod.gov" in running text into a link.
_AUTOLINK_TEXT = re.compile(r"^(https?://|www\.)", re.IGNORECASE)
# what linkify-it's pretest needs: a scheme (':' or '//'), '@', 'localhost', 'www.' or '.' before a TLD or digit
_DOT_WORD = re.compile(r"\.\w")


def _maybe_link(text: str) -> bool:
    """False when linkify-it's pretest cannot match ``text``; plain substring tests first (a tenth of the
    time of one case-insensitive regex with alternatives, on 80-word paragraphs)."""
    if ":" in text or "@" in text or "/" in text or _DOT_WORD.search(text) is not None:
        return True
    folded = text.casefold()  # as re.IGNORECASE matches: "ſ" is an "s"
    return "localhost" in folded or "www." in folded

_UNSUPPORTED = {
    "blockquote_open": "a block quote ('>') cannot be placed in a paper",
    "code_block": "an indented code block cannot be placed in a paper (remove the leading spaces)",
    "fence": "a fenced code block cannot be placed in a paper",
    "hr": "a horizontal rule cannot be placed in a paper",
    "table_open": "a Markdown table cannot be placed in a paper: use a 'table' block",
}


@dataclass(frozen=True)
class MarkdownProblem:
    """A construct we cannot place; ``line`` counts from 0 within the text."""

    line: int
    message: str
    level: Level = "error"


# Bullets typed or pasted from Word at the start of a line, each with the list level Word's default bullets
# give it (•, then o, then ▪): they become list items, so that the paper has a real list. '\uf0b7' and
# '\uf0a7' are the Symbol and Wingdings bullets a paste from Word leaves in the text.
_BULLET_LEVEL = {"\u2022": 0, "\u25cf": 0, "\uf0b7": 0, "\u2013": 0, "\u2014": 0, "\u00b7": 0, "\u2023": 0,
                 "\u2043": 0, "\u27a2": 0, "\u25ba": 0, "o": 1, "\u25e6": 1, "\u25cb": 1, "\u25aa": 2,
                 "\u25a0": 2, "\uf0a7": 2}
_NEEDS_SPACE = "o\u2013\u2014\u00b7"  # also letters and dashes of ordinary text: only with a space after
_TYPED_BULLET_SHAPE = ("([ \t]*)([" + "".join(k for k in _BULLET_LEVEL if k not in _NEEDS_SPACE)
                       + "][ \t]*|[" + _NEEDS_SPACE + "][ \t]+)(?=\\S)")
_TYPED_BULLET = re.compile("^" + _TYPED_BULLET_SHAPE)
_TYPED_BULLET_AFTER_NEWLINE = re.compile("\n" + _TYPED_BULLET_SHAPE)  # found by a fast search for "\n"
_LIST_LINE = re.compile(r"^[ \t]*([-*+]|\d{1,9}[.)])[ \t]+\S")
# schemes a reader's computer opens safely; any other (ms-msdt:, search-ms:, file:, smb:) can start a program
ALLOWED_SCHEMES = ("https", "http", "mailto", "tel")
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):")


def typed_bullets(text: str) -> str:
    """``text`` with bullets typed or pasted from Word ("• item", "– item", "o item") as Markdown list items.

    An "o" (Word's second-level bullet) counts only after another list line, since it is also a word.
    """
    if _TYPED_BULLET.match(text) is None and _TYPED_BULLET_AFTER_NEWLINE.search(text) is None:
        return text  # most texts: no line starts with a typed bullet
    lines = text.split("\n")
    previous_is_item = False
    for i, line in enumerate(lines):
        match = _TYPED_BULLET.match(line)
        glyph = match.group(2).strip() if match else ""
        if match and (glyph != "o" or previous_is_item):
            indent = match.group(1)
            depth = max(indent.count("\t") + indent.count(" ") // 2, _BULLET_LEVEL[glyph])
            lines[i] = "  " * depth + "- " + line[match.end():]
            previous_is_item = True
        elif line.strip():
            previous_is_item = _LIST_LINE.match(line) is not None
    return "\n".join(lines)


def link_problem(url: str) -> str | None:
    """Why a link to ``url`` cannot be published, or None when it can."""
    shown = unquote(url)
    scheme = _SCHEME.match(shown)
    if scheme is not None and len(scheme.group(1)) > 1:
        if scheme.group(1).lower() in ALLOWED_SCHEMES:
            return None
        return (f"the link to '{shown}' cannot be placed: '{scheme.group(1)}:' links can open programs or files on "
                "the reader's computer; only https://, http://, mailto: and tel: links are allowed")
    if shown.lower().startswith("www."):
        return f"the link to '{shown}' is not a full web address: write it as https://{shown}"
    if shown.startswith("\\") and not shown.startswith("\\\\"):
        shown = "\\" + shown  # as written: Markdown read the '\\' of a network path as one '\'
    if shown.startswith(("\\", "//")) or scheme is not None:
        return (f"the link to '{shown}' points to a file on a computer or network folder, which readers cannot "
                "open: give the full https:// address where the file is published, or write the text without a link")
    return (f"the link to '{shown}' is not a web address: give the full https:// address where it is published, "
            "or write the text without a link")


def _configured() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"linkify": True, "html": False, "typographer": False})
    md.enable("linkify")
    # recognised only to be reported: a pipe table would otherwise print as a paragraph of "|" text
    md.enable("table")
    # "&amp;" must print as written: text is data, not HTML
    md.disable("entity")
    # every link reaches _inlines, which refuses what it must (markdown-it would leave a javascript: or
    # file: link as its bracketed text, without a word)
    md.validateLink = lambda url: True
    md.linkify.set({"fuzzy_link": True, "fuzzy_email": True})
    return md


@lru_cache(maxsize=1)
def _reference_parser() -> MarkdownIt:
    """markdown-it-py as papers configures it, linkify-it reading whole texts: what :func:`_parser` must equal."""
    md = _configured()
    # linkify-it's pretest, a large Unicode regex run on every paragraph, is most of the time spent
    # parsing a paper; it can only match text with one of these, so look for them first (same tokens)
    pretest = md.linkify.pretest
    md.linkify.pretest = lambda text: _maybe_link(text) and pretest(text)
    return md


# Where an address could begin: every match of linkify-it's patterns (pretest, schemas, fuzzy links and
# e-mails) holds one of these, as those patterns read them (the same flag)
_ADDRESS_MARK = re.compile(r"[:@/]|\.\w|www\.|localhost", re.IGNORECASE)


def _address_cut(text: str) -> int | None:
    """Where linkify-it may start reading ``text`` and find the same addresses: the last space or newline
    before the first place an address could begin; None when none can.

    Exact because no address linkify-it matches holds a space or newline, each holds an _ADDRESS_MARK,
    its patterns look back at most at the one character before an address, and none has a lookbehind;
    from a space, the '^' of their "(^|separator)" cannot begin an address either. Its large Unicode
    patterns then scan a few words rather than a whole paragraph ahead of the one address at its end.
    """
    found = _ADDRESS_MARK.search(text)
    if found is None:
        return None
    return max(text.rfind(" ", 0, found.start()), text.rfind("\n", 0, found.start()), 0)


@lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    """markdown-it-py as papers configures it, linkify-it reading each text from where an address could begin."""
    md = _configured()
    linkify = md.linkify
    pretest, test, match = linkify.pretest, linkify.test, linkify.match

    def cut_pretest(text: str) -> bool:
        cut = _address_cut(text) if _maybe_link(text) else None
        return cut is not None and pretest(text[cut:])

    def cut_test(text: str) -> bool:
        cut = _address_cut(text)
        return cut is not None and test(text[cut:])

    def cut_match(text: str) -> list[Any] | None:
        cut = _address_cut(text)
        found = match(text[cut:]) if cut is not None else None
        for link in found or ():
            link.index += cut
            link.last_index += cut
        return found

    linkify.pretest, linkify.test, linkify.match = cut_pretest, cut_test, cut_match
    return md


SKIPPED_HEADING = "'###' straight under the section title skips a heading level"


def parse(text: str, under: int | None = None) -> tuple[list[Block], list[MarkdownProblem]]:
    """Parse Markdown into blocks; problems name the offending line.

    ``under``: the level of the heading the text follows (1: the section title), to report a heading that
    skips a level; None when not known.
    """
    text = typed_bullets(text)
    scanned = markdown_fast.scan(text)
    if scanned is None:
        return _parse_tokens(text, under)
    problems: list[MarkdownProblem] = []
    _fill(scanned, text, problems)
    if under is not None:
        _check_heading_levels(scanned.headings, under, problems)
    return scanned.blocks, problems


def _parse_slow(text: str, under: int | None = None) -> tuple[list[Block], list[MarkdownProblem]]:
    """:func:`parse` as it was: markdown-it-py reading everything, linkify-it whole texts (tests compare)."""
    return _parse_tokens(typed_bullets(text), under, _reference_parser())


def _parse_tokens(text: str, under: int | None,
                  md: MarkdownIt | None = None) -> tuple[list[Block], list[MarkdownProblem]]:
    tokens = (md or _parser()).parse(text)
    problems: list[MarkdownProblem] = []
    blocks, _ = _blocks(tokens, 0, None, problems)
    if under is not None:
        _check_heading_levels([(int(tok.tag[1]), tok.map[0] if tok.map else 0) for tok in tokens
                               if tok.type == "heading_open" and tok.level == 0], under, problems)
    return blocks, problems


def _fill(scanned: markdown_fast.Scan, text: str, problems: list[MarkdownProblem]) -> None:
    """Read the inline text of every paragraph and heading the fast path found, in the order of the text."""
    plain = not scanned.special and not _maybe_link(text)  # then no paragraph needs looking at apart
    for job in scanned.jobs:
        # an address (linkify's pretest) or anything else inlines() refuses: markdown-it reads that paragraph
        inlines = (markdown_fast.inlines(job.lines, True) if plain else
                   None if _maybe_link("\n".join(job.lines)) else markdown_fast.inlines(job.lines))
        if inlines is None:
            inline = _parser().parseInline(job.content())[0]  # as markdown-it reads that paragraph in the text
            inline.map = [job.line, job.line + 1]
            inlines = _inlines(inline, problems)
        if job.target is not None:
            job.target.extend(inlines)
        if job.heading:
            _heading_problem(job.heading, job.line, False, problems)


def _check_heading_levels(headings: list[tuple[int, int]], under: int, problems: list[MarkdownProblem]) -> None:
    """Warn of a sub-heading that skips a level; ``headings``: (level, line) of the text's own headings."""
    last = under
    for level, line in headings:
        if level in (2, 3):
            if level > last + 1:
                problems.append(MarkdownProblem(line, f"{SKIPPED_HEADING}: use '##' for a sub-heading under a "
                                                      "section title ('###' is a minor heading under a '##' one)",
                                                "warning"))
            last = level


def _heading_problem(level: int, line: int, in_list: bool, problems: list[MarkdownProblem]) -> bool:
    """Report a heading that cannot be placed; True when it can be (a '##' or '###' outside a list)."""
    if in_list:
        problems.append(MarkdownProblem(line, "a heading cannot be placed inside a list item"))
    elif level == 1:
        problems.append(MarkdownProblem(line, "a '#' heading cannot be placed: the section title is the "
                                              "top heading; use '##' for a sub-heading"))
    elif level not in (2, 3):
        problems.append(MarkdownProblem(line, f"a level-{level} heading cannot be placed: use '##' or '###'"))
    else:
        return True
    return False


def parse_inline(text: str) -> tuple[list[Inline], list[MarkdownProblem]]:
    """Parse one paragraph's worth of inline Markdown (recommendations, cells)."""
    # a typed bullet here is text: a recommendation is one paragraph
    scanned = markdown_fast.scan(text)
    if scanned is None or not all(isinstance(block, Paragraph) for block in scanned.blocks) or scanned.headings:
        return _parse_inline_slow(text, _parser())
    problems: list[MarkdownProblem] = []
    _fill(scanned, text, problems)
    return _join_paragraphs(scanned.blocks, problems), problems


def _parse_inline_slow(text: str, md: MarkdownIt | None = None) -> tuple[list[Inline], list[MarkdownProblem]]:
    """:func:`parse_inline` by markdown-it-py alone; as it was (linkify-it reading whole texts) unless ``md``."""
    tokens = (md or _reference_parser()).parse(text)
    problems: list[MarkdownProblem] = []
    blocks, _ = _blocks(tokens, 0, None, problems)
    return _join_paragraphs(blocks, problems), problems


def _join_paragraphs(blocks: list[Block], problems: list[MarkdownProblem]) -> list[Inline]:
    inlines: list[Inline] = []
    for block in blocks:
        if isinstance(block, Paragraph):
            if inlines:
                inlines.append(LineBreak())
            inlines.extend(block.inlines)
        else:
            problems.append(MarkdownProblem(0, "only inline formatting is allowed here"))
    return inlines


def _blocks(tokens: list[Token], i: int, close: str | None,
            problems: list[MarkdownProblem]) -> tuple[list[Block], int]:
    out: list[Block] = []
    while i < len(tokens):
        tok = tokens[i]
        if close is not None and tok.type == close:
            return out, i + 1
        line = tok.map[0] if tok.map else 0
        if tok.type == "paragraph_open":
            out.append(Paragraph(_inlines(tokens[i + 1], problems)))
            i += 3
        elif tok.type == "heading_open":
            level = int(tok.tag[1])
            inlines = _inlines(tokens[i + 1], problems)
            if _heading_problem(level, line, close == "list_item_close", problems):
                out.append(Heading(level, inlines))
            i += 3
        elif tok.type in ("bullet_list_open", "ordered_list_open"):
            block, i = _list(tokens, i, problems)
            out.append(block)
        elif tok.type in _UNSUPPORTED:
            problems.append(MarkdownProblem(line, _UNSUPPORTED[tok.type]))
            i = _skip(tokens, i)
        else:
            i += 1
    return out, i


def _skip(tokens: list[Token], i: int) -> int:
    """Index after the token at ``i`` and everything it encloses."""
    if tokens[i].nesting != 1:
        return i + 1
    depth = 0
    while i < len(tokens):
        depth += tokens[i].nesting
        i += 1
        if depth == 0:
            break
    return i


def _list(tokens: list[Token], i: int, problems: list[MarkdownProblem]) -> tuple[ListBlock, int]:
    opener = tokens[i]
    ordered = opener.type == "ordered_list_open"
    start = int(opener.attrs.get("start", 1)) if ordered else 1
    close = opener.type.replace("_open", "_close")
    items: list[ListItem] = []
    i += 1
    while tokens[i].type != close:
        assert tokens[i].type == "list_item_open"
        content, i = _blocks(tokens, i + 1, "list_item_close", problems)
        item = ListItem(content=[])
        for block in content:  # paragraphs and lists only: _blocks reports a heading in a list item
            item.content.append(block.inlines if isinstance(block, Paragraph) else block)
        if not item.content or not isinstance(item.content[0], list):
            item.content.insert(0, [])  # the item's own line is empty ("- " then a nested list)
        items.append(item)
    return ListBlock(ordered, items, start), i + 1


def _inlines(inline: Token, problems: list[MarkdownProblem]) -> list[Inline]:
    out: list[Inline] = []
    bold = italic = 0
    link: tuple[str, list[Run], bool] | None = None  # url, visible runs, found by linkify
    line = inline.map[0] if inline.map else 0  # advanced at each line break: problems name their own line

    def emit(run: Run) -> None:
        if link is not None:
            link[1].append(run)
        else:
            out.append(run)

    for child in inline.children or []:
        kind = child.type
        if kind == "text":
            emit(Run(child.content, bold > 0, italic > 0))
        elif kind == "code_inline":
            emit(Run(child.content, bold > 0, italic > 0, code=True))
        elif kind == "softbreak":
            line += 1
            emit(Run(" ", bold > 0, italic > 0))
        elif kind == "hardbreak":
            line += 1
            if link is None:
                out.append(LineBreak())
        elif kind == "strong_open":
            bold += 1
        elif kind == "strong_close":
            bold -= 1
        elif kind == "em_open":
            italic += 1
        elif kind == "em_close":
            italic -= 1
        elif kind == "link_open":
            link = (str(child.attrs.get("href", "")), [], child.markup == "linkify")
        elif kind == "link_close" and link is not None:
            url, runs, auto = link
            link = None
            text = "".join(r.text for r in runs)
            if auto and not (url.startswith("mailto:") or _AUTOLINK_TEXT.match(text)):
                out.extend(runs)
                continue
            refused = link_problem(url)
            if refused is not None:
                problems.append(MarkdownProblem(line, refused))
            out.append(Link(url, tuple(runs)))
        elif kind == "image":
            # the alt text is the image's description in the document (its text children, formats dropped)
            alt = "".join(c.content for c in child.children or [] if c.type in ("text", "code_inline")).strip()
            if not alt:
                problems.append(MarkdownProblem(line, "an image needs alt text saying what it shows: "
                                                      "![what the picture shows](file.png)"))
            out.append(Image(str(child.attrs.get("src", "")), alt, line))
    return _merge(out)


def _merge(inlines: list[Inline]) -> list[Inline]:
    """Join neighbouring runs with the same formats (fewer Word runs, same text)."""
    merged: list[Inline] = []
    for item in inlines:
        if isinstance(item, Run) and not item.text:
            continue  # markdown-it leaves empty text around emphasis
        prev = merged[-1] if merged else None
        if (isinstance(item, Run) and isinstance(prev, Run)
                and (prev.bold, prev.italic, prev.code) == (item.bold, item.italic, item.code)):
            merged[-1] = Run(prev.text + item.text, item.bold, item.italic, item.code)
        else:
            merged.append(item)
    return merged
