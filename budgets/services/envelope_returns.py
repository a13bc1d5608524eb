"""Monthly returns against the system envelope.

- ``envelope_months_open`` (scheduled, idempotent: ``manage.py open_envelope_months``)
  opens each month of an agreed envelope once it has ended: one due return per partner
  (its task: ``budgets.flows_envelope.EnvelopeMonthFlow``, shown in the partner's
  inbox), due on the envelope's submission day of the next month.
- ``return_submit`` records a partner's year-to-date actuals and forecast outturn (web
  form, CSV upload, API): only the partner's finance lead, only for its own line. A
  return first submitted after its due date is flagged late. A submitted return may be
  revised; the audit trail keeps every version.
- ``envelope_returns_chase`` (scheduled, with the above) flags due returns past their
  due date as late and e-mails the partner's finance leads, at most once a day.

Every submission re-checks the variance thresholds (``envelope_alerts``).
"""

from __future__ import annotations

import calendar
import csv
import datetime
import io

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from budgets import envelope_policy, locks, money
from budgets.models import (
    EnvelopeMonth,
    EnvelopeStatus,
    MonthlyReturn,
    MonthlyReturnSource,
    MonthlyReturnStatus,
    SystemEnvelope,
)
from budgets.services._common import Errors, audit, text
from governance.audit.services import diff, snapshot
from governance.notifications import notify_after_commit
from governance.workflow import OPEN_TASK_STATUSES, active_process, run_human_task

FIGURES = ("ytd_income", "ytd_expenditure", "forecast_income", "forecast_expenditure")
AUDIT_FIELDS = (*FIGURES, "commentary", "status", "is_late", "source")
CSV_COLUMNS = ("organisation", *FIGURES, "commentary")


def month_flow():
    from budgets.flows_envelope import EnvelopeMonthFlow

    return EnvelopeMonthFlow


def _audit(actor, verb, ret: MonthlyReturn, changes=None, reason=""):
    envelope = ret.month.envelope
    return audit(
        actor,
        verb,
        envelope,
        organisation=ret.line.organisation,
        changes={"return": ret.pk, "month": ret.month.month, **(changes or {})},
        reason=reason,
        label=f"{envelope.reference} M{ret.month.month} {ret.line.organisation.name}",
    )


def month_end(envelope: SystemEnvelope, month: int) -> datetime.date:
    first = EnvelopeMonth(envelope=envelope, month=month).calendar_month
    return first.replace(day=calendar.monthrange(first.year, first.month)[1])


def due_date_of(envelope: SystemEnvelope, month: int) -> datetime.date:
    """The envelope's submission day of the calendar month after the period."""
    end = month_end(envelope, month)
    return end + datetime.timedelta(days=envelope.submission_day)


def finance_leads_of(organisation):
    return (
        get_user_model()
        .objects.filter(
            memberships__in=organisation.memberships.active().filter(
                role__in=envelope_policy.FINANCE_ROLES
            ),
            is_active=True,
        )
        .distinct()
    )


@transaction.atomic
def envelope_month_open(*, actor, envelope: SystemEnvelope, month: int) -> EnvelopeMonth | None:
    """Open ``month`` of an agreed envelope (once): a due return and a task per partner.
    Returns the new month, or None if it was already open."""
    from budgets.services.envelope import lock_envelope

    envelope = lock_envelope(envelope.pk)
    if envelope.status != EnvelopeStatus.AGREED:
        raise ValidationError("Months open only once the envelope is agreed.")
    if not 1 <= month <= 12:
        raise ValidationError({"month": "A month is M1 (April) to M12 (March)."})
    if EnvelopeMonth.objects.filter(envelope=envelope, month=month).exists():
        return None
    m = EnvelopeMonth.objects.create(
        envelope=envelope, month=month, due_date=due_date_of(envelope, month)
    )
    lines = list(envelope.lines.select_related("organisation").order_by("organisation__name"))
    MonthlyReturn.objects.bulk_create([MonthlyReturn(month=m, line=line) for line in lines])
    audit(
        actor,
        "envelope.month_opened",
        envelope,
        organisation=envelope.icb,
        changes={"month": month, "due_date": m.due_date.isoformat(), "returns": len(lines)},
        label=f"{envelope.reference} M{month}",
    )
    month_flow().start.run(month=m, organisations=[line.organisation_id for line in lines])
    for line in lines:
        notify_after_commit(
            f"Monthly return due: {envelope.name} M{month}",
            f"{line.organisation.name}'s M{month} return against the system envelope "
            f"{envelope.year_label} (year-to-date actuals and forecast outturn) is due by "
            f"{m.due_date:%d %B %Y}. Submit it on the envelope's page, by CSV or by the API.",
            finance_leads_of(line.organisation),
        )
    return m


