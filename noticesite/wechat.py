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
from html.parser import HTMLParser
from typing import Mapping

from markupsafe import Markup

from . import urls

_DROPPED_ELEMENTS = {"script", "style", "template", "noscript", "form", "input", "button", "select", "textarea"}
# a style attribute is written from the mapping, not kept: the template's mapping is the one place
# the article's look is declared
_DROPPED_ATTRIBUTES = {"class", "id", "hidden", "style"}
_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


def for_wechat(markup: str, styles: Mapping[str, str], page_url: str) -> Markup:
    """``markup`` with its styles inline, no class or script, and every URL absolute."""
    writer = _Inliner(styles, page_url)
    writer.feed(str(markup))
    writer.close()
    return Markup("".join(writer.out))


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
        classes = next((v or "" for k, v in attrs if k == "class"), "").split()
        style = _merged([self.styles.get(tag, ""), *(self.styles.get(f"{tag}.{c}", "") for c in classes),
                         *(self.styles.get(f".{c}", "") for c in classes)])
        kept = []
        for name, value in attrs:
            if name in _DROPPED_ATTRIBUTES or name.startswith("data-"):
                continue
            if name in ("href", "src"):
                value = urls.absolute(self.page_url, value or "", image=(tag == "img" and name == "src"))
                if value is None:
                    continue
            kept.append(name if value is None else f'{name}="{html.escape(value)}"')
        if style:
            kept.append(f'style="{html.escape(style)}"')
        return f"<{tag}{''.join(' ' + a for a in kept)}>"
