from django.apps import AppConfig


class DeputiesConfig(AppConfig):
    name = "governance.deputies"
    label = "deputies"
    verbose_name = "Deputies"

    def ready(self):
        from governance.demo.registry import register_seeder
        from governance.deputies.demo import seed_deputies

        # after every other seeder: the interest it declares must not predate their sign-offs
        register_seeder("deputies", seed_deputies, order=90)
