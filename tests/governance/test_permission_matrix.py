"""The permission matrix, generated from the URL configuration.

Every URL pattern (pages, API actions, viewflow's frontend, the admin) is found through
``django.urls.get_resolver()``, its path arguments are filled with ids of real records
of the demo ICS that an *outsider* may not see, and it is requested (GET and an empty
POST) as:

- an anonymous visitor: refused (login redirect, 401, 403 or 404) unless public;
- people of another organisation (a hospice party to nothing: a member, a signatory
  and its own secretariat): no 200 for another organisation's private record, and no
  write for any POST;
- the ICB's auditor: reads what it may, writes nothing (read-only everywhere).

"No write" is checked on the SQL itself: no INSERT, UPDATE or DELETE runs, apart from
bookkeeping tables (sessions, sign-in attempts). Every pattern must be classified in
``RULES`` (admin and viewflow patterns by their prefix): a new URL without a rule fails
``test_every_url_pattern_is_classified`` with its name, so whoever adds an endpoint
decides who may use it.
"""

from __future__ import annotations

import datetime
import io
import json
import re
import sys
import time
from dataclasses import dataclass, field
from functools import partial

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, URLResolver, get_resolver, resolve

from governance.middleware import READ_ONLY_MAY
from governance.organisations import services as org_services
from governance.organisations.models import Organisation, OrganisationKind, Role

# a slow suite: CI runs it once, on the PostgreSQL pass
pytestmark = pytest.mark.slow

# --- the rules ------------------------------------------------------------------------------

PUBLIC = "public"  # anyone may read (the public portal, the published register)
LOGIN = "login"  # signed-in users, each sees their own (lists, inboxes, "new" forms)
PRIVATE = "private"  # one record: only the organisations party to it, the secretariat, audit
STAFF = "staff"  # Django's admin: staff only
WORKFLOW = "workflow"  # viewflow's frontend: ICB secretariat and auditors only
MANAGE = "manage"  # running the system: ICB secretariat (auditors may read)


@dataclass(frozen=True)
class Rule:
    kind: str
    params: dict[str, str] = field(default_factory=dict)


def private(**params: str) -> Rule:
    return Rule(PRIVATE, params)


