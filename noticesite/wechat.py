"""The WeChat article of a notice (``<slug>/wechat.html``): HTML made to be pasted into the
official account's editor, which keeps an element's ``style`` attribute and drops ``<style>``,
classes and scripts, and which publishes the article away from the site, where a relative
link leads nowhere.

``for_wechat`` is the template filter that makes any HTML so: each element's style is looked up
in a mapping the template declares (by tag, ``tag.class`` and ``.class``) and written inline;
classes, ids and scripts are dropped; every link and image is made absolute from the notice's
address by the one URL policy (urls.py), and one the policy refuses is dropped.
"""
from __future__ import annotations

import html
import re
from html.parser import HTMLParser
from typing import Mapping

from markupsafe import Markup

from . import urls

# Scripts, forms, and the elements whose content a browser reads as raw text (which the parser
# below would read as markup): left out with their content.
_DROPPED_ELEMENTS = {"script", "style", "template", "noscript", "form", "input", "button", "select", "textarea",
                     "title", "iframe", "noembed", "noframes", "xmp", "plaintext", "object", "embed"}
# a style attribute is written from the mapping, not kept: the template's mapping is the one place
# the article's look is declared
_DROPPED_ATTRIBUTES = {"class", "id", "hidden", "style"}
_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


def for_wechat(markup: str, styles: Mapping[str, str], page_url: str) -> Markup:
    """``markup`` with its styles inline, no class or script, and every URL absolute."""
    writer = _Inliner(styles, page_url)
    if not writer.feed_plain(str(markup)):
        writer = _Inliner(styles, page_url)
        writer.feed(str(markup))
        writer.close()
    return Markup("".join(writer.out))


# What a serializer (Jinja's autoescape, Python-Markdown's) writes: lower-case names, values in
# double quotes holding no '<', '>' or '"', text with no '<'. Read with two regular expressions,
# that is several times faster than Python's HTML parser, which any other HTML goes to.
_SPACE = "[ \t\n\f\r]"  # HTML's ASCII whitespace only: a browser reads "<p\u3000a>" as one tag name
_PLAIN_TAG = re.compile(f'<(/?)([a-z][a-z0-9]*)((?:{_SPACE}+[a-z][a-z0-9_.:-]*(?:="[^"<>]*")?)*){_SPACE}*(/?)>')
_PLAIN_ATTRIBUTE = re.compile(f'{_SPACE}+([a-z][a-z0-9_.:-]*)(?:="([^"<>]*)")?')


def _merged(declarations: list[str]) -> str:
    """The declarations in order, a property named again replacing the earlier value (as the
    cascade would: the tag's style first, then its classes')."""
    merged: dict[str, str] = {}
    for block in declarations:
        for declaration in block.split(";"):
            name, colon, value = declaration.partition(":")
            if colon and name.strip():
                merged.pop(name.strip(), None)
                merged[name.strip()] = value.strip()
    return ";".join(f"{name}:{value}" for name, value in merged.items())


class _Inliner(HTMLParser):
    def __init__(self, styles: Mapping[str, str], page_url: str):
        super().__init__(convert_charrefs=True)
        self.styles, self.page_url = styles, page_url
        self.out: list[str] = []
        self.dropping: list[str] = []  # open elements whose content is left out
        # an article repeats a few (tag, classes) and links thousands of times: each worked out once
        self._styles: dict[tuple[str, str], str] = {}
        self._urls: dict[tuple[str, bool], str | None] = {}

    def feed_plain(self, markup: str) -> bool:
        """Reads ``markup`` as a serializer writes it (``_PLAIN_TAG``): False, having read
        nothing that counts, at the first '<' that does not start such a tag (a comment, a
        doctype, an unquoted value): the caller then feeds it to the HTML parser."""
        position = 0
        for tag in _PLAIN_TAG.finditer(markup):
            text = markup[position:tag.start()]
            if "<" in text:
                return False
            if text and not self.dropping:
                self.out.append(text)  # escaped already, and kept so: read as it was
            position = tag.end()
            closing, name, attributes, self_closing = tag.groups()
            if closing:
                self.handle_endtag(name)
                continue
            attrs = [(a, None if v is None else html.unescape(v)) for a, v in _PLAIN_ATTRIBUTE.findall(attributes)]
            (self.handle_startendtag if self_closing else self.handle_starttag)(name, attrs)
        if "<" in markup[position:]:
            return False
        if not self.dropping:
            self.out.append(markup[position:])
        return True

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.dropping or tag in _DROPPED_ELEMENTS:
            if tag not in _VOID:
                self.dropping.append(tag)
            return
        self.out.append(self._tag(tag, attrs))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if not self.dropping and tag not in _DROPPED_ELEMENTS:
            self.out.append(self._tag(tag, attrs))

    def handle_endtag(self, tag: str) -> None:
        if self.dropping:
            if tag == self.dropping[-1]:
                self.dropping.pop()
            return
        if tag not in _DROPPED_ELEMENTS and tag not in _VOID:
            self.out.append(f"</{tag}>")

    def handle_data(self, data: str) -> None:
        if not self.dropping:
            self.out.append(html.escape(data, quote=False))

    def _tag(self, tag: str, attrs: list[tuple[str, str | None]]) -> str:
        style = self._style(tag, next((v or "" for k, v in attrs if k == "class"), ""))
        kept = []
        for name, value in attrs:
            if name in _DROPPED_ATTRIBUTES or name.startswith("data-"):
                continue
            if name in ("href", "src"):
                value = self._url(value or "", tag == "img" and name == "src")
                if value is None:
                    continue
            kept.append(name if value is None else f'{name}="{html.escape(value)}"')
        if style:
            kept.append(f'style="{html.escape(style)}"')
        return f"<{tag}{''.join(' ' + a for a in kept)}>"

    def _style(self, tag: str, class_attribute: str) -> str:
        key = (tag, class_attribute)
        if key not in self._styles:
            classes = class_attribute.split()
            self._styles[key] = _merged([self.styles.get(tag, ""),
                                         *(self.styles.get(f"{tag}.{c}", "") for c in classes),
                                         *(self.styles.get(f".{c}", "") for c in classes)])
        return self._styles[key]

    def _url(self, value: str, image: bool) -> str | None:
        key = (value, image)
        if key not in self._urls:
            self._urls[key] = urls.absolute(self.page_url, value, image)
        return self._urls[key]
