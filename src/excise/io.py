"""Streaming readers and atomic writers for the CLI and the benchmarks.

Reading turns paths into a stream of :class:`Record` objects, in input order::

    for record in read_inputs(["crawl/", "extra.jsonl.zst", "-"]):
        if record.error is not None:
            ...                      # report it, skip it or keep it: the caller decides
        else:
            record.text              # the document

A bad file, a corrupt stream or a bad line becomes one record with ``error`` set;
it never stops the stream on its own, so every input is accounted for.

Writing goes to a temporary file next to the target, renamed over it only when
the ``with`` block ends without an exception: a failed or interrupted run never
leaves half an output behind. ``-`` means stdin or stdout.
"""

from __future__ import annotations

import base64
import contextlib
import gzip
import json
import os
import shutil
import sys
import tempfile
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import IO, Any, BinaryIO, NamedTuple

import zstandard

from .errors import ConfigError, InputError

try:  # orjson (a dependency) is the fast path; json takes what it refuses, and an install without it
    import orjson
except ImportError:  # pragma: no cover - depends on the environment
    orjson = None  # type: ignore[assignment]

__all__ = [
    "JSONL_SUFFIXES",
    "TEXT_SUFFIXES",
    "InputFile",
    "JsonlWriter",
    "Line",
    "ReadCounter",
    "Record",
    "StdinSource",
    "TextWriter",
    "TreeWriter",
    "cleaned_object",
    "dumps_line",
    "error_info",
    "error_object",
    "expand_inputs",
    "file_size",
    "is_jsonl_path",
    "parse_line",
    "read_inputs",
    "read_records",
]

#: Suffixes read as JSON Lines, compressed or not (matched case-insensitively).
JSONL_SUFFIXES: tuple[str, ...] = (".jsonl", ".jsonl.gz", ".jsonl.zst")
#: Suffixes read as one plain-text document per file.
TEXT_SUFFIXES: tuple[str, ...] = (".txt",)

STDIN = "-"
STDIN_NAME = "<stdin>"

# Compressed input is fed to the decompressor in pieces this big, which bounds
# the memory a reader holds, whatever the size of the file.
_CHUNK = 1 << 16
_GZIP_WBITS = 16 + zlib.MAX_WBITS  # zlib's way of saying "expect a gzip header"
_WHITESPACE = b" \t\r\n\x0b\x0c"
_BOM = b"\xef\xbb\xbf"


# --------------------------------------------------------------------------- records


@dataclass(frozen=True, slots=True)
class Record:
    """One input document, or one input that could not be read as a document.

    ``source`` is the path it came from (``<stdin>`` for stdin) and ``line`` its
    1-based line for JSONL input (``None`` for a whole file). ``data`` is the
    parsed JSON object (``None`` for plain text); ``text`` is the document.
    When ``error`` is set the record is bad: ``error`` says why, ``text`` is
    ``None``, ``data`` holds the object if the line was one, and ``raw`` the
    input bytes that could not be parsed or decoded, if any. ``unread`` marks a
    file that could not be read to its end (an I/O error, which may pass), as
    opposed to damage in the file itself: a shard with one is not written, so
    that ``--resume`` tries it again.
    """

    source: str
    line: int | None
    data: dict[str, Any] | None
    text: str | None
    error: str | None = None
    raw: bytes | None = None
    unread: bool = False

    @property
    def ok(self) -> bool:
        """Whether the record holds a usable document."""
        return self.error is None

    def exception(self) -> InputError:
        """The record's problem as an :class:`InputError` naming file and line."""
        return InputError(self.error or "no error", source=self.source, line=self.line)

    def describe(self) -> str:
        """``file:line: message``, the one-line form used in reports."""
        return str(self.exception())


def _failure(source: str, line: int | None, message: str, *, data: dict[str, Any] | None = None,
             raw: bytes | None = None, unread: bool = False) -> Record:
    """A bad record (``unread``: the file could not be read to its end)."""
    return Record(source=source, line=line, data=data, text=None, error=message, raw=raw, unread=unread)


