"""Collections a class keeps in `self.<attr>` and hands out through a property.

`OrmModel._attr_bindings` tracks `self.x` when every store to it in the class is a
Collection(), a tracked local (`self.x = coll`) or a collection factory's result. This module
adds what real classes put around such an attribute:

* a `self.x = None` / `self.x: Optional[Collection] = None` placeholder in `__init__` (or
  a reset to None in another method, after which a proof below holds only when no call of
  user code comes between it and the use, see `_nothing_unsets`). The
  attribute may then be None when a method runs, and a method called on None fails with
  AttributeError on the ORM but reaches the client as `collection_name=None` after migration.
  So each use must be a presence test (`self.x is None`, `not self.x`, `if self.x:`; a
  Collection has no __bool__/__len__ and a collection name is never empty, so the name answers
  alike) or be reached only when the attribute is set: after such a test that leaves the
  method (`if self.x is None: raise ...`, `if not ok or not self.x: return`), after a store
  of a Collection() into it (also one on every path through an `if` or a `try`, or under
  `if self.x is None:`) or a call statement `self.set_x(...)` of a method of the class
  that stores one on every path that returns normally (its other paths raise or exit; see
  codemods.method_paths), earlier in the same block, or inside the branch a test selects
  (`if self.x:`, `... if self.x else ...`, `self.x and ...`), or in a method that cannot run
  before `__init__` itself has set the attribute (codemods.construction). Those proofs hold
  only while `__init__` alone stores None; only this class's methods may store to the
  attribute at all (a same-named attribute of an unrelated class is another object's);
* a read-only `@property` that returns `self.x` (its uses `self.prop.insert(...)` are uses of
  the same collection; `-> Collection` becomes `-> str`);
* the annotation of an annotated store (`Optional[Collection]` -> `Optional[str]`).

The attribute, the property and the locals copied into them are migrated together or not at
all (they share one `blocked` list).
"""

from __future__ import annotations

import libcst as cst
from libcst.metadata import BuiltinAssignment

from codemods.analysis import (
    CollectionBinding,
    OrmModel,
    Use,
    _class_methods,
    _decorator_name,
    _first_param,
    _walk,
    is_none,
)
from codemods.base import UNSAFE_FIX, Applicability, RuleInfo
from codemods.construction import methods_seeing_it_set
from codemods.method_paths import every_normal_completion_passes, falls_through_passed
from codemods.rewrite import code_of

# The end of every "may still be None" reason MM113 would lift (see `unsafe_only`).
UNSAFE_NOTE = (
    "needs an unsafe fix (MM113, applied with --unsafe-fixes; behaviour changes only while "
    "the attribute is None, where the ORM raised AttributeError and MilvusClient rejects "
    "collection_name=None with a ParamError instead)"
)

