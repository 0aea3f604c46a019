"""The offline export: no code cells, nothing fetched from a host, no script, small."""

from __future__ import annotations

import nbformat
import pytest

from nearmiss_lab.bulletin.checks import MAX_BYTES, page_problems
from nearmiss_lab.bulletin.runner import TEMPLATE_DIR, NotebookRun, export_html


@pytest.mark.parametrize("page,problem", [
    ('<script src="https://cdn.example/x.js"></script>', "remote reference in script[src]"),
    ('<link rel="stylesheet" href="http://fonts.example/css">', "remote reference in link[href]"),
    ('<img src="//cdn.example/a.png">', "remote reference in img[src]"),
    ('<img srcset="https://a.example/x.png 2x">', "remote reference in img[srcset]"),
    ('<svg><image xlink:href="https://a.example/x.png"/></svg>',
     "remote reference in image[xlink:href]"),
    ("<style>@import url(https://fonts.example/f.css);</style>", "stylesheet"),
    ("<style>@import 'http://fonts.example/f.css';</style>", "stylesheet"),
    ("<style>body{background:url('//x.example/b.png')}</style>", "stylesheet"),
    ('<div style="background:url(https://x.example/b.png)"></div>', "div[style]"),
    ("<script>alert(1)</script>", "1 script element(s)"),
    ('<img src="x" onerror="alert(1)">', "event-handler attribute(s): img[onerror]"),
    # Navigation, script URLs, candidate lists, strings in CSS and resource hints.
    ('<meta http-equiv="refresh" content="0; url=https://x.example/">', "meta refresh"),
    ('<meta http-equiv=REFRESH content="5">', "meta refresh"),
    ("<style>.a{background:image-set(\"https://x.example/a.png\" 1x)}</style>",
     "remote reference in a CSS string in a stylesheet"),
    ("<style>.a{background:-webkit-image-set('//x.example/a.png' 1x)}</style>",
     "remote reference in a CSS string"),
    ('<a href="javascript:alert(1)">x</a>', "script URL in a[href]"),
    ('<a href=" JavaScript:alert(1)">x</a>', "script URL in a[href]"),
    ('<a href="java&#09;script:alert(1)">x</a>', "script URL in a[href]"),
    ('<svg><a xlink:href="javascript:alert(1)"><text>x</text></a></svg>',
     "script URL in a[xlink:href]"),
    ('<svg><animate attributeName="href" values="#a;javascript:alert(1)"/></svg>',
     "script URL in animate[values]"),
    ('<img srcset="a.png 1x, https://x.example/b.png 2x">', "remote reference in img[srcset]"),
    ('<link rel="preload" imagesrcset="a.png 1x, //x.example/b.png 2x" as="image">',
     "remote reference in link[imagesrcset]"),
    ("<style>@import \"local.css\";</style>", "@import in a stylesheet"),
    ("<style>@import\"https://x.example/a.css\";</style>", "@import in a stylesheet"),
    ("<style>@\\69mport 'a.css';</style>", "@import in a stylesheet"),
    ("<style>.a{background:u\\72l(https://x.example/a.png)}</style>",
     "remote reference in url() in a stylesheet"),
    ('<link rel="preload" href="font.woff2" as="font">', "resource hint: link[rel=preload]"),
    ('<link rel="prefetch" href="next.html">', "resource hint: link[rel=prefetch]"),
    ('<link rel="dns-prefetch preconnect" href="x">',
     "resource hint: link[rel=dns-prefetch preconnect]"),
    ('<img src="\\\\x.example\\a.png">', "remote reference in img[src]"),
    ('<img src="ftp://x.example/a.png">', "remote reference in img[src]"),
    ('<iframe src="data:text/html,hi"></iframe>', "embedded document: iframe"),
    ('<iframe srcdoc="&lt;p&gt;x"></iframe>', "embedded document: iframe[srcdoc]"),
    ('<object data="https://x.example/a.swf"></object>', "remote reference in object[data]"),
    ('<a href="data:text/html,&lt;script&gt;x">x</a>', "document in a data: URL in a[href]"),
    ("<style>.a{width:expression(alert(1))}</style>", "script in CSS in a stylesheet"),
])
def test_page_problems_catch_every_way_a_page_fetches_or_runs_code(page, problem):
    problems = page_problems(f"<html><body>{page}</body></html>")
    assert any(problem in p for p in problems), problems


