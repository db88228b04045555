"""A small language guesser: Unicode script counts, then stopwords for Latin and Cyrillic text.

Han, kana and Hangul decide Chinese, Japanese and Korean; Greek, Hebrew, Arabic
(Persian by its extra letters), Thai and Devanagari name their language. Latin
and Cyrillic text is scored against jusText's stoplists, read at run time from
the installed ``justext`` package (the files ``justext.get_stoplist`` reads; the
500 most frequent words of each): each stopword counts ``1 / (number of
candidate languages whose list holds it)``, so words shared by several languages
decide little, and English words never count for another language (the spam
mixed into these texts is mostly English).
"""

from __future__ import annotations

import pkgutil
import re
from collections import Counter
from functools import cache

__all__ = ["CYRILLIC", "LATIN", "SUPPORTED", "detect", "script_counts", "stoplist"]

SCRIPTS: tuple[tuple[str, tuple[tuple[int, int], ...]], ...] = (
    ("han", ((0x4E00, 0x9FFF), (0x3400, 0x4DBF), (0xF900, 0xFAFF), (0x20000, 0x2A6DF))),
    ("kana", ((0x3040, 0x30FF), (0x31F0, 0x31FF), (0xFF66, 0xFF9F))),
    ("hangul", ((0xAC00, 0xD7AF), (0x1100, 0x11FF), (0x3130, 0x318F))),
    ("cyrillic", ((0x0400, 0x04FF), (0x0500, 0x052F))),
    ("greek", ((0x0370, 0x03FF), (0x1F00, 0x1FFF))),
    ("arabic", ((0x0600, 0x06FF), (0x0750, 0x077F), (0xFB50, 0xFDFF), (0xFE70, 0xFEFF))),
    ("hebrew", ((0x0590, 0x05FF),)),
    ("thai", ((0x0E00, 0x0E7F),)),
    ("devanagari", ((0x0900, 0x097F),)),
    ("latin", ((0x41, 0x5A), (0x61, 0x7A), (0xC0, 0x24F), (0x1E00, 0x1EFF))),
)

# ISO 639-1 code -> jusText stoplist name
LATIN = {
    "en": "English", "pt": "Portuguese", "es": "Spanish", "fr": "French", "de": "German", "it": "Italian",
    "nl": "Dutch", "pl": "Polish", "tr": "Turkish", "id": "Indonesian", "ro": "Romanian", "cs": "Czech",
    "sv": "Swedish", "da": "Danish", "fi": "Finnish", "hu": "Hungarian", "ca": "Catalan", "vi": "Vietnamese",
    "no": "Norwegian_Bokmal", "tl": "Tagalog", "sk": "Slovak", "hr": "Croatian",
}
CYRILLIC = {"ru": "Russian", "uk": "Ukrainian", "bg": "Bulgarian"}
BY_SCRIPT = {"greek": "el", "hebrew": "he", "thai": "th", "devanagari": "hi"}
# every code detect() can answer, bar "und"
SUPPORTED = frozenset(LATIN) | frozenset(CYRILLIC) | {"sr", "zh", "ja", "ko", "ar", "fa", *BY_SCRIPT.values()}

WORD = re.compile(r"[^\W\d_]+")
# URLs, e-mail addresses, tags, entities and domain names are Latin whatever the language around them
NOISE = re.compile(r"(?:https?://|www\.)\S+|\S+@\S+|<[^>]{0,400}>|&[a-z]+;"
                   r"|\b[\w-]+\.(?:com|net|org|ru|info|xyz|html?)\b", re.IGNORECASE)
ONE_LETTER_WORDS = "aeoyàéèàì"
STOPWORDS_PER_LANGUAGE = 500


def _script_of(ch: str) -> str | None:
    """The script of one character among :data:`SCRIPTS`, ``None`` for digits, punctuation and others."""
    o = ord(ch)
    for name, ranges in SCRIPTS:
        for a, b in ranges:
            if a <= o <= b:
                return name
    return None


def script_counts(text: str) -> Counter[str]:
    """How many letters of each script ``text`` holds."""
    counts: Counter[str] = Counter()
    for ch in text:
        script = _script_of(ch)
        if script:
            counts[script] += 1
    return counts


