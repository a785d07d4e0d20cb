"""Each kind of data file, declared once, read into the typed model with its checks.

A loader takes the located YAML tree of one file and returns a model record
(or ``None``) while adding located problems to the list it is given. Files
that reference other files (a make-up page naming the shared directory) get a
``resolve`` callback from ``site.py``, which owns the reading of files.
"""
from __future__ import annotations

import datetime as dt
import re
from collections import Counter, defaultdict
from typing import Callable, Literal

from . import fields as f
from . import limits, urls
from .errors import Problems
from .fields import COUNT, DATE, FLAG, OPTIONAL_TEXT, PHONE, SLUG, TEXT, TIME, URL, Field, choice_of, list_of, record_of
from .model import (
    FONT_ROLES, Branch, CardField, CollegeCode, Column, ColumnType, Contact, Directory, Location, Makeup, Office,
    Phone, Procedure, Schedule, Session, SiteConfig, Step, TimeRange,
)
from .yamlio import Node

Resolve = Callable[[Node, str], object]  # (reference node, data kind) -> loaded record or None


# ---- data/site.yaml ------------------------------------------------------------

# The faces of the printed notice by role (model.FONT_ROLES): a family name, found in the project's fonts/
# folder or among the installed fonts, put in front of the free faces of layouts/print.css.
FONT_FIELDS = [Field(role, f"the face of the {label} ({face}), e.g. {example}: a font family name, from fonts/ "
                     "or installed", required=False) for role, label, face, example in FONT_ROLES]
_FONT_NAME_REFUSED = re.compile(r'["\\;{}<>@\x00-\x1f\x7f]')  # would end the CSS string it is put in

PRINT_FIELDS = [
    Field("fonts", "the office's own licensed faces by role (mark, title, body, heading1, heading2, "
                   "page_number), preferred to the free ones when present", required=False,
          shape=record_of(FONT_FIELDS)),
    Field("qr_code", "true: a QR code of the notice's address (from base_url) beside its signature in its "
                     "PDF; default false", required=False, shape=FLAG),
    Field("duplex", "false: printed on one side of the sheet, margins and page numbers not mirrored; "
                    "default true, double-sided as GB/T 9704-2012 §6.2 asks", required=False, shape=FLAG),
]
SITE_FIELDS = [
    Field("school", "the school's name"),
    Field("office", "the issuing office, printed above the document number"),
    Field("title", "the site's title"),
    Field("base_url", "the published address, e.g. https://jwc.example.edu.cn/ (may carry a sub-path)", shape=URL),
    Field("language", "the language of the notices, zh-CN", required=False, shape=OPTIONAL_TEXT),
    Field("per_page", "notices on each page of the index (default 20)", required=False, shape=COUNT),
    Field("print", "settings of the printed notice: fonts, qr_code, duplex", required=False,
          shape=record_of(PRINT_FIELDS)),
]


def load_site_config(node: Node, problems: Problems) -> SiteConfig | None:
    rec = f.record(node, SITE_FIELDS, "site", problems)
    if rec is None:
        return None
    values = {k: f.text(rec.get(k), f"site: {k}", problems) for k in ("school", "office", "title", "base_url")}
    language = f.text(rec.get("language"), "site: language", problems, required=False) or "zh-CN"
    base_url = values["base_url"]
    if base_url and (why := urls.web_address(base_url)):
        problems.error(rec["base_url"].loc, f"site: base_url: {why}, got '{base_url}'")
        base_url = None
    per_page = f.count(rec.get("per_page"), "site: per_page", problems) if "per_page" in rec else 20
    printing = _print_settings(rec.get("print"), "base_url" in rec, problems)
    print_fonts = _print_fonts(rec.get("print"), problems)
    school, office, title = values["school"], values["office"], values["title"]
    if school is None or office is None or title is None or base_url is None or per_page is None \
            or printing is None or print_fonts is None:
        return None
    print_qr, duplex = printing
    return SiteConfig(school, office, base_url.rstrip("/") + "/", language, title, node.loc, per_page, print_qr,
                      duplex, print_fonts)


