#!/usr/bin/env python3
"""Benchmark: the plan's keys against the floor of keys made from whole values (issue 12).

    PYTHONPATH=. .venv/bin/python bench/key_floor.py [--n 1000] [--runs 7] [--keep DIR]

Issue 12 asks that every output's key cover the whole value handed to its template, and that the
restructuring not slow a rebuild by more than 5%. A rebuild with nothing changed must still make
every key to know that nothing changed. This script measures what that costs at the least: each
page's values (``render.page_values``, what its template is handed) serialized by the standard
library's C pickler and hashed with SHA-256; a notice stands as its key, through the documented
``persistent_id`` hook, as it does in our keys, and the values many pages share (the site's
config, a notice's summary on the index, archive and sitemap) are pickled once a round and stand
as their hash, as our plan fingerprints each once. A key made afresh from whole values each build
can hardly be cheaper than that. It then times our plan stage (``outputs.plan``: every page's key, and the
calendar files', spreadsheets', feeds' and assets'), in the same process on the same loaded site.

Writes the corpus (bench/corpus.py), builds it once with ``build.py`` (so that the load cache is
warm, as in a rebuild), loads it in-process with that cache as a build does, collector set as the
build sets it, then alternates the floor and the plan ``--runs`` times. Prints both, their fastest
and median, and the ratio plan/floor.
"""
from __future__ import annotations

import argparse
import gc
import hashlib
import io
import pickle
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import corpus  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="The plan's keys against the floor of whole-value keys.")
    parser.add_argument("--n", type=int, default=1000, help="notices (default: %(default)s)")
    parser.add_argument("--runs", type=int, default=7, help="rounds of floor and plan (default: %(default)s)")
    parser.add_argument("--keep", type=Path, metavar="DIR", help="work in DIR (kept) instead of a temporary folder")
    args = parser.parse_args(argv)
    if args.keep:
        args.keep.mkdir(parents=True, exist_ok=True)
        return _measure(args, args.keep.resolve())
    with tempfile.TemporaryDirectory(prefix="key-floor-") as tmp:
        return _measure(args, Path(tmp))


def _measure(args: argparse.Namespace, work: Path) -> int:
    from noticesite.cache import LoadCache, code_version
    from noticesite.loading import load
    from noticesite.model import Notice, NoticeStandIn, NoticeSummary, SiteConfig
    from noticesite.outputs import notice_key, plan, set_template_references
    from noticesite.render import LazyEnvironment, page_values, site_pages, summaries

    project = work / "corpus"
    if not (project / "data" / "site.yaml").is_file():
        corpus.generate(project, args.n)
    subprocess.run([sys.executable, str(ROOT / "build.py"), "build", "--project", str(project), "--no-pdf",
                    "--no-search"], check=True, capture_output=True)
    cache = LoadCache.open(project)
    set_template_references(cache.extras.get("template_references", {}))
    site, problems = load(project, cache)
    if site is None:
        print("\n".join(map(str, problems.errors)), file=sys.stderr)
        return 1
    memos = cache.memos()
    gc.freeze()  # as the build does (cli.py) once the site is loaded
    gc.set_threshold(50_000, 20, 100)
    env = LazyEnvironment(project / "layouts", project / ".noticesite-cache" / f"templates-{code_version()[:12]}")
    pages = site_pages(site, summaries(site.notices))

    shared: dict[int, tuple[object, str]] = {}  # a value met on many pages: pickled once a round

    def pickled_hash(value: object) -> str:
        out = io.BytesIO()
        KeyedPickler(out, protocol=pickle.HIGHEST_PROTOCOL).dump(value)
        return hashlib.sha256(out.getvalue()).hexdigest()

    class KeyedPickler(pickle.Pickler):
        def persistent_id(self, obj: object) -> str | None:
            if isinstance(obj, (Notice, NoticeStandIn)):
                return notice_key(obj, memos.of(obj))
            if isinstance(obj, (SiteConfig, NoticeSummary)) and obj is not self.top:
                known = shared.get(id(obj))
                if known is None or known[0] is not obj:
                    known = shared[id(obj)] = (obj, pickled_hash(obj))
                return known[1]
            return None

        def dump(self, obj: object) -> None:
            self.top = obj
            super().dump(obj)

    def floor() -> None:
        shared.clear()
        for page in pages:
            pickled_hash(page_values(site.config, page))

    def planned() -> None:
        plan(site, env, project / "layouts", cache.hasher, {}, (), {}, memos)

    planned()  # once unmeasured: templates parsed, memos filled, as in a rebuild
    times: dict[str, list[float]] = {"floor": [], "plan": []}
    sides = (("floor", floor), ("plan", planned))
    for r in range(args.runs):
        for name, work_ in (sides if r % 2 == 0 else sides[::-1]):
            started = time.perf_counter()
            work_()
            times[name].append(time.perf_counter() - started)
    outputs = len(plan(site, env, project / "layouts", cache.hasher, {}, (), {}, memos))
    print(f"key_floor: {len(site.notices)} notices, {len(pages)} pages, {outputs} files planned, {args.runs} rounds")
    for name, label in (("floor", "floor: every page's values pickled and hashed"), ("plan", "plan: every file's key")):
        print(f"  {label}: fastest {min(times[name]):.3f} s, median {statistics.median(times[name]):.3f} s")
    print(f"  plan / floor: fastest {min(times['plan']) / min(times['floor']):.2f}, "
          f"median {statistics.median(times['plan']) / statistics.median(times['floor']):.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
