"""The shared transformer behind every rule that rewrites `Collection` method calls and
properties: it asks the model what the receiver is, runs the concern's converter and either
applies the rewrite or reports the site. Each concern module (data, search, index, ...)
instantiates it with its own method table."""

from __future__ import annotations

import libcst as cst

from codemods.analysis import MethodRule, OrmModel, PropertyRule, model_of
from codemods.base import UNSAFE_SUGGESTION
from codemods.context import MigrationContext
from codemods.held_collections import unsafe_only
from codemods.imports import add_imports
from codemods.rewrite import FStringTracker, Refuse, Rewrite, code_of, fit_in_fstring


class CollectionCallTransformer(FStringTracker, cst.CSTTransformer):
    def __init__(
        self,
        model: OrmModel,
        ctx: MigrationContext,
        methods: dict[str, MethodRule],
        properties: dict[str, PropertyRule] | None = None,
    ) -> None:
        super().__init__()
        self.model = model
        self.ctx = ctx
        self.methods = methods
        self.properties = properties or {}
        self._statements: dict[cst.Call, Rewrite] = {}
        # statement line -> statements a rewrite of a call inside it needs to run first
        self._before: dict[cst.SimpleStatementLine, list[cst.BaseStatement]] = {}
        # What applied rewrites need (Rewrite.imports); key "" holds plain `import M` modules.
        self.imports: dict[str, set[str]] = {}
        # The same, by the code of the rule that needed them (FusedCollectionCalls adds them
        # concern by concern, as separate passes would).
        self.imports_by_code: dict[str, dict[str, set[str]]] = {}

    # -- method calls -------------------------------------------------------------------

    def leave_Call(self, original: cst.Call, updated: cst.Call) -> cst.BaseExpression:
        func = original.func
        if not isinstance(func, cst.Attribute):
            return updated
        rule = self.methods.get(func.attr.value)
        if rule is None:
            return updated
        ref = self.model.collection_ref(func.value)
        if ref is None:
            return updated
        line, col = self.model.position(original)
        label = code_of(func)
        if not ref.convertible:
            self._report_blocked(ref, line, col, rule.code, label)
            return updated
        env = self.model.env_for(ref, statement=self.model.is_expr_statement(original))
        env.name = ref.name.deep_clone()
        env.original = original
        hoisted = self.model.receiver_hoisted(func.value)
        if hoisted:  # `name = make(...)` goes first (OrmModel._receiver_problem says why)
            env.name = cst.Name(self.model.fresh_name("collection_name"))
        result = rule.convert(updated, env)
        if isinstance(result, Refuse):
            self.ctx.report(
                line, col, rule.code, f"`{label}()`: {result.reason}", result.suggestion
            )
            return updated
        code = result.code or rule.code
        if result.unsafe and not self.ctx.options.unsafe_fixes:
            self.ctx.report(line, col, code, f"`{label}()`: {result.note}", UNSAFE_SUGGESTION)
            return updated
        if not self.ctx.may_rewrite(line, code):
            return updated
        if result.note:
            self.ctx.report(line, col, code, result.note)
        self.ctx.record_change(line, code, result.summary or f"{label}() -> MilvusClient")
        for module, spec in result.imports:
            self.imports.setdefault(module, set()).add(spec)
            self.imports_by_code.setdefault(code, {}).setdefault(module, set()).add(spec)
        if hoisted:
            line_node = statement_slot(self.model, original)
            assert isinstance(line_node, cst.SimpleStatementLine)  # the model checked it
            assign = cst.Assign(
                targets=[cst.AssignTarget(target=cst.Name(env.name.value))],  # type: ignore[attr-defined]
                value=updated.func.value,
            )
            # First: the ORM evaluated the receiver before any argument (and what those
            # arguments' rewrites put before the line).
            self._before.setdefault(line_node, []).insert(0, cst.SimpleStatementLine([assign]))
        if result.statements:
            self._statements[original] = result
            return updated
        if result.before:
            line_node = statement_slot(self.model, original)
            assert isinstance(line_node, cst.SimpleStatementLine)  # the converter checked it
            self._before.setdefault(line_node, []).extend(result.before)
        assert result.expr is not None
        return fit_in_fstring(result.expr, self.fquotes)

    def leave_SimpleStatementLine(
        self, original: cst.SimpleStatementLine, updated: cst.SimpleStatementLine
    ) -> cst.BaseStatement | cst.FlattenSentinel[cst.BaseStatement]:
        before = self._before.get(original)
        if before:
            return flatten_statements(updated, [*before, updated.with_changes(leading_lines=[])])
        if len(original.body) != 1 or not isinstance(original.body[0], cst.Expr):
            return updated
        call = original.body[0].value
        result = self._statements.get(call)  # type: ignore[arg-type]
        if result is None:
            return updated
        return flatten_statements(updated, list(result.statements))

    # -- properties ---------------------------------------------------------------------

    def leave_Attribute(
        self, original: cst.Attribute, updated: cst.Attribute
    ) -> cst.BaseExpression:
        if original in self.model.strip_name and "partitions" in self.properties:
            return updated.value  # `p.name` where p now iterates list_partitions() names
        rule = self.properties.get(original.attr.value)
        if rule is None:
            return updated
        parent = self.model.parent(original)
        if isinstance(parent, cst.Call) and parent.func is original:
            return updated  # a method call, not a property
        ref = self.model.collection_ref(original.value)
        if ref is None:
            return updated
        line, col = self.model.position(original)
        label = code_of(original)
        if not ref.convertible:
            self._report_blocked(ref, line, col, rule.code, label)
            return updated
        env = self.model.env_for(ref)
        env.name = ref.name.deep_clone()
        result = rule.convert(original, env)
        if isinstance(result, Refuse):
            self.ctx.report(line, col, rule.code, f"`{label}`: {result.reason}", result.suggestion)
            return updated
        if not self.ctx.may_rewrite(line, rule.code):
            return updated
        if result.note:
            self.ctx.report(line, col, rule.code, result.note)
        self.ctx.record_change(line, rule.code, result.summary or f"{label} -> MilvusClient")
        assert result.expr is not None
        return fit_in_fstring(result.expr, self.fquotes)

    def _report_blocked(self, ref, line: int, col: int, code: str, label: str) -> None:
        if ref.binding is not None and ref.binding.blocked:
            node, reason = ref.binding.blocked[0]
            where = self.model.input_line(node)
            message = f"`{label}` left as ORM code: {reason} (line {where})"
        elif ref.client is None:
            message = (
                f"`{label}` left as ORM code: no MilvusClient for its connection in this module"
            )
        else:
            message = f"`{label}` left as ORM code: {ref.refusal}"
        suggestion = (
            UNSAFE_SUGGESTION
            if ref.binding is not None and unsafe_only(ref.binding)
            else "migrate the collection's uses by hand"
        )
        self.ctx.report(line, col, code, message, suggestion)


