"""The Manage page /manage/organisations/import/: upload → preview (nothing written) →
apply (whole file, audited); a bad file shows its row next to the field; only the ICB
secretariat may use it."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from governance.audit.models import AuditEvent
from governance.organisations.models import Organisation, OrganisationKind, Role
from tests.governance.test_ods_import import ETR, ods_row, state

URL = reverse("manage:organisation-import")


@pytest.fixture
def icb_sec(make_user, icb):
    return make_user(icb, Role.SECRETARIAT, "icb_sec")


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def upload(client, text, name="etr.csv", fmt=""):
    return client.post(URL, {"file": SimpleUploadedFile(name, text.encode()), "format": fmt})


def test_preview_writes_nothing_then_apply_imports_the_whole_file(icb_sec, make_org):
    burton = make_org(
        "Burton Hospitals NHS Foundation Trust", OrganisationKind.NHS_FOUNDATION_TRUST, "RJF"
    )
    client = signed_in(icb_sec)
    assert client.get(URL).status_code == 200
    before = state()
    response = upload(client, ETR)
    assert response.status_code == 200
    assert state() == before
    body = response.content.decode()
    assert "3 to add, 0 to update, 1 to close" in body
    assert "Bradford Teaching Hospitals NHS Foundation Trust" in body
    digest = response.context["digest"]
    assert digest

    response = client.post(URL, {"apply": digest})
    assert response.status_code == 302 and response["Location"] == reverse("manage:organisations")
    assert Organisation.objects.filter(identifier__in=["RR8", "RAE", "QWO"]).count() == 3
    burton.refresh_from_db()
    assert not burton.is_active
    assert AuditEvent.objects.filter(verb="organisation.created", actor=icb_sec).count() == 3
    # The preview is used up: applying it again is refused and writes nothing.
    before = state()
    response = client.post(URL, {"apply": digest})
    assert response.status_code == 400 and "expired" in response.content.decode()
    assert state() == before


def test_a_malformed_file_shows_the_row_next_to_the_field(icb_sec):
    client = signed_in(icb_sec)
    bad = ETR + ods_row("RXF", "MID YORKSHIRE TEACHING NHS TRUST", closed="31/03/2024") + "\n"
    before = state()
    response = upload(client, bad)
    assert response.status_code == 200
    errors = " ".join(response.context["form"].errors["file"])
    assert "Row 5: the close date '31/03/2024' is not a date" in errors
    assert response.context["plan"] is None
    assert state() == before


def test_apply_with_a_forged_digest_is_refused(icb_sec):
    client = signed_in(icb_sec)
    upload(client, ETR)
    before = state()
    response = client.post(URL, {"apply": "0" * 64})
    assert response.status_code == 400
    assert state() == before


def test_only_the_icb_secretariat_may_import(icb_sec, make_user, make_org):
    trust = make_org("Leeds Teaching Hospitals NHS Trust", OrganisationKind.NHS_TRUST, "RR8")
    auditor = make_user(make_org("Audit ICB", OrganisationKind.ICB, "QZZ"), Role.AUDITOR)
    partner_sec = make_user(trust, Role.SECRETARIAT)
    member = make_user(trust, Role.MEMBER)
    before = state()
    for user in (auditor, partner_sec, member):
        client = signed_in(user)
        assert client.get(URL).status_code == 403
        assert upload(client, ETR).status_code == 403
        assert client.post(URL, {"apply": "x"}).status_code == 403
    assert Client().get(URL).status_code == 302  # to sign in
    assert state() == before
