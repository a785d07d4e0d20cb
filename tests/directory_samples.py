"""Sample directories for the directory table, its filter script and the bench.

``real_directory()`` is the table of attachment 3 of notice 2012-104 (shared
seed ``notice-2012-104.txt``), transcribed as written: the phones keep their
dashes (em dashes, a doubled hyphen) in ``raw``, the addresses keep their typos
(哈乐滨市, 贵州市贵阳市).  ``synthetic_directory(n)`` makes n made-up offices
for the performance bench.
"""
from __future__ import annotations

import contextlib
import functools
import http.server
import random
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import jinja2

from noticesite.fields import parse_phone
from noticesite.model import Directory, Location, Office, Phone
from noticesite.pinyin import leading_places

SEED = "seed/notice-2012-104.txt"
FIRST_ROW_LINE = 234  # 天津分社; each row takes four lines (name, phone, address, blank)

# name, phone as written, address, province (not in the source: the name's place)
OFFICES: list[tuple[str, str, str, str]] = [
    ("天津分社", "022—23678033", "天津市南天区迎水道新华园", "天津"),
    ("江西分社", "0791—8536738", "江西省南昌市红谷滩新区赣江中大道688号", "江西"),
    ("宁夏分社", "0951—2967052", "宁夏银川市兴庆区文化西街33号", "宁夏"),
    ("甘肃分社", "0931-8863079", "兰州市东郊巷15号", "甘肃"),
    ("青海分社", "0971-7116542", "西宁市五一路20号", "青海"),
    ("山西分社", "0351—4665070", "山西太原市并州北路252号", "山西"),
    ("新疆分社", "0991—8805560", "乌鲁木齐市光明路18号", "新疆"),
    ("湖北分社", "027—68881175", "湖北省武汉市武昌徐东大街354号", "湖北"),
    ("安徽分社", "0551—3878063", "安徽省合肥市繁华大道306号", "安徽"),
    ("内蒙分社", "0471—6664069", "呼和浩特市中山东路101号", "内蒙古"),
    ("山东分社", "0531-82024793", "山东省济南市玉函路7号", "山东"),
    ("陕西分社", "029—87395802", "陕西省西安市陕西省政府院内", "陕西"),
    ("海南分社", "0898--68527569", "海南省海口市滨海大道89号", "海南"),
    ("西藏分社", "0891—6326168", "西藏拉萨朵森格路27号", "西藏"),
    ("黑龙江分社", "0451-82336776", "哈乐滨市香坊区珠江路35号", "黑龙江"),
    ("吉林分社", "0431-8968324", "吉林省长春市中华路913号", "吉林"),
    ("辽宁分社", "024-86893140", "辽宁省沈阳市皇姑区辽河街75号辽宁高校图像信息中心", "辽宁"),
    ("四川分社", "028—86129500", "四川省成都市陕西街34号", "四川"),
    ("河北分社", "0311—85872474", "河北省石家庄市富强大街88号", "河北"),
    ("福建分社", "0591—87381557", "福建省福州市仓山区金山建新中路2号", "福建"),
    ("河南分社", "0371—65975186", "河南省郑州市花园路85号", "河南"),
    ("上海采集中心", "021—56315305", "上海市闸北区宝源路10号A楼115甲图像采集中心", "上海"),
    ("云南分社", "0871—4094593", "昆明市滇池路－红塔西路中段", "云南"),
    ("贵州分社", "0851—6909769", "贵州市贵阳市北京路19号", "贵州"),
    ("广西分社", "0771—5517554", "广西省南宁市迎宾路1号", "广西"),
    ("广东分社", "020—83398378", "广东省广州市连新路158号", "广东"),
    ("重庆分社", "023—89079390", "重庆市渝北区新南路181号", "重庆"),
    ("浙江分社", "0571—87056261", "浙江省杭州市体育场路499号", "浙江"),
    ("北京地区", "010—63076115", "北京市宣武门大街甲1号中国图片社", "北京"),
    ("湖南分社", "0731—82250811", "长沙市迎宾路153号（福临之家五楼8512、8513、8514）", "湖南"),
]

def landline(raw: str) -> Phone:
    """A landline as written with its area code, read as the checker reads it: 022—23678033 ->
    display 022-23678033, tel tel:+86-22-23678033 (RFC 3966: no trunk 0)."""
    phone = parse_phone(raw)
    if phone is None or phone.kind != "landline":
        raise ValueError(f"expected an area code, a dash and 7 or 8 digits, got {raw!r}")
    return phone


