"""What a run did: the ``--stats`` summary and the progress line on a terminal.

:class:`RunStats` counts documents, bytes, cuts per label and bad records as
the results go out; ``to_dict`` is the JSON that ``--stats FILE`` writes (a
stable schema: keys are only ever added). :class:`Progress` redraws one line on
stderr at most a few times a second, and only when stderr is a terminal.
"""

from __future__ import annotations

import os
import sys
import time
from dataclasses import dataclass, field
from typing import Any, NamedTuple, TextIO

from .types import Result

__all__ = ["STATS_VERSION", "DocumentCounts", "Progress", "RunStats", "document_counts"]

#: version of the ``--stats`` JSON schema
STATS_VERSION = 1


def utf8_length(text: str) -> int:
    """Bytes of ``text`` in UTF-8 (without encoding an ASCII text: the common case costs nothing)."""
    return len(text) if text.isascii() else len(text.encode("utf-8", "surrogatepass"))


class DocumentCounts(NamedTuple):
    """What :class:`RunStats` counts of one document: small, to travel from a worker process."""

    model: str
    bytes: int
    chars: int
    removed: int
    spans: tuple[tuple[str, int], ...]  # (label, characters) per span


def document_counts(text: str, result: Result) -> DocumentCounts:
    """The counts of one scanned document."""
    return DocumentCounts(result.model, utf8_length(text), len(text), result.removed_chars,
                          tuple((span.label, span.end - span.start) for span in result.spans))


@dataclass
class RunStats:
    """Counts of one ``excise clean`` or ``excise scan`` run."""

    documents: int = 0
    bytes: int = 0
    chars: int = 0
    changed: int = 0
    spans: int = 0
    chars_removed: int = 0
    labels: dict[str, dict[str, int]] = field(default_factory=dict)
    bad_records: int = 0
    files: int = 0
    skipped_files: int = 0
    model: str | None = None
    started: float = field(default_factory=time.perf_counter)

    def add(self, text: str, result: Result) -> None:
        """Count one scanned document."""
        self.add_counts(document_counts(text, result))

    def add_counts(self, counts: DocumentCounts) -> None:
        """Count one scanned document from its :func:`document_counts` (taken where it was scanned)."""
        self.documents += 1
        self.model = counts.model
        self.bytes += counts.bytes
        self.chars += counts.chars
        if counts.spans:
            self.changed += 1
            self.spans += len(counts.spans)
            self.chars_removed += counts.removed
            for name, chars in counts.spans:
                label = self.labels.setdefault(name, {"spans": 0, "chars": 0})
                label["spans"] += 1
                label["chars"] += chars

    @property
    def seconds(self) -> float:
        """Wall-clock seconds since the run started."""
        return time.perf_counter() - self.started

    def to_dict(self, **context: Any) -> dict[str, Any]:
        """The JSON summary; ``context`` (inputs, output, model, options) is added as it is."""
        seconds = self.seconds
        return {
            "version": STATS_VERSION,
            **context,
            "documents": self.documents,
            "bytes": self.bytes,
            "chars": self.chars,
            "documents_changed": self.changed,
            "spans": self.spans,
            "chars_removed": self.chars_removed,
            "by_label": {label: dict(counts) for label, counts in sorted(self.labels.items())},
            "bad_records": self.bad_records,
            "files": self.files,
            "files_skipped": self.skipped_files,
            "seconds": round(seconds, 3),
            "mb_per_s": round(self.bytes / 1e6 / seconds, 3) if seconds > 0 else None,
        }


class Progress:
    """One line on stderr, redrawn as documents go out: documents, MB/s, documents with spam, ETA.

    ``total_bytes`` is the size on disk of the inputs (``None`` when unknown, as
    for stdin); the ETA compares it with the bytes the readers have taken from
    disk so far (``read_bytes``, a callable). Silent unless ``enabled``.
    """

    INTERVAL = 0.25

    def __init__(self, stats: RunStats, *, enabled: bool, total_bytes: int | None = None,
                 read_bytes: Any = None, stream: TextIO | None = None) -> None:
        self.stats = stats
        self.enabled = enabled
        self.total_bytes = total_bytes
        self.read_bytes = read_bytes
        self.stream = stream if stream is not None else sys.stderr
        self._last = 0.0
        self._width = 0

    @staticmethod
    def wanted(quiet: bool) -> bool:
        """Whether to draw: stderr is a terminal, ``--quiet`` was not given and ``TERM`` is not ``dumb``."""
        return not quiet and sys.stderr.isatty() and os.environ.get("TERM") != "dumb"

    def update(self, *, force: bool = False) -> None:
        """Redraw if enough time went by since the last time (or ``force``)."""
        if not self.enabled:
            return
        now = time.perf_counter()
        if not force and now - self._last < self.INTERVAL:
            return
        self._last = now
        line = self.line()
        self.stream.write("\r" + line.ljust(self._width))
        self.stream.flush()
        self._width = len(line)

    def line(self) -> str:
        """The text of the progress line."""
        s = self.stats
        seconds = max(s.seconds, 1e-9)
        parts = [f"{s.documents:,} docs", f"{s.bytes / 1e6:,.1f} MB", f"{s.bytes / 1e6 / seconds:.1f} MB/s",
                 f"{s.changed:,} with spam"]
        if s.bad_records:
            parts.append(f"{s.bad_records:,} bad")
        read = self.read_bytes() if self.read_bytes is not None else None
        if self.total_bytes and read:
            done = min(read / self.total_bytes, 1.0)
            eta = seconds * (1 - done) / done if done > 0 else 0.0
            parts.append(f"{100 * done:.0f}%")
            parts.append(f"ETA {_duration(eta)}")
        return "excise: " + " | ".join(parts)

    def close(self) -> None:
        """Draw the final figures and end the line."""
        if self.enabled:
            self.update(force=True)
            self.stream.write("\n")
            self.stream.flush()


def _duration(seconds: float) -> str:
    """``1h02m``, ``3m05s`` or ``42s``."""
    seconds = round(seconds)
    if seconds >= 3600:
        return f"{seconds // 3600}h{seconds % 3600 // 60:02d}m"
    if seconds >= 60:
        return f"{seconds // 60}m{seconds % 60:02d}s"
    return f"{seconds}s"
