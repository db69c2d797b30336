"""Tenants sealed in the admin: no form offers, and no model accepts, another council's objects.

Two councils are filled with one object of every tenant model. The administrator of
the first walks every admin form (add form and change form of their own object, with
its inlines) and must find no choice of the second; every foreign key of every model
is checked to lead to a council (council/councils/tenancy.py), so a new model that
forgets its path fails here.
"""

from datetime import timedelta

import pytest
from django import forms
from django.apps import apps
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from council.accounts.models import User
from council.accounts.models import Verification
from council.budgeting.models import BallotChoice
from council.budgeting.models import Budget
from council.budgeting.models import BudgetBallot
from council.budgeting.models import BudgetResult
from council.budgeting.models import Project
from council.budgeting.models import ProjectFollowUp
from council.budgeting.models import ProjectUpdate
from council.budgeting.models import ResultsAnnouncement
from council.consultation.meetings.models import AgendaContribution
from council.consultation.meetings.models import AgendaQuestionnaire
from council.consultation.meetings.models import ContributionOnStage
from council.consultation.meetings.models import ResultsOnStage
from council.consultation.models import AbuseReport
from council.consultation.models import Category
from council.consultation.models import Comment
from council.consultation.models import Consultation
from council.consultation.models import ConsultationExport
from council.consultation.models import Contribution
from council.consultation.models import Endorsement
from council.consultation.models import Follow
from council.consultation.models import Phase
from council.consultation.petitions.models import Petition
from council.consultation.petitions.models import PetitionSettings
from council.consultation.petitions.models import Signature
from council.consultation.questionnaires.models import Participation as QuestionnaireParticipation
from council.consultation.questionnaires.models import Question as QuestionnaireQuestion
from council.consultation.questionnaires.models import Questionnaire
from council.consultation.questionnaires.models import Response as QuestionnaireResponse
from council.councils import tenancy
from council.councils.admin import CouncilScopedAdmin
from council.councils.models import AuditEntry
from council.councils.models import Council
from council.councils.models import CouncilPage
from council.councils.models import Role
from council.councils.selectors import role_get
from council.councils.services import role_grant
from council.groups.models import Membership
from council.groups.models import NeighbourhoodGroup
from council.groups.models import Notification
from council.groups.models import NotificationSend
from council.groups.models import ProfileAttribute
from council.groups.models import ProfileValue
from council.groups.models import ResidentProfile
from council.groups.models import Zone
from council.identity.models import CouncilSocialApp
from council.identity.models import FranceConnectClient
from council.identity.models import ProConnectClient
from council.rooms.models import ChatMute
from council.rooms.models import MediaMute
from council.rooms.models import Message
from council.rooms.models import Presence
from council.rooms.models import RaisedHand
from council.rooms.models import Room
from council.rooms.models import RoomAttendance
from council.rooms.models import RoomFloor
from council.rooms.models import RoomRemoval
from council.verifications.models import CensusAttempt
from council.verifications.models import CensusEntry
from council.verifications.models import CensusList
from council.verifications.models import VerificationCode
from council.verifications.models import VerificationUse
from council.voting.assembly.models import HallPresence
from council.voting.assembly.models import MeetingRules
from council.voting.assembly.models import Proxy
from council.voting.assembly.models import QuorumCheck
from council.voting.assembly.models import Sitting
from council.voting.assembly.models import VoteModeRequest
from council.voting.ballots.models import BoxEntry
from council.voting.ballots.models import Elector
from council.voting.ballots.models import PaperBallot
from council.voting.ballots.models import Participation
from council.voting.ballots.models import PendingBallot
from council.voting.ballots.models import Vote
from council.voting.ballots.models import VoteOption
from council.voting.polls.models import Answer
from council.voting.polls.models import Poll
from council.voting.questions.models import ModerationEntry
from council.voting.questions.models import QaSettings
from council.voting.questions.models import Question
from council.voting.questions.models import Upvote
from council.workshops.models import AgendaItem
from council.workshops.models import Assignment
from council.workshops.models import HelpRequest
from council.workshops.models import LogEntry
from council.workshops.models import Notes
from council.workshops.models import Report
from council.workshops.models import SpeakingTurn
from council.workshops.models import Workshop
from council.workshops.models import WorkshopSession
from council.youth.models import BirthDate
from council.youth.models import ParentalConsent
from tests.factories import CouncilFactory
from tests.factories import UserFactory
from tests.mfa_helpers import totp_give

