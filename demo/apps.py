from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Demo and synthetic data: the one place that seeds them; no other app imports it."""

    name = "demo"
    verbose_name = "Demo data"
