"""Corpus memory: what a run has cut with confidence, remembered so that the rest of the corpus is read with it.

Injected spam is a campaign: the same sentences, lightly spun, pushed into
thousands of pages. One document at a time, a model that has never seen the
family's words must rediscover the campaign in every page, and misses it where
the page gives little away (a spam sentence spliced into a paragraph). A run
over a corpus sees it many times: where it stands out (a block of links, a URL
in a sentence), the model cuts it with confidence; :class:`Memory` keeps its
fingerprints, and a second pass promotes the units elsewhere that carry them.

Fingerprints are hashes of word shingles (``SHINGLE`` consecutive words of the
folded, de-obfuscated text: spinning one word leaves the shingles around it), and
the hosts the spans link to. Safety:

- only spans cut with confidence (score ≥ ``CONFIDENT``) that are off-topic for
  their page or carry links teach the memory, and a shingle counts only once it
  comes from ``MIN_DOCS`` documents;
- a shingle also seen in the text a run keeps (``kept``, counted for remembered
  shingles only, so memory stays bounded, and in a sample of the documents past
  the first ``KEPT_ALL``) in more documents than in spam is ordinary repeated
  text (boilerplate, quotes, licences) and is not used;
- a unit is promoted only when at least ``MATCH`` of its shingles are
  remembered, and only when it does not fit its page (cohesion below
  ``MAX_COHESION``): a health page about sildenafil keeps its own sentences
  whatever pharma campaign is in memory.

The memory is a plain JSON file (:meth:`Memory.save`, :meth:`Memory.load`);
``excise memory show`` prints what it holds.

Cost: the second pass does not scan every document again. The first pass keeps,
beside each result, a :class:`Trace` of what the memory could act on (the units it
could promote, and whether the model found a strong one); :meth:`Memory.may_change`
reads it, and only the documents where the memory would promote a unit are scanned
again (the rest keep the first pass's result, which is what a scan with the memory
would give them).
"""

from __future__ import annotations

import json
import math
import string
import zlib
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from .errors import ConfigError
from .features import DENSE_NAMES, STOPWORDS, _words
from .normalize import fold
from .types import Result

__all__ = ["CONFIDENT", "MATCH", "Memory", "Trace"]

SHINGLE = 4  # words
#: a span teaches the memory from this score on
CONFIDENT = 0.9
#: a shingle is used once it comes from spans of this many documents
MIN_DOCS = 3
#: a unit is promoted when this share of its shingles is remembered
MATCH = 0.5
#: ... and when less than this share of its content words is found elsewhere on its page
MAX_COHESION = 0.5
#: the probability a promoted unit gets (the decoder still decides the runs)
PROMOTED = 0.99
#: a word is learnt once confident spans of this many documents hold it
MIN_WORD_DOCS = 3
#: ... and is strong evidence from this log ratio on (spam documents' share over kept documents' share)
STRONG_WORD = 1.0
#: a unit is promoted by its vocabulary when this share of its content words (at least MIN_WORDS) is strong
VOCABULARY_MATCH = 0.25
MIN_WORDS = 3
#: remembered shingles at most (the rarest are forgotten first): bounds memory whatever the corpus size
CAPACITY = 2_000_000
#: what a run keeps is counted in every one of its first KEPT_ALL documents, then in one of every KEPT_EVERY
#: (shares of documents, as ``usable`` and ``word_weight`` read them, need no more; counting costs a read of
#: the document's words, as much as a third of a pass)
KEPT_ALL = 2000
KEPT_EVERY = 4
#: a span teaches the memory only with one of these reasons: it does not fit its page, or it links out
_TEACHING = frozenset(["off-topic", "link", "link-run", "inline-url", "link-reference-block"])

_COHESION = DENSE_NAMES.index("cohesion")
#: the scaffolding of links, in every campaign's spans and many kept pages: never a campaign's word
_URL_PARTS = frozenset(["http", "https", "html", "shtml", "href", "aspx"])
FORMAT = 2


def words_of(text: str) -> list[str]:
    """The words of ``text`` as the engine reads a unit's: folded, through spaced-out letters and l33t digits."""
    return _words(fold(text))


_BLANK = bytes.maketrans(b"".join(c.encode() for c in string.punctuation), b" " * len(string.punctuation))


