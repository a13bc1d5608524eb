"""The signed-in person's own notification settings (``/accounts/notifications/``)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render

from governance.forms import add_service_errors
from governance.reminders.forms import NotificationModeForm
from governance.reminders.models import DeferredNotification, DigestSent
from governance.reminders.preferences import mode_of, notification_mode_set


@login_required
def notification_settings(request):
    user = request.user
    form = NotificationModeForm(
        request.POST if request.method == "POST" else None, initial={"mode": mode_of(user)}
    )
    if request.method == "POST" and form.is_valid():
        try:
            notification_mode_set(actor=user, person=user, mode=form.cleaned_data["mode"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Your notification settings are saved.")
            return redirect("reminders:settings")
    return render(
        request,
        "reminders/settings.html",
        {
            "form": form,
            "held": DeferredNotification.objects.filter(person=user, digest__isnull=True).count(),
            "last_digest": DigestSent.objects.filter(person=user).first(),
        },
    )