MAY_BE_NONE = RuleInfo(
    code="MM113",
    title="Held collection that may still be None: migrate its uses anyway",
    description=(
        "An attribute set to None in `__init__` and later to a collection (MM110) is migrated "
        "by default only when every use is proven to run with the attribute set. When "
        "another method sets it to None again (a `close()`, a failed check), a test or store "
        "proves a use only with no call of user code in between (builtins, pymilvus names "
        "and client calls aside), since such a call could run that method. With "
        "`--unsafe-fixes` the uses that cannot be proven are migrated too (only this "
        "obstacle is lifted: every other reason to keep the collection ORM still holds); "
        "without it each such use is reported as `may still be None here`, needing this "
        "unsafe fix. Behaviour differs only where a use runs while the attribute is still "
        "None (a method called before the one that sets it), where the ORM raised "
        "`AttributeError: 'NoneType' object has no attribute '<method>'`. The migrated call "
        "evaluates its arguments first (the ORM failed before it did), then passes "
        "`collection_name=None`, which MilvusClient rejects before any request with "
        "`pymilvus.exceptions.ParamError` (code 1): `` `collection_name` value None is "
        "illegal `` (insert, upsert, delete, get, load/release/drop/describe_collection, "
        "get_collection_stats, the partition, index and iterator calls) or `missing required "
        "argument: [collection_name]` (flush, create_index, search, hybrid_search); `query` "
        "with a filter reaches the server and fails with `MilvusException` (code 100, "
        "`collection '' does not exist`). Both are `MilvusException`s, so a handler for "
        "`AttributeError` no longer catches the error and one for `MilvusException` now "
        "does. An insert or upsert of no rows returns a zero count instead of raising, and "
        "`.name` (now the attribute itself) gives None. Measured with pymilvus 3.0.2 on "
        "milvus-lite; suppress one site with `# milvus-migrate: ignore[MM113]`."
    ),
    applicability=Applicability.UNSAFE,
    before=(
        "class Store:\n"
        "    def __init__(self):\n"
        "        self.col = None\n"
        "\n"
        "    def open(self, name):\n"
        "        self.col = Collection(name)\n"
        "\n"
        "    def add(self, rows):\n"
        "        self.col.insert(rows)\n"
    ),
    after=(
        "class Store:\n"
        "    def __init__(self):\n"
        "        self.col = None\n"
        "\n"
        "    def open(self, name):\n"
        "        self.col = name\n"
        "\n"
        "    def add(self, rows):\n"
        "        client.insert(collection_name=self.col, data=rows)\n"
    ),
)


def none_store(model: OrmModel, attr: cst.Attribute, value: object) -> bool:
    """`self.x = None` or `self.x: T = None` as a statement of its own (in `__init__`, a
    placeholder; elsewhere a reset, see `settle`)."""
    if not isinstance(value, cst.Name) or not is_none(value):
        return False
    holder = model.parents.get(attr)
    if isinstance(holder, cst.AnnAssign):
        return holder.target is attr
    return isinstance(holder, cst.AssignTarget) and isinstance(
        model.parents.get(holder), cst.Assign
    )


def settle(
    model: OrmModel,
    cls: cst.ClassDef,
    key: str,
    binding: CollectionBinding,
    nones: list[cst.Attribute],
    nodes: list[cst.Attribute],
) -> None:
    """Finish the binding of `self.<key>` in `cls`: its None placeholders, its annotated
    stores and the properties that return it."""
    for attr in nodes:
        holder = model.parents.get(attr)
        if isinstance(holder, cst.AnnAssign) and holder.target is attr:
            model.attr_annotations[holder] = binding
    placeholders = [n for n in nones if _method_name(model, n) == "__init__"]
    binding.resets = [n for n in nones if _method_name(model, n) != "__init__"]
    if nones:
        binding.may_be_none = True
        # After a reset any method may meet None, whatever ran before it.
        if not binding.resets:
            binding.set_in = methods_seeing_it_set(
                model,
                cls,
                key,
                placeholders,
                sets=lambda statement, held: _sets(model, statement, held),
                guarded=lambda call, held: _guarded(model, call, held),
            )
        problem = _store_problem(model, cls, key)
        if problem:
            binding.blocked.append((nones[0], f"`self.{key}` {problem}"))
    for prop in _accessors(model, cls, key):
        _accessor_binding(model, cls, prop, binding)


def _store_problem(model: OrmModel, cls: cst.ClassDef, key: str) -> str:
    """Why `self.<key>` could become None again after a method's presence test ('' if not)."""
    stores = model._attribute_stores()
    if stores.get(""):
        return "may be set through setattr() or __dict__ in this module"
    for store in stores.get(key, []):
        method = model._enclosing(store, cst.FunctionDef)
        if _store_to_other_class(model, store, method, cls):
            continue
        if method is None or model._enclosing(method, cst.ClassDef) is not cls:
            return (
                f"is also stored outside the methods of its class (line {model.input_line(store)})"
            )
    for attr in _walk(model.module, cst.Attribute):
        if attr.attr.value == "__init__" and not _is_super_call(attr.value):
            return f"may be reset to None by a call of __init__ (line {model.input_line(attr)})"
    return ""


