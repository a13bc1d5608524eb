"""URLconf for the packs tests: the job views at jobs/, as governance/urls.py will have them."""

from django.urls import include, path

urlpatterns = [path("jobs/", include("governance.packs.urls"))]
