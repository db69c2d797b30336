"""Which council each object belongs to: one registry, filled by every app at start-up.

Councils sits below groups, rooms and workshops and cannot name their models, so each
app registers the path from its models to their council in its `AppConfig.ready`
(`register(Message, "room__council")`). The admin scopes every choice it offers with
this registry, models refuse related objects of another council (`SameCouncilMixin`),
and tests/councils/test_admin_tenancy.py fails on a model that points at a tenant model
without a registered path.
"""

from collections.abc import Iterable
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from council.councils.models import Council

_PATHS: dict[type[models.Model], str] = {Council: ""}


def register(model: type[models.Model], path: str) -> None:
    """Declare that `model` belongs to the council reached by the lookup `path` ("room__council")."""
    _PATHS[model] = path


def registered_models() -> list[type[models.Model]]:
    return list(_PATHS)


def is_tenant_model(model: Any) -> bool:
    return model in _PATHS


def council_path(model: type[models.Model]) -> str:
    """The lookup from `model` to its council ("" for Council itself); KeyError if unregistered."""
    return _PATHS[model]


def scope(queryset: QuerySet, councils: QuerySet[Council] | Iterable[Council]) -> QuerySet:
    """Keep the rows of `queryset` that belong to one of `councils`."""
    path = council_path(queryset.model)
    ids = councils.values("pk") if isinstance(councils, QuerySet) else [c.pk for c in councils]
    return queryset.filter(**{f"{path or 'pk'}__in": ids})


def council_id_of(obj: models.Model | None) -> int | None:
    """The id of the council `obj` belongs to (None if it belongs to none yet)."""
    if obj is None:
        return None
    path = council_path(type(obj))
    if not path:
        return obj.pk
    *hops, last = path.split("__")
    for hop in hops:
        obj = getattr(obj, hop, None)
        if obj is None:
            return None
    return getattr(obj, f"{last}_id", None)


def council_of(obj: models.Model | None) -> Council | None:
    """The council `obj` belongs to (the object itself for a Council), through cached relations."""
    if obj is None:
        return None
    path = council_path(type(obj))
    for hop in path.split("__") if path else []:
        obj = getattr(obj, hop, None)
        if obj is None:
            return None
    return obj


def council_id_from(model: type[models.Model], values: Mapping[str, Any], instance: models.Model) -> int | None:
    """The council of an object about to be saved with `values` (a form's cleaned data)."""
    path = council_path(model)
    if not path:
        return instance.pk
    first = path.split("__")[0]
    related = values[first] if first in values else getattr(instance, first, None)
    return council_id_of(related)


def foreign_choices(instance: models.Model, values: Mapping[str, Any]) -> dict[str, str]:
    """{field: error} for every related tenant object in `values` from another council than `instance`'s.

    `values` maps field names to an object or to several (many-to-many).
    """
    own = council_id_from(type(instance), values, instance)
    if own is None:
        return {}
    errors = {}
    for name, value in values.items():
        chosen = value if isinstance(value, Iterable) and not isinstance(value, str | bytes) else [value]
        foreign = next(
            (
                obj
                for obj in chosen
                if isinstance(obj, models.Model) and is_tenant_model(type(obj)) and council_id_of(obj) != own
            ),
            None,
        )
        if foreign is not None:
            errors[name] = _("“%(object)s” belongs to another council.") % {"object": foreign}
    return errors


class SameCouncilMixin:
    """Refuse, in `clean()`, a related object of another council than the object's own.

    A CHECK constraint cannot read another table, so the database cannot say it. The admin
    asks here through `full_clean`; services that take ids from input look them up within
    the object's own council or room (`agenda._session`, `services._council_groups`).
    """

    def clean(self) -> None:
        super().clean()  # type: ignore[misc]
        values = {
            field.name: getattr(self, field.name)
            for field in self._meta.concrete_fields  # type: ignore[attr-defined]
            if field.is_relation and is_tenant_model(field.related_model) and getattr(self, field.attname) is not None
        }
        if errors := foreign_choices(self, values):  # type: ignore[arg-type]
            raise ValidationError(errors)
