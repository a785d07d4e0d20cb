"""load(): read and check everything. build(): write everything, or nothing.

Habit 1 of STYLE.md: every file is read and checked before anything is
written, and a failed check writes nothing. Output goes to a temporary folder
beside ``output/`` that replaces it only when the whole build succeeded.
"""
from __future__ import annotations

import os
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from . import content, schema, yamlio
from .errors import BuildError, Problems
from .model import Location, Makeup, Notice, Procedure, Site
from .render import environment, render_page, site_pages
from .yamlio import Node

# Files in layouts/ that are not copied to the site: templates and their folders.
_TEMPLATE_SUFFIXES = {".html", ".xml", ".txt", ".j2"}
_TEMPLATE_DIRS = {"partials", "attachments", "print"}


@dataclass
class Project:
    root: Path

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
        return yamlio.display_path(path, self.root)


# ---- load --------------------------------------------------------------------------------


class _DataFiles:
    """Reads each data file once, whatever number of notices refer to it."""

    def __init__(self, project: Project, problems: Problems):
        self.project, self.problems = project, problems
        self.loaded: dict[tuple[Path, str], object] = {}

    def inside(self, ref: Node, base: Path, what: str) -> Path | None:
        """The file a reference names, if it stays inside ``base`` (no absolute paths, no '..' out)."""
        raw = ref.value if ref.is_scalar else None
        if not raw:
            self.problems.error(ref.loc, f"{what}: expected a file name, got {ref.describe()}")
            return None
        candidate = (base / raw).resolve()
        if os.path.isabs(raw) or not candidate.is_relative_to(base.resolve()):
            self.problems.error(ref.loc, f"{what}: '{raw}' is outside {self.project.shown(base)}/")
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
            self.loaded[key] = self._read(path, kind)
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
            return schema.load_directory(node, self.problems)
        if kind == "colleges":
            return schema.load_colleges(node, self.problems)
        if kind == "makeup":
            if node.is_map and "offices" in node.value:  # a bare directory is a make-up page without extras
                directory = schema.load_directory(node, self.problems)
                return Makeup("", [], [], None, directory, node.loc) if directory else None
            return schema.load_makeup(node, self.problems, self._resolve_shared)
        raise ValueError(kind)

    def _resolve_shared(self, ref: Node, kind: str) -> object:
        return self.load(ref, {"directory": "offices", "colleges": "colleges"}[kind])


def _checked_procedure(proc: Procedure | None, problems: Problems) -> Procedure | None:
    if proc is None:
        return None
    try:
        from .flow import check_procedure
    except ImportError:  # the flow stage is optional until it lands
        return proc
    found = check_procedure(proc)
    problems.extend(found)
    return None if any(p.severity == "error" for p in found) else proc


_ATTACHMENT_DATA_KIND = {"schedule": "schedule", "directory": "makeup", "procedure": "procedure"}


def load(root: Path) -> tuple[Site | None, Problems]:
    """Read and check the whole project. Returns the site, or None with the problems."""
    project = Project(root)
    problems = Problems()
    node, found = yamlio.read(project.data / "site.yaml", project.root)
    problems.extend(found)
    config = schema.load_site_config(node, problems) if node else None
    data = _DataFiles(project, problems)
    notices = []
    for path in sorted(project.content.glob("*/notice.md")) if project.content.is_dir() else []:
        notice = _load_notice(project, path, data, problems)
        if notice:
            notices.append(notice)
    if not project.content.is_dir():
        problems.error(Location(project.shown(project.content)), "the content/ folder is missing")
    _check_unique(notices, problems)
    if problems.failed or config is None:
        return None, problems
    notices.sort(key=lambda n: n.sort_key, reverse=True)
    return Site(config, notices, str(project.root)), problems


def _load_notice(project: Project, path: Path, data: _DataFiles, problems: Problems) -> Notice | None:
    folder = path.parent

    def read_page(ref: Node) -> tuple[str, str] | None:
        page = data.inside(ref, folder, "page")
        if page is None:
            return None
        return page.read_text(encoding="utf-8-sig"), project.shown(page)

    def load_data(ref: Node, attachment_type: str) -> object:
        return data.load(ref, _ATTACHMENT_DATA_KIND[attachment_type])

    try:
        notice = content.load_notice(path, project.shown(path), load_data, read_page, problems)
    except UnicodeDecodeError as exc:
        problems.error(Location(project.shown(path)), f"not UTF-8 text (byte {exc.start})")
        return None
    if notice is not None:
        _attach_key_dates(notice, problems)
    return notice


def _attach_key_dates(notice: Notice, problems: Problems) -> None:
    nodes = getattr(notice, "key_date_nodes", None)
    if nodes is None:
        return
    try:
        from .keydates import read_key_dates
    except ImportError:
        return
    notice.key_dates = read_key_dates(nodes, problems)


