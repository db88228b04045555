"""An HTML page as the engine reads it: its text, and where every character of that text is in the source.

Extractors such as trafilatura and resiliparse drop hidden elements, scripts'
targets and link targets, and keep no way back to the source. A site owner needs
the opposite: every element's text, hidden or not, and for every character the
element and the source bytes it came from. :class:`HtmlPage` parses the source
once (the standard library's tolerant parser, character references left for it
to report one by one) and builds

- ``text``: the page's text, block elements on lines of their own (a blank line
  between paragraphs, a line break for ``<br>``, list items and table rows),
  runs of white space as one blank, and each link written as
  ``[words](URL)`` so that the engine sees its target (in markdown's form: the engine learnt
  links in prose from pages written so, where an HTML anchor in the text is mostly an injection);
- ``starts``/``ends``: for each character of ``text``, the source range it stands
  for (an entity's whole ``&amp;``, a link's whole start tag);
- ``owner``: for each character, the innermost element it belongs to;
- ``elements``: each element's tag, attributes, source range, CSS selector path
  and how it is hidden (:mod:`excise.hiding`), its ancestors' hiding included.

``<script>``, ``<style>``, ``<template>``, ``<noscript>`` and the ``<head>``
(title included) give no text; style sheets and scripts are read for what they
hide.
"""

from __future__ import annotations

import bisect
import html
import re
from array import array
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urlsplit

from .hiding import (
    StyleRules,
    colour,
    hidden_by_script,
    own_hiding,
    parse_declarations,
    same_colour_reason,
)

__all__ = ["Element", "HtmlPage"]

