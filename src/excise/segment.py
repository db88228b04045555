"""Segmentation: the original text → units with offsets into it.

A unit is a sentence, a piece of a sentence between links, or a link of its own
(markdown inline or reference link, reference definition, HTML anchor, autolink,
bare URL). Injections are cut along unit boundaries, so the boundaries must fall
where injections start and end: at paragraph and sentence breaks, around every
link, and at a missing sentence break such as "cialis 40 mg It follows".

The rules are regular expressions compiled at import; no sentence splitter library
is used because they are two orders of magnitude too slow for corpora. They run in
`segment_python`, the reference. `segment` hands the work to the C extension
``excise._segment`` when it was built (an optional part of the install), which
implements the same expressions and returns the same units, six to eight times faster;
set ``EXCISE_PURE_PYTHON=1`` to use the Python code anyway.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from .compiled import extension

__all__ = ["IMAGE", "KIND_NAMES", "LINK", "REFDEF", "REFLINK", "TEXT", "URL", "Unit", "capital_seams", "segment",
           "segment_python"]

TEXT, LINK, REFLINK, REFDEF, URL, IMAGE = range(6)
KIND_NAMES = ("text", "link", "reflink", "refdef", "url", "image")


class Unit(NamedTuple):
    """One unit: ``text[start:end]`` of the original, its kind, paragraph and line number."""

    start: int
    end: int
    kind: int
    para: int
    line: int


# src/excise/_segment.c implements each expression below by hand, as re reads it: a change to one
# of them needs the same change there (tests/test_segment_compiled.py compares the two).
_LINKS = re.compile(
    r"(?P<image>!\[[^\]\n]{0,300}\](?:\([^)\n]{0,1000}\)|\[[^\]\n]{0,40}\]))"
    r"|(?P<link>\[[^\]\n]{1,300}\]\([^)\s]{1,1000}(?:[ \t]+\"[^\"\n]{0,300}\")?\)"
    r"|<a\b[^>]{0,1000}>.{0,300}?</a\s*>"
    r"|<(?:https?|ftp)://[^>\s]{1,1000}>)"
    r"|(?P<reflink>\[[^\]\n]{1,300}\]\[[^\]\n]{0,40}\])"
    r"|(?P<url>(?<![\w/.@-])(?:https?://|www\.)[^\s<>\"'\])]+)",
    re.IGNORECASE,
)
_KIND_OF_GROUP = {"image": IMAGE, "link": LINK, "reflink": REFLINK, "url": URL}
_REFDEF = re.compile(r"[ \t]{0,8}\[[^\]\n]{1,80}\]:[ \t]*\S")
_URL_TAIL = ".,;:!?"
_CLOSERS = "\"'\u201d\u2019\u00bb)]"

# The next two expressions are the hot path. Python's engine skips ahead in C only when
# a pattern starts with a plain character class; one that starts with a lookbehind or
# a case-insensitive letter is tried as a full match at every character, which made
# _BREAK alone half the time of segment(). So each consumes first the character every
# match starts with and checks the context with lookbehinds after it.
# tests/test_segment.py keeps the plain form of each and checks that they agree.

# A line can hold a link only if it has "[", "<", "http:", "https:" or "www."
# (case-insensitive); lines without one skip _LINKS.
_LINK_TRIGGER = re.compile(r"[\[<hHwW](?:(?<=[\[<])|(?i:(?<=h)ttps?:|(?<=w)ww\.))")

# A sentence ends after terminal punctuation (and closing quotes/brackets) and
# whitespace. A missing break, as injected text often has, is a word, number or
# closing symbol followed by a capitalised function word that usually starts a
# sentence and is itself followed by a lower-case word (so "Made In China" stays whole).
# A bullet or a run of three or more spaces breaks too. Every break starts with a
# closer or whitespace; before the last three rules a guard looks ahead once for what
# they all need (a capital, a bullet or two more spaces), so the commonest case, one
# space between two words, fails in three cheap steps.
# The starters are function words that, in the clean training hosts, begin a sentence at
# least nine times in ten that they stand capitalised before a lower-case word (counted
# after terminal punctuation against after a lower-case word or number); "I", "Our" and
# "My" fall short of that but are the commonest first words of injected first-person spam.
_STARTERS = (
    "It|The|This|That|These|Those|They|There|Their|We|He|She|His|Her|Its|I|You|Your|Our|My"
    "|According|Instead|Overall|However|Also|In|On|At|By|To|For|With|Over|After|Before|During|Since"
    "|As|Without|Despite|Unlike|Like|What|Who|Where|When|While|How|If|Whether|Because|Although|Though"
    "|But|And|So|Yet|Then|Thus|Therefore|Meanwhile|Unfortunately|Finally|Now|Still|Just|Even|Only"
    "|Some|Other|Others|Most|Many|Much|More|All|Each|Both|Several|Another|Such|No|Once|Often"
    "|Sometimes|Usually|Always|Additionally|Maybe|Is|Do|Did|Please|Let"
)
_STARTER_INITIALS = "".join(sorted({word[0] for word in _STARTERS.split("|")}))
_CLOSER = f"[{re.escape(_CLOSERS)}]"
_BREAK = re.compile(
    rf"[\s{re.escape(_CLOSERS)}]"
    rf"(?:(?<=[.!?\u2026]{_CLOSER}){_CLOSER}*\s+(?=\S)"  # … now.” Then
    r"|(?<=[.!?\u2026]\s)\s*(?=\S)"  # … now. Then
    rf"|(?=\s*[{_STARTER_INITIALS}\u2022\u00b7]|\s\s)"
    rf"(?:(?<=[A-Za-z0-9%):>*+\ufeff]\s)\s*(?=(?:{_STARTERS})(?:\s+[a-z(]|[,'\u2019]))"  # cialis 40 mg It follows
    r"|(?<=\s)\s*(?=[\u2022\u00b7]\s)"  # … • item
    r"|(?<=\S\s)\s{2,}(?=\S)))"  # …   Then
)


def _split_sentences(text: str, pos: int, stop: int, para: int, line: int, out: list[Unit]) -> None:
    """Append the sentence units of ``text[pos:stop]``, which starts and ends with non-space."""
    if stop - pos < 24:
        out.append(Unit(pos, stop, TEXT, para, line))
        return
    for m in _BREAK.finditer(text, pos, stop):
        end, next_pos = m.span()
        if text[end] in _CLOSERS:
            # closing quotes and brackets after the full stop belong to the sentence they close
            gap = text[end:next_pos]
            end += len(gap) - len(gap.lstrip(_CLOSERS))
        if end > pos:
            out.append(Unit(pos, end, TEXT, para, line))
        pos = next_pos
    if stop > pos:
        out.append(Unit(pos, stop, TEXT, para, line))


def _sentences(text: str, start: int, end: int, para: int, line: int, out: list[Unit]) -> None:
    """Append the sentence units of ``text[start:end]`` (trimmed) to ``out``."""
    piece = text[start:end]
    stripped = piece.strip()
    if stripped:
        pos = start + len(piece) - len(piece.lstrip())
        _split_sentences(text, pos, pos + len(stripped), para, line, out)


# An anchor written out in front of a bare URL ("dolce vita cream http://x.com/dolce-vita-cream.html")
# is the words just before the URL that its path spells out: they become a unit of their own.
_ANCHOR_WORD = re.compile(r"[^\W_]+")
_URL_HOST = re.compile(r"^(?:<?\w+://)?[^/?#\s]*")  # matched on the lower-cased URL
_ANCHOR_GAP = frozenset(" \t:-\u2013\u2014")
MAX_ANCHOR_WORDS = 6


def _spelled_anchor(text: str, pos: int, url_start: int, url_end: int) -> int:
    """Where the words of ``text[pos:url_start]`` that the URL's path spells out begin (``url_start``: none).

    Only the last ``MAX_ANCHOR_WORDS`` words count, they must stand right before
    the URL, each must occur in the path (after the host), and together they must
    hold at least four letters.
    """
    url = text[url_start:url_end].lower()
    path = url[_URL_HOST.match(url).end():]
    gap_start = url_start
    while gap_start > pos and text[gap_start - 1] in _ANCHOR_GAP:
        gap_start -= 1
    if not path or gap_start == pos:
        return url_start
    words = list(_ANCHOR_WORD.finditer(text, max(pos, gap_start - 80), gap_start))
    if not words or words[-1].end() != gap_start:
        return url_start  # the URL does not follow a word
    slug = set(_ANCHOR_WORD.findall(path))
    anchor = url_start
    letters = 0
    for w in reversed(words[-MAX_ANCHOR_WORDS:]):
        if w.group().lower() not in slug or (anchor < url_start and text[w.end():anchor].strip(" \t-")):
            break
        anchor = w.start()
        letters += len(w.group())
    return anchor if letters >= 4 else url_start


def _link_units(text: str, start: int, end: int, para: int, line: int, out: list[Unit]) -> None:
    """Append the units of line ``text[start:end]``: its links and the sentences around them."""
    pos = start
    for m in _LINKS.finditer(text, start, end):
        kind = _KIND_OF_GROUP[m.lastgroup or "link"]
        m_start, m_end = m.span()
        if kind == URL:
            while m_end > m_start and text[m_end - 1] in _URL_TAIL:
                m_end -= 1
        # a bare URL or an autolink "<http://…>" (not an HTML anchor) may follow the anchor it spells out
        bare = kind == URL or text[m_start] == "<" and text[m_start + 1 : m_start + 2].lower() != "a"
        anchor = _spelled_anchor(text, pos, m_start, m_end) if bare else m_start
        _sentences(text, pos, anchor, para, line, out)
        _sentences(text, anchor, m_start, para, line, out)
        out.append(Unit(m_start, m_end, kind, para, line))
        pos = m_end
    _sentences(text, pos, end, para, line, out)


def segment_python(text: str) -> list[Unit]:
    """Split ``text`` into units, in order; ``text[u.start:u.end]`` is each unit (the reference implementation)."""
    units: list[Unit] = []
    para = 0
    pos = 0
    blank = False
    for line_no, raw in enumerate(text.split("\n")):
        end = pos + len(raw)
        stripped = raw.strip()
        if stripped:
            if blank:
                para += 1
                blank = False
            # bounds of the trimmed line; most lines have nothing to trim
            first = pos if len(stripped) == len(raw) else pos + len(raw) - len(raw.lstrip())
            last = first + len(stripped)
            if _REFDEF.match(text, pos, end):
                units.append(Unit(first, last, REFDEF, para, line_no))
            elif _LINK_TRIGGER.search(text, pos, end):
                _link_units(text, pos, end, para, line_no, units)
            else:
                _split_sentences(text, first, last, para, line_no, units)
        elif units:
            blank = True
        pos = end + 1
    return units


_segment = extension("_segment")
#: the compiled segmenter (``excise._segment.segment``), or None: `segment_python` runs
_COMPILED = _segment.segment if _segment is not None else None


def segment(text: str) -> list[Unit]:
    """Split ``text`` into units, in order; ``text[u.start:u.end]`` is each unit.

    The compiled segmenter does the work when it is there; the units are those of `segment_python`.
    """
    if _COMPILED is not None:
        return _COMPILED(text, Unit)
    return segment_python(text)


# a word, then whitespace, then a capitalised word (an upper-case letter followed by a lower-case one); the word
# before is captured so that each match reads it once
_CAPITAL = re.compile(r"(?<!\S)(\S+)\s+(?=[A-Z][a-z])")


def capital_seams(text: str, unit: Unit) -> list[Unit]:
    """``unit`` cut before every capitalised word that follows a lower-case or all-capitals word; [] if none.

    An injected sentence without closing punctuation runs into the page's next sentence
    ("…if you like saving money, fill Occasionally, however, females who…") and the
    segmenter keeps the two as one unit. Splitting every unit this way would cut names
    after lower-case words everywhere ("they met the Queen"), so the engine does it only
    as a second look, at units the decoder left alone beside a unit it cuts or the model
    calls spam. The word before a seam must not end in closing punctuation (". ! ?").
    The pieces keep the unit's kind, paragraph and line; each piece ends before the
    whitespace of its seam.
    """
    segment_text = text[unit.start : unit.end]
    cuts = []
    for m in _CAPITAL.finditer(segment_text):
        word = m.group(1)
        if word[-1] not in ".!?" and (word[0].islower() or word.isupper()):
            cuts.append(unit.start + m.end())
    if not cuts:
        return []
    pieces = []
    start = unit.start
    for cut in cuts:
        end = cut
        while end > start and text[end - 1].isspace():
            end -= 1
        pieces.append(Unit(start, end, unit.kind, unit.para, unit.line))
        start = cut
    pieces.append(Unit(start, unit.end, unit.kind, unit.para, unit.line))
    return pieces