RULES: dict[str, Rule] = {
    # core
    "home": Rule(PUBLIC),
    "health": Rule(PUBLIC),
    "login": Rule(PUBLIC),
    "logout": Rule(PUBLIC),
    "set-password": Rule(PUBLIC, {"uidb64": "uidb64", "token": "token"}),
    "set-password-done": Rule(PUBLIC),
    "reminders:settings": Rule(LOGIN),
    "audit-trail": Rule(LOGIN),  # scoped: whole trail for auditors/ICB, own org's secretariat
    "audit-export-csv": Rule(LOGIN),  # the same scope; others 403
    "audit-export-jsonl": Rule(LOGIN),
    # Starting a verification is a read: auditors may (its job row is bookkeeping).
    "audit-verify": Rule(MANAGE),
    "packs:job": private(pk="job"),
    "packs:job-status": private(pk="job"),
    "packs:job-retry": private(pk="job"),
    "packs:job-download": private(pk="job"),
    "signoffs:inbox": Rule(LOGIN),
    "signoffs:signoff": private(pk="signoff"),
    "signoffs:manage-conflict": private(pk="signoff"),
    "signoffs:due": private(pk="signoff"),
    "deputies:list": Rule(LOGIN),
    "deputies:new": Rule(LOGIN),
    "deputies:end": private(pk="deputy"),
    "interests:list": Rule(LOGIN),
    "interests:new": Rule(LOGIN),
    "interests:register": Rule(PUBLIC),  # the published register of interests
    "interests:edit": private(pk="interest"),
    "interests:end": private(pk="interest"),
    # API
    "api-schema": Rule(PUBLIC),
    "api-token": Rule(PUBLIC),
    "api-tokens": Rule(LOGIN),
    "api-token-detail": private(pk="token"),
    "api-docs": Rule(PUBLIC),  # Swagger UI (its script from ?script, its files static)
    "api-job": private(pk="job"),  # generate-packs' status_url, for the same token
    "api-job-download": private(pk="job"),
    "api-pack-download": private(pk="members_pack"),  # a pack's download_url (a token works)
    "api-sord-version-list": Rule(LOGIN),  # approved versions; drafts for ICB/auditors
    "api-sord-version-detail": Rule(LOGIN, {"number": "sord_number"}),
    "api-audit-events": Rule(MANAGE),  # auditors and the ICB secretariat only
    "api-audit-export-jsonl": Rule(MANAGE),
    "api-audit-export-csv": Rule(MANAGE),
    "api-audit-verify": Rule(MANAGE),  # POST starts a verification: a read (bookkeeping row)
    "api-signoff-list": Rule(LOGIN),
    "api-organisation-list": Rule(LOGIN),  # scoped: active organisations (public facts)
    "api-membership-list": Rule(LOGIN),  # scoped: own, own organisation's for its secretariat
    "api-interest-list": Rule(LOGIN),  # scoped: the published register and one's own
    "api-decision-type-list": Rule(LOGIN),
    "api-risk-category-list": Rule(LOGIN),
    "api-signoff-detail": private(pk="signoff"),
    "api-signoff-decide": private(pk="signoff"),
    "api-proposal-list": Rule(LOGIN),
    "api-proposal-detail": private(pk="proposal"),
    "api-proposal-record-decision": private(pk="proposal"),
    "api-proposal-review": private(pk="proposal"),
    "api-proposal-submit": private(pk="proposal"),
    "api-proposal-timeline": private(pk="proposal"),
    "api-proposal-withdraw": private(pk="proposal"),
    "api-proposal-chairs-action": private(pk="proposal"),
    "api-decision-list": Rule(PUBLIC),
    "api-decision-detail": Rule(PUBLIC, {"reference": "confidential_decision"}),
    "api-fund-list": Rule(LOGIN),
    "api-fund-detail": private(pk="fund"),
    "api-fund-ledger": private(pk="fund"),
    "api-allocation-list": Rule(LOGIN),
    "api-allocation-detail": private(pk="allocation"),
    "api-allocation-release": private(pk="allocation"),
    "api-allocation-review": private(pk="allocation"),
    "api-allocation-spend": private(pk="allocation"),
    "api-allocation-submit": private(pk="allocation"),
    "api-allocation-timeline": private(pk="allocation"),
    "api-allocation-withdraw": private(pk="allocation"),
    "api-envelope-list": Rule(LOGIN),
    "api-envelope-detail": private(pk="envelope"),
    "api-envelope-position": private(pk="envelope"),
    "api-envelope-submission-list": Rule(LOGIN),  # a partner submits its own return here
    "api-envelope-submission-detail": private(pk="monthly_return"),
    "api-capital-scheme-list": Rule(LOGIN),
    "api-capital-scheme-detail": private(pk="capital_scheme"),
    "api-risk-list": Rule(LOGIN),
    "api-risk-heatmap": Rule(LOGIN),
    "api-risk-detail": private(pk="risk"),
    "api-risk-change-status": private(pk="risk"),
    "api-risk-review": private(pk="risk"),
    "api-risk-submit": private(pk="risk"),
    "api-risk-escalation-list": Rule(LOGIN),
    "api-risk-escalation-detail": private(pk="escalation"),
    "api-risk-escalation-respond": private(pk="escalation"),
    "committee-list": Rule(PUBLIC),
    "committee-detail": Rule(PUBLIC, {"pk": "committee"}),
    "meeting-list": Rule(PUBLIC),
    "meeting-detail": Rule(PUBLIC, {"pk": "meeting"}),  # scoped by meetings_visible_to
    "meeting-generate-packs": private(pk="meeting"),
    "meeting-pack": Rule(PUBLIC, {"pk": "meeting"}),  # the pack the caller may see
    "action-list": Rule(PUBLIC),  # scoped by its selector: public actions for visitors
    "action-detail": private(pk="action"),
    # decisions
    "decisions:proposal-list": Rule(LOGIN),
    "decisions:proposal-new": Rule(LOGIN),
    "decisions:proposal-detail": private(pk="proposal"),
    "decisions:proposal-edit": private(pk="proposal"),
    "decisions:proposal-submit": private(pk="proposal"),
    "decisions:proposal-withdraw": private(pk="proposal"),
    "decisions:proposal-accept": private(pk="proposal"),
    "decisions:proposal-return": private(pk="proposal"),
    "decisions:proposal-decide": private(pk="proposal"),
    "decisions:proposal-chairs-action": private(pk="proposal"),
    "decisions:proposal-attach": private(pk="proposal"),
    "decisions:proposal-attachment": private(pk="proposal", attachment_pk="attachment"),
    "decisions:public-sord": Rule(PUBLIC),
    "decisions:public-sord-pdf": Rule(PUBLIC),
    "decisions:sord": Rule(LOGIN),
    "decisions:sord-version": Rule(LOGIN, {"number": "sord_number"}),
    "decisions:sord-posts": Rule(LOGIN),
    "decisions:sord-post": Rule(LOGIN, {"pk": "officer_post"}),
    "decisions:sord-draft-new": Rule(MANAGE),
    "decisions:sord-version-edit": Rule(MANAGE, {"number": "sord_number"}),
    "decisions:sord-propose": Rule(MANAGE, {"number": "sord_number"}),
    "decisions:sord-type-add": Rule(MANAGE, {"number": "sord_number"}),
    "decisions:sord-type-bands": Rule(MANAGE, {"number": "sord_number", "code": "type_code"}),
    "decisions:sord-type-remove": Rule(MANAGE, {"number": "sord_number", "code": "type_code"}),
    "decisions:sord-post-appoint": Rule(MANAGE, {"pk": "officer_post"}),
    "decisions:sord-holding-end": Rule(MANAGE, {"pk": "post_holder"}),
    "decisions:register": Rule(PUBLIC),
    "decisions:register-csv": Rule(PUBLIC),
    "decisions:register-entry": Rule(PUBLIC, {"reference": "confidential_decision"}),
    # budgets
    "budgets:funds": Rule(LOGIN),
    "budgets:fund-create": Rule(LOGIN),
    "budgets:fund": private(pk="fund"),
    "budgets:fund-edit": private(pk="fund"),
    "budgets:fund-host-at-place": Rule(MANAGE, {"pk": "fund"}),
    "budgets:fund-activate": private(pk="fund"),
    "budgets:fund-close": private(pk="fund"),
    "budgets:line-add": private(pk="fund"),
    "budgets:line-edit": private(pk="fund", line_pk="line"),
    "budgets:line-forecast": private(pk="fund", line_pk="line"),
    "budgets:contribution-set": private(pk="fund"),
    "budgets:change-request": private(pk="fund", contribution_pk="contribution"),
    "budgets:risk-share": private(pk="fund"),
    "budgets:ledger": private(pk="fund"),
    "budgets:ledger-csv": private(pk="fund"),
    "budgets:report-csv": private(pk="fund"),
    "budgets:report-pdf": private(pk="fund"),
    "budgets:allocation-create": private(pk="fund"),
    "budgets:allocation": private(pk="allocation"),
    "budgets:allocation-edit": private(pk="allocation"),
    "budgets:allocation-submit": private(pk="allocation"),
    "budgets:allocation-review": private(pk="allocation"),
    "budgets:allocation-withdraw": private(pk="allocation"),
    "budgets:allocation-release": private(pk="allocation"),
    "budgets:allocation-spend": private(pk="allocation"),
    "budgets:envelopes": Rule(LOGIN),
    "budgets:envelope-create": Rule(MANAGE),
    "budgets:envelope": private(pk="envelope"),
    "budgets:envelope-business-case": private(pk="envelope", scheme_pk="capital_scheme"),
    "budgets:envelope-capital": private(pk="envelope"),
    "budgets:envelope-line": private(pk="envelope"),
    "budgets:envelope-replan": private(pk="envelope"),
    "budgets:envelope-report": private(pk="envelope", month="month"),
    "budgets:envelope-report-csv": private(pk="envelope", month="month"),
    "budgets:envelope-report-pdf": private(pk="envelope", month="month"),
    "budgets:envelope-return": private(pk="envelope", return_pk="monthly_return"),
    "budgets:envelope-scheme-score": private(pk="envelope", scheme_pk="capital_scheme"),
    "budgets:envelope-submit": private(pk="envelope"),
    "budgets:envelope-transfer": private(pk="envelope"),
    "budgets:envelope-upload": private(pk="envelope", month="month"),
    "budgets:envelope-variation": private(pk="envelope", variation_pk="variation"),
    "budgets:envelope-variation-withdraw": private(pk="envelope", variation_pk="variation"),
    "budgets:change": private(pk="change"),
    "budgets:change-withdraw": private(pk="change"),
    # risks
    "risks:list": Rule(LOGIN),
    "risks:create": Rule(LOGIN),
    "risks:escalated": Rule(LOGIN),
    "risks:respond": private(pk="escalation"),
    "risks:reviews": Rule(LOGIN),
    "risks:report": Rule(LOGIN),
    "risks:detail": private(pk="risk"),
    "risks:edit": private(pk="risk"),
    "risks:submit": private(pk="risk"),
    "risks:review": private(pk="risk"),
    "risks:status": private(pk="risk"),
    "risks:signoff": private(pk="risk", signoff_pk="risk_signoff"),
    "risk_categories:list": Rule(MANAGE),
    "risk_categories:new": Rule(MANAGE),
    "risk_categories:edit": Rule(MANAGE, {"pk": "category"}),
    "risk_categories:retire": Rule(MANAGE, {"pk": "category"}),
    "risk_categories:reinstate": Rule(MANAGE, {"pk": "category"}),
    # meetings
    "meetings:index": Rule(LOGIN),
    "meetings:committee-new": Rule(MANAGE),
    "meetings:committee": Rule(LOGIN, {"pk": "committee"}),
    "meetings:committee-edit": Rule(MANAGE, {"pk": "committee"}),
    "meetings:member-add": Rule(MANAGE, {"pk": "committee"}),
    "meetings:member-edit": Rule(MANAGE, {"pk": "committee_member"}),
    "meetings:meeting-new": Rule(MANAGE, {"pk": "committee"}),
    "meetings:meeting": private(pk="meeting"),
    "meetings:meeting-edit": private(pk="meeting"),
    "meetings:meeting-cancel": private(pk="meeting"),
    "meetings:meeting-close": private(pk="meeting"),
    "meetings:item-new": private(pk="meeting"),
    "meetings:table": private(pk="meeting"),
    "meetings:packs-generate": private(pk="meeting"),
    "meetings:item-edit": private(pk="part2_item"),
    "meetings:item-move": private(pk="part2_item"),
    "meetings:item-remove": private(pk="part2_item"),
    "meetings:pack-download": private(pk="members_pack"),
    "meetings:paper": private(pk="part2_item"),
    # a record's history: exactly who may see the record (here a hidden proposal)
    "history:detail": private(subject="history_subject", pk="proposal"),
    "history:pdf": private(subject="history_subject", pk="proposal"),
    "meetings:paper-create": private(pk="part2_item"),
    "meetings:paper-docx": private(pk="part2_item"),
    "meetings:paper-submit": private(pk="part2_item"),
    "meetings:paper-approve": private(pk="part2_item"),
    "meetings:paper-return": private(pk="part2_item"),
    "meetings:appendix-add": private(pk="part2_item"),
    "meetings:appendix": private(pk="part2_appendix"),
    "meetings:appendix-remove": private(pk="part2_appendix"),
    "meetings:run": private(pk="meeting"),
    "meetings:conduct": private(pk="part2_item"),
    "meetings:declaration-decide": private(pk="declaration"),
    "meetings:minutes": private(pk="meeting"),
    "meetings:actions": Rule(LOGIN),
    "meetings:action-edit": private(pk="action"),
    "meetings:public": Rule(PUBLIC),
    "meetings:public-committee": Rule(PUBLIC, {"pk": "committee"}),
    "meetings:public-meeting": Rule(PUBLIC, {"pk": "meeting"}),
    "meetings:public-minutes": Rule(PUBLIC, {"pk": "meeting"}),
    "meetings:public-pack": Rule(PUBLIC, {"pk": "members_pack"}),
    "meetings:public-interests": Rule(PUBLIC),
    "meetings:public-calendar": Rule(PUBLIC),
    "meetings:public-feed": Rule(PUBLIC),
    "meetings:public-forward-plan": Rule(PUBLIC),
    "meetings:public-forward-plan-feed": Rule(PUBLIC),
    "meetings:forward-plan": Rule(LOGIN, {"pk": "committee"}),
    "meetings:forward-plan-new": Rule(MANAGE, {"pk": "committee"}),
    "meetings:forward-plan-edit": private(pk="plan_item"),
    "search:search": Rule(LOGIN),  # hits re-checked by each app's own selector
    "search:public": Rule(PUBLIC),  # public records only
    "opendata:index": Rule(PUBLIC),
    "opendata:popolo": Rule(PUBLIC),  # Part 1 of published public meetings only
    "opendata:csv": Rule(PUBLIC, {"name": "votes"}),
    "opendata:json": Rule(PUBLIC, {"name": "decisions"}),
    "audit-public:keys": Rule(PUBLIC),  # the audit trail's public signing keys
    "audit-public:checkpoints": Rule(PUBLIC),
    "audit-public:checkpoints-jsonl": Rule(PUBLIC),
    "audit-public:checkpoints-feed": Rule(PUBLIC),
    # organisations and people
    "manage:index": Rule(LOGIN),  # each partner's secretariat manages its own people
    "manage:organisations": Rule(MANAGE),
    "manage:organisation-new": Rule(MANAGE),
    "manage:organisation-import": Rule(MANAGE),
    "manage:organisation-edit": Rule(MANAGE, {"pk": "organisation"}),
    "manage:organisation-deactivate": Rule(MANAGE, {"pk": "organisation"}),
    "manage:organisation-reactivate": Rule(MANAGE, {"pk": "organisation"}),
    "manage:people": Rule(MANAGE, {"pk": "organisation"}),
    "manage:person-invite": Rule(MANAGE, {"pk": "organisation"}),
    "manage:membership-edit": Rule(MANAGE, {"pk": "membership"}),
    "manage:membership-end": Rule(MANAGE, {"pk": "membership"}),
    # Django's admin: its sign-in pages are open; everything else is under STAFF below.
    "admin:login": Rule(PUBLIC),
    "admin:logout": Rule(PUBLIC),
    "admin-login": Rule(PUBLIC),  # the admin's sign-in page, audited (governance.signin)
    "admin-logout": Rule(PUBLIC),
    # single sign-on: 404 while OIDC_ENABLED is off (as in this test)
    "oidc-login": Rule(PUBLIC),
    "oidc-callback": Rule(PUBLIC),
}
# Generated by libraries: classified by where they are mounted.
PREFIX_RULES = {"admin/": Rule(STAFF), "workflow/": Rule(WORKFLOW)}
# Path arguments of library views, and the value each gets.
LIBRARY_PARAMS = {
    "process_pk": "process",
    "task_pk": "task",
    "object_id": "any_id",
    "content_type_id": "any_id",
    "app_label": "app_label",
    "url": "app_label",
}