def _print_fonts(node: Node | None, problems: Problems) -> tuple[tuple[str, str], ...] | None:
    """The office's faces by role (``print: {fonts: {body: 仿宋_GB2312}}``), in FONT_ROLES' order;
    None when wrong. A name goes into the print stylesheet as a CSS string: a quote, a backslash,
    a semicolon, a brace or a control character is refused, not escaped (no font is named so)."""
    if node is None or not isinstance(node.value, dict):
        return ()  # a print: that is not a mapping is reported by _print_settings
    fonts_node = node.value.get("fonts")
    if fonts_node is None:
        return ()
    rec = f.record(fonts_node, FONT_FIELDS, "site: print: fonts", problems)
    if rec is None:
        return None
    chosen: list[tuple[str, str]] = []
    ok = True
    for role, *_ in FONT_ROLES:
        if role not in rec:
            continue
        name = f.text(rec[role], f"site: print: fonts: {role}", problems)
        if name is None:
            ok = False
        elif bad := _FONT_NAME_REFUSED.search(name):
            problems.error(rec[role].loc, f"site: print: fonts: {role}: a font family name cannot hold "
                                          f"{bad[0]!r} (U+{ord(bad[0]):04X}), got {name!r}")
            ok = False
        else:
            chosen.append((role, name.strip()))
    return tuple(chosen) if ok else None


def _print_settings(node: Node | None, has_base_url: bool, problems: Problems) -> tuple[bool, bool] | None:
    """Whether the printed notice carries a QR code (``print: {qr_code: true}``) and is printed on both
    sides of the sheet (``duplex``, default true); None when wrong."""
    rec = f.record(node, PRINT_FIELDS, "site: print", problems) if node is not None else {}
    if rec is None:
        return None
    qr_node = rec.get("qr_code")
    qr = f.flag(qr_node, "site: print: qr_code", problems) if qr_node is not None else False
    if qr and qr_node is not None and not has_base_url:  # the code is the page's address: base_url + slug
        problems.error(qr_node.loc, "site: print: qr_code: the QR code holds the notice's address, "
                                    "made from base_url: set base_url (e.g. https://jwc.example.edu.cn/)")
    duplex_node = rec.get("duplex")
    duplex = f.flag(duplex_node, "site: print: duplex", problems) if duplex_node is not None else True
    if qr is None or duplex is None:
        return None
    return qr, duplex


# ---- schedules -----------------------------------------------------------------

COLUMN_TYPES: tuple[ColumnType, ...] = ("text", "count", "person", "phone", "place")
RESERVED_KEYS = ("date", "start", "end", "location")


def fields_slug_except(refused: tuple[str, ...]) -> f.Shape:
    return f.Shape("slug", options=refused)
COLUMN_FIELDS = [
    Field("key", "the field name used in each session", shape=fields_slug_except(RESERVED_KEYS)),
    Field("label", "the column heading"),
    Field("type", "one of " + ", ".join(COLUMN_TYPES), shape=choice_of(COLUMN_TYPES)),
]
_SESSION_FIELDS = [Field("date", "YYYY-MM-DD", shape=DATE), Field("start", "HH:MM", shape=TIME),
                   Field("end", "HH:MM", shape=TIME),
                   Field("location", "overrides the schedule's location", required=False, shape=OPTIONAL_TEXT)]
# A session's other fields are its columns' values, which the file itself declares: a schema
# written ahead can only say that they are plain values (the checker checks each by its column).
SESSION_SHAPE = record_of(_SESSION_FIELDS, extra=f.Shape("scalar"))
SCHEDULE_FIELDS = [
    Field("title", "the schedule's title", required=False, shape=OPTIONAL_TEXT),
    Field("location", "where the sessions take place, unless a place column says otherwise", required=False,
          shape=OPTIONAL_TEXT),
    Field("columns", "the columns after date and time: key, label and type", shape=list_of(record_of(COLUMN_FIELDS))),
    Field("sessions", "the sessions: date, start, end and a value for each column",
          shape=list_of(SESSION_SHAPE, most=limits.MAX_SESSIONS)),
]


