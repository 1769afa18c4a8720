"""Incremental state that never lies, and writes that fail cleanly (issues 16.1, 16.2, 16.5, 16.8, 16.12, 9.1, 9.2)."""
from __future__ import annotations

import errno
import fcntl
import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from docx import Document
from openpyxl import load_workbook

import generator.build as build_module
import generator.write.manifest as manifest_module
import generator.write.outputs as outputs
from conftest import EXAMPLE, EXAMPLE_AS, ROOT, run_papers, statuses
from generator.build import Options, build
from generator.errors import PapersError

REPORT = "05-central-services"
BRIEFING = "06-change-and-improvement"
NAME = EXAMPLE.name


def edit(path: Path, old: str, new: str) -> None:
    """Replace the first ``old`` in a file by ``new`` (it must be there)."""
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path.name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def new_figures(meeting: Path) -> None:
    """A new figure (Strategy's outturn, 333 in the input, becomes 334) and a new sentence in the report."""
    edit(meeting / f"{REPORT}-finance.csv", "Strategy,333", "Strategy,334")
    edit(meeting / f"{REPORT}.yaml", "I am delighted", "I am pleased")


def outputs_of(folder: Path) -> dict[str, bytes]:
    """The published files of an output folder (the build's own hidden state left out)."""
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file() and not p.name.startswith(".")}


def clean_build(meeting: Path, out: Path, *extra: str) -> dict[str, bytes]:
    """The outputs of a build of ``meeting`` as it is now into an empty folder."""
    result = run_papers("build", meeting, "-o", out, "-j", "1", *extra)
    assert result.exit_code == 0, result.output
    return outputs_of(out / meeting.name)


def paragraphs(docx: Path) -> str:
    return "\n".join(p.text for p in Document(str(docx)).paragraphs)


# -- 16.1: incremental state never lies ---------------------------------------------

