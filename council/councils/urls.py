from django.urls import path

from council.councils import views
from council.councils.models import CouncilPage

# The statement pages keep the French addresses French sites use and people look for
# (…/accessibilite/ is where an RGAA auditor or the Défenseur des droits expects the statement);
# the address is the same in English, only the labels change.
PAGES = [
    ("accessibilite", CouncilPage.Kind.ACCESSIBILITY, "council-accessibility"),
    ("mentions-legales", CouncilPage.Kind.LEGAL, "council-legal"),
    ("donnees-personnelles", CouncilPage.Kind.PRIVACY, "council-privacy"),
]

urlpatterns = [
    path("", views.home, name="home"),
    path("c/<slug:council_slug>/", views.council_detail, name="council-detail"),
    path("c/<slug:council_slug>/join/", views.council_join, name="council-join"),
    *(
        path(f"c/<slug:council_slug>/{address}/", views.council_page, {"kind": kind}, name=name)
        for address, kind, name in PAGES
    ),
    *(
        path(f"c/<slug:council_slug>/{address}/modifier/", views.council_page_edit, {"kind": kind}, name=f"{name}-edit")
        for address, kind, name in PAGES
    ),
    path("c/<slug:council_slug>/audit/", views.audit_log, name="council-audit"),
]
