"""The README's screenshots of the consultation module, taken in headless Chromium.

Not part of the suite (pytest collects `test_*.py` only): run it on purpose, with the browser
tests' services, when the pages change:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/council TEST_BROWSER_REDIS_DB=13 \
        .venv/bin/pytest -q -n 0 -p no:cacheprovider tests/browser/screenshots.py

It fills a council with a demonstration consultation (ideas on a map, a thread with an official
answer, a questionnaire and its answers, a petition), serves it with the browser tests' Daphne
process and writes 1280-pixel-wide PNGs (256 colours, each under about 200 KB) into
`docs/screenshots/`. The map's tiles are plain (no tile server is reached from here): the
pictures show the markers and the page, not a street map.
"""

import io
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler
from http.server import ThreadingHTTPServer
from pathlib import Path

import pytest
from django.utils import timezone
from PIL import Image
from PIL import ImageDraw
from selenium.webdriver.common.by import By
from selenium.webdriver.support.wait import WebDriverWait

from council.consultation import moderation
from council.consultation import services
from council.consultation.models import Category
from council.consultation.models import Comment
from council.consultation.models import Consultation
from council.consultation.models import Contribution
from council.consultation.models import Phase
from council.consultation.petitions import services as petitions
from council.consultation.questionnaires.models import Question
from council.consultation.questionnaires.models import Questionnaire
from council.consultation.questionnaires.services import questionnaire_answer
from council.councils.models import Role
from council.groups.models import Zone

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

OUT = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
WIDTH = 1280
WAIT = 15
MARKET = (45.7745, 4.8320)  # a square of a French town, for the points


class _Tiles(BaseHTTPRequestHandler):
    """Every tile the same: a light ground with a faint grid (no street map offline)."""

    tile = b""

    def do_GET(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.send_header("Content-Length", str(len(self.tile)))
        self.end_headers()
        self.wfile.write(self.tile)

    def log_message(self, *args: object) -> None:
        pass


def _plain_tile() -> bytes:
    image = Image.new("RGB", (256, 256), "#f2efe9")
    draw = ImageDraw.Draw(image)
    for at in range(0, 256, 64):
        draw.line([(at, 0), (at, 255)], fill="#e2ddd3")
        draw.line([(0, at), (255, at)], fill="#e2ddd3")
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


@pytest.fixture(scope="module")
def tile_server():
    _Tiles.tile = _plain_tile()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Tiles)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


@pytest.fixture
def server_env(tile_server):
    return {"MAP_TILE_URL": f"{tile_server}/{{z}}/{{x}}/{{y}}.png", "MAP_TILE_ATTRIBUTION": "Plain tiles (screenshots)"}


def _phases(consultation: Consultation, current: str) -> None:
    """Information, contributions, questionnaire, results, three weeks each; `current` runs now."""
    order = ["information", "contributions", "questionnaire", "results"]
    start = timezone.now() - timedelta(days=21 * order.index(current) + 3)
    for index, kind in enumerate(order):
        begins = start + timedelta(days=21 * index)
        Phase.objects.create(consultation=consultation, kind=kind, starts_at=begins, ends_at=begins + timedelta(days=21))


IDEAS = [
    ("Des arbres le long de la rue du Marché", "Espaces verts", (0.0012, -0.0010), 14,
     "La rue est brûlante l'été. Des tilleuls ou des platanes donneraient de l'ombre aux étals et aux terrasses."),
    ("Un parking à vélos couvert", "Mobilité", (-0.0006, 0.0014), 11,
     "Une trentaine d'arceaux sous un abri, près de l'arrêt de bus, pour venir au marché à vélo."),
    ("Des bancs autour de la fontaine", "Espaces verts", (0.0003, 0.0004), 9,
     "Pour s'asseoir à l'ombre, surtout pour les personnes âgées qui font leurs courses à pied."),
    ("Un marché le mercredi soir", "Commerces", (-0.0011, -0.0005), 7,
     "Pour celles et ceux qui travaillent le samedi matin : un petit marché de producteurs de 17 h à 20 h."),
    ("Rendre la place piétonne le dimanche", "Mobilité", (0.0008, 0.0019), 5,
     "Fermer la place aux voitures le dimanche, de 8 h à 14 h, comme à l'essai de l'été dernier."),
    ("Des toilettes publiques", "Commerces", None, 3,
     "Il n'y en a aucune à moins de 500 m ; les commerçants nous renvoient au café."),
]


def _people(ui, council, count: int) -> list:
    names = [
        "Rosa Martin", "Karim Benali", "Chloé Dubois", "Yann Le Gall", "Inès Moreau", "Paul Girard",
        "Awa Diallo", "Louis Fontaine", "Emma Roux", "Hugo Lefèvre", "Sarah Cohen", "Tom Nguyen",
        "Julie Petit", "Malik Haddad", "Claire Vidal", "Nina Laurent",
    ]
    return [
        ui.make_person(council, f"resident{index}@example.org", names[index], Role.RESIDENT)
        for index in range(count)
    ]


