"""The output folder: its releases, what is on disk in it, and the operations a build makes on it.

``output`` is a link to a release folder: a build writes a new release and switches the link to
it only when it all succeeded (``Releases``). The preview updates its private folder in place
instead (``InPlace``). What is made and put in is the build's (site.py); this module only holds
the folder.
"""
from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import tempfile
import threading
from pathlib import Path
from typing import Callable, Iterable, Iterator

from . import paths
from .cache import Manifest
from .children import die_with_parent
from .errors import BuildError, Problem

# Above this many files, the release two builds back is removed by a process of its own: tens
# of thousands of unlinks need not hold up the build (and the next build removes what is left).
_REMOVE_IN_BACKGROUND_FROM = 2000


class Releases:
    """The releases of one output folder, in ``.<name>.releases/`` beside it::

        output -> .output.releases/r-1a2b3c4d        the current release (a relative link)
        .output.releases/.noticesite-releases        the marker (and the lock of a build)
        .output.releases/previous -> r-5e6f7a8b      the release before it, kept for rollback
        .output.releases/r-…, gone-…                 a killed build's: removed by the next build

    A build makes a new ``r-*`` folder, then switches ``output`` to it with one rename of a new
    link over the old one (rename(2) is atomic): a reader, or a crash, sees one release or the
    other, never a mix. Only folders named so, inside a folder with the marker, are removed.
    """

    MARKER = ".noticesite-releases"

    def __init__(self, link: Path):
        self.link = link
        self.home = link.parent / f".{link.name}.releases"

    def owns_link(self) -> bool:
        try:
            target = os.readlink(self.link)
        except OSError:
            return False
        return os.path.dirname(target) == self.home.name

    def _name_of(self, link: Path) -> str | None:
        """The release a link of ours points to."""
        try:
            target = os.readlink(link)
        except OSError:
            return None
        return os.path.basename(target)

    @contextlib.contextmanager
    def locked(self):
        """Hold the marker's lock for the build, after removing what killed builds left: two
        builds into one folder at once would otherwise remove each other's new release."""
        self.home.mkdir(exist_ok=True)
        marker = self.home / self.MARKER
        if not marker.exists():
            if any(self.home.iterdir()):
                raise BuildError([Problem(str(self.home), 0, 0, "this folder holds files not made by noticesite; "
                                          "move them away")])
            marker.write_text("Releases of the site, made by noticesite: see README.md.\n", encoding="utf-8")
        with open(marker, "a", encoding="utf-8") as lock:
            try:
                import fcntl
            except ImportError:  # not POSIX: no lock
                fcntl = None  # type: ignore[assignment]  # the module or None: tested before use
            if fcntl is not None:
                try:
                    fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
                except BlockingIOError:
                    raise BuildError([Problem(str(self.link), 0, 0, "another build is writing this folder; "
                                              "try again when it has ended")]) from None
            self._tidy()
            yield

    def _tidy(self) -> None:
        """Remove what a killed build left: releases neither current nor previous, and links
        made under a temporary name."""
        keep = {self._name_of(self.link), self._name_of(self.home / "previous")}
        for entry in os.scandir(self.home):
            if entry.name.startswith(("r-", "gone-")) and entry.name not in keep:
                if entry.is_dir(follow_symlinks=False):
                    shutil.rmtree(entry.path, ignore_errors=True)
            elif entry.name.startswith("previous.") and entry.is_symlink():
                os.unlink(entry.path)
        prefix = f".{self.link.name}.link-"
        for entry in os.scandir(self.link.parent):
            if entry.name.startswith(prefix) and entry.is_symlink() and self._name_of(Path(entry.path)):
                os.unlink(entry.path)

    def new(self) -> Path:
        folder = Path(tempfile.mkdtemp(prefix="r-", dir=self.home))
        os.chmod(folder, 0o755)  # mkdtemp's 0o700 would hide the site from a web server's user
        return folder

    @contextlib.contextmanager
    def writing(self) -> Iterator[Path]:
        """A new release folder (``new``), marked as an output folder, for the block to write and
        switch to; removed if the block fails (a killed build's is removed by the next build)."""
        folder = self.new()
        paths.mark_output(folder)
        try:
            yield folder
        except BaseException:
            shutil.rmtree(folder, ignore_errors=True)
            raise

    def switch(self, release: Path, files: int) -> None:
        """Point the link at ``release`` (of ``files`` files); the release it pointed to becomes
        the previous one, and the previous one before it is removed."""
        current, before = self._name_of(self.link), self._name_of(self.home / "previous")
        if self.link.is_dir() and not self.link.is_symlink():  # a folder: an older build's, or made empty
            current = self._adopt_folder()
        if current:
            self._relink(self.home / "previous", current, self.home / f"previous.{release.name}")
        self._relink(self.link, f"{self.home.name}/{release.name}",
                     self.link.parent / f".{self.link.name}.link-{release.name}")
        if before and before not in (current, release.name) and (self.home / before).is_dir():
            _remove(self.home / before, self.home / f"gone-{before}", small=files < _REMOVE_IN_BACKGROUND_FROM)

    def _adopt_folder(self) -> str | None:
        """The output folder of a build before releases: moved in as a release (for rollback),
        so that the link can take its place. Between the two renames the name is missing for an
        instant, once."""
        if not any(self.link.iterdir()):
            os.rmdir(self.link)
            return None
        name = Path(tempfile.mkdtemp(prefix="r-", dir=self.home)).name
        os.rmdir(self.home / name)
        os.rename(self.link, self.home / name)
        return name

    @staticmethod
    def _relink(link: Path, target: str, temporary: Path) -> None:
        """Make ``link`` point to ``target`` in one step: a new link, renamed over the old."""
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        os.symlink(target, temporary)
        try:
            os.replace(temporary, link)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
            raise


