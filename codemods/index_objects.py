"""MM123: `idx = Index(col, field, params)` objects -> the params dict plus a create_index.

The ORM constructor created the index at once, and the object then only answered from what
it was given: `params` is (a copy of) the caller's dict, `field_name` the field,
`collection_name` the collection's name. So `idx = Index(col, "vec", P)` becomes `idx = P`
followed by `prepare_index_params()` / `add_index(field_name="vec", **idx)` /
`client.create_index(...)`, and those reads become `idx[...]`, the field and the collection
name. `index_name`, `drop()`, `to_dict()` and the object itself (passed on, printed) are
reported, and the collection then stays ORM with it (they are migrated together).

This module also holds the read-only checks MM122 (index.py) uses for the Index objects
`col.index()` / `col.indexes` return, and the model hook that settles both.
"""

from __future__ import annotations

from collections.abc import Collection as Keys
from dataclasses import dataclass
from dataclasses import field as dc_field

import libcst as cst

from codemods.analysis import CollectionBinding, OrmModel, model_of
from codemods.base import Applicability, RuleInfo
from codemods.collection_calls import flatten_statements
from codemods.context import MigrationContext
from codemods.rewrite import (
    FStringTracker,
    Refuse,
    bind,
    client_call,
    code_of,
    expr_statement,
    fit_in_fstring,
    kwarg,
    string_value,
)

OBJECTS = RuleInfo(
    code="MM123",
    title="Index(collection, field, params) objects -> the params dict + create_index",
    description=(
        "`idx = Index(col, field, params, index_name=n)` becomes `idx = params` plus "
        "`prepare_index_params()`, `add_index(field_name=field, index_name=n, **idx)` and "
        "`client.create_index(...)` (a bare `Index(...)` statement spreads the dict like "
        "MM120). Reads of the object become reads of what the ORM object returned: "
        '`idx.params["k"]` / `idx.params.get("k")` -> `idx["k"]` / `idx.get("k")` (the '
        "ORM returned a copy of the caller's dict, so a value read from it must not be "
        "modified), `idx.field_name` -> the field (a string literal), `idx.collection_name` "
        "-> the collection name. `index_name`, `drop()`, `to_dict()` and other uses of the "
        "object are reported, and the object and its collection stay ORM code together."
    ),
    applicability=Applicability.SAFE,
    before=(
        'idx = Index(col, "vec", {"index_type": "FLAT", "metric_type": "L2"})\n'
        'print(idx.params["index_type"])\n'
    ),
    after=(
        'idx = {"index_type": "FLAT", "metric_type": "L2"}\n'
        "index_params = client.prepare_index_params()\n"
        'index_params.add_index(field_name="vec", **idx)\n'
        "client.create_index(collection_name=col, index_params=index_params)\n"
        'print(idx["index_type"])\n'
    ),
)

# Index.params keys a describe_index dict answers the same way (MM122; checked for HNSW,
# IVF_FLAT, AUTOINDEX and FLAT built by either API, on milvus-lite and on Milvus 2.3.5).
# `params` is left out: an ORM-built index reads back its build params nested under `params`
# (`{"M": 8}`), a MilvusClient-built one as separate top-level string values (`"M": "8"`),
# which milvus-lite drops.
DESCRIBE_KEYS = ("index_type", "metric_type")
_DICT_READS = ("get", "keys", "items", "values")

# MM122's replacement for a `params` read whole that is only handed on as a search's `param`
# (`p = col.indexes[0].params; col.search(data, field, p, k)`): `{"metric_type": X["metric_type"]}`.
# pymilvus (Prepare.search_requests_with_expr / utils.get_params) sends `metric_type` plus every
# other key, the nested `params` merged in, as the search's JSON params; the server reads only
# its search keys (ef, nprobe, ...), which neither an Index's params nor a describe_index dict
# holds. On milvus-lite and Milvus 2.3.5, for FLAT/IVF_FLAT/IVF_SQ8/HNSW/AUTOINDEX (and IVF_PQ
# on 2.3.5) and L2/IP/COSINE, the same index searched with the ORM's Index.params, with the
# describe_index dict, or with only the metric type gives the same hits and distances
# (docs/traps.md).
SEARCH_PARAMS = "<search params: metric_type only>"


# ---- read-only checks ------------------------------------------------------------------


def _read_only(model: OrmModel, node: cst.CSTNode) -> bool:
    """`node` is read, not assigned, deleted, augmented or used as a loop target."""
    child, current = node, model.parent(node)
    while isinstance(current, (cst.Element, cst.StarredElement, cst.Tuple, cst.List)):
        child, current = current, model.parent(current)
    if isinstance(current, (cst.AssignTarget, cst.Del)):
        return False
    if isinstance(current, (cst.AugAssign, cst.AnnAssign, cst.For, cst.CompFor)):
        return getattr(current, "target", None) is not child
    return True


