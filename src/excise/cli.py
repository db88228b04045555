"""The ``excise`` command: parse arguments, then hand over to io, evaluate and the engine.

Exit codes: 0 success, 1 an input or model error (or, for ``scan``, a bad
record), 2 a usage or configuration error, 130 interrupted.
"""

from __future__ import annotations

import argparse
import collections
import contextlib
import dataclasses
import importlib
import itertools
import json
import logging
import os
import pickle
import sys
import tempfile
from collections.abc import Callable, Iterable, Iterator
from typing import IO, Any, TypeVar

from . import __version__
from .config import Config
from .engine import Excisor
from .errors import ConfigError, ExciseError, InputError
from .evaluate import Report, evaluate, gold_spans
from .io import (
    STDIN,
    InputFile,
    JsonlWriter,
    Line,
    ReadCounter,
    Record,
    StdinSource,
    TextWriter,
    TreeWriter,
    dumps_line,
    error_info,
    expand_inputs,
    file_size,
    is_jsonl_path,
    read_inputs,
    read_records,
)
from .lines import clean_lines, settle
from .memory import Memory, Trace
from .outputs import (
    JsonlSink,
    ParquetSink,
    Sink,
    TextSink,
    TreeSink,
    check_shard_targets,
    pending_shards,
    shard_sink,
)
from .parallel import Scanner, available_cores
from .parquet import PARQUET_SUFFIXES
from .report import ReportPage, render_report
from .site import HIDDEN_THRESHOLD, PageScan, html_files, is_html_input, scan_files
from .stats import DocumentCounts, Progress, RunStats
from .training import DEFAULT_DOCS
from .types import Result

__all__ = ["build_parser", "highlight", "main"]

logger = logging.getLogger(__name__)

EXAMPLES = """\
examples:
  excise clean crawl.jsonl.zst -o clean.jsonl.zst     clean a corpus, keeping every field
  excise clean page.txt -o page.clean.txt             clean one text file
  excise clean pages/ -o clean-pages/                 clean a tree of .txt files into a mirror tree
  excise clean shards/ -o clean/ -j 0 --stats s.json  shard to shard, on every core, with a JSON summary
  excise clean shards/ -o clean/ -j 0 --resume        after an interruption: the shards not written yet
  cat page.txt | excise clean                         stdin to stdout
  excise clean crawl.jsonl --on-error skip --errors bad.jsonl -o clean.jsonl
  excise scan page.txt                                show what would be cut, and why
  excise scan site/ --report report.html              a hacked site's pages: where the spam is, how it is hidden
  excise clean shards/ -o clean/ --memory             two passes: campaigns found once are cut everywhere
  excise eval ../shared/data/real-dev/xebia_gold.jsonl --by id
"""

CLEAN_EPILOG = """\
output format:
  A directory of shards when OUTPUT is a directory (an existing one, or a name
  ending in /) and an input is .jsonl[.gz|.zst], .parquet or .warc[.gz]: each
  input file to its own file at the same relative path, in the same format
  (WARC becomes .jsonl.gz), each renamed into place when complete; --resume
  skips the inputs whose output is there.
  Parquet when OUTPUT ends in .parquet: the schema of the .parquet inputs (or of
  WARC records: url, warc_record_id, date, text) plus an "excise" struct column.
  JSONL when OUTPUT ends in .jsonl, .jsonl.gz or .jsonl.zst, or when any input
  holds records: every record in input order, all its fields kept, the text field
  replaced by the cleaned text and an "excise" object added (spans index the
  ORIGINAL text). A .txt document becomes {"id": PATH, TEXT_FIELD: ..., "excise": ...}.
  Otherwise the inputs are plain text: one document (a .txt file or stdin) is
  written as cleaned text, unless OUTPUT is an existing directory; several go to
  OUTPUT as a directory, each at its path relative to the directory argument it
  came from (a file argument: its name), or, with OUTPUT '-', as JSONL on stdout.
  Files are written under a temporary name and renamed at the end: a failed run
  leaves no output file behind.

bad records (--on-error):
  fail  stop at the first one: a message naming file and line, exit 1, no output
  skip  leave it out, report it on stderr, go on; exit 0
  keep  pass it through unchanged with "excise": {"error", "source", "line"[, "raw"]};
        exit 0
"""

_ANSI_CUT = "\x1b[1;31m"  # bold red: what would be removed
_ANSI_DIM = "\x1b[2m"
_ANSI_RESET = "\x1b[0m"
_BRACKETS = ("[[-", "-]]")


