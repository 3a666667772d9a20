"""Create-if-missing guards that prove an open-only `Collection(name)` finds its collection.

Trap 2: the ORM's open-only `Collection(name)` raises for a missing collection and its create
form `Collection(name, schema)` for a schema differing from the existing one; the migrated
code (the name, plus a guarded `create_collection`) raises neither, so a caller's `except`
could no longer run. A factory written as

    def open_qa(name):
        if not utility.has_collection(name):
            coll = Collection(name=name, schema=schema)
            coll.create_index(...)
        coll = Collection(name)
        return coll

raises neither on the ORM either: the create runs only when the collection is missing (so
its schema check has nothing to compare with), and the open then finds the collection. This
module proves exactly that shape, narrowly: the guard and the open are statements of the
function body itself (straight-line, the guard first), `name` is a parameter or a local
assigned once before the guard, `has_collection`, the create and the open use the same
connection alias, the guard has no `else` and its body reaches the create unconditionally
(only simple statements before it, none that returns, raises, breaks, continues or deletes),
and nothing after the create, up to the open, can drop or rename a collection: each statement
there is a simple one whose calls are only create_index / load / insert on the created handle
(or their MilvusClient forms, which earlier rules of the same run write in their place).

`method_guard_proves` covers the helper-class form, where the guard goes through a method of
the class (`if self.has_collection(name): self.x = Collection(name)`, `if not
self.has_collection(name): self.x = Collection(name, schema)`) whose body is only `return
utility.has_collection(p)`, so the open or create inside the caller's try/except is proven too.

`utility_guard_proves` covers the guards written with `utility.has_collection` itself around
an open-only `Collection(name)`: the exit guard, the shape real-world helpers use (ho03 of
the holdout corpus),

    def open_loaded(name):
        if not utility.has_collection(name):
            raise RuntimeError(f"no collection {name}")   # or return / log; return / sys.exit()
        col = Collection(name)

and the positive form `if utility.has_collection(name): col = Collection(name) ...`. The open
runs only after has_collection found the collection, so on the ORM too it cannot raise for a
missing one. `guard_proves` is the question every trap-2 check asks: any of these proofs.

All of them accept one race, as the ORM code itself does: another process dropping the
collection between the has_collection call and the open.
"""

from __future__ import annotations

import libcst as cst

from codemods.analysis import OrmModel, _all_params, _walk, constructor_parts, is_create
from codemods.method_paths import _UNPROVEN_INSIDE, _block, never_completes_normally
from codemods.rewrite import code_of
from codemods.shim_names import pymilvus_name

# ORM calls on the created handle that neither drop nor rename a collection.
_HANDLE_METHODS = {"create_index", "load", "insert"}
# Their MilvusClient forms (earlier rules of the run rewrite the ORM ones before MM110).
_CLIENT_METHODS = {"create_index", "load_collection", "insert"}
_LEAVES = (cst.Return, cst.Raise, cst.Break, cst.Continue, cst.Del)


def factory_collections_exist(model: OrmModel, func: cst.FunctionDef) -> bool:
    """Every `Collection()` in factory `func` is an open-only one that a guard proves finds
    its collection (`guarded_open`, `utility_guard_proves`), the create inside a
    create-if-missing guard, or a create that runs only when the collection is missing
    (`create_guard_proves`): none of them can raise for a missing collection or a differing
    schema."""
    ctors = [c for c in _walk(func, cst.Call) if model.call_name(c) == "Collection"]
    opens = [c for c in ctors if not is_create(c)]
    creates = [guarded_open(model, c, func) for c in opens if not utility_guard_proves(model, c)]
    if not ctors or any(p is None for p in creates):
        return False
    return all(any(c is x for x in opens + creates) or create_guard_proves(model, c) for c in ctors)


def guard_proves(model: OrmModel, ctor: cst.Call) -> bool:
    """`ctor` cannot fail an existence or schema check on the ORM because a has_collection
    guard decides when it runs, through a wrapper method (`method_guard_proves`, opens and
    creates) or through `utility.has_collection` itself (`utility_guard_proves`, opens;
    `create_guard_proves`, creates)."""
    return (
        method_guard_proves(model, ctor)
        or utility_guard_proves(model, ctor)
        or create_guard_proves(model, ctor)
    )


def guarded_open(model: OrmModel, ctor: cst.Call, func: cst.FunctionDef) -> cst.Call | None:
    """The create `Collection(name=N, schema=...)` of the guard that proves the open-only
    `ctor` (`Collection(N)`, a statement of `func`'s body) finds its collection; None when
    no such guard is proven (see the module docstring)."""
    parts = constructor_parts(ctor)
    if parts is None or set(parts) - {"name", "using"}:
        return None
    name = parts["name"].value
    alias = model.alias_of_using(parts.get("using"))
    line = model.statement_of(ctor)
    if not isinstance(name, cst.Name) or alias is None or line is None:
        return None
    statements = list(func.body.body) if isinstance(func.body, cst.IndentedBlock) else []
    at = next((i for i, s in enumerate(statements) if s is line), None)
    if at is None:
        return None
    guard = next(
        (i for i in range(at - 1, -1, -1) if isinstance(statements[i], cst.If)),
        None,
    )
    if guard is None or not _fixed_before(model, name, func, statements[guard]):
        return None
    found = _guarded_create(model, statements[guard], name, alias)
    if found is None:
        return None
    create, handle = found
    if not all(_inert(model, s, handle) for s in statements[guard + 1 : at]):
        return None
    return create


