"""The audit explorer at /audit/: filters, scope, keyset pages, rows as linked sentences."""

from __future__ import annotations

import datetime
import re
import zoneinfo

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from governance.audit import explorer, links
from governance.audit.models import AuditEvent
from governance.audit.services import audit_bulk_append
from governance.organisations.models import OrganisationKind, Role

LONDON = zoneinfo.ZoneInfo("Europe/London")


@pytest.fixture(name="trail")
def trail_fixture(icb, make_org, make_user):
    """Two trusts, people in each, and events of known kinds written for each."""
    north = make_org("Northfield Hospitals NHS Trust", OrganisationKind.NHS_TRUST, "RX1")
    south = make_org("Southgate Community NHS Trust", OrganisationKind.NHS_TRUST, "RX2")
    people = {
        "auditor": make_user(icb, Role.AUDITOR, username="auditor"),
        "icb_sec": make_user(icb, Role.SECRETARIAT, username="icb.sec"),
        "north_sec": make_user(north, Role.SECRETARIAT, username="north.sec"),
        "north_member": make_user(north, Role.MEMBER, username="north.member"),
        "asha": make_user(north, Role.SIGNATORY, username="asha"),
        "ben": make_user(south, Role.SIGNATORY, username="ben"),
    }
    people["asha"].first_name, people["asha"].last_name = "Asha", "Patel"
    people["asha"].save()
    base = datetime.datetime(2026, 6, 30, 9, 0, tzinfo=datetime.UTC)
    late = base.replace(hour=23, minute=30)  # 00:30 on 1 July in UK summer time
    interest, deputy = "interests.interest", "deputies.deputyappointment"
    pennine, medical = "Director, Pennine Care", "Deputy for the medical director"
    specs = [
        # (who, organisation, verb, target type, target id, label, reason, when)
        ("asha", north, "interest.declared", interest, "11", pennine, "", base),
        ("asha", north, "interest.updated", interest, "11", pennine, "", base),
        ("ben", south, "interest.declared", interest, "12", "Trustee, Southgate Hospice", "", base),
        ("ben", south, "deputy.appointed", deputy, "3", "Deputy for the FD", "Annual leave", base),
        ("asha", north, "deputy.appointed", deputy, "4", medical, "Conference", base),
        ("asha", north, "deputy.ended", deputy, "4", medical, "Back early", late),
    ]
    audit_bulk_append(
        {
            "timestamp": when,
            "actor_id": people[who].pk,
            "actor": people[who].username,
            "organisation_id": org.pk,
            "verb": verb,
            "target_type": ttype,
            "target_id": tid,
            "target_label": label,
            "changes": {},
            "reason": reason,
        }
        for who, org, verb, ttype, tid, label, reason, when in specs
    )
    return {"north": north, "south": south, "people": people}


def _seqs(user, **params) -> list[int]:
    form, events = explorer.filtered_events(user, {k: str(v) for k, v in params.items()})
    assert form.is_valid(), form.errors
    return list(events.order_by("seq").values_list("seq", flat=True))


def _labels(user, **params) -> list[tuple[str, str]]:
    form, events = explorer.filtered_events(user, {k: str(v) for k, v in params.items()})
    assert form.is_valid(), form.errors
    return list(events.order_by("seq").values_list("verb", "target_id"))


def test_each_filter_narrows_the_trail(trail):
    auditor = trail["people"]["auditor"]
    north, south = trail["north"], trail["south"]
    everything = _seqs(auditor)
    assert len(everything) == AuditEvent.objects.count()  # the set-up's own events too

    south_only = _seqs(auditor, organisation=south.pk)
    found = AuditEvent.objects.filter(seq__in=south_only).values_list("organisation", flat=True)
    assert set(found) == {south.pk}
    assert {("interest.declared", "12"), ("deputy.appointed", "3")} <= set(
        _labels(auditor, organisation=south.pk)
    )
    assert ("deputy.ended", "4") not in _labels(auditor, organisation=south.pk)
    by_ben = _labels(auditor, person=trail["people"]["ben"].pk)
    assert by_ben == [("interest.declared", "12"), ("deputy.appointed", "3")]
    assert _labels(auditor, kind="deputy.ended") == [("deputy.ended", "4")]
    area = _labels(auditor, kind="area:interest")
    assert area == [
        ("interest.declared", "11"),
        ("interest.updated", "11"),
        ("interest.declared", "12"),
    ]
    deputies = _labels(auditor, subject="deputies.deputyappointment")
    assert [t for _, t in deputies] == ["3", "4", "4"]
    one = _labels(auditor, subject="deputies.deputyappointment", record="4")
    assert one == [("deputy.appointed", "4"), ("deputy.ended", "4")]
    assert _labels(auditor, q="hospice") == [("interest.declared", "12")]  # label, any case
    assert _labels(auditor, q="annual leave") == [("deputy.appointed", "3")]  # the reason
    combined = _labels(auditor, organisation=north.pk, kind="area:deputy", q="medical")
    assert combined == [("deputy.appointed", "4"), ("deputy.ended", "4")]


