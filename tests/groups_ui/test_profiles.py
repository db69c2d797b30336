"""A resident's profile page (questions, location by map point or zone list) and the questions page."""

import json
from typing import Any

import pytest
from django.urls import reverse

from council.groups.models import NeighbourhoodGroup
from council.groups.models import ProfileAttribute
from council.groups.models import ProfileValue
from council.groups.models import ResidentProfile
from council.groups.services import profile_update
from council.groups.services import zones_import

pytestmark = pytest.mark.django_db

NORD = (2.30, 48.85, 2.40, 48.95)
SUD = (2.30, 48.75, 2.40, 48.85)


def square(name: str, box: tuple[float, float, float, float]) -> dict[str, Any]:
    min_lon, min_lat, max_lon, max_lat = box
    ring = [[min_lon, min_lat], [max_lon, min_lat], [max_lon, max_lat], [min_lon, max_lat], [min_lon, min_lat]]
    return {"type": "Feature", "properties": {"name": name}, "geometry": {"type": "Polygon", "coordinates": [ring]}}


@pytest.fixture
def administrator(council, user_with_role):
    return user_with_role("administrator", council)


@pytest.fixture
def questions(council) -> dict[str, ProfileAttribute]:
    kind = ProfileAttribute.Kind
    specs = [
        ("age", "Tranche d'âge", kind.CHOICE, ["moins de 25 ans", "25-64 ans", "65 ans et plus"]),
        ("interets", "Centres d'intérêt", kind.MULTI_CHOICE, ["vélo", "jardins", "écoles"]),
        ("enfants", "Nombre d'enfants", kind.NUMBER, []),
        ("commercant", "Êtes-vous commerçant ?", kind.BOOLEAN, []),
        ("metier", "Votre métier", kind.TEXT, []),
    ]
    return {
        key: ProfileAttribute.objects.create(
            council=council, key=key, label=label, kind=k, choices=choices, purpose=f"Pour {key}", position=i
        )
        for i, (key, label, k, choices) in enumerate(specs)
    }


@pytest.fixture
def zones(council, administrator):
    return zones_import(
        actor=administrator,
        council=council,
        geojson=json.dumps({"type": "FeatureCollection", "features": [square("Quartier Nord", NORD), square("Quartier Sud", SUD)]}),
    )


@pytest.fixture
def resident(council, user_with_role):
    return user_with_role("resident", council)


@pytest.fixture
def resident_client(client, resident):
    client.force_login(resident)
    return client


@pytest.fixture
def profile_url(council):
    return reverse("council-profile", kwargs={"council_slug": council.slug})


def answers_of(user) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for value in ProfileValue.objects.filter(profile__user=user).order_by("value"):
        found.setdefault(value.attribute.key, []).append(value.value)
    return found


def alert_text(response) -> str:
    page = response.content.decode()
    assert response.status_code == 200
    assert 'role="alert"' in page
    return page.split('role="alert"')[1].split("</")[0]


def test_each_question_has_its_widget_its_purpose_and_says_it_is_optional(resident_client, profile_url, questions):
    page = resident_client.get(profile_url).content.decode()

    assert '<select name="answer_age"' in page
    interests = page.split("<legend>Centres d&#x27;intérêt")[1].split("</fieldset>")[0]
    assert interests.count('type="checkbox" name="answer_interets"') == 3
    assert 'type="number" name="answer_enfants"' in page
    shopkeeper = page.split("<legend>Êtes-vous commerçant ?")[1].split("</fieldset>")[0]
    assert shopkeeper.count('type="radio" name="answer_commercant"') == 3  # yes, no, no answer
    assert 'type="text" name="answer_metier"' in page
    for key in questions:
        assert f"Pour {key}" in page
    assert page.count('<span class="optional">(') == len(questions)
    # The purpose is announced with the field.
    assert 'aria-describedby="id_answer_age_purpose id_answer_age_error"' in page


def test_saving_answers_of_every_kind(resident_client, resident, profile_url, questions):
    response = resident_client.post(
        profile_url,
        {
            "answer_age": "25-64 ans",
            "answer_interets": ["vélo", "écoles"],
            "answer_enfants": "2",
            "answer_commercant": "yes",
            "answer_metier": "boulangère",
        },
        follow=True,
    )

    assert response.status_code == 200
    assert answers_of(resident) == {
        "age": ["25-64 ans"],
        "interets": ["vélo", "écoles"],
        "enfants": ["2"],
        "commercant": ["yes"],
        "metier": ["boulangère"],
    }
    page = response.content.decode()
    assert '<input type="checkbox" name="answer_interets" value="vélo" id="id_answer_interets_0" checked>' in page
    assert '<option value="25-64 ans" selected>' in page
    assert 'value="boulangère"' in page