def _consultation_with_ideas(council, facilitator, people) -> tuple[Consultation, Contribution]:
    consultation = Consultation.objects.create(
        council=council, title="Réaménager la place du Marché", is_published=True, language="fr",
        description=(
            "La place du Marché sera refaite en 2027. Avant que les architectes ne dessinent, "
            "dites-nous ce qui vous manque : proposez vos idées, soutenez celles des autres et discutez-en. "
            "La mairie répond à chaque idée."
        ),
    )
    _phases(consultation, "contributions")
    categories = {
        name: Category.objects.create(consultation=consultation, name=name, position=index)
        for index, name in enumerate(["Mobilité", "Espaces verts", "Commerces"])
    }
    made = []
    for index, (title, category, offset, supports, body) in enumerate(IDEAS):
        point = (round(MARKET[0] + offset[0], 5), round(MARKET[1] + offset[1], 5)) if offset else (None, None)
        contribution = services.contribution_submit(
            actor=people[index], consultation_id=consultation.pk, title=title, body=body,
            category_id=categories[category].pk, latitude=point[0], longitude=point[1],
        )
        for supporter in people[:supports]:
            if supporter != people[index]:
                services.contribution_endorse(actor=supporter, contribution_id=contribution.pk)
        made.append(contribution)
    trees = made[0]
    first = services.comment_post(
        actor=people[1], contribution_id=trees.pk, stance=Comment.Stance.FOR,
        body="Oui ! Et des arbres qui ne salissent pas les voitures, si possible.",
    )
    services.comment_post(
        actor=people[0], contribution_id=trees.pk, parent_id=first.pk,
        body="Les services espaces verts conseillent le micocoulier pour ça.",
    )
    services.comment_post(
        actor=people[2], contribution_id=trees.pk, stance=Comment.Stance.AGAINST,
        body="Attention aux racines : les camions des forains doivent encore pouvoir passer.",
    )
    services.comment_post(
        actor=people[3], contribution_id=trees.pk, stance=Comment.Stance.NEUTRAL,
        body="Combien d'arbres ? Il faudrait un plan avant de décider.",
    )
    moderation.contribution_answer(
        actor=facilitator, contribution_id=trees.pk,
        answer=(
            "Merci pour cette idée, soutenue par beaucoup d'entre vous. Le projet prévoit douze micocouliers "
            "du côté sud ; les allées des forains restent libres. Les plans seront présentés en réunion publique en mars."
        ),
    )
    moderation.contribution_set_status(actor=facilitator, contribution_id=trees.pk, status=Contribution.Status.ACCEPTED)
    moderation.contribution_set_status(actor=facilitator, contribution_id=made[1].pk, status=Contribution.Status.UNDER_STUDY)
    return consultation, trees


def _questionnaire(council, people) -> Questionnaire:
    consultation = Consultation.objects.create(
        council=council, title="Les trajets vers l'école Jean-Jaurès", is_published=True, language="fr",
        description="Comment vos enfants vont-ils à l'école ? Vos réponses guident le plan de circulation.",
    )
    _phases(consultation, "questionnaire")
    questionnaire = Questionnaire.objects.create(
        consultation=consultation, title="Vos trajets", results_public=True,
    )
    mode = Question.objects.create(
        questionnaire=questionnaire, position=1, kind="single", text="Comment vos enfants vont-ils à l'école ?",
        options="À pied\nÀ vélo\nEn bus\nEn voiture", required=True,
    )
    Question.objects.create(
        questionnaire=questionnaire, position=2, kind="short_text", text="Quelle ligne de bus ?",
        show_if=mode, show_if_value="En bus",
    )
    safety = Question.objects.create(
        questionnaire=questionnaire, position=3, kind="scale", text="Le trajet vous semble-t-il sûr ? (1 : pas du tout, 5 : tout à fait)", scale_max=5, required=True,
    )
    wishes = Question.objects.create(
        questionnaire=questionnaire, position=4, kind="multiple", text="Qu'est-ce qui aiderait le plus ? (deux au plus)",
        options="Une rue école fermée aux voitures aux heures d'entrée\nDes trottoirs plus larges\nUn agent pour traverser\nUn parking à vélos",
        min_choices=1, max_choices=2,
    )
    Question.objects.create(questionnaire=questionnaire, position=5, kind="long_text", text="Autre chose à nous dire ?")
    street, pavements, guard, bikes = wishes.option_list
    answers = [
        ("À pied", 4, [pavements], ""), ("À pied", 3, [street], "Les voitures roulent vite devant la boulangerie."),
        ("À vélo", 2, [bikes, street], ""), ("En voiture", 3, [guard], ""),
        ("À pied", 2, [street, pavements], "Le trottoir est encombré par les poubelles le mardi."), ("En bus", 4, [guard], "C3"),
        ("À vélo", 1, [street], ""), ("À pied", 3, [guard], ""), ("En voiture", 4, [pavements], ""),
        ("À pied", 2, [street, bikes], ""), ("En bus", 3, [pavements], "S12"), ("À pied", 5, [street], ""),
    ]
    line, remarks = questionnaire.questions.get(position=2), questionnaire.questions.get(position=5)
    for person, (how, felt, wished, text) in zip(people[: len(answers)], answers, strict=True):
        raw = {mode.pk: how, safety.pk: str(felt), wishes.pk: wished}
        if text:
            raw[line.pk if how == "En bus" else remarks.pk] = text
        questionnaire_answer(actor=person, questionnaire_id=questionnaire.pk, raw=raw)
    return questionnaire


