"""Where ``excise clean`` writes: one sink per output mode, each fed records in input order.

A sink takes every good record with its result (:meth:`Sink.write`) and every
bad one (:meth:`Sink.bad`, which passes it through under ``--on-error keep``).
Every sink is a context manager that commits on success and leaves nothing
behind on failure:

* :class:`JsonlSink`, :class:`ParquetSink`, :class:`TextSink`: one file;
* :class:`TreeSink`: plain-text documents mirrored into a directory, all or nothing;
* :func:`shard_sink`: one input file (a shard) to its own output file under a
  directory, committed as soon as its input is done, so an interrupted run
  leaves whole shards only, and ``--resume`` (see :func:`pending_shards`) skips them.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from types import TracebackType
from typing import Any, Protocol

from .errors import ConfigError
from .io import InputFile, JsonlWriter, Record, TextWriter, TreeWriter, cleaned_object, error_object
from .types import Result

__all__ = ["JsonlSink", "ParquetSink", "Sink", "TextSink", "TreeSink", "check_shard_targets", "output_object",
           "pending_shards", "shard_sink", "shard_target"]


class Sink(Protocol):
    """What every output mode offers."""

    def write(self, record: Record, result: Result) -> None:
        """Write a good record, cleaned."""

    def bad(self, record: Record, keep: bool) -> None:
        """Take note of a bad record; pass it through unchanged if ``keep``."""

    def __enter__(self) -> Any: ...

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None: ...


def output_object(record: Record, result: Result, text_field: str) -> dict[str, Any]:
    """The output object of a good record: its fields kept, its text cleaned, the ``excise`` object added."""
    assert record.text is not None
    return cleaned_object(record, result.apply(record.text), result.to_dict(), text_field=text_field)


class _Wrapped:
    """A sink around one writer, entered and left with it."""

    def __init__(self, writer: Any) -> None:
        self.writer = writer

    def __enter__(self) -> Any:
        self.writer.__enter__()
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.writer.__exit__(exc_type, exc, tb)


class _RecordSink(_Wrapped):
    """Records out: every field kept, the text cleaned, the ``excise`` object added; a bad one kept as ``kept``."""

    def __init__(self, writer: Any, text_field: str) -> None:
        super().__init__(writer)
        self.text_field = text_field

    def write(self, record: Record, result: Result) -> None:
        self.writer.write(output_object(record, result, self.text_field))

    def bad(self, record: Record, keep: bool) -> None:
        if keep:
            self.writer.write(self.kept(record))

    def kept(self, record: Record) -> dict[str, Any]:
        """A bad record passed through."""
        return error_object(record)


class JsonlSink(_RecordSink):
    """JSONL: every record's fields kept, the text cleaned, an ``excise`` object added."""

    def __init__(self, path: str, text_field: str) -> None:
        super().__init__(JsonlWriter(path), text_field)

    def write_line(self, line: bytes) -> None:
        """Write a good record already cleaned into its output line (:func:`excise.lines.clean_lines`)."""
        self.writer.write_line(line)


class ParquetSink(_RecordSink):
    """Parquet with the schema of the input (``schema``) and an ``excise`` struct column."""

    def __init__(self, path: str, schema: Any, text_field: str) -> None:
        from .parquet import ParquetWriter  # pyarrow is optional

        super().__init__(ParquetWriter(path, schema), text_field)

    def kept(self, record: Record) -> dict[str, Any]:
        from .parquet import error_row

        return error_row(record)


class TextSink(_Wrapped):
    """One plain-text document; a bad one kept is written as its raw bytes."""

    def __init__(self, path: str) -> None:
        super().__init__(TextWriter(path))

    def write(self, record: Record, result: Result) -> None:
        assert record.text is not None
        self.writer.write(result.apply(record.text))

    def bad(self, record: Record, keep: bool) -> None:
        if keep and record.raw is not None:
            self.writer.write(record.raw)  # unchanged, byte for byte


class TreeSink(_Wrapped):
    """Plain-text documents mirrored into a directory, each at its input's relative path."""

    def __init__(self, root: str, relpaths: dict[str, str]) -> None:
        super().__init__(TreeWriter(root))
        self.relpaths = relpaths

    def write(self, record: Record, result: Result) -> None:
        assert record.text is not None
        self.writer.write(self.relpaths[record.source], result.apply(record.text))

    def bad(self, record: Record, keep: bool) -> None:
        if keep and record.raw is not None:
            self.writer.write(self.relpaths[record.source], record.raw)


def shard_target(root: str, file: InputFile) -> str:
    """Where the shard ``file`` is written under ``root``: its relative path, in the same format
    (a WARC file becomes ``.jsonl.gz``: its documents' text with URL, record id and date)."""
    relpath = file.relpath
    if file.kind in ("warc", "warc.gz"):
        relpath = relpath[: -len("." + file.kind)] + ".jsonl.gz"
    return os.path.join(root, relpath)


def check_shard_targets(root: str, files: Sequence[InputFile]) -> None:
    """A directory of shards: ``root`` is (or will be) a directory, and no two inputs go to the same file."""
    if os.path.exists(root) and not os.path.isdir(root):
        raise ConfigError(f"output {root!r} exists and is not a directory")
    seen: dict[str, str] = {}
    for file in files:
        target = shard_target(root, file)
        if target in seen:
            raise ConfigError(f"{seen[target]} and {file.path} would both be written to {target}")
        seen[target] = file.path


def pending_shards(root: str, files: Sequence[InputFile]) -> tuple[list[InputFile], list[InputFile]]:
    """(files whose output shard is not there yet, files whose output is complete) for ``--resume``.

    Shards are renamed into place only when complete, so an output that exists is whole.
    """
    todo, done = [], []
    for file in files:
        (done if file.error is None and os.path.exists(shard_target(root, file)) else todo).append(file)
    return todo, done


def shard_sink(root: str, file: InputFile, text_field: str) -> Sink | None:
    """The output of one shard under ``root``, in its input's format; ``None`` if the file cannot be read.

    A JSONL shard stays JSONL with the same compression, a Parquet shard stays
    Parquet with its schema, a ``.txt`` document stays plain text, a WARC file
    becomes compressed JSONL.
    """
    if file.error is not None:
        return None
    path = shard_target(root, file)
    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    if file.kind == "parquet":
        from .parquet import read_schema

        try:
            schema = read_schema(file.path)
        except Exception:  # noqa: BLE001 - pyarrow's errors vary; the reader reports the damage as a bad record
            return None
        return ParquetSink(path, schema, text_field)
    if file.kind == "txt":
        return TextSink(path)
    return JsonlSink(path, text_field)
