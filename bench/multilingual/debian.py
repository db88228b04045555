"""Human-written and human-translated prose in other languages, from installed Debian documentation packages.

Install them once, as root, with the command :data:`INSTALL` spells out
(``apt-get install -y --no-install-recommends`` and :data:`APT_PACKAGES`; the
``bench/languages.py`` docstring prints it whole). Each reader yields the pages of one
package as :class:`Page` objects: the package, the language, the locale it came
from, a key naming the file, and the page's prose paragraphs
(:mod:`multilingual.paragraphs`). Nothing here decides what a document is; that
is :mod:`multilingual.documents`.
"""

from __future__ import annotations

import glob
import os
import random
import re
import subprocess
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import NamedTuple

from .detect import SUPPORTED
from .paragraphs import html_paragraphs, man_paragraphs, reflow_fortune

__all__ = ["APT_PACKAGES", "GENRE", "INSTALL", "LICENSES", "MAN_PAGES_PER_LOCALE", "Page", "installed", "pages"]

APT_PACKAGES = (
    "debian-handbook", "gnome-user-docs", "installation-guide-amd64",
    "debian-faq-ru", "debian-faq-de", "debian-faq-fr", "debian-faq-it", "debian-faq-pt", "debian-faq-zh-cn",
    "debian-reference-de", "debian-reference-es", "debian-reference-fr", "debian-reference-it",
    "debian-reference-pt-br", "debian-reference-zh-cn", "debian-reference-zh-tw", "debian-reference-ja",
    "maint-guide-ru", "maint-guide-zh-cn", "developers-reference-ru", "aptitude-doc-ru",
    "manpages-ru", "manpages-pt-br", "manpages-zh", "manpages-de", "manpages-fr", "manpages-es",
    "manpages-it", "manpages-pl", "manpages-ja",
    "fortunes-ru", "fortunes-zh", "fortunes-de", "fortunes-es", "fortunes-it", "fortunes-br", "fortunes-pl",
)
INSTALL = "apt-get install -y --no-install-recommends " + " ".join(APT_PACKAGES)

# by reader (a package family); the texts are read where they are installed, never copied
LICENSES = {
    "debian-handbook": "GPL-2.0+ or CC-BY-SA-3.0", "gnome-user-docs": "CC-BY-SA-3.0",
    "installation-guide-amd64": "GPL-2", "debian-faq": "GPL-2+", "debian-reference": "GPL-2+",
    "maint-guide": "GPL-2+/MIT", "developers-reference": "GPL-2", "aptitude-doc": "GPL-2+",
    "manpages": "manpages-l10n: GPL-3+ (manpages-zh: GFDL-1.2+/GPL-2+)",
    "fortunes": "GPL-2+/GPL-3+ (fortunes-it: public domain)",
}
GENRE = {
    "debian-handbook": "book/tech-doc", "gnome-user-docs": "user-help", "installation-guide-amd64": "tech-doc",
    "debian-faq": "faq/tech-doc", "debian-reference": "tech-doc", "maint-guide": "tech-doc",
    "developers-reference": "tech-doc", "aptitude-doc": "tech-doc", "manpages": "man-page",
    "fortunes": "jokes/quotes/anecdotes",
}
MAN_PAGES_PER_LOCALE = 150  # rendering runs groff once a page: the slow part of a build
FORTUNES_PER_PAGE = 8
# (language, glob under /usr/share/games/fortunes)
FORTUNE_SETS = (("ru", "ru/*"), ("de", "de/*"), ("it", "it/*"), ("pl", "pl/*"), ("es", "es/*.fortunes"),
                ("pt", "brasil"), ("zh", "chinese"))
SHARE = "/usr/share"


class Page(NamedTuple):
    """One file's prose: its reader (package family), language, locale, key (the file) and paragraphs."""

    package: str
    lang: str
    locale: str
    key: str
    paras: list[str]


class _Located(NamedTuple):
    """The files of one locale."""

    locale: str
    files: list[str]


def installed() -> dict[str, str]:
    """Package -> version of each package of :data:`APT_PACKAGES` that dpkg reports installed."""
    try:
        out = subprocess.run(["dpkg-query", "-W", "-f", "${Package} ${Version} ${db:Status-Status}\n",
                              *APT_PACKAGES], capture_output=True, text=True, check=False).stdout
    except OSError:
        return {}
    versions = {}
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[2] == "installed":
            versions[parts[0]] = parts[1]
    return versions


def language_of(locale: str) -> str:
    """An ISO 639-1 code from a locale name: ``pt-BR``, ``pt_BR``, ``zh-cn``, ``nb-NO`` -> ``pt``, ``zh``, ``no``."""
    code = re.split(r"[-_@.]", locale)[0].lower()
    return {"nb": "no", "nn": "no", "cn": "zh"}.get(code, code)


def _subdirs(base: str) -> list[str]:
    """The folder names under ``base`` (none when it is missing)."""
    return sorted(d for d in os.listdir(base) if os.path.isdir(os.path.join(base, d))) if os.path.isdir(base) else []


def _html_pages(package: str, located: Iterable[_Located]) -> Iterator[Page]:
    """The pages of HTML files grouped by locale (English and unsupported languages skipped)."""
    for locale, files in located:
        lang = language_of(locale)
        if lang == "en" or lang not in SUPPORTED:
            continue
        for path in sorted(files):
            try:
                with open(path, encoding="utf-8", errors="replace") as f:
                    paras = html_paragraphs(f.read())
            except OSError:
                continue
            yield Page(package, lang, locale, os.path.relpath(path, SHARE), paras)


