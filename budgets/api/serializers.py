"""Output serializers of the pooled budgets API (input is in ``inputs``).

Money is a string with two decimal places (e.g. "125000.00"), never a float.
"""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from budgets import balances
from budgets.models import Allocation, LedgerEntry, PooledFund, SchemeLine
from budgets.reports.position import fund_report
from governance.api.serializers import (
    OrganisationRefSerializer,
    SignOffStateSerializer,
    UserRefSerializer,
)
from governance.serializer_fields import ChoiceLabelField
from governance.signoffs.selectors import signoffs_for


def _money(**kwargs):
    return serializers.DecimalField(max_digits=16, decimal_places=2, read_only=True, **kwargs)


class FundPositionSerializer(serializers.Serializer):
    """Derived from the ledger: contributed less committed is uncommitted; committed less
    spent is unspent."""

    contributed = _money()
    committed = _money(help_text="Commitments less releases.")
    released = _money()
    spent = _money()
    uncommitted = _money(help_text="What the fund still holds for new commitments.")
    unspent = _money(help_text="Committed but not yet spent.")


class FundPartnerSerializer(serializers.Serializer):
    organisation = OrganisationRefSerializer(read_only=True)
    contributed = _money()
    committed = _money()
    spent = _money()
    uncommitted = _money()
    forecast_outturn = _money()
    variance = _money(help_text="The partner's share of the fund's variance (risk share).")
    share_percent = _money(help_text="The partner's risk share, per cent.")


class FundLineSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="line.pk", read_only=True)
    code = serializers.CharField(source="line.code", read_only=True)
    name = serializers.CharField(source="line.name", read_only=True)
    budget = _money()
    committed = _money()
    spent = _money()
    available = _money(help_text="Budget less committed.")
    forecast_outturn = _money()
    forecast_recorded = serializers.BooleanField(read_only=True)
    variance = _money(help_text="Forecast outturn less budget (positive: overspend).")


class SchemeLineRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = SchemeLine
        fields = ["id", "code", "name"]
        read_only_fields = fields


class FundRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = PooledFund
        fields = ["id", "reference", "name", "financial_year"]
        read_only_fields = fields


class FundSerializer(serializers.ModelSerializer):
    """A fund in a list, with its position (one query for the whole page)."""

    host_organisation = OrganisationRefSerializer(read_only=True)
    pool_manager = UserRefSerializer(read_only=True)
    status_label = ChoiceLabelField(source="get_status_display")
    year_label = serializers.CharField(read_only=True)
    position = serializers.SerializerMethodField()

    class Meta:
        model = PooledFund
        fields = [
            "id",
            "reference",
            "name",
            "agreement_reference",
            "financial_year",
            "year_label",
            "status",
            "status_label",
            "host_organisation",
            "pool_manager",
            "risk_share_basis",
            "position",
        ]
        read_only_fields = fields

    @extend_schema_field(FundPositionSerializer)
    def get_position(self, fund) -> dict:
        positions = self.context.get("positions")
        position = (
            positions.get(fund.pk, balances.Position())
            if positions is not None
            else balances.fund_position(fund)
        )
        return FundPositionSerializer(position.as_dict()).data


