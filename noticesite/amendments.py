"""Notices that correct (更正) or supplement (补充) other notices of the site: their names checked at load.

A notice names the one it amends in its front matter (``replaces:`` or ``supplements:``, by URL
segment or document number). This module is the load-time check that the name finds a notice of
the site. The links on both pages (``Relations``) are the pages' business: render.relations, which
reads only the model, so that rendering does not import loading.
"""
from __future__ import annotations

from typing import Any

from .errors import Problems
from .model import notices_by_name


def check(notices: list[Any], problems: Problems) -> None:
    """A replaces/supplements naming no notice of the site, or the notice itself: a located error."""
    index = notices_by_name(notices)
    for notice in notices:
        for amendment in notice.amends:
            target = index.get(amendment.target)
            key = "replaces" if amendment.kind == "更正" else "supplements"
            if target is None:
                problems.error(amendment.location, (
                    f"notice: {key}: '{amendment.target}' is neither the URL segment nor the document number "
                    "of a notice of this site"))
            elif target.slug == notice.slug:
                problems.error(amendment.location, f"notice: {key}: '{amendment.target}' is this notice itself")
