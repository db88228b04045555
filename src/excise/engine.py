"""The engine: segment → evidence → per-unit score → sequence decode → spans."""

from __future__ import annotations

import math
import re
from itertools import repeat
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from .config import Config
from .decode import viterbi_runs
from .families import family_of
from .features import DENSE_NAMES, UnitView, content_features, dense_features, view_units
from .model import Model
from .normalize import fold
from .segment import Unit, segment
from .types import Result, Span

__all__ = ["Excisor", "content_scores", "screen_score"]

_TOKEN = re.compile(r"\w+(?:'\w+)?")
_SCREEN_WINDOW = 8


def screen_score(model: Model, text: str) -> float:
    """Cheap whole-document pre-screen: the most spam-like window of words.

    Sums the content model's word weights (floored at -0.5, so legitimate words
    around an injection cannot hide it) over every window of eight consecutive
    words and returns the maximum. Documents below the model's screen threshold
    (calibrated in training so that 99.5 % of injected documents pass) skip the
    unit-level pipeline: that is what makes clean documents cheap.
    """
    tokens = _TOKEN.findall(fold(text))
    if not tokens:
        return -1e9
    get = model.words.get
    w = np.fromiter(map(get, tokens, repeat(-0.5)), dtype=np.float64, count=len(tokens))
    np.maximum(w, -0.5, out=w)
    if len(w) <= _SCREEN_WINDOW:
        return float(w.sum())
    c = np.concatenate(([0.0], np.cumsum(w)))
    return float((c[_SCREEN_WINDOW:] - c[:-_SCREEN_WINDOW]).max())


def content_scores(model: Model, views: Sequence[UnitView]) -> tuple[np.ndarray, np.ndarray]:
    """Content log-odds of each unit (the linear content model) and its largest single feature weight."""
    get = model.content.get
    bias = model.bias
    out = np.full(len(views), bias)
    peak = np.zeros(len(views))
    for i, v in enumerate(views):
        feats = content_features(v)
        if feats:
            ws = list(map(get, feats, repeat(0.0, len(feats))))
            out[i] = bias + sum(ws) / math.sqrt(len(ws))
            peak[i] = max(ws)
    return out, peak


class Excisor:
    """Finds injected spam in documents. Loads the shipped model once, lazily.

    Instances are picklable (only the model path and config travel), so they can
    be handed to worker processes and pipeline executors.
    """

    def __init__(self, model: str | Path | Model | None = None, *, config: Config | None = None,
                 **options: Any) -> None:
        # a model handed over in memory has no file to reload from, so it travels when pickled
        self._inline = isinstance(model, Model)
        self._model_path = None if self._inline else model
        self._model: Model | None = model if isinstance(model, Model) else None
        self.config = config if config is not None else Config(**options)

    def __getstate__(self) -> dict[str, Any]:
        return {"model_path": self._model_path, "config": self.config,
                "model": self._model if self._inline else None}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self._model_path = state["model_path"]
        self.config = state["config"]
        self._model = state.get("model")
        self._inline = self._model is not None

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
        views = view_units(text, units)
        content, peak = content_scores(self.model, views)
        X = dense_features(units, views, content, len(text), peak)
        return units, views, X, self.model.context_proba(X)

    def scan(self, text: str) -> Result:
        """Find the injected spans of ``text``; offsets index ``text`` itself."""
        model = self.model
        if not text or text.isspace():
            return Result(model=model.name, length=len(text))
        screen = model.meta.get("screen")
        if screen is not None and self.config.screen and screen_score(model, text) < screen:
            return Result(model=model.name, length=len(text))
        units, views, X, proba = self.unit_proba(text)
        if not units:
            return Result(model=model.name, length=len(text))
        has_words = np.array([bool(v.words) or bool(v.url) for v in views])
        runs = viterbi_runs(proba, has_words, self.config.threshold, self.config.switch_cost)
        spans = [_span(text, units, X, proba, a, b) for a, b in runs]
        doc_score = max((s.score for s in spans), default=float(proba.max()) * 0.5)
        return Result(tuple(spans), doc_score, model.name, len(text))

    def clean(self, text: str) -> str:
        """``text`` with the injected spans cut out."""
        return self.scan(text).apply(text)


_COL = {name: i for i, name in enumerate(DENSE_NAMES)}


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
    if words.sum() > 0 and float((rows[:, _COL["cohesion"]] * words).sum() / words.sum()) < 0.25:
        reasons.append("off-topic")
    return Span(start, end, family, round(score, 4), tuple(reasons))
