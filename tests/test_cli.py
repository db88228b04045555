"""The excise command, run in-process with a fake engine so no test depends on the model."""

from __future__ import annotations

import argparse
import gzip
import io
import json
import os
import re
import subprocess
import sys
import tempfile
import types
from pathlib import Path
from typing import Any

import pytest
import zstandard

from excise import __version__, cli
from excise.config import Config
from excise.errors import InputError, ModelError
from excise.types import Result, Span

_MARK = re.compile(r"SPAM\w*")


class FakeExcisor:
    """Cuts every word starting with SPAM; rejects documents that say REJECT; remembers its options.

    Like the real engine, it scans a batch as a whole: a batch holding a rejected document is rejected.
    ``batches`` records the size of every batch it was handed.
    """

    last: FakeExcisor | None = None
    fail_with: BaseException | None = None

    def __init__(self, model: str | None = None, *, config: Config | None = None) -> None:
        self.model = model
        self.config = config
        self.batches: list[int] = []
        FakeExcisor.last = self

    def scan_batch(self, texts: list[str]) -> list[Result]:
        self.batches.append(len(texts))
        return [self.scan(text) for text in texts]

    def scan(self, text: str) -> Result:
        if FakeExcisor.fail_with is not None:
            raise FakeExcisor.fail_with
        if "REJECT" in text:
            raise InputError("document rejected by the engine")
        spans = tuple(Span(m.start(), m.end(), "pharma", 0.9, ("test:marker",)) for m in _MARK.finditer(text))
        return Result(spans, 0.9 if spans else 0.1, "fake-1", len(text))


@pytest.fixture(autouse=True)
def fake_engine(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cli, "Excisor", FakeExcisor)
    monkeypatch.setattr(FakeExcisor, "last", None)
    monkeypatch.setattr(FakeExcisor, "fail_with", None)


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    status = cli.main(argv)
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def set_stdin(monkeypatch: pytest.MonkeyPatch, data: bytes) -> None:
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(data)))


def jsonl(records: list[dict]) -> bytes:
    return b"".join(json.dumps(r).encode() + b"\n" for r in records)


def read_jsonl(data: str | bytes) -> list[dict]:
    return [json.loads(line) for line in data.splitlines()]


def files_in(directory: Path) -> list[str]:
    return sorted(str(p.relative_to(directory)) for p in directory.rglob("*") if p.is_file())


RECORDS = [
    {"id": "a", "text": "Good words. SPAMPILLS now. More good words.", "lang": "en"},
    {"id": "b", "text": "Nothing to see here.", "lang": "fr", "extra": [1, {"k": None}]},
    {"id": "c", "text": "SPAM first, then text.", "lang": "en"},
]


def expected_excise(text: str) -> dict[str, Any]:
    return FakeExcisor().scan(text).to_dict()


# --------------------------------------------------------------------------- clean: formats