# Tables a refused request may still write to: bookkeeping, not records.
BOOKKEEPING_TABLES = {
    "django_session",
    "axes_accessattempt",
    "axes_accesslog",
    # who viewed what: an auditor's granted read of a confidential record is recorded
    # (that is the point); a refused request writes none (tests/history/test_reads.py)
    "audit_readaccess",
}
WRITE_SQL = re.compile(r'^\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?(\w+)"?', re.I)
# Reports render off the request as jobs (governance.packs.reports): a GET of one of these
# may queue (insert) and run (update) its job row. Report jobs are reads: the row is a
# render cache, not a governance record (no audit event), so anyone who may read the
# report may cause one, auditors included (who are read-only everywhere else).
RENDER_CACHE_TABLES = {"packs_renderjob"}
RENDERED_REPORTS = {"risks:report", "budgets:report-pdf", "budgets:envelope-report-pdf"}
# Starting a trail verification is a read (auditors may): its run and job rows are
# bookkeeping (governance.audit.services.verification_start writes no audit event).
VERIFICATION_TABLES = {"audit_verificationrun", "packs_renderjob"}
STARTS_VERIFICATION = {"audit-verify", "api-audit-verify"}
# Auditors read, never write: besides the empty POST, the auditor sends every route each
# write method (pages: POST; the API: POST, PUT, PATCH, DELETE) with a valid-looking body
# (the field names the app's forms and commands use, plausible values), which must be
# refused (or fail validation) and write nothing.
AUDITOR_WRITE_METHODS = ("post", "put", "patch", "delete")
VALID_LOOKING_BODY = {
    "reason": "Audit sample: checking the control works",
    "comment": "Reviewed and agreed",
    "decision": "approve",
    "outcome": "approved",
    "status": "approved",
    "title": "Community diagnostics hub, phase 2",
    "name": "Audit committee",
    "summary": "To approve the business case within the delegated limit",
    "description": "Director of a domiciliary care provider",
    "financial_value": "250000.00",
    "amount": "125000.00",
    "score": "3",
    "likelihood": "3",
    "consequence": "4",
    "valid_from": "2026-04-01",
    "start_date": "2026-04-01",
    "decided_on": "2026-06-30",
    "is_confidential": "false",
    "role": "member",
    "kind": "nhs_trust",
    "identifier": "RX9",
    "month": "6",
    "confirm": "yes",
}
REFUSED = {301, 302, 303, 401, 403, 404, 405}
TIME_BUDGET_SECONDS = 60
SIGN_IN = {"login", "logout", "api-token", "admin:login", "admin:logout", "admin-login"}
SIGN_IN |= {"oidc-login", "oidc-callback", "admin-logout"}  # may write a session


