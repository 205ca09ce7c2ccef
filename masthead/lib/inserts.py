"""Inserts through statements the ORM compiled once, for the rows a wire run writes per item.

Hand-rolled on top of the ORM because Django compiles every insert afresh: for the small rows
the wire writes per story (links, fingerprints, log lines, the story itself), compiling costs
more than the insert. The statements are still the ones the ORM compiles, cached per model and
database, and values go through their fields' own `get_db_prep_save` unless they are plain.
"""

from __future__ import annotations

import datetime as dt
from types import NoneType
from typing import Any

from django.db import connections, models, router
from django.db.models import Field, Model, signals
from django.db.models.sql import InsertQuery

# (model, database) -> the one-row INSERT statement the ORM compiled for it, the fields it
# sets and their plain value types (see `_plain_kinds`).
_INSERT_SQL: dict[tuple[type[Model], str], tuple[str, list[Field], list[type | None]]] = {}


def insert_rows(model: type[Model], rows: list[dict[str, Any]], *, cursor: Any = None) -> None:
    """Insert rows (dicts keyed by field attname; missing fields take their default) with no
    primary key returned and no signals, like `bulk_create`.

    Hand-rolled on top of the ORM because Django compiles every insert afresh: for the small
    rows the wire writes per item (links, fingerprints, log lines) compiling costs ten times the
    insert. The statement is still the one the ORM compiles (for one row; several rows go
    through `executemany`), and each value goes through its field's own `get_db_prep_save`.
    """
    if not rows:
        return
    using = router.db_for_write(model)
    connection = connections[using]
    key = (model, using)
    cached = _INSERT_SQL.get(key)
    if cached is None:
        fields: list[Field] = [f for f in model._meta.concrete_fields if not f.primary_key]
        query = InsertQuery(model)
        query.insert_values(fields, [model(**_complete(fields, rows[0]))])
        sql = query.get_compiler(using=using).as_sql()[0][0]
        cached = (sql, fields, _plain_kinds(fields))
        _INSERT_SQL[key] = cached
    sql, fields, kinds = cached
    params = []
    for row in rows:
        values = _complete(fields, row)
        params.append(_prep_values(fields, kinds, [values[f.attname] for f in fields], connection))
    if cursor is None:
        with connection.cursor() as cursor:
            _execute(cursor, sql, params)
    else:
        _execute(cursor, sql, params)


def _execute(cursor: Any, sql: str, params: list[list[Any]]) -> None:
    if len(params) == 1:
        cursor.execute(sql, params[0])
    else:
        cursor.executemany(sql, params)


# (model, database) -> (INSERT ... RETURNING statement, fields it sets, their plain value
# types, fields it returns).
_INSERT_ONE_SQL: dict[
    tuple[type[Model], str], tuple[str, list[Field], list[type | None], list[Field]]
] = {}


def insert_instance(instance: Model, *, cursor: Any = None) -> None:
    """INSERT a new model instance and set its primary key: what `instance.save()` does for a
    new row (`pre_save`, `get_db_prep_save`, `pre_save`/`post_save` signals), without the ORM
    compiling the statement afresh, which for a wide model like Article costs more than the
    insert itself. The statement is the one the ORM compiles, cached per model and database.
    """
    model = type(instance)
    meta = model._meta
    using = router.db_for_write(model, instance=instance)
    connection = connections[using]
    key = (model, using)
    cached = _INSERT_ONE_SQL.get(key)
    if cached is None:
        fields = [f for f in meta.local_concrete_fields if f is not meta.auto_field]
        returning = list(meta.db_returning_fields)
        query = InsertQuery(model)
        query.insert_values(fields, [instance])
        compiler = query.get_compiler(using=using)
        compiler.returning_fields = returning
        cached = (compiler.as_sql()[0][0], fields, _plain_kinds(fields), returning)
        _INSERT_ONE_SQL[key] = cached
    sql, fields, kinds, returning = cached
    signals.pre_save.send(
        sender=model, instance=instance, raw=False, using=using, update_fields=None
    )
    values = [f.pre_save(instance, True) for f in fields]
    params = _prep_values(fields, kinds, values, connection)
    if cursor is None:
        with connection.cursor() as cursor:
            _insert_returning(cursor, sql, params, instance, returning, connection)
    else:
        _insert_returning(cursor, sql, params, instance, returning, connection)
    instance._state.adding = False
    instance._state.db = using
    signals.post_save.send(
        sender=model, instance=instance, created=True, update_fields=None, raw=False, using=using
    )


# Field classes whose `get_db_prep_save` returns a value of this exact type (and None) as it is
# on every backend: the wire writes ~50 such values per story, and the generic path (prep
# value, to_python, backend adaptation) costs more per story than its SQL. Any other value or
# field (set dates, JSON, subclasses) goes through the field's own `get_db_prep_save`.
_PLAIN_TYPES: dict[type[Field], type] = {
    models.CharField: str,
    models.TextField: str,
    models.SlugField: str,
    models.URLField: str,
    models.BooleanField: bool,
    models.IntegerField: int,
    models.PositiveIntegerField: int,
    models.PositiveSmallIntegerField: int,
    models.SmallIntegerField: int,
    models.BigIntegerField: int,
    # A blank date/time is NULL everywhere; a set one goes through the backend's adaptation.
    models.DateTimeField: NoneType,
}
_AUTO_TYPES = (models.AutoField, models.BigAutoField, models.SmallAutoField)


def _plain_kinds(fields: list[Field]) -> list[type | None]:
    kinds: list[type | None] = []
    for f in fields:
        kind = _PLAIN_TYPES.get(type(f))
        if type(f) is models.ForeignKey and type(f.target_field) in _AUTO_TYPES:
            kind = int
        kinds.append(kind)
    return kinds


def _prep_values(
    fields: list[Field], kinds: list[type | None], values: list[Any], connection: Any
) -> list[Any]:
    adapt_datetime = connection.ops.adapt_datetimefield_value
    return [
        value
        if type(value) is kind or (value is None and kind is not None and f.null)
        # An aware datetime needs no preparing, only the backend's adaptation (what
        # DateTimeField.get_db_prep_save comes down to for one).
        else adapt_datetime(value)
        if kind is NoneType and type(value) is dt.datetime and value.utcoffset() is not None
        else f.get_db_prep_save(value, connection)
        for f, kind, value in zip(fields, kinds, values, strict=True)
    ]


def _insert_returning(
    cursor: Any,
    sql: str,
    params: list[Any],
    instance: Model,
    returning: list[Field],
    connection: Any,
) -> None:
    cursor.execute(sql, params)
    if returning:
        if connection.features.can_return_columns_from_insert:
            row = connection.ops.fetch_returned_insert_columns(cursor, None)
        else:
            table = type(instance)._meta.db_table
            row = [connection.ops.last_insert_id(cursor, table, returning[0].column)]
        for field, value in zip(returning, row, strict=True):
            setattr(instance, field.attname, value)


def _complete(fields: list[Field], row: dict[str, Any]) -> dict[str, Any]:
    return {f.attname: row[f.attname] if f.attname in row else f.get_default() for f in fields}
