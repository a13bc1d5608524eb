"""Read paths of the SoRD pages: who may read and change what, a version's bands grouped
by decision type with the people holding each post, and what a draft changes against
the version it is based on.

Who reads what:
- the ICB secretariat changes the scheme (drafts, bands, posts) and reads everything;
- auditors (and superusers) read everything and change nothing;
- everyone else signed in reads the approved versions (the version in force above all);
- the public read the approved version in force (``/public/sord/``), with post titles
  and committee names but not the names of the people holding the posts.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from itertools import groupby

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from decisions.models import (
    DecisionType,
    PostHolder,
    SordBand,
    SordVersion,
    SordVersionStatus,
)
from governance import permissions
from governance.audit.models import AuditEvent

OPEN_STATUSES = (SordVersionStatus.DRAFT, SordVersionStatus.PROPOSED)


def may_change(user) -> bool:
    """The ICB secretariat (and superusers): the only people who change the scheme."""
    return permissions.is_system_secretariat(user)


def may_read_all(user) -> bool:
    """Every version in every status, the posts and their holders: the ICB secretariat,
    auditors and superusers."""
    return permissions.reads_everything(user)


def require_change(user) -> None:
    if not may_change(user):
        raise PermissionDenied("Only the ICB secretariat can change the SoRD.")


def require_read_all(user) -> None:
    if not may_read_all(user):
        raise PermissionDenied("Only the ICB secretariat and auditors can see this.")


def versions_visible_to(user) -> QuerySet[SordVersion]:
    """The versions ``user`` may read: all of them for the secretariat and auditors, the
    approved ones for everyone else signed in, none for anonymous visitors (the public
    portal reads the version in force only)."""
    qs = SordVersion.objects.select_related("proposal", "based_on", "created_by")
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return qs.none()
    if may_read_all(user):
        return qs
    return qs.filter(status=SordVersionStatus.APPROVED)


def version_or_404(user, number: int) -> SordVersion:
    version = versions_visible_to(user).filter(number=number).first()
    if version is None:
        raise Http404("No such version of the scheme.")
    return version


def open_draft() -> SordVersion | None:
    """The draft (or proposed) version, if one is in progress (there is at most one)."""
    return SordVersion.objects.filter(status__in=OPEN_STATUSES).first()


def approved_not_yet_in_force(on: datetime.date | None = None) -> QuerySet[SordVersion]:
    on = on or timezone.localdate()
    return SordVersion.objects.filter(
        status=SordVersionStatus.APPROVED, effective_from__gt=on
    ).order_by("effective_from")


def adoption_minute(version: SordVersion) -> str:
    """The board minute cited when the first scheme was recorded as adopted
    (``sord_initial_adopt`` keeps it as the reason of its audit event), or ""."""
    event = AuditEvent.objects.filter(
        verb="sord.version_adopted",
        target_type=SordVersion._meta.label_lower,
        target_id=str(version.pk),
    ).first()
    return event.reason if event else ""


# --- bands grouped by decision type ---------------------------------------------------------


@dataclass
class TypeBands:
    decision_type: DecisionType
    bands: list[SordBand] = field(default_factory=list)


def holder_names(post_ids, on: datetime.date | None = None) -> dict[int, list[str]]:
    """The names of the people holding each post on ``on`` (today by default)."""
    names: dict[int, list[str]] = {}
    holdings = (
        PostHolder.objects.on(on)
        .filter(post_id__in=set(post_ids), user__is_active=True)
        .select_related("user")
        .order_by("valid_from", "pk")
    )
    for h in holdings:
        names.setdefault(h.post_id, []).append(h.user.get_full_name() or h.user.get_username())
    return names


def bands_of(version: SordVersion) -> QuerySet[SordBand]:
    return version.bands.select_related(
        "decision_type", "committee", "officer_post", "officer_post__organisation"
    ).order_by("decision_type__name", "decision_type__code", "min_value")


def bands_by_type(version: SordVersion, *, with_holders: bool = True) -> list[TypeBands]:
    """The version's bands, grouped by decision type (by name), lowest band first. With
    ``with_holders``, each officer band carries ``holder_names`` (today's holders)."""
    bands = list(bands_of(version))
    if with_holders:
        names = holder_names(b.officer_post_id for b in bands if b.officer_post_id)
        for b in bands:
            b.holder_names = names.get(b.officer_post_id, [])
    return [
        TypeBands(decision_type=dt, bands=list(group))
        for dt, group in groupby(bands, key=lambda b: b.decision_type)
    ]


# --- what a draft changes ------------------------------------------------------------------


@dataclass
class BandChange:
    kind: str  # "added", "removed" or "changed"
    before: SordBand | None = None
    after: SordBand | None = None

    @property
    def decider(self) -> SordBand:
        return self.after or self.before


@dataclass
class TypeChange:
    decision_type: DecisionType
    kind: str  # "added" (new to the scheme), "removed" (taken out) or "changed"
    changes: list[BandChange] = field(default_factory=list)


def _decider(band: SordBand) -> tuple:
    return (band.decided_by, band.committee_id, band.officer_post_id)


def _terms(band: SordBand) -> tuple:
    return (band.min_value, band.max_value, band.signoff_rule)


def _by_type(version: SordVersion | None) -> dict[int, list[SordBand]]:
    out: dict[int, list[SordBand]] = {}
    if version is not None:
        for b in bands_of(version):
            out.setdefault(b.decision_type_id, []).append(b)
    return out


def _band_changes(before: list[SordBand], after: list[SordBand]) -> list[BandChange]:
    """Pair the bands of one type by their decision-maker (in value order when one
    decides several bands): a pair whose range or sign-off rule differs is "changed"
    ("the Director of Finance's limit rises from £100k to £250k"); a decision-maker only
    in the new version is "added", one only in the old version "removed"."""
    old: dict[tuple, list[SordBand]] = {}
    for b in before:
        old.setdefault(_decider(b), []).append(b)
    changes = []
    for a in after:
        pool = old.get(_decider(a))
        b = pool.pop(0) if pool else None
        if b is None:
            changes.append(BandChange("added", after=a))
        elif _terms(a) != _terms(b):
            changes.append(BandChange("changed", before=b, after=a))
    changes += [BandChange("removed", before=b) for pool in old.values() for b in pool]
    return sorted(changes, key=lambda c: (c.decider.min_value, c.kind))


def changes_from_base(version: SordVersion) -> list[TypeChange]:
    """What ``version`` changes against the version it was drafted from, type by type
    (everything is "added" for a first scheme)."""
    old, new = _by_type(version.based_on), _by_type(version)
    types = {dt.pk: dt for dt in DecisionType.objects.filter(pk__in=set(old) | set(new))}
    result = []
    for pk in sorted(types, key=lambda pk: (types[pk].name, types[pk].code)):
        before, after = old.get(pk, []), new.get(pk, [])
        changes = _band_changes(before, after)
        if changes:
            kind = "added" if not before else "removed" if not after else "changed"
            result.append(TypeChange(types[pk], kind, changes))
    return result
