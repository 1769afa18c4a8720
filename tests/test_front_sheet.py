"""The Public Document Pack: the agenda front sheet, continuous page stamps, Part 2 (issue 12).

The example Cabinet meeting (inputs/2023-01-18-cabinet) carries every front sheet field, the standard
items, an attached document (the previous minutes) and a Part 2 item; expectations are written from its
meeting.yaml and from the page counts of the PDFs the pack joins.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import shutil
import subprocess
from pathlib import Path

import jsonschema
import pytest
from docx import Document
from pypdf import PdfReader

from conftest import CABINET, CABINET_AS, EXAMPLE, ROOT, run_papers
from generator.publish.notice import clear_days, printed_time

CLEARED = "08-q2-budget-monitoring"
EXEMPT = "12-waste-contract-award"
MINUTES = "item-2-minutes-2022-12-14.pdf"


def pdf_text(pdf: Path, page: int | None = None, top: float | None = None) -> str:
    """pdftotext of a PDF (or of one page; with ``top``, only that many points at the top of it)."""
    args = ["pdftotext"] + (["-f", str(page), "-l", str(page)] if page else [])
    if top is not None:
        args += ["-x", "0", "-y", "0", "-W", "2000", "-H", str(top)]
    return subprocess.run(args + [str(pdf), "-"], capture_output=True, text=True, check=True).stdout


def flat(text: str) -> str:
    """Text on one line, single-spaced; a page range as written on the agenda ("5 - 24")."""
    return re.sub(r"(\d)\s*-\s*(\d)", r"\1 - \2", " ".join(text.split()))


def pages(pdf: Path) -> int:
    return len(PdfReader(pdf).pages)


def span(first: int, count: int) -> str:
    return str(first) if count == 1 else f"{first} - {first + count - 1}"



def agenda_ranges(folder: Path) -> dict[str, str]:
    """{item number: its pages} from the front sheet's tables (the Word file, as the clerk sees it)."""
    found = {}
    for table in Document(str(folder / f"{CABINET_AS}-agenda.docx")).tables:
        for row in table.rows[1:]:
            cells = [c.text for c in row.cells]
            found[cells[0]] = cells[2]
    return found


# -- the front sheet -----------------------------------------------------------------------------

@pytest.mark.libreoffice
def test_the_front_sheet_prints_every_field_in_order(cabinet: tuple[Path, str]) -> None:
    folder = cabinet[0]
    agenda = pages(folder / f"{CABINET_AS}-agenda.pdf")
    minutes, report, appendix = (pages(folder / n) for n in (MINUTES, f"{CLEARED}.pdf", f"{CLEARED}-appendix-1.pdf"))
    text = flat(pdf_text(folder / f"{CABINET_AS}-agenda.pdf"))
    expected = [
        "Thurrock Council", "Cabinet", "The meeting will be held at 7.00 pm on 18 January 2023",
        "Council Chamber, Civic Offices, New Road, Grays, Essex, RM17 6SL",
        "Membership:", "Councillor Mark Coxshall (Leader)", "Councillor Deborah Huelin (Deputy Leader)",
        "Councillor Jack Duffin", "Councillor Andrew Jefferies",
        "Substitutes:", "Councillor Paul Arnold", "Councillor Tony Fish",
        "Agenda — Open to Public and Press", "Item Title Pages",
        "1 Apologies for Absence",
        "2 Minutes To approve as a correct record the minutes of the meeting held on 14 December 2022.",
        "3 Items of Urgent Business To receive additional items that the Chair is of the opinion should be "
        "considered as a matter of urgency, in accordance with Section 100B (4) (b) of the Local Government Act 1972.",
        "4 Declaration of Interests",
        "8 Quarter 2 Revenue Budget Monitoring 2022/23",
        "9 Fees and Charges Pricing Strategy 2023/24",
        "10 Exclusion of the press and public To agree that the press and public be excluded from the meeting for "
        "the following item, as it is likely that exempt information as defined in Schedule 12A of the Local "
        "Government Act 1972 would be disclosed: item 12 (Waste Collection Contract: Award of Contract): paragraph 3 "
        "of Part 1 of Schedule 12A of the Local Government Act 1972",
        "Part 2 — Items Not Open to Public and Press (exempt information)",
        "12 Waste Collection Contract: Award of Contract",
        "Queries regarding this Agenda or notification of apologies: Please contact Jenny Shade, Senior Democratic "
        "Services Officer, by sending an email to direct.democracy@thurrock.gov.uk",
        "Agenda published on: 10 January 2023",
        "Access to Information and Meetings".upper(), "Recording of meetings".upper(),
    ]
    at = 0
    for line in expected:
        found = text.find(line, at)
        assert found >= 0, f"{line!r} not found after position {at} in {text}"
        at = found + len(line)
    # the page ranges of the items in the pack: the minutes, then the cleared report with its public appendix
    ranges = agenda_ranges(folder)
    assert ranges["2"] == span(agenda + 1, minutes)
    assert ranges["8"] == span(agenda + minutes + 1, report + appendix)
    assert {n: r for n, r in ranges.items() if n not in ("2", "8")} == {n: "" for n in ("1", "3", "4", "9", "10", "12")}
    assert ranges["2"] in text and ranges["8"] in text


