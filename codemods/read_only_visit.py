"""Read-only libcst visits that do not rebuild the tree; the visitors see the same callbacks.

Why: `CSTNode.visit` rebuilds every node it passes (`_visit_and_replace_children` constructs
and validates a new node from the visited children), even for a read-only `CSTVisitor`, whose
result it throws away. The analysis walks each tree about six times that way (parent, expression
context, scope and qualified-name metadata, the model's own walk, `.children`), and the
codemods analyse about seven trees per file (bench/README.md has the measured gain).

Inside `read_only_visits()` a `CSTVisitor` (never a transformer) walks a node with the same
calls libcst makes, in the same order: `on_visit(node)`; when that is true, for each field
`on_visit_attribute(node, field)`, the visit of each child, `on_leave_attribute(node, field)`;
then `on_leave(node)`; and the visit returns the node itself, as libcst's does for a visitor.
The fields and children of a node are what its own `_visit_and_replace_children` visits,
recorded once per node (one rebuild instead of one per walk) and remembered while the block
lasts: nodes are immutable, so that never goes stale. `node.children` comes from the same
record. Transformers take libcst's own path untouched. libcst's metadata providers call
`node.visit` themselves, so the block installs this as `CSTNode.visit`, `Module.visit` and
`CSTNode.children`, and puts libcst's own back when it ends.

The attribute callbacks are skipped for a visitor that has no attribute hook of its own
(libcst's `on_visit_attribute` only calls a `visit_<Node>_<field>` / `leave_<Node>_<field>`
method, and CSTVisitor's own ones do nothing): no name of that shape on its class other than
CSTVisitor's, none on the instance, and neither of those two methods overridden.
tests/codemods/test_metadata_resolve.py compares the callbacks and the metadata with libcst's.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator, Mapping
from contextlib import contextmanager

import libcst as cst
from libcst import (
    CSTNode,
    CSTTransformer,
    CSTValidationError,
    CSTVisitor,
    FlattenSentinel,
    RemovalSentinel,
)

# node -> ((field, children), ...) while `read_only_visits` is active
_Script = tuple[tuple[str, tuple[CSTNode, ...]], ...]
_SCRIPTS: dict[CSTNode, _Script] | None = None
_FLAT: dict[CSTNode, tuple[CSTNode, ...]] | None = None  # see children_of
_PREORDER: dict[CSTNode, list[CSTNode]] | None = None  # see remember_preorder
_DEPTH = 0

_NODE_VISIT = CSTNode.visit
_MODULE_VISIT = cst.Module.visit
_CHILDREN = CSTNode.children
_ATTRIBUTE_HOOK = re.compile(r"^(visit|leave)_[A-Za-z0-9]+_\w+$")

# visitor class -> 0: not a read-only visitor (libcst's path), 1: without attribute
# callbacks, 2: with them
_KIND: dict[type, int] = {}
# node type -> its dataclass field names
_FIELDS: dict[type, tuple[str, ...]] = {}


def _kind_of(visitor_type: type) -> int:
    if not issubclass(visitor_type, CSTVisitor):
        return 0
    return 2 if _has_attribute_hooks(visitor_type, CSTVisitor) else 1


def _has_attribute_hooks(visitor_type: type, base: type) -> bool:
    """Whether `visitor_type` has an attribute hook of its own, beyond `base`'s (whose
    `on_visit_attribute` only calls a `visit_<Node>_<field>` method, and whose own ones of
    that shape do nothing)."""
    return (
        visitor_type.on_visit_attribute is not base.on_visit_attribute  # type: ignore[attr-defined]
        or visitor_type.on_leave_attribute is not base.on_leave_attribute  # type: ignore[attr-defined]
        or any(
            _ATTRIBUTE_HOOK.match(name)
            and getattr(visitor_type, name) is not getattr(base, name, None)
            for name in dir(visitor_type)
        )
    )


class _Recorder(CSTVisitor):
    """Collects the fields and children one `_visit_and_replace_children` call visits."""

    def __init__(self) -> None:
        super().__init__()
        self.script: list[tuple[str, tuple[CSTNode, ...]]] = []
        self.current: list[CSTNode] = []

    def on_visit_attribute(self, node: CSTNode, attribute: str) -> None:
        self.current = []

    def on_leave_attribute(self, original_node: CSTNode, attribute: str) -> None:
        self.script.append((attribute, tuple(self.current)))

    def on_visit(self, node: CSTNode) -> bool:
        self.current.append(node)
        return False  # the children's own fields are recorded when they are walked

    def on_leave(self, original_node: CSTNode) -> None:
        pass


_KIND[_Recorder] = 1


def _script(node: CSTNode) -> _Script:
    scripts = _SCRIPTS
    script = scripts.get(node) if scripts is not None else None
    if script is None:
        recorder = _Recorder()
        node._visit_and_replace_children(recorder)
        script = tuple(recorder.script)
        if scripts is not None:
            scripts[node] = script
    return script


def children_of(node: CSTNode) -> tuple[CSTNode, ...]:
    """`node.children` as a tuple, remembered while `read_only_visits` is active."""
    flat = _FLAT.get(node) if _FLAT is not None else None
    if flat is None:
        flat = tuple(child for _field, children in _script(node) for child in children)
        if _FLAT is not None:
            _FLAT[node] = flat
    return flat


def remember_preorder(root: CSTNode, nodes: list[CSTNode]) -> None:
    """Keep `nodes`, every node of `root`'s tree in pre-order (a walk over `children_of`, as
    the metadata's parent walk makes it), for `preorder_of`, while `read_only_visits` is
    active: nodes are immutable, so it never goes stale."""
    if _PREORDER is not None:
        _PREORDER[root] = nodes


def preorder_of(root: CSTNode) -> list[CSTNode] | None:
    """What `remember_preorder` kept for `root` (the caller must not change it), else None."""
    return _PREORDER.get(root) if _PREORDER is not None else None


def _walk(node: CSTNode, visitor: CSTVisitor, attributes: bool) -> None:
    hooks = _plain_hooks(visitor, attributes)
    if hooks is not None:
        plain_leave = type(visitor).on_leave is _ON_LEAVE
        _PLAIN[type(visitor)] = (hooks, plain_leave)
        _walk_plain(node, visitor, hooks, plain_leave)
        return
    if visitor.on_visit(node):
        for field, children in _script(node):
            if attributes:
                visitor.on_visit_attribute(node, field)
            for child in children:
                # what `child.visit(visitor)` does here: only Module overrides `visit`
                _walk(child, visitor, attributes)
            if attributes:
                visitor.on_leave_attribute(node, field)
    visitor.on_leave(node)


_ON_VISIT = CSTVisitor.on_visit
_ON_LEAVE = CSTVisitor.on_leave
_ON_VISIT_ATTRIBUTE = CSTVisitor.on_visit_attribute
_ON_LEAVE_ATTRIBUTE = CSTVisitor.on_leave_attribute
# A node type's hooks: the names of `visit_<Node>` and `leave_<Node>` (None: the class has
# none), and per field the names of `visit_<Node>_<field>` / `leave_<Node>_<field>` that the
# class defines beyond CSTVisitor's do-nothing ones (None: no such hook for this node type)
_Hooks = tuple[str | None, str | None, dict[str, tuple[str | None, str | None]] | None]
# visitor class -> node type -> its hooks, for visitors whose `on_visit` and attribute
# callbacks (and maybe `on_leave`) are CSTVisitor's
_HOOK_NAMES: dict[type, dict[type, _Hooks]] = {}
# visitor class -> the attribute hook names it defines beyond CSTVisitor's
_OWN_ATTRIBUTE_HOOKS: dict[type, frozenset[str]] = {}
# Instance attribute names seen not to be node hooks (like _NOT_HOOKS)
_NOT_NODE_HOOKS: set[str] = set()
# visitor class -> (its _HOOK_NAMES table, whether its `on_leave` is CSTVisitor's), once
# `_plain_hooks` accepted it: `_node_visit` goes straight to `_walk_plain` for an instance
# without a node hook of its own (the class checks, like `_KIND`, are made once per class)
_PLAIN: dict[type, tuple[dict[type, _Hooks], bool]] = {}


def _plain_hooks(visitor: CSTVisitor, attributes: bool) -> dict[type, _Hooks] | None:
    """The hook names of `visitor`'s class when CSTVisitor's own `on_visit` (and, with
    `attributes`, its `on_visit_attribute` / `on_leave_attribute`) would find them (getattr of
    `visit_<Node>`, `visit_<Node>_<field>`): no `on_visit`, attribute callback or attribute
    lookup of its own, and no node hook set on the instance. Looked up once per class and node
    type instead of once per node (and per field)."""
    klass = type(visitor)
    if (
        klass.on_visit is not _ON_VISIT
        or klass.__getattribute__ is not object.__getattribute__
        or hasattr(klass, "__getattr__")
    ):
        return None
    if attributes and (
        klass.on_visit_attribute is not _ON_VISIT_ATTRIBUTE
        or klass.on_leave_attribute is not _ON_LEAVE_ATTRIBUTE
    ):
        return None
    if _instance_sets_hooks(visitor):
        return None
    hooks = _HOOK_NAMES.get(klass)
    if hooks is None:
        hooks = _HOOK_NAMES[klass] = {}
        _OWN_ATTRIBUTE_HOOKS[klass] = frozenset(
            name
            for name in dir(klass)
            if _ATTRIBUTE_HOOK.match(name)
            and getattr(klass, name) is not getattr(CSTVisitor, name, None)
        )
    return hooks


def _hooks_for(klass: type, node_type: type) -> _Hooks:
    visit_name = f"visit_{node_type.__name__}"
    leave_name = f"leave_{node_type.__name__}"
    fields = None
    own = [
        name
        for name in _OWN_ATTRIBUTE_HOOKS[klass]
        if name.startswith((f"{visit_name}_", f"{leave_name}_"))
    ]
    if own:
        fields = {}
        for field in _fields_of(node_type):
            before = f"{visit_name}_{field}"
            after = f"{leave_name}_{field}"
            fields[field] = (before if before in own else None, after if after in own else None)
    return (
        visit_name if getattr(klass, visit_name, None) is not None else None,
        leave_name if getattr(klass, leave_name, None) is not None else None,
        fields,
    )


_NO_FIELD_HOOKS: tuple[None, None] = (None, None)


def _walk_plain(
    node: CSTNode,
    visitor: CSTVisitor,
    hooks: dict[type, _Hooks],
    plain_leave: bool,
) -> None:
    """`_walk` for a visitor `_plain_hooks` accepts: CSTVisitor's `on_visit`/`on_leave` and
    attribute callbacks call `visit_<Node>`/`leave_<Node>`/`visit_<Node>_<field>`/... when the
    visitor has one, and a visit hook returning False skips the children, as here."""
    names = hooks.get(type(node))
    if names is None:
        names = hooks[type(node)] = _hooks_for(type(visitor), type(node))
    visit_name, leave_name, fields = names
    if visit_name is None or getattr(visitor, visit_name)(node) is not False:
        if fields is None:
            for _field, children in _script(node):
                for child in children:
                    _walk_plain(child, visitor, hooks, plain_leave)
        else:
            for field, children in _script(node):
                before, after = fields.get(field, _NO_FIELD_HOOKS)
                if before is not None:
                    getattr(visitor, before)(node)
                for child in children:
                    _walk_plain(child, visitor, hooks, plain_leave)
                if after is not None:
                    getattr(visitor, after)(node)
    if not plain_leave:
        visitor.on_leave(node)
    elif leave_name is not None:
        getattr(visitor, leave_name)(node)


# Instance attribute names seen not to be attribute hooks: the check below runs for every node
# a walk passes, and a visitor's attributes are the same few names over and over.
_NOT_HOOKS: set[str] = set()


def _instance_hooks(visitor: object) -> bool:
    """Whether an attribute hook (`visit_<Node>_<field>` / `leave_...`) is set on the instance."""
    names = getattr(visitor, "__dict__", ())
    if _NOT_HOOKS.issuperset(names):
        return False
    for name in names:
        if _ATTRIBUTE_HOOK.match(name):
            return True
        _NOT_HOOKS.add(name)
    return False


def _kind(visitor: object) -> int:
    kind = _KIND.get(type(visitor))
    if kind is None:
        kind = _KIND[type(visitor)] = _kind_of(type(visitor))
    if kind == 1 and _instance_hooks(visitor):
        return 2  # a hook set on the instance
    return kind


def _fields_of(node_type: type) -> tuple[str, ...]:
    names = _FIELDS.get(node_type)
    if names is None:
        names = _FIELDS[node_type] = tuple(f.name for f in dataclasses.fields(node_type))
    return names


def _same_children(node: CSTNode, rebuilt: CSTNode) -> bool:
    """Whether `rebuilt` (what `_visit_and_replace_children` made of `node`) holds the very
    same objects in every field, a sequence field element by element."""
    for name in _fields_of(type(node)):
        old = getattr(node, name)
        new = getattr(rebuilt, name)
        if old is new:
            continue
        if (
            isinstance(old, (tuple, list))
            and isinstance(new, (tuple, list))
            and len(old) == len(new)
            and all(a is b for a, b in zip(old, new, strict=True))
        ):
            continue
        return False
    return True


# transformer class -> whether it has attribute hooks of its own (see _has_attribute_hooks)
_TRANSFORMER_HOOKS: dict[type, bool] = {}


def _transformer_hooks(visitor: CSTTransformer) -> bool:
    hooks = _TRANSFORMER_HOOKS.get(type(visitor))
    if hooks is None:
        hooks = _TRANSFORMER_HOOKS[type(visitor)] = _has_attribute_hooks(
            type(visitor), CSTTransformer
        )
    return hooks or _instance_hooks(visitor)


_T_ON_VISIT = CSTTransformer.on_visit
_T_ON_LEAVE = CSTTransformer.on_leave
# transformer class -> node type -> the names of its `visit_<Node>` and `leave_<Node>` hooks,
# None where the class has only CSTTransformer's do-nothing one (see _transformer_names)
_TRANSFORMER_NAMES: dict[type, dict[type, tuple[str | None, str | None]]] = {}


def _instance_sets_hooks(visitor: object) -> bool:
    """Whether `visitor` has a `visit_`/`leave_` hook set on the instance itself, which a
    per-class table of hook names would miss (names seen to be none are remembered)."""
    names = getattr(visitor, "__dict__", ())
    if not _NOT_NODE_HOOKS.issuperset(names):
        for name in names:
            if name.startswith(("visit_", "leave_")):
                return True
            _NOT_NODE_HOOKS.add(name)
    return False


def _transformer_names(
    visitor: CSTTransformer,
) -> dict[type, tuple[str | None, str | None]] | None:
    """The hook names of `visitor`'s class when CSTTransformer's own `on_visit`/`on_leave`
    would find them (getattr of `visit_<Node>`/`leave_<Node>`): neither overridden, no
    attribute lookup of its own, and no node hook set on the instance (as `_plain_hooks`)."""
    klass = type(visitor)
    if (
        klass.on_visit is not _T_ON_VISIT
        or klass.on_leave is not _T_ON_LEAVE
        or klass.__getattribute__ is not object.__getattribute__
        or getattr(klass, "__getattr__", None) is not None
    ):
        return None
    if _instance_sets_hooks(visitor):
        return None
    table = _TRANSFORMER_NAMES.get(klass)
    if table is None:
        table = _TRANSFORMER_NAMES[klass] = {}
    return table


def _own_hook(klass: type, name: str) -> str | None:
    """`name` when `klass` defines it beyond CSTTransformer's do-nothing one (CSTTransformer's
    `visit_<Node>` returns None, so the children are visited; its `leave_<Node>` returns the
    updated node: calling either changes nothing)."""
    hook = getattr(klass, name, None)
    return name if hook is not None and hook is not getattr(CSTTransformer, name, None) else None


class _Replay:
    """Stands in for the transformer while `_visit_and_replace_children` builds a node from its
    children's results, which `_transform` already has: the first `len(results)` child visits
    return those, and the first `visits` / `leaves` attribute callbacks were already made.
    Anything after that (when `_transform` stopped early) goes to the transformer itself, so
    it sees libcst's calls in libcst's order."""

    __slots__ = ("visitor", "results", "visits", "leaves")

    def __init__(
        self, visitor: CSTTransformer, results: list[object], visits: int, leaves: int
    ) -> None:
        self.visitor = visitor
        self.results = results[::-1]  # popped from the end
        self.visits = visits
        self.leaves = leaves

    def on_visit_attribute(self, node: CSTNode, attribute: str) -> None:
        if self.visits:
            self.visits -= 1
        else:
            self.visitor.on_visit_attribute(node, attribute)

    def on_leave_attribute(self, original_node: CSTNode, attribute: str) -> None:
        if self.leaves:
            self.leaves -= 1
        else:
            self.visitor.on_leave_attribute(original_node, attribute)

    def child(self, node: CSTNode) -> object:
        if self.results:
            return self.results.pop()
        return node.visit(self.visitor)


def _transform(node: CSTNode, visitor: CSTTransformer):  # type: ignore[no-untyped-def]
    """libcst's `CSTNode.visit` for a transformer, except that a node whose children all came
    back unchanged is handed on as itself (`updated_node is original_node` in its `leave_`)
    instead of as an equal copy. So a rewrite keeps the untouched parts of the tree as the same
    objects, and what the next analysis records per node (`_script`, the children memo) is
    already there for them.

    The children are visited here, field by field in `_visit_and_replace_children`'s order with
    the same attribute callbacks (skipped when the transformer has no attribute hook: they would
    do nothing), and the node is rebuilt by libcst only when a child came back as something
    else (`_Replay` hands it the results). A removal or flattening ends the loop at once: in a
    field that does not allow it libcst raises right there, before any later callback.

    CSTTransformer's `on_visit`/`on_leave` look the node's hook up by name on every call; for a
    transformer `_transformer_names` accepts, the names are looked up once per node type."""
    table = _transformer_names(visitor)
    if table is None:
        visit_children = visitor.on_visit(node)
        leave_name = None
    else:
        names = table.get(type(node))
        if names is None:
            kind = type(node).__name__
            names = table[type(node)] = (
                _own_hook(type(visitor), f"visit_{kind}"),
                _own_hook(type(visitor), f"leave_{kind}"),
            )
        visit_name, leave_name = names
        visit_children = visit_name is None or getattr(visitor, visit_name)(node) is not False
    if visit_children:
        hooks = _transformer_hooks(visitor)
        results: list[object] = []
        changed = False
        visits = leaves = 0
        for field, children in _script(node):
            if hooks:
                visitor.on_visit_attribute(node, field)
            visits += 1
            for child in children:
                # `child.visit(visitor)` is `_node_visit`, which for a transformer comes back
                # here (its kind is 0 whatever its instance holds): called directly
                if type(child).visit is _node_visit:
                    result = _transform(child, visitor)
                else:
                    result = child.visit(visitor)
                results.append(result)
                if result is not child:
                    changed = True
                    if isinstance(result, (RemovalSentinel, FlattenSentinel)):
                        break
            else:
                if hooks:
                    visitor.on_leave_attribute(node, field)
                leaves += 1
                continue
            break
        if changed:
            if not hooks:
                visits = leaves = 1 << 62  # no callbacks to pass on
            updated = node._visit_and_replace_children(_Replay(visitor, results, visits, leaves))  # type: ignore[arg-type]
            if _same_children(node, updated):  # e.g. a statement flattened into itself alone
                updated = node
        else:
            updated = node
    else:
        updated = node
    if table is None:
        result = visitor.on_leave(node, updated)
    elif leave_name is None:
        result = updated
    else:
        result = getattr(visitor, leave_name)(node, updated)
    # `updated` is a node: the check only matters for something else
    if result is not updated and not isinstance(
        result, (CSTNode, RemovalSentinel, FlattenSentinel)
    ):
        raise CSTValidationError(
            "Expected a node of type CSTNode or a RemovalSentinel, "
            + f"but got a return value of {type(result).__name__}"
        )
    return result


def _node_visit(self, visitor):  # type: ignore[no-untyped-def]
    # the visitors that call `child.visit(self)` from their hooks (libcst's scope and
    # expression-context ones) come here once per such call: the shortest way to `_walk`'s
    plain = _PLAIN.get(type(visitor))
    if plain is not None and _NOT_NODE_HOOKS.issuperset(getattr(visitor, "__dict__", ())):
        _walk_plain(self, visitor, plain[0], plain[1])
        return self
    if type(visitor) is _Replay:
        return visitor.child(self)
    kind = _kind(visitor)
    if kind == 0:
        if isinstance(visitor, CSTTransformer):
            return _transform(self, visitor)
        return _NODE_VISIT(self, visitor)
    _walk(self, visitor, kind == 2)
    return self


def _module_visit(self, visitor):  # type: ignore[no-untyped-def]
    plain = _PLAIN.get(type(visitor))
    if plain is not None and _NOT_NODE_HOOKS.issuperset(getattr(visitor, "__dict__", ())):
        _walk_plain(self, visitor, plain[0], plain[1])
        return self
    kind = _kind(visitor)
    if kind == 0:
        return _MODULE_VISIT(self, visitor)
    _walk(self, visitor, kind == 2)
    return self


def _children(self: CSTNode) -> list[CSTNode]:
    # libcst's property collects what one `_visit_and_replace_children` visits, in order
    return [child for _field, children in _script(self) for child in children]


@contextmanager
def read_only_visits() -> Iterator[None]:
    """Read-only visits and `.children` without rebuilding, for the length of the block (the
    engine holds one around a file's migration). Re-entrant; the record is kept until the
    outermost block ends."""
    global _SCRIPTS, _FLAT, _PREORDER, _DEPTH
    if _DEPTH == 0:
        _SCRIPTS = {}
        _FLAT = {}
        _PREORDER = {}
        CSTNode.visit = _node_visit  # type: ignore[method-assign]
        cst.Module.visit = _module_visit  # type: ignore[method-assign]
        CSTNode.children = property(_children)  # type: ignore[method-assign,assignment]
    _DEPTH += 1
    try:
        yield
    finally:
        _DEPTH -= 1
        if _DEPTH == 0:
            CSTNode.visit = _NODE_VISIT  # type: ignore[method-assign]
            cst.Module.visit = _MODULE_VISIT  # type: ignore[method-assign]
            CSTNode.children = _CHILDREN  # type: ignore[method-assign]
            _SCRIPTS = None
            _FLAT = None
            _PREORDER = None


def unshared(module: cst.Module, old_parents: Mapping[CSTNode, object] | None = None) -> cst.Module:
    """`module` when no node object occurs twice in its tree (a fresh parse never repeats one),
    else an equal tree where every later occurrence of a repeated node is a copy of it (a
    transformer may put one whitespace or `Dot` node in two places; about half the trees the
    codemods produce do). Metadata are keyed by node, so a repeated node would have one parent
    and one position for two places: `MetadataWrapper` copies the whole tree to avoid that,
    this copies only the repeated nodes and rebuilds their ancestors.

    `old_parents`: the parent metadata of the tree the rewrite that made `module` started from,
    itself without repeats (the previous analysis' tree). With it the walk skips the parts the
    rewrite kept: transformers hand on an untouched node as itself (`_transform`), so the new
    tree is the rewrite's new nodes holding kept subtrees of the old tree, and a node of the old
    tree (a key of `old_parents`) has only old nodes below it. A repeat is then a new node or a
    kept subtree reached twice from the new nodes, or a kept subtree inside another: a later one
    inside an earlier one is copied, an earlier one inside a later one makes the walk enter the
    later one (`_Kept`), so the copies are the ones the full walk makes."""
    try:
        if old_parents is not None:
            return _unshared(module, set(), _Kept(old_parents))  # type: ignore[return-value]
        if nodes_are_unique(module):  # a fresh parse: nothing to copy, and a cheaper walk
            return module
        return _unshared(module, set())  # type: ignore[return-value]
    except _Unexpected:
        return module.deep_clone()  # what MetadataWrapper does


class _Kept:
    """The kept subtrees met so far in a walk with the old tree's parents."""

    def __init__(self, old_parents: Mapping[CSTNode, object]) -> None:
        self.parents = old_parents
        self.skipped: set[int] = set()  # kept subtrees not walked into
        self.around: set[int] = set()  # old ancestors of every kept subtree met

    def inside_skipped(self, node: CSTNode) -> bool:
        """Whether `node` lies inside a kept subtree met before and not walked into: its nodes
        count as seen, so the full walk would copy `node` here."""
        parent = self.parents.get(node)
        while parent is not None:
            if id(parent) in self.skipped:
                return True
            parent = self.parents.get(parent)  # type: ignore[call-overload]
        return False

    def met(self, node: CSTNode) -> None:
        parent = self.parents.get(node)
        while parent is not None and id(parent) not in self.around:
            self.around.add(id(parent))
            parent = self.parents.get(parent)  # type: ignore[call-overload]


class _Unexpected(Exception):
    """A node whose visited fields are not plain attributes holding those children."""


def _unshared(node: CSTNode, seen: set[int], kept: _Kept | None = None) -> CSTNode:
    if id(node) in seen:
        return node.deep_clone()  # all new nodes, none seen anywhere
    if kept is not None and node in kept.parents:  # a kept subtree of the old tree
        if kept.inside_skipped(node):
            return node.deep_clone()
        kept.met(node)
        if id(node) in kept.around:  # it holds a kept subtree met before: walk it all
            return _unshared(node, seen)
        seen.add(id(node))
        kept.skipped.add(id(node))
        return node  # no repeat inside it, and none of its nodes met before
    seen.add(id(node))
    changes = {}
    for field, children in _script(node):
        new = [_unshared(child, seen, kept) for child in children]
        if all(a is b for a, b in zip(new, children, strict=True)):
            continue
        value = getattr(node, field, None)
        if isinstance(value, (tuple, list)) and len(value) == len(children):
            if not all(a is b for a, b in zip(value, children, strict=True)):
                raise _Unexpected
            changes[field] = type(value)(new)
        elif len(children) == 1 and value is children[0]:
            changes[field] = new[0]
        else:
            raise _Unexpected
    return node.with_changes(**changes) if changes else node


def nodes_are_unique(module: cst.Module) -> bool:
    """Whether no node object occurs twice in `module`'s tree (what `unshared` ensures)."""
    seen: set[int] = set()
    stack: list[CSTNode] = [module]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            return False
        seen.add(id(node))
        stack.extend(children_of(node))
    return True
