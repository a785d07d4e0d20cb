"""Site search on a weak phone: time from the first keystroke to the first result shown.

Serves a built site (``output/``) from 127.0.0.1 with gzip, as deploy/nginx.conf does (pages,
scripts and JSON compressed; Pagefind's own files, already gzip, sent as they are), and opens
its search page in headless Chromium throttled through the DevTools protocol as Chrome's
presets are: Slow 3G (400 kbit/s, 400 ms round trip) and Fast 3G (1.6 Mbit/s, 150 ms), each
with the CPU slowed 4x (``Emulation.setCPUThrottlingRate``), the cache off (a first visit).

Each run: load the search page; once the box is there (DOMContentLoaded), wait ``--think``
seconds (a reader reaching for the box), focus it and press the first key: with ``--compose``
seconds, the first key starts an input method's composition (pinyin being typed, through
CDP's ``Input.imeSetComposition``) and the word is committed that much later, as a Chinese
IME does; with 0 the word arrives at once (one input event). The page itself records, with
performance.now(), the moment the word is in the box (the input event of a typed or committed
word: what a reader waits from) and the moment the first result (an ``li`` of the results list)
is in the document; the figure is the difference. With composition, the time from the first key
(compositionstart) is shown beside it: the reader's own typing is part of it. By default
two readers: one who types at the very moment the box shows (think 0, compose 0: the worst
case) and one who takes a second to reach the box and 1.5 s to type the pinyin of a word. Also shown: the requests
and bytes (as sent, compressed) of the whole visit.

    .venv/bin/python bench/search_phone.py --site output [--runs 5] [--query 图像采集] [--think 0]

With ``--floor`` the same readers use a bare page instead of the site's search page: Pagefind
alone, through its documented API at its best (imported and ``init()``-ed as the page loads,
``search()`` on the word, the first result's ``data()`` shown). That is what the libraries alone
take on that network: the floor under any search page built on them.

The site must have been built with its search index (no ``--no-search``).
"""
from __future__ import annotations

import argparse
import io
import gzip
import http.server
import itertools
import statistics
import sys
from pathlib import Path
from typing import ContextManager

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from directory_samples import CHROMIUM, CHROMIUM_ARGS, serve  # noqa: E402

# Chrome DevTools' network presets (throughput in bytes per second).
PROFILES = {
    "Slow 3G": {"latency": 400, "downloadThroughput": 400 * 1000 / 8, "uploadThroughput": 400 * 1000 / 8},
    "Fast 3G": {"latency": 150, "downloadThroughput": 1.6 * 1000 * 1000 / 8, "uploadThroughput": 750 * 1000 / 8},
}
CPU_SLOWDOWN = 4
# What deploy/nginx.conf compresses (its gzip_types): Pagefind's files are gzip already.
COMPRESSED = (".html", ".js", ".css", ".json", ".svg", ".xml", ".ics", ".txt")


FLOOR_PAGE = "__floor__.html"  # served by the bench itself, never written into the site


def floor_page(bundle: str) -> bytes:
    """A bare search page: Pagefind's own module from ``bundle`` (e.g. /pagefind/site/),
    imported and initialised at once, searched on the word, its first result shown."""
    return f"""<!doctype html><html lang="zh-CN"><meta charset="utf-8"><title>floor</title>
<input id="site-search-q" type="search"><ol id="site-search-results"></ol>
<script type="module">
const box = document.getElementById("site-search-q");
const ready = import("{bundle}pagefind.js").then(async (pagefind) => {{ await pagefind.init(); return pagefind; }});
box.addEventListener("input", async () => {{  /* attached before DOMContentLoaded: no word is missed */
  const pagefind = await ready;
  const found = await pagefind.search(box.value);
  if (!found.results.length) return;
  const first = await found.results[0].data();
  const li = document.createElement("li");
  li.textContent = first.meta.title || first.url;
  document.getElementById("site-search-results").append(li);
}});
</script>
""".encode()