# --- the URL patterns -------------------------------------------------------------------


@dataclass(frozen=True)
class Endpoint:
    name: str
    route: str
    params: tuple[str, ...]


def endpoints() -> list[Endpoint]:
    found: list[Endpoint] = []

    def walk(patterns, prefix: str, namespaces: tuple[str, ...]):
        for p in patterns:
            if isinstance(p, URLResolver):
                ns = (*namespaces, p.namespace) if p.namespace else namespaces
                walk(p.url_patterns, prefix + str(p.pattern), ns)
            elif isinstance(p, URLPattern):
                name = ":".join((*namespaces, p.name)) if p.name else ""
                route = prefix + str(p.pattern)
                found.append(Endpoint(name, route, tuple(p.pattern.regex.groupindex)))

    walk(get_resolver().url_patterns, "", ())
    return found


def rule_for(endpoint: Endpoint) -> Rule | None:
    if endpoint.name in RULES:
        return RULES[endpoint.name]
    for prefix, rule in PREFIX_RULES.items():
        if endpoint.route.startswith(prefix):
            return rule
    return None


def build_path(route: str, values: dict[str, str]) -> str:
    """The path of ``route`` (path() converters and regex groups both) with ``values``."""
    path = re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda m: str(values[m.group(1)]), route)
    path = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(values[m.group(1)]), path)
    path = path.replace("^", "").replace("$", "").replace("\\.", ".")
    return "/" + path


