"""Board packs: sizes and render times of the packs the meetings app builds.

Runs on a throwaway SQLite database (or DATABASE_URL) with the demo ICS, then for a few
meeting sizes builds the members' and the public pack spec from real agenda items and
papers (rich-text cover sheets and bodies, PDF appendices) and renders each with the
pack engine (its isolated worker process), printing pages, bytes and seconds.

    .venv/bin/python bench/meetings_packs.py            # default sizes
    .venv/bin/python bench/meetings_packs.py 40 10 30   # items, appendices, appendix pages
"""

from __future__ import annotations

import datetime
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PARAGRAPH = (
    "<p>The system's urgent and emergency care performance improved this month, with "
    "four-hour performance at 74.1% against a trajectory of 76%. Ambulance handover delays "
    "remain the principal pressure; the ICB continues to work with providers on a "
    "system-wide plan to release ambulance crews within 45 minutes.</p>"
)
TABLE = (
    "<table><thead><tr><th scope='col'>Measure</th><th scope='col'>Plan</th>"
    "<th scope='col'>Actual</th></tr></thead><tbody>"
    + "".join(
        f"<tr><td>Indicator {n}</td><td>{n * 3}%</td><td>{n * 3 - 1}%</td></tr>"
        for n in range(1, 25)
    )
    + "</tbody></table>"
)


def setup_django() -> None:
    os.environ.setdefault("SECRET_KEY", "bench-only")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "governance.settings")
    os.environ.setdefault("EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")
    tmp = tempfile.mkdtemp(prefix="meetings-bench-")
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{tmp}/bench.sqlite3")
    os.environ.setdefault("MEDIA_ROOT", f"{tmp}/media")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    settings.PACKS_PRIVATE_ROOT = f"{tmp}/private"
    call_command("migrate", verbosity=0)
    from governance.demo.core import seed_core

    seed_core()


def build_meeting(n_items: int, n_appendices: int, appendix_pages: int, paper_paragraphs: int):
    from decimal import Decimal

    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from governance.meetings.demo import demo_pdf
    from governance.meetings.models import Committee
    from governance.meetings.services import agenda, committees, papers
    from governance.organisations.models import Organisation

    sec = get_user_model().objects.get(username="icb.secretariat")
    icb = Organisation.objects.get(identifier="QX9")
    name = f"Bench board {n_items}-{n_appendices}-{appendix_pages}-{paper_paragraphs}"
    board = Committee.objects.filter(name=name).first() or committees.committee_create(
        actor=sec,
        name=name,
        kind="board",
        organisation=icb,
        quorum_fraction=Decimal("0.5"),
        papers_due_days=0,
    )
    start = timezone.now() + datetime.timedelta(days=30)
    m = agenda.meeting_create(actor=sec, committee=board, start=start, location="Civic Hall")
    appendix = demo_pdf("Appendix", appendix_pages) if n_appendices else b""
    for n in range(n_items):
        part2 = n % 5 == 4
        item = agenda.item_add(
            actor=sec,
            meeting=m,
            title=f"Agenda item {n + 1}: report",
            purpose="assurance",
            presenter="Director",
            part=2 if part2 else 1,
            exemption_reason="commercial interests (FOIA s43)" if part2 else "",
        )
        paper = papers.paper_create(actor=sec, item=item)
        papers.paper_update(
            actor=sec,
            paper=paper,
            purpose="<p>For assurance.</p>",
            recommendation="<p>The board is asked to note the report.</p>",
            executive_summary=PARAGRAPH,
            risks=PARAGRAPH,
            financial_implications=PARAGRAPH,
            body="<h3>Detail</h3>" + PARAGRAPH * paper_paragraphs + TABLE,
        )
        if n < n_appendices:
            papers.appendix_add(
                actor=sec, paper=paper, title=f"Appendix {n + 1}", data=appendix, filename="a.pdf"
            )
        papers.paper_approve(actor=sec, paper=paper)
    return m


def measure(meeting, variant: str) -> dict:
    from governance.meetings import packbuild
    from governance.packs.engine import render_pack

    t0 = time.perf_counter()
    built = packbuild.build_spec(meeting, variant)
    t1 = time.perf_counter()
    rendered = render_pack(built.spec)
    t2 = time.perf_counter()
    return {
        "variant": variant,
        "pages": rendered.page_count,
        "bytes": len(rendered.pdf),
        "build_s": t1 - t0,
        "render_s": t2 - t1,
        "pages_per_s": rendered.page_count / (t2 - t1),
    }


def main(argv: list[str]) -> None:
    setup_django()
    if len(argv) >= 3:
        cases = [(int(argv[0]), int(argv[1]), int(argv[2]), 8)]
    else:
        cases = [
            (9, 3, 2, 2),  # a short agenda like the demo's
            (20, 6, 10, 8),  # a typical board meeting
            (30, 10, 30, 15),  # a heavy one
        ]
    head = ("items", "apx", "apx pp", "variant", "pages", "KiB", "build s", "render s", "pp/s")
    print(" ".join(f"{h:>8}" for h in head))
    for n_items, n_apx, apx_pages, paragraphs in cases:
        meeting = build_meeting(n_items, n_apx, apx_pages, paragraphs)
        for variant in ("members", "public"):
            r = measure(meeting, variant)
            row = (
                n_items,
                n_apx,
                apx_pages,
                variant,
                r["pages"],
                f"{r['bytes'] / 1024:.0f}",
                f"{r['build_s']:.2f}",
                f"{r['render_s']:.2f}",
                f"{r['pages_per_s']:.1f}",
            )
            print(" ".join(f"{v:>8}" for v in row))
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"peak RSS of a render process: {peak:.0f} MiB")


if __name__ == "__main__":
    main(sys.argv[1:])