pytestmark = pytest.mark.django_db

#: models shared by every council on purpose
# a person's own, whichever councils they take part in: their account, birth date and parent's consent
INSTANCE_WIDE = {User, BirthDate, ParentalConsent}
SQUARE = {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]]]}


def populate(council: Council, tag: str) -> dict[type, object]:
    """One object of every tenant model in `council`, keyed by model."""
    person = UserFactory(email=f"personne-{tag}@example.org", display_name=f"Personne {tag}")
    role_grant(actor=None, council=council, user=person, role=Role.MEMBER)
    plenary = Room.objects.create(council=council, name=f"Plénière {tag}")
    breakout = Room.objects.create(council=council, name=f"Salle d'atelier {tag}", parent=plenary)
    group = NeighbourhoodGroup.objects.create(council=council, name=f"Groupe {tag}")
    attribute = ProfileAttribute.objects.create(
        council=council, key=f"question-{tag}", label=f"Question {tag}", choices=["oui"], purpose="Pour savoir."
    )
    zone = Zone.objects.create(
        council=council, name=f"Zone {tag}", slug=f"zone-{tag}", geometry=SQUARE,
        min_lon=0, min_lat=0, max_lon=1, max_lat=1,
    )
    profile = ResidentProfile.objects.create(council=council, user=person, zone=zone)
    send = NotificationSend.objects.create(group=group, sender=person, subject=f"Sujet {tag}", body="Corps")
    session = WorkshopSession.objects.create(room=plenary, title=f"Ateliers {tag}")
    workshop = Workshop.objects.create(session=session, name=f"Atelier {tag}", room=breakout)
    sitting = Sitting.objects.create(room=plenary, opened_at=timezone.now())
    holder = UserFactory(email=f"porteur-{tag}@example.org")
    question = Question.objects.create(room=plenary, author=person, text=f"Question {tag} ?")
    vote = Vote.objects.create(council=council, room=plenary, title=f"Motion {tag}", method=Vote.Method.MAJORITY_SIMPLE)
    elector = Elector.objects.create(vote=vote, user=person)
    poll = Poll.objects.create(room=plenary, question=f"Sondage {tag} ?", options=["oui", "non"])
    consultation = Consultation.objects.create(council=council, title=f"Consultation {tag}")
    consultation.eligible_groups.set([group])
    category = Category.objects.create(consultation=consultation, name=f"Catégorie {tag}")
    questionnaire = Questionnaire.objects.create(consultation=consultation, title=f"Questionnaire {tag}")
    first_question = QuestionnaireQuestion.objects.create(
        questionnaire=questionnaire, position=1, kind="single", text=f"Question {tag} ?", options="oui\nnon"
    )
    contribution = Contribution.objects.create(
        consultation=consultation, author=person, title=f"Idée {tag}", body="Texte", category=category
    )
    comment = Comment.objects.create(contribution=contribution, author=person, body=f"Commentaire {tag}")
    petition = Petition.objects.create(council=council, author=person, title=f"Pétition {tag}", body="Texte", threshold=10)
    budget = Budget.objects.create(council=council, title=f"Budget {tag}", amount=1000)
    budget.eligible_groups.set([group])
    project = Project.objects.create(budget=budget, title=f"Projet {tag}", cost=100)
    budget_ballot = BudgetBallot.objects.create(budget=budget, voter=person)
    census = CensusList.objects.create(council=council, fields=["family_name", "postcode"], salt=tag,
                                       imported_at=timezone.now())
    world = {
        Council: council,
        Room: plenary,
        Message: Message.objects.create(room=plenary, seq=1, author=person, text=f"Message {tag}"),
        Presence: Presence.objects.create(room=plenary, user=person, channel_name=f"chan.{tag}", seen_at=timezone.now()),
        RaisedHand: RaisedHand.objects.create(room=plenary, user=person, position=1),
        ChatMute: ChatMute.objects.create(room=plenary, user=person),
        RoomRemoval: RoomRemoval.objects.create(room=plenary, user=person),
        RoomAttendance: RoomAttendance.objects.create(room=plenary, user=person),
        RoomFloor: RoomFloor.objects.create(room=plenary, user=person),
        MediaMute: MediaMute.objects.create(room=plenary, user=person, kind="audio"),
        NeighbourhoodGroup: group,
        ProfileAttribute: attribute,
        Zone: zone,
        ResidentProfile: profile,
        ProfileValue: ProfileValue.objects.create(profile=profile, attribute=attribute, value="oui"),
        Membership: Membership.objects.create(group=group, user=person, status=Membership.Status.ACTIVE),
        NotificationSend: send,
        Notification: Notification.objects.create(send=send, user=person),
        WorkshopSession: session,
        Workshop: workshop,
        Assignment: Assignment.objects.create(session=session, workshop=workshop, user=person),
        LogEntry: LogEntry.objects.create(session=session, workshop=workshop, kind=LogEntry.Kind.ASSIGNED, user=person),
        HelpRequest: HelpRequest.objects.create(workshop=workshop, user=person),
        Notes: Notes.objects.create(workshop=workshop, text=f"Notes {tag}"),
        Report: Report.objects.create(workshop=workshop, summary=f"Résumé {tag}"),
        AgendaItem: AgendaItem.objects.create(room=plenary, title=f"Point {tag}", session=session),
        SpeakingTurn: SpeakingTurn.objects.create(room=plenary, user=person),
        MeetingRules: MeetingRules.objects.create(council=council),
        Sitting: sitting,
        QuorumCheck: QuorumCheck.objects.create(
            sitting=sitting, checked_at=timezone.now(), in_office=1, required=1, present_counted=0, met=False,
            without_quorum_allowed=False,
        ),
        HallPresence: HallPresence.objects.create(sitting=sitting, user=person, arrived_at=timezone.now()),
        VoteModeRequest: VoteModeRequest.objects.create(sitting=sitting, user=person, kind="secret"),
        Proxy: Proxy.objects.create(
            council=council, grantor=person, holder=holder, valid_from=timezone.now(),
            valid_until=timezone.now() + timedelta(days=1), statement=f"Pouvoir {tag}",
        ),
        Question: question,
        QaSettings: QaSettings.objects.create(room=plenary, shown=question),
        Upvote: Upvote.objects.create(question=question, user=person),
        ModerationEntry: ModerationEntry.objects.create(room=plenary, question=question, actor=person, action="show"),
        Vote: vote,
        VoteOption: VoteOption.objects.create(vote=vote, key="pour", label="Pour"),
        Elector: elector,
        Participation: Participation.objects.create(vote=vote, elector=elector),
        PendingBallot: PendingBallot.objects.create(vote=vote, tracker=f"t-{tag}", content={"choice": "pour"}),
        BoxEntry: BoxEntry.objects.create(vote=vote, position=1, tracker=f"b-{tag}", content={"choice": "pour"}, hash="0" * 64),
        PaperBallot: PaperBallot.objects.create(vote=vote, content={"choice": "pour"}, entered_by=person),
        Poll: poll,
        Budget: budget,
        Project: project,
        BudgetBallot: budget_ballot,
        FranceConnectClient: FranceConnectClient.objects.create(council=council, client_id=f"fc-{tag}", secret="s"),
        ProConnectClient: ProConnectClient.objects.create(council=council, client_id=f"pc-{tag}", secret="s"),
        CouncilSocialApp: CouncilSocialApp.objects.create(
            council=council, provider="github", client_id=f"gh-{tag}", secret="s"
        ),
        Verification: Verification.objects.create(
            user=person, kind="franceconnect", council=council, verified_at=timezone.now()
        ),
        BallotChoice: BallotChoice.objects.create(ballot=budget_ballot, project=project),
        BudgetResult: BudgetResult.objects.create(budget=budget, selected={"greedy": [project.pk]}),
        ProjectFollowUp: ProjectFollowUp.objects.create(project=project),
        ProjectUpdate: ProjectUpdate.objects.create(project=project, text=f"Nouvelle {tag}"),
        ResultsAnnouncement: ResultsAnnouncement.objects.create(room=plenary, budget=budget),
        Answer: Answer.objects.create(poll=poll, user=person, value="oui"),
        Consultation: consultation,
        Phase: Phase.objects.create(
            consultation=consultation, kind="contributions", starts_at=timezone.now(),
            ends_at=timezone.now() + timedelta(days=7),
        ),
        Category: category,
        Contribution: contribution,
        Questionnaire: questionnaire,
        QuestionnaireQuestion: QuestionnaireQuestion.objects.create(
            questionnaire=questionnaire, position=2, kind="short_text", text=f"Pourquoi {tag} ?", show_if=first_question,
            show_if_value="oui",
        ),
        QuestionnaireResponse: QuestionnaireResponse.objects.create(questionnaire=questionnaire, respondent=person),
        QuestionnaireParticipation: QuestionnaireParticipation.objects.create(questionnaire=questionnaire, user=person),
        Comment: comment,
        Endorsement: Endorsement.objects.create(contribution=contribution, user=person),
        Follow: Follow.objects.create(contribution=contribution, user=person),
        AbuseReport: AbuseReport.objects.create(contribution=contribution, comment=comment, reporter=person, reason="spam"),
        ConsultationExport: ConsultationExport.objects.create(consultation=consultation, format="ods"),
        ContributionOnStage: ContributionOnStage.objects.create(room=plenary, contribution=contribution),
        AgendaContribution: AgendaContribution.objects.create(room=plenary, item_id=1, contribution=contribution),
        ResultsOnStage: ResultsOnStage.objects.create(room=plenary, questionnaire=questionnaire),
        AgendaQuestionnaire: AgendaQuestionnaire.objects.create(room=plenary, item_id=2, questionnaire=questionnaire),
        PetitionSettings: PetitionSettings.objects.create(council=council, threshold=10, meeting_room=plenary),
        Petition: petition,
        Signature: Signature.objects.create(petition=petition, user=person),
        CouncilPage: CouncilPage.objects.create(council=council, kind=CouncilPage.Kind.LEGAL, body=f"Mentions {tag}"),
        AuditEntry: AuditEntry.objects.create(
            council=council, actor=person, action=AuditEntry.Action.ROOM_CREATED, target_type="rooms.room",
            target_id=plenary.pk, target_text=plenary.name,
        ),
        CensusList: census,
        CensusEntry: CensusEntry.objects.create(census=census, digest=f"{tag}" * 32),
        CensusAttempt: CensusAttempt.objects.create(council=council, user=person, at=timezone.now()),
        VerificationCode: VerificationCode.objects.create(
            council=council, digest=f"c{tag}" * 16, delivery="postal", issued_at=timezone.now(),
            expires_at=timezone.now() + timedelta(days=1),
        ),
        VerificationUse: VerificationUse.objects.create(
            council=council, user=person, target=f"ballots.vote:{vote.pk}", kinds=["census"], day=timezone.localdate()
        ),
    }
    return world