def test_every_url_pattern_is_classified():
    unclassified = sorted(
        f"{e.name or '(unnamed)'}  /{e.route}" for e in endpoints() if rule_for(e) is None
    )
    assert not unclassified, (
        "These URL patterns have no rule in tests/governance/test_permission_matrix.py "
        "RULES; say who may use each (PUBLIC, LOGIN, PRIVATE with the record its "
        "arguments name, MANAGE):\n  " + "\n  ".join(unclassified)
    )


def test_path_building_handles_both_kinds_of_route():
    assert build_path("proposals/<int:pk>/", {"pk": 7}) == "/proposals/7/"
    assert build_path("api/v1/^risks/(?P<pk>\\d+)/$", {"pk": 3}) == "/api/v1/risks/3/"
    assert build_path("funds/<int:pk>/ledger.csv", {"pk": 2}) == "/funds/2/ledger.csv"
    assert (
        build_path(
            "api/v1/^decisions/(?P<reference>[A-Za-z]+-\\d{4}-\\d+)/$",
            {"reference": "DEC-2026-0001"},
        )
        == "/api/v1/decisions/DEC-2026-0001/"
    )


# --- the records an outsider may not see ---------------------------------------------------


def _hidden(label: str, visible) -> int | None:
    return _first(label, exclude_pk=visible)


