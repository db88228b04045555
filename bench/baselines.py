"""The corpus filters people use today, wrapped as scanners that excise's scorer can grade.

A baseline has a ``name`` (a table row's label), a ``granularity`` (``line``,
``paragraph``, ``document`` or ``sentence``: what it removes at a time) and
``scan(text) -> Result``, whose spans are the characters of the ORIGINAL text
that the filter removes, each with label ``baseline`` and score 1. So
``excise.evaluate.evaluate(baseline, gold_records)`` scores it exactly as it
scores excise. Spans cover a unit's non-whitespace extent: the scorer ignores
whitespace anyway.

- datatrove ``C4QualityFilter()`` in its default line mode: a rejected
  document is one span; otherwise every original line it did not keep.
- datatrove ``C4BadWordsFilter()``, ``FineWebQualityFilter()`` and
  ``GopherQualityFilter()``: whole documents, or nothing. The bad-words filter
  downloads its word list on first use; offline it is left out unless
  datatrove's asset cache already holds the list (:func:`c4_badwords_list`).
- jusText: each non-empty line becomes a ``<p>`` of a minimal page; the
  paragraphs it calls boilerplate are the spans.
- SmokeDetector's ``bad_keywords.txt``: every sentence that one of its regular
  expressions matches, bounded by word boundaries as SmokeDetector does.

The libraries load lazily, so this module imports without them; each baseline
says what to install when it cannot be built. ``all_baselines(data)`` builds
and warms them all (spaCy and stop lists load outside any timing).

    python bench/baselines.py --check

runs every baseline on three tiny texts and asserts the span invariants (and,
for C4, that cutting the spans leaves exactly the lines C4 keeps), checks the
keyword shortcut against SmokeDetector's single expression on the real dev set
and excise's spam pieces, then scans the first ``--n`` BBC News articles, raw
and split into paragraphs as excise's training hosts are, and prints the share
of documents each baseline touches, of characters it cuts, and its speed.
"""

from __future__ import annotations

import argparse
import csv
import difflib
import gzip
import html
import json
import os
import re
import sys
import time
from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn

from common import data_dir, log, markdown_table

from excise.evaluate import touches_text
from excise.types import Result, Span

LABEL = "baseline"
GRANULARITIES = ("line", "paragraph", "document", "sentence")
INSTALL_HINT = "pip install 'datatrove[processing]==0.10.1' spacy justext lxml_html_clean"

Cut = tuple[int, int, str]  # start, end, reason

_SENTENCE_END = re.compile(r"[.!?]\s+")
_SURROGATE = re.compile("[\ud800-\udfff]")
_XPATH_INDEX = re.compile(r"/p\[(\d+)\]$")

#: A page-like text for warming up: long enough that C4 keeps it and spaCy loads.
WARM_TEXT = ("The council met on Tuesday to discuss the new budget for the town. Members agreed that the "
             "library should stay open on Sundays. The mayor said the decision was good news for families. "
             "Several residents spoke in favour of the plan. The vote will take place next month.\n"
             "Home | About | Contact\n")


# ---------------------------------------------------------------------------------------------- text units


def stripped(text: str, start: int, end: int) -> tuple[int, int] | None:
    """``(start, end)`` shrunk to its non-whitespace extent; ``None`` when only whitespace is left."""
    piece = text[start:end]
    core = piece.lstrip()
    if not core:
        return None
    start += len(piece) - len(core)
    return start, start + len(core.rstrip())


def line_bounds(text: str) -> list[tuple[int, int]]:
    """The ``(start, end)`` of every line as ``str.splitlines`` cuts them, line breaks excluded.

    ``[text[s:e] for s, e in line_bounds(text)] == text.splitlines()``, so the
    offsets line up with datatrove's own line split.
    """
    bounds = []
    pos = 0
    for piece in text.splitlines(keepends=True):
        content = piece.splitlines()[0]
        bounds.append((pos, pos + len(content)))
        pos += len(piece)
    return bounds


def sentence_bounds(text: str) -> list[tuple[int, int]]:
    """Non-whitespace extents of the sentences: cut at line breaks and after ``.``, ``!`` or ``?`` before a space."""
    bounds = []
    for line_start, line_end in line_bounds(text):
        pos = line_start
        for match in _SENTENCE_END.finditer(text, line_start, line_end):
            bounds.append(stripped(text, pos, match.start() + 1))
            pos = match.end()
        bounds.append(stripped(text, pos, line_end))
    return [b for b in bounds if b is not None]