# --------------------------------------------------------------------------- parser


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``excise`` command, subcommands included."""
    parser = argparse.ArgumentParser(
        prog="excise",
        description="Find spam injected into legitimate web text and cut exactly that out.",
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"excise {__version__}",
                        help="show the version and exit")
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("-v", "--verbose", action="count", default=0,
                        help="log progress on stderr (-v: info, -vv: debug)")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", title="commands",
                                     help="run 'excise COMMAND --help' for its options")
    commands.required = True
    _add_clean(commands, common)
    _add_scan(commands, common)
    _add_eval(commands, common)
    _add_train(commands, common)
    _add_memory(commands, common)
    return parser


def _engine_options(parser: argparse.ArgumentParser) -> None:
    """Options every command that runs the engine takes."""
    parser.add_argument("--threshold", type=float, metavar="T",
                        help="spam probability a passage needs to be cut, in (0, 1): lower cuts more "
                             f"(default: {Config().threshold:g})")
    parser.add_argument("--model", metavar="PATH", help="model file to load instead of the packaged one")
    parser.add_argument("-j", "--jobs", type=_jobs, default=1, metavar="N",
                        help="scan in N worker processes (0: one per core); output stays in input order "
                             "(default: %(default)s)")


def _jobs(value: str) -> int:
    """``-j N``: a number of worker processes, 0 for one per available core."""
    try:
        jobs = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number of processes, got {value!r}") from None
    if jobs < 0:
        raise argparse.ArgumentTypeError(f"expected 0 (one per core) or more processes, got {jobs}")
    return jobs or available_cores()


def _fraction(zero: bool) -> Callable[[str], float]:
    """An argument type: a number from 0 (``zero``: included) to 1, included."""
    wanted = "a number from 0 to 1" if zero else "a number in (0, 1]"

    def parse(value: str) -> float:
        try:
            number = float(value)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected {wanted}, got {value!r}") from None
        if not (0.0 <= number <= 1.0 if zero else 0.0 < number <= 1.0):
            raise argparse.ArgumentTypeError(f"expected {wanted}, got {number:g}")
        return number

    return parse


def _input_options(parser: argparse.ArgumentParser) -> None:
    """The inputs and the field that holds the text."""
    parser.add_argument("inputs", nargs="*", default=[STDIN], metavar="INPUT",
                        help="a .txt, .jsonl, .jsonl.gz, .jsonl.zst, .parquet, .warc or .warc.gz file, a directory "
                             "of them (read recursively, in sorted order) or '-' for stdin (the default); or HTML "
                             "pages (.html, .htm, ...) and directories of them, such as a site mirror")
    parser.add_argument("--site", metavar="HOST",
                        help="HTML: the host of the site the pages belong to; links to other hosts are outbound "
                             "(default: each page's canonical link, og:url or <base>)")
    parser.add_argument("--hidden-threshold", type=_fraction(zero=False), default=HIDDEN_THRESHOLD, metavar="T",
                        help="HTML: spam probability that cuts text wholly inside hidden elements, where a reader "
                             "cannot see it; 1 scans hidden text like any other (default: %(default)g)")
    _text_field_option(parser, "JSONL field")


def _text_field_option(parser: argparse.ArgumentParser, what: str) -> None:
    parser.add_argument("--text-field", default="text", metavar="NAME",
                        help=f"{what} that holds the text (default: %(default)s)")


def _add_clean(commands: Any, common: argparse.ArgumentParser) -> None:
    """``excise clean``."""
    parser = commands.add_parser(
        "clean", parents=[common], help="cut the injected spam out of documents",
        description="Cut the injected spam out of documents and write what is left.",
        epilog=CLEAN_EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    _input_options(parser)
    parser.add_argument("-o", "--output", default=STDIN, metavar="OUTPUT",
                        help="file or directory to write, or '-' for stdout (the default); "
                             "a .gz or .zst suffix compresses JSONL")
    parser.add_argument("--on-error", choices=("fail", "skip", "keep"), default="fail",
                        help="what to do with a record that cannot be read: stop (fail, the default), "
                             "leave it out (skip) or pass it through marked (keep)")
    parser.add_argument("--errors", metavar="FILE",
                        help="also write the bad records as JSONL to FILE (written when the run completes)")
    parser.add_argument("--stats", metavar="FILE",
                        help="write a JSON summary of the run to FILE: documents, bytes, documents changed, spans "
                             "and characters cut per label, bad records, MB/s")
    parser.add_argument("--resume", action="store_true",
                        help="with an output directory of shards: skip the input files whose output is there "
                             "(written whole, so complete)")
    parser.add_argument("--memory", action="store_true",
                        help="two passes over the inputs: the first remembers the spans cut with confidence (their "
                             "word shingles and vocabulary: the run's spam campaigns), the second cleans with that "
                             "memory (see excise.memory); not for stdin")
    parser.add_argument("--memory-in", metavar="FILE",
                        help="clean with the memory saved in FILE (one pass; with --memory, the first pass adds to it)")
    parser.add_argument("--memory-out", metavar="FILE",
                        help="save the memory to FILE (see 'excise memory show FILE')")
    parser.add_argument("-q", "--quiet", action="store_true",
                        help="no progress line (it is drawn only when stderr is a terminal anyway)")
    parser.add_argument("--engine", choices=("local", "ray"), default="local",
                        help="local: this machine's processes (-j); ray: a Ray cluster (pip install 'ray[data]'), "
                             "for .parquet or .jsonl[.gz] inputs into a new OUTPUT directory (default: %(default)s)")
    parser.add_argument("--address", metavar="ADDR",
                        help="with --engine ray: the cluster to join (default: RAY_ADDRESS, else a local one)")
    _engine_options(parser)
    parser.set_defaults(handler=_cmd_clean)


def _add_scan(commands: Any, common: argparse.ArgumentParser) -> None:
    """``excise scan``."""
    parser = commands.add_parser(
        "scan", parents=[common], help="show what would be cut, and why",
        description="Show each document with the passages that would be cut marked, then each cut's "
                    "label, score and reasons. Bad records are reported on stderr and make the exit "
                    "status 1; the others are still shown.")
    _input_options(parser)
    parser.add_argument("--json", action="store_true",
                        help='one JSON object per document: {"id", "source", "line", "score", "spans", ...}')
    parser.add_argument("--html", action="store_true",
                        help="read .warc inputs as HTML pages (a crawl of a site), not as corpus records")
    parser.add_argument("--report", metavar="FILE",
                        help="HTML pages: also write a report a person can read to FILE, one self-contained HTML page "
                             "(summary, every page, each span in context with where and how it was hidden)")
    parser.add_argument("--color", choices=("auto", "always", "never"), default="auto",
                        help="mark cuts with colour (auto: when stdout is a terminal and NO_COLOR is unset) "
                             "or with [[- -]] brackets")
    _engine_options(parser)
    parser.set_defaults(handler=_cmd_scan)


def _add_eval(commands: Any, common: argparse.ArgumentParser) -> None:
    """``excise eval``."""
    parser = commands.add_parser(
        "eval", parents=[common], help="score the engine against gold spans",
        description='Scan the text of each gold record {"id", "text", "spans": [[start, end], ...]} and '
                    "report precision, recall and F1 over non-whitespace characters (micro-averaged), "
                    "and the share of clean documents that were cut into.")
    parser.add_argument("gold", nargs="+", metavar="GOLD", help="gold JSONL file(s)")
    parser.add_argument("--by", metavar="FIELD", help="also report one row per value of this gold field")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    _text_field_option(parser, "gold field")
    _engine_options(parser)
    parser.set_defaults(handler=_cmd_eval)


def _add_train(commands: Any, common: argparse.ArgumentParser) -> None:
    """``excise train``."""
    parser = commands.add_parser(
        "train", parents=[common], help="train the model (needs the 'train' extra)",
        description="Train the model from the shared data and write it as a .npz file.")
    parser.add_argument("--data", metavar="DIR",
                        help="directory of training data (default: ../shared/data from the working "
                             "directory, else beside the repository)")
    parser.add_argument("--out", metavar="PATH",
                        help="where to write the model (default: the packaged model, src/excise/data/model.npz)")
    parser.add_argument("--seed", type=int, default=0, metavar="N", help="random seed (default: %(default)s)")
    parser.add_argument("--tiny", action="store_true", help="a small, fast run, for tests")
    parser.add_argument("--docs", type=int, default=None, metavar="N",
                        help="synthetic training documents (default: the shipped model's recipe, "
                             f"{DEFAULT_DOCS})")
    parser.add_argument("--exclude-family", action="append", default=[], metavar="FAMILY",
                        help="leave this spam family out of training, to test generalisation (repeatable)")
    parser.add_argument("--chrome-share", type=_fraction(zero=True), default=None, metavar="S",
                        help="dress this share of the training documents in site chrome (newsletter prompts, "
                             "cookie notices, share bars: excise.training.chrome); not in the shipped recipe "
                             "(default: 0)")
    parser.set_defaults(handler=_cmd_train)


# --------------------------------------------------------------------------- main


def main(argv: list[str] | None = None) -> int:
    """Run the ``excise`` command with ``argv`` (default: ``sys.argv[1:]``); return the exit status."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # --help, --version and usage errors: keep main() returning a status
        return exc.code if isinstance(exc.code, int) else 2
    try:
        with _logging(args.verbose):
            return int(args.handler(args))
    except ConfigError as exc:
        return _fail(str(exc), 2)
    except ExciseError as exc:
        return _fail(str(exc), 1)
    except KeyboardInterrupt:
        return _fail("interrupted", 130)
    except BrokenPipeError:
        _silence_stdout()  # the reader went away (excise ... | head): not an error worth a traceback
        return 1


