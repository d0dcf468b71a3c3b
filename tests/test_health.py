import json

import pytest

import zhonglou
from tests.helpers import run_manage


@pytest.mark.django_db
def test_healthz_reports_database_broker_and_version(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["database"] == "ok"
    assert body["broker"] in {"eager", "ok"}
    assert body["version"] == zhonglou.__version__
    assert response["Cache-Control"].startswith("max-age=0")


def test_healthz_answers_503_when_the_database_is_unreachable():
    # A child process whose DATABASE_URL points at a port nothing listens on: a real
    # unreachable server, not a mocked connection.
    script = (
        "from django.test import Client; r = Client(HTTP_HOST='localhost').get('/healthz'); "
        "print('RESULT', r.status_code, r.content.decode())"
    )
    result = run_manage(
        "shell", "-c", script, env={"DATABASE_URL": "postgres://postgres@127.0.0.1:1/nowhere"}
    )
    assert result.returncode == 0, result.stderr
    line = next(x for x in result.stdout.splitlines() if x.startswith("RESULT "))
    status, body = line.removeprefix("RESULT ").split(" ", 1)
    assert status == "503"
    assert json.loads(body)["database"] == "down"
