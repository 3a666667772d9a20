"""Storage layer of the bookshelf app, written against pymilvus's ORM (the legacy API).

Everything that talks to Milvus lives here; `main.py` only sees plain Python values.
"""

import os

from pymilvus import (
    Collection,
    CollectionSchema,
    DataType,
    FieldSchema,
    connections,
    utility,
)

COLLECTION = "books"
DIM = 8


class Catalog:
    """One `books` collection with a `classics` partition, indexed and loaded for search."""

    def __init__(self):
        # Embedded milvus-lite by default; point MILVUS_URI at a server or a cluster instead.
        connections.connect(alias="default", uri=os.environ.get("MILVUS_URI", "./demo.db"))
        if utility.has_collection(COLLECTION):
            utility.drop_collection(COLLECTION)
        schema = CollectionSchema(
            fields=[
                FieldSchema(name="book_id", dtype=DataType.INT64, is_primary=True),
                FieldSchema(name="title", dtype=DataType.VARCHAR, max_length=200),
                FieldSchema(name="year", dtype=DataType.INT64),
                FieldSchema(name="embedding", dtype=DataType.FLOAT_VECTOR, dim=DIM),
            ],
            description="books and their embeddings",
        )
        self.books = Collection(name=COLLECTION, schema=schema)
        self.books.create_partition("classics")
        self.books.create_index(
            field_name="embedding",
            index_params={"index_type": "FLAT", "metric_type": "L2", "params": {}},
        )
        self.books.load()

    def has_partition(self, name):
        return self.books.has_partition(name)

    def add(self, rows, partition=None):
        result = self.books.insert(rows, partition_name=partition)
        self.books.flush()
        return result.insert_count

    def similar(self, vector, limit=3, partition=None):
        hits = self.books.search(
            data=[vector],
            anns_field="embedding",
            param={"metric_type": "L2", "params": {}},
            limit=limit,
            output_fields=["title"],
            partition_names=[partition] if partition else None,
        )
        return [(hit.id, hit.entity.get("title"), round(hit.distance, 3)) for hit in hits[0]]

    def published_before(self, year):
        rows = self.books.query(expr=f"year < {year}", output_fields=["book_id", "title", "year"])
        return sorted((r["book_id"], r["title"], r["year"]) for r in rows)

    def count(self):
        rows = self.books.query(expr="book_id >= 0", output_fields=["count(*)"])
        return rows[0]["count(*)"]

    def remove(self, book_ids):
        self.books.delete(f"book_id in {list(book_ids)}")

    def close(self):
        self.books.release()
        connections.disconnect("default")
