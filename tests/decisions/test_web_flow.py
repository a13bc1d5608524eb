"""The whole shared-decision flow over HTTP, by users of several organisations."""

from __future__ import annotations

import csv
import io
import re

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from decisions.models import DecisionEntry, Proposal, ProposalStatus
from governance.signoffs.models import SignOff, SignOffStatus
from tests.decisions.test_web_support import (
    audit_count,
    decide_as_officer,
    login,
    open_signoff,
    pdf_bytes,
    raise_via_web,
    sign_via_web,
    submit_and_accept,
    text,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    """Uploaded papers go to a temporary folder."""
    settings.MEDIA_ROOT = tmp_path / "media"


def _csv_rows(response) -> list[dict]:
    body = response.content.decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(body)))


def _positions(html: str, phrases: list[str]) -> list[int]:
    return [html.index(p) for p in phrases]


def test_officer_decided_end_to_end(ics, decision_type, django_capture_on_commit_callbacks):
    proposer = login(ics["proposer"])
    page = proposer.get("/proposals/new/")
    assert page.status_code == 200
    assert 'name="proposing_organisation"' in text(page)
    assert "Acute Trust" in text(page)

    # raise with a paper attached
    response = proposer.post(
        "/proposals/new/",
        {
            "proposing_organisation": ics["trust"].pk,
            "title": "Community beds",
            "summary": "Fund 20 step-down beds.",
            "financial_value": "£50,000.00",
            "decision_type": decision_type.pk,
            "affected_organisations": [ics["trust"].pk, ics["council"].pk, ics["vcse"].pk],
            "attachment": SimpleUploadedFile("Beds paper.pdf", pdf_bytes(3), "application/pdf"),
        },
    )
    assert response.status_code == 302
    p = Proposal.objects.get(title="Community beds")
    assert response["Location"] == f"/proposals/{p.pk}/"
    assert p.status == ProposalStatus.DRAFT
    assert str(p.financial_value) == "50000.00"
    attachment = p.attachments.get()
    assert (attachment.original_name, attachment.pages) == ("Beds paper.pdf", 3)

    detail = text(proposer.get(f"/proposals/{p.pk}/"))
    assert p.reference in detail
    assert "Submit for review" in detail
    assert "Director of Finance" in detail  # provisional routing from the SoRD
    assert "Beds paper.pdf" in detail

    download = proposer.get(f"/proposals/{p.pk}/attachments/{attachment.pk}/")
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert b"".join(download.streaming_content).startswith(b"%PDF-")

    # submit; the secretariat sees it in the inbox and accepts it
    assert proposer.post(f"/proposals/{p.pk}/submit/").status_code == 302
    secretariat = login(ics["secretariat"])
    inbox = text(secretariat.get("/inbox/"))
    assert "Review the submission" in inbox
    assert f"{p.reference} Community beds" in inbox
    assert "Accept and request sign-off" in text(secretariat.get(f"/proposals/{p.pk}/"))
    with django_capture_on_commit_callbacks(execute=True):
        assert secretariat.post(f"/proposals/{p.pk}/accept/").status_code == 302
    p.refresh_from_db()
    assert p.status == ProposalStatus.IN_SIGNOFF
    assert any("Sign-off needed" in m.subject for m in mail.outbox)

    # each partner signs on its own sign-off page
    for who, org in (("trust_sign", "trust"), ("council_sign", "council"), ("vcse_sign", "vcse")):
        client = login(ics[who])
        signoff = open_signoff(p, ics[org])
        inbox = text(client.get("/inbox/"))
        assert f"/signoffs/{signoff.pk}/" in inbox
        page = client.get(f"/signoffs/{signoff.pk}/")
        assert page.status_code == 200
        assert "Record the sign-off" in text(page)
        response = client.post(f"/signoffs/{signoff.pk}/", {"outcome": "approve", "comment": ""})
        assert response.status_code == 302
        assert response["Location"] == "/inbox/"
        signoff.refresh_from_db()
        assert signoff.status == SignOffStatus.APPROVED
        assert signoff.signatory == ics[who]

    p.refresh_from_db()
    assert p.status == ProposalStatus.READY_FOR_DECISION
    # the decision is in the Director of Finance's inbox, and only there
    officer = login(ics["icb_sign"])
    assert "Take the decision delegated to you" in text(officer.get("/inbox/"))
    assert "Take the decision delegated to you" not in text(
        login(ics["secretariat"]).get("/inbox/")
    )
    page = text(officer.get(f"/proposals/{p.pk}/"))
    assert "Your decision as Director of Finance" in page
    response = officer.post(f"/proposals/{p.pk}/decide/", {"decision-outcome": "approved"})
    assert response.status_code == 200 and "Give the reason for the decision." in text(response)
    forbidden = login(ics["proposer"]).post(
        f"/proposals/{p.pk}/decide/", {"decision-outcome": "approved", "decision-reason": "x"}
    )
    assert forbidden.status_code == 403
    response = officer.post(
        f"/proposals/{p.pk}/decide/",
        {"decision-outcome": "approved", "decision-reason": "Value for money shown."},
    )
    assert response.status_code == 302
    p.refresh_from_db()
    assert p.status == ProposalStatus.APPROVED
    entry = DecisionEntry.objects.get(proposal=p)

    # the timeline shows every transition, in order, with who and which organisation
    detail = text(proposer.get(f"/proposals/{p.pk}/"))
    steps = [
        "Raised as a draft",
        "Paper attached",
        "Submitted for secretariat review",
        "Accepted by the secretariat; partner sign-off requested",
        "Signed off: approved",
        "Partner sign-off complete: ready for decision",
        "Decision recorded: approved",
        "Entered in the decision register",
    ]
    positions = _positions(detail, steps)
    assert positions == sorted(positions)
    assert detail.count("Signed off: approved") == 3
    timeline = detail[detail.index('id="timeline-title"') :]
    # [0] before the table, [1] the header row
    rows = timeline.split('<tr class="nhsuk-table__row">')[2:]

    def row(phrase, who, org):
        cell = '<td class="nhsuk-table__cell">{}</td>'.format
        return any(phrase in r and cell(who) in r and cell(org) in r for r in rows)

    assert row("Raised as a draft", "proposer", "Acute Trust")
    assert row("Accepted by the secretariat", "sec", "Test ICB")
    assert row("Signed off: approved", "trust_sign", "Acute Trust")
    assert row("Signed off: approved", "council_sign", "City Council")
    assert row("Signed off: approved", "vcse_sign", "VCSE Alliance")
    assert row("Decision recorded: approved", "icb_sign", "Test ICB")
    assert "GMT" in timeline or "BST" in timeline  # UK time, labelled

    # the public register, without login
    anonymous = Client()
    register = text(anonymous.get("/decisions/"))
    assert entry.reference in register and "Community beds" in register
    assert "Director of Finance" in register
    page = text(anonymous.get(f"/decisions/{entry.reference}/"))
    for org in ("Acute Trust", "City Council", "VCSE Alliance"):
        assert org in page
    rows = _csv_rows(anonymous.get("/decisions/export.csv"))
    row = next(r for r in rows if r["reference"] == entry.reference)
    assert row["title"] == "Community beds"
    assert row["decision"] == "Approved"
    assert row["financial_value_gbp"] == "50000.00"
    assert "City Council: approved" in row["signoff_summary"]


