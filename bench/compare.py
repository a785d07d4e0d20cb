#!/usr/bin/env python3
"""Benchmark: two commits' HTML builds on the same synthetic archive, run alternately.

    git worktree add /tmp/old 9dfe631        # the commit to compare against (any checkout)
    .venv/bin/python bench/compare.py --old /tmp/old [--new .] [--n 1000] [--runs 3] [--keep DIR]
        [--only "cold build" --only "rebuild, no change" ...]

Writes one corpus (bench/corpus.py, N notices), copies it twice, each copy with its own
commit's ``layouts/``, and snapshots each commit's ``build.py`` and ``noticesite/`` (byte-
compiled, as archive.py does), so both commits build the same notices. Then, ``--runs`` times,
measures for each commit, one after the other (old, new; the next round new, old), so that
whatever else the machine does hits both alike:

  check, no cache          build.py check, no .noticesite-cache/ before
  cold build               build.py build --no-pdf --no-search, no output and no cache before
  rebuild, no change       the same command again
  rebuild, one edit        after appending a sentence to one notice.md
  rebuild, site title      after changing data/site.yaml's title (every page changes)
  check, warm cache        build.py check after those builds

Each command runs in a fresh measuring helper (archive.py's: wall time, CPU time of the command
and its waited-for children), after ``sync`` and a second's rest. It prints each run, then a
table of the fastest run of each measurement per commit and the ratio new/old (wall and CPU).
Exits 0 unless a build fails. Hugo, Pelican and PDFs are not measured (archive.py does).
"""
from __future__ import annotations

import argparse
import os
import shutil
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import archive  # noqa: E402
import corpus  # noqa: E402

NEW_TITLE = "湖南理工学院教务处通知（{}）"


def snapshot(checkout: Path, code: Path) -> Path:
    """A byte-compiled copy of one checkout's build.py and noticesite/ in ``code``; returns its build.py."""
    return archive.snapshot_code(code, checkout)


SHARED_DATA = ("site.yaml", "offices.yaml")


def project_for(source: Path, checkout: Path, target: Path) -> Path:
    """A copy of the corpus with the checkout's own layouts/ and shared data files (templates and
    site settings may differ between commits: an older commit refuses a setting added after it)."""
    shutil.copytree(source, target, symlinks=True)
    shutil.rmtree(target / "layouts")
    shutil.copytree(checkout / "layouts", target / "layouts")
    for name in SHARED_DATA:
        shutil.copyfile(checkout / "data" / name, target / "data" / name)
    return target


def built_state(project: Path) -> list[Path]:
    """Everything a build or check leaves beside the project's sources: output (a folder or a
    link), releases, caches, an old build's staging folders."""
    return [p for p in project.iterdir() if p.name == "output" or p.name.startswith((".noticesite", ".output"))]


def set_title(project: Path, title: str) -> None:
    path = project / "data" / "site.yaml"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    lines = [f"title: {title}\n" if line.startswith("title:") else line for line in lines]
    path.write_text("".join(lines), encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Two commits' HTML builds on one archive, alternately.")
    parser.add_argument("--old", type=Path, required=True, help="checkout of the commit before")
    parser.add_argument("--new", type=Path, default=archive.ROOT, help="checkout of the commit after "
                        "(default: this one)")
    parser.add_argument("--n", type=int, default=1000, help="notices (default: %(default)s)")
    parser.add_argument("--runs", type=int, default=3, help="rounds; the fastest is reported (default: %(default)s)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--only", action="append", metavar="NAME",
                        help="run this measurement (as named in the table; repeatable; default: all)")
    parser.add_argument("--keep", type=Path, metavar="DIR", help="work in DIR (kept) instead of a temporary folder")
    args = parser.parse_args(argv)
    os.environ["NOTICESITE_TIMINGS"] = "1"
    return archive.in_work_folder(args.keep, "compare-bench-", lambda work: _compare(args, work, parser))


def _compare(args: argparse.Namespace, work: Path, parser: argparse.ArgumentParser) -> int:
    print(f"compare: {args.n} notices, {args.runs} round(s), {os.cpu_count()} CPU(s), work folder {work}")
    print(f"load before: {os.getloadavg()}", flush=True)
    source = corpus.generate(work / "corpus", args.n, args.seed)
    sides = {}
    for name, checkout in (("old", args.old.resolve()), ("new", args.new.resolve())):
        sides[name] = (snapshot(checkout, work / f"code-{name}"), project_for(source, checkout, work / name))
    set_aside = archive.SetAside(work)
    edited_rel = sorted(p.relative_to(source) for p in (source / "content").glob("*/notice.md"))[args.n // 2]

    def build_cmd(name: str) -> list[str]:
        build_py, project = sides[name]
        return [sys.executable, str(build_py), "build", "--project", str(project), "--output",
                str(project / "output"), "--no-search", "--no-pdf"]

    def check_cmd(name: str) -> list[str]:
        build_py, project = sides[name]
        return [sys.executable, str(build_py), "check", "--project", str(project)]

    round_no = [0]
    steps = [
        ("check, no cache", check_cmd, lambda p: set_aside(*built_state(p))),
        ("cold build", build_cmd, lambda p: set_aside(*built_state(p))),
        ("rebuild, no change", build_cmd, None),
        ("rebuild, one edit", build_cmd, lambda p: archive._append_sentence(p / edited_rel)),
        ("rebuild, site title", build_cmd, lambda p: set_title(p, NEW_TITLE.format(round_no[0]))),
        ("check, warm cache", check_cmd, None),
    ]
    if args.only:
        unknown = set(args.only) - {label for label, _, _ in steps}
        if unknown:
            parser.error(f"no measurement named {', '.join(sorted(unknown))}")
        steps = [s for s in steps if s[0] in args.only]
    results: dict[tuple[str, str], archive.Measurement] = {}
    try:
        for r in range(args.runs):
            round_no[0] = r
            order = ("old", "new") if r % 2 == 0 else ("new", "old")
            for label, command, prepare in steps:
                for name in order:
                    project = sides[name][1]
                    m = archive.run_measured(f"{name} {label} (round {r + 1})", command(name), project, args.n,
                                             prepare=(lambda p=project, f=prepare: f(p)) if prepare else None)
                    timings = [line for line in m.stderr.splitlines() if line.startswith("timings:")]
                    if timings:
                        print(f"    {timings[-1]}")
                    kept = results.setdefault((label, name), archive.Measurement(label, args.n))
                    kept.walls += m.walls
                    kept.cpus += m.cpus
    except archive.BuildFailed as exc:
        print(f"\nbuild failed: {exc}", file=sys.stderr)
        return 1
    finally:
        set_aside.empty()
    print(f"\nload after: {os.getloadavg()}\n")
    print("| measurement | old s | new s | new/old | old CPU s | new CPU s | CPU new/old | runs old / new |")
    print("|---|---:|---:|---:|---:|---:|---:|---|")
    for label, _, _ in steps:
        old, new = results[(label, "old")], results[(label, "new")]
        runs = " / ".join(", ".join(f"{w:.2f}" for w in m.walls) for m in (old, new))
        print(f"| {label} | {old.wall:.2f} | {new.wall:.2f} | {new.wall / old.wall:.3f} | {old.cpu:.2f} | "
              f"{new.cpu:.2f} | {new.cpu / old.cpu:.3f} | {runs} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
