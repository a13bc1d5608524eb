"""Template helpers for background jobs: what a job is called, and one sentence for a
group of them ("Generating 2 packs", "2 packs ready", "1 pack ready, 1 failed")."""

from __future__ import annotations

from django import template

from governance.packs import jobs as job_registry
from governance.packs.models import JobStatus

register = template.Library()


def _count(n: int, noun: str, plural: str) -> str:
    return f"{n} {noun if n == 1 else plural}"


def summary(statuses: list[str], noun: str = "pack", plural: str = "packs") -> str:
    """The sentence static/js/jobs.js also writes (keep the two in step)."""
    total = len(statuses)
    done = sum(1 for s in statuses if s == JobStatus.DONE)
    failed = sum(1 for s in statuses if s == JobStatus.FAILED)
    if done + failed < total:
        return f"Generating {_count(total, noun, plural)}"
    if not failed:
        return f"{_count(done, noun, plural)} ready"
    if not done:
        return f"{_count(failed, noun, plural)} failed"
    return f"{_count(done, noun, plural)} ready, {failed} failed"


@register.simple_tag
def job_summary(jobs, noun: str = "pack", plural: str = "packs") -> str:
    return summary([j.status for j in jobs], noun, plural)


@register.filter
def job_label(job) -> str:
    return job_registry.job_label(job)


@register.simple_tag(takes_context=True)
def job_may_retry(context, job) -> bool:
    """May the viewer queue this job again should it fail (the button shows on failure)."""
    request = context.get("request")
    return job_registry.job_may_retry(getattr(request, "user", None), job)
