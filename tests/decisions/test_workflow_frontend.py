"""viewflow's frontend at /workflow/: for the ICB secretariat and auditors only."""

from __future__ import annotations

import pytest
from viewflow.workflow.models import Process

from decisions import services

pytestmark = pytest.mark.django_db


@pytest.fixture
def running(ics, make_proposal):
    p = make_proposal("50000", is_confidential=True, exemption_reason="Commercial")
    services.proposal_submit(actor=ics["proposer"], proposal=p)
    services.proposal_review(actor=ics["secretariat"], proposal=p, accept=True)
    return p


@pytest.mark.parametrize("who", ["secretariat", "auditor"])
def test_secretariat_and_auditors_see_every_process(client, ics, running, who):
    client.force_login(ics[who])
    response = client.get("/workflow/", follow=True)
    assert response.status_code == 200
    process = Process.objects.get(artifact_object_id=running.pk)
    listing = client.get("/workflow/decision/flows/")
    assert listing.status_code == 200
    assert f"/workflow/decision/{process.pk}/".encode() in listing.content
    assert client.get("/workflow/decision/chart/").status_code == 200
    assert client.get(f"/workflow/decision/{process.pk}/").status_code == 200


def test_the_frontend_cannot_cancel_a_process(client, ics, running):
    """Manual cancel would bypass the services (and the audit trail): refused."""
    client.force_login(ics["secretariat"])
    process = Process.objects.get(artifact_object_id=running.pk)
    response = client.post(f"/workflow/decision/{process.pk}/cancel/")
    assert response.status_code in (403, 404, 405)
    process.refresh_from_db()
    assert process.status != "CANCELED"


@pytest.mark.parametrize("who", ["proposer", "trust_sign", "outsider"])
def test_everyone_else_is_kept_out(client, ics, running, who):
    client.force_login(ics[who])
    for url in ("/workflow/", "/workflow/decision/flows/", "/workflow/decision/tasks/"):
        response = client.get(url)
        assert response.status_code in (302, 403, 404), url
        assert running.title.encode() not in response.content


def test_anonymous_is_sent_to_log_in(client, running):
    response = client.get("/workflow/decision/flows/")
    assert response.status_code in (302, 403)
