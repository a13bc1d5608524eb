"""Emoji and symbols in a pack are drawn with a font that has them (no empty boxes).

CI installs Debian's fonts-noto-color-emoji (.ci/run); pack.css names "Noto Color Emoji"
after the text fonts. On a developer machine without it the test is skipped, saying so;
in CI (``CI`` set) a missing font fails the test instead of hiding it.
"""

from __future__ import annotations

import dataclasses
import os
import shutil
import subprocess

import pytest

from governance.packs.engine import render_pack
from tests.packs import helpers
from tests.packs.conftest import make_items, make_spec

TITLE = "🏥 Frailty ✓ → virtual ward"


def emoji_font_installed() -> bool:
    if not shutil.which("fc-list"):
        return False
    listed = subprocess.run(  # noqa: S603
        [shutil.which("fc-list"), ":", "family"], capture_output=True, text=True, check=False
    ).stdout
    return "Noto Color Emoji" in listed


@pytest.fixture(scope="module")
def emoji_pack():
    if not emoji_font_installed():
        if os.environ.get("CI"):
            pytest.fail("fonts-noto-color-emoji is not installed: .ci/run must install it")
        pytest.skip(
            "Noto Color Emoji is not installed here (apt-get install fonts-noto-color-emoji)"
        )
    items = make_items()[:3]
    items[1] = dataclasses.replace(
        items[1], title=TITLE, paper_html="<p>Beds ✓ 🛏️ £1,250,000 → 2027 ☎ ⚠</p>"
    )
    return render_pack(make_spec("public", items=items))


def fonts_used(pdf: bytes) -> set[str]:
    names = set()
    for page in helpers.reader(pdf).pages:
        fonts = page.get("/Resources", {}).get("/Font", {})
        for ref in fonts.values():
            names.add(str(ref.get_object().get("/BaseFont")))
    return names


def test_emoji_font_is_embedded_and_the_title_reads_back(emoji_pack):
    fonts = fonts_used(emoji_pack.pdf)
    assert any("Noto-Color-Emoji" in name for name in fonts), fonts
    text = "\n".join(helpers.page_texts(emoji_pack.pdf))
    assert TITLE in text
    assert "🛏" in text and "⚠" in text
    assert f"2. {TITLE}" in emoji_pack.outline


def test_symbols_come_from_a_text_font(emoji_pack):
    """✓ and → are drawn by the text fonts (DejaVu Sans has them), not left as boxes."""
    fonts = fonts_used(emoji_pack.pdf)
    assert any("DejaVu" in name or "Liberation" in name for name in fonts), fonts
