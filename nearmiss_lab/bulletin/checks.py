"""Checks a built bulletin must pass before anyone reads it: offline, small, no script.

:func:`build_bulletin <nearmiss_lab.bulletin.build.build_bulletin>` runs them on every page
it writes, and the tests run them again on pages they build.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

MAX_BYTES = 5 * 1024 * 1024
# Attributes through which a browser fetches something on its own.
FETCHING_ATTRS = {"src", "href", "srcset", "data", "poster", "action", "formaction", "background",
                  "xlink:href", "manifest", "ping"}
_REMOTE = re.compile(r"^\s*(?:https?:|//|ftp:)", re.IGNORECASE)
_CSS_REMOTE = re.compile(
    r"@import\s+(?:url\()?\s*['\"]?\s*(?:https?:|//)|url\(\s*['\"]?\s*(?:https?:|//)",
    re.IGNORECASE,
)


class _Scanner(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.remote: list[str] = []
        self.scripts = 0
        self.handlers: list[str] = []
        self._in_style = False
        self.css: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "script":
            self.scripts += 1
        if tag == "style":
            self._in_style = True
        for name, value in attrs:
            name = name.lower()
            if name.startswith("on"):
                self.handlers.append(f"{tag}[{name}]")
            if value is None:
                continue
            if name in FETCHING_ATTRS and _REMOTE.match(value):
                self.remote.append(f"{tag}[{name}]")
            if name == "style" and _CSS_REMOTE.search(value):
                self.remote.append(f"{tag}[style]")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag == "style":
            self._in_style = False

    def handle_data(self, data: str) -> None:
        if self._in_style:
            self.css.append(data)


def _strip_css_comments(css: str) -> str:
    return re.sub(r"/\*.*?\*/", "", css, flags=re.DOTALL)


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
    problems = [f"remote reference in {where}" for where in scanner.remote]
    css = _strip_css_comments("\n".join(scanner.css))
    if _CSS_REMOTE.search(css):
        problems.append("remote url() or @import in a stylesheet")
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