def load_schedule(node: Node, problems: Problems) -> Schedule | None:
    rec = f.record(node, SCHEDULE_FIELDS, "schedule", problems)
    if rec is None:
        return None
    columns = _load_columns(rec.get("columns"), problems)
    location = f.text(rec.get("location"), "schedule: location", problems, required=False) or ""
    refused = node.value.get("location") if isinstance(node.value, dict) else None
    if refused is not None and refused.refused:  # an unsafe tag, reported: present, not missing
        location = "-"
    sessions: list[Session] = []
    fields = _session_fields(columns or [])
    for i, item in enumerate(f.items(rec.get("sessions"), "schedule: sessions", problems,
                                          most=limits.MAX_SESSIONS), 1):
        session = _load_session(item, i, columns or [], fields, location, problems)
        if session:
            sessions.append(session)
    if columns is None:
        return None
    if any(not s.place for s in sessions):  # no schedule location:, no place column, no session location:
        problems.error(node.loc, (
            "schedule: missing field 'location': say where the sessions take place, with a location: for all "
            "of them, a column of type place (several combine: 东校区3号楼 301), or a location: on each session"))
    _check_overlaps(sessions, problems)
    sessions.sort(key=lambda s: (s.date, s.start, s.end))
    title = f.text(rec.get("title"), "schedule: title", problems, required=False) or ""
    return Schedule(title, location, columns, sessions, node.loc)


def _load_columns(node: Node | None, problems: Problems) -> list[Column] | None:
    columns: list[Column] = []
    seen: set[str] = set()
    for item in f.items(node, "schedule: columns", problems):
        rec = f.record(item, COLUMN_FIELDS, "schedule column", problems)
        if rec is None:
            continue
        key = f.slug(rec.get("key"), "schedule column: key", problems)
        label = f.text(rec.get("label"), "schedule column: label", problems)
        kind = f.choice(rec.get("type"), "schedule column: type", COLUMN_TYPES, problems)
        if key in RESERVED_KEYS:
            problems.error(rec["key"].loc, f"schedule column: key '{key}' is reserved for every session")
            continue
        if key in seen:
            problems.error(rec["key"].loc, f"schedule column: duplicate key '{key}'")
            continue
        if key and label and kind:
            seen.add(key)
            columns.append(Column(key, label, kind))
    return columns if node is not None else None


def _session_fields(columns: list[Column]) -> list[Field]:
    """A session's fields: its time and place, and a value for each column."""
    return _SESSION_FIELDS + [Field(c.key, f"{c.label} ({c.type})") for c in columns]


def _load_session(node: Node, index: int, columns: list[Column], session_fields: list[Field], location: str,
                  problems: Problems) -> Session | None:
    what = f"session {index}"
    rec = f.record(node, session_fields, what, problems)
    if rec is None:
        return None
    day = f.date(rec.get("date"), f"{what}: date", problems)
    start = f.time(rec.get("start"), f"{what}: start", problems)
    end = f.time(rec.get("end"), f"{what}: end", problems)
    if start and end and end <= start:
        problems.error(rec["end"].loc,
                       f"{what}: ends at {end:%H:%M}, which is not after its start at {start:%H:%M}")
        end = None
    cells = {column.key: _cell(rec.get(column.key), column, f"{what}: {column.key}", problems) for column in columns}
    values = {key: cell for key, cell in cells.items() if cell is not None}
    if day is None or start is None or end is None or len(values) < len(cells):
        return None
    places = [str(values[c.key]) for c in columns if c.type == "place"]
    own = f.text(rec.get("location"), f"{what}: location", problems, required=False)
    place = " ".join(places) or own or location
    return Session(day, start, end, values, place, node.loc)


def _cell(node: Node | None, column: Column, what: str, problems: Problems) -> str | int | Phone | None:
    if column.type == "count":
        return f.count(node, what, problems)
    if column.type == "phone":
        return f.phone(node, what, problems)
    return f.text(node, what, problems)


def _check_overlaps(sessions: list[Session], problems: Problems) -> None:
    """Sessions in one place on one day must not overlap (touching ends are fine)."""
    by_place: dict[tuple[str, dt.date], list[Session]] = defaultdict(list)
    for s in sessions:
        if s.place:  # a session without a place is reported once, above, not as overlapping "in "
            by_place[(s.place, s.date)].append(s)
    for group in by_place.values():
        group.sort(key=lambda s: (s.start, s.end))
        latest = group[0]
        for s in group[1:]:
            if s.start < latest.end:
                problems.error(s.location, (
                    f"session from {s.start:%H:%M} to {s.end:%H:%M} on {s.date} overlaps the session "
                    f"from {latest.start:%H:%M} to {latest.end:%H:%M} (line {latest.location.line}) "
                    f"in {s.place}"))
            if s.end > latest.end:
                latest = s


# ---- the shared directory and college codes ------------------------------------

