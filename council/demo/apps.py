from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Demo data, seeded from the top: this app may import every other one, none imports it."""

    name = "council.demo"
    label = "demo"
    verbose_name = "Demo"