def _fail(message: str, status: int) -> int:
    """Report a fatal problem in one line; return the exit status."""
    print(f"excise: error: {message}", file=sys.stderr)
    return status


def _silence_stdout() -> None:
    """Point stdout at /dev/null so the interpreter's final flush does not fail again."""
    with contextlib.suppress(OSError, ValueError, AttributeError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())


class _StderrHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """Logs to whatever ``sys.stderr`` is when a message comes, not when the handler was made."""

    def __init__(self) -> None:
        super().__init__(sys.stderr)

    @property  # type: ignore[override]
    def stream(self) -> Any:
        """The current ``sys.stderr``."""
        return sys.stderr

    @stream.setter
    def stream(self, value: Any) -> None:
        pass  # always sys.stderr


@contextlib.contextmanager
def _logging(verbosity: int) -> Iterator[None]:
    """Send the library's log records to stderr at the level ``-v`` asks, for this run only."""
    package = logging.getLogger("excise")
    handler = _StderrHandler()
    handler.setFormatter(logging.Formatter("excise: %(levelname)s: %(message)s"))
    level = logging.WARNING if verbosity == 0 else logging.INFO if verbosity == 1 else logging.DEBUG
    old_level = package.level
    package.addHandler(handler)
    package.setLevel(level)
    try:
        yield
    finally:
        package.removeHandler(handler)
        package.setLevel(old_level)


def _excisor(args: argparse.Namespace) -> Excisor:
    """The engine the options ask for; a bad option raises :class:`ConfigError`."""
    config = Config() if args.threshold is None else Config(threshold=args.threshold)
    return Excisor(args.model, config=config)


#: records scanned together (``Excisor.scan_batch``), and the most characters of text a batch gathers:
#: enough to pay numpy's fixed cost per call once for many short documents, few enough to bound memory
BATCH_RECORDS = 128
BATCH_CHARS = 1 << 19

R = TypeVar("R", bound="Record | Line")


def _text(record: Record) -> str:
    """The document of a good record."""
    assert record.text is not None
    return record.text


def _batches(records: Iterable[R]) -> Iterator[list[R]]:
    """``records`` in order, in lists of at most ``BATCH_RECORDS`` holding about ``BATCH_CHARS`` of text at most
    (of a deferred line, its bytes)."""
    batch: list[R] = []
    chars = 0
    for record in records:
        batch.append(record)
        chars += len(record.raw) if isinstance(record, Line) else len(record.text) if record.text is not None else 0
        if len(batch) >= BATCH_RECORDS or chars >= BATCH_CHARS:
            yield batch
            batch, chars = [], 0
    if batch:
        yield batch


def _scanned(scanner: Scanner, records: Iterable[Record], reuse: Iterator[_FirstScan] | None = None
             ) -> Iterator[tuple[Record, Result | None]]:
    """Pair each record with its scan, in input order; a document the engine rejects becomes a bad record.

    Records are read and scanned a batch at a time (see ``BATCH_RECORDS``), by the
    scanner's worker processes (``-j``, :mod:`excise.parallel`). ``reuse``: the results
    of a first pass over the same records (``--memory``, :func:`_first_scans`), each
    record's result and trace (``Excisor.scan_batch``), None for a bad record; a
    record the memory cannot change (``Memory.may_change``) keeps its result from
    there, and only the others are scanned again.
    """
    if reuse is not None:
        yield from _rescanned(scanner, records, reuse)
        return
    for batch, results in scanner.scan(_batches(records), _batch_texts, describe=_describe_batch):
        found = iter(results)
        for record in batch:
            yield (record, None) if not record.ok else settle(record, next(found))


