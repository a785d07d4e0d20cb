"""The PDF stage's value: what ``pdf.write_site_pdfs`` printed and reused, the pages' links to
their PDFs, what each PDF says. A module of its own, without the printing code, so that the
stages that take it (site.py's plan and search, the preview) need not import the printer."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .errors import Problem


@dataclass
class RenderReport:
    """Every PDF (name, key, file in the cache), each page's link to its PDF (href, size; size
    None: being printed, which only the preview's pages-first release shows), what each PDF says
    (for search), and how the printing went."""

    rendered: list[str] = field(default_factory=list)  # names printed this time
    reused: list[str] = field(default_factory=list)  # names copied from the cache
    seconds: float = 0.0
    workers: int = 1
    warnings: list[Problem] = field(default_factory=list)  # what WeasyPrint logged
    files: list[tuple[str, str, Path]] = field(default_factory=list)  # (name, input hash, PDF in the cache)
    peak_rss: int = 0  # bytes: the largest printing process's peak
    subsetter: str = ""  # what cut the fonts down to the characters used: HarfBuzz, fontTools, "" (none printed)
    # page path -> (href of its PDF from the page, size in bytes; None: being printed, for the preview)
    links: dict[str, tuple[str, int | None]] = field(default_factory=dict)
    texts: list[tuple[str, str, str]] = field(default_factory=list)  # (PDF path, title, its text): for search
    faces: str = ""  # the face each role got, e.g. "正文 FandolFang, ..." (role_faces)

    def __str__(self) -> str:
        return (f"PDF: {len(self.rendered)} rendered, {len(self.reused)} reused "
                f"in {self.seconds:.2f} s ({self.workers} worker{'s' * (self.workers != 1)})")
