"""``build.py new SLUG --kind …``: a new notice's folder and data files, ready to edit.

What is written passes ``check`` and ``build`` as it is: every required field is there with a
placeholder value of the right type, today's date where a date belongs. The comment beside each
field is the field's description from its declaration (schema.py, content.py), so the help a
new file shows is the help the checker's messages give.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from . import fields as f
from . import schema
from .content import ATTACHMENT_FIELDS, NOTICE_FIELDS
from .fields import Field

KINDS = ("schedule", "text", "directory", "procedure")

# The data file each kind of attachment reads, and the schema (schemas/<name>.schema.json) it follows.
DATA_FILE = {"schedule": ("schedule.yaml", "schedule"), "directory": ("offices.yaml", "directory"),
             "procedure": ("procedure.yaml", "procedure")}
SCHEMA_FOLDER = "schemas"  # schemas.FOLDER (not imported: schemas.py is loaded only when writing)


@dataclass(frozen=True)
class NewNotice:
    slug: str
    kind: str
    title: str
    today: dt.date


def refusal(root: Path, slug: str) -> str | None:
    """Why ``slug`` cannot be a new notice of the project at ``root``, or None."""
    if not f.is_slug(slug):
        return (f"'{slug}' is not a valid notice folder name: use lowercase letters, digits, '-' or '_', "
                "starting with a letter or digit (e.g. 2025-017)")
    for folder in (root / "content" / slug, root / "data" / slug):
        if folder.exists() or folder.is_symlink():
            return f"{folder.relative_to(root).as_posix()}/ exists already: choose another slug"
    return None


def files(new: NewNotice, issuer: str) -> dict[str, str]:
    """Project-relative path -> text, for every file of the new notice."""
    written = {f"content/{new.slug}/notice.md": _notice(new, issuer)}
    if new.kind == "text":
        written[f"content/{new.slug}/attachment-1.md"] = _TEXT_PAGE.format(title=new.title)
    else:
        name, kind = DATA_FILE[new.kind]
        maker = {"schedule": _schedule, "directory": _directory, "procedure": _procedure}[new.kind]
        written[f"data/{new.slug}/{name}"] = schema_line(kind, depth=2) + maker(new)
    return written


def schema_line(kind: str, depth: int) -> str:
    """The first line of a data file ``depth`` folders below the project: tells an editor with YAML
    support (yaml-language-server) which JSON Schema the file follows, by a relative path."""
    return f"# yaml-language-server: $schema={'../' * depth}{SCHEMA_FOLDER}/{kind}.schema.json\n"


def _help(declared: list[Field], name: str) -> str:
    for field in declared:
        if field.name == name:
            return field.help + ("" if field.required else " (optional)")
    raise KeyError(name)  # a field the scaffold writes must be declared: a renamed field fails here


def _line(declared: list[Field], name: str, value: str, indent: str = "") -> str:
    return f"{indent}{name}: {value}".ljust(34) + f"  # {_help(declared, name)}\n"


def _notice(new: NewNotice, issuer: str) -> str:
    year, n = new.today.year, NOTICE_FIELDS
    attachment = f"  - {_line(ATTACHMENT_FIELDS, 'title', new.title + '附件').lstrip()}"
    attachment += _line(ATTACHMENT_FIELDS, "type", new.kind, "    ")
    if new.kind == "text":
        attachment += _line(ATTACHMENT_FIELDS, "page", "attachment-1.md", "    ")
    else:
        attachment += _line(ATTACHMENT_FIELDS, "data", f"{new.slug}/{DATA_FILE[new.kind][0]}", "    ")
    return ("---\n"
            + _line(n, "number", f"教务通〔{year}〕{new.slug}号")
            + _line(n, "title", new.title)
            + _line(n, "issuer", issuer)
            + _line(n, "addressees", "校属各教学院")
            + _line(n, "date", new.today.isoformat())
            + "# key_dates:                     # dates for the timeline and the calendars (optional), e.g.\n"
            + f"#   - {{id: start, label: 开始报名, date: {new.today.isoformat()}}}\n"
            + _line(n, "attachments", "")
            + attachment
            + "---\n"
            + "这里写通知正文（Markdown）。“附件1”会链接到附件页面，详见附件1。\n")


_TEXT_PAGE = """# {title}附件

这里写附件正文（Markdown）：段落、列表、表格。

1. 第一条
2. 第二条
"""


def _schedule(new: NewNotice) -> str:
    s, c = schema.SCHEDULE_FIELDS, schema.COLUMN_FIELDS
    day = new.today.isoformat()
    return (_line(s, "title", f"{new.title}安排表")
            + _line(s, "location", "南校区6号楼一楼")
            + _line(s, "columns", "")
            + f"  # type is {_help(c, 'type')}\n"
            + "  - {key: college,  label: 学院,     type: text}\n"
            + "  - {key: students, label: 人数,     type: count}    # a whole number > 0, summed per day\n"
            + "  - {key: person,   label: 负责人,   type: person}\n"
            + "  - {key: phone,    label: 联系电话, type: phone}    # a Chinese landline or mobile number\n"
            + _line(s, "sessions", "")
            + "  # date YYYY-MM-DD, start and end HH:MM on the 24-hour clock, then a value for each column\n"
            + f"  - {{date: {day}, start: 09:00, end: 10:00, college: 政法学院, students: 30, person: 张老师, "
              "phone: 0730-8640000}\n")


def _directory(new: NewNotice) -> str:
    d, o = schema.DIRECTORY_FIELDS, schema.OFFICE_FIELDS
    return (_line(d, "title", f"{new.title}联系方式")
            + _line(d, "offices", "")
            + f"  # each office: name ({_help(o, 'name')}), phone ({_help(o, 'phone')}), "
              f"address ({_help(o, 'address')}), province ({_help(o, 'province')})\n"
            + "  - {name: 教务处, phone: 0730-8640000, address: 湖南省岳阳市学院路, province: 湖南省}\n")


def _procedure(new: NewNotice) -> str:
    p, s = schema.PROCEDURE_FIELDS, schema.STEP_FIELDS
    return (_line(p, "title", f"{new.title}流程")
            + _line(p, "steps", "")
            + f"  # each step: id ({_help(s, 'id')}), label ({_help(s, 'label')}), kind ({_help(s, 'kind')})\n"
            + "  - id: apply\n"
            + "    label: 提交申请\n"
            + "  - id: done\n"
            + "    label: 办理完毕\n"
            + "    kind: end\n"
            + "# side_steps:                    # " + _help(p, "side_steps") + "\n"
            + "# notes:                         # " + _help(p, "notes") + "\n")


def write(root: Path, new: NewNotice, issuer: str) -> list[str]:
    """Writes the files (each created, never overwriting) and returns their paths."""
    written = files(new, issuer)
    for rel, text in written.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "x", encoding="utf-8") as out:  # "x": a file that appeared meanwhile is kept
            out.write(text)
    return list(written)
