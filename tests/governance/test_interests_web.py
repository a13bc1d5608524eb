"""The register of interests over HTTP: declare, change, end; who may; every change
audited; the published register."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from governance.audit.models import AuditEvent
from governance.interests.models import Interest
from governance.interests.services import interest_declare
from governance.organisations.models import OrganisationKind, Role
from tests.decisions.test_web_support import audit_count, login, text

pytestmark = pytest.mark.django_db


def _named(user, first, last):
    user.first_name, user.last_name = first, last
    user.save()
    return user


@pytest.fixture
def people(make_org, make_user, icb):
    trust = make_org("Acute Trust", OrganisationKind.NHS_TRUST, "RA1")
    vcse = make_org("VCSE Alliance", OrganisationKind.VCSE, "1123456")
    return {
        "trust": trust,
        "vcse": vcse,
        "icb": icb,
        "alice": _named(make_user(trust, Role.SIGNATORY, "alice"), "Alice", "Ames"),
        "bob": _named(make_user(trust, Role.MEMBER, "bob"), "Bob", "Bell"),
        "sec": make_user(icb, Role.SECRETARIAT, "sec"),
        "auditor": make_user(icb, Role.AUDITOR, "auditor"),
        "trust_sec": make_user(trust, Role.SECRETARIAT, "trust_sec"),
    }


def _declare(actor, person, org, description="Trustee", **kw):
    return interest_declare(
        actor=actor,
        person=person,
        interest_type="non_financial_personal",
        description=description,
        related_organisation=org,
        valid_from=kw.pop("valid_from", datetime.date(2024, 4, 1)),
        **kw,
    )


def _form(org, **overrides):
    data = {
        "interest_type": "financial",
        "description": "Shareholder in VCSE Trading Ltd",
        "related_organisation": org.pk,
        "valid_from": "2025-01-06",
        "valid_to": "",
        "is_published": "on",
        "reason": "",
    }
    data.update(overrides)
    return data


def test_person_declares_edits_and_ends_own_interest(people):
    alice = login(people["alice"])
    page = alice.get("/interests/new/")
    assert page.status_code == 200
    assert 'name="person"' not in text(page)  # a person declares only their own

    response = alice.post("/interests/new/", _form(people["vcse"], reason="New role"))
    assert response.status_code == 302
    interest = Interest.objects.get(person=people["alice"])
    assert interest.related_organisation == people["vcse"]
    declared = AuditEvent.objects.get(verb="interest.declared", target_id=str(interest.pk))
    assert declared.actor == people["alice"] and declared.reason == "New role"

    listing = text(alice.get("/interests/"))
    assert "Shareholder in VCSE Trading Ltd" in listing
    assert "Everyone&#x27;s entries" not in listing

    response = alice.post(
        f"/interests/{interest.pk}/edit/",
        _form(people["vcse"], description="Shareholder (2%) in VCSE Trading Ltd", reason="Typo"),
    )
    assert response.status_code == 302
    interest.refresh_from_db()
    assert interest.description == "Shareholder (2%) in VCSE Trading Ltd"
    updated = AuditEvent.objects.get(verb="interest.updated", target_id=str(interest.pk))
    assert updated.actor == people["alice"]
    assert set(updated.changes) == {"description"}

    page = text(alice.get(f"/interests/{interest.pk}/edit/"))
    assert "History of this entry" in page
    assert "Interest declared" in page and "Register entry changed" in page

    response = alice.post(
        f"/interests/{interest.pk}/end/", {"valid_to": "2025-06-30", "reason": "Sold"}
    )
    assert response.status_code == 302
    interest.refresh_from_db()
    assert interest.valid_to == datetime.date(2025, 6, 30)
    assert (
        AuditEvent.objects.filter(verb="interest.updated", target_id=str(interest.pk)).count() == 2
    )


def test_bad_input_shows_errors_and_writes_nothing(people):
    alice = login(people["alice"])
    before = audit_count()
    response = alice.post(
        "/interests/new/",
        _form(people["vcse"], interest_type="", description="  ", valid_from="2025-02-30"),
    )
    assert response.status_code == 200
    body = text(response)
    assert "There is a problem" in body
    for field in ("interest_type", "description", "valid_from"):
        assert f'id="id_{field}_error"' in body
    assert "Enter a real date." in body
    response = alice.post(
        "/interests/new/", _form(people["vcse"], valid_from="2025-05-01", valid_to="2025-04-01")
    )
    assert "The end date cannot be before the start date." in text(response)
    assert 'id="id_valid_to_error"' in text(response)
    assert Interest.objects.count() == 0
    assert audit_count() == before

    interest = _declare(people["alice"], people["alice"], people["vcse"])
    before = audit_count()
    response = alice.post(f"/interests/{interest.pk}/end/", {"valid_to": "2020-01-01"})
    assert "it cannot end before that" in text(response)
    interest.refresh_from_db()
    assert interest.valid_to is None
    assert audit_count() == before


def test_cannot_change_another_persons_entry(people):
    interest = _declare(people["alice"], people["alice"], people["vcse"])
    bob = login(people["bob"])
    before = audit_count()
    assert bob.get(f"/interests/{interest.pk}/edit/").status_code == 404
    assert (
        bob.post(
            f"/interests/{interest.pk}/edit/", _form(people["vcse"], description="Hijacked")
        ).status_code
        == 404
    )
    assert bob.post(f"/interests/{interest.pk}/end/", {"valid_to": "2025-01-01"}).status_code == 404
    # a trust's own secretariat is not the register's keeper either
    assert login(people["trust_sec"]).get(f"/interests/{interest.pk}/edit/").status_code == 404
    # an auditor sees every entry but may change none
    auditor = login(people["auditor"])
    assert "Trustee" in text(auditor.get("/interests/"))
    assert auditor.get(f"/interests/{interest.pk}/edit/").status_code == 403
    assert (
        auditor.post(
            f"/interests/{interest.pk}/edit/", _form(people["vcse"], description="Hijacked")
        ).status_code
        == 403
    )
    # bob's list does not show alice's entry
    assert "Trustee" not in text(bob.get("/interests/"))
    interest.refresh_from_db()
    assert interest.description == "Trustee"
    assert audit_count() == before


def test_secretariat_manages_anyones_entries(people):
    sec = login(people["sec"])
    page = text(sec.get("/interests/new/"))
    assert 'name="person"' in page
    response = sec.post(
        "/interests/new/",
        _form(people["vcse"], person=people["bob"].pk, reason="Declared at the board meeting"),
    )
    assert response.status_code == 302
    interest = Interest.objects.get(person=people["bob"])
    event = AuditEvent.objects.get(verb="interest.declared", target_id=str(interest.pk))
    assert event.actor == people["sec"]

    listing = text(sec.get(f"/interests/?person={people['bob'].pk}"))
    assert "Shareholder in VCSE Trading Ltd" in listing
    assert f"/interests/{interest.pk}/edit/" in listing

    response = sec.post(
        f"/interests/{interest.pk}/edit/",
        _form(people["vcse"], is_published="", reason="Withheld: risk of harm"),
    )
    assert response.status_code == 302
    interest.refresh_from_db()
    assert interest.is_published is False
    event = AuditEvent.objects.get(verb="interest.updated", target_id=str(interest.pk))
    assert event.actor == people["sec"] and event.reason == "Withheld: risk of harm"


def test_published_register_shows_current_published_entries_only(people):
    today = timezone.localdate()
    _declare(people["alice"], people["alice"], people["vcse"], "Current and published")
    _declare(
        people["alice"], people["alice"], people["trust"], "Unpublished one", is_published=False
    )
    _declare(
        people["bob"],
        people["bob"],
        people["vcse"],
        "Ended last year",
        valid_from=today - datetime.timedelta(days=700),
        valid_to=today - datetime.timedelta(days=300),
    )
    _declare(
        people["bob"],
        people["bob"],
        people["vcse"],
        "Starts next month",
        valid_from=today + datetime.timedelta(days=30),
    )
    response = Client().get("/interests/register/")
    assert response.status_code == 200
    body = text(response)
    assert "Current and published" in body and "Alice Ames" in body
    for hidden in ("Unpublished one", "Ended last year", "Starts next month", "Bob Bell"):
        assert hidden not in body
    assert '<caption class="nhsuk-table__caption' in body  # one captioned table a person

    # the private list needs a login
    anonymous = Client().get("/interests/")
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]
