"""Hacked-site scanning: the engine run on HTML pages, its cuts placed in the source.

:func:`scan_page` reads a page (:class:`~excise.htmlpage.HtmlPage`), scans its text
with the engine, and places each span in the source: line and column, the CSS
selector path of the element that holds it, whether it is the whole of that
element, how that element (or an ancestor) is hidden, and the links inside it.
:func:`clean_html` removes what was cut from the source and leaves every other
byte as it was: whole elements where everything they say was cut (a hidden
``<div>`` of spam, a link), the cut text alone where the element also holds the
page's own words (an anchor spliced into a real paragraph).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from .engine import Excisor
from .errors import InputError
from .htmlpage import Element, HtmlPage, link_host, page_site
from .types import Result, Span

__all__ = ["HTML_SUFFIXES", "Finding", "PageFile", "PageScan", "clean_html", "html_files", "is_html_input",
           "read_html", "removal_ranges", "scan_files", "scan_page"]

HTML_SUFFIXES = (".html", ".htm", ".xhtml", ".shtml", ".php", ".asp", ".aspx")

#: elements never removed whole, even when every word they hold was cut: the page's frame
_FRAME = frozenset(["html", "head", "body", "main"])
#: an element holding one of these holds more than words: only the cut words are removed from it
_CONTENT = frozenset(["img", "picture", "video", "audio", "iframe", "object", "embed", "svg", "canvas", "input", "select", "textarea", "button", "form", "script", "style", "table"])
_LINK_IN_TEXT = re.compile(r"\]\(([^)\s]*)\)")
#: the spam probability that cuts text wholly inside hidden elements (the engine's own threshold elsewhere);
#: 1 (the default): hidden text needs the same evidence as any other. 0.25 (hiding as three-to-one odds for
#: spam) found no more injected elements in the HTML set and flagged four more legitimate dialogs.
HIDDEN_THRESHOLD = 1.0


@dataclass(frozen=True, slots=True)
class Finding:
    """A span of a page, placed in its source."""

    span: Span  # offsets into the page's text (``HtmlPage.text``)
    source_start: int
    source_end: int
    line: int
    column: int
    element: str  # CSS selector path of the innermost element holding all of it ("" : the page)
    whole_element: bool  # the span is everything that element says
    hidden: tuple[str, ...]  # how the element holding it (or an ancestor) is hidden
    links: tuple[str, ...]  # link targets inside it
    text: str

    def to_dict(self) -> dict[str, Any]:
        """The finding as a JSON object."""
        return {**self.span.to_dict(), "source_start": self.source_start, "source_end": self.source_end,
                "line": self.line, "column": self.column, "element": self.element,
                "whole_element": self.whole_element, "hidden": list(self.hidden), "links": list(self.links),
                "text": self.text}


@dataclass(frozen=True, slots=True)
class PageScan:
    """What was found in one page."""

    path: str
    page: HtmlPage
    result: Result
    findings: tuple[Finding, ...]

    @property
    def outbound(self) -> list[tuple[str, int]]:
        """The hosts the page links to other than its own site's, with their number of links."""
        return outbound_domains(self.page)

    def to_dict(self) -> dict[str, Any]:
        """The page's JSON object: path, scores, findings, outbound domains."""
        return {"path": self.path, "score": round(self.result.score, 4),
                "page_score": round(self.result.page_score, 4), "model": self.result.model,
                "spans": [f.to_dict() for f in self.findings],
                "outbound": [{"domain": d, "links": n} for d, n in self.outbound]}


def read_html(path: str | Path) -> tuple[str, str]:
    """The text of an HTML file and the encoding it was read with: UTF-8, else the charset its ``<meta>``
    names, else Latin-1 (which reads any byte). Encoding the text again with it gives the same bytes."""
    data = Path(path).read_bytes()
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    m = re.search(rb"""<meta[^>]+charset\s*=\s*["']?([-\w]+)""", data[:4096], re.IGNORECASE)
    if m:
        encoding = m.group(1).decode("ascii")
        try:
            text = data.decode(encoding)
            if text.encode(encoding) == data:
                return text, encoding
        except (LookupError, UnicodeError):
            pass
    return data.decode("latin-1"), "latin-1"