# --------------------------------------------------------------------------- JSON


class Line(NamedTuple):
    """A JSONL line not parsed yet: where it came from and its bytes (``read_records(defer=True)``).

    The parsing is left to whoever takes the line (:func:`parse_line`): with ``-j N``,
    the worker process that scans it, so that the process reading the input only
    splits it into lines. A tuple, so that a batch of them travels to a worker as
    plain tuples, which pickle several times faster than objects.
    """

    source: str
    line: int
    raw: bytes


def parse_line(line: Line | tuple[str, int, bytes], text_field: str = "text") -> Record:
    """The record of a deferred JSONL line (or the plain tuple of one), exactly as :func:`read_records` would
    have read it."""
    source, lineno, raw = line
    return _parse_line(source, lineno, raw, text_field)


def _loads(text: str) -> Any:
    """Parse one JSON value; raise ``ValueError`` with a readable message."""
    if orjson is not None:
        try:
            return orjson.loads(text)
        except orjson.JSONDecodeError:
            pass  # json accepts a little more (big integers) and words its errors better
    return json.loads(text)


def dumps_line(obj: Any) -> bytes:
    """``obj`` as one line of UTF-8 JSON, newline included.

    Values JSON has no type for, as Parquet columns can hold, are written as
    :func:`json_value` says (bytes as base64, decimals and durations as text).
    """
    if orjson is not None:
        try:
            return orjson.dumps(obj, default=json_value) + b"\n"
        except TypeError:
            pass  # integers beyond 64 bits, lone surrogates: json copes
    try:
        return json.dumps(obj, ensure_ascii=False, separators=(",", ":"), default=json_value).encode("utf-8") + b"\n"
    except UnicodeEncodeError:
        # A lone surrogate from a "\ud800" escape in the input cannot be UTF-8; escape it back.
        return json.dumps(obj, separators=(",", ":"), default=json_value).encode("ascii") + b"\n"


def json_value(value: Any) -> Any:
    """A JSON stand-in for a value JSON cannot hold: base64 text for bytes, ISO text for dates and times,
    text for decimals, durations and anything else."""
    if isinstance(value, (bytes, bytearray, memoryview)):
        return base64.b64encode(bytes(value)).decode("ascii")
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if hasattr(value, "item") and callable(value.item):  # a numpy scalar
        return value.item()
    return str(value)


# --------------------------------------------------------------------------- inputs


def is_jsonl_path(path: str) -> bool:
    """Whether ``path`` names a JSONL file (``.jsonl``, ``.jsonl.gz`` or ``.jsonl.zst``)."""
    return path.lower().endswith(JSONL_SUFFIXES)


def _kind_of(path: str) -> str | None:
    """``jsonl``, ``jsonl.gz``, ``jsonl.zst``, ``parquet``, ``warc``, ``warc.gz`` or ``txt`` by suffix;
    ``None`` if unsupported."""
    lowered = path.lower()
    for suffix in (".jsonl.gz", ".jsonl.zst", ".jsonl", ".parquet", ".warc.gz", ".warc", ".txt"):
        if lowered.endswith(suffix):
            return suffix[1:]
    return None


@dataclass(frozen=True, slots=True)
class InputFile:
    """One file to read, found from a command-line argument.

    ``kind`` is ``txt``, ``jsonl``, ``jsonl.gz``, ``jsonl.zst``, ``stdin`` or
    ``None`` when the argument cannot be read (``error`` says why). ``relpath``
    is the file's path relative to the directory argument it was found in, or
    its name for a file argument: where a mirrored output puts it.
    """

    path: str
    kind: str | None
    relpath: str
    error: str | None = None

    @property
    def is_jsonl(self) -> bool:
        """Whether the file holds JSONL records (stdin is decided by :class:`StdinSource`)."""
        return self.kind is not None and self.kind.startswith("jsonl")

    @property
    def is_records(self) -> bool:
        """Whether the file holds many records (JSONL, Parquet or WARC), not one document."""
        return self.is_jsonl or self.kind in ("parquet", "warc", "warc.gz")


