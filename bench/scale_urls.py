"""The application's URLs plus two bench-only reference endpoints (see scale_server)."""

from django.urls import path

from bench.scale_server import FloorList, InsertOne
from governance.urls import urlpatterns as app_urlpatterns

urlpatterns = [
    path("bench/floor/", FloorList.as_view()),
    path("bench/insert/", InsertOne.as_view()),
    *app_urlpatterns,
]
