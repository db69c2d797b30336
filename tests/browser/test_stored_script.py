"""No text a person stored runs as script, on any page, for anyone (all councils share one origin).

Every field declared written by people (council.core.text_fields, kept complete by
tests/core/test_text_fields.py) holds markup that would call `__hit(<number of the
field>)` if it ever ran: an image whose loading fails, a script element, and quotes
that would close an attribute. One council holds an object of every model, with a
workshop session running in its room and an agenda item under way, so that chat,
workshops and agenda reach the room page over the socket too. Then every URL pattern
of the project is visited, with the ids of those objects, as an administrator, a
facilitator and a resident (the admin as the superuser), the map's tooltips and
popups are opened, and no page may have called `__hit` or opened a dialog. Patterns left out
say why in EXCLUDED; a new pattern fails the test until it is visited or listed.
"""

import contextlib
import itertools
import re
import time
from datetime import timedelta

import pytest
from allauth.socialaccount.models import SocialAccount
from allauth.socialaccount.models import SocialApp
from django.apps import apps
from django.contrib import admin
from django.contrib.auth.models import Group as AuthGroup
from django.urls import URLResolver
from django.urls import get_resolver
from django.urls import reverse
from django.utils import timezone
from pycrdt import Doc
from pycrdt import Text
from selenium.common.exceptions import TimeoutException
from selenium.common.exceptions import UnexpectedAlertPresentException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.wait import WebDriverWait

from council.accounts.models import User
from council.budgeting.models import Budget
from council.budgeting.models import BudgetBallot
from council.budgeting.models import BudgetResult
from council.budgeting.models import Project
from council.budgeting.models import ProjectUpdate
from council.consultation.meetings.models import ContributionOnStage
from council.consultation.models import AbuseReport
from council.consultation.models import Category
from council.consultation.models import Comment
from council.consultation.models import Consultation
from council.consultation.models import ConsultationExport
from council.consultation.models import Contribution
from council.consultation.models import Phase
from council.consultation.petitions.models import Petition
from council.consultation.questionnaires.models import Participation as QuestionnaireParticipation
from council.consultation.questionnaires.models import Question as QuestionnaireQuestion
from council.consultation.questionnaires.models import Questionnaire
from council.consultation.questionnaires.models import Response as QuestionnaireResponse
from council.core.text_fields import written_fields
from council.councils.models import AuditEntry
from council.councils.models import Council
from council.councils.models import CouncilPage
from council.councils.models import Role
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
from council.rooms.models import Message
from council.rooms.models import Room
from council.voting.assembly.hall_code import hall_code
from council.voting.assembly.models import Proxy
from council.voting.assembly.models import Sitting
from council.voting.ballots.models import BoxEntry
from council.voting.ballots.models import Vote
from council.voting.ballots.models import VoteOption
from council.voting.ballots.sitting import SittingAtOpening
from council.voting.polls.models import Answer as PollAnswer
from council.voting.polls.models import Poll
from council.voting.questions.models import ModerationEntry
from council.voting.questions.models import QaSettings
from council.voting.questions.models import Question
from council.voting.tally import count
from council.voting.tally.chain import genesis
from council.voting.tally.chain import link
from council.workshops.models import AgendaItem
from council.workshops.models import Assignment
from council.workshops.models import LogEntry
from council.workshops.models import Notes
from council.workshops.models import Report
from council.workshops.models import Workshop
from council.workshops.models import WorkshopSession
from council.workshops.notes import TEXT_NAME as NOTES_TEXT
from council.youth.models import ParentalConsent
from council.youth.services import _token_hash
from tests.mfa_helpers import totp_give

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Runs before any script of every page: the payloads report through it.
HOOK = """
window.__hit = (field) => { window.__xss = (window.__xss || []).concat([field]); };
// Keep every Leaflet map, so that the test can open all their tooltips.
let leaflet;
Object.defineProperty(window, "L", {
  configurable: true,
  get() { return leaflet; },
  set(value) {
    leaflet = value;
    if (value && value.Map && !value.__watched) {
      value.__watched = true;
      value.Map.addInitHook(function () { (window.__maps = window.__maps || []).push(this); });
    }
  },
});
"""
OPEN_TOOLTIPS = """
let opened = 0;
for (const map of window.__maps || []) {
  map.eachLayer((layer) => {
    if (layer.getTooltip && layer.getTooltip()) { layer.openTooltip(); opened += 1; }
    if (layer.getPopup && layer.getPopup()) { layer.openPopup(); opened += 1; }
  });
}
return opened;
"""
IMAGES_DONE = "return [...document.images].every((image) => image.complete)"
FIELDS = written_fields()
NUMBER = {field.label: number for number, field in enumerate(FIELDS)}

