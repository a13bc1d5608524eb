"""The organisation form at /manage/ edits the address, postcode and open/close dates
(the fields ODS imports): through ``organisation_update``, audited; a bad postcode or a
close date before the open date is shown next to its field and writes nothing."""

from __future__ import annotations

import datetime

import pytest

from governance.audit.models import AuditEvent
from governance.organisations import services
from governance.organisations.models import Organisation, OrganisationKind, Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def icb_sec(make_user, icb):
    return make_user(icb, Role.SECRETARIAT, "icb_sec")


@pytest.fixture
def trust(superuser):
    return services.organisation_create(
        actor=superuser,
        name="Leeds Teaching Hospitals NHS Trust",
        identifier="RR8",
        kind=OrganisationKind.NHS_TRUST,
        address="St James's University Hospital\nBeckett Street\nLeeds",
        postcode="LS9 7TF",
        opened_on=datetime.date(1998, 4, 1),
    )


def _post(client, org, **changes):
    data = {
        "name": org.name,
        "kind": org.kind,
        "identifier": org.identifier,
        "address": org.address,
        "postcode": org.postcode,
        "opened_on": org.opened_on.isoformat() if org.opened_on else "",
        "closed_on": org.closed_on.isoformat() if org.closed_on else "",
        "reason": "",
    }
    data.update(changes)
    return client.post(f"/manage/organisations/{org.pk}/edit/", data)


def test_the_form_shows_the_address_and_dates(client, icb_sec, trust):
    client.force_login(icb_sec)
    page = client.get(f"/manage/organisations/{trust.pk}/edit/").content.decode()
    assert "Beckett Street" in page
    assert 'value="LS9 7TF"' in page
    assert 'value="1998-04-01"' in page
    assert 'name="closed_on"' in page


def test_the_secretariat_changes_address_postcode_and_dates_audited(client, icb_sec, trust):
    client.force_login(icb_sec)
    response = _post(
        client,
        trust,
        address="  Chapel Allerton Hospital \r\n\r\nChapeltown Road\r\nLeeds ",
        postcode=" ls7  4sa",
        closed_on="2027-03-31",
        reason="Moved headquarters (ODS change notice)",
    )
    assert response.status_code == 302
    trust.refresh_from_db()
    assert trust.address == "Chapel Allerton Hospital\nChapeltown Road\nLeeds"
    assert trust.postcode == "LS7 4SA"
    assert trust.opened_on == datetime.date(1998, 4, 1)
    assert trust.closed_on == datetime.date(2027, 3, 31)
    assert trust.is_active  # a recorded close date is not a deactivation
    event = AuditEvent.objects.get(verb="organisation.updated", target_id=str(trust.pk))
    assert (event.actor, event.reason) == (icb_sec, "Moved headquarters (ODS change notice)")
    assert {"address", "postcode", "closed_on"} <= set(event.changes)
    assert "opened_on" not in event.changes


def test_a_postcode_without_its_space_is_normalised(client, icb_sec, trust):
    client.force_login(icb_sec)
    assert _post(client, trust, postcode="wf11lt").status_code == 302
    trust.refresh_from_db()
    assert trust.postcode == "WF1 1LT"


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"postcode": "LEEDS"}, "postcode", "real UK postcode"),
        ({"postcode": "LS9 7T"}, "postcode", "real UK postcode"),
        ({"postcode": "12345"}, "postcode", "real UK postcode"),
        ({"postcode": "LS9 7TF 1"}, "postcode", "real UK postcode"),
        ({"closed_on": "1998-03-31"}, "closed_on", "must not be before the open date"),
        ({"opened_on": "2026-02-30"}, "opened_on", "Enter a real date"),
        ({"closed_on": "31/13/2026"}, "closed_on", "Enter a real date"),
    ],
)
def test_bad_input_is_shown_by_its_field_and_writes_nothing(
    client, icb_sec, trust, changes, field, words
):
    client.force_login(icb_sec)
    before = (AuditEvent.objects.count(), list(Organisation.objects.values().order_by("pk")))
    response = _post(client, trust, **changes)
    assert response.status_code == 200
    errors = {k: " ".join(v) for k, v in response.context["form"].errors.items()}
    assert words in errors[field]
    assert 'aria-invalid="true"' in response.content.decode()
    assert (AuditEvent.objects.count(), list(Organisation.objects.values().order_by("pk"))) == (
        before
    )


def test_only_the_icb_secretariat_edits(client, make_user, trust):
    trust_sec = make_user(trust, Role.SECRETARIAT, "trust_sec")
    client.force_login(trust_sec)
    assert _post(client, trust, postcode="LS1 1AA").status_code == 403
    trust.refresh_from_db()
    assert trust.postcode == "LS9 7TF"


def test_the_service_refuses_a_bad_postcode_too(superuser, trust):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as err:
        services.organisation_update(actor=superuser, organisation=trust, postcode="NOT A CODE")
    assert "postcode" in err.value.message_dict
    assert services.normalise_postcode(" gir0aa ") == "GIR 0AA"
    assert services.POSTCODE.fullmatch("EC1A 1BB") and services.POSTCODE.fullmatch("W1A 0AX")