def _value_kept_whole(model: OrmModel, node: cst.CSTNode) -> bool:
    """The value of `node` is not indexed into or called a method on (either could modify
    what, on the ORM side, was a private copy)."""
    parent = model.parent(node)
    return not (isinstance(parent, (cst.Subscript, cst.Attribute)) and parent.value is node)


def params_read(model: OrmModel, params: cst.Attribute, keys: Keys[str] | None) -> bool:
    """`X.params[k]` read, or `X.params.get(k, ...)`, with a literal key k in `keys` (None:
    any literal key)."""
    parent = model.parent(params)
    if isinstance(parent, cst.Subscript) and parent.value is params:
        if len(parent.slice) != 1 or not isinstance(parent.slice[0].slice, cst.Index):
            return False
        key = string_value(parent.slice[0].slice.value)
        if key is None or (keys is not None and key not in keys):
            return False
        return _read_only(model, parent) and _value_kept_whole(model, parent)
    if isinstance(parent, cst.Attribute) and parent.value is params and parent.attr.value == "get":
        call = model.parent(parent)
        if not isinstance(call, cst.Call) or call.func is not parent or not call.args:
            return False
        first = call.args[0]
        key = string_value(first.value) if first.keyword is None and not first.star else None
        if key is None or (keys is not None and key not in keys):
            return False
        return _value_kept_whole(model, call)
    return False


def search_param_local(
    model: OrmModel, params: cst.Attribute, collection: CollectionBinding | None
) -> bool:
    """`p = X.params` (X an Index object of `collection`), `p` assigned nowhere else in its
    scope, and every read of `p` is the `param` of a `search()` on that same collection (the
    third positional argument, or `param=`)."""
    assignment = model.sole_assignment(params) if collection is not None else None
    if assignment is None:
        return False
    refs = [access.node for access in assignment.references]
    return bool(refs) and all(_search_param_of(model, ref, collection) for ref in refs)


def _search_param_of(model: OrmModel, node: cst.CSTNode, collection: CollectionBinding) -> bool:
    """`node` is the `param` of `<collection>.search(...)`, or the `search_params` of its
    already-migrated form `client.search(collection_name=<collection>, ...)` (an earlier
    codemod's output, when each codemod runs on its own analysis)."""
    arg = model.parent(node)
    call = model.parent(arg) if isinstance(arg, cst.Arg) else None
    if not isinstance(call, cst.Call) or not isinstance(call.func, cst.Attribute):
        return False
    assert isinstance(arg, cst.Arg)
    if call.func.attr.value != "search" or arg.star:
        return False
    if model.is_client_call(call):
        target = next(
            (a.value for a in call.args if a.keyword and a.keyword.value == "collection_name"),
            None,
        )
        return (
            target is not None
            and model.binding_for(target) is collection
            and arg.keyword is not None
            and arg.keyword.value == "search_params"
        )
    if model.binding_for(call.func.value) is not collection:
        return False
    if arg.keyword is not None:
        return arg.keyword.value == "param"
    args = list(call.args)
    position = args.index(arg)
    return position == 2 and not any(a.star for a in args[:position])


def index_dict_uses(
    model: OrmModel,
    nodes: list[cst.CSTNode],
    collection: CollectionBinding | None = None,
) -> dict[cst.CSTNode, str | None] | Refuse:
    """MM122: for expressions that held ORM Index objects (of `collection`) and now hold
    describe_index dicts, each use's rewrite (attribute node -> key to subscript, None: drop
    `.params`, SEARCH_PARAMS: a search's params built from the metric type)."""
    out: dict[cst.CSTNode, str | None] = {}
    for node in nodes:
        attr = model.parent(node)
        if not isinstance(attr, cst.Attribute) or attr.value is not node:
            return Refuse(
                "the Index object itself is used (printed, passed on or kept): no dict "
                "prints or behaves like it"
            )
        name = attr.attr.value
        if name in ("field_name", "index_name") and _read_only(model, attr):
            out[attr] = name
        elif name == "params" and params_read(model, attr, DESCRIBE_KEYS):
            out[attr] = None
        elif name == "params" and search_param_local(model, attr, collection):
            out[attr] = SEARCH_PARAMS
        elif name == "params":
            return Refuse(
                "`params` is read other than as params[k] / params.get(k) with k in "
                + "/".join(DESCRIBE_KEYS)
                + " or as a local only passed as `param` to a search() on the same "
                "collection: an ORM-built index reads back its build params nested under "
                "`params`, a MilvusClient-built one as separate top-level string values "
                "(milvus-lite drops them)"
            )
        else:
            return Refuse(f"`.{name}` of an Index object has no describe_index equivalent")
    return out


# ---- Index(...) objects ----------------------------------------------------------------


