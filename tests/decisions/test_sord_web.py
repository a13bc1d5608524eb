"""The SoRD in the app: the ICB secretariat drafts a new version through the pages, takes
it to the board, and after the board's approval the new version routes proposals and
is published (page and PDF); everyone else reads and nobody else writes."""

from __future__ import annotations

import datetime
import io
import re

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone
from pypdf import PdfReader

from decisions import reports_sord, services
from decisions.models import (
    SORD_CHANGE_CODE,
    DecidedBy,
    DecisionType,
    OfficerPost,
    PostHolder,
    Proposal,
    ProposalStatus,
    SordBand,
    SordVersion,
    SordVersionStatus,
)
from decisions.services import sord as sord_services
from governance.audit.models import AuditEvent
from governance.meetings.models import Committee
from governance.organisations.models import Role
from governance.pdf import render_html
from governance.signoffs.selectors import open_signoffs_for
from tests.decisions.test_web_accessibility import check
from tests.decisions.test_web_support import audit_count, login, raise_via_web, text

pytestmark = pytest.mark.django_db


def row(i, lo, hi, by, *, committee=None, post=None, rule="all") -> dict:
    p = f"bands-{i}-"
    return {
        p + "min_value": lo,
        p + "max_value": hi,
        p + "decided_by": by,
        p + "committee": committee.pk if committee else "",
        p + "officer_post": post.pk if post else "",
        p + "signoff_rule": rule,
    }


def formset(*rows, initial=0) -> dict:
    data = {
        "bands-TOTAL_FORMS": str(len(rows)),
        "bands-INITIAL_FORMS": str(initial),
        "bands-MIN_NUM_FORMS": "0",
        "bands-MAX_NUM_FORMS": "30",
    }
    for r in rows:
        data.update(r)
    return data


def pdf_text(pdf: bytes) -> str:
    """The PDF's words, one space apart (table cells wrap)."""
    pages = PdfReader(io.BytesIO(pdf)).pages
    return " ".join(" ".join(page.extract_text() for page in pages).split())


