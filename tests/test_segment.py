"""Segmentation: units with offsets into the original text, links as units of their own.

Every test that segments runs twice, on the pure-Python reference and on the compiled segmenter.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from excise.segment import (
    _BREAK,
    _LINK_TRIGGER,
    _STARTERS,
    KIND_NAMES,
    Unit,
    segment_python,
)

Segmenter = Callable[[str], list[Unit]]


@pytest.fixture(params=["python", "c"], scope="module")
def segment(request: pytest.FixtureRequest) -> Segmenter:
    """Each implementation in turn: the pure-Python reference, then the compiled one."""
    if request.param == "python":
        return segment_python
    return request.getfixturevalue("compiled_segment")


def unit_texts(segment: Segmenter, text: str) -> list[tuple[str, str]]:
    """(kind name, unit text) of every unit of ``text``."""
    return [(KIND_NAMES[u.kind], text[u.start : u.end]) for u in segment(text)]


def check_invariants(text: str, units: list[Unit]) -> None:
    """Offsets index the original: sorted, disjoint, trimmed, in bounds; para and line numbers consistent."""
    prev: Unit | None = None
    for u in units:
        piece = text[u.start : u.end]
        assert 0 <= u.start < u.end <= len(text), u
        assert piece and piece == piece.strip(), (u, piece)
        assert 0 <= u.kind < len(KIND_NAMES), u
        assert u.line == text.count("\n", 0, u.start), (u, piece)
        if prev is None:
            assert u.para == 0, u
        else:
            assert prev.end <= u.start, (prev, u)
            gap_lines = text[prev.end : u.start].split("\n")[1:-1]
            blank_between = any(not line.strip() for line in gap_lines)
            assert u.para == prev.para + blank_between, (prev, u, text[prev.end : u.start])
        prev = u


def uncovered(text: str, units: list[Unit]) -> list[tuple[int, str]]:
    """Non-whitespace characters of ``text`` that no unit holds (they could never be cut cleanly)."""
    covered = bytearray(len(text))
    for u in units:
        covered[u.start : u.end] = b"\x01" * (u.end - u.start)
    return [(i, ch) for i, ch in enumerate(text) if not ch.isspace() and not covered[i]]


# --------------------------------------------------------------------------- links are units of their own

LINK_CASES = [
    # markdown inline links
    ("See [cheap pills](http://x.com/a) now, friends.", "link", "[cheap pills](http://x.com/a)"),
    ('Try [cheap pills](http://x.com/a "Best price") today, friends.', "link",
     '[cheap pills](http://x.com/a "Best price")'),
    ("I want to [have](http://pharmacy.example/buy) the book you recommended.", "link",
     "[have](http://pharmacy.example/buy)"),
    ("[Buy now](https://x.com) at the start of the line.", "link", "[Buy now](https://x.com)"),
    # markdown reference links
    ("I want to [have][7] the book you recommended last week.", "reflink", "[have][7]"),
    ("Nothing beats [cheap cialis online][12] for a quiet evening at home.", "reflink",
     "[cheap cialis online][12]"),
    ("A collapsed reference [have][] still counts as a link here.", "reflink", "[have][]"),
    # HTML anchors
    ('Read <a href="http://x.com">cheap meds</a> here for more info.', "link",
     '<a href="http://x.com">cheap meds</a>'),
    ("Read <A HREF='http://x.com/p'>Payday Loans</A> here for more info.", "link",
     "<A HREF='http://x.com/p'>Payday Loans</A>"),
    ('The <a rel="nofollow" href="http://x.com">casino</a > sponsored the event.', "link",
     '<a rel="nofollow" href="http://x.com">casino</a >'),
    # autolinks
    ("Visit <http://x.com/a> for more information please.", "link", "<http://x.com/a>"),
    ("Write to us via <https://example.org/contact?q=1> any time you like.", "link",
     "<https://example.org/contact?q=1>"),
    # bare URLs: trailing punctuation is not part of the URL
    ("Go to http://example.com/page. Then come back here to read on.", "url", "http://example.com/page"),
    ("We linked http://x.com/a, which was a mistake on our part.", "url", "http://x.com/a"),
    ("Is it really at http://x.com/a? Nobody seems to know the answer.", "url", "http://x.com/a"),
    ("You should visit www.example.org/path! It is great, they say.", "url", "www.example.org/path"),
    ("The address (see http://x.com/a) was printed on the back page.", "url", "http://x.com/a"),
    ("The address http://x.com/a... was printed on the back page.", "url", "http://x.com/a"),
    ("Their page was at http://x.com/a; the office was in town.", "url", "http://x.com/a"),
    ('They wrote "http://x.com/a" on the whiteboard in the office.', "url", "http://x.com/a"),
    ("resume their active brand viagra pfizer http://raindogscine.com/?attachment_id=248 sexual life.",
     "url", "http://raindogscine.com/?attachment_id=248"),
    ("The file http://x.com/a.html?b=1,2&c=3 has dots and commas inside.", "url",
     "http://x.com/a.html?b=1,2&c=3"),
    ("Ends with a URL: https://example.com/path/to/page.", "url", "https://example.com/path/to/page"),
]


@pytest.mark.parametrize(("text", "kind", "link"), LINK_CASES)
def test_a_link_is_a_unit_of_its_own(segment: Segmenter, text: str, kind: str, link: str) -> None:
    units = segment(text)
    check_invariants(text, units)
    assert (kind, link) in unit_texts(segment, text)
    assert not uncovered(text, units)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("See [cheap pills](http://x.com/a) now, friends.",
         [("text", "See"), ("link", "[cheap pills](http://x.com/a)"), ("text", "now, friends.")]),
        ("I want to [have][7] the book you recommended last week.",
         [("text", "I want to"), ("reflink", "[have][7]"), ("text", "the book you recommended last week.")]),
        ("Go to http://example.com/page, then come back.",
         [("text", "Go to"), ("url", "http://example.com/page"), ("text", ", then come back.")]),
        ("(see http://x.com/a)", [("text", "(see"), ("url", "http://x.com/a"), ("text", ")")]),
    ],
)
def test_text_around_a_link_is_kept_in_its_own_units(
    segment: Segmenter, text: str, expected: list[tuple[str, str]]
) -> None:
    assert unit_texts(segment, text) == expected


def test_each_reference_definition_is_a_unit(segment: Segmenter) -> None:
    text = (
        "The spring fair was a success, thanks to every volunteer.\n"
        "\n"
        "[1]: http://pharma.example/buy-cialis\n"
        "  [2]: https://casino.example/?p=12\n"
        '[cheap loans]: http://loans.example/x "Quick cash"\n'
    )
    units = segment(text)
    check_invariants(text, units)
    assert unit_texts(segment, text)[1:] == [
        ("refdef", "[1]: http://pharma.example/buy-cialis"),
        ("refdef", "[2]: https://casino.example/?p=12"),
        ("refdef", '[cheap loans]: http://loans.example/x "Quick cash"'),
    ]
    assert [u.para for u in units] == [0, 1, 1, 1]
    assert [u.line for u in units] == [0, 2, 3, 4]


def test_several_links_on_one_line_are_separate_units(segment: Segmenter) -> None:
    text = "Links: [a](http://a.example) [b](http://b.example) http://c.example <http://d.example>"
    links = [t for k, t in unit_texts(segment, text) if k != "text"]
    assert links == ["[a](http://a.example)", "[b](http://b.example)", "http://c.example", "<http://d.example>"]


def test_an_image_is_not_mistaken_for_a_link(segment: Segmenter) -> None:
    text = "Here is the photo ![the new reading room](http://x.com/room.jpg) from the opening."
    assert ("image", "![the new reading room](http://x.com/room.jpg)") in unit_texts(segment, text)


# --------------------------------------------------------------------------- sentence seams


def test_missing_sentence_break_splits_before_the_capitalised_word(segment: Segmenter) -> None:
    text = ("a brother-in-law loved this levitra without prescription and there are many more relations to "
            "maintain. cialis 40 mg It follows same execution to reduce the symptoms of erectile dysfunction.")
    units = segment(text)
    check_invariants(text, units)
    starts = {u.start for u in units}
    ends = {u.end for u in units}
    assert text.index("It follows") in starts
    assert text.index("cialis 40 mg") in starts
    assert text.index("cialis 40 mg") + len("cialis 40 mg") in ends


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The hall reopened in May. Readers came back in large numbers.",
         ["The hall reopened in May.", "Readers came back in large numbers."]),
        ("Is it open? Yes! The doors open at nine every morning.",
         ["Is it open?", "Yes!", "The doors open at nine every morning."]),
        ("He waited\u2026 Then the doors finally opened for everyone.",
         ["He waited\u2026", "Then the doors finally opened for everyone."]),
        ("buy cheap pills online today The council approved the budget.",
         ["buy cheap pills online today", "The council approved the budget."]),
        ("Opening hours \u2022 Monday to Friday from nine to five.",
         ["Opening hours", "\u2022 Monday to Friday from nine to five."]),
        ("Opening hours   Monday to Friday from nine to five.",
         ["Opening hours", "Monday to Friday from nine to five."]),
        ("She asked: \u201cAre we open?\u201d) Then the doors opened.",
         ["She asked: \u201cAre we open?\u201d)", "Then the doors opened."]),
        ("0870 is a national rate call But another break-out awarded a kick at goal.",
         ["0870 is a national rate call", "But another break-out awarded a kick at goal."]),
        ("subscribe and like all your vids :)\ufeff However, researchers suspect otherwise.",
         ["subscribe and like all your vids :)\ufeff", "However, researchers suspect otherwise."]),
        ("matching your needs with hundreds I've also heard that the line is gone.",
         ["matching your needs with hundreds", "I've also heard that the line is gone."]),
        ("Our network fits your current situation: The number of new cases rose.",
         ["Our network fits your current situation:", "The number of new cases rose."]),
        ("The shirts were Made In China and sold in bulk by the dozen.",
         ["The shirts were Made In China and sold in bulk by the dozen."]),
    ],
)
def test_sentences_split_at_breaks(segment: Segmenter, text: str, expected: list[str]) -> None:
    units = segment(text)
    check_invariants(text, units)
    assert [t for _, t in unit_texts(segment, text)] == expected


@pytest.mark.parametrize(
    "text",
    [
        "He said: \u201cBuy cheap viagra online now.\u201d Then the meeting went on for hours.",
        'He said: "Buy cheap viagra online now." Then the meeting went on for hours.',
        "The committee met (as it had planned.) Then the meeting went on for hours.",
        "The list closed [as expected.] Then the meeting went on for hours.",
    ],
)
def test_closing_quotes_and_brackets_stay_in_a_unit(segment: Segmenter, text: str) -> None:
    # a character outside every unit survives any cut around it: a dangling quote is left behind
    units = segment(text)
    check_invariants(text, units)
    assert uncovered(text, units) == []


# --------------------------------------------------------------------------- paragraphs and lines


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("One.\nTwo.", [(0, 0), (0, 1)]),
        ("One.\n\nTwo.", [(0, 0), (1, 2)]),
        ("One.\n \t\nTwo.", [(0, 0), (1, 2)]),
        ("One.\r\n\r\nTwo.", [(0, 0), (1, 2)]),
        ("One.\n\n\n\nTwo.", [(0, 0), (1, 4)]),
        ("\n\n\nOne.\n\nTwo.", [(0, 3), (1, 5)]),
        ("The first sentence is here. The second one follows.\n\nThree.\nFour.\n\nFive.",
         [(0, 0), (0, 0), (1, 2), (1, 3), (2, 5)]),
        ("One.\n\u00a0\nTwo.", [(0, 0), (1, 2)]),
    ],
)
def test_paragraph_and_line_numbers(segment: Segmenter, text: str, expected: list[tuple[int, int]]) -> None:
    units = segment(text)
    check_invariants(text, units)
    assert [(u.para, u.line) for u in units] == expected


@pytest.mark.parametrize("text", ["", " ", "\n", "\n\n \t\n", "\u00a0\u2028\u3000"])
def test_blank_text_has_no_units(segment: Segmenter, text: str) -> None:
    assert segment(text) == []


# --------------------------------------------------------------------------- never crash, invariants hold

_SPECIAL = list(
    "\n\n\n \t\r[]()<>:/.!?\"'\u201c\u201d\u2019\u00bb\u2026#*-_@"
    "\u200b\u200c\u200d\u2060\ufeff\u00ad\u00a0\u2028\u2029\u0085\u3000\u202e"
)
_FRAGMENTS = [
    "http://", "https://x.com/a?b=1", "www.", "[", "](", "][", "]: ", "<a href=\"", "\">", "</a>", "<http://x>",
    "[7]: http://spam.example", "[have](http://p.example)", "[a][1]", "![i](x.png)", ". ", "It ", "The ",
    "cialis 40 mg ", "\u201d ", ".\u201d ", '.) ', "a long enough sentence", "\n\n", "\n", "  ", "\u0443\u043e\u0443", "\U0001f600",
]

wide_text = st.text(
    alphabet=st.one_of(st.characters(exclude_categories=("Cs",)), st.sampled_from(_SPECIAL)),
    max_size=400,
)
fragment_text = st.lists(st.one_of(st.sampled_from(_FRAGMENTS), st.text(max_size=12)), max_size=40).map("".join)


@settings(max_examples=400, deadline=None)
@given(wide_text)
def test_segmentation_invariants_on_arbitrary_unicode(segment: Segmenter, text: str) -> None:
    check_invariants(text, segment(text))


@settings(max_examples=400, deadline=None)
@given(fragment_text)
def test_segmentation_invariants_on_link_like_text(segment: Segmenter, text: str) -> None:
    check_invariants(text, segment(text))


@settings(max_examples=300, deadline=None)
@given(fragment_text)
def test_every_visible_character_is_in_a_unit(segment: Segmenter, text: str) -> None:
    assert uncovered(text, segment(text)) == []


# --------------------------------------------------------------------------- fast forms of the hot expressions

# The rules as first written. segment.py rewrites them to start with a character class,
# which the regex engine scans for in C; the rewritten forms must find the same matches.
PLAIN_BREAK = re.compile(
    r"(?<=[.!?\u2026])[\"'\u201d\u2019\u00bb)\]]*\s+(?=\S)"
    rf"|(?<=[A-Za-z0-9%):>*+\ufeff])\s+(?=(?:{_STARTERS})(?:\s+[a-z(]|[,'\u2019]))"
    r"|\s+(?=[\u2022\u00b7]\s)|(?<=\S)\s{3,}(?=\S)"
)
PLAIN_LINK_TRIGGER = re.compile(r"[\[<]|https?:|www\.", re.IGNORECASE)

_RULE_PIECES = [
    ".", "!", "?", "\u2026", '"', "'", "\u201d", "\u2019", "\u00bb", ")", "]", "[", "<", ":",
    " ", "  ", "   ", "\t", "\n", "\r", "\u00a0", "\u3000", "\u2022", "\u00b7", " \u2022 ", " \u00b7 ",
    "It", "The", "There", "Their", "I", "If", "In", "Your", "However", "'", ",", "(", ":", "\ufeff", "A", "b", "a", "z", "Z", "9", "%", "x", ". ", "\u2026 ", ".\u201d ",
    "http", "http:", "https:", "HTTP:", "hTtPs:", "http\u017f:", "www", "www.", "WWW.", "wWw.", "h", "w",
]
# mostly pieces of the rules, so that hypothesis hits every branch, and some other characters
rule_text = st.lists(
    st.sampled_from(_RULE_PIECES) | st.sampled_from(_RULE_PIECES) | st.sampled_from(_RULE_PIECES)
    | st.characters(exclude_categories=("Cs",)),
    max_size=40,
).map("".join)

RULE_EXAMPLES = [
    "Visit http: now", "or HTTPS: here", "go to wWw. there", "a [b] <c>", "hours \u00b7 daily", "hours \u2022 daily",
    "take 9 It works", "up 5% The rest", "Made In China", "rate call But another", "vids :)\ufeff However, the",
    "hundreds I've heard", "situation: The number", "CLICK HERE If you", "hepatitis A is", "If you", "Ifs and", "a waited\u2026 Then", 'b said "now." Then', "c (now.)\u201d  Then",
    "a   b", "a \u00a0 b", "one.\n\nTwo", "x\u3000\u3000 \u3000y",
]


@pytest.mark.parametrize("text", RULE_EXAMPLES)
def test_fast_forms_agree_with_the_plain_rules_on_examples(text: str) -> None:
    assert _spans(_BREAK.finditer(text)) == _spans(PLAIN_BREAK.finditer(text))
    assert _spans(_LINK_TRIGGER.finditer(text)) == _spans(PLAIN_LINK_TRIGGER.finditer(text))


def _spans(matches: Iterator[re.Match[str]]) -> list[tuple[int, int]]:
    """Where each match starts and ends."""
    return [m.span() for m in matches]


@settings(max_examples=1000, deadline=None)
@given(rule_text, st.data())
def test_fast_break_finds_what_the_plain_rule_finds(text: str, data: st.DataObject) -> None:
    pos = data.draw(st.integers(0, len(text)))
    end = data.draw(st.integers(pos, len(text)))
    assert _spans(_BREAK.finditer(text, pos, end)) == _spans(PLAIN_BREAK.finditer(text, pos, end))


@settings(max_examples=1000, deadline=None)
@given(rule_text, st.data())
def test_fast_link_trigger_finds_what_the_plain_rule_finds(text: str, data: st.DataObject) -> None:
    pos = data.draw(st.integers(0, len(text)))
    end = data.draw(st.integers(pos, len(text)))
    assert _spans(_LINK_TRIGGER.finditer(text, pos, end)) == _spans(PLAIN_LINK_TRIGGER.finditer(text, pos, end))


# --------------------------------------------------------------------------- anchors spelled out by a URL


@pytest.mark.parametrize(
    ("text", "anchor"),
    [
        ('"We understand dolce vita cream <http://twg-capital.com/dolce-vita-cream.html> the difficulties.',
         "dolce vita cream"),
        ("strategy whitening kit number Your mobile http://www.citylorasa.org/decc/number-your-mobile/ were",
         "number Your mobile"),
        ("the best cheap-viagra: https://x.biz/p/cheap-viagra.html today", "cheap-viagra:"),
    ],
)
def test_words_a_url_spells_out_before_it_are_a_unit_of_their_own(
    segment: Segmenter, text: str, anchor: str
) -> None:
    units = segment(text)
    check_invariants(text, units)
    assert ("text", anchor) in unit_texts(segment, text)


@pytest.mark.parametrize(
    "text",
    [
        "see the docs at http://python.org/docs/ for more",  # "at" is not in the path: no anchor
        "resume their active brand viagra http://raindogscine.com/?attachment_id=248 sexual life.",
        "the hall http://hall.org/ reopened",  # the host does not count, only the path
    ],
)
def test_words_a_url_does_not_spell_out_stay_in_their_sentence(segment: Segmenter, text: str) -> None:
    before = text[: text.index("http")].strip()
    assert ("text", before) in unit_texts(segment, text)