MAX_ALIASES = 20  # a few spellings of one office; more is a list pasted in the wrong place
OFFICE_FIELDS = [
    Field("name", "the office's name"),
    Field("phone", "a landline or mobile number", shape=PHONE),
    Field("address", "the postal address"),
    Field("province", "the province or city, for search", required=False, shape=OPTIONAL_TEXT),
    Field("aliases", "other spellings that find the office in search (e.g. the right spelling of a "
                     "place the address misspells); never shown", required=False,
          shape=list_of(TEXT, most=MAX_ALIASES)),
]
DIRECTORY_FIELDS = [
    Field("title", "the directory's title", required=False, shape=OPTIONAL_TEXT),
    Field("offices", "the offices: name, phone, address",
          shape=list_of(record_of(OFFICE_FIELDS), most=limits.MAX_OFFICES)),
]


def load_directory(node: Node, problems: Problems) -> Directory | None:
    rec = f.record(node, DIRECTORY_FIELDS, "directory", problems)
    if rec is None:
        return None
    offices: list[Office] = []
    first_by_name: dict[str, Office] = {}
    for item in f.items(rec.get("offices"), "directory: offices", problems, most=limits.MAX_OFFICES):
        office = _load_office(item, problems)
        if office is None:
            continue
        if office.name in first_by_name:
            problems.error(office.location, f"office '{office.name}' is listed twice "
                                            f"(first at line {first_by_name[office.name].location.line})")
            continue
        first_by_name[office.name] = office
        offices.append(office)
    warn_mixed_dashes([(o.phone, o.location) for o in offices], problems)
    title = f.text(rec.get("title"), "directory: title", problems, required=False) or ""
    return Directory(title, offices, node.loc)


def _load_office(node: Node, problems: Problems) -> Office | None:
    rec = f.record(node, OFFICE_FIELDS, "office", problems)
    if rec is None:
        return None
    name = f.text(rec.get("name"), "office: name", problems)
    what = f"office '{name}'" if name else "office"
    phone = f.phone(rec.get("phone"), f"{what}: phone", problems)
    address = f.text(rec.get("address"), f"{what}: address", problems)
    province = f.text(rec.get("province"), f"{what}: province", problems, required=False) or ""
    aliases = [f.text(item, f"{what}: aliases", problems)
               for item in f.items(rec.get("aliases"), f"{what}: aliases", problems, most=MAX_ALIASES)]
    if name is None or phone is None or address is None or None in aliases:
        return None
    return Office(name, phone, address, rec["phone"].loc, province, aliases=tuple(a for a in aliases if a))


def warn_mixed_dashes(phones: list[tuple[Phone, Location]], problems: Problems) -> None:
    """Point at each phone number whose dash differs from the file's usual style."""
    styles = Counter(f.dash_style(p.raw) for p, _ in phones if p.kind == "landline")
    if len(styles) < 2:
        return
    usual, _ = styles.most_common(1)[0]
    for phone, where in phones:
        style = f.dash_style(phone.raw)
        if phone.kind == "landline" and style != usual:
            problems.warn(where, (
                f"phone '{phone.raw}' separates the area code with {_name_dash(style)}, while most "
                f"numbers here use {_name_dash(usual)} (the site shows each as written)"),
                code="mixed-dashes")


def _name_dash(style: str) -> str:
    names = {"-": "a hyphen '-'", "—": "an em dash '—'", "--": "two hyphens '--'", "": "nothing",
             " ": "a space", "－": "a full-width hyphen '－'", "——": "two em dashes '——'"}
    return names.get(style, f"'{style}'")


COLLEGE_FIELDS = [Field("name", "the college's name"), Field("code", "its code in the national register")]
COLLEGES_FIELDS = [Field("colleges", "the colleges: name and code", shape=list_of(record_of(COLLEGE_FIELDS)))]


def load_colleges(node: Node, problems: Problems) -> list[CollegeCode] | None:
    rec = f.record(node, COLLEGES_FIELDS, "colleges", problems)
    if rec is None:
        return None
    colleges: list[CollegeCode] = []
    seen: dict[str, Location] = {}
    for item in f.items(rec.get("colleges"), "colleges", problems):
        crec = f.record(item, COLLEGE_FIELDS, "college", problems)
        if crec is None:
            continue
        name = f.text(crec.get("name"), "college: name", problems)
        code = f.text(crec.get("code"), "college: code", problems)
        if name in seen:
            problems.error(item.loc, f"college '{name}' is listed twice (first at line {seen[name].line})")
            continue
        if name and code:
            seen[name] = item.loc
            colleges.append(CollegeCode(name, code))
    return colleges


