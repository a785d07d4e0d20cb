"""load(): read and check everything, a notice at a time, with the load cache.

Habit 1 of STYLE.md: every file is read and checked before anything is written. A notice whose
files all hash as before comes from the load cache; many notices to parse are shared out among
forked workers (children.in_forked_slices).
"""
from __future__ import annotations

import os
import posixpath
from dataclasses import dataclass, field
from pathlib import Path
from typing import cast

from . import amendments, paths, schema, yamlio
from .cache import Hasher, LoadCache, LoadEntry, NoticeRef, Summary, notice_summary, shard_path, write_shard
from .children import even_slices, in_forked_slices, worker_count, worth_forking
from .errors import Problem, Problems
from .ledger import ledger_path
from .ledger_read import load_ledger
from .memos import NoticeMemos
from .model import CheckedProcedure, Ledger, Location, Makeup, Notice, Procedure, Schedule, Site, SiteConfig
from .outputs import derive
from .yamlio import Node


@dataclass
class Project:
    root: Path
    # what may be read (paths.py); one per Project, and a Project per load or build
    policy: paths.FilePolicy = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        self.policy = paths.FilePolicy(self.root)

    @property
    def content(self) -> Path:
        return self.root / "content"

    @property
    def data(self) -> Path:
        return self.root / "data"

    @property
    def layouts(self) -> Path:
        return self.root / "layouts"

    def shown(self, path: Path) -> str:
        return paths.display_path(path, self.root)


class _DataFiles:
    """Reads each data file once, whatever number of notices refer to it."""

    def __init__(self, project: Project, problems: Problems):
        self.project, self.problems = project, problems
        self.loaded: dict[tuple[Path, str], object] = {}
        self.files_read: dict[tuple[Path, str], set[Path]] = {}  # each data file and what it pulled in
        self.file_problems: dict[tuple[Path, str], list] = {}  # and the problems found in them
        self.reading: list[set[Path]] = []  # the files read on behalf of each notice being loaded

    def inside(self, ref: Node, base: Path, what: str) -> Path | None:
        """The file a reference names, if its name stays inside ``base`` (no absolute paths, no
        '..' out) and, links followed, the file is in the project (paths.py). The path returned is
        the one the project names (a link's, not its target's): it is the one read."""
        raw = ref.value if isinstance(ref.value, str) else None  # ref.is_scalar
        if not raw:
            self.problems.error(ref.loc, f"{what}: expected a file name, got {ref.describe()}")
            return None
        name = posixpath.normpath(raw)
        if os.path.isabs(raw) or name == ".." or name.startswith("../"):
            self.problems.error(ref.loc, f"{what}: '{raw}' is outside {self.project.shown(base)}/")
            return None
        candidate = base / name
        for files in self.reading:  # a missing file is an input too: creating it must rebuild
            files.add(candidate)
        refused = self.project.policy.problem(candidate)
        if refused is not None:
            self.problems.append(refused)
            return None
        if not candidate.is_file():
            self.problems.error(ref.loc, f"{what}: {self.project.shown(base)}/{raw} does not exist")
            return None
        return candidate

    def load(self, ref: Node, kind: str) -> object:
        path = self.inside(ref, self.project.data, kind)
        if path is None:
            return None
        key = (path, kind)
        if key not in self.loaded:
            outer, self.problems = self.problems, Problems()
            self.reading.append({path})
            self.loaded[key] = self._read(path, kind)
            self.files_read[key] = self.reading.pop()
            self.file_problems[key] = list(self.problems)
            self.problems = outer
        for files in self.reading:
            files.update(self.files_read[key])
        # Every notice that uses a file carries its problems: a cached notice still reports them.
        self.problems.extend(self.file_problems[key])
        return self.loaded[key]

    def _read(self, path: Path, kind: str) -> object:
        node, problems = yamlio.read(path, self.project.root)
        self.problems.extend(problems)
        if node is None:
            return None
        if kind == "schedule":
            return schema.load_schedule(node, self.problems)
        if kind == "procedure":
            return _checked_procedure(schema.load_procedure(node, self.problems), self.problems)
        if kind == "offices":
            directory = schema.load_directory(node, self.problems)
            if directory:
                from . import pinyin  # imported here: its dictionaries take half a second to load

                pinyin.annotate(directory)  # search keys, computed once per build, not in the browser
            return directory
        if kind == "colleges":
            return schema.load_colleges(node, self.problems)
        if kind == "makeup":
            # a bare directory is a make-up page without extras
            if isinstance(node.value, dict) and "offices" in node.value:
                directory = schema.load_directory(node, self.problems)
                return Makeup("", [], [], None, directory, node.loc) if directory else None
            return schema.load_makeup(node, self.problems, self._resolve_shared)
        raise ValueError(kind)

    def _resolve_shared(self, ref: Node, kind: str) -> object:
        return self.load(ref, {"directory": "offices", "colleges": "colleges"}[kind])