def test_committee_band_decided_by_chairs_action_not_the_secretariat(ics, decision_type, fpc):
    p = raise_via_web(ics, decision_type, financial_value="200000")
    submit_and_accept(ics, p)
    for who, org in (("trust_sign", "trust"), ("council_sign", "council")):
        assert sign_via_web(ics, p, who, org).status_code == 302
    p.refresh_from_db()
    assert p.status == ProposalStatus.READY_FOR_DECISION

    secretariat = login(ics["secretariat"])
    page = text(secretariat.get(f"/proposals/{p.pk}/"))
    assert "Finance and Performance Committee at its next meeting" in page
    assert "Record my decision" not in page and "Take chair's action" not in page
    refused = secretariat.post(
        f"/proposals/{p.pk}/decide/",
        {"decision-outcome": "approved", "decision-reason": "The board agreed"},
    )
    assert "reserved to the Finance and Performance Committee" in text(refused)
    assert not DecisionEntry.objects.filter(proposal=p).exists()

    chair = login(fpc.chair_user)
    assert "Take chair's action" in text(chair.get(f"/proposals/{p.pk}/"))
    before = audit_count()
    response = chair.post(
        f"/proposals/{p.pk}/chairs-action/",
        {"chairs-outcome": "approved", "chairs-reason": "Contract starts Monday."},
    )
    assert response.status_code == 200
    assert "Name the other voting member who agrees." in text(response)
    assert audit_count() == before
    response = chair.post(
        f"/proposals/{p.pk}/chairs-action/",
        {
            "chairs-outcome": "approved",
            "chairs-reason": "Contract starts Monday.",
            "chairs-second_member": fpc.ned_user.pk,
        },
    )
    assert response.status_code == 302
    p.refresh_from_db()
    assert p.status == ProposalStatus.APPROVED
    entry = DecisionEntry.objects.get(proposal=p)
    assert entry.route == "chairs_action"
    assert set(entry.deciders.all()) == {fpc.chair_user, fpc.ned_user}
    assert entry.chairs_action.committee == fpc
    register = text(Client().get("/decisions/"))
    assert entry.reference in register and "Chair&#x27;s action of the Finance" in register