# ---- make-up information -------------------------------------------------------

CARD_FIELDS = [Field("label", "the field's label"), Field("value", "what to write")]
HOURS_FIELDS = [Field("start", "HH:MM", shape=TIME), Field("end", "HH:MM", shape=TIME)]
CONTACT_FIELDS = [
    Field("name", "the branch's name"),
    Field("address", "its address"),
    Field("phones", "its phone numbers", shape=list_of(PHONE)),
    Field("advice", "advice to students", required=False, shape=OPTIONAL_TEXT),
    Field("period", "the months of make-up sessions", required=False, shape=OPTIONAL_TEXT),
    Field("days", "the days of make-up sessions", required=False, shape=OPTIONAL_TEXT),
    Field("hours", "the hours: start and end", required=False,
          shape=list_of(record_of(HOURS_FIELDS), allow_empty=True)),
]
MAKEUP_FIELDS = [
    Field("intro", "the sentence above the card fields", required=False, shape=OPTIONAL_TEXT),
    Field("card_fields", "the fields of the machine-readable card: label and value", required=False,
          shape=list_of(record_of(CARD_FIELDS), allow_empty=True)),
    Field("college_codes", "a shared data file with the college codes, e.g. colleges.yaml", required=False),
    Field("contact", "the nearby branch for make-up sessions", required=False, shape=record_of(CONTACT_FIELDS)),
    Field("directory", "a shared data file with the branch offices, e.g. offices.yaml"),
]


def load_makeup(node: Node, problems: Problems, resolve: Resolve) -> Makeup | None:
    rec = f.record(node, MAKEUP_FIELDS, "make-up", problems)
    if rec is None:
        return None
    cards = []
    for item in f.items(rec.get("card_fields"), "make-up: card_fields", problems, allow_empty=True):
        crec = f.record(item, CARD_FIELDS, "card field", problems)
        if crec:
            label = f.text(crec.get("label"), "card field: label", problems)
            value = f.text(crec.get("value"), "card field: value", problems)
            if label and value:
                cards.append(CardField(label, value))
    codes = resolve(rec["college_codes"], "colleges") if "college_codes" in rec else []
    directory = resolve(rec["directory"], "directory") if "directory" in rec else None
    contact = _load_contact(rec.get("contact"), problems)
    if contact and isinstance(directory, Directory):
        _compare_contact(contact, directory, problems)
    intro = f.text(rec.get("intro"), "make-up: intro", problems, required=False) or ""
    if not isinstance(directory, Directory) or not isinstance(codes, list):  # codes: a list or None
        return None
    return Makeup(intro, cards, codes, contact, directory, node.loc)


def _load_contact(node: Node | None, problems: Problems) -> Contact | None:
    rec = f.record(node, CONTACT_FIELDS, "contact", problems)
    if rec is None or node is None:  # no record without a node
        return None
    phones = f.phones(rec.get("phones"), "contact: phones", problems)
    hours = []
    for item in f.items(rec.get("hours"), "contact: hours", problems, allow_empty=True):
        hrec = f.record(item, HOURS_FIELDS, "contact hours", problems)
        if hrec:
            start = f.time(hrec.get("start"), "contact hours: start", problems)
            end = f.time(hrec.get("end"), "contact hours: end", problems)
            if start and end and end <= start:
                problems.error(hrec["end"].loc, f"contact hours: end {end:%H:%M} is not after start {start:%H:%M}")
            elif start and end:
                hours.append(TimeRange(start, end))
    name = f.text(rec.get("name"), "contact: name", problems)
    address = f.text(rec.get("address"), "contact: address", problems)
    optional = {k: f.text(rec.get(k), f"contact: {k}", problems, required=False) or ""
                for k in ("advice", "period", "days")}
    if not name or not address:
        return None
    return Contact(name, address, phones, optional["advice"], optional["period"], optional["days"],
                   hours, node.loc)


def _compare_contact(contact: Contact, directory: Directory, problems: Problems) -> None:
    """The make-up contact is usually also a row of the directory: say where they disagree."""
    digits = {p.digits for p in contact.phones}
    for office in directory.offices:
        if office.phone.digits in digits and office.address != contact.address:
            problems.warn(contact.location, (
                f"contact '{contact.name}' shares the phone {office.phone.display} with directory office "
                f"'{office.name}' ({office.location}) but gives another address: "
                f"'{contact.address}' here, '{office.address}' there"), code="contact-differs")


