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
5. Intent model: the same regression over words and URL parts only, fitted
   without the hard negatives and cross-fitted the same way.
6. Topic vectors: a latent semantic analysis of the clean training documents
   (:mod:`excise.topics`).
7. Context model: a small ReLU network (32 units) over the dense context/structure
   features; then the final content and intent models are refit on all documents.
8. Pre-screen: word weights fitted on windows (:func:`fit_screen`), threshold
   calibrated against the full model's own catches (:func:`calibrate_screen`).
"""

from __future__ import annotations

import argparse
import logging
import math
import re
import sys
import time
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np

from ..features import DENSE_NAMES, content_features, dense_features, is_topic_feature, view_units
from ..model import Model, default_model_path
from ..ngrams import NgramTable
from ..screen import FLOOR, WINDOW, screen_words
from ..segment import segment
from ..topics import TopicTable
from . import DEFAULT_DOCS
from .chrome import Chrome, dress
from .sources import Piece, clean_hosts, default_data_dir, spam_pieces
from .synth import Doc, Injector, keyword_anchors

__all__ = ["build_training_docs", "calibrate_screen", "caught", "fit", "fit_screen", "main", "set_screen", "unit_labels"]

log = logging.getLogger(__name__)



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


# the share of training documents dressed in site chrome (cookie notices, newsletter prompts, share
# buttons), and the offset of the chrome's seed from the training seed. Not in the shipped recipe: at 0.3 it
# halved the chrome cut on held-out templates but touched more clean synthetic documents (history.md,
# eleventh session); ``excise train --chrome-share 0.3`` trains that model.
CHROME_SHARE = 0.0
CHROME_SEED = 7919


def build_training_docs(data: Path, *, seed: int, n_docs: int, exclude: Iterable[str] = (),
                        split: str = "train", pieces: Sequence[Piece] | None = None,
                        hosts: Sequence[Piece] | None = None, chrome_share: float = CHROME_SHARE) -> list[Doc]:
    """Synthetic documents (and the hard negatives, clean) from one split of the data (``pieces`` and
    ``hosts``: ``spam_pieces(data)`` and ``clean_hosts(data)`` when the caller has read them already);
    ``chrome_share`` of them dressed in site chrome (:mod:`.chrome`)."""
    exclude = set(exclude)
    pieces = spam_pieces(data) if pieces is None else pieces
    spam = [p for p in pieces if p.split == split and p.family not in exclude]
    hosts = [p for p in (clean_hosts(data) if hosts is None else hosts) if p.split == split]
    anchors = [a for a in keyword_anchors(str(data / "smokedetector" / "bad_keywords.txt")) if a[1] not in exclude]
    injector = Injector(spam, anchors, seed=seed, filler=[h.text for h in hosts])
    docs = injector.make(hosts, n_docs, prefix=f"{split}")
    if chrome_share:
        docs = dress(docs, Chrome(seed + CHROME_SEED, split), chrome_share)
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

    def matrix(self, vocab: dict[str, int], topic_only: bool = False):
        """Units × features, each row scaled by 1/sqrt(its feature count); ``topic_only``: the intent model's."""
        from scipy.sparse import csr_matrix

        indptr = [0]
        indices: list[int] = []
        values: list[float] = []
        for feats in self.feats:
            if topic_only:
                feats = [f for f in feats if is_topic_feature(f)]
            ids = [vocab[f] for f in feats if f in vocab]
            scale = 1.0 / math.sqrt(len(feats)) if feats else 0.0
            indices.extend(ids)
            values.extend([scale] * len(ids))
            indptr.append(len(indices))
        return csr_matrix((np.array(values), np.array(indices, dtype=np.int64), np.array(indptr)),
                          shape=(len(self.feats), len(vocab)))


#: a letter of a script other than Latin (Cyrillic, Greek, Arabic, CJK, ...): ``\w`` less digits, "_" and Latin
_OTHER_SCRIPT_LETTER = re.compile(r"[^\W\d_a-zA-Z\u00c0-\u024f\u1e00-\u1eff]")


def _vocab(feats: Sequence[list[str]], min_count: int) -> dict[str, int]:
    """The content features seen in at least ``min_count`` units."""
    counts: Counter[str] = Counter()
    for f in feats:
        counts.update(set(f))
    words = sorted(w for w, c in counts.items() if c >= min_count)
    return {w: i for i, w in enumerate(words)}


