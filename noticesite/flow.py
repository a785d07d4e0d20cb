"""The procedure as a flow chart: checks on meaning, and an inline SVG drawn at build time.

``check_procedure()`` finds what the YAML schema cannot: links to steps that do
not exist, side paths that loop, conditions with nothing to choose. Every
problem points at the offending step's line.

``render_svg()`` lays the procedure out and writes one ``<svg>`` with no script
and no ``foreignObject``, so browsers, WeasyPrint and screen readers all get the
same drawing.

The layout is our own, not Graphviz (``bench/flow_layout.py`` measures both on
the example and on a 20-step flow). Graphviz would be a system dependency, it
does not wrap labels, it measures Chinese well only when built with Pango (a
line spills out of its box without), and its splines and edge labels go where
its ranking puts them; this chart is always one column plus detours, which a
short pass lays out the way printed official flow charts look.

The layout, in one pass down the page:

* main steps in one column, top to bottom, joined by straight arrows;
* a condition's branches go right into a side column. The first branch sits
  level with the diamond when the column is free there; the others stack
  below it and are reached through a vertical "bus" in the corridor between
  the two columns, each labelled with its ``when`` just before its box;
* a side step that rejoins goes down and left into its target's right edge,
  or, when another side box is in the way, out to the right, along a track
  beyond the side column, and back left. A main step that a side step rejoins
  is pushed below every side box drawn so far, so that this leftward line
  never meets a box.

Decisions, so that the data format stays small:

* a branch leads to a side step, never straight to a main step (a side step
  with ``next:`` says where to rejoin, and gives the detour its own box);
* a condition stands on the main path only, and never last: the main step
  after it is the answer no branch names;
* a side step without ``next:`` ends the flow there. That is what the data
  format says, but when its kind is ``step`` rather than ``end`` it is more
  often a forgotten ``next:``, so it is reported as a warning;
* a side step that no branch or ``next:`` leads to is a warning, not an error.

Text is measured and wrapped by cjktext.py (fixed widths per character), so a
build needs no font file and the same input gives the same bytes.
"""
from __future__ import annotations

import dataclasses
import hashlib
import re
from dataclasses import dataclass, field

from .cjktext import BREAK_CJK, CLOSERS, text_width, wrap
from .errors import Problem, Problems
from .model import Procedure, Step

FONT_FAMILY = "'Noto Sans CJK SC','Source Han Sans SC','Noto Sans SC',sans-serif"

# Sizes in SVG user units. The chart is at most about 720 units wide, so on a
# 360 px phone a 16-unit label still shows at 8 px or more (issue: "drawn at
# build time", readable when scaled to 360 px).
FONT = 16  # step labels
LINE = 22  # their line height
SMALL = 13  # notes and branch labels
SMALL_LINE = 18
ASCENT = 0.88  # Noto Sans CJK: baseline sits 0.88 em below the em box top
PAD_X = 12  # inside a box, around the text
PAD_Y = 9
GAP = 28  # between boxes in a column: room for an arrow
SIDE_GAP = 30  # between side paths: room for the next branch label
MARGIN = 10  # around the drawing
TRACK = 12  # between parallel vertical lines (bus and return tracks)
ARROW_LEN = 9
ARROW_HALF = 4
HEX_DEPTH = 18  # how far a hexagon's side corners stick out

MAIN_EM = 16  # widest line of a main step, in em, when there is a side column
MAIN_EM_ALONE = 22  # ... when there is none
SIDE_EM = 13
LABEL_EM = 7  # branch labels
MIN_MAIN_W = 12 * FONT + 2 * PAD_X  # so a condition's note has room beside the arrow

INK = "#1a1a1a"
NOTE_INK = "#4a4a4a"



# ---- checks on meaning ---------------------------------------------------------


