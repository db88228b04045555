"""Worker processes (``excise.parallel``, ``-j N``): the same results as one process, in input order, and no
document lost when a worker dies."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from excise import Excisor
from excise.cli import main
from excise.errors import InputError
from excise.parallel import MAX_TRIES, WorkerError, scan_ordered, scan_texts

from test_batch import DOCS


def batches_of(texts: list[str], size: int) -> list[list[str]]:
    return [texts[i : i + size] for i in range(0, len(texts), size)]


def flat(scanned: Any) -> list[Any]:
    return [(r, r.length) if not isinstance(r, str) else r for _, results in scanned for r in results]


def test_workers_give_the_results_of_one_process_in_input_order(excisor: Excisor) -> None:
    texts = DOCS * 6
    batches = batches_of(texts, 5)  # many batches, more than the workers hold at once
    one = flat(scan_ordered(excisor, batches, list, jobs=1))
    two = list(scan_ordered(excisor, batches, list, jobs=2))
    assert [batch for batch, _ in two] == batches
    assert flat(two) == one
    assert sum(bool(r.spans) for r, _ in one) >= 20


class RejectingExcisor(Excisor):
    """An engine that rejects every document holding "REJECT" (as the real one rejects what it cannot read)."""

    def scan_batch(self, texts: Any) -> list[Any]:
        for text in texts:
            if "REJECT" in text:
                raise InputError("cannot scan this")
        return super().scan_batch(texts)


def test_a_rejected_document_gets_its_message_and_the_rest_of_its_batch_is_scanned(excisor: Excisor) -> None:
    engine = RejectingExcisor(excisor.model)
    texts = [DOCS[3], "REJECT me", DOCS[7]]
    for jobs in (1, 2):
        results = flat(scan_ordered(engine, [texts], list, jobs=jobs))
        assert results[1] == "cannot scan this"
        assert results[0] == (excisor.scan(texts[0]), len(texts[0]))
        assert results[2][0].spans  # the spam document is still cut
    assert scan_texts(engine, texts)[1] == "cannot scan this"


class DyingExcisor(Excisor):
    """An engine whose worker process dies on documents holding "DIE": once (a marker file remembers), or always."""

    def __init__(self, model: Any, marker: Path, always: bool) -> None:
        super().__init__(model)
        self.marker = marker
        self.always = always

    def scan_batch(self, texts: Any) -> list[Any]:
        if any("DIE" in text for text in texts) and (self.always or not self.marker.exists()):
            self.marker.touch()
            os._exit(1)  # as a worker killed by the kernel: no exception, no clean-up
        return super().scan_batch(texts)


def test_a_killed_worker_loses_no_document(excisor: Excisor, tmp_path: Path) -> None:
    texts = DOCS * 3
    texts[20] = "DIE " + DOCS[7]
    engine = DyingExcisor(excisor.model, tmp_path / "died", always=False)
    scanned = flat(scan_ordered(engine, batches_of(texts, 4), list, jobs=2))
    assert (tmp_path / "died").exists()  # a worker did die
    assert scanned == [(r, r.length) for r in excisor.scan_batch(texts)]


def test_a_worker_that_always_dies_stops_the_run_naming_the_documents(excisor: Excisor, tmp_path: Path) -> None:
    texts = DOCS * 2
    texts[9] = "DIE now"
    engine = DyingExcisor(excisor.model, tmp_path / "died", always=True)
    batches = batches_of(texts, 4)
    names = {id(batch): f"batch {i}" for i, batch in enumerate(batches)}
    with pytest.raises(WorkerError, match=rf"died {MAX_TRIES} times while scanning batch 2"):
        list(scan_ordered(engine, batches, list, jobs=2, describe=lambda b: names[id(b)]))


def jsonl(path: Path, texts: list[str]) -> Path:
    path.write_text("".join(json.dumps({"id": i, "text": t}) + "\n" for i, t in enumerate(texts)), encoding="utf-8")
    return path


def test_clean_with_two_jobs_writes_the_same_bytes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = jsonl(tmp_path / "in.jsonl", DOCS * 20)
    assert main(["clean", str(source), "-o", str(tmp_path / "one.jsonl")]) == 0
    assert main(["clean", str(source), "-j", "2", "-o", str(tmp_path / "two.jsonl")]) == 0
    one = (tmp_path / "one.jsonl").read_bytes()
    assert one == (tmp_path / "two.jsonl").read_bytes()
    assert one.count(b"\n") == len(DOCS) * 20


def test_scan_with_two_jobs_shows_the_same(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = jsonl(tmp_path / "in.jsonl", DOCS * 3)
    assert main(["scan", "--json", str(source)]) == 0
    one = capsys.readouterr().out
    assert main(["scan", "--json", "-j", "2", str(source)]) == 0
    assert capsys.readouterr().out == one


@pytest.mark.parametrize("value", ["-1", "two", "1.5"])
def test_a_bad_number_of_jobs_is_a_usage_error(value: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["clean", "-j", value, "-"]) == 2
    assert "-j/--jobs" in capsys.readouterr().err


# --------------------------------------------------------------------------- the real command, real signals


def children(pid: int) -> list[int]:
    """The child processes of ``pid`` (Linux)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def big_input(tmp_path: Path, copies: int) -> Path:
    return jsonl(tmp_path / "big.jsonl", [d for d in DOCS if d.strip()] * copies)


