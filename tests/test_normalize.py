"""The folded view that evidence is computed on: look-alikes, invisibles, entities, NFKC, obfuscation."""

from __future__ import annotations

import re

import pytest

from excise.normalize import deobfuscate, fold


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Cyrillic у, е, о, а, с, р, і and Greek ο, α inside Latin words
        ("Find \u0443ours\u0435lf a girl", "find yourself a girl"),
        ("Buy \u0441heap v\u0456agra", "buy cheap viagra"),
        ("b\u0435st \u0440\u043e\u043a\u0435r bonus", "best poker bonus"),
        ("online casin\u03bf", "online casino"),
        ("ch\u0435\u0430p l\u043e\u0430ns", "cheap loans"),
        ("R\u0415PLICA watches", "replica watches"),
    ],
)
def test_look_alike_letters_inside_latin_words_are_folded(text: str, expected: str) -> None:
    assert fold(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "\u043f\u0440\u0438\u0432\u0435\u0442, \u043c\u0438\u0440! \u044d\u0442\u043e \u043e\u0431\u044b\u0447\u043d"
        "\u044b\u0439 \u0442\u0435\u043a\u0441\u0442 \u043e \u0431\u0438\u0431\u043b\u0438\u043e\u0442\u0435\u043a"
        "\u0435.",  # привет, мир! это обычный текст о библиотеке.
        "\u043a\u043e\u0442 \u0438 \u043c\u043e\u0440\u0435",  # кот и море: all letters have Latin look-alikes
        "\u03ba\u03b1\u03bb\u03b7\u03bc\u03ad\u03c1\u03b1 \u03ba\u03cc\u03c3\u03bc\u03b5",  # καλημέρα κόσμε
    ],
)
def test_genuine_cyrillic_and_greek_text_is_left_alone(text: str) -> None:
    assert fold(text) == text
    assert not re.search("[a-z]", fold(text))


def test_a_russian_word_beside_an_english_one_is_left_alone() -> None:
    moscow = "\u041c\u043e\u0441\u043a\u0432\u0430"  # Москва
    assert fold(f"Visit {moscow} today") == f"visit {moscow.lower()} today"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("vi\u200bag\u200dra", "viagra"),
        ("cia\u00adlis", "cialis"),
        ("\ufeffcasino", "casino"),
        ("po\u2060ker o\u200cnline", "poker online"),
        ("lo\u200ean\u202es", "loans"),
    ],
)
def test_zero_width_and_format_characters_are_removed(text: str, expected: str) -> None:
    assert fold(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("caf&eacute; &amp; bar", "caf\u00e9 & bar"),
        ("&#99;ialis &#x76;iagra", "cialis viagra"),
        ("&lt;b&gt;cheap&lt;/b&gt;", "<b>cheap</b>"),
        ("Tom &amp; Jerry", "tom & jerry"),
    ],
)
def test_html_entities_are_decoded(text: str, expected: str) -> None:
    assert fold(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("\uff36\uff29\uff21\uff27\uff32\uff21", "viagra"),  # full-width ＶＩＡＧＲＡ
        ("\uff43\uff41\uff53\uff49\uff4e\uff4f \uff11\uff10\uff10", "casino 100"),
        ("\ufb01nance", "finance"),  # the fi ligature
        ("\U0001d41c\U0001d422\U0001d41a\U0001d425\U0001d422\U0001d42c", "cialis"),  # mathematical bold
    ],
)
def test_nfkc_compatibility_forms_are_folded(text: str, expected: str) -> None:
    assert fold(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("\u201cQuoted\u201d and \u2018single\u2019", "\"quoted\" and 'single'"),
        ("2016\u20132017 \u2014 a year", "2016-2017 - a year"),
        ("no\u00a0break", "no break"),
        ("MiXeD CaSe", "mixed case"),
    ],
)
def test_punctuation_and_case_are_folded(text: str, expected: str) -> None:
    assert fold(text) == expected


def test_long_and_short_text_fold_alike() -> None:
    # short strings go through a cache, long ones do not: both must give the same view
    word = "\u0443ours\u0435lf vi\u200bagra &amp; \uff36\uff29\uff21"
    long_text = " ".join([word] * 10)
    assert len(word) < 64 < len(long_text)
    assert fold(long_text) == " ".join([fold(word)] * 10)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("buy v.i.a.g.r.a now", "buy viagra now"),
        ("c i a l i s", "cialis"),
        ("v-i-a-g-r-a online", "viagra online"),
        ("p_o_k_e_r", "poker"),
        ("v1agr4", "viagra"),
        ("c1al1s", "cialis"),
        ("p0k3r", "poker"),
        ("h3ll0 there", "hello there"),
    ],
)
def test_deobfuscate_undoes_spaced_letters_and_leet(text: str, expected: str) -> None:
    assert deobfuscate(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "take 40mg twice a day",
        "in 2016 the library opened",
        "the cat sat on a mat",
        "a b c",  # three single letters are too few to be a spelled-out word
        "an mp3 file",
        "u.s.a. and e.g. a note",
    ],
)
def test_deobfuscate_leaves_ordinary_text_alone(text: str) -> None:
    assert deobfuscate(text) == text