def check_procedure(proc: Procedure) -> list[Problem]:
    """Check links, loops and shapes; return the problems sorted by place."""
    problems = Problems()
    if not proc.steps:
        problems.error(proc.source, "procedure: steps: is empty; a procedure needs at least one main step")

    first: dict[str, Step] = {}
    for s in [*proc.steps, *proc.side_steps]:
        if s.id in first:
            problems.error(s.location, f"{_who(s)}: id is used twice (first at {first[s.id].location})")
        else:
            first[s.id] = s
    known = ", ".join(first)
    main_ids = {s.id for s in proc.steps}
    side = {s.id: s for s in reversed(proc.side_steps)}  # first one wins, as in `first`

    for i, s in enumerate(proc.steps):
        last = i == len(proc.steps) - 1
        if s.next is not None:
            problems.error(s.location,
                           f"{_who(s)}: next: is only for side steps; main steps follow each other top to bottom")
        if s.kind == "end" and not last:
            problems.error(s.location, f"{_who(s)}: kind: end must be the last main step")
        if s.kind == "condition" and last:
            problems.error(s.location,
                           f"{_who(s)}: a condition needs a main step after it (the way on when no branch applies)")

    for s in [*proc.steps, *proc.side_steps]:
        if not s.label.strip():
            problems.error(s.location, f"{_who(s)}: label: is empty")
        if s.kind == "condition" and not s.branches:
            problems.error(s.location, f"{_who(s)}: a condition needs at least one branch (branches: is empty)")
        if s.kind != "condition" and s.branches:
            problems.error(s.location, f"{_who(s)}: only a condition has branches (this step has kind: {s.kind})")
        targets = [b.to for b in s.branches]
        for to in sorted({t for t in targets if targets.count(t) > 1}, key=targets.index):
            problems.error(s.location, f"{_who(s)}: branches: two branches lead to '{to}'; give them one when:")
        for b in s.branches:
            if not b.when.strip():
                problems.error(s.location, f"{_who(s)}: branches: when: is empty (the branch to '{b.to}')")
            if b.to not in first:
                problems.error(s.location, f"{_who(s)}: branches: to: '{b.to}' is not a step (known: {known})")
            elif b.to in main_ids:
                problems.error(
                    s.location,
                    f"{_who(s)}: branches: to: '{b.to}' is a main step; a branch leads to a side step"
                    f" (which may rejoin with next: {b.to})",
                )

    reached = {b.to for s in first.values() for b in s.branches}
    reached |= {s.next for s in proc.side_steps if s.next}
    for s in proc.side_steps:
        if s.kind == "condition":
            problems.error(s.location,
                           f"{_who(s)}: a condition must be on the main path; side steps cannot branch again")
        if s.next is not None and s.next not in first:
            problems.error(s.location, f"{_who(s)}: next: '{s.next}' is not a step (known: {known})")
        elif s.kind == "end" and s.next is not None:
            problems.error(s.location, f"{_who(s)}: kind: end cannot have next: '{s.next}'")
        elif s.next is None and s.kind == "step":
            problems.warn(
                s.location,
                f"{_who(s)}: has no next:, so the flow ends here; add next: <step> to rejoin the main path,"
                " or kind: end to say it ends",
                code="flow-dead-end",
            )
        if s.id not in reached and side.get(s.id) is s:
            problems.warn(s.location, f"{_who(s)}: no branch or next: leads to this side step",
                          code="flow-unreached")

    # A side path must reach the main path or an end: following next: through
    # side steps either leaves them, stops, or comes back to a step seen before.
    done: set[str] = set()
    for s in proc.side_steps:
        path: list[str] = []
        cur: Step | None = side.get(s.id)
        while cur is not None and cur.id not in done and cur.id not in path:
            path.append(cur.id)
            cur = side.get(cur.next) if cur.next else None
        if cur is not None and cur.id in path:
            loop = path[path.index(cur.id):] + [cur.id]
            closer = side[path[-1]]
            problems.error(
                closer.location,
                f"{_who(closer)}: next: '{cur.id}' makes a loop ({' → '.join(loop)});"
                " a side path must rejoin the main path or end",
            )
        done.update(path)
    return sorted(problems)


def _who(s: Step) -> str:
    return f"procedure step '{s.id}'"


# ---- layout --------------------------------------------------------------------


