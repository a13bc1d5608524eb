"""A client generated from the published schema runs the proposal flow.

The schema is dumped and ``openapi-python-client`` generates a package into a temporary
directory (never committed); the app runs on a live server; the flow goes through the
generated functions only, and every answer is parsed into its typed model (an enum
value the schema does not list, a null where it promises a value, or a shape it does
not describe fails the parse): token, create, submit, review, each party's sign-off,
the officer's decision, the register entry, and revoking the token.
"""

from __future__ import annotations

import importlib
import shutil
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

PACKAGE = "ics_client"
CONFIG = (
    f"project_name_override: {PACKAGE}\n"
    f"package_name_override: {PACKAGE}\n"
    "content_type_overrides:\n"
    "  application/pdf: application/octet-stream\n"
)


def _generator() -> str:
    found = shutil.which("openapi-python-client") or str(
        Path(sys.executable).with_name("openapi-python-client")
    )
    if not Path(found).exists():
        pytest.skip("openapi-python-client is not installed (pip install -e '.[dev]')")
    return found


@pytest.fixture(scope="module")
def client_package(tmp_path_factory, django_db_blocker):
    """Generate the client from the schema the app publishes; import it."""
    generator = _generator()
    root = tmp_path_factory.mktemp("generated")
    schema = root / "schema.json"
    out = StringIO()
    with django_db_blocker.unblock():
        call_command("spectacular", "--format", "openapi-json", stdout=out)
    schema.write_text(out.getvalue())
    (root / "config.yaml").write_text(CONFIG)
    result = subprocess.run(  # noqa: S603 (our own tool, our own arguments)
        [
            generator,
            "generate",
            "--path",
            str(schema),
            "--meta",
            "none",
            "--output-path",
            str(root / PACKAGE),
            "--config",
            str(root / "config.yaml"),
        ],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    sys.path.insert(0, str(root))
    try:
        yield importlib.import_module(PACKAGE)
    finally:
        sys.path.remove(str(root))
        for name in [m for m in sys.modules if m == PACKAGE or m.startswith(PACKAGE + ".")]:
            del sys.modules[name]


def _imp(name: str):
    return importlib.import_module(f"{PACKAGE}.{name}")


@pytest.mark.django_db(transaction=True)
def test_generated_client_runs_the_proposal_flow(client_package, live_server, ics, decision_type):
    models = _imp("models")
    api_token = _imp("api.auth.v1_auth_token_create")
    revoke = _imp("api.auth.v1_auth_token_destroy")
    create = _imp("api.proposals.v1_proposals_create")
    submit = _imp("api.proposals.v1_proposals_submit_create")
    review = _imp("api.proposals.v1_proposals_review_create")
    retrieve = _imp("api.proposals.v1_proposals_retrieve")
    timeline = _imp("api.proposals.v1_proposals_timeline_list")
    record = _imp("api.proposals.v1_proposals_record_decision_create")
    inbox = _imp("api.signoffs.v1_signoffs_list")
    decide = _imp("api.signoffs.v1_signoffs_decide_create")
    register = _imp("api.decisions.v1_decisions_retrieve")
    organisations = _imp("api.reference.v1_organisations_list")

    def session(username: str):
        anonymous = client_package.Client(base_url=live_server.url, raise_on_unexpected_status=True)
        issued = api_token.sync(
            client=anonymous, body=models.TokenRequestRequest(username=username, password="pw")
        )
        assert isinstance(issued, models.TokenIssued), issued
        return client_package.AuthenticatedClient(
            base_url=live_server.url,
            token=issued.token,
            prefix="Token",
            raise_on_unexpected_status=True,
        )

    proposer = session("proposer")
    orgs = organisations.sync(client=proposer, identifier="RA1")
    assert isinstance(orgs, models.PaginatedOrganisationList)
    assert [o.name for o in orgs.results] == ["Acute Trust"]

    draft = create.sync(
        client=proposer,
        body=models.ProposalCreateInputRequest(
            title="Community step-down beds",
            summary="Fund 20 step-down beds at the community hospital for 12 months.",
            financial_value="48500.00",
            decision_type=decision_type.pk,
            proposing_organisation=orgs.results[0].id,
            affected_organisations=[ics["trust"].pk, ics["council"].pk, ics["vcse"].pk],
        ),
    )
    assert isinstance(draft, models.ProposalDetail), draft
    assert draft.status == models.ProposalStatusEnum.DRAFT
    assert draft.signoff_rule is None and draft.decided_by is None  # null, not ""
    pid = str(draft.id)

    submitted = submit.sync(pid, client=proposer)
    assert isinstance(submitted, models.ProposalDetail)
    assert submitted.status == models.ProposalStatusEnum.SUBMITTED

    secretariat = session("sec")
    reviewed = review.sync(
        pid, client=secretariat, body=models.ProposalReviewInputRequest(accept=True)
    )
    assert isinstance(reviewed, models.ProposalDetail)
    assert reviewed.status == models.ProposalStatusEnum.IN_SIGNOFF
    assert reviewed.decided_by == models.DecidedByEnum.OFFICER
    parties = {s.organisation.id for s in reviewed.signoffs}
    assert parties >= {ics["trust"].pk, ics["council"].pk, ics["vcse"].pk}

    signed = set()
    for username in ("trust_sign", "council_sign", "vcse_sign", "icb_sign"):
        signatory = session(username)
        page = inbox.sync(client=signatory)
        assert isinstance(page, models.PaginatedSignOffList)
        for signoff in page.results:
            assert isinstance(signoff, models.SignOff)
            if signoff.subject.type_ != "decisions.proposal" or signoff.subject.id != draft.id:
                continue
            done = decide.sync(
                str(signoff.id),
                client=signatory,
                body=models.SignOffDecideInputRequest(
                    outcome=models.SignOffDecisionEnum.APPROVE, comment="Agreed for our board."
                ),
            )
            assert isinstance(done, models.SignOffDetail), done
            assert done.status == models.SignOffStatusEnum.APPROVED
            signed.add(signoff.organisation.id)
    assert signed == parties

    officer = session("icb_sign")  # holds the Director of Finance post (officer band)
    ready = retrieve.sync(pid, client=officer)
    assert isinstance(ready, models.ProposalDetail)
    assert ready.status == models.ProposalStatusEnum.READY_FOR_DECISION, ready.status
    decided = record.sync(
        pid,
        client=officer,
        body=models.ProposalRecordDecisionInputRequest(
            outcome=models.DecidableOutcomeEnum.APPROVED,
            reason="Within the delegated limit; all partners agreed.",
        ),
    )
    assert isinstance(decided, models.ProposalDetail)
    assert decided.status == models.ProposalStatusEnum.APPROVED
    assert isinstance(decided.decision, models.DecisionSummary)

    entry = register.sync(decided.decision.reference, client=proposer)
    assert isinstance(entry, models.RegisterEntry), entry
    assert entry.view == models.RegisterEntryViewEnum.FULL
    assert entry.outcome == models.DecisionOutcomeEnum.APPROVED

    events = timeline.sync(pid, client=secretariat)
    assert isinstance(events, models.PaginatedTimelineEventList)
    assert all(isinstance(e, models.TimelineEvent) for e in events.results)

    revoked = revoke.sync_detailed(client=proposer)
    assert revoked.status_code == 204
    refused = retrieve.sync_detailed(
        pid,
        client=client_package.AuthenticatedClient(
            base_url=live_server.url, token=proposer.token, prefix="Token"
        ),
    )
    assert refused.status_code == 401
    assert isinstance(refused.parsed, models.Error)
    assert "revoked" in refused.parsed.detail
