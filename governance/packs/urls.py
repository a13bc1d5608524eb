"""A job's page, status, result download and retry. Included by governance/urls.py at
``jobs/``."""

from django.urls import path

from governance.packs import views

app_name = "packs"

urlpatterns = [
    path("<int:pk>/", views.job_detail, name="job"),
    path("<int:pk>/status/", views.job_status, name="job-status"),
    path("<int:pk>/retry/", views.job_retry, name="job-retry"),
    path("<int:pk>/download/", views.job_download, name="job-download"),
]
