"""Demo organisations and people: a clearly fictional ICS, "Northmere and Calder".

Identifiers have the right form for their kind but are made up. The police force, the
fire and rescue service and one community alliance have no official code at all, as such
partners often do not; a Welsh council across the border has its GSS W06 code.
"""

from __future__ import annotations

import datetime

from django.contrib.auth import get_user_model

from governance.organisations import services
from governance.organisations.models import Membership, Organisation, OrganisationKind, Role

DEMO_PASSWORD = "demo-pass-2026"  # noqa: S105 - printed for the demo; never used in production

ICB = "QX9"
# name, official code ("" where the body has none), kind. Partners outside the NHS take
# part with the same rights whether or not they have a code.
ORGANISATIONS = [
    ("NHS Northmere and Calder Integrated Care Board", ICB, OrganisationKind.ICB),
    ("Northmere Hospitals NHS Foundation Trust", "RZ1", OrganisationKind.NHS_FOUNDATION_TRUST),
    ("Calder Community and Mental Health NHS Trust", "RZ2", OrganisationKind.NHS_TRUST),
    ("North Pennine Ambulance Service NHS Trust", "RZ3", OrganisationKind.NHS_TRUST),
    ("Northmere Metropolitan Borough Council", "E08000901", OrganisationKind.LOCAL_AUTHORITY),
    ("Calder Valley Council", "E06000901", OrganisationKind.LOCAL_AUTHORITY),
    ("Westbrook County Council", "E10000901", OrganisationKind.LOCAL_AUTHORITY),
    # A Welsh principal council across the border (GSS W06).
    ("Bryncoed County Borough Council", "W06000901", OrganisationKind.LOCAL_AUTHORITY),
    ("Northmere Central Primary Care Network", "U99001", OrganisationKind.PCN),
    ("Calder Rural Primary Care Network", "U99002", OrganisationKind.PCN),
    ("Northmere and Calder VCSE Alliance", "1999001", OrganisationKind.VCSE),
    # No codes: a police force, a fire and rescue service, an unincorporated alliance.
    ("North Pennine Police", "", OrganisationKind.POLICE),
    ("North Pennine Fire and Rescue Service", "", OrganisationKind.FIRE_AND_RESCUE),
    ("Calder Valley Community Alliance", "", OrganisationKind.VCSE),
    ("Northmere Homes Housing Association", "L0901", OrganisationKind.HOUSING),
]

POLICE = "North Pennine Police"
FIRE = "North Pennine Fire and Rescue Service"
COMMUNITY = "Calder Valley Community Alliance"

# username, first, last, organisation (its code, or its name where it has none), role,
# job title
PEOPLE = [
    ("icb.secretariat", "Priya", "Shah", ICB, Role.SECRETARIAT, "Board Secretary"),
    ("icb.signatory", "Tom", "Okafor", ICB, Role.SIGNATORY, "Chief Finance Officer"),
    ("icb.member", "Grace", "Lund", ICB, Role.MEMBER, "Head of Commissioning"),
    ("icb.auditor", "Alan", "Reeve", ICB, Role.AUDITOR, "Internal Audit Manager"),
    ("acute.signatory", "Helen", "Marsh", "RZ1", Role.SIGNATORY, "Director of Finance"),
    ("acute.member", "Sam", "Doyle", "RZ1", Role.MEMBER, "Service Manager"),
    ("mh.signatory", "Kofi", "Mensah", "RZ2", Role.SIGNATORY, "Chief Executive"),
    ("mh.member", "Ruth", "Evans", "RZ2", Role.MEMBER, "Clinical Director"),
    ("ambulance.signatory", "Ian", "Cole", "RZ3", Role.SIGNATORY, "Director of Finance"),
    ("northmere.secretariat", "Jo", "Hart", "E08000901", Role.SECRETARIAT, "Democratic Services"),
    (
        "northmere.signatory",
        "Laura",
        "Quinn",
        "E08000901",
        Role.SIGNATORY,
        "Director of Adult Social Care",
    ),
    ("northmere.signatory2", "Mo", "Rahman", "E08000901", Role.SIGNATORY, "Section 151 Officer"),
    ("calder.signatory", "Ben", "Ward", "E06000901", Role.SIGNATORY, "Director of Public Health"),
    ("westbrook.signatory", "Chloe", "Ng", "E10000901", Role.SIGNATORY, "Director of Finance"),
    (
        "bryncoed.signatory",
        "Rhian",
        "Pritchard",
        "W06000901",
        Role.SIGNATORY,
        "Corporate Director of Social Services",
    ),
    ("pcn1.signatory", "Dr Anna", "Pike", "U99001", Role.SIGNATORY, "Clinical Director"),
    ("pcn2.signatory", "Dr Raj", "Patel", "U99002", Role.SIGNATORY, "Clinical Director"),
    ("vcse.signatory", "Sue", "Barnes", "1999001", Role.SIGNATORY, "Chief Officer"),
    ("vcse.member", "Dan", "Frost", "1999001", Role.MEMBER, "Volunteer Coordinator"),
    ("police.secretariat", "Karen", "Walsh", POLICE, Role.SECRETARIAT, "Force Staff Officer"),
    ("police.signatory", "Mark", "Bennett", POLICE, Role.SIGNATORY, "Assistant Chief Constable"),
    ("fire.signatory", "Gareth", "Lloyd", FIRE, Role.SIGNATORY, "Deputy Chief Fire Officer"),
    ("community.signatory", "Nadia", "Hussain", COMMUNITY, Role.SIGNATORY, "Alliance Chair"),
    ("housing.signatory", "Paul", "Greene", "L0901", Role.SIGNATORY, "Director of Housing"),
]


def demo_admin():
    User = get_user_model()
    admin, created = User.objects.get_or_create(
        username="admin",
        defaults={"is_staff": True, "is_superuser": True, "email": "admin@example.org"},
    )
    if created:
        admin.set_password(DEMO_PASSWORD)
        admin.save()
    return admin


def seed_core(*, stdout=None) -> None:
    """Organisations, users in every role, and their memberships (idempotent)."""
    admin = demo_admin()
    orgs = {}
    for name, identifier, kind in ORGANISATIONS:
        org = Organisation.objects.filter(name=name).first()
        if org is None:
            org = services.organisation_create(
                actor=admin, name=name, identifier=identifier, kind=kind, reason="Demo data"
            )
        orgs[identifier or name] = org
    User = get_user_model()
    start = datetime.date(2026, 4, 1)
    for username, first, last, org_key, role, title in PEOPLE:
        user, created = User.objects.get_or_create(
            username=username,
            defaults={"first_name": first, "last_name": last, "email": f"{username}@example.org"},
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save()
        org = orgs[org_key]
        if not Membership.objects.filter(user=user, organisation=org, role=role).exists():
            services.membership_create(
                actor=admin,
                user=user,
                organisation=org,
                role=role,
                job_title=title,
                start_date=start,
                reason="Demo data",
            )
