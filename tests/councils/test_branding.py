"""Brand colours stay readable: WCAG AA (4.5:1) whatever colour a council picks."""

import pytest

from council.councils.branding import WHITE
from council.councils.branding import contrast_ratio
from council.councils.branding import palette_for

COLOURS = [
    "#f4c430",  # saffron yellow
    "#ffffff",
    "#fffff0",
    "#fafafa",
    "#e0f7fa",
    "#ffeb3b",
    "#00ff00",
    "#00ffff",
    "#ff69b4",
    "#ff0000",
    "#808080",
    "#777777",
    "#0b6e4f",
    "#1d4f91",
    "#000000",
    "#123456",
    "#FF8800",
]


@pytest.mark.parametrize("brand", COLOURS)
def test_palette_meets_aa_contrast(brand):
    palette = palette_for(brand)

    assert palette.brand == brand.lower()
    assert contrast_ratio(palette.on_brand, palette.brand) >= 4.5
    assert contrast_ratio(palette.accent, WHITE) >= 4.5


def test_dark_colours_are_kept_as_accent():
    assert palette_for("#1d4f91").accent == "#1d4f91"
    assert palette_for("#1d4f91").on_brand == "#ffffff"


def test_yellow_gets_black_text_and_a_darker_accent():
    palette = palette_for("#f4c430")

    assert palette.on_brand == "#000000"
    assert palette.accent != "#f4c430"
    assert contrast_ratio(palette.accent, WHITE) < 7  # darkened only as far as needed, not to black


def test_contrast_ratio_extremes():
    assert contrast_ratio("#000000", "#ffffff") == pytest.approx(21)
    assert contrast_ratio("#777777", "#777777") == pytest.approx(1)
