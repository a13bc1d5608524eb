"""Job status and result download. Included by governance/urls.py at ``jobs/``."""

from django.urls import path

from governance.packs import views

app_name = "packs"

urlpatterns = [
    path("<int:pk>/status/", views.job_status, name="job-status"),
    path("<int:pk>/download/", views.job_download, name="job-download"),
]
