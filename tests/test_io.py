"""Readers and writers of excise.io: every input kind, every kind of bad input, atomic output."""

from __future__ import annotations

import gzip
import io
import json
import os
import zlib
from pathlib import Path

import pytest
import zstandard

from excise.errors import ConfigError, InputError
from excise.io import (
    JsonlWriter,
    Record,
    StdinSource,
    TextWriter,
    TreeWriter,
    cleaned_object,
    dumps_line,
    error_object,
    expand_inputs,
    read_inputs,
)

RECORDS = [{"id": f"doc{i}", "text": f"document number {i}\nwith two lines", "meta": {"n": i}} for i in range(5)]


def jsonl_bytes(records: list[dict]) -> bytes:
    return b"".join(json.dumps(r).encode("utf-8") + b"\n" for r in records)


def gzip_bytes(data: bytes) -> bytes:
    return gzip.compress(data, mtime=0)


def zstd_bytes(data: bytes) -> bytes:
    return zstandard.ZstdCompressor().compress(data)


ENCODERS = {".jsonl": lambda b: b, ".jsonl.gz": gzip_bytes, ".jsonl.zst": zstd_bytes}


def write(path: Path, data: bytes) -> str:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return str(path)


def stdin_of(data: bytes) -> StdinSource:
    return StdinSource(io.BytesIO(data))


def only_files(directory: Path) -> list[str]:
    return sorted(str(p.relative_to(directory)) for p in directory.rglob("*") if p.is_file())


# --------------------------------------------------------------------------- good input


@pytest.mark.parametrize("suffix", list(ENCODERS))
def test_jsonl_kinds_yield_every_record_in_order(tmp_path: Path, suffix: str) -> None:
    path = write(tmp_path / f"in{suffix}", ENCODERS[suffix](jsonl_bytes(RECORDS)))
    records = list(read_inputs([path]))
    assert [r.data for r in records] == RECORDS
    assert [r.text for r in records] == [r["text"] for r in RECORDS]
    assert [r.line for r in records] == [1, 2, 3, 4, 5]
    assert all(r.ok and r.source == path for r in records)


def test_txt_is_one_document_with_its_bytes_kept(tmp_path: Path) -> None:
    path = write(tmp_path / "page.txt", "caf\u00e9\r\nline two\n\n".encode())
    [record] = read_inputs([path])
    assert record == Record(source=path, line=None, data=None, text="caf\u00e9\r\nline two\n\n")


def test_directory_is_read_recursively_in_sorted_order(tmp_path: Path) -> None:
    root = tmp_path / "in"
    write(root / "b.txt", b"b")
    write(root / "a" / "z.jsonl", jsonl_bytes([{"text": "a/z"}]))
    write(root / "a" / "c.txt", b"a/c")
    write(root / "c.jsonl.gz", gzip_bytes(jsonl_bytes([{"text": "c1"}, {"text": "c2"}])))
    write(root / "d.jsonl.zst", zstd_bytes(jsonl_bytes([{"text": "d"}])))
    write(root / "ignored.json", b"{}")
    write(root / "ignored.csv", b"x")
    files = expand_inputs([str(root)])
    assert [f.relpath for f in files] == [os.path.join("a", "c.txt"), os.path.join("a", "z.jsonl"), "b.txt",
                                          "c.jsonl.gz", "d.jsonl.zst"]
    assert [r.text for r in read_inputs([str(root)])] == ["a/c", "a/z", "b", "c1", "c2", "d"]


def test_several_arguments_keep_argument_order(tmp_path: Path) -> None:
    second = write(tmp_path / "a.txt", b"second")
    first = write(tmp_path / "b.txt", b"first")
    assert [r.text for r in read_inputs([first, second])] == ["first", "second"]


