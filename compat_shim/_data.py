"""Insert-data conversion: the ORM's column lists and DataFrames become MilvusClient rows."""

from __future__ import annotations

from typing import Any

from pymilvus import CollectionSchema
from pymilvus.exceptions import DataNotMatchException, DataTypeNotSupportException

try:  # pandas is optional for pymilvus users; DataFrames only exist when it is installed
    import pandas as pd
except ImportError:  # pragma: no cover
    pd = None


def _is_dataframe(data: Any) -> bool:
    return pd is not None and isinstance(data, pd.DataFrame)


def _is_sparse_matrix(data: Any) -> bool:
    return type(data).__module__.startswith("scipy.sparse")


def check_insert_data(data: Any) -> None:
    """The ORM's `is_valid_insert_data`: lists, dicts and DataFrames only."""
    if not (isinstance(data, (list, dict)) or _is_dataframe(data) or _is_sparse_matrix(data)):
        raise DataTypeNotSupportException(
            message="The type of data should be List, pd.DataFrame or Dict"
        )


def is_row_based(data: Any) -> bool:
    """Rows are dicts (or a list of dicts), exactly as the ORM decides."""
    if isinstance(data, dict):
        return True
    return isinstance(data, list) and len(data) > 0 and isinstance(data[0], dict)


def _column_names(schema: CollectionSchema, upsert: bool) -> list[str]:
    """The field order a column-based ORM insert binds to (A.1): an auto_id primary key
    (on insert) and function outputs are skipped."""
    names = []
    for f in schema.fields:
        if getattr(f, "is_function_output", False):
            continue
        if f.is_primary and f.auto_id and not upsert:
            continue
        names.append(f.name)
    return names


def _as_list(column: Any) -> list:
    if hasattr(column, "tolist"):
        return column.tolist()
    return list(column)


def _cell(value: Any) -> Any:
    return (
        value.tolist()
        if hasattr(value, "tolist") and not isinstance(value, (bytes, str))
        else value
    )


def to_rows(schema: CollectionSchema, data: Any, upsert: bool = False) -> list[dict] | dict:
    """Rows for MilvusClient from any ORM insert form (rows pass through untouched)."""
    if is_row_based(data):
        return data
    if _is_dataframe(data):
        if data.empty:
            raise DataNotMatchException(message="The data don't match with schema fields")
        rows = data.to_dict("records")
        return [{k: _cell(v) for k, v in row.items()} for row in rows]
    if _is_sparse_matrix(data):
        raise NotImplementedError(
            "Collection.insert(<scipy sparse matrix>) is not supported by compat_shim: "
            "pass rows, e.g. [{'vec': row} for row in matrix] to MilvusClient.insert()"
        )
    if not data:
        raise DataNotMatchException(
            message="The data doesn't match with schema fields, expect "
            f"{len(_column_names(schema, upsert))} list, got 0"
        )
    names = _column_names(schema, upsert)
    cols = [_as_list(c) for c in data]
    if len(cols) != len(names):
        raise DataNotMatchException(
            message="The data doesn't match with schema fields, expect "
            f"{len(names)} list, got {len(cols)}"
        )
    count = len(cols[0])
    if any(len(c) != count for c in cols):
        raise DataNotMatchException(message="Arrays must all be same length.")
    return [{names[j]: cols[j][i] for j in range(len(cols))} for i in range(count)]
