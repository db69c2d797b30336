"""Consultation at scale: list pages (each sort), the map and its data, a 500-comment thread, search, the API, a full ODS export.

Prints figures; it is not a test. What it sets up by itself:

* a PostgreSQL database of its own (BENCH_CONSULTATION_DATABASE_URL, default
  council_bench_consultation), migrated, with council "bench-consultation": 2,000 residents and
  a consultation in its contributions phase with 20,000 contributions (four categories, two in
  three with a place), 100,000 comments (one contribution has exactly 500: 450 top-level, 50
  replies) and 200,000 endorsements (skewed: a few ideas are much supported), all written with
  INSERT … SELECT generate_series, the counters filled as migration 0003 does, then VACUUM
  ANALYZE; reused on the next run (``--rebuild`` to make it again). ``--scale 0.1`` makes a
  tenth of everything (the 500-comment thread stays);
* production settings (council.settings.base, DEBUG off) without Redis: a local-memory cache,
  database sessions.

Then, in this process with Django's test client (no server, no network), each measurement
``--runs`` times after three unmeasured runs: p50 and p99 of the time and the number of SQL
queries of each request. An anonymous visitor reads the pages. The map data is measured cached
(the usual case) and "after a change" (its version token dropped before each GET, as a committed
change does: the markers are read again). Finally the time of writing the full ODS export (the
Celery task's work, run inline; ``--no-export`` skips it). ``--jit-off`` sets ``jit = off`` on the
connection, to compare. Before measuring, the start-up objects are frozen out of the garbage
collector as asgi.py does (council/core/startup.py; ``GC_FREEZE_AT_START=False`` to compare);
"full gc" is the number of full collections during a case's runs and the longest (ms).

    .venv/bin/python bench/consultation.py [--scale 0.1] [--runs 30] [--jit-off] [--rebuild] [--no-map] [--no-export]
"""

import argparse
import gc
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

import common  # bench/common.py, beside this script

ROOT = Path(__file__).resolve().parent.parent
DATABASE_URL = os.environ.get(
    "BENCH_CONSULTATION_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/council_bench_consultation"
)
SLUG = "bench-consultation"
PEOPLE = 2_000
CONTRIBUTIONS, COMMENTS, ENDORSEMENTS = 20_000, 100_000, 200_000
THREAD = 500
VOCABULARY = 500
WORDS = [
    "arbre", "vélo", "piste", "cyclable", "banc", "école", "parc", "fontaine", "marché", "bus", "trottoir",
    "éclairage", "jardin", "jeux", "enfants", "propreté", "bruit", "stationnement", "place", "rue",
]


def env() -> dict[str, str]:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "council.settings.base",
        "DATABASE_URL": DATABASE_URL,
        "REDIS_URL": "",
        "ALLOWED_HOSTS": "testserver",
        "DEBUG": "False",
        "LOG_LEVEL": "ERROR",
        # one visitor reads the API some 130 times a minute here: not the throttle's business
        "API_ANON_THROTTLE_RATE": "100000/minute",
        "PYTHONPATH": str(ROOT),
    }


def setup_django() -> None:
    common.create_database(DATABASE_URL)
    subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=ROOT, env=env(), check=True)
    os.environ.update(env())
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def _text(seed: str, words: int) -> str:
    """SQL for `words` words drawn by a hash of `seed` (an SQL integer expression) from VOCABULARY
    words: the WORDS (each about one word in VOCABULARY, so one search word is in a few percent of
    the texts) and filler words ("terme123")."""
    array = "ARRAY[" + ",".join(f"'{w}'" for w in WORDS) + "]"
    picks = []
    for k in range(words):
        draw = f"(1 + (hashint4(({seed}) * {7 + 13 * k})::bigint & 2147483647) % {VOCABULARY})"
        picks.append(f"COALESCE(({array})[{draw}], 'terme' || {draw})")
    return " || ' ' || ".join(picks)


