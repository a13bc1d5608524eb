"""More partners and people for the scale data: the demo ICS grown to a large system.

Organisations and memberships go through the services (each writes its audit event);
user accounts are inserted in bulk with one shared password hash (the demo password).
Names follow the demo's fictional Northmere and Calder geography; codes have the right
form for their kind and are made up.
"""

from __future__ import annotations

import datetime
import itertools

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password

from governance.demo.core import DEMO_PASSWORD, demo_admin
from governance.organisations import services
from governance.organisations.models import Organisation, OrganisationKind, Role

PLACES = [
    "Ashby Moor",
    "Brackenfield",
    "Calder Bridge",
    "Dunmere",
    "Eastholme",
    "Fellside",
    "Greyburn",
    "Hallowcliffe",
    "Ingleby Vale",
    "Kirkmoor",
    "Lowther Green",
    "Marston Fold",
    "Netherby",
    "Oakenshaw",
    "Pennbridge",
    "Quarry Hill",
    "Ravensdale",
    "Skelton Brook",
    "Thornleigh",
    "Upper Calder",
    "Wharfebank",
    "Yewdale",
    "Aldermoor",
    "Birchcliffe",
    "Coldwater",
    "Dalesend",
    "Elmstead",
    "Foxhollow",
    "Gritstone",
    "Heathfield",
]
FIRST = [
    "Aisha",
    "Ben",
    "Carys",
    "David",
    "Eilidh",
    "Farah",
    "George",
    "Hannah",
    "Imran",
    "Jess",
    "Kwame",
    "Lucy",
    "Marek",
    "Niamh",
    "Owen",
    "Pooja",
    "Rory",
    "Sian",
    "Tariq",
    "Una",
    "Victor",
    "Wendy",
    "Yusuf",
    "Zara",
    "Amit",
    "Bethan",
    "Connor",
    "Deborah",
    "Emeka",
    "Fiona",
]
LAST = [
    "Ahmed",
    "Brennan",
    "Chowdhury",
    "Dawson",
    "Edwards",
    "Fletcher",
    "Gill",
    "Holt",
    "Iqbal",
    "Jones",
    "Kaur",
    "Lowe",
    "McKenna",
    "Nolan",
    "Oduya",
    "Parry",
    "Rahman",
    "Stephens",
    "Thornton",
    "Underwood",
    "Vaughan",
    "Whitaker",
    "Yates",
    "Zielinski",
    "Armitage",
    "Brook",
]
# role, job title: the people a partner puts forward
STAFF = [
    (Role.SIGNATORY, "Director of Finance"),
    (Role.SIGNATORY, "Chief Executive"),
    (Role.SECRETARIAT, "Governance Manager"),
    (Role.MEMBER, "Service Manager"),
    (Role.MEMBER, "Clinical Lead"),
    (Role.MEMBER, "Commissioning Manager"),
    (Role.AUDITOR, "Internal Audit Manager"),
]


def _new_partner(n: int) -> tuple[str, str, str]:
    """The ``n``-th extra partner: name, code and kind (GP practices, PCNs, VCSE bodies,
    housing providers and independent providers in turn)."""
    place = PLACES[n % len(PLACES)]
    round_ = n // len(PLACES)
    suffix = "" if round_ == 0 else f" {('North', 'South', 'East', 'West')[round_ % 4]}"
    kinds = [
        (f"{place}{suffix} Medical Practice", f"B{87000 + n:05d}", OrganisationKind.GP_PRACTICE),
        (f"{place}{suffix} Primary Care Network", f"U{88000 + n:05d}", OrganisationKind.PCN),
        (f"{place}{suffix} Community Trust (VCSE)", f"{1180000 + n:07d}", OrganisationKind.VCSE),
        (f"{place}{suffix} Homes", f"L{5000 + n:04d}", OrganisationKind.HOUSING),
        (
            f"{place}{suffix} Care Partnership Ltd",
            f"8{n:04d}",
            OrganisationKind.INDEPENDENT_PROVIDER,
        ),
    ]
    return kinds[n % len(kinds)]


def grow_people(*, organisations: int, users: int) -> dict:
    """Bring the system up to ``organisations`` partners and ``users`` people."""
    admin = demo_admin()
    User = get_user_model()
    have = Organisation.objects.count()
    created_orgs = []
    for n in itertools.count():
        if have + len(created_orgs) >= organisations:
            break
        name, code, kind = _new_partner(n)
        if Organisation.objects.filter(name=name).exists():
            continue
        created_orgs.append(
            services.organisation_create(
                actor=admin, name=name, identifier=code, kind=kind, reason="Scale data"
            )
        )
    orgs = list(Organisation.objects.order_by("pk"))
    missing = users - User.objects.count()
    if missing <= 0:
        return {"organisations": len(created_orgs), "users": 0}
    password = make_password(DEMO_PASSWORD)
    taken = set(User.objects.values_list("username", flat=True))
    new_users, plan = [], []
    names = itertools.product(FIRST, LAST)
    start = datetime.date(2024, 4, 1)
    for i in itertools.count():
        if len(new_users) >= missing:
            break
        first, last = next(names)
        org = orgs[i % len(orgs)]
        role, title = STAFF[(i // len(orgs)) % len(STAFF)]
        username = f"{first}.{last}".lower()
        if username in taken:
            continue
        taken.add(username)
        new_users.append(
            User(
                username=username,
                first_name=first,
                last_name=last,
                email=f"{username}@example.org",
                password=password,
            )
        )
        plan.append((org, role, title))
    created = User.objects.bulk_create(new_users, batch_size=1000)
    for user, (org, role, title) in zip(created, plan, strict=True):
        services.membership_create(
            actor=admin,
            user=user,
            organisation=org,
            role=role,
            job_title=title,
            start_date=start,
            reason="Scale data",
        )
    return {"organisations": len(created_orgs), "users": len(created)}
