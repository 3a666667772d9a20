"""MM114: `compact()` and the `wait_for_compaction_completed()` after it -> client calls.

The ORM's `col.compact()` returns None and keeps the job id on the Collection object;
`col.wait_for_compaction_completed()` polls that id every 0.5 s until the state is
Completed (pymilvus 3.0.2, client/grpc_handler.py). MilvusClient returns the id from
`compact()` and has only `get_compaction_state(job_id)` ("Completed", "Executing", ...), so
the pair becomes

    compaction_id = client.compact(collection_name=col)
    while client.get_compaction_state(job_id=compaction_id) != "Completed":
        time.sleep(0.5)

Only where the wait provably reads the id of that compact: the two are statements of the same
block on the same receiver, with at most `print(...)` statements (no other calls) between
them. A lone `compact()` statement becomes `client.compact(collection_name=col)`. A compact
whose result is assigned to a name (`job = col.compact()`, a statement of its own) runs first
and the name gets the None the ORM returned (`job = None`): code that prints or tests `job`
keeps seeing None, where MilvusClient's job id would change it. A compact whose result is
read any other way, arguments other than `timeout=` on compact or any on the wait (its
timeout raises after polling; is_clustering keeps a second id), and a wait without its
compact keep the collection ORM.
"""

from __future__ import annotations

import libcst as cst

from codemods.analysis import MethodRule, OrmModel
from codemods.base import Applicability, RuleInfo
from codemods.collection_calls import CollectionCallCodemod, statement_slot
from codemods.rewrite import Env, Refuse, Rewrite, bind, client_call, code_of, copy_args, kwarg

COMPACTION = RuleInfo(
    code="MM114",
    title="compact() + wait_for_compaction_completed() -> client.compact + a state poll",
    description=(
        "`col.compact()` followed in the same block by `col.wait_for_compaction_completed()` "
        "(only `print(...)` statements between) becomes `compaction_id = "
        "client.compact(collection_name=col)` and a loop polling "
        '`client.get_compaction_state(job_id=compaction_id)` until "Completed", sleeping '
        "0.5 s as the ORM does (`import time` is added). A lone `compact()` statement becomes "
        "`client.compact(collection_name=col)`. `job = col.compact()` (a statement of its "
        "own) runs the compact first and then keeps the ORM's result: `job = None`, since "
        "MilvusClient returns the job id where the ORM returned None. A compact whose result "
        "is read any other way, `is_clustering=`, a wait with arguments or without its "
        "compact keep the collection ORM and are reported."
    ),
    applicability=Applicability.SAFE,
    before="col.compact()\ncol.wait_for_compaction_completed()\n",
    after=(
        "compaction_id = client.compact(collection_name=col)\n"
        'while client.get_compaction_state(job_id=compaction_id) != "Completed":\n'
        "    time.sleep(0.5)\n"
    ),
)

_ID = "compaction_id"
_COMPACT = "compact"
_WAIT = "wait_for_compaction_completed"


def _siblings(model: OrmModel, call: cst.Call) -> tuple[list[cst.BaseStatement], int] | None:
    """The statements of the block holding `call`'s statement line, and its index there."""
    line = model.statement_of(call)
    block = model.parent(line) if line is not None else None
    body = getattr(block, "body", None)
    if line is None or not isinstance(body, (list, tuple)):
        return None
    for index, stmt in enumerate(body):
        if stmt is line:
            return list(body), index
    return None


def _method_statement(stmt: cst.BaseStatement, receiver: str, method: str) -> cst.Call | None:
    """`<receiver>.<method>(...)` as the whole of `stmt`; for compact also `name = <that>`."""
    if not (isinstance(stmt, cst.SimpleStatementLine) and len(stmt.body) == 1):
        return None
    small = stmt.body[0]
    call = small.value if isinstance(small, cst.Expr) else None
    if method == _COMPACT and _assigns_one_name(small):
        call = small.value  # type: ignore[attr-defined]
    if (
        isinstance(call, cst.Call)
        and isinstance(call.func, cst.Attribute)
        and call.func.attr.value == method
        and code_of(call.func.value) == receiver
    ):
        return call
    return None


def _only_prints(stmt: cst.BaseStatement) -> bool:
    """`print(...)` with no other call in it: it cannot reach the Collection's job id."""
    if not (isinstance(stmt, cst.SimpleStatementLine) and len(stmt.body) == 1):
        return False
    expr = stmt.body[0]
    if not (isinstance(expr, cst.Expr) and isinstance(expr.value, cst.Call)):
        return False
    call = expr.value
    if not (isinstance(call.func, cst.Name) and call.func.value == "print"):
        return False
    inner = [n for arg in call.args for n in _calls_in(arg.value)]
    return not inner


def _calls_in(node: cst.CSTNode) -> list[cst.CSTNode]:
    found: list[cst.CSTNode] = []

    class _Find(cst.CSTVisitor):
        def visit_Call(self, node: cst.Call) -> bool:
            found.append(node)
            return False

        def visit_NamedExpr(self, node: cst.NamedExpr) -> bool:
            found.append(node)
            return False

    node.visit(_Find())
    return found


