from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "governance.demo"
    label = "demo"
    verbose_name = "Demo data"

    def ready(self):
        from governance.demo.core import seed_core
        from governance.demo.registry import register_seeder

        register_seeder("core", seed_core, order=0)