def _fixed_before(model: OrmModel, name: cst.Name, func: cst.FunctionDef, guard: cst.If) -> bool:
    """`name` is a parameter of `func` or a local assigned once by a statement of its body
    before `guard`, and assigned nowhere else in the function."""
    scope = model.scopes.get(name)
    if scope is None or scope is not model.scopes.get(func.body):
        return False
    assigned = list(scope.assignments[name.value])
    if len(assigned) != 1:
        return False
    node = getattr(assigned[0], "node", None)
    if isinstance(node, cst.Param):
        return any(p is node for p in _all_params(func))
    target = model.parents.get(node) if node is not None else None
    assign = model.parents.get(target) if isinstance(target, cst.AssignTarget) else None
    line = model.parents.get(assign) if isinstance(assign, cst.Assign) else None
    body = list(func.body.body) if isinstance(func.body, cst.IndentedBlock) else []
    return (
        isinstance(line, cst.SimpleStatementLine)
        and any(s is line for s in body)
        and any(s is guard for s in body)
        and model.line(line) < model.line(guard)
    )


def _guarded_create(
    model: OrmModel, guard: cst.If, name: cst.Name, alias: str
) -> tuple[cst.Call, str | None] | None:
    """(the create, the name of the variable it is stored in) when `guard` is
    `if not utility.has_collection(name[, using=alias]):` with no `else`, whose body reaches
    `[h =] Collection(name=name, schema=...)` (same alias) unconditionally."""
    test = guard.test
    if (
        guard.orelse is not None
        or not isinstance(test, cst.UnaryOperation)
        or not isinstance(test.operator, cst.Not)
        or not isinstance(test.expression, cst.Call)
        or not _checks(model, test.expression, name, alias)
        or not isinstance(guard.body, cst.IndentedBlock)
    ):
        return None
    for statement in guard.body.body:
        if not isinstance(statement, cst.SimpleStatementLine) or any(
            True for kind in _LEAVES for _ in _walk(statement, kind)
        ):
            return None
        create = _create_in(model, statement, name, alias)
        if create is not None:
            assign = statement.body[0]
            handle = None
            if isinstance(assign, cst.Assign) and isinstance(assign.targets[0].target, cst.Name):
                handle = assign.targets[0].target.value
            rest = list(guard.body.body)
            after = rest[next(i for i, s in enumerate(rest) if s is statement) + 1 :]
            if not all(_inert(model, s, handle) for s in after):
                return None
            return create, handle
    return None


def _checks(
    model: OrmModel,
    call: cst.Call,
    name: cst.BaseExpression,
    alias: str,
    function: str = "utility.has_collection",
) -> bool:
    """`call` is `utility.has_collection(name[, using=alias][, timeout=...])` (or the
    `function` given, with the same parameters), resolved by its qualified name (import
    aliases included)."""
    if model.call_name(call) != function:
        return False
    # has_collection(collection_name, using, timeout); drop_collection(collection_name,
    # timeout, using): past the name, only keywords are read alike.
    if function != "utility.has_collection" and sum(1 for a in call.args if not a.keyword) > 1:
        return False
    order = ["collection_name", "using", "timeout"]
    bound: dict[str, cst.Arg] = {}
    for i, arg in enumerate(call.args):
        if arg.star:
            return False
        key = arg.keyword.value if arg.keyword is not None else (order[i] if i < 3 else "")
        if key not in order or key in bound:
            return False
        bound[key] = arg
    checked = bound.get("collection_name")
    return (
        checked is not None
        and _same_name(model, checked.value, name)
        and model.alias_of_using(bound.get("using")) == alias
    )


def _create_in(
    model: OrmModel, statement: cst.SimpleStatementLine, name: cst.Name, alias: str
) -> cst.Call | None:
    """The create form `Collection(name, schema, ...)` when `statement` is that call, bare
    or stored in one variable."""
    if len(statement.body) != 1:
        return None
    small = statement.body[0]
    value = None
    if isinstance(small, cst.Expr):
        value = small.value
    elif isinstance(small, cst.Assign) and len(small.targets) == 1:
        value = small.value
    if not isinstance(value, cst.Call) or model.call_name(value) != "Collection":
        return None
    parts = constructor_parts(value)
    if (
        parts is None
        or not is_create(value)
        or not _same_name(model, parts["name"].value, name)
        or model.alias_of_using(parts.get("using")) != alias
    ):
        return None
    return value


