"""The site served as offices serve it: Debian's nginx with the shipped deploy/nginx.conf (site at
the top of the host) and deploy/nginx-subpath.conf (under /notices/), each run unprivileged on
127.0.0.1 over a built example, with Chromium driven through it (issue 16, "served as it will be
served"): pages, the directory filter, search, a PDF, a calendar link, the 404 page, gzip, cache
headers, and a rebuild seen by the very next request.
"""
from __future__ import annotations

import contextlib
import gzip
import os
import re
import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Iterator
from urllib.parse import quote

import pytest
from playwright.sync_api import expect

from conftest import ARTIFACTS, REPO, Project, copy_project
from directory_samples import watched_page
from noticesite.site import BuildOptions, build, load

pytestmark = pytest.mark.browser

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
PLACEHOLDER_ROOT = "/srv/noticesite/output"  # the root the shipped files ask the office to set
SUB_PATH = "/notices/"
NOTICE = "2012-104/"
DIRECTORY = NOTICE + "attachment-3.html"
PDF = NOTICE + "attachment-1.pdf"
ROWS = "#office-directory tbody tr"

if not Path(NGINX).exists():
    pytest.skip("nginx is not installed (scripts/bootstrap test installs Debian's nginx-light)",
                allow_module_level=True)

# The http block of Debian's own /etc/nginx/nginx.conf, as far as a site file relies on it, with
# every path nginx writes moved into the test's folder (its compiled-in ones need root).
MAIN_CONF = """\
{user}worker_processes 1;
pid {tmp}/nginx.pid;
error_log {tmp}/error.log;
events {{ worker_connections 64; }}
http {{
    sendfile on;
    types_hash_max_size 2048;
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log {tmp}/access.log;
    client_body_temp_path {tmp}/body;
    proxy_temp_path {tmp}/proxy;
    fastcgi_temp_path {tmp}/fastcgi;
    uwsgi_temp_path {tmp}/uwsgi;
    scgi_temp_path {tmp}/scgi;
    include {tmp}/site.conf;
}}
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def poll(predicate, what: str, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


def listening(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0


@contextlib.contextmanager
def nginx(shipped: str, output: Path, tmp: Path) -> Iterator[str]:
    """The shipped configuration with its root (or alias) and port set, as the README says to,
    run by Debian's nginx in the foreground; yields the site's address."""
    tmp.mkdir(parents=True, exist_ok=True)
    port = free_port()
    site = (REPO / "deploy" / shipped).read_text(encoding="utf-8")
    assert PLACEHOLDER_ROOT in site and "listen 80;" in site
    (tmp / "site.conf").write_text(site.replace(PLACEHOLDER_ROOT, str(output))
                                   .replace("listen 80;", f"listen 127.0.0.1:{port};"), encoding="utf-8")
    # As root (a CI container) the workers would become `nobody`, who may not read pytest's
    # private temporary folders: they stay root there. As anyone else nginx runs as that user.
    user = "user root;\n" if os.geteuid() == 0 else ""
    (tmp / "nginx.conf").write_text(MAIN_CONF.format(tmp=tmp, user=user), encoding="utf-8")
    command = [NGINX, "-p", str(tmp), "-c", str(tmp / "nginx.conf"), "-e", str(tmp / "error.log")]
    checked = subprocess.run(command + ["-t"], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stderr
    assert "warn" not in checked.stderr, checked.stderr  # e.g. a duplicate MIME type
    proc = subprocess.Popen(command + ["-g", "daemon off;"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        poll(lambda: proc.poll() is not None or listening(port), "nginx to listen")
        assert proc.poll() is None, proc.stderr.read().decode() if proc.stderr else ""
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()  # SIGTERM: nginx's fast shutdown
        proc.wait(timeout=10)


def build_example(root: Path, output: Path, **options) -> None:
    site, problems = load(root)
    assert site is not None, "\n".join(map(str, problems))
    build(site, output, BuildOptions(**options))


@pytest.fixture(scope="module")
def served(tmp_path_factory) -> Iterator[dict[str, str]]:
    """The example at the top of a host (PDFs and search) and under /notices/ (base_url with
    that path, search), each behind nginx with its shipped file: {"/": url, "/notices/": url}."""
    tmp = tmp_path_factory.mktemp("nginx")
    top = Project(copy_project(REPO, tmp / "top"))
    top.replace("data/site.yaml", "https://jwc.example.edu.cn/", "http://127.0.0.1/")
    build_example(top.root, top.path("output"), pdf=True, search=True)
    sub = Project(copy_project(REPO, tmp / "sub"))
    sub.replace("data/site.yaml", "https://jwc.example.edu.cn/", "http://127.0.0.1/notices/")
    # The same PDFs would be printed again (their key covers the site's settings): nginx serves
    # the ones printed above, as files, so the sub-path build skips printing.
    build_example(sub.root, sub.path("output"), pdf=False, search=True)
    for pdf in top.path("output").rglob("*.pdf"):
        shutil.copyfile(pdf, sub.path("output") / pdf.relative_to(top.path("output")))
    with nginx("nginx.conf", top.path("output"), tmp / "nginx-top") as at_top, \
            nginx("nginx-subpath.conf", sub.path("output"), tmp / "nginx-sub") as at_sub:
        yield {"/": at_top + "/", SUB_PATH: at_sub + SUB_PATH}


VARIANTS = ["/", SUB_PATH]


@pytest.fixture
def page(browser):
    context, page = watched_page(browser)
    page.on("requestfailed", lambda r: page.troubles.append(f"request failed: {r.url} {r.failure}"))
    page.failed = []  # every response of the page that was not a success, but the 404 asked for
    page.on("response", lambda r: r.status >= 400 and page.failed.append(f"{r.status} {r.url}"))
    yield page
    context.close()


@pytest.mark.parametrize("variant", VARIANTS)
def test_pages_and_the_directory_filter(page, served, variant):
    base = served[variant]
    response = page.goto(base)
    assert response.status == 200 and response.headers["content-type"] == "text/html; charset=utf-8"
    page.locator(".notice-list a").first.click()
    expect(page).to_have_url(base + NOTICE + "index.html")
    expect(page.locator("h1")).to_contain_text("关于做好2014届预计毕业生图像信息采集工作的通知")
    page.goto(base + NOTICE.rstrip("/"))  # a folder without its slash: redirected, under the path too
    expect(page).to_have_url(base + NOTICE)
    page.goto(base + DIRECTORY)
    page.locator("#office-directory-q").type("湖南", delay=20)
    expect(page.locator(f"{ROWS}:visible")).to_have_count(1)
    assert page.locator(f"{ROWS}:visible th").all_inner_texts() == ["湖南分社"]
    assert not page.failed and not page.troubles, page.failed + page.troubles
    # the stylesheet applied: the page is styled, not the browser's default
    assert page.evaluate("getComputedStyle(document.querySelector('.site-header')).display") != "inline"


@pytest.mark.parametrize("variant", VARIANTS)
def test_search_finds_a_notice_and_opens_it(page, served, variant):
    base = served[variant]
    page.goto(base + "search/index.html?q=" + quote("湖南分社"))
    link = page.locator(".search-result-link", has_text="湖南分社（附件3").first
    try:
        expect(link).to_be_visible(timeout=15000)
    except AssertionError as error:
        raise AssertionError(f"{error}\n{page.troubles} {page.failed}") from None
    link.click()
    expect(page).to_have_url(re.compile(re.escape(base + DIRECTORY)))
    expect(page.locator(f"{ROWS}:visible")).to_have_count(1)
    assert not page.failed and not page.troubles, page.failed + page.troubles


@pytest.mark.parametrize("variant", VARIANTS)
def test_a_pdf_and_a_calendar_link_have_their_types(page, served, variant):
    base = served[variant]
    pdf = page.request.get(base + PDF)
    assert pdf.status == 200 and pdf.headers["content-type"] == "application/pdf"
    assert pdf.body().startswith(b"%PDF-")
    page.goto(base + NOTICE)
    link = page.locator('a[href$=".ics"]').first
    href = link.evaluate("a => a.href")  # as the browser resolves it
    ics = page.request.get(href)
    assert ics.status == 200 and ics.headers["content-type"] == "text/calendar; charset=utf-8", href
    assert ics.text().startswith("BEGIN:VCALENDAR")
    feed = page.request.get(base + "feed.xml")
    assert feed.headers["content-type"] == "application/atom+xml; charset=utf-8"


@pytest.mark.parametrize("variant", VARIANTS)
def test_a_missing_path_shows_the_404_page_with_its_status(page, served, variant):
    base = served[variant]
    for missing in ("no-such-page.html", "2012-104/no/such/page/", ".noticesite-output"):
        response = page.goto(base + missing)
        assert response.status == 404, missing
        expect(page.locator("h1")).to_have_text("页面不存在")
        # its stylesheet and its link home work from any depth
        assert page.evaluate("getComputedStyle(document.querySelector('.site-header')).display") != "inline"
        page.locator("main a").click()
        expect(page).to_have_url(base + "index.html")
    assert page.failed == [f"404 {base}{m}" for m in ("no-such-page.html", "2012-104/no/such/page/",
                                                      ".noticesite-output")], page.failed


def head(url: str, **headers: str) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


@pytest.mark.parametrize("variant", VARIANTS)
def test_compression_and_cache_headers(served, variant):
    base = served[variant]
    status, headers, body = head(base + NOTICE, **{"Accept-Encoding": "gzip"})
    assert status == 200 and headers["Content-Encoding"] == "gzip"
    assert "关于做好2014届" in gzip.decompress(body).decode("utf-8")
    assert headers["Cache-Control"] == "no-cache" and headers["Vary"] == "Accept-Encoding"
    # revalidation: the same file is a 304, without its body
    etag = head(base + NOTICE)[1]["ETag"]
    assert head(base + NOTICE, **{"If-None-Match": etag})[0] == 304
    for path in ("style.css", "search.js", "feed.xml", "sitemap.xml", NOTICE + "calendar/all.ics"):
        status, headers, _ = head(base + path, **{"Accept-Encoding": "gzip"})
        assert (status, headers.get("Content-Encoding"), headers["Cache-Control"]) == (200, "gzip", "no-cache"), path
    # Pagefind's files are gzip data already, unpacked by its script: never compressed again
    status, headers, body = head(base + "pagefind/site/pagefind-entry.json", **{"Accept-Encoding": "gzip"})
    assert status == 200 and headers["Content-Type"] == "application/json; charset=utf-8"
    meta = next(p for p in pagefind_files(served, variant) if p.endswith(".pf_meta"))
    status, headers, body = head(base + meta, **{"Accept-Encoding": "gzip"})
    assert (status, headers["Content-Type"], headers.get("Content-Encoding")) == (200, "application/octet-stream", None)
    assert body[:2] == b"\x1f\x8b"


def pagefind_files(served: dict[str, str], variant: str) -> list[str]:
    """The index's files, from what the search page's script fetches: its entry file lists them."""
    import json

    entry = json.loads(head(served[variant] + "pagefind/site/pagefind-entry.json")[2])
    return [f"pagefind/site/pagefind.{index['hash']}.pf_meta" for index in entry["languages"].values()]


def test_response_headers_are_kept_for_the_report(served):
    """One page, one .ics, one PDF and one search file, as nginx answers a browser asking for gzip."""
    base = served["/"]
    search_file = pagefind_files(served, "/")[0]
    lines = []
    for path in (NOTICE, NOTICE + "calendar/all.ics", PDF, search_file):
        status, headers, _ = head(base + path, **{"Accept-Encoding": "gzip"})
        assert status == 200, path
        lines.append(f"GET /{path}  ->  {status}")
        lines += [f"{name}: {value}" for name, value in headers.items() if name not in ("Date",)]
        lines.append("")
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "nginx-headers.txt").write_text("\n".join(lines), encoding="utf-8")


def test_the_next_request_after_a_build_gets_the_new_release(tmp_path: Path):
    """`output` is a link swapped by each build: nginx follows it per request, so a browser that
    revalidates (no-cache) gets the new page at once, never the old one."""
    project = Project(copy_project(REPO, tmp_path / "site"))
    build_example(project.root, project.path("output"), pdf=False, search=False)
    with nginx("nginx.conf", project.path("output"), tmp_path / "nginx") as base:
        style_etag = head(base + "/style.css")[1]["ETag"]
        status, headers, body = head(base + "/" + NOTICE)
        assert status == 200 and "关于做好2014届" in body.decode("utf-8")
        project.replace("content/2012-104/notice.md", "关于做好2014届", "关于认真做好2014届")
        build_example(project.root, project.path("output"), pdf=False, search=False)
        status, _, body = head(base + "/" + NOTICE, **{"If-None-Match": headers["ETag"],
                                                       "If-Modified-Since": headers["Last-Modified"]})
        assert status == 200 and "关于认真做好2014届" in body.decode("utf-8")
        # an unchanged file of the new release is still a 304 (the build linked it in, same time)
        assert head(base + "/style.css", **{"If-None-Match": style_etag})[0] == 304
