from django.urls import path

from governance.opendata import views

app_name = "opendata"

urlpatterns = [
    path("public/data/", views.data_index, name="index"),
    path("public/data/popolo.json", views.popolo_json, name="popolo"),
    path("public/data/<slug:name>.csv", views.collection_csv, name="csv"),
    path("public/data/<slug:name>.json", views.dataset_json, name="json"),
]