def start(argv: list[str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-m", "excise", *argv], stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def wait_for_workers(proc: subprocess.Popen[bytes], count: int) -> list[int]:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        workers = children(proc.pid)
        if len(workers) >= count:
            return workers
        assert proc.poll() is None, proc.stderr.read() if proc.stderr else ""
        time.sleep(0.02)
    raise AssertionError("the workers did not start")


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs Linux's /proc")
def test_ctrl_c_stops_workers_and_leaves_no_output(tmp_path: Path) -> None:
    source = big_input(tmp_path, 3000)
    out = tmp_path / "out.jsonl"
    proc = start(["clean", str(source), "-j", "2", "-o", str(out)])
    workers = wait_for_workers(proc, 2)
    time.sleep(0.5)
    assert proc.poll() is None
    proc.send_signal(signal.SIGINT)
    _, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 130, stderr
    assert b"excise: error: interrupted" in stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["big.jsonl"]  # no output, no temporary file
    time.sleep(0.2)
    assert not [pid for pid in workers if Path(f"/proc/{pid}").exists() and "Z" not in
                (Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0])]


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs Linux's /proc")
def test_a_worker_killed_mid_run_loses_no_record(tmp_path: Path) -> None:
    source = big_input(tmp_path, 3000)
    assert main(["clean", str(source), "-o", str(tmp_path / "one.jsonl")]) == 0
    proc = start(["clean", str(source), "-j", "2", "-o", str(tmp_path / "two.jsonl")])
    victim = wait_for_workers(proc, 2)[0]
    time.sleep(0.3)
    assert proc.poll() is None  # killed mid-run
    os.kill(victim, signal.SIGKILL)
    _, stderr = proc.communicate(timeout=120)
    assert proc.returncode == 0, stderr
    assert (tmp_path / "two.jsonl").read_bytes() == (tmp_path / "one.jsonl").read_bytes()


def test_shards_with_two_jobs_are_the_shards_of_one(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pa = pytest.importorskip("pyarrow")
    import pyarrow.parquet as pq

    (tmp_path / "in" / "sub").mkdir(parents=True)
    jsonl(tmp_path / "in" / "a.jsonl", DOCS * 12)
    jsonl(tmp_path / "in" / "sub" / "b.jsonl", DOCS[::-1] * 9)
    pq.write_table(pa.table({"text": DOCS * 5, "n": list(range(len(DOCS) * 5))}), tmp_path / "in" / "c.parquet")
    for jobs in ("1", "2"):
        assert main(["clean", str(tmp_path / "in"), "-o", f"{tmp_path / ('out' + jobs)}/", "-j", jobs,
                     "--stats", str(tmp_path / f"stats{jobs}.json")]) == 0
    for name in ("a.jsonl", "sub/b.jsonl"):
        assert (tmp_path / "out1" / name).read_bytes() == (tmp_path / "out2" / name).read_bytes()
    assert pq.read_table(tmp_path / "out1" / "c.parquet").equals(pq.read_table(tmp_path / "out2" / "c.parquet"))
    one, two = (json.loads((tmp_path / f"stats{j}.json").read_text()) for j in ("1", "2"))
    assert one["documents"] == two["documents"] == len(DOCS) * 26 and one["files"] == 3
    assert (one["spans"], one["by_label"]) == (two["spans"], two["by_label"]) and one["spans"] > 0