@pytest.mark.parametrize(
    ("data", "texts", "lines"),
    [
        (b'{"text": "a"}\n{"text": "b"}\n', ["a", "b"], [1, 2]),
        (b'  \n\n{"text": "a"}\n\n{"text": "b"}', ["a", "b"], [3, 5]),  # blank lines count, then skip
        (b'\xef\xbb\xbf{"text": "bom"}\n', ["bom"], [1]),
        (b"plain text, not JSON\n", ["plain text, not JSON\n"], [None]),
        (b"  [not an object] is text too", ["  [not an object] is text too"], [None]),
        (b"", [""], [None]),
    ],
)
def test_stdin_is_jsonl_when_it_starts_with_a_brace(data: bytes, texts: list[str], lines: list) -> None:
    records = list(read_inputs(["-"], stdin=stdin_of(data)))
    assert [r.text for r in records] == texts
    assert [r.line for r in records] == lines
    assert all(r.source == "<stdin>" for r in records)


def test_stdin_defaults_to_sys_stdin(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(b'{"text": "x"}')))
    assert [r.text for r in read_inputs(["-"])] == ["x"]


def test_text_field_is_configurable(tmp_path: Path) -> None:
    path = write(tmp_path / "in.jsonl", jsonl_bytes([{"body": "b", "text": 1}]))
    [record] = read_inputs([path], text_field="body")
    assert record.text == "b"


def test_multi_member_gzip_and_multi_frame_zstd(tmp_path: Path) -> None:
    one, two = jsonl_bytes(RECORDS[:2]), jsonl_bytes(RECORDS[2:])
    gz = write(tmp_path / "m.jsonl.gz", gzip_bytes(one) + gzip_bytes(two))
    zst = write(tmp_path / "m.jsonl.zst", zstd_bytes(one) + zstd_bytes(two))
    for path in (gz, zst):
        assert [r.data for r in read_inputs([path])] == RECORDS


def test_long_lines_span_many_chunks(tmp_path: Path) -> None:
    text = "word " * 100_000  # several read chunks in one line
    path = write(tmp_path / "long.jsonl.zst", zstd_bytes(jsonl_bytes([{"text": text}, {"text": "short"}])))
    assert [r.text for r in read_inputs([path])] == [text, "short"]


# --------------------------------------------------------------------------- bad input

GOOD = b'{"text": "good"}\n'


@pytest.mark.parametrize(
    ("name", "data", "line", "message"),
    [
        ("malformed.jsonl", GOOD + b'{"text": "unterminated\n' + GOOD, 2, "malformed JSON"),
        ("array.jsonl", GOOD + b"[1, 2]\n" + GOOD, 2, "expected a JSON object, got an array"),
        ("string.jsonl", GOOD + b'"just a string"\n' + GOOD, 2, "expected a JSON object, got a string"),
        ("nofield.jsonl", GOOD + b'{"body": "x"}\n' + GOOD, 2, "no 'text' field"),
        ("nonstring.jsonl", GOOD + b'{"text": 42}\n' + GOOD, 2, "field 'text' is a number"),
        ("null.jsonl", GOOD + b'{"text": null}\n' + GOOD, 2, "field 'text' is null"),
        ("utf8.jsonl", GOOD + b'{"text": "caf\xe9"}\n' + GOOD, 2, "invalid UTF-8"),
    ],
)
def test_a_bad_line_is_one_error_record_and_the_stream_goes_on(tmp_path: Path, name: str, data: bytes,
                                                               line: int, message: str) -> None:
    path = write(tmp_path / name, data)
    records = list(read_inputs([path]))
    assert [r.ok for r in records] == [True, False, True]
    bad = records[1]
    assert (bad.source, bad.line, bad.text) == (path, line, None)
    assert message in bad.error
    assert bad.describe().startswith(f"{path}:{line}: ")
    assert str(bad.exception()) == bad.describe()
    assert isinstance(bad.exception(), InputError)


def test_bad_lines_keep_what_the_keep_mode_needs(tmp_path: Path) -> None:
    path = write(tmp_path / "in.jsonl", b'not json\n{"id": 7, "text": 1}\n')
    unparsable, wrong_type = read_inputs([path])
    assert unparsable.raw == b"not json" and unparsable.data is None
    assert wrong_type.data == {"id": 7, "text": 1} and wrong_type.raw is None


