"""One file-access policy (noticesite/paths.py): every file the build reads or copies lies inside
the project once its links are followed. A property test over random link trees, and the load
cache that must not skip the check."""
from __future__ import annotations

import contextlib
import io
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from property_budget import examples

from conftest import REPO, copy_project
from noticesite import cli

pytestmark = pytest.mark.integration

# ---- the places a link may take -----------------------------------------------------------


@dataclass(frozen=True)
class Slot:
    """A path of the project that a link replaces (or adds): ``mark`` is the file (relative to
    the slot for a folder) and the text replaced in it so that a marker would be published."""

    path: str
    folder: bool
    mark: tuple[str, str, str]  # (file, old text, new text with {m} for the marker)
    new: bool = False  # not in the example: the slot adds it


SLOTS = [
    Slot("layouts/style.css", False, ("", "", "/* {m} */\n")),
    Slot("layouts/new-asset.js", False, ("", "", "// {m}\n"), new=True),
    Slot("layouts/base.html", False, ("", "", "{m}\n")),
    Slot("layouts/partials", True, ("notice_list.html", '<ol class="notice-list">', '<ol class="notice-list">{m}')),
    Slot("layouts/img", True, ("logo.svg", "", "<svg><!-- {m} --></svg>\n"), new=True),
    Slot("content/2012-104/instructions.md", False, ("", "", "\n\n{m}\n")),
    Slot("content/2012-104/notice.md", False, ("", "两天完成。", "两天完成。{m}")),
    Slot("content/2012-104", True, ("instructions.md", "", "\n\n{m}\n")),
    Slot("content/2099-1", True, ("notice.md", "两天完成。", "两天完成。{m}"), new=True),
    Slot("data/site.yaml", False, ("", "school: 湖南理工学院", "school: 湖南理工学院{m}")),
    Slot("data/offices.yaml", False, ("", "title: 新华社", "title: {m}新华社")),
    Slot("data/2012-104/schedule.yaml", False, ("", "title: 2014届", "title: {m}2014届")),
    Slot("data/2012-104", True, ("schedule.yaml", "title: 2014届", "title: {m}2014届")),
]


@dataclass(frozen=True)
class Placement:
    slot: Slot
    target: str  # "outside-marked", "outside-same", "inside"
    absolute: bool  # the link's text: an absolute path, else relative to the link's folder
    via: str  # "", "outside", "inside": a second link in the chain, and where it lies


placements = st.builds(Placement, st.sampled_from(SLOTS),
                       st.sampled_from(["outside-marked", "outside-same", "inside"]),
                       st.booleans(), st.sampled_from(["", "outside", "inside"]))