def quick_words(text: str) -> list[bytes]:
    """The lower-cased words of ``text`` as bytes, in order, split at blanks and ASCII punctuation (bytes
    methods, fast): a first look at whether a document holds words of the memory. It does not fold look-alike
    letters or read through obfuscation, so a document whose only such words are obfuscated is passed over."""
    return text.lower().encode("utf-8", "surrogatepass").translate(_BLANK).split()


def content_words(text: str | list[str]) -> set[str]:
    """The distinct content words of ``text`` (or of its words): four letters or more, no stopwords, no numbers."""
    words = words_of(text) if isinstance(text, str) else text
    return {w for w in words if len(w) > 3 and w not in STOPWORDS and w not in _URL_PARTS and not w.isdigit()}


def shingles(text: str | list[str], only: np.ndarray | None = None) -> set[int]:
    """The hashes of the ``SHINGLE``-word shingles of ``text`` (or of its words; stable across runs and
    processes: two CRC-32s of the shingle's bytes, seeded apart, make 63 bits). ``only``: one flag per word
    (a boolean array); the shingles with an unflagged word are left out."""
    words = words_of(text) if isinstance(text, str) else text
    if len(words) < SHINGLE:
        return set()
    starts: Iterable[int] = range(len(words) - SHINGLE + 1) if only is None else _flagged_windows(only)
    return {_hash(words, i) for i in starts}


def _flagged_windows(flags: np.ndarray) -> list[int]:
    """The starts of the ``SHINGLE``-word windows whose flags are all set (a running count of the flags)."""
    counts = np.convolve(flags.astype(np.int8), np.ones(SHINGLE, dtype=np.int8), mode="valid")
    return np.flatnonzero(counts == SHINGLE).tolist()


def _hash(words: Sequence[str], i: int) -> int:
    """The hash of the shingle starting at word ``i``: below 2**63, a signed 64-bit integer (JSON, numpy)."""
    data = " ".join(words[i : i + SHINGLE]).encode("utf-8")
    return (zlib.crc32(data) << 31) ^ zlib.crc32(data, 0x9E3779B9)


@dataclass(frozen=True)
class Trace:
    """What a scan without a memory found of a document's units that :meth:`Memory.promoted` reads: whether
    the model scored a unit at the threshold or more, and the candidates (units below ``PROMOTED`` and off
    their page). Kept by the first pass of ``excise clean --memory`` for :meth:`Memory.may_change`."""

    held: bool
    candidates: list[tuple[int, int]]  # each candidate's (start, end) in the text
    #: the second look's units, where it split some (pieces and the units it kept, as the second look's
    #: scan scored them) ...
    pieces: Trace | None = None
    #: ... and (in that trace) whether each candidate is a piece
    fresh: list[bool] | None = None

    @classmethod
    def of(cls, units: Sequence[Any], cohesion: np.ndarray, proba: np.ndarray, threshold: float,
           fresh: Sequence[bool] | None = None) -> Trace:
        """The trace of ``units`` (anything with ``start`` and ``end`` in the text) with their cohesion and
        probabilities (``fresh``: which are pieces)."""
        candidates = _candidates(cohesion, proba)
        return cls(bool((proba >= threshold).any()), [(units[k].start, units[k].end) for k in candidates],
                   fresh=None if fresh is None else [fresh[k] for k in candidates])


def _candidates(cohesion: np.ndarray, proba: np.ndarray) -> list[int]:
    """The units the memory may promote: below ``PROMOTED`` on their own (a unit the model already leans to call
    spam may still be left by the decoder when it stands alone) and off their page (cohesion below
    ``MAX_COHESION``)."""
    return np.flatnonzero((proba < PROMOTED) & (cohesion < MAX_COHESION)).tolist()


