"""`papers publish` and supplements (issue 12): what was published stays as published; revised and late papers
go into "Supplementary agenda n", whose page stamps continue from the last page published.

The `publication` fixture (conftest.py) publishes the example meeting, changes Legal Services' forecast
(1,939 -> 1,941) and adds a late paper (item 8), builds, publishes, changes the late paper's title, builds,
then builds with --force. Expectations are written from those edits and from the PDFs' page counts.
"""
from __future__ import annotations

import hashlib
import json
import re
import shutil
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from pypdf import PdfReader

from conftest import CABINET, EXAMPLE, EXAMPLE_AS, ROOT, run_papers
from test_front_sheet import flat, pages, pdf_text

pytestmark = pytest.mark.libreoffice

PACK = f"{EXAMPLE_AS}-pack.pdf"
AGENDA_PDF = f"{EXAMPLE_AS}-agenda.pdf"
SUPPLEMENT_1 = f"{EXAMPLE_AS}-supplement-1.pdf"
SUPPLEMENT_2 = f"{EXAMPLE_AS}-supplement-2.pdf"
REPORT, BRIEFING, LATE = "05-central-services", "06-change-and-improvement", "07-late-briefing"


def stamps(pdf: Path) -> list[str]:
    """The "Page N" stamp at the top of each page."""
    return [" ".join(pdf_text(pdf, n, top=30).split()) for n in range(1, pages(pdf) + 1)]


def test_the_supplement_lists_exactly_the_revised_and_the_late_item(publication: dict[str, Any]) -> None:
    supplement = publication["supplement-1"] / SUPPLEMENT_1
    front = flat(pdf_text(supplement, 1))
    assert "Corporate Overview and Scrutiny Committee Supplementary agenda 1" in front
    # each item with its mark, then its pages; nothing else is listed
    table = front.split("Item Title Pages ")[1].split(" Page numbers continue")[0]
    items = re.findall(r"(\d+) ([A-Z][^:]*?) (Revised|Late item): .*?(\d+ - \d+)", table)
    assert [(n, title, mark) for n, title, mark, _ in items] == [
        ("5", "Report of the Cabinet Member for Central Services", "Revised"),
        ("8", "Late Briefing on Customer Services", "Late item")], front
    assert "Revised: replaces the version published on 30 November 2022." in front
    assert "Late item: not available when the agenda was published on 30 November 2022." in front
    assert "Overall Change and Improvement" not in front  # item 6 is as published
    assert "Page numbers continue from those of the published agenda pack." in front
    # then only those two papers, the revised one with its new figure
    assert [o.title for o in PdfReader(supplement).outline] == [
        "Supplementary agenda 1", "Item 5: Report of the Cabinet Member for Central Services",
        "Item 8: Late Briefing on Customer Services"]
    revised = publication["supplement-1"] / f"{REPORT}-revised-1.pdf"
    assert "1,941" in pdf_text(revised) and "1,941" not in pdf_text(publication["built"] / f"{REPORT}.pdf")


def test_the_supplements_stamps_continue_from_the_main_packs_last_page(publication: dict[str, Any]) -> None:
    main = pages(publication["built"] / PACK)
    supplement = publication["supplement-1"] / SUPPLEMENT_1
    count = pages(supplement)
    # the front sheet is the first page after the pack's last, as ModernGov continues the numbering
    assert stamps(supplement) == [f"Page {n}" for n in range(main + 1, main + count + 1)]
    front = pages(publication["supplement-1"] / f"{EXAMPLE_AS}-supplement-1-agenda.pdf")
    report = pages(publication["supplement-1"] / f"{REPORT}-revised-1.pdf")
    late = pages(publication["supplement-1"] / f"{LATE}.pdf")
    text = flat(pdf_text(supplement, 1))
    first = main + front + 1
    assert f"published on 30 November 2022. {first} - {first + report - 1} 8 Late" in text
    assert f"published on 30 November 2022. {first + report} - {first + report + late - 1} Page numbers" in text
    assert "ITEM: 5" in pdf_text(supplement, front + 1) and "Late Briefing" in pdf_text(supplement, front + report + 1)
    # the build says what happened, and that the published pack was left as published
    lines = publication["reports"]["supplement-1"].splitlines()
    assert (f"  supplement 1: 2 items (1 revised, 1 late): {SUPPLEMENT_1}, pages {main + 1}-{main + count}"
            in lines), lines
    assert (f"  unchanged {PACK}  published on 2022-11-30: left as published (build with --force to make it "
            "again)") in lines
    assert (f"  {REPORT}.pdf as published was left as it is; its revision is {REPORT}-revised-1.pdf") in lines