def latin_only(weights: dict[str, float]) -> dict[str, float]:
    """``weights`` without the features written in a script other than Latin.

    All the Russian, Chinese or Korean text in the training data is spam (contact-form
    and e-mail spam; the clean hosts are English), so the content model learns those
    words, and with them the script, as signs of spam, and would cut a Russian article
    for being Russian. The shipped model does not know them: at run time they are
    unknown words and weigh nothing, so spam in another script is judged by its links,
    its place on the page and how it fits there. They are dropped only from the model
    that is shipped, not from training: a network taught on those units without their
    words learns to call units with nothing known in them spam, and cut twice as much
    clean English text (eighth session, history.md). Look-alike letters inside Latin
    words are folded to Latin before any of this, so "уoursеlf" is still "yourself".
    """
    return {f: w for f, w in weights.items() if not _OTHER_SCRIPT_LETTER.search(f)}


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


#: the context network is the average of this many networks fitted from different random starts
ENSEMBLE = 5


def _averaged(nets: Sequence) -> list[tuple[np.ndarray, np.ndarray]]:
    """The layers of one network whose logit is the mean of the logits of ``nets``.

    One network is taken as it is, whatever its depth. One-hidden-layer networks
    are merged by laying their hidden layers side by side and dividing the output
    weights by their number: the same network format, exactly the average of the
    logits. Averaging steadies the units near the decision boundary, where one
    random start and another disagree.
    """
    if len(nets) == 1:
        return list(zip(nets[0].coefs_, nets[0].intercepts_))
    if any(len(net.coefs_) != 2 for net in nets):
        raise ValueError("only one-hidden-layer networks can be averaged: fit deeper ones with ensemble=1")
    k = len(nets)
    w1 = np.hstack([net.coefs_[0] for net in nets])
    b1 = np.concatenate([net.intercepts_[0] for net in nets])
    w2 = np.vstack([net.coefs_[1] for net in nets]) / k
    b2 = np.mean([net.intercepts_[1] for net in nets], axis=0)
    return [(w1, b1), (w2, b2)]


def cross_fit_folds(docs: Sequence[Doc], seed: int, *, by_family: bool = False) -> np.ndarray:
    """Fold 0 or 1 of each document, for the cross-fitted scores the context network is trained on.

    Every document is dealt at random (the default). ``by_family`` puts every spam
    family wholly in one fold instead (the families dealt largest first, each to the
    fold with fewer spam documents so far; clean documents at random): a unit's
    content and intent scores then come from models that never saw its family's
    words, as for a family that is new at run time. Measured in the eighth session:
    a model trained without the loans family found it better (F1 0.881 → 0.906), but
    the full model cut more clean text (synthetic test set: 4 → 20 clean documents
    touched, precision 0.980 → 0.965), because every clean unit the network saw had
    the weaker scores of a model that missed half the families. Not the default.
    """
    rng = np.random.default_rng(seed)
    folds = rng.integers(0, 2, size=len(docs))
    if not by_family:
        return folds
    sizes = Counter(d.family for d in docs if d.spans)
    fold_of_family: dict[str, int] = {}
    load = [0, 0]
    for family, size in sorted(sizes.items(), key=lambda kv: (-kv[1], kv[0])):
        k = int(load[1] < load[0])
        fold_of_family[family] = k
        load[k] += size
    for i, d in enumerate(docs):
        if d.spans:
            folds[i] = fold_of_family[d.family]
    return folds


#: share of the training documents whose network inputs come from family-blind content models (see ``fit``)
FAMILY_SHARE = 0.0


