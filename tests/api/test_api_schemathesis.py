"""Schemathesis over the published schema, on a live server, as three roles.

Every operation (but those that end the caller's token or render PDFs) gets a few
generated requests as the ICB secretariat, a partner's signatory and an auditor, each
with their own token. Each answer must be no 5xx, a status code, content type and body
the schema declares for the operation; and no answer to the partner may contain the
marker planted in another organisation's confidential proposal.

Bounded: ``MAX_EXAMPLES`` requests per operation and role, no shrinking. It runs on
SQLite and PostgreSQL alike; CI runs it once, in the PostgreSQL pass (``slow`` marker).
"""

from __future__ import annotations

import datetime
from io import StringIO

import pytest
import yaml
from django.core.management import call_command

from governance.organisations.models import OrganisationKind, Role
from governance.tokens.services import api_token_issue

schemathesis = pytest.importorskip("schemathesis", reason="schemathesis is a dev dependency")
hypothesis = pytest.importorskip("hypothesis")

from schemathesis.checks import not_a_server_error  # noqa: E402
from schemathesis.specs.openapi.checks import (  # noqa: E402
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

MAX_EXAMPLES = 3
MARKER = "ZQX-CONFIDENTIAL-MARKER-7731"
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
# Ending the caller's own token would turn the rest of the run into 401s; packs render
# PDFs (seconds each) and are covered by tests/meetings/test_api_packs.py.
SKIP = {
    ("DELETE", "/api/v1/auth/token/"),
    ("DELETE", "/api/v1/auth/tokens/{id}/"),
    ("POST", "/api/v1/meetings/{id}/generate-packs/"),
}


@pytest.fixture
def planted(ics, make_org, make_user, make_proposal, decision_type):
    """A draft and a proposal in sign-off the partner takes part in, and another
    organisation's confidential proposal carrying the marker."""
    other = make_org("Northern Care Alliance", OrganisationKind.NHS_FOUNDATION_TRUST, "RM3")
    other_member = make_user(other, Role.MEMBER, "nca_member", start_date=datetime.date(2020, 1, 1))
    from decisions import services

    make_proposal(title="Community step-down beds")
    submitted = make_proposal(title="Urgent community response")
    services.proposal_submit(actor=ics["proposer"], proposal=submitted)
    services.proposal_review(actor=ics["secretariat"], proposal=submitted, accept=True)
    services.proposal_create(
        actor=other_member,
        proposing_organisation=other,
        title=f"Estates disposal {MARKER}",
        summary=f"Commercially sensitive: {MARKER}.",
        financial_value="75000",
        decision_type=decision_type,
        affected_organisations=[other],
        is_confidential=True,
        exemption_reason="Commercial interests (FOIA s43).",
    )
    return {"partner": ics["trust_sign"]}


def _schema():
    out = StringIO()
    call_command("spectacular", stdout=out)
    return schemathesis.openapi.from_dict(yaml.safe_load(out.getvalue()))


def _run(operation, base_url: str, headers: dict, forbidden: str | None, problems: list):
    strategy = operation.as_strategy()

    @hypothesis.settings(
        max_examples=MAX_EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,
        phases=[hypothesis.Phase.explicit, hypothesis.Phase.generate],
        suppress_health_check=list(hypothesis.HealthCheck),
    )
    @hypothesis.given(case=strategy)
    def run(case):
        response = case.call(base_url=base_url, headers=headers, timeout=60)
        where = f"{case.method} {case.formatted_path} -> {response.status_code}"
        try:
            case.validate_response(response, checks=CHECKS)
        except (Exception, BaseExceptionGroup) as exc:  # a check's failure(s): collect
            problems.append(f"{where}: {str(exc)[:600]}")
        if forbidden and forbidden in response.text:
            problems.append(f"{where}: another organisation's confidential data")

    run()


def test_schemathesis_three_roles_conform_and_leak_nothing(live_server, ics, planted):
    schema = _schema()
    roles = {
        "ICB secretariat": (ics["secretariat"], None),
        "partner signatory": (planted["partner"], MARKER),
        "auditor": (ics["auditor"], None),
    }
    problems: list[str] = []
    ran = 0
    for label, (user, forbidden) in roles.items():
        _, key = api_token_issue(actor=user)
        headers = {"Authorization": f"Token {key}"}
        for result in schema.get_all_operations():
            operation = result.ok()
            if (operation.method.upper(), operation.path) in SKIP:
                continue
            before = len(problems)
            _run(operation, live_server.url, headers, forbidden, problems)
            problems[before:] = [f"[{label}] {p}" for p in problems[before:]]
            ran += 1
    assert ran > 100, ran
    assert problems == [], "\n".join(problems[:40])
