"""The site model: typed records that every output stage reads.

The loaders in ``schema.py`` and ``content.py`` build these from YAML and
Markdown after checking them; renderers (HTML, PDF, SVG, search, iCalendar)
only read them and never touch the files again.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Literal


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
    at mixed dash styles); ``display`` uses one ASCII hyphen after the area
    code; ``tel`` is an RFC 3966 URI for ``<a href>``.
    """

    raw: str
    display: str
    tel: str
    kind: Literal["mobile", "landline", "local"]

    @property
    def digits(self) -> str:
        return "".join(ch for ch in self.display if ch.isdigit())


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
    values: dict[str, Any]  # column key -> str | int | Phone
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


# ---- notices -----------------------------------------------------------------

AttachmentType = Literal["text", "schedule", "directory", "procedure"]


@dataclass
class Attachment:
    number: int  # 1-based, as in 附件1
    title: str
    type: AttachmentType
    slug: str  # file stem in the notice's folder, e.g. attachment-1
    body_html: str  # Markdown body (type text), or an optional intro
    data: Schedule | Makeup | Procedure | None
    source: Location


@dataclass
class KeyDate:
    id: str  # stable: calendar UIDs are made from it
    label: str
    date: dt.date
    end: dt.date | None
    kind: Literal["event", "deadline"]
    location: Location


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
    derived: dict = field(default_factory=dict)  # outputs' work worth keeping with the load cache
    images: list[str] = field(default_factory=list)  # files of its folder its bodies show, e.g. photo.png

    @property
    def sort_key(self) -> tuple:
        return (self.date or dt.date(self.year, 12, 31), self.number)


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

    @classmethod
    def of(cls, notice: Any) -> "NoticeSummary":
        """From a Notice, or from anything with its summary fields (the load cache's NoticeRef)."""
        return cls(notice.slug, notice.number, notice.title, notice.issuer, notice.addressees, notice.date,
                   notice.year, tuple(notice.key_dates),
                   tuple(AttachmentSummary(a.number, a.title, a.type, a.slug) for a in notice.attachments))


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


@dataclass
class Site:
    config: SiteConfig
    notices: list[Notice]  # newest first
    root: str  # absolute path of the project folder
