"""``excise train``: rebuild the shipped model from ``../shared/data``.

Recipe (documented in docs/model.md):

1. Read real spam texts and real clean hosts; split both 80/20 by a hash of
   their id. Only the train split is used here.
2. Inject train spam into train hosts in every style (:mod:`.synth`); keep 40 %
   of documents clean, and add every train hard negative (ED-drug health pages,
   gambling and loan news, replica-set posts) unchanged.
3. Label units by their overlap with the gold spans.
4. Content model: logistic regression over unit n-gram features. Its scores on
   the training documents are cross-fitted (two folds) so that the context
   model learns from realistic, not memorised, content scores.
5. Context model: a one-hidden-layer network over the dense context/structure
   features; then the final content model is refit on all documents.
"""

from __future__ import annotations

import argparse
import logging
import math
import time
from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np

from ..features import content_features, dense_features, view_units
from ..model import Model, default_model_path
from ..ngrams import NgramTable
from ..segment import segment
from .sources import Piece, clean_hosts, default_data_dir, spam_pieces
from .synth import Doc, Injector, keyword_anchors

__all__ = ["build_training_docs", "fit", "main", "unit_labels"]

log = logging.getLogger(__name__)

#: synthetic training documents of the shipped model
DEFAULT_DOCS = 12000


def unit_labels(doc: Doc, units: Sequence) -> np.ndarray:
    """1 for units whose non-space characters are mostly inside gold spans."""
    if not doc.spans:
        return np.zeros(len(units), dtype=np.int8)
    inside = np.zeros(len(doc.text) + 1, dtype=np.int32)
    for a, b in doc.spans:
        inside[a] += 1
        inside[b] -= 1
    inside = np.cumsum(inside)[:-1] > 0
    labels = np.zeros(len(units), dtype=np.int8)
    for i, u in enumerate(units):
        seg = doc.text[u.start : u.end]
        mask = np.frombuffer(seg.encode("utf-32-le"), dtype=np.uint32) > 32
        if mask.any():
            labels[i] = inside[u.start : u.end][mask].mean() > 0.5
    return labels


def build_training_docs(data: Path, *, seed: int, n_docs: int, exclude: Iterable[str] = (),
                        split: str = "train") -> list[Doc]:
    """Synthetic documents (and the hard negatives, clean) from one split of the data."""
    exclude = set(exclude)
    spam = [p for p in spam_pieces(data) if p.split == split and p.family not in exclude]
    hosts = [p for p in clean_hosts(data) if p.split == split]
    anchors = [a for a in keyword_anchors(str(data / "smokedetector" / "bad_keywords.txt")) if a[1] not in exclude]
    injector = Injector(spam, anchors, seed=seed)
    docs = injector.make(hosts, n_docs, prefix=f"{split}")
    docs += [Doc(f"hn:{h.id}", h.text, [], h.id, "", "", h.hard_negative) for h in hosts if h.hard_negative]
    return docs


class _Featurized:
    """Units, sparse content features and labels of a list of documents."""

    def __init__(self, docs: Sequence[Doc]) -> None:
        self.docs = docs
        self.units = []
        self.views = []
        self.feats: list[list[str]] = []
        self.labels = []
        self.doc_of_unit = []
        for d, doc in enumerate(docs):
            units = segment(doc.text)
            views = view_units(doc.text, units)
            self.units.append(units)
            self.views.append(views)
            self.labels.append(unit_labels(doc, units))
            self.feats.extend(content_features(v) for v in views)
            self.doc_of_unit.extend([d] * len(units))
        self.y = np.concatenate(self.labels) if self.labels else np.zeros(0)
        self.doc_of_unit = np.array(self.doc_of_unit)

    def matrix(self, vocab: dict[str, int]):
        from scipy.sparse import csr_matrix

        indptr = [0]
        indices: list[int] = []
        values: list[float] = []
        for feats in self.feats:
            ids = [vocab[f] for f in feats if f in vocab]
            scale = 1.0 / math.sqrt(len(feats)) if feats else 0.0
            indices.extend(ids)
            values.extend([scale] * len(ids))
            indptr.append(len(indices))
        return csr_matrix((np.array(values), np.array(indices, dtype=np.int64), np.array(indptr)),
                          shape=(len(self.feats), len(vocab)))


def _vocab(feats: Sequence[list[str]], min_count: int) -> dict[str, int]:
    from collections import Counter

    counts: Counter[str] = Counter()
    for f in feats:
        counts.update(set(f))
    words = sorted(w for w, c in counts.items() if c >= min_count)
    return {w: i for i, w in enumerate(words)}


def _fit_content(X, y, C: float):
    from sklearn.linear_model import LogisticRegression

    clf = LogisticRegression(C=C, solver="liblinear", max_iter=200)
    clf.fit(X, y)
    return clf


def _row_max(X) -> np.ndarray:
    """Row-wise max over the stored entries of a CSR matrix (0 for empty rows)."""
    out = np.zeros(X.shape[0])
    nonempty = np.diff(X.indptr) > 0
    if nonempty.any():
        out[nonempty] = np.maximum.reduceat(X.data, X.indptr[:-1][nonempty])
    return out


