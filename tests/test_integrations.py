"""excise inside datatrove and Ray Data: the same spans and text as ``excise clean`` on the same records.

The datatrove test runs a real ``LocalPipelineExecutor`` with datatrove's own JSONL
reader and writers; the Ray test starts a local Ray cluster (two CPUs). Each is
skipped when its tool is not installed.
"""

from __future__ import annotations

import gzip
import json
import warnings
from pathlib import Path
from typing import Any

import pytest

from excise.cli import main

from test_batch import CLEAN, DOCS, SPAM

HACKED = Path(__file__).resolve().parents[1] / "examples" / "hacked-article.txt"


def records() -> list[dict[str, Any]]:
    """Documents with and without spam, a blank one, and a page that is spam from end to end."""
    texts = [d for d in DOCS if d.strip()] + [HACKED.read_text(encoding="utf-8")]
    texts.append(" ")
    texts.append(f"{SPAM}\n\n{SPAM} Cheap cialis, levitra and viagra pills online at http://rx.example.ru/ now.")
    return [{"id": f"doc-{i}", "text": text, "lang": "en"} for i, text in enumerate(texts)]


def cleaned_by_cli(tmp_path: Path, rows: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    source = tmp_path / "cli-in.jsonl"
    source.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    assert main(["clean", str(source), "-o", str(tmp_path / "cli-out.jsonl")]) == 0
    out = [json.loads(line) for line in (tmp_path / "cli-out.jsonl").read_text(encoding="utf-8").splitlines()]
    return {r["id"]: r for r in out}


# --------------------------------------------------------------------------- datatrove


def test_datatrove_step_cleans_like_the_cli_and_drops_spam_pages(tmp_path: Path) -> None:
    pytest.importorskip("datatrove", reason="datatrove is not installed (pip install 'excise[datatrove]')")
    from datatrove.executor import LocalPipelineExecutor
    from datatrove.pipeline.readers import JsonlReader
    from datatrove.pipeline.writers import JsonlWriter

    from excise.integrations.datatrove import ExciseFilter

    rows = records()
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "part.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    LocalPipelineExecutor(pipeline=[
        JsonlReader(str(tmp_path / "in")),
        ExciseFilter(drop_share=0.8, drop_page_score=0.9, exclusion_writer=JsonlWriter(str(tmp_path / "dropped"))),
        JsonlWriter(str(tmp_path / "out")),
    ], tasks=1, logging_dir=str(tmp_path / "logs")).run()

    def read(folder: str) -> dict[str, dict[str, Any]]:
        lines = gzip.decompress((tmp_path / folder / "00000.jsonl.gz").read_bytes()).decode().splitlines()
        return {d["id"]: d for d in map(json.loads, lines)}

    kept, dropped = read("out"), read("dropped")
    expected = cleaned_by_cli(tmp_path, rows)
    assert set(kept) | set(dropped) == set(expected) and not set(kept) & set(dropped)
    assert f"doc-{len(rows) - 1}" in dropped  # the spam page
    clean = [r["id"] for r in rows if r["text"] in (CLEAN, HACKED.read_text(encoding="utf-8"))]
    assert len(clean) == 2 and not set(clean) & set(dropped)
    assert kept[clean[1]]["metadata"]["excise"]["spans"]  # the hacked article is kept, its spam cut
    for doc_id, doc in kept.items():
        assert doc["text"] == expected[doc_id]["text"], doc_id
        assert doc["metadata"]["excise"] == expected[doc_id]["excise"], doc_id
        assert doc["metadata"]["lang"] == "en"
    for doc_id, doc in dropped.items():
        original = next(r["text"] for r in rows if r["id"] == doc_id)
        assert doc["text"] == original  # dropped whole, as it was
        excise = expected[doc_id]["excise"]
        share = excise["removed_chars"] / len(original)
        reason = "excise_spam_share" if share > 0.8 else "excise_page_score"
        assert doc["metadata"]["filter_reason"] == reason
        assert reason == "excise_spam_share" or excise["page_score"] > 0.9
        assert doc["metadata"]["excise"]["spans"] == excise["spans"]
    stats = json.loads((tmp_path / "logs" / "stats.json").read_text())
    step = next(s for s in stats if "excise" in s["name"])["stats"]

    def total(stat: Any) -> int:
        return stat["total"] if isinstance(stat, dict) else stat

    changed = sum(1 for d in kept.values() if d["metadata"]["excise"]["spans"])
    assert total(step["documents_changed"]) == changed >= 2
    assert total(step["dropped"]) == len(dropped)
    assert total(step["chars_removed"]) == sum(d["metadata"]["excise"]["removed_chars"] for d in kept.values())


