"""The app's icons, drawn here so they can be drawn again: three rising steps and a star on the
app's blue, calm and readable at 48 px on a home screen.

``write_icons(Path("static/icons"))`` makes the files in ``static/icons/``; a test checks that the
files kept there are what this code draws.
"""
from __future__ import annotations

import math
from pathlib import Path

from PIL import Image, ImageDraw

BLUE = (11, 83, 148)  # --accent in app.css
PAPER = (253, 252, 248)  # --paper
GOLD = (255, 191, 71)  # --focus
_SUPERSAMPLE = 4
_STEP_HEIGHTS = (0.30, 0.55, 0.80)


def _star(draw: ImageDraw.ImageDraw, centre: tuple[float, float], radius: float) -> None:
    points = []
    for k in range(10):
        angle = -math.pi / 2 + k * math.pi / 5
        reach = radius if k % 2 == 0 else radius * 0.45
        points.append((centre[0] + reach * math.cos(angle), centre[1] + reach * math.sin(angle)))
    draw.polygon(points, fill=GOLD)


def draw_icon(size: int, *, safe: float, rounded: bool) -> Image.Image:
    """The mark inside the centre ``safe`` fraction of a ``size`` square. A maskable icon keeps it
    well inside (the launcher cuts the edge off); a rounded tile has transparent corners."""
    side = size * _SUPERSAMPLE
    image = Image.new("RGBA", (side, side), (0, 0, 0, 0) if rounded else (*BLUE, 255))
    draw = ImageDraw.Draw(image)
    if rounded:
        draw.rounded_rectangle((0, 0, side - 1, side - 1), radius=int(side * 0.22), fill=BLUE)
    box = side * safe
    left_edge = (side - box) / 2
    bottom = (side - box) / 2 + box * 0.92
    step = box / 3
    for index, height in enumerate(_STEP_HEIGHTS):
        left = left_edge + index * step
        draw.rounded_rectangle((left + box * 0.015, bottom - box * height, left + step - box * 0.015, bottom),
                               radius=int(box * 0.04), fill=PAPER)
    _star(draw, (left_edge + 2.5 * step, bottom - box * (_STEP_HEIGHTS[-1] + 0.13)), box * 0.09)
    return image.resize((size, size), Image.Resampling.LANCZOS)


#: file name -> (size, safe fraction, rounded corners)
ICON_FILES: dict[str, tuple[int, float, bool]] = {
    "icon-192.png": (192, 0.70, True),
    "icon-512.png": (512, 0.70, True),
    "icon-maskable-512.png": (512, 0.56, False),
    # iPadOS rounds the corners itself and shows transparency as black: a full, opaque square.
    "apple-touch-icon-180.png": (180, 0.66, False),
}


def write_icons(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, (size, safe, rounded) in ICON_FILES.items():
        image = draw_icon(size, safe=safe, rounded=rounded)
        if name.startswith("apple-"):
            image = image.convert("RGB")
        image.save(folder / name, optimize=True)
        written.append(folder / name)
    return written