def test_a_meeting_yaml_of_before_the_front_sheet_builds_with_a_warning_for_what_it_lacks(tmp_path: Path) -> None:
    result = run_papers("check", EXAMPLE)
    assert result.exit_code == 0, result.output
    assert ("  meeting   meeting.yaml: warning: the front sheet has no membership or contact: add membership:, "
            "contact: to meeting.yaml (docs/input-format.md)") in result.output.splitlines()
    folder = tmp_path / "m"
    shutil.copytree(EXAMPLE, folder)
    meeting = folder / "meeting.yaml"
    text = meeting.read_text(encoding="utf-8")
    meeting.write_text(re.sub(r"^(time|venue):.*\n", "", text, flags=re.MULTILINE), encoding="utf-8")
    result = run_papers("check", folder)
    assert ("  meeting   meeting.yaml: warning: the front sheet has no time, venue, membership or contact: add "
            "time:, venue:, membership:, contact: to meeting.yaml (docs/input-format.md)") in result.output.splitlines()
    strict = run_papers("check", "--strict", folder)
    assert strict.exit_code == 1, strict.output


def test_clear_days_leave_out_the_two_days_weekends_and_bank_holidays() -> None:
    # published Tuesday 20 December 2022, meeting Thursday 29 December: 21, 22, 23, 26, 27, 28 are weekdays
    assert clear_days(dt.date(2022, 12, 20), dt.date(2022, 12, 29), frozenset()) == 6
    holidays = frozenset({dt.date(2022, 12, 26), dt.date(2022, 12, 27)})
    assert clear_days(dt.date(2022, 12, 20), dt.date(2022, 12, 29), holidays) == 4
    assert clear_days(dt.date(2022, 12, 8), dt.date(2022, 12, 8), frozenset()) == 0
    assert [printed_time(t) for t in ("19:00", "09:30", "12:00", "00:15", "7pm")] == [
        "7.00 pm", "9.30 am", "12.00 pm", "12.15 am", "7pm"]


def test_publishing_too_late_is_a_warning_counting_the_councils_bank_holidays(tmp_path: Path) -> None:
    folder = tmp_path / "inputs" / "m"
    shutil.copytree(CABINET, folder)
    meeting = folder / "meeting.yaml"
    text = meeting.read_text(encoding="utf-8")
    meeting.write_text(text.replace("date: 2023-01-18", "date: 2022-12-29")
                       .replace("published: 2023-01-10", "published: 2022-12-20"), encoding="utf-8")
    line = next(n for n, t in enumerate(text.splitlines(), start=1) if t.startswith("published:"))
    assert "clear day" not in run_papers("check", folder).output  # six clear days without bank holidays
    (tmp_path / "inputs" / "council.yaml").write_text("bank_holidays: [2022-12-26, 2022-12-27]\n", encoding="utf-8")
    result = run_papers("check", folder)
    assert (f"  meeting   meeting.yaml:{line}: published: warning: publishing on 20 December 2022 gives 4 clear days "
            "before the meeting on 29 December 2022, fewer than the 5 the law requires (the day of publication, the "
            "day of the meeting, weekends and the bank holidays in council.yaml are not counted): publish earlier or "
            "move the meeting") in result.output.splitlines(), result.output