def _is_warc(path: str) -> bool:
    return path.lower().endswith((".warc", ".warc.gz"))


def html_files(paths: Iterable[str]) -> Iterator[tuple[str, str, str | None]]:
    """(path, path relative to its argument, error) for each HTML file of the arguments; directories are
    walked in sorted order."""
    for arg in paths:
        root = Path(arg)
        if root.is_dir():
            found = sorted(p for p in root.rglob("*") if p.is_file() and p.suffix.lower() in HTML_SUFFIXES)
            if not found:
                yield arg, arg, f"no HTML files ({', '.join(HTML_SUFFIXES)}) in this directory"
            for p in found:
                yield str(p), str(p.relative_to(root)), None
        elif root.is_file():
            yield arg, root.name, None
        else:
            yield arg, arg, "no such file or directory"


def is_html_input(paths: Sequence[str]) -> bool:
    """Whether the command-line inputs are HTML pages: files with an HTML suffix, or directories holding some
    and no record files (WARC files among HTML pages are read as pages too; WARC files alone are records,
    unless the ``--html`` option says otherwise)."""
    if all(_is_warc(arg) for arg in paths):
        return False
    if not paths:
        return False
    for arg in paths:
        if _is_warc(arg):
            continue  # a crawl of the site: its HTML responses are the pages
        root = Path(arg)
        if root.is_dir():
            names = [p.name.lower() for p in root.rglob("*") if p.is_file()]
            if not any(n.endswith(HTML_SUFFIXES) for n in names):
                return False
            # record files make it a corpus; a .txt beside pages (robots.txt, license.txt) does not
            if any(n.endswith((".jsonl", ".jsonl.gz", ".jsonl.zst", ".parquet", ".warc", ".warc.gz")) for n in names):
                return False
        elif not arg.lower().endswith(HTML_SUFFIXES):
            return False
    return True


def scan_page(excisor: Excisor, source: str, path: str = "", site: str | None = None,
              hidden_threshold: float | None = HIDDEN_THRESHOLD) -> PageScan:
    """Scan one HTML page and place what was found in its source (``site``: see :class:`HtmlPage`).

    Text a reader cannot see needs less evidence: where the engine, run again with ``hidden_threshold``
    instead of its own threshold, cuts text that lies wholly in hidden elements, that is cut too (its
    reasons say ``hidden``). Hiding alone cuts nothing: the text must still read as spam to the model.
    ``None`` (or a threshold no lower than the engine's) scans hidden text like any other. A page with hidden
    elements is scanned twice.
    """
    page = HtmlPage(source, site)
    if not page.text.strip():
        return PageScan(path, page, Result(model=excisor.model.name, length=0), ())
    result = excisor.scan(page.text)
    if hidden_threshold is not None and hidden_threshold < excisor.config.threshold:
        result = _with_hidden(excisor, page, result, hidden_threshold)
    return PageScan(path, page, result, tuple(_finding(page, span) for span in result.spans))


def _with_hidden(excisor: Excisor, page: HtmlPage, result: Result, threshold: float) -> Result:
    """``result`` with the spans an engine of ``threshold`` finds wholly in hidden text and ``result`` does not."""
    hidden = [bool(e.hidden) for e in page.elements]
    if not any(hidden):
        return result
    eager = Excisor(excisor.model, config=replace(excisor.config, threshold=threshold),
                    memory=excisor.memory).scan(page.text)
    extra = []
    for span in eager.spans:
        if any(s.start < span.end and span.start < s.end for s in result.spans):
            continue
        owners = {o for o, a, b in zip(page.owner[span.start:span.end], page.starts[span.start:span.end],
                                       page.ends[span.start:span.end]) if a != b}
        if owners and all(o >= 0 and hidden[o] for o in owners):
            extra.append(replace(span, reasons=(*span.reasons, "hidden")))
    if not extra:
        return result
    return replace(result, spans=tuple(sorted((*result.spans, *extra), key=lambda s: s.start)),
                   score=max(result.score, *(s.score for s in extra)))


