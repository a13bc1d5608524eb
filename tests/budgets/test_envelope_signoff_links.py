"""The envelope page links each partner's sign-off of the envelope: "Sign off" for the
partner's signatory while it is open, "View the sign-off" for whoever else may open that
page (the sign-off page's own check), and no link that would answer 404."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from budgets.services import envelope as env_services
from governance.signoffs.models import SignOff
from tests.budgets.envelope_fixtures import sign_round

pytestmark = pytest.mark.django_db

ENVELOPE_SIGNOFFS = SignOff.objects.filter(subject_type__model="systemenvelope")
LINK = re.compile(r'<a href="/signoffs/(\d+)/">(Sign off|View the sign-off)<span')


@pytest.fixture
def in_signoff(make_envelope, env_parties):
    """The envelope agreed by every partner but the ambulance trust, which is still to sign."""
    p = env_parties
    envelope = make_envelope(agree=False)
    env_services.envelope_submit(actor=p["icb_lead"], envelope=envelope)
    sign_round(p, envelope, keys=["icb", "acute", "mh"])
    envelope.refresh_from_db()
    return envelope


def links(user, envelope) -> dict[int, str]:
    client = Client()
    client.force_login(user)
    page = client.get(f"/envelopes/{envelope.pk}/")
    assert page.status_code == 200
    return {int(pk): text for pk, text in LINK.findall(page.content.decode())}


def test_the_open_signoff_is_linked_for_its_signatory(in_signoff, env_parties):
    p = env_parties
    amb = ENVELOPE_SIGNOFFS.get(subject_id=in_signoff.pk, organisation=p["amb"], status="pending")
    assert links(p["amb_lead"], in_signoff)[amb.pk] == "Sign off"
    assert links(p["auditor"], in_signoff)[amb.pk] == "View the sign-off"  # reads, never signs
    acute = ENVELOPE_SIGNOFFS.get(subject_id=in_signoff.pk, organisation=p["acute"])
    assert links(p["acute_lead"], in_signoff)[acute.pk] == "View the sign-off"  # decided


@pytest.mark.parametrize(
    "who", ["icb_lead", "icb_sec", "acute_lead", "acute_member", "amb_lead", "auditor"]
)
def test_a_link_is_shown_exactly_when_its_page_opens(in_signoff, env_parties, who):
    user = env_parties[who]
    shown = links(user, in_signoff)
    client = Client()
    client.force_login(user)
    signoffs = ENVELOPE_SIGNOFFS.filter(subject_id=in_signoff.pk, round=in_signoff.signoff_round)
    assert signoffs.count() == 4
    for s in signoffs:
        status = client.get(f"/signoffs/{s.pk}/").status_code
        assert (s.pk in shown) == (status == 200), (who, s.organisation.name, status)


def test_outsiders_see_no_envelope_and_no_link(in_signoff, env_parties):
    client = Client()
    client.force_login(env_parties["outsider"])
    assert client.get(f"/envelopes/{in_signoff.pk}/").status_code == 404
