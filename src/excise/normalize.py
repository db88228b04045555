"""The normalised view that evidence is computed on.

Spam dodges keyword lists with look-alike letters ("Find уoursеlf a girl" with
Cyrillic у and е), zero-width characters and HTML entities. Evidence is computed
on a folded view of each unit; offsets are never taken from this view, so the
folding may change lengths freely.
"""

from __future__ import annotations

import html
import re
import unicodedata
from functools import lru_cache

__all__ = ["fold"]

# Format characters (zero-width space/joiners, soft hyphen, BOM, bidi marks) are
# invisible; spam puts them inside keywords.
_INVISIBLE = (
    0x00AD, 0x034F, 0x061C, 0x115F, 0x1160, 0x17B4, 0x17B5, 0x180E, 0x2060, 0x2061,
    0x2062, 0x2063, 0x2064, 0xFEFF, 0x200B, 0x200C, 0x200D, 0x200E, 0x200F,
    0x202A, 0x202B, 0x202C, 0x202D, 0x202E, 0x2066, 0x2067, 0x2068, 0x2069,
)
_PUNCT_FOLD = {
    0x2018: "'", 0x2019: "'", 0x201A: "'", 0x201B: "'", 0x2032: "'",
    0x201C: '"', 0x201D: '"', 0x201E: '"', 0x201F: '"', 0x2033: '"',
    0x2013: "-", 0x2014: "-", 0x2212: "-", 0x00A0: " ",
}
_TRANSLATE = {chr(k): "" for k in _INVISIBLE} | {chr(k): v for k, v in _PUNCT_FOLD.items()}
# one regular-expression pass finds the few characters to replace; str.translate with a
# dict is ten times slower on non-ASCII text
_TRANSLATED = re.compile("[" + "".join(map(re.escape, _TRANSLATE)) + "]")

# Letters of other scripts that render like Latin ones (after lower-casing).
# Applied only to words that also contain Latin letters, so that genuine
# Cyrillic or Greek text is left as it is.
_CONFUSABLES = str.maketrans({
    "а": "a", "в": "b", "е": "e", "ё": "e", "к": "k", "м": "m", "н": "h", "о": "o",
    "р": "p", "с": "c", "т": "t", "у": "y", "х": "x", "ѕ": "s", "і": "i", "ї": "i",
    "ј": "j", "ԁ": "d", "ɡ": "g", "һ": "h", "ӏ": "l", "ԛ": "q", "ԝ": "w", "ь": "b",
    "α": "a", "β": "b", "ε": "e", "ι": "i", "κ": "k", "ν": "v", "ο": "o", "ρ": "p",
    "τ": "t", "υ": "u", "χ": "x", "γ": "y", "ѵ": "v", "ı": "i", "ȷ": "j",
})
_SCRIPTS = "\u0370-\u03ff\u0400-\u052f\u0250-\u02af"  # Greek, Cyrillic, IPA extensions
_OTHER_SCRIPT = re.compile(f"[{_SCRIPTS}]")
_MIXED = re.compile(rf"\w*(?:[a-z][{_SCRIPTS}]|[{_SCRIPTS}][a-z])\w*")
# "v.i.a.g.r.a", "c i a l i s": single letters glued by one separator
_SPACED = re.compile(r"\b(?:[a-z][ .\-_*]){3,}[a-z]\b")
_LEET = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s"})
_LEET_WORD = re.compile(r"\b(?=[a-z0-9@$]*[a-z])(?=[a-z0-9@$]*[013457@$])[a-z0-9@$]{4,}\b")


def _translated(match: re.Match[str]) -> str:
    return _TRANSLATE[match.group(0)]


def _fold_mixed(match: re.Match[str]) -> str:
    return match.group(0).translate(_CONFUSABLES)


def _unspace(match: re.Match[str]) -> str:
    return re.sub(r"[ .\-_*]", "", match.group(0))


def _unleet(match: re.Match[str]) -> str:
    word = match.group(0)
    # a number with a unit ("40mg", "2x4") is not leet; a letter run with digits inside is
    if word[0].isdigit() and word.rstrip("abcdefghijklmnopqrstuvwxyz").isdigit():
        return word
    return word.translate(_LEET)


@lru_cache(maxsize=4096)
def _fold_cached(text: str) -> str:
    return _fold(text)


def _fold(text: str) -> str:
    if not text.isascii():
        if not unicodedata.is_normalized("NFKC", text):  # a quick check, most text is: no copy made then
            text = unicodedata.normalize("NFKC", text)
        text = _TRANSLATED.sub(_translated, text)
    if "&" in text:
        text = html.unescape(text)
    text = text.lower()
    if not text.isascii() and _OTHER_SCRIPT.search(text):
        text = _MIXED.sub(_fold_mixed, text)
    return text


def fold(text: str) -> str:
    """Lower-cased, NFKC-normalised, look-alike-folded text with invisible characters removed."""
    if text.isascii() and "&" not in text:
        return text.lower()  # the common case: nothing to fold but the case
    if len(text) < 64:
        return _fold_cached(text)
    return _fold(text)


def deobfuscate(text: str) -> str:
    """Undo spaced-out letters and l33t digits in already folded text (a second, slower view)."""
    text = _SPACED.sub(_unspace, text)
    return _LEET_WORD.sub(_unleet, text)
