"""Every kind of partner: official codes by kind, optional for partners outside the NHS
and local government, validated when given; rights never depend on having one."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from governance import permissions
from governance.audit.models import AuditEvent
from governance.organisations import services
from governance.organisations.identifiers import RULES, expected_format, identifier_required
from governance.organisations.models import Organisation, OrganisationKind, Role
from governance.risks import services as risk_services
from governance.risks.models import RiskStatus
from governance.signoffs.selectors import open_signoffs_for
from governance.signoffs.services import signoff_decide

NO_CODE_KINDS = ["police", "fire_and_rescue", "housing", "vcse", "independent_provider", "other"]
CODE_REQUIRED_KINDS = ["icb", "nhs_trust", "nhs_foundation_trust", "pcn", "gp_practice"]
CODE_REQUIRED_KINDS += ["local_authority"]


def create(actor, kind, identifier, name=None):
    return services.organisation_create(
        actor=actor, name=name or f"Body {kind} {identifier}", identifier=identifier, kind=kind
    )


def refused(actor, kind, identifier) -> str:
    """The identifier error message; asserts nothing was written."""
    before = (Organisation.objects.count(), AuditEvent.objects.count())
    with pytest.raises(ValidationError) as exc:
        create(actor, kind, identifier)
    assert (Organisation.objects.count(), AuditEvent.objects.count()) == before
    assert list(exc.value.message_dict) == ["identifier"], exc.value.message_dict
    return " ".join(exc.value.message_dict["identifier"])


def test_every_kind_has_a_rule_and_the_required_ones_are_the_nhs_and_councils():
    assert set(RULES) == set(OrganisationKind.values)
    assert {k for k in RULES if identifier_required(k)} == set(CODE_REQUIRED_KINDS)
    assert {k for k in RULES if not identifier_required(k)} == set(NO_CODE_KINDS)


@pytest.mark.parametrize("kind", NO_CODE_KINDS)
@pytest.mark.parametrize("blank", ["", "   "])
def test_no_code_is_accepted_for_partners_outside_the_nhs(superuser, kind, blank):
    org = create(superuser, kind, blank)
    org.refresh_from_db()
    assert org.identifier == ""
    assert str(org) == org.name  # no empty "()"
    assert AuditEvent.objects.filter(verb="organisation.created", target_id=str(org.pk)).exists()


@pytest.mark.parametrize("kind", CODE_REQUIRED_KINDS)
def test_no_code_is_refused_for_nhs_bodies_and_councils(superuser, kind):
    message = refused(superuser, kind, "")
    assert "required" in message
    assert expected_format(kind) in message  # names the expected format


def test_merseyside_police_and_a_vcse_alliance_need_no_code(superuser):
    police = create(superuser, "police", "", name="Merseyside Police")
    alliance = create(superuser, "vcse", "", name="Sefton VCSE Alliance")
    fire = create(superuser, "fire_and_rescue", "", name="Merseyside Fire and Rescue Service")
    assert [o.identifier for o in (police, alliance, fire)] == ["", "", ""]


def test_many_organisations_without_a_code_but_codes_stay_unique(superuser):
    for n in range(3):
        create(superuser, "police", "", name=f"Force {n}")
    create(superuser, "vcse", "1123456")
    message = refused(superuser, "housing", " 1123456 ")
    assert "already exists" in message
    # The database itself: blanks may repeat, a given code may not.
    Organisation.objects.create(name="Raw blank", identifier="", kind="other")
    with pytest.raises(IntegrityError), transaction.atomic():
        Organisation.objects.create(name="Raw duplicate", identifier="1123456", kind="vcse")


@pytest.mark.parametrize(
    "code",
    [
        "E06000001",  # unitary (Hartlepool)
        "E07000026",  # district
        "E08000012",  # metropolitan borough (Liverpool)
        "E09000001",  # London borough
        "E10000002",  # county
        "W06000002",  # Welsh principal council (Gwynedd)
        "S12000033",  # Scottish council area
        "N09000003",  # Northern Irish district
        " w06000015 ",
    ],
)
def test_council_codes_of_the_four_nations(superuser, code):
    org = create(superuser, "local_authority", code)
    assert org.identifier == code.strip().upper()


@pytest.mark.parametrize(
    ("kind", "code"),
    [
        ("police", "E23000001"),
        ("police", "W15000001"),
        ("fire_and_rescue", "E31000001"),
        ("fire_and_rescue", "W25000001"),
        ("housing", "L4509"),
        ("housing", "LH0125"),
        ("housing", "4851"),
        ("housing", "RS007654"),
        ("housing", "IP300355"),  # a registered society: IP and six digits
        ("vcse", "1123456"),
        ("vcse", "SC012345"),
        ("vcse", "NIC100002"),
        ("vcse", "100002"),
        ("vcse", "01234567"),
        ("independent_provider", "NT3"),
        ("independent_provider", "01234567"),
        ("other", "HEALTHWATCH-1"),
    ],
)
def test_codes_accepted_when_given(superuser, kind, code):
    assert create(superuser, kind, code).identifier == code


@pytest.mark.parametrize(
    ("kind", "code", "format_words"),
    [
        ("local_authority", "W05000002", "W06 (Wales)"),  # a Welsh ward, not a council
        ("local_authority", "S13000001", "S12 (Scotland)"),
        ("local_authority", "N08000001", "N09 (Northern Ireland)"),
        ("local_authority", "E05000001", "E06, E07, E08, E09 or E10"),
        ("local_authority", "W0600002", "six digits"),
        ("police", "MERSEYSIDE", "police force area code"),
        ("police", "E31000001", "E23 (England) or W15 (Wales)"),
        ("fire_and_rescue", "E23000001", "E31 (England) or W25 (Wales)"),
        ("housing", "X123", "Regulator of Social Housing"),
        ("vcse", "NIC200002", "Northern Ireland e.g. NIC100002"),
        ("vcse", "SC01234", "Scotland e.g. SC012345"),  # one digit short
        ("vcse", "12", "charity number"),
        ("independent_provider", "RW4", "ODS code"),
        ("nhs_trust", "W06000002", "ODS trust code"),
        ("other", "NO SPACES", "letters, digits or hyphens"),
    ],
)
def test_bad_codes_refused_naming_the_expected_format(superuser, kind, code, format_words):
    message = refused(superuser, kind, code)
    assert "not valid for this kind of organisation: expected" in message
    assert format_words in message
    assert expected_format(kind) in message


def test_changing_kind_revalidates_the_code(superuser):
    police = create(superuser, "police", "", name="Merseyside Police")
    with pytest.raises(ValidationError) as exc:
        services.organisation_update(actor=superuser, organisation=police, kind="nhs_trust")
    assert "required" in " ".join(exc.value.message_dict["identifier"])
    police.refresh_from_db()
    assert police.kind == "police"
    services.organisation_update(
        actor=superuser, organisation=police, identifier="e23000004", reason="Code found"
    )
    police.refresh_from_db()
    assert police.identifier == "E23000004"
    services.organisation_update(actor=superuser, organisation=police, identifier="")
    police.refresh_from_db()
    assert police.identifier == ""


def test_a_police_force_without_a_code_is_a_party_and_its_signatory_signs_off(
    superuser, make_org, make_user, icb
):
    """Rights never depend on a code: a shared risk with a code-less police force goes on
    the register only once the force's signatory has accepted it."""
    police = create(superuser, "police", "", name="Merseyside Police")
    police_sign = make_user(police, Role.SIGNATORY)
    police_member = make_user(police, Role.MEMBER)
    owner = make_user(icb, Role.MEMBER)
    assert permissions.can_sign_for(police_sign, police)
    assert not permissions.can_sign_for(police_member, police)
    category = risk_services.category_save(actor=superuser, code="community", name="Community")
    risk = risk_services.risk_create(
        actor=owner,
        owning_organisation=icb,
        title="Street triage capacity",
        cause="Because of rising mental health crises in public places",
        event="there is a risk that people wait in police custody for assessment",
        effect="resulting in harm and breaches of the Mental Health Act",
        category=category,
        inherent_likelihood=4,
        inherent_consequence=4,
        current_likelihood=3,
        current_consequence=4,
        target_likelihood=2,
        target_consequence=3,
        partners=[police],
    )
    risk_services.risk_submit(actor=owner, risk=risk)
    assert not open_signoffs_for(police_member).exists()
    signoff = open_signoffs_for(police_sign).get(subject_id=risk.pk)
    assert signoff.organisation == police
    signoff_decide(actor=police_sign, signoff=signoff, outcome="approve", comment="Agreed")
    risk.refresh_from_db()
    assert risk.status == RiskStatus.OPEN
    event = AuditEvent.objects.filter(actor=police_sign).latest("seq")
    assert event.organisation == police
