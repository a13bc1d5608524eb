from django.apps import AppConfig


class OrganisationsConfig(AppConfig):
    name = "governance.organisations"
    label = "organisations"
    verbose_name = "Organisations and people"
