"""Read-only API for committees, meetings (with agenda), the pack a caller may see, and
actions. Open to anonymous callers, who get the public view (as on the portal)."""

from __future__ import annotations

from django.http import Http404
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import permissions, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from governance.meetings import selectors
from governance.meetings.api import serializers
from governance.meetings.services import packs


class CommitteeViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = serializers.CommitteeSerializer
    permission_classes = [permissions.AllowAny]

    def get_queryset(self):
        return selectors.with_current_members(
            selectors.committees_visible_to(self.request.user).order_by("name")
        )


class MeetingViewSet(viewsets.ReadOnlyModelViewSet):
    permission_classes = [permissions.AllowAny]

    def get_serializer_class(self):
        if self.action == "list":
            return serializers.MeetingSerializer
        return serializers.MeetingDetailSerializer

    def get_queryset(self):
        qs = selectors.meetings_visible_to(self.request.user).order_by("-start")
        committee = self.request.query_params.get("committee")
        if committee and committee.isdigit():
            qs = qs.filter(committee_id=int(committee))
        when = self.request.query_params.get("when")
        if when == "upcoming":
            qs = qs.filter(start__gte=timezone.now()).order_by("start")
        elif when == "past":
            qs = qs.filter(start__lt=timezone.now())
        return qs

    @extend_schema(responses=serializers.PackSerializer)
    @action(detail=True, methods=["get"])
    def pack(self, request, pk=None):
        """The newest pack the caller may see: the members' pack for committee members,
        the secretariat and auditors; otherwise the public pack once it is published."""
        meeting = self.get_object()
        version = selectors.pack_visible_to(request.user, meeting)
        if version is None:
            raise Http404("No pack is available to you for this meeting.")
        return Response(serializers.PackSerializer(version).data)

    @extend_schema(request=None, responses={202: serializers.JobSerializer(many=True)})
    @action(
        detail=True,
        methods=["post"],
        url_path="generate-packs",
        permission_classes=[permissions.IsAuthenticated],
    )
    def generate_packs(self, request, pk=None):
        """Queue the members' and public packs (only those out of date); poll each job's
        ``status_url`` for progress and the result."""
        meeting = self.get_object()
        jobs = packs.packs_generate(actor=request.user, meeting=meeting)
        return Response(serializers.JobSerializer(jobs, many=True).data, status=202)


class ActionViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = serializers.ActionSerializer
    permission_classes = [permissions.AllowAny]

    def get_queryset(self):
        qs = selectors.actions_visible_to(self.request.user).order_by("due_date", "reference")
        status = self.request.query_params.get("status")
        if status == "open":
            qs = qs.filter(status__in=["open", "in_progress"])
        return qs
