"""Included by allauth's own URLs (under /accounts/) for every provider it knows.

FranceConnect and ProConnect are two providers of this package: allauth includes these
patterns once for each (the same patterns, so the second copy is never reached).
"""

from django.urls import path

from council.identity import views

urlpatterns = [
    *(
        pattern
        for provider in ("franceconnect", "proconnect")
        for pattern in (
            path(f"{provider}/<slug:provider_id>/login/", views.login, {"provider": provider}, name=f"{provider}_login"),
            path(
                f"{provider}/<slug:provider_id>/login/callback/", views.callback, {"provider": provider},
                name=f"{provider}_callback",
            ),
            path(
                f"{provider}/<slug:provider_id>/logout/callback/", views.logout_callback, {"provider": provider},
                name=f"{provider}_logout_callback",
            ),
        )
    ),
    # A council's own Google, Microsoft, Facebook or GitHub app (its generic OpenID Connect
    # app is served by allauth's own oidc/<provider_id>/ addresses).
    path("council-social/<slug:provider_id>/login/", views.council_social_login, name="council_social_login"),
    path(
        "council-social/<slug:provider_id>/login/callback/",
        views.council_social_callback,
        name="council_social_callback",
    ),
]
