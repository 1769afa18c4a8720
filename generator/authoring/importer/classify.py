"""Neutral blocks of a Word draft -> the data of a paper (the YAML paper's shape): the cover's fields, the paper
type, sections and sub-headings, lists, numbering dropped, tables as blocks, and warnings for what could not be
placed. Works on our own output (named styles) and on an author's draft (Normal with direct formatting)."""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from ...errors import Problem
from ...inputs.markdown import _BULLET_LEVEL
from ...inputs.mdpaper import committee_section
from .inline import clean, escape, link_target, markdown
from .read import Block, Draft, Para, Run, Table
from .tables import cell_text, convert

_MONTHS = {m: i + 1 for i, m in enumerate(("january", "february", "march", "april", "may", "june", "july",
                                           "august", "september", "october", "november", "december"))}
_MONTHS.update({m[:3]: n for m, n in list(_MONTHS.items())})
_MONTHS["sept"] = 9
_DATE_WORDS = re.compile(r"(\d{1,2})(?:st|nd|rd|th)?\s+([A-Za-z]+)\.?,?\s+(\d{4})")
_DATE_NUMERIC = re.compile(r"\b(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})\b")
_DATE_ISO = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
_ITEM = re.compile(r"^(?:agenda\s+)?item(?:\s+(?:no\.?|number))?\s*[:.]?\s*(\S+)$", re.IGNORECASE)

# a typed bullet at the start of a paragraph, with the list level Word's default bullets give it
_BULLETS = dict(_BULLET_LEVEL, **{"-": 0, "*": 0, "\u2013": 0, "\u25aa": 2, "\u00b7": 0})
_NEEDS_SPACE = "o-*\u2013\u2014\u00b7"
_TYPED_BULLET = re.compile("^[ \t\u00a0]*(?:([" + "".join(k for k in _BULLETS if k not in _NEEDS_SPACE)
                           + "])[ \t\u00a0]*|([" + re.escape(_NEEDS_SPACE) + "])[ \t\u00a0]+)(?=\\S)")
_ROMAN = "i|ii|iii|iv|v|vi|vii|viii|ix|x|xi|xii"
# typed paragraph numbers: 1.1 / 2.3.1 (paragraph numbering), 1. 1) (1) (a numbered list or a heading's number),
# a) (a) (lettered list), (i) i) (roman)
_TYPED_NUMBER = re.compile(r"^[ \t\u00a0]*(?:(?P<multi>\d{1,2}(?:\.\d{1,2})+)\.?|(?P<num>\d{1,2})[.)]|\((?P<pnum>\d{1,2})\)"
                           rf"|\(?(?P<roman>{_ROMAN})\)|\(?(?P<letter>[a-z])\))[ \t\u00a0]+(?=\S)")
_SENTENCE_END = tuple(".!?:;…\"'’”)]")
HEADING_MAX_CHARS = 100
HEADING_MAX_WORDS = 14


@dataclass
class Line:
    """One piece of the body in order: a heading, a paragraph, a list item, a picture or a table."""

    kind: str  # heading | para | item | cont | picture | table
    para: Para | None = None
    text: str = ""  # inline Markdown (headings: plain text)
    level: int = 0
    ordered: bool = False
    table: Table | None = None
    alt: str = ""
    file: str = ""


@dataclass
class Imported:
    """What a draft becomes: the paper's data, the finance CSVs and pictures to write beside it, and warnings."""

    data: dict[str, Any]
    csvs: list[tuple[str, list[list[str]]]] = field(default_factory=list)
    images: list[tuple[str, bytes]] = field(default_factory=list)
    appendices: list[str] = field(default_factory=list)  # appendix files the paper names
    copies: list[tuple[str, bytes]] = field(default_factory=list)  # appendix files to copy beside the paper
    warnings: list[Problem] = field(default_factory=list)


def _where(para: Para | None, table: Table | None = None) -> str:
    if table is not None:
        return f"table {table.index} (paragraph {table.first_para})"
    assert para is not None
    text = " ".join(clean(para.text).split())
    shown = text if len(text) <= 40 else text[:40].rstrip() + "…"
    return f"paragraph {para.index}" + (f' ("{shown}")' if shown else "")