def test_rejection_needs_a_comment_then_rejects(ics, decision_type):
    p = raise_via_web(ics, decision_type)
    submit_and_accept(ics, p)
    before = audit_count()
    response = sign_via_web(ics, p, "council_sign", "council", outcome="reject", comment="  ")
    assert response.status_code == 200
    body = text(response)
    assert "There is a problem" in body
    assert "Give the reason for rejecting." in body
    assert 'id="id_comment_error"' in body
    assert open_signoff(p, ics["council"]).status == SignOffStatus.PENDING
    assert audit_count() == before

    response = sign_via_web(
        ics, p, "council_sign", "council", outcome="reject", comment="Not affordable this year"
    )
    assert response.status_code == 302
    p.refresh_from_db()
    assert p.status == ProposalStatus.REJECTED
    # the outcome was settled: the other sign-offs were cancelled as not needed
    assert SignOff.objects.filter(subject_id=p.pk, status=SignOffStatus.CANCELLED).count() == 2
    detail = text(login(ics["proposer"]).get(f"/proposals/{p.pk}/"))
    assert "Signed off: rejected" in detail and "Not affordable this year" in detail
    assert "Rejected at partner sign-off" in detail
    entry = DecisionEntry.objects.get(proposal=p)
    assert "Rejected" in text(Client().get(f"/decisions/{entry.reference}/"))


def test_return_and_resubmit(ics, decision_type):
    p = raise_via_web(ics, decision_type)
    proposer, secretariat = login(ics["proposer"]), login(ics["secretariat"])
    assert proposer.post(f"/proposals/{p.pk}/submit/").status_code == 302
    # the proposer cannot review their own proposal
    assert proposer.post(f"/proposals/{p.pk}/accept/").status_code == 403

    before = audit_count()
    response = secretariat.post(f"/proposals/{p.pk}/return/", {"return-reason": ""})
    assert "Say why the proposal is returned, so it can be revised." in text(response)
    assert audit_count() == before
    p.refresh_from_db()
    assert p.status == ProposalStatus.SUBMITTED

    response = secretariat.post(
        f"/proposals/{p.pk}/return/", {"return-reason": "Add the workforce costs."}
    )
    assert response.status_code == 302
    p.refresh_from_db()
    assert p.status == ProposalStatus.RETURNED
    detail = text(proposer.get(f"/proposals/{p.pk}/"))
    assert "Returned by the secretariat:" in detail and "Add the workforce costs." in detail
    assert "Resubmit for review" in detail

    edit = proposer.get(f"/proposals/{p.pk}/edit/")
    assert edit.status_code == 200
    data = {
        "title": "Community beds",
        "summary": "Fund 20 step-down beds, with 6 nurses.",
        "financial_value": "65000",
        "decision_type": decision_type.pk,
        "host_organisation": p.host_organisation_id,
        "affected_organisations": [ics["trust"].pk, ics["council"].pk, ics["vcse"].pk],
    }
    assert proposer.post(f"/proposals/{p.pk}/edit/", data).status_code == 302
    assert proposer.post(f"/proposals/{p.pk}/submit/").status_code == 302
    p.refresh_from_db()
    assert p.status == ProposalStatus.SUBMITTED
    assert str(p.financial_value) == "65000.00"
    detail = text(proposer.get(f"/proposals/{p.pk}/"))
    steps = [
        "Submitted for secretariat review",
        "Returned to the proposer",
        "Edited",
        "Resubmitted after revision",
    ]
    assert _positions(detail, steps) == sorted(_positions(detail, steps))
    assert "financial value £50,000.00 → £65,000.00" in detail
    assert secretariat.post(f"/proposals/{p.pk}/accept/").status_code == 302
    p.refresh_from_db()
    assert p.status == ProposalStatus.IN_SIGNOFF