def _store_to_other_class(
    model: OrmModel, store: cst.Attribute, method: cst.CSTNode | None, cls: cst.ClassDef
) -> bool:
    """Whether `store` is `self.<key>` in a plain method of another class of the module, one
    that neither inherits from `cls` nor is inherited by it: it stores to that class's own
    instances (u005 keeps a small wrapper class with its own `self.collection`)."""
    if not isinstance(method, cst.FunctionDef) or not isinstance(store.value, cst.Name):
        return False
    other = model._enclosing(method, cst.ClassDef)
    if not isinstance(other, cst.ClassDef) or other is cls:
        return False
    if any(_decorator_name(d) == "staticmethod" for d in method.decorators):
        return False  # its first parameter may be any object
    if not model._is_first_param(store.value, method):
        return False
    return not (_inherits(model, other, cls) or _inherits(model, cls, other))


def _inherits(model: OrmModel, sub: cst.ClassDef, base: cst.ClassDef) -> bool:
    """Whether `sub` names `base` among its bases, directly or through classes of the module
    (by name: a base that is not a plain name counts as `base`, to be safe)."""
    classes = {c.name.value: c for c in _walk(model.module, cst.ClassDef)}
    seen: set[str] = set()
    todo = [sub]
    while todo:
        current = todo.pop()
        for arg in current.bases:
            if not isinstance(arg.value, cst.Name):
                if not isinstance(arg.value, cst.Attribute):
                    return True
                continue  # a class from another module (`abc.ABC`): it cannot be `base`
            name = arg.value.value
            if name == base.name.value:
                return True
            if name in classes and name not in seen:
                seen.add(name)
                todo.append(classes[name])
    return False


def _method_name(model: OrmModel, node: cst.CSTNode) -> str:
    method = model._enclosing(node, cst.FunctionDef)
    return method.name.value if isinstance(method, cst.FunctionDef) else ""


def _is_super_call(expr: cst.BaseExpression) -> bool:
    return (
        isinstance(expr, cst.Call)
        and isinstance(expr.func, cst.Name)
        and expr.func.value == "super"
        and not expr.args
    )


def none_problem(model: OrmModel, node: cst.CSTNode, binding: CollectionBinding) -> str | None:
    """For a use of an attribute that may hold None: '' when the use is a presence test (fine
    as it is), None when a presence test earlier in the method left it if None or when the
    MM113 unsafe fix is enabled (check the use as usual), else why the use may meet None."""
    if _presence_test(model.parents.get(node), node):
        return ""
    if unsafe_fix_enabled(model, node):
        return None
    if _guarded(model, node, resets=bool(binding.resets)):
        return None
    if binding.resets:
        reset = binding.resets[0]
        return (
            f"`{binding.label}` may be None here: `{_method_name(model, reset)}()` sets it to "
            f"None again (line {model.input_line(reset)}), and no test of it or store into "
            "it comes before this use with no call in between (a call could run that "
            f"method), so migrating it {UNSAFE_NOTE}"
        )
    if model._enclosing(node, cst.FunctionDef) in binding.set_in:
        return None
    return (
        f"`{binding.label}` may still be None here (it is set to None in __init__, and no "
        "test of it or store into it before this use in the method rules that out), so "
        f"migrating it {UNSAFE_NOTE}"
    )