def _same_name(model: OrmModel, expr: cst.BaseExpression, name: cst.BaseExpression) -> bool:
    """`expr` and `name` are the same variable (same scope), equal plain string literals, or
    the same constant of an imported module (`config.NAME`, `_module_constant`)."""
    if isinstance(expr, cst.SimpleString) and isinstance(name, cst.SimpleString):
        return expr.evaluated_value == name.evaluated_value
    if isinstance(expr, cst.Attribute) and isinstance(name, cst.Attribute):
        if code_of(expr) != code_of(name):
            return False
        if _module_constant(model, expr) and _module_constant(model, name):
            return True
        method = _plain_attribute_method(model, expr)
        return method is not None and method is _plain_attribute_method(model, name)
    return (
        isinstance(expr, cst.Name)
        and isinstance(name, cst.Name)
        and expr.value == name.value
        and model.scopes.get(expr) is model.scopes.get(name)
    )


def _inert(model: OrmModel, statement: cst.BaseStatement, handle: str | None) -> bool:
    """A simple statement whose only calls are create_index / load / insert on `handle` (ORM
    or MilvusClient form) or the IndexParams steps of the latter: it cannot drop or rename a
    collection. Any other call (an ORM one, a helper that might drop) makes it not inert."""
    if not isinstance(statement, cst.SimpleStatementLine):
        return False
    return all(_inert_call(model, call, handle) for call in _walk(statement, cst.Call))


def _inert_call(model: OrmModel, call: cst.Call, handle: str | None) -> bool:
    func = call.func
    if not isinstance(func, cst.Attribute) or not isinstance(func.value, cst.Name):
        return False
    method = func.attr.value
    if model.is_client_call(call):
        if method == "prepare_index_params":
            return not call.args
        target = next(
            (a.value for a in call.args if a.keyword and a.keyword.value == "collection_name"),
            None,
        )
        return (
            method in _CLIENT_METHODS
            and handle is not None
            and isinstance(target, cst.Name)
            and target.value == handle
        )
    if method == "add_index":  # index_params.add_index(...) of a migrated create_index
        source = model._single_value(func.value)  # type: ignore[attr-defined]
        return (
            isinstance(source, cst.Call)
            and model.is_client_call(source)
            and isinstance(source.func, cst.Attribute)
            and source.func.attr.value == "prepare_index_params"
        )
    return (
        handle is not None
        and func.value.value == handle
        and method in _HANDLE_METHODS
        and model.call_name(call) is None
    )


# ---- guards through a same-class wrapper: `if self.has_collection(name):` -------------------
# Schema-building calls a create's guard body may hold before the create (nothing else is
# called there, so nothing can create or drop the collection between the check and it).
_SCHEMA_BUILDERS = {"FieldSchema", "CollectionSchema", "Function"}


def method_guard_proves(model: OrmModel, ctor: cst.Call) -> bool:
    """`ctor` cannot fail an existence or schema check on the ORM because a guard through a
    wrapper method decides when it runs: an open-only `Collection(name)` that is a statement
    directly in the body of `if self.h(name):`, or a create `Collection(name, schema)` directly
    in the body of `if not self.h(name):`, where `h` is a method of the same class (defined
    once, not overridden or rebound in the module) whose body is just
    `return utility.has_collection(p)` (possibly in a try whose every handler raises or
    exits), `name` is passed for `p` and is a parameter of the method holding the guard that
    it never reassigns, `has_collection` and `ctor` use the same connection alias, and the
    statements before `ctor` in the guard's body are simple ones that call nothing but
    FieldSchema/CollectionSchema/Function (for the create) or nothing at all (for the open).
    The open then runs only when the collection exists, the create only when it is missing
    (so there is no existing schema to differ from)."""
    parts = constructor_parts(ctor)
    line = model.statement_of(ctor)
    if parts is None or line is None:
        return False
    create = is_create(ctor)
    if not create and set(parts) - {"name", "using"}:
        return False
    name = parts["name"].value
    alias = model.alias_of_using(parts.get("using"))
    block = model.parents.get(line)
    guard = model.parents.get(block) if isinstance(block, cst.IndentedBlock) else None
    if not isinstance(name, cst.Name) or alias is None or not isinstance(guard, cst.If):
        return False
    if guard.body is not block or not _unassigned_param(model, name):
        return False
    test = guard.test
    if create:
        if not (isinstance(test, cst.UnaryOperation) and isinstance(test.operator, cst.Not)):
            return False
        test = test.expression
    if not isinstance(test, cst.Call) or not _wrapper_checks(model, test, name, alias):
        return False
    before = block.body[: next(i for i, s in enumerate(block.body) if s is line)]
    return all(_quiet(model, s, create) for s in before)


def _unassigned_param(model: OrmModel, name: cst.Name) -> bool:
    """`name` is a parameter of its function, assigned nowhere in it."""
    scope = model.scopes.get(name)
    assigned = list(scope.assignments[name.value]) if scope is not None else []
    return len(assigned) == 1 and isinstance(getattr(assigned[0], "node", None), cst.Param)


