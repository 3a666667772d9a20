"""Trap 2 re-created for a create: the ORM's schema comparison behind a migrated create.

pymilvus's `Collection(name, schema)` creates a missing collection and, for an existing one,
compares the server's schema with the one given (orm/collection.py, Collection.__init__):

    resp = conn.describe_collection(name)
    if CollectionSchema.construct_from_dict(resp) != schema:
        raise SchemaNotReadyException(message=ExceptionsMessage.SchemaInconsistent)

MM110 writes the same comparison as the `elif` of every migrated create that no
`has_collection` guard proves to meet a missing collection (existence_guards),

    if not client.has_collection(collection_name=name):
        client.create_collection(collection_name=name, schema=schema)
    elif CollectionSchema.construct_from_dict(
        client.describe_collection(collection_name=name)
    ) != schema:
        raise SchemaNotReadyException(message=ExceptionsMessage.SchemaInconsistent)

so a handler sees the same exception type and text as on the ORM (MilvusClient's
describe_collection returns the handler's dict; CollectionSchema is not ORM), and a program
without one stops where it stopped, before it writes into a collection with another schema
(found reviewing a third sample of real code: five scripts went on to index and insert).
Only where that is the whole of what the ORM checked and raised:

- a `consistency_level=`, if any, is a literal: the ORM compared it with the server's first
  (`cmp_consistency_level`, from pymilvus.client.types), and so does the check;
- a plain one-target assignment or a statement of its own (a returned create in try/except
  stays ORM; elsewhere it migrates without the comparison, as any create that misses one of
  these conditions);
- the name reads one value however often it is read (a string literal, a variable, a module's
  constant or a plain instance attribute, not a property: it is read again);
- the schema is a name bound once to a `CollectionSchema(fields)` call whose field list is a
  literal with a vector field: then the comparison's `!=` is CollectionSchema's, and the
  ORM's client-side schema checks on create (`check_schema`: no fields, no vector field,
  raising SchemaNotReadyException) cannot fire where MilvusClient would send the schema to
  the server and get a MilvusException instead; `schema.verify()` runs on both;
- pymilvus is imported at the top of the module (the imports go there).
"""

from __future__ import annotations

import libcst as cst

from codemods.analysis import OrmModel, constructor_parts
from codemods.client_import import imports_pymilvus_up_front
from codemods.existence_guards import reads_one_value
from codemods.open_check import exception_names, repeatable
from codemods.rewrite import code_of

# What every reason create_check_problem gives starts with.
COMPARES = "the create form also compares the schema with the existing collection"
# The names the comparison uses (open_check.exception_names resolves each).
CHECK_NAMES = ("CollectionSchema", "ExceptionsMessage", "SchemaNotReadyException")
# And the consistency-level comparison, for a create with `consistency_level=`.
LEVEL_NAMES = ("cmp_consistency_level",)


def create_check_problem(model: OrmModel, ctor: cst.Call) -> str:
    """Why the create `ctor` cannot carry the ORM's schema comparison ('' when it can)."""
    why = COMPARES
    parts = constructor_parts(ctor)
    if parts is None:
        return why
    level = parts.get("consistency_level")
    if level is not None and not isinstance(level.value, (cst.SimpleString, cst.Integer)):
        return f"{why} and its consistency_level, not a literal, with the server's"
    small = model.parent(ctor)
    line = model.statement_of(ctor)
    if not (
        line is not None
        and small is line.body[0]
        and (
            (isinstance(small, cst.Assign) and len(small.targets) == 1)
            or (isinstance(small, (cst.AnnAssign, cst.Expr)) and small.value is ctor)
        )
    ):
        return f"{why}, and the Collection() is not a plain assignment or a statement of its own"
    name = parts["name"].value
    if not (repeatable(name) and reads_one_value(model, name)):
        return (
            f"{why}, and its name `{code_of(name)}` is not a string literal, a variable, a "
            "module's constant or a plain instance attribute, and the comparison would read "
            "it again"
        )
    if not has_vector_field(model, parts["schema"].value):
        return (
            f"{why}, and its schema is not visibly a CollectionSchema with a vector field "
            "(the ORM checks that before creating, MilvusClient leaves it to the server)"
        )
    if not imports_pymilvus_up_front(model.module):
        return (
            f"{why}, and the module imports pymilvus only where it needs it, and the "
            "comparison's imports would go to its top"
        )
    return ""