def test_an_answer_left_empty_erases_the_previous_one(resident_client, resident, council, profile_url, questions):
    profile_update(actor=resident, council=council, answers={"age": "65 ans et plus", "interets": ["vélo"]})

    resident_client.post(profile_url, {"answer_age": "", "answer_commercant": ""})

    assert answers_of(resident) == {}


def test_a_choice_that_is_not_offered_is_refused(resident_client, resident, profile_url, questions):
    response = resident_client.post(profile_url, {"answer_age": "130 ans", "answer_metier": "boulangère"})

    assert "130 ans" in alert_text(response)
    assert answers_of(resident) == {}


def test_a_wrong_number_is_refused_by_the_service_and_nothing_is_saved(resident_client, resident, profile_url, questions):
    response = resident_client.post(profile_url, {"answer_enfants": "deux", "answer_metier": "boulangère"})

    assert "Nombre d&#x27;enfants" in alert_text(response)
    assert answers_of(resident) == {}


def test_a_point_inside_a_zone_puts_the_resident_in_it(resident_client, resident, profile_url, zones):
    response = resident_client.post(
        profile_url, {"latitude": "48.9", "longitude": "2.35", "zone": "quartier-nord"}, follow=True
    )

    profile = ResidentProfile.objects.get(user=resident)
    assert (profile.latitude, profile.longitude, profile.zone.name) == (48.9, 2.35, "Quartier Nord")
    page = response.content.decode()
    assert "Quartier Nord" in page.split('class="current-zone"')[1].split("</p>")[0]


def test_a_new_point_moves_the_resident_to_its_zone(resident_client, resident, council, profile_url, zones):
    profile_update(actor=resident, council=council, answers={}, zone_slug="quartier-nord")

    # The map script put the clicked point in the hidden fields and chose its zone in the list.
    resident_client.post(profile_url, {"latitude": "48.80", "longitude": "2.35", "zone": "quartier-sud"})

    profile = ResidentProfile.objects.get(user=resident)
    assert (profile.zone.slug, profile.latitude, profile.longitude) == ("quartier-sud", 48.80, 2.35)


def test_a_point_outside_every_zone_is_kept_without_a_zone(resident_client, resident, profile_url, zones):
    resident_client.post(profile_url, {"latitude": "45.0", "longitude": "5.0", "zone": ""})

    profile = ResidentProfile.objects.get(user=resident)
    assert (profile.latitude, profile.zone) == (45.0, None)


def test_choosing_a_zone_in_the_list_works_without_the_map(resident_client, resident, profile_url, zones):
    page = resident_client.get(profile_url).content.decode()
    assert '<option value="quartier-sud">Quartier Sud</option>' in page
    assert '<label for="id_zone">' in page

    resident_client.post(profile_url, {"zone": "quartier-sud"})

    profile = ResidentProfile.objects.get(user=resident)
    assert (profile.zone.slug, profile.latitude) == ("quartier-sud", None)


def test_a_zone_chosen_in_the_list_replaces_an_earlier_point(resident_client, resident, council, profile_url, zones):
    profile_update(actor=resident, council=council, answers={}, latitude=48.9, longitude=2.35)

    # Without the script, the old point is still in the hidden fields.
    resident_client.post(profile_url, {"latitude": "48.9", "longitude": "2.35", "zone": "quartier-sud"})

    profile = ResidentProfile.objects.get(user=resident)
    assert (profile.zone.slug, profile.latitude, profile.longitude) == ("quartier-sud", None, None)


def test_forget_my_location(resident_client, resident, council, profile_url, zones):
    profile_update(actor=resident, council=council, answers={}, latitude=48.9, longitude=2.35)
    assert "Oublier ma position" in resident_client.get(profile_url).content.decode()  # French by default

    resident_client.post(profile_url, {"latitude": "48.9", "longitude": "2.35", "zone": "quartier-nord", "forget_location": "on"})

    profile = ResidentProfile.objects.get(user=resident)
    assert (profile.latitude, profile.longitude, profile.zone) == (None, None, None)


def test_an_unknown_zone_is_refused(resident_client, resident, profile_url, zones):
    response = resident_client.post(profile_url, {"zone": "atlantide"})

    assert "atlantide" in alert_text(response)
    assert not ResidentProfile.objects.filter(user=resident, zone__isnull=False).exists()