def _wrapper_checks(model: OrmModel, call: cst.Call, name: cst.Name, alias: str) -> bool:
    """`call` is `self.h(name)` (or `self.h(p=name)`) with `h` a has_collection wrapper of
    the caller's class (see method_guard_proves) taking `name` for its one parameter."""
    method = model._called_method(call)
    if method is None or method.asynchronous is not None or method.decorators:
        return False
    params = method.params
    if (
        len(params.params) != 2
        or params.posonly_params
        or params.kwonly_params
        or params.star_arg is not cst.MaybeSentinel.DEFAULT
        or params.star_kwarg is not None
        or len(call.args) != 1
        or call.args[0].star
    ):
        return False
    param = params.params[1]
    arg = call.args[0]
    if arg.keyword is not None and arg.keyword.value != param.name.value:
        return False
    if not _same_name(model, arg.value, name):
        return False
    check = _wrapped_check(model, method)
    return check is not None and _checks(model, check, param.name, alias)


def _wrapped_check(model: OrmModel, method: cst.FunctionDef) -> cst.Call | None:
    """The call `c` when the body of `method` is only `return c` (a docstring aside), or a
    try whose body is only that and whose every handler raises or exits (no else/finally)."""
    if not isinstance(method.body, cst.IndentedBlock):
        return None
    body = list(method.body.body)
    if body and is_docstring(body[0]) and len(body) > 1:
        body = body[1:]
    if len(body) != 1:
        return None
    only = body[0]
    if isinstance(only, cst.Try):
        if (
            only.orelse is not None
            or only.finalbody is not None
            or not only.handlers
            or not all(never_completes_normally(model, h.body) for h in only.handlers)
            or not isinstance(only.body, cst.IndentedBlock)
            or len(only.body.body) != 1
        ):
            return None
        only = only.body.body[0]
    if not (isinstance(only, cst.SimpleStatementLine) and len(only.body) == 1):
        return None
    ret = only.body[0]
    if isinstance(ret, cst.Return) and isinstance(ret.value, cst.Call):
        return ret.value
    return None


def is_docstring(statement: cst.BaseStatement) -> bool:
    """`statement` is a string literal on its own: a docstring when first in a body."""
    return (
        isinstance(statement, cst.SimpleStatementLine)
        and len(statement.body) == 1
        and isinstance(statement.body[0], cst.Expr)
        and isinstance(statement.body[0].value, (cst.SimpleString, cst.ConcatenatedString))
    )


def _quiet(model: OrmModel, statement: cst.BaseStatement, create: bool) -> bool:
    """A simple statement that cannot leave the block and calls nothing that may create or
    drop a collection: no call at all before an open, only schema builders before a create."""
    if not isinstance(statement, cst.SimpleStatementLine) or any(
        True for kind in _LEAVES for _ in _walk(statement, kind)
    ):
        return False
    return all(create and _schema_builder(model, c) for c in _walk(statement, cst.Call))


def _schema_builder(model: OrmModel, call: cst.Call) -> bool:
    scope = model.scopes.get(call.func)
    qualified = scope.get_qualified_names_for(call.func) if scope else set()
    names = {pymilvus_name(q.name) for q in qualified}  # compat_shim re-exports them
    return len(names) == 1 and all(
        n.startswith("pymilvus.") and n.rsplit(".", 1)[-1] in _SCHEMA_BUILDERS for n in names
    )


# ---- guards through utility.has_collection: exit guards and the positive form ---------------
# Simple statements that may stand between the guard and the open: they run no code of their
# own (no call, no import), cannot leave the block and do not unbind a name.
# Nodes that run code of their own or change what a name or the block does (calls aside).
_NOT_PLAIN = (cst.Import, cst.ImportFrom, cst.Global, cst.Nonlocal, cst.Await, cst.Yield, *_LEAVES)
_NOT_QUIET = (cst.Call, *_NOT_PLAIN)


