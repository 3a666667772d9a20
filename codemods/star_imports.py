"""`from pymilvus import *` binds the ORM names without naming them.

Every codemod recognises ORM objects by QualifiedNameProvider, which cannot see through a star
import: `Collection("films")` after `from pymilvus import *` resolves to nothing, so the file
was left as it was with no manual-review item at all. Rather than teach each codemod about
star imports, `name_star_imports` writes the pymilvus names the module reads (and binds
nowhere) as an explicit import on the star import's own line, before the analysis:

    from pymilvus import *; from pymilvus import Collection, connections, utility

The codemods then read an ordinary import: the import rule drops each name with its last use,
and a name still used stays imported, which it already was through the star. Nothing after
that line moves, so the positions the report gives are still input lines.
`split_star_lines` puts what is left of the explicit import on its own line in the output.
"""

from __future__ import annotations

import libcst as cst
from libcst.metadata import MetadataWrapper, ScopeProvider

from codemods.client_import import dotted_name

# `pymilvus.__all__` of pymilvus 3.0.2, the names a star import binds. A table rather than an
# import of pymilvus, so that the migration reads the same with a pymilvus that has dropped
# the ORM names (3.1).
PYMILVUS_STAR_NAMES: frozenset[str] = frozenset(
    """AggregationBucket AggregationHit AnnSearchRequest AsyncMilvusClient BloomFilterBuilder
    BulkInsertState Collection CollectionSchema CompactionTaskState CompactionType Connections
    DataType DefaultConfig ExceptionsMessage FieldOp FieldOpType FieldSchema Function
    FunctionChain FunctionChainStage FunctionScore FunctionType Group Hit Hits Index IndexType
    LexicalHighlighter MilvusClient MilvusException MilvusUnavailableException MutationFuture
    Partition Prepare PyMilvusDeprecationWarning RRFRanker Replica ResourceGroupInfo
    RoaringBitmapBuilder Role SearchAggregation SearchFuture SearchResult SegmentState
    SemanticHighlighter Shard Status StructFieldSchema TopHits WeightedRanker
    build_bloom_filter build_roaring_bitmap connections create_resource_group create_user db
    delete_user describe_resource_group drop_collection drop_resource_group has_collection
    has_partition hybridts_to_datetime hybridts_to_unixtime index_building_progress
    list_collections list_resource_groups list_usernames loading_progress mkts_from_datetime
    mkts_from_hybridts mkts_from_unixtime reset_password transfer_node transfer_replica
    update_password update_resource_groups utility wait_for_index_building_complete
    wait_for_loading_complete""".split()
)


def _is_pymilvus_star(small: cst.BaseSmallStatement) -> bool:
    return (
        isinstance(small, cst.ImportFrom)
        and not small.relative
        and small.module is not None
        and dotted_name(small.module) == "pymilvus"
        and isinstance(small.names, cst.ImportStar)
    )


def _star_line(module: cst.Module) -> int | None:
    """Index in `module.body` of the first module-level line holding `from pymilvus import *`."""
    for index, stmt in enumerate(module.body):
        if isinstance(stmt, cst.SimpleStatementLine) and any(
            _is_pymilvus_star(s) for s in stmt.body
        ):
            return index
    return None


def _star_bound_reads(module: cst.Module) -> list[str]:
    """Names of the star import's that the module reads and binds nowhere in reach: their
    only binding is the star."""
    scopes = MetadataWrapper(module, unsafe_skip_copy=True).resolve(ScopeProvider)
    names: set[str] = set()
    for scope in {s for s in scopes.values() if s is not None}:
        for access in scope.accesses:
            node = access.node
            if (
                isinstance(node, cst.Name)
                and node.value in PYMILVUS_STAR_NAMES
                and not access.referents
            ):
                names.add(node.value)
    return sorted(names)


def name_star_imports(module: cst.Module) -> tuple[cst.Module, bool]:
    """`module` with the pymilvus names its star import binds written out on that line, and
    whether anything was added."""
    index = _star_line(module)
    if index is None:
        return module, False
    names = _star_bound_reads(module)
    if not names:
        return module, False
    explicit = cst.ImportFrom(
        module=cst.Name("pymilvus"),
        names=[cst.ImportAlias(name=cst.Name(n)) for n in names],
    )
    line = module.body[index]
    assert isinstance(line, cst.SimpleStatementLine)
    body = [*line.body]
    position = next(i for i, s in enumerate(body) if _is_pymilvus_star(s)) + 1
    body[position - 1] = body[position - 1].with_changes(
        semicolon=cst.Semicolon(whitespace_after=cst.SimpleWhitespace(" "))
    )
    body.insert(position, explicit)
    if position < len(body) - 1:
        body[position] = explicit.with_changes(
            semicolon=cst.Semicolon(whitespace_after=cst.SimpleWhitespace(" "))
        )
    new_line = line.with_changes(body=body)
    return _replace(module, index, [new_line]), True


def split_star_lines(module: cst.Module) -> cst.Module:
    """The explicit import `name_star_imports` added, if any of it is left, on a line of its
    own after the star import."""
    index = _star_line(module)
    if index is None:
        return module
    line = module.body[index]
    assert isinstance(line, cst.SimpleStatementLine)
    body = list(line.body)
    star = next(i for i, s in enumerate(body) if _is_pymilvus_star(s))
    after = body[star + 1] if star + 1 < len(body) else None
    if not (
        isinstance(after, cst.ImportFrom)
        and after.module is not None
        and dotted_name(after.module) == "pymilvus"
        and not isinstance(after.names, cst.ImportStar)
    ):
        if star == len(body) - 1:  # the added import went: no `;` left dangling
            body[star] = body[star].with_changes(semicolon=cst.MaybeSentinel.DEFAULT)
            return _replace(module, index, [line.with_changes(body=body)])
        return module
    if star + 2 < len(body):  # more code on the line: left as it is, valid either way
        return module
    first = line.with_changes(
        body=[*body[:star], body[star].with_changes(semicolon=cst.MaybeSentinel.DEFAULT)],
    )
    second = cst.SimpleStatementLine(body=[after.with_changes(semicolon=cst.MaybeSentinel.DEFAULT)])
    return _replace(module, index, [first, second])


def _replace(module: cst.Module, index: int, lines: list[cst.SimpleStatementLine]) -> cst.Module:
    return module.with_changes(body=[*module.body[:index], *lines, *module.body[index + 1 :]])
