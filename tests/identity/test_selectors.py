import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from council.accounts.models import Verification
from council.accounts.selectors import has_verification
from tests.factories import CouncilFactory
from tests.factories import UserFactory

FRANCECONNECT = "franceconnect"


@pytest.mark.django_db
def test_has_verification_by_kind_and_council():
    person, nord, sud = UserFactory(), CouncilFactory(), CouncilFactory()
    Verification.objects.create(user=person, kind=FRANCECONNECT, council=nord, verified_at=timezone.now())

    assert has_verification(person, FRANCECONNECT)
    assert has_verification(person, FRANCECONNECT, council_id=nord.id)
    assert not has_verification(person, FRANCECONNECT, council_id=sud.id)
    assert not has_verification(UserFactory(), FRANCECONNECT)
    assert not has_verification(AnonymousUser(), FRANCECONNECT)
