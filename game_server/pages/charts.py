"""Charts drawn on the server as SVG geometry; templates only place the numbers."""

import math
from dataclasses import dataclass

RADAR_SIZE = 240
RADAR_RADIUS = 90


@dataclass(frozen=True)
class RadarAxis:
    label: str
    value: float
    x: float  # end of the axis
    y: float
    label_x: float
    label_y: float
    anchor: str


@dataclass(frozen=True)
class Radar:
    axes: list[RadarAxis]
    polygon: str  # the filled shape's points
    rings: list[str]  # the grid
    size: int = RADAR_SIZE


def radar(values: list[tuple[str, float]], maximum: float) -> Radar:
    """Axes, the filled polygon's points and the grid rings for a radar of `values`."""
    centre = RADAR_SIZE / 2
    axes, points = [], []
    for index, (label, value) in enumerate(values):
        angle = -math.pi / 2 + 2 * math.pi * index / len(values)
        cos, sin = math.cos(angle), math.sin(angle)
        share = max(0.0, min(value / maximum, 1.0)) if maximum else 0.0
        points.append(
            f"{centre + cos * RADAR_RADIUS * share:.1f},{centre + sin * RADAR_RADIUS * share:.1f}"
        )
        anchor = "middle" if abs(cos) < 0.3 else ("start" if cos > 0 else "end")
        axes.append(
            RadarAxis(
                label=label,
                value=value,
                x=round(centre + cos * RADAR_RADIUS, 1),
                y=round(centre + sin * RADAR_RADIUS, 1),
                label_x=round(centre + cos * (RADAR_RADIUS + 14), 1),
                label_y=round(centre + sin * (RADAR_RADIUS + 14) + 5, 1),
                anchor=anchor,
            )
        )
    rings = []
    for step in (0.25, 0.5, 0.75, 1.0):
        ring = []
        for index in range(len(values)):
            angle = -math.pi / 2 + 2 * math.pi * index / len(values)
            ring.append(
                f"{centre + math.cos(angle) * RADAR_RADIUS * step:.1f},"
                f"{centre + math.sin(angle) * RADAR_RADIUS * step:.1f}"
            )
        rings.append(" ".join(ring))
    return Radar(axes=axes, polygon=" ".join(points), rings=rings)


BAR_WIDTH = 320
BAR_HEIGHT = 22
BAR_GAP = 8


@dataclass(frozen=True)
class Bar:
    label: str
    value: int | None  # None: hidden (fewer than ten people)
    width: float
    y: float


def bars(values: list[tuple[str, int | None]]) -> tuple[list[Bar], int]:
    """Horizontal bars scaled to the largest shown value, and the chart's height. A hidden
    value gets no bar at all: a stub would hint at its size."""
    largest = max((v for _, v in values if v), default=0)
    found = [
        Bar(
            label=label,
            value=value,
            width=round(BAR_WIDTH * value / largest, 1) if value and largest else 0,
            y=index * (BAR_HEIGHT + BAR_GAP),
        )
        for index, (label, value) in enumerate(values)
    ]
    return found, max(len(values) * (BAR_HEIGHT + BAR_GAP), BAR_HEIGHT)
