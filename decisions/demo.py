"""Demo SoRD and proposals (filled in below)."""


def seed_decisions(*, stdout=None) -> None:
    pass