@dataclass
class IndexObject:
    """`idx = Index(col, field, params)` (label None: a bare `Index(...)` statement)."""

    label: str | None
    ctor: cst.Call
    collection: CollectionBinding | None = None
    coll_node: cst.BaseExpression | None = None
    field: cst.BaseExpression | None = None
    params: cst.BaseExpression | None = None
    index_name: cst.BaseExpression | None = None
    # use node -> its replacement (None: `idx.params` -> `idx`)
    uses: dict[cst.CSTNode, cst.BaseExpression | None] = dc_field(default_factory=dict)
    blocked: list[tuple[cst.CSTNode, str]] = dc_field(default_factory=list)

    @property
    def convertible(self) -> bool:
        return not self.blocked and self.collection is not None


def index_objects(model: OrmModel) -> None:
    """The model hook (run at the end of OrmModel.__init__): find the Index objects, tie each
    to its collection (they are migrated together), then settle MM122's pending reads."""
    objects = [_make_object(model, call) for call in _index_calls(model)]
    model.index_objects = objects  # type: ignore[attr-defined]
    changed = True
    while changed:
        changed = False
        for obj in objects:
            coll = obj.collection
            if coll is None:
                continue
            if not obj.blocked and not coll.convertible:
                obj.blocked.append((obj.ctor, f"its collection `{coll.label}` stays ORM"))
                changed = True
            elif obj.blocked and coll.convertible:
                what = f"index object `{obj.label}`" if obj.label else "an Index(...) statement"
                coll.blocked.append((obj.ctor, f"{what} stays ORM: {obj.blocked[0][1]}"))
                changed = True
    for receiver, uses in model.pending_index_attrs.items():
        binding = model.binding_for(getattr(receiver, "value", None))
        if binding is not None and binding.convertible and model.client_for(binding.alias):
            model.index_attrs.update(uses)


def _index_calls(model: OrmModel) -> list[cst.Call]:
    """Every `Index(...)` call (canonical_of holds the callee nodes)."""
    calls = []
    for node, name in model.canonical_of.items():
        call = model.parent(node)
        if name == "Index" and isinstance(call, cst.Call) and call.func is node:
            calls.append(call)
    return calls


def _make_object(model: OrmModel, call: cst.Call) -> IndexObject:
    obj = IndexObject(None, call)
    parent = model.parent(call)
    bound = bind(call, ["collection", "field_name", "index_params"])
    if isinstance(bound, Refuse):
        obj.blocked.append((call, bound.reason))
        first = call.args[0].value if call.args and not call.args[0].star else None
        obj.collection = model.binding_for(first) if first is not None else None
        return obj
    if model.statement_of(call) is None or not isinstance(parent, (cst.Assign, cst.Expr)):
        obj.blocked.append((call, "Index() is not a statement or a plain assignment"))
    for arg in bound.extra:
        if arg.keyword is not None and arg.keyword.value == "index_name":
            obj.index_name = arg.value
        else:
            obj.blocked.append((call, f"Index() argument `{code_of(arg)}` has no rewrite"))
    obj.coll_node = bound.value("collection")
    obj.field = bound.value("field_name")
    obj.params = bound.value("index_params")
    if obj.field is None or obj.params is None:
        obj.blocked.append((call, "Index() without a field name and index params"))
    coll = model.binding_for(obj.coll_node) if obj.coll_node is not None else None
    if coll is None:
        obj.blocked.append((call, "the collection argument is not a tracked collection"))
    else:
        obj.collection = coll
        if model.client_for(coll.alias) is None:
            obj.blocked.append((call, "no MilvusClient for its collection's connection"))
    if not model.ctx.may_rewrite(model.input_line(call), OBJECTS.code):
        obj.blocked.append((call, f"suppressed, or rule {OBJECTS.code} disabled"))
    if isinstance(parent, cst.Assign) and model.statement_of(call) is not None:
        _assigned_uses(model, obj, parent)
    return obj


def _assigned_uses(model: OrmModel, obj: IndexObject, assign: cst.Assign) -> None:
    target = assign.targets[0].target if len(assign.targets) == 1 else None
    if not isinstance(target, cst.Name):
        obj.blocked.append((obj.ctor, "Index() is not assigned to one name"))
        return
    obj.label = target.value
    scope = model.scopes.get(target)
    assignments = list(scope.assignments[target.value]) if scope is not None else []
    if isinstance(scope, cst.metadata.ClassScope) or len(assignments) != 1:
        obj.blocked.append((obj.ctor, f"`{obj.label}` is assigned more than once"))
        return
    for access in assignments[0].references:
        node = access.node
        attr = model.parent(node)
        if not isinstance(attr, cst.Attribute) or attr.value is not node:
            obj.blocked.append((node, f"`{obj.label}` is used as an Index object"))
            continue
        name = attr.attr.value
        if name == "params" and params_read(model, attr, None):
            obj.uses[attr] = None
        elif name == "field_name" and string_value(obj.field) is not None:
            obj.uses[attr] = obj.field
        elif name == "collection_name" and obj.coll_node is not None:
            obj.uses[attr] = obj.coll_node
        else:
            obj.blocked.append((node, f"`{obj.label}.{name}` has no rewrite"))


