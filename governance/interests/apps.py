from django.apps import AppConfig


class InterestsConfig(AppConfig):
    name = "governance.interests"
    label = "interests"
    verbose_name = "Register of interests"
