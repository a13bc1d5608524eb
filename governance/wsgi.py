"""WSGI entry point."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "governance.settings")
application = get_wsgi_application()

# Without a Celery broker, this web process runs background jobs (board packs) on its own
# runner threads; other processes (manage.py commands, shells) run them inline.
from governance.packs import runner  # noqa: E402

runner.enable()
