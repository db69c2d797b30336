"""Full-text search of a consultation's contributions and their comments, in its language.

On PostgreSQL, the words are matched by the consultation's text search configuration (French or
English: stems and stop words), through the GIN indexes of migration 0003, whose expressions
are exactly the `SearchVector`s below. Elsewhere (SQLite in development), a plain
case-insensitive match of the text.
"""

from django.contrib.postgres.search import SearchQuery
from django.contrib.postgres.search import SearchVector
from django.db import connection
from django.db.models import Q

from council.consultation.models import SEARCH_CONFIGS
from council.consultation.models import Comment
from council.consultation.models import Consultation
from council.consultation.models import Contribution
from council.consultation.models import Language

#: longer search texts are cut (a query, not a document)
MAX_SEARCH_CHARS = 200


def matching(consultation: Consultation, text: str) -> Q:
    """The contributions whose title or text, or one of whose visible comments, match `text`."""
    text = text.strip()[:MAX_SEARCH_CHARS]
    comments = Comment.objects.filter(contribution__consultation=consultation, hidden=False)
    contributions = Contribution.objects.filter(consultation=consultation)
    if connection.vendor != "postgresql":
        in_comments = comments.filter(body__icontains=text)
        return Q(title__icontains=text) | Q(body__icontains=text) | Q(pk__in=in_comments.values("contribution_id"))
    config = SEARCH_CONFIGS.get(Language(consultation.language), "simple")
    query = SearchQuery(text, config=config, search_type="websearch")
    in_contributions = contributions.annotate(document=SearchVector("title", "body", config=config)).filter(document=query)
    in_comments = comments.annotate(document=SearchVector("body", config=config)).filter(document=query)
    return Q(pk__in=in_contributions.values("pk")) | Q(pk__in=in_comments.values("contribution_id"))
