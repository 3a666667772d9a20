"""A grammar of the ORM patterns milvus-migrate supports, as a program generator.

`generate_program(choose)` builds one runnable ORM program; `choose(label, options)` picks
one option per decision. Hypothesis drives it with `st.sampled_from` (property tests); a seeded
`random.Random` drives it for the live-server sample, so those programs are reproducible.

Every program is runnable against a fresh server (env MILVUS_URI / MILVUS_HOST / MILVUS_PORT):
the operations keep the order a real program needs (create, insert, index, load, read, delete)
while the grammar varies everything a codemod must cope with: import aliases, connect forms,
where the collection handle lives (local, global, `self` attribute), positional vs keyword
arguments, results used later, and comments on, between and inside statements.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TypeVar

T = TypeVar("T")
Choose = Callable[[str, Sequence[T]], T]

DIM = 4


@dataclass
class _Writer:
    """Collects code lines and numbered comments (each comment text is unique)."""

    choose: Choose
    lines: list[str] = field(default_factory=list)
    comments: list[str] = field(default_factory=list)

    def comment(self) -> str:
        text = f"# note {len(self.comments)}"
        self.comments.append(text)
        return text

    def line(self, indent: int, code: str) -> None:
        pad = "    " * indent
        if self.choose("comment above", (False, False, True)):
            self.lines.append(f"{pad}{self.comment()}")
        trailing = self.choose("trailing comment", (False, False, True))
        if trailing and "\n" not in code:
            code = f"{code}  {self.comment()}"
        self.lines.extend(pad + part if part else part for part in code.split("\n"))

    def text(self) -> str:
        return "\n".join(self.lines) + "\n"


def _call(
    w: _Writer, func: str, positional: list[str], keywords: list[tuple[str, str]], n_positional: int
) -> str:
    """`func(...)` with the first `n_positional` arguments positional, the rest keywords,
    optionally split over lines with a comment inside the call."""
    args = positional[:n_positional] + [f"{k}={v}" for k, v in keywords[n_positional:]]
    if len(args) > 1 and w.choose("multi-line call", (False, True)):
        inner = [f"    {a}," for a in args]
        if w.choose("comment inside call", (False, True)):
            inner[0] = f"{inner[0]}  {w.comment()}"
        return func + "(\n" + "\n".join(inner) + "\n)"
    return f"{func}({', '.join(args)})"


def _both(names: list[str], values: list[str]) -> tuple[list[str], list[tuple[str, str]]]:
    return values, list(zip(names, values, strict=True))


def generate_program(choose: Choose) -> tuple[str, list[str]]:
    """Return (program source, every comment text in it)."""
    w = _Writer(choose)
    col_cls = choose("Collection alias", ("Collection", "MilvusCollection"))
    conns = choose("connections alias", ("connections", "conns"))
    util = choose("utility alias", ("utility", "mu"))
    style = choose("handle location", ("global", "local", "attribute"))
    var = choose("handle name", ("col", "books", "coll", "items_collection"))
    name = choose("collection name", ("books", "demo_items"))
    with_title = choose("title field", (True, False))

    w.lines.append('"""Generated ORM program (tests/orm_program_grammar.py)."""')
    w.line(0, "import os")
    imported = [
        "CollectionSchema",
        "DataType",
        "FieldSchema",
        "Collection" if col_cls == "Collection" else "Collection as MilvusCollection",
        "connections" if conns == "connections" else "connections as conns",
        "utility" if util == "utility" else "utility as mu",
    ]
    if choose("import layout", ("one line", "parenthesized")) == "one line":
        w.line(0, f"from pymilvus import {', '.join(imported)}")
    else:
        w.line(0, "from pymilvus import (\n" + "".join(f"    {n},\n" for n in imported) + ")")
    w.lines.append("")

    connect = choose(
        "connect form",
        (
            f'{conns}.connect(uri=os.environ["MILVUS_URI"])',
            f'{conns}.connect("default", uri=os.environ["MILVUS_URI"])',
            f'{conns}.connect(alias="default", host=os.environ["MILVUS_HOST"], '
            'port=os.environ["MILVUS_PORT"])',
        ),
    )
    w.line(0, connect)
    w.line(0, f"NAME = {name!r}")
    w.line(0, f"if {util}.has_collection(NAME):\n    {util}.drop_collection(NAME)")
    w.lines.append("")

    fields = ['FieldSchema("id", DataType.INT64, is_primary=True)']
    if with_title:
        fields.append('FieldSchema("title", DataType.VARCHAR, max_length=32)')
    fields.append(f'FieldSchema("vec", DataType.FLOAT_VECTOR, dim={DIM})')
    w.line(0, "FIELDS = [\n" + "".join(f"    {f},\n" for f in fields) + "]")
    schema_call = choose(
        "schema form",
        (
            "CollectionSchema(FIELDS)",
            'CollectionSchema(FIELDS, description="generated")',
            "CollectionSchema(fields=FIELDS)",
        ),
    )
    w.line(0, f"SCHEMA = {schema_call}")
    w.lines.append("")

    def row(i: int) -> str:
        vec = [round((i * 7 + k * 3) % 11 / 10, 1) for k in range(DIM)]
        title = f', "title": "t{i}"' if with_title else ""
        return f'{{"id": {i}{title}, "vec": {vec}}}'

    def ops(h: str, indent: int) -> None:
        """The data calls on handle expression `h`, in a runnable order."""
        n_rows = choose("rows", (6, 10))
        w.line(indent, "ROWS = [\n" + "".join(f"    {row(i)},\n" for i in range(n_rows)) + "]")
        pos, kw = _both(["data"], ["ROWS"])
        insert = _call(w, f"{h}.insert", pos, kw, choose("insert positional", (0, 1)))
        if choose("keep insert result", (True, False)):
            w.line(indent, f"res = {insert}")
            w.line(indent, 'print("inserted", res.insert_count, sorted(res.primary_keys))')
        else:
            w.line(indent, insert)
        if choose("upsert", (True, False)):
            pos, kw = _both(["data"], [f"[{row(1)}]"])
            up = _call(w, f"{h}.upsert", pos, kw, choose("upsert positional", (0, 1)))
            w.line(indent, f"up = {up}")
            w.line(indent, 'print("upserted", up.upsert_count)')
        index = '{"index_type": "FLAT", "metric_type": "L2", "params": {}}'
        if choose("comment inside index dict", (False, True)):
            # the dict becomes add_index keywords; its comments must follow them
            index = (
                f'{{\n    "index_type": "FLAT",  {w.comment()}\n'
                '    "metric_type": "L2",\n    "params": {},\n}'
            )
        pos, kw = _both(["field_name", "index_params"], ['"vec"', index])
        w.line(
            indent, _call(w, f"{h}.create_index", pos, kw, choose("index positional", (0, 1, 2)))
        )
        w.line(indent, f"{h}.load()")
        out = '["title"]' if with_title else '["id"]'
        pos, kw = _both(
            ["data", "anns_field", "param", "limit", "output_fields"],
            ['[ROWS[3]["vec"]]', '"vec"', '{"metric_type": "L2"}', "3", out],
        )
        search = _call(w, f"{h}.search", pos, kw, choose("search positional", (0, 2, 3, 4)))
        w.line(indent, f"hits = {search}")
        w.line(indent, 'print("hit ids", [hit.id for hit in hits[0]])')
        if choose("query", (True, False)):
            pos, kw = _both(["expr", "output_fields"], ['"id < 4"', out])
            query = _call(w, f"{h}.query", pos, kw, choose("query positional", (0, 1, 2)))
            w.line(indent, f"rows = {query}")
            w.line(indent, 'print("queried", sorted(r["id"] for r in rows))')
        if choose("delete", (True, False)):
            pos, kw = _both(["expr"], ['"id in [0, 2]"'])
            w.line(indent, _call(w, f"{h}.delete", pos, kw, choose("delete positional", (0, 1))))
            w.line(
                indent,
                f'left = {h}.query("id >= 0", output_fields=["id"])\n'
                'print("left", sorted(r["id"] for r in left))',
            )
        if choose("flush + num_entities", (True, False)):
            w.line(indent, f"{h}.flush()")
            w.line(indent, f'print("entities", {h}.num_entities)')
        w.line(indent, f'print("collections", {util}.list_collections())')

    # Strong: reads right after writes must see them on a real server too (Bounded by default).
    pos, kw = _both(["name", "schema", "consistency_level"], ["NAME", "SCHEMA", '"Strong"'])
    if style == "global":
        w.line(0, f"{var} = {_call(w, col_cls, pos, kw, choose('ctor positional', (1, 2)))}")
        ops(var, 0)
    elif style == "local":
        w.line(0, "def main():")
        w.line(1, f"{var} = {_call(w, col_cls, pos, kw, choose('ctor positional', (1, 2)))}")
        ops(var, 1)
        w.lines.append("")
        w.line(0, 'if __name__ == "__main__":\n    main()')
    else:
        w.line(0, "class Store:")
        w.line(1, "def __init__(self):")
        ctor = _call(w, col_cls, pos, kw, choose("ctor positional", (1, 2)))
        w.line(2, f"self.{var} = {ctor}")
        w.lines.append("")
        w.line(1, "def run(self):")
        ops(f"self.{var}", 2)
        w.lines.append("")
        w.line(0, "Store().run()")
    return w.text(), list(w.comments)
