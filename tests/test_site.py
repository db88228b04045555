"""HTML pages: the text and its source map, how elements are hidden, findings placed in the source, clean HTML."""

from __future__ import annotations

import html
import json
from html.parser import HTMLParser
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from excise.cli import main
from excise.engine import Excisor
from excise.htmlpage import HtmlPage, link_host
from excise.site import clean_html, read_html, removal_ranges, scan_page
from excise.types import Span

SEED = Path(__file__).resolve().parents[2] / "shared" / "examples" / "seed.txt"

PAGE = """<!DOCTYPE html>
<html><head><title>Garden notes</title>
<link rel="canonical" href="https://www.garden.example/notes/">
<style>.promo { display: none } #late { color: red }</style></head>
<body bgcolor="#ffffff">
<p>Tomatoes &amp; peppers like <b>warm</b> soil and a <a href="/guide">guide</a>.
<p>Second<br>line</p>
<div class="promo"><a href="http://pills.example/x">a</a></div>
<div id="gone">hidden by a script</div>
<font color="#FFFFFF">white on white</font>
<span style="font-size:1px">tiny</span>
<div style="position:absolute; left:-9999px">off screen</div>
<marquee width="1" height="1">marquee</marquee>
<p style="visibility:hidden">invisible</p>
<a href="https://garden.example/about">About</a> <a href="https://other.example/">Other</a>
<script>document.getElementById("gone").style.display = "none";</script>
</body></html>
"""


@pytest.fixture(scope="module")
def page() -> HtmlPage:
    return HtmlPage(PAGE)


def element_with_text(page: HtmlPage, words: str):
    """The innermost element whose text holds ``words``."""
    at = page.text.index(words)
    return page.container(at, at + len(words))


def test_text_has_blocks_lines_entities_and_outbound_links_only(page: HtmlPage) -> None:
    text = page.text
    assert text.startswith("Tomatoes & peppers like warm soil and a guide.\n\nSecond\nline\n\n")
    assert "Garden notes" not in text and "display" not in text and "getElementById" not in text
    # the site's own links are words; a link to another host is written as a link for the engine
    assert "[Other](https://other.example/)" in text
    assert "About" in text and 'href="https://garden.example/about"' not in text
    assert page.site == "garden.example"


def test_every_character_maps_to_its_source(page: HtmlPage) -> None:
    for i, char in enumerate(page.text):
        start, end = page.starts[i], page.ends[i]
        if start == end:
            assert char.isspace()  # a break or blank between words
            continue
        raw = PAGE[start:end]
        if raw.startswith("&"):
            assert html.unescape(raw) == char
        elif raw.startswith(("<a", "</a")):
            assert char in f"[]({page.elements[page.owner[i]].href})"
        else:
            assert raw == char


def test_line_column_and_selector(page: HtmlPage) -> None:
    at = page.text.index("warm")
    start, _ = page.source_range(at, at + 4)
    line, column = page.line_col(start)
    assert PAGE.splitlines()[line - 1][column - 1 :].startswith("warm")
    assert element_with_text(page, "warm").selector == "html > body > p:nth-of-type(1) > b"
    assert element_with_text(page, "hidden by a script").selector == "html > body > div#gone"


@pytest.mark.parametrize(("words", "reason"), [
    ("hidden by a script", "script:hides#gone"),
    ("white on white", "colour:#ffffff-on-#ffffff"),
    ("tiny", "font-size:1px"),
    ("off screen", "off-screen:left:-9999px"),
    ("marquee", "marquee-width:1"),
    ("invisible", "visibility:hidden"),
])
def test_hidden_elements_say_how(page: HtmlPage, words: str, reason: str) -> None:
    assert reason in element_with_text(page, words).hidden


def test_hiding_by_a_style_sheet_rule_reaches_descendants(page: HtmlPage) -> None:
    link = next(e for e in page.elements if e.href == "http://pills.example/x")
    assert link.hidden == ("display:none",)  # from the <div class="promo"> around it
    assert element_with_text(page, "warm").hidden == ()
    assert element_with_text(page, "Other").hidden == ()


