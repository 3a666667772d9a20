"""A grammar of the ORM patterns milvus-migrate supports, as a program generator.

`generate(choose)` builds one runnable ORM program (with its comments and what the migration
should make of its collection); `choose(label, options)` picks one option per decision.
Hypothesis drives it with `st.sampled_from` (property tests); a seeded `random.Random` drives
it for the live-server sample, so those programs are reproducible.

Every program is runnable against a fresh server (env MILVUS_URI / MILVUS_HOST / MILVUS_PORT):
the operations keep the order a real program needs (create, insert, index, load, read, delete)
while the grammar varies everything a codemod must cope with: import aliases, connect forms,
where the collection handle lives (local, global, `self` attribute, returned by a factory,
held in an attribute that is None until a method sets it), positional vs keyword arguments,
results used later, and comments on, between and inside statements.
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


@dataclass
class Program:
    """One generated program and what the migration should make of its collection."""

    source: str
    comments: list[str]
    # "migrated": no MM110 finding and no ORM constructor left; "reported": the collection
    # stays ORM with an MM110 finding (the shape is a refusal the rules document).
    expect: str


def _try_exit(w: _Writer, indent: int, what: str, body: Callable[[int], None]) -> None:
    """`try: <body> except Exception as exc: print(...); sys.exit(1)`, the helper-class way."""
    w.line(indent, "try:")
    body(indent + 1)
    w.line(indent, "except Exception as exc:")
    w.line(indent + 1, f'print("{what} failed:", exc)')
    w.line(indent + 1, "sys.exit(1)")


def generate(choose: Choose) -> Program:
    """Build one program; see the module docstring."""
    w = _Writer(choose)
    col_cls = choose("Collection alias", ("Collection", "MilvusCollection"))
    conns = choose("connections alias", ("connections", "conns"))
    util = choose("utility alias", ("utility", "mu"))
    style = choose("handle location", ("global", "local", "attribute", "factory", "held"))
    var = choose("handle name", ("col", "books", "coll", "items_collection"))
    name = choose("collection name", ("books", "demo_items"))
    with_title = choose("title field", (True, False))
    expect = "migrated"

    w.lines.append('"""Generated ORM program (tests/orm_program_grammar.py)."""')
    w.line(0, "import os")
    imports_at = len(w.lines)  # `import sys` / `from typing import Optional` go here if used
    extra_imports: set[str] = set()
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
        result_use = choose("insert result", ("attributes", "getattr", "unused"))
        if result_use == "attributes":
            w.line(indent, f"res = {insert}")
            w.line(indent, 'print("inserted", res.insert_count, sorted(res.primary_keys))')
        elif result_use == "getattr":
            # getattr() on the migrated dict would silently give the default (MM170)
            w.line(indent, f"res = {insert}")
            w.line(indent, 'keys = getattr(res, "primary_keys", None) or []')
            w.line(indent, 'print("inserted", getattr(res, "insert_count"), sorted(keys))')
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
        if choose("index reads", (False, True)):
            # counted and indexed (MM122): list_indexes / describe_index
            w.line(indent, f'print("indexes", len({h}.indexes), {h}.indexes[0].field_name)')
        w.line(indent, f"{h}.load()")
        out = '["title"]' if with_title else '["id"]'
        names = ["data", "anns_field", "param", "limit", "output_fields"]
        values = ['[ROWS[3]["vec"]]', '"vec"', '{"metric_type": "L2"}', "3", out]
        if choose("search form", ("call", "request dict")) == "call":
            pos, kw = _both(names, values)
            search = _call(w, f"{h}.search", pos, kw, choose("search positional", (0, 2, 3, 4)))
        else:
            # search(**request) with the dict built just before (MM140 reads each key)
            entries = [f'    "{k}": {v},' for k, v in zip(names, values, strict=True)]
            if choose("comment inside request dict", (False, True)):
                entries[2] = f"{entries[2]}  {w.comment()}"
            w.line(indent, "request = {\n" + "\n".join(entries) + "\n}")
            if choose("request expr", (False, True)):
                w.line(indent, 'request["expr"] = "id >= 0"')
            search = f"{h}.search(**request)"
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

    def create(name_expr: str) -> str:
        p, k = _both(["name", "schema", "consistency_level"], [name_expr, "SCHEMA", '"Strong"'])
        return _call(w, col_cls, p, k, choose("ctor positional", (1, 2)))

    def open_(name_expr: str) -> str:
        p, k = _both(["name"], [name_expr])
        return _call(w, col_cls, p, k, choose("open positional", (0, 1)))

    if style == "global":
        w.line(0, f"{var} = {_call(w, col_cls, pos, kw, choose('ctor positional', (1, 2)))}")
        ops(var, 0)
    elif style == "local":
        w.line(0, "def main():")
        w.line(1, f"{var} = {_call(w, col_cls, pos, kw, choose('ctor positional', (1, 2)))}")
        ops(var, 1)
        w.lines.append("")
        w.line(0, 'if __name__ == "__main__":\n    main()')
    elif style == "attribute":
        w.line(0, "class Store:")
        w.line(1, "def __init__(self):")
        ctor = _call(w, col_cls, pos, kw, choose("ctor positional", (1, 2)))
        w.line(2, f"self.{var} = {ctor}")
        w.lines.append("")
        w.line(1, "def run(self):")
        ops(f"self.{var}", 2)
        w.lines.append("")
        w.line(0, "Store().run()")
    elif style == "factory":
        expect = _factory(w, choose, var, util, col_cls, create, open_, ops)
    else:
        expect = _held(w, choose, var, util, col_cls, create, open_, ops, extra_imports)
    for i, line in enumerate(sorted(extra_imports)):
        w.lines.insert(imports_at + i, line)
    return Program(w.text(), list(w.comments), expect)


def _factory(
    w: _Writer,
    choose: Choose,
    var: str,
    util: str,
    col_cls: str,
    create: Callable[[str], str],
    open_: Callable[[str], str],
    ops: Callable[[str, int], None],
) -> str:
    """A function or method that returns the Collection (MM110 collection factories), maybe
    creating it first behind an `if not has_collection(name):` guard (trap 2), called maybe
    inside try/except: unguarded there, the ORM's schema check could be what the handler is
    for, so the collection stays ORM and is reported."""
    method = choose("factory kind", ("function", "method")) == "method"
    guarded = choose("factory guard", (False, True))
    in_try = choose("factory call in try", (False, True))
    annotated = choose("factory annotation", (False, True))
    # only a local variable assigned Collection() and returned makes a factory (analysis
    # OrmModel._factory): `return Collection(...)` keeps the object ORM, reported
    direct = not guarded and choose("factory body", ("return", "local")) == "return"
    # Unguarded inside try (trap 2), the handler may be there for the ORM's schema check of
    # the create (Collection(name, schema) on an existing collection compares the schemas),
    # which MilvusClient does not repeat: the collection stays ORM and is reported. (Only an
    # open-only Collection(name) gets the ORM's own existence check, codemods/open_check.py.)
    expect = "reported" if direct or (in_try and not guarded) else "migrated"
    pad = 1 if method else 0
    self_ = "self, " if method else ""
    returns = f" -> {col_cls}" if annotated else ""
    if method:
        w.line(0, "class Store:")
    w.line(pad, f"def open_collection({self_}name){returns}:")
    if guarded:
        w.line(pad + 1, f"if not {util}.has_collection(name):")
        w.line(pad + 2, create("name"))
        w.line(pad + 1, f"handle = {open_('name')}")
        w.line(pad + 1, "return handle")
    elif direct:
        w.line(pad + 1, f"return {create('name')}")
    else:
        w.line(pad + 1, f"handle = {create('name')}")
        w.line(pad + 1, "return handle")
    w.lines.append("")
    call = "self.open_collection(NAME)" if method else "open_collection(NAME)"
    target = f"self.{var}" if method else var
    indent = 2 if method else 1
    if method:
        w.line(1, "def __init__(self):")
    else:
        w.line(0, "def main():")
    if in_try:
        w.line(indent, "try:")
        w.line(indent + 1, f"{target} = {call}")
        w.line(indent, "except Exception as exc:")
        w.line(indent + 1, 'raise SystemExit(f"cannot open {NAME}: {exc}") from exc')
    else:
        w.line(indent, f"{target} = {call}")
    if method:
        w.lines.append("")
        w.line(1, "def run(self):")
    ops(target, indent)
    w.lines.append("")
    w.line(0, "Store().run()" if method else 'if __name__ == "__main__":\n    main()')
    return expect


def _held(
    w: _Writer,
    choose: Choose,
    var: str,
    util: str,
    col_cls: str,
    create: Callable[[str], str],
    open_: Callable[[str], str],
    ops: Callable[[str, int], None],
    extra_imports: set[str],
) -> str:
    """A helper class holding its collection in an attribute that is None until a method
    sets it (MM110 held collections): uses after a same-class setter call, after a None
    guard, or through a read-only property that checks it; a use none of these proves set
    stays ORM and is reported; an unguarded set_collection called inside the try (trap 2)
    gets the ORM's own existence check. Optionally the bootcamp shape:
    set_collection/create_collection guarded by a has_collection wrapper method, all in
    try/except that exits."""
    prop = choose("held property", (False, True))
    attr = f"_{var}" if prop else var
    wrapper = choose("has_collection wrapper", (False, True))
    use = choose("held use", ("setter", "return guard", "raise guard", "unchecked"))
    in_try = choose("run in try", (False, True))
    # the property's own None check proves what it returns set; without it the property's
    # read of the attribute may see None wherever the property is used
    checked_prop = prop and choose("property checks None", (True, True, False))
    unproven = (prop and not checked_prop) or (use == "unchecked" and not prop)
    expect = "reported" if unproven else "migrated"
    if wrapper or in_try:
        extra_imports.add("import sys")

    w.line(0, "class Store:")
    w.line(1, "def __init__(self):")
    if choose("placeholder annotation", (False, True)):
        extra_imports.add("from typing import Optional")
        w.line(2, f"self.{attr}: Optional[{col_cls}] = None")
    else:
        w.line(2, f"self.{attr} = None")
    w.lines.append("")

    if wrapper:
        w.line(1, "def has_collection(self, name):")
        if choose("wrapper in try", (False, True)):
            _try_exit(
                w, 2, "has_collection", lambda i: w.line(i, f"return {util}.has_collection(name)")
            )
        else:
            w.line(2, f"return {util}.has_collection(name)")
        w.lines.append("")

        def set_body(i: int) -> None:
            w.line(i, "if self.has_collection(name):")
            w.line(i + 1, f"self.{attr} = {open_('name')}")
            w.line(i, "else:")
            w.line(i + 1, 'raise RuntimeError(f"no collection {name}")')

        def create_body(i: int) -> None:
            w.line(i, "if not self.has_collection(name):")
            w.line(i + 1, f"self.{attr} = {create('name')}")
            w.line(i, "else:")
            w.line(i + 1, "self.set_collection(name)")

        w.line(1, "def set_collection(self, name):")
        _try_exit(w, 2, "set_collection", set_body)
        w.lines.append("")
        w.line(1, "def create(self, name):")
        _try_exit(w, 2, "create", create_body)
    else:
        w.line(1, "def set_collection(self, name):")
        w.line(2, f"self.{attr} = {open_('name')}")
        w.lines.append("")
        w.line(1, "def create(self, name):")
        if choose("create through a factory method", (False, True)):
            # a factory result stored into the held attribute (the QaStore shape)
            w.line(2, f"self.{attr} = self.make_collection(name)")
            w.lines.append("")
            w.line(1, "def make_collection(self, name):")
            w.line(2, f"handle = {create('name')}")
            w.line(2, "return handle")
        else:
            w.line(2, f"self.{attr} = {create('name')}")
    w.lines.append("")

    if prop:
        w.line(1, "@property")
        returns = f" -> {col_cls}" if choose("property annotation", (False, True)) else ""
        w.line(1, f"def {var}(self){returns}:")
        if checked_prop:
            w.line(2, f"if self.{attr} is None:")
            w.line(3, 'raise RuntimeError("not ready")')
        w.line(2, f"return self.{attr}")
        w.lines.append("")

    w.line(1, "def run(self):")
    test = choose("None test", (f"self.{attr} is None", f"not self.{attr}"))
    if use == "return guard":
        w.line(2, f"if {test}:\n    return")
    elif use == "raise guard":
        w.line(2, f'if {test}:\n    raise RuntimeError("no collection")')
    # a setter call before the try also proves the uses in its body set
    setter_first = use == "setter" and in_try and choose("setter before try", (False, True))
    if setter_first:
        w.line(2, "self.set_collection(NAME)")

    def body(i: int) -> None:
        if use == "setter" and not setter_first:
            w.line(i, "self.set_collection(NAME)")
        ops(f"self.{var}", i)

    if in_try:
        _try_exit(w, 2, "run", body)
    else:
        body(2)
    # An unguarded open in set_collection called inside the try (trap 2) migrates too: it
    # becomes the ORM's own existence check (codemods/open_check.py), so the handler still
    # sees the ORM's SchemaNotReadyException for a missing collection.
    w.lines.append("")
    w.line(0, "store = Store()")
    w.line(0, "store.create(NAME)")
    w.line(0, "store.run()")
    return expect
