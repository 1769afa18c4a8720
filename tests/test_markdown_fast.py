"""generator/inputs/markdown_fast.py and the linkify window of markdown.py: the same blocks and problems as
markdown-it-py reading everything (markdown._parse_slow, the code path as it was), over every text of the
examples and test cases, the synthetic cycle's texts, and thousands of generated awkward ones."""
from __future__ import annotations

import random
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from generator.inputs import markdown, markdown_fast
from generator.model import Paragraph

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
import synth  # noqa: E402


def strings(data: Any) -> Iterator[str]:
    """Every string in a YAML document (body texts, recommendations, cells, titles...)."""
    if isinstance(data, str):
        yield data
    elif isinstance(data, dict):
        for value in data.values():
            yield from strings(value)
    elif isinstance(data, list):
        for value in data:
            yield from strings(value)


def yaml_texts() -> list[str]:
    out: set[str] = set()
    for folder in (ROOT / "inputs", ROOT / "tests" / "cases", ROOT / "tests" / "acceptance"):
        for path in sorted(folder.rglob("*.yaml")):
            try:
                docs = list(yaml.safe_load_all(path.read_text(encoding="utf-8")))
            except (yaml.YAMLError, UnicodeDecodeError):
                continue  # the cases of unreadable YAML
            for doc in docs:
                out.update(strings(doc))
    return sorted(out)


def synth_texts() -> list[str]:
    """The Markdown of two meetings of bench/synth.py's cycle, as `papers` reads it."""
    return sorted({s for meeting in synth.make_cycle(meetings=2) for paper in meeting.papers
                   for s in strings(synth.paper_yaml(paper))})


# -- generated awkward texts ---------------------------------------------------------------------------

WORDS = ["budget", "the", "Council", "residents", "2023", "£1.2m", "café", "naïve", "’", "“quoted”", "—", "–",
         "-", "+", "!", "#tag", "&", "&amp;", "&lt;", "(", ")", "%", "a.", "e.g.", "i.e.", "1.2.3", "mod.gov",
         "thurrock.gov.uk", "www.thurrock.gov.uk", "WWW.EXAMPLE.ORG", "https://example.org/a?b=1", "http://x.co",
         "https://x.org/(a)", "foo@bar.com", "mailto:x@y.org", "localhost", "LOCALHOST:8080", "//host.com/x",
         "192.168.0.1", "xn--80ak6aa92e.com", "ſtaff.com", "a,b", "a;b", ":", "/", "@", "ftp://f.org", "tel:123",
         "**bold**", "*italic*", "_italic_", "__bold__", "***both***", "**a*b**", "2 * 3 * 4", "snake_case_word",
         "*foo*bar", "foo*bar*", "**", "*", "_", "***", "____", "*a", "a*", "_a", "a_", "**a **", "** a**", "*(x)*",
         "*.*", "_._", "**x**y", "x**y**", "*a _b* c_", "_a *b_ c*", "**a *b* c**", "*a **b** c*", "“*x*”",
         "[link](https://x.org)", "[a](javascript:alert(1))", "[f](file:///c:/x)", "[s](\\\\server\\share)",
         "[w](www.x.org)", "![alt](pic.png)", "![](pic.png)", "[x][y]", "[x]", "<https://x.org>", "<b>", "`code`",
         "``a`b``", "\\*", "\\", "~~s~~", "~", "|", "]", "[", "a  ", "a ", "\u00a0", "\u2003", "\u3000", "\u200b",
         "\ufeff", "\u0085", "\x1c", "\u2028", "é*x*", "*x*é", "。*x*。", "¡*x*!", "$*x*$"]
STARTS = ["", "", "", "", "- ", "* ", "+ ", "1. ", "2. ", "3) ", "1) ", "10. ", "0. ", "123456789. ", "1234567890. ",
          "-  ", "-     ", "1.   ", "-", "1.", "# ", "## ", "### ", "#### ", "####### ", "#x ", "> ", "```",
          "~~~", "---", "***", "___", "===", "- - -", "| a | b |", "|---|", "• ", "o ", "– ", "· ", "▪ ",
          "\uf0b7", "\t", "\t- ", "[a]: https://x.org", "\\- ", "<div>", "  ", "    ", "       "]


