"""At 390 px the meeting's run and conduct pages and the decision register use the NHS.UK
responsive table pattern, not sideways-scrolling boxes: every table is
``nhsuk-table--responsive``, none sits in a scroll box, and every data cell carries its
column's heading (``{% cell_heading %}``, shown above the value on a phone)."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from django.test import Client

from decisions.models import DecisionEntry
from governance.meetings.services import agenda, conduct
from tests.meetings.test_conduct import attend, ballot

pytestmark = pytest.mark.django_db


class Tables(HTMLParser):
    """Each table's classes, whether it is inside a scroll box, and its body's data cells
    (tag, colspan, whether the cell starts with a heading span)."""

    def __init__(self):
        super().__init__()
        self.stack: list[tuple[str, dict]] = []
        self.tables: list[dict] = []
        self.cell: dict | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        classes = (attrs.get("class") or "").split()
        if tag == "table":
            scrolled = any("app-table-scroll" in (a.get("class") or "") for _, a in self.stack)
            self.tables.append({"classes": classes, "scrolled": scrolled, "cells": []})
        in_body = any(t == "tbody" for t, _ in self.stack)
        if (
            self.tables
            and in_body
            and (tag == "td" or (tag == "th" and attrs.get("scope") == "row"))
        ):
            self.cell = {"tag": tag, "colspan": int(attrs.get("colspan") or 1), "headed": None}
            self.tables[-1]["cells"].append(self.cell)
        elif self.cell is not None and self.cell["headed"] is None:
            self.cell["headed"] = tag == "span" and "nhsuk-table__heading" in classes
        if tag not in ("input", "br", "img", "meta", "link"):
            self.stack.append((tag, attrs))

    def handle_data(self, data):
        if self.cell is not None and self.cell["headed"] is None and data.strip():
            self.cell["headed"] = False  # text before any heading

    def handle_endtag(self, tag):
        if tag in ("td", "th"):
            self.cell = None
        while self.stack:
            if self.stack.pop()[0] == tag:
                break


def tables_of(html: str) -> list[dict]:
    parser = Tables()
    parser.feed(html)
    return parser.tables


def assert_responsive(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    tables = tables_of(response.content.decode())
    assert tables, url
    for n, table in enumerate(tables):
        assert "nhsuk-table--responsive" in table["classes"], (url, n)
        assert not table["scrolled"], (url, n)
        for cell in table["cells"]:
            if cell["colspan"] >= 4:
                continue  # a whole-row message ("None declared.")
            assert cell["headed"], (url, n, cell)
    return tables


def test_run_conduct_and_register_tables_are_responsive(ics, board, make_meeting, ready_proposal):
    held = make_meeting(days=-1)
    decided = ready_proposal(value="750000", title="Community diagnostic centre")
    open_item = ready_proposal(value="800000", title="Falls prevention service")
    item = agenda.item_table_subject(actor=ics["secretariat"], meeting=held, subject=decided)
    pending = agenda.item_table_subject(actor=ics["secretariat"], meeting=held, subject=open_item)
    attend(ics, board, held, present={"chair", "nec1", "nec2", "ceo", "cfo"})
    conduct.item_decide(
        actor=ics["secretariat"],
        item=item,
        votes=ballot(board, for_=["chair", "nec1", "nec2", "ceo"], against=["cfo"]),
    )
    entry = DecisionEntry.objects.get(proposal=decided)

    client = Client()
    client.force_login(ics["secretariat"])
    run = assert_responsive(client, f"/meetings/{held.pk}/run/")
    assert any(len(t["cells"]) >= 5 for t in run)  # the attendance table has its rows
    named = assert_responsive(client, f"/meetings/items/{item.pk}/conduct/")  # decided
    assert any(c["tag"] == "th" for t in named for c in t["cells"])  # named votes by member
    assert_responsive(client, f"/meetings/items/{pending.pk}/conduct/")  # the voting form
    register = assert_responsive(client, "/decisions/")
    assert sum(len(t["cells"]) for t in register) >= 5
    assert_responsive(client, f"/decisions/{entry.reference}/")


def test_the_parser_sees_a_scroll_box_and_a_bare_cell():
    html = (
        '<div class="app-table-scroll"><table class="nhsuk-table"><tbody><tr>'
        '<td class="nhsuk-table__cell">£1,000</td></tr></tbody></table></div>'
    )
    [table] = tables_of(html)
    assert table["scrolled"] and table["cells"] == [{"tag": "td", "colspan": 1, "headed": False}]