# --------------------------------------------------------------------------- Ray


def test_excise_batch_takes_arrow_pandas_and_numpy_batches() -> None:
    pa = pytest.importorskip("pyarrow")
    pytest.importorskip("pandas")
    import numpy as np

    from excise import Excisor
    from excise.integrations.ray import ExciseBatch

    texts = [CLEAN, f"{CLEAN}\n\n{SPAM}", None]
    batch = ExciseBatch()
    expected = [Excisor().scan(t) for t in texts[:2]]
    table = batch(pa.table({"text": texts, "n": [1, 2, 3]}))
    assert table.column_names == ["text", "n", "excise"]
    rows = table.to_pylist()
    assert [r["text"] for r in rows[:2]] == [r.apply(t) for r, t in zip(expected, texts)]
    assert rows[1]["excise"]["spans"] == expected[1].to_dict()["spans"]
    assert rows[2]["text"] is None and rows[2]["excise"]["error"] == "field 'text' is null, not a string"
    frame = batch(pa.table({"text": texts[:2]}).to_pandas())
    assert list(frame["text"]) == [r["text"] for r in rows[:2]]
    arrays = batch({"text": np.array(texts[:2], dtype=object)})
    assert arrays["excise"][1]["spans"] == expected[1].to_dict()["spans"]


@pytest.fixture(scope="module")
def ray_cluster() -> Any:
    ray = pytest.importorskip("ray", reason="Ray is not installed (pip install 'excise[ray]')")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # Ray's own, about its own settings
        pytest.importorskip("ray.data")
        ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False, configure_logging=False)
    yield ray
    ray.shutdown()


@pytest.mark.filterwarnings("ignore::DeprecationWarning")  # Ray's own, about its own settings
@pytest.mark.parametrize("fmt", ["jsonl", "parquet"])
def test_ray_engine_writes_what_the_cli_writes(ray_cluster: Any, tmp_path: Path, fmt: str) -> None:
    pa = pytest.importorskip("pyarrow")
    import pyarrow.parquet as pq

    rows = records() * 3
    rows = [dict(r, id=f"{r['id']}-{i}") for i, r in enumerate(rows)]
    (tmp_path / "in").mkdir()
    if fmt == "jsonl":
        for k in range(2):  # two shards
            part = rows[k::2]
            (tmp_path / "in" / f"part-{k}.jsonl").write_text("".join(json.dumps(r) + "\n" for r in part))
        rows = rows[0::2] + rows[1::2]
    else:
        pq.write_table(pa.Table.from_pylist(rows), tmp_path / "in" / "part.parquet", row_group_size=7)
    out = tmp_path / "out"
    assert main(["clean", str(tmp_path / "in"), "-o", str(out), "--engine", "ray", "-j", "2", "--quiet"]) == 0
    if fmt == "jsonl":
        written = [json.loads(line) for p in sorted(out.iterdir()) for line in p.read_text().splitlines()]
    else:
        written = [row for p in sorted(out.iterdir()) for row in pq.read_table(p).to_pylist()]
    assert [w["id"] for w in written] == [r["id"] for r in rows]  # every record, in input order
    expected = cleaned_by_cli(tmp_path, rows)
    for w in written:
        e = expected[w["id"]]
        assert w["text"] == e["text"], w["id"]
        assert w["excise"]["spans"] == e["excise"]["spans"], w["id"]
        assert w["excise"]["score"] == e["excise"]["score"] and w["excise"]["model"] == e["excise"]["model"]
        assert w["lang"] == "en"


def test_ray_engine_refuses_an_existing_output(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("ray")
    (tmp_path / "in.jsonl").write_text(json.dumps({"text": "x"}) + "\n")
    (tmp_path / "out").mkdir()
    assert main(["clean", str(tmp_path / "in.jsonl"), "-o", str(tmp_path / "out"), "--engine", "ray"]) == 2
    assert "exists" in capsys.readouterr().err


def test_ray_engine_refuses_two_inputs_for_one_shard(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("ray")
    for d in ("a", "b"):
        (tmp_path / d).mkdir()
        (tmp_path / d / "x.jsonl").write_text(json.dumps({"text": "x"}) + "\n")
    status = main(["clean", str(tmp_path / "a"), str(tmp_path / "b"), "-o", str(tmp_path / "out"), "--engine", "ray"])
    assert status == 2
    assert "would both be written to" in capsys.readouterr().err
