"""Public URLs of the audit trail: signing keys and checkpoints (no sign-in)."""

from django.urls import path

from governance.audit import public_views

app_name = "audit-public"

urlpatterns = [
    path("public/audit/keys.json", public_views.keys, name="keys"),
    path("public/checkpoints/", public_views.checkpoints, name="checkpoints"),
    path("public/checkpoints.jsonl", public_views.checkpoints_jsonl, name="checkpoints-jsonl"),
    path("public/checkpoints.atom", public_views.CheckpointsFeed(), name="checkpoints-feed"),
]
