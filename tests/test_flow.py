"""The procedure flow chart: checks on meaning, and the geometry of the SVG.

Geometry is read back from the SVG's own coordinates (``flow-node`` /
``flow-box`` / ``flow-edge`` classes), so these tests hold whatever the layout
decides, as long as what a reader sees is sound. The last tests draw the
example through WeasyPrint and headless Chromium into tests/artifacts/flow/
for a look by eye.
"""
from __future__ import annotations

import importlib

import dataclasses
import re
import shutil
import string
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from noticesite.cjktext import MAX_BALANCED_LINES, text_width, wrap
from noticesite.flow import FONT_FAMILY, checked, render_print_svgs, render_svg
from noticesite.errors import Problem
from noticesite.model import Procedure
from tests import flow_samples as fs
from tests.flow_samples import PATH, drawable, procedure, step

SVG = "{http://www.w3.org/2000/svg}"
REPO = Path(__file__).resolve().parent.parent
ARTIFACTS = Path(__file__).parent / "artifacts" / "flow"
SAMPLES = {"example": fs.example, "twenty": fs.twenty_steps, "tangled": fs.tangled, "odd": fs.odd_shapes}
ALLOWED = {"svg", "rect", "path", "polygon", "line", "text", "tspan", "g", "title", "desc", "defs", "marker"}


# ---- reading the drawing back --------------------------------------------------


def _nums(s: str) -> list[float]:
    return [float(v) for v in re.findall(r"-?\d+(?:\.\d+)?", s)]


def _pairs(s: str) -> list[tuple[float, float]]:
    n = _nums(s)
    return list(zip(n[::2], n[1::2]))


def _outline(el: ET.Element) -> list[tuple[float, float]]:
    if el.tag == SVG + "rect":
        x, y, w, h = (float(el.get(k)) for k in ("x", "y", "width", "height"))
        return [(x, y), (x + w, y), (x + w, y + h), (x, y + h)]
    return _pairs(el.get("points"))


@dataclasses.dataclass
class Drawing:
    root: ET.Element
    boxes: dict[str, list[tuple[float, float]]]  # step id -> outline
    notes: list[list[tuple[float, float]]]  # a condition's dashed note boxes
    edges: list[tuple[str, str, str, list[tuple[float, float]], tuple[float, float]]]  # from, to, kind, path, tip


def read(svg: str) -> Drawing:
    root = ET.fromstring(svg)
    boxes, notes, edges = {}, [], []
    for g in root.iter(SVG + "g"):
        classes = g.get("class", "").split()
        if "flow-node" in classes:
            (box,) = [el for el in g if el.get("class") == "flow-box"]
            boxes[g.get("data-step")] = _outline(box)
            notes.extend(_outline(el) for el in g if el.get("class") == "flow-note-box")
        elif "flow-edge" in classes:
            path = _pairs(g.find(SVG + "path").get("d"))
            tip = _pairs(g.find(SVG + "polygon").get("points"))[0]
            kind = next(c for c in classes if c != "flow-edge")
            edges.append((g.get("data-from"), g.get("data-to"), kind, path, tip))
    return Drawing(root, boxes, notes, edges)


def _bbox(outline):
    xs, ys = [p[0] for p in outline], [p[1] for p in outline]
    return min(xs), min(ys), max(xs), max(ys)


def _dist_to_outline(p, outline) -> float:
    best = float("inf")
    for a, b in zip(outline, outline[1:] + outline[:1]):
        ax, ay, bx, by = *a, *b
        dx, dy = bx - ax, by - ay
        t = 0.0 if dx == dy == 0 else max(0.0, min(1.0, ((p[0] - ax) * dx + (p[1] - ay) * dy) / (dx * dx + dy * dy)))
        best = min(best, ((ax + t * dx - p[0]) ** 2 + (ay + t * dy - p[1]) ** 2) ** 0.5)
    return best


def _inside(p, outline, inset: float = 1.0) -> bool:
    """Strictly inside a convex outline, more than ``inset`` from its edge."""
    x, y = p
    crossings = 0
    for (ax, ay), (bx, by) in zip(outline, outline[1:] + outline[:1]):
        if (ay > y) != (by > y) and x < ax + (y - ay) * (bx - ax) / (by - ay):
            crossings += 1
    return crossings % 2 == 1 and _dist_to_outline(p, outline) > inset


