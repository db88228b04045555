"""The model file: content weights, the context network and metadata.

The model ships as data, never as code: one ``.npz`` read with
``allow_pickle=False``, holding the content model as the arrays it is scored
with (vocabulary as UTF-8 bytes, word and bigram weights, URL-part features),
the small context network, the topic vectors, the pre-screen's own word weights, and a JSON header with the
format version and a SHA-256 checksum of the arrays.
"""

from __future__ import annotations

import hashlib
import json
import math
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from .bounds import DocBounds
from .errors import ModelError
from .ngrams import NgramTable
from .screen import FLOOR, Screen
from .topics import TopicTable

__all__ = ["FORMAT_VERSION", "Model", "default_model_path"]

FORMAT_VERSION = 5
_ARRAYS = ("words", "unigram", "bigram_keys", "bigram_weights", "other_keys", "other_weights",
           "intent_unigram", "intent_other_keys", "intent_other_weights",
           "mean", "scale", "screen_words", "screen_weights", "topic_words", "topic_vectors")


def default_model_path() -> Path:
    """Path of the model shipped inside the package."""
    return Path(str(resources.files("excise") / "data" / "model.npz"))


@dataclass(slots=True)
class Model:
    """A loaded model: the content n-gram table, the context network as arrays, metadata."""

    ngrams: NgramTable
    bias: float
    #: the context network: (weights, biases) per layer, ReLU between layers, one logit out
    layers: list[tuple[np.ndarray, np.ndarray]]
    mean: np.ndarray
    scale: np.ndarray
    meta: dict[str, Any] = field(default_factory=dict)
    #: the pre-screen's spam-leaning words (fitted in training); empty: the content word weights stand in
    screen_weights: dict[str, float] = field(default_factory=dict)
    #: the topic vectors of the vocabulary (None: the topic features are 0)
    topics: TopicTable | None = None
    _screen: Screen | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        # the network computes on grids (see _exact_product): its weights are put on theirs once, here
        self.layers = [(_on_grid(np.array(w, dtype=np.float64), _WEIGHT_BITS),
                        _on_grid(np.array(b, dtype=np.float64), _WEIGHT_BITS)) for w, b in self.layers]

    @property
    def content(self) -> dict[str, float]:
        """The content model as feature string → weight (for inspection; built on each call)."""
        return self.ngrams.features()

    @property
    def screen(self) -> Screen:
        """The whole-document pre-screen with the threshold calibrated in training."""
        if self._screen is None:
            # a model without fitted screen weights has no threshold either: everything passes
            self._screen = Screen(self.screen_weights, self.meta.get("screen"), self.meta.get("screen_floor", FLOOR))
        return self._screen

    def set_screen(self, weights: dict[str, float], floor: float, threshold: float | None) -> None:
        """Install fitted pre-screen word weights, their floor and the calibrated threshold."""
        self.screen_weights = weights
        self.meta.update(screen=threshold, screen_floor=floor)
        self._screen = None

    def page_proba(self, doc_content_mean: float, doc_spam_share: float) -> float:
        """The probability that a whole document is spam, from two of its units' document features.

        A logistic model over the document's mean content log-odds and the share of its
        words in units whose content leans to spam, fitted in training on whole spam texts
        against clean pages (``meta["page"]``: intercept and two weights); 0 for a model
        trained without it.
        """
        weights = self.meta.get("page")
        if not weights:
            return 0.0
        logit = weights[0] + weights[1] * doc_content_mean + weights[2] * doc_spam_share
        return 1.0 / (1.0 + math.exp(-min(max(logit, -30.0), 30.0)))

    @property
    def name(self) -> str:
        """Short identifier written into every output record."""
        return f"excise-{self.meta.get('version', '0')}-{self.meta.get('checksum', '')[:8]}"

    def context_proba(self, X: np.ndarray, docs: DocBounds | None = None) -> np.ndarray:
        """Spam probability of each unit from its dense features.

        ``X`` may hold the units of several documents, as ``docs`` says; each unit's
        probability is then the same, to the last bit, as in a call with its document's
        rows alone: the network's arithmetic is exact (see :func:`_exact_product`).
        """
        # each layer's input in fixed point: integers, 2**_INPUT_BITS times the value
        h = X - self.mean
        h *= _INPUT_SCALE / self.scale
        np.rint(h, out=h)
        for w, b in self.layers[:-1]:
            # in place: a batch's hidden layer is large, and new arrays per step cost more than the arithmetic
            h = _exact_product(h, w, docs)
            h += b * _INPUT_SCALE
            np.maximum(h, 0.0, out=h)
            np.rint(h, out=h)
        w, b = self.layers[-1]
        logit = (_exact_product(h, w, docs) * (1.0 / _INPUT_SCALE) + b).ravel()
        return 1.0 / (1.0 + np.exp(-np.clip(logit, -30, 30)))

    def save(self, path: str | Path, **meta: Any) -> None:
        """Write the model; the file is written whole or not at all."""
        table = self.ngrams
        arrays = {
            "words": _joined(table.words),
            "unigram": table.unigram.astype(np.float32),
            "bigram_keys": table.bigram_keys.astype(np.int64),
            "bigram_weights": table.bigram_weights.astype(np.float32),
            "other_keys": _joined(list(table.other)),
            "other_weights": np.array(list(table.other.values()), dtype=np.float32),
            "intent_unigram": table.intent.astype(np.float32),
            "intent_other_keys": _joined(list(table.intent_other)),
            "intent_other_weights": np.array(list(table.intent_other.values()), dtype=np.float32),
            "mean": self.mean.astype(np.float32),
            "scale": self.scale.astype(np.float32),
            "screen_words": _joined(list(self.screen_weights)),
            "screen_weights": np.array(list(self.screen_weights.values()), dtype=np.float32),
            "topic_words": _joined(self.topics.words if self.topics is not None else []),
            "topic_vectors": self.topics.vectors if self.topics is not None else np.zeros((0, 1), dtype=np.int16),
        }
        for i, (w, b) in enumerate(self.layers):
            arrays[f"layer{i}_w"] = w.astype(np.float32)
            arrays[f"layer{i}_b"] = b.astype(np.float32)
        header = {**self.meta, **meta, "format": FORMAT_VERSION, "bias": float(self.bias), "layers": len(self.layers)}
        header["checksum"] = _checksum(arrays, header)
        arrays["header"] = np.frombuffer(json.dumps(header, sort_keys=True).encode("utf-8"), dtype=np.uint8)
        path = Path(path)
        tmp = path.with_name(path.name + ".tmp.npz")
        # stored, not deflated: every process reads the model once, and inflating it took half of that
        # (about 55 ms); the file is 10 MB instead of 5.6 (a wheel is a zip archive and compresses it anyway)
        np.savez(tmp, **arrays)
        tmp.replace(path)
        self.meta = header

    @classmethod
    def load(cls, path: str | Path | None = None) -> Model:
        """Load and verify a model file (the shipped one by default)."""
        path = Path(path) if path is not None else default_model_path()
        try:
            with np.load(path, allow_pickle=False) as f:
                arrays = {k: f[k] for k in f.files}
        except FileNotFoundError as e:
            raise ModelError(f"model file not found: {path} (run 'excise train' or reinstall excise)") from e
        except (OSError, ValueError, KeyError) as e:
            raise ModelError(f"cannot read model file {path}: {e}") from e
        try:
            header = json.loads(arrays.pop("header").tobytes().decode("utf-8"))
        except (KeyError, ValueError) as e:
            raise ModelError(f"cannot read model file {path}: no valid header ({e})") from e
        if header.get("format") != FORMAT_VERSION:
            raise ModelError(f"model {path} has format {header.get('format')}, this excise reads {FORMAT_VERSION}: "
                             "retrain it with 'excise train'")
        names = [*_ARRAYS, *(f"layer{i}_{p}" for i in range(int(header.get("layers", 0))) for p in "wb")]
        missing = [n for n in names if n not in arrays]
        if missing or not header.get("layers"):
            raise ModelError(f"model {path} is corrupt: missing arrays {missing or ['layer*']}")
        if header.get("checksum") != _checksum(arrays, header):
            raise ModelError(f"model {path} is corrupt: checksum mismatch")
        from .features import DENSE_NAMES

        if arrays["mean"].shape != (len(DENSE_NAMES),):
            raise ModelError(f"model {path} was trained on {arrays['mean'].shape[0]} context features, this excise "
                             f"computes {len(DENSE_NAMES)}: retrain it with 'excise train'")
        words = _split(arrays["words"])
        other_keys = _split(arrays["other_keys"])
        intent_keys = _split(arrays["intent_other_keys"])
        if len(other_keys) != len(arrays["other_weights"]) or len(intent_keys) != len(arrays["intent_other_weights"]):
            raise ModelError(f"model {path} is corrupt: URL feature names and weights differ in number")
        try:
            ngrams = NgramTable(words, arrays["unigram"], arrays["bigram_keys"], arrays["bigram_weights"],
                                dict(zip(other_keys, arrays["other_weights"].astype(np.float64).tolist())),
                                arrays["intent_unigram"],
                                dict(zip(intent_keys, arrays["intent_other_weights"].astype(np.float64).tolist())))
        except ValueError as e:
            raise ModelError(f"model {path} is corrupt: {e}") from e
        topic_words = _split(arrays["topic_words"])
        if len(topic_words) != len(arrays["topic_vectors"]):
            raise ModelError(f"model {path} is corrupt: {len(topic_words)} topic words but "
                             f"{len(arrays['topic_vectors'])} topic vectors")
        screen_words = _split(arrays["screen_words"])
        if len(screen_words) != len(arrays["screen_weights"]):
            raise ModelError(f"model {path} is corrupt: {len(screen_words)} pre-screen words but "
                             f"{len(arrays['screen_weights'])} weights")
        return cls(
            ngrams=ngrams,
            bias=float(header["bias"]),
            layers=[(arrays[f"layer{i}_w"], arrays[f"layer{i}_b"]) for i in range(int(header["layers"]))],
            mean=arrays["mean"].astype(np.float64),
            scale=arrays["scale"].astype(np.float64),
            meta=header,
            screen_weights=dict(zip(screen_words, arrays["screen_weights"].astype(np.float64).tolist())),
            topics=TopicTable(topic_words, arrays["topic_vectors"]) if topic_words else None,
        )


