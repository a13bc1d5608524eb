"""The person's notification settings."""

from django import forms

from governance.reminders.models import NotificationMode


class NotificationModeForm(forms.Form):
    mode = forms.ChoiceField(
        label="How do you want to be told?",
        choices=NotificationMode.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose an e-mail for each event or a daily digest.",
            "invalid_choice": "Choose an e-mail for each event or a daily digest.",
        },
    )
