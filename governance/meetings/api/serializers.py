"""Output of the meetings API. Agendas come in two shapes: the full agenda for those who
may see private business, and the public agenda (Part 2 items as a notice) otherwise."""

from __future__ import annotations

import datetime

from django.urls import reverse
from django.utils import timezone
from rest_framework import serializers

from governance.meetings import policy, publication, selectors
from governance.meetings.models import Action, Committee, CommitteeMember, Meeting, PackVersion


class MemberSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="display_name")
    organisation = serializers.CharField(source="organisation.name")
    role_display = serializers.CharField(source="get_role_display")

    class Meta:
        model = CommitteeMember
        fields = [
            "name",
            "role",
            "role_display",
            "title",
            "organisation",
            "is_voting",
            "valid_from",
            "valid_to",
        ]


class CommitteeSerializer(serializers.ModelSerializer):
    organisation = serializers.CharField(source="organisation.name")
    quorum = serializers.SerializerMethodField()
    members = serializers.SerializerMethodField()

    class Meta:
        model = Committee
        fields = [
            "id",
            "name",
            "kind",
            "organisation",
            "parent",
            "terms_of_reference",
            "quorum",
            "chair_has_casting_vote",
            "papers_due_days",
            "publication_clear_days",
            "is_active",
            "members",
        ]

    def get_quorum(self, obj) -> dict:
        return {
            "min_members": obj.quorum_min_members,
            "fraction": str(obj.quorum_fraction) if obj.quorum_fraction is not None else None,
            "required_roles": obj.quorum_required_roles or {},
        }

    def get_members(self, obj) -> list[dict]:
        return MemberSerializer(selectors.current_members(obj), many=True).data


class MeetingSerializer(serializers.ModelSerializer):
    committee = serializers.PrimaryKeyRelatedField(read_only=True)
    committee_name = serializers.CharField(source="committee.name")
    title = serializers.CharField(source="display_title")
    publication_date = serializers.SerializerMethodField()
    papers_due_date = serializers.SerializerMethodField()
    agenda_published = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField()

    class Meta:
        model = Meeting
        fields = [
            "id",
            "committee",
            "committee_name",
            "title",
            "start",
            "location",
            "online_link",
            "session",
            "status",
            "papers_due_date",
            "publication_date",
            "agenda_published",
            "url",
        ]

    def get_publication_date(self, obj) -> datetime.date:
        return selectors.publication_date(obj)

    def get_papers_due_date(self, obj) -> datetime.date:
        return selectors.papers_due_date(obj)

    def get_agenda_published(self, obj) -> bool:
        return selectors.is_published(obj)

    def get_url(self, obj) -> str | None:
        return (
            reverse("meetings:public-meeting", args=[obj.pk]) if obj.session == "public" else None
        )


