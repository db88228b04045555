"""The synthetic hacked-site set: test-split hosts rendered as HTML pages, spam hidden in them as hacks hide it.

Recipe (seeded; rebuilt from ``../shared/data``, nothing stored):

- **Pages**: each test-split clean host (:func:`excise.training.sources.clean_hosts`, split ``test``)
  becomes a page: a header with the site's navigation (relative links), the host's first
  line as ``<h1>``, its paragraphs as ``<p>``, a footer with the site's own links, and a
  canonical link naming the site (``www.<site>.example``).
- **Legitimate hidden elements** (the negatives), one to three per page: a collapsed
  mobile menu (``display:none``), a newsletter or cookie dialog (``hidden``), an accordion
  answer holding one of the page's own paragraphs (``display:none`` by a style-sheet
  class), a "skip to content" link for screen readers (off-screen), a drop-down of
  categories (``visibility:hidden``), an ``aria-hidden`` icon label.
- **Injections** (the positives), on 60 % of the pages, one or two each, of test-split spam
  (:func:`sets.held_out_injector`: its sentences, selling anchors and link targets): a block
  hidden by ``display:none``, ``visibility:hidden``, a 1-pixel ``<marquee>``, a 1- or
  2-pixel font, off-screen positioning, white text on the white page, a script that hides
  it by id, a style-sheet class; a visible footer link farm (four to eight selling anchors
  to spam domains); a selling anchor spliced into one of the page's sentences; a visible
  paragraph of spam.

Each case keeps the source ranges of its injected elements (with their style) and of its
legitimate hidden elements (with their kind).
"""

from __future__ import annotations

import html
import random
import re
from dataclasses import dataclass, field
from pathlib import Path

from sets import held_out_injector

from excise.training.sources import Piece
from excise.training.synth import Injector

HIDING = ("display", "visibility", "marquee", "tiny-font", "off-screen", "same-colour", "script", "css-class")
VISIBLE = ("footer-farm", "inline-anchor", "visible-para")
STYLES = HIDING + VISIBLE
LEGIT_HIDDEN = ("mobile-menu", "dialog", "accordion", "skip-link", "dropdown", "icon-label")

_PARAGRAPH = re.compile(r"\n[ \t]*\n")
_NAV = ["Home", "About", "Blog", "Archive", "Contact", "Events", "Team", "Projects", "Services", "FAQ"]
_DIALOGS = [
    "Subscribe to our newsletter and get the latest posts in your inbox every week. You can unsubscribe at any time.",
    "We use cookies to understand how visitors use this site and to improve it. Read our privacy policy.",
    "Thank you for your message. We will get back to you within two working days.",
    "Sign in to leave a comment. New here? Create an account, it only takes a minute.",
    "Your session has expired. Please log in again to continue where you left off.",
]
_ICONS = ["Search", "Menu", "Close", "Share on social media", "Print this page", "Next slide", "Previous slide"]
_CATEGORIES = ["News", "Analysis", "Opinion", "Health", "Technology", "Culture", "Science", "Travel"]


@dataclass
class HtmlCase:
    """One page: its source, its injected elements and its legitimate hidden ones (source ranges)."""

    id: str
    html: str
    injected: list[tuple[int, int, str]] = field(default_factory=list)  # (start, end, style)
    legit_hidden: list[tuple[int, int, str]] = field(default_factory=list)  # (start, end, kind)


