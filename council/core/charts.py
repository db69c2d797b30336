"""Geometry of the hand-drawn SVG charts (pies, histograms), computed once on the server.

The pages draw it in templates and the live pages redraw it from the same numbers in script
(frontend/src/questionnaires/charts.js), so neither computes angles or bins. A chart's
viewBox is 0 0 100 100 (a pie) or 0 0 100 70 (a histogram); a slice's `shade` picks one of
SHADES fills, told apart by the numbered labels on the slices and in the legend, not by colour.
"""

import math
import statistics
from typing import Any

#: how many fills the slices cycle through (questionnaires.css, .pie-shade-N)
SHADES = 8
_CENTRE, _RADIUS, _LABEL_RADIUS = 50.0, 46.0, 30.0
#: a histogram's floor and its tallest column, in the 0 0 100 70 viewBox (marks' names above, labels below)
_FLOOR, _TALLEST = 60.0, 48.0
EN_DASH = "\u2013"  # between a range's ends


def _point(angle: float, radius: float) -> tuple[float, float]:
    return _CENTRE + radius * math.sin(angle), _CENTRE - radius * math.cos(angle)


def pie_slices(parts: list[tuple[str, int]]) -> list[dict[str, Any]]:
    """Slices of `parts` ((label, count)), clockwise from the top; a part counting 0 has none."""
    total = sum(count for _label, count in parts)
    slices = []
    start = 0.0
    for index, (label, count) in enumerate(parts):
        if not count or not total:
            continue
        sweep = 2 * math.pi * count / total
        (x1, y1), (x2, y2) = _point(start, _RADIUS), _point(start + sweep, _RADIUS)
        if count == total:  # a whole circle: two half arcs (one arc cannot start and end at the same point)
            path = "M 50 4 A 46 46 0 1 1 50 96 A 46 46 0 1 1 50 4 Z"
        else:
            large = 1 if sweep > math.pi else 0
            path = f"M 50 50 L {x1:.2f} {y1:.2f} A 46 46 0 {large} 1 {x2:.2f} {y2:.2f} Z"
        lx, ly = _point(start + sweep / 2, _LABEL_RADIUS if count != total else 0)
        slices.append({
            "label": label, "number": index + 1, "count": count, "percent": round(100 * count / total, 1),
            "path": path, "x": round(lx, 2), "y": round(ly, 2), "shade": index % SHADES,
        })
        start += sweep
    return slices


def _mark(kind: str, value: float, low: float, high: float) -> dict[str, Any]:
    span = high - low
    return {"kind": kind, "value": round(value, 2), "x": round(100 * (value - low) / span, 1) if span else 50.0}


def histogram(bins: list[tuple[str, int]], values: list[float], *, low: float, high: float) -> dict[str, Any]:
    """Columns of `bins` ((label, count)) spread evenly over low..high, with the mean and median of
    `values` marked where they fall (x and height in per cent of the chart)."""
    most = max((count for _label, count in bins), default=0) or 1
    marks = []
    if values:
        marks = [_mark("mean", statistics.fmean(values), low, high), _mark("median", statistics.median(values), low, high)]
    width = 100 / len(bins) if bins else 100
    return {
        "bins": [
            {
                "label": label, "count": count, "height": round(100 * count / most, 1),
                # the column in the viewBox: its left, width, top and height (the floor is at y = _FLOOR)
                "x": round(i * width + 0.5, 2), "w": round(width - 1, 2),
                "y": round(_FLOOR - _TALLEST * count / most, 2), "h": round(_TALLEST * count / most, 2),
                "tx": round((i + 0.5) * width, 2),
            }
            for i, (label, count) in enumerate(bins)
        ],
        "marks": marks,
    }


def scale_histogram(labels: list[str], counts: list[int], values: list[int]) -> dict[str, Any]:
    """A scale's answers, a column per value: the marks placed between the first column's centre and the last's."""
    n = len(labels)
    found = histogram(list(zip(labels, counts, strict=True)), [float(v) for v in values], low=0, high=1)
    if values and n:
        first, last = float(labels[0]), float(labels[-1])
        for mark in found["marks"]:
            share = (mark["value"] - first) / (last - first) if last != first else 0.5
            mark["x"] = round(100 * (0.5 + share * (n - 1)) / n, 1)
    return found


def number_histogram(values: list[float], *, most_bins: int = 10) -> dict[str, Any]:
    """Numbers in at most `most_bins` columns of equal width (whole-number widths for whole numbers)."""
    if not values:
        return histogram([], [], low=0, high=1)
    low, high = min(values), max(values)
    whole = all(float(v).is_integer() for v in values)
    width = (high - low) / most_bins if high > low else 1.0
    if whole:
        width = max(1.0, math.ceil(width))
    count = max(1, min(most_bins, math.floor((high - low) / width) + 1))
    top = low + width * count
    counts = [0] * count
    for v in values:
        counts[min(count - 1, int((v - low) // width))] += 1

    def edge(x: float) -> str:
        return str(int(x)) if whole else f"{x:g}"

    labels = [
        (edge(low + i * width) if whole and width == 1 else f"{edge(low + i * width)}{EN_DASH}{edge(low + (i + 1) * width - (1 if whole else 0))}")
        for i in range(count)
    ]
    # a whole number v fills the cell [v, v + 1): its mark stands in the cell's middle
    shift = 0.5 if whole else 0.0
    found = histogram(list(zip(labels, counts, strict=True)), [float(v) for v in values], low=low - shift, high=top - shift)
    return found
