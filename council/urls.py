from allauth.account.decorators import secure_admin_login
from django.conf import settings
from django.contrib import admin
from django.urls import include
from django.urls import path

from council.core.uploads import serve_upload
from council.verifications import urls as verification_urls

# The admin's own log-in form would take a password alone: it hands over to allauth's, which asks
# for the second factor (council/councils/mfa.py).
admin.site.login = secure_admin_login(admin.site.login)  # type: ignore[method-assign]

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/verifications/", include(verification_urls.person_urlpatterns)),
    path("accounts/", include("council.accounts.urls")),
    path("accounts/", include("council.youth.urls")),
    path("accounts/", include("allauth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", include("council.consultation.api.urls")),
    path("c/<slug:council_slug>/workshops/", include("council.workshops.urls")),
    path("c/<slug:council_slug>/assembly/", include("council.voting.assembly.urls")),
    path("c/<slug:council_slug>/votes/", include("council.voting.ballots.urls")),
    path("c/<slug:council_slug>/consultations/", include("council.consultation.urls")),
    path("c/<slug:council_slug>/consultations/", include("council.consultation.questionnaires.urls")),
    path("c/<slug:council_slug>/petitions/", include("council.consultation.petitions.urls")),
    path("c/<slug:council_slug>/budgets/", include("council.budgeting.urls")),
    path("p/", include("council.voting.polls.urls")),  # a poll's short link (QR code)
    path("", include("council.councils.urls")),
    # Each layer's pages, mounted here from the top: councils knows nothing of the apps above it.
    path("c/<slug:council_slug>/rooms/", include("council.rooms.urls")),
    path("c/<slug:council_slug>/rooms/", include("council.voting.questions.urls")),
    path("c/<slug:council_slug>/verifications/", include(verification_urls.council_urlpatterns)),
    path("c/<slug:council_slug>/", include("council.groups.urls")),
    # Uploads in every setting, not only with DEBUG on (`static()` is a no-op without it);
    # a proxy in front may serve them itself with the same headers (README, Security).
    path(f"{settings.MEDIA_URL.strip('/')}/<path:path>", serve_upload, name="upload"),
]