def test_an_item_document_outside_the_meeting_folder_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "m"
    shutil.copytree(CABINET, folder)
    (tmp_path / "secret.pdf").write_bytes((CABINET / "minutes-2022-12-14.docx").read_bytes())
    meeting = folder / "meeting.yaml"
    text = meeting.read_text(encoding="utf-8")
    meeting.write_text(text.replace("file: minutes-2022-12-14.docx", "file: ../secret.pdf"), encoding="utf-8")
    line = next(n for n, t in enumerate(text.splitlines(), start=1) if "file: minutes" in t)
    result = run_papers("check", folder)
    assert result.exit_code == 1
    assert (f"  meeting   meeting.yaml:{line}: items[1].file: ../secret.pdf is outside the meeting folder: put the "
            "file beside the paper and give its file name") in result.output.splitlines(), result.output


# -- the pack's page stamps ----------------------------------------------------------------------

@pytest.mark.libreoffice
def test_every_page_of_the_pack_is_stamped_and_the_agenda_ranges_match_the_stamps(cabinet: tuple[Path, str]) -> None:
    folder = cabinet[0]
    pack = folder / f"{CABINET_AS}-pack.pdf"
    count = pages(pack)
    stamps = [" ".join(pdf_text(pack, n, top=30).split()) for n in range(1, count + 1)]
    assert stamps == [f"Page {n}" for n in range(1, count + 1)]
    # each item in the pack: the stamp on its first page is its range's start, its end the page before the next
    reader = PdfReader(pack)
    starts = {o.title.split(":")[0].removeprefix("Item "): reader.get_destination_page_number(o) + 1
              for o in reader.outline if not isinstance(o, list) and o.title != "Agenda"}
    assert list(starts) == ["2", "8"]
    ranges = agenda_ranges(folder)
    ends = list(starts.values())[1:] + [count + 1]
    for (number, start), following in zip(starts.items(), ends):
        first, _, last = ranges[number].partition(" - ")
        assert stamps[start - 1] == f"Page {first}"
        assert int(last or first) == following - 1
    assert "Minutes of the meeting of Cabinet held on 14 December 2022" in flat(pdf_text(pack, starts["2"]))
    assert "ITEM: 8" in pdf_text(pack, starts["8"])


# -- Part 2 ---------------------------------------------------------------------------------------

@pytest.mark.libreoffice
def test_part_2_is_listed_after_the_exclusion_item_and_kept_out_of_the_public_pack(cabinet: tuple[Path, str]) -> None:
    folder = cabinet[0]
    rows = [[c.text for c in row.cells] for table in Document(str(folder / f"{CABINET_AS}-agenda.docx")).tables
            for row in table.rows]
    numbers = [r[0] for r in rows if r[0] != "Item"]
    assert numbers == ["1", "2", "3", "4", "8", "9", "10", "12"]
    exclusion = next(r for r in rows if r[0] == "10")
    assert exclusion[1].startswith("Exclusion of the press and public")
    assert ("item 12 (Waste Collection Contract: Award of Contract): paragraph 3 of Part 1 of Schedule 12A"
            in exclusion[1])
    pack = pdf_text(folder / f"{CABINET_AS}-pack.pdf")
    assert "Three compliant tenders were received" not in pack
    assert "commercially sensitive lines" not in pack  # item 8's exempt appendix
    # the members' exempt pack: item 8's exempt appendix, then the Part 2 paper, every page marked
    exempt = folder / f"{CABINET_AS}-exempt-pack.pdf"
    reader = PdfReader(exempt)
    assert [o.title for o in reader.outline] == [
        "Item 8: Quarter 2 Revenue Budget Monitoring 2022/23, Appendix 2: Savings tracker",
        "Item 12: Waste Collection Contract: Award of Contract"]
    sizes = [pages(folder / f"{CLEARED}-appendix-2.pdf"), pages(folder / f"{EXEMPT}.pdf")]
    assert len(reader.pages) == sum(sizes)
    assert "Three compliant tenders were received" in flat(pdf_text(exempt, sizes[0] + 1))
    assert "commercially sensitive lines" in pdf_text(exempt, 1)
    for n in range(1, len(reader.pages) + 1):
        assert " ".join(pdf_text(exempt, n, top=30).split()) == f"NOT FOR PUBLICATION Page {n}"


# -- meeting.json ---------------------------------------------------------------------------------