def test_what_was_published_is_byte_identical_after_each_supplement(publication: dict[str, Any]) -> None:
    published = publication["built"]  # what OUT held when it was published
    for step in ("supplement-1", "supplement-2"):
        for name in (PACK, AGENDA_PDF, f"{REPORT}.pdf", f"{BRIEFING}.pdf"):
            assert (publication[step] / name).read_bytes() == (published / name).read_bytes(), (step, name)
    # and supplement 1, once published, as the late paper's PDF of it
    for name in (SUPPLEMENT_1, f"{LATE}.pdf", f"{REPORT}-revised-1.pdf"):
        assert (publication["supplement-2"] / name).read_bytes() == (publication["supplement-1"] / name).read_bytes()


def test_the_supplement_is_byte_identical_when_made_again(publication: dict[str, Any]) -> None:
    assert f"  built     {SUPPLEMENT_1}" in publication["reports"]["rejoined"].splitlines()
    assert (publication["rejoined"] / SUPPLEMENT_1).read_bytes() == \
        (publication["supplement-1"] / SUPPLEMENT_1).read_bytes()


def test_a_late_paper_with_errors_makes_no_supplement_and_leaves_what_was_published(
        publication: dict[str, Any]) -> None:
    lines = publication["reports"]["broken"].splitlines()
    assert (f"  failed    {SUPPLEMENT_2}  not written: item 9's paper 09-broken.yaml has errors, so its title is not "
            "known (fix the paper and build again); the published agenda and pack are left as published") in lines
    assert lines[-1].endswith(f"build failed: {SUPPLEMENT_2} not written"), lines[-1]
    assert not (publication["broken"] / SUPPLEMENT_2).exists()
    for name in (PACK, AGENDA_PDF, f"{REPORT}.pdf", SUPPLEMENT_1, f"{REPORT}-revised-1.pdf"):
        assert (publication["broken"] / name).read_bytes() == (publication["supplement-1"] / name).read_bytes(), name


def test_supplement_2_continues_from_supplement_1(publication: dict[str, Any]) -> None:
    last = pages(publication["built"] / PACK) + pages(publication["supplement-1"] / SUPPLEMENT_1)
    supplement = publication["supplement-2"] / SUPPLEMENT_2
    assert stamps(supplement)[0] == f"Page {last + 1}"
    front = flat(pdf_text(supplement, 1))
    assert "Supplementary agenda 2" in front and "Late Briefing on Customer Services and Complaints" in front
    assert "Revised: replaces the version published on" in front and "Central Services" not in front
    assert [o.title for o in PdfReader(supplement).outline][1:] == [
        "Item 8: Late Briefing on Customer Services and Complaints"]


def test_a_published_paper_taken_off_the_agenda_is_a_warning_and_the_pack_is_left_as_published(
        publication: dict[str, Any]) -> None:
    report = " ".join(publication["reports"]["withdrawn"].split())
    assert (f"meeting.yaml: items: warning: '{BRIEFING}', published on 30 November 2022, is no longer on the agenda: "
            "a supplement cannot withdraw what was published, and the published pack still holds it; announce its "
            "withdrawal at the meeting") in report
    assert (publication["withdrawn"] / PACK).read_bytes() == (publication["built"] / PACK).read_bytes()
    assert (publication["withdrawn"] / SUPPLEMENT_2).read_bytes() == \
        (publication["supplement-2"] / SUPPLEMENT_2).read_bytes()


def test_publish_records_each_file_with_its_hash_pages_and_date(publication: dict[str, Any]) -> None:
    report = publication["reports"]["published"]
    assert f"published the agenda and pack of {EXAMPLE.name} on 2022-11-30: 4 files recorded in" in report
    manifest = json.loads((publication["folder"] / ".papers-manifest.json").read_text(encoding="utf-8"))
    # --force made the pack again: the record of what was published before is cleared (publish again)
    assert "published" not in manifest
    assert "warning: published on 2022-11-30: --force makes the agenda and the pack again" in \
        publication["reports"]["forced"]
    first = publication["reports"]["published-1"]
    assert f"published supplement 1 of {EXAMPLE.name} on 2022-12-02: 4 files recorded in" in first
    digest = hashlib.sha256((publication["supplement-1"] / SUPPLEMENT_1).read_bytes()).hexdigest()
    count = pages(publication["supplement-1"] / SUPPLEMENT_1)
    assert f"  published {SUPPLEMENT_1}  {count} pages  sha256 {digest[:12]}" in first.splitlines()
    # a paper saved after that build had been made: refused, naming it
    stale = " ".join(publication["reports"]["stale"].split())
    assert (f"the build in {publication['folder']} is out of date: {LATE}.yaml changed since it was built; build it "
            f"with `papers build {publication['meeting']} --pdf -o {publication['out']}`, then publish") in stale