def test_withdraw(ics, decision_type):
    p = raise_via_web(ics, decision_type)
    submit_and_accept(ics, p)
    proposer = login(ics["proposer"])
    # another organisation's signatory cannot withdraw it
    assert (
        login(ics["council_sign"])
        .post(f"/proposals/{p.pk}/withdraw/", {"withdraw-reason": "x"})
        .status_code
        == 403
    )
    before = audit_count()
    response = proposer.post(f"/proposals/{p.pk}/withdraw/", {"withdraw-reason": ""})
    assert "Say why the proposal is withdrawn." in text(response)
    assert audit_count() == before
    response = proposer.post(
        f"/proposals/{p.pk}/withdraw/", {"withdraw-reason": "Funded from the winter budget."}
    )
    assert response.status_code == 302
    p.refresh_from_db()
    assert p.status == ProposalStatus.WITHDRAWN
    assert not SignOff.objects.filter(subject_id=p.pk, status=SignOffStatus.PENDING).exists()
    detail = text(proposer.get(f"/proposals/{p.pk}/"))
    assert "Withdrawn:" in detail and "Funded from the winter budget." in detail
    assert "Withdraw the proposal" not in detail and "Edit the proposal" not in detail
    assert "Nothing to sign off." in text(login(ics["council_sign"]).get("/inbox/"))


def test_edit_after_signoff_restarts_visibly(ics, decision_type):
    p = raise_via_web(ics, decision_type)
    submit_and_accept(ics, p)
    assert sign_via_web(ics, p, "trust_sign", "trust").status_code == 302
    proposer = login(ics["proposer"])
    page = text(proposer.get(f"/proposals/{p.pk}/edit/"))
    assert "Sign-off has started." in page

    data = {
        "title": "Community beds",
        "summary": "Fund 20 step-down beds.",
        "financial_value": "60000",
        "decision_type": decision_type.pk,
        "host_organisation": p.host_organisation_id,
        "affected_organisations": [ics["trust"].pk, ics["council"].pk, ics["vcse"].pk],
    }
    before = audit_count()
    response = proposer.post(f"/proposals/{p.pk}/edit/", data)
    assert "Say why the proposal is changed during sign-off." in text(response)
    assert audit_count() == before
    p.refresh_from_db()
    assert p.signoff_round == 1

    data["reason"] = "Costs revised after tender"
    assert proposer.post(f"/proposals/{p.pk}/edit/", data).status_code == 302
    p.refresh_from_db()
    assert p.signoff_round == 2
    assert p.status == ProposalStatus.IN_SIGNOFF
    detail = text(proposer.get(f"/proposals/{p.pk}/"))
    assert "Round 2 (current)" in detail and "Round 1" in detail
    assert "Sign-off restarted after a change" in detail
    assert "Round 1 → 2; 2 open sign-off(s) cancelled" in detail
    assert "Invalidated: Costs revised after tender" in detail
    # the trust must sign again in round 2
    assert open_signoff(p, ics["trust"]).round == 2