@dataclass
class _Node:
    step: Step
    column: str  # "main" or "side"
    lines: list[str]
    note_lines: list[str]  # drawn inside the box under a dashed rule (not for conditions)
    text_w: float
    w: float
    h: float
    x: float = 0.0
    y: float = 0.0
    placed: bool = False
    note_box: tuple[float, float, float, float] | None = None  # a condition's note: x, y, w, h
    cond_note_lines: list[str] = field(default_factory=list)
    shape: str = "rect"  # rect, end, diamond, or hexagon (a condition too long for a diamond)

    @property
    def cx(self) -> float:
        return self.x + self.w / 2

    @property
    def cy(self) -> float:
        return self.y + self.h / 2

    @property
    def right(self) -> float:
        return self.x + self.w

    @property
    def bottom(self) -> float:
        return self.y + self.h

    def entry(self) -> tuple[float, float]:
        """Where a returning side path comes in: the right edge; a diamond's upper right edge,
        because its right corner is where branches leave."""
        if self.shape == "diamond":
            return self.cx + self.w / 4, self.cy - self.h / 4
        if self.shape == "hexagon":
            return self.right - HEX_DEPTH / 2, self.cy - self.h / 4
        return self.right, self.cy

    def outline(self) -> list[tuple[float, float]]:
        """A condition's corners, clockwise from the top."""
        if self.shape == "diamond":
            return [(self.cx, self.y), (self.right, self.cy), (self.cx, self.bottom), (self.x, self.cy)]
        d = HEX_DEPTH
        return [
            (self.x + d, self.y), (self.right - d, self.y), (self.right, self.cy),
            (self.right - d, self.bottom), (self.x + d, self.bottom), (self.x, self.cy),
        ]


@dataclass
class _Edge:
    src: str
    dst: str
    kind: str  # main, branch, rejoin
    points: list[tuple[float, float]]
    label: list[str] = field(default_factory=list)
    label_at: tuple[float, float] = (0.0, 0.0)  # centre x, baseline of the last line


@dataclass
class _Layout:
    width: float
    height: float
    nodes: list[_Node]
    edges: list[_Edge]
    notes: list[tuple[float, float, str]]  # x, baseline, line of the procedure's notes


def _measure(step: Step, column: str, max_em: float) -> _Node:
    if step.kind == "condition":
        return _measure_condition(step, max_em)
    lines = wrap(step.label, max_em * FONT, FONT)
    note_lines = wrap(step.note, max_em * FONT, SMALL) if step.note.strip() else []
    text_w = max(text_width(line, FONT) for line in lines)
    if note_lines:
        text_w = max(text_w, *(text_width(line, SMALL) for line in note_lines))
    h = len(lines) * LINE + 2 * PAD_Y
    if note_lines:
        h += 9 + len(note_lines) * SMALL_LINE
    return _Node(step, column, lines, note_lines, text_w, text_w + 2 * PAD_X, h,
                 shape="end" if step.kind == "end" else "rect")


def _measure_condition(step: Step, max_em: float) -> _Node:
    """The narrowest diamond that holds the label, trying each wrap width.

    A text block tw x th fits a diamond W x H when (tw/2+px)/(W/2) + (th/2+py)/(H/2) <= 1;
    with H = W/2 that gives W = tw + 2px + 2(th + 2py). A line break inside a
    run of characters costs as much as 60 units of width, so that 是否已结清学费、/
    住宿费？ beats 是否已结清学/费、住宿费？ (244 wide against 212).
    """
    cap = max_em * FONT + 2 * PAD_X  # as wide as a main step may be
    best: tuple[float, float, list[str]] | None = None
    em = 3.0
    while em <= max_em:
        lines = wrap(step.label, em * FONT, FONT)
        tw = max(text_width(line, FONT) for line in lines)
        w = tw + 12 + 2 * (len(lines) * LINE + 8)
        score = w + sum(2 * BREAK_CJK for a, b in zip(lines, lines[1:]) if a[-1] not in CLOSERS and b[0] != " ")
        if w <= cap and (best is None or score < best[0] - 0.01):
            best = (score, w, lines)
        if len(lines) == 1:
            break  # wider is all the same
        em += 0.5
    if best is not None:
        _, w, lines = best
        return _Node(step, "main", lines, [], max(text_width(line, FONT) for line in lines), w, w / 2, shape="diamond")
    # Too long for a diamond that fits the column: a hexagon holds a paragraph.
    lines = wrap(step.label, cap - 2 * HEX_DEPTH - 2 * PAD_X, FONT)
    tw = max(text_width(line, FONT) for line in lines)
    return _Node(step, "main", lines, [], tw, tw + 2 * HEX_DEPTH + 2 * PAD_X, len(lines) * LINE + 2 * PAD_Y,
                 shape="hexagon")


