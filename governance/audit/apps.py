from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "governance.audit"
    label = "audit"
    verbose_name = "Audit trail"

    def ready(self) -> None:
        from governance.audit import checks, services

        services.register_jobs()
        checks.register()
