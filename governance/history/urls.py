from django.urls import path

from governance.history import views

app_name = "history"

urlpatterns = [
    path("history/<slug:subject>/<int:pk>/", views.detail, name="detail"),
    path("history/<slug:subject>/<int:pk>/history.pdf", views.pdf, name="pdf"),
]