def _layout(proc: Procedure) -> _Layout:
    placer = _Placer(proc)
    placer.vertical()
    placer.horizontal()
    edges = placer.edges()
    return placer.finish(edges)


class _Placer:
    """Places the boxes of one procedure: down the page first, then across, then the arrows."""

    def __init__(self, proc: Procedure):
        self.proc = proc
        has_side = bool(proc.side_steps)
        self.main = [_measure(s, "main", MAIN_EM if has_side else MAIN_EM_ALONE) for s in proc.steps]
        side = {s.id: _measure(s, "side", SIDE_EM) for s in reversed(proc.side_steps)}  # first of a duplicate id wins
        self.side = side
        self.side_nodes = [side[s.id] for s in proc.side_steps if side[s.id].step is s]
        self.by_id = {**side, **{n.step.id: n for n in self.main}}

        # One width per column, so the boxes line up like a printed form.
        self.main_w = max([MIN_MAIN_W, *(n.w for n in self.main)])
        for n in self.main:
            if n.step.kind != "condition":
                n.w = self.main_w
            elif n.step.note.strip():
                n.cond_note_lines = wrap(n.step.note, self.main_w / 2 - 10 - 2 * 8, SMALL)
        self.side_w = max([0.0, *(n.w for n in self.side_nodes)])
        for n in self.side_nodes:
            n.w = self.side_w
        self.x_main = float(MARGIN)
        self.x_side = self.x_main + self.main_w + (40 if has_side else 0)
        self.chains: list[tuple[_Node, dict[str, bool]]] = []  # condition, {first box of a branch: level with it?}
        self.bus_x: dict[str, float] = {}
        self.track_x: dict[str, float] = {}

    def vertical(self) -> None:
        """One pass down the main path, placing side paths as their conditions come."""
        rejoined = {s.next for s in self.proc.side_steps if s.next in {m.step.id for m in self.main}}
        y = float(MARGIN)
        side_bottom = float("-inf")  # lowest side box so far
        side_floor = float(MARGIN)  # no side box may start above this
        for n in self.main:
            top = y
            head = self.side.get(n.step.branches[0].to) if n.step.branches else None
            if n.step.id in rejoined:
                # the returning line runs left at the entry's height: keep it below every side box
                top = max(top, side_bottom + 24 - (n.entry()[1] - n.y))
            elif head is not None and not head.placed:
                # a condition waits until the side column is free beside it, so that its first
                # branch runs straight across and no two buses share the corridor
                top = max(top, max(side_floor, side_bottom + SIDE_GAP) + head.h / 2 - n.h / 2)
            n.y, n.placed = top, True
            if n.step.id in rejoined:
                side_floor = max(side_floor, n.entry()[1] + 24)  # room for a branch label under the line
            y = n.bottom + GAP
            if n.cond_note_lines:
                nh = len(n.cond_note_lines) * SMALL_LINE + 10
                n.note_box = (0.0, n.bottom + 8, 0.0, nh)  # x and width come with the horizontal pass
                y = max(y, n.bottom + 8 + nh + 10)
            if n.step.kind != "condition":
                continue
            level: dict[str, bool] = {}
            for j, b in enumerate(n.step.branches):
                first = self.side.get(b.to)
                if first is None or b.to in level:
                    continue
                if first.placed:  # shared with an earlier branch
                    level[b.to] = False
                    continue
                want = n.cy - first.h / 2 if j == 0 else float("-inf")
                top = max(want, side_floor, side_bottom + SIDE_GAP)
                level[b.to] = top == want
                side_bottom = _place_chain(first, top, self.side)
            self.chains.append((n, level))
        for n in self.side_nodes:  # side steps no branch leads to (a warning): drawn last
            if not n.placed:
                side_bottom = _place_chain(n, max(side_floor, side_bottom + SIDE_GAP), self.side)

    def horizontal(self) -> None:
        for n in self.main:
            n.x = self.x_main + (self.main_w - n.w) / 2
            if n.note_box:
                nx = n.cx + 10
                n.note_box = (nx, n.note_box[1], self.x_main + self.main_w - nx, n.note_box[3])
        buses = []  # condition, top and bottom of its vertical line in the corridor
        for cond, level in self.chains:
            ys = [self.side[k].cy for k, lv in level.items() if not lv]
            if ys:
                buses.append((cond, min(cond.cy, *ys), max(cond.cy, *ys)))
        self.bus_x = _tracks(buses, self.x_main + self.main_w + 14, TRACK)
        for cond, level in self.chains:
            start = self.bus_x.get(cond.step.id, cond.right)
            for b in cond.step.branches:
                if b.to in level:
                    # the label sits on the last stretch, clear of the bus and the arrowhead
                    lw = max(text_width(line, SMALL) for line in wrap(b.when, LABEL_EM * SMALL, SMALL))
                    self.x_side = max(self.x_side, start + lw + 16 + ARROW_LEN)
        for n in self.side_nodes:
            n.x = self.x_side

    def edges(self) -> list[_Edge]:
        edges = [
            _Edge(a.step.id, b.step.id, "main", [(a.cx, a.bottom), (b.cx, b.y)])
            for a, b in zip(self.main, self.main[1:])
        ]
        for cond, level in self.chains:
            vx, vy = cond.right, cond.cy
            start = self.bus_x.get(cond.step.id, vx)
            for b in cond.step.branches:
                if b.to not in level:
                    continue
                first = self.side[b.to]
                if level[b.to]:
                    pts = [(vx, vy), (first.x, vy)]
                else:
                    pts = [(vx, vy), (start, vy), (start, first.cy), (first.x, first.cy)]
                lines = wrap(b.when, LABEL_EM * SMALL, SMALL)
                at = ((start + first.x - ARROW_LEN) / 2, first.cy - 5)
                edges.append(_Edge(cond.step.id, first.step.id, "branch", pts, lines, at))

        # A side step's next: straight down to the side step under it; down and left into
        # a main step when nothing is in the way; else out right, along a track, and back.
        returns: list[tuple[_Node, _Node, tuple[float, float]]] = []
        for n in self.side_nodes:
            dst = self.by_id.get(n.step.next) if n.step.next else None
            if dst is None:
                continue
            if dst.column == "side" and abs(dst.y - (n.bottom + GAP)) < 0.01:
                edges.append(_Edge(n.step.id, dst.step.id, "rejoin", [(n.cx, n.bottom), (dst.cx, dst.y)]))
                continue
            # into a side step from the right, above the middle, where its own way out leaves
            ex, ey = dst.entry() if dst.column == "main" else (dst.right, dst.y + min(dst.h / 4, 12))
            blocked = any(o is not n and o.y < ey + 1 and o.bottom > n.bottom for o in self.side_nodes)
            if dst.column == "main" and ey > n.bottom + 12 and not blocked:
                edges.append(_Edge(n.step.id, dst.step.id, "rejoin", [(n.cx, n.bottom), (n.cx, ey), (ex, ey)]))
            else:
                returns.append((n, dst, (ex, ey)))
        spans: dict[str, tuple[float, float]] = {}
        for n, dst, (_, ey) in returns:
            lo, hi = sorted((n.cy, ey))
            top, bottom = spans.get(dst.step.id, (lo, hi))
            spans[dst.step.id] = (min(top, lo), max(bottom, hi))
        # the shortest span on the nearest track, so that nested returns do not cross
        order = sorted(spans, key=lambda k: (spans[k][1] - spans[k][0], spans[k][0]))
        self.track_x = {k: self.x_side + self.side_w + 14 + i * TRACK for i, k in enumerate(order)}
        for n, dst, (ex, ey) in returns:
            rx = self.track_x[dst.step.id]
            edges.append(_Edge(n.step.id, dst.step.id, "rejoin", [(n.right, n.cy), (rx, n.cy), (rx, ey), (ex, ey)]))
        return edges

    def finish(self, edges: list[_Edge]) -> _Layout:
        """Measure the whole, and set the procedure's notes under it."""
        right = max([self.x_main + self.main_w, *(n.right for n in self.side_nodes),
                     *(x + 4 for x in self.track_x.values())])
        width = right + MARGIN
        bottom = max(
            [*(n.bottom for n in [*self.main, *self.side_nodes]),
             *(n.note_box[1] + n.note_box[3] for n in self.main if n.note_box)]
        )
        notes: list[tuple[float, float, str]] = []
        items = (self.proc.notes if len(self.proc.notes) == 1
                 else [f"{i}. {t}" for i, t in enumerate(self.proc.notes, 1)])
        lead, indent = "注：", text_width("注：", SMALL)
        y = bottom + 20
        for item in items:
            for line in wrap(item, width - 2 * MARGIN - indent, SMALL, balance=False):
                if not notes:
                    notes.append((self.x_main, y + ASCENT * SMALL, lead))
                notes.append((self.x_main + indent, y + ASCENT * SMALL, line))
                y += SMALL_LINE
        if notes:
            bottom = y
        return _Layout(width, bottom + MARGIN, [*self.main, *self.side_nodes], edges, notes)


