from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    name = "governance.meetings"
    label = "meetings"
    verbose_name = "Committees and meetings"

    def ready(self):
        from governance.demo.registry import register_seeder
        from governance.meetings.services.packs import (
            JOB_KIND,
            pack_job_label,
            render_meeting_pack,
        )
        from governance.packs.jobs import register_job

        register_job(JOB_KIND, render_meeting_pack, label=pack_job_label)

        from governance.meetings.demo import seed_meetings
        from governance.meetings.demo_partnerships import seed_partnerships

        register_seeder("meetings", seed_meetings, order=60)
        register_seeder("partnerships", seed_partnerships, order=61)
        from governance.meetings.demo_forward_plan import seed_forward_plan

        # after the meetings (their agendas stay as they were) and the decisions
        register_seeder("forward-plan", seed_forward_plan, order=68)
