from django.apps import AppConfig


class RisksConfig(AppConfig):
    name = "governance.risks"
    label = "risks"
    verbose_name = "Risk register and Board Assurance Framework"