class MeetingDetailSerializer(MeetingSerializer):
    agenda = serializers.SerializerMethodField()
    agenda_view = serializers.SerializerMethodField()
    decisions = serializers.SerializerMethodField()

    class Meta(MeetingSerializer.Meta):
        fields = [*MeetingSerializer.Meta.fields, "agenda_view", "agenda", "decisions"]

    def _private(self, obj) -> bool:
        return policy.sees_private(self.context["request"].user, obj.committee)

    def get_decisions(self, obj) -> list[dict]:
        """Published decisions of Part 1 items (a held meeting in public), with the named
        votes and each body's decision: the same projection as the public portal."""
        return [
            {
                "number": d.number,
                "title": d.title,
                "outcome": d.outcome,
                "votes": d.votes,
                "named_votes": d.named_votes,
                "bodies": [
                    {
                        "body": b.body,
                        "outcome": b.outcome,
                        "votes": b.votes,
                        "named_votes": b.named_votes,
                    }
                    for b in d.bodies
                ],
            }
            for d in publication.public_decisions(obj)
        ]

    def get_agenda_view(self, obj) -> str:
        return "members" if self._private(obj) else "public"

    def get_agenda(self, obj) -> list[dict]:
        if not self._private(obj):
            if not selectors.is_published(obj):
                return []
            return [
                {
                    "id": i.id,
                    "number": i.number,
                    "title": i.title,
                    "presenter": i.presenter,
                    "purpose": i.purpose,
                    "part": i.part,
                    "exemption_reason": i.exemption_reason,
                    "starts_at": i.starts_at.isoformat(),
                    "duration_minutes": i.duration_minutes,
                    "page": i.page,
                }
                for i in selectors.public_agenda(obj)
            ]
        items = list(selectors.agenda(obj).select_related("paper", "decision"))
        times = selectors.item_times(obj, items)
        pack = selectors.latest_full_pack(obj, "members")
        pages = pack.item_pages if pack else {}
        out = []
        for item in items:
            paper = getattr(item, "paper", None)
            decision = getattr(item, "decision", None)
            out.append(
                {
                    "id": item.pk,
                    "number": item.position,
                    "title": item.title,
                    "presenter": item.presenter,
                    "purpose": item.purpose,
                    "part": item.part,
                    "exemption_reason": item.exemption_reason,
                    "standing_kind": item.standing_kind,
                    "starts_at": timezone.localtime(times[item.pk]).isoformat(),
                    "duration_minutes": item.duration_minutes,
                    "page": pages.get(str(item.pk)),
                    "paper_status": paper.status if paper else None,
                    "paper_late": paper.is_late if paper else False,
                    "decision": decision.outcome if decision else None,
                    "votes": _votes(decision),
                    "subject": _subject_key(item),
                }
            )
        return out


def _votes(decision) -> dict | None:
    """Totals (derived from the named votes), the names, and each body's own decision
    (committees in common)."""
    if decision is None:
        return None
    return {
        "for": decision.votes_for,
        "against": decision.votes_against,
        "abstentions": decision.abstentions,
        "named": [{"name": v.name, "vote": v.choice} for v in decision.votes.all()],
        "bodies": [
            {
                "body": b.body.name,
                "outcome": b.outcome,
                "for": b.votes_for,
                "against": b.votes_against,
                "abstentions": b.abstentions,
                "quorate": b.quorate,
            }
            for b in decision.body_decisions.select_related("body")
        ],
    }


def _subject_key(item) -> str | None:
    if not item.subject_type_id:
        return None
    return f"{item.subject_type.app_label}.{item.subject_type.model}:{item.subject_id}"


class PackSerializer(serializers.ModelSerializer):
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = PackVersion
        fields = [
            "id",
            "meeting",
            "variant",
            "number",
            "kind",
            "page_count",
            "size",
            "item_pages",
            "created_at",
            "download_url",
        ]

    def get_download_url(self, obj) -> str:
        """The public pack on the portal; the members' pack through the API (a token
        works there: the web app's link needs a session)."""
        if obj.variant == "public":
            return reverse("meetings:public-pack", args=[obj.pk])
        return reverse("api-pack-download", args=[obj.pk])


class ActionSerializer(serializers.ModelSerializer):
    owner = serializers.SerializerMethodField()
    committee = serializers.CharField(source="committee.name")
    meeting = serializers.PrimaryKeyRelatedField(read_only=True)
    item = serializers.SerializerMethodField()

    class Meta:
        model = Action
        fields = [
            "id",
            "reference",
            "description",
            "owner",
            "due_date",
            "status",
            "progress",
            "committee",
            "meeting",
            "item",
            "created_at",
            "closed_at",
        ]

    def get_owner(self, obj) -> str:
        return obj.owner.get_full_name() or obj.owner.get_username()

    def get_item(self, obj) -> int | None:
        return obj.item.position if obj.item_id else None


class JobSerializer(serializers.Serializer):
    """A queued pack job: poll ``status_url``."""

    id = serializers.IntegerField(source="pk")
    variant = serializers.SerializerMethodField()
    status = serializers.CharField()
    status_url = serializers.SerializerMethodField()

    def get_variant(self, job) -> str:
        return (job.params or {}).get("variant", "")

    def get_status_url(self, job) -> str:
        """The job's status through the API (``GET /api/v1/jobs/{id}/``)."""
        return reverse("api-job", args=[job.pk])
