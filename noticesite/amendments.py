"""Notices that correct (更正) or supplement (补充) other notices of the site: both ends linked.

A notice names the one it amends in its front matter (``replaces:`` or ``supplements:``, by URL
segment or document number). The link is shown on both pages, so it is worked out over the whole
site, after every notice is loaded, and handed to each notice's page as a value of its own
(``Relations``): the older notice's page changes when a newer notice names it, though none of the
older notice's files did, and its key (made from the values a page is handed, outputs.py) follows.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable

from .errors import Problems
from .model import RevisionKind


@dataclass(frozen=True)
class Related:
    """Another notice of the site, as a link to it shows it."""

    kind: RevisionKind
    slug: str
    number: str
    title: str


@dataclass(frozen=True)
class Relations:
    """What one notice's page shows of the others: the ones it amends, the ones that amend it,
    and the notices its revisions refer to by document number (document number -> URL segment)."""

    amends: tuple[Related, ...] = ()
    amended_by: tuple[Related, ...] = ()
    revision_links: tuple[tuple[str, str], ...] = field(default=())

    def link_of(self, number: str) -> str | None:
        return dict(self.revision_links).get(number)


def _index(notices: Iterable[Any]) -> dict[str, Any]:
    """Each notice by URL segment and by document number; a URL segment wins (load() refuses two
    notices with one segment or one number)."""
    found: dict[str, Any] = {}
    notices = list(notices)
    for notice in notices:
        found.setdefault(notice.number, notice)
    for notice in notices:
        found[notice.slug] = notice
    return found


def check(notices: list[Any], problems: Problems) -> None:
    """A replaces/supplements naming no notice of the site, or the notice itself: a located error."""
    index = _index(notices)
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


def relations(notices: list[Any]) -> dict[str, Relations]:
    """Each notice's Relations, by URL segment (check() has refused names that match nothing)."""
    index = _index(notices)
    amends: dict[str, list[Related]] = {}
    amended_by: dict[str, list[Related]] = {}
    for notice in notices:  # newest first (the site's order): so are the lists
        for amendment in notice.amends:
            target = index.get(amendment.target)
            if target is None or target.slug == notice.slug:
                continue
            amends.setdefault(notice.slug, []).append(
                Related(amendment.kind, target.slug, target.number, target.title))
            amended_by.setdefault(target.slug, []).append(
                Related(amendment.kind, notice.slug, notice.number, notice.title))
    found = {}
    for notice in notices:
        links = tuple(sorted({(r.number, index[r.number].slug) for r in notice.revisions
                              if r.number and r.number in index and index[r.number].slug != notice.slug}))
        found[notice.slug] = Relations(tuple(amends.get(notice.slug, ())), tuple(amended_by.get(notice.slug, ())),
                                       links)
    return found