CONSENT_TOKEN = "a-parent-s-link"

#: URL patterns not visited, and why.
EXCLUDED = {
    "media/<path:path>": "uploads: served as downloads or sandboxed images (tests/core/test_uploads.py)",
    "c/<slug:council_slug>/workshops/<int:session_id>/outputs.csv": "a download (attachment), never rendered",
    "c/<slug:council_slug>/workshops/<int:session_id>/outputs.md": "a download (attachment), never rendered",
    "c/<slug:council_slug>/workshops/<int:session_id>/log.csv": "a download (attachment), never rendered",
    "c/<slug:council_slug>/groups/<int:group_id>/export.csv": "a download (attachment), never rendered",
    "c/<slug:council_slug>/budgets/<int:budget_id>/review/<int:project_id>/": "POST only: the review form is on the review page",
    "c/<slug:council_slug>/budgets/<int:budget_id>/review/contribution/": "POST only: its form is on the review page",
    "admin/logout/": "POST only: it would end the superuser's session",
    "c/<slug:council_slug>/rooms/<int:room_id>/lock/": "POST only: locks or unlocks, then redirects to the rooms page",
    "c/<slug:council_slug>/rooms/<int:room_id>/readmit/<int:user_id>/": "POST only: readmits, then redirects",
    "c/<slug:council_slug>/rooms/<int:room_id>/facilitators/": "POST only: names a facilitator, then redirects (errors: the edit page)",
    "c/<slug:council_slug>/rooms/<int:room_id>/facilitators/<int:user_id>/remove/": "POST only: takes it back, then redirects",
    "c/<slug:council_slug>/assembly/proxies/<int:proxy_id>/revoke/": "POST only: revokes, then redirects",
    "c/<slug:council_slug>/assembly/sittings/<int:sitting_id>/hall.svg": "an image (the hall's QR code), no stored text",
    "admin/jsi18n/": "the admin's translations in JavaScript: no stored text",
    "admin/autocomplete/": "JSON for select widgets, only with a model's query parameters",
    "admin/r/<path:content_type_id>/<path:object_id>/": "redirects to a model's own site URL",
    "admin/(?P<url>.*)$": "catch-all: redirects to the admin's log-in or answers 404",
    "c/<slug:council_slug>/workshops/<int:session_id>/reports/<int:workshop_id>/send/": "POST only: sends a report back, then redirects to the outputs page",
    "c/<slug:council_slug>/petitions/<int:petition_id>/sign/": "POST only: signs, then redirects",
    "c/<slug:council_slug>/petitions/<int:petition_id>/answer/": "POST only: answers, then redirects",
    "c/<slug:council_slug>/consultations/<int:consultation_id>/contributions/<int:contribution_id>/edit/": "POST only: the edit form is on the contribution's page",
    "c/<slug:council_slug>/consultations/<int:consultation_id>/contributions/<int:contribution_id>/withdraw/": "POST only: withdraws, then redirects",
    "c/<slug:council_slug>/consultations/<int:consultation_id>/contributions/<int:contribution_id>/endorse/": "POST only: supports, then redirects",
    "c/<slug:council_slug>/consultations/<int:consultation_id>/contributions/<int:contribution_id>/comment/": "POST only: comments, then redirects (errors: the contribution's page)",
    "c/<slug:council_slug>/consultations/<int:consultation_id>/contributions/<int:contribution_id>/report/": "POST only: reports, then redirects",
    "c/<slug:council_slug>/consultations/<int:consultation_id>/contributions/<int:contribution_id>/follow/": "POST only: follows, then redirects",
    "c/<slug:council_slug>/consultations/<int:consultation_id>/contributions/<int:contribution_id>/moderate/<slug:action>/": "POST only: moderates, then redirects",
    "c/<slug:council_slug>/consultations/<int:consultation_id>/comments/<int:comment_id>/hide/": "POST only: hides a comment, then redirects",
    "c/<slug:council_slug>/consultations/<int:consultation_id>/exports/<int:export_id>/download/": "a download (attachment), never rendered",
    "api/v1/schema/": "the OpenAPI schema, a YAML download: no stored text",
    "c/<slug:council_slug>/votes/<int:vote_id>/cast/": "POST only: casts, then shows the receipt (a tracker the server checked)",
    "c/<slug:council_slug>/votes/<int:vote_id>/<slug:action>/": "POST only: freezes, opens, closes or publishes, then redirects",
    "c/<slug:council_slug>/votes/<int:vote_id>/ballots.json": "a download (attachment), never rendered",
    "accounts/my-data/download.<str:kind>": "a download (attachment, JSON or HTML escaped by the templates), never rendered",
    "accounts/verifications/<int:verification_id>/revoke/": "POST only: revokes one's own verification, then redirects",
    "c/<slug:council_slug>/votes/<int:vote_id>/paper/register/": "POST only: signs a paper voter in, then redirects",
    "c/<slug:council_slug>/votes/<int:vote_id>/paper/enter/": "POST only: enters a paper ballot, then redirects",
    "c/<slug:council_slug>/votes/<int:vote_id>/paper/<uuid:paper_id>/confirm/": "POST only: confirms a paper ballot, then redirects",
    "p/<str:code>/qr.svg": "an image (SVG) of a poll's short link: no stored text",
    "c/<slug:council_slug>/budgets/<int:budget_id>/export.pb": "a download (attachment), never rendered",
    "c/<slug:council_slug>/budgets/<int:budget_id>/results/compute/": "POST only: starts the computation, then redirects",
    "c/<slug:council_slug>/budgets/<int:budget_id>/results/publish/": "POST only: publishes, then redirects",
    "accounts/2fa/webauthn/keys/<int:pk>/remove/": "a person's own security key: needs a key registered by a browser (tests/browser/test_webauthn.py); allauth's template",
    "accounts/2fa/webauthn/keys/<int:pk>/edit/": "a person's own security key: needs a key registered by a browser (tests/browser/test_webauthn.py); allauth's template",
    **{
        f"accounts/social/{old}/": "allauth's deprecated address: redirects to accounts/3rdparty/…, visited"
        for old in ("login/cancelled", "login/error", "signup", "connections")
    },
    # allauth's own pages of the instance's social apps (none here): a Continue form naming the
    # provider, or a redirect; a council's apps are at accounts/council-social/…, visited.
    **{
        f"accounts/{provider}/login/{rest}": "allauth's page of an instance's social app: no stored text"
        for provider in ("google", "microsoft", "facebook", "github", "apple")
        for rest in ("", "callback/", "token/", "callback/finish/")
    },
    **{
        f"accounts/oidc/^(?P<provider_id>[^/]+)/login/{rest}": "allauth's generic OpenID Connect pages: no stored text"
        for rest in ("", "callback/")
    },
}
#: admin/<app>/<model>/<id>/ redirect to .../change/, which is visited
ADMIN_REDIRECT = re.compile(r"^admin/\w+/\w+/<path:object_id>/$")


