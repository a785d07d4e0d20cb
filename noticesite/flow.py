"""The procedure as a flow chart: checks on meaning, and an inline SVG drawn at build time.

``checked()`` finds what the YAML schema cannot: links to steps that do
not exist, side paths that loop, conditions with nothing to choose. Every
problem points at the offending step's line. It is the only maker of a
``CheckedProcedure`` (model.py), and that is what the drawing functions take, so
a procedure is checked once, at load, and nothing draws one that failed.

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
import math
import re
from dataclasses import dataclass, field

from .cjktext import BREAK_CJK, CLOSERS, text_width, wrap
from .errors import Problem, Problems
from .model import CheckedProcedure, Procedure, Step

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



@dataclass(frozen=True)
class _Type:
    """The sizes of the text and the spacing that follows from them, in units."""

    font: float  # step labels
    line: float  # their line height
    small: float  # notes and branch labels
    small_line: float
    pad_y: float  # inside a box, above and below the text
    gap: float  # between boxes in a column: room for an arrow
    side_gap: float  # between side paths: room for the next branch label
    label_em: float  # the widest line of a branch label
    margin: float  # around the drawing

    @property
    def min_main_w(self) -> float:
        return 12 * self.font + 2 * PAD_X  # so a condition's note has room beside the arrow


WEB = _Type(FONT, LINE, SMALL, SMALL_LINE, PAD_Y, GAP, SIDE_GAP, LABEL_EM, MARGIN)
# Print (pdf.py): one unit is 1 CSS px, 0.75 pt: labels at 14 units print at 10.5 pt (五号), notes
# and branch labels at 12 at 9 pt (小五), lines and gaps tighter than on the screen (where a phone
# shrinks the chart), so that the example's chart holds on its first page under the title. The
# chart is laid out for the text area's width and cut into parts of at most a page each
# (render_print_svgs), never shrunk.
PRINT_PT = 0.75
PRINT = _Type(font=14, line=18, small=12, small_line=15, pad_y=5, gap=18, side_gap=22, label_em=5, margin=4)
CORRIDOR = 40  # between the main and the side column: the buses and the branch labels
ALONE_SHARE = 0.62  # a chart without side steps: its column takes this share of the width, centred
SIDE_MIN_W = 6 * FONT + 2 * PAD_X
CONTINUED = "（续）"  # over a part that continues the one before
CONTINUES = "接下页"  # under a part that the next one continues

INK = "#1a1a1a"
NOTE_INK = "#4a4a4a"



# ---- checks on meaning ---------------------------------------------------------


def checked(proc: Procedure) -> tuple[CheckedProcedure | None, list[Problem]]:
    """Check links, loops and shapes: the procedure as one that can be drawn (None when there is
    an error), and the problems sorted by place."""
    problems = _problems(proc)
    ok = not any(p.severity == "error" for p in problems)
    return (CheckedProcedure(proc) if ok else None), problems


def _problems(proc: Procedure) -> list[Problem]:
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
    right: float = 0.0  # the right edge of what is drawn (print: the width is the box's)
    marks: list[tuple[float, float, str, str]] = field(default_factory=list)  # continuation marks
    connectors: dict[str, str] = field(default_factory=dict)  # stand-in box -> the step it leads to
    t: _Type | None = None  # its sizes (None: the screen's)


def _measure(step: Step, column: str, max_em: float, t: _Type) -> _Node:
    if step.kind == "condition":
        return _measure_condition(step, max_em, t)
    lines = wrap(step.label, max_em * t.font, t.font)
    note_lines = wrap(step.note, max_em * t.font, t.small) if step.note.strip() else []
    text_w = max(text_width(line, t.font) for line in lines)
    if note_lines:
        text_w = max(text_w, *(text_width(line, t.small) for line in note_lines))
    h = len(lines) * t.line + 2 * t.pad_y
    if note_lines:
        h += 9 + len(note_lines) * t.small_line
    return _Node(step, column, lines, note_lines, text_w, text_w + 2 * PAD_X, h,
                 shape="end" if step.kind == "end" else "rect")


def _measure_condition(step: Step, max_em: float, t: _Type) -> _Node:
    """The narrowest diamond that holds the label, trying each wrap width.

    A text block tw x th fits a diamond W x H when (tw/2+px)/(W/2) + (th/2+py)/(H/2) <= 1;
    with H = W/2 that gives W = tw + 2px + 2(th + 2py). A line break inside a
    run of characters costs as much as 60 units of width, so that 是否已结清学费、/
    住宿费？ beats 是否已结清学/费、住宿费？ (244 wide against 212).
    """
    cap = max_em * t.font + 2 * PAD_X  # as wide as a main step may be
    best: tuple[float, float, list[str]] | None = None
    em = 3.0
    while em <= max_em:
        lines = wrap(step.label, em * t.font, t.font)
        tw = max(text_width(line, t.font) for line in lines)
        w = tw + 12 + 2 * (len(lines) * t.line + 8)
        score = w + sum(2 * BREAK_CJK for a, b in zip(lines, lines[1:]) if a[-1] not in CLOSERS and b[0] != " ")
        if w <= cap and (best is None or score < best[0] - 0.01):
            best = (score, w, lines)
        if len(lines) == 1:
            break  # wider is all the same
        em += 0.5
    if best is not None:
        _, w, lines = best
        tw = max(text_width(line, t.font) for line in lines)
        return _Node(step, "main", lines, [], tw, w, w / 2, shape="diamond")
    # Too long for a diamond that fits the column: a hexagon holds a paragraph.
    lines = wrap(step.label, cap - 2 * HEX_DEPTH - 2 * PAD_X, t.font)
    tw = max(text_width(line, t.font) for line in lines)
    return _Node(step, "main", lines, [], tw, tw + 2 * HEX_DEPTH + 2 * PAD_X, len(lines) * t.line + 2 * t.pad_y,
                 shape="hexagon")


@dataclass(frozen=True)
class _Fit:
    """A chart laid out for a box of a given width (print): each column is as wide as given."""

    width: float  # the whole chart, in units
    t: _Type
    main_w: float
    side_w: float
    continued: bool = False  # room at the top for the continuation mark and an arrow in
    continues: bool = False  # an arrow out of the last main step, and 接下页 under it


def _layout(proc: Procedure, fit: _Fit | None = None) -> _Layout:
    placer = _Placer(proc, fit)
    placer.vertical()
    placer.horizontal()
    edges = placer.edges()
    return placer.finish(edges)


class _Placer:
    """Places the boxes of one procedure: down the page first, then across, then the arrows."""

    def __init__(self, proc: Procedure, fit: _Fit | None = None):
        self.proc = proc
        self.fit = fit
        self.t = WEB if fit is None else fit.t
        has_side = bool(proc.side_steps)
        main_em: float = MAIN_EM if has_side else MAIN_EM_ALONE
        side_em: float = SIDE_EM
        if fit is not None:  # text wrapped to the widths given
            main_em, side_em = (fit.main_w - 2 * PAD_X) / self.t.font, (fit.side_w - 2 * PAD_X) / self.t.font
        self.main = [_measure(s, "main", main_em, self.t) for s in proc.steps]
        # first of a duplicate id wins
        side = {s.id: _measure(s, "side", side_em, self.t) for s in reversed(proc.side_steps)}
        self.side = side
        self.side_nodes = [side[s.id] for s in proc.side_steps if side[s.id].step is s]
        self.by_id = {**side, **{n.step.id: n for n in self.main}}

        # One width per column, so the boxes line up like a printed form.
        self.main_w = max([self.t.min_main_w if fit is None else fit.main_w, *(n.w for n in self.main)])
        for n in self.main:
            if n.step.kind != "condition":
                n.w = self.main_w
            elif n.step.note.strip():
                n.cond_note_lines = wrap(n.step.note, self.main_w / 2 - 10 - 2 * 8, self.t.small)
        self.side_w = max([0.0 if fit is None else fit.side_w, *(n.w for n in self.side_nodes)])
        for n in self.side_nodes:
            n.w = self.side_w
        self.x_main = float(self.t.margin)
        if fit is not None and not has_side:
            self.x_main = max(float(self.t.margin), (fit.width - self.main_w) / 2)
        self.top = float(self.t.margin) + (self.t.gap if fit is not None and fit.continued else 0)
        self.x_side = self.x_main + self.main_w + (40 if has_side else 0)
        self.chains: list[tuple[_Node, dict[str, bool]]] = []  # condition, {first box of a branch: level with it?}
        self.bus_x: dict[str, float] = {}
        self.track_x: dict[str, float] = {}

    def vertical(self) -> None:
        """One pass down the main path, placing side paths as their conditions come."""
        rejoined = {s.next for s in self.proc.side_steps if s.next in {m.step.id for m in self.main}}
        y = self.top
        side_bottom = float("-inf")  # lowest side box so far
        side_floor = self.top  # no side box may start above this
        for n in self.main:
            top = y
            head = self.side.get(n.step.branches[0].to) if n.step.branches else None
            if n.step.id in rejoined:
                # the returning line runs left at the entry's height: keep it below every side box
                top = max(top, side_bottom + 24 - (n.entry()[1] - n.y))
            elif head is not None and not head.placed:
                # a condition waits until the side column is free beside it, so that its first
                # branch runs straight across and no two buses share the corridor
                top = max(top, max(side_floor, side_bottom + self.t.side_gap) + head.h / 2 - n.h / 2)
            n.y, n.placed = top, True
            if n.step.id in rejoined:
                side_floor = max(side_floor, n.entry()[1] + 24)  # room for a branch label under the line
            y = n.bottom + self.t.gap
            if n.cond_note_lines:
                nh = len(n.cond_note_lines) * self.t.small_line + 10
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
                top = max(want, side_floor, side_bottom + self.t.side_gap)
                level[b.to] = top == want
                side_bottom = _place_chain(first, top, self.side, self.t.gap)
            self.chains.append((n, level))
        for n in self.side_nodes:  # side steps no branch leads to (a warning): drawn last
            if not n.placed:
                side_bottom = _place_chain(n, max(side_floor, side_bottom + self.t.side_gap), self.side, self.t.gap)

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
                    label = wrap(b.when, self.t.label_em * self.t.small, self.t.small)
                    lw = max(text_width(line, self.t.small) for line in label)
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
                lines = wrap(b.when, self.t.label_em * self.t.small, self.t.small)
                at = ((start + first.x - ARROW_LEN) / 2, first.cy - 5)
                edges.append(_Edge(cond.step.id, first.step.id, "branch", pts, lines, at))

        # A side step's next: straight down to the side step under it; down and left into
        # a main step when nothing is in the way; else out right, along a track, and back.
        returns: list[tuple[_Node, _Node, tuple[float, float]]] = []
        for n in self.side_nodes:
            dst = self.by_id.get(n.step.next) if n.step.next else None
            if dst is None:
                continue
            if dst.column == "side" and abs(dst.y - (n.bottom + self.t.gap)) < 0.01:
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
        width = right + self.t.margin
        bottom = max(
            [*(n.bottom for n in [*self.main, *self.side_nodes]),
             *(n.note_box[1] + n.note_box[3] for n in self.main if n.note_box)]
        )
        marks: list[tuple[float, float, str, str]] = []  # x, baseline, text, anchor
        if self.fit is not None:
            width = max(width, self.fit.width)  # the box it was laid out for (right: what it drew)
            bottom = self._continuation(edges, marks, bottom)
        notes: list[tuple[float, float, str]] = []
        items = (self.proc.notes if len(self.proc.notes) == 1
                 else [f"{i}. {t}" for i, t in enumerate(self.proc.notes, 1)])
        lead, indent = "注：", text_width("注：", self.t.small)
        y = bottom + 20
        for item in items:
            for line in wrap(item, width - 2 * self.t.margin - indent, self.t.small, balance=False):
                if not notes:
                    notes.append((self.x_main, y + ASCENT * self.t.small, lead))
                notes.append((self.x_main + indent, y + ASCENT * self.t.small, line))
                y += self.t.small_line
        if notes:
            bottom = y
        return _Layout(width, bottom + self.t.margin, [*self.main, *self.side_nodes], edges, notes, right, marks,
                       t=self.t)

    def _continuation(self, edges: list[_Edge], marks: list[tuple[float, float, str, str]],
                      bottom: float) -> float:
        """The marks of a part of a chart cut over pages: （续） top left and an arrow into the
        first main step; an arrow out of the last one and 接下页 under it. Returns the new bottom."""
        assert self.fit is not None
        if self.fit.continued and self.main:
            first = self.main[0]
            marks.append((self.x_main, self.t.margin + ASCENT * self.t.font, CONTINUED, "start"))
            edges.append(_Edge("", first.step.id, "continued", [(first.cx, float(self.t.margin)), (first.cx, first.y)]))
        if self.fit.continues and self.main:
            last = self.main[-1]
            start = last.bottom
            end = max(start, last.note_box[1] + last.note_box[3] if last.note_box else start) + self.t.gap
            edges.append(_Edge(last.step.id, "", "continues", [(last.cx, start), (last.cx, end)]))
            marks.append((last.cx, end + 4 + ASCENT * self.t.small, CONTINUES, "middle"))
            bottom = max(bottom, end + 4 + self.t.small_line)
        return bottom


def _place_chain(head: _Node, top: float, side: dict[str, _Node], gap: float) -> float:
    """Stack a side step and the side steps its next: leads to; return the lowest bottom."""
    n: _Node | None = head
    bottom = top
    while n is not None and not n.placed:
        n.y, n.placed = top, True
        bottom = n.bottom
        top = n.bottom + gap
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


def render_svg(proc: CheckedProcedure, *, title: str) -> str:
    """The procedure as an inline ``<svg>`` string; same input, same bytes.

    Step notes are drawn with their steps. The procedure's own notes are left to
    the page, which lists them under the chart (print draws them: render_print_svgs).
    """
    drawn = dataclasses.replace(proc, notes=[])
    lay = _layout(drawn)
    uid = _uid(drawn, title)
    return _svg(lay, f'class="flow-chart" width="100%" viewBox="0 0 {_n(lay.width)} {_n(lay.height)}"',
                ' style="max-width:100%;height:auto"', uid, title, _summary(drawn))


def _uid(proc: Procedure, title: str) -> str:
    ids = "\n".join([title, *(s.id for s in [*proc.steps, *proc.side_steps])])
    return "flow-" + hashlib.sha1(ids.encode("utf-8")).hexdigest()[:8]


def _svg(lay: _Layout, size: str, style: str, uid: str, title: str, desc: str) -> str:
    """One ``<svg>``: ``size`` its class, width, height and viewBox; ``style`` what follows its labels."""
    t = lay.t or WEB
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" {size}'
        f' role="img" aria-labelledby="{uid}-title {uid}-desc"{style}'
        f' font-family="{_esc(FONT_FAMILY)}" font-size="{t.font}" fill="{INK}">',
        f'<title id="{uid}-title">{_esc(title)}</title>',
        f'<desc id="{uid}-desc">{_esc(desc)}</desc>',
    ]
    for node in lay.nodes:
        out.extend(_draw_node(node, t, lay.connectors.get(node.step.id)))
    for edge in lay.edges:
        out.extend(_draw_edge(edge, t))
    if lay.notes:
        out.append(f'<g class="flow-notes" font-size="{t.small}" fill="{NOTE_INK}">')
        for x, y, line in lay.notes:
            out.append(f'<text x="{_n(x)}" y="{_n(y)}" text-anchor="start">'
                       f'<tspan x="{_n(x)}" y="{_n(y)}">{_esc(line)}</tspan></text>')
        out.append("</g>")
    for x, y, text, anchor in lay.marks:
        mark_size = t.font if text == CONTINUED else t.small
        out.append(f'<text class="flow-mark" x="{_n(x)}" y="{_n(y)}" text-anchor="{anchor}" font-size="{mark_size}">'
                   f'<tspan x="{_n(x)}" y="{_n(y)}">{_esc(text)}</tspan></text>')
    out.append("</svg>")
    return "\n".join(out) + "\n"


# ---- print: at reading size, over as many pages as it takes ------------------------------


def render_print_svgs(proc: CheckedProcedure, *, title: str, width_pt: float, first_height_pt: float,
                      height_pt: float) -> list[str]:
    """The procedure laid out for print, as one ``<svg>`` per page-sized part, each sized in pt.

    One unit is ``PRINT_PT`` (labels 11.2 pt, notes 9.1 pt) and the chart is laid out for a box
    ``width_pt`` wide: the columns share that width, the text wraps to it. A chart taller than
    ``first_height_pt`` (what the first page has under the attachment's title) is cut between main
    steps into parts of at most that, then ``height_pt`` each: where no line crosses the cut if
    one can, else with a dashed stand-in box "转至“…”" for a line's far end. A part that continues
    has （续） over it, one that is continued 接下页 under it. The procedure's notes ("注：…") go
    under the last part. Each part's description lists its own steps (numbered in the whole).

    Only a single main step whose side paths alone are taller than a page is scaled down to fit.
    """
    width = math.floor(width_pt / PRINT_PT * 10) / 10  # written to one decimal: no rounding up past the box
    budgets = (first_height_pt / PRINT_PT, height_pt / PRINT_PT)
    uid = _uid(proc, title)
    out = []
    cuts = _cut(proc, width, budgets)
    for i, (a, b, lay) in enumerate(cuts):
        view_w, view_h = float(_n(lay.width)), float(_n(lay.height))  # as written: sizes come out exact
        scale = min(1.0, (budgets[0] if i == 0 else budgets[1]) / view_h, width / view_w) * PRINT_PT
        size = (f'class="flow-chart flow-print" width="{_n3(view_w * scale)}pt" height="{_n3(view_h * scale)}pt"'
                f' viewBox="0 0 {_n(view_w)} {_n(view_h)}"')
        if len(cuts) == 1:
            out.append(_svg(lay, size, "", uid, title, _summary(proc)))
        else:
            out.append(_svg(lay, size, "", f"{uid}-{i + 1}", title if i == 0 else title + CONTINUED,
                            _summary(proc, (a + 1, b))))
    return out


def _cut(proc: Procedure, width: float, budgets: tuple[float, float]) -> list[tuple[int, int, _Layout]]:
    """The parts: (first main step's index, one past its last, layout), greedily as long as a page
    holds, the last cut that no line crosses preferred when it keeps at least half of the page."""
    owner = _owners(proc)
    n = len(proc.steps)
    out: list[tuple[int, int, _Layout]] = []
    a = 0
    while a < n:
        budget = budgets[0] if not out else budgets[1]
        best: tuple[int, _Layout] | None = None
        clean: tuple[int, _Layout] | None = None
        for b in range(a + 1, n + 1):
            lay = _fit_layout(_part(proc, a, b, owner), width, continued=bool(out), continues=b < n)
            if lay.height > budget and best is not None:
                break
            best = (b, lay)
            if not lay.connectors:
                clean = (b, lay)
            if lay.height > budget:
                break  # one main step taller than the page: it stands alone (and is scaled down)
        assert best is not None
        if clean is not None and clean[0] - a >= (best[0] - a) / 2:
            best = clean
        out.append((a, best[0], best[1]))
        a = best[0]
    return out


def _owners(proc: Procedure) -> dict[str, int]:
    """Each side step's main step: the condition whose branch first reaches it, as the layout
    places side paths; one nothing reaches goes with the last main step (it is drawn last)."""
    side = {s.id: s for s in reversed(proc.side_steps)}
    owner: dict[str, int] = {}

    def chain(start: str | None, at: int) -> None:
        cur = side.get(start) if start else None
        while cur is not None and cur.id not in owner:
            owner[cur.id] = at
            cur = side.get(cur.next) if cur.next else None

    for i, s in enumerate(proc.steps):
        for b in s.branches:
            chain(b.to, i)
    for s in proc.side_steps:
        chain(s.id, len(proc.steps) - 1)
    return owner


def _part(proc: Procedure, a: int, b: int, owner: dict[str, int]) -> tuple[Procedure, dict[str, str]]:
    """Main steps a to b-1 with their side steps; a line to a step of another part ends in a
    stand-in box (its id made from both ends), returned with the id of the step it stands for."""
    inside = {s.id for s in proc.steps[a:b]} | {k for k, i in owner.items() if a <= i < b}
    labels = {s.id: s.label for s in [*reversed(proc.side_steps), *proc.steps]}
    connectors: dict[str, str] = {}
    stand_ins: list[Step] = []

    def to(src: Step, target: str) -> str:
        if target in inside:
            return target
        cid = f"{src.id}\u2192{target}"
        if cid not in connectors:
            connectors[cid] = target
            stand_ins.append(Step(cid, f"转至“{_excerpt(labels.get(target, target))}”", "step", "", [], None,
                                  src.location))
        return cid

    main = [dataclasses.replace(s, branches=[dataclasses.replace(br, to=to(s, br.to)) for br in s.branches])
            for s in proc.steps[a:b]]
    side = [dataclasses.replace(s, next=to(s, s.next) if s.next else None)
            for s in proc.side_steps if s.id in inside]
    notes = proc.notes if b == len(proc.steps) else []
    return Procedure(proc.title, main, [*side, *stand_ins], notes, proc.source), connectors


def _excerpt(label: str, chars: int = 12) -> str:
    label = " ".join(label.split())
    return label if len(label) <= chars else label[:chars] + "…"


def _fit_layout(part: tuple[Procedure, dict[str, str]], width: float, *, continued: bool,
                continues: bool) -> _Layout:
    """The part laid out to fill ``width``: the side column takes what the main column, the
    corridor, the branch labels and the return tracks leave (found in a few passes, as the tracks
    and labels are known only once laid out)."""
    proc, connectors = part
    t = PRINT
    inner = width - 2 * t.margin
    if not proc.side_steps:
        fit = _Fit(width, t, max(t.min_main_w, inner * ALONE_SHARE), 0.0, continued, continues)
        return dataclasses.replace(_layout(proc, fit), connectors=connectors)
    main_w = max(t.min_main_w, (inner - CORRIDOR) * 0.46)
    side_w = inner - CORRIDOR - main_w - 2 * TRACK
    lay = None
    for _ in range(4):
        fit = _Fit(width, t, main_w, side_w, continued, continues)
        lay = _layout(proc, fit)
        short = (width - t.margin) - lay.right
        if 0 <= short <= 2:
            break
        side_w += short
        if side_w < SIDE_MIN_W:  # many return tracks or long branch labels: the main column gives way
            main_w, side_w = max(t.min_main_w, main_w - (SIDE_MIN_W - side_w)), SIDE_MIN_W
    assert lay is not None
    return dataclasses.replace(lay, connectors=connectors)


def _draw_node(n: _Node, t: _Type, connector_to: str | None = None) -> list[str]:
    s = n.step
    out = [f'<g class="flow-node flow-{s.kind}" data-step="{_esc(s.id)}">']
    if connector_to is not None:  # print: a stand-in for a step drawn in another part of the chart
        out = [f'<g class="flow-connector" data-to="{_esc(connector_to)}">',
               f'<rect class="flow-box" x="{_n(n.x)}" y="{_n(n.y)}" width="{_n(n.w)}" height="{_n(n.h)}" rx="4"'
               f' fill="#ffffff" stroke="{INK}" stroke-width="1.4" stroke-dasharray="5 3"/>']
    elif n.shape in ("diamond", "hexagon"):
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
    text_h = len(n.lines) * t.line + (9 + len(n.note_lines) * t.small_line if n.note_lines else 0)
    top = n.cy - text_h / 2
    out.append(_text_block(n.lines, n.cx, top, n.text_w, t.font, t.line, "flow-label",
                           centre=n.step.kind == "condition"))
    if n.note_lines:
        rule_y = top + len(n.lines) * t.line + 4
        out.append(
            f'<line x1="{_n(n.x + PAD_X)}" y1="{_n(rule_y)}" x2="{_n(n.right - PAD_X)}" y2="{_n(rule_y)}"'
            f' stroke="#888888" stroke-width="1" stroke-dasharray="3 3"/>'
        )
        out.append(_text_block(n.note_lines, n.cx, rule_y + 5, n.text_w, t.small, t.small_line, "flow-note", NOTE_INK))
    if n.note_box:
        x, y, w, h = n.note_box
        out.append(
            f'<rect class="flow-note-box" x="{_n(x)}" y="{_n(y)}" width="{_n(w)}" height="{_n(h)}" rx="2"'
            f' fill="#ffffff" stroke="#777777" stroke-width="1" stroke-dasharray="4 3"/>'
        )
        tw = max(text_width(line, t.small) for line in n.cond_note_lines)
        out.append(_text_block(n.cond_note_lines, x + w / 2, y + 5, tw, t.small, t.small_line, "flow-note", NOTE_INK))
    out.append("</g>")
    return out


def _text_block(
    lines: list[str], cx: float, top: float, block_w: float, size: float, line_h: float, cls: str, fill: str = "",
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


def _draw_edge(e: _Edge, t: _Type) -> list[str]:
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
        first = base - (len(e.label) - 1) * t.small_line
        spans = "".join(
            f'<tspan x="{_n(cx)}" y="{_n(first + i * t.small_line)}">{_esc(line)}</tspan>'
            for i, line in enumerate(e.label)
        )
        out.append(f'<text class="flow-edge-label" x="{_n(cx)}" y="{_n(first)}" text-anchor="middle"'
                   f' font-size="{t.small}">{spans}</text>')
    out.append("</g>")
    return out


def _summary(proc: Procedure, span: tuple[int, int] | None = None) -> str:
    """The desc: every step in reading order, so a screen reader gets the whole chart; with
    ``span`` (first and last number, for a part of a printed chart) the steps of that part."""
    number = {s.id: i for i, s in enumerate(proc.steps, 1)}
    side = {s.id: s for s in reversed(proc.side_steps)}
    parts = []
    for i, s in enumerate(proc.steps, 1):
        if span is not None and not span[0] <= i <= span[1]:
            continue
        text = f"{i}. {_clause(s.label)}"
        if s.note.strip():
            text += f"（{_clause(s.note)}）"
        for b in s.branches:
            sep = "" if text.endswith(("？", "?")) else "；"
            text += f"{sep}若{_clause(b.when)}，" + _side_path(side, b.to, number, i)
        parts.append(text)
    head = "从上到下" if span is None else f"此为第{span[0]}至{span[1]}步"
    out = f"流程共{len(proc.steps)}步，{head}：" + "；".join(parts) + "。"
    if proc.notes and (span is None or span[1] == len(proc.steps)):
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


def _n3(v: float) -> str:
    return f"{v:.3f}".rstrip("0").rstrip(".")


def _pts(points: list[tuple[float, float]]) -> str:
    return " ".join(f"{_n(x)},{_n(y)}" for x, y in points)


_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")  # not allowed in XML; tab and newlines are


def _esc(text: str) -> str:
    text = _CONTROL_CHARS.sub("", text)
    return (
        text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        .replace('"', "&quot;").replace("'", "&#39;")
    )