def _checked_procedure(proc: Procedure | None, problems: Problems) -> CheckedProcedure | None:
    if proc is None:
        return None
    from .flow import checked  # the chart's module: imported only for a notice that has one

    drawable, found = checked(proc)
    problems.extend(found)
    return drawable


_ATTACHMENT_DATA_KIND = {"schedule": "schedule", "directory": "makeup", "procedure": "procedure"}


def load(root: Path, cache: LoadCache | None = None, workers: int | None = None) -> tuple[Site | None, Problems]:
    """Read and check the whole project. Returns the site, or None with the problems.

    With a cache, a notice whose files all hash as before is taken from it
    instead of being parsed again (its problems come back with it). Many
    notices to parse are shared out among worker processes.
    """
    project = Project(root)
    problems = Problems()
    node, found = yamlio.read(project.data / "site.yaml", project.root)
    problems.extend(found)
    config = schema.load_site_config(node, problems) if node else None
    data = _DataFiles(project, problems)
    hasher = cache.hasher if cache else Hasher()
    notices = []
    paths = _notice_files(project, problems)
    # every file of layouts/ is published or may be used by a template: none may lead out
    list(project.policy.files(project.layouts, problems))
    shown_of = {p: project.shown(p) for p in paths}
    entries = {shown_of[p]: cache.get(shown_of[p], project.root, project.policy) if cache else None
               for p in paths}
    todo = [p for p in paths if entries[shown_of[p]] is None]
    parsed = set(todo)
    workers = worker_count(workers)
    stored = False
    if worth_forking(workers, len(todo), _PARALLEL_LOAD_THRESHOLD):  # the preview's server parses serially
        shards = cache.folder if cache is not None and cache.folder is not None else None
        entries.update(_load_in_parallel(project, todo, workers, config, shards))
        stored = shards is not None
    else:
        entries.update((shown_of[p], _load_notice(project, p, data, hasher)) for p in todo)
    for path in paths:
        shown = shown_of[path]
        entry = entries[shown]
        assert entry is not None  # taken from the cache, or loaded above
        if cache is not None and path in parsed:
            cache.put(shown, entry, stored=stored)
        problems.extend(entry.problems)
        if entry.notice:
            notices.append(entry.notice)
    if cache:
        cache.prune(shown_of.values())
    if not project.content.is_dir():
        problems.error(Location(project.shown(project.content)), "the content/ folder is missing")
    _check_unique(notices, problems)
    amendments.check(notices, problems)
    problems = Problems(sorted(set(problems)))  # a shared file's problems arrive once per notice
    if problems.failed or config is None:
        return None, problems
    notices.sort(key=lambda n: n.sort_key, reverse=True)
    return Site(config, notices, str(project.root)), problems


# Below this many notices to parse, starting workers costs more than it saves.
_PARALLEL_LOAD_THRESHOLD = 100


def _notice_files(project: Project, problems: Problems) -> list[Path]:
    """content/*/notice.md: the notices to load. A notice folder or notice.md that is a link out
    of the project is refused, not read."""
    if not project.content.is_dir():
        return []
    found = []
    for folder in sorted(project.content.iterdir()):
        refused = project.policy.problem(folder)
        if refused is not None:
            problems.append(refused)
            continue
        notice = folder / "notice.md"
        if not notice.exists():
            if folder.is_dir() and not folder.name.startswith("."):
                problems.warn(Location(project.shown(folder)),
                              "a folder in content/ without notice.md is not published", code="unpublished-folder")
            continue
        refused = project.policy.problem(notice)
        if refused is not None:
            problems.append(refused)
            continue
        found.append(notice)
    return sorted(found, key=str)


