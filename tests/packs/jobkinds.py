"""Job kinds the tests register: a real pack render, and two that fail."""

from __future__ import annotations

from governance.packs.engine import render_pack
from governance.packs.jobs import JobFailed, JobResult
from governance.packs.spec import PackAppendix, PackItem
from tests.packs.conftest import make_items, make_spec

PACK_KIND = "tests.pack"
FAILING_KIND = "tests.failing"
CRASHING_KIND = "tests.crashing"
BAD_APPENDIX_KIND = "tests.bad_appendix"


def build_pack(job, report_progress):
    """Render the test spec: params {"variant": "members"|"public", "items": n}."""
    items = make_items()[: int(job.params.get("items", 12))]
    pack = render_pack(
        make_spec(job.params.get("variant", "members"), items=items), progress=report_progress
    )
    return JobResult(
        f"test-pack-{job.params.get('variant', 'members')}.pdf",
        pack.pdf,
        pack.page_count,
        meta={"item_pages": pack.item_pages, "outline": pack.outline},
    )


def failing(job, report_progress):
    report_progress(10, "About to fail")
    raise JobFailed("The meeting has no agenda yet.")


def crashing(job, report_progress):
    raise RuntimeError("disk on fire")


def bad_appendix(job, report_progress):
    items = [PackItem(number="1", title="X", appendices=[PackAppendix("Plan", b"not a pdf")])]
    pack = render_pack(make_spec(items=items))
    return JobResult("x.pdf", pack.pdf, pack.page_count)
