from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include
from django.urls import path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include("council.accounts.urls")),
    path("accounts/", include("allauth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("c/<slug:council_slug>/workshops/", include("council.workshops.urls")),
    path("", include("council.councils.urls")),
    *static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT),
]