def _traced(scanner: Scanner, records: Iterable[Record]) -> Iterator[tuple[Record, Result | None, Trace | None]]:
    """:func:`_scanned` with each scan's trace (``Excisor.scan_batch``), for the first pass of ``--memory``."""
    for batch, scans in scanner.scan(_batches(records), _batch_texts, describe=_describe_batch, traced=True):
        found = iter(scans)
        for record in batch:
            if not record.ok:
                yield record, None, None
                continue
            scan = next(found)
            settled, result = settle(record, scan if isinstance(scan, str) else scan[0])
            yield settled, result, None if isinstance(scan, str) else scan[1]


@dataclasses.dataclass
class _Again:
    """A batch of the second pass: its records, with what the first pass found in each."""

    records: list[Record]
    first: list[_FirstScan]


#: what the first pass of ``--memory`` found in a record: its result and trace, or None (a bad record)
_FirstScan = tuple[Result, Trace | None] | None


def _first_scans(reuse: IO[bytes]) -> Iterator[_FirstScan]:
    """The first pass's scans, record after record, from the pickled lists it wrote (``_memory``); then None
    for ever (more records than the first pass read: an input that grew, scanned again). One reader for the
    whole second pass, however many shards it writes: the lists run across files."""
    while True:
        try:
            yield from pickle.load(reuse)
        except EOFError:
            break
    while True:
        yield None


def _rescanned(scanner: Scanner, records: Iterable[Record], reuse: Iterator[_FirstScan]
               ) -> Iterator[tuple[Record, Result | None]]:
    """:func:`_scanned` for the second pass of ``--memory`` (see there): the worker processes scan again only
    what the memory may change (``excise.parallel.scan_texts``)."""

    def batches() -> Iterator[_Again]:
        for batch in _batches(records):
            yield _Again(batch, [next(reuse) for _ in batch])

    def again(item: _Again) -> list[Trace | None | bool]:
        return [False if scan is None else scan[1] for record, scan in zip(item.records, item.first) if record.ok]

    for item, results in scanner.scan(batches(), lambda item: _batch_texts(item.records),
                                      describe=lambda item: _describe_batch(item.records), again_of=again):
        found = iter(results)
        for record, first in zip(item.records, item.first):
            if not record.ok:
                yield record, None
                continue
            result = next(found)
            if result is not None:
                yield settle(record, result)
            else:  # the memory cannot change the first scan
                assert first is not None
                yield record, first[0]


def _cleaned_lines(scanner: Scanner, items: Iterable[Record | Line], text_field: str
                   ) -> Iterator[tuple[bytes, DocumentCounts] | Record]:
    """Deferred JSONL lines (``read_records(defer=True)``) cleaned by the scanner's worker processes
    (:func:`excise.lines.clean_lines`), in input order: a good line's output line with its counts, a bad record
    as it is. The workers write the output lines to a file per batch in a temporary directory, which goes
    with the generator."""
    with tempfile.TemporaryDirectory(prefix="excise-lines-") as folder:
        numbers = itertools.count()
        paths: collections.deque[str] = collections.deque()  # one per batch handed out, in order

        def work(batch: list[Record | Line]) -> tuple[list[tuple[str, int, bytes]], str, str]:
            paths.append(os.path.join(folder, f"{next(numbers)}.jsonl"))
            return [tuple(item) for item in batch if isinstance(item, Line)], text_field, paths[-1]

        for batch, outcomes in scanner.run(_batches(items), clean_lines, work, describe=_describe_batch):
            path = paths.popleft()
            with open(path, "rb") as fh:
                written = fh.read()
            os.unlink(path)
            found = iter(outcomes)
            at = 0
            for item in batch:
                outcome = next(found) if isinstance(item, Line) else item
                if isinstance(outcome, Record):
                    yield outcome
                    continue
                length, counts = outcome
                yield written[at : at + length], counts
                at += length


def _batch_texts(batch: list[Record]) -> list[str]:
    """The documents of a batch's good records."""
    return [_text(record) for record in batch if record.ok]


def _describe_batch(batch: list[Record] | list[Record | Line]) -> str:
    """The records of a batch, for an error message: ``file:line to file:line``."""
    first, last = batch[0], batch[-1]
    where = [f"{r.source}:{r.line}" if r.line is not None else r.source for r in (first, last)]
    return f"the records {where[0]} to {where[1]}" if len(batch) > 1 else f"the record {where[0]}"


# --------------------------------------------------------------------------- clean


class _BadRecords:
    """Applies ``--on-error`` to bad records and counts them."""

    def __init__(self, policy: str, log: JsonlWriter | None) -> None:
        self.policy = policy
        self.log = log
        self.count = 0

    def handle(self, record: Record) -> None:
        """Log the record; raise in ``fail`` mode, else report it on stderr."""
        self.count += 1
        if self.log is not None:
            self.log.write(error_info(record))
        if self.policy == "fail":
            raise record.exception()
        action = "skipped" if self.policy == "skip" else "kept unchanged"
        print(f"excise: warning: {record.describe()} ({action})", file=sys.stderr)

    def summary(self) -> None:
        """Say on stderr how many bad records there were, if any."""
        if self.count:
            action = "skipped" if self.policy == "skip" else "kept unchanged"
            noun = "record" if self.count == 1 else "records"
            print(f"excise: {self.count} bad {noun} {action}", file=sys.stderr)


