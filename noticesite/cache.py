"""What makes incremental builds safe: content hashes, the load cache and the output manifest.

Every output file has a *key*: a hash of everything it is made from (the
content and data files behind it, the templates it uses, the site settings,
and the code of this package). A build reuses an output file from the
previous output/ only when its key is unchanged, so an incremental build
writes exactly what a clean build would.
"""
from __future__ import annotations

import hashlib
import json
import os
import pickle
import threading
import time
from stat import S_ISLNK
from dataclasses import dataclass, field
from pathlib import Path
from functools import partial
from typing import Any, Callable, Iterable

from .memos import Memos, NoticeMemos
from .model import Notice, NoticeStandIn
from .paths import FilePolicy

CACHE_DIR = ".noticesite-cache"
_FORMAT = 1  # bump when the cache layout changes


class Hasher:
    """Hashes files by content, remembering them by (mtime, size).

    The memo outlives the process through the load cache: an unchanged file then costs one
    ``stat``. A file modified within the last seconds before the memo is saved is left out of
    it, since a second edit within the same clock tick could keep its (mtime, size).
    """

    def __init__(self, memo: dict[str, tuple[int, int, str]] | None = None) -> None:
        self._memo: dict[str, tuple[int, int, str]] = memo or {}
        self.grew = False  # anything hashed that the memo did not know

    def file(self, path: Path | str) -> str | None:
        key = str(path)
        try:
            stat = os.stat(key)
        except OSError:
            return None
        return self._digest(key, stat)

    def _digest(self, key: str, stat: os.stat_result) -> str | None:
        memo = self._memo.get(key)
        if memo and memo[0] == stat.st_mtime_ns and memo[1] == stat.st_size:
            return memo[2]
        try:
            with open(key, "rb") as fh:
                digest = hashlib.sha256(fh.read()).hexdigest()
        except OSError:
            return None
        self._memo[key] = (stat.st_mtime_ns, stat.st_size, digest)
        self.grew = True
        return digest

    def input(self, path: Path | str, policy: FilePolicy) -> str:
        """What a notice's input is, for the load cache: its content hash, "missing", or where it
        leads out of the project. A link that leads out never hashes as the file it points to:
        a cached notice is then reused only if the same link is still there (and it carries the
        refusal among its problems), so check gives the same answer with or without the cache."""
        key = str(path)
        out = policy.leaves(key.rpartition("/")[0] or "/")  # a folder: judged once per policy
        if out is None:
            try:
                stat = os.lstat(key)
            except OSError:
                return "missing"
            if not S_ISLNK(stat.st_mode):  # the common case: no second system call
                return self._digest(key, stat) or "missing"
            out = policy.leaves(key)
        if out is not None:
            return f"outside:{out[1]}"
        return self.file(key) or "missing"

    def settled(self, margin_ns: int = 2_000_000_000) -> dict[str, tuple[int, int, str]]:
        """The memo without files modified in the last ``margin_ns``: safe to trust next time."""
        limit = time.time_ns() - margin_ns
        return {path: memo for path, memo in self._memo.items() if memo[0] < limit}


def digest(*parts: Any) -> str:
    """A stable hash of strings, numbers and nested lists/dicts of them."""
    try:  # all strings: the common case, tens of thousands of times a build
        return hashlib.sha256("\0".join(parts).encode()).hexdigest()
    except TypeError:
        pass
    return hashlib.sha256(json.dumps(parts, sort_keys=True, ensure_ascii=False, default=str).encode()).hexdigest()


_CODE_VERSION: str | None = None


def code_version() -> str:
    """A hash of this package's source and of every installed Python distribution's name and
    version, and of the Python running them: upgrading Jinja2, Markdown, pypinyin, icalendar,
    Pagefind, WeasyPrint or Python itself (its html, json, zipfile and csv modules shape outputs
    too) invalidates every output, as a change of our own code does. (Font files are hashed by
    the PDFs' keys.)"""
    global _CODE_VERSION
    if _CODE_VERSION is None:
        import sys

        package = Path(__file__).resolve().parent
        h = hashlib.sha256(str(_FORMAT).encode())
        h.update(sys.version.encode() + b"\0")
        for path in sorted(package.glob("*.py")):
            h.update(path.name.encode() + b"\0" + path.read_bytes())
        for name in installed_distributions():
            h.update(name.encode() + b"\0")
        _CODE_VERSION = h.hexdigest()
    return _CODE_VERSION


