"""A consultation's contribution statistics: the counts, the hidden small groups, who reads them, their cost."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from council.consultation.models import Comment
from council.consultation.models import Contribution
from council.consultation.models import Endorsement
from council.consultation.statistics.selectors import contribution_statistics
from council.groups.models import Membership
from council.groups.models import NeighbourhoodGroup

pytestmark = pytest.mark.django_db


@pytest.fixture
def contributed(council, user_with_role):
    """Return a maker: `contributed(consultation, n, group=None, **fields)` gives n contributions of n new residents."""

    def make(consultation, n, *, group=None, category=None, ago=0, endorsers=(), **fields):
        made = []
        for _ in range(n):
            author = user_with_role("resident", council)
            if group is not None:
                Membership.objects.create(group=group, user=author, status=Membership.Status.ACTIVE)
            made.append(Contribution.objects.create(
                consultation=consultation, author=author, title="Idée", body="Texte", category=category,
                created_at=timezone.now() - timedelta(days=ago), **fields,
            ))
        return made

    return make


def _url(consultation):
    return f"/c/{consultation.council.slug}/consultations/{consultation.pk}/statistics/"


def test_counts_by_category_status_and_week_of_the_visible_contributions(make_consultation, contributed, resident):
    consultation = make_consultation()
    mobility, green = consultation.categories.all()
    first = contributed(consultation, 3, category=mobility, ago=14)[0]
    contributed(consultation, 2, category=green, status=Contribution.Status.ACCEPTED)
    contributed(consultation, 1)
    contributed(consultation, 1, category=green, hidden=True)  # counted nowhere
    Endorsement.objects.create(contribution=first, user=resident)
    Comment.objects.create(contribution=first, author=resident, body="D'accord")
    Contribution.objects.filter(pk=first.pk).update(endorsement_count=1, comment_count=1)

    found = contribution_statistics(consultation)

    assert (found["contributions"], found["endorsements"], found["comments"]) == (6, 1, 1)
    assert found["participants"] == 7  # six authors and the resident who supported and commented
    assert found["categories"] == [("Mobilité", 3), ("Espaces verts", 2), ("No category", 1)]
    assert dict(found["statuses"])["Accepted"] == 2
    assert dict(found["statuses"])["Published"] == 4
    assert [n for _week, n in found["weeks"]] == [3, 0, 3]  # two weeks apart, the week between counted 0
    assert [s["count"] for s in found["category_pie"]] == [3, 2, 1]


def test_a_group_of_fewer_than_five_participants_shows_no_count(make_consultation, contributed, council):
    consultation = make_consultation()
    large, small = (NeighbourhoodGroup.objects.create(council=council, name=name) for name in ("Gare", "Port"))
    contributed(consultation, 5, group=large)
    contributed(consultation, 4, group=small)

    assert contribution_statistics(consultation)["groups"] == [("Gare", 5), ("Port", None)]


def _queries(client, consultation):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(_url(consultation)).status_code == 200
    return len(queries)


def test_the_page_takes_as_many_queries_for_thirty_contributions_as_for_three(client, moderator, make_consultation, contributed, council):
    consultation = make_consultation()
    group = NeighbourhoodGroup.objects.create(council=council, name="Gare")
    category = consultation.categories.first()
    contributed(consultation, 3, group=group, category=category)
    client.force_login(moderator)
    small = _queries(client, consultation)
    for ago in (0, 7, 21):
        contributed(consultation, 9, group=group, category=category, ago=ago)

    assert _queries(client, consultation) == small


def test_a_resident_may_not_read_them_before_the_results_phase_everyone_may_then(client, make_consultation, resident, moderator):
    before, after = make_consultation(phase="questionnaire"), make_consultation(phase="results")
    client.force_login(resident)

    assert client.get(_url(before)).status_code == 404
    assert client.get(_url(after)).status_code == 200
    client.force_login(moderator)
    page = client.get(_url(before))
    assert page.status_code == 200
    assert 'role="img"' in page.content.decode()
    assert _url(before) in client.get(f"/c/{before.council.slug}/consultations/{before.pk}/").content.decode()
