from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "council.core"
    label = "core"
