"""Each badge's own art, drawn as SVG from its id and competency: no files to make or fetch.

The badge's competency picks the colour and the emblem (a mirror for reflecting, a compass
for exploring, a steering wheel for steering, linked people for networking, a star for the
rest); its id picks the frame and the number of rays, so two badges of one competency still
look different.
"""

import hashlib
import math

from markupsafe import Markup, escape

COLOURS = {
    "reflecting": "#7a3db8",
    "exploring": "#0b7a75",
    "steering": "#b35900",
    "networking": "#1f5fbf",
}
BRAND = "#0b5cad"
WHITE = "#ffffff"

EMBLEMS = {
    # A hand mirror: look at yourself.
    "reflecting": (
        '<circle cx="100" cy="88" r="26" fill="none" stroke="#fff" stroke-width="8"/>'
        '<rect x="95" y="114" width="10" height="30" rx="4" fill="#fff"/>'
        '<path d="M88 78 q6 -10 16 -8" fill="none" stroke="#fff" stroke-width="5"'
        ' stroke-linecap="round"/>'
    ),
    # A compass: look around.
    "exploring": (
        '<circle cx="100" cy="100" r="34" fill="none" stroke="#fff" stroke-width="7"/>'
        '<path d="M100 70 L110 100 L100 130 L90 100 Z" fill="#fff"/>'
        '<circle cx="100" cy="100" r="5" fill="{colour}"/>'
    ),
    # A steering wheel: take the wheel.
    "steering": (
        '<circle cx="100" cy="100" r="34" fill="none" stroke="#fff" stroke-width="8"/>'
        '<circle cx="100" cy="100" r="8" fill="#fff"/>'
        '<path d="M66 100 H92 M108 100 H134 M100 108 V134" stroke="#fff" stroke-width="7"'
        ' stroke-linecap="round"/>'
    ),
    # Three people, linked: who can help you.
    "networking": (
        '<path d="M100 78 L72 122 M100 78 L128 122 M72 122 H128" stroke="#fff"'
        ' stroke-width="6"/>'
        '<circle cx="100" cy="74" r="13" fill="#fff"/>'
        '<circle cx="70" cy="124" r="13" fill="#fff"/>'
        '<circle cx="130" cy="124" r="13" fill="#fff"/>'
    ),
}
STAR = (
    '<path d="M100 64 L110 90 L138 91 L116 108 L124 135 L100 119 L76 135 L84 108 L62 91'
    ' L90 90 Z" fill="#fff"/>'
)


def _frame(shape: int, colour: str) -> str:
    if shape == 0:  # a round medal
        return f'<circle cx="100" cy="100" r="78" fill="{colour}"/>'
    if shape == 1:  # a hexagon
        points = " ".join(
            f"{100 + 80 * math.cos(math.radians(60 * i - 90)):.1f},"
            f"{100 + 80 * math.sin(math.radians(60 * i - 90)):.1f}"
            for i in range(6)
        )
        return f'<polygon points="{points}" fill="{colour}"/>'
    # a shield
    shield = "M100 20 L170 44 V100 C170 140 138 168 100 182 C62 168 30 140 30 100 V44 Z"
    return f'<path d="{shield}" fill="{colour}"/>'


def _rays(count: int, colour: str) -> str:
    rays = []
    for i in range(count):
        angle = math.radians(360 / count * i)
        x1, y1 = 100 + 84 * math.cos(angle), 100 + 84 * math.sin(angle)
        x2, y2 = 100 + 96 * math.cos(angle), 100 + 96 * math.sin(angle)
        rays.append(
            f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" stroke="{colour}"'
            ' stroke-width="6" stroke-linecap="round"/>'
        )
    return "".join(rays)


def badge_svg(badge_id: str, title: str, competency: str | None) -> str:
    """The badge's art as a standalone SVG document (200×200), with its title for readers."""
    colour = COLOURS.get(competency or "", BRAND)
    seed = hashlib.sha256(badge_id.encode()).digest()
    shape, rays = seed[0] % 3, 8 + seed[1] % 9
    emblem = EMBLEMS.get(competency or "", STAR).replace("{colour}", colour)
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 200 200" width="200" height="200"'
        ' role="img" aria-labelledby="title">'
        f'<title id="title">{escape(title)}</title>'
        f"{_rays(rays, colour)}{_frame(shape, colour)}"
        f'<circle cx="100" cy="100" r="58" fill="none" stroke="{WHITE}" stroke-width="3"'
        ' stroke-dasharray="6 6"/>'
        f"{emblem}</svg>"
    )


def competency_icon(competency: str) -> Markup:
    """A small inline icon for a competency (its colour and emblem), decorative: the name
    beside it says what it is."""
    colour = COLOURS.get(competency, BRAND)
    emblem = EMBLEMS.get(competency, STAR).replace("{colour}", colour)
    # Only our own constants go in (the colour and emblem tables), never user text.
    return Markup(  # noqa: S704
        '<svg class="competency-icon" viewBox="30 30 140 140" width="28" height="28"'
        ' aria-hidden="true" focusable="false">'
        f'<circle cx="100" cy="100" r="68" fill="{colour}"/>{emblem}</svg>'
    )