def test_link_hosts() -> None:
    assert link_host("https://WWW.Example.com/a?b") == "example.com"
    assert link_host("//cdn.example.org/x") == "cdn.example.org"
    assert link_host("/about") == link_host("mailto:x@y.z") == link_host("#top") == ""


class _Counter(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags = 0

    def handle_starttag(self, tag: str, attrs: object) -> None:
        self.tags += 1


html_piece = st.sampled_from([
    "<p>", "</p>", "<div>", "</div>", "<a href='http://x.example/a'>", "</a>", "<a href=/in>", "<br>", "<b>",
    "</b>", "<li>", "<ul>", "</ul>", "<script>x=1</script>", "<style>.a{display:none}</style>", "&amp;", "&lt;",
    "&#39;", "&nbsp;", "&bogus;", "& ", "<!-- c -->", "<", ">", "\n", " ", "words", "caf\u00e9", "<span style='x'>",
    "</span>", "<div hidden>", "<td>", "<tr>", "<table>", "</table>", "<p style='font-size:0'>",
])


@settings(max_examples=300, deadline=None)
@given(st.lists(html_piece, max_size=40).map("".join))
def test_any_markup_maps_back_to_its_source(source: str) -> None:
    page = HtmlPage(source)
    assert len(page.starts) == len(page.ends) == len(page.owner) == len(page.text)
    for i, char in enumerate(page.text):
        start, end = page.starts[i], page.ends[i]
        assert 0 <= start <= end <= len(source)
        if end - start == 1 and source[start] != "<":
            assert source[start] == char
    # removing everything keeps the source well formed enough to parse, and removes nothing outside the map
    if page.text:
        cleaned = clean_html(page, [Span(0, len(page.text))])
        _Counter().feed(cleaned)


# --------------------------------------------------------------------------- pages with spam


def seed_page(seed: str) -> tuple[str, str, str]:
    """The seed article as an HTML page with a hidden block of spam links and a hidden menu of its own links;
    returns the page, the spam block and the menu."""
    spam = ('<div style="display:none"><a href="http://cheap-pills.example/buy-cialis">buy cialis online</a> '
            '<a href="http://cheap-pills.example/viagra">cheap viagra no prescription</a> '
            '<a href="http://casino.example/">best online casino bonus</a></div>')
    menu = ('<div class="menu" style="display:none"><a href="/about">About us</a> <a href="/contact">Contact</a> '
            '<a href="/archive">Archive</a></div>')
    paragraphs = [p.strip() for p in seed.split("\n\n") if p.strip()]
    body = []
    for i, paragraph in enumerate(paragraphs):
        body.append(f"<p>{html.escape(paragraph, quote=False)}</p>")
        if i == 2:
            body.append(menu)
        if i == 4:
            body.append(spam)
    source = ("<!DOCTYPE html>\n<html><head><title>Quick Analysis</title></head>\n<body>\n" + "\n".join(body)
              + "\n<footer><p>Copyright 2017</p></footer>\n</body></html>\n")
    return source, spam, menu


@pytest.fixture(scope="module")
def seed_text() -> str:
    if not SEED.exists():
        pytest.skip(f"the seed page is not there ({SEED}): run with ../shared beside the repository")
    return SEED.read_text(encoding="utf-8")


def test_seed_page_findings_are_placed_and_explained(seed_text: str) -> None:
    source, spam, menu = seed_page(seed_text)
    scan = scan_page(Excisor(), source, "seed.html")
    hidden = [f for f in scan.findings if f.hidden]
    assert len(hidden) == 1
    found = hidden[0]
    assert found.whole_element and found.hidden == ("display:none",)
    assert source[found.source_start : found.source_end] in spam
    assert found.links == ("http://cheap-pills.example/buy-cialis", "http://cheap-pills.example/viagra",
                           "http://casino.example/")
    assert source.splitlines()[found.line - 1][found.column - 1 :].startswith("<a href")
    # the hidden menu of the site's own links is hidden too, and left alone
    menu_at = source.index(menu)
    assert not any(f.source_start < menu_at + len(menu) and menu_at < f.source_end for f in scan.findings)
    # the spam spliced into the article's paragraph is found inside it
    inline = [f for f in scan.findings if not f.hidden]
    assert inline and all(f.element.startswith("html > body > p:nth-of-type(") for f in inline)
    assert any("viagra" in f.text for f in inline)
    assert [d for d, _ in scan.outbound] == ["cheap-pills.example", "casino.example"]


def test_clean_html_removes_the_spam_and_keeps_every_other_byte(seed_text: str) -> None:
    source, spam, menu = seed_page(seed_text)
    scan = scan_page(Excisor(), source)
    ranges = removal_ranges(scan.page, scan.result.spans)
    cleaned = clean_html(scan.page, scan.result.spans)
    # the hidden spam block goes whole, the menu stays, and what is left is the source minus the ranges
    assert spam not in cleaned and "cheap-pills" not in cleaned and menu in cleaned
    kept = "".join(source[a:b] for a, b in zip([0] + [e for _, e in ranges], [s for s, _ in ranges] + [len(source)]))
    assert kept == cleaned
    # every removed range lies inside what the engine cut (in source terms), or is an element whose every word
    # was cut (its tags go with its words)
    cut = [(f.source_start, f.source_end) for f in scan.findings]
    page = scan.page

    def within(element_index: int, owner: int) -> bool:
        while owner >= 0 and owner != element_index:
            owner = page.elements[owner].parent
        return owner == element_index

    def all_cut(element_index: int) -> bool:
        chars = [i for i in range(len(page.text)) if page.starts[i] < page.ends[i] and within(element_index, page.owner[i])]
        return bool(chars) and all(any(s <= page.starts[i] and page.ends[i] <= t for s, t in cut) for i in chars)

    whole = {(e.start, e.end) for e in page.elements if all_cut(e.index)}
    for a, b in ranges:
        assert any(s <= a and b <= e for s, e in cut) or (a, b) in whole, source[a:b]
    # the article's paragraphs are all still there, as paragraphs
    assert cleaned.count("<p>") == source.count("<p>")
    assert "According to Reuters" in cleaned and "Russia continues to expand" in cleaned
    counter = _Counter()
    counter.feed(cleaned)
    assert counter.tags > 10


# --------------------------------------------------------------------------- command line


def test_cli_scan_and_clean_a_site(tmp_path: Path, seed_text: str, capsys: pytest.CaptureFixture[str]) -> None:
    source, spam, _ = seed_page(seed_text)
    site = tmp_path / "site"
    (site / "blog").mkdir(parents=True)
    (site / "index.html").write_text(source, encoding="utf-8")
    clean_page = "<html><body><p>Caf\xe9 opening hours: nine to five, every day but Sunday.</p></body></html>"
    (site / "blog" / "hours.htm").write_bytes(clean_page.encode("latin-1"))  # not UTF-8: kept byte for byte
    assert main(["scan", str(site), "--json"]) == 1  # spam found
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [Path(obj["path"]).name for obj in lines] == ["hours.htm", "index.html"]
    assert lines[0]["spans"] == [] and lines[1]["spans"]
    assert any(s["hidden"] == ["display:none"] and s["whole_element"] for s in lines[1]["spans"])
    out = tmp_path / "clean"
    assert main(["clean", str(site), "-o", str(out), "-q"]) == 0
    assert (out / "blog" / "hours.htm").read_bytes() == clean_page.encode("latin-1")
    cleaned = (out / "index.html").read_text(encoding="utf-8")
    assert spam not in cleaned and "According to Reuters" in cleaned
    assert main(["scan", str(site / "blog" / "hours.htm")]) == 0  # nothing found
    assert "1 pages, 0 with spam" in capsys.readouterr().out


def test_cli_html_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "a.html").write_text("<p>one</p>", encoding="utf-8")
    (tmp_path / "b.html").write_text("<p>two</p>", encoding="utf-8")
    assert main(["clean", str(tmp_path / "a.html"), str(tmp_path / "b.html")]) == 2
    assert "output directory" in capsys.readouterr().err
    assert main(["scan", str(tmp_path / "a.html"), str(tmp_path / "missing.html")]) == 2
    assert "no such file" in capsys.readouterr().err


