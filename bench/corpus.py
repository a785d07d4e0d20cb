#!/usr/bin/env python3
"""A synthetic archive of N notices, for benchmarks at scale.

    .venv/bin/python bench/corpus.py DIR --n 1000 [--format ours|hugo|pelican] [--seed 0]

``generate(root, n)`` writes a project in our format (docs/data-format.md):
``data/site.yaml``, the shared ``data/offices.yaml`` (the real one) and
``data/colleges.yaml``, the templates (a copy of ``layouts/``), and per notice
``content/<slug>/notice.md`` with front matter (number 校教通〔YYYY〕NNN号,
title, issuer, addressees, a date between 2011 and 2024, key dates like the
example's, one of them "N working days after photos") and about 3 KB (UTF-8)
of Chinese Markdown; ``data/<slug>/schedule.yaml`` (14 sessions over two days,
none overlapping) and ``data/<slug>/procedure.yaml`` (main steps, a condition
with two branches, two side steps that rejoin).

``generate_hugo(root, n)`` and ``generate_pelican(root, n)`` lay out the same
notices for Hugo and Pelican: the same bodies, with the schedule appended as a
Markdown table and the procedure as a numbered list (these tools have no data
model for either), and a minimal configuration each.

Everything is deterministic: notice ``i`` depends only on ``seed`` and ``i``,
not on ``n``, so a corpus of 100 is the first 100 notices of a corpus of 1000.
The corpus passes ``build.py check`` with no errors. Its warnings (at 1000: 40 and 7): ``no-date``
for the notices it leaves undated, and ``stale-accept`` for the acknowledgements in the real
offices.yaml, whose mixed dashes no notice of the corpus lists.
"""
from __future__ import annotations

import argparse
import datetime as dt
import random
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

FIRST_YEAR, LAST_YEAR = 2011, 2024  # dates of issue; working-day counts then stay within 2010–2025
BODY_BYTES = 3000  # "about 3 KB" of Markdown body, UTF-8
ISSUER = "湖南理工学院教务处"

COLLEGES = ["政法学院", "体育学院", "中文学院", "外语学院", "新闻学院", "音乐学院", "美术学院", "数学学院",
            "物电学院", "化工学院", "机械学院", "信息学院", "计算机学院", "土建学院", "经管学院"]

# ---- the vocabulary: phrases of real notices of a school's academic affairs office ----

TOPICS = [
    "毕业生图像信息采集", "期末考试", "学生学籍注册", "本科教学质量评估", "实践教学检查", "课程重修报名",
    "全国大学英语四、六级考试报名", "普通话水平测试", "毕业论文（设计）答辩", "教材征订", "学生网上选课",
    "转专业", "创新创业学分认定", "青年教师教学竞赛", "期中教学检查", "补考", "学位授予审核",
    "教学日历填报", "实验室开放", "专业认证自评", "大学生学科竞赛报名", "毕业资格审核", "成绩录入",
    "学生评教", "辅修专业报名", "教学档案整理", "计算机等级考试报名", "优秀毕业论文评选",
]
TITLE_PATTERNS = ["关于做好{year}年{topic}工作的通知", "关于开展{year}年{topic}的通知",
                  "关于{year}年{topic}有关事项的通知", "关于组织{year}届{topic}工作的通知"]
ADDRESSEES = ["校属各教学院", "各教学单位", "各学院、各部门", "校属各教学院，各相关职能部门"]
PLACES = ["南校区6号楼一楼学术报告厅", "东校区图书馆报告厅", "南校区10号楼一楼大厅", "北校区行政楼三楼会议室",
          "南校区体育馆", "东校区2号教学楼101室", "南校区8号楼学术报告厅", "北校区实验楼一楼大厅"]
OPENINGS = [
    "接上级主管部门通知，", "根据教育部有关文件精神，", "为进一步加强教学管理，", "经学校研究决定，",
    "为规范教学管理工作，", "根据学校本学期教学工作安排，", "为切实提高人才培养质量，",
]
SUBJECTS = ["各学院", "各教学单位", "各系（部）", "各班辅导员", "相关职能部门", "各专业负责人",
            "各学院教学秘书", "参加本次工作的同学", "各学院主管教学的副院长"]