def _finding(page: HtmlPage, span: Span) -> Finding:
    a, b = span.start, span.end
    source_start, source_end = page.source_range(a, b)
    line, column = page.line_col(source_start)
    holder = page.container(a, b)
    whole = holder is not None and _chars_within(page, holder, a, b) == holder.text_chars
    hidden: list[str] = []
    for owner in sorted(set(page.owner[a:b])):
        if owner >= 0:
            hidden.extend(r for r in page.elements[owner].hidden if r not in hidden)
    text = page.text[a:b]
    return Finding(span, source_start, source_end, line, column, holder.selector if holder else "", whole,
                   tuple(hidden), tuple(_LINK_IN_TEXT.findall(text)), text)


def _chars_within(page: HtmlPage, element: Element, a: int, b: int) -> int:
    """How many characters of ``text[a:b]`` belong to ``element`` or its descendants."""
    count = 0
    for owner, start, end in zip(page.owner[a:b], page.starts[a:b], page.ends[a:b]):
        if start == end:
            continue
        while owner >= 0 and owner != element.index:
            owner = page.elements[owner].parent
        count += owner == element.index
    return count


def outbound_domains(page: HtmlPage) -> list[tuple[str, int]]:
    """The hosts the page links to other than its own site's, with their number of links, most linked first."""
    counts: dict[str, int] = {}
    for element in page.elements:
        host = link_host(element.href)
        if host and host != page.site:
            counts[host] = counts.get(host, 0) + 1
    return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))


# --------------------------------------------------------------------------- clean HTML


def removal_ranges(page: HtmlPage, spans: Iterable[Span]) -> list[tuple[int, int]]:
    """The source ranges to remove for ``spans`` (sorted, disjoint): whole elements whose every word was cut,
    the cut characters (and the link tags around cut links) elsewhere."""
    n = len(page.text)
    cut = bytearray(n)
    for span in spans:
        cut[max(span.start, 0) : min(span.end, n)] = b"\x01" * (min(span.end, n) - max(span.start, 0))
    # characters cut per element, descendants included (as HtmlPage counts text_chars: each character to its
    # owner, then each element's count to its parent; children come after their parents)
    cut_chars = [0] * len(page.elements)
    for i, owner in enumerate(page.owner):
        if cut[i] and owner >= 0 and page.starts[i] < page.ends[i]:
            cut_chars[owner] += 1
    for element in reversed(page.elements):
        if element.parent >= 0:
            cut_chars[element.parent] += cut_chars[element.index]
    rich = _holds_content(page)
    whole = [e.index for e in page.elements if e.text_chars and cut_chars[e.index] == e.text_chars
             and e.tag not in _FRAME and not rich[e.index]]
    whole_set = set(whole)
    # only the outermost such elements
    outer = [i for i in whole if not _has_ancestor_in(page, i, whole_set)]
    ranges = [(page.elements[i].start, page.elements[i].end) for i in outer]
    inside = _inside_any(page, outer)
    links: set[int] = set()
    for i in range(n):
        owner = page.owner[i]
        if cut[i] and page.starts[i] < page.ends[i] and not (owner >= 0 and inside[owner]):
            ranges.append((page.starts[i], page.ends[i]))
            element = page.elements[owner] if owner >= 0 else None
            if element is not None and element.tag == "a" and page.ends[i] - page.starts[i] > 1:
                links.add(owner)  # one of its tags goes: the other goes with it, or the link would swallow the page
    for owner in links:
        element = page.elements[owner]
        ranges += [(element.start, element.open_end), (element.close_start, element.end)]
    return _merge(page.source, ranges)


