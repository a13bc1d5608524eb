"""dev.py serve options (--port, --prod) and .ci/pg.sh finding initdb."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def dev():
    spec = importlib.util.spec_from_file_location("dev_script", PROJECT / "dev.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_default_serve_is_runserver_on_8000_with_debug(dev):
    env, commands = dev.serve_plan(dev.serve_options([]), {"PATH": "/usr/bin"})
    assert env["DEBUG"] == "1"
    assert [str(c) for c in commands[-1][1:]] == ["manage.py", "runserver", "127.0.0.1:8000"]
    assert [str(c) for c in commands[1][1:]] == ["manage.py", "seed_demo"]


def test_port_option(dev):
    _, commands = dev.serve_plan(dev.serve_options(["--port", "8113"]), {})
    assert str(commands[-1][-1]) == "127.0.0.1:8113"


def test_prod_runs_gunicorn_with_debug_off_and_a_generated_secret(dev):
    options = dev.serve_options(["--prod", "--port", "8114", "--workers", "3"])
    env, commands = dev.serve_plan(options, {"DATABASE_URL": "postgres://x@127.0.0.1/db"})
    assert env["DEBUG"] == "0"
    assert len(env["SECRET_KEY"]) >= 50
    assert env["DATABASE_URL"] == "postgres://x@127.0.0.1/db"  # the same database
    assert env["SESSION_COOKIE_SECURE"] == "0" and env["CSRF_COOKIE_SECURE"] == "0"
    server = [str(c) for c in commands[-1]]
    assert server[0].endswith("gunicorn") and "governance.wsgi:application" in server
    assert server[server.index("--bind") + 1] == "127.0.0.1:8114"
    assert server[server.index("--workers") + 1] == "3"
    assert any("collectstatic" in map(str, c) for c in commands)
    assert not env["STATIC_ROOT"].endswith("/staticfiles")  # never the checkout's own
    # a new secret every run, unless one is given
    assert dev.serve_plan(options, {})[0]["SECRET_KEY"] != env["SECRET_KEY"]
    assert dev.serve_plan(options, {"SECRET_KEY": "k" * 60})[0]["SECRET_KEY"] == "k" * 60


@pytest.mark.parametrize("argv", [["--port", "0"], ["--port", "70000"], ["--port", "x"],
                                  ["--workers", "0"], ["--bogus"]])
def test_bad_options_are_refused(dev, argv):
    with pytest.raises(SystemExit) as exc:
        dev.serve_options(argv)
    assert exc.value.code == 2


def test_bad_option_fails_before_installing_anything():
    result = subprocess.run(  # noqa: S603
        [sys.executable, str(PROJECT / "dev.py"), "serve", "--port", "99999"],
        capture_output=True, text=True, timeout=60, check=False,
    )
    assert result.returncode == 2
    assert "--port 99999 is not a TCP port" in result.stderr


def source_pg_sh(path_value: str, **extra: str) -> subprocess.CompletedProcess:
    script = f'source "{PROJECT}/.ci/pg.sh"; echo "PG_BIN=$PG_BIN"'
    env = {"PATH": path_value, **extra}
    return subprocess.run(  # noqa: S603
        ["/bin/bash", "-c", script], env=env, capture_output=True, text=True, timeout=30
    )


debian_bins = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))


@pytest.mark.skipif(not debian_bins, reason="no Debian PostgreSQL installed here")
def test_pg_sh_finds_initdb_off_path():
    result = source_pg_sh("/usr/bin:/bin")
    assert result.returncode == 0, result.stderr
    assert f"PG_BIN={debian_bins[-1].parent}" in result.stdout


def test_pg_sh_honours_pg_bin_and_refuses_a_wrong_one(tmp_path):
    script = f'source "{PROJECT}/.ci/pg.sh"; echo "PG_BIN=$PG_BIN"; pg_start'
    result = subprocess.run(  # noqa: S603
        ["/bin/bash", "-c", script],
        env={"PATH": "/usr/bin:/bin", "PG_BIN": str(tmp_path)},
        capture_output=True, text=True, timeout=30,
    )
    assert f"PG_BIN={tmp_path}" in result.stdout
    assert result.returncode == 1 and "no initdb" in result.stderr
