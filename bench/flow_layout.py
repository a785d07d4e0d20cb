"""Our flow chart layout against Graphviz, on the example and on a 20-step flow.

    .venv/bin/python bench/flow_layout.py

For each chart and each layout it prints the time to lay out and draw one chart,
the drawing's size, how many text lines spill out of their box (measured with
the real advances of Noto Sans CJK SC, through Pillow), and how many arrows run
through a box that is not one of their two ends.

Graphviz gets the labels already wrapped by ``noticesite.flow.wrap`` (it does
not wrap text itself) and is timed as a build would run it: one ``dot -Tsvg``
process per chart. It is measured twice when it can be: as installed (Debian's
build measures text with Pango) and with only its core plugins, where it
estimates text widths from built-in Latin metrics, as builds without Pango do.
If ``dot`` is missing, only our layout is measured.
"""
from __future__ import annotations

import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from noticesite.cjktext import wrap  # noqa: E402
from noticesite.flow import FONT, MAIN_EM, SIDE_EM, render_svg  # noqa: E402
from noticesite.model import Procedure  # noqa: E402
from tests import flow_samples  # noqa: E402

SVG = "{http://www.w3.org/2000/svg}"
RUNS = 20


# ---- real text widths --------------------------------------------------------


def _font():
    """Noto Sans CJK SC through Pillow, or None when either is missing."""
    try:
        from PIL import ImageFont

        found = subprocess.run(
            ["fc-match", "-f", "%{file}:%{index}", "Noto Sans CJK SC"], capture_output=True, text=True, check=True
        ).stdout
        path, index = found.rsplit(":", 1)
        return ImageFont.truetype(path, 1000, index=int(index))
    except Exception:  # noqa: BLE001 - the bench runs without the font, it just cannot say
        return None


FONT_FILE = _font()


def real_width(text: str, size: float) -> float:
    return FONT_FILE.getlength(text) / 1000 * size


# ---- reading both kinds of SVG -------------------------------------------------


def _points(s: str) -> list[tuple[float, float]]:
    nums = [float(v) for v in re.findall(r"-?\d+(?:\.\d+)?", s)]
    return list(zip(nums[::2], nums[1::2]))


def _path_points(d: str) -> list[tuple[float, float]]:
    """Points along a path of M, L and C commands (curves sampled)."""
    out: list[tuple[float, float]] = []
    for cmd, args in re.findall(r"([MLC])([^MLC]*)", d):
        pts = _points(args)
        if cmd == "C":
            for k in range(0, len(pts) - 2, 3):
                p0, p1, p2, p3 = out[-1], pts[k], pts[k + 1], pts[k + 2]
                for i in range(1, 21):
                    t = i / 20
                    out.append(tuple(
                        (1 - t) ** 3 * a + 3 * (1 - t) ** 2 * t * b + 3 * (1 - t) * t * t * c + t ** 3 * e
                        for a, b, c, e in zip(p0, p1, p2, p3)
                    ))
        else:
            out.extend(pts)
    dense: list[tuple[float, float]] = []  # every unit along straight stretches too
    for (x1, y1), (x2, y2) in zip(out, out[1:]):
        n = max(1, int(max(abs(x2 - x1), abs(y2 - y1))))
        dense.extend((x1 + (x2 - x1) * i / n, y1 + (y2 - y1) * i / n) for i in range(n))
    return dense + out[-1:]


def _rect_outline(el) -> list[tuple[float, float]]:
    x, y, w, h = (float(el.get(k)) for k in ("x", "y", "width", "height"))
    return [(x, y), (x + w, y), (x + w, y + h), (x, y + h)]