def installed_distributions(paths: Iterable[str] | None = None) -> list[str]:
    """``name-version`` of every distribution installed on ``sys.path``, from the names of their
    ``.dist-info`` folders (PyPA's "Recording installed projects": ``{name}-{version}.dist-info``).
    Every one counts, not only what this package requires: an unrelated install invalidates
    outputs, which is safe, while missing one that shapes an output would not be.
    importlib.metadata tells the same but parses every distribution's metadata: 0.2-0.7 s a
    command on this machine (bench/code_version.py), more than an unchanged rebuild."""
    import sys

    found: set[str] = set()
    for entry in (sys.path if paths is None else paths):
        try:
            with os.scandir(entry or ".") as it:
                found.update(e.name[:-len(".dist-info")] for e in it if e.name.endswith(".dist-info"))
        except OSError:
            continue  # a zip file or a folder that does not exist
    return sorted(found)


@dataclass
class LoadEntry:
    """One notice as loaded: the files it was read from (path -> hash), the notice, its problems,
    and the memos of the output stages' work on it (kept beside it: see memos.py)."""

    inputs: dict[str, str]
    notice: Any  # a model.Notice, or a NoticeRef for a notice kept on disk
    problems: list
    memos: NoticeMemos = field(default_factory=NoticeMemos)


# What a NoticeRef answers without reading its notice: what lists, feeds and the plan need.
SUMMARY_FIELDS = ("slug", "number", "title", "issuer", "addressees", "date", "year", "source", "inputs",
                  "key_dates", "images",
                  "revisions", "amends", "imprint")  # Notice.updated for the sitemap; amends for the links


class AttachmentRef:
    """An attachment of a NoticeRef: number, title, type and slug at hand; the rest read on demand."""

    def __init__(self, owner: "NoticeRef", number: int, title: str, type: str, slug: str):
        self._owner, self.number, self.title, self.type, self.slug = owner, number, title, type, slug

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        return getattr(self._owner.full().attachments[self.number - 1], name)


class NoticeRef(NoticeStandIn):
    """A notice of the load cache whose details stay on disk until something reads them.

    Lists, feeds and the build plan read only the summary (and the summary's memos); a page
    that has to be rendered again reads the whole notice from its shard, once, with the memos
    kept there. Everything else behaves as the ``model.Notice`` it stands for.
    """

    def __init__(self, summary: dict[str, Any], attachments: list[tuple[int, str, str, str]],
                 shard: Path | Callable[[], Path], memos: NoticeMemos):
        self.__dict__.update(summary)
        self.attachments = [AttachmentRef(self, *a) for a in attachments]
        self._shard, self._full = shard, None  # the shard's path, or how to name it when needed
        self._memos = memos  # the entry's: the shard's memos join them when the shard is read

    @property
    def shard(self) -> Path:
        if callable(self._shard):
            self._shard = self._shard()
        return self._shard

    sort_key = Notice.sort_key  # from the summary's date, year and number
    updated = Notice.updated  # from the summary's revisions, date and imprint

    def full(self) -> Any:
        if self._full is None:
            with open(self.shard, "rb") as fh:
                notice, shard_memos = pickle.load(fh)
            for key, value in shard_memos.items():  # what the shard kept: not for the summary
                self._memos.shard.setdefault(key, value)
            self._full = notice
        return self._full

    def __getattr__(self, name: str) -> Any:  # only for names the summary does not have
        if name.startswith("_"):
            raise AttributeError(name)
        return getattr(self.full(), name)


# What a worker sends back of a notice kept in its shard: its summary fields, its attachments.
Summary = tuple[dict[str, Any], list[tuple[int, str, str, str]]]


def notice_summary(notice: Any) -> Summary:
    summary = {name: getattr(notice, name) for name in SUMMARY_FIELDS}
    return summary, [(a.number, a.title, a.type, a.slug) for a in notice.attachments]


