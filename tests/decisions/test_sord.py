"""The Scheme of Reservation and Delegation: band validation, routing, admin."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from decisions import sord, sord_services
from decisions.models import DecidedBy, SordBand
from governance.audit.models import AuditEvent
from governance.signoffs.models import SignOffRule

pytestmark = pytest.mark.django_db


def band(lo, hi, by=DecidedBy.BOARD, rule=SignOffRule.ALL, **kw):
    return {
        "min_value": lo,
        "max_value": hi,
        "decided_by": by,
        "signoff_rule": rule,
        "committee_name": kw.get("committee_name", ""),
        "officer_role": kw.get("officer_role", ""),
    }


def test_complete_scheme_is_valid():
    sord.validate_bands(
        [band("0", "100000", DecidedBy.OFFICER, officer_role="CFO"), band("100000", None)]
    )


@pytest.mark.parametrize(
    ("bands", "message"),
    [
        ([band("0", "100"), band("50", None)], "overlap"),
        ([band("0", "100"), band("150", None)], "Gap: no band covers £100.00 up to £150.00"),
        ([band("10", None)], "must start at £0"),
        ([band("0", "100")], "top band must have no maximum"),
        ([band("0", None), band("100", None)], "overlap"),
        ([band("0", None, DecidedBy.COMMITTEE)], "name the committee"),
        ([band("0", None, DecidedBy.OFFICER)], "name the officer role"),
        ([band("0", "0")], "must be above the minimum"),
        ([], "at least one band"),
    ],
)
def test_invalid_schemes_are_refused_with_a_clear_message(bands, message):
    with pytest.raises(ValidationError) as exc:
        sord.validate_bands(bands)
    assert message in " ".join(exc.value.messages)


def test_replace_bands_is_atomic_and_audited(ics, decision_type):
    before = list(SordBand.objects.filter(decision_type=decision_type).values_list("pk", flat=True))
    events = AuditEvent.objects.count()
    with pytest.raises(ValidationError):
        sord_services.sord_bands_replace(
            actor=ics["secretariat"],
            decision_type=decision_type,
            bands=[band("0", "100"), band("200", None)],
        )
    assert (
        list(SordBand.objects.filter(decision_type=decision_type).values_list("pk", flat=True))
        == before
    )
    assert AuditEvent.objects.count() == events
    sord_services.sord_bands_replace(
        actor=ics["secretariat"], decision_type=decision_type, bands=[band("0", None)]
    )
    assert decision_type.bands.count() == 1
    assert AuditEvent.objects.filter(verb="sord.bands_replaced").count() == 1


def test_only_the_icb_secretariat_changes_the_scheme(ics, decision_type):
    for who in ("proposer", "trust_sign", "auditor"):
        with pytest.raises(PermissionDenied):
            sord_services.sord_bands_replace(
                actor=ics[who], decision_type=decision_type, bands=[band("0", None)]
            )


def test_routing_by_value(make_proposal, ics):
    cases = {
        "99999.99": (DecidedBy.OFFICER, SignOffRule.ALL),
        "100000.00": (DecidedBy.COMMITTEE, SignOffRule.MAJORITY),
        "499999.99": (DecidedBy.COMMITTEE, SignOffRule.MAJORITY),
        "500000.00": (DecidedBy.BOARD, SignOffRule.ALL),
        "90000000.00": (DecidedBy.BOARD, SignOffRule.ALL),
    }
    for value, (by, rule) in cases.items():
        routing = sord.route(make_proposal(value))
        assert (routing.decided_by, routing.signoff_rule) == (by, rule), value
        assert {o.pk for o in routing.signing_organisations} == {
            ics["trust"].pk,
            ics["council"].pk,
            ics["vcse"].pk,
        }


def test_host_only_rule_asks_the_host_alone(make_proposal, decision_type, ics):
    SordBand.objects.filter(decision_type=decision_type, min_value=0).update(
        signoff_rule=SignOffRule.HOST_ONLY
    )
    routing = sord.route(make_proposal("10"))
    assert [o.pk for o in routing.signing_organisations] == [ics["icb"].pk]


def test_no_band_for_a_type_is_a_clear_error(make_proposal, decision_type):
    decision_type.bands.all().delete()
    with pytest.raises(ValidationError) as exc:
        sord.band_for(decision_type, Decimal("5"))
    assert "financial_value" in exc.value.message_dict


def test_admin_refuses_a_gap(client, superuser, decision_type):
    client.force_login(superuser)
    bands = list(decision_type.bands.order_by("min_value"))
    data = {
        "code": decision_type.code,
        "name": decision_type.name,
        "description": "",
        "bands-TOTAL_FORMS": "3",
        "bands-INITIAL_FORMS": "3",
        "bands-MIN_NUM_FORMS": "0",
        "bands-MAX_NUM_FORMS": "1000",
    }
    for i, b in enumerate(bands):
        data.update(
            {
                f"bands-{i}-id": b.pk,
                f"bands-{i}-decision_type": decision_type.pk,
                f"bands-{i}-min_value": str(b.min_value),
                f"bands-{i}-max_value": "" if b.max_value is None else str(b.max_value),
                f"bands-{i}-decided_by": b.decided_by,
                f"bands-{i}-committee_name": b.committee_name,
                f"bands-{i}-officer_role": b.officer_role,
                f"bands-{i}-signoff_rule": b.signoff_rule,
            }
        )
    data["bands-1-min_value"] = "150000"  # leaves £100k–£150k uncovered
    response = client.post(f"/admin/decisions/decisiontype/{decision_type.pk}/change/", data)
    assert response.status_code == 200
    assert "Gap: no band covers £100,000.00 up to £150,000.00" in response.content.decode()
    assert decision_type.bands.get(pk=bands[1].pk).min_value == Decimal("100000")