class Classifier:
    """Turns one draft into a paper."""

    def __init__(self, draft: Draft, stem: str, slug: str) -> None:
        self.draft = draft
        self.stem = stem
        self.slug = slug
        self.out = Imported({})
        self.front: dict[str, Any] = {}
        self.meeting: dict[str, Any] = {}
        self.briefing = False

    def warn(self, where: str | None, message: str) -> None:
        self.out.warnings.append(Problem(self.draft.name, None, where, message, level="warning"))

    # -- the whole ------------------------------------------------------------------------------------------
    def run(self) -> Imported:
        blocks = self.draft.blocks
        blocks = self.cover(blocks)
        paras = self.joined([b for b in blocks])
        lines = self.lines(paras)
        lines = self.front_matter(lines)
        self.headings(lines)
        template = self.template(lines)
        data: dict[str, Any] = {"template": template}
        for key in ("title", "committee", "purpose", "report_of"):
            if key in self.front and (key != "committee" or template == "briefing_note"):
                data[key] = self.front[key]
        if template == "briefing_note" and "committee" not in data and self.meeting.get("committee"):
            data["committee"] = self.meeting["committee"]
        if template != "briefing_note" and "report_of" not in data:
            author = self.draft.author.strip()
            if author:
                data["report_of"] = author
                self.warn(None, f"the cover says nobody presents the paper (Report of:): report_of is the "
                          f"document's author, '{author}'; check it in the front matter")
            else:
                self.warn(None, "the cover says nobody presents the paper: add report_of: (e.g. Councillor A. "
                          "Example, Cabinet Member for Housing) to the front matter; the paper does not build "
                          "without it")
        for key in ("wards", "key_decision", "forward_plan_ref", "accountable_assistant_director",
                    "accountable_director"):
            if key in self.front:
                data[key] = self.front[key]
        if "status" in self.front:
            data["status"] = self.front["status"]
            if self.front.get("exempt_reason"):
                data["exempt_reason"] = self.front["exempt_reason"]
        if "item" in self.front:
            data["item"] = self.front["item"]
        if template == "committee_report":
            self.committee(lines, data)
        else:
            self.sectioned(lines, data, template)
        data["meeting"] = self.meeting_block(template)
        if "title" not in data:
            data["title"] = self.draft.title or self.stem
            self.warn(None, f"no title found on the cover or in a Title paragraph: the title is "
                      f"'{data['title']}'; put the paper's title in the front matter (title:)")
        self.out.data = data
        return self.out

    # -- cover ------------------------------------------------------------------------------------------------
    def cover(self, blocks: list[Block]) -> list[Block]:
        """Take the cover table (ours, or an author's label/value table at the top) off the blocks."""
        for i, block in enumerate(blocks[:6]):
            if isinstance(block, Table):
                before = [b for b in blocks[:i] if isinstance(b, Para) and b.text.strip()]
                width = max((len(r) for r in block.rows), default=0)
                ours = "layout" in block.style.lower() and any(p.style.startswith("Cover") for row in block.rows
                                                               for c in row for p in c)
                if ours or (len(before) <= 2 and width <= 2 and self.author_cover(block, dry=True) >= 2):
                    self.our_cover(block) if ours else self.author_cover(block)
                    return blocks[:i] + blocks[i + 1:]
                return blocks
            if isinstance(block, Para) and block.outline is not None and block.style != "Title":
                return blocks
        return blocks

    def our_cover(self, table: Table) -> None:
        for row in table.rows:
            for cell in row:
                lines = [p for p in cell if p.text.strip()]
                if not lines:
                    continue
                if any(p.style == "Cover Title" for p in lines):
                    self.front["title"] = " ".join(clean(p.text).strip() for p in lines)
                    continue
                first = clean(lines[0].text).strip()
                rest = " ".join(clean(p.text).strip() for p in lines[1:])
                if rest and first.endswith(":"):
                    self.field(first[:-1], rest)
                    continue
                text = " ".join(clean(p.text).strip() for p in lines)
                label, sep, value = text.partition(": ")
                if sep and self.field(label, value.strip(), strict=True):
                    continue
                if self.value_only(text):
                    continue
                if "committee" not in self.meeting:
                    self.meeting["committee"] = text

    def author_cover(self, table: Table, dry: bool = False) -> int:
        """Read a 2-column label/value table's fields; the number of fields recognised."""
        found = 0
        for row in table.rows:
            texts = [cell_text(c) for c in row]
            texts = [t for n, t in enumerate(texts) if t and (n == 0 or t != texts[n - 1])]
            if len(texts) == 2:
                label = texts[0].rstrip(":").strip()
                if _label(label):
                    found += 1
                    if not dry:
                        self.field(label, texts[1])
                    continue
            for text in texts:
                label, sep, value = text.partition(":")
                if sep and _label(label.strip()) and value.strip():
                    found += 1
                    if not dry:
                        self.field(label.strip(), value.strip())
                elif not dry and not self.value_only(text):
                    self.unlabelled(text)
        return found

    def unlabelled(self, text: str) -> None:
        """A cover cell without a label that is no date, item or status: the committee, else the title."""
        if "committee" not in self.meeting and re.search(r"\b(committee|cabinet|council|board|panel)\b", text,
                                                         re.IGNORECASE) and len(text.split()) <= 10:
            self.meeting["committee"] = text
        elif "title" not in self.front:
            self.front["title"] = text

    def value_only(self, text: str) -> bool:
        """A cover cell without a label: the date, 'ITEM: 5', the public/exempt statement."""
        item = _ITEM.match(text)
        if item:
            self.front["item"] = item.group(1).rstrip(":")
            return True
        if _parse_date(text) is not None and len(text.split()) <= 5:
            self.meeting["date"] = _parse_date(text)
            return True
        if text.lower().startswith("this report is"):
            self.status(text)
            return True
        return False

    def status(self, text: str) -> None:
        low = text.lower()
        body = re.sub(r"^this (report|briefing note) is\s+", "", text, flags=re.IGNORECASE)
        if low.startswith("this report is public") or body.lower().startswith(("public", "open", "part 1", "part i ",
                                                                              "part i-", "part i –")) \
                or body.lower() in ("part i", "not exempt"):
            self.front["status"] = "public"
            for match in re.finditer(r"Appendix (\d+) \(([^)]*)\), which is exempt: (.*?)(?=; Appendix \d+ \(|$)",
                                     text):
                self.front.setdefault("exempt_appendices", {})[int(match.group(1))] = match.group(3).strip()
            return
        if "exempt" in low or "not for publication" in low or "confidential" in low or low.startswith(
                ("part 2", "part ii")):
            self.front["status"] = "exempt"
            reason = re.sub(r"^(part (2|ii)\s*[:,–-]?\s*)?(exempt|not for publication|confidential)?\s*[:,–-]?\s*",
                            "", body, flags=re.IGNORECASE).strip()
            if reason:
                self.front["exempt_reason"] = reason
            else:
                self.warn(None, "the cover says the paper is exempt but gives no reason: add exempt_reason: (the "
                          "paragraph of Schedule 12A) to the front matter")

    def field(self, label: str, value: str, strict: bool = False) -> bool:
        """A labelled cover field into the front matter (or the meeting block); whether it was recognised."""
        key = _label(label)
        if key is None:
            return False
        value = value.strip()
        if key == "date":
            parsed = _parse_date(value)
            if parsed is None:
                self.warn(None, f"the cover's date '{value}' is not a date: the meeting's date was not set")
            else:
                self.meeting["date"] = parsed
        elif key == "meeting":  # "Cabinet, 18 January 2023": the committee and the date
            parsed = _parse_date(value)
            if parsed is not None:
                self.meeting["date"] = parsed
            rest = _DATE_WORDS.sub("", _DATE_NUMERIC.sub("", _DATE_ISO.sub("", value)))
            rest = re.sub(r"\b(mon|tues|wednes|thurs|fri|satur|sun)day\b", "", rest, flags=re.IGNORECASE)
            rest = rest.strip(" ,–-:")
            if rest:
                self.meeting["committee"] = rest
        elif key == "item":
            item = _ITEM.match(value)
            self.front["item"] = item.group(1).rstrip(":") if item else value
        elif key == "committee":
            self.meeting["committee"] = value
        elif key == "status":
            self.status(value if value.lower().startswith("this") else value)
        elif key == "key_decision":
            low = value.lower()
            self.front["key_decision"] = not low.startswith(("non", "no"))
            ref = re.search(r"\(Forward Plan reference ([^)]*)\)", value) or re.search(r"(FP/[^\s)]+)", value)
            if ref:
                self.front["forward_plan_ref"] = ref.group(1).strip()
        elif key in ("accountable_assistant_director", "accountable_director"):
            name, _, title = value.partition(", ")
            self.front[key] = {"name": name.strip(), "title": title.strip() or name.strip()}
        else:
            self.front[key] = value
        return True

    def meeting_block(self, template: str) -> dict[str, Any]:
        committee = self.meeting.get("committee") or self.front.get("committee")
        meeting: dict[str, Any] = {}
        subject = self.draft.subject.strip()
        if subject and committee and subject != committee and self.ours:
            meeting["committee"], meeting["short_name"] = subject, committee
        elif committee or subject:
            meeting["committee"] = committee or subject
        else:
            meeting["committee"] = "Committee"
            self.warn(None, "no committee found on the cover: the meeting's committee is 'Committee'; put its "
                      "name in the front matter (meeting: committee:)")
        date = self.meeting.get("date")
        if date is None and isinstance(self.draft.created, dt.datetime) and self.ours:
            date = self.draft.created.date()  # our own papers carry the meeting's date as their creation date
        if date is None:
            created = self.draft.created.date() if isinstance(self.draft.created, dt.datetime) else dt.date.today()
            date = created
            self.warn(None, f"no meeting date found on the cover: the meeting's date is {date.isoformat()} (when "
                      "the document was created); put the meeting's date in the front matter (meeting: date:)")
        meeting["date"] = date.isoformat()
        return meeting

    @property
    def ours(self) -> bool:
        """Whether the draft was made by papers (its own cover and paragraph styles)."""
        return bool({"Cover Text", "Committee Name", "Numbered Paragraph"} & self.used_styles)

    @property
    def used_styles(self) -> set[str]:
        styles: set[str] = set()
        for block in self.draft.blocks:
            if isinstance(block, Para):
                styles.add(block.style)
            else:
                styles.update(p.style for row in block.rows for c in row for p in c)
        return styles

    # -- paragraphs -------------------------------------------------------------------------------------------
    def joined(self, blocks: list[Block]) -> list[Block]:
        """Join a paragraph split by a page break: ends mid-sentence, the next (after the break) starts lower-case."""
        out: list[Block] = []
        pending_break = False
        for block in blocks:
            if isinstance(block, Para) and not block.text.strip() and not block.pictures and not block.unplaced:
                pending_break = pending_break or bool(block.breaks) or block.page_break_before
                continue
            prev = out[-1] if out else None
            if isinstance(block, Para) and isinstance(prev, Para) and not block.in_table:
                broken = pending_break or prev.break_after or block.break_before
                head = block.text.lstrip()
                tail = prev.text.rstrip()
                if broken and head[:1].islower() and tail and not tail.endswith(_SENTENCE_END) \
                        and prev.outline is None and block.outline is None and prev.list_level == block.list_level:
                    prev.runs = prev.runs + [Run(" ")] + block.runs
                    prev.runs[0].text = prev.runs[0].text  # keep the first paragraph's place
                    prev.unplaced.extend(block.unplaced)
                    prev.pictures.extend(block.pictures)
                    prev.breaks = []
                    self.warn(_where(prev), f"joined with paragraph {block.index}, which a page break split off "
                              "mid-sentence: check the sentence reads on")
                    pending_break = False
                    continue
            pending_break = False
            out.append(block)
        return out

    def lines(self, blocks: list[Block]) -> list[Line]:
        lines: list[Line] = []
        last_ordered: str | None = None
        for block in blocks:
            if isinstance(block, Table):
                for row in block.rows:
                    for cell in row:
                        for p in cell:
                            self.unplaced(p)
                            if p.pictures:
                                self.warn(_where(p), "a picture inside a table: it was not imported; place it "
                                          "below the table as ![what it shows](file.png)")
                lines.append(Line("table", table=block))
                continue
            para = block
            self.unplaced(para)
            if para.text.replace("\x00", "").strip():
                line, last_ordered = self.line(para, last_ordered)
                lines.append(line)
            for picture in para.pictures:
                n = len(self.out.images) + 1
                name = f"{self.slug}-image-{n}.{picture.ext}"
                if picture.blob is not None:
                    self.out.images.append((name, picture.blob))
                if picture.ext not in ("png", "jpg", "jpeg"):
                    self.warn(_where(para), f"a picture in {picture.ext.upper()} format: it was saved as {name} but "
                              "not placed (a paper takes PNG and JPEG pictures): save it as PNG and add it as "
                              "![what it shows](file.png)")
                elif picture.alt:
                    lines.append(Line("picture", para=para, alt=" ".join(picture.alt.split()), file=name))
                else:
                    saved = f"it was saved as {name}: " if picture.blob is not None else ""
                    self.warn(_where(para), f"an image without alt text: it was not placed in the paper; {saved}"
                              "add it with a description of what it shows: ![what it shows]"
                              f"({name})")
        return lines

    def unplaced(self, para: Para) -> None:
        """Warn about what a paragraph holds that the paper cannot: its notes, and links it cannot keep."""
        for what in para.unplaced:
            self.warn(_where(para), what.split("\x00")[0])
        para.unplaced = []
        seen: set[str] = set()
        for run in para.runs:
            if run.link and link_target(run.link) is None and run.link not in seen:
                seen.add(run.link)
                self.warn(_where(para), f"a link to '{run.link}': readers of the published paper cannot open it "
                          "(only https, http, mailto and tel addresses are kept), so only its text was kept; "
                          "give the full https:// address where it is published")

    def line(self, para: Para, last_ordered: str | None) -> tuple[Line, str | None]:
        style = para.style
        runs = para.runs
        if para.outline is not None and style not in ("Title",) and not para.in_table:
            text = clean(para.text).strip()
            number = _TYPED_NUMBER.match(text)
            if number:
                text = text[number.end():].strip()
            return Line("heading", para, text, para.outline), None
        match = re.match(r"List (Bullet|Number|Continue)(?: (\d))?$", style)
        if match:
            level = int(match.group(2) or 1) - 1
            kind = "cont" if match.group(1) == "Continue" else "item"
            return Line(kind, para, markdown(runs), level, match.group(1) == "Number"), None
        numbered = para.numbered_level is not None or para.multilevel and para.list_level == 0
        if numbered and self.heading_like(para, para.text):  # Word's 1. / 2.1 numbering on a heading line
            level = para.numbered_level if para.numbered_level is not None else para.list_level
            return Line("heading", para, _heading_text(para.text), (level or 0) + 1, ordered=True), None
        if para.list_level is not None and style not in ("Numbered Paragraph", "Recommendation"):
            runs, _ = _strip_typed(runs)
            return Line("item", para, markdown(runs), para.list_level, para.list_ordered), None
        text = para.text
        bullet = _TYPED_BULLET.match(text)
        if bullet:
            glyph = bullet.group(1) or bullet.group(2)
            indent = len(text[:bullet.start(1) if bullet.group(1) else bullet.start(2)].expandtabs(4)) // 4
            # nested by the glyph (o, ▪), by tabs or spaces before it, or by the paragraph's indent (Word
            # indents its list levels by half an inch: 720, 1440, 2160 twips)
            by_indent = 0 if para.indent < 1080 else 1 if para.indent < 1800 else 2
            level = max(_BULLETS.get(glyph, 0), min(indent, 2), by_indent)
            return Line("item", para, markdown(_cut(runs, bullet.end())), level), None
        number = _TYPED_NUMBER.match(text)
        if number:
            rest = _cut(runs, number.end())
            if self.heading_like(para, text[number.end():]):
                depth = number.group("multi").count(".") + 1 if number.group("multi") else 1
                return Line("heading", para, _heading_text(text[number.end():]), depth, ordered=True), None
            if number.group("multi"):
                return Line("para", para, markdown(rest)), None
            if number.group("letter") and not (number.group("letter") == "i" and last_ordered != "h"):
                return Line("item", para, markdown(rest), 0, True), number.group("letter")
            if number.group("roman") or number.group("letter") == "i":
                level = 1 if last_ordered is not None else 0
                return Line("item", para, markdown(rest), level, True), last_ordered
            return Line("item", para, markdown(rest), 0, True), None
        if self.heading_like(para, text):
            return Line("heading", para, _heading_text(text), 0), None
        return Line("para", para, markdown(runs)), None

    def heading_like(self, para: Para, text: str) -> bool:
        """A short line in bold or capitals, not ending like a sentence: an author's heading."""
        if para.in_table or para.style in ("Numbered Paragraph", "Recommendation", "List Paragraph"):
            return False
        text = clean(text).strip()
        if not text or len(text) > HEADING_MAX_CHARS or len(text.split()) > HEADING_MAX_WORDS:
            return False
        if text.endswith(":") and _section_name(text[:-1]):
            text = text[:-1]  # "Report Author:", "Recommendations:": a section's name, not a lead-in
        if text.endswith((".", ",", ";", ":", "!", "?")) or not any(c.isalpha() for c in text):
            return False
        visible = [r for r in para.runs if r.text.strip() and r.text != "\x00"]
        bold = bool(visible) and (all(r.bold for r in visible) or para.style_bold and para.style != "Normal")
        letters = [c for c in text if c.isalpha()]
        caps = (len(letters) >= 4 and all(c.isupper() for c in letters)) or \
            (bool(visible) and all(r.caps for r in visible)) or para.style_caps
        return bold or caps

    # -- the paper's front paragraphs (a briefing note's committee, title, purpose) ---------------------------
    def front_matter(self, lines: list[Line]) -> list[Line]:
        """Take the paper's own lines off the top: a briefing note's committee, title, purpose and exempt line;
        an author's title line and 'Label: value' lines (Report of: ..., Date: ...) before the first heading."""
        out: list[Line] = []
        heading_seen = False
        for line in lines:
            para = line.para
            style = para.style if para is not None else ""
            plain = clean(para.text).strip() if para is not None else ""
            if style == "Committee Name":
                self.briefing = True
                self.front["committee"] = plain
                continue
            if style == "Title" and "title" not in self.front:
                self.front["title"] = plain
                continue
            if line.kind == "heading" and not heading_seen:
                if not out and "title" not in self.front and self.title_line(line, lines):
                    self.front["title"] = line.text
                    continue
                heading_seen = True
            if para is not None and line.kind == "para" and not heading_seen:
                low = plain.lower()
                if str(self.front.get("title", "")).lower().startswith("briefing note"):
                    self.briefing = True
                if low.startswith("purpose of the briefing note:") or low.startswith("purpose:") and self.briefing:
                    self.briefing = True
                    self.front["purpose"] = plain.split(":", 1)[1].strip()
                    continue
                if low.startswith("this briefing note is exempt"):
                    self.front["status"] = "exempt"
                    self.front["exempt_reason"] = plain.split(":", 1)[1].strip() if ":" in plain else ""
                    continue
                label, sep, value = plain.partition(":")
                if sep and value.strip() and len(label.split()) <= 5 and _label(label) is not None:
                    self.field(label, value.strip())
                    continue
            out.append(line)
        if str(self.front.get("title", "")).lower().startswith("briefing note"):
            self.briefing = True
        return out

    @staticmethod
    def title_line(line: Line, lines: list[Line]) -> bool:
        """Whether a draft's first line, a bold or capitals one, is its title: it looks like no heading below."""
        para = line.para
        if para is None or line.ordered:
            return False
        if para.outline is not None:  # the one heading of the highest level, with others below it
            same = [ln for ln in lines if ln.kind == "heading" and ln.para is not None
                    and ln.para.outline is not None and ln.para.outline <= para.outline]
            return same == [line] and any(ln.kind == "heading" and ln is not line for ln in lines)
        look = _look(para, line.text)
        return all(_look(ln.para, ln.text) != look for ln in lines
                   if ln is not line and ln.kind == "heading" and ln.para is not None and ln.para.outline is None)

    def headings(self, lines: list[Line]) -> None:
        """Give every heading its level (1: a section, 2, 3: sub-headings).

        Word's heading styles give theirs (the highest in use is a section); a typed number gives its depth
        (``1.`` a section, ``2.1`` a sub-heading); a bold or capitals line without either takes the level of
        lines that look the same, else goes one below the heading above it, else (a draft of such lines only)
        ranks by its look: larger text, then capitals, then first seen, is higher."""
        styled = [ln.level for ln in lines if ln.kind == "heading" and ln.para is not None
                  and ln.para.outline is not None]
        base = min(styled) if styled else 1
        known = bool(styled) or any(ln.kind == "heading" and ln.ordered for ln in lines)
        looks: dict[tuple[Any, ...], int] = {}
        signatures: list[tuple[Any, ...]] = []
        current = 0
        for line in lines:
            if line.kind != "heading":
                continue
            para = line.para
            assert para is not None
            sig = _look(para, line.text)
            if para.outline is not None:
                line.level = min(3, max(1, para.outline - base + 1))
                current = line.level
            elif line.ordered:
                line.level = min(3, line.level)
                current = line.level
                looks.setdefault(sig, line.level)
            elif sig in looks:
                line.level = looks[sig]
            elif known:
                line.level = min(3, current + 1)
                looks[sig] = line.level
            else:
                if sig not in signatures:
                    signatures.append(sig)
                ranked = sorted(signatures, key=lambda s: (-s[0], not s[1], signatures.index(s)))
                line.level = min(3, ranked.index(sig) + 1)

    def template(self, lines: list[Line]) -> str:
        if self.briefing or "Committee Name" in self.used_styles:
            return "briefing_note"
        tops = [ln.text for ln in lines if ln.kind == "heading" and ln.level == 1]
        keys = {committee_section(t) for t in tops} - {None, "introduction", "recommendations"}
        if len(keys) >= 3 or any(t.lower().strip() in ("implications", "report author") for t in tops) \
                and len(keys) >= 2:
            return "committee_report"
        return "portfolio_report"

    # -- bodies -------------------------------------------------------------------------------------------
    def body(self, lines: list[Line]) -> Any:
        """Lines as a body: Markdown text, or a list of text and table blocks."""
        items: list[Any] = []
        text: list[str] = []
        stack: list[int] = []  # the indent of each open list level

        def flush() -> None:
            if text:
                items.append("\n".join(text).strip("\n") + "\n")
                text.clear()

        previous = ""
        i = 0
        while i < len(lines):
            line = lines[i]
            if line.kind == "table":
                assert line.table is not None
                title = None
                if text and previous == "heading" and text[-1].startswith("## "):
                    title = text[-1][3:]
                converted = convert(line.table, f"{self.slug}-finance-{len(self.out.csvs) + 1}.csv")
                i += 1
                if converted is None:
                    if not any(p.pictures for row in line.table.rows for c in row for p in c):
                        self.warn(_where(None, line.table), "a table without text: it was left out")
                    continue
                block = converted.block
                if "finance" in block:
                    if title is not None:
                        text.pop()
                        while text and not text[-1]:
                            text.pop()
                        block["finance"] = {"title": _unescape_heading(title), **block["finance"]}
                    assert converted.csv is not None
                    self.out.csvs.append((block["finance"]["source"], converted.csv))
                if converted.note:
                    self.warn(_where(None, line.table), converted.note)
                flush()
                items.append(block)
                previous = "table"
                continue
            if line.kind == "heading":
                marks = "#" * max(2, min(3, line.level))
                chunk = f"{marks} {escape(line.text)}" if not line.text.startswith("#") else f"{marks} \\{line.text}"
                self._gap(text)
                text.append(chunk)
            elif line.kind == "item":
                level = min(line.level, len(stack))
                marker = "1. " if line.ordered else "- "
                del stack[level:]
                indent = sum(stack)
                if previous not in ("item", "cont"):
                    self._gap(text)
                text.append(" " * indent + marker + line.text)
                stack.append(len(marker))
            elif line.kind == "cont" and previous in ("item", "cont") and stack:
                text.append("")
                text.append(" " * sum(stack[:line.level + 1]) + line.text)
            elif line.kind == "picture":
                self._gap(text)
                text.append(f"![{escape(line.alt)}]({line.file})")
            else:
                self._gap(text)
                text.append(line.text)
            if line.kind not in ("item", "cont"):
                stack.clear()
            previous = line.kind
            i += 1
        flush()
        if not items:
            return None
        return items[0] if len(items) == 1 and isinstance(items[0], str) else items

    @staticmethod
    def _gap(text: list[str]) -> None:
        if text and text[-1] != "":
            text.append("")

    def sectioned(self, lines: list[Line], data: dict[str, Any], template: str) -> None:
        parts = _split(lines)
        sections: list[dict[str, Any]] = []
        for title, content in parts:
            if title is not None and template == "briefing_note" and "purpose" not in data \
                    and title.text.lower().startswith("purpose"):
                first = next((ln for ln in content if ln.kind == "para"), None)
                if first is not None:
                    data["purpose"] = clean(first.para.text).strip() if first.para else first.text
                    content = [ln for ln in content if ln is not first]
                    if not content:
                        continue
                    title = None
            if title is not None and _recommendations(title.text) and template == "portfolio_report":
                data["recommendations"] = self.items(content, title)
                continue
            body = self.body(content)
            if title is None:
                if body is None:
                    continue
                if template == "briefing_note" and not sections:
                    sections.append({"body": body})
                    continue
                sections.append({"title": "Introduction", "body": body})
                self.warn(_where(content[0].para) if content[0].para else None,
                          "text before the first heading: it was put under a heading 'Introduction': rename it")
                continue
            if body is None:
                self.warn(_where(title.para), "a heading with no text under it: it was kept with the text "
                          "'To follow.'; write the section or remove the heading")
                body = "To follow.\n"
            sections.append({"title": title.text, "body": body})
        # the introduction has a field of its own, but a report needs a section too: a lone one stays a section
        if template == "portfolio_report" and len(sections) > 1 and sections[0].get("title", "").lower().startswith(
                "introduction"):
            data["introduction"] = sections.pop(0)
        if template == "portfolio_report" and sections:
            last = sections[-1]["body"]
            if isinstance(last, list) and isinstance(last[-1], dict) and "finance" in last[-1] \
                    and last[-1]["finance"].get("title"):
                data["finance"] = last.pop()
                sections[-1]["body"] = last[0] if len(last) == 1 and isinstance(last[0], str) else last
        if not sections:
            sections.append({"title": data.get("title", "Report"), "body": "To follow.\n"})
            self.warn(None, "no text found under the cover: the paper has one empty section")
        data["sections"] = sections
        if template == "briefing_note" and "purpose" not in data:
            self.warn(None, "no purpose found ('Purpose of the briefing note: ...'): add purpose: to the front "
                      "matter; the briefing note does not build without it")

    def items(self, content: list[Line], heading: Line | None = None) -> list[str]:
        """A list section's entries: one per paragraph or list item ('None' gives none)."""
        out = []
        for line in content:
            if line.kind == "table":
                self.warn(_where(None, line.table), "a table inside a list of items: it was not imported")
                continue
            if line.kind == "heading" or line.kind == "picture":
                self.warn(_where(line.para), "a heading or picture inside a list of items: it was not imported")
                continue
            if line.text.strip().lower() in ("none", "none.", "n/a"):
                continue
            out.append(line.text)
        return out

    def committee(self, lines: list[Line], data: dict[str, Any]) -> None:
        parts = _split(lines)
        implications: dict[str, Any] = {}
        for title, content in parts:
            if title is None:
                if content:
                    data["executive_summary"] = self.body(content)
                    self.warn(_where(content[0].para) if content[0].para else None,
                              "text before the first heading: it was taken as the executive summary")
                continue
            name = title.text.strip()
            low = re.sub(r"[^a-z ]", "", name.lower()).strip()
            if low == "implications":
                for sub_title, sub in _split(content, level=2):
                    key = committee_section(sub_title.text) if sub_title is not None else None
                    if key not in ("financial", "legal", "diversity_and_equality", "other"):
                        if sub:
                            self.warn(_where(sub_title.para if sub_title else sub[0].para),
                                      "text under 'Implications' that is not one of Financial, Legal, Diversity "
                                      "and Equality or Other implications: it was put under Other implications")
                            key = "other"
                        else:
                            continue
                    self.implication(key, sub, implications)
                continue
            if low.startswith("appendices") or low == "appendix":
                self.appendices(content, data)
                continue
            if low.startswith("report author"):
                self.author(content, data)
                continue
            key = committee_section(name)
            if key is None:
                self.warn(_where(title.para), f"'{name}' is not a section of a committee report: its text was put "
                          "under the section before it, as a sub-heading")
                target = self.previous_key or "executive_summary"
                extra = [Line("heading", title.para, name, 2)] + content
                self.extra.setdefault(target, []).extend(extra)
                continue
            self.previous_key = key
            if key in ("recommendations", "background_papers"):
                data[key] = self.items(content)
            elif key in ("financial", "legal", "diversity_and_equality", "other"):
                self.implication(key, content, implications)
            else:
                self.extra.setdefault(key, []).extend(content)
        for key, content in self.extra.items():
            if key in ("financial", "legal", "diversity_and_equality", "other"):
                self.implication(key, content, implications)
                continue
            body = self.body(content)
            if body is not None:
                data[key] = body
        if implications:
            data["implications"] = {k: implications[k] for k in ("financial", "legal", "diversity_and_equality",
                                                                 "other") if k in implications}
        for key in ("recommendations", "introduction", "issues_and_options", "reasons", "consultation", "impact"):
            if key not in data:
                self.warn(None, f"no '{key}' section found: add it (a '# ' heading) before building the paper")
        for key in ("wards", "key_decision", "accountable_director"):
            if key not in data:
                self.warn(None, f"the cover gives no {key.replace('_', ' ')}: add {key}: to the front matter before "
                          "building the paper")
        if "report_author" not in data:
            self.warn(None, "no Report Author found: add report_author: {name: ..., title: ...} to the front matter")
        if "background_papers" not in data:
            data["background_papers"] = []

    previous_key: str | None = None

    @property
    def extra(self) -> dict[str, list[Line]]:
        if not hasattr(self, "_extra"):
            self._extra: dict[str, list[Line]] = {}
        return self._extra

    def implication(self, key: str, content: list[Line], implications: dict[str, Any]) -> None:
        kept: list[Line] = []
        verified = None
        for line in content:
            plain = clean(line.para.text).strip() if line.para is not None else ""
            if line.kind == "para" and plain.lower().startswith("implications verified by"):
                who = plain.split(":", 1)[1].strip() if ":" in plain else ""
                if who and who.lower() != "not yet verified":
                    name, _, title = who.partition(", ")
                    verified = {"name": name.strip(), "title": title.strip() or name.strip()}
                continue
            kept.append(line)
        body = self.body(kept)
        if key == "other":
            if body is not None:
                implications["other"] = body
            return
        entry: dict[str, Any] = {}
        if body is not None:
            entry["body"] = body
        if verified:
            entry["verified_by"] = verified
        if entry:
            implications[key] = entry

    def appendices(self, content: list[Line], data: dict[str, Any]) -> None:
        found = []
        exempt = self.front.pop("exempt_appendices", {})
        for line in content:
            plain = clean(line.para.text).strip() if line.para is not None else ""
            if plain.lower() in ("none", "none."):
                continue
            match = re.match(r"^Appendix\s+(\d+|[A-Z])\s*[–:-]?\s*(.*?)\s*(\(exempt\))?$", plain)
            if not match:
                self.warn(_where(line.para), "not read as an appendix (Appendix 1 – Title): it was not imported")
                continue
            number, title, is_exempt = match.group(1), match.group(2), bool(match.group(3))
            n = len(found) + 1
            file = self.appendix_file(n)
            if file is None:
                self.warn(_where(line.para), f"Appendix {number} ({title}): its file is not known, so it was left "
                          f"out of the paper: put the file beside the paper and list it under appendices: "
                          f"(- {{title: {title}, file: <its file name>}})")
                continue
            self.out.appendices.append(file)
            entry: dict[str, Any] = {"title": title, "file": file}
            if is_exempt:
                entry["exempt"] = True
                reason = exempt.get(int(number)) if number.isdigit() else None
                if reason:
                    entry["exempt_reason"] = reason
            found.append(entry)
        if found:
            data["appendices"] = found

    appendix_files: list[str] = []

    def appendix_file(self, n: int) -> str | None:
        for name in self.appendix_files:
            if re.search(rf"-appendix-{n}\.[a-z]+$", name):
                return name
        return None

    def author(self, content: list[Line], data: dict[str, Any]) -> None:
        texts = [clean(ln.para.text).strip() for ln in content if ln.para is not None and ln.kind != "table"]
        texts = [t for t in texts if t]
        if len(texts) == 1 and ", " in texts[0]:
            texts = [t.strip() for t in texts[0].split(", ")]
        if not texts:
            return
        author: dict[str, str] = {"name": texts[0], "title": texts[1] if len(texts) > 1 else texts[0]}
        if len(texts) > 2:
            author["service"] = ", ".join(texts[2:])
        data["report_author"] = author