def _along(points, step: float = 1.0):
    for (x1, y1), (x2, y2) in zip(points, points[1:]):
        n = max(1, int(max(abs(x2 - x1), abs(y2 - y1)) / step))
        for i in range(n + 1):
            yield x1 + (x2 - x1) * i / n, y1 + (y2 - y1) * i / n


@pytest.fixture(params=list(SAMPLES), scope="module")
def sample(request) -> tuple[Procedure, str, Drawing]:
    proc = SAMPLES[request.param]()
    svg = render_svg(drawable(proc), title=proc.title)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / f"{request.param}.svg").write_text(svg, encoding="utf-8")  # to open and look at
    return proc, svg, read(svg)


# ---- the drawing -----------------------------------------------------------------


@pytest.mark.unit
def test_svg_root_scales_and_is_accessible(sample):
    proc, svg, d = sample
    root = d.root
    assert root.tag == SVG + "svg"
    assert root.get("height") is None and root.get("width") in (None, "100%")
    assert root.get("style") == "max-width:100%;height:auto"
    x, y, w, h = _nums(root.get("viewBox"))
    assert (x, y) == (0, 0) and w <= 720 and h > 0
    assert root.get("role") == "img"
    assert root.get("font-family") == FONT_FAMILY
    title_id, desc_id = root.get("aria-labelledby").split()
    assert root.find(SVG + "title").get("id") == title_id and root.find(SVG + "title").text == proc.title
    desc = root.find(SVG + "desc")
    assert desc.get("id") == desc_id
    for s in proc.steps:  # the desc reads the whole chart out
        assert s.label.strip() in desc.text
    ids = [el.get("id") for el in root.iter() if el.get("id")]
    assert len(ids) == len(set(ids))


@pytest.mark.unit
def test_only_plain_svg_elements(sample):
    _, svg, d = sample
    assert {el.tag.removeprefix(SVG) for el in d.root.iter()} <= ALLOWED
    assert "script" not in {el.tag.removeprefix(SVG) for el in d.root.iter()}
    assert "foreignObject" not in svg and " on" not in svg.replace("\n", " ").lower().split(">")[0]
    for text in d.root.iter(SVG + "text"):
        assert text.get("x") and text.get("y") and text.get("text-anchor") in ("start", "middle", "end")
        for tspan in text.iter(SVG + "tspan"):
            assert tspan.get("x") and tspan.get("y")


@pytest.mark.unit
def test_one_box_per_step(sample):
    proc, _, d = sample
    assert list(d.boxes) == [s.id for s in [*proc.steps, *proc.side_steps]]
    shapes = {g.get("data-step"): g for g in d.root.iter(SVG + "g") if "flow-node" in g.get("class", "")}
    for s in [*proc.steps, *proc.side_steps]:
        (box,) = [el for el in shapes[s.id] if el.get("class") == "flow-box"]
        # a condition is a diamond or hexagon, a step or an end a rounded rectangle
        assert box.tag == SVG + ("polygon" if s.kind == "condition" else "rect")
        if s.kind == "end":
            assert float(box.get("stroke-width")) > 2 and box.get("fill") != "#ffffff"


def assert_no_overlap(d: Drawing) -> None:
    shapes = [*d.boxes.values(), *d.notes]
    for i, a in enumerate(shapes):
        for b in shapes[i + 1 :]:
            ax1, ay1, ax2, ay2 = _bbox(a)
            bx1, by1, bx2, by2 = _bbox(b)
            assert ax2 <= bx1 or bx2 <= ax1 or ay2 <= by1 or by2 <= ay1, (a, b)


def assert_arrows_on_their_boxes(d: Drawing) -> None:
    assert d.edges
    for src, dst, _, path, tip in d.edges:
        assert _dist_to_outline(path[0], d.boxes[src]) <= 1, (src, dst, path[0])
        assert _dist_to_outline(tip, d.boxes[dst]) <= 1, (src, dst, tip)
        # the path stops at the arrowhead's base, in line with the tip
        assert path[-1][0] == pytest.approx(tip[0], abs=0.2) or path[-1][1] == pytest.approx(tip[1], abs=0.2)