def paragraph_bounds(text: str) -> list[tuple[int, int]]:
    """Non-whitespace extents of the non-blank lines: the paragraphs a plain-text page shows."""
    return [b for b in (stripped(text, s, e) for s, e in line_bounds(text)) if b is not None]


def encodable(text: str) -> str:
    """``text`` with lone surrogates (which ``json.loads`` lets through) replaced by U+FFFD, offsets unchanged.

    spaCy, and so datatrove, raises on them; a pipeline reading the same
    JSONL with a strict decoder would never have seen them.
    """
    return _SURROGATE.sub("\ufffd", text)


# ---------------------------------------------------------------------------------------------- the interface


class Baseline(ABC):
    """A corpus filter as a scanner: ``scan(text)`` returns the spans of ``text`` it removes."""

    name: str = ""
    granularity: str = ""

    @property
    def family(self) -> str:
        """Alias of :attr:`granularity` (what the filter removes at a time)."""
        return self.granularity

    @abstractmethod
    def cuts(self, text: str) -> list[Cut]:
        """The ``(start, end, reason)`` of every piece of ``text`` the filter removes, disjoint."""

    def scan(self, text: str) -> Result:
        """The removed pieces as a :class:`Result`, spans sorted, label ``baseline``, score 1.

        The filter sees :func:`encodable` ``(text)``, which has the same offsets.
        """
        spans = tuple(Span(start, end, label=LABEL, score=1.0, reasons=(reason,))
                      for start, end, reason in sorted(self.cuts(encodable(text))))
        return Result(spans=spans, score=1.0 if spans else 0.0, model=self.name, length=len(text))

    def warm(self) -> None:
        """Load whatever the filter loads lazily (spaCy, word lists), so timings leave it out."""
        self.scan(WARM_TEXT)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.name!r} ({self.granularity})>"


def whole(text: str, reason: str) -> list[Cut]:
    """One cut over the non-whitespace extent of the whole text (none for a blank text)."""
    bounds = stripped(text, 0, len(text))
    return [] if bounds is None else [(*bounds, reason)]


def verdict(outcome: bool | tuple[bool, str]) -> tuple[bool, str]:
    """A datatrove ``filter()`` return value as ``(kept, reason)``."""
    if isinstance(outcome, tuple):
        return bool(outcome[0]), str(outcome[1])
    return bool(outcome), ""


def _document(text: str) -> Any:
    """A datatrove ``Document`` holding ``text``."""
    from datatrove.data import Document

    return Document(text=text, id="baseline")


def _require(what: str) -> NoReturn:
    """Raise an ImportError naming the packages the baselines need."""
    raise ImportError(f"{what} is not installed; the baselines need: {INSTALL_HINT}")


# ---------------------------------------------------------------------------------------------- datatrove


class DocumentFilter(Baseline):
    """A datatrove filter that keeps or drops whole documents: a dropped document is one span."""

    granularity = "document"

    def __init__(self, name: str, step: Any, tag: str) -> None:
        self.name = name
        self.step = step
        self.tag = tag

    def cuts(self, text: str) -> list[Cut]:
        """Everything when the filter drops the document, else nothing."""
        kept, reason = verdict(self.step.filter(_document(text)))
        return [] if kept else whole(text, f"{self.tag}:{reason or 'dropped'}")


def c4_key(line: str) -> str:
    """What C4 line mode makes of an original line it keeps, up to surrounding whitespace.

    C4 strips the line and deletes Wikipedia-style citation marks (with the
    regular expression datatrove uses); its output is stripped once more at
    both ends, so keys are compared stripped.
    """
    from datatrove.pipeline.filters.c4_filters import CITATION_REGEX

    return CITATION_REGEX.sub("", line.strip()).strip()


def align_kept(original: Sequence[str], kept: Sequence[str]) -> tuple[list[bool], bool]:
    """Which original lines C4 kept, given the lines of its output; and whether alignment needed difflib.

    Kept lines come out in order, so a greedy in-order match of ``c4_key(line)``
    against the stripped output lines assigns every output line when the
    output is what C4 line mode produces. If it does not (a future datatrove
    changing the text further), a ``difflib`` alignment of the two line lists
    decides instead, and unmatched output lines are ignored.
    """
    keys = [c4_key(line) for line in original]
    targets = [line.strip() for line in kept]
    flags = [False] * len(keys)
    j = 0
    for i, key in enumerate(keys):
        if j < len(targets) and key == targets[j]:
            flags[i] = True
            j += 1
    if j == len(targets):
        return flags, False
    flags = [False] * len(keys)
    matcher = difflib.SequenceMatcher(None, keys, targets, autojunk=False)
    for block in matcher.get_matching_blocks():
        for i in range(block.a, block.a + block.size):
            flags[i] = True
    return flags, True


