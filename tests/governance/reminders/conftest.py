"""Reminders reuse the deputies' world: a pooled fund's allocation awaiting sign-off by
the ICB, the host council and a trust."""

from tests.governance.deputies.conftest import allocation, world  # noqa: F401
