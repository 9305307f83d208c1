"""The run's spool: results on disk, read back equal, streamed to the reports, removed when let go."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

from report.synthetic import synthetic_run

from harness.model import RunResult, SnippetResult
from harness.report import json_report
from harness.spool import Mapped, Spool, read_lines, remove_run_folder, run_folder


def spooled(run: RunResult) -> RunResult:
    return replace(run, results=Spool(SnippetResult, "test", run.results))


def test_results_read_back_from_the_spool_equal_those_written() -> None:
    run = synthetic_run(40)
    spool = Spool(SnippetResult, "test", run.results)

    assert len(spool) == 40
    assert list(spool) == list(run.results)
    assert spool[7] == run.results[7] and spool[-1] == run.results[-1]
    assert list(spool[3:9:2]) == list(run.results[3:9:2])
    assert spool.path.parent == run_folder()


def test_a_spool_appended_to_while_read_shows_every_item_so_far() -> None:
    run = synthetic_run(6)
    spool: Spool[SnippetResult] = Spool(SnippetResult, "test")
    for count, result in enumerate(run.results, 1):
        spool.append(result)
        assert len(spool) == count and spool[count - 1] == result and list(spool) == list(run.results[:count])


def test_closing_a_spool_removes_its_file_and_the_folder_goes_with_its_files(tmp_path: Path) -> None:
    spool = Spool(SnippetResult, "test", synthetic_run(3).results)
    path = spool.path
    assert path.exists()
    spool.close()
    assert not path.exists()
    other = Spool(SnippetResult, "test", synthetic_run(2).results)
    remove_run_folder()
    assert not other.path.exists() and not other.path.parent.exists()
    assert Spool(SnippetResult, "test").path.parent.is_dir()  # the next spool makes a new folder


def test_an_interrupted_spool_reads_back_the_lines_written_whole(tmp_path: Path) -> None:
    run = synthetic_run(5)
    spool = Spool(SnippetResult, "test", run.results)
    spool.append(run.results[0])
    spool._writer.flush()
    cut = tmp_path / "cut.jsonl"
    cut.write_bytes(spool.path.read_bytes()[:-20])  # the last line cut short, as a kill would leave it

    assert list(read_lines(cut, SnippetResult)) == list(run.results)


def test_the_streamed_json_report_is_the_whole_report_byte_for_byte(tmp_path: Path) -> None:
    for blocks in (0, 1, 37):
        run = spooled(synthetic_run(blocks))
        path = tmp_path / f"report-{blocks}.json"

        json_report.write(run, path)

        assert path.read_text() == json.dumps(json_report.to_dict(run), indent=2, default=str) + "\n"
        read = json_report.load_run(json.loads(path.read_text())).results
        assert [(r.snippet, r.status, r.findings) for r in read] == [(r.snippet, r.status, r.findings)
                                                                     for r in run.results]


def test_a_mapped_spool_changes_each_item_as_it_is_read() -> None:
    run = synthetic_run(8)
    seen = Mapped(Spool(SnippetResult, "test", run.results), lambda r: r.snippet.id)

    assert list(seen) == [r.snippet.id for r in run.results] and seen[2] == run.results[2].snippet.id
    assert len(seen) == 8
