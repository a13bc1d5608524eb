"""Counters behind human reference numbers such as DEC-2026-0001."""

from django.db import models


class ReferenceCounter(models.Model):
    """The last number issued for a prefix and year.

    The counter moves in the same transaction as the record that takes the number, so
    a committed number is never issued again (even if its record is later withdrawn).
    """

    prefix = models.CharField(max_length=16)
    year = models.PositiveIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["prefix", "year"], name="referencecounter_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.prefix}-{self.year}: {self.last}"
