from django.apps import AppConfig


class InterestsConfig(AppConfig):
    name = "governance.interests"
    label = "interests"
    verbose_name = "Register of interests"

    def ready(self):
        from governance.demo.registry import register_seeder
        from governance.interests.demo import seed_interests

        register_seeder("interests", seed_interests, order=10)
