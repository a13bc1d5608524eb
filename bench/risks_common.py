"""Shared set-up for the risk benchmarks: a throwaway database (SQLite in a temporary
directory unless DATABASE_URL is set), migrated, with the demo ICS and N extra risks.

The extra risks are bulk-inserted (a benchmark fixture, not app behaviour: the app only
changes risks through its services); the demo register is seeded through the services.
"""

from __future__ import annotations

import os
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def setup_django() -> None:
    os.environ.setdefault("SECRET_KEY", "bench-only")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "governance.settings")
    os.environ.setdefault("EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")
    if not os.environ.get("DATABASE_URL"):
        tmp = tempfile.mkdtemp(prefix="risks-bench-")
        os.environ["DATABASE_URL"] = f"sqlite:///{tmp}/bench.sqlite3"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from governance.demo.core import seed_core
    from governance.risks.demo import seed_risks

    seed_core()
    seed_risks()


def add_risks(n: int, seed: int = 7) -> None:
    """Bulk-insert ``n`` registered risks spread over organisations, categories and cells,
    a third of them shared with one or two partners."""
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from governance.organisations.models import Organisation
    from governance.risks.models import Risk, RiskCategory, RiskStatus

    rng = random.Random(seed)
    orgs = list(Organisation.objects.all())
    cats = list(RiskCategory.objects.all())
    owner = get_user_model().objects.get(username="icb.member")
    today = timezone.localdate()
    start = Risk.objects.count()
    rows = []
    for i in range(n):
        rows.append(
            Risk(
                reference=f"BENCH-{start + i:06d}",
                title=f"Benchmark risk {start + i}",
                cause="Because of a cause,",
                event="there is a risk that something happens,",
                effect="resulting in an effect.",
                category=rng.choice(cats),
                owning_organisation=rng.choice(orgs),
                owner=owner,
                created_by=owner,
                inherent_likelihood=5,
                inherent_consequence=5,
                current_likelihood=rng.randint(1, 5),
                current_consequence=rng.randint(1, 5),
                target_likelihood=1,
                target_consequence=2,
                next_review_date=today,
                status=rng.choice([RiskStatus.OPEN, RiskStatus.TREATED, RiskStatus.TOLERATED]),
                controls="Controls.\n" * 3,
                assurances="Assurance.",
            )
        )
    created = Risk.objects.bulk_create(rows, batch_size=500)
    through = Risk.partners.through
    links = []
    for risk in created:
        if rng.random() < 0.33:
            for org in rng.sample(orgs, rng.randint(1, 2)):
                if org.pk != risk.owning_organisation_id:
                    links.append(through(risk_id=risk.pk, organisation_id=org.pk))
    through.objects.bulk_create(links, batch_size=1000, ignore_conflicts=True)


def timed(fn, repeat: int = 5) -> tuple[float, object]:
    """Best of ``repeat`` wall-clock runs, in milliseconds, and the last result."""
    best, result = float("inf"), None
    for _ in range(repeat):
        started = time.perf_counter()
        result = fn()
        best = min(best, (time.perf_counter() - started) * 1000)
    return best, result
