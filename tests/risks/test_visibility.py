"""A risk is visible to its owning organisation, its sharing partners, the ICB
secretariat and auditors; to everyone else it does not exist (404, absent from lists,
heat map counts, the report and the API)."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from governance.risks import selectors
from governance.risks.selectors import RegisterFilter

pytestmark = pytest.mark.django_db

SEE = ("owner", "secretariat", "auditor", "trust_member", "trust_sign", "council_sign", "icb_sign")
NOT = ("outsider", "outsider_member", "outsider_secretariat")


@pytest.fixture
def shared(rics, registered_risk):
    return registered_risk(title="Shared between three", current=(4, 2))


@pytest.mark.parametrize("who", SEE)
def test_parties_secretariat_and_auditors_see_it(client, rics, shared, who):
    user = rics[who]
    assert selectors.can_view(user, shared)
    client.force_login(user)
    assert client.get(f"/risks/{shared.pk}/").status_code == 200
    assert shared.reference in client.get("/risks/").content.decode()
    assert selectors.heat_map_counts(user)[(4, 2)] == 1
    api = APIClient()
    api.force_authenticate(user)
    assert api.get(f"/api/v1/risks/{shared.pk}/").status_code == 200
    assert [r["id"] for r in api.get("/api/v1/risks/").json()["results"]] == [shared.pk]


@pytest.mark.parametrize("who", NOT)
def test_others_cannot_see_it_anywhere(client, rics, shared, who):
    user = rics[who]
    assert not selectors.can_view(user, shared)
    assert not selectors.register(user).exists()
    assert sum(selectors.heat_map_counts(user).values()) == 0
    client.force_login(user)
    for url in (
        f"/risks/{shared.pk}/",
        f"/risks/{shared.pk}/edit/",
    ):
        assert client.get(url).status_code == 404, url
    for url in (
        f"/risks/{shared.pk}/review/",
        f"/risks/{shared.pk}/status/",
        f"/risks/{shared.pk}/submit/",
    ):
        assert client.post(url, {}).status_code == 404, url
    page = client.get("/risks/").content.decode()
    assert shared.reference not in page and "Shared between three" not in page
    assert "0 risks you may see" in page
    cell = client.get("/risks/?likelihood=4&consequence=2").content.decode()
    assert "Shared between three" not in cell
    api = APIClient()
    api.force_authenticate(user)
    assert api.get(f"/api/v1/risks/{shared.pk}/").status_code == 404
    assert api.get(f"/api/v1/risks/{shared.pk}/").json() == {"detail": "Not found."}
    assert api.post(f"/api/v1/risks/{shared.pk}/submit/").status_code == 404
    assert (
        api.patch(f"/api/v1/risks/{shared.pk}/", {"title": "x"}, format="json").status_code == 404
    )
    assert api.get("/api/v1/risks/").json()["count"] == 0
    assert api.get("/api/v1/risks/?status=all").json()["count"] == 0
    cells = api.get("/api/v1/risks/heatmap/").json()
    assert sum(c["count"] for c in cells) == 0


def test_partner_filter_does_not_reveal_others(rics, shared, registered_risk):
    registered_risk(title="ICB alone", partners=())
    f = RegisterFilter.from_params({"organisation": str(rics["trust"].pk)}).check()
    assert [r.title for r in selectors.register(rics["secretariat"], f)] == ["Shared between three"]
    assert [r.title for r in selectors.register(rics["trust_member"])] == ["Shared between three"]


def test_anonymous_users_see_nothing(client, shared):
    assert client.get("/risks/").status_code == 302
    assert client.get(f"/risks/{shared.pk}/").status_code == 302
    assert APIClient().get("/api/v1/risks/").status_code in (401, 403)
