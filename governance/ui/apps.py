from django.apps import AppConfig


class UiConfig(AppConfig):
    name = "governance.ui"
    label = "ui"
    verbose_name = "User interface"

    def ready(self) -> None:
        from governance.ui import checks  # noqa: F401  (registers the system check)
