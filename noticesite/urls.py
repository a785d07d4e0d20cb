"""The one URL policy: every link and image that reaches a page, a PDF, the feed or the search
index is judged here, as the browser will read it.

Decode, then decide. A browser reads an attribute with its HTML entities decoded
(``java&#115;cript:`` is ``javascript:``), then applies the WHATWG URL standard's
pre-processing: leading and trailing C0 controls and spaces are stripped, and every tab, LF
and CR is removed, wherever it is (``java&Tab;script:`` is ``javascript:`` too). Only then is
the scheme read. So the policy judges that string, and writes back an attribute whose decoding
is exactly that string: what was judged is what the browser reads.

Allowed: http, https, mailto and tel links, and relative URLs whose path, percent-decoded,
stays inside the notice's folder (no ``..`` out of it, no absolute path, no backslash, no
other host). An image must be such a relative URL naming a file of the notice's folder: the
site makes no request to another host, and the PDF printer reads nothing else.
"""
from __future__ import annotations

import html
import posixpath
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable
from urllib.parse import unquote, urlsplit

from .paths import FilePolicy

ALLOWED_SCHEMES = ("http", "https", "mailto", "tel")
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".gif", ".webp")  # not .svg: opened alone, it runs its script
_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*):")  # WHATWG: a scheme starts with an ASCII letter
_C0_OR_SPACE = "".join(chr(c) for c in range(0x21))  # WHATWG "C0 control or space"
_TAB_OR_NEWLINE = re.compile("[\t\n\r]")


def browser_view(value: str) -> str:
    """The URL a browser parses from an attribute holding ``value`` as serialized (entities not
    decoded yet): entities decoded, then the WHATWG pre-processing."""
    return preprocess(html.unescape(value))


def preprocess(url: str) -> str:
    """WHATWG URL parsing's first steps: leading and trailing C0 controls and spaces stripped,
    every tab, LF and CR removed."""
    return _TAB_OR_NEWLINE.sub("", url.strip(_C0_OR_SPACE))


def attribute(seen: str) -> str:
    """The attribute value to serialize so that a browser decodes it to ``seen`` exactly:
    Python-Markdown's serializer keeps what looks like an entity, so every '&' is written as
    '&amp;' (then '&amp;#115;' stays the text '&#115;' and can never become an 's')."""
    return seen.replace("&", "&amp;")


@dataclass(frozen=True)
class Verdict:
    seen: str  # the URL as the browser reads it
    refused: str | None = None  # why it is refused (the end of a message), or None
    local: str | None = None  # a relative URL's path inside the notice's folder, decoded; '' for '#x'


def judge(seen: str, image: bool = False) -> Verdict:
    """The decision on a URL as the browser reads it (see ``browser_view``)."""
    m = _SCHEME.match(seen)
    if m:
        scheme = m[1].lower()
        if image:
            return Verdict(seen, f"uses the scheme '{scheme}:'; an image must be a file inside the "
                                 "notice's folder (the site makes no request to another host)")
        if scheme not in ALLOWED_SCHEMES:
            return Verdict(seen, f"uses the scheme '{scheme}:', which is not allowed "
                                 "(use http, https, mailto or tel)")
        return Verdict(seen)
    return _relative(seen, image)


def _relative(seen: str, image: bool) -> Verdict:
    what = "an image must be a file inside the notice's folder" if image else \
        "a relative link must stay inside the notice's folder"
    if "\\" in seen:
        return Verdict(seen, f"contains a backslash, which a browser reads as '/': {what}")
    try:
        parts = urlsplit(seen)
    except ValueError as exc:  # e.g. '//[' (an unclosed IPv6 host)
        return Verdict(seen, f"is not a URL ({exc})")
    if parts.netloc or seen.startswith("//"):
        return Verdict(seen, f"names another host without a scheme: {what}"
                             + ("" if image else " (write https:// for a link to another site)"))
    path = unquote(parts.path)
    if "\\" in path:
        return Verdict(seen, f"contains an encoded backslash (%5C): {what}")
    if path.startswith("/"):
        return Verdict(seen, f"is an absolute path: {what}")
    depth = 0
    for segment in path.split("/"):
        if segment == "..":
            depth -= 1
            if depth < 0:
                return Verdict(seen, f"climbs out of the notice's folder with '..': {what}")
        elif segment not in ("", "."):
            depth += 1
    local = posixpath.normpath(path) if path else ""
    if image and local in ("", "."):
        return Verdict(seen, f"names no file: {what}")
    if image and posixpath.splitext(local)[1].lower() not in IMAGE_SUFFIXES:
        # Copied beside the pages, another kind of file could replace a page or, as SVG, run script.
        return Verdict(seen, f"is not a {', '.join(IMAGE_SUFFIXES)} file")
    return Verdict(seen, None, "" if local == "." else local)


