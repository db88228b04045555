"""Naming the family of a span once it is cut.

Detection never depends on these lists: they only name *which* kind of spam a
cut span is (``pharma``, ``gambling``, ...) and give the ``lexicon:`` reasons.
The training recipe also uses them to sort spam texts into families so that a
family can be held out and generalisation measured honestly.
"""

from __future__ import annotations

import re

__all__ = ["FAMILY_PATTERNS", "family_of", "lexicon_hits"]

FAMILY_PATTERNS: dict[str, re.Pattern[str]] = {
    name: re.compile(pattern)
    for name, pattern in {
        "pharma": r"\b(?:viagra|viagara|cialis|levitra|kamagra|sildenafil|tadalafil|vardenafil|pharmac\w*|prescription"
        r"|rx|pills?|meds|medications?|drugstore|xanax|valium|tramadol|phentermine|propecia|finasteride|accutane"
        r"|amoxicillin|prednisone|antibiotics?|erectile|erection|impotence|generic|dosage|\d+ ?mg|tablets?"
        r"|weight ?loss|diet pills?|lose weight|fat burn\w*|supplements?|hgh|penis|enlargement)\b",
        "gambling": r"\b(?:casinos?|poker|slots?|betting|bets?|jackpots?|roulette|blackjack|gambl\w*|lottery|lotto"
        r"|bingo|sportsbook|wager\w*|free spins|bonus spins|bookmakers?|baccarat|pokies)\b",
        "loans": r"\b(?:loans?|mortgages?|refinanc\w*|payday|cash advance|lenders?|credit (?:score|card|repair)"
        r"|debt consolidation|apr|interest rates?|bad credit|no credit check|home equity|debts?)\b",
        "adult": r"\b(?:sex\w*|porn\w*|xxx|adult|dating|singles|horny|nude|naked|erotic|escorts?|hookups?|webcam"
        r"|milfs?|lesbians?|girls? (?:for|near|online)|hot girls?|meet (?:women|girls)|babes?|fuck\w*)\b",
        "essay": r"\b(?:essays?|dissertations?|thesis|homework|term papers?|coursework|writing services?"
        r"|write my|research papers?|assignments?)\b",
        "replica": r"\b(?:replicas?|rolex|louis vuitton|handbags?|knock ?offs?|fake watch\w*|oakley|gucci|prada"
        r"|chanel|designer bags?|ugg|michael kors|cheap jerseys?)\b",
        "crypto": r"\b(?:bitcoins?|crypto\w*|btc|forex|robot|binary options?|passive income|earn \$?\d+"
        r"|financial (?:robot|freedom)|investments?|profits?|trading bot|make money|income)\b",
        "seo": r"\b(?:seo|backlinks?|traffic|rankings?|search engines?|marketing|promotion|subscribers?|followers"
        r"|leads|website design|web design|google|youtube channel|subscribe|views)\b",
    }.items()
}


def lexicon_hits(folded: str) -> dict[str, list[str]]:
    """Family name → the distinct matched terms in ``folded`` (lower-cased) text."""
    hits: dict[str, list[str]] = {}
    for name, pattern in FAMILY_PATTERNS.items():
        found = pattern.findall(folded)
        if found:
            hits[name] = sorted(set(found))
    return hits


def family_of(folded: str) -> tuple[str, list[str]]:
    """The family with the most distinct hits in ``folded`` text, and those hits; ``other`` if none."""
    hits = lexicon_hits(folded)
    if not hits:
        return "other", []
    best = max(hits, key=lambda name: (len(hits[name]), -list(FAMILY_PATTERNS).index(name)))
    return best, hits[best]
