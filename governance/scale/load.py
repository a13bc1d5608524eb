"""``manage.py seed_scale``: a large Integrated Care System, loaded in minutes.

How the data is made (so that it is what the services would have written):

1. The demo seeders run first (idempotent): every record they make goes through the
   services and the flows, so they leave *prototypes* in every state — proposals
   drafted, submitted, returned, in sign-off, ready for decision, approved, rejected at
   sign-off and withdrawn; risks in each state; a pooled fund with allocations in each
   state; meetings held, issued (with rendered packs) and in draft.
2. More partners and people join through the organisation services.
3. Each prototype's whole graph of rows (its flow's process and tasks, sign-offs,
   permission rows, register entry, ledger rows…) is copied in bulk
   (``governance.scale.clone``) with fresh references and names, and the prototype's
   audit events are appended for every copy onto the one hash chain.
4. The trail is topped up to the requested size with the copies' recurring events.

A copied meeting keeps its agenda, papers, record and minutes; agenda items no longer
table the prototype's proposal (it was decided once); meetings whose prototype has no
pack get the prototype pack's stored PDF rows (the same small rendered file, reused).
"""

from __future__ import annotations

import itertools
import math
import re
from dataclasses import dataclass
from decimal import Decimal

from django.apps import apps
from django.db import transaction
from django.test.utils import override_settings

from governance.audit.models import AuditEvent
from governance.demo.registry import seeders
from governance.references.models import ReferenceCounter
from governance.scale import graphs, history
from governance.scale.clone import clone, content_type_models
from governance.scale.people import PLACES, grow_people

DEFAULTS = {
    "organisations": 60,
    "users": 400,
    "proposals": 20_000,
    "risks": 5_000,
    "meetings": 200,
    "funds": 50,
    "allocations": 10_000,
    "events": 1_000_000,
}
REFERENCE = re.compile(r"^([A-Z]+)-(\d{4})-(\d+)$")


def sizes(scale: float) -> dict[str, int]:
    """The target counts at ``scale`` (1.0 = the full size), at least one of each."""
    return {name: max(1, round(count * scale)) for name, count in DEFAULTS.items()}


class References:
    """Issues fresh ``PREFIX-YEAR-NNNN`` numbers past the counters; ``save`` moves the
    counters (in the transaction of the copies that took the numbers)."""

    def __init__(self):
        self.last = {(c.prefix, c.year): c.last for c in ReferenceCounter.objects.all()}
        self.saved = dict(self.last)

    def next(self, reference: str, years_back: int = 0) -> str:
        match = REFERENCE.match(reference)
        prefix, year = match.group(1), int(match.group(2)) - years_back
        number = self.last.get((prefix, year), 0) + 1
        self.last[(prefix, year)] = number
        return f"{prefix}-{year}-{number:04d}"

    def save(self) -> None:
        for (prefix, year), last in self.last.items():
            if self.saved.get((prefix, year)) == last:
                continue
            self.saved[(prefix, year)] = last
            ReferenceCounter.objects.update_or_create(
                prefix=prefix, year=year, defaults={"last": last}
            )