class LoadCache:
    """Loaded notices keyed by their notice.md path, valid while every input hashes the same.

    The preview keeps one in memory. A build opens the one saved under
    .noticesite-cache/: an index of every notice's inputs, summary, problems and summary
    memos (one small file), and one shard per notice with the whole notice and its shard memos,
    read only when a page of that notice is rendered again.
    """

    def __init__(self, folder: Path | None = None, entries: dict[str, LoadEntry] | None = None,
                 hasher: Hasher | None = None, extras: dict | None = None):
        self.folder = folder  # where it is saved; None: memory only
        self.entries: dict[str, LoadEntry] = entries or {}
        self.hasher = hasher or Hasher()
        self.extras: dict = extras if extras is not None else {}  # other stages' memos, saved with it
        self.dirty: set[str] = set()  # keys whose shard must be written
        self.pruned = False
        self._blobs: dict[str, tuple[bytes, LoadEntry, int]] = {}  # each entry as read: (pickle, entry, memos)
        self._stale_shards: dict[str, Path] = {}  # notice key -> shard of the entry it replaced
        self._extras_as_opened = dict(self.extras)

    def get(self, key: str, root: Path, policy: FilePolicy | None = None) -> LoadEntry | None:
        """The entry, if every input is as it was (``policy``: the load's, judging links)."""
        entry = self.entries.get(key)
        if entry is None:
            return None
        policy = policy or FilePolicy(root)
        prefix = f"{root}/"  # strings, not paths: this runs for every input of every notice
        for rel, expected in entry.inputs.items():
            if self.hasher.input(prefix + rel, policy) != expected:
                return None
        return entry

    def put(self, key: str, entry: LoadEntry, stored: bool = False) -> None:
        """Keep a freshly loaded entry; ``stored``: its shard is already written (by a worker)."""
        self._forget_shard(key, self.entries.get(key))
        self.entries[key] = entry
        if not stored:
            self.dirty.add(key)
        else:
            self.dirty.discard(key)

    def written_back(self, notices: list[Notice], memos: Memos) -> None:
        """Keep each notice as the build handed it on after writing one of its inputs back (its
        calendar ledger), with the memos the build worked out for it: the next load then finds
        its inputs as they are and does not parse it again."""
        if not notices:
            return
        by_slug = {entry.notice.slug: key for key, entry in self.entries.items() if entry.notice is not None}
        for notice in notices:
            key = by_slug.get(notice.slug)
            if key is not None:
                self.put(key, LoadEntry(dict(notice.inputs), notice, self.entries[key].problems, memos.of(notice)))

    def memos(self) -> Memos:
        """The memos of the loaded notices, for the stages that build them: what they learn is
        saved with the cache."""
        return Memos((entry.notice, entry.memos) for entry in self.entries.values() if entry.notice is not None)

    def prune(self, keep: Iterable[str]) -> None:
        keep = set(keep)
        for key in list(self.entries):
            if key not in keep:
                self._forget_shard(key, self.entries.pop(key))
                self.pruned = True

    def _forget_shard(self, key: str, entry: LoadEntry | None) -> None:
        """The shard of a replaced or removed entry is deleted when the cache is saved."""
        if entry is not None and isinstance(entry.notice, NoticeRef):
            self._stale_shards[key] = entry.notice.shard

    @classmethod
    def open(cls, root: Path) -> "LoadCache":
        folder = root / CACHE_DIR
        try:
            with (folder / "index.pickle").open("rb") as fh:
                version, index, memo, extras = pickle.load(fh)
            if version == code_version():
                entries, blobs = {}, {}
                for key, blob in index.items():
                    inputs, summary, attachments, problems, summary_memos = pickle.loads(blob)
                    shard = partial(shard_path, folder, key, inputs)  # named only if it is read
                    memos = NoticeMemos(summary_memos)
                    notice = NoticeRef(summary, attachments, shard, memos) if summary else None
                    entries[key] = LoadEntry(inputs, notice, problems, memos)
                    blobs[key] = (blob, entries[key], len(summary_memos))
                cache = cls(folder, entries, Hasher(memo), extras)
                cache._blobs = blobs
                return cache
        except Exception:  # a missing, old or damaged cache is only a slower build
            pass
        return cls(folder)

    def save(self, root: Path) -> None:
        """Write what changed; a build that changed nothing (the usual case) writes nothing."""
        folder = root / CACHE_DIR
        index, changed = {}, bool(self.dirty or self.pruned or self.hasher.grew
                                  or self.extras != self._extras_as_opened)
        for key, entry in self.entries.items():
            blob = self._blob_as_read(key, entry)
            if blob is None:
                summary, attachments = notice_summary(entry.notice) if entry.notice is not None else (None, None)
                blob = pickle.dumps((entry.inputs, summary, attachments, entry.problems, entry.memos.summary),
                                    protocol=pickle.HIGHEST_PROTOCOL)
                changed = True
            index[key] = blob
        if not changed and (folder / "index.pickle").is_file():
            return
        (folder / "notices").mkdir(parents=True, exist_ok=True)
        for key in sorted(self.dirty):
            notice = self.entries[key].notice if key in self.entries else None
            if notice is not None and not isinstance(notice, NoticeRef):
                write_shard(shard_path(folder, key, self.entries[key].inputs), notice, self.entries[key].memos)
        self.dirty.clear()
        write_atomic(folder / "index.pickle",
                      pickle.dumps((code_version(), index, self.hasher.settled(), self.extras),
                                   protocol=pickle.HIGHEST_PROTOCOL))
        for key, stale in self._stale_shards.items():  # notices that are gone or were parsed again
            kept = self.entries.get(key)
            if kept is None or shard_path(folder, key, kept.inputs) != stale:  # not parsed to the same
                stale.unlink(missing_ok=True)
        self._stale_shards.clear()
        self.pruned = False

    def _blob_as_read(self, key: str, entry: LoadEntry) -> bytes | None:
        """The entry's pickle as the index held it, if the entry is still that one and its
        notice has learned no summary memo since."""
        blob, opened, memos = self._blobs.get(key, (None, None, 0))
        if blob is None or opened is not entry or len(entry.memos.summary) != memos:
            return None
        return blob