def utility_guard_proves(model: OrmModel, ctor: cst.Call) -> bool:
    """The open-only `ctor` (`[x =] Collection(n[, using=a])`, a statement) runs only after
    `utility.has_collection(n[, using=a])` found the collection, so it cannot raise for a
    missing one on the ORM either. Either the open is in the body of
    `if utility.has_collection(n):` (or such an `elif`, or in the `else` of
    `if not utility.has_collection(n):`) with only quiet statements before it there, or the
    statement before it in its block, quiet statements aside, is an exit guard
    `if not utility.has_collection(n):` with no `else` whose body never reaches its end (every
    path raises, returns or calls `sys.exit()`; no loop, `with` or `try`/`finally` in it).
    "Quiet" statements are simple ones without an import or a call other than the builtin
    `print` of call-free arguments (nothing that could drop or rename a collection runs between
    the check and the open). `n` is the same string literal in both, the same constant of an
    imported module that this module never assigns (`config.NAME`), or the same variable with
    exactly one binding (a parameter or a plain assignment) that is not between the check and
    the open, so both read one value; the
    connection alias is the same. A create `Collection(n, schema)` is never proven here: on
    the ORM it can still raise for a schema that differs from the existing one."""
    parts = constructor_parts(ctor)
    if parts is None or set(parts) - {"name", "using"}:
        return False
    site = _site_of(model, ctor, parts)
    if site is None:
        return False
    name, alias, opened, statements, at, owner = site
    if (
        isinstance(owner, cst.If)  # the block is its body, as in create_guard_proves
        and all(_quiet_between(model, s) for s in statements[:at])
        and isinstance(owner.test, cst.Call)
        and _checks(model, owner.test, name, alias)
    ):
        return _one_value(model, name, owner, opened)
    # `if not utility.has_collection(n): ... else: Collection(n)`: the `else` runs only when
    # the check found the collection, as the body of `if utility.has_collection(n):` does.
    negated = model.parents.get(owner) if isinstance(owner, cst.Else) else None
    if (
        isinstance(negated, cst.If)
        and all(_quiet_between(model, s) for s in statements[:at])
        and isinstance(negated.test, cst.UnaryOperation)
        and isinstance(negated.test.operator, cst.Not)
        and isinstance(negated.test.expression, cst.Call)
        and _checks(model, negated.test.expression, name, alias)
    ):
        return _one_value(model, name, negated, opened)
    guard_at = at - 1
    while guard_at >= 0 and _quiet_between(model, statements[guard_at]):
        guard_at -= 1
    guard = statements[guard_at] if guard_at >= 0 else None
    return (
        isinstance(guard, cst.If)
        and guard.orelse is None
        and isinstance(guard.test, cst.UnaryOperation)
        and isinstance(guard.test.operator, cst.Not)
        and isinstance(guard.test.expression, cst.Call)
        and _checks(model, guard.test.expression, name, alias)
        and _never_falls_through(model, guard.body)
        and _one_value(model, name, guard, opened)
    )


_Site = tuple[
    cst.BaseExpression,  # the collection name the constructor is given
    str,  # its connection alias
    cst.SimpleStatementLine,  # the constructor's own statement
    list[cst.BaseStatement],  # the block holding it (or the try it opens, standing for it)
    int,  # where that statement is in the block
    "cst.CSTNode | None",  # what owns the block (the `if` whose body it is, say)
]


def _site_of(model: OrmModel, ctor: cst.Call, parts: dict[str, cst.Arg]) -> _Site | None:
    """Where the constructor `ctor` stands, for the guard proofs; None when its alias is
    not known or it is not a statement of a block."""
    name = parts["name"].value
    alias = model.alias_of_using(parts.get("using"))
    own = _line_of(model, ctor)
    line = _outside_leading_try(model, own)
    block = model.parents.get(line) if line is not None else None
    if alias is None or own is None or not isinstance(block, (cst.IndentedBlock, cst.Module)):
        return None
    statements = list(block.body)
    at = next((i for i, s in enumerate(statements) if s is line), None)
    if at is None:
        return None
    return name, alias, own, statements, at, model.parents.get(block)


def _line_of(model: OrmModel, ctor: cst.Call) -> cst.SimpleStatementLine | None:
    """The statement line of `ctor`: `[x =] Collection(...)`, or `return Collection(...)`
    alone on its line."""
    line = model.statement_of(ctor)
    returned = model.parents.get(ctor)
    if line is None and isinstance(returned, cst.Return):
        holder = model.parents.get(returned)
        if isinstance(holder, cst.SimpleStatementLine) and len(holder.body) == 1:
            return holder
    return line


def _outside_leading_try(model: OrmModel, line: cst.CSTNode | None) -> cst.CSTNode | None:
    """The statement that stands for the open `line` in its guard's block: `line` itself,
    or, while `line` opens the body of a `try:` (only quiet statements before it), that
    `try` statement, so `if not has_collection(n): return` followed by `try: c =
    Collection(n)` is read as the guard directly before the open. Nothing runs between the
    check and the open then, and the handler can no longer be reached for a missing
    collection on the ORM either."""
    while line is not None:
        block = model.parents.get(line)
        owner = model.parents.get(block) if block is not None else None
        if not (isinstance(owner, cst.Try) and owner.body is block):
            return line
        statements = list(block.body)
        at = next((i for i, s in enumerate(statements) if s is line), None)
        if at is None or not all(_quiet_between(model, s) for s in statements[:at]):
            return line
        line = owner
    return line


def _quiet_between(model: OrmModel, statement: cst.BaseStatement) -> bool:
    """A simple statement with no import, no statement that leaves the block or unbinds a
    name, and no call but the builtin `print` of call-free arguments (it writes to stdout and
    cannot drop or rename a collection)."""
    if not isinstance(statement, cst.SimpleStatementLine):
        return False
    if any(True for kind in _NOT_PLAIN for _ in _walk(statement, kind)):
        return False
    return all(
        _is_print(model, call) and not any(True for a in call.args for _ in _walk(a, cst.Call))
        for call in _walk(statement, cst.Call)
    )


