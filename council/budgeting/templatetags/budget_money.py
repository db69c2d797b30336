"""`{{ amount|money:budget.currency }}`: an amount in the page's language, cents only when there are some."""

from decimal import Decimal

from django import template
from django.utils import formats

register = template.Library()


@register.filter
def money(value: Decimal | int | None, currency: str = "") -> str:
    if value is None:
        return ""
    amount = Decimal(value)
    places = 0 if amount == amount.to_integral_value() else 2
    text = formats.number_format(amount, decimal_pos=places, use_l10n=True, force_grouping=True)
    return f"{text}\u00a0{currency}" if currency else text