@pytest.mark.libreoffice
def test_meeting_json_validates_against_its_schema_and_its_pages_are_the_packs(cabinet: tuple[Path, str]) -> None:
    folder = cabinet[0]
    data = json.loads((folder / "meeting.json").read_text(encoding="utf-8"))
    schema = json.loads((ROOT / "docs" / "meeting.schema.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.validate(data, schema, format_checker=jsonschema.FormatChecker())
    assert data["start_date"] == "2023-01-18T19:00:00+00:00"  # 7.00 pm, GMT in January
    assert data["location"]["name"] == "Council Chamber, Civic Offices, New Road, Grays, Essex, RM17 6SL"
    assert [a["number"] for a in data["agenda"]] == ["1", "2", "3", "4", "8", "9", "10", "12"]
    assert [a["order"] for a in data["agenda"]] == [str(n) for n in range(1, 9)]
    # the documents are the pack's parts, in order, with the pages the agenda gives them; nothing exempt
    files = [d["file"] for d in data["documents"]]
    assert files == [f"{CABINET_AS}-agenda.pdf", MINUTES, f"{CLEARED}.pdf", f"{CLEARED}-appendix-1.pdf", f"{CABINET_AS}-pack.pdf"]
    assert not any(EXEMPT in f or "appendix-2" in f for f in files)
    for document in data["documents"]:
        path = folder / document["file"]
        assert document["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
    reader = PdfReader(folder / f"{CABINET_AS}-pack.pdf")
    marks = {o.title: reader.get_destination_page_number(o) + 1 for o in reader.outline if not isinstance(o, list)}
    ranges = agenda_ranges(folder)
    by_file = {d["file"]: d["pages"] for d in data["documents"]}
    assert by_file[f"{CABINET_AS}-pack.pdf"] == {"first": 1, "last": len(reader.pages)}
    assert by_file[MINUTES]["first"] == marks["Item 2: Minutes"]
    assert f"{by_file[MINUTES]['first']}" == ranges["2"].split(" - ")[0]
    assert f"{by_file[f'{CLEARED}.pdf']['first']} - {by_file[f'{CLEARED}-appendix-1.pdf']['last']}" == ranges["8"]
    item_8 = next(a for a in data["agenda"] if a["number"] == "8")
    assert [e["note"] for e in item_8["related_entities"]] == [f"{CLEARED}.pdf", f"{CLEARED}-appendix-1.pdf"]


def test_the_start_time_carries_the_uk_offset_of_its_day() -> None:
    from generator.model import Meeting
    from generator.publish.opendata import start

    assert start(Meeting("Cabinet", "Cabinet", dt.date(2023, 6, 21), "18:30")) == ("2023-06-21T18:30:00+01:00", False)
    assert start(Meeting("Cabinet", "Cabinet", dt.date(2023, 1, 18), "19:00")) == ("2023-01-18T19:00:00+00:00", False)
    assert start(Meeting("Cabinet", "Cabinet", dt.date(2023, 1, 18), None)) == ("2023-01-18", True)


def test_a_part_2_item_without_a_schedule_12a_paragraph_is_a_warning(tmp_path: Path) -> None:
    folder = tmp_path / "m"
    shutil.copytree(CABINET, folder)
    meeting = folder / "meeting.yaml"
    meeting.write_text(meeting.read_text(encoding="utf-8") + "  - number: 13\n    title: Land Disposal\n    part: 2\n",
                       encoding="utf-8")
    result = run_papers("check", folder)
    assert result.exit_code == 0, result.output
    assert ("  meeting   meeting.yaml: items[7].part: warning: item 13 is Part 2, but it has no Schedule 12A paragraph: "
            "the exclusion of the press and public cannot say why; give the paper status: exempt and its "
            "exempt_reason") in result.output.splitlines(), result.output


def test_the_stamps_font_subset_keeps_the_fonts_own_date_so_packs_are_reproducible() -> None:
    import io

    from fontTools.ttLib import TTFont

    from generator.render import stamp
    from generator.render.metrics import font_file

    found = font_file("Arial")
    assert found is not None, "fontconfig finds no font for Arial: install fonts-liberation2 (make test does)"
    subset = TTFont(io.BytesIO(stamp._font()[0]))
    assert subset["head"].modified == TTFont(found[0], fontNumber=found[1])["head"].modified
    assert stamp.text_width("Page 1") > stamp.text_width("1") > 0
