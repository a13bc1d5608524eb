#!/usr/bin/env python3
"""Set up and run the project with Python 3.11+ (standard library only) and npm.

    python3 dev.py serve   # venv, pip and npm packages, migrations, demo data, serve :8000
    python3 dev.py test    # venv, dependencies, then the whole test suite (pytest)

    python3 dev.py serve --port 8010   # another port
    python3 dev.py serve --prod        # production mode: gunicorn, DEBUG off, static files
                                       # collected and served by WhiteNoise, a fresh secret

Extra arguments after ``test`` go to pytest. ``DATABASE_URL`` selects PostgreSQL (both
modes use the same database). ``--prod`` is for trying production mode locally over plain
HTTP on loopback: secure cookies are off; a real deployment is described in the README.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import secrets
import shutil
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PY = BIN / ("python.exe" if os.name == "nt" else "python")
STAMP = VENV / ".installed"
# Inside node_modules, so deleting that folder installs it again.
NODE_STAMP = ROOT / "node_modules" / ".installed-lock"


def run(*args: str | Path, env: dict | None = None) -> None:
    print("+", " ".join(str(a) for a in args), flush=True)
    result = subprocess.run([str(a) for a in args], cwd=ROOT, env=env, check=False)
    if result.returncode != 0:
        sys.exit(result.returncode)


def ensure_environment() -> None:
    if sys.version_info < (3, 11):
        sys.exit("Python 3.11 or newer is required.")
    if not PY.exists():
        venv.EnvBuilder(with_pip=True).create(VENV)
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if not STAMP.exists() or STAMP.read_text() != digest:
        run(PY, "-m", "pip", "install", "--quiet", "--upgrade", "pip")
        run(PY, "-m", "pip", "install", "--quiet", "-e", ".[dev]")
        STAMP.write_text(digest)
    ensure_node_modules()


def ensure_node_modules() -> None:
    """The NHS.UK frontend (and axe-core for the browser tests), exactly as
    package-lock.json pins them: `npm ci` again whenever the lock file changes."""
    lock = ROOT / "package-lock.json"
    digest = hashlib.sha256(lock.read_bytes()).hexdigest()
    if NODE_STAMP.exists() and NODE_STAMP.read_text() == digest:
        return
    npm = shutil.which("npm")
    if npm is None:
        sys.exit(
            "npm (Node.js 18 or newer) is needed to install the NHS.UK frontend "
            "(e.g. `apt-get install npm`); then run this command again."
        )
    run(npm, "ci", "--ignore-scripts", "--no-audit", "--no-fund")
    NODE_STAMP.write_text(digest)


def serve_options(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="dev.py serve")
    parser.add_argument("--port", type=int, default=8000, help="port on 127.0.0.1 (8000)")
    parser.add_argument(
        "--prod", action="store_true", help="gunicorn with DEBUG off, as in production"
    )
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (--prod)")
    options = parser.parse_args(argv)
    if not 1 <= options.port <= 65535:
        parser.error(f"--port {options.port} is not a TCP port (1-65535)")
    if options.workers < 1:
        parser.error("--workers must be at least 1")
    return options


def serve_plan(options: argparse.Namespace, environ: dict[str, str]) -> tuple[dict, list]:
    """The environment and the commands ``serve`` runs (separate for testing)."""
    address = f"127.0.0.1:{options.port}"
    if not options.prod:
        env = {**environ, "DEBUG": environ.get("DEBUG", "1")}
        server = [PY, "manage.py", "runserver", address]
        return env, [
            [PY, "manage.py", "migrate", "--noinput"],
            [PY, "manage.py", "seed_demo"],
            server,
        ]
    env = {
        **environ,
        "DEBUG": "0",
        # A fresh secret each run (sessions do not survive a restart); keep one you set.
        "SECRET_KEY": environ.get("SECRET_KEY") or secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost"),
        # Plain HTTP on loopback: cookies cannot be Secure-only here.
        "SESSION_COOKIE_SECURE": "0",
        "CSRF_COOKIE_SECURE": "0",
        # Collected apart from the checkout's staticfiles/, so tests never see a stale set.
        "STATIC_ROOT": environ.get("STATIC_ROOT", str(VENV / "static-prod")),
    }
    gunicorn = [
        BIN / "gunicorn",
        "governance.wsgi:application",
        "--bind",
        address,
        "--workers",
        str(options.workers),
        "--access-logfile",
        "-",
    ]
    return env, [
        [PY, "manage.py", "migrate", "--noinput"],
        [PY, "manage.py", "seed_demo"],
        [PY, "manage.py", "collectstatic", "--noinput", "--verbosity", "0"],
        gunicorn,
    ]


def serve(argv: list[str]) -> None:
    env, commands = serve_plan(serve_options(argv), dict(os.environ))
    for command in commands:
        run(*command, env=env)


def test(extra: list[str]) -> None:
    env = {**os.environ}
    env.setdefault("SECRET_KEY", "tests-only-secret-key")
    env["DEBUG"] = "0"
    run(PY, "-m", "pytest", *extra, env=env)


def main() -> None:
    if len(sys.argv) < 2 or sys.argv[1] not in {"serve", "test"}:
        sys.exit(__doc__)
    if sys.argv[1] == "serve":
        options = sys.argv[2:]
        serve_options(options)  # bad options fail before anything is installed
        ensure_environment()
        serve(options)
        return
    ensure_environment()
    test(sys.argv[2:])


if __name__ == "__main__":
    main()