def test_dates_are_uk_dates_in_uk_time(trail):
    auditor = trail["people"]["auditor"]
    # the event at 23:30 UTC on 30 June happened on 1 July in the UK
    on_first = _labels(auditor, date_from="1/7/2026", date_to="01/07/2026")
    assert on_first == [("deputy.ended", "4")]
    on_30th = _labels(auditor, date_from="30/06/2026", date_to="30/06/2026")
    assert ("deputy.ended", "4") not in on_30th
    assert len(on_30th) == 5
    assert _labels(auditor, date_from="2026-07-02", date_to="1/11/2026") == []


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"date_from": "2/7/2026", "date_to": "1/7/2026"}, "date_to", "same as or after"),
        ({"date_from": "31/02/2026"}, "date_from", "valid date"),
        ({"record": "4"}, "subject", "kind of record"),
        ({"kind": "fund.nonsense"}, "kind", "valid choice"),
        ({"organisation": "999999"}, "organisation", "valid choice"),
    ],
)
def test_bad_filters_say_what_is_wrong_next_to_the_field_and_show_nothing(
    trail, params, field, message
):
    auditor = trail["people"]["auditor"]
    form, events = explorer.filtered_events(auditor, params)
    assert not form.is_valid()
    assert message in " ".join(form.errors[field])
    assert not events.exists()
    client = Client()
    client.force_login(auditor)
    html = client.get("/audit/", params).content.decode()
    assert "nhsuk-error-summary" in html
    assert f'id="id_{field}_error"' in html
    assert "No events match these filters" in html


def test_a_partner_secretariat_sees_only_its_own_organisation(trail):
    north_sec = trail["people"]["north_sec"]
    north, south = trail["north"], trail["south"]
    seen = explorer.filtered_events(north_sec, {})[1]
    assert set(seen.values_list("organisation_id", flat=True)) == {north.pk}
    # asking for the other trust is refused as a choice it does not have, showing nothing
    form, events = explorer.filtered_events(north_sec, {"organisation": str(south.pk)})
    assert "organisation" in form.errors and not events.exists()
    # nor can it find the other trust's people or their events by any other filter
    form, events = explorer.filtered_events(north_sec, {"person": str(trail["people"]["ben"].pk)})
    assert "person" in form.errors and not events.exists()
    assert _labels(north_sec, q="hospice") == []
    client = Client()
    client.force_login(north_sec)
    html = client.get("/audit/").content.decode()
    assert "Southgate" not in html and "Trustee, Southgate Hospice" not in html
    assert "Director, Pennine Care" in html


