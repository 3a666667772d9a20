"""Small, pure helpers the rule modules share: argument binding and node builders.

Everything here builds new libcst nodes from old ones; nothing reads metadata, so the
analysis can call the same converters in a dry run to decide whether a site is convertible.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import libcst as cst

# --- results of a converter -------------------------------------------------------------


@dataclass(frozen=True)
class Rewrite:
    """A converter's replacement: an expression, or statements for a statement-level call."""

    expr: cst.BaseExpression | None = None
    statements: tuple[cst.BaseStatement, ...] = ()
    summary: str = ""
    unsafe: bool = False
    note: str = ""  # a caveat reported even though the rewrite is applied


@dataclass(frozen=True)
class Refuse:
    reason: str
    suggestion: str = ""


Result = Rewrite | Refuse


@dataclass
class Env:
    """What a converter needs to know about the site it rewrites."""

    client: str
    name: cst.BaseExpression  # evaluates to the collection name after migration
    statement: bool = False  # the call is a whole expression statement
    model: object = None  # codemods.analysis.OrmModel (typed loosely to avoid a cycle)
    fresh_name: Callable[[str], str] = field(default=lambda base: base)
    original: cst.Call | None = None  # the call as analysed (metadata lookups need it)


# --- argument binding -------------------------------------------------------------------


@dataclass
class Bound:
    """Arguments of an ORM call, resolved against the ORM signature."""

    named: dict[str, cst.Arg]
    extra: list[cst.Arg]  # **kwargs passthrough (keyword args not in the signature, `**d`)

    def value(self, name: str) -> cst.BaseExpression | None:
        arg = self.named.get(name)
        return arg.value if arg is not None else None


def bind(call: cst.Call, params: Sequence[str]) -> Bound | Refuse:
    """Bind `call`'s arguments to the ORM parameter names `params` (positional order)."""
    named: dict[str, cst.Arg] = {}
    extra: list[cst.Arg] = []
    position = 0
    for arg in call.args:
        if arg.star == "*":
            return Refuse("`*args` hides which parameter each value binds to")
        if arg.star == "**":
            extra.append(arg)
            continue
        if arg.keyword is None:
            if position >= len(params):
                return Refuse("more positional arguments than the ORM signature takes")
            named[params[position]] = arg
            position += 1
            continue
        key = arg.keyword.value
        if key in params:
            named[key] = arg
        else:
            extra.append(arg)
    return Bound(named, extra)


def kwarg(name: str, value: cst.BaseExpression) -> cst.Arg:
    return cst.Arg(
        keyword=cst.Name(name),
        value=value,
        equal=cst.AssignEqual(
            whitespace_before=cst.SimpleWhitespace(""), whitespace_after=cst.SimpleWhitespace("")
        ),
    )


def clean(arg: cst.Arg) -> cst.Arg:
    """Strip the original comma so the new argument list can be laid out afresh."""
    return arg.with_changes(comma=cst.MaybeSentinel.DEFAULT)


def client_call(
    client: str,
    method: str,
    args: Sequence[cst.Arg],
    template: cst.Call | None = None,
) -> cst.Call:
    """`client.method(args)`; keeps the original call's parentheses whitespace when multi-line."""
    func = cst.Attribute(value=cst.Name(client), attr=cst.Name(method))
    new_args = [clean(a) for a in args]
    if template is not None and _is_multiline(template):
        return _multiline_call(func, new_args, template)
    return cst.Call(func=func, args=new_args)


def _is_multiline(call: cst.Call) -> bool:
    ws = call.whitespace_before_args
    return isinstance(ws, cst.ParenthesizedWhitespace)


def _multiline_call(func: cst.BaseExpression, args: list[cst.Arg], template: cst.Call) -> cst.Call:
    """One argument per line, reusing the template's indentation."""
    first_ws = template.whitespace_before_args
    inner = first_ws
    closing = cst.ParenthesizedWhitespace(
        first_line=cst.TrailingWhitespace(), indent=True, last_line=cst.SimpleWhitespace("")
    )
    last = template.args[-1] if template.args else None
    if last is not None and isinstance(last.comma, cst.Comma):
        ws_after = last.comma.whitespace_after
        if isinstance(ws_after, cst.ParenthesizedWhitespace):
            closing = ws_after
    elif last is not None and isinstance(last.whitespace_after_arg, cst.ParenthesizedWhitespace):
        closing = last.whitespace_after_arg
    out = []
    for i, arg in enumerate(args):
        if i < len(args) - 1:
            out.append(arg.with_changes(comma=cst.Comma(whitespace_after=inner)))
        else:
            out.append(arg.with_changes(comma=cst.Comma(whitespace_after=closing)))
    return cst.Call(func=func, args=out, whitespace_before_args=first_ws)


def copy_args(bound: Bound, mapping: Sequence[tuple[str, str]]) -> list[cst.Arg]:
    """Keyword arguments for each (orm_name, client_name) that the call supplied."""
    out = []
    for orm_name, new_name in mapping:
        arg = bound.named.get(orm_name)
        if arg is not None:
            out.append(kwarg(new_name, arg.value))
    return out


def rename_extra(extra: list[cst.Arg], renames: dict[str, str]) -> list[cst.Arg]:
    out = []
    for arg in extra:
        if arg.keyword is not None and arg.keyword.value in renames:
            out.append(kwarg(renames[arg.keyword.value], arg.value))
        else:
            out.append(arg)
    return out


def subscript(value: cst.BaseExpression, key: str) -> cst.Subscript:
    return cst.Subscript(
        value=value,
        slice=[cst.SubscriptElement(slice=cst.Index(value=cst.SimpleString(f'"{key}"')))],
    )


def string_value(node: cst.BaseExpression | None) -> str | None:
    """The value of a plain string literal, else None."""
    if isinstance(node, cst.SimpleString):
        value = node.evaluated_value
        return value if isinstance(value, str) else None
    return None


def expr_statement(expr: cst.BaseExpression) -> cst.SimpleStatementLine:
    return cst.SimpleStatementLine(body=[cst.Expr(value=expr)])


def code_of(node: cst.CSTNode) -> str:
    return cst.Module(body=[]).code_for_node(node)


class _Requote(cst.CSTTransformer):
    def leave_SimpleString(
        self, original: cst.SimpleString, updated: cst.SimpleString
    ) -> cst.SimpleString:
        value = updated.value
        if value.startswith('"') and not value.startswith('"""') and "'" not in value:
            return updated.with_changes(value="'" + value[1:-1] + "'")
        return updated


def fit_in_fstring(expr: cst.BaseExpression, quotes: list[str]) -> cst.BaseExpression:
    """Inside an f-string delimited by double quotes (Python < 3.12), generated string
    literals must use single quotes."""
    if any('"' in q for q in quotes):
        return expr.visit(_Requote())  # type: ignore[return-value]
    return expr


class FStringTracker:
    """Mixin for transformers: the quote characters of the enclosing f-strings."""

    _fquotes: list[str]

    def visit_FormattedString(self, node: cst.FormattedString) -> None:
        if not hasattr(self, "_fquotes"):
            self._fquotes = []
        self._fquotes.append(node.start)

    def leave_FormattedString(self, original, updated):
        self._fquotes.pop()
        return updated

    @property
    def fquotes(self) -> list[str]:
        return getattr(self, "_fquotes", [])
