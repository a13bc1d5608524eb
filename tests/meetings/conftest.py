"""Fixtures for meetings: a board with realistic members, meetings, papers and PDFs."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal

import pytest
from django.utils import timezone

from governance.meetings.models import CommitteeKind, CommitteeRole
from governance.meetings.services import agenda, committees
from governance.organisations.models import Role
from tests.decisions.conftest import (  # noqa: F401
    decision_type,
    finance_post,
    fpc,
    ics,
    make_proposal,
    sord_v1,
)

SECRET = "ZEBRA-OCELOT-7731 secret takeover of Calder Mills"


@pytest.fixture(autouse=True)
def _media_and_hashers(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def people(ics, make_user):  # noqa: F811
    """Board members: ICB officers and non-executives, plus partner members."""
    icb = ics["icb"]

    def named(username, first, last):
        user = make_user(icb, Role.MEMBER, username)
        user.first_name, user.last_name = first, last
        user.save()
        return user

    return {
        "chair": named("chair", "Margaret", "Holt"),
        "nec1": named("nec1", "Olu", "Adeyemi"),
        "nec2": named("nec2", "Fiona", "Grant"),
        "ceo": named("ceo", "Ade", "Bello"),
        "cfo": ics["icb_sign"],
        "partner_trust": ics["trust_sign"],
        "partner_council": ics["council_sign"],
        "observer": named("observer", "Ola", "Hughes"),
    }


@pytest.fixture
def board(ics, people):  # noqa: F811
    """7 voting members; quorum: half of them, including an executive and a non-executive."""
    sec = ics["secretariat"]
    c = committees.committee_create(
        actor=sec,
        name="Test ICB Board",
        kind=CommitteeKind.BOARD,
        organisation=ics["icb"],
        terms_of_reference="The board of the ICB.",
        quorum_fraction=Decimal("0.5"),
        quorum_required_roles={"executive": 1, "non_executive": 1},
        chair_has_casting_vote=True,
        papers_due_days=10,
        publication_clear_days=5,
    )
    seats = [
        ("chair", CommitteeRole.CHAIR, ics["icb"], True),
        ("nec1", CommitteeRole.NON_EXECUTIVE, ics["icb"], True),
        ("nec2", CommitteeRole.NON_EXECUTIVE, ics["icb"], True),
        ("ceo", CommitteeRole.EXECUTIVE, ics["icb"], True),
        ("cfo", CommitteeRole.EXECUTIVE, ics["icb"], True),
        ("partner_trust", CommitteeRole.PARTNER_MEMBER, ics["trust"], True),
        ("partner_council", CommitteeRole.PARTNER_MEMBER, ics["council"], True),
        ("observer", CommitteeRole.OTHER, ics["icb"], False),
    ]
    c.seat = {}
    for key, role, org, voting in seats:
        c.seat[key] = committees.member_add(
            actor=sec,
            committee=c,
            user=people[key],
            organisation=org,
            role=role,
            is_voting=voting,
            valid_from=datetime.date(2020, 1, 1),
        )
    return c


@pytest.fixture
def sord_board(board):
    """The SoRD reserves decisions above the committee band to this board."""
    return board


def at(days: int, hour: int = 10) -> datetime.datetime:
    """A local time ``days`` from today."""
    day = timezone.localdate() + datetime.timedelta(days=days)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, 0)))


@pytest.fixture
def make_meeting(ics, board):  # noqa: F811
    def make(days=20, **kwargs):
        kwargs.setdefault("location", "Civic Hall, Northmere")
        return agenda.meeting_create(
            actor=ics["secretariat"], committee=board, start=at(days), **kwargs
        )

    return make


def make_pdf(pages: int = 2, text: str = "Appendix page") -> bytes:
    """A plain PDF with ``pages`` pages of text (drawn with pypdf, no renderer)."""
    from pypdf import PdfWriter
    from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject

    writer = PdfWriter()
    font = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Font"),
            NameObject("/Subtype"): NameObject("/Type1"),
            NameObject("/BaseFont"): NameObject("/Helvetica"),
        }
    )
    for n in range(1, pages + 1):
        page = writer.add_blank_page(width=595, height=842)
        stream = DecodedStreamObject()
        stream.set_data(f"BT /F1 14 Tf 72 760 Td ({text} {n}) Tj ET".encode())
        page[NameObject("/Contents")] = writer._add_object(stream)
        page[NameObject("/Resources")] = DictionaryObject(
            {NameObject("/Font"): DictionaryObject({NameObject("/F1"): font})}
        )
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@pytest.fixture
def pdf_bytes():
    return make_pdf


@pytest.fixture
def ready_proposal(ics, make_proposal):  # noqa: F811
    """A proposal taken through partner sign-off to "ready for decision" (board level)."""
    from decisions import services
    from governance.signoffs.selectors import open_signoffs_for
    from governance.signoffs.services import signoff_decide

    def make(value="750000", affected=("trust", "council", "vcse"), **kwargs):
        p = make_proposal(value, affected=affected, **kwargs)
        services.proposal_submit(actor=ics["proposer"], proposal=p)
        services.proposal_review(actor=ics["secretariat"], proposal=p, accept=True)
        for who in {"trust": "trust_sign", "council": "council_sign", "vcse": "vcse_sign"}.values():
            for signoff in open_signoffs_for(ics[who]).filter(subject_id=p.pk):
                signoff_decide(actor=ics[who], signoff=signoff, outcome="approve")
        p.refresh_from_db()
        assert p.status == "ready_for_decision", p.status
        return p

    return make


@pytest.fixture
def travel(monkeypatch):
    """Move "now" (django.utils.timezone.now) to a given aware datetime."""
    import django.utils.timezone as tz

    def to(moment: datetime.datetime):
        monkeypatch.setattr(tz, "now", lambda: moment)

    return to


@pytest.fixture
def private_root(settings, tmp_path):
    settings.PACKS_PRIVATE_ROOT = str(tmp_path / "private")
