"""Documents laid end to end: the units of a batch of documents scored as one array.

Most of the engine's time on a short document went into numpy's fixed cost per
call, about 150 calls per document. Scoring the units of many documents in the
same calls pays that cost once per batch, but each document must still be
scored as if it were alone: a neighbour, a median or a mean never reaches into
the next document, and a float sum is rounded exactly as the sum over the one
document rounds it (so a document's result never depends on its batch).
:class:`DocBounds` says where each document's units lie and holds the
reductions that keep to those bounds.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from itertools import pairwise

import numpy as np

__all__ = ["DocBounds"]


class DocBounds:
    """Units ``bounds[d]:bounds[d + 1]`` of a batch belong to document ``d``.

    ``doc`` gives each unit's document, ``first``/``last`` mark the first and the
    last unit of each document. Documents without units are allowed.
    """

    __slots__ = ("bounds", "counts", "doc", "first", "last")

    def __init__(self, counts: Sequence[int] | np.ndarray) -> None:
        self.counts = np.asarray(counts, dtype=np.int64)
        self.bounds = np.concatenate(([0], np.cumsum(self.counts)))
        self.doc = np.repeat(np.arange(len(self.counts)), self.counts)
        n = int(self.bounds[-1])
        filled = self.counts > 0
        self.first = np.zeros(n, dtype=bool)
        self.first[self.bounds[:-1][filled]] = True
        self.last = np.zeros(n, dtype=bool)
        self.last[self.bounds[1:][filled] - 1] = True

    @classmethod
    def single(cls, n: int) -> DocBounds:
        """One document of ``n`` units."""
        return cls([n])

    def __len__(self) -> int:
        """Number of documents."""
        return len(self.counts)

    def slices(self) -> Iterator[slice]:
        """Each document's units, as a slice of the batch."""
        for a, b in pairwise(self.bounds.tolist()):
            yield slice(a, b)

    def sums(self, values: np.ndarray) -> np.ndarray:
        """Each document's sum of ``values`` (one per unit), rounded as ``values[a:b].sum()`` rounds it.

        numpy sums pairwise, from 0: an add-reduction over each document's values
        with a 0 put in front of them takes the same steps (tests hold this), where a
        reduction straight over the values starts from the first value instead.
        """
        starts = self.bounds[:-1]
        padded = np.insert(values, starts, 0.0)
        return np.add.reduceat(padded, starts + np.arange(len(starts)))

    def medians(self, values: np.ndarray) -> np.ndarray:
        """Each document's median of ``values`` (as ``np.median``: the mean of the middle pair when even).

        A document without units gets an arbitrary value.
        """
        if not len(values):
            return np.zeros(len(self))
        ordered = values[np.lexsort((values, self.doc))]
        top = len(ordered) - 1
        mid = np.minimum(self.bounds[:-1] + self.counts // 2, top)
        below = np.clip(mid - 1, 0, top)
        return np.where(self.counts % 2 == 1, ordered[mid], (ordered[below] + ordered[mid]) / 2.0)

    def shifted(self, values: np.ndarray, k: int, pad: float) -> np.ndarray:
        """``values`` of the unit ``k`` places on (``k < 0``: back) in the same document; ``pad`` where none is."""
        n = len(values)
        out = np.full(n, pad)
        if abs(k) >= n:
            return out
        if k > 0:
            out[:-k] = values[k:]
        elif k < 0:
            out[-k:] = values[:k]
        else:
            return values.copy()
        # the unit k places on is in another document where a document boundary lies between them
        crossed = self.doc[np.clip(np.arange(n) + k, 0, n - 1)] != self.doc
        out[crossed] = pad
        return out
