"""Brand colours that stay readable: WCAG 2.1 contrast for any colour a council picks."""

import re
from dataclasses import dataclass

HEX_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
BLACK = "#000000"
WHITE = "#ffffff"
AA_NORMAL_TEXT = 4.5


def _channel(value: int) -> float:
    c = value / 255
    return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4


def relative_luminance(colour: str) -> float:
    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * _channel(r) + 0.7152 * _channel(g) + 0.0722 * _channel(b)


def contrast_ratio(a: str, b: str) -> float:
    la, lb = sorted((relative_luminance(a), relative_luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def _darken(colour: str, factor: float) -> str:
    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return "#{:02x}{:02x}{:02x}".format(*(round(c * factor) for c in (r, g, b)))


def readable_on(background: str, colour: str) -> str:
    """Darken `colour` until it reaches AA contrast on `background` (assumed light)."""
    factor = 1.0
    candidate = colour.lower()
    while contrast_ratio(candidate, background) < AA_NORMAL_TEXT and factor > 0:
        factor = round(factor - 0.05, 2)
        candidate = _darken(colour, factor)
    return candidate


@dataclass(frozen=True)
class Palette:
    """The colours a page uses; every text/background pair meets WCAG AA (4.5:1)."""

    brand: str  # header and button background, as the council chose it
    on_brand: str  # text drawn on `brand`: black or white, whichever contrasts more
    accent: str  # links and focus rings on the white page: `brand` darkened if needed


def palette_for(brand: str) -> Palette:
    brand = brand.lower()
    on_brand = WHITE if contrast_ratio(brand, WHITE) >= contrast_ratio(brand, BLACK) else BLACK
    return Palette(brand=brand, on_brand=on_brand, accent=readable_on(WHITE, brand))


DEFAULT_PALETTE = palette_for("#1d4f91")
