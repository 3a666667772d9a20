"""Trap 2 re-created: the ORM's own existence check in front of a migrated open.

pymilvus's `Collection(name)` (open-only: no schema) asks the server `has_collection(name)`
and, for a missing collection, raises (orm/collection.py, Collection.__init__)

    SchemaNotReadyException(message=ExceptionsMessage.CollectionNotExistNoSchema % name)

Both names live in `pymilvus.exceptions`, which is not ORM. So where a handler may be there
for that error (the open inside try/except, or reached from a call inside one), MM110 writes
the same check before the migrated binding,

    if not client.has_collection(collection_name=name):
        raise SchemaNotReadyException(message=ExceptionsMessage.CollectionNotExistNoSchema % name)
    x = name

and the handler sees the same exception type and text as on the ORM. Only where that is the
whole of what the ORM checked: the open has no argument but the name and `using=` (a
`consistency_level=` is compared with the server's, a schema with the existing one: those
stay ORM), it is a plain one-target assignment or a bare `Collection(n)` statement (which
becomes the check alone: all it did on the ORM), and the name is read without side effects
(a name, a string literal or an attribute chain), since the check reads it twice more. A
module that uses either exception name for something else gets a fresh name for it
(`SchemaNotReadyException_2`, imported `as` that).
"""

from __future__ import annotations

import weakref

import libcst as cst
from libcst.metadata import ImportAssignment

from codemods.analysis import OrmModel, constructor_parts, is_create
from codemods.client_import import imports_pymilvus_up_front
from codemods.rewrite import code_of

EXCEPTIONS_MODULE = "pymilvus.exceptions"
# Where each name the checks use is imported from when the module lacks it; any other name
# given to exception_names lives in pymilvus.exceptions.
HOMES = {"CollectionSchema": "pymilvus", "cmp_consistency_level": "pymilvus.client.types"}
# Per model: the names the check uses (exception_names), chosen once.
_NAMES: weakref.WeakKeyDictionary[OrmModel, dict[str, tuple[str, str | None]]] = (
    weakref.WeakKeyDictionary()
)
# The names the check uses, each importable from pymilvus.exceptions.
EXCEPTION_NAMES = ("ExceptionsMessage", "SchemaNotReadyException")


def open_check_problem(model: OrmModel, ctor: cst.Call) -> str:
    """Why the open `ctor` cannot carry the ORM's existence check ('' when it can); for a
    create, why it cannot carry the ORM's schema comparison (codemods.create_check)."""
    parts = constructor_parts(ctor)
    if parts is not None and is_create(ctor):
        from codemods.create_check import create_check_problem  # lazy: imports this

        return create_check_problem(model, ctor)
    if parts is None:
        from codemods.create_check import COMPARES  # lazy: imports this

        return COMPARES
    extra = sorted(set(parts) - {"name", "using"})
    if extra:
        # consistency_level is compared with the server's; anything else reaches its RPCs.
        return f"with {', '.join(extra)} the ORM does more than check that the collection exists"
    line = model.statement_of(ctor)
    small = line.body[0] if line is not None else None
    returned = model.parent(ctor)
    if isinstance(returned, cst.Return) and model._returned_open(returned) is ctor:
        small = returned  # a function's `return Collection(n)` (OrmModel._returned_opens)
    if not (
        isinstance(small, cst.Return)
        or (isinstance(small, cst.Assign) and len(small.targets) == 1)
        or (isinstance(small, cst.AnnAssign) and small.value is ctor)
        # A bare `Collection(n)` statement is only the existence check: it becomes the check.
        or (isinstance(small, cst.Expr) and small.value is ctor)
    ):
        return (
            "the Collection() is neither the value of a plain one-target assignment "
            "nor a statement of its own"
        )
    name = parts["name"].value
    if not repeatable(name):
        return (
            f"its name `{code_of(name)}` is not a plain name, string literal or attribute, "
            "and the check would evaluate it again"
        )
    if not imports_pymilvus_up_front(model.module):
        # The exceptions' import goes to the top of the module (MM110): a module that
        # imports pymilvus only in a function or a guarded block must still import without.
        return (
            "the module imports pymilvus only where it needs it, and the check's "
            "`pymilvus.exceptions` import would go to its top"
        )
    return ""