def expand_inputs(paths: Iterable[str]) -> list[InputFile]:
    """Resolve arguments to files: directories are walked recursively in sorted order.

    Only files with a suffix in :data:`JSONL_SUFFIXES` or :data:`TEXT_SUFFIXES`
    are taken from a directory. Missing paths, unsupported suffixes and empty
    directories come back as entries with ``error`` set, to be reported in order.
    """
    files: list[InputFile] = []
    for path in paths:
        if path == STDIN:
            files.append(InputFile(STDIN_NAME, "stdin", "stdin"))
        elif os.path.isdir(path):
            files.extend(_walk(path))
        elif not os.path.exists(path):
            files.append(InputFile(path, _kind_of(path), os.path.basename(path), "no such file or directory"))
        elif (kind := _kind_of(path)) is None:
            message = ("unsupported input (expected .txt, .jsonl, .jsonl.gz, .jsonl.zst, .parquet, .warc, .warc.gz, "
                       "a directory or -)")
            files.append(InputFile(path, None, os.path.basename(path), message))
        else:
            files.append(InputFile(path, kind, os.path.basename(path)))
    return files


def _walk(root: str) -> list[InputFile]:
    """The supported files under ``root``, sorted by relative path."""
    found = []
    for dirpath, _dirnames, filenames in os.walk(root):
        for name in filenames:
            kind = _kind_of(name)
            if kind is not None:
                full = os.path.join(dirpath, name)
                found.append(InputFile(full, kind, os.path.relpath(full, root)))
    if not found:
        return [InputFile(root, None, os.path.basename(root),
                          "directory holds no .txt, .jsonl[.gz|.zst], .parquet or .warc[.gz] files")]
    # Sorting on path parts keeps a directory's files together and the order stable across platforms.
    return sorted(found, key=lambda f: Path(f.relpath).parts)


class StdinSource:
    """Standard input, sniffed once: JSONL if its first non-blank byte is ``{``.

    Sniffing reads only up to that byte, and the bytes read are replayed, so
    the stream is still read once, front to back.
    """

    def __init__(self, stream: BinaryIO | None = None) -> None:
        self._stream = stream
        self._prefix: bytes | None = None

    @property
    def stream(self) -> BinaryIO:
        """The binary stream behind this source (``sys.stdin.buffer`` by default)."""
        if self._stream is None:
            self._stream = sys.stdin.buffer
        return self._stream

    def _sniff(self) -> bytes:
        """Read up to and including the first byte that is neither blank nor part of a BOM."""
        if self._prefix is None:
            prefix = b""
            while byte := self.stream.read(1):
                prefix += byte
                if byte in _WHITESPACE or _BOM.startswith(prefix):  # a BOM only counts at the very start
                    continue
                break
            self._prefix = prefix
        return self._prefix

    @property
    def is_jsonl(self) -> bool:
        """Whether stdin holds JSONL rather than one plain-text document."""
        return self._sniff().endswith(b"{")

    def chunks(self) -> Iterator[bytes]:
        """The whole input, as it came, in pieces."""
        yield self._sniff()
        yield from _read_chunks(self.stream)


def read_inputs(paths: Iterable[str], *, text_field: str = "text", stdin: StdinSource | None = None
                ) -> Iterator[Record]:
    """Records from files, directories and ``-`` (stdin), in order. See :func:`read_records`."""
    return read_records(expand_inputs(paths), text_field=text_field, stdin=stdin)


@dataclass
class ReadCounter:
    """Bytes taken from the input files so far (compressed, as on disk): what a progress bar's ETA needs."""

    bytes: int = 0