def test_read_html_encodings(tmp_path: Path) -> None:
    page = tmp_path / "p.html"
    page.write_bytes('<meta charset="windows-1252"><p>\u201cquoted\u201d</p>'.encode("cp1252"))
    text, encoding = read_html(page)
    assert "\u201cquoted\u201d" in text and encoding == "windows-1252"
    page.write_bytes(b"<p>\xff\xfe odd bytes</p>")
    text, encoding = read_html(page)
    assert encoding == "latin-1" and text.encode(encoding) == page.read_bytes()


# --------------------------------------------------------------------------- the report


class _Marks(HTMLParser):
    """Counts what a person would see in the report: highlights, and the page rows of the summary table."""

    def __init__(self) -> None:
        super().__init__()
        self.marks = 0
        self.rows: list[str] = []
        self._row: list[str] | None = None
        self.external: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "mark" and attributes.get("class") == "cut":
            self.marks += 1
        if tag == "tr" and attributes.get("class") in ("spam", "clean", "unreadable"):
            self._row = []
        for name in ("src", "href"):
            value = attributes.get(name) or ""
            if tag in ("link", "script", "img") and value:
                self.external.append(value)

    def handle_endtag(self, tag: str) -> None:
        if tag == "tr" and self._row is not None:
            self.rows.append("".join(self._row))
            self._row = None

    def handle_data(self, data: str) -> None:
        if self._row is not None:
            self._row.append(data)


