"""The picture checks can fail: a red or green mark, a blank picture, a wrong size are caught."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from tests.progress.png_checks import assert_a_picture, judging, size_of


def png_of(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


@pytest.mark.parametrize("colour,caught", [
    ((217, 83, 79), True),  # a "bad day" red
    ((92, 184, 92), True),  # a "good day" green
    ((255, 40, 120), True),  # pinkish red
    ((117, 130, 211), False),  # the chart's lavender-blue
    ((95, 88, 83), False),  # warm dark grey
    ((240, 200, 200), False),  # a pale pink tint: not strong
])
def test_judging_colours_are_caught(colour, caught) -> None:
    image = Image.new("RGB", (4, 4), "white")
    image.putpixel((1, 1), colour)
    assert bool(judging(image)) is caught


def test_a_blank_picture_and_a_wrong_size_fail() -> None:
    blank = png_of(Image.new("RGB", (1200, 675), "white"))
    assert size_of(blank) == (1200, 675)
    with pytest.raises(AssertionError):
        assert_a_picture(blank, (1200, 675), (100, 100, 1100, 600))
    with pytest.raises(AssertionError):
        assert_a_picture(blank, (1200, 500), (100, 100, 1100, 400))
