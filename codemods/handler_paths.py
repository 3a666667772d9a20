"""Where an exception raised at a call goes, through the try statements around it.

A rewrite may change the exception a failing call raises (MM130's column insert: the ORM's
DataNotMatchException / ParamError become zip's ValueError). That is harmless when, in every
try between the call and its function, each of those exceptions meets the same handler (or
none) and nothing there reads the exception: then only a message nobody reads differs.

Exception names are resolved with QualifiedNameProvider (builtins and pymilvus.exceptions);
a handler naming anything else cannot be proven, and the caller refuses.
"""

from __future__ import annotations

import builtins
from dataclasses import dataclass
from typing import TYPE_CHECKING

import libcst as cst
from libcst.metadata import QualifiedNameProvider
from libcst.metadata.base_provider import LazyValue

from codemods.shim_names import pymilvus_name

if TYPE_CHECKING:
    from codemods.analysis import OrmModel

# pymilvus.exceptions as measured on pymilvus 3.0.2: every exception class there derives from
# MilvusException directly, so each catches itself and nothing else but MilvusException does.
_PYMILVUS_EXCEPTIONS = frozenset(
    {
        "MilvusException",
        "ParamError",
        "ConnectError",
        "MilvusUnavailableException",
        "CollectionNotExistException",
        "DescribeCollectionException",
        "PartitionAlreadyExistException",
        "IndexNotExistException",
        "AmbiguousIndexName",
        "CannotInferSchemaException",
        "SchemaNotReadyException",
        "DataTypeNotMatchException",
        "DataTypeNotSupportException",
        "DataNotMatchException",
        "SchemaMismatchRetryableException",
        "ConnectionNotExistException",
        "ConnectionConfigException",
        "PrimaryKeyException",
        "PartitionKeyException",
        "ClusteringKeyException",
        "FieldsTypeException",
        "FunctionsTypeException",
        "FieldTypeException",
        "AutoIDException",
        "InvalidConsistencyLevel",
        "ServerVersionIncompatibleException",
    }
)
_PYMILVUS_PREFIXES = ("pymilvus.exceptions.", "pymilvus.")

# Calls that read the exception being handled without naming it.
_IMPLICIT_READERS = frozenset(
    {
        "sys.exc_info",
        "sys.exception",
        "traceback.print_exc",
        "traceback.format_exc",
        "traceback.print_exception",
        "traceback.format_exception",
        "logging.exception",
    }
)


@dataclass(frozen=True)
class HandlerPaths:
    """`refused`: why the exceptions may take different paths ('' when they cannot);
    `reads`: where a handler that takes them reads the exception ('' when none does)."""

    refused: str = ""
    reads: str = ""


def exception_paths(model: OrmModel, node: cst.CSTNode, raised: tuple[str, ...]) -> HandlerPaths:
    """Whether the exceptions named in `raised` (qualified names: `builtins.ValueError`,
    `pymilvus.exceptions.ParamError`), raised at `node`, take the same path through every
    try around it up to its function (or module): the first handler matching each is the same
    one in each try (or none matches any). A handler that takes them and re-raises passes them
    on to the next try out; one that does not ends the walk. `with contextlib.suppress(...)`,
    `pytest.raises(...)` and `self.assertRaises(...)` count as handlers too."""
    names = model.wrapper.resolve(QualifiedNameProvider)
    reads: list[str] = []
    current = node
    parent = model.parents.get(current)
    while parent is not None and not isinstance(current, (cst.FunctionDef, cst.Module)):
        if isinstance(parent, cst.TryStar) and current is parent.body:
            return HandlerPaths(refused="`except*` is not analysed")
        if isinstance(parent, cst.Try) and current is parent.body:
            chosen: set[int | None] = set()
            for exc in raised:
                index = _first_handler(parent.handlers, exc, names)
                if isinstance(index, str):
                    return HandlerPaths(refused=index)
                chosen.add(index)
            if len(chosen) > 1:
                return HandlerPaths(refused=_split(parent, chosen, raised, names))
            (index,) = chosen
            if index is not None:
                handler = parent.handlers[index]
                why = _reads(handler, names)
                if why:
                    reads.append(f"`{_clause(handler)}`: {why}")
                if not _re_raises(handler):
                    break  # handled here: the tries further out never see it
        if isinstance(parent, cst.With) and current is parent.body:
            # The innermost context manager sees the exception first.
            for item in reversed(parent.items):
                verdict = _context_manager(item, raised, names)
                if verdict is None:
                    continue  # not one that catches by type (see _context_manager)
                refused, why, ends = verdict
                if refused:
                    return HandlerPaths(refused=refused)
                if why:
                    reads.append(why)
                if ends:
                    return HandlerPaths(reads="; ".join(reads))
        current = parent
        parent = model.parents.get(current)
    return HandlerPaths(reads="; ".join(reads))