@pytest.fixture
def own():
    return populate(CouncilFactory(name="Conseil A"), "a")


@pytest.fixture
def foreign():
    return populate(CouncilFactory(name="Conseil B"), "b")


@pytest.fixture
def administrator(own):
    person = UserFactory(email="admin-a@example.org")
    role_grant(actor=None, council=own[Council], user=person, role=Role.ADMINISTRATOR)
    totp_give(person)  # administrators must hold a second factor
    person.refresh_from_db()
    return person


def _relations(model) -> list:
    return [f for f in [*model._meta.fields, *model._meta.many_to_many] if f.is_relation]


def test_every_tenant_model_is_populated(own):
    assert set(own) == set(tenancy.registered_models())


def test_every_relation_to_a_tenant_model_has_a_council_path():
    unregistered = sorted(
        f"{model._meta.label}.{field.name}"
        for model in apps.get_models()
        for field in _relations(model)
        if tenancy.is_tenant_model(field.related_model) and not tenancy.is_tenant_model(model)
    )
    ours = {
        model._meta.label
        for model in apps.get_models()
        if model.__module__.startswith("council.") and not tenancy.is_tenant_model(model)
    }

    assert unregistered == []
    assert ours == {m._meta.label for m in INSTANCE_WIDE}


def test_every_council_path_leads_to_the_objects_council(own, foreign):
    for world in (own, foreign):
        for model, obj in world.items():
            assert tenancy.council_id_of(obj) == world[Council].pk, model
            assert list(tenancy.scope(model.objects.filter(pk=obj.pk), [world[Council]])) == [obj], model


