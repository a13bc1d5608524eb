"""Demo-data seeders, registered by each app at start-up (``AppConfig.ready``).

The core does not import the apps that build on it; they add their own demo data here,
and ``seed_demo`` runs every seeder in order. Each seeder must be idempotent.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

Seeder = Callable[..., None]


@dataclass(frozen=True)
class _Entry:
    order: int
    name: str
    func: Seeder


_SEEDERS: dict[str, _Entry] = {}


def register_seeder(name: str, func: Seeder, *, order: int = 100) -> None:
    _SEEDERS[name] = _Entry(order, name, func)


def seeders() -> list[_Entry]:
    return sorted(_SEEDERS.values(), key=lambda e: (e.order, e.name))
