"""What every picture test checks about a PNG: that it is one, its size, that something is
drawn, and that nothing in it is a red or green judgement."""

from __future__ import annotations

import colorsys
import io
import struct

from PIL import Image

SIGNATURE = b"\x89PNG\r\n\x1a\n"

# A pixel "judges" when it is a strong red or green: saturation (HSV) at least 0.4 and value
# at least 0.25, so pale tints, greys (the warm greys are about 0.1) and near-black are left
# alone; hue in degrees. Red: below 20 or from 335 (crimson and pinkish red through
# orange-red; 20..45 is orange/amber, not a traffic light's red). Green: 75..165 (yellow-green
# through spring green; teal starts after). The chart's lavender-blue is about 232.
STRONG_SATURATION, STRONG_VALUE = 0.4, 0.25
RED_HUES = ((0.0, 20.0), (335.0, 360.0))
GREEN_HUES = ((75.0, 165.0),)


def size_of(png: bytes) -> tuple[int, int]:
    """Width and height from the IHDR chunk (which must come first)."""
    assert png[:8] == SIGNATURE
    assert png[12:16] == b"IHDR"
    width, height = struct.unpack(">II", png[16:24])
    return width, height


def chunks(png: bytes) -> list[bytes]:
    """The chunk types, in order."""
    found, at = [], 8
    while at < len(png):
        (length,) = struct.unpack(">I", png[at:at + 4])
        found.append(png[at + 4:at + 8])
        at += 12 + length
    return found


def rgb(png: bytes) -> Image.Image:
    return Image.open(io.BytesIO(png)).convert("RGB")


def colours(image: Image.Image) -> list[tuple[int, tuple[int, int, int]]]:
    """(count, colour) for every distinct colour."""
    found = image.getcolors(maxcolors=image.width * image.height)
    assert found is not None
    return found


def near(image: Image.Image, colour: str, box: tuple[int, int, int, int] | None = None, tolerance: int = 24) -> int:
    """How many pixels (in ``box``) are within ``tolerance`` of ``colour`` on every channel."""
    target = tuple(int(colour[i:i + 2], 16) for i in (1, 3, 5))
    region = image.crop(box) if box else image
    return sum(n for n, c in colours(region) if all(abs(a - b) <= tolerance for a, b in zip(c, target)))


def not_background(image: Image.Image, box: tuple[int, int, int, int], background: str = "#FFFFFF") -> int:
    region = image.crop(box)
    return region.width * region.height - near(region, background, tolerance=0)


def judging(image: Image.Image) -> list[tuple[tuple[int, int, int], float]]:
    """Every strongly saturated red or green colour in the image, with its hue in degrees."""
    bad = []
    for _, colour in colours(image):
        h, s, v = colorsys.rgb_to_hsv(*(c / 255 for c in colour))
        hue = h * 360
        if s >= STRONG_SATURATION and v >= STRONG_VALUE and any(lo <= hue < hi for lo, hi in RED_HUES + GREEN_HUES):
            bad.append((colour, round(hue)))
    return bad


def assert_a_picture(png: bytes, size: tuple[int, int], drawn_box: tuple[int, int, int, int]) -> Image.Image:
    """The checks every picture passes: a PNG of ``size``, no timestamp or software text, many
    colours (anti-aliased drawing, not a flat fill), something drawn inside ``drawn_box``, and
    no red or green."""
    assert size_of(png) == size
    kinds = chunks(png)
    assert kinds[0] == b"IHDR" and kinds[-1] == b"IEND"
    assert b"tIME" not in kinds and b"tEXt" not in kinds and b"iTXt" not in kinds
    image = rgb(png)
    assert len(colours(image)) > 50
    assert not_background(image, drawn_box) > 2000
    assert judging(image) == []
    return image