# ---- the codemod -----------------------------------------------------------------------


class _Transformer(FStringTracker, cst.CSTTransformer):
    def __init__(self, model: OrmModel, ctx: MigrationContext) -> None:
        super().__init__()
        self.model = model
        self.ctx = ctx
        objects: list[IndexObject] = model.index_objects  # type: ignore[attr-defined]
        self.by_ctor = {obj.ctor: obj for obj in objects}
        self.replacements: dict[cst.CSTNode, cst.BaseExpression | None] = {}
        for obj in objects:
            if self._ready(obj):
                self.replacements.update(obj.uses)
            else:
                self._report(obj)

    def _report(self, obj: IndexObject) -> None:
        what = f"`{obj.label}`" if obj.label else "Index(...)"
        for node, reason in obj.blocked or [(obj.ctor, "its collection stays ORM")]:
            line, col = self.model.position(node)
            self.ctx.report(line, col, OBJECTS.code, f"{what} stays an ORM Index object: {reason}")

    def _ready(self, obj: IndexObject) -> bool:
        # Checked again on the final model: the collection may have been blocked later.
        return obj.convertible and obj.collection is not None and obj.collection.convertible

    def leave_Attribute(
        self, original: cst.Attribute, updated: cst.Attribute
    ) -> cst.BaseExpression:
        if original not in self.replacements:
            return updated
        replacement = self.replacements[original]
        if replacement is None:
            return updated.value  # `idx.params[...]` -> `idx[...]`
        line, _ = self.model.position(original)
        self.ctx.record_change(line, OBJECTS.code, f"Index.{original.attr.value}")
        return fit_in_fstring(replacement.deep_clone(), self.fquotes)

    def leave_SimpleStatementLine(
        self, original: cst.SimpleStatementLine, updated: cst.SimpleStatementLine
    ) -> cst.BaseStatement | cst.FlattenSentinel[cst.BaseStatement]:
        if len(original.body) != 1:
            return updated
        obj = self.by_ctor.get(getattr(original.body[0], "value", None))  # type: ignore[arg-type]
        if obj is None:
            return updated
        if not self._ready(obj):
            return updated  # reported once, in __init__
        return self._rewrite(original, updated, obj, self.model.line(obj.ctor))

    def _rewrite(
        self,
        original: cst.SimpleStatementLine,
        updated: cst.SimpleStatementLine,
        obj: IndexObject,
        line: int,
    ) -> cst.FlattenSentinel[cst.BaseStatement]:
        from codemods.index import _index_kwargs  # lazy: index.py imports this module

        assert obj.collection is not None and obj.field is not None and obj.params is not None
        assert obj.coll_node is not None
        client = self.model.client_for(obj.collection.alias)
        ip = self.model.fresh_name("index_params")
        add_args = [kwarg("field_name", obj.field)]
        if obj.index_name is not None:
            add_args.append(kwarg("index_name", obj.index_name))
        statements: list[cst.BaseStatement] = []
        if obj.label is not None:
            # `idx = params`: the object's reads now read the caller's dict.
            small = updated.body[0]
            assert isinstance(small, cst.Assign)
            statements.append(
                updated.with_changes(
                    body=[small.with_changes(value=obj.params)],
                    trailing_whitespace=cst.TrailingWhitespace(),
                )
            )
            add_args.append(cst.Arg(value=cst.Name(obj.label), star="**"))
        else:
            add_args.extend(_index_kwargs(obj.params) or [])
        statements.append(cst.parse_statement(f"{ip} = {client}.prepare_index_params()\n"))
        statements.append(expr_statement(client_call(ip, "add_index", add_args)))
        create_args = [
            kwarg("collection_name", obj.coll_node.deep_clone()),
            kwarg("index_params", cst.Name(ip)),
        ]
        statements.append(expr_statement(client_call(client, "create_index", create_args)))
        self.ctx.record_change(
            line, OBJECTS.code, f"Index(...) -> IndexParams + {client}.create_index()"
        )
        return flatten_statements(original, statements)


class IndexObjects:
    """MM123; runs before the Collection constructor rule (it uses the collection variable)."""

    rules = (OBJECTS,)

    def apply(self, module: cst.Module, ctx: MigrationContext) -> cst.Module:
        model = model_of(module, ctx)
        if not model.index_objects:  # type: ignore[attr-defined]
            return module
        return model.module.visit(_Transformer(model, ctx))
