"""Records written as YAML and read back as the loader reads them (yamlio nodes with locations)."""
from __future__ import annotations

import json

from noticesite import yamlio


def key_date_nodes(items: list[dict], path: str, first_line: int) -> list[yamlio.Node]:
    """Each item as a flow mapping on its own line from ``first_line``, at column 5 ('  - {')."""
    if not items:
        return []
    text = "".join("  - {" + ", ".join(f"{k}: {_scalar(v)}" for k, v in item.items()) + "}\n" for item in items)
    node, problems = yamlio.parse(text, path, first_line)
    assert not problems and node is not None, problems
    return node.value  # type: ignore[return-value]


def _scalar(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False)
    return json.dumps(str(value), ensure_ascii=False)  # quoted: YAML reads it as the text it is
