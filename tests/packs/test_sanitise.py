"""The rich-text sanitiser's allow-list."""

from __future__ import annotations

import pytest

from governance.packs.sanitise import clean_html

PNG = (
    "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGNgYGD4DwABB"
    "AEAwS2OUAAAAABJRU5ErkJggg=="
)


@pytest.mark.parametrize(
    ("dirty", "clean"),
    [
        ("<p onclick='x()'>Hi<script>alert(1)</script></p>", "<p>Hi</p>"),
        ("<style>p{background:url(http://x/)}</style><p>a</p>", "<p>a</p>"),
        ('<p style="background:url(http://x/)">a</p>', "<p>a</p>"),
        ('<link rel="attachment" href="file:///etc/hostname">a', "a"),
        ('<iframe src="http://x/">inner</iframe>b', "b"),
        ('<object data="http://x/">inner</object>b', "b"),
        ('<embed src="http://x/">b', "b"),
        ('<svg><image href="http://x/"/></svg>b', "b"),
        ('<img src="file:///etc/passwd">', "<img>"),
        ('<img src="http://127.0.0.1:8000/x.png" alt="x">', '<img alt="x">'),
        ('<img src="data:text/html;base64,PGI+">', "<img>"),
        ('<img src="data:image/svg+xml;base64,PHN2Zz4=">', "<img>"),
        ('<a href="javascript:alert(1)">j</a>', "<a>j</a>"),
        ('<a href="http://example.org/">h</a>', "<a>h</a>"),
        ('<a href="/admin/">r</a>', "<a>r</a>"),
        (
            '<a href="https://example.org/" rel="attachment" target="_blank">s</a>',
            '<a href="https://example.org/">s</a>',
        ),
        (
            '<a href="mailto:board@example.nhs.uk">m</a>',
            '<a href="mailto:board@example.nhs.uk">m</a>',
        ),
        # h1 is the pack's own (the item title); a paper's headings h2-h6 are kept
        ("<h1>Big</h1><h2>Also</h2><h3>Ok</h3>", "Big<h2>Also</h2><h3>Ok</h3>"),
        ('<td colspan="2" onmouseover="x">c</td>', "c"),
        (
            '<table><tr><td colspan="2" rowspan="x">c</td></tr></table>',
            '<table><tbody><tr><td colspan="2">c</td></tr></tbody></table>',
        ),
        ("<form action='http://x'><input name=a></form>t", "t"),
        ("<!-- comment --><p>t</p>", "<p>t</p>"),
        ("", ""),
    ],
)
def test_clean_html(dirty, clean):
    assert clean_html(dirty) == clean


def test_inline_png_images_are_kept():
    html = f'<p><img src="{PNG}" alt="chart" width="40"></p>'
    assert clean_html(html) == html


def test_clean_is_idempotent_and_keeps_rich_text():
    rich = (
        "<h3>Background</h3><p><strong>Bold</strong> and <em>italic</em></p>"
        '<ul><li>One</li></ul><ol start="3"><li>Three</li></ol>'
        '<table><thead><tr><th scope="col">A</th></tr></thead>'
        "<tbody><tr><td>1</td></tr></tbody></table>"
        "<blockquote>Quote</blockquote>"
    )
    once = clean_html(rich)
    assert once == rich
    assert clean_html(once) == once


def test_none_is_empty():
    assert clean_html(None) == ""
