"""CommonMark body text -> paper model blocks (markdown-it-py, no regexes)."""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from markdown_it import MarkdownIt
from markdown_it.token import Token

from .model import Block, Heading, Image, Inline, LineBreak, Link, ListBlock, ListItem, Paragraph, Run

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


@lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"linkify": True, "html": False, "typographer": False})
    md.enable("linkify")
    # recognised only to be reported: a pipe table would otherwise print as a paragraph of "|" text
    md.enable("table")
    # "&amp;" must print as written: text is data, not HTML
    md.disable("entity")
    md.linkify.set({"fuzzy_link": True, "fuzzy_email": True})
    # linkify-it's pretest, a large Unicode regex run on every paragraph, is most of the time spent
    # parsing a paper; it can only match text with one of these, so look for them first (same tokens)
    pretest = md.linkify.pretest
    md.linkify.pretest = lambda text: _maybe_link(text) and pretest(text)
    return md


def parse(text: str) -> tuple[list[Block], list[MarkdownProblem]]:
    """Parse Markdown into blocks; problems name the offending line."""
    tokens = _parser().parse(text)
    problems: list[MarkdownProblem] = []
    blocks, _ = _blocks(tokens, 0, None, problems)
    return blocks, problems


def parse_inline(text: str) -> tuple[list[Inline], list[MarkdownProblem]]:
    """Parse one paragraph's worth of inline Markdown (recommendations, cells)."""
    blocks, problems = parse(text)
    inlines: list[Inline] = []
    for block in blocks:
        if isinstance(block, Paragraph):
            if inlines:
                inlines.append(LineBreak())
            inlines.extend(block.inlines)
        else:
            problems.append(MarkdownProblem(0, "only inline formatting is allowed here"))
    return inlines, problems


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
            if close == "list_item_close":
                problems.append(MarkdownProblem(line, "a heading cannot be placed inside a list item"))
            elif level in (2, 3):
                out.append(Heading(level, inlines))
            elif level == 1:
                problems.append(MarkdownProblem(line, "a '#' heading cannot be placed: the section title is the "
                                                      "top heading; use '##' for a sub-heading"))
            else:
                problems.append(MarkdownProblem(line, f"a level-{level} heading cannot be placed: "
                                                      "use '##' or '###'"))
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
            else:
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
