"""`connections.connect(**d)` where `d` is a dict built visibly right before the call.

    args = {"alias": "default"}
    if token:
        args.update({"uri": endpoint, "token": token, "secure": True})
    else:
        args["uri"] = endpoint
    connections.connect(**args)

The keys that can reach the call are known, so the call has an equivalent with explicit
keyword arguments, its *view* (`connect_view`), which MM101 (codemods/connections.py) and the
alias registry (codemods/connection_registry.py) then treat like any written-out connect:

    connections.connect(alias="default", uri=args["uri"], token=args.get("token", ""),
                        **{k: args[k] for k in ("secure",) if k in args})

Each value is read from the dict at the call, so it is the value the ORM received. A key
present on every path is `args["k"]`; a key present on some paths only is `args.get(k, D)`
with the ORM's own default D (user/password/token "", db_name "default", timeout None), or,
for options passed through to the gRPC handler (secure, TLS paths), goes into a `**{...}` of
the keys actually present (an explicit `secure=False` would turn off MilvusClient's https
detection). A key that decides the address or the alias (uri, host, port, address, alias)
must be on every path or none. The alias is the literal when every store of it is the same
literal (a named client), otherwise `args["alias"]` (a key of the alias registry).

"Visible" means (`_problem` says which rule failed):
- the call's only argument is `**name`, and `name = {literal keys: ...}` (or `name: T = {...}`)
  is an earlier statement of the same block;
- every statement between them that mentions `name` is `name.update({...})` /
  `name.update(k=v)` / `name["k"] = v` with literal keys and values not mentioning `name`, or
  an `if` whose test does not mention it and whose branches are made of such statements;
- `name` is mentioned nowhere else in the enclosing function (the module, at top level) before
  the call, nor in a nested function, lambda or class (a closure could change it), nor
  declared global/nonlocal.
Anything else keeps the connect reported (MM103), as `connect(**self.db_config)` is.

`dict_call_view` gives the same view for other calls (`col.search(**request)`, MM140): every
key read from the dict at the call, by the same visibility rules.
"""

from __future__ import annotations

import keyword
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import libcst as cst

from codemods.rewrite import kwarg, string_value

# The address and the alias decide which client a connect binds: on every path or none.
_PATH_INVARIANT = ("alias", "uri", "host", "port", "address")
# The ORM's defaults for keys MilvusClient also takes by name (`d.get(k, default)`).
_NAMED_DEFAULTS = {"user": '""', "password": '""', "token": '""', "db_name": '"default"'}
# Keys MM101 drops, and `_async` which changes what connect() does: never on some paths only.
_NOT_OPTIONAL = ("_async", "_unbind_with_db")


@dataclass(frozen=True)
class _Keys:
    """Keys stored on every path (`always`) and on some paths (`maybe`), with the value
    expressions stored for each key."""

    always: frozenset[str]
    maybe: frozenset[str]
    values: tuple[tuple[str, cst.BaseExpression], ...]

    def then(self, other: _Keys) -> _Keys:
        always = self.always | other.always
        return _Keys(always, (self.maybe | other.maybe) - always, self.values + other.values)


_NONE = _Keys(frozenset(), frozenset(), ())


class _Refused(Exception):
    pass


def dict_connect_view(model, call: cst.Call) -> cst.Call | str:
    """The keyword-argument equivalent of `connections.connect(**d)` (see the module
    docstring), or why `d`'s keys are not visible."""
    try:
        return _view(model, call)
    except _Refused as exc:
        return str(exc)