def _place(k: int) -> str:
    """A place name for copy ``k`` (distinct for the first 150 copies)."""
    place = PLACES[k % len(PLACES)]
    lap = (k // len(PLACES)) % 5
    return place if lap == 0 else f"{place} {('North', 'South', 'East', 'West')[lap - 1]}"


@dataclass
class Loader:
    stdout: object = None
    batch: int = 100

    def say(self, text: str) -> None:
        if self.stdout is not None:
            self.stdout.write(text)

    def __post_init__(self):
        self.refs = References()
        self.ct_models = content_type_models()

    # ---- the generic step: copies of one prototype, with its events ----
    def copy(self, graph, copies, hooks, external=None) -> list[dict]:
        events = history.prototype_events(graph)
        labels = history.labels_of(graph)
        all_maps = []
        copies = list(copies)
        for start in range(0, len(copies), self.batch):
            chunk = copies[start : start + self.batch]
            with transaction.atomic():
                maps_list = clone(
                    graph, chunk, hooks=hooks, external=external, ct_models=self.ct_models
                )
                records = []
                for maps in maps_list:
                    for record in history.retarget(events, maps, labels):
                        records.append(record)
                history.append_many(records)
                self.refs.save()  # with the copies that took the numbers
            all_maps.extend(maps_list)
        return all_maps

    def spread(self, prototypes: list, target: int):
        """(prototype, copy numbers) so that prototypes + copies reach ``target``."""
        missing = target - len(prototypes)
        if missing <= 0 or not prototypes:
            return []
        each, extra = divmod(missing, len(prototypes))
        out = []
        for i, proto in enumerate(prototypes):
            n = each + (1 if i < extra else 0)
            if n:
                out.append((proto, range(n)))
        return out

    # ---- proposals ----
    def proposals(self, target: int) -> None:
        Proposal = apps.get_model("decisions.Proposal")
        DecisionEntry = apps.get_model("decisions.DecisionEntry")
        protos = list(Proposal.objects.order_by("pk"))
        for proto, copies in self.spread(protos, target):
            current = {}

            def proposal(new, old, k, maps, current=current):
                new.reference = self.refs.next(old.reference, years_back=k % 3)
                new.title = f"{old.title}: {_place(k)}"[:200]
                current[k] = new

            def entry(new, old, k, maps, current=current):
                new.reference, new.title = current[k].reference, current[k].title

            hooks = {Proposal: proposal, DecisionEntry: entry}
            self.copy(graphs.proposal_graph(proto), copies, hooks)
            self.say(f"  proposals: {proto.reference} ({proto.status}) × {len(copies)}")

    # ---- risks ----
    def risks(self, target: int) -> None:
        Risk = apps.get_model("risks.Risk")
        DecisionEntry = apps.get_model("decisions.DecisionEntry")
        for proto, copies in self.spread(list(Risk.objects.order_by("pk")), target):
            current = {}

            def risk(new, old, k, maps, current=current):
                new.reference = self.refs.next(old.reference, years_back=k % 3)
                new.title = f"{old.title} ({_place(k)})"[:200]
                current[k] = new

            def entry(new, old, k, maps, current=current):
                new.reference, new.title = current[k].reference, current[k].title

            self.copy(graphs.risk_graph(proto), copies, {Risk: risk, DecisionEntry: entry})
            self.say(f"  risks: {proto.reference} ({proto.status}) × {len(copies)}")

    # ---- funds and allocations ----
    def funds(self, funds: int, allocations: int) -> None:
        PooledFund = apps.get_model("budgets.PooledFund")
        Allocation = apps.get_model("budgets.Allocation")
        SchemeLine = apps.get_model("budgets.SchemeLine")
        LedgerEntry = apps.get_model("budgets.LedgerEntry")
        ContributionChange = apps.get_model("budgets.ContributionChange")
        DecisionEntry = apps.get_model("decisions.DecisionEntry")
        proto = PooledFund.objects.order_by("pk").first()
        if proto is None:
            return
        alloc_protos = list(Allocation.objects.filter(fund=proto).order_by("pk"))
        copies = max(0, funds - PooledFund.objects.count())
        if not copies and allocations > Allocation.objects.count():
            copies = 1  # the prototype fund's own pot is left as its services made it
        per_fund = math.ceil(max(0, allocations - Allocation.objects.count()) / max(copies, 1))
        # each copied fund holds per_fund allocations: its pot grows to match
        factor = Decimal(max(1, math.ceil(per_fund / max(len(alloc_protos), 1))))
        town = proto.name.split(" ")[0]

        def fund(new, old, k, maps):
            new.reference = self.refs.next(old.reference)
            new.name = old.name.replace(town, _place(k), 1)
            if new.name == old.name:
                new.name = f"{_place(k)} {old.name}"
            new.agreement_reference = f"S75-{_place(k)[:3].upper()}-{old.financial_year}"

        def line(new, old, k, maps):
            new.budget = old.budget * factor
            if old.forecast_outturn is not None:
                new.forecast_outturn = old.forecast_outturn * factor

        def ledger(new, old, k, maps):
            new.amount = old.amount * factor

        def change(new, old, k, maps):
            new.reference = self.refs.next(old.reference)

        hooks = {PooledFund: fund, SchemeLine: line, LedgerEntry: ledger,
                 ContributionChange: change}  # fmt: skip
        fund_maps = self.copy(graphs.fund_graph(proto), range(copies), hooks) if copies else []
        self.say(f"  funds: {proto.reference} × {copies} (pots × {factor})")
        Contribution = apps.get_model("budgets.Contribution")
        fund_level = (PooledFund, SchemeLine, Contribution)
        left = allocations - Allocation.objects.count()
        for maps in fund_maps:
            if left <= 0:
                break
            n = min(per_fund, left)
            left -= n
            for alloc, numbers in self.spread(alloc_protos, n + len(alloc_protos)):
                refs = {}

                def allocation(new, old, k, maps, refs=refs):
                    new.reference = refs[k] = self.refs.next(old.reference, years_back=k % 3)

                def entry(new, old, k, maps, refs=refs):
                    new.reference = refs.get(k, new.reference)

                self.copy(
                    graphs.allocation_graph(alloc),
                    numbers,
                    {Allocation: allocation, LedgerEntry: entry, DecisionEntry: entry},
                    external=lambda k, maps=maps: {m: maps[m] for m in fund_level if m in maps},
                )
        self.say(f"  allocations: {Allocation.objects.count()}")

    # ---- meetings ----
    def meetings(self, target: int) -> None:
        Meeting = apps.get_model("meetings.Meeting")
        AgendaItem = apps.get_model("meetings.AgendaItem")
        PackVersion = apps.get_model("meetings.PackVersion")
        RenderJob = apps.get_model("packs.RenderJob")
        Action = apps.get_model("meetings.Action")
        import datetime

        with_pack = PackVersion.objects.order_by("pk").values_list("meeting_id", flat=True).first()
        protos = list(Meeting.objects.order_by("pk"))
        for proto, copies in self.spread(protos, target):
            held = proto.status in ("held", "minuted", "closed")
            step = datetime.timedelta(days=-28 if held else 28)

            def meeting(new, old, k, maps, step=step):
                new.start = old.start + step * (k + 1)

            def item(new, old, k, maps):
                new.subject_type_id = new.subject_id = None

            def _meeting_id(maps):
                return next(iter(maps[Meeting].values()))

            def _items(value, maps):
                items = maps.get(AgendaItem, {})
                if isinstance(value, dict):
                    return {str(items.get(int(key), key)) if str(key).isdigit() else key:
                            _items(v, maps) for key, v in value.items()}  # fmt: skip
                if isinstance(value, list):
                    return [items.get(v, v) if isinstance(v, int) else v for v in value]
                return value

            def pack(new, old, k, maps):
                new.meeting_id = _meeting_id(maps)
                new.item_pages = _items(old.item_pages, maps)
                new.contents = _items(old.contents, maps)

            def job(new, old, k, maps):
                params = dict(old.params or {})
                if "meeting" in params:
                    params["meeting"] = _meeting_id(maps)
                new.params = params

            def action(new, old, k, maps):
                new.reference = self.refs.next(old.reference, years_back=0)

            hooks = {Meeting: meeting, AgendaItem: item, PackVersion: pack, RenderJob: job,
                     Action: action}  # fmt: skip
            pack_meeting = Meeting.objects.filter(pk=with_pack).first()
            self.copy(graphs.meeting_graph(proto, pack_meeting), copies, hooks)
            self.say(f"  meetings: {proto} ({proto.status}) × {len(copies)}")

    # ---- the trail ----
    def fill(self, target: int) -> None:
        """Top the trail up to ``target`` events with the recurring events already on it
        (risk reviews, forecasts, sign-offs, attendance…), recorded again."""
        missing = target - AuditEvent.objects.count()
        fields = ["actor_id", "actor_label", "organisation_id", "verb", "target_type",
                  "target_id", "target_label", "changes", "reason"]  # fmt: skip
        pool = list(
            AuditEvent.objects.filter(verb__in=history.RECURRING)
            .order_by("-seq")
            .values(*fields)[:100_000]
        )
        if missing <= 0 or not pool:
            return
        cycle = itertools.cycle(pool)
        while missing > 0:
            n = min(missing, 50_000)
            history.append_many(next(cycle) for _ in range(n))
            missing -= n
        self.say(f"  audit trail: {AuditEvent.objects.count()} events")


def seed_scale(
    *, scale: float = 1.0, stdout=None, batch: int = 100, **counts: int
) -> dict[str, int]:
    """Load the scale data (see the module docstring). ``counts`` override single
    sizes (e.g. ``meetings=20``). Returns the target sizes."""
    target = {**sizes(scale), **counts}
    # the demo's pack renders inline: the prototype pack must exist before it is copied.
    # A database that already holds proposals has its prototypes: the demo is not re-run.
    fresh = not apps.get_model("decisions.Proposal").objects.exists()
    with override_settings(PACK_JOBS_INLINE=True):
        for entry in seeders() if fresh else ():
            with transaction.atomic():
                entry.func(stdout=None)
    from governance.scale.prototypes import ensure_prototypes

    ensure_prototypes()
    grow_people(organisations=target["organisations"], users=target["users"])
    loader = Loader(stdout=stdout, batch=batch)
    loader.proposals(target["proposals"])
    loader.risks(target["risks"])
    loader.funds(target["funds"], target["allocations"])
    loader.meetings(target["meetings"])
    loader.refs.save()
    loader.fill(target["events"])
    return target
