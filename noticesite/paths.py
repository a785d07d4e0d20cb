"""The one file-access policy: which files the build may read, and which folder it may write.

Reading: every file the build reads or copies (content, data, layouts: templates and assets)
is judged after its links are followed (STYLE.md habit 13: ``resolve()``, then
``is_relative_to``) and must lie inside the project. A link that leads out (``layouts/x.js ->
/etc/passwd``, a notice folder linked to a folder elsewhere) is refused with a problem that
names the link and where it leads; links that stay inside the project work. Fonts are not
project files: the print stage finds them through fontconfig.

Writing: the build replaces the whole output folder, so it writes only into a folder it made
(it leaves ``OUTPUT_MARKER`` in it), a new or empty one, or the project's own ``output/`` as an
earlier version of the tool left it (nothing in it but what that build's manifest lists).
"""
from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import Callable, Iterator

from .errors import Problem

# Left in every output folder the build made (a dotfile: no page lists it, the sitemap and the
# search index are made from the site's pages, not from the folder).
OUTPUT_MARKER = ".noticesite-output"
_MARKER_TEXT = ("This folder is written by noticesite (build.py): each build replaces what is in it.\n"
                "Do not keep other files here.\n")
# The search index's folder in the output, which the search stage writes and keeps and the output
# folder's scan passes over (here, so that output_folder.py need not import search.py for it).
INDEX_DIR = "pagefind"
SOURCE_FOLDERS = ("content", "data", "layouts", ".noticesite-cache")


# The longest file name, in bytes, that the file systems a site is written to take (ext4, XFS,
# Btrfs, tmpfs; NAME_MAX on Linux).
NAME_MAX = 255


def name_too_long(path: str) -> Problem | None:
    """A problem if a part of the output path ``path`` is longer than a file name may be."""
    for part in path.split("/"):
        size = len(part.encode("utf-8"))
        if size > NAME_MAX:
            return Problem(f"output/{path}", 0, 0, f"the name '{part[:40]}…' is {size} bytes, more than a file "
                           f"name may have ({NAME_MAX}): shorten the value of the data it is made from")
    return None


def display_path(path: Path | str, root: Path) -> str:
    """``path`` relative to the project, as messages show it: the name the project gives a file
    (a link's own path, not where it leads), else its real path if that is in the project."""
    resolved = _resolved(str(root))
    full = os.path.abspath(path)
    if not full.startswith(resolved + os.sep):
        full = os.path.realpath(full)
    if full.startswith(resolved + os.sep):
        return full[len(resolved) + 1:].replace(os.sep, "/")
    return Path(path).as_posix()


@lru_cache(maxsize=16)
def _resolved(root: str) -> str:
    return os.path.realpath(root)


