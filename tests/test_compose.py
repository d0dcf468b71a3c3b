from pathlib import Path

import yaml

COMPOSE = yaml.safe_load(
    (Path(__file__).resolve().parent.parent / "docker-compose.yml").read_text()
)


def test_compose_has_the_production_services():
    services = COMPOSE["services"]
    assert services["db"]["image"].startswith("postgres:16")
    assert services["redis"]["image"].startswith("redis:7")
    assert {"web", "worker", "beat"} <= services.keys()


def test_worker_and_beat_reuse_the_web_image():
    services = COMPOSE["services"]
    images = {services[name]["image"] for name in ("web", "worker", "beat")}
    assert images == {"zhonglou:latest"}
    assert "worker" in services["worker"]["command"]
    assert "django_celery_beat.schedulers:DatabaseScheduler" in services["beat"]["command"]


def test_every_long_running_service_has_a_health_check_and_data_is_on_named_volumes():
    services = COMPOSE["services"]
    for name in ("db", "redis", "web", "worker"):
        assert "healthcheck" in services[name], name
    assert {"pgdata", "redisdata", "media"} <= COMPOSE["volumes"].keys()
