#!/usr/bin/env python3
"""Set up and run the project with nothing but Python 3.11+ (standard library only).

    python3 dev.py serve   # venv, dependencies, migrations, demo data, then serve :8000
    python3 dev.py test    # venv, dependencies, then the whole test suite (pytest)

Extra arguments after ``test`` go to pytest. ``DATABASE_URL`` selects PostgreSQL.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PY = BIN / ("python.exe" if os.name == "nt" else "python")
STAMP = VENV / ".installed"


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


def serve() -> None:
    env = {**os.environ, "DEBUG": os.environ.get("DEBUG", "1")}
    run(PY, "manage.py", "migrate", "--noinput", env=env)
    run(PY, "manage.py", "seed_demo", env=env)
    run(PY, "manage.py", "runserver", "127.0.0.1:8000", env=env)


def test(extra: list[str]) -> None:
    env = {**os.environ}
    env.setdefault("SECRET_KEY", "tests-only-secret-key")
    env["DEBUG"] = "0"
    run(PY, "-m", "pytest", *extra, env=env)


def main() -> None:
    if len(sys.argv) < 2 or sys.argv[1] not in {"serve", "test"}:
        sys.exit(__doc__)
    ensure_environment()
    if sys.argv[1] == "serve":
        serve()
    else:
        test(sys.argv[2:])


if __name__ == "__main__":
    main()
