"""Synthetic injected-spam documents with exact gold spans.

Real spam texts are injected into real clean hosts in the styles hacked sites
use: a spam paragraph, spam sentences spliced at the start of a host paragraph
(the seed), sentences between host sentences, a paragraph dropped into the
middle of a host sentence, a few-word anchor (plain or linked) inside a host
sentence, a link block at the end, a word-salad paragraph of reference links
with its block of reference definitions (the hacked blog), and spun sentences:
fluent prose with spam phrases and links worked into it (the seed). Gold spans are the
inserted characters, so they are exact by construction.
"""

from __future__ import annotations

import random
import re
import string
from collections.abc import Sequence
from dataclasses import dataclass, field

from ..families import FAMILY_PATTERNS, family_of
from ..normalize import fold
from .sources import Piece

__all__ = ["STYLES", "Doc", "Injector", "keyword_anchors"]

STYLES = ("para", "splice", "between", "midsentence", "anchor", "linkblock", "salad", "urlsent", "spun")


@dataclass(slots=True)
class Doc:
    """A training or evaluation document: text, gold spans, and where it came from."""

    id: str
    text: str
    spans: list[tuple[int, int]] = field(default_factory=list)
    host: str = ""
    family: str = ""
    style: str = ""
    hard_negative: str = ""

    def to_gold(self) -> dict:
        """The gold JSONL object (``excise eval`` format)."""
        return {
            "id": self.id,
            "text": self.text,
            "spans": [list(s) for s in self.spans],
            "family": self.family or "clean",
            "style": self.style or "clean",
            "host": self.host,
            "hard_negative": self.hard_negative,
        }


_SENT = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"'(])|\n+")
_INTENT = re.compile(
    r"https?://|www\.|\.com\b|[$\u00a3\u20ac]\s?\d|\d+\s?%|\b(?:buy|order|cheap|discount|free|offer|click|call|"
    r"visit|subscribe|win|winner|prize|cash|money|earn|income|price|sale|save|deal|guarantee\w*|online|shop|"
    r"best|bonus|promo\w*|limited|now|today)\b"
    + "|" + "|".join(p.pattern for p in FAMILY_PATTERNS.values()),
    re.I,
)
_WORD = re.compile(r"[A-Za-z][A-Za-z'\-]+")
_TLDS = ("com", "com", "com", "com", "net", "org", "org", "info", "biz", "ru", "pl", "co.uk", "in", "us", "de")
_DOMAIN = re.compile(r"https?://(?:www\.)?([a-z0-9][a-z0-9.-]{2,60}\.[a-z]{2,6})\b", re.I)
_SYLL = ("ka", "lo", "mi", "ne", "ro", "tu", "sa", "vi", "pe", "do", "ra", "ge", "li", "mo", "zen", "tor", "bar",
         "max", "net", "web", "pro", "star", "best", "top", "med", "shop", "city", "club", "zone", "hub")


def _sentences(text: str) -> list[str]:
    out = []
    for s in _SENT.split(text):
        s = re.sub(r"\s+", " ", s).strip()
        if 15 <= len(s) <= 400 and sum(c.isalpha() for c in s) > 0.5 * len(s):
            out.append(s)
    return out


def keyword_anchors(path: str) -> list[tuple[str, str]]:
    """Plain phrases (and their family) from the SmokeDetector keyword list: literal lines only."""
    out: list[tuple[str, str]] = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            phrase = re.sub(r"\\W[?*+]?|\\s[?*+]?", " ", line)
            phrase = re.sub(r"\\b|\?|\(\?i\)", "", phrase)
            if re.fullmatch(r"[A-Za-z0-9 '\-]{4,40}", phrase):
                phrase = re.sub(r"\s+", " ", phrase).strip()
                out.append((phrase, family_of(fold(phrase))[0]))
    return out