VOID = frozenset(["area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track", "wbr"])
#: elements whose text is no text of the page
NO_TEXT = frozenset(["script", "style", "template", "noscript", "head", "title", "iframe", "object", "svg", "select"])
#: what the head holds: any other element closes a head left open
_HEAD_CONTENT = frozenset("meta link title style script noscript base template".split())
#: table cells: a blank between them, whatever the source has
CELLS = frozenset(["td", "th"])
_AMPERSAND = "\ue000"
_LONE_CHARREF = re.compile(r"&(?=#(?![0-9]|[xX][0-9a-fA-F]))")
#: elements that stand as paragraphs of their own (a blank line around them)
PARAGRAPHS = frozenset(["address", "article", "aside", "blockquote", "details", "dialog", "div", "dl", "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "main", "nav", "ol", "p", "pre", "section", "table", "ul", "center", "marquee", "body"])
#: elements that stand on lines of their own
LINES = frozenset(["li", "dt", "dd", "tr", "caption", "summary", "legend", "option"])
#: a start tag of one of these closes an open <p> (HTML's implied end tags, the common part)
CLOSES_P = PARAGRAPHS | frozenset(["li"])
# a start tag closes an open element of its group (a link in a link closes the first, as browsers do)
_SIBLINGS = {"li": ("li",), "dt": ("dt", "dd"), "dd": ("dt", "dd"), "tr": ("tr",), "td": ("td", "th"),
             "th": ("td", "th"), "option": ("option",), "a": ("a",)}
# ... looking no further out than these (a list item in a nested list leaves the outer item open)
_SIBLING_SCOPE = {"li": {"ul", "ol"}, "dt": {"dl"}, "dd": {"dl"}, "tr": {"table", "tbody", "thead", "tfoot"},
                  "td": {"tr", "table"}, "th": {"tr", "table"}, "option": {"select", "datalist"}, "a": set()}


@dataclass
class Element:
    """One element of the page, as it stands in the source."""

    index: int
    tag: str
    attrs: dict[str, str]
    start: int  # source offset of its "<"
    open_end: int  # just past its start tag
    end: int = -1  # just past its end tag (or where it was closed implicitly)
    parent: int = -1
    selector: str = ""
    own_hidden: tuple[str, ...] = ()
    hidden: tuple[str, ...] = ()  # its own and its ancestors' (nearest first)
    close_start: int = -1  # where its end tag starts (``end`` when it has none: closed implicitly)
    text_chars: int = 0  # characters of ``HtmlPage.text`` with a source inside it (descendants included)
    styles: dict[str, str] = field(default_factory=dict, repr=False)

    @property
    def href(self) -> str:
        """The link target of an ``<a>`` ("" for others)."""
        return self.attrs.get("href", "") if self.tag == "a" else ""


class _Builder(HTMLParser):
    """One pass over the source: elements, text and its source map."""

    def __init__(self, source: str, site: str | None) -> None:
        super().__init__(convert_charrefs=False)
        self.source = source
        self.site = site
        self.line_starts = [0]
        at = source.find("\n")
        while at >= 0:
            self.line_starts.append(at + 1)
            at = source.find("\n", at + 1)
        self.elements: list[Element] = []
        self.stack: list[int] = []
        self.chars: list[str] = []
        self.starts: list[int] = []
        self.ends: list[int] = []
        self.owner: list[int] = []
        self.pending_break = 0  # line breaks owed before the next text (1: a line, 2: a paragraph)
        self.space = False  # a blank is owed before the next text
        self.scripts: list[str] = []
        self.sheets: list[str] = []
        self.raw_tag: str | None = None  # inside <script> or <style>: whose text it is
        self.silent = 0  # open elements whose text is no text of the page (NO_TEXT)

    def is_outbound(self, href: str) -> bool:
        """Whether a link leaves the site: an absolute URL to another host than ``site``."""
        host = link_host(href)
        return bool(host) and host != self.site

    # positions -----------------------------------------------------------------------------------
    def _at(self) -> int:
        line, col = self.getpos()
        return self.line_starts[line - 1] + col

    # text ----------------------------------------------------------------------------------------
    def _silent(self) -> bool:
        return self.silent > 0

    def _put(self, chars: str, start: int, end: int, owner: int) -> None:
        self.chars.append(chars)
        n = len(chars)
        self.starts.extend([start] * n)
        self.ends.extend([end] * n)
        self.owner.extend([owner] * n)

    def _text(self, data: str, start: int) -> None:
        """Text data at ``source[start:start+len(data)]``: white-space runs become one blank."""
        i, n = 0, len(data)
        while i < n:
            if data[i].isspace():
                while i < n and data[i].isspace():
                    i += 1
                self.space = True
                continue
            j = i
            while j < n and not data[j].isspace():
                j += 1
            self._gap(start + i)
            # one character of text per character of source: the word as one piece, its map as ranges
            self.chars.append(data[i:j].replace(_AMPERSAND, "&"))
            self.starts.extend(range(start + i, start + j))
            self.ends.extend(range(start + i + 1, start + j + 1))
            self.owner.extend([self.stack[-1] if self.stack else -1] * (j - i))
            i = j

    def _gap(self, at: int) -> None:
        """The line breaks or the blank owed before the next text, put in at source offset ``at`` (they stand
        for no source of their own); nothing before the first text."""
        if self.chars and (self.pending_break or self.space):
            owner = self.stack[-1] if self.stack else -1
            self._put("\n" * self.pending_break if self.pending_break else " ", at, at, owner)
        self.pending_break = 0
        self.space = False

    def _break(self, lines: int) -> None:
        if self.chars:
            self.pending_break = max(self.pending_break, lines)

    # parser callbacks ------------------------------------------------------------------------------
    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._start(tag, attrs, closed=tag in VOID)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._start(tag, attrs, closed=True)

    def _start(self, tag: str, attrs: list[tuple[str, str | None]], *, closed: bool) -> None:
        start = self._at()
        text = self.get_starttag_text() or ""
        open_end = start + len(text)
        # "</head>" may be left out: an element that cannot be in the head closes it
        if tag not in _HEAD_CONTENT:
            self._close_open("head", start, stop_at=set())
        # implied end tags: a block closes an open <p>; an item closes its open sibling
        if tag in CLOSES_P:
            self._close_open("p", start, stop_at={"div", "td", "th", "li", "blockquote", "body", "table"})
        for sibling in _SIBLINGS.get(tag, ()):
            self._close_open(sibling, start, stop_at=_SIBLING_SCOPE.get(tag, set()))
        attributes = {name.lower(): (value if value is not None else "") for name, value in attrs}
        element = Element(len(self.elements), tag, attributes, start, open_end,
                          parent=self.stack[-1] if self.stack else -1)
        self.elements.append(element)
        if tag in PARAGRAPHS:
            self._break(2)
        elif tag in LINES or tag == "br":
            self._break(1)
        elif tag in CELLS and self.chars:
            self.space = True
        if closed:
            element.end = element.close_start = open_end
            if tag == "img" and not self._silent() and attributes.get("alt", "").strip():
                pass  # an image's alt text is not read: what a page shows is its picture
            return
        self.stack.append(element.index)
        self.silent += tag in NO_TEXT
        if tag == "a" and not self._silent():
            href = attributes.get("href", "")
            if self.is_outbound(href):
                self._gap(start)
                self._put("[", start, open_end, element.index)
        if tag in ("script", "style"):
            self.raw_tag = tag

    def _close_open(self, tag: str, at: int, stop_at: set[str]) -> None:
        for depth in range(len(self.stack) - 1, -1, -1):
            name = self.elements[self.stack[depth]].tag
            if name == tag:
                self._close_to(depth, at)
                return
            if name in stop_at:
                return

    def _close_to(self, depth: int, end: int, end_tag: tuple[int, int] | None = None) -> None:
        """Close the elements of the stack from ``depth`` up. Without ``end_tag`` they end at ``end`` (where
        the tag that closes them implicitly starts); with it, the element at ``depth`` ends with its end tag
        and those inside it, left open, end where that end tag starts: removing one of them whole never
        takes the end tag of another."""
        while len(self.stack) > depth:
            index = self.stack.pop()
            element = self.elements[index]
            named = end_tag is not None and len(self.stack) == depth
            element.close_start = end_tag[0] if named and end_tag is not None else (
                end_tag[0] if end_tag is not None else end)
            element.end = end if named or end_tag is None else end_tag[0]
            self.silent -= element.tag in NO_TEXT
            if element.tag == "a" and self.is_outbound(element.href) and not self._silent():
                self._put(f"]({_markdown_url(element.href)})", element.close_start, element.end, index)
            if element.tag in PARAGRAPHS:
                self._break(2)
            elif element.tag in LINES:
                self._break(1)
            elif element.tag in CELLS and self.chars:
                self.space = True
        self.raw_tag = None

    def handle_endtag(self, tag: str) -> None:
        start = self._at()
        close = self.source.find(">", start)
        end = close + 1 if close >= 0 else len(self.source)
        for depth in range(len(self.stack) - 1, -1, -1):
            if self.elements[self.stack[depth]].tag == tag:
                self._close_to(depth, end, end_tag=(start, end))
                return
        if tag in ("p", "br"):  # "</p>" with no <p> open, "</br>": a break, as browsers do
            self._break(2 if tag == "p" else 1)

    def handle_data(self, data: str) -> None:
        if self.raw_tag == "script":
            self.scripts.append(data)
            return
        if self.raw_tag == "style":
            self.sheets.append(data)
            return
        if data.strip() and self.stack and self.elements[self.stack[-1]].tag == "head":
            self._close_to(self.stack.index(self.stack[-1]), self._at())  # text cannot be in the head
        if self._silent():
            return
        self._text(data, self._at())

    def _reference(self, raw: str) -> None:
        if self._silent():
            return
        start = self._at()
        decoded = html.unescape(raw)
        if decoded.isspace() or not decoded:
            self.space = True
            return
        self._gap(start)
        self._put(decoded, start, start + len(raw), self.stack[-1] if self.stack else -1)

    def handle_entityref(self, name: str) -> None:
        # the parser hands over "&name;" or "&name" without its semicolon: read which from the source
        start = self._at()
        raw = "&" + name + (";" if self.source.startswith(";", start + 1 + len(name)) else "")
        self._reference(raw)

    def handle_charref(self, name: str) -> None:
        start = self._at()
        raw = "&#" + name + (";" if self.source.startswith(";", start + 2 + len(name)) else "")
        self._reference(raw)

    def close(self) -> None:
        super().close()
        self._close_to(0, len(self.source))


def _markdown_url(href: str) -> str:
    """A link target as a markdown link holds it: no blanks, no parentheses."""
    return "".join("%20" if c.isspace() else "%28" if c == "(" else "%29" if c == ")" else c for c in href.strip())


def link_host(href: str) -> str:
    """The host of an absolute link (lower case, without "www."), or "" for a relative one."""
    href = href.strip()
    if not href.lower().startswith(("http://", "https://", "//")):
        return ""
    try:
        host = (urlsplit("http:" + href if href.startswith("//") else href).hostname or "").lower()
    except ValueError:
        return ""
    return host.removeprefix("www.")


_SITE_URL = re.compile(r"""<(?:link[^>]+rel=["']?canonical["']?[^>]*href|meta[^>]+property=["']?og:url["']?[^>]*content|base[^>]*href)\s*=\s*["']?([^"'\s>]+)""", re.IGNORECASE)


def page_site(source: str) -> str:
    """The host a page says it belongs to (its canonical link, og:url or base), or ""."""
    m = _SITE_URL.search(source[:20000])
    return link_host(m.group(1)) if m else ""


class HtmlPage:
    """An HTML source read for the engine (see the module's description).

    ``site``: the host of the site the page belongs to (default: the one its canonical link, ``og:url`` or
    ``<base>`` names). Links to other hosts are written as links in ``text``; relative links and links to
    ``site`` are the site's own navigation, and only their words are.
    """

    def __init__(self, source: str, site: str | None = None) -> None:
        self.site = site if site is not None else page_site(source)
        builder = _Builder(source, self.site)
        # the standard parser mistakes "&#" without a number after it for the start of a reference that runs
        # to the end of the page; fed as a stand-in character of the same length, it is text ("&" again)
        builder.feed(_LONE_CHARREF.sub(_AMPERSAND, source))
        builder.close()
        self.source = source
        self.text = "".join(builder.chars)
        # machine integers: a page's map is three numbers per character of its text
        self.starts = array("q", builder.starts)
        self.ends = array("q", builder.ends)
        self.owner = array("q", builder.owner)
        self.elements = builder.elements
        self._line_starts = builder.line_starts
        self._describe(builder)

    # what each element is and how it is hidden -----------------------------------------------------
    def _describe(self, builder: _Builder) -> None:
        rules = StyleRules()
        for sheet in builder.sheets:
            rules.add_sheet(sheet)
        by_script = hidden_by_script(builder.scripts)
        children: dict[int, list[int]] = {}
        for element in self.elements:
            children.setdefault(element.parent, []).append(element.index)
        for element in self.elements:
            styles = rules.declarations(element.tag, element.attrs)
            styles.update(parse_declarations(element.attrs.get("style", "")))
            element.styles = styles
            reasons = own_hiding(element.tag, element.attrs, styles)
            element_id = element.attrs.get("id", "")
            if element_id in by_script:
                reasons.append(by_script[element_id])
            foreground = colour(styles["color"]) if "color" in styles else (
                colour(element.attrs["color"]) if element.tag == "font" and "color" in element.attrs else None)
            same = same_colour_reason(foreground, self._background(element))
            if same:
                reasons.append(same)
            element.own_hidden = tuple(reasons)
            parent = self.elements[element.parent] if element.parent >= 0 else None
            element.hidden = element.own_hidden + (parent.hidden if parent is not None else ())
            element.selector = self._selector(element, parent, children)
        for owner, start, end in zip(self.owner, self.starts, self.ends):
            if start < end and owner >= 0:  # a blank or line break between words has no source of its own
                self.elements[owner].text_chars += 1
        for element in reversed(self.elements):  # children come after their parents
            if element.parent >= 0:
                self.elements[element.parent].text_chars += element.text_chars

    def _background(self, element: Element) -> str | None:
        """The background colour an element's text stands on: its own or its nearest ancestor's."""
        at: Element | None = element
        while at is not None:
            styles = at.styles
            for prop in ("background-color", "background"):
                if prop in styles:
                    found = colour(styles[prop].split()[0]) if styles[prop].split() else None
                    if found is not None and found != "transparent":
                        return found
            if "bgcolor" in at.attrs:
                found = colour(at.attrs["bgcolor"])
                if found is not None:
                    return found
            at = self.elements[at.parent] if at.parent >= 0 else None
        return None

    def _selector(self, element: Element, parent: Element | None, children: dict[int, list[int]]) -> str:
        """A CSS selector path to the element: its parent's, then ``tag#id``, or ``tag.class`` with
        ``:nth-of-type(k)`` where its parent has several of its tag."""
        element_id = element.attrs.get("id", "").strip()
        if element_id and " " not in element_id:
            step = f"{element.tag}#{element_id}"
        else:
            peers = [i for i in children[element.parent] if self.elements[i].tag == element.tag]
            step = element.tag + "".join("." + c for c in element.attrs.get("class", "").split()[:2])
            if len(peers) > 1:
                step += f":nth-of-type({peers.index(element.index) + 1})"
        return f"{parent.selector} > {step}" if parent is not None else step

    # the source map --------------------------------------------------------------------------------
    def source_range(self, start: int, end: int) -> tuple[int, int]:
        """The source range that ``text[start:end]`` stands for (``end > start``)."""
        return min(self.starts[start:end]), max(self.ends[start:end])

    def line_col(self, offset: int) -> tuple[int, int]:
        """1-based line and column of a source offset."""
        line = bisect.bisect_right(self._line_starts, offset)
        return line, offset - self._line_starts[line - 1] + 1

    def container(self, start: int, end: int) -> Element | None:
        """The innermost element that holds all of ``text[start:end]`` (None: the page itself)."""
        owners = set(self.owner[start:end])
        if not owners:
            return None
        paths = [self._path(o) for o in owners]
        common = None
        for level in zip(*paths):
            if all(x == level[0] for x in level):
                common = level[0]
            else:
                break
        return self.elements[common] if common is not None and common >= 0 else None

    def _path(self, index: int) -> list[int]:
        path = []
        while index >= 0:
            path.append(index)
            index = self.elements[index].parent
        return path[::-1]

