"""The audit explorer's pages (mounted at /audit/; names kept unnamespaced)."""

from django.urls import path

from governance.audit import views

urlpatterns = [
    path("", views.audit_trail, name="audit-trail"),
    path("export.csv", views.audit_export, {"kind": "csv"}, name="audit-export-csv"),
    path("export.jsonl", views.audit_export, {"kind": "jsonl"}, name="audit-export-jsonl"),
    path("verify/", views.audit_verify, name="audit-verify"),
]