def _place_chain(head: _Node, top: float, side: dict[str, _Node]) -> float:
    """Stack a side step and the side steps its next: leads to; return the lowest bottom."""
    n: _Node | None = head
    bottom = top
    while n is not None and not n.placed:
        n.y, n.placed = top, True
        bottom = n.bottom
        top = n.bottom + GAP
        n = side.get(n.step.next) if n.step.next else None
    return bottom


def _tracks(spans: list[tuple[_Node, float, float]], x0: float, step: float) -> dict[str, float]:
    """Give each vertical span an x, reusing a track once the span before it has ended."""
    ends: list[float] = []
    out: dict[str, float] = {}
    for node, top, bottom in sorted(spans, key=lambda s: s[1]):
        for i, end in enumerate(ends):
            if end + 8 < top:
                ends[i] = bottom
                out[node.step.id] = x0 + i * step
                break
        else:
            ends.append(bottom)
            out[node.step.id] = x0 + (len(ends) - 1) * step
    return out


# ---- SVG -----------------------------------------------------------------------


def render_svg(proc: Procedure, *, title: str, notes: bool = False) -> str:
    """The procedure as an inline ``<svg>`` string; same input, same bytes.

    ``proc`` must pass ``check_procedure`` without errors (ValueError otherwise).
    Step notes are drawn with their steps. The procedure's own notes are left to
    the page, which lists them under the chart; with ``notes`` they are drawn
    under the chart as "注：…" too, for a chart that must stand alone.
    """
    errors = [p for p in check_procedure(proc) if p.severity == "error"]
    if errors:
        raise ValueError("procedure has problems:\n" + "\n".join(str(p) for p in errors))
    if not notes:
        proc = dataclasses.replace(proc, notes=[])
    lay = _layout(proc)
    ids = "\n".join([title, *(s.id for s in [*proc.steps, *proc.side_steps])])
    uid = "flow-" + hashlib.sha1(ids.encode("utf-8")).hexdigest()[:8]

    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="flow-chart" width="100%"'
        f' viewBox="0 0 {_n(lay.width)} {_n(lay.height)}"'
        f' role="img" aria-labelledby="{uid}-title {uid}-desc" style="max-width:100%;height:auto"'
        f' font-family="{_esc(FONT_FAMILY)}" font-size="{FONT}" fill="{INK}">',
        f'<title id="{uid}-title">{_esc(title)}</title>',
        f'<desc id="{uid}-desc">{_esc(_summary(proc))}</desc>',
    ]
    for node in lay.nodes:
        out.extend(_draw_node(node))
    for edge in lay.edges:
        out.extend(_draw_edge(edge))
    if lay.notes:
        out.append(f'<g class="flow-notes" font-size="{SMALL}" fill="{NOTE_INK}">')
        for x, y, line in lay.notes:
            out.append(f'<text x="{_n(x)}" y="{_n(y)}" text-anchor="start">'
                       f'<tspan x="{_n(x)}" y="{_n(y)}">{_esc(line)}</tspan></text>')
        out.append("</g>")
    out.append("</svg>")
    return "\n".join(out) + "\n"