#: the network's inputs and hidden values are rounded to multiples of 2**-_INPUT_BITS (and held as integers,
#: 2**_INPUT_BITS times the value), its weights and biases (at load) to multiples of 2**-_WEIGHT_BITS: products
#: are then multiples of 2**-_WEIGHT_BITS, and sums of them below 2**(53 - _WEIGHT_BITS) are exact in float64,
#: in whatever order BLAS adds them
_INPUT_BITS = 16
_INPUT_SCALE = float(2**_INPUT_BITS)
_WEIGHT_BITS = 20
_EXACT_LIMIT = 2.0 ** (53 - _WEIGHT_BITS)
_BLOCK_ROWS = 32


def _on_grid(a: np.ndarray, bits: int) -> np.ndarray:
    """``a`` rounded to the nearest multiple of ``2**-bits`` (in place when ``a`` is a float64 array)."""
    a = np.asarray(a, dtype=np.float64)
    scale = float(2**bits)
    a *= scale
    np.rint(a, out=a)
    a /= scale
    return a


def _exact_product(h: np.ndarray, w: np.ndarray, docs: DocBounds | None) -> np.ndarray:
    """``h @ w`` for integer ``h`` and ``w`` on its grid, the same to the last bit for a row whatever matrix it is in.

    BLAS adds a row's products in an order that depends on the shape of the matrix the row is in (a single
    row goes through another routine than several, the last rows beyond a multiple of 4 through another
    loop). On the grids every product and every partial sum is a float64 without rounding as long as the
    sums stay below ``_EXACT_LIMIT``, so any order gives the same bits and a batch is multiplied as a whole,
    not document by document (thousands of small products cost more in calls than in arithmetic). A
    batch that could pass the limit
    (features far outside anything trained on) is taken document by document instead, which gives each
    document the rows of its own product.
    """
    out = np.empty((len(h), w.shape[1]))
    # the largest |h| without an array of |h| (two reductions over the batch's hidden layer, no copy of it)
    if len(h) == 0 or max(float(h.max()), -float(h.min())) * float(np.abs(w).sum(axis=0).max()) < _EXACT_LIMIT:
        if w.shape[1] == 1:
            # the output layer: numpy's own loop, no BLAS call (nor threads) at all
            np.einsum("ij,j->i", h, w[:, 0], out=out[:, 0])
            return out
        # in blocks of rows small enough that BLAS keeps each product on one thread: threads started for
        # a product this size cost more than they save, and fight a parallel run's other processes
        for start in range(0, len(h), _BLOCK_ROWS):
            np.matmul(h[start : start + _BLOCK_ROWS], w, out=out[start : start + _BLOCK_ROWS])
        return out
    if docs is None or len(docs) == 1:
        return h @ w
    for rows in docs.slices():
        np.matmul(h[rows], w, out=out[rows])
    return out


def _joined(strings: list[str]) -> np.ndarray:
    """Strings (without newlines) as one UTF-8 byte array."""
    return np.frombuffer("\n".join(strings).encode("utf-8"), dtype=np.uint8)


def _split(blob: np.ndarray) -> list[str]:
    text = blob.tobytes().decode("utf-8")
    return text.split("\n") if text else []


#: header values that change what the model finds: the checksum (and so the model's name) covers them too
_DECISIVE = ("bias", "screen", "screen_floor", "page")


def _checksum(arrays: dict[str, np.ndarray], header: dict[str, Any]) -> str:
    """SHA-256 over every array, in name order (the header is not an array here), then the decisive header
    values that are set (a model without a page score has the checksum it had before there was one)."""
    h = hashlib.sha256()
    for name in sorted(arrays):
        h.update(name.encode())
        h.update(np.ascontiguousarray(arrays[name]))  # the buffer itself: no copy
    decisive = {k: header[k] for k in _DECISIVE if header.get(k) is not None}
    if "page" in decisive:
        h.update(json.dumps(decisive, sort_keys=True).encode("utf-8"))
    return h.hexdigest()
