"""The one place that maps memberships to permissions.

Model: every organisation has one permission group per role (``RoleGroup``).
django-guardian object permissions are granted to those groups — on the organisation
itself (``ORGANISATION_PERMS``) and on every record the organisation is party to
(``grant_to_parties``). A user holds a group's permissions only while one of their
memberships in that organisation and role is active on today's date, so ending or
changing a membership changes what the user may do at once: no synchronisation job is
needed, and nothing is cached beyond one read-only request (a GET reads the user's
active memberships once, ``_membership_facts``; a write always reads them afresh).

Auditors (an active auditor membership anywhere) may view every record, and change none.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.db.models import Exists, Model, OuterRef, Q, QuerySet
from guardian.shortcuts import assign_perm, remove_perm
from guardian.utils import get_group_obj_perms_model

from governance.audit.context import request_memo
from governance.organisations.models import Membership, Organisation, Role, RoleGroup

# What each role may do on its own organisation.
ORGANISATION_PERMS: dict[str, frozenset[str]] = {
    Role.SECRETARIAT: frozenset({"view_organisation", "manage_organisation"}),
    Role.SIGNATORY: frozenset({"view_organisation", "sign_off_for_organisation"}),
    Role.MEMBER: frozenset({"view_organisation"}),
    Role.AUDITOR: frozenset({"view_organisation"}),
}

# Roles that read their organisations' part of the audit trail.
TRAIL_READER_ROLES = (Role.SECRETARIAT, Role.AUDITOR)

# Kinds of organisation whose secretariat runs the system (review, registers, meetings).
SYSTEM_SECRETARIAT_KINDS = ("icb",)


# --- groups and grants ---------------------------------------------------------------


def ensure_role_groups(organisation: Organisation) -> dict[str, Group]:
    """Create the organisation's role groups and grant their organisation permissions."""
    groups = {}
    for role in Role.values:
        role_group = (
            RoleGroup.objects.filter(organisation=organisation, role=role)
            .select_related("group")
            .first()
        )
        if role_group is None:
            group = Group.objects.create(name=f"org-{organisation.pk}-{role}")
            role_group = RoleGroup.objects.create(organisation=organisation, role=role, group=group)
        groups[role] = role_group.group
        for codename in ORGANISATION_PERMS[role]:
            assign_perm(f"organisations.{codename}", role_group.group, organisation)
    return groups


def grant_to_parties(
    obj: Model, organisations: Iterable[Organisation], perms_by_role: dict[str, Iterable[str]]
) -> None:
    """Grant object permissions on ``obj`` to the given roles of each party organisation."""
    role_groups = RoleGroup.objects.filter(
        organisation__in=list(organisations), role__in=list(perms_by_role)
    ).select_related("group")
    for role_group in role_groups:
        for perm in perms_by_role[role_group.role]:
            assign_perm(perm, role_group.group, obj)


def revoke_from_parties(
    obj: Model, organisations: Iterable[Organisation], perms: Iterable[str]
) -> None:
    """Withdraw object permissions on ``obj`` from every role group of the organisations."""
    groups = Group.objects.filter(role_group__organisation__in=list(organisations))
    for group in groups:
        for perm in perms:
            remove_perm(perm, group, obj)


# --- who the user is acting for -------------------------------------------------------


def active_memberships(user) -> QuerySet[Membership]:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Membership.objects.none()
    return Membership.objects.active().filter(user=user, organisation__is_active=True)


def _membership_facts(user) -> list[tuple[int, str, str]] | None:
    """``(organisation id, role, organisation kind)`` of the user's active memberships,
    read once per read-only request; None outside one (then each check asks the
    database)."""
    memo = request_memo()
    if memo is None or not getattr(user, "pk", None):
        return None
    key = ("memberships", user.pk)
    if key not in memo:
        memo[key] = list(
            active_memberships(user).values_list("organisation_id", "role", "organisation__kind")
        )
    return memo[key]


def organisation_ids(user, roles: Iterable[str] | None = None) -> set[int]:
    """Ids of the organisations the user currently acts for (optionally in given roles)."""
    facts = _membership_facts(user)
    if facts is not None:
        wanted = None if roles is None else set(roles)
        return {org for org, role, _kind in facts if wanted is None or role in wanted}
    qs = active_memberships(user)
    if roles is not None:
        qs = qs.filter(role__in=list(roles))
    return set(qs.values_list("organisation_id", flat=True))


def has_role(user, role: str, organisation: Organisation | None = None) -> bool:
    facts = _membership_facts(user)
    if facts is not None:
        org_pk = None if organisation is None else organisation.pk
        return any(r == role and (org_pk is None or o == org_pk) for o, r, _kind in facts)
    qs = active_memberships(user).filter(role=role)
    if organisation is not None:
        qs = qs.filter(organisation=organisation)
    return qs.exists()


def is_auditor(user) -> bool:
    return has_role(user, Role.AUDITOR)


def is_read_only(user) -> bool:
    """Whose roles all read and none writes: an active auditor membership and no other
    active role (superusers excepted: the admin is theirs). Every change such a person
    asks for is refused in one place, ``governance.middleware.ReadOnlyRolesMiddleware``."""
    if not getattr(user, "is_authenticated", False) or not user.is_active or user.is_superuser:
        return False
    facts = _membership_facts(user)
    roles = (
        {role for _org, role, _kind in facts}
        if facts is not None
        else set(active_memberships(user).values_list("role", flat=True))
    )
    return roles == {Role.AUDITOR}