def read_records(files: Iterable[InputFile], *, text_field: str = "text", stdin: StdinSource | None = None,
                 counter: ReadCounter | None = None, defer: bool = False) -> Iterator[Record | Line]:
    """Records from resolved input files, in order; problems become records with ``error`` set.

    A ``.txt`` file (or plain text on stdin) is one record whose ``text`` is the
    whole file. A JSONL line is one record whose ``text`` is ``data[text_field]``;
    blank lines are skipped but still counted in line numbers. ``counter`` counts
    the bytes read from files. ``defer``: a JSONL line comes as a :class:`Line`,
    to be parsed by :func:`parse_line` where it is used (damage to a file's stream
    still comes as a bad record).
    """
    counter = counter if counter is not None else ReadCounter()
    for file in files:
        if file.error is not None:
            yield _failure(file.path, None, file.error)
        elif file.kind == "stdin":
            source = stdin if stdin is not None else StdinSource()
            if source.is_jsonl:
                yield from _jsonl_records(STDIN_NAME, source.chunks(), text_field, defer)
            else:
                yield _text_record(STDIN_NAME, b"".join(source.chunks()))
        elif file.kind == "txt":
            yield _read_text_file(file.path)
            counter.bytes += file_size(file.path)
        elif file.kind == "parquet":
            from .parquet import read_parquet_file  # pyarrow is optional: imported only when needed

            yield from read_parquet_file(file.path, text_field, counter)
        elif file.kind in ("warc", "warc.gz"):
            from .warc import read_warc_file  # FastWARC and Resiliparse are optional too

            yield from read_warc_file(file.path, text_field, counter)
        else:
            yield from _read_jsonl_file(file.path, file.kind, text_field, counter, defer)


def file_size(path: str) -> int:
    """Size of ``path`` on disk; 0 when it cannot be read (the reader reports why)."""
    try:
        return os.path.getsize(path)
    except OSError:
        return 0


def _read_text_file(path: str) -> Record:
    """One ``.txt`` file as one record."""
    try:
        with open(path, "rb") as fh:
            data = fh.read()
    except OSError as exc:
        return _failure(path, None, f"cannot read: {exc.strerror or exc}", unread=True)
    return _text_record(path, data)


def _text_record(source: str, data: bytes) -> Record:
    """A plain-text document; bytes are kept as they are (no newline translation)."""
    try:
        return Record(source=source, line=None, data=None, text=data.decode("utf-8"))
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        return _failure(source, line, f"invalid UTF-8 at byte {exc.start}", raw=data)


def _read_jsonl_file(path: str, kind: str, text_field: str, counter: ReadCounter, defer: bool = False
                     ) -> Iterator[Record | Line]:
    """The records of one JSONL file, decompressing as its suffix says."""
    try:
        fh = open(path, "rb")  # noqa: SIM115 - closed in finally, after the generator is done
    except OSError as exc:
        yield _failure(path, None, f"cannot read: {exc.strerror or exc}", unread=True)
        return
    try:
        chunks = _read_chunks(fh, counter)
        if kind == "jsonl.gz":
            chunks = _gunzip(chunks)
        elif kind == "jsonl.zst":
            chunks = _unzstd(chunks)
        yield from _jsonl_records(path, chunks, text_field, defer)
    finally:
        fh.close()


class _CorruptInput(Exception):
    """A compressed stream is damaged; the message says how."""


def _read_chunks(fh: IO[bytes], counter: ReadCounter | None = None) -> Iterator[bytes]:
    """The bytes of ``fh`` in pieces of at most :data:`_CHUNK`, counted in ``counter``."""
    while chunk := fh.read(_CHUNK):
        if counter is not None:
            counter.bytes += len(chunk)
        yield chunk


