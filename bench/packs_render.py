"""Benchmark: board packs of realistic size through ``render_pack``.

    .venv/bin/python bench/packs_render.py [--pages 60,200] [--public]
    .venv/bin/python bench/packs_render.py --compare --pages 300 --variant public

``--compare`` measures the pack beside its reference in the same run: plain WeasyPrint
on the same HTML and CSS (untagged, and tagged), each in a fresh process of its own,
alternating, ``--rounds`` times; it prints every figure, the best of each and the
ratios (time and peak memory, RSS of the process that renders).

Builds packs of roughly the requested sizes (a dozen-plus items with full cover sheets,
papers of prose and tables, and uploaded appendices: a finance report, a landscape
trajectory table, a scanned-style letter) and renders each in the isolated render
process. Prints pages, size, wall time, pages/s and peak memory (maxrss) of the render
process and of this process. Run in a fresh process for each size if you want each
peak on its own: maxrss of children is the largest seen so far.
"""

from __future__ import annotations

import argparse
import datetime
import os
import resource
import sys
import time
from dataclasses import replace
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "governance.settings")
os.environ.setdefault("SECRET_KEY", "bench-only")

PROSE = (
    "The system continues to face sustained pressure in urgent and emergency care, with "
    "four-hour performance at {n}% against the 78% interim standard. Ambulance handover "
    "delays have reduced following the introduction of the regional escalation protocol, "
    "and the discharge-to-assess pathway has released an average of {m} beds a day. "
)


def prose(paragraphs: int, seed: int) -> str:
    return "".join(
        f"<p>{PROSE.format(n=70 + (seed + i) % 9, m=20 + (seed * 7 + i) % 30)}</p>"
        for i in range(paragraphs)
    )


def table(rows: int) -> str:
    head = "<tr><th>Scheme</th><th>Budget £k</th><th>Actual £k</th><th>Variance £k</th></tr>"
    body = "".join(
        f"<tr><td>Scheme {r + 1}</td><td>{1000 + r * 37}</td><td>{990 + r * 41}</td>"
        f"<td>{(990 + r * 41) - (1000 + r * 37)}</td></tr>"
        for r in range(rows)
    )
    return f"<table><thead>{head}</thead><tbody>{body}</tbody></table>"


def appendix(pages: int, title: str, landscape: bool = False) -> bytes:
    from weasyprint import HTML

    size = "A4 landscape" if landscape else "A4"
    body = "".join(
        f'<section style="break-before: page"><h1>{title}, page {p + 1}</h1>'
        f"{prose(6, p)}{table(12)}</section>"
        for p in range(pages)
    )
    return HTML(string=f"<style>@page {{ size: {size} }}</style>{body}").write_pdf()


