"""Directories of shards (``excise clean DIR/ -o OUT/``), ``--resume``, ``--stats`` and the progress line.

The fake engine of test_cli cuts every word that starts with SPAM, so these tests do not depend on the model.
"""

from __future__ import annotations

import gzip
import io
import json
import os
from pathlib import Path

import pytest

from excise.stats import Progress, RunStats
from excise.types import Result, Span

from test_cli import FakeExcisor, fake_engine, files_in, read_jsonl, run  # noqa: F401 - fake_engine is autouse

pa = pytest.importorskip("pyarrow", reason="pyarrow (the corpus extra) is not installed")
pq = pytest.importorskip("pyarrow.parquet")


def make_shards(root: Path) -> None:
    (root / "sub").mkdir(parents=True)
    (root / "a.jsonl").write_text("".join(json.dumps({"id": f"a{i}", "text": f"doc {i} SPAMmy words"}) + "\n"
                                          for i in range(5)))
    with gzip.open(root / "sub" / "b.jsonl.gz", "wt") as fh:
        fh.write(json.dumps({"id": "b0", "text": "fine text"}) + "\n" + json.dumps({"id": "b1", "text": "x SPAM"}) + "\n")
    (root / "sub" / "empty.jsonl").write_text("")
    pq.write_table(pa.table({"id": pa.array([1, 2], pa.int32()), "text": ["p SPAM q", "plain"],
                             "meta": [{"lang": "en"}, {"lang": "de"}]}), root / "c.parquet")


def test_each_shard_goes_to_its_own_file_in_the_same_format(tmp_path: Path,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    make_shards(tmp_path / "in")
    assert run(["clean", str(tmp_path / "in"), "-o", str(tmp_path / "out") + "/"], capsys)[0] == 0
    assert files_in(tmp_path / "out") == ["a.jsonl", "c.parquet", "sub/b.jsonl.gz", "sub/empty.jsonl"]
    a = read_jsonl((tmp_path / "out" / "a.jsonl").read_text())
    assert [r["id"] for r in a] == [f"a{i}" for i in range(5)]
    assert a[2]["text"] == "doc 2 words" and a[2]["excise"]["spans"][0]["label"] == "pharma"
    b = read_jsonl(gzip.decompress((tmp_path / "out" / "sub" / "b.jsonl.gz").read_bytes()))
    assert [r["text"] for r in b] == ["fine text", "x"]
    assert (tmp_path / "out" / "sub" / "empty.jsonl").read_bytes() == b""
    c = pq.read_table(tmp_path / "out" / "c.parquet")
    assert c.schema.field("id").type == pa.int32()  # the input's schema is kept, column for column
    assert c.column("meta").to_pylist() == [{"lang": "en"}, {"lang": "de"}]
    assert c.column("text").to_pylist() == ["p q", "plain"]
    assert c.column("excise").to_pylist()[0]["spans"][0]["start"] == 2


class StopAt(FakeExcisor):
    """The fake engine, interrupted (Ctrl-C) on the document that says STOP."""

    seen: list[str] = []

    def scan(self, text: str) -> Result:
        StopAt.seen.append(text)
        if "STOP" in text:
            raise KeyboardInterrupt
        return super().scan(text)


def test_an_interrupted_run_leaves_whole_shards_and_resume_finishes_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                        capsys: pytest.CaptureFixture[str]) -> None:
    make_shards(tmp_path / "in")
    expected = tmp_path / "expected"
    assert run(["clean", str(tmp_path / "in"), "-o", f"{expected}/"], capsys)[0] == 0
    # c.parquet, the second shard in order, is interrupted
    table = pq.read_table(tmp_path / "in" / "c.parquet")
    pq.write_table(table.set_column(1, "text", pa.array(["p SPAM q", "STOP"])), tmp_path / "in" / "c.parquet")
    from excise import cli

    monkeypatch.setattr(cli, "Excisor", StopAt)
    out = tmp_path / "out"
    assert run(["clean", str(tmp_path / "in"), "-o", f"{out}/"], capsys)[0] == 130
    assert files_in(out) == ["a.jsonl"]  # whole shards only: no half-written c.parquet, no temporary file
    pq.write_table(table, tmp_path / "in" / "c.parquet")
    StopAt.seen = []
    status, _, stderr = run(["clean", str(tmp_path / "in"), "-o", f"{out}/", "--resume"], capsys)
    assert status == 0
    assert "1 of 4 shards already written, skipped (--resume)" in stderr
    assert not any(text.startswith("doc ") for text in StopAt.seen)  # a.jsonl was not read again
    for name in files_in(expected):
        if name.endswith(".parquet"):
            assert pq.read_table(out / name).equals(pq.read_table(expected / name))
        else:
            assert (out / name).read_bytes() == (expected / name).read_bytes(), name