def test_page_problems_allow_local_links_data_uris_and_urls_in_css_comments():
    page = ('<html><head><style>/* see https://example.org/colours */ '
            '.x{background:url(data:image/svg+xml;base64,AAAA)}</style></head><body>'
            '<a href="#methods">methods</a><a href="provenance.json">provenance</a>'
            '<svg xmlns="http://www.w3.org/2000/svg"><text>&lt; 5</text></svg></body></html>')
    assert page_problems(page) == []


def test_page_problems_allow_text_that_only_looks_like_a_scheme():
    # Running text, titles and CSS strings that are not URLs are not references (an
    # attribute that *starts* with a script scheme is refused whatever its name: SVG and
    # HTML have more URL attributes than any list).
    page = ('<html><head><style>.q::before{content:"Note: see below"}</style></head><body>'
            '<p title="about javascript: links">javascript:alert(1) as text</p>'
            '<a href="mailto:hub@example.org">hub</a><img src="data:image/png;base64,AAAA">'
            '<link rel="icon" href="data:,"></body></html>')
    assert page_problems(page) == []


def test_page_problems_never_quote_the_page():
    problems = page_problems('<a href="javascript:steal(SECRET_MARKER)">x</a>'
                             '<style>@import "SECRET_MARKER.css";</style>')
    assert problems and not any("SECRET_MARKER" in p for p in problems)


def test_page_problems_flag_pages_over_five_megabytes():
    assert any("bytes" in p for p in page_problems("x" * (MAX_BYTES + 1)))


def _executed_notebook(path):
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    code = nbformat.v4.new_code_cell("SECRET_CODE_MARKER = bulletin.headline(data)")
    code.outputs = [
        nbformat.v4.new_output("display_data", data={
            "text/html": '<section class="nm-section"><h2>Shown</h2></section>',
            "text/plain": "<Html>"}),
        nbformat.v4.new_output("stream", name="stderr", text="UserWarning: analyst-only noise"),
    ]
    nb.cells = [nbformat.v4.new_markdown_cell("# Heading for readers"), code]
    nbformat.write(nb, path)
    return NotebookRun("01-safety-bulletin", path, {})


def test_export_drops_code_and_stderr_keeps_outputs_and_loads_nothing(tmp_path):
    run = _executed_notebook(tmp_path / "run.ipynb")
    html_path = export_html(run, tmp_path / "out" / "bulletin.html", title="Bulletin 2024-07")
    page = html_path.read_text(encoding="utf-8")
    assert "SECRET_CODE_MARKER" not in page, "code cells must not be exported"
    assert "analyst-only noise" not in page
    assert "<h2>Shown</h2>" in page and "Heading for readers" in page
    assert "<title>Bulletin 2024-07</title>" in page
    assert page_problems(page) == []
    assert "require.js" not in page and "mathjax" not in page.lower()
    assert run.html == html_path and run.timings["export"] > 0


def test_offline_template_extends_lab_and_is_not_named_index():
    template = TEMPLATE_DIR / "nearmiss_offline" / "offline.html.j2"
    text = template.read_text(encoding="utf-8")
    assert "extends 'lab/index.html.j2'" in text
    for block in ("html_head_js_requirejs", "html_head_js_mathjax", "html_head_js_mermaidjs"):
        assert f"block {block} -%}}{{%- endblock {block}" in text
    assert not (TEMPLATE_DIR / "nearmiss_offline" / "index.html.j2").exists()
