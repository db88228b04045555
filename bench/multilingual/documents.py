"""Clean documents in other languages from the pages of :mod:`multilingual.debian`.

Each paragraph is language-checked on its own: translations leave many
paragraphs in English, and a run of paragraphs in the page's language ends at
each. Consecutive paragraphs of a run are grouped into documents of 300 to 5,000
characters with at least two paragraphs (a random target length each), that are
mostly prose and whose whole text is in the language too. A paragraph seen
before in the language (the same text in two packages or two versions) is not
used twice. Then each language gets up to ``per_lang`` documents, taken in turn
from each package and at most three from one page.
"""

from __future__ import annotations

import random
import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from typing import Any

from .debian import GENRE, LICENSES, Page
from .detect import detect

__all__ = ["CJK", "documents_of", "pool", "select"]

CJK = {"zh", "ja", "ko"}
SENTENCE_END = re.compile(r"[.!?。！？…:;)\]»”\"'»]\s*(--.*)?$")
# box-drawing tables and shell sessions: not prose
BOXY = re.compile(r"[\u2500-\u257f]|(^|\n|\u2028)\s*[$#] \S|\$ (echo|sudo|apt|cat|ls|cd) ")
MIN_CHARS, MAX_CHARS = 300, 5000
LONGEST_PARAGRAPH = 4000  # longer blocks are usually mis-parsed containers
PER_PAGE = 3

Record = dict[str, Any]


def _key(paragraph: str) -> str:
    """The de-duplication key of a paragraph: its first 400 word characters, lower-cased."""
    return re.sub(r"\W+", "", paragraph.lower())[:400]


def _runs(paras: Iterable[str], lang: str, long_min: int) -> list[list[str]]:
    """Runs of consecutive prose paragraphs in ``lang``; short ones kept only inside a run and when sentence-like."""
    runs: list[list[str]] = []
    cur: list[str] = []
    for p in paras:
        p = re.sub(r"[ \t\r\f\v\u00a0]+", " ", p).strip()
        if not p:
            continue
        if len(p) > LONGEST_PARAGRAPH or BOXY.search(p):
            if cur:
                runs.append(cur)
            cur = []
            continue
        if len(p) < long_min:  # list items, captions, headings
            if cur and SENTENCE_END.search(p) and not p.rstrip().endswith(":"):
                cur.append(p)
            continue
        if detect(p)[0] == lang:
            cur.append(p)
        else:
            if cur:
                runs.append(cur)
            cur = []
    if cur:
        runs.append(cur)
    return runs


def documents_of(page: Page, rng: random.Random, seen: set[str]) -> list[tuple[str, int]]:
    """The documents one page makes, each ``(text, paragraphs)``; ``seen`` holds the language's used paragraphs."""
    lang = page.lang
    long_min = 25 if lang in CJK else 60
    lo, hi = (400, 2000) if lang in CJK else (700, 3500)
    groups: list[list[str]] = []
    for run in _runs(page.paras, lang, long_min):
        while run and len(run[-1]) < long_min:  # no dangling heading or caption at the end
            run.pop()
        buf: list[str] = []
        target = rng.randint(lo, hi)
        for p in [*run, None]:
            size = sum(len(x) + 2 for x in buf)
            if p is None or size >= target or size + len(p) > MAX_CHARS:
                if len(buf) >= 2 and size >= MIN_CHARS:
                    groups.append(buf)
                buf, target = [], rng.randint(lo, hi)
                if p is None:
                    break
            if len(p) >= long_min and _key(p) in seen:
                continue
            buf.append(p)
    out = []
    for paras in groups:
        text = "\n\n".join(x.replace(" \u2028", "\n") for x in paras)
        if not MIN_CHARS <= len(text) <= MAX_CHARS or detect(text)[0] != lang:
            continue
        prose = sum(len(x) for x in paras if SENTENCE_END.search(x.replace(" \u2028", " ")))
        if prose < 0.6 * sum(len(x) for x in paras):
            continue
        seen.update(_key(x) for x in paras if len(x) >= long_min)
        out.append((text, len(paras)))
    return out


def pool(pages: Iterable[Page], rng: random.Random) -> dict[str, dict[str, list[Record]]]:
    """Language -> package -> every document its pages make (with ``_key``, the page, for :func:`select`)."""
    docs: dict[str, dict[str, list[Record]]] = defaultdict(lambda: defaultdict(list))
    seen: dict[str, set[str]] = defaultdict(set)
    for page in pages:
        for text, n in documents_of(page, rng, seen[page.lang]):
            docs[page.lang][page.package].append({
                "lang": page.lang, "source": f"{page.package}/{page.locale}/{page.key}", "text": text,
                "meta": {"package": page.package, "locale": page.locale, "n_paragraphs": n,
                         "genre": GENRE.get(page.package, ""), "license": LICENSES.get(page.package, "")},
                "_key": page.key})
    return docs


def select(docs: dict[str, dict[str, list[Record]]], per_lang: int, rng: random.Random) -> list[Record]:
    """Up to ``per_lang`` documents a language: packages in turn (random order), random documents, three a page."""
    chosen: list[Record] = []
    for lang in sorted(docs):
        per_package: dict[str, list[Record]] = {}
        for package, records in docs[lang].items():
            rng.shuffle(records)
            per_page: Counter[str] = Counter()
            keep = []
            for record in records:
                if per_page[record["_key"]] < PER_PAGE:
                    per_page[record["_key"]] += 1
                    keep.append(record)
            per_package[package] = keep
        order = sorted(per_package)
        rng.shuffle(order)
        picked: list[Record] = []
        while len(picked) < per_lang and any(per_package.values()):
            for package in order:
                if per_package[package] and len(picked) < per_lang:
                    picked.append(per_package[package].pop())
        chosen += picked
    for record in chosen:
        del record["_key"]
    return chosen