def awkward(r: random.Random) -> str:
    lines = []
    for _ in range(r.randint(1, 9)):
        if r.random() < 0.18:
            lines.append(" " * r.randint(0, 3) if r.random() < 0.3 else "")
            continue
        indent = " " * r.choice([0, 0, 0, 1, 2, 2, 3, 4, 4, 5, 6, 8])
        words = " ".join(r.choice(WORDS) if r.random() < 0.35 else r.choice(["word", "text", "a", "of"])
                         for _ in range(r.randint(0, 7)))
        end = r.choice(["", "", "", " ", "  ", "   ", "*", "**"])
        lines.append(indent + r.choice(STARTS) + words + end)
    return "\n".join(lines) + r.choice(["", "\n", "\n\n", "\r\n"])


TAME_STARTS = ["", "", "", "", "- ", "* ", "+ ", "1. ", "3. ", "1) ", "01. ", "-  ", "1.  ", "## ", "### ", "# ",
               "#### ", "• ", "o ", "– "]
BLOCK_HOSTILE = set("\t\r|\u00a0\u2003\u3000\u0085\x1c\u2028") | {"]"}


def tame(r: random.Random) -> str:
    """Texts shaped as body texts are (so that the fast path's own reading is what gets compared), awkward inside:
    paragraphs, headings, lists nested by their markers' widths (now and then a space off), blank lines or none."""
    words_ok = [w for w in WORDS if not BLOCK_HOSTILE & set(w)]

    def words() -> str:
        return " ".join(r.choice(words_ok) if r.random() < 0.3 else r.choice(["word", "text", "a", "of", "x"])
                        for _ in range(r.randint(1, 8))) + r.choice(["", "", "", " ", "  "])

    lines: list[str] = []
    for _ in range(r.randint(1, 6)):
        kind = r.random()
        if kind < 0.4:
            lines += [" " * r.choice([0, 0, 0, 1, 2, 3]) + words() for _ in range(r.randint(1, 3))]
        elif kind < 0.55:
            lines.append(r.choice(["## ", "### ", "# ", "#### ", "##"]) + words())
        else:
            cols = [0]  # where each open level's content starts
            for _ in range(r.randint(1, 7)):
                depth = r.randint(0, min(len(cols) - 1, 3))
                del cols[depth + 1:]
                marker = r.choice(["-", "-", "*", "+", "1.", "2.", "1)", "10.", "•", "o", "–"])
                start = max(0, cols[depth] + r.choice([0, 0, 0, 0, 1, -1]))
                spaces = r.choice([1, 1, 1, 2])
                lines.append(" " * start + marker + " " * spaces + words())
                cols.append(start + len(marker) + spaces)
                if r.random() < 0.2:
                    lines.append(" " * cols[-1] + words())  # the item's text goes on
                if r.random() < 0.15:
                    lines += ["", " " * cols[-1] + words()]  # a second paragraph in the item
        if r.random() < 0.8:
            lines.append("")
    return "\n".join(lines) + r.choice(["", "\n"])


def awkward_lists(r: random.Random) -> str:
    """Nested lists of every marker and indentation, paragraphs and headings between them."""
    lines = []
    for _ in range(r.randint(2, 12)):
        kind = r.random()
        if kind < 0.1:
            lines.append("")
        elif kind < 0.2:
            lines.append(r.choice(["## Sub", "### Minor", "# Top", "Plain text", "  lazy text", "    indented"]))
        else:
            marker = r.choice(["-", "*", "+", "1.", "2.", "1)", "7)", "•", "o"])
            lines.append(" " * r.choice([0, 1, 2, 3, 4, 5, 6, 7, 8, 10]) + marker + " " * r.choice([1, 1, 2, 4, 5])
                         + r.choice(["item", "**b** item", "*i*", "item  ", "x www.y.org", "- inner"]))
    return "\n".join(lines)


def link_words(r: random.Random) -> str:
    """Running text full of things that are, or look like, addresses (for the linkify window)."""
    parts = []
    for _ in range(r.randint(1, 30)):
        parts.append(r.choice(WORDS + ["word"] * 10))
        parts.append(r.choice([" ", " ", " ", "", "\n", "\u00a0", ",", "(", ")", ".", "'", '"', "<", ">", "*", "_"]))
    return "".join(parts)


def generated(n: int, seed: int) -> list[str]:
    r = random.Random(seed)
    makers = [awkward, tame, tame, tame, awkward_lists, link_words]
    return [makers[i % len(makers)](r) for i in range(n)]


def same(text: str, unders: tuple[int | None, ...] = (None, 1, 2)) -> None:
    for under in unders:
        assert markdown.parse(text, under) == markdown._parse_slow(text, under), (text, under)
    assert markdown.parse_inline(text) == markdown._parse_inline_slow(text), text


# -- the tests -------------------------------------------------------------------------------------------

def test_every_example_and_case_text_reads_the_same() -> None:
    texts = yaml_texts()
    assert len(texts) > 300
    for text in texts:
        same(text)


