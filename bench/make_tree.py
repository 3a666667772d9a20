"""Build the benchmark tree: a copy of the CPython standard library plus N generated ORM modules.

    python bench/make_tree.py /tmp/mm-bench-tree --orm-files 50

The standard library stands in for a large real codebase that never mentions pymilvus (the
pre-filter must make it cheap); the generated modules are the realistic ORM code the codemods
rewrite. Generation is seeded, so every run of the benchmark sees the same tree.
"""

from __future__ import annotations

import argparse
import random
import shutil
import sys
import sysconfig
import textwrap
from pathlib import Path

DEFAULT_STDLIB = Path(sysconfig.get_paths()["stdlib"])
ORM_DIR = "orm_app"

# Each template is one realistic shape of ORM code; {n} makes names unique per file.
_SERVICE = '''\
"""Document store service #{n}: keeps embeddings for {thing} in Milvus."""

from __future__ import annotations

import logging

from pymilvus import (
    Collection,
    CollectionSchema,
    DataType,
    FieldSchema,
    connections,
    utility,
)

log = logging.getLogger(__name__)
DIM = {dim}


class {Thing}Store:
    """Wraps one collection; the handle lives on `self`."""

    def __init__(self, host: str = "127.0.0.1", port: str = "19530") -> None:
        connections.connect(alias="default", host=host, port=port)
        fields = [
            FieldSchema("id", DataType.INT64, is_primary=True),
            FieldSchema("title", DataType.VARCHAR, max_length=256),
            FieldSchema("embedding", DataType.FLOAT_VECTOR, dim=DIM),
        ]
        schema = CollectionSchema(fields, description="{thing} embeddings")
        if utility.has_collection("{thing}_{n}"):
            self.col = Collection("{thing}_{n}")
        else:
            self.col = Collection("{thing}_{n}", schema)
            self.col.create_index(
                "embedding",
                {{"index_type": "IVF_FLAT", "metric_type": "L2", "params": {{"nlist": 128}}}},
            )
        self.col.load()

    def add(self, rows: list[dict]) -> list[int]:
        res = self.col.insert(rows)
        log.info("inserted %d rows", res.insert_count)
        return list(res.primary_keys)

    def nearest(self, vector: list[float], k: int = {k}) -> list[tuple[int, float]]:
        hits = self.col.search(
            [vector], "embedding", {{"metric_type": "L2", "params": {{"nprobe": 8}}}}, limit=k,
            output_fields=["title"],
        )
        return [(hit.id, hit.distance) for hit in hits[0]]

    def titles(self, ids: list[int]) -> list[str]:
        rows = self.col.query(f"id in {{ids}}", output_fields=["title"])
        return [r["title"] for r in rows]

    def forget(self, ids: list[int]) -> None:
        self.col.delete(f"id in {{ids}}")  # positional expr: the classic trap

    def size(self) -> int:
        self.col.flush()
        return self.col.num_entities

    def close(self) -> None:
        self.col.release()
        connections.disconnect("default")
'''

_SCRIPT = '''\
"""Batch job #{n}: rebuild the {thing} index from a CSV export."""

import os
import random

from pymilvus import Collection, CollectionSchema, DataType, FieldSchema, connections
from pymilvus import utility as milvus_utility

connections.connect("default", uri=os.environ.get("MILVUS_URI", "http://127.0.0.1:19530"))

NAME = "{thing}_batch_{n}"
if milvus_utility.has_collection(NAME):
    milvus_utility.drop_collection(NAME)

schema = CollectionSchema(
    [
        FieldSchema("pk", DataType.VARCHAR, is_primary=True, max_length=64),
        FieldSchema("score", DataType.FLOAT),
        FieldSchema("vec", DataType.FLOAT_VECTOR, dim={dim}),
    ],
    enable_dynamic_field=True,
)
coll = Collection(NAME, schema, consistency_level="Strong")

# Column-based insert: needs the schema's field order.
pks = [f"row-{{i}}" for i in range({rows})]
scores = [random.random() for _ in pks]
vecs = [[random.random() for _ in range({dim})] for _ in pks]
coll.insert([pks, scores, vecs])
coll.upsert([{{"pk": "row-0", "score": 1.0, "vec": vecs[0]}}])
coll.create_index("vec", {{"index_type": "HNSW", "metric_type": "IP", "params": {{"M": 16}}}})
coll.load()

result = coll.search(vecs[:2], "vec", {{"metric_type": "IP"}}, {k}, "score > 0.5")
for hits in result:
    print([h.id for h in hits])
print(coll.query(expr="score > 0.9", output_fields=["pk", "score"], limit=5))
coll.delete("pk in ['row-1', 'row-2']")
print(milvus_utility.list_collections())
'''

