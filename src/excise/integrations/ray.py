"""``ExciseBatch``: excise as a Ray Data stage.

    import ray
    from excise.integrations.ray import ExciseBatch

    ds = ray.data.read_parquet("s3://bucket/crawl/")
    ds = ds.map_batches(ExciseBatch, fn_constructor_kwargs={"threshold": 0.5},
                        batch_format="pyarrow", concurrency=64)
    ds.write_parquet("s3://bucket/clean/")

An actor loads the model once and cleans batch after batch: the text column is
replaced by the cleaned text and an ``excise`` column is added (a struct in
Arrow, a dict per row in pandas and numpy batches), the same object ``excise
clean`` writes, with spans indexing the text before cleaning. A row whose text
is missing or not a string is passed through unchanged, its ``excise`` holding
the error. Batches come as pyarrow tables, pandas data frames or dicts of numpy
arrays (Ray's ``batch_format``), and go back in the same form.
"""

from __future__ import annotations

from typing import Any

from ..config import Config
from ..engine import Excisor
from ..parallel import scan_texts
from ..types import Result

__all__ = ["ExciseBatch"]


class ExciseBatch:
    """A callable class for ``Dataset.map_batches``: one engine per actor, loaded when the actor starts."""

    def __init__(self, model: str | None = None, *, threshold: float | None = None, text_column: str = "text",
                 output_column: str = "excise") -> None:
        config = Config() if threshold is None else Config(threshold=threshold)
        self.excisor = Excisor(model, config=config)
        self.excisor.model  # noqa: B018 - load once per actor, not on the first batch
        self.text_column = text_column
        self.output_column = output_column

    def __call__(self, batch: Any) -> Any:
        if _is_arrow(batch):
            return self._arrow(batch)
        if hasattr(batch, "columns") and hasattr(batch, "assign"):  # pandas.DataFrame
            texts, objects = self.clean(list(batch[self.text_column]))
            return batch.assign(**{self.text_column: texts, self.output_column: objects})
        import numpy as np

        texts, objects = self.clean(list(batch[self.text_column]))
        out = dict(batch)
        out[self.text_column] = np.array(texts, dtype=object)
        out[self.output_column] = np.array(objects + [None], dtype=object)[:-1]  # a 1-D array of dicts
        return out

    def clean(self, texts: list[Any]) -> tuple[list[Any], list[dict[str, Any]]]:
        """(cleaned texts, ``excise`` objects) of a column; a row that is not a string stays as it is."""
        good = [i for i, text in enumerate(texts) if isinstance(text, str)]
        results: list[Result | str | None] = [None] * len(texts)
        for i, result in zip(good, scan_texts(self.excisor, [texts[i] for i in good])):
            results[i] = result
        cleaned: list[Any] = []
        objects: list[dict[str, Any]] = []
        for text, result in zip(texts, results):
            if isinstance(result, Result):  # (a blank text has no spans: the engine does not scan it)
                cleaned.append(result.apply(text) if result.spans else text)
                objects.append(result.to_dict())
            else:
                cleaned.append(text)
                message = result if isinstance(result, str) else (
                    f"field {self.text_column!r} is {'null' if text is None else type(text).__name__}, not a string")
                objects.append({"spans": [], "removed_chars": 0, "error": message})
        return cleaned, objects

    def _arrow(self, table: Any) -> Any:
        import pyarrow as pa

        from ..parquet import excise_type

        texts, objects = self.clean(table.column(self.text_column).to_pylist())
        index = table.schema.get_field_index(self.text_column)
        table = table.set_column(index, table.schema.field(index), pa.array(texts, type=table.schema.field(index).type))
        column = pa.array(objects, type=excise_type())
        existing = table.schema.get_field_index(self.output_column)
        if existing >= 0:
            return table.set_column(existing, self.output_column, column)
        return table.append_column(self.output_column, column)


def _is_arrow(batch: Any) -> bool:
    return type(batch).__module__.startswith("pyarrow") and hasattr(batch, "schema")


