"""Per-keystroke cost of the office-directory filter (layouts/directory.js).

Builds a synthetic directory page (3,000 rows by default) with the real macro,
serves it on 127.0.0.1, opens it in headless Chromium and types a sequence of
queries one character at a time: Chinese, phone digits, pinyin, deleting back
to nothing. For every keystroke it sets the input's value, dispatches the input
event and measures with performance.now():

  handler  the script's own work (the input listener runs synchronously)
  +layout  the same plus the style and layout it causes (forced by reading
           document.body.offsetHeight), i.e. what a frame has to absorb

The budget is one 16 ms frame per keystroke.

    .venv/bin/python bench/directory_filter.py [--rows 3000] [--repeat 3]
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from directory_samples import CHROMIUM, CHROMIUM_ARGS, serve, synthetic_directory, write_site  # noqa: E402
from noticesite.pinyin import annotate  # noqa: E402

# What a reader types, keystroke by keystroke ("" = everything deleted).
# Chinese arrives one committed word at a time (compositionend), so 湖南 is one
# step, not two letters.
SEQUENCES: dict[str, list[str]] = {
    "chinese": ["湖南", "湖南第", "湖南第1", "湖南第12", "", "长沙", "长沙迎宾路", ""],
    "digits": ["0", "07", "073", "0731", "0731-", "0731-8", "0731-82", "",
               "0", "07", "073", "0731", "07318", "073182", ""],
    "pinyin": ["h", "hu", "hun", "huna", "hunan", "", "h", "hn", "", "c", "ch", "cha", "chan", "chang", "changs", ""],
}

MEASURE = """
async (steps) => {
  const input = document.getElementById("office-directory-q");
  const out = [];
  const frame = () => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
  for (const value of steps) {
    input.value = value;
    const t0 = performance.now();
    input.dispatchEvent(new InputEvent("input", {bubbles: true, inputType: "insertText"}));
    const t1 = performance.now();
    void document.body.offsetHeight;
    const t2 = performance.now();
    const shown = document.querySelectorAll("#office-directory tbody tr:not([hidden])").length;
    out.push({value, handler: t1 - t0, layout: t2 - t0, shown});
    await frame();
  }
  return out;
}
"""


def fmt(values: list[float]) -> str:
    return f"median {statistics.median(values):6.2f} ms   max {max(values):6.2f} ms"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=3000)
    parser.add_argument("--repeat", type=int, default=3, help="runs of every sequence (the first warms up the JIT)")
    parser.add_argument("--verbose", action="store_true", help="print every keystroke")
    args = parser.parse_args(argv)

    from playwright.sync_api import sync_playwright

    t = time.perf_counter()
    directory = synthetic_directory(args.rows)
    annotate(directory)
    print(f"{args.rows} rows, keys built in {time.perf_counter() - t:.2f} s")

    with tempfile.TemporaryDirectory() as tmp, serve(Path(tmp)) as base:
        page_path = write_site(Path(tmp), directory)
        html_kb = (Path(tmp) / page_path).stat().st_size / 1024
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1280, "height": 800})
            # time the script's start-up (reading 3,000 rows) by wrapping it in marks
            script = (Path(tmp) / "directory.js").read_text(encoding="utf-8")
            page.route(
                "**/directory.js",
                lambda route: route.fulfill(
                    content_type="text/javascript",
                    body=f'performance.mark("ds");\n{script}\nperformance.mark("de");',
                ),
            )
            page.goto(base + page_path)
            page.wait_for_selector("form.directory-search", state="visible")
            setup = page.evaluate('performance.measure("setup", "ds", "de").duration')
            print(f"page {html_kb:.0f} KB; script start-up {setup:.1f} ms")

            all_handler: list[float] = []
            all_layout: list[float] = []
            for name, steps in SEQUENCES.items():
                handler: list[float] = []
                layout: list[float] = []
                for run in range(args.repeat):
                    page.evaluate(MEASURE, [""])  # start from the full table
                    results = page.evaluate(MEASURE, steps)
                    if run == 0 and args.repeat > 1:
                        continue  # warm-up
                    for r in results:
                        if args.verbose:
                            print(f"  {r['value']!r:14} {r['shown']:5} rows  {r['handler']:6.2f}  {r['layout']:6.2f}")
                        handler.append(r["handler"])
                        layout.append(r["layout"])
                print(f"{name:8} handler  {fmt(handler)}   +layout  {fmt(layout)}   ({len(handler)} keystrokes)")
                all_handler += handler
                all_layout += layout
            print(f"{'all':8} handler  {fmt(all_handler)}   +layout  {fmt(all_layout)}")
            browser.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