def test_clean_jsonl_keeps_order_fields_and_adds_excise(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = tmp_path / "in.jsonl"
    src.write_bytes(jsonl(RECORDS))
    out = tmp_path / "out.jsonl"
    status, stdout, stderr = run(["clean", str(src), "-o", str(out)], capsys)
    assert (status, stdout, stderr) == (0, "", "")
    rows = read_jsonl(out.read_text())
    assert [list(row) for row in rows] == [[*r, "excise"] for r in RECORDS]
    for row, record in zip(rows, RECORDS):
        assert row["excise"] == expected_excise(record["text"])
        assert {k: v for k, v in row.items() if k not in ("text", "excise")} == \
            {k: v for k, v in record.items() if k != "text"}
    assert rows[0]["text"] == "Good words. now. More good words."
    first = rows[0]["excise"]["spans"][0]
    assert RECORDS[0]["text"][first["start"]:first["end"]] == "SPAMPILLS"  # offsets into the ORIGINAL
    assert first == {"start": 12, "end": 21, "label": "pharma", "score": 0.9, "reasons": ["test:marker"]}
    assert rows[0]["excise"]["removed_chars"] == 9 and rows[0]["excise"]["model"] == "fake-1"
    assert files_in(tmp_path) == ["in.jsonl", "out.jsonl"]


def _write_input(tmp_path: Path, kind: str) -> list[str]:
    """The RECORDS as input of the given kind; returns the arguments."""
    data = jsonl(RECORDS)
    if kind == ".jsonl.gz":
        data = gzip.compress(data)
    elif kind == ".jsonl.zst":
        data = zstandard.ZstdCompressor().compress(data)
    if kind == "dir":
        for record in RECORDS:
            (tmp_path / "docs").mkdir(exist_ok=True)
            (tmp_path / "docs" / f"{record['id']}.txt").write_text(record["text"])
        return [str(tmp_path / "docs")]
    if kind == ".txt":
        for record in RECORDS:
            (tmp_path / f"{record['id']}.txt").write_text(record["text"])
        return [str(tmp_path / f"{r['id']}.txt") for r in RECORDS]
    (tmp_path / f"in{kind}").write_bytes(data)
    return [str(tmp_path / f"in{kind}")]


@pytest.mark.parametrize("kind", [".jsonl", ".jsonl.gz", ".jsonl.zst", ".txt", "dir"])
@pytest.mark.parametrize("out_suffix", [".jsonl", ".jsonl.gz", ".jsonl.zst"])
def test_clean_every_input_kind_to_every_jsonl_kind(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                    kind: str, out_suffix: str) -> None:
    inputs = _write_input(tmp_path, kind)
    out = tmp_path / f"out{out_suffix}"
    assert run(["clean", *inputs, "-o", str(out)], capsys) == (0, "", "")
    data = out.read_bytes()
    if out_suffix == ".jsonl.gz":
        data = gzip.decompress(data)
    elif out_suffix == ".jsonl.zst":
        data = zstandard.ZstdDecompressor().decompressobj().decompress(data)
    rows = read_jsonl(data)
    assert [row["text"] for row in rows] == [FakeExcisor().scan(r["text"]).apply(r["text"]) for r in RECORDS]
    assert [row["excise"] for row in rows] == [expected_excise(r["text"]) for r in RECORDS]
    if kind in (".txt", "dir"):
        assert [os.path.basename(row["id"]) for row in rows] == ["a.txt", "b.txt", "c.txt"]
        assert all(set(row) == {"id", "text", "excise"} for row in rows)


def test_clean_stdin_jsonl_to_stdout(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    set_stdin(monkeypatch, b"\n" + jsonl(RECORDS))
    status, out, err = run(["clean"], capsys)
    assert (status, err) == (0, "")
    assert [row["id"] for row in read_jsonl(out)] == ["a", "b", "c"]


def test_clean_stdin_text_to_stdout(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    set_stdin(monkeypatch, b"Keep this. SPAMMY junk. And this.\n")
    assert run(["clean", "-"], capsys) == (0, "Keep this. junk. And this.\n", "")


def test_clean_one_txt_to_txt_keeps_bytes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = tmp_path / "page.txt"
    src.write_bytes(b"Caf\xc3\xa9 text.\r\nA SPAM line.\r\nEnd.")
    out = tmp_path / "page.clean.txt"
    assert run(["clean", str(src), "-o", str(out)], capsys) == (0, "", "")
    assert out.read_bytes() == b"Caf\xc3\xa9 text.\r\nA line.\r\nEnd."


def test_clean_directory_of_txt_mirrors_the_tree(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "in" / "sub").mkdir(parents=True)
    (tmp_path / "in" / "a.txt").write_text("A SPAM a")
    (tmp_path / "in" / "sub" / "b.txt").write_text("B b")
    (tmp_path / "in" / "notes.md").write_text("ignored")
    out = tmp_path / "out"
    assert run(["clean", str(tmp_path / "in"), "-o", str(out)], capsys) == (0, "", "")
    assert files_in(out) == ["a.txt", os.path.join("sub", "b.txt")]
    assert (out / "a.txt").read_text() == "A a"
    assert (out / "sub" / "b.txt").read_text() == "B b"


def test_clean_one_txt_into_an_existing_directory(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "page.txt").write_text("x SPAM y")
    (tmp_path / "out").mkdir()
    assert run(["clean", str(tmp_path / "page.txt"), "-o", str(tmp_path / "out")], capsys)[0] == 0
    assert (tmp_path / "out" / "page.txt").read_text() == "x y"


def test_clean_several_txt_to_stdout_is_jsonl(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    args = _write_input(tmp_path, ".txt")
    status, out, _ = run(["clean", *args], capsys)
    assert status == 0
    assert [row["id"] for row in read_jsonl(out)] == args


def test_clean_text_field_option(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = tmp_path / "in.jsonl"
    src.write_bytes(jsonl([{"body": "x SPAM y", "text": "untouched SPAM"}]))
    status, out, _ = run(["clean", str(src), "--text-field", "body"], capsys)
    assert status == 0
    assert read_jsonl(out)[0] == {"body": "x y", "text": "untouched SPAM", "excise": expected_excise("x SPAM y")}


@pytest.mark.parametrize("text", ["", " ", "\n\n\t  \n"])
def test_clean_blank_documents_pass_through(tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str) -> None:
    src = tmp_path / "in.jsonl"
    src.write_bytes(jsonl([{"text": text}]))
    status, out, _ = run(["clean", str(src)], capsys)
    assert status == 0
    [row] = read_jsonl(out)
    assert row["text"] == text and row["excise"]["spans"] == []


def test_clean_threshold_reaches_the_engine(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = tmp_path / "a.txt"
    src.write_text("x")
    assert run(["clean", str(src), "--threshold", "0.8", "--model", "m.npz"], capsys)[0] == 0
    assert FakeExcisor.last is not None
    assert FakeExcisor.last.config == Config(threshold=0.8) and FakeExcisor.last.model == "m.npz"


@pytest.mark.parametrize("value", ["0", "1.5", "-1"])
def test_clean_bad_threshold_is_one_line_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str], value: str) -> None:
    out = tmp_path / "out.jsonl"
    status, stdout, stderr = run(["clean", "-", "--threshold", value, "-o", str(out)], capsys)
    assert status == 2 and stdout == ""
    assert stderr.startswith("excise: error: threshold must be between 0 and 1") and stderr.count("\n") == 1
    assert not out.exists()


# --------------------------------------------------------------------------- clean: bad records

GOOD_A = b'{"id": "a", "text": "first SPAM"}\n'
GOOD_B = b'{"id": "b", "text": "last"}\n'

BAD_LINES = {
    "malformed": (b'{"id": "x", "text": \n', "malformed JSON"),
    "not-object": (b"[1, 2, 3]\n", "expected a JSON object, got an array"),
    "no-text": (b'{"id": "x", "body": "y"}\n', "no 'text' field"),
    "non-string": (b'{"id": "x", "text": ["y"]}\n', "field 'text' is an array"),
    "bad-utf8": (b'{"id": "x", "text": "\xff"}\n', "invalid UTF-8"),
    "engine-reject": (b'{"id": "x", "text": "REJECT me"}\n', "document rejected by the engine"),
}


def input_with_bad_line(tmp_path: Path, case: str) -> tuple[Path, str]:
    """A JSONL file whose second line is the bad line of ``case``, and the message it must produce."""
    bad, message = BAD_LINES[case]
    src = tmp_path / "in.jsonl"
    src.write_bytes(GOOD_A + bad + GOOD_B)
    return src, message


@pytest.mark.parametrize("jobs", ["1", "2"])
@pytest.mark.parametrize("case", list(BAD_LINES))
def test_on_error_fail_stops_with_no_output(tmp_path: Path, capsys: pytest.CaptureFixture[str], case: str,
                                            jobs: str) -> None:
    src, message = input_with_bad_line(tmp_path, case)
    out = tmp_path / "out.jsonl"
    status, stdout, stderr = run(["clean", str(src), "-o", str(out), "-j", jobs,
                                  "--errors", str(tmp_path / "e.jsonl")], capsys)
    assert status == 1 and stdout == ""
    assert stderr.startswith(f"excise: error: {src}:2: ") and message in stderr
    assert stderr.count("\n") == 1
    assert files_in(tmp_path) == ["in.jsonl"]  # no output, no temporary file, no half-written error log


@pytest.mark.parametrize("case", list(BAD_LINES))
def test_on_error_skip_leaves_the_record_out(tmp_path: Path, capsys: pytest.CaptureFixture[str], case: str) -> None:
    src, message = input_with_bad_line(tmp_path, case)
    out, errors = tmp_path / "out.jsonl", tmp_path / "errors.jsonl"
    status, stdout, stderr = run(["clean", str(src), "-o", str(out), "--on-error", "skip",
                                  "--errors", str(errors)], capsys)
    assert status == 0 and stdout == ""
    assert [row["id"] for row in read_jsonl(out.read_text())] == ["a", "b"]
    warning, summary = stderr.splitlines()
    assert warning.startswith(f"excise: warning: {src}:2: ") and warning.endswith(" (skipped)")
    assert message in warning and summary == "excise: 1 bad record skipped"
    [logged] = read_jsonl(errors.read_text())
    assert logged["source"] == str(src) and logged["line"] == 2 and message in logged["error"]


@pytest.mark.parametrize("case", list(BAD_LINES))
def test_on_error_keep_passes_the_record_through(tmp_path: Path, capsys: pytest.CaptureFixture[str], case: str) -> None:
    src, message = input_with_bad_line(tmp_path, case)
    out = tmp_path / "out.jsonl"
    status, _, stderr = run(["clean", str(src), "-o", str(out), "--on-error", "keep"], capsys)
    assert status == 0
    assert stderr.endswith("excise: 1 bad record kept unchanged\n") and "(kept unchanged)" in stderr
    rows = read_jsonl(out.read_text())
    assert len(rows) == 3 and rows[0]["id"] == "a" and rows[2]["id"] == "b"
    kept = rows[1]
    info = kept["excise"]
    assert message in info["error"] and info["source"] == str(src) and info["line"] == 2
    original = BAD_LINES[case][0].rstrip(b"\n")
    try:
        parsed = json.loads(original)
    except ValueError:
        parsed = None
    if isinstance(parsed, dict):  # the record's own fields pass through untouched
        assert {k: v for k, v in kept.items() if k != "excise"} == parsed
        assert "raw" not in info
    else:  # not a JSON object: the raw line travels in the excise object
        assert set(kept) == {"excise"}
        assert info["raw"] == original.decode("utf-8", "replace")


@pytest.mark.parametrize("mode", ["skip", "keep"])
def test_worker_processes_parse_and_write_jsonl_lines_as_one_process_does(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, mode: str) -> None:
    # with -j 2 the workers take whole JSONL lines (excise.lines); every kind of bad line, blank lines, a
    # byte-order mark and a gzip file cut short must come out as they do when one process reads them
    lines = [GOOD_A, b"\n", b"   \n"]
    for bad, _ in BAD_LINES.values():
        lines += [bad, b'{"id": "c", "text": "SPAM and ham", "n": [1, {"x": null}]}\n']
    body = b"".join(lines * 40)
    src = tmp_path / "in"
    src.mkdir()
    (src / "a.jsonl").write_bytes(b"\xef\xbb\xbf" + body + GOOD_B.rstrip(b"\n"))
    whole = gzip.compress(body)
    (src / "b.jsonl.gz").write_bytes(whole[: len(whole) - 30])
    scratch = tmp_path / "scratch"  # where the workers write their batches' output lines
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    outputs = []
    for jobs in ("1", "2"):
        out, errors, stats = (tmp_path / f"{name}-{jobs}.jsonl" for name in ("out", "errors", "stats"))
        status, _, stderr = run(["clean", str(src), "-j", jobs, "-o", str(out), "--on-error", mode,
                                 "--errors", str(errors), "--stats", str(stats)], capsys)
        assert status == 0
        counts = {k: v for k, v in json.loads(stats.read_text()).items()
                  if k not in ("jobs", "output", "seconds", "mb_per_s", "docs_per_s")}
        outputs.append((out.read_bytes(), errors.read_bytes(), counts, stderr))
    assert outputs[0] == outputs[1]
    assert not list(scratch.iterdir())  # the workers' files are gone
    out, errors, counts, stderr = outputs[0]
    bad = read_jsonl(errors)
    assert counts["bad_records"] == len(bad) and 40 * len(BAD_LINES) < len(bad) <= 2 * 40 * len(BAD_LINES) + 1
    assert [row["line"] for row in bad[:len(BAD_LINES)]] == [4 + 2 * k for k in range(len(BAD_LINES))]
    assert "gzip stream is truncated" in bad[-1]["error"]
    assert counts["documents"] + counts["bad_records"] == len(read_jsonl(out)) + (mode == "skip") * len(bad)


def many_records(n: int, rejected: set[int], malformed: set[int]) -> bytes:
    """``n`` JSONL lines: line ``i`` (1-based) is rejected by the engine, malformed JSON, or a good record."""
    lines = []
    for i in range(1, n + 1):
        if i in malformed:
            lines.append(b'{"id": "%d", "text": ' % i)
        else:
            text = "REJECT me" if i in rejected else f"Record {i} says SPAM{i} once."
            lines.append(json.dumps({"id": str(i), "text": text}).encode())
    return b"\n".join(lines) + b"\n"


@pytest.mark.parametrize("mode", ["skip", "keep"])
def test_records_are_scanned_in_bounded_batches_in_order(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                         monkeypatch: pytest.MonkeyPatch, mode: str) -> None:
    monkeypatch.setattr(cli, "BATCH_RECORDS", 16)
    rejected, malformed = {5, 17, 18, 40, 100}, {3, 17 + 16, 99}
    src = tmp_path / "in.jsonl"
    src.write_bytes(many_records(100, rejected, malformed))
    out = tmp_path / "out.jsonl"
    status, _, stderr = run(["clean", str(src), "-o", str(out), "--on-error", mode], capsys)
    assert status == 0
    assert FakeExcisor.last is not None and max(FakeExcisor.last.batches) <= 16
    assert sum(FakeExcisor.last.batches) >= 100 - len(malformed)  # every good record was scanned
    bad = rejected | malformed
    warned = [int(m) for m in re.findall(rf"{re.escape(str(src))}:(\d+): ", stderr)]
    assert warned == sorted(bad)  # each bad record named by its own line, in order
    assert stderr.count("document rejected by the engine") == len(rejected)
    rows = read_jsonl(out.read_text())
    good = [i for i in range(1, 101) if i not in bad]
    if mode == "skip":
        assert [row["id"] for row in rows] == [str(i) for i in good]
    else:
        assert len(rows) == 100
        assert [row["excise"].get("line") for row in rows if "error" in row["excise"]] == sorted(bad)
        rows = [row for row in rows if "error" not in row["excise"]]
    for i, row in zip(good, rows):  # the rest of each rejected batch still goes out, cleaned
        text = f"Record {i} says SPAM{i} once."
        assert row["id"] == str(i) and row["excise"] == expected_excise(text) and row["text"] == f"Record {i} says once."


def test_a_batch_holds_a_bounded_amount_of_text(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cli, "BATCH_CHARS", 1000)
    src = tmp_path / "in.jsonl"
    src.write_bytes(jsonl([{"id": str(i), "text": "word " * 120} for i in range(10)]))  # 600 characters each
    assert run(["clean", str(src), "-o", str(tmp_path / "out.jsonl")], capsys) == (0, "", "")
    assert FakeExcisor.last is not None and FakeExcisor.last.batches == [2, 2, 2, 2, 2]


@pytest.mark.parametrize("mode", ["fail", "skip", "keep"])
def test_missing_input_with_each_mode(tmp_path: Path, capsys: pytest.CaptureFixture[str], mode: str) -> None:
    good = tmp_path / "good.jsonl"
    good.write_bytes(GOOD_B)
    out = tmp_path / "out.jsonl"
    missing = str(tmp_path / "missing.jsonl")
    status, _, stderr = run(["clean", missing, str(good), "-o", str(out), "--on-error", mode], capsys)
    assert f"{missing}: no such file or directory" in stderr
    if mode == "fail":
        assert status == 1 and not out.exists()
    else:
        assert status == 0
        rows = read_jsonl(out.read_text())
        expected = [{"excise": {"error": "no such file or directory", "source": missing, "line": None}}] \
            if mode == "keep" else []
        assert rows[:-1] == expected and rows[-1]["id"] == "b"


@pytest.mark.parametrize("mode", ["fail", "skip", "keep"])
def test_truncated_gzip_with_each_mode(tmp_path: Path, capsys: pytest.CaptureFixture[str], mode: str) -> None:
    data = gzip.compress(jsonl([{"id": str(i), "text": f"doc {i}"} for i in range(2000)]), mtime=0)
    src = tmp_path / "cut.jsonl.gz"
    src.write_bytes(data[: len(data) // 2])
    out = tmp_path / "out.jsonl"
    status, _, stderr = run(["clean", str(src), "-o", str(out), "--on-error", mode], capsys)
    assert "gzip stream is truncated" in stderr
    if mode == "fail":
        assert status == 1 and files_in(tmp_path) == ["cut.jsonl.gz"]
        return
    rows = read_jsonl(out.read_text())
    good = [row for row in rows if "error" not in row["excise"]]
    assert [row["id"] for row in good] == [str(i) for i in range(len(good))] and good
    assert len(rows) == len(good) + (mode == "keep")


@pytest.mark.parametrize("mode", ["fail", "skip", "keep"])
def test_invalid_utf8_txt_with_each_mode(tmp_path: Path, capsys: pytest.CaptureFixture[str], mode: str) -> None:
    src = tmp_path / "bad.txt"
    src.write_bytes(b"ok\nbad \xff byte SPAM\n")
    out = tmp_path / "out.txt"
    status, _, stderr = run(["clean", str(src), "-o", str(out), "--on-error", mode], capsys)
    assert f"{src}:2: invalid UTF-8" in stderr
    if mode == "fail":
        assert status == 1
    assert status == (1 if mode == "fail" else 0)
    if mode == "keep":
        assert out.read_bytes() == b"ok\nbad \xff byte SPAM\n"  # unchanged, byte for byte
    else:
        assert not out.exists()


def test_keep_in_a_mirrored_tree_copies_the_raw_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "bad.txt").write_bytes(b"\xff SPAM")
    (tmp_path / "in" / "good.txt").write_bytes(b"good SPAM")
    out = tmp_path / "out"
    assert run(["clean", str(tmp_path / "in"), "-o", str(out), "--on-error", "keep"], capsys)[0] == 0
    assert (out / "bad.txt").read_bytes() == b"\xff SPAM"
    assert (out / "good.txt").read_bytes() == b"good"


def test_failure_in_a_mirrored_tree_writes_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_bytes(b"good")
    (tmp_path / "in" / "b.txt").write_bytes(b"\xff")
    assert run(["clean", str(tmp_path / "in"), "-o", str(tmp_path / "out")], capsys)[0] == 1
    assert os.listdir(tmp_path) == ["in"]


def test_every_input_record_is_accounted_for(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    lines = [GOOD_A, *(bad for bad, _ in BAD_LINES.values()), GOOD_B]
    src = tmp_path / "in.jsonl"
    src.write_bytes(b"".join(lines))
    out, errors = tmp_path / "out.jsonl", tmp_path / "errors.jsonl"
    run(["clean", str(src), "-o", str(out), "--on-error", "skip", "--errors", str(errors)], capsys)
    written, logged = read_jsonl(out.read_text()), read_jsonl(errors.read_text())
    assert len(written) + len(logged) == len(lines)
    assert [e["line"] for e in logged] == list(range(2, 2 + len(BAD_LINES)))


# --------------------------------------------------------------------------- clean: failures


def test_model_error_is_one_line_exit_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    FakeExcisor.fail_with = ModelError("model file not found: x.npz")
    src = tmp_path / "in.jsonl"
    src.write_bytes(GOOD_A)
    out = tmp_path / "out.jsonl"
    assert run(["clean", str(src), "-o", str(out)], capsys) == (1, "", "excise: error: model file not found: x.npz\n")
    assert files_in(tmp_path) == ["in.jsonl"]


def test_interrupt_exits_130_with_no_output(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    FakeExcisor.fail_with = KeyboardInterrupt()
    src = tmp_path / "in.jsonl"
    src.write_bytes(GOOD_A)
    status, _, stderr = run(["clean", str(src), "-o", str(tmp_path / "out.jsonl")], capsys)
    assert (status, stderr) == (130, "excise: error: interrupted\n")
    assert files_in(tmp_path) == ["in.jsonl"]


def test_stdin_cannot_join_a_mirrored_tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    set_stdin(monkeypatch, b"plain")
    (tmp_path / "a.txt").write_text("a")
    status, _, stderr = run(["clean", "-", str(tmp_path / "a.txt"), "-o", str(tmp_path / "out")], capsys)
    assert status == 2 and "stdin cannot be mirrored" in stderr


# --------------------------------------------------------------------------- scan


def test_scan_marks_cuts_with_brackets(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = tmp_path / "in.jsonl"
    src.write_bytes(jsonl(RECORDS))
    status, out, err = run(["scan", str(src)], capsys)
    assert (status, err) == (0, "")
    assert "Good words. [[-SPAMPILLS-]] now. More good words." in out
    assert "  [12:21] pharma 0.90  test:marker" in out
    assert f"== {src}:1 (id a)" in out
    assert "\x1b[" not in out
    assert out.splitlines()[-1] == "3 documents, 2 with cuts, 2 spans, 13 characters cut, 0 bad records"


def test_scan_colour_always(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = tmp_path / "a.txt"
    src.write_text("x SPAM y")
    out = run(["scan", str(src), "--color", "always"], capsys)[1]
    assert "x \x1b[1;31mSPAM\x1b[0m y" in out


def test_scan_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = tmp_path / "in.jsonl"
    src.write_bytes(jsonl(RECORDS))
    status, out, _ = run(["scan", str(src), "--json"], capsys)
    rows = read_jsonl(out)
    assert status == 0
    assert [(r["id"], r["source"], r["line"]) for r in rows] == [("a", str(src), 1), ("b", str(src), 2),
                                                                 ("c", str(src), 3)]
    assert rows[0]["spans"] == expected_excise(RECORDS[0]["text"])["spans"]
    assert rows[0]["score"] == 0.9


def test_scan_reports_bad_records_and_exits_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = tmp_path / "in.jsonl"
    src.write_bytes(GOOD_A + b"nope\n" + GOOD_B)
    status, out, err = run(["scan", str(src), "--json"], capsys)
    assert status == 1
    assert err == f"excise: warning: {src}:2: malformed JSON: Expecting value: line 1 column 1 (char 0)\n"
    rows = read_jsonl(out)
    assert len(rows) == 3 and rows[1]["line"] == 2 and "malformed JSON" in rows[1]["error"]


def test_highlight_is_robust_to_odd_spans() -> None:
    assert cli.highlight("abcdef", [(4, 6), (0, 2), (1, 3), (5, 5)]) == "[[-ab-]][[-c-]]d[[-ef-]]"


# --------------------------------------------------------------------------- eval

GOLD = [
    {"id": "1", "src": "x", "text": "fine SPAM text", "spans": [[5, 9]]},
    {"id": "2", "src": "x", "text": "SPAMMY and also spam", "spans": [[0, 20]]},
    {"id": "3", "src": "y", "text": "clean but SPAM-looking", "spans": []},
]


def test_eval_table(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    gold = tmp_path / "gold.jsonl"
    gold.write_bytes(jsonl(GOLD))
    status, out, err = run(["eval", str(gold), "--by", "src"], capsys)
    assert (status, err) == (0, "")
    rows = {line.split()[0]: line.split() for line in out.splitlines()[2:]}
    assert list(rows) == ["x", "y", "all"]
    # tp = 4 + 6, fp = 4 ("SPAM" in the clean doc), fn = 11 ("andalsospam")
    assert rows["all"][1:6] == ["3", "2", f"{10 / 14:.3f}", f"{10 / 21:.3f}", f"{20 / 35:.3f}"]
    assert rows["y"][-2:] == ["1/1", "(100.0%)"]


def test_eval_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    gold = tmp_path / "gold.jsonl"
    gold.write_bytes(jsonl(GOLD))
    status, out, _ = run(["eval", str(gold), "--json"], capsys)
    report = json.loads(out)
    assert status == 0
    assert report["overall"]["tp"] == 10 and report["overall"]["clean_touched"] == 1
    assert "groups" not in report


@pytest.mark.parametrize(
    ("line", "message"),
    [(b"nope", "malformed JSON"), (b'{"text": "ab", "spans": [[0, 5]]}', "out of bounds"),
     (b'{"text": "ab"}', "no 'spans' field")],
)
def test_eval_bad_gold_names_file_and_line(tmp_path: Path, capsys: pytest.CaptureFixture[str], line: bytes,
                                           message: str) -> None:
    gold = tmp_path / "gold.jsonl"
    gold.write_bytes(jsonl(GOLD[:1]) + line + b"\n")
    status, _, err = run(["eval", str(gold)], capsys)
    assert status == 1 and err.startswith(f"excise: error: {gold}:2: ") and message in err


def test_eval_real_dev_gold_runs(capsys: pytest.CaptureFixture[str]) -> None:
    gold = Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "real-dev" / "seed_gold.jsonl"
    if not gold.exists():
        pytest.skip("shared data not present")
    status, out, _ = run(["eval", str(gold), "--json"], capsys)
    assert status == 0 and json.loads(out)["overall"]["docs"] == 1


# --------------------------------------------------------------------------- train


def test_train_dispatches_to_the_training_module(monkeypatch: pytest.MonkeyPatch,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    seen: list[argparse.Namespace] = []
    module = types.ModuleType("excise.training.train")
    module.main = lambda args: seen.append(args) or 0  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "excise.training.train", module)
    argv = ["train", "--data", "d", "--out", "m.npz", "--seed", "3", "--tiny", "--exclude-family", "pharma",
            "--exclude-family", "loans", "--docs", "500", "--chrome-share", "0.3"]
    assert run(argv, capsys)[0] == 0
    assert vars(seen[0]) == {"data": "d", "out": "m.npz", "seed": 3, "tiny": True,
                             "exclude_family": ["pharma", "loans"], "docs": 500, "chrome_share": 0.3}
    code, _, err = run(["train", "--chrome-share", "2"], capsys)
    assert code == 2 and "expected a number from 0 to 1" in err and len(seen) == 1


def test_train_without_the_training_module(monkeypatch: pytest.MonkeyPatch,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setitem(sys.modules, "excise.training.train", None)
    status, _, err = run(["train", "--tiny"], capsys)
    assert status == 1 and err == "excise: error: training is not available in this installation " \
                                  "(no excise.training.train)\n"


def test_train_without_the_train_extra(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    def missing(name: str) -> None:
        raise ModuleNotFoundError("No module named 'sklearn'", name="sklearn")

    monkeypatch.setattr(cli.importlib, "import_module", missing)
    status, _, err = run(["train"], capsys)
    assert status == 1 and "pip install 'excise[train]'" in err and err.count("\n") == 1


# --------------------------------------------------------------------------- the command itself


def _subparsers(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    return {}


def test_every_command_and_option_has_help() -> None:
    parser = cli.build_parser()
    commands = _subparsers(parser)
    assert set(commands) == {"clean", "scan", "eval", "train", "memory"}
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            assert all(choice.help for choice in action._choices_actions)
    for name, sub in [("excise", parser), *commands.items()]:
        for action in sub._actions:
            assert action.help and action.help.strip(), f"{name}: {action.option_strings or action.dest} has no help"


def test_top_level_help_has_examples(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(["--help"], capsys)
    assert status == 0 and "examples:" in out and "excise clean" in out


@pytest.mark.parametrize("command", ["clean", "scan", "eval", "train"])
def test_command_help(capsys: pytest.CaptureFixture[str], command: str) -> None:
    status, out, _ = run([command, "--help"], capsys)
    assert status == 0 and out.startswith(f"usage: excise {command}")


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["--version"], capsys) == (0, f"excise {__version__}\n", "")


@pytest.mark.parametrize("argv", [[], ["nope"], ["clean", "--on-error", "maybe"], ["scan", "--threshold", "x"]])
def test_usage_errors_exit_2(capsys: pytest.CaptureFixture[str], argv: list[str]) -> None:
    status, _, err = run(argv, capsys)
    assert status == 2 and "usage: excise" in err


def test_verbose_logs_a_summary(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = tmp_path / "in.jsonl"
    src.write_bytes(GOOD_A)
    status, _, err = run(["clean", str(src), "-o", str(tmp_path / "o.jsonl"), "-v"], capsys)
    assert status == 0 and err == "excise: INFO: wrote 1 documents, 4 characters cut, 0 bad records\n"


def test_console_script(tmp_path: Path) -> None:
    script = Path(sys.executable).with_name("excise")
    if not script.exists():
        pytest.skip("console script not installed")
    version = subprocess.run([str(script), "--version"], capture_output=True, text=True, check=False)
    assert (version.returncode, version.stdout) == (0, f"excise {__version__}\n")
    bad = subprocess.run([str(script), "clean", "--threshold", "2"], capture_output=True, text=True,
                         input="", check=False)
    assert bad.returncode == 2 and bad.stderr.startswith("excise: error: threshold")