def assert_no_arrow_through_a_box(d: Drawing) -> None:
    """Not even through its own ends: an arrow touches its boxes only at their edges."""
    for src, dst, _, path, tip in d.edges:
        for p in _along([*path, tip]):
            for sid, outline in d.boxes.items():
                assert not _inside(p, outline), f"arrow {src}->{dst} runs through {sid} at {p}"
            for outline in d.notes:
                assert not _inside(p, outline, 0.0), f"arrow {src}->{dst} runs through a note at {p}"


@pytest.mark.unit
def test_no_two_boxes_overlap(sample):
    assert_no_overlap(sample[2])


@pytest.mark.unit
def test_every_arrow_starts_and_ends_on_its_boxes(sample):
    assert_arrows_on_their_boxes(sample[2])


@pytest.mark.unit
def test_no_arrow_crosses_a_box(sample):
    assert_no_arrow_through_a_box(sample[2])


@pytest.mark.unit
def test_edges_follow_the_procedure(sample):
    proc, _, d = sample
    got = {(s, t, k) for s, t, k, *_ in d.edges}
    want = {(a.id, b.id, "flow-main") for a, b in zip(proc.steps, proc.steps[1:])}
    want |= {(s.id, b.to, "flow-branch") for s in proc.steps for b in s.branches}
    want |= {(s.id, s.next, "flow-rejoin") for s in proc.side_steps if s.next}
    assert got == want


@pytest.mark.unit
def test_branch_labels_touch_no_box_and_no_other_line(sample):
    _, _, d = sample
    for g in d.root.iter(SVG + "g"):
        if "flow-branch" not in g.get("class", ""):
            continue
        text = g.find(SVG + "text")
        size = float(text.get("font-size"))
        for t in text.iter(SVG + "tspan"):
            w, x, y = text_width(t.text, size), float(t.get("x")), float(t.get("y"))
            x1, x2, y1, y2 = x - w / 2, x + w / 2, y - 0.88 * size, y + 0.12 * size
            for outline in [*d.boxes.values(), *d.notes]:
                bx1, by1, bx2, by2 = _bbox(outline)
                assert x2 <= bx1 or bx2 <= x1 or y2 <= by1 or by2 <= y1, (t.text, outline)
            for src, dst, _, path, tip in d.edges:
                if (src, dst) == (g.get("data-from"), g.get("data-to")):
                    continue
                for px, py in _along([*path, tip]):
                    assert not (x1 < px < x2 and y1 < py < y2), (t.text, src, dst)


def _joined(el) -> str:
    return "".join("".join(t.text or "" for t in el.iter(SVG + "tspan")).split())


@pytest.mark.unit
def test_every_label_is_in_the_tspans(sample):
    proc, _, d = sample
    nodes = {g.get("data-step"): g for g in d.root.iter(SVG + "g") if "flow-node" in g.get("class", "")}
    for s in [*proc.steps, *proc.side_steps]:
        label = nodes[s.id].find(f"{SVG}text[@class='flow-label']")
        assert _joined(label) == "".join(s.label.split())
        if s.note:
            note = nodes[s.id].find(f"{SVG}text[@class='flow-note']")
            assert _joined(note) == "".join(s.note.split())
    edges = {(g.get("data-from"), g.get("data-to")): g
             for g in d.root.iter(SVG + "g") if "flow-branch" in g.get("class", "")}
    for s in proc.steps:
        for b in s.branches:
            assert _joined(edges[(s.id, b.to)].find(SVG + "text")) == "".join(b.when.split())


@pytest.mark.unit
def test_text_fits_its_box_with_real_font_widths(sample):
    """Our per-character widths are upper bounds of Noto Sans CJK SC's advances,
    so every line, measured with the real font, stays inside its shape."""
    font = _noto()
    _, _, d = sample
    nodes = {g.get("data-step"): g for g in d.root.iter(SVG + "g") if "flow-node" in g.get("class", "")}
    for sid, g in nodes.items():
        note_box = g.find(f"{SVG}rect[@class='flow-note-box']")
        for text in g.iter(SVG + "text"):
            # a condition's note has a dashed box of its own below the diamond
            outline = _outline(note_box) if note_box is not None and text.get("class") == "flow-note" else d.boxes[sid]
            size = float(text.get("font-size"))
            for t in text.iter(SVG + "tspan"):
                real = font.getlength(t.text) / 1000 * size
                assert real <= text_width(t.text, size) + 0.01
                x = float(t.get("x"))
                left = {"middle": x - real / 2, "start": x}[text.get("text-anchor")]
                y = float(t.get("y"))
                for yy in (y - 0.88 * size, y + 0.12 * size):
                    xs = [
                        ax + (yy - ay) * (bx - ax) / (by - ay)
                        for (ax, ay), (bx, by) in zip(outline, outline[1:] + outline[:1])
                        if ay != by and min(ay, by) <= yy <= max(ay, by)
                    ]
                    assert xs and min(xs) <= left and left + real <= max(xs), (sid, t.text)