def is_system_secretariat(user) -> bool:
    """Secretariat of the ICB (or a superuser): runs reviews, registers and meetings."""
    if getattr(user, "is_superuser", False) and user.is_active:
        return True
    facts = _membership_facts(user)
    if facts is not None:
        return any(
            role == Role.SECRETARIAT and kind in SYSTEM_SECRETARIAT_KINDS
            for _org, role, kind in facts
        )
    return (
        active_memberships(user)
        .filter(role=Role.SECRETARIAT, organisation__kind__in=SYSTEM_SECRETARIAT_KINDS)
        .exists()
    )


def sees_everything(user) -> bool:
    """Superusers and auditors may read every record."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return user.is_superuser or is_auditor(user)


def reads_everything(user) -> bool:
    """Who may read every organisation's records: auditors and superusers (read-only), and
    the ICB secretariat, which runs reviews, registers and meetings for the whole system."""
    return sees_everything(user) or is_system_secretariat(user)


def active_group_ids(user) -> QuerySet | list[int]:
    """Ids of the role groups the user holds today: a subquery, not evaluated; in a
    read-only request, a list read once (from the memoised memberships)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return RoleGroup.objects.none().values("group_id")
    facts = _membership_facts(user)
    if facts is not None:
        memo = request_memo()
        key = ("groups", user.pk)
        if key not in memo:
            pairs = Q(pk__in=[])
            for org, role, _kind in facts:
                pairs |= Q(organisation_id=org, role=role)
            memo[key] = (
                list(RoleGroup.objects.filter(pairs).values_list("group_id", flat=True))
                if facts
                else []
            )
        return memo[key]
    same_pair = active_memberships(user).filter(
        organisation_id=OuterRef("organisation_id"), role=OuterRef("role")
    )
    return RoleGroup.objects.filter(Exists(same_pair)).values("group_id")


# --- checks -----------------------------------------------------------------------------


def _split(perm: str) -> tuple[str | None, str]:
    if "." in perm:
        app_label, codename = perm.split(".", 1)
        return app_label, codename
    return None, perm


def user_has_object_perm(user, perm: str, obj: Model) -> bool:
    """Does the user hold ``perm`` on ``obj`` through an active membership?"""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    app_label, codename = _split(perm)
    if app_label and app_label != obj._meta.app_label:
        return False
    if codename.startswith("view_") and is_auditor(user):
        return True
    perm_model = get_group_obj_perms_model(obj)
    filters = {"group_id__in": active_group_ids(user), "permission__codename": codename}
    if perm_model.objects.is_generic():
        filters["content_type"] = ContentType.objects.get_for_model(obj)
        filters["object_pk"] = str(obj.pk)
    else:
        filters["content_object"] = obj
    return perm_model.objects.filter(**filters).exists()


def objects_with_perm(user, perm: str, queryset: QuerySet) -> QuerySet:
    """``queryset`` narrowed to the objects on which the user holds ``perm``."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return queryset.none()
    _, codename = _split(perm)
    if user.is_superuser or (codename.startswith("view_") and is_auditor(user)):
        return queryset
    return queryset.filter(pk__in=granted_ids(user, perm, queryset.model))


def granted_ids(user, perm: str, model) -> QuerySet | list:
    """Ids of the ``model`` objects on which the user's groups were granted ``perm``
    (a one-table subquery for direct-foreign-key permission models), for
    ``pk__in=``. Superusers' and auditors' everything is the caller's to decide."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    _, codename = _split(perm)
    perm_model = get_group_obj_perms_model(model)
    grants = perm_model.objects.filter(
        group_id__in=active_group_ids(user), permission__codename=codename
    )
    if perm_model.objects.is_generic():
        pks = grants.filter(content_type=ContentType.objects.get_for_model(model)).values_list(
            "object_pk", flat=True
        )
        pk_field = model._meta.pk
        return [pk_field.to_python(pk) for pk in pks]
    return grants.values("content_object_id")


def signs_in_own_right(user, organisation: Organisation) -> bool:
    """An active authorised signatory of the organisation: not a superuser, not an
    auditor, not the ICB secretariat (``user.has_perm`` would let an active superuser
    through, so this check does not use it)."""
    return user_has_object_perm(user, "organisations.sign_off_for_organisation", organisation)


def can_sign_for(user, organisation: Organisation) -> bool:
    """Who may sign off for the organisation: an authorised signatory, or, within the
    dates of the appointment, the deputy of one (``governance.deputies``)."""
    if signs_in_own_right(user, organisation):
        return True
    from governance.deputies.selectors import signing_appointment

    return getattr(user, "is_authenticated", False) and (
        signing_appointment(user, organisation) is not None
    )


def signing_organisation_ids(user) -> set[int]:
    """Organisations the user may sign off for today: as a signatory or as a deputy."""
    from governance.deputies.selectors import signing_deputy_org_ids

    return organisation_ids(user, roles=[Role.SIGNATORY]) | signing_deputy_org_ids(user)


class MembershipPermissionBackend:
    """Django auth backend answering object permissions from active memberships."""

    def authenticate(self, request, **credentials):
        return None

    def has_perm(self, user_obj, perm: str, obj: Model | None = None) -> bool:
        if obj is None:
            return False
        return user_has_object_perm(user_obj, perm, obj)

    def get_all_permissions(self, user_obj, obj: Model | None = None) -> set[str]:
        return set()