class C4Lines(Baseline):
    """datatrove ``C4QualityFilter()`` with its defaults: keeps some lines, or drops the whole document.

    Removed lines are mapped back to the original by :func:`align_kept`;
    ``fallbacks`` counts the documents that needed its difflib fallback.
    Citation marks it deletes inside kept lines (``[1]``, ``[edit]``) are not
    reported: those lines count as kept.
    """

    name = "datatrove C4QualityFilter (line mode)"
    granularity = "line"

    def __init__(self) -> None:
        try:
            from datatrove.pipeline.filters import C4QualityFilter
        except ImportError:
            _require("datatrove")
        self.step = C4QualityFilter()
        self.fallbacks = 0

    def output(self, text: str) -> tuple[bool, str, str]:
        """C4's own verdict on ``text``: ``(kept, reason, text it keeps)``."""
        doc = _document(text)
        kept, reason = verdict(self.step.filter(doc))
        return kept, reason, doc.text if kept else ""

    def cuts(self, text: str) -> list[Cut]:
        """The whole text when C4 drops the document, else each non-blank line it dropped."""
        kept, reason, out = self.output(text)
        if not kept:
            return whole(text, f"c4:{reason or 'dropped'}")
        bounds = line_bounds(text)
        flags, fell_back = align_kept([text[s:e] for s, e in bounds], out.split("\n"))
        self.fallbacks += fell_back
        cuts = []
        for (start, end), keep in zip(bounds, flags):
            piece = None if keep else stripped(text, start, end)
            if piece is not None:
                cuts.append((*piece, "c4:line"))
        return cuts


def c4_badwords_list() -> Path | None:
    """Where datatrove keeps C4's English bad-words list, if it has been downloaded; else ``None``.

    datatrove fetches the list from GitHub on first use and caches it; nothing
    in the package or in the shared data ships it.
    """
    try:
        from datatrove.pipeline.filters.c4_filters import _EN_BADWORDS_URL
        from fsspec.core import strip_protocol
        from huggingface_hub import cached_assets_path

        # as datatrove names it; fsspec needs aiohttp even for that, and datatrove needs it to read the cache
        name = strip_protocol(_EN_BADWORDS_URL).replace("/", "_")
    except ImportError:
        return None
    folder = cached_assets_path(library_name="datatrove", namespace="filters", subfolder="c4_badwords")
    path = Path(folder) / name
    done = path.with_name(path.name + ".completed")
    return path if path.is_file() and done.exists() else None


#: the npm package of the LDNOOBW lists (the lists C4's bad-words filter downloads from GitHub), from a registry
BADWORDS_NPM = "naughty-words@1.2.0"


def install_badwords_list(words: Sequence[str]) -> Path:
    """Put an English bad-words list where datatrove's ``C4BadWordsFilter`` looks before downloading it.

    datatrove keeps the file it downloads in its asset cache with a ``.completed``
    marker beside it and reads it from there on every later run; writing both is
    what its own download does.
    """
    from datatrove.pipeline.filters.c4_filters import _EN_BADWORDS_URL
    from fsspec.core import strip_protocol
    from huggingface_hub import cached_assets_path

    folder = Path(cached_assets_path(library_name="datatrove", namespace="filters", subfolder="c4_badwords"))
    path = folder / strip_protocol(_EN_BADWORDS_URL).replace("/", "_")
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text("".join(f"{w.strip()}\n" for w in words if w.strip()), encoding="utf-8")
    tmp.replace(path)
    path.with_name(path.name + ".completed").touch()
    return path


def fetch_badwords_from_npm() -> list[str]:
    """The English LDNOOBW list from the npm registry (``npm pack``; this machine reaches registries only)."""
    import subprocess
    import tarfile
    import tempfile

    with tempfile.TemporaryDirectory(prefix="excise-badwords-") as tmp:
        subprocess.run(["npm", "pack", BADWORDS_NPM, "--silent"], cwd=tmp, check=True, capture_output=True)
        archive = next(Path(tmp).glob("naughty-words-*.tgz"))
        with tarfile.open(archive) as tar:
            member = tar.extractfile("package/en.json")
            if member is None:
                raise FileNotFoundError(f"{BADWORDS_NPM} has no package/en.json")
            return list(json.load(member))


