"""Writers racing on the embedded default's SQLite file, run in a process of its own.

Usage: python -m tests.core.sqlite_writers <database path>. Prints one JSON line:
{"posted": N, "errors": [...]}. Several threads post chat messages while others write and
delete presence rows (sockets connecting and disconnecting), each on its own connection,
as Daphne's database threads do.
"""

import json
import os
import sys
import threading

os.environ["DJANGO_SETTINGS_MODULE"] = "council.settings.base"
os.environ["DATABASE_URL"] = f"sqlite:///{sys.argv[1]}"
os.environ.setdefault("SECRET_KEY", "sqlite-writers-test-key-0123456789-0123456789-0123456789")

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

from council.accounts.models import User  # noqa: E402
from council.councils.models import Council  # noqa: E402
from council.councils.models import Role  # noqa: E402
from council.councils.services import role_grant  # noqa: E402
from council.rooms import services  # noqa: E402
from council.rooms.models import Presence  # noqa: E402
from council.rooms.models import Room  # noqa: E402

WRITERS, CHURNERS, ROUNDS = 4, 4, 40


def main() -> None:
    call_command("migrate", verbosity=0)
    council = Council.objects.create(slug="race", name="Race")
    room = Room.objects.create(council=council, name="Room")
    authors = []
    for index in range(WRITERS):
        author = User.objects.create_user(email=f"writer{index}@example.org", password="x")
        role_grant(actor=None, council=council, user=author, role=Role.MEMBER)
        authors.append(author)
    connection.close()
    errors: list[str] = []
    posted = []

    def write(author) -> None:
        try:
            for round_ in range(ROUNDS):
                try:
                    services.message_post(actor=author, room_id=room.pk, text=f"m{round_}")
                    posted.append(1)
                except Exception as error:  # what a socket would die of (close 1011)
                    errors.append(f"message_post: {error!r}")
        finally:
            connection.close()

    def churn(index: int) -> None:
        try:
            for round_ in range(ROUNDS):
                name = f"specific.test!{index}-{round_}"
                try:
                    Presence.objects.create(room=room, user=authors[0], channel_name=name, seen_at=timezone.now())
                    services.room_leave(channel_name=name)
                except Exception as error:
                    errors.append(f"presence: {error!r}")
        finally:
            connection.close()

    threads = [threading.Thread(target=write, args=(author,)) for author in authors]
    threads += [threading.Thread(target=churn, args=(index,)) for index in range(CHURNERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    seqs = sorted(Room.objects.get(pk=room.pk).messages.values_list("seq", flat=True))
    print(json.dumps({"posted": len(posted), "seqs_without_gap": seqs == list(range(1, len(seqs) + 1)), "errors": errors[:5], "error_count": len(errors)}))  # noqa: T201


if __name__ == "__main__":
    main()
