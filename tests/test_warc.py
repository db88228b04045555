"""WARC in: HTML responses become records with URL, record id and date kept; damage is a bad record naming it."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from excise.io import ReadCounter, expand_inputs, read_records

from test_cli import FakeExcisor, fake_engine, files_in, read_jsonl, run  # noqa: F401 - fake_engine is autouse

pytest.importorskip("fastwarc", reason="FastWARC (the corpus extra) is not installed")
pytest.importorskip("resiliparse", reason="Resiliparse (the corpus extra) is not installed")


def warc_record(n: int, url: str, body: bytes, content_type: str = "text/html; charset=utf-8",
                warc_type: str = "response") -> bytes:
    http = (f"HTTP/1.1 200 OK\r\nContent-Type: {content_type}\r\nContent-Length: {len(body)}\r\n\r\n").encode() + body
    head = (f"WARC/1.0\r\nWARC-Type: {warc_type}\r\nWARC-Target-URI: {url}\r\nWARC-Date: 2024-01-0{n % 9 + 1}T03:04:05Z"
            f"\r\nWARC-Record-ID: <urn:uuid:00000000-0000-0000-0000-{n:012d}>\r\n"
            f"Content-Type: application/http; msgtype=response\r\nContent-Length: {len(http)}\r\n\r\n").encode()
    return head + http + b"\r\n\r\n"


PAGE = ("<html><head><title>Council</title><script>var x = 'SPAMscript';</script></head><body>"
        "<h1>Library news</h1><p>The council met on Tuesday. SPAMword here.</p><ul><li>one</li><li>two</li></ul>"
        "</body></html>")


def records_of(n: int) -> list[bytes]:
    out = [warc_record(i, f"http://site.example/{i}", PAGE.replace("Tuesday", f"day {i}").encode()) for i in range(n)]
    out.insert(1, warc_record(90, "http://site.example/logo.png", b"\x89PNG....", content_type="image/png"))
    out.insert(3, warc_record(91, "http://site.example/r", b"GET / HTTP/1.1\r\n\r\n", warc_type="request"))
    return out


def write_warc(path: Path, records: list[bytes]) -> Path:
    if path.name.endswith(".gz"):
        path.write_bytes(b"".join(gzip.compress(r) for r in records))  # one gzip member per record, as crawlers do
    else:
        path.write_bytes(b"".join(records))
    return path


@pytest.mark.parametrize("name", ["crawl.warc", "crawl.warc.gz"])
def test_html_responses_become_records_with_url_id_and_date(tmp_path: Path, name: str) -> None:
    path = write_warc(tmp_path / name, records_of(4))
    counter = ReadCounter()
    records = list(read_records(expand_inputs([str(path)]), counter=counter))
    assert [r.error for r in records] == [None] * 4  # the image and the request are read past
    assert [r.line for r in records] == [1, 3, 5, 6]  # positions among all the file's WARC records
    first = records[0]
    assert first.data is not None
    assert first.data["url"] == "http://site.example/0"
    assert first.data["warc_record_id"] == "<urn:uuid:00000000-0000-0000-0000-000000000000>"
    assert first.data["date"] == "2024-01-01T03:04:05Z"
    assert first.text == first.data["text"]
    assert first.text.startswith("Library news\n\nThe council met on day 0. SPAMword here.")
    assert "SPAMscript" not in first.text and "Council" not in first.text  # no script, no head
    assert counter.bytes == path.stat().st_size


@pytest.mark.parametrize("name", ["cut.warc", "cut.warc.gz"])
def test_a_truncated_warc_is_a_bad_record_naming_file_and_record(tmp_path: Path, name: str,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    path = write_warc(tmp_path / name, records_of(4))
    path.write_bytes(path.read_bytes()[:-120])
    errors = tmp_path / "errors.jsonl"
    status, _, stderr = run(["clean", str(path), "-o", str(tmp_path / "out.jsonl"), "--on-error", "skip",
                             "--errors", str(errors)], capsys)
    assert status == 0
    assert f"{path}:6: the file ends inside this record; records from this one on are lost" in stderr
    written = read_jsonl((tmp_path / "out.jsonl").read_text())
    assert [w["url"] for w in written] == [f"http://site.example/{i}" for i in range(3)]
    assert [e["line"] for e in read_jsonl(errors.read_text())] == [6]  # every record accounted for
    assert run(["clean", str(path), "-o", str(tmp_path / "fail.jsonl")], capsys)[0] == 1
    assert not (tmp_path / "fail.jsonl").exists()


def test_warc_shards_become_jsonl_gz_shards(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "in").mkdir()
    write_warc(tmp_path / "in" / "a.warc.gz", records_of(2))
    write_warc(tmp_path / "in" / "b.warc", records_of(3))
    assert run(["clean", str(tmp_path / "in"), "-o", str(tmp_path / "out") + "/"], capsys)[0] == 0
    assert files_in(tmp_path / "out") == ["a.jsonl.gz", "b.jsonl.gz"]
    b = read_jsonl(gzip.decompress((tmp_path / "out" / "b.jsonl.gz").read_bytes()))
    assert [r["url"] for r in b] == [f"http://site.example/{i}" for i in range(3)]
    assert "SPAMword" not in b[0]["text"] and b[0]["excise"]["spans"]
    assert set(b[0]) == {"url", "warc_record_id", "date", "text", "excise"}


def test_two_inputs_for_one_shard_are_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "in").mkdir()
    write_warc(tmp_path / "in" / "a.warc.gz", records_of(1))
    write_warc(tmp_path / "in" / "a.warc", records_of(1))
    status, _, stderr = run(["clean", str(tmp_path / "in"), "-o", str(tmp_path / "out") + "/"], capsys)
    assert status == 2 and "would both be written to" in stderr
    assert not (tmp_path / "out").exists()


def test_warc_to_parquet_keeps_url_id_and_date(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pq = pytest.importorskip("pyarrow.parquet")
    path = write_warc(tmp_path / "a.warc.gz", records_of(3))
    assert run(["clean", str(path), "-o", str(tmp_path / "out.parquet")], capsys)[0] == 0
    table = pq.read_table(tmp_path / "out.parquet")
    assert table.column_names == ["url", "warc_record_id", "date", "text", "excise"]
    assert table.column("url").to_pylist() == [f"http://site.example/{i}" for i in range(3)]
    assert json.dumps(table.column("excise").to_pylist()[0]["spans"][0]["label"]) == '"pharma"'


def test_a_gzip_member_cut_short_is_a_bad_record_not_silence(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    records = records_of(4)
    members = [gzip.compress(r) for r in records]
    path = tmp_path / "cut.warc.gz"
    path.write_bytes(b"".join(members[:4]) + members[4][: len(members[4]) // 2])  # cut inside the 5th, a page
    status, _, stderr = run(["clean", str(path), "-o", str(tmp_path / "out.jsonl"), "--on-error", "skip"], capsys)
    assert status == 0
    assert f"{path}:5: the gzip stream is cut short in this record; records from this one on are lost" in stderr
    assert [r["url"] for r in read_jsonl((tmp_path / "out.jsonl").read_text())] == [
        "http://site.example/0", "http://site.example/1"]


def test_gzip_encoded_bodies_are_decoded(tmp_path: Path) -> None:
    body = gzip.compress(PAGE.encode())
    http = (b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Encoding: gzip\r\n"
            + f"Content-Length: {len(body)}\r\n\r\n".encode() + body)
    head = (f"WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: http://gz.example/\r\nWARC-Date: 2024-01-01T00:00:00Z"
            f"\r\nWARC-Record-ID: <urn:uuid:00000000-0000-0000-0000-000000000099>\r\n"
            f"Content-Type: application/http; msgtype=response\r\nContent-Length: {len(http)}\r\n\r\n").encode()
    path = write_warc(tmp_path / "enc.warc", [head + http + b"\r\n\r\n"])
    [record] = list(read_records(expand_inputs([str(path)])))
    assert record.error is None and record.text is not None
    assert record.text.startswith("Library news")
