from django.apps import AppConfig


class HistoryConfig(AppConfig):
    """Decision histories: finds every app's ``history.py`` at start-up and links the
    audit trail's rows to the history pages (``governance.audit.links``)."""

    name = "governance.history"
    label = "history"
    verbose_name = "Decision histories"

    def ready(self):
        from governance.history import registry

        registry.autodiscover()
        registry.link_audit_trail()
