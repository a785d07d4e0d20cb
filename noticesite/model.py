"""The site model: typed records that every output stage reads.

The loaders in ``schema.py`` and ``content.py`` build these from YAML and
Markdown after checking them; renderers (HTML, PDF, SVG, search, iCalendar)
only read them and never touch the files again.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Iterable, Literal, NewType


@dataclass(frozen=True)
class Location:
    """Where a value came from: a project-relative path, 1-based line and column."""

    path: str
    line: int = 0
    column: int = 0

    def __str__(self) -> str:
        if self.line:
            return f"{self.path}:{self.line}:{self.column}"
        return self.path


@dataclass(frozen=True)
class Phone:
    """A checked Chinese phone number.

    ``raw`` is the text as written in the data (kept so the checker can point
    at mixed dash styles); ``display`` is what the site shows: the number as
    written, its dash style kept; ``tel`` is an RFC 3966 URI for ``<a href>``.
    """

    raw: str
    display: str
    tel: str
    kind: Literal["mobile", "landline", "local"]

    @property
    def digits(self) -> str:
        """The digits dialled inside China (a landline's area code with its 0), whatever the
        dashes: read from the tel: URI, which has one form for every way of writing."""
        digits = "".join(ch for ch in self.tel if ch.isdigit())
        if not self.tel.startswith("tel:+86"):
            return digits
        return ("0" if self.kind != "mobile" else "") + digits[2:]


# ---- attachment 1: the schedule -------------------------------------------

ColumnType = Literal["text", "count", "person", "phone", "place"]


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    type: ColumnType


@dataclass(eq=False)  # an entity: hashed by identity, so templates can key links by session
class Session:
    date: dt.date
    start: dt.time
    end: dt.time
    values: dict[str, str | int | Phone]  # column key -> its value
    place: str  # the value of the "place" column, else the schedule's location
    location: Location

    @property
    def half_day(self) -> Literal["上午", "下午", "晚上"]:
        if self.start.hour < 12:
            return "上午"
        return "下午" if self.start.hour < 18 else "晚上"


@dataclass
class Schedule:
    title: str
    location: str  # default place of every session ("" when a column gives it)
    columns: list[Column]
    sessions: list[Session]  # sorted by date, then start
    source: Location

    @property
    def count_columns(self) -> list[Column]:
        return [c for c in self.columns if c.type == "count"]


# ---- attachment 3: make-up information and the branch directory ----------


@dataclass
class Office:
    name: str
    phone: Phone
    address: str
    location: Location
    province: str = ""
    pinyin: str = ""  # filled by the search stage: full pinyin and initials
    aliases: tuple[str, ...] = ()  # other spellings that find it (哈尔滨 for 哈乐滨): never shown


@dataclass
class Directory:
    title: str
    offices: list[Office]
    source: Location


@dataclass
class CardField:
    label: str
    value: str


@dataclass
class CollegeCode:
    name: str
    code: str


@dataclass
class TimeRange:
    start: dt.time
    end: dt.time


@dataclass
class Contact:
    name: str
    address: str
    phones: list[Phone]
    advice: str
    period: str  # e.g. 每年9月至次年4月底
    days: str  # e.g. 每周星期三（节假日除外）
    hours: list[TimeRange]
    location: Location


@dataclass
class Makeup:
    intro: str
    card_fields: list[CardField]
    college_codes: list[CollegeCode]
    contact: Contact | None
    directory: Directory
    source: Location


# ---- attachment 4: the procedure -------------------------------------------


@dataclass
class Branch:
    when: str  # the condition's answer that leads here, e.g. 信息有误
    to: str  # id of a side step


@dataclass
class Step:
    id: str
    label: str
    kind: Literal["step", "condition", "end"]
    note: str
    branches: list[Branch]
    next: str | None  # side steps: id to rejoin, or None to end there
    location: Location


@dataclass
class Procedure:
    title: str
    steps: list[Step]  # the main path, top to bottom
    side_steps: list[Step]  # reached only through a branch
    notes: list[str]
    source: Location

    def step(self, step_id: str) -> Step | None:
        for s in [*self.steps, *self.side_steps]:
            if s.id == step_id:
                return s
        return None


# A procedure that flow.checked() found without errors: the only kind an attachment holds and the
# only kind flow.py draws (mypy holds them to it), so the check runs once, at load. A NewType, not a
# wrapper: no cost at run time, and templates, search and the cache read the Procedure as it is.
CheckedProcedure = NewType("CheckedProcedure", Procedure)


# ---- notices -----------------------------------------------------------------

AttachmentType = Literal["text", "schedule", "directory", "procedure"]


@dataclass
class Attachment:
    number: int  # 1-based, as in 附件1
    title: str
    type: AttachmentType
    slug: str  # file stem in the notice's folder, e.g. attachment-1
    body_html: str  # Markdown body (type text), or an optional intro
    data: Schedule | Makeup | CheckedProcedure | None
    source: Location


@dataclass
class KeyDate:
    id: str  # stable: calendar UIDs are made from it
    label: str
    date: dt.date
    end: dt.date | None
    kind: Literal["event", "deadline"]
    location: Location


RevisionKind = Literal["更正", "补充"]


@dataclass(frozen=True)
class Revision:
    """A change made to a notice after it was published, as its front matter declares it."""

    date: dt.date
    kind: RevisionKind
    summary: str  # what changed
    number: str  # the document number of the 更正通知 or 补充通知 it points to, or ""
    location: Location


@dataclass(frozen=True)
class Amendment:
    """This notice corrects (更正) or supplements (补充) another notice of the site."""

    kind: RevisionKind
    target: str  # the other notice's URL segment or document number, as written
    location: Location


@dataclass(frozen=True)
class Imprint:
    """版记 (GB/T 9704-2012 §7.4): 抄送机关, 印发机关 and 印发日期."""

    issuer: str  # 印发机关
    date: dt.date  # 印发日期
    cc: tuple[str, ...]  # 抄送机关, in order


@dataclass(frozen=True)
class LedgerEntry:
    """What the calendar files last published of one event (ledger.py)."""

    sequence: int
    last_modified: dt.datetime  # aware, UTC, whole seconds
    hash: str  # content_hash of the event as published
    summary: str
    start: dt.date | dt.datetime  # a date (all day) or a naive wall-clock time in Asia/Shanghai
    end: dt.date | dt.datetime | None
    location: str
    file: str = ""  # its own calendar file besides all.ics: forms.ics, group-政法学院.ics; "" none
    cancelled: bool = False


Ledger = dict[str, LedgerEntry]  # a notice's calendar ledger, by event UID (also ledger.Ledger)


@dataclass
class Notice:
    slug: str  # URL segment, e.g. 2012-104
    number: str  # document number, e.g. 校教通〔2012〕104号
    title: str
    issuer: str
    addressees: str
    date: dt.date | None  # the source may not give one
    year: int  # from the date, else from the document number
    body_html: str
    body_text: str  # plain text of the body, for search and feeds
    attachments: list[Attachment]
    source: Location
    key_dates: list[KeyDate] = field(default_factory=list)
    inputs: dict[str, str] = field(default_factory=dict)  # every file it was read from -> content hash
    images: list[str] = field(default_factory=list)  # files of its folder its bodies show, e.g. photo.png
    revisions: list[Revision] = field(default_factory=list)  # newest first
    amends: list[Amendment] = field(default_factory=list)  # the notices of the site it corrects or supplements
    imprint: Imprint | None = None
    summary: str = ""  # a declared one-sentence summary, for link previews ("" when none)
    # what its calendar files last published, by event UID: data/<slug>/calendar-ledger.yaml (ledger.py)
    calendar_ledger: dict[str, LedgerEntry] = field(default_factory=dict)

    @property
    def sort_key(self) -> tuple:
        # Only an order (never shown): an undated notice sorts at the end of its year.
        return (self.date or dt.date(self.year, 12, 31), self.number)

    @property
    def updated(self) -> dt.date | None:
        """The date the notice last changed, as its source declares it: its latest revision's date,
        else its own date (成文日期), else its imprint's date (印发日期); None when it gives none.
        Feeds and the sitemap use this and nothing else: no date is made up (issues 15 and 17)."""
        return last_declared_date(self)

    @property
    def description(self) -> str:
        """For link previews: the declared summary, else the body's first sentence."""
        return self.summary or first_sentence(self.body_text)


class NoticeStandIn:
    """What stands for a Notice without holding all of it (the load cache's NoticeRef, which keeps
    the rest on disk): it answers every attribute as the Notice does, and ``full()`` is the
    Notice itself. Its type is named here so that a stage can tell one without knowing the cache."""

    def full(self) -> Notice:
        raise NotImplementedError


def whole(notice: Any) -> Notice:
    """The Notice itself, whether ``notice`` is one or stands for one (read whole, once)."""
    return notice.full() if isinstance(notice, NoticeStandIn) else notice


def last_declared_date(notice: Any) -> dt.date | None:
    """Notice.updated for a Notice or anything with its revisions, date and imprint (a NoticeRef)."""
    if notice.revisions:
        return max(r.date for r in notice.revisions)
    if notice.date:
        return notice.date
    return notice.imprint.date if notice.imprint else None


DESCRIPTION_CHARS = 160  # a preview shows about this much; a longer first sentence is cut


def first_sentence(text: str) -> str:
    """Up to and including the first 。 (or ！？), cut at DESCRIPTION_CHARS."""
    text = text.strip()
    ends = [i for i in (text.find(mark) for mark in "。！？") if i >= 0]
    sentence = text[:min(ends) + 1] if ends else text
    return sentence if len(sentence) <= DESCRIPTION_CHARS else sentence[:DESCRIPTION_CHARS - 1] + "…"


@dataclass(frozen=True)
class AttachmentSummary:
    number: int
    title: str
    type: AttachmentType
    slug: str


@dataclass(frozen=True)
class NoticeSummary:
    """What a list of notices (index, archive, sitemap) is handed of each: the whole value is its
    key, so a list template may show any of these fields and is rendered again when one changes.
    A list template that asks for more (a body) fails, instead of going stale."""

    slug: str
    number: str
    title: str
    issuer: str
    addressees: str
    date: dt.date | None
    year: int
    key_dates: tuple[KeyDate, ...]
    attachments: tuple[AttachmentSummary, ...]
    updated: dt.date | None  # Notice.updated: the sitemap's lastmod
    revisions: tuple[Revision, ...]

    @classmethod
    def of(cls, notice: Any) -> "NoticeSummary":
        """From a Notice, or from anything with its summary fields (the load cache's NoticeRef)."""
        return cls(notice.slug, notice.number, notice.title, notice.issuer, notice.addressees, notice.date,
                   notice.year, tuple(notice.key_dates),
                   tuple(AttachmentSummary(a.number, a.title, a.type, a.slug) for a in notice.attachments),
                   last_declared_date(notice), tuple(notice.revisions))


# The faces of the printed notice by role (GB/T 9704-2012), which SiteConfig.print_fonts names:
# (site.yaml key, what GB/T 9704 calls the role, its typeface, an office's usual licensed face).
# Here, beside the settings they describe, so that the loader (schema.py, which reads them from
# site.yaml) and the print stage (pdf.py, which names each role's custom property of print.css
# after its key) both take them from the model, and no printer imports the loader.
FONT_ROLES = (
    ("mark", "发文机关标志", "小标宋", "方正小标宋简体"),
    ("title", "标题", "小标宋", "方正小标宋简体"),
    ("body", "正文", "仿宋", "仿宋_GB2312"),
    ("heading1", "一级标题", "黑体", "黑体"),
    ("heading2", "二级标题", "楷体", "楷体_GB2312"),
    ("page_number", "页码", "宋体", "宋体"),
)


@dataclass
class SiteConfig:
    school: str
    office: str
    base_url: str  # absolute, ends with /; may carry a sub-path like /jwc/
    language: str
    title: str
    source: Location
    per_page: int = 20  # notices on each page of the index
    print_qr: bool = False  # a QR code of the notice's address on its printed notice (print: qr_code)
    duplex: bool = True  # printed on both sides: mirrored margins, page numbers outside (print: duplex)
    print_fonts: tuple[tuple[str, str], ...] = ()  # (role, family): the office's faces (print: fonts)


@dataclass
class Site:
    config: SiteConfig
    notices: list[Notice]  # newest first
    root: str  # absolute path of the project folder


def notices_by_name(notices: Iterable[Any]) -> dict[str, Any]:
    """Each notice by URL segment and by document number, the two names an amendment may give
    (``replaces:``/``supplements:``); a URL segment wins (load() refuses two notices with one
    segment or one number). Read by the load-time check (amendments.py) and the pages (render.py)."""
    found: dict[str, Any] = {}
    notices = list(notices)
    for notice in notices:
        found.setdefault(notice.number, notice)
    for notice in notices:
        found[notice.slug] = notice
    return found