class Records:
    """Ids of demo records hidden from ``outsider`` (one of each kind)."""

    def __init__(self, outsider, other_user):
        from budgets import envelope_selectors
        from budgets import selectors as budget_selectors
        from decisions import selectors as decision_selectors
        from governance.meetings import selectors as meeting_selectors
        from governance.packs import selectors as pack_selectors
        from governance.risks import selectors as risk_selectors
        from governance.signoffs import selectors as signoff_selectors

        u = outsider
        proposals = decision_selectors.proposals_visible_to(u)
        funds = budget_selectors.funds_visible_to(u)
        risks = risk_selectors.risks_visible_to(u)
        meetings = meeting_selectors.meetings_visible_to(u)
        self.ids = {
            "proposal": _hidden("decisions.Proposal", proposals),
            "fund": _hidden("budgets.PooledFund", funds),
            "allocation": _hidden("budgets.Allocation", budget_selectors.allocations_visible_to(u)),
            "change": _hidden(
                "budgets.ContributionChange", budget_selectors.contribution_changes_visible_to(u)
            ),
            "risk": _hidden("risks.Risk", risks),
            "escalation": _first(
                "risks.Escalation",
                exclude_pk=risk_selectors.escalations_visible_to(u),
            ),
            "signoff": _hidden("signoffs.SignOff", signoff_selectors.signoffs_visible_to(u)),
            "meeting": _hidden("meetings.Meeting", meetings),
            "job": _hidden("packs.RenderJob", pack_selectors.jobs_visible_to(u)),
            "action": _hidden("meetings.Action", meeting_selectors.actions_visible_to(u)),
            "committee": _first("meetings.Committee"),
            "committee_member": _first("meetings.CommitteeMember"),
            "category": _first("risks.RiskCategory"),
            "organisation": _first("organisations.Organisation"),
            "membership": _first(
                "organisations.Membership", filter={"organisation__kind": OrganisationKind.ICB}
            ),
            "interest": _first("interests.Interest", filter={"person": other_user}),
            "deputy": _first("deputies.DeputyAppointment"),
            "token": _first("authtoken.Token", filter={"user": other_user}, field="user_id"),
            "part2_item": _first("meetings.AgendaItem", filter={"part": 2}),
            "plan_item": _first("meetings.ForwardPlanItem", filter={"part": 2}),
            "declaration": _first("meetings.Declaration"),
            "members_pack": _first("meetings.PackVersion", filter={"variant": "members"}),
            "part2_appendix": _first("meetings.PaperAppendix", filter={"paper__item__part": 2}),
            "envelope": _hidden(
                "budgets.SystemEnvelope", envelope_selectors.envelopes_visible_to(u)
            ),
            "monthly_return": _hidden(
                "budgets.MonthlyReturn", envelope_selectors.returns_visible_to(u)
            ),
            "capital_scheme": _hidden(
                "budgets.CapitalScheme", envelope_selectors.schemes_visible_to(u)
            ),
            "month": 6,
            "sord_number": _first("decisions.SordVersion", field="number"),
            "type_code": _first("decisions.DecisionType", field="code"),
            "officer_post": _first("decisions.OfficerPost"),
            "post_holder": _first("decisions.PostHolder"),
            "uidb64": "MQ",
            "any_id": 1,
            "app_label": "auth",
            "history_subject": "proposal",
            "token_string": "set-password-token",
        }
        self.ids["attachment"] = _first(
            "decisions.ProposalAttachment", filter={"proposal_id": self.ids["proposal"]}
        )
        self.ids["line"] = _first("budgets.SchemeLine", filter={"fund_id": self.ids["fund"]})
        self.ids["contribution"] = _first(
            "budgets.Contribution", filter={"fund_id": self.ids["fund"]}
        )
        self.ids["risk_signoff"] = _first(
            "signoffs.SignOff",
            filter={"subject_id": self.ids["risk"], "subject_type__model": "risk"},
        )
        self.ids["confidential_decision"] = _first(
            "decisions.DecisionEntry", filter={"is_confidential": True}, field="reference"
        )
        self.ids["variation"] = _first(
            "budgets.EnvelopeVariation", filter={"envelope_id": self.ids["envelope"]}
        )
        self.fallback = {
            "envelope": _first("budgets.SystemEnvelope"),
            "monthly_return": _first("budgets.MonthlyReturn"),
            "capital_scheme": _first("budgets.CapitalScheme"),
            "variation": _first("budgets.EnvelopeVariation"),
            "proposal": _first("decisions.Proposal"),
            "meeting": _first("meetings.Meeting"),
            "members_pack": _first("meetings.PackVersion"),
            "interest": _first("interests.Interest"),
            "token": _first("authtoken.Token", field="user_id"),
            "confidential_decision": _first("decisions.DecisionEntry", field="reference"),
            "attachment": _first("decisions.ProposalAttachment"),
        }
        process = _first("viewflow.Process")
        self.ids["process"] = process
        self.ids["task"] = _first("viewflow.Task", filter={"process_id": process})

    def fill(self, params: dict[str, str], names: tuple[str, ...]):
        """(values for the path, whether every record named is hidden from the outsider),
        or None when the demo has no record of a kind at all."""
        values, hidden = {}, True
        for name in names:
            kind = params.get(name) or LIBRARY_PARAMS.get(name) or name
            if kind == "token" and name == "token":
                values[name] = self.ids["token_string"]
                continue
            value = self.ids.get(kind)
            if value is None:
                value = self.fallback.get(kind)
                hidden = False
            if value is None:
                return None
            values[name] = value
        return values, hidden


