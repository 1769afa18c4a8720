"""The page looks like the published papers: spacing after lists and tables, columns fitted to their content,
the units row, finance titles as ► sub-headings, the cover, "Recommendation:", lead-ins and table headings
kept with what follows, label/value lines, and words too long for any column.

Built documents are read back with python-docx; LibreOffice's PDFs with pdftotext (per page, and word
boxes with -bbox). Text widths are measured here with fontTools from the font file fontconfig gives for the
template's font, as LibreOffice finds it, independently of the generator's own measuring.
"""
from __future__ import annotations

import csv
import re
import subprocess
from functools import lru_cache
from pathlib import Path

import pytest
import yaml
from docx.oxml.ns import qn
from fontTools.ttLib import TTFont

from conftest import ACCEPTANCE, EXAMPLE, ROOT, run_papers
from wordread import W, body_items, norm, open_docx

pytestmark = pytest.mark.libreoffice

REPORT = "05-central-services"
MEETING = {"committee": "Test Committee", "short_name": "Test", "date": "2024-01-10"}
LONG_WORD = "Supercalifragilistic" * 250  # 5,000 characters, no space
KPI_LABEL = "Average no. of calendar days to process new Housing Benefit claims and change events"
KPI_DEFAULTS = {"title": "KPI Title", "previous": "2016/17 Outturn", "current": "Qtr 1 YTD", "target": "Qtr 1 Target",
                "performance": "Performance", "direction": "Direction of Travel"}


# -- the inputs made for these tests ---------------------------------------------------------------

def _paper(title: str, sections: list, **more) -> dict:
    return {"template": "portfolio_report", "title": title, "report_of": "Head of Service", "meeting": MEETING,
            "sections": sections, **more}


class _Literal(yaml.SafeDumper):
    """Writes text of several lines as a `|` block, as people write bodies."""


_Literal.add_representer(str, lambda dumper, text: dumper.represent_scalar(
    "tag:yaml.org,2002:str", text, style="|" if "\n" in text else None))