def test_force_makes_the_main_pack_again_with_the_revised_and_late_papers(publication: dict[str, Any]) -> None:
    forced = publication["forced"]
    assert (forced / PACK).read_bytes() != (publication["built"] / PACK).read_bytes()
    text = pdf_text(forced / PACK)
    assert "1,941" in text and "Late Briefing on Customer Services and Complaints" in text
    assert not list(forced.glob("*supplement*")) and not list(forced.glob("*-revised-*"))
    report = publication["reports"]["forced"]
    assert f"  removed   {SUPPLEMENT_1}  out of date: --force made the pack again" in report


def test_meeting_json_lists_the_supplements_documents(publication: dict[str, Any]) -> None:
    data = json.loads((publication["folder"] / "meeting.json").read_text(encoding="utf-8"))  # after --force
    schema = json.loads((ROOT / "docs" / "meeting.schema.json").read_text(encoding="utf-8"))
    jsonschema.validate(data, schema)
    before = json.loads((publication["supplement-1"] / "meeting.json").read_text(encoding="utf-8"))
    jsonschema.validate(before, schema)
    by_file = {d["file"]: d for d in before["documents"]}
    main = pages(publication["built"] / PACK)
    count = pages(publication["supplement-1"] / SUPPLEMENT_1)
    assert by_file[SUPPLEMENT_1]["pages"] == {"first": main + 1, "last": main + count}
    assert by_file[SUPPLEMENT_1]["supplement"] == 1 and by_file[f"{LATE}.pdf"]["pack"] == SUPPLEMENT_1
    assert by_file[f"{REPORT}.pdf"]["pack"] == PACK and "supplement" not in by_file[f"{REPORT}.pdf"]
    assert by_file[PACK]["pages"] == {"first": 1, "last": main}
    item_8 = next(a for a in before["agenda"] if a["number"] == "8")
    assert [e["note"] for e in item_8["related_entities"]] == [f"{LATE}.pdf"]


def test_publish_is_refused_without_a_pdf_build_and_when_papers_are_not_ready(tmp_path: Path) -> None:
    meeting = tmp_path / "in" / EXAMPLE.name
    shutil.copytree(EXAMPLE, meeting)
    # the example as shipped: its stated Customer Services variance disagrees with its figures
    refused = run_papers("publish", meeting, "-o", tmp_path / "out")
    assert refused.exit_code == 1
    assert "  not ready 05-central-services.yaml: a finance disagreement" in refused.output.splitlines()
    assert f"{EXAMPLE.name} was not published: every paper must be ready (see above)" in refused.output
    finance = meeting / "05-central-services-finance.csv"
    finance.write_text(finance.read_text(encoding="utf-8").replace("965,-131", "965,-129"), encoding="utf-8")
    assert run_papers("build", meeting, "-o", tmp_path / "out", "-j", "1").exit_code == 0
    refused = run_papers("publish", meeting, "-o", tmp_path / "out")
    assert refused.exit_code == 1
    assert (f"holds no complete --pdf build of {EXAMPLE.name} (no pack, or a build with errors): build it with "
            f"`papers build {meeting} --pdf -o {tmp_path / 'out'}`, then publish") in " ".join(refused.output.split())
    manifest = json.loads((tmp_path / "out" / EXAMPLE.name / ".papers-manifest.json").read_text(encoding="utf-8"))
    assert "published" not in manifest


def test_despite_warnings_publishes_papers_held_back_by_warnings_alone_never_uncleared_ones(tmp_path: Path) -> None:
    meeting = tmp_path / "in" / EXAMPLE.name
    shutil.copytree(EXAMPLE, meeting)
    # the example as shipped: only a warning (the stated Customer Services variance) holds 05 back
    despite = run_papers("publish", meeting, "-o", tmp_path / "out", "--despite-warnings")
    lines = despite.output.splitlines()
    assert ("  warnings  05-central-services.yaml: a finance disagreement (published despite them: "
            "--despite-warnings)") in lines
    assert "0 of 2 papers not ready to publish (1 with warnings, published despite them)" in lines
    # past the readiness check: what stops it now is that nothing was built with --pdf
    assert despite.exit_code == 1 and "holds no complete --pdf build" in despite.output
    # an uncleared report (the Cabinet's fees and charges draft) is held back whatever the flag
    cabinet = run_papers("publish", CABINET, "-o", tmp_path / "out", "--despite-warnings")
    assert cabinet.exit_code == 1
    assert any(line.startswith("  not ready 09-fees-and-charges.yaml: uncleared") for line in cabinet.output.splitlines())
    assert f"{CABINET.name} was not published: every paper must be ready" in cabinet.output