@dataclass
class Memory:
    """Fingerprints of confident spans, gathered over a run (see the module's description)."""

    spam: Counter[int] = field(default_factory=Counter)  # shingle -> documents whose confident spans hold it
    kept: Counter[int] = field(default_factory=Counter)  # remembered shingle -> documents that keep it
    examples: dict[int, str] = field(default_factory=dict)  # a span's first shingle -> its text (for show)
    documents: int = 0  # documents learnt from
    spans: int = 0  # spans learnt from
    words: Counter[str] = field(default_factory=Counter)  # content word -> documents whose confident spans hold it
    kept_words: Counter[str] = field(default_factory=Counter)  # remembered word -> documents that keep it
    seen: int = 0  # documents read (learnt from or not)
    span_words: set[str] = field(default_factory=set)  # every word of the spans learnt from
    kept_seen: int = 0  # documents whose kept text was counted (``KEPT_ALL``, ``KEPT_EVERY``)
    _strong: frozenset[str] | None = field(default=None, repr=False, compare=False)  # _strong_words(), cached
    _cues: frozenset[bytes] | None = field(default=None, repr=False, compare=False)  # the same as bytes

    # ---- learning -----------------------------------------------------------------------------
    def learn(self, text: str, result: Result) -> None:
        """Remember the confident spans of one scanned document, and count the remembered shingles it keeps."""
        self.seen += 1
        self._cues = self._strong = None
        taught: set[int] = set()
        vocabulary: set[str] = set()
        for span in result.spans:
            if span.score >= CONFIDENT and _TEACHING.intersection(span.reasons):
                span_words = words_of(text[span.start : span.end])
                found = shingles(span_words)
                vocabulary |= content_words(span_words)
                self.span_words.update(span_words)
                if found:
                    taught |= found
                    self.spans += 1
                    first = min(found)
                    if len(self.examples) < 1000:
                        self.examples.setdefault(first, " ".join(text[span.start : span.end].split())[:300])
        if taught or vocabulary:
            self.documents += 1
            self.spam.update(taught)
            self.words.update(vocabulary)
            if len(self.spam) > CAPACITY:
                self._forget()
        # what the document keeps, counted for remembered words and shingles only (before the memory holds a
        # word, there is nothing to count)
        if self.seen > KEPT_ALL and self.seen % KEPT_EVERY:
            return
        self.kept_seen += 1
        if not self.words:
            return
        kept_text = result.apply(text) if result.spans else text
        # read as the spans were read (through obfuscation), so that a shingle the page keeps is the same hash
        kept_words = words_of(kept_text)
        remembered = self.words.keys() & set(kept_words)  # the memory's words are content words
        if remembered:
            self.kept_words.update(remembered)
            # only the shingles made wholly of words of remembered spans can be remembered ones: hash those
            known = np.fromiter(map(self.span_words.__contains__, kept_words), dtype=bool, count=len(kept_words))
            self.kept.update(s for s in shingles(kept_words, known) if s in self.spam)

    def _forget(self) -> None:
        """Drop the rarest shingles down to three quarters of ``CAPACITY``."""
        keep = dict(self.spam.most_common(CAPACITY * 3 // 4))
        self.spam = Counter(keep)
        self.kept = Counter({s: n for s, n in self.kept.items() if s in keep})

    def usable(self, shingle: int) -> bool:
        """Whether a remembered shingle is evidence: from enough documents, and not ordinary repeated text."""
        n = self.spam.get(shingle, 0)
        return n >= MIN_DOCS and not self._kept_more(shingle, n)

    def _kept_more(self, shingle: int, spam: int) -> bool:
        """Whether the run keeps ``shingle`` in more documents than its confident spans hold it (the kept count
        scaled up from the documents whose kept text was counted)."""
        kept = self.kept.get(shingle, 0)
        return kept > 0 and kept * self.seen > spam * max(self.kept_seen, 1)

    # ---- using it -----------------------------------------------------------------------------
    def _strong_words(self) -> frozenset[str]:
        """The run's spam vocabulary: the words with ``word_weight`` ≥ ``STRONG_WORD`` (computed once per state:
        :meth:`learn` forgets it)."""
        if self._strong is None:
            self._strong = frozenset(w for w in self.words if self.word_weight(w) >= STRONG_WORD)
        return self._strong

    def _cue_words(self) -> frozenset[bytes]:
        """:meth:`_strong_words` as bytes, for :func:`quick_words`."""
        if self._cues is None:
            self._cues = frozenset(w.encode("utf-8", "surrogatepass") for w in self._strong_words())
        return self._cues

    def relevant(self, text: str) -> bool:
        """Whether the memory may change anything in ``text``: it holds two words of the run's spam vocabulary
        (``word_weight`` ≥ ``STRONG_WORD``; a unit promoted by its vocabulary holds two itself, one promoted by
        its shingles nearly always does). A document without them keeps what the model alone found in it: the
        memory promotes nothing there (:meth:`promoted`), a second pass does not scan it again
        (:meth:`may_change`), and the pre-screen's verdict stands."""
        cues = self._cue_words()
        return len(cues.intersection(quick_words(text))) >= 2 if cues else False

    def may_change(self, text: str, trace: Trace | None) -> bool:
        """Whether scanning ``text`` again with the memory may give another result than its scan without a
        memory, of which ``trace`` is kept (None: that scan scored no unit, for the pre-screen passed the
        document over or it has none): what a second pass asks of each document before it spends a scan.

        The memory changes a scan only through the units it promotes (:meth:`promoted`),
        and which those are follows from what the trace holds, for the units and for the
        pieces of the second look. When none is promoted, the scan with the memory is
        the scan without it. A relevant document without a trace has no scores to ask:
        it is scanned again.
        """
        if not self.relevant(text):
            return False
        if trace is None:
            return True
        if self._promoted(text, trace.candidates, trace.held):
            return True
        pieces = trace.pieces
        return pieces is not None and pieces.fresh is not None and any(
            pieces.fresh[k] for k in self._promoted(text, pieces.candidates, pieces.held))

    def word_weight(self, word: str) -> float:
        """How much more often confident spans hold ``word`` than the text kept does (log ratio of the shares of
        documents, smoothed); 0 for a word the memory has not learnt."""
        spam = self.words.get(word, 0)
        if spam < MIN_WORD_DOCS:
            return 0.0
        return math.log((spam + 0.5) / (self.documents + 1)) - math.log(
            (self.kept_words.get(word, 0) + 0.5) / (self.kept_seen + 1))

    def vocabulary_match(self, text: str | set[str]) -> float:
        """The share of the content words of ``text`` (or those words) that the run's confident spans hold far
        more often than its kept text (``word_weight`` ≥ ``STRONG_WORD``); 0 for fewer than ``MIN_WORDS``
        content words or fewer than two strong ones."""
        words = content_words(text) if isinstance(text, str) else text
        if len(words) < MIN_WORDS:
            return 0.0
        strong = len(self._strong_words().intersection(words))
        return strong / len(words) if strong >= 2 else 0.0

    def match(self, text: str | list[str]) -> float:
        """The share of the ``SHINGLE``-word windows of ``text`` (or of its words) whose shingle is usable
        evidence (0 for fewer than ``SHINGLE`` words). Only the windows made wholly of words of remembered
        spans can be, and only those are hashed (a unit has tens of words: a loop, not numpy's fixed costs)."""
        words = words_of(text) if isinstance(text, str) else text
        windows = len(words) - SHINGLE + 1
        if windows <= 0:
            return 0.0
        known = self.span_words
        hits = run = 0
        for i, word in enumerate(words):
            run = run + 1 if word in known else 0
            if run >= SHINGLE and self.usable(_hash(words, i - SHINGLE + 1)):
                hits += 1
        return hits / windows

    def promote(self, texts: Sequence[str], units: Sequence[Sequence[Any]], X: np.ndarray, proba: np.ndarray,
                threshold: float, screened: Sequence[bool] = ()) -> np.ndarray:
        """Which units (of a batch, end to end) the memory promotes: :meth:`promoted` of each document (its units'
        cohesion is column ``cohesion`` of ``X``). ``screened[d]``: document ``d`` was let through by
        :meth:`relevant` alone."""
        promoted = np.zeros(len(proba), dtype=bool)
        if not self.spam and not self.words:
            return promoted
        i = 0
        for d, (text, doc_units) in enumerate(zip(texts, units)):
            j = i + len(doc_units)
            promoted[i:j] = self.promoted(text, doc_units, X[i:j, _COHESION], proba[i:j], threshold,
                                          d < len(screened) and screened[d])
            i = j
        return promoted

    def promoted(self, text: str, units: Sequence[Any], cohesion: np.ndarray, proba: np.ndarray,
                 threshold: float, only_memory: bool = False) -> np.ndarray:
        """Which ``units`` of one document (anything with ``start`` and ``end`` in ``text``) the memory promotes.

        A candidate (:func:`_candidates`) mostly made of remembered shingles is
        promoted; one mostly made of the run's spam vocabulary is promoted only in a
        document that already holds the campaign (a unit promoted by its shingles, or
        one the model scores at ``threshold`` or more): vocabulary extends a campaign
        found on the page, it does not start one. ``only_memory``: the document was
        let through by :meth:`relevant` alone, and there a unit the model scores at
        ``threshold`` counts as the campaign only when its words are the run's spam
        vocabulary too.
        """
        promoted = np.zeros(len(proba), dtype=bool)
        if not only_memory and not self.relevant(text):  # fewer than two words of the run's spam vocabulary
            return promoted
        candidates = _candidates(cohesion, proba)
        held = not only_memory and bool((proba >= threshold).any())
        strong = [bool(proba[k] >= threshold) for k in candidates] if only_memory else None
        chosen = self._promoted(text, [(units[k].start, units[k].end) for k in candidates], held, strong)
        promoted[[candidates[c] for c in chosen]] = True
        return promoted

    def _promoted(self, text: str, candidates: Sequence[tuple[int, int]], held: bool,
                  strong: Sequence[bool] | None = None) -> list[int]:
        """Which ``candidates`` (their bounds in ``text``) :meth:`promoted` promotes, as indices: ``held``, a unit
        of the page scored at the threshold or more; ``strong``, only where the page was let through by
        relevance alone: which candidates the model scores at the threshold or more."""
        chosen: list[int] = []
        vocabulary: list[int] = []
        for c, (start, end) in enumerate(candidates):
            unit_words = words_of(text[start:end])
            words = content_words(unit_words)
            if self.words.keys().isdisjoint(words):  # no word of any remembered span: nothing to match
                continue
            if self.match(unit_words) >= MATCH:
                chosen.append(c)
                held = True
            elif self.vocabulary_match(words) >= VOCABULARY_MATCH:
                vocabulary.append(c)
                # where only the memory let the page through, the model's own lean counts when the
                # run's vocabulary agrees with it on the same unit
                held = held or (strong is not None and strong[c])
        return sorted(chosen + vocabulary) if held else chosen

    # ---- files ------------------------------------------------------------------------------------
    def save(self, path: str | Path) -> None:
        """Write the memory as JSON (whole or not at all)."""
        payload = {"format": FORMAT, "shingle": SHINGLE, "documents": self.documents, "spans": self.spans,
                   "seen": self.seen, "kept_seen": self.kept_seen, "spam": sorted(self.spam.items()),
                   "kept": sorted(self.kept.items()),
                   "words": sorted(self.words.items()), "kept_words": sorted(self.kept_words.items()),
                   "span_words": sorted(self.span_words),
                   "examples": sorted(self.examples.items())}
        target = Path(path)
        tmp = target.with_name(f".{target.name}.tmp")
        tmp.write_text(json.dumps(payload), encoding="utf-8")
        tmp.replace(target)

    @classmethod
    def load(cls, path: str | Path) -> Memory:
        """Read a memory written by :meth:`save`."""
        try:
            payload = json.loads(Path(path).read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise ConfigError(f"cannot read the memory file {path}: {exc}") from exc
        # format 1 counted every document's kept text (``kept_seen`` = ``seen``)
        if (not isinstance(payload, dict) or payload.get("format") not in (1, FORMAT)
                or payload.get("shingle") != SHINGLE):
            raise ConfigError(f"{path} is not a memory file of this excise (format 1 or {FORMAT}, {SHINGLE}-word "
                              "shingles)")
        try:
            return cls(Counter({int(k): int(v) for k, v in payload["spam"]}),
                       Counter({int(k): int(v) for k, v in payload["kept"]}),
                       {int(k): str(v) for k, v in payload["examples"]}, int(payload["documents"]),
                       int(payload["spans"]),
                       # format 1 learnt the scaffolding of links as words too
                       Counter({str(k): int(v) for k, v in payload["words"] if k not in _URL_PARTS}),
                       Counter({str(k): int(v) for k, v in payload["kept_words"] if k not in _URL_PARTS}),
                       int(payload["seen"]),
                       {str(w) for w in payload["span_words"]}, int(payload.get("kept_seen", payload["seen"])))
        except (KeyError, TypeError, ValueError) as exc:
            raise ConfigError(f"the memory file {path} is damaged: {exc}") from exc

    def summary(self, top: int = 10) -> dict[str, Any]:
        """What the memory holds: sizes, and the examples of its most repeated shingles."""
        usable = sum(1 for s in self.spam if self.usable(s))
        campaigns = sorted(((self.spam[s], text) for s, text in self.examples.items() if s in self.spam),
                           reverse=True)[:top]
        strong = sorted(((w, self.words[w]) for w in self._strong_words()), key=lambda wn: (-wn[1], wn[0]))
        return {"documents": self.documents, "spans": self.spans, "seen": self.seen, "shingles": len(self.spam),
                "usable": usable, "boilerplate": sum(1 for s in self.kept if self._kept_more(s, self.spam.get(s, 0))),
                "words": len(strong), "vocabulary": strong[:top],
                "top": [{"documents": n, "example": text} for n, text in campaigns]}

