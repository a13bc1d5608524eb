"""Structural accessibility checks on every page of the web UI: one h1, labelled form
controls, unique ids, tables with captions and header scopes, error summaries."""

from __future__ import annotations

import datetime
import re
from collections import Counter
from html.parser import HTMLParser

import pytest
from django.test import Client

from decisions import services
from decisions.models import DecisionEntry
from governance.interests.services import interest_declare
from tests.decisions.test_web_support import login, open_signoff, text

pytestmark = pytest.mark.django_db


class Page(HTMLParser):
    def __init__(self):
        super().__init__()
        self.ids: list[str] = []
        self.label_for: set[str] = set()
        self.controls: list[dict] = []
        self.h1 = 0
        self.tables = 0
        self.captions = 0
        self.th_without_scope = 0
        self.lang = None
        self.fieldset_depth = 0
        self.legends = 0
        self.fieldsets = 0

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if "id" in a:
            self.ids.append(a["id"])
        if tag == "html":
            self.lang = a.get("lang")
        elif tag == "h1":
            self.h1 += 1
        elif tag == "label" and a.get("for"):
            self.label_for.add(a["for"])
        elif tag in ("input", "select", "textarea") and a.get("type") not in (
            "hidden",
            "submit",
        ):
            self.controls.append({**a, "_in_fieldset": self.fieldset_depth > 0})
        elif tag == "table":
            self.tables += 1
        elif tag == "caption":
            self.captions += 1
        elif tag == "th" and "scope" not in a:
            self.th_without_scope += 1
        elif tag == "fieldset":
            self.fieldset_depth += 1
            self.fieldsets += 1
        elif tag == "legend":
            self.legends += 1

    def handle_endtag(self, tag):
        if tag == "fieldset":
            self.fieldset_depth -= 1


def check(html: str) -> None:
    page = Page()
    page.feed(html)
    assert page.lang == "en-GB"
    assert page.h1 == 1, "one h1 per page"
    duplicates = [i for i, n in Counter(page.ids).items() if n > 1]
    assert not duplicates, f"duplicate ids: {duplicates}"
    for control in page.controls:
        labelled = control.get("id") in page.label_for or control.get("aria-label")
        assert labelled, f"unlabelled control {control}"
    assert page.tables == page.captions, "every table has a caption"
    assert page.th_without_scope == 0, "every th has a scope"
    assert page.fieldsets == page.legends, "every fieldset has a legend"


@pytest.fixture
def world(ics, make_proposal, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    interest_declare(
        actor=ics["trust_sign"],
        person=ics["trust_sign"],
        interest_type="financial",
        description="Director of a council company",
        related_organisation=ics["council"],
        valid_from=datetime.date(2024, 1, 1),
    )
    decided = make_proposal("50000", title="Decided one")
    services.proposal_submit(actor=ics["proposer"], proposal=decided)
    services.proposal_review(actor=ics["secretariat"], proposal=decided, accept=True)
    for who, org in (("trust_sign2", "trust"), ("council_sign", "council"), ("vcse_sign", "vcse")):
        login(ics[who]).post(
            f"/signoffs/{open_signoff(decided, ics[org]).pk}/", {"outcome": "approve"}
        )
    services.proposal_decide_as_officer(
        actor=ics["icb_sign"], proposal=decided, outcome="approved", reason="Within budget."
    )
    in_signoff = make_proposal("50000", title="In sign-off")
    services.proposal_submit(actor=ics["proposer"], proposal=in_signoff)
    services.proposal_review(actor=ics["secretariat"], proposal=in_signoff, accept=True)
    submitted = make_proposal("750000", title="Submitted")
    services.proposal_submit(actor=ics["proposer"], proposal=submitted)
    draft = make_proposal("50000", title="Draft")
    return {
        "decided": decided,
        "in_signoff": in_signoff,
        "submitted": submitted,
        "draft": draft,
        "entry": DecisionEntry.objects.get(proposal=decided),
    }


def test_pages_are_structurally_accessible(ics, world):
    proposer, secretariat = login(ics["proposer"]), login(ics["secretariat"])
    trust_sign = login(ics["trust_sign"])
    signoff = open_signoff(world["in_signoff"], ics["trust"])
    pages = [
        (proposer, "/proposals/"),
        (proposer, "/proposals/new/"),
        (proposer, f"/proposals/{world['draft'].pk}/"),
        (proposer, f"/proposals/{world['draft'].pk}/edit/"),
        (proposer, f"/proposals/{world['in_signoff'].pk}/"),
        (secretariat, f"/proposals/{world['submitted'].pk}/"),
        (secretariat, "/proposals/"),
        (secretariat, "/inbox/"),
        (trust_sign, "/inbox/"),
        (trust_sign, f"/signoffs/{signoff.pk}/"),
        (login(ics["trust_sign2"]), f"/signoffs/{signoff.pk}/"),
        (Client(), "/decisions/"),
        (Client(), f"/decisions/{world['entry'].reference}/"),
        (trust_sign, "/interests/"),
        (trust_sign, "/interests/new/"),
        (secretariat, "/interests/"),
        (secretariat, "/interests/new/"),
        (Client(), "/interests/register/"),
    ]
    for client, url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        try:
            check(text(response))
        except AssertionError as exc:
            raise AssertionError(f"{url}: {exc}") from exc


def test_pages_with_errors_are_accessible(ics, world):
    proposer, secretariat = login(ics["proposer"]), login(ics["secretariat"])
    responses = [
        proposer.post("/proposals/new/", {"title": ""}),
        proposer.post(f"/proposals/{world['draft'].pk}/withdraw/", {"withdraw-reason": ""}),
        secretariat.post(f"/proposals/{world['submitted'].pk}/return/", {"return-reason": ""}),
        login(ics["trust_sign2"]).post(
            f"/signoffs/{open_signoff(world['in_signoff'], ics['trust']).pk}/",
            {"outcome": "reject"},
        ),
        login(ics["trust_sign"]).post("/interests/new/", {"description": ""}),
    ]
    for response in responses:
        html = text(response)
        check(html)
        assert "<title>Error: " in html
        assert re.search(r'class="nhsuk-error-summary"[^>]*>\s*<div role="alert">', html)
        assert 'aria-invalid="true"' in html
