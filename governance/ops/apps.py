from django.apps import AppConfig
from django.core import checks


class OpsConfig(AppConfig):
    name = "governance.ops"
    label = "ops"
    verbose_name = "Operations"

    def ready(self):
        checks.register(render_engine_check)


def render_engine_check(app_configs=None, **kwargs):
    """governance.W001: WeasyPrint cannot load Pango (PDFs would fail when rendered)."""
    from governance.render_engine import HINT, engine_error

    error = engine_error()
    if not error:
        return []
    return [checks.Warning(HINT, hint=error, id="governance.W001")]