def _decompress_frames(chunks: Iterable[bytes], new: Callable[[], Any], error: type[Exception],
                       name: str) -> Iterator[bytes]:
    """Decompress a stream of one or more gzip members or zstd frames; raise on damage or truncation.

    ``new`` makes a fresh decompressor object (``decompress``, ``eof``, ``unused_data``);
    a stream that stops inside a member/frame is truncated. Zero padding after the last
    one, as some writers leave, is accepted.
    """
    decompressor = new()
    started = False
    for chunk in chunks:
        data = chunk
        while data:
            if not started and not data.strip(b"\0"):
                break
            started = True
            try:
                out = decompressor.decompress(data)
            except error as exc:
                raise _CorruptInput(f"corrupt {name} data ({exc})") from None
            if out:
                yield out
            data = b""
            if decompressor.eof:  # one ended: what follows may be another
                data = decompressor.unused_data
                decompressor = new()
                started = False
    if started:
        raise _CorruptInput(f"{name} stream is truncated")


def _gunzip(chunks: Iterable[bytes]) -> Iterator[bytes]:
    """Decompress a gzip stream of one or more members."""
    return _decompress_frames(chunks, lambda: zlib.decompressobj(_GZIP_WBITS), zlib.error, "gzip")


def _unzstd(chunks: Iterable[bytes]) -> Iterator[bytes]:
    """Decompress a zstd stream of one or more frames."""
    dctx = zstandard.ZstdDecompressor()
    return _decompress_frames(chunks, dctx.decompressobj, zstandard.ZstdError, "zstd")


def _split_lines(chunks: Iterable[bytes]) -> Iterator[bytes]:
    """Lines of a byte stream, without their ``\\n``; a last line needs no newline.

    If the chunk source raises, the incomplete line read so far is dropped: it
    is part of the damage, not a record.
    """
    pending: list[bytes] = []  # a list, so a long line is not rebuilt at every chunk
    for chunk in chunks:
        if b"\n" not in chunk:
            pending.append(chunk)
            continue
        pending.append(chunk)
        lines = b"".join(pending).split(b"\n")
        pending = [lines.pop()]
        yield from lines
    tail = b"".join(pending)
    if tail:
        yield tail


def _jsonl_records(source: str, chunks: Iterable[bytes], text_field: str, defer: bool = False
                   ) -> Iterator[Record | Line]:
    """Parse JSONL lines into records (``defer``: leave them as :class:`Line`); damage to the stream ends it
    with one bad record."""
    lineno = 0
    try:
        for lineno, raw in enumerate(_split_lines(chunks), 1):  # noqa: B007 - lineno is read after the loop
            if lineno == 1 and raw.startswith(_BOM):
                raw = raw[len(_BOM) :]
            if raw.strip():
                yield Line(source, lineno, raw) if defer else _parse_line(source, lineno, raw, text_field)
    except _CorruptInput as exc:
        yield _failure(source, lineno + 1, f"{exc}; records from this line on are lost")
    except OSError as exc:
        yield _failure(source, lineno + 1, f"read error: {exc.strerror or exc}", unread=True)


def _parse_line(source: str, lineno: int, raw: bytes, text_field: str) -> Record:
    """One JSONL line as a record."""
    try:
        line = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        return _failure(source, lineno, f"invalid UTF-8 at byte {exc.start} of the line", raw=raw)
    try:
        data = _loads(line)
    except ValueError as exc:
        return _failure(source, lineno, f"malformed JSON: {exc}", raw=raw)
    if not isinstance(data, dict):
        return _failure(source, lineno, f"expected a JSON object, got {_json_type(data)}", raw=raw)
    if text_field not in data:
        return _failure(source, lineno, f"record has no {text_field!r} field", data=data)
    text = data[text_field]
    if not isinstance(text, str):
        return _failure(source, lineno, f"field {text_field!r} is {_json_type(text)}, not a string", data=data)
    return Record(source=source, line=lineno, data=data, text=text)


