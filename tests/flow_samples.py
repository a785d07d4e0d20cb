"""Procedures built in Python, for the flow chart's tests and bench.

``example()`` follows attachment 4 of notice 2012-104 (the original flow chart,
with its two kinds of wrong personal information drawn as branches);
``twenty_steps()`` is a longer made-up flow: 20 steps, 3 branches, a side path
of two steps, a side path that ends, and one that loops back up.
"""
from __future__ import annotations

from noticesite.flow import checked
from noticesite.model import Branch, CheckedProcedure, Location, Procedure, Step

PATH = "data/2012-104/procedure.yaml"


def step(
    id: str,
    label: str,
    *,
    kind: str = "step",
    note: str = "",
    branches: list[tuple[str, str]] = (),
    next: str | None = None,
    line: int = 1,
    path: str = PATH,
) -> Step:
    """A step; ``branches`` as (when, to) pairs; ``line`` is where it starts in the YAML."""
    return Step(
        id=id,
        label=label,
        kind=kind,  # type: ignore[arg-type]
        note=note,
        branches=[Branch(when=w, to=t) for w, t in branches],
        next=next,
        location=Location(path, line, 5),
    )


def procedure(steps: list[Step], side_steps: list[Step] = (), notes: list[str] = (),
              title: str = "流程图") -> Procedure:
    return Procedure(title, list(steps), list(side_steps), list(notes), Location(PATH, 1, 1))


def drawable(proc: Procedure) -> CheckedProcedure:
    """The procedure as the check passes it, as loading does before anything draws it."""
    ok, problems = checked(proc)
    assert ok is not None, [str(p) for p in problems]
    return ok


def example() -> Procedure:
    return procedure(
        title="毕业生图像采集流程图",
        steps=[
            step("verify", "对照本人身份证核对姓名、性别、身份证号等关键信息", line=3),
            step(
                "info-ok",
                "个人信息是否正确？",
                kind="condition",
                branches=[("学生信息错误", "fix-info"), ("身份信息发生变更", "change-proof")],
                line=5,
            ),
            step("queue", "按辅导员老师持有的名册顺序（学号由小至大）排队等候", line=11),
            step("pay", "交费（15元／人，请自备零钱）", note="照相当天以班为单位统一交费", line=13),
            step("wait", "进入图像采集等候区", line=16),
            step("photo", "按照核对名册顺序，凭本人《图像采集卡》排队等候照相", line=18),
            step(
                "check-online",
                "图像信息采集40个工作日后，登录http://www.chsi.com.cn 中“学历电子注册图像校对系统”，"
                "在线校对本人图像及有关信息，并提交修改意见，有错误的请与教务处208办公室联系。",
                kind="end",
                line=20,
            ),
        ],
        side_steps=[
            step(
                "fix-info",
                "携带本人身份证原件及复印件，于12月19日前到教务处208办公室核查",
                next="queue",
                line=24,
            ),
            step(
                "change-proof",
                "提供县级以上公安局出具的公安部统一规范格式的《公民信息变更证明》原件并附上本人身份证复印件，"
                "于12月19日前到教务处208办公室核查",
                next="queue",
                line=28,
            ),
        ],
        notes=["信息有误的，并由本人在网上进行图像信息校对时进行更正。"],
    )


