"""The Celery application for background jobs (board packs).

Configured from Django settings prefixed ``CELERY_`` (``CELERY_BROKER_URL`` etc., see
governance/settings.py); tasks are discovered in each installed app's ``tasks.py``.
Without ``CELERY_BROKER_URL`` nothing is sent to a broker: jobs run in-process
(``governance.packs.jobs``). Run a worker with::

    celery -A governance worker --loglevel=INFO
"""

from __future__ import annotations

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "governance.settings")

app = Celery("governance")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