# Context managers that catch exceptions by type: contextlib.suppress swallows them, the test
# helpers catch and inspect them. Any other context manager is taken not to catch by type
# (as `open()`, locks and transactions do not).
_SUPPRESS = frozenset({"contextlib.suppress"})
_EXPECT = frozenset({"pytest.raises"})
_EXPECT_METHODS = frozenset({"assertRaises", "assertRaisesRegex"})


def _context_manager(
    item: cst.WithItem, raised: tuple[str, ...], names
) -> tuple[str, str, bool] | None:
    """For a `with` item that catches by type: (why the exceptions may take different paths,
    how it reads them, whether it ends the walk); None for any other context manager."""
    call = item.item
    if not isinstance(call, cst.Call):
        return None
    qualified = _qualified(names, call.func)
    method = isinstance(call.func, cst.Attribute) and call.func.attr.value in _EXPECT_METHODS
    if qualified & _SUPPRESS:
        types = [a.value for a in call.args if a.keyword is None and not a.star]
    elif qualified & _EXPECT or method:
        types = [a.value for a in call.args[:1] if a.keyword is None and not a.star]
    else:
        return None
    what = f"`with {_code(call)}`"
    caught = []
    for exc in raised:
        verdicts = [_catches(t, exc, names) for t in types]
        if True in verdicts:
            caught.append(True)
        elif None in verdicts or not types:
            return (f"cannot tell what {what} catches", "", True)
        else:
            caught.append(False)
    if len(set(caught)) > 1:
        takes = [e for e, c in zip(raised, caught, strict=True) if c]
        leaves = [e for e, c in zip(raised, caught, strict=True) if not c]
        return (f"{what} catches {_short(takes)} but not {_short(leaves)}", "", True)
    if not caught[0]:
        return None  # catches none of them: they pass through
    if qualified & _SUPPRESS:
        return ("", "", True)
    return ("", f"{what} checks the exception's type and exposes it", True)


def _first_handler(handlers: tuple[cst.ExceptHandler, ...], exc: str, names) -> int | None | str:
    """Index of the first handler that catches `exc`, None if none does, or why it cannot
    be told (a handler before it names something that is not a known exception class)."""
    for i, handler in enumerate(handlers):
        caught = _catches(handler.type, exc, names)
        if caught is None:
            return f"cannot tell what `except {_code(handler.type)}` catches"
        if caught:
            return i
    return None


def _catches(expr: cst.BaseExpression | None, exc: str, names) -> bool | None:
    if expr is None:  # bare `except:`
        return True
    if isinstance(expr, cst.Tuple):
        results = [_catches(e.value, exc, names) for e in expr.elements]
        if True in results:
            return True
        return None if None in results else False
    qualified = _qualified(names, expr)
    verdicts = {_class_catches(q, exc) for q in qualified}
    return verdicts.pop() if len(verdicts) == 1 else None


def _class_catches(handler_class: str, exc: str) -> bool | None:
    """Whether `except handler_class` catches an `exc` (both qualified names); None when
    `handler_class` is not a builtin or pymilvus exception class."""
    handler = _known(handler_class)
    raised = _known(exc)
    if handler is None or raised is None:
        return None
    if isinstance(raised, type):  # a builtin
        return isinstance(handler, type) and issubclass(raised, handler)
    # A pymilvus exception: MilvusException's bases are Exception and BaseException.
    if isinstance(handler, type):
        return handler in (Exception, BaseException)
    return handler in (raised, "MilvusException")