def _first(label: str, *, filter=None, exclude_pk=None, field="pk"):
    try:
        qs = apps.get_model(label).objects.all()
    except LookupError:
        return None
    if filter:
        qs = qs.filter(**filter)
    if exclude_pk is not None:
        qs = qs.exclude(pk__in=exclude_pk.values("pk"))
    return qs.order_by("pk").values_list(field, flat=True).first()


# --- running the matrix -----------------------------------------------------------------


def writes(queries) -> list[str]:
    tables = []
    for q in queries:
        m = WRITE_SQL.match(q["sql"])
        if m and m.group(1).lower() not in BOOKKEEPING_TABLES:
            tables.append(m.group(1))
    return tables


def write_methods(path: str) -> list[str]:
    """The write methods the route's view handles (pages: POST only). Methods a class-based
    view or viewset does not handle answer 405 before any view code runs: not sent."""
    methods = AUDITOR_WRITE_METHODS if path.startswith("/api/") else ("post",)
    callback = resolve(path).func
    actions = getattr(callback, "actions", None)  # a DRF viewset route: method -> action
    if actions:
        return [m for m in methods if m in actions]
    view = getattr(callback, "cls", None) or getattr(callback, "view_class", None)
    if view is not None:
        return [m for m in methods if hasattr(view, m)]
    return list(methods)


@dataclass
class Matrix:
    problems: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    weaker: list[str] = field(default_factory=list)
    requests: int = 0
    seconds: dict[str, float] = field(default_factory=dict)

    accepted: list[str] = field(default_factory=list)

    def request(self, client: Client, method: str, path: str, body: dict | None = None):
        self.requests += 1
        started = time.monotonic()
        with CaptureQueriesContext(connection) as queries:
            if body is None:
                response = getattr(client, method)(path)
            elif path.startswith("/api/"):
                send = getattr(client, method)
                response = send(path, data=json.dumps(body), content_type="application/json")
            else:
                response = client.post(path, data=body)
        spent = time.monotonic() - started
        self.seconds[path] = self.seconds.get(path, 0) + spent
        kind = path.split("/")[1]
        self.seconds[kind] = self.seconds.get(kind, 0) + spent
        return response, writes(queries.captured_queries)

    def check(
        self,
        who: str,
        client: Client,
        *,
        endpoint: Endpoint,
        path: str,
        may_read: bool,
        may_write: bool,
        methods=("get", "post"),
    ):
        for method in methods:
            response, wrote = self.request(client, method, path)
            status = response.status_code
            where = f"{who} {method.upper()} {path} [{endpoint.name or endpoint.route}]"
            if status >= 500:
                self.problems.append(f"{where}: {status}")
            if not may_read and status not in REFUSED:
                self.problems.append(f"{where}: {status}, expected a refusal")
            if method == "post" and endpoint.name in STARTS_VERIFICATION:
                wrote = [t for t in wrote if t.lower() not in VERIFICATION_TABLES]
            if method == "get" and endpoint.name in RENDERED_REPORTS:
                wrote = [t for t in wrote if t.lower() not in RENDER_CACHE_TABLES]
            if not may_write and wrote:
                self.problems.append(f"{where}: wrote to {sorted(set(wrote))} ({status})")

    def check_auditor_writes(self, client: Client, *, endpoint: Endpoint, path: str):
        """Every write method with a valid-looking body: no 500, nothing written."""
        for method in write_methods(path):
            response, wrote = self.request(client, method, path, body=VALID_LOOKING_BODY)
            status = response.status_code
            where = f"auditor {method.upper()} (body) {path} [{endpoint.name or endpoint.route}]"
            if status >= 500:
                self.problems.append(f"{where}: {status}")
            if method == "post" and endpoint.name in STARTS_VERIFICATION:
                wrote = [t for t in wrote if t.lower() not in VERIFICATION_TABLES]
            if wrote:
                self.problems.append(f"{where}: wrote to {sorted(set(wrote))} ({status})")
            if status not in REFUSED | {400, 415}:
                self.accepted.append(f"{where}: {status}")
                if endpoint.name not in READ_ONLY_MAY:
                    self.problems.append(f"{where}: {status}, expected a refusal")