def payload(label: str) -> str:
    """Markup that calls __hit(n) wherever it is parsed as HTML, even inside an attribute."""
    n = NUMBER[label]
    return f"\"'><img src=x onerror=__hit({n})><script>__hit({n})</script>"


def marker(label: str) -> str:
    """What a page shows of the payload when it is kept as text."""
    return f"onerror=__hit({NUMBER[label]})>"


def url_patterns(resolver=None, prefix: str = "", namespace: str = ""):
    """(route, name) of every URL pattern of the project, admin and allauth included."""
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            inner = f"{entry.namespace}:" if entry.namespace else namespace
            yield from url_patterns(entry, prefix + str(entry.pattern), inner)
        else:
            yield prefix + str(entry.pattern), f"{namespace}{entry.name}" if entry.name else None


def strings(value) -> list[str]:
    """The strings in a text or JSON value, wherever they are nested (an e-mail in full)."""
    if isinstance(value, str):
        return [value, value.removesuffix("@example.org")]
    if isinstance(value, dict):
        value = list(value.values())
    if isinstance(value, list):
        return [text for item in value for text in strings(item)]
    return []


def route_kwargs(route: str) -> list[str]:
    """Names of the arguments of a route, path converters and regular expressions alike."""
    return [a or b for a, b in re.findall(r"<(?:\w+:)?(\w+)>|\(\?P<(\w+)>", route)]


@pytest.fixture
def server_env() -> dict[str, str]:
    """No tile server is reachable here: answer tiles from this server, at once (404)."""
    return {"MAP_TILE_URL": "/static/no-tiles/{z}/{x}/{y}.png"}


