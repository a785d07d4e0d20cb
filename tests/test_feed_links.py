"""The feed's body links made absolute (render.absolute_links), on HTML as Python-Markdown writes it."""
from __future__ import annotations

import pytest

from noticesite.content import attachment_href, render_markdown
from noticesite.errors import Problems
from noticesite.render import absolute_links

pytestmark = pytest.mark.unit

BASE = "https://example.edu.cn/jwc/2012-104/"


def test_relative_links_and_images_resolve_against_the_notice_folder():
    body = ('<p>见<a href="attachment-1.html">附件1</a>，<a href="../2011-3/#s?a=1&amp;b=2">旧</a>，'
            '<a href="#top">上</a>，<img alt="x" src="photo.png">，'
            '<a href="http://www.chsi.com.cn/" rel="external noopener">外</a></p>')
    assert absolute_links(body, BASE) == (
        '<p>见<a href="https://example.edu.cn/jwc/2012-104/attachment-1.html">附件1</a>，'
        '<a href="https://example.edu.cn/jwc/2011-3/#s?a=1&amp;b=2">旧</a>，'
        '<a href="https://example.edu.cn/jwc/2012-104/#top">上</a>，'
        '<img alt="x" src="https://example.edu.cn/jwc/2012-104/photo.png">，'
        '<a href="http://www.chsi.com.cn/" rel="external noopener">外</a></p>')


def test_text_that_looks_like_a_link_is_left_as_written():
    problems = Problems()
    html, _ = render_markdown('写 <a href="x.html">x</a> 或 `<img src="y.png">`，见附件1', "content/n/notice.md", 1,
                              problems, numbers={1}, link=attachment_href)
    assert "&lt;a href=" in html and "&lt;img src=" in html  # raw HTML is text
    assert absolute_links(html, BASE) == html.replace('"attachment-1.html"', f'"{BASE}attachment-1.html"')
