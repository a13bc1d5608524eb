"""The NHS.UK foundation (governance.ui): one money format, tags, overdue dates, flash
messages by level, the error summary and fields, navigation by role, and the NHS.UK
frontend's files served as static files."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.contrib.messages import constants
from django.contrib.messages.storage.base import Message
from django.core import checks
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.test import Client
from django.utils import timezone

from governance.organisations.models import OrganisationKind, Role
from governance.ui import nav
from governance.ui.templatetags.ui import error_summary, money, money_text, overdue, tag

MINUS = "\u2212"


# --- money ------------------------------------------------------------------------------


def test_money_is_whole_pounds_with_thousands_by_default():
    assert money_text(Decimal("1234567")) == "£1,234,567"
    assert money_text(Decimal("1234567.49")) == "£1,234,567"
    assert money_text(Decimal("0.50")) == "£1"  # half up, as accountants round
    assert money_text(12) == "£12"


def test_money_shows_pence_when_asked():
    assert money_text(Decimal("1234567.8"), "pence") == "£1,234,567.80"
    assert money_text(Decimal("0.005"), "pence") == "£0.01"


def test_negative_money_has_a_true_minus_and_never_wraps():
    html = str(money(Decimal("-150000")))
    assert html == f'<span class="app-money app-money--negative">{MINUS}£150,000</span>'
    assert "-£" not in html
    assert str(money(Decimal("-1234.5"), "pence")).endswith(f">{MINUS}£1,234.50</span>")


def test_money_refuses_float_and_shows_a_dash_for_none():
    with pytest.raises(TypeError):
        money_text(1234.5)
    assert money_text(None) == "—"
    assert str(money("")) == '<span class="app-money">—</span>'


# --- tags and dates ---------------------------------------------------------------------


def test_tags_are_coloured_by_status():
    assert str(tag("approved")) == '<strong class="nhsuk-tag nhsuk-tag--green">approved</strong>'
    assert "nhsuk-tag--red" in str(tag("rejected", "Rejected"))
    assert "nhsuk-tag--orange" in str(tag("escalated", "Escalated to the board"))
    assert "nhsuk-tag--grey" in str(tag("something new"))
    assert "nhsuk-tag--purple" in str(tag("x", "X", colour="purple"))
    assert "&lt;b&gt;" in str(tag("draft", "<b>"))  # labels are escaped


def test_overdue_dates_are_tagged():
    today = timezone.localdate()
    past = str(overdue(today - datetime.timedelta(days=1)))
    assert "Overdue" in past and "nhsuk-tag--red" in past
    assert "Overdue" not in str(overdue(today))
    assert "Overdue" not in str(overdue(today + datetime.timedelta(days=30)))
    assert overdue(None) == "—"


# --- flash messages ---------------------------------------------------------------------


def render_messages(*messages: Message) -> str:
    return render_to_string("ui/_messages.html", {"messages": list(messages)})


def test_messages_are_one_live_region_without_a_role_on_a_list():
    html = render_messages(Message(constants.SUCCESS, "Saved."), Message(constants.INFO, "FYI"))
    assert '<div class="app-messages" role="status" aria-live="polite">' in html
    assert "<ul" not in html and "<li" not in html
    assert html.count('role="') == 1


def test_warning_message_looks_like_a_warning_not_a_success():
    html = render_messages(Message(constants.WARNING, "Escalated to the board."))
    assert "nhsuk-card--warning" in html and ">Warning<" in html
    assert "success" not in html
    success = render_messages(Message(constants.SUCCESS, "Saved."))
    assert "nhsuk-notification-banner--success" in success
    error = render_messages(Message(constants.ERROR, "Could not save."))
    assert "nhsuk-error-summary" in error and "success" not in error


# --- forms ------------------------------------------------------------------------------


def test_error_summary_links_every_problem_to_its_field():
    from django import forms

    class Form(forms.Form):
        title = forms.CharField()
        choice = forms.ChoiceField(choices=[("a", "A")], widget=forms.RadioSelect)

    form = Form({})
    assert not form.is_valid()
    form.add_error(None, "Something about the whole form.")
    html = render_to_string("ui/_error_summary.html", error_summary(form))
    assert '<div role="alert">' in html and 'data-module="nhsuk-error-summary"' in html
    assert '<a href="#id_title">Title: This field is required.</a>' in html
    assert 'href="#id_choice_0"' in html
    assert "Something about the whole form." in html
    assert render_to_string("ui/_error_summary.html", error_summary(Form())).strip() == ""


def test_a_field_with_an_error_is_marked_up_the_nhsuk_way():
    from django import forms
    from django.template import engines

    class Form(forms.Form):
        amount = forms.DecimalField(help_text="In pounds")

    form = Form({"amount": "lots"})
    form.is_valid()
    html = (
        engines["django"].from_string("{% load ui %}{% field form.amount %}").render({"form": form})
    )
    assert "nhsuk-form-group--error" in html
    assert 'class="nhsuk-input nhsuk-input--error"' in html
    assert 'aria-describedby="id_amount_helptext id_amount_error"' in html
    assert 'id="id_amount_error"' in html and 'id="id_amount_helptext"' in html


# --- navigation by role -----------------------------------------------------------------


@pytest.fixture
def people(make_org, make_user, icb):
    trust = make_org("Acute Trust", OrganisationKind.NHS_TRUST)
    return {
        "secretariat": make_user(icb, Role.SECRETARIAT),
        "auditor": make_user(icb, Role.AUDITOR),
        "signatory": make_user(trust, Role.SIGNATORY),
        "trust_secretariat": make_user(trust, Role.SECRETARIAT),
    }


def labels(user) -> list[str]:
    return [item.label for item in nav.items_for(user)]


def test_nav_for_the_public_shows_only_public_registers(db):
    from django.contrib.auth.models import AnonymousUser

    assert labels(AnonymousUser()) == ["Meetings", "Decisions", "Interests", "Delegation", "Search"]


def test_nav_by_role(people):
    everyone = ["My tasks", "Proposals", "Meetings", "Funds", "Risks", "Search"]
    signatory = labels(people["signatory"])
    assert set(everyone) <= set(signatory)
    # the audit trail would be empty for a signatory (its selector's rule), so no link
    assert not {"Manage", "My organisation", "Workflows", "Audit"} & set(signatory)
    auditor = labels(people["auditor"])
    assert {"Workflows", "Audit"} <= set(auditor) and "Manage" not in auditor
    secretariat = labels(people["secretariat"])
    assert {"Manage", "Workflows", "Audit"} <= set(secretariat)
    partner = labels(people["trust_secretariat"])
    assert {"My organisation", "Audit"} <= set(partner)
    assert not {"Manage", "Workflows"} & set(partner)


def test_nav_links_are_the_pages_people_may_open(people):
    """Every link shown is a page that answers 200 to that person."""
    for user in people.values():
        client = Client()
        client.force_login(user)
        for item in nav.items_for(user):
            response = client.get(item.href, follow=True)
            assert response.status_code == 200, (user.username, item.href)


def test_header_names_the_service_and_who_the_user_acts_for(people):
    client = Client()
    client.force_login(people["signatory"])
    html = client.get("/inbox/").content.decode()
    assert 'class="nhsuk-header"' in html and "ICS governance" in html
    assert "Acute Trust (authorised signatory)" in html
    assert 'aria-current="page"' in html  # "My tasks" is the current page


# --- NHS.UK frontend as static files ----------------------------------------------------


def test_nhsuk_frontend_is_served_as_static_files(db):
    client = Client()
    for path in ("nhsuk/nhsuk-frontend.min.css", "nhsuk/nhsuk-frontend.min.js", "css/app.css"):
        response = client.get(static(path))
        assert response.status_code == 200, path
        body = b"".join(response.streaming_content)
        assert len(body) > 100, path
    html = client.get("/").content.decode()
    assert static("nhsuk/nhsuk-frontend.min.css") in html
    assert html.index("nhsuk-frontend.min.css") < html.index("css/app.css")


def test_a_missing_nhsuk_frontend_is_a_system_check_error(settings, tmp_path):
    from governance.ui.checks import nhsuk_frontend_installed

    assert nhsuk_frontend_installed() == []
    settings.NHSUK_FRONTEND_DIR = tmp_path
    errors = nhsuk_frontend_installed()
    assert [e.id for e in errors] == ["ui.E001"]
    assert errors[0].level == checks.ERROR and "npm ci" in errors[0].hint