def _look(para: Para, text: str) -> tuple[float, bool, bool]:
    """How a heading line looks: (text size, in capitals, bold)."""
    visible = [r for r in para.runs if r.text.strip()]
    size = max((r.size or para.size or 0) for r in visible) if visible else 0
    letters = [c for c in text if c.isalpha()]
    return size, bool(letters) and all(c.isupper() for c in letters), all(r.bold for r in visible)


def _split(lines: list[Line], level: int = 1) -> list[tuple[Line | None, list[Line]]]:
    """Lines cut at each heading of ``level``: (heading, lines under it); the first part may have no heading."""
    parts: list[tuple[Line | None, list[Line]]] = [(None, [])]
    for line in lines:
        if line.kind == "heading" and line.level <= level:
            parts.append((line, []))
        else:
            parts[-1][1].append(line)
    if not parts[0][1]:
        parts.pop(0)
    return parts


def _heading_text(text: str) -> str:
    """A heading line's text, without a colon after a section's name."""
    text = clean(text).strip()
    return text[:-1].rstrip() if text.endswith(":") and _section_name(text[:-1]) else text


def _section_name(text: str) -> bool:
    """Whether a line names a section a paper has (Recommendations, a committee report's sections ...)."""
    text = _TYPED_NUMBER.sub("", text.strip()).strip()
    low = text.lower()
    return _recommendations(text) or committee_section(text) is not None or low in (
        "report author", "appendices", "appendices to the report", "implications", "background papers")