_FUNCS = '''\
"""Helpers #{n} used by the API layer; the collection handle is a module global."""

from typing import Any

import pymilvus
from pymilvus import Collection, Partition, connections, db
from pymilvus.orm import utility

_COLLECTION: Collection | None = None


def init(uri: str, database: str = "default") -> None:
    global _COLLECTION
    connections.connect(uri=uri)
    if database not in db.list_database():
        db.create_database(database)
    db.using_database(database)
    _COLLECTION = Collection("{thing}_{n}")
    if not _COLLECTION.has_partition("recent"):
        _COLLECTION.create_partition("recent")


def recent() -> Partition:
    return Partition(_COLLECTION, "recent")


def lookup(vector: list[float], top_k: int = {k}) -> list[dict[str, Any]]:
    assert _COLLECTION is not None
    res = _COLLECTION.search(
        data=[vector],
        anns_field="embedding",
        param={{"metric_type": "COSINE"}},
        limit=top_k,
        partition_names=["recent"],
        output_fields=["*"],
    )
    return [{{"id": h.id, "distance": h.distance, **h.entity.to_dict()}} for h in res[0]]


def count() -> int:
    return _COLLECTION.query("", output_fields=["count(*)"])[0]["count(*)"]


def stats() -> str:
    return utility.loading_progress("{thing}_{n}")["loading_progress"]


def version() -> str:
    return pymilvus.__version__
'''

_TEMPLATES = (_SERVICE, _SCRIPT, _FUNCS)
_THINGS = ("article", "image", "product", "review", "ticket", "song", "recipe", "patent")


def orm_module(index: int, rng: random.Random) -> str:
    """One generated ORM module (deterministic for a given index and rng state)."""
    thing = rng.choice(_THINGS)
    template = _TEMPLATES[index % len(_TEMPLATES)]
    return template.format(
        n=index,
        thing=thing,
        Thing=thing.capitalize(),
        dim=rng.choice((8, 64, 128, 768)),
        k=rng.choice((3, 5, 10)),
        rows=rng.choice((100, 500, 1000)),
    )


def copy_stdlib(stdlib: Path, dest: Path) -> int:
    """Copy every .py file of the standard library except site-packages; return the count."""
    count = 0
    for src in sorted(stdlib.rglob("*.py")):
        rel = src.relative_to(stdlib)
        if rel.parts[0] == "site-packages" or "__pycache__" in rel.parts:
            continue
        target = dest / "stdlib" / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(src, target)
        count += 1
    return count


def build_tree(
    dest: Path, orm_files: int = 50, stdlib: Path = DEFAULT_STDLIB, seed: int = 7
) -> dict:
    """(Re)create `dest`; return counts for the report."""
    if dest.exists():
        shutil.rmtree(dest)
    dest.mkdir(parents=True)
    n_std = copy_stdlib(stdlib, dest)
    rng = random.Random(seed)
    pkg = dest / ORM_DIR
    pkg.mkdir()
    (pkg / "__init__.py").write_text('"""Generated ORM application (benchmark input)."""\n')
    for i in range(orm_files):
        (pkg / f"orm_module_{i:03d}.py").write_text(orm_module(i, rng))
    return {"stdlib_files": n_std, "orm_files": orm_files, "total_py": n_std + orm_files + 1}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=textwrap.dedent(__doc__ or "").strip())
    parser.add_argument("dest", type=Path)
    parser.add_argument("--orm-files", type=int, default=50)
    parser.add_argument("--stdlib", type=Path, default=DEFAULT_STDLIB)
    args = parser.parse_args(argv)
    counts = build_tree(args.dest, args.orm_files, args.stdlib)
    print(f"{args.dest}: {counts}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