def test_bad_input_on_new_proposal_writes_nothing(ics, decision_type):
    proposer = login(ics["proposer"])
    before = audit_count()
    response = proposer.post(
        "/proposals/new/",
        {
            "proposing_organisation": ics["trust"].pk,
            "title": "",
            "summary": "",
            "financial_value": "lots",
            "decision_type": decision_type.pk,
            "is_confidential": "on",
            "exemption_reason": "",
        },
    )
    assert response.status_code == 200
    body = text(response)
    assert "<title>Error: Raise a proposal</title>" in body
    assert "There is a problem" in body
    assert 'id="id_title_error"' in body and "Give the proposal a title." in body
    assert 'id="id_summary_error"' in body
    assert (
        'id="id_exemption_reason_error"' in body
        and "needs the reason it is exempt from publication" in body
    )
    assert 'aria-invalid="true"' in body
    assert Proposal.objects.count() == 0
    assert audit_count() == before

    # the service's money check lands next to the field
    response = proposer.post(
        "/proposals/new/",
        {
            "proposing_organisation": ics["trust"].pk,
            "title": "Beds",
            "summary": "Beds.",
            "financial_value": "12.345",
            "decision_type": decision_type.pk,
        },
    )
    assert 'id="id_financial_value_error"' in text(response)
    assert "at most 2 decimal places" in text(response)
    assert Proposal.objects.count() == 0

    # a "PDF" that is not one, by content
    response = proposer.post(
        "/proposals/new/",
        {
            "proposing_organisation": ics["trust"].pk,
            "title": "Beds",
            "summary": "Beds.",
            "financial_value": "100",
            "decision_type": decision_type.pk,
            "attachment": SimpleUploadedFile(
                "paper.pdf", b"MZ\x90\x00 not a pdf", "application/pdf"
            ),
        },
    )
    assert "Only PDF files can be attached" in text(response)
    assert 'id="id_attachment_error"' in text(response)
    assert Proposal.objects.count() == 0
    assert audit_count() == before

    # an organisation the user does not act for is not a valid choice
    response = proposer.post(
        "/proposals/new/",
        {
            "proposing_organisation": ics["council"].pk,
            "title": "Beds",
            "summary": "Beds.",
            "financial_value": "100",
            "decision_type": decision_type.pk,
        },
    )
    assert 'id="id_proposing_organisation_error"' in text(response)
    assert Proposal.objects.count() == 0


def test_submit_problems_show_and_write_nothing(ics, decision_type):
    # the SoRD needs partners to sign under this band, but none are named
    p = raise_via_web(ics, decision_type, affected_organisations=[])
    proposer = login(ics["proposer"])
    before = audit_count()
    response = proposer.post(f"/proposals/{p.pk}/submit/")
    assert response.status_code == 200
    assert "Name the partner organisations this decision binds" in text(response)
    p.refresh_from_db()
    assert p.status == ProposalStatus.DRAFT
    assert audit_count() == before


def test_attachments_by_content_and_only_before_submission(ics, decision_type):
    p = raise_via_web(ics, decision_type)
    proposer = login(ics["proposer"])
    response = proposer.post(
        f"/proposals/{p.pk}/attachments/",
        {"attach-attachment": SimpleUploadedFile("x.pdf", b"%PDF-1.4 garbage", "application/pdf")},
    )
    assert "The PDF is damaged" in text(response)
    assert p.attachments.count() == 0
    response = proposer.post(
        f"/proposals/{p.pk}/attachments/",
        {"attach-attachment": SimpleUploadedFile("Costs.pdf", pdf_bytes(2), "application/pdf")},
    )
    assert response.status_code == 302
    assert p.attachments.get().pages == 2
    # a party organisation's signatory sees the draft but cannot add papers
    assert (
        login(ics["council_sign"])
        .post(
            f"/proposals/{p.pk}/attachments/",
            {"attach-attachment": SimpleUploadedFile("y.pdf", pdf_bytes(1), "application/pdf")},
        )
        .status_code
        == 403
    )
    # someone who may not see it gets 404
    assert (
        login(ics["outsider"])
        .post(
            f"/proposals/{p.pk}/attachments/",
            {"attach-attachment": SimpleUploadedFile("y.pdf", pdf_bytes(1), "application/pdf")},
        )
        .status_code
        == 404
    )
    submit_and_accept(ics, p)
    response = proposer.post(
        f"/proposals/{p.pk}/attachments/",
        {"attach-attachment": SimpleUploadedFile("Late.pdf", pdf_bytes(1), "application/pdf")},
    )
    assert "Papers can be attached while the proposal is a draft" in text(response)
    assert p.attachments.count() == 1
    assert "Paper attached" in text(proposer.get(f"/proposals/{p.pk}/"))


