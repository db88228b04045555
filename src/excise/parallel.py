"""Scanning batches of documents in worker processes, with the results in input order.

Only what a batch's work needs goes to a worker, and only its results come back:
:meth:`Scanner.scan` sends the texts of a batch and gets their results; with
:meth:`Scanner.run` the work is any module-level function (``excise clean`` sends
JSONL lines and gets output lines: :mod:`excise.lines`). At most ``IN_FLIGHT * jobs``
batches are out at a time, so memory is bounded by the batch size, whatever the
size of the input. ``jobs=1`` scans in the calling process, with the same results.

A worker that dies (killed, out of memory, a crash in compiled code) breaks the
pool: a new pool is started and every batch that was out is scanned again, so no
document is lost, the oldest first and alone, so that a batch that kills its
worker is known. A batch that kills its worker :data:`MAX_TRIES` times running
alone stops the run with :class:`WorkerError` naming its documents.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from .engine import Excisor
from .errors import InputError, WorkerError
from .memory import Trace

__all__ = ["MAX_TRIES", "Scanner", "WorkerError", "available_cores", "scan_ordered", "scan_texts"]

#: a batch is scanned at most this many times when the workers scanning it die
MAX_TRIES = 3
#: batches out to the workers at a time, per worker: enough that a slow batch at the head of the line
#: does not leave the other workers idle, few enough to bound memory
IN_FLIGHT = 8

B = TypeVar("B")


def available_cores() -> int:
    """The CPU cores this process may run on (``-j 0`` means this many)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not on Linux
        return os.cpu_count() or 1


def scan_texts(excisor: Excisor, texts: Sequence[str], traced: bool = False,
               again: Sequence[Trace | None | bool] | None = None) -> list[Any]:
    """The scan of each text, in order; a text the engine rejects gets the error's message instead.

    The batch is scanned together; if the engine rejects it, its texts are scanned
    one by one, so that only the rejected ones miss a result. ``traced``: each scan
    comes as a pair ``(result, trace)`` (``Excisor.scan_batch``'s traces, for a
    memory's second pass; a rejected text's message comes alone). ``again``: the
    second pass itself; per text the trace of its first scan (``False`` where the
    first pass has none): a text is scanned only where the engine's memory may change
    that scan (``Memory.may_change``), the others get None. The check runs here, in
    the worker processes, not in the process that reads and writes the records.
    """
    if again is not None:
        memory = excisor.memory
        todo = [k for k, (text, trace) in enumerate(zip(texts, again))
                if trace is False or memory is None
                or memory.may_change(text, trace if isinstance(trace, Trace) else None)]
        scans: list[Any] = [None] * len(texts)
        for k, scan in zip(todo, scan_texts(excisor, [texts[k] for k in todo])):
            scans[k] = scan
        return scans
    try:
        if not traced:
            return list(excisor.scan_batch(texts))
        traces: list[Trace | None] = []
        return list(zip(excisor.scan_batch(texts, traces), traces))
    except InputError:
        pass
    scans = []
    for text in texts:
        try:
            if not traced:
                scans.append(excisor.scan(text))
                continue
            traces = []
            scans.append((excisor.scan_batch([text], traces)[0], traces[0]))
        except InputError as exc:
            scans.append(exc.message)
    return scans


def scan_ordered(excisor: Excisor, batches: Iterable[B], texts_of: Callable[[B], Sequence[str]], *,
                 jobs: int = 1, describe: Callable[[B], str] = lambda batch: "a batch") -> Iterator[
                     tuple[B, list[Any]]]:
    """Each batch with :func:`scan_texts` of its texts, in input order, scanned by ``jobs`` processes.

    ``texts_of`` gives a batch's texts (the batch itself stays here); ``describe``
    names a batch's documents in a :class:`WorkerError`. One pool of workers for
    one stream of batches: :class:`Scanner` keeps one for several.
    """
    with Scanner(excisor, jobs) as scanner:
        yield from scanner.scan(batches, texts_of, describe=describe)


