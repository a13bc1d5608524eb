"""Who viewed what, on the two remaining pages that show a confidential proposal: the
sign-off page a partner's signatory opens from their tasks, and the full entry of the
decision register. A permitted reader is recorded (and shows under "Who has seen
this?"); a refused reader, or a reader of the summary only, writes nothing."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from decisions import services
from governance.audit.models import ReadAccess
from governance.signoffs.selectors import open_signoffs_for
from governance.signoffs.services import signoff_decide
from tests.decisions.test_web_support import open_signoff

pytestmark = pytest.mark.django_db


def _client(user=None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _reads() -> list[tuple]:
    return list(ReadAccess.objects.values_list("user__username", "how", "target_type"))


@pytest.fixture
def in_signoff(ics, make_proposal):
    p = make_proposal(
        "50000",
        title="Disposal of Calder Mills site",
        is_confidential=True,
        exemption_reason="Commercial interests (FOIA s43)",
    )
    services.proposal_submit(actor=ics["proposer"], proposal=p)
    services.proposal_review(actor=ics["secretariat"], proposal=p, accept=True)
    return p


def test_the_signoff_page_of_a_confidential_proposal_records_its_signatory(ics, in_signoff):
    signoff = open_signoff(in_signoff, ics["council"])
    url = reverse("signoffs:signoff", args=[signoff.pk])
    response = _client(ics["council_sign"]).get(url)
    assert response.status_code == 200
    assert "Disposal of Calder Mills site" in response.content.decode()
    assert _reads() == [("council_sign", "page", "decisions.proposal")]
    read = ReadAccess.objects.get()
    assert read.target_id == str(in_signoff.pk) and read.organisation == ics["council"]


def test_a_refused_signoff_page_records_nothing(ics, in_signoff):
    signoff = open_signoff(in_signoff, ics["council"])
    url = reverse("signoffs:signoff", args=[signoff.pk])
    # someone from an organisation outside the proposal; an anonymous caller
    assert _client(ics["outsider"]).get(url).status_code == 404
    assert _client().get(url).status_code == 302  # to the sign-in page
    assert ReadAccess.objects.count() == 0


def test_the_signoff_page_of_a_public_proposal_records_nothing(ics, make_proposal):
    p = make_proposal("50000")
    services.proposal_submit(actor=ics["proposer"], proposal=p)
    services.proposal_review(actor=ics["secretariat"], proposal=p, accept=True)
    signoff = open_signoff(p, ics["council"])
    url = reverse("signoffs:signoff", args=[signoff.pk])
    assert _client(ics["council_sign"]).get(url).status_code == 200
    assert ReadAccess.objects.count() == 0


@pytest.fixture
def decided(ics, in_signoff):
    for who in ("trust_sign", "council_sign", "vcse_sign"):
        signoff = open_signoffs_for(ics[who]).get(subject_id=in_signoff.pk)
        signoff_decide(actor=ics[who], signoff=signoff, outcome="approve", comment="")
    return services.proposal_decide_as_officer(
        actor=ics["icb_sign"], proposal=in_signoff, outcome="approved", reason="Best value."
    )


def test_the_full_register_entry_of_a_confidential_decision_is_recorded(ics, decided):
    assert decided.is_confidential
    url = reverse("decisions:register-entry", args=[decided.reference])
    response = _client(ics["trust_sign"]).get(url)
    assert response.status_code == 200
    assert "Disposal of Calder Mills site" in response.content.decode()
    assert _reads() == [("trust_sign", "page", "decisions.decisionentry")]
    # it is listed under "Who has seen this?" on the proposal's history
    history = _client(ics["auditor"]).get(
        reverse("history:detail", args=["proposal", decided.proposal_id])
    )
    page = history.content.decode()
    assert "Who has seen this?" in page and "Viewed the page" in page
    assert ics["trust_sign"].get_full_name() in page.split("Who has seen this?")[1]


def test_the_summary_of_a_confidential_entry_records_nothing(ics, decided):
    url = reverse("decisions:register-entry", args=[decided.reference])
    for client in (_client(), _client(ics["outsider"])):
        response = client.get(url)
        assert response.status_code == 200  # the public summary: reference, date, reason
        assert "Disposal of Calder Mills site" not in response.content.decode()
    assert ReadAccess.objects.count() == 0