def test_list_is_scoped_and_filters_by_status(ics, decision_type):
    draft = raise_via_web(ics, decision_type, title="Draft beds")
    submitted = raise_via_web(ics, decision_type, title="Submitted beds")
    assert login(ics["proposer"]).post(f"/proposals/{submitted.pk}/submit/").status_code == 302

    outsider = login(ics["outsider"])
    listing = text(outsider.get("/proposals/"))
    assert "Submitted beds" in listing and "Draft beds" not in listing
    assert outsider.get(f"/proposals/{draft.pk}/").status_code == 404
    assert outsider.get(f"/proposals/{draft.pk}/edit/").status_code == 404
    # visible (submitted, not confidential) but not theirs to change
    assert outsider.get(f"/proposals/{submitted.pk}/").status_code == 200
    assert outsider.get(f"/proposals/{submitted.pk}/edit/").status_code == 403
    assert (
        outsider.post(f"/proposals/{submitted.pk}/withdraw/", {"withdraw-reason": "x"}).status_code
        == 403
    )

    proposer = login(ics["proposer"])
    only_drafts = text(proposer.get("/proposals/?status=draft"))
    assert "Draft beds" in only_drafts and "Submitted beds" not in only_drafts
    assert "Submitted beds" in text(login(ics["secretariat"]).get("/proposals/"))
    assert "Waiting for the secretariat" in text(login(ics["secretariat"]).get("/proposals/"))

    anonymous = Client().get("/proposals/")
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]
    assert Client().get(f"/proposals/{submitted.pk}/").status_code == 302


def test_confidential_proposal_never_leaks(ics, decision_type):
    p = raise_via_web(
        ics,
        decision_type,
        title="Secret estate lease",
        summary="Lease unit 7 from Landlord plc.",
        affected_organisations=[ics["trust"].pk, ics["council"].pk],
        is_confidential="on",
        exemption_reason="Commercial interests (FOI Act s43).",
    )
    submit_and_accept(ics, p)
    # non-parties: 404 on every page of it, and it is not in their lists
    for who in ("outsider", "vcse_sign"):
        client = login(ics[who])
        assert client.get(f"/proposals/{p.pk}/").status_code == 404
        assert "Secret estate lease" not in text(client.get("/proposals/"))
        assert (
            client.post(f"/proposals/{p.pk}/withdraw/", {"withdraw-reason": "x"}).status_code == 404
        )
    # parties see it
    assert login(ics["council_sign"]).get(f"/proposals/{p.pk}/").status_code == 200

    for who, org in (("trust_sign", "trust"), ("council_sign", "council")):
        assert sign_via_web(ics, p, who, org).status_code == 302
    decide_as_officer(ics, p)
    entry = DecisionEntry.objects.get(proposal=p)
    assert entry.is_confidential

    def assert_hidden(body: str) -> None:
        assert entry.reference in body
        assert "Commercial interests (FOI Act s43)." in body
        assert "Secret estate lease" not in body
        assert "Lease unit 7" not in body
        assert "Landlord plc" not in body

    for client in (Client(), login(ics["outsider"])):
        assert_hidden(text(client.get("/decisions/")))
        assert_hidden(text(client.get(f"/decisions/{entry.reference}/")))
        csv_body = client.get("/decisions/export.csv").content.decode("utf-8-sig")
        assert_hidden(csv_body)
        row = next(r for r in _csv_rows(client.get("/decisions/export.csv")))
        assert row["reference"] == entry.reference
        assert row["decided_on"] == entry.decided_on.isoformat()
        assert (row["title"], row["decision"], row["decided_by"], row["signoff_summary"]) == (
            "",
            "",
            "",
            "",
        )
    # a party sees the whole entry
    party = text(login(ics["council_sign"]).get(f"/decisions/{entry.reference}/"))
    assert "Secret estate lease" in party and "Acute Trust" in party


def test_csv_cells_cannot_run_as_formulas(ics, decision_type):
    p = raise_via_web(ics, decision_type, title='=HYPERLINK("http://evil")')
    submit_and_accept(ics, p)
    for who, org in (("trust_sign", "trust"), ("council_sign", "council"), ("vcse_sign", "vcse")):
        sign_via_web(ics, p, who, org)
    decide_as_officer(ics, p)
    rows = _csv_rows(Client().get("/decisions/export.csv"))
    assert rows[0]["title"].startswith("'=")


def test_timeline_times_are_uk_time(ics, decision_type):
    p = raise_via_web(ics, decision_type)
    event_time = timezone.localtime(p.created_at)
    body = text(login(ics["proposer"]).get(f"/proposals/{p.pk}/"))
    timeline = body[body.index('id="timeline-title"') :]
    assert re.search(rf"{event_time:%H}:\d\d:\d\d (GMT|BST)", timeline)


