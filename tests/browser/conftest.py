"""Browser journeys: the real app (gunicorn, DEBUG off, no broker, the demo ICS) on a
loopback port, driven by Playwright through Debian's chromium, with axe-core checking
every page a person sees.

- Run on the PostgreSQL pass only (each journey gets a fresh copy of the seeded demo
  database, ``CREATE DATABASE … TEMPLATE``, which SQLite cannot do cheaply); skipped
  elsewhere. In CI (``CI`` set) a missing chromium, Playwright or axe-core fails the run
  instead of skipping it.
- People sign in through the sign-in form as the demo users (password ``demo-pass-2026``).
- axe-core (``node_modules/axe-core/axe.min.js``, pinned in package.json) is injected into
  every document; after each page loads it runs and reports back; any serious or critical
  violation fails the journey, naming the page and the rule.
- Any console error (or uncaught exception) and any request to another host (a webfont
  from assets.nhs.uk, say) fails the journey the same way, naming the page.
- Screenshots of key screens go to ``BROWSER_SCREENSHOTS`` (default
  ``/tmp/ics-browser-screenshots``), printed at the end of the run.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("BROWSER_CHROMIUM", "/usr/bin/chromium")
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = Path(
    os.environ.get("BROWSER_SCREENSHOTS") or Path(tempfile.gettempdir()) / "ics-browser-screenshots"
)
PASSWORD = "demo-pass-2026"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
IN_CI = bool(os.environ.get("CI"))
_shots: list[Path] = []
_timings: dict[str, float] = {}


def _is_browser_test(item) -> bool:
    return Path(str(item.fspath)).resolve().is_relative_to(Path(__file__).resolve().parent)


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config, items):
    """Mark the journeys ``browser``; skip them off PostgreSQL (CI runs them on its
    PostgreSQL pass, once). They run last (after pytest-django's own ordering): while
    Playwright's sync API is live its event loop runs in the main thread, where Django's
    async_to_sync (e.g. the health checks) then refuses to run."""
    from django.conf import settings

    journeys = [item for item in items if _is_browser_test(item)]
    items[:] = [item for item in items if not _is_browser_test(item)] + journeys
    on_postgres = "postgresql" in settings.DATABASES["default"]["ENGINE"]
    for item in items:
        if not _is_browser_test(item):
            continue
        item.add_marker(pytest.mark.browser)
        if not on_postgres:
            item.add_marker(
                pytest.mark.skip(reason="browser journeys run on the PostgreSQL pass only")
            )


def pytest_runtest_logreport(report):
    if report.when == "call" and "tests/browser/" in report.nodeid.replace(os.sep, "/"):
        _timings[report.nodeid.split("::")[-1]] = report.duration


def pytest_terminal_summary(terminalreporter):
    if not _shots and not _timings:
        return
    terminalreporter.section("browser journeys")
    for name, seconds in _timings.items():
        terminalreporter.write_line(f"{name}: {seconds:.1f} s")
    if _timings:
        terminalreporter.write_line(f"total: {sum(_timings.values()):.1f} s")
    if _shots:
        terminalreporter.write_line(f"{len(_shots)} screenshots in {SCREENSHOTS}")


def _missing(what: str):
    if IN_CI:
        pytest.fail(f"{what} (CI must run the browser journeys: see .ci/run)", pytrace=False)
    pytest.skip(what)


# --- the app ------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _admin_dsn(url: str) -> tuple[str, str]:
    """(DSN of the maintenance database, name of the configured database)."""
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(url)
    return urlunsplit(parts._replace(path="/postgres")), parts.path.lstrip("/")


def _database_url(name: str) -> str:
    from urllib.parse import urlsplit, urlunsplit

    return urlunsplit(urlsplit(os.environ["DATABASE_URL"])._replace(path=f"/{name}"))


def _sql(statements: list[str]) -> None:
    import psycopg

    dsn, _ = _admin_dsn(os.environ["DATABASE_URL"])
    with psycopg.connect(dsn, autocommit=True) as conn:
        for statement in statements:
            conn.execute(statement)


@pytest.fixture(scope="session")
def app_env(tmp_path_factory):
    """A seeded demo database (the template each journey copies) and the server's env."""
    if not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")):
        _missing("browser journeys need DATABASE_URL pointing at PostgreSQL")
    _, base = _admin_dsn(os.environ["DATABASE_URL"])
    seed, run = f"{base}_journeys_seed", f"{base}_journeys"
    root = tmp_path_factory.mktemp("journeys")
    env = {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": "browser-journeys-only-" + "x" * 40,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SESSION_COOKIE_SECURE": "0",
        "CSRF_COOKIE_SECURE": "0",
        "CELERY_BROKER_URL": "",
        "PACK_JOBS_INLINE": "0",
        "STATIC_ROOT": str(root / "static-not-collected"),  # WhiteNoise serves via finders
        "MEDIA_ROOT": str(root / "media"),
        # with BROWSER_SEEDED_DB: where that database's packs and uploads were written
        "PACKS_PRIVATE_ROOT": os.environ.get("BROWSER_PRIVATE_ROOT") or str(root / "private"),
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        "LOG_LEVEL": "ERROR",
        "DATABASE_URL": _database_url(seed),
    }
    reuse = os.environ.get("BROWSER_SEEDED_DB", "")  # a developer's already seeded copy
    if reuse:
        seed = reuse
    else:
        _sql([f'DROP DATABASE IF EXISTS "{run}" WITH (FORCE)'])
        _sql([f'DROP DATABASE IF EXISTS "{seed}"', f'CREATE DATABASE "{seed}"'])
    started = time.monotonic()
    for command in [] if reuse else (["migrate", "--noinput", "-v0"], ["seed_demo"]):
        done = subprocess.run(  # noqa: S603
            [sys.executable, "manage.py", *command],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        assert done.returncode == 0, done.stderr[-3000:]
    _timings["(demo seeding)"] = time.monotonic() - started
    yield {"env": {**env, "DATABASE_URL": _database_url(run)}, "seed": seed, "run": run}
    _sql([f'DROP DATABASE IF EXISTS "{run}" WITH (FORCE)'])
    if not reuse:
        _sql([f'DROP DATABASE IF EXISTS "{seed}"'])


@pytest.fixture
def live_app(app_env):
    """The app on a loopback port, on a fresh copy of the demo database; its base URL."""
    run, seed = app_env["run"], app_env["seed"]
    _sql([f'DROP DATABASE IF EXISTS "{run}" WITH (FORCE)'])
    _sql([f'CREATE DATABASE "{run}" TEMPLATE "{seed}"'])
    port = _free_port()
    log_path = Path(tempfile.mkdtemp(prefix="journey-server-")) / "server.log"
    log = log_path.open("w")
    server = subprocess.Popen(  # noqa: S603
        [
            sys.executable,
            "-m",
            "gunicorn",
            "governance.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
            "--timeout",
            "120",
        ],
        cwd=ROOT,
        env=app_env["env"],
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(f"{base}/accounts/login/", timeout=5) as r:  # noqa: S310
                if r.status == 200:
                    break
        except (urllib.error.URLError, ConnectionError, OSError):
            pass
        if server.poll() is not None or time.monotonic() > deadline:
            raise AssertionError("the app did not start:\n" + log_path.read_text()[-3000:])
        time.sleep(0.3)
    yield base
    with contextlib.suppress(ProcessLookupError):
        os.killpg(server.pid, signal.SIGTERM)
    try:
        server.wait(20)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait(10)
    log.close()
    errors = log_path.read_text()
    shutil.rmtree(log_path.parent, ignore_errors=True)
    assert "Traceback" not in errors, errors[-4000:]


# --- the browser --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        _missing(f"chromium is not installed at {CHROMIUM} (apt-get install chromium)")
    if not AXE.exists():
        _missing(f"axe-core is not installed at {AXE} (npm ci)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _missing("Playwright is not installed (pip install -e '.[dev]')")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield chromium
        chromium.close()


AXE_RUNNER = Path(__file__).with_name("axe_runner.js")


class Person:
    """One signed-in person's browser tab, with helpers that act as a person does and
    make sure axe has checked each page before acting on it."""

    def __init__(self, browser, base: str, username: str | None, name: str):
        self.base, self.username, self.name = base, username, name
        self.reports: list[dict] = []
        self.loads: list[str] = []
        self.context = browser.new_context(
            base_url=base,
            locale="en-GB",
            timezone_id="Europe/London",
            viewport={"width": 1280, "height": 900},
            accept_downloads=True,
        )
        self.context.set_default_timeout(15_000)
        self.context.expose_function("__axeReport", self._report)
        self.context.add_init_script(path=str(AXE))
        self.context.add_init_script(path=str(AXE_RUNNER))
        self.page = self.context.new_page()
        self.page.on("response", self._seen)
        # console errors and requests to other hosts (e.g. NHS.UK frontend's Frutiger
        # webfont on assets.nhs.uk, which static/css/app.css replaces by local faces)
        self.console_errors: list[str] = []
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda exc: self.console_errors.append(f"{self.page.url}: {exc}"))
        self.page.on("request", self._request)

    def _console(self, message) -> None:
        if message.type != "error":
            return
        source = (message.location or {}).get("url", "")
        if source == self.page.url and "the server responded with a status of 4" in message.text:
            return  # the page itself is a refusal a journey asks for on purpose (403/404)
        if source.endswith("/favicon.ico"):
            return  # asked by chromium itself when it shows a PDF (our pages link their icon)
        self.console_errors.append(f"{self.page.url}: {message.text} ({source})")

    def _request(self, request) -> None:
        url = request.url  # (chrome:// and chrome-extension:// are its own PDF viewer)
        if url.startswith(("http://", "https://")) and not url.startswith(self.base):
            self.console_errors.append(f"{self.page.url}: requested another host: {url}")

    def _seen(self, response) -> None:
        """Remember every HTML page shown (not redirects, PDFs or calendar files)."""
        request = response.request
        if (
            request.is_navigation_request()
            and 200 <= response.status < 300
            and request.frame == self.page.main_frame
            and "text/html" in (response.headers.get("content-type") or "")
        ):
            self.loads.append(response.url)

    def _report(self, url, title, violations):
        url = url.split("#")[0]  # a page is the same page at any fragment
        self.reports.append({"url": url, "title": title, "violations": json.loads(violations)})

    # axe --------------------------------------------------------------------------------
    def checked(self) -> None:
        """Wait until axe has finished with the page on screen."""
        with contextlib.suppress(Exception):
            # a function, not an expression: Playwright evals an expression string in the
            # page, which the CSP (no 'unsafe-eval') refuses with a console error
            self.page.wait_for_function("() => window.__axeDone === true", timeout=20_000)

    def violations(self) -> list[str]:
        out = []
        for report in self.reports:
            for v in report["violations"]:
                where = "; ".join(v["nodes"])
                out.append(f"{report['url']} [{v['impact']}] {v['id']}: {v['help']} — {where}")
        return out

    # acting -----------------------------------------------------------------------------
    def goto(self, path: str):
        self.checked()
        self.page.goto(path)
        self.checked()
        return self.page

    def click(self, locator):
        self.checked()
        locator.click()
        self.page.wait_for_load_state()
        self.checked()

    def shot(self, name: str) -> Path:
        self.checked()
        path = SCREENSHOTS / f"{name}.png"
        self.page.screenshot(path=str(path), full_page=True)
        _shots.append(path)
        return path

    # keyboard only ----------------------------------------------------------------------
    def tab_to(self, locator, limit: int = 120, backwards: bool = False) -> None:
        """Press Tab until ``locator`` has the focus (as a keyboard user would)."""
        self.checked()
        target = locator.element_handle()
        for _ in range(limit):
            if target.evaluate("el => el === document.activeElement"):
                return
            self.page.keyboard.press("Shift+Tab" if backwards else "Tab")
        raise AssertionError(f"{locator} never got the keyboard focus after {limit} Tabs")

    def key_activate(self, locator, key: str = "Enter") -> None:
        """Tab to ``locator`` and press ``key``: Enter follows a link or submits a form
        (and waits for the next page), Space ticks a box or chooses a radio button."""
        self.tab_to(locator)
        if key == "Enter":
            with self.page.expect_navigation(wait_until="load"):
                self.page.keyboard.press(key)
        else:
            self.page.keyboard.press(key)
        self.checked()

    def key_type(self, locator, text: str) -> None:
        self.tab_to(locator)
        self.page.keyboard.type(text)

    def key_select(self, locator, label, limit: int = 60) -> None:
        """Choose an option of a <select> with the arrow keys (``label``: text or regex)."""
        self.tab_to(locator)
        for _ in range(limit):
            chosen = locator.evaluate("el => el.options[el.selectedIndex]?.text || ''")
            if label.search(chosen) if hasattr(label, "search") else chosen == label:
                return
            self.page.keyboard.press("ArrowDown")
        raise AssertionError(f"no option {label!r} in {locator}")

    def close(self):
        self.checked()
        self.context.close()


@pytest.fixture
def people(browser, live_app, request):
    """``people("icb.secretariat")`` signs that demo user in through the sign-in form and
    returns their :class:`Person`; ``people(None)`` is a member of the public."""
    opened: list[Person] = []

    def open_as(username: str | None, keyboard: bool = False) -> Person:
        person = Person(browser, live_app, username, username or "public")
        opened.append(person)
        if username is None:
            return person
        page = person.goto("/accounts/login/")
        if keyboard:
            person.key_type(page.get_by_label("Username"), username)
            person.key_type(page.get_by_label("Password"), PASSWORD)
            person.key_activate(page.get_by_role("button", name="Sign in"))
        else:
            page.get_by_label("Username").fill(username)
            page.get_by_label("Password").fill(PASSWORD)
            person.click(page.get_by_role("button", name="Sign in"))
        assert "/accounts/login/" not in page.url, f"{username} could not sign in"
        return person

    yield open_as
    problems = []
    for person in opened:
        person.close()
        problems += [f"{person.name}: {v}" for v in person.violations()]
        problems += [f"{person.name}: console: {e}" for e in person.console_errors]
        unchecked = {u for u in person.loads if u.startswith(live_app)} - {
            r["url"] for r in person.reports
        }
        problems += [f"{person.name}: axe did not check {u}" for u in sorted(unchecked)]
    if problems and not getattr(request.node, "rep_call_failed", lambda: True)():
        pytest.fail("axe or the console found problems:\n" + "\n".join(problems))
    elif problems:
        print("axe or the console also found:\n" + "\n".join(problems))


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.when == "call":
        failed = report.failed
        item.rep_call_failed = lambda: failed


@pytest.fixture(scope="session", autouse=True)
def _fresh_screenshots():
    if SCREENSHOTS.exists():
        shutil.rmtree(SCREENSHOTS, ignore_errors=True)
    yield
