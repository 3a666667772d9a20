"""Report items: one per site and reason, and an item left only for a fix --unsafe-fixes
applies says so (the summary counts it among "can be fixed with --unsafe-fixes"). Found on
the second real-code sample: items listed twice (s003, s006, s023), MM104-only items without
the suggestion (s024, s035)."""

import textwrap

from codemods import migrate_source
from codemods.base import UNSAFE_FIX, UNSAFE_SUGGESTION, Options

LIBRARY = textwrap.dedent(
    """\
    from pymilvus import connections, utility


    def connect():
        connections.connect(host="localhost", port="19530")


    def names():
        return utility.list_collections()
    """
)


def test_an_item_left_for_an_unsafe_fix_suggests_it():
    findings = migrate_source(LIBRARY, Options()).findings
    unsafe = [f for f in findings if UNSAFE_FIX in f.message]
    assert unsafe, findings
    assert all(f.suggestion == UNSAFE_SUGGESTION for f in unsafe), unsafe
    assert (
        "utility.list_collections" not in migrate_source(LIBRARY, Options(unsafe_fixes=True)).source
    )


def test_no_item_is_listed_twice():
    # Two returns of one variable in a public factory (s023's get_or_create_collection).
    source = (
        "from pymilvus import Collection, connections, utility\n\n\n"
        "def get_or_create(name, schema):\n"
        '    connections.connect(host="localhost", port="19530")\n'
        "    if utility.has_collection(name):\n"
        "        collection = Collection(name)\n"
        "        collection.load()\n"
        "        return collection\n"
        "    collection = Collection(name=name, schema=schema)\n"
        "    collection.load()\n"
        "    return collection\n"
    )
    findings = migrate_source(source, Options()).findings
    assert findings, "expected manual-review items"
    assert len(findings) == len(set(findings)), findings
