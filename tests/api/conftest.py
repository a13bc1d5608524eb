"""The API tests use the decisions tests' small ICS (the ICB, three partners, a SoRD)."""

from tests.decisions.conftest import (  # noqa: F401
    decision_type,
    finance_post,
    fpc,
    ics,
    make_proposal,
    sord_board,
    sord_v1,
)
