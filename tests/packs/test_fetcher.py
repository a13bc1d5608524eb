"""The URL fetcher: deny by default; our own static/media files and inline images only."""

from __future__ import annotations

import base64
import io

import pytest
from PIL import Image
from weasyprint import HTML

from governance.packs.fetcher import (
    BASE_URL,
    PackURLFetcher,
    Root,
    URLRefused,
    default_roots,
)
from tests.packs import helpers


def png_bytes() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (4, 4), (0, 94, 184)).save(out, format="PNG")
    return out.getvalue()


@pytest.fixture
def roots(tmp_path):
    static = tmp_path / "static"
    (static / "packs").mkdir(parents=True)
    (static / "packs" / "logo.png").write_bytes(png_bytes())
    (static / "packs" / "extra.css").write_text("p { color: red }")
    (static / "packs" / "notes.pdf").write_bytes(b"%PDF-1.7")
    (tmp_path / "outside.png").write_bytes(png_bytes())
    (static / "packs" / "escape.png").symlink_to(tmp_path / "outside.png")
    media = tmp_path / "media"
    media.mkdir()
    (media / "org-logo.png").write_bytes(png_bytes())
    return [Root("static/", str(static)), Root("media/", str(media))]


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "file://localhost/etc/hostname",
        "http://127.0.0.1:9/x.png",
        "https://example.org/logo.png",
        "ftp://example.org/x",
        "data:text/html;base64,PGgxPmhpPC9oMT4=",
        "data:text/css,p{background:url(http://127.0.0.1/)}",
        "data:image/svg+xml;base64,PHN2Zz48L3N2Zz4=",
        "data:image/png;base64,PGgxPmhpPC9oMT4=",  # says PNG, is not
        "data:image/png;base64,!!!notbase64",
        "javascript:alert(1)",
        "gopher://127.0.0.1/",
        "/etc/passwd",
    ],
)
def test_refuses(url, roots):
    fetcher = PackURLFetcher(roots)
    with pytest.raises(URLRefused):
        fetcher.fetch(url)
    assert fetcher.refused


def test_serves_inline_images():
    data = png_bytes()
    url = "data:image/png;base64," + base64.b64encode(data).decode()
    response = PackURLFetcher([]).fetch(url)
    assert response.read() == data
    assert response.content_type == "image/png"


def test_serves_own_static_and_media_files(roots):
    fetcher = PackURLFetcher(roots)
    assert fetcher.fetch(BASE_URL + "static/packs/logo.png").read() == png_bytes()
    css = fetcher.fetch(BASE_URL + "static/packs/extra.css")
    assert css.content_type == "text/css"
    assert fetcher.fetch(BASE_URL + "media/org-logo.png").read().startswith(b"\x89PNG")


@pytest.mark.parametrize(
    "path",
    [
        "static/../outside.png",
        "static/packs/../../outside.png",
        "static/packs/%2e%2e/%2e%2e/outside.png",
        "static/packs/..%2f..%2foutside.png",
        "static//etc/passwd",
        "static/packs/escape.png",  # a symlink that leads outside the root
        "static/packs/notes.pdf",  # not a style, font or image
        "static/packs/missing.png",
        "other/packs/logo.png",  # not a configured prefix
        "static/packs%5c..%5c..%5coutside.png",
    ],
)
def test_refuses_escapes_and_other_files(path, roots):
    with pytest.raises(URLRefused):
        PackURLFetcher(roots).fetch(BASE_URL + path)


def test_no_network_machinery_at_all():
    fetcher = PackURLFetcher([])
    assert fetcher.handlers == []
    with pytest.raises(URLRefused):
        fetcher.open("http://127.0.0.1/")


def test_default_roots_follow_settings(settings, tmp_path):
    settings.STATIC_URL = "static/"
    settings.STATIC_ROOT = str(tmp_path / "collected")
    settings.MEDIA_URL = "/media/"
    settings.MEDIA_ROOT = str(tmp_path / "uploads")
    roots = default_roots()
    assert Root("static/", str(tmp_path / "collected")) in roots
    assert Root("media/", str(tmp_path / "uploads")) in roots
    settings.MEDIA_URL = "https://cdn.example.org/media/"
    assert all(root.prefix != "media/" for root in default_roots())


def test_weasyprint_with_the_fetcher_fetches_nothing_from_raw_hostile_html(tmp_path):
    """Even HTML that never went through the sanitiser cannot make WeasyPrint fetch."""
    secret_file = tmp_path / "hostname"
    secret_file.write_text("HOST-FILE-CONTENT-4242")
    with helpers.recording_server() as server:
        port = server.server_address[1]
        svg = (
            '<svg xmlns="http://www.w3.org/2000/svg">'
            f'<image href="http://127.0.0.1:{port}/nested.png"/></svg>'
        )
        nested_svg = base64.b64encode(svg.encode()).decode()
        hostile = f"""
        <html><head>
          <link rel="stylesheet" href="http://127.0.0.1:{port}/style.css">
          <link rel="attachment" href="file://{secret_file}">
          <style>@import url("http://127.0.0.1:{port}/import.css");
            body {{ background: url("http://127.0.0.1:{port}/bg.png") }}
            @font-face {{ font-family: X; src: url("http://127.0.0.1:{port}/font.woff") }}</style>
        </head><body>
          <img src="file:///etc/passwd"><img src="http://127.0.0.1:{port}/img.png">
          <a rel="attachment" href="file://{secret_file}">attached</a>
          <p style="background: url(http://127.0.0.1:{port}/inline.png)">styled</p>
          <iframe src="http://127.0.0.1:{port}/frame"></iframe>
          <object data="http://127.0.0.1:{port}/object"></object>
          <embed src="http://127.0.0.1:{port}/embed">
          <svg><image href="http://127.0.0.1:{port}/svg.png" width="10" height="10"/></svg>
          <img src="data:image/svg+xml;base64,{nested_svg}">
        </body></html>"""
        fetcher = PackURLFetcher([])
        pdf = HTML(string=hostile, base_url=BASE_URL, url_fetcher=fetcher).write_pdf()
        assert server.hits == []
    assert helpers.embedded_files(pdf) == []
    assert "HOST-FILE-CONTENT-4242" not in helpers.raw_objects_text(pdf)
    assert any("file://" in url for url in fetcher.refused)
    assert any(f"127.0.0.1:{port}" in url for url in fetcher.refused)


def test_without_the_fetcher_weasyprint_would_embed_the_file(tmp_path):
    """The threat is real: WeasyPrint's default fetcher embeds a local file."""
    secret_file = tmp_path / "hostname"
    secret_file.write_text("HOST-FILE-CONTENT-4242")
    pdf = HTML(string=f'<link rel="attachment" href="file://{secret_file}"><p>x</p>').write_pdf()
    assert helpers.embedded_files(pdf) != []