MODALS = ["要", "务必", "应", "须", "请"]
ACTIONS = [
    "高度重视{topic}工作，加强组织领导",
    "认真组织学生学习有关文件精神",
    "安排专人负责{topic}的组织协调工作",
    "按时完成相关材料的收集、整理和上报",
    "加强宣传和动员，确保通知到每一位相关同学",
    "严格按照时间安排表组织学生提前10分钟到达指定地点",
    "认真核对学生姓名、学号、身份证号等关键信息",
    "做好相关数据的统计和汇总工作",
    "于规定时间内将签字盖章的纸质材料报送教务处",
    "对照本人身份证认真核对本人信息后签名确认",
    "妥善保管有关材料，不得遗失或涂改",
    "及时将工作中遇到的问题反馈至教务处",
    "按照学号顺序组织学生排队等候",
    "做好学生的思想教育工作，维护良好秩序",
]
TAILS = [
    "确保工作顺利完成", "避免出现遗漏和差错", "如有疑问请及时与教务处联系", "逾期不予受理",
    "不得擅自更改时间安排", "由此造成的后果由学生本人负责", "确保各项工作落到实处",
    "经本学院主管领导签字认可后统一报送", "做到不漏一人", "保证信息准确无误",
]
REMARKS = [
    "本次{topic}工作关系到每一位学生的切身利益，",
    "因{topic}工作时间安排紧凑，",
    "鉴于{topic}工作涉及面广、任务重，",
    "为保证{topic}工作有序进行，",
    "凡未按时参加{topic}的，将视为自动放弃，",
]
SECTIONS = [
    ("工作对象", "工作安排"), ("组织实施", "工作要求"), ("材料报送", "注意事项"),
]
SUBSECTIONS = ["信息核对", "信息错误更改", "组织管理", "材料报送", "费用收取", "结果公布", "监督检查"]
CLOSINGS = [
    "请各学院务必按本通知要求做好前期准备工作，确保{topic}工作顺利完成。",
    "特此通知。请各单位遵照执行。",
    "请各学院高度重视，认真组织，确保{topic}工作按时保质完成。",
]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蔡蒋余杜叶程魏苏吕丁任沈姚卢"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉萍红玲晶颖慧建国文斌鹏辉宇浩凯丹薇湛翀莎旻"
MOBILE_PREFIXES = ["130", "133", "135", "137", "138", "139", "150", "152", "158", "159", "180", "182", "187", "189"]
STEP_LABELS = {
    "verify": ["对照本人身份证核对姓名、性别、身份证号等关键信息", "核对本人学号、姓名及专业信息",
               "查阅本人在教务系统中的相关记录"],
    "queue": ["按辅导员老师持有的名册顺序（学号由小至大）排队等候", "凭本人学生证进入指定区域等候",
              "在指定地点按班级顺序等候"],
    "submit": ["提交签字确认的《核对表》", "交费并领取回执", "填写并提交相关申请表"],
    "attend": ["按照核对名册顺序完成现场工作", "由工作人员现场审核并登记", "参加现场确认"],
    "end": ["工作完成后登录教务系统在线查询结果，有误的请与教务处联系", "结果经学校审核后统一公布",
            "在规定时间内登录教务系统确认本人信息"],
}


@dataclass
class Session:
    date: dt.date
    start: str
    end: str
    college: str
    students: int
    person: str
    phone: str


@dataclass
class Notice:
    """One synthetic notice, in a neutral form every output format is written from."""

    slug: str
    number: str
    title: str
    addressees: str
    date: dt.date | None
    topic: str
    key_dates: list[dict]
    body: str
    schedule_title: str
    location: str
    sessions: list[Session]
    procedure_title: str
    steps: list[dict]
    side_steps: list[dict]

    @property
    def sort_date(self) -> dt.date:  # our site's order: undated notices count as 12-31 of their year
        return self.date or dt.date(int(self.slug[:4]), 12, 31)


