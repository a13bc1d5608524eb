from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "governance.search"
    label = "search"
    verbose_name = "Search"

    def ready(self):
        from governance.search import kinds_core

        kinds_core.register_core_kinds()
