import pytest
from django.core.management import call_command


@pytest.mark.django_db
def test_verify_audit_on_empty_trail(capsys):
    call_command("verify_audit")
    assert "0 events checked" in capsys.readouterr().out
