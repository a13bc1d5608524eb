"""The fund page laid out by a real browser (Debian's chromium through Playwright) at a
phone's width, 390 px, with the app's own stylesheets: nothing scrolls sideways and a
negative amount stays on one line with its minus sign.

The page is rendered by the test client and handed to the browser with NHS.UK
frontend's and the app's CSS inlined, so no server is needed (the journeys in
tests/browser/ drive the whole app on PostgreSQL)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.conf import settings

from budgets import services
from tests.budgets.helpers import commit
from tests.budgets.test_web import login

pytestmark = pytest.mark.django_db

CHROMIUM = os.environ.get("BROWSER_CHROMIUM", "/usr/bin/chromium")
STYLESHEETS = [
    Path(settings.BASE_DIR) / "node_modules/nhsuk-frontend/dist/nhsuk/nhsuk-frontend.min.css",
    Path(settings.BASE_DIR) / "static/css/app.css",
]


def _browser():
    if os.environ.get("CI"):
        from playwright.sync_api import sync_playwright
    else:
        sync_playwright = pytest.importorskip("playwright.sync_api").sync_playwright
        if not Path(CHROMIUM).exists() or not all(p.exists() for p in STYLESHEETS):
            pytest.skip("needs chromium and the npm packages (npm ci)")
    return sync_playwright


def test_fund_page_at_390px(parties, fund):
    sync_playwright = _browser()
    commit(parties, fund, amount="100000.00")
    services.scheme_line_set_forecast(
        actor=parties["manager"], line=fund.lines.get(code="S1"), forecast_outturn="450000.00"
    )
    html = login(parties["manager"]).get(f"/funds/{fund.pk}/").content.decode()
    css = "\n".join(p.read_text() for p in STYLESHEETS)
    html = html.replace("</head>", f"<style>{css}</style></head>")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            page = browser.new_page(viewport={"width": 390, "height": 800})
            page.route("**/*", lambda route: route.abort())  # nothing fetched
            page.set_content(html, wait_until="domcontentloaded")
            assert page.evaluate("document.documentElement.scrollWidth") <= 390
            negatives = page.locator(".app-money--negative")
            assert negatives.count() >= 4  # the line's variance and three partner shares
            for i in range(negatives.count()):
                one = negatives.nth(i)
                assert one.inner_text().startswith("\u2212£")
                # one line box (an inline box that wraps has one per line): the minus
                # never sits alone above the figure
                assert one.evaluate("e => e.getClientRects().length") == 1
            # the chart scales to the phone's width
            chart = page.locator("svg.app-fund-chart").bounding_box()
            assert chart["width"] <= 390
        finally:
            browser.close()
