#!/usr/bin/env python3
"""Benchmark: Markdown engines on the synthetic archive's notice bodies (about 3 KB of Chinese each).

    .venv/bin/python bench/markdown_engines.py [--n 200]

Python-Markdown with the build's extensions (sane_lists, tables), then as the
build runs it (``content._markdown()``: our inline patterns, the URL checks,
and texts without markup skipping the inline stage), beside mistune,
markdown-it-py and cmarkgfm, each with tables and raw HTML not passed
through. The three others are bench tools, installed into this Python's
environment with pip when missing (``pip install mistune markdown-it-py
cmarkgfm``); they are not project dependencies. Prints the time per body.
Only the conversion is timed: our own extensions (附件N links, link checks
with locations) run on Python-Markdown's tree and exist for no other engine.
"""
from __future__ import annotations

import argparse
import importlib.util
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import corpus  # noqa: E402

ENGINES = {"mistune": "mistune", "markdown_it": "markdown-it-py", "cmarkgfm": "cmarkgfm"}


def ensure_engines() -> None:
    missing = [package for module, package in ENGINES.items() if importlib.util.find_spec(module) is None]
    if missing:
        print(f"installing {' '.join(missing)}: {sys.executable} -m pip install {' '.join(missing)}", flush=True)
        subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", *missing], check=True)
        importlib.invalidate_caches()


def bodies(n: int) -> list[str]:
    with tempfile.TemporaryDirectory() as tmp:
        root = corpus.generate(Path(tmp) / "site", n)
        return [path.read_text(encoding="utf-8").split("\n---\n", 1)[1]
                for path in sorted((root / "content").glob("*/notice.md"))]


def per_body_ms(convert, texts: list[str], runs: int = 3) -> float:
    convert(texts[0])  # set-up outside the timing
    best = float("inf")
    for _ in range(runs):
        started = time.perf_counter()
        for text in texts:
            convert(text)
        best = min(best, time.perf_counter() - started)
    return best / len(texts) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=200, help="notice bodies (default: %(default)s)")
    args = parser.parse_args()
    ensure_engines()
    import cmarkgfm
    import markdown
    import mistune
    from markdown.extensions.sane_lists import SaneListExtension
    from markdown.extensions.tables import TableExtension
    from markdown_it import MarkdownIt

    from noticesite import content

    texts = bodies(args.n)
    md = markdown.Markdown(extensions=[SaneListExtension(), TableExtension()], output_format="html")
    ours = content._markdown()  # with our patterns (附件N, bare URLs, URL checks) and the plain-text fast path
    ours.attachment_links.numbers, ours.attachment_links.link = {1, 2, 3, 4}, lambda n: f"attachment-{n}.html"
    ours.safe_urls.report = lambda needle, message: None
    engines = {
        "Python-Markdown": lambda text: md.reset().convert(text),
        "Python-Markdown as built": lambda text: ours.reset().convert(text),
        "mistune": mistune.create_markdown(escape=True, plugins=["table"]),
        "markdown-it-py": MarkdownIt("commonmark", {"html": False}).enable("table").render,
        "cmarkgfm": cmarkgfm.github_flavored_markdown_to_html,
    }
    print(f"{len(texts)} notice bodies, {sum(len(t.encode()) for t in texts) // len(texts)} bytes each on average")
    for name, convert in engines.items():
        print(f"  {name:24} {per_body_ms(convert, texts):.3f} ms per body")


if __name__ == "__main__":
    main()
