"""Clean text and spam in other languages: the documents, their cache, and the two gold sets built from them.

excise is trained on English. These sets say what it does to pages in other
languages (it should leave them alone) and to spam in other languages (it should
still cut it, and English spam in a page of another language):

- ``multilingual_clean``: real human-written or human-translated prose in 28
  languages, from Debian documentation packages (the Debian Administrator's
  Handbook, GNOME Help, the installation guide, the Debian FAQ and Reference, the
  maintainers' and developers' guides, translated man pages, fortune files),
  paragraphs checked one by one for their language; plus the non-English
  SpamAssassin hard ham. Unchanged, ``spans`` empty.
- ``multilingual_spam``: every non-English spam text of ``../shared/data``
  (SpamAssassin MIME-decoded, Russian comment spam) put into an English test
  host, as a paragraph of its own or spliced at the start of a paragraph; and
  English test-split spam put into up to 40 clean documents of each language by
  excise's own injector (:class:`excise.training.synth.Injector`).

The Debian packages are read where they are installed, never copied. Install
them once, as root (about 620 MB with what they pull in; the list and the
licences are ``multilingual.debian.APT_PACKAGES`` and
``multilingual.debian.LICENSES``; man pages are rendered with man-db's ``man``
where it is installed):

    apt-get install -y --no-install-recommends \\
        debian-handbook gnome-user-docs installation-guide-amd64 \\
        debian-faq-ru debian-faq-de debian-faq-fr debian-faq-it debian-faq-pt debian-faq-zh-cn \\
        debian-reference-de debian-reference-es debian-reference-fr debian-reference-it \\
        debian-reference-pt-br debian-reference-zh-cn debian-reference-zh-tw debian-reference-ja \\
        maint-guide-ru maint-guide-zh-cn developers-reference-ru aptitude-doc-ru \\
        manpages-ru manpages-pt-br manpages-zh manpages-de manpages-fr manpages-es \\
        manpages-it manpages-pl manpages-ja \\
        fortunes-ru fortunes-zh fortunes-de fortunes-es fortunes-it fortunes-br fortunes-pl

Languages are told apart by script and by jusText's stoplists, read from the
installed ``justext`` package at run time (``multilingual.detect``). Building the
documents takes minutes (six on two cores), so
:func:`load` keeps them in ``bench/out/multilingual/`` (``clean.jsonl``,
``spam.jsonl`` and ``manifest.json``: the parameters, the package versions and
the data files' sizes) and rebuilds only when those change.

    python bench/languages.py            # counts by language and by group, as markdown
    python bench/languages.py --check    # and verify every gold span against the text inserted
"""

from __future__ import annotations

import argparse
import hashlib
import itertools
import json
import random
import re
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from importlib import metadata
from pathlib import Path
from typing import Any

import common
from common import OUT_DIR, log
from multilingual import debian, documents, spam
from multilingual.debian import APT_PACKAGES, INSTALL, LICENSES  # noqa: F401 - re-exported
from multilingual.detect import detect

from excise.training.sources import clean_hosts, spam_pieces
from excise.training.synth import Doc, Injector, keyword_anchors

Records = list[dict[str, Any]]

CACHE = OUT_DIR / "multilingual"
FORMAT = 1  # bump when the building code changes what it builds: the cache is rebuilt
SPAM_CHARS = 800
INJECTED_PER_LANG = 40
STYLES = ("para", "splice", "between", "anchor", "linkblock", "urlsent")
PARAGRAPH_START = re.compile(r"(?:^|\n[ \t]*\n)\s*(?=\S)")
BOUNDARY = re.compile(r"\n|(?<=[.!?…])\s|(?<=[。！？])")


# ---------------------------------------------------------------------------------------------- documents


def _with_ids(records: Records, prefix: str) -> Records:
    """The records in the file format ``{"id", "lang", "source", "text", "meta"}``, ids from the text's hash."""
    out = []
    for r in records:
        digest = hashlib.sha1(r["text"].encode("utf-8")).hexdigest()[:10]
        out.append({"id": f"{prefix}-{r['lang']}-{digest}", "lang": r["lang"], "source": r["source"], "text": r["text"],
                    "meta": r.get("meta", {})})
    return out


