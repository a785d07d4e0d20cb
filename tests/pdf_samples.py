"""A sample site built from model objects, for the PDF tests and the benchmark.

The content is the real notice 校教通〔2012〕104号 (``../shared/seed``): its
body, the 14-session schedule, the instructions, the make-up information
with the 30-office directory, and the procedure. Nothing here reads ``data/``,
so the PDF stage can be tested before (and apart from) the loaders.
"""
from __future__ import annotations

import datetime as dt
import re
import shutil
from pathlib import Path

import markdown

from noticesite import flow
from noticesite.fields import parse_phone
from noticesite.model import (Attachment, Branch, CardField, CheckedProcedure, CollegeCode, Column, Contact,
                              Directory, Location, Makeup, Notice, Office, Phone, Procedure, Schedule, Session,
                              Site, SiteConfig, Step, TimeRange)

ROOT = Path(__file__).resolve().parent.parent

NOTICE_MD = """\
接新华社湖南分社通知，我校2014届毕业生电子注册图像信息采集工作安排在2013年1月3—4日两天完成。现将有关安排及注意事项通知如下：

一、图像信息采集对象

本次图像信息采集对象为2014届预计毕业生（2010级各专业和2009级建筑学专业）。学籍在2010级但本人目前未在校的学生、经管学院2010级全体学生因在外地实习，本次未予安排，定于2014年再行采集。请各学院务必将本通知告知到每一位相关同学。

二、图像采集时间及地点

图像采集时间：2013年1月3—4日，各学院相对集中进行，具体时间安排见附件1。

图像采集地点：南校区6号楼一楼学术报告厅。

三、工作安排

（一）信息核对

各学院要安排专人负责学生图像采集工作，并于12月14日到教务处208办公室领取学生《图像采集信息卡》和《2014届预计毕业生图像采集信息核对表》（简称《核对表》），于图像采集前发放到学生本人。要求学生对照本人身份证认真核对本人姓名、身份证号等关键信息后在《核对表》上本人确认签名，经本学院辅导员和主管学生工作的院领导签字认可，于学生图像信息采集完毕后交教务处现场工作人员。

（二）信息错误更改

若学生信息有错误，应在《核对表》上注明，并携带本人身份证原件及复印件，于12月19日前到教务处208办公室核查。学生身份信息发生了变更的须提供县级以上公安局出具的公安部统一规范格式的《公民信息变更证明》原件。

（三）图像采集组织管理

请各学院图像信息采集负责人组织学生学习《全国高等教育学历证书电子注册图像采集工作毕业生须知》（附件2），按照时间安排表提前10分钟组织本学院学生到达指定照相地点，并按照《核对表》上的名单顺序组织学生排队等候，按图像采集流程（见附件4）完成采集任务。因图像采集时间安排紧凑，请务必提前作好资料、个人形象、服装等相关准备。

四、注意事项

（一）本次信息采集关系到学生一生在学历信息网及毕业证和学位证上的形象，各学院一定要提前检查学生个人形象准备：男生理短发，不留胡须，照相时务必着正装：浅色衬衣，深色西装或外套（最好配戴领带）；女生着深色正装或带领子的衣服，留有长发的要露出双耳。

（二）按教育部文件规定，毕业生图像信息采集费为15元／人，学生持《图像采集信息卡》交费、采集图像。照相当天以班为单位统一交费。

（三）待照片返回，各学院应及时进行清理核对，特别要注意有过学籍异动的学生的相片，如有错误或遗失，应立即与中国图片社联系，电话：010-63072281。

（四）参加了本次图像采集的同学须于图像采集完40个工作日后登录中国高等教育学生信息网（http://www.chsi.com.cn/）的“学历电子注册图像核对系统”，在线校对本人图像及有关信息，并提交修改意见，有错误的经网上审核后予以更正。凡未按时校对的，将导致网上学历证书电子注册信息中无图像或图像信息错误。

（五）在外地实习、因各种特殊原因无法在规定时间内参加学校组织的图像信息采集的学生，经批准可参加下一届学生图像信息采集，或自行与邻近的新华社分社联系就近参加拍摄。具体联系方式及填写的《机读卡》的相关信息见附件3。

（六）6号楼一楼学术报告厅在2013年1月3—4日两天将作为图像采集的工作室，届时请勿安排其他活动。

请各学院务必按本通知要求做好前期准备工作，确保毕业生图像信息采集工作顺利完成。
"""