def build(scale: float, rebuild: bool) -> int:
    """Seed the consultation (or reuse it); return its id."""
    from datetime import timedelta

    from django.contrib.auth.hashers import make_password
    from django.db import connection
    from django.db import transaction
    from django.utils import timezone

    from council.accounts.models import User
    from council.consultation.models import Category
    from council.consultation.models import Consultation
    from council.consultation.models import Phase
    from council.councils.models import Council

    contributions, comments, endorsements = (int(n * scale) for n in (CONTRIBUTIONS, COMMENTS, ENDORSEMENTS))
    council = Council.objects.filter(slug=SLUG).first()
    consultation = Consultation.objects.filter(council=council).first() if council else None
    if consultation and not rebuild and consultation.contributions.count() == contributions:
        print(f"reusing consultation {consultation.pk}: {contributions:,} contributions")
        return consultation.pk
    started = time.perf_counter()
    with transaction.atomic():
        if council:
            council.delete()
        User.objects.filter(email__endswith="@consultation.bench.invalid").delete()
        council = Council.objects.create(slug=SLUG, name="Bench consultation")
        password = make_password(None)
        User.objects.bulk_create(
            [User(email=f"p{n}@consultation.bench.invalid", display_name=f"Habitant {n}", password=password) for n in range(PEOPLE)]
        )
        now = timezone.now()
        consultation = Consultation.objects.create(council=council, title="Place du marché", is_published=True)
        Phase.objects.create(consultation=consultation, kind="contributions", starts_at=now - timedelta(days=30), ends_at=now + timedelta(days=30))
        categories = [Category.objects.create(consultation=consultation, name=n, position=i) for i, n in enumerate(["Mobilité", "Nature", "Jeux", "Propreté"])]
        with connection.cursor() as cursor:
            cursor.execute("SELECT min(id) FROM accounts_user WHERE email LIKE '%%@consultation.bench.invalid'")
            first_user = cursor.fetchone()[0]
            seeds(cursor, consultation.pk, [c.pk for c in categories], first_user, contributions, comments, endorsements)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE consultation_contribution")
        cursor.execute("VACUUM ANALYZE consultation_comment")
        cursor.execute("VACUUM ANALYZE consultation_endorsement")
    print(f"built in {time.perf_counter() - started:.0f} s: {contributions:,} contributions, {comments:,} comments, {endorsements:,} endorsements")
    return consultation.pk


