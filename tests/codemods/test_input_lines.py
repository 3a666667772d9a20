"""Reports give input lines even from codemods that run after a rewrite made a statement
several lines long (codemods/input_lines.py). Found on the second real-code sample: after
two `create_index` rewrites (each one line -> three) a method's findings were 4 lines off
(s010), and a `# milvus-migrate: ignore[...]` comment on the real line did not apply."""

import textwrap

from codemods import migrate_source
from codemods.base import Options

SOURCE = textwrap.dedent(
    """\
    from pymilvus import Collection, connections

    connections.connect(uri="http://h:1")
    c = Collection("a")
    c.create_index("v", {"index_type": "FLAT", "metric_type": "L2", "params": {}})
    c.create_index("w", {"index_type": "FLAT", "metric_type": "L2", "params": {}})


    def get():
        col = Collection("b")
        col.load()
        return col
    """
)


def _lines(source: str) -> dict[str, int]:
    outcome = migrate_source(source, Options())
    # The Collection()'s own item, which names the use's line, is checked apart.
    return {
        f.message.split("`")[1]: f.line
        for f in outcome.findings
        if f.code in ("MM110", "MM111") and "(see line" not in f.message
    }


def test_findings_after_an_index_rewrite_give_input_lines():
    lines = _lines(SOURCE)
    text = SOURCE.splitlines()
    assert "col.load()" in text[lines["col.load"] - 1], lines
    assert "return col" in text[lines["col"] - 1], lines
    (ctor,) = [f for f in migrate_source(SOURCE).findings if "(see line" in f.message]
    assert "col = Collection(" in text[ctor.line - 1]
    assert f"(see line {lines['col']})" in ctor.message


def test_a_suppression_on_the_input_line_applies():
    source = SOURCE.replace("    col.load()\n", "    col.load()  # milvus-migrate: ignore[MM111]\n")
    assert "col.load" not in _lines(source)