def layout_inputs(folder: Path) -> dict[str, Path]:
    """Papers made to test the layout, each a lone paper (its own meeting block)."""
    folder.mkdir(parents=True)
    papers = {
        # lead-ins ending in a colon, every few lines, so that some fall at a page foot
        "leadins": _paper("Lead-ins", [{"title": "Lists", "body": "\n\n".join(
            f"Group {k} of the programme consists of:\n\n" + "\n".join(f"- item {k}.{i} of the group"
                                                                       for i in range(k % 3 + 1))
            for k in range(1, 81))}]),
        # lead-ins before tables, and finance tables with titles
        "tables": _paper("Tables", [{"title": "Tables", "body": [
            block for k in range(1, 41) for block in (
                f"Paragraph {k} before the table." + ("\n\nAnother line of text." if k % 2 else "")
                + f"\n\nThe figures of group {k} are:",
                {"table": {"header": ["Measure", "Value"], "rows": [[f"Row {k}.{r}", str(r)] for r in (1, 2)]}},
                f"Text after table {k}.",
                {"finance": {"title": f"Table {k} title", "columns": {"budget": "Budget", "forecast": "Forecast"},
                             "rows": [{"service": f"Line {k}.{r}", "budget": 100 * r, "forecast": 90 * r}
                                      for r in (1, 2)]}})]}]),
        # widths: a KPI label that must wrap, a 5,000-character word, a table longer than a page
        "widths": _paper("Widths", [{"title": "Performance", "body": [
            "First paragraph of the body.\n\nSecond paragraph of the body.\n\n- a bullet\n- the last bullet\n\n"
            "The paragraph after the list.",
            {"kpis": {"rows": [
                {"title": KPI_LABEL, "previous": "12.5", "current": "10.43", "target": "14", "performance": "ACHIEVED",
                 "direction": "Better"},
                {"title": "Calls answered", "previous": "97.68%", "current": "97%", "target": "85%",
                 "performance": "ACHIEVED", "direction": "In line"}]}},
            "The paragraph after the KPI table.",
            {"finance": {"title": "Long word", "columns": {"outturn": "Last year outturn", "budget": "Budget",
                                                           "forecast": "Q1 Forecast", "variance": "Q1 Variance"},
                         "rows": [{"service": LONG_WORD, "outturn": 1234567, "budget": 2345678, "forecast": 3456789},
                                  {"service": "Short", "outturn": 1, "budget": 2, "forecast": 3}]}},
            {"finance": {"title": "Many services", "columns": {"budget": "Budget", "forecast": "Forecast"},
                         "rows": [{"service": f"Service number {r}", "budget": 1000 + r, "forecast": 990 + r}
                                  for r in range(1, 61)]}},
        ]}]),
        # label/value lines (the 2017 paper's "BENEFITS calls down 47%"), and a header-less table of three
        "lines": _paper("Lines", [{"title": "Calls", "body": [
            "Calls are down in every service:",
            {"table": {"rows": [["BENEFITS calls down", "47%"], ["COUNCIL TAX calls down", "29%"]]}},
            {"table": {"rows": [["a", "b", "c"]]}}]}]),
        # a finance title with no heading above it: level 1, drawn as the sub-heading
        "untitled": {"template": "briefing_note", "title": "Briefing", "purpose": "Tests a title.", "meeting": MEETING,
                     "sections": [{"body": [{"finance": {"title": "Financial Information",
                                                         "columns": {"budget": "Budget"},
                                                         "rows": [{"service": "Parks", "budget": 5}]}}]}]},
    }
    files = {}
    for name, paper in papers.items():
        files[name] = folder / f"{name}.yaml"
        files[name].write_text(yaml.dump(paper, Dumper=_Literal, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return files


def layout_input(layout: Path, name: str) -> dict:
    """The input of one of the layout papers, as written."""
    return yaml.safe_load((layout.parent.parent / "in" / f"{name}.yaml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def layout(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """OUT folder of one `papers build --pdf` of the layout papers."""
    base = tmp_path_factory.mktemp("layout")
    files = layout_inputs(base / "in")
    result = run_papers("build", *files.values(), "-o", base / "out", "--pdf", "-j", "1")
    assert result.exit_code == 0, result.output
    return base / "out" / "in"


# -- reading PDFs -------------------------------------------------------------------------------------

def pages(pdf: Path) -> list[list[str]]:
    """The non-empty lines of each page (pdftotext -layout), footer left out."""
    count = int(re.search(r"^Pages:\s+(\d+)", subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True,
                                                              check=True).stdout, re.MULTILINE).group(1))
    out = []
    for page in range(1, count + 1):
        text = subprocess.run(["pdftotext", "-layout", "-f", str(page), "-l", str(page), str(pdf), "-"],
                              capture_output=True, text=True, check=True).stdout
        out.append([" ".join(line.split()) for line in text.splitlines()
                    if line.strip() and not re.fullmatch(r"\s*Page \d+\s*", line)])
    return out


def words(pdf: Path) -> list[list[tuple[str, float, float, float, float]]]:
    """Per page, every word with its box (text, xMin, yMin, xMax, yMax in points)."""
    html = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    out = []
    for page in html.split("<page ")[1:]:
        out.append([(_unescape(t), float(a), float(b), float(c), float(d)) for a, b, c, d, t in re.findall(
            r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>', page)])
    return out


def _unescape(text: str) -> str:
    return text.replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"')


def lines(page: list, left: float = 0, right: float = 10_000) -> list[list]:
    """The words between two x positions grouped into lines, top to bottom, each left to right (LibreOffice
    draws a table column by column, so the drawing order is not the reading order)."""
    out: list[list] = []
    for word in sorted((w for w in page if w[1] >= left and w[3] <= right), key=lambda w: (w[2], w[1])):
        if out and abs(out[-1][0][2] - word[2]) < 1.5:
            out[-1].append(word)
        else:
            out.append([word])
    return [sorted(line, key=lambda w: w[1]) for line in out]


def line_of(page: list, text: str) -> list:
    """The words of the first line that reads ``text``."""
    for line in lines(page):
        if " ".join(w[0] for w in line) == text:
            return line
    raise AssertionError(f"no line reads {text!r}")


# -- measuring text as LibreOffice draws it ----------------------------------------------------------

@lru_cache(maxsize=None)
def _font(family: str, bold: bool) -> tuple[dict, dict, int]:
    found = subprocess.run(["fc-match", "-f", "%{file}", f"{family}:bold" if bold else family],
                           capture_output=True, text=True, check=True).stdout
    font = TTFont(found)
    return font.getBestCmap(), font["hmtx"].metrics, font["head"].unitsPerEm


def width(text: str, family: str, half_points: int, bold: bool = False) -> float:
    """Width of a text on one line, in twips."""
    cmap, metrics, upem = _font(family, bold)
    return sum(metrics[cmap.get(ord(c), ".notdef")][0] for c in text) * half_points * 10 / upem


def lines_needed(text: str, room: float, family: str, half_points: int, bold: bool = False) -> int:
    """Lines a text takes when wrapped between words at ``room`` twips (a longer word breaks inside)."""
    lines, current = 0, ""
    for word in text.split():
        if width(word, family, half_points, bold) > room:  # broken inside, over as many lines as it needs
            lines += (1 if current else 0) + int(width(word, family, half_points, bold) // room)
            current = "x"
            continue
        trial = f"{current} {word}" if current else word
        if current and width(trial, family, half_points, bold) > room:
            lines, current = lines + 1, word
        else:
            current = trial
    return lines + (1 if current else 0)


def table_font(doc) -> tuple[str, int]:
    """Family and size (half-points) of table text: the Table Text style, else the document defaults."""
    family = size = None
    style = doc.styles["Table Text"]
    while style is not None and (family is None or size is None):
        family = family or style.font.name
        size = size or (int(style.font.size.pt * 2) if style.font.size else None)
        style = style.base_style
    defaults = doc.styles.element.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr")
    family = family or defaults.find(f"{W}rFonts").get(qn("w:ascii"))
    size = size or int(defaults.find(f"{W}sz").get(qn("w:val")))
    return family, size


MARGINS = 2 * 108  # the Council Table's left and right cell margins (twips), as the template sets them


def air(text_width: float) -> float:
    """What the README says a column gets beyond its measured text: 2% and 30 twips, for the rounding of
    glyph positions."""
    return text_width * 0.02 + 30


# -- which tables are finance and KPI tables, from the inputs -------------------------------------------

def kpi_and_finance_counts(paper: dict) -> tuple[list[list[str]], int]:
    """(the header row of each KPI table, the number of finance tables) a paper's input asks for."""
    kpis, finance = [], 1 if paper.get("finance") else 0
    for section in ([paper["introduction"]] if paper.get("introduction") else []) + paper.get("sections", []):
        for block in section["body"] if isinstance(section["body"], list) else []:
            if isinstance(block, dict) and "kpis" in block:
                headers = {**KPI_DEFAULTS, **block["kpis"].get("headers", {})}
                fields = list(KPI_DEFAULTS)[:5] + (["direction"] if block["kpis"].get("direction", True) else [])
                kpis.append([headers[f] for f in fields])
            elif isinstance(block, dict) and "finance" in block:
                finance += 1
    return kpis, finance


def texts(tr) -> list[str]:
    return [norm("".join(t.text or "" for t in tc.iter(qn("w:t")))) for tc in tr.findall(qn("w:tc"))]


def value_tables(docx: Path, paper: dict) -> list[tuple[list[int], list[list[str]], int]]:
    """(grid widths, rows of cell texts, header rows) of every finance and KPI table of a built paper."""
    kpi_headers, finance_count = kpi_and_finance_counts(paper)
    found, finance_found = [], 0
    for tbl in open_docx(docx).element.body.iter(qn("w:tbl")):
        rows = tbl.findall(qn("w:tr"))
        header_rows = sum(1 for tr in rows if tr.find(f"{W}trPr/{W}tblHeader") is not None)
        cells = [texts(tr) for tr in rows]
        is_finance = header_rows == 2 and cells[1][0] == "" and len(set(cells[1][1:])) == 1
        if is_finance or (header_rows == 1 and cells[0] in kpi_headers):
            finance_found += is_finance
            found.append(([int(g.get(qn("w:w"))) for g in tbl.iter(qn("w:gridCol"))], cells, header_rows))
    assert finance_found == finance_count and len(found) == finance_count + len(kpi_headers), docx.name
    return found


def example_and_acceptance_papers() -> list[tuple[Path, Path]]:
    """(input, OUT-relative output) of every portfolio report of the example and the acceptance meetings."""
    out = []
    for yml in sorted(EXAMPLE.glob("*.yaml")) + sorted(ACCEPTANCE.glob("*/*.yaml")):
        paper = yaml.safe_load(yml.read_text(encoding="utf-8"))
        if isinstance(paper, dict) and "template" in paper:
            out.append((yml, Path(yml.parent.name) / f"{yml.stem}.docx"))
    return out


# -- 1. space after lists and tables --------------------------------------------------------------------

def effective_spacing(doc, p_el) -> tuple[int, int]:
    """(space before, space after) of a paragraph in twips: direct, else its style chain, else the defaults."""
    found: dict[str, int] = {}
    chain = [p_el.find(f"{W}pPr")]
    ps = p_el.find(f"{W}pPr/{W}pStyle")
    style = doc.styles.element.find(f"{W}style[@{W}styleId='{ps.get(qn('w:val'))}']") if ps is not None else \
        doc.styles.element.find(f"{W}style[@{W}default='1'][@{W}type='paragraph']")
    while style is not None:
        chain.append(style.find(f"{W}pPr"))
        based = style.find(f"{W}basedOn")
        style = doc.styles.element.find(f"{W}style[@{W}styleId='{based.get(qn('w:val'))}']") if based is not None \
            else None
    chain.append(doc.styles.element.find(f"{W}docDefaults/{W}pPrDefault/{W}pPr"))
    for ppr in chain:
        spacing = ppr.find(f"{W}spacing") if ppr is not None else None
        for side in ("before", "after"):
            if spacing is not None and side not in found and spacing.get(qn(f"w:{side}")) is not None:
                found[side] = int(spacing.get(qn(f"w:{side}")))
    return found.get("before", 0), found.get("after", 0)


def test_the_paragraph_after_a_list_sits_as_far_below_it_as_after_a_paragraph(built_example: Path) -> None:
    doc = open_docx(built_example / f"{REPORT}.docx")
    items = [i for i in body_items(doc) if not i.in_table]
    pairs = [(a, b) for a, b in zip(items, items[1:]) if a.style.startswith("List") and b.style == "Normal"]
    normal = [(a, b) for a, b in zip(items, items[1:]) if a.style == b.style == "Normal"]
    assert len(pairs) >= 5 and normal
    a, b = normal[0]
    paragraph_gap = effective_spacing(doc, a.element)[1] + effective_spacing(doc, b.element)[0]
    assert paragraph_gap >= 200
    for last, after in pairs:
        gap = effective_spacing(doc, last.element)[1] + effective_spacing(doc, after.element)[0]
        assert gap >= paragraph_gap, (norm(last.text)[:40], gap)
    # within a list the items stay closer together than paragraphs
    inside = [(a, b) for a, b in zip(items, items[1:]) if a.style == b.style == "List Bullet"]
    assert inside and effective_spacing(doc, inside[0][0].element)[1] < paragraph_gap


def test_libreoffice_spaces_lists_and_tables_from_the_text_under_them(layout: Path) -> None:
    page = words(layout / "widths.pdf")[0]
    first, second = line_of(page, "First paragraph of the body."), line_of(page, "Second paragraph of the body.")
    bullet, after = line_of(page, "• the last bullet"), line_of(page, "The paragraph after the list.")
    paragraph_gap = second[0][2] - first[0][4]  # the next line's top less this line's foot, in points
    assert paragraph_gap >= 7  # 10 pt in the template, less what the word boxes take above and below the line
    assert after[0][2] - bullet[0][4] >= paragraph_gap - 0.5
    # the text under a KPI table sits a paragraph's space below the last row's text (the cell's own
    # margin and the border come on top), not against the border
    row, text = line_of(page, "Calls answered 97.68% 97% 85% ACHIEVED In line"), line_of(
        page, "The paragraph after the KPI table.")
    assert text[0][2] - row[0][4] >= paragraph_gap + 1


# -- 2. columns fitted to their content ------------------------------------------------------------------

def check_widths(docx: Path, paper: dict) -> int:
    """No figure or value of a finance or KPI table wraps, and no label takes more lines than it needs at the
    width the value columns leave; returns the number of tables checked."""
    doc = open_docx(docx)
    family, size = table_font(doc)
    tables = value_tables(docx, paper)
    section = doc.sections[-1]
    text_width = (section.page_width - section.left_margin - section.right_margin) / 635
    for grid, rows, header_rows in tables:
        assert abs(sum(grid) - text_width) <= 1, docx.name
        body = rows[header_rows:]
        least = []
        for col in range(1, len(grid)):
            # the widest value on one line (a Total row is bold), and the widest heading word
            values = [width(r[col], family, size, bold=(r[0] == "Total")) for r in body]
            heading = [width(w, family, size, bold=True) for r in rows[:header_rows] for w in r[col].split()]
            widest = max(values + heading)
            least.append(widest + air(widest) + MARGINS)
            for r in body:
                assert width(r[col], family, size, r[0] == "Total") <= grid[col] - MARGINS, (docx.name, r[col])
        left = text_width - sum(least)
        for r in body:
            assert lines_needed(r[0], grid[0] - MARGINS, family, size) <= max(
                1, lines_needed(r[0], left - MARGINS, family, size)), (docx.name, r[0][:40], grid)
    return len(tables)


def test_value_columns_fit_their_figures_and_labels_take_the_rest(built_example: Path, acceptance_build: tuple,
                                                                  layout: Path) -> None:
    out = acceptance_build[0]
    checked = 0
    for yml, docx in example_and_acceptance_papers():
        paper = yaml.safe_load(yml.read_text(encoding="utf-8"))
        built = (built_example.parent if yml.parent == EXAMPLE else out) / docx
        checked += check_widths(built, paper)
    checked += check_widths(layout / "widths.docx", layout_input(layout, "widths"))
    assert checked >= 10  # the example's, the acceptance papers' (4 finance, 3 KPI) and these
    # the KPI label needs fewer lines than it took at the old fixed share (29% of the width)
    doc = open_docx(layout / "widths.docx")
    family, size = table_font(doc)
    grid = value_tables(layout / "widths.docx", layout_input(layout, "widths"))[0][0]
    assert lines_needed(KPI_LABEL, grid[0] - MARGINS, family, size) < lines_needed(KPI_LABEL, 0.29 * 9026 - MARGINS,
                                                                                   family, size)


def test_libreoffice_draws_figures_on_one_line_and_labels_in_the_lines_they_need(
        example_pdfs: dict[str, Path], acceptance_build: tuple, layout: Path) -> None:
    # the example's finance table: every label on one line beside its figures
    printed = [line for page in pages(example_pdfs[REPORT]) for line in page]
    with (EXAMPLE / f"{REPORT}-finance.csv").open(newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            amounts = [f"({int(row[k][1:]):,})" if row[k].startswith("-") else f"{int(row[k]):,}"
                       for k in ("outturn", "budget", "forecast", "variance")]
            assert " ".join([row["service"]] + amounts) in printed, row["service"]
    # every finance and KPI table of the acceptance papers: each row's values side by side on one line, with
    # its label when the label needs one line at its column's width
    rows_seen = 0
    for yml, docx in example_and_acceptance_papers():
        if yml.parent == EXAMPLE:
            continue
        built = acceptance_build[0] / docx
        doc = open_docx(built)
        family, size = table_font(doc)
        printed = [line for page in pages(built.with_suffix(".pdf")) for line in page]
        for grid, rows, header_rows in value_tables(built, yaml.safe_load(yml.read_text(encoding="utf-8"))):
            for row in rows[header_rows:]:
                values = " ".join(v for v in row[1:] if v)
                if lines_needed(row[0], grid[0] - MARGINS, family, size, bold=row[0] == "Total") == 1:
                    assert f"{row[0]} {values}" in printed, (docx.name, row)
                else:
                    assert any(values in line for line in printed), (docx.name, row)
                rows_seen += 1
    assert rows_seen >= 15
    # the KPI label wraps only as far as the width left by the value columns makes it
    doc = open_docx(layout / "widths.docx")
    family, size = table_font(doc)
    grid = value_tables(layout / "widths.docx", layout_input(layout, "widths"))[0][0]
    page = words(layout / "widths.pdf")[0]
    left = 72 + 108 / 20  # the page margin and the cell's margin, in points
    column = [" ".join(w[0] for w in line) for line in lines(page, left - 1, 72 + grid[0] / 20)]
    start = next(i for i, line in enumerate(column) if line.startswith("Average"))
    drawn = next(n for n in range(1, 10) if " ".join(column[start:start + n]) == KPI_LABEL)
    assert drawn <= lines_needed(KPI_LABEL, grid[0] - MARGINS, family, size), column[start:start + drawn]
    # its figures on one line, beside the label
    row = [" ".join(w[0] for w in line) for line in lines(page, 72 + grid[0] / 20)]
    assert "12.5 10.43 14 ACHIEVED Better" in row


def test_a_five_thousand_character_word_breaks_and_the_amounts_stay(layout: Path) -> None:
    docx = layout / "widths.docx"
    doc = open_docx(docx)
    family, size = table_font(doc)
    grid, rows, _ = value_tables(docx, layout_input(layout, "widths"))[1]
    assert rows[2][0] == LONG_WORD
    for col in range(1, 5):
        widest = max(width(r[col], family, size) for r in rows[2:])
        assert grid[col] >= widest + MARGINS, grid  # never squeezed below the amounts
        assert grid[col] < 2500
    assert grid[0] == 9026 - sum(grid[1:])  # the label column takes what is left, and breaks the word
    text = " ".join(line for page in pages(layout / "widths.pdf") for line in page)
    for amount in ("1,234,567", "2,345,678", "3,456,789", "1,111,111"):
        assert amount in text
    assert "Supercalifragilistic" in text


def test_widths_without_a_font_file_are_the_documented_approximation(monkeypatch: pytest.MonkeyPatch) -> None:
    from generator.render import metrics

    monkeypatch.setattr(metrics.shutil, "which", lambda name: None)
    metrics.forget_fonts()
    try:
        font = metrics.Font("Arial", 24)
        assert not font.measured
        # 0.6 em a character (bold 0.65 em): 10 characters at 12 pt are 6 em = 1,440 twips
        assert font.width("0123456789") == 1440
        assert metrics.Font("Arial", 24, bold=True).width("0123456789") == 1560
    finally:
        monkeypatch.undo()
        metrics.forget_fonts()
    assert metrics.Font("Arial", 24).measured  # fontconfig and the font are here (make test installs them)


# -- 3. the units row --------------------------------------------------------------------------------------

def test_the_units_are_a_header_row_that_repeats_on_every_page(built_example: Path, example_pdfs: dict[str, Path],
                                                               layout: Path) -> None:
    found = 0
    for docx in (built_example / f"{REPORT}.docx", layout / "widths.docx"):
        for tbl in open_docx(docx).element.body.iter(qn("w:tbl")):
            rows = tbl.findall(qn("w:tr"))
            if len(rows) > 1 and texts(rows[1])[1:2] == ["£000"]:
                assert [tr.find(f"{W}trPr/{W}tblHeader") is not None for tr in rows[:3]] == [True, True, False]
                assert texts(rows[1]) == [""] + ["£000"] * (len(texts(rows[0])) - 1)
                assert "£000" not in " ".join(texts(rows[0]))
                found += 1
    assert found == 3  # the example's table, the long word's and the 60 services'
    # the example's units on one line under headings of one, two and three lines ("Last year outturn")
    assert "£000 £000 £000 £000" in [line for page in pages(example_pdfs[REPORT]) for line in page]
    # drawn: one line of units under the headings, aligned across the money columns, on every page
    long = [n for n, page in enumerate(pages(layout / "widths.pdf")) if any("Service number" in l for l in page)]
    assert len(long) >= 2, "the 60-service table spans pages"
    for n in long:
        page = pages(layout / "widths.pdf")[n]
        first = next(i for i, line in enumerate(page) if line.startswith("Service number"))
        assert page[first - 2:first] == ["Service Budget Forecast", "£000 £000"], page[first - 3:first + 1]
        boxes = [w for w in words(layout / "widths.pdf")[n] if w[0] == "£000"]
        assert len({round(w[2]) for w in boxes[-2:]}) == 1


# -- 4. finance titles in the sub-heading style --------------------------------------------------------------

def test_finance_titles_are_sub_headings_upper_case_by_the_style(built_example: Path, acceptance_build: tuple,
                                                                 example_pdfs: dict[str, Path], layout: Path) -> None:
    out = acceptance_build[0]
    paper = yaml.safe_load((EXAMPLE / f"{REPORT}.yaml").read_text(encoding="utf-8"))
    title = paper["finance"]["finance"]["title"]
    doc = open_docx(built_example / f"{REPORT}.docx")
    heading = next(i for i in body_items(doc) if norm(i.text) == title)
    assert heading.style == "Heading 2" and title != title.upper()  # the text as written
    assert doc.styles["Heading 2"].font.all_caps
    assert f"► {title.upper()}" in [line for page in pages(example_pdfs[REPORT]) for line in page]
    # inside a section, under a ### heading, the title is a ► sub-heading too
    acceptance = open_docx(out / "2023-03-14-corporate-os" / "05-finance.docx")
    assert next(i.style for i in body_items(acceptance) if norm(i.text) == "Revenue budget monitoring – Quarter 3") \
        == "Heading 2"
    # with no heading above it, a level 1 heading that looks like the sub-heading; the audit finds no skip
    untitled = open_docx(layout / "untitled.docx")
    item = next(i for i in body_items(untitled) if norm(i.text) == "Financial Information")
    assert item.style == "Heading 2"
    assert item.element.find(f"{W}pPr/{W}outlineLvl").get(qn("w:val")) == "0"
    audit = run_papers("audit", layout / "untitled.docx")
    assert audit.exit_code == 0 and "heading-order" not in audit.output, audit.output


# -- 5. the cover ----------------------------------------------------------------------------------------------

def test_the_cover_is_bold_as_published_and_no_gap_under_it(built_example: Path, example_pdfs: dict[str, Path]) -> None:
    doc = open_docx(built_example / f"{REPORT}.docx")
    cover = doc.element.body.find(qn("w:tbl"))
    runs = [("".join(t.text or "" for t in r.iter(qn("w:t"))), r.find(f"{W}rPr/{W}b") is not None)
            for r in cover.iter(qn("w:r"))]
    runs = [(t, b) for t, b in runs if t]
    assert runs == [("8 December 2022", True), ("ITEM: 5", True), ("Corporate O&S", True),
                    ("Report of the Cabinet Member for Central Services", True), ("Report of: ", True),
                    ("Councillor Jack Duffin, Cabinet Member for Central Services", False),
                    ("This report is public", True)]
    following = cover.getnext()
    assert following.tag == qn("w:p") and norm("".join(t.text or "" for t in following.iter(qn("w:t")))) \
        == "Introduction by Cabinet Member"
    page = words(example_pdfs[REPORT])[0]
    gap = line_of(page, "Introduction by Cabinet Member")[0][2] - line_of(page, "This report is public")[0][4]
    assert gap < 30  # the heading's space before and the cell's margin: less than two lines (28 pt)


# -- 6. "Recommendation:" --------------------------------------------------------------------------------------

def test_the_recommendation_heading_has_the_templates_colon(built_example: Path) -> None:
    template = open_docx(ROOT / "templates" / "docx" / "portfolio_report.docx")
    assert "Recommendation:" in [norm(p.text) for p in template.paragraphs]
    assert "Recommendation:" in [norm(i.text) for i in body_items(open_docx(built_example / f"{REPORT}.docx"))
                                 if i.style == "Heading 1"]


# -- 7. lead-ins and table headings stay with what follows ------------------------------------------------------

def test_lead_ins_and_table_headings_are_kept_with_the_next_paragraph(layout: Path) -> None:
    doc = open_docx(layout / "tables.docx")
    lead_ins = [i for i in body_items(doc) if not i.in_table and norm(i.text).endswith(":")]
    assert len(lead_ins) == 40
    assert all(i.element.find(f"{W}pPr/{W}keepNext") is not None for i in lead_ins)
    for tbl in doc.element.body.iter(qn("w:tbl")):
        for tr in tbl.findall(qn("w:tr")):
            header = tr.find(f"{W}trPr/{W}tblHeader") is not None
            kept = [p.find(f"{W}pPr/{W}keepNext") is not None for p in tr.iter(qn("w:p"))]
            assert all(kept) if header else not any(kept)
    others = [i for i in body_items(doc) if not i.in_table and norm(i.text).startswith("Paragraph")]
    assert not any(i.element.find(f"{W}pPr/{W}keepNext") is not None for i in others)


def test_libreoffice_never_leaves_a_lead_in_or_a_table_heading_at_a_page_foot(layout: Path) -> None:
    breaks = 0
    for name in ("leadins", "tables"):
        doc_pages = pages(layout / f"{name}.pdf")
        assert len(doc_pages) >= 5
        for n, page in enumerate(doc_pages[:-1]):
            breaks += 1
            last = page[-1]
            assert not last.endswith(":"), f"{name} page {n + 1} ends with its lead-in {last!r}"
            assert not re.fullmatch(r"► TABLE \d+ TITLE|Service Budget Forecast|£000 £000|Measure Value", last), \
                f"{name} page {n + 1} ends with {last!r}"
            assert not doc_pages[n + 1][0].startswith(("• item", "Row", "Line")) or not re.search(
                r"(are|of):$", page[-1]), f"{name} page {n + 2}"
    assert breaks >= 8


# -- 8. label/value lines ----------------------------------------------------------------------------------------

def test_a_two_column_table_without_header_is_drawn_as_label_value_lines(layout: Path) -> None:
    doc = open_docx(layout / "lines.docx")
    tables = doc.element.body.findall(qn("w:tbl"))[1:]  # after the cover
    styles = [t.find(f"{W}tblPr/{W}tblStyle").get(qn("w:val")) for t in tables]
    assert styles == ["LayoutLines", "CouncilTable"]
    assert doc.styles["Layout Lines"].type == 3  # WD_STYLE_TYPE.TABLE
    assert tables[0].find(f".//{W}tblHeader") is None
    grid = [int(g.get(qn("w:w"))) for g in tables[0].iter(qn("w:gridCol"))]
    assert sum(grid) < 9026  # as wide as its lines, the values in a column after the longest label
    audit = run_papers("audit", layout / "lines.docx")
    findings = [line.strip() for line in audit.output.splitlines() if line.startswith("  ")]
    # the layout lines need no header row; the three-column table without one is still a data table
    assert [f.split(": ")[1:4] for f in findings] == [["table 3", "table-header", "error"]], audit.output
    printed = [line for page in pages(layout / "lines.pdf") for line in page]
    assert "BENEFITS calls down 47%" in printed and "COUNCIL TAX calls down 29%" in printed
    page = words(layout / "lines.pdf")[0]
    assert line_of(page, "BENEFITS calls down 47%")[-1][1] == line_of(page, "COUNCIL TAX calls down 29%")[-1][1]


def test_lint_warns_when_the_layout_lines_style_is_not_a_table_style(tmp_path: Path) -> None:
    import zipfile

    from generator.checks.lint import lint_paths

    shipped = ROOT / "templates" / "docx" / "portfolio_report.docx"
    edited = tmp_path / "portfolio_report.docx"
    with zipfile.ZipFile(shipped) as src, zipfile.ZipFile(edited, "w") as dst:
        for item in src.infolist():
            data = src.read(item)
            if item.filename == "word/styles.xml":
                assert b'w:type="table" w:styleId="LayoutLines"' in data
                data = data.replace(b'w:type="table" w:styleId="LayoutLines"', b'w:type="paragraph" w:styleId="LayoutLines"')
            dst.writestr(item, data)
    assert lint_paths([shipped]) == []
    findings = [str(f) for f in lint_paths([edited])]
    assert len(findings) == 1 and "style-type: warning: 'Layout Lines' must be a table style" in findings[0], findings