def zh_date(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def make_notice(i: int, seed: int = 0) -> Notice:
    rng = random.Random(f"noticesite-corpus-{seed}-{i}")
    years = LAST_YEAR - FIRST_YEAR + 1
    year = FIRST_YEAR + i % years
    # Unique per year: notice i takes one of three numbers in its own block of three.
    seq = (i // years) * 3 + 1 + rng.randrange(3)
    slug, number = f"{year}-{seq:03d}", f"校教通〔{year}〕{seq:03d}号"
    topic = rng.choice(TOPICS)
    title = rng.choice(TITLE_PATTERNS).format(year=year, topic=topic)
    issued = dt.date(year, 1, 1) + dt.timedelta(days=rng.randrange(340))
    forms = issued + dt.timedelta(days=rng.randrange(2, 8))
    corrections = forms + dt.timedelta(days=rng.randrange(3, 7))
    photos = corrections + dt.timedelta(days=rng.randrange(10, 21))
    while not (_workday(photos) and _workday(photos + dt.timedelta(days=1))):  # two working days running
        photos += dt.timedelta(days=1)
    day2 = photos + dt.timedelta(days=1)
    location = rng.choice(PLACES)
    working_days = rng.randrange(20, 41)
    key_dates = [
        {"id": "forms", "label": f"到教务处208办公室领取{topic}相关材料", "date": forms.isoformat()},
        {"id": "corrections", "label": "信息有误者到教务处208办公室核查的截止日期",
         "date": corrections.isoformat(), "kind": "deadline"},
        {"id": "photos", "label": f"{topic}（{location}）", "date": photos.isoformat(), "end": day2.isoformat()},
        {"id": "proofread", "label": "登录教务系统在线校对本人信息",
         "date": f"{working_days} working days after photos"},
    ]
    sessions = _sessions(rng, photos, day2)
    body = _body(rng, topic, forms, corrections, photos, day2, location, working_days)
    steps, side_steps = _procedure(rng)
    return Notice(slug, number, title, rng.choice(ADDRESSEES),
                  None if i % 25 == 7 else issued,  # a few undated, like the example
                  topic, key_dates, body, f"{year}年{topic}时间安排表", location, sessions,
                  f"{topic}流程图", steps, side_steps)


def _workday(day: dt.date) -> bool:
    try:
        import chinese_calendar  # the official calendar, as the build uses it
    except ImportError:
        return day.weekday() < 5
    return chinese_calendar.is_workday(day)


def _sessions(rng: random.Random, day1: dt.date, day2: dt.date) -> list[Session]:
    colleges = rng.sample(COLLEGES, 14)
    sessions: list[Session] = []
    # 14 rows: day 1 has four in the morning and four in the afternoon, day 2 three and three.
    # At most four sessions of 55 minutes from 08:00 end by 11:40, from 14:00 by 17:40.
    for day, per_half in ((day1, 4), (day2, 3)):
        for first in (8 * 60, 14 * 60):
            minute = first
            for _ in range(per_half):
                length = rng.choice([30, 35, 40, 45, 50])
                college = colleges[len(sessions)]
                sessions.append(Session(day, _hhmm(minute), _hhmm(minute + length), college,
                                        rng.randrange(100, 400), _person(rng), _phone(rng)))
                minute += length + rng.choice([0, 0, 5])
    return sessions


def _hhmm(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


def _person(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice([1, 2])))


def _phone(rng: random.Random) -> str:
    if rng.random() < 0.15:
        return f"0730-{rng.randrange(8640000, 8649999)}"
    return rng.choice(MOBILE_PREFIXES) + f"{rng.randrange(10**8):08d}"


def _sentence(rng: random.Random, topic: str) -> str:
    action = rng.choice(ACTIONS).format(topic=topic)
    start = rng.choice(REMARKS).format(topic=topic) if rng.random() < 0.3 else ""
    return f"{start}{rng.choice(SUBJECTS)}{rng.choice(MODALS)}{action}，{rng.choice(TAILS)}。"


def _paragraph(rng: random.Random, topic: str, sentences: int) -> str:
    return "".join(_sentence(rng, topic) for _ in range(sentences))


def _body(rng: random.Random, topic: str, forms: dt.date, corrections: dt.date, photos: dt.date,
          day2: dt.date, location: str, working_days: int) -> str:
    numerals = "一二三四五六七八九十"
    when = f"{photos.year}年{photos.month}月{photos.day}—{day2.day}日" if photos.month == day2.month \
        else f"{zh_date(photos)}—{zh_date(day2)}"
    intro = (f"{rng.choice(OPENINGS)}我校{topic}工作安排在{when}两天完成。"
             f"现将有关安排及注意事项通知如下：")
    first, third = rng.choice(SECTIONS)
    parts = [intro,
             f"## 一、{first}", _paragraph(rng, topic, 3),
             "## 二、时间及地点",
             f"{topic}时间：{when}，各学院相对集中进行，具体时间安排见附件1。",
             f"{topic}地点：{location}。",
             f"## 三、{third}"]
    subsections = rng.sample(SUBSECTIONS, 3)
    parts += [f"### （一）{subsections[0]}",
              f"各学院要安排专人负责，并于{forms.month}月{forms.day}日到教务处208办公室领取相关材料。"
              + _paragraph(rng, topic, 2),
              f"### （二）{subsections[1]}",
              f"若学生信息有错误，应于{corrections.month}月{corrections.day}日前到教务处208办公室核查。"
              + _paragraph(rng, topic, 1),
              f"### （三）{subsections[2]}", _paragraph(rng, topic, 2),
              "## 四、注意事项"]
    closing = rng.choice(CLOSINGS).format(topic=topic)
    items = [f"（一）参加本次工作的同学须于完成后{working_days}个工作日内登录教务系统，在线校对本人信息。"]
    while len("\n\n".join(parts + items + [closing]).encode()) < BODY_BYTES and len(items) < len(numerals):
        items.append(f"（{numerals[len(items)]}）" + _paragraph(rng, topic, rng.randrange(1, 3)))
    return "\n\n".join(parts + items + [closing]) + "\n"


def _procedure(rng: random.Random) -> tuple[list[dict], list[dict]]:
    pick = {key: rng.choice(labels) for key, labels in STEP_LABELS.items()}
    steps = [
        {"id": "verify", "label": pick["verify"], "note": "并由本人在网上校对时进行更正。"},
        {"id": "info-ok", "kind": "condition", "label": "个人信息是否正确？",
         "branches": [{"when": "信息有误", "to": "fix-info"}, {"when": "身份信息已变更", "to": "changed-identity"}]},
        {"id": "queue", "label": pick["queue"]},
        {"id": "submit", "label": pick["submit"]},
        {"id": "attend", "label": pick["attend"]},
        {"id": "done", "kind": "end", "label": pick["end"], "note": "有错误的请与教务处208办公室联系。"},
    ]
    side_steps = [
        {"id": "fix-info", "label": "携带本人身份证原件及复印件，到教务处208办公室核查", "next": "queue"},
        {"id": "changed-identity", "label": "提供公安部门出具的《公民信息变更证明》原件及本人身份证复印件，"
                                           "到教务处208办公室核查", "next": "queue"},
    ]
    return steps, side_steps


def notices(n: int, seed: int = 0) -> list[Notice]:
    return [make_notice(i, seed) for i in range(n)]


# ---- our format ---------------------------------------------------------------------------


def _flow(mapping: dict) -> str:
    """A YAML flow mapping of plain scalars, as the example writes its rows."""
    return "{" + ", ".join(f"{k}: {v}" for k, v in mapping.items()) + "}"


def _notice_md(notice: Notice) -> str:
    lines = ["---", f"number: {notice.number}", f"title: {notice.title}", f"issuer: {ISSUER}",
             f"addressees: {notice.addressees}",
             f"date: {notice.date.isoformat()}" if notice.date else "date:                       # undated",
             "key_dates:"]
    lines += [f"  - {_flow(k)}" for k in notice.key_dates]
    lines += ["attachments:",
              f"  - title: {notice.schedule_title}", "    type: schedule", f"    data: {notice.slug}/schedule.yaml",
              f"  - title: {notice.procedure_title}", "    type: procedure", f"    data: {notice.slug}/procedure.yaml",
              "---"]
    return "\n".join(lines) + "\n" + notice.body


def _schedule_yaml(notice: Notice) -> str:
    lines = [f"title: {notice.schedule_title}", f"location: {notice.location}", "columns:",
             "  - {key: college,  label: 学院,     type: text}",
             "  - {key: students, label: 在籍人数, type: count}",
             "  - {key: person,   label: 负责人,   type: person}",
             "  - {key: phone,    label: 联系电话, type: phone}",
             "sessions:"]
    for s in notice.sessions:
        lines.append(f"  - {{date: {s.date.isoformat()}, start: {s.start}, end: {s.end}, college: {s.college}, "
                     f"students: {s.students}, person: {s.person}, phone: {s.phone}}}")
    return "\n".join(lines) + "\n"


def _procedure_yaml(notice: Notice) -> str:
    lines = [f"title: {notice.procedure_title}", "steps:"]

    def step(s: dict) -> None:
        lines.append(f"  - id: {s['id']}")
        for key in ("kind", "label", "note", "next"):
            if key in s:
                lines.append(f"    {key}: {s[key]}")
        if "branches" in s:
            lines.append("    branches:")
            lines.extend(f"      - {_flow(b)}" for b in s["branches"])

    for s in notice.steps:
        step(s)
    lines.append("side_steps:")
    for s in notice.side_steps:
        step(s)
    lines.append("notes: []")
    return "\n".join(lines) + "\n"


def _colleges_yaml() -> str:
    return "colleges:\n" + "".join(f'  - {{name: {name}, code: "{i:02d}"}}\n' for i, name in enumerate(COLLEGES, 1))


def generate(root: Path, n: int, seed: int = 0) -> Path:
    """Write a project of ``n`` notices in our format under ``root``; returns ``root``."""
    root = Path(root)
    (root / "data").mkdir(parents=True, exist_ok=True)
    (root / "content").mkdir(parents=True, exist_ok=True)
    shutil.copyfile(REPO / "data" / "site.yaml", root / "data" / "site.yaml")
    shutil.copyfile(REPO / "data" / "offices.yaml", root / "data" / "offices.yaml")
    (root / "data" / "colleges.yaml").write_text(_colleges_yaml(), encoding="utf-8")
    if (root / "layouts").exists():
        shutil.rmtree(root / "layouts")
    shutil.copytree(REPO / "layouts", root / "layouts")
    for notice in notices(n, seed):
        folder = root / "content" / notice.slug
        folder.mkdir(exist_ok=True)
        (folder / "notice.md").write_text(_notice_md(notice), encoding="utf-8")
        data = root / "data" / notice.slug
        data.mkdir(exist_ok=True)
        (data / "schedule.yaml").write_text(_schedule_yaml(notice), encoding="utf-8")
        (data / "procedure.yaml").write_text(_procedure_yaml(notice), encoding="utf-8")
    return root


# ---- Hugo and Pelican: the same notices, data as Markdown in the body -------------------


def _appendix(notice: Notice) -> str:
    """The attachments as Markdown, for tools without a data model for them."""
    rows = ["| 日期 | 时间 | 学院 | 在籍人数 | 负责人 | 联系电话 |", "|---|---|---|---|---|---|"]
    rows += [f"| {zh_date(s.date)} | {s.start}—{s.end} | {s.college} | {s.students} | {s.person} | {s.phone} |"
             for s in notice.sessions]
    total = sum(s.students for s in notice.sessions)
    rows.append(f"| 合计 |  |  | {total} |  |  |")
    flow = []
    for number, s in enumerate(notice.steps, 1):
        line = f"{number}. {s['label']}"
        for b in s.get("branches", []):
            side = next(x for x in notice.side_steps if x["id"] == b["to"])
            line += f"\n    - {b['when']}：{side['label']}"
        flow.append(line)
    return "\n".join([
        "", f"## 附件1：{notice.schedule_title}", "", f"地点：{notice.location}", "", *rows,
        "", f"## 附件2：{notice.procedure_title}", "", *flow, "",
    ])


HUGO_CONFIG = """\
baseURL = "https://jwc.example.edu.cn/"
languageCode = "zh-cn"
title = "湖南理工学院教务处通知"
# Only the pages our site writes too: the home page, one page per notice.
disableKinds = ["taxonomy", "term", "rss", "sitemap", "robotstxt"]
"""
HUGO_SINGLE = """\
<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>{{ .Title }} - {{ site.Title }}</title></head>
<body><main><h1>{{ .Title }}</h1>
<p>{{ .Params.number }} {{ with .Date }}{{ .Format "2006-01-02" }}{{ end }}</p>
{{ .Content }}
</main></body></html>
"""
HUGO_LIST = """\
<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>{{ .Title }} - {{ site.Title }}</title></head>
<body><main><h1>{{ .Title }}</h1><ul>
{{ range .Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a> {{ .Params.number }}</li>
{{ end }}</ul></main></body></html>
"""
HUGO_INDEX = """\
<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>{{ site.Title }}</title></head>
<body><main><h1>{{ site.Title }}</h1><ul>
{{ range site.RegularPages.ByDate.Reverse }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a> {{ .Params.number }}</li>
{{ end }}</ul></main></body></html>
"""


def _yaml_str(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def generate_hugo(root: Path, n: int, seed: int = 0) -> Path:
    """The same notices as a Hugo site: content/<slug>/index.md, no theme."""
    root = Path(root)
    (root / "layouts" / "_default").mkdir(parents=True, exist_ok=True)
    (root / "hugo.toml").write_text(HUGO_CONFIG, encoding="utf-8")
    (root / "layouts" / "_default" / "single.html").write_text(HUGO_SINGLE, encoding="utf-8")
    (root / "layouts" / "_default" / "list.html").write_text(HUGO_LIST, encoding="utf-8")
    (root / "layouts" / "index.html").write_text(HUGO_INDEX, encoding="utf-8")
    for notice in notices(n, seed):
        folder = root / "content" / notice.slug
        folder.mkdir(parents=True, exist_ok=True)
        front = ["---", f"title: {_yaml_str(notice.title)}", f"date: {notice.sort_date.isoformat()}",
                 f"number: {_yaml_str(notice.number)}", f"issuer: {_yaml_str(ISSUER)}",
                 f"addressees: {_yaml_str(notice.addressees)}", "---", ""]
        (folder / "index.md").write_text("\n".join(front) + notice.body + _appendix(notice), encoding="utf-8")
    return root


PELICAN_CONFIG = """\
AUTHOR = "湖南理工学院教务处"
SITENAME = "湖南理工学院教务处通知"
SITEURL = ""
PATH = "content"
ARTICLE_PATHS = [""]
TIMEZONE = "Asia/Shanghai"
DEFAULT_LANG = "zh"
RELATIVE_URLS = True
# The same URLs as our site: /<slug>/
ARTICLE_URL = "{slug}/"
ARTICLE_SAVE_AS = "{slug}/index.html"
"""


def generate_pelican(root: Path, n: int, seed: int = 0) -> Path:
    """The same notices as a Pelican site: content/<slug>.md with Title/Date/Slug, default theme."""
    root = Path(root)
    (root / "content").mkdir(parents=True, exist_ok=True)
    (root / "pelicanconf.py").write_text(PELICAN_CONFIG, encoding="utf-8")
    for notice in notices(n, seed):
        meta = [f"Title: {notice.title}", f"Date: {notice.sort_date.isoformat()}", f"Slug: {notice.slug}",
                f"Number: {notice.number}", ""]
        (root / "content" / f"{notice.slug}.md").write_text(
            "\n".join(meta) + "\n" + notice.body + _appendix(notice), encoding="utf-8")
    return root


GENERATORS = {"ours": generate, "hugo": generate_hugo, "pelican": generate_pelican}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Write a synthetic archive of N notices.")
    parser.add_argument("dir", type=Path, help="where to write the project (created if missing)")
    parser.add_argument("--n", type=int, default=1000, help="number of notices (default: %(default)s)")
    parser.add_argument("--format", choices=sorted(GENERATORS), default="ours", help="default: %(default)s")
    parser.add_argument("--seed", type=int, default=0, help="default: %(default)s")
    args = parser.parse_args(argv)
    if args.dir.exists() and any(args.dir.iterdir()):
        print(f"{args.dir} is not empty; give a new folder", file=sys.stderr)
        return 2
    GENERATORS[args.format](args.dir, args.n, args.seed)
    print(f"wrote {args.n} notice(s) in the {args.format} format into {args.dir}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
