"""Reference data over the API, so a client need not read ids from the admin:

- ``GET /api/v1/organisations/``  the system's organisations (active ones; auditors and the
  ICB secretariat also see inactive ones); ``?identifier=RZ1``, ``?kind=nhs_trust``
- ``GET /api/v1/memberships/``    who acts for which organisation in which role: one's own,
  one's organisation's for its secretariat, all for auditors and the ICB secretariat
- ``GET /api/v1/interests/``      declared interests: the published register, plus one's
  own entries (all for auditors and the ICB secretariat)

Each list goes through its app's permission-scoped selector; all are read-only.
"""

from __future__ import annotations

import django_filters
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, viewsets

from governance.api.filters import IdFilter
from governance.interests.models import Interest, InterestType
from governance.interests.selectors import interests_readable_by
from governance.organisations.models import Membership, Organisation, OrganisationKind, Role
from governance.organisations.selectors import memberships_visible_to, organisations_visible_to


class OrganisationSerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)

    class Meta:
        model = Organisation
        fields = ["id", "identifier", "name", "kind", "kind_label", "is_active"]
        read_only_fields = fields


class MembershipSerializer(serializers.ModelSerializer):
    username = serializers.CharField(source="user.username", read_only=True)
    person = serializers.SerializerMethodField()
    organisation_name = serializers.CharField(source="organisation.name", read_only=True)

    class Meta:
        model = Membership
        fields = [
            "id",
            "user",
            "username",
            "person",
            "organisation",
            "organisation_name",
            "role",
            "job_title",
            "start_date",
            "end_date",
        ]
        read_only_fields = fields

    def get_person(self, obj) -> str:
        return obj.user.get_full_name() or obj.user.get_username()


class InterestSerializer(serializers.ModelSerializer):
    person_name = serializers.SerializerMethodField()
    related_organisation_name = serializers.CharField(
        source="related_organisation.name", read_only=True, allow_null=True
    )

    class Meta:
        model = Interest
        fields = [
            "id",
            "person",
            "person_name",
            "interest_type",
            "description",
            "related_organisation",
            "related_organisation_name",
            "valid_from",
            "valid_to",
            "is_published",
        ]
        read_only_fields = fields

    def get_person_name(self, obj) -> str:
        return obj.person.get_full_name() or obj.person.get_username()


class OrganisationFilter(django_filters.FilterSet):
    identifier = django_filters.CharFilter(label="ODS or GSS code")
    kind = django_filters.ChoiceFilter(choices=OrganisationKind.choices)
    is_active = django_filters.BooleanFilter(label="Active (auditors and the ICB secretariat)")
    name = django_filters.CharFilter(lookup_expr="icontains", label="Name contains")

    class Meta:
        model = Organisation
        fields = ["identifier", "kind", "is_active", "name"]


@extend_schema_view(list=extend_schema(summary="Organisations"))
@extend_schema(tags=["reference"])
class OrganisationViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    serializer_class = OrganisationSerializer
    queryset = Organisation.objects.none()
    filterset_class = OrganisationFilter
    ordering_fields = ["name", "identifier", "kind"]

    def get_queryset(self):
        return organisations_visible_to(self.request.user).order_by("name")


class MembershipFilter(django_filters.FilterSet):
    organisation = IdFilter(field_name="organisation_id")
    role = django_filters.ChoiceFilter(choices=Role.choices)
    current_on = django_filters.DateFilter(method="by_day", label="In post on this day")

    def by_day(self, queryset, name, value):
        return queryset.filter(start_date__lte=value).exclude(end_date__lt=value)


@extend_schema_view(list=extend_schema(summary="Memberships I may see"))
@extend_schema(tags=["reference"])
class MembershipViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    serializer_class = MembershipSerializer
    queryset = Membership.objects.none()
    filterset_class = MembershipFilter
    ordering_fields = ["start_date", "role"]

    def get_queryset(self):
        return memberships_visible_to(self.request.user).order_by("organisation__name", "pk")


class InterestFilter(django_filters.FilterSet):
    person = IdFilter(field_name="person_id", label="The person who declared it (id)")
    interest_type = django_filters.ChoiceFilter(choices=InterestType.choices)
    related_organisation = IdFilter(field_name="related_organisation_id")
    current_on = django_filters.DateFilter(method="by_day", label="Held on this day")

    class Meta:
        model = Interest
        fields = ["person", "interest_type", "related_organisation", "current_on"]

    def by_day(self, queryset, name, value):
        return queryset.current(value)


@extend_schema_view(list=extend_schema(summary="Declared interests I may see"))
@extend_schema(tags=["reference"])
class InterestViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    serializer_class = InterestSerializer
    queryset = Interest.objects.none()
    filterset_class = InterestFilter
    ordering_fields = ["valid_from", "declared_at", "interest_type"]

    def get_queryset(self):
        return interests_readable_by(self.request.user).order_by("pk")