def datatrove_document_filters(*, badwords: bool) -> list[DocumentFilter]:
    """FineWeb and Gopher quality filters, and C4's bad-words filter when ``badwords``; all with defaults."""
    try:
        from datatrove.pipeline.filters import C4BadWordsFilter, FineWebQualityFilter, GopherQualityFilter
    except ImportError:
        _require("datatrove")
    out = []
    if badwords:
        # keep_fraction defaults to 0, so the seeded generator is never drawn from; the seed pins it anyway
        out.append(DocumentFilter("datatrove C4BadWordsFilter", C4BadWordsFilter(seed=0), "c4-badwords"))
    out.append(DocumentFilter("datatrove FineWebQualityFilter", FineWebQualityFilter(), "fineweb"))
    out.append(DocumentFilter("datatrove GopherQualityFilter", GopherQualityFilter(), "gopher"))
    return out


# ---------------------------------------------------------------------------------------------- jusText


def paragraph_page(paragraphs: Sequence[str]) -> str:
    """A minimal HTML page with one ``<p>`` per paragraph, its text escaped."""
    body = "".join(f"<p>{html.escape(p, quote=False)}</p>\n" for p in paragraphs)
    return f"<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"></head><body>\n{body}</body></html>"


def _words(text: str) -> str:
    """``text`` as jusText gives it back: whitespace normalised, NUL made U+FFFD (as lxml does)."""
    return " ".join(text.replace("\x00", "\ufffd").split())


def match_paragraphs(sources: Sequence[str], returned: Sequence[Any]) -> tuple[dict[int, Any], int]:
    """Map jusText's paragraphs to source paragraph indices; also count those matched to none.

    A returned paragraph's XPath (``.../p[k]``) names the ``<p>`` it came from;
    it is trusted only when the texts agree. Otherwise the paragraph is looked
    for by text among the sources after the last match, so merged, dropped or
    reordered paragraphs cannot shift the rest.
    """
    wanted = [_words(s) for s in sources]
    matched: dict[int, Any] = {}
    unmatched = 0
    cursor = 0
    for paragraph in returned:
        text = _words(paragraph.text)
        found = _XPATH_INDEX.search(paragraph.xpath or "")
        index = int(found.group(1)) - 1 if found else -1
        if not (0 <= index < len(wanted) and wanted[index] == text and index not in matched):
            index = next((i for i in range(cursor, len(wanted)) if wanted[i] == text and i not in matched), -1)
        if index < 0:
            unmatched += 1
            continue
        matched[index] = paragraph
        cursor = index + 1
    return matched, unmatched


class JusTextParagraphs(Baseline):
    """jusText 3 with its defaults and the English stop list, over the text's lines as paragraphs.

    Paragraphs classified as boilerplate (``bad``, ``short`` or ``neargood``
    after revision) are cut, and so are paragraphs jusText did not return at
    all; ``unmatched`` counts returned paragraphs that matched no source.
    """

    name = "jusText (lines as <p>, English)"
    granularity = "paragraph"

    def __init__(self) -> None:
        try:
            import justext
        except ImportError:
            _require("justext (with lxml_html_clean)")
        self._justext = justext.justext
        self.stoplist = justext.get_stoplist("English")
        self.unmatched = 0

    def cuts(self, text: str) -> list[Cut]:
        """Each non-blank line jusText calls boilerplate or drops."""
        bounds = paragraph_bounds(text)
        if not bounds:
            return []
        sources = [text[s:e] for s, e in bounds]
        returned = self._justext(paragraph_page(sources), self.stoplist)
        matched, unmatched = match_paragraphs(sources, returned)
        self.unmatched += unmatched
        cuts = []
        for i, (start, end) in enumerate(bounds):
            paragraph = matched.get(i)
            if paragraph is None:
                cuts.append((start, end, "justext:dropped"))
            elif paragraph.is_boilerplate:
                cuts.append((start, end, f"justext:{paragraph.class_type}"))
        return cuts


# ---------------------------------------------------------------------------------------------- keywords

#: Non-ASCII letters that ``re.IGNORECASE`` matches to ASCII letters (see the ``re`` docs), folded to them
#: before the literal prefilter so that it never rejects a text the full expression would match.
_ASCII_FOLD = str.maketrans({"\u0130": "i", "\u0131": "i", "\u017f": "s", "\u212a": "k"})
_MIN_LITERAL = 3


