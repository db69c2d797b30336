"""The requirement chooser outside a Django form (the polls' form, sent over the room socket)."""

from typing import cast

from django import template
from django.utils.safestring import SafeString

from council.councils.models import Council
from council.verifications.forms import RequirementField
from council.verifications.forms import RequirementWidget

register = template.Library()


@register.simple_tag
def requirement_chooser(council: Council, name: str, id_: str) -> SafeString:
    """The chooser's two groups (the kinds `council` offers; any or all), named `<name>_0` and `<name>_1`."""
    field = RequirementField()
    field.offer(council)
    widget = cast(RequirementWidget, field.widget)  # an instance once the field is built
    return widget.render(name, {}, {"id": id_})