def _forms(response) -> list[forms.BaseForm]:
    found = [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        found += [*inline.formset.forms, inline.formset.empty_form]
    return found


def _foreign_choices(response, own_council: Council, url: str) -> list[str]:
    allowed_people = {p.pk for p in User.objects.all() if role_get(user=p, council=own_council) is not None}
    found = []
    for form in _forms(response):
        for name, field in form.fields.items():
            if not isinstance(field, forms.ModelChoiceField) or name == form._meta.model._meta.pk.name:
                continue  # an inline's own hidden id is not a choice: the formset reads its rows
            for choice in field.queryset:
                if tenancy.is_tenant_model(type(choice)):
                    foreign = tenancy.council_id_of(choice) != own_council.pk
                elif isinstance(choice, User):
                    foreign = choice.pk not in allowed_people
                else:
                    foreign = False
                if foreign:
                    found.append(f"{url} {name}: {choice}")
    return found


def _foreign_filters(response, own_council: Council) -> list[str]:
    """Choices of the change list's filters that name another council's objects."""
    found = []
    for spec in response.context["cl"].filter_specs:
        related = getattr(getattr(spec, "field", None), "related_model", None)
        if not tenancy.is_tenant_model(related):
            continue
        for pk, text in getattr(spec, "lookup_choices", []):  # an "empty or not" filter names nothing
            if tenancy.council_id_of(related.objects.get(pk=pk)) != own_council.pk:
                found.append(f"{response.request['PATH_INFO']} filter {spec.field_path}: {text}")
    return found


def test_an_administrator_is_offered_no_choice_of_another_council(client, administrator, own, foreign):
    client.force_login(administrator)
    offered, walked, refused = [], [], []

    for model in admin.site._registry:
        prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        urls = [reverse(f"{prefix}_add")]
        if model in own:
            urls.append(reverse(f"{prefix}_change", args=[own[model].pk]))
            offered += _foreign_filters(client.get(reverse(f"{prefix}_changelist")), own[Council])
        for url in urls:
            response = client.get(url)
            if response.status_code != 200:
                refused.append(url)
                continue
            walked.append(url)
            offered += _foreign_choices(response, own[Council], url)
        if not tenancy.is_tenant_model(model):
            assert all(url in refused for url in urls), f"{model._meta.label} is not sealed per council"

    assert offered == []
    # the walk saw the forms that offer choices: their change pages at least
    for model in (Room, AgendaItem, NeighbourhoodGroup, WorkshopSession, Council, Consultation):
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_change", args=[own[model].pk])
        assert url in walked


def test_a_superuser_is_offered_every_council(client, own, foreign):
    client.force_login(UserFactory(email="root@example.org", is_superuser=True, is_staff=True))

    response = client.get(reverse("admin:rooms_room_change", args=[own[Room].pk]))

    parents = set(response.context["adminform"].form.fields["parent"].queryset)
    assert foreign[Room] in parents


def _tenant_fields(model) -> list:
    return [f for f in model._meta.fields if f.is_relation and tenancy.is_tenant_model(f.related_model)]


#: models with two ways to a council, which must agree (with one, moving the object moves it whole)
TWO_WAYS = [m for m in tenancy.registered_models() if len(_tenant_fields(m)) >= 2]


def test_the_models_with_two_ways_to_a_council_are_known():
    assert {m.__name__ for m in TWO_WAYS} == {
        "Room", "ResidentProfile", "ProfileValue", "Workshop", "Assignment", "LogEntry", "AgendaItem",
        "MeetingRules", "Sitting",
        "Question", "QaSettings", "ModerationEntry",
        "Vote", "Participation",
        "Contribution", "Comment", "AbuseReport",
        "BallotChoice", "ResultsAnnouncement",
        "Project",  # its budget and the consultation contribution it came from
        "NotificationSend",  # its council and, for a group's message, the group
        "PetitionSettings", "Petition",  # the council and the meeting room whose agenda receives petitions
        "ContributionOnStage", "AgendaContribution",  # the meeting's room and the contribution brought in
        "ResultsOnStage", "AgendaQuestionnaire",  # the meeting's room and the questionnaire whose results are brought in
    }


@pytest.mark.parametrize("model", TWO_WAYS, ids=lambda m: m._meta.label)
def test_a_model_refuses_related_objects_of_another_council(model, own, foreign):
    tenant_fields = _tenant_fields(model)
    checked = []
    for field in tenant_fields:
        obj = model.objects.get(pk=own[model].pk)
        if all(getattr(obj, other.attname) is None for other in tenant_fields if other is not field):
            continue  # nothing left in the first council to disagree with
        setattr(obj, field.name, foreign[field.related_model])
        checked.append(field.name)

        with pytest.raises(ValidationError) as refused:
            obj.clean()

        assert set(refused.value.error_dict) <= {f.name for f in tenant_fields}
    assert checked


@pytest.fixture
def superuser(client):
    person = UserFactory(email="root@example.org", is_superuser=True, is_staff=True)
    client.force_login(person)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return person


def _room_form(room: Room, **changes) -> dict:
    data = {
        "council": room.council_id,
        "name": room.name,
        "description": room.description,
        "parent": room.parent_id or "",
        "eligible_groups": [g.pk for g in room.eligible_groups.all()],
    }
    return {**data, **changes}


def test_the_room_form_refuses_a_plenary_of_another_council(client, superuser, own, foreign):
    breakout = Room.objects.get(parent=own[Room])

    response = client.post(
        reverse("admin:rooms_room_change", args=[breakout.pk]), _room_form(breakout, parent=foreign[Room].pk)
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["parent"] == [f"“{foreign[Room]}” belongs to another council."]
    breakout.refresh_from_db()
    assert breakout.parent_id == own[Room].pk


def test_the_room_form_refuses_groups_of_another_council(client, superuser, own, foreign):
    room = own[Room]

    response = client.post(
        reverse("admin:rooms_room_change", args=[room.pk]),
        _room_form(room, eligible_groups=[own[NeighbourhoodGroup].pk, foreign[NeighbourhoodGroup].pk]),
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["eligible_groups"] == [
        f"“{foreign[NeighbourhoodGroup]}” belongs to another council."
    ]
    assert list(room.eligible_groups.all()) == []


def test_the_agenda_form_refuses_workshops_of_another_council_or_room(client, superuser, own, foreign):
    item = own[AgendaItem]
    other_room = Room.objects.create(council=own[Council], name="Autre salle")
    elsewhere = WorkshopSession.objects.create(room=other_room, title="Ailleurs")
    url = reverse("admin:workshops_agendaitem_change", args=[item.pk])
    data = {"room": item.room_id, "position": 0, "title": item.title, "planned_minutes": 10}

    across = client.post(url, {**data, "session": foreign[WorkshopSession].pk})
    beside = client.post(url, {**data, "session": elsewhere.pk})

    assert across.status_code == beside.status_code == 200
    assert across.context["adminform"].form.errors["session"] == [
        f"“{foreign[WorkshopSession]}” belongs to another council."
    ]
    assert beside.context["adminform"].form.errors["session"] == ["These workshops were not prepared in this room."]
    item.refresh_from_db()
    assert item.session_id == own[WorkshopSession].pk


def _council_form(council: Council, **changes) -> dict:
    data = {
        "name": council.name,
        "slug": council.slug,
        "description": council.description,
        "brand_colour": council.brand_colour,
        "host_name": council.host_name or "",
        "open_registration": "on",
        "contributions_on_account_deletion": "anonymise",
    }
    return {**data, **changes}


def test_an_administrator_cannot_take_a_host_name_or_change_the_slug(client, administrator, own):
    council = own[Council]
    slug = council.slug
    client.force_login(administrator)
    url = reverse("admin:councils_council_change", args=[council.pk])

    page = client.get(url).content.decode()
    forged = client.post(url, _council_form(council, name="Conseil A volé", host_name="localhost", slug="vole"))
    renamed = client.post(
        url, {k: v for k, v in _council_form(council, name="Conseil A renommé").items() if k not in ("slug", "host_name")}
    )

    assert 'name="host_name"' not in page
    assert 'name="slug"' not in page
    assert (forged.status_code, renamed.status_code) == (403, 302)
    council.refresh_from_db()
    assert (council.name, council.host_name, council.slug) == ("Conseil A renommé", None, slug)


def test_the_superuser_sets_host_names(client, superuser, own):
    council = own[Council]

    response = client.post(
        reverse("admin:councils_council_change", args=[council.pk]),
        _council_form(council, host_name="conseil-a.example.fr", slug="conseil-a"),
    )

    assert response.status_code == 302
    council.refresh_from_db()
    assert (council.host_name, council.slug) == ("conseil-a.example.fr", "conseil-a")



def test_people_offered_in_the_admin_are_those_of_the_administered_councils(rf, administrator, own, foreign):
    """Users are instance-wide: a user field offers only people holding a role in one's councils."""
    request = rf.get("/admin/")
    request.user = administrator
    model_admin = CouncilScopedAdmin(Message, admin.site)

    field = model_admin.formfield_for_foreignkey(Message._meta.get_field("author"), request)

    assert sorted(p.email for p in field.queryset) == ["admin-a@example.org", "personne-a@example.org"]