def _json_type(value: Any) -> str:
    """The JSON name of a parsed value's type, for messages."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    return "an object"


# --------------------------------------------------------------------------- writers


class _AtomicFile:
    """A binary file written under a temporary name and renamed into place on success.

    ``-`` writes straight to stdout, which cannot be taken back.
    """

    def __init__(self, path: str) -> None:
        self.path = path
        self._fh: BinaryIO | None = None
        self._tmp: str | None = None

    def _open(self) -> BinaryIO:
        """Open the temporary file (or stdout) on first use."""
        if self._fh is None:
            if self.path == STDIN:
                sys.stdout.flush()  # text already printed must come out before our bytes
                self._fh = sys.stdout.buffer
            else:
                directory = os.path.dirname(os.path.abspath(self.path))
                # Same directory as the target, so os.replace is a rename, not a copy.
                fd, self._tmp = tempfile.mkstemp(dir=directory, prefix=f".{os.path.basename(self.path)}.",
                                                 suffix=".tmp")
                self._fh = os.fdopen(fd, "wb")
        return self._fh

    def _close_stream(self) -> None:
        """Finish any encoding layered on the file (subclasses override)."""

    def _finish(self, ok: bool) -> None:
        """Commit if ``ok``, else abort; a failure while committing aborts too."""
        if not ok:
            with contextlib.suppress(Exception):  # the original exception is the one to report
                self._close_stream()
            self._abort()
            return
        try:
            self._close_stream()
            self._commit()
        except BaseException:
            self._abort()
            raise

    def _commit(self) -> None:
        """Flush and move the finished file into place."""
        fh = self._open()
        fh.flush()
        if self._tmp is None:
            return
        os.fsync(fh.fileno())
        fh.close()
        os.chmod(self._tmp, 0o666 & ~_umask())  # mkstemp makes files private; outputs are ordinary files
        os.replace(self._tmp, self.path)
        self._tmp = None

    def _abort(self) -> None:
        """Drop the temporary file; the target is left as it was."""
        if self._tmp is None:
            if self._fh is not None:
                self._fh.flush()  # stdout: what was written is out already
            return
        if self._fh is not None:
            self._fh.close()
        with contextlib.suppress(FileNotFoundError):
            os.unlink(self._tmp)
        self._tmp = None


def _umask() -> int:
    """The process umask (reading it means setting it, so set it straight back)."""
    mask = os.umask(0)
    os.umask(mask)
    return mask


class JsonlWriter(_AtomicFile):
    """Write JSON objects one per line, atomically; ``.gz``/``.zst`` suffixes compress.

    >>> with JsonlWriter("out.jsonl.zst") as out:       # doctest: +SKIP
    ...     out.write({"text": "..."})
    """

    def __init__(self, path: str) -> None:
        super().__init__(path)
        self._stream: Any = None
        self.count = 0

    def __enter__(self) -> JsonlWriter:
        raw = self._open()
        lowered = self.path.lower()
        if lowered.endswith(".gz"):
            # mtime=0: the same records give the same bytes, run after run.
            self._stream = gzip.GzipFile(fileobj=raw, mode="wb", mtime=0)
        elif lowered.endswith(".zst"):
            self._stream = zstandard.ZstdCompressor().stream_writer(raw, closefd=False)
        else:
            self._stream = raw
        return self

    def write(self, obj: dict[str, Any]) -> None:
        """Append one object as a line."""
        self.write_line(dumps_line(obj))

    def write_line(self, line: bytes) -> None:
        """Append one line already written as :func:`dumps_line` writes it (newline included)."""
        self._stream.write(line)
        self.count += 1

    def _close_stream(self) -> None:
        if self._stream is not None and self._stream is not self._fh:
            self._stream.close()  # writes the gzip trailer / zstd frame end
        self._stream = None

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self._finish(exc_type is None)


class TextWriter(_AtomicFile):
    """Write one document's text, atomically; the file appears only if something was written."""

    def __init__(self, path: str) -> None:
        super().__init__(path)
        self.count = 0

    def __enter__(self) -> TextWriter:
        return self

    def write(self, text: str | bytes) -> None:
        """Write a document (``bytes`` pass through untouched, ``str`` is encoded as UTF-8)."""
        data = text if isinstance(text, bytes) else text.encode("utf-8", "surrogatepass")
        self._open().write(data)
        self.count += 1

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        if self._fh is None:
            return  # nothing was written: no file at all
        self._finish(exc_type is None)


