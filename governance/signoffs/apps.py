from django.apps import AppConfig


class SignoffsConfig(AppConfig):
    name = "governance.signoffs"
    label = "signoffs"
    verbose_name = "Partner sign-off"