@pytest.fixture
def poisoned(transactional_db, ui):
    """One council with an object of every model, every written field holding a payload."""
    p = payload
    council = Council.objects.create(
        slug="nord",
        name=p("councils.Council.name"),
        description=p("councils.Council.description"),
        host_name=p("councils.Council.host_name"),
        brand_colour="#0b6e4f",
    )
    people = {
        "administrator": ui.make_person(council, "anne@example.org", "Anne Administratrice", Role.ADMINISTRATOR),
        "facilitator": ui.make_person(council, "fatou@example.org", "Fatou Facilitatrice", Role.FACILITATOR),
        "resident": ui.make_person(council, "remi@example.org", "Rémi Résident", Role.RESIDENT),
        "superuser": ui.make_person(council, "root@example.org", "Root", Role.MEMBER),
    }
    User.objects.filter(pk=people["superuser"].pk).update(is_staff=True, is_superuser=True)
    totp_give(people["superuser"])  # a superuser logs in with a second factor
    mallory = ui.make_person(
        council, f"{p('accounts.User.email')}@example.org", p("accounts.User.display_name"), Role.MEMBER
    )
    franceconnect = FranceConnectClient.objects.create(council=council, enabled=True, client_id="nord", secret="s")
    ProConnectClient.objects.create(council=council, client_id="nord", secret="s")
    CouncilSocialApp.objects.create(council=council, provider="google", enabled=True, client_id="nord", secret="s")
    SocialApp.objects.create(provider="github", name="GitHub", client_id="instance", secret="s")
    SocialAccount.objects.create(user=mallory, provider=franceconnect.provider_id, uid="mallory", extra_data={})

    square = {"type": "Polygon", "coordinates": [[[2.3, 48.8], [2.4, 48.8], [2.4, 48.9], [2.3, 48.9], [2.3, 48.8]]]}
    zone = Zone.objects.create(
        council=council, name=p("groups.Zone.name"), slug="centre", geometry=square,
        min_lon=2.3, min_lat=48.8, max_lon=2.4, max_lat=48.9,
    )
    common = {"label": p("groups.ProfileAttribute.label"), "purpose": p("groups.ProfileAttribute.purpose")}
    free_text = ProfileAttribute.objects.create(council=council, key="metier", kind="text", position=1, **common)
    choice = ProfileAttribute.objects.create(
        council=council, key="age", kind="choice", position=2, choices=[p("groups.ProfileAttribute.choices")], **common
    )
    for person in (mallory, people["resident"]):
        profile = ResidentProfile.objects.create(
            council=council, user=person, zone=zone, latitude=48.85, longitude=2.35
        )
        ProfileValue.objects.create(profile=profile, attribute=free_text, value=p("groups.ProfileValue.value"))
        ProfileValue.objects.create(profile=profile, attribute=choice, value=p("groups.ProfileAttribute.choices"))
    group_text = {"name": p("groups.NeighbourhoodGroup.name"), "description": p("groups.NeighbourhoodGroup.description")}
    static = NeighbourhoodGroup.objects.create(council=council, kind="static", join_policy="request", **group_text)
    segment = NeighbourhoodGroup.objects.create(
        council=council, kind="segment", **group_text,
        rule={"all": [{"field": "attribute:age", "op": "in", "value": [p("groups.NeighbourhoodGroup.rule")]}]},
    )
    Membership.objects.create(group=static, user=mallory, status="active", is_coordinator=True)
    Membership.objects.create(group=static, user=people["resident"], status="requested")
    send = NotificationSend.objects.create(
        group=static, sender=people["administrator"], subject=p("groups.NotificationSend.subject"),
        body=p("groups.NotificationSend.body"), status="done", total=2,
    )
    notification = Notification.objects.create(send=send, user=people["resident"])
    Notification.objects.create(send=send, user=people["facilitator"])

    plenary = Room.objects.create(
        council=council, name=p("rooms.Room.name"), description=p("rooms.Room.description"), last_seq=1
    )
    Message.objects.create(
        room=plenary, seq=1, author=mallory, text=p("rooms.Message.text"),
        client_request_id=p("rooms.Message.client_request_id"),
    )
    now = timezone.now()
    session = WorkshopSession.objects.create(
        room=plenary, title=p("workshops.WorkshopSession.title"), seed=p("workshops.WorkshopSession.seed"),
        strata=[p("workshops.WorkshopSession.strata")], status="open", round=1,
        opened_at=now, ends_at=now + timedelta(hours=1), created_by=people["facilitator"],
    )
    breakout = Room.objects.create(council=council, name=p("rooms.Room.name"), parent=plenary)
    workshop = Workshop.objects.create(
        session=session, position=1, name=p("workshops.Workshop.name"), topic=p("workshops.Workshop.topic"),
        room=breakout,
    )
    Assignment.objects.create(session=session, workshop=workshop, user=people["resident"])
    Assignment.objects.create(session=session, workshop=workshop, user=mallory)
    notes = Doc()  # the shared notes reach the page as a Yjs document
    notes.get(NOTES_TEXT, type=Text).insert(0, p("workshops.Notes.text"))
    Notes.objects.create(workshop=workshop, state=notes.get_update(), text=p("workshops.Notes.text"))
    Report.objects.create(
        workshop=workshop, summary=p("workshops.Report.summary"),
        proposals=[p("workshops.Report.proposals")], updated_by=mallory,
    )
    LogEntry.objects.create(session=session, kind="broadcast", actor=people["facilitator"], text=p("workshops.LogEntry.text"))
    AgendaItem.objects.create(
        room=plenary, position=1, title=p("workshops.AgendaItem.title"), session=session, started_at=now
    )
    sitting = Sitting.objects.create(room=plenary, opened_at=now)
    proxy = Proxy.objects.create(
        council=council, grantor=mallory, holder=people["facilitator"], valid_from=now,
        valid_until=now + timedelta(days=1), statement=p("assembly.Proxy.statement"),
    )
    # a parent's consent mallory asked for (no birth date: nobody is sent to the consent page);
    # the parent's page shows the name and address mallory typed
    ParentalConsent.objects.create(
        user=mallory, parent_name=p("youth.ParentalConsent.parent_name"),
        parent_email=p("youth.ParentalConsent.parent_email"), token_hash=_token_hash(CONSENT_TOKEN),
    )
    asked = Question.objects.create(
        room=plenary, author=mallory, text=p("questions.Question.text"), status="approved",
        client_request_id=p("questions.Question.client_request_id"),
    )
    hidden = Question.objects.create(
        room=plenary, author=mallory, text=p("questions.Question.text"), status="hidden",
        hidden_reason=p("questions.Question.hidden_reason"),
    )
    QaSettings.objects.create(room=plenary, shown=asked)  # the projector page shows it too
    ModerationEntry.objects.create(
        room=plenary, question=hidden, actor=people["facilitator"], action="hide",
        reason=p("questions.ModerationEntry.reason"),
    )
    poll_text = {
        "question": p("polls.Poll.question"), "label": p("polls.Poll.label"),
        "scale_min_label": p("polls.Poll.scale_min_label"), "scale_max_label": p("polls.Poll.scale_max_label"),
        "client_request_id": p("polls.Poll.client_request_id"),
    }
    closed_poll = Poll.objects.create(
        room=plenary, kind="single", options=[p("polls.Poll.options"), "B"], status="closed", position=1,
        result={"poll_id": 0, "respondents": 1, "method": "count", "mean": None, "rows": [
            {"label": p("polls.Poll.result"), "count": 1, "percent": 100}, {"label": "B", "count": 0, "percent": 0},
        ]},
        **poll_text,
    )
    open_poll = Poll.objects.create(
        room=plenary, kind="scale", status="open", position=2, allow_anonymous=True,
        **{**poll_text, "client_request_id": ""},
    )
    PollAnswer.objects.create(poll=open_poll, user=people["resident"], value=3, request_id=p("polls.Answer.request_id"))
    AuthGroup.objects.create(name="Équipe technique")
    now = timezone.now()
    budget = Budget.objects.create(  # in its vote: the ballot and the paper entry are open
        council=council, title=p("budgeting.Budget.title"), description=p("budgeting.Budget.description"),
        amount=1000, pabulib_meta={"keys": ["description"], "values": [p("budgeting.Budget.pabulib_meta")]},
        submission_starts_at=now - timedelta(days=20), vote_starts_at=now - timedelta(days=1), vote_ends_at=now + timedelta(days=9),
    )
    project = Project.objects.create(
        budget=budget, title=p("budgeting.Project.title"), description=p("budgeting.Project.description"),
        cost=100, category=p("budgeting.Project.category"), rejection_reason=p("budgeting.Project.rejection_reason"),
        feasibility="rejected", image_description=p("budgeting.Project.image_description"),
        external_id=p("budgeting.Project.external_id"), pabulib_extra={"name": p("budgeting.Project.pabulib_extra")},
    )
    Project.objects.create(budget=budget, title="Des bancs", cost=100, feasibility="feasible")
    BudgetBallot.objects.create(
        budget=budget, external_voter_id=p("budgeting.BudgetBallot.external_voter_id"),
        pabulib_extra={"age": p("budgeting.BudgetBallot.pabulib_extra")},
    )
    closed = Budget.objects.create(  # its vote is over and its results published: the results pages show it
        council=council, title=p("budgeting.Budget.title"), amount=1000,
        vote_starts_at=now - timedelta(days=9), vote_ends_at=now - timedelta(days=1),
    )
    selected = Project.objects.create(budget=closed, title=p("budgeting.Project.title"), cost=100, feasibility="feasible")
    BudgetResult.objects.create(
        budget=closed, status=BudgetResult.Status.DONE, rule=closed.rule, published_at=now,
        selected={rule: [selected.pk] for rule in Budget.Rule.values}, scores={str(selected.pk): "1"}, voters=1,
    )
    ProjectUpdate.objects.create(
        project=selected, text=p("budgeting.ProjectUpdate.text"), photo_description=p("budgeting.ProjectUpdate.photo_description"),
    )
    CouncilPage.objects.create(council=council, kind=CouncilPage.Kind.ACCESSIBILITY, body=p("councils.CouncilPage.body"))
    AuditEntry.objects.create(
        council=council, actor=mallory, action=AuditEntry.Action.ZONE_SAVED, target_type="groups.zone",
        target_id=zone.pk, target_text=p("councils.AuditEntry.target_text"),
        details={"name": p("councils.AuditEntry.details")},
    )

    vote = Vote.objects.create(
        council=council, title=p("ballots.Vote.title"), text=p("ballots.Vote.text"), method="majority_judgment",
        secret=False, grades=[p("ballots.Vote.grades"), "Bien"], tie_break=["a", "b"],
        tie_break_reason=p("ballots.Vote.tie_break_reason"), status="published", electorate_size=1,
        sitting=SittingAtOpening(
            sitting_id=1, opened_at="2026-12-03T18:00:00+00:00", president_id=mallory.pk,
            president_name=p("ballots.Vote.sitting"), quorum_present=1, quorum_required=1, quorum_met=True,
            without_quorum_allowed=False, quorum_checked_at="2026-12-03T18:00:00+00:00", mode="roll_call",
            mode_reason="roll_call_requested",
        ).to_dict(),
    )
    for position, key in enumerate(("a", "b")):
        VoteOption.objects.create(vote=vote, key=key, label=p("ballots.VoteOption.label"), position=position)
    content = {"grades": {"a": 0, "b": 1}}
    BoxEntry.objects.create(
        vote=vote, position=1, tracker="A" * 26, content=content, voter_name=p("ballots.BoxEntry.voter_name"),
        hash=link(genesis(str(vote.public_id)), {"tracker": "A" * 26, "content": content}),
    )
    Vote.objects.filter(pk=vote.pk).update(
        result=count("majority_judgment", ["a", "b"], [content], grades=vote.grades).to_dict()
    )

    consultation = Consultation.objects.create(
        council=council, title=p("consultation.Consultation.title"), description=p("consultation.Consultation.description"),
        image_description=p("consultation.Consultation.image_description"),
        embed_origins=p("consultation.Consultation.embed_origins"),  # never reaches the CSP header: not an origin
        is_published=True,
    )
    Phase.objects.create(consultation=consultation, kind="contributions", starts_at=now - timedelta(days=1), ends_at=now + timedelta(days=7))
    category = Category.objects.create(consultation=consultation, name=p("consultation.Category.name"))
    contribution_text = {
        "title": p("consultation.Contribution.title"), "body": p("consultation.Contribution.body"),
        "status_reason": p("consultation.Contribution.status_reason"), "answer": p("consultation.Contribution.answer"),
        "client_request_id": p("consultation.Contribution.client_request_id"),
        "image_description": p("consultation.Contribution.image_description"),
    }
    contribution = Contribution.objects.create(
        consultation=consultation, author=mallory, category=category, status="rejected", answered_by=people["facilitator"],
        answered_at=now, latitude=45.75, longitude=4.83, **contribution_text,  # placed: on the consultation's map
    )
    Project.objects.filter(pk=project.pk).update(source_contribution=contribution)  # the budget's page names its consultation
    Contribution.objects.create(
        consultation=consultation, author=people["resident"], hidden=True, hidden_reason=p("consultation.Contribution.hidden_reason"),
        **{**contribution_text, "client_request_id": ""},
    )
    comment = Comment.objects.create(
        contribution=contribution, author=mallory, body=p("consultation.Comment.body"),
        client_request_id=p("consultation.Comment.client_request_id"),
    )
    Comment.objects.create(
        contribution=contribution, author=mallory, body=p("consultation.Comment.body"), hidden=True,
        hidden_reason=p("consultation.Comment.hidden_reason"),
    )
    AbuseReport.objects.create(
        contribution=contribution, comment=comment, reporter=mallory, reason="other", details=p("consultation.AbuseReport.details"),
    )
    # The questionnaire: its page lists the questions outside its phase; the results page shows
    # options, rows, text answers and the breakdown's choices to the facilitators.
    questionnaire = Questionnaire.objects.create(
        consultation=consultation, title=p("questionnaires.Questionnaire.title"), intro=p("questionnaires.Questionnaire.intro"),
    )
    survey_choice = QuestionnaireQuestion.objects.create(
        questionnaire=questionnaire, position=1, kind="single", text=p("questionnaires.Question.text"),
        help_text=p("questionnaires.Question.help_text"), options=p("questionnaires.Question.options"),
    )
    QuestionnaireQuestion.objects.create(
        questionnaire=questionnaire, position=2, kind="matrix", text="Matrice", options="Oui\nNon",
        rows=p("questionnaires.Question.rows"), show_if=survey_choice, show_if_value=p("questionnaires.Question.show_if_value"),
    )
    survey_text = QuestionnaireQuestion.objects.create(questionnaire=questionnaire, position=3, kind="short_text", text="Texte")
    QuestionnaireResponse.objects.create(
        questionnaire=questionnaire, respondent=mallory, answers={str(survey_text.pk): p("questionnaires.Response.answers")}
    )
    QuestionnaireParticipation.objects.create(questionnaire=questionnaire, user=mallory)
    export = ConsultationExport.objects.create(consultation=consultation, format="ods", status="done", done=3, total=3)
    ContributionOnStage.objects.create(room=plenary, contribution=contribution)  # on the meeting's stage, over the socket
    petition = Petition.objects.create(
        council=council, author=mallory, threshold=1, status=Petition.Status.ANSWERED, answered_by=people["facilitator"],
        answered_at=now, **{field: p(f"petitions.Petition.{field}") for field in ("title", "body", "answer", "client_request_id")},
    )

    for field in FIELDS:  # the fixture above left no written field without its payload
        values = apps.get_model(field.model).objects.values_list(field.field, flat=True)
        assert any(payload(field.label) in strings(value) for value in values), field.label
    ids = {
        "council_slug": [council.slug],
        "room_id": [plenary.pk, breakout.pk],
        "session_id": [session.pk],
        "group_id": [static.pk, segment.pk],
        "user_id": [mallory.pk],
        "attribute_id": [free_text.pk, choice.pk],
        "zone_id": [zone.pk],
        "notification_id": [notification.pk],
        "sitting_id": [sitting.pk],
        "proxy_id": [proxy.pk],
        "send_id": [send.pk],
        "council_id": [council.pk],
        "vote_id": [vote.pk],
        "budget_id": [budget.pk, closed.pk],  # in its vote, and with published results
        "project_id": [project.pk, selected.pk],
        "consultation_id": [consultation.pk],
        "export_id": [export.pk],
        "petition_id": [petition.pk],
        "contribution_id": list(Contribution.objects.filter(consultation=consultation).values_list("pk", flat=True)),
        "code": [open_poll.code, closed_poll.code, hall_code(sitting.pk)],  # polls' short links, the hall's code
        "id": [mallory.pk],  # the admin's password form of a person
        "app_label": sorted({m._meta.app_label for m in admin.site._registry}),
        "key": ["not-a-key"],
        "uidb36": ["0"],
        "provider_id": [franceconnect.provider_id],
        "token": [CONSENT_TOKEN],
    }
    return {"people": people, "ids": ids, "plenary": plenary}


