"""A small bookshelf app: store books with embeddings, find similar ones, tidy up.

Run it with `python main.py` from this folder (it creates ./demo.db, or uses MILVUS_URI).
"""

import random

import catalog

TITLES = [
    ("Moby-Dick", 1851),
    ("Middlemarch", 1871),
    ("Dracula", 1897),
    ("Ulysses", 1922),
    ("Mrs Dalloway", 1925),
    ("Rebecca", 1938),
    ("Beloved", 1987),
    ("Possession", 1990),
    ("Atonement", 2001),
    ("Wolf Hall", 2009),
]


def embedding(rng):
    return [round(rng.uniform(-1, 1), 4) for _ in range(catalog.DIM)]


def main():
    rng = random.Random(7)
    rows = [
        {"book_id": i + 1, "title": title, "year": year, "embedding": embedding(rng)}
        for i, (title, year) in enumerate(TITLES)
    ]
    classics = [r for r in rows if r["year"] < 1900]
    modern = [r for r in rows if r["year"] >= 1900]

    shelf = catalog.Catalog()
    print("has classics partition:", shelf.has_partition("classics"))
    print("inserted:", shelf.add(classics, partition="classics"))
    print("inserted:", shelf.add(modern))
    print("count:", shelf.count())

    probe = rows[3]["embedding"]
    print("similar to Ulysses:", shelf.similar(probe))
    print("similar classics:", shelf.similar(probe, partition="classics"))
    print("before 1930:", shelf.published_before(1930))

    shelf.remove([1, 4])
    print("after delete:", shelf.count())
    print("before 1930:", shelf.published_before(1930))
    shelf.close()


if __name__ == "__main__":
    main()
