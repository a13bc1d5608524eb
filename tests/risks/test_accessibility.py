"""Structural accessibility of the risk pages, by the project's common checks (one h1,
labelled controls, unique ids, captions, header scopes, legends)."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from governance.risks import services
from tests.decisions.test_web_accessibility import check

pytestmark = pytest.mark.django_db


def test_risk_pages_are_structurally_accessible(client, rics, make_risk, registered_risk):
    risk = registered_risk(next_review_date=timezone.localdate() - datetime.timedelta(days=1))
    services.review_tasks_raise_due()
    services.risk_review(
        actor=rics["owner"], risk=risk, current_likelihood=4, current_consequence=4, comment="Up"
    )
    pending = make_risk(title="Pending acceptance")
    services.risk_submit(actor=rics["owner"], risk=pending)
    pages = {
        "secretariat": [
            "/risks/",
            "/risks/?likelihood=4&consequence=4",
            "/risks/?min_score=99",  # a filter error shown
            "/risks/escalated/",
            "/risks/reviews/",
            f"/risks/{risk.pk}/",
            f"/risks/{risk.pk}/edit/",
            "/risks/new/",
        ],
        "trust_sign": [f"/risks/{pending.pk}/", "/risks/"],
        "owner": [f"/risks/{risk.pk}/", f"/risks/{pending.pk}/edit/"],
    }
    for who, urls in pages.items():
        client.force_login(rics[who])
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, url
            check(response.content.decode())
    # pages redisplayed with errors
    client.force_login(rics["owner"])
    bad_review = client.post(
        f"/risks/{risk.pk}/review/", {"current_likelihood": "9", "current_consequence": "x"}
    )
    assert bad_review.status_code == 400
    check(bad_review.content.decode())
    bad_new = client.post("/risks/new/", {"title": ""})
    assert bad_new.status_code == 400
    check(bad_new.content.decode())
