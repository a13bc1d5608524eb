"""The e-mail a person receives when added to an organisation.

A person new to the system has no usable password: the e-mail carries a one-off link
(Django's password-reset token, valid for ``PASSWORD_RESET_TIMEOUT``, three days by
default) to set one. Someone who already has an account is told of the new role.
"""

from __future__ import annotations

from django.contrib.auth.tokens import default_token_generator
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from governance.notifications import notify_after_commit
from governance.organisations.models import Membership


def set_password_path(user) -> str:
    uidb64 = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    return reverse("set-password", kwargs={"uidb64": uidb64, "token": token})


def send_invitation(request, membership: Membership) -> None:
    """Queue the e-mail for after the commit (nothing is sent if the change rolls back)."""
    user = membership.user
    who = f"{membership.get_role_display()}, {membership.organisation.name}"
    starts = f"from {membership.start_date:%d %B %Y}"
    if user.has_usable_password():
        body = (
            f"Dear {user.get_full_name() or user.get_username()},\n\n"
            f"You have been added as {who} {starts} on the ICS governance system.\n"
            f"Sign in as {user.get_username()}: {request.build_absolute_uri(reverse('login'))}\n"
        )
    else:
        link = request.build_absolute_uri(set_password_path(user))
        body = (
            f"Dear {user.get_full_name() or user.get_username()},\n\n"
            f"You have been added as {who} {starts} on the ICS governance system.\n"
            f"Your sign-in name is {user.get_username()}.\n\n"
            f"Choose your password here (the link works once, for three days):\n{link}\n\n"
            "If you were not expecting this, tell your organisation's secretariat.\n"
        )
    notify_after_commit("Your access to the ICS governance system", body, [user])