def test_report_shows_every_page_and_highlights_every_span(tmp_path: Path, seed_text: str) -> None:
    source, _, _ = seed_page(seed_text)
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text(source, encoding="utf-8")
    (site / "about.html").write_text("<html><body><p>We grow tomatoes & peppers.</p></body></html>", encoding="utf-8")
    report = tmp_path / "report.html"
    assert main(["scan", str(site), "--report", str(report)]) == 1
    text = report.read_text(encoding="utf-8")
    counter = _Marks()
    counter.feed(text)
    scan = scan_page(Excisor(), source)
    assert counter.marks == len(scan.findings) > 0
    assert len(counter.rows) == 2 and any("about.html" in r for r in counter.rows)
    assert any("index.html" in r for r in counter.rows)
    assert counter.external == []  # self-contained
    assert "display:none" in text and "cheap-pills.example" in text
    # the spam's links are shown as text, never as links a reader could follow
    assert "](http://cheap-pills.example/buy-cialis)" in text and 'href="http://cheap-pills' not in text


def _warc_response(n: int, url: str, body: bytes) -> bytes:
    http = (f"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {len(body)}\r\n\r\n"
            ).encode() + body
    head = (f"WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: {url}\r\nWARC-Date: 2024-01-01T03:04:05Z\r\n"
            f"WARC-Record-ID: <urn:uuid:00000000-0000-0000-0000-{n:012d}>\r\n"
            f"Content-Type: application/http; msgtype=response\r\nContent-Length: {len(http)}\r\n\r\n").encode()
    return head + http + b"\r\n\r\n"