INSTRUCTIONS_MD = """\
各高校毕业生：

为了确保您的毕业证书图像信息顺利进行电子注册和网上查询，请认真阅读本须知：

一、全国高等学校学生信息咨询与就业指导中心是负责高等教育学历证书网上查询和认证服务的专门机构；新华社中国图片社受教育部委托，负责全国高等教育学历证书图像采集工作。

二、毕业生图像拍摄是学历电子注册工作中的重要环节，拍摄的照片将由学校粘贴到毕业证书上，而拍摄的电子图像将上报教育部，作为学历证书的重要内容进行电子注册，并提供网上查询。

三、中国高等教育学生信息网（www.chsi.com.cn）是教育部惟一指定发布学历信息的网站。为了保证您毕业证书图像信息的准确性，我们在该网上开通学历电子注册图像校对系统，请您及时登录网站，按照系统提示的要求认真校对相关信息，校对系统开通的准确时间请随时关注网站提示。

四、从拍摄到图像信息上网校对，大约需要40天的工作周期，因此请毕业生校对前注意系统开通时间、采集工作周期以及网站上公布的提供图像上网校对的高校名单。

五、如在图像校对过程中，发现关键信息（图像和证件号码）有错，或与您同一批拍摄的其他同学可以查询到图像，而您查询不到自己的图像，请直接与高校学籍管理部门联系，由高校集中后，统一反馈给我们。我们会及时修改，供您择日进行校对。如果网站上没有上网校对的高校名单，则有可能图像上网校对的准备工作尚未完成，而不一定是图像信息有误。

六、由于图像校对内容涉及您的个人信息，建议您不要委托他人代劳；同时严禁未经本人允许，尝试校对他人的图像信息。

七、从2008年开始，毕业生学历证书电子注册的图像信息直接采用经毕业生本人在中国高等教育学生信息网上核对无误的图像信息，未及时在网上进行图像校对的毕业生其学历证书电子注册信息中将无图像信息，其后果由学生本人承担。
"""

# (date, start, end, college, students, person, phone) — 24-hour times.
SESSIONS = [
    ("2013-01-03", "08:00", "08:40", "政法学院", 169, "胡美玲", "15973010514"),
    ("2013-01-03", "08:40", "09:20", "数学学院", 162, "张晋超", "13907306636"),
    ("2013-01-03", "09:25", "10:10", "中文学院", 155, "徐湛", "13975002540"),
    ("2013-01-03", "10:10", "11:10", "化工学院", 247, "易薇", "13786088667"),
    ("2013-01-03", "11:10", "11:40", "体育学院", 120, "异翀", "15207306896"),
    ("2013-01-03", "14:00", "14:35", "计算机学院", 126, "盛丽莎", "18207300068"),
    ("2013-01-03", "14:40", "15:25", "新闻学院", 178, "钟铭金", "13762759185"),
    ("2013-01-03", "15:30", "16:50", "土建学院", 317, "张明旻", "15273037289"),
    ("2013-01-03", "16:50", "17:30", "音乐学院", 161, "傅丹", "18707301648"),
    ("2013-01-04", "08:00", "09:30", "信息学院", 361, "徐照青", "15200298868"),
    ("2013-01-04", "09:35", "10:35", "美术学院", 240, "毛萍", "13975093099"),
    ("2013-01-04", "10:35", "11:30", "外语学院", 206, "石红芳", "13975090207"),
    ("2013-01-04", "14:00", "14:30", "物电学院", 120, "龙颜", "13975021916"),
    ("2013-01-04", "14:35", "16:00", "机械学院", 319, "蔡妍", "13627306510"),
]

