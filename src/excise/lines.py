"""JSONL lines cleaned where they are scanned.

With ``excise clean -j N`` on JSONL in and JSONL out, the process that reads the
input only splits it into lines (:class:`excise.io.Line`); each batch of lines
goes to a worker process, which parses them, scans the documents and writes
every output line to a file of the batch's own (:func:`clean_lines`); the
reading process copies those files into the output, in input order. The output
is byte for byte what the same records give when they are parsed, scanned and
written in one process (``-j 1``): the same functions build it.
"""

from __future__ import annotations

import dataclasses

from .engine import Excisor
from .io import Record, dumps_line, parse_line
from .outputs import output_object
from .parallel import scan_texts
from .stats import DocumentCounts, document_counts
from .types import Result

__all__ = ["Cleaned", "clean_lines", "settle"]

#: a good line cleaned: the length of its output line (newline included) in the batch's file, and what the
#: run's statistics count of it
Cleaned = tuple[int, DocumentCounts]


def settle(record: Record, scan: Result | str) -> tuple[Record, Result | None]:
    """A good record with its scan: a bad record instead when the engine rejected its text (``scan`` is the
    message); a blank document is passed through with nothing cut, whatever the model says."""
    if isinstance(scan, str):
        return dataclasses.replace(record, text=None, error=scan), None
    assert record.text is not None
    if not record.text.strip() and scan.spans:
        scan = dataclasses.replace(scan, spans=(), score=0.0, page_score=0.0)
    return record, scan


def clean_lines(excisor: Excisor, lines: list[tuple[str, int, bytes]], text_field: str, path: str
                ) -> list[Cleaned | Record]:
    """Each line (a :class:`~excise.io.Line` as a plain tuple) parsed, scanned and written, or the bad record
    it turned out to be.

    The output lines of the good records are written one after the other to the file
    ``path`` (replaced if it is there: a batch scanned again after its worker died);
    what comes back is small. A process killed while it sends a large result through
    a pool's pipe leaves the pool waiting for the rest for ever, so the text does not
    travel that way.
    """
    records = [parse_line(line, text_field) for line in lines]
    scans = iter(scan_texts(excisor, [record.text for record in records if record.text is not None]))
    out: list[Cleaned | Record] = []
    written: list[bytes] = []
    for record in records:
        if not record.ok:
            out.append(record)
            continue
        record, result = settle(record, next(scans))
        if result is None:
            out.append(record)
            continue
        assert record.text is not None
        line = dumps_line(output_object(record, result, text_field))
        written.append(line)
        out.append((len(line), document_counts(record.text, result)))
    with open(path, "wb") as fh:
        fh.write(b"".join(written))
    return out