def test_invalid_utf8_in_txt_names_the_line(tmp_path: Path) -> None:
    path = write(tmp_path / "bad.txt", b"line one\nline \xff two\n")
    [record] = read_inputs([path])
    assert not record.ok
    assert record.line == 2
    assert "invalid UTF-8 at byte 14" in record.error
    assert record.raw == b"line one\nline \xff two\n"


@pytest.mark.parametrize(
    ("name", "message"),
    [("missing.jsonl", "no such file"), ("missing.txt", "no such file"), ("data.csv", "unsupported input")],
)
def test_unreadable_arguments_become_error_records(tmp_path: Path, name: str, message: str) -> None:
    if name.endswith(".csv"):
        write(tmp_path / name, b"a,b\n")
    good = write(tmp_path / "good.txt", b"fine")
    records = list(read_inputs([str(tmp_path / name), good]))
    assert [r.ok for r in records] == [False, True]
    assert message in records[0].error
    assert records[0].line is None


def test_unreadable_file_is_an_error_record(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write(tmp_path / "locked.jsonl", GOOD)
    real_open = open

    def deny(file: object, *args: object, **kwargs: object) -> object:
        if str(file) == path:
            raise PermissionError(13, "Permission denied", path)
        return real_open(file, *args, **kwargs)  # type: ignore[call-overload]

    monkeypatch.setattr("builtins.open", deny)
    [record] = read_inputs([path])
    assert record.error == "cannot read: Permission denied"


def test_empty_directory_is_an_error_record(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    [record] = read_inputs([str(tmp_path / "empty")])
    assert "holds no .txt, .jsonl[.gz|.zst], .parquet or .warc[.gz] files" in record.error


def flushed_gzip(blocks: list[bytes]) -> bytes:
    """gzip with a full flush after each block, so a cut lands at a known record."""
    compressor = zlib.compressobj(wbits=16 + zlib.MAX_WBITS)
    return b"".join(compressor.compress(b) + compressor.flush(zlib.Z_FULL_FLUSH) for b in blocks)


def flushed_zstd(blocks: list[bytes]) -> bytes:
    out = io.BytesIO()
    writer = zstandard.ZstdCompressor().stream_writer(out, closefd=False)
    for block in blocks:
        writer.write(block)
        writer.flush(zstandard.FLUSH_BLOCK)
    return out.getvalue()  # no frame end: the stream is truncated


@pytest.mark.parametrize(("suffix", "encode"), [(".jsonl.gz", flushed_gzip), (".jsonl.zst", flushed_zstd)])
def test_truncated_stream_yields_records_before_then_one_error(tmp_path: Path, suffix: str, encode) -> None:
    head = jsonl_bytes(RECORDS[:3])
    data = encode([head, b'{"text": "partial line, cut off mid-'])
    path = write(tmp_path / f"cut{suffix}", data)
    records = list(read_inputs([path]))
    assert [r.data for r in records[:3]] == RECORDS[:3]
    assert len(records) == 4
    assert records[3].line == 4
    assert "truncated" in records[3].error


def test_truncated_gzip_written_by_gzip_module(tmp_path: Path) -> None:
    data = gzip_bytes(jsonl_bytes(RECORDS * 200))
    path = write(tmp_path / "cut.jsonl.gz", data[: len(data) // 2])
    records = list(read_inputs([path]))
    assert all(r.ok for r in records[:-1]) and len(records) > 1
    assert records[-1].line == len(records)
    assert "gzip stream is truncated" in records[-1].error


@pytest.mark.parametrize(
    ("suffix", "data", "message"),
    [
        (".jsonl.gz", b"this is not gzip at all", "corrupt gzip data"),
        (".jsonl.zst", b"this is not zstd at all", "corrupt zstd data"),
        (".jsonl.gz", gzip_bytes(GOOD) + b"\x1f\x8b garbage member", "corrupt gzip data"),
    ],
)
def test_corrupt_stream_is_an_error_record(tmp_path: Path, suffix: str, data: bytes, message: str) -> None:
    path = write(tmp_path / f"bad{suffix}", data)
    good = write(tmp_path / "after.txt", b"after")
    records = list(read_inputs([path, good]))
    errors = [r for r in records if not r.ok]
    assert len(errors) == 1 and message in errors[0].error
    assert records[-1].text == "after"


def test_gzip_zero_padding_is_ignored(tmp_path: Path) -> None:
    path = write(tmp_path / "pad.jsonl.gz", gzip_bytes(GOOD) + b"\0" * 512)
    assert [r.text for r in read_inputs([path])] == ["good"]


# --------------------------------------------------------------------------- writers


@pytest.mark.parametrize(("suffix", "decode"), [(".jsonl", lambda b: b), (".jsonl.gz", gzip.decompress),
                                                (".jsonl.zst", lambda b: zstandard.ZstdDecompressor()
                                                 .decompressobj().decompress(b))])
def test_jsonl_writer_round_trips(tmp_path: Path, suffix: str, decode) -> None:
    path = tmp_path / f"out{suffix}"
    with JsonlWriter(str(path)) as out:
        for record in RECORDS:
            out.write(record)
    assert out.count == len(RECORDS)
    assert [json.loads(line) for line in decode(path.read_bytes()).splitlines()] == RECORDS
    assert [r.data for r in read_inputs([str(path)])] == RECORDS
    assert only_files(tmp_path) == [f"out{suffix}"]


@pytest.mark.parametrize("suffix", [".jsonl", ".jsonl.gz", ".jsonl.zst", ".txt"])
def test_failed_write_leaves_no_file_and_no_temp_file(tmp_path: Path, suffix: str) -> None:
    path = tmp_path / f"out{suffix}"
    writer = JsonlWriter(str(path)) if suffix != ".txt" else TextWriter(str(path))
    with pytest.raises(RuntimeError), writer as out:
        out.write({"text": "x"} if suffix != ".txt" else "x")  # type: ignore[arg-type]
        raise RuntimeError("boom")
    assert only_files(tmp_path) == []


def test_failed_write_leaves_an_existing_file_alone(tmp_path: Path) -> None:
    path = tmp_path / "out.jsonl"
    path.write_text("old\n")
    with pytest.raises(KeyboardInterrupt), JsonlWriter(str(path)) as out:
        out.write({"text": "new"})
        raise KeyboardInterrupt
    assert path.read_text() == "old\n"
    assert only_files(tmp_path) == ["out.jsonl"]


def test_output_file_gets_ordinary_permissions(tmp_path: Path) -> None:
    path = tmp_path / "out.jsonl"
    with JsonlWriter(str(path)) as out:
        out.write({})
    umask = os.umask(0)
    os.umask(umask)
    assert path.stat().st_mode & 0o777 == 0o666 & ~umask


def test_text_writer_writes_text_and_bytes_exactly(tmp_path: Path) -> None:
    path = tmp_path / "out.txt"
    with TextWriter(str(path)) as out:
        out.write("caf\u00e9\r\n")
        out.write(b"\xff raw")
    assert path.read_bytes() == "caf\u00e9\r\n".encode() + b"\xff raw"


def test_text_writer_creates_nothing_when_nothing_is_written(tmp_path: Path) -> None:
    with TextWriter(str(tmp_path / "out.txt")):
        pass
    assert only_files(tmp_path) == []


def test_writers_to_stdout(capsys: pytest.CaptureFixture[str]) -> None:
    with JsonlWriter("-") as out:
        out.write({"a": "\u00e9"})
    with TextWriter("-") as text:
        text.write("plain")
    assert capsys.readouterr().out == '{"a":"\u00e9"}\nplain'


@pytest.mark.parametrize("existing", [False, True])
def test_tree_writer_mirrors_on_success(tmp_path: Path, existing: bool) -> None:
    root = tmp_path / "out"
    if existing:
        write(root / "keep.txt", b"untouched")
    with TreeWriter(str(root)) as out:
        out.write("a.txt", "A")
        out.write(os.path.join("sub", "b.txt"), b"B")
    expected = ["a.txt", os.path.join("sub", "b.txt")] + (["keep.txt"] if existing else [])
    assert only_files(root) == sorted(expected)
    assert (root / "sub" / "b.txt").read_bytes() == b"B"
    assert only_files(tmp_path) == sorted(os.path.join("out", p) for p in expected)  # no staging left


def test_tree_writer_writes_nothing_on_failure(tmp_path: Path) -> None:
    with pytest.raises(RuntimeError), TreeWriter(str(tmp_path / "out")) as out:
        out.write("a.txt", "A")
        raise RuntimeError("boom")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(("relpath", "message"), [("../escape.txt", "would leave"), ("a.txt", "both be written")])
def test_tree_writer_refuses_bad_paths(tmp_path: Path, relpath: str, message: str) -> None:
    with pytest.raises(InputError, match=message), TreeWriter(str(tmp_path / "out")) as out:
        out.write("a.txt", "A")
        out.write(relpath, "B")


def test_tree_writer_needs_a_directory(tmp_path: Path) -> None:
    write(tmp_path / "file", b"x")
    with pytest.raises(ConfigError):
        TreeWriter(str(tmp_path / "file"))


# --------------------------------------------------------------------------- output objects


@pytest.mark.parametrize(
    ("obj", "expected"),
    [
        ({"t": "caf\u00e9"}, '{"t":"caf\u00e9"}\n'.encode()),
        ({"big": 2**70}, b'{"big":1180591620717411303424}\n'),
        ({"lone": "\ud800"}, b'{"lone":"\\ud800"}\n'),
    ],
)
def test_dumps_line(obj: dict, expected: bytes) -> None:
    assert dumps_line(obj) == expected


def test_cleaned_object_keeps_fields_and_order() -> None:
    record = Record("in.jsonl", 3, {"id": 1, "text": "old", "z": [1]}, "old")
    out = cleaned_object(record, "new", {"spans": []})
    assert list(out.items()) == [("id", 1), ("text", "new"), ("z", [1]), ("excise", {"spans": []})]
    assert record.data == {"id": 1, "text": "old", "z": [1]}
    txt = cleaned_object(Record("a.txt", None, None, "old"), "new", {}, text_field="body")
    assert txt == {"id": "a.txt", "body": "new", "excise": {}}


def test_error_object() -> None:
    raw = Record("in.jsonl", 2, None, None, "malformed JSON", raw=b"nope \xff")
    assert error_object(raw) == {"excise": {"error": "malformed JSON", "source": "in.jsonl", "line": 2,
                                            "raw": "nope \ufffd"}}
    parsed = Record("in.jsonl", 5, {"id": 1, "text": 3}, None, "not a string")
    assert error_object(parsed) == {"id": 1, "text": 3, "excise": {"error": "not a string", "source": "in.jsonl",
                                                                   "line": 5}}


def test_json_lines_are_the_same_with_and_without_orjson(monkeypatch: pytest.MonkeyPatch) -> None:
    """orjson is the fast path; where it is missing (or refuses a value) json writes the same line: the same
    bytes, but for the exponent of a float too small or large for plain notation ("1e-7" against "1e-07")."""
    from excise import io as excise_io

    if excise_io.orjson is None:
        pytest.skip("orjson is not installed")
    plain = [
        {"id": 7, "text": "caf\u00e9 \u201cquoted\u201d \u2028 \t tab \x00 nul \\ back", "score": 0.9285, "ok": True},
        {"spans": [[0, 12, "pharma", 0.123456789, ["lexicon:viagra"]]], "nested": {"a": None, "b": [1.5, -0.0]}},
        {"text": "\U0001f600 emoji", "n": -12345678901234, "score": 0.0001},
    ]
    exponents = [{"f": 1e-7, "big": 1e21}]
    fast = [excise_io.dumps_line(r) for r in plain + exponents]
    monkeypatch.setattr(excise_io, "orjson", None)
    slow = [excise_io.dumps_line(r) for r in plain + exponents]
    assert slow[: len(plain)] == fast[: len(plain)]
    assert [json.loads(line) for line in slow] == [json.loads(line) for line in fast]