def build(data: Path, *, per_lang: int = 150, seed: int = 0) -> tuple[Records, Records]:
    """Build the clean documents and the spam texts from the installed packages and ``data`` (minutes)."""
    if not debian.installed():
        raise FileNotFoundError("no Debian documentation package is installed for the texts in other languages; "
                                f"as root: {INSTALL}")
    if not any((data / name).exists() for name in spam.SOURCES):
        raise FileNotFoundError(f"none of {', '.join(spam.SOURCES)} under {data}")
    log("multilingual: spam texts ...")
    spam_texts = _with_ids(spam.spam_texts(data), "spam")
    log(f"multilingual: {len(spam_texts)} spam texts; clean documents from the Debian packages ...")
    rng = random.Random(seed)
    pool = documents.pool(debian.pages(seed), rng)
    clean = documents.select(pool, per_lang, rng) + spam.hard_ham(data)
    return _with_ids(clean, "clean"), spam_texts


def manifest(data: Path, *, per_lang: int, seed: int) -> dict[str, Any]:
    """What a build depends on: parameters, package versions, the data files' sizes (no counts)."""
    try:
        justext = metadata.version("jusText")
    except metadata.PackageNotFoundError:
        justext = None
    return {"format": FORMAT, "per_lang": per_lang, "seed": seed, "man_pages": debian.MAN_PAGES_PER_LOCALE,
            "packages": debian.installed(), "justext": justext,
            "data": {name: (data / name).stat().st_size if (data / name).exists() else None for name in spam.SOURCES}}


def _read_jsonl(path: Path) -> Records:
    """The records of a JSONL file."""
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def _cached(cache: Path, wanted: Mapping[str, Any]) -> tuple[Records, Records] | None:
    """The cached documents when the cache was built with ``wanted`` and is whole, else ``None``."""
    try:
        stored = json.loads((cache / "manifest.json").read_text(encoding="utf-8"))
        counts = stored.pop("counts")
        if stored != json.loads(json.dumps(wanted)):
            log(f"multilingual: {cache} was built with other parameters, packages or data: rebuilding")
            return None
        clean, spam_texts = _read_jsonl(cache / "clean.jsonl"), _read_jsonl(cache / "spam.jsonl")
    except (OSError, ValueError, KeyError):
        return None
    if counts != {"clean": len(clean), "spam": len(spam_texts)}:
        log(f"multilingual: {cache} is incomplete: rebuilding")
        return None
    return clean, spam_texts


def load(data: Path, *, per_lang: int = 150, seed: int = 0, cache: Path = CACHE) -> tuple[Records, Records]:
    """``(clean_docs, spam_texts)``, each record ``{"id", "lang", "source", "text", "meta"}``, from ``cache`` if valid.

    Raises :class:`FileNotFoundError` (naming the ``apt-get`` command) when no
    Debian documentation package is installed, and :class:`ImportError` when
    ``justext`` is missing.
    """
    wanted = manifest(data, per_lang=per_lang, seed=seed)
    found = _cached(cache, wanted)
    if found is not None:
        return found
    started = time.perf_counter()
    clean, spam_texts = build(data, per_lang=per_lang, seed=seed)
    # each file is written under a temporary name and renamed; the manifest last, so it vouches for both
    common.write_jsonl(cache / "clean.jsonl", clean)
    common.write_jsonl(cache / "spam.jsonl", spam_texts)
    tmp = cache / "manifest.json.tmp"
    tmp.write_text(json.dumps({**wanted, "counts": {"clean": len(clean), "spam": len(spam_texts)}}, indent=2,
                              sort_keys=True) + "\n", encoding="utf-8")
    tmp.replace(cache / "manifest.json")
    log(f"multilingual: {len(clean)} clean documents, {len(spam_texts)} spam texts in "
        f"{time.perf_counter() - started:.0f} s (cached in {cache})")
    return clean, spam_texts


# ---------------------------------------------------------------------------------------------- gold sets


