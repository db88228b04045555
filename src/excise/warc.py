"""WARC in (``.warc``, ``.warc.gz``): HTML responses read with FastWARC, their text extracted with Resiliparse.

Each HTML response record becomes one record whose ``data`` holds ``url``
(``WARC-Target-URI``), ``warc_record_id``, ``date`` (``WARC-Date``) and the
text, so that the output keeps them; ``Record.line`` is the record's 1-based
position in the file, counting every WARC record (requests, metadata and
non-HTML responses are read past, not output). The text is Resiliparse's
plain-text extraction with block structure kept (paragraphs, line breaks, list
bullets) and without link targets, like the WET files of Common Crawl; what a
browser would not show (scripts, styles, comments) is not in it.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from .errors import ConfigError
from .io import ReadCounter, Record, _failure

__all__ = ["WARC_FIELDS", "WARC_SUFFIXES", "decode_html", "html_to_text", "read_warc_file", "require",
           "warc_schema"]

WARC_SUFFIXES: tuple[str, ...] = (".warc", ".warc.gz")

#: the fields of a record read from WARC, besides the text
WARC_FIELDS: tuple[str, ...] = ("url", "warc_record_id", "date")

_HTML_TYPES = ("text/html", "application/xhtml+xml")


def require() -> tuple[Any, Any]:
    """(``fastwarc.warc``, ``resiliparse.extract.html2text``), or a :class:`ConfigError` saying how to install them."""
    try:
        import fastwarc.warc as warc  # optional: only WARC users need them
        import resiliparse.extract.html2text as html2text
    except ImportError:
        raise ConfigError("WARC input needs FastWARC and Resiliparse: pip install 'excise[corpus]'") from None
    return warc, html2text


def warc_schema(text_field: str) -> Any:
    """The Arrow schema of records read from WARC (for a Parquet output)."""
    from .parquet import require as require_arrow

    pa = require_arrow()
    return pa.schema([(name, pa.string()) for name in (*WARC_FIELDS, text_field)])


def decode_html(body: bytes, charset: str | None = None) -> str:
    """An HTML page's bytes decoded by its declared charset or, failing that, by detection."""
    require()
    from resiliparse.parse.encoding import bytes_to_str, detect_encoding

    return bytes_to_str(body, charset or detect_encoding(body))


def html_to_text(body: bytes, charset: str | None = None) -> str:
    """The visible text of an HTML page, decoded by its declared charset or, failing that, by detection."""
    _, html2text = require()
    return html2text.extract_plain_text(decode_html(body, charset), preserve_formatting=True, links=False,
                                        alt_texts=False)


def read_warc_file(path: str, text_field: str, counter: ReadCounter | None = None, *, markup: bool = False
                   ) -> Iterator[Record]:
    """The HTML responses of one WARC file as records; a damaged or cut file ends with one bad record.

    ``markup``: the record's text is the page's HTML itself (decoded), not its extracted text: for
    scanning a site's pages (:mod:`excise.site`).

    Bodies sent with a content or transfer encoding (gzip, chunked) are decoded
    first. FastWARC stops quietly where a file is cut, handing over the cut record
    as if it were whole, so a ``.warc.gz`` is checked first (every gzip member
    whole?) and, if it is cut, its last record is reported lost instead of read.
    """
    warc, _ = require()
    cut = path.lower().endswith(".gz") and not _gzip_complete(path)
    position = 0
    held: Record | None = None  # the last document, kept back until the next record shows it is whole
    try:
        with open(path, "rb") as fh:
            read = 0
            for record in warc.ArchiveIterator(fh, parse_http=True, fsspec_args=False, auto_decode="all"):
                position += 1
                if held is not None:
                    yield held
                    held = None
                if counter is not None:  # the bytes taken from the file so far, for the progress line
                    counter.bytes += fh.tell() - read
                    read = fh.tell()
                document = _document(path, position, record, warc, text_field, markup)
                if document is not None:
                    held = document
        if cut:
            if held is not None and held.line != position:
                yield held
            raise _Truncated(max(position, 1), "the gzip stream is cut short in this record")
        if held is not None:
            yield held
    except _Truncated as exc:
        yield _failure(path, exc.line, f"{exc}; records from this one on are lost")
    except OSError as exc:
        yield _failure(path, position + 1 if position else None, f"cannot read WARC: {exc.strerror or exc}",
                       unread=True)
    except Exception as exc:  # noqa: BLE001 - FastWARC's parser errors vary
        yield _failure(path, position + 1, f"damaged WARC file: {exc}; records from this one on are lost")


def _document(path: str, position: int, record: Any, warc: Any, text_field: str, markup: bool = False
              ) -> Record | None:
    """The record of one HTML response (a bad one if its text cannot be read); ``None`` for anything else."""
    if record.record_type != warc.WarcRecordType.response or not record.is_http:
        return None
    content_type = (record.http_content_type or "").lower()
    if content_type and not content_type.startswith(_HTML_TYPES):
        return None  # FastWARC skips the rest of the record's body when it moves on
    body = record.reader.read()
    if not content_type and not body.lstrip()[:1] == b"<":
        return None  # no type given and not markup
    encoded = any(record.http_headers.get(h) for h in ("Content-Encoding", "Transfer-Encoding"))
    if not encoded and len(body) < record.content_length:  # a plain .warc cut inside a body
        raise _Truncated(position, "the file ends inside this record")
    headers = record.headers
    data = {"url": headers.get("WARC-Target-URI"), "warc_record_id": record.record_id,
            "date": headers.get("WARC-Date")}
    try:
        text = decode_html(body, record.http_charset) if markup else html_to_text(body, record.http_charset)
    except Exception as exc:  # noqa: BLE001 - Resiliparse's parser errors vary
        return _failure(path, position, f"cannot extract the text of {data['url']}: {exc}", data=data)
    data[text_field] = text
    return Record(source=path, line=position, data=data, text=text)


def _gzip_complete(path: str) -> bool:
    """Whether every gzip member of ``path`` is whole (FastWARC stops quietly at a cut member).

    A second pass over the compressed bytes, at zlib's speed: a small cost beside the HTML extraction.
    """
    from .io import _CorruptInput, _gunzip, _read_chunks

    try:
        with open(path, "rb") as fh:
            for _ in _gunzip(_read_chunks(fh)):
                pass
    except _CorruptInput:
        return False
    return True


class _Truncated(Exception):
    """The file ends in the middle of the record at ``line`` (its position in the file)."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line