def build_spec(target_pages: int, variant: str):
    from governance.packs.spec import PackAppendix, PackItem, PackSpec

    # Calibrated on this content: public pages ≈ 20 + 33 × scale.
    scale = max(0.3, (target_pages - 20) / 33)

    def n(base: int) -> int:
        return max(1, round(base * scale))

    finance = appendix(n(6), "Month 9 finance report")
    trajectory = appendix(n(2), "Elective recovery trajectory", landscape=True)
    letter = appendix(2, "Letter from NHS England")
    items = []
    titles = [
        "Apologies, quorum and declarations",
        "Minutes and action log",
        "Chief executive's report",
        "Integrated performance report",
        "Finance report, month 9",
        "Winter resilience plan",
        "Urgent and emergency care recovery",
        "Elective recovery",
        "Primary care access recovery plan",
        "Mental health investment standard",
        "Board Assurance Framework",
        "Questions from the public",
        "Community services procurement",
        "Estates disposal options",
        "Workforce: senior leadership changes",
    ]
    for index, title in enumerate(titles):
        part = 2 if index >= 12 else 1
        paper = f"<h3>Background</h3>{prose(n(5), index)}<h3>Analysis</h3>"
        paper += f"{prose(n(4), index + 3)}{table(n(10))}<h3>Next steps</h3>"
        paper += prose(n(3), index + 5)
        appendices = []
        if index == 3:
            appendices = [PackAppendix("Performance trajectory", trajectory)]
        if index == 4:
            appendices = [PackAppendix("Finance report", finance)]
        if index == 8:
            appendices = [PackAppendix("NHS England letter", letter)]
        items.append(
            PackItem(
                number=str(index + 1),
                title=title,
                presenter="Chief Finance Officer" if index % 2 else "Chief Executive",
                purpose=["decision", "assurance", "noting"][index % 3],
                part=part,
                minutes_allotted=15,
                start_time=datetime.time(10 + index // 4, (index % 4) * 15),
                cover_sheet={
                    "Purpose": "<p>For decision.</p>",
                    "Recommendation": "<p>The board is asked to approve the plan.</p>",
                    "Executive summary": prose(2, index),
                    "Risks": "<p>BAF risks 2 and 5.</p>",
                    "Financial implications": "<p>£1.2m non-recurrent, within plan.</p>",
                    "Conflicts of interest": "<p>None declared.</p>",
                    "Equality and quality impact": "<p>Assessment completed; no concerns.</p>",
                },
                paper_html=paper,
                appendices=appendices,
                withheld_reason="Commercial interests (Part 2)." if part == 2 else None,
                is_late=index == 6,
            )
        )
    return PackSpec(
        title="Board meeting",
        committee="NHS Example Integrated Care Board",
        meeting_datetime=datetime.datetime(2026, 5, 14, 10, tzinfo=ZoneInfo("Europe/London")),
        location="Council Chamber, Civic Centre",
        variant=variant,
        version_label="Version 1",
        items=items,
        author="ICB corporate secretariat",
        subject="Board papers",
    )


def _peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _one(kind: str, spec_file: str) -> dict:
    """One measurement in this (fresh) process; the spec comes pickled from the parent."""
    import pickle

    spec = pickle.loads(Path(spec_file).read_bytes())  # noqa: S301 - written by our parent
    if kind.startswith("plain"):
        from weasyprint import CSS, HTML

        from governance.packs import pipeline
        from governance.packs.layout import PACK_CSS, build_html

        sources = pipeline._open_appendices(spec)
        html = build_html(spec, {key: source.landscape for key, source in sources.items()})
        started, cpu = time.perf_counter(), time.process_time()
        document = HTML(string=html).render(stylesheets=[CSS(string=PACK_CSS)])
        pdf = document.write_pdf(pdf_tags=kind == "plain-tagged")
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
        return {
            "seconds": seconds,
            "cpu": cpu,
            "peak_mib": _peak_mib(),
            "pages": len(document.pages),
            "bytes": len(pdf),
        }
    import tempfile

    import django

    django.setup()
    from django.conf import settings

    from governance.packs.engine import render_pack
    from governance.packs.spec import PackItem

    settings.PACKS_PRIVATE_ROOT = tempfile.mkdtemp(prefix="bench-packs-")  # an empty cache
    # The app keeps its fork server between renders: start it (as the first render of a
    # process would) before measuring, like the reference, which excludes its imports.
    render_pack(replace(spec, items=[PackItem(number="1", title="Warm-up")]))
    options = {"parts": kind != "pack-single"}
    if kind == "reissue":
        # The full pack was issued (its parts kept); then one late paper arrives for
        # item 7 (a longer paper) and the pack is issued again.
        render_pack(spec, time_limit=900)
        items = list(spec.items)
        items[6] = replace(items[6], paper_html=items[6].paper_html + prose(12, 99), is_late=True)
        spec = replace(spec, items=items, version_label="Version 2 (re-issued: late paper)")
    started, cpu = time.perf_counter(), _cpu()
    pack = render_pack(spec, time_limit=900, **options)
    seconds, cpu = time.perf_counter() - started, _cpu() - cpu + pack.cpu_ms / 1000
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    peak = max(pack.peak_memory_kib / 1024, children)
    return {
        "seconds": seconds,
        "cpu": cpu,
        "peak_mib": peak,
        "pages": pack.page_count,
        "bytes": len(pack.pdf),
        "parts": f"{len(pack.parts_rendered)} laid out, {len(pack.parts_reused)} reused",
    }


def _cpu() -> float:
    """CPU seconds of this process (the render process reports its own)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    return own.ru_utime + own.ru_stime


def compare(pages: int, variant: str, rounds: int, kinds: list[str]) -> None:
    import json
    import pickle
    import platform
    import subprocess
    import tempfile

    spec = build_spec(pages, variant)
    with tempfile.NamedTemporaryFile(suffix=".pickle", delete=False) as fh:
        fh.write(pickle.dumps(spec))
    print(
        f"machine: {platform.node()} {platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}, load {os.getloadavg()[0]:.2f}"
    )
    results: dict[str, list[dict]] = {kind: [] for kind in kinds}
    for round_no in range(1, rounds + 1):
        for kind in kinds:
            out = (
                subprocess.run(  # noqa: S603 - this script
                    [sys.executable, __file__, "--one", kind, "--spec-file", fh.name],
                    check=True,
                    capture_output=True,
                    text=True,
                )
                .stdout.strip()
                .splitlines()[-1]
            )
            figures = json.loads(out)
            results[kind].append(figures)
            print(
                f"round {round_no} {kind:>14}: {figures['seconds']:6.2f} s "
                f"(cpu {figures['cpu']:6.2f} s) "
                f"{figures['peak_mib']:6.0f} MiB {figures['pages']:4d} pages "
                f"{figures['bytes'] / 1e6:5.2f} MB {figures.get('parts', '')}",
                flush=True,
            )
    os.unlink(fh.name)
    best = {kind: min(rows, key=lambda r: r["seconds"]) for kind, rows in results.items()}
    cpu = {kind: min(r["cpu"] for r in rows) for kind, rows in results.items()}
    peak = {kind: min(r["peak_mib"] for r in rows) for kind, rows in results.items()}
    reference = best["plain"]
    print(f"best of {rounds} ({variant}, {reference['pages']} pages):")
    for kind in kinds:
        print(
            f"  {kind:>14}: {best[kind]['seconds']:6.2f} s = "
            f"{best[kind]['seconds'] / reference['seconds']:.2f}x plain; "
            f"cpu {cpu[kind]:.2f} s = {cpu[kind] / cpu['plain']:.2f}x plain; "
            f"peak {peak[kind]:.0f} MiB = {peak[kind] / peak['plain']:.2f}x plain; "
            f"{best[kind]['bytes'] / 1e6:.2f} MB"
        )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pages", default="60,200")
    parser.add_argument("--public", action="store_true", help="render the public variant too")
    parser.add_argument("--compare", action="store_true", help="pack beside plain WeasyPrint")
    parser.add_argument("--variant", default="public")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument(
        "--kinds",
        default="pack,plain,plain-tagged",
        help="of pack (in parts), pack-single, reissue, plain, plain-tagged",
    )
    parser.add_argument("--one", help=argparse.SUPPRESS)
    parser.add_argument("--spec-file", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        import json

        print(json.dumps(_one(args.one, args.spec_file)))
        return
    if args.compare:
        import django

        django.setup()
        compare(int(args.pages.split(",")[0]), args.variant, args.rounds, args.kinds.split(","))
        return
    import django

    django.setup()
    from governance.packs.engine import render_pack

    head = ("target", "variant", "pages", "KiB", "seconds", "pages/s", "child MiB", "self MiB")
    print("{:>6} {:>8} {:>6} {:>7} {:>8} {:>8} {:>10} {:>9}".format(*head))
    variants = ["members", "public"] if args.public else ["members"]
    for target in [int(p) for p in args.pages.split(",")]:
        for variant in variants:
            spec = build_spec(target, variant)
            started = time.perf_counter()
            pack = render_pack(spec, time_limit=900)
            seconds = time.perf_counter() - started
            child = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
            own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            print(
                f"{target:>6} {variant:>8} {pack.page_count:>6} {len(pack.pdf) / 1024:>7.0f} "
                f"{seconds:>8.2f} {pack.page_count / seconds:>8.1f} {child:>10.0f} {own:>9.0f}"
            )
            if pack.warnings:
                print("  warnings:", pack.warnings[:5])


if __name__ == "__main__":
    main()