# Expressions whose parts run conditionally, repeatedly or later: a statement placed before
# the enclosing line would run where the original call might not (or more often).
_DEFERRING: dict[type[cst.CSTNode], str] = {
    cst.Lambda: "a lambda",
    cst.ListComp: "a comprehension",
    cst.SetComp: "a comprehension",
    cst.DictComp: "a comprehension",
    cst.GeneratorExp: "a generator expression",
    cst.IfExp: "a conditional expression",
    cst.BooleanOperation: "an `and`/`or` operand",
}


def statement_slot(model: OrmModel, call: cst.Call) -> cst.SimpleStatementLine | str:
    """The statement line a statement may be inserted before so that it runs exactly once,
    right before `call`; else why not. Only a line of one statement in a block qualifies (a
    one-line compound statement such as `if x: f()` has no line of its own), and the call must
    not sit in a lambda, comprehension, conditional expression or `and`/`or` operand."""
    node: cst.CSTNode | None = model.parent(call)
    while node is not None and not isinstance(node, cst.BaseSmallStatement):
        kind = _DEFERRING.get(type(node))
        if kind is not None:
            return f"the call is inside {kind}: a statement before it would change when it runs"
        node = model.parent(node)
    line = model.parent(node) if node is not None else None
    if not isinstance(line, cst.SimpleStatementLine):
        return (
            "the call is not in a statement line of its own (a one-line `if x: ...` body or "
            "a compound statement's header)"
        )
    if len(line.body) != 1:
        return "the call shares its line with other statements"
    return line