def fold(text: str) -> str:
    """``text`` as the literal prefilter compares it: lower case, the four odd ``re`` case twins made ASCII."""
    return text.translate(_ASCII_FOLD).lower()


@dataclass(frozen=True, slots=True)
class Keyword:
    """One keyword: its line in the list, its expression, and the literals (folded) a match must contain.

    A match contains at least one of ``literals``; the tuple is empty when no
    literal of at least three characters is certain, and the keyword is then
    tried on every sentence.
    """

    line: int
    pattern: str
    regex: re.Pattern[str]
    literals: tuple[str, ...]

    def may_match(self, folded: str) -> bool:
        """Whether the expression can match a text whose :func:`fold` is ``folded``."""
        return not self.literals or any(lit in folded for lit in self.literals)


def _sre() -> tuple[Any, Any]:
    """The regular-expression parser and its opcodes (private modules, renamed in Python 3.11)."""
    try:
        from re import _constants, _parser
    except ImportError:  # Python 3.10
        import sre_constants as _constants
        import sre_parse as _parser
    return _parser, _constants


def _foldable(code: int) -> bool:
    """Whether a literal character survives :func:`fold` as itself under ``re.IGNORECASE``.

    ASCII does (letters fold to lower case, the rest has no case), and so do
    characters without case (CJK, Arabic script); other letters (Cyrillic,
    Greek) have ``re`` case twins that ``str.lower`` does not map, so they end a run.
    """
    char = chr(code)
    return code < 128 or char.lower() == char.upper() == char.casefold() == char


def _literal_runs(items: Any, literal: Any) -> list[str]:
    """The runs of consecutive foldable ``literal`` opcodes in a parsed sequence, folded."""
    runs, run = [], []
    for op, arg in items:
        if op is literal and _foldable(arg):
            run.append(chr(arg))
            continue
        runs.append("".join(run))
        run = []
    runs.append("".join(run))
    return [fold(r) for r in runs if r]


def _best(requirements: Sequence[tuple[str, ...]]) -> tuple[str, ...]:
    """The requirement whose shortest literal is longest, if that is at least three characters; else ``()``."""
    best = max(requirements, key=lambda req: min(map(len, req)), default=())
    return best if best and min(map(len, best)) >= _MIN_LITERAL else ()


def _requirements(items: Any, sre: Any) -> list[tuple[str, ...]]:
    """Literal sets of which every match of a parsed sequence contains one member.

    A literal run of the sequence is one such set; a group (not repeated)
    adds its own sets; an alternation adds one set taking the best set of
    each branch, when every branch has one. Repeats and lookarounds add none.
    """
    requirements = [(run,) for run in _literal_runs(items, sre.LITERAL)]
    for op, arg in items:
        if op is sre.SUBPATTERN:
            requirements += _requirements(arg[-1], sre)
        elif op is sre.BRANCH:
            options = [_best(_requirements(branch, sre)) for branch in arg[1]]
            if all(options):
                requirements.append(tuple(dict.fromkeys(lit for option in options for lit in option)))
    return requirements


def required_literals(pattern: str) -> tuple[str, ...]:
    """Folded literals one of which every match of ``pattern`` contains; ``()`` when none is certain.

    Anything the parser cannot read gives ``()`` (the keyword is always tried).
    """
    try:
        parser, sre = _sre()
        return _best(_requirements(parser.parse(pattern), sre))
    except Exception:  # noqa: BLE001 - private modules: any failure means "no prefilter"
        return ()


def keyword_regex(pattern: str) -> re.Pattern[str]:
    """``pattern`` between word boundaries, case-insensitive, ``.`` matching newlines, as SmokeDetector wraps it.

    SmokeDetector joins its keywords into one alternation inside this wrapper;
    a text matches that alternation exactly when it matches one keyword
    wrapped alone, and single keywords are far cheaper to try.
    """
    return keyword_alternation([pattern])


def keyword_alternation(patterns: Sequence[str]) -> re.Pattern[str]:
    """SmokeDetector's form: all the patterns in one word-bounded, case-insensitive alternation."""
    return re.compile(r"(?is)(?:^|\b)(?:" + "|".join(f"(?:{p})" for p in patterns) + r")(?:\b|$)")