class FundDetailSerializer(FundSerializer):
    """One fund with its derived position per partner and per scheme line."""

    partners = serializers.SerializerMethodField()
    scheme_lines = serializers.SerializerMethodField()
    forecast = serializers.SerializerMethodField()

    class Meta(FundSerializer.Meta):
        fields = [
            *FundSerializer.Meta.fields,
            "description",
            "activated_at",
            "closed_at",
            "close_reason",
            "partners",
            "scheme_lines",
            "forecast",
        ]
        read_only_fields = fields

    def _report(self, fund):
        cache = self.context.setdefault("reports", {})
        if fund.pk not in cache:
            cache[fund.pk] = fund_report(fund)
        return cache[fund.pk]

    @extend_schema_field(FundPartnerSerializer(many=True))
    def get_partners(self, fund) -> list:
        return FundPartnerSerializer(self._report(fund).partners, many=True).data

    @extend_schema_field(FundLineSerializer(many=True))
    def get_scheme_lines(self, fund) -> list:
        return FundLineSerializer(self._report(fund).lines, many=True).data

    @extend_schema_field(
        {
            "type": "object",
            "properties": {
                "forecast_outturn": {"type": "string", "format": "decimal"},
                "variance": {"type": "string", "format": "decimal"},
                "outcome": {"type": "string", "enum": ["overspend", "underspend", "break-even"]},
                "risk_share": {"type": "string"},
                "rounding_rule": {"type": "string"},
            },
        }
    )
    def get_forecast(self, fund) -> dict:
        report = self._report(fund)
        return {
            "forecast_outturn": f"{report.forecast_outturn:.2f}",
            "variance": f"{report.variance:.2f}",
            "outcome": report.outcome,
            "risk_share": report.basis_text,
            "rounding_rule": report.rounding_rule,
        }


class LedgerEntrySerializer(serializers.ModelSerializer):
    organisation = OrganisationRefSerializer(read_only=True, allow_null=True)
    allocation = serializers.SlugRelatedField(
        slug_field="reference", read_only=True, allow_null=True
    )
    scheme_line = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    recorded_by = serializers.SerializerMethodField()
    amount = _money(help_text="Adjustments may be negative; every other kind is positive.")

    class Meta:
        model = LedgerEntry
        fields = [
            "id",
            "recorded_at",
            "kind",
            "amount",
            "organisation",
            "allocation",
            "scheme_line",
            "reference",
            "memo",
            "recorded_by",
        ]
        read_only_fields = fields

    def get_recorded_by(self, entry) -> str:
        return entry.actor.get_username() if entry.actor_id else "system"


class AllocationPositionSerializer(serializers.Serializer):
    commitments = _money()
    released = _money()
    spent = _money()
    committed = _money(help_text="Commitment less releases.")
    unspent = _money()


class AllocationSerializer(serializers.ModelSerializer):
    """An allocation in a list."""

    fund = FundRefSerializer(read_only=True)
    scheme_line = SchemeLineRefSerializer(read_only=True)
    recipient = OrganisationRefSerializer(read_only=True)
    requesting_organisation = OrganisationRefSerializer(read_only=True)
    requested_by = UserRefSerializer(read_only=True)
    status_label = ChoiceLabelField(source="get_status_display")
    amount = _money()

    class Meta:
        model = Allocation
        fields = [
            "id",
            "reference",
            "fund",
            "scheme_line",
            "recipient",
            "requesting_organisation",
            "requested_by",
            "amount",
            "purpose",
            "period_start",
            "period_end",
            "status",
            "status_label",
            "signoff_round",
            "return_reason",
            "failure_reason",
            "withdraw_reason",
            "created_at",
            "submitted_at",
            "committed_at",
        ]
        read_only_fields = fields


class AllocationDetailSerializer(AllocationSerializer):
    """One allocation with its money position, sign-offs (every round) and entries."""

    position = serializers.SerializerMethodField()
    signoffs = serializers.SerializerMethodField()
    entries = LedgerEntrySerializer(many=True, read_only=True)

    class Meta(AllocationSerializer.Meta):
        fields = [*AllocationSerializer.Meta.fields, "position", "signoffs", "entries"]
        read_only_fields = fields

    @extend_schema_field(AllocationPositionSerializer)
    def get_position(self, a) -> dict:
        p = balances.allocation_position(a.pk)
        return AllocationPositionSerializer(
            {
                "commitments": p.commitments,
                "released": p.released,
                "spent": p.spent,
                "committed": p.committed,
                "unspent": p.unspent,
            }
        ).data

    @extend_schema_field(SignOffStateSerializer(many=True))
    def get_signoffs(self, a) -> list:
        return SignOffStateSerializer(signoffs_for(a), many=True).data