def _cross_fitted(X, Xt, y: np.ndarray, fold: np.ndarray, not_hard: np.ndarray,
                  C: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each unit's content log-odds, content peak and intent score from the models fitted on the other fold.

    The content model is fitted on every unit of the other fold, the intent model
    (words and URL parts only) on those outside hard-negative documents.
    """
    oof = np.zeros(len(y))
    oof_peak = np.zeros(len(y))
    oof_intent = np.zeros(len(y))
    for k in (0, 1):
        tr, te = fold != k, fold == k
        clf = _fit_content(X[tr], y[tr], C)
        oof[te] = clf.decision_function(X[te])
        # largest single feature weight per unit (the content model's "peak")
        Xb = X[te].copy()
        Xb.data = clf.coef_.ravel()[Xb.indices]
        oof_peak[te] = _row_max(Xb)
        coef = _fit_content(Xt[tr & not_hard], y[tr & not_hard], C).coef_.ravel()
        Xb = Xt[te].copy()
        Xb.data = coef[Xb.indices]
        oof_intent[te] = np.maximum(_row_max(Xb), 0.0)
    return oof, oof_peak, oof_intent


def blind_units(n_docs: int, doc_of_unit: np.ndarray, y: np.ndarray, share: float, spam_only: bool,
                seed: int) -> np.ndarray:
    """Which units take family-blind scores (see :func:`fit`): every unit of a random ``share`` of the
    documents, or (``spam_only``) only the spam units among them."""
    blind = (np.random.default_rng(seed + 1).random(n_docs) < share)[doc_of_unit]
    return blind & (y == 1) if spam_only else blind


def fit(docs: Sequence[Doc], *, seed: int = 0, min_count: int = 2, C: float = 4.0,
        hidden: tuple[int, ...] = (32,), ensemble: int = ENSEMBLE, family_folds: bool = False,
        family_share: float = FAMILY_SHARE, family_spam_only: bool = False) -> Model:
    """Train both stages on ``docs``; returns an in-memory model.

    Beside the content model, an *intent* model (a linear model over words and URL
    parts only) is fitted on the documents whose host is not a hard negative: it
    scores selling intent (drug, casino and loan words count as spam wherever they
    stand), and the context network learns when the page is about that topic.
    ``family_folds``: cross-fit the scores the network learns from by spam family
    (:func:`cross_fit_folds`). ``family_share``: that share of the documents (spam
    and clean, at random) takes its scores from family-blind folds instead, the
    rest from random folds, so that the network learns both what a new family's
    spam looks like and what full-strength scores on clean text look like.
    ``family_spam_only``: within that share, only the spam units take the
    family-blind scores (clean units keep full-strength ones, as at run time).
    Neither is on by default: both cut more clean text (history.md, ninth and
    thirteenth sessions).
    """
    from sklearn.neural_network import MLPClassifier

    t0 = time.time()
    fz = _Featurized(docs)
    log.info("featurized %d docs, %d units (%.0f%% spam) in %.1fs", len(docs), len(fz.y), 100 * fz.y.mean(),
             time.time() - t0)
    vocab = _vocab(fz.feats, min_count)
    X = fz.matrix(vocab)
    # cross-fitted content and intent scores for the context model
    not_hard = np.array([not d.hard_negative for d in docs])[fz.doc_of_unit]
    Xt = fz.matrix(vocab, topic_only=True)
    fold = cross_fit_folds(docs, seed, by_family=family_folds)[fz.doc_of_unit]
    oof, oof_peak, oof_intent = _cross_fitted(X, Xt, fz.y, fold, not_hard, C)
    if family_share > 0:
        # a share of the documents, spam and clean alike, scored by models that never saw the spam's family
        blind = blind_units(len(docs), fz.doc_of_unit, fz.y, family_share, family_spam_only, seed)
        fold = cross_fit_folds(docs, seed, by_family=True)[fz.doc_of_unit]
        for mine, theirs in zip((oof, oof_peak, oof_intent), _cross_fitted(X, Xt, fz.y, fold, not_hard, C)):
            mine[blind] = theirs[blind]
    log.info("content and intent models cross-fitted in %.1fs", time.time() - t0)
    # topic vectors from the clean documents (hard negatives included: they teach that a drug page is about drugs)
    topics = TopicTable.fit([[w for v in views for w in v.words] for doc, views in zip(docs, fz.views) if not doc.spans],
                            seed=seed)
    log.info("topic vectors of %d words fitted in %.1fs", len(topics.words), time.time() - t0)
    dense = []
    start = 0
    for units, views in zip(fz.units, fz.views):
        n = len(units)
        part = slice(start, start + n)
        dense.append(dense_features(units, views, oof[part], fz.docs[len(dense)].text, oof_peak[part],
                                    oof_intent[part], topics=topics))
        start += n
    D = np.vstack(dense)
    mean = D.mean(axis=0)
    scale = D.std(axis=0) + 1e-6
    nets = []
    for k in range(ensemble):
        mlp = MLPClassifier(hidden_layer_sizes=hidden, alpha=1e-3, max_iter=300, random_state=seed + k,
                            early_stopping=True, n_iter_no_change=12)
        nets.append(mlp.fit((D - mean) / scale, fz.y))
        log.info("context network %d of %d fitted in %.1fs", k + 1, ensemble, time.time() - t0)
    final = _fit_content(X, fz.y, C)
    coef = final.coef_.ravel()
    words = sorted(vocab, key=vocab.get)
    content = {w: float(coef[vocab[w]]) for w in words if abs(coef[vocab[w]]) > 1e-3}
    icoef = _fit_content(Xt[not_hard], fz.y[not_hard], C).coef_.ravel()
    intent = {w: float(icoef[vocab[w]]) for w in words if is_topic_feature(w) and icoef[vocab[w]] > 1e-3}
    return Model(
        ngrams=NgramTable.from_features(latin_only(content), latin_only(intent), extra_words=topics.words),
        bias=float(final.intercept_[0]),
        layers=_averaged(nets),
        mean=mean,
        scale=scale,
        meta={"version": "0.1", "units": int(len(fz.y)), "docs": len(docs), "seed": seed,
              "features": len(content), "intent_features": len(intent), "topic_words": len(topics.words)},
        topics=topics,
    )


def caught(model: Model, docs: Sequence[Doc]) -> np.ndarray:
    """Whether the full pipeline (no pre-screen) cuts a span overlapping each document's gold injection."""
    from ..engine import Excisor

    full = Excisor(model, screen=False)
    return np.array([bool(d.spans) and any(s.start < b and a < s.end for s in full.scan(d.text).spans
                                           for a, b in d.spans) for d in docs], dtype=bool)


#: pre-screen fit: weight of a word outside the screen's vocabulary, L2 strength, mining rounds
SCREEN_FLOOR = FLOOR
SCREEN_C = 0.05
SCREEN_ROUNDS = 4


def fit_screen(docs: Sequence[Doc], found: np.ndarray, *, seed: int = 0, floor: float = SCREEN_FLOOR,
               C: float = SCREEN_C, rounds: int = SCREEN_ROUNDS) -> dict[str, float]:
    """The pre-screen's word weights: a logistic regression over windows of ``WINDOW`` words.

    Multiple-instance learning with hard-negative mining. An injected document
    is a bag of windows of which one must score high, so the positives are
    windows inside the gold injection of the documents the full pipeline finds
    (``found``), plus, each round, each such document's best window over the
    injection under the current weights. The negatives are random windows of
    clean text, plus, each round, the best windows of clean documents and of
    the host text around injections. Only positive weights are kept; every
    other word weighs ``floor`` at screening time.
    """
    from collections import Counter

    from scipy.sparse import csr_matrix
    from sklearn.linear_model import LogisticRegression

    rng = np.random.default_rng(seed)
    words = [screen_words(d.text) for d in docs]
    df: Counter[str] = Counter()
    for ws in words:
        df.update(set(ws))
    vocab = sorted(w for w, c in df.items() if c >= 3)
    index = {w: i for i, w in enumerate(vocab)}
    n_vocab = len(vocab)
    ids = [np.array([index.get(w, n_vocab) for w in ws], dtype=np.int64) for ws in words]
    # gold spans as word ranges (the words of the folded text before each offset)
    gold = [[(i, j) for a, b in d.spans if (j := len(screen_words(d.text[:b]))) > (i := len(screen_words(d.text[:a])))]
            for d in docs]
    pos_docs = [k for k in range(len(docs)) if found[k] and gold[k]]
    injected = [k for k in range(len(docs)) if docs[k].spans]
    clean = [k for k in range(len(docs)) if not docs[k].spans]

    def over_gold(k: int) -> np.ndarray:
        """Window starts (of the document's windows) that overlap its injection."""
        n = max(len(ids[k]) - WINDOW + 1, 1)
        mask = np.zeros(n, dtype=bool)
        for i, j in gold[k]:
            mask[max(0, i - WINDOW + 1) : min(j, n)] = True
        return mask

    def inside(k: int, per_span: int) -> list[int]:
        """Random window starts as far inside each gold span as its length allows."""
        n = len(ids[k])
        if n <= WINDOW:
            return [0]
        starts: set[int] = set()
        for i, j in gold[k]:
            lo, hi = (i, j - WINDOW) if j - i >= WINDOW else (j - WINDOW, i)
            hi = min(hi, n - WINDOW)
            lo = min(max(lo, 0), hi)
            cand = np.arange(lo, hi + 1)
            starts.update(rng.choice(cand, size=min(per_span, len(cand)), replace=False).tolist())
        return sorted(starts)

    def outside(k: int, count: int) -> list[int]:
        """Random window starts that do not touch the injection."""
        if len(ids[k]) <= WINDOW:
            return [] if gold[k] else [0]
        cand = np.nonzero(~over_gold(k))[0] if gold[k] else np.arange(len(ids[k]) - WINDOW + 1)
        return rng.choice(cand, size=min(count, len(cand)), replace=False).tolist() if len(cand) else []

    def sums(k: int, weights: np.ndarray) -> np.ndarray:
        w = weights[ids[k]]
        if len(w) <= WINDOW:
            return np.array([w.sum()])
        c = np.concatenate([[0.0], np.cumsum(w)])
        return c[WINDOW:] - c[:-WINDOW]

    def best(k: int, weights: np.ndarray, count: int, over: bool) -> list[int]:
        """The ``count`` best non-overlapping windows, over the injection or away from it."""
        s = sums(k, weights)
        if gold[k] and len(s) > 1:
            s = np.where(over_gold(k) == over, s, -np.inf)
        starts = []
        for _ in range(count):
            b = int(np.argmax(s))
            if not np.isfinite(s[b]):
                break
            starts.append(b)
            s[max(0, b - WINDOW + 1) : b + WINDOW] = -np.inf
        return starts

    def windows(pairs: list[tuple[int, list[int]]]) -> list[np.ndarray]:
        return [ids[k][b : b + WINDOW] for k, starts in pairs for b in starts]

    pos = windows([(k, inside(k, 6)) for k in pos_docs])
    neg = windows([(k, outside(k, 4)) for k in clean] + [(k, outside(k, 2)) for k in injected])
    weights = np.full(n_vocab + 1, floor)
    for r in range(rounds):
        if r:
            # re-mine with this round's weights: each found document's best window over its injection,
            # the best windows of clean text
            pos += windows([(k, best(k, weights, 1, True)) for k in pos_docs])
            neg += windows([(k, best(k, weights, 3, False)) for k in clean] +
                           [(k, best(k, weights, 1, False)) for k in injected])
        rows = [w[w < n_vocab] for w in pos + neg]
        indptr = np.cumsum([0] + [len(w) for w in rows])
        X = csr_matrix((np.ones(indptr[-1]), np.concatenate(rows), indptr), shape=(len(rows), n_vocab))
        y = np.r_[np.ones(len(pos)), np.zeros(len(neg))]
        clf = LogisticRegression(C=C, solver="liblinear", class_weight="balanced", max_iter=300).fit(X, y)
        coef = clf.coef_.ravel()
        keep = coef > 0.01  # barely spam-leaning words are ordinary words: they weigh the floor
        weights = np.full(n_vocab + 1, floor)
        weights[:n_vocab][keep] = coef[keep]
        log.info("pre-screen round %d: %d windows, %d words with weight", r, len(rows), int(keep.sum()))
    return {vocab[i]: float(weights[i]) for i in np.nonzero(weights[:n_vocab] > floor)[0].tolist()}


def calibrate_screen(model: Model, docs: Sequence[Doc], keep: float = 0.995, found: np.ndarray | None = None
                     ) -> float:
    """The pre-screen threshold that passes ``keep`` of the injected documents the full pipeline finds.

    Calibrating against the model's own catches (a span overlapping the gold
    injection, ``found``; computed when not given) rather than against every
    injected document keeps the screen a faithful shortcut: it drops documents
    the pipeline would have left alone anyway.
    """
    found = caught(model, docs) if found is None else found
    screen = model.screen
    spam = np.array([screen.score(d.text) for d, f in zip(docs, found) if f])
    clean = [screen.score(d.text) for d in docs if not d.spans]
    threshold = float(np.quantile(spam, 1 - keep)) if len(spam) else 0.0
    clean_pass = float((np.array(clean) >= threshold).mean()) if clean else 0.0
    log.info("pre-screen threshold %.3f: passes %.1f%% of the %d caught injected docs, %.1f%% of clean training docs",
             threshold, 100 * (spam >= threshold).mean() if len(spam) else 0, len(spam), 100 * clean_pass)
    return threshold


def set_screen(model: Model, docs: Sequence[Doc], *, seed: int = 0) -> None:
    """Fit the pre-screen's word weights on ``docs`` and calibrate its threshold, in ``model``."""
    found = caught(model, docs)
    model.set_screen(fit_screen(docs, found, seed=seed), SCREEN_FLOOR, None)
    model.set_screen(model.screen_weights, SCREEN_FLOOR, calibrate_screen(model, docs, found=found))


#: the document features the page score reads (``Model.page_proba``)
PAGE_FEATURES = ("doc_content_mean", "doc_spam_share")


def page_features(model: Model, texts: Sequence[str], batch: int = 256) -> np.ndarray:
    """The :data:`PAGE_FEATURES` of each text under ``model`` (a text without units: no content, no share)."""
    from ..engine import Excisor

    excisor = Excisor(model, screen=False)
    cols = [DENSE_NAMES.index(name) for name in PAGE_FEATURES]
    out = np.tile([model.bias, 0.0], (len(texts), 1))
    for lo in range(0, len(texts), batch):
        part = texts[lo : lo + batch]
        units = [segment(t) for t in part]
        keep = [k for k, u in enumerate(units) if u]
        if not keep:
            continue
        _, _, X, _, docs = excisor._batch_proba([part[k] for k in keep], [units[k] for k in keep])
        for k, rows in zip(keep, docs.slices()):
            out[lo + k] = X[rows.start, cols]
    return out


def fit_page(model: Model, spam: Sequence[str], clean: Sequence[str], C: float = 1.0) -> list[float]:
    """Fit the page score (``meta["page"]``: intercept, weights of :data:`PAGE_FEATURES`) on whole spam texts
    against clean pages, and install it in ``model``."""
    from sklearn.linear_model import LogisticRegression

    X = np.vstack([page_features(model, spam), page_features(model, clean)])
    y = np.concatenate([np.ones(len(spam)), np.zeros(len(clean))])
    clf = LogisticRegression(C=C).fit(X, y)
    weights = [float(clf.intercept_[0]), *map(float, clf.coef_.ravel())]
    model.meta["page"] = weights
    return weights


def train(data: Path, *, seed: int = 0, n_docs: int = DEFAULT_DOCS, exclude: Iterable[str] = (),
          family_share: float = FAMILY_SHARE, chrome_share: float = CHROME_SHARE,
          family_spam_only: bool = False) -> Model:
    """Build the training documents from ``data`` and fit a model (``family_share`` and ``family_spam_only``: see
    :func:`fit`; ``chrome_share``: see :func:`build_training_docs`)."""
    exclude = set(exclude)
    pieces, hosts = spam_pieces(data), clean_hosts(data)
    docs = build_training_docs(data, seed=seed, n_docs=n_docs, exclude=exclude, pieces=pieces, hosts=hosts,
                               chrome_share=chrome_share)
    model = fit(docs, seed=seed, family_share=family_share, family_spam_only=family_spam_only)
    set_screen(model, docs, seed=seed)
    # the page score: whole training-split spam texts against the training-split hosts (hard negatives included)
    fit_page(model, [p.text for p in pieces if p.split == "train" and p.family not in exclude and p.text.strip()],
             [h.text for h in hosts if h.split == "train"])
    model.meta.update({"excluded_families": sorted(set(exclude)), "n_docs": n_docs})
    if chrome_share:
        model.meta["chrome_share"] = chrome_share
    return model


def main(args: argparse.Namespace | None = None) -> int:
    """Entry point of ``excise train`` (``python -m excise.training.train`` takes the same options)."""
    if args is None:
        from ..cli import main as cli_main

        return cli_main(["train", *sys.argv[1:]])
    data = Path(args.data) if getattr(args, "data", None) else default_data_dir()
    out = Path(args.out) if getattr(args, "out", None) else default_model_path()
    n_docs = 600 if getattr(args, "tiny", False) else getattr(args, "docs", None) or DEFAULT_DOCS
    exclude = getattr(args, "exclude_family", None) or []
    model = train(data, seed=args.seed, n_docs=n_docs, exclude=exclude,
                  chrome_share=getattr(args, "chrome_share", None) or CHROME_SHARE)
    model.save(out)
    print(f"wrote {out} ({out.stat().st_size / 1e6:.1f} MB, {len(model.ngrams)} content features)")
    return 0


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO)
    raise SystemExit(main())