class _GzipHandler(http.server.SimpleHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as nginx
    floor = b""  # the bare page's bytes (--floor)

    def send_head(self):  # type: ignore[override]  # the documented hook for what is sent
        if self.path.split("?")[0] == "/" + FLOOR_PAGE and self.floor:
            return self._send(self.floor, "text/html; charset=utf-8")
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        if path.suffix not in COMPRESSED or "gzip" not in self.headers.get("Accept-Encoding", "") \
                or not path.is_file():
            return super().send_head()
        return self._send(path.read_bytes(), self.guess_type(str(path)))

    def _send(self, data: bytes, media: str):
        body = gzip.compress(data, 6)
        self.send_response(200)
        self.send_header("Content-Type", media)
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-cache")
        self.end_headers()
        return io.BytesIO(body)

    def log_message(self, format, *args):  # noqa: A002  # quiet
        pass


def serve_gzip(folder: Path, floor: bytes = b"") -> ContextManager[str]:
    return serve(folder, type("Handler", (_GzipHandler,), {"floor": floor}))


# Installed before the page's own scripts: the first input event and the first result.
_PROBE = """
window.__t = {};
document.addEventListener("compositionstart", function () {
  if (!window.__t.first) window.__t.first = performance.now();
}, true);
function word(value) {  /* the word is in the box: typed, or committed by the IME (compositionend) */
  if (value && !window.__t.key) window.__t.key = performance.now();
  if (!window.__t.first) window.__t.first = window.__t.key;
}
document.addEventListener("input", function (e) { if (!e.isComposing) word(e.target.value); }, true);
document.addEventListener("compositionend", function (e) { word(e.target.value); }, true);
new MutationObserver(function () {
  var list = document.getElementById("site-search-results");
  if (window.__t.key && !window.__t.result && list && list.querySelector("li")) window.__t.result = performance.now();
}).observe(document, { childList: true, subtree: true });
"""


def one_run(browser, url: str, profile: dict, query: str, think: float, compose: float,
            trace: bool = False, page_path: str = "search/index.html") -> tuple[float, float, int, int]:
    context = browser.new_context()
    page = context.new_page()
    page.add_init_script(_PROBE)
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
    cdp.send("Network.emulateNetworkConditions", {"offline": False, **profile})
    cdp.send("Emulation.setCPUThrottlingRate", {"rate": CPU_SLOWDOWN})
    finished: list = []  # every request of the visit, the worker's too (CDP's page session misses those)
    context.on("requestfinished", lambda request: finished.append(request))
    try:
        page.goto(url + page_path, wait_until="domcontentloaded", timeout=120_000)
        if think:
            page.wait_for_timeout(think * 1000)
        page.focus("#site-search-q")
        if compose:  # the input method composes the pinyin, then commits the word
            cdp.send("Input.imeSetComposition", {"text": "t", "selectionStart": 1, "selectionEnd": 1})
            page.wait_for_timeout(compose * 1000)
            cdp.send("Input.insertText", {"text": query})
        else:
            page.keyboard.insert_text(query)
        page.wait_for_function("window.__t.result", timeout=120_000, polling=50)
        t = page.evaluate("window.__t")
        page.wait_for_timeout(300)  # the last fragments
        sizes = [r.sizes()["responseBodySize"] + r.sizes()["responseHeadersSize"] for r in finished]
        if trace:
            origin = page.evaluate("performance.timeOrigin")
            for r in finished:
                timing = r.timing
                start = timing["startTime"] - origin - t["key"]
                end = start + timing["responseEnd"]
                print(f"  {start / 1000:6.2f} s -> {end / 1000:6.2f} s  {r.url.split('/', 3)[-1]}")
            print(f"  result at {(t['result'] - t['key']) / 1000:.2f} s")
        return (t["result"] - t["key"]) / 1000, (t["result"] - t["first"]) / 1000, len(sizes), sum(sizes)
    finally:
        context.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", type=Path, default=Path("output"), help="a built site with its search index")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--query", default="图像采集")
    parser.add_argument("--think", type=float, default=None,
                        help="seconds between the box showing and the first key (default: both 0 and 1)")
    parser.add_argument("--compose", type=float, default=None,
                        help="seconds the input method composes before committing the word (default: 0 with "
                             "think 0, else 1.5)")
    parser.add_argument("--trace", action="store_true", help="print each request's times, from the keystroke")
    parser.add_argument("--floor", action="store_true",
                        help="a bare page using Pagefind alone (the libraries' floor) instead of the search page")
    args = parser.parse_args()
    site = args.site.resolve()
    if not (site / "pagefind").is_dir():
        print(f"{site}: no search index (pagefind/); build without --no-search", file=sys.stderr)
        return 1
    from playwright.sync_api import sync_playwright

    bundles = sorted(p.parent.relative_to(site).as_posix() for p in (site / "pagefind").glob("*/pagefind.js"))
    floor = floor_page("/" + bundles[0] + "/") if args.floor and bundles else b""
    page_path = FLOOR_PAGE if floor else "search/index.html"
    with sync_playwright() as p, serve_gzip(site, floor) as url:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            scenarios = [(args.think, args.compose if args.compose is not None else (1.5 if args.think else 0.0))] \
                if args.think is not None else [(0.0, 0.0), (1.0, 1.5)]
            for (think, compose), (name, profile) in itertools.product(scenarios, PROFILES.items()):
                times, from_first, counts, sizes = [], [], [], []
                for _ in range(args.runs):
                    seconds, since_first, count, size = one_run(browser, url, profile, args.query, think, compose,
                                                                 args.trace, page_path)
                    times.append(seconds)
                    from_first.append(since_first)
                    counts.append(count)
                    sizes.append(size)
                label = "floor (Pagefind alone): " if floor else ""
                print(label + f"{name}, CPU {CPU_SLOWDOWN}x slower, first key {think:g} s after the box shows, "
                      f"word committed {compose:g} s later, query {args.query}: "
                      f"word in the box to first result median {statistics.median(times):.2f} s "
                      f"(runs: {', '.join(f'{t:.2f}' for t in times)})"
                      + (f", from the first key {statistics.median(from_first):.2f} s; " if compose else "; ") +
                      f"visit: {statistics.median(counts):.0f} requests, {statistics.median(sizes) / 1024:.0f} KB")
        finally:
            browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