class Injector:
    """Builds injected documents from host and spam pieces with one seeded RNG."""

    def __init__(self, spam: Sequence[Piece], anchors: Sequence[tuple[str, str]], seed: int = 0,
                 filler: Sequence[str] = ()) -> None:
        self.rng = random.Random(seed)
        # ordinary texts (other pages) that word salad and spun sentences are made from
        self.filler = list(filler)
        # a spam text's sentences without commercial intent ("ok thanks", "Check this out")
        # are not injected: labelling them spam would teach the model to cut ordinary prose
        self.sentences = {p.id: [s for s in _sentences(p.text) if _INTENT.search(s)] for p in spam}
        self.spam = [p for p in spam if self.sentences[p.id]]
        self.anchors = list(anchors)
        # hacked-site links point at ordinary-looking domains; take real ones from the spam texts
        seen = sorted({d.lower() for p in self.spam for d in _DOMAIN.findall(p.text)})
        self.domains = [d for d in seen if not d.endswith((".ie", ".localhost"))] or []
        self.domains += [self._domain() for _ in range(max(50, len(self.domains) // 3))]
        self.by_family: dict[str, list[Piece]] = {}
        for p in self.spam:
            self.by_family.setdefault(p.family, []).append(p)

    # ---- spam material -------------------------------------------------
    def _domain(self) -> str:
        rng = self.rng
        name = "".join(rng.choice(_SYLL) for _ in range(rng.randint(2, 4)))
        if rng.random() < 0.3:
            name += rng.choice(("-", "")) + rng.choice(("online", "store", "rx", "deals", "media", "world", "inc"))
        return name + "." + rng.choice(_TLDS)

    def url(self, words: str) -> str:
        """A spam link target whose path spells out the anchor, as hacked sites do."""
        rng = self.rng
        slug = "-".join(w.lower() for w in _WORD.findall(words)) or "page"
        host = ("www." if rng.random() < 0.4 else "") + rng.choice(self.domains)
        style = rng.random()
        if style < 0.35:
            path = f"/{''.join(rng.choice(string.ascii_lowercase) for _ in range(rng.randint(3, 5)))}/{slug}"
            path += rng.choice(("", "", "/", ".html"))
        elif style < 0.55:
            path = f"/{slug}.html"
        elif style < 0.7:
            path = f"/?attachment_id={rng.randint(10, 9999)}"
        elif style < 0.8:
            path = f"/index.php?p={rng.randint(10, 99999)}"
        else:
            path = f"/{slug}/"
        return rng.choice(("http://", "https://")) + host + path

    def sentences_of(self, piece: Piece, k: int) -> str:
        sents = self.sentences[piece.id]
        n = min(len(sents), k)
        i = self.rng.randint(0, len(sents) - n)
        return " ".join(sents[i : i + n])

    def anchor_of(self, piece: Piece) -> str:
        """A 1-6 word phrase from the spam text, around a family term when it has one."""
        rng = self.rng
        if self.anchors and rng.random() < 0.25:
            fam_anchors = [a for a, f in self.anchors if f == piece.family] or [a for a, _ in self.anchors]
            return rng.choice(fam_anchors)
        words = _WORD.findall(piece.text)
        if not words:
            return "click here"
        pattern = FAMILY_PATTERNS.get(piece.family)
        hits = [i for i, w in enumerate(words) if pattern and pattern.search(w.lower())] if pattern else []
        centre = rng.choice(hits) if hits else rng.randrange(len(words))
        n = rng.randint(1, 5)
        lo = max(0, centre - rng.randint(0, n - 1))
        return " ".join(words[lo : lo + n])

    def selling_anchor(self, piece: Piece) -> str:
        """An anchor of the piece's family that itself sells (a family term or a sales word)."""
        for _ in range(6):
            phrase = self.anchor_of(self._same_family(piece))
            if _INTENT.search(phrase):
                return phrase
        family = [a for a, f in self.anchors if f == piece.family]
        return self.rng.choice(family) if family else phrase

    def linked(self, words: str) -> str:
        rng = self.rng
        url = self.url(words)
        r = rng.random()
        if r < 0.4:
            return f"[{words}]({url})"
        if r < 0.65:
            return f'<a href="{url}">{words}</a>'
        if r < 0.85:
            return f"{words} {url}"
        return f"{words} <{url}>"

    def salad(self, piece: Piece, first_ref: int) -> tuple[str, list[str]]:
        """A word-salad paragraph with reference links and autolinks, and its reference definitions."""
        rng = self.rng
        # real salad is mostly ordinary words spun from some unrelated text, only the anchors sell
        window = self._filler_window(1500)
        words = _WORD.findall(window) if window is not None else []
        words = words or _WORD.findall(" ".join(self.sentences[piece.id])) or ["the", "product"]
        parts: list[str] = []
        refs: list[str] = []
        for _ in range(rng.randint(4, 12)):
            parts.append(" ".join(rng.choice(words) for _ in range(rng.randint(1, 5))))
            anchor = self.anchor_of(self._same_family(piece))
            if rng.random() < 0.65:
                n = first_ref + len(refs)
                parts.append(f"[{anchor}][{n}]")
                refs.append(f"[{n}]: {self.url(anchor)}")
            else:
                parts.append(f"<{self.url(anchor)}>")
            if rng.random() < 0.3:
                parts[-1] += rng.choice((".", ",", "!"))
        text = " ".join(parts)
        return text[0].upper() + text[1:] + ".", refs

    def _filler_window(self, size: int) -> str | None:
        """Half of the time (when there is filler), ``size`` characters from a random unrelated page."""
        rng = self.rng
        if not self.filler or rng.random() >= 0.5:
            return None
        source = rng.choice(self.filler)
        at = rng.randrange(max(1, len(source) - size))
        return source[at : at + size]

    def spun(self, piece: Piece, k: int) -> str:
        """``k`` fluent sentences with spam phrases worked in, as article spinners write them.

        The prose comes from the spam text itself (its sentences without a sales
        pitch) or from an unrelated page; each sentence gets a spam phrase of the
        piece's family, sometimes followed by its link. Whether such a sentence is
        spam then depends on the phrase and on the page around it, not on the prose.
        """
        rng = self.rng
        window = self._filler_window(2000)
        prose = _sentences(window)[1:] if window is not None else _sentences(piece.text)
        if not prose:
            return self.sentences_of(piece, k)
        i = rng.randrange(max(1, len(prose) - k + 1))
        out = []
        for sentence in prose[i : i + k]:
            words = sentence.split(" ")
            phrase = self.selling_anchor(piece)
            if rng.random() < 0.3:
                phrase += " " + self.url(phrase)
            words.insert(rng.randrange(1, len(words) + 1), phrase)
            out.append(" ".join(words))
        return " ".join(out)

    def pick(self) -> Piece:
        """A spam piece, families weighted by the square root of their size so that small ones are seen."""
        rng = self.rng
        fams = sorted(self.by_family)
        weights = [len(self.by_family[f]) ** 0.5 for f in fams]
        return rng.choice(self.by_family[rng.choices(fams, weights)[0]])

    def _same_family(self, piece: Piece) -> Piece:
        return self.rng.choice(self.by_family.get(piece.family) or [piece])

    # ---- injection -----------------------------------------------------
    def inject(self, doc: Doc, piece: Piece, style: str) -> Doc:
        """Inject ``piece`` into ``doc`` in ``style``; gold spans are exactly the inserted spam."""
        rng = self.rng
        text = doc.text
        spans: list[tuple[int, int]] = list(doc.spans)

        def free(positions: list[int]) -> list[int]:
            return [p for p in positions if not any(a <= p <= b for a, b in spans)]

        def insert(at: int, before: str, spam: str, after: str) -> None:
            nonlocal text
            text = text[:at] + before + spam + after + text[at:]
            s = at + len(before)
            shift = len(before) + len(spam) + len(after)
            spans[:] = [(a + shift, b + shift) if a >= at else (a, b) for a, b in spans]
            spans.append((s, s + len(spam)))

        paras = [m.end() for m in re.finditer(r"(?:^|\n[ \t]*\n)\s*(?=\S)", text)]
        paras = free(paras) or [0]
        breaks = free([m.end() for m in re.finditer(r"[a-z0-9][.!?][\"')]?\s+(?=[A-Z])", text)])
        words = free([m.start() for m in re.finditer(r"(?<=[a-z,]) (?=[a-z])", text)])
        if style == "para":
            cut = rng.choice(paras[1:] or [len(text)])
            spam = self.sentences_of(piece, rng.randint(1, 4))
            if cut >= len(text):
                insert(len(text.rstrip()), "\n\n", spam, "")
            else:
                insert(cut, "", spam, "\n\n")
        elif style == "splice":
            at = rng.choice(paras)
            insert(at, "", self.sentences_of(piece, rng.randint(1, 4)), " ")
        elif style == "between" and breaks:
            at = rng.choice(breaks)
            insert(at, "", self.sentences_of(piece, rng.randint(1, 3)), " ")
        elif style == "midsentence" and words:
            at = rng.choice(words) + 1
            insert(at, "\n\n", self.sentences_of(piece, rng.randint(1, 4)), "\n\n")
        elif style == "anchor" and words:
            for _ in range(rng.randint(1, 3)):
                cands = free([m.start() for m in re.finditer(r"(?<=[a-z,]) (?=[a-z])", text)])
                if not cands:
                    break
                anchor = self.anchor_of(piece)
                spam = self.linked(anchor) if rng.random() < 0.7 else anchor
                insert(rng.choice(cands) + 1, "", spam, " ")
        elif style == "linkwrap" and words:
            # a link around one to three of the sentence's own words: only the link syntax is spam
            at = rng.choice(words) + 1
            m = re.match(r"[a-z]+(?: [a-z]+){0,%d}" % rng.randint(0, 2), text[at:])
            if m and not any(a < at + len(m.group(0)) and b > at for a, b in spans):
                inner = m.group(0)
                url = self.url(self.selling_anchor(piece))
                head, tail = (("[", f"]({url})") if rng.random() < 0.6 else (f'<a href="{url}">', "</a>"))
                text = text[:at] + head + inner + tail + text[at + len(inner) :]
                shift = len(head) + len(tail)
                spans[:] = [(a + shift, b + shift) if a >= at else (a, b) for a, b in spans]
                spans.extend([(at, at + len(head)), (at + len(head) + len(inner), at + len(head) + len(inner) + len(tail))])
            else:
                return self.inject(doc, piece, "anchor")
        elif style == "linkblock":
            lines = []
            kind = rng.random()
            for i in range(rng.randint(2, 10)):
                anchor = self.anchor_of(self._same_family(piece))
                if kind < 0.3:
                    lines.append(f"* [{anchor}]({self.url(anchor)})")
                elif kind < 0.5:
                    lines.append(self.url(anchor))
                elif kind < 0.7:
                    lines.append(f'<a href="{self.url(anchor)}">{anchor}</a>')
                else:
                    lines.append(f"   [{90 + i}]: {self.url(anchor)}")
            block = "\n".join(lines)
            lead = len(block) - len(block.lstrip())
            base = len(text.rstrip())
            text = text[:base]
            insert(base, "\n\n" + block[:lead], block[lead:], "\n")
        elif style == "salad":
            nums = [int(n) for n in re.findall(r"^\s*\[(\d+)\]:", text, re.M)]
            first = max(nums, default=0) + 1
            para, refs = self.salad(piece, first)
            at = rng.choice(words) + 1 if words and rng.random() < 0.6 else rng.choice(paras)
            if text[at - 1 : at] == " " or at == 0 or text[at - 1] != "\n":
                insert(at, "\n\n", para, "\n\n")
            else:
                insert(at, "", para, "\n\n")
            if refs:
                block = "\n   ".join(refs)
                defs = free([m.start() + len(m.group(0)) - len(m.group(0).lstrip())
                             for m in re.finditer(r"^[ \t]*\[\d+\]:", text, re.M)])
                if defs and rng.random() < 0.6:
                    # among the page's own definitions, as a hacked post renumbers them
                    insert(rng.choice(defs), "", block, "\n   ")
                else:
                    base = len(text.rstrip())
                    text = text[:base]
                    insert(base, "\n\n   ", block, "\n")
        elif style == "spun":
            spam = self.spun(piece, rng.randint(1, 4))
            where = rng.random()
            if where < 0.5 or not breaks:
                insert(rng.choice(paras), "", spam, " ")  # spliced at a paragraph start, as in the seed
            elif where < 0.8:
                insert(rng.choice(breaks), "", spam, " ")
            else:
                insert(rng.choice(paras), "", spam, "\n\n")
        else:  # "urlsent" and the fall-back for hosts without room for the chosen style
            style = "urlsent"
            sent = self.sentences_of(piece, 1)
            ws = [m.start() for m in re.finditer(r" ", sent)]
            if ws:
                at = rng.choice(ws)
                anchor = self.anchor_of(piece)
                sent = sent[:at] + " " + anchor + " " + self.url(anchor) + sent[at:]
            at = rng.choice(breaks or paras)
            insert(at, "", sent, " ")
        spans.sort()
        style = doc.style + "+" + style if doc.style else style
        family = doc.family if doc.family and doc.family != piece.family else piece.family
        return Doc(doc.id, text, spans, doc.host, family, style, doc.hard_negative)

    def make(self, hosts: Sequence[Piece], n: int, *, clean_share: float = 0.4, styles: Sequence[str] = STYLES,
             prefix: str = "syn") -> list[Doc]:
        """``n`` documents: ``clean_share`` of them clean hosts, the rest with 1-2 injections."""
        rng = self.rng
        docs: list[Doc] = []
        for i in range(n):
            host = rng.choice(hosts)
            doc = Doc(f"{prefix}:{i}", host.text, [], host.id, "", "", host.hard_negative)
            if rng.random() < clean_share or not self.spam:
                docs.append(doc)
                continue
            piece = self.pick()
            doc = self.inject(doc, piece, rng.choice(styles))
            if rng.random() < 0.15:
                doc = self.inject(doc, self._same_family(piece), rng.choice(styles))
            docs.append(doc)
        return docs
