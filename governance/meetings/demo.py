"""Demo data (filled in below)."""


def seed_meetings(*, stdout=None) -> None:
    pass