class FilePolicy:
    """Judges paths of one project. What it learns of the folders (their real paths) is kept
    for its lifetime: make one per load, not one per process, so that a folder replaced by a
    link between two loads is seen."""

    def __init__(self, root: Path):
        self.root = os.path.abspath(root)
        self.real_root = os.path.realpath(root)
        # lexical path -> real path, for the path and its folders already judged
        self._real: dict[str, str] = {self.root: self.real_root}
        self._verdicts: dict[str, tuple[str, str] | None] = {}  # path -> what leaves() said

    def leaves(self, path: Path | str) -> tuple[str, str] | None:
        """None if ``path``, links followed, is in the project; else (the part of ``path`` that
        leads out: the path itself or a linked folder on its way, where that part leads)."""
        full = str(path)
        if full in self._verdicts:  # a folder of many files: judged once
            return self._verdicts[full]
        verdict = self._verdicts[full] = self._leaves(full)
        return verdict

    def _leaves(self, full: str) -> tuple[str, str] | None:
        if not full.startswith("/"):
            full = os.path.join(os.getcwd(), full)
        if not (full + "/").startswith(self.root + "/"):  # not named inside the project at all
            real = os.path.realpath(full)
            return None if self._inside(real) else (full, real)
        lexical, real = self.root, self.real_root
        for part in full[len(self.root):].split("/"):
            if part in ("", "."):
                continue
            lexical = f"{lexical}/{part}"
            known = self._real.get(lexical)
            if known is None:
                joined = f"{real}/{part}"
                # only a link (or '..') can lead elsewhere: one lstat for a plain name
                known = os.path.realpath(joined) if part == ".." or os.path.islink(joined) else joined
                self._real[lexical] = known
            real = known
            if not self._inside(real):
                return lexical, real
        return None

    def _inside(self, real: str) -> bool:
        return real == self.real_root or real.startswith(self.real_root + "/")

    def problem(self, path: Path | str) -> Problem | None:
        """The located refusal of ``path``, if it leads out of the project."""
        out = self.leaves(path)
        if out is None:
            return None
        link, target = out
        what = "folder" if os.path.isdir(target) else "file"
        return Problem(display_path(link, Path(self.root)), 0, 0,
                       f"a link to {target}, outside the project: refused "
                       f"(copy the {what} into the project instead)")

    def files(self, folder: Path, problems: list[Problem]) -> Iterator[Path]:
        """Every file under ``folder`` (hidden names left out), following the links that stay in
        the project (each real folder once: a link back up is no loop); a link that leads out is
        added to ``problems`` and not followed."""
        seen: set[str] = set()
        pending = [Path(folder)]
        while pending:
            current = pending.pop()
            refused = self.problem(current)
            if refused is not None:
                problems.append(refused)
                continue
            real = os.path.realpath(current)
            if real in seen:
                continue
            seen.add(real)
            try:
                entries = sorted(os.scandir(current), key=lambda e: e.name)
            except (FileNotFoundError, NotADirectoryError):
                continue
            for entry in entries:
                if entry.name.startswith("."):
                    continue
                path = Path(entry.path)
                if entry.is_dir():  # follows a link: the folder is judged when it is taken
                    pending.append(path)
                elif entry.is_symlink():
                    refused = self.problem(path)
                    if refused is not None:
                        problems.append(refused)
                    elif entry.is_file():
                        yield path
                elif entry.is_file():
                    yield path


def refusal(path: Path | str, root: Path) -> Problem | None:
    """``FilePolicy(root).problem(path)``, for a single read."""
    return FilePolicy(root).problem(path)


# ---- the output folder ----------------------------------------------------------------------


def output_problem(out_dir: Path, root: Path, listed: Callable[[], set[str]]) -> Problem | None:
    """Why the build may not write into ``out_dir``, or None. ``listed``: the files an earlier
    build of this project wrote into it, as its manifest says (for an ``output/`` made before
    the marker existed)."""
    out = Path(os.path.abspath(out_dir))
    shown = display_path(out, root)
    real_out, real_root = Path(os.path.realpath(out)), Path(os.path.realpath(root))
    if out.is_file() or (out.exists() and not out.is_dir()):
        return Problem(shown, 0, 0, "a file, not a folder: refused as the output folder "
                                    "(name a new folder, or one the build made)")
    if real_root.is_relative_to(real_out):
        return Problem(shown, 0, 0, "this folder holds the project: refused as the output folder "
                                    "(the build replaces everything in it)")
    for name in SOURCE_FOLDERS:
        if real_out.is_relative_to(real_root / name):
            return Problem(shown, 0, 0, f"inside the project's {name}/, which the build reads: refused as "
                                        "the output folder (name a folder outside it)")
    if not out.is_dir() or (out / OUTPUT_MARKER).is_file():
        return None
    stray = _not_listed(out, listed)
    if stray is None:
        return None
    return Problem(shown, 0, 0, f"a folder the build did not make, with files in it (such as {stray}): "
                                "refused as the output folder, so as not to delete them "
                                "(name a new or empty folder, or empty this one yourself)")


def _not_listed(folder: Path, listed: Callable[[], set[str]]) -> str | None:
    """A file of ``folder`` that no earlier build wrote, or None (an empty folder: None)."""
    known: set[str] | None = None
    for path in sorted(folder.rglob("*")):
        if path.is_dir() and not path.is_symlink():
            continue
        rel = path.relative_to(folder).as_posix()
        if known is None:
            known = listed()
        if rel not in known and not any(rel.startswith(prefix) for prefix in known if prefix.endswith("/")):
            return rel
    return None


def mark_output(folder: Path) -> None:
    """Leave the marker that says the build made ``folder`` (and may replace what is in it)."""
    marker = folder / OUTPUT_MARKER
    if not marker.is_file():
        marker.write_text(_MARKER_TEXT, encoding="utf-8")