def _by_suffix(files: Iterable[str]) -> list[_Located]:
    """Files named ``NAME.LOCALE.html`` grouped by locale."""
    by: dict[str, list[str]] = defaultdict(list)
    for path in files:
        m = re.search(r"\.([a-z]{2}(?:[-_][a-zA-Z]{2})?)\.html$", path)
        if m:
            by[m.group(1)].append(path)
    return [_Located(locale, files) for locale, files in sorted(by.items())]


def _per_locale_dirs(package: str, base: str, pattern: str = "*.html") -> Iterator[Page]:
    """The pages of a package with one folder per locale under ``base``."""
    yield from _html_pages(package, (_Located(loc, glob.glob(f"{base}/{loc}/{pattern}")) for loc in _subdirs(base)))


def debian_handbook() -> Iterator[Page]:
    """The Debian Administrator's Handbook (about 26 languages)."""
    yield from _per_locale_dirs("debian-handbook", f"{SHARE}/doc/debian-handbook/html")


def gnome_help() -> Iterator[Page]:
    """GNOME Help and the GNOME system administration guide (Mallard pages, about 40 languages)."""
    base = f"{SHARE}/help"
    locales = [loc for loc in _subdirs(base) if loc != "C" and "@" not in loc]
    yield from _html_pages("gnome-user-docs", (
        _Located(loc, [path for guide in ("gnome-help", "system-admin-guide")
                       for path in glob.glob(f"{base}/{loc}/{guide}/*.page")])
        for loc in locales))


def installation_guide() -> Iterator[Page]:
    """The Debian installation guide for amd64."""
    yield from _per_locale_dirs("installation-guide-amd64", f"{SHARE}/doc/installation-guide-amd64")


def debian_faq() -> Iterator[Page]:
    """The Debian FAQ."""
    yield from _per_locale_dirs("debian-faq", f"{SHARE}/doc/debian/FAQ")


def debian_reference() -> Iterator[Page]:
    """The Debian Reference (``pt`` and ``pt-br`` are one translation: ``pt-br`` only)."""
    located = [x for x in _by_suffix(glob.glob(f"{SHARE}/debian-reference/*.html")) if x.locale != "pt"]
    yield from _html_pages("debian-reference", located)


def maint_guide() -> Iterator[Page]:
    """The Debian New Maintainers' Guide."""
    yield from _html_pages("maint-guide", _by_suffix(glob.glob(f"{SHARE}/doc/maint-guide*/html/*.html")))


def developers_reference() -> Iterator[Page]:
    """The Debian Developer's Reference."""
    yield from _per_locale_dirs("developers-reference", f"{SHARE}/developers-reference")


def aptitude_doc() -> Iterator[Page]:
    """The aptitude user's manual."""
    yield from _per_locale_dirs("aptitude-doc", f"{SHARE}/doc/aptitude/html")


def manpages(per_locale: int = MAN_PAGES_PER_LOCALE, seed: int = 0, threads: int = 4) -> Iterator[Page]:
    """``per_locale`` man pages of each translated locale, chosen with ``seed``, rendered with groff in ``threads``."""
    base = f"{SHARE}/man"

    def render(path: str) -> list[str]:
        try:
            return man_paragraphs(path)
        except Exception:  # noqa: BLE001 - a page groff cannot read adds nothing
            return []

    for locale in _subdirs(base):
        lang = language_of(locale)
        if locale.startswith("man") or lang not in SUPPORTED:
            continue
        files = sorted(f for f in glob.glob(f"{base}/{locale}/man[1-8]/*") if os.path.isfile(f))
        random.Random(seed).shuffle(files)
        files = files[:per_locale]
        with ThreadPoolExecutor(threads) as pool:
            for path, paras in zip(files, pool.map(render, files)):
                yield Page("manpages", lang, locale, os.path.relpath(path, SHARE), paras)


def fortunes(group: int = FORTUNES_PER_PAGE) -> Iterator[Page]:
    """Fortune files: each fortune a paragraph (line breaks kept as U+2028), ``group`` fortunes a page."""
    base = f"{SHARE}/games/fortunes"
    for lang, pattern in FORTUNE_SETS:
        for path in sorted(glob.glob(f"{base}/{pattern}")):
            if path.endswith((".dat", ".u8")) or os.path.islink(path) or os.path.isdir(path) or "/off/" in path:
                continue
            try:
                with open(path, encoding="utf-8", errors="replace") as f:
                    items = [x for x in re.split(r"\n%\n", f.read()) if x.strip()]
            except OSError:
                continue
            items = [reflow_fortune(x) for x in items]
            items = [x for x in items if len(x) >= (60 if lang == "zh" else 120)]
            for i in range(0, len(items), group):
                yield Page("fortunes", lang, lang, f"{os.path.relpath(path, SHARE)}#{i // group}",
                           [x.replace("\n", " \u2028") for x in items[i : i + group]])


def pages(seed: int = 0, man_pages: int = MAN_PAGES_PER_LOCALE) -> Iterator[Page]:
    """Every page of every installed package, reader by reader (the order documents are built in)."""
    readers: list[Callable[[], Iterator[Page]]] = [
        debian_handbook, gnome_help, installation_guide, debian_faq, debian_reference, maint_guide,
        developers_reference, aptitude_doc, fortunes,
        lambda: manpages(man_pages, seed, threads=max(4, os.cpu_count() or 1)),
    ]
    for reader in readers:
        yield from reader()
