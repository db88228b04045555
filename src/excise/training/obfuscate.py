"""Obfuscating injected spam as spammers do, for the obfuscated benchmark variant.

Spam that must get past keyword filters hides its words: letters swapped for
look-alikes of other scripts ("уoursеlf" with Cyrillic у and е), invisible
characters inside a word ("vi\u200bagra"), letters written as HTML character
references ("v&#105;agra"), letters spaced out ("c i a l i s") and digits for
letters ("v1agra"). :func:`obfuscate` rewrites the gold spans of a synthetic
document that way, word by word, and moves the spans with the text; the clean
part of the document is left byte for byte as it was.
"""

from __future__ import annotations

import random
import re
from collections.abc import Sequence

from .synth import Doc

__all__ = ["TRICKS", "obfuscate", "obfuscate_word"]

#: Latin letter → look-alikes from Cyrillic and Greek
_LOOKALIKES = {
    "a": "аα", "c": "с", "e": "еє", "i": "іι", "j": "ј", "o": "оο", "p": "рρ", "s": "ѕ", "x": "хχ", "y": "у",
    "k": "κ", "v": "ν", "h": "һ", "d": "ԁ", "B": "В", "A": "АΑ", "C": "С", "E": "ЕΕ", "H": "НΗ", "K": "КΚ",
    "M": "МΜ", "O": "ОΟ", "P": "РΡ", "T": "ТΤ", "X": "ХΧ",
}
_INVISIBLE = ("\u200b", "\u200c", "\u200d", "\u00ad", "\u2060", "\ufeff")
_LEET = {"a": "4", "e": "3", "i": "1", "o": "0", "s": "5", "t": "7"}

#: the tricks, each applied to a whole word
TRICKS = ("lookalike", "invisible", "entity", "spaced", "leet")

_WORD = re.compile(r"[A-Za-z]{3,}")


def obfuscate_word(word: str, trick: str, rng: random.Random) -> str:
    """``word`` hidden by ``trick`` (one of :data:`TRICKS`)."""
    if trick == "lookalike":
        positions = [i for i, c in enumerate(word) if c in _LOOKALIKES]
        if not positions:
            return word
        chars = list(word)
        for i in rng.sample(positions, min(len(positions), rng.randint(1, 2))):
            chars[i] = rng.choice(_LOOKALIKES[chars[i]])
        return "".join(chars)
    if trick == "invisible":
        mark = rng.choice(_INVISIBLE)
        cuts = sorted(rng.sample(range(1, len(word)), min(len(word) - 1, rng.randint(1, 2))))
        return "".join(word[a:b] + (mark if b < len(word) else "") for a, b in zip([0, *cuts], [*cuts, len(word)]))
    if trick == "entity":
        i = rng.randrange(len(word))
        ref = f"&#{ord(word[i])};" if rng.random() < 0.6 else f"&#x{ord(word[i]):x};"
        return word[:i] + ref + word[i + 1 :]
    if trick == "spaced":
        return rng.choice((" ", ".", "-")).join(word)
    if trick == "leet":
        positions = [i for i, c in enumerate(word) if c.lower() in _LEET]
        if not positions:
            return word
        chars = list(word)
        for i in rng.sample(positions, min(len(positions), rng.randint(1, 2))):
            chars[i] = _LEET[chars[i].lower()]
        return "".join(chars)
    raise ValueError(f"unknown obfuscation trick {trick!r}; choose one of {', '.join(TRICKS)}")


def _obfuscated(text: str, rng: random.Random, rate: float, tricks: Sequence[str]) -> str:
    """``text`` with about ``rate`` of its words of three or more letters hidden by one of ``tricks``;
    words inside URLs and markup are left alone (a link must still work)."""
    protected = [(m.start(), m.end()) for m in re.finditer(r"https?://\S+|www\.\S+|<[^>]*>|\]\([^)]*\)", text)]

    def hide(match: re.Match[str]) -> str:
        if rng.random() >= rate or any(a <= match.start() < b for a, b in protected):
            return match.group(0)
        return obfuscate_word(match.group(0), rng.choice(tricks), rng)

    return _WORD.sub(hide, text)


def obfuscate(doc: Doc, seed: int, *, rate: float = 0.35, tricks: Sequence[str] = TRICKS) -> Doc:
    """``doc`` with the words of its gold spans obfuscated; the spans grow or shrink with them.

    ``rate`` is the share of the spam's words (of three or more letters) that are hidden,
    each by one trick drawn from ``tricks``. Seeded by ``seed`` and the document id, so a
    document is obfuscated the same way whatever set it is in.
    """
    if not doc.spans:
        return doc
    rng = random.Random(f"{seed}:{doc.id}")
    pieces: list[str] = []
    spans: list[tuple[int, int]] = []
    pos = 0
    length = 0
    for start, end in sorted(doc.spans):
        pieces.append(doc.text[pos:start])
        length += start - pos
        hidden = _obfuscated(doc.text[start:end], rng, rate, tricks)
        pieces.append(hidden)
        spans.append((length, length + len(hidden)))
        length += len(hidden)
        pos = end
    pieces.append(doc.text[pos:])
    return Doc(doc.id, "".join(pieces), spans, doc.host, doc.family, doc.style, doc.hard_negative)