# ---- procedures ----------------------------------------------------------------

STEP_KINDS: tuple[Literal["step", "condition", "end"], ...] = ("step", "condition", "end")
BRANCH_FIELDS = [Field("when", "the answer that leads there"), Field("to", "a side step's id")]
STEP_FIELDS = [
    Field("id", "a short name other steps use to point here", shape=SLUG),
    Field("label", "the text in the box"),
    Field("kind", "step, condition or end", required=False, shape=choice_of(STEP_KINDS)),
    Field("note", "a note beside the step", required=False, shape=OPTIONAL_TEXT),
    Field("branches", "for a condition: when and to", required=False, shape=list_of(record_of(BRANCH_FIELDS))),
    Field("next", "for a side step: the step to rejoin; leave out to end there", required=False),
]
PROCEDURE_FIELDS = [
    Field("title", "the procedure's title", required=False, shape=OPTIONAL_TEXT),
    Field("steps", "the main path, top to bottom", shape=list_of(record_of(STEP_FIELDS), most=limits.MAX_STEPS)),
    Field("side_steps", "steps reached only through a branch", required=False,
          shape=list_of(record_of(STEP_FIELDS), allow_empty=True, most=limits.MAX_STEPS)),
    Field("notes", "notes under the chart", required=False, shape=list_of(f.TEXT, allow_empty=True)),
]


def load_procedure(node: Node, problems: Problems) -> Procedure | None:
    rec = f.record(node, PROCEDURE_FIELDS, "procedure", problems)
    if rec is None:
        return None
    steps = [s for s in (_load_step(n, problems) for n in f.items(rec.get("steps"), "procedure: steps", problems,
                                                                    most=limits.MAX_STEPS)) if s]
    side = [s for s in (_load_step(n, problems)
                        for n in f.items(rec.get("side_steps"), "procedure: side_steps", problems, allow_empty=True,
                                  most=limits.MAX_STEPS)) if s]
    notes = [t for t in (f.text(n, "procedure: note", problems)
                         for n in f.items(rec.get("notes"), "procedure: notes", problems, allow_empty=True)) if t]
    title = f.text(rec.get("title"), "procedure: title", problems, required=False) or ""
    return Procedure(title, steps, side, notes, node.loc)


def _load_step(node: Node, problems: Problems) -> Step | None:
    rec = f.record(node, STEP_FIELDS, "step", problems)
    if rec is None:
        return None
    step_id = f.slug(rec.get("id"), "step: id", problems)
    what = f"step '{step_id}'" if step_id else "step"
    label = f.text(rec.get("label"), f"{what}: label", problems)
    kind = f.choice(rec.get("kind"), f"{what}: kind", STEP_KINDS, problems) if "kind" in rec else "step"
    note = f.text(rec.get("note"), f"{what}: note", problems, required=False) or ""
    branches = []
    for item in f.items(rec.get("branches"), f"{what}: branches", problems):
        brec = f.record(item, BRANCH_FIELDS, f"{what}: branch", problems)
        if brec:
            when = f.text(brec.get("when"), f"{what}: branch when", problems)
            to = f.text(brec.get("to"), f"{what}: branch to", problems)
            if when and to:
                branches.append(Branch(when, to))
    nxt = f.text(rec.get("next"), f"{what}: next", problems) if "next" in rec else None
    if step_id is None or label is None or kind is None:
        return None
    return Step(step_id, label, kind, note, branches, nxt, node.loc)


# ---- every kind of data file, for schemas.py ---------------------------------------

# The data files' kinds and their top-level fields: what schemas/<kind>.schema.json declares.
DATA_FILES: dict[str, tuple[str, list[Field]]] = {
    "site": ("data/site.yaml: the site's settings", SITE_FIELDS),
    "schedule": ("a schedule attachment's data", SCHEDULE_FIELDS),
    "directory": ("a directory of offices (the shared offices.yaml, or a directory attachment's data)",
                  DIRECTORY_FIELDS),
    "colleges": ("the shared college codes", COLLEGES_FIELDS),
    "makeup": ("a directory attachment's make-up information", MAKEUP_FIELDS),
    "procedure": ("a procedure attachment's steps", PROCEDURE_FIELDS),
}