# (name, phone as written, address): the 30 branch offices of the seed notice.
OFFICES = [
    ("天津分社", "022—23678033", "天津市南天区迎水道新华园"),
    ("江西分社", "0791—8536738", "江西省南昌市红谷滩新区赣江中大道688号"),
    ("宁夏分社", "0951—2967052", "宁夏银川市兴庆区文化西街33号"),
    ("甘肃分社", "0931-8863079", "兰州市东郊巷15号"),
    ("青海分社", "0971-7116542", "西宁市五一路20号"),
    ("山西分社", "0351—4665070", "山西太原市并州北路252号"),
    ("新疆分社", "0991—8805560", "乌鲁木齐市光明路18号"),
    ("湖北分社", "027—68881175", "湖北省武汉市武昌徐东大街354号"),
    ("安徽分社", "0551—3878063", "安徽省合肥市繁华大道306号"),
    ("内蒙分社", "0471—6664069", "呼和浩特市中山东路101号"),
    ("山东分社", "0531-82024793", "山东省济南市玉函路7号"),
    ("陕西分社", "029—87395802", "陕西省西安市陕西省政府院内"),
    ("海南分社", "0898--68527569", "海南省海口市滨海大道89号"),
    ("西藏分社", "0891—6326168", "西藏拉萨朵森格路27号"),
    ("黑龙江分社", "0451-82336776", "哈尔滨市香坊区珠江路35号"),
    ("吉林分社", "0431-8968324", "吉林省长春市中华路913号"),
    ("辽宁分社", "024-86893140", "辽宁省沈阳市皇姑区辽河街75号辽宁高校图像信息中心"),
    ("四川分社", "028—86129500", "四川省成都市陕西街34号"),
    ("河北分社", "0311—85872474", "河北省石家庄市富强大街88号"),
    ("福建分社", "0591—87381557", "福建省福州市仓山区金山建新中路2号"),
    ("河南分社", "0371—65975186", "河南省郑州市花园路85号"),
    ("上海采集中心", "021—56315305", "上海市闸北区宝源路10号A楼115甲图像采集中心"),
    ("云南分社", "0871—4094593", "昆明市滇池路－红塔西路中段"),
    ("贵州分社", "0851—6909769", "贵州省贵阳市北京路19号"),
    ("广西分社", "0771—5517554", "广西南宁市迎宾路1号"),
    ("广东分社", "020—83398378", "广东省广州市连新路158号"),
    ("重庆分社", "023—89079390", "重庆市渝北区新南路181号"),
    ("浙江分社", "0571—87056261", "浙江省杭州市体育场路499号"),
    ("北京地区", "010—63076115", "北京市宣武门大街甲1号中国图片社"),
    ("湖南分社", "0731—82250811", "长沙市迎宾路153号（福临之家五楼8512、8513、8514）"),
]

COLLEGES = ["政法学院", "体育学院", "中文学院", "外语学院", "新闻学院", "音乐学院", "美术学院", "数学学院",
            "物电学院", "化工学院", "机械学院", "信息学院", "计算机学院", "土建学院", "经管学院"]


def phone(raw: str) -> Phone:
    """A Phone as the schema checks it: one ASCII hyphen after the area code."""
    parsed = parse_phone(raw)
    assert parsed is not None, raw
    return parsed


def _t(text: str) -> dt.time:
    return dt.time.fromisoformat(text)


def _link_attachments(html: str, numbers: range) -> str:
    """附件N and bare URLs → links, as the content loader does."""
    html = re.sub(r"https?://[A-Za-z0-9._~:/?#@!$&'*+,;=%-]+",
                  lambda m: f'<a href="{m[0]}" rel="external noopener">{m[0]}</a>', html)
    return re.sub(r"附件(\d+)", lambda m: (f'<a href="attachment-{m[1]}.html">{m[0]}</a>'
                                          if int(m[1]) in numbers else m[0]), html)


def schedule() -> Schedule:
    src = Location("data/2012-104/schedule.yaml")
    columns = [Column("college", "学院", "text"), Column("students", "在籍人数", "count"),
               Column("person", "负责人", "person"), Column("phone", "联系电话", "phone")]
    sessions = [Session(dt.date.fromisoformat(d), _t(a), _t(b),
                        {"college": c, "students": n, "person": p, "phone": phone(ph)},
                        "南校区6号楼一楼学术报告厅", Location(src.path, 10 + i, 5))
                for i, (d, a, b, c, n, p, ph) in enumerate(SESSIONS)]
    return Schedule("2014届预计毕业生图像信息采集时间安排表", "南校区6号楼一楼学术报告厅", columns, sessions, src)


def directory(offices: list[tuple[str, str, str]] | None = None) -> Directory:
    src = Location("data/offices.yaml")
    return Directory("新华社各省（自治区）分社地址及联系电话",
                     [Office(n, phone(p), a, Location(src.path, 3 + i, 5))
                      for i, (n, p, a) in enumerate(offices or OFFICES)], src)


def makeup(offices: list[tuple[str, str, str]] | None = None) -> Makeup:
    src = Location("data/2012-104/makeup.yaml")
    contact = Contact("湖南新华分社", "长沙市迎宾路153号（福临之家8512、8513、8514、8515），湖南图像采集中心",
                      [phone("0731-82250811"), phone("82684582")], "建议学生前往补拍时，先电话联系。",
                      "每年9月至次年4月底", "每周星期三（节假日除外）",
                      [TimeRange(_t("08:30"), _t("11:30")), TimeRange(_t("15:00"), _t("17:00"))],
                      Location(src.path, 8, 3))
    fields = [CardField("学校地址", "湖南省岳阳市学院路湖南理工学院"), CardField("邮编", "414006"),
              CardField("收件人", "各学院教学秘书"), CardField("学校代码", "10543")]
    codes = [CollegeCode(name, f"{i:02d}") for i, name in enumerate(COLLEGES, start=1)]
    return Makeup("学生补拍时须填写的《机读卡》的相关信息：", fields, codes, contact, directory(offices), src)


