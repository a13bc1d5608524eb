"""A published board pack carries the audit trail's checkpoint on its last page, and
publishing it publishes that checkpoint (issue 15)."""

from __future__ import annotations

import pytest

from governance.audit import chain, signing
from governance.audit.models import AuditEvent, Checkpoint, CheckpointOccasion
from governance.meetings import selectors
from tests.meetings.packhelpers import page_texts
from tests.meetings.test_packs import (  # noqa: F401 (fixtures)
    _private_root,
    generate,
    meeting_with_papers,
    pdf_of,
)

pytestmark = pytest.mark.django_db


def test_each_published_pack_prints_a_signed_checkpoint_on_its_last_page(
    ics,
    meeting_with_papers,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    generate(ics, meeting_with_papers, django_capture_on_commit_callbacks)
    points = list(Checkpoint.objects.order_by("seq"))
    assert len(points) == 2  # one per variant's job
    assert {p.occasion for p in points} == {CheckpointOccasion.BOARD_PACK}
    assert all(p.published_by == ics["secretariat"] for p in points)
    assert not chain.checkpoint_problems([p.as_record() for p in points], signing.public_keys())
    printed = set()
    for variant in ("members", "public"):
        version = selectors.latest_pack(meeting_with_papers, variant)
        last = " ".join(page_texts(pdf_of(version))[-1].split())
        assert f"Page {version.page_count} of {version.page_count}" in last
        found = [p for p in points if p.hash in last]
        assert len(found) == 1, last
        point = found[0]
        assert f"Audit trail checkpoint: event {point.seq}, hash {point.hash}," in last
        assert f"signed with key {point.key_id} at {point.signed_at_text}" in last
        printed.add(point.pk)
        # the pack's own issue comes after the checkpoint in the trail
        issued = AuditEvent.objects.get(verb="meeting.pack_issued", target_id=str(version.pk))
        assert issued.seq > point.seq
    assert printed == {p.pk for p in points}
    # earlier pages carry only their numbers
    version = selectors.latest_pack(meeting_with_papers, "public")
    assert "Audit trail checkpoint" not in " ".join(page_texts(pdf_of(version))[:-1])