def test_a_warc_crawl_of_the_site_is_scanned_page_by_page(tmp_path: Path, seed_text: str,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("fastwarc", reason="FastWARC (the corpus extra) is not installed")
    source, spam, _ = seed_page(seed_text)
    clean = "<html><body><p>Opening hours: nine to five, every day but Sunday.</p></body></html>"
    crawl = tmp_path / "crawl.warc"
    crawl.write_bytes(_warc_response(1, "https://www.quick.example/russia", source.encode())
                      + _warc_response(2, "https://www.quick.example/hours", clean.encode()))
    assert main(["scan", "--html", str(crawl), "--json"]) == 1
    pages = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [p["path"] for p in pages] == ["https://www.quick.example/russia", "https://www.quick.example/hours"]
    hidden = [s for s in pages[0]["spans"] if s["hidden"]]
    assert hidden and source[hidden[0]["source_start"] : hidden[0]["source_end"]] in spam
    assert pages[1]["spans"] == []
    page = tmp_path / "hours.html"
    page.write_text(clean, encoding="utf-8")
    assert main(["clean", str(crawl), str(page), "-o", str(tmp_path / "out")]) == 2  # no HTML file to write back
    assert "excise scan --html" in capsys.readouterr().err


# --------------------------------------------------------------------------- what a review found


def test_a_head_left_open_does_not_hide_the_page() -> None:
    page = HtmlPage('<html><head><title>t</title><body><div style="display:none">hidden words</div>'
                    "<p>Hello</p></body></html>")
    assert page.text == "hidden words\n\nHello"
    assert element_with_text(page, "Hello").selector == "html > body > p"


@pytest.mark.parametrize(("source", "kept"), [
    ("<ul><li>Home<li>SPAM</ul><p>after</p>", "<ul><li>Home</ul><p>after</p>"),
    ("<div>Real<p>SPAM</div><p>next</p>", "<div>Real</div><p>next</p>"),
    ("<table><tr><td>keep<td>SPAM</table><p>after</p>", "<table><tr><td>keep</table><p>after</p>"),
])
def test_removing_an_element_left_open_keeps_its_parents_end_tag(source: str, kept: str) -> None:
    page = HtmlPage(source)
    at = page.text.index("SPAM")
    assert clean_html(page, [Span(at, at + 4)]) == kept


def test_odd_references_cells_and_colours() -> None:
    page = HtmlPage("<p>5&#euro; or 6&#euro;</p><div style='display:none'>hidden</div>"
                    "<table><tr><td>one</td><td>two</td></tr></table><p style='color: rgba(0,0,0,.)'>x</p>")
    assert page.text.startswith("5&#euro; or 6&#euro;\n\nhidden\n\none two")
    assert element_with_text(page, "hidden").hidden == ("display:none",)


def test_a_link_loses_both_tags_or_neither() -> None:
    source = '<p>Real words <a href="http://spam.example/x">cheap pills</a> and more real words.</p>'
    page = HtmlPage(source)
    close = page.text.index("](")
    cleaned = clean_html(page, [Span(close, close + 3)])  # a span over the link's end only
    assert "<a " not in cleaned and "</a>" not in cleaned and "more real words" in cleaned


def test_a_site_with_text_files_is_still_a_site(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text("<p>Opening hours: nine to five.</p>", encoding="utf-8")
    (site / "robots.txt").write_text("User-agent: *\n", encoding="utf-8")
    assert main(["scan", str(site), "--report", str(tmp_path / "r.html")]) == 0
    assert "1 pages, 0 with spam" in capsys.readouterr().out and (tmp_path / "r.html").exists()
    records = tmp_path / "docs.jsonl"
    records.write_text('{"text": "hello"}\n', encoding="utf-8")
    assert main(["scan", str(records), "--report", str(tmp_path / "r2.html")]) == 2
    assert "--report is for HTML pages" in capsys.readouterr().err


ARTICLE = ("<p>The council met on Tuesday to discuss the new library. Residents asked for longer opening hours "
           "and more study rooms. The mayor promised a decision before the summer.</p>")
SELLING = "Great deals on lawn mowers and garden tools, order online."


@pytest.mark.parametrize("hidden_threshold", [None, 0.05])
@pytest.mark.parametrize("hidden", [True, False])
def test_hidden_text_needs_less_evidence_and_visible_text_no_less(hidden_threshold: float | None, hidden: bool
                                                                  ) -> None:
    """A selling line the engine leaves alone at its own threshold: hidden, it is cut at a lower hidden
    threshold (its reasons say so); visible, or with no hidden threshold, it is not."""
    block = f'<div style="display:none">{SELLING}</div>' if hidden else f"<p>{SELLING}</p>"
    source = f"<html><body>{ARTICLE}{block}{ARTICLE.replace('library', 'park')}</body></html>"
    scan = scan_page(Excisor(), source, hidden_threshold=hidden_threshold)
    findings = scan.findings
    if hidden and hidden_threshold is not None:
        assert [(f.text, f.hidden, "hidden" in f.span.reasons) for f in findings] == [(SELLING, ("display:none",),
                                                                                         True)]
        assert scan.result.score == findings[0].span.score  # the document's score is its best span's
    else:
        assert findings == ()


def test_cli_hidden_threshold_must_be_a_probability(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    page = tmp_path / "p.html"
    page.write_text(f"<html><body>{ARTICLE}</body></html>", encoding="utf-8")
    assert main(["scan", str(page), "--hidden-threshold", "0"]) == 2
    assert "expected a number in (0, 1]" in capsys.readouterr().err
    assert main(["scan", str(page), "--hidden-threshold", "1"]) == 0