def admin_object_id(route: str) -> list[str]:
    app_label, model_name = route.split("/")[1:3]
    return [str(apps.get_model(app_label, model_name).objects.order_by("pk").first().pk)]


def urls_of(route: str, name: str, ids: dict[str, list]) -> list[str]:
    names = route_kwargs(route)
    choices = [admin_object_id(route) if n == "object_id" else ids[n] for n in names]
    return [reverse(name, kwargs=dict(zip(names, values, strict=True))) for values in itertools.product(*choices)]


class Visitor:
    """Visits pages in one browser and records what ran and what was shown as text."""

    def __init__(self, driver, ui):
        self.driver = driver
        self.ui = ui
        self.ran: dict[str, list] = {}
        self.shown: set[int] = set()

    def log_in(self, user: User) -> None:
        self.driver.execute_cdp_cmd("Network.clearBrowserCookies", {})
        self.ui.log_in(self.driver, user, "/accounts/profile/")

    def visit(self, who: str, url: str, *, wait_for: tuple[str, ...] = ()) -> None:
        try:
            self._check(who, url, wait_for)
        except UnexpectedAlertPresentException as error:  # Chrome dismissed it and tells
            self.ran[f"{who} {url}"] = [f"dialog: {error.alert_text}"]

    def _check(self, who: str, url: str, wait_for: tuple[str, ...]) -> None:
        driver = self.driver
        driver.get(self.ui.url + url)
        if driver.find_elements(By.ID, "room"):
            self._wait(lambda d: d.find_elements(By.CSS_SELECTOR, "#room[data-connection=open]"))
            # the snapshot came (the list may sit in a closed panel: its text, not what is visible)
            self._wait(lambda d: d.execute_script("return document.getElementById('presence-list').textContent.trim()"))
        if wait_for:
            # in the page, shown or in a closed panel (the facilitators' drawer): it came and was parsed
            self._wait(lambda d: all(marker(label) in self._text(everywhere=True) for label in wait_for))
        driver.execute_script(OPEN_TOOLTIPS)
        # A failing image reports once it is complete: wait for those inserted by scripts.
        self._wait(lambda d: d.execute_script(IMAGES_DONE))
        time.sleep(0.05)
        hits = driver.execute_script("return window.__xss || null")
        if hits:
            self.ran[f"{who} {url}"] = sorted({FIELDS[n].label for n in hits})
        text = self._text()
        self.shown |= {n for label, n in NUMBER.items() if marker(label) in text}

    def _text(self, *, everywhere: bool = False) -> str:
        """The page's visible text, or with `everywhere` its text in closed panels too."""
        text = "textContent" if everywhere else "innerText"
        return self.driver.execute_script(f"return document.body ? document.body.{text} + document.title : ''")

    def _wait(self, condition) -> None:
        # On time-out the page is checked as it is; the coverage assertion says what never showed.
        with contextlib.suppress(TimeoutException):
            WebDriverWait(self.driver, 10, poll_frequency=0.05).until(condition)


