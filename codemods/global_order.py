"""Keep added `global` declarations ahead of every use of their name in the function.

A connect rewritten inside a function declares `global client` right above the new client.
When the same function already used `client` earlier (a disconnect turned into
`client.close()` above the connect, holdout4's ho53), Python rejects the function at compile
time: "name 'client' is used prior to global declaration". The original compiled, so any such
late declaration comes from a rewrite; it moves to the top of the function body, where it
means the same (a `global` statement applies to the whole function whatever its position).
"""

from __future__ import annotations

import libcst as cst

from codemods.existence_guards import is_docstring

_NESTED = (cst.FunctionDef, cst.ClassDef)


class _LateGlobals(cst.CSTVisitor):
    """Names a `global` of this function declares after the function already used them."""

    def __init__(self) -> None:
        self.used: set[str] = set()
        self.late: set[str] = set()

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        return False  # a nested function is a scope of its own

    def visit_ClassDef(self, node: cst.ClassDef) -> bool:
        return False

    def visit_Global(self, node: cst.Global) -> bool:
        self.late.update(item.name.value for item in node.names if item.name.value in self.used)
        return False

    def visit_Attribute(self, node: cst.Attribute) -> bool:
        node.value.visit(self)  # `x.client` does not use the name `client`
        return False

    def visit_Arg(self, node: cst.Arg) -> bool:
        node.value.visit(self)  # nor does the keyword `client=`
        return False

    def visit_Name(self, node: cst.Name) -> None:
        self.used.add(node.value)


class _DropDeclarations(cst.CSTTransformer):
    def __init__(self, names: set[str]) -> None:
        self.names = names

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        return False

    def visit_ClassDef(self, node: cst.ClassDef) -> bool:
        return False

    def leave_SimpleStatementLine(
        self, original: cst.SimpleStatementLine, updated: cst.SimpleStatementLine
    ) -> cst.BaseStatement | cst.RemovalSentinel:
        body = []
        for small in updated.body:
            if isinstance(small, cst.Global):
                kept = [item for item in small.names if item.name.value not in self.names]
                if not kept:
                    continue
                kept[-1] = kept[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
                small = small.with_changes(names=kept)
            body.append(small)
        if not body:
            return cst.RemoveFromParent()
        return updated.with_changes(body=body)


class _Hoist(cst.CSTTransformer):
    def leave_FunctionDef(
        self, original: cst.FunctionDef, updated: cst.FunctionDef
    ) -> cst.FunctionDef:
        if not isinstance(updated.body, cst.IndentedBlock):
            return updated
        finder = _LateGlobals()
        for statement in updated.body.body:
            statement.visit(finder)
        if not finder.late:
            return updated
        names = sorted(finder.late)
        statements = [s.visit(_DropDeclarations(finder.late)) for s in updated.body.body]
        statements = [s for s in statements if not isinstance(s, cst.RemovalSentinel)]
        declare = cst.SimpleStatementLine([cst.Global([cst.NameItem(cst.Name(n)) for n in names])])
        # after the docstring; a comment above the first statement stays with it
        at = 1 if statements and is_docstring(statements[0]) else 0
        statements.insert(at, declare)
        return updated.with_changes(body=updated.body.with_changes(body=statements))


def hoist_late_globals(module: cst.Module) -> cst.Module:
    """`module` with every `global` that follows a use of its name moved to the function top."""
    return module.visit(_Hoist())
