"""Who may give a sign-off, and whether a declared interest keeps them from it.

A signer is an authorised signatory of the organisation, or the deputy of one within the
dates of the appointment (``governance.deputies``). Each is tested on their own
interests with the one conflict test (``governance.interests.selectors.conflicts``),
acting for the sign-off's organisation: an entry naming that organisation (their
employer) is not a conflict. A conflict the chair of the deciding body has decided how
to manage (``ConflictManagement``) does not keep the person from signing.
"""

from __future__ import annotations

from dataclasses import dataclass

from governance import permissions, subjects
from governance.deputies.selectors import acting_label, signing_appointment, signing_deputies_of
from governance.interests.models import Interest
from governance.interests.selectors import conflicts
from governance.signoffs import notifications
from governance.signoffs.models import ConflictManagement, SignOff


@dataclass(frozen=True)
class Signer:
    person: object
    principal: object | None = None
    appointment: object | None = None

    @property
    def label(self) -> str:
        return acting_label(self.person, self.principal, self.appointment)

    @property
    def is_deputy(self) -> bool:
        return self.principal is not None


def parties_of(signoff: SignOff) -> list:
    subject = signoff.subject
    return list(subjects.for_model(subject).parties(subject))


def signers_of(organisation) -> list[Signer]:
    """The organisation's authorised signatories, then the deputies of its signatories
    who may act today (a deputy who is a signatory too is listed once, as a signatory)."""
    people = list(
        notifications.signatories_of(organisation).order_by("last_name", "first_name", "username")
    )
    result = [Signer(p) for p in people]
    seen = {p.pk for p in people}
    for appointment in signing_deputies_of(organisation):
        if appointment.deputy_id in seen:
            continue
        seen.add(appointment.deputy_id)
        result.append(Signer(appointment.deputy, appointment.principal, appointment))
    return result


def signer_for(user, organisation) -> Signer | None:
    """How ``user`` may sign for the organisation today: in their own right, as a deputy,
    or not at all."""
    if permissions.signs_in_own_right(user, organisation):
        return Signer(user)
    if not getattr(user, "is_authenticated", False):
        return None
    appointment = signing_appointment(user, organisation)
    if appointment is None:
        return None
    return Signer(user, appointment.principal, appointment)


def conflicts_on(signoff: SignOff, person, parties=None) -> list:
    """The person's interests that conflict them out of this sign-off (before any chair's
    decision on managing them). Most signatories have no interest in force: one query
    tells, before the subject's parties are read."""
    if parties is None:
        if not Interest.objects.current().filter(person=person).exists():
            return []
        parties = parties_of(signoff)
    return list(conflicts(person, parties, acting_for_organisation=signoff.organisation_id))


def management_for(signoff: SignOff, person) -> ConflictManagement | None:
    return ConflictManagement.objects.filter(signoff=signoff, person=person).first()
