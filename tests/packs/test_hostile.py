"""Hostile papers through the whole engine: nothing is fetched, nothing is embedded."""

from __future__ import annotations

import dataclasses

from governance.packs.engine import render_pack
from governance.packs.spec import PackItem
from tests.packs import helpers
from tests.packs.conftest import make_items, make_spec


def hostile_html(port: int, secret_path: str) -> str:
    return f"""
    <p>Ordinary text.</p>
    <img src="file:///etc/passwd" alt="passwd">
    <img src="http://127.0.0.1:{port}/x.png" alt="tracker">
    <img src="https://127.0.0.1:{port}/y.png">
    <link rel="attachment" href="file://{secret_path}">
    <a rel="attachment" href="file://{secret_path}">attachment link</a>
    <a href="http://127.0.0.1:{port}/clicked">plain http link</a>
    <style>p {{ background: url(http://127.0.0.1:{port}/css.png) }}
           @import url(http://127.0.0.1:{port}/import.css);</style>
    <p style="background-image: url('http://127.0.0.1:{port}/inline.png')">styled</p>
    <iframe src="http://127.0.0.1:{port}/frame">frame</iframe>
    <object data="http://127.0.0.1:{port}/object">object</object>
    <embed src="http://127.0.0.1:{port}/embed">
    <svg><image href="http://127.0.0.1:{port}/svg.png"/></svg>
    <table background="http://127.0.0.1:{port}/table.png"><tr><td>cell</td></tr></table>
    <img src="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">
    <p onmouseover="alert(1)">handler</p><script>document.write('x')</script>
    """


def test_hostile_papers_fetch_nothing_and_embed_nothing(tmp_path):
    secret = tmp_path / "hostname"
    secret.write_text("LOCAL-SECRET-FILE-9911")
    with helpers.recording_server() as server:
        port = server.server_address[1]
        evil = hostile_html(port, str(secret))
        items = [
            dataclasses.replace(
                item,
                paper_html=item.paper_html + evil,
                cover_sheet={**item.cover_sheet, "Risks": evil},
            )
            for item in make_items()[:4]
        ]
        items.append(PackItem(number="99", title="Raw", paper_html=evil))
        for variant in ("members", "public"):
            pack = render_pack(make_spec(variant, items=items))
            assert helpers.embedded_files(pack.pdf) == []
            raw = helpers.raw_objects_text(pack.pdf)
            text = "\n".join(helpers.page_texts(pack.pdf))
            assert "LOCAL-SECRET-FILE-9911" not in raw + text
            assert "root:x:0:0" not in raw + text
            assert "Ordinary text." in text
            assert "handler" in text and "alert(1)" not in text
            # The plain-http link lost its address: no link annotation points there.
            assert f"127.0.0.1:{port}" not in raw
        assert server.hits == []