def _is_print(model: OrmModel, call: cst.Call) -> bool:
    func = call.func
    if not isinstance(func, cst.Name) or func.value != "print":
        return False
    scope = model.scopes.get(func)
    qualified = scope.get_qualified_names_for(func) if scope else set()
    return {q.name for q in qualified} == {"builtins.print"}


def reads_one_value(model: OrmModel, expr: cst.BaseExpression) -> bool:
    """Reading `expr` again right after, with only MilvusClient calls between, gives the same
    value: a string literal, a variable, `m.NAME` of an imported module (`_module_constant`)
    or a plain instance attribute `self.NAME` (`_plain_attribute_method`), not a property
    that could answer each read differently."""
    if isinstance(expr, (cst.SimpleString, cst.Name)):
        return True
    if isinstance(expr, cst.ConcatenatedString):
        return all(reads_one_value(model, part) for part in (expr.left, expr.right))
    return isinstance(expr, cst.Attribute) and (
        _module_constant(model, expr) or _plain_attribute_method(model, expr) is not None
    )


def _module_constant(model: OrmModel, expr: cst.Attribute) -> bool:
    """`expr` is `m.NAME` where `m` is bound only by an import (a module) and nothing in this
    module assigns, deletes or augments `m.NAME`: between a check and an open with no call
    of their own between them (quiet statements), it reads one value."""
    base = expr.value
    if not isinstance(base, cst.Name) or not isinstance(expr.attr, cst.Name):
        return False
    scope = model.scopes.get(base)
    bindings = list(scope[base.value]) if scope is not None else []
    if not bindings or not all(
        isinstance(getattr(b, "node", None), (cst.Import, cst.ImportFrom)) for b in bindings
    ):
        return False
    text = code_of(expr)
    return not any(code_of(n) == text for n in _stores(model))


def _plain_attribute_method(model: OrmModel, expr: cst.Attribute) -> cst.FunctionDef | None:
    """The method in which `expr`, `self.NAME`, reads a plain instance attribute, or None:
    `self` is the method's first parameter and never rebound, the method is not a static or
    class method, and its class has no base but `object`, no metaclass, no decorator but
    `dataclass`, no `__getattr__`/`__getattribute__` and nothing of its own named `NAME`
    but plain values. Such an attribute cannot be a property or descriptor, so two reads with
    no store to it between them read one value."""
    base = expr.value
    if not isinstance(base, cst.Name) or not isinstance(expr.attr, cst.Name):
        return None
    scope = model.scopes.get(base)
    bindings = list(scope[base.value]) if scope is not None else []
    if len(bindings) != 1 or not isinstance(bindings[0].node, cst.Param):
        return None
    param = bindings[0].node
    method = model.parent(model.parent(param) or param)
    if not isinstance(method, cst.FunctionDef) or not method.params.params:
        return None
    if method.params.params[0] is not param or method.decorators:
        return None
    body = model.parent(method)
    cls = model.parent(body) if isinstance(body, cst.IndentedBlock) else None
    if not isinstance(cls, cst.ClassDef) or cls.keywords:
        return None
    if any(code_of(b.value) != "object" for b in cls.bases):
        return None
    if any(
        code_of(d.decorator) not in {"dataclass", "dataclasses.dataclass"} for d in cls.decorators
    ):
        return None
    own = {expr.attr.value, "__getattr__", "__getattribute__"}
    # A subclass in this module could make it a property for its instances.
    subclasses = [
        c
        for c in _walk(model.module, cst.ClassDef)
        if any(code_of(b.value) == cls.name.value for b in c.bases)
    ]
    if not all(_defines_plainly(c, own) for c in [cls, *subclasses]):
        return None
    return method


def _defines_plainly(cls: cst.ClassDef, names: set[str]) -> bool:
    """`cls`'s own body binds none of `names` but to a plain value (a literal or a name)."""
    for statement in cls.body.body:
        if isinstance(statement, cst.FunctionDef) and statement.name.value in names:
            return False
        if isinstance(statement, cst.SimpleStatementLine):
            for small in statement.body:
                value = getattr(small, "value", None)
                targets = [t.target for t in getattr(small, "targets", ())]
                if isinstance(small, cst.AnnAssign):
                    targets = [small.target]
                named = any(isinstance(t, cst.Name) and t.value in names for t in targets)
                if named and not isinstance(value, (cst.SimpleString, cst.Integer, cst.Name)):
                    return False
    return True


def _stored_between(
    model: OrmModel, expr: cst.Attribute, guard: cst.CSTNode, line: cst.CSTNode
) -> bool:
    """Something on the lines from `guard` to `line` assigns, augments or deletes `expr`."""
    first, last = model.line(guard), model.line(line)
    text = code_of(expr)
    return any(code_of(n) == text and first <= model.line(n) <= last for n in _stores(model))