EXPORTED_ATTRIBUTE = RuleInfo(
    code="MM115",
    title="Public attribute of a library class holding a collection: migrate it anyway",
    description=(
        "A collection held in a public attribute (`self.collection`, no leading underscore) "
        "of a public module-level class of a module that another file of the run imports, "
        "where some importer of the run reads an attribute of that name (`x.collection`: a "
        "text scan, so strings and comments count too), is part of the class's interface: "
        "code in other modules that holds an "
        "instance may read `store.collection.num_entities` or pass it on, and would get the "
        "collection name (a `str`) after the migration, and an AttributeError. So, as for a "
        "Collection that a public function returns, the collection stays ORM and each use is "
        "reported, needing this unsafe fix; with `--unsafe-fixes` the attribute holds the "
        "name like any other. Make the attribute private (`self._collection`) when nothing "
        "outside the class reads it, and rerun. A file migrated alone is read as before, as "
        "for module-level names: its importers are not known. Found on real code (a public "
        "`milvus_client.collection` singleton attribute, a class whose own public method "
        "took `collection` back as an ORM parameter)."
    ),
    applicability=Applicability.UNSAFE,
    before=(
        "class Store:\n"
        "    def __init__(self):\n"
        '        self.collection = Collection("docs")\n'
        "\n"
        "    def count(self):\n"
        "        return self.collection.num_entities\n"
    ),
    after=(
        "class Store:\n"
        "    def __init__(self):\n"
        '        self.collection = "docs"\n'
        "\n"
        "    def count(self):\n"
        '        return client.get_collection_stats(collection_name=self.collection)["row_count"]\n'
    ),
)


def unsafe_fix_enabled(model: OrmModel, node: cst.CSTNode) -> bool:
    """MM113 applies at `node`: --unsafe-fixes is on, and MM113 is selected and not
    suppressed on the use's line."""
    return model.ctx.options.unsafe_fixes and model.ctx.may_rewrite(
        model.input_line(node), MAY_BE_NONE.code
    )


def unsafe_only(binding: CollectionBinding) -> bool:
    """Every reason that keeps `binding` ORM is one --unsafe-fixes would lift (MM113, MM131;
    so the suggestion is to rerun with --unsafe-fixes rather than to migrate by hand)."""
    return bool(binding.blocked) and all(UNSAFE_FIX in why for _, why in binding.blocked)


def _presence_test(parent: cst.CSTNode | None, node: cst.CSTNode) -> bool:
    """`if self.x`, `while self.x`, `... if self.x else ...`, `not self.x`, `self.x and ...`
    (which gives self.x only when it is falsy: None), `self.x is (not) None`."""
    if isinstance(parent, (cst.If, cst.While, cst.IfExp)):
        return parent.test is node
    if isinstance(parent, cst.BooleanOperation) and isinstance(parent.operator, cst.And):
        return parent.left is node
    if isinstance(parent, cst.UnaryOperation):
        return isinstance(parent.operator, cst.Not)
    if isinstance(parent, cst.Comparison) and parent.left is node:
        return (
            len(parent.comparisons) == 1
            and isinstance(parent.comparisons[0].operator, (cst.Is, cst.IsNot))
            and is_none(parent.comparisons[0].comparator)
        )
    return False