def _clean_mode(args: argparse.Namespace, files: list[InputFile], stdin: StdinSource) -> str:
    """``jsonl``, ``parquet``, ``text`` (one document), ``tree`` (plain-text documents mirrored into a directory)
    or ``shards`` (files of records, each to its own file in a directory): see CLEAN_EPILOG."""
    into_directory = args.output != STDIN and (os.path.isdir(args.output) or args.output.endswith(("/", os.sep)))
    if into_directory and any(f.is_records for f in files):
        if any(f.kind == "stdin" for f in files):
            raise ConfigError("stdin cannot be written as a shard of a directory: use a .jsonl output")
        return "shards"
    if args.output.lower().endswith(PARQUET_SUFFIXES):
        return "parquet"
    if is_jsonl_path(args.output):
        return "jsonl"
    if any(f.is_records or (f.kind == "stdin" and stdin.is_jsonl) for f in files):
        return "jsonl"
    if into_directory:
        return "tree"
    single = args.inputs[0] if len(args.inputs) == 1 else None
    if single is not None and (single == STDIN or not os.path.isdir(single)):
        return "text"
    if args.output == STDIN:
        return "jsonl"  # several documents cannot share stdout as plain text
    if any(f.kind == "stdin" for f in files):
        raise ConfigError("stdin cannot be mirrored into a directory: use a .jsonl output")
    return "tree"


def _sink(mode: str, args: argparse.Namespace, files: list[InputFile]) -> Sink:
    """The output of ``mode`` (but ``shards``, which has one per input file)."""
    if mode == "jsonl":
        return JsonlSink(args.output, args.text_field)
    if mode == "text":
        return TextSink(args.output)
    if mode == "tree":
        return TreeSink(args.output, {f.path: f.relpath for f in files})
    if files and all(f.kind in ("warc", "warc.gz") for f in files):
        from .warc import warc_schema

        return ParquetSink(args.output, warc_schema(args.text_field), args.text_field)
    parquet = [f for f in files if f.kind == "parquet" and f.error is None]
    if not parquet or len(parquet) != len(files):
        raise ConfigError("a .parquet output takes the schema of .parquet inputs (or WARC's): give only .parquet "
                          "files, or only WARC files, or write .jsonl")
    from .parquet import read_schema

    schemas = [read_schema(f.path) for f in parquet]
    for f, schema in zip(parquet[1:], schemas[1:]):
        if not schema.equals(schemas[0]):
            raise ConfigError(f"{f.path} has another schema than {parquet[0].path}: one .parquet output takes one "
                              "schema (write a directory of shards instead)")
    return ParquetSink(args.output, schemas[0], args.text_field)


class _Cleaning:
    """One ``excise clean`` run: records in, through the scanner, out to sinks, counted."""

    def __init__(self, args: argparse.Namespace, scanner: Scanner, stdin: StdinSource, bad: _BadRecords,
                 stats: RunStats, progress: Progress, counter: ReadCounter) -> None:
        self.args, self.scanner, self.stdin, self.bad = args, scanner, stdin, bad
        self.stats, self.progress, self.counter = stats, progress, counter
        self.reuse: Iterator[_FirstScan] | None = None  # the first pass's results (--memory), read once

    def into(self, sink: Sink, files: list[InputFile]) -> bool:
        """Clean the records of ``files`` into ``sink``; whether a file could not be read (at all, or to its
        end for an I/O error)."""
        if self._by_line(sink, files):
            return self._lines_into(sink, files)
        unreadable = False
        records = read_records(files, text_field=self.args.text_field, stdin=self.stdin, counter=self.counter)
        for record, result in _scanned(self.scanner, records, self.reuse):
            if result is None:
                unreadable |= self._bad(record, sink)
            else:
                assert record.text is not None
                self.stats.add(record.text, result)
                sink.write(record, result)
            self.progress.update()
        return unreadable

    def _by_line(self, sink: Sink, files: list[InputFile]) -> bool:
        """Whether the workers can take whole JSONL lines and give back output lines: JSONL in and out, with
        worker processes, and no first pass to reuse."""
        return (self.scanner.jobs > 1 and self.reuse is None and isinstance(sink, JsonlSink)
                and all(file.kind in _LINE_KINDS or (file.kind == "stdin" and self.stdin.is_jsonl) for file in files))

    def _lines_into(self, sink: JsonlSink, files: list[InputFile]) -> bool:
        """:meth:`into` with the parsing and writing of each record done in the worker processes
        (:mod:`excise.lines`); the same output."""
        unreadable = False
        items = read_records(files, text_field=self.args.text_field, stdin=self.stdin, counter=self.counter,
                             defer=True)
        for outcome in _cleaned_lines(self.scanner, items, self.args.text_field):
            if isinstance(outcome, Record):
                unreadable |= self._bad(outcome, sink)
            else:
                line, counts = outcome
                self.stats.add_counts(counts)
                sink.write_line(line)
            self.progress.update()
        return unreadable

    def _bad(self, record: Record, sink: Sink) -> bool:
        """Take a bad record; whether it says its file could not be read (at all, or to its end)."""
        self.stats.bad_records += 1
        self.bad.handle(record)
        sink.bad(record, keep=self.bad.policy == "keep")
        return record.line is None or record.unread

    def shards(self, files: list[InputFile]) -> None:
        """Each file to its own shard under the output directory, committed when it is done."""
        for file in files:
            sink = shard_sink(self.args.output, file, self.args.text_field)
            if sink is None:  # cannot be read: the reader reports it as a bad record
                self.into(_NO_SINK, [file])
                continue
            try:
                with sink:
                    if self.into(sink, [file]):
                        raise _Unreadable  # no shard, so that --resume tries the file again
            except _Unreadable:
                pass


#: input files whose records are JSONL lines (stdin may be too: ``StdinSource.is_jsonl``)
_LINE_KINDS = frozenset({"jsonl", "jsonl.gz", "jsonl.zst"})


class _Unreadable(Exception):
    """A shard's input could not be read: its output is dropped."""


