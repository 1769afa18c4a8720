"""The fast YAML walk (generator/inputs/load.py, issue 15) reads every text exactly as the walk before it did
(tests/yaml_reference.py): the same data, the same line of every key and value, the same text lines, and the
same problems in the same order, or the same InputError. Compared over the example inputs, the bad-input
cases, a synthetic meeting (bench/synth.py) and generated hostile YAML."""
from __future__ import annotations

import random
import sys
from pathlib import Path
from typing import Any

import pytest

from conftest import CASES, ROOT
from generator.errors import InputError
from generator.inputs.load import parse_yaml, read_input, split_lines
from yaml_reference import reference_parse_yaml

sys.path.insert(0, str(ROOT / "bench"))
import synth  # noqa: E402


def _outcome(parse: Any, text: str, first_line: int) -> tuple[Any, ...]:
    file = Path("paper.yaml")
    try:
        doc = parse(text, file, first_line)
    except InputError as exc:
        return ("error", [vars(p) for p in exc.problems])
    return ("ok", doc.data, doc.lines, doc.text_lines, [vars(p) for p in doc.problems])


def assert_same(text: str) -> None:
    """The fast walk and the reference agree on ``text``, read from line 1 and as front matter from line 2."""
    for first_line in (1, 2):
        fast, reference = _outcome(parse_yaml, text, first_line), _outcome(reference_parse_yaml, text, first_line)
        assert fast == reference, text


# pieces of hostile YAML: each is a value written after "key:" (or a block under it), as authors write them
VALUES = [
    "plain text", "1e3", "0x10", "no", "yes", "off", "2022-12-08", "12:30", "1_000", ".inf", "~", "null", "",
    "'single quoted'", '"double quoted"', "'it''s'", '"tab\\there"', '"bell \\a and \\x0b"',
    '"\\ufffe end"', "!!str 12", "!custom tagged", "!!binary aGVsbG8=", "&anchor anchored",
    "[a, b, c]", "{x: 1, y: [2, 3]}", "text # a comment", "report #3", "“curly”", "‘single curly’",
    "„low curly”", "“opened only", "ends curly”", "value\u00a0with nbsp", "<<",
    "|\n  literal line one\n\n  - item\n  # heading\n", ">\n  folded\n  text\n",
    "|-\n  kept\n", ">+\n  folded kept\n\n", "first line\n  second line\n\n  third paragraph\n",
    "first line\n  - joined item\n", "'quoted\n  over lines\n\n  with a gap'", '"double\n  over\n  lines"',
    "text\n  1. numbered\n", "\u2022 bullet",
]
# values YAML refuses (used rarely, so that most documents get past composing to the walk)
BROKEN = ['"\\ud800"', "*anchor", "- not a list", "a: b: c", "'unclosed", "[open", "\tx", "x\x85y", "a\u2028b"]
KEYS = ["title", "body", "item", "value", "number", "<<", "title", "? complex", "body"]


def _value_lines(key: str, value: str, indent: str, more_indent: str | None = None) -> str:
    head, _, rest = value.partition("\n")
    more = rest.removesuffix("\n").split("\n") if rest else []
    return f"{indent}{key}: {head}\n" + "".join(f"{more_indent or indent}{line}\n" for line in more)


def _hostile(rng: random.Random) -> str:
    """A random document of mappings, lists and the values above, now and then broken on purpose."""

    def value() -> str:
        return rng.choice(BROKEN) if rng.random() < 0.03 else rng.choice(VALUES)

    out = []
    for _ in range(rng.randint(1, 8)):
        kind = rng.random()
        key = rng.choice(KEYS)
        if kind < 0.45:
            out.append(_value_lines(key, value(), ""))
        elif kind < 0.7:
            out.append(f"{key}:\n")
            for _ in range(rng.randint(1, 4)):
                out.append(_value_lines(rng.choice(KEYS), value(), "  "))
        elif kind < 0.85:
            out.append(f"{key}:\n")
            for _ in range(rng.randint(1, 4)):
                item = value()
                out.append(f"  - {item}\n" if "\n" not in item else _value_lines("- body", item, "  ", "    "))
        elif kind < 0.9:
            out.append(rng.choice(["base: &b {x: 1}\nother:\n  <<: *b\n  y: 2\n", "a: &x text\nb: *x\n",
                                   "list: &l [1, 2]\nagain: [*l, *l]\n"]))
        elif kind < 0.95:
            out.append(f"{key}:\n  body: plain start\n    # heading under it\n  next: 1\n")
        else:
            out.append(rng.choice(["\u00a0 title: nbsp indent\n", "title\u00a0: nbsp before colon\n",
                                   "-\u00a0item\n", "\ttab: indented\n", "? [a, b]\n: value\n",
                                   "x: " + "[" * 45 + "]" * 45 + "\n", "a: 'unclosed\nb: 2\n",
                                   "title: [Draft] x\n", "body: text\n# heading\nmore: 1\n"]))
    text = "".join(out)
    eol = rng.choice(["\n", "\n", "\n", "\r\n", "\r", "\u2028"])
    return text.replace("\n", eol) if eol != "\n" else text


def test_the_fast_walk_reads_the_shipped_and_bad_inputs_as_before() -> None:
    files = sorted((ROOT / "inputs").rglob("*.yaml")) + sorted(CASES.rglob("*.yaml"))
    assert len(files) > 100
    for file in files:
        text, _ = read_input(file)
        assert_same(text)


def test_the_fast_walk_reads_a_synthetic_meeting_as_before(tmp_path: Path) -> None:
    files = synth.write_cycle(synth.make_cycle(meetings=1, papers=6), tmp_path)
    for file in files + [f.parent / "meeting.yaml" for f in files[:1]]:
        assert_same(file.read_text(encoding="utf-8"))


@pytest.mark.parametrize("seed", range(4))
def test_the_fast_walk_reads_hostile_yaml_as_before(seed: int) -> None:
    rng = random.Random(seed)
    for _ in range(250):
        assert_same(_hostile(rng))


@pytest.mark.parametrize("text", [
    "title: a\n", "a\r\nb\rc\x85d\u2028e\u2029f\n", "", "\n\n", "a\r\n\r\n", "\u2029", "x\ry",
])
def test_lines_are_split_where_yaml_breaks_them(text: str) -> None:
    import re

    assert split_lines(text) == re.split("\r\n|[\r\n\x85\u2028\u2029]", text)
