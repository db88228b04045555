"""Topic vectors: whether a unit is about what the rest of its document is about.

Lexical cohesion (``features._cohesion``) counts a unit's words that occur elsewhere in
its document: the same words, spelt the same. Two sentences about one thing often share
none ("angina" and "chest pain"), and a short injected sentence can share a common word
with any page. Topic vectors compare what the words are about instead. Every word of a
vocabulary learned from the clean training documents has a vector from a latent semantic
analysis (a truncated SVD of the document × word matrix, tf-idf weighted): words used in
the same documents get similar vectors. A unit's vector is the sum of its words' vectors,
each weighted by the word's idf; the evidence is its cosine with the rest of the document
(outside a window of three units on each side, as for cohesion) and with those nearest
units. An injected sentence about a loan on a page about hepatitis points elsewhere than
the page, whichever words it uses; a legitimate sentence points where the page points.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence
from itertools import repeat
from typing import TYPE_CHECKING

import numpy as np

from .bounds import DocBounds
from .compiled import extension

if TYPE_CHECKING:
    from .features import DocWords
    from .ngrams import NgramTable

__all__ = ["NEIGHBOURHOOD", "TOPIC_NAMES", "TopicTable"]

#: the dense features this module adds (see features.DENSE_NAMES)
TOPIC_NAMES = ("topic_far", "topic_near", "topic_known")
#: units on each side of a unit that are its neighbourhood, not "the rest of the document" (for lexical
#: cohesion, features._cohesion, as for the topic vectors)
NEIGHBOURHOOD = 3
#: the compiled similarity (excise._topics), or None: the Python reference runs
_COMPILED = extension("_topics")
#: fixed point of the vectors: an idf-weighted unit vector's components are below 32, 2**10 * 32 fits 16 bits
SCALE = 2**10


def is_topic_word(word: str) -> bool:
    """Whether ``word`` may have a topic vector: four characters or more, no stopword, not a number."""
    from .features import STOPWORDS

    return len(word) > 3 and word not in STOPWORDS and not word.isdigit()


class TopicTable:
    """Words and their idf-weighted topic vectors (row ``i`` of ``vectors`` is ``words[i]``'s).

    The vectors are kept in fixed point, as integers (``vectors / SCALE`` is the vector). Sums of
    them are integers well below 2**53, exact in float64 in any order: a unit's, a window's and a
    document's sums are the same bits however the batch around them is laid out, and numpy may
    take them the fast way (counting sort, running sums over the whole batch).
    """

    __slots__ = ("_by_id", "_by_id_of", "_padded", "index", "vectors", "words")

    def __init__(self, words: Sequence[str], vectors: np.ndarray) -> None:
        """``vectors``: the fixed-point vectors (integers), one row per word."""
        vectors = np.asarray(vectors)
        if vectors.ndim != 2 or len(vectors) != len(words):
            raise ValueError(f"{len(words)} topic words but a vector array of shape {vectors.shape}")
        if vectors.dtype.kind not in "iu" or (len(vectors) and int(np.abs(vectors).max()) > np.iinfo(np.int16).max):
            raise ValueError("topic vectors must be 16-bit integers (fixed point)")
        self.words = list(words)
        self.vectors = vectors.astype(np.int16)
        # row 0 for every word without a vector (see word_rows)
        self._padded = np.ascontiguousarray(np.vstack([np.zeros((1, self.vectors.shape[1]), dtype=np.int16),
                                                       self.vectors]))
        self.index = {w: i for i, w in enumerate(self.words, 1)}
        self._by_id: np.ndarray | None = None
        self._by_id_of: NgramTable | None = None

    @property
    def dims(self) -> int:
        return int(self.vectors.shape[1])

    @classmethod
    def fit(cls, documents: Iterable[Sequence[str]], *, dims: int = 32, min_df: int = 5, max_words: int = 40_000,
            seed: int = 0) -> TopicTable:
        """Latent semantic analysis of ``documents`` (each the folded words of one clean document).

        The vocabulary is the ``max_words`` topic words (:func:`is_topic_word`) in the most
        documents, in at least ``min_df`` of them. A document's entry for a word is
        ``(1 + log count) * idf``; each word's vector is its row of the SVD's right singular
        vectors scaled by the singular values, set to unit length, then scaled by its idf.
        Needs scikit-learn and scipy (training only).
        """
        from scipy.sparse import csr_matrix
        from sklearn.decomposition import TruncatedSVD

        counts = [Counter(w for w in words if is_topic_word(w)) for words in documents]
        df: Counter[str] = Counter()
        for c in counts:
            df.update(c.keys())
        words = [w for w, n in df.most_common(max_words) if n >= min_df]
        # a small training run (tests, --tiny) gets fewer dimensions than documents and words
        dims = min(dims, len(words) - 1, len(counts) - 1)
        if dims < 2:
            raise ValueError(f"too little clean text for topic vectors: {len(counts)} documents, "
                             f"{len(words)} words in {min_df} or more of them")
        index = {w: i for i, w in enumerate(words)}
        idf = np.log(len(counts) / np.array([df[w] for w in words], dtype=np.float64))
        rows: list[int] = []
        cols: list[int] = []
        values: list[float] = []
        for r, c in enumerate(counts):
            for w, n in c.items():
                if w in index:
                    rows.append(r)
                    cols.append(index[w])
                    values.append((1.0 + math.log(n)) * idf[index[w]])
        matrix = csr_matrix((values, (rows, cols)), shape=(len(counts), len(words)))
        svd = TruncatedSVD(dims, random_state=seed).fit(matrix)
        vectors = svd.components_.T * svd.singular_values_
        vectors /= np.linalg.norm(vectors, axis=1, keepdims=True) + 1e-9
        return cls(words, np.rint(vectors * idf[:, None] * SCALE).astype(np.int16))

    def word_rows(self, words: DocWords, table: NgramTable | None = None) -> np.ndarray:
        """Each word's vector: ``i`` for ``words[i - 1]``, 0 for a word without one.

        Words the compiled reader read carry the content model's vocabulary ids instead of
        strings: ``table`` is that content model (its vocabulary holds every topic word).
        """
        if words.ids is None:
            return words.of_distinct(map(self.index.get, words.distinct, repeat(0)), np.int64)
        if table is None:
            raise ValueError("these words were read by the compiled reader: their content model is needed")
        if self._by_id_of is not table:
            # built once per model: id i + 1 is table.words[i], id 0 (unknown) has no vector
            by_id = np.zeros(len(table.words) + 1, dtype=np.int64)
            by_id[1:] = np.fromiter(map(self.index.get, table.words, repeat(0)), dtype=np.int64,
                                    count=len(table.words))
            self._by_id, self._by_id_of = by_id, table
        assert self._by_id is not None
        return self._by_id[words.ids]

    def unit_features(self, words: DocWords, docs: DocBounds, table: NgramTable | None = None) -> np.ndarray:
        """The ``TOPIC_NAMES`` columns of every unit of ``words``: :meth:`similarity` of its :meth:`word_rows`
        (``table``: the content model whose vocabulary ids the compiled reader gave the words)."""
        return self.similarity(self.word_rows(words, table), words, docs)

    def similarity(self, rows: np.ndarray, words: DocWords, docs: DocBounds, *, compiled: bool | None = None
                   ) -> np.ndarray:
        """Per unit (``TOPIC_NAMES``): the cosine of its topic vector with the rest of its document's beyond
        ``NEIGHBOURHOOD`` units, with its neighbours' within them, and whether it has a vector at all.

        ``rows`` are :meth:`word_rows` of ``words``. The sums are exact (integers), so each
        document's values are those of the document alone. ``compiled`` (default: where it is
        built) chooses ``excise._topics``, which gives the same bits as :meth:`similarity_python`.
        """
        if compiled is None:
            compiled = _COMPILED is not None
        if not compiled:
            return self.similarity_python(rows, words, docs)
        if _COMPILED is None:
            raise RuntimeError("the compiled topic features (excise._topics) are not built; reinstall excise "
                               "with a C compiler")
        n = len(words.lens)
        out = _COMPILED.similarity(np.ascontiguousarray(rows, dtype=np.int64),
                                   np.ascontiguousarray(words.starts, dtype=np.int64),
                                   np.ascontiguousarray(words.ends, dtype=np.int64),
                                   np.ascontiguousarray(docs.bounds, dtype=np.int64), self._padded,
                                   NEIGHBOURHOOD)
        return np.frombuffer(out, dtype=np.float64).reshape(n, len(TOPIC_NAMES)).copy()

    def similarity_python(self, rows: np.ndarray, words: DocWords, docs: DocBounds) -> np.ndarray:
        """:meth:`similarity` in numpy: the reference the compiled one follows."""
        n = len(words.lens)
        out = np.zeros((n, len(TOPIC_NAMES)))
        known = rows > 0
        if not known.any():
            return out
        unit_of = words.unit[known]
        dims = self.dims
        # each unit's sum of its known words' vectors, by counting sort
        place = (unit_of * dims)[:, None] + np.arange(dims)[None, :]
        vectors = self._padded[rows[known]].astype(np.float64)
        V = np.bincount(place.ravel(), weights=vectors.ravel(), minlength=n * dims).reshape(n, dims)
        # running sums over the units of the batch (along rows of the transposed array: numpy's fast direction)
        running = np.zeros((dims, n + 1))
        np.cumsum(V.T, axis=1, out=running[:, 1:])
        running = np.ascontiguousarray(running.T)
        i = np.arange(n)
        doc = docs.doc
        first, last = docs.bounds[:-1][doc], docs.bounds[1:][doc]
        near = NEIGHBOURHOOD
        window = running[np.minimum(i + near + 1, last)] - running[np.maximum(i - near, first)]
        far = running[last] - running[first] - window
        window -= V
        out[:, 0] = _cosine(V, far)
        out[:, 1] = _cosine(V, window)
        out[:, 2] = np.bincount(unit_of, minlength=n) > 0
        return out


def _cosine(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Cosine of each row of ``a`` with the same row of ``b``, 0 where either is all zeros.

    The sums run over the columns one after the other (``excise._topics`` adds in the same order,
    so both round alike).
    """
    aa = np.zeros(len(a))
    bb = np.zeros(len(a))
    ab = np.zeros(len(a))
    for j in range(a.shape[1]):
        x, y = a[:, j], b[:, j]
        aa += x * x
        bb += y * y
        ab += x * y
    na, nb = np.sqrt(aa), np.sqrt(bb)
    ok = (na > 0) & (nb > 0)
    out = np.zeros(len(a))
    out[ok] = ab[ok] / (na[ok] * nb[ok])
    return out