def clean_with_ray(paths: list[str], output: str, *, address: str | None = None, text_column: str = "text",
                   model: str | None = None, threshold: float | None = None, concurrency: int | None = None) -> int:
    """``excise clean --engine ray``: clean Parquet or JSONL shards into the directory ``output``; rows written.

    Ray Data reads the files (``read_parquet`` or ``read_json``) and cleans them
    with :class:`ExciseBatch` actors (``concurrency`` of them: default and at
    most, one per CPU of the cluster but one); this process takes the cleaned
    rows in input order and writes each input file's rows to its own shard, as
    the local engine does: the same relative path, format, compression and
    schema (for JSONL: the fields as Ray's JSON reader types them, one schema for
    all records, so a field missing from some records comes back as null; the
    text and spans are the local engine's). The output directory appears only when the job is done (it is
    written beside it under a temporary name and renamed at the end).
    """
    import os
    import shutil
    import tempfile

    import ray

    from ..errors import ConfigError
    from ..io import expand_inputs
    from ..outputs import check_shard_targets

    files = expand_inputs(paths)
    problems = [f"{f.path}: {f.error}" for f in files if f.error is not None]
    if problems:
        raise ConfigError("; ".join(problems))
    kinds = {"parquet" if f.kind == "parquet" else "jsonl" if f.kind in ("jsonl", "jsonl.gz") else f.kind
             for f in files}
    if len(kinds) != 1 or not kinds <= {"parquet", "jsonl"}:
        raise ConfigError("--engine ray reads .parquet files or .jsonl[.gz] files, one kind per run")
    kind = kinds.pop()
    if os.path.exists(output):
        raise ConfigError(f"output {output!r} exists: --engine ray writes a new directory")
    check_shard_targets(output, files)
    if kind == "parquet":
        from ..parquet import read_schema

        for f in files:
            if "path" in read_schema(f.path).names:
                raise ConfigError(f"{f.path} has a 'path' column, which --engine ray needs for its own: "
                                  "use the local engine")
    if not ray.is_initialized():
        ray.init(address=address, include_dashboard=False, log_to_driver=False, configure_logging=False)
    context = ray.data.DataContext.get_current()
    context.execution_options.preserve_order = True  # rows come back in input order, as with the local engine
    sources = [os.path.abspath(f.path) for f in files]
    read = ray.data.read_parquet if kind == "parquet" else ray.data.read_json
    # Reading takes no CPU of its own, and one CPU of the cluster is left to Ray Data's other tasks (listing
    # the files): actors holding every CPU would keep them waiting, and the job, forever.
    ds = read(sources, num_cpus=0, include_paths=True)
    cpus = int(ray.cluster_resources().get("CPU", 1))
    workers = max(1, min(concurrency or cpus, cpus - 1))
    ds = ds.map_batches(ExciseBatch, fn_constructor_kwargs={"model": model, "threshold": threshold,
                                                            "text_column": text_column},
                        batch_format="pyarrow", batch_size=128, num_cpus=1 if cpus > 1 else 0,
                        compute=ray.data.ActorPoolStrategy(size=workers))
    parent = os.path.dirname(os.path.abspath(output))
    os.makedirs(parent, exist_ok=True)
    stage = tempfile.mkdtemp(dir=parent, prefix=f".{os.path.basename(os.path.abspath(output))}.", suffix=".tmp")
    by_path = {os.path.abspath(f.path): f for f in files}
    rows = 0
    try:
        started: set[str] = set()
        current: Any = None
        for batch in ds.iter_batches(batch_format="pyarrow", batch_size=None):
            for row in batch.to_pylist():
                path = _source_path(row.pop("path"), by_path)
                if path not in started:
                    if current is not None:
                        current.__exit__(None, None, None)  # the previous file's rows are all written
                    current = _shard_writer(stage, by_path[path], text_column).__enter__()
                    started.add(path)
                if kind == "jsonl":
                    row["excise"] = {k: v for k, v in row["excise"].items() if v is not None or k in _ALWAYS}
                current.write(row)
                rows += 1
        if current is not None:
            current.__exit__(None, None, None)
        for path, file in by_path.items():  # files with no rows: empty shards, as the local engine writes
            if path not in started:
                with _shard_writer(stage, file, text_column):
                    pass
        os.chmod(stage, 0o755)
        os.replace(stage, output)
    except BaseException:
        shutil.rmtree(stage, ignore_errors=True)
        raise
    return rows


#: keys of the ``excise`` object kept in JSONL even when null (the others are the error fields of bad rows)
_ALWAYS = frozenset({"spans", "score", "page_score", "removed_chars", "model"})


def _shard_writer(root: str, file: Any, text_column: str) -> Any:
    """The writer of ``file``'s shard under ``root``, as the local engine makes it (rows go in as dicts)."""
    from ..errors import ConfigError
    from ..outputs import shard_sink

    sink = shard_sink(root, file, text_column)
    if sink is None:
        raise ConfigError(f"{file.path}: cannot read its Parquet schema")
    return sink.writer


def _source_path(path: str, known: dict[str, Any]) -> str:
    """The input file a row came from, as this process names it (Ray may drop the leading slash)."""
    if path in known:
        return path
    slashed = "/" + path.lstrip("/")
    if slashed in known:
        return slashed
    raise KeyError(f"Ray returned a row of {path!r}, which is none of the inputs")
