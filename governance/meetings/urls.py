"""Web pages of this app: /meetings/… (sign-in) and the public portal /public/…"""

from django.urls import path

from governance.meetings.views import (
    committees,
    conduct,
    forward_plan,
    irreversible,
    meetings,
    minutes,
    papers,
    public,
)

app_name = "meetings"

urlpatterns = [
    # committees
    path("meetings/", committees.index, name="index"),
    path("meetings/committees/new/", committees.committee_new, name="committee-new"),
    path("meetings/committees/<int:pk>/", committees.committee_detail, name="committee"),
    path("meetings/committees/<int:pk>/edit/", committees.committee_edit, name="committee-edit"),
    path("meetings/committees/<int:pk>/members/add/", committees.member_add, name="member-add"),
    path("meetings/members/<int:pk>/", committees.member_edit, name="member-edit"),
    path("meetings/committees/<int:pk>/meetings/new/", committees.meeting_new, name="meeting-new"),
    path("meetings/committees/<int:pk>/forward-plan/", forward_plan.plan, name="forward-plan"),
    path(
        "meetings/committees/<int:pk>/forward-plan/new/",
        forward_plan.plan_item_new,
        name="forward-plan-new",
    ),
    path(
        "meetings/forward-plan/<int:pk>/",
        forward_plan.plan_item_edit,
        name="forward-plan-edit",
    ),
    # a meeting and its agenda
    path("meetings/<int:pk>/", meetings.meeting_detail, name="meeting"),
    path("meetings/<int:pk>/edit/", meetings.meeting_edit, name="meeting-edit"),
    path("meetings/<int:pk>/cancel/", meetings.meeting_cancel, name="meeting-cancel"),
    path("meetings/<int:pk>/close/", irreversible.meeting_close, name="meeting-close"),
    path("meetings/<int:pk>/items/new/", meetings.item_new, name="item-new"),
    path("meetings/<int:pk>/table/", meetings.table, name="table"),
    path("meetings/<int:pk>/packs/", meetings.packs_generate, name="packs-generate"),
    path("meetings/items/<int:pk>/edit/", meetings.item_edit, name="item-edit"),
    path("meetings/items/<int:pk>/move/", meetings.item_move, name="item-move"),
    path("meetings/items/<int:pk>/remove/", irreversible.item_remove, name="item-remove"),
    path("meetings/packs/<int:pk>/", meetings.pack_download, name="pack-download"),
    # papers
    path("meetings/items/<int:pk>/paper/", papers.paper_page, name="paper"),
    path("meetings/items/<int:pk>/paper/new/", papers.paper_create, name="paper-create"),
    path("meetings/items/<int:pk>/paper/word/", papers.paper_docx, name="paper-docx"),
    path("meetings/items/<int:pk>/paper/submit/", papers.paper_submit, name="paper-submit"),
    path("meetings/items/<int:pk>/paper/approve/", papers.paper_approve, name="paper-approve"),
    path("meetings/items/<int:pk>/paper/return/", papers.paper_return, name="paper-return"),
    path("meetings/items/<int:pk>/appendices/", papers.appendix_add, name="appendix-add"),
    path("meetings/appendices/<int:pk>/", papers.appendix_download, name="appendix"),
    path("meetings/appendices/<int:pk>/remove/", papers.appendix_remove, name="appendix-remove"),
    # at the meeting
    path("meetings/<int:pk>/run/", conduct.run, name="run"),
    path("meetings/items/<int:pk>/conduct/", conduct.item_conduct, name="conduct"),
    path(
        "meetings/declarations/<int:pk>/decide/",
        conduct.declaration_decide,
        name="declaration-decide",
    ),
    # minutes and actions
    path("meetings/<int:pk>/minutes/", minutes.minutes_page, name="minutes"),
    path("meetings/actions/", minutes.action_log, name="actions"),
    path("meetings/actions/<int:pk>/", minutes.action_edit, name="action-edit"),
    # the public portal
    path("public/", public.portal, name="public"),
    path("public/committees/<int:pk>/", public.committee, name="public-committee"),
    path("public/meetings/<int:pk>/", public.meeting, name="public-meeting"),
    path("public/meetings/<int:pk>/minutes/", public.minutes, name="public-minutes"),
    path("public/packs/<int:pk>/", public.pack, name="public-pack"),
    path("public/interests/", public.interests, name="public-interests"),
    path("public/meetings.ics", public.calendar, name="public-calendar"),
    path("public/papers.atom", public.PapersFeed(), name="public-feed"),
    path("public/forward-plan/", forward_plan.public_plan, name="public-forward-plan"),
    path(
        "public/forward-plan.atom", forward_plan.ForwardPlanFeed(), name="public-forward-plan-feed"
    ),
]
