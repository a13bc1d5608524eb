"""A system check: the NHS.UK frontend's compiled files must be installed, or every page
would be served unstyled without anyone noticing."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core import checks

NEEDED = ("nhsuk-frontend.min.css", "nhsuk-frontend.min.js")


@checks.register(checks.Tags.staticfiles)
def nhsuk_frontend_installed(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    folder = Path(settings.NHSUK_FRONTEND_DIR)
    missing = [name for name in NEEDED if not (folder / name).is_file()]
    if not missing:
        return []
    return [
        checks.Error(
            f"The NHS.UK frontend is not installed: {', '.join(missing)} missing in {folder}.",
            hint="Run `python3 dev.py test` or `python3 dev.py serve` (they run `npm ci`), "
            "or `npm ci --ignore-scripts` in the project folder.",
            id="ui.E001",
        )
    ]
