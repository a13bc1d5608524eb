from django.apps import AppConfig


class PacksConfig(AppConfig):
    name = "governance.packs"
    label = "packs"
    verbose_name = "Board packs and background jobs"
