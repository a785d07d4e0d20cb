#!/usr/bin/env python3
"""The issue's reference floor: a bare Python loop of PyYAML + Markdown + Jinja2 over the corpus.

    .venv/bin/python bench/bare_loop.py PROJECT OUTPUT [-j N]

PROJECT is a corpus in our format (bench/corpus.py). For each notice: read
``notice.md``, load its front matter and its two data files with PyYAML
(libyaml's ``CSafeLoader``, the fastest PyYAML has), convert the body with
Python-Markdown (tables), render one page from one small Jinja2 template (title,
body, the schedule as a table, the procedure's steps as a list) and write it.
No checks, no locations, no calendars, no flow chart, no attachment pages,
no lists or feeds, no cache. ``-j N`` shares the notices out among N forked
processes, as our build does. ``archive.py`` measures it beside our build,
Hugo and Pelican, so that the targets can be read against what the bare
libraries cost on the same machine at the same moment.
"""
from __future__ import annotations

import argparse
import multiprocessing
import sys
from pathlib import Path

import jinja2
import markdown
import yaml

PAGE = """<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>{{ meta.title }}</title></head>
<body><main><h1>{{ meta.title }}</h1><p>{{ meta.number }} · {{ meta.date }}</p>
{{ body|safe }}
<table><caption>{{ schedule.title }}</caption>
<tr>{% for c in schedule.columns %}<th>{{ c.label }}</th>{% endfor %}</tr>
{% for s in schedule.sessions %}<tr>{% for c in schedule.columns %}<td>{{ s[c.key] }}</td>{% endfor %}</tr>
{% endfor %}</table>
<ol>{% for step in procedure.steps %}<li>{{ step.label }}{% if step.note %}（{{ step.note }}）{% endif %}</li>{% endfor %}</ol>
</main></body></html>
"""  # noqa: E501 (a template, one line per element)

Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def build_slice(args: tuple[Path, Path, list[Path]]) -> int:
    project, output, paths = args
    template = jinja2.Environment(autoescape=True).from_string(PAGE)
    md = markdown.Markdown(extensions=["tables"])
    for path in paths:
        text = path.read_text(encoding="utf-8")
        _, front, body = text.split("---\n", 2)
        meta = yaml.load(front, Loader=Loader)
        data = {a["type"]: yaml.load((project / "data" / a["data"]).read_text(encoding="utf-8"), Loader=Loader)
                for a in meta.get("attachments", [])}
        html = template.render(meta=meta, body=md.reset().convert(body), schedule=data["schedule"],
                               procedure=data["procedure"])
        folder = output / path.parent.name
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "index.html").write_text(html, encoding="utf-8")
    return len(paths)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("project", type=Path)
    parser.add_argument("output", type=Path)
    parser.add_argument("-j", "--jobs", type=int, default=1, help="processes (default: 1)")
    args = parser.parse_args(argv)
    paths = sorted((args.project / "content").glob("*/notice.md"))
    jobs = max(1, args.jobs)
    slices = [(args.project, args.output, paths[i::jobs]) for i in range(jobs)]
    if jobs == 1:
        done = build_slice(slices[0])
    else:
        with multiprocessing.get_context("fork").Pool(jobs) as pool:
            done = sum(pool.map(build_slice, slices))
    print(f"bare loop: {done} notice(s) into {args.output} with {jobs} process(es)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
