"""What the output stages work out from a notice alone, kept beside the notice, never in it.

The model (model.py) stays plain data: what a notice says. The work done on a notice that is
worth keeping (its key, its calendars, whether its ledger is settled, the hash of its search
records) lives in a ``NoticeMemos`` beside it. Loading makes them, the load cache saves and
restores them beside each notice (cache.py), and the stages find them through the ``Memos``
of the site they build, handed to them as a value.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable


@dataclass
class NoticeMemos:
    """The memos of one notice, as loaded from its inputs.

    ``summary``: small values read by every build, so that planning an unchanged notice does not
    read it whole; kept with the notice's summary in the load cache's index. ``shard``: large
    values needed only where the notice is read whole; kept with it in its shard.
    """

    summary: dict[Any, Any] = field(default_factory=dict)
    shard: dict[Any, Any] = field(default_factory=dict)


class Memos:
    """The memos of a loaded site's notices, each found by its notice: the very object they were
    loaded with (by slug, then by identity). A notice they were not loaded with (one of another
    load of the same slug, or of a site loaded without a cache) gets empty ones, filled as the
    stages work: memos handed with the wrong site can cost work, never give a wrong answer.
    """

    def __init__(self, loaded: Iterable[tuple[Any, NoticeMemos]] = ()):
        self._by_slug = {notice.slug: (notice, memos) for notice, memos in loaded}

    def of(self, notice: Any) -> NoticeMemos:
        found = self._by_slug.get(notice.slug)
        if found is not None and found[0] is notice:
            return found[1]
        memos = NoticeMemos()
        self._by_slug[notice.slug] = (notice, memos)
        return memos