def trim(text: str, limit: int = SPAM_CHARS) -> str:
    """The text's lines with whitespace collapsed (blank ones dropped), cut near ``limit`` at a line or sentence end."""
    lines = (re.sub(r"\s+", " ", line).strip() for line in text.splitlines())
    text = "\n".join(line for line in lines if line)
    if len(text) <= limit:
        return text
    cuts = [m.start() if m.group(0).isspace() else m.end() for m in BOUNDARY.finditer(text, 0, limit + 1)]
    cut = max((c for c in cuts if c >= limit // 3), default=None)
    if cut is None:  # no line or sentence end in reach: a word end, else the limit itself
        space = text.rfind(" ", limit // 3, limit)
        cut = space if space > 0 else limit
    return text[:cut].rstrip()


def inject_paragraph(host: str, spam_text: str, style: str, rng: random.Random) -> tuple[str, tuple[int, int]]:
    """``host`` with ``spam_text`` as a paragraph between two of its paragraphs (``"para"``) or at the start of one
    followed by a space (``"splice"``); the text and the spam's span."""
    starts = [m.end() for m in PARAGRAPH_START.finditer(host)]
    if style == "para":
        at = rng.choice(starts[1:])
        text = host[:at] + spam_text + "\n\n" + host[at:]
    else:
        at = rng.choice(starts)
        text = host[:at] + spam_text + " " + host[at:]
    return text, (at, at + len(spam_text))


def spam_in_english(data: Path, spam_texts: Records, seed: int) -> Records:
    """Every spam text in another language, trimmed, in an English test host (paragraph or splice, 50/50)."""
    hosts = [h for h in clean_hosts(data) if h.split == "test" and not h.hard_negative
             and len(PARAGRAPH_START.findall(h.text)) >= 2]
    rng = random.Random(seed)
    records = []
    for s in spam_texts:
        host = rng.choice(hosts)
        style = rng.choice(("para", "splice"))
        inserted = trim(s["text"])
        text, span = inject_paragraph(host.text, inserted, style, rng)
        assert text[span[0] : span[1]] == inserted
        records.append({"id": f"{s['id']}@{host.id}", "text": text, "spans": [list(span)],
                        "lang": f"{s['lang']} spam in en", "family": s["lang"], "style": style, "host": host.id,
                        "spam": s["id"]})
    return records


def english_spam_in(data: Path, clean: Records, seed: int, per_lang: int = INJECTED_PER_LANG) -> Records:
    """English test-split spam put by excise's injector into up to ``per_lang`` clean documents of each language."""
    pieces = [p for p in spam_pieces(data) if p.split == "test" and detect(p.text)[0] == "en"]
    anchors = keyword_anchors(str(data / "smokedetector" / "bad_keywords.txt"))
    injector = Injector(pieces, anchors, seed=seed, filler=[])
    by_lang: dict[str, Records] = defaultdict(list)
    for doc in clean:
        by_lang[doc["lang"]].append(doc)
    rng = random.Random(seed)
    records = []
    for lang in sorted(by_lang):
        docs = by_lang[lang]
        if len(docs) > per_lang:
            docs = rng.sample(docs, per_lang)
        for doc in docs:
            injected = injector.inject(Doc(f"{doc['id']}+en", doc["text"], [], doc["id"]), injector.pick(),
                                       rng.choice(STYLES))
            records.append({**injected.to_gold(), "lang": f"en spam in {lang}"})
    return records


def sets(data: Path, seed: int) -> dict[str, Records]:
    """``multilingual_clean`` and ``multilingual_spam`` as gold records (``lang``: the group to report by).

    The documents are :func:`load`'s defaults (a fixed corpus, cached); ``seed``
    drives the hosts, places, styles and spam of the injections.
    """
    clean, spam_texts = load(data)
    return {
        "multilingual_clean": [{"id": d["id"], "text": d["text"], "spans": [], "lang": d["lang"],
                                "source": d["source"]} for d in clean],
        "multilingual_spam": spam_in_english(data, spam_texts, seed) + english_spam_in(data, clean, seed),
    }


# ---------------------------------------------------------------------------------------------- checks


def _squeezed(text: str) -> str:
    """The text with whitespace runs made one space, for comparing texts whose separators moved."""
    return re.sub(r"\s+", " ", text).strip()


def _without(text: str, spans: Sequence[Sequence[int]]) -> str:
    """``text`` with ``spans`` cut out."""
    out, at = [], 0
    for start, end in spans:
        out.append(text[at:start])
        at = end
    return "".join(out) + text[at:]


def check(gold: Mapping[str, Records], clean: Records, spam_texts: Records, hosts: Mapping[str, str]) -> int:
    """Assert every record's spans: in order, inside the text, exactly the inserted spam; the number of spans checked.

    Spam in an English host (``hosts``: id -> text): the one span is the trimmed
    spam text itself. Every spam record: the text without its spans is its host
    again, up to the whitespace put around what was inserted.
    """
    by_id = {r["id"]: r for r in [*clean, *spam_texts]}
    n = 0
    for record in gold["multilingual_clean"]:
        assert record["spans"] == [] and record["text"] == by_id[record["id"]]["text"], record["id"]
    for record in gold["multilingual_spam"]:
        text, spans = record["text"], record["spans"]
        assert spans, record["id"]
        assert all(0 <= a < b <= len(text) for a, b in spans), record["id"]
        assert all(b1 <= a2 for (_, b1), (a2, _) in itertools.pairwise(spans)), record["id"]
        if "spam" in record:
            assert [text[a:b] for a, b in spans] == [trim(by_id[record["spam"]]["text"])], record["id"]
            host = hosts[record["host"]]
        else:
            host = by_id[record["host"]]["text"]
        assert _squeezed(_without(text, spans)) == _squeezed(host), record["id"]
        n += len(spans)
    return n


# ---------------------------------------------------------------------------------------------- report


def count_table(records: Records, first: str) -> str:
    """Records by language and by package or source, as a markdown table."""
    by: dict[str, Counter[str]] = defaultdict(Counter)
    for r in records:
        source = r["meta"].get("package") or r["source"].split("/")[0]
        by[r["lang"]][source + ("-hard-ham" if r["meta"].get("hard_negative") else "")] += 1
    rows = [[lang, sum(c.values()), ", ".join(f"{k} {n}" for k, n in c.most_common())]
            for lang, c in sorted(by.items(), key=lambda kv: (-sum(kv[1].values()), kv[0]))]
    rows.append(["**all**", len(records), f"{len(by)} languages"])
    return common.markdown_table((first, "texts", "from"), rows)


def group_table(records: Records) -> str:
    """Gold records by ``lang`` group: documents, those with spam, spans, characters and spam characters."""
    by: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0, 0])
    for r in records:
        row = by[r["lang"]]
        row[0] += 1
        row[1] += bool(r["spans"])
        row[2] += len(r["spans"])
        row[3] += len(r["text"])
        row[4] += sum(b - a for a, b in r["spans"])
    rows = [[g, *v] for g, v in sorted(by.items(), key=lambda kv: (-kv[1][0], kv[0]))]
    rows.append(["**all**", *(sum(v[i] for v in by.values()) for i in range(5))])
    return common.markdown_table(("group", "docs", "spam docs", "spans", "chars", "spam chars"), rows)


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", help="data folder (default: ../shared/data)")
    parser.add_argument("--seed", type=int, default=1234, help="seed of the injections (default: %(default)s, as "
                        "bench/report.py)")
    parser.add_argument("--rebuild", action="store_true", help="rebuild the documents even when the cache is valid")
    parser.add_argument("--check", action="store_true", help="verify every gold span against the text inserted")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    """Load (or build) the documents, build the gold sets, print their counts."""
    args = parse_args(argv)
    data = common.data_dir(args.data)
    if args.rebuild:
        (CACHE / "manifest.json").unlink(missing_ok=True)
    started = time.perf_counter()
    clean, spam_texts = load(data)
    loaded = time.perf_counter() - started
    gold = sets(data, args.seed)
    print(common.preamble("Text in other languages", [common.command_line()],
                          documents=f"{CACHE} (loaded in {loaded:.1f} s)",
                   seed=args.seed))
    print("\n## clean.jsonl: clean documents by language\n")
    print(count_table(clean, "language"))
    print("\n## spam.jsonl: spam texts by language\n")
    print(count_table(spam_texts, "language"))
    for name, records in gold.items():
        print(f"\n## {name}\n")
        print(group_table(records))
    if args.check:
        n = check(gold, clean, spam_texts, {h.id: h.text for h in clean_hosts(data)})
        log(f"check: {n} spans in {len(gold['multilingual_spam'])} spam records verified, "
            f"{len(gold['multilingual_clean'])} clean records unchanged")
    return 0


if __name__ == "__main__":
    sys.exit(main())