@pytest.mark.unit
def test_same_input_same_bytes():
    a = render_svg(drawable(fs.twenty_steps()), title="学位证书办理流程")
    b = render_svg(drawable(fs.twenty_steps()), title="学位证书办理流程")
    assert a == b


@pytest.mark.unit
def test_script_in_a_label_comes_out_as_text():
    proc = fs.tangled()
    svg = render_svg(drawable(proc), title=proc.title)
    assert "<script" not in svg
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in svg
    root = ET.fromstring(svg)
    assert root.find(SVG + "title").text == "<script>alert(1)</script> & co"
    assert "<script>alert('x')</script>" in "".join(t.text or "" for t in root.iter(SVG + "tspan"))


@pytest.mark.unit
def test_twenty_steps_three_branches():
    proc = fs.twenty_steps()
    assert len(proc.steps) + len(proc.side_steps) == 20
    assert sum(len(s.branches) for s in proc.steps) == 3
    d = read(render_svg(drawable(proc), title=proc.title))
    assert_no_overlap(d)
    assert_no_arrow_through_a_box(d)
    main_x = {round(sum(p[0] for p in d.boxes[s.id]) / len(d.boxes[s.id])) for s in proc.steps}
    assert len(main_x) == 1  # the main path is one straight column
    right_of_main = max(_bbox(d.boxes[s.id])[2] for s in proc.steps)
    assert all(_bbox(d.boxes[s.id])[0] > right_of_main for s in proc.side_steps)  # side steps beside it
    tops = [_bbox(d.boxes[s.id])[1] for s in proc.steps]
    assert tops == sorted(tops)  # top to bottom


@pytest.mark.unit
def test_a_broken_procedure_is_not_passed_on_to_be_drawn():
    proc = procedure([step("a", "甲", kind="condition", branches=[("否", "nowhere")]), step("b", "乙")])
    drawable_proc, problems = checked(proc)
    assert drawable_proc is None
    assert [p.severity for p in problems] == ["error"] and "'nowhere' is not a step" in problems[0].message


@pytest.mark.unit
def test_procedure_notes_are_left_to_the_page_on_the_web_and_drawn_in_print():
    proc = fs.example()
    assert "注：" not in render_svg(drawable(proc), title=proc.title)
    (svg,) = render_print_svgs(drawable(proc), title=proc.title, width_pt=442, first_height_pt=2000, height_pt=2000)
    root = ET.fromstring(svg)
    assert "注：" in svg and proc.notes[0] in root.find(SVG + "desc").text
    notes = root.find(f"{SVG}g[@class='flow-notes']")
    assert "".join(t.text for t in notes.iter(SVG + "tspan")).startswith("注：信息有误的")
    # under the chart, clear of every box
    top = min(float(t.get("y")) for t in notes.iter(SVG + "tspan")) - float(notes.get("font-size"))
    assert all(_bbox(o)[3] < top for o in read(svg).boxes.values())


@pytest.mark.unit
def test_the_example_project_procedure():
    """data/2012-104/procedure.yaml, as the site loads it, draws as soundly as the samples."""
    site = importlib.import_module("noticesite.site")
    built, _ = site.load(REPO)
    procs = [a.data for n in (built.notices if built else [])
             for a in n.attachments if a.type == "procedure" and a.data]
    if not procs:
        pytest.fail("the example project has no procedure yet")
    for proc in procs:
        svg = render_svg(proc, title=proc.title)  # checked once, by loading
        d = read(svg)
        assert list(d.boxes) == [s.id for s in [*proc.steps, *proc.side_steps]]
        assert_no_overlap(d)
        assert_arrows_on_their_boxes(d)
        assert_no_arrow_through_a_box(d)