def message(kind: str, raw: str, verdict: Verdict) -> str:
    """'link 'java&#115;cript:…', read by a browser as 'javascript:…', uses the scheme …'."""
    read = "" if raw == verdict.seen else f", read by a browser as '{_show(verdict.seen)}',"
    return f"{kind} '{_show(raw)}'{read} {verdict.refused}"


def _show(text: str) -> str:
    """Controls shown as escapes: a message must show what is there, on one line."""
    return "".join(c if c.isprintable() else f"\\x{ord(c):02x}" if ord(c) < 256 else f"\\u{ord(c):04x}"
                   for c in text)


# ---- files -------------------------------------------------------------------------------


def local_file(folder: Path, rel: str, root: Path) -> tuple[Path | None, str | None]:
    """The file a relative image path names in ``folder``, or why not: it must exist and, with
    symbolic links followed, be inside the project ``root`` (a link out would publish any file)."""
    candidate = folder / rel
    if FilePolicy(root).leaves(candidate) is not None:  # the one file-access policy (paths.py)
        return None, "is a symbolic link to a file outside the project: only files inside it are published"
    resolved = candidate.resolve()
    if not resolved.is_file():
        shown = candidate.relative_to(root).as_posix() if candidate.is_relative_to(root) else str(candidate)
        return None, f"names {shown}, which does not exist"
    return resolved, None


def src_path(serialized: str) -> str | None:
    """The file a serialized (already judged) relative src names, decoded; None for a URL."""
    verdict = judge(browser_view(serialized), image=True)
    return verdict.local if verdict.refused is None else None


# ---- the PDF printer ---------------------------------------------------------------------


def fetch_refusal(url: str, readable: Iterable[Path]) -> str | None:
    """Why WeasyPrint may not read ``url``: anything but a file: URL inside one of ``readable``
    (resolved folders: the notice's, the layouts, the project), symbolic links followed."""
    parts = urlsplit(url)
    if parts.scheme.lower() != "file" or parts.netloc not in ("", "localhost"):
        return f"the printer reads only files of the project, not '{url}'"
    path = Path(unquote(parts.path)).resolve()
    if not any(path.is_relative_to(folder) for folder in readable):
        return f"the printer reads only files of the project, not {path}"
    return None


def print_fetcher(readable: Iterable[str]) -> Any:
    """A ``weasyprint.URLFetcher`` (its documented extension point: a subclass with ``fetch``)
    that refuses every URL ``fetch_refusal`` refuses."""
    import weasyprint  # noqa: PLC0415 (slow import, only when printing)

    folders = tuple(Path(p).resolve() for p in readable)

    class ProjectFiles(weasyprint.URLFetcher):
        def fetch(self, url: str, headers: Any = None) -> Any:
            refused = fetch_refusal(url, folders)
            if refused:
                raise ValueError(refused)
            return super().fetch(url, headers)

    return ProjectFiles(allowed_protocols=("file",))


def web_address(value: str) -> str | None:
    """Why a configured address (the site's base_url) is not an absolute http(s) URL, or None."""
    parts = urlsplit(value)
    if preprocess(value) != value or parts.scheme not in ("http", "https") or not parts.netloc:
        return "expected an http:// or https:// address"
    return None


def absolute(page_url: str, value: str, image: bool = False) -> str | None:
    """The absolute address a browser on the page at ``page_url`` (absolute, http or https) goes
    to for a link or image whose attribute decodes to ``value``; None when the policy refuses it.
    For copies of a page read away from the site (the WeChat article), where a relative link
    would lead nowhere."""
    from urllib.parse import urljoin

    verdict = judge(preprocess(value), image)
    if verdict.refused is not None:
        return None
    if verdict.local is None:  # an allowed scheme: already absolute
        return verdict.seen
    return urljoin(page_url, verdict.seen)