def fit(docs: Sequence[Doc], *, seed: int = 0, min_count: int = 2, C: float = 4.0, hidden: int = 32) -> Model:
    """Train both stages on ``docs``; returns an in-memory model."""
    from sklearn.neural_network import MLPClassifier

    t0 = time.time()
    fz = _Featurized(docs)
    log.info("featurized %d docs, %d units (%.0f%% spam) in %.1fs", len(docs), len(fz.y), 100 * fz.y.mean(),
             time.time() - t0)
    vocab = _vocab(fz.feats, min_count)
    X = fz.matrix(vocab)
    # cross-fitted content scores for the context model
    rng = np.random.default_rng(seed)
    fold_of_doc = rng.integers(0, 2, size=len(docs))
    fold = fold_of_doc[fz.doc_of_unit]
    oof = np.zeros(len(fz.y))
    oof_peak = np.zeros(len(fz.y))
    for k in (0, 1):
        tr, te = fold != k, fold == k
        clf = _fit_content(X[tr], fz.y[tr], C)
        oof[te] = clf.decision_function(X[te])
        # largest single feature weight per unit (the content model's "peak")
        Xb = X[te].copy()
        Xb.data = clf.coef_.ravel()[Xb.indices]
        oof_peak[te] = _row_max(Xb)
    log.info("content model cross-fitted in %.1fs", time.time() - t0)
    dense = []
    start = 0
    for units, views in zip(fz.units, fz.views):
        n = len(units)
        dense.append(dense_features(units, views, oof[start : start + n], len(fz.docs[len(dense)].text),
                                    oof_peak[start : start + n]))
        start += n
    D = np.vstack(dense)
    mean = D.mean(axis=0)
    scale = D.std(axis=0) + 1e-6
    mlp = MLPClassifier(hidden_layer_sizes=(hidden,), alpha=1e-3, max_iter=300, random_state=seed,
                        early_stopping=True, n_iter_no_change=12)
    mlp.fit((D - mean) / scale, fz.y)
    log.info("context model fitted in %.1fs", time.time() - t0)
    final = _fit_content(X, fz.y, C)
    coef = final.coef_.ravel()
    words = sorted(vocab, key=vocab.get)
    content = {w: float(coef[vocab[w]]) for w in words if abs(coef[vocab[w]]) > 1e-3}
    return Model(
        ngrams=NgramTable.from_features(content),
        bias=float(final.intercept_[0]),
        w1=mlp.coefs_[0],
        b1=mlp.intercepts_[0],
        w2=mlp.coefs_[1],
        b2=mlp.intercepts_[1],
        mean=mean,
        scale=scale,
        meta={"version": "0.1", "units": int(len(fz.y)), "docs": len(docs), "seed": seed,
              "features": len(content)},
    )


def calibrate_screen(model: Model, docs: Sequence[Doc], keep: float = 0.995) -> float:
    """The pre-screen threshold that passes ``keep`` of the injected documents the full pipeline finds.

    Calibrating against the model's own catches (a span overlapping the gold
    injection) rather than against every injected document keeps the screen a
    faithful shortcut: it drops documents the pipeline would have left alone anyway.
    """
    from ..engine import Excisor

    full = Excisor(model, screen=False)
    screen = model.screen
    caught, clean = [], []
    for d in docs:
        if not d.spans:
            clean.append(screen.score(d.text))
        elif any(s.start < b and a < s.end for s in full.scan(d.text).spans for a, b in d.spans):
            caught.append(screen.score(d.text))
    spam = np.array(caught)
    threshold = float(np.quantile(spam[np.isfinite(spam)], 1 - keep)) - 0.25 if len(spam) else 0.0
    clean_pass = float((np.array(clean) >= threshold).mean()) if clean else 0.0
    log.info("pre-screen threshold %.3f: passes %.1f%% of the %d caught injected docs, %.1f%% of clean training docs",
             threshold, 100 * (spam >= threshold).mean() if len(spam) else 0, len(spam), 100 * clean_pass)
    return threshold


def train(data: Path, *, seed: int = 0, n_docs: int = DEFAULT_DOCS, exclude: Iterable[str] = ()) -> Model:
    """Build the training documents from ``data`` and fit a model."""
    docs = build_training_docs(data, seed=seed, n_docs=n_docs, exclude=exclude)
    model = fit(docs, seed=seed)
    threshold = calibrate_screen(model, docs)
    model.meta["screen"] = threshold
    model.screen.threshold = threshold
    model.meta.update({"excluded_families": sorted(set(exclude)), "n_docs": n_docs})
    return model


def main(args: argparse.Namespace | None = None) -> int:
    """Entry point of ``excise train``."""
    if args is None:
        parser = argparse.ArgumentParser(prog="excise train")
        parser.add_argument("--data", default=None)
        parser.add_argument("--out", default=None)
        parser.add_argument("--seed", type=int, default=0)
        parser.add_argument("--tiny", action="store_true")
        parser.add_argument("--exclude-family", action="append", default=[])
        args = parser.parse_args()
    data = Path(args.data) if getattr(args, "data", None) else default_data_dir()
    out = Path(args.out) if getattr(args, "out", None) else default_model_path()
    n_docs = 600 if getattr(args, "tiny", False) else getattr(args, "docs", None) or DEFAULT_DOCS
    exclude = getattr(args, "exclude_family", None) or []
    model = train(data, seed=args.seed, n_docs=n_docs, exclude=exclude)
    model.save(out)
    print(f"wrote {out} ({out.stat().st_size / 1e6:.1f} MB, {len(model.ngrams)} content features)")
    return 0


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO)
    raise SystemExit(main())
