"""Make printed dicts comparable when their key order carries no meaning.

The real Milvus server (2.3.5) returns a query's output fields in a random order per call (a Go
map), so a program that prints `client.query(...)` or `col.query(...)` prints differently from
run to run, ORM and MilvusClient alike. On that lane the rig rewrites every printed dict literal
with sorted keys before comparing stdout. milvus-lite keeps a stable order, so its lane is left
exact.
"""

from __future__ import annotations

import ast

_QUOTES = "'\""


def _matching_brace(text: str, start: int) -> int | None:
    """Index of the `}` closing the `{` at `start`, skipping quoted strings; None if unclosed."""
    depth = 0
    quote: str | None = None
    i = start
    while i < len(text):
        ch = text[i]
        if quote:
            if ch == "\\":
                i += 1
            elif ch == quote:
                quote = None
        elif ch in _QUOTES:
            quote = ch
        elif ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
            if depth == 0:
                return i
        elif ch == "\n":
            return None  # printed dicts we care about sit on one line
        i += 1
    return None


def _sorted_repr(value: object) -> str:
    if isinstance(value, dict):
        items = sorted(value.items(), key=lambda kv: repr(kv[0]))
        return "{" + ", ".join(f"{k!r}: {_sorted_repr(v)}" for k, v in items) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_sorted_repr(v) for v in value) + "]"
    return repr(value)


def sort_printed_dicts(text: str) -> str:
    """Rewrite each one-line dict literal in `text` (nested ones too) with sorted keys; text that
    is not a Python literal (for example `np.float32(...)` inside) is left as printed."""
    out: list[str] = []
    i = 0
    while i < len(text):
        if text[i] == "{":
            end = _matching_brace(text, i)
            if end is not None:
                chunk = text[i : end + 1]
                try:
                    value = ast.literal_eval(chunk)
                except (ValueError, SyntaxError, RecursionError):
                    value = None
                if isinstance(value, dict):
                    out.append(_sorted_repr(value))
                    i = end + 1
                    continue
        out.append(text[i])
        i += 1
    return "".join(out)