def envelope_months_open(*, actor=None, today: datetime.date | None = None) -> list:
    """Open every ended month of every agreed envelope that is not open yet."""
    today = today or timezone.localdate()
    opened = []
    for envelope in SystemEnvelope.objects.filter(status=EnvelopeStatus.AGREED):
        have = set(envelope.months.values_list("month", flat=True))
        for month in range(1, 13):
            if month not in have and month_end(envelope, month) < today:
                m = envelope_month_open(actor=actor, envelope=envelope, month=month)
                if m is not None:
                    opened.append(m)
    return opened


def _figures(values: dict, errors: Errors) -> dict:
    out = {}
    for field in FIGURES:
        amount = errors.check(money.money, values.get(field), field)
        if amount is not None:
            out[field] = amount
    for what in ("income", "expenditure"):
        ytd, forecast = out.get(f"ytd_{what}"), out.get(f"forecast_{what}")
        if ytd is not None and forecast is not None and forecast < ytd:
            errors.add(
                f"forecast_{what}",
                f"The forecast for the year cannot be below the {what} so far.",
            )
    return out


@transaction.atomic
def return_submit(
    *,
    actor,
    envelope_return: MonthlyReturn,
    ytd_income,
    ytd_expenditure,
    forecast_income,
    forecast_expenditure,
    commentary: str = "",
    source: str = MonthlyReturnSource.WEB,
    today: datetime.date | None = None,
) -> MonthlyReturn:
    """Submit (or revise) a partner's return for a month."""
    errors = Errors()
    figures = _figures(
        {
            "ytd_income": ytd_income,
            "ytd_expenditure": ytd_expenditure,
            "forecast_income": forecast_income,
            "forecast_expenditure": forecast_expenditure,
        },
        errors,
    )
    commentary = text(commentary, "commentary", errors, max_length=4000)
    if source not in MonthlyReturnSource.values:
        errors.add("source", "Unknown source.")
    ret = MonthlyReturn.objects.select_related("line__organisation", "month__envelope__icb").get(
        pk=envelope_return.pk
    )
    if not envelope_policy.can_submit_return(actor, ret.line):
        raise PermissionDenied(
            f"Only a finance lead of {ret.line.organisation.name} can submit its return."
        )
    errors.raise_if_any()
    process = active_process(ret.month, month_flow())
    task = None
    if process is not None and ret.status == MonthlyReturnStatus.DUE:
        open_tasks = process.task_set.filter(
            flow_task=month_flow().submit_return, status__in=OPEN_TASK_STATUSES
        ).order_by("pk")
        task = next(
            (t for t in open_tasks if t.data.get("organisation") == ret.line.organisation_id),
            None,
        )

    def record(activation=None):
        locks.audit_first()
        locked = MonthlyReturn.objects.select_for_update().get(pk=ret.pk)
        locked.month, locked.line = ret.month, ret.line
        before = snapshot(locked, AUDIT_FIELDS)
        first = locked.status == MonthlyReturnStatus.DUE
        for field, amount in figures.items():
            setattr(locked, field, amount)
        locked.commentary = commentary
        locked.source = source
        locked.submitted_by = actor
        locked.submitted_at = timezone.now()
        if first:
            day = today or timezone.localdate()
            locked.is_late = locked.is_late or day > locked.month.due_date
        locked.status = MonthlyReturnStatus.SUBMITTED
        locked.save()
        changes = diff(before, snapshot(locked, AUDIT_FIELDS))
        _audit(
            actor,
            "envelope.return_submitted" if first else "envelope.return_revised",
            locked,
            changes,
        )
        return locked

    locked = run_human_task(task, actor, record) if task is not None else record()
    from budgets.services.envelope_alerts import envelope_variance_check

    envelope_variance_check(actor=actor, envelope=ret.month.envelope)
    return locked