def flatten_statements(
    original: cst.SimpleStatementLine, statements: list[cst.BaseStatement]
) -> cst.FlattenSentinel[cst.BaseStatement]:
    """Replace one statement line by several, keeping its leading comments and its trailing one."""
    first = statements[0]
    statements[0] = first.with_changes(leading_lines=original.leading_lines)
    last = statements[-1]
    if isinstance(last, cst.SimpleStatementLine):
        statements[-1] = last.with_changes(trailing_whitespace=original.trailing_whitespace)
    return cst.FlattenSentinel(statements)


class CollectionCallCodemod:
    """A codemod over one concern's method (and property) tables."""

    rules: tuple = ()
    methods: dict[str, MethodRule] = {}
    properties: dict[str, PropertyRule] = {}
    # A concern that needs more than the tables subclasses the transformer; its extra hooks
    # must act only on nodes of its own concern (so that it can run fused with others).
    transformer: type[CollectionCallTransformer] = CollectionCallTransformer

    def apply(self, module: cst.Module, ctx: MigrationContext) -> cst.Module:
        model = model_of(module, ctx)
        if not model.bindings and not _has_inline_ctor_receiver(model):
            return module
        transformer = self.transformer(model, ctx, self.methods, self.properties)
        new = model.module.visit(transformer)
        for imports in self._import_groups(transformer):
            objects = {mod: specs for mod, specs in imports.items() if mod}
            new = add_imports(new, imports.get("", set()), objects)
        return new

    def _import_groups(self, transformer: CollectionCallTransformer) -> list[dict[str, set[str]]]:
        """The imports the applied rewrites need, in the groups `add_imports` takes them."""
        return [transformer.imports] if transformer.imports else []


class FusedCollectionCalls(CollectionCallCodemod):
    """Several collection-call codemods run as one pass over one analysis.

    Their method and property tables are disjoint (checked here), so every call site still goes
    to the one concern that owns it; running them together only saves the analysis each one
    would otherwise rebuild on its predecessor's output.
    """

    def __init__(self, parts: list[CollectionCallCodemod]) -> None:
        self.parts = parts
        self.rules = tuple(rule for part in parts for rule in part.rules)
        self.transformer = max((part.transformer for part in parts), key=lambda t: len(t.__mro__))
        self.methods = {}
        self.properties = {}
        for part in parts:
            clash = (self.methods.keys() & part.methods.keys()) | (
                self.properties.keys() & part.properties.keys()
            )
            if clash:
                raise ValueError(f"{type(part).__name__} also claims {sorted(clash)}")
            self.methods.update(part.methods)
            self.properties.update(part.properties)

    def _import_groups(self, transformer: CollectionCallTransformer) -> list[dict[str, set[str]]]:
        """One group per part, in the parts' order: `add_imports` puts new names before those
        a line already has, so separate passes would order a shared `from M import` line so
        (test_engine_shortcuts). A code no part claims goes with the last group."""
        groups: list[dict[str, set[str]]] = [{} for _ in self.parts]
        for code, imports in transformer.imports_by_code.items():
            owner = next(
                (i for i, part in enumerate(self.parts) if code in {r.code for r in part.rules}),
                len(self.parts) - 1,
            )
            for module, specs in imports.items():
                groups[owner].setdefault(module, set()).update(specs)
        return [group for group in groups if group]


def fuse_collection_calls(codemods: list) -> list:
    """`codemods` with each run of consecutive plain collection-call codemods fused into one."""
    out: list = []
    for codemod in codemods:
        plain = type(codemod).apply is CollectionCallCodemod.apply
        previous = out[-1] if out else None
        if (
            plain
            and isinstance(previous, FusedCollectionCalls)
            and _related(previous.transformer, codemod.transformer)
        ):
            out[-1] = FusedCollectionCalls([*previous.parts, codemod])
        elif plain:
            out.append(FusedCollectionCalls([codemod]))
        else:
            out.append(codemod)
    return out


def _related(a: type, b: type) -> bool:
    """Transformers that can run as one: one extends the other (the fused pass uses it)."""
    return issubclass(a, b) or issubclass(b, a)


def _has_inline_ctor_receiver(model: OrmModel) -> bool:
    return any(name == "Collection" for name in model.canonical_of.values())