def exception_names(
    model: OrmModel, bases: tuple[str, ...] = EXCEPTION_NAMES
) -> dict[str, tuple[str, str | None]]:
    """For each name in `bases` (importable from pymilvus.exceptions, or from its HOMES
    module): (what the module calls it, the import spec to add or None). The module's own
    `from pymilvus.exceptions import X` is reused; a name the module does not use is
    imported as itself; any other gets a fresh name (`SchemaNotReadyException_2`,
    OrmModel.fresh_name) imported as `X as X_2`. Chosen once per model, so every check in a
    module uses the same names."""
    names = _NAMES.get(model)
    if names is None:
        names = _NAMES[model] = {}
    for base in bases:
        if base in names:
            continue
        bound = exception_binding(model, base)
        if bound:
            names[base] = (base, None)
        elif bound is False:
            names[base] = (base, base)
        else:
            fresh = model.fresh_name(base)
            names[base] = (fresh, f"{base} as {fresh}")
    return {base: names[base] for base in bases}


def imports_to_add(model: OrmModel, bases: tuple[str, ...]) -> dict[str, set[str]]:
    """The `from M import spec` imports the names in `bases` need, by module M."""
    wanted: dict[str, set[str]] = {}
    for base, (_, spec) in exception_names(model, bases).items():
        if spec is not None:
            wanted.setdefault(HOMES.get(base, EXCEPTIONS_MODULE), set()).add(spec)
    return wanted


def exception_binding(model: OrmModel, name: str) -> bool | None:
    """Whether the module's global scope already imports pymilvus.exceptions' `name` (True:
    reuse it), the module does not use the name (False: import it), or it binds it to
    something else, only in some scopes, or reads it unbound (None: take a fresh name)."""
    scopes = {s for s in model.scopes.values() if s is not None}
    if not model.is_name_used(name) or not any(
        name in scope.assignments or scope.accesses[name] for scope in scopes
    ):
        # Spelled only as an attribute or an imported name (`pymilvus.CollectionSchema`,
        # `import CollectionSchema as CS`): no variable of that name to clash with.
        return False
    imported: bool | None = None
    for scope in scopes:
        if name not in scope.assignments:
            continue
        for assignment in scope.assignments[name]:
            if assignment.scope is not scope:
                continue
            if not (_imports_exception(assignment, name) and scope is model.scopes[model.module]):
                return None
            imported = True
    return imported


def _imports_exception(assignment: object, name: str) -> bool:
    """`from pymilvus.exceptions import name`, or from its HOMES module (no `as`; pymilvus
    itself exports ExceptionsMessage too)."""
    if not isinstance(assignment, ImportAssignment):
        return False
    node = assignment.node
    if not isinstance(node, cst.ImportFrom) or node.relative or node.module is None:
        return False
    module = code_of(node.module)
    home = HOMES.get(name, EXCEPTIONS_MODULE)
    if isinstance(node.names, cst.ImportStar) or not (
        module == home or (module == "pymilvus" and name == "ExceptionsMessage")
    ):
        return False
    return any(a.asname is None and code_of(a.name) == name for a in node.names)


def repeatable(expr: cst.BaseExpression) -> bool:
    """Reading `expr` again gives the same value and runs no code of the module's (attribute
    chains are taken as plain reads, as the rest of the rewrite takes them)."""
    if isinstance(expr, (cst.Name, cst.SimpleString, cst.Integer, cst.Float)):
        return True
    if isinstance(expr, cst.ConcatenatedString):
        return all(
            isinstance(part, (cst.SimpleString, cst.ConcatenatedString)) and repeatable(part)
            for part in (expr.left, expr.right)
        )
    if isinstance(expr, cst.Attribute):
        return repeatable(expr.value) and not isinstance(expr.value, cst.BaseString)
    return False


def check_statement(client: str, name: cst.BaseExpression, model: OrmModel) -> cst.If:
    """`if not client.has_collection(collection_name=name): raise <the ORM's exception>`,
    with the exception names `exception_names` chose."""
    code = code_of(name)
    names = exception_names(model)
    error = names["SchemaNotReadyException"][0]
    message = f"{names['ExceptionsMessage'][0]}.CollectionNotExistNoSchema % {code}"
    return cst.If(
        test=cst.parse_expression(f"not {client}.has_collection(collection_name={code})"),
        body=cst.IndentedBlock(
            body=[
                cst.SimpleStatementLine(
                    body=[cst.Raise(exc=cst.parse_expression(f"{error}(message={message})"))]
                )
            ]
        ),
    )
