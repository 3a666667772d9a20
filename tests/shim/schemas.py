"""Small collection schemas shared by the shim tests."""

from __future__ import annotations

from pymilvus import CollectionSchema, DataType, FieldSchema


def pk_title_vec() -> CollectionSchema:
    """INT64 primary key `pk`, VARCHAR(64) `title`, 4-d FLOAT_VECTOR `vec`."""
    return CollectionSchema(
        [
            FieldSchema("pk", DataType.INT64, is_primary=True),
            FieldSchema("title", DataType.VARCHAR, max_length=64),
            FieldSchema("vec", DataType.FLOAT_VECTOR, dim=4),
        ]
    )