@pytest.fixture
def demo(db, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.PACKS_PRIVATE_ROOT = str(tmp_path / "private")
    call_command("seed_demo", stdout=io.StringIO())
    admin = get_user_model().objects.get(username="admin")
    hospice = org_services.organisation_create(
        actor=admin,
        name="St Aidan's Hospice",
        identifier="1100123",
        kind=OrganisationKind.VCSE,
        reason="Permission matrix: an organisation party to nothing",
    )
    people = {}
    for role in (Role.MEMBER, Role.SIGNATORY, Role.SECRETARIAT):
        user = get_user_model().objects.create_user(f"hospice.{role}", password="pw")
        org_services.membership_create(
            actor=admin,
            user=user,
            organisation=hospice,
            role=role,
            start_date=datetime.date(2026, 4, 1),
        )
        people[role] = user
    _attach_to_a_private_proposal(people[Role.SIGNATORY])
    return {
        "outsiders": people,
        "auditor": get_user_model().objects.get(username="icb.auditor"),
        "other": get_user_model().objects.get(username="acute.member"),
        "hospice": Organisation.objects.get(pk=hospice.pk),
    }


@pytest.fixture
def no_pdf_rendering(monkeypatch):
    """Reports answer a stub PDF: the matrix checks who may ask, not the rendering (which
    has its own tests), and a real render takes seconds."""
    from governance import pdf

    def stub(html, **kwargs):
        return pdf.Rendered(pdf=b"%PDF-1.7 stub", seconds=0.0)

    for module in list(sys.modules.values()):
        if getattr(module, "render_isolated", None) is pdf.render_isolated:
            monkeypatch.setattr(module, "render_isolated", stub)


def _attach_to_a_private_proposal(outsider) -> None:
    """The demo has no uploaded papers: give one proposal the outsider may not see a PDF
    (test setup, stored as the service stores it), so its download is in the matrix."""
    from decisions import selectors
    from decisions.models import Proposal, ProposalAttachment

    hidden = Proposal.objects.exclude(pk__in=selectors.proposals_visible_to(outsider).values("pk"))
    proposal = hidden.order_by("pk").first()
    if proposal is None:
        return
    attachment = ProposalAttachment(
        proposal=proposal,
        original_name="Business case.pdf",
        size=9,
        sha256="0" * 64,
        pages=1,
        uploaded_by=proposal.created_by,
    )
    attachment.file.save("case.pdf", ContentFile(b"%PDF-1.7\n"), save=False)
    attachment.save()


def _client(user=None) -> Client:
    client = Client(raise_request_exception=False)
    if user is not None:
        client.force_login(user)
    return client


def test_permission_matrix(demo, no_pdf_rendering):
    started = time.monotonic()
    records = Records(demo["outsiders"][Role.SIGNATORY], demo["other"])
    anonymous = _client()
    member = _client(demo["outsiders"][Role.MEMBER])
    outsiders = {
        "outsider signatory": _client(demo["outsiders"][Role.SIGNATORY]),
        "outsider secretariat": _client(demo["outsiders"][Role.SECRETARIAT]),
    }
    auditor = _client(demo["auditor"])
    matrix = Matrix()
    workflow_shapes: set[str] = set()
    for endpoint in endpoints():
        rule = rule_for(endpoint)
        if rule is None:
            continue  # reported by test_every_url_pattern_is_classified
        filled = records.fill(rule.params, endpoint.params)
        if filled is None:
            matrix.skipped.append(endpoint.name or endpoint.route)
            continue
        values, hidden = filled
        if not hidden:
            matrix.weaker.append(endpoint.name or endpoint.route)
        path = build_path(endpoint.route, values)
        check = partial(matrix.check, endpoint=endpoint, path=path)
        is_api = endpoint.route.startswith("api/")
        if rule.kind == PUBLIC:
            check("anonymous", anonymous, may_read=True, may_write=endpoint.name in SIGN_IN)
        elif rule.kind == STAFF:
            check("auditor", auditor, may_read=False, may_write=False, methods=("get",))
        elif rule.kind == WORKFLOW:
            # Outsiders are kept out and the auditor may look but not act. One flow's view
            # of each node and action stands for the others (the same view classes and node
            # types), to keep the matrix fast.
            shape = re.sub(r"^workflow/\w+/", "", endpoint.route)
            if shape not in workflow_shapes:
                workflow_shapes.add(shape)
                secretariat = outsiders["outsider secretariat"]
                check("outsider secretariat", secretariat, may_read=False, may_write=False)
                check("auditor", auditor, may_read=True, may_write=False, methods=("post",))
                matrix.check_auditor_writes(auditor, endpoint=endpoint, path=path)
        else:
            methods = ("get", "post") if is_api else ("get",)
            check("anonymous", anonymous, may_read=False, may_write=False, methods=methods)
            may_read = rule.kind == LOGIN or not hidden
            for who, client in outsiders.items():
                check(who, client, may_read=may_read, may_write=rule.kind == LOGIN)
            if rule.kind != LOGIN:
                check(
                    "outsider member", member, may_read=may_read, may_write=False, methods=("get",)
                )
            check("auditor", auditor, may_read=True, may_write=False)
            matrix.check_auditor_writes(auditor, endpoint=endpoint, path=path)
    elapsed = time.monotonic() - started
    print(
        f"permission matrix: {matrix.requests} requests in {elapsed:.1f} s; "
        f"no demo record for {len(matrix.skipped)} patterns: {matrix.skipped}; "
        f"no hidden record (checked for 500s and writes only) for: {matrix.weaker}"
    )
    slowest = sorted(matrix.seconds.items(), key=lambda kv: -kv[1])[:15]
    print("slowest:", [(p, round(t, 2)) for p, t in slowest])
    print("auditor writes answered without a refusal (nothing written):", matrix.accepted)
    assert not matrix.problems, "\n".join(matrix.problems)
    # Well under a minute on an idle machine; the margin keeps a busy CI machine green.
    assert elapsed < 3 * TIME_BUDGET_SECONDS, f"the matrix took {elapsed:.0f} s"