def parse_csv(upload) -> list[dict]:
    """Rows of a returns CSV (header: organisation, ytd_income, ytd_expenditure,
    forecast_income, forecast_expenditure, commentary); ``organisation`` is the
    partner's code (e.g. RZ1) or, for a partner without one, its name."""
    raw = upload.read() if hasattr(upload, "read") else upload
    if isinstance(raw, bytes):
        try:
            raw = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ValidationError(
                {"file": "The file is not UTF-8 text (save it as CSV UTF-8)."}
            ) from None
    if len(raw) > 200_000:
        raise ValidationError({"file": "The file is too large for a monthly return."})
    reader = csv.DictReader(io.StringIO(raw))
    header = [h.strip().lower() for h in (reader.fieldnames or [])]
    missing = [c for c in CSV_COLUMNS[:-1] if c not in header]
    if missing:
        raise ValidationError({"file": f"The header lacks: {', '.join(missing)}."})
    rows = []
    for row in reader:
        rows.append({(k or "").strip().lower(): (v or "").strip() for k, v in row.items()})
    if not rows:
        raise ValidationError({"file": "The file has no rows."})
    return rows


@transaction.atomic
def returns_import_csv(*, actor, month: EnvelopeMonth, upload) -> list[MonthlyReturn]:
    """Submit the returns in a CSV, all or nothing: any bad row and nothing is saved
    (the errors name the row and the column)."""
    rows = parse_csv(upload)
    returns = {}
    for r in month.returns.select_related("line__organisation"):
        org = r.line.organisation
        returns[org.name.casefold()] = r  # a partner without a code is named
        if org.identifier:
            returns[org.identifier.casefold()] = r
    done, errors = [], Errors()
    for n, row in enumerate(rows, start=2):
        ret = returns.get(row.get("organisation", "").casefold())
        if ret is None:
            errors.add("file", f"Row {n}: {row.get('organisation')!r} has no line this month.")
            continue
        try:
            with transaction.atomic():
                done.append(
                    return_submit(
                        actor=actor,
                        envelope_return=ret,
                        source=MonthlyReturnSource.CSV,
                        commentary=row.get("commentary", ""),
                        **{f: row.get(f) for f in FIGURES},
                    )
                )
        except ValidationError as exc:
            for field, messages in exc.message_dict.items():
                for m in messages:
                    errors.add("file", f"Row {n}, {field}: {m}")
        except PermissionDenied as exc:
            errors.add("file", f"Row {n}: {exc}")
    errors.raise_if_any()
    return done


@transaction.atomic
def envelope_returns_chase(*, actor=None, today: datetime.date | None = None) -> int:
    """Flag due returns past their due date as late and chase the partner's finance
    leads (at most once a day each). Returns how many were chased."""
    now = timezone.now()
    if today is not None and today != timezone.localdate(now):  # a run for a given day
        now = timezone.make_aware(datetime.datetime.combine(today, datetime.time(9)))
    today = timezone.localdate(now)
    chased = 0
    overdue = (
        MonthlyReturn.objects.select_for_update(of=("self",))
        .filter(status=MonthlyReturnStatus.DUE, month__due_date__lt=today)
        .select_related("month__envelope", "line__organisation")
    )
    for ret in overdue:
        if ret.last_chased_at and timezone.localdate(ret.last_chased_at) >= today:
            continue
        locks.audit_first()
        ret.is_late = True
        ret.chase_count += 1
        ret.last_chased_at = now
        ret.save(update_fields=["is_late", "chase_count", "last_chased_at"])
        _audit(
            actor,
            "envelope.return_chased",
            ret,
            {"chase_count": ret.chase_count, "due_date": ret.month.due_date.isoformat()},
            "Past its due date.",
        )
        envelope = ret.month.envelope
        notify_after_commit(
            f"Overdue: {ret.line.organisation.name} M{ret.month.month} return",
            f"The M{ret.month.month} return against the system envelope {envelope.name} "
            f"{envelope.year_label} was due on {ret.month.due_date:%d %B %Y} and is late. "
            "Please submit it today.",
            finance_leads_of(ret.line.organisation),
        )
        chased += 1
    return chased