@pytest.fixture(autouse=True)
def _no_cached_pdf():
    """The published PDF is cached by its content: start each test without it."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def draft(ics, sord_v1):
    """v2, drafted by the secretariat from v1 (bands copied)."""
    return sord_services.sord_version_draft(actor=ics["secretariat"], summary="Annual review")


@pytest.fixture
def named(ics):
    """Give the post holder and the secretariat real-shaped names."""
    for key, first, last in (("icb_sign", "Priya", "Shah"), ("secretariat", "Tom", "Baker")):
        ics[key].first_name, ics[key].last_name = first, last
        ics[key].save()
    return ics


# --- the whole journey ----------------------------------------------------------------------


def test_secretariat_drafts_takes_to_the_board_and_the_new_version_routes_and_is_published(
    named, sord_v1, sord_board, fpc, finance_post, decision_type, board_decides
):
    ics = named
    sec = login(ics["secretariat"])

    page = text(sec.get("/sord/"))
    assert "In force: version 1" in page
    assert "Director of Finance" in page and "Held by Priya Shah" in page
    assert "Finance and Performance Committee" in page
    assert "Start a draft" in page

    response = sec.post("/sord/versions/new/", {"summary": "Raise the DoF's limit."})
    assert response.status_code == 302 and response["Location"] == "/sord/versions/2/"
    v2 = SordVersion.objects.get(number=2)
    assert v2.status == SordVersionStatus.DRAFT and v2.based_on == sord_v1
    assert "No changes to any band" in text(sec.get("/sord/versions/2/"))
    assert 'href="/sord/versions/2/"' in text(sec.get("/sord/"))  # the open draft

    url = "/sord/versions/2/types/commissioning/"
    page = sec.get(url)
    assert page.status_code == 200
    assert len(page.context["formset"].forms) == 4  # three bands and a blank row

    # a gap between £250k and £300k: refused, shown next to the band's maximum
    before, events = list(v2.bands.values_list("pk", flat=True)), audit_count()
    gap = formset(
        row(0, "0", "250000", DecidedBy.OFFICER, post=finance_post),
        row(1, "300,000", "500000", DecidedBy.COMMITTEE, committee=fpc, rule="majority"),
        row(2, "500000", "", DecidedBy.BOARD, committee=sord_board),
        initial=3,
    )
    response = sec.post(url, gap)
    assert response.status_code == 400
    html = text(response)
    message = "Gap: no band covers £250,000.00 up to £300,000.00."
    assert response.context["formset"].forms[0].errors["max_value"] == [message]
    assert re.search(r'name="bands-0-max_value"[^>]*aria-invalid="true"', html)
    assert 'class="nhsuk-error-summary"' in html and '<div role="alert">' in html
    assert 'href="#id_bands-0-max_value"' in html
    assert "<title>Error: " in html
    check(html)
    assert list(v2.bands.values_list("pk", flat=True)) == before
    assert audit_count() == events

    fixed = dict(gap, **{"bands-1-min_value": "250000"})
    response = sec.post(url, fixed)
    assert response.status_code == 302, text(response)
    assert response["Location"] == "/sord/versions/2/#type-commissioning"
    officer = v2.bands.get(decision_type=decision_type, decided_by=DecidedBy.OFFICER)
    assert (officer.min_value, officer.max_value) == (0, 250000)
    assert AuditEvent.objects.filter(verb="sord.bands_replaced", target_id=str(v2.pk)).exists()

    # the board sees what changes against v1
    page = text(sec.get("/sord/versions/2/"))
    assert "Changes from v1" in page
    assert page.count(">Changed<") == 2 and ">Added<" not in page and ">Removed<" not in page
    assert re.search(
        r"Director of Finance</th>\s*<td[^>]*>.*Changed.*</td>\s*<td[^>]*>£0 up to £100,000; "
        r"every affected partner must approve</td>\s*<td[^>]*>£0 up to £250,000;",
        page,
    )

    # taking it to the board needs the date it takes effect
    response = sec.post("/sord/versions/2/propose/")
    assert response.status_code == 400
    assert "State the date the new version takes effect." in text(response)
    v2.refresh_from_db()
    assert v2.status == SordVersionStatus.DRAFT and v2.proposal is None

    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    response = sec.post(
        "/sord/versions/2/edit/",
        {"summary": "Raise the DoF's limit to £250k.", "effective_from": yesterday.isoformat()},
    )
    assert response.status_code == 400
    assert response.context["form"].errors["effective_from"] == [
        "The date it takes effect cannot be past."
    ]
    today = timezone.localdate()
    response = sec.post(
        "/sord/versions/2/edit/",
        {"summary": "Raise the DoF's limit to £250k.", "effective_from": today.isoformat()},
    )
    assert response.status_code == 302
    response = sec.post("/sord/versions/2/propose/")
    assert response.status_code == 302
    proposal = Proposal.objects.get(sord_change__number=2)
    assert response["Location"] == f"/proposals/{proposal.pk}/"
    assert proposal.status == ProposalStatus.SUBMITTED
    v2.refresh_from_db()
    assert v2.status == SordVersionStatus.PROPOSED
    # locked while before the board: the edit pages send the secretariat back
    response = sec.get(url)
    assert response.status_code == 302 and response["Location"] == "/sord/versions/2/"

    assert sec.post(f"/proposals/{proposal.pk}/accept/").status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.READY_FOR_DECISION
    board_decides(proposal, "approved")
    v2.refresh_from_db()
    assert v2.status == SordVersionStatus.APPROVED and v2.approved_on == today
    assert SordVersion.objects.in_force().number == 2

    page = text(sec.get("/sord/"))
    assert "In force: version 2" in page
    entry = proposal.decision
    assert f'href="/decisions/{entry.reference}/"' in page

    public = Client().get("/public/sord/")
    assert public.status_code == 200
    html = text(public)
    assert (
        '<dt class="nhsuk-summary-list__key">Version</dt>'
        '<dd class="nhsuk-summary-list__value">2</dd>' in html
    )
    assert f"{today:%-d %B %Y}" in html
    assert "£0 up to £250,000" in html and "Director of Finance" in html
    assert "Priya Shah" not in html  # post titles, not people's names
    check(html)

    # a new proposal is routed by v2 to the named officer, who records the decision
    p = raise_via_web(ics, decision_type, financial_value="200,000.00")
    services.proposal_submit(actor=ics["proposer"], proposal=p)
    services.proposal_review(actor=ics["secretariat"], proposal=p, accept=True)
    for who in ("trust_sign", "council_sign", "vcse_sign"):
        for signoff in open_signoffs_for(ics[who]).filter(subject_id=p.pk):
            services_signoff(ics[who], signoff)
    p.refresh_from_db()
    assert p.status == ProposalStatus.READY_FOR_DECISION
    assert p.sord_band.version.number == 2 and p.decided_by == DecidedBy.OFFICER
    response = login(ics["icb_sign"]).post(
        f"/proposals/{p.pk}/decide/",
        {"decision-outcome": "approved", "decision-reason": "Within the delegated limit."},
    )
    assert response.status_code == 302
    p.refresh_from_db()
    assert p.decision.sord_version.number == 2
    assert "Priya Shah" in p.decision.statement


def services_signoff(user, signoff):
    from governance.signoffs.services import signoff_decide

    signoff_decide(actor=user, signoff=signoff, outcome="approve")


def test_adding_a_row_keeps_what_was_typed_and_removing_a_row_drops_it(
    ics, draft, sord_board, finance_post
):
    sec = login(ics["secretariat"])
    url = f"/sord/versions/{draft.number}/types/commissioning/"
    data = formset(
        row(0, "0", "50000", DecidedBy.OFFICER, post=finance_post),
        row(1, "50000", "", DecidedBy.BOARD, committee=sord_board),
        row(2, "", "", "", rule=""),
        initial=2,
    )
    response = sec.post(url, dict(data, add_row="1"))
    assert response.status_code == 200
    forms = response.context["formset"].forms
    assert len(forms) == 3  # two typed rows, the blank one dropped, one new blank row
    assert forms[0]["max_value"].value() == "50000"
    events = audit_count()
    response = sec.post(url, dict(data, **{"bands-1-DELETE": "on"}))
    assert response.status_code == 400  # the officer band alone leaves £50k and above
    assert "the top band must have no maximum" in text(response)
    assert audit_count() == events
    response = sec.post(url, data)  # the blank row is ignored
    assert response.status_code == 302
    assert draft.bands.filter(decision_type__code="commissioning").count() == 2


def test_band_errors_are_put_next_to_their_fields(ics, draft, sord_board, fpc, finance_post):
    sec = login(ics["secretariat"])
    url = f"/sord/versions/{draft.number}/types/commissioning/"
    response = sec.post(
        url,
        formset(
            row(0, "0", "100000", DecidedBy.COMMITTEE, committee=None),
            row(1, "50000", "", DecidedBy.BOARD, committee=fpc),
            row(2, "abc", "", DecidedBy.OFFICER, post=finance_post),
        ),
    )
    assert response.status_code == 400
    forms = response.context["formset"].forms
    assert "Enter a number." in forms[2].errors["min_value"]  # the form's own check first
    response = sec.post(
        url,
        formset(
            row(0, "0", "100000", DecidedBy.COMMITTEE, committee=None),
            row(1, "50000", "", DecidedBy.BOARD, committee=fpc),
        ),
    )
    forms = response.context["formset"].forms
    assert forms[0].errors["committee"] == ["Band 1: choose the committee that decides."]
    assert forms[1].errors["committee"] == ["Band 2: choose the board (a committee of kind board)."]
    assert forms[1].errors["min_value"] == ["Bands overlap between £50,000.00 and £100,000.00."]
    check(text(response))
    response = sec.post(url, formset(row(0, "0", "", DecidedBy.OFFICER, post=finance_post)))
    assert response.status_code == 302
    response = sec.post(
        f"/sord/versions/{draft.number}/types/{SORD_CHANGE_CODE}/",
        formset(row(0, "0", "", DecidedBy.COMMITTEE, committee=fpc)),
    )
    assert response.status_code == 400
    assert response.context["formset"].non_form_errors() == [
        "A change to the SoRD is reserved to the board in every band."
    ]


def test_decision_types_added_created_and_removed(ics, draft, sord_board):
    sec = login(ics["secretariat"])
    n = draft.number
    estates = DecisionType.objects.create(code="estates", name="Estates disposals")
    page = sec.get(f"/sord/versions/{n}/add-type/")
    assert list(page.context["form"].fields["existing"].queryset) == [estates]
    check(text(page))
    response = sec.post(f"/sord/versions/{n}/add-type/", {"existing": estates.pk})
    assert response["Location"] == f"/sord/versions/{n}/types/estates/"
    assert "is not in this draft yet" in text(sec.get(response["Location"]))

    response = sec.post(f"/sord/versions/{n}/add-type/", {"code": "", "name": ""})
    assert response.status_code == 400
    assert response.context["form"].errors["name"]
    response = sec.post(f"/sord/versions/{n}/add-type/", {"code": "commissioning", "name": "Again"})
    assert response.status_code == 400
    assert "already exists" in str(response.context["form"].errors)
    response = sec.post(
        f"/sord/versions/{n}/add-type/",
        {"code": "ip-packages", "name": "Individual patient packages"},
    )
    assert response["Location"] == f"/sord/versions/{n}/types/ip-packages/"
    assert AuditEvent.objects.filter(verb="sord.decision_type_created").count() == 3

    # removal: a confirmation step; the SoRD-change type cannot go
    remove = f"/sord/versions/{n}/types/{SORD_CHANGE_CODE}/remove/"
    assert sec.get(remove).status_code == 200
    response = sec.post(remove)
    assert response.status_code == 400
    assert "SoRD changes go to the board" in text(response)
    assert draft.bands.filter(decision_type__code=SORD_CHANGE_CODE).exists()
    remove = f"/sord/versions/{n}/types/commissioning/remove/"
    page = text(sec.get(remove))
    assert "Take Service commissioning out of SoRD v2?" in page and "£0 up to £100,000" in page
    assert sec.post(remove).status_code == 302
    assert not draft.bands.filter(decision_type__code="commissioning").exists()
    page = text(sec.get(f"/sord/versions/{n}/"))
    assert "taken out of the scheme" in page


def test_starting_a_second_draft_is_refused_with_a_message(ics, draft):
    sec = login(ics["secretariat"])
    response = sec.post("/sord/versions/new/", {"summary": ""}, follow=True)
    assert "SoRD v2 is already draft" in text(response)
    assert SordVersion.objects.count() == 2


# --- who may do what --------------------------------------------------------------------------


def edit_urls(draft, holding, post) -> list[str]:
    n = draft.number
    return [
        "/sord/versions/new/",
        f"/sord/versions/{n}/edit/",
        f"/sord/versions/{n}/add-type/",
        f"/sord/versions/{n}/propose/",
        f"/sord/versions/{n}/types/commissioning/",
        f"/sord/versions/{n}/types/commissioning/remove/",
        f"/sord/posts/{post.pk}/appoint/",
        f"/sord/holdings/{holding.pk}/end/",
    ]


@pytest.mark.parametrize("who", ["proposer", "trust_sign", "icb_sign", "auditor", "outsider"])
def test_nobody_but_the_icb_secretariat_may_change_anything(ics, draft, finance_post, who):
    holding = PostHolder.objects.get(post=finance_post)
    client = login(ics[who])
    events, bands = audit_count(), SordBand.objects.count()
    for url in edit_urls(draft, holding, finance_post):
        assert client.get(url).status_code == 403, url
        assert client.post(url, {"summary": "x", "last_day": "2030-01-01"}).status_code == 403, url
    response = client.post("/sord/posts/", {"organisation": ics["icb"].pk, "title": "Hacker"})
    assert response.status_code == 403
    assert (audit_count(), SordBand.objects.count()) == (events, bands)
    assert not OfficerPost.objects.filter(title="Hacker").exists()


def test_the_icb_secretariat_of_a_partner_is_not_the_icb_secretariat(ics, draft, make_user):
    trust_sec = login(make_user(ics["trust"], Role.SECRETARIAT, "trust_sec"))
    assert trust_sec.get(f"/sord/versions/{draft.number}/edit/").status_code == 403
    assert trust_sec.get("/sord/posts/").status_code == 403
    assert trust_sec.get(f"/sord/versions/{draft.number}/").status_code == 404  # a draft


def test_auditors_read_everything_and_write_nothing(ics, draft, finance_post):
    auditor = login(ics["auditor"])
    for url in (
        "/sord/",
        "/sord/versions/1/",
        f"/sord/versions/{draft.number}/",
        "/sord/posts/",
        f"/sord/posts/{finance_post.pk}/",
    ):
        response = auditor.get(url)
        assert response.status_code == 200, url
        check(text(response))
    page = text(auditor.get("/sord/"))
    assert "Start a draft" not in page and "Draft in progress" not in page
    assert f'href="/sord/versions/{draft.number}/"' in page  # listed
    page = text(auditor.get(f"/sord/versions/{draft.number}/"))
    assert "Take to the board" not in page and "change the bands" not in page
    page = text(auditor.get(f"/sord/posts/{finance_post.pk}/"))
    assert "Appoint a holder" not in page and "/end/" not in page


def test_everyone_signed_in_reads_the_version_in_force_but_not_drafts(ics, draft):
    member = login(ics["proposer"])
    page = member.get("/sord/")
    assert page.status_code == 200
    html = text(page)
    assert "In force: version 1" in html and "Start a draft" not in html
    assert f'href="/sord/versions/{draft.number}/"' not in html
    assert member.get("/sord/versions/1/").status_code == 200
    assert member.get(f"/sord/versions/{draft.number}/").status_code == 404
    assert member.get("/sord/posts/").status_code == 403
    check(html)


def test_anonymous_visitors_sign_in_for_the_app_but_read_the_public_scheme(ics, draft):
    anonymous = Client()
    for url in ("/sord/", "/sord/versions/1/", "/sord/posts/", f"/sord/versions/{draft.number}/"):
        response = anonymous.get(url)
        assert response.status_code == 302 and response["Location"].startswith(
            "/accounts/login/"
        ), url
    page = anonymous.get("/public/sord/")
    assert page.status_code == 200
    html = text(page)
    assert (
        '<dt class="nhsuk-summary-list__key">Version</dt>'
        '<dd class="nhsuk-summary-list__value">1</dd>' in html
    )
    assert "1 January 2020" in html and "Board, 1 January 2020, minute 5" in html
    assert "Service commissioning" in html and "SoRD change" in html
    assert "£100,000 up to £500,000" in html
    assert 'href="/public/sord/"' in text(anonymous.get("/public/"))  # linked from the portal


def test_public_page_without_a_scheme(db):
    response = Client().get("/public/sord/")
    assert response.status_code == 200
    assert "No scheme has been published yet." in text(response)
    assert Client().get("/public/sord.pdf").status_code == 404


# --- the PDF -------------------------------------------------------------------------------------


def test_the_pdf_holds_the_version_in_force(ics, sord_v1):
    response = Client().get("/public/sord.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert 'filename="scheme-of-delegation-v1.pdf"' in response["Content-Disposition"]
    pdf = response.content
    assert pdf.startswith(b"%PDF")
    words = pdf_text(pdf)
    assert "Scheme of Reservation and Delegation, version 1" in words
    assert "Service commissioning" in words and "Director of Finance" in words
    assert "1 January 2020" in words
    assert PdfReader(io.BytesIO(pdf)).metadata.title == (
        "Scheme of Reservation and Delegation, version 1"
    )


def test_the_pdf_is_rendered_once_until_the_scheme_or_its_names_change(ics, sord_v1, fpc):
    first = Client().get("/public/sord.pdf")
    assert first["Server-Timing"].startswith("render;")
    again = Client().get("/public/sord.pdf")
    assert again["Server-Timing"].startswith("cache;") and again.content == first.content
    Committee.objects.filter(pk=fpc.pk).update(name="Finance, Investment and Performance")
    renamed = Client().get("/public/sord.pdf")
    assert renamed["Server-Timing"].startswith("render;")
    assert "Finance, Investment and Performance" in pdf_text(renamed.content)


def test_the_pdf_fetches_nothing_even_from_hostile_text(ics, sord_v1, sord_board):
    sec = ics["secretariat"]
    hostile = sord_services.decision_type_create(
        actor=sec,
        code="hostile",
        name='<img src="file:///etc/passwd"> Estates',
        description='<link rel="attachment" href="file:///etc/hostname">'
        '<img src="http://127.0.0.1:9/x.png">',
    )
    draft = sord_services.sord_version_draft(actor=sec, summary="x")
    sord_services.sord_draft_bands_replace(
        actor=sec,
        version=draft,
        decision_type=hostile,
        bands=[
            {
                "min_value": "0",
                "max_value": None,
                "decided_by": DecidedBy.BOARD,
                "committee": sord_board,
                "signoff_rule": "none",
            }
        ],
    )
    draft.status, draft.approved_on = SordVersionStatus.APPROVED, timezone.localdate()
    draft.effective_from = timezone.localdate()
    draft.save()
    context = reports_sord.public_context()
    assert context["version"] == draft
    rendered = render_html(reports_sord.sord_pdf_html(context))
    assert rendered.refused == []  # escaped: no element, so no request at all
    assert b"/EmbeddedFile" not in rendered.pdf
    assert '<img src="file:///etc/passwd"> Estates' in pdf_text(rendered.pdf)


def test_pdf_render_failure_is_a_clear_503(ics, sord_v1, settings):
    settings.REPORT_TIME_LIMIT = 0.01
    response = Client().get("/public/sord.pdf")
    assert response.status_code == 503
    assert "took longer than" in text(response)


# --- officer posts and their holders --------------------------------------------------------------


def test_posts_created_holders_appointed_and_ended_with_errors_next_to_fields(
    ics, sord_v1, finance_post, make_user
):
    sec = login(ics["secretariat"])
    page = sec.get("/sord/posts/")
    assert page.status_code == 200
    check(text(page))
    assert "Director of Finance" in text(page)

    response = sec.post("/sord/posts/", {"organisation": ics["icb"].pk, "title": ""})
    assert response.status_code == 400 and response.context["form"].errors["title"]
    response = sec.post(
        "/sord/posts/", {"organisation": ics["icb"].pk, "title": "director of finance"}
    )
    assert response.status_code == 400
    assert "already has a post named" in response.context["form"].errors["title"][0]
    response = sec.post("/sord/posts/", {"organisation": ics["icb"].pk, "title": "Chief Executive"})
    post = OfficerPost.objects.get(title="Chief Executive")
    assert response["Location"] == f"/sord/posts/{post.pk}/"

    page = sec.get(f"/sord/posts/{post.pk}/")
    choices = page.context["form"].fields["user"].queryset
    assert ics["icb_sign"] in choices and ics["proposer"] not in choices  # ICB members only
    check(text(page))
    appoint = f"/sord/posts/{post.pk}/appoint/"
    response = sec.post(appoint, {"user": ics["proposer"].pk, "valid_from": "2026-01-01"})
    assert response.status_code == 400 and response.context["form"].errors["user"]
    response = sec.post(
        appoint,
        {"user": ics["icb_sign"].pk, "valid_from": "2025-04-01", "valid_to": "2025-03-31"},
    )
    assert response.status_code == 400
    assert response.context["form"].errors["valid_to"] == [
        "The last day in post cannot be before the first."
    ]
    # a member only from 2024: not yet a member on the first day asked for
    newcomer = make_user(ics["icb"], Role.MEMBER, "newcomer", start_date=datetime.date(2024, 1, 1))
    response = sec.post(appoint, {"user": newcomer.pk, "valid_from": "2023-06-01"})
    assert response.status_code == 400
    assert "must be a member of" in response.context["form"].errors["user"][0]
    assert not PostHolder.objects.filter(post=post).exists()

    response = sec.post(appoint, {"user": newcomer.pk, "valid_from": "2024-02-01"})
    assert response.status_code == 302
    holding = PostHolder.objects.get(post=post)
    assert holding.appointed_by == ics["secretariat"]
    assert "In post" in text(sec.get(f"/sord/posts/{post.pk}/"))

    end = f"/sord/holdings/{holding.pk}/end/"
    assert sec.get(end).status_code == 200
    response = sec.post(end, {"last_day": "2024-01-01"})
    assert response.status_code == 400
    assert response.context["form"].errors["last_day"] == [
        "The last day in post cannot be before the first."
    ]
    response = sec.post(end, {"last_day": "2025-03-31", "reason": "Left the ICB"})
    assert response.status_code == 302
    holding.refresh_from_db()
    assert holding.valid_to == datetime.date(2025, 3, 31)
    assert AuditEvent.objects.filter(verb="sord.post_holder_ended", reason="Left the ICB").exists()
    assert "Vacant" in text(sec.get("/sord/posts/"))


def _count(client, url) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url)  # warm caches (content types, sessions)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_sord_pages_cost_the_same_queries_however_many_bands(ics, sord_v1, sord_board, fpc):
    """The scheme's pages are pinned to a constant number of queries: adding decision
    types and bands to the draft adds none."""
    sec = ics["secretariat"]
    draft = sord_services.sord_version_draft(actor=sec, summary="More types")
    client = login(sec)
    urls = ("/sord/", f"/sord/versions/{draft.number}/", "/public/sord/")
    few = {url: _count(client, url) for url in urls}
    for n in range(4):
        dtype = sord_services.decision_type_create(actor=sec, code=f"type-{n}", name=f"Type {n}")
        sord_services.sord_draft_bands_replace(
            actor=sec,
            version=draft,
            decision_type=dtype,
            bands=[
                {
                    "min_value": "0",
                    "max_value": "1000",
                    "decided_by": "committee",
                    "committee": fpc,
                    "signoff_rule": "all",
                },
                {
                    "min_value": "1000",
                    "max_value": None,
                    "decided_by": "board",
                    "committee": sord_board,
                    "signoff_rule": "all",
                },
            ],
        )
    many = {url: _count(client, url) for url in urls}
    assert few == many