def _decided(ics, make_proposal, n, start=0):
    from decisions import services
    from governance.signoffs.selectors import open_signoffs_for
    from governance.signoffs.services import signoff_decide

    for i in range(start, start + n):
        p = make_proposal(
            "50000",
            title=f"Decision {i}",
            is_confidential=i % 2 == 0,
            exemption_reason="Commercial (s43)" if i % 2 == 0 else "",
        )
        services.proposal_submit(actor=ics["proposer"], proposal=p)
        services.proposal_review(actor=ics["secretariat"], proposal=p, accept=True)
        for who in ("trust_sign", "council_sign", "vcse_sign"):
            signoff = open_signoffs_for(ics[who]).get(subject_id=p.pk)
            signoff_decide(actor=ics[who], signoff=signoff, outcome="approve")
        services.proposal_decide_as_officer(
            actor=ics["icb_sign"], proposal=p, outcome="approved", reason="Within budget."
        )


def _queries(client, url) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url)  # warm caches (content types)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_register_and_csv_queries_do_not_grow_per_entry(ics, make_proposal):
    _decided(ics, make_proposal, 2)
    clients = {"anonymous": Client(), "party": login(ics["council_sign"])}
    clients["outsider"] = login(ics["outsider"])
    urls = ("/decisions/", "/decisions/export.csv")
    few = {(who, url): _queries(c, url) for who, c in clients.items() for url in urls}
    _decided(ics, make_proposal, 6, start=2)
    many = {(who, url): _queries(c, url) for who, c in clients.items() for url in urls}
    assert few == many
    # and the rows are right: a party sees every title, the public only the public ones
    public = text(Client().get("/decisions/"))
    assert "Decision 1" in public and "Decision 0" not in public
    party = text(login(ics["council_sign"]).get("/decisions/"))
    assert all(f"Decision {i}" in party for i in range(8))


def test_batched_detail_rule_agrees_with_entry_shows_detail(ics, make_proposal):
    from django.contrib.auth.models import AnonymousUser

    from decisions import selectors

    _decided(ics, make_proposal, 4)
    entries = list(selectors.register_entries())
    users = [AnonymousUser(), *(ics[w] for w in ("outsider", "vcse_sign", "council_sign"))]
    users += [ics["secretariat"], ics["auditor"], ics["proposer"]]
    for user in users:
        batched = selectors.entries_showing_detail(user, entries)
        assert batched == {e.pk for e in entries if selectors.entry_shows_detail(user, e)}
    assert len(selectors.entries_showing_detail(AnonymousUser(), entries)) == 2


def test_bad_edit_shows_errors_and_writes_nothing(ics, decision_type):
    p = raise_via_web(ics, decision_type)
    proposer = login(ics["proposer"])
    data = {
        "title": "  ",
        "summary": "Fund 20 step-down beds.",
        "financial_value": "-5",
        "decision_type": decision_type.pk,
        "host_organisation": p.host_organisation_id,
        "affected_organisations": [ics["trust"].pk],
        "is_confidential": "on",
    }
    before = audit_count()
    response = proposer.post(f"/proposals/{p.pk}/edit/", data)
    assert response.status_code == 200
    body = text(response)
    assert 'id="id_title_error"' in body and 'id="id_exemption_reason_error"' in body
    data.update(title="Community beds", is_confidential="", exemption_reason="")
    response = proposer.post(f"/proposals/{p.pk}/edit/", data)
    assert 'id="id_financial_value_error"' in text(response)
    assert "The amount cannot be negative." in text(response)
    p.refresh_from_db()
    assert (str(p.financial_value), p.affected_organisations.count()) == ("50000.00", 3)
    assert audit_count() == before
    # once decided, nobody edits it
    submit_and_accept(ics, p)
    for who, org in (("trust_sign", "trust"), ("council_sign", "council"), ("vcse_sign", "vcse")):
        sign_via_web(ics, p, who, org)
    decide_as_officer(ics, p)
    assert proposer.get(f"/proposals/{p.pk}/edit/").status_code == 403
    assert login(ics["secretariat"]).post(f"/proposals/{p.pk}/edit/", data).status_code == 403