def dict_call_view(model, call: cst.Call) -> cst.Call | str:
    """The same for any call `f(**d)` that is a statement of its own (`f(**d)`, `x = f(**d)`,
    `return f(**d)`): `f(k1=d["k1"], ...)` with every key that reaches the call, or why not.
    A key stored on some paths only is refused (no defaults are known for an arbitrary call)."""
    try:
        small = model.parent(call)
        if (
            not (
                isinstance(small, (cst.Expr, cst.Return))
                or (isinstance(small, cst.Assign) and len(small.targets) == 1)
                or isinstance(small, cst.AnnAssign)
            )
            or getattr(small, "value", None) is not call
        ):
            raise _Refused("the call is not a statement of its own")
        line = model.parent(small)
        if not isinstance(line, cst.SimpleStatementLine) or len(line.body) != 1:
            raise _Refused("the call shares its line with other statements")
        name, keys = _spread_keys(model, call, small)
        if keys.maybe:
            raise _Refused(f"`{sorted(keys.maybe)[0]}` is set on some paths only")
        order = _order(keys)
        args = [kwarg(key, _read(name, key)) for key in sorted(keys.always, key=order)]
        return call.with_changes(args=args)
    except _Refused as exc:
        return str(exc).replace("before the connect", "before the call")  # shared wording


def _view(model, call: cst.Call) -> cst.Call:
    name, keys = _spread_keys(model, call, model.connect_statement(call))
    return _build(model, call, name, keys)


def _spread_keys(model, call: cst.Call, small: cst.CSTNode | None) -> tuple[str, _Keys]:
    """The spread dict's name and the keys reaching `call`, the statement `small`."""
    spreads = [arg.value for arg in call.args if arg.star]
    if len(spreads) != 1 or not isinstance(spreads[0], cst.Name):
        raise _Refused("the dict is not a local variable")
    if len(call.args) != 1:
        raise _Refused("other arguments next to **kwargs")
    name = spreads[0].value
    line, block = _line_and_block(model, small)
    index = block.index(line)
    start = next((i for i in range(index - 1, -1, -1) if _creation(block[i], name)), None)
    if start is None:
        raise _Refused(f"`{name}` is not built from a dict literal in this block")
    _check_other_mentions(model, _owner(model, line), name, block[start : index + 1])
    keys = _creation(block[start], name)
    assert keys is not None
    for stmt in block[start + 1 : index]:
        keys = keys.then(_statement_keys(stmt, name))
    return name, keys


def _line_and_block(model, small: cst.CSTNode | None) -> tuple[cst.BaseStatement, Sequence]:
    line = model.parent(small) if small is not None else None
    if not isinstance(line, cst.SimpleStatementLine):
        raise _Refused("not a statement line of its own")
    parent = model.parent(line)
    if not isinstance(parent, (cst.IndentedBlock, cst.Module)):
        raise _Refused("not a statement line of its own")
    return line, parent.body


def _mentions(node: cst.CSTNode, name: str) -> bool:
    return any(n.value == name for n in _names(node))


def _names(node: cst.CSTNode) -> Iterator[cst.Name]:
    """Name nodes under `node` that read or bind a variable (not attribute or keyword names)."""
    skip: set[int] = set()
    stack = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, cst.Attribute):
            skip.add(id(current.attr))
        elif isinstance(current, cst.Arg) and current.keyword is not None:
            skip.add(id(current.keyword))
        elif isinstance(current, cst.Name) and id(current) not in skip:
            yield current
        stack.extend(current.children)


def _creation(stmt: cst.BaseStatement, name: str) -> _Keys | None:
    """The keys of `name = {...}` / `name: T = {...}` (None: another statement)."""
    if not isinstance(stmt, cst.SimpleStatementLine) or len(stmt.body) != 1:
        return None
    small = stmt.body[0]
    if isinstance(small, cst.Assign) and len(small.targets) == 1:
        target, value = small.targets[0].target, small.value
    elif isinstance(small, cst.AnnAssign) and small.value is not None:
        target, value = small.target, small.value
    else:
        return None
    if not isinstance(target, cst.Name) or target.value != name or not isinstance(value, cst.Dict):
        return None
    try:
        return _dict_keys(value, name)
    except _Refused:
        return None