def _stores(model: OrmModel) -> list[cst.CSTNode]:
    """Every target the module assigns, augments, annotates or deletes, with the attributes
    inside each (`a.b` in `a.b[0] = ...`)."""
    targets: list[cst.BaseExpression] = []
    for assign in _walk(model.module, cst.Assign):
        targets.extend(t.target for t in assign.targets)
    for kind in (cst.AugAssign, cst.AnnAssign):
        targets.extend(n.target for n in _walk(model.module, kind))
    for deleted in _walk(model.module, cst.Del):
        targets.append(deleted.target)
    return [n for t in targets for n in [t, *_walk(t, cst.Attribute)]]


def _never_falls_through(model: OrmModel, body: cst.BaseSuite) -> bool:
    """Every path through the guard's `body` raises, exits or returns (a return leaves the
    function before the open, so unlike never_completes_normally it counts here): none
    reaches the end of the body, whence the open would run."""
    if any(True for kind in _UNPROVEN_INSIDE for _ in _walk(body, kind)):
        return False
    # passed=True and a step that always holds: a `return` then ends its path like a raise.
    flow = _block(model, body.body, True, lambda _: True)
    return flow.proven and not flow.falls_through


def _one_value(
    model: OrmModel, name: cst.BaseExpression, guard: cst.CSTNode, line: cst.CSTNode
) -> bool:
    """`name` reads the same value in `guard` (the check) and at the open on `line`: a string
    literal, or a variable with exactly one binding, a parameter, a `from m import n` or a
    plain assignment (`n = ...`, `n: str = ...`) outside the stretch from the guard to the
    open."""
    if isinstance(name, cst.SimpleString) or (
        isinstance(name, cst.Attribute) and _module_constant(model, name)
    ):
        return True
    if isinstance(name, cst.Attribute) and _plain_attribute_method(model, name) is not None:
        return not _stored_between(model, name, guard, line)
    node = _only_binding(model, name)
    if node is None:
        return False
    if isinstance(node, (cst.Param, cst.ImportFrom)):
        # `from config import NAME`, its one binding: nothing here can rebind it in between
        return True
    holder = model.parents.get(node)
    if not (
        (isinstance(holder, cst.AssignTarget) and holder.target is node)
        or (isinstance(holder, cst.AnnAssign) and holder.target is node)
    ):
        return False
    return not model.line(guard) <= model.line(node) <= model.line(line)


# ---- creates that run only when the collection is missing -----------------------------------
# Calls that may stand between the check and a create: they build the schema (pymilvus's
# builders, list and dict steps on local names, a few pure builtins) and cannot create, drop
# or rename a collection.
_BUILD_METHODS = {"append", "extend", "get"}
_PURE_BUILTINS = {"list", "dict", "len", "range", "enumerate", "str", "int", "float", "bool"}
_NOT_BUILDING = (*_NOT_PLAIN, cst.With, cst.Try, cst.FunctionDef, cst.ClassDef, cst.Lambda)


def create_guard_proves(model: OrmModel, ctor: cst.Call) -> bool:
    """The create `ctor` (`[x =] Collection(n, schema[, using=a])`, a statement) runs only
    when `utility.has_collection(n[, using=a])` has just found no such collection, so on the
    ORM too it has no existing schema to compare with and cannot raise for one (trap 2).
    Either the create is in the body of `if not utility.has_collection(n):` or in the `else`
    of `if utility.has_collection(n):` (the call, or a variable bound to it just before the
    `if`: `has = utility.has_collection(n)`, `if not has:`), or the
    statement before it in its block is an exit guard `if utility.has_collection(n):` with no
    `else` whose body never reaches its end (raise, return, `sys.exit()`) or only drops the
    collection (`if utility.has_collection(n): utility.drop_collection(n)`), or a bare
    `utility.drop_collection(n)`. Only statements that build the schema may stand between
    the check and the create (`_builds_only`), and `n` reads one value in both
    (`_one_value`), as for `utility_guard_proves`."""
    parts = constructor_parts(ctor)
    if parts is None or not is_create(ctor):
        return False
    site = _site_of(model, ctor, parts)
    if site is None:
        return False
    name, alias, created, statements, at, owner = site
    branch: cst.CSTNode | None = None
    asked: cst.BaseExpression | None = None
    if isinstance(owner, cst.If):  # the block is its body (an `else` block's owner is the Else)
        test = owner.test
        if not (isinstance(test, cst.UnaryOperation) and isinstance(test.operator, cst.Not)):
            return False
        branch, asked = owner, test.expression
    elif isinstance(owner, cst.Else):  # `if utility.has_collection(n): ... else: <create>`
        branch = model.parents.get(owner)
        if not (isinstance(branch, cst.If) and branch.orelse is owner):
            return False
        asked = branch.test
    if isinstance(branch, cst.If) and asked is not None:
        check = _check_of(model, asked, branch, name, alias)
        return (
            all(_builds_only(model, s) for s in statements[:at])
            and check is not None
            and _one_value(model, name, check, created)
        )
    for before in reversed(statements[:at]):
        if isinstance(before, cst.If):
            return (
                before.orelse is None
                and isinstance(before.test, cst.Call)
                and _checks(model, before.test, name, alias)
                and (
                    _never_falls_through(model, before.body)
                    or _only_drops(model, before.body, name, alias)
                )
                and _one_value(model, name, before, created)  # type: ignore[arg-type]
            )
        if _only_drops(model, before, name, alias):
            return _one_value(model, name, before, created)  # type: ignore[arg-type]
        if not _builds_only(model, before):
            return False
    return False


