"""The paths through a method body: does every way it completes normally pass a given step?

A call statement `self.m(...)` can stand for what `m` does only when `m` does it on every
path that hands control back to the caller: codemods.held_collections asks whether every
normal return of `m` passes a store of a collection into an attribute, and
codemods.existence_guards whether a has_collection wrapper's except handlers never return.

Deliberately small, so "proven" means proven: straight-line statements, `if`/`elif`/`else`
and `try`/`except`/`else` (no `finally`). A `return` (or falling off the end) completes the
method normally; a `raise`, or a call statement of `sys.exit()` / `exit()` / `quit()`
(resolved by qualified name; they raise SystemExit), does not. An `except` handler is entered
in the state the `try` started with (the exception may come before any step of its body).
Anything else that can change where control goes (loops, `break`/`continue`, `with`, whose
context manager may swallow an exception, `match`, `del`, `global`/`nonlocal`, nested
functions or classes, `yield`/`await`, a `try` with `finally`) makes the answer "not proven".
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import libcst as cst

from codemods.analysis import OrmModel, _walk

# What a call statement may be to end its path with SystemExit.
_EXITS = {"sys.exit", "builtins.exit", "builtins.quit"}
_UNPROVEN_SMALL = (cst.Del, cst.Break, cst.Continue, cst.Global, cst.Nonlocal)
_UNPROVEN_INSIDE = (cst.FunctionDef, cst.ClassDef, cst.Lambda, cst.Yield, cst.Await)

Step = Callable[[cst.BaseSmallStatement], bool]


@dataclass(frozen=True)
class Flow:
    """What running a block can do. `proven` is False when a path completes the method
    normally (a `return`) without passing the step, or when the block holds a statement this
    module does not follow; `falls_through` when some path reaches the block's end, and then
    `passed` says whether every such path passed the step."""

    proven: bool
    falls_through: bool
    passed: bool


_UNPROVEN = Flow(False, False, False)
_ENDED = Flow(True, False, True)


def every_normal_completion_passes(model: OrmModel, method: cst.FunctionDef, step: Step) -> bool:
    """Every path on which `method` returns normally to its caller passes a small statement
    for which `step` is true (a path that raises or exits need not). False for an `async`
    or decorated method (a call statement of it may not run its body) and for anything this
    module does not follow (see the module docstring)."""
    if (
        method.asynchronous is not None
        or method.decorators
        or not isinstance(method.body, cst.IndentedBlock)
        or any(True for kind in _UNPROVEN_INSIDE for _ in _walk(method.body, kind))
    ):
        return False
    flow = _block(model, method.body.body, False, step)
    return flow.proven and (not flow.falls_through or flow.passed)


def never_completes_normally(model: OrmModel, body: cst.BaseSuite) -> bool:
    """Every path through `body` (an except handler, say) raises or exits: none returns and
    none reaches its end."""
    if any(True for kind in _UNPROVEN_INSIDE for _ in _walk(body, kind)):
        return False
    flow = _block(model, _statements(body), False, lambda _: False)
    return flow.proven and not flow.falls_through


def falls_through_passed(model: OrmModel, statement: cst.CSTNode, step: Step) -> bool:
    """Every path through `statement` (an `if`/`elif`/`else` or a `try`, say, or a block) that
    reaches what follows it passes a small statement for which `step` is true; a path that
    returns before passing one, or anything this module does not follow, makes it False."""
    if any(True for kind in _UNPROVEN_INSIDE for _ in _walk(statement, kind)):
        return False
    statements = _statements(statement) if isinstance(statement, cst.BaseSuite) else [statement]
    flow = _block(model, statements, False, step)
    return flow.proven and (not flow.falls_through or flow.passed)


def is_exit_call(model: OrmModel, node: cst.BaseExpression) -> bool:
    """`sys.exit(...)`, `exit(...)` or `quit(...)`, resolved by qualified name (an import
    alias counts, a local function called `exit` does not)."""
    if not isinstance(node, cst.Call):
        return False
    scope = model.scopes.get(node.func)
    names = {q.name for q in scope.get_qualified_names_for(node.func)} if scope else set()
    return len(names) == 1 and names <= _EXITS


def _statements(suite: cst.BaseSuite) -> Sequence[cst.CSTNode]:
    return suite.body  # IndentedBlock: statements; SimpleStatementSuite: small statements


def _block(model: OrmModel, statements: Sequence[cst.CSTNode], passed: bool, step: Step) -> Flow:
    for statement in statements:
        if isinstance(statement, cst.SimpleStatementLine):
            flow = _block(model, statement.body, passed, step)
        elif isinstance(statement, cst.BaseSmallStatement):
            flow = _small(model, statement, passed, step)
        elif isinstance(statement, cst.If):
            flow = _if(model, statement, passed, step)
        elif isinstance(statement, cst.Try):
            flow = _try(model, statement, passed, step)
        else:
            return _UNPROVEN
        if not flow.proven or not flow.falls_through:
            return flow
        passed = flow.passed
    return Flow(True, True, passed)


def _small(model: OrmModel, small: cst.BaseSmallStatement, passed: bool, step: Step) -> Flow:
    if isinstance(small, _UNPROVEN_SMALL):
        return _UNPROVEN
    if isinstance(small, cst.Return):
        return _ENDED if passed else _UNPROVEN
    if isinstance(small, cst.Raise):
        return _ENDED
    if isinstance(small, cst.Expr) and is_exit_call(model, small.value):
        return _ENDED
    return Flow(True, True, passed or step(small))


def _merge(flows: list[Flow]) -> Flow:
    through = [f for f in flows if f.falls_through]
    return Flow(
        all(f.proven for f in flows), bool(through), all(f.passed for f in through) or not through
    )


def _if(model: OrmModel, node: cst.If, passed: bool, step: Step) -> Flow:
    body = _block(model, _statements(node.body), passed, step)
    if node.orelse is None:
        other = Flow(True, True, passed)
    elif isinstance(node.orelse, cst.If):
        other = _if(model, node.orelse, passed, step)
    else:
        other = _block(model, _statements(node.orelse.body), passed, step)
    return _merge([body, other])


def _try(model: OrmModel, node: cst.Try, passed: bool, step: Step) -> Flow:
    if node.finalbody is not None:
        return _UNPROVEN
    body = _block(model, _statements(node.body), passed, step)
    if node.orelse is not None and body.proven and body.falls_through:
        body = _block(model, _statements(node.orelse.body), body.passed, step)
    handlers = [_block(model, _statements(h.body), passed, step) for h in node.handlers]
    return _merge([body, *handlers])