class Scanner:
    """Scans streams of batches, one after the other, with the same ``jobs`` worker processes.

    The workers start on the first stream that needs them and stop when the
    ``with`` block ends (at once, if it ends with an exception).
    """

    def __init__(self, excisor: Excisor, jobs: int = 1) -> None:
        self.excisor = excisor
        self.jobs = jobs
        self._workers: _Workers | None = None

    def __enter__(self) -> Scanner:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, *_: object) -> None:
        if self._workers is not None:
            self._workers.close(stop=exc_type is not None)
            self._workers = None

    def scan(self, batches: Iterable[B], texts_of: Callable[[B], Sequence[str]], *,
             describe: Callable[[B], str] = lambda batch: "a batch", traced: bool = False,
             again_of: Callable[[B], Sequence[Trace | None | bool]] | None = None) -> Iterator[tuple[B, list[Any]]]:
        """See :func:`scan_ordered`; ``traced``, and ``again`` (``again_of(batch)``): see :func:`scan_texts`."""

        def work(batch: B) -> tuple[Any, ...]:
            return list(texts_of(batch)), traced, None if again_of is None else list(again_of(batch))

        return self.run(batches, scan_texts, work, describe=describe)

    def run(self, batches: Iterable[B], call: Callable[..., list[Any]], work: Callable[[B], tuple[Any, ...]], *,
            describe: Callable[[B], str] = lambda batch: "a batch") -> Iterator[tuple[B, list[Any]]]:
        """Each batch with ``call(excisor, *work(batch))``, in input order, called in the worker processes.

        ``call`` is a module-level function (it is sent to the workers by name); ``work``
        gives what it needs of a batch, which is all that travels (the batch itself stays
        here). :meth:`scan` is this with :func:`scan_texts`.
        """
        if self.jobs <= 1:
            for batch in batches:
                yield batch, call(self.excisor, *work(batch))
            return
        if self._workers is None:
            self._workers = _Workers(self.excisor, self.jobs)
        workers = self._workers
        careful = False  # after a worker died: the oldest batch runs alone until it is through
        pending: deque[_Job[B]] = deque()
        source = iter(batches)
        exhausted = False
        while True:
            while not exhausted and len(pending) < IN_FLIGHT * self.jobs:
                batch = next(source, None)
                if batch is None:
                    exhausted = True
                    break
                pending.append(_Job(batch, call, work(batch)))
            if not pending:
                return
            for job in list(pending)[: 1 if careful else len(pending)]:
                if job.future is None:
                    workers.submit(job)
            head = pending[0]
            try:
                assert head.future is not None
                results = head.future.result()
            except BrokenProcessPool:
                if careful:  # it ran alone: it is the one that kills its worker
                    head.tries += 1
                    if head.tries >= MAX_TRIES:
                        raise WorkerError(f"a worker process died {head.tries} times while scanning "
                                          f"{describe(head.batch)}; run with -j 1 to see the error") from None
                careful = True
                workers.restart()
                for job in pending:
                    job.future = None
                continue
            careful = False
            pending.popleft()
            yield head.batch, results


@dataclass
class _Job(Generic[B]):
    """One batch out to the workers."""

    batch: B
    call: Callable[..., list[Any]]
    args: tuple[Any, ...]
    tries: int = 0
    future: Future[list[Any]] | None = field(default=None, repr=False)


# the engine of a worker process, set once when the worker starts
_excisor: Excisor | None = None


def _start_worker(excisor: Excisor) -> None:
    """Worker start-up: keep the engine; leave Ctrl-C to the parent, which stops the workers."""
    global _excisor
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _excisor = excisor


def _call_in_worker(call: Callable[..., list[Any]], args: tuple[Any, ...]) -> list[Any]:
    assert _excisor is not None
    return call(_excisor, *args)


class _Workers:
    """A process pool that can be started again after a worker died."""

    def __init__(self, excisor: Excisor, jobs: int) -> None:
        # Loaded here, before the workers fork, the model's arrays are shared with them (copy on write).
        excisor.model  # noqa: B018 - loads the model
        self.excisor = excisor
        self.jobs = jobs
        methods = multiprocessing.get_all_start_methods()
        self.context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
        self.pool = self._new_pool()

    def _new_pool(self) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(max_workers=self.jobs, mp_context=self.context, initializer=_start_worker,
                                   initargs=(self.excisor,))

    def submit(self, job: _Job[B]) -> None:
        try:
            job.future = self.pool.submit(_call_in_worker, job.call, job.args)
        except BrokenProcessPool as exc:  # a worker died since the last result: this batch waits for the restart
            job.future = Future()
            job.future.set_exception(exc)

    def restart(self) -> None:
        self.pool.shutdown(wait=True, cancel_futures=True)
        self.pool = self._new_pool()

    def close(self, *, stop: bool) -> None:
        """Shut the pool down; ``stop``: after an error, Ctrl-C or an abandoned read, stop the workers at once."""
        if stop:
            for process in list(getattr(self.pool, "_processes", {}).values()):
                process.terminate()
        self.pool.shutdown(wait=True, cancel_futures=True)