def stoplist(name: str, n: int = STOPWORDS_PER_LANGUAGE) -> dict[str, int]:
    """The ``n`` most frequent words of jusText's stoplist ``name``, lower-cased, each with its rank.

    The same file ``justext.get_stoplist(name)`` reads, taken in its order (most
    frequent first) rather than as a set: the lists come from Wikipedia and range
    from 135 to 6,800 words, whose tail holds names and English titles ("apple",
    "your", "society" in the Finnish list), so only the head of each list counts.
    """
    import justext

    if name not in justext.get_stoplists():
        raise ValueError(f"jusText has no stoplist {name!r}")
    ranks: dict[str, int] = {}
    for line in pkgutil.get_data("justext", f"stoplists/{name}.txt").decode("utf-8").splitlines():
        word = line.strip().lower()
        if word and word not in ranks:
            ranks[word] = len(ranks)
            if len(ranks) == n:
                break
    return ranks


@cache
def _weights(group: str) -> dict[str, dict[str, float]]:
    """Language -> stopword -> weight for the ``"latin"`` or ``"cyrillic"`` candidates.

    A word on both the English list and another is kept only on the list where it
    ranks higher ("the" stays English, "de" goes to the Romance languages), so
    English words never count for another language; a word on several lists
    counts ``1 / (number of lists)`` on each.
    """
    ranks = {code: stoplist(name) for code, name in (LATIN if group == "latin" else CYRILLIC).items()}
    lists = {code: set(words) for code, words in ranks.items()}
    english = ranks.get("en", {})
    for code, words in ranks.items():
        if code == "en":
            continue
        for word in english.keys() & words.keys():
            lists[code if english[word] <= words[word] else "en"].discard(word)
    df = Counter(w for words in lists.values() for w in words)
    return {code: {w: 1.0 / df[w] for w in words} for code, words in lists.items()}


def _stop_vote(text: str, group: str, min_hits: int = 1) -> tuple[str | None, float]:
    """The language whose stopwords weigh most per word of ``text``, and that weight (``None`` below ``min_hits``)."""
    tokens = [t.lower() for t in WORD.findall(text) if len(t) > 1 or t in ONE_LETTER_WORDS]
    if not tokens:
        return None, 0.0
    weights = _weights(group)
    scores = {code: sum(w.get(t, 0.0) for t in tokens) / len(tokens) for code, w in weights.items()}
    best = max(scores, key=scores.__getitem__)
    if sum(1 for t in tokens if t in weights[best]) < min_hits:
        return None, 0.0
    return best, scores[best]


def detect(text: str, min_letters: int = 20) -> tuple[str, str | None, float]:
    """``(language, script, confidence)``: an ISO 639-1 code (``"und"`` when unsure), the deciding script, a score."""
    text = NOISE.sub(" ", text)
    sc = script_counts(text)
    total = sum(sc.values())
    if total < min_letters:
        return "und", None, 0.0
    cjk = sc["han"] + sc["kana"] + sc["hangul"]
    # a CJK character carries about as much as a short Latin word: weigh it three times
    if 3 * cjk / (total + 2 * cjk) > 0.4 or cjk > 200:
        if sc["hangul"] >= max(sc["han"], sc["kana"]):
            return "ko", "hangul", sc["hangul"] / total
        if sc["kana"] > 0.1 * (sc["han"] + sc["kana"]):  # any real share of kana: Japanese, however much Han
            return "ja", "kana", (sc["han"] + sc["kana"]) / total
        return "zh", "han", sc["han"] / total
    dom, n = sc.most_common(1)[0]
    # a non-Latin alphabet with 35 % of the letters wins over Latin (brand names, URLs left over)
    for name, m in sc.most_common():
        if name != "latin" and m >= 0.35 * total and m >= min_letters:
            dom, n = name, m
            break
    share = n / total
    if dom == "cyrillic":
        low = text.lower()
        # Ukrainian: frequent і/ї/є/ґ and no ы/э/ъ/ё (spam often swaps a Ukrainian "і" into Russian)
        if len(re.findall(r"[іїєґ]", low)) > 0.02 * n and len(re.findall(r"[ыэъё]", low)) < 0.003 * n:
            return "uk", dom, share
        if len(re.findall(r"[ђћџљњј]", low)) > 0.01 * n:
            return "sr", dom, share
        lang, score = _stop_vote(text, "cyrillic")
        return (lang if lang and score > 0 else "ru"), dom, share
    if dom == "arabic":
        return ("fa" if re.search(r"[پچژگ]", text) else "ar"), dom, share
    if dom in BY_SCRIPT:
        return BY_SCRIPT[dom], dom, share
    if dom == "latin":
        lang, score = _stop_vote(text, "latin", min_hits=3)
        if lang is None or score < 0.04:  # too few stopwords: lists, URLs, code, gibberish
            return "und", dom, score
        return lang, dom, score
    return "und", dom, share