class _NoSink:
    """Takes records and writes nothing (for a file that gets no output)."""

    def write(self, record: Record, result: Result) -> None:
        pass

    def bad(self, record: Record, keep: bool) -> None:
        pass


_NO_SINK: Any = _NoSink()


def _cmd_clean(args: argparse.Namespace) -> int:
    """``excise clean``: write every record cleaned, in input order."""
    if args.engine == "ray":
        if args.memory or args.memory_in or args.memory_out:
            raise ConfigError("--memory runs with the local engine (-j N), not with --engine ray")
        return _clean_with_ray(args)
    if is_html_input(args.inputs):
        if args.memory or args.memory_in or args.memory_out:
            raise ConfigError("--memory is for corpus records, not for HTML pages")
        return _clean_site(args)
    if args.memory and STDIN in args.inputs:
        raise ConfigError("--memory reads the inputs twice: give files, not stdin")
    if args.memory_out and not (args.memory or args.memory_in):
        raise ConfigError("--memory-out saves the memory of --memory (or --memory-in): give one of them")
    if args.memory_out and not os.path.isdir(os.path.dirname(os.path.abspath(args.memory_out))):
        raise ConfigError(f"--memory-out {args.memory_out}: its directory does not exist")
    excisor = _excisor(args)
    stdin = StdinSource()
    files = expand_inputs(args.inputs)
    mode = _clean_mode(args, files, stdin)
    stats = RunStats()
    if args.resume:
        if mode != "shards":
            raise ConfigError("--resume needs an output directory of shards (-o DIR/ with .jsonl or .parquet inputs)")
        files, done = pending_shards(args.output, files)
        stats.skipped_files = len(done)
        if done:
            print(f"excise: {len(done)} of {len(done) + len(files)} shards already written, skipped (--resume)",
                  file=sys.stderr)
    if mode == "shards":
        check_shard_targets(args.output, files)
    reuse = None
    if args.memory or args.memory_in:
        excisor.memory, reuse = _memory(args, excisor, files)
    stats.files = len(files)
    counter = ReadCounter()
    progress = Progress(stats, enabled=Progress.wanted(args.quiet), read_bytes=lambda: counter.bytes,
                        total_bytes=sum(file_size(f.path) for f in files if f.kind != "stdin") or None)
    try:
        with contextlib.ExitStack() as stack:
            scanner = stack.enter_context(Scanner(excisor, args.jobs))
            log = stack.enter_context(JsonlWriter(args.errors)) if args.errors else None
            bad = _BadRecords(args.on_error, log)
            run = _Cleaning(args, scanner, stdin, bad, stats, progress, counter)
            if reuse is not None:
                run.reuse = _first_scans(stack.enter_context(reuse))
            if mode == "shards":
                run.shards(files)
            else:
                run.into(stack.enter_context(_sink(mode, args, files)), files)
    finally:
        progress.close()
    if args.stats:
        with TextWriter(args.stats) as out:
            out.write(json.dumps(_stats(stats, args, mode), indent=2) + "\n")
    bad.summary()
    logger.info("wrote %d documents, %d characters cut, %d bad records", stats.documents, stats.chars_removed,
                bad.count)
    return 0


def _clean_site(args: argparse.Namespace) -> int:
    """``excise clean`` of HTML pages: one page to a file (or stdout), pages or directories to a directory
    mirroring them; every byte that was not cut is written as it was read."""
    if any(p.lower().endswith((".warc", ".warc.gz")) for p in args.inputs):
        raise ConfigError("excise clean writes HTML pages from HTML files: scan a WARC crawl with 'excise scan --html', "
                          "clean the site's own files")
    inputs = list(html_files(args.inputs))
    single = len(inputs) == 1 and not os.path.isdir(args.inputs[0])
    if not single and args.output == STDIN:
        raise ConfigError("several HTML pages need an output directory: -o DIR")
    if not single and os.path.isfile(args.output):
        raise ConfigError(f"output {args.output!r} is a file; several HTML pages need an output directory")
    pages = []
    for item in scan_files(_excisor(args), args.inputs, args.site, args.hidden_threshold):
        if isinstance(item, InputError):
            raise item  # nothing is written: fix the input and run again
        pages.append(item)
    if single and not os.path.isdir(args.output):
        if args.output == STDIN:
            sys.stdout.buffer.write(pages[0].cleaned())
            sys.stdout.flush()
        else:
            with TextWriter(args.output) as out:
                out.write(pages[0].cleaned())
    else:
        with TreeWriter(args.output) as tree:
            for page in pages:
                tree.write(page.relpath, page.cleaned())
    changed = sum(bool(p.scan.findings) for p in pages)
    if not args.quiet:
        print(f"excise: {len(pages)} pages, {changed} cleaned, "
              f"{sum(len(p.scan.findings) for p in pages)} spans cut", file=sys.stderr)
    return 0


def _memory(args: argparse.Namespace, excisor: Excisor, files: list[InputFile]
            ) -> tuple[Memory, IO[bytes] | None]:
    """The corpus memory of a ``clean``: loaded (``--memory-in``), then learnt over the inputs (``--memory``),
    saved (``--memory-out``); with ``--memory``, also the first pass's results and their traces (a temporary
    file of pickled lists, ``BATCH_RECORDS`` records each), which the second pass keeps for the records the
    memory cannot change (``Memory.may_change``)."""
    memory = Memory.load(args.memory_in) if args.memory_in else Memory()
    reuse = None
    if args.memory:
        reuse = tempfile.TemporaryFile()  # noqa: SIM115 - handed to the caller, which closes it after the second pass
        try:
            with Scanner(excisor, args.jobs) as scanner:
                kept: list[_FirstScan] = []
                for record, result, trace in _traced(scanner, read_records(files, text_field=args.text_field)):
                    kept.append(None if result is None else (result, trace))
                    if len(kept) == BATCH_RECORDS:  # one pickle per list of records: many small ones cost more
                        pickle.dump(kept, reuse, protocol=pickle.HIGHEST_PROTOCOL)
                        kept = []
                    if result is not None and record.text is not None:
                        memory.learn(record.text, result)
                pickle.dump(kept, reuse, protocol=pickle.HIGHEST_PROTOCOL)
        except BaseException:
            reuse.close()
            raise
        reuse.seek(0)
        if not args.quiet:
            facts = memory.summary(0)
            print(f"excise: memory: {facts['spans']} spans of {facts['documents']} documents remembered, "
                  f"{facts['usable']} shingles and {facts['words']} words usable", file=sys.stderr)
    if args.memory_out:
        try:
            memory.save(args.memory_out)
        except OSError as exc:
            raise ConfigError(f"cannot write the memory to {args.memory_out}: {exc.strerror or exc}") from exc
    return memory, reuse