def test_an_interrupted_build_then_a_revert_rebuilds_what_the_interrupted_build_wrote(
        meeting: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "out"
    original = clean_build(meeting, tmp_path / "reference")
    assert run_papers("build", meeting, "-o", out, "-j", "1").exit_code == 0
    saved = {f: (meeting / f).read_bytes() for f in (f"{REPORT}.yaml", f"{REPORT}-finance.csv")}

    # the build is stopped after writing the papers, before it records them (as Ctrl-C or kill -9 there)
    new_figures(meeting)

    def interrupted(plan: object, options: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(build_module, "_finish_meeting", interrupted)
    stopped = run_papers("build", meeting, "-o", out, "-j", "1")
    assert stopped.exit_code != 0
    assert "I am pleased" in paragraphs(out / NAME / f"{REPORT}.docx")  # the interrupted build's text
    monkeypatch.undo()

    for name, data in saved.items():  # the clerk reverts the input
        (meeting / name).write_bytes(data)
    resumed = run_papers("build", meeting, "-o", out, "-j", "1")
    assert resumed.exit_code == 0, resumed.output
    assert statuses(resumed.output)[f"{REPORT}.docx"] == "built"  # not "unchanged": it held the other text
    assert "edited" not in resumed.output
    assert outputs_of(out / NAME) == original


def test_a_truncated_manifest_is_reported_and_its_backup_used(meeting: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert run_papers("build", meeting, "-o", out, "-j", "1").exit_code == 0
    manifest = out / NAME / ".papers-manifest.json"
    manifest.write_bytes(manifest.read_bytes()[:300])  # cut short (a disk error, a sync tool)
    new_figures(meeting)
    result = run_papers("build", meeting, "-o", out, "-j", "1")
    assert result.exit_code == 0, result.output
    warned = [line for line in result.output.splitlines() if ".papers-manifest.json" in line]
    assert len(warned) == 1 and "damaged" in warned[0] and "not trusted" in warned[0], result.output
    assert "edited since it was built" not in result.output  # our own files are not blamed on a person
    assert statuses(result.output)[f"{REPORT}.docx"] == "built"
    assert statuses(result.output)[f"{BRIEFING}.docx"] == "unchanged"  # the backup still says so
    assert outputs_of(out / NAME) == clean_build(meeting, tmp_path / "reference")
    json.loads(manifest.read_text(encoding="utf-8"))  # written whole again
    assert "damaged" not in run_papers("build", meeting, "-o", out, "-j", "1").output


@pytest.mark.parametrize("damage", [b"", b"\xff\xfe\x00 not json", b'{"format": 1, "outputs": {"x.docx": 5}}',
                                    b'{"format": 1, "outputs": {"a.docx": {"inputs": 1, "output": "f"}}}'])
def test_a_damaged_manifest_and_backup_are_never_trusted_and_nothing_is_lost(meeting: Path, tmp_path: Path,
                                                                            damage: bytes) -> None:
    out = tmp_path / "out"
    assert run_papers("build", meeting, "-o", out, "-j", "1").exit_code == 0
    before = outputs_of(out / NAME)
    for name in (".papers-manifest.json", ".papers-manifest.backup.json"):
        (out / NAME / name).write_bytes(damage)
    new_figures(meeting)
    result = run_papers("build", meeting, "-o", out, "-j", "1")
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    warned = [line for line in result.output.splitlines() if ".papers-manifest.json: warning: damaged" in line]
    assert len(warned) == 1, result.output
    assert "edited since it was built" not in result.output and "your edited copy" not in result.output
    after = outputs_of(out / NAME)
    expected = clean_build(meeting, tmp_path / "reference")
    # the new figures are built; what was there and differs is kept aside and named, never lost
    assert {n: d for n, d in after.items() if ".edited-" not in n} == expected
    kept = {n for n in after if ".edited-" in n}
    assert kept == {f"{REPORT}.edited-1.docx", "budget.edited-1.xlsx"}
    for name in kept:
        assert after[name] == before[name.replace(".edited-1", "")]
        assert f"kept as {name}" in result.output


def test_a_damaged_journal_is_reported_not_a_traceback(meeting: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert run_papers("build", meeting, "-o", out, "-j", "1").exit_code == 0
    (out / NAME / ".papers-pending").write_bytes(b"\xff\xfe\x00\x01junk\nno tab here\n05.docx\tnot-a-hash\n")
    new_figures(meeting)
    result = run_papers("build", meeting, "-o", out, "-j", "1")
    assert result.exit_code == 0, result.output
    warned = [line for line in result.output.splitlines() if ".papers-pending" in line]
    assert len(warned) == 1 and "damaged (3 lines not written by the build)" in warned[0], result.output
    assert "edited since it was built" not in result.output and "previous file was kept" not in result.output
    assert outputs_of(out / NAME) == clean_build(meeting, tmp_path / "reference")
    assert not (out / NAME / ".papers-pending").exists()


def test_a_second_build_into_the_same_out_waits_then_refuses_naming_the_folder(meeting: Path,
                                                                               tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    with open(out / ".papers-lock", "w") as held:  # as a build in progress holds it
        fcntl.flock(held, fcntl.LOCK_EX)
        held.write("4242\n")
        held.flush()
        with pytest.raises(PapersError) as refused:
            build([meeting], Options(out=out, lock_wait=0.2))
    assert refused.value.message == (f"{out}: another papers build (process 4242) is writing into this folder: "
                                     "wait for it to finish, then build again (or build into another folder "
                                     "with -o)")
    assert not (out / NAME).exists()  # nothing was written meanwhile
    assert build([meeting], Options(out=out, lock_wait=0.2)).ok  # the lock is free again


def test_two_builds_of_one_meeting_at_once_are_serialised(meeting: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    command = [sys.executable, "-m", "generator", "build", str(meeting), "-o", str(out), "-j", "1"]
    first, second = (subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
                     for _ in range(2))
    outputs = [p.communicate(timeout=120)[0] for p in (first, second)]
    assert first.returncode == 0 and second.returncode == 0, outputs
    assert not any("edited" in o for o in outputs), outputs
    again = run_papers("build", meeting, "-o", out, "-j", "1")
    assert set(statuses(again.output).values()) == {"unchanged"}, again.output
    assert outputs_of(out / NAME) == clean_build(meeting, tmp_path / "reference")


# -- 16.5: outputs that would collide -------------------------------------------------

def test_reserved_and_over_long_paper_names_are_refused_at_their_line(meeting: Path, tmp_path: Path) -> None:
    shutil.copy(meeting / f"{BRIEFING}.yaml", meeting / "agenda.yaml")
    long_name = "x" * 236 + ".yaml"  # 240 characters, a name the file system holds, its outputs' names not
    shutil.copy(meeting / f"{BRIEFING}.yaml", meeting / long_name)
    text = (meeting / "meeting.yaml").read_text(encoding="utf-8")
    text += f"  - number: 8\n    paper: agenda.yaml\n  - number: 9\n    paper: {long_name}\n"
    (meeting / "meeting.yaml").write_text(text, encoding="utf-8")
    lines = text.splitlines()
    agenda_line = lines.index("    paper: agenda.yaml") + 1
    long_line = lines.index(f"    paper: {long_name}") + 1
    out = tmp_path / "out"
    result = run_papers("build", meeting, "-o", out, "-j", "1")
    assert result.exit_code == 1
    assert "Traceback" not in result.output and "File name too long" not in result.output
    assert (f"meeting.yaml:{agenda_line}: items[3].paper: 'agenda.yaml': a paper cannot be called 'agenda': earlier "
            "versions gave that name to the agenda front sheet (agenda.docx, agenda.pdf), which output folders they "
            "built still hold; rename the paper, e.g. to 'agenda-paper.yaml'") in result.output
    assert (f"meeting.yaml:{long_line}: items[4].paper: '{'x' * 40}...': the file name is too long (236 "
            "characters): its outputs' names would be longer than the file system allows; shorten it to at most "
            "200 characters") in result.output
    assert statuses(result.output)["agenda.yaml"] == "failed"
    written = list((out / NAME).glob("*.docx")) if (out / NAME).exists() else []
    assert not any("Since taking on" in paragraphs(p) and "agenda" in p.name for p in written)


def test_a_paper_named_as_a_meeting_output_is_refused_even_off_the_agenda(meeting: Path, tmp_path: Path) -> None:
    shutil.copy(meeting / f"{BRIEFING}.yaml", meeting / "Pack.yaml")  # any case: Windows and macOS fold it
    shutil.copy(meeting / f"{BRIEFING}.yaml", meeting / "agenda.yml")
    shutil.copy(meeting / f"{BRIEFING}.yaml", meeting / f"{EXAMPLE_AS.upper()}-pack.yaml")
    out = tmp_path / "out"
    result = run_papers("build", meeting, "-o", out, "-j", "1")
    assert result.exit_code == 1
    assert ("Pack.yaml: 'Pack.yaml': a paper cannot be called 'Pack': earlier versions gave that name to the "
            "published pack (pack.pdf)") in result.output
    # the names the meeting's outputs have now (its date and short name), in any case
    assert (f"{EXAMPLE_AS.upper()}-pack.yaml: '{EXAMPLE_AS.upper()}-pack.yaml': a paper cannot be called "
            f"'{EXAMPLE_AS.upper()}-pack': its outputs would take the place of the published pack "
            f"({EXAMPLE_AS}-pack.pdf), which the build makes for the meeting") in result.output
    assert "agenda.yml: 'agenda.yml': a paper cannot be called 'agenda'" in result.output
    assert statuses(result.output)["Pack.yaml"] == "failed" and statuses(result.output)["agenda.yml"] == "failed"
    # the front sheet is the meeting's, not the paper called agenda
    front = paragraphs(out / NAME / f"{EXAMPLE_AS}-agenda.docx")
    assert "Corporate Overview and Scrutiny Committee" in front and "Since taking on" not in front
    assert not (out / NAME / "Pack.docx").exists()


def test_meeting_outputs_are_named_after_the_meeting_and_old_names_are_removed_as_stale(
        meeting: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert run_papers("build", meeting, "-o", out, "-j", "1").exit_code == 0
    folder = out / NAME
    assert (folder / "2022-12-08-corporate-os-agenda.docx").is_file() and not (folder / "agenda.docx").exists()
    # an output folder of an earlier version: the same agenda, under the name every meeting's had
    (folder / "2022-12-08-corporate-os-agenda.docx").rename(folder / "agenda.docx")
    for state in (".papers-manifest.json", ".papers-manifest.backup.json"):
        data = json.loads((folder / state).read_text(encoding="utf-8"))
        data["outputs"]["agenda.docx"] = data["outputs"].pop("2022-12-08-corporate-os-agenda.docx")
        (folder / state).write_text(json.dumps(data), encoding="utf-8")
    again = run_papers("build", meeting, "-o", out, "-j", "1")
    assert again.exit_code == 0, again.output
    assert ("  removed   agenda.docx  out of date: the meeting's outputs are now named after it "
            "(2022-12-08-corporate-os-agenda.docx is this agenda); the previous agenda.docx was removed"
            ) in again.output.splitlines()
    assert not (folder / "agenda.docx").exists() and (folder / "2022-12-08-corporate-os-agenda.docx").is_file()
    # the meeting moves to the 9th and gets a short name with "&" and an accent: its outputs follow it
    edit(meeting / "meeting.yaml", "date: 2022-12-08", "date: 2022-12-09")
    edit(meeting / "meeting.yaml", "short_name: Corporate O&S", "short_name: Corporate Rés & Scrutiny")
    moved = run_papers("build", meeting, "-o", out, "-j", "1")
    assert moved.exit_code == 0, moved.output
    assert statuses(moved.output)["2022-12-09-corporate-res-scrutiny-agenda.docx"] == "built"
    assert ("  removed   2022-12-08-corporate-os-agenda.docx  out of date: the meeting's outputs are now named after "
            "it (2022-12-09-corporate-res-scrutiny-agenda.docx is this agenda); the previous "
            "2022-12-08-corporate-os-agenda.docx was removed") in moved.output.splitlines()
    assert sorted(p.name for p in folder.glob("*agenda*")) == ["2022-12-09-corporate-res-scrutiny-agenda.docx"]


def test_two_papers_that_would_share_one_output_are_refused(meeting: Path, tmp_path: Path) -> None:
    shutil.copy(meeting / f"{BRIEFING}.yaml", meeting / f"{BRIEFING}.yml")
    result = run_papers("build", meeting, "-o", tmp_path / "out", "-j", "1")
    assert result.exit_code == 1
    assert (f"{BRIEFING}.yml: '{BRIEFING}.yml' and '{BRIEFING}.yaml' would both be built as {BRIEFING}.docx: "
            "rename one of them") in result.output


# -- 16.8: the file system refuses ----------------------------------------------------

def _refuse(monkeypatch: pytest.MonkeyPatch, name: str, code: int) -> None:
    """Make writing the output ``name`` fail as the file system would, with ``code``."""
    real = outputs.write_all

    def write_all(fh, data: bytes, target: Path) -> None:  # type: ignore[no-untyped-def]
        if target.name == name:
            fh.write(data[:100])  # part of it went down before the disk filled up
            raise OSError(code, os.strerror(code))
        real(fh, data, target)

    monkeypatch.setattr(outputs, "write_all", write_all)


def test_a_full_disk_leaves_the_paper_and_the_workbook_both_old_with_one_line(
        meeting: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "out"
    assert run_papers("build", meeting, "-o", out, "-j", "1").exit_code == 0
    before = outputs_of(out / NAME)
    new_figures(meeting)
    _refuse(monkeypatch, f"{REPORT}.docx", errno.ENOSPC)
    result = run_papers("build", meeting, "-o", out, "-j", "1")
    assert result.exit_code == 1
    target = out / NAME / f"{REPORT}.docx"
    assert (f"{target}: could not be written: the disk is full: free some space (or build into another folder "
            "with -o), then build again") in result.output
    assert "Traceback" not in result.output
    # nothing half-written, and the workbook does not carry the figure the Word file lacks
    assert outputs_of(out / NAME) == before
    assert not list((out / NAME).glob(".*.tmp"))
    monkeypatch.undo()
    assert outputs_of(out / NAME) != clean_build(meeting, tmp_path / "reference")
    assert run_papers("build", meeting, "-o", out, "-j", "1").exit_code == 0
    assert outputs_of(out / NAME) == clean_build(meeting, tmp_path / "reference")


def test_a_read_only_workbook_is_one_line_naming_the_disagreement(
        meeting: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "out"
    assert run_papers("build", meeting, "-o", out, "-j", "1").exit_code == 0
    old_workbook = (out / NAME / "budget.xlsx").read_bytes()
    new_figures(meeting)
    _refuse(monkeypatch, "budget.xlsx", errno.EACCES)  # open in Excel, or a read-only folder
    result = run_papers("build", meeting, "-o", out, "-j", "1")
    assert result.exit_code == 1
    line = next(line for line in result.output.splitlines() if line.startswith("  failed    budget.xlsx"))
    assert f"{out / NAME / 'budget.xlsx'}: could not be written: permission denied" in line
    assert f"out of date (the papers' figures: {REPORT}.docx shows the new ones, budget.xlsx the old)" in line
    assert (out / NAME / "budget.xlsx").read_bytes() == old_workbook


def test_an_output_folder_whose_name_is_too_long_is_one_line(meeting: Path, tmp_path: Path) -> None:
    out = tmp_path / ("o" * 300)
    result = run_papers("build", meeting, "-o", out, "-j", "1")
    assert result.exit_code == 1
    assert result.output.strip().splitlines() == [
        f"Error: {out / '.papers-lock'}: could not be written: the name is too long for the file system: shorten "
        "the paper's file name or the folder names"]


def test_a_symlink_planted_for_the_journal_is_not_written_through(meeting: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    (out / NAME).mkdir(parents=True)
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me\n")
    (out / NAME / ".papers-pending").symlink_to(victim)
    result = run_papers("build", meeting, "-o", out, "-j", "1")
    assert result.exit_code == 1
    assert victim.read_text() == "keep me\n"
    assert "is a symbolic link, and outputs are never written through links" in result.output


# -- issue 15: a rebuild reads only the files that changed --------------------------

def _new_process_build(meeting: Path, out: Path) -> "CliRunner.invoke":
    """A build with nothing remembered in memory from earlier builds (as a new process): only OUT's own state."""
    manifest_module._DIGESTS.clear()
    manifest_module._loaded.clear()
    result = run_papers("build", meeting, "-o", out, "-j", "1")
    assert result.exit_code in (0, 1), result.output
    return result


def test_kept_digests_are_trusted_only_for_files_exactly_as_they_were(
        meeting: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # every file counts as old enough to be remembered (a test's files are all seconds old)
    monkeypatch.setattr(manifest_module, "_RACY_NS", -10 ** 18)
    out = tmp_path / "out"
    _new_process_build(meeting, out)
    assert set(statuses(_new_process_build(meeting, out).output).values()) == {"unchanged"}
    report = out / NAME / f"{REPORT}.docx"
    kept = (out / manifest_module.DIGESTS).read_text(encoding="utf-8").splitlines()
    line = next(line for line in kept if line.endswith(os.sep + f"{REPORT}.docx"))
    assert line.split()[0] == hashlib.sha256(report.read_bytes()).hexdigest()

    # what is kept is trusted, unread, while the file is as it was: a wrong digest makes the output look edited
    # (the tree index, which answers first while every file is as it was, is removed: this is about the digests)
    (out / ".papers-index").unlink()
    (out / manifest_module.DIGESTS).write_text("\n".join(
        ("0" * 64 + line[64:]) if k == line else k for k in kept) + "\n", encoding="utf-8")
    assert statuses(_new_process_build(meeting, out).output)[f"{REPORT}.docx"] == "skipped"
    (out / manifest_module.DIGESTS).unlink()
    assert statuses(_new_process_build(meeting, out).output)[f"{REPORT}.docx"] == "unchanged"

    # an output edited in place to the same size, its time set back, is still seen as edited
    before = report.stat()
    data = bytearray(report.read_bytes())
    at = data.index(b"word/document.xml") + 1  # a name in the zip's central directory: same size, new bytes
    data[at] = ord("W")
    report.write_bytes(bytes(data))
    os.utime(report, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert report.stat().st_size == before.st_size and report.stat().st_mtime_ns == before.st_mtime_ns
    assert statuses(_new_process_build(meeting, out).output)[f"{REPORT}.docx"] == "skipped"

    # an input edited to the same size, its time set back, is rebuilt; a deleted output is rebuilt
    source = meeting / f"{BRIEFING}.yaml"
    before = source.stat()
    edit(source, "Provides a summary", "Provides a summery")
    os.utime(source, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert source.stat().st_size == before.st_size
    (out / NAME / f"{NAME}-agenda.docx").unlink()
    rebuilt = statuses(_new_process_build(meeting, out).output)
    assert rebuilt[f"{BRIEFING}.docx"] == "built" and rebuilt[f"{NAME}-agenda.docx"] == "built"


# -- 16.12: leftovers and kept copies -------------------------------------------------

def test_leftovers_of_killed_builds_are_removed(meeting: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert run_papers("build", meeting, "-o", out, "-j", "1").exit_code == 0
    (out / NAME / ".papers-pdf-abc123" / "pdf").mkdir(parents=True)
    (out / NAME / ".papers-pdf-abc123" / "pdf" / "x.pdf").write_bytes(b"%PDF")
    (out / NAME / f".{REPORT}.docx.k3j4h5.tmp").write_bytes(b"half")
    assert run_papers("build", meeting, "-o", out, "-j", "1").exit_code == 0
    assert sorted(p.name for p in (out / NAME).iterdir() if p.name.startswith(".papers-pdf-")
                  or p.name.endswith(".tmp")) == []


def test_force_names_every_edited_output_it_keeps_aside(meeting: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert run_papers("build", meeting, "-o", out, "-j", "1").exit_code == 0
    for name in ("budget.xlsx", f"{EXAMPLE_AS}-agenda.docx", f"{REPORT}.docx"):
        path = out / NAME / name
        path.write_bytes(path.read_bytes() + b"\0")  # edited (and re-saved) by someone
    forced = run_papers("build", meeting, "-o", out, "-j", "1", "--force")
    assert forced.exit_code == 0, forced.output
    for name in ("budget.edited-1.xlsx", f"{EXAMPLE_AS}-agenda.edited-1.docx", f"{REPORT}.edited-1.docx"):
        assert (out / NAME / name).exists()
        assert f"your edited copy kept as {name}" in forced.output, forced.output


# -- 9.1: a stale output fails the build and shows the edit ---------------------------

def test_an_edited_paper_whose_figures_change_fails_naming_the_workbook_and_shows_the_edit(
        meeting: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert run_papers("build", meeting, "-o", out, "-j", "1").exit_code == 0
    target = out / NAME / f"{REPORT}.docx"
    doc = Document(str(target))
    doc.add_paragraph("Note from the clerk: figures checked with finance.")
    doc.save(str(target))
    unchanged = run_papers("build", meeting, "-o", out, "-j", "1")  # edited, inputs as they were: a warning
    assert unchanged.exit_code == 0, unchanged.output
    assert "+Note from the clerk: figures checked with finance." in unchanged.output

    edit(meeting / f"{REPORT}-finance.csv", "Strategy,333", "Strategy,334")
    result = run_papers("build", meeting, "-o", out, "-j", "1")
    assert result.exit_code == 1, result.output
    assert (f"{REPORT}.docx: edited since it was built: not overwritten, but what it is made from ({REPORT}.yaml or "
            f"a file it uses) has changed since, so it is out of date: budget.xlsx shows its new figures, "
            f"{REPORT}.docx the old. Carry your edit (shown below) into {REPORT}.yaml, then build with --force"
            ) in result.output
    lines = result.output.splitlines()
    assert lines[-1].endswith(f"; build failed: {REPORT}.docx out of date (edited by hand)"), lines[-1]
    at = lines.index(f"        --- {REPORT}.docx as built")
    assert lines[at + 1] == f"        +++ {REPORT}.docx now"
    assert lines[at + 2].startswith("        @@ ")
    assert lines[at + 3] == "        +Note from the clerk: figures checked with finance."


def test_an_edited_workbook_whose_figures_change_fails_and_shows_the_cells_changed(meeting: Path,
                                                                                   tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert run_papers("build", meeting, "-o", out, "-j", "1").exit_code == 0
    path = out / NAME / "budget.xlsx"
    workbook = load_workbook(path)
    # the finance officer types over Strategy's outturn (333 in the input)
    sheet, cell = next((ws, c) for ws in workbook.worksheets for row in ws.iter_rows() for c in row if c.value == 333)
    cell.value = 350
    workbook.save(path)
    edit(meeting / f"{REPORT}-finance.csv", "Communications,567", "Communications,568")
    result = run_papers("build", meeting, "-o", out, "-j", "1")
    assert result.exit_code == 1, result.output
    assert statuses(result.output)["budget.xlsx"] == "skipped"
    assert (f"budget.xlsx: edited since it was built: not overwritten, but what it is made from (the papers' "
            f"figures: {REPORT}.docx shows the new ones, budget.xlsx the old) has changed since, so it is out of "
            "date. Carry your edit (shown above) into the inputs, then build with --force") in result.output
    assert result.output.splitlines()[-1].endswith("; build failed: budget.xlsx out of date (edited by hand)")
    assert f"        -'{sheet.title}'!{cell.coordinate}: 333" in result.output
    assert f"        +'{sheet.title}'!{cell.coordinate}: 350" in result.output


# -- 16.2 and 9.2: PDFs and the pack never show what the papers no longer say ---------

def _copy_pdf_build(pdf_build: Path, out: Path) -> Path:
    """A private copy of the example's --pdf build (its inputs are the `meeting` fixture's)."""
    shutil.copytree(pdf_build, out / NAME)
    return out / NAME


@pytest.mark.libreoffice
def test_a_build_without_pdf_keeps_current_pdfs_and_the_agenda_page_numbers(meeting: Path, tmp_path: Path,
                                                                           pdf_build: Path) -> None:
    folder = _copy_pdf_build(pdf_build, tmp_path / "out")
    before = outputs_of(folder)
    result = run_papers("build", meeting, "-o", tmp_path / "out", "-j", "1")
    assert result.exit_code == 0, result.output
    assert set(statuses(result.output).values()) == {"unchanged"}, result.output
    assert outputs_of(folder) == before  # the agenda keeps the pack's page numbers; no PDF goes


@pytest.mark.libreoffice
def test_a_build_without_pdf_removes_the_pdfs_a_rebuilt_paper_makes_out_of_date(meeting: Path, tmp_path: Path,
                                                                              pdf_build: Path) -> None:
    folder = _copy_pdf_build(pdf_build, tmp_path / "out")
    briefing_pdf = (folder / f"{BRIEFING}.pdf").read_bytes()
    edit(meeting / f"{REPORT}.yaml", "I am delighted", "I am pleased")
    result = run_papers("build", meeting, "-o", tmp_path / "out", "-j", "1")
    assert result.exit_code == 0, result.output
    assert (f"  removed   {REPORT}.pdf  out of date: {REPORT}.docx was rebuilt; build with --pdf to make it again; "
            f"the previous {REPORT}.pdf was removed") in result.output
    assert statuses(result.output)[f"{REPORT}.docx"] == "built"
    assert f"  removed   {EXAMPLE_AS}-pack.pdf  out of date: " in result.output
    assert not (folder / f"{REPORT}.pdf").exists() and not (folder / f"{EXAMPLE_AS}-pack.pdf").exists()
    # the agenda's page numbers pointed into that pack: it is rebuilt without them, and its PDF goes too
    assert f"  removed   {EXAMPLE_AS}-agenda.pdf  out of date: {EXAMPLE_AS}-agenda.docx was rebuilt" in result.output
    assert (folder / f"{BRIEFING}.pdf").read_bytes() == briefing_pdf  # still shows its Word file


@pytest.mark.libreoffice
def test_a_failed_paper_leaves_no_pack_with_its_old_version(meeting: Path, tmp_path: Path, pdf_build: Path) -> None:
    out = tmp_path / "out"
    folder = _copy_pdf_build(pdf_build, out)
    edit(meeting / f"{REPORT}.yaml", "I am delighted", "I am pleased")
    edit(meeting / f"{BRIEFING}.yaml", "title:", "titel:")  # an error: the briefing fails
    result = run_papers("build", meeting, "-o", out, "-j", "1", "--pdf")
    assert result.exit_code == 1
    assert statuses(result.output)[f"{BRIEFING}.yaml"] == "failed"
    assert statuses(result.output)[f"{REPORT}.pdf"] == "built"
    assert (f"  failed    {EXAMPLE_AS}-pack.pdf  not written: {BRIEFING}.yaml has errors, so it would not match the "
            f"papers; the previous {EXAMPLE_AS}-pack.pdf was removed") in result.output
    assert not (folder / f"{EXAMPLE_AS}-pack.pdf").exists()
    assert "I am pleased" in subprocess.run(["pdftotext", str(folder / f"{REPORT}.pdf"), "-"], capture_output=True,
                                            text=True, check=True).stdout


@pytest.mark.libreoffice
def test_a_build_without_pdf_after_one_with_keeps_the_pack_with_its_appendices(tmp_path: Path) -> None:
    cabinet = ROOT / "inputs" / "2023-01-18-cabinet"  # papers with Word, Excel and PDF appendices
    out = tmp_path / "out"
    first = run_papers("build", cabinet, "-o", out, "--pdf", "-j", "1")
    assert first.exit_code == 0, first.output
    before = outputs_of(out / cabinet.name)
    assert "2023-01-18-cabinet-pack.pdf" in before and any("-appendix-" in name for name in before)
    again = run_papers("build", cabinet, "-o", out, "-j", "1")
    assert again.exit_code == 0, again.output
    assert set(statuses(again.output).values()) == {"unchanged"}, again.output
    assert outputs_of(out / cabinet.name) == before


def test_a_paper_named_as_another_papers_appendix_or_revision_is_refused(meeting: Path, tmp_path: Path) -> None:
    # "<paper>-appendix-<n>.pdf" and "<paper>-revised-<n>.pdf" are names the build gives to what it makes of a
    # paper: a paper of that name would be taken for one (in the pack, and when a supplement is published)
    shutil.copy(meeting / f"{BRIEFING}.yaml", meeting / f"{BRIEFING}-revised-1.yaml")
    shutil.copy(meeting / f"{BRIEFING}.yaml", meeting / "05-central-services-Appendix-2.yaml")
    out = tmp_path / "out"
    result = run_papers("build", meeting, "-o", out, "-j", "1")
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert (f"'{BRIEFING}-revised-1.yaml': a paper cannot be called '{BRIEFING}-revised-1': its PDF would be "
            f"taken for the revised copy of {BRIEFING}.pdf that a supplement publishes; rename the paper, e.g. to "
            f"'{BRIEFING}-revised-1-paper.yaml'") in result.output
    assert ("'05-central-services-Appendix-2.yaml': a paper cannot be called '05-central-services-Appendix-2': "
            "the build gives that name to the PDF of appendix 2 of a paper '05-central-services'") in result.output
    assert statuses(result.output)[f"{BRIEFING}-revised-1.yaml"] == "failed"
    assert not (out / NAME / f"{BRIEFING}-revised-1.docx").exists()
    assert statuses(result.output)[f"{BRIEFING}.docx"] == "built"  # the others still build
