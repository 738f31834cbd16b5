"""Badge art: a coloured medallion with a white pictogram, drawn as inline SVG.

Shipped with the code (no image files, no external requests); pages inline it,
apps fetch the same drawing from ``/rewards/badges/<code>.svg``.
"""

from __future__ import annotations

from django.utils.html import format_html
from django.utils.safestring import SafeString

# Pictograms on a 24×24 grid, filled white (even-odd fill cuts the holes).
ICON_PATHS = {
    "star": "M12 2l2.9 6.2 6.8.8-5 4.6 1.3 6.7L12 17l-6 3.3 1.3-6.7-5-4.6 6.8-.8z",
    "flame": (
        "M12 2c1 3.5 5 5.5 5 11a5 5 0 0 1-10 0c0-2.2 1-3.8 2.3-5 .2 1.6 1 2.6 2.2 3"
        "C11.6 8.5 11 5 12 2z"
    ),
    "book": "M3 4h6.5A2.5 2.5 0 0 1 12 6.5V20a2 2 0 0 0-2-2H3zM21 4h-6.5A2.5 2.5 0 0 0 12 6.5V20"
    "a2 2 0 0 1 2-2h7z",
    "shield": "M12 2l8 3v6c0 5-3.4 9.3-8 11-4.6-1.7-8-6-8-11V5zm-1 13.4l5.7-5.7-1.4-1.4L11 12.6"
    "l-2.3-2.3-1.4 1.4z",
    "trophy": "M6 3h12v2h3v3a4 4 0 0 1-4 4 5 5 0 0 1-4 3v3h3v3H8v-3h3v-3a5 5 0 0 1-4-3 4 4 0 0 1"
    "-4-4V5h3zM5 7v1a2 2 0 0 0 1.3 1.9A7 7 0 0 1 6 7zm14 0h-1a7 7 0 0 1-.3 2.9A2 2 0 0 0 19 8z",
    "calendar": "M3 5h18v16H3zm2 5v9h14v-9zM7 2h2v4H7zm8 0h2v4h-2zm-7.5 12l1.4-1.4 1.6 1.6 4-4"
    "L16 11.6l-5.5 5.4z",
    "heart": "M12 21s-8-5.2-8-11a4.5 4.5 0 0 1 8-2.8A4.5 4.5 0 0 1 20 10c0 5.8-8 11-8 11z",
    "bolt": "M13 2L4 14h7l-1 8 9-12h-7z",
    "cap": "M12 4L1 9l11 5 9-4.1V16h2V9zM6 12.5V16c0 1.7 2.7 3 6 3s6-1.3 6-3v-3.5l-6 2.7z",
    "seedling": "M11 22v-7.2C6.3 14.6 3 11.6 3 6c4.6 0 7.6 2.6 8.3 6.3C12 7.2 15 4 21 4c0 6-3.3"
    " 9.4-8 9.8V22z",
    "compass": "M12 2a10 10 0 1 0 0 20 10 10 0 0 0 0-20zm0 2.5a7.5 7.5 0 1 1 0 15 7.5 7.5 0 0 1"
    " 0-15zM15.5 8.5l-2 5-5 2 2-5z",
    "flag": "M5 2h2v20H5zM8 3h11l-3 4.5 3 4.5H8z",
}

# Medallion colours, dark enough for a white pictogram (contrast ≥ 4.5:1).
COLORS = {
    "gold": "#8a6100",
    "red": "#b3261e",
    "blue": "#0b57a4",
    "green": "#1e6b35",
    "purple": "#6a3d9a",
    "orange": "#a34700",
    "teal": "#00666a",
}
LOCKED_COLOR = "#6b6b6b"


def badge_svg(icon: str, color: str, *, locked: bool = False, size: int = 56) -> SafeString:
    """The medallion as an inline, decorative SVG (the badge's name is printed beside it)."""
    path = ICON_PATHS.get(icon, ICON_PATHS["star"])
    fill = LOCKED_COLOR if locked else COLORS.get(color, COLORS["gold"])
    return format_html(
        '<svg class="badge-art{}" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 48 48" '
        'width="{}" height="{}" aria-hidden="true" focusable="false">'
        '<circle cx="24" cy="24" r="23" fill="{}"/>'
        '<circle cx="24" cy="24" r="19.5" fill="none" stroke="#fff" stroke-opacity=".6" '
        'stroke-width="1.5"{}/>'
        '<g transform="translate(12 12)" fill="#fff" fill-rule="evenodd"{}>'
        '<path d="{}"/></g></svg>',
        " locked" if locked else "",
        size,
        size,
        fill,
        ' stroke-dasharray="3 3"' if locked else "",
        ' fill-opacity=".75"' if locked else "",
        path,
    )
