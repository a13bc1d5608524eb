"""Benchmark: the BAF report PDF (WeasyPrint, deny-all fetcher, PDF/UA-1).

    .venv/bin/python bench/risks_report.py [--sizes 0,50,200]

Renders the report for the ICB secretariat at each register size (the demo's 12 live
risks plus N more, each with its trajectory chart) in the isolated render process, as
the web page does, and prints pages, bytes, seconds (including the process start,
about 0.5 s), the render process's peak memory and any URL the fetcher refused (there
should be none).
"""

from __future__ import annotations

import argparse
import io
import resource

from risks_common import add_risks, setup_django


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="0,50,200")
    args = parser.parse_args()
    setup_django()
    from django.contrib.auth import get_user_model
    from pypdf import PdfReader

    from governance.risks import reports, selectors

    user = get_user_model().objects.get(username="icb.secretariat")
    reports.render_baf_report(user)  # warm-up: fonts, templates
    head = ("risks", "pages", "KiB", "seconds", "pages/s", "child MiB", "refused")
    print("{:>6} {:>6} {:>7} {:>8} {:>8} {:>9} {}".format(*head))
    done = 0
    for size in [int(s) for s in args.sizes.split(",")]:
        if size > done:
            add_risks(size - done)
            done = size
        visible = selectors.register(user).count()
        rendered = reports.render_baf_report(user)
        pages = len(PdfReader(io.BytesIO(rendered.pdf)).pages)
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        print(
            f"{visible:>6} {pages:>6} {len(rendered.pdf) / 1024:>7.0f} {rendered.seconds:>8.2f} "
            f"{pages / rendered.seconds:>8.1f} {peak:>9.0f} {len(rendered.refused)}"
        )


if __name__ == "__main__":
    main()
