"""The audit trail's API routes (mounted at /api/v1/audit/)."""

from django.urls import path

from governance.audit.api import AuditEventList, AuditExport, AuditVerify

urlpatterns = [
    path("events/", AuditEventList.as_view(), name="api-audit-events"),
    path(
        "events/export.jsonl",
        AuditExport.as_view(kind="jsonl"),
        name="api-audit-export-jsonl",
    ),
    path("events/export.csv", AuditExport.as_view(kind="csv"), name="api-audit-export-csv"),
    path("verify/", AuditVerify.as_view(), name="api-audit-verify"),
]