def procedure() -> CheckedProcedure:
    """Checked, as loading checks a procedure: an attachment holds only a checked one."""
    src = Location("data/2012-104/procedure.yaml")

    def step(i: int, sid: str, label: str, kind: str = "step", note: str = "",
             branches: list[Branch] | None = None, nxt: str | None = None) -> Step:
        return Step(sid, label, kind, note, branches or [], nxt, Location(src.path, 3 + 4 * i, 5))  # type: ignore[arg-type]

    steps = [
        step(0, "verify", "对照本人身份证核对姓名、性别、身份证号等关键信息"),
        step(1, "info-ok", "个人信息是否正确？", "condition", branches=[Branch("信息有误", "fix-info")]),
        step(2, "queue", "按辅导员老师持有的名册顺序（学号由小至大）排队等候"),
        step(3, "pay", "交费", note="15元／人，请自备零钱"),
        step(4, "wait", "进入图像采集等候区"),
        step(5, "photo", "按照核对名册顺序，凭本人《图像采集卡》排队等候照相"),
        step(6, "check", "图像信息采集40个工作日后，登录http://www.chsi.com.cn中“学历电子注册图像校对系统”，"
                         "在线校对本人图像及有关信息，并提交修改意见", "end"),
    ]
    side = [step(7, "fix-info", "携带本人身份证原件及复印件，于12月19日前到教务处208办公室核查", nxt="queue")]
    notes = ["身份信息发生了变更的应提供县级以上公安局出具的公安部统一规范格式的《公民信息变更证明》"
             "原件并附上本人身份证复印件。",
             "有错误的请与教务处208办公室联系，并由本人在网上进行图像信息校对时进行更正。"]
    checked, problems = flow.checked(Procedure("毕业生图像采集流程图", steps, side, notes, src))
    assert checked is not None, problems
    return checked


def notice(*, date: dt.date | None = dt.date(2012, 12, 5),
           offices: list[tuple[str, str, str]] | None = None, body_md: str = NOTICE_MD) -> Notice:
    src = Location("content/2012-104/notice.md", 1, 1)
    numbers = range(1, 5)
    body_html = _link_attachments(markdown.markdown(body_md), numbers)
    instructions = markdown.markdown(INSTRUCTIONS_MD)
    attachments = [
        Attachment(1, "2014届预计毕业生图像信息采集时间安排表", "schedule", "attachment-1", "",
                   schedule(), Location(src.path, 8, 5)),
        Attachment(2, "全国高等教育学历证书电子注册图像采集工作毕业生须知", "text", "attachment-2",
                   instructions, None, Location("content/2012-104/instructions.md", 1, 1)),
        Attachment(3, "学生校外补拍信息及新华社各省（自治区）分社地址及联系电话表", "directory", "attachment-3", "",
                   makeup(offices), Location(src.path, 14, 5)),
        Attachment(4, "毕业生图像采集流程图", "procedure", "attachment-4", "",
                   procedure(), Location(src.path, 17, 5)),
    ]
    text = re.sub(r"<[^>]+>", "", body_html)
    return Notice("2012-104", "校教通〔2012〕104号", "关于做好2014届预计毕业生图像信息采集工作的通知",
                  "湖南理工学院教务处", "校属各教学院", date, 2012, body_html, text, attachments, src)


def site(**notice_options) -> Site:
    config = SiteConfig("湖南理工学院", "湖南理工学院教务处", "https://jwc.example.edu.cn/", "zh-CN",
                        "湖南理工学院教务处通知", Location("data/site.yaml"))
    return Site(config, [notice(**notice_options)], str(ROOT))


# ---- what the PDF stage printed -----------------------------------------------------------
# ``RenderReport.files`` lists (name, input hash, PDF in the cache); the build links those into
# the output folder. The tests and the benchmark read them there, or copy them out.


def printed(files: list[tuple[str, str, Path]], name: str) -> Path:
    """The cached PDF that ``files`` (a ``RenderReport.files``) lists for the document ``name``."""
    return {n: cached for n, _, cached in files}[name]


def copy_out(files: list[tuple[str, str, Path]], folder: Path) -> Path:
    """Copies the PDFs ``files`` lists into ``folder`` under their names, as the build lays them
    out (it links them): a copy that stays as printed when a later print changes the cache."""
    for name, _, cached in files:
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(cached, folder / name)
    return folder
