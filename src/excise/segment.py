"""Segmentation: the original text → units with offsets into it.

A unit is a sentence, a piece of a sentence between links, or a link of its own
(markdown inline or reference link, reference definition, HTML anchor, autolink,
bare URL). Injections are cut along unit boundaries, so the boundaries must fall
where injections start and end: at paragraph and sentence breaks, around every
link, and at a missing sentence break such as "cialis 40 mg It follows".

Everything here is regular expressions compiled at import; no sentence splitter
library is used because they are two orders of magnitude too slow for corpora.
"""

from __future__ import annotations

import re
from typing import NamedTuple

__all__ = ["IMAGE", "KIND_NAMES", "LINK", "REFDEF", "REFLINK", "TEXT", "URL", "Unit", "segment"]

TEXT, LINK, REFLINK, REFDEF, URL, IMAGE = range(6)
KIND_NAMES = ("text", "link", "reflink", "refdef", "url", "image")


class Unit(NamedTuple):
    """One unit: ``text[start:end]`` of the original, its kind, paragraph and line number."""

    start: int
    end: int
    kind: int
    para: int
    line: int


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
_LINK_TRIGGER = re.compile(r"[\[<]|https?:|www\.", re.IGNORECASE)
_REFDEF = re.compile(r"[ \t]{0,8}\[[^\]\n]{1,80}\]:[ \t]*\S")
_URL_TAIL = ".,;:!?"
_CLOSERS = "\"'\u201d\u2019\u00bb)]"

# A sentence ends after terminal punctuation (and closing quotes/brackets) and
# whitespace. A missing break, as injected text often has, is a lower-case word or
# number followed by a capitalised function word that usually starts a sentence.
_BREAK = re.compile(
    r"(?<=[.!?\u2026])[\"'\u201d\u2019\u00bb)\]]*\s+(?=\S)"
    r"|(?<=[a-z0-9%])\s+(?=(?:It|The|This|That|These|Those|They|There|We|He|She|I|You"
    r"|According|Instead|Overall|However|Also|Our|My|Your)\s)"
    r"|\s+(?=[\u2022\u00b7]\s)|(?<=\S)\s{3,}(?=\S)"
)


def _sentences(text: str, start: int, end: int, para: int, line: int, out: list[Unit]) -> None:
    """Append the sentence units of ``text[start:end]`` (trimmed) to ``out``."""
    piece = text[start:end]
    stripped = piece.strip()
    if not stripped:
        return
    lead = len(piece) - len(piece.lstrip())
    pos = start + lead
    stop = start + lead + len(stripped)
    if len(stripped) < 24:
        out.append(Unit(pos, stop, TEXT, para, line))
        return
    for m in _BREAK.finditer(text, pos, stop):
        # closing quotes and brackets after the full stop belong to the sentence they close
        gap = m.group(0)
        end = m.start() + len(gap) - len(gap.lstrip(_CLOSERS))
        if end > pos:
            out.append(Unit(pos, end, TEXT, para, line))
        pos = m.end()
    if stop > pos:
        out.append(Unit(pos, stop, TEXT, para, line))


def _line_units(text: str, start: int, end: int, para: int, line: int, out: list[Unit]) -> None:
    """Append the units of one non-blank line ``text[start:end]``."""
    if _REFDEF.match(text, start, end):
        lead = len(text[start:end]) - len(text[start:end].lstrip())
        out.append(Unit(start + lead, start + len(text[start:end].rstrip()), REFDEF, para, line))
        return
    if not _LINK_TRIGGER.search(text, start, end):
        _sentences(text, start, end, para, line, out)
        return
    pos = start
    for m in _LINKS.finditer(text, start, end):
        kind = _KIND_OF_GROUP[m.lastgroup or "link"]
        m_end = m.end()
        if kind == URL:
            while m_end > m.start() and text[m_end - 1] in _URL_TAIL:
                m_end -= 1
        _sentences(text, pos, m.start(), para, line, out)
        out.append(Unit(m.start(), m_end, kind, para, line))
        pos = m_end
    _sentences(text, pos, end, para, line, out)


def segment(text: str) -> list[Unit]:
    """Split ``text`` into units, in order; ``text[u.start:u.end]`` is each unit."""
    units: list[Unit] = []
    para = 0
    pos = 0
    blank = False
    for line_no, raw in enumerate(text.split("\n")):
        end = pos + len(raw)
        if raw.strip():
            if blank:
                para += 1
                blank = False
            _line_units(text, pos, end, para, line_no, units)
        elif units:
            blank = True
        pos = end + 1
    return units
