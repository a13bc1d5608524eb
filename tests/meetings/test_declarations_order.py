"""Declarations expected at publication and the chair's handling per item (quorum and
votes follow it); Part 1 business never follows Part 2."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from governance.interests.services import interest_declare
from governance.meetings import packbuild, selectors
from governance.meetings.models import AgendaItem, DeclarationSource, Part, StandingKind
from governance.meetings.services import agenda, conduct, minutes, packs
from tests.meetings.conftest import at
from tests.meetings.packhelpers import page_texts
from tests.meetings.partnerships import org_subject  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db


def declare(people, key, org):
    return interest_declare(
        actor=people[key],
        person=people[key],
        interest_type="financial",
        description=f"Non-executive director of {org.name}",
        related_organisation=org,
        valid_from=datetime.date(2024, 1, 1),
    )


def test_declarations_expected_at_publication_and_exclusions_change_quorum_and_votes(
    ics,
    board,
    people,
    org_subject,  # noqa: F811
    private_root,
    django_capture_on_commit_callbacks,
):
    sec = ics["secretariat"]
    trust = ics["trust"]
    declare(people, "partner_trust", trust)
    declare(people, "nec2", trust)
    m = agenda.meeting_create(actor=sec, committee=board, start=at(0, hour=0), location="Hall")
    record = ics["council"]  # a registered record whose only party is the trust
    org_subject.parties_of[record.pk] = [trust.pk]
    item = agenda.item_add(
        actor=sec, meeting=m, title="Community beds", purpose="decision", subject=record
    )
    assert not item.declarations.exists()  # the agenda is not published yet
    with django_capture_on_commit_callbacks(execute=True):  # publication: the pack job runs
        packs.packs_generate(actor=sec, meeting=m, variants=["members"])
    expected = {d.person.username: d for d in item.declarations.select_related("person")}
    assert set(expected) == {"trust_sign", "nec2"}
    assert all(d.source == DeclarationSource.REGISTER for d in expected.values())
    # ... on the members' pack and the run page as "declared interests for this item"
    spec = packbuild.build_spec(m, "members").spec
    pack_item = next(i for i in spec.items if i.number == str(item.position))
    assert "Declared interests for this item" in pack_item.paper_html
    assert "Non-executive director of Acute Trust" in pack_item.paper_html
    public_spec = packbuild.build_spec(m, "public").spec
    assert "Declared interests" not in repr(public_spec)
    with selectors.latest_pack(m, "members").file.open("rb") as fh:
        rendered = " ".join(page_texts(fh.read()))
    assert "Declared interests for this item" in rendered
    # an item added once the agenda is out is tested as it is added
    m.refresh_from_db()
    assert m.status == "issued"
    later = agenda.item_add(
        actor=sec, meeting=m, title="Community beds, phase 2", purpose="decision", subject=record
    )
    assert later.declarations.count() == 2

    for seat in board.seat.values():
        conduct.attendance_record(actor=sec, meeting=m, member=seat, status="present")
    assert selectors.quorum_of(m, item).counted == 7
    # the chair: the trust's partner member leaves the room; the NED stays but does not vote
    conduct.declaration_decide(
        actor=sec, declaration=expected["trust_sign"], handling="leave", chair_decision=""
    )
    conduct.declaration_decide(
        actor=sec,
        declaration=expected["nec2"],
        handling="no_vote",
        chair_decision="May speak to the item but not vote.",
    )
    q = selectors.quorum_of(m, item)
    assert q.counted == 5 and set(q.excluded) == {"Fiona Grant", "trust_sign"}
    everyone = {s.pk: "for" for s in board.seat.values() if s.is_voting}
    with pytest.raises(ValidationError) as exc:
        conduct.item_decide(actor=sec, item=item, votes=everyone)
    assert "Fiona Grant" in exc.value.message_dict["votes"][0]
    for key in ("nec2", "partner_trust"):
        del everyone[board.seat[key].pk]
    d = conduct.item_decide(actor=sec, item=item, votes=everyone)
    assert (d.votes_for, d.votes_against, d.abstentions) == (5, 0, 0)
    text = minutes.entry_text(m, item)
    assert "Leaves the room (no discussion, no vote)" in text
    assert "May speak to the item but not vote." in text

    # "take part": the member counts and votes on the later item
    for dec in later.declarations.all():
        conduct.declaration_decide(
            actor=sec, declaration=dec, handling="take_part", chair_decision="Not material."
        )
    assert selectors.quorum_of(m, later).counted == 7
    # a member declares a new interest at the meeting
    new = conduct.declaration_add(
        actor=sec, item=later, person=people["ceo"], description="Spouse works for the trust"
    )
    assert new.source == DeclarationSource.MEETING and new.handling == ""
    with pytest.raises(ValidationError) as exc:
        conduct.declaration_decide(actor=sec, declaration=new, handling="maybe", chair_decision="")
    assert "handling" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        conduct.declaration_add(
            actor=sec, item=later, person=ics["outsider"], description="Not here"
        )
    assert "person" in exc.value.message_dict


def test_wrong_role_cannot_decide_a_declaration(ics, board, people, make_meeting):
    from django.core.exceptions import PermissionDenied

    m = make_meeting(days=-1)
    item = agenda.item_add(actor=ics["secretariat"], meeting=m, title="X", purpose="decision")
    d = conduct.declaration_add(
        actor=ics["secretariat"], item=item, person=people["ceo"], description="Brother"
    )
    with pytest.raises(PermissionDenied):
        conduct.declaration_decide(
            actor=people["chair"], declaration=d, handling="leave", chair_decision=""
        )


# --- Part 1 before Part 2 ----------------------------------------------------------------


def assert_parts_in_order(m):
    items = list(m.items.order_by("position"))
    assert [i.position for i in items] == list(range(1, len(items) + 1))
    blocks = [
        1 if i.standing_kind == StandingKind.EXCLUSION else (2 if i.part == Part.PRIVATE else 0)
        for i in items
    ]
    assert blocks == sorted(blocks), [(i.position, i.title, i.part) for i in items]
    has_part2 = 2 in blocks
    assert (1 in blocks) == has_part2  # the resolution exactly when there is Part 2 business


OPS = st.lists(
    st.tuples(
        st.sampled_from(["add1", "add2", "move", "reorder", "to_part1", "to_part2", "remove"]),
        st.integers(min_value=0, max_value=30),
        st.randoms(use_true_random=False),
    ),
    min_size=1,
    max_size=10,
)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(ops=OPS)
def test_part1_never_follows_part2(ics, board, ops):
    sec = ics["secretariat"]
    m = agenda.meeting_create(actor=sec, committee=board, start=at(20), location="Hall")
    for n, (op, k, rnd) in enumerate(ops):
        items = list(m.items.order_by("position"))
        target = items[k % len(items)]
        try:
            if op in ("add1", "add2"):
                agenda.item_add(
                    actor=sec,
                    meeting=m,
                    title=f"Item {n}",
                    purpose="decision",
                    part=Part.PUBLIC if op == "add1" else Part.PRIVATE,
                    exemption_reason="" if op == "add1" else "commercial (FOIA s43)",
                )
            elif op == "move":
                agenda.item_move(actor=sec, item=target, to_position=1 + k % len(items))
            elif op == "reorder":
                ids = [i.pk for i in items]
                rnd.shuffle(ids)
                agenda.item_reorder(actor=sec, meeting=m, ordered_ids=ids)
            elif op == "to_part1":
                agenda.item_update(actor=sec, item=target, part=Part.PUBLIC)
            elif op == "to_part2":
                agenda.item_update(
                    actor=sec, item=target, part=Part.PRIVATE, exemption_reason="commercial"
                )
            elif op == "remove":
                agenda.item_remove(actor=sec, item=target)
        except ValidationError as exc:
            # refused: the agenda is as it was, and the refusal says why
            assert exc.messages
        assert_parts_in_order(m)


def test_part1_added_after_part2_goes_to_the_end_of_part1(ics, make_meeting):
    sec = ics["secretariat"]
    m = make_meeting()
    deal = agenda.item_add(
        actor=sec, meeting=m, title="Deal", purpose="decision", part=2, exemption_reason="s43"
    )
    report = agenda.item_add(actor=sec, meeting=m, title="Report", purpose="noting")
    order = list(m.items.order_by("position").values_list("title", flat=True))
    assert order[-3:] == ["Report", "Resolution to exclude the public", "Deal"]
    deal.refresh_from_db()
    with pytest.raises(ValidationError) as exc:
        agenda.item_move(actor=sec, item=report, to_position=deal.position)
    assert "position" in exc.value.message_dict
    exclusion = m.items.get(standing_kind=StandingKind.EXCLUSION)
    with pytest.raises(ValidationError):
        agenda.item_update(actor=sec, item=exclusion, part=2, exemption_reason="s43")
    with pytest.raises(ValidationError):
        agenda.item_remove(actor=sec, item=exclusion)
    assert AgendaItem.objects.filter(meeting=m, standing_kind=StandingKind.EXCLUSION).count() == 1
