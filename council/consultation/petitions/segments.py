"""The segment condition petitions offer: "signed petition X" (its signers are told of the answer)."""

from typing import Any

from django.db.models import Exists
from django.db.models import OuterRef
from django.db.models import Q
from django.utils.translation import gettext as _

from council.consultation.petitions.models import Petition
from council.consultation.petitions.models import Signature
from council.core.errors import InvalidInput
from council.councils.models import Council


def signed_petition(council: Council, petition_ids: list[Any]) -> Q:
    try:
        ids = [int(p) for p in petition_ids]
    except (TypeError, ValueError) as error:
        raise InvalidInput(_("Petitions are named by their number.")) from error
    return Q(Exists(Signature.objects.filter(user=OuterRef("pk"), petition_id__in=ids, petition__council=council)))


def council_petitions(council: Council) -> dict[str, int]:
    return dict(Petition.objects.filter(council=council).values_list("title", "pk"))
