import pytest
from django.core.exceptions import ImproperlyConfigured

from tests.helpers import run_manage
from zhonglou.settings import environment as env


def test_database_url_defaults_to_sqlite_file():
    config = env.read_database("DATABASE_URL", "sqlite:////tmp/x.sqlite3", {})
    assert config["ENGINE"] == "django.db.backends.sqlite3"
    assert config["NAME"] == "/tmp/x.sqlite3"


def test_postgres_url_is_parsed_with_health_checks():
    config = env.read_database(
        "DATABASE_URL", "", {"DATABASE_URL": "postgres://postgres@127.0.0.1:5432/zl"}
    )
    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert (config["NAME"], config["HOST"], config["PORT"]) == ("zl", "127.0.0.1", 5432)
    assert config["CONN_HEALTH_CHECKS"] is True
    assert config["OPTIONS"]["prepare_threshold"] == 5  # zhonglou.db.fetch_one prepares


def test_prepared_statements_can_be_turned_off_for_a_pooler():
    config = env.read_database(
        "DATABASE_URL",
        "",
        {
            "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/zl",
            "DATABASE_PREPARED_STATEMENTS": "false",
        },
    )
    assert config["OPTIONS"]["prepare_threshold"] is None


@pytest.mark.parametrize(
    "url", ["nonsense", "mysql://u@h/db", "postgres://u@h:notaport/db", "postgres://u@h/"]
)
def test_malformed_database_url_names_the_variable(url):
    with pytest.raises(ImproperlyConfigured, match=r"^DATABASE_URL: "):
        env.read_database("DATABASE_URL", "", {"DATABASE_URL": url})


@pytest.mark.parametrize(
    ("raw", "expected"), [("1", True), ("true", True), ("Yes", True), ("0", False), ("off", False)]
)
def test_bool_accepts_the_usual_spellings(raw, expected):
    assert env.read_bool("DEBUG", not expected, {"DEBUG": raw}) is expected


def test_bool_refuses_anything_else():
    with pytest.raises(ImproperlyConfigured, match=r"^DEBUG: .*'maybe'"):
        env.read_bool("DEBUG", False, {"DEBUG": "maybe"})


def test_allowed_hosts_is_a_comma_list_without_holes():
    assert env.read_list("ALLOWED_HOSTS", [], {"ALLOWED_HOSTS": "a.org, b.org"}) == [
        "a.org",
        "b.org",
    ]
    with pytest.raises(ImproperlyConfigured, match=r"^ALLOWED_HOSTS: "):
        env.read_list("ALLOWED_HOSTS", [], {"ALLOWED_HOSTS": "a.org,,b.org"})


def test_email_url_console_and_smtp():
    assert env.read_email("EMAIL_URL", "consolemail://", {})["EMAIL_BACKEND"].endswith(
        "console.EmailBackend"
    )
    smtp = env.read_email("EMAIL_URL", "", {"EMAIL_URL": "smtp+tls://u:p@mail.example.org:587"})
    assert (smtp["EMAIL_HOST"], smtp["EMAIL_PORT"], smtp["EMAIL_USE_TLS"]) == (
        "mail.example.org",
        587,
        True,
    )
    with pytest.raises(ImproperlyConfigured, match=r"^EMAIL_URL: "):
        env.read_email("EMAIL_URL", "", {"EMAIL_URL": "carrier-pigeon://coop"})


def test_broker_unset_means_eager_and_bad_scheme_is_refused():
    assert env.read_broker("CELERY_BROKER_URL", {}) is None
    assert env.read_broker("CELERY_BROKER_URL", {"CELERY_BROKER_URL": "redis://h:6379/0"})
    with pytest.raises(ImproperlyConfigured, match=r"^CELERY_BROKER_URL: "):
        env.read_broker("CELERY_BROKER_URL", {"CELERY_BROKER_URL": "localhost:6379"})


def test_integer_variable_must_be_an_integer():
    with pytest.raises(ImproperlyConfigured, match=r"^CELERY_TASK_TIME_LIMIT: "):
        env.read_int("CELERY_TASK_TIME_LIMIT", 1, {"CELERY_TASK_TIME_LIMIT": "ten"})