def load_keywords(path: Path) -> tuple[list[Keyword], list[tuple[int, str, str]]]:
    """The usable keywords of a SmokeDetector list, and ``(line, pattern, error)`` for those Python cannot compile."""
    keywords: list[Keyword] = []
    skipped: list[tuple[int, str, str]] = []
    with open(path, encoding="utf-8") as f:
        for number, raw in enumerate(f, 1):
            pattern = raw.rstrip("\n")
            if not pattern.strip() or pattern.lstrip().startswith("#"):
                continue
            try:
                regex = keyword_regex(pattern)
            except re.error as exc:
                skipped.append((number, pattern, str(exc)))
                continue
            keywords.append(Keyword(number, pattern, regex, required_literals(pattern)))
    return keywords, skipped


def first_match(sentence: str, keywords: Sequence[Keyword]) -> re.Match[str] | None:
    """The match of the first keyword that matches ``sentence``, trying only those whose literal it contains."""
    folded = fold(sentence)
    for keyword in keywords:
        if keyword.may_match(folded):
            match = keyword.regex.search(sentence)
            if match:
                return match
    return None


def trigrams(text: str) -> set[str]:
    """Every three-character substring of ``text``."""
    return set(map("".join, zip(text, text[1:], text[2:])))


class KeywordSentences(Baseline):
    """SmokeDetector's bad keywords: every sentence that one of them matches is cut.

    SmokeDetector's single alternation of ~1,000 expressions, tried at every
    word boundary, runs at about 0.2 MB/s in Python. Instead, a literal
    prefilter keeps the keywords whose required literal occurs in the folded
    text (looked up by the literal's first trigram among the text's trigrams,
    then searched for), or that have none; each sentence then tries, one by
    one, those of them whose literal it contains itself. The reason names the
    first keyword in list order that matched. :meth:`reference_cuts` runs
    SmokeDetector's alternation on every sentence, for checking that the
    shortcut changes nothing.
    """

    name = "SmokeDetector bad_keywords (sentences)"
    granularity = "sentence"

    def __init__(self, data: Path) -> None:
        self.path = data / "smokedetector" / "bad_keywords.txt"
        self.keywords, self.skipped = load_keywords(self.path)
        self.always = [k for k in self.keywords if not k.literals]
        self._by_head: dict[str, list[tuple[Keyword, str]]] = {}  # a literal's first trigram -> (keyword, literal)
        for keyword in self.keywords:
            for literal in keyword.literals:
                self._by_head.setdefault(literal[:3], []).append((keyword, literal))
        self._alternation: re.Pattern[str] | None = None

    def candidates(self, text: str) -> list[Keyword]:
        """The keywords that could match somewhere in ``text``, in list order."""
        folded = fold(text)
        hits = {keyword.line: keyword for head in trigrams(folded).intersection(self._by_head)
                for keyword, literal in self._by_head[head] if literal in folded}
        return sorted([*hits.values(), *self.always], key=lambda k: k.line) if hits else self.always

    def cuts(self, text: str) -> list[Cut]:
        """Each sentence in which a keyword matches (searched within the sentence alone)."""
        keywords = self.candidates(text)
        cuts = []
        for start, end in sentence_bounds(text):
            match = first_match(text[start:end], keywords)
            if match:
                cuts.append((start, end, f"smokedetector:{match.group(0).strip()[:40]}"))
        return cuts

    def reference_cuts(self, text: str) -> list[tuple[int, int]]:
        """The sentences SmokeDetector's own single alternation matches: slow, no shortcut."""
        if self._alternation is None:
            self._alternation = keyword_alternation([k.pattern for k in self.keywords])
        return [(s, e) for s, e in sentence_bounds(text) if self._alternation.search(text[s:e])]


# ---------------------------------------------------------------------------------------------- all of them


def all_baselines(data: Path, *, warm: bool = True) -> list[Baseline]:
    """Every baseline that can run here, warmed up unless ``warm=False``.

    C4's bad-words filter is included only when its word list is already in
    datatrove's cache (it cannot be downloaded offline); a note goes to stderr
    when it is left out.
    """
    badwords = c4_badwords_list() is not None
    if not badwords:
        log("note: C4BadWordsFilter left out: its word list is downloaded from GitHub on first use "
            "and is not in datatrove's cache")
    baselines: list[Baseline] = [C4Lines(), *datatrove_document_filters(badwords=badwords), JusTextParagraphs(),
                                 KeywordSentences(data)]
    if warm:
        for baseline in baselines:
            baseline.warm()
    return baselines


