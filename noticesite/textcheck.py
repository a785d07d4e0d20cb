"""Characters no text of a notice may hold, named by code point, with where they are.

A title goes into XML (the feed, the flow chart's SVG) and into iCalendar content lines: one
control character makes the feed unreadable, one lone CR in a label forges a calendar property,
and a bidirectional override shows an office's name or a phone number reordered (issue 13,
item 6). Tab and line feed are kept: they are how text is laid out. CR is refused in data
values (YAML reads CRLF line ends as LF, so a CR there was escaped on purpose) and in Markdown
unless it ends a line before a LF. The left-to-right and right-to-left marks (U+200E, U+200F)
are kept: they only settle the direction of the characters beside them, which mixed Chinese
and Arabic or Hebrew text needs, and reorder nothing.
"""
from __future__ import annotations

import re

_C0_NAMES = ("null", "start of heading", "start of text", "end of text", "end of transmission", "enquiry",
             "acknowledge", "bell", "backspace", "tab", "line feed", "vertical tab", "form feed",
             "carriage return", "shift out", "shift in", "data link escape", "device control one",
             "device control two", "device control three", "device control four", "negative acknowledge",
             "synchronous idle", "end of transmission block", "cancel", "end of medium", "substitute",
             "escape", "file separator", "group separator", "record separator", "unit separator")
_BIDI_NAMES = {0x202A: "left-to-right embedding", 0x202B: "right-to-left embedding",
               0x202C: "pop directional formatting", 0x202D: "left-to-right override",
               0x202E: "right-to-left override", 0x2066: "left-to-right isolate",
               0x2067: "right-to-left isolate", 0x2068: "first strong isolate",
               0x2069: "pop directional isolate"}
_NONCHARACTERS = "\ufdd0-\ufdef" + "".join(f"{chr(plane * 0x10000 + 0xFFFE)}{chr(plane * 0x10000 + 0xFFFF)}"
                                           for plane in range(17))
_REFUSED = "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff" + _NONCHARACTERS
REFUSED = _REFUSED  # the class's characters, unescaped: schemas.py writes them for editors
# In a data value: CR too. In Markdown: a CR not followed by LF.
VALUE_CHARACTERS = re.compile(f"[{_REFUSED}\r]")
MARKDOWN_CHARACTERS = re.compile(f"[{_REFUSED}]|\r(?!\n)")


def describe(char: str) -> str:
    """'U+001B (escape)': the code point and what it is."""
    code = ord(char)
    if code < 0x20:
        name = _C0_NAMES[code]
    elif code == 0x7F:
        name = "delete"
    elif code <= 0x9F:
        name = "a C1 control character"
    elif code in _BIDI_NAMES:
        name = _BIDI_NAMES[code]
    elif 0xD800 <= code <= 0xDFFF:
        name = "a lone surrogate"
    else:
        name = "a noncharacter"
    return f"U+{code:04X} ({name})"


def message(char: str) -> str:
    """Why ``char`` is refused, in the words of a problem."""
    code = ord(char)
    if code in _BIDI_NAMES:
        why = "a bidirectional control reorders what readers see"
    elif code < 0x20 or 0x7F <= code <= 0x9F:
        why = "control characters break the feed, the calendars and the PDFs"
    else:
        why = "it is not a character of any text (XML refuses it)"
    return f"{describe(char)} is not allowed in text: {why}"


_ESCAPES = {0x00: "0", 0x07: "a", 0x08: "b", 0x09: "t", 0x0A: "n", 0x0B: "v", 0x0C: "f", 0x0D: "r",
            0x1B: "e", 0x85: "N", 0xA0: "_", 0x2028: "L", 0x2029: "P"}


def spellings(char: str) -> list[str]:
    """The ways a YAML double-quoted scalar may write ``char``: raw, or as one of its escapes."""
    code = ord(char)
    forms = [char, f"\\x{code:02x}", f"\\x{code:02X}", f"\\u{code:04x}", f"\\u{code:04X}",
             f"\\U{code:08x}", f"\\U{code:08X}"]
    if code in _ESCAPES:
        forms.append("\\" + _ESCAPES[code])
    return [form for form in forms if not (form.startswith("\\x") and code > 0xFF)]