def _original(slot: Slot, root: Path, dest: Path) -> None:
    """What the slot holds in the example (or, for a new one, what it would), copied to ``dest``."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    source = root / slot.path
    if slot.path == "content/2099-1":  # a second notice: the example's, numbered apart
        shutil.copytree(root / "content/2012-104", dest)
        text = (dest / "notice.md").read_text(encoding="utf-8")
        (dest / "notice.md").write_text(text.replace("〔2012〕104号", "〔2099〕1号", 1), encoding="utf-8")
    elif slot.path == "layouts/new-asset.js":
        dest.write_text("console.log('asset');\n", encoding="utf-8")
    elif slot.path == "layouts/img":
        dest.mkdir()
        (dest / "logo.svg").write_text("<svg></svg>\n", encoding="utf-8")
    elif slot.folder:
        shutil.copytree(source, dest, symlinks=True)
    else:
        shutil.copy(source, dest)


def _mark(slot: Slot, dest: Path, marker: str) -> None:
    name, old, new = slot.mark
    path = dest / name if name else dest
    text = path.read_text(encoding="utf-8")
    new = new.format(m=marker)
    path.write_text(text.replace(old, new, 1) if old else text + new, encoding="utf-8")


def _link(link: Path, target: Path, absolute: bool) -> None:
    link.parent.mkdir(parents=True, exist_ok=True)
    if link.is_symlink() or link.is_file():
        link.unlink()
    elif link.is_dir():
        shutil.rmtree(link)
    link.symlink_to(target if absolute else os.path.relpath(target, link.parent),
                    target_is_directory=target.is_dir())


def _apply(root: Path, outside: Path, chosen: list[Placement]) -> tuple[list[str], list[str], list[str]]:
    """Makes the links; returns the slots that end outside the project, the markers, and every
    slot linked."""
    out_slots, markers, linked = [], [], []
    for n, p in enumerate(chosen):
        if any(p.slot.path.startswith(done + "/") or done.startswith(p.slot.path + "/") for done in linked):
            continue  # a file inside a folder that is already a link, or the other way round
        linked.append(p.slot.path)
        name = Path(p.slot.path).name
        if p.target == "inside":
            target = root / "spare" / str(n) / name
        else:
            target = outside / str(n) / name
        _original(p.slot, root, target)
        if p.target == "outside-marked":
            marker = f"OUTSIDE-MARKER-{n}-7f3a"
            _mark(p.slot, target, marker)
            markers.append(marker)
        if p.via:  # a chain: the slot -> a second link -> the target
            hop = (outside if p.via == "outside" else root / "spare") / f"hop-{n}" / name
            _link(hop, target, p.absolute)
            target = hop
        _link(root / p.slot.path, target, p.absolute)
        if p.target != "inside":
            out_slots.append(p.slot.path)
    return out_slots, markers, linked


def _read_by_the_build(out_slots: list[str], placed: list[str]) -> list[str]:
    """The slots leading out that the build would read, so must report. Only what is read is
    judged: a page of a notice whose notice.md is refused is not read (the next check, once
    notice.md is right, reports it)."""
    refused = set(out_slots)
    notices = [n for n in ("content/2012-104", "content/2099-1")
               if (n == "content/2012-104" or n in placed) and n not in refused and f"{n}/notice.md" not in refused]
    def read(slot: str) -> bool:
        if slot == "content/2012-104/instructions.md":
            return "content/2012-104" in notices
        if slot in ("data/2012-104/schedule.yaml", "data/2012-104"):
            return bool(notices)
        if slot == "data/offices.yaml":  # named by data/2012-104/makeup.yaml
            return bool(notices) and "data/2012-104" not in refused
        return True  # layouts/ and the notice folders are walked, data/site.yaml always read
    return [slot for slot in out_slots if read(slot)]


def _run(*argv: str) -> tuple[int, str]:
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        code = cli.main(list(argv))
    return code, err.getvalue()


def _refused(err: str, slot: str) -> bool:
    return any((line.startswith(slot + ":") or line.startswith(slot + "/")) and "outside the project" in line
               for line in err.splitlines())


@settings(max_examples=examples(30), deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(st.lists(placements, min_size=1, max_size=3, unique_by=lambda p: p.slot.path))
def test_no_file_outside_the_project_is_read_or_published(tmp_path_factory, chosen: list[Placement]):
    base = tmp_path_factory.mktemp("policy")
    root, outside = copy_project(REPO, base / "site"), base / "outside"
    outside.mkdir()
    out_slots, markers, placed = _apply(root, outside, chosen)
    reported = _read_by_the_build(out_slots, placed)
    for command in (["check"], ["build", "--no-pdf", "--no-search"], ["check"]):  # the last one: cached
        code, err = _run(command[0], "--project", str(root), *command[1:])
        assert "Traceback" not in err and "internal error" not in err, err
        for slot in reported:
            assert _refused(err, slot), f"{command[0]}: {slot} links outside, not reported:\n{err}"
        if out_slots:
            assert code == 1, f"{command[0]} exited {code}:\n{err}"
        else:
            assert code == 0, f"{command[0]}: links inside the project must work:\n{err}"
    for path in (root / "output").rglob("*") if (root / "output").is_dir() else []:
        if path.is_file():
            data = path.read_bytes()
            for marker in markers:
                assert marker.encode() not in data, f"output/{path.relative_to(root / 'output')} has {marker}"


# ---- the load cache ------------------------------------------------------------------------


def test_check_gives_the_same_answer_with_and_without_the_cache(tmp_path: Path):
    """A data file replaced by a link to the same bytes outside the project: the cache's hashes
    match, so a cache that only compared hashes would let the notice through."""
    root = copy_project(REPO, tmp_path / "site")
    assert _run("check", "--project", str(root))[0] == 0  # the cache now knows the notice
    assert (root / ".noticesite-cache").is_dir()
    secret = tmp_path / "outside" / "schedule.yaml"
    secret.parent.mkdir()
    shutil.copy(root / "data/2012-104/schedule.yaml", secret)
    (root / "data/2012-104/schedule.yaml").unlink()
    (root / "data/2012-104/schedule.yaml").symlink_to(secret)
    cached = _run("check", "--project", str(root))
    shutil.rmtree(root / ".noticesite-cache")
    fresh = _run("check", "--project", str(root))
    assert cached == fresh
    assert fresh[0] == 1
    assert f"data/2012-104/schedule.yaml: a link to {secret}, outside the project: refused" in fresh[1]