def test_an_unreadable_shard_gets_no_output_so_resume_tries_it_again(tmp_path: Path,
                                                                       capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.jsonl").write_text(json.dumps({"text": "ok"}) + "\n")
    (tmp_path / "in" / "b.parquet").write_bytes(b"PAR1 not really parquet")
    status, _, stderr = run(["clean", str(tmp_path / "in"), "-o", str(tmp_path / "out") + "/", "--on-error", "skip"],
                            capsys)
    assert status == 0
    assert "b.parquet" in stderr
    assert files_in(tmp_path / "out") == ["a.jsonl"]


def test_resume_needs_a_directory_of_shards(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "a.jsonl").write_text(json.dumps({"text": "ok"}) + "\n")
    status, _, stderr = run(["clean", str(tmp_path / "a.jsonl"), "-o", str(tmp_path / "o.jsonl"), "--resume"], capsys)
    assert status == 2
    assert "--resume needs an output directory" in stderr


def test_stats_file_counts_the_run(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    lines = [json.dumps({"text": "one SPAMa and SPAMb"}), "{broken", json.dumps({"text": "clean é"})]
    (tmp_path / "in.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    stats_path = tmp_path / "stats.json"
    assert run(["clean", str(tmp_path / "in.jsonl"), "-o", str(tmp_path / "out.jsonl"), "--on-error", "skip",
                "--stats", str(stats_path)], capsys)[0] == 0
    stats = json.loads(stats_path.read_text())
    assert stats["documents"] == 2 and stats["bad_records"] == 1
    assert stats["documents_changed"] == 1 and stats["spans"] == 2
    assert stats["by_label"] == {"pharma": {"spans": 2, "chars": 10}}
    assert stats["chars_removed"] == 10
    assert stats["chars"] == len("one SPAMa and SPAMb") + len("clean é")
    assert stats["bytes"] == stats["chars"] + 1  # é is two bytes in UTF-8
    assert stats["model"] == "fake-1" and stats["output_mode"] == "jsonl" and stats["files"] == 1


def test_a_failed_run_writes_no_stats(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "in.jsonl").write_text("{broken\n")
    assert run(["clean", str(tmp_path / "in.jsonl"), "-o", str(tmp_path / "out.jsonl"), "--stats",
                str(tmp_path / "stats.json")], capsys)[0] == 1
    assert files_in(tmp_path) == ["in.jsonl"]


def test_no_progress_line_when_stderr_is_not_a_terminal(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "in.jsonl").write_text(json.dumps({"text": "x SPAM"}) + "\n")
    _, _, stderr = run(["clean", str(tmp_path / "in.jsonl"), "-o", str(tmp_path / "out.jsonl")], capsys)
    assert stderr == ""


def test_progress_line_shows_documents_rate_spam_and_eta() -> None:
    stats = RunStats()
    stats.add("a" * 2_000_000, Result((Span(0, 5, "casino"),), 0.9, "m", 2_000_000))
    stats.add("b" * 1_000_000, Result((), 0.1, "m", 1_000_000))
    stream = io.StringIO()
    progress = Progress(stats, enabled=True, total_bytes=400, read_bytes=lambda: 100, stream=stream)
    progress.update(force=True)
    line = stream.getvalue()
    assert line.startswith("\rexcise: 2 docs | 3.0 MB | ")
    assert "MB/s | 1 with spam | 25% | ETA " in line
    progress.close()
    assert stream.getvalue().endswith("\n")
    quiet = io.StringIO()
    Progress(stats, enabled=False, stream=quiet).update(force=True)
    assert quiet.getvalue() == ""


def test_parquet_in_one_parquet_file_out(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    make_shards(tmp_path / "in")
    out = tmp_path / "out.parquet"
    assert run(["clean", str(tmp_path / "in" / "c.parquet"), "-o", str(out)], capsys)[0] == 0
    table = pq.read_table(out)
    assert table.column_names == ["id", "text", "meta", "excise"]
    assert table.num_rows == 2


def test_parquet_rows_with_no_text_are_bad_records_named_by_row(tmp_path: Path,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    pq.write_table(pa.table({"text": ["a SPAM", None, "b"]}), tmp_path / "in.parquet")
    status, _, stderr = run(["clean", str(tmp_path / "in.parquet"), "-o", str(tmp_path / "out.parquet"),
                             "--on-error", "keep"], capsys)
    assert status == 0
    assert f"{tmp_path / 'in.parquet'}:2: field 'text' is null" in stderr
    rows = pq.read_table(tmp_path / "out.parquet").to_pylist()
    assert [r["text"] for r in rows] == ["a", None, "b"]
    assert rows[1]["excise"]["error"] == "field 'text' is null, not a string" and rows[1]["excise"]["line"] == 2


def test_parquet_without_the_text_column_is_one_bad_record(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pq.write_table(pa.table({"body": ["a"]}), tmp_path / "in.parquet")
    status, _, stderr = run(["clean", str(tmp_path / "in.parquet"), "-o", str(tmp_path / "out.jsonl")], capsys)
    assert status == 1
    assert "no 'text' column (columns: body)" in stderr
    assert run(["clean", str(tmp_path / "in.parquet"), "--text-field", "body", "-o", str(tmp_path / "out.jsonl")],
               capsys)[0] == 0


def test_one_parquet_output_takes_one_schema(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pq.write_table(pa.table({"text": ["a"]}), tmp_path / "a.parquet")
    pq.write_table(pa.table({"text": ["b"], "n": [1]}), tmp_path / "b.parquet")
    status, _, stderr = run(["clean", str(tmp_path / "a.parquet"), str(tmp_path / "b.parquet"), "-o",
                             str(tmp_path / "out.parquet")], capsys)
    assert status == 2 and "another schema" in stderr
    (tmp_path / "c.jsonl").write_text(json.dumps({"text": "c"}) + "\n")
    status, _, stderr = run(["clean", str(tmp_path / "c.jsonl"), "-o", str(tmp_path / "out.parquet")], capsys)
    assert status == 2 and "takes the schema of .parquet inputs" in stderr


def test_parquet_read_in_batches_keeps_every_row(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    from excise import parquet

    monkeypatch.setattr(parquet, "READ_ROWS", 7)
    monkeypatch.setattr(parquet, "WRITE_ROWS", 5)
    texts = [f"row {i} SPAM" if i % 3 == 0 else f"row {i}" for i in range(40)]
    pq.write_table(pa.table({"text": texts, "n": list(range(40))}), tmp_path / "in.parquet", row_group_size=16)
    assert run(["clean", str(tmp_path / "in.parquet"), "-o", str(tmp_path / "out.parquet")], capsys)[0] == 0
    out = pq.ParquetFile(tmp_path / "out.parquet")
    assert out.metadata.num_row_groups == 8  # written 5 rows at a time
    table = out.read()
    assert table.column("n").to_pylist() == list(range(40))
    assert table.column("text").to_pylist() == [t.replace(" SPAM", "") for t in texts]


def test_progress_counts_bytes_read(tmp_path: Path) -> None:
    from excise.io import ReadCounter, expand_inputs, read_inputs, read_records

    data = "".join(json.dumps({"text": "x" * 100}) + "\n" for _ in range(3000))
    (tmp_path / "a.jsonl.gz").write_bytes(gzip.compress(data.encode()))
    counter = ReadCounter()
    assert len(list(read_records(expand_inputs([str(tmp_path / "a.jsonl.gz")]), counter=counter))) == 3000
    assert counter.bytes == os.path.getsize(tmp_path / "a.jsonl.gz")
    assert len(list(read_inputs([str(tmp_path / "a.jsonl.gz")]))) == 3000


def test_progress_line_on_a_terminal_and_quiet(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "in.jsonl").write_text("".join(json.dumps({"text": f"x{i} SPAM"}) + "\n" for i in range(300)))
    monkeypatch.setattr("sys.stderr.isatty", lambda: True, raising=False)
    _, _, stderr = run(["clean", str(tmp_path / "in.jsonl"), "-o", str(tmp_path / "out.jsonl")], capsys)
    assert stderr.startswith("\rexcise: ") and "300 docs" in stderr and "300 with spam | 100% | ETA 0s" in stderr
    assert stderr.endswith("\n")
    _, _, stderr = run(["clean", str(tmp_path / "in.jsonl"), "-o", str(tmp_path / "out.jsonl"), "-q"], capsys)
    assert stderr == ""


def test_parquet_values_json_has_no_type_for_are_written_as_text(tmp_path: Path,
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    import datetime
    import decimal

    pq.write_table(pa.table({"text": ["a SPAM"], "blob": [b"\x00\x01"], "price": [decimal.Decimal("1.50")],
                             "took": [datetime.timedelta(seconds=3)]}), tmp_path / "in.parquet")
    assert run(["clean", str(tmp_path / "in.parquet"), "-o", str(tmp_path / "out.jsonl")], capsys)[0] == 0
    [row] = read_jsonl((tmp_path / "out.jsonl").read_text())
    assert (row["text"], row["blob"], row["price"]) == ("a", "AAE=", "1.50")
    assert row["took"] in ("0:00:03", "3 seconds")


def test_a_bad_row_kept_fits_a_schema_of_required_columns(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    schema = pa.schema([pa.field("id", pa.int64(), nullable=False), pa.field("text", pa.string())])
    pq.write_table(pa.table({"id": [1, 2], "text": ["a SPAM", None]}, schema=schema), tmp_path / "in.parquet")
    assert run(["clean", str(tmp_path / "in.parquet"), "-o", str(tmp_path / "out.parquet"), "--on-error", "keep"],
               capsys)[0] == 0
    rows = pq.read_table(tmp_path / "out.parquet").to_pylist()
    assert [r["id"] for r in rows] == [1, 2] and rows[1]["excise"]["error"]


def test_a_damaged_parquet_input_for_one_parquet_output_is_named(tmp_path: Path,
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "bad.parquet").write_bytes(b"not parquet at all")
    status, _, stderr = run(["clean", str(tmp_path / "bad.parquet"), "-o", str(tmp_path / "out.parquet")], capsys)
    assert status == 2
    assert f"{tmp_path / 'bad.parquet'}: cannot read its Parquet schema" in stderr
    assert not (tmp_path / "out.parquet").exists()


def test_a_shard_with_a_read_error_is_not_written_so_resume_reads_it_again(tmp_path: Path,
                                                                          monkeypatch: pytest.MonkeyPatch,
                                                                          capsys: pytest.CaptureFixture[str]) -> None:
    from excise import io as excise_io

    (tmp_path / "in").mkdir()
    for name in ("a", "b"):
        (tmp_path / "in" / f"{name}.jsonl").write_text("".join(json.dumps({"text": f"{name}{i} SPAM"}) + "\n"
                                                              for i in range(50)))
    real = excise_io._read_chunks

    def flaky(fh: io.BufferedReader, counter: object = None) -> object:
        for n, chunk in enumerate(real(fh, counter)):  # type: ignore[arg-type]
            if n == 1 and fh.name.endswith("b.jsonl"):
                raise OSError(5, "Input/output error")
            yield chunk

    monkeypatch.setattr(excise_io, "_CHUNK", 64)
    monkeypatch.setattr(excise_io, "_read_chunks", flaky)
    out = f"{tmp_path / 'out'}/"
    status, _, stderr = run(["clean", str(tmp_path / "in"), "-o", out, "--on-error", "skip"], capsys)
    assert status == 0 and "read error: Input/output error" in stderr
    assert files_in(tmp_path / "out") == ["a.jsonl"]  # b is not written: it was not read to its end
    monkeypatch.setattr(excise_io, "_read_chunks", real)
    assert run(["clean", str(tmp_path / "in"), "-o", out, "--resume"], capsys)[0] == 0
    assert len(read_jsonl((tmp_path / "out" / "b.jsonl").read_text())) == 50