def _assigns_one_name(small: cst.BaseSmallStatement) -> bool:
    """`name = <value>`: one target, a plain name (storing None there has no side effect)."""
    return (
        isinstance(small, cst.Assign)
        and len(small.targets) == 1
        and isinstance(small.targets[0].target, cst.Name)
    )


def _result_name(model: OrmModel, call: cst.Call) -> cst.SimpleStatementLine | None:
    """The statement line of `name = call` when that is all of it, so the compact can run
    as a statement before it and the assignment keep the ORM's None."""
    assign = model.parent(call)
    if not (isinstance(assign, cst.Assign) and assign.value is call and _assigns_one_name(assign)):
        return None
    line = statement_slot(model, call)
    return line if isinstance(line, cst.SimpleStatementLine) else None


def _partner(model: OrmModel, call: cst.Call, method: str, step: int) -> cst.Call | None:
    """The `<same receiver>.<method>()` statement after (step 1) or before (step -1) `call`'s
    statement in its block, with only print statements between."""
    found = _siblings(model, call)
    if found is None or not isinstance(call.func, cst.Attribute):
        return None
    body, index = found
    receiver = code_of(call.func.value)
    index += step
    while 0 <= index < len(body):
        partner = _method_statement(body[index], receiver, method)
        if partner is not None:
            return partner
        if not _only_prints(body[index]):
            return None
        index += step
    return None


def _time_problem(model: OrmModel) -> str:
    """Why `time.sleep` cannot be written in this module ('' when it can)."""
    if not model.is_name_used("time"):
        return ""
    for stmt in model.module.body:
        if isinstance(stmt, cst.SimpleStatementLine):
            for small in stmt.body:
                if isinstance(small, cst.Import) and any(
                    a.asname is None and code_of(a.name) == "time" for a in small.names
                ):
                    return ""
    return "the module uses the name `time` for something other than a top-level `import time`"


def _convert_compact(call: cst.Call, env: Env) -> Rewrite | Refuse:
    bound = bind(call, ["is_clustering", "timeout"])
    if isinstance(bound, Refuse):
        return bound
    if "is_clustering" in bound.named or bound.extra:
        return Refuse("compact() with arguments other than timeout=")
    model, original = env.model, env.original
    assigned = (
        _result_name(model, original)
        if isinstance(model, OrmModel) and original is not None and not env.statement
        else None
    )
    if not env.statement and assigned is None:
        return Refuse(
            "the result of compact() is read: the ORM returns None, MilvusClient the job id"
        )
    args = [kwarg("collection_name", env.name), *copy_args(bound, [("timeout", "timeout")])]
    expr = client_call(env.client, "compact", args, call)
    summary = f"compact() -> {env.client}.compact()"
    stmt: cst.BaseSmallStatement = cst.Expr(expr)
    if isinstance(model, OrmModel) and original is not None:
        if _partner(model, original, _WAIT, 1) is not None:
            stmt = cst.Assign(targets=[cst.AssignTarget(cst.Name(_id_name(model)))], value=expr)
            summary = f"compact() -> {_id_name(model)} = {env.client}.compact()"
    if assigned is not None:
        # The call moves to a statement of its own; the name keeps the ORM's None.
        return Rewrite(
            expr=cst.Name("None"),
            before=(cst.SimpleStatementLine(body=[stmt]),),
            summary=f"{summary}; its result name keeps the ORM's None",
        )
    if isinstance(stmt, cst.Assign):
        return Rewrite(statements=(cst.SimpleStatementLine(body=[stmt]),), summary=summary)
    return Rewrite(expr=expr, summary=summary)


def _convert_wait(call: cst.Call, env: Env) -> Rewrite | Refuse:
    if call.args:
        return Refuse(
            "wait_for_compaction_completed() with arguments (its timeout raises after "
            "polling; is_clustering reads a second job id)"
        )
    if not env.statement:
        return Refuse("the result of wait_for_compaction_completed() is read")
    model, original = env.model, env.original
    if not isinstance(model, OrmModel) or original is None:
        return Refuse("wait_for_compaction_completed() without its compact()")
    if _partner(model, original, _COMPACT, -1) is None:
        return Refuse(
            "wait_for_compaction_completed() reads the job id the Collection object kept "
            "from a compact() that is not the statement before it"
        )
    problem = _time_problem(model)
    if problem:
        return Refuse(problem)
    job = _id_name(model)
    state = client_call(env.client, "get_compaction_state", [kwarg("job_id", cst.Name(job))])
    done = cst.ComparisonTarget(operator=cst.NotEqual(), comparator=cst.SimpleString('"Completed"'))
    loop = cst.While(
        test=cst.Comparison(left=state, comparisons=[done]),
        body=cst.IndentedBlock(body=[cst.parse_statement("time.sleep(0.5)\n")]),
    )
    return Rewrite(
        statements=(loop,),
        summary=f"wait_for_compaction_completed() -> poll {env.client}.get_compaction_state()",
        imports=(("", "time"),),
    )


def _id_name(model: OrmModel) -> str:
    return model.fresh_name(_ID)


METHODS = {
    _COMPACT: MethodRule(COMPACTION.code, _convert_compact),
    _WAIT: MethodRule(COMPACTION.code, _convert_wait),
}


class CompactionCalls(CollectionCallCodemod):
    rules = (COMPACTION,)
    methods = METHODS