def seeds(cursor, consultation_id: int, categories: list[int], first_user: int, contributions: int, comments: int, endorsements: int) -> None:
    user = f"{first_user} + (hashint4(i * 31)::bigint & 2147483647) % {PEOPLE}"
    cursor.execute(
        f"""
        INSERT INTO consultation_contribution (consultation_id, author_id, title, body, category_id, latitude, longitude,
            status, status_reason, hidden, hidden_reason, answer, created_at, client_request_id, endorsement_count, comment_count,
            image, image_description)
        SELECT {consultation_id}, {user}, initcap({_text("i", 3)}), {_text("i + 1", 40)},
            (ARRAY{categories})[1 + i % {len(categories)}],
            CASE WHEN i % 3 = 0 THEN NULL ELSE 48.85 + (i % 1000) / 10000.0 END,
            CASE WHEN i % 3 = 0 THEN NULL ELSE 2.35 + (i % 997) / 10000.0 END,
            'published', '', false, '', '', now() - make_interval(mins => i), '', 0, 0, '', ''
        FROM generate_series(1, {contributions}) AS i
        """
    )
    cursor.execute("SELECT min(id), max(id) FROM consultation_contribution WHERE consultation_id = %s", [consultation_id])
    low, high = cursor.fetchone()
    span = high - low + 1
    # The thread: the newest contribution gets 450 top-level comments and 50 replies to them.
    cursor.execute(
        f"""
        INSERT INTO consultation_comment (contribution_id, author_id, parent_id, depth, stance, body, hidden, hidden_reason, created_at, client_request_id)
        SELECT {low}, {user}, NULL, 0, (ARRAY['for','against','neutral'])[1 + i % 3], {_text("i + 7", 25)}, false, '',
            now() - make_interval(secs => {THREAD} - i), ''
        FROM generate_series(1, {THREAD - 50}) AS i
        """
    )
    cursor.execute(
        f"""
        INSERT INTO consultation_comment (contribution_id, author_id, parent_id, depth, stance, body, hidden, hidden_reason, created_at, client_request_id)
        SELECT {low}, {user}, parent.id, 1, 'neutral', {_text("i + 11", 20)}, false, '', parent.created_at + interval '1 second', ''
        FROM (SELECT id, created_at, row_number() OVER (ORDER BY id)::int AS i FROM consultation_comment WHERE contribution_id = {low} LIMIT 50) AS parent
        """
    )
    # The others: skewed towards some contributions (the square of a uniform hash).
    skewed = f"{low} + 1 + floor(({span} - 1) * power((hashint4(i * 17)::bigint & 2147483647)::float / 2147483648, 2))::int"
    cursor.execute(
        f"""
        INSERT INTO consultation_comment (contribution_id, author_id, parent_id, depth, stance, body, hidden, hidden_reason, created_at, client_request_id)
        SELECT {skewed}, {user}, NULL, 0, (ARRAY['for','against','neutral'])[1 + i % 3], {_text("i + 3", 25)}, false, '',
            now() - make_interval(secs => i), ''
        FROM generate_series(1, {comments - THREAD}) AS i
        """
    )
    # Endorsements: distinct (contribution, person) pairs, skewed too, until there are enough.
    made, round_ = 0, 0
    while made < endorsements and round_ < 10:
        cursor.execute(
            f"""
            INSERT INTO consultation_endorsement (contribution_id, user_id, created_at)
            SELECT {skewed.replace("i * 17", f"(i + {round_ * 7_777_777}) * 19")}, {first_user} + (hashint4(i * 37 + {round_})::bigint & 2147483647) % {PEOPLE}, now()
            FROM generate_series(1, {endorsements - made}) AS i
            ON CONFLICT DO NOTHING
            """
        )
        made += cursor.rowcount
        round_ += 1
    cursor.execute(
        """
        UPDATE consultation_contribution AS c SET
            endorsement_count = (SELECT count(*) FROM consultation_endorsement e WHERE e.contribution_id = c.id),
            comment_count = (SELECT count(*) FROM consultation_comment m WHERE m.contribution_id = c.id AND NOT m.hidden)
        WHERE c.consultation_id = %s
        """,
        [consultation_id],
    )


class FullCollections:
    """The garbage collector's full (generation 2) collections during a case: how many, the longest (ms)."""

    def __init__(self) -> None:
        self.pauses: list[float] = []
        self.started = 0.0

    def heard(self, phase: str, info: dict) -> None:
        if info["generation"] != 2:
            return
        if phase == "start":
            self.started = time.perf_counter()
        else:
            self.pauses.append((time.perf_counter() - self.started) * 1000)

    def summary(self) -> str:
        return f"{len(self.pauses)}, {max(self.pauses):.0f}" if self.pauses else "0"


full_collections = FullCollections()


