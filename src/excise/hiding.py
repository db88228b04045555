"""How an HTML element is hidden from a reader: the evidence a hacked page leaves in its source.

The pharma hack and its cousins put their text in the page and keep it from the
site's visitors (search engines still read it): ``display:none`` or
``visibility:hidden`` on a ``<div>``, a 1-pixel ``<marquee>``, a 2-pixel font,
text moved off-screen, text coloured like the background, an element a script
hides by its id after the page has loaded. Each check here names the trick it
found ("display:none", "font-size:1px", "off-screen:left:-9999px",
"script:getElementById(x)"), so that the report can say how the text was hidden.

Hidden alone is not spam: menus, modals and accordions are hidden too. These
reasons describe an element; whether its text is cut is the engine's decision.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

__all__ = ["StyleRules", "hidden_by_script", "own_hiding", "parse_declarations"]

_DECLARATION = re.compile(r"([a-zA-Z-]+)\s*:\s*([^;]+)")
_LENGTH = re.compile(r"^(-?\d*\.?\d+)\s*(px|pt|em|rem|%|vw|vh|cm|mm|in)?$")
_COMMENT = re.compile(r"/\*.*?\*/", re.DOTALL)
# a simple selector: an optional tag, then at most one #id or .class ("div#x", ".spam", "p")
_SIMPLE_SELECTOR = re.compile(r"^([a-zA-Z][a-zA-Z0-9]*)?(?:([#.])([-\w]+))?$")

#: a font no one reads: at most this many pixels (or points), or this many em/rem/%
TINY_FONT_PX = 3.0
TINY_FONT_EM = 0.3
#: a box no one sees: at most this many pixels wide or high
TINY_BOX_PX = 2.0
#: pushed this far out of the page (left, top, text-indent, margin-left)
OFF_SCREEN_PX = 500.0

# scripts that hide an element by id after load: plain DOM and jQuery
_SCRIPT_BY_ID = re.compile(
    r"getElementById\(\s*['\"]([-\w]+)['\"]\s*\)\s*\.style\.(?:display\s*=\s*['\"]none|visibility\s*=\s*['\"]hidden)"
    r"|\$\(\s*['\"]#([-\w]+)['\"]\s*\)\s*\.(?:hide\(|css\(\s*['\"](?:display['\"]\s*,\s*['\"]none|"
    r"visibility['\"]\s*,\s*['\"]hidden))",
    re.IGNORECASE,
)

_NAMED_COLOURS = {"white": "#ffffff", "black": "#000000", "red": "#ff0000", "blue": "#0000ff", "green": "#008000",
                  "yellow": "#ffff00", "gray": "#808080", "grey": "#808080", "silver": "#c0c0c0",
                  "transparent": "transparent"}


def parse_declarations(style: str) -> dict[str, str]:
    """The declarations of a CSS ``style`` attribute or rule body: property (lower case) → value (lower case,
    ``!important`` dropped). A later declaration of a property wins, as in CSS."""
    out: dict[str, str] = {}
    for prop, value in _DECLARATION.findall(_COMMENT.sub(" ", style)):
        out[prop.strip().lower()] = value.replace("!important", "").strip().lower()
    return out


def _pixels(value: str) -> tuple[float, str] | None:
    """(number, unit) of a CSS length (``px`` when it has none), or None."""
    m = _LENGTH.match(value.strip())
    if not m:
        return None
    return float(m.group(1)), m.group(2) or "px"


def _tiny_font(value: str) -> bool:
    length = _pixels(value)
    if length is None:
        return False
    number, unit = length
    if unit in ("px", "pt"):
        return number <= TINY_FONT_PX
    if unit in ("em", "rem"):
        return number <= TINY_FONT_EM
    if unit == "%":
        return number <= TINY_FONT_EM * 100
    return number <= 0


def _off_screen(value: str) -> bool:
    length = _pixels(value)
    return length is not None and length[1] in ("px", "pt", "em", "rem", "cm", "mm", "in") and (
        length[0] <= -OFF_SCREEN_PX if length[1] in ("px", "pt") else length[0] <= -30)


def colour(value: str) -> str | None:
    """A CSS colour as ``#rrggbb`` (or ``transparent``), or None when it is not one this module reads."""
    value = value.strip().lower()
    if value in _NAMED_COLOURS:
        return _NAMED_COLOURS[value]
    if re.fullmatch(r"#[0-9a-f]{6}", value):
        return value
    if re.fullmatch(r"#[0-9a-f]{3}", value):
        return "#" + "".join(c * 2 for c in value[1:])
    m = re.fullmatch(r"rgba?\(\s*(\d+)\s*,\s*(\d+)\s*,\s*(\d+)\s*(?:,\s*(\d*\.?\d+)\s*)?\)", value)
    if m:
        if m.group(4) is not None and float(m.group(4)) == 0:
            return "transparent"
        return "#" + "".join(f"{min(int(m.group(i)), 255):02x}" for i in (1, 2, 3))
    return None


