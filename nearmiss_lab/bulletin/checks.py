"""Checks a built bulletin must pass before anyone reads it: offline, small, no script.

:func:`build_bulletin <nearmiss_lab.bulletin.build.build_bulletin>` runs them on every page
it writes, and the tests run them again on pages they build. The checks read the page as a
browser would (attribute values with their character references decoded, CSS with its
escapes decoded and comments removed) and refuse anything through which a browser fetches,
navigates or runs code on its own; a bulletin needs none of it.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

MAX_BYTES = 5 * 1024 * 1024
# Attributes through which a browser fetches something on its own.
FETCHING_ATTRS = {"src", "href", "srcset", "imagesrcset", "data", "poster", "action",
                  "formaction", "background", "xlink:href", "manifest", "ping", "codebase",
                  "cite", "longdesc", "lowsrc", "dynsrc", "icon"}
#: Attributes holding a list of URLs with descriptors ("a.png 1x, b.png 2x").
SRCSET_ATTRS = {"srcset", "imagesrcset"}
#: SVG animation attributes that can set an ``href`` (``<animate to="javascript:...">``).
ANIMATION_ATTRS = {"to", "from", "values", "by"}
#: ``<link rel>`` values that make a browser resolve, connect or fetch ahead of use.
RESOURCE_HINTS = {"preload", "prefetch", "dns-prefetch", "preconnect", "prerender",
                  "modulepreload", "import"}
#: Elements that embed another document or plug-in.
EMBEDDING_TAGS = {"iframe", "frame", "frameset", "object", "embed", "applet", "portal"}
#: Schemes that stay on the page or fetch nothing.
LOCAL_SCHEMES = {"data", "mailto", "tel", "about"}
# Browsers drop tabs and newlines anywhere in a URL and surrounding spaces and controls.
_URL_NOISE = re.compile(r"[\t\n\r]")
_SCHEME = re.compile(r"^([a-z][a-z0-9+.\-]*):", re.IGNORECASE)
_SCRIPT_SCHEMES = ("javascript:", "vbscript:", "livescript:")
# A data: URI a browser renders as a document (it can run script), unlike an image.
_DATA_DOCUMENT = re.compile(r"^data:\s*(?:text/html|application/xhtml|text/xml|application/xml)",
                            re.IGNORECASE)
# In CSS: a string or url() argument, and the constructs that fetch or run code.
_CSS_STRING = re.compile(r"\"((?:[^\"\\\n]|\\.)*)\"|'((?:[^'\\\n]|\\.)*)'")
_CSS_URL = re.compile(r"url\(\s*(?:\"((?:[^\"\\]|\\.)*)\"|'((?:[^'\\]|\\.)*)'|([^)\s]*))\s*\)",
                      re.IGNORECASE)
_CSS_ESCAPE = re.compile(r"\\(?:([0-9a-fA-F]{1,6})[ \t\n\r\f]?|(.))", re.DOTALL)
_CSS_SCRIPT = re.compile(r"expression\s*\(|-moz-binding|behavior\s*:", re.IGNORECASE)


def url_problem(value: str, *, strict: bool = True) -> str | None:
    """Why a browser would leave the page for ``value`` (a URL as written), or None.

    ``strict`` (attributes) refuses every scheme but the local ones; otherwise (a string in
    CSS, which may be plain text) only network-relative ``//`` URLs and schemes with an
    authority (``scheme://``) or a script scheme.

    Examples
    --------
    >>> url_problem("#methods"), url_problem("provenance.json"), url_problem("data:image/png,x")
    (None, None, None)
    >>> url_problem("//cdn.example/x.js"), url_problem(" java\\tscript:alert(1)")
    ('remote reference', 'script URL')
    """
    url = _URL_NOISE.sub("", value).strip("\x00\x01\x02\x03\x04\x05\x06\x07\x08\x0b\x0c\x0e"
                                           "\x0f\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a"
                                           "\x1b\x1c\x1d\x1e\x1f \x7f")
    lower = url.lower()
    if lower.startswith(_SCRIPT_SCHEMES):
        return "script URL"
    if _DATA_DOCUMENT.match(lower):
        return "document in a data: URL"
    if re.match(r"^[\\/]{2}", url):  # "//host" and "\\host" both mean the page's scheme
        return "remote reference"
    scheme = _SCHEME.match(url)
    if scheme is None:
        return None
    name = scheme.group(1).lower()
    if name in LOCAL_SCHEMES:
        return None
    if strict or re.match(r"^[a-z][a-z0-9+.\-]*:[\\/]{2}", lower):
        return "remote reference"
    return None


def _decode_css(css: str) -> str:
    """CSS with comments removed and escapes decoded (``u\\72l(`` is ``url(``)."""
    css = re.sub(r"/\*.*?(?:\*/|$)", "", css, flags=re.DOTALL)

    def unescape(match: re.Match[str]) -> str:
        if match.group(1):
            code = int(match.group(1), 16)
            return chr(code) if 0 < code <= 0x10FFFF else "\ufffd"
        return match.group(2)

    return _CSS_ESCAPE.sub(unescape, css)


def css_problems(css: str) -> list[str]:
    """What in a stylesheet (or a ``style`` attribute) fetches from a host or runs code."""
    text = _decode_css(css)
    problems = []
    if re.search(r"@import", text, re.IGNORECASE):
        problems.append("@import")
    for match in _CSS_URL.finditer(text):
        url = next(g for g in match.groups() if g is not None)
        why = url_problem(url)
        if why:
            problems.append(f"{why} in url()")
    # Strings fetch too: image-set("..."), src("..."), @import "...".
    for match in _CSS_STRING.finditer(text):
        why = url_problem(match.group(1) if match.group(1) is not None else match.group(2),
                          strict=False)
        if why:
            problems.append(f"{why} in a CSS string")
    if _CSS_SCRIPT.search(text):
        problems.append("script in CSS")
    return sorted(set(problems))


class _Scanner(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.remote: list[str] = []
        self.scripts = 0
        self.handlers: list[str] = []
        self.other: list[str] = []
        self._in_style = False
        self.css: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "script":
            self.scripts += 1
        if tag == "style":
            self._in_style = True
        if tag in EMBEDDING_TAGS:
            self.other.append(f"embedded document: {tag}")
        values = {name.lower(): value or "" for name, value in attrs}
        if tag == "meta" and values.get("http-equiv", "").strip().lower() == "refresh":
            self.other.append("meta refresh")
        if tag == "link":
            hints = set(values.get("rel", "").lower().split()) & RESOURCE_HINTS
            if hints:
                self.other.append(f"resource hint: link[rel={' '.join(sorted(hints))}]")
        for name, value in attrs:
            name = name.lower()
            if name.startswith("on"):
                self.handlers.append(f"{tag}[{name}]")
            if name == "srcdoc":
                self.other.append(f"embedded document: {tag}[srcdoc]")
            if value is None:
                continue
            self._attribute(tag, name, value)

    def _attribute(self, tag: str, name: str, value: str) -> None:
        if name in SRCSET_ATTRS:
            urls = [c.strip().split()[0] for c in value.split(",") if c.strip()]
        elif name in ANIMATION_ATTRS:
            urls = value.split(";")
        elif name in FETCHING_ATTRS:
            urls = [value]
        else:
            urls = []
        for url in urls:
            why = url_problem(url)
            if why:
                self.remote.append(f"{why} in {tag}[{name}]")
        if not urls and url_problem(value, strict=False) == "script URL":
            self.remote.append(f"script URL in {tag}[{name}]")
        if name == "style":
            self.remote.extend(f"{p} in {tag}[style]" for p in css_problems(value))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag == "style":
            self._in_style = False

    def handle_endtag(self, tag: str) -> None:
        if tag == "style":
            self._in_style = False

    def handle_data(self, data: str) -> None:
        if self._in_style:
            self.css.append(data)


def page_problems(page: str) -> list[str]:
    """Everything that would make a bulletin page fetch from a host, run script, or be too big.

    Parameters
    ----------
    page : str
        The HTML.

    Returns
    -------
    list of str
        Empty when the page is fine; otherwise short descriptions (tag and attribute names,
        never page content).
    """
    scanner = _Scanner()
    scanner.feed(page)
    scanner.close()
    problems = list(scanner.remote)
    problems += [f"{p} in a stylesheet" for p in css_problems("\n".join(scanner.css))]
    problems += scanner.other
    if scanner.scripts:
        problems.append(f"{scanner.scripts} script element(s)")
    if scanner.handlers:
        problems.append(f"event-handler attribute(s): {', '.join(sorted(set(scanner.handlers)))}")
    size = len(page.encode("utf-8"))
    if size > MAX_BYTES:
        problems.append(f"page is {size:,} bytes (limit {MAX_BYTES:,})")
    return problems


class BulletinCheckError(RuntimeError):
    """A built page failed :func:`page_problems`; it must not be published."""