class TreeWriter:
    """Write documents into a directory tree, all or nothing.

    Files are staged in a hidden directory beside ``root`` and moved into it
    when the ``with`` block succeeds; on failure the staging directory goes and
    ``root`` is left as it was. Files already in ``root`` that are not written
    again are kept.
    """

    def __init__(self, root: str) -> None:
        if os.path.exists(root) and not os.path.isdir(root):
            raise ConfigError(f"output {root!r} exists and is not a directory")
        self.root = root
        self._stage: str | None = None
        self._written: set[str] = set()
        self.count = 0

    def __enter__(self) -> TreeWriter:
        parent = os.path.dirname(os.path.abspath(self.root))
        os.makedirs(parent, exist_ok=True)
        self._stage = tempfile.mkdtemp(dir=parent, prefix=f".{os.path.basename(os.path.abspath(self.root))}.",
                                       suffix=".tmp")
        return self

    def write(self, relpath: str, text: str | bytes) -> None:
        """Write one document at ``relpath`` under the root."""
        assert self._stage is not None, "use TreeWriter in a with block"
        norm = os.path.normpath(relpath)
        if norm.startswith("..") or os.path.isabs(norm):
            raise InputError(f"output path {relpath!r} would leave the output directory")
        if norm in self._written:
            raise InputError(f"two inputs would both be written to {norm!r}")
        self._written.add(norm)
        target = os.path.join(self._stage, norm)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        data = text if isinstance(text, bytes) else text.encode("utf-8", "surrogatepass")
        with open(target, "wb") as fh:
            fh.write(data)
        self.count += 1

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        assert self._stage is not None
        try:
            if exc_type is None:
                self._commit(self._stage)
        finally:
            shutil.rmtree(self._stage, ignore_errors=True)
            self._stage = None

    def _commit(self, stage: str) -> None:
        """Move the staged files into the root."""
        mode = 0o777 & ~_umask()
        if not os.path.exists(self.root):
            os.chmod(stage, mode)  # mkdtemp makes the directory private
            os.replace(stage, self.root)  # a fresh root appears in one rename
            return
        for relpath in sorted(self._written):
            target = os.path.join(self.root, relpath)
            os.makedirs(os.path.dirname(target) or ".", exist_ok=True)
            os.replace(os.path.join(stage, relpath), target)


# --------------------------------------------------------------------------- output records


def cleaned_object(record: Record, cleaned: str, excise: dict[str, Any], *, text_field: str = "text"
                   ) -> dict[str, Any]:
    """The output object of a cleaned record: its fields kept, text replaced, ``excise`` added.

    A plain-text document becomes ``{"id": source, text_field: cleaned, "excise": ...}``.
    """
    if record.data is None:
        return {"id": record.source, text_field: cleaned, "excise": excise}
    out = dict(record.data)  # a copy: the record stays as it was read
    out[text_field] = cleaned
    out["excise"] = excise
    return out


def error_info(record: Record) -> dict[str, Any]:
    """What went wrong with a bad record: ``error``, ``source``, ``line`` and, if any, the ``raw`` input.

    ``raw`` is decoded as UTF-8 with U+FFFD for bytes that are not: JSON cannot carry them.
    """
    info: dict[str, Any] = {"error": record.error, "source": record.source, "line": record.line}
    if record.raw is not None:
        info["raw"] = record.raw.decode("utf-8", "replace")
    return info


def error_object(record: Record) -> dict[str, Any]:
    """A bad record passed through: its fields if it had any, plus ``"excise": error_info(record)``."""
    out = dict(record.data) if record.data is not None else {}
    out["excise"] = error_info(record)
    return out