def _recommendations(title: str) -> bool:
    return re.match(r"^(\d+\.?\s*)?recommendations?(\(s\))?\s*:?$", title.strip(), re.IGNORECASE) is not None


def _unescape_heading(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text)


_LABELS = {
    "date": ("date", "meeting date", "date of meeting"),
    "meeting": ("meeting", "meeting and date", "committee and date", "committee / date", "meeting / date"),
    "item": ("item", "agenda item", "item number", "item no", "agenda item number"),
    "committee": ("committee", "committee name", "decision maker", "decision-maker", "to"),
    "title": ("title", "report title", "subject", "title of report"),
    "report_of": ("report of", "report from", "presented by", "portfolio holder", "cabinet member", "from"),
    "wards": ("wards and communities affected", "wards", "ward", "wards affected", "ward(s)"),
    "key_decision": ("key decision",),
    "accountable_assistant_director": ("accountable assistant director",),
    "accountable_director": ("accountable director",),
    "status": ("status", "public or exempt", "public/exempt", "exempt", "classification", "open or exempt",
               "exempt or public", "public"),
}
_LABEL_OF = {label: key for key, labels in _LABELS.items() for label in labels}


def _label(label: str) -> str | None:
    """The field a cover label names."""
    return _LABEL_OF.get(" ".join(label.lower().rstrip(":").split()))


