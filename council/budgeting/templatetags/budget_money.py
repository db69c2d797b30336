"""`{{ amount|money:budget.currency }}`: an amount as every budget page writes it (explain.money)."""

from decimal import Decimal

from django import template
from django.utils import formats

from council.budgeting import explain

register = template.Library()


@register.filter
def money(value: Decimal | int | None, currency: str = "") -> str:
    if value is None:
        return ""
    if currency:
        return explain.money(value, currency)
    amount = Decimal(value)
    return formats.number_format(amount, decimal_pos=0 if amount == amount.to_integral_value() else 2, use_l10n=True, force_grouping=True)
