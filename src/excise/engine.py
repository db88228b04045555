"""The engine: segment → evidence → per-unit score → sequence decode → spans."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from .bounds import DocBounds
from .config import Config
from .decode import entry_costs, viterbi_runs
from .families import family_of
from .features import (
    DENSE_NAMES,
    DocWords,
    PlainTextView,
    UnitView,
    batch_dense_features,
    batch_views,
    references,
    view_units,
)
from .memory import PROMOTED, Memory, Trace
from .model import Model
from .normalize import fold
from .segment import LINK, REFDEF, TEXT, Unit, capital_seams, segment
from .types import Result, Span

__all__ = ["Excisor"]


class Excisor:
    """Finds injected spam in documents. Loads the shipped model once, lazily.

    Instances are picklable (only the model path and config travel), so they can
    be handed to worker processes and pipeline executors.
    """

    def __init__(self, model: str | Path | Model | None = None, *, config: Config | None = None,
                 memory: Memory | None = None, **options: Any) -> None:
        # a model handed over in memory has no file to reload from, so it travels when pickled
        self._inline = isinstance(model, Model)
        self._model_path = None if self._inline else model
        self._model: Model | None = model if isinstance(model, Model) else None
        self.config = config if config is not None else Config(**options)
        #: a corpus memory (:mod:`excise.memory`): units carrying its campaigns' fingerprints are promoted
        self.memory = memory

    def __getstate__(self) -> dict[str, Any]:
        return {"model_path": self._model_path, "config": self.config,
                "model": self._model if self._inline else None, "memory": self.memory}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self._model_path = state["model_path"]
        self.config = state["config"]
        self._model = state.get("model")
        self._inline = self._model is not None
        self.memory = state.get("memory")

    @property
    def model(self) -> Model:
        """The loaded model (loaded on first use)."""
        if self._model is None:
            self._model = Model.load(self._model_path)
        return self._model

    def unit_proba(self, text: str) -> tuple[list[Unit], list[UnitView], np.ndarray, np.ndarray]:
        """Units of ``text`` with their views, dense features (``DENSE_NAMES``) and spam probabilities."""
        units = segment(text)
        if not units:
            return units, [], np.zeros((0, len(DENSE_NAMES))), np.zeros(0)
        _, _, X, proba, _ = self._batch_proba([text], [units])
        # the views of the Python reader, words included (the compiled reader keeps plain text units' words in arrays)
        return units, view_units(text, units), X, proba

    def _batch_proba(self, texts: Sequence[str], units: Sequence[list[Unit]]
                     ) -> tuple[list[UnitView | PlainTextView], DocWords, np.ndarray, np.ndarray, DocBounds]:
        """Views, words, dense features and spam probabilities of the units of several documents, end to end.

        Every document has at least one unit. The views and words are read unit by
        unit (by the compiled reader where it is built); the n-gram scores, the dense
        features and the network run once for all of them, each document's rows
        exactly as alone.
        """
        model = self.model
        docs = DocBounds([len(u) for u in units])
        views, words = batch_views(texts, units, model.ngrams.word_table())
        content, peak, intent = model.ngrams.score(views, model.bias, words, docs)
        flat = [unit for doc_units in units for unit in doc_units]
        topics = model.topics
        topic = topics.unit_features(words, docs, model.ngrams) if topics is not None else None
        X = batch_dense_features(texts, flat, views, content, peak, intent, words, docs, topic)
        return views, words, X, model.context_proba(X, docs), docs

    def scan(self, text: str) -> Result:
        """Find the injected spans of ``text``; offsets index ``text`` itself."""
        return self.scan_batch([text])[0]

    def scan_batch(self, texts: Sequence[str], traces: list[Trace | None] | None = None) -> list[Result]:
        """:meth:`scan` of each text, in order: the same results, found faster.

        Each document that needs the unit pipeline is segmented on its own, then the
        numpy stages run once over the units of all of them, which pays numpy's
        fixed cost per call once per batch instead of once per document (most of
        the time of a short document). A document's result does not depend on the
        others in the batch. Memory grows with the batch: a few hundred documents
        at a time suit it. ``traces``: a list to add each document's :class:`Trace`
        to (None for one whose units were not scored), for a memory's second pass
        (added once the batch is scanned: nothing when the engine rejects it).
        """
        model = self.model
        results = [Result(model=model.name, length=len(text)) for text in texts]
        traced: list[Trace | None] = [None] * len(texts)  # a document whose units are not scored keeps None
        todo: list[int] = []
        units: list[list[Unit]] = []
        screened: list[bool] = []  # let through by the memory alone, the pre-screen would have passed it over
        for i, text in enumerate(texts):
            if not text or text.isspace():
                continue
            passed = not self.config.screen or model.screen.passes(text)
            if not passed and not (self.memory is not None and self.memory.relevant(text)):
                continue
            doc_units = segment(text)
            if doc_units:
                todo.append(i)
                units.append(doc_units)
                screened.append(not passed)
        if not todo:
            if traces is not None:
                traces.extend(traced)
            return results
        batch = [texts[i] for i in todo]
        views, words, X, proba, docs = self._batch_proba(batch, units)
        if traces is not None:
            for i, doc_units, rows in zip(todo, units, docs.slices()):
                traced[i] = self._trace(doc_units, X[rows], proba[rows])
        proba, promoted = self._remembered(batch, units, X, proba, docs, screened)
        again: list[tuple[int, list[Unit], list[int], np.ndarray, np.ndarray, np.ndarray]] = []
        for i, text, doc_units, rows in zip(todo, batch, units, docs.slices()):
            doc_views, lens, doc_X, doc_proba = views[rows], words.lens[rows], X[rows], proba[rows]
            runs = self._runs(text, doc_units, doc_views, lens, doc_X, doc_proba)
            looked = (_second_look(text, doc_units, lens, doc_proba, runs, self.config.threshold)
                      if self.config.second_look else None)
            if looked is None:
                results[i] = self._result(text, doc_units, doc_X, doc_proba, runs, promoted[rows])
            else:
                again.append((i, *looked, doc_X, doc_proba, promoted[rows]))
        if again:
            # the second look: the documents whose units were split, through the pipeline again as a batch;
            # every unit that was not split keeps what the first pass found for it
            again_texts, again_units = [texts[i] for i, *_ in again], [a[1] for a in again]
            views, words, X, proba, docs = self._batch_proba(again_texts, again_units)
            before = proba
            screened_by_text = dict(zip(todo, screened))
            proba, promoted = self._remembered(again_texts, again_units, X, proba, docs,
                                               [screened_by_text[i] for i, *_ in again])
            for (i, pieces, origin, first_X, first_proba, first_promoted), rows in zip(again, docs.slices()):
                if traces is not None:
                    trace = traced[i]
                    assert trace is not None
                    traced[i] = dataclasses.replace(
                        trace, pieces=self._trace(pieces, X[rows], before[rows], [k < 0 for k in origin]))
                doc_X, doc_proba, doc_promoted = X[rows], proba[rows], promoted[rows]
                kept = np.array(origin)
                same = kept >= 0
                doc_X[same] = first_X[kept[same]]
                doc_proba[same] = first_proba[kept[same]]
                doc_promoted[same] = first_promoted[kept[same]]
                runs = self._runs(texts[i], pieces, views[rows], words.lens[rows], doc_X, doc_proba)
                results[i] = self._result(texts[i], pieces, doc_X, doc_proba, runs, doc_promoted)
        if traces is not None:
            traces.extend(traced)
        return results

    def _trace(self, units: Sequence[Unit], X: np.ndarray, proba: np.ndarray, fresh: Sequence[bool] | None = None
               ) -> Trace:
        """What a memory's second pass needs to know of a document's units (:class:`Trace`)."""
        return Trace.of(units, X[:, _COL["cohesion"]], proba, self.config.threshold, fresh)

    def _remembered(self, texts: Sequence[str], units: Sequence[list[Unit]], X: np.ndarray, proba: np.ndarray,
                    docs: DocBounds, screened: Sequence[bool]) -> tuple[np.ndarray, np.ndarray]:
        """The probabilities with the units the memory promotes raised to ``PROMOTED``, and which those are.

        In a document only the memory let through (``screened``) the model's own scores are set to 0: the
        memory adds what it recognises there, and nothing else of a page the pre-screen would have passed
        over is cut.
        """
        if self.memory is None:
            return proba, np.zeros(len(proba), dtype=bool)
        promoted = self.memory.promote(texts, units, X, proba, self.config.threshold, screened)
        proba = np.where(promoted, np.maximum(proba, PROMOTED), proba)
        for rows, alone in zip(docs.slices(), screened):
            if alone:
                proba[rows] = np.where(promoted[rows], proba[rows], 0.0)
        return proba, promoted

    def _runs(self, text: str, units: list[Unit], views: Sequence[UnitView | PlainTextView], lens: np.ndarray,
              X: np.ndarray, proba: np.ndarray) -> list[tuple[int, int]]:
        """The runs ``[a, b)`` of units to cut, from their views, numbers of words, features and probabilities."""
        if proba.max() <= self.config.threshold:  # no unit has evidence for spam: nothing to decode
            return self._unused_definitions(text, views, X, [])
        has_words = np.array([n > 0 or bool(v.url) for v, n in zip(views, lens.tolist())])
        config = self.config
        n = len(units)
        costs = entry_costs(np.fromiter((u.para for u in units), np.int64, n),
                            np.fromiter((u.line for u in units), np.int64, n),
                            np.fromiter((u.kind != TEXT for u in units), bool, n),
                            within=config.switch_cost, link=config.link_switch_cost,
                            line=config.line_switch_cost, paragraph=config.paragraph_switch_cost)
        runs = viterbi_runs(proba, has_words, config.threshold, costs)
        runs = _with_orphaned_definitions([r for r in runs if _substantial(views, lens, *r)], views)
        return self._unused_definitions(text, views, X, runs)

    def _unused_definitions(self, text: str, views: Sequence[UnitView | PlainTextView], X: np.ndarray,
                            runs: list[tuple[int, int]]) -> list[tuple[int, int]]:
        """``runs`` plus every reference definition that nothing in the document uses and that, read as the
        bare URL it is, the model calls spam.

        A definition no link refers to ("[7]: http://…/buy-cialis" under a post whose links use [1] and [2])
        is not shown by a markdown renderer; in the text it is a URL on a line of its own, and a hacked
        post's legitimate block of definitions dilutes its evidence as a definition.
        """
        unused = [i for i in _unused_definition_units(text, views) if not any(a <= i < b for a, b in runs)]
        if not unused:
            return runs
        rows = X[unused].copy()
        rows[:, _COL["kind_refdef"]] = 0.0
        rows[:, _COL["kind_url"]] = 1.0
        rows[:, _COL["refdef_run_share"]] = 0.0
        spam = [i for i, p in zip(unused, self.model.context_proba(rows)) if p >= self.config.threshold]
        if not spam:
            return runs
        cut = _mask(runs, len(views))
        cut[spam] = True
        return _runs_of(cut)

    def _result(self, text: str, units: list[Unit], X: np.ndarray, proba: np.ndarray,
                runs: list[tuple[int, int]], promoted: np.ndarray | None = None) -> Result:
        """The result of one document: a span for each run of units to cut (``promoted``: the units the memory
        promoted, which add the reason "campaign")."""
        spans: list[Span] = []
        for a, b in runs:
            span = _span(text, units, X, proba, a, b)
            if promoted is not None and promoted[a:b].any():
                span = Span(span.start, span.end, span.label, span.score, (*span.reasons, "campaign"))
            wrapped = _wrapped_words(text, units, a, b)
            if wrapped is not None and self._ordinary(text[wrapped[0]:wrapped[1]]):
                # a link wrapped around the sentence's own words: cut the link, keep the words
                reasons = (*span.reasons, "link-wrap")
                spans.append(Span(span.start, wrapped[0], span.label, span.score, reasons))
                spans.append(Span(wrapped[1], span.end, span.label, span.score, reasons))
            else:
                spans.append(span)
        doc_score = max((s.score for s in spans), default=float(proba.max()) * 0.5)
        page = self.model.page_proba(float(X[0, _COL["doc_content_mean"]]), float(X[0, _COL["doc_spam_share"]]))
        return Result(tuple(spans), doc_score, self.model.name, len(text), page)

    def _ordinary(self, words: str) -> bool:
        """Whether ``words`` read alone, as a unit of text, are ordinary prose to the content model."""
        model = self.model
        content, _, _ = model.ngrams.score([UnitView(words, TEXT)], model.bias)
        return bool(content[0] < ORDINARY_CONTENT)

    def clean(self, text: str) -> str:
        """``text`` with the injected spans cut out."""
        return self.scan(text).apply(text)


_COL = {name: i for i, name in enumerate(DENSE_NAMES)}


#: a span whose words' topic vectors point away from the rest of the page less than this (cosine) is "off-topic":
#: a quarter of injected units and under 1 % of legitimate ones fall below it on the synthetic tuning set
OFF_TOPIC = 0.3

#: a run of plain text with fewer words than this is not cut on its own ("Credit:" above a link)
MIN_RUN_WORDS = 3


#: link text whose content log-odds alone is below this is ordinary prose: 87 % of three-word windows of clean
#: hosts, 15 % of the anchors injected in the synthetic tuning set (seed 1234, whose own words they mostly are)
ORDINARY_CONTENT = -1.0

#: a link wrapped around words inside a sentence keeps them when they are at most this many
WRAP_WORDS = 4

_SENTENCE_END = frozenset(".!?\u2026:;")


def _wrapped_words(text: str, units: Sequence[Unit], a: int, b: int) -> tuple[int, int] | None:
    """The bounds of the words inside the link that is the run ``[a, b)``, when it is a markdown or HTML link
    standing inside a sentence ("I want to [have](http://...) the report"); ``None`` otherwise.

    Inside a sentence: the unit before it is text on the same line that does not end a sentence.
    """
    if b != a + 1 or a == 0:
        return None
    link, before = units[a], units[a - 1]
    if link.kind != LINK or before.kind != TEXT or before.line != link.line or text[before.end - 1] in _SENTENCE_END:
        return None
    if text[link.start] == "[":
        inner_start = link.start + 1
        inner_end = text.find("]", inner_start, link.end)
    elif text[link.start : link.start + 2].lower() == "<a":
        inner_start = text.find(">", link.start, link.end) + 1
        closing = text[inner_start : link.end].lower().rfind("</a")  # the link only, not the whole document
        inner_end = inner_start + closing if closing >= 0 else -1
    else:
        return None
    if inner_start <= 0 or inner_end <= inner_start:
        return None
    inner = text[inner_start:inner_end]
    if "<" in inner or not inner.strip() or inner != inner.strip() or len(inner.split()) > WRAP_WORDS:
        return None
    return inner_start, inner_end


#: the second look splits only units with at least this many words
SECOND_LOOK_WORDS = 4


def _second_look(text: str, units: list[Unit], lens: np.ndarray, proba: np.ndarray, runs: list[tuple[int, int]],
                 threshold: float) -> tuple[list[Unit], list[int]] | None:
    """The units of a document with those beside a strong unit split at their capitalised seams, or ``None``.

    An injected sentence without closing punctuation runs into the page's next
    sentence, and the unit that holds both is left alone: the page's words outweigh
    the spam's. Beside a unit the decoder cuts or the model scores at least
    ``threshold``, such a unit is split before every capitalised word that follows an
    unpunctuated one (``segment.capital_seams``); only text units of
    ``SECOND_LOOK_WORDS`` or more words that the model scores below ``threshold`` and
    the decoder leaves alone are split. Also returned: for each unit of the new list,
    the index of the unit it was in the old one, or -1 for a piece. ``None`` when no
    unit is split (most documents: only those with a strong unit can be).
    """
    if not runs and proba.max() < threshold:  # most documents: nothing strong to look beside
        return None
    n = len(units)
    cut = _mask(runs, n)
    strong = cut | (proba >= threshold)
    beside = np.zeros(n, dtype=bool)
    beside[1:] |= strong[:-1]
    beside[:-1] |= strong[1:]
    candidates = np.flatnonzero(beside & ~cut & (proba < threshold) & (lens >= SECOND_LOOK_WORDS)).tolist()
    split = {k: pieces for k in candidates if units[k].kind == TEXT and (pieces := capital_seams(text, units[k]))}
    if not split:
        return None
    new: list[Unit] = []
    origin: list[int] = []
    for k, unit in enumerate(units):
        pieces = split.get(k)
        if pieces:
            new.extend(pieces)
            origin.extend([-1] * len(pieces))
        else:
            new.append(unit)
            origin.append(k)
    return new, origin


def _unused_definition_units(text: str, views: Sequence[UnitView | PlainTextView]) -> list[int]:
    """The reference definitions of a document that no reference link uses, not even a shortcut one ("[7]")."""
    if "]:" not in text:  # most documents: no definition at all, found without a loop over the units
        return []
    defs = [i for i, v in enumerate(views) if v.kind == REFDEF and v.ref]
    if not defs:
        return []
    _, uses = references(views)
    lower = text.lower()
    out = []
    for i in defs:
        ref = views[i].ref
        if ref in uses:
            continue
        mark = f"[{ref}]"
        at = lower.find(mark)
        while at >= 0 and lower.startswith(":", at + len(mark)):  # a definition, not a use
            at = lower.find(mark, at + 1)
        if at < 0:
            out.append(i)
    return out


def _substantial(views: Sequence[UnitView | PlainTextView], lens: np.ndarray, a: int, b: int) -> bool:
    """Whether the run ``[a, b)`` is enough to act on: a link, or at least ``MIN_RUN_WORDS`` words of text
    (``lens`` holds each unit's number of words)."""
    return any(v.url or v.ref for v in views[a:b]) or int(lens[a:b].sum()) >= MIN_RUN_WORDS


def _with_orphaned_definitions(runs: list[tuple[int, int]], views: Sequence[UnitView | PlainTextView]
                               ) -> list[tuple[int, int]]:
    """``runs`` plus every reference definition (``[7]: http://...``) all of whose uses (``[anchor][7]``) are cut.

    Once its anchors are gone, such a definition only points at what was cut. Hacked
    posts renumber their spam paragraph's definitions into the post's own block, where
    the evidence of the block as a whole is diluted. Definitions without any use stay.
    """
    if not runs:
        return runs
    cut = _mask(runs, len(views))
    _, uses = references(views)
    orphaned = [i for i, v in enumerate(views)
                if v.kind == REFDEF and not cut[i] and uses.get(v.ref) and all(cut[j] for j in uses[v.ref])]
    if not orphaned:
        return runs
    cut[orphaned] = True
    return _runs_of(cut)


def _mask(runs: list[tuple[int, int]], n: int) -> np.ndarray:
    """Which of ``n`` units the runs ``[a, b)`` cover."""
    cut = np.zeros(n, dtype=bool)
    for a, b in runs:
        cut[a:b] = True
    return cut


def _runs_of(cut: np.ndarray) -> list[tuple[int, int]]:
    """The maximal runs ``[a, b)`` of covered units in a mask (the inverse of :func:`_mask`)."""
    edges = np.flatnonzero(np.diff(np.concatenate(([0], cut.astype(np.int8), [0]))))
    return [(int(a), int(b)) for a, b in zip(edges[::2], edges[1::2])]


def _span(text: str, units: Sequence[Unit], X: np.ndarray, proba: np.ndarray, a: int, b: int) -> Span:
    """The span of units ``[a, b)``: its score, family and the evidence behind it, read off ``X``."""
    start, end = units[a].start, units[b - 1].end
    lengths = np.array([u.end - u.start for u in units[a:b]], dtype=np.float64)
    score = float((proba[a:b] * lengths).sum() / lengths.sum())
    family, hits = family_of(fold(text[start:end]))
    rows = X[a:b]
    reasons = [f"lexicon:{h}" for h in hits[:3]]
    if rows[:, _COL["content"]].max() > 1.0 or rows[:, _COL["content_peak"]].max() > 3.0:
        reasons.append("spam-language")
    links = rows[:, _COL["kind_text"]] == 0
    if (rows[:, _COL["link_inline"]] > 0).any():
        reasons.append("inline-url")
    elif (links & (rows[:, _COL["kind_refdef"]] == 0)).any():
        reasons.append("link")
    if (rows[:, _COL["kind_refdef"]] > 0).any():
        reasons.append("link-reference-block")
    if links.sum() >= 3:
        reasons.append("link-run")
    words = np.expm1(rows[:, _COL["log_words"]])
    known = rows[:, _COL["topic_known"]] > 0
    if ((words.sum() > 0 and float((rows[:, _COL["cohesion"]] * words).sum() / words.sum()) < 0.25)
            or (known.any() and float((rows[known, _COL["topic_far"]] * (words[known] + 1)).sum()
                                      / (words[known] + 1).sum()) < OFF_TOPIC)):
        reasons.append("off-topic")
    return Span(start, end, family, round(score, 4), tuple(reasons))
