"""The shim's public route: what it answers when MilvusClient's connection handler is not there.

`compat_shim._below` answers through MilvusClient's own handler, the way the ORM does, and falls
back to `compat_shim._public` (MilvusClient's public methods only) when the handler is not
reachable. Here the handler is hidden and the same scenario, on its own fresh server, must give
the handler route's answers, except what the public methods cannot report: a mutation's
timestamp, and an upsert's insert and delete counts (the real Milvus server counts an upsert as a
delete plus an insert, milvus-lite reports 0 for both, and MilvusClient.upsert returns only
upsert_count; compat_shim/README.md lists this).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

import compat_shim
from compat_shim import _below
from tests.shim.compare import Recorder, plain
from tests.shim.schemas import pk_title_vec

pytestmark = pytest.mark.milvus

FLAT = {"index_type": "FLAT", "metric_type": "L2", "params": {}}


def _mutation(result: Any) -> dict:
    """A MutationResult without its timestamp (0 on the public route)."""
    return {k: v for k, v in plain(result).items() if k != "has_ts"}


def _upsert(result: Any) -> dict:
    """An upsert's MutationResult without the counts only the handler route can report."""
    return {k: v for k, v in _mutation(result).items() if k not in ("insert", "delete")}


def _pages(iterator: Any) -> list:
    pages = []
    while page := iterator.next():
        pages.append(sorted(hit["pk"] if isinstance(hit, dict) else hit.id for hit in page))
    iterator.close()
    return pages


def scenario(rec: Recorder, alias: str) -> None:
    utility = compat_shim.utility
    col = rec(
        "create", lambda: compat_shim.Collection("docs", pk_title_vec(), using=alias), keep=str
    )
    rows = [{"pk": i, "title": f"t{i}", "vec": [i / 10, 0.5, 0.25, 1 - i / 10]} for i in range(8)]
    rec("insert rows", lambda: col.insert(rows), keep=_mutation)
    rec(
        "insert columns",
        lambda: col.insert([[8, 9], ["a", "b"], [[0.1] * 4, [0.2] * 4]]),
        keep=_mutation,
    )
    rec("create index", lambda: col.create_index("vec", FLAT))
    rec("indexes", lambda: col.indexes)
    rec("index progress", lambda: utility.index_building_progress("docs", using=alias))
    rec("wait index", lambda: utility.wait_for_index_building_complete("docs", using=alias))
    rec("state before load", lambda: utility.load_state("docs", using=alias))
    rec("load", lambda: col.load())
    rec("wait load", lambda: utility.wait_for_loading_complete("docs", using=alias))
    rec("state", lambda: utility.load_state("docs", using=alias))
    rec("progress", lambda: utility.loading_progress("docs", using=alias))
    rec("upsert", lambda: col.upsert([{**rows[0], "title": "new"}]), keep=_upsert)
    rec("delete", lambda: col.delete("pk in [1, 2]"), keep=_mutation)
    rec("delete in missing partition", lambda: col.delete("pk in [3]", partition_name="nope"))
    rec("query", lambda: sorted(r["pk"] for r in col.query("pk >= 0", output_fields=["title"])))
    iterator = col.search_iterator(
        [[0.5, 0.5, 0.5, 0.5]], "vec", {"metric_type": "L2"}, batch_size=3, limit=7
    )
    rec("search iterator pages", lambda: _pages(iterator))
    rec("release", lambda: col.release())
    rec("state released", lambda: utility.load_state("docs", using=alias))
    rec("drop index", lambda: col.drop_index())
    rec("indexes after drop", lambda: col.indexes)


def _steps(target: Any, hide_handler: Callable[[], None] | None) -> list:
    alias = "public-route" if hide_handler else "handler-route"
    compat_shim.connections.connect(alias, uri=target.uri)
    try:
        if hide_handler is not None:
            hide_handler()
        rec = Recorder()
        scenario(rec, alias)
        return rec.steps
    finally:
        compat_shim.connections.remove_connection(alias)


def test_public_route_answers_like_the_handler_route(
    milvus_factory: Callable[[], Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    handler_steps = _steps(milvus_factory(), None)
    calls: list[Any] = []

    def unreachable(client: Any) -> None:
        calls.append(client)
        return None

    public_steps = _steps(
        milvus_factory(),
        lambda: monkeypatch.setattr(_below, "_handler_and_context", unreachable),
    )
    assert calls, "the handler was never asked for: the public route did not run"
    assert [label for label, _ in public_steps] == [label for label, _ in handler_steps]
    for (label, public), (_, handler) in zip(public_steps, handler_steps, strict=True):
        assert public == handler, f"step {label!r}: public {public!r} != handler {handler!r}"
    raised = [label for label, value in handler_steps if value == ("raises", "MilvusException")]
    assert raised == ["delete in missing partition"]  # the error path, on both routes alike


def test_the_public_route_is_really_public() -> None:
    """`_public` uses MilvusClient's public methods only: no private attribute anywhere."""
    import ast
    import inspect

    from compat_shim import _public

    tree = ast.parse(inspect.getsource(_public))
    private = {
        node.attr
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute) and node.attr.startswith("_")
    }
    assert private == set()