def twenty_steps() -> Procedure:
    """20 steps: 15 on the main path (3 conditions, one branch each), 5 on side paths."""
    p = "data/demo/procedure.yaml"

    def s(*args, **kw):
        return step(*args, path=p, **kw)

    return procedure(
        title="学位证书办理流程",
        steps=[
            s("apply", "登录教务系统提交学位申请", line=3),
            s("print", "打印《学位申请表》一式两份", line=5),
            s("sign", "辅导员签字并加盖学院公章", line=7),
            s("fees-ok", "是否已结清学费、住宿费？", kind="condition", branches=[("尚有欠费", "pay-fees")], line=9),
            s("credits", "学院教学秘书审核学分，核对培养方案中的必修课程", line=14),
            s("credits-ok", "学分是否满足毕业要求？", kind="condition", branches=[("学分不足", "retake")], line=16),
            s("thesis", "提交毕业论文电子版至学校论文检测系统（http://check.example.edu.cn/upload?year=2014）",
              line=21),
            s("defence", "参加论文答辩", line=23),
            s("committee", "学院学位评定分委员会审议", note="每年6月、12月各召开一次", line=25),
            s(
                "approve-ok",
                "校学位评定委员会是否审议通过？",
                kind="condition",
                note="审议结果另行书面通知",
                branches=[("未通过", "appeal")],
                line=27,
            ),
            s("publish", "学位授予名单在校园网公示7天", line=32),
            s("register", "教务处办理学位证书电子注册", line=34),
            s("photo", "核对学位证书照片与学信网图像信息", line=36),
            s("collect", "本人持身份证到学院领取学位证书", line=38),
            s("done", "办理完毕", kind="end", line=40),
        ],
        side_steps=[
            s("pay-fees", "到财务处缴清欠费，取得缴费凭证", next="credits", line=44),
            s("retake", "报名参加重修或补考", next="retake-pass", line=47),
            s("retake-pass", "重修成绩合格后由学院重新提交审核", next="credits", line=50),
            s("appeal", "七个工作日内向校学位评定委员会提出书面申诉", next="appeal-end", line=53),
            s("appeal-end", "申诉未获支持的，本次不授予学位", kind="end", line=56),
        ],
        notes=["各环节办理时间以学院通知为准。", "Contact: degree-office@example.edu.cn"],
    )


def tangled() -> Procedure:
    """Everything the layout must route round: three branches from one diamond,
    a side path looping back up to the first step, one returning to its own
    condition, a condition too long for a diamond (a hexagon), notes, <script>."""
    p = "data/tangled/procedure.yaml"

    def s(*args, **kw):
        return step(*args, path=p, **kw)

    return procedure(
        title="<script>alert(1)</script> & co",
        steps=[
            s("start", "提交申请 <script>alert('x')</script>", line=3),
            s(
                "check",
                "材料是否齐全？",
                kind="condition",
                note="以受理窗口的清单为准",
                branches=[("缺少材料", "add"), ("材料有误需重填", "redo"), ("不符合条件", "refuse")],
                line=5,
            ),
            s("review", "窗口工作人员受理并当场审核", line=12),
            s(
                "long-cond",
                "申请人是否已在规定期限内（2014年5月31日前）提交全部材料并通过资格审查？",
                kind="condition",
                branches=[("逾期", "late")],
                line=14,
            ),
            s("finish", "办结，短信通知申请人领取（详见https://example.edu.cn/notice/2014/apply-result.html）",
              kind="end", line=18),
        ],
        side_steps=[
            s("add", "补齐材料", next="add-2", line=22),
            s("add-2", "重新排队取号", note="当日有效", next="start", line=24),
            s("redo", "按要求重新填写申请表", next="check", line=27),
            s("refuse", "不予受理，说明理由", kind="end", line=30),
            s("late", "提交逾期说明，经批准后补办", next="finish", line=33),
        ],
        notes=["本流程仅用于测试。"],
    )


def odd_shapes() -> Procedure:
    """Allowed but unusual (warnings at most): no end step, two side paths that
    meet in one side step, a side step nothing leads to, one that just stops."""
    p = "data/odd/procedure.yaml"

    def s(*args, **kw):
        return step(*args, path=p, **kw)

    return procedure(
        title="Odd shapes",
        steps=[
            s("one", "First step, in English: check the form", line=3),
            s("q1", "Form complete?", kind="condition", branches=[("no", "ask")], line=5),
            s("two", "二", line=8),
            s("q2", "是否需要复核？", kind="condition", branches=[("需要复核", "recheck"), ("材料遗失", "lost")],
              line=10),
            s("three", "三", line=14),
        ],
        side_steps=[
            s("ask", "Ask for the missing pages", next="meet", line=18),
            s("recheck", "复核", next="meet", line=20),
            s("meet", "汇总后统一处理", next="three", line=22),
            s("lost", "登记遗失", line=24),
            s("orphan", "无人到达的步骤", next="two", line=26),
        ],
    )
