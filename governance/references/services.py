"""Issuing reference numbers, serialised by a row lock on the counter."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone

from governance.references.models import ReferenceCounter


def reference_next(prefix: str, *, year: int | None = None, width: int = 4) -> str:
    """The next reference, e.g. ``DEC-2026-0001``. Call inside the creating transaction."""
    year = year or timezone.localdate().year
    with transaction.atomic():
        counter = ReferenceCounter.objects.select_for_update().filter(prefix=prefix, year=year)
        row = counter.first()
        if row is None:
            try:
                with transaction.atomic():
                    ReferenceCounter.objects.create(prefix=prefix, year=year)
            except IntegrityError:
                pass
            row = counter.get()
        row.last += 1
        row.save(update_fields=["last"])
    return f"{prefix}-{year}-{row.last:0{width}d}"