def measure(client, url: str, runs: int, before=None) -> tuple[float, float, int, int]:
    """p50 and p99 (ms), and the fewest and most queries, of `runs` GETs of `url` (after 3 unmeasured);
    `before()`, if given, runs before each GET, unmeasured."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    times, counts = [], []
    for n in range(runs + 3):
        if before is not None:
            before()
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get(url)
            elapsed = time.perf_counter() - started
        assert response.status_code == 200, (url, response.status_code)
        if n >= 3:
            times.append(elapsed * 1000)
            counts.append(len(captured))
    times.sort()
    p99 = times[min(len(times) - 1, round(0.99 * (len(times) - 1)))]
    return statistics.median(times), p99, min(counts), max(counts)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--jit-off", action="store_true")
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument("--no-map", action="store_true", help="skip the map page and the map data")
    parser.add_argument("--no-export", action="store_true", help="skip the ODS export")
    args = parser.parse_args()
    setup_django()

    from django.core.cache import cache
    from django.db import connection
    from django.db.backends.signals import connection_created
    from django.test import Client
    from django.urls import reverse

    from council.consultation.exports import services as exports
    from council.consultation.models import Comment
    from council.consultation.models import Consultation
    from council.consultation.models import ConsultationExport
    from council.consultation.models import Contribution
    from council.core.startup import freeze_start_up_objects

    consultation_id = build(args.scale, args.rebuild)
    # as asgi.py does once the server process is ready (GC_FREEZE_AT_START=False to compare)
    frozen = freeze_start_up_objects()
    print(f"start-up objects frozen out of the garbage collector: {frozen:,}")
    gc.callbacks.append(full_collections.heard)
    if args.jit_off:
        connection_created.connect(lambda connection, **kwargs: connection.cursor().execute("SET jit = off"), weak=False)
        connection.close()
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        print(f"PostgreSQL jit = {cursor.fetchone()[0]}; {args.runs} runs each, after 3 unmeasured")
    consultation = Consultation.objects.get(pk=consultation_id)
    thread = Contribution.objects.filter(consultation=consultation).order_by("id").first()
    category = consultation.categories.first()
    map_data = reverse("consultation-map-markers", args=[SLUG, consultation_id])
    markers = Contribution.objects.visible().filter(consultation=consultation, latitude__isnull=False).count()
    page = reverse("consultation-detail", args=[SLUG, consultation_id])
    detail = reverse("contribution-detail", args=[SLUG, consultation_id, thread.pk])
    api = reverse("api-contribution-list", args=[consultation_id])
    cases = [
        ("list, recent", f"{page}?sort=recent"),
        ("list, most supported", f"{page}?sort=endorsed"),
        ("list, most commented", f"{page}?sort=commented"),
        ("list, random", f"{page}?sort=random"),
        ("list, recent, page 500", f"{page}?sort=recent&page=500"),
        ("list, most supported, page 500", f"{page}?sort=endorsed&page=500"),
        ("search 'fontaine jardin'", f"{page}?q=fontaine+jardin"),
        ("search 'vélo', category, most supported", f"{page}?q=v%C3%A9lo&category={category.pk}&sort=endorsed"),
        ("map page (its list paged)", reverse("consultation-map", args=[SLUG, consultation_id])),
        (f"map data, {markers:,} markers, cached", map_data),
        (f"map data, {markers:,} markers, after a change", map_data),
        ("map data, category + bounding box", f"{map_data}?category={category.pk}&bbox=2.35,48.85,2.40,48.90"),
        (f"contribution, {Comment.objects.filter(contribution=thread).count()} comments, page 1", detail),
        ("contribution, thread page 9", f"{detail}?comments=9"),
        ("API list, recent", api),
        ("API list, most supported", f"{api}?sort=endorsed"),
        ("API list, search 'fontaine'", f"{api}?q=fontaine"),
        ("API comments of the thread", reverse("api-comment-list", args=[thread.pk])),
    ]
    if args.no_map:
        cases = [case for case in cases if not case[0].startswith("map")]
    client = Client()
    print(f"{'request':<48} {'p50 ms':>8} {'p99 ms':>8} {'queries':>8} {'full gc':>8}")
    for label, url in cases:
        # "after a change": the version token replaced before each GET, as a committed change does
        before = (lambda: cache.delete(f"consultation.markers.version.{consultation_id}")) if "after a change" in label else None
        full_collections.pauses.clear()
        p50, p99, fewest, most = measure(client, url, args.runs, before)
        queries = str(most) if fewest == most else f"{fewest}-{most}"
        print(f"{label:<48} {p50:>8.1f} {p99:>8.1f} {queries:>8} {full_collections.summary():>8}")

    if args.no_export:
        return
    export = ConsultationExport.objects.create(consultation=consultation, format="ods", total=0)
    started = time.perf_counter()
    exports.export_write(export_id=export.pk)
    elapsed = time.perf_counter() - started
    export.refresh_from_db()
    print(f"ODS export: {export.done:,} rows, {len(bytes(export.content)) / 1e6:.1f} MB in {elapsed:.1f} s")
    ConsultationExport.objects.filter(pk=export.pk).delete()


if __name__ == "__main__":
    main()