def _holds_content(page: HtmlPage) -> list[bool]:
    """Per element: whether it or a descendant is more than words (an image, a form, a table, a script)."""
    rich = [e.tag in _CONTENT for e in page.elements]
    for element in reversed(page.elements):  # children come after their parents
        if rich[element.index] and element.parent >= 0:
            rich[element.parent] = True
    return rich


def _has_ancestor_in(page: HtmlPage, index: int, among: set[int]) -> bool:
    parent = page.elements[index].parent
    while parent >= 0:
        if parent in among:
            return True
        parent = page.elements[parent].parent
    return False


def _inside_any(page: HtmlPage, roots: list[int]) -> list[bool]:
    """Per element: whether it is one of ``roots`` or inside one."""
    inside = [False] * len(page.elements)
    for i in roots:
        inside[i] = True
    for element in page.elements:  # parents come first
        if element.parent >= 0 and inside[element.parent]:
            inside[element.index] = True
    return inside


def _merge(source: str, ranges: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Sorted, disjoint ranges; two ranges with only white space between them become one."""
    merged: list[tuple[int, int]] = []
    for start, end in sorted(r for r in ranges if r[1] > r[0]):
        if merged and (start <= merged[-1][1] or not source[merged[-1][1] : start].strip()):
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def clean_html(page: HtmlPage, spans: Iterable[Span]) -> str:
    """The page's source with what ``spans`` cut removed; every other character as it was."""
    pieces: list[str] = []
    at = 0
    for start, end in removal_ranges(page, spans):
        pieces.append(page.source[at:start])
        at = end
    pieces.append(page.source[at:])
    return "".join(pieces)


@dataclass(frozen=True, slots=True)
class PageFile:
    """An HTML file read from disk, scanned."""

    relpath: str
    encoding: str
    scan: PageScan

    def cleaned(self) -> bytes:
        """The file's bytes with what was cut removed (:func:`clean_html`), in its own encoding."""
        return clean_html(self.scan.page, self.scan.result.spans).encode(self.encoding, "surrogateescape")


def scan_files(excisor: Excisor, paths: Iterable[str], site: str | None = None,
               hidden_threshold: float | None = HIDDEN_THRESHOLD) -> Iterator[PageFile | InputError]:
    """:func:`scan_page` of each HTML file of the arguments, or the error that kept one from being read."""
    for path, relpath, error in html_files(paths):
        if error is not None:
            yield InputError(error, source=path)
            continue
        if _is_warc(path):
            yield from _warc_pages(excisor, path, site, hidden_threshold)
            continue
        try:
            source, encoding = read_html(path)
        except OSError as exc:
            yield InputError(f"cannot read: {exc.strerror or exc}", source=path)
            continue
        try:
            scan = scan_page(excisor, source, path, site, hidden_threshold)
        except (RecursionError, ValueError, IndexError) as exc:  # a page the parser cannot take apart
            yield InputError(f"cannot read this page as HTML: {exc}", source=path)
            continue
        yield PageFile(relpath, encoding, scan)


def _warc_pages(excisor: Excisor, path: str, site: str | None, hidden_threshold: float | None
                ) -> Iterator[PageFile | InputError]:
    """The HTML responses of a WARC file (a crawl of the site), each scanned as a page named by its URL."""
    from .warc import read_warc_file

    for record in read_warc_file(path, "html", markup=True):
        if record.text is None:
            yield InputError(record.error or "cannot read this record", source=path, line=record.line)
            continue
        url = str((record.data or {}).get("url") or f"{path}#{record.line}")
        own = site if site is not None else (page_site(record.text) or link_host(url))
        yield PageFile(url, "utf-8", scan_page(excisor, record.text, url, own, hidden_threshold))
