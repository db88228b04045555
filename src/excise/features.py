"""Evidence per unit: content n-grams, document context, structure and spun-text cues.

Two kinds of evidence feed the model:

* content features, strings such as ``w:pharmacy`` or ``b:without prescription``,
  scored by a learned linear model (the *content score*, a log-odds);
* dense context/structure features computed per document: how the unit's content
  score compares with its neighbours and with the whole document, whether its
  words occur elsewhere in the document (lexical cohesion: what keeps a real
  sildenafil health page whole), what kind of link it is, and where it stands.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from itertools import chain
from operator import attrgetter
from string import ascii_lowercase
from typing import Any
from urllib.parse import urlsplit

import numpy as np

from .bounds import DocBounds
from .compiled import extension
from .normalize import _OTHER_SCRIPT, _fold, deobfuscate, fold
from .segment import REFDEF, REFLINK, TEXT, Unit
from .topics import NEIGHBOURHOOD, TOPIC_NAMES, TopicTable

__all__ = ["DENSE_NAMES", "DocWords", "PlainTextView", "UnitView", "batch_dense_features", "batch_shape_features",
           "batch_shape_features_python", "batch_views", "content_features", "dense_features", "is_topic_feature",
           "references", "shape_features", "url_features", "view_units"]

_TOKEN = re.compile(r"\w+(?:'\w+)?")
# bytes.translate table that keeps the ASCII letters, digits and "_" (what \w means in ASCII) and blanks the rest
_ASCII_WORD_BYTES = bytes(c if c < 128 and (chr(c).isalnum() or chr(c) == "_") else 32 for c in range(256))
_ASCII_WORD_OR_QUOTE_BYTES = bytes(c if c < 128 and (chr(c).isalnum() or chr(c) in "_'") else 32 for c in range(256))
_URL_IN = re.compile(r"(?:https?://|ftp://|www\.)[^\s<>\"'\])]+", re.I)
_HREF = re.compile(r"""href\s*=\s*["']?([^"'\s>]+)""", re.I)
_TAGS = re.compile(r"<[^>]*>")
_SLUG_WORDS = re.compile(r"[a-z]{2,}")
_REF_LABEL = re.compile(r"\[([^\]\n]*)\](?::|$)")
# spaced-out letters ("v.i.a") or a digit inside a word ("v1agra"): worth the slower deobfuscated view.
# Written to start with the separator or digit every match holds, so that the regular-expression
# engine skips ahead fast; it matches exactly where r"\b[a-z][ .\-_*][a-z][ .\-_*][a-z]\b|[a-z][013457@$]+[a-z]" does.
_MAYBE_OBFUSCATED = re.compile(
    r"[ .\-_*013457@$](?:(?<=\b[a-z][ .\-_*])[a-z][ .\-_*][a-z]\b|(?<=[a-z][013457@$])[013457@$]*[a-z])"
)
# Its attempt at every space is still most of the cost of a unit's words, so ASCII text is first
# checked for what every match needs, with each byte replaced by its class: "a" a letter, "1" a
# l33t digit, "#" another word character, " " anything else. Without "_", "@" or "$" in the text,
# a match needs three single letters between non-word characters (" a a a ", the text padded with
# blanks) or a letter before a l33t digit ("a1").
_OBFUSCATION_CLASSES = bytes(
    ord("a") if chr(c) in ascii_lowercase else ord("1") if chr(c) in "013457"
    else ord("#") if c < 128 and (chr(c).isalnum() or chr(c) == "_") else ord(" ") for c in range(256)
)

STOPWORDS = frozenset(
    """a about above after again against all am an and any are as at be because been before being below
    between both but by can did do does doing down during each few for from further had has have having he her
    here hers herself him himself his how i if in into is it its itself just me more most my myself no nor not
    now of off on once only or other our ours ourselves out over own same she should so some such than that the
    their theirs them themselves then there these they this those through to too under until up very was we
    were what when where which while who whom why will with would you your yours yourself yourselves also may
    one two new said says get got like make made many much well even back way use used using could""".split()
)


class UnitView:
    """A unit's folded text split into its prose words and, for links, its URL."""

    __slots__ = ("host", "kind", "lower_start", "path_words", "query", "ref", "url", "words")

    def __init__(self, raw: str, kind: int) -> None:
        self.kind = kind
        # a text unit starting in lower case: an injection cut into a sentence, or a missing break
        self.lower_start = kind == TEXT and raw[:1].islower()
        self.url = self.ref = self.host = self.query = ""
        self.path_words: list[str] = []
        self.words = _words(fold(raw if kind == TEXT else self._read_link(raw)))

    def _read_link(self, raw: str) -> str:
        """Set the reference label and URL parts of link ``raw``; return its text without the URL and tags."""
        kind = self.kind
        text = raw
        if kind == REFLINK or kind == REFDEF:
            m = _REF_LABEL.search(raw) if kind == REFLINK else _REF_LABEL.match(raw)
            self.ref = m.group(1).strip().lower() if m else ""
            if kind == REFLINK and not self.ref:
                # "[words][]" refers to the definition labelled by the words themselves
                self.ref = raw[1 : raw.find("]")].strip().lower()
        m = _HREF.search(raw) or _URL_IN.search(raw)
        if m:
            self.url = m.group(1) if m.re is _HREF else m.group(0)
            text = raw.replace(self.url, " ")
            # parsed once here: the content features and the structure features both need it
            self.host, self.path_words, self.query = _url_parts(self.url)
        return _TAGS.sub(" ", text) if "<" in text else text


def _words(folded: str) -> list[str]:
    """The words of a unit's folded text, read through spaced-out letters and l33t digits where it has them."""
    words = _tokens(folded)
    if _maybe_obfuscated(folded):
        unob = deobfuscate(folded)
        if unob != folded:
            words = _tokens(unob)
    return words


def _maybe_obfuscated(folded: str) -> bool:
    """Whether ``_MAYBE_OBFUSCATED`` matches in ``folded`` (it is not searched where it cannot match)."""
    if folded.isascii() and "_" not in folded and "@" not in folded and "$" not in folded:
        classes = b" " + folded.encode("ascii").translate(_OBFUSCATION_CLASSES) + b" "
        if b" a a a " not in classes and b"a1" not in classes:
            return False
    return _MAYBE_OBFUSCATED.search(folded) is not None


def _tokens(folded: str) -> list[str]:
    """What ``_TOKEN.findall(folded)`` finds, found faster in ASCII text."""
    if not folded.isascii():
        return _TOKEN.findall(folded)
    if "'" not in folded:
        # there the words are just the runs of letters, digits and "_"; blanking every other byte
        # and splitting at the blanks finds them four times faster than the regular expression
        return folded.encode("ascii").translate(_ASCII_WORD_BYTES).decode("ascii").split()
    # no match of the pattern crosses a byte that is neither a word byte nor "'": blank those, let the pattern
    # read only the runs that hold an apostrophe, found by str.find, and split the stretches between them
    text = folded.encode("ascii").translate(_ASCII_WORD_OR_QUOTE_BYTES).decode("ascii")
    words: list[str] = []
    pos = 0
    quote = text.find("'")
    while quote >= 0:
        start = text.rfind(" ", pos, quote) + 1 or pos
        end = text.find(" ", quote)
        if end < 0:
            end = len(text)
        words += text[pos:start].split()
        words += _TOKEN.findall(text, start, end)
        pos = end
        quote = text.find("'", pos)
    words += text[pos:].split()
    return words


def view_units(text: str, units: Sequence[Unit]) -> list[UnitView]:
    """The views of all units of ``text``."""
    return [UnitView(text[u.start : u.end], u.kind) for u in units]


class PlainTextView:
    """The view of a text unit whose words the compiled reader (``excise._words``) read into :class:`DocWords`.

    It answers what the engine asks a view (``kind``, ``lower_start``, and the empty link attributes of a
    text unit), but holds no ``words``: they are only in the arrays of :class:`DocWords`. The reader
    shares two of them, ``_PLAIN_VIEWS[lower_start]``, among all such units.
    """

    __slots__ = ("lower_start",)
    kind = TEXT
    url = ref = host = query = ""
    path_words: tuple[str, ...] = ()

    def __init__(self, lower_start: bool) -> None:
        self.lower_start = lower_start

    def __repr__(self) -> str:
        return f"PlainTextView(lower_start={self.lower_start})"


_PLAIN_VIEWS = (PlainTextView(False), PlainTextView(True))


#: the compiled word reader, or None: every unit is read by its Python view
COMPILED_WORDS = extension("_words")


def word_table(words: Sequence[str], bigram_keys: np.ndarray, bigram_weights: np.ndarray) -> Any:
    """The compiled table of a content model for :func:`batch_views`: its vocabulary ``words`` (id ``i + 1``
    is ``words[i]``), the stopwords and the bigram weights (``NgramTable``'s arrays); None without the
    compiled reader."""
    if COMPILED_WORDS is None:
        return None
    return COMPILED_WORDS.WordTable(words, sorted(STOPWORDS), np.ascontiguousarray(bigram_keys, dtype=np.int64),
                                    np.ascontiguousarray(bigram_weights, dtype=np.float64), _compiled_fold)


_WORD_CHARACTER = re.compile(r"\w")
_FOLDS_ALONE = frozenset("\ufe0e\ufe0f")  # variation selectors (text or emoji style): marks that fold to themselves


def _compiled_fold(char: str) -> tuple[bytes, bool] | None:
    """What the compiled reader folds ``char`` (not ASCII) to, in ASCII, with ``char.islower()``; None: a unit
    holding it is read in Python.

    The reader folds a unit character by character, which is :func:`normalize.fold` only where a character
    folds the same wherever it stands. Punctuation, symbols, spaces and format characters do: NFKC composes
    nothing onto them or from them, ``str.lower`` has no context for them, and they are no letters of the
    scripts whose look-alikes are folded. Of those, the reader takes the ones whose fold is ASCII without
    "&" ("\u2019" → "'", "\u2026" → "...", "\u00a0" → " ", "\u200b" → "", "\u24b6" → "a"), and the ones
    that fold to themselves and are no word character ("\u2022", "\u00a3", emoji), which separate words
    like a blank that is no word character, no separator of spaced-out letters and no l33t sign: "\\x00".
    """
    category = unicodedata.category(char)
    if category[0] not in "PSZ" and category not in ("Cc", "Cf") and char not in _FOLDS_ALONE:
        return None
    folded = _fold(char)
    if folded.isascii() and "&" not in folded:
        return folded.encode("ascii"), char.islower()
    if folded == char and not _WORD_CHARACTER.match(char) and not _OTHER_SCRIPT.match(char):
        return b"\x00", char.islower()
    return None


def batch_views(texts: Sequence[str], units: Sequence[Sequence[Unit]], table: Any
                ) -> tuple[list[UnitView | PlainTextView], DocWords]:
    """The views and words of the units of several documents, end to end (``units[d]`` are those of ``texts[d]``).

    ``table`` is the model's :func:`word_table`. With it the compiled reader reads the plain text units
    (no HTML entity, no letters outside ASCII, nothing that looks obfuscated: most of them) without a
    Python object per unit or word, gives them a :class:`PlainTextView`, and has every other unit read by
    its :class:`UnitView`; the words of both are looked up in the table, so the :class:`DocWords` holds
    vocabulary ids and bigram weights as well. Its arrays are exactly those of ``DocWords`` built from the
    views. Without a table (None), every unit gets its ``UnitView``.
    """
    if table is None:
        views = [view for text, doc_units in zip(texts, units) for view in view_units(text, doc_units)]
        return views, DocWords(views)
    views, lens, index, ids, stop, long, pairs = table.scan(texts, units, UnitView, _PLAIN_VIEWS)
    return views, DocWords.from_arrays(np.frombuffer(lens, dtype=np.int64), np.frombuffer(index, dtype=np.int64),
                                       np.frombuffer(stop, dtype=bool), np.frombuffer(long, dtype=bool),
                                       np.frombuffer(ids, dtype=np.int64), np.frombuffer(pairs, dtype=np.float64),
                                       table)


class DocWords:
    """Every unit's words of a document or batch, flattened, with per-unit bounds: what vectorised evidence reads.

    ``lens``/``starts``/``ends`` give each unit's share of the words and ``unit`` each word's unit. ``index``
    gives each word's place among the distinct words (in order of first occurrence), so that look-ups per
    word run once per distinct word. ``stop`` marks stopwords, ``long`` words of more than three characters.
    Built from the views, ``flat`` holds the words themselves and ``distinct`` the distinct ones (``ids`` and
    ``pairs`` are None); read by the compiled reader (:func:`batch_views`), it holds no strings (``flat`` and
    ``distinct`` are None) but what ``NgramTable.score`` looks up per word in the model: its vocabulary id,
    ``ids``, and the weight of the bigram it starts in its unit, ``pairs``, as found in ``table``.
    """

    __slots__ = ("distinct", "ends", "flat", "ids", "index", "lens", "long", "pairs", "starts", "stop", "table",
                 "unit")

    def __init__(self, views: Sequence[UnitView]) -> None:
        n = len(views)
        lens = np.fromiter(map(len, (v.words for v in views)), dtype=np.int64, count=n)
        self.flat: list[str] | None = list(chain.from_iterable(v.words for v in views))
        self.distinct: list[str] | None = list(dict.fromkeys(self.flat))
        place = dict(zip(self.distinct, range(len(self.distinct))))
        self._bound(lens, np.fromiter(map(place.__getitem__, self.flat), dtype=np.int64, count=len(self.flat)))
        self.stop = self.of_distinct(map(STOPWORDS.__contains__, self.distinct), bool)
        self.long = self.of_distinct(map(len, self.distinct), np.int64) > 3
        self.ids: np.ndarray | None = None
        self.pairs: np.ndarray | None = None
        self.table: Any = None

    @classmethod
    def from_arrays(cls, lens: np.ndarray, index: np.ndarray, stop: np.ndarray, long: np.ndarray,
                    ids: np.ndarray, pairs: np.ndarray, table: Any) -> DocWords:
        """The words as the compiled reader read them with ``table``: per unit its number of words, per word
        the rest."""
        words = cls.__new__(cls)
        words._bound(lens, index)
        words.flat = words.distinct = None
        words.stop, words.long, words.ids, words.pairs, words.table = stop, long, ids, pairs, table
        return words

    def _bound(self, lens: np.ndarray, index: np.ndarray) -> None:
        self.lens = lens
        self.ends = np.cumsum(lens)
        self.starts = self.ends - lens
        self.unit = np.repeat(np.arange(len(lens)), lens)
        self.index = index

    def of_distinct(self, values: Iterable[object], dtype: type) -> np.ndarray:
        """Per word of ``flat``: ``values``, which holds one value per distinct word (in ``distinct`` order)."""
        if self.distinct is None:
            raise ValueError("these words were read by the compiled reader: they have no strings")
        return np.fromiter(values, dtype=dtype, count=len(self.distinct))[self.index]


def _url_parts(url: str) -> tuple[str, list[str], str]:
    """(registered-ish domain, path words, query keys) of a URL."""
    if not url.lower().startswith(("http://", "https://", "ftp://")):
        url = "http://" + url
    try:
        parts = urlsplit(url)
    except ValueError:
        return "", [], ""
    host = (parts.hostname or "").lower()
    if host.startswith("www."):
        host = host[4:]
    words = _SLUG_WORDS.findall(parts.path.lower())
    query = ",".join(sorted(k.split("=")[0] for k in parts.query.lower().split("&") if k))
    return host, words, query


def content_features(view: UnitView) -> list[str]:
    """The sparse content features of one unit (strings; the model knows their weights)."""
    words = view.words
    feats = ["w:" + w for w in words]
    if len(words) > 1:
        feats += ["b:" + a + " " + b for a, b in zip(words, words[1:])]
    if view.url:
        feats += url_features(view)
    return feats


def is_topic_feature(feat: str) -> bool:
    """Whether a content feature is topic-level (a word or a URL part, not a pair): the intent model's input."""
    return not feat.startswith(("b:", "q:"))


def url_features(view: UnitView) -> list[str]:
    """The content features of a link's URL: top-level domain, path words and pairs, query keys."""
    if not view.url:
        return []
    host, path_words, query = view.host, view.path_words, view.query
    tld = host.rsplit(".", 1)[-1] if "." in host else ""
    feats = ["t:" + tld]
    feats += ["p:" + w for w in path_words]
    if len(path_words) > 1:
        feats += ["q:" + a + " " + b for a, b in zip(path_words, path_words[1:])]
    if query:
        feats.append("k:" + query)
    return feats


DENSE_NAMES = (
    "content",
    "content_prev",
    "content_next",
    "content_max_near",
    "content_para_mean",
    "doc_content_mean",
    "doc_spam_share",
    "content_minus_doc_median",
    "cohesion",
    "cohesion_near",
    "log_words",
    "kind_text",
    "kind_link",
    "kind_reflink",
    "kind_refdef",
    "kind_url",
    "kind_image",
    "link_inline",
    "url_slug_words",
    "url_wp_query",
    "url_foreign_domain",
    "doc_link_domains",
    "log_chars",
    "starts_lower",
    "stopword_share",
    "para_link_share",
    "doc_position",
    "para_max_content",
    "refdef_run_share",
    "doc_units",
    "content_peak",
    "ref_partner",
    "ref_partner_content",
    "ref_partner_para_max",
    "intent",
    "intent_max_near",
    "intent_para_max",
    "intent_offtopic",
    "caps_share",
    "phone_number",
    "money",
    "exclamation",
    *TOPIC_NAMES,
)


def _cohesion(words: DocWords, docs: DocBounds, window: int) -> tuple[np.ndarray, np.ndarray]:
    """Share of each unit's content words found elsewhere in its document, far from it.

    Injected text shares few words with the page around it; legitimate text keeps
    talking about the same things. Units within ``window`` of a unit do not count
    as "elsewhere", so that a run of injected sentences cannot vouch for itself.
    Content words are words of four letters or more that are not stopwords.
    Returns (far share, near share); a unit without content words gets 0.5 for both.
    """
    n = len(docs.doc)
    coh = np.full(n, 0.5)
    near = np.full(n, 0.5)
    if not len(words.index):
        return coh, near
    keep = words.long & ~words.stop
    if not keep.any():
        return coh, near
    # each (unit, word) pair once; a word is known by its place among the distinct words
    pairs = _sorted_unique(words.index[keep] * n + words.unit[keep])
    w, u = pairs // n, pairs % n
    # sorted by (word, unit), and so by (word, document, unit): a group is one word in one document
    d = docs.doc[u]
    group = np.cumsum(np.concatenate(([True], (w[1:] != w[:-1]) | (d[1:] != d[:-1])))) - 1
    occurrences = np.bincount(group)
    # count, for every (unit, word), the units within the window that also hold the word:
    # sorted by (group, unit), the window bounds are a binary search inside each group's band
    band = n + 2 * window + 2
    key = group * band + u
    local = np.searchsorted(key, key + window, "right") - np.searchsorted(key, key - window, "left")
    cnt = np.bincount(u, minlength=n)
    has = cnt > 0
    far = np.bincount(u, weights=(occurrences[group] - local) > 0, minlength=n)
    close = np.bincount(u, weights=local > 1, minlength=n)
    coh[has] = far[has] / cnt[has]
    near[has] = close[has] / cnt[has]
    return coh, near


def dense_features(units: Sequence[Unit], views: Sequence[UnitView], content: np.ndarray, text: str,
                   peak: np.ndarray, intent: np.ndarray, words: DocWords | None = None,
                   topics: TopicTable | None = None) -> np.ndarray:
    """The dense feature matrix (units × ``DENSE_NAMES``) of one document.

    ``content`` holds the units' content log-odds, ``peak`` the largest single
    content-feature weight of each unit (a spam phrase inside a long sentence) and
    ``intent`` the units' topic-level selling intent (``NgramTable.score``): the
    network weighs it against lexical cohesion, so a drug name on a page about
    something else counts, and on a page about the drug does not. ``topics`` gives
    the topic-vector columns (0 without it).
    """
    if not units:
        return np.zeros((0, len(DENSE_NAMES)), dtype=np.float64)
    if words is None:
        words = DocWords(views)
    docs = DocBounds.single(len(units))
    topic = topics.unit_features(words, docs) if topics is not None else None
    return batch_dense_features([text], units, views, content, peak, intent, words, docs, topic)


def batch_dense_features(texts: Sequence[str], units: Sequence[Unit], views: Sequence[UnitView],
                         content: np.ndarray, peak: np.ndarray, intent: np.ndarray, words: DocWords,
                         docs: DocBounds, topic: np.ndarray | None = None) -> np.ndarray:
    """The dense features of a batch of documents whose units lie end to end, as ``docs`` says.

    Each document's rows are exactly what :func:`dense_features` gives it alone:
    neighbours, paragraphs, reference links, link domains, cohesion windows and
    document aggregates all stay inside the document, and its sums are rounded
    as its own. ``units`` index their own document's text (``texts[d]``); every
    document has at least one unit. ``topic`` holds the topic-vector columns
    (``TopicTable.similarity``; zeros without it).
    """
    n = len(units)
    X = np.zeros((n, len(DENSE_NAMES)), dtype=np.float64)
    if n == 0:
        return X
    doc = docs.doc
    c = content
    X[:, 0] = c
    X[:, 1] = docs.shifted(c, -1, 0.0)
    X[:, 2] = docs.shifted(c, 1, 0.0)
    X[:, 3] = _max_near(c, -10.0, docs)
    n_words = words.lens.astype(np.float64)
    weight = np.maximum(n_words, 1.0)
    doc_weight = docs.sums(weight)
    doc_mean = (docs.sums(c * weight) / doc_weight)[doc]
    X[:, 5] = doc_mean
    X[:, 6] = (docs.sums(weight * (c > 0)) / doc_weight)[doc]
    X[:, 7] = c - docs.medians(c)[doc]
    starts, ends, kinds, local_paras, lines = _unit_columns(units)
    # paragraph numbers made unique across the batch: each document's count on from the last one's
    para_counts = np.maximum.reduceat(local_paras, docs.bounds[:-1]) + 1
    paras = local_paras + (np.cumsum(para_counts) - para_counts)[doc]
    is_link = kinds != TEXT
    # per-paragraph aggregates via bincount
    para_sum = np.bincount(paras, weights=c)
    para_cnt = np.bincount(paras).astype(np.float64)
    para_links = np.bincount(paras, weights=is_link.astype(np.float64))
    others = para_cnt[paras] - 1
    X[:, 4] = np.where(others > 0, (para_sum[paras] - c) / np.maximum(others, 1), doc_mean)
    X[:, 27] = _para_max(c, paras, -10.0)
    X[:, 25] = para_links[paras] / para_cnt[paras]
    coh, coh_near = _cohesion(words, docs, NEIGHBOURHOOD)
    X[:, 8] = coh
    X[:, 9] = coh_near
    X[:, 10] = np.log1p(n_words)
    X[np.arange(n), 11 + kinds] = 1.0  # kind_text … kind_image
    # the next unit stands on the same line of the same document
    same_line = (lines[1:] == lines[:-1]) & ~docs.first[1:]
    text_on_line = np.zeros(n, dtype=bool)
    text_on_line[:-1] |= same_line & (kinds[1:] == TEXT)
    text_on_line[1:] |= same_line & (kinds[:-1] == TEXT)
    X[:, 17] = is_link & text_on_line
    _link_features(X, views, np.flatnonzero(is_link), docs)
    X[:, 22] = np.log1p((ends - starts).astype(np.float64))
    filled = words.lens > 0
    if filled.any():
        X[filled, 24] = np.bincount(words.unit, weights=words.stop, minlength=n)[filled] / words.lens[filled]
    X[:, 23] = np.fromiter(map(attrgetter("lower_start"), views), dtype=bool, count=n)
    X[:, 26] = starts.astype(np.float64) / np.array([max(len(t), 1) for t in texts], dtype=np.float64)[doc]
    # share of spam-looking entries in a run of consecutive reference definitions
    refdefs = np.flatnonzero(kinds == REFDEF)
    if len(refdefs):
        run = np.cumsum(np.concatenate(([True], (np.diff(refdefs) > 1) | docs.first[refdefs[1:]]))) - 1
        X[refdefs, 28] = (np.bincount(run, weights=c[refdefs] > 0) / np.bincount(run))[run]
    X[:, 29] = np.array([math.log1p(k) for k in docs.counts.tolist()])[doc]
    X[:, 30] = np.maximum(peak, 0.0)  # unknown features weigh 0 at run time
    _reference_features(X, views, c, docs, kinds)
    X[:, 34] = intent
    X[:, 35] = _max_near(intent, 0.0, docs)
    X[:, 36] = _para_max(intent, paras, 0.0)
    X[:, 37] = intent * (1.0 - coh)
    X[:, 38:42] = batch_shape_features(texts, starts, ends, docs)
    if topic is not None:
        X[:, 42:45] = topic
    return X


def _link_features(X: np.ndarray, views: Sequence[UnitView], links: np.ndarray, docs: DocBounds) -> None:
    """Fill the URL columns of ``X``: slug words, WordPress query, foreign domain, the document's link domains."""
    linked = [i for i in links.tolist() if views[i].url]  # only links have a URL
    if not linked:
        return
    for d, members in _by_document(linked, docs).items():
        counts = Counter(views[i].host for i in members)
        top = counts.most_common(1)[0][0]
        X[docs.bounds[d] : docs.bounds[d + 1], 21] = math.log1p(len(counts))
        for i in members:
            v = views[i]
            X[i, 18] = min(len(v.path_words), 8) / 8.0
            X[i, 19] = "attachment_id" in v.query or v.query in ("p", "page_id")
            X[i, 20] = v.host != top


def _reference_features(X: np.ndarray, views: Sequence[UnitView], c: np.ndarray, docs: DocBounds,
                        kinds: np.ndarray) -> None:
    """Fill the reference-partner columns of ``X`` (its ``para_max_content`` column must be filled).

    A reference link and its definition vouch for each other: "[anchor][7]" in a
    spam paragraph makes "[7]: http://..." at the end of the post spam too. Only
    those two kinds of unit (``kinds``) carry a label.
    """
    labelled = [i for i in np.flatnonzero((kinds == REFLINK) | (kinds == REFDEF)).tolist() if views[i].ref]
    if not labelled:
        return
    for members in _by_document(labelled, docs).values():
        defs, uses = references(views, members)
        for ref, users in uses.items():
            d = defs.get(ref)
            if d is None:
                continue
            best = max(users, key=lambda j: X[j, 27])
            X[d, 31] = 1.0
            X[d, 32] = c[best]
            X[d, 33] = X[best, 27]
            for j in users:
                X[j, 31] = 1.0
                X[j, 32] = c[d]
                X[j, 33] = X[d, 27]


def _by_document(units: list[int], docs: DocBounds) -> dict[int, list[int]]:
    """Unit indices (ascending) grouped by their document."""
    groups: dict[int, list[int]] = {}
    for i, d in zip(units, docs.doc[units].tolist()):
        groups.setdefault(d, []).append(i)
    return groups


# how advertising is typed, whatever it sells: a phone number, a price or a percentage
# (_shape.c implements both expressions by hand: a change here must be made there too; tests/test_shape_compiled.py
# holds the two to the same columns)
# _PHONE is r"(?<![\w.,])\+?\d(?:[ \-./]?\d){6,13}(?![\w.,]?\d)" written to start with the "+" or digit each
# match begins with, so the engine skips ahead between digits (1.5x faster, same matches)
_PHONE = re.compile(r"\+(?<![\w.,]\+)\d(?:[ \-./]?\d){6,13}(?![\w.,]?\d)|\d(?<![\w.,]\d)(?:[ \-./]?\d){6,13}(?![\w.,]?\d)")
_MONEY = re.compile(r"[$\u00a3\u20ac]\s?\d|\d\s?(?:%|percent\b)", re.IGNORECASE)


def shape_features(text: str, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """Per unit ``text[starts[i]:ends[i]]``: share of its ASCII letters in upper case ("CLICK HERE"), whether
    it holds a phone number, a price or percentage, and an exclamation mark. Generic advertising cues, read
    off the original text."""
    return batch_shape_features([text], starts, ends, DocBounds.single(len(starts)))


_shape = extension("_shape")
#: the compiled shape features (``excise._shape.shape_features``), or None: the Python reference runs
_COMPILED_SHAPE = _shape.shape_features if _shape is not None else None


def batch_shape_features(texts: Sequence[str], starts: np.ndarray, ends: np.ndarray, docs: DocBounds) -> np.ndarray:
    """:func:`shape_features` of a batch: unit ``i`` is ``texts[docs.doc[i]][starts[i]:ends[i]]``.

    The C extension ``excise._shape`` does the work when it is built (an optional part of
    the install); its columns are bit for bit those of `batch_shape_features_python`.
    """
    if _COMPILED_SHAPE is None:
        return batch_shape_features_python(texts, starts, ends, docs)
    out = np.empty((len(starts), 4))
    _COMPILED_SHAPE(texts, np.ascontiguousarray(starts, dtype=np.int64), np.ascontiguousarray(ends, dtype=np.int64),
                    np.ascontiguousarray(docs.doc, dtype=np.int64), out)
    return out


def batch_shape_features_python(texts: Sequence[str], starts: np.ndarray, ends: np.ndarray,
                                docs: DocBounds) -> np.ndarray:
    """:func:`batch_shape_features` in Python and numpy (the reference implementation).

    The texts are read as one array of code points, each document's offsets moved
    on by the length of the texts before it; counts are integers, so the batch
    changes nothing.
    """
    n = len(starts)
    out = np.zeros((n, 4))
    if n == 0:
        return out
    lengths = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))
    offsets = (np.cumsum(lengths) - lengths)[docs.doc]
    starts = starts + offsets
    ends = ends + offsets
    # one code point per str index
    codes = np.concatenate([np.frombuffer(t.encode("ascii"), dtype=np.uint8) if t.isascii()
                            else np.frombuffer(t.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
                            for t in texts])
    upper = np.concatenate(([0], np.cumsum((codes >= 65) & (codes <= 90))))
    lower = np.concatenate(([0], np.cumsum((codes >= 97) & (codes <= 122))))
    bang = np.concatenate(([0], np.cumsum(codes == 33)))
    up = upper[ends] - upper[starts]
    letters = up + lower[ends] - lower[starts]
    np.divide(up, letters, out=out[:, 0], where=letters > 0)
    out[:, 3] = (bang[ends] - bang[starts]) > 0
    text_starts = (np.cumsum(lengths) - lengths).tolist()
    for col, pattern in ((1, _PHONE), (2, _MONEY)):
        hits = np.fromiter((m.start() + at for text, at in zip(texts, text_starts) for m in pattern.finditer(text)),
                           dtype=np.int64)
        if len(hits):
            # a unit holds a hit if one starts inside it
            out[:, col] = np.searchsorted(hits, ends) > np.searchsorted(hits, starts)
    return out


def _unit_columns(units: Sequence[Unit]) -> np.ndarray:
    """The units as one integer column per field (start, end, kind, para, line)."""
    width = len(Unit._fields)
    return np.fromiter(chain.from_iterable(units), dtype=np.int64, count=len(units) * width).reshape(-1, width).T


def _sorted_unique(values: np.ndarray) -> np.ndarray:
    """The distinct values of an integer array, sorted: ``np.unique`` without its overhead on small arrays."""
    values = np.sort(values)
    return values[np.concatenate(([True], values[1:] != values[:-1]))]


def _max_near(values: np.ndarray, pad: float, docs: DocBounds) -> np.ndarray:
    """The largest value among the two units before and the two after each unit in its document (``pad`` past
    the document's ends)."""
    return np.maximum(np.maximum(docs.shifted(values, -2, pad), docs.shifted(values, -1, pad)),
                      np.maximum(docs.shifted(values, 1, pad), docs.shifted(values, 2, pad)))


def _para_max(values: np.ndarray, paras: np.ndarray, floor: float) -> np.ndarray:
    """The largest value of each unit's paragraph (never below ``floor``)."""
    best = np.full(int(paras.max()) + 1, floor)
    np.maximum.at(best, paras, values)
    return best[paras]


def references(views: Sequence[UnitView], among: Iterable[int] | None = None
               ) -> tuple[dict[str, int], dict[str, list[int]]]:
    """Reference definitions (label → first defining unit) and their uses (label → reference-link units).

    ``among`` limits them to those units (ascending indices of ``views``; default: all).
    """
    defs: dict[str, int] = {}
    uses: dict[str, list[int]] = {}
    for i in range(len(views)) if among is None else among:
        v = views[i]
        if v.ref:
            if v.kind == REFDEF:
                defs.setdefault(v.ref, i)
            else:
                uses.setdefault(v.ref, []).append(i)
    return defs, uses