def _dict_keys(value: cst.Dict, name: str) -> _Keys:
    pairs = []
    for element in value.elements:
        if not isinstance(element, cst.DictElement):
            raise _Refused("a `**` inside the dict literal")
        key = string_value(element.key)
        pairs.append((_checked_key(key), _checked_value(element.value, name)))
    return _stored(pairs)


def _stored(pairs: list[tuple[str, cst.BaseExpression]]) -> _Keys:
    return _Keys(frozenset(k for k, _ in pairs), frozenset(), tuple(pairs))


def _checked_key(key: str | None) -> str:
    if key is None or not key.isidentifier() or keyword.iskeyword(key):
        raise _Refused("a key that is not a literal identifier")
    return key


def _checked_value(value: cst.BaseExpression, name: str) -> cst.BaseExpression:
    if _mentions(value, name):
        raise _Refused("a value that reads the dict itself")
    return value


def _statement_keys(stmt: cst.BaseStatement, name: str) -> _Keys:
    """The keys a statement between the dict's creation and the call stores."""
    if not _mentions(stmt, name):
        return _NONE
    if isinstance(stmt, cst.SimpleStatementLine):
        keys = _NONE
        for small in stmt.body:
            keys = keys.then(_small_keys(small, name))
        return keys
    if isinstance(stmt, cst.If):
        return _if_keys(stmt, name)
    raise _Refused(f"`{name}` is used before the connect other than to store literal keys")


def _small_keys(small: cst.BaseSmallStatement, name: str) -> _Keys:
    if isinstance(small, cst.Expr) and isinstance(small.value, cst.Call):
        call = small.value
        func = call.func
        if (
            isinstance(func, cst.Attribute)
            and isinstance(func.value, cst.Name)
            and func.value.value == name
            and func.attr.value == "update"
        ):
            return _update_keys(call, name)
    if isinstance(small, cst.Assign) and len(small.targets) == 1:
        target = small.targets[0].target
        if (
            isinstance(target, cst.Subscript)
            and isinstance(target.value, cst.Name)
            and target.value.value == name
            and len(target.slice) == 1
            and isinstance(target.slice[0].slice, cst.Index)
        ):
            key = _checked_key(string_value(target.slice[0].slice.value))
            return _stored([(key, _checked_value(small.value, name))])
    raise _Refused(f"`{name}` is used before the connect other than to store literal keys")


def _update_keys(call: cst.Call, name: str) -> _Keys:
    pairs: list[tuple[str, cst.BaseExpression]] = []
    for i, arg in enumerate(call.args):
        if arg.star:
            raise _Refused(f"`{name}.update(*...)` hides its keys")
        if arg.keyword is None:
            if i != 0 or not isinstance(arg.value, cst.Dict):
                raise _Refused(f"`{name}.update()` of something other than a dict literal")
            pairs.extend(_dict_keys(arg.value, name).values)
        else:
            pairs.append((_checked_key(arg.keyword.value), _checked_value(arg.value, name)))
    return _stored(pairs)


def _if_keys(stmt: cst.If, name: str) -> _Keys:
    branches: list[_Keys] = []
    current: cst.If | cst.Else | None = stmt
    while current is not None:
        if isinstance(current, cst.If):
            if _mentions(current.test, name):
                raise _Refused(f"an `if` tests `{name}`")
            branches.append(_block_keys(current.body, name))
            current = current.orelse
        else:
            branches.append(_block_keys(current.body, name))
            current = None
    if not isinstance(_last(stmt), cst.Else):
        branches.append(_NONE)  # no else: a path stores nothing
    always = frozenset.intersection(*(b.always for b in branches))
    maybe = frozenset().union(*(b.always | b.maybe for b in branches)) - always
    values = tuple(v for b in branches for v in b.values)
    return _Keys(always, maybe, values)


def _last(stmt: cst.If) -> cst.If | cst.Else:
    current: cst.If | cst.Else = stmt
    while isinstance(current, cst.If) and current.orelse is not None:
        current = current.orelse
    return current