@pytest.mark.parametrize("raw", ["0", "-3"])
def test_integer_variable_below_its_minimum_is_refused(raw):
    with pytest.raises(ImproperlyConfigured, match=rf"^EVIDENCE_PACKAGE_DAYS: .*least 1.*'{raw}'"):
        env.read_int("EVIDENCE_PACKAGE_DAYS", 7, {"EVIDENCE_PACKAGE_DAYS": raw}, minimum=1)
    assert env.read_int("EVIDENCE_PACKAGE_DAYS", 7, {"EVIDENCE_PACKAGE_DAYS": "1"}, minimum=1) == 1
    assert env.read_int("EVIDENCE_PACKAGE_DAYS", 7, {}, minimum=1) == 7


@pytest.mark.parametrize("raw", ["0", "-1"])
def test_process_start_fails_when_evidence_packages_would_be_kept_no_day(raw):
    result = run_manage("check", env={"EVIDENCE_PACKAGE_DAYS": raw})
    assert result.returncode != 0
    assert f"EVIDENCE_PACKAGE_DAYS: expected an integer of at least 1, got '{raw}'" in result.stderr
    show = "from django.conf import settings; print(settings.EVIDENCE_PACKAGE_DAYS)"
    kept = run_manage("shell", "-c", show, env={"EVIDENCE_PACKAGE_DAYS": "1"})
    assert kept.stdout.split()[-1] == "1"


def test_process_start_fails_naming_the_malformed_variable():
    result = run_manage("check", env={"DATABASE_URL": "not-a-url"})
    assert result.returncode != 0
    assert "DATABASE_URL: " in result.stderr


def test_production_requires_secret_key():
    result = run_manage(
        "check",
        env={"DJANGO_SETTINGS_MODULE": "zhonglou.settings.production", "SECRET_KEY": ""},
    )
    assert result.returncode != 0
    assert "SECRET_KEY: this variable is required" in result.stderr


def test_language_and_time_zone(settings):
    assert settings.LANGUAGE_CODE == "zh-hans"
    assert "en" in dict(settings.LANGUAGES)
    assert settings.TIME_ZONE == "Asia/Shanghai"
    assert settings.USE_TZ is True


def test_a_choice_variable_accepts_its_choices_only():
    modes = ("celery", "thread", "inline")
    assert env.read_choice("ASSESSMENT_RECOMPUTE", modes, "thread", {}) == "thread"
    environ_ = {"ASSESSMENT_RECOMPUTE": "inline"}
    assert env.read_choice("ASSESSMENT_RECOMPUTE", modes, "thread", environ_) == "inline"
    with pytest.raises(ImproperlyConfigured, match=r"^ASSESSMENT_RECOMPUTE: expected one of"):
        env.read_choice("ASSESSMENT_RECOMPUTE", modes, "thread", {"ASSESSMENT_RECOMPUTE": "later"})


def test_sqlite_waits_for_the_other_writer_instead_of_failing():
    config = env.read_database("DATABASE_URL", "sqlite:////tmp/x.sqlite3", {})
    assert config["OPTIONS"] == {"timeout": 20, "transaction_mode": "IMMEDIATE"}


def test_without_a_broker_the_recompute_runs_in_a_background_thread():
    show = "from django.conf import settings; print(settings.ASSESSMENT_RECOMPUTE)"
    local = {"DJANGO_SETTINGS_MODULE": "zhonglou.settings.local", "CELERY_BROKER_URL": ""}
    assert run_manage("shell", "-c", show, env=local).stdout.split()[-1] == "thread"
    broker = {**local, "CELERY_BROKER_URL": "redis://127.0.0.1:6379/0"}
    assert run_manage("shell", "-c", show, env=broker).stdout.split()[-1] == "celery"
    bad = run_manage("check", env={"ASSESSMENT_RECOMPUTE": "later"})
    assert bad.returncode != 0
    assert "ASSESSMENT_RECOMPUTE: expected one of celery, thread, inline" in bad.stderr
