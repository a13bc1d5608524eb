"""ChoiceLabelField: the same label DRF's generic ``CharField(source="get_…_display")``
gives, on every list that uses it, without inspecting the method on each row; the
schema still says a read-only string."""

from __future__ import annotations

import pytest
from rest_framework import serializers

from governance.serializer_fields import ChoiceLabelField
from governance.signoffs.models import SignOff, SignOffStatus


class Generic(serializers.Serializer):
    label = serializers.CharField(source="get_status_display", read_only=True)


class Fast(serializers.Serializer):
    label = ChoiceLabelField(source="get_status_display")


@pytest.mark.parametrize("status", SignOffStatus.values)
def test_the_same_label_as_drf_gives(status):
    row = SignOff(status=status)
    assert Fast(row).data == Generic(row).data == {"label": SignOffStatus(status).label}


def test_an_unknown_value_shows_as_itself_as_before():
    row = SignOff(status="mislaid")
    assert Fast(row).data == Generic(row).data == {"label": "mislaid"}


def test_read_only_and_only_for_choice_labels():
    assert ChoiceLabelField(source="get_status_display").read_only
    with pytest.raises(ValueError, match="get_<field>_display"):
        ChoiceLabelField(source="status")


def test_the_list_serializers_use_it():
    from budgets.api.serializers import AllocationSerializer
    from decisions.api.serializers import ProposalSerializer, RegisterEntrySerializer
    from governance.risks.api.serializers import RiskSerializer

    for serializer, name in [
        (ProposalSerializer, "status_label"),
        (RegisterEntrySerializer, "outcome_label"),
        (RiskSerializer, "status_label"),
        (AllocationSerializer, "status_label"),
    ]:
        assert isinstance(serializer().fields[name], ChoiceLabelField), serializer
