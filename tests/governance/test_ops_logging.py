"""Logging: each django.request warning once (it was printed twice), with the request
id; JSON lines when LOG_JSON=1. Run in a fresh process each, with the real LOGGING."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from governance.logging_utils import logging_config

PROJECT = Path(__file__).resolve().parents[2]

PROBE = textwrap.dedent(
    """
    import django
    django.setup()
    from django.test import Client
    client = Client()
    r = client.get("/no-such-page/", HTTP_X_REQUEST_ID="req-page-404")
    assert r.status_code == 404, r.status_code
    r = client.post(
        "/api/v1/auth/token/", "{}", content_type="application/json",
        HTTP_X_REQUEST_ID="req-api-400",
    )
    assert r.status_code == 400, r.status_code
    """
)


def run_probe(**env: str) -> list[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PYTEST_"))}
    clean.update({"SECRET_KEY": "x", "ALLOWED_HOSTS": "testserver", "LOG_LEVEL": "WARNING"})
    clean["DJANGO_SETTINGS_MODULE"] = "governance.settings"
    clean.update(env)
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", PROBE],
        env=clean,
        cwd=PROJECT,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert result.returncode == 0, result.stderr
    return [line for line in result.stderr.splitlines() if line.strip()]


@pytest.mark.parametrize("debug", ["0", "1"])
def test_each_request_warning_is_logged_once_with_its_request_id(debug):
    lines = run_probe(DEBUG=debug)
    not_found = [line for line in lines if "Not Found: /no-such-page/" in line]
    bad_request = [line for line in lines if "Bad Request: /api/v1/auth/token/" in line]
    assert len(not_found) == 1, lines
    assert len(bad_request) == 1, lines
    assert "[req-page-404]" in not_found[0]
    # logged by Django after the middleware has returned: the id comes from the request
    assert "[req-api-400]" in bad_request[0]
    assert " WARNING django.request " in not_found[0]


def test_json_lines_when_asked():
    lines = run_probe(DEBUG="0", LOG_JSON="1")
    records = [json.loads(line) for line in lines]  # every line is one JSON object
    by_id = {r["request_id"]: r for r in records if r["logger"] == "django.request"}
    assert set(by_id) == {"req-page-404", "req-api-400"}
    page = by_id["req-page-404"]
    assert page["level"] == "WARNING" and page["status_code"] == 404
    assert page["path"] == "/no-such-page/" and page["method"] == "GET"
    assert page["ts"].endswith("+00:00")
    assert by_id["req-api-400"]["status_code"] == 400


def test_config_has_one_handler_and_django_loggers_only_propagate():
    config = logging_config(level="INFO", json_lines=True)
    assert list(config["handlers"]) == ["console"]
    assert config["root"]["handlers"] == ["console"]
    for name in ("django", "django.server"):
        assert config["loggers"][name]["handlers"] == []
        assert config["loggers"][name]["propagate"] is True
    assert config["handlers"]["console"]["formatter"] == "json"


def test_a_traceback_is_one_json_line():
    import logging

    from governance.logging_utils import JsonLinesFormatter, RequestIdFilter

    try:
        raise RuntimeError("render failed")
    except RuntimeError:
        record = logging.getLogger("x").makeRecord(
            "x", logging.ERROR, __file__, 1, "boom %s", ("now",), sys.exc_info()
        )
    RequestIdFilter().filter(record)
    line = JsonLinesFormatter().format(record)
    assert "\n" not in line
    entry = json.loads(line)
    assert entry["message"] == "boom now" and "RuntimeError: render failed" in entry["exc"]
    assert entry["request_id"] == "-"