def _parse_date(text: str) -> dt.date | None:
    """A date as people write it: 8 December 2022, Thursday 8th Dec 2022, 08/12/2022 (UK order), 2022-12-08."""
    for pattern, order in ((_DATE_ISO, "ymd"), (_DATE_WORDS, "dmy"), (_DATE_NUMERIC, "dmy")):
        match = pattern.search(text)
        if not match:
            continue
        a, b, c = match.groups()
        try:
            if order == "ymd":
                return dt.date(int(a), int(b), int(c))
            month = _MONTHS.get(b.lower()) if not b.isdigit() else int(b)
            if month is None:
                continue
            return dt.date(int(c), month, int(a))
        except ValueError:
            continue
    return None


def _cut(runs: list[Run], n: int) -> list[Run]:
    """The runs without their first ``n`` characters."""
    out: list[Run] = []
    for run in runs:
        if n >= len(run.text):
            n -= len(run.text)
            continue
        out.append(Run(run.text[n:], run.bold, run.italic, run.caps, run.link, run.size))
        n = 0
    return out


def _strip_typed(runs: list[Run]) -> tuple[list[Run], bool]:
    """Runs without a typed marker Word's own list numbering makes redundant."""
    text = "".join(r.text for r in runs)
    match = _TYPED_BULLET.match(text) or _TYPED_NUMBER.match(text)
    return (_cut(runs, match.end()), True) if match else (runs, False)


def classify(draft: Draft, stem: str, slug: str, appendix_files: list[str] | None = None) -> Imported:
    """The paper a draft becomes."""
    classifier = Classifier(draft, stem, slug)
    classifier.appendix_files = appendix_files or []
    return classifier.run()
