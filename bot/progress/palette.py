"""What the two pictures share: the calm palette, the font, and how a figure becomes PNG bytes.

One soft blue-lavender for what the person did, warm greys for words and lines, a white
background; no red, no green, nothing that reads as a grade. The font is DejaVu Sans, which
matplotlib ships, so a picture looks (and encodes) the same on every machine. Matplotlib is
imported only inside :func:`png_of`, never at the top: importing this module costs nothing.
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from matplotlib.figure import Figure

BACKGROUND = "#FFFFFF"
ACCENT = "#7582D3"  # soft periwinkle: the line, the dots, the rings
ACCENT_SOFT = "#CBD0F2"  # the same hue, pale: fills and the path walked
TEXT = "#5F5853"  # warm dark grey
TEXT_SOFT = "#968D86"  # warm mid grey: small print, the "no answers yet" note
LINE = "#E6E0DA"  # warm light grey: grid and the path still ahead
FONT = "DejaVu Sans"
DPI = 100


def png_of(figure: Figure) -> bytes:
    """The figure as PNG bytes on the Agg canvas (no pyplot, no global state). No metadata is
    written (no software version, no time), so the same picture gives the same bytes."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    FigureCanvasAgg(figure)
    out = io.BytesIO()
    figure.savefig(out, format="png", dpi=DPI, facecolor=BACKGROUND, metadata={"Software": None})
    return out.getvalue()


def new_figure(width_px: int, height_px: int) -> Figure:
    """An empty figure of exactly ``width_px`` x ``height_px`` pixels on the background colour."""
    from matplotlib.figure import Figure

    return Figure(figsize=(width_px / DPI, height_px / DPI), dpi=DPI, facecolor=BACKGROUND)