def _guarded(
    model: OrmModel,
    node: cst.CSTNode,
    use: cst.Attribute | None = None,
    resets: bool = False,
) -> bool:
    """The attribute is set wherever the use runs: walking out of the use to its method, one
    of these holds at some level:
    * the use is in the branch of an `if`, a conditional expression or an `and`/`or` that
      runs only when a test of the attribute says it is set (`if self.x:`, `self.x and
      self.x.m()`, `... if self.x is not None else ...`, the `else` of `if self.x is None`);
    * an earlier statement of the same block is `if <true when None>: ... return/raise`,
      stores a Collection() or a factory's result into the attribute, or calls a method of
      the class that does so before each of its normal returns (`_sets_by_call`);
    and nothing between that proof and the use may unset it (`_nothing_unsets`): no store of
    None into it there (`__init__` stores its placeholder), and, with `resets` (another
    method stores None too), no call that could run that method.
    `use` is the attribute to ask about when `node` is not itself a use of it (a call)."""
    func = model._enclosing(node, cst.FunctionDef)
    if not isinstance(func, cst.FunctionDef):
        return False
    if use is None:
        if not isinstance(node, cst.Attribute):
            return False
        use = node
    child: cst.CSTNode = node
    current = model.parents.get(node)
    while current is not None and current is not func:
        proof: cst.CSTNode | None = None
        if isinstance(current, (cst.If, cst.IfExp)):
            if child is current.body and _true_if_set(current.test, use):
                proof = current.test
            if child is current.orelse and _true_if_none(current.test, use):
                proof = current.test
        if isinstance(current, cst.Else) and child is current.body:
            branch = model.parents.get(current)
            if isinstance(branch, cst.If) and _true_if_none(branch.test, use):
                proof = branch.test
        if isinstance(current, cst.BooleanOperation) and child is current.right:
            if isinstance(current.operator, cst.And) and _true_if_set(current.left, use):
                proof = current.left
            if isinstance(current.operator, cst.Or) and _true_if_none(current.left, use):
                proof = current.left
        if isinstance(current, (cst.IndentedBlock, cst.Module)):
            for earlier in current.body:
                if earlier is child:
                    break
                if _sets_or_leaves(model, earlier, use):
                    proof = earlier  # the last one before the use
        if proof is not None:
            # An outer proof leaves more in between, so it cannot do better.
            return _nothing_unsets(model, func, proof, node, use, resets)
        child, current = current, model.parents.get(current)
    return False


# What may run other code (a method that stores None) between a proof and a use.
_RUNS_OTHER_CODE = (cst.Call, cst.Await, cst.Yield)


def _nothing_unsets(
    model: OrmModel,
    func: cst.FunctionDef,
    proof: cst.CSTNode,
    node: cst.CSTNode,
    use: cst.Attribute,
    resets: bool,
) -> bool:
    """Nothing in `func` between the end of `proof` and the start of `node` stores None into
    the attribute or, with `resets`, runs other code (a call, await or yield other than the
    ones `node` sits in). A loop around `node` that `proof` is outside of repeats the code
    after the use before it, so all of that loop counts as in between."""
    after = model.positions[proof].end
    before = model.positions[node].start
    ancestors: set[cst.CSTNode] = set()
    current = model.parents.get(node)
    while current is not None and current is not func:
        ancestors.add(current)
        current = model.parents.get(current)
    proof_ancestors: set[cst.CSTNode] = set()
    current = model.parents.get(proof)
    while current is not None and current is not func:
        proof_ancestors.add(current)
        current = model.parents.get(current)
    loops = [
        a for a in ancestors if isinstance(a, (cst.For, cst.While)) and a not in proof_ancestors
    ]

    def between(candidate: cst.CSTNode) -> bool:
        if candidate in ancestors:
            return False
        start = model.positions[candidate].start
        if (
            (after.line, after.column)
            <= (start.line, start.column)
            < (
                before.line,
                before.column,
            )
        ):
            return True
        return any(model.is_inside(candidate, loop) for loop in loops)

    for attr in _walk(func, cst.Attribute):
        value = model._attr_assigned_value(attr)
        if _same_attr(attr, use) and isinstance(value, cst.Name) and is_none(value):
            if between(attr):
                return False
    if resets:
        for kind in _RUNS_OTHER_CODE:
            for other in _walk(func, kind):
                if between(other) and not _runs_no_user_code(model, other, use):
                    return False
    return True


# Builtins that call no method of the class (unless shadowed by the module).
_PLAIN_BUILTINS = {
    "len", "print", "str", "int", "float", "bool", "list", "dict", "tuple", "set", "range",
    "enumerate", "zip", "sorted", "min", "max", "sum", "abs", "isinstance", "round", "any",
    "all", "repr", "type",
}  # fmt: skip