def _load_in_parallel(project: Project, todo: list[Path], workers: int, config: SiteConfig | None,
                      shards: Path | None) -> dict[str, LoadEntry]:
    """Forked workers parse slices of the notices; each reads the shared data files once for itself.

    With a cache folder, a worker writes each notice to its shard itself and sends back only
    its summary: the notices then need not be pickled through the pool and read back here.
    """
    Sent = tuple[str, dict[str, str], Notice | Summary | None, list[Problem], NoticeMemos]

    def load_slice(paths: list[Path]) -> list[Sent]:
        data, hasher = _DataFiles(project, Problems()), Hasher()
        done: list[Sent] = []
        for path in paths:
            shown = project.shown(path)
            entry = _load_notice(project, path, data, hasher)
            notice, memos = entry.notice, entry.memos
            if notice is not None and shards is not None:
                if config is not None:
                    derive(config, notice, memos)  # the plan's work on the notice, kept beside it
                write_shard(shard_path(shards, shown, entry.inputs), notice, memos)
                notice, memos = notice_summary(notice), NoticeMemos(memos.summary)  # the shard keeps the rest
            done.append((shown, entry.inputs, notice, entry.problems, memos))
        return done

    entries = {}
    # Several slices per worker, taken as workers come free, so that one worker slowed down
    # (by its notices, or by the machine) does not leave the others idle at the end. Each
    # slice reads the shared data files once: a few files, against hundreds of notices.
    for part in in_forked_slices(load_slice, even_slices(todo, 8 * workers), workers):
        for shown, inputs, sent, problems, memos in part:
            notice: Notice | NoticeRef | None
            if isinstance(sent, tuple):  # (summary, attachments): the notice is in its shard
                assert shards is not None  # summaries are sent back only when there are shards
                notice = NoticeRef(*sent, shard_path(shards, shown, inputs), memos)
            else:
                notice = sent
            entries[shown] = LoadEntry(inputs, notice, problems, memos)
    return entries


def _load_notice(project: Project, path: Path, data: _DataFiles, hasher: Hasher) -> LoadEntry:
    folder = path.parent
    problems = Problems()
    data.problems = problems
    data.reading.append({path})

    def read_page(ref: Node) -> tuple[str, str] | None:
        page = data.inside(ref, folder, "page")
        if page is None:
            return None
        data.reading[-1].add(page)
        shown = project.shown(page)
        text, unreadable = yamlio.read_text(page, shown)
        problems.extend(unreadable)  # in the page's file: the notice's other checks go on
        return None if text is None else (text, shown)

    def load_data(ref: Node, attachment_type: str) -> Schedule | Makeup | CheckedProcedure | None:
        # _DataFiles._read gives these three kinds' records (or None)
        record = data.load(ref, _ATTACHMENT_DATA_KIND[attachment_type])
        return cast("Schedule | Makeup | CheckedProcedure | None", record)

    from . import content  # Markdown and the holiday calendar: only when a notice is parsed

    try:
        notice = content.load_notice(path, project.shown(path), load_data, read_page, problems,
                                     root=project.root, files=data.reading[-1])
    except (RecursionError, MemoryError) as exc:  # the limits should stop it first: never a traceback
        problems.error(Location(project.shown(path)), f"too large or too deeply nested to read ({type(exc).__name__})")
        notice = None
    if notice is not None:
        notice.calendar_ledger = _read_ledger(project, notice.slug, data.reading[-1], problems)
    files = data.reading.pop()
    inputs = {project.shown(f): hasher.input(f, project.policy) for f in sorted(files)}
    if notice is not None:
        notice.inputs = inputs
    return LoadEntry(inputs, notice, list(problems))


def _read_ledger(project: Project, slug: str, files: set[Path], problems: Problems) -> Ledger:
    """data/<slug>/calendar-ledger.yaml, which the build writes (ledger.py): one of the notice's
    inputs whether it is there or not (its content is in the calendar files' keys), read as any
    data file (safe YAML, every problem located; ledger_read.py). A broken one stops the build:
    written over, the sequences it held would be lost."""
    path = ledger_path(project.data, slug)
    files.add(path)
    refused = project.policy.problem(path)  # the file, or data/<slug>/ that the build writes into
    if refused is not None:
        problems.append(refused)
        return {}
    if not path.exists():
        return {}
    node, found = yamlio.read(path, project.root)
    problems.extend(found)
    return load_ledger(node, problems) if node is not None else {}


def _check_unique(notices: list[Notice], problems: Problems) -> None:
    by_slug: dict[str, Notice] = {}
    by_number: dict[str, Notice] = {}
    for notice in notices:
        for index, key, label in ((by_slug, notice.slug, "URL segment"), (by_number, notice.number, "number")):
            if key in index:
                problems.error(notice.source, f"notice {label} '{key}' is also used by {index[key].source.path}")
            index[key] = notice

