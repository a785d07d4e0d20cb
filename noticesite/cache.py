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
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

CACHE_DIR = ".noticesite-cache"
_FORMAT = 1  # bump when the cache layout changes


class Hasher:
    """Hashes files by content, remembering them by (mtime, size) for the life of the process."""

    def __init__(self) -> None:
        self._memo: dict[str, tuple[int, int, str]] = {}

    def file(self, path: Path) -> str | None:
        try:
            stat = path.stat()
        except OSError:
            return None
        key = str(path)
        memo = self._memo.get(key)
        if memo and memo[0] == stat.st_mtime_ns and memo[1] == stat.st_size:
            return memo[2]
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        self._memo[key] = (stat.st_mtime_ns, stat.st_size, digest)
        return digest


def digest(*parts: Any) -> str:
    """A stable hash of strings, numbers and nested lists/dicts of them."""
    try:  # all strings: the common case, tens of thousands of times a build
        return hashlib.sha256("\0".join(parts).encode()).hexdigest()
    except TypeError:
        pass
    return hashlib.sha256(json.dumps(parts, sort_keys=True, ensure_ascii=False, default=str).encode()).hexdigest()


_CODE_VERSION: str | None = None


def code_version() -> str:
    """A hash of this package's source: a new version of the code invalidates every output."""
    global _CODE_VERSION
    if _CODE_VERSION is None:
        package = Path(__file__).resolve().parent
        h = hashlib.sha256(str(_FORMAT).encode())
        for path in sorted(package.glob("*.py")):
            h.update(path.name.encode() + b"\0" + path.read_bytes())
        _CODE_VERSION = h.hexdigest()
    return _CODE_VERSION


@dataclass
class LoadEntry:
    """One notice as loaded: the files it was read from (path -> hash), the notice, its problems."""

    inputs: dict[str, str]
    notice: Any
    problems: list


@dataclass
class LoadCache:
    """Loaded notices keyed by their notice.md path, valid while every input hashes the same.

    Kept in memory by the preview server; saved under .noticesite-cache/ by builds.
    """

    entries: dict[str, LoadEntry] = field(default_factory=dict)
    hasher: Hasher = field(default_factory=Hasher)
    dirty: bool = False

    def get(self, key: str, root: Path) -> LoadEntry | None:
        entry = self.entries.get(key)
        if entry is None:
            return None
        for rel, expected in entry.inputs.items():
            if (self.hasher.file(root / rel) or "missing") != expected:
                return None
        return entry

    def put(self, key: str, entry: LoadEntry) -> None:
        self.entries[key] = entry
        self.dirty = True

    def prune(self, keep: Iterable[str]) -> None:
        keep = set(keep)
        for key in list(self.entries):
            if key not in keep:
                del self.entries[key]
                self.dirty = True

    @classmethod
    def open(cls, root: Path) -> "LoadCache":
        path = root / CACHE_DIR / "load.pickle"
        try:
            with path.open("rb") as fh:
                version, entries = pickle.load(fh)
            if version == code_version():
                return cls(entries)
        except Exception:  # a missing, old or damaged cache is only a slower build
            pass
        return cls()

    def save(self, root: Path) -> None:
        if not self.dirty:
            return
        folder = root / CACHE_DIR
        folder.mkdir(exist_ok=True)
        tmp = folder / f"load.pickle.{os.getpid()}"
        with tmp.open("wb") as fh:
            pickle.dump((code_version(), self.entries), fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, folder / "load.pickle")
        self.dirty = False


class Manifest:
    """The key of every file in an output folder, as the build that wrote it computed it."""

    def __init__(self, path: Path, outputs: dict[str, str] | None = None):
        self.path = path
        self.outputs = outputs or {}

    @classmethod
    def for_output(cls, root: Path, out_dir: Path) -> "Manifest":
        name = hashlib.sha256(str(out_dir.resolve()).encode()).hexdigest()[:16]
        path = root / CACHE_DIR / f"manifest-{name}.json"
        try:
            data = json.loads(path.read_text())
            if data.get("code") == code_version():
                return cls(path, data["outputs"])
        except (OSError, ValueError, KeyError):
            pass
        return cls(path)

    def forget(self) -> None:
        """Called before the output folder changes: a stale manifest must never be trusted."""
        try:
            self.path.unlink()
        except FileNotFoundError:
            pass

    def save(self, outputs: dict[str, str]) -> None:
        self.path.parent.mkdir(exist_ok=True)
        tmp = self.path.with_suffix(f".{os.getpid()}")
        tmp.write_text(json.dumps({"code": code_version(), "outputs": outputs}, separators=(",", ":")))
        os.replace(tmp, self.path)
