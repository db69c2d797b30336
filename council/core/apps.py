from django.apps import AppConfig
from django.core import checks


class CoreConfig(AppConfig):
    name = "council.core"
    label = "core"

    def ready(self) -> None:
        from council.core.proxy import check_one_proxy_rule

        checks.register(check_one_proxy_rule, checks.Tags.security)