def _draw_node(n: _Node) -> list[str]:
    s = n.step
    out = [f'<g class="flow-node flow-{s.kind}" data-step="{_esc(s.id)}">']
    if n.shape in ("diamond", "hexagon"):
        out.append(f'<polygon class="flow-box" points="{_pts(n.outline())}" fill="#ffffff"'
                   f' stroke="{INK}" stroke-width="1.4"/>')
    elif n.shape == "end":
        out.append(
            f'<rect class="flow-box" x="{_n(n.x)}" y="{_n(n.y)}" width="{_n(n.w)}" height="{_n(n.h)}"'
            f' rx="{_n(min(n.h / 2, 20))}"'
            f' fill="#eeeeee" stroke="{INK}" stroke-width="2.4"/>'
        )
    else:
        out.append(
            f'<rect class="flow-box" x="{_n(n.x)}" y="{_n(n.y)}" width="{_n(n.w)}" height="{_n(n.h)}" rx="4"'
            f' fill="#ffffff" stroke="{INK}" stroke-width="1.4"/>'
        )
    text_h = len(n.lines) * LINE + (9 + len(n.note_lines) * SMALL_LINE if n.note_lines else 0)
    top = n.cy - text_h / 2
    out.append(_text_block(n.lines, n.cx, top, n.text_w, FONT, LINE, "flow-label", centre=n.step.kind == "condition"))
    if n.note_lines:
        rule_y = top + len(n.lines) * LINE + 4
        out.append(
            f'<line x1="{_n(n.x + PAD_X)}" y1="{_n(rule_y)}" x2="{_n(n.right - PAD_X)}" y2="{_n(rule_y)}"'
            f' stroke="#888888" stroke-width="1" stroke-dasharray="3 3"/>'
        )
        out.append(_text_block(n.note_lines, n.cx, rule_y + 5, n.text_w, SMALL, SMALL_LINE, "flow-note", NOTE_INK))
    if n.note_box:
        x, y, w, h = n.note_box
        out.append(
            f'<rect class="flow-note-box" x="{_n(x)}" y="{_n(y)}" width="{_n(w)}" height="{_n(h)}" rx="2"'
            f' fill="#ffffff" stroke="#777777" stroke-width="1" stroke-dasharray="4 3"/>'
        )
        tw = max(text_width(line, SMALL) for line in n.cond_note_lines)
        out.append(_text_block(n.cond_note_lines, x + w / 2, y + 5, tw, SMALL, SMALL_LINE, "flow-note", NOTE_INK))
    out.append("</g>")
    return out


