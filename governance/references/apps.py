from django.apps import AppConfig


class ReferencesConfig(AppConfig):
    name = "governance.references"
    label = "references"
    verbose_name = "Reference numbers"