def test_people_without_a_trail_role_see_no_events(trail):
    client = Client()
    client.force_login(trail["people"]["north_member"])
    response = client.get("/audit/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "You have no events you may see" in html
    assert "Pennine Care" not in html and "Show events" not in html


def test_rows_read_as_sentences_with_names_and_link_to_the_history_page(trail):
    links.register_history("deputies.deputyappointment", lambda pk: f"/history/deputy/{pk}/")
    try:
        client = Client()
        client.force_login(trail["people"]["auditor"])
        html = client.get("/audit/", {"organisation": trail["north"].pk}).content.decode()
    finally:
        links._RESOLVERS.pop("deputies.deputyappointment")
    body = html[html.index("<tbody") :]
    link = '<a class="nhsuk-link" href="/history/deputy/4/">Deputy for the medical director</a>'
    assert link in body
    assert "Director, Pennine Care</td>" in body  # no history page registered: no link
    whats = re.findall(r"What </span>([^<]*)</td>", body)
    assert whats[:3] == [
        "Deputy appointment ended early",
        "Deputy appointed",
        "Register entry changed",
    ]
    assert set(re.findall(r"Who </span>([^<]*)</td>", body)[:4]) == {"Asha Patel"}
    assert "1 Jul 2026 00:30:00" in body  # UK time
    assert "deputy.ended" not in body


def test_history_url_falls_back_to_no_link():
    assert links.history_url("nothing.registered", "1") is None
    links.register_history("Tests.Thing", lambda pk: None if pk == "0" else f"/t/{pk}/")
    try:
        assert links.history_url("tests.thing", 5) == "/t/5/"
        assert links.history_url("tests.thing", "0") is None
        assert links.history_url("tests.thing", "") is None
    finally:
        links._RESOLVERS.pop("tests.thing")


# --- keyset pages -------------------------------------------------------------------------------


def _append(n: int, **fields):
    now = datetime.datetime(2026, 11, 2, 10, 0, tzinfo=datetime.UTC)
    audit_bulk_append(
        {
            "timestamp": now,
            "actor": "seed",
            "verb": "organisation.updated",
            "target_type": "organisations.organisation",
            "target_id": "1",
            "target_label": "Northfield Hospitals NHS Trust",
            "changes": {},
            **fields,
        }
        for _ in range(n)
    )


def _page_seqs(html: str) -> list[int]:
    return [int(s) for s in re.findall(r"# </span>(\d+)</td>", html)]


def test_keyset_pages_walk_older_and_newer_without_offset_or_count(trail):
    _append(120, organisation_id=trail["south"].pk)
    client = Client()
    client.force_login(trail["people"]["auditor"])
    south = {"organisation": trail["south"].pk}
    expected = list(
        AuditEvent.objects.filter(organisation=trail["south"])
        .order_by("-seq")
        .values_list("seq", flat=True)
    )
    assert len(expected) > 120
    pages, params, seen_sql = [], dict(south), []
    while True:
        with CaptureQueriesContext(connection) as queries:
            html = client.get("/audit/", params).content.decode()
        seen_sql += [q["sql"].upper() for q in queries.captured_queries]
        pages.append(_page_seqs(html))
        older = re.search(r'href="\?before=(\d+)&amp;organisation=(\d+)"', html)
        if not older:
            break
        params = {**south, "before": older.group(1)}
    assert [len(p) for p in pages] == [50, 50, len(expected) - 100]
    assert [s for p in pages for s in p] == expected  # every event once, newest first
    assert not [s for s in seen_sql if " OFFSET " in s or "COUNT(" in s]
    assert 'rel="next"' not in html  # the oldest page has no older link
    # back to newer from the oldest page
    newer = re.search(r'href="\?after=(\d+)&amp;organisation=\d+"', html).group(1)
    html = client.get("/audit/", {**south, "after": newer}).content.decode()
    assert _page_seqs(html) == pages[1]
    first = client.get("/audit/", south).content.decode()
    assert "?after=" not in first  # the newest page has no newer link
    # a nonsense cursor is the newest page, not an error
    assert _page_seqs(client.get("/audit/", {**south, "before": "x"}).content.decode()) == pages[0]


def test_explorer_queries_do_not_grow_with_events(trail):
    client = Client()
    client.force_login(trail["people"]["auditor"])
    client.get("/audit/")
    with CaptureQueriesContext(connection) as few:
        client.get("/audit/")
    _append(80, organisation_id=trail["north"].pk)
    with CaptureQueriesContext(connection) as many:
        response = client.get("/audit/")
    assert len(_page_seqs(response.content.decode())) == 50
    assert len(many) == len(few), [q["sql"] for q in many.captured_queries]


def test_verify_button_shows_for_readers_of_everything_only(trail):
    from governance.audit import verification

    client = Client()
    client.force_login(trail["people"]["north_sec"])
    assert "Verify the trail now" not in client.get("/audit/").content.decode()
    assert client.post("/audit/verify/").status_code == 403
    client.force_login(trail["people"]["auditor"])
    html = client.get("/audit/").content.decode()
    assert ("Verify the trail now" in html) == verification.available()
