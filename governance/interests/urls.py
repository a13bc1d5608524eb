"""Web pages of this app."""

urlpatterns: list = []