def _text_block(
    lines: list[str], cx: float, top: float, block_w: float, size: int, line_h: int, cls: str, fill: str = "",
    *, centre: bool = False,
) -> str:
    """Lines centred on ``cx``; in a box, three or more lines read better as a left-aligned block."""
    anchor = "middle" if centre or len(lines) <= 2 else "start"
    x = cx if anchor == "middle" else cx - block_w / 2
    base = top + (line_h - size) / 2 + ASCENT * size
    color = f' fill="{fill}"' if fill else ""
    spans = "".join(
        f'<tspan x="{_n(x)}" y="{_n(base + i * line_h)}">{_esc(line)}</tspan>' for i, line in enumerate(lines)
    )
    return (
        f'<text class="{cls}" x="{_n(x)}" y="{_n(base)}" text-anchor="{anchor}" font-size="{size}"{color}>'
        f'{spans}</text>'
    )


def _draw_edge(e: _Edge) -> list[str]:
    (x1, y1), (x2, y2) = e.points[-2], e.points[-1]
    length = abs(x2 - x1) + abs(y2 - y1)  # segments are horizontal or vertical
    ux, uy = (x2 - x1) / length, (y2 - y1) / length
    bx, by = x2 - ux * ARROW_LEN, y2 - uy * ARROW_LEN
    head = [(x2, y2), (bx - uy * ARROW_HALF, by + ux * ARROW_HALF), (bx + uy * ARROW_HALF, by - ux * ARROW_HALF)]
    d = "M" + " L".join(f"{_n(x)} {_n(y)}" for x, y in [*e.points[:-1], (bx, by)])
    out = [
        f'<g class="flow-edge flow-{e.kind}" data-from="{_esc(e.src)}" data-to="{_esc(e.dst)}">',
        f'<path d="{d}" fill="none" stroke="{INK}" stroke-width="1.4"/>',
        f'<polygon points="{_pts(head)}" fill="{INK}" stroke="none"/>',
    ]
    if e.label:
        cx, base = e.label_at
        first = base - (len(e.label) - 1) * SMALL_LINE
        spans = "".join(
            f'<tspan x="{_n(cx)}" y="{_n(first + i * SMALL_LINE)}">{_esc(line)}</tspan>'
            for i, line in enumerate(e.label)
        )
        out.append(f'<text class="flow-edge-label" x="{_n(cx)}" y="{_n(first)}" text-anchor="middle"'
                   f' font-size="{SMALL}">{spans}</text>')
    out.append("</g>")
    return out