def real_directory() -> Directory:
    """The 30 offices of the seed, in the source's order."""
    offices = [
        Office(
            name=name,
            phone=landline(raw),
            address=address,
            location=Location(SEED, FIRST_ROW_LINE + 4 * i, 2),
            province=province,
        )
        for i, (name, raw, address, province) in enumerate(OFFICES)
    ]
    return Directory(title="新华社各省（自治区）分社地址及联系电话表", offices=offices, source=Location(SEED, 230, 2))


_STREETS = "迎宾路 中山路 人民路 解放路 建设路 文化街 花园路 北京路 光明路 新华路 和平路 胜利街".split()


def synthetic_directory(n: int, seed: int = 2012) -> Directory:
    """n made-up offices built from the real ones, with varied names, phones
    and addresses: deterministic for a given seed."""
    rng = random.Random(seed)
    offices = []
    for i in range(n):
        name, raw, address, province = OFFICES[i % len(OFFICES)]
        area = "0" + landline(raw).tel.split("-")[1]  # the tel: URI's area code, whatever the dash
        local = f"{rng.randrange(2, 10)}{rng.randrange(10**6, 10**7):07d}"
        cities = [p for p in leading_places(address) if p.endswith("市")]
        city = cities[-1] if cities else province
        offices.append(
            Office(
                name=f"{province}第{i + 1}采集点",
                phone=landline(f"{area}-{local}"),
                address=f"{city}{rng.choice(_STREETS)}{rng.randrange(1, 999)}号",
                location=Location("synthetic", i + 1, 1),
                province=province,
            )
        )
    return Directory(title=f"{n} 个采集点", offices=offices, source=Location("synthetic"))


# ---- a standalone page around the macro, served locally ---------------------

LAYOUTS = Path(__file__).resolve().parent.parent / "layouts"
PAGE = """<!doctype html>
<html lang="zh-CN">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ directory.title }}</title></head>
<body><main><h1>{{ directory.title }}</h1>
{{ directory_table(directory, caption, root) }}
</main></body></html>
"""


def render_page(directory: Directory, caption: str = "新华社各省（自治区）分社地址及联系电话表",
                root: str = "../") -> str:
    """The macro inside a bare page, with the site's Jinja settings (autoescape, StrictUndefined)."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(LAYOUTS), autoescape=True, undefined=jinja2.StrictUndefined
    )
    template = env.from_string('{% from "partials/directory.html" import directory_table %}' + PAGE)
    return template.render(directory=directory, caption=caption, root=root)


def write_site(folder: Path, directory: Directory) -> str:
    """Write sub/index.html and, one level up as root="../" says, directory.js.
    Returns the page's path relative to folder."""
    (folder / "sub").mkdir(parents=True, exist_ok=True)
    (folder / "sub" / "index.html").write_text(render_page(directory), encoding="utf-8")
    shutil.copy(LAYOUTS / "directory.js", folder / "directory.js")
    return "sub/index.html"


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - the base class's name
        pass


@contextlib.contextmanager
def serve(folder: Path, handler_class: type[http.server.SimpleHTTPRequestHandler] | None = None) -> Iterator[str]:
    """Serve folder on 127.0.0.1 at a free port, in a thread; yields the base URL. ``handler_class``:
    another SimpleHTTPRequestHandler (a bench's, which compresses)."""
    handler = functools.partial(handler_class or _QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@contextlib.contextmanager
def built_and_served(folder: Path, options, parts: Path | None = None) -> Iterator[tuple[str, Path]]:
    """The example copied into ``folder`` (with the ``content/`` and ``data/`` of the fixture
    site ``parts`` beside its own, if given), built with ``options`` and served: (base URL, output)."""
    from conftest import REPO, copy_project
    from noticesite.site import build, load

    root = copy_project(REPO, folder)
    for part in ("content", "data") if parts is not None else ():
        shutil.copytree(parts / part, root / part, dirs_exist_ok=True)
    site, problems = load(root)
    assert site is not None, problems
    build(site, root / "output", options)
    with serve(root / "output") as base:
        yield base, root / "output"


def watched_page(browser):
    """A new page of its own context, its console errors and script errors kept in ``page.troubles``
    (shown when a test fails): (context, page). The caller closes the context."""
    context = browser.new_context()
    page = context.new_page()
    page.troubles = []
    page.on("console", lambda m: m.type == "error" and page.troubles.append(f"console: {m.text}"))
    page.on("pageerror", lambda e: page.troubles.append(f"page error: {e}"))
    return context, page


CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
