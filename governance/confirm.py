"""The server-side confirmation step of an irreversible action (close a fund, withdraw
a request, close a risk).

The action's own form posts ``confirm=yes`` from the warning shown beside it
(``ui/_confirm.html`` with ``hidden=confirm.HIDDEN``); a post without it changes
nothing and shows this step instead (``ui/confirm_page.html``): what will happen, the
form again and the red warning button. So nothing irreversible happens in one
unconsidered click, whatever sent the request.
"""

from __future__ import annotations

from django.shortcuts import render

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