def own_hiding(tag: str, attrs: Mapping[str, str], style: Mapping[str, str]) -> list[str]:
    """How an element hides itself: from its tag, its attributes and its CSS declarations ``style`` (its
    ``style`` attribute over the page's rules for it)."""
    reasons: list[str] = []
    if "hidden" in attrs:
        reasons.append("hidden-attribute")
    if attrs.get("aria-hidden", "").lower() == "true":
        reasons.append("aria-hidden")
    display = style.get("display", "")
    if display == "none":
        reasons.append("display:none")
    if style.get("visibility", "") in ("hidden", "collapse"):
        reasons.append("visibility:" + style["visibility"])
    opacity = style.get("opacity")
    if opacity is not None:
        try:
            if float(opacity.rstrip("%")) <= 0.01:
                reasons.append("opacity:" + opacity)
        except ValueError:
            pass
    font = style.get("font-size")
    if font is not None and _tiny_font(font):
        reasons.append("font-size:" + font)
    if tag == "font" and attrs.get("size", "").strip() in ("0", "-7", "-6", "-5"):
        reasons.append("font-size:" + attrs["size"].strip())
    for prop in ("width", "height", "max-height", "max-width"):
        length = _pixels(style.get(prop, "")) if prop in style else None
        # a tiny box shows nothing only when what overflows it is cut off (or it is a marquee's window)
        if length is not None and length[1] == "px" and length[0] <= TINY_BOX_PX and (
                style.get("overflow", "") in ("hidden", "clip") or tag == "marquee" or length[0] <= 0):
            reasons.append(f"{prop}:{style[prop]}")
    if tag == "marquee":
        for prop in ("width", "height"):
            length = _pixels(attrs.get(prop, "")) if prop in attrs else None
            if length is not None and length[0] <= TINY_BOX_PX:
                reasons.append(f"marquee-{prop}:{attrs[prop]}")
    for prop in ("left", "top", "text-indent", "margin-left", "margin-top"):
        if prop in style and _off_screen(style[prop]) and (
                prop in ("text-indent", "margin-left", "margin-top") or style.get("position") in ("absolute", "fixed")):
            reasons.append(f"off-screen:{prop}:{style[prop]}")
    clip = style.get("clip", "")
    if clip.replace(" ", "").startswith("rect(0") and clip.replace(" ", "").replace("px", "") in (
            "rect(0,0,0,0)", "rect(0000)", "rect(0,0,0,0)"):
        reasons.append("clip:" + clip)
    if style.get("clip-path", "").replace(" ", "") in ("inset(50%)", "inset(100%)", "circle(0)"):
        reasons.append("clip-path:" + style["clip-path"])
    transform = style.get("transform", "").replace(" ", "")
    if transform in ("scale(0)", "scale(0,0)", "scalex(0)", "scaley(0)"):
        reasons.append("transform:" + style["transform"])
    return reasons


def same_colour_reason(foreground: str | None, background: str | None) -> str | None:
    """"colour:X-on-X" when text colour ``foreground`` equals the background it stands on."""
    if foreground is None or background is None or foreground == "transparent":
        return None
    if foreground == background:
        return f"colour:{foreground}-on-{background}"
    return None


def hidden_by_script(scripts: Iterable[str]) -> dict[str, str]:
    """Ids of elements that the page's scripts hide (id → the reason to report)."""
    out: dict[str, str] = {}
    for script in scripts:
        for m in _SCRIPT_BY_ID.finditer(script):
            element = m.group(1) or m.group(2)
            out.setdefault(element, f"script:hides#{element}")
    return out


@dataclass
class StyleRules:
    """The simple rules of a page's ``<style>`` blocks: ``tag``, ``#id``, ``.class``, ``tag#id``, ``tag.class``
    selectors (others are ignored), each with its declarations, in source order."""

    rules: list[tuple[str, str, str, dict[str, str]]] = field(default_factory=list)  # (tag, kind, name, decls)
    _index: dict[str, list[int]] = field(default_factory=dict, repr=False)  # "tag", "#id" or ".class" -> rules

    def add_sheet(self, css: str) -> None:
        """Read the rules of one style sheet (a rule is what stands between the last "{" and the next "}":
        the rules inside an ``@media`` block are read, the block itself is not a rule)."""
        for chunk in _COMMENT.sub(" ", css).split("}"):
            selectors, brace, body = chunk.rpartition("{")
            if not brace:
                continue
            decls = parse_declarations(body)
            if not decls:
                continue
            for selector in selectors.rsplit("{", 1)[-1].split(","):
                m = _SIMPLE_SELECTOR.match(selector.strip())
                if m and (m.group(1) or m.group(2)):
                    rule = ((m.group(1) or "").lower(), m.group(2) or "", m.group(3) or "", decls)
                    self._index.setdefault(rule[1] + rule[2] if rule[1] else rule[0], []).append(len(self.rules))
                    self.rules.append(rule)

    def declarations(self, tag: str, attrs: Mapping[str, str]) -> dict[str, str]:
        """The declarations of the rules that apply to an element (later rules win; no specificity)."""
        out: dict[str, str] = {}
        if not self.rules:
            return out
        classes = attrs.get("class", "").split()
        element_id = attrs.get("id", "")
        keys = [tag, *("." + c for c in classes)] + (["#" + element_id] if element_id else [])
        found = sorted({i for key in keys for i in self._index.get(key, ())})
        for i in found:
            rule_tag, _, _, decls = self.rules[i]
            if not rule_tag or rule_tag == tag:
                out.update(decls)
        return out