def test_no_stored_text_runs_as_script_on_any_page(browser, ui, poisoned):
    driver = browser()
    hook = driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": HOOK})
    visitor = Visitor(driver, ui)
    ids, people = poisoned["ids"], poisoned["people"]
    patterns = sorted(set(url_patterns()))
    visited: set[str] = set()
    try:
        for who in ("administrator", "facilitator", "resident", "superuser"):
            visitor.log_in(people[who])
            for route, name in patterns:
                if route in EXCLUDED or ADMIN_REDIRECT.match(route) or name is None:
                    continue
                if route.startswith("admin/") != (who == "superuser"):
                    continue
                for url in urls_of(route, name, ids):
                    # The chat, the workshops and the agenda come over the socket: wait for them.
                    live = ("rooms.Message.text", "workshops.Workshop.name", "workshops.AgendaItem.title")
                    plenary = url == reverse("room-detail", args=["nord", poisoned["plenary"].pk])
                    screen = url == reverse("questions-screen", args=["nord", poisoned["plenary"].pk])
                    if screen:  # the question on the projector comes over the socket
                        visitor.visit(who, url, wait_for=("questions.Question.text",))
                    else:
                        visitor.visit(who, url, wait_for=live if plenary and who == "facilitator" else ())
                visited.add(route)
    finally:
        driver.execute_cdp_cmd("Page.removeScriptToEvaluateOnNewDocument", {"identifier": hook["identifier"]})

    assert visitor.ran == {}
    unvisited = {route for route, name in patterns if route not in visited}
    assert sorted(unvisited - set(EXCLUDED) - {r for r in unvisited if ADMIN_REDIRECT.match(r)}) == []
    # The pages did show the stored text, as text, including what came over the socket
    # (the rest is in form fields, exports or the notes' Yjs state, never in a page's text).
    shown = {FIELDS[n].label for n in visitor.shown}
    assert {f.label for f in FIELDS} - shown == {
        "groups.NeighbourhoodGroup.rule",
        # the Q&A: a request id and the moderation log are never shown; a hidden question's reason
        # is in the facilitators' Questions tab, not the one a page opens on
        "questions.ModerationEntry.reason",
        "questions.Question.client_request_id",
        "questions.Question.hidden_reason",

        "consultation.Comment.client_request_id",  # idempotency keys are never shown
        "consultation.Contribution.client_request_id",
        # an image's description is its alt text (no image here); the framing sites are in the
        # admin's form field, and on the widgets' CSP header only when they are origins
        "consultation.Consultation.image_description",
        "consultation.Consultation.embed_origins",
        "petitions.Petition.client_request_id",
        "polls.Answer.request_id",
        "polls.Poll.client_request_id",
        "polls.Poll.options",  # in the collapsed answer form (its labels), and copied into the stored result
        "rooms.Room.description",
        "workshops.LogEntry.text",
        "workshops.Notes.text",
        "workshops.WorkshopSession.strata",
        # never a Pabulib file's other columns; an image's description is its alt text (no image here)
        "budgeting.ProjectUpdate.photo_description",
        "budgeting.Budget.pabulib_meta",
        "budgeting.Project.image_description",
        "budgeting.Project.external_id",
        "budgeting.Project.pabulib_extra",
        "budgeting.BudgetBallot.pabulib_extra",
    }
