"""Exact rationals for the rules: gmpy2's `mpq` (several times faster than `fractions.Fraction`),
or `Fraction` where gmpy2 is not installed. Every comparison a rule makes is exact."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

try:
    from gmpy2 import mpq as Q  # noqa: N812
except ImportError:  # pragma: no cover - gmpy2 is pinned in requirements.txt
    Q = Fraction  # type: ignore[assignment,misc]

ZERO = Q(0)
ONE = Q(1)


def exact(value: Any) -> Any:
    """`value` (int, Fraction, Decimal, or a decimal string such as "400000.0") as an exact rational."""
    if isinstance(value, str):
        return Q(Fraction(value.strip().replace(",", ".")))
    if isinstance(value, float):
        raise TypeError("floats are not exact: give an int, a Fraction, a Decimal or a decimal string")
    if isinstance(value, (int, Fraction)):
        return Q(value)
    if hasattr(value, "numerator") and hasattr(value, "denominator"):  # mpq
        return Q(int(value.numerator), int(value.denominator))
    return Q(Fraction(value))  # Decimal


def to_fraction(value: Any) -> Fraction:
    """An exact rational as a `fractions.Fraction` (what the rules hand back)."""
    return Fraction(int(value.numerator), int(value.denominator))