def _add_memory(commands: Any, common: argparse.ArgumentParser) -> None:
    """``excise memory show``."""
    parser = commands.add_parser("memory", parents=[common], help="look into a corpus memory file",
                                 description="Show what a memory file saved by 'excise clean --memory-out' holds: "
                                             "its size, the vocabulary it learnt, its most repeated spans.")
    parser.add_argument("action", choices=("show",), help="show: print what the memory holds")
    parser.add_argument("file", metavar="FILE", help="a memory file written by 'excise clean --memory-out'")
    parser.add_argument("--top", type=int, default=10, help="examples and words to show (default: %(default)s)")
    parser.add_argument("--json", action="store_true", help="print it as JSON")
    parser.set_defaults(handler=_cmd_memory)


def _cmd_memory(args: argparse.Namespace) -> int:
    """``excise memory show FILE``."""
    facts = Memory.load(args.file).summary(args.top)
    if args.json:
        print(json.dumps(facts, indent=2, ensure_ascii=False))
        return 0
    print(f"{facts['documents']} documents and {facts['spans']} spans learnt from ({facts['seen']} read); "
          f"{facts['shingles']} shingles remembered, {facts['usable']} usable, {facts['boilerplate']} set aside as "
          f"ordinary repeated text; {facts['words']} words usable")
    if facts["vocabulary"]:
        print("vocabulary: " + ", ".join(f"{w} ({n})" for w, n in facts["vocabulary"]))
    for item in facts["top"]:
        print(f"  {item['documents']:>5} documents  {item['example']}")
    return 0


def _clean_with_ray(args: argparse.Namespace) -> int:
    """``excise clean --engine ray``: see :func:`excise.integrations.ray.clean_with_ray`."""
    if args.output == STDIN or args.resume or args.errors or args.stats:
        raise ConfigError("--engine ray writes a new directory (-o DIR) and takes no --resume, --errors or --stats")
    try:
        import ray  # noqa: F401

        from .integrations.ray import clean_with_ray
    except ImportError:
        raise ConfigError("--engine ray needs Ray: pip install 'ray[data]'") from None
    Config() if args.threshold is None else Config(threshold=args.threshold)  # a bad threshold fails here, not in Ray
    rows = clean_with_ray(args.inputs, args.output, address=args.address, text_column=args.text_field,
                          model=args.model, threshold=args.threshold,
                          concurrency=args.jobs if args.jobs > 1 else None)
    if not args.quiet:
        print(f"excise: {rows} records cleaned into {args.output}", file=sys.stderr)
    return 0


def _stats(stats: RunStats, args: argparse.Namespace, mode: str) -> dict[str, Any]:
    """The ``--stats`` JSON of a run."""
    threshold = Config().threshold if args.threshold is None else args.threshold
    return stats.to_dict(command=args.command, inputs=list(args.inputs), output=args.output, output_mode=mode,
                         model=stats.model, threshold=threshold, jobs=args.jobs)


# --------------------------------------------------------------------------- scan


def _cmd_scan(args: argparse.Namespace) -> int:
    """``excise scan``: show the cuts of each document; exit 1 if any record was bad."""
    if args.html or is_html_input(args.inputs):
        return _scan_site(args)
    if args.report:
        raise ConfigError("--report is for HTML pages (.html files, a site's directory, or a WARC crawl with "
                          "--html); these inputs are corpus records")
    with Scanner(_excisor(args), args.jobs) as scanner:
        return _show_scans(args, _scanned(scanner, read_inputs(args.inputs, text_field=args.text_field,
                                                               stdin=StdinSource())))


def _scan_site(args: argparse.Namespace) -> int:
    """``excise scan`` of HTML pages: each page's findings placed in its source; exit 1 when spam is found,
    2 when a page could not be read (and none had spam), 0 otherwise."""
    pages = found = spans = 0
    unreadable: list[str] = []
    kept: list[ReportPage] = []
    for item in scan_files(_excisor(args), args.inputs, args.site, args.hidden_threshold):
        if isinstance(item, InputError):
            unreadable.append(item.source or str(item))
            print(f"excise: warning: {item}", file=sys.stderr)
            continue
        scan = item.scan
        if args.report:
            kept.append(ReportPage.of(scan))
        pages += 1
        found += bool(scan.findings)
        spans += len(scan.findings)
        if args.json:
            sys.stdout.write(dumps_line(scan.to_dict()).decode("utf-8"))
        else:
            _show_page(scan)
    if args.report:
        with TextWriter(args.report) as out:
            out.write(render_report(kept, unreadable=unreadable))
    if not args.json:
        print(f"{pages} pages, {found} with spam, {spans} spans, {len(unreadable)} unreadable"
              + (f"; report: {args.report}" if args.report else ""))
    return 1 if found else 2 if unreadable else 0


