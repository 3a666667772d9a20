"""Values that hold an ORM Collection the analysis does not track, and their uses.

The analysis (codemods.analysis) follows a collection from its `Collection(...)` call, or from
a parameter named or typed as one. Some code reaches its collections another way, and those
uses stay ORM without any rule seeing them, so the report said nothing about them:

- `x = get_collection(...)` / `x = self._get_or_create(...)` / `self.x = make(...)`, where the
  module's own function returns a `Collection(...)` on some path but is no factory the
  analysis can follow (it may return None, or opens in a `try`: v013, s024 of the samples);
- `self.x = collection` in a method whose parameter is named or typed as a collection (r024);
- a parameter whose name says collection less plainly (`milvus_collec_conn`, v027).

Each member used on such a value (`x.insert`, `self.x.flush`) is a site that stays ORM: it is
reported here (codemods.untracked_holders.UntrackedHolders) and counted by
tests.codemods.site_coverage, both from `untracked_uses`. Nothing is rewritten: the
collection's name is known only at run time.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

import libcst as cst

from codemods.analysis import (
    COLLECTION_PARAM_NAMES,
    OrmModel,
    _walk,
    model_of,
    self_attribute_members,
)
from codemods.base import RuleInfo
from codemods.context import MigrationContext
from codemods.lifecycle import CONSTRUCTOR
from codemods.orm_symbols import lookup
from codemods.rewrite import code_of

# Parameter names that say collection in a way COLLECTION_PARAM_NAMES does not take
# (`milvus_collec_conn`, `coll_obj`): as there, only when an ORM method is called on them.
_LOOSE_PARAM_NAMES = re.compile(r"(^|_)(col|coll|collec|collection)(_|$)|collection$")
# Members that mark a loosely named parameter as a Collection (not the ones a list or a
# pandas column has too: insert, describe, ...).
_ORM_ONLY_MEMBERS = {
    "upsert", "search", "query", "hybrid_search", "load", "release", "flush",
    "create_index", "num_entities", "query_iterator", "search_iterator", "create_partition",
    "has_partition", "drop_partition", "has_index", "drop_index",
}  # fmt: skip


@dataclass(frozen=True)
class UntrackedUse:
    member: cst.Attribute  # `holder.member`
    holder: str  # the code of the holder (`collection`, `self.collection`)
    origin: str  # where its Collection comes from: "`holder` <origin>" in the item


def untracked_uses(model: OrmModel) -> list[UntrackedUse]:
    """Each use of a member of pymilvus's Collection on a value that holds an ORM Collection
    the analysis does not track (see the module docstring), in source order."""
    if not _imports_pymilvus(model.module):
        return []  # nothing says these values are collections
    returners = _collection_returners(model)
    tracked = {ctor for binding in model.bindings for ctor in binding.constructors}
    found: dict[cst.Attribute, UntrackedUse] = {}
    for assign in _walk(model.module, cst.Assign):
        if len(assign.targets) != 1:
            continue
        target = assign.targets[0].target
        origin = _origin(model, assign.value, returners, tracked)
        if origin is None:
            continue
        for member in _members(model, target):
            found.setdefault(member, UntrackedUse(member, code_of(member.value), origin))
    for func in _walk(model.module, cst.FunctionDef):
        for param in _params(func):
            name = param.name.value
            if COLLECTION_PARAM_NAMES.match(name) or not _LOOSE_PARAM_NAMES.search(name):
                continue  # the analysis' own parameter rule speaks for the former
            if param.annotation is not None and not _collection_param(model, param):
                continue
            members = list(_members(model, param.name))
            if any(m.attr.value in _ORM_ONLY_MEMBERS for m in members):
                origin = f"is a parameter of `{func.name.value}()` used as a Collection"
                for member in members:
                    found.setdefault(member, UntrackedUse(member, name, origin))
    return sorted(found.values(), key=lambda use: model.position(use.member))


def _imports_pymilvus(module: cst.Module) -> bool:
    for node in _walk(module, (cst.Import, cst.ImportFrom)):
        if isinstance(node, cst.ImportFrom):
            names = [node.module] if node.module is not None else []
        else:
            names = [alias.name for alias in node.names]
        if any(code_of(name).split(".")[0] == "pymilvus" for name in names):
            return True
    return False


def _collection_returners(model: OrmModel) -> dict[cst.FunctionDef, str]:
    """The module's functions that return an ORM Collection on some path: `return
    Collection(...)`, a local variable assigned one, or a call of another such function."""
    funcs = list(_walk(model.module, cst.FunctionDef))
    found: dict[cst.FunctionDef, str] = {}
    changed = True
    while changed:  # one function may return what another returns
        changed = False
        for func in funcs:
            if func in found:
                continue
            for ret in _walk(func, cst.Return):
                if model._enclosing(ret, cst.FunctionDef) is not func or ret.value is None:
                    continue
                if _returns_collection(model, func, ret.value, found):
                    found[func] = func.name.value
                    changed = True
                    break
    return found


def _returns_collection(
    model: OrmModel,
    func: cst.FunctionDef,
    value: cst.BaseExpression,
    found: dict[cst.FunctionDef, str],
) -> bool:
    if isinstance(value, cst.Call):
        return model.call_name(value) == "Collection" or _callee(model, value) in found
    if not isinstance(value, cst.Name):
        return False
    scope = model.scopes.get(value)
    if scope is None or model._enclosing(value, cst.FunctionDef) is not func:
        return False
    for assignment in scope.assignments[value.value]:
        assigned = model._assigned_value(getattr(assignment, "node", None))
        if isinstance(assigned, cst.Call) and (
            model.call_name(assigned) == "Collection" or _callee(model, assigned) in found
        ):
            return True
    return False


def _callee(model: OrmModel, call: cst.Call) -> cst.FunctionDef | None:
    return model._called_function(call) or model._called_method(call)


def _origin(
    model: OrmModel,
    value: cst.BaseExpression,
    returners: dict[cst.FunctionDef, str],
    tracked: set[cst.Call],
) -> str | None:
    """Why the value assigned holds an untracked ORM Collection (None: it does not)."""
    if isinstance(value, cst.Call) and model.call_name(value) == "Collection":
        if value in tracked:
            return None
        return f"holds a Collection() that is not tracked (line {model.input_line(value)})"
    if isinstance(value, cst.Call):
        func = _callee(model, value)
        if func is not None and func in returners:
            return f"holds what `{code_of(value.func)}()` returns, a Collection on some path"
        return None
    if isinstance(value, cst.Name):
        for func_param in _enclosing_params(model, value):
            if func_param.name.value == value.value and _collection_param(model, func_param):
                return f"holds the parameter `{value.value}`, a Collection from the caller"
    return None


def _enclosing_params(model: OrmModel, node: cst.CSTNode) -> list[cst.Param]:
    func = model._enclosing(node, cst.FunctionDef)
    return list(_params(func)) if isinstance(func, cst.FunctionDef) else []


def _collection_param(model: OrmModel, param: cst.Param) -> bool:
    if param.annotation is not None:
        return model.canonical_of.get(param.annotation.annotation) == "Collection"
    return bool(
        COLLECTION_PARAM_NAMES.match(param.name.value)
        or _LOOSE_PARAM_NAMES.search(param.name.value)
    )


def _params(func: cst.FunctionDef) -> Iterator[cst.Param]:
    p = func.params
    yield from (*p.posonly_params, *p.params, *p.kwonly_params)


def _members(model: OrmModel, target: cst.BaseExpression) -> Iterator[cst.Attribute]:
    """`target.<member>` for each member of pymilvus's Collection read on the value stored in
    `target` (a local name or `self.<attr>`), when the analysis tracks none of them."""
    if isinstance(target, cst.Name):
        scope = model.scopes.get(target)
        if scope is None:
            return
        for assignment in scope.assignments[target.value]:
            # a parameter's assignment is its Param node
            if getattr(assignment, "node", None) not in (target, model.parent(target)):
                continue
            for access in assignment.references:
                yield from _member_of(model, access.node)
    elif (
        isinstance(target, cst.Attribute)
        and isinstance(target.value, cst.Name)
        and target.value.value == "self"
    ):
        method = model._enclosing(target, cst.FunctionDef)
        cls = model._enclosing(method, cst.ClassDef) if method is not None else None
        if cls is None or _stores_collection(model, cls, target.attr.value):
            return  # codemods.lifecycle reports a `self.x = Collection(...)` left untracked
        for member in self_attribute_members(cls, target.attr.value):
            yield from _member_of(model, member.value)


def _member_of(model: OrmModel, holder: cst.CSTNode) -> Iterator[cst.Attribute]:
    if holder in model._binding_of_node:
        return  # tracked: the collection rules speak for it
    member = model.parent(holder)
    if (
        isinstance(member, cst.Attribute)
        and member.value is holder
        and lookup("Collection", member.attr.value) is not None
    ):
        yield member


def _stores_collection(model: OrmModel, cls: cst.ClassDef, attr: str) -> bool:
    for assign in _walk(cls, cst.Assign):
        target = assign.targets[0].target if len(assign.targets) == 1 else None
        if (
            isinstance(target, cst.Attribute)
            and target.attr.value == attr
            and model.call_name(assign.value) == "Collection"
        ):
            return True
    return False


class UntrackedHolders:
    """Reports (MM110) the uses of collections the analysis does not track; rewrites nothing.
    It runs before the constructor rule, while every `Collection(...)` is still in the tree."""

    rules: tuple[RuleInfo, ...] = ()  # its items are MM110's, whose rule the constructor owns

    def apply(self, module: cst.Module, ctx: MigrationContext) -> cst.Module:
        model = model_of(module, ctx)
        for use in untracked_uses(model):
            line, col = model.position(use.member)
            ctx.report(
                line,
                col,
                CONSTRUCTOR.code,
                f"`{code_of(use.member)}` left as ORM code: `{use.holder}` {use.origin}; "
                "the analysis does not follow that value, so these uses stay ORM with it",
                "migrate the collection's uses by hand",
            )
        return module