def test_synthetic_cycle_reads_the_same_and_takes_the_fast_path(monkeypatch: pytest.MonkeyPatch) -> None:
    texts = synth_texts()
    bodies = [t for t in texts if "\n" in t]
    assert len(bodies) > 400
    counts: Counter[str] = Counter()
    scan, inlines = markdown_fast.scan, markdown_fast.inlines

    def counted_scan(text: str) -> markdown_fast.Scan | None:
        found = scan(text)
        counts["scanned" if found is not None else "refused"] += 1
        return found

    def counted_inlines(lines: list[str], checked: bool = False) -> list[Any] | None:
        found = inlines(lines, checked)
        counts["inline fast" if found is not None else "inline refused"] += 1
        return found

    monkeypatch.setattr(markdown_fast, "scan", counted_scan)
    monkeypatch.setattr(markdown_fast, "inlines", counted_inlines)
    for text in texts:
        same(text)
    # every synthetic text is read by the fast path: a change that sends them to markdown-it fails here
    assert counts["refused"] == 0 and counts["scanned"] >= 4 * len(texts)
    # and all but the paragraphs with a link or an address (about one in 25) have their inlines read by it too
    assert counts["inline fast"] > 0.9 * sum(t.count("\n\n") + 1 for t in bodies)
    assert counts["inline refused"] == 0  # a paragraph with an address is not offered: linkify decides first


def test_generated_awkward_texts_read_the_same() -> None:
    texts = generated(1500, seed=20261201)
    fast = 0
    for text in texts:
        same(text, (None, 1))
        fast += markdown_fast.scan(markdown.typed_bullets(text)) is not None
    # both ways are exercised: the corpus is not all refused (nor all easy)
    assert 0.25 * len(texts) < fast < 0.9 * len(texts)


@pytest.mark.parametrize("text", [
    "**a*b**", "2 * 3 * 4", "snake_case_word", "*foo*bar", "- item\nlazy line", "- a\n\n  b\n- c",
    "3. three\n4. four", "1) one\n2) two", "1. one\n- other", "para\n2. not a list", "para\n1. a list",
    "- a\n  - b\n    - c\n   - d\n- e", "• typed\no second\n– dash", "## Sub\n\n### Minor\n\n#### too deep",
    "# top", "### straight under", "- ## heading in item", "line  \nhard break", "a\n  b\n    c",
    "See www.thurrock.gov.uk, https://example.org/x?a=1 and foo.bar@thurrock.gov.uk", "the use of mod.gov software",
    "[bad](javascript:alert(1)) here", "para\n\n[file](file:///c:/x)", "Planning & Transport &amp; more",
    "***both*** and **bold *nested* bold**", "a\tb", "a\u00a0b", "x\r\ny", "| a | b |\n|---|---|\n| 1 | 2 |",
    "text\n---", "text\n===", "> quote", "    code", "```\nfence\n```", "", "\n\n", "   ", "-", "1.",
    "a *\ud800* b", "\ud800 www.x.org", "\n".join("  " * i + "- deep" for i in range(12)), "*a*\u00e9 *\u00e9*a", "x\x00y",
])
def test_edge_cases_read_the_same(text: str) -> None:
    same(text)


def test_linkify_window_finds_the_same_addresses() -> None:
    fast, reference = markdown._parser().linkify, markdown._reference_parser().linkify
    r = random.Random(7)
    texts = [link_words(r) for _ in range(1500)] + ["x " * 40 + "www.a.org", "a@b.co " * 3, "(https://x.org/a)"]
    found = 0
    for text in texts:
        assert fast.pretest(text) == reference.pretest(text), text
        assert fast.test(text) == reference.test(text), text
        want = [(m.index, m.last_index, m.schema, m.url, m.text) for m in reference.match(text) or []]
        assert [(m.index, m.last_index, m.schema, m.url, m.text) for m in fast.match(text) or []] == want, text
        found += bool(want)
    assert found > 500  # most texts hold an address: the window is tested where it matters


def test_a_list_item_keeps_its_paragraphs_and_the_first_is_inline() -> None:
    # written from the input: two items, the first with a second paragraph and a nested list
    blocks, problems = markdown.parse("- first *one*\n\n  more\n  - inner\n- second\n")
    assert problems == []
    [lst] = blocks
    assert [len(item.content) for item in lst.items] == [3, 1]
    assert [r.text for r in lst.items[0].content[0]] == ["first ", "one"]
    assert lst.items[0].content[0][1].italic and not isinstance(lst.items[0].content[1], Paragraph)