def _show_page(scan: PageScan) -> None:
    """One page's findings: where each is, how it is hidden, what it says."""
    outbound = ", ".join(f"{host} ({n})" for host, n in scan.outbound[:8])
    print(f"== {scan.path}  score {scan.result.score:.2f}  {len(scan.findings)} spans"
          + (f"  outbound: {outbound}" if outbound else ""))
    for f in scan.findings:
        where = f.element or "(page)"
        what = ["whole element" if f.whole_element else "text inside"]
        if f.hidden:
            what.append("hidden: " + ", ".join(f.hidden))
        print(f"  {f.line}:{f.column}  {where}  [{'; '.join(what)}]  {f.span.label} {f.span.score:.2f}  "
              f"{', '.join(f.span.reasons) or '-'}")
        excerpt = " ".join(f.text.split())
        print(f"      {excerpt[:157] + '...' if len(excerpt) > 160 else excerpt}")
    print()


def _show_scans(args: argparse.Namespace, records: Iterable[tuple[Record, Result | None]]) -> int:
    """Show each record's cuts (or its problem) and a summary line; 1 if any record was bad."""
    show = _show_json if args.json else _show_text
    colour = args.color == "always" or (args.color == "auto" and _is_terminal())
    docs = flagged = spans = cut = errors = 0
    for record, result in records:
        if result is None:
            errors += 1
            print(f"excise: warning: {record.describe()}", file=sys.stderr)
            if args.json:
                sys.stdout.write(dumps_line(error_info(record)).decode("utf-8"))
            continue
        docs += 1
        flagged += bool(result.spans)
        spans += len(result.spans)
        cut += result.removed_chars
        show(record, result, colour)
    if not args.json:
        print(f"{docs} documents, {flagged} with cuts, {spans} spans, {cut} characters cut, {errors} bad records")
    return 1 if errors else 0


def _is_terminal() -> bool:
    """Whether colour is welcome on stdout."""
    return sys.stdout.isatty() and not os.environ.get("NO_COLOR")


def _record_id(record: Record) -> Any:
    """The record's own ``id`` field (a WARC record: its URL), or its source for a plain-text document."""
    if record.data is None:
        return record.source
    return record.data.get("id", record.data.get("url"))


def _show_json(record: Record, result: Result, colour: bool) -> None:
    """One JSON line per document."""
    obj = {"id": _record_id(record), "source": record.source, "line": record.line, **result.to_dict()}
    sys.stdout.write(dumps_line(obj).decode("utf-8"))


def _show_text(record: Record, result: Result, colour: bool) -> None:
    """The document with its cuts marked, then one line per cut."""
    assert record.text is not None
    where = record.source if record.line is None else f"{record.source}:{record.line}"
    ident = _record_id(record)
    title = where if ident in (None, record.source) else f"{where} (id {ident})"
    page = f"  whole page spam {result.page_score:.2f}" if result.page_score >= 0.5 else ""
    print(f"== {title}  score {result.score:.2f}  {len(result.spans)} spans, {result.removed_chars} chars{page}")
    print(highlight(record.text, [(s.start, s.end) for s in result.spans], colour=colour))
    for span in result.spans:
        reasons = ", ".join(span.reasons) or "-"
        print(f"  [{span.start}:{span.end}] {span.label} {span.score:.2f}  {reasons}")
    print()


def highlight(text: str, spans: Iterable[tuple[int, int]], *, colour: bool = False) -> str:
    """``text`` with each span marked: ANSI bold red with ``colour``, else ``[[-`` … ``-]]``."""
    start_mark, end_mark = (_ANSI_CUT, _ANSI_RESET) if colour else _BRACKETS
    pieces = []
    pos = 0
    for start, end in sorted(spans):
        start = max(start, pos)  # spans are disjoint by contract; stay sane if they are not
        if end <= start:
            continue
        pieces += [text[pos:start], start_mark, text[start:end], end_mark]
        pos = end
    pieces.append(text[pos:])
    return "".join(pieces)


# --------------------------------------------------------------------------- eval


def _cmd_eval(args: argparse.Namespace) -> int:
    """``excise eval``: score against gold and print the report."""
    excisor = _excisor(args)
    gold = _gold_records(read_inputs(args.gold, text_field=args.text_field), args.text_field)
    report = evaluate(excisor, gold, by=args.by, text_field=args.text_field)
    _print_report(report, as_json=args.json)
    return 0


def _gold_records(records: Iterable[Record], text_field: str) -> Iterator[dict[str, Any]]:
    """Gold records, checked; the first bad one stops the evaluation with its file and line."""
    for record in records:
        if not record.ok:
            raise record.exception()
        if record.data is None:
            raise InputError("gold must be JSONL, not plain text", source=record.source)
        try:
            gold_spans(record.data, text_field=text_field)
        except InputError as exc:
            raise InputError(exc.message, source=record.source, line=record.line) from None
        yield record.data


def _print_report(report: Report, *, as_json: bool) -> None:
    """The report as a table or as JSON."""
    if as_json:
        print(json.dumps(report.to_dict(), indent=2))
    else:
        print(report.format_table())


# --------------------------------------------------------------------------- train


def _cmd_train(args: argparse.Namespace) -> int:
    """``excise train``: hand the options to ``excise.training.train.main``."""
    train_main = _load_trainer()
    options = argparse.Namespace(data=args.data, out=args.out, seed=args.seed, tiny=args.tiny,
                                 exclude_family=list(args.exclude_family), docs=args.docs,
                                 chrome_share=args.chrome_share)
    return int(train_main(options) or 0)


def _load_trainer() -> Callable[[argparse.Namespace], Any]:
    """``excise.training.train.main``, imported only now: training needs extra packages."""
    try:
        module = importlib.import_module("excise.training.train")
    except ModuleNotFoundError as exc:
        if exc.name is not None and (exc.name == "excise.training" or exc.name.startswith("excise.training.")):
            raise ExciseError("training is not available in this installation (no excise.training.train)") from None
        raise ExciseError(f"training needs the 'train' extra (missing module {exc.name!r}): "
                          "pip install 'excise[train]'") from None
    return module.main  # type: ignore[no-any-return]