# ---------------------------------------------------------------------------------------------- self-check

TINY_TEXTS = (
    # a page: menu lines, a citation, a spam line, a cookie line; C4 keeps the document
    ("Home | News | Sport\n"
     "  The council met on Tuesday to discuss the new budget.[1] Members agreed on most points.  \n"
     "\n"
     "The library will stay open on Sundays, the mayor said. Families welcomed the news.\n"
     "Buy cheap viagra online without prescription at our pharmacy today!\n"
     "This site uses cookies to improve your experience.\n"
     "Residents can comment on the plan until March. The vote is next month.\n"
     "Share this\n"),
    # too short for C4 and Gopher; a curly bracket too
    "Click here {now}\r\nGet a payday loan in minutes.",
    # CRLF, a form feed and a Unicode line separator, odd spacing, an HTML-looking line, keywords
    ("\ufeffSkin\u2028care tips from the garcinia cambogia experts.  Is it real?\x0cYes!\r\n"
     "<b>Bold</b> & other marks are not tags here.\r\n\r\n"
     "We offer loans to everyone. Contact us for fast funding! Really. Truly.\r\n"),
)


def check_spans(result: Result, text: str) -> None:
    """Spans are sorted, disjoint, non-empty and inside the text."""
    previous = 0
    for span in result.spans:
        assert previous <= span.start < span.end <= len(text), (span, previous, len(text))
        assert span.label == LABEL and span.score == 1.0 and span.reasons, span
        previous = span.end


def check_c4(baseline: C4Lines, text: str, result: Result) -> None:
    """Cutting the spans leaves exactly the lines C4 keeps (citation marks aside)."""
    text = encodable(text)
    kept, _, out = baseline.output(text)
    pieces, pos = [], 0
    for span in result.spans:
        pieces.append(text[pos:span.start])
        pos = span.end
    pieces.append(text[pos:])
    left = [c4_key(line) for line in "".join(pieces).splitlines() if line.strip()]
    expected = [line.strip() for line in out.split("\n")] if kept else []
    assert left == expected, (left, expected)


def read_bbc(data: Path, n: int) -> tuple[list[str], list[str]]:
    """The first ``n`` BBC News training articles raw (one block each) and as excise's clean hosts split them."""
    with gzip.open(data / "bbc-news" / "train.csv.gz", "rt", encoding="utf-8", newline="") as f:
        raw = [row["text"] for _, row in zip(range(n), csv.DictReader(f))]
    from excise.training.sources import clean_hosts

    hosts = [h.text for h in clean_hosts(data) if h.id.startswith("bbc:train.csv.gz:")][:n]
    return raw, hosts


@dataclass(slots=True)
class Run:
    """One baseline over one set of texts: documents touched, non-whitespace characters cut, wall and CPU seconds."""

    docs: int = 0
    touched: int = 0
    solid: int = 0
    solid_cut: int = 0
    wall: float = 0.0
    cpu: float = 0.0
    megabytes: float = 0.0

    def cells(self) -> list[str]:
        """Touched share, share of characters cut, MB/s by wall clock and (in brackets) by CPU time."""
        tiny = 1e-9  # no division by zero for an empty set
        return [f"{self.touched}/{self.docs} ({100 * self.touched / max(self.docs, 1):.1f} %)",
                f"{100 * self.solid_cut / max(self.solid, 1):.1f} %",
                f"{self.megabytes / max(self.wall, tiny):.2f} ({self.megabytes / max(self.cpu, tiny):.2f})"]


def _solid(text: str) -> int:
    """Non-whitespace characters of ``text``."""
    return len(text) - sum(ch.isspace() for ch in text)


def measure(baseline: Baseline, texts: Sequence[str]) -> Run:
    """Scan every text (timed), check the invariants (untimed) and tally what was cut."""
    out = Run(docs=len(texts), megabytes=sum(len(t.encode("utf-8")) for t in texts) / 1e6)
    wall, cpu = time.perf_counter(), time.process_time()
    results = [baseline.scan(text) for text in texts]
    out.wall, out.cpu = time.perf_counter() - wall, time.process_time() - cpu
    for text, result in zip(texts, results):
        check_spans(result, text)
        if isinstance(baseline, C4Lines):
            check_c4(baseline, text, result)
        spans = [(s.start, s.end) for s in result.spans]
        out.touched += touches_text(spans, text)
        out.solid += _solid(text)
        out.solid_cut += sum(_solid(text[s:e]) for s, e in spans)
    return out