def _only_binding(model: OrmModel, name: cst.BaseExpression) -> cst.CSTNode | None:
    """The node that binds the variable `name` when it has exactly one binding, an
    assignment or a parameter, in its scope."""
    scope = model.scopes.get(name)
    if not isinstance(name, cst.Name) or scope is None:
        return None
    bindings = list(scope[name.value])
    if len(bindings) != 1 or not isinstance(bindings[0], cst.metadata.Assignment):
        return None
    return bindings[0].node


def _check_of(
    model: OrmModel,
    test: cst.BaseExpression,
    branch: cst.If,
    name: cst.BaseExpression,
    alias: str,
) -> cst.CSTNode | None:
    """Where `branch`'s `test` asked `utility.has_collection(name)`: the `if` itself for the
    call in its test, or the statement `has = utility.has_collection(name)` before it for a
    variable bound only there, in the same block, with only data-building statements between
    (`_builds_only`). None when the test is neither."""
    if isinstance(test, cst.Call):
        return branch if _checks(model, test, name, alias) else None
    target = _only_binding(model, test)
    if target is None:
        return None
    holder = model.parents.get(target)
    assign = model.parents.get(holder) if isinstance(holder, cst.AssignTarget) else None
    if not (
        isinstance(assign, cst.Assign)
        and len(assign.targets) == 1
        and holder.target is target  # type: ignore[union-attr]
        and isinstance(assign.value, cst.Call)
        and _checks(model, assign.value, name, alias)
    ):
        return None
    line = model.parents.get(assign)
    block = model.parents.get(branch)
    if not (isinstance(line, cst.SimpleStatementLine) and len(line.body) == 1):
        return None
    if not isinstance(block, (cst.IndentedBlock, cst.Module)):
        return None
    body = list(block.body)
    start = next((i for i, s in enumerate(body) if s is line), None)
    end = next((i for i, s in enumerate(body) if s is branch), None)
    if start is None or end is None or start > end:
        return None
    return line if all(_builds_only(model, s) for s in body[start + 1 : end]) else None


def _only_drops(model: OrmModel, node: cst.CSTNode, name: cst.BaseExpression, alias: str) -> bool:
    """`node` (a statement, or the body of an `if`) is just `utility.drop_collection(n)`
    for the same name and alias: once it has run without raising, there is no collection `n`
    (the recreate idiom `if utility.has_collection(n): utility.drop_collection(n)`)."""
    statements = list(node.body) if isinstance(node, cst.IndentedBlock) else [node]
    if len(statements) != 1 or not isinstance(statements[0], cst.SimpleStatementLine):
        return False
    small = statements[0].body
    return (
        len(small) == 1
        and isinstance(small[0], cst.Expr)
        and isinstance(small[0].value, cst.Call)
        and _checks(model, small[0].value, name, alias, "utility.drop_collection")
    )


def _builds_only(model: OrmModel, statement: cst.BaseStatement) -> bool:
    """A statement (simple, or an `if`/`for` of such) that only builds data: no import,
    `with`, `try`, nested definition or statement that leaves the block, and every call a
    schema builder, a list or dict step on a plain name (`fields.append(...)`,
    `spec.get(...)`), a pure builtin or the builtin `print`."""
    if not isinstance(statement, (cst.SimpleStatementLine, cst.If, cst.For)):
        return False
    if any(True for kind in _NOT_BUILDING for _ in _walk(statement, kind)):
        return False
    return all(_building_call(model, call) for call in _walk(statement, cst.Call))


def _building_call(model: OrmModel, call: cst.Call) -> bool:
    if _is_print(model, call):
        return True  # progress output (`print("creating", name)`); its arguments are checked too
    func = call.func
    if isinstance(func, cst.Attribute) and isinstance(func.value, cst.Name):
        if func.attr.value in _BUILD_METHODS and model.call_name(call) is None:
            return model.scopes.get(func.value) is not None and not _is_imported(model, func.value)
    if isinstance(func, cst.Name) and func.value in _PURE_BUILTINS:
        scope = model.scopes.get(func)
        qualified = scope.get_qualified_names_for(func) if scope else set()
        return {q.name for q in qualified} == {f"builtins.{func.value}"}
    return _schema_builder(model, call)


def _is_imported(model: OrmModel, name: cst.Name) -> bool:
    """`name` is bound by an import (a module, whose `get` may do anything)."""
    scope = model.scopes.get(name)
    return any(
        isinstance(getattr(a, "node", None), (cst.Import, cst.ImportFrom))
        for a in (scope[name.value] if scope is not None else ())
    )
