from django.urls import path

from governance.search import views

app_name = "search"

urlpatterns = [
    path("search/", views.search_page, name="search"),
    path("public/search/", views.public_search, name="public"),
]