def read_ours(svg: str) -> tuple[dict, list]:
    root = ET.fromstring(svg)
    nodes, edges = {}, []
    for g in root.iter(SVG + "g"):
        cls = g.get("class", "")
        if "flow-node" in cls.split():
            box = g.find("*[@class='flow-box']")
            note = g.find("*[@class='flow-note-box']")  # a condition's note, in a dashed box below it
            outline = _rect_outline(box) if box.tag == SVG + "rect" else _points(box.get("points"))
            lines, note_lines = [], []
            for text in g.iter(SVG + "text"):
                size = float(text.get("font-size"))
                into = note_lines if note is not None and text.get("class") == "flow-note" else lines
                for t in text.iter(SVG + "tspan"):
                    into.append((float(t.get("x")), float(t.get("y")), text.get("text-anchor"), t.text or "", size))
            nodes[g.get("data-step")] = (outline, lines)
            if note is not None:
                nodes[g.get("data-step") + " (note)"] = (_rect_outline(note), note_lines)
        elif "flow-edge" in cls.split():
            edges.append((g.get("data-from"), g.get("data-to"), _path_points(g.find(SVG + "path").get("d"))))
    return nodes, edges


def read_graphviz(svg: str) -> tuple[dict, list]:
    root = ET.fromstring(svg)
    nodes, edges = {}, []
    for g in root.iter(SVG + "g"):
        title = g.find(SVG + "title")
        if g.get("class") == "node":
            shape = g.find(SVG + "polygon")  # style=rounded draws a path instead
            outline = _points(shape.get("points")) if shape is not None else _path_points(g.find(SVG + "path").get("d"))
            lines = [
                (float(t.get("x")), float(t.get("y")), t.get("text-anchor"), t.text or "", float(t.get("font-size")))
                for t in g.iter(SVG + "text")
            ]
            nodes[title.text] = (outline, lines)
        elif g.get("class") == "edge":
            src, dst = title.text.split("->")
            edges.append((src, dst, _path_points(g.find(SVG + "path").get("d"))))
    return nodes, edges


# ---- the two measures -------------------------------------------------------------


def _span_at(outline: list[tuple[float, float]], y: float) -> tuple[float, float] | None:
    """Where a horizontal line at y enters and leaves a convex outline."""
    xs = []
    for (x1, y1), (x2, y2) in zip(outline, outline[1:] + outline[:1]):
        if y1 != y2 and min(y1, y2) <= y <= max(y1, y2):
            xs.append(x1 + (y - y1) * (x2 - x1) / (y2 - y1))
    return (min(xs), max(xs)) if xs else None


def overflowing(nodes: dict) -> tuple[int, float]:
    """Text lines whose ink box leaves their shape, and the worst overshoot in units."""
    count, worst = 0, 0.0
    for outline, lines in nodes.values():
        for x, y, anchor, text, size in lines:
            w = real_width(text, size)
            left = {"middle": x - w / 2, "end": x - w}.get(anchor, x)
            over = 0.0
            for yy in (y - 0.88 * size, y + 0.12 * size):  # the em box of a CJK line
                span = _span_at(outline, yy)
                over = max(over, w if span is None else max(span[0] - left, left + w - span[1]))
            if over > 0.5:
                count += 1
                worst = max(worst, over)
    return count, worst


def _inside(outline: list[tuple[float, float]], x: float, y: float, inset: float = 1.5) -> bool:
    span = _span_at(outline, y)
    ys = [p[1] for p in outline]
    return span is not None and min(ys) + inset < y < max(ys) - inset and span[0] + inset < x < span[1] - inset


def crossings(nodes: dict, edges: list) -> int:
    """Arrows that pass through a box other than the two they join."""
    n = 0
    for src, dst, pts in edges:
        if any(_inside(outline, x, y) for k, (outline, _) in nodes.items() if k not in (src, dst) for x, y in pts):
            n += 1
    return n


# ---- the two layouts --------------------------------------------------------------


