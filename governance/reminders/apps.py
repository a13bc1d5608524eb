from django.apps import AppConfig


class RemindersConfig(AppConfig):
    name = "governance.reminders"
    label = "reminders"
    verbose_name = "Deadlines, reminders and digests"

    def ready(self):
        from governance.demo.registry import register_seeder
        from governance.reminders.demo import seed_deadlines

        # after every seeder that requests sign-offs (deputies' is 90)
        register_seeder("deadlines", seed_deadlines, order=95)
