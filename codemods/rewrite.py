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
    # Statements run just before the statement holding the call (with `expr` replacing the
    # call); the converter checks that the call sits where that keeps the evaluation order.
    before: tuple[cst.BaseStatement, ...] = ()
    summary: str = ""
    unsafe: bool = False
    note: str = ""  # a caveat reported even though the rewrite is applied
    code: str = ""  # the rule of this rewrite when not the method's own (an unsafe sub-case)
    # (module, spec) pairs the rewritten code needs: `("pymilvus.exceptions", "X as X_2")`
    # for `from M import spec`, `("", "time")` for `import time`.
    imports: tuple[tuple[str, str], ...] = ()


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
    """Strip the original comma, and the line break a last argument carries before `)`, so
    the new argument list can be laid out afresh (carry_comments puts comments back)."""
    return arg.with_changes(
        comma=cst.MaybeSentinel.DEFAULT, whitespace_after_arg=cst.SimpleWhitespace("")
    )


def client_call(
    client: str,
    method: str,
    args: Sequence[cst.Arg],
    template: cst.Call | None = None,
) -> cst.Call:
    """`client.method(args)`; keeps the original call's parentheses whitespace when multi-line,
    and its comments: a comment after an argument follows that argument's value."""
    # `client` is a variable, or a registry lookup such as `milvus_clients[alias]`.
    receiver = cst.Name(client) if client.isidentifier() else cst.parse_expression(client)
    return call_like(cst.Attribute(value=receiver, attr=cst.Name(method)), args, template)


def call_like(
    func: cst.BaseExpression, args: Sequence[cst.Arg], template: cst.Call | None = None
) -> cst.Call:
    """`func(args)` laid out like `template`: one argument per line when the template spans
    lines, and the template's comments following the arguments that reuse its values
    (carry_comments)."""
    new_args = [clean(a) for a in args]
    if template is None:
        return cst.Call(func=func, args=new_args)
    if _is_multiline(template):
        call = _multiline_call(func, new_args, template)
    else:
        call = cst.Call(func=func, args=new_args)
    return carry_comments(call, template)


def _is_multiline(call: cst.Call) -> bool:
    ws = call.whitespace_before_args
    return isinstance(ws, cst.ParenthesizedWhitespace)


def _multiline_call(func: cst.BaseExpression, args: list[cst.Arg], template: cst.Call) -> cst.Call:
    """One argument per line, reusing the template's indentation (its comments are placed by
    carry_comments, so the layout whitespace is taken without them)."""
    first_ws = template.whitespace_before_args
    assert isinstance(first_ws, cst.ParenthesizedWhitespace)
    inner = _without_comments(first_ws)
    closing = cst.ParenthesizedWhitespace(
        first_line=cst.TrailingWhitespace(), indent=True, last_line=cst.SimpleWhitespace("")
    )
    last = template.args[-1] if template.args else None
    if last is not None and isinstance(last.comma, cst.Comma):
        ws_after = last.comma.whitespace_after
        if isinstance(ws_after, cst.ParenthesizedWhitespace):
            closing = _without_comments(ws_after)
    elif last is not None and isinstance(last.whitespace_after_arg, cst.ParenthesizedWhitespace):
        closing = _without_comments(last.whitespace_after_arg)
    out = []
    for i, arg in enumerate(args):
        ws = inner if i < len(args) - 1 else closing
        out.append(arg.with_changes(comma=cst.Comma(whitespace_after=ws)))
    return cst.Call(func=func, args=out, whitespace_before_args=first_ws)


# --- comments inside argument lists ----------------------------------------------------


def _has_comment(ws: cst.BaseParenthesizableWhitespace | None) -> bool:
    if not isinstance(ws, cst.ParenthesizedWhitespace):
        return False
    return ws.first_line.comment is not None or any(e.comment for e in ws.empty_lines)


def _without_comments(ws: cst.ParenthesizedWhitespace) -> cst.ParenthesizedWhitespace:
    return ws.with_changes(first_line=cst.TrailingWhitespace(), empty_lines=[])


def has_comments(call: cst.Call) -> bool:
    """A comment inside `call`'s argument list (after the open parenthesis or an argument)."""
    return _has_comment(call.whitespace_before_args) or any(
        _has_comment(_separator(arg)) for arg in call.args
    )


def _separator(arg: cst.Arg) -> cst.BaseParenthesizableWhitespace:
    """The whitespace that follows `arg` (after its comma, or before the closing paren)."""
    if isinstance(arg.comma, cst.Comma):
        return arg.comma.whitespace_after
    return arg.whitespace_after_arg


def _comment_lines(ws: cst.ParenthesizedWhitespace) -> list[cst.EmptyLine]:
    lines = []
    if ws.first_line.comment is not None:
        lines.append(cst.EmptyLine(indent=True, comment=ws.first_line.comment))
    lines.extend(line for line in ws.empty_lines if line.comment is not None)
    return lines