# ---- wrapping ----------------------------------------------------------------------


@pytest.mark.unit
def test_wrap_keeps_punctuation_off_line_starts():
    text = "按辅导员老师持有的名册顺序（学号由小至大）排队等候，请勿喧哗。"
    for width in range(3, 20):
        for line in wrap(text, width * 16, 16):
            assert line[0] not in "，。）》、"
            assert line[-1] not in "（《"
            assert text_width(line, 16) <= max(width * 16, 2 * 16)


@pytest.mark.unit
def test_wrap_prefers_punctuation_and_balance():
    assert wrap("到财务处缴清欠费，取得缴费凭证", 10 * 16, 16) == ["到财务处缴清欠费，", "取得缴费凭证"]
    assert wrap("交费（15元／人，请自备零钱）", 40 * 16, 16) == ["交费（15元／人，请自备零钱）"]


@pytest.mark.unit
def test_a_label_pasted_in_by_mistake_is_filled_not_balanced():
    """Balancing a text of n lines costs about n × its length: a 21,000-character label took
    minutes (seen: over 300 s), a hang for the person who pasted it. A text longer than a box's
    MAX_BALANCED_LINES is filled line by line (0.2 s), every line within the width."""
    text = "流程说明文字，" * 3000
    lines = wrap(text, 10 * 16, 16)
    assert len(lines) > MAX_BALANCED_LINES and "".join(lines) == text
    assert all(text_width(line, 16) <= 10 * 16 for line in lines)
    assert lines == wrap(text, 10 * 16, 16, balance=False)


@pytest.mark.unit
def test_wrap_breaks_urls_only_when_they_cannot_fit():
    url = "http://www.chsi.com.cn"
    lines = wrap(f"登录{url} 中“学历电子注册图像校对系统”", 15 * 16, 16)
    assert any(url in line for line in lines)
    long = "https://example.edu.cn/notice/2014/apply-result.html"
    lines = wrap(long, 10 * 16, 16)
    assert "".join(lines) == long and len(lines) > 1
    for a in lines[:-1]:
        assert a.endswith("/") or not a.endswith(".")  # after a slash, or before a dot


@pytest.mark.unit
def test_width_estimates_cover_the_real_font():
    font = _noto()
    sample = "对照本人身份证核对姓名，（学号）《图像采集卡》“系统”…—·１２éüßæŒ×½©" + string.printable.strip()
    for ch in sample:
        assert font.getlength(ch) / 1000 <= text_width(ch, 1) + 1e-9, ch


# ---- checks on meaning ---------------------------------------------------------


@pytest.mark.unit
def test_samples_pass_the_checks():
    for make in (fs.example, fs.twenty_steps, fs.tangled):
        assert _problems(make()) == []
    assert [(p.line, p.severity) for p in _problems(fs.odd_shapes())] == [(24, "warning"), (26, "warning")]


@pytest.mark.unit
def test_a_column_alone_without_side_steps():
    proc = procedure([step("a", "第一步"), step("b", "第二步"), step("c", "完成", kind="end")])
    d = read(render_svg(drawable(proc), title="x"))
    assert len(d.edges) == 2
    assert _nums(d.root.get("viewBox"))[2] < 400


@pytest.mark.unit
def test_two_branches_to_one_side_step():
    proc = procedure(
        [step("ok", "正确？", kind="condition", branches=[("否", "a"), ("不知道", "a")], line=3),
         step("q", "排队", line=7)],
        [step("a", "甲", next="q", line=10)],
    )
    assert _messages(proc) == [
        f"{PATH}:3:5: procedure step 'ok': branches: two branches lead to 'a'; give them one when:"]


def _messages(proc) -> list[str]:
    return [str(p) for p in _problems(proc)]


def _problems(proc: Procedure) -> list[Problem]:
    return checked(proc)[1]


@pytest.mark.unit
def test_next_to_a_missing_step():
    proc = procedure(
        [step("verify", "核对", line=3), step("ok", "正确？", kind="condition", branches=[("否", "fix-info")], line=5),
         step("queue", "排队", line=9)],
        [step("fix-info", "核查", next="queue2", line=12)],
    )
    assert _messages(proc) == [
        f"{PATH}:12:5: procedure step 'fix-info': next: 'queue2' is not a step (known: verify, ok, queue, fix-info)"
    ]


