"""What other programs read from the published site: the sitemap lists every page a search engine
should index (and nothing missing), and every link in the feed leads to a file of output/ however a
feed reader resolves it (issue 16: the feed's attachment links 404ed, the sitemap left out years).
"""
from __future__ import annotations

import shutil
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import pytest
from bs4 import BeautifulSoup

from conftest import Project, soup
from noticesite.site import BuildOptions, build, load

pytestmark = pytest.mark.integration

ATOM = "{http://www.w3.org/2005/Atom}"
XML_BASE = "{http://www.w3.org/XML/1998/namespace}base"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
BASE_URL = "https://jwc.example.edu.cn/"


@pytest.fixture(scope="module")
def two_year_site(tmp_path_factory) -> Path:
    """The example beside a notice of 2013, one notice a page: two years, two index pages."""
    from conftest import REPO, copy_project

    project = Project(copy_project(REPO, tmp_path_factory.mktemp("published") / "site"))
    shutil.copytree(project.path("content/2012-104"), project.path("content/2013-005"))
    project.replace("content/2013-005/notice.md", "校教通〔2012〕104号", "校教通〔2013〕5号")
    # Only a notice with a declared date is in the feed (docs/data-format.md): give both one.
    project.replace("content/2012-104/notice.md", "date:  ", "date: 2012-12-10  ")
    project.replace("content/2013-005/notice.md", "date:  ", "date: 2013-01-10  ")
    project.write("data/site.yaml", project.read("data/site.yaml") + "per_page: 1\n")
    site, problems = load(project.root)
    assert site is not None, "\n".join(map(str, problems))
    build(site, project.path("output"), BuildOptions(pdf=False, search=False))
    return project.path("output")


def target(output: Path, url: str) -> Path | None:
    """The file of output/ that ``url`` names when the site is published at BASE_URL."""
    if not url.startswith(BASE_URL):
        return None
    rel = unquote(urlsplit(url).path)[len(urlsplit(BASE_URL).path):]
    path = output / rel
    return path / "index.html" if rel == "" or rel.endswith("/") else path


def indexable_pages(output: Path) -> set[str]:
    """Every HTML page of output/ that does not ask robots to stay away, as a URL."""
    found = set()
    for page in output.rglob("*.html"):
        robots = soup(page).find("meta", attrs={"name": "robots"})
        if robots is not None and "noindex" in robots.get("content", ""):
            continue
        rel = page.relative_to(output).as_posix()
        found.add(BASE_URL + (rel.removesuffix("index.html") if page.name == "index.html" else rel))
    return found


def test_the_sitemap_lists_every_indexable_page(two_year_site: Path):
    listed = [u.text for u in ET.parse(two_year_site / "sitemap.xml").getroot().iter(f"{SITEMAP}loc")]
    assert len(listed) == len(set(listed)), "a URL listed twice"
    assert set(listed) == indexable_pages(two_year_site)
    assert {BASE_URL + "archive/2012/", BASE_URL + "archive/2013/", BASE_URL + "page/2/"} <= set(listed)
    for url in listed:
        found = target(two_year_site, url)
        assert found is not None and found.is_file(), url


def test_the_404_and_search_pages_are_not_for_robots(two_year_site: Path):
    for rel in ("404.html", "search/index.html"):
        assert soup(two_year_site / rel).find("meta", attrs={"name": "robots"})["content"] == "noindex"


def feed_links(entry: ET.Element, feed_url: str, honour_xml_base: bool) -> list[str]:
    """Every link of an entry resolved as a feed reader does (RFC 3986; xml:base per the Atom RFC
    4287 §2, or ignored, as many readers do)."""
    links = [urljoin(feed_url, link.get("href")) for link in entry.iter(f"{ATOM}link")]
    content = entry.find(f"{ATOM}content")
    if content is not None:
        base = urljoin(feed_url, content.get(XML_BASE, "")) if honour_xml_base else feed_url
        body = BeautifulSoup(content.text or "", "html5lib")
        links += [urljoin(base, el.get("href") or el.get("src"))
                  for el in body.find_all(["a", "img"]) if el.get("href") or el.get("src")]
    return links


@pytest.mark.parametrize("honour_xml_base", [True, False], ids=["xml-base", "no-xml-base"])
def test_every_link_of_the_feed_leads_to_a_published_file(two_year_site: Path, honour_xml_base: bool):
    feed_url = BASE_URL + "feed.xml"
    feed = ET.parse(two_year_site / "feed.xml").getroot()
    checked = 0
    for entry in feed.findall(f"{ATOM}entry"):
        for url in feed_links(entry, feed_url, honour_xml_base):
            if urlsplit(url).netloc != urlsplit(BASE_URL).netloc:
                continue  # another site (www.chsi.com.cn)
            found = target(two_year_site, url)
            assert found is not None and found.is_file(), url
            checked += 1
    assert checked >= 2 * 5  # per notice: its page and its four attachments
