from django.apps import AppConfig


class TokensConfig(AppConfig):
    name = "governance.tokens"
    label = "tokens"
    verbose_name = "API tokens"