@pytest.mark.unit
def test_branch_to_a_missing_step():
    proc = procedure([step("ok", "正确？", kind="condition", branches=[("否", "fix")], line=5),
                      step("q", "排队", line=9)])
    assert _messages(proc) == [f"{PATH}:5:5: procedure step 'ok': branches: to: 'fix' is not a step (known: ok, q)"]


@pytest.mark.unit
def test_branch_to_a_main_step():
    proc = procedure([step("ok", "正确？", kind="condition", branches=[("否", "q")], line=5),
                      step("q", "排队", line=9)])
    assert _messages(proc) == [
        f"{PATH}:5:5: procedure step 'ok': branches: to: 'q' is a main step; a branch leads to a side step"
        " (which may rejoin with next: q)"
    ]


@pytest.mark.unit
def test_a_side_path_that_loops():
    proc = procedure(
        [step("ok", "正确？", kind="condition", branches=[("否", "a")], line=3), step("q", "排队", line=7)],
        [step("a", "甲", next="b", line=10), step("b", "乙", next="c", line=12), step("c", "丙", next="a", line=14)],
    )
    assert _messages(proc) == [
        f"{PATH}:14:5: procedure step 'c': next: 'a' makes a loop (a → b → c → a);"
        " a side path must rejoin the main path or end"
    ]


@pytest.mark.unit
def test_a_side_step_that_points_at_itself():
    proc = procedure(
        [step("ok", "正确？", kind="condition", branches=[("否", "a")], line=3), step("q", "排队", line=7)],
        [step("a", "甲", next="a", line=10)],
    )
    assert _messages(proc) == [
        f"{PATH}:10:5: procedure step 'a': next: 'a' makes a loop (a → a); a side path must rejoin the main path or end"
    ]


@pytest.mark.unit
def test_empty_label_and_empty_when():
    proc = procedure(
        [step("ok", "  ", kind="condition", branches=[("", "a")], line=3), step("q", "排队", line=7)],
        [step("a", "甲", next="q", line=10)],
    )
    assert _messages(proc) == [
        f"{PATH}:3:5: procedure step 'ok': branches: when: is empty (the branch to 'a')",
        f"{PATH}:3:5: procedure step 'ok': label: is empty",
    ]


@pytest.mark.unit
def test_condition_without_branches():
    proc = procedure([step("ok", "正确？", kind="condition", line=3), step("q", "排队", line=7)])
    assert _messages(proc) == [
        f"{PATH}:3:5: procedure step 'ok': a condition needs at least one branch (branches: is empty)"]


@pytest.mark.unit
def test_duplicate_ids():
    proc = procedure(
        [step("q", "排队", line=3), step("ok", "正确？", kind="condition", branches=[("否", "a")], line=5),
         step("end", "结束", kind="end", line=9)],
        [step("q", "又一个排队", next="end", line=12), step("a", "甲", next="end", line=14)],
    )
    assert f"{PATH}:12:5: procedure step 'q': id is used twice (first at {PATH}:3:5)" in _messages(proc)


@pytest.mark.unit
def test_side_step_that_leads_nowhere_is_a_warning():
    proc = procedure(
        [step("ok", "正确？", kind="condition", branches=[("否", "a"), ("弃权", "b")], line=3),
         step("q", "排队", line=7)],
        [step("a", "甲", line=10), step("b", "放弃", kind="end", line=12)],
    )
    problems = _problems(proc)
    assert [(p.line, p.severity) for p in problems] == [(10, "warning")]
    assert problems[0].message == (
        "procedure step 'a': has no next:, so the flow ends here; add next: <step> to rejoin the main path,"
        " or kind: end to say it ends"
    )
    render_svg(drawable(proc), title="x")  # a warning does not stop the drawing


