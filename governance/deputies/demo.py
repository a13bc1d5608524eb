"""Demo (idempotent): the mental health trust's sole signatory has a real conflict, and
a deputy of the same trust acts for him.

Kofi Mensah, Chief Executive and the only authorised signatory of Calder Community and
Mental Health NHS Trust (RZ2), joins the steering group (unpaid) of Calder Valley
Community Alliance: a non-financial personal interest in the recipient of the pooled
fund's "safe haven" allocation, awaiting only his trust's sign-off. Declaring it blocks
that sign-off; he appoints his Director of Finance and Deputy Chief Executive as his
deputy for two weeks, which unblocks it: she may sign, and the record will say
"Claire Dunn for Kofi Mensah (deputy, …)".

His register entry naming his own trust (he is its chief executive) is no conflict for
signing for that trust (``governance.interests.selectors.conflicts``).
"""

from __future__ import annotations

import datetime

from django.contrib.auth import get_user_model
from django.utils import timezone

from governance.demo.core import DEMO_PASSWORD, demo_admin
from governance.deputies.models import DeputyAppointment
from governance.deputies.services import deputy_appoint
from governance.interests.models import Interest
from governance.interests.services import interest_declare
from governance.organisations import services as org_services
from governance.organisations.models import Membership, Organisation, Role

DEPUTY = ("mh.deputy", "Claire", "Dunn", "Director of Finance and Deputy Chief Executive")


def _deputy_user(admin, trust):
    username, first, last, title = DEPUTY
    user, created = get_user_model().objects.get_or_create(
        username=username,
        defaults={"first_name": first, "last_name": last, "email": f"{username}@example.org"},
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save()
    if not Membership.objects.filter(user=user, organisation=trust).exists():
        org_services.membership_create(
            actor=admin,
            user=user,
            organisation=trust,
            role=Role.MEMBER,
            job_title=title,
            start_date=datetime.date(2026, 4, 1),
            reason="Demo data",
        )
    return user


def seed_deputies(*, stdout=None) -> None:
    User = get_user_model()
    ceo = User.objects.filter(username="mh.signatory").first()
    trust = Organisation.objects.filter(identifier="RZ2").first()
    alliance = Organisation.objects.filter(name="Calder Valley Community Alliance").first()
    if ceo is None or trust is None or alliance is None:
        return
    admin = demo_admin()
    deputy = _deputy_user(admin, trust)
    today = timezone.localdate()
    if not Interest.objects.filter(person=ceo, related_organisation=alliance).exists():
        interest_declare(
            actor=ceo,
            person=ceo,
            interest_type="non_financial_personal",
            description="Member of the steering group of Calder Valley Community Alliance "
            "(unpaid), from this month.",
            related_organisation=alliance,
            valid_from=today,
        )
    if not DeputyAppointment.objects.filter(principal=ceo, deputy=deputy).exists():
        deputy_appoint(
            actor=ceo,
            principal=ceo,
            deputy=deputy,
            organisation=trust,
            valid_from=today,
            valid_to=today + datetime.timedelta(days=13),
            reason="I have declared an interest in Calder Valley Community Alliance, a party "
            "to a pooled fund decision awaiting our sign-off; the Deputy Chief Executive "
            "signs for the trust meanwhile.",
        )
    if stdout is not None:
        stdout.write(
            "Deputies: Claire Dunn (mh.deputy) acts for Kofi Mensah, whose declared interest "
            "blocks a sign-off."
        )