def shard_path(folder: Path, key: str, inputs: dict[str, str]) -> Path:
    """Named after the notice and the hashes of its inputs: a shard is never rewritten with
    another content, so an index left by an interrupted build cannot point at a newer one."""
    name = digest(key, *(f"{path}={hash_}" for path, hash_ in sorted(inputs.items())))[:32]
    return folder / "notices" / f"{name}.pickle"


def write_shard(path: Path, notice: Notice, memos: NoticeMemos) -> None:
    """The whole notice with its shard memos (the others travel with the summary)."""
    data = pickle.dumps((notice, memos.shard), protocol=pickle.HIGHEST_PROTOCOL)
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, data)


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` whole or not at all (a temporary file renamed over it)."""
    tmp = path.with_name(f"{path.name}.{os.getpid()}-{threading.get_ident()}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


class Manifest:
    """The key of every file in an output folder, as the build that wrote it computed it, and the
    size and modification time it had then: a file changed or removed behind the build's back is
    noticed and made again."""

    def __init__(self, path: Path, outputs: dict[str, str] | None = None,
                 stats: dict[str, tuple[int, int]] | None = None):
        self.path = path
        self.outputs = outputs or {}
        self.stats = stats or {}

    # The last manifest this process read or saved, per file, with the file's (mtime, size):
    # the preview builds again and again and need not read it back each time.
    _memo: dict[Path, tuple[tuple[int, int], "Manifest"]] = {}

    @staticmethod
    def file_for(root: Path, out_dir: Path) -> Path:
        # the folder's own name, not what it links to: output/ is a link to its current release
        name = hashlib.sha256(str(out_dir.parent.resolve() / out_dir.name).encode()).hexdigest()[:16]
        return root / CACHE_DIR / f"manifest-{name}.pickle"

    @classmethod
    def for_output(cls, root: Path, out_dir: Path) -> "Manifest":
        path = cls.file_for(root, out_dir)
        try:
            stat = path.stat()
            known = cls._memo.get(path)
            if known and known[0] == (stat.st_mtime_ns, stat.st_size):
                return cls(path, known[1].outputs, known[1].stats)
            with path.open("rb") as fh:
                code, outputs, stats = pickle.load(fh)
            if code == code_version():
                manifest = cls(path, outputs, stats)
                cls._memo[path] = ((stat.st_mtime_ns, stat.st_size), manifest)
                return manifest
        except Exception:  # missing or damaged: the next build is a full one
            pass
        return cls(path)

    @classmethod
    def listed(cls, root: Path, out_dir: Path) -> set[str]:
        """The files that the last build into ``out_dir`` wrote, whatever version of the code
        made it (a folder ending in '/': everything under it): what an output folder made before
        the build marked its folders may hold. Empty if no manifest says."""
        try:
            with cls.file_for(root, out_dir).open("rb") as fh:
                _, outputs, _ = pickle.load(fh)
            return {str(path) for path in outputs}
        except Exception:  # missing or damaged: nothing is known to be the build's
            return set()

    def forget(self) -> None:
        """Called before the output folder changes: a stale manifest must never be trusted."""
        self._memo.pop(self.path, None)
        try:
            self.path.unlink()
        except FileNotFoundError:
            pass

    def save(self, outputs: dict[str, str], stats: dict[str, tuple[int, int]] | None = None) -> None:
        self.path.parent.mkdir(exist_ok=True)
        self.outputs, self.stats = outputs, stats or {}
        write_atomic(self.path, pickle.dumps((code_version(), outputs, self.stats),
                                              protocol=pickle.HIGHEST_PROTOCOL))
        stat = self.path.stat()
        self._memo[self.path] = ((stat.st_mtime_ns, stat.st_size), Manifest(self.path, self.outputs, self.stats))