@pytest.mark.unit
def test_shape_rules():
    proc = procedure(
        [step("done", "结束", kind="end", line=3), step("next", "排队", next="done", branches=[("x", "s")], line=5),
         step("ok", "正确？", kind="condition", branches=[("否", "s")], line=7)],
        [step("s", "甲", kind="condition", branches=[("再", "t")], line=10),
         step("t", "乙", kind="end", next="done", line=12),
         step("u", "无人到达", kind="end", line=14)],
    )
    assert _messages(proc) == [
        f"{PATH}:3:5: procedure step 'done': kind: end must be the last main step",
        f"{PATH}:5:5: procedure step 'next': next: is only for side steps; main steps follow each other top to bottom",
        f"{PATH}:5:5: procedure step 'next': only a condition has branches (this step has kind: step)",
        f"{PATH}:7:5: procedure step 'ok': a condition needs a main step after it (the way on when no branch applies)",
        f"{PATH}:10:5: procedure step 's': a condition must be on the main path; side steps cannot branch again",
        f"{PATH}:12:5: procedure step 't': kind: end cannot have next: 'done'",
        f"{PATH}:14:5: warning [flow-unreached]: procedure step 'u': no branch or next: leads to this side step",
    ]


@pytest.mark.unit
def test_no_steps():
    assert _messages(procedure([])) == [
        f"{PATH}:1:1: procedure: steps: is empty; a procedure needs at least one main step"]


# ---- by eye: print and phone ---------------------------------------------------------


def _noto():
    pil = importlib.import_module("PIL.ImageFont")
    try:
        found = subprocess.run(
            ["fc-match", "-f", "%{file}:%{index}", "Noto Sans CJK SC"], capture_output=True, text=True, check=True
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        pytest.fail("fontconfig is not installed")
    path, index = found.rsplit(":", 1)
    if "NotoSansCJK" not in path:
        pytest.fail("Noto Sans CJK SC is not installed")
    return pil.truetype(path, 1000, index=int(index))


def _page(svg: str, title: str) -> str:
    return (
        '<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width">'
        "<style>@page { size: A4; margin: 20mm } body { margin: 0 }"
        " h1 { font: bold 16pt 'Noto Serif CJK SC', serif; margin: 0 0 8mm }</style></head>"
        f"<body><h1>{title}</h1>{svg}</body></html>"
    )


@pytest.mark.pdf
def test_example_prints_on_one_a4_page():
    weasyprint = importlib.import_module("weasyprint")
    pypdf = importlib.import_module("pypdf")
    proc = fs.example()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    pdf = ARTIFACTS / "example.pdf"
    weasyprint.HTML(string=_page(render_svg(drawable(proc), title=proc.title), proc.title)).write_pdf(pdf)
    assert len(pypdf.PdfReader(pdf).pages) == 1
    if shutil.which("pdftoppm") is None:
        pytest.fail("pdftoppm is not installed")
    subprocess.run(["pdftoppm", "-png", "-r", "80", "-singlefile", str(pdf), str(ARTIFACTS / "example-a4")], check=True)
    from PIL import Image

    image = Image.open(ARTIFACTS / "example-a4.png").convert("L")
    # the drawing is there: dark pixels well below the heading, down most of the page
    dark = [y for y in range(image.height) if image.crop((0, y, image.width, y + 1)).getextrema()[0] < 100]
    assert dark and dark[-1] - dark[0] > image.height * 0.6


@pytest.mark.browser
def test_example_reads_on_a_360px_phone():
    sync_api = importlib.import_module("playwright.sync_api")
    if not Path("/usr/bin/chromium").exists():
        pytest.fail("chromium is not installed")
    proc = fs.example()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path="/usr/bin/chromium",
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        try:
            page = browser.new_page(viewport={"width": 360, "height": 640}, device_scale_factor=2)
            page.set_content(_page(render_svg(drawable(proc), title=proc.title), proc.title)
                             .replace("body { margin: 0 }", "body { margin: 12px }"))
            page.screenshot(path=str(ARTIFACTS / "example-360.png"), full_page=True)
            box = page.evaluate("(() => { const r = document.querySelector('svg').getBoundingClientRect();"
                                " return [r.width, r.height, document.documentElement.scrollWidth]; })()")
        finally:
            browser.close()
    width, height, scroll_width = box
    assert scroll_width <= 360  # no sideways scrolling
    view_w = _nums(ET.fromstring(render_svg(drawable(proc), title=proc.title)).get("viewBox"))[2]
    assert 16 * width / view_w >= 7.5  # labels stay at 7.5 CSS px or more
    assert height > width
