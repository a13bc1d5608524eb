"""``manage.py import_ods FILE``: organisations from an ODS CSV or ORD JSON file, or local
authorities from an ONS/GSS code list (``--format gss``). See governance.organisations.ods."""

from __future__ import annotations

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError

from governance.organisations import ods


class Command(BaseCommand):
    help = (
        "Create, update and close organisations from an NHS ODS file (headerless CSV or ORD "
        "JSON) or local authorities from an ONS code list (LAD24CD,LAD24NM). The whole file "
        "is applied or nothing; --dry-run shows the changes only."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--format", choices=ods.FORMATS, default="", dest="fmt")
        parser.add_argument("--dry-run", action="store_true", help="Show the changes; write none.")
        parser.add_argument(
            "--actor",
            default="",
            help="Username of the ICB secretariat member the changes are recorded against "
            "(required unless --dry-run).",
        )
        parser.add_argument("--reason", default="", help="Reason recorded in the audit trail.")

    def handle(self, *args, file: Path, fmt: str, dry_run: bool, actor: str, reason: str, **kw):
        if not file.is_file():
            raise CommandError(f"{file}: no such file.")
        try:
            plan = ods.read(file.read_bytes(), filename=file.name, fmt=fmt)
        except ValidationError as exc:
            raise CommandError("\n".join(exc.messages)) from exc
        for change in plan.changes:
            if change.action == "unchanged":
                continue
            fields = ", ".join(f"{k}={v!s}" for k, v in change.fields.items() if k != "address")
            note = f" — {change.note}" if change.note else ""
            self.stdout.write(f"{change.action:<7} {change.record.code:<10} {fields}{note}")
        totals = ", ".join(f"{n} {a}" for a, n in plan.summary().items())
        if dry_run:
            self.stdout.write(f"Dry run, nothing written: {totals}.")
            return
        if not actor:
            raise CommandError("--actor USERNAME is required (the ICB secretariat member).")
        user = get_user_model().objects.filter(username=actor, is_active=True).first()
        if user is None:
            raise CommandError(f"No active user {actor!r}.")
        try:
            ods.organisations_import(actor=user, plan=plan, reason=reason)
        except (ValidationError, PermissionDenied) as exc:
            messages = exc.messages if isinstance(exc, ValidationError) else [str(exc)]
            raise CommandError("Nothing imported. " + "\n".join(messages)) from exc
        self.stdout.write(self.style.SUCCESS(f"Imported from {file.name}: {totals}."))
