"""The ORM's search and query arguments in MilvusClient's terms, and the ORM's checks on them."""

from __future__ import annotations

from typing import Any

from pymilvus.exceptions import DataTypeNotMatchException, ExceptionsMessage

from compat_shim import _data


class NoProjection(list):
    """An empty `output_fields` that MilvusClient forwards as is.

    The ORM sends no output fields when given none (a real server then returns the primary
    key only); MilvusClient would turn an empty or missing list into ["*"]. This list is empty
    on the wire but truthy, so it survives that defaulting.
    """

    def __bool__(self) -> bool:
        return True


def check_expr(expr: Any, *, optional: bool = True) -> None:
    """The ORM's type check on a filter expression (None allowed where `optional`)."""
    if (expr is not None or not optional) and not isinstance(expr, str):
        raise DataTypeNotMatchException(message=ExceptionsMessage.ExprType % type(expr))


def rename_expr_params(kwargs: dict) -> None:
    """The ORM's `expr_params` is MilvusClient's `filter_params`."""
    if "expr_params" in kwargs:
        kwargs["filter_params"] = kwargs.pop("expr_params")


def has_no_queries(data: Any) -> bool:
    """An empty list or an empty sparse matrix: the ORM answers without asking the server."""
    if isinstance(data, list):
        return len(data) == 0
    return _data._is_sparse_matrix(data) and data.shape[0] == 0