def _save(driver, name: str, *, height: int | None = None) -> None:
    """The page at 1280 pixels wide, `height` tall (default: the whole page, at most 2400), as a 256-colour PNG."""
    driver.execute_script("document.documentElement.style.overflow = 'hidden'")  # no scroll bar in the picture
    driver.set_window_size(WIDTH, 300)  # measured in a short window: the page's own height, not the window's
    full = driver.execute_script("return document.documentElement.scrollHeight")
    driver.set_window_size(WIDTH, min(height or full, 2400) + 140)  # the window's frame is not the page
    driver.execute_script("window.scrollTo(0, 0)")
    image = Image.open(io.BytesIO(driver.get_screenshot_as_png())).convert("RGB")
    if image.width != WIDTH:
        image = image.resize((WIDTH, round(image.height * WIDTH / image.width)))
    OUT.mkdir(parents=True, exist_ok=True)
    image.quantize(colors=256, method=Image.Quantize.MEDIANCUT).save(OUT / f"{name}.png", optimize=True)
    driver.set_window_size(WIDTH, 900)


def _market_zone(council) -> None:
    """The council's zone around the square, drawn on the map under the markers."""
    (lat, lng), d = MARKET, 0.0022
    ring = [[lng - d, lat - d], [lng + d, lat - d], [lng + d, lat + d], [lng - d, lat + d], [lng - d, lat - d]]
    Zone.objects.create(
        council=council, name="Quartier du Marché", slug="quartier-du-marche", geometry={"type": "Polygon", "coordinates": [ring]},
        min_lon=lng - d, min_lat=lat - d, max_lon=lng + d, max_lat=lat + d,
    )


def test_take_the_consultation_screenshots(browser, ui, meeting):
    council, facilitator = meeting["council"], meeting["facilitator"]
    people = _people(ui, council, 16)
    consultation, trees = _consultation_with_ideas(council, facilitator, people)
    _market_zone(council)
    questionnaire = _questionnaire(council, people)
    petitions.petition_settings_save(actor=facilitator, council=council, threshold=50, meeting_room_id=meeting["room"].pk,
                                     verification_requirement={"kinds": ["email"], "mode": "any"})
    petition = petitions.petition_open(
        actor=people[4], council=council, title="Rouvrir la piscine Tournesol l'été",
        body="La piscine du quartier est fermée depuis deux étés. Nous demandons sa réouverture en juillet et en août.",
    )
    for person in people[:12]:
        petitions.petition_sign(actor=person, petition_id=petition.pk)
    base = f"/c/{council.slug}/consultations/"

    driver = browser()
    driver.get(f"{ui.url}{base}")
    _save(driver, "consultation-list")

    ui.log_in(driver, people[15], f"{base}{consultation.pk}/")
    driver.get(f"{ui.url}{base}{consultation.pk}/")  # without the "signed in" message
    WebDriverWait(driver, WAIT).until(lambda d: d.find_element(By.ID, "contributions").get_attribute("data-synced") == "1")
    _save(driver, "consultation", height=1800)

    driver.get(f"{ui.url}{base}{consultation.pk}/map/")
    WebDriverWait(driver, WAIT).until(lambda d: len(d.find_elements(By.CSS_SELECTOR, ".leaflet-marker-icon")) >= 1)
    WebDriverWait(driver, WAIT).until(lambda d: d.execute_script(
        "return [...document.querySelectorAll('.leaflet-tile')].every(t => t.complete)"
    ))
    _save(driver, "consultation-map", height=1100)

    driver.get(f"{ui.url}{base}{consultation.pk}/contributions/{trees.pk}/")
    WebDriverWait(driver, WAIT).until(lambda d: d.find_element(By.ID, "contribution").get_attribute("data-synced") == "1")
    _save(driver, "contribution")

    driver.get(f"{ui.url}{base}{questionnaire.consultation_id}/questionnaire/")
    _save(driver, "questionnaire")

    driver.get(f"{ui.url}/c/{council.slug}/petitions/{petition.pk}/")
    _save(driver, "petition")

    driver.execute_cdp_cmd("Network.clearBrowserCookies", {})
    ui.log_in(driver, facilitator, f"{base}{questionnaire.consultation_id}/questionnaire/results/")
    driver.refresh()  # without the "signed in" message
    _save(driver, "questionnaire-results")

    driver.get(f"{ui.url}{base}{consultation.pk}/exports/")
    _save(driver, "exports", height=700)

    sizes = {path.name: path.stat().st_size for path in OUT.glob("*.png")}
    assert all(size < 250_000 for size in sizes.values()), sizes