def has_vector_field(model: OrmModel, schema: cst.BaseExpression) -> bool:
    """`schema` is a name bound once to `CollectionSchema(<list literal>, ...)` (the list
    directly or through a name bound once and read only there) with a FieldSchema whose
    dtype is a `DataType.*_VECTOR`, in the list or through a name bound once to it."""
    if not isinstance(schema, cst.Name):
        return False
    value = model._single_value(schema)
    if not (isinstance(value, cst.Call) and model.is_pymilvus_name(value.func, "CollectionSchema")):
        return False
    fields = _argument(value, 0, "fields")
    if isinstance(fields, cst.Name):
        if not model._read_only_here(fields):
            return False  # `fields = []` then `fields.append(...)`: not the literal passed
        fields = model._single_value(fields)
    if not isinstance(fields, cst.List):
        return False
    for element in fields.elements:
        field = element.value
        if isinstance(field, cst.Name):  # `f2 = FieldSchema(...)` then `[f1, f2]` (u022)
            field = model._single_value(field)
        if isinstance(field, cst.Call) and model.is_pymilvus_name(field.func, "FieldSchema"):
            dtype = _argument(field, 1, "dtype")
            if (
                isinstance(dtype, cst.Attribute)
                and model.is_pymilvus_name(dtype.value, "DataType")
                and dtype.attr.value.endswith("_VECTOR")
            ):
                return True
    return False


def schema_check_branch(
    client: str,
    name: cst.BaseExpression,
    schema: cst.BaseExpression,
    model: OrmModel,
    level: cst.BaseExpression | None = None,
) -> cst.If:
    """The `elif` that raises the ORM's SchemaNotReadyException for an existing collection
    whose schema differs, with the names `exception_names` chose; with `level` (the create's
    literal `consistency_level=`), first the one for a consistency level that differs, as
    the ORM compared that first (`cmp_consistency_level` is its comparison, from
    pymilvus.client.types, not the ORM)."""
    bases = CHECK_NAMES + (LEVEL_NAMES if level is not None else ())
    names = {base: local for base, (local, _) in exception_names(model, bases).items()}
    described = f"{client}.describe_collection(collection_name={code_of(name)})"
    test = f"{names['CollectionSchema']}.construct_from_dict({described}) != {code_of(schema)}"
    branch = _raising_if(test, names, "SchemaInconsistent")
    if level is None:
        return branch
    server = f'{described}["consistency_level"]'
    test = f"not {names['cmp_consistency_level']}({server}, {code_of(level)})"
    return _raising_if(test, names, "ConsistencyLevelInconsistent").with_changes(orelse=branch)


def _raising_if(test: str, names: dict[str, str], message: str) -> cst.If:
    """`if <test>: raise SchemaNotReadyException(message=ExceptionsMessage.<message>)`."""
    text = f"{names['ExceptionsMessage']}.{message}"
    raise_ = cst.Raise(
        exc=cst.parse_expression(f"{names['SchemaNotReadyException']}(message={text})")
    )
    return cst.If(
        test=cst.parse_expression(test),
        body=cst.IndentedBlock(body=[cst.SimpleStatementLine(body=[raise_])]),
    )


def _argument(call: cst.Call, position: int, keyword: str) -> cst.BaseExpression | None:
    for i, arg in enumerate(call.args):
        if arg.keyword is None and not arg.star and i == position:
            return arg.value
        if arg.keyword is not None and arg.keyword.value == keyword:
            return arg.value
    return None
