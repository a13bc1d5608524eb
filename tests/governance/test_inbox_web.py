"""The shared inbox and the sign-off page over HTTP: scoping by organisation,
conflicts of interest, blocked sign-offs, the secretariat's tasks."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.test import Client

from decisions import services
from governance.interests.services import interest_declare
from governance.organisations.models import Membership, Role
from governance.organisations.services import membership_end
from governance.signoffs.models import ConflictDeclaration, SignOffStatus
from tests.decisions.conftest import (  # noqa: F401 - fixtures
    decision_type,
    finance_post,
    fpc,
    ics,
    make_proposal,
    sord_board,
    sord_v1,
)
from tests.decisions.test_web_support import audit_count, login, open_signoff, text

pytestmark = pytest.mark.django_db


@pytest.fixture
def in_signoff(ics, make_proposal):  # noqa: F811
    p = make_proposal("50000")
    services.proposal_submit(actor=ics["proposer"], proposal=p)
    services.proposal_review(actor=ics["secretariat"], proposal=p, accept=True)
    return p


def _declare(person, org, description="Director of a partner"):
    return interest_declare(
        actor=person,
        person=person,
        interest_type="financial",
        description=description,
        related_organisation=org,
        valid_from=datetime.date(2024, 1, 1),
    )


def test_signatory_sees_only_own_organisations_signoffs(ics, in_signoff):  # noqa: F811
    trust_signoff = open_signoff(in_signoff, ics["trust"])
    council_signoff = open_signoff(in_signoff, ics["council"])
    council = login(ics["council_sign"])
    inbox = text(council.get("/inbox/"))
    assert f"/signoffs/{council_signoff.pk}/" in inbox
    assert f"/signoffs/{trust_signoff.pk}/" not in inbox
    assert f"{in_signoff.reference} Community beds" in inbox
    assert f'href="/proposals/{in_signoff.pk}/"' in inbox

    # organisation B's sign-off is 404 for organisation A's signatory, read or write
    assert council.get(f"/signoffs/{trust_signoff.pk}/").status_code == 404
    before = audit_count()
    response = council.post(f"/signoffs/{trust_signoff.pk}/", {"outcome": "approve"})
    assert response.status_code == 404
    trust_signoff.refresh_from_db()
    assert trust_signoff.status == SignOffStatus.PENDING
    assert audit_count() == before

    # an outsider and a non-signatory member of the trust: nothing, 404
    for who in ("outsider", "proposer"):
        client = login(ics[who])
        assert "Nothing to sign off." in text(client.get("/inbox/"))
        assert client.get(f"/signoffs/{trust_signoff.pk}/").status_code == 404
    assert client.get("/signoffs/999999/").status_code == 404

    anonymous = Client().get("/inbox/")
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]
    assert Client().get(f"/signoffs/{trust_signoff.pk}/").status_code == 302


def test_decided_signoff_page_shows_outcome_and_no_form(ics, in_signoff):  # noqa: F811
    signoff = open_signoff(in_signoff, ics["vcse"])
    client = login(ics["vcse_sign"])
    assert (
        client.post(
            f"/signoffs/{signoff.pk}/", {"outcome": "abstain", "comment": "Not our service"}
        ).status_code
        == 302
    )
    page = text(client.get(f"/signoffs/{signoff.pk}/"))
    assert "Abstained" in page and "Not our service" in page
    assert "Record the sign-off" not in page
    # posting again is refused with a clear message, nothing written
    before = audit_count()
    again = text(client.post(f"/signoffs/{signoff.pk}/", {"outcome": "approve"}))
    assert "This sign-off is no longer open" in again
    assert audit_count() == before


def test_bad_outcome_is_a_field_error(ics, in_signoff):  # noqa: F811
    signoff = open_signoff(in_signoff, ics["trust"])
    before = audit_count()
    response = login(ics["trust_sign"]).post(f"/signoffs/{signoff.pk}/", {"outcome": "maybe"})
    assert response.status_code == 200
    assert 'id="id_outcome_error"' in text(response)
    assert "There is a problem" in text(response)
    assert audit_count() == before


def test_conflicted_signatory_is_told_why_and_another_signs(ics, make_proposal):  # noqa: F811
    _declare(ics["trust_sign"], ics["council"], "Non-executive director of City Council")
    p = make_proposal("50000")
    services.proposal_submit(actor=ics["proposer"], proposal=p)
    services.proposal_review(actor=ics["secretariat"], proposal=p, accept=True)
    signoff = open_signoff(p, ics["trust"])
    assert not signoff.blocked  # trust_sign2 is free of conflict

    conflicted = login(ics["trust_sign"])
    assert "You are conflicted" in text(conflicted.get("/inbox/"))
    page = text(conflicted.get(f"/signoffs/{signoff.pk}/"))
    assert "You cannot sign this off" in page
    assert "You have declared an interest in City Council, a party to this decision" in page
    assert "Another authorised signatory of Acute Trust must act." in page
    assert "Record the sign-off" not in page

    response = conflicted.post(f"/signoffs/{signoff.pk}/", {"outcome": "approve"})
    assert response.status_code == 200
    assert "so you cannot sign it off" in text(response)
    signoff.refresh_from_db()
    assert signoff.status == SignOffStatus.PENDING
    assert ConflictDeclaration.objects.filter(signoff=signoff, person=ics["trust_sign"]).exists()

    other = login(ics["trust_sign2"])
    page = text(other.get(f"/signoffs/{signoff.pk}/"))
    assert "Record the sign-off" in page
    assert other.post(f"/signoffs/{signoff.pk}/", {"outcome": "approve"}).status_code == 302
    signoff.refresh_from_db()
    assert (signoff.status, signoff.signatory) == (SignOffStatus.APPROVED, ics["trust_sign2"])

    # the declaration is kept with the proposal and shown with the sign-off
    detail = text(login(ics["proposer"]).get(f"/proposals/{p.pk}/"))
    assert "Non-executive director of City Council" in detail


def test_blocked_signoff_is_shown_and_secretariat_told(
    ics,  # noqa: F811
    make_proposal,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    _declare(ics["trust_sign"], ics["vcse"])
    _declare(ics["trust_sign2"], ics["vcse"])
    p = make_proposal("50000")
    services.proposal_submit(actor=ics["proposer"], proposal=p)
    with django_capture_on_commit_callbacks(execute=True):
        services.proposal_review(actor=ics["secretariat"], proposal=p, accept=True)
    signoff = open_signoff(p, ics["trust"])
    assert signoff.blocked
    assert any(
        "blocked by conflicts of interest" in m.subject and ics["secretariat"].email in m.to
        for m in mail.outbox
    )

    signatory = login(ics["trust_sign"])
    assert "Blocked" in text(signatory.get("/inbox/"))
    page = text(signatory.get(f"/signoffs/{signoff.pk}/"))
    assert "This sign-off is blocked." in page

    secretariat = login(ics["secretariat"])
    inbox = text(secretariat.get("/inbox/"))
    blocked = inbox[inbox.index("Sign-offs blocked by conflicts of interest") :]
    assert f"/signoffs/{signoff.pk}/" in blocked
    # the secretariat may read the blocked sign-off, but it cannot sign for the trust
    page = text(secretariat.get(f"/signoffs/{signoff.pk}/"))
    assert "This sign-off is blocked." in page and "Record the sign-off" not in page
    assert secretariat.post(f"/signoffs/{signoff.pk}/", {"outcome": "approve"}).status_code == 403
    detail = text(login(ics["proposer"]).get(f"/proposals/{p.pk}/"))
    assert "every signatory has a conflict of interest" in detail


def test_secretariat_tasks_in_inbox(ics, make_proposal):  # noqa: F811
    p = make_proposal("750000")
    services.proposal_submit(actor=ics["proposer"], proposal=p)
    secretariat = login(ics["secretariat"])
    inbox = text(secretariat.get("/inbox/"))
    assert "Review the submission" in inbox and p.reference in inbox
    # nobody else sees the secretariat's tasks
    other = text(login(ics["trust_sign"]).get("/inbox/"))
    assert "Reviews and decisions for you" not in other and "Review the submission" not in other

    services.proposal_review(actor=ics["secretariat"], proposal=p, accept=True)
    assert "No reviews or decisions waiting." in text(secretariat.get("/inbox/"))
    for who, org in (("trust_sign", "trust"), ("council_sign", "council"), ("vcse_sign", "vcse")):
        signoff = open_signoff(p, ics[org])
        assert (
            login(ics[who]).post(f"/signoffs/{signoff.pk}/", {"outcome": "approve"}).status_code
            == 302
        )
    inbox = text(secretariat.get("/inbox/"))
    assert "Table it at the deciding committee&#x27;s meeting, or take chair&#x27;s action" in inbox


def test_a_membership_ending_takes_the_inbox_away(ics, in_signoff, superuser):  # noqa: F811
    signoff = open_signoff(in_signoff, ics["council"])
    membership = Membership.objects.get(user=ics["council_sign"], role=Role.SIGNATORY)
    membership_end(actor=superuser, membership=membership, reason="Left the council")
    client = login(ics["council_sign"])
    assert f"/signoffs/{signoff.pk}/" not in text(client.get("/inbox/"))
    assert client.get(f"/signoffs/{signoff.pk}/").status_code == 404


def test_inbox_queries_do_not_grow_per_signoff(ics, make_proposal):  # noqa: F811
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def raise_and_accept(n):
        for _ in range(n):
            p = make_proposal("50000")
            services.proposal_submit(actor=ics["proposer"], proposal=p)
            services.proposal_review(actor=ics["secretariat"], proposal=p, accept=True)

    def queries(client):
        client.get("/inbox/")
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/inbox/").status_code == 200
        return len(ctx.captured_queries)

    client = login(ics["council_sign"])
    raise_and_accept(2)
    few = queries(client)
    raise_and_accept(6)
    assert queries(client) == few
    assert text(client.get("/inbox/")).count("/signoffs/") == 8