def carry_comments(call: cst.Call, template: cst.Call) -> cst.Call:
    """Move the comments of `template`'s argument list onto `call`, the rewritten call whose
    arguments reuse the template's value nodes: a comment that followed an argument follows
    the new argument with the same value; one after the open parenthesis stays there; the
    comments of arguments the rewrite dropped become comment lines after the open parenthesis.
    """
    commented = [(arg, _separator(arg)) for arg in template.args if _has_comment(_separator(arg))]
    if not commented:
        return call
    args = list(call.args)
    leftovers: list[cst.EmptyLine] = []
    taken: set[int] = set()
    for old, ws in commented:
        assert isinstance(ws, cst.ParenthesizedWhitespace)
        index = next(
            (i for i, a in enumerate(args) if i not in taken and a.value is old.value), None
        )
        if index is None:
            leftovers.extend(_comment_lines(ws))
            continue
        taken.add(index)
        args[index] = _with_separator(args[index], ws, last=index == len(args) - 1)
    opening = call.whitespace_before_args
    if leftovers:
        opening = _with_comment_lines(opening, leftovers, commented[0][1])
    return call.with_changes(args=args, whitespace_before_args=opening)


def carry_dict_comments(call: cst.Call, spread: cst.Dict) -> cst.Call:
    """`carry_comments` for a dict literal whose entries became keyword arguments of `call`
    (an ORM params dict spread into `add_index(...)`): a comment that followed an entry follows
    the keyword argument made from it; one after the `{` goes after the open parenthesis."""
    args = []
    for i, element in enumerate(spread.elements):
        last = i == len(spread.elements) - 1
        arg = cst.Arg(value=element.value, comma=element.comma)
        if last and not isinstance(element.comma, cst.Comma):
            arg = arg.with_changes(whitespace_after_arg=spread.rbrace.whitespace_before)
        args.append(arg)
    call = carry_comments(call, cst.Call(func=cst.Name("dict"), args=args))
    opening = spread.lbrace.whitespace_after
    if not _has_comment(opening):
        return call
    assert isinstance(opening, cst.ParenthesizedWhitespace)
    lines = _comment_lines(opening)
    return call.with_changes(
        whitespace_before_args=_with_comment_lines(call.whitespace_before_args, lines, opening)
    )


def _with_comment_lines(
    opening: cst.BaseParenthesizableWhitespace,
    lines: list[cst.EmptyLine],
    example: cst.ParenthesizedWhitespace,
) -> cst.ParenthesizedWhitespace:
    """The whitespace after `(` with `lines` added: the first one as the comment of the `(`
    line when it has none, the others on their own lines at the arguments' indentation."""
    if not isinstance(opening, cst.ParenthesizedWhitespace):
        opening = cst.ParenthesizedWhitespace(indent=True, last_line=example.last_line)
    if opening.first_line.comment is None:
        first_line = cst.TrailingWhitespace(
            whitespace=cst.SimpleWhitespace("  "), comment=lines[0].comment
        )
        opening = opening.with_changes(first_line=first_line)
        lines = lines[1:]
    own_lines = [line.with_changes(whitespace=opening.last_line) for line in lines]
    return opening.with_changes(empty_lines=[*opening.empty_lines, *own_lines])


def _with_separator(arg: cst.Arg, ws: cst.ParenthesizedWhitespace, last: bool) -> cst.Arg:
    """`arg` followed by the original comment `ws`, keeping the new layout's next-line
    indentation when the new argument list is already one argument per line."""
    current = _separator(arg) if isinstance(arg.comma, cst.Comma) else None
    if isinstance(current, cst.ParenthesizedWhitespace):
        ws = ws.with_changes(indent=current.indent, last_line=current.last_line)
    if isinstance(arg.comma, cst.Comma):
        return arg.with_changes(comma=arg.comma.with_changes(whitespace_after=ws))
    if last:
        return arg.with_changes(whitespace_after_arg=ws)
    return arg.with_changes(
        comma=cst.Comma(whitespace_before=cst.SimpleWhitespace(""), whitespace_after=ws)
    )


def copy_args(bound: Bound, mapping: Sequence[tuple[str, str]]) -> list[cst.Arg]:
    """Keyword arguments for each (orm_name, client_name) that the call supplied."""
    out = []
    for orm_name, new_name in mapping:
        arg = bound.named.get(orm_name)
        if arg is not None:
            out.append(kwarg(new_name, arg.value))
    return out


def stray_filter(method: str, extra: list[cst.Arg]) -> Refuse | None:
    """An ORM data call given `filter=`: not a parameter of the ORM's (its filter is `expr`).
    `search` and `query` pass it on to a server that ignores it (every hit comes back,
    unfiltered), `delete` raises "got multiple values for keyword argument 'filter'";
    MilvusClient's `filter` applies it, so the rewrite would change the result either way."""
    if not any(a.keyword is not None and a.keyword.value == "filter" for a in extra):
        return None
    effect = (
        "raises (multiple values for `filter`)"
        if method == "delete"
        else "ignores it and filters by `expr` alone"
    )
    return Refuse(
        f"`{method}(filter=...)`: the ORM's filter is `expr`; given `filter=`, the ORM {effect}, "
        "while MilvusClient's `filter` applies it",
        "decide which filter you meant, pass it as `expr=`, then rerun",
    )


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