def _runs_no_user_code(model: OrmModel, node: cst.CSTNode, use: cst.Attribute) -> bool:
    """`node` (a call) cannot run a method of this module's classes: a plain builtin, a
    pymilvus name's call (the ORM's, an exception class), a MilvusClient call, a method of
    a collection (this attribute's or another tracked one's), or a call inside a `raise`
    (the path leaves). The code the rewrite itself inserts between a test and a use (an
    empty-insert or existence guard) is all of these, so a second run reads what the first
    proved."""
    if not isinstance(node, cst.Call):
        return False
    if _in_raise(model, node):
        return True
    func = node.func
    if isinstance(func, cst.Attribute):
        if _same_attr(func.value, use) or func.value in model._binding_of_node:
            return True
        if model.is_client_call(node):
            return True
    root = func
    while isinstance(root, cst.Attribute):
        root = root.value
    if not isinstance(root, cst.Name):
        return False
    bound = _imported_from(model, root)
    if bound is None:
        return root is func and root.value in _PLAIN_BUILTINS
    return bound.startswith("pymilvus")


def _in_raise(model: OrmModel, node: cst.CSTNode) -> bool:
    current = model.parents.get(node)
    while current is not None and not isinstance(current, (cst.BaseStatement, cst.Raise)):
        current = model.parents.get(current)
    return isinstance(current, cst.Raise)


def _imported_from(model: OrmModel, name: cst.Name) -> str | None:
    """The module `name` is imported from ("" when bound otherwise; None when unbound: a
    builtin)."""
    scope = model.scopes.get(name)
    if scope is None:
        return ""
    assignments = list(scope[name.value])
    if not assignments or all(isinstance(a, BuiltinAssignment) for a in assignments):
        return None
    for assignment in assignments:
        stmt = getattr(assignment, "node", None)
        if isinstance(stmt, cst.ImportFrom) and stmt.module is not None and not stmt.relative:
            return code_of(stmt.module)
        if isinstance(stmt, cst.Import):
            return name.value
    return ""


def _sets_or_leaves(model: OrmModel, statement: cst.CSTNode, use: cst.Attribute) -> bool:
    """`if <true when None>: ... return/raise`, or a statement after which the attribute is
    set (`_sets`)."""
    if isinstance(statement, cst.If) and _leaves(statement.body):
        if _true_if_none(statement.test, use):
            return True
    return _sets(model, statement, use)


def _sets(model: OrmModel, statement: cst.CSTNode, use: cst.Attribute) -> bool:
    """The statement after `statement` runs only with the attribute set: `self.x =
    Collection(...)` / `self.x = <factory call>`, a call statement `self.m(...)` of a method
    that stores into the attribute before every normal return (`_sets_by_call`), an `if` or
    `try` each of whose paths that falls through passes one of those (`if ok: self.x =
    Collection(a)` / `else: self.x = Collection(a, schema)`), or `if <true when None>:` whose
    body does (`if self.x is None: self.x = Collection(a)`)."""
    if isinstance(statement, cst.SimpleStatementLine):
        if len(statement.body) != 1:
            return False
        small = statement.body[0]
        return _stores(model, small, use) or _sets_by_call(model, small, use)
    if not isinstance(statement, (cst.If, cst.Try)):
        return False

    def step(small: cst.BaseSmallStatement) -> bool:
        return _stores(model, small, use) or _sets_by_call(model, small, use)

    if isinstance(statement, cst.If) and statement.orelse is None:
        if _true_if_none(statement.test, use):
            return falls_through_passed(model, statement.body, step)
    return falls_through_passed(model, statement, step)


def _stores(model: OrmModel, small: cst.BaseSmallStatement, use: cst.Attribute) -> bool:
    """`self.x = Collection(...)` / `self.x = <factory call>` (plain or annotated)."""
    if isinstance(small, cst.Assign) and len(small.targets) == 1:
        target = small.targets[0].target
    elif isinstance(small, cst.AnnAssign) and small.value is not None:
        target = small.target
    else:
        return False
    value = small.value
    return (
        _same_attr(target, use)
        and isinstance(value, cst.Call)
        and (model.call_name(value) == "Collection" or model._factory(value) is not None)
    )


