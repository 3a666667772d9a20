"""Output that CPython would refuse is never written, also when it parses.

Some errors only show when the compiler builds the symbol table (a `global` after a use of the
name, `nonlocal` of a name that no enclosing function has): libcst parses such code. The
pipeline compiles the rewrite as well (`migrator.process.refuse_uncompilable`).
"""

from __future__ import annotations

import pytest

from migrator.process import ToolBug, refuse_uncompilable

GOOD = "def setup():\n    client = 1\n    return client\n"
# What a one-line `try: connect()` inside a function that already used `client` would become.
GLOBAL_AFTER_USE = (
    "def setup():\n"
    "    print(client)\n"
    "    try: global client; client = 1\n"
    "    except Exception: pass\n"
)


def test_a_rewrite_that_only_parses_is_refused() -> None:
    with pytest.raises(ToolBug, match=r"does not compile \(line 3: name 'client' is used prior"):
        refuse_uncompilable(GOOD, GLOBAL_AFTER_USE)


def test_a_rewrite_that_compiles_passes() -> None:
    refuse_uncompilable(GOOD, GOOD.replace("1", "2"))  # raises nothing


def test_an_original_that_does_not_compile_is_not_held_against_the_rewrite() -> None:
    broken = "def f():\n    nonlocal x\n"  # SyntaxError of its own
    refuse_uncompilable(broken, broken + "y = 1\n")  # raises nothing