def _known(qualified: str) -> type | str | None:
    """A builtin exception class, a pymilvus exception class's name, or None."""
    if qualified.startswith("builtins."):
        value = getattr(builtins, qualified[len("builtins.") :], None)
        if isinstance(value, type) and issubclass(value, BaseException):
            return value
        return None
    for prefix in _PYMILVUS_PREFIXES:
        rest = qualified[len(prefix) :] if qualified.startswith(prefix) else ""
        if rest in _PYMILVUS_EXCEPTIONS:
            return rest
    return None


def _split(try_: cst.Try, chosen: set, raised: tuple[str, ...], names) -> str:
    for index in sorted(i for i in chosen if i is not None):
        handler = try_.handlers[index]
        takes = [e for e in raised if _catches(handler.type, e, names)]
        leaves = [e for e in raised if e not in takes]
        return f"`{_clause(handler)}` catches {_short(takes)} but not {_short(leaves)}"
    return "the exceptions take different handlers"  # pragma: no cover - chosen has 2+


def _reads(handler: cst.ExceptHandler, names) -> str:
    """Why the handler's body reads the exception it caught ('' when it does not)."""
    bound = handler.name.name.value if isinstance(handler.name, cst.AsName) else None
    finder = _ReadFinder(bound, names)
    handler.body.visit(finder)
    return finder.why


def _re_raises(handler: cst.ExceptHandler) -> bool:
    """A bare `raise` (or `raise e`) in the handler passes the exception on outward."""
    bound = handler.name.name.value if isinstance(handler.name, cst.AsName) else None
    found = False

    class _Finder(cst.CSTVisitor):
        def visit_Raise(self, node: cst.Raise) -> None:
            nonlocal found
            if node.exc is None or (
                isinstance(node.exc, cst.Name) and bound is not None and node.exc.value == bound
            ):
                found = True

    handler.body.visit(_Finder())
    return found


class _ReadFinder(cst.CSTVisitor):
    """The first read of a handled exception: its `as` name, a `raise` (re-raising it, or
    chaining it as `__context__`), or a call that reads it implicitly."""

    def __init__(self, bound: str | None, names) -> None:
        super().__init__()
        self.bound = bound
        self.names = names
        self.why = ""

    def _found(self, why: str) -> None:
        if not self.why:
            self.why = why

    def visit_Attribute(self, node: cst.Attribute) -> bool:
        node.value.visit(self)  # `x.e` does not read `e`
        return False

    def visit_Arg(self, node: cst.Arg) -> bool:
        if node.keyword is not None and node.keyword.value == "exc_info":
            self._found("`exc_info=` logs it")
        node.value.visit(self)  # `f(e=1)` does not read `e`
        return False

    def visit_Name(self, node: cst.Name) -> None:
        if self.bound is not None and node.value == self.bound:
            self._found(f"reads `{self.bound}`")

    def visit_Raise(self, node: cst.Raise) -> None:
        chained_to_none = node.cause is not None and (
            isinstance(node.cause.item, cst.Name) and node.cause.item.value == "None"
        )
        if not chained_to_none:
            self._found("a `raise` re-raises or chains it")

    def visit_Call(self, node: cst.Call) -> None:
        qualified = _qualified(self.names, node.func)
        if qualified & _IMPLICIT_READERS or (
            isinstance(node.func, cst.Attribute) and node.func.attr.value == "exception"
        ):
            self._found(f"`{_code(node.func)}()` reads it")


def _qualified(names, node: cst.CSTNode) -> set[str]:
    """QualifiedNameProvider's names of `node` (the resolved mapping holds them lazily)."""
    value = names.get(node, set())
    if isinstance(value, LazyValue):
        value = value()
    return {pymilvus_name(q.name) for q in value}  # compat_shim re-exports them


def _clause(handler: cst.ExceptHandler) -> str:
    """`except X as e` (its first line, as written)."""
    if handler.type is None:
        return "except"
    name = f" as {handler.name.name.value}" if isinstance(handler.name, cst.AsName) else ""
    return f"except {_code(handler.type)}{name}"


def _short(qualified: list[str]) -> str:
    return " / ".join(q.rsplit(".", 1)[-1] for q in qualified) or "nothing"


def _code(node: cst.CSTNode | None) -> str:
    return "" if node is None else cst.Module(body=[]).code_for_node(node)
