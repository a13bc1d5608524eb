"""The same bounds in the services, so web forms (which call them) get them too: titles
and names without control or text-direction characters, narratives of at most 20,000
characters, each refusal next to its field and nothing written."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from decisions.models import Proposal
from governance.audit.models import AuditEvent
from governance.meetings.services import agenda, committees
from governance.risks.models import Risk
from governance.risks.services._common import Errors, clean_text
from governance.risks.services.risks import _clean
from tests.decisions.conftest import (  # noqa: F401
    decision_type,
    finance_post,
    fpc,
    ics,
    make_proposal,
    sord_board,
    sord_v1,
)
from tests.meetings.conftest import at

pytestmark = pytest.mark.django_db

RLO_TITLE = "Community beds \u202e0005.txt\u202c"


def field_errors(info) -> dict:
    return info.value.message_dict


def test_a_proposal_title_with_a_direction_override_is_refused(make_proposal):  # noqa: F811
    before = AuditEvent.objects.count()
    with pytest.raises(ValidationError) as info:
        make_proposal(title=RLO_TITLE)
    assert "text-direction control character (U+202E)" in field_errors(info)["title"][0]
    assert Proposal.objects.count() == 0
    assert AuditEvent.objects.count() == before


def test_a_proposal_summary_of_a_megabyte_is_refused(make_proposal):  # noqa: F811
    with pytest.raises(ValidationError) as info:
        make_proposal(summary="Beds. " * 200_000)
    assert "Keep this to 20,000 characters" in field_errors(info)["summary"][0]


def test_a_proposal_summary_keeps_its_line_breaks(make_proposal):  # noqa: F811
    p = make_proposal(summary="Fund 20 beds.\n\nCost: £50,000.\tRecurrent.")
    assert "\n\n" in p.summary


def test_the_web_form_shows_the_refusal_next_to_the_title(ics, decision_type):  # noqa: F811
    client = Client()
    client.force_login(ics["proposer"])
    response = client.post(
        "/proposals/new/",
        {
            "proposing_organisation": ics["trust"].pk,
            "title": RLO_TITLE,
            "summary": "Beds.",
            "financial_value": "100",
            "decision_type": decision_type.pk,
        },
    )
    assert response.status_code == 200
    assert "cannot be shown safely" in response.content.decode()
    assert Proposal.objects.count() == 0


@pytest.mark.parametrize(
    "value, max_length, refused",
    [
        ("Workforce gaps \u2067in\u2069 nursing", 200, True),
        ("Workforce gaps\nin nursing", 200, True),
        ("Cause:\n- vacancies\n- sickness", None, False),
        ("Cause \u202d", None, True),
        ("x" * 20_001, None, True),
    ],
)
def test_risk_text_is_bounded_by_the_shared_cleaner(value, max_length, refused):
    errors = Errors()
    clean_text(value, "field", errors, max_length=max_length)
    assert bool(errors.errors) is refused


@pytest.mark.parametrize("when", ["0001-01-01", "9999-12-31"])
def test_a_risk_review_date_outside_1900_to_2200_is_refused_by_the_service(when):
    errors = Errors()
    _clean(Risk(), {"next_review_date": datetime.date.fromisoformat(when)}, None, errors)
    assert "between 1900 and 2200" in errors.errors["next_review_date"][0]


def test_agenda_titles_and_committee_names_refuse_control_characters(ics):  # noqa: F811
    sec = ics["secretariat"]
    with pytest.raises(ValidationError) as info:
        committees.committee_create(
            actor=sec,
            name="Audit \x1b[31mCommittee",
            kind="committee",
            organisation=ics["icb"],
            quorum_min_members=3,
        )
    assert "control character (U+001B)" in field_errors(info)["name"][0]
    board = committees.committee_create(
        actor=sec, name="ICB Board", kind="board", organisation=ics["icb"], quorum_min_members=3
    )
    meeting = agenda.meeting_create(actor=sec, committee=board, start=at(20), location="HQ")
    with pytest.raises(ValidationError) as info:
        agenda.item_add(actor=sec, meeting=meeting, title="Finance \u202ereport", purpose="noting")
    assert "title" in field_errors(info)
    with pytest.raises(ValidationError) as info:
        agenda.meeting_create(
            actor=sec, committee=board, start=at(30), location="Civic Hall\u2066", title="Extra"
        )
    assert "location" in field_errors(info)
