"""The tree index (OUT/.papers-index): a meeting whose last build had nothing to do is answered from the statuses
of its files, and anything that would change what the build does or says sends it the long way (issue 15)."""
from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from docx import Document

import generator.build as build_module
import generator.write.index as index_module
import generator.write.manifest as manifest_module
from conftest import EXAMPLE_AS, ROOT, run_papers, statuses

REPORT = "05-central-services"
BRIEFING = "06-change-and-improvement"
INDEX = ".papers-index"


@pytest.fixture()
def long_way(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The meetings planned the long way (manifest read, files hashed), by folder name, as builds run; every
    file counts as old enough to be trusted by its status (a test's files are all seconds old)."""
    monkeypatch.setattr(manifest_module, "_RACY_NS", -10 ** 18)
    planned: list[str] = []
    plan = build_module._plan

    def counted(job: build_module.Job, options: build_module.Options) -> object:
        planned.append(job.folder.name)
        return plan(job, options)
    monkeypatch.setattr(build_module, "_plan", counted)
    return planned


def build(meeting: Path, out: Path, *extra: str, code: int | None = 0) -> str:
    """A build of ``meeting`` into ``out`` as a new process makes it (nothing remembered of files in memory);
    ``code``: its exit status (None: any)."""
    manifest_module._DIGESTS.clear()
    manifest_module._loaded.clear()
    result = run_papers("build", meeting, "-o", out, "-j", "1", *extra)
    assert code is None or result.exit_code == code, result.output
    return result.output


def recorded(meeting: Path, out: Path, long_way: list[str]) -> str:
    """Build until the meeting is in the index; returns the report of the build that recorded it."""
    build(meeting, out)
    output = build(meeting, out)  # nothing to do: recorded
    assert set(statuses(output).values()) == {"unchanged"}
    long_way.clear()
    return output


def paragraphs(docx: Path) -> str:
    return "\n".join(p.text for p in Document(str(docx)).paragraphs)


def same_size_edit(path: Path, old: bytes, new: bytes) -> None:
    """Replace ``old`` by ``new`` (as long) in a file, then set its times back: only its change time tells."""
    assert len(old) == len(new)
    before = path.stat()
    data = path.read_bytes()
    assert old in data, f"{old!r} not in {path.name}"
    path.write_bytes(data.replace(old, new, 1))
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert path.stat().st_size == before.st_size and path.stat().st_mtime_ns == before.st_mtime_ns


def test_a_build_with_nothing_to_do_says_exactly_what_the_long_way_said(
        meeting: Path, tmp_path: Path, long_way: list[str]) -> None:
    out = tmp_path / "out"
    first = recorded(meeting, out, long_way)
    again = build(meeting, out)
    assert long_way == []  # no manifest read, no file hashed
    # every line alike: statuses, the paper's and the meeting's warnings, the table, progress (stderr) included
    assert again == first
    assert "05-central-services-finance.csv:4: rows[2].variance: warning: Customer Services" in again
    assert "meeting.yaml: warning: the front sheet has no membership or contact" in again
    assert f"{EXAMPLE_AS}: agenda 1/1" in again and "papers: 2/2 (2 unchanged)" in again
    assert build(meeting, out) == first and long_way == []


@pytest.mark.parametrize("file, old, new, expected", [
    (f"{BRIEFING}.yaml", b"Provides a summary", b"Provides a summery",
     {f"{BRIEFING}.docx": "built", f"{REPORT}.docx": "unchanged"}),
    (f"{REPORT}-finance.csv", b"Strategy,333", b"Strategy,334", {f"{REPORT}.docx": "built", "budget.xlsx": "built"}),
    ("meeting.yaml", b"title: Work Programme", b"title: Work Programmf", {f"{EXAMPLE_AS}-agenda.docx": "built"}),
])
def test_an_input_changed_keeping_its_size_and_times_is_seen(
        meeting: Path, tmp_path: Path, long_way: list[str], file: str, old: bytes, new: bytes,
        expected: dict[str, str]) -> None:
    out = tmp_path / "out"
    recorded(meeting, out, long_way)
    same_size_edit(meeting / file, old, new)
    found = statuses(build(meeting, out))
    assert long_way == [meeting.name]
    assert {name: found[name] for name in expected} == expected


def test_an_output_edited_keeping_its_size_and_times_is_reported_as_edited_every_time(
        meeting: Path, tmp_path: Path, long_way: list[str]) -> None:
    out = tmp_path / "out"
    recorded(meeting, out, long_way)
    report = out / meeting.name / f"{REPORT}.docx"
    same_size_edit(report, b"word/document.xml", b"Word/document.xml")  # a name in the zip's directory
    edited = report.read_bytes()
    for _ in range(2):  # the build that finds it, and the next: a meeting with an edit is never recorded
        output = build(meeting, out)
        assert statuses(output)[f"{REPORT}.docx"] == "skipped"
        assert f"{REPORT}.docx: warning: edited since it was built: not overwritten (use --force" in output
        assert report.read_bytes() == edited  # not overwritten
    assert long_way == [meeting.name] * 2


def test_a_deleted_output_is_built_again(meeting: Path, tmp_path: Path, long_way: list[str]) -> None:
    out = tmp_path / "out"
    recorded(meeting, out, long_way)
    (out / meeting.name / f"{EXAMPLE_AS}-agenda.docx").unlink()
    (out / meeting.name / "budget.xlsx").unlink()
    found = statuses(build(meeting, out))
    assert found[f"{EXAMPLE_AS}-agenda.docx"] == "built" and found["budget.xlsx"] == "built"
    assert (out / meeting.name / f"{EXAMPLE_AS}-agenda.docx").is_file()


def test_a_paper_added_or_removed_is_seen(meeting: Path, tmp_path: Path, long_way: list[str]) -> None:
    out = tmp_path / "out"
    recorded(meeting, out, long_way)
    shutil.copy(meeting / f"{BRIEFING}.yaml", meeting / "08-extra.yaml")
    output = build(meeting, out)
    assert statuses(output)["08-extra.docx"] == "built"
    assert "08-extra.yaml is not on the agenda" in output
    recorded(meeting, out, long_way)
    (meeting / "08-extra.yaml").unlink()
    output = build(meeting, out)
    assert long_way == [meeting.name] and "08-extra" not in output.split("meeting  ")[0]


def test_a_council_file_beside_the_meeting_is_seen(meeting: Path, tmp_path: Path, long_way: list[str]) -> None:
    out = tmp_path / "out"
    yaml = meeting / "meeting.yaml"
    yaml.write_text(yaml.read_text(encoding="utf-8") + "published: 2022-11-25\n", encoding="utf-8")
    recorded(meeting, out, long_way)
    (meeting.parent / "council.yaml").write_text("bank_holidays: [not a date\n", encoding="utf-8")
    output = build(meeting, out, code=None)
    assert long_way == [meeting.name] and "council.yaml" in output


def test_templates_changed_are_seen(meeting: Path, tmp_path: Path, long_way: list[str]) -> None:
    out = tmp_path / "out"
    templates = tmp_path / "templates"
    shutil.copytree(ROOT / "templates", templates)
    build(meeting, out, "--templates", str(templates))
    build(meeting, out, "--templates", str(templates))
    long_way.clear()
    build(meeting, out, "--templates", str(templates))
    assert long_way == []
    agenda = templates / "docx" / "agenda.docx"
    agenda.write_bytes(agenda.read_bytes())  # saved again as it was: its change time tells
    build(meeting, out, "--templates", str(templates))
    assert long_way == [meeting.name]
    build(meeting, out, "--templates", str(templates))
    long_way.clear()
    shutil.copy(templates / "docx" / "briefing_note.docx", templates / "docx" / "extra_note.docx")  # a template added
    build(meeting, out, "--templates", str(templates))
    assert long_way == [meeting.name]


def test_options_and_the_generator_are_part_of_what_is_recorded(
        meeting: Path, tmp_path: Path, long_way: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "out"
    recorded(meeting, out, long_way)
    build(meeting, out, "--strict", code=None)
    assert long_way == [meeting.name]
    recorded(meeting, out, long_way)
    build(meeting, out, "--no-audit")
    assert long_way == [meeting.name]
    recorded(meeting, out, long_way)
    forced = statuses(build(meeting, out, "--force"))
    assert set(forced.values()) == {"built"}
    recorded(meeting, out, long_way)
    monkeypatch.setattr(index_module, "generator_version", lambda: "another version")
    build(meeting, out)
    assert long_way == [meeting.name]
    elsewhere = statuses(build(meeting, tmp_path / "elsewhere"))  # another -o: another index, a first build
    assert set(elsewhere.values()) == {"built"}


@pytest.mark.parametrize("damage", ["missing", "garbage", "cut", "shape", "record", "seal"])
def test_a_damaged_index_only_sends_the_meeting_the_long_way(
        meeting: Path, tmp_path: Path, long_way: list[str], damage: str) -> None:
    out = tmp_path / "out"
    first = recorded(meeting, out, long_way)
    path = out / INDEX
    raw = path.read_text(encoding="utf-8")
    data = json.loads(raw)
    (entry,) = data["meetings"].values()
    if damage == "missing":
        path.unlink()
    elif damage == "garbage":
        path.write_bytes(b"\x00\xff not an index")
    elif damage == "cut":
        path.write_text(raw[:len(raw) // 2], encoding="utf-8")
    elif damage == "shape":
        data["meetings"] = {k: [1, 2] for k in data["meetings"]}
        path.write_text(json.dumps(data), encoding="utf-8")
    else:  # a warning's words changed in the record, or its seal: neither matches the other
        if damage == "record":
            entry[2] = entry[2].replace("Customer Services", "Customer Servicez")
        else:
            entry[0] = "0" * 64
        path.write_text(json.dumps(data), encoding="utf-8")
    again = build(meeting, out)
    assert long_way == [meeting.name]
    assert again == first  # the long way's report, the true warnings
    assert build(meeting, out) == first and long_way == [meeting.name]  # recorded again, and answered from it


@pytest.mark.parametrize("kill", ["ctrl-c", "kill -9"])
def test_a_killed_build_never_leaves_an_index_that_says_unchanged(
        meeting: Path, tmp_path: Path, long_way: list[str], monkeypatch: pytest.MonkeyPatch, kill: str) -> None:
    out = tmp_path / "out"
    recorded(meeting, out, long_way)
    source = meeting / f"{BRIEFING}.yaml"
    saved = source.read_bytes()
    source.write_bytes(saved.replace(b"Provides a summary", b"Provides an outline", 1))
    _killed(meeting, out, monkeypatch, save=kill == "ctrl-c")  # Ctrl-C: the index is saved as the build stops
    source.write_bytes(saved)  # the clerk reverts the input: the index still holds the record of before
    found = statuses(build(meeting, out))
    # what the killed build wrote is not taken for the previous file
    assert found[f"{BRIEFING}.docx"] == "built" and found[f"{REPORT}.docx"] == "unchanged"


def test_what_a_killed_build_wrote_from_other_templates_is_built_again(
        meeting: Path, tmp_path: Path, long_way: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "out"
    recorded(meeting, out, long_way)
    other = tmp_path / "other-templates"
    shutil.copytree(ROOT / "templates", other)
    note = Document(str(other / "docx" / "briefing_note.docx"))
    note.add_paragraph("A line only the other template has")
    note.save(str(other / "docx" / "briefing_note.docx"))
    # the briefing note written from the other template, then kill -9: no input of the meeting changed
    _killed(meeting, out, monkeypatch, "--templates", str(other), save=False)
    assert "A line only the other template has" in paragraphs(out / meeting.name / f"{BRIEFING}.docx")
    found = statuses(build(meeting, out))
    assert found[f"{BRIEFING}.docx"] == "built" and found[f"{REPORT}.docx"] == "unchanged"
    assert "A line only the other template has" not in paragraphs(out / meeting.name / f"{BRIEFING}.docx")


def _killed(meeting: Path, out: Path, monkeypatch: pytest.MonkeyPatch, *extra: str, save: bool) -> None:
    """A build stopped after writing the papers, before recording them; ``save``: the index is saved as it
    stops (Ctrl-C), else nothing is (kill -9)."""
    def killed(plan: object, options: object) -> None:
        raise KeyboardInterrupt
    with monkeypatch.context() as patched:
        patched.setattr(build_module, "_finish_meeting", killed)
        if not save:
            patched.setattr(index_module.TreeIndex, "save", lambda self: None)
        assert "Aborted!" in build(meeting, out, *extra, code=None)


def test_files_changed_less_than_two_seconds_before_are_not_recorded(meeting: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    for _ in range(2):
        build(meeting, out)
    # every file is seconds old: the index records nothing (a second change within one tick could keep the times)
    assert not (out / INDEX).exists() or json.loads((out / INDEX).read_text())["meetings"] == {}


def test_a_meeting_holding_a_symbolic_link_is_never_recorded(
        meeting: Path, tmp_path: Path, long_way: list[str]) -> None:
    out = tmp_path / "out"
    elsewhere = tmp_path / "notes.txt"
    elsewhere.write_text("notes\n", encoding="utf-8")
    (meeting / "notes.txt").symlink_to(elsewhere)  # it may lead anywhere: its target's changes are not seen
    build(meeting, out)
    build(meeting, out)
    build(meeting, out)
    assert long_way == [meeting.name] * 3


@pytest.mark.libreoffice
def test_a_pdf_build_with_nothing_to_do_says_what_the_long_way_said(
        pdf_build: Path, meeting: Path, tmp_path: Path, long_way: list[str]) -> None:
    out = tmp_path / "out"
    shutil.copytree(pdf_build, out / meeting.name)  # the PDFs and pack of these very inputs: nothing to convert
    first = build(meeting, out, "--pdf")
    assert set(statuses(first).values()) == {"unchanged"}
    assert f"unchanged {EXAMPLE_AS}-pack.pdf" in first
    again = build(meeting, out, "--pdf")
    assert long_way == [meeting.name] and again == first
    without = build(meeting, out)  # another option: the long way, which keeps every PDF
    assert long_way == [meeting.name] * 2 and set(statuses(without).values()) == {"unchanged"}