def _summary(proc: Procedure) -> str:
    """The desc: every step in reading order, so a screen reader gets the whole chart."""
    number = {s.id: i for i, s in enumerate(proc.steps, 1)}
    side = {s.id: s for s in reversed(proc.side_steps)}
    parts = []
    for i, s in enumerate(proc.steps, 1):
        text = f"{i}. {_clause(s.label)}"
        if s.note.strip():
            text += f"（{_clause(s.note)}）"
        for b in s.branches:
            sep = "" if text.endswith(("？", "?")) else "；"
            text += f"{sep}若{_clause(b.when)}，" + _side_path(side, b.to, number, i)
        parts.append(text)
    out = f"流程共{len(proc.steps)}步，从上到下：" + "；".join(parts) + "。"
    if proc.notes:
        out += "注：" + "；".join(_clause(n) for n in proc.notes) + "。"
    return out


def _clause(text: str) -> str:
    return " ".join(text.split()).rstrip("。；，、 ")


def _side_path(side: dict[str, Step], start: str, number: dict[str, int], at: int) -> str:
    words, seen = [], set()
    cur = side.get(start)
    while cur is not None and cur.id not in seen:
        seen.add(cur.id)
        words.append(_clause(cur.label) + (f"（{_clause(cur.note)}）" if cur.note.strip() else ""))
        if cur.next in number:
            n = number[cur.next]
            words.append(f"然后{'回到' if n <= at else '进入'}第{n}步")
            break
        cur = side.get(cur.next) if cur.next else None
    else:
        words.append("流程到此结束")
    return "，".join(words)


def _n(v: float) -> str:
    s = f"{v:.1f}"
    return s[:-2] if s.endswith(".0") else s


def _pts(points: list[tuple[float, float]]) -> str:
    return " ".join(f"{_n(x)},{_n(y)}" for x, y in points)


_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")  # not allowed in XML; tab and newlines are


def _esc(text: str) -> str:
    text = _CONTROL_CHARS.sub("", text)
    return (
        text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        .replace('"', "&quot;").replace("'", "&#39;")
    )