def _sets_by_call(
    model: OrmModel,
    small: cst.BaseSmallStatement,
    use: cst.Attribute,
    seen: frozenset[cst.FunctionDef] = frozenset(),
) -> bool:
    """`self.m(...)` as a statement, `self` the receiver of `use`, where `m` is a method of
    the same class that nothing in the module overrides or rebinds (OrmModel._called_method)
    and whose every normally-completing path stores a collection into the attribute, directly
    or through such a call in turn (`seen` stops a recursion). Its other paths raise or exit,
    so the statement after the call runs only with the attribute set."""
    if not (isinstance(small, cst.Expr) and isinstance(small.value, cst.Call)):
        return False
    func = small.value.func
    if not (
        isinstance(func, cst.Attribute)
        and isinstance(func.value, cst.Name)
        and isinstance(use.value, cst.Name)
        and func.value.value == use.value.value
    ):
        return False
    method = model._called_method(small.value)
    if method is None or method in seen or method.name.value == "__init__":
        return False
    self_name = _first_param(method)
    if self_name is None:
        return False
    # The attribute as the called method names it (its `self` may be spelled differently).
    inner = cst.Attribute(value=cst.Name(self_name), attr=use.attr)
    return every_normal_completion_passes(
        model,
        method,
        lambda s: _stores(model, s, inner) or _sets_by_call(model, s, inner, seen | {method}),
    )


def _leaves(block: cst.BaseSuite) -> bool:
    last = block.body[-1] if block.body else None
    if isinstance(last, cst.SimpleStatementLine):
        last = last.body[-1]
    return isinstance(last, (cst.Return, cst.Raise))


def _true_if_none(test: cst.BaseExpression, use: cst.Attribute) -> bool:
    """True whenever the attribute is None: `self.x is None`, `not <set test>`, or an `or`
    with such an operand."""
    if isinstance(test, cst.BooleanOperation) and isinstance(test.operator, cst.Or):
        return _true_if_none(test.left, use) or _true_if_none(test.right, use)
    if isinstance(test, cst.UnaryOperation) and isinstance(test.operator, cst.Not):
        return _true_if_set(test.expression, use)
    return _compares_none(test, use, cst.Is)


def _true_if_set(test: cst.BaseExpression, use: cst.Attribute) -> bool:
    """True only when the attribute is set: `self.x`, `self.x is not None`, `not <None
    test>`, or an `and` with such an operand."""
    if isinstance(test, cst.BooleanOperation) and isinstance(test.operator, cst.And):
        return _true_if_set(test.left, use) or _true_if_set(test.right, use)
    if isinstance(test, cst.UnaryOperation) and isinstance(test.operator, cst.Not):
        return _true_if_none(test.expression, use)
    return _same_attr(test, use) or _compares_none(test, use, cst.IsNot)


def _compares_none(test: cst.BaseExpression, use: cst.Attribute, operator: type) -> bool:
    if not (isinstance(test, cst.Comparison) and len(test.comparisons) == 1):
        return False
    target = test.comparisons[0]
    return (
        isinstance(target.operator, operator)
        and is_none(target.comparator)
        and _same_attr(test.left, use)
    )


def _same_attr(expr: cst.BaseExpression, use: cst.Attribute) -> bool:
    return (
        isinstance(expr, cst.Attribute)
        and isinstance(expr.value, cst.Name)
        and isinstance(use.value, cst.Name)
        and expr.value.value == use.value.value
        and expr.attr.value == use.attr.value
    )


# ---- `@property def coll(self): return self.x` ------------------------------------------