def _check_unique(notices: list[Notice], problems: Problems) -> None:
    by_slug: dict[str, Notice] = {}
    by_number: dict[str, Notice] = {}
    for notice in notices:
        for index, key, label in ((by_slug, notice.slug, "URL segment"), (by_number, notice.number, "number")):
            if key in index:
                problems.error(notice.source, f"notice {label} '{key}' is also used by {index[key].source.path}")
            index[key] = notice


# ---- build -------------------------------------------------------------------------------


@dataclass
class BuildOptions:
    pdf: bool = True
    search: bool = True
    workers: int | None = None


@dataclass
class BuildReport:
    pages: int = 0
    files: int = 0
    pdfs_rendered: int = 0
    pdfs_reused: int = 0
    timings: dict[str, float] = field(default_factory=dict)


OutputStage = Callable[[Site, Path, "BuildContext"], None]


@dataclass
class BuildContext:
    """What every output stage may use: the project, the template environment, the report."""

    project: Project
    env: object
    options: BuildOptions
    report: BuildReport
    cache: Path
    pdf_links: dict[str, tuple[str, int]] = field(default_factory=dict)  # page path -> (pdf href, bytes)


def build(site: Site, out_dir: Path, options: BuildOptions | None = None) -> BuildReport:
    """Write the whole site into ``out_dir``, atomically. Raises BuildError on failure."""
    options = options or BuildOptions()
    project = Project(Path(site.root))
    report = BuildReport()
    out_dir = out_dir.resolve()
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".output-", dir=out_dir.parent))
    ctx = BuildContext(project, environment(project.layouts), options, report,
                       project.root / ".noticesite-cache")
    try:
        for name, stage in _stages(options):
            started = time.perf_counter()
            stage(site, staging, ctx)
            report.timings[name] = time.perf_counter() - started
        _swap_in(staging, out_dir)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return report


def _stages(options: BuildOptions) -> list[tuple[str, OutputStage]]:
    stages: list[tuple[str, OutputStage]] = []
    if options.pdf:
        stages.append(("pdf", _write_pdfs))  # first: pages link to the PDFs with their sizes
    stages += [("html", _write_pages), ("assets", _copy_assets)]
    if options.search:
        stages.append(("search", _write_search_index))
    return stages


def _write_pages(site: Site, staging: Path, ctx: BuildContext) -> None:
    import jinja2

    for page in site_pages(site):
        try:
            html = render_page(ctx.env, site, page, {"pdf_links": ctx.pdf_links})  # type: ignore[arg-type]
        except jinja2.TemplateError as exc:
            raise BuildError([_template_problem(ctx.project, exc)]) from exc
        target = staging / page.path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(html, encoding="utf-8")
        ctx.report.pages += 1


def _template_problem(project: Project, exc: Exception) -> "Problem":
    """Locate a template error: syntax errors carry a line; runtime errors have it in the traceback."""
    from .errors import Problem

    name, line = getattr(exc, "filename", None), getattr(exc, "lineno", None) or 0
    if name is None:  # e.g. an undefined name: Jinja maps the template's frames to its lines
        tb = exc.__traceback__
        while tb is not None:
            filename = tb.tb_frame.f_code.co_filename
            if filename.startswith(str(project.layouts)):
                name, line = filename, tb.tb_lineno
            tb = tb.tb_next
    shown = project.shown(Path(name)) if name else "layouts"
    return Problem(shown, line, 1 if line else 0, f"template error: {exc}")


def _copy_assets(site: Site, staging: Path, ctx: BuildContext) -> None:
    layouts = ctx.project.layouts
    for path in sorted(layouts.rglob("*")):
        rel = path.relative_to(layouts)
        if path.is_dir() or rel.parts[0] in _TEMPLATE_DIRS or path.suffix in _TEMPLATE_SUFFIXES:
            continue
        if path.name.startswith("."):
            continue
        target = staging / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, target)
        ctx.report.files += 1


def _write_pdfs(site: Site, staging: Path, ctx: BuildContext) -> None:
    try:
        from . import pdf
    except ImportError:
        return
    pdf.write_site_pdfs(site, staging, ctx)


def _write_search_index(site: Site, staging: Path, ctx: BuildContext) -> None:
    try:
        from . import search
    except ImportError:
        return
    search.write_index(site, staging, ctx)


def _swap_in(staging: Path, out_dir: Path) -> None:
    """Replace out_dir by staging with two renames, so a reader never sees half a site."""
    old = None
    if out_dir.exists():
        old = Path(tempfile.mkdtemp(prefix=".output-old-", dir=out_dir.parent))
        os.rmdir(old)
        os.rename(out_dir, old)
    os.rename(staging, out_dir)
    os.chmod(out_dir, 0o755)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