def _block_keys(body: cst.BaseSuite, name: str) -> _Keys:
    if not isinstance(body, cst.IndentedBlock):
        if _mentions(body, name):
            raise _Refused(f"`{name}` is stored to on a one-line `if`")
        return _NONE
    keys = _NONE
    for stmt in body.body:
        keys = keys.then(_statement_keys(stmt, name))
    return keys


def _owner(model, node: cst.CSTNode) -> cst.CSTNode:
    """The function holding `node`, or the module."""
    current = model.parent(node)
    while current is not None and not isinstance(current, (cst.FunctionDef, cst.Module)):
        if isinstance(current, (cst.ClassDef, cst.Lambda)):
            raise _Refused("the dict is built in a class body")
        current = model.parent(current)
    assert current is not None
    return current


def _check_other_mentions(
    model, owner: cst.CSTNode, name: str, segment: Sequence[cst.BaseStatement]
) -> None:
    """Outside `segment` (creation .. call, checked statement by statement), `name` may appear
    in the owner only where it cannot run between the creation and the call: not in a nested
    function, lambda, class or generator (a closure could change the dict while the segment
    calls something), and not in a global/nonlocal declaration (another function could)."""
    inside = {id(n) for stmt in segment for n in _names(stmt)}
    for node in _names(owner):
        if node.value != name or id(node) in inside:
            continue
        if _in_nested_scope(model, node, owner):
            raise _Refused(f"`{name}` is used in a nested function, lambda, class or generator")
        if isinstance(model.parent(node), cst.NameItem):
            raise _Refused(f"`{name}` is declared global or nonlocal")


def _in_nested_scope(model, node: cst.CSTNode, owner: cst.CSTNode) -> bool:
    current = model.parent(node)
    while current is not None and current is not owner:
        # List, set and dict comprehensions run on the spot: only these can outlive the line.
        if isinstance(current, (cst.FunctionDef, cst.Lambda, cst.ClassDef, cst.GeneratorExp)):
            return True
        current = model.parent(current)
    return False


def _build(model, call: cst.Call, name: str, keys: _Keys) -> cst.Call:
    for key in _PATH_INVARIANT + _NOT_OPTIONAL:
        if key in keys.maybe:
            raise _Refused(f"`{key}` is set on some paths only")
    args = [kwarg("alias", _alias_value(model, name, keys))]
    passthrough = []
    for key in sorted(keys.always | keys.maybe, key=_order(keys)):
        if key == "alias":
            continue
        if key in keys.always:
            args.append(kwarg(key, _read(name, key)))
        elif key in _NAMED_DEFAULTS:
            default = _NAMED_DEFAULTS[key]
            args.append(kwarg(key, cst.parse_expression(f'{name}.get("{key}", {default})')))
        elif key == "timeout":
            args.append(kwarg(key, cst.parse_expression(f'{name}.get("timeout")')))
        else:
            passthrough.append(key)
    if passthrough:
        names = ", ".join(f'"{k}"' for k in passthrough) + ("," if len(passthrough) == 1 else "")
        present = cst.parse_expression(f"{{k: {name}[k] for k in ({names}) if k in {name}}}")
        args.append(cst.Arg(value=present, star="**"))
    return call.with_changes(args=args)


def _order(keys: _Keys):
    """Keys in the order of their first store."""
    first: dict[str, int] = {}
    for i, (key, _) in enumerate(keys.values):
        first.setdefault(key, i)
    return lambda key: first.get(key, len(first))


def _read(name: str, key: str) -> cst.BaseExpression:
    return cst.parse_expression(f'{name}["{key}"]')


def _alias_value(model, name: str, keys: _Keys) -> cst.BaseExpression:
    """The alias: a literal when every store of it is the same literal, else `name["alias"]`."""
    if "alias" not in keys.always:
        return cst.SimpleString('"default"')
    stored = [value for key, value in keys.values if key == "alias"]
    literals = {model.literal(value) for value in stored}
    if len(literals) == 1 and None not in literals:
        return stored[0]
    return _read(name, "alias")