def _remove(folder: Path, retired: Path, small: bool) -> None:
    """Remove a release no link points to: renamed first (the next build removes a ``gone-*``
    left half removed), then removed here if small, else by a process of its own."""
    os.rename(folder, retired)
    if small:
        shutil.rmtree(retired, ignore_errors=True)
        return
    try:
        subprocess.Popen(["rm", "-rf", "--", str(retired)], stdin=subprocess.DEVNULL,
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    except OSError:
        shutil.rmtree(retired, ignore_errors=True)


def output_path(out_dir: Path) -> Path:
    """The output folder's absolute path, its own last name kept: ``output`` is a link to its
    current release, and the link is what a build replaces. A link made by someone else (to a
    web server's folder, say) is followed: the releases are made beside what it points to."""
    out_dir = Path(os.path.abspath(out_dir))
    out_dir = out_dir.parent.resolve() / out_dir.name
    if out_dir.is_symlink() and not Releases(out_dir).owns_link():
        return out_dir.resolve()
    return out_dir


def write_problem(exc: OSError, out_dir: Path, root: Path) -> Problem:
    """An OSError while writing as a problem located at the file, shown as its path in the output
    folder (not in the release being made), with the system's words (strerror, not [Errno 28])."""
    name = str(exc.filename or out_dir)
    home = str(Releases(out_dir).home)
    if name.startswith(home + os.sep):  # <home>/<release>/<rel> is <out_dir>/<rel> once switched
        rest = name[len(home) + 1:].partition(os.sep)[2]
        name = str(out_dir / rest) if rest else str(out_dir)
    return Problem(paths.display_path(Path(name), root), 0, 0, f"cannot write: {exc.strerror or exc}")


def output_refusal(root: Path, out_dir: Path) -> Problem | None:
    """Why the build may not write into ``out_dir`` (paths.output_problem), or None."""
    return paths.output_problem(out_dir, root, lambda: Manifest.listed(root, out_dir))


class OutputScan:
    """The files of an output folder with their size and time (``_files_on_disk``), read while
    the build does other work: in a forked process when this one runs no other thread (the
    command line starts it before loading, so the reading is off the build's path), else in a
    thread (whose stat calls at least do not hold the interpreter)."""

    def __init__(self, folder: Path, process: bool = True):
        self.folder = folder
        self._pid: int | None = None
        self._thread: threading.Thread | None = None
        self._found: dict[str, tuple[int, int]] | None = None
        self._error: BaseException | None = None
        if process and os.name == "posix" and threading.active_count() == 1:
            self._start_process()
        else:
            self._thread = threading.Thread(target=self._scan_here, name="noticesite-scan", daemon=True)
            self._thread.start()

    def _start_process(self) -> None:
        import pickle

        read_end, write_end = os.pipe()
        parent = os.getpid()
        pid = os.fork()
        if pid == 0:  # the child: scan, send, and leave without running any of the parent's exit code
            status = 1
            try:
                die_with_parent(parent)
                os.close(read_end)
                data = pickle.dumps(_files_on_disk(self.folder) if self.folder.is_dir() else {},
                                    protocol=pickle.HIGHEST_PROTOCOL)
                with os.fdopen(write_end, "wb") as pipe:
                    pipe.write(data)
                status = 0
            finally:
                os._exit(status)
        os.close(write_end)
        self._pid, self._read_end = pid, read_end

    def _scan_here(self) -> None:
        try:
            self._found = _files_on_disk(self.folder) if self.folder.is_dir() else {}
        except BaseException as exc:  # handed to the caller
            self._error = exc

    def result(self) -> dict[str, tuple[int, int]]:
        if self._pid is not None:
            import pickle

            with os.fdopen(self._read_end, "rb") as pipe:
                data = pipe.read()
            _, status = os.waitpid(self._pid, 0)
            self._pid = None
            if status == 0 and data:
                self._found = pickle.loads(data)
            else:  # the child failed: read it here, where an error can be reported
                self._scan_here()
        elif self._thread is not None:
            self._thread.join()
            self._thread = None
        if self._error is not None:
            raise self._error
        return self._found or {}

    def close(self) -> None:
        """Not needed after all: end the reading without waiting for what it finds."""
        if self._pid is not None:
            import signal

            os.kill(self._pid, signal.SIGKILL)
            os.close(self._read_end)
            os.waitpid(self._pid, 0)
            self._pid = None
        elif self._thread is not None:
            self._thread.join()
            self._thread = None


def release_is_current(out_dir: Path, planned: set[str], on_disk: dict[str, tuple[int, int]],
                       old_keys: dict[str, str], index_is_current: Callable[[], bool] | None) -> bool:
    """Whether the current release of ``out_dir`` holds the ``planned`` files and no other, as the
    manifest (``old_keys``) recorded them, and the search index the build would make:
    ``index_is_current`` tells whether it does (None: the build makes none). A build that would
    make no file keeps such a release rather than relinking every file into a new one (22,000
    links at 1,000 notices, the better part of a rebuild)."""
    if not Releases(out_dir).owns_link():
        return False
    if not (out_dir / paths.OUTPUT_MARKER).is_file():  # what every release of the build holds
        return False
    index = paths.INDEX_DIR + "/"
    if set(on_disk) != planned or set(old_keys) - {index} != set(on_disk):
        return False
    if index_is_current is None:
        return index not in old_keys  # else the new release would drop the current one's index
    return index_is_current()


def link_unchanged(unchanged: list[str], out_dir: Path, folder: Path) -> list[str]:
    """Hard-link each unchanged file of the current release into the new one (same inode: same
    size and time, so the manifest's record still holds); returns those linked (one that cannot
    be linked is to be made again)."""
    made: set[str] = set()
    kept = []
    for path in unchanged:
        parent = os.path.dirname(path)
        if parent not in made:
            os.makedirs(f"{folder}/{parent}", exist_ok=True)
            made.add(parent)
        try:
            os.link(f"{out_dir}/{path}", f"{folder}/{path}", follow_symlinks=False)
            kept.append(path)
        except OSError:  # gone meanwhile, or a file system without hard links: render it
            pass
    return kept


# ---- in place: the preview's private folder, updated file by file --------------------------


def open_in_place(folder: Path) -> str:
    """Make ``folder`` ready to be updated in place; returns the suffix under which each changed
    file is written beside its target until all are made (``move_in``)."""
    folder.mkdir(exist_ok=True)
    paths.mark_output(folder)
    return f".noticesite-{os.getpid()}.tmp"


def discard(folder: Path, written: Iterable[str], suffix: str) -> None:
    """Remove the files a failed update wrote under ``suffix``: the folder is as it was."""
    for path in written:
        with contextlib.suppress(OSError):
            os.unlink(f"{folder}/{path}{suffix}")


def move_in(folder: Path, written: Iterable[str], suffix: str) -> None:
    for path in written:
        os.replace(f"{folder}/{path}{suffix}", f"{folder}/{path}")


def remove_stale(folder: Path, stale: set[str]) -> None:
    """Remove the files that no longer have a source, and the folders they leave empty."""
    for path in sorted(stale):
        with contextlib.suppress(FileNotFoundError):
            os.unlink(f"{folder}/{path}")
    _remove_empty_folders(folder, {os.path.dirname(p) for p in stale})


def remove_search_index(folder: Path) -> None:
    shutil.rmtree(folder / paths.INDEX_DIR, ignore_errors=True)


def _files_on_disk(folder: Path) -> dict[str, tuple[int, int]]:
    """Every file under ``folder`` (but the search index, which the search stage keeps) with its
    size and modification time."""
    found: dict[str, tuple[int, int]] = {}
    pending = [("", str(folder))]
    while pending:
        prefix, path = pending.pop()
        with os.scandir(path) as entries:
            for entry in entries:
                rel = prefix + entry.name
                if rel == paths.OUTPUT_MARKER:  # the build's own, not an output file
                    continue
                if entry.is_dir(follow_symlinks=False):
                    if rel != paths.INDEX_DIR:
                        pending.append((rel + "/", entry.path))
                else:
                    stat = entry.stat(follow_symlinks=False)
                    found[rel] = (stat.st_size, stat.st_mtime_ns)
    return found


def _remove_empty_folders(root: Path, folders: set[str]) -> None:
    for folder in sorted(folders, key=len, reverse=True):
        while folder:
            try:
                os.rmdir(f"{root}/{folder}")
            except OSError:  # not empty, or already gone
                break
            folder = os.path.dirname(folder)


