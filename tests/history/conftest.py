"""Fixtures for decision histories: the small ICS of the decisions tests."""

from __future__ import annotations

import pytest

from tests.decisions.conftest import (  # noqa: F401
    board_decides,
    decision_type,
    finance_post,
    fpc,
    ics,
    make_proposal,
    sord_board,
    sord_v1,
)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


def named(user, first: str, last: str):
    user.first_name, user.last_name = first, last
    user.save()
    return user
