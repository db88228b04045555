"""Parquet in and out, batch by batch (pyarrow, the ``corpus`` extra).

A row is one record: ``Record.line`` is its 1-based row number in the file and
``Record.data`` the row as a dict. Output keeps the input's schema, column for
column, and adds (or replaces) an ``excise`` struct column of type
:data:`EXCISE_TYPE`, the Parquet form of the JSONL ``excise`` object.
"""

from __future__ import annotations

from collections.abc import Iterator
from types import TracebackType
from typing import TYPE_CHECKING, Any

from .errors import ConfigError
from .io import ReadCounter, Record, _AtomicFile, _failure, error_info

if TYPE_CHECKING:  # pragma: no cover
    import pyarrow as pa

__all__ = ["PARQUET_SUFFIXES", "ParquetWriter", "error_row", "excise_type", "output_schema", "read_parquet_file",
           "read_schema", "require"]

PARQUET_SUFFIXES: tuple[str, ...] = (".parquet",)

#: rows read from a file at a time, and rows a writer gathers into one row group
READ_ROWS = 1024
WRITE_ROWS = 4096


def require() -> Any:
    """The ``pyarrow`` module, or a :class:`ConfigError` saying how to install it."""
    try:
        import pyarrow  # optional: only Parquet and WARC users need it
        import pyarrow.parquet  # noqa: F401
    except ImportError:
        raise ConfigError("Parquet needs pyarrow: pip install 'excise[corpus]'") from None
    return pyarrow


def excise_type() -> pa.DataType:
    """The Arrow type of the ``excise`` column: the JSONL ``excise`` object, error fields included."""
    pa = require()
    span = pa.struct([("start", pa.int64()), ("end", pa.int64()), ("label", pa.string()), ("score", pa.float64()),
                      ("reasons", pa.list_(pa.string()))])
    return pa.struct([("spans", pa.list_(span)), ("score", pa.float64()), ("page_score", pa.float64()),
                      ("removed_chars", pa.int64()), ("model", pa.string()), ("error", pa.string()),
                      ("source", pa.string()), ("line", pa.int64()), ("raw", pa.string())])


def output_schema(schema: pa.Schema) -> pa.Schema:
    """``schema`` with an ``excise`` column at the end (an existing one is replaced).

    Every column is made nullable: a bad record passed through (``--on-error keep``)
    may have no value for it.
    """
    pa = require()
    index = schema.get_field_index("excise")
    if index >= 0:
        schema = schema.remove(index)
    schema = pa.schema([field.with_nullable(True) for field in schema], metadata=schema.metadata)
    return schema.append(pa.field("excise", excise_type()))


def read_schema(path: str) -> pa.Schema:
    """The schema of a Parquet file (its metadata only); a :class:`ConfigError` naming it if it has none."""
    require()
    import pyarrow.parquet as pq

    try:
        return pq.read_schema(path)
    except Exception as exc:  # noqa: BLE001 - pyarrow's errors vary
        raise ConfigError(f"{path}: cannot read its Parquet schema ({exc})") from None


def read_parquet_file(path: str, text_field: str, counter: ReadCounter | None = None) -> Iterator[Record]:
    """The rows of one Parquet file as records, read ``READ_ROWS`` at a time; problems become bad records."""
    pa = require()
    import pyarrow.parquet as pq

    row = 0
    try:
        with open(path, "rb") as fh, pq.ParquetFile(fh) as pf:
            if text_field not in pf.schema_arrow.names:
                yield _failure(path, None, f"no {text_field!r} column (columns: {', '.join(pf.schema_arrow.names)})")
                return
            column = pf.schema_arrow.field(text_field)
            if not (pa.types.is_string(column.type) or pa.types.is_large_string(column.type)):
                yield _failure(path, None, f"column {text_field!r} is {column.type}, not a string")
                return
            for group in range(pf.num_row_groups):
                for batch in pf.iter_batches(batch_size=READ_ROWS, row_groups=[group]):
                    for data in batch.to_pylist():
                        row += 1
                        text = data[text_field]
                        if text is None:
                            yield _failure(path, row, f"field {text_field!r} is null, not a string", data=data)
                        else:
                            yield Record(source=path, line=row, data=data, text=text)
                if counter is not None:  # bytes on disk, as the progress line's total counts them
                    meta = pf.metadata.row_group(group)
                    counter.bytes += sum(meta.column(c).total_compressed_size for c in range(meta.num_columns))
    except OSError as exc:
        yield _failure(path, row + 1 if row else None, f"cannot read Parquet: {exc}", unread=True)
    except Exception as exc:  # pyarrow raises ArrowInvalid (a ValueError) and others for damaged files
        where = f"; rows from {row + 1} on are lost" if row else ""
        yield _failure(path, row + 1 if row else None, f"damaged Parquet file: {exc}{where}")


class ParquetWriter(_AtomicFile):
    """Write rows of ``schema`` plus the ``excise`` column, atomically, ``WRITE_ROWS`` to a row group."""

    def __init__(self, path: str, schema: pa.Schema) -> None:
        super().__init__(path)
        self.schema = output_schema(schema)
        self._rows: list[dict[str, Any]] = []
        self._writer: Any = None
        self.count = 0

    def __enter__(self) -> ParquetWriter:
        import pyarrow.parquet as pq

        if self.path == "-":
            raise ConfigError("Parquet cannot be written to stdout: name an output file")
        self._writer = pq.ParquetWriter(self._open(), self.schema, compression="zstd")
        return self

    def write(self, obj: dict[str, Any]) -> None:
        """Append one row (a dict with the input's columns and ``excise``)."""
        self._rows.append(obj)
        self.count += 1
        if len(self._rows) >= WRITE_ROWS:
            self._flush()

    def _flush(self) -> None:
        if self._rows:
            table = require().Table.from_pylist(self._rows, schema=self.schema)
            self._writer.write_table(table)
            self._rows = []

    def _close_stream(self) -> None:
        if self._writer is not None:
            try:
                self._flush()
            finally:
                self._writer.close()
                self._writer = None

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self._finish(exc_type is None)


def error_row(record: Record) -> dict[str, Any]:
    """A bad record passed through as a row: its columns if it had any, the error in ``excise``."""
    row = dict(record.data) if record.data is not None else {}
    info = error_info(record)
    row["excise"] = {"spans": [], "score": None, "page_score": None, "removed_chars": 0, "model": None, **info}
    return row