def to_dot(proc: Procedure) -> str:
    """The procedure as DOT, labels wrapped as our layout wraps them."""
    def label(step, em):
        return "\\n".join(line.replace('"', '\\"') for line in wrap(step.label, em * FONT, FONT))

    out = ['digraph flow {', 'node [shape=box style=rounded fontname="Noto Sans CJK SC" fontsize=16];',
           'edge [fontname="Noto Sans CJK SC" fontsize=13];']
    for s in proc.steps:
        shape = {"condition": "diamond", "end": "box"}.get(s.kind, "box")
        out.append(f'"{s.id}" [label="{label(s, MAIN_EM if s.kind != "condition" else 8)}" shape={shape} group=main];')
    for s in proc.side_steps:
        out.append(f'"{s.id}" [label="{label(s, SIDE_EM)}"];')
    for a, b in zip(proc.steps, proc.steps[1:]):
        out.append(f'"{a.id}" -> "{b.id}" [weight=10];')
    for s in [*proc.steps, *proc.side_steps]:
        for br in s.branches:
            out.append(f'"{s.id}" -> "{br.to}" [label="{br.when}"];')
        if s in proc.side_steps and s.next:
            out.append(f'"{s.id}" -> "{s.next}";')
    out.append("}")
    return "\n".join(out)


def core_only_bindir() -> str | None:
    """A plugin folder with Graphviz's core and dot layout but no Pango, as minimal builds have."""
    found = subprocess.run(["dot", "-v", "-Tsvg"], input="digraph{}", capture_output=True, text=True).stderr
    m = re.search(r"(\S+/libgvplugin_core\.so\.\d+)", found)
    libdir = Path(m.group(1)).parent if m else Path("/usr/lib/x86_64-linux-gnu/graphviz")
    if not (libdir / "libgvplugin_core.so.6").exists():
        return None
    tmp = tempfile.mkdtemp(prefix="gv-core-")
    for name in ("libgvplugin_core.so.6", "libgvplugin_dot_layout.so.6"):
        os.symlink(libdir / name, Path(tmp) / name)
    subprocess.run(["dot", "-c"], env={**os.environ, "GVBINDIR": tmp}, check=True)
    return tmp


def time_it(fn) -> tuple[float, object]:
    times, result = [], None
    for _ in range(RUNS):
        t = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times) * 1000, result


def report(name: str, ms: float, svg: str, nodes: dict, edges: list) -> None:
    root = ET.fromstring(svg)
    box = root.get("viewBox").split()
    size = f"{float(box[2]):.0f}x{float(box[3]):.0f}"
    spill = "n/a (no Noto Sans CJK SC / Pillow)"
    if FONT_FILE is not None:
        count, worst = overflowing(nodes)
        spill = f"{count} lines" + (f" (worst {worst:.0f} units)" if count else "")
    print(f"  {name:<26} {ms:8.1f} ms  {size:>9}  text out of box: {spill:<28} "
          f"arrows through a box: {crossings(nodes, edges)}")


def main() -> None:
    dot = shutil.which("dot")
    core = core_only_bindir() if dot else None
    if not dot:
        print("Graphviz: `dot` is not installed; measuring our layout only (apt-get install graphviz to compare).")
    for label, proc in [("example (2012-104, attachment 4)", flow_samples.example()),
                        ("20 steps, 3 branches", flow_samples.twenty_steps())]:
        n = len(proc.steps) + len(proc.side_steps)
        print(f"{label}: {n} steps")
        drawable = flow_samples.drawable(proc)  # checked, as loading checks it: not part of the timing
        ms, svg = time_it(lambda: render_svg(drawable, title=proc.title))  # noqa: B023 (called here, at once)
        report("ours (noticesite.flow)", ms, svg, *read_ours(svg))
        if not dot:
            continue
        source = to_dot(proc)
        for name, env in [("graphviz dot (with Pango)", None), ("graphviz dot (core only)", core)]:
            if name.endswith("(core only)") and env is None:
                continue
            environ = {**os.environ, "GVBINDIR": env} if env else None
            run = lambda: subprocess.run([dot, "-Tsvg"], input=source, capture_output=True, text=True,  # noqa: E731, B023 (called at once)
                                         env=environ, check=True).stdout  # noqa: B023
            ms, gsvg = time_it(run)
            report(name, ms, gsvg, *read_graphviz(gsvg))
    if core:
        shutil.rmtree(core, ignore_errors=True)


if __name__ == "__main__":
    main()
