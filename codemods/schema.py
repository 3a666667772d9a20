"""MM190: an inline `FieldSchema` list passed to `CollectionSchema` becomes
`MilvusClient.create_schema(...)` plus one `schema.add_field(...)` statement per field.

Why this is the same object (pymilvus 3.0.2, orm/schema.py and milvus_client/base.py):
`create_schema(**kw)` is `CollectionSchema([], check_fields=False, **kw)` and
`add_field(field_name, datatype, **kw)` is `FieldSchema(field_name, datatype, **kw)` plus the
key-field bookkeeping `CollectionSchema._check_fields` does (primary, partition and clustering
key named on the schema, schema-level `auto_id`), so the two builds compare `==`. `Function`
objects are kept and added with `add_function`, which marks output fields as the constructor
does. Every argument is emitted as a keyword: `FieldSchema(name, dtype, description)` binds
positionally, `add_field` calls them `field_name`/`datatype`.

The one behaviour that moves is validation: `create_schema` skips `_check_fields`, so a schema
without a primary key raises at `create_collection` instead of at construction. A build inside
`try`/`with` (code that may rely on the construction-time exception) is left alone.

Shapes rewritten (the statement must be an assignment to a plain name, an annotated one, or a
`return`):

* `schema = CollectionSchema([FieldSchema(...), ...], description=..., auto_id=..., ...)`
  (fields positional or `fields=`), elements inline or single-use `f = FieldSchema(...)`
  variables;
* `fields = [FieldSchema(...), ...]` then `schema = CollectionSchema(fields, ...)`, when scope
  analysis proves `fields` (and each field variable) is bound once and read only there.

Statements that move past others are only moved when nothing in between can change what they
compute: no call (other than the FieldSchema/Function constructors) on either side and no
rebinding of a name they read. Anything else (a list built by a function, mutated or reused,
`*args`/`**kwargs`, a STRUCT element type, ...) stays `CollectionSchema`, which is not
deprecated and works as is, so it is not reported.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

import libcst as cst
from libcst.metadata import (
    ClassScope,
    ExpressionContext,
    ExpressionContextProvider,
    GlobalScope,
    MetadataWrapper,
    ParentNodeProvider,
    PositionProvider,
    QualifiedNameProvider,
    ScopeProvider,
)

from codemods.analysis import ANALYSIS_PROVIDERS, wrapper_of
from codemods.base import Applicability, RuleInfo
from codemods.client_import import CLIENT_CLASS, client_class_name
from codemods.context import MigrationContext
from codemods.input_lines import InputLines
from codemods.shim_names import pymilvus_name

RULE = RuleInfo(
    code="MM190",
    title="CollectionSchema([FieldSchema(...), ...]) -> create_schema() + add_field()",
    description=(
        "An inline FieldSchema list passed to CollectionSchema (directly or through a "
        "`fields` variable used nowhere else) becomes `MilvusClient.create_schema(...)` and one "
        "`schema.add_field(field_name=..., datatype=..., ...)` per field, every argument as a "
        "keyword; Function objects are added with `schema.add_function(...)`. Schemas built "
        "any other way stay CollectionSchema objects, which create_collection accepts."
    ),
    applicability=Applicability.SAFE,
    before=(
        "fields = [\n"
        '    FieldSchema("id", DataType.INT64, is_primary=True),\n'
        '    FieldSchema("vec", DataType.FLOAT_VECTOR, dim=4),\n'
        "]\n"
        'schema = CollectionSchema(fields, description="books")\n'
    ),
    after=(
        'schema = MilvusClient.create_schema(description="books")\n'
        'schema.add_field(field_name="id", datatype=DataType.INT64, is_primary=True)\n'
        'schema.add_field(field_name="vec", datatype=DataType.FLOAT_VECTOR, dim=4)\n'
    ),
)

_SCHEMA_MODULES = ("pymilvus.", "pymilvus.orm.", "pymilvus.orm.schema.")
_COLLECTION_SCHEMA = {m + "CollectionSchema" for m in _SCHEMA_MODULES}
_FIELD_SCHEMA = {m + "FieldSchema" for m in _SCHEMA_MODULES}
_FUNCTION = {m + "Function" for m in _SCHEMA_MODULES}
_MILVUS_CLIENT = {"pymilvus.MilvusClient", "pymilvus.milvus_client.MilvusClient"}
# CollectionSchema(fields, description="", struct_fields=None, functions=None, **kwargs)
_SCHEMA_PARAMS = ("fields", "description", "struct_fields", "functions")
# FieldSchema(name, dtype, description="", **kwargs) -> add_field(field_name, datatype, **kwargs)
_FIELD_PARAMS = ("name", "dtype", "description")
_FIELD_KEYWORDS = {"name": "field_name", "dtype": "datatype", "description": "description"}
_DYNAMIC_SCOPE_CALLS = {"locals", "globals", "vars", "eval", "exec"}
_NO_SPACE = cst.SimpleWhitespace("")
_SUPPRESSORS = {"contextlib.suppress", "pytest.raises", "pytest.warns"}
# Expressions that run code or bind names besides calls.
_EFFECTS = (
    cst.Await, cst.Yield, cst.NamedExpr, cst.ListComp, cst.SetComp, cst.DictComp, cst.GeneratorExp,
)  # fmt: skip


class SchemaBuild:
    rules = (RULE,)

    def apply(self, module: cst.Module, ctx: MigrationContext) -> cst.Module:
        if not ctx.mentions("CollectionSchema"):
            return module  # cheap pre-filter: every spelling of the class names it
        wrapper = wrapper_of(module, ctx, ANALYSIS_PROVIDERS)
        facts = _Facts(wrapper, ctx)
        # `MilvusClient.create_schema` is written under that name: only where it is
        # pymilvus's (the connects' own name for it then is too, codemods/client_import.py).
        if not facts.client_name_is_pymilvus:
            return module
        if client_class_name(wrapper.resolve(ScopeProvider)) != CLIENT_CLASS:
            return module
        planner = _Planner(facts, ctx)
        plans = [p for p in map(planner.plan, facts.schema_calls) if p is not None]
        # Two sites must never claim the same statement (they cannot: every moved statement
        # is proven single-use), but a plan that would is dropped rather than trusted.
        claimed: set[cst.CSTNode] = set()
        kept: list[_Plan] = []
        for plan in plans:
            touched = {*plan.removed, *plan.replacements}
            if claimed.isdisjoint(touched):
                claimed.update(touched)
                kept.append(plan)
        if not kept:
            return module
        for plan in kept:
            ctx.record_change(plan.line, RULE.code, plan.summary)
        return facts.wrapper.module.visit(_Apply(kept))


# ---- facts about the module ------------------------------------------------------------


class _Facts(cst.CSTVisitor):
    """One read-only walk: qualified names of the nodes that matter and candidate statements."""

    METADATA_DEPENDENCIES = (QualifiedNameProvider, ExpressionContextProvider)

    def __init__(self, wrapper: MetadataWrapper, ctx: MigrationContext) -> None:
        super().__init__()
        self.wrapper = wrapper
        self.scopes = wrapper.resolve(ScopeProvider)
        self.parents = wrapper.resolve(ParentNodeProvider)
        self.positions = wrapper.resolve(PositionProvider)
        self.input_lines = InputLines(ctx, self.positions)
        self.qualified: dict[cst.CSTNode, set[str]] = {}
        self.stored: set[cst.Name] = set()  # Name nodes in a store/del position
        self.schema_calls: list[cst.Call] = []
        self.used_names: set[str] = set()  # every identifier the module reads or binds
        self.labels: set[cst.Name] = set()  # keyword-argument names and `.attr` names
        self.dynamic_scope = False  # locals()/globals()/eval(): names may be read by string
        self.string_keys: set[str] = set()  # names only tested with `"name" in globals()`
        self.exported: set[str] = set()  # names listed in __all__
        self.client_name_is_pymilvus = True
        wrapper.visit(self)

    def _record(self, node: cst.CSTNode) -> set[str]:
        # compat_shim re-exports the schema classes: as pymilvus's
        qualified = self.get_metadata(QualifiedNameProvider, node, set())
        names = {pymilvus_name(q.name) for q in qualified}
        if names:
            self.qualified[node] = names
        return names

    def visit_Arg(self, node: cst.Arg) -> None:
        if node.keyword is not None:
            self.labels.add(node.keyword)

    def visit_Name(self, node: cst.Name) -> None:
        if node not in self.labels:
            self.used_names.add(node.value)
        names = self._record(node)
        if node.value == "MilvusClient" and names and not names & _MILVUS_CLIENT:
            self.client_name_is_pymilvus = False  # `MilvusClient` means something else here
        context = self.get_metadata(ExpressionContextProvider, node, None)
        if context in (ExpressionContext.STORE, ExpressionContext.DEL):
            self.stored.add(node)

    def visit_Attribute(self, node: cst.Attribute) -> None:
        self.labels.add(node.attr)
        self._record(node)

    def visit_Call(self, node: cst.Call) -> None:
        if isinstance(node.func, cst.Name) and node.func.value in _DYNAMIC_SCOPE_CALLS:
            key = self._membership_key(node)
            if key is None:
                self.dynamic_scope = True
            else:
                self.string_keys.add(key)

    def _membership_key(self, call: cst.Call) -> str | None:
        """`"name" in globals()` / `not in` (MM101/MM102's test of whether the module's client
        is bound): the call reads that one name by string and nothing else."""
        if call.args or not isinstance(call.func, cst.Name) or call.func.value != "globals":
            return None
        target = self.parents.get(call)  # ComparisonTarget, then the Comparison
        test = self.parents.get(target) if isinstance(target, cst.ComparisonTarget) else None
        if not (
            isinstance(test, cst.Comparison)
            and len(test.comparisons) == 1
            and test.comparisons[0].comparator is call
            and isinstance(test.comparisons[0].operator, cst.In | cst.NotIn)
            and isinstance(test.left, cst.SimpleString)
        ):
            return None
        key = test.left.evaluated_value
        return key if isinstance(key, str) else None

    def visit_Assign(self, node: cst.Assign) -> None:
        for target in node.targets:
            if isinstance(target.target, cst.Name) and target.target.value == "__all__":
                for string in _walk(node.value, cst.SimpleString):
                    self.exported.add(string.evaluated_value)

    def leave_Call(self, original_node: cst.Call) -> None:
        if self.is_(original_node.func, _COLLECTION_SCHEMA):  # func was visited by now
            self.schema_calls.append(original_node)

    # -- questions -------------------------------------------------------------------------

    def is_(self, node: cst.CSTNode, names: set[str]) -> bool:
        return bool(self.qualified.get(node, set()) & names)

    def line(self, node: cst.CSTNode) -> int:
        """The input line of `node` (codemods/input_lines.py)."""
        return self.input_lines.position(node)[0]


# ---- planning one site -----------------------------------------------------------------


class _Refuse(Exception):
    """This site cannot be proven equivalent; it stays as written."""


@dataclass
class _Field:
    call: cst.Call
    above: list[cst.Comment]  # comment lines that introduced the field
    beside: list[cst.Comment]  # comments on its line(s)


@dataclass
class _Plan:
    replacements: dict[cst.CSTNode, list[cst.SimpleStatementLine]]
    removed: set[cst.CSTNode] = field(default_factory=set)
    line: int = 0
    summary: str = ""


class _Planner:
    def __init__(self, facts: _Facts, ctx: MigrationContext) -> None:
        self.facts = facts
        self.ctx = ctx
        self.fresh_names: dict[cst.CSTNode | None, set[str]] = {}

    def plan(self, call: cst.Call) -> _Plan | None:
        try:
            return self._plan(call)
        except _Refuse:
            return None

    def _plan(self, call: cst.Call) -> _Plan:
        facts = self.facts
        statement, small = self._statement_of(call)
        if not self.ctx.may_rewrite(facts.line(statement), RULE.code):
            raise _Refuse("suppressed")
        if isinstance(small, cst.Expr) and small.value is call:
            raise _Refuse("a bare CollectionSchema(...) statement is a validation check")
        in_place = _binds_name(small, call)
        args = _bind(call, _SCHEMA_PARAMS)
        fields_arg = args.pop("fields", None)
        if fields_arg is None:
            raise _Refuse("no fields")
        functions = args.pop("functions", None)
        if args.get("struct_fields") is not None or "check_fields" in args:
            raise _Refuse("struct fields / check_fields")
        for value in args.values():
            self._require_call_free(value)
        function_values: list[cst.BaseExpression] = []
        if functions is not None and not _is_none(functions.value):
            if not isinstance(functions.value, cst.List):
                raise _Refuse("functions is not a list literal")
            for element in functions.value.elements:
                if isinstance(element, cst.StarredElement):
                    raise _Refuse("starred function")
                self._require_call_free(element.value)
                function_values.append(element.value)

        # Where the schema is built (the anchor): at the statement itself, or, when the
        # fields list lives in an enclosing block (`fields = [...]` then, after the lifecycle
        # rewrite, `if not client.has_collection(...): client.create_collection(...,
        # schema=CollectionSchema(fields))`), where the list was built.
        list_holder = None
        if isinstance(fields_arg.value, cst.Name):
            list_holder = self._single_use_statement(fields_arg.value, statement, nested=True)
        block = self._block_of(statement)
        at_holder = list_holder is not None and list_holder not in block
        if at_holder:
            if in_place:
                raise _Refuse("the fields list is built in another block")
            anchor = list_holder
            block = self._block_of(anchor)
            self._require_stable_between(anchor, statement, [*args.values(), *function_values])
        else:
            anchor = statement
            if not in_place:
                self._require_nothing_runs_before(statement, call)
        consumed_next = (
            self._next_reads(statement, _bound_name(small)) if in_place else not at_holder
        )
        self._refuse_inside_handlers(statement, consumed_next)

        moved: list[cst.SimpleStatementLine] = []  # statements folded into the anchor
        loose: list[cst.Comment] = []  # comments of the removed list/brackets
        if list_holder is not None:
            fields_list = _assigned_value(list_holder)
            if not isinstance(fields_list, cst.List):
                raise _Refuse("the fields variable is not a list literal")
            loose.extend(_comments(list_holder, exclude=[fields_list, *list_holder.leading_lines]))
            if not at_holder:
                moved.append(list_holder)
                loose[:0] = [c for ln in list_holder.leading_lines for c in _comments(ln)]
        elif isinstance(fields_arg.value, cst.List):
            fields_list = fields_arg.value
        else:
            raise _Refuse("fields is neither a list literal nor a variable")
        elements = list(fields_list.elements)
        above_of, beside_of, rest = _list_comments(fields_list)
        loose.extend(rest)

        fields: list[_Field] = []
        # Where each FieldSchema(...) is evaluated today: (statement index, position).
        order: list[tuple[int, int]] = []
        inline_at = block.index(list_holder if list_holder is not None else statement)
        for position, element in enumerate(elements):
            if isinstance(element, cst.StarredElement):
                raise _Refuse("starred element")
            value = element.value
            above, beside = list(above_of[position]), list(beside_of[position])
            if isinstance(value, cst.Name):
                holder = self._single_use_statement(value, anchor)
                value = _assigned_value(holder)
                above[:0] = [c for ln in holder.leading_lines for c in _comments(ln)]
                beside.extend(_comments(holder, exclude=[value, *holder.leading_lines]))
                moved.append(holder)
                order.append((block.index(holder), 0))
            else:
                order.append((inline_at, position))
            if not (isinstance(value, cst.Call) and facts.is_(value.func, _FIELD_SCHEMA)):
                raise _Refuse("an element is not a FieldSchema(...)")
            beside.extend(_comments(value, exclude=[arg.value for arg in value.args]))
            fields.append(_Field(value, above, beside))

        target = _bound_name(small) if in_place else self._fresh_name(statement)
        for item in (*fields, *function_values):
            node = item.call if isinstance(item, _Field) else item
            if any(n.value == target for n in _walk(node, cst.Name)):
                raise _Refuse("a field reads the name the schema is bound to")
        in_order = order == sorted(order)
        self._check_moves(anchor, block, moved, in_order, [f.call for f in fields])
        for holder in [*moved, anchor]:
            if not self.ctx.may_rewrite(facts.line(holder), RULE.code):
                raise _Refuse("suppressed")

        add_fields = [self._add_field(target, f) for f in fields]
        add_functions = [
            _expr_line(_method(target, "add_function", [cst.Arg(v)])) for v in function_values
        ]
        reused = [fields_arg.value, *(a.value for a in args.values()), *function_values]
        comments = [*loose, *_comments(call, exclude=reused)]
        create = _create_schema(list(args.values()))
        replacements: dict[cst.CSTNode, list[cst.SimpleStatementLine]] = {}
        if in_place:
            head = statement.with_changes(body=[small.with_changes(value=create)])
            tail: list[cst.SimpleStatementLine] = []
        else:  # `<target> = create_schema(...)` ... then the statement reads <target>
            assign = cst.Assign(targets=[cst.AssignTarget(cst.Name(target))], value=create)
            head = cst.SimpleStatementLine(body=[assign], leading_lines=anchor.leading_lines)
            rest = statement.visit(_ReplaceNode(call, cst.Name(target)))
            if at_holder:
                replacements[statement] = [rest]  # type: ignore[list-item]
                tail = []
            else:
                tail = [rest.with_changes(leading_lines=())]  # type: ignore[union-attr]
        head = _with_leading_comments(head, comments)
        replacements[anchor] = [head, *add_fields, *add_functions, *tail]
        summary = (
            f"CollectionSchema with {len(fields)} field(s) -> create_schema() + add_field()"
            + (f" + add_function() x{len(function_values)}" if function_values else "")
        )
        return _Plan(replacements, set(moved), facts.line(statement), summary)

    # -- pieces ----------------------------------------------------------------------------

    def _block_of(self, statement: cst.SimpleStatementLine) -> list[cst.BaseStatement]:
        parent = self.facts.parents.get(statement)
        if isinstance(parent, (cst.Module, cst.IndentedBlock)):
            return list(parent.body)
        raise _Refuse("not in a block")

    def _refuse_inside_handlers(self, statement: cst.CSTNode, consumed_next: bool) -> None:
        """Validation moves from CollectionSchema(...) to create_collection (both verify before
        any RPC). Code that catches exceptions around the build keeps the ORM form, unless the
        schema is consumed by the very next step (the statement itself when the build is
        hoisted, or the next statement of the block when it reads the schema name): then an
        invalid schema still raises inside the same handler, one statement later."""
        current = self.facts.parents.get(statement)
        while current is not None and not isinstance(current, (cst.FunctionDef, cst.Module)):
            if isinstance(current, (cst.Try, cst.TryStar)) and not consumed_next:
                raise _Refuse("inside try, and the schema is not used right away")
            if isinstance(current, cst.With) and self._may_suppress(current):
                raise _Refuse("inside a with that may swallow the construction-time exception")
            current = self.facts.parents.get(current)

    def _next_reads(self, statement: cst.SimpleStatementLine, name: str) -> bool:
        parent = self.facts.parents.get(statement)
        body = list(getattr(parent, "body", ()))
        following = body[body.index(statement) + 1 :] if statement in body else []
        return bool(following) and any(
            n.value == name and n not in self.facts.stored and n not in self.facts.labels
            for n in _walk(following[0], cst.Name)
        )

    def _may_suppress(self, with_node: cst.With) -> bool:
        """`with pytest.raises(...)`, `contextlib.suppress(...)`, `self.assertRaises(...)`:
        context managers whose job is to absorb the exception."""
        for item in with_node.items:
            expr = item.item.func if isinstance(item.item, cst.Call) else item.item
            if self.facts.qualified.get(expr, set()) & _SUPPRESSORS:
                return True
            if isinstance(expr, cst.Attribute) and expr.attr.value.startswith("assertRaises"):
                return True
        return False

    def _single_use_statement(
        self, name: cst.Name, statement: cst.SimpleStatementLine, nested: bool = False
    ) -> cst.SimpleStatementLine:
        """The `name = <value>` statement that is the only binding of `name`, read only at
        `name` (this node), earlier in the same block as `statement` (or, when `nested`, in a
        block that encloses it through `if`/`else` only); otherwise refuse."""
        facts = self.facts
        if facts.dynamic_scope or name.value in facts.exported or name.value in facts.string_keys:
            raise _Refuse("the name may be read dynamically or from another module")
        scope = facts.scopes.get(name)
        if scope is None:
            raise _Refuse("no scope")
        assignments = _visible_assignments(scope, name.value)
        if len(assignments) != 1:
            raise _Refuse("bound more than once")
        assignment = assignments[0]
        if isinstance(assignment.scope, ClassScope):
            raise _Refuse("a class attribute can be read from outside")
        if (
            isinstance(assignment.scope, GlobalScope)
            and self.ctx.options.imported_by
            and not name.value.startswith("_")
        ):
            # Another file of the run imports this module (migrator/run_imports.py): it may
            # read the field object, which the rewrite would fold into an add_field() call.
            raise _Refuse("a public module-level name of a module that others import")
        if [r.node for r in assignment.references] != [name]:
            raise _Refuse("read elsewhere")
        holder = _statement_holding(facts, getattr(assignment, "node", None))
        if holder is None:
            raise _Refuse("not a plain assignment statement")
        current: cst.CSTNode = statement
        while True:
            parent = facts.parents.get(current)
            if isinstance(parent, (cst.Module, cst.IndentedBlock)):
                body = list(parent.body)
                if holder in body:
                    if body.index(holder) < body.index(current):
                        return holder
                    raise _Refuse("bound after its use")
                if not nested or isinstance(parent, cst.Module):
                    raise _Refuse("not an earlier statement of an enclosing block")
            elif not isinstance(parent, (cst.If, cst.Else)):
                raise _Refuse("a loop, function or handler lies between binding and use")
            current = parent

    def _require_stable_between(
        self, anchor: cst.CSTNode, statement: cst.CSTNode, exprs: list[cst.BaseExpression]
    ) -> None:
        """Building the schema at `anchor` evaluates the CollectionSchema arguments earlier:
        only names and pymilvus constants, none of them rebound on the way to `statement`."""
        read: set[str] = set()
        for expr in exprs:
            for node in _walk(expr, cst.CSTNode):
                if isinstance(node, cst.Subscript):
                    raise _Refuse("a subscript may read changed state")
                if isinstance(node, cst.Attribute) and not any(
                    q.startswith("pymilvus.") for q in self.facts.qualified.get(node, ())
                ):
                    raise _Refuse("an attribute may read changed state")
                if isinstance(node, cst.Name):
                    read.add(node.value)
        start = self.facts.positions[anchor].end
        end = self.facts.positions[statement].start
        for name in self.facts.stored:
            pos = self.facts.positions[name].start
            if name.value in read and (start.line, start.column) <= (pos.line, pos.column) < (
                end.line,
                end.column,
            ):
                raise _Refuse("a name the schema arguments read is rebound on the way")

    def _check_moves(
        self,
        statement: cst.SimpleStatementLine,
        block: list[cst.BaseStatement],
        moved: list[cst.SimpleStatementLine],
        in_order: bool,
        field_calls: list[cst.Call],
    ) -> None:
        """Moving statements down to the schema statement must not change what they compute."""
        if not moved:
            return
        first = min(block.index(m) for m in moved)
        between = [s for s in block[first : block.index(statement)] if s not in moved]
        if not between and in_order:
            return
        for call in field_calls:
            self._require_call_free(call)
        read = {n.value for call in field_calls for n in _walk(call, cst.Name)}
        for other in between:
            if not isinstance(other, cst.SimpleStatementLine):
                raise _Refuse("a compound statement in between")
            for small in other.body:
                if not isinstance(
                    small, (cst.Assign, cst.AnnAssign, cst.AugAssign, cst.Expr, cst.Pass)
                ):
                    raise _Refuse("an import/global/del/return in between")
                self._require_call_free(small)
            rebound = {n.value for n in _walk(other, cst.Name) if n in self.facts.stored}
            if rebound & read:
                raise _Refuse("a name the fields read is rebound in between")

    def _require_call_free(self, node: cst.CSTNode) -> None:
        """Reordering is only safe for code without side effects: no calls but the pure
        FieldSchema/Function constructors, no await/yield/walrus/comprehension."""
        for inner in _walk(node, cst.CSTNode):
            if isinstance(inner, cst.Call):
                if not self.facts.is_(inner.func, _FIELD_SCHEMA | _FUNCTION):
                    raise _Refuse("a call whose evaluation order would change")
            elif isinstance(inner, _EFFECTS):
                raise _Refuse("an expression with side effects")

    def _statement_of(
        self, call: cst.Call
    ) -> tuple[cst.SimpleStatementLine, cst.BaseSmallStatement]:
        """The one-statement line that evaluates `call` unconditionally and once: the call is
        the value of an assignment/return/expression, possibly as an argument of other calls
        (`Collection("x", CollectionSchema(...))`), with nothing conditional in between."""
        node: cst.CSTNode = call
        while True:
            parent = self.facts.parents.get(node)
            if isinstance(parent, cst.Arg) and not parent.star:
                outer = self.facts.parents.get(parent)
                if not isinstance(outer, cst.Call):
                    raise _Refuse("not a call argument")
                node = outer
                continue
            if isinstance(parent, (cst.Assign, cst.AnnAssign, cst.Return, cst.Expr)):
                if parent.value is not node:
                    raise _Refuse("not the assigned value")
                line = self.facts.parents.get(parent)
                if isinstance(line, cst.SimpleStatementLine) and len(line.body) == 1:
                    return line, parent
            raise _Refuse("not a plain statement")

    def _require_nothing_runs_before(self, statement: cst.CSTNode, call: cst.Call) -> None:
        """Hoisting the schema build above its statement is only safe when nothing in that
        statement that runs before it has side effects (textual order = evaluation order for
        the call/argument chains `_statement_of` admits)."""
        start = self.facts.positions[call].start
        inside = set(_walk(call, cst.CSTNode))
        ancestors = set()
        node = self.facts.parents.get(call)
        while node is not None and node is not statement:
            ancestors.add(node)
            node = self.facts.parents.get(node)
        for inner in _walk(statement, cst.CSTNode):
            if inner in inside or inner in ancestors:
                continue
            if isinstance(inner, (cst.Call, *_EFFECTS)):
                pos = self.facts.positions[inner].start
                if (pos.line, pos.column) < (start.line, start.column):
                    raise _Refuse("something with side effects runs before the schema build")

    def _fresh_name(self, statement: cst.CSTNode) -> str:
        """`schema` (or `schema_2`, ...): a name the enclosing function never mentions, so a
        new local shadows nothing; at module level, a name the module never mentions."""
        node = self.facts.parents.get(statement)
        while node is not None and not isinstance(node, (cst.FunctionDef, cst.ClassDef)):
            node = self.facts.parents.get(node)
        if isinstance(node, cst.ClassDef):
            raise _Refuse("a new name in a class body would become a class attribute")
        if node is None:
            taken = set(self.facts.used_names)
        else:
            taken = {n.value for n in _walk(node, cst.Name) if n not in self.facts.labels}
        claimed = self.fresh_names.setdefault(node, set())
        taken |= claimed  # names earlier sites in the same function introduced
        taken |= self.facts.string_keys  # a global tested by `"name" in globals()`
        base, i = "schema", 2
        name = base
        while name in taken:
            name, i = f"{base}_{i}", i + 1
        claimed.add(name)
        return name

    def _add_field(self, target: str, spec: _Field) -> cst.SimpleStatementLine:
        args = _bind(spec.call, _FIELD_PARAMS)
        if "name" not in args or "dtype" not in args:
            raise _Refuse("FieldSchema without name/dtype")
        if "field_name" in args or "datatype" in args:
            raise _Refuse("a FieldSchema keyword clashes with add_field's parameters")
        if "element_type" in args and not self._element_type_is_plain(args):
            # add_field takes a different path for ARRAY of STRUCT (struct_schema)
            raise _Refuse("element type may be STRUCT")
        out = [
            cst.Arg(
                value=arg.value,
                keyword=cst.Name(_FIELD_KEYWORDS.get(key, key)),
                equal=cst.AssignEqual(whitespace_before=_NO_SPACE, whitespace_after=_NO_SPACE),
            )
            for key, arg in args.items()
        ]
        line = _expr_line(_method(target, "add_field", out))
        return _with_comments(line, spec.above, spec.beside)

    def _element_type_is_plain(self, args: dict[str, cst.Arg]) -> bool:
        def data_type(expr: cst.BaseExpression) -> str | None:
            for name in self.facts.qualified.get(expr, set()):
                head, _, member = name.rpartition(".")
                if head.startswith("pymilvus") and head.endswith("DataType"):
                    return member
            return None

        dtype = data_type(args["dtype"].value)
        element = data_type(args["element_type"].value)
        if dtype is not None and dtype != "ARRAY":
            return True
        return element is not None and "STRUCT" not in element


# ---- small helpers ---------------------------------------------------------------------


def _bind(call: cst.Call, params: tuple[str, ...]) -> dict[str, cst.Arg]:
    """Arguments by parameter name, in source order; refuses `*args`, `**kwargs` and
    surplus positional arguments (they would bind differently or not at all)."""
    out: dict[str, cst.Arg] = {}
    position = 0
    for arg in call.args:
        if arg.star:
            raise _Refuse("star arguments")
        if arg.keyword is None:
            if position >= len(params):
                raise _Refuse("too many positional arguments")
            key = params[position]
            position += 1
        else:
            key = arg.keyword.value
        if key in out:
            raise _Refuse("argument given twice")
        out[key] = arg
    return out


def _visible_assignments(scope, name: str) -> list:  # noqa: ANN001 (libcst Scope)
    """Assignments of `name` that a read in `scope` can see (its own or an enclosing one)."""
    return list(scope[name]) if name in scope else []


def _statement_holding(facts: _Facts, node: cst.CSTNode | None) -> cst.SimpleStatementLine | None:
    """The statement when `node` is the target of `node = value` (plain or annotated)."""
    if not isinstance(node, cst.Name):
        return None
    target = facts.parents.get(node)
    small = facts.parents.get(target) if isinstance(target, cst.AssignTarget) else target
    if isinstance(small, cst.Assign) and len(small.targets) != 1:
        return None
    if not (
        isinstance(small, cst.Assign) or (isinstance(small, cst.AnnAssign) and small.target is node)
    ):
        return None
    if small.value is None:
        return None
    line = facts.parents.get(small)
    if isinstance(line, cst.SimpleStatementLine) and len(line.body) == 1:
        return line
    return None


def _binds_name(small: cst.BaseSmallStatement, call: cst.Call) -> bool:
    """`name = CollectionSchema(...)` / `name: T = CollectionSchema(...)`: rewritten in place."""
    if isinstance(small, cst.Assign):
        return (
            small.value is call
            and isinstance(small.targets[0].target, cst.Name)
            and len(small.targets) == 1
        )
    if isinstance(small, cst.AnnAssign):
        return small.value is call and isinstance(small.target, cst.Name)
    return False


def _bound_name(small: cst.BaseSmallStatement) -> str:
    if isinstance(small, cst.Assign):
        return small.targets[0].target.value  # type: ignore[union-attr]
    return small.target.value  # type: ignore[union-attr]


def _assigned_value(statement: cst.SimpleStatementLine) -> cst.BaseExpression:
    small = statement.body[0]
    assert isinstance(small, (cst.Assign, cst.AnnAssign)) and small.value is not None
    return small.value


def _is_none(expr: cst.BaseExpression) -> bool:
    return isinstance(expr, cst.Name) and expr.value == "None"


def _create_schema(args: list[cst.Arg]) -> cst.Call:
    """`MilvusClient.create_schema(...)` with the CollectionSchema arguments as keywords
    (the only positional one left by then is `description`)."""
    keyword_args = [
        cst.Arg(
            value=arg.value,
            keyword=arg.keyword if arg.keyword is not None else cst.Name("description"),
            equal=cst.AssignEqual(whitespace_before=_NO_SPACE, whitespace_after=_NO_SPACE),
        )
        for arg in args
    ]
    func = cst.Attribute(cst.Name("MilvusClient"), cst.Name("create_schema"))
    return cst.Call(func=func, args=keyword_args)


def _method(target: str, name: str, args: list[cst.Arg]) -> cst.Call:
    return cst.Call(func=cst.Attribute(cst.Name(target), cst.Name(name)), args=args)


def _expr_line(call: cst.Call) -> cst.SimpleStatementLine:
    return cst.SimpleStatementLine(body=[cst.Expr(call)])


def _walk(node: cst.CSTNode, kind: type) -> Iterator:
    stack = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, kind):
            yield current
        stack.extend(reversed(current.children))


def _comments(node: cst.CSTNode, exclude: list[cst.CSTNode] = ()) -> list[cst.Comment]:  # type: ignore[assignment]
    """Comments inside `node`, in source order, skipping the subtrees in `exclude`."""
    skip = {id(n) for n in exclude}
    out: list[cst.Comment] = []
    stack = [node]
    while stack:
        current = stack.pop()
        if id(current) in skip:
            continue
        if isinstance(current, cst.Comment):
            out.append(current)
        stack.extend(reversed(current.children))
    return out


def _with_comments(
    line: cst.SimpleStatementLine, above: list[cst.Comment], beside: list[cst.Comment]
) -> cst.SimpleStatementLine:
    """A single same-line comment stays on the line (`add_field(...)  # pk`); the others
    go above it."""
    if len(beside) == 1:
        line = line.with_changes(
            trailing_whitespace=cst.TrailingWhitespace(
                whitespace=cst.SimpleWhitespace("  "), comment=beside[0]
            )
        )
        beside = []
    return _with_leading_comments(line, [*above, *beside])


def _list_comments(
    lst: cst.List,
) -> tuple[list[list[cst.Comment]], list[list[cst.Comment]], list[cst.Comment]]:
    """Comments of a one-element-per-line list, attributed to the element they belong to:
    a comment after an element's comma is beside it, comment lines below belong to the next
    element (`above`), the ones before `]` to none (`rest`)."""
    n = len(lst.elements)
    above: list[list[cst.Comment]] = [[] for _ in range(n)]
    beside: list[list[cst.Comment]] = [[] for _ in range(n)]
    rest: list[cst.Comment] = []

    def split(ws: cst.BaseParenthesizableWhitespace) -> tuple[list, list]:
        if not isinstance(ws, cst.ParenthesizedWhitespace):
            return [], []
        same = [ws.first_line.comment] if ws.first_line.comment else []
        return same, [ln.comment for ln in ws.empty_lines if ln.comment]

    same, below = split(lst.lbracket.whitespace_after)
    (above[0] if n else rest).extend([*same, *below])
    for i, element in enumerate(lst.elements):
        comma = element.comma
        if isinstance(comma, cst.Comma):
            beside[i].extend(_comments(comma.whitespace_before))
            same, below = split(comma.whitespace_after)
            beside[i].extend(same)
            (above[i + 1] if i + 1 < n else rest).extend(below)
    same, below = split(lst.rbracket.whitespace_before)
    (beside[n - 1] if n else rest).extend(same)
    rest.extend(below)
    return above, beside, rest


def _with_leading_comments(
    line: cst.SimpleStatementLine, comments: list[cst.Comment]
) -> cst.SimpleStatementLine:
    if not comments:
        return line
    extra = [cst.EmptyLine(comment=c) for c in comments]
    return line.with_changes(leading_lines=[*line.leading_lines, *extra])


# ---- applying the plans ----------------------------------------------------------------


class _ReplaceNode(cst.CSTTransformer):
    def __init__(self, old: cst.CSTNode, new: cst.CSTNode) -> None:
        super().__init__()
        self.old, self.new = old, new

    def on_leave(self, original_node, updated_node):  # type: ignore[override]
        return self.new if original_node is self.old else updated_node


class _Apply(cst.CSTTransformer):
    """Rebuilds each block: planned statements replaced, folded ones removed. A removed
    statement's blank lines go to the next statement that stays, so paragraphs keep their
    spacing (its comments were already moved onto the schema build)."""

    def __init__(self, plans: list[_Plan]) -> None:
        super().__init__()
        self.replace = {node: new for plan in plans for node, new in plan.replacements.items()}
        self.remove = {node for plan in plans for node in plan.removed}

    def leave_IndentedBlock(
        self, original_node: cst.IndentedBlock, updated_node: cst.IndentedBlock
    ) -> cst.IndentedBlock:
        return updated_node.with_changes(body=self._body(original_node.body, updated_node.body))

    def leave_Module(self, original_node: cst.Module, updated_node: cst.Module) -> cst.Module:
        return updated_node.with_changes(body=self._body(original_node.body, updated_node.body))

    def _body(self, originals, updated) -> list[cst.BaseStatement]:
        out: list[cst.BaseStatement] = []
        blanks: list[cst.EmptyLine] = []
        for original, new in zip(originals, updated, strict=True):
            if original in self.remove:
                blanks.extend(line for line in original.leading_lines if line.comment is None)
                continue
            replacement = self.replace.get(original, [new])
            first = replacement[0]
            if blanks and not any(line.comment is None for line in first.leading_lines[:1]):
                first = first.with_changes(leading_lines=[*blanks[:1], *first.leading_lines])
            blanks = []
            out.extend([first, *replacement[1:]])
        return out
