"""The forward plan: a committee's cycle of business (signed in), managed by its
secretariat; the public plan of key decisions and its Atom feed (no sign-in)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.syndication.views import Feed
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed

from governance.meetings import forward_plan, policy
from governance.meetings.forms_forward_plan import PlanItemForm
from governance.meetings.models import ForwardPlanItem, Part
from governance.meetings.services import forward_plan as services
from governance.meetings.views.common import attempt, committee_or_404

FIELDS = [name for name in PlanItemForm.base_fields if name != "reason"]


@login_required
def plan(request, pk):
    """The committee's plan, month by month. Part 2 lines only for those who see the
    committee's private business."""
    c = committee_or_404(request.user, pk)
    items = c.forward_plan.order_by("-is_active", "month", "title")
    if not policy.sees_private(request.user, c):
        items = items.filter(part=Part.PUBLIC)
    return render(
        request,
        "meetings/forward_plan.html",
        {
            "committee": c,
            "items": items,
            "can_manage": policy.can_manage(request.user, c),
            "notice_days": forward_plan.notice_days(),
        },
    )


@login_required
def plan_item_new(request, pk):
    c = committee_or_404(request.user, pk)
    if not policy.can_manage(request.user, c):
        raise PermissionDenied(f"Only the secretariat running {c.name} can do this.")
    form = PlanItemForm(request.POST or None)
    del form.fields["is_active"]
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k not in ("reason",)}
        item = attempt(form, services.plan_item_create, actor=request.user, committee=c, **data)
        if item:
            messages.success(request, f"Added to the forward plan: {item.title}.")
            return redirect("meetings:forward-plan", pk=c.pk)
    return render(
        request,
        "meetings/form.html",
        {
            "form": form,
            "title": f"Add to the forward plan of {c.name}",
            "cancel_url": reverse("meetings:forward-plan", args=[c.pk]),
        },
    )


@login_required
def plan_item_edit(request, pk):
    item = get_object_or_404(ForwardPlanItem.objects.select_related("committee"), pk=pk)
    c = committee_or_404(request.user, item.committee_id)
    if item.is_part2 and not policy.sees_private(request.user, c):
        raise PermissionDenied("This item is private business of the committee.")
    if not policy.can_manage(request.user, c):
        raise PermissionDenied(f"Only the secretariat running {c.name} can do this.")
    form = PlanItemForm(
        request.POST or None, initial={name: getattr(item, name) for name in FIELDS}
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        reason = data.pop("reason", "")
        done = attempt(
            form,
            services.plan_item_update,
            actor=request.user,
            item=item,
            reason=reason,
            **data,
        )
        if done:
            messages.success(request, f"Forward plan item saved: {item.title}.")
            return redirect("meetings:forward-plan", pk=c.pk)
    return render(
        request,
        "meetings/form.html",
        {
            "form": form,
            "title": f"Change “{item.title}”",
            "cancel_url": reverse("meetings:forward-plan", args=[c.pk]),
        },
    )


def public_plan(request):
    today = timezone.localdate()
    return render(
        request,
        "public/forward_plan.html",
        {
            "decisions": forward_plan.published(today),
            "notice_days": forward_plan.notice_days(),
            "today": today,
        },
    )


class ForwardPlanFeed(Feed):
    """Atom feed of the key decisions on the public forward plan."""

    feed_type = Atom1Feed
    title = "Forward plan of key decisions"
    link = "/public/forward-plan/"
    subtitle = "Key decisions the ICS's boards and committees expect to take, published at "
    subtitle += "least 28 days ahead."

    def items(self):
        return forward_plan.published()

    def item_title(self, d):
        return f"{d.item.title} — {d.item.committee.name}, {d.month_start:%B %Y}"

    def item_description(self, d):
        where = (
            f"Expected at the meeting on {timezone.localtime(d.meeting.start):%-d %B %Y}."
            if d.meeting
            else f"Expected in {d.month_start:%B %Y}."
        )
        return f"{d.item.description}\n{where}".strip()

    def item_link(self, d):
        return f"/public/forward-plan/#{d.key}"

    def item_guid(self, d):
        return f"tag:ics-governance,2026:{d.key}"

    item_guid_is_permalink = False

    def item_pubdate(self, d):
        return timezone.make_aware(
            timezone.datetime.combine(d.publish_from, timezone.datetime.min.time())
        )

    def item_updateddate(self, d):
        return self.item_pubdate(d)