def spam_texts(data: Path) -> list[str]:
    """Texts that keywords do match: the real dev set's documents and every spam piece excise trains on."""
    from excise.training.sources import spam_pieces

    texts = []
    for path in sorted((data / "real-dev").glob("*.jsonl")):
        with open(path, encoding="utf-8") as f:
            texts += [json.loads(line)["text"] for line in f if line.strip()]
    return texts + [piece.text for piece in spam_pieces(data)]


def check_keywords(keywords: KeywordSentences, texts: Sequence[str]) -> int:
    """The prefilter and the one-keyword-at-a-time search cut what SmokeDetector's alternation cuts.

    Returns the number of texts in which something was cut.
    """
    hit = 0
    for text in texts:
        fast = [(start, end) for start, end, _ in keywords.cuts(text)]
        assert fast == keywords.reference_cuts(text), text[:200]
        hit += bool(fast)
    return hit


def self_check(data: Path, n: int) -> int:
    """Tiny texts with invariants, then the first ``n`` BBC articles: a markdown table of what each baseline cuts."""
    baselines = all_baselines(data)
    keywords = next(b for b in baselines if isinstance(b, KeywordSentences))
    log(f"keywords: {len(keywords.keywords)} usable, {len(keywords.skipped)} skipped "
        f"({'; '.join(f'line {ln}: {err}' for ln, _, err in keywords.skipped)}); "
        f"{len(keywords.always)} tried on every text (no literal for the prefilter)")
    for baseline in baselines:
        assert baseline.granularity in GRANULARITIES and baseline.name, baseline
        for text in TINY_TEXTS:
            result = baseline.scan(text)
            check_spans(result, text)
            if isinstance(baseline, C4Lines):
                check_c4(baseline, text, result)
            log(f"  {baseline.name}: {[text[s.start:s.end][:50] for s in result.spans]}")
    raw, hosts = read_bbc(data, n)
    log("checking the keyword shortcut against SmokeDetector's single expression ...")
    texts = [*TINY_TEXTS, *raw, *hosts, *spam_texts(data)]
    log(f"  same cuts in all {len(texts)} texts; {check_keywords(keywords, texts)} of them cut")
    rows = []
    for baseline in baselines:
        log(f"{baseline.name} ...")
        rows.append([baseline.name, baseline.granularity, *measure(baseline, raw).cells(),
                     *measure(baseline, hosts).cells()])
    print(f"# Baselines on the first {n} BBC News training articles\n")
    print("Raw: each article as the CSV holds it, one block. Paragraphs: split as excise's clean hosts are.\n"
          "Chars cut: share of non-whitespace characters. MB/s: UTF-8 megabytes per second, wall clock "
          "(CPU time), one process, after warming up.\n")
    print(markdown_table(("baseline", "granularity", "raw: docs touched", "raw: chars cut", "raw: MB/s",
                          "paragraphs: docs touched", "paragraphs: chars cut", "paragraphs: MB/s"), rows))
    c4 = next(b for b in baselines if isinstance(b, C4Lines))
    jt = next(b for b in baselines if isinstance(b, JusTextParagraphs))
    print(f"\nC4 alignments needing difflib: {c4.fallbacks}; jusText paragraphs matched to no line: {jt.unmatched}")
    print("\nall checks passed")
    return 0


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="run the self-check and the BBC News figures")
    parser.add_argument("--data", help="data folder (default: ../shared/data)")
    parser.add_argument("--n", type=int, default=300, help="BBC News articles for --check (default: %(default)s)")
    parser.add_argument("--install-badwords", action="store_true",
                        help=f"fetch the English LDNOOBW list from npm ({BADWORDS_NPM}) into datatrove's cache, so "
                             "that C4BadWordsFilter runs offline")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    """``--check``: the self-check; otherwise list the baselines that can run here."""
    args = parse_args(argv)
    data = data_dir(args.data)
    if args.install_badwords:
        words = fetch_badwords_from_npm()
        print(f"{len(words)} words from {BADWORDS_NPM} written to {install_badwords_list(words)}")
    if args.check:
        return self_check(data, args.n)
    for baseline in all_baselines(data, warm=False):
        print(f"{baseline.granularity:<10} {baseline.name}")
    return 0


if __name__ == "__main__":
    os.environ.setdefault("LOGURU_LEVEL", "WARNING")  # datatrove logs through loguru
    sys.exit(main())