class _Page:
    """A page being written: pieces of source, each remembered by what it is."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.length = 0
        self.marks: list[tuple[int, int, str, str]] = []  # (start, end, "spam"|"legit", style)

    def add(self, text: str, mark: tuple[str, str] | None = None) -> None:
        if mark is not None:
            self.marks.append((self.length, self.length + len(text), *mark))
        self.parts.append(text)
        self.length += len(text)


def _esc(text: str) -> str:
    return html.escape(text, quote=False)


def _paragraphs(host: Piece) -> list[str]:
    return [" ".join(p.split()) for p in _PARAGRAPH.split(host.text) if p.strip()]


class HtmlSetBuilder:
    """Builds :class:`HtmlCase` pages with one seeded RNG."""

    def __init__(self, injector: Injector, seed: int) -> None:
        self.injector = injector
        self.rng = random.Random(seed)
        self.counter = 0

    def _id(self, prefix: str) -> str:
        self.counter += 1
        return f"{prefix}{self.counter}"

    # ---- spam ----------------------------------------------------------------------------------
    def _spam_block(self) -> str:
        """Spam sentences with one or two selling links, as a hacked site's hidden block holds them."""
        inj, rng = self.injector, self.rng
        piece = inj.pick()
        sentences = _esc(inj.sentences_of(piece, rng.randint(1, 3)))
        links = " ".join(self._link(inj.selling_anchor(piece)) for _ in range(rng.randint(1, 2)))
        return f"{sentences} {links}" if rng.random() < 0.5 else f"{links} {sentences}"

    def _link(self, words: str) -> str:
        return f'<a href="{html.escape(self.injector.url(words))}">{_esc(words)}</a>'

    def _injection(self, style: str, page: _Page, sheet: list[str], scripts: list[str]) -> None:
        rng = self.rng
        mark = ("spam", style)
        if style == "display":
            page.add(f'<div style="display:none">{self._spam_block()}</div>\n', mark)
        elif style == "visibility":
            page.add(f'<div style="visibility: hidden; height: 0">{self._spam_block()}</div>\n', mark)
        elif style == "marquee":
            page.add(f'<marquee width="1" height="1" scrollamount="3000">{self._spam_block()}</marquee>\n', mark)
        elif style == "tiny-font":
            tag = rng.choice(("b", "span", "div"))
            page.add(f'<{tag} style="font-size:{rng.choice((1, 2))}px">{self._spam_block()}</{tag}>\n', mark)
        elif style == "off-screen":
            page.add(f'<div style="position:absolute; left:-{rng.choice((3000, 5000, 9999))}px; top:0">'
                     f'{self._spam_block()}</div>\n', mark)
        elif style == "same-colour":
            page.add(f'<font color="#ffffff">{self._spam_block()}</font>\n', mark)
        elif style == "script":
            element = self._id("x")
            page.add(f'<div id="{element}">{self._spam_block()}</div>\n', mark)
            scripts.append(f"document.getElementById('{element}').style.display='none';")
        elif style == "css-class":
            name = self._id("c")
            sheet.append(f".{name} {{ display: none }}")
            page.add(f'<div class="{name}">{self._spam_block()}</div>\n', mark)
        elif style == "footer-farm":
            inj = self.injector
            links = " | ".join(self._link(inj.selling_anchor(inj.pick())) for _ in range(rng.randint(4, 8)))
            page.add(f'<div class="partners">{links}</div>\n', mark)
        elif style == "visible-para":
            page.add(f"<p>{self._spam_block()}</p>\n", mark)
        else:
            raise ValueError(style)

    # ---- the page's own hidden parts ---------------------------------------------------------------
    def _legit(self, kind: str, page: _Page, sheet: list[str], paragraphs: list[str]) -> None:
        rng = self.rng
        mark = ("legit", kind)
        if kind == "mobile-menu":
            items = " ".join(f'<a href="/{w.lower()}/">{w}</a>' for w in rng.sample(_NAV, 5))
            page.add(f'<nav class="mobile" style="display:none">{items}</nav>\n', mark)
        elif kind == "dialog":
            page.add(f'<div class="dialog" hidden><p>{rng.choice(_DIALOGS)}</p>'
                     '<button>OK</button></div>\n', mark)
        elif kind == "accordion":
            name = self._id("acc")
            sheet.append(f".{name} {{ display: none }}")
            text = rng.choice(paragraphs) if paragraphs else rng.choice(_DIALOGS)
            page.add(f'<div class="{name}"><p>{_esc(text)}</p></div>\n', mark)
        elif kind == "skip-link":
            page.add('<a class="skip" href="#main" style="position:absolute; left:-10000px">Skip to main '
                     "content</a>\n", mark)
        elif kind == "dropdown":
            items = "".join(f'<li><a href="/category/{c.lower()}">{c}</a></li>' for c in rng.sample(_CATEGORIES, 4))
            page.add(f'<ul class="dropdown" style="visibility:hidden">{items}</ul>\n', mark)
        elif kind == "icon-label":
            page.add(f'<span aria-hidden="true">{rng.choice(_ICONS)}</span>\n', mark)
        else:
            raise ValueError(kind)

    # ---- one page -------------------------------------------------------------------------------
    def page(self, host: Piece, injections: list[str], legit: list[str]) -> HtmlCase:
        rng = self.rng
        paragraphs = _paragraphs(host)
        title, body = (paragraphs[0], paragraphs[1:]) if len(paragraphs) > 1 else ("Notes", paragraphs)
        site = f"{re.sub(r'[^a-z]', '', host.source.lower())[:12] or 'site'}{rng.randint(1, 99)}.example"
        sheet: list[str] = []
        scripts: list[str] = []
        page = _Page()
        nav = " ".join(f'<a href="/{w.lower()}/">{w}</a>' for w in rng.sample(_NAV, 4))
        page.add(f'<body bgcolor="#ffffff">\n<header><nav>{nav}</nav></header>\n')
        page.add(f"<main>\n<h1>{_esc(title[:200])}</h1>\n")
        # each injection and legitimate hidden element goes before one of the body's paragraphs or at the end
        # (a link farm, and a third of the others, at the end); an inline anchor goes inside a paragraph
        slots = len(body) + 1
        placed: dict[int, list[tuple[str, str]]] = {}
        for style in injections:
            if style != "inline-anchor":
                at = slots - 1 if style == "footer-farm" or rng.random() < 0.3 else rng.randrange(slots)
                placed.setdefault(at, []).append(("spam", style))
        for kind in legit:
            placed.setdefault(rng.randrange(slots), []).append(("legit", kind))
        inline_at = rng.randrange(len(body)) if "inline-anchor" in injections else -1
        for k in range(slots):
            for what, style in placed.get(k, []):
                if what == "spam":
                    self._injection(style, page, sheet, scripts)
                else:
                    self._legit(style, page, sheet, paragraphs)
            if k == inline_at:
                self._inline_anchor(page, body[k])
            elif k < len(body):
                page.add(f"<p>{_esc(body[k])}</p>\n")
        page.add("</main>\n")
        own = " | ".join(f'<a href="/{w.lower()}/">{w}</a>' for w in rng.sample(_NAV, 3))
        page.add(f"<footer><p>&copy; 2024 {site}. {own}</p></footer>\n")
        if scripts:
            page.add("<script>\n" + "\n".join(scripts) + "\n</script>\n")
        page.add("</body>\n</html>\n")
        head = (f'<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
                f"<title>{_esc(title[:80])}</title>\n"
                f'<link rel="canonical" href="https://www.{site}/{host.id.replace(":", "-")[:40]}/">\n'
                f"<style>\nbody {{ font-family: sans-serif }}\n" + "\n".join(sheet) + "\n</style>\n</head>\n")
        source = head + "".join(page.parts)
        shift = len(head)
        case = HtmlCase(host.id, source)
        for start, end, what, style in page.marks:
            target = case.injected if what == "spam" else case.legit_hidden
            target.append((start + shift, end + shift, style))
        return case

    def _inline_anchor(self, page: _Page, paragraph: str) -> None:
        """The paragraph with a selling anchor spliced in after one of its words (the anchor alone marked)."""
        inj, rng = self.injector, self.rng
        words = paragraph.split(" ")
        cut = rng.randint(1, max(1, min(len(words) - 1, 40)))
        page.add("<p>" + _esc(" ".join(words[:cut])) + " ")
        page.add(self._link(inj.selling_anchor(inj.pick())), ("spam", "inline-anchor"))
        page.add(" " + _esc(" ".join(words[cut:])) + "</p>\n")


def html_cases(data: Path, n: int, seed: int, spam_share: float = 0.6) -> list[HtmlCase]:
    """``n`` pages (``spam_share`` of them injected) built from test-split hosts and spam with ``seed``."""
    injector, hosts, _ = held_out_injector(data, seed)
    builder = HtmlSetBuilder(injector, seed)
    rng = random.Random(seed + 1)
    usable = [h for h in hosts if len(_paragraphs(h)) >= 2]
    cases = []
    for k in range(n):
        host = usable[rng.randrange(len(usable))]
        injections = rng.sample(STYLES, rng.choice((1, 1, 2))) if rng.random() < spam_share else []
        legit = rng.sample(LEGIT_HIDDEN, rng.randint(1, 3))
        case = builder.page(host, injections, legit)
        case.id = f"html-{k}:{host.id}"
        cases.append(case)
    return cases