def _accessors(model: OrmModel, cls: cst.ClassDef, key: str) -> list[cst.FunctionDef]:
    """Properties of `cls` whose every return is `return self.<key>`: plain (one `@property`
    decorator, no setter), not async, no generator, ending in a return, unannotated or
    annotated `-> Collection`."""
    found = []
    for method in _class_methods(cls):
        self_name = _first_param(method)
        if (
            len(method.decorators) != 1
            or not isinstance(method.decorators[0].decorator, cst.Name)
            or _decorator_name(method.decorators[0]) != "property"
            or method.asynchronous is not None
            or self_name is None
            or len(method.params.params) != 1
            or not isinstance(method.body, cst.IndentedBlock)
            or (
                method.returns is not None
                and model.canonical(method.returns.annotation) != "Collection"
            )
        ):
            continue
        last = method.body.body[-1] if method.body.body else None
        if not (
            isinstance(last, cst.SimpleStatementLine) and isinstance(last.body[-1], cst.Return)
        ):
            continue
        if any(model._enclosing(y, cst.FunctionDef) is method for y in _walk(method, cst.Yield)):
            continue
        returns = [
            r for r in _walk(method, cst.Return) if model._enclosing(r, cst.FunctionDef) is method
        ]
        if all(
            isinstance(r.value, cst.Attribute)
            and isinstance(r.value.value, cst.Name)
            and r.value.value.value == self_name
            and r.value.attr.value == key
            for r in returns
        ):
            found.append(method)
    return found


def _accessor_binding(
    model: OrmModel, cls: cst.ClassDef, prop: cst.FunctionDef, held: CollectionBinding
) -> None:
    """`self.<prop>` read in the class's methods is a use of the collection `held`: its own
    binding, sharing `held`'s blocked list. Any other read of an attribute of that name in the
    module (from outside the class: the caller would get a name) keeps both ORM."""
    name = prop.name.value
    binding = CollectionBinding(f"self.{name}", "attr", [], held.alias)
    model.bindings.append(binding)
    model._share_blocked(binding, held)
    if model._sealed_method(name) is not prop:
        binding.blocked.append((prop, f"property `{name}` may be redefined in this module"))
    for ref in _walk(model.module, cst.Attribute):
        if ref.attr.value != name:
            continue
        method = model._enclosing(ref, cst.FunctionDef)
        inside = (
            isinstance(method, cst.FunctionDef)
            and model._enclosing(method, cst.ClassDef) is cls
            and isinstance(ref.value, cst.Name)
            and ref.value.value == _first_param(method)
            and not any(
                _decorator_name(d) in ("staticmethod", "classmethod") for d in method.decorators
            )
        )
        if not inside:
            binding.blocked.append(
                (ref, f"property `{name}` is read outside its class (line {model.input_line(ref)})")
            )
            continue
        model._binding_of_node[ref] = binding
        binding.uses.append(Use(ref, True))
    if not binding.uses:
        # Read nowhere here: it is there for the class's users elsewhere (OrmModel.unseen_callers).
        binding.blocked.append(
            (
                prop,
                f"property `{name}` is read nowhere in this module: code elsewhere may use "
                "the Collection object",
            )
        )
    # The property returns the name now (`-> Collection` becomes `-> str`, see lifecycle),
    # and its `return self.x` is no escape (OrmModel._use_problem).
    model._factories_ok.add(prop)
    model._factory_returns.setdefault(prop, []).append(held)


def annotation_for_name(model: OrmModel, annotation: cst.BaseExpression) -> cst.BaseExpression:
    """`annotation` with each reference to the ORM Collection class replaced by `str`."""

    class _Swap(cst.CSTTransformer):
        def leave_Name(self, original: cst.Name, updated: cst.BaseExpression):
            return cst.Name("str") if model.canonical(original) == "Collection" else updated

        def leave_Attribute(self, original: cst.Attribute, updated: cst.BaseExpression):
            return cst.Name("str") if model.canonical(original) == "Collection" else updated

    return annotation.visit(_Swap())  # type: ignore[return-value]
