"""The server-side confirmation step of an irreversible action (close a fund, withdraw
a request, close a risk).

The record's page offers the action as a warning (``ui/_confirm.html``); its post
changes nothing and answers with this step (``ui/confirm_page.html``): what will
happen, the form again and the red warning button, which posts ``confirm=yes``. Only
that second post acts, so nothing irreversible happens in one unconsidered click,
whatever sent the request.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.shortcuts import render

from governance.forms import add_service_errors

FIELD = "confirm"
HIDDEN = {FIELD: "yes"}


def confirmed(request) -> bool:
    return request.POST.get(FIELD) == "yes"


def confirmation_page(
    request, *, heading, consequences, action, button, form, back, back_label, status=None
):
    """The step itself; with the form's errors (status 400) when it did not validate."""
    return render(
        request,
        "ui/confirm_page.html",
        {
            "heading": heading,
            "consequences": consequences,
            "action": action,
            "button": button,
            "form": form,
            "back": back,
            "back_label": back_label,
            "confirm_hidden": HIDDEN,
        },
        status=status or (400 if form.errors else 200),
    )


def confirmed_action(request, form, *, step: dict, perform, done):
    """Run an irreversible action only when its form is valid and confirmed: call
    ``perform(cleaned_data)`` (one service) and return ``done()`` (e.g. a redirect);
    otherwise, or with the service's errors next to the fields, show the step
    (``step``: the keyword arguments of ``confirmation_page`` but the form)."""
    if form.is_valid() and confirmed(request):
        try:
            perform(form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            return done()
    return confirmation_page(request, form=form, **step)
