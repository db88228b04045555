"""Readable text from the raw RFC 822 messages of the SpamAssassin corpus (as stored in ``../shared/data``).

Base64 and quoted-printable bodies still hold their original bytes, so they are
decoded with the declared charset (or the one an HTML ``<meta>`` names), with the
usual supersets for mislabelled mail (GB2312 as GB18030, Big5 as Big5-HKSCS,
KS C 5601 as CP949, Latin-1 as CP1252). 7-bit ISO-2022-JP runs are decoded as JIS
X 0208. Raw 8-bit bodies were turned into ``str`` when the corpus was converted
to JSON, and their non-UTF-8 bytes became U+FFFD: those are lost, and callers
drop such lines.
"""

from __future__ import annotations

import email
import re
from email.header import decode_header
from html.parser import HTMLParser
from typing import Any, ClassVar

__all__ = ["html_to_text", "message_text"]

CHARSET_ALIASES = {
    "gb2312": "gb18030", "gbk": "gb18030", "gb2312_charset": "gb18030", "x-gbk": "gb18030",
    "big5": "big5hkscs", "chinesebig5": "big5hkscs", "x-big5": "big5hkscs",
    "ks_c_5601-1987": "cp949", "euc-kr": "cp949", "ks_c_5601": "cp949",
    "iso-8859-1": "cp1252", "us-ascii": "cp1252", "default": "cp1252", "default_charset": "cp1252",
    "unicode": "utf-8", "3d": "cp1252",
}
META_CHARSET = re.compile(rb"charset\s*=\s*[\"']?(?:3D)?([A-Za-z0-9_\-]+)", re.IGNORECASE)
JIS_RUN = re.compile(r"\x1b?\$[B@]([\x21-\x7e]+?)\x1b?\([BJ]")
LIST_FOOTERS = (
    re.compile(r"\n-{20,}\s*\nThis sf\.net email is sponsored by.*", re.DOTALL),
    re.compile(r"\n_{30,}\n[^\n]*(mailing list|@lists\.|Sightings).*", re.DOTALL),
)


def norm_charset(charset: str | None) -> str | None:
    """A codec name Python knows for a declared charset (with the supersets above), ``None`` if unknown."""
    if not charset:
        return None
    charset = charset.strip().strip('"').lower()
    charset = charset.removeprefix("3d")  # "=3D" left over from a quoted-printable <meta> tag
    charset = CHARSET_ALIASES.get(charset, charset)
    try:
        "".encode(charset)
    except LookupError:
        return None
    return charset


class _Strip(HTMLParser):
    """HTML to text: block elements become line breaks, scripts and styles vanish."""

    BLOCK: ClassVar[frozenset[str]] = frozenset(
        {"p", "br", "div", "tr", "li", "h1", "h2", "h3", "h4", "h5", "h6", "table", "td", "title"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self.skip += 1
        if tag in self.BLOCK:
            self.out.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style") and self.skip:
            self.skip -= 1
        if tag in self.BLOCK:
            self.out.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.out.append(data)


def html_to_text(markup: str) -> str:
    """The text of an HTML body, one block per line, blank lines collapsed."""
    parser = _Strip()
    try:
        parser.feed(markup)
        parser.close()
    except Exception:  # noqa: BLE001 - broken markup: fall back to dropping the tags
        return re.sub(r"<[^>]+>", " ", markup)
    text = "".join(parser.out)
    text = re.sub(r"[ \t\r\f\v\u00a0\u3000]+", " ", text)
    text = re.sub(r"\s*\n\s*", "\n", text)
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def fix_iso2022jp(text: str) -> str:
    """Decode the 7-bit ISO-2022-JP runs (``ESC $ B ... ESC ( B``, some copies without the ESC bytes) as JIS X 0208."""
    def decode(m: re.Match[str]) -> str:
        try:
            return ("\x1b$B" + m.group(1) + "\x1b(B").encode("ascii").decode("iso-2022-jp")
        except (UnicodeError, ValueError):
            return m.group(0)
    return JIS_RUN.sub(decode, text)


def strip_list_footer(text: str) -> str:
    """The text without the mailing-list footers the corpus's messages picked up."""
    for footer in LIST_FOOTERS:
        text = footer.sub("", text)
    return text


def decode_hdr(value: Any) -> str:
    """A header with its RFC 2047 encoded words decoded."""
    if not value:
        return ""
    try:
        parts = []
        for chunk, charset in decode_header(str(value)):
            parts.append(chunk.decode(norm_charset(charset) or "cp1252", errors="replace")
                         if isinstance(chunk, bytes) else chunk)
        return "".join(parts)
    except Exception:  # noqa: BLE001 - malformed header: keep it as it is
        return str(value)


def message_text(raw: str) -> dict[str, Any]:
    """``{"subject", "text", "parts"}`` of a raw message; ``parts``: ``(type, encoding, charset, U+FFFD count)``."""
    msg = email.message_from_string(raw)  # compat32 policy: nothing decoded behind our back
    chunks: list[str] = []
    info: list[tuple[str, str, str | None, int]] = []
    for part in msg.walk():
        if part.is_multipart() or part.get_content_type() not in ("text/plain", "text/html"):
            continue
        ctype = part.get_content_type()
        cte = (part.get("Content-Transfer-Encoding") or "").strip().lower()
        charset = norm_charset(part.get_content_charset())
        if cte in ("base64", "quoted-printable"):
            body = part.get_payload(decode=True) or b""
            if charset is None:
                m = META_CHARSET.search(body[:4000])
                charset = norm_charset(m.group(1).decode()) if m else None
            text = body.decode(charset or "utf-8", errors="replace")
        else:
            text = part.get_payload()
            if not isinstance(text, str):
                continue
            if "$B" in text and (charset or "").startswith("iso-2022-jp") or "\x1b$B" in text:
                text = fix_iso2022jp(text)
        if ctype == "text/html" or re.search(r"<(html|body|p|br|table|font)\b", text[:3000], re.IGNORECASE):
            text = html_to_text(text)
        info.append((ctype, cte, charset, text.count("\ufffd")))
        chunks.append(text)
    text = "\n\n".join(c for c in chunks if c.strip())
    # text/plain and text/html alternatives: the plain one, when it says anything
    if len(chunks) == 2 and info[0][0] == "text/plain" and info[1][0] == "text/html" and len(chunks[0].strip()) > 50:
        text = chunks[0]
    return {"subject": decode_hdr(msg.get("Subject")), "text": strip_list_footer(text).strip(), "parts": info}
