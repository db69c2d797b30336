"""Full-text search of a consultation's contributions and their comments, in its language.

On PostgreSQL, the words are matched by the consultation's text search configuration (French or
English: stems and stop words), through the GIN indexes of migration 0003, whose expressions
are exactly the `SearchVector`s below. Elsewhere (SQLite in development), a plain
case-insensitive match of the text.
"""

from typing import Any

from django.contrib.postgres.search import SearchQuery
from django.contrib.postgres.search import SearchVector
from django.db import connection
from django.db.models import F
from django.db.models import Lookup
from django.db.models import Q

from council.consultation.models import SEARCH_CONFIGS
from council.consultation.models import Comment
from council.consultation.models import Consultation
from council.consultation.models import Contribution
from council.consultation.models import Language

#: longer search texts are cut (a query, not a document)
MAX_SEARCH_CHARS = 200


def matching(consultation: Consultation, text: str) -> Q:
    """The contributions whose title or text, or one of whose visible comments, match `text`.

    On PostgreSQL the matching ids are found here, once (two queries, one per GIN index), and
    the condition is `id = ANY(those ids)`: as subqueries, the matches were searched again by
    the page's count and by the page itself. The comments are joined to the visible
    contributions of the consultation, which the sorts' partial indexes hold with their ids
    (an index-only scan, not a read of every contribution's text).
    """
    text = text.strip()[:MAX_SEARCH_CHARS]
    comments = Comment.objects.filter(
        hidden=False, contribution__consultation=consultation, contribution__hidden=False,
        contribution__withdrawn_at__isnull=True, contribution__merged_into__isnull=True,
    )
    contributions = Contribution.objects.filter(consultation=consultation)
    if connection.vendor != "postgresql":
        in_comments = comments.filter(body__icontains=text)
        return Q(title__icontains=text) | Q(body__icontains=text) | Q(pk__in=in_comments.values("contribution_id"))
    config = SEARCH_CONFIGS.get(Language(consultation.language), "simple")
    query = SearchQuery(text, config=config, search_type="websearch")
    in_contributions = contributions.annotate(document=SearchVector("title", "body", config=config)).filter(document=query)
    in_comments = comments.annotate(document=SearchVector("body", config=config)).filter(document=query)
    ids = set(in_contributions.values_list("pk", flat=True)) | set(in_comments.values_list("contribution_id", flat=True))
    return Q(_AnyOf(F("pk"), sorted(ids)))


class _AnyOf(Lookup):  # type: ignore[type-arg]
    """`id = ANY('{1,2,…}'::bigint[])`: the ids as one array literal, which PostgreSQL reads
    much faster than an IN list or an ARRAY[…] of thousands of constants."""

    lookup_name = "any_of"

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        ids = getattr(self.rhs, "value", self.rhs)  # the list, wrapped in a Value by Lookup
        array = "{" + ",".join(str(int(pk)) for pk in ids) + "}"
        return f"{lhs} = ANY(%s::bigint[])", [*lhs_params, array]