def test_people_without_a_role_cannot_have_a_profile(client, council, profile_url, user_with_role):
    client.force_login(user_with_role("outsider", council))
    assert client.get(profile_url).status_code == 403
    assert client.post(profile_url, {"zone": ""}).status_code == 403
    assert not ResidentProfile.objects.exists()

    client.logout()
    assert client.get(profile_url).status_code == 302


# Questions, for administrators.


def questions_url(council, name="attribute-list", **kwargs):
    return reverse(name, kwargs={"council_slug": council.slug, **kwargs})


def test_an_administrator_adds_a_question_with_one_choice_per_line(client, council, administrator):
    client.force_login(administrator)

    response = client.post(
        questions_url(council, "attribute-create"),
        {"label": "Tranche d'âge", "key": "age", "kind": "choice", "choices": "moins de 25 ans\n\n25-64 ans\r\n65 ans et plus\n", "purpose": "Inviter les jeunes."},
        follow=True,
    )

    attribute = ProfileAttribute.objects.get(council=council, key="age")
    assert attribute.choices == ["moins de 25 ans", "25-64 ans", "65 ans et plus"]
    assert "Inviter les jeunes." in response.content.decode()


def test_a_choice_question_needs_choices_and_a_key_is_unique(client, council, administrator, questions):
    client.force_login(administrator)

    response = client.post(
        questions_url(council, "attribute-create"),
        {"label": "Quartier préféré", "key": "quartier", "kind": "multi_choice", "choices": "", "purpose": "Savoir."},
    )
    assert "one per line" in alert_text(response) or "une par ligne" in alert_text(response)
    response = client.post(
        questions_url(council, "attribute-create"),
        {"label": "Âge", "key": "age", "kind": "number", "choices": "", "purpose": "Savoir."},
    )
    assert "age" in alert_text(response)
    assert ProfileAttribute.objects.filter(council=council).count() == len(questions)


def test_removing_a_choice_erases_the_answers_that_used_it(client, council, administrator, resident, questions):
    profile_update(actor=resident, council=council, answers={"interets": ["vélo", "jardins"]})
    client.force_login(administrator)

    client.post(
        questions_url(council, "attribute-update", attribute_id=questions["interets"].pk),
        {"label": "Centres d'intérêt", "key": "interets", "kind": "multi_choice", "choices": "jardins\nécoles", "purpose": "Pour inviter."},
    )

    assert ProfileAttribute.objects.get(pk=questions["interets"].pk).choices == ["jardins", "écoles"]
    assert answers_of(resident) == {"interets": ["jardins"]}


def test_deleting_a_question_erases_its_answers(client, council, administrator, resident, questions):
    profile_update(actor=resident, council=council, answers={"age": "25-64 ans", "metier": "boulangère"})
    client.force_login(administrator)
    url = questions_url(council, "attribute-delete", attribute_id=questions["age"].pk)
    assert "1" in client.get(url).content.decode()

    client.post(url)

    assert not ProfileAttribute.objects.filter(pk=questions["age"].pk).exists()
    assert answers_of(resident) == {"metier": ["boulangère"]}


def test_a_question_used_by_a_segment_cannot_be_deleted(client, council, administrator, questions):
    NeighbourhoodGroup.objects.create(
        council=council, name="Jeunes", kind="segment", rule={"field": "attribute:age", "op": "in", "value": ["moins de 25 ans"]}
    )
    client.force_login(administrator)

    response = client.post(questions_url(council, "attribute-delete", attribute_id=questions["age"].pk))

    assert "Jeunes" in alert_text(response)
    assert ProfileAttribute.objects.filter(pk=questions["age"].pk).exists()


@pytest.mark.parametrize("role", ["facilitator", "member", "resident", "outsider"])
def test_only_administrators_manage_questions(client, council, user_with_role, questions, role):
    client.force_login(user_with_role(role, council))
    age = questions["age"].pk

    assert client.get(questions_url(council)).status_code == 403
    assert client.post(questions_url(council, "attribute-create"), {"label": "X", "key": "x", "kind": "text", "purpose": "X"}).status_code == 403
    assert client.post(questions_url(council, "attribute-delete", attribute_id=age)).status_code == 403
    assert ProfileAttribute.objects.filter(council=council).count() == len(questions)


def test_a_question_of_another_council_is_not_found(client, council, administrator, council_factory):
    other = council_factory()
    foreign = ProfileAttribute.objects.create(council=other, key="age", label="Âge", kind="number", purpose="X")
    client.force_login(administrator)

    assert client.get(questions_url(council, "attribute-update", attribute_id=foreign.pk)).status_code == 404
    assert client.post(questions_url(council, "attribute-delete", attribute_id=foreign.pk)).status_code == 404
    assert ProfileAttribute.objects.filter(pk=foreign.pk).exists()
