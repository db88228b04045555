"""The compiled segmenter (excise._segment) returns exactly the units of the Python reference.

The C code re-implements segment.py's regular expressions by hand, so the strategies below aim
at where a hand-written scanner and Python's re can part: repetition bounds at their limits,
lookbehinds at the edges of the search window, leftmost-first alternation, case-insensitive
letters (long s, Kelvin sign, dotted I), Unicode whitespace, surrogates and astral characters.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from excise.segment import _CLOSERS, _STARTERS, Unit, segment_python

from conftest import traced_growth

Segmenter = Callable[[str], list[Unit]]


def assert_same_units(compiled: Segmenter, text: str) -> None:
    """Both implementations give the same units, as Units."""
    expected = segment_python(text)
    got = compiled(text)
    assert got == expected, text
    assert all(type(u) is Unit for u in got)


# --------------------------------------------------------------------------- the module (the build and the switch: test_compiled.py)


def test_the_starter_words_are_the_same_list(compiled_segment: Segmenter) -> None:
    from excise._segment import STARTERS

    assert sorted(STARTERS) == sorted(_STARTERS.split("|"))
    assert list(STARTERS) == sorted(STARTERS)  # the C code looks them up with bsearch


def test_bad_arguments_raise(compiled_segment: Segmenter) -> None:
    from excise._segment import segment

    with pytest.raises(TypeError, match="must be str"):
        segment(b"bytes", Unit)
    with pytest.raises(TypeError, match="must be tuple"):
        segment("text", list)
    with pytest.raises(TypeError, match="2 arguments"):
        segment("text")
    assert segment("One. Two.", tuple) == [tuple(u) for u in segment_python("One. Two.")]


def test_no_references_or_memory_leak(compiled_segment: Segmenter) -> None:
    text = (
        "Read <a href='x'>cheap</a> and [b](http://b.example/c) now. dolce vita cream http://x.com/dolce-vita-cream"
        " \u0130stanbul hotels http://x.com/\u0130stanbul-hotels [r][1]\n\n[1]: http://y.example\n" * 20
    )
    refs = sys.getrefcount(text)
    for _ in range(50):
        compiled_segment(text)
    grown = traced_growth(lambda: compiled_segment(text), 300)
    assert sys.getrefcount(text) == refs
    assert grown < 20_000, f"{grown} bytes more after 300 calls"


# --------------------------------------------------------------------------- case-insensitive letters

# each template has one of the letters that _LINKS or _LINK_TRIGGER match case-insensitively
# (a, f, h, p, s, t, w) replaced by "@"
_CI_TEMPLATES = [
    "see @ttp://x.example/a now", "see h@tp://x.example/a now", "see ht@p://x.example/a now",
    "see htt@://x.example/a now", "see http@://x.example/a now", "see @ww.x.example now", "see w@w.x.example now",
    "see ww@.x.example now", "a <@ href='x'>b</a> c", "a <a href='x'>b</@ > c", "a <@ttp://x.example> b",
    "a <@tp://x.example> b", "a <f@p://x.example> b", "a <ft@://x.example> b", "a <http@://x.example> b",
    "word @ttp: other", "word htt@: other", "word http@: other", "word w@w. other",
]


def test_case_insensitive_letters_match_what_re_matches(compiled_segment: Segmenter) -> None:
    # re.IGNORECASE can only make a cased character match a letter: try every one of them in every slot
    cased = [chr(c) for c in range(0x110000) if chr(c).lower() != chr(c) or chr(c).upper() != chr(c)]
    assert "\u017f" in cased and "\u212a" in cased
    for template in _CI_TEMPLATES:
        for ch in cased:
            assert_same_units(compiled_segment, template.replace("@", ch))


# --------------------------------------------------------------------------- real and synthetic documents


def test_same_units_on_documents_built_from_shared_data(compiled_segment: Segmenter, shared_data: Path) -> None:
    from excise.training.train import build_training_docs  # slow to import

    texts = [doc.text for doc in build_training_docs(shared_data, seed=31, n_docs=300, split="test")]
    for name in ("seed_gold.jsonl", "xebia_gold.jsonl"):
        with open(shared_data / "real-dev" / name, encoding="utf-8") as f:
            texts += [json.loads(line)["text"] for line in f if line.strip()]
    assert len(texts) > 300
    for text in texts:
        assert_same_units(compiled_segment, text)


# --------------------------------------------------------------------------- repetition bounds and window edges

# (template, bound, filler): "{}" is filled with filler * n for n just below, at and just above the bound of
# one repetition in _LINKS, _REFDEF or _spelled_anchor; a bare URL nearby gives the unit a different
# shape when the link around it does not match
BOUNDS = [
    ("see ![{}](http://x.example/a) now", 300, "a"),
    ("see ![a](http://x.example/{}) now", 1000 - len("http://x.example/"), "x"),
    ("see ![a][{}] now", 40, "1"),
    ("see [{}](http://x.example/a) now", 300, "a"),
    ("see [a](http://x.example/{}) now", 1000 - len("http://x.example/"), "x"),
    ('see [a](http://x.example/a "{}") now', 300, "t"),
    ("see [{}][7] http://x.example/a now", 300, "a"),
    ("see [a][{}] http://x.example/a now", 40, "1"),
    ("{}[1]: http://x.example/a", 8, " "),
    ("{}[1]: http://x.example/a", 8, "\t"),
    ("[{}]: http://x.example/a", 80, "a"),
    ("see <a{}>http://x.example/a</a> now", 1000, " "),
    ("see <a>http://x.example/a{}</a> now", 300 - len("http://x.example/a"), "x"),
    ("see <http://x.example/{}> now", 1000 - len("x.example/"), "a"),
    ("see <ftp://x.example/{}> now", 1000 - len("x.example/"), "a"),
]


@pytest.mark.parametrize(("template", "bound", "filler"), BOUNDS)
@pytest.mark.parametrize("offset", [-1, 0, 1])
def test_same_units_at_repetition_bounds(
    compiled_segment: Segmenter, template: str, bound: int, filler: str, offset: int
) -> None:
    assert_same_units(compiled_segment, template.format(filler * (bound + offset)))


@pytest.mark.parametrize("n", [3, 4, 78, 79, 80, 81, 82])
def test_same_units_when_the_spelled_anchor_fills_its_window(compiled_segment: Segmenter, n: int) -> None:
    word = "w" * n
    for text in (f"{word} http://x.example/{word}", f"ab {word} http://x.example/ab-{word}", f"{word} <http://x/{word}>"):
        assert_same_units(compiled_segment, text)


# documents whose first characters sit just behind a match: lookbehinds at the start of the string
EDGES = [
    "xhttp://a.example", "_www.a.example", "/http://a.example", "@www.a.example", "-http://a.example",
    ".www.a.example", "\u0663http://a.example", " http://a.example", "http://a.example", "[a](b)", ". Then it",
    "\u201d Then it works.", ".\u201d Then it went on for a long while.", "x  \u2022 y" * 5, " \u2022 item" * 5,
    "It works", "\ufeff It works and it works and it works", "a" * 30 + "\ufeff It works",
    "\u5e02\u8bae\u4f1a\u3002\u8bae\u5458\uff01\u300c\u6700\u7ec8\u3002\u300dBuy cheap viagra online now \u597d\u3002\u3002\u300d",
    "\u5e02\u8bae\u4f1a\u3002 \u300d\u8bae\u5458\u3002\u300d\u3002x" * 3,
]


@pytest.mark.parametrize("text", EDGES)
def test_same_units_at_the_start_of_the_string(compiled_segment: Segmenter, text: str) -> None:
    for start in range(min(len(text), 4)):
        assert_same_units(compiled_segment, text[start:])


# --------------------------------------------------------------------------- hypothesis: the tricky syntax

_ODD = [
    "\u017f", "\u212a", "\u0130", "\u0131", "\u00df", "\u1e9e", "\u212b", "\u0345", "\u0301", "\U0001f600",
    "\U00010400", "\ud800", "\udfff", "\ud83d", "\ufeff", "\u200b", "\x00", "\u2026", "\u0663", "\u00b2",
    "\u00bd", "\u216b", "\U0001d7d9", "\u3002", "\uff01", "\uff1f", "\uff61", "\u300d", "\u300f", "\uff09",
    "\u3002\u300d", "\u3002 ", "\u3002\u3002",
]
_SPACES = [" ", "  ", "   ", "\t", "\r", "\r\n", "\n", "\n\n", "\n \n", "\u00a0", "\u2028", "\u2029", "\x85", "\u3000",
           "\u2000", "\u202f", "\x1c", "\x0b", "\x0c"]
_WORDS = [*_STARTERS.split("|"), "it", "the", "cialis", "mg", "40", "2019", "%", ")", ":", ">", "*", "+", "\ufeff",
          "a", "b", "x", "Made", "In", "China", "Ifs", "Theory", "I've", "It's", "It,", "(see", "buy", "cheap-viagra"]

spaces = st.sampled_from(_SPACES)
odd = st.sampled_from(_ODD)
word = st.sampled_from(_WORDS) | st.text(max_size=6)
# st.characters() leaves out surrogates
any_character = st.characters() | st.integers(0xD800, 0xDFFF).map(chr)


def sized(alphabet: str, bound: int) -> st.SearchStrategy[str]:
    """One character of ``alphabet`` repeated just below, at or just above a repetition ``bound``, or a few times."""
    lengths = st.sampled_from(sorted({0, 1, 2, bound - 1, bound, bound + 1}))
    return st.builds(lambda ch, n: ch * n, st.sampled_from(alphabet), lengths)


def part(alphabet: str, bound: int, *usual: str) -> st.SearchStrategy[str]:
    """A part of a link: a run at its bound, an ordinary value, or a little arbitrary text."""
    return sized(alphabet, bound) | st.sampled_from(usual) | st.text(max_size=6)


scheme = st.sampled_from([
    "http://", "https://", "www.", "HTTP://", "hTtPs://", "WWW.", "wWw.", "http\u017f://", "ftp://", "FTP://",
    "http:/", "https:", "www", "htp://", "h\u212attp://", "http://", "https://",
])
target = st.builds(str.__add__, scheme, part("ab/.?=-_", 20, "x.com/a", "x.com/a.html?b=1,2&c=3", "x.com/a b"))
link_text = part("ab ]\t.(\"", 300, "have", "cheap pills", "7", "a]b", "\n", "")
ref_label = part("a1 ]", 40, "7", "12", "")
title = part("a )'\"", 300, "Best price", "")
closers = st.text(alphabet=_CLOSERS, max_size=3)
terminal = st.sampled_from([".", "!", "?", "\u2026", "...", ".\u201d", '."', ".)", "?]", ".\u00bb\u2019"])
tail = st.text(alphabet=".,;:!?" + _CLOSERS, max_size=4)


@st.composite
def markdown(draw: st.DrawFn) -> str:
    """Inline and reference links, images and reference definitions, each part at times at its bound or broken."""
    kind = draw(st.sampled_from(["link", "titled", "image", "image-ref", "reflink", "refdef"]))
    text = draw(link_text)
    if kind in ("link", "titled"):
        url = draw(target | sized("a/.%", 1000))
        space = draw(st.sampled_from([" ", "\t", " \t ", "", "\u3000"])) if kind == "titled" else ""
        quoted = f'{space}"{draw(title)}"{draw(tail)}' if kind == "titled" else ""
        return f"[{text}]({url}{quoted}{draw(st.sampled_from([')', '', ' )', '))']))}"
    if kind == "image":
        return f"![{text}]({draw(target | sized('a/ .(', 1000))})"
    if kind == "image-ref":
        return f"![{text}][{draw(ref_label)}]"
    if kind == "reflink":
        return f"[{text}][{draw(ref_label)}]"
    indent = draw(sized(" \t", 8))
    label = draw(part("a1 -", 80, "1", "cheap loans", ""))
    space = draw(st.sampled_from(["", " ", "\t", " \t", "\u3000"]))
    return f"\n{indent}[{label}]:{space}{draw(target | word)}"


@st.composite
def html_anchor(draw: st.DrawFn) -> str:
    """<a …>…</a> with attributes, nested tags and spacing in the closing tag; autolinks."""
    if draw(st.booleans()):
        body = draw(part("a./?-", 1000, "x.example/a", "x.example/a b", ""))
        return f"<{draw(scheme)}{body}{draw(st.sampled_from(['>', '', ' >', '>>']))}"
    opener = draw(st.sampled_from(["<a", "<A", "<ab", "<a\u017f", "<a\u0301", "<abbr", "<a\u0663"]))
    attrs = draw(part(" x='\"=", 1000, "", " ", ' href="http://x.example"', " href='x' rel=nofollow", "\t"))
    inner = draw(st.lists(st.one_of(word, st.sampled_from(["<b>", "</b>", "<i>x</i>", "<br/>"])), max_size=4)
                 .map(" ".join) | sized("x <", 300))
    closer = draw(st.sampled_from(["</a>", "</A>", "</a >", "</a\t\n>", "</a \u3000>", "</ a>", "</ab>", ""]))
    return f"{opener}{attrs}>{inner}{closer}"


_ANCHOR_WORDS = ["dolce", "vita", "cream", "Cheap", "viagra", "\u0130stanbul", "x", "at", "com", "\u0663\u0663", "a" * 79,
                 "b" * 80, "c" * 81]


@st.composite
def bare_url(draw: st.DrawFn) -> str:
    """A bare URL or autolink after some character (its lookbehind reads it), with trailing punctuation,
    often after words its path spells out."""
    before = draw(st.sampled_from([" ", "", "x", "_", "/", ".", "@", "-", "(", '"', "\u00e9", "\u3000", ":", "\u2013",
                                   "\u0663", "\u00bd"]))
    words = draw(st.lists(st.sampled_from(_ANCHOR_WORDS), max_size=7))
    joiner = draw(st.sampled_from([" ", " - ", "-", " , ", "\t"]))
    gap = draw(st.sampled_from([" ", " - ", ": ", "\t", "\u2014", " \u2013 ", "", "  "]))
    slug = "-".join(w.lower() for w in draw(st.permutations(words))) if words else draw(target)
    host = draw(st.sampled_from(["x.com/", "x.com/p/", "x.com", "\u0130.com/", "x.com/?q=", "dolce.com/", "vita.com#",
                                 "cream.com?", "x.com#a-"]))
    url = f"{draw(scheme)}{host}{slug}"
    if draw(st.booleans()):
        url = f"<{url}>"
    return f"{joiner.join(words)}{gap}{before}{url}{draw(tail)}"


# a missing sentence break: a word, number or symbol, space, then a starter word and what follows it
missing_break = st.builds(
    lambda *parts: "".join(parts),
    st.sampled_from(["x", "X", "9", "%", ")", ":", ">", "*", "+", "\ufeff", ".", ",", "-", "(", "\u00e9", "mg"]),
    st.sampled_from([" ", "  ", "\t", "\u3000", " \u2028 "]),
    st.sampled_from([*_STARTERS.split("|"), "Ifs", "Thee", "it", "IT", "Everyone"]),
    st.sampled_from([" x", ",", "'", "\u2019", " (", "  b", " B", "x", "", " ,", "\t(", "\u00a0y", " 9"]),
)
sentence_piece = st.one_of(word, word, spaces, spaces, terminal, closers, odd, missing_break, sized(" \u3000.", 3),
                           st.sampled_from(["\u2022", "\u00b7", " \u2022 ", " \u00b7 ", "\u2022\u2022"]))
piece = st.one_of(sentence_piece, sentence_piece, sentence_piece, markdown(), html_anchor(), bare_url())
document = st.lists(piece, max_size=40).map("".join)


@settings(max_examples=3000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(document)
@example("See [cheap pills](http://x.com/a) now, friends. He said: \u201cBuy now.\u201d Then it went on.")
@example("x" * 23 + ". It works\n\n[1]: http://x\n  \u2022 item \u00b7 two   three")
@example('[a](http://x "t")) <a href=x>y</a> <https://x> http://x.com/a.,;:!? www.x.com/)')
def test_same_units_on_link_and_sentence_syntax(compiled_segment: Segmenter, text: str) -> None:
    assert_same_units(compiled_segment, text)


@settings(max_examples=1500, deadline=None)
@given(st.text(alphabet=any_character, max_size=300))
def test_same_units_on_arbitrary_text_with_surrogates(compiled_segment: Segmenter, text: str) -> None:
    assert_same_units(compiled_segment, text)


@settings(max_examples=1500, deadline=None)
@given(st.lists(st.one_of(piece, any_character), max_size=60).map("".join), st.data())
def test_same_units_whatever_comes_before_a_piece(compiled_segment: Segmenter, text: str, data: st.DataObject) -> None:
    # a cut of a document at any point: lookbehinds and line and paragraph counts meet new neighbours
    cut = data.draw(st.integers(0, len(text)))
    assert_same_units(compiled_segment, text[cut:])
    assert_same_units(compiled_segment, text[:cut])
