"""Segment conditions offered by consultations: "took part in consultation X"."""

from typing import Any

from django.db.models import Exists
from django.db.models import OuterRef
from django.db.models import Q
from django.utils.translation import gettext as _

from council.consultation.models import Comment
from council.consultation.models import Consultation
from council.consultation.models import Contribution
from council.consultation.models import Endorsement
from council.core.errors import InvalidInput
from council.councils.models import Council


def took_part_in_consultation(council: Council, consultation_ids: list[Any]) -> Q:
    """People who submitted, commented on or supported a contribution in any of these consultations.

    Withdrawn or hidden contributions count too: the person took part.
    """
    try:
        ids = [int(c) for c in consultation_ids]
    except (TypeError, ValueError) as error:
        raise InvalidInput(_("Consultations are named by their number.")) from error
    scope = {"consultation_id__in": ids, "consultation__council": council}
    submitted = Contribution.objects.filter(author=OuterRef("pk"), **scope)
    commented = Comment.objects.filter(
        author=OuterRef("pk"), contribution__consultation_id__in=ids, contribution__consultation__council=council
    )
    endorsed = Endorsement.objects.filter(
        user=OuterRef("pk"), contribution__consultation_id__in=ids, contribution__consultation__council=council
    )
    return Q(Exists(submitted)) | Q(Exists(commented)) | Q(Exists(endorsed))


def council_consultations(council: Council) -> dict[str, int]:
    """The council's consultations by title, for the segment builder to name them."""
    return dict(Consultation.objects.filter(council=council).values_list("title", "pk"))
