"""The QR code printed at the end of a notice's PDF: the address of the notice's own page.

Drawn by segno (pure Python, no image library) as inline SVG paths, which WeasyPrint draws as
vector paths in the PDF: sharp at any size, on any printer, and a few hundred bytes.
"""
from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup, escape

from .calendars import notice_url
from .model import Notice, SiteConfig

# Level M restores 15 % of the modules: a code on a notice board gets creased, faded and
# scribbled on. The quiet zone is the 4 modules ISO/IEC 18004 asks for (a margin of white that
# scanners need to find the code's edge).
ERROR_LEVEL = "m"
QUIET_ZONE = 4


@dataclass(frozen=True)
class PrintedQR:
    url: str  # what the code holds, printed under it too
    svg: Markup  # inline <svg>: its size is set by print.css


def notice_qr(config: SiteConfig, notice: Notice) -> PrintedQR | None:
    """The code for the notice's page, when the site asks for one (site.yaml ``print: qr_code``)."""
    if not config.print_qr:
        return None
    url = notice_url(config, notice)
    return PrintedQR(url, qr_svg(url))


def qr_svg(text: str) -> Markup:
    """``text`` as a QR code in inline SVG: no class (print.css styles it by its figure), no
    fixed size (only a viewBox, so CSS sets the printed size in mm)."""
    import segno  # noqa: PLC0415 (imported only by a build that prints a code)

    code = segno.make(text, error=ERROR_LEVEL, micro=False, boost_error=False)
    svg = code.svg_inline(border=QUIET_ZONE, omitsize=True, svgclass=None, lineclass=None,
                          title=None, desc=None)
    # role and label: a reader of the tagged PDF hears what the code is; the URL is printed beside it.
    return Markup(svg.replace("<svg ", f'<svg role="img" aria-label="二维码：{escape(text)}" ', 1))
